//! `discmaster-emu`: an emulated MMC recorder addressed as `emu:PATH`.
//!
//! `PATH` is a directory holding the drive's state and its medium, so separate processes
//! (`burn`, then `info`, then `read`) see the same disc:
//!
//! * `drive.json` — identity (vendor `DISCMSTR`, product `EMU RECORDER`, revision, serial),
//!   the kind of the loaded medium, if any, and the current values of the drive's own mode
//!   pages 01h, 08h, 1Ah and 1Dh (they outlive media changes);
//! * `medium.json` — the recording state: profile, capacity, tracks (number, session, start,
//!   size, recorded blocks, state), closed sessions, disc status, NWA, mode page 05h current
//!   values, pending unit attention, sectors written;
//! * `medium.img` — a sparse file with the user data of LBA *n* at byte *n* × 2048;
//! * `.lock` — held exclusively while an [`EmulatedDrive`] is open;
//! * `shelf/<n>-<kind>/` — discs that were ejected or replaced (never destroyed).
//!
//! The drive implements [`Transport`]: CDBs go through one dispatch table
//! ([`dispatch::COMMANDS`]) built from the `discmaster-mmc` command types; a CHECK CONDITION
//! is returned as fixed-format sense in the [`Completion`] (autosense) and kept for REQUEST
//! SENSE. No input makes it panic.
//!
//! The recording model (tracks, sessions, NWA, padding, session gaps) is described in the
//! `model` module; it follows `mmc.md` §1.9–§1.22, §5 and §6.
//!
//! ```
//! use discmaster_emu::{EmulatedDrive, MediaKind};
//! use discmaster_transport::{DataPhase, Transport};
//! use std::time::Duration;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut drive = EmulatedDrive::open(dir.path()).unwrap();
//! drive.load_blank(MediaKind::DvdPlusR).unwrap();
//! // The first medium access reports the medium change (6/28/00), then the unit is ready.
//! let tur = [0u8; 6];
//! let first = drive.execute(&tur, DataPhase::None, Duration::from_secs(1)).unwrap();
//! assert!(!first.is_good());
//! assert!(drive.execute(&tur, DataPhase::None, Duration::from_secs(1)).unwrap().is_good());
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod dispatch;
mod error;
mod handlers;
mod media;
mod model;
mod pages;
mod store;
mod unit;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use discmaster_transport::{Completion, DataPhase, Transport, TransportError};

pub use error::EmuError;
pub use media::MediaKind;
pub use model::DVD_SESSION_GAP_BLOCKS;

use store::Store;
use unit::Unit;

/// An emulated MMC recorder with its state in a directory (`emu:PATH`).
///
/// Opening takes an exclusive lock on `PATH/.lock` (released on drop); the medium state is
/// saved on structural changes, every 64 MiB of written data, and on drop.
///
/// Spec: behaves as `mmc.md` §6 asks of an emulated recorder.
#[derive(Debug)]
pub struct EmulatedDrive {
    unit: Unit,
    /// Held for the lifetime of the drive; the OS releases the lock when it is closed.
    _lock: File,
}

impl EmulatedDrive {
    /// Opens (creating if missing) the drive directory `dir`. A new directory holds an empty
    /// drive (no medium).
    ///
    /// # Errors
    /// [`EmuError::Locked`] when another `EmulatedDrive` has `dir` open; [`EmuError::State`]
    /// for corrupt state files; [`EmuError::Io`] when the directory cannot be used.
    pub fn open(dir: &Path) -> Result<EmulatedDrive, EmuError> {
        let store = Store::new(dir.to_path_buf());
        let lock = store.lock()?;
        let unit = Unit::open(store)?;
        Ok(EmulatedDrive { unit, _lock: lock })
    }

    /// Loads a new blank disc of `media`. A disc already loaded is moved to
    /// `PATH/shelf/<n>-<kind>/` (never destroyed); returns where it went. The next
    /// medium-access command reports 6/28/00 once.
    ///
    /// # Errors
    /// [`EmuError::Io`] when the files cannot be written or moved.
    pub fn load_blank(&mut self, media: MediaKind) -> Result<Option<PathBuf>, EmuError> {
        self.unit.load_blank(media)
    }

    /// Removes the disc (as an operator would): it is moved to `PATH/shelf/<n>-<kind>/` and
    /// the tray is empty. Does not honour PREVENT MEDIUM REMOVAL (that guards the SCSI eject
    /// only). Returns where the disc went, `None` when the tray was empty.
    ///
    /// # Errors
    /// [`EmuError::Io`] when the files cannot be written or moved.
    pub fn eject(&mut self) -> Result<Option<PathBuf>, EmuError> {
        self.unit.eject()
    }

    /// The kind of the loaded medium, `None` when the tray is empty.
    pub fn media(&self) -> Option<MediaKind> {
        self.unit.loaded.as_ref().map(|l| l.medium.kind)
    }

    /// The drive directory.
    pub fn dir(&self) -> &Path {
        self.unit.store.dir()
    }

    /// Blocks the host has written to the current medium (0 without a medium).
    ///
    /// Units: blocks (2048 bytes).
    pub fn sectors_written(&self) -> u64 {
        self.unit
            .loaded
            .as_ref()
            .map_or(0, |l| l.medium.sectors_written)
    }

    /// Saves the medium state now (it is also saved on drop).
    ///
    /// # Errors
    /// [`EmuError::Io`] when `medium.json` cannot be written.
    pub fn flush(&mut self) -> Result<(), EmuError> {
        self.unit.save()
    }
}

impl Drop for EmulatedDrive {
    fn drop(&mut self) {
        if self.unit.loaded.as_ref().is_some_and(|l| l.dirty) {
            if let Err(e) = self.unit.save() {
                tracing::warn!(error = %e, "emulated drive: saving the medium state on drop failed");
            }
        }
    }
}

impl Transport for EmulatedDrive {
    /// Executes one CDB against the emulated unit. `timeout` is ignored: every command
    /// completes at once.
    ///
    /// # Errors
    /// [`TransportError::Io`] when the drive's own files cannot be read or written; every
    /// command failure is `Ok` with CHECK CONDITION and sense.
    fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        _timeout: Duration,
    ) -> Result<Completion, TransportError> {
        dispatch::execute(&mut self.unit, cdb, data)
    }

    fn describe(&self) -> String {
        format!("emu:{}", self.dir().display())
    }
}
