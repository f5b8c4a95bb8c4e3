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

pub(crate) fn parse_media(m: &str) -> Result<MediaKind, Error> {
    m.parse::<MediaKind>().map_err(|_| Error::Refused {
        code: ErrorCode::E_INVALIDARG,
        reason: format!("unknown medium {m:?}: use cd-r, dvd+r, dvd-r or bd-r"),
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
