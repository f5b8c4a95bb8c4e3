//! Walks the source tree into a `hadris-iso` input tree whose files are streamed.
//!
//! Regular files become `InputEntryKind::Source`: only the path and the length are kept;
//! the writer opens the file when it copies its extent and reads it in 64 KiB chunks.
//! Nothing here writes to the source tree (files and directories are opened read-only).

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hadris_iso::write::{FileSource, InputEntry, InputEntryKind, InputMetadata};

use crate::{IsoError, SkipReason, SkippedEntry};

/// The first failure met by a file reader while the writer runs.
pub(crate) type FailureSlot = Arc<Mutex<Option<IsoError>>>;

/// Records `error` in `slot` unless an earlier failure is already there.
pub(crate) fn record_failure(slot: &FailureSlot, error: IsoError) {
    let mut guard = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if guard.is_none() {
        *guard = Some(error);
    }
}

/// Takes the recorded failure out of `slot`.
pub(crate) fn take_failure(slot: &FailureSlot) -> Option<IsoError> {
    slot.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take()
}

/// Identity of a file (`st_dev`, `st_ino`), to recognise the output inside the source.
pub(crate) type FileIdentity = (u64, u64);

/// Returns the identity of the file behind `metadata` (Unix only).
pub(crate) fn identity(metadata: &fs::Metadata) -> Option<FileIdentity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

/// What the scan found, besides the tree.
#[derive(Debug, Default)]
pub(crate) struct ScanCounts {
    pub(crate) files: u64,
    pub(crate) directories: u64,
    pub(crate) symlinks: u64,
    pub(crate) file_bytes: u64,
    pub(crate) skipped: Vec<SkippedEntry>,
}

/// Scanner state shared by the recursion.
pub(crate) struct Scanner<'a> {
    /// Record symlinks as Rock Ridge `SL` entries (else skip them) and relocate deep
    /// directories (else fail with [`IsoError::TooDeep`]).
    pub(crate) rock_ridge: bool,
    /// Files not to include: the image being written (and an old image at the output path).
    pub(crate) excluded: &'a [FileIdentity],
    /// Where a streamed file reader records its failure.
    pub(crate) failures: &'a FailureSlot,
    pub(crate) counts: ScanCounts,
}

impl Scanner<'_> {
    /// Lists `dir` recursively. `depth` is 1 for the entries of the source root, like the
    /// writer's own check; `iso_path_len` is the byte length of `dir`'s path below the root
    /// (names joined with `/`, 0 for the root).
    pub(crate) fn scan_directory(
        &mut self,
        dir: &Path,
        depth: usize,
        iso_path_len: usize,
    ) -> Result<Vec<InputEntry>, IsoError> {
        let read_error = |source| IsoError::ReadDirectory {
            path: dir.to_path_buf(),
            source,
        };
        let mut children = Vec::new();
        for entry in fs::read_dir(dir).map_err(read_error)? {
            let entry = entry.map_err(read_error)?;
            children.push((entry.file_name(), entry.path()));
        }
        // Deterministic order; the writer sorts records by their converted names anyway.
        children.sort();

        let mut entries = Vec::with_capacity(children.len());
        for (name, path) in children {
            let Some(name) = name.to_str() else {
                return Err(IsoError::NonUtf8Name { path });
            };
            let metadata = fs::symlink_metadata(&path).map_err(|source| IsoError::Metadata {
                path: path.clone(),
                source,
            })?;
            let file_type = metadata.file_type();
            let input_metadata = input_metadata(&metadata);

            if file_type.is_dir() {
                let child_len = if iso_path_len == 0 {
                    name.len()
                } else {
                    iso_path_len + 1 + name.len()
                };
                // Same limit the writer enforces (ECMA-119 §6.8.2.1: 8 levels; 255-byte
                // path), checked here so that the error names the directory.
                if !self.rock_ridge && (depth >= 8 || child_len > 255) {
                    return Err(IsoError::TooDeep { path });
                }
                let grandchildren = self.scan_directory(&path, depth + 1, child_len)?;
                self.counts.directories += 1;
                entries
                    .push(InputEntry::directory(name, grandchildren).with_metadata(input_metadata));
            } else if file_type.is_file() {
                if identity(&metadata).is_some_and(|id| self.excluded.contains(&id)) {
                    self.counts.skipped.push(SkippedEntry {
                        path,
                        reason: SkipReason::OutputImage,
                    });
                    continue;
                }
                // Fail before anything is written if the file cannot be opened.
                File::open(&path).map_err(|source| IsoError::ReadFile {
                    path: path.clone(),
                    source,
                })?;
                let len = metadata.len();
                self.counts.files += 1;
                self.counts.file_bytes += len;
                let source = streamed_source(path, len, Arc::clone(self.failures));
                entries.push(InputEntry {
                    name: Arc::new(name.to_owned()),
                    kind: InputEntryKind::Source(source),
                    metadata: input_metadata,
                });
            } else if file_type.is_symlink() {
                if !self.rock_ridge {
                    self.counts.skipped.push(SkippedEntry {
                        path,
                        reason: SkipReason::SymlinkWithoutRockRidge,
                    });
                    continue;
                }
                let target = fs::read_link(&path).map_err(|source| IsoError::Metadata {
                    path: path.clone(),
                    source,
                })?;
                let Some(target) = target.to_str() else {
                    return Err(IsoError::NonUtf8Name { path });
                };
                self.counts.symlinks += 1;
                entries.push(InputEntry::symlink(name, target).with_metadata(input_metadata));
            } else {
                self.counts.skipped.push(SkippedEntry {
                    path,
                    reason: SkipReason::SpecialFile,
                });
            }
        }
        Ok(entries)
    }
}

/// POSIX metadata for Rock Ridge `PX`/`TF` (permissions, owner, times).
fn input_metadata(metadata: &fs::Metadata) -> InputMetadata {
    let seconds = |time: io::Result<std::time::SystemTime>| {
        let time = time.ok()?;
        match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).ok(),
            Err(before) => i64::try_from(before.duration().as_secs()).ok().map(|s| -s),
        }
    };
    #[allow(unused_mut)]
    let mut result = InputMetadata {
        created: seconds(metadata.created()),
        modified: seconds(metadata.modified()),
        accessed: seconds(metadata.accessed()),
        ..InputMetadata::default()
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        result.mode = Some(metadata.mode() & 0o7777);
        result.uid = Some(metadata.uid());
        result.gid = Some(metadata.gid());
    }
    result
}

/// A source that opens `path` when the writer reaches the file and reports failures,
/// with the path, through `failures`.
fn streamed_source(path: PathBuf, len: u64, failures: FailureSlot) -> FileSource {
    FileSource::new(len, move || match File::open(&path) {
        Ok(file) => Ok(Box::new(TrackedReader {
            file,
            path: path.clone(),
            scanned_bytes: len,
            read_bytes: 0,
            failures: Arc::clone(&failures),
        }) as Box<dyn Read + Send>),
        Err(source) => {
            let kind = source.kind();
            record_failure(
                &failures,
                IsoError::ReadFile {
                    path: path.clone(),
                    source,
                },
            );
            Err(io::Error::new(kind, "cannot open source file"))
        }
    })
}

/// Reads one source file for the writer, recording read errors and size changes.
struct TrackedReader {
    file: File,
    path: PathBuf,
    scanned_bytes: u64,
    read_bytes: u64,
    failures: FailureSlot,
}

impl Read for TrackedReader {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        match self.file.read(into) {
            Ok(0) if !into.is_empty() && self.read_bytes < self.scanned_bytes => {
                // The file shrank; the writer turns this into UnexpectedEof.
                record_failure(
                    &self.failures,
                    IsoError::FileChanged {
                        path: self.path.clone(),
                        scanned_bytes: self.scanned_bytes,
                        now_bytes: self.read_bytes,
                    },
                );
                Ok(0)
            }
            Ok(read) => {
                self.read_bytes += read as u64;
                Ok(read)
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => Err(error),
            Err(error) => {
                let kind = error.kind();
                record_failure(
                    &self.failures,
                    IsoError::ReadFile {
                        path: self.path.clone(),
                        source: error,
                    },
                );
                Err(io::Error::new(kind, "cannot read source file"))
            }
        }
    }
}

impl Drop for TrackedReader {
    /// The writer reads exactly the scanned length; a file that grew meanwhile would be
    /// silently truncated, so its current length is checked once it has been copied.
    fn drop(&mut self) {
        if self.read_bytes != self.scanned_bytes {
            return; // failed or short read: already recorded (or the write failed)
        }
        if let Ok(metadata) = self.file.metadata() {
            if metadata.len() != self.scanned_bytes {
                record_failure(
                    &self.failures,
                    IsoError::FileChanged {
                        path: self.path.clone(),
                        scanned_bytes: self.scanned_bytes,
                        now_bytes: metadata.len(),
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot() -> FailureSlot {
        Arc::new(Mutex::new(None))
    }

    #[test]
    fn streamed_source_file_removed_after_scan_records_read_file_with_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gone.txt");
        fs::write(&path, b"12345").expect("write");
        let failures = slot();
        let source = streamed_source(path.clone(), 5, Arc::clone(&failures));
        fs::remove_file(&path).expect("rm");
        assert!(source.open().is_err());
        match take_failure(&failures) {
            Some(IsoError::ReadFile {
                path: failed,
                source,
            }) => {
                assert_eq!(failed, path);
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn streamed_source_file_shrunk_after_scan_records_file_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("shrinks.bin");
        fs::write(&path, [7u8; 10]).expect("write");
        let failures = slot();
        let source = streamed_source(path.clone(), 10, Arc::clone(&failures));
        fs::write(&path, [7u8; 4]).expect("truncate");
        let mut reader = source.open().expect("open");
        let mut buffer = [0u8; 10];
        assert_eq!(reader.read(&mut buffer).expect("read"), 4);
        assert_eq!(reader.read(&mut buffer).expect("read"), 0);
        drop(reader);
        match take_failure(&failures) {
            Some(IsoError::FileChanged {
                path: failed,
                scanned_bytes: 10,
                now_bytes: 4,
            }) => assert_eq!(failed, path),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn streamed_source_file_grown_after_scan_records_file_changed_on_drop() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("grows.bin");
        fs::write(&path, [1u8; 4]).expect("write");
        let failures = slot();
        let source = streamed_source(path.clone(), 4, Arc::clone(&failures));
        fs::write(&path, [1u8; 9]).expect("grow");
        let mut reader = source.open().expect("open");
        let mut buffer = [0u8; 4];
        reader.read_exact(&mut buffer).expect("read");
        assert!(
            take_failure(&failures).is_none(),
            "nothing wrong before drop"
        );
        drop(reader);
        assert!(matches!(
            take_failure(&failures),
            Some(IsoError::FileChanged {
                scanned_bytes: 4,
                now_bytes: 9,
                ..
            })
        ));
    }

    #[test]
    fn streamed_source_unchanged_file_records_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("same.bin");
        fs::write(&path, b"abc").expect("write");
        let failures = slot();
        let source = streamed_source(path, 3, Arc::clone(&failures));
        let mut contents = Vec::new();
        source
            .open()
            .expect("open")
            .read_to_end(&mut contents)
            .expect("read");
        assert_eq!(contents, b"abc");
        assert!(take_failure(&failures).is_none());
    }

    #[test]
    fn record_failure_keeps_the_first() {
        let failures = slot();
        record_failure(&failures, IsoError::NonUtf8Name { path: "a".into() });
        record_failure(&failures, IsoError::NonUtf8Name { path: "b".into() });
        assert_eq!(
            take_failure(&failures).map(|e| e.path().to_path_buf()),
            Some("a".into())
        );
    }
}
