//! The executor: sends typed commands through a [`Transport`] and turns CHECK CONDITION into
//! [`Error`] via the sense table (STYLE rule 3: only the executor does this).
//!
//! Retries UNIT ATTENTION a bounded number of times and polls NOT READY "in progress" states
//! with the injected [`Clock`] until `poll_limit`.

use std::sync::Arc;
use std::time::Duration;

use discmaster_core::{Clock, ErrorCode};
use discmaster_mmc::{Command, Sense, SenseData, SenseKey};
use discmaster_transport::{DataPhase, ScsiStatus, Transport, TransportError};

use crate::error::{Error, Result};
use crate::sense_map::{classify, Disposition};

/// How many times a UNIT ATTENTION is re-sent before it is an error.
const MAX_RETRIES: u32 = 4;
/// Interval between polls of a NOT READY / BUSY drive.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Sends commands, maps sense to errors.
pub(crate) struct Executor {
    transport: Box<dyn Transport>,
    clock: Arc<dyn Clock>,
    /// Per-command timeout (IMAPI2_DEFAULT_COMMAND_TIMEOUT = 10 s; longer for long operations).
    pub(crate) timeout: Duration,
    /// How long a NOT READY "in progress" state is polled before giving up.
    pub(crate) poll_limit: Duration,
}

impl Executor {
    pub(crate) fn new(transport: Box<dyn Transport>, clock: Arc<dyn Clock>) -> Executor {
        Executor {
            transport,
            clock,
            timeout: Duration::from_secs(10),
            poll_limit: Duration::from_secs(3600),
        }
    }

    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub(crate) fn describe(&self) -> String {
        self.transport.describe()
    }

    pub(crate) fn transport_mut(&mut self) -> &mut dyn Transport {
        &mut *self.transport
    }

    pub(crate) fn transport(&self) -> &dyn Transport {
        &*self.transport
    }

    /// Sends a raw CDB once, without sense interpretation (passthrough).
    pub(crate) fn raw(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> std::result::Result<discmaster_transport::Completion, TransportError> {
        self.transport.execute(cdb, data, timeout)
    }

    /// Sends `cmd` with no data phase.
    pub(crate) fn no_data<C: Command>(&mut self, cmd: &C) -> Result<()> {
        self.run(cmd, Phase::None).map(|_| ())
    }

    /// Sends `cmd` with `data` as the data-out phase.
    pub(crate) fn data_out<C: Command>(&mut self, cmd: &C, data: &[u8]) -> Result<()> {
        self.run(cmd, Phase::Out(data)).map(|_| ())
    }

    /// Sends `cmd` and returns the data-in bytes actually transferred (at most `alloc`).
    pub(crate) fn data_in<C: Command>(&mut self, cmd: &C, alloc: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; alloc];
        let n = self.run(cmd, Phase::In(&mut buf))?;
        buf.truncate(n);
        Ok(buf)
    }

    /// Sends `cmd`, reading into `buf`; returns bytes transferred.
    pub(crate) fn data_in_into<C: Command>(&mut self, cmd: &C, buf: &mut [u8]) -> Result<usize> {
        self.run(cmd, Phase::In(buf))
    }

    fn run<C: Command>(&mut self, cmd: &C, mut phase: Phase<'_>) -> Result<usize> {
        let cdb = cmd.cdb();
        let started = self.clock.now();
        let mut retries = 0;
        loop {
            let data = match &mut phase {
                Phase::None => DataPhase::None,
                Phase::In(b) => DataPhase::In(b),
                Phase::Out(b) => DataPhase::Out(b),
            };
            let requested = data.len();
            tracing::trace!(command = C::NAME, cdb = ?cdb, "execute");
            let completion = self
                .transport
                .execute(cdb.as_bytes(), data, self.timeout)
                .map_err(|e| transport_error(C::NAME, e))?;
            let transferred = requested.saturating_sub(completion.residual);
            let disposition = match completion.status {
                ScsiStatus::GOOD => return Ok(transferred),
                ScsiStatus::CHECK_CONDITION => {
                    let sense = decode_sense(&completion.sense);
                    let (code, disposition) = classify(C::OPCODE, sense);
                    tracing::debug!(command = C::NAME, %sense, ?disposition, "check condition");
                    match disposition {
                        Disposition::Warn => return Ok(transferred),
                        Disposition::Fail => {
                            return Err(Error::Command {
                                code,
                                command: C::NAME,
                                sense,
                                lba: None,
                            })
                        }
                        d => (d, code, sense),
                    }
                }
                ScsiStatus::BUSY | ScsiStatus::TASK_SET_FULL => (
                    Disposition::Poll,
                    ErrorCode::E_IMAPI_RECORDER_MEDIA_BUSY,
                    Sense::NO_SENSE,
                ),
                other => {
                    return Err(Error::refused(
                        ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
                        format!(
                            "{}: unexpected SCSI status {:02X}h {}",
                            C::NAME,
                            other.0,
                            other.name()
                        ),
                    ))
                }
            };
            match disposition {
                (Disposition::Retry, code, sense) => {
                    retries += 1;
                    if retries > MAX_RETRIES {
                        return Err(Error::Command {
                            code,
                            command: C::NAME,
                            sense,
                            lba: None,
                        });
                    }
                }
                (_, code, sense) => {
                    if self.clock.now().saturating_sub(started) >= self.poll_limit {
                        return Err(Error::Command {
                            code,
                            command: C::NAME,
                            sense,
                            lba: None,
                        });
                    }
                    self.clock.sleep(POLL_INTERVAL);
                }
            }
        }
    }
}

enum Phase<'a> {
    None,
    In(&'a mut [u8]),
    Out(&'a [u8]),
}

/// Decodes sense bytes; unparseable or empty sense is reported as 4/44/00 (INTERNAL TARGET
/// FAILURE), which maps to a failure.
pub(crate) fn decode_sense(bytes: &[u8]) -> Sense {
    match SenseData::new_checked(bytes) {
        Ok(s) => s.sense(),
        Err(_) => Sense::new(SenseKey::HardwareError, 0x44, 0x00),
    }
}

pub(crate) fn transport_error(command: &'static str, source: TransportError) -> Error {
    let code = match &source {
        TransportError::Timeout(_) => ErrorCode::E_IMAPI_RECORDER_COMMAND_TIMEOUT,
        TransportError::DeviceGone(_) => ErrorCode::HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST,
        TransportError::Locked { .. } => ErrorCode::E_IMAPI_RECORDER_LOCKED,
        _ => ErrorCode::E_DISCMASTER_TRANSPORT,
    };
    Error::Transport {
        code,
        command,
        source,
    }
}
