//! READ TRACK INFORMATION addressing, READ DISC INFORMATION data types, READ CAPACITY.

use discmaster_emu::MediaKind;
use discmaster_mmc::Sense;

use crate::common::*;

#[test]
fn read_track_information_by_lba_finds_track() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_good(&write(&mut d, 0, 32));
    assert_good(&close(&mut d, 1, 1));
    // LBA 31 is in track 1, LBA 32 in the invisible track 2, beyond the medium nothing.
    let (c, t) = data_in(&mut d, &cdb10(0x52, 0x00, 31, 48), 48);
    assert_good(&c);
    assert_eq!(t[2], 1);
    let (_, t) = data_in(&mut d, &cdb10(0x52, 0x00, 32, 48), 48);
    assert_eq!(t[2], 2);
    assert_sense!(
        data_in(&mut d, &cdb10(0x52, 0x00, 2_295_104, 48), 48).0,
        Sense::LBA_OUT_OF_RANGE
    );
}

#[test]
fn read_track_information_bad_numbers_are_invalid_field() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_sense!(
        data_in(&mut d, &cdb10(0x52, 0x01, 0, 48), 48).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    assert_sense!(
        data_in(&mut d, &cdb10(0x52, 0x01, 2, 48), 48).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    assert_sense!(
        data_in(&mut d, &cdb10(0x52, 0x02, 2, 48), 48).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    // Address type 11b is reserved.
    assert_sense!(
        data_in(&mut d, &cdb10(0x52, 0x03, 1, 48), 48).0,
        Sense::INVALID_FIELD_IN_CDB
    );
}

#[test]
fn read_track_information_short_alloc_truncates() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let (c, t) = data_in(&mut d, &cdb10(0x52, 0x01, 1, 28), 48);
    assert_good(&c);
    assert_eq!(t.len(), 28);
    assert_eq!(c.residual, 20);
    assert_eq!(u16::from_be_bytes([t[0], t[1]]), 46, "length still says 46");
}

#[test]
fn read_disc_information_other_data_types_are_invalid_field() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // Data type 001b (track resources) is not emulated; 011b is reserved.
    assert_sense!(
        data_in(&mut d, &cdb10(0x51, 0x01, 0, 34), 34).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    assert_sense!(
        data_in(&mut d, &cdb10(0x51, 0x03, 0, 34), 34).0,
        Sense::INVALID_FIELD_IN_CDB
    );
}

#[test]
fn read_disc_information_alloc_smaller_than_header() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    let (c, b) = data_in(&mut d, &cdb10(0x51, 0, 0, 2), 34);
    assert_good(&c);
    assert_eq!(b, [0, 32]);
    let (c, b) = data_in(&mut d, &cdb10(0x51, 0, 0, 0), 34);
    assert_good(&c);
    assert!(b.is_empty());
}

#[test]
fn read_capacity_after_writing_reports_last_recorded_block() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    assert_good(&write(&mut d, 0, 100));
    let (c, b) = data_in(&mut d, &cdb10(0x25, 0, 0, 0), 8);
    assert_good(&c);
    assert_eq!(be32(&b, 0), 99);
    assert_good(&close(&mut d, 1, 1));
    let (_, b) = data_in(&mut d, &cdb10(0x25, 0, 0, 0), 8);
    assert_eq!(be32(&b, 0), 111, "padded to 112 blocks");
}

#[test]
fn read_zero_blocks_is_good_and_empty() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let (c, b) = read(&mut d, 12345, 0);
    assert_good(&c);
    assert!(b.is_empty());
    assert_good(&write(&mut d, 0, 0));
    assert_eq!(d.sectors_written(), 0);
}

#[test]
fn read_across_tracks_returns_both() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_good(&write(&mut d, 0, 16));
    assert_good(&close(&mut d, 1, 1));
    assert_good(&write(&mut d, 16, 16));
    let (c, b) = read(&mut d, 8, 24);
    assert_good(&c);
    assert_eq!(b, pattern(8, 24));
}
