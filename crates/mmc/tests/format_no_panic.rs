//! Property tests for the formatting commands and the rewritable-media features: parsers never
//! panic on arbitrary bytes, and what a parser accepts is emitted back unchanged.

use discmaster_mmc::features::FeatureDescriptor;
use discmaster_mmc::format_commands::*;
use discmaster_mmc::media_features::*;
use discmaster_mmc::Command;
use proptest::prelude::*;

fn parse_features(bytes: &[u8]) {
    if let Ok(d) = FeatureDescriptor::new_checked(bytes) {
        let _ = RandomWritable::parse(&d);
        let _ = Formattable::parse(&d);
        let _ = HardwareDefectManagement::parse(&d);
        let _ = DvdPlusRw::parse(&d);
        let _ = RigidRestrictedOverwrite::parse(&d);
        let _ = DvdPlusRDualLayer::parse(&d);
        let _ = BdRead::parse(&d);
        let _ = RealTimeStreaming::parse(&d);
    }
}

proptest! {
    #[test]
    fn format_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = FormatUnit::from_cdb(&bytes).map(|c| c.cdb());
        let _ = Blank::from_cdb(&bytes).map(|c| c.cdb());
        let _ = FormatParameterList::parse(&bytes).map(|l| l.emit());
        let _ = FormatDescriptor::parse(&bytes).map(|d| (d.emit(), d.restart()));
        let _ = LayerBoundaryInformation::parse(&bytes).map(|l| l.emit());
        parse_features(&bytes);
    }

    #[test]
    fn format_parameter_list_round_trips(bytes in proptest::array::uniform12(any::<u8>())) {
        let mut bytes = bytes;
        bytes[0] = 0; // reserved, not kept
        bytes[2] = 0;
        bytes[3] = 8; // descriptor length 8
        let list = FormatParameterList::parse(&bytes).unwrap();
        prop_assert_eq!(list.emit(), bytes);
    }

    #[test]
    fn blank_cdb_round_trips(immed: bool, t in 0u8..7, start: u32) {
        let c = Blank { immed, blanking_type: BlankingType::from(t), start_address: start };
        prop_assert_eq!(Blank::from_cdb(c.cdb().as_bytes()), Ok(c));
    }
}
