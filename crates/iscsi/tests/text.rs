//! Text lists, value encodings and SendTargets (RFC 7143 §6.1, §13.3, §13.8).

use discmaster_iscsi::send_targets::*;
use discmaster_iscsi::text::*;

#[test]
fn parse_text_splits_nul_terminated_pairs_in_order() {
    let bytes = b"HeaderDigest=CRC32C,None\0MaxBurstLength=262144\0TargetAlias=\0";
    let pairs = parse_text(bytes).unwrap();
    assert_eq!(
        pairs,
        vec![
            ("HeaderDigest".to_string(), "CRC32C,None".to_string()),
            ("MaxBurstLength".to_string(), "262144".to_string()),
            ("TargetAlias".to_string(), String::new()),
        ]
    );
    assert_eq!(
        emit_text(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        bytes
    );
}

#[test]
fn parse_text_accepts_trailing_padding_nuls() {
    let pairs = parse_text(b"A=1\0\0\0\0").unwrap();
    assert_eq!(pairs, vec![("A".to_string(), "1".to_string())]);
    assert_eq!(parse_text(b"").unwrap(), vec![]);
}

#[test]
fn parse_text_keeps_equals_inside_value() {
    let pairs = parse_text(b"X-key=a=b\0").unwrap();
    assert_eq!(pairs[0].1, "a=b");
}

#[test]
fn parse_text_unterminated_last_item_reports_offset() {
    assert_eq!(
        parse_text(b"A=1\0B=2"),
        Err(TextError::Unterminated { offset: 4 })
    );
}

#[test]
fn parse_text_empty_item_in_middle_is_error() {
    assert_eq!(
        parse_text(b"A=1\0\0B=2\0"),
        Err(TextError::EmptyItem { offset: 4 })
    );
}

#[test]
fn parse_text_missing_equals_is_error() {
    assert_eq!(
        parse_text(b"A=1\0Bogus\0"),
        Err(TextError::MissingEquals { offset: 4 })
    );
}

#[test]
fn parse_text_lowercase_or_long_key_is_invalid_key() {
    let err = parse_text(b"headerDigest=None\0").unwrap_err();
    assert!(
        matches!(err, TextError::InvalidKey { offset: 0, .. }),
        "{err}"
    );
    let long = format!("K{}=1\0", "x".repeat(63));
    let err = parse_text(long.as_bytes()).unwrap_err();
    assert!(matches!(
        err,
        TextError::InvalidKey {
            reason: "longer than 63 bytes",
            ..
        }
    ));
    let err = parse_text(b"Key name=1\0").unwrap_err();
    assert!(matches!(err, TextError::InvalidKey { .. }));
}

#[test]
fn parse_text_non_utf8_is_error() {
    assert_eq!(
        parse_text(b"A=\xff\0"),
        Err(TextError::NotUtf8 { offset: 0 })
    );
}

#[test]
fn parse_number_accepts_decimal_hex_and_base64() {
    assert_eq!(parse_number("8192"), Ok(8192));
    assert_eq!(parse_number("0x2000"), Ok(0x2000));
    assert_eq!(parse_number("0X2000"), Ok(0x2000));
    assert_eq!(parse_number("0bIAA="), Ok(0x2000)); // base64 of 20h 00h
    assert_eq!(parse_number("18446744073709551615"), Ok(u64::MAX));
    assert_eq!(parse_number("0x0000000000000000ff"), Ok(0xff)); // leading zero bytes
}

#[test]
fn parse_number_rejects_malformed_and_too_large() {
    for bad in [
        "",
        "-1",
        "+1",
        "1.5",
        "0x",
        "0xg",
        "18446744073709551616",
        "0x10000000000000000",
        "Yes",
    ] {
        assert!(parse_number(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn parse_binary_hex_odd_digits_get_leading_nibble() {
    assert_eq!(parse_binary("0xabc"), Ok(vec![0x0a, 0xbc]));
    assert_eq!(parse_binary("0x00ff"), Ok(vec![0x00, 0xff]));
}

#[test]
fn base64_round_trips_and_matches_rfc4648() {
    assert_eq!(parse_binary("0bAAECAwQ="), Ok(vec![0, 1, 2, 3, 4]));
    assert_eq!(encode_base64(&[0, 1, 2, 3, 4]), "0bAAECAwQ=");
    assert_eq!(encode_base64(b"f"), "0bZg==");
    assert_eq!(encode_base64(b"fo"), "0bZm8=");
    assert_eq!(encode_base64(b"foo"), "0bZm9v");
    for n in 0..40u8 {
        let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
        if !bytes.is_empty() {
            assert_eq!(parse_binary(&encode_base64(&bytes)), Ok(bytes.clone()));
            assert_eq!(parse_binary(&encode_hex(&bytes)), Ok(bytes));
        }
    }
    assert!(parse_binary("0bA").is_err()); // one leftover character
    assert!(parse_binary("0bAA=A").is_err()); // padding in the middle
    assert!(parse_binary("0b!!!!").is_err());
}

#[test]
fn booleans_are_case_sensitive() {
    assert_eq!(parse_boolean("Yes"), Ok(true));
    assert_eq!(parse_boolean("No"), Ok(false));
    assert!(parse_boolean("yes").is_err());
    assert_eq!(emit_boolean(true), "Yes");
}

#[test]
fn split_text_cuts_at_max_length() {
    let text = emit_text([("TargetName", "iqn.2024-01.org.example:one")]);
    let parts = split_text(&text, 16);
    assert_eq!(parts.len(), 3);
    assert!(parts.iter().all(|p| p.len() <= 16));
    assert_eq!(parts.concat(), text);
}

#[test]
fn send_targets_response_parses_targets_and_addresses() {
    let bytes = b"TargetName=iqn.2024-01.org.example:a\0\
TargetAddress=10.0.0.1:3260,1\0\
TargetAddress=[2001:db8::1],2\0\
TargetName=iqn.2024-01.org.example:b\0\
TargetAddress=disc.example.org\0";
    let text = TextParameters::parse(bytes).unwrap();
    let targets = parse_send_targets_response(&text).unwrap();
    assert_eq!(
        targets,
        vec![
            DiscoveredTarget {
                target_name: "iqn.2024-01.org.example:a".into(),
                addresses: vec![
                    TargetAddress {
                        host: "10.0.0.1".into(),
                        port: Some(3260),
                        portal_group_tag: Some(1)
                    },
                    TargetAddress {
                        host: "2001:db8::1".into(),
                        port: None,
                        portal_group_tag: Some(2)
                    },
                ],
            },
            DiscoveredTarget {
                target_name: "iqn.2024-01.org.example:b".into(),
                addresses: vec![TargetAddress {
                    host: "disc.example.org".into(),
                    port: None,
                    portal_group_tag: None
                }],
            },
        ]
    );
    assert_eq!(targets[1].addresses[0].port_or_default(), 3260);
    assert_eq!(emit_send_targets_response(&targets).emit(), bytes);
}

#[test]
fn send_targets_address_before_name_is_error() {
    let text = TextParameters::parse(b"TargetAddress=10.0.0.1\0").unwrap();
    assert!(parse_send_targets_response(&text).is_err());
}

#[test]
fn target_address_rejects_bad_port_and_unclosed_bracket() {
    assert!(TargetAddress::parse("host:99999").is_err());
    assert!(TargetAddress::parse("[::1:3260").is_err());
    assert!(TargetAddress::parse(":3260").is_err());
    assert_eq!(
        TargetAddress::parse("[::1]:860,7").unwrap().emit(),
        "[::1]:860,7"
    );
}

#[test]
fn send_targets_request_values_round_trip() {
    assert_eq!(SendTargetsRequest::parse("All"), SendTargetsRequest::All);
    assert_eq!(
        SendTargetsRequest::parse(""),
        SendTargetsRequest::CurrentTarget
    );
    let named = SendTargetsRequest::parse("iqn.x");
    assert_eq!(named, SendTargetsRequest::Target("iqn.x".into()));
    assert_eq!(named.to_text().emit(), b"SendTargets=iqn.x\0");
}
