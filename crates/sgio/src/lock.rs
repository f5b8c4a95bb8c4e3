//! IMAPI's exclusive access (`AcquireExclusiveAccess`, imapi2.md §2.3, §5.9) on Linux: an
//! advisory `flock` on a lock file shared by every node of one drive.
//!
//! * **Key.** One file per drive, `discmaster-scsi-H:C:T:L.lock`, so `/dev/sr0` and
//!   `/dev/sg0` of the same logical unit share it. Without a SCSI address (no sysfs) the key
//!   is the node's own device number (`discmaster-block-11:0.lock`), shared only by openers
//!   of the same node.
//! * **Directory.** `/run/lock` when writable, else `$XDG_RUNTIME_DIR`, else `/tmp`.
//!   Processes of different users that fall back to different directories do not see each
//!   other's locks.
//! * **Holding.** `flock(LOCK_EX | LOCK_NB)` on the file, then the client name and pid are
//!   written into it (first and second line) so others can report the owner (IMAPI
//!   `ExclusiveAccessOwner`). The kernel drops the lock when the holder exits or crashes.
//!   Acquisitions are counted as IMAPI counts them: the lock is released when the count
//!   returns to 0 (or on drop).
//! * **Checking.** Whether *another* open file holds it: `flock(LOCK_SH | LOCK_NB)` and
//!   unlock at once. Because such a probe briefly blocks an exclusive `flock`, an acquirer
//!   retries for a few milliseconds before it reports the lock taken.
//!
//! `flock` locks belong to the open file description, so two `SgDevice`s of one process are
//! two clients, as two IMAPI recorder objects are.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use crate::error::SgError;

/// Longest client name in bytes. IMAPI passes the name to `IOCTL_CDROM_EXCLUSIVE_ACCESS`,
/// whose caller-name field holds 64 bytes with the terminating NUL; we keep that bound.
pub const MAX_CLIENT_NAME_BYTES: usize = 63;

/// How often and how long an acquirer retries a `flock` that another process's owner probe
/// may be holding for a moment.
const ACQUIRE_RETRIES: u32 = 10;
const ACQUIRE_RETRY_PAUSE: Duration = Duration::from_millis(2);

/// Largest lock-file content read back.
const MAX_OWNER_FILE_BYTES: usize = 512;

/// Who holds a lock, as the holder wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    /// The client name, `"unknown"` when unreadable.
    pub name: String,
    /// The holder's process id when written.
    pub pid: Option<u32>,
}

/// Checks a client name: non-empty, at most [`MAX_CLIENT_NAME_BYTES`], printable ASCII
/// (20h–7Eh) without leading or trailing space.
pub(crate) fn validate_client_name(name: &str) -> Result<(), SgError> {
    let invalid = |reason: &'static str| SgError::InvalidClientName {
        name: name.to_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("empty"));
    }
    if name.len() > MAX_CLIENT_NAME_BYTES {
        return Err(invalid("longer than 63 bytes"));
    }
    if !name.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(invalid("only printable ASCII characters are allowed"));
    }
    if name.starts_with(' ') || name.ends_with(' ') {
        return Err(invalid("leading or trailing space"));
    }
    Ok(())
}

/// The directory for lock files: `/run/lock` if writable, else `$XDG_RUNTIME_DIR` (if it is
/// an existing directory), else `/tmp`.
pub(crate) fn default_lock_dir() -> PathBuf {
    let run_lock = Path::new("/run/lock");
    if rustix::fs::access(run_lock, rustix::fs::Access::WRITE_OK).is_ok() {
        return run_lock.to_path_buf();
    }
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
        if dir.is_absolute() && dir.is_dir() {
            return dir;
        }
    }
    PathBuf::from("/tmp")
}

/// One drive's lock file and this handle's hold on it.
#[derive(Debug)]
pub(crate) struct ExclusiveLock {
    path: PathBuf,
    /// `None` when the file could not be opened (then there is nothing to check, and
    /// acquiring fails with the stored error kind).
    file: Option<File>,
    open_error: Option<io::ErrorKind>,
    writable: bool,
    count: u32,
    client: Option<String>,
}

impl ExclusiveLock {
    /// Opens (creating, mode 0666) the lock file `dir/discmaster-KEY.lock`. Never fails: an
    /// unopenable file is remembered and reported by [`ExclusiveLock::acquire`].
    pub fn open(dir: &Path, key: &str) -> ExclusiveLock {
        let path = dir.join(format!("discmaster-{key}.lock"));
        let (file, writable, open_error) = match open_lock_file(&path) {
            Ok((f, w)) => (Some(f), w, None),
            Err(e) => (None, false, Some(e.kind())),
        };
        ExclusiveLock {
            path,
            file,
            open_error,
            writable,
            count: 0,
            client: None,
        }
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True while this handle holds the lock.
    pub fn is_held(&self) -> bool {
        self.count > 0
    }

    /// Takes the lock for `client` (validated by the caller), or counts one more acquisition
    /// when this handle holds it already.
    ///
    /// # Errors
    /// [`SgError::Locked`] when another open file holds it; [`SgError::LockFile`] when the
    /// file cannot be opened or locked.
    pub fn acquire(&mut self, client: &str) -> Result<(), SgError> {
        if self.count > 0 {
            self.count = self.count.saturating_add(1);
            return Ok(());
        }
        let Some(file) = &self.file else {
            let kind = self.open_error.unwrap_or(io::ErrorKind::Other);
            return Err(SgError::LockFile {
                path: self.path.clone(),
                source: io::Error::new(kind, "the lock file could not be opened"),
            });
        };
        let mut attempt = 0;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if attempt < ACQUIRE_RETRIES => {
                    attempt += 1;
                    thread::sleep(ACQUIRE_RETRY_PAUSE);
                }
                Err(TryLockError::WouldBlock) => {
                    let owner = read_owner(file);
                    return Err(SgError::Locked {
                        owner: owner.name,
                        pid: owner.pid,
                    });
                }
                Err(TryLockError::Error(source)) => {
                    return Err(SgError::LockFile {
                        path: self.path.clone(),
                        source,
                    })
                }
            }
        }
        if self.writable {
            // Best effort: the lock itself is what counts; the name is for reporting.
            let text = format!("{client}\n{}\n", std::process::id());
            let _ = file
                .set_len(0)
                .and_then(|()| file.write_all_at(text.as_bytes(), 0));
        }
        self.count = 1;
        self.client = Some(client.to_owned());
        Ok(())
    }

    /// Drops one acquisition; at zero, clears the owner text and unlocks. No-op when not held.
    pub fn release(&mut self) {
        if self.count == 0 {
            return;
        }
        self.count -= 1;
        if self.count == 0 {
            self.unlock();
        }
    }

    /// Drops every acquisition at once.
    pub fn release_all(&mut self) {
        if self.count > 0 {
            self.count = 0;
            self.unlock();
        }
    }

    fn unlock(&mut self) {
        self.client = None;
        if let Some(file) = &self.file {
            if self.writable {
                let _ = file.set_len(0);
            }
            let _ = file.unlock();
        }
    }

    /// The holder when it is another open file than this handle's; `None` when free, when
    /// this handle holds it, or when there is no lock file.
    pub fn foreign_owner(&self) -> Option<Owner> {
        if self.count > 0 {
            return None;
        }
        let file = self.file.as_ref()?;
        match file.try_lock_shared() {
            Ok(()) => {
                let _ = file.unlock();
                None
            }
            Err(TryLockError::WouldBlock) => Some(read_owner(file)),
            Err(TryLockError::Error(_)) => None,
        }
    }

    /// The current holder's client name: ours when held, else a foreign holder's.
    pub fn owner_name(&self) -> Option<String> {
        match &self.client {
            Some(name) if self.count > 0 => Some(name.clone()),
            _ => self.foreign_owner().map(|o| o.name),
        }
    }
}

impl Drop for ExclusiveLock {
    fn drop(&mut self) {
        self.release_all();
    }
}

/// Opens the lock file read-write (creating it 0666 so other users can write their names
/// into it), falling back to read-only (still lockable) when it belongs to another user.
fn open_lock_file(path: &Path) -> io::Result<(File, bool)> {
    match OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o666)
        .open(path)
    {
        Ok(file) => {
            // The umask usually strips group/other write; widen it when we own the file.
            let _ = file.set_permissions(std::fs::Permissions::from_mode(0o666));
            Ok((file, true))
        }
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            OpenOptions::new().read(true).open(path).map(|f| (f, false))
        }
        Err(e) => Err(e),
    }
}

/// Reads the owner text (`NAME\nPID\n`); names that are not valid client names read as
/// `"unknown"`.
fn read_owner(file: &File) -> Owner {
    let mut buf = vec![0u8; MAX_OWNER_FILE_BYTES];
    let mut len = 0;
    while len < buf.len() {
        match file.read_at(&mut buf[len..], len as u64) {
            Ok(0) | Err(_) => break,
            Ok(n) => len += n,
        }
    }
    parse_owner(&buf[..len])
}

/// Parses lock-file content `NAME\nPID\n`.
pub(crate) fn parse_owner(bytes: &[u8]) -> Owner {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines();
    let name = lines
        .next()
        .filter(|n| validate_client_name(n).is_ok())
        .map_or_else(|| "unknown".to_owned(), str::to_owned);
    let pid = lines.next().and_then(|p| p.trim().parse::<u32>().ok());
    Owner { name, pid }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_client_name_accepts_printable_ascii() {
        assert!(validate_client_name("discmaster").is_ok());
        assert!(validate_client_name("My Burner 2.0 (test)").is_ok());
        assert!(validate_client_name(&"x".repeat(63)).is_ok());
    }

    #[test]
    fn validate_client_name_rejects_bad_names() {
        for bad in [
            "",
            " lead",
            "trail ",
            "tab\there",
            "new\nline",
            "caf\u{e9}",
            &"x".repeat(64),
        ] {
            assert!(
                matches!(
                    validate_client_name(bad),
                    Err(SgError::InvalidClientName { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn acquire_second_handle_is_locked_with_owner_name_and_pid() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = ExclusiveLock::open(dir.path(), "scsi-0:0:0:0");
        let mut b = ExclusiveLock::open(dir.path(), "scsi-0:0:0:0");
        a.acquire("burner A").unwrap();
        assert!(a.is_held());
        assert_eq!(a.foreign_owner(), None);
        assert_eq!(a.owner_name().as_deref(), Some("burner A"));
        let owner = b.foreign_owner().unwrap();
        assert_eq!(owner.name, "burner A");
        assert_eq!(owner.pid, Some(std::process::id()));
        assert_eq!(b.owner_name().as_deref(), Some("burner A"));
        match b.acquire("burner B") {
            Err(SgError::Locked { owner, pid }) => {
                assert_eq!(owner, "burner A");
                assert_eq!(pid, Some(std::process::id()));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn acquire_is_counted_and_release_frees_at_zero() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = ExclusiveLock::open(dir.path(), "k");
        let mut b = ExclusiveLock::open(dir.path(), "k");
        a.acquire("A").unwrap();
        a.acquire("A").unwrap();
        a.release();
        assert!(a.is_held());
        assert!(b.acquire("B").is_err());
        a.release();
        assert!(!a.is_held());
        assert_eq!(b.foreign_owner(), None);
        assert_eq!(fs_len(a.path()), 0, "owner text cleared on release");
        b.acquire("B").unwrap();
        assert_eq!(a.owner_name().as_deref(), Some("B"));
    }

    #[test]
    fn drop_releases_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = ExclusiveLock::open(dir.path(), "k");
        {
            let mut a = ExclusiveLock::open(dir.path(), "k");
            a.acquire("A").unwrap();
            assert!(b.foreign_owner().is_some());
        }
        assert_eq!(b.foreign_owner(), None);
        b.acquire("B").unwrap();
    }

    #[test]
    fn different_keys_do_not_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = ExclusiveLock::open(dir.path(), "scsi-0:0:0:0");
        let mut b = ExclusiveLock::open(dir.path(), "scsi-1:0:0:0");
        a.acquire("A").unwrap();
        b.acquire("B").unwrap();
    }

    #[test]
    fn acquire_in_missing_directory_is_lock_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = ExclusiveLock::open(&dir.path().join("missing"), "k");
        assert_eq!(a.foreign_owner(), None);
        assert!(matches!(
            a.acquire("A"),
            Err(SgError::LockFile { source, .. }) if source.kind() == io::ErrorKind::NotFound
        ));
    }

    #[test]
    fn parse_owner_handles_garbage() {
        assert_eq!(
            parse_owner(b"discmaster\n1234\n"),
            Owner {
                name: "discmaster".into(),
                pid: Some(1234)
            }
        );
        assert_eq!(
            parse_owner(b""),
            Owner {
                name: "unknown".into(),
                pid: None
            }
        );
        assert_eq!(
            parse_owner(b"\xff\xfe\nxyz"),
            Owner {
                name: "unknown".into(),
                pid: None
            }
        );
    }

    fn fs_len(p: &Path) -> u64 {
        std::fs::metadata(p).unwrap().len()
    }
}
