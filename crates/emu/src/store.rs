//! The drive directory on disk: `drive.json` (identity, loaded medium, drive mode pages, raw
//! data block types), `medium.json` (the recording state of the loaded medium), `medium.img`
//! (sparse user data, LBA × 2048), `medium.raw` (CD written in RAW mode: sparse 2352 + 96
//! bytes per block from the ATIP lead-in start), the `.lock` file and the `shelf/` of ejected
//! or replaced discs.
//!
//! Invariants: JSON files are replaced atomically (write `*.tmp`, then rename), so a crash
//! leaves either the old or the new state; a disc is never deleted, only moved to
//! `shelf/<n>-<kind>/`.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Medium;
use crate::pages::DrivePages;
use crate::{EmuError, MediaKind};

/// Version of the `drive.json` layout.
const DRIVE_FORMAT_VERSION: u32 = 1;

/// Contents of `drive.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DriveFile {
    /// Layout version.
    pub format: u32,
    /// INQUIRY vendor identification (8 characters).
    pub vendor: String,
    /// INQUIRY product identification (16 characters).
    pub product: String,
    /// INQUIRY product revision level (4 characters).
    pub revision: String,
    /// Drive serial number (feature 0108h).
    pub serial: String,
    /// The kind of the loaded medium, `None` when the tray is empty.
    pub loaded: Option<MediaKind>,
    /// Current values of the drive's own mode pages (01h, 08h, 1Ah, 1Dh); defaults when the
    /// file predates them.
    #[serde(default)]
    pub mode_pages: DrivePages,
    /// Page 05h data block types the drive accepts with write type 3 (RAW): a subset of 1, 2,
    /// 3 in ascending order; empty = no RAW writing. Default all three.
    #[serde(default = "default_raw_data_block_types")]
    pub raw_data_block_types: Vec<u8>,
    /// The write speed the host last asked for with SET CD SPEED / SET STREAMING (kB/s;
    /// `None` = maximum); each medium gets it rounded down to one of its rated speeds.
    #[serde(default)]
    pub requested_write_speed_kbps: Option<u32>,
    /// Polls a long operation started with Immed (and a DVD+RW background format) lasts; 0 =
    /// done at once (see the `operation` module).
    #[serde(default = "default_long_operation_polls")]
    pub long_operation_polls: u32,
}

fn default_long_operation_polls() -> u32 {
    crate::operation::DEFAULT_LONG_OPERATION_POLLS
}

/// The raw data block types a drive accepts unless configured: 1 (PQ 16), 2 (packed R–W), 3
/// (raw P–W).
pub(crate) fn default_raw_data_block_types() -> Vec<u8> {
    vec![1, 2, 3]
}

impl DriveFile {
    /// A new drive identity for directory `dir` (serial derived from its path, no clock).
    pub fn new(dir: &Path) -> DriveFile {
        DriveFile {
            format: DRIVE_FORMAT_VERSION,
            vendor: "DISCMSTR".into(),
            product: "EMU RECORDER".into(),
            revision: "1.00".into(),
            serial: format!(
                "EMU{:09X}",
                fnv1a(dir.to_string_lossy().as_bytes()) & 0xF_FFFF_FFFF
            ),
            loaded: None,
            mode_pages: DrivePages::default(),
            raw_data_block_types: default_raw_data_block_types(),
            requested_write_speed_kbps: None,
            long_operation_polls: default_long_operation_polls(),
        }
    }
}

/// FNV-1a 64-bit hash (a stable, dependency-free serial number source).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Paths of one drive directory.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store of directory `dir` (not touched yet).
    pub fn new(dir: PathBuf) -> Store {
        Store { dir }
    }

    /// The drive directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `PATH/.lock`.
    pub fn lock_path(&self) -> PathBuf {
        self.dir.join(".lock")
    }

    fn drive_json(&self) -> PathBuf {
        self.dir.join("drive.json")
    }

    fn medium_json(&self) -> PathBuf {
        self.dir.join("medium.json")
    }

    /// `PATH/medium.img`.
    pub fn medium_img(&self) -> PathBuf {
        self.dir.join("medium.img")
    }

    /// `PATH/medium.raw`.
    pub fn medium_raw(&self) -> PathBuf {
        self.dir.join("medium.raw")
    }

    /// `PATH/medium.cdda`: the audio blocks of a CD written track at once, 2352 bytes of
    /// samples per block at `lba × 2352`.
    pub fn medium_cdda(&self) -> PathBuf {
        self.dir.join("medium.cdda")
    }

    /// True when `medium.json`, `medium.img`, `medium.raw` or `medium.cdda` exists.
    pub fn has_medium_files(&self) -> bool {
        self.medium_json().exists()
            || self.medium_img().exists()
            || self.medium_raw().exists()
            || self.medium_cdda().exists()
    }

    /// Creates the directory and takes the exclusive lock.
    ///
    /// # Errors
    /// [`EmuError::Locked`] when another holder has it; [`EmuError::Io`] otherwise.
    pub fn lock(&self) -> Result<File, EmuError> {
        fs::create_dir_all(&self.dir).map_err(|e| EmuError::io(&self.dir, e))?;
        let path = self.lock_path();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| EmuError::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => Err(EmuError::Locked {
                path: self.dir.clone(),
            }),
            Err(std::fs::TryLockError::Error(e)) => Err(EmuError::io(&path, e)),
        }
    }

    /// Reads `drive.json`, `None` when it does not exist.
    ///
    /// # Errors
    /// [`EmuError::State`] for unparsable content or an unknown version; [`EmuError::Io`].
    pub fn load_drive(&self) -> Result<Option<DriveFile>, EmuError> {
        let path = self.drive_json();
        let Some(text) = read_optional(&path)? else {
            return Ok(None);
        };
        let d: DriveFile =
            serde_json::from_str(&text).map_err(|e| EmuError::state(&path, e.to_string()))?;
        if d.format != DRIVE_FORMAT_VERSION {
            return Err(EmuError::state(
                &path,
                format!("unknown format version {}", d.format),
            ));
        }
        d.mode_pages
            .validate()
            .map_err(|msg| EmuError::state(&path, msg))?;
        if !d.raw_data_block_types.iter().all(|t| (1..=3).contains(t))
            || !d.raw_data_block_types.windows(2).all(|w| w[0] < w[1])
        {
            return Err(EmuError::state(
                &path,
                "raw_data_block_types must be ascending values from 1, 2, 3",
            ));
        }
        Ok(Some(d))
    }

    /// Writes `drive.json` atomically.
    ///
    /// # Errors
    /// [`EmuError::Io`].
    pub fn save_drive(&self, d: &DriveFile) -> Result<(), EmuError> {
        write_json(&self.drive_json(), d)
    }

    /// Reads and validates `medium.json`.
    ///
    /// # Errors
    /// [`EmuError::State`] when it is missing, unparsable or inconsistent; [`EmuError::Io`].
    pub fn load_medium(&self) -> Result<Medium, EmuError> {
        let path = self.medium_json();
        let text = read_optional(&path)?.ok_or_else(|| {
            EmuError::state(
                &path,
                "drive.json says a medium is loaded but medium.json is missing",
            )
        })?;
        let m: Medium =
            serde_json::from_str(&text).map_err(|e| EmuError::state(&path, e.to_string()))?;
        m.validate().map_err(|msg| EmuError::state(&path, msg))?;
        Ok(m)
    }

    /// Writes `medium.json` atomically.
    ///
    /// # Errors
    /// [`EmuError::Io`].
    pub fn save_medium(&self, m: &Medium) -> Result<(), EmuError> {
        write_json(&self.medium_json(), m)
    }

    /// Opens `medium.img` for reading and writing; `create` makes a new empty image
    /// (truncating any stray file).
    ///
    /// # Errors
    /// [`EmuError::State`] when the image of a loaded medium is missing; [`EmuError::Io`].
    pub fn open_image(&self, create: bool) -> Result<File, EmuError> {
        let path = self.medium_img();
        if !create && !path.exists() {
            return Err(EmuError::state(
                &path,
                "the loaded medium's image medium.img is missing",
            ));
        }
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(create)
            .truncate(create)
            .open(&path)
            .map_err(|e| EmuError::io(&path, e))
    }

    /// Opens `medium.raw` for reading and writing, creating it when `create` (an existing
    /// file is kept: it belongs to the loaded medium).
    ///
    /// # Errors
    /// [`EmuError::State`] when it is missing and not to be created; [`EmuError::Io`].
    pub fn open_raw(&self, create: bool) -> Result<File, EmuError> {
        let path = self.medium_raw();
        if !create && !path.exists() {
            return Err(EmuError::state(
                &path,
                "the loaded medium's raw store medium.raw is missing",
            ));
        }
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(create)
            .truncate(false)
            .open(&path)
            .map_err(|e| EmuError::io(&path, e))
    }

    /// Opens `medium.cdda` for reading and writing, creating it (an existing file is kept: it
    /// belongs to the loaded medium).
    ///
    /// # Errors
    /// [`EmuError::Io`].
    pub fn open_cdda(&self) -> Result<File, EmuError> {
        let path = self.medium_cdda();
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| EmuError::io(&path, e))
    }

    /// Moves `medium.json`, `medium.img`, `medium.raw` and `medium.cdda` to
    /// `shelf/<n>-<kind>/` (n = one more than the highest number on the shelf) and returns that
    /// directory.
    ///
    /// # Errors
    /// [`EmuError::Io`].
    pub fn shelve(&self, kind: MediaKind) -> Result<PathBuf, EmuError> {
        let shelf = self.dir.join("shelf");
        fs::create_dir_all(&shelf).map_err(|e| EmuError::io(&shelf, e))?;
        let mut highest = 0u64;
        for entry in fs::read_dir(&shelf).map_err(|e| EmuError::io(&shelf, e))? {
            let entry = entry.map_err(|e| EmuError::io(&shelf, e))?;
            let name = entry.file_name();
            let n = name
                .to_string_lossy()
                .split('-')
                .next()
                .and_then(|n| n.parse::<u64>().ok());
            highest = highest.max(n.unwrap_or(0));
        }
        let slot = shelf.join(format!("{}-{kind}", highest + 1));
        fs::create_dir(&slot).map_err(|e| EmuError::io(&slot, e))?;
        for (from, name) in [
            (self.medium_json(), "medium.json"),
            (self.medium_img(), "medium.img"),
            (self.medium_raw(), "medium.raw"),
            (self.medium_cdda(), "medium.cdda"),
        ] {
            if from.exists() {
                fs::rename(&from, slot.join(name)).map_err(|e| EmuError::io(&from, e))?;
            }
        }
        Ok(slot)
    }
}

/// Reads a file to a string, `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>, EmuError> {
    match fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            Err(EmuError::state(path, "not UTF-8 text"))
        }
        Err(e) => Err(EmuError::io(path, e)),
    }
}

/// Serializes `value` as pretty JSON into `path` atomically (tmp file + rename).
fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), EmuError> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|e| EmuError::state(path, e.to_string()))?;
    text.push('\n');
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, text).map_err(|e| EmuError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| EmuError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drive_serial_is_stable_per_path() {
        let a = DriveFile::new(Path::new("/tmp/a"));
        let b = DriveFile::new(Path::new("/tmp/a"));
        let c = DriveFile::new(Path::new("/tmp/b"));
        assert_eq!(a.serial, b.serial);
        assert_ne!(a.serial, c.serial);
        assert_eq!(a.serial.len(), 12);
    }
}
