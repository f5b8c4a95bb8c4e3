//! Full Feature Phase on one connection: SCSI commands with their data, NOP, ABORT TASK and
//! Logout, with the session's sequence numbers.
//!
//! Sequence numbers (RFC 7143 §4.2.2): CmdSN advances with every non-immediate command;
//! immediate PDUs (NOP-Out, Task Management, Logout) carry the current CmdSN. ExpStatSN is
//! one past the StatSN of the last PDU that consumed one (SCSI Response, Data-In with status,
//! NOP-In answering our ping, Task Management, Logout and Text Responses, Asynchronous
//! Message). ExpCmdSN/MaxCmdSN are taken from every PDU that carries them, in serial
//! arithmetic (RFC 1982), and ignored when MaxCmdSN < ExpCmdSN − 1 (§4.2.2.1).

use std::time::{Duration, Instant};

use discmaster_transport::{Completion, DataPhase, TransportError};

use super::connection::{Connection, LinkError};
use super::login::LoginOutcome;
use crate::header::{Lun, RESERVED_TAG};
use crate::negotiation::NegotiatedParameters;
use crate::pdu::{DataOut, LogoutRequest, NopOut, Pdu, ScsiCommand, TaskManagementRequest};
use crate::{
    AsyncEvent, LogoutReason, ScsiResponseCode, TaskAttribute, TaskManagementFunction,
    TaskManagementResponseCode,
};

/// A failed command and whether the connection must be reset.
#[derive(Debug)]
pub(crate) struct CommandError {
    pub(crate) error: TransportError,
    pub(crate) reset: bool,
}

impl CommandError {
    fn reset(error: TransportError) -> CommandError {
        CommandError { error, reset: true }
    }
}

/// True when `a` < `b` in 32-bit serial number arithmetic (RFC 1982).
pub(crate) fn serial_lt(a: u32, b: u32) -> bool {
    a != b && (b.wrapping_sub(a) as i32) > 0
}

pub(crate) struct Session {
    conn: Connection,
    params: NegotiatedParameters,
    lun: Lun,
    cmd_sn: u32,
    exp_stat_sn: u32,
    exp_cmd_sn: u32,
    max_cmd_sn: u32,
    next_itt: u32,
    abort_timeout: Duration,
    /// When the last PDU went out or came in.
    pub(crate) last_activity: Instant,
    /// The target asked for a logout (Asynchronous Message, AsyncEvent 1) or announced a drop.
    pub(crate) wants_reconnect: bool,
    /// NOP-In pings of the target answered.
    pub(crate) target_pings_answered: u64,
}

/// What the command's data buffer is.
enum Buffer<'a> {
    None,
    In(&'a mut [u8]),
    Out(&'a [u8]),
}

impl Session {
    pub(crate) fn new(
        conn: Connection,
        outcome: LoginOutcome,
        lun: Lun,
        abort_timeout: Duration,
    ) -> Session {
        Session {
            conn,
            params: outcome.params,
            lun,
            cmd_sn: outcome.cmd_sn,
            exp_stat_sn: outcome.exp_stat_sn,
            exp_cmd_sn: outcome.exp_cmd_sn,
            max_cmd_sn: outcome.max_cmd_sn,
            next_itt: 1,
            abort_timeout,
            last_activity: Instant::now(),
            wants_reconnect: false,
            target_pings_answered: 0,
        }
    }

    pub(crate) fn parameters(&self) -> &NegotiatedParameters {
        &self.params
    }

    pub(crate) fn is_broken(&self) -> bool {
        self.conn.is_broken()
    }

    pub(crate) fn shutdown(&self) {
        self.conn.shutdown();
    }

    fn alloc_itt(&mut self) -> u32 {
        let itt = self.next_itt;
        self.next_itt = self.next_itt.wrapping_add(1);
        if self.next_itt == RESERVED_TAG {
            self.next_itt = 1;
        }
        itt
    }

    fn update_window(&mut self, exp_cmd_sn: u32, max_cmd_sn: u32) {
        if serial_lt(max_cmd_sn, exp_cmd_sn.wrapping_sub(1)) {
            return;
        }
        if serial_lt(self.exp_cmd_sn, exp_cmd_sn) {
            self.exp_cmd_sn = exp_cmd_sn;
        }
        if serial_lt(self.max_cmd_sn, max_cmd_sn) {
            self.max_cmd_sn = max_cmd_sn;
        }
    }

    fn consume_stat_sn(&mut self, stat_sn: u32) {
        let next = stat_sn.wrapping_add(1);
        if serial_lt(self.exp_stat_sn, next) {
            self.exp_stat_sn = next;
        }
    }

    fn send(&mut self, pdu: &Pdu, deadline: Instant) -> Result<(), LinkError> {
        self.conn.send(pdu, deadline)?;
        self.last_activity = Instant::now();
        Ok(())
    }

    fn recv(&mut self, deadline: Instant) -> Result<Pdu, LinkError> {
        let pdu = self.conn.recv(deadline)?;
        self.last_activity = Instant::now();
        Ok(pdu)
    }

    /// Handles PDUs that have arrived while no command was outstanding (NOP-In pings,
    /// Asynchronous Messages, late responses).
    ///
    /// # Errors
    /// [`LinkError`] when the connection is closed or out of step: reconnect before the next
    /// command.
    pub(crate) fn poll_idle(&mut self) -> Result<(), LinkError> {
        while let Some(pdu) = self.conn.try_recv()? {
            self.last_activity = Instant::now();
            self.handle_other(pdu, Instant::now() + Duration::from_secs(5))?;
        }
        Ok(())
    }

    /// A PDU that belongs to no outstanding task of ours.
    fn handle_other(&mut self, pdu: Pdu, deadline: Instant) -> Result<(), LinkError> {
        match pdu {
            Pdu::NopIn(nop) => {
                self.update_window(nop.exp_cmd_sn, nop.max_cmd_sn);
                if nop.initiator_task_tag != RESERVED_TAG {
                    self.consume_stat_sn(nop.stat_sn);
                }
                if nop.target_transfer_tag != RESERVED_TAG {
                    // The target pings: answer with its TTT and ping data (RFC 7143 §11.18).
                    let answer = Pdu::NopOut(NopOut {
                        immediate: true,
                        lun: nop.lun,
                        initiator_task_tag: RESERVED_TAG,
                        target_transfer_tag: nop.target_transfer_tag,
                        cmd_sn: self.cmd_sn,
                        exp_stat_sn: self.exp_stat_sn,
                        ping_data: nop.ping_data,
                    });
                    self.send(&answer, deadline)?;
                    self.target_pings_answered += 1;
                }
            }
            Pdu::AsyncMessage(m) => {
                self.update_window(m.exp_cmd_sn, m.max_cmd_sn);
                self.consume_stat_sn(m.stat_sn);
                if matches!(
                    m.async_event,
                    AsyncEvent::LogoutRequested
                        | AsyncEvent::ConnectionDropNotice
                        | AsyncEvent::SessionDropNotice
                ) {
                    self.wants_reconnect = true;
                }
            }
            Pdu::ScsiResponse(r) => {
                self.update_window(r.exp_cmd_sn, r.max_cmd_sn);
                self.consume_stat_sn(r.stat_sn);
            }
            Pdu::DataIn(d) => {
                self.update_window(d.exp_cmd_sn, d.max_cmd_sn);
                if d.status.is_some() {
                    self.consume_stat_sn(d.stat_sn);
                }
            }
            Pdu::ReadyToTransfer(r) => self.update_window(r.exp_cmd_sn, r.max_cmd_sn),
            Pdu::TaskManagementResponse(r) => {
                self.update_window(r.exp_cmd_sn, r.max_cmd_sn);
                self.consume_stat_sn(r.stat_sn);
            }
            Pdu::LogoutResponse(r) => {
                self.update_window(r.exp_cmd_sn, r.max_cmd_sn);
                self.consume_stat_sn(r.stat_sn);
            }
            Pdu::TextResponse(r) => {
                self.update_window(r.exp_cmd_sn, r.max_cmd_sn);
                self.consume_stat_sn(r.stat_sn);
            }
            Pdu::Reject(r) => self.update_window(r.exp_cmd_sn, r.max_cmd_sn),
            other => {
                return Err(LinkError::Protocol(format!(
                    "unexpected {:?} PDU from the target",
                    other.opcode()
                )))
            }
        }
        Ok(())
    }

    fn link_failure(&self, e: LinkError, timeout: Duration) -> CommandError {
        CommandError::reset(match e {
            LinkError::Timeout => TransportError::Timeout(timeout),
            LinkError::Closed(reason) => {
                TransportError::DeviceGone(format!("iSCSI connection lost: {reason}"))
            }
            LinkError::Protocol(reason) => {
                TransportError::Host(format!("iSCSI protocol error: {reason}"))
            }
        })
    }

    /// Waits until CmdSN is inside the command window.
    fn wait_for_window(
        &mut self,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<(), CommandError> {
        while serial_lt(self.max_cmd_sn, self.cmd_sn) {
            match self.recv(deadline) {
                Ok(pdu) => self
                    .handle_other(pdu, deadline)
                    .map_err(|e| self.link_failure(e, timeout))?,
                // Nothing was sent: the connection is still in step.
                Err(LinkError::Timeout) => {
                    return Err(CommandError {
                        error: TransportError::Timeout(timeout),
                        reset: false,
                    })
                }
                Err(e) => return Err(self.link_failure(e, timeout)),
            }
        }
        Ok(())
    }

    /// Sends `buf[start..end]` as one Data-Out sequence.
    fn send_data_out(
        &mut self,
        itt: u32,
        ttt: u32,
        buf: &[u8],
        start: usize,
        end: usize,
        deadline: Instant,
    ) -> Result<(), LinkError> {
        let segment = self.params.target_max_recv_data_segment_length.max(512) as usize;
        let mut offset = start;
        let mut data_sn = 0u32;
        while offset < end {
            let len = segment.min(end - offset);
            let Some(chunk) = buf.get(offset..offset + len) else {
                return Err(LinkError::Protocol(
                    "Data-Out range outside the buffer".into(),
                ));
            };
            let pdu = Pdu::DataOut(DataOut {
                final_pdu: offset + len == end,
                lun: self.lun,
                initiator_task_tag: itt,
                target_transfer_tag: ttt,
                exp_stat_sn: self.exp_stat_sn,
                data_sn,
                buffer_offset: offset as u32,
                data_segment: chunk.to_vec(),
            });
            self.send(&pdu, deadline)?;
            data_sn = data_sn.wrapping_add(1);
            offset += len;
        }
        Ok(())
    }

    /// Runs one SCSI command to completion.
    pub(crate) fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, CommandError> {
        let deadline = Instant::now() + timeout;
        self.wait_for_window(deadline, timeout)?;
        let mut buffer = match data {
            DataPhase::None => Buffer::None,
            DataPhase::In([]) => Buffer::None,
            DataPhase::In(b) => Buffer::In(b),
            DataPhase::Out([]) => Buffer::None,
            DataPhase::Out(b) => Buffer::Out(b),
        };
        let (read_len, out): (usize, &[u8]) = match &buffer {
            Buffer::None => (0, &[]),
            Buffer::In(b) => (b.len(), &[]),
            Buffer::Out(b) => (0, b),
        };
        let Ok(expected_len) = u32::try_from(read_len.max(out.len())) else {
            return Err(CommandError {
                error: TransportError::Host("data phase longer than 4 GiB".into()),
                reset: false,
            });
        };
        let segment = self.params.target_max_recv_data_segment_length.max(512) as usize;
        let first_burst = self.params.first_burst_length as usize;
        let immediate = if self.params.immediate_data {
            out.len().min(first_burst).min(segment)
        } else {
            0
        };
        let unsolicited_end = if self.params.initial_r2t {
            immediate
        } else {
            out.len().min(first_burst).max(immediate)
        };

        let itt = self.alloc_itt();
        let task_cmd_sn = self.cmd_sn;
        let command = Pdu::ScsiCommand(ScsiCommand {
            immediate: false,
            final_pdu: unsolicited_end == immediate,
            read: read_len > 0,
            write: !out.is_empty(),
            attribute: TaskAttribute::Simple,
            lun: self.lun,
            initiator_task_tag: itt,
            expected_data_transfer_length: expected_len,
            cmd_sn: task_cmd_sn,
            exp_stat_sn: self.exp_stat_sn,
            cdb: cdb.to_vec(),
            bidirectional_read_length: None,
            immediate_data: out.get(..immediate).unwrap_or_default().to_vec(),
        });
        self.cmd_sn = self.cmd_sn.wrapping_add(1);
        self.send(&command, deadline)
            .map_err(|e| self.link_failure(e, timeout))?;
        if unsolicited_end > immediate {
            self.send_data_out(itt, RESERVED_TAG, out, immediate, unsolicited_end, deadline)
                .map_err(|e| self.link_failure(e, timeout))?;
        }

        let mut received_end = 0usize;
        loop {
            let pdu = match self.recv(deadline) {
                Ok(pdu) => pdu,
                Err(LinkError::Timeout) => return Err(self.abort(itt, task_cmd_sn, timeout)),
                Err(e) => return Err(self.link_failure(e, timeout)),
            };
            match pdu {
                Pdu::DataIn(d) if d.initiator_task_tag == itt => {
                    self.update_window(d.exp_cmd_sn, d.max_cmd_sn);
                    if let Buffer::In(buf) = &mut buffer {
                        let offset = d.buffer_offset as usize;
                        let end = offset.saturating_add(d.data_segment.len());
                        // Data past the buffer is an overflow: keep what fits.
                        if offset < buf.len() {
                            let fit = (buf.len() - offset).min(d.data_segment.len());
                            buf[offset..offset + fit].copy_from_slice(&d.data_segment[..fit]);
                        }
                        received_end = received_end.max(end.min(buf.len()));
                    }
                    if let Some(status) = d.status {
                        self.consume_stat_sn(d.stat_sn);
                        let residual = residual(
                            d.residual_underflow,
                            d.residual_overflow,
                            d.residual_count,
                            read_len.max(out.len()),
                            read_len,
                            received_end,
                        );
                        return Ok(Completion {
                            status,
                            sense: Vec::new(),
                            residual,
                        });
                    }
                }
                Pdu::ReadyToTransfer(r) if r.initiator_task_tag == itt => {
                    self.update_window(r.exp_cmd_sn, r.max_cmd_sn);
                    let start = r.buffer_offset as usize;
                    let end = start.saturating_add(r.desired_data_transfer_length as usize);
                    if end > out.len() || start > end {
                        return Err(CommandError::reset(TransportError::Host(format!(
                            "iSCSI protocol error: R2T for bytes {start}..{end} of a {}-byte \
                             Data-Out buffer",
                            out.len()
                        ))));
                    }
                    self.send_data_out(itt, r.target_transfer_tag, out, start, end, deadline)
                        .map_err(|e| self.link_failure(e, timeout))?;
                }
                Pdu::ScsiResponse(r) if r.initiator_task_tag == itt => {
                    self.update_window(r.exp_cmd_sn, r.max_cmd_sn);
                    self.consume_stat_sn(r.stat_sn);
                    if r.response != ScsiResponseCode::CommandCompletedAtTarget {
                        return Err(CommandError {
                            error: TransportError::Host(format!(
                                "iSCSI target failure (response {:?})",
                                r.response
                            )),
                            reset: false,
                        });
                    }
                    let residual = residual(
                        r.residual_underflow,
                        r.residual_overflow,
                        r.residual_count,
                        read_len.max(out.len()),
                        read_len,
                        received_end,
                    );
                    return Ok(Completion {
                        status: r.status,
                        sense: r.sense,
                        residual,
                    });
                }
                Pdu::Reject(r) => {
                    self.update_window(r.exp_cmd_sn, r.max_cmd_sn);
                    // The rejected PDU's header is the data segment: ITT at bytes 16–19.
                    let rejected_itt = r
                        .rejected_header
                        .get(16..20)
                        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                    if rejected_itt == Some(itt) {
                        return Err(CommandError::reset(TransportError::Host(format!(
                            "iSCSI target rejected the command's PDU ({:?})",
                            r.reason
                        ))));
                    }
                }
                other => self
                    .handle_other(other, deadline)
                    .map_err(|e| self.link_failure(e, timeout))?,
            }
        }
    }

    /// The command timed out: ABORT TASK, and wait `abort_timeout` for the answer.
    fn abort(&mut self, itt: u32, task_cmd_sn: u32, timeout: Duration) -> CommandError {
        let timed_out = TransportError::Timeout(timeout);
        if self.conn.is_broken() {
            return CommandError::reset(timed_out);
        }
        let deadline = Instant::now() + self.abort_timeout;
        let tmf_itt = self.alloc_itt();
        let request = Pdu::TaskManagementRequest(TaskManagementRequest {
            immediate: true,
            function: TaskManagementFunction::AbortTask,
            lun: self.lun,
            initiator_task_tag: tmf_itt,
            referenced_task_tag: itt,
            cmd_sn: self.cmd_sn,
            exp_stat_sn: self.exp_stat_sn,
            ref_cmd_sn: task_cmd_sn,
            exp_data_sn: 0,
        });
        if self.send(&request, deadline).is_err() {
            return CommandError::reset(timed_out);
        }
        loop {
            let Ok(pdu) = self.recv(deadline) else {
                return CommandError::reset(timed_out);
            };
            match pdu {
                Pdu::TaskManagementResponse(r) if r.initiator_task_tag == tmf_itt => {
                    self.update_window(r.exp_cmd_sn, r.max_cmd_sn);
                    self.consume_stat_sn(r.stat_sn);
                    let aborted = matches!(
                        r.response,
                        TaskManagementResponseCode::FunctionComplete
                            | TaskManagementResponseCode::TaskDoesNotExist
                    );
                    return CommandError {
                        error: timed_out,
                        reset: !aborted,
                    };
                }
                // Late PDUs of the aborted task are dropped.
                other => {
                    if self.handle_other(other, deadline).is_err() {
                        return CommandError::reset(timed_out);
                    }
                }
            }
        }
    }

    /// NOP-Out ping; returns the round trip time.
    pub(crate) fn ping(&mut self, timeout: Duration) -> Result<Duration, CommandError> {
        let started = Instant::now();
        let deadline = started + timeout;
        let itt = self.alloc_itt();
        let ping = Pdu::NopOut(NopOut {
            immediate: true,
            lun: self.lun,
            initiator_task_tag: itt,
            target_transfer_tag: RESERVED_TAG,
            cmd_sn: self.cmd_sn,
            exp_stat_sn: self.exp_stat_sn,
            ping_data: Vec::new(),
        });
        self.send(&ping, deadline)
            .map_err(|e| self.link_failure(e, timeout))?;
        loop {
            match self.recv(deadline) {
                Ok(Pdu::NopIn(nop)) if nop.initiator_task_tag == itt => {
                    self.update_window(nop.exp_cmd_sn, nop.max_cmd_sn);
                    self.consume_stat_sn(nop.stat_sn);
                    return Ok(started.elapsed());
                }
                Ok(other) => self
                    .handle_other(other, deadline)
                    .map_err(|e| self.link_failure(e, timeout))?,
                Err(e) => return Err(self.link_failure(e, timeout)),
            }
        }
    }

    /// Logout (close the session), then shut the socket.
    pub(crate) fn logout(mut self, timeout: Duration) -> Result<(), CommandError> {
        let deadline = Instant::now() + timeout;
        let itt = self.alloc_itt();
        let request = Pdu::LogoutRequest(LogoutRequest {
            immediate: true,
            reason: LogoutReason::CloseSession,
            initiator_task_tag: itt,
            cid: 0,
            cmd_sn: self.cmd_sn,
            exp_stat_sn: self.exp_stat_sn,
        });
        let result = self.send(&request, deadline).and_then(|()| loop {
            match self.recv(deadline)? {
                Pdu::LogoutResponse(r) if r.initiator_task_tag == itt => {
                    self.consume_stat_sn(r.stat_sn);
                    break Ok(());
                }
                other => self.handle_other(other, deadline)?,
            }
        });
        self.conn.shutdown();
        result.map_err(|e| self.link_failure(e, timeout))
    }
}

/// The residual for [`Completion::residual`]: the U residual count (clamped to the transfer
/// length), 0 on overflow; for reads at least the bytes not delivered.
fn residual(
    underflow: bool,
    overflow: bool,
    count: u32,
    transfer_len: usize,
    read_len: usize,
    received_end: usize,
) -> usize {
    let flagged = if underflow && !overflow {
        (count as usize).min(transfer_len)
    } else {
        0
    };
    if read_len > 0 {
        flagged.max(read_len.saturating_sub(received_end))
    } else {
        flagged
    }
}
