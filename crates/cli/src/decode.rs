//! Decoders for bytes captured elsewhere (`discmaster decode …`) and for what the drive
//! commands print. Everything goes through the `mmc` parsers the library uses; this module
//! only turns their typed views into JSON values. Text output renders the same values.

use discmaster_mmc::decode_views::{Atip, FormatCapacities};
use discmaster_mmc::features::{
    BdWrite, CdTrackAtOnce, Configuration, Core, DriveSerialNumber, DvdMinusRRwWrite, DvdPlusR,
    FeatureDescriptor, IncrementalStreamingWritable, ProfileList, RandomReadable, RemovableMedium,
};
use discmaster_mmc::pages::{
    CachingPage, CapabilitiesPage, ErrorRecoveryPage, ModePage, ModePages, PowerConditionPage,
    TimeoutProtectPage, WriteParametersPage,
};
use discmaster_mmc::responses::{DiscInformation, InquiryData, Toc, TrackInformation};
use discmaster_mmc::{FeatureCode, ParseError, SenseData, SenseKeySpecific};
use serde_json::{json, Map, Value};

/// Parses hex bytes given as separate tokens or one run: `12 00 00 00 60 00`, `120000006000`,
/// `0x12,0x00`. Returns a message naming the bad token.
pub fn parse_hex(tokens: &[String]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for t in tokens {
        for part in t.split([',', ' ', ':']).filter(|p| !p.is_empty()) {
            let p = part.trim_start_matches("0x").trim_start_matches("0X");
            if p.len() % 2 == 1 && p.len() > 2 {
                return Err(format!("{part:?} has an odd number of hex digits"));
            }
            if p.len() <= 2 {
                out.push(
                    u8::from_str_radix(p, 16).map_err(|_| format!("{part:?} is not a hex byte"))?,
                );
            } else {
                for i in (0..p.len()).step_by(2) {
                    out.push(
                        u8::from_str_radix(&p[i..i + 2], 16)
                            .map_err(|_| format!("{part:?} is not hex"))?,
                    );
                }
            }
        }
    }
    Ok(out)
}

/// Lower-case hex with spaces.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn err(e: ParseError) -> String {
    e.to_string()
}

/// Fixed or descriptor-format sense data.
pub fn sense(bytes: &[u8]) -> Result<Value, String> {
    let s = SenseData::new_checked(bytes).map_err(err)?;
    let sense = s.sense();
    let sks = s.sense_key_specific().map(|k| match k {
        SenseKeySpecific::Progress(p) => json!({"progress": p, "percent": f64::from(p) * 100.0 / 65536.0}),
        SenseKeySpecific::FieldPointer { in_cdb, bit, byte } => {
            json!({"field_pointer": {"in": if in_cdb { "CDB" } else { "parameter list" }, "byte": byte, "bit": bit}})
        }
        SenseKeySpecific::Raw(r) => json!({"raw": hex(&r)}),
    });
    Ok(json!({
        "response_code": format!("{:02X}h", s.response_code()),
        "format": if s.is_descriptor_format() { "descriptor" } else { "fixed" },
        "deferred": s.is_deferred(),
        "sense_key": format!("{:X}h {}", u8::from(sense.key), sense.key.name()),
        "asc": format!("{:02X}h", sense.asc),
        "ascq": format!("{:02X}h", sense.ascq),
        "description": sense.description(),
        "sense": sense.to_string(),
        "information": s.information(),
        "sense_key_specific": sks,
    }))
}

/// Standard INQUIRY data.
pub fn inquiry(bytes: &[u8]) -> Result<Value, String> {
    let i = InquiryData::new_checked(bytes).map_err(err)?;
    Ok(json!({
        "peripheral_qualifier": i.peripheral_qualifier(),
        "peripheral_device_type": format!("{:02X}h{}", i.peripheral_device_type(), if i.peripheral_device_type() == 5 { " (CD/DVD)" } else { "" }),
        "removable": i.removable(),
        "version": i.version(),
        "response_data_format": i.response_data_format(),
        "additional_length": i.additional_length(),
        "vendor": i.vendor_identification_str(),
        "product": i.product_identification_str(),
        "revision": i.product_revision_level_str(),
    }))
}

fn page_name(code: u8) -> &'static str {
    match code {
        0x01 => "Read/Write Error Recovery",
        0x05 => "Write Parameters",
        0x08 => "Caching",
        0x0D => "CD Device Parameters",
        0x0E => "CD Audio Control",
        0x1A => "Power Condition",
        0x1C => "Informational Exceptions Control",
        0x1D => "Timeout and Protect",
        0x2A => "CD/DVD Capabilities and Mechanical Status",
        _ => "unknown",
    }
}

/// One mode page (its 2-byte header and body).
pub fn mode_page_value(p: &ModePage<&[u8]>) -> Value {
    let bytes = p.as_bytes();
    let mut v = json!({
        "page_code": format!("{:02X}h", p.page_code()),
        "name": page_name(p.page_code()),
        "ps": p.ps(),
        "page_length": p.page_length(),
        "bytes": hex(bytes),
    });
    if p.page_code() == 0x05 {
        if let Ok(w) = WriteParametersPage::new_checked(bytes) {
            v["fields"] = json!({
                "bufe": w.bufe(), "ls_v": w.ls_v(), "test_write": w.test_write(),
                "write_type": format!("{:?}", w.write_type()),
                "multi_session": format!("{:?}", w.multi_session()),
                "fp": w.fp(), "copy": w.copy(), "track_mode": w.track_mode(),
                "data_block_type": format!("{:?}", w.data_block_type()),
                "link_size": w.link_size(), "host_application_code": w.host_application_code(),
                "session_format": format!("{:?}", w.session_format()),
                "packet_size": w.packet_size(), "audio_pause_length": w.audio_pause_length(),
            });
        }
    } else if p.page_code() == 0x2A {
        if let Ok(c) = CapabilitiesPage::new_checked(bytes) {
            let speeds: Vec<Value> = c
                .write_speed_descriptors()
                .map(|d| json!({"rotation_control": d.rotation_control, "write_speed_kbps": d.write_speed_kbps}))
                .collect();
            v["fields"] = json!({
                "cd_r_read": c.cd_r_read(), "cd_rw_read": c.cd_rw_read(), "dvd_rom_read": c.dvd_rom_read(),
                "dvd_r_read": c.dvd_r_read(), "dvd_ram_read": c.dvd_ram_read(),
                "cd_r_write": c.cd_r_write(), "cd_rw_write": c.cd_rw_write(), "test_write": c.test_write(),
                "dvd_r_write": c.dvd_r_write(), "dvd_ram_write": c.dvd_ram_write(),
                "buf": c.buf(), "multi_session": c.multi_session(),
                "loading_mechanism_type": c.loading_mechanism_type(),
                "buffer_size_kib": c.buffer_size_kib(),
                "max_read_speed_kbps": c.max_read_speed_kbps(),
                "current_write_speed_selected_kbps": c.current_write_speed_selected(),
                "write_speed_descriptors": speeds,
            });
        }
    } else if let Some(f) = drive_page_fields(bytes) {
        v["fields"] = f;
    }
    v
}

/// Typed fields of the fixed-length pages 01h, 08h, 1Ah and 1Dh (`None` for other pages or
/// when the page is cut).
fn drive_page_fields(bytes: &[u8]) -> Option<Value> {
    if let Ok(p) = ErrorRecoveryPage::new_checked(bytes) {
        return Some(json!({
            "awre": p.awre(), "arre": p.arre(), "tb": p.tb(), "rc": p.rc(), "eer": p.eer(),
            "per": p.per(), "dte": p.dte(), "dcr": p.dcr(),
            "read_retry_count": p.read_retry_count(), "emcdr": p.emcdr(),
            "write_retry_count": p.write_retry_count(),
            "error_reporting_window_blocks": p.error_reporting_window_blocks(),
        }));
    }
    if let Ok(p) = CachingPage::new_checked(bytes) {
        return Some(json!({
            "ic": p.ic(), "abpf": p.abpf(), "cap": p.cap(), "disc": p.disc(), "size": p.size(),
            "wce": p.wce(), "mf": p.mf(), "rcd": p.rcd(),
        }));
    }
    if let Ok(p) = PowerConditionPage::new_checked(bytes) {
        return Some(json!({
            "idle": p.idle(), "standby": p.standby(),
            "idle_condition_timer_100ms": p.idle_condition_timer_100ms(),
            "standby_condition_timer_100ms": p.standby_condition_timer_100ms(),
        }));
    }
    if let Ok(p) = TimeoutProtectPage::new_checked(bytes) {
        return Some(json!({
            "g3_enable": p.g3_enable(), "tmoe": p.tmoe(), "disp": p.disp(), "swpp": p.swpp(),
            "group1_minimum_timeout_s": p.group1_minimum_timeout_s(),
            "group2_minimum_timeout_s": p.group2_minimum_timeout_s(),
            "group3_timeout_s": p.group3_timeout_s(),
        }));
    }
    None
}

/// A mode page alone (as `mode-page get` prints it) or a whole MODE SENSE(10) response.
pub fn mode_pages(bytes: &[u8]) -> Result<Value, String> {
    // A page alone: byte 1 = page length covers the rest exactly.
    if bytes.len() >= 2 && usize::from(bytes[1]) + 2 == bytes.len() && bytes[0] & 0x40 == 0 {
        let p = ModePage::new_checked(bytes).map_err(err)?;
        return Ok(mode_page_value(&p));
    }
    let pages = ModePages::new(bytes).map_err(err)?;
    Ok(Value::Array(
        pages.into_iter().map(|p| mode_page_value(&p)).collect(),
    ))
}

fn feature_fields(d: &FeatureDescriptor<&[u8]>) -> Option<Value> {
    let s = match d.feature_code() {
        FeatureCode::PROFILE_LIST => {
            let l = ProfileList::parse(d).ok()?;
            return Some(Value::Array(
                l.profiles
                    .iter()
                    .map(|p| json!({"profile": format!("{:04X}h", u16::from(p.profile)), "name": p.profile.name(), "current": p.current}))
                    .collect(),
            ));
        }
        FeatureCode::CORE => format!("{:?}", Core::parse(d).ok()?),
        FeatureCode::REMOVABLE_MEDIUM => format!("{:?}", RemovableMedium::parse(d).ok()?),
        FeatureCode::RANDOM_READABLE => format!("{:?}", RandomReadable::parse(d).ok()?),
        FeatureCode::INCREMENTAL_STREAMING_WRITABLE => {
            format!("{:?}", IncrementalStreamingWritable::parse(d).ok()?)
        }
        FeatureCode::CD_TRACK_AT_ONCE => format!("{:?}", CdTrackAtOnce::parse(d).ok()?),
        FeatureCode::DVD_PLUS_R => format!("{:?}", DvdPlusR::parse(d).ok()?),
        FeatureCode::DVD_MINUS_R_RW_WRITE => format!("{:?}", DvdMinusRRwWrite::parse(d).ok()?),
        FeatureCode::BD_WRITE => format!("{:?}", BdWrite::parse(d).ok()?),
        FeatureCode::DRIVE_SERIAL_NUMBER => {
            return Some(json!({"serial": DriveSerialNumber::parse(d).ok()?.serial}))
        }
        _ => return None,
    };
    Some(Value::String(s))
}

/// One feature descriptor.
pub fn feature_value(d: &FeatureDescriptor<&[u8]>) -> Value {
    let mut v = json!({
        "code": format!("{:04X}h", d.feature_code().0),
        "name": d.feature_code().name().unwrap_or("unknown"),
        "version": d.version(),
        "persistent": d.persistent(),
        "current": d.current(),
        "additional_length": d.additional_length(),
        "payload": hex(d.payload()),
    });
    if let Some(f) = feature_fields(d) {
        v["fields"] = f;
    }
    v
}

/// A GET CONFIGURATION response.
pub fn features(bytes: &[u8]) -> Result<Value, String> {
    let c = Configuration::new_checked(bytes).map_err(err)?;
    let list: Vec<Value> = c.descriptors().map(|d| feature_value(&d)).collect();
    Ok(json!({
        "data_length": c.data_length(),
        "current_profile": format!("{:04X}h", u16::from(c.current_profile())),
        "current_profile_name": c.current_profile().name(),
        "features": list,
    }))
}

/// READ DISC INFORMATION data.
pub fn disc_info(bytes: &[u8]) -> Result<Value, String> {
    let d = DiscInformation::new_checked(bytes).map_err(err)?;
    Ok(json!({
        "disc_information_length": d.disc_information_length(),
        "erasable": d.erasable(),
        "state_of_last_session": format!("{:?}", d.state_of_last_session()),
        "disc_status": format!("{:?}", d.disc_status()),
        "number_of_first_track": d.number_of_first_track(),
        "number_of_sessions": d.number_of_sessions(),
        "first_track_number_in_last_session": d.first_track_number_in_last_session(),
        "last_track_number_in_last_session": d.last_track_number_in_last_session(),
        "bg_format_status": d.bg_format_status(),
        "disc_type": format!("{:02X}h", d.disc_type()),
        "disc_identification": d.disc_identification(),
        "last_session_lead_in_start_address": format!("{:08X}h", d.last_session_lead_in_start_address()),
        "last_possible_lead_out_start_address": format!("{:08X}h", d.last_possible_lead_out_start_address()),
        "number_of_opc_tables": d.number_of_opc_tables(),
    }))
}

/// READ TRACK INFORMATION data.
pub fn track_info(bytes: &[u8]) -> Result<Value, String> {
    let t = TrackInformation::new_checked(bytes).map_err(err)?;
    Ok(json!({
        "data_length": t.data_length(),
        "track_number": t.track_number(),
        "session_number": t.session_number(),
        "damage": t.damage(), "copy": t.copy(),
        "track_mode": t.track_mode(),
        "rt": t.rt(), "blank": t.blank(), "packet_inc": t.packet_inc(), "fp": t.fp(),
        "data_mode": t.data_mode(),
        "lra_v": t.lra_v(), "nwa_v": t.nwa_v(),
        "track_start_address": t.track_start_address().0,
        "next_writable_address": t.next_writable_address().0,
        "free_blocks": t.free_blocks(),
        "fixed_packet_size": t.fixed_packet_size(),
        "track_size": t.track_size(),
        "last_recorded_address": t.last_recorded_address().map(|l| l.0),
    }))
}

/// READ TOC/PMA/ATIP format 0 or 1 data.
pub fn toc(bytes: &[u8]) -> Result<Value, String> {
    let t = Toc::new_checked(bytes).map_err(err)?;
    let d: Vec<Value> = t
        .descriptors()
        .map(|d| {
            json!({
                "track": if d.track_number == 0xAA { "lead-out".to_string() } else { d.track_number.to_string() },
                "adr": d.adr, "control": d.control,
                "address": d.address, "lba": d.lba().0,
            })
        })
        .collect();
    Ok(
        json!({"data_length": t.data_length(), "first": t.first(), "last": t.last(), "descriptors": d}),
    )
}

/// READ TOC/PMA/ATIP format 4 (ATIP) data.
pub fn atip(bytes: &[u8]) -> Result<Value, String> {
    let a = Atip::new_checked(bytes).map_err(err)?;
    Ok(json!({
        "data_length": a.data_length(),
        "disc_type": if a.rewritable() { "CD-RW" } else { "CD-R" },
        "disc_sub_type": a.disc_sub_type(),
        "indicative_target_writing_power": a.indicative_target_writing_power(),
        "reference_speed": a.reference_speed(),
        "unrestricted_use": a.unrestricted_use(),
        "lead_in_start": a.lead_in_start().map(|m| json!({"msf": m.to_string(), "lba": m.to_lba().0})),
        "last_possible_lead_out_start": a.last_possible_lead_out_start().map(|m| json!({"msf": m.to_string(), "lba": m.to_lba().0})),
        "clv_speed_range": a.clv_speed_range(),
    }))
}

/// READ FORMAT CAPACITIES data.
pub fn format_capacities(bytes: &[u8]) -> Result<Value, String> {
    let f = FormatCapacities::new_checked(bytes).map_err(err)?;
    let d: Vec<Value> = f
        .descriptors()
        .enumerate()
        .map(|(i, d)| {
            if i == 0 {
                let kind = match d.descriptor_type() {
                    1 => "unformatted (maximum formattable)",
                    2 => "formatted (current)",
                    3 => "no medium / unknown",
                    _ => "reserved",
                };
                json!({"kind": "current/maximum", "blocks": d.blocks, "descriptor_type": kind, "block_length": d.parameter})
            } else {
                json!({"kind": "formattable", "blocks": d.blocks, "format_type": format!("{:02X}h", d.format_type()), "parameter": d.parameter})
            }
        })
        .collect();
    Ok(json!({"capacity_list_length": f.capacity_list_length(), "descriptors": d}))
}

/// Renders a JSON value as indented `key: value` lines.
pub fn render(v: &Value, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match v {
        Value::Object(m) => render_map(m, indent, out),
        Value::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                if item.is_object() || item.is_array() {
                    out.push_str(&format!("{pad}- [{i}]\n"));
                    render(item, indent + 1, out);
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

fn render_map(m: &Map<String, Value>, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    for (k, v) in m {
        match v {
            Value::Object(_) | Value::Array(_) => {
                out.push_str(&format!("{pad}{k}:\n"));
                render(v, indent + 1, out);
            }
            _ => out.push_str(&format!("{pad}{k}: {}\n", scalar(v))),
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_hex_accepts_spaced_runs_and_prefixes() {
        let t = |s: &[&str]| parse_hex(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(t(&["12", "00", "0x60"]).unwrap(), vec![0x12, 0, 0x60]);
        assert_eq!(t(&["120000006000"]).unwrap(), vec![0x12, 0, 0, 0, 0x60, 0]);
        assert_eq!(t(&["12,00:ff"]).unwrap(), vec![0x12, 0, 0xff]);
        assert!(t(&["zz"]).is_err());
        assert!(t(&["123"]).is_err());
    }

    #[test]
    fn mode_pages_power_condition_alone_has_typed_fields() {
        let page = [
            0x1A, // B0: page code 1Ah
            0x0A, // B1: page length 10
            0x00, // B2: reserved
            0x02, // B3: Idle 1, Standby 0
            0x00, 0x00, 0x02, 0x58, // B4-7: idle condition timer 600
            0x00, 0x00, 0x00, 0x00, // B8-11: standby condition timer 0
        ];
        let v = mode_pages(&page).unwrap();
        assert_eq!(v["name"], "Power Condition");
        assert_eq!(v["fields"]["idle"], true);
        assert_eq!(v["fields"]["standby"], false);
        assert_eq!(v["fields"]["idle_condition_timer_100ms"], 600);
    }

    #[test]
    fn mode_pages_error_recovery_alone_has_typed_fields() {
        let page = [
            0x01, // B0: page code 01h
            0x0A, // B1: page length 10
            0x25, // B2: TB, PER, DCR
            0x01, // B3: read retry count 1
            0x00, 0x00, 0x00, // B4-6: obsolete
            0x00, // B7: EMCDR 0
            0x03, // B8: write retry count 3
            0x00, 0x00, 0x00, // B9-11: window 0
        ];
        let f = &mode_pages(&page).unwrap()["fields"];
        assert_eq!(f["tb"], true);
        assert_eq!(f["per"], true);
        assert_eq!(f["dcr"], true);
        assert_eq!(f["rc"], false);
        assert_eq!(f["write_retry_count"], 3);
        // A cut page (length 4) has no fields but still decodes.
        let cut = [0x01, 0x04, 0x25, 0x01, 0x00, 0x00];
        assert!(mode_pages(&cut).unwrap().get("fields").is_none());
    }

    #[test]
    fn decode_fixed_sense_names_asc() {
        let b = [
            0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x21, 0x02, 0, 0, 0, 0,
        ];
        let v = sense(&b).unwrap();
        assert_eq!(v["sense"], "5/21/02 INVALID ADDRESS FOR WRITE");
        assert_eq!(v["format"], "fixed");
    }
}
