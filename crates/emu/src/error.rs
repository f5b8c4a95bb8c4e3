//! Errors of the emulator's own API (opening a drive directory, loading and ejecting media).
//! Errors of emulated *commands* are sense data inside a `Completion`, never an `EmuError`.

use std::path::PathBuf;

/// Why an emulated drive could not be opened or a medium could not be loaded or ejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmuError {
    /// Another `EmulatedDrive` (in this or another process) holds the lock on `PATH/.lock`.
    #[error("emulated drive {path} is in use (lock held on {path}/.lock)")]
    Locked {
        /// The drive directory.
        path: PathBuf,
    },
    /// A file of the drive directory could not be read or written.
    #[error("emulated drive IO error on {path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A state file is unreadable, of an unknown format, or inconsistent.
    #[error("corrupt emulator state in {path}: {message}")]
    State {
        /// The state file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A medium kind name that is not one of `cd-r`, `cd-rw`, `dvd+r`, `dvd-r`, `bd-r`.
    #[error("unknown medium kind {0:?} (expected cd-r, cd-rw, dvd+r, dvd-r or bd-r)")]
    UnknownMediaKind(String),
    /// A medium or drive option out of range (ATIP times, raw data block types, MSF text).
    #[error("invalid emulator option: {0}")]
    InvalidOption(String),
}

impl EmuError {
    /// Wraps an IO error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> EmuError {
        EmuError::Io {
            path: path.into(),
            source,
        }
    }

    /// A state error for `path`.
    pub(crate) fn state(path: impl Into<PathBuf>, message: impl Into<String>) -> EmuError {
        EmuError::State {
            path: path.into(),
            message: message.into(),
        }
    }
}
