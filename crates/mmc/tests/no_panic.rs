//! Property tests: parsers never panic on arbitrary bytes (drive, file and host input are
//! untrusted). Every `from_cdb`, `new_checked` and iterator is driven with random data, and
//! every getter is called after a successful `new_checked`.

use discmaster_mmc::commands::*;
use discmaster_mmc::features::*;
use discmaster_mmc::pages::*;
use discmaster_mmc::responses::*;
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

fn read_configuration(bytes: &[u8]) {
    if let Ok(c) = Configuration::new_checked(bytes) {
        let _ = (c.data_length(), c.current_profile());
        for d in c.descriptors() {
            let _ = (
                d.feature_code(),
                d.version(),
                d.persistent(),
                d.current(),
                d.payload().len(),
            );
            let _ = ProfileList::parse(&d);
            let _ = Core::parse(&d);
            let _ = RemovableMedium::parse(&d);
            let _ = RandomReadable::parse(&d);
            let _ = IncrementalStreamingWritable::parse(&d);
            let _ = CdTrackAtOnce::parse(&d);
            let _ = DvdPlusR::parse(&d);
            let _ = DvdMinusRRwWrite::parse(&d);
            let _ = BdWrite::parse(&d);
            let _ = DriveSerialNumber::parse(&d);
        }
    }
    if let Ok(d) = FeatureDescriptor::new_checked(bytes) {
        let _ = (
            d.payload(),
            IncrementalStreamingWritable::parse(&d),
            BdWrite::parse(&d),
        );
    }
}

/// Every getter of the fixed-length pages 01h, 08h, 1Ah and 1Dh.
fn read_drive_pages(bytes: &[u8]) {
    if let Ok(p) = ErrorRecoveryPage::new_checked(bytes) {
        let _ = (p.ps(), p.page_length(), p.awre(), p.arre(), p.tb(), p.rc());
        let _ = (p.eer(), p.per(), p.dte(), p.dcr(), p.read_retry_count());
        let _ = (
            p.emcdr(),
            p.write_retry_count(),
            p.error_reporting_window_blocks(),
        );
    }
    if let Ok(p) = CachingPage::new_checked(bytes) {
        let _ = (p.ps(), p.page_length(), p.ic(), p.abpf(), p.cap());
        let _ = (p.disc(), p.size(), p.wce(), p.mf(), p.rcd());
    }
    if let Ok(p) = PowerConditionPage::new_checked(bytes) {
        let _ = (p.ps(), p.page_length(), p.idle(), p.standby());
        let _ = (
            p.idle_condition_timer_100ms(),
            p.standby_condition_timer_100ms(),
        );
    }
    if let Ok(p) = TimeoutProtectPage::new_checked(bytes) {
        let _ = (p.ps(), p.page_length(), p.g3_enable(), p.tmoe(), p.disp());
        let _ = (p.swpp(), p.group1_minimum_timeout_s());
        let _ = (p.group2_minimum_timeout_s(), p.group3_timeout_s());
    }
}

fn read_pages(bytes: &[u8]) {
    for pages in [ModePages::new(bytes), ModePages::for_select(bytes)]
        .into_iter()
        .flatten()
    {
        for p in pages {
            let _ = (
                p.ps(),
                p.spf(),
                p.page_code(),
                p.subpage_code(),
                p.page_length(),
                p.body().len(),
            );
            if let Ok(w) = WriteParametersPage::new_checked(p.as_bytes()) {
                let _ = (
                    w.write_type(),
                    w.multi_session(),
                    w.data_block_type(),
                    w.session_format(),
                );
                let _ = (
                    w.packet_size(),
                    w.audio_pause_length(),
                    w.media_catalog_number(),
                    w.isrc(),
                    w.subheader(),
                );
            }
            read_drive_pages(p.as_bytes());
            if let Ok(c) = CapabilitiesPage::new_checked(p.as_bytes()) {
                let _ = (
                    c.buffer_size_kib(),
                    c.current_write_speed_selected(),
                    c.rotation_control_selected(),
                );
                let _ = (
                    c.copy_management_revision(),
                    c.write_speed_descriptors().count(),
                );
            }
        }
    }
    if let Ok(c) = CapabilitiesPage::new_checked(bytes) {
        let _ = (
            c.number_of_write_speed_descriptors(),
            c.write_speed_descriptors().count(),
        );
        let _ = (
            c.current_read_speed_kbps(),
            c.max_write_speed_kbps(),
            c.current_write_speed_kbps(),
        );
    }
    if let Ok(w) = WriteParametersPage::new_checked(bytes) {
        let _ = (w.link_size(), w.host_application_code(), w.track_mode());
    }
    read_drive_pages(bytes);
    if let Ok(p) = ModePage::new_checked(bytes) {
        let _ = p.body();
    }
}

fn read_responses(bytes: &[u8]) {
    if let Ok(t) = Toc::new_checked(bytes) {
        let _ = (t.data_length(), t.first(), t.last());
        for d in t.descriptors() {
            let _ = (d.lba(), d.msf());
        }
    }
    if let Ok(i) = InquiryData::new_checked(bytes) {
        let _ = (
            i.vendor_identification_str(),
            i.product_identification_str(),
            i.product_revision_level_str(),
        );
        let _ = (0..9).filter_map(|n| i.version_descriptor(n)).count();
    }
    if let Ok(r) = ReadCapacityData::new_checked(bytes) {
        let _ = (r.last_logical_block_address(), r.block_length());
    }
    if let Ok(d) = DiscInformation::new_checked(bytes) {
        let _ = (
            d.disc_status(),
            d.state_of_last_session(),
            d.number_of_sessions(),
        );
        let _ = (
            d.last_session_lead_in_start_msf(),
            d.last_possible_lead_out_start_msf(),
        );
        let _ = (d.disc_bar_code(), d.opc_table_entries().count());
    }
    if let Ok(t) = TrackInformation::new_checked(bytes) {
        let _ = (
            t.track_number(),
            t.session_number(),
            t.next_writable_address(),
            t.free_blocks(),
        );
        let _ = (t.last_recorded_address(), t.read_compatibility_lba());
        let _ = (t.next_layer_jump_address(), t.last_layer_jump_address());
    }
}

proptest! {
    #[test]
    fn configuration_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
        read_configuration(&bytes);
    }

    #[test]
    fn configuration_with_plausible_lengths_never_panics(
        mut bytes in proptest::collection::vec(any::<u8>(), 8..160),
        data_length in 0u32..200,
        add_len in 0u8..40,
        code in proptest::sample::select(vec![0u16, 1, 3, 0x10, 0x21, 0x2B, 0x2D, 0x2F, 0x41, 0x108]),
    ) {
        bytes[..4].copy_from_slice(&data_length.to_be_bytes());
        if bytes.len() >= 12 {
            bytes[8..10].copy_from_slice(&code.to_be_bytes());
            bytes[11] = add_len;
        }
        read_configuration(&bytes);
    }

    #[test]
    fn mode_pages_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        read_pages(&bytes);
    }

    #[test]
    fn mode_pages_with_small_header_never_panic(
        mut bytes in proptest::collection::vec(any::<u8>(), 8..128),
        bdl in 0u16..16,
        page_code in proptest::sample::select(vec![0x01u8, 0x05, 0x08, 0x1A, 0x1D, 0x2A, 0x45, 0x6A]),
    ) {
        bytes[6..8].copy_from_slice(&bdl.to_be_bytes());
        let at = 8 + usize::from(bdl);
        if let Some(b) = bytes.get_mut(at) {
            *b = page_code;
        }
        read_pages(&bytes);
    }

    #[test]
    fn drive_pages_with_valid_header_never_panic(
        mut bytes in proptest::collection::vec(any::<u8>(), 2..16),
        page_code in proptest::sample::select(vec![0x01u8, 0x08, 0x1A, 0x1D, 0x81, 0xDD]),
    ) {
        bytes[0] = page_code;
        bytes[1] = 0x0A;
        read_drive_pages(&bytes);
    }

    #[test]
    fn responses_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        read_responses(&bytes);
    }

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
