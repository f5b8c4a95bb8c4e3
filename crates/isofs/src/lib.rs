//! Builds an ISO 9660 image with Joliet and Rock Ridge extensions from a directory tree:
//! the role IMAPI2FS (`MsftFileSystemImage`) plays for IMAPI2 (imapi2.md §2.18).
//!
//! The file system itself is written by the `hadris-iso` crate; this crate walks the
//! source tree, chooses the options, streams the output and turns failures into
//! [`IsoError`]s that name the path concerned.
//!
//! # Layout of the image
//!
//! * Primary volume descriptor with an ISO 9660 level 1 tree (8.3 upper-case names, `;1`
//!   versions, collisions get `_1`, `_2`, … suffixes). With [`IsoOptions::rock_ridge`] the
//!   same tree carries SUSP/RRIP system-use fields: `NM` (the original name), `PX` (mode,
//!   uid, gid, link count, inode), `TF` (creation, modification, access times), `SL`
//!   (symbolic links); directories nested deeper than 8 levels are relocated (`RE`/`CL`/`PL`).
//! * With [`IsoOptions::joliet`], a Joliet supplementary volume descriptor (UCS-2 level 3,
//!   escape `%/E`) and its own tree: names up to 64 UCS-2 characters (longer ones are
//!   truncated by the writer; characters outside the BMP become `_`).
//! * Logical block size 2048; the file length is a multiple of 2048 and equals the
//!   volume space size of the descriptors.
//!
//! # Memory
//!
//! File contents are never loaded: each regular file is given to the writer as a
//! streamed source (path + length) that is opened when its extent is written and copied
//! in 64 KiB chunks; the output goes through a 1 MiB write-back buffer into a temporary
//! file next to `output`, renamed over it on success. Memory grows with the number of
//! entries (names and directory records), not with the total file size.
//!
//! # What is recorded
//!
//! * Directories and regular files (hard links are stored as separate copies).
//! * Symbolic links: as Rock Ridge `SL` entries when Rock Ridge is on (the target is
//!   stored as-is, never followed). Without Rock Ridge they are skipped and listed in
//!   [`ImageReport::skipped`].
//! * Sockets, FIFOs and device nodes are skipped and listed in [`ImageReport::skipped`].
//! * The image being written is never included, nor an old file at `output` when the
//!   output lies inside the source tree.
//!
//! Names and symlink targets must be UTF-8 ([`IsoError::NonUtf8Name`] otherwise).
//! The source tree is only read: files and directories are opened read-only.
//!
//! # Writer quirks (hadris-iso 2.5), checked with xorriso 1.5.4
//!
//! * Joliet names longer than 64 characters are cut at 64 characters, extension included
//!   (`…long name.markdown` loses `.markdown` in the Joliet view); Rock Ridge keeps the
//!   full name. Duplicates after cutting get `_1`, `_2`, ….
//! * Relocated deep directories leave a visible `/rr_moved` directory (empty in the Rock
//!   Ridge view); the Joliet tree shows the full hierarchy plus a second copy of the moved
//!   directories under `/rr_moved/RRD…` (same file extents, no extra data).
//! * Files of 4 GiB or more are stored as multi-extent files (ECMA-119 §6.5.4). Their
//!   contents read back correctly, but the Rock Ridge fields are written on the first
//!   extent's record only, and xorriso then shows the level 1 name (`HUGE.BIN`) with
//!   mode 0000; the Joliet view shows the right name.
//! * Directory record dates are the build time; Rock Ridge `TF` carries the files' times.
#![forbid(unsafe_code)]

mod error;
mod output;
mod scan;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hadris_iso::joliet::JolietLevel;
use hadris_iso::read::PathSeparator;
use hadris_iso::rrip::RripOptions;
use hadris_iso::write::options::{BaseIsoLevel, CreationFeatures, IsoFormatOptions};
use hadris_iso::write::{InputTree, IsoImageWriter};

pub use error::{codes, IsoError};

/// Logical block size of the image, in bytes (ECMA-119 §6.1.2; IMAPI2FS BlockSize).
pub const BLOCK_BYTES: u64 = 2048;

/// Longest volume identifier, in d-characters (ECMA-119 §8.4.12: 32 bytes).
pub const VOLUME_ID_MAX_CHARS: usize = 32;

/// The volume identifier used when [`sanitize_volume_id`] is left with nothing.
pub const DEFAULT_VOLUME_ID: &str = "DISCMASTER";

/// What to build: the counterpart of IMAPI2FS `VolumeName` and `FileSystemsToCreate`
/// (ISO9660 is always created; Joliet and Rock Ridge are optional).
///
/// Spec: imapi2.md §2.18.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IsoOptions {
    /// Volume identifier. Sanitized by [`sanitize_volume_id`] before use (upper case,
    /// `A-Z 0-9 _`, at most 32 characters); the Joliet descriptor holds the same string,
    /// cut to 16 UCS-2 characters by the writer.
    #[doc(alias = "VolumeName")]
    pub volume_id: String,
    /// Write a Joliet supplementary volume descriptor and tree (Unicode names).
    pub joliet: bool,
    /// Add Rock Ridge (RRIP 1.12 over SUSP) fields to the primary tree.
    pub rock_ridge: bool,
}

impl Default for IsoOptions {
    /// Volume id `"DISCMASTER"`, Joliet and Rock Ridge on.
    fn default() -> Self {
        Self {
            volume_id: DEFAULT_VOLUME_ID.to_owned(),
            joliet: true,
            rock_ridge: true,
        }
    }
}

/// Why an entry of the source tree is not in the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// A symbolic link while Rock Ridge is off (plain ISO 9660 and Joliet cannot
    /// represent links, and following them could loop or leave the tree).
    SymlinkWithoutRockRidge,
    /// A socket, FIFO or device node.
    SpecialFile,
    /// The image being written, or the old file at the output path.
    OutputImage,
}

/// An entry of the source tree left out of the image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    /// The entry's path (the source directory joined with the relative path).
    pub path: PathBuf,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// Result of [`build_image_with_report`].
///
/// Units: `size_bytes` and `file_bytes` in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImageReport {
    /// Length of the image file, a multiple of [`BLOCK_BYTES`].
    pub size_bytes: u64,
    /// The volume identifier actually recorded (after [`sanitize_volume_id`]).
    pub volume_id: String,
    /// Regular files recorded.
    pub files: u64,
    /// Directories recorded, the root excluded.
    pub directories: u64,
    /// Symbolic links recorded (Rock Ridge only).
    pub symlinks: u64,
    /// Sum of the recorded files' lengths.
    pub file_bytes: u64,
    /// Entries left out, in scan order.
    pub skipped: Vec<SkippedEntry>,
}

impl ImageReport {
    /// Image size in logical blocks of [`BLOCK_BYTES`].
    pub fn size_blocks(&self) -> u64 {
        self.size_bytes / BLOCK_BYTES
    }
}

/// Turns `requested` into a valid ISO 9660 volume identifier (d-characters, ECMA-119
/// §7.4.1 and §8.4.12).
///
/// Shape: ASCII letters are upper-cased; every other character that is not `A-Z`, `0-9`
/// or `_` (spaces, punctuation, non-ASCII) becomes `_`; the result is cut to
/// [`VOLUME_ID_MAX_CHARS`]. An empty input, or one of which only substitutes remain
/// (e.g. `"日本"`), gives [`DEFAULT_VOLUME_ID`].
///
/// ```
/// assert_eq!(discmaster_isofs::sanitize_volume_id("My Disc-2024"), "MY_DISC_2024");
/// assert_eq!(discmaster_isofs::sanitize_volume_id(""), "DISCMASTER");
/// ```
pub fn sanitize_volume_id(requested: &str) -> String {
    let sanitized: String = requested
        .chars()
        .take(VOLUME_ID_MAX_CHARS)
        .map(|c| match c.to_ascii_uppercase() {
            upper @ ('A'..='Z' | '0'..='9' | '_') => upper,
            _ => '_',
        })
        .collect();
    let only_substitutes =
        sanitized.chars().all(|c| c == '_') && !requested.chars().all(|c| c == '_');
    if sanitized.is_empty() || only_substitutes {
        DEFAULT_VOLUME_ID.to_owned()
    } else {
        sanitized
    }
}

/// Builds an image of `source_dir` at `output` and returns its size in bytes.
///
/// Shape: see the crate documentation; the size is a multiple of [`BLOCK_BYTES`].
/// Entries that cannot be recorded are skipped as described there; use
/// [`build_image_with_report`] to see them.
///
/// # Errors
///
/// See [`build_image_with_report`].
///
/// Spec: ECMA-119, Joliet, RRIP 1.12 / SUSP 1.12; imapi2.md §2.18 (CreateResultImage).
pub fn build_image(
    source_dir: &Path,
    output: &Path,
    options: &IsoOptions,
) -> Result<u64, IsoError> {
    build_image_with_report(source_dir, output, options).map(|report| report.size_bytes)
}

/// Builds an image of `source_dir` at `output` and reports what was recorded and skipped.
///
/// The image is written to a temporary file in `output`'s directory and renamed to
/// `output` once complete (replacing an existing file); file contents are streamed, so
/// memory does not grow with their size. `source_dir` is only read.
///
/// # Errors
///
/// * [`IsoError::SourceNotDirectory`]: `source_dir` is missing or not a directory.
/// * [`IsoError::ReadDirectory`], [`IsoError::Metadata`]: a directory or entry cannot be read.
/// * [`IsoError::ReadFile`]: a regular file cannot be opened (checked before writing) or read.
/// * [`IsoError::FileChanged`]: a file's length changed while the image was built.
/// * [`IsoError::NonUtf8Name`]: a name or symlink target is not UTF-8.
/// * [`IsoError::TooDeep`]: without Rock Ridge, more than 8 directory levels.
/// * [`IsoError::CreateOutput`], [`IsoError::WriteOutput`]: the output cannot be written.
/// * [`IsoError::Image`]: the writer failed otherwise (e.g. more than 2^32 blocks).
///
/// On error nothing is left at `output` (an existing file there is kept).
///
/// Spec: ECMA-119, Joliet, RRIP 1.12 / SUSP 1.12; imapi2.md §2.18.
pub fn build_image_with_report(
    source_dir: &Path,
    output: &Path,
    options: &IsoOptions,
) -> Result<ImageReport, IsoError> {
    match fs::metadata(source_dir) {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => {
            return Err(IsoError::SourceNotDirectory {
                path: source_dir.to_path_buf(),
                source: None,
            })
        }
        Err(source) => {
            return Err(IsoError::SourceNotDirectory {
                path: source_dir.to_path_buf(),
                source: Some(source),
            })
        }
    }

    let output_dir = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".discmaster-isofs-").suffix(".iso.tmp");
    #[cfg(unix)]
    {
        // Like `File::create`: 0o666 minus the umask (tempfile's default is 0o600).
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let temporary = builder
        .tempfile_in(output_dir)
        .map_err(|source| IsoError::CreateOutput {
            path: output.to_path_buf(),
            source,
        })?;
    let write_error = |source| IsoError::WriteOutput {
        path: output.to_path_buf(),
        source,
    };

    let mut excluded = Vec::new();
    if let Some(id) = temporary
        .as_file()
        .metadata()
        .ok()
        .as_ref()
        .and_then(scan::identity)
    {
        excluded.push(id);
    }
    if let Some(id) = fs::metadata(output).ok().as_ref().and_then(scan::identity) {
        excluded.push(id);
    }

    let failures: scan::FailureSlot = Arc::new(Mutex::new(None));
    let mut scanner = scan::Scanner {
        rock_ridge: options.rock_ridge,
        excluded: &excluded,
        failures: &failures,
        counts: scan::ScanCounts::default(),
    };
    let entries = scanner.scan_directory(source_dir, 1, 0)?;
    let counts = scanner.counts;

    let volume_id = sanitize_volume_id(&options.volume_id);
    let format = format_options(&volume_id, options);
    let tree = InputTree::new(PathSeparator::ForwardSlash, entries);

    let file = temporary.as_file().try_clone().map_err(write_error)?;
    let mut image = output::ImageFile::new(file);
    let written = IsoImageWriter::create(&mut image, tree, format);
    if let Some(failure) = scan::take_failure(&failures) {
        return Err(failure);
    }
    if let Err(writer_error) = written {
        return Err(match image.take_error() {
            Some(source) => write_error(source),
            None => IsoError::Image {
                path: source_dir.to_path_buf(),
                source: Box::new(writer_error),
            },
        });
    }
    let file = image.finish().map_err(write_error)?;
    let size_bytes = file.metadata().map_err(write_error)?.len();
    drop(file);
    if size_bytes % BLOCK_BYTES != 0 {
        return Err(IsoError::Image {
            path: source_dir.to_path_buf(),
            source: format!("writer produced {size_bytes} bytes, not a multiple of {BLOCK_BYTES}")
                .into(),
        });
    }
    temporary
        .persist(output)
        .map_err(|persist| write_error(persist.error))?;

    Ok(ImageReport {
        size_bytes,
        volume_id,
        files: counts.files,
        directories: counts.directories,
        symlinks: counts.symlinks,
        file_bytes: counts.file_bytes,
        skipped: counts.skipped,
    })
}

/// The writer's options for `options`, with the already sanitized `volume_id`.
fn format_options(volume_id: &str, options: &IsoOptions) -> IsoFormatOptions {
    let rock_ridge = options.rock_ridge.then_some(RripOptions {
        enabled: true,
        relocate_deep_dirs: true,
        preserve_permissions: true,
        preserve_ownership: true,
        preserve_timestamps: true,
        preserve_symlinks: true,
        // Device nodes are skipped by the scan; nothing reaches the writer.
        preserve_devices: false,
    });
    IsoFormatOptions {
        volume_name: volume_id.to_owned(),
        system_id: None,
        volume_set_id: None,
        publisher_id: None,
        preparer_id: None,
        application_id: Some("DISCMASTER".to_owned()),
        sector_size: BLOCK_BYTES as usize,
        path_separator: PathSeparator::ForwardSlash,
        features: CreationFeatures {
            filenames: BaseIsoLevel::Level1 {
                supports_lowercase: false,
                supports_rrip: options.rock_ridge,
            },
            long_filenames: false,
            joliet: options.joliet.then_some(JolietLevel::Level3),
            rock_ridge,
            el_torito: None,
            hybrid_boot: None,
        },
        strict_charset: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_volume_id_mixed_case_and_punctuation_become_d_characters() {
        assert_eq!(sanitize_volume_id("My Disc-2024.v1"), "MY_DISC_2024_V1");
    }

    #[test]
    fn sanitize_volume_id_long_input_is_cut_to_32() {
        let long = "a".repeat(40);
        assert_eq!(sanitize_volume_id(&long), "A".repeat(32));
    }

    #[test]
    fn sanitize_volume_id_non_ascii_counts_one_character_each() {
        assert_eq!(sanitize_volume_id("Été"), "_T_");
        assert_eq!(sanitize_volume_id("日本"), DEFAULT_VOLUME_ID);
    }

    #[test]
    fn sanitize_volume_id_empty_gives_default() {
        assert_eq!(sanitize_volume_id(""), "DISCMASTER");
        assert_eq!(sanitize_volume_id("___"), "___");
    }

    #[test]
    fn iso_options_default_is_discmaster_with_both_extensions() {
        let options = IsoOptions::default();
        assert_eq!(options.volume_id, "DISCMASTER");
        assert!(options.joliet && options.rock_ridge);
    }
}
