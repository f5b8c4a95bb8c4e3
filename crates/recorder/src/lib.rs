//! discmaster: an IMAPI2-shaped optical disc recording library.
//!
//! - [`Recorder`] = `IDiscRecorder2`: one drive, opened by address (`emu:PATH` for the
//!   emulated recorder).
//! - [`DataWriter`] = `IDiscFormat2Data`: writes an ISO/UDF image as a new session, or from
//!   sector 0 of rewritable media (only the ranges of a [`BlockRangeList`] if given), with
//!   progress events, cancel, write speed, simulation and read-back verification.
//! - [`Eraser`] = `IDiscFormat2Erase`, [`Formatter`] (FORMAT UNIT), [`TrackAtOnce`] =
//!   `IDiscFormat2TrackAtOnce` (audio CDs).
//! - [`Error`] carries IMAPI2's numeric codes ([`ErrorCode`]).
//!
//! ```
//! # fn main() -> Result<(), discmaster::Error> {
//! let dir = tempfile::tempdir().unwrap();
//! let address = format!("emu:{}", dir.path().display());
//! {
//!     let mut drive = discmaster::emu::EmulatedDrive::open(dir.path()).unwrap();
//!     drive.load_blank(discmaster::emu::MediaKind::BdR).unwrap();
//! }
//! let mut recorder = discmaster::Recorder::open(&address)?;
//! let image = vec![0x41u8; 64 * 2048];
//! let outcome = discmaster::DataWriter::new(&mut recorder).write(std::io::Cursor::new(image), 64 * 2048)?;
//! assert_eq!(outcome.sectors_written, 64);
//! assert!(outcome.verified);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod block_range;
mod data_writer;
mod eraser;
mod error;
mod executor;
mod format;
mod multisession;
mod progress;
mod raw_cd;
mod recorder;
mod recorder_ex;
mod ring;
pub mod sense_map;
mod speed;
mod track_at_once;

pub use block_range::{BlockRange, BlockRangeList};
pub use data_writer::{media_state, DataWriter, Multisession, WriteOutcome};
pub use discmaster_core::{ErrorCode, Lba};
pub use discmaster_mmc::{DiscStatus, Profile};
pub use eraser::{EraseOutcome, Eraser};
pub use error::{Error, Result};
pub use format::{
    CapacityState, FormatCapacityList, FormatOutcome, FormattableCapacity, Formatter,
    LongOperationProgress, SpareAreas,
};
pub use multisession::{MultisessionInfo, MultisessionRandomWrite};
pub use progress::{CancelHandle, ProgressEvent, WriteAction};
pub use raw_cd::{
    cue_file_path, cue_layout, read_cue_sheet, CdToc, CdTocTrack, CdTrackKind, DigitalCopySetting,
    ExportOutcome, IndexAdded, RawCdCancelHandle, RawCdImage, RawCdImageCreator,
    RawCdProgressEvent, RawCdTrackInfo, RawCdWriteAction, RawCdWriteOutcome, RawCdWriter,
    TrackSource,
};
pub use recorder::{
    default_drive_address, sg_devices, DiscSummary, DriveAddress, DriveIdentity, Recorder,
    TrackSummary,
};
pub use recorder_ex::{validate_cdb, RawData, RawOutcome, LEGACY_OPCODES};
pub use speed::{
    kbps_to_sectors_per_second, sectors_per_second_at_1x, sectors_per_second_to_kbps,
    CurrentWriteSpeed, SpeedStatus, WriteSpeedDescriptor, WriteSpeedSetting,
};
pub use track_at_once::{
    AudioTrackOutcome, TaoCancelHandle, TaoProgressEvent, TaoWriteAction, TrackAtOnce,
    AUDIO_SECTOR_BYTES, DEFAULT_AUDIO_PAUSE_SECTORS, MAX_TRACKS, MIN_TRACK_SECTORS,
};

/// ECMA-130 CD coding, cue sheets and raw DAO layouts (re-exported for tools).
pub use discmaster_cd as cd;

/// The emulated recorder (re-exported so tools need only this crate).
pub mod emu {
    pub use discmaster_emu::{
        parse_media_spec, parse_msf, EmuError, EmulatedDrive, MediaKind, MediaOptions, Preformat,
    };
}

pub(crate) fn emu_error(source: discmaster_emu::EmuError) -> Error {
    let code = match source {
        discmaster_emu::EmuError::Locked { .. } => ErrorCode::E_IMAPI_RECORDER_LOCKED,
        _ => ErrorCode::E_DISCMASTER_IO,
    };
    Error::Emulator { code, source }
}
