//! [`SgDevice`]: one open `/dev/srN` or `/dev/sgN` node, a [`Transport`] over `SG_IO`.

use std::fs::{File, OpenOptions};
use std::os::fd::AsFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use discmaster_mmc::commands::Inquiry;
use discmaster_mmc::responses::InquiryData;
use discmaster_mmc::Command;
use discmaster_transport::{Completion, DataPhase, Transport, TransportError};

use crate::error::SgError;
use crate::lock::{default_lock_dir, validate_client_name, ExclusiveLock};
use crate::outcome::{completion_from_status, timeout_ms, transport_error_from_errno};
use crate::sys::{self, Transfer};
use crate::sysfs::{self, NodeKind, ScsiAddress, PERIPHERAL_TYPE_MMC};

/// Sense buffer handed to the kernel per command (`mx_sb_len`). Fixed-format sense is 18
/// bytes, descriptor sense rarely longer than 32; the kernel keeps at most 96.
const SENSE_BUFFER_BYTES: usize = 64;

/// Timeout of the identifying INQUIRY sent by [`SgDevice::open`] (IMAPI's default command
/// timeout, `IMAPI2_DEFAULT_COMMAND_TIMEOUT` = 10 s).
const INQUIRY_TIMEOUT: Duration = Duration::from_secs(10);

/// Attempts of the identifying INQUIRY: it should never see a UNIT ATTENTION (SPC-4 exempts
/// INQUIRY), but some bridges report one anyway.
const INQUIRY_ATTEMPTS: u32 = 3;

/// One CD/DVD/BD drive opened through Linux `SG_IO`: the `sr` block node (`/dev/srN`) or the
/// `sg` character node (`/dev/sgN`) of the same logical unit.
///
/// Shape: an open file descriptor (`O_RDWR | O_NONBLOCK`, so no medium and no root are
/// needed; the node's permissions apply, usually group `cdrom`), the drive's INQUIRY
/// identity and SCSI address, and its exclusive-access lock (see
/// [`SgDevice::acquire_exclusive_access`]).
///
/// Implements [`Transport`]: CHECK CONDITION returns `Ok(Completion)` with up to 64 sense
/// bytes; host/driver failures, timeouts and vanished devices are [`TransportError`]s. While
/// another client holds the exclusive lock, every command fails with
/// [`TransportError::Locked`] (IMAPI imapi2.md §5.1 rule 8).
///
/// Non-root callers: the kernel only passes the commands of its `scsi_cmd_allowed` list
/// (MMC reads, writes and configuration; not vendor-specific opcodes) and answers others
/// with `EPERM`, reported as [`TransportError::Io`] of kind `PermissionDenied`. Block-layer
/// SG_IO (`/dev/srN`) raises timeouts below 7 s to 7 s.
///
/// Spec: Linux sg v3 interface (`<scsi/sg.h>`); INQUIRY is SPC-4 §6.6 (reference `mmc.md`
/// §1.4); exclusive access follows imapi2.md §2.3 and §5.9.
#[derive(Debug)]
pub struct SgDevice {
    file: File,
    path: PathBuf,
    read_only: bool,
    scsi_address: Option<ScsiAddress>,
    /// `MAJOR:MINOR` of the drive's `sr` block device (for the mount check).
    block_dev: Option<(u32, u32)>,
    vendor: String,
    model: String,
    revision: String,
    lock: ExclusiveLock,
}

impl SgDevice {
    /// Opens `path` (`/dev/srN` or `/dev/sgN`), sends INQUIRY and accepts only an MMC device.
    ///
    /// The node is opened `O_RDWR | O_NONBLOCK` (no medium needed), or `O_RDONLY |
    /// O_NONBLOCK` when only reading is permitted (see [`SgDevice::is_read_only`]). The SCSI
    /// address comes
    /// from sysfs (`/sys/dev/{block,char}/MAJOR:MINOR/device`); the exclusive-access lock
    /// file is keyed by it so both nodes of a drive share one lock. Opening succeeds while
    /// another client holds that lock, as IMAPI's `InitializeDiscRecorder` does.
    ///
    /// # Errors
    /// [`SgError::Open`] when `open(2)` fails (read-write, then read-only);
    /// [`SgError::NotDeviceNode`] for anything but a block or character device;
    /// [`SgError::Inquiry`] when INQUIRY cannot be sent (e.g. not a SCSI device: `ENOTTY`) or
    /// ends without GOOD status; [`SgError::NotMmc`] when the peripheral device type is not
    /// 05h or the qualifier is not 0.
    ///
    /// Spec: SPC-4 §6.6.2 peripheral device type (reference `mmc.md` §1.4).
    pub fn open(path: &Path) -> Result<SgDevice, SgError> {
        SgDevice::open_with(path, Path::new("/sys"), &default_lock_dir())
    }

    /// [`SgDevice::open`] with the sysfs root and the lock directory as parameters.
    pub(crate) fn open_with(path: &Path, sys: &Path, lock_dir: &Path) -> Result<SgDevice, SgError> {
        let open_err = |source| SgError::Open {
            path: path.to_path_buf(),
            source,
        };
        // O_NONBLOCK: no medium needed, and the cdrom layer skips its "writable medium"
        // check (EROFS) for write opens. Read-only fallback for users with read permission
        // only: reads work, the kernel refuses write commands with EPERM.
        let open = |write: bool| {
            OpenOptions::new()
                .read(true)
                .write(write)
                .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
                .open(path)
        };
        let (file, read_only) = match open(true) {
            Ok(f) => (f, false),
            Err(e)
                if matches!(e.kind(), std::io::ErrorKind::PermissionDenied)
                    || e.raw_os_error() == Some(rustix::io::Errno::ROFS.raw_os_error()) =>
            {
                (open(false).map_err(|_| open_err(e))?, true)
            }
            Err(e) => return Err(open_err(e)),
        };
        let meta = file.metadata().map_err(open_err)?;
        let kind = if meta.file_type().is_block_device() {
            NodeKind::Block
        } else if meta.file_type().is_char_device() {
            NodeKind::Char
        } else {
            return Err(SgError::NotDeviceNode {
                path: path.to_path_buf(),
            });
        };
        let rdev = meta.rdev();
        let (major, minor) = (rustix::fs::major(rdev), rustix::fs::minor(rdev));
        let scsi_dir = sysfs::scsi_device_dir(sys, kind, major, minor);
        let scsi_address = scsi_dir.as_deref().and_then(sysfs::address_of_dir);
        let block_dev = match kind {
            NodeKind::Block => Some((major, minor)),
            NodeKind::Char => scsi_dir.as_deref().and_then(sysfs::block_dev_of),
        };
        let key = match scsi_address {
            Some((h, c, t, l)) => format!("scsi-{h}:{c}:{t}:{l}"),
            None => match kind {
                NodeKind::Block => format!("block-{major}:{minor}"),
                NodeKind::Char => format!("char-{major}:{minor}"),
            },
        };
        let mut device = SgDevice {
            file,
            path: path.to_path_buf(),
            read_only,
            scsi_address,
            block_dev,
            vendor: String::new(),
            model: String::new(),
            revision: String::new(),
            lock: ExclusiveLock::open(lock_dir, &key),
        };
        device.identify()?;
        Ok(device)
    }

    /// Sends INQUIRY, checks the peripheral type and stores the identity strings.
    fn identify(&mut self) -> Result<(), SgError> {
        let inquiry = Inquiry {
            evpd: false,
            page_code: 0,
            allocation_length: InquiryData::<&[u8]>::LEN as u16,
        };
        let cdb = inquiry.cdb();
        let mut buf = [0u8; InquiryData::<&[u8]>::LEN];
        let path = self.path.clone();
        let inquiry_err = |detail: String, source: Option<TransportError>| SgError::Inquiry {
            path: path.clone(),
            detail,
            source,
        };
        let mut attempt = 1;
        let received = loop {
            let c = self
                .execute_unchecked(cdb.as_bytes(), DataPhase::In(&mut buf), INQUIRY_TIMEOUT)
                .map_err(|e| inquiry_err(e.to_string(), Some(e)))?;
            if c.is_good() {
                break buf.len().saturating_sub(c.residual);
            }
            if attempt >= INQUIRY_ATTEMPTS {
                return Err(inquiry_err(
                    format!(
                        "status {:02X}h {}, sense {}",
                        c.status.0,
                        c.status.name(),
                        hex(&c.sense)
                    ),
                    None,
                ));
            }
            attempt += 1;
        };
        let data = InquiryData::new_checked(&buf[..received]).map_err(|e| SgError::Inquiry {
            path: self.path.clone(),
            detail: format!("{received} bytes of INQUIRY data: {e}"),
            source: None,
        })?;
        if data.peripheral_device_type() != PERIPHERAL_TYPE_MMC || data.peripheral_qualifier() != 0
        {
            return Err(SgError::NotMmc {
                path: self.path.clone(),
                peripheral_device_type: data.peripheral_device_type(),
                peripheral_qualifier: data.peripheral_qualifier(),
            });
        }
        self.vendor = data.vendor_identification_str();
        self.model = data.product_identification_str();
        self.revision = data.product_revision_level_str();
        Ok(())
    }

    /// Takes the drive's exclusive lock for `client_name` (IMAPI `AcquireExclusiveAccess`).
    ///
    /// While held, other clients — other processes, or other `SgDevice`s, through either node
    /// of the drive — get [`SgError::Locked`] from this method and
    /// [`TransportError::Locked`] from every command. Acquisitions by the holder are counted;
    /// [`SgDevice::release_exclusive_access`] undoes one, and the lock is free when the
    /// count returns to 0, when the `SgDevice` is dropped, or when the process dies.
    ///
    /// `force = false` refuses while a file system from the drive is mounted; `force = true`
    /// takes the lock anyway (the file system stays mounted: unmounting needs privileges
    /// this library does not assume).
    ///
    /// # Errors
    /// [`SgError::InvalidClientName`] unless the name is 1–63 bytes of printable ASCII
    /// without leading/trailing space; [`SgError::Mounted`] (only with `force = false`);
    /// [`SgError::Locked`] with the holder's name; [`SgError::LockFile`] when the lock file
    /// cannot be created or locked.
    ///
    /// Spec: imapi2.md §2.3 `AcquireExclusiveAccess`, §5.9.
    pub fn acquire_exclusive_access(
        &mut self,
        force: bool,
        client_name: &str,
    ) -> Result<(), SgError> {
        validate_client_name(client_name)?;
        if !force && !self.lock.is_held() {
            if let Some(mount_point) = self
                .block_dev
                .and_then(|(major, minor)| sysfs::mount_point(major, minor))
            {
                return Err(SgError::Mounted { mount_point });
            }
        }
        self.lock.acquire(client_name)
    }

    /// Drops one acquisition of the exclusive lock (IMAPI `ReleaseExclusiveAccess`); the
    /// drive is free for others when the count reaches 0. No-op when not held.
    ///
    /// Spec: imapi2.md §2.3 `ReleaseExclusiveAccess`.
    pub fn release_exclusive_access(&mut self) {
        self.lock.release();
    }

    /// The client name holding the drive's exclusive lock — this device's own or another
    /// client's — or `None` when nobody holds it (IMAPI `ExclusiveAccessOwner`).
    ///
    /// Spec: imapi2.md §2.3 `ExclusiveAccessOwner`.
    #[doc(alias = "ExclusiveAccessOwner")]
    pub fn exclusive_access_owner(&self) -> Option<String> {
        self.lock.owner_name()
    }

    /// True while this device holds the exclusive lock.
    pub fn has_exclusive_access(&self) -> bool {
        self.lock.is_held()
    }

    /// The node this device was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when the node could only be opened read-only (no write permission): commands
    /// that write are then refused by the kernel (`EPERM`).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// `(host, channel, target, lun)` from sysfs; `None` without sysfs.
    pub fn scsi_address(&self) -> Option<ScsiAddress> {
        self.scsi_address
    }

    /// INQUIRY vendor identification, trailing spaces removed (IMAPI `VendorId`).
    #[doc(alias = "VendorId")]
    pub fn vendor(&self) -> &str {
        &self.vendor
    }

    /// INQUIRY product identification, trailing spaces removed (IMAPI `ProductId`).
    #[doc(alias = "ProductId")]
    pub fn model(&self) -> &str {
        &self.model
    }

    /// INQUIRY product revision level, trailing spaces removed (IMAPI `ProductRevision`).
    #[doc(alias = "ProductRevision")]
    pub fn revision(&self) -> &str {
        &self.revision
    }

    /// The exclusive-access lock file of this drive.
    pub fn lock_file_path(&self) -> &Path {
        self.lock.path()
    }

    /// One `SG_IO` without the foreign-lock check.
    fn execute_unchecked(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, TransportError> {
        let Some(&opcode) = cdb.first().filter(|_| cdb.len() <= 16) else {
            return Err(TransportError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("CDB of {} bytes: SG_IO takes 1 to 16", cdb.len()),
            )));
        };
        let requested = data.len();
        let transfer = match data {
            DataPhase::None => Transfer::None,
            DataPhase::In(buf) => Transfer::FromDevice(buf),
            DataPhase::Out(buf) => Transfer::ToDevice(buf),
        };
        let mut sense = [0u8; SENSE_BUFFER_BYTES];
        let status = sys::sg_io(
            self.file.as_fd(),
            cdb,
            transfer,
            &mut sense,
            timeout_ms(timeout),
        )
        .map_err(|e| transport_error_from_errno(e, timeout, &self.describe(), opcode))?;
        completion_from_status(&status, &sense, requested, timeout, opcode)
    }
}

impl Transport for SgDevice {
    fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, TransportError> {
        if let Some(owner) = self.lock.foreign_owner() {
            return Err(SgError::Locked {
                owner: owner.name,
                pid: owner.pid,
            }
            .into());
        }
        self.execute_unchecked(cdb, data, timeout)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn acquire_exclusive_access(
        &mut self,
        force: bool,
        client_name: &str,
    ) -> Result<(), TransportError> {
        SgDevice::acquire_exclusive_access(self, force, client_name).map_err(TransportError::from)
    }

    fn release_exclusive_access(&mut self) {
        SgDevice::release_exclusive_access(self)
    }

    fn exclusive_access_owner(&self) -> Option<String> {
        SgDevice::exclusive_access_owner(self)
    }
}

/// Lower-case hex bytes separated by spaces (`"70 00 05"`), `"none"` when empty.
fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "none".to_owned();
    }
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_regular_file_is_not_device_node() {
        let f = tempfile::NamedTempFile::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let err = SgDevice::open_with(f.path(), dir.path(), dir.path()).unwrap_err();
        assert!(matches!(err, SgError::NotDeviceNode { .. }), "{err:?}");
    }

    #[test]
    fn open_missing_node_is_open_error_not_found() {
        let err = SgDevice::open(Path::new("/dev/discmaster-no-such-sr")).unwrap_err();
        match err {
            SgError::Open { source, .. } => {
                assert_eq!(source.kind(), std::io::ErrorKind::NotFound)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn open_non_scsi_char_device_fails_inquiry() {
        // /dev/null is a character device without SG_IO: INQUIRY fails with ENOTTY/EINVAL.
        let dir = tempfile::tempdir().unwrap();
        let err = SgDevice::open_with(Path::new("/dev/null"), dir.path(), dir.path()).unwrap_err();
        match err {
            SgError::Inquiry {
                source: Some(TransportError::Io(_)),
                ..
            } => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hex_formats_sense() {
        assert_eq!(hex(&[]), "none");
        assert_eq!(hex(&[0x70, 0x00, 0x05]), "70 00 05");
    }
}
