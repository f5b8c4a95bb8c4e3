//! Fuzz target `mmc_parsers`: every byte parser of `discmaster-mmc` on arbitrary bytes.
//!
//! Input: byte 0 picks the parser (see [`PARSERS`]), the rest is what it parses. Each parser
//! calls every getter after a successful `new_checked` (the crate's panic contract: after
//! `new_checked` no getter panics) and checks that what it parsed survives a build → parse
//! round trip (CDBs, sense data, feature descriptors, MSF addresses).
#![no_main]

use discmaster_core::{Lba, Msf};
use discmaster_mmc::commands::*;
use discmaster_mmc::features::*;
use discmaster_mmc::pages::*;
use discmaster_mmc::responses::*;
use discmaster_mmc::{Cdb, Command, FeatureCode, SenseData, SenseKey, SenseKeySpecific};
use libfuzzer_sys::fuzz_target;

/// The parsers byte 0 selects from (modulo their number).
const PARSERS: &[fn(&[u8])] = &[
    commands,
    command_by_table,
    sense,
    inquiry,
    read_capacity,
    disc_information,
    track_information,
    toc,
    configuration,
    feature_descriptor,
    mode_pages_sense,
    mode_pages_select,
    write_parameters_page,
    capabilities_page,
    mode_header_and_page,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    PARSERS[usize::from(selector) % PARSERS.len()](rest);
});

/// `from_cdb` of command `C`; a parsed command builds a CDB of `C::CDB_LEN` bytes with
/// `C::OPCODE` that parses back to the same command.
fn command<C: Command + std::fmt::Debug + PartialEq>(bytes: &[u8]) {
    match C::from_cdb(bytes) {
        Ok(c) => {
            let _ = format!("{c:?}");
            let _ = c.transfer_len();
            let cdb = c.cdb();
            assert_eq!(cdb.as_bytes().len(), C::CDB_LEN, "{} CDB length", C::NAME);
            assert_eq!(cdb.opcode(), C::OPCODE, "{} opcode", C::NAME);
            let again = C::from_cdb(cdb.as_bytes())
                .unwrap_or_else(|e| panic!("{}: built CDB {cdb:?} does not parse: {e}", C::NAME));
            assert_eq!(again, c, "{} CDB round trip via {cdb:?}", C::NAME);
        }
        Err(e) => {
            let _ = (e.to_string(), e.sense(), e.sense_key_specific());
        }
    }
}

/// Every command type's `from_cdb` on the same bytes.
fn commands(bytes: &[u8]) {
    command::<TestUnitReady>(bytes);
    command::<RequestSense>(bytes);
    command::<Inquiry>(bytes);
    command::<StartStopUnit>(bytes);
    command::<PreventAllowMediumRemoval>(bytes);
    command::<ReadCapacity>(bytes);
    command::<Read10>(bytes);
    command::<Write10>(bytes);
    command::<SynchronizeCache>(bytes);
    command::<ReadTocPmaAtip>(bytes);
    command::<GetConfiguration>(bytes);
    command::<ReadDiscInformation>(bytes);
    command::<ReadTrackInformation>(bytes);
    command::<ReserveTrack>(bytes);
    command::<SendOpcInformation>(bytes);
    command::<ModeSelect10>(bytes);
    command::<ModeSense10>(bytes);
    command::<CloseTrackSession>(bytes);
    if let Ok(cdb) = Cdb::from_bytes(bytes) {
        let _ = format!("{cdb:?}");
        assert_eq!(cdb.as_bytes(), bytes);
    }
    if let Some(&op) = bytes.first() {
        let _ = (Cdb::length_for_opcode(op), command_name(op));
    }
}

/// Byte 0 picks a row of [`ALL`]; the rest (cut to that command's length) follows its opcode,
/// so the fuzzer reaches every command's field checks without guessing opcodes.
fn command_by_table(bytes: &[u8]) {
    let Some((&row, rest)) = bytes.split_first() else {
        return;
    };
    let info = &ALL[usize::from(row) % ALL.len()];
    assert_eq!(command_info(info.opcode), Some(info));
    let mut cdb = vec![info.opcode];
    cdb.extend_from_slice(&rest[..rest.len().min(info.cdb_len - 1)]);
    commands(&cdb);
}

/// `SenseData::new_checked` and every getter; the parsed key/ASC/ASCQ, INFORMATION and
/// sense-key specific field survive both `emit_fixed` and `emit_descriptor`.
fn sense(bytes: &[u8]) {
    if let [b0, b1, b2, b3, ..] = *bytes {
        let key = SenseKey::from(b3 & 0x0F);
        if let Some(sks) = SenseKeySpecific::from_bytes(key, [b0, b1, b2]) {
            assert_eq!(SenseKeySpecific::from_bytes(key, sks.to_bytes()), Some(sks));
        }
    }
    let Ok(s) = SenseData::new_checked(bytes) else {
        return;
    };
    let sense = s.sense();
    let _ = (sense.to_string(), sense.description(), sense.packed());
    let _ = (
        s.response_code(),
        s.is_descriptor_format(),
        s.is_deferred(),
        s.additional_sense_length(),
        s.check_len(),
    );
    let information = s.information();
    let sks = s.sense_key_specific();
    let _ = (
        s.command_specific_information(),
        s.field_replaceable_unit_code(),
        s.progress(),
    );
    for d in s.descriptors() {
        assert!(d.len() >= 2 && d.len() == 2 + usize::from(d[1]));
    }
    let fixed = SenseData::<&[u8]>::emit_fixed(sense, information, sks);
    let descriptor = SenseData::<&[u8]>::emit_descriptor(sense, information, sks);
    for built in [&fixed[..], &descriptor[..]] {
        let again = SenseData::new_checked(built).expect("built sense parses");
        assert_eq!(again.sense(), sense, "sense round trip via {built:02x?}");
        assert_eq!(again.information(), information, "INFORMATION round trip");
        assert_eq!(again.sense_key_specific(), sks, "SKS round trip");
    }
}

/// An MSF that parsed maps to an LBA and back to itself.
fn check_msf(msf: Option<Msf>) {
    if let Some(m) = msf {
        let _ = m.to_string();
        assert_eq!(Msf::from_lba(m.to_lba()), Some(m), "MSF {m} round trip");
    }
}

/// An LBA that has an MSF maps back to itself.
fn check_lba(lba: Lba) {
    let _ = lba.to_string();
    if let Some(m) = Msf::from_lba(lba) {
        assert_eq!(m.to_lba(), lba, "LBA {lba} round trip via {m}");
    }
}

fn inquiry(bytes: &[u8]) {
    let Ok(i) = InquiryData::new_checked(bytes) else {
        return;
    };
    let _ = (
        i.peripheral_qualifier(),
        i.peripheral_device_type(),
        i.removable(),
        i.version(),
        i.norm_aca(),
        i.hi_sup(),
        i.response_data_format(),
        i.additional_length(),
    );
    let _ = (
        i.vendor_identification(),
        i.product_identification(),
        i.product_revision_level(),
    );
    let _ = (
        i.vendor_identification_str(),
        i.product_identification_str(),
        i.product_revision_level_str(),
    );
    for n in 0..10 {
        let _ = i.version_descriptor(n);
    }
    let _ = i.version_descriptor(usize::MAX);
}

fn read_capacity(bytes: &[u8]) {
    let Ok(r) = ReadCapacityData::new_checked(bytes) else {
        return;
    };
    check_lba(r.last_logical_block_address());
    let _ = r.block_length();
}

fn disc_information(bytes: &[u8]) {
    let Ok(d) = DiscInformation::new_checked(bytes) else {
        return;
    };
    let _ = (
        d.disc_information_length(),
        d.disc_information_data_type(),
        d.erasable(),
        d.state_of_last_session(),
        d.disc_status(),
        d.number_of_first_track(),
        d.number_of_sessions(),
        d.first_track_number_in_last_session(),
        d.last_track_number_in_last_session(),
    );
    let _ = (
        d.did_v(),
        d.dbc_v(),
        d.uru(),
        d.dac_v(),
        d.dbit(),
        d.bg_format_status(),
        d.disc_type(),
        d.disc_identification(),
    );
    let _ = (
        d.last_session_lead_in_start_address(),
        d.last_possible_lead_out_start_address(),
        d.disc_bar_code(),
        d.disc_application_code(),
    );
    check_msf(d.last_session_lead_in_start_msf());
    check_msf(d.last_possible_lead_out_start_msf());
    let n = d.number_of_opc_tables();
    assert!(d.opc_table_entries().count() <= usize::from(n));
}

fn track_information(bytes: &[u8]) {
    let Ok(t) = TrackInformation::new_checked(bytes) else {
        return;
    };
    let _ = (
        t.data_length(),
        t.track_number(),
        t.session_number(),
        t.lj_rs(),
        t.damage(),
        t.copy(),
        t.track_mode(),
        t.rt(),
        t.blank(),
        t.packet_inc(),
        t.fp(),
        t.data_mode(),
    );
    let _ = (
        t.lra_v(),
        t.nwa_v(),
        t.free_blocks(),
        t.fixed_packet_size(),
        t.track_size(),
    );
    check_lba(t.track_start_address());
    check_lba(t.next_writable_address());
    for lba in [
        t.last_recorded_address(),
        t.read_compatibility_lba(),
        t.next_layer_jump_address(),
        t.last_layer_jump_address(),
    ]
    .into_iter()
    .flatten()
    {
        check_lba(lba);
    }
}

fn toc(bytes: &[u8]) {
    for chunk in bytes.chunks_exact(TocDescriptor::LEN) {
        let raw: &[u8; 8] = chunk.try_into().expect("chunks_exact gives 8 bytes");
        let d = TocDescriptor::parse(raw);
        assert_eq!(
            TocDescriptor::parse(&d.to_bytes()),
            d,
            "TOC descriptor round trip"
        );
    }
    let Ok(t) = Toc::new_checked(bytes) else {
        return;
    };
    let _ = (t.data_length(), t.first(), t.last());
    let max = bytes.len().saturating_sub(Toc::<&[u8]>::HEADER_LEN) / TocDescriptor::LEN;
    let mut n = 0;
    for d in t.descriptors() {
        n += 1;
        check_lba(d.lba());
        check_msf(d.msf());
    }
    assert!(n <= max);
}

/// Every typed feature's `parse` on `d`; what parses emits a descriptor that parses back
/// to the same value when `d` is well formed (additional length a multiple of 4, MMC-6
/// §5.2.2; the builders keep at most 252 payload bytes, so longer odd payloads may lose their
/// tail).
fn typed_features(d: &FeatureDescriptor<&[u8]>) {
    let well_formed = d.additional_length().is_multiple_of(4);
    macro_rules! round_trip {
        ($($t:ty),*) => {$(
            if let Ok(f) = <$t>::parse(d) {
                let built = f.emit(d.current());
                let view = FeatureDescriptor::new_checked(&built[..])
                    .unwrap_or_else(|e| panic!("{}: built descriptor invalid: {e}", stringify!($t)));
                assert_eq!(view.feature_code(), <$t>::CODE);
                assert_eq!(view.current(), d.current());
                assert_eq!(usize::from(view.additional_length()) % 4, 0);
                let again = <$t>::parse(&view)
                    .unwrap_or_else(|e| panic!("{}: built descriptor does not parse: {e}", stringify!($t)));
                if well_formed {
                    assert_eq!(again, f, "{} round trip via {built:02x?}", stringify!($t));
                }
            }
        )*};
    }
    round_trip!(
        ProfileList,
        Core,
        RemovableMedium,
        RandomReadable,
        IncrementalStreamingWritable,
        CdTrackAtOnce,
        DvdPlusR,
        DvdMinusRRwWrite,
        BdWrite
    );
    if let Ok(p) = ProfileList::parse(d) {
        let _ = p.current_profile();
    }
    if let Ok(s) = DriveSerialNumber::parse(d) {
        // Lossy UTF-8 can make the text longer than the 252 bytes a descriptor holds.
        if well_formed && s.serial.len() <= 252 {
            let built = s.emit(d.current());
            let view = FeatureDescriptor::new_checked(&built[..]).expect("built serial");
            assert_eq!(DriveSerialNumber::parse(&view).as_ref(), Ok(&s));
        }
    }
}

fn feature_fields(d: &FeatureDescriptor<&[u8]>) {
    let _ = (
        d.feature_code(),
        d.version(),
        d.persistent(),
        d.current(),
        d.additional_length(),
    );
    assert_eq!(d.as_bytes().len(), 4 + usize::from(d.additional_length()));
    assert_eq!(d.payload().len(), usize::from(d.additional_length()));
}

fn configuration(bytes: &[u8]) {
    let Ok(c) = Configuration::new_checked(bytes) else {
        return;
    };
    let _ = (c.data_length(), c.current_profile());
    let mut total = 0;
    for d in c.descriptors() {
        feature_fields(&d);
        typed_features(&d);
        total += d.as_bytes().len();
        let _ = c
            .find(d.feature_code())
            .expect("find sees every descriptor");
    }
    assert!(8 + total <= bytes.len());
    let _ = c.find(FeatureCode::DRIVE_SERIAL_NUMBER);
}

fn feature_descriptor(bytes: &[u8]) {
    let Ok(d) = FeatureDescriptor::new_checked(bytes) else {
        return;
    };
    feature_fields(&d);
    typed_features(&d);
}

fn page_fields(p: &ModePage<&[u8]>) {
    let _ = (p.ps(), p.spf(), p.page_code(), p.subpage_code());
    assert_eq!(
        p.as_bytes().len(),
        p.header_len() + usize::from(p.page_length())
    );
    assert_eq!(p.body().len(), usize::from(p.page_length()));
    write_parameters_page(p.as_bytes());
    capabilities_page(p.as_bytes());
}

fn mode_pages(pages: ModePages<'_>, limit: usize) {
    let mut total = 0;
    for p in pages {
        page_fields(&p);
        total += p.as_bytes().len();
    }
    assert!(total <= limit);
}

fn mode_pages_sense(bytes: &[u8]) {
    if let Ok(pages) = ModePages::new(bytes) {
        mode_pages(pages, bytes.len().saturating_sub(8));
    }
}

fn mode_pages_select(bytes: &[u8]) {
    if let Ok(pages) = ModePages::for_select(bytes) {
        mode_pages(pages, bytes.len().saturating_sub(8));
    }
}

fn write_parameters_page(bytes: &[u8]) {
    let Ok(w) = WriteParametersPage::new_checked(bytes) else {
        return;
    };
    let _ = (
        w.ps(),
        w.page_length(),
        w.bufe(),
        w.ls_v(),
        w.test_write(),
        w.write_type(),
        w.multi_session(),
        w.fp(),
        w.copy(),
        w.track_mode(),
        w.data_block_type(),
    );
    let _ = (
        w.link_size(),
        w.host_application_code(),
        w.session_format(),
        w.packet_size(),
        w.audio_pause_length(),
        w.mcval(),
        w.media_catalog_number(),
        w.tcval(),
        w.isrc(),
        w.subheader(),
    );
}

fn capabilities_page(bytes: &[u8]) {
    let Ok(c) = CapabilitiesPage::new_checked(bytes) else {
        return;
    };
    let _ = (
        c.ps(),
        c.page_length(),
        c.dvd_ram_read(),
        c.dvd_r_read(),
        c.dvd_rom_read(),
        c.method2(),
        c.cd_rw_read(),
        c.cd_r_read(),
        c.dvd_ram_write(),
        c.dvd_r_write(),
        c.test_write(),
        c.cd_rw_write(),
    );
    let _ = (
        c.cd_r_write(),
        c.buf(),
        c.multi_session(),
        c.mode2_form2(),
        c.mode2_form1(),
        c.digital_port_2(),
        c.digital_port_1(),
        c.composite(),
        c.audio_play(),
        c.read_bar_code(),
        c.upc(),
        c.isrc(),
    );
    let _ = (
        c.c2_pointers(),
        c.rw_deinterleaved_corrected(),
        c.rw_supported(),
        c.cdda_stream_accurate(),
        c.cdda_commands(),
        c.loading_mechanism_type(),
        c.eject(),
        c.prevent_jumper(),
        c.lock_state(),
        c.lock(),
        c.rw_in_lead_in(),
        c.side_change(),
    );
    let _ = (
        c.sw_slot_selection(),
        c.changer_disc_present(),
        c.separate_channel_mute(),
        c.separate_volume_levels(),
        c.max_read_speed_kbps(),
        c.number_of_volume_levels(),
        c.buffer_size_kib(),
        c.current_read_speed_kbps(),
        c.max_write_speed_kbps(),
        c.current_write_speed_kbps(),
        c.copy_management_revision(),
        c.rotation_control_selected(),
    );
    let _ = c.current_write_speed_selected();
    let announced = c.number_of_write_speed_descriptors().unwrap_or(0);
    let n = c.write_speed_descriptors().count();
    assert!(n <= usize::from(announced));
}

fn mode_header_and_page(bytes: &[u8]) {
    if let Ok(h) = ModeParameterHeader10::new_checked(bytes) {
        let _ = (
            h.mode_data_length(),
            h.medium_type(),
            h.device_specific_parameter(),
            h.longlba(),
            h.block_descriptor_length(),
        );
    }
    if let Ok(p) = ModePage::new_checked(bytes) {
        page_fields(&p);
    }
}
