//! MODE SENSE(10) / MODE SELECT(10): page copies, changeable mask, write parameter checks.

use discmaster_emu::MediaKind;
use discmaster_mmc::{Sense, SenseData, SenseKeySpecific};

use crate::common::*;

#[test]
fn mode_sense_without_medium_works() {
    let (_dir, mut d) = empty_drive();
    // 5Ah, DBD, page 2Ah, alloc 30 (libburn's first probe).
    let (c, b) = data_in(&mut d, &[0x5A, 0x08, 0x2A, 0, 0, 0, 0, 0, 30, 0], 30);
    assert_good(&c);
    assert_eq!(b.len(), 30);
    assert_eq!(
        u16::from_be_bytes([b[0], b[1]]) as usize,
        8 + 32 - 2,
        "mode data length of the whole answer"
    );
    assert_eq!(&b[6..8], &[0, 0], "no block descriptors");
    assert_eq!(b[8], 0x2A);
    assert_eq!(
        b[9], 30,
        "page length 2Ah: 30, no write speeds without a medium"
    );
    assert_eq!(b[10] & 0x19, 0x19, "reads CD-R, DVD-ROM, DVD-R");
    assert_eq!(b[11] & 0x11, 0x11, "writes CD-R, DVD-R");
}

#[test]
fn mode_sense_all_pages_returns_05_and_2a() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let (c, b) = data_in(&mut d, &[0x5A, 0, 0x3F, 0, 0, 0, 0, 0x01, 0, 0], 256);
    assert_good(&c);
    // 01h, 05h, 08h, 1Ah, 1Dh, 2Ah with 7 CD-R write speeds.
    assert_eq!(b.len(), 8 + 12 + 52 + 12 + 12 + 12 + 32 + 4 * 7);
    let b = &b[12..];
    assert_eq!((b[8], b[9]), (0x05, 0x32));
    assert_eq!(b[10] & 0x0F, 1, "CD default write type TAO");
    assert_eq!(b[12] & 0x0F, 8, "DBT 8");
    assert_eq!(u16::from_be_bytes([b[22], b[23]]), 150, "audio pause");
    assert_eq!(b[60 + 36], 0x2A);
}

#[test]
fn mode_sense_changeable_and_default_copies() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    // PC = 01b changeable.
    let (_, m) = data_in(&mut d, &[0x5A, 0, 0x45, 0, 0, 0, 0, 0x01, 0, 0], 256);
    assert_eq!((m[8], m[9]), (0x05, 0x32));
    assert_eq!(m[10], 0x7F, "Test Write changeable on DVD-R");
    // PC = 10b default equals the initial current values.
    let (_, def) = data_in(&mut d, &[0x5A, 0, 0x85, 0, 0, 0, 0, 0x01, 0, 0], 256);
    assert_eq!(def[8..], page05(&mut d)[..]);
    // PC = 11b saved: read-only, equal to the defaults.
    let (_, saved) = data_in(&mut d, &[0x5A, 0, 0xC5, 0, 0, 0, 0, 0x01, 0, 0], 256);
    assert_eq!(saved, def);
}

#[test]
fn mode_sense_unknown_page_is_invalid_field() {
    let (_dir, mut d) = empty_drive();
    assert_sense!(
        data_in(&mut d, &[0x5A, 0, 0x0E, 0, 0, 0, 0, 0x01, 0, 0], 256).0,
        Sense::INVALID_FIELD_IN_CDB
    );
    assert_sense!(
        data_in(&mut d, &[0x5A, 0, 0x05, 0x01, 0, 0, 0, 0x01, 0, 0], 256).0,
        Sense::INVALID_FIELD_IN_CDB
    );
}

#[test]
fn mode_select_changeable_field_is_kept() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // Multi-session 11b, BUFE.
    assert_good(&edit_page05(&mut d, |p| {
        p[2] |= 0x40;
        p[3] = (p[3] & 0x3F) | 0xC0;
    }));
    let p = page05(&mut d);
    assert_eq!(p[2] & 0x40, 0x40);
    assert_eq!(p[3] >> 6, 3);
}

#[test]
fn mode_select_non_changeable_bit_is_invalid_field_in_parameter_list() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    // Test Write (page byte 2 bit 4) is not changeable on DVD+R.
    let c = edit_page05(&mut d, |p| p[2] |= 0x10);
    assert_sense!(c, Sense::INVALID_FIELD_IN_PARAMETER_LIST);
    let s = SenseData::new_checked(&c.sense[..]).unwrap();
    assert_eq!(
        s.sense_key_specific(),
        Some(SenseKeySpecific::FieldPointer {
            in_cdb: false,
            bit: Some(4),
            byte: 8 + 2
        })
    );
    assert_eq!(page05(&mut d)[2] & 0x10, 0, "nothing applied");
    // Page 2Ah is read-only.
    let (_, caps) = data_in(&mut d, &[0x5A, 0, 0x2A, 0, 0, 0, 0, 0x01, 0, 0], 256);
    let mut page = caps[8..].to_vec();
    assert_good(&mode_select(&mut d, &page));
    page[2] ^= 0x20;
    assert_sense!(
        mode_select(&mut d, &page),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
}

#[test]
fn mode_select_unsupported_write_parameters_fail_like_trial_selects() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // cdrecord probes: RAW (3) without sub-channel (DBT 0) or cooked (8), TAO with DBT 10
    // (XA), audio blocks with a data track mode, Mode 1 with an audio track mode. (RAW with
    // DBT 1–3, audio TAO and SAO with any data block type are accepted: `raw_cd.rs`,
    // `media_audio.rs`, `sao.rs`.)
    for (write_type, dbt, track_mode) in [
        (3, 0, 4),
        (3, 8, 4),
        (1, 10, 4),
        (1, 0, 4),
        (1, 8, 0),
        (4, 8, 4),
    ] {
        let c = edit_page05(&mut d, |p| {
            p[2] = (p[2] & 0xF0) | write_type;
            p[3] = (p[3] & 0xF0) | track_mode;
            p[4] = dbt;
        });
        assert_sense!(c, Sense::INVALID_FIELD_IN_PARAMETER_LIST);
    }
    // Packet with DBT 8 is accepted.
    assert_good(&edit_page05(&mut d, |p| p[2] &= 0xF0));
    let t = track_info(&mut d, 0xFF);
    assert_eq!(t[6] & 0x20, 0x20, "blank track now incremental");
    // Multi-session 10b is reserved.
    assert_sense!(
        edit_page05(&mut d, |p| p[3] = (p[3] & 0x3F) | 0x80),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
}

#[test]
fn mode_select_dvd_plus_r_accepts_only_write_type_0() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_good(&edit_page05(&mut d, |p| p[2] |= 0x40));
    assert_sense!(
        edit_page05(&mut d, |p| p[2] = (p[2] & 0xF0) | 2),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    assert_good(&edit_page05(&mut d, |p| p[2] = (p[2] & 0xF0) | 2));
    assert_sense!(
        edit_page05(&mut d, |p| p[2] = (p[2] & 0xF0) | 1),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
}

#[test]
fn mode_select_wrong_page_length_or_list_length() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let p = page05(&mut d);
    // Page length 36h with 4 more bytes: not this drive's length.
    let mut long = p.clone();
    long[1] = 0x36;
    long.extend_from_slice(&[0; 4]);
    assert_sense!(
        mode_select(&mut d, &long),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    // Parameter list cut inside the page.
    let mut list = vec![0u8; 8];
    list.extend_from_slice(&p[..20]);
    let n = (list.len() as u16).to_be_bytes();
    assert_sense!(
        data_out(&mut d, &[0x55, 0x10, 0, 0, 0, 0, 0, n[0], n[1], 0], &list),
        Sense::PARAMETER_LIST_LENGTH_ERROR
    );
    // Parameter list length larger than the data sent.
    assert_sense!(
        data_out(&mut d, &[0x55, 0x10, 0, 0, 0, 0, 0, 1, 0, 0], &list),
        Sense::PARAMETER_LIST_LENGTH_ERROR
    );
    // PF = 0 and SP = 1.
    let mut full = vec![0u8; 8];
    full.extend_from_slice(&p);
    let n = (full.len() as u16).to_be_bytes();
    assert_sense!(
        data_out(&mut d, &[0x55, 0x00, 0, 0, 0, 0, 0, n[0], n[1], 0], &full),
        Sense::INVALID_FIELD_IN_CDB
    );
    assert_sense!(
        data_out(&mut d, &[0x55, 0x11, 0, 0, 0, 0, 0, n[0], n[1], 0], &full),
        Sense::INVALID_FIELD_IN_CDB
    );
    // A block descriptor.
    full[7] = 8;
    full.splice(8..8, [0u8; 8]);
    let n = (full.len() as u16).to_be_bytes();
    assert_sense!(
        data_out(&mut d, &[0x55, 0x10, 0, 0, 0, 0, 0, n[0], n[1], 0], &full),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
}

#[test]
fn mode_select_without_medium_is_medium_not_present() {
    let (_dir, mut d) = empty_drive();
    let (_, b) = data_in(&mut d, &[0x5A, 0, 0x05, 0, 0, 0, 0, 0x01, 0, 0], 256);
    assert_sense!(mode_select(&mut d, &b[8..]), Sense::MEDIUM_NOT_PRESENT);
}

#[test]
fn mode_select_page05_survives_reopen() {
    let (dir, mut d) = blank_drive(MediaKind::CdR);
    assert_good(&edit_page05(&mut d, |p| p[3] = (p[3] & 0x3F) | 0xC0));
    drop(d);
    let mut d = discmaster_emu::EmulatedDrive::open(dir.path()).unwrap();
    assert_eq!(page05(&mut d)[3] >> 6, 3);
}
