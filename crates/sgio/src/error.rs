//! [`SgError`]: why opening an SG_IO device or taking its exclusive lock failed.

use std::io;
use std::path::PathBuf;

use discmaster_core::ErrorCode;
use discmaster_transport::TransportError;

/// A failure of [`SgDevice::open`](crate::SgDevice::open) or of exclusive access.
///
/// Commands themselves fail with [`TransportError`] (through [`Transport::execute`]); an
/// `SgError` converts into one with `From`.
///
/// [`Transport::execute`]: discmaster_transport::Transport::execute
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SgError {
    /// `open(2)` of the device node failed (`ENOENT`, `EACCES`, `ENXIO`, …).
    #[error("cannot open {path}: {source}")]
    Open {
        /// The node.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The path is neither a block nor a character device.
    #[error("{path} is not a device node (expected /dev/srN or /dev/sgN)")]
    NotDeviceNode {
        /// The path.
        path: PathBuf,
    },
    /// INQUIRY says the logical unit is not a CD/DVD/BD (MMC) device, or not connected.
    #[error(
        "{path} is not a CD/DVD/BD drive: INQUIRY peripheral device type \
         {peripheral_device_type:02X}h, qualifier {peripheral_qualifier} (a recorder has type 05h, qualifier 0)"
    )]
    NotMmc {
        /// The node.
        path: PathBuf,
        /// INQUIRY byte 0 bits 4–0 (05h = CD/DVD device).
        peripheral_device_type: u8,
        /// INQUIRY byte 0 bits 7–5 (0 = connected).
        peripheral_qualifier: u8,
    },
    /// The identifying INQUIRY could not be sent or was rejected.
    #[error("INQUIRY on {path} failed: {detail}")]
    Inquiry {
        /// The node.
        path: PathBuf,
        /// What happened (status and sense, or the transport failure).
        detail: String,
        /// The transport failure, when there was one.
        #[source]
        source: Option<TransportError>,
    },
    /// Another client holds the drive's exclusive lock (IMAPI `E_IMAPI_RECORDER_LOCKED`;
    /// `owner` is its `ExclusiveAccessOwner`).
    #[error("the drive is locked by {owner}{}", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Locked {
        /// The holder's client name (`"unknown"` when it could not be read).
        owner: String,
        /// The holder's process id, when recorded.
        pid: Option<u32>,
    },
    /// `acquire_exclusive_access(force = false, …)` while a file system from the drive is
    /// mounted (IMAPI: without `force`, the lock is only taken when no file system is
    /// mounted).
    #[error("a file system on the drive is mounted at {mount_point}; unmount it or pass force")]
    Mounted {
        /// Where.
        mount_point: PathBuf,
    },
    /// The client name is not acceptable (IMAPI `E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID`).
    #[error("client name {name:?} is not valid: {reason}")]
    InvalidClientName {
        /// The rejected name.
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// The lock file could not be created, opened or locked.
    #[error("lock file {path}: {source}")]
    LockFile {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
}

impl SgError {
    /// The IMAPI (or discmaster) error code for this failure.
    ///
    /// `Locked`, `Mounted` → `E_IMAPI_RECORDER_LOCKED` 0xC0AA0210; `InvalidClientName` →
    /// `E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID` 0xC0AA0211; a missing node, a non-device
    /// or non-MMC path → `E_DISCMASTER_INVALID_ADDRESS`; `EACCES`/`EPERM` →
    /// `E_ACCESSDENIED`; `ENODEV`/`ENXIO` → `HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)`; an
    /// INQUIRY timeout → `E_IMAPI_RECORDER_COMMAND_TIMEOUT`; other transport failures →
    /// `E_DISCMASTER_TRANSPORT`; other IO → `E_DISCMASTER_IO`.
    pub fn code(&self) -> ErrorCode {
        match self {
            SgError::Locked { .. } | SgError::Mounted { .. } => ErrorCode::E_IMAPI_RECORDER_LOCKED,
            SgError::InvalidClientName { .. } => {
                ErrorCode::E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID
            }
            SgError::NotDeviceNode { .. } | SgError::NotMmc { .. } => {
                ErrorCode::E_DISCMASTER_INVALID_ADDRESS
            }
            SgError::Open { source, .. } => match source.kind() {
                io::ErrorKind::NotFound => ErrorCode::E_DISCMASTER_INVALID_ADDRESS,
                io::ErrorKind::PermissionDenied => ErrorCode::E_ACCESSDENIED,
                _ if is_device_gone(source) => ErrorCode::HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST,
                _ => ErrorCode::E_DISCMASTER_IO,
            },
            SgError::Inquiry { source, .. } => match source {
                Some(TransportError::DeviceGone(_)) => {
                    ErrorCode::HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST
                }
                Some(TransportError::Timeout(_)) => ErrorCode::E_IMAPI_RECORDER_COMMAND_TIMEOUT,
                Some(TransportError::Locked { .. }) => ErrorCode::E_IMAPI_RECORDER_LOCKED,
                _ => ErrorCode::E_DISCMASTER_TRANSPORT,
            },
            SgError::LockFile { .. } => ErrorCode::E_DISCMASTER_IO,
        }
    }
}

/// `ENODEV` or `ENXIO`: the node exists but no device answers behind it.
pub(crate) fn is_device_gone(e: &io::Error) -> bool {
    let code = e.raw_os_error();
    code == Some(rustix::io::Errno::NODEV.raw_os_error())
        || code == Some(rustix::io::Errno::NXIO.raw_os_error())
}

impl From<SgError> for TransportError {
    /// `Locked` → [`TransportError::Locked`] (owner `"NAME (pid N)"`); `Mounted` →
    /// `Locked` with the owner "file system mounted at …"; an `Open` error of `ENODEV`/`ENXIO`
    /// → [`TransportError::DeviceGone`]; an INQUIRY transport failure → that failure; the rest
    /// → [`TransportError::Io`] keeping the IO error kind where there is one.
    fn from(e: SgError) -> TransportError {
        match e {
            SgError::Locked { owner, pid } => TransportError::Locked {
                owner: match pid {
                    Some(p) => format!("{owner} (pid {p})"),
                    None => owner,
                },
            },
            SgError::Mounted { mount_point } => TransportError::Locked {
                owner: format!("the file system mounted at {}", mount_point.display()),
            },
            SgError::Open { path, source } if is_device_gone(&source) => {
                TransportError::DeviceGone(format!("{}: {source}", path.display()))
            }
            SgError::Inquiry {
                source: Some(source),
                ..
            } => source,
            other => {
                let kind = match &other {
                    SgError::Open { source, .. } | SgError::LockFile { source, .. } => {
                        source.kind()
                    }
                    SgError::InvalidClientName { .. } => io::ErrorKind::InvalidInput,
                    _ => io::ErrorKind::Other,
                };
                TransportError::Io(io::Error::new(kind, other.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locked_converts_to_transport_locked_with_pid() {
        let e = SgError::Locked {
            owner: "burner".into(),
            pid: Some(42),
        };
        assert_eq!(e.to_string(), "the drive is locked by burner (pid 42)");
        assert_eq!(e.code(), ErrorCode::E_IMAPI_RECORDER_LOCKED);
        match TransportError::from(e) {
            TransportError::Locked { owner } => assert_eq!(owner, "burner (pid 42)"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mounted_is_locked_by_the_file_system() {
        let e = SgError::Mounted {
            mount_point: "/media/cdrom".into(),
        };
        assert_eq!(e.code(), ErrorCode::E_IMAPI_RECORDER_LOCKED);
        assert!(matches!(
            TransportError::from(e),
            TransportError::Locked { owner } if owner.contains("/media/cdrom")
        ));
    }

    #[test]
    fn open_enxio_is_device_gone() {
        let e = SgError::Open {
            path: "/dev/sr0".into(),
            source: io::Error::from_raw_os_error(rustix::io::Errno::NXIO.raw_os_error()),
        };
        assert_eq!(e.code(), ErrorCode::HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST);
        assert!(matches!(
            TransportError::from(e),
            TransportError::DeviceGone(_)
        ));
    }

    #[test]
    fn open_not_found_and_permission_codes() {
        let nf = SgError::Open {
            path: "/dev/sr9".into(),
            source: io::Error::from(io::ErrorKind::NotFound),
        };
        assert_eq!(nf.code(), ErrorCode::E_DISCMASTER_INVALID_ADDRESS);
        let acc = SgError::Open {
            path: "/dev/sr0".into(),
            source: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        assert_eq!(acc.code(), ErrorCode::E_ACCESSDENIED);
        match TransportError::from(acc) {
            TransportError::Io(e) => assert_eq!(e.kind(), io::ErrorKind::PermissionDenied),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn invalid_client_name_code_and_kind() {
        let e = SgError::InvalidClientName {
            name: String::new(),
            reason: "empty",
        };
        assert_eq!(
            e.code(),
            ErrorCode::E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID
        );
        match TransportError::from(e) {
            TransportError::Io(e) => assert_eq!(e.kind(), io::ErrorKind::InvalidInput),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inquiry_transport_failure_passes_through() {
        let e = SgError::Inquiry {
            path: "/dev/sg0".into(),
            detail: "timed out".into(),
            source: Some(TransportError::Timeout(std::time::Duration::from_secs(5))),
        };
        assert_eq!(e.code(), ErrorCode::E_IMAPI_RECORDER_COMMAND_TIMEOUT);
        assert!(matches!(
            TransportError::from(e),
            TransportError::Timeout(_)
        ));
    }

    #[test]
    fn not_mmc_names_the_type() {
        let e = SgError::NotMmc {
            path: "/dev/sg1".into(),
            peripheral_device_type: 0,
            peripheral_qualifier: 0,
        };
        assert!(e.to_string().contains("peripheral device type 00h"), "{e}");
        assert_eq!(e.code(), ErrorCode::E_DISCMASTER_INVALID_ADDRESS);
    }
}
