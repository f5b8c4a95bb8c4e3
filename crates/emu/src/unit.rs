//! The logical unit behind an [`crate::EmulatedDrive`]: identity, the loaded medium and its
//! image file, the sense kept for REQUEST SENSE, and the PREVENT state.
//!
//! Persistence policy: `medium.json` is written on structural changes (load, reserve, close,
//! synchronize, mode select, unit attention consumed), after every
//! [`PERSIST_EVERY_BYTES`] of written data, and when the drive is dropped — not on every WRITE.

use std::fs::File;
use std::path::PathBuf;

use discmaster_mmc::Sense;

use crate::dispatch::{Check, Failure};
use crate::model::Medium;
use crate::store::{DriveFile, Store};
use crate::{pages, EmuError, MediaKind};

/// Written data after which `medium.json` is saved even without a structural change.
pub(crate) const PERSIST_EVERY_BYTES: u64 = 64 * 1024 * 1024;

/// A loaded medium: its state and its image.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// Recording state.
    pub medium: Medium,
    /// `medium.img`, user data at LBA × 2048.
    pub image: File,
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
                Some(Loaded {
                    medium,
                    image,
                    unsaved_bytes: 0,
                    dirty: false,
                })
            }
        };
        Ok(Unit {
            store,
            drive,
            loaded,
            last_check: None,
            prevent: false,
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
        let Some(kind) = self.loaded.as_ref().map(|l| l.medium.kind) else {
            return Ok(None);
        };
        self.save()?;
        self.loaded = None;
        self.drive.loaded = None;
        self.store.save_drive(&self.drive)?;
        self.store.shelve(kind).map(Some)
    }

    /// Loads a new blank disc of `kind`, shelving the current one (or stray medium files).
    ///
    /// # Errors
    /// [`EmuError::Io`].
    pub fn load_blank(&mut self, kind: MediaKind) -> Result<Option<PathBuf>, EmuError> {
        let mut shelved = self.eject()?;
        if shelved.is_none() && self.store.has_medium_files() {
            // Files left by an interrupted eject: keep them too.
            let stray_kind = self.store.load_medium().map(|m| m.kind).unwrap_or(kind);
            shelved = Some(self.store.shelve(stray_kind)?);
        }
        let medium = Medium::blank(kind, pages::default_page05(kind));
        let image = self.store.open_image(true)?;
        self.store.save_medium(&medium)?;
        self.drive.loaded = Some(kind);
        self.store.save_drive(&self.drive)?;
        self.loaded = Some(Loaded {
            medium,
            image,
            unsaved_bytes: 0,
            dirty: false,
        });
        self.last_check = None;
        Ok(shelved)
    }

    /// The loaded medium, or 2/3A/00.
    ///
    /// # Errors
    /// [`Sense::MEDIUM_NOT_PRESENT`] when the tray is empty.
    pub fn loaded_mut(&mut self) -> Result<&mut Loaded, Failure> {
        self.loaded
            .as_mut()
            .ok_or(Failure::from(Sense::MEDIUM_NOT_PRESENT))
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
