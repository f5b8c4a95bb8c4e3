//! discmaster: an IMAPI2-shaped optical disc recording library.
//!
//! - [`Recorder`] = `IDiscRecorder2`: one drive, opened by address (`emu:PATH` for the
//!   emulated recorder).
//! - [`DataWriter`] = `IDiscFormat2Data`: writes an ISO/UDF image as a new session, with
//!   progress events, cancel and read-back verification.
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

mod data_writer;
mod error;
mod executor;
mod multisession;
mod progress;
mod recorder;
mod recorder_ex;
mod ring;
pub mod sense_map;

pub use data_writer::{media_state, DataWriter, WriteOutcome};
pub use discmaster_core::{ErrorCode, Lba};
pub use discmaster_mmc::{DiscStatus, Profile};
pub use error::{Error, Result};
pub use multisession::MultisessionInfo;
pub use progress::{CancelHandle, ProgressEvent, WriteAction};
pub use recorder::{
    default_drive_address, sg_devices, DiscSummary, DriveAddress, DriveIdentity, Recorder,
    TrackSummary,
};
pub use recorder_ex::{validate_cdb, RawData, RawOutcome, LEGACY_OPCODES};

/// The emulated recorder (re-exported so tools need only this crate).
pub mod emu {
    pub use discmaster_emu::{EmuError, EmulatedDrive, MediaKind};
}

pub(crate) fn emu_error(source: discmaster_emu::EmuError) -> Error {
    let code = match source {
        discmaster_emu::EmuError::Locked { .. } => ErrorCode::E_IMAPI_RECORDER_LOCKED,
        _ => ErrorCode::E_DISCMASTER_IO,
    };
    Error::Emulator { code, source }
}
