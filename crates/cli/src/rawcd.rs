//! Raw CD commands: `raw-cd create`, `raw-cd write`, `export`, `cue show`, and the CD part
//! of `info` (index points, ISRC, MCN, CD-Text).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use discmaster::cd::cdtext::{CdText, TextFields};
use discmaster::cd::cue::{self, CueSheet};
use discmaster::cd::subchannel::SubchannelForm;
use discmaster::{
    CdToc, CdTrackKind, Error, ErrorCode, RawCdImageCreator, RawCdProgressEvent, RawCdWriter,
    Recorder,
};
use serde_json::{json, Value};

/// `--sector-type`: the sub-channel form of a raw image (IMAPI
/// `IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE`).
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub(crate) enum SectorTypeArg {
    /// 2368-byte blocks: 2352 + 16-byte PQ (type 1).
    Pq,
    /// 2448-byte blocks: 2352 + packed R-W with P/Q (type 2, IMAPI's default "cooked").
    Packed,
    /// 2448-byte blocks: 2352 + raw interleaved P-W (type 3).
    Raw,
}

impl SectorTypeArg {
    pub(crate) fn form(self) -> SubchannelForm {
        match self {
            SectorTypeArg::Pq => SubchannelForm::PqOnly,
            SectorTypeArg::Packed => SubchannelForm::PackedRw,
            SectorTypeArg::Raw => SubchannelForm::RawPw,
        }
    }
}

pub(crate) fn form_name(form: SubchannelForm) -> &'static str {
    match form {
        SubchannelForm::PqOnly => "pq",
        SubchannelForm::PackedRw => "packed",
        SubchannelForm::RawPw => "raw",
        SubchannelForm::Unknown(_) => "unknown",
    }
}

#[derive(Subcommand)]
pub(crate) enum RawCdAction {
    /// Build a raw DAO image (starts at MSF 95:00:00) from a cue sheet and its files.
    Create {
        /// The cue sheet (FILE BINARY/WAVE/FLAC; AUDIO, MODE1/2048, MODE1/2352, MODE2/2352).
        cue: PathBuf,
        /// The image file to write.
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Sub-channel form of the image.
        #[arg(long, value_enum, default_value = "packed")]
        sector_type: SectorTypeArg,
    },
    /// Write a raw DAO image (or a cue sheet, imaged on the fly) to a blank CD-R/CD-RW.
    Write {
        /// A raw image file, or a cue sheet (*.cue).
        source: PathBuf,
        /// Sub-channel form of the image (for a cue sheet: of the image generated from it).
        /// Default: packed, or pq when the image size fits only 2368-byte blocks.
        #[arg(long, value_enum)]
        sector_type: Option<SectorTypeArg>,
        /// LBA of the image's first block (default −22650 = MSF 95:00:00).
        #[arg(long, default_value_t = -22650, allow_negative_numbers = true)]
        start_lba: i32,
        /// Load a blank medium of this type first (emulated drives only): cd-r or cd-rw.
        #[arg(long)]
        media: Option<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum CueAction {
    /// Print the parsed sheet and, where its files exist, each track's place on the disc.
    Show {
        /// The cue sheet.
        cue: PathBuf,
    },
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        code: ErrorCode::E_DISCMASTER_IO,
        path: path.display().to_string(),
        source,
    }
}

pub(crate) fn raw_cd(address: &str, action: RawCdAction, json: bool) -> Result<(), Error> {
    match action {
        RawCdAction::Create {
            cue,
            output,
            sector_type,
        } => create(&cue, &output, sector_type, json),
        RawCdAction::Write {
            source,
            sector_type,
            start_lba,
            media,
        } => {
            if let Some(m) = media {
                crate::data::load_media(address, &m, json)?;
            }
            write(address, &source, sector_type, start_lba, json)
        }
    }
}

fn creator_for(cue: &Path, form: SubchannelForm) -> Result<RawCdImageCreator, Error> {
    let mut creator = RawCdImageCreator::from_cue(cue)?;
    creator.set_resulting_image_type(form)?;
    Ok(creator)
}

fn layout_json(image: &discmaster::RawCdImage) -> Value {
    let l = image.layout();
    json!({
        "sector_type": form_name(l.form()),
        "block_bytes": l.block_bytes(),
        "blocks": l.blocks(),
        "bytes": l.image_bytes(),
        "image_start_lba": l.image_start().0,
        "lead_in_blocks": l.lead_in_blocks(),
        "lead_out_start_lba": l.lead_out_start().0,
        "tracks": l.tracks().iter().map(|t| json!({
            "number": t.number,
            "data": t.content.is_data(),
            "control": t.control.0,
            "pregap_start_lba": t.pregap_start.0,
            "start_lba": t.start.0,
            "index_lbas": t.index_starts.iter().map(|i| i.0).collect::<Vec<_>>(),
            "blocks": t.blocks(),
            "isrc": t.isrc.map(|i| i.to_string()),
        })).collect::<Vec<_>>(),
    })
}

fn create(cue: &Path, output: &Path, sector_type: SectorTypeArg, json: bool) -> Result<(), Error> {
    let mut creator = creator_for(cue, sector_type.form())?;
    let mut image = creator.create_result_image()?;
    let file = std::fs::File::create(output).map_err(|e| io_error(output, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let bytes = std::io::copy(&mut image, &mut out).map_err(|e| io_error(output, e))?;
    std::io::Write::flush(&mut out).map_err(|e| io_error(output, e))?;
    let mut v = layout_json(&image);
    v["event"] = json!("result");
    v["ok"] = json!(true);
    v["output"] = json!(output.display().to_string());
    if json {
        println!("{v}");
    } else {
        println!(
            "wrote {} ({} bytes, {} blocks of {} bytes, sector type {}): image from MSF 95:00:00, {} tracks, lead-out at LBA {}",
            output.display(),
            bytes,
            image.layout().blocks(),
            image.layout().block_bytes(),
            form_name(image.layout().form()),
            image.layout().tracks().len(),
            image.layout().lead_out_start().0
        );
    }
    Ok(())
}

fn is_cue(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("cue"))
}

pub(crate) fn raw_progress_json(e: &RawCdProgressEvent) -> Value {
    json!({
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
    })
}

fn write(
    address: &str,
    source: &Path,
    sector_type: Option<SectorTypeArg>,
    start_lba: i32,
    json: bool,
) -> Result<(), Error> {
    if start_lba > -151 {
        return Err(Error::Refused {
            code: ErrorCode::E_INVALIDARG,
            reason: format!("--start-lba {start_lba} is not in the lead-in (at most -151)"),
        });
    }
    let leadin = -start_lba;
    // The stream: an image file as is, or a cue sheet imaged on the fly.
    let (stream, size, form): (Box<dyn std::io::Read + Send>, u64, SubchannelForm) =
        if is_cue(source) {
            let form = sector_type.map_or(SubchannelForm::PackedRw, SectorTypeArg::form);
            let mut creator = creator_for(source, form)?;
            let image = creator.create_result_image()?;
            let size = image.len();
            if start_lba != -22650 {
                return Err(Error::Refused {
                    code: ErrorCode::E_INVALIDARG,
                    reason:
                        "--start-lba applies to image files; a cue sheet is imaged from 95:00:00"
                            .into(),
                });
            }
            (Box::new(image), size, form)
        } else {
            let file = std::fs::File::open(source).map_err(|e| io_error(source, e))?;
            let size = file.metadata().map_err(|e| io_error(source, e))?.len();
            let form = match sector_type {
                Some(s) => s.form(),
                None if size % 2448 != 0 && size % 2368 == 0 => SubchannelForm::PqOnly,
                None => SubchannelForm::PackedRw,
            };
            (
                Box::new(std::io::BufReader::with_capacity(1 << 20, file)),
                size,
                form,
            )
        };

    let mut rec = Recorder::open(address)?;
    let mut writer = RawCdWriter::with_recorder(&mut rec);
    writer.prepare_media()?;
    writer.set_requested_sector_type(form)?;
    let cancel = writer.cancel_handle();
    let _ = ctrlc::set_handler(move || {
        let _ = cancel.cancel();
    });
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg:>10} [{bar:40}] {pos}/{len} blocks, {elapsed} elapsed, ~{eta} left",
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
            println!("{}", raw_progress_json(e));
        } else if let Some(b) = &bar_ref {
            b.set_length(e.sector_count);
            b.set_message(e.action.name());
            b.set_position(e.sectors_written);
        } else if last_action != Some(e.action) {
            eprintln!("{} ...", e.action.name());
            last_action = Some(e.action);
        }
    });
    let outcome = writer.write_media2(stream, size, leadin);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let outcome = outcome?;
    writer.release_media()?;
    drop(writer);
    if json {
        println!(
            "{}",
            json!({
                "event": "result",
                "ok": true,
                "profile": outcome.profile.name(),
                "requested_sector_type": form_name(outcome.requested_sector_type),
                "sector_type_used": form_name(outcome.sector_type_used),
                "start_lba": outcome.start_lba.0,
                "skipped_blocks": outcome.skipped_blocks,
                "blocks_written": outcome.blocks_written,
                "lead_out_start_lba": outcome.lead_out_start.map(|l| l.0),
                "rw_dropped": outcome.rw_dropped,
                "elapsed_ms": outcome.elapsed.as_millis() as u64,
            })
        );
    } else {
        println!(
            "wrote {} blocks to {} from LBA {} (skipped {} image blocks before this disc's lead-in) with sector type {}{}{}",
            outcome.blocks_written,
            outcome.profile.name(),
            outcome.start_lba.0,
            outcome.skipped_blocks,
            form_name(outcome.sector_type_used),
            if outcome.sector_type_used != outcome.requested_sector_type {
                format!(
                    " (the drive refused {}; fell back)",
                    form_name(outcome.requested_sector_type)
                )
            } else {
                String::new()
            },
            if outcome.rw_dropped {
                "; R-W sub-code (CD-Text) was dropped"
            } else {
                ""
            }
        );
    }
    Ok(())
}

pub(crate) fn export(address: &str, output: &Path, json: bool) -> Result<(), Error> {
    let bin = output.with_extension("bin");
    let mut rec = Recorder::open(address)?;
    let outcome = rec.export_cue(&bin, output)?;
    if json {
        let mut v = json!({
            "event": "result",
            "ok": true,
            "cue": output.display().to_string(),
            "bin": bin.display().to_string(),
            "bin_start_lba": outcome.bin_start.0,
            "blocks": outcome.blocks,
        });
        v["toc"] = toc_json(&outcome.toc);
        println!("{v}");
    } else {
        println!(
            "exported {} tracks: {} ({} blocks of 2352 bytes from LBA {}) and {}",
            outcome.toc.tracks.len(),
            bin.display(),
            outcome.blocks,
            outcome.bin_start.0,
            output.display()
        );
    }
    Ok(())
}

fn msf_text(m: discmaster::cd::cue::CueIndex) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        m.time.minute, m.time.second, m.time.frame
    )
}

/// MSF text of an LBA (lead-in LBAs below −150 as 9x minutes; reference `mmc.md` §4.1).
fn msf_of_lba(lba: discmaster::Lba) -> String {
    let l = i64::from(lba.0);
    let frames = if l >= -150 { l + 150 } else { l + 450_150 };
    if frames < 0 {
        return String::new();
    }
    format!(
        "{:02}:{:02}:{:02}",
        frames / 4500,
        frames / 75 % 60,
        frames % 75
    )
}

fn cue_text_json(t: &cue::CdText) -> Value {
    let mut m = serde_json::Map::new();
    for field in cue::CdTextField::ALL {
        if let Some(v) = t.get(field) {
            m.insert(field.keyword().to_ascii_lowercase(), json!(v));
        }
    }
    Value::Object(m)
}

fn fields_json(t: &TextFields) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in [
        ("title", &t.title),
        ("performer", &t.performer),
        ("songwriter", &t.songwriter),
        ("composer", &t.composer),
        ("arranger", &t.arranger),
        ("message", &t.message),
        ("upc_isrc", &t.upc_isrc),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    }
    Value::Object(m)
}

pub(crate) fn cd_text_json(t: &CdText) -> Value {
    json!({
        "language": t.language,
        "first_track": t.first_track,
        "disc": fields_json(&t.disc),
        "disc_id": t.disc_id,
        "genre": t.genre.as_ref().map(|g| json!({"code": g.code, "text": g.text})),
        "tracks": t.tracks.iter().enumerate().map(|(k, f)| {
            let mut v = fields_json(f);
            v["number"] = json!(usize::from(t.first_track) + k);
            v
        }).collect::<Vec<_>>(),
    })
}

/// The CD part of `info` / `export` as JSON.
pub(crate) fn toc_json(toc: &CdToc) -> Value {
    json!({
        "lead_out_lba": toc.lead_out.0,
        "disc_type": toc.disc_type,
        "mcn": toc.mcn,
        "cd_text": toc.cd_text.as_ref().map(cd_text_json),
        "tracks": toc.tracks.iter().map(|t| json!({
            "number": t.number,
            "control": t.control,
            "type": match t.kind {
                CdTrackKind::Audio => "audio",
                CdTrackKind::Mode1 => "mode1",
                CdTrackKind::Mode2 => "mode2",
            },
            "pregap_start_lba": t.pregap_start.0,
            "start_lba": t.start.0,
            "end_lba": t.end.0,
            "isrc": t.isrc,
            "indexes": t.indexes.iter().map(|(n, l)| json!({
                "number": n,
                "lba": l.0,
                "msf": msf_of_lba(*l),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The CD part of `info` as text.
pub(crate) fn print_toc(toc: &CdToc) {
    println!("CD:       lead-out at LBA {}", toc.lead_out.0);
    if let Some(m) = &toc.mcn {
        println!("          MCN {m}");
    }
    let track_text = |n: u8| {
        toc.cd_text.as_ref().and_then(|c| {
            c.tracks
                .get(usize::from(n.saturating_sub(c.first_track.max(1))))
        })
    };
    if let Some(c) = &toc.cd_text {
        let d = &c.disc;
        println!(
            "          CD-Text: {}{}",
            d.title.as_deref().unwrap_or(""),
            d.performer
                .as_deref()
                .map(|p| format!(" / {p}"))
                .unwrap_or_default()
        );
    }
    for t in &toc.tracks {
        let kind = match t.kind {
            CdTrackKind::Audio => "audio",
            CdTrackKind::Mode1 => "mode1",
            CdTrackKind::Mode2 => "mode2",
        };
        let indexes: Vec<String> = t
            .indexes
            .iter()
            .map(|(n, l)| format!("{n:02}@{}", l.0))
            .collect();
        println!(
            "  track {:>2} {:<5} ctl {:X}  indexes {}{}",
            t.number,
            kind,
            t.control,
            indexes.join(" "),
            t.isrc
                .as_deref()
                .map(|i| format!("  ISRC {i}"))
                .unwrap_or_default()
        );
        if let Some(f) = track_text(t.number) {
            if f.title.is_some() || f.performer.is_some() {
                println!(
                    "           CD-Text: {}{}",
                    f.title.as_deref().unwrap_or(""),
                    f.performer
                        .as_deref()
                        .map(|p| format!(" / {p}"))
                        .unwrap_or_default()
                );
            }
        }
    }
}

pub(crate) fn cue_command(action: CueAction, json: bool) -> Result<(), Error> {
    match action {
        CueAction::Show { cue } => cue_show(&cue, json),
    }
}

fn cue_show(path: &Path, json: bool) -> Result<(), Error> {
    let sheet: CueSheet = discmaster::read_cue_sheet(path)?;
    let files: Vec<Value> = sheet
        .files
        .iter()
        .map(|f| {
            let p = discmaster::cue_file_path(path, &f.name);
            json!({
                "name": f.name,
                "type": f.file_format.keyword(),
                "path": p.display().to_string(),
                "exists": p.exists(),
            })
        })
        .collect();
    let all_exist = sheet
        .files
        .iter()
        .all(|f| discmaster::cue_file_path(path, &f.name).exists());
    let (layout, layout_error) = if all_exist {
        match discmaster::cue_layout(&sheet, path) {
            Ok(l) => (Some(l), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, None)
    };
    let tracks: Vec<Value> = sheet
        .tracks
        .iter()
        .map(|t| {
            let mut v = json!({
                "number": t.number,
                "mode": t.track_mode.keyword(),
                "flags": {
                    "dcp": t.flags.digital_copy_permitted,
                    "4ch": t.flags.four_channel,
                    "pre": t.flags.pre_emphasis,
                    "scms": t.flags.serial_copy_management,
                },
                "isrc": t.isrc.as_ref().map(|i| i.as_str().to_string()),
                "pregap": t.pregap.map(|m| m.to_string()),
                "postgap": t.postgap.map(|m| m.to_string()),
                "indexes": t.indexes.iter().map(|i| json!({
                    "number": i.number,
                    "file": sheet.files.get(i.file).map(|f| f.name.clone()),
                    "time": msf_text(*i),
                })).collect::<Vec<_>>(),
                "cd_text": cue_text_json(&t.effective_cd_text()),
            });
            if let Some(l) = layout
                .as_ref()
                .and_then(|l| l.tracks.iter().find(|p| p.number == t.number))
            {
                v["disc"] = json!({
                    "pregap_start_lba": l.pregap_start.0,
                    "start_lba": l.start.0,
                    "start_msf": msf_of_lba(l.start),
                    "length_blocks": l.length_blocks.0,
                    "pregap_blocks": l.pregap_blocks.0,
                    "postgap_blocks": l.postgap_blocks.0,
                    "end_lba": l.end.0,
                    "indexes": l.indexes.iter().map(|(n, lba)| json!({"number": n, "lba": lba.0})).collect::<Vec<_>>(),
                });
            }
            v
        })
        .collect();
    let v = json!({
        "event": "cue",
        "path": path.display().to_string(),
        "charset": format!("{:?}", sheet.charset),
        "catalog": sheet.catalog.as_ref().map(|m| m.as_str().to_string()),
        "cd_text_file": sheet.cd_text_file,
        "cd_text": cue_text_json(&sheet.effective_cd_text()),
        "rems": sheet.rems.iter().map(|r| r.text.clone()).collect::<Vec<_>>(),
        "files": files,
        "tracks": tracks,
        "lead_out_lba": layout.as_ref().map(|l| l.lead_out.0),
        "layout_error": layout_error,
    });
    if json {
        println!("{v}");
        return Ok(());
    }
    println!("Cue sheet: {} ({:?})", path.display(), sheet.charset);
    if let Some(c) = &sheet.catalog {
        println!("CATALOG   {}", c.as_str());
    }
    print_cue_text("", &sheet.effective_cd_text());
    for f in &sheet.files {
        let p = discmaster::cue_file_path(path, &f.name);
        println!(
            "FILE      {:?} {}{}",
            f.name,
            f.file_format.keyword(),
            if p.exists() { "" } else { "  (missing)" }
        );
    }
    for t in &sheet.tracks {
        let placed = layout
            .as_ref()
            .and_then(|l| l.tracks.iter().find(|p| p.number == t.number));
        println!(
            "TRACK {:02}  {}{}",
            t.number,
            t.track_mode.keyword(),
            placed
                .map(|l| format!(
                    "   disc: start LBA {} ({}), {} blocks, pregap from LBA {}",
                    l.start.0,
                    msf_of_lba(l.start),
                    l.length_blocks.0,
                    l.pregap_start.0
                ))
                .unwrap_or_default()
        );
        let mut flags = Vec::new();
        if t.flags.digital_copy_permitted {
            flags.push("DCP");
        }
        if t.flags.four_channel {
            flags.push("4CH");
        }
        if t.flags.pre_emphasis {
            flags.push("PRE");
        }
        if t.flags.serial_copy_management {
            flags.push("SCMS");
        }
        if !flags.is_empty() {
            println!("  FLAGS   {}", flags.join(" "));
        }
        if let Some(i) = &t.isrc {
            println!("  ISRC    {}", i.as_str());
        }
        if let Some(p) = t.pregap {
            println!("  PREGAP  {p}");
        }
        for i in &t.indexes {
            println!(
                "  INDEX {:02} {}  ({})",
                i.number,
                msf_text(*i),
                sheet.files.get(i.file).map_or("?", |f| f.name.as_str())
            );
        }
        if let Some(p) = t.postgap {
            println!("  POSTGAP {p}");
        }
        print_cue_text("  ", &t.effective_cd_text());
    }
    if let Some(l) = &layout {
        println!("Lead-out at LBA {}", l.lead_out.0);
    }
    if let Some(e) = layout_error {
        println!("Layout: {e}");
    }
    Ok(())
}

fn print_cue_text(indent: &str, t: &cue::CdText) {
    for field in cue::CdTextField::ALL {
        if let Some(v) = t.get(field) {
            println!("{indent}{:<9} {v:?}", field.keyword());
        }
    }
}
