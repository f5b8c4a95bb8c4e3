//! Property tests: parsers never panic on arbitrary bytes (drive, file and host input are
//! untrusted). Every `from_cdb`, `new_checked` and iterator is driven with random data, and
//! every getter is called after a successful `new_checked`.

use discmaster_mmc::commands::*;
use discmaster_mmc::{Command, SenseData};
use proptest::prelude::*;

fn parse_all_commands(bytes: &[u8]) {
    let _ = TestUnitReady::from_cdb(bytes);
    let _ = RequestSense::from_cdb(bytes);
    let _ = Inquiry::from_cdb(bytes);
    let _ = StartStopUnit::from_cdb(bytes);
    let _ = PreventAllowMediumRemoval::from_cdb(bytes);
    let _ = ReadCapacity::from_cdb(bytes);
    let _ = Read10::from_cdb(bytes).map(|c| c.transfer_len());
    let _ = Write10::from_cdb(bytes);
    let _ = SynchronizeCache::from_cdb(bytes);
    let _ = ReadTocPmaAtip::from_cdb(bytes).map(|c| c.cdb());
    let _ = GetConfiguration::from_cdb(bytes).map(|c| c.cdb());
    let _ = ReadDiscInformation::from_cdb(bytes).map(|c| c.cdb());
    let _ = ReadTrackInformation::from_cdb(bytes).map(|c| c.cdb());
    let _ = ReserveTrack::from_cdb(bytes).map(|c| c.cdb());
    let _ = SendOpcInformation::from_cdb(bytes);
    let _ = ModeSelect10::from_cdb(bytes);
    let _ = ModeSense10::from_cdb(bytes).map(|c| c.cdb());
    let _ = CloseTrackSession::from_cdb(bytes).map(|c| c.cdb());
}

fn read_sense(bytes: &[u8]) {
    if let Ok(s) = SenseData::new_checked(bytes) {
        let _ = s.sense().to_string();
        let _ = (s.response_code(), s.is_deferred(), s.is_descriptor_format());
        let _ = (s.information(), s.sense_key_specific(), s.progress());
        let _ = (
            s.command_specific_information(),
            s.field_replaceable_unit_code(),
        );
        let _ = s.descriptors().count();
    }
}

proptest! {
    #[test]
    fn commands_from_cdb_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..20)) {
        parse_all_commands(&bytes);
    }

    #[test]
    fn commands_from_cdb_with_right_opcode_never_panic(
        op in proptest::sample::select(ALL.iter().map(|c| c.opcode).collect::<Vec<u8>>()),
        mut bytes in proptest::collection::vec(any::<u8>(), 6..=10),
    ) {
        bytes[0] = op;
        parse_all_commands(&bytes);
    }

    #[test]
    fn sense_data_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        read_sense(&bytes);
    }

    #[test]
    fn sense_data_with_valid_code_never_panics(
        code in proptest::sample::select(vec![0x70u8, 0x71, 0x72, 0x73, 0xF0, 0xF1]),
        mut bytes in proptest::collection::vec(any::<u8>(), 1..64),
    ) {
        bytes[0] = code;
        read_sense(&bytes);
    }
}
