//! Drive commands (IDiscRecorder2Ex): list, cdb, mode-page, features, profiles, decode.

use super::*;
pub(crate) fn decode_cmd(kind: DecodeKind, tokens: &[String], json: bool) -> Result<(), Error> {
    let bytes = hex_arg(tokens)?;
    let v = match kind {
        DecodeKind::Sense => decode::sense(&bytes),
        DecodeKind::Inquiry => decode::inquiry(&bytes),
        DecodeKind::ModePage => decode::mode_pages(&bytes),
        DecodeKind::Features => decode::features(&bytes),
        DecodeKind::DiscInfo => decode::disc_info(&bytes),
        DecodeKind::TrackInfo => decode::track_info(&bytes),
        DecodeKind::Toc => decode::toc(&bytes),
        DecodeKind::Atip => decode::atip(&bytes),
        DecodeKind::FormatCapacities => decode::format_capacities(&bytes),
    }
    .map_err(|m| Error::Refused {
        code: ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
        reason: m,
    })?;
    emit(json, "", v);
    Ok(())
}

pub(crate) fn raw_cdb(
    address: &str,
    data_in: Option<usize>,
    data_out: Option<PathBuf>,
    timeout: u32,
    tokens: &[String],
    json: bool,
) -> Result<(), Error> {
    let cdb = hex_arg(tokens)?;
    // Validate before opening the drive: a refused CDB never reaches any transport.
    discmaster::validate_cdb(&cdb)?;
    let out_bytes = match &data_out {
        Some(p) => Some(std::fs::read(p).map_err(|e| Error::Io {
            code: ErrorCode::E_DISCMASTER_IO,
            path: p.display().to_string(),
            source: e,
        })?),
        None => None,
    };
    let data = match (&out_bytes, data_in) {
        (Some(b), _) => discmaster::RawData::Out(b),
        (None, Some(n)) => discmaster::RawData::In(n),
        (None, None) => discmaster::RawData::None,
    };
    let mut rec = Recorder::open(address)?;
    let r = rec.send_command(&cdb, data, timeout)?;
    let sense = if r.sense.is_empty() {
        Value::Null
    } else {
        decode::sense(&r.sense).unwrap_or(Value::Null)
    };
    let name = discmaster_mmc::commands::command_name(cdb[0]).unwrap_or("unknown command");
    let v = json!({
        "event": "cdb",
        "command": name,
        "cdb": decode::hex(&cdb),
        "status": r.status.name(),
        "code": format!("0x{:08X}", r.code.0),
        "code_name": r.code.name(),
        "sense_bytes": if r.sense.is_empty() { Value::Null } else { json!(decode::hex(&r.sense)) },
        "sense": sense,
        "data_length": r.data.len(),
        "data": decode::hex(&r.data),
    });
    if json {
        println!("{v}");
    } else {
        println!(
            "{name}: {} ({} 0x{:08X})",
            r.status.name(),
            r.code.name().unwrap_or("?"),
            r.code.0
        );
        if !sense.is_null() {
            let mut out = String::new();
            decode::render(&sense, 1, &mut out);
            print!("sense {}\n{out}", decode::hex(&r.sense));
        }
        if !r.data.is_empty() {
            println!("data ({} bytes):", r.data.len());
            for (i, chunk) in r.data.chunks(16).enumerate() {
                let ascii: String = chunk
                    .iter()
                    .map(|&b| {
                        if (0x20..0x7F).contains(&b) {
                            b as char
                        } else {
                            '.'
                        }
                    })
                    .collect();
                println!("  {:04x}  {:<47}  {ascii}", i * 16, decode::hex(chunk));
            }
        }
    }
    Ok(())
}

pub(crate) fn mode_page(address: &str, action: ModePageAction, json: bool) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    match action {
        ModePageAction::Get { page, control } => {
            let code = u8::from_str_radix(page.trim_start_matches("0x"), 16).map_err(|_| {
                Error::Refused {
                    code: ErrorCode::E_INVALIDARG,
                    reason: format!("page {page:?} is not a hex page code"),
                }
            })?;
            let bytes = rec.get_mode_page(code, control.into())?;
            let v = decode::mode_pages(&bytes).map_err(|m| Error::Refused {
                code: ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
                reason: m,
            })?;
            if json {
                println!("{v}");
            } else {
                println!("{}", decode::hex(&bytes));
                let mut out = String::new();
                decode::render(&v, 1, &mut out);
                print!("{out}");
            }
        }
        ModePageAction::Set { control, bytes } => {
            let page = hex_arg(&bytes)?;
            rec.set_mode_page(control.into(), &page)?;
            let now = rec.get_mode_page(
                page.first().copied().unwrap_or(0) & 0x3F,
                PageControl::Current,
            )?;
            emit(
                json,
                "",
                json!({"event": "mode_page_set", "page": decode::hex(&now)}),
            );
        }
        ModePageAction::List { control } => {
            let pages = rec.get_supported_mode_pages(control.into())?;
            let v: Vec<String> = pages.iter().map(|p| format!("{p:02X}h")).collect();
            emit(json, "", json!({"event": "mode_pages", "pages": v}));
        }
    }
    Ok(())
}

pub(crate) fn features(address: &str, current: bool, json: bool) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    let rt = if current {
        discmaster_mmc::ConfigurationRequestType::Current
    } else {
        discmaster_mmc::ConfigurationRequestType::All
    };
    let bytes = rec.get_configuration(rt, discmaster_mmc::FeatureCode::PROFILE_LIST)?;
    let v = decode::features(&bytes).map_err(|m| Error::Refused {
        code: ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
        reason: m,
    })?;
    emit(json, "", v);
    Ok(())
}

pub(crate) fn profiles(address: &str, json: bool) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    let list = rec.get_supported_profiles(false)?;
    if json {
        let v: Vec<Value> = list
            .iter()
            .map(|(p, c)| json!({"profile": format!("{:04X}h", u16::from(*p)), "name": p.name(), "current": c}))
            .collect();
        println!("{}", json!({"event": "profiles", "profiles": v}));
    } else {
        for (p, c) in list {
            println!(
                "{:04X}h  {:<30}{}",
                u16::from(p),
                p.name(),
                if c { "  (current)" } else { "" }
            );
        }
    }
    Ok(())
}

/// Emulated drives: the default one and every drive directory under the data directory.
pub(crate) fn emulated_drives(address: &str) -> Vec<String> {
    let mut found = Vec::new();
    let default = discmaster::default_drive_address();
    for a in [address.to_string(), default.clone()] {
        if let Ok(DriveAddress::Emulated(p)) = DriveAddress::parse(&a) {
            if p.join("drive.json").exists() && !found.contains(&a) {
                found.push(a);
            }
        }
    }
    if let Ok(DriveAddress::Emulated(p)) = DriveAddress::parse(&default) {
        if let Some(parent) = p.parent() {
            if let Ok(rd) = std::fs::read_dir(parent) {
                let mut more: Vec<String> = rd
                    .flatten()
                    .filter(|e| e.path().join("drive.json").exists())
                    .map(|e| format!("emu:{}", e.path().display()))
                    .filter(|a| !found.contains(a))
                    .collect();
                more.sort();
                found.extend(more);
            }
        }
    }
    found
}

pub(crate) fn list(address: &str, json: bool) -> Result<(), Error> {
    let mut rows = Vec::new();
    for a in discmaster::sg_devices() {
        rows.push(a);
    }
    for a in emulated_drives(address) {
        rows.push(a);
    }
    for a in rows {
        let mut entry = json!({"address": a});
        match Recorder::open(&a) {
            Ok(mut rec) => {
                if let Ok(id) = rec.identity() {
                    entry["vendor"] = json!(id.vendor);
                    entry["product"] = json!(id.product);
                    entry["revision"] = json!(id.revision);
                }
                if let Ok(p) = rec.get_supported_profiles(false) {
                    entry["profiles"] = json!(p.iter().map(|(p, _)| p.name()).collect::<Vec<_>>());
                    entry["current_profile"] =
                        json!(p.iter().find(|(_, c)| *c).map(|(p, _)| p.name()));
                }
            }
            Err(e) => {
                entry["error"] = json!(format!(
                    "{} (0x{:08X})",
                    e.code().name().unwrap_or("?"),
                    e.code().0
                ))
            }
        }
        if json {
            println!("{entry}");
        } else {
            println!(
                "{:<40} {} {} {}  current: {}",
                a,
                entry["vendor"].as_str().unwrap_or("?"),
                entry["product"].as_str().unwrap_or("?"),
                entry["revision"].as_str().unwrap_or(""),
                entry["current_profile"].as_str().unwrap_or("none")
            );
        }
    }
    Ok(())
}
