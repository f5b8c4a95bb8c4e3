//! TEST UNIT READY, REQUEST SENSE, INQUIRY, START STOP UNIT, PREVENT ALLOW, dispatch errors.

use discmaster_emu::MediaKind;
use discmaster_mmc::{Sense, SenseData, SenseKeySpecific};

use crate::common::*;

#[test]
fn test_unit_ready_without_medium_reports_medium_not_present() {
    let (_dir, mut d) = empty_drive();
    assert_sense!(
        none(&mut d, &[0x00, 0, 0, 0, 0, 0]),
        Sense::MEDIUM_NOT_PRESENT
    );
}

#[test]
fn medium_commands_without_medium_report_medium_not_present() {
    let (_dir, mut d) = empty_drive();
    // READ DISC INFORMATION, alloc 34.
    let (c, b) = data_in(&mut d, &cdb10(0x51, 0, 0, 34), 34);
    assert_sense!(c, Sense::MEDIUM_NOT_PRESENT);
    assert!(b.is_empty(), "nothing transferred on CHECK CONDITION");
    assert_sense!(read(&mut d, 0, 1).0, Sense::MEDIUM_NOT_PRESENT);
    assert_sense!(write(&mut d, 0, 1), Sense::MEDIUM_NOT_PRESENT);
    assert_sense!(
        data_in(&mut d, &cdb10(0x25, 0, 0, 0), 8).0,
        Sense::MEDIUM_NOT_PRESENT
    );
}

#[test]
fn unknown_opcode_reports_invalid_command_operation_code() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // A2h SEND EVENT is not implemented; FFh is vendor specific; 5Dh SEND CUE SHEET.
    assert_sense!(
        none(&mut d, &[0xA2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        Sense::INVALID_COMMAND_OPERATION_CODE
    );
    assert_sense!(
        none(&mut d, &[0xFF, 0, 0, 0, 0, 0]),
        Sense::INVALID_COMMAND_OPERATION_CODE
    );
    assert_sense!(none(&mut d, &[]), Sense::INVALID_COMMAND_OPERATION_CODE);
}

#[test]
fn short_cdb_reports_invalid_field_in_cdb() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // READ(10) cut after the LBA.
    assert_sense!(
        none(&mut d, &[0x28, 0, 0, 0, 0, 0]),
        Sense::INVALID_FIELD_IN_CDB
    );
    assert_sense!(none(&mut d, &[0x00]), Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn padded_cdb_is_accepted() {
    // ATAPI hosts pad 10-byte CDBs to 12 bytes.
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let mut cdb = cdb10(0x51, 0, 0, 34).to_vec();
    cdb.extend_from_slice(&[0, 0]);
    let (c, b) = data_in(&mut d, &cdb, 34);
    assert_good(&c);
    assert_eq!(b.len(), 34);
}

#[test]
fn unit_attention_after_load_is_reported_once() {
    let (_dir, mut d) = empty_drive();
    d.load_blank(MediaKind::DvdPlusR).unwrap();
    // INQUIRY does not report it.
    assert_good(&data_in(&mut d, &[0x12, 0, 0, 0, 36, 0], 36).0);
    assert_sense!(
        none(&mut d, &[0x00, 0, 0, 0, 0, 0]),
        Sense::NOT_READY_TO_READY_CHANGE
    );
    assert_good(&none(&mut d, &[0x00, 0, 0, 0, 0, 0]));
}

#[test]
fn unit_attention_survives_reopen_until_reported() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut d = discmaster_emu::EmulatedDrive::open(dir.path()).unwrap();
        d.load_blank(MediaKind::CdR).unwrap();
    }
    let mut d = discmaster_emu::EmulatedDrive::open(dir.path()).unwrap();
    assert_sense!(
        none(&mut d, &[0x00, 0, 0, 0, 0, 0]),
        Sense::NOT_READY_TO_READY_CHANGE
    );
    drop(d);
    let mut d = discmaster_emu::EmulatedDrive::open(dir.path()).unwrap();
    assert_good(&none(&mut d, &[0x00, 0, 0, 0, 0, 0]));
}

#[test]
fn inquiry_reports_cd_dvd_device_and_identity() {
    let (_dir, mut d) = empty_drive();
    // 12h, EVPD 0, page 0, alloc 96.
    let (c, b) = data_in(&mut d, &[0x12, 0, 0, 0, 96, 0], 96);
    assert_good(&c);
    assert_eq!(b.len(), 96);
    assert_eq!(b[0], 0x05, "qualifier 0, device type 05h");
    assert_eq!(b[1], 0x80, "RMB");
    assert_eq!(b[3] & 0x0F, 2, "response data format 2");
    assert_eq!(b[4], 91, "additional length = 96 - 5");
    assert_eq!(&b[8..16], b"DISCMSTR");
    assert_eq!(&b[16..32], b"EMU RECORDER    ");
}

#[test]
fn inquiry_alloc_36_gives_36_bytes() {
    let (_dir, mut d) = empty_drive();
    let (c, b) = data_in(&mut d, &[0x12, 0, 0, 0, 36, 0], 255);
    assert_good(&c);
    assert_eq!(b.len(), 36);
    assert_eq!(c.residual, 255 - 36);
    assert_eq!(b[4], 91, "length field still reports what is available");
}

#[test]
fn inquiry_unsupported_vpd_page_is_invalid_field() {
    // Pages 00h, 80h and 83h exist (tests/commands/host.rs); B1h does not.
    let (_dir, mut d) = empty_drive();
    let (c, _) = data_in(&mut d, &[0x12, 0x01, 0xB1, 0, 255, 0], 255);
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
    let s = SenseData::new_checked(&c.sense[..]).unwrap();
    assert_eq!(
        s.sense_key_specific(),
        Some(SenseKeySpecific::FieldPointer {
            in_cdb: true,
            bit: None,
            byte: 2
        })
    );
}

#[test]
fn request_sense_returns_last_check_then_no_sense() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_sense!(write(&mut d, 16, 1), Sense::INVALID_ADDRESS_FOR_WRITE);
    // 03h, DESC 0, alloc 18.
    let (c, b) = data_in(&mut d, &[0x03, 0, 0, 0, 18, 0], 18);
    assert_good(&c);
    assert_eq!(b[0], 0x70);
    assert_eq!(b[2] & 0x0F, 0x05);
    assert_eq!((b[12], b[13]), (0x21, 0x02));
    let (_, b) = data_in(&mut d, &[0x03, 0, 0, 0, 18, 0], 18);
    assert_eq!(
        SenseData::new_checked(&b[..]).unwrap().sense(),
        Sense::NO_SENSE
    );
}

#[test]
fn request_sense_desc_gives_descriptor_format() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_sense!(
        none(&mut d, &[0xA2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        Sense::INVALID_COMMAND_OPERATION_CODE
    );
    let (c, b) = data_in(&mut d, &[0x03, 0x01, 0, 0, 252, 0], 252);
    assert_good(&c);
    assert_eq!(b[0], 0x72, "descriptor format, current");
    assert_eq!(b[1] & 0x0F, 0x05);
    assert_eq!((b[2], b[3]), (0x20, 0x00));
}

#[test]
fn request_sense_without_medium_reports_medium_not_present() {
    let (_dir, mut d) = empty_drive();
    let (c, b) = data_in(&mut d, &[0x03, 0, 0, 0, 18, 0], 18);
    assert_good(&c);
    assert_eq!(
        SenseData::new_checked(&b[..]).unwrap().sense(),
        Sense::MEDIUM_NOT_PRESENT
    );
}

#[test]
fn start_stop_eject_opens_tray_and_load_brings_disc_back() {
    let (dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    // 1Bh, LoEj = 1, Start = 0: the tray opens, the disc stays in it (not on the shelf).
    assert_good(&none(&mut d, &[0x1B, 0, 0, 0, 0x02, 0]));
    assert_eq!(d.media(), None);
    assert!(!dir.path().join("shelf").exists());
    assert!(dir.path().join("medium.json").exists());
    assert_sense!(
        none(&mut d, &[0x00, 0, 0, 0, 0, 0]),
        Sense::MEDIUM_NOT_PRESENT_TRAY_OPEN
    );
    // LoEj = 1, Start = 1: the tray closes with the disc; the change is reported once.
    assert_good(&none(&mut d, &[0x1B, 0, 0, 0, 0x03, 0]));
    assert_eq!(d.media(), Some(MediaKind::DvdMinusR));
    assert_sense!(
        none(&mut d, &[0x00, 0, 0, 0, 0, 0]),
        Sense::NOT_READY_TO_READY_CHANGE
    );
    assert_good(&none(&mut d, &[0x00, 0, 0, 0, 0, 0]));
}

#[test]
fn start_stop_eject_while_prevented_is_refused() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // 1Eh, Prevent = 1.
    assert_good(&none(&mut d, &[0x1E, 0, 0, 0, 0x01, 0]));
    assert_sense!(
        none(&mut d, &[0x1B, 0, 0, 0, 0x02, 0]),
        Sense::MEDIUM_REMOVAL_PREVENTED
    );
    assert_eq!(d.media(), Some(MediaKind::CdR));
    assert_good(&none(&mut d, &[0x1E, 0, 0, 0, 0x00, 0]));
    assert_good(&none(&mut d, &[0x1B, 0, 0, 0, 0x02, 0]));
    assert_eq!(d.media(), None);
}
