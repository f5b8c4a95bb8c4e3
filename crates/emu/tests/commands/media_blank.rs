//! BLANK of CD-RW and DVD-RW (full and minimal, Immed progress), reuse of the blanked disc,
//! refusals on other media, and the Immed long operations of CLOSE TRACK/SESSION and
//! SYNCHRONIZE CACHE (`mmc.md` §1.0, §1.16, §1.19, §1.20, §3.1).

use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_mmc::Sense;

use crate::common::*;
use crate::media_util::*;

/// Writes a 300-block TAO track at the NWA and closes the session (appendable).
fn burn_cd_session(d: &mut EmulatedDrive) -> u32 {
    assert_good(&edit_page05(d, |p| p[3] = (p[3] & 0x3F) | 0xC0));
    let nwa = nwa_of(&track_info(d, 0xFF));
    assert_good(&write(d, nwa, 300));
    assert_good(&sync(d));
    assert_good(&close(d, 0x02, 0));
    nwa
}

#[test]
fn cd_rw_minimal_blank_with_immed_reports_progress_and_gives_a_blank_disc() {
    let (_dir, mut d) = media_drive(MediaKind::CdRw);
    burn_cd_session(&mut d);
    assert_eq!(disc_info(&mut d)[2] & 0x13, 0x11, "erasable, appendable");
    assert_eq!(d.sectors_written(), 300);
    // libburn / cdrecord: BLANK minimal (001b) with Immed, then TEST UNIT READY polling.
    assert_good(&blank(&mut d, true, 0x01));
    let progress = poll_until_ready(&mut d, Sense::OPERATION_IN_PROGRESS);
    assert_progress_0_to_100(&progress);
    let b = disc_info(&mut d);
    assert_eq!(b[2] & 0x1F, 0x10, "erasable, empty, last session empty");
    assert_eq!((b[4], b[5], b[6]), (1, 1, 1));
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 0);
    assert_sense!(read(&mut d, 0, 1).0, Sense::LBA_OUT_OF_RANGE);
    // The blanked disc takes a new TAO recording from LBA 0.
    assert_eq!(burn_cd_session(&mut d), 0);
    assert_eq!(read(&mut d, 0, 300).1, pattern(0, 300));
    assert_eq!(d.sectors_written(), 600, "host-recorded blocks only");
}

#[test]
fn cd_rw_full_blank_without_immed_completes_at_once() {
    let (_dir, mut d) = media_drive(MediaKind::CdRw);
    burn_cd_session(&mut d);
    assert_good(&blank(&mut d, false, 0x00));
    assert_good(&tur(&mut d));
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x00, "empty");
    // Packet writing after the blank.
    assert_good(&edit_page05(&mut d, |p| p[2] &= 0xF0)); // write type 0
    assert_good(&write(&mut d, 0, 32));
    assert_eq!(read(&mut d, 0, 32).1, pattern(0, 32));
}

#[test]
fn blank_types_beyond_minimal_and_other_media_are_refused() {
    let (_dir, mut d) = media_drive(MediaKind::CdRw);
    // 010b blank track … 110b erase last session: not emulated.
    for t in 2..=6 {
        assert_sense!(blank(&mut d, false, t), Sense::INVALID_FIELD_IN_CDB);
    }
    // 111b is reserved (refused by the CDB parser).
    assert_sense!(blank(&mut d, false, 7), Sense::INVALID_FIELD_IN_CDB);
    for kind in [
        MediaKind::CdR,
        MediaKind::DvdPlusR,
        MediaKind::DvdMinusR,
        MediaKind::DvdPlusRw,
        MediaKind::DvdRam,
        MediaKind::BdR,
        MediaKind::BdRe,
        MediaKind::DvdPlusRDl,
    ] {
        let (_dir, mut d) = media_drive(kind);
        // "Command not valid for the mounted profile" (mmc.md §3.4).
        assert_sense!(
            blank(&mut d, true, 0x00),
            Sense::INCOMPATIBLE_MEDIUM_INSTALLED
        );
        assert_good(&tur(&mut d));
    }
    let (_dir, mut d) = empty_drive();
    assert_sense!(blank(&mut d, false, 0), Sense::MEDIUM_NOT_PRESENT);
}

#[test]
fn dvd_rw_minimal_blank_allows_only_disc_at_once_until_a_full_blank() {
    let (_dir, mut d) = media_drive(MediaKind::DvdMinusRw);
    // New disc: incremental (write type 0).
    assert!(feature_current(&mut d, 0x0021));
    assert_good(&write(&mut d, 0, 32));
    assert_good(&close(&mut d, 0x01, 1));
    assert_good(&close(&mut d, 0x02, 0));
    assert_good(&blank(&mut d, true, 0x01));
    assert_progress_0_to_100(&poll_until_ready(&mut d, Sense::OPERATION_IN_PROGRESS));
    assert_eq!(current_profile(&mut d), 0x0014);
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0, "empty");
    assert!(
        !feature_current(&mut d, 0x0021),
        "no incremental after a minimal blank"
    );
    assert_sense!(write(&mut d, 0, 32), Sense::ILLEGAL_MODE_FOR_THIS_TRACK);
    // Disc at once still works: write type 2 + RESERVE TRACK.
    assert_good(&edit_page05(&mut d, |p| p[2] = (p[2] & 0xF0) | 0x02));
    assert_good(&none(&mut d, &[0x53, 0, 0, 0, 0, 0, 0, 0, 32, 0]));
    assert_good(&write(&mut d, 0, 32));
    assert_good(&sync(&mut d));
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x02, "finalized");
    // A full blank brings incremental recording back.
    assert_good(&blank(&mut d, false, 0x00));
    assert_good(&edit_page05(&mut d, |p| p[2] &= 0xF0));
    assert!(feature_current(&mut d, 0x0021));
    assert_good(&write(&mut d, 0, 32));
}

#[test]
fn dvd_rw_blank_returns_restricted_overwrite_to_sequential() {
    let (_dir, mut d) = media_drive(MediaKind::DvdMinusRw);
    assert_good(&format(&mut d, false, 0x10, 0, 2_298_496, 0x10));
    assert_eq!(current_profile(&mut d), 0x0013);
    assert_good(&write(&mut d, 64, 16));
    assert_good(&blank(&mut d, false, 0x00));
    assert_eq!(current_profile(&mut d), 0x0014);
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 0);
    assert_sense!(write(&mut d, 64, 16), Sense::INVALID_ADDRESS_FOR_WRITE);
}

#[test]
fn close_session_with_immed_is_polled_to_completion() {
    let (_dir, mut d) = media_drive(MediaKind::DvdPlusR);
    assert_good(&write(&mut d, 0, 32));
    assert_good(&sync(&mut d));
    assert_good(&close_immed(&mut d, 0x01, 1));
    assert_progress_0_to_100(&poll_until_ready(&mut d, Sense::OPERATION_IN_PROGRESS));
    assert_good(&close_immed(&mut d, 0x02, 0));
    // cdrecord polls READ DISC INFORMATION: busy too, and it counts as a poll.
    let (c, _) = data_in(&mut d, &cdb10(0x51, 0, 0, 34), 34);
    assert_sense!(c, Sense::OPERATION_IN_PROGRESS);
    assert_eq!(progress_of(&c), Some(0));
    let rest = poll_until_ready(&mut d, Sense::OPERATION_IN_PROGRESS);
    assert_eq!(rest.len(), POLLS as usize - 1);
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x01, "appendable");
}

#[test]
fn synchronize_cache_with_immed_is_polled_and_zero_polls_complete_at_once() {
    let (_dir, mut d) = media_drive(MediaKind::CdR);
    assert_good(&write(&mut d, 0, 300));
    // SYNCHRONIZE CACHE with Immed (byte 1 bit 1), as libburn sends it.
    assert_good(&none(&mut d, &cdb10(0x35, 0x02, 0, 0)));
    assert_progress_0_to_100(&poll_until_ready(&mut d, Sense::OPERATION_IN_PROGRESS));
    d.set_long_operation_polls(0).unwrap();
    assert_eq!(d.long_operation_polls(), 0);
    assert_good(&close_immed(&mut d, 0x02, 0));
    assert_good(&tur(&mut d));
}

#[test]
fn long_operation_survives_reopening_the_drive() {
    let (dir, mut d) = media_drive(MediaKind::CdRw);
    assert_good(&blank(&mut d, true, 0x00));
    assert_sense!(tur(&mut d), Sense::OPERATION_IN_PROGRESS);
    drop(d);
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    let rest = poll_until_ready(&mut d, Sense::OPERATION_IN_PROGRESS);
    assert_eq!(rest.len(), POLLS as usize - 1, "{rest:?}");
    assert!(rest.windows(2).all(|w| w[0] < w[1]));
    assert!(rest[0] > 0);
}
