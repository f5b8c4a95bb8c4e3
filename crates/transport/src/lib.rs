//! The [`Transport`] trait: deliver one CDB to a logical unit and return what came back.
//!
//! Invariant (STYLE rule 3): CHECK CONDITION is **not** a transport error. `execute` returns
//! `Ok(Completion)` with the status byte and sense bytes; only the executor in the `discmaster`
//! crate turns sense into an error. `Err(TransportError)` means the command could not be
//! delivered or its outcome is unknown (timeout, device gone, host IO failure).
#![forbid(unsafe_code)]

use std::time::Duration;

/// Direction and buffer of a command's data phase.
#[derive(Debug)]
pub enum DataPhase<'a> {
    /// No data phase.
    None,
    /// Device → host. The buffer length is the transfer length the host allows.
    In(&'a mut [u8]),
    /// Host → device.
    Out(&'a [u8]),
}

impl DataPhase<'_> {
    /// Bytes the host offers or expects.
    pub fn len(&self) -> usize {
        match self {
            DataPhase::None => 0,
            DataPhase::In(b) => b.len(),
            DataPhase::Out(b) => b.len(),
        }
    }

    /// True when there is no data phase or it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// SCSI status byte (SAM-5 §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScsiStatus(pub u8);

impl ScsiStatus {
    /// 00h GOOD.
    pub const GOOD: ScsiStatus = ScsiStatus(0x00);
    /// 02h CHECK CONDITION: sense data describes the failure.
    pub const CHECK_CONDITION: ScsiStatus = ScsiStatus(0x02);
    /// 08h BUSY.
    pub const BUSY: ScsiStatus = ScsiStatus(0x08);
    /// 18h RESERVATION CONFLICT.
    pub const RESERVATION_CONFLICT: ScsiStatus = ScsiStatus(0x18);
    /// 28h TASK SET FULL.
    pub const TASK_SET_FULL: ScsiStatus = ScsiStatus(0x28);

    /// The SAM name of the status.
    pub fn name(self) -> &'static str {
        match self.0 {
            0x00 => "GOOD",
            0x02 => "CHECK CONDITION",
            0x04 => "CONDITION MET",
            0x08 => "BUSY",
            0x18 => "RESERVATION CONFLICT",
            0x28 => "TASK SET FULL",
            0x30 => "ACA ACTIVE",
            0x40 => "TASK ABORTED",
            _ => "unknown status",
        }
    }
}

/// What a delivered command returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Status byte.
    pub status: ScsiStatus,
    /// Sense bytes as returned (fixed or descriptor format); empty when none.
    pub sense: Vec<u8>,
    /// Data-phase bytes **not** transferred (requested − actual), as SG_IO's `resid`.
    pub residual: usize,
}

impl Completion {
    /// GOOD with all data transferred.
    pub fn good() -> Completion {
        Completion {
            status: ScsiStatus::GOOD,
            sense: Vec::new(),
            residual: 0,
        }
    }

    /// True when the status is GOOD.
    pub fn is_good(&self) -> bool {
        self.status == ScsiStatus::GOOD
    }
}

/// A failure to deliver a command or learn its outcome.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The command did not complete within its timeout.
    #[error("command timed out after {0:?}")]
    Timeout(Duration),
    /// The device went away (unplugged, connection lost).
    #[error("device is gone: {0}")]
    DeviceGone(String),
    /// Another client holds the device exclusively.
    #[error("device is locked by {owner}")]
    Locked {
        /// Who holds it, as far as known.
        owner: String,
    },
    /// Host-side IO failure (file, ioctl, socket).
    #[error("host IO error: {0}")]
    Io(#[from] std::io::Error),
    /// The host adapter or driver reported an error (SG_IO host/driver status).
    #[error("host adapter/driver error: {0}")]
    Host(String),
}

/// A path to one logical unit: SG_IO device, emulated drive, iSCSI LUN, or a middleware over one.
pub trait Transport: Send {
    /// Sends `cdb` with `data` and waits up to `timeout` for the outcome.
    ///
    /// # Errors
    /// [`TransportError`] only when the command could not be delivered or its outcome is
    /// unknown; a CHECK CONDITION is `Ok` with sense.
    fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, TransportError>;

    /// A short human-readable name of the path (`emu:/path`, `/dev/sr0`).
    fn describe(&self) -> String;

    /// IMAPI `AcquireExclusiveAccess`: other clients' commands fail with
    /// [`TransportError::Locked`] until released. Transports that are exclusive by
    /// construction (the emulated drive holds its lock while open) accept it as is.
    ///
    /// # Errors
    /// [`TransportError::Locked`] when another client holds the drive.
    fn acquire_exclusive_access(
        &mut self,
        force: bool,
        client_name: &str,
    ) -> Result<(), TransportError> {
        let _ = (force, client_name);
        Ok(())
    }

    /// IMAPI `ReleaseExclusiveAccess`.
    fn release_exclusive_access(&mut self) {}

    /// IMAPI `ExclusiveAccessOwner`: the client name of whoever holds the drive, if known.
    fn exclusive_access_owner(&self) -> Option<String> {
        None
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, TransportError> {
        (**self).execute(cdb, data, timeout)
    }

    fn describe(&self) -> String {
        (**self).describe()
    }

    fn acquire_exclusive_access(
        &mut self,
        force: bool,
        client_name: &str,
    ) -> Result<(), TransportError> {
        (**self).acquire_exclusive_access(force, client_name)
    }

    fn release_exclusive_access(&mut self) {
        (**self).release_exclusive_access()
    }

    fn exclusive_access_owner(&self) -> Option<String> {
        (**self).exclusive_access_owner()
    }
}
