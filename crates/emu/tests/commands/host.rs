//! Commands real burners and operating systems send besides recording (handlers/host.rs):
//! INQUIRY VPD, GET EVENT STATUS NOTIFICATION, MECHANISM STATUS, READ BUFFER CAPACITY, REPORT
//! LUNS, READ DISC STRUCTURE. Expected bytes are written from `mmc.md` §1.7, §1.13,
//! §1.24–§1.28. (GET PERFORMANCE, SET STREAMING, SET CD SPEED and READ FORMAT CAPACITIES are
//! handled in `handlers::speed` / `handlers::format`.)

use discmaster_emu::MediaKind;
use discmaster_mmc::Sense;

use crate::common::*;

/// GESN, polled, media class, allocation length 8.
const GESN_MEDIA: [u8; 10] = [0x4A, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0];

#[test]
fn inquiry_vpd_supported_pages_serial_and_identification() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    let (c, p00) = data_in(&mut d, &[0x12, 0x01, 0x00, 0, 255, 0], 255);
    assert_good(&c);
    assert_eq!(
        p00,
        [
            0x05, // qualifier 0, device type 05h
            0x00, // page 00h
            0x00, 0x03, // page length
            0x00, 0x80, 0x83, // supported pages
        ]
    );
    let (c, p80) = data_in(&mut d, &[0x12, 0x01, 0x80, 0, 255, 0], 255);
    assert_good(&c);
    assert_eq!(&p80[..2], &[0x05, 0x80]);
    let serial = String::from_utf8(p80[4..].to_vec()).unwrap();
    assert!(serial.starts_with("EMU"), "{serial}");
    assert_eq!(usize::from(p80[3]), serial.len());
    let (c, p83) = data_in(&mut d, &[0x12, 0x01, 0x83, 0, 255, 0], 255);
    assert_good(&c);
    assert_eq!(&p83[..2], &[0x05, 0x83]);
    assert_eq!(p83[4], 0x02, "code set ASCII");
    assert_eq!(p83[5], 0x01, "LU association, T10 vendor ID");
    assert_eq!(&p83[8..16], b"DISCMSTR");
    assert!(String::from_utf8_lossy(&p83[16..]).ends_with(&serial));
    // Unknown page: 5/24/00. Standard data still works (EVPD = 0).
    assert_sense!(
        data_in(&mut d, &[0x12, 0x01, 0xB0, 0, 255, 0], 255).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    let (c, std) = data_in(&mut d, &[0x12, 0, 0, 0, 36, 0], 36);
    assert_good(&c);
    assert_eq!(&std[8..16], b"DISCMSTR");
}

#[test]
fn gesn_reports_new_media_once_then_no_change() {
    let (_dir, mut d) = empty_drive();
    d.load_blank(MediaKind::CdR).unwrap();
    let (c, e) = data_in(&mut d, &GESN_MEDIA, 8);
    assert_good(&c);
    assert_eq!(
        e,
        [
            0x00, 0x06, // 6 bytes follow the length field
            0x04, // class 4 (media), NEA 0
            0x10, // supported: media
            0x02, // new media
            0x02, // media present, tray closed
            0x00, 0x00, // slots
        ]
    );
    let (_, e) = data_in(&mut d, &GESN_MEDIA, 8);
    assert_eq!(&e[4..6], &[0x00, 0x02], "no change, media present");
    // GESN does not consume the unit attention of the load.
    assert_sense!(
        none(&mut d, &[0, 0, 0, 0, 0, 0]),
        Sense::NOT_READY_TO_READY_CHANGE
    );
}

#[test]
fn gesn_follows_the_tray_and_refuses_asynchronous_mode() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    let _ = data_in(&mut d, &GESN_MEDIA, 8);
    assert_good(&none(&mut d, &[0x1B, 0, 0, 0, 0x02, 0]));
    let (_, e) = data_in(&mut d, &GESN_MEDIA, 8);
    assert_eq!(
        &e[4..6],
        &[0x03, 0x01],
        "media removal, no medium, tray open"
    );
    let (_, m) = data_in(&mut d, &[0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], 8);
    assert_eq!(m[1] & 0x10, 0x10, "MECHANISM STATUS door open");
    assert_good(&none(&mut d, &[0x1B, 0, 0, 0, 0x03, 0]));
    let (_, e) = data_in(&mut d, &GESN_MEDIA, 8);
    assert_eq!(&e[4..6], &[0x02, 0x02], "new media after the tray closed");
    // Operational class only requested: no event available.
    let (_, e) = data_in(&mut d, &[0x4A, 0x01, 0, 0, 0x02, 0, 0, 0, 8, 0], 8);
    assert_eq!(e, [0x00, 0x02, 0x80, 0x10]);
    assert_sense!(
        data_in(&mut d, &[0x4A, 0x00, 0, 0, 0x10, 0, 0, 0, 8, 0], 8).0,
        Sense::INVALID_FIELD_IN_CDB
    );
}

#[test]
fn mechanism_status_header_with_closed_tray() {
    let (_dir, mut d) = empty_drive();
    let (c, m) = data_in(&mut d, &[0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], 8);
    assert_good(&c);
    assert_eq!(
        m,
        [
            0x00, // no fault, slot 0
            0x00, // idle, door closed
            0x00, 0x00, 0x00, // current LBA
            0x01, // one slot
            0x00, 0x00, // no slot table
        ]
    );
}

#[test]
fn read_buffer_capacity_in_bytes_and_blocks() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    let (c, b) = data_in(&mut d, &[0x5C, 0, 0, 0, 0, 0, 0, 0, 12, 0], 12);
    assert_good(&c);
    assert_eq!(
        b,
        [
            0x00, 0x0A, 0x00, 0x00, // length 10, Block 0
            0x00, 0x40, 0x00, 0x00, // 4 MiB buffer
            0x00, 0x40, 0x00, 0x00, // all of it free
        ]
    );
    let (_, b) = data_in(&mut d, &[0x5C, 1, 0, 0, 0, 0, 0, 0, 12, 0], 12);
    assert_eq!(b[3], 0x01, "Block");
    assert_eq!(be32(&b, 8), 2048, "blocks available");
}

#[test]
fn report_luns_lists_lun_zero() {
    let (_dir, mut d) = empty_drive();
    let (c, l) = data_in(&mut d, &[0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0], 16);
    assert_good(&c);
    assert_eq!(l, [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_sense!(
        data_in(&mut d, &[0xA0, 0, 0x10, 0, 0, 0, 0, 0, 0, 16, 0, 0], 16).0,
        Sense::INVALID_FIELD_IN_CDB
    );
}

#[test]
fn read_disc_structure_dvd_physical_format_and_list() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    let (c, s) = data_in(
        &mut d,
        &[0xAD, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0x04, 0, 0],
        2052,
    );
    assert_good(&c);
    assert_eq!(s.len(), 2052);
    assert_eq!(&s[..2], &[0x08, 0x02], "length 2050");
    assert_eq!(s[4], 0x20, "book type 2 (DVD-R)");
    assert_eq!(s[6] & 0x0F, 0x02, "recordable layer");
    assert_eq!(be32(&s, 8), 0x03_0000, "data area starts at PSN 030000h");
    assert_eq!(be32(&s, 12), 0x03_0000 + 2_298_496 - 1);
    let (_, l) = data_in(&mut d, &[0xAD, 0, 0, 0, 0, 0, 0, 0xFF, 0, 12, 0, 0], 12);
    assert_eq!(
        l,
        [
            0x00, 0x0A, 0, 0, // 10 bytes follow the length
            0x00, 0x40, 0x08, 0x00, // 00h readable, 2048 bytes
            0xFF, 0x40, 0x00, 0x08, // FFh readable, 8 bytes
        ]
    );
    assert_sense!(
        data_in(&mut d, &[0xAD, 0, 0, 0, 0, 0, 0, 0x11, 1, 4, 0, 0], 260).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    let (_dir, mut bd) = blank_drive(MediaKind::BdR);
    assert_sense!(
        data_in(&mut bd, &[0xAD, 1, 0, 0, 0, 0, 0, 0x00, 0, 4, 0, 0], 4).0,
        Sense::INVALID_FIELD_IN_CDB
    );
}
