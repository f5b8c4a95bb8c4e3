//! Property tests for the CD-only commands, responses and features: parsers never panic on
//! arbitrary bytes, and every getter can be called after a successful `new_checked`.

use discmaster_mmc::cd_commands::{ReadCd, SectorLayout};
use discmaster_mmc::cd_features::CdMastering;
use discmaster_mmc::cd_responses::{Atip, CdTextResponse, FullToc, FullTocDescriptor};
use discmaster_mmc::features::FeatureDescriptor;
use discmaster_mmc::Command;
use proptest::prelude::*;

const LAYOUTS: [SectorLayout; 6] = [
    SectorLayout::Audio,
    SectorLayout::Mode0,
    SectorLayout::Mode1,
    SectorLayout::Mode2Formless,
    SectorLayout::Mode2Form1,
    SectorLayout::Mode2Form2,
];

proptest! {
    #[test]
    fn read_cd_from_cdb_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..20)) {
        if let Ok(c) = ReadCd::from_cdb(&bytes) {
            prop_assert_eq!(ReadCd::from_cdb(c.cdb().as_bytes()), Ok(c));
            for layout in LAYOUTS {
                for r in c.main_channel.ranges(layout) {
                    prop_assert!(r.end <= 2352);
                }
                let _ = c.main_channel.bytes_per_block(layout);
                let _ = layout.matches(c.expected_sector_type);
            }
            let _ = c.subchannel.bytes();
        }
    }

    #[test]
    fn cd_responses_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(t) = FullToc::new_checked(&bytes[..]) {
            let _ = (t.data_length(), t.first_session(), t.last_session());
            for d in t.descriptors() {
                let _ = d.pointer_msf();
                prop_assert_eq!(FullTocDescriptor::parse(&d.to_bytes()), d);
            }
        }
        if let Ok(a) = Atip::new_checked(&bytes[..]) {
            let _ = (a.data_length(), a.indicative_target_writing_power(), a.reference_speed());
            let _ = (a.uru(), a.rewritable(), a.disc_sub_type(), a.additional_valid());
            let _ = (a.lead_in_start(), a.last_possible_lead_out_start());
            let _ = a.additional_information();
        }
        if let Ok(c) = CdTextResponse::new_checked(&bytes[..]) {
            let _ = c.data_length();
            let _ = c.packs().count();
        }
        if let Ok(d) = FeatureDescriptor::new_checked(&bytes[..]) {
            if let Ok(f) = CdMastering::parse(&d) {
                let again = f.emit(d.current());
                let d2 = FeatureDescriptor::new_checked(&again[..]).unwrap();
                prop_assert_eq!(CdMastering::parse(&d2), Ok(f));
            }
        }
    }
}
