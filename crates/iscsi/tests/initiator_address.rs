//! `iscsi://` addresses ([`IscsiAddress`]) and the initiator configuration from the
//! environment ([`InitiatorConfig::from_env`]).

use discmaster_iscsi::initiator::{
    InitiatorConfig, InitiatorError, InitiatorErrorKind, IscsiAddress, ENV_CHAP_SECRET,
    ENV_CHAP_TARGET_SECRET, ENV_CHAP_TARGET_USER, ENV_CHAP_USER, ENV_DIGEST, ENV_INITIATOR_NAME,
};
use discmaster_iscsi::negotiation::DigestKind;

#[test]
fn address_full_form_parses_every_part() {
    let a = IscsiAddress::parse("iscsi://10.0.0.5:3261/iqn.2024-01.test.optical:dvd-recorder/1")
        .unwrap();
    assert_eq!(a.host, "10.0.0.5");
    assert_eq!(a.port, 3261);
    assert_eq!(a.target_name, "iqn.2024-01.test.optical:dvd-recorder");
    assert_eq!(a.lun, 1);
    assert_eq!(a.chap_user, None);
    assert_eq!(a.chap_secret(), None);
    assert_eq!(a.portal(), "10.0.0.5:3261");
    assert_eq!(a.lun_field().0, [0, 1, 0, 0, 0, 0, 0, 0]); // peripheral device addressing
}

#[test]
fn address_without_port_uses_3260() {
    let a = IscsiAddress::parse("iscsi://recorder.example/iqn.2024-01.example:r/0").unwrap();
    assert_eq!(a.host, "recorder.example");
    assert_eq!(a.port, IscsiAddress::DEFAULT_PORT);
    assert_eq!(a.port, 3260);
    assert_eq!(a.lun, 0);
}

#[test]
fn address_ipv6_host_in_brackets() {
    let a = IscsiAddress::parse("iscsi://[::1]:3262/iqn.2024-01.example:r/3").unwrap();
    assert_eq!(a.host, "::1");
    assert_eq!(a.port, 3262);
    assert_eq!(a.portal(), "[::1]:3262");
    let a = IscsiAddress::parse("iscsi://[fe80::1]/iqn.2024-01.example:r/3").unwrap();
    assert_eq!(a.port, 3260);
    assert_eq!(
        a.to_string(),
        "iscsi://[fe80::1]:3260/iqn.2024-01.example:r/3"
    );
}

#[test]
fn address_user_info_carries_chap_credentials_and_display_hides_the_secret() {
    let a = IscsiAddress::parse("ISCSI://burner%s3cret@127.0.0.1/iqn.2024-01.example:r/1").unwrap();
    assert_eq!(a.chap_user.as_deref(), Some("burner"));
    assert_eq!(a.chap_secret(), Some("s3cret"));
    let shown = a.to_string();
    assert_eq!(
        shown,
        "iscsi://burner@127.0.0.1:3260/iqn.2024-01.example:r/1"
    );
    assert!(!format!("{a:?}").contains("s3cret"));
    // A secret may itself contain % and @ (the user info ends at the last @).
    let a = IscsiAddress::parse("iscsi://u%a%b@c@host/iqn.x:y/2").unwrap();
    assert_eq!(a.chap_user.as_deref(), Some("u"));
    assert_eq!(a.chap_secret(), Some("a%b@c"));
    assert_eq!(a.host, "host");
}

#[test]
fn address_large_lun_uses_flat_space_addressing() {
    let a = IscsiAddress::parse("iscsi://h/iqn.x:y/300").unwrap();
    assert_eq!(a.lun_field().0, [0x41, 0x2c, 0, 0, 0, 0, 0, 0]); // 40h | (300 >> 8), 300 & FFh
    assert!(IscsiAddress::parse("iscsi://h/iqn.x:y/16383").is_ok());
}

#[test]
fn address_malformed_is_refused_with_reason_and_no_secret() {
    let cases = [
        ("emu:/tmp/x", "does not start with iscsi://"),
        ("iscsi://host", "missing /TARGET-NAME/LUN"),
        ("iscsi:///iqn.x:y/1", "empty host"),
        ("iscsi://host:0/iqn.x:y/1", "port is not a number"),
        ("iscsi://host:70000/iqn.x:y/1", "port is not a number"),
        ("iscsi://host:abc/iqn.x:y/1", "port is not a number"),
        ("iscsi://host/iqn.x:y", "missing /LUN"),
        ("iscsi://host//1", "empty target name"),
        ("iscsi://host/iqn.x:y/", "LUN is not a decimal number"),
        ("iscsi://host/iqn.x:y/16384", "LUN is not a decimal number"),
        ("iscsi://host/iqn.x:y/-1", "LUN is not a decimal number"),
        ("iscsi://host/iqn x/1", "target name contains"),
        ("iscsi://host/a/b/1", "target name contains"),
        (
            "iscsi://user@host/iqn.x:y/1",
            "user info must be USER%SECRET",
        ),
        ("iscsi://%pw@host/iqn.x:y/1", "both non-empty"),
        ("iscsi://[::1/iqn.x:y/1", "unclosed ["),
    ];
    for (address, reason) in cases {
        let err = IscsiAddress::parse(address).expect_err(address);
        assert_eq!(err.kind(), InitiatorErrorKind::InvalidAddress);
        assert!(
            err.to_string().contains(reason),
            "{address}: {err} (wanted {reason:?})"
        );
    }
    let err = IscsiAddress::parse("iscsi://bob%hunter2@host/iqn.x:y/x").unwrap_err();
    let text = err.to_string();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("bob%***@host"), "{text}");
}

/// The environment is process-wide: one test sets and clears every variable in turn.
#[test]
fn config_from_env_reads_chap_digest_and_name() {
    let clear = || {
        for v in [
            ENV_CHAP_USER,
            ENV_CHAP_SECRET,
            ENV_CHAP_TARGET_USER,
            ENV_CHAP_TARGET_SECRET,
            ENV_DIGEST,
            ENV_INITIATOR_NAME,
        ] {
            std::env::remove_var(v);
        }
    };
    clear();
    let c = InitiatorConfig::from_env().unwrap();
    assert_eq!(c, InitiatorConfig::default());
    assert!(c.initiator_name.starts_with("iqn.2024-01.org.discmaster:"));
    assert_eq!(c.header_digests, vec![DigestKind::None, DigestKind::Crc32c]);
    assert!(c.chap.is_none());

    std::env::set_var(ENV_INITIATOR_NAME, "iqn.2024-01.test:me");
    std::env::set_var(ENV_DIGEST, "crc32c");
    std::env::set_var(ENV_CHAP_USER, "burner");
    std::env::set_var(ENV_CHAP_SECRET, "burner-secret");
    let c = InitiatorConfig::from_env().unwrap();
    assert_eq!(c.initiator_name, "iqn.2024-01.test:me");
    assert_eq!(c.header_digests, vec![DigestKind::Crc32c]);
    assert_eq!(c.data_digests, vec![DigestKind::Crc32c]);
    let chap = c.chap.clone().unwrap();
    assert_eq!(chap.credentials.name, "burner");
    assert_eq!(chap.credentials.secret.expose(), b"burner-secret");
    assert!(chap.mutual.is_none());

    // The URL's user info wins over the environment's one-way credentials.
    let a = IscsiAddress::parse("iscsi://url%url-secret@h/iqn.x:y/1").unwrap();
    let c2 = c.clone().with_address_credentials(&a).unwrap();
    assert_eq!(c2.chap.unwrap().credentials.name, "url");

    std::env::set_var(ENV_CHAP_TARGET_USER, "recorder");
    std::env::set_var(ENV_CHAP_TARGET_SECRET, "recorder-secret");
    std::env::set_var(ENV_DIGEST, "prefer-crc32c");
    let c = InitiatorConfig::from_env().unwrap();
    assert_eq!(c.header_digests, vec![DigestKind::Crc32c, DigestKind::None]);
    assert_eq!(c.chap.unwrap().mutual.unwrap().name, "recorder");

    std::env::set_var(ENV_DIGEST, "md5");
    let err = InitiatorConfig::from_env().unwrap_err();
    assert!(matches!(err, InitiatorError::InvalidConfig(_)), "{err}");
    std::env::remove_var(ENV_DIGEST);

    std::env::remove_var(ENV_CHAP_SECRET);
    let err = InitiatorConfig::from_env().unwrap_err();
    assert!(err.to_string().contains(ENV_CHAP_SECRET), "{err}");

    std::env::remove_var(ENV_CHAP_USER);
    let err = InitiatorConfig::from_env().unwrap_err();
    assert!(err.to_string().contains(ENV_CHAP_TARGET_USER), "{err}");
    clear();
}
