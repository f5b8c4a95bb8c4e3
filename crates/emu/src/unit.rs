//! The logical unit behind an [`crate::EmulatedDrive`]: identity, the loaded medium and its
//! image file, the sense kept for REQUEST SENSE, and the PREVENT state.
//!
//! Persistence policy: `medium.json` is written on structural changes (load, reserve, close,
//! synchronize, mode select, unit attention consumed), after every
//! [`PERSIST_EVERY_BYTES`] of written data, and when the drive is dropped — not on every WRITE.

use std::fs::File;
use std::path::PathBuf;

use discmaster_mmc::host_commands::MediaEventCode;
use discmaster_mmc::Sense;

use crate::dispatch::{Check, Failure};
use crate::model::Medium;
use crate::store::{DriveFile, Store};
use crate::{pages, EmuError, MediaKind, MediaOptions};

/// Written data after which `medium.json` is saved even without a structural change.
pub(crate) const PERSIST_EVERY_BYTES: u64 = 64 * 1024 * 1024;

/// A loaded medium: its state and its image.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// Recording state.
    pub medium: Medium,
    /// `medium.img`, user data at LBA × 2048.
    pub image: File,
    /// `medium.raw` of a CD written in RAW mode (opened at the first RAW write).
    pub raw: Option<File>,
    /// `medium.cdda` of a CD with audio tracks written track at once (opened at the first
    /// audio write).
    pub cdda: Option<File>,
    /// Bytes written since `medium.json` was last saved.
    pub unsaved_bytes: u64,
    /// `medium.json` is behind the in-memory state.
    pub dirty: bool,
}

/// The emulated logical unit.
#[derive(Debug)]
pub(crate) struct Unit {
    /// The drive directory.
    pub store: Store,
    /// Identity and loaded kind (`drive.json`).
    pub drive: DriveFile,
    /// The loaded medium.
    pub loaded: Option<Loaded>,
    /// Sense of the last CHECK CONDITION, for REQUEST SENSE.
    pub last_check: Option<Check>,
    /// PREVENT ALLOW MEDIUM REMOVAL state (not persisted: released with the drive handle).
    pub prevent: bool,
    /// The tray is open (START STOP UNIT eject). Not persisted: a drive opened again has its
    /// tray closed, with the disc that lay in it loaded.
    pub tray_open: bool,
    /// The disc lying in the open tray (saved when the tray opened): loaded again by a SCSI
    /// load, shelved by [`Unit::eject`].
    pub in_open_tray: Option<Loaded>,
    /// The media event GET EVENT STATUS NOTIFICATION reports next (once), `mmc.md` §1.7.
    pub media_event: Option<MediaEventCode>,
}

impl Unit {
    /// Opens the state of directory `store` (creating an empty drive when there is none).
    ///
    /// # Errors
    /// [`EmuError::State`] for corrupt or inconsistent files; [`EmuError::Io`].
    pub fn open(store: Store) -> Result<Unit, EmuError> {
        let drive = match store.load_drive()? {
            Some(d) => d,
            None => {
                let d = DriveFile::new(store.dir());
                store.save_drive(&d)?;
                d
            }
        };
        let loaded = match drive.loaded {
            None => None,
            Some(kind) => {
                let medium = store.load_medium()?;
                if medium.kind != kind {
                    return Err(EmuError::state(
                        store.dir().join("medium.json"),
                        format!("medium is {} but drive.json says {kind}", medium.kind),
                    ));
                }
                let image = store.open_image(false)?;
                let raw = match medium.raw_cd {
                    Some(_) => Some(store.open_raw(false)?),
                    None => None,
                };
                let cdda = if store.medium_cdda().exists() {
                    Some(store.open_cdda()?)
                } else {
                    None
                };
                Some(Loaded {
                    medium,
                    image,
                    raw,
                    cdda,
                    unsaved_bytes: 0,
                    dirty: false,
                })
            }
        };
        // A disc whose load has not been reported yet is "new media" for GESN as well.
        let media_event = loaded
            .as_ref()
            .filter(|l| l.medium.unit_attention)
            .map(|_| MediaEventCode::NewMedia);
        Ok(Unit {
            store,
            drive,
            loaded,
            last_check: None,
            prevent: false,
            tray_open: false,
            in_open_tray: None,
            media_event,
        })
    }

    /// Saves `medium.json` if a medium is loaded.
    ///
    /// # Errors
    /// [`EmuError::Io`].
    pub fn save(&mut self) -> Result<(), EmuError> {
        if let Some(l) = self.loaded.as_mut() {
            l.medium.refresh();
            self.store.save_medium(&l.medium)?;
            l.unsaved_bytes = 0;
            l.dirty = false;
        }
        Ok(())
    }

    /// Moves the loaded disc to the shelf and empties the tray; returns where it went.
    ///
    /// # Errors
    /// [`EmuError::Io`].
    pub fn eject(&mut self) -> Result<Option<PathBuf>, EmuError> {
        if let Some(l) = self.in_open_tray.take() {
            self.loaded = Some(l);
        }
        self.end_simulation();
        self.tray_open = false;
        let Some(kind) = self.loaded.as_ref().map(|l| l.medium.kind) else {
            return Ok(None);
        };
        self.save()?;
        self.loaded = None;
        self.drive.loaded = None;
        self.store.save_drive(&self.drive)?;
        self.media_event = Some(MediaEventCode::MediaRemoval);
        self.store.shelve(kind).map(Some)
    }

    /// START STOP UNIT eject: saves the disc's state and opens the tray. The disc stays in
    /// the drive directory (unlike [`Unit::eject`]); until the tray closes the drive reports
    /// no medium (2/3A/02).
    ///
    /// # Errors
    /// [`EmuError::Io`] when the state cannot be saved.
    pub fn open_tray(&mut self) -> Result<(), EmuError> {
        if self.tray_open {
            return Ok(());
        }
        self.end_simulation();
        self.save()?;
        self.in_open_tray = self.loaded.take();
        self.tray_open = true;
        if self.in_open_tray.is_some() {
            self.media_event = Some(MediaEventCode::MediaRemoval);
        }
        Ok(())
    }

    /// START STOP UNIT load: closes the tray; a disc lying in it is loaded again and reported
    /// as a medium change (6/28/00 once, GESN "new media").
    ///
    /// # Errors
    /// [`Failure::Host`] when the state cannot be saved.
    pub fn close_tray(&mut self) -> Result<(), Failure> {
        if !self.tray_open {
            return Ok(());
        }
        self.tray_open = false;
        if let Some(mut l) = self.in_open_tray.take() {
            l.medium.unit_attention = true;
            self.loaded = Some(l);
            self.media_event = Some(MediaEventCode::NewMedia);
            self.commit_structure()?;
        }
        Ok(())
    }

    /// Loads a new blank disc of `kind` with `options`, shelving the current one (or stray
    /// medium files).
    ///
    /// # Errors
    /// [`EmuError::InvalidOption`] for options out of range (nothing changes);
    /// [`EmuError::Io`].
    pub fn load_blank(
        &mut self,
        kind: MediaKind,
        options: &MediaOptions,
    ) -> Result<Option<PathBuf>, EmuError> {
        let atip = options.resolve(kind)?;
        let mut shelved = self.eject()?;
        if shelved.is_none() && self.store.has_medium_files() {
            // Files left by an interrupted eject: keep them too.
            let stray_kind = self.store.load_medium().map(|m| m.kind).unwrap_or(kind);
            shelved = Some(self.store.shelve(stray_kind)?);
        }
        let mut medium = Medium::blank_with(kind, pages::default_page05(kind), atip);
        if let Some(preformat) = options.formatted {
            medium.preformat(preformat);
        }
        let image = self.store.open_image(true)?;
        self.store.save_medium(&medium)?;
        self.drive.loaded = Some(kind);
        self.store.save_drive(&self.drive)?;
        self.loaded = Some(Loaded {
            medium,
            image,
            raw: None,
            cdda: None,
            unsaved_bytes: 0,
            dirty: false,
        });
        self.last_check = None;
        self.media_event = Some(MediaEventCode::NewMedia);
        Ok(shelved)
    }

    /// The loaded medium, or 2/3A/00 (2/3A/02 while the tray is open).
    ///
    /// # Errors
    /// [`Sense::MEDIUM_NOT_PRESENT`] when the tray is empty,
    /// [`Sense::MEDIUM_NOT_PRESENT_TRAY_OPEN`] when it is open.
    pub fn loaded_mut(&mut self) -> Result<&mut Loaded, Failure> {
        let absent = if self.tray_open {
            Sense::MEDIUM_NOT_PRESENT_TRAY_OPEN
        } else {
            Sense::MEDIUM_NOT_PRESENT
        };
        self.loaded.as_mut().ok_or(Failure::from(absent))
    }

    /// Ends a simulated (Test Write) recording of the loaded disc: it returns to its state
    /// before the simulation (the disc leaves the tray, or Test Write was switched off).
    pub fn end_simulation(&mut self) {
        if let Some(l) = self.loaded.as_mut() {
            if l.medium.end_simulation() {
                l.dirty = true;
            }
        }
    }

    /// Marks the medium state changed structurally and saves it now.
    ///
    /// # Errors
    /// [`Failure::Host`] when the state file cannot be written.
    pub fn commit_structure(&mut self) -> Result<(), Failure> {
        if let Some(l) = self.loaded.as_mut() {
            l.dirty = true;
        }
        self.save().map_err(Failure::from)
    }

    /// Notes `bytes` written to the image; saves the state every [`PERSIST_EVERY_BYTES`].
    ///
    /// # Errors
    /// [`Failure::Host`] when the state file cannot be written.
    pub fn note_written(&mut self, bytes: u64) -> Result<(), Failure> {
        let Some(l) = self.loaded.as_mut() else {
            return Ok(());
        };
        l.dirty = true;
        l.unsaved_bytes = l.unsaved_bytes.saturating_add(bytes);
        if l.unsaved_bytes >= PERSIST_EVERY_BYTES {
            self.save().map_err(Failure::from)?;
        }
        Ok(())
    }
}
