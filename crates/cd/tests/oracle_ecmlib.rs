//! Oracle: the `ecmlib` crate (MIT, an independent Rust implementation of ECM's EDC/ECC)
//! regenerates complete sectors from user data and classifies sectors by checking EDC/ECC.
//! Our sectors must be byte-identical to its regenerated ones and classified as valid.

use discmaster_cd::sector::{self, SectorKind, Subheader, Submode};
use discmaster_core::{Lba, Msf};
use ecmlib::{Decoder, Encoder, Optimizations, SectorType as EcmType};
use proptest::prelude::*;

/// ecmlib numbers sectors from 00:00:00, i.e. LBA + 150.
fn ecm_sector_number(lba: Lba) -> u32 {
    (lba.0 + 150) as u32
}

/// ecmlib's regeneration of a sector from the fields ECM keeps (everything else removed).
fn ecm_rebuild(kept: &[u8], kind: EcmType, lba: Lba) -> Vec<u8> {
    Decoder::new()
        .decode_sector(kept, kind, ecm_sector_number(lba), Optimizations::all())
        .expect("ecmlib decode")
}

fn ecm_classify(sector: &[u8; 2352]) -> EcmType {
    Encoder::new(Optimizations::all())
        .detect_sector_type(sector)
        .expect("ecmlib detect")
}

fn check_mode1(lba: Lba, data: &[u8; 2048]) -> Result<(), TestCaseError> {
    let ours = sector::mode1(Msf::from_lba(lba).unwrap(), data);
    prop_assert_eq!(&ecm_rebuild(data, EcmType::Mode1, lba)[..], &ours[..]);
    let expected = if data.iter().all(|&b| b == 0) {
        EcmType::Mode1Gap
    } else {
        EcmType::Mode1
    };
    prop_assert_eq!(ecm_classify(&ours), expected);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ecmlib_rebuilds_our_mode1_sectors(lba in 0i32..404_700, data in proptest::collection::vec(any::<u8>(), 2048)) {
        let mut d = [0u8; 2048];
        d.copy_from_slice(&data);
        check_mode1(Lba(lba), &d)?;
    }

    #[test]
    fn ecmlib_rebuilds_our_mode2_form1_and_form2_sectors(
        lba in 0i32..404_700,
        sh in any::<[u8; 4]>(),
        data in proptest::collection::vec(any::<u8>(), 2324),
    ) {
        let msf = Msf::from_lba(Lba(lba)).unwrap();
        let mut d1 = [0u8; 2048];
        d1.copy_from_slice(&data[..2048]);
        let mut d2 = [0u8; 2324];
        d2.copy_from_slice(&data);

        let sh1 = Subheader::parse(sh);
        let f1 = sector::mode2_form1(msf, sh1, &d1);
        let mut kept = f1[16..20].to_vec();
        kept.extend_from_slice(&d1);
        prop_assert_eq!(&ecm_rebuild(&kept, EcmType::Mode2Xa1, Lba(lba))[..], &f1[..]);
        prop_assert_eq!(ecm_classify(&f1), EcmType::Mode2Xa1);

        let f2 = sector::mode2_form2(msf, Subheader { submode: Submode(sh[2]), ..sh1 }, &d2);
        let mut kept = f2[16..20].to_vec();
        kept.extend_from_slice(&d2);
        prop_assert_eq!(&ecm_rebuild(&kept, EcmType::Mode2Xa2, Lba(lba))[..], &f2[..]);
    }

    #[test]
    fn our_verify_accepts_ecmlib_mode1_sectors(lba in 0i32..404_700, data in proptest::collection::vec(any::<u8>(), 2048)) {
        let theirs = ecm_rebuild(&data, EcmType::Mode1, Lba(lba));
        let mut s = [0u8; 2352];
        s.copy_from_slice(&theirs);
        prop_assert_eq!(sector::user_data(&s), Ok((SectorKind::Mode1, &data[..])));
    }
}

#[test]
fn ecmlib_rebuilds_zero_and_lead_in_adjacent_sectors() {
    for lba in [0, 1, 74, 75, 4499, 4500, 359_849] {
        check_mode1(Lba(lba), &[0; 2048]).unwrap();
        check_mode1(Lba(lba), &[0xFF; 2048]).unwrap();
    }
}

#[test]
fn ecmlib_rebuilds_our_sectors_of_a_real_iso() {
    let path = std::path::Path::new("/usr/lib/ipxe/ipxe.iso");
    let Ok(iso) = std::fs::read(path) else {
        println!("SKIPPED: ipxe.iso (install the ipxe package)");
        return;
    };
    assert_eq!(iso.len() % 2048, 0);
    let mut count = 0;
    for (i, block) in iso.chunks_exact(2048).enumerate() {
        let mut d = [0u8; 2048];
        d.copy_from_slice(block);
        check_mode1(Lba(i as i32), &d).unwrap();
        count += 1;
    }
    println!(
        "ecmlib: {count} Mode 1 sectors of {} identical",
        path.display()
    );
}
