//! The initiator against tgt (an iSCSI target no one here wrote): its emulated DVD+R recorder
//! over loopback, driven with raw CDBs through [`IscsiTransport`]. Login with tgt's defaults,
//! CRC32C digests, CHAP one-way and mutual (tgt accounts), Data-In with residuals, CHECK
//! CONDITION sense, Data-Out through tgt's R2Ts landing 1:1 in the backing file, and tgt's
//! NOP-In probes.
//!
//! Prints `SKIPPED: <reason>` and passes when tgtd is missing or cannot start (not root).

mod initiator_tgtd;

use std::path::Path;
use std::time::{Duration, Instant};

use discmaster_iscsi::chap::{ChapCredentials, ChapSecret};
use discmaster_iscsi::initiator::{
    ChapConfig, InitiatorConfig, InitiatorError, InitiatorErrorKind, IscsiAddress, IscsiTransport,
};
use discmaster_iscsi::negotiation::DigestKind;
use discmaster_iscsi::{Digests, LoginStatus};
use discmaster_transport::{Completion, DataPhase, ScsiStatus, Transport};
use initiator_tgtd::Tgtd;

const IQN: &str = "iqn.2024-01.test.discmaster:initiator-tgt";
const T: Duration = Duration::from_secs(10);

fn start() -> Option<Tgtd> {
    match Tgtd::start(Path::new(env!("CARGO_TARGET_TMPDIR")), IQN) {
        Ok(t) => Some(t),
        Err(reason) => {
            println!("SKIPPED: {reason}");
            None
        }
    }
}

fn config() -> InitiatorConfig {
    InitiatorConfig {
        initiator_name: "iqn.2024-01.test.discmaster:initiator".into(),
        ..InitiatorConfig::default()
    }
}

fn connect(tgtd: &Tgtd, config: InitiatorConfig) -> IscsiTransport {
    let address = IscsiAddress::parse(&tgtd.url()).unwrap();
    match IscsiTransport::connect(address, config) {
        Ok(t) => t,
        Err(e) => panic!("login to tgt failed: {e}\ntgtd log:\n{}", tgtd.log()),
    }
}

fn exec_in(t: &mut IscsiTransport, cdb: &[u8], len: usize) -> (Completion, Vec<u8>) {
    let mut buf = vec![0u8; len];
    let c = t.execute(cdb, DataPhase::In(&mut buf), T).unwrap();
    (c, buf)
}

/// TEST UNIT READY until GOOD (tgt reports the power-on UNIT ATTENTION 6/29/00 once).
fn ready(t: &mut IscsiTransport) {
    for _ in 0..5 {
        let c = t.execute(&[0; 6], DataPhase::None, T).unwrap();
        if c.is_good() {
            return;
        }
        assert_eq!(c.status, ScsiStatus::CHECK_CONDITION);
        assert_eq!(
            c.sense.get(2).map(|k| k & 0x0f),
            Some(6),
            "{:02x?}",
            c.sense
        );
    }
    panic!("TEST UNIT READY never GOOD");
}

fn write10(t: &mut IscsiTransport, lba: u32, data: &[u8]) -> Completion {
    let l = lba.to_be_bytes();
    let n = ((data.len() / 2048) as u16).to_be_bytes();
    t.execute(
        &[0x2a, 0, l[0], l[1], l[2], l[3], 0, n[0], n[1], 0],
        DataPhase::Out(data),
        T,
    )
    .unwrap()
}

fn pattern(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 24) as u8)
        .collect()
}

#[test]
fn tgt_dvd_plus_r_inquiry_configuration_sense_and_writes() {
    let Some(tgtd) = start() else { return };
    let mut t = connect(&tgtd, config());
    let p = t.negotiated().unwrap().clone();
    println!("negotiated with tgt: {p:?}");
    assert_eq!(p.digests(), Digests::NONE); // we prefer None, tgt takes the first it supports

    // 12h INQUIRY: peripheral device type 5 (MMC), vendor as configured.
    let (c, inq) = exec_in(&mut t, &[0x12, 0, 0, 0, 96, 0], 96);
    assert!(c.is_good());
    assert_eq!(inq[0] & 0x1f, 5);
    assert_eq!(&inq[8..16], b"STGT_DVD");
    ready(&mut t);

    // 46h GET CONFIGURATION, RT 1 (current), starting feature 0: current profile 001Bh DVD+R.
    let (c, config) = exec_in(&mut t, &[0x46, 1, 0, 0, 0, 0, 0, 0x01, 0, 0], 256);
    assert!(c.is_good());
    assert_eq!(&config[6..8], &[0x00, 0x1b]);

    // 5Ah MODE SENSE(10) page 2Ah: header (8) + page; tgt answers with a residual.
    let (c, page) = exec_in(&mut t, &[0x5a, 0x08, 0x2a, 0, 0, 0, 0, 0x01, 0, 0], 256);
    assert!(c.is_good());
    assert_eq!(page[8] & 0x3f, 0x2a);
    let mode_data_len = usize::from(u16::from_be_bytes([page[0], page[1]])) + 2;
    println!(
        "mode page 2A: {mode_data_len} bytes, residual {}",
        c.residual
    );
    assert!(c.residual <= 256 - mode_data_len.min(256));

    // 28h READ(10) on a blank DVD+R: CHECK CONDITION 5/21/00, the buffer all residual.
    let (c, _) = exec_in(&mut t, &[0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0], 2048);
    assert_eq!(c.status, ScsiStatus::CHECK_CONDITION);
    assert_eq!(c.sense[2] & 0x0f, 5, "{:02x?}", c.sense);
    assert_eq!(c.sense[12], 0x21, "{:02x?}", c.sense);
    assert_eq!(c.residual, 2048);

    // 2Ah WRITE(10): 2 × 64 KiB and one 200 KiB write (over several R2Ts), then 35h SYNC.
    let data = pattern(328 * 1024, 1);
    assert!(write10(&mut t, 0, &data[..65536]).is_good());
    assert!(write10(&mut t, 32, &data[65536..131072]).is_good());
    assert!(write10(&mut t, 64, &data[131072..]).is_good());
    let c = t
        .execute(&[0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0], DataPhase::None, T)
        .unwrap();
    assert!(c.is_good());
    let backing = std::fs::read(&tgtd.backing).unwrap();
    assert_eq!(backing.len(), data.len());
    assert!(
        backing == data,
        "backing file differs from the written data"
    );
    assert_eq!(t.login_count(), 1);
}

#[test]
fn tgt_crc32c_digests_required_write_and_read_back() {
    let Some(tgtd) = start() else { return };
    // tgt offers only None unless told (and answers None, not Reject, to a CRC32C-only offer).
    for name in ["HeaderDigest", "DataDigest"] {
        tgtd.adm(&[
            "--mode",
            "target",
            "--op",
            "update",
            "--tid",
            "1",
            "-n",
            name,
            "-v",
            "CRC32C,None",
        ])
        .unwrap();
    }
    let mut t = connect(
        &tgtd,
        InitiatorConfig {
            header_digests: vec![DigestKind::Crc32c],
            data_digests: vec![DigestKind::Crc32c],
            ..config()
        },
    );
    assert_eq!(t.negotiated().unwrap().digests(), Digests::BOTH);
    ready(&mut t);
    let data = pattern(256 * 1024, 7);
    assert!(write10(&mut t, 0, &data).is_good());
    // 5Bh CLOSE TRACK/SESSION: tgt turns the disc into a DVD-ROM whose sectors we can read.
    let c = t
        .execute(&[0x5b, 0, 0x02, 0, 0, 0, 0, 0, 0, 0], DataPhase::None, T)
        .unwrap();
    assert!(c.is_good(), "{c:?}");
    let (c, back) = exec_in(&mut t, &[0x28, 0, 0, 0, 0, 0, 0, 0, 128, 0], 256 * 1024);
    assert!(c.is_good(), "{c:?}");
    assert_eq!(c.residual, 0);
    assert!(back == data, "read back differs");
    assert_eq!(std::fs::read(&tgtd.backing).unwrap(), data);
}

fn chap(user: &str, secret: &str) -> ChapCredentials {
    ChapCredentials {
        name: user.into(),
        secret: ChapSecret::new(secret.as_bytes().to_vec()).unwrap(),
    }
}

#[test]
fn tgt_one_way_chap_right_secret_logs_in_wrong_secret_refused() {
    let Some(tgtd) = start() else { return };
    tgtd.require_chap("burner", "burner-secret-1").unwrap();
    let address = IscsiAddress::parse(&tgtd.url()).unwrap();

    let err = IscsiTransport::connect(address.clone(), config())
        .err()
        .expect("tgt requires CHAP");
    println!("without CHAP: {err}");
    assert_eq!(
        err.kind(),
        InitiatorErrorKind::AuthenticationFailed,
        "{err}"
    );

    let wrong = InitiatorConfig {
        chap: Some(ChapConfig {
            credentials: chap("burner", "not-the-secret"),
            mutual: None,
        }),
        ..config()
    };
    let err = IscsiTransport::connect(address.clone(), wrong)
        .err()
        .expect("wrong secret");
    assert!(
        matches!(err, InitiatorError::LoginRefused { status } if status == LoginStatus::AUTHENTICATION_FAILURE),
        "{err}"
    );

    let right = InitiatorConfig {
        chap: Some(ChapConfig {
            credentials: chap("burner", "burner-secret-1"),
            mutual: None,
        }),
        ..config()
    };
    let mut t = connect(&tgtd, right);
    let (c, inq) = exec_in(&mut t, &[0x12, 0, 0, 0, 36, 0], 36);
    assert!(c.is_good());
    assert_eq!(&inq[8..16], b"STGT_DVD");
}

#[test]
fn tgt_mutual_chap_authenticates_both_sides() {
    let Some(tgtd) = start() else { return };
    tgtd.require_chap("burner", "burner-secret-1").unwrap();
    tgtd.outgoing_chap("recorder", "recorder-secret-2").unwrap();
    let mutual = |target_secret: &str| InitiatorConfig {
        chap: Some(ChapConfig {
            credentials: chap("burner", "burner-secret-1"),
            mutual: Some(chap("recorder", target_secret)),
        }),
        ..config()
    };
    let mut t = connect(&tgtd, mutual("recorder-secret-2"));
    let (c, _) = exec_in(&mut t, &[0x12, 0, 0, 0, 36, 0], 36);
    assert!(c.is_good());
    drop(t);

    let address = IscsiAddress::parse(&tgtd.url()).unwrap();
    let err = IscsiTransport::connect(address, mutual("what-we-expect-3"))
        .err()
        .expect("the target's answer does not match the secret we expect");
    assert_eq!(
        err.kind(),
        InitiatorErrorKind::AuthenticationFailed,
        "{err}"
    );
}

#[test]
fn tgt_nop_in_probes_are_answered_and_an_idle_drop_reconnects() {
    let Some(tgtd) = start() else { return };
    for (name, value) in [("nop_interval", "1"), ("nop_count", "3")] {
        if let Err(e) = tgtd.adm(&[
            "--mode", "target", "--op", "update", "--tid", "1", "-n", name, "-v", value,
        ]) {
            println!("SKIPPED: tgt does not take {name}: {e}");
            return;
        }
    }
    let mut t = connect(
        &tgtd,
        InitiatorConfig {
            keepalive_idle: None,
            ..config()
        },
    );
    ready(&mut t);
    // Busy for 3.5 s: tgt's probes arrive between commands and are answered.
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(3500) {
        let (c, _) = exec_in(&mut t, &[0x12, 0, 0, 0, 36, 0], 36);
        assert!(c.is_good());
        std::thread::sleep(Duration::from_millis(100));
    }
    println!(
        "target pings answered while busy: {}",
        t.target_pings_answered()
    );
    assert!(t.target_pings_answered() >= 2);
    assert_eq!(t.login_count(), 1);
    // Idle for longer than nop_interval × nop_count: tgt drops the connection; the next
    // command logs in again and succeeds.
    std::thread::sleep(Duration::from_millis(5500));
    let (c, _) = exec_in(&mut t, &[0x12, 0, 0, 0, 36, 0], 36);
    assert!(c.is_good());
    println!("logins after the idle drop: {}", t.login_count());
    assert_eq!(t.login_count(), 2);
}
