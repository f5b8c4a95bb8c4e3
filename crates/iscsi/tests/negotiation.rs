//! Text negotiation: the RFC 7143 §6.2 result functions and whole initiator/target exchanges.

use discmaster_iscsi::negotiation::*;
use discmaster_iscsi::text::TextParameters;
use discmaster_iscsi::{Digests, LoginStage};

fn text(pairs: &[(&str, &str)]) -> TextParameters {
    pairs.iter().copied().collect()
}

#[test]
fn result_functions_follow_rfc_7143() {
    assert_eq!(result_minimum(65536, 262_144), 65536); // MaxBurstLength
    assert_eq!(result_maximum(2, 5), 5); // DefaultTime2Wait
    assert!(result_or(false, true)); // InitialR2T
    assert!(!result_or(false, false));
    assert!(!result_and(true, false)); // ImmediateData
    assert!(result_and(true, true));
    assert_eq!(
        select_from_list(&["CRC32C", "None"], &["None", "CRC32C"]),
        Some("CRC32C")
    );
    assert_eq!(select_from_list(&["CRC32C"], &["None"]), None);
}

#[test]
fn key_names_round_trip_and_cite_sections() {
    for key in Key::ALL {
        assert_eq!(Key::from_name(key.name()), Some(key));
        assert!(key.section().starts_with('§'));
    }
    assert_eq!(Key::from_name("InitialR2T"), Some(Key::InitialR2t));
    assert_eq!(Key::from_name("initialr2t"), None);
}

fn initiator_config() -> NegotiationConfig {
    NegotiationConfig {
        header_digests: vec![DigestKind::Crc32c, DigestKind::None],
        data_digests: vec![DigestKind::Crc32c, DigestKind::None],
        max_burst_length: 131_072,
        first_burst_length: 65_536,
        initial_r2t: false,
        immediate_data: true,
        max_recv_data_segment_length: 262_144,
        default_time2wait_s: 1,
        initiator_name: Some("iqn.2024-01.org.example:host".into()),
        target_name: Some("iqn.2024-01.org.example:recorder".into()),
        ..NegotiationConfig::default()
    }
}

fn target_config() -> NegotiationConfig {
    NegotiationConfig {
        header_digests: vec![DigestKind::Crc32c, DigestKind::None],
        data_digests: vec![DigestKind::None],
        max_burst_length: 65_536,
        first_burst_length: 16_384,
        initial_r2t: true,
        immediate_data: false,
        max_recv_data_segment_length: 65_536,
        default_time2wait_s: 3,
        target_alias: Some("discmaster".into()),
        target_portal_group_tag: Some(1),
        ..NegotiationConfig::default()
    }
}

#[test]
fn login_exchange_both_sides_agree_on_results() {
    let mut ini = Negotiator::new(Role::Initiator, initiator_config()).unwrap();
    let mut tgt = Negotiator::new(Role::Target, target_config()).unwrap();

    // Security stage: identity and AuthMethod.
    let offer = ini.offer(LoginStage::SecurityNegotiation);
    assert_eq!(
        offer,
        text(&[
            ("InitiatorName", "iqn.2024-01.org.example:host"),
            ("SessionType", "Normal"),
            ("TargetName", "iqn.2024-01.org.example:recorder"),
            ("AuthMethod", "None"),
        ])
    );
    let mut reply = tgt.respond(&offer).unwrap();
    assert_eq!(reply, text(&[("AuthMethod", "None")]));
    reply.0.extend(tgt.offer(LoginStage::SecurityNegotiation).0);
    assert_eq!(reply.get("TargetPortalGroupTag"), Some("1"));
    assert_eq!(ini.respond(&reply).unwrap(), TextParameters::new());
    assert!(ini.is_complete());

    // Operational stage.
    let offer = ini.offer(LoginStage::LoginOperationalNegotiation);
    assert_eq!(offer.get("HeaderDigest"), Some("CRC32C,None"));
    assert_eq!(offer.get("MaxBurstLength"), Some("131072"));
    assert_eq!(offer.get("InitialR2T"), Some("No"));
    assert_eq!(offer.get("MaxRecvDataSegmentLength"), Some("262144"));
    assert!(!ini.is_complete());
    let mut reply = tgt.respond(&offer).unwrap();
    assert_eq!(reply.get("HeaderDigest"), Some("CRC32C"));
    assert_eq!(reply.get("DataDigest"), Some("None"));
    assert_eq!(reply.get("MaxBurstLength"), Some("65536"));
    assert_eq!(reply.get("FirstBurstLength"), Some("16384"));
    assert_eq!(reply.get("InitialR2T"), Some("Yes"));
    assert_eq!(reply.get("ImmediateData"), Some("No"));
    assert_eq!(reply.get("DefaultTime2Wait"), Some("3"));
    assert_eq!(reply.get("DefaultTime2Retain"), Some("20"));
    let target_offer = tgt.offer(LoginStage::LoginOperationalNegotiation);
    assert_eq!(target_offer, text(&[("MaxRecvDataSegmentLength", "65536")]));
    reply.0.extend(target_offer.0);
    assert_eq!(ini.respond(&reply).unwrap(), TextParameters::new());
    assert!(ini.is_complete() && tgt.is_complete());

    let a = ini.finish().unwrap();
    let b = tgt.finish().unwrap();
    assert_eq!(a, b);
    assert_eq!(a.header_digest, DigestKind::Crc32c);
    assert_eq!(a.data_digest, DigestKind::None);
    assert_eq!(
        a.digests(),
        Digests {
            header: true,
            data: false
        }
    );
    assert_eq!(a.max_burst_length, 65_536);
    assert_eq!(a.first_burst_length, 16_384);
    assert!(a.initial_r2t);
    assert!(!a.immediate_data);
    assert_eq!(a.default_time2wait_s, 3);
    assert_eq!(a.initiator_max_recv_data_segment_length, 262_144);
    assert_eq!(a.target_max_recv_data_segment_length, 65_536);
    assert_eq!(a.max_send_data_segment_length(Role::Initiator), 65_536);
    assert_eq!(a.max_send_data_segment_length(Role::Target), 262_144);
    assert_eq!(a.target_alias.as_deref(), Some("discmaster"));
    assert_eq!(a.target_portal_group_tag, Some(1));
    assert_eq!(
        b.initiator_name.as_deref(),
        Some("iqn.2024-01.org.example:host")
    );
}

#[test]
fn target_answers_out_of_range_and_malformed_offers_with_reject() {
    let mut tgt = Negotiator::new(Role::Target, NegotiationConfig::default()).unwrap();
    let reply = tgt
        .respond(&text(&[
            ("MaxBurstLength", "100"),
            ("ImmediateData", "Maybe"),
            ("ErrorRecoveryLevel", "3"),
            ("HeaderDigest", "MD5"),
            ("DefaultTime2Wait", "0x10"),
        ]))
        .unwrap();
    assert_eq!(
        reply,
        text(&[
            ("MaxBurstLength", "Reject"),
            ("ImmediateData", "Reject"),
            ("ErrorRecoveryLevel", "Reject"),
            ("HeaderDigest", "Reject"),
            ("DefaultTime2Wait", "16"),
        ])
    );
    assert_eq!(tgt.parameters().max_burst_length, 262_144); // default kept
}

#[test]
fn unknown_key_is_not_understood_and_chap_keys_are_skipped() {
    let mut tgt = Negotiator::new(Role::Target, NegotiationConfig::default()).unwrap();
    let reply = tgt
        .respond(&text(&[
            ("X-com.example.Foo", "1"),
            ("CHAP_A", "5"),
            ("SendTargets", "All"),
        ]))
        .unwrap();
    assert_eq!(reply, text(&[("X-com.example.Foo", "NotUnderstood")]));
}

#[test]
fn discovery_session_answers_normal_only_keys_irrelevant() {
    let mut tgt = Negotiator::new(Role::Target, NegotiationConfig::default()).unwrap();
    let reply = tgt
        .respond(&text(&[
            ("InitiatorName", "iqn.2024-01.org.example:host"),
            ("SessionType", "Discovery"),
            ("InitialR2T", "No"),
            ("MaxBurstLength", "65536"),
            ("HeaderDigest", "None"),
        ]))
        .unwrap();
    assert_eq!(
        reply,
        text(&[
            ("InitialR2T", "Irrelevant"),
            ("MaxBurstLength", "Irrelevant"),
            ("HeaderDigest", "None"),
        ])
    );
    // No TargetName needed in a discovery session.
    assert!(tgt.finish().is_ok());
}

#[test]
fn discovery_initiator_does_not_offer_normal_only_keys() {
    let cfg = NegotiationConfig {
        session_type: SessionType::Discovery,
        initiator_name: Some("iqn.2024-01.org.example:host".into()),
        target_name: Some("ignored-for-discovery".into()),
        ..NegotiationConfig::default()
    };
    let mut ini = Negotiator::new(Role::Initiator, cfg).unwrap();
    let offer = ini.offer(LoginStage::LoginOperationalNegotiation);
    assert_eq!(offer.get("SessionType"), Some("Discovery"));
    assert_eq!(offer.get("TargetName"), None);
    assert_eq!(offer.get("MaxBurstLength"), None);
    assert_eq!(offer.get("InitialR2T"), None);
    assert!(offer.get("HeaderDigest").is_some());
}

#[test]
fn initiator_rejects_inadmissible_answers() {
    let cfg = initiator_config();
    // Minimum: an answer above the offer.
    let mut ini = Negotiator::new(Role::Initiator, cfg.clone()).unwrap();
    ini.offer(LoginStage::LoginOperationalNegotiation);
    let err = ini
        .respond(&text(&[("MaxBurstLength", "262144")]))
        .unwrap_err();
    assert!(
        matches!(
            err,
            NegotiationError::Inadmissible {
                key: "MaxBurstLength",
                ..
            }
        ),
        "{err}"
    );
    // Maximum: an answer below the offer.
    let mut ini = Negotiator::new(Role::Initiator, cfg.clone()).unwrap();
    ini.offer(LoginStage::LoginOperationalNegotiation);
    let err = ini
        .respond(&text(&[("DefaultTime2Wait", "0")]))
        .unwrap_err();
    assert!(matches!(
        err,
        NegotiationError::Inadmissible {
            key: "DefaultTime2Wait",
            ..
        }
    ));
    // List: a value that was not offered.
    let mut ini = Negotiator::new(
        Role::Initiator,
        NegotiationConfig {
            header_digests: vec![DigestKind::None],
            ..cfg.clone()
        },
    )
    .unwrap();
    ini.offer(LoginStage::LoginOperationalNegotiation);
    let err = ini
        .respond(&text(&[("HeaderDigest", "CRC32C")]))
        .unwrap_err();
    assert!(matches!(
        err,
        NegotiationError::Inadmissible {
            key: "HeaderDigest",
            ..
        }
    ));
    // AND: offered No, answered Yes.
    let mut ini = Negotiator::new(
        Role::Initiator,
        NegotiationConfig {
            immediate_data: false,
            ..cfg
        },
    )
    .unwrap();
    ini.offer(LoginStage::LoginOperationalNegotiation);
    let err = ini.respond(&text(&[("ImmediateData", "Yes")])).unwrap_err();
    assert!(matches!(
        err,
        NegotiationError::Inadmissible {
            key: "ImmediateData",
            ..
        }
    ));
}

#[test]
fn boolean_offer_that_decides_the_result_needs_no_answer() {
    // InitialR2T=Yes (OR) and ImmediateData=No (AND) decide the outcome by themselves.
    let cfg = NegotiationConfig {
        initial_r2t: true,
        immediate_data: false,
        initiator_name: Some("iqn.x".into()),
        target_name: Some("iqn.y".into()),
        ..NegotiationConfig::default()
    };
    let mut ini = Negotiator::new(Role::Initiator, cfg).unwrap();
    let offer = ini.offer(LoginStage::LoginOperationalNegotiation);
    assert_eq!(offer.get("InitialR2T"), Some("Yes"));
    assert_eq!(offer.get("ImmediateData"), Some("No"));
    let mut answers = TextParameters::new();
    for (k, v) in offer.iter() {
        if !matches!(
            k,
            "InitialR2T"
                | "ImmediateData"
                | "InitiatorName"
                | "SessionType"
                | "TargetName"
                | "MaxRecvDataSegmentLength"
        ) {
            answers.push(k, if k.ends_with("Digest") { "None" } else { v });
        }
    }
    ini.respond(&answers).unwrap();
    assert!(
        ini.is_complete(),
        "waiting for {:?}",
        ini.outstanding_keys()
    );
    let p = ini.finish().unwrap();
    assert!(p.initial_r2t);
    assert!(!p.immediate_data);
}

#[test]
fn reject_answer_keeps_default_and_completes() {
    let mut ini = Negotiator::new(Role::Initiator, initiator_config()).unwrap();
    let offer = ini.offer(LoginStage::LoginOperationalNegotiation);
    let answers: TextParameters = offer
        .iter()
        .filter(|(k, _)| {
            Key::from_name(k).is_some_and(|k| {
                !matches!(
                    k,
                    Key::InitiatorName
                        | Key::SessionType
                        | Key::TargetName
                        | Key::MaxRecvDataSegmentLength
                )
            })
        })
        .map(|(k, _)| (k, "Reject"))
        .collect();
    ini.respond(&answers).unwrap();
    let p = ini.finish().unwrap();
    assert_eq!(
        p,
        NegotiatedParameters {
            initiator_max_recv_data_segment_length: 262_144,
            initiator_name: Some("iqn.2024-01.org.example:host".into()),
            target_name: Some("iqn.2024-01.org.example:recorder".into()),
            ..NegotiatedParameters::default()
        }
    );
}

#[test]
fn duplicate_key_from_peer_is_error() {
    let mut tgt = Negotiator::new(Role::Target, NegotiationConfig::default()).unwrap();
    let err = tgt
        .respond(&text(&[
            ("MaxBurstLength", "65536"),
            ("MaxBurstLength", "65536"),
        ]))
        .unwrap_err();
    assert_eq!(
        err,
        NegotiationError::Duplicate {
            key: "MaxBurstLength".into()
        }
    );
}

#[test]
fn declarative_key_from_wrong_side_is_error() {
    let mut tgt = Negotiator::new(Role::Target, NegotiationConfig::default()).unwrap();
    let err = tgt.respond(&text(&[("TargetAlias", "x")])).unwrap_err();
    assert_eq!(
        err,
        NegotiationError::WrongSender {
            key: "TargetAlias",
            allowed: Role::Target
        }
    );
    let mut ini = Negotiator::new(Role::Initiator, NegotiationConfig::default()).unwrap();
    let err = ini
        .respond(&text(&[("InitiatorName", "iqn.x")]))
        .unwrap_err();
    assert!(matches!(
        err,
        NegotiationError::WrongSender {
            key: "InitiatorName",
            ..
        }
    ));
}

#[test]
fn answer_only_value_for_unoffered_key_is_error() {
    let mut ini = Negotiator::new(Role::Initiator, NegotiationConfig::default()).unwrap();
    let err = ini
        .respond(&text(&[("MaxBurstLength", "Reject")]))
        .unwrap_err();
    assert!(
        matches!(err, NegotiationError::UnexpectedAnswer { .. }),
        "{err}"
    );
}

#[test]
fn declared_max_recv_data_segment_length_accepts_hex_and_checks_range() {
    let mut ini = Negotiator::new(Role::Initiator, NegotiationConfig::default()).unwrap();
    ini.respond(&text(&[("MaxRecvDataSegmentLength", "0x10000")]))
        .unwrap();
    assert_eq!(ini.parameters().target_max_recv_data_segment_length, 65_536);
    let mut ini = Negotiator::new(Role::Initiator, NegotiationConfig::default()).unwrap();
    let err = ini
        .respond(&text(&[("MaxRecvDataSegmentLength", "511")]))
        .unwrap_err();
    assert!(matches!(
        err,
        NegotiationError::InvalidValue {
            key: "MaxRecvDataSegmentLength",
            ..
        }
    ));
}

#[test]
fn target_finish_requires_initiator_and_target_names() {
    let mut tgt = Negotiator::new(Role::Target, NegotiationConfig::default()).unwrap();
    assert_eq!(
        tgt.finish(),
        Err(NegotiationError::MissingKey {
            key: "InitiatorName"
        })
    );
    tgt.respond(&text(&[("InitiatorName", "iqn.x")])).unwrap();
    assert_eq!(
        tgt.finish(),
        Err(NegotiationError::MissingKey { key: "TargetName" })
    );
    tgt.respond(&text(&[("TargetName", "iqn.y")])).unwrap();
    assert!(tgt.finish().is_ok());
}

#[test]
fn unanswered_offer_makes_finish_incomplete() {
    let mut ini = Negotiator::new(Role::Initiator, initiator_config()).unwrap();
    ini.offer(LoginStage::LoginOperationalNegotiation);
    let err = ini.finish().unwrap_err();
    let NegotiationError::Incomplete { keys } = err else {
        panic!("{err}")
    };
    assert!(keys.contains(&"MaxBurstLength"));
}

#[test]
fn invalid_configuration_is_refused() {
    let err = Negotiator::new(
        Role::Initiator,
        NegotiationConfig {
            max_burst_length: 100,
            first_burst_length: 100,
            ..NegotiationConfig::default()
        },
    )
    .unwrap_err();
    assert!(matches!(
        err,
        NegotiationError::InvalidConfig {
            key: "MaxBurstLength",
            value: 100,
            ..
        }
    ));
    let err = Negotiator::new(
        Role::Initiator,
        NegotiationConfig {
            first_burst_length: 1 << 20,
            ..NegotiationConfig::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, NegotiationError::Inconsistent { .. }));
}
