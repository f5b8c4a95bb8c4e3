//! CHAP (RFC 1994 §4.1 response, RFC 7143 §12.1.3 keys, §9.2.1 reflection and secret rules).

use discmaster_iscsi::chap::*;
use discmaster_iscsi::text::{encode_hex, parse_binary, TextParameters};
use md5::{Digest, Md5};

fn hex(s: &str) -> Vec<u8> {
    parse_binary(&format!("0x{s}")).unwrap()
}

fn secret(s: &str) -> ChapSecret {
    ChapSecret::new(s.as_bytes()).unwrap()
}

const TARGET_CHALLENGE: &str = "8ad3f6b21f9b5e0c4d7a9e13c2b54f61a07e39d28c45f6b1";

#[test]
fn md5_response_matches_hand_concatenation_with_md5_crate() {
    let challenge: Vec<u8> = (0u8..16).collect();
    let mut by_hand = Vec::new();
    by_hand.push(1u8); // identifier
    by_hand.extend_from_slice(b"secret"); // secret
    by_hand.extend_from_slice(&challenge); // challenge
    let expected: [u8; 16] = Md5::digest(&by_hand).into();
    assert_eq!(chap_md5_response(1, b"secret", &challenge), expected);
    // The same value computed outside Rust (Python hashlib).
    assert_eq!(expected.to_vec(), hex("740e86463bda3a4d7017d6e0fba0699d"));
}

#[test]
fn md5_response_matches_rfc1994_style_vector() {
    // Identifier 07h, secret "initiator-secret", a 24-byte challenge; expected value computed
    // independently with Python hashlib.md5(bytes([7]) + secret + challenge).
    let response = chap_md5_response(0x07, b"initiator-secret", &hex(TARGET_CHALLENGE));
    assert_eq!(response.to_vec(), hex("b1d9a90c603842cb5832826287d98f69"));
}

fn initiator() -> ChapInitiator {
    ChapInitiator::new(ChapCredentials {
        name: "iqn.2024-01.org.example:host".into(),
        secret: secret("initiator-secret"),
    })
}

fn target() -> ChapTarget {
    ChapTarget::new(0x07, hex(TARGET_CHALLENGE)).unwrap()
}

fn lookup(name: &str) -> Option<ChapSecret> {
    (name == "iqn.2024-01.org.example:host").then(|| secret("initiator-secret"))
}

#[test]
fn one_way_exchange_authenticates_initiator() {
    let mut ini = initiator();
    let mut tgt = target();
    let step1 = ini.start().unwrap();
    assert_eq!(step1.emit(), b"CHAP_A=5\0");
    let step2 = tgt.on_algorithms(&step1).unwrap();
    assert_eq!(
        step2.emit(),
        format!("CHAP_A=5\0CHAP_I=7\0CHAP_C=0x{TARGET_CHALLENGE}\0").as_bytes()
    );
    let step3 = ini.on_challenge(&step2).unwrap();
    assert_eq!(step3.get("CHAP_N"), Some("iqn.2024-01.org.example:host"));
    assert_eq!(
        step3.get("CHAP_R"),
        Some("0xb1d9a90c603842cb5832826287d98f69")
    );
    assert!(ini.is_done());
    let verified = tgt.on_response(&step3, lookup).unwrap();
    assert_eq!(verified.initiator_name, "iqn.2024-01.org.example:host");
    assert!(verified.reply.is_empty());
    assert!(tgt.is_done());
}

fn target_credentials() -> ChapCredentials {
    ChapCredentials {
        name: "iqn.2024-01.org.example:recorder".into(),
        secret: secret("target-secret-12"),
    }
}

#[test]
fn mutual_exchange_authenticates_both_sides() {
    let mutual_challenge: Vec<u8> = (0x40u8..0x50).collect();
    let mut ini = initiator()
        .with_mutual(target_credentials(), 0x99, mutual_challenge)
        .unwrap();
    let mut tgt = target().with_credentials(target_credentials());
    let step2 = tgt.on_algorithms(&ini.start().unwrap()).unwrap();
    let step3 = ini.on_challenge(&step2).unwrap();
    assert_eq!(step3.get("CHAP_I"), Some("153"));
    assert_eq!(
        step3.get("CHAP_C"),
        Some("0x404142434445464748494a4b4c4d4e4f")
    );
    assert!(!ini.is_done());
    let verified = tgt.on_response(&step3, lookup).unwrap();
    assert_eq!(
        verified.reply.get("CHAP_N"),
        Some("iqn.2024-01.org.example:recorder")
    );
    // Python hashlib.md5(bytes([0x99]) + b"target-secret-12" + bytes(range(0x40, 0x50))).
    assert_eq!(
        verified.reply.get("CHAP_R"),
        Some("0xb97d5fc2b5793da5abec54711dea2259")
    );
    ini.on_target_response(&verified.reply).unwrap();
    assert!(ini.is_done());
}

#[test]
fn wrong_secret_is_response_mismatch() {
    let mut ini = ChapInitiator::new(ChapCredentials {
        name: "iqn.2024-01.org.example:host".into(),
        secret: secret("not-the-secret!!"),
    });
    let mut tgt = target();
    let step2 = tgt.on_algorithms(&ini.start().unwrap()).unwrap();
    let step3 = ini.on_challenge(&step2).unwrap();
    let err = tgt.on_response(&step3, lookup).unwrap_err();
    assert_eq!(
        err,
        ChapError::ResponseMismatch {
            name: "iqn.2024-01.org.example:host".into()
        }
    );
    assert!(!tgt.is_done());
}

#[test]
fn unknown_name_is_refused() {
    let mut tgt = target();
    tgt.on_algorithms(&[("CHAP_A", "5")].into_iter().collect())
        .unwrap();
    let reply: TextParameters = [
        ("CHAP_N", "iqn.other"),
        ("CHAP_R", "0x00112233445566778899aabbccddeeff"),
    ]
    .into_iter()
    .collect();
    let err = tgt.on_response(&reply, lookup).unwrap_err();
    assert_eq!(
        err,
        ChapError::UnknownName {
            name: "iqn.other".into()
        }
    );
}

#[test]
fn algorithm_list_without_md5_is_refused_and_list_with_md5_accepted() {
    let mut tgt = target();
    let err = tgt
        .on_algorithms(&[("CHAP_A", "7,6")].into_iter().collect())
        .unwrap_err();
    assert_eq!(
        err,
        ChapError::UnsupportedAlgorithm {
            offered: "7,6".into()
        }
    );
    let mut tgt = target();
    let reply = tgt
        .on_algorithms(&[("CHAP_A", "7,5")].into_iter().collect())
        .unwrap();
    assert_eq!(reply.get("CHAP_A"), Some("5"));
    let mut ini = initiator();
    ini.start().unwrap();
    let err = ini
        .on_challenge(
            &[
                ("CHAP_A", "7"),
                ("CHAP_I", "1"),
                ("CHAP_C", &encode_hex(&[1; 16])),
            ]
            .into_iter()
            .collect(),
        )
        .unwrap_err();
    assert_eq!(
        err,
        ChapError::UnsupportedAlgorithm {
            offered: "7".into()
        }
    );
}

#[test]
fn short_and_empty_challenges_are_refused() {
    assert_eq!(
        ChapTarget::new(1, vec![0; 8]).unwrap_err(),
        ChapError::ChallengeTooShort { len: 8, min: 16 }
    );
    assert_eq!(
        ChapTarget::new(1, Vec::new()).unwrap_err(),
        ChapError::ChallengeTooShort { len: 0, min: 16 }
    );
    for challenge in ["0x0102030405060708", "0x"] {
        let mut ini = initiator();
        ini.start().unwrap();
        let err = ini
            .on_challenge(
                &[("CHAP_A", "5"), ("CHAP_I", "1"), ("CHAP_C", challenge)]
                    .into_iter()
                    .collect(),
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                ChapError::ChallengeTooShort { len: 8, .. }
                    | ChapError::InvalidValue { key: "CHAP_C", .. }
            ),
            "{challenge}: {err}"
        );
    }
}

#[test]
fn target_refuses_its_own_challenge_reflected_back() {
    let mut ini = initiator()
        .with_mutual(target_credentials(), 0x99, (0x40u8..0x50).collect())
        .unwrap();
    let mut tgt = target().with_credentials(target_credentials());
    let step2 = tgt.on_algorithms(&ini.start().unwrap()).unwrap();
    let mut step3 = ini.on_challenge(&step2).unwrap();
    // An attacker (or a broken initiator) sends the target's challenge back to it.
    for (k, v) in step3.0.iter_mut() {
        if k == "CHAP_C" {
            *v = format!("0x{TARGET_CHALLENGE}");
        }
    }
    assert_eq!(
        tgt.on_response(&step3, lookup).unwrap_err(),
        ChapError::ReflectedChallenge
    );
}

#[test]
fn initiator_refuses_to_reuse_targets_challenge_for_mutual() {
    let mut ini = initiator()
        .with_mutual(target_credentials(), 0x99, hex(TARGET_CHALLENGE))
        .unwrap();
    let mut tgt = target();
    let step2 = tgt.on_algorithms(&ini.start().unwrap()).unwrap();
    assert_eq!(
        ini.on_challenge(&step2).unwrap_err(),
        ChapError::ReflectedChallenge
    );
}

#[test]
fn same_secret_in_both_directions_is_refused() {
    let same = ChapCredentials {
        name: "iqn.2024-01.org.example:recorder".into(),
        secret: secret("initiator-secret"),
    };
    let err = initiator()
        .with_mutual(same.clone(), 1, vec![7; 16])
        .unwrap_err();
    assert_eq!(err, ChapError::SameSecretBothDirections);

    // Target side: its own secret equals the initiator's.
    let mut ini = initiator()
        .with_mutual(target_credentials(), 0x99, (0x40u8..0x50).collect())
        .unwrap();
    let mut tgt = target().with_credentials(same);
    let step2 = tgt.on_algorithms(&ini.start().unwrap()).unwrap();
    let step3 = ini.on_challenge(&step2).unwrap();
    assert_eq!(
        tgt.on_response(&step3, lookup).unwrap_err(),
        ChapError::SameSecretBothDirections
    );
}

#[test]
fn mutual_request_without_target_credentials_is_refused() {
    let mut ini = initiator()
        .with_mutual(target_credentials(), 0x99, (0x40u8..0x50).collect())
        .unwrap();
    let mut tgt = target();
    let step2 = tgt.on_algorithms(&ini.start().unwrap()).unwrap();
    let step3 = ini.on_challenge(&step2).unwrap();
    assert_eq!(
        tgt.on_response(&step3, lookup).unwrap_err(),
        ChapError::MutualNotConfigured
    );
}

#[test]
fn wrong_target_name_or_response_fails_mutual_check() {
    let mut ini = initiator()
        .with_mutual(target_credentials(), 0x99, (0x40u8..0x50).collect())
        .unwrap();
    let step2 = target().on_algorithms(&ini.start().unwrap()).unwrap();
    ini.on_challenge(&step2).unwrap();
    let forged: TextParameters = [
        ("CHAP_N", "iqn.evil"),
        ("CHAP_R", "0xb97d5fc2b5793da5abec54711dea2259"),
    ]
    .into_iter()
    .collect();
    assert!(matches!(
        ini.clone().on_target_response(&forged).unwrap_err(),
        ChapError::NameMismatch { .. }
    ));
    let forged: TextParameters = [
        ("CHAP_N", "iqn.2024-01.org.example:recorder"),
        ("CHAP_R", "0xb97d5fc2b5793da5abec54711dea2258"),
    ]
    .into_iter()
    .collect();
    assert!(matches!(
        ini.on_target_response(&forged).unwrap_err(),
        ChapError::ResponseMismatch { .. }
    ));
}

#[test]
fn base64_encoded_challenge_and_response_work() {
    let mut ini = initiator().with_encoding(BinaryEncoding::Base64);
    let mut tgt = target().with_encoding(BinaryEncoding::Base64);
    let step2 = tgt.on_algorithms(&ini.start().unwrap()).unwrap();
    assert_eq!(
        step2.get("CHAP_C"),
        Some("0bitP2sh+bXgxNep4TwrVPYaB+OdKMRfax")
    );
    let step3 = ini.on_challenge(&step2).unwrap();
    assert!(step3.get("CHAP_R").unwrap().starts_with("0b"));
    tgt.on_response(&step3, lookup).unwrap();
}

#[test]
fn oversized_response_is_value_too_long() {
    let mut tgt = target();
    tgt.on_algorithms(&[("CHAP_A", "5")].into_iter().collect())
        .unwrap();
    let long = encode_hex(&[0u8; 1025]);
    let reply: TextParameters = [
        ("CHAP_N", "iqn.2024-01.org.example:host"),
        ("CHAP_R", long.as_str()),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        tgt.on_response(&reply, lookup).unwrap_err(),
        ChapError::ValueTooLong {
            len: 1025,
            max: 1024
        }
    );
}

#[test]
fn steps_out_of_order_are_refused() {
    let mut ini = initiator();
    assert!(matches!(
        ini.on_challenge(&TextParameters::new()).unwrap_err(),
        ChapError::OutOfOrder { .. }
    ));
    ini.start().unwrap();
    assert!(matches!(
        ini.start().unwrap_err(),
        ChapError::OutOfOrder { .. }
    ));
    let mut tgt = target();
    assert!(matches!(
        tgt.on_response(&TextParameters::new(), lookup).unwrap_err(),
        ChapError::OutOfOrder { .. }
    ));
}

#[test]
fn constant_time_eq_compares_content_and_length() {
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
    assert!(constant_time_eq(b"", b""));
}

#[test]
fn secret_debug_does_not_print_secret_and_empty_secret_is_refused() {
    assert_eq!(format!("{:?}", secret("hunter2")), "ChapSecret(<7 bytes>)");
    assert_eq!(
        ChapSecret::new(Vec::new()).unwrap_err(),
        ChapError::EmptySecret
    );
}
