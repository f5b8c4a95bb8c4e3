//! DVD+R, DVD-R and BD-R recording: padding, reservations, sessions, finalizing, DAO.

use discmaster_emu::{MediaKind, DVD_SESSION_GAP_BLOCKS};
use discmaster_mmc::Sense;

use crate::common::*;

/// RESERVE TRACK by size (ARSV = 0, size in bytes 5–8).
fn reserve(d: &mut discmaster_emu::EmulatedDrive, blocks: u32) -> discmaster_transport::Completion {
    let s = blocks.to_be_bytes();
    none(d, &[0x53, 0, 0, 0, 0, s[0], s[1], s[2], s[3], 0])
}

#[test]
fn blank_disc_information_for_each_dvd_bd_kind() {
    for (kind, capacity) in [
        (MediaKind::DvdPlusR, 2_295_104),
        (MediaKind::DvdMinusR, 2_298_496),
        (MediaKind::BdR, 12_219_392),
    ] {
        let (_dir, mut d) = blank_drive(kind);
        let b = disc_info(&mut d);
        assert_eq!(b[2], 0x00, "{kind}: empty");
        assert_eq!((b[4], b[5], b[6]), (1, 1, 1));
        assert_eq!(
            be32(&b, 20),
            capacity,
            "{kind}: last possible lead-out = capacity (LBA)"
        );
        let t = track_info(&mut d, 0xFF);
        assert_eq!(nwa_of(&t), 0);
        assert_eq!(be32(&t, 16), capacity, "{kind}: free blocks");
        assert_eq!(t[6] & 0x4F, 0x41, "{kind}: blank, data mode 1");
        assert_eq!(be32(&t, 20), kind.ecc_blocks(), "{kind}: blocking factor");
        // READ CAPACITY on a blank disc: 0.
        let (c, cap) = data_in(&mut d, &cdb10(0x25, 0, 0, 0), 8);
        assert_good(&c);
        assert_eq!(cap, [0, 0, 0, 0, 0, 0, 8, 0]);
    }
}

#[test]
fn dvd_plus_r_write_close_track_pads_to_ecc_block() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_good(&write(&mut d, 0, 17));
    assert_eq!(be32(&track_info(&mut d, 0xFF), 16), 2_295_104 - 17);
    assert_good(&sync(&mut d));
    assert_good(&close(&mut d, 1, 1));
    let t1 = track_info(&mut d, 1);
    assert_eq!(be32(&t1, 24), 32, "track size padded to 2 ECC blocks");
    assert_eq!(be32(&t1, 28), 16, "last recorded address = last host block");
    assert_eq!(t1[7], 0x02, "LRA_V, no NWA_V");
    let t2 = track_info(&mut d, 0xFF);
    assert_eq!(t2[2], 2);
    assert_eq!(nwa_of(&t2), 32);
    // The padding is readable (zeros); past it is blank.
    let (c, b) = read(&mut d, 17, 15);
    assert_good(&c);
    assert!(b.iter().all(|&x| x == 0));
    assert_sense!(read(&mut d, 32, 1).0, Sense::LBA_OUT_OF_RANGE);
}

#[test]
fn dvd_plus_r_close_session_keeps_disc_appendable() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_good(&write(&mut d, 0, 32));
    assert_good(&close(&mut d, 1, 1));
    assert_good(&close(&mut d, 2, 0));
    let di = disc_info(&mut d);
    assert_eq!(di[2], 0x01, "last session empty, disc incomplete");
    assert_eq!(di[4], 2);
    assert_eq!((di[5], di[6]), (2, 2));
    let t = track_info(&mut d, 0xFF);
    assert_eq!((t[2], t[3]), (2, 2));
    assert_eq!(nwa_of(&t), 32 + DVD_SESSION_GAP_BLOCKS);
    assert_eq!(nwa_of(&t) % 16, 0);
    // Second session, then finalize with 101b (minimum radius).
    let second = nwa_of(&t);
    assert_good(&write(&mut d, second, 16));
    assert_good(&close(&mut d, 1, 2));
    assert_good(&close(&mut d, 5, 0));
    let di = disc_info(&mut d);
    assert_eq!(di[2], 0x0E, "complete");
    assert_eq!(di[4], 2);
    assert_sense!(
        write(&mut d, second + 16, 16),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    assert_sense!(
        data_in(&mut d, &cdb10(0x52, 0x01, 0xFF, 48), 48).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    // Session 2 by session number.
    let (c, s2) = data_in(&mut d, &cdb10(0x52, 0x02, 2, 48), 48);
    assert_good(&c);
    assert_eq!(be32(&s2, 8), second);
}

#[test]
fn dvd_plus_r_finalize_after_closed_session_completes_disc() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_good(&write(&mut d, 0, 16));
    assert_good(&close(&mut d, 1, 1));
    assert_good(&close(&mut d, 2, 0));
    // The open session is empty: 110b finalizes without a new session.
    assert_good(&close(&mut d, 6, 0));
    let di = disc_info(&mut d);
    assert_eq!(di[2], 0x0E);
    assert_eq!(di[4], 1, "the empty session is gone");
    assert_sense!(
        write(&mut d, 16 + DVD_SESSION_GAP_BLOCKS, 16),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
}

#[test]
fn dvd_plus_r_finalize_blank_disc_is_program_area_empty() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_sense!(close(&mut d, 5, 0), Sense::CURRENT_PROGRAM_AREA_EMPTY);
}

#[test]
fn dvd_plus_r_reserved_track_limits_writes() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    // 20 blocks, rounded up to 32.
    assert_good(&reserve(&mut d, 20));
    let t1 = track_info(&mut d, 1);
    assert_eq!(t1[6] & 0xC0, 0xC0, "RT and Blank");
    assert_eq!(be32(&t1, 24), 32);
    assert_eq!(be32(&t1, 16), 32, "free blocks of the reservation");
    let t2 = track_info(&mut d, 0xFF);
    assert_eq!((t2[2], nwa_of(&t2)), (2, 32));
    // Writing past the reservation's end.
    assert_sense!(write(&mut d, 0, 48), Sense::END_OF_USER_AREA_ENCOUNTERED);
    assert_good(&write(&mut d, 0, 20));
    // Both the reservation and the invisible track take data at their NWA.
    assert_good(&write(&mut d, 32, 16));
    assert_good(&write(&mut d, 20, 12));
    assert_eq!(track_info(&mut d, 1)[7], 0x02, "reservation full: no NWA");
    // A second reservation needs a blank invisible track.
    assert_sense!(reserve(&mut d, 16), Sense::COMMAND_SEQUENCE_ERROR);
    assert_sense!(
        none(&mut d, &[0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        Sense::COMMAND_SEQUENCE_ERROR
    );
}

#[test]
fn reserve_track_size_zero_or_too_large_is_invalid_field() {
    let (_dir, mut d) = blank_drive(MediaKind::BdR);
    assert_sense!(reserve(&mut d, 0), Sense::INVALID_FIELD_IN_CDB);
    assert_sense!(reserve(&mut d, 12_219_392 + 1), Sense::INVALID_FIELD_IN_CDB);
    // ARSV = 1 (by address) is not supported.
    assert_sense!(
        none(&mut d, &[0x53, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]),
        Sense::INVALID_FIELD_IN_CDB
    );
}

#[test]
fn write_past_end_of_medium_is_lba_out_of_range() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    // Reserve all but the last 16 blocks, so the invisible track starts 16 before the end.
    assert_good(&reserve(&mut d, 2_295_104 - 16));
    let t = track_info(&mut d, 0xFF);
    assert_eq!(nwa_of(&t), 2_295_088);
    assert_eq!(be32(&t, 16), 16);
    assert_sense!(write(&mut d, 2_295_088, 32), Sense::LBA_OUT_OF_RANGE);
    assert_good(&write(&mut d, 2_295_088, 16));
    let t = track_info(&mut d, 0xFF);
    assert_eq!(t[7] & 0x01, 0, "medium full: no NWA");
    assert_eq!(be32(&t, 16), 0);
}

#[test]
fn reserve_remaining_zone_takes_the_rest() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_good(&write(&mut d, 0, 16));
    assert_good(&close(&mut d, 1, 1));
    // RMZ = 1.
    assert_good(&none(&mut d, &[0x53, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]));
    let t = track_info(&mut d, 2);
    assert_eq!(be32(&t, 24), 2_295_104 - 16);
    assert_eq!(disc_info(&mut d)[6], 2, "no invisible track after it");
}

#[test]
fn dvd_minus_r_incremental_multisession_uses_page05() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    let p = page05(&mut d);
    assert_eq!(p[2] & 0x0F, 0, "default write type: incremental");
    let t = track_info(&mut d, 0xFF);
    assert_eq!(t[5] & 0x0F, 5, "track mode 5");
    assert_eq!(t[6] & 0x20, 0x20, "packet/incremental");
    // Multi-session 11b.
    assert_good(&edit_page05(&mut d, |p| p[3] = (p[3] & 0x3F) | 0xC0));
    assert_good(&write(&mut d, 0, 40));
    assert_good(&sync(&mut d));
    assert_good(&close(&mut d, 1, 1));
    assert_eq!(be32(&track_info(&mut d, 1), 24), 48);
    assert_good(&close(&mut d, 2, 0));
    let t = track_info(&mut d, 0xFF);
    assert_eq!(nwa_of(&t), 48 + DVD_SESSION_GAP_BLOCKS);
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x01);
    // Without 11b the next close finalizes.
    assert_good(&edit_page05(&mut d, |p| p[3] &= 0x3F));
    assert_good(&write(&mut d, 48 + DVD_SESSION_GAP_BLOCKS, 16));
    assert_good(&close(&mut d, 2, 0));
    assert_eq!(disc_info(&mut d)[2], 0x0E);
}

#[test]
fn dvd_minus_r_dao_needs_reservation_and_finalizes_on_sync() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    // Write type 2 (DAO), BUFE kept.
    assert_good(&edit_page05(&mut d, |p| p[2] = (p[2] & 0xF0) | 0x02));
    assert_sense!(write(&mut d, 0, 16), Sense::COMMAND_SEQUENCE_ERROR);
    assert_good(&reserve(&mut d, 40));
    let t = track_info(&mut d, 1);
    assert_eq!(be32(&t, 24), 48);
    assert_eq!(
        disc_info(&mut d)[6],
        1,
        "DAO: no invisible track after the reservation"
    );
    assert_sense!(reserve(&mut d, 16), Sense::COMMAND_SEQUENCE_ERROR);
    assert_good(&write(&mut d, 0, 40));
    assert_good(&sync(&mut d));
    assert_eq!(
        disc_info(&mut d)[2] & 0x03,
        0x01,
        "not full yet: still open"
    );
    assert_good(&write(&mut d, 40, 8));
    assert_good(&sync(&mut d));
    let di = disc_info(&mut d);
    assert_eq!(di[2], 0x0E, "complete after the last block and SYNC CACHE");
    assert_eq!(read(&mut d, 0, 48).1, pattern(0, 48));
}

#[test]
fn dvd_minus_r_rejects_dvd_plus_r_close_functions() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    assert_good(&write(&mut d, 0, 16));
    assert_sense!(close(&mut d, 6, 0), Sense::INVALID_FIELD_IN_CDB);
    assert_sense!(close(&mut d, 0, 0), Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn bd_r_close_track_pads_to_cluster_and_next_session_starts_next_cluster() {
    let (_dir, mut d) = blank_drive(MediaKind::BdR);
    assert_good(&write(&mut d, 0, 33));
    assert_good(&sync(&mut d));
    assert_good(&close(&mut d, 1, 1));
    assert_eq!(be32(&track_info(&mut d, 1), 24), 64);
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 64);
    assert_good(&write(&mut d, 64, 10));
    assert_good(&close(&mut d, 2, 0));
    // Session 1 = tracks 1–2, lead-out at 96 (track 2 padded to 32); next session at 96.
    let di = disc_info(&mut d);
    assert_eq!((di[4], di[5], di[6]), (2, 3, 3));
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 96);
    // 101b is not a BD-R function; 110b finalizes.
    assert_good(&write(&mut d, 96, 32));
    assert_sense!(close(&mut d, 5, 0), Sense::INVALID_FIELD_IN_CDB);
    assert_good(&close(&mut d, 6, 0));
    assert_eq!(disc_info(&mut d)[2], 0x0E);
    assert_sense!(write(&mut d, 128, 32), Sense::INVALID_ADDRESS_FOR_WRITE);
    // TOC (fabricated for BD): 3 tracks and the lead-out at 128.
    let (c, toc) = data_in(&mut d, &cdb10(0x43, 0, 0, 100), 100);
    assert_good(&c);
    assert_eq!(&toc[2..4], &[1, 3]);
    assert_eq!(toc[30], 0xAA);
    assert_eq!(&toc[32..36], &[0, 0, 0, 128]);
}
