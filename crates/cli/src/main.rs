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

mod data;
mod decode;
mod drive;
mod media;
mod rawcd;
mod serve;
use data::*;
use discmaster::emu::{EmulatedDrive, MediaKind};
use discmaster::{
    DataWriter, DiscStatus, DiscSummary, DriveAddress, Error, ErrorCode, ProgressEvent, Recorder,
    WriteAction,
};
use drive::*;
use serde_json::{json, Value};

#[derive(Parser)]
#[command(
    name = "discmaster",
    version,
    about = "Optical disc recording: IMAPI2 semantics, MMC recorders, an emulated drive"
)]
struct Cli {
    /// Drive address: emu:PATH (emulated recorder), /dev/srN or /dev/sgN (SG_IO), or
    /// iscsi://HOST[:PORT]/TARGET-IQN/LUN. Default: $DISCMASTER_DRIVE, else the emulated drive in
    /// $XDG_DATA_HOME/discmaster/emu0.
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
        #[command(flatten)]
        extras: media::BurnExtras,
    },
    /// Erase the medium (IMAPI EraseMedia): BLANK a CD-RW/DVD-RW, re-format a DVD+RW,
    /// DVD-RAM or BD-RE. Quick by default.
    Blank {
        /// Full erase (every sector) instead of the quick one.
        #[arg(long)]
        full: bool,
    },
    /// Format a DVD+RW, DVD-RW, DVD-RAM, BD-RE or blank BD-R (FORMAT UNIT).
    Format {
        /// With spare areas (defect management; BD writes at half speed).
        #[arg(long, conflicts_with = "no_spare")]
        spare: bool,
        /// Without spare areas (full capacity and speed).
        #[arg(long)]
        no_spare: bool,
        /// Quick format (DVD+RW: foreground part only; BD-RE: no certification).
        #[arg(long)]
        quick: bool,
    },
    /// Burn an audio CD track at once (WAV/FLAC of 44.1 kHz 16-bit stereo, or raw PCM).
    Audio {
        /// The tracks, in order.
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// No 2-second gap between tracks.
        #[arg(long)]
        gapless: bool,
        /// ISRC of the next track (CC-OOO-YY-NNNNN), repeated in file order; `-` skips one.
        #[arg(long, value_name = "ISRC")]
        isrc: Vec<String>,
        /// Leave the disc open for a further session (CD Extra) instead of finalizing it.
        #[arg(long)]
        no_finalize: bool,
        /// Load a blank medium of this type first (emulated drives only): cd-r or cd-rw.
        #[arg(long)]
        media: Option<String>,
        /// Write speed (see `burn --speed`).
        #[arg(long, value_name = "SPEED")]
        speed: Option<String>,
    },
    /// The write speeds the drive offers for the loaded medium, and the current one.
    Speeds,
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
    /// Multisession information: `START,NWA` for `mkisofs -C`, as `cdrecord -msinfo` prints it.
    Msinfo,
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
        #[arg(long, required_unless_present = "disc", conflicts_with = "disc")]
        track: Option<u16>,
        /// The whole disc: every recorded track at its LBA × 2048 (a sparse disc image, as a
        /// multisession reader such as `xorriso -indev IMG -load sbsector NWA` expects).
        #[arg(long)]
        disc: bool,
        /// Output file.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Export the emulated drive (--drive emu:PATH) as an iSCSI LUN until SIGINT/SIGTERM.
    Serve(serve::ServeArgs),
    /// Raw Disc-At-Once CD images (IMAPI IRawCDImageCreator / IDiscFormat2RawCD).
    RawCd {
        #[command(subcommand)]
        action: rawcd::RawCdAction,
    },
    /// Export a written CD to a cue sheet and a .bin of 2352-byte sectors next to it.
    Export {
        /// The cue sheet to write (the .bin gets the same name with .bin).
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Cue sheets.
    Cue {
        #[command(subcommand)]
        action: rawcd::CueAction,
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
        /// cd-r, cd-rw, dvd+r, dvd-r, bd-r, dvd+rw, dvd-rw, dvd-ram, dvd+r-dl or bd-re;
        /// `:formatted` loads a DVD+RW / DVD-RW / BD-RE already formatted, `:spare` a BD-R /
        /// BD-RE formatted with spare areas (e.g. `bd-re:spare`).
        #[arg(long)]
        media: String,
        /// CD only: the ATIP start time of lead-in, MM:SS:FF (default 97:26:65).
        #[arg(long, value_name = "MM:SS:FF")]
        lead_in: Option<String>,
        /// The page 05h data block types the drive accepts for RAW writing (subset of 1,2,3;
        /// kept by the drive).
        #[arg(long, value_delimiter = ',', value_name = "DBT,...")]
        raw_dbt: Option<Vec<u8>>,
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
            extras,
        } => {
            extras.validate()?;
            if let Some(m) = media {
                load_media(address, &m, cli.json)?;
            }
            burn(
                address, &source, close, dvd_compat, !no_verify, volume_id, &extras, cli.json,
            )
        }
        Command::Blank { full } => media::blank(address, full, cli.json),
        Command::Format {
            spare,
            no_spare,
            quick,
        } => media::format(address, spare, no_spare, quick, cli.json),
        Command::Audio {
            files,
            gapless,
            isrc,
            no_finalize,
            media,
            speed,
        } => {
            if let Some(m) = media {
                load_media(address, &m, cli.json)?;
            }
            media::audio(
                address,
                &files,
                gapless,
                &isrc,
                no_finalize,
                speed.as_deref(),
                cli.json,
            )
        }
        Command::Speeds => media::speeds(address, cli.json),
        Command::Read {
            track: Some(track),
            output,
            ..
        } => read(address, track, &output, cli.json),
        Command::Read { output, .. } => read_disc(address, &output, cli.json),
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
        Command::Msinfo => msinfo(address, cli.json),
        Command::Decode { kind, bytes } => decode_cmd(kind, &bytes, cli.json),
        Command::Serve(args) => serve::serve(address, args, cli.json),
        Command::RawCd { action } => rawcd::raw_cd(address, action, cli.json),
        Command::Export { output } => rawcd::export(address, &output, cli.json),
        Command::Cue { action } => rawcd::cue_command(action, cli.json),
    }
}

pub(crate) fn emulated_dir(address: &str) -> Result<PathBuf, Error> {
    match DriveAddress::parse(address)? {
        DriveAddress::Emulated(p) => Ok(p),
        other => Err(Error::Refused {
            code: ErrorCode::E_DISCMASTER_INVALID_ADDRESS,
            reason: format!("{other} is not an emulated drive (emu:PATH)"),
        }),
    }
}

pub(crate) fn open_emulated(address: &str) -> Result<EmulatedDrive, Error> {
    let dir = emulated_dir(address)?;
    EmulatedDrive::open(&dir).map_err(|source| {
        let code = match source {
            discmaster::emu::EmuError::Locked { .. } => ErrorCode::E_IMAPI_RECORDER_LOCKED,
            _ => ErrorCode::E_DISCMASTER_IO,
        };
        Error::Emulator { code, source }
    })
}

/// `--media KIND[:formatted|:spare]` (see `discmaster::emu::parse_media_spec`).
pub(crate) fn parse_media(m: &str) -> Result<(MediaKind, discmaster::emu::MediaOptions), Error> {
    discmaster::emu::parse_media_spec(m).map_err(|e| Error::Refused {
        code: ErrorCode::E_INVALIDARG,
        reason: format!(
            "{e}: use cd-r, cd-rw, dvd+r, dvd-r, bd-r, dvd+rw, dvd-rw, dvd-ram, dvd+r-dl or \
             bd-re, optionally with :formatted (dvd+rw, dvd-rw, bd-re) or :spare (bd-r, bd-re)"
        ),
    })
}

pub(crate) fn hex_arg(tokens: &[String]) -> Result<Vec<u8>, Error> {
    decode::parse_hex(tokens).map_err(|m| Error::Refused {
        code: ErrorCode::E_INVALIDARG,
        reason: m,
    })
}

/// Prints `v` as one JSON line or as indented text under `title`.
pub(crate) fn emit(json: bool, title: &str, v: Value) {
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
