//! Progress events of a write (IMAPI `IDiscFormat2DataEventArgs`) and cancellation.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use discmaster_core::Lba;

/// Phase of a data write (IMAPI `IMAPI_FORMAT2_DATA_WRITE_ACTION`, `imapi2.md` §3.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteAction {
    /// 0: checking that the medium is usable.
    ValidatingMedia,
    /// 1: formatting the medium (media that need it).
    FormattingMedia,
    /// 2: preparing the drive (write parameters).
    InitializingHardware,
    /// 3: optimum power calibration.
    CalibratingPower,
    /// 4: writing user data.
    WritingData,
    /// 5: flushing the cache, closing track/session.
    Finalization,
    /// 6: done.
    Completed,
    /// 7: reading back and comparing.
    Verifying,
}

impl WriteAction {
    /// The IMAPI enum value.
    pub fn imapi_value(self) -> u32 {
        match self {
            WriteAction::ValidatingMedia => 0,
            WriteAction::FormattingMedia => 1,
            WriteAction::InitializingHardware => 2,
            WriteAction::CalibratingPower => 3,
            WriteAction::WritingData => 4,
            WriteAction::Finalization => 5,
            WriteAction::Completed => 6,
            WriteAction::Verifying => 7,
        }
    }

    /// snake_case name used in JSON output (`"writing_data"`).
    pub fn name(self) -> &'static str {
        match self {
            WriteAction::ValidatingMedia => "validating_media",
            WriteAction::FormattingMedia => "formatting_media",
            WriteAction::InitializingHardware => "initializing_hardware",
            WriteAction::CalibratingPower => "calibrating_power",
            WriteAction::WritingData => "writing_data",
            WriteAction::Finalization => "finalization",
            WriteAction::Completed => "completed",
            WriteAction::Verifying => "verifying",
        }
    }
}

/// One progress event (IMAPI `IDiscFormat2DataEventArgs` + `IWriteEngine2EventArgs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressEvent {
    /// Current phase.
    pub action: WriteAction,
    /// First LBA of the write (`StartLba`).
    pub start_lba: Lba,
    /// Sectors in the write (`SectorCount`).
    pub sector_count: u32,
    /// Last sector fetched from the source (`LastReadLba`); `start_lba − 1` before the first.
    pub last_read_lba: Lba,
    /// Last sector confirmed written (`LastWrittenLba`); never goes backwards within a write.
    pub last_written_lba: Lba,
    /// Sectors written so far.
    pub sectors_written: u32,
    /// Sectors verified so far (during and after `Verifying`).
    pub sectors_verified: u32,
    /// Time since the write started (`ElapsedTime`).
    pub elapsed: Duration,
    /// Estimated time still needed (`RemainingTime`), when it can be estimated.
    pub remaining: Option<Duration>,
    /// Host buffer size in bytes (`TotalSystemBuffer`).
    pub total_system_buffer: u64,
    /// Host buffer bytes holding data not yet written (`UsedSystemBuffer`).
    pub used_system_buffer: u64,
}

/// Requests cancellation of a running write (IMAPI `CancelWrite`). Clones share the request.
#[derive(Debug, Clone, Default)]
pub struct CancelHandle(Arc<AtomicBool>);

impl CancelHandle {
    /// A fresh, un-cancelled handle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the write to stop at the next chunk boundary.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// IMAPI's name for [`CancelHandle::cancel`] (`IDiscFormat2Data::CancelWrite`).
    pub fn cancel_write(&self) {
        self.cancel();
    }

    /// True once cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    pub(crate) fn reset(&self) {
        self.0.store(false, Ordering::SeqCst);
    }
}
