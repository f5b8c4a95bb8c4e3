//! MODE SENSE(10) / MODE SELECT(10) over the full page set: pages 01h, 05h, 08h, 1Ah, 1Dh,
//! 2Ah; the four copies; field pointers of refused selects; atomicity; drive pages that
//! outlive the medium (`mmc.md` §1.5, §2).

use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_mmc::{Sense, SenseData, SenseKeySpecific};
use discmaster_transport::Completion;

use crate::common::*;

/// Page control values (CDB byte 2 bits 7–6).
const CURRENT: u8 = 0;
const CHANGEABLE: u8 = 1;
const DEFAULT: u8 = 2;
const SAVED: u8 = 3;

/// MODE SENSE(10) with DBD, page control `pc`, page `code`, allocation length 1024; returns
/// the completion and the bytes received.
fn sense(d: &mut EmulatedDrive, pc: u8, code: u8) -> (Completion, Vec<u8>) {
    data_in(
        d,
        &[0x5A, 0x08, (pc << 6) | code, 0, 0, 0, 0, 0x04, 0x00, 0],
        1024,
    )
}

/// One page (with its header) from MODE SENSE(10); asserts GOOD and a clean header.
fn page(d: &mut EmulatedDrive, pc: u8, code: u8) -> Vec<u8> {
    let (c, b) = sense(d, pc, code);
    assert_good(&c);
    assert_eq!(
        usize::from(u16::from_be_bytes([b[0], b[1]])),
        b.len() - 2,
        "mode data length"
    );
    assert_eq!(
        &b[2..8],
        &[0; 6],
        "medium type, device-specific, no block descriptors"
    );
    assert_eq!(b[8], code, "page code, PS = 0");
    assert_eq!(usize::from(b[9]) + 2, b.len() - 8, "one whole page");
    b[8..].to_vec()
}

/// The pages of a MODE SENSE response as (code byte, whole page) pairs.
fn split_pages(response: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 8;
    while at + 2 <= response.len() {
        let end = at + 2 + usize::from(response[at + 1]);
        out.push(response[at..end].to_vec());
        at = end;
    }
    assert_eq!(at, response.len(), "pages fill the response exactly");
    out
}

/// MODE SELECT(10), PF = 1, of `pages` behind a zero header.
fn select(d: &mut EmulatedDrive, pages: &[&[u8]]) -> Completion {
    let mut list = vec![0u8; 8];
    for p in pages {
        list.extend_from_slice(p);
    }
    select_list(d, &list)
}

/// MODE SELECT(10), PF = 1, of the raw parameter list `list`.
fn select_list(d: &mut EmulatedDrive, list: &[u8]) -> Completion {
    let n = (list.len() as u16).to_be_bytes();
    data_out(d, &[0x55, 0x10, 0, 0, 0, 0, 0, n[0], n[1], 0], list)
}

/// The field pointer of a CHECK CONDITION.
fn field_pointer(c: &Completion) -> Option<SenseKeySpecific> {
    SenseData::new_checked(&c.sense[..])
        .expect("sense parses")
        .sense_key_specific()
}

/// Asserts 5/26/00 with SKSV, C/D = 0, the byte and the bit pointer.
#[track_caller]
fn assert_parameter_field(c: &Completion, byte: u16, bit: Option<u8>) {
    assert_sense!(c, Sense::INVALID_FIELD_IN_PARAMETER_LIST);
    assert_eq!(
        field_pointer(c),
        Some(SenseKeySpecific::FieldPointer {
            in_cdb: false,
            bit,
            byte
        })
    );
}

/// Asserts 5/24/00 with SKSV, C/D = 1, the byte and the bit pointer.
#[track_caller]
fn assert_cdb_field(c: &Completion, byte: u16, bit: Option<u8>) {
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
    assert_eq!(
        field_pointer(c),
        Some(SenseKeySpecific::FieldPointer {
            in_cdb: true,
            bit,
            byte
        })
    );
}

/// Page 01h defaults: read retry count 1, write retry count 1, the rest 0.
const PAGE01_DEFAULT: [u8; 12] = [
    0x01, 0x0A, // B0-1: page 01h, length 0Ah
    0x00, // B2: AWRE ARRE TB RC EER PER DTE DCR
    0x01, // B3: read retry count
    0x00, 0x00, 0x00, // B4-6: obsolete
    0x00, // B7: EMCDR
    0x01, // B8: write retry count
    0x00, 0x00, 0x00, // B9-11: error reporting window
];
/// Page 01h mask: TB, RC, PER, DTE, DCR and both retry counts.
const PAGE01_MASK: [u8; 12] = [0x01, 0x0A, 0x37, 0xFF, 0, 0, 0, 0, 0xFF, 0, 0, 0];
/// Page 08h defaults: WCE = 1, RCD = 0 (B2 = 04h); nothing changeable.
const PAGE08_DEFAULT: [u8; 12] = [0x08, 0x0A, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const PAGE08_MASK: [u8; 12] = [0x08, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/// Page 1Ah defaults: timers off.
const PAGE1A_DEFAULT: [u8; 12] = [0x1A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/// Page 1Ah mask: B3 Idle/Standby, B4-7 and B8-11 timers.
const PAGE1A_MASK: [u8; 12] = [
    0x1A, 0x0A, 0x00, 0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
];
/// Page 1Dh defaults: nothing enabled, timeouts 0.
const PAGE1D_DEFAULT: [u8; 12] = [0x1D, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/// Page 1Dh mask: B4 G3Enable TMOE DISP SWPP, B6-11 timeouts.
const PAGE1D_MASK: [u8; 12] = [
    0x1D, 0x0A, 0x00, 0x00, 0x0F, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
];

#[test]
fn mode_sense_all_pages_returns_every_page_in_ascending_order() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    for pc in [CURRENT, CHANGEABLE, DEFAULT, SAVED] {
        let (c, b) = sense(&mut d, pc, 0x3F);
        assert_good(&c);
        assert_eq!(
            usize::from(u16::from_be_bytes([b[0], b[1]])),
            b.len() - 2,
            "PC {pc}: mode data length"
        );
        assert_eq!(&b[2..8], &[0; 6]);
        let pages = split_pages(&b);
        let codes: Vec<u8> = pages.iter().map(|p| p[0]).collect();
        assert_eq!(
            codes,
            [0x01, 0x05, 0x08, 0x1A, 0x1D, 0x2A],
            "PC {pc}: PS = 0"
        );
        let lengths: Vec<u8> = pages.iter().map(|p| p[1]).collect();
        // 2Ah: 1Eh + 7 CD-R write speed descriptors.
        assert_eq!(
            lengths,
            [0x0A, 0x32, 0x0A, 0x0A, 0x0A, 0x1E + 4 * 7],
            "PC {pc}"
        );
    }
    // 3Fh with subpage FFh: all pages and subpages (there are no subpages).
    let (c, b) = data_in(&mut d, &[0x5A, 0x08, 0x3F, 0xFF, 0, 0, 0, 4, 0, 0], 1024);
    assert_good(&c);
    assert_eq!(split_pages(&b).len(), 6);
}

#[test]
fn mode_sense_drive_pages_have_spec_defaults_and_masks() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    for (code, default, mask) in [
        (0x01, PAGE01_DEFAULT, PAGE01_MASK),
        (0x08, PAGE08_DEFAULT, PAGE08_MASK),
        (0x1A, PAGE1A_DEFAULT, PAGE1A_MASK),
        (0x1D, PAGE1D_DEFAULT, PAGE1D_MASK),
    ] {
        assert_eq!(page(&mut d, CURRENT, code), default, "{code:02X}h current");
        assert_eq!(page(&mut d, DEFAULT, code), default, "{code:02X}h default");
        assert_eq!(page(&mut d, SAVED, code), default, "{code:02X}h saved");
        assert_eq!(
            page(&mut d, CHANGEABLE, code),
            mask,
            "{code:02X}h changeable"
        );
    }
}

#[test]
fn mode_sense_page05_copies_follow_the_medium() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    let current = page(&mut d, CURRENT, 0x05);
    assert_eq!(current[2], 0x20, "DVD-R default: LS_V, write type 0");
    assert_eq!(
        current[3] & 0x2F,
        0x05,
        "variable packets (FP = 0), track mode 5"
    );
    assert_eq!(current[5], 16, "link size 16");
    assert_eq!(page(&mut d, DEFAULT, 0x05), current);
    assert_eq!(page(&mut d, SAVED, 0x05), current);
    assert_eq!(
        page(&mut d, CHANGEABLE, 0x05)[2],
        0x7F,
        "Test Write changeable on DVD-R (simulation)"
    );
    // Selecting DAO changes current, not default or saved.
    assert_good(&edit_page05(&mut d, |p| p[2] = (p[2] & 0xF0) | 2));
    assert_eq!(page(&mut d, CURRENT, 0x05)[2] & 0x0F, 2);
    assert_eq!(page(&mut d, DEFAULT, 0x05), current);
    assert_eq!(page(&mut d, SAVED, 0x05), current);
}

#[test]
fn mode_sense_capabilities_lists_write_speeds_of_the_loaded_medium() {
    let (_dir, mut d) = empty_drive();
    let p = page(&mut d, CURRENT, 0x2A);
    assert_eq!(p[1], 0x1E, "no medium: no write speed descriptors");
    assert_eq!(&p[30..32], &[0, 0], "descriptor count 0");
    for (kind, speeds) in [
        (
            MediaKind::CdR,
            &[8_467u16, 7_056, 5_645, 4_234, 2_822, 1_411, 706][..],
        ),
        (MediaKind::CdRw, &[4_234, 2_822, 1_764, 706][..]),
        (
            MediaKind::DvdMinusR,
            &[22_160, 16_620, 11_080, 5_540, 3_324][..],
        ),
        (
            MediaKind::DvdPlusR,
            &[22_160, 16_620, 11_080, 5_540, 3_324][..],
        ),
        (MediaKind::DvdPlusRw, &[11_080, 5_540, 3_324][..]),
        (MediaKind::DvdMinusRw, &[8_310, 5_540, 2_770][..]),
        (MediaKind::DvdRam, &[6_925, 4_155, 2_770][..]),
        (MediaKind::DvdPlusRDl, &[11_080, 5_540, 3_324][..]),
        (MediaKind::BdR, &[53_946, 35_964, 26_973, 17_982, 8_991][..]),
        (MediaKind::BdRe, &[17_982, 8_991][..]),
    ] {
        let (_dir, mut d) = blank_drive(kind);
        let p = page(&mut d, CURRENT, 0x2A);
        assert_eq!(usize::from(p[1]), 30 + 4 * speeds.len(), "{kind}");
        assert_eq!(
            usize::from(u16::from_be_bytes([p[30], p[31]])),
            speeds.len()
        );
        let listed: Vec<u16> = (0..speeds.len())
            .map(|i| u16::from_be_bytes([p[32 + 4 * i + 2], p[32 + 4 * i + 3]]))
            .collect();
        assert_eq!(listed, speeds, "{kind}: fastest first");
        assert!((0..speeds.len()).all(|i| p[32 + 4 * i + 1] == 0), "CLV");
        assert_eq!(
            u16::from_be_bytes([p[28], p[29]]),
            speeds[0],
            "{kind}: current write speed selected"
        );
        // Read-only: the changeable copy is all zero, default = saved = current.
        let mask = page(&mut d, CHANGEABLE, 0x2A);
        assert_eq!(mask.len(), p.len());
        assert!(mask[2..].iter().all(|&b| b == 0));
        assert_eq!(page(&mut d, DEFAULT, 0x2A), p);
        assert_eq!(page(&mut d, SAVED, 0x2A), p);
    }
}

#[test]
fn mode_sense_capabilities_lock_state_follows_prevent() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_eq!(
        page(&mut d, CURRENT, 0x2A)[6] & 0x2B,
        0x29,
        "tray, eject, lock"
    );
    assert_good(&none(&mut d, &[0x1E, 0, 0, 0, 0x01, 0]));
    let locked = page(&mut d, CURRENT, 0x2A);
    assert_eq!(locked[6] & 0x02, 0x02, "lock state");
    // The current copy is what MODE SELECT compares with.
    assert_good(&select(&mut d, &[&locked]));
    assert_good(&none(&mut d, &[0x1E, 0, 0, 0, 0x00, 0]));
    assert_eq!(page(&mut d, CURRENT, 0x2A)[6] & 0x02, 0);
}

#[test]
fn mode_sense_unsupported_page_is_invalid_field_in_cdb_with_pointer() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    for code in [0x00, 0x02, 0x0E, 0x1C, 0x2B, 0x3E] {
        assert_cdb_field(&sense(&mut d, CURRENT, code).0, 2, Some(5));
    }
    // A subpage of a supported page.
    let c = data_in(&mut d, &[0x5A, 0x08, 0x1A, 0x01, 0, 0, 0, 4, 0, 0], 1024).0;
    assert_cdb_field(&c, 3, Some(7));
}

#[test]
fn mode_sense_allocation_length_truncates_and_reports_full_length() {
    let (_dir, mut d) = blank_drive(MediaKind::BdR);
    let (_, full) = sense(&mut d, CURRENT, 0x3F);
    let (c, b) = data_in(&mut d, &[0x5A, 0x08, 0x3F, 0, 0, 0, 0, 0, 10, 0], 1024);
    assert_good(&c);
    assert_eq!(b, full[..10]);
    assert_eq!(
        usize::from(u16::from_be_bytes([b[0], b[1]])),
        full.len() - 2
    );
}

#[test]
fn mode_select_changeable_fields_of_drive_pages_apply() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let mut p01 = page(&mut d, CURRENT, 0x01);
    p01[2] = 0x25; // TB | PER | DCR (libburn)
    p01[3] = 5; // read retry count
    let mut p1a = page(&mut d, CURRENT, 0x1A);
    p1a[3] = 0x03; // Idle, Standby
    p1a[4..8].copy_from_slice(&600u32.to_be_bytes()); // 60 s
    p1a[8..12].copy_from_slice(&3000u32.to_be_bytes()); // 300 s
    let mut p1d = page(&mut d, CURRENT, 0x1D);
    p1d[4] = 0x0F; // G3Enable TMOE DISP SWPP
    p1d[6..8].copy_from_slice(&30u16.to_be_bytes());
    p1d[10..12].copy_from_slice(&120u16.to_be_bytes());
    let p08 = page(&mut d, CURRENT, 0x08);
    assert_good(&select(&mut d, &[&p01, &p08, &p1a, &p1d]));
    assert_eq!(page(&mut d, CURRENT, 0x01), p01);
    assert_eq!(page(&mut d, CURRENT, 0x1A), p1a);
    assert_eq!(page(&mut d, CURRENT, 0x1D), p1d);
    // Default and saved copies are untouched.
    assert_eq!(page(&mut d, DEFAULT, 0x1A), PAGE1A_DEFAULT);
    assert_eq!(page(&mut d, SAVED, 0x1A), PAGE1A_DEFAULT);
    assert_eq!(page(&mut d, SAVED, 0x01), PAGE01_DEFAULT);
}

#[test]
fn mode_select_ps_bit_is_ignored() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let mut p1a = page(&mut d, CURRENT, 0x1A);
    p1a[0] |= 0x80;
    p1a[3] = 0x02;
    assert_good(&select(&mut d, &[&p1a]));
    let now = page(&mut d, CURRENT, 0x1A);
    assert_eq!(now[0], 0x1A, "PS is never reported");
    assert_eq!(now[3], 0x02);
}

#[test]
fn mode_select_caching_wce_is_not_changeable() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let mut p08 = page(&mut d, CURRENT, 0x08);
    p08[2] = 0x01; // WCE off, RCD on: bit 2 is the highest differing bit
    assert_parameter_field(&select(&mut d, &[&p08]), 8 + 2, Some(2));
    assert_eq!(page(&mut d, CURRENT, 0x08), PAGE08_DEFAULT);
}

#[test]
fn mode_select_non_changeable_bit_points_at_first_byte_and_highest_bit() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // Page 01h after page 1Ah in the list (offset 8 + 12 = 20): AWRE (B2 b7) and B9.
    let p1a = page(&mut d, CURRENT, 0x1A);
    let mut p01 = page(&mut d, CURRENT, 0x01);
    p01[2] |= 0x81; // AWRE (not changeable) + DCR (changeable)
    p01[9] = 0x01;
    assert_parameter_field(&select(&mut d, &[&p1a, &p01]), 20 + 2, Some(7));
    // Page 1Dh reserved B5 = 12h: bit 4 is the highest offending bit.
    let mut p1d = page(&mut d, CURRENT, 0x1D);
    p1d[5] = 0x12;
    assert_parameter_field(&select(&mut d, &[&p1d]), 8 + 5, Some(4));
    // Page 1Ah reserved B2 with a changeable B3 change before it in the same page.
    let mut p1a = page(&mut d, CURRENT, 0x1A);
    p1a[3] = 0x04; // B3 bit 2 is not changeable (only b1-0)
    assert_parameter_field(&select(&mut d, &[&p1a]), 8 + 3, Some(2));
    assert_eq!(page(&mut d, CURRENT, 0x01), PAGE01_DEFAULT);
    assert_eq!(page(&mut d, CURRENT, 0x1D), PAGE1D_DEFAULT);
}

#[test]
fn mode_select_refused_list_changes_nothing() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    let before05 = page05(&mut d);
    let mut p1a = page(&mut d, CURRENT, 0x1A);
    p1a[3] = 0x03;
    let mut p01 = page(&mut d, CURRENT, 0x01);
    p01[3] = 9;
    let mut p05 = before05.clone();
    p05[2] |= 0x40; // BUFE: changeable and accepted on DVD+R
    p05[4] = 0x0A; // DBT 10: refused on DVD+R
                   // List: 1Ah at 8, 01h at 20, 05h at 32.
    assert_parameter_field(&select(&mut d, &[&p1a, &p01, &p05]), 32 + 4, Some(3));
    assert_eq!(page(&mut d, CURRENT, 0x1A), PAGE1A_DEFAULT);
    assert_eq!(page(&mut d, CURRENT, 0x01), PAGE01_DEFAULT);
    assert_eq!(page05(&mut d), before05);
    // Without the bad page the same list is accepted.
    p05[4] = 0x08;
    assert_good(&select(&mut d, &[&p1a, &p01, &p05]));
    assert_eq!(page(&mut d, CURRENT, 0x1A)[3], 0x03);
    assert_eq!(page(&mut d, CURRENT, 0x01)[3], 9);
    assert_eq!(page05(&mut d)[2] & 0x40, 0x40);
}

/// The scenario: MODE SENSE page 05h, change the write type to one the medium
/// refuses, MODE SELECT → 5/26/00 with the field pointer at the write type, MODE SENSE shows
/// the page unchanged.
#[test]
fn mode_select_refused_write_type_leaves_page05_unchanged() {
    for (kind, write_type) in [
        (MediaKind::DvdPlusR, 2), // SAO
        (MediaKind::DvdPlusR, 3), // RAW
        (MediaKind::BdR, 2),
        (MediaKind::BdR, 3),
        (MediaKind::BdR, 4), // layer jump on single-layer media
        (MediaKind::DvdMinusR, 4),
        (MediaKind::DvdMinusR, 1), // TAO is CD only
        // CD-R with write type 3 (RAW) is refused at the data block type instead: `raw_cd.rs`.
        (MediaKind::CdR, 4),
        (MediaKind::CdR, 5), // reserved
    ] {
        let (_dir, mut d) = blank_drive(kind);
        let before = page05(&mut d);
        let mut p = before.clone();
        p[2] = (p[2] & 0xF0) | write_type;
        let c = mode_select(&mut d, &p);
        assert_sense!(c, Sense::INVALID_FIELD_IN_PARAMETER_LIST);
        assert_eq!(
            field_pointer(&c),
            Some(SenseKeySpecific::FieldPointer {
                in_cdb: false,
                bit: Some(3),
                byte: 8 + 2
            }),
            "{kind}, write type {write_type}"
        );
        assert_eq!(page05(&mut d), before, "{kind}: page 05h unchanged");
    }
}

#[test]
fn mode_select_later_copy_of_a_page_is_checked_against_the_earlier_one() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let mut first = page(&mut d, CURRENT, 0x1A);
    first[3] = 0x02;
    let mut second = first.clone();
    second[7] = 50;
    assert_good(&select(&mut d, &[&first, &second]));
    assert_eq!(page(&mut d, CURRENT, 0x1A), second);
}

#[test]
fn mode_select_header_must_be_zero() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let p1a = page(&mut d, CURRENT, 0x1A);
    // (header byte, value, expected bit pointer): mode data length (reserved), medium type,
    // device-specific parameter, LONGLBA, reserved, block descriptor length.
    for (at, value, bit) in [
        (0usize, 0x01u8, 0u8),
        (1, 0x12, 4),
        (2, 0x80, 7),
        (3, 0x10, 4),
        (4, 0x01, 0),
        (5, 0x40, 6),
        (6, 0x01, 0),
        (7, 0x08, 3),
    ] {
        let mut list = vec![0u8; 8];
        list[at] = value;
        list.extend_from_slice(&p1a);
        assert_parameter_field(&select_list(&mut d, &list), at as u16, Some(bit));
    }
    // A block descriptor announced and sent.
    let mut list = vec![0, 0, 0, 0, 0, 0, 0, 8];
    list.extend_from_slice(&[0; 8]);
    list.extend_from_slice(&p1a);
    assert_parameter_field(&select_list(&mut d, &list), 7, Some(3));
}

#[test]
fn mode_select_page_length_must_be_the_drives() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let p1a = page(&mut d, CURRENT, 0x1A);
    let mut long = page(&mut d, CURRENT, 0x1D);
    long[1] = 0x0E;
    long.extend_from_slice(&[0; 4]);
    // 1Dh is the second page: its byte 1 is list byte 8 + 12 + 1.
    assert_parameter_field(&select(&mut d, &[&p1a, &long]), 21, None);
    // Page 05h sent with the 36h length of some drives.
    let mut p05 = page05(&mut d);
    p05[1] = 0x36;
    p05.extend_from_slice(&[0; 4]);
    assert_parameter_field(&mode_select(&mut d, &p05), 9, None);
    // Page 2Ah with the descriptor count of another medium.
    let mut p2a = page(&mut d, CURRENT, 0x2A);
    p2a.truncate(p2a.len() - 4);
    p2a[1] -= 4;
    assert_parameter_field(&select(&mut d, &[&p2a]), 9, None);
}

#[test]
fn mode_select_unsupported_page_or_subpage_format_is_refused() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let p1a = page(&mut d, CURRENT, 0x1A);
    // Page 0Eh (CD audio control) after page 1Ah.
    let p0e = [0x0E, 0x0E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_parameter_field(&select(&mut d, &[&p1a, &p0e]), 20, Some(5));
    // 3Fh is a MODE SENSE request code, not a page.
    assert_parameter_field(
        &select(&mut d, &[&[0x3F, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]),
        8,
        Some(5),
    );
    // SPF = 1 (sub_page format).
    let spf = [0x5A, 0x01, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_parameter_field(&select(&mut d, &[&spf]), 8, Some(6));
    assert_eq!(page(&mut d, CURRENT, 0x1A), PAGE1A_DEFAULT);
}

#[test]
fn mode_select_short_lists_are_parameter_list_length_errors() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let mut p1a = page(&mut d, CURRENT, 0x1A);
    p1a[3] = 0x01;
    let mut list = vec![0u8; 8];
    list.extend_from_slice(&p1a);
    // The list ends inside the page.
    assert_sense!(
        select_list(&mut d, &list[..8 + 6]),
        Sense::PARAMETER_LIST_LENGTH_ERROR
    );
    // The list ends inside the header.
    assert_sense!(
        select_list(&mut d, &list[..5]),
        Sense::PARAMETER_LIST_LENGTH_ERROR
    );
    // One byte after the last page.
    let mut trailing = list.clone();
    trailing.push(0x1A);
    assert_sense!(
        select_list(&mut d, &trailing),
        Sense::PARAMETER_LIST_LENGTH_ERROR
    );
    // Parameter list length larger than the data sent.
    let n = ((list.len() + 4) as u16).to_be_bytes();
    assert_sense!(
        data_out(&mut d, &[0x55, 0x10, 0, 0, 0, 0, 0, n[0], n[1], 0], &list),
        Sense::PARAMETER_LIST_LENGTH_ERROR
    );
    assert_eq!(
        page(&mut d, CURRENT, 0x1A),
        PAGE1A_DEFAULT,
        "nothing applied"
    );
    // Parameter list length 0: nothing to do.
    assert_good(&data_out(
        &mut d,
        &[0x55, 0x10, 0, 0, 0, 0, 0, 0, 0, 0],
        &list,
    ));
    // A longer data-out than the parameter list length: only the list counts.
    let n = (list.len() as u16).to_be_bytes();
    let mut more = list.clone();
    more.extend_from_slice(&[0xFF; 16]);
    assert_good(&data_out(
        &mut d,
        &[0x55, 0x10, 0, 0, 0, 0, 0, n[0], n[1], 0],
        &more,
    ));
    assert_eq!(page(&mut d, CURRENT, 0x1A)[3], 0x01);
}

#[test]
fn mode_select_pf_zero_and_sp_one_are_invalid_field_in_cdb() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let mut p1a = page(&mut d, CURRENT, 0x1A);
    p1a[3] = 0x03;
    let mut list = vec![0u8; 8];
    list.extend_from_slice(&p1a);
    let n = (list.len() as u16).to_be_bytes();
    let c = data_out(&mut d, &[0x55, 0x00, 0, 0, 0, 0, 0, n[0], n[1], 0], &list);
    assert_cdb_field(&c, 1, Some(4));
    // SP = 1: no page is savable.
    let c = data_out(&mut d, &[0x55, 0x11, 0, 0, 0, 0, 0, n[0], n[1], 0], &list);
    assert_cdb_field(&c, 1, Some(0));
    assert_eq!(
        page(&mut d, CURRENT, 0x1A),
        PAGE1A_DEFAULT,
        "nothing applied"
    );
    assert_eq!(page(&mut d, SAVED, 0x1A), PAGE1A_DEFAULT, "nothing saved");
}

#[test]
fn mode_select_drive_pages_outlive_media_changes_and_reopen() {
    let (dir, mut d) = blank_drive(MediaKind::CdR);
    let mut p1a = page(&mut d, CURRENT, 0x1A);
    p1a[3] = 0x02;
    p1a[4..8].copy_from_slice(&1200u32.to_be_bytes());
    let mut p01 = page(&mut d, CURRENT, 0x01);
    p01[2] = 0x01;
    let mut p1d = page(&mut d, CURRENT, 0x1D);
    p1d[4] = 0x04;
    let mut p05 = page05(&mut d);
    p05[3] = (p05[3] & 0x3F) | 0xC0;
    assert_good(&select(&mut d, &[&p01, &p05, &p1a, &p1d]));

    // Another disc: the drive pages stay, page 05h starts from the new medium's defaults.
    d.load_blank(MediaKind::DvdMinusR).unwrap();
    for (code, want) in [(0x01, &p01), (0x1A, &p1a), (0x1D, &p1d)] {
        assert_eq!(&page(&mut d, CURRENT, code), want, "{code:02X}h after load");
    }
    assert_eq!(page(&mut d, CURRENT, 0x05), page(&mut d, DEFAULT, 0x05));
    // An empty tray, then a new process on the same directory.
    d.eject().unwrap();
    assert_eq!(page(&mut d, CURRENT, 0x1A), p1a, "without a medium");
    drop(d);
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    for (code, want) in [(0x01, &p01), (0x1A, &p1a), (0x1D, &p1d)] {
        assert_eq!(
            &page(&mut d, CURRENT, code),
            want,
            "{code:02X}h after reopen"
        );
    }
    let text = std::fs::read_to_string(dir.path().join("drive.json")).unwrap();
    assert!(
        text.contains("\"power_condition\": \"1a 0a 00 02 00 00 04 b0"),
        "{text}"
    );
}

#[test]
fn drive_json_without_mode_pages_reads_defaults_and_bad_pages_are_refused() {
    let (dir, d) = empty_drive();
    drop(d);
    let path = dir.path().join("drive.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    json.as_object_mut().unwrap().remove("mode_pages");
    std::fs::write(&path, json.to_string()).unwrap();
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    assert_eq!(page(&mut d, CURRENT, 0x08), PAGE08_DEFAULT);
    drop(d);
    // A hand-edited caching page with WCE = 0 is not a state this drive can be in.
    json["mode_pages"] = serde_json::json!({
        "caching": "08 0a 00 00 00 00 00 00 00 00 00 00"
    });
    std::fs::write(&path, json.to_string()).unwrap();
    let err = EmulatedDrive::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("08h"), "{err}");
}

#[test]
fn mode_select_page05_without_medium_is_medium_not_present() {
    let (_dir, mut d) = empty_drive();
    let p1a = page(&mut d, CURRENT, 0x1A);
    assert_sense!(select(&mut d, &[&p1a]), Sense::MEDIUM_NOT_PRESENT);
}
