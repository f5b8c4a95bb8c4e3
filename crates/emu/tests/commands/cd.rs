//! CD-R recording: track at once, sessions, finalizing, reading back, TOC.

use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_mmc::Sense;

use crate::common::*;

/// Page 05h byte 3 with multi-session 11b (next session allowed) and track mode 4.
const MULTI_NEXT_SESSION_MODE_4: u8 = 0xC4;

#[test]
fn blank_cd_disc_information() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let b = disc_info(&mut d);
    assert_eq!(u16::from_be_bytes([b[0], b[1]]), 32, "length = 34 - 2");
    assert_eq!(b[2], 0x00, "not erasable, last session empty, disc empty");
    assert_eq!(b[3], 1, "first track");
    assert_eq!(b[4], 1, "sessions");
    assert_eq!((b[5], b[6]), (1, 1), "first/last track in last session");
    assert_eq!(b[7] & 0x20, 0x20, "URU");
    assert_eq!(
        &b[16..20],
        &[0x00, 97, 26, 65],
        "ATIP lead-in start 97:26:65"
    );
    assert_eq!(
        &b[20..24],
        &[0x00, 79, 59, 74],
        "last possible lead-out 79:59:74"
    );
}

#[test]
fn blank_cd_invisible_track_information() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let t = track_info(&mut d, 0xFF);
    assert_eq!(u16::from_be_bytes([t[0], t[1]]), 46);
    assert_eq!((t[2], t[3]), (1, 1), "track 1, session 1");
    assert_eq!(t[5] & 0x0F, 4, "track mode 4 (data)");
    assert_eq!(t[6], 0x40 | 0x01, "blank, TAO (no packet), data mode 1");
    assert_eq!(t[7], 0x01, "NWA_V, no LRA_V");
    assert_eq!(be32(&t, 8), 0, "track start");
    assert_eq!(nwa_of(&t), 0);
    assert_eq!(be32(&t, 16), 359_849, "free blocks = capacity");
    assert_eq!(be32(&t, 24), 359_849, "track size");
    // Track 1 by number is the same track.
    assert_eq!(track_info(&mut d, 1), t);
}

#[test]
fn cd_write_at_nwa_reads_back() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_good(&write(&mut d, 0, 10));
    assert_good(&write(&mut d, 10, 6));
    let t = track_info(&mut d, 0xFF);
    assert_eq!(nwa_of(&t), 16);
    assert_eq!(be32(&t, 16), 359_849 - 16);
    assert_eq!(t[7], 0x03, "LRA_V and NWA_V");
    assert_eq!(be32(&t, 28), 15, "last recorded address");
    assert_eq!(t[6] & 0x40, 0, "no longer blank");
    let (c, b) = read(&mut d, 4, 12);
    assert_good(&c);
    assert_eq!(b, pattern(4, 12));
    assert_eq!(&b[..], &pattern(0, 16)[4 * 2048..]);
    assert_eq!(d.sectors_written(), 16);
}

#[test]
fn cd_write_off_nwa_is_invalid_address_for_write() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_sense!(write(&mut d, 1, 1), Sense::INVALID_ADDRESS_FOR_WRITE);
    assert_good(&write(&mut d, 0, 2));
    assert_sense!(write(&mut d, 0, 1), Sense::INVALID_ADDRESS_FOR_WRITE);
    assert_sense!(write(&mut d, 3, 1), Sense::INVALID_ADDRESS_FOR_WRITE);
    // Negative LBA (the pregap) is not writable in TAO.
    assert_sense!(
        write(&mut d, (-150i32) as u32, 1),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    assert_eq!(d.sectors_written(), 2);
}

#[test]
fn cd_write_with_wrong_data_length_is_invalid_field() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // Two blocks announced, one block of data.
    let c = data_out(&mut d, &cdb10(0x2A, 0, 0, 2), &pattern(0, 1));
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 0, "nothing written");
}

#[test]
fn cd_read_unwritten_is_lba_out_of_range() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_sense!(read(&mut d, 0, 1).0, Sense::LBA_OUT_OF_RANGE);
    assert_good(&write(&mut d, 0, 4));
    assert_sense!(read(&mut d, 3, 2).0, Sense::LBA_OUT_OF_RANGE);
    assert_sense!(read(&mut d, 400_000, 1).0, Sense::LBA_OUT_OF_RANGE);
    assert_sense!(read(&mut d, (-1i32) as u32, 1).0, Sense::LBA_OUT_OF_RANGE);
}

#[test]
fn cd_tao_sync_closes_track_with_run_out_and_pregap() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_good(&write(&mut d, 0, 300));
    assert_good(&sync(&mut d));
    let t1 = track_info(&mut d, 1);
    assert_eq!(be32(&t1, 24), 302, "track size includes 2 run-out blocks");
    assert_eq!(t1[7], 0x02, "LRA_V only: closed");
    assert_eq!(
        be32(&t1, 28),
        299,
        "last recorded address = last host block"
    );
    let t2 = track_info(&mut d, 0xFF);
    assert_eq!(t2[2], 2);
    assert_eq!(
        nwa_of(&t2),
        302 + 150,
        "next track after the 150-block pregap"
    );
    // The run-out is not readable, the data is.
    assert_good(&read(&mut d, 299, 1).0);
    assert_sense!(read(&mut d, 300, 1).0, Sense::LBA_OUT_OF_RANGE);
    // READ CAPACITY reports the lead-out - 1 (2 too high, as most drives for TAO).
    let (c, b) = data_in(&mut d, &cdb10(0x25, 0, 0, 0), 8);
    assert_good(&c);
    assert_eq!(be32(&b, 0), 301);
    assert_eq!(be32(&b, 4), 2048);
    // The pregap belongs to track 2 when asked by LBA.
    let (c, t) = data_in(&mut d, &cdb10(0x52, 0x00, 400, 48), 48);
    assert_good(&c);
    assert_eq!(t[2], 2);
}

#[test]
fn cd_close_track_explicitly_is_accepted() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_good(&write(&mut d, 0, 10));
    assert_good(&close(&mut d, 1, 1));
    assert_eq!(be32(&track_info(&mut d, 1), 24), 12);
    // Closing it again changes nothing; a track that does not exist is an invalid field.
    assert_good(&close(&mut d, 1, 1));
    assert_sense!(close(&mut d, 1, 7), Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn cd_multisession_next_session_nwa_follows_lead_out_gaps() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_good(&edit_page05(&mut d, |p| p[3] = MULTI_NEXT_SESSION_MODE_4));
    assert_good(&write(&mut d, 0, 300));
    assert_good(&sync(&mut d));
    assert_good(&close(&mut d, 2, 0));
    // Session 1 lead-out at 302; session 2 starts 11 400 later.
    let di = disc_info(&mut d);
    assert_eq!(di[2], 0x01, "last session empty, disc incomplete");
    assert_eq!(di[4], 2, "sessions incl. the empty one");
    assert_eq!((di[5], di[6]), (2, 2));
    let t = track_info(&mut d, 0xFF);
    assert_eq!((t[2], t[3]), (2, 2));
    assert_eq!(nwa_of(&t), 302 + 11_400);
    // Lead-in of session 2 = its first track - 4 650 as MSF.
    let lead_in = 302 + 11_400 - 4_650 + 150;
    assert_eq!(
        &di[16..20],
        &[
            0,
            (lead_in / 4500) as u8,
            (lead_in / 75 % 60) as u8,
            (lead_in % 75) as u8
        ]
    );
    // Second session: 100 blocks, lead-out at 11 702 + 102; session 3 after 6 900.
    assert_good(&write(&mut d, 11_702, 100));
    assert_good(&sync(&mut d));
    assert_good(&close(&mut d, 2, 0));
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 11_702 + 102 + 6_900);
    assert_eq!(disc_info(&mut d)[4], 3);
    // TOC format 1: first track of the last complete session.
    let (c, b) = data_in(&mut d, &cdb10(0x43, 0, 0, 12).map_byte(2, 0x01), 12);
    assert_good(&c);
    assert_eq!(&b[..4], &[0, 10, 1, 2], "length 10, sessions 1..2");
    assert_eq!(b[6], 2, "track 2");
    assert_eq!(be32(&b, 8), 11_702);
}

#[test]
fn cd_close_session_without_multisession_finalizes() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_good(&write(&mut d, 0, 300));
    assert_good(&sync(&mut d));
    assert_good(&close(&mut d, 2, 0));
    let di = disc_info(&mut d);
    assert_eq!(di[2], 0x0E, "last session complete, disc complete");
    assert_eq!(di[4], 1);
    assert_eq!(&di[16..24], &[0, 0xFF, 0xFF, 0xFF, 0, 0xFF, 0xFF, 0xFF]);
    assert_sense!(write(&mut d, 452, 1), Sense::INVALID_ADDRESS_FOR_WRITE);
    assert_sense!(
        data_in(&mut d, &cdb10(0x52, 0x01, 0xFF, 48), 48).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    assert_sense!(close(&mut d, 2, 0), Sense::COMMAND_SEQUENCE_ERROR);
    assert_good(&read(&mut d, 0, 300).0);
}

#[test]
fn cd_close_empty_session_is_program_area_empty() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_sense!(close(&mut d, 2, 0), Sense::CURRENT_PROGRAM_AREA_EMPTY);
    assert_sense!(close(&mut d, 5, 0), Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn cd_toc_lists_closed_tracks_and_lead_out() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // Blank disc: no TOC.
    assert_sense!(
        data_in(&mut d, &cdb10(0x43, 0, 0, 100), 100).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    assert_good(&write(&mut d, 0, 300));
    assert_good(&sync(&mut d));
    assert_good(&write(&mut d, 452, 300));
    assert_good(&sync(&mut d));
    let (c, b) = data_in(&mut d, &cdb10(0x43, 0, 0, 100), 100);
    assert_good(&c);
    assert_eq!(b.len(), 4 + 3 * 8);
    assert_eq!(&b[..4], &[0, 26, 1, 2], "length 26, tracks 1..2");
    assert_eq!(
        &b[4..12],
        &[0, 0x14, 1, 0, 0, 0, 0, 0],
        "ADR 1, CONTROL 4, track 1 at 0"
    );
    assert_eq!(
        &b[12..20],
        &[0, 0x14, 2, 0, 0, 0, 0x01, 0xC4],
        "track 2 at 452"
    );
    assert_eq!(
        &b[20..28],
        &[0, 0x14, 0xAA, 0, 0, 0, 0x02, 0xF2],
        "lead-out at 754"
    );
    // MSF: track 2 at 452 + 150 = 602 frames = 00:08:02.
    let (_, m) = data_in(&mut d, &cdb10(0x43, 0x02, 0, 100), 100);
    assert_eq!(&m[12..20], &[0, 0x14, 2, 0, 0, 0, 8, 2]);
    // Starting at the lead-out only.
    let mut cdb = cdb10(0x43, 0, 0, 100);
    cdb[6] = 0xAA;
    let (_, l) = data_in(&mut d, &cdb, 100);
    assert_eq!(l.len(), 12);
    assert_eq!(l[6], 0xAA);
    // A starting track beyond the last is invalid.
    cdb[6] = 3;
    assert_sense!(data_in(&mut d, &cdb, 100).0, Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn cd_write_with_non_data_block_type_is_illegal_mode() {
    let (dir, d) = blank_drive(MediaKind::CdR);
    drop(d);
    // A state file whose page 05h says DBT 10 (Mode 2 Form 1, never accepted by MODE
    // SELECT here): page byte 4.
    let path = dir.path().join("medium.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let page = v["page05"].as_str().unwrap().to_string();
    let mut bytes: Vec<&str> = page.split(' ').collect();
    bytes[4] = "0a";
    let edited = text.replace(&page, &bytes.join(" "));
    std::fs::write(&path, edited).unwrap();
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    assert_sense!(write(&mut d, 0, 1), Sense::ILLEGAL_MODE_FOR_THIS_TRACK);
}

/// Test helper: a CDB with one byte replaced.
trait MapByte {
    fn map_byte(self, at: usize, value: u8) -> Self;
}

impl MapByte for [u8; 10] {
    fn map_byte(mut self, at: usize, value: u8) -> Self {
        self[at] = value;
        self
    }
}
