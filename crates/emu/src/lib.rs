//! `discmaster-emu`: an emulated MMC recorder addressed as `emu:PATH`.
//!
//! `PATH` is a directory holding the drive's state and its medium, so separate processes
//! (`burn`, then `info`, then `read`) see the same disc:
//!
//! * `drive.json` — identity (vendor `DISCMSTR`, product `EMU RECORDER`, revision, serial),
//!   the kind of the loaded medium, if any, the current values of the drive's own mode
//!   pages 01h, 08h, 1Ah and 1Dh (they outlive media changes), the page 05h data block
//!   types the drive accepts with write type RAW (`raw_data_block_types`, default 1, 2, 3),
//!   the host's last write speed request (`requested_write_speed_kbps`) and how many polls a
//!   long operation lasts (`long_operation_polls`, default 8);
//! * `medium.json` — the recording state: profile, capacity, tracks (number, session, start,
//!   size, recorded blocks, state), closed sessions, disc status, NWA, mode page 05h current
//!   values, pending unit attention, sectors written, the ATIP lead-in start of a CD, and for
//!   a CD written in RAW mode the recording state and what was decoded from it (`raw_cd`:
//!   lead-in TOC, tracks and indexes, ISRC, MCN, CD-Text packs); for rewritable media the
//!   format state (`overwrite`: formatted, background format, DVD-RW intermediate state),
//!   BD spare areas, a running long operation and a Test Write snapshot;
//! * `medium.img` — a sparse file with the user data of LBA *n* at byte *n* × 2048;
//! * `medium.raw` — CD written in RAW mode only: a sparse file with 2352 bytes of main channel
//!   (data sectors descrambled) and 96 bytes of raw P–W sub-channel per block, from the ATIP
//!   lead-in start on;
//! * `medium.cdda` — CD with audio tracks written track at once: 2352 bytes of samples per
//!   block at byte *n* × 2352;
//! * `.lock` — held exclusively while an [`EmulatedDrive`] is open;
//! * `shelf/<n>-<kind>/` — discs that were ejected or replaced (never destroyed).
//!
//! The drive implements [`Transport`]: CDBs go through one dispatch table
//! ([`dispatch::COMMANDS`]) built from the `discmaster-mmc` command types; a CHECK CONDITION
//! is returned as fixed-format sense in the [`Completion`] (autosense) and kept for REQUEST
//! SENSE. No input makes it panic.
//!
//! The recording model (tracks, sessions, NWA, padding, session gaps) is described in the
//! `model` module; it follows `mmc.md` §1.9–§1.22, §5 and §6. RAW writing of CD-R/RW (write
//! type 3, data block types 1–3, from the ATIP lead-in start) and what the emulator checks
//! in it are described in the `raw` module. Rewritable and formattable media (CD-RW,
//! DVD+RW, DVD-RW, DVD-RAM, BD-R spare areas, BD-RE), FORMAT UNIT, BLANK and Test Write
//! simulation are in the `rewritable` module; long operations with Immed and their progress
//! (no clock: progress advances per poll) in `operation`; rated and selected write speeds in
//! `speed`; the DVD structures (including DVD+R DL) in `dvd_structure`.
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
mod dvd_structure;
mod error;
mod handlers;
mod media;
mod model;
mod operation;
mod pages;
mod raw;
mod rewritable;
mod speed;
mod store;
mod unit;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use discmaster_core::Msf;
use discmaster_transport::{Completion, DataPhase, Transport, TransportError};

pub use error::EmuError;
pub use media::{
    parse_media_spec, parse_msf, MediaKind, MediaOptions, Preformat,
    DEFAULT_ATIP_LAST_LEAD_OUT_START, DEFAULT_ATIP_LEAD_IN_START,
};
pub use model::DVD_SESSION_GAP_BLOCKS;
pub use operation::DEFAULT_LONG_OPERATION_POLLS;
pub use raw::{RawCdInfo, RawCdTrack, RawTocEntry, MIN_LEAD_OUT_BLOCKS};

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
        self.unit.load_blank(media, &MediaOptions::default())
    }

    /// Loads a new blank disc of `media` as [`EmulatedDrive::load_blank`] does, with
    /// per-medium `options` (CD: the ATIP lead-in start and last possible lead-out start).
    ///
    /// # Errors
    /// [`EmuError::InvalidOption`] for options out of range or given for a non-CD kind (the
    /// tray is left as it was); [`EmuError::Io`] when the files cannot be written or moved.
    ///
    /// Spec: ATIP, `mmc.md` §1.12.
    pub fn load_blank_with(
        &mut self,
        media: MediaKind,
        options: MediaOptions,
    ) -> Result<Option<PathBuf>, EmuError> {
        self.unit.load_blank(media, &options)
    }

    /// Sets the page 05h data block types the drive accepts with write type 3 (RAW): any of 1
    /// (2368-byte blocks, 16-byte PQ), 2 (2448, packed R–W) and 3 (2448, raw P–W); an empty
    /// list removes RAW writing. MODE SELECT of another combination is refused with 5/26/00,
    /// as hosts probing with trial MODE SELECTs expect. Kept in `drive.json`.
    ///
    /// # Errors
    /// [`EmuError::InvalidOption`] for a value other than 1, 2, 3; [`EmuError::Io`] when
    /// `drive.json` cannot be written.
    ///
    /// Spec: `mmc.md` §2.2 (data block types, trial MODE SELECTs).
    pub fn set_raw_data_block_types(&mut self, types: &[u8]) -> Result<(), EmuError> {
        if let Some(bad) = types.iter().find(|t| !(1..=3).contains(*t)) {
            return Err(EmuError::InvalidOption(format!(
                "raw data block type {bad} (expected 1, 2 or 3)"
            )));
        }
        let mut list = types.to_vec();
        list.sort_unstable();
        list.dedup();
        self.unit.drive.raw_data_block_types = list;
        self.unit.store.save_drive(&self.unit.drive)
    }

    /// The page 05h data block types accepted with write type RAW (ascending).
    pub fn raw_data_block_types(&self) -> Vec<u8> {
        self.unit.drive.raw_data_block_types.clone()
    }

    /// The ATIP of the loaded CD: (start time of lead-in, last possible start of lead-out);
    /// `None` without a CD.
    ///
    /// Spec: `mmc.md` §1.12 (READ TOC format 4).
    pub fn atip(&self) -> Option<(Msf, Msf)> {
        let m = &self.unit.loaded.as_ref()?.medium;
        if !m.kind.is_cd() {
            return None;
        }
        let lead_in = Msf::from_lba(discmaster_core::Lba(m.atip_lead_in_start))?;
        let lead_out = Msf::from_lba(discmaster_core::Lba(i32::try_from(m.capacity_blocks).ok()?))?;
        Some((lead_in, lead_out))
    }

    /// What the emulator decoded from the loaded CD written in RAW mode (lead-in TOC, tracks,
    /// indexes, ISRC, MCN, CD-Text); `None` for other media.
    pub fn raw_cd_info(&self) -> Option<RawCdInfo> {
        self.unit
            .loaded
            .as_ref()
            .and_then(|l| l.medium.raw_cd.as_ref())
            .map(|r| r.info.clone())
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

    /// Sets how many polls (TEST UNIT READY, REQUEST SENSE, other medium commands) a long
    /// operation started with Immed lasts — FORMAT UNIT, BLANK, CLOSE TRACK/SESSION,
    /// SYNCHRONIZE CACHE — and how many TEST UNIT READY / REQUEST SENSE a DVD+RW background
    /// format takes; 0 = done at once. Kept in `drive.json` (`long_operation_polls`, default
    /// [`DEFAULT_LONG_OPERATION_POLLS`]). Applies to operations started afterwards.
    ///
    /// # Errors
    /// [`EmuError::Io`] when `drive.json` cannot be written.
    ///
    /// Spec: `mmc.md` §1.0 (Immed), §3.1 (progress); see the `operation` module.
    pub fn set_long_operation_polls(&mut self, polls: u32) -> Result<(), EmuError> {
        self.unit.drive.long_operation_polls = polls;
        self.unit.store.save_drive(&self.unit.drive)
    }

    /// Polls a long operation lasts (see [`EmulatedDrive::set_long_operation_polls`]).
    pub fn long_operation_polls(&self) -> u32 {
        self.unit.drive.long_operation_polls
    }

    /// The rated write speeds of the loaded medium, fastest first (empty without a medium);
    /// GET PERFORMANCE type 03h and page 2Ah list exactly these.
    ///
    /// Units: kB/s. Spec: `mmc.md` §1.27, §2.6; see the `speed` module.
    pub fn write_speeds_kbps(&self) -> Vec<u32> {
        self.media()
            .map(|k| speed::write_speeds_kbps(k).to_vec())
            .unwrap_or_default()
    }

    /// The write speed the drive uses for the loaded medium: the host's last SET CD SPEED /
    /// SET STREAMING request rounded down to a rated speed (the fastest without a request);
    /// `None` without a medium. Page 2Ah bytes 28–29 report the same value.
    ///
    /// Units: kB/s. Spec: `mmc.md` §1.25, §1.26, §1.30.
    pub fn selected_write_speed_kbps(&self) -> Option<u32> {
        self.media().map(|k| {
            speed::selected_write_speed_kbps(k, self.unit.drive.requested_write_speed_kbps)
        })
    }

    /// The formatted user capacity of the loaded medium (blank sequential media: the
    /// capacity of the blank disc; BD with spare areas: what is left for user data).
    ///
    /// Units: blocks.
    pub fn capacity_blocks(&self) -> Option<u32> {
        self.unit.loaded.as_ref().map(|l| l.medium.capacity_blocks)
    }

    /// BD-R / BD-RE: blocks FORMAT UNIT gave to spare areas (0 without; `None` without a
    /// medium).
    ///
    /// Units: blocks. Spec: `mmc.md` §5.4.
    pub fn spare_blocks(&self) -> Option<u32> {
        self.unit.loaded.as_ref().map(|l| l.medium.spare_blocks)
    }

    /// The ISRC recorded with CD track `track` (page 05h TCVAL at the track's first block,
    /// audio track at once); `None` without one, for other media or an unknown track.
    ///
    /// Spec: `mmc.md` §2.2 (ISRC, bytes 32–47).
    pub fn cd_track_isrc(&self, track: u16) -> Option<String> {
        let m = &self.unit.loaded.as_ref()?.medium;
        m.tracks
            .iter()
            .find(|t| t.number == track)
            .and_then(|t| t.isrc.clone())
    }

    /// The media catalog number recorded on the CD (page 05h MCVAL at the first block
    /// written track at once); `None` without one.
    ///
    /// Spec: `mmc.md` §2.2 (MCN, bytes 16–31).
    pub fn media_catalog_number(&self) -> Option<String> {
        self.unit.loaded.as_ref()?.medium.mcn.clone()
    }

    /// Blocks the host has really recorded on the current medium (0 without a medium): a
    /// Test Write (simulated) recording, FORMAT UNIT, BLANK and the padding a drive adds when
    /// it closes a track do not count; an overwritten block counts again.
    ///
    /// Units: blocks (2048 bytes of user data; with write type RAW one 2368- or 2448-byte
    /// block each).
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
