//! GET CONFIGURATION request types, starting feature, Drive Serial Number from `drive.json`,
//! and allocation-length truncation (`mmc.md` §1.6), plus the features that go with the mode
//! pages (0010h PP, 0100h, 0105h).

use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_mmc::features::{Configuration, DriveSerialNumber, RandomReadable};
use discmaster_mmc::{FeatureCode, Profile, Sense, SenseData, SenseKeySpecific};

use crate::common::*;

/// GET CONFIGURATION CDB: RT, starting feature, allocation length.
fn get_configuration(rt: u8, starting: u16, alloc: u16) -> [u8; 10] {
    let s = starting.to_be_bytes();
    let a = alloc.to_be_bytes();
    [0x46, rt, s[0], s[1], 0, 0, 0, a[0], a[1], 0]
}

/// The full response (4 KiB buffer and allocation length) for `rt` from `starting`.
fn configuration(d: &mut EmulatedDrive, rt: u8, starting: u16) -> Vec<u8> {
    let (c, b) = data_in(d, &get_configuration(rt, starting, 4096), 4096);
    assert_good(&c);
    assert_eq!(be32(&b, 0) as usize, b.len() - 4, "data length = total − 4");
    b
}

/// (feature code, current) of every descriptor, in response order.
fn features(b: &[u8]) -> Vec<(u16, bool)> {
    let conf = Configuration::new_checked(b).unwrap();
    conf.descriptors()
        .map(|f| (f.feature_code().0, f.current()))
        .collect()
}

/// Every feature of the emulated recorder with CD-R loaded, ascending, with its current bit.
const CD_R_FEATURES: [(u16, bool); 22] = [
    (0x0000, true),  // Profile List
    (0x0001, true),  // Core
    (0x0003, true),  // Removable Medium
    (0x0010, false), // Random Readable: blank disc
    (0x0020, false), // Random Writable
    (0x0021, true),  // Incremental Streaming Writable
    (0x0023, false), // Formattable
    (0x0024, false), // Hardware Defect Management
    (0x0026, false), // Restricted Overwrite
    (0x002A, false), // DVD+RW
    (0x002B, false), // DVD+R
    (0x002C, false), // Rigid Restricted Overwrite
    (0x002D, true),  // CD Track at Once
    (0x002E, true),  // CD Mastering (RAW)
    (0x002F, false), // DVD-R/-RW Write
    (0x003B, false), // DVD+R Dual Layer
    (0x0040, false), // BD Read
    (0x0041, false), // BD Write
    (0x0100, true),  // Power Management
    (0x0105, true),  // Timeout
    (0x0107, true),  // Real Time Streaming
    (0x0108, true),  // Drive Serial Number
];

#[test]
fn get_configuration_rt0_lists_all_features_from_the_starting_feature() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_eq!(features(&configuration(&mut d, 0, 0)), CD_R_FEATURES);
    for starting in [0x0001u16, 0x0011, 0x0021, 0x0030, 0x0101, 0x0108] {
        let want: Vec<(u16, bool)> = CD_R_FEATURES
            .iter()
            .copied()
            .filter(|&(code, _)| code >= starting)
            .collect();
        let b = configuration(&mut d, 0, starting);
        assert_eq!(features(&b), want, "RT 0 from {starting:04X}h");
        assert_eq!(&b[6..8], &[0x00, 0x09], "current profile CD-R");
    }
    // Past the last feature: header only.
    let b = configuration(&mut d, 0, 0x0109);
    assert_eq!(b.len(), 8);
    assert_eq!(be32(&b, 0), 4);
}

#[test]
fn get_configuration_rt1_lists_current_features_from_the_starting_feature() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    for starting in [0x0000u16, 0x0002, 0x0022, 0x0106] {
        let want: Vec<(u16, bool)> = CD_R_FEATURES
            .iter()
            .copied()
            .filter(|&(code, current)| current && code >= starting)
            .collect();
        assert_eq!(
            features(&configuration(&mut d, 1, starting)),
            want,
            "RT 1 from {starting:04X}h"
        );
    }
    // Without a medium only the persistent drive features are current.
    let (_dir, mut d) = empty_drive();
    let b = configuration(&mut d, 1, 0);
    let codes: Vec<u16> = features(&b).iter().map(|f| f.0).collect();
    assert_eq!(
        codes,
        [0x0000, 0x0001, 0x0003, 0x0100, 0x0105, 0x0107, 0x0108]
    );
    assert_eq!(&b[6..8], &[0, 0], "no current profile");
}

#[test]
fn get_configuration_rt2_returns_exactly_the_starting_feature() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    // Present and current.
    let b = configuration(&mut d, 2, 0x0108);
    assert_eq!(features(&b), [(0x0108, true)]);
    // Present but not current (DVD+R feature with CD-R loaded).
    let b = configuration(&mut d, 2, 0x002B);
    assert_eq!(features(&b), [(0x002B, false)]);
    assert_eq!(
        b.len(),
        8 + 8,
        "header + 4-byte descriptor header + 4-byte payload"
    );
    // Absent: the header alone, with the current profile.
    for absent in [0x0002u16, 0x0038, 0x0106, 0xFFFF] {
        let b = configuration(&mut d, 2, absent);
        assert_eq!(
            b,
            [
                0x00, 0x00, 0x00, 0x04, // B0-3: data length 4
                0x00, 0x00, // B4-5: reserved
                0x00, 0x09, // B6-7: current profile CD-R
            ],
            "{absent:04X}h"
        );
    }
}

#[test]
fn get_configuration_reserved_rt_points_at_the_rt_field() {
    let (_dir, mut d) = empty_drive();
    let c = data_in(&mut d, &get_configuration(3, 0, 64), 64).0;
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
    assert_eq!(
        SenseData::new_checked(&c.sense[..])
            .unwrap()
            .sense_key_specific(),
        Some(SenseKeySpecific::cdb_field(1, Some(1)))
    );
}

#[test]
fn get_configuration_serial_number_comes_from_drive_json() {
    let (dir, d) = empty_drive();
    drop(d);
    let path = dir.path().join("drive.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let generated = json["serial"].as_str().unwrap().to_string();
    assert!(generated.starts_with("EMU"), "{generated}");
    json["serial"] = serde_json::json!("SN-0042-X");
    std::fs::write(&path, json.to_string()).unwrap();

    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    let b = configuration(&mut d, 2, 0x0108);
    assert_eq!(
        &b[8..],
        [
            0x01, 0x08, // B0-1: feature 0108h
            0x03, // B2: version 0, persistent, current
            0x0C, // B3: additional length 12 (9 characters padded to 4)
            b'S', b'N', b'-', b'0', b'0', b'4', b'2', b'-', b'X', b' ', b' ', b' ',
        ]
    );
    let conf = Configuration::new_checked(&b[..]).unwrap();
    let serial =
        DriveSerialNumber::parse(&conf.find(FeatureCode::DRIVE_SERIAL_NUMBER).unwrap()).unwrap();
    assert_eq!(serial.serial, "SN-0042-X");
}

#[test]
fn get_configuration_allocation_length_cuts_inside_a_descriptor() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    let full = configuration(&mut d, 0, 0);
    for alloc in [0u16, 3, 8, 13, 21, (full.len() - 1) as u16] {
        let (c, b) = data_in(&mut d, &get_configuration(0, 0, alloc), 4096);
        assert_good(&c);
        assert_eq!(b, full[..usize::from(alloc)], "alloc {alloc}");
        assert_eq!(c.residual, 4096 - usize::from(alloc));
        if alloc >= 4 {
            assert_eq!(
                be32(&b, 0) as usize,
                full.len() - 4,
                "alloc {alloc}: data length of the full response"
            );
        }
    }
    // A larger allocation length than the response: the response, not more.
    let (c, b) = data_in(&mut d, &get_configuration(0, 0, 65535), 8192);
    assert_good(&c);
    assert_eq!(b, full);
    assert_eq!(c.residual, 8192 - full.len());
    // RT 1 and RT 2 are cut the same way.
    let rt1 = configuration(&mut d, 1, 0x0010);
    let (_, b) = data_in(&mut d, &get_configuration(1, 0x0010, 10), 64);
    assert_eq!(b, rt1[..10]);
}

#[test]
fn get_configuration_mode_page_features_are_reported() {
    let (_dir, mut d) = blank_drive(MediaKind::BdR);
    assert_good(&write(&mut d, 0, 32));
    let b = configuration(&mut d, 0, 0);
    let conf = Configuration::new_checked(&b[..]).unwrap();
    assert_eq!(conf.current_profile(), Profile::BdRSrm);
    let rr = RandomReadable::parse(&conf.find(FeatureCode::RANDOM_READABLE).unwrap()).unwrap();
    assert!(rr.pp, "page 01h is present");
    for code in [FeatureCode::POWER_MANAGEMENT, FeatureCode::TIMEOUT] {
        let f = conf.find(code).unwrap();
        assert!(f.current() && f.persistent(), "{code:?}");
        assert_eq!(f.additional_length(), 0, "{code:?} version 0");
    }
}
