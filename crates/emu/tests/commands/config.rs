//! GET CONFIGURATION: profiles, features, RT, allocation-length truncation.

use discmaster_emu::MediaKind;
use discmaster_mmc::features::{Configuration, ProfileList};
use discmaster_mmc::{FeatureCode, Profile, Sense};

use crate::common::*;

/// GET CONFIGURATION CDB: RT, starting feature, allocation length.
fn get_configuration(rt: u8, starting: u16, alloc: u16) -> [u8; 10] {
    let s = starting.to_be_bytes();
    let a = alloc.to_be_bytes();
    [0x46, rt, s[0], s[1], 0, 0, 0, a[0], a[1], 0]
}

#[test]
fn get_configuration_without_medium_reports_profile_zero() {
    let (_dir, mut d) = empty_drive();
    let (c, b) = data_in(&mut d, &get_configuration(0, 0, 4096), 4096);
    assert_good(&c);
    assert_eq!(&b[6..8], &[0, 0], "no current profile");
    let conf = Configuration::new_checked(&b[..]).unwrap();
    let list = ProfileList::parse(&conf.find(FeatureCode::PROFILE_LIST).unwrap()).unwrap();
    let profiles: Vec<Profile> = list.profiles.iter().map(|p| p.profile).collect();
    assert_eq!(
        profiles,
        [
            Profile::BdRe,
            Profile::BdRSrm,
            Profile::DvdPlusRDl,
            Profile::DvdPlusR,
            Profile::DvdPlusRw,
            Profile::DvdMinusRwSequential,
            Profile::DvdMinusRwRestrictedOverwrite,
            Profile::DvdRam,
            Profile::DvdMinusRSequential,
            Profile::CdRw,
            Profile::CdR
        ]
    );
    assert!(list.profiles.iter().all(|p| !p.current));
    // Removable medium and serial number are current regardless of the medium.
    assert!(conf.find(FeatureCode::REMOVABLE_MEDIUM).unwrap().current());
    assert!(conf
        .find(FeatureCode::DRIVE_SERIAL_NUMBER)
        .unwrap()
        .current());
    assert!(!conf.find(FeatureCode::RANDOM_READABLE).unwrap().current());
}

#[test]
fn get_configuration_alloc_8_reports_full_length_and_gives_8_bytes() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    let (c, full) = data_in(&mut d, &get_configuration(0, 0, 4096), 4096);
    assert_good(&c);
    let (c, b) = data_in(&mut d, &get_configuration(0, 0, 8), 4096);
    assert_good(&c);
    assert_eq!(b.len(), 8);
    assert_eq!(c.residual, 4096 - 8);
    assert_eq!(
        be32(&b, 0) as usize,
        full.len() - 4,
        "data length = everything available - 4"
    );
    assert_eq!(&b[6..8], &[0x00, 0x09], "current profile CD-R");
    // A buffer smaller than the allocation length limits the transfer too.
    let (c, b) = data_in(&mut d, &get_configuration(0, 0, 4096), 5);
    assert_good(&c);
    assert_eq!((b.len(), c.residual), (5, 0));
}

#[test]
fn get_configuration_current_profile_follows_medium() {
    for kind in [
        MediaKind::CdR,
        MediaKind::DvdMinusR,
        MediaKind::DvdPlusR,
        MediaKind::BdR,
    ] {
        let (_dir, mut d) = blank_drive(kind);
        let (_, b) = data_in(&mut d, &get_configuration(0, 0, 4096), 4096);
        let conf = Configuration::new_checked(&b[..]).unwrap();
        assert_eq!(conf.current_profile(), kind.profile());
        let list = ProfileList::parse(&conf.find(FeatureCode::PROFILE_LIST).unwrap()).unwrap();
        assert_eq!(list.current_profile(), Some(kind.profile()));
        let writable = match kind {
            MediaKind::CdR => FeatureCode::CD_TRACK_AT_ONCE,
            MediaKind::DvdMinusR => FeatureCode::DVD_MINUS_R_RW_WRITE,
            MediaKind::DvdPlusR => FeatureCode::DVD_PLUS_R,
            _ => FeatureCode::BD_WRITE,
        };
        assert!(
            conf.find(writable).unwrap().current(),
            "{kind}: {writable:?} current"
        );
    }
}

#[test]
fn get_configuration_rt2_returns_exactly_one_feature() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    // growisofs: RT = 2, SFN 21h, alloc 16; checks len ≥ 12 and the current bit at byte 10.
    let (c, b) = data_in(&mut d, &get_configuration(2, 0x21, 16), 16);
    assert_good(&c);
    assert_eq!(b.len(), 16);
    assert_eq!(&b[8..10], &[0x00, 0x21]);
    assert_eq!(b[10] & 0x01, 0x01, "current on DVD-R");
    assert_eq!(b[8 + 7], 1, "one link size");
    let (_, b) = data_in(&mut d, &get_configuration(2, 0x21, 64), 64);
    assert_eq!(
        b.len(),
        8 + 12,
        "header + descriptor with 1 link size padded to 4"
    );
    assert_eq!(b[8 + 8], 16, "link size 16");
    // A feature the drive does not have: header only.
    let (c, b) = data_in(&mut d, &get_configuration(2, 0x38, 16), 16);
    assert_good(&c);
    assert_eq!(b.len(), 8);
    assert_eq!(be32(&b, 0), 4);
}

#[test]
fn get_configuration_rt1_lists_only_current_features() {
    let (_dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    let (_, b) = data_in(&mut d, &get_configuration(1, 0, 4096), 4096);
    let conf = Configuration::new_checked(&b[..]).unwrap();
    let codes: Vec<FeatureCode> = conf.descriptors().map(|f| f.feature_code()).collect();
    assert!(conf.descriptors().all(|f| f.current()));
    assert!(codes.contains(&FeatureCode::DVD_PLUS_R));
    assert!(!codes.contains(&FeatureCode::INCREMENTAL_STREAMING_WRITABLE));
    assert!(
        !codes.contains(&FeatureCode::RANDOM_READABLE),
        "blank disc is not readable"
    );
}

#[test]
fn get_configuration_random_readable_current_after_writing() {
    let (_dir, mut d) = blank_drive(MediaKind::BdR);
    assert_good(&write(&mut d, 0, 32));
    let (_, b) = data_in(&mut d, &get_configuration(2, 0x10, 64), 64);
    assert_eq!(&b[8..10], &[0x00, 0x10]);
    assert_eq!(b[10] & 0x01, 0x01);
    assert_eq!(&b[16..18], &[0, 32], "blocking = BD cluster");
}

#[test]
fn get_configuration_reserved_rt_is_invalid_field() {
    let (_dir, mut d) = empty_drive();
    assert_sense!(
        data_in(&mut d, &get_configuration(3, 0, 64), 64).0,
        Sense::INVALID_FIELD_IN_CDB
    );
}
