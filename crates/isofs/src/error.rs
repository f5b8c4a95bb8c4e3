//! [`IsoError`]: why an image could not be built, naming the path that failed.

use std::path::{Path, PathBuf};

use discmaster_core::ErrorCode;

/// IMAPI2FS HRESULTs (`imapi2fserror.h`) that [`IsoError::code`] returns.
///
/// Spec: imapi2.md §4.10. They are IMAPI2's own values, not `0xC0AA_Fxxx` codes.
pub mod codes {
    use discmaster_core::ErrorCode;

    /// `IMAPI_E_FSI_INTERNAL_ERROR`: the image writer failed for a reason not tied to a path.
    pub const FSI_INTERNAL_ERROR: ErrorCode = ErrorCode(0xC0AA_B100);
    /// `IMAPI_E_NOT_DIR`: the source is not a directory.
    pub const NOT_DIR: ErrorCode = ErrorCode(0xC0AA_B109);
    /// `IMAPI_E_RESTRICTED_NAME_VIOLATION`: a name cannot be recorded.
    pub const RESTRICTED_NAME_VIOLATION: ErrorCode = ErrorCode(0xC0AA_B111);
    /// `IMAPI_E_DIR_NOT_FOUND`: the source directory does not exist.
    pub const DIR_NOT_FOUND: ErrorCode = ErrorCode(0xC0AA_B11A);
    /// `IMAPI_E_DATA_STREAM_INCONSISTENCY`: a file changed size while the image was built.
    pub const DATA_STREAM_INCONSISTENCY: ErrorCode = ErrorCode(0xC0AA_B128);
    /// `IMAPI_E_DATA_STREAM_READ_FAILURE`: a source file could not be opened or read.
    pub const DATA_STREAM_READ_FAILURE: ErrorCode = ErrorCode(0xC0AA_B129);
    /// `IMAPI_E_DIRECTORY_READ_FAILURE`: a source directory could not be listed.
    pub const DIRECTORY_READ_FAILURE: ErrorCode = ErrorCode(0xC0AA_B12B);
    /// `IMAPI_E_ISO9660_LEVELS`: directories nest deeper than ISO 9660 allows.
    pub const ISO9660_LEVELS: ErrorCode = ErrorCode(0xC0AA_B131);
    /// `IMAPI_E_STASHFILE_OPEN_FAILURE`: the output (our "stash file") could not be created.
    pub const STASHFILE_OPEN_FAILURE: ErrorCode = ErrorCode(0xC0AA_B138);
    /// `IMAPI_E_STASHFILE_WRITE_FAILURE`: writing the output failed (disk full, IO error).
    pub const STASHFILE_WRITE_FAILURE: ErrorCode = ErrorCode(0xC0AA_B13A);
}

/// Why [`build_image`](crate::build_image) failed.
///
/// Every variant that concerns a file names it; `Display` is one line, the cause (an
/// [`std::io::Error`] or the image writer's error) is available through
/// [`std::error::Error::source`]. [`IsoError::code`] gives the matching IMAPI2FS HRESULT.
///
/// When an error is returned, no file exists at the output path (a previous file there is
/// left untouched) and the source tree has not been modified.
///
/// Spec: imapi2.md §4.10 (codes).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IsoError {
    /// The source path does not exist or is not a directory.
    #[error("source {path:?} is not a directory")]
    SourceNotDirectory {
        /// The `source_dir` argument.
        path: PathBuf,
        /// The failure from `stat`, if it failed (`None`: it exists but is not a directory).
        #[source]
        source: Option<std::io::Error>,
    },
    /// A directory of the source tree could not be listed.
    #[error("cannot read directory {path:?}")]
    ReadDirectory {
        /// The directory.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// The metadata (`lstat`) or the link target of an entry could not be read.
    #[error("cannot read metadata of {path:?}")]
    Metadata {
        /// The entry.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// A regular file could not be opened or read.
    #[error("cannot read file {path:?}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// A file's length changed between the scan and the moment its contents were copied.
    #[error("file {path:?} changed size while the image was built (scanned {scanned_bytes} bytes, now {now_bytes})")]
    FileChanged {
        /// The file.
        path: PathBuf,
        /// Length at scan time, in bytes.
        scanned_bytes: u64,
        /// Length (or bytes readable) when copied, in bytes.
        now_bytes: u64,
    },
    /// A file name or symlink target is not valid UTF-8 and cannot be recorded in
    /// Joliet (UCS-2) or Rock Ridge `NM`/`SL` as the writer takes `String`s.
    #[error("name of {path:?} is not valid UTF-8")]
    NonUtf8Name {
        /// The entry whose name (or, for a symlink, target) is not UTF-8.
        path: PathBuf,
    },
    /// Without Rock Ridge, a directory is nested deeper than the 8 levels of ECMA-119
    /// §6.8.2.1, or its path is longer than 255 bytes; Rock Ridge relocates such
    /// directories (`RE`/`CL`/`PL`) instead.
    #[error("directory {path:?} is nested too deep for ISO 9660 without Rock Ridge (8 levels, 255-byte path)")]
    TooDeep {
        /// The first directory over the limit.
        path: PathBuf,
    },
    /// The output (or its temporary file next to it) could not be created.
    #[error("cannot create output {path:?}")]
    CreateOutput {
        /// The output path (or the directory that should hold it).
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// Writing the image to the output failed (disk full, IO error), or the finished
    /// image could not be renamed to the output path.
    #[error("cannot write output {path:?}")]
    WriteOutput {
        /// The output path.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// The ISO writer (`hadris-iso`) failed for a reason not tied to one source file.
    #[error("ISO writer failed building {path:?}")]
    Image {
        /// The source directory.
        path: PathBuf,
        /// The writer's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl IsoError {
    /// The IMAPI2FS HRESULT for this failure (see [`codes`]).
    ///
    /// Spec: imapi2.md §4.10.
    pub fn code(&self) -> ErrorCode {
        match self {
            IsoError::SourceNotDirectory {
                source: Some(_), ..
            } => codes::DIR_NOT_FOUND,
            IsoError::SourceNotDirectory { source: None, .. } => codes::NOT_DIR,
            IsoError::ReadDirectory { .. } => codes::DIRECTORY_READ_FAILURE,
            IsoError::Metadata { .. } => codes::DIRECTORY_READ_FAILURE,
            IsoError::ReadFile { .. } => codes::DATA_STREAM_READ_FAILURE,
            IsoError::FileChanged { .. } => codes::DATA_STREAM_INCONSISTENCY,
            IsoError::NonUtf8Name { .. } => codes::RESTRICTED_NAME_VIOLATION,
            IsoError::TooDeep { .. } => codes::ISO9660_LEVELS,
            IsoError::CreateOutput { .. } => codes::STASHFILE_OPEN_FAILURE,
            IsoError::WriteOutput { .. } => codes::STASHFILE_WRITE_FAILURE,
            IsoError::Image { .. } => codes::FSI_INTERNAL_ERROR,
        }
    }

    /// The path the failure concerns (source entry, source directory or output).
    pub fn path(&self) -> &Path {
        match self {
            IsoError::SourceNotDirectory { path, .. }
            | IsoError::ReadDirectory { path, .. }
            | IsoError::Metadata { path, .. }
            | IsoError::ReadFile { path, .. }
            | IsoError::FileChanged { path, .. }
            | IsoError::NonUtf8Name { path }
            | IsoError::TooDeep { path }
            | IsoError::CreateOutput { path, .. }
            | IsoError::WriteOutput { path, .. }
            | IsoError::Image { path, .. } => path,
        }
    }
}
