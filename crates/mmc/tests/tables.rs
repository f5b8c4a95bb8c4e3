//! Consistency of the command table (STYLE rule 2, example 7): every command's opcode is byte 0
//! of its CDB, its CDB length matches the group code, `commands::ALL` is sorted with unique
//! opcodes and lists every command type, and `from_cdb` rejects a wrong opcode or length.

use discmaster_core::Lba;
use discmaster_mmc::commands::*;
use discmaster_mmc::{
    Cdb, CdbError, CloseFunction, Command, ConfigurationRequestType, FeatureCode, PageControl,
    TocFormat, TrackAddressType,
};

/// Checks one command type with a sample value; returns its table row.
fn check<C: Command + std::fmt::Debug + PartialEq>(sample: C) -> CommandInfo {
    let cdb = sample.cdb();
    assert_eq!(
        C::OPCODE,
        cdb.as_bytes()[0],
        "{}: OPCODE vs cdb()[0]",
        C::NAME
    );
    assert_eq!(
        cdb.as_bytes().len(),
        C::CDB_LEN,
        "{}: cdb() length",
        C::NAME
    );
    assert_eq!(
        Cdb::length_for_opcode(C::OPCODE),
        Some(C::CDB_LEN),
        "{}: group code length",
        C::NAME
    );
    assert_eq!(
        C::from_cdb(cdb.as_bytes()).as_ref(),
        Ok(&sample),
        "{}: parse of own CDB",
        C::NAME
    );

    let mut wrong_opcode = cdb.as_bytes().to_vec();
    wrong_opcode[0] = C::OPCODE.wrapping_add(1);
    assert_eq!(
        C::from_cdb(&wrong_opcode),
        Err(CdbError::Opcode {
            expected: C::OPCODE,
            found: C::OPCODE.wrapping_add(1)
        }),
        "{}: wrong opcode",
        C::NAME
    );
    let mut longer = cdb.as_bytes().to_vec();
    longer.push(0);
    assert_eq!(
        C::from_cdb(&longer),
        Err(CdbError::Length {
            opcode: C::OPCODE,
            len: C::CDB_LEN + 1
        }),
        "{}: longer CDB",
        C::NAME
    );
    let shorter = &cdb.as_bytes()[..C::CDB_LEN - 1];
    assert_eq!(
        C::from_cdb(shorter),
        Err(CdbError::Length {
            opcode: C::OPCODE,
            len: C::CDB_LEN - 1
        }),
        "{}: shorter CDB",
        C::NAME
    );
    let row = CommandInfo::of::<C>();
    assert_eq!(
        command_info(C::OPCODE),
        Some(&row),
        "{}: missing from ALL",
        C::NAME
    );
    row
}

#[test]
fn commands_all_rows_match_their_types() {
    let rows = vec![
        check(TestUnitReady),
        check(RequestSense {
            desc: false,
            allocation_length: 18,
        }),
        check(Inquiry {
            evpd: false,
            page_code: 0,
            allocation_length: 36,
        }),
        check(StartStopUnit {
            immed: true,
            power_condition: 0,
            loej: true,
            start: true,
        }),
        check(PreventAllowMediumRemoval { prevent: 1 }),
        check(ReadCapacity),
        check(Read10 {
            dpo: false,
            fua: false,
            lba: Lba(16),
            transfer_length: 1,
        }),
        check(Write10 {
            fua: false,
            lba: Lba(-150),
            transfer_length: 16,
        }),
        check(SynchronizeCache {
            immed: true,
            lba: Lba(0),
            blocks: 0,
        }),
        check(ReadTocPmaAtip {
            msf: false,
            format: TocFormat::Formatted,
            track_session: 1,
            allocation_length: 4,
        }),
        check(GetConfiguration {
            rt: ConfigurationRequestType::All,
            starting_feature: FeatureCode::PROFILE_LIST,
            allocation_length: 8,
        }),
        check(ReadDiscInformation {
            data_type: 0,
            allocation_length: 34,
        }),
        check(ReadTrackInformation {
            open: false,
            address_type: TrackAddressType::TrackNumber,
            address: 0xFF,
            allocation_length: 48,
        }),
        check(ReserveTrack {
            rmz: false,
            reservation: Reservation::Size(1000),
        }),
        check(SendOpcInformation {
            do_opc: true,
            parameter_list_length: 0,
        }),
        check(ModeSelect10 {
            pf: true,
            sp: false,
            parameter_list_length: 60,
        }),
        check(ModeSense10 {
            llbaa: false,
            dbd: true,
            page_control: PageControl::Current,
            page_code: 0x2A,
            subpage_code: 0,
            allocation_length: 30,
        }),
        check(CloseTrackSession {
            immed: true,
            function: CloseFunction::CloseSession,
            number: 0,
        }),
        check(ReadFormatCapacities {
            allocation_length: 12,
        }),
        check(GetEventStatusNotification {
            polled: true,
            notification_class_request: 0x10,
            allocation_length: 8,
        }),
        check(ReadBufferCapacity {
            block: false,
            allocation_length: 12,
        }),
        check(ReportLuns {
            select_report: 0,
            allocation_length: 16,
        }),
        check(GetPerformance {
            data_type: 0x10,
            starting_lba: 0,
            max_descriptors: 1,
            performance_type: 0,
        }),
        check(ReadDiscStructure {
            media_type: 0,
            address: 0,
            layer: 0,
            format: 0,
            allocation_length: 2052,
            agid: 0,
        }),
        check(SetStreaming {
            streaming_type: 0,
            parameter_list_length: 28,
        }),
        check(SetCdSpeed {
            rotation_control: 0,
            read_speed_kbps: 0xFFFF,
            write_speed_kbps: 0xFFFF,
        }),
        check(MechanismStatus {
            allocation_length: 8,
        }),
        check(FormatUnit {
            fmt_data: true,
            cmp_list: false,
        }),
        check(Blank {
            immed: true,
            blanking_type: discmaster_mmc::format_commands::BlankingType::Full,
            start_address: 0,
        }),
        check(discmaster_mmc::sao_commands::SendCueSheet { cue_sheet_size: 32 }),
        check(ReadCd {
            expected_sector_type: discmaster_mmc::cd_commands::ExpectedSectorType::Any,
            dap: false,
            lba: Lba(-150),
            transfer_length: 1,
            main_channel: discmaster_mmc::cd_commands::MainChannelSelection::FULL,
            subchannel: discmaster_mmc::cd_commands::SubchannelSelection::RawPw,
        }),
    ];
    assert_eq!(
        rows.len(),
        ALL.len(),
        "every command type is checked and listed once"
    );
    for row in ALL {
        assert_eq!(
            Cdb::length_for_opcode(row.opcode),
            Some(row.cdb_len),
            "{}",
            row.name
        );
        assert_eq!(command_name(row.opcode), Some(row.name));
    }
}

#[test]
fn commands_all_is_sorted_with_unique_opcodes() {
    for pair in ALL.windows(2) {
        assert!(
            pair[0].opcode < pair[1].opcode,
            "{} ({:02X}h) before {} ({:02X}h)",
            pair[0].name,
            pair[0].opcode,
            pair[1].name,
            pair[1].opcode
        );
    }
    let mut names: Vec<&str> = ALL.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ALL.len(), "names are unique");
}
