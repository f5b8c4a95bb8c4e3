//! Media commands: `blank` (IMAPI IDiscFormat2Erase), `format` (FORMAT UNIT), `audio`
//! (IDiscFormat2TrackAtOnce), `speeds` (SupportedWriteSpeedDescriptors), and the extra `burn`
//! options `--speed`, `--simulate`, `--ranges`, `--force-overwrite`.
//!
//! Speeds (`--speed X`): `max` (the fastest, IMAPI's −1); `Nx` / `N.Nx` (a multiple of the
//! medium's 1×: 75 sectors/s on CD, 680 on DVD, 2195 on BD); `NkB/s`, `Nkbps` or `Nk` (drive
//! units, kB/s with k = 1000); a plain number is IMAPI's sectors per second. The drive picks
//! the nearest speed it supports; the result says which (and `S_IMAPI_SPEEDADJUSTED` when it
//! differs from the request).
//!
//! Block ranges (`--ranges FILE`): one `START LENGTH` pair per line, in 2048-byte sectors
//! (decimal or `0x` hex; `#` comments); only those sectors of the image are written, in file
//! order (overwritable media only).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use discmaster::{
    sectors_per_second_at_1x, BlockRangeList, DataWriter, Eraser, Error, ErrorCode, Formatter,
    LongOperationProgress, Profile, Recorder, SpareAreas, TaoProgressEvent, TrackAtOnce,
    WriteOutcome, WriteSpeedSetting,
};
use serde_json::{json, Value};

/// The extra options of `burn`.
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct BurnExtras {
    /// Write speed: `max`, `8x`, `2.4x`, `5540kB/s` (also `kbps`, `k`), or sectors/s.
    #[arg(long, value_name = "SPEED")]
    pub(crate) speed: Option<String>,
    /// Simulate (Test Write, CD-R/RW and DVD-R/-RW): everything runs, nothing is recorded.
    #[arg(long)]
    pub(crate) simulate: bool,
    /// Rewritable media: write only these sectors of the image (`START LENGTH` per line).
    #[arg(long, value_name = "FILE")]
    pub(crate) ranges: Option<PathBuf>,
    /// Rewritable media: write over a medium that is not blank (IMAPI ForceOverwrite).
    #[arg(long)]
    pub(crate) force_overwrite: bool,
    /// Turn BURN-Free (buffer underrun protection) off; it is on by default.
    #[arg(long)]
    pub(crate) no_burn_free: bool,
}

/// A parsed `--speed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SpeedArg {
    /// The fastest.
    Max,
    /// A multiple of 1×.
    Times(f64),
    /// kB/s.
    Kbps(u32),
    /// IMAPI sectors per second.
    SectorsPerSecond(u32),
}

fn bad_speed(text: &str) -> Error {
    Error::Refused {
        code: ErrorCode::E_INVALIDARG,
        reason: format!(
            "--speed {text:?}: use max, a multiple such as 8x or 2.4x, kB/s such as 5540kB/s, \
             or sectors per second"
        ),
    }
}

impl SpeedArg {
    /// Parses the `--speed` text.
    pub(crate) fn parse(text: &str) -> Result<SpeedArg, Error> {
        let t = text.trim().to_ascii_lowercase();
        if t == "max" || t == "-1" {
            return Ok(SpeedArg::Max);
        }
        if let Some(x) = t.strip_suffix('x') {
            let v: f64 = x.trim().parse().map_err(|_| bad_speed(text))?;
            if !(v.is_finite() && v > 0.0 && v <= 1000.0) {
                return Err(bad_speed(text));
            }
            return Ok(SpeedArg::Times(v));
        }
        for suffix in ["kb/s", "kbps", "k"] {
            if let Some(k) = t.strip_suffix(suffix) {
                let v: u32 = k.trim().parse().map_err(|_| bad_speed(text))?;
                if v == 0 {
                    return Err(bad_speed(text));
                }
                return Ok(SpeedArg::Kbps(v));
            }
        }
        let v: u32 = t.parse().map_err(|_| bad_speed(text))?;
        if v == 0 || v > i32::MAX as u32 {
            return Err(bad_speed(text));
        }
        Ok(SpeedArg::SectorsPerSecond(v))
    }

    /// IMAPI sectors per second on `profile`'s medium (−1 = fastest).
    pub(crate) fn sectors_per_second(self, profile: Profile) -> i32 {
        let v = match self {
            SpeedArg::Max => return -1,
            SpeedArg::Times(x) => (x * f64::from(sectors_per_second_at_1x(profile))).round() as u32,
            SpeedArg::Kbps(k) => discmaster::kbps_to_sectors_per_second(profile, k),
            SpeedArg::SectorsPerSecond(s) => s,
        };
        i32::try_from(v.max(1)).unwrap_or(i32::MAX)
    }
}

/// `12x` style text for `sectors_per_second` on `profile`'s medium.
fn times(profile: Profile, sectors_per_second: u32) -> String {
    let x = f64::from(sectors_per_second) / f64::from(sectors_per_second_at_1x(profile));
    if (x - x.round()).abs() < 0.05 {
        format!("{}x", x.round())
    } else {
        format!("{x:.1}x")
    }
}

impl BurnExtras {
    /// Applies the options to `writer` (the speed needs the medium's profile).
    pub(crate) fn apply(&self, writer: &mut DataWriter<'_>, profile: Profile) -> Result<(), Error> {
        writer.set_simulate(self.simulate);
        writer.set_force_overwrite(self.force_overwrite);
        writer.set_buffer_underrun_free_disabled(self.no_burn_free);
        if let Some(text) = &self.speed {
            let sps = SpeedArg::parse(text)?.sectors_per_second(profile);
            writer.set_write_speed(sps, false)?;
        }
        Ok(())
    }

    /// The block ranges of `--ranges`, read and parsed.
    pub(crate) fn block_ranges(&self) -> Result<Option<BlockRangeList>, Error> {
        let Some(path) = &self.ranges else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            code: ErrorCode::E_DISCMASTER_IO,
            path: path.display().to_string(),
            source: e,
        })?;
        BlockRangeList::parse_text(&text).map(Some)
    }

    /// Checks the speed text before anything is done.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let Some(s) = &self.speed {
            SpeedArg::parse(s)?;
        }
        Ok(())
    }
}

fn speed_setting_json(profile: Profile, s: &WriteSpeedSetting) -> Value {
    json!({
        "requested_sectors_per_second": s.requested_sectors_per_second,
        "requested_pure_cav": s.requested_pure_cav,
        "current_sectors_per_second": s.current.map(|c| c.sectors_per_second),
        "current_kbps": s.current.map(|c| c.kbps),
        "current_x": s.current.map(|c| times(profile, c.sectors_per_second)),
        "current_pure_cav": s.current.map(|c| c.pure_cav),
        "status": s.status.code().name(),
        "code": format!("0x{:08X}", s.status.code().0),
        "command": s.command,
    })
}

/// The fields `burn` adds to its JSON result for these options.
pub(crate) fn outcome_json(outcome: &WriteOutcome) -> Value {
    json!({
        "simulated": outcome.simulated,
        "formatted": outcome.formatted,
        "code": format!("0x{:08X}", outcome.code.0),
        "code_name": outcome.code.name(),
        "speed": outcome.speed.as_ref().map(|s| speed_setting_json(outcome.profile, s)),
        "write_speed_sectors_per_second": outcome.write_speed.map(|w| w.sectors_per_second),
        "write_speed_kbps": outcome.write_speed.map(|w| w.kbps),
        "write_speed_effective_kbps": outcome.write_speed.and_then(|w| w.effective_kbps),
        "write_speed_x": outcome.write_speed.map(|w| times(outcome.profile, w.sectors_per_second)),
    })
}

/// The end of `burn`'s result line: what the disc is now.
pub(crate) fn disc_state_text(outcome: &WriteOutcome) -> &'static str {
    match outcome.profile {
        _ if outcome.simulated => ", simulated",
        Profile::DvdPlusRw
        | Profile::DvdMinusRwRestrictedOverwrite
        | Profile::DvdRam
        | Profile::BdRe => ", medium overwritable",
        _ if outcome.closed => ", disc closed",
        _ => ", disc appendable",
    }
}

/// The lines `burn` prints after its result line for these options.
pub(crate) fn outcome_text(outcome: &WriteOutcome) -> String {
    let mut out = String::new();
    if outcome.simulated {
        out.push_str(
            "simulation (test write): the whole burn ran, nothing was recorded; the disc is as before\n",
        );
    }
    if outcome.formatted {
        out.push_str("the medium was formatted first\n");
    }
    if let Some(w) = outcome.write_speed {
        out.push_str(&format!(
            "write speed: {} ({} sectors/s, {} kB/s)",
            times(outcome.profile, w.sectors_per_second),
            w.sectors_per_second,
            w.kbps
        ));
        if let Some(s) = &outcome.speed {
            if s.requested_sectors_per_second >= 0 {
                out.push_str(&format!(
                    "; requested {} sectors/s",
                    s.requested_sectors_per_second
                ));
            } else {
                out.push_str("; requested the fastest");
            }
            if let Some(name) = s.status.code().name().filter(|_| s.status.code().0 != 0) {
                out.push_str(&format!(" ({name})"));
            }
        }
        if let Some(e) = w.effective_kbps.filter(|&e| e < w.kbps) {
            out.push_str(&format!(
                "; effective {e} kB/s (the drive verifies what it writes: spare areas)"
            ));
        }
        out.push('\n');
    }
    out
}

/// Prints long-operation progress: every event as JSON, else a line per 10 %.
fn long_progress(json: bool, what: &'static str) -> impl FnMut(&LongOperationProgress) {
    let mut last_decile: Option<u8> = None;
    move |p: &LongOperationProgress| {
        if json {
            println!(
                "{}",
                json!({
                    "event": "progress",
                    "action": what,
                    "percent": p.percent,
                    "elapsed_seconds": p.elapsed_seconds(),
                    "estimated_total_seconds": p.estimated_total_seconds(),
                    "elapsed_ms": p.elapsed.as_millis() as u64,
                })
            );
        } else if last_decile != Some(p.percent / 10) {
            last_decile = Some(p.percent / 10);
            eprintln!(
                "{what} {:>3}% ({} s of ~{} s)",
                p.percent,
                p.elapsed_seconds(),
                p.estimated_total_seconds()
            );
        }
    }
}

/// `blank [--full]`: IMAPI `EraseMedia`.
pub(crate) fn blank(address: &str, full: bool, json: bool) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    let mut eraser = Eraser::new(&mut rec);
    eraser.set_full_erase(full);
    eraser.on_progress(long_progress(json, "erasing"));
    let outcome = eraser.erase_media()?;
    if json {
        println!(
            "{}",
            json!({
                "event": "result",
                "ok": true,
                "profile_before": outcome.profile_before.name(),
                "profile": outcome.profile.name(),
                "full": outcome.full,
                "command": outcome.command,
                "elapsed_ms": outcome.elapsed.as_millis() as u64,
            })
        );
    } else {
        println!(
            "erased the {} ({} erase with {}); it is now {}",
            outcome.profile_before.name(),
            if outcome.full { "full" } else { "quick" },
            outcome.command,
            outcome.profile.name()
        );
    }
    Ok(())
}

/// `format [--spare|--no-spare] [--quick]`.
pub(crate) fn format(
    address: &str,
    spare: bool,
    no_spare: bool,
    quick: bool,
    json: bool,
) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    let mut f = Formatter::new(&mut rec);
    f.set_spare_areas(match (spare, no_spare) {
        (true, _) => SpareAreas::With,
        (_, true) => SpareAreas::Without,
        _ => SpareAreas::Default,
    });
    f.set_quick(quick);
    f.on_progress(long_progress(json, "formatting"));
    let outcome = f.format()?;
    let format_name = outcome.format_type.map(|t| format!("{:02X}h", u8::from(t)));
    if json {
        println!(
            "{}",
            json!({
                "event": "result",
                "ok": true,
                "profile_before": outcome.profile_before.name(),
                "profile": outcome.profile.name(),
                "format_type": format_name,
                "sub_type": outcome.sub_type,
                "spare_areas": outcome.spare_areas,
                "capacity_blocks": outcome.capacity_blocks,
                "background_format_running": outcome.background_format_running,
                "elapsed_ms": outcome.elapsed.as_millis() as u64,
            })
        );
    } else {
        match format_name {
            Some(t) => {
                println!(
                "formatted the {} with format {t} (sub-type {}), {} spare areas: {} sectors ({}){}",
                outcome.profile_before.name(),
                outcome.sub_type,
                if outcome.spare_areas { "with" } else { "without" },
                outcome.capacity_blocks,
                crate::data::mib(outcome.capacity_blocks),
                if outcome.background_format_running {
                    "; the drive finishes the background format while idle or writing"
                } else {
                    ""
                }
            )
            }
            None => println!(
                "nothing to format: a {} without spare areas is written unformatted ({} sectors)",
                outcome.profile.name(),
                outcome.capacity_blocks
            ),
        }
    }
    Ok(())
}

/// `audio FILE… [--gapless] [--isrc …] [--no-finalize]`: IMAPI track-at-once.
pub(crate) fn audio(
    address: &str,
    files: &[PathBuf],
    gapless: bool,
    isrcs: &[String],
    no_finalize: bool,
    speed: Option<&str>,
    json: bool,
) -> Result<(), Error> {
    if files.is_empty() {
        return Err(Error::Refused {
            code: ErrorCode::E_INVALIDARG,
            reason: "no audio file given".into(),
        });
    }
    if isrcs.len() > files.len() {
        return Err(Error::Refused {
            code: ErrorCode::E_INVALIDARG,
            reason: format!("{} ISRCs for {} files", isrcs.len(), files.len()),
        });
    }
    // Check every ISRC and speed before the disc is touched.
    let speed = speed.map(SpeedArg::parse).transpose()?;
    TrackAtOnce::new().set_next_track_isrc(None)?;
    for i in isrcs.iter().filter(|i| i.as_str() != "-") {
        TrackAtOnce::new().set_next_track_isrc(Some(i))?;
    }
    for f in files {
        if !f.is_file() {
            return Err(Error::Io {
                code: ErrorCode::E_DISCMASTER_IO,
                path: f.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such audio file"),
            });
        }
    }
    let mut rec = Recorder::open(address)?;
    let mut tao = TrackAtOnce::with_recorder(&mut rec);
    tao.set_do_not_finalize_media(no_finalize)?;
    if gapless {
        tao.set_audio_pause_sectors(0);
    }
    if let Some(s) = speed {
        let profile = tao.current_physical_media_type()?;
        let setting = tao.set_write_speed(s.sectors_per_second(profile), false)?;
        if json {
            println!(
                "{}",
                json!({"event": "speed", "speed": speed_setting_json(profile, &setting)})
            );
        }
    }
    tao.prepare_media()?;
    let cancel = tao.cancel_handle();
    let _ = ctrlc::set_handler(move || {
        let _ = cancel.cancel_add_track();
    });
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "track {prefix:>2} {msg:>9} [{bar:40}] {pos}/{len} sectors, {elapsed} elapsed",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b
    });
    let bar_ref = bar.clone();
    tao.on_progress(move |e: &TaoProgressEvent| {
        if json {
            println!(
                "{}",
                json!({
                    "event": "progress",
                    "action": e.action.name(),
                    "track": e.current_track_number,
                    "start_lba": e.start_lba.0,
                    "lba": e.last_written_lba.0,
                    "sectors_written": e.sectors_written,
                    "sectors_total": e.sector_count,
                    "elapsed_ms": e.elapsed.as_millis() as u64,
                    "remaining_ms": e.remaining.map(|r| r.as_millis() as u64),
                })
            );
        } else if let Some(b) = &bar_ref {
            b.set_prefix(e.current_track_number.to_string());
            b.set_length(u64::from(e.sector_count));
            b.set_message(e.action.name());
            b.set_position(u64::from(e.sectors_written));
        }
    });
    let mut tracks = Vec::new();
    let mut failure = None;
    for (i, file) in files.iter().enumerate() {
        let isrc = isrcs.get(i).filter(|s| s.as_str() != "-");
        if let Err(e) = tao.set_next_track_isrc(isrc.map(String::as_str)) {
            failure = Some(e);
            break;
        }
        match tao.add_audio_track_file(file) {
            Ok(t) => {
                if json {
                    println!(
                        "{}",
                        json!({
                            "event": "track",
                            "track": t.track_number,
                            "file": file.display().to_string(),
                            "start_lba": t.start_lba.0,
                            "sectors": t.sectors,
                            "source_bytes": t.source_bytes,
                            "isrc": t.isrc,
                        })
                    );
                } else {
                    if let Some(b) = &bar {
                        b.suspend(|| ());
                    }
                    eprintln!(
                        "track {:>2}: {} sectors at LBA {} from {}{}",
                        t.track_number,
                        t.sectors,
                        t.start_lba.0,
                        file.display(),
                        t.isrc
                            .as_ref()
                            .map(|i| format!(" (ISRC {i})"))
                            .unwrap_or_default()
                    );
                }
                tracks.push(t);
            }
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    // Close what was written, also after a failure (the tracks stay playable).
    let released = tao.release_media();
    drop(tao);
    if let Some(e) = failure {
        return Err(e);
    }
    released?;
    if json {
        println!(
            "{}",
            json!({
                "event": "result",
                "ok": true,
                "tracks": tracks.len(),
                "finalized": !no_finalize,
                "gapless": gapless,
                "sectors": tracks.iter().map(|t| u64::from(t.sectors)).sum::<u64>(),
            })
        );
    } else {
        println!(
            "wrote {} audio track(s); the disc is {}",
            tracks.len(),
            if no_finalize {
                "open for another session"
            } else {
                "finalized"
            }
        );
    }
    Ok(())
}

/// `speeds`: SupportedWriteSpeedDescriptors and the current write speed.
pub(crate) fn speeds(address: &str, json: bool) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    let profile = rec.current_profile()?;
    let descriptors = rec.supported_write_speed_descriptors()?;
    let current = if profile == Profile::NoCurrentProfile {
        None
    } else {
        rec.current_write_speed()?
    };
    if json {
        println!(
            "{}",
            json!({
                "event": "speeds",
                "profile": profile.name(),
                "descriptors": descriptors.iter().map(|d| json!({
                    "sectors_per_second": d.write_speed,
                    "kbps": d.write_speed_kbps,
                    "x": times(profile, d.write_speed),
                    "pure_cav": d.rotation_type_is_pure_cav,
                })).collect::<Vec<_>>(),
                "current": current.map(|c| json!({
                    "sectors_per_second": c.sectors_per_second,
                    "kbps": c.kbps,
                    "effective_kbps": c.effective_kbps,
                    "x": times(profile, c.sectors_per_second),
                    "pure_cav": c.pure_cav,
                })),
            })
        );
        return Ok(());
    }
    if profile == Profile::NoCurrentProfile {
        println!("no medium: the drive lists write speeds per medium");
        return Ok(());
    }
    println!("Write speeds for {} (fastest first):", profile.name());
    for d in &descriptors {
        println!(
            "  {:>6}  {:>6} sectors/s  {:>6} kB/s  {}",
            times(profile, d.write_speed),
            d.write_speed,
            d.write_speed_kbps,
            if d.rotation_type_is_pure_cav {
                "CAV"
            } else {
                "CLV"
            }
        );
    }
    match current {
        Some(c) => println!(
            "Current: {} ({} sectors/s, {} kB/s)",
            times(profile, c.sectors_per_second),
            c.sectors_per_second,
            c.kbps
        ),
        None => println!("Current: not reported"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_arg_forms() {
        assert_eq!(SpeedArg::parse("max").unwrap(), SpeedArg::Max);
        assert_eq!(SpeedArg::parse("8x").unwrap(), SpeedArg::Times(8.0));
        assert_eq!(SpeedArg::parse("2.4X").unwrap(), SpeedArg::Times(2.4));
        assert_eq!(SpeedArg::parse("5540kB/s").unwrap(), SpeedArg::Kbps(5540));
        assert_eq!(SpeedArg::parse("1764kbps").unwrap(), SpeedArg::Kbps(1764));
        assert_eq!(SpeedArg::parse("1764k").unwrap(), SpeedArg::Kbps(1764));
        assert_eq!(
            SpeedArg::parse("2720").unwrap(),
            SpeedArg::SectorsPerSecond(2720)
        );
        for bad in ["", "x", "0", "fast", "-3", "0x", "1e9x"] {
            let e = SpeedArg::parse(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::E_INVALIDARG, "{bad:?}");
        }
    }

    #[test]
    fn speed_arg_units_per_medium() {
        assert_eq!(SpeedArg::Times(8.0).sectors_per_second(Profile::CdR), 600);
        assert_eq!(
            SpeedArg::Times(8.0).sectors_per_second(Profile::DvdPlusRw),
            5440
        );
        assert_eq!(SpeedArg::Times(2.0).sectors_per_second(Profile::BdRe), 4390);
        assert_eq!(
            SpeedArg::Kbps(5540).sectors_per_second(Profile::DvdPlusR),
            2720
        );
        assert_eq!(SpeedArg::Max.sectors_per_second(Profile::CdR), -1);
        assert_eq!(times(Profile::DvdPlusR, 2720), "4x");
        assert_eq!(times(Profile::DvdPlusR, 1632), "2.4x");
    }
}
