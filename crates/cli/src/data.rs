//! Data commands: emu load/eject, info, burn, read.

use super::*;
pub(crate) fn load_media(address: &str, media: &str, json: bool) -> Result<(), Error> {
    load_media_with(address, media, None, None, json)
}

/// `emu load`: a blank `media`, CD with the ATIP lead-in start `lead_in` (MM:SS:FF); `raw_dbt`
/// sets the drive's accepted RAW data block types first.
pub(crate) fn load_media_with(
    address: &str,
    media: &str,
    lead_in: Option<&str>,
    raw_dbt: Option<&[u8]>,
    json: bool,
) -> Result<(), Error> {
    let (kind, media_options) = parse_media(media)?;
    let emulator_error = |source: discmaster::emu::EmuError| match source {
        discmaster::emu::EmuError::InvalidOption(reason) => Error::Refused {
            code: ErrorCode::E_INVALIDARG,
            reason,
        },
        source => Error::Emulator {
            code: ErrorCode::E_DISCMASTER_IO,
            source,
        },
    };
    let options = discmaster::emu::MediaOptions {
        atip_lead_in_start: lead_in
            .map(discmaster::emu::parse_msf)
            .transpose()
            .map_err(emulator_error)?,
        ..media_options
    };
    let mut drive = open_emulated(address)?;
    if let Some(types) = raw_dbt {
        drive
            .set_raw_data_block_types(types)
            .map_err(emulator_error)?;
    }
    let shelved = drive
        .load_blank_with(kind, options)
        .map_err(emulator_error)?;
    if json {
        println!(
            "{}",
            json!({"event": "loaded", "media": kind.to_string(), "previous_disc": shelved.as_ref().map(|p| p.display().to_string())})
        );
    } else {
        eprintln!("loaded a blank {kind} into {address}");
        if let Some(p) = shelved {
            eprintln!("the previous disc was kept at {}", p.display());
        }
    }
    Ok(())
}

pub(crate) fn emu_command(address: &str, action: EmuAction, json: bool) -> Result<(), Error> {
    match action {
        EmuAction::Load {
            media,
            lead_in,
            raw_dbt,
        } => load_media_with(
            address,
            &media,
            lead_in.as_deref(),
            raw_dbt.as_deref(),
            json,
        ),
        EmuAction::Eject => {
            let mut drive = open_emulated(address)?;
            let shelved = drive.eject().map_err(|source| Error::Emulator {
                code: ErrorCode::E_DISCMASTER_IO,
                source,
            })?;
            if json {
                println!(
                    "{}",
                    json!({"event": "ejected", "disc": shelved.as_ref().map(|p| p.display().to_string())})
                );
            } else {
                match shelved {
                    Some(p) => eprintln!("ejected; the disc was kept at {}", p.display()),
                    None => eprintln!("no medium to eject"),
                }
            }
            Ok(())
        }
    }
}

pub(crate) fn status_name(s: DiscStatus) -> &'static str {
    match s {
        DiscStatus::Empty => "blank",
        DiscStatus::Incomplete => "appendable",
        DiscStatus::Complete => "complete",
        DiscStatus::Other => "overwritable",
        DiscStatus::Unknown(_) => "unknown",
    }
}

pub(crate) fn summary_json(s: &DiscSummary) -> Value {
    let track = |t: &discmaster::TrackSummary| {
        json!({
            "number": t.number,
            "session": t.session,
            "start_lba": t.start.0,
            "length": t.recorded,
            "size": t.size,
            "blank": t.blank,
            "next_writable_address": t.next_writable_address.map(|l| l.0),
            "free_blocks": t.free_blocks,
            "track_mode": t.track_mode,
            "data_mode": t.data_mode,
        })
    };
    let sessions: Vec<Value> = s
        .sessions()
        .into_iter()
        .map(|n| {
            let tracks: Vec<Value> = s
                .recorded_tracks()
                .filter(|t| t.session == n)
                .map(track)
                .collect();
            json!({"number": n, "tracks": tracks})
        })
        .collect();
    json!({
        "profile": s.profile.name(),
        "profile_code": format!("0x{:04X}", u16::from(s.profile)),
        "status": status_name(s.status),
        "erasable": s.erasable,
        "sessions": sessions,
        "tracks": s.tracks.iter().map(track).collect::<Vec<_>>(),
        "next_writable_address": s.next_writable_address.map(|l| l.0),
        "free_sectors": s.free_sectors,
    })
}

pub(crate) fn info(address: &str, json: bool) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    let id = rec.identity()?;
    let profile = rec.current_profile()?;
    let summary = if profile == discmaster::Profile::NoCurrentProfile {
        None
    } else {
        Some(rec.disc_summary()?)
    };
    // CDs with recorded tracks: index points, ISRC, MCN and CD-Text from the Q sub-channel.
    let cd = summary
        .as_ref()
        .filter(|s| {
            matches!(
                s.profile,
                discmaster::Profile::CdR | discmaster::Profile::CdRw | discmaster::Profile::CdRom
            ) && s.status != DiscStatus::Empty
        })
        .and_then(|_| rec.cd_toc().ok());
    if json {
        let v = json!({
            "event": "info",
            "drive": {"address": rec.address(), "vendor": id.vendor, "product": id.product, "revision": id.revision},
            "medium": summary.as_ref().map(summary_json),
            "cd": cd.as_ref().map(crate::rawcd::toc_json),
        });
        println!("{v}");
        return Ok(());
    }
    println!("Drive:    {}", rec.address());
    println!("          {} {} {}", id.vendor, id.product, id.revision);
    let Some(s) = summary else {
        println!("Medium:   none");
        return Ok(());
    };
    println!(
        "Medium:   {} (profile {:04X}h), {}",
        s.profile.name(),
        u16::from(s.profile),
        status_name(s.status)
    );
    let sessions = s.sessions();
    println!("Sessions: {}", sessions.len());
    for t in s.recorded_tracks() {
        println!(
            "  session {:>2}  track {:>2}  start LBA {:>9}  length {:>9} sectors ({})",
            t.session,
            t.number,
            t.start.0,
            t.recorded,
            mib(t.recorded)
        );
    }
    if let Some(toc) = &cd {
        crate::rawcd::print_toc(toc);
    }
    match s.next_writable_address {
        Some(nwa) => println!(
            "Next writable address: {}   free: {} sectors ({} MiB)",
            nwa.0,
            s.free_sectors,
            u64::from(s.free_sectors) * 2048 / (1 << 20)
        ),
        None => println!("Not writable (closed)"),
    }
    Ok(())
}

/// 2048-byte sectors as MiB with one decimal.
pub(crate) fn mib(sectors: u32) -> String {
    format!(
        "{:.1} MiB",
        f64::from(sectors) * 2048.0 / (1u64 << 20) as f64
    )
}

pub(crate) fn progress_json(e: &ProgressEvent) -> Value {
    let mut v = json!({
        "event": "progress",
        "action": e.action.name(),
        "lba": e.last_written_lba.0,
        "start_lba": e.start_lba.0,
        "sectors_written": e.sectors_written,
        "sectors_total": e.sector_count,
        "elapsed_ms": e.elapsed.as_millis() as u64,
        "remaining_ms": e.remaining.map(|r| r.as_millis() as u64),
        "buffer_used_bytes": e.used_system_buffer,
        "buffer_total_bytes": e.total_system_buffer,
    });
    if e.action == WriteAction::Verifying {
        v["sectors_verified"] = json!(e.sectors_verified);
    }
    v
}

// The options mirror the `burn` flags one to one.
#[allow(clippy::too_many_arguments)]
pub(crate) fn burn(
    address: &str,
    source: &Path,
    close: bool,
    dvd_compat: bool,
    verify: bool,
    volume_id: Option<String>,
    extras: &crate::media::BurnExtras,
    json: bool,
) -> Result<(), Error> {
    let ranges = extras.block_ranges()?;
    let meta = std::fs::metadata(source).map_err(|e| Error::Io {
        code: ErrorCode::E_DISCMASTER_IO,
        path: source.display().to_string(),
        source: e,
    })?;
    // A directory becomes an ISO 9660 image in a temporary file first (IMAPI2FS's role).
    let mut temp = None;
    let image: PathBuf = if meta.is_dir() {
        let tmp = tempfile::Builder::new()
            .prefix("discmaster-")
            .suffix(".iso")
            .tempfile()
            .map_err(|e| Error::Io {
                code: ErrorCode::E_DISCMASTER_IO,
                path: std::env::temp_dir().display().to_string(),
                source: e,
            })?;
        let vol = volume_id.unwrap_or_else(|| {
            source
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "DISCMASTER".into())
        });
        let opts = discmaster_isofs::IsoOptions {
            volume_id: vol,
            ..Default::default()
        };
        if !json {
            eprintln!("building an ISO 9660 image of {} ...", source.display());
        }
        // IMAPI2FS codes (0xC0AAB1xx) where one matches, as IMAPI2FS would report them.
        let size = discmaster_isofs::build_image(source, tmp.path(), &opts).map_err(|e| {
            Error::Refused {
                code: e.code(),
                reason: format!("building an image of {}: {e}", source.display()),
            }
        })?;
        if json {
            println!(
                "{}",
                json!({"event": "image_built", "source": source.display().to_string(), "bytes": size})
            );
        }
        let p = tmp.path().to_path_buf();
        temp = Some(tmp);
        p
    } else {
        source.to_path_buf()
    };

    let mut rec = Recorder::open(address)?;
    let profile = rec.current_profile()?;
    let mut writer = DataWriter::new(&mut rec);
    extras.apply(&mut writer, profile)?;
    writer.set_force_media_to_be_closed(close);
    writer.set_disable_consumer_dvd_compatibility_mode(!dvd_compat);
    writer.set_verify(verify);
    let cancel = writer.cancel_handle();
    let _ = ctrlc::set_handler(move || cancel.cancel());
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg:>22} [{bar:40}] {pos}/{len} sectors, {elapsed} elapsed, ~{eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b
    });
    let bar_ref = bar.clone();
    let mut last_action = None;
    writer.on_progress(move |e| {
        if json {
            println!("{}", progress_json(e));
        } else if let Some(b) = &bar_ref {
            b.set_length(u64::from(e.sector_count));
            b.set_message(e.action.name());
            b.set_position(u64::from(if e.action == WriteAction::Verifying {
                e.sectors_verified
            } else {
                e.sectors_written
            }));
        } else if last_action != Some(e.action) {
            eprintln!("{} ...", e.action.name().replace('_', " "));
            last_action = Some(e.action);
        }
    });
    let outcome = match &ranges {
        Some(r) => writer.write_file_with_ranges(&image, r),
        None => writer.write_file(&image),
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    drop(temp);
    let outcome = outcome?;
    if json {
        let mut v = json!({
                "event": "result",
                "ok": true,
                "profile": outcome.profile.name(),
                "start_lba": outcome.start_lba.0,
                "sectors_written": outcome.sectors_written,
                "track": outcome.track,
                "session": outcome.session,
                "verified": outcome.verified,
                "closed": outcome.closed,
                "elapsed_ms": outcome.elapsed.as_millis() as u64,
        });
        if let (Some(o), Value::Object(extra)) =
            (v.as_object_mut(), crate::media::outcome_json(&outcome))
        {
            o.extend(extra);
        }
        println!("{v}");
    } else {
        println!(
            "burned {} sectors ({}) to {} as track {} of session {} at LBA {}{}{}",
            outcome.sectors_written,
            mib(outcome.sectors_written),
            outcome.profile.name(),
            outcome.track,
            outcome.session,
            outcome.start_lba.0,
            if outcome.verified {
                ", verified"
            } else {
                ", not verified"
            },
            crate::media::disc_state_text(&outcome),
        );
        print!("{}", crate::media::outcome_text(&outcome));
    }
    Ok(())
}

pub(crate) fn read(address: &str, track: u16, output: &Path, json: bool) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    let file = std::fs::File::create(output).map_err(|e| Error::Io {
        code: ErrorCode::E_DISCMASTER_IO,
        path: output.display().to_string(),
        source: e,
    })?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let bytes = rec.read_track(track, &mut out, &mut |_, _| {})?;
    std::io::Write::flush(&mut out).map_err(|e| Error::Io {
        code: ErrorCode::E_DISCMASTER_IO,
        path: output.display().to_string(),
        source: e,
    })?;
    if json {
        println!(
            "{}",
            json!({"event": "result", "ok": true, "track": track, "bytes": bytes, "output": output.display().to_string()})
        );
    } else {
        println!("read track {track}: {bytes} bytes to {}", output.display());
    }
    Ok(())
}

/// `msinfo`: `START,NWA` (cdrecord -msinfo) or the full IMultisessionSequential fields as JSON.
pub(crate) fn msinfo(address: &str, json: bool) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    let m = rec.multisession_info()?;
    if json {
        println!(
            "{}",
            json!({
                "event": "msinfo",
                "msinfo": m.msinfo(),
                "is_first_data_session": m.is_first_data_session,
                "start_address_of_previous_session": m.start_address_of_previous_session.0,
                "last_written_address_of_previous_session": m.last_written_address_of_previous_session.0,
                "next_writable_address": m.next_writable_address.0,
                "free_sectors_on_media": m.free_sectors_on_media,
            })
        );
    } else {
        println!("{}", m.msinfo());
    }
    Ok(())
}

/// `read --disc`: every recorded track written at its LBA × 2048 into a sparse file.
pub(crate) fn read_disc(address: &str, output: &Path, json: bool) -> Result<(), Error> {
    use std::io::{Seek, SeekFrom};
    let io_err = |e| Error::Io {
        code: ErrorCode::E_DISCMASTER_IO,
        path: output.display().to_string(),
        source: e,
    };
    let mut rec = Recorder::open(address)?;
    let summary = rec.disc_summary()?;
    let mut file = std::fs::File::create(output).map_err(io_err)?;
    let mut total = 0u64;
    let mut end = 0u64;
    let tracks: Vec<_> = summary.recorded_tracks().cloned().collect();
    for t in &tracks {
        let Ok(start) = u64::try_from(t.start.0) else {
            continue;
        };
        file.seek(SeekFrom::Start(start * 2048)).map_err(io_err)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, &mut file);
        total += rec.read_track(t.number, &mut out, &mut |_, _| {})?;
        std::io::Write::flush(&mut out).map_err(io_err)?;
        end = end.max((start + u64::from(t.recorded)) * 2048);
    }
    file.set_len(end).map_err(io_err)?;
    if json {
        println!(
            "{}",
            json!({"event": "result", "ok": true, "tracks": tracks.len(), "bytes": total, "image_bytes": end, "output": output.display().to_string()})
        );
    } else {
        println!(
            "read {} tracks ({total} bytes) into a {end}-byte disc image {}",
            tracks.len(),
            output.display()
        );
    }
    Ok(())
}
