//! `discmaster`: burn, inspect and read optical discs on real or emulated recorders.
//!
//! Output: human text by default; with `--json` one JSON object per line on stdout (NDJSON).
//! Errors always print the IMAPI name and value; the exit status is a category
//! ([`exit_status`]).
#![forbid(unsafe_code)]

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use discmaster_mmc::PageControl;

mod decode;
use discmaster::emu::{EmulatedDrive, MediaKind};
use discmaster::{
    DataWriter, DiscStatus, DiscSummary, DriveAddress, Error, ErrorCode, ProgressEvent, Recorder,
    WriteAction,
};
use serde_json::{json, Value};

#[derive(Parser)]
#[command(
    name = "discmaster",
    version,
    about = "Optical disc recording: IMAPI2 semantics, MMC recorders, an emulated drive"
)]
struct Cli {
    /// Drive address: emu:PATH (emulated recorder) or /dev/srN. Default: $DISCMASTER_DRIVE, else the
    /// emulated drive in $XDG_DATA_HOME/discmaster/emu0.
    #[arg(long, global = true)]
    drive: Option<String>,
    /// Print one JSON object per line on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Manage an emulated drive's medium.
    Emu {
        #[command(subcommand)]
        action: EmuAction,
    },
    /// Drive identity, profile, disc status, sessions and tracks, free space.
    Info,
    /// Burn an image file or a directory (built into ISO 9660 + Joliet + Rock Ridge) as a new session.
    Burn {
        /// An image file (size a multiple of 2048) or a directory.
        source: PathBuf,
        /// Load a blank medium of this type first (emulated drives only): cd-r, dvd+r, dvd-r, bd-r.
        #[arg(long)]
        media: Option<String>,
        /// Close (finalize) the disc: no further session can be added.
        #[arg(long)]
        close: bool,
        /// Close DVD+R after every write, as IMAPI's consumer DVD compatibility mode does.
        #[arg(long)]
        dvd_compat: bool,
        /// Skip reading back and comparing.
        #[arg(long)]
        no_verify: bool,
        /// Volume id for a directory source (default: the directory's name).
        #[arg(long)]
        volume_id: Option<String>,
    },
    /// Every recorder found: SG_IO devices and emulated drives.
    List,
    /// Send a raw CDB (IMAPI SendCommand*: CDB size validated, CHECK CONDITION returns sense).
    Cdb {
        /// Read this many bytes from the device.
        #[arg(long, conflicts_with = "data_out")]
        data_in: Option<usize>,
        /// Send this file's bytes to the device.
        #[arg(long)]
        data_out: Option<PathBuf>,
        /// Timeout in seconds.
        #[arg(long, default_value_t = 10)]
        timeout: u32,
        /// CDB bytes in hex.
        #[arg(required = true, num_args = 1..)]
        cdb: Vec<String>,
    },
    /// Get or set mode pages.
    ModePage {
        #[command(subcommand)]
        action: ModePageAction,
    },
    /// GET CONFIGURATION: every feature, decoded.
    Features {
        /// Only current features.
        #[arg(long)]
        current: bool,
    },
    /// The drive's profiles (the current one marked).
    Profiles,
    /// Decode bytes captured elsewhere (a log, sg_raw output) with the library's parsers.
    Decode {
        #[arg(value_enum)]
        kind: DecodeKind,
        /// The bytes in hex.
        #[arg(required = true, num_args = 1..)]
        bytes: Vec<String>,
    },
    /// Copy a track's user data to a file.
    Read {
        /// Track number.
        #[arg(long)]
        track: u16,
        /// Output file.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
}

/// MODE SENSE page control (IMAPI `IMAPI_MODE_PAGE_REQUEST_TYPE`).
#[derive(Clone, Copy, ValueEnum)]
enum Control {
    Current,
    Changeable,
    Default,
    Saved,
}

impl From<Control> for PageControl {
    fn from(c: Control) -> PageControl {
        match c {
            Control::Current => PageControl::Current,
            Control::Changeable => PageControl::Changeable,
            Control::Default => PageControl::Default,
            Control::Saved => PageControl::Saved,
        }
    }
}

#[derive(Subcommand)]
enum ModePageAction {
    /// MODE SENSE(10): print one page without the mode parameter header.
    Get {
        /// Page code in hex (e.g. 2a, 05).
        page: String,
        #[arg(long, value_enum, default_value = "current")]
        control: Control,
    },
    /// MODE SELECT(10): set a page given as hex bytes (the page only; the header is generated).
    Set {
        #[arg(long, value_enum, default_value = "current")]
        control: Control,
        /// The page bytes in hex.
        #[arg(required = true, num_args = 1..)]
        bytes: Vec<String>,
    },
    /// The page codes the drive reports (page 3Fh).
    List {
        #[arg(long, value_enum, default_value = "current")]
        control: Control,
    },
}

/// What `decode` interprets.
#[derive(Clone, Copy, ValueEnum)]
enum DecodeKind {
    Sense,
    Inquiry,
    ModePage,
    Features,
    DiscInfo,
    TrackInfo,
    Toc,
    Atip,
    FormatCapacities,
}

#[derive(Subcommand)]
enum EmuAction {
    /// Load a new blank medium (a disc it replaces is kept on the drive's shelf).
    Load {
        /// cd-r, dvd+r, dvd-r or bd-r.
        #[arg(long)]
        media: String,
    },
    /// Eject the medium (kept on the drive's shelf).
    Eject,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let address = cli
        .drive
        .clone()
        .unwrap_or_else(discmaster::default_drive_address);
    match run(cli, &address) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report_error(&e, json);
            ExitCode::from(exit_status(&e))
        }
    }
}

/// Exit status categories: 3 refused (input or medium not suitable), 4 drive or transport
/// error, 5 cancelled, 6 verification failed, 1 anything else (host IO). Clap uses 2 for usage.
fn exit_status(e: &Error) -> u8 {
    match e {
        Error::Refused { .. } => 3,
        Error::Command { .. }
        | Error::Transport { .. }
        | Error::InvalidResponse { .. }
        | Error::Emulator { .. } => 4,
        Error::Cancelled { .. } => 5,
        Error::VerifyMismatch { .. } => 6,
        Error::WriteFailed { cause, .. } => exit_status(cause),
        _ => 1,
    }
}

fn report_error(e: &Error, json: bool) {
    let code = e.code();
    let name = code.name().unwrap_or("UNKNOWN");
    if json {
        println!(
            "{}",
            json!({"event": "error", "code": format!("0x{:08X}", code.0), "name": name, "message": e.to_string()})
        );
    } else {
        // Every error's Display starts with its name and value.
        let _ = name;
        eprintln!("discmaster: error {e}");
    }
}

fn run(cli: Cli, address: &str) -> Result<(), Error> {
    match cli.command {
        Command::Emu { action } => emu_command(address, action, cli.json),
        Command::Info => info(address, cli.json),
        Command::Burn {
            source,
            media,
            close,
            dvd_compat,
            no_verify,
            volume_id,
        } => {
            if let Some(m) = media {
                load_media(address, &m, cli.json)?;
            }
            burn(
                address, &source, close, dvd_compat, !no_verify, volume_id, cli.json,
            )
        }
        Command::Read { track, output } => read(address, track, &output, cli.json),
        Command::List => list(address, cli.json),
        Command::Cdb {
            data_in,
            data_out,
            timeout,
            cdb,
        } => raw_cdb(address, data_in, data_out, timeout, &cdb, cli.json),
        Command::ModePage { action } => mode_page(address, action, cli.json),
        Command::Features { current } => features(address, current, cli.json),
        Command::Profiles => profiles(address, cli.json),
        Command::Decode { kind, bytes } => decode_cmd(kind, &bytes, cli.json),
    }
}

fn emulated_dir(address: &str) -> Result<PathBuf, Error> {
    match DriveAddress::parse(address)? {
        DriveAddress::Emulated(p) => Ok(p),
        other => Err(Error::Refused {
            code: ErrorCode::E_DISCMASTER_INVALID_ADDRESS,
            reason: format!("{other} is not an emulated drive (emu:PATH)"),
        }),
    }
}

fn open_emulated(address: &str) -> Result<EmulatedDrive, Error> {
    let dir = emulated_dir(address)?;
    EmulatedDrive::open(&dir).map_err(|source| {
        let code = match source {
            discmaster::emu::EmuError::Locked { .. } => ErrorCode::E_IMAPI_RECORDER_LOCKED,
            _ => ErrorCode::E_DISCMASTER_IO,
        };
        Error::Emulator { code, source }
    })
}

fn parse_media(m: &str) -> Result<MediaKind, Error> {
    m.parse::<MediaKind>().map_err(|_| Error::Refused {
        code: ErrorCode::E_INVALIDARG,
        reason: format!("unknown medium {m:?}: use cd-r, dvd+r, dvd-r or bd-r"),
    })
}

fn load_media(address: &str, media: &str, json: bool) -> Result<(), Error> {
    let kind = parse_media(media)?;
    let mut drive = open_emulated(address)?;
    let shelved = drive.load_blank(kind).map_err(|source| Error::Emulator {
        code: ErrorCode::E_DISCMASTER_IO,
        source,
    })?;
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

fn emu_command(address: &str, action: EmuAction, json: bool) -> Result<(), Error> {
    match action {
        EmuAction::Load { media } => load_media(address, &media, json),
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

fn status_name(s: DiscStatus) -> &'static str {
    match s {
        DiscStatus::Empty => "blank",
        DiscStatus::Incomplete => "appendable",
        DiscStatus::Complete => "complete",
        DiscStatus::Other => "overwritable",
        DiscStatus::Unknown(_) => "unknown",
    }
}

fn summary_json(s: &DiscSummary) -> Value {
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

fn info(address: &str, json: bool) -> Result<(), Error> {
    let mut rec = Recorder::open(address)?;
    let id = rec.identity()?;
    let profile = rec.current_profile()?;
    let summary = if profile == discmaster::Profile::NoCurrentProfile {
        None
    } else {
        Some(rec.disc_summary()?)
    };
    if json {
        let v = json!({
            "event": "info",
            "drive": {"address": address, "vendor": id.vendor, "product": id.product, "revision": id.revision},
            "medium": summary.as_ref().map(summary_json),
        });
        println!("{v}");
        return Ok(());
    }
    println!("Drive:    {address}");
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
fn mib(sectors: u32) -> String {
    format!(
        "{:.1} MiB",
        f64::from(sectors) * 2048.0 / (1u64 << 20) as f64
    )
}

fn progress_json(e: &ProgressEvent) -> Value {
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

fn burn(
    address: &str,
    source: &Path,
    close: bool,
    dvd_compat: bool,
    verify: bool,
    volume_id: Option<String>,
    json: bool,
) -> Result<(), Error> {
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
    let mut writer = DataWriter::new(&mut rec);
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
    let outcome = writer.write_file(&image);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    drop(temp);
    let outcome = outcome?;
    if json {
        println!(
            "{}",
            json!({
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
            })
        );
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
            if outcome.closed {
                ", disc closed"
            } else {
                ", disc appendable"
            },
        );
    }
    Ok(())
}

fn read(address: &str, track: u16, output: &Path, json: bool) -> Result<(), Error> {
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

fn hex_arg(tokens: &[String]) -> Result<Vec<u8>, Error> {
    decode::parse_hex(tokens).map_err(|m| Error::Refused {
        code: ErrorCode::E_INVALIDARG,
        reason: m,
    })
}

/// Prints `v` as one JSON line or as indented text under `title`.
fn emit(json: bool, title: &str, v: Value) {
    if json {
        println!("{v}");
    } else {
        let mut out = String::new();
        if !title.is_empty() {
            out.push_str(title);
            out.push('\n');
        }
        decode::render(&v, usize::from(!title.is_empty()), &mut out);
        print!("{out}");
    }
}

fn decode_cmd(kind: DecodeKind, tokens: &[String], json: bool) -> Result<(), Error> {
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

fn raw_cdb(
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

fn mode_page(address: &str, action: ModePageAction, json: bool) -> Result<(), Error> {
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

fn features(address: &str, current: bool, json: bool) -> Result<(), Error> {
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

fn profiles(address: &str, json: bool) -> Result<(), Error> {
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
fn emulated_drives(address: &str) -> Vec<String> {
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

fn list(address: &str, json: bool) -> Result<(), Error> {
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
