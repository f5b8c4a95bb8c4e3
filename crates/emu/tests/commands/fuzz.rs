//! Any CDB with any data never panics and always yields a status.

use discmaster_emu::dispatch::COMMANDS;
use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_transport::{DataPhase, ScsiStatus, Transport};
use proptest::prelude::*;
use std::time::Duration;

/// Runs `cdb` with a data phase chosen by `direction` (0 none, 1 in, 2 out) of `data`.
fn run(d: &mut EmulatedDrive, cdb: &[u8], direction: u8, data: &[u8]) {
    let mut buf = data.to_vec();
    let phase = match direction % 3 {
        0 => DataPhase::None,
        1 => DataPhase::In(&mut buf),
        _ => DataPhase::Out(data),
    };
    let offered = phase.len();
    let c = d
        .execute(cdb, phase, Duration::from_secs(1))
        .expect("no host IO error");
    assert!(
        c.status == ScsiStatus::GOOD || c.status == ScsiStatus::CHECK_CONDITION,
        "{c:?}"
    );
    assert!(
        c.residual <= offered,
        "residual {} > offered {offered}",
        c.residual
    );
    if c.status == ScsiStatus::CHECK_CONDITION {
        assert_eq!(c.sense.len(), 18);
        assert_eq!(c.sense[0] & 0x7F, 0x70);
    }
}

fn drive_with(kind: Option<MediaKind>) -> (tempfile::TempDir, EmulatedDrive) {
    let dir = tempfile::tempdir().unwrap();
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    if let Some(k) = kind {
        d.load_blank(k).unwrap();
    }
    (dir, d)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_cdb_never_panics(
        cdb in proptest::collection::vec(any::<u8>(), 0..20),
        direction in any::<u8>(),
        data in proptest::collection::vec(any::<u8>(), 0..5000),
        kind in 0usize..5,
    ) {
        let kind = [None, Some(MediaKind::CdR), Some(MediaKind::DvdMinusR), Some(MediaKind::DvdPlusR), Some(MediaKind::BdR)][kind];
        let (_dir, mut d) = drive_with(kind);
        run(&mut d, &cdb, direction, &data);
        run(&mut d, &cdb, direction, &data);
    }

    #[test]
    fn any_cdb_of_a_known_opcode_never_panics(
        row in 0..COMMANDS.len(),
        tail in proptest::collection::vec(any::<u8>(), 0..19),
        direction in any::<u8>(),
        data in proptest::collection::vec(any::<u8>(), 0..9000),
        kind in 0usize..5,
    ) {
        let kind = [None, Some(MediaKind::CdR), Some(MediaKind::DvdMinusR), Some(MediaKind::DvdPlusR), Some(MediaKind::BdR)][kind];
        let (_dir, mut d) = drive_with(kind);
        let mut cdb = vec![COMMANDS[row].opcode];
        cdb.extend_from_slice(&tail);
        // Twice: the first medium access only reports the medium change.
        run(&mut d, &cdb, direction, &data);
        run(&mut d, &cdb, direction, &data);
    }

    #[test]
    fn command_sequences_never_panic_or_corrupt_state(
        steps in proptest::collection::vec(
            (0..COMMANDS.len(), proptest::collection::vec(any::<u8>(), 9), any::<u8>(), 0usize..4),
            1..24,
        ),
        kind in 0usize..4,
    ) {
        let kind = [MediaKind::CdR, MediaKind::DvdMinusR, MediaKind::DvdPlusR, MediaKind::BdR][kind];
        let (dir, mut d) = drive_with(Some(kind));
        for (row, tail, direction, blocks) in steps {
            let mut cdb = vec![COMMANDS[row].opcode];
            cdb.extend_from_slice(&tail);
            // Small transfer lengths so WRITE/READ sometimes line up.
            if cdb.len() >= 9 {
                cdb[7] = 0;
                cdb[8] = blocks as u8;
                if COMMANDS[row].opcode == 0x2A || COMMANDS[row].opcode == 0x28 {
                    cdb[2..6].copy_from_slice(&[0, 0, 0, (tail[0] % 4) * 16]);
                }
            }
            let data = vec![0x5a; blocks * 2048];
            run(&mut d, &cdb, direction, &data);
        }
        drop(d);
        // Whatever happened, the state reopens.
        EmulatedDrive::open(dir.path()).unwrap();
    }
}
