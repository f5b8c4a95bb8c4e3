//! Full Feature Phase of one connection as pure state: each PDU from the initiator gives the
//! PDUs to send back. SCSI commands go to the shared [`LogicalUnit`]; the rest (R2T, Data-In
//! splitting, sequence numbers, task management, SendTargets, NOP, Logout) is handled here.
//!
//! Rules (RFC 7143):
//! * Write data: immediate data is taken from the command PDU; the rest is asked for with R2Ts
//!   of at most MaxBurstLength bytes, one outstanding at a time (MaxOutstandingR2T = 1 is what
//!   the target accepts); Data-Out must arrive in order (DataPDUInOrder and
//!   DataSequenceInOrder are Yes) — a Data-Out at an unexpected offset is a protocol error and
//!   ends the connection (ErrorRecoveryLevel 0). Unsolicited Data-Out (InitialR2T = No) is
//!   accepted up to FirstBurstLength should an initiator send it. §11.7, §11.8, §13.10–§13.19.
//! * Read data: Data-In PDUs of at most the initiator's MaxRecvDataSegmentLength, the F bit at
//!   every MaxBurstLength boundary; GOOD status rides on the last Data-In (S bit, residual
//!   underflow U when less data than the Expected Data Transfer Length); any other status goes
//!   in a SCSI Response, with the sense data there. §11.4, §11.7.
//! * Sequence numbers: StatSN advances with every response carrying status (SCSI Response,
//!   Data-In with S, NOP-In answering a ping, Text, Logout, Task Management, Reject);
//!   ExpCmdSN follows the CmdSN of non-immediate commands; MaxCmdSN = ExpCmdSN + 31. §4.2.2.
//! * Task management: ABORT TASK removes a task still waiting for write data (commands execute
//!   to completion as soon as their data is complete, so no other task can be running);
//!   ABORT TASK SET / CLEAR TASK SET remove all; LOGICAL UNIT RESET and TARGET WARM/COLD RESET
//!   also clear every nexus's prevention (cold reset then closes the connection); CLEAR ACA is
//!   not supported, TASK REASSIGN needs ErrorRecoveryLevel 2. §11.5.
//! * A discovery session accepts only Text (SendTargets), NOP-Out and Logout. §4.3.
//! * Commands larger than [`MAX_TRANSFER_BYTES`] end with 5/24/00.

use discmaster_mmc::{Sense, SenseData};
use discmaster_transport::{Completion, ScsiStatus, Transport};

use crate::enums::{
    LogoutReason, LogoutResponseCode, RejectReason, ScsiResponseCode, TaskManagementFunction,
    TaskManagementResponseCode,
};
use crate::header::{Lun, BHS_LEN, RESERVED_TAG};
use crate::negotiation::{NegotiatedParameters, Role};
use crate::pdu::{
    DataIn, DataOut, LogoutRequest, LogoutResponse, NopIn, NopOut, Pdu, ReadyToTransfer, Reject,
    ScsiCommand, ScsiResponse, TaskManagementRequest, TaskManagementResponse, TextRequest,
    TextResponse,
};
use crate::send_targets::{
    emit_send_targets_response, DiscoveredTarget, SendTargetsRequest, TargetAddress,
};
use crate::text::TextParameters;

use super::login::COMMAND_WINDOW;
use super::lu::{LogicalUnit, NexusId, Outcome};

/// Largest data transfer of one command the target accepts, bytes.
pub const MAX_TRANSFER_BYTES: usize = 16 * 1024 * 1024;

/// One executed SCSI command, for the command trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommandRecord {
    /// The CDB.
    pub cdb: Vec<u8>,
    /// The status.
    pub status: ScsiStatus,
    /// Sense bytes (empty without CHECK CONDITION).
    pub sense: Vec<u8>,
    /// Data-in bytes returned.
    pub data_in_bytes: usize,
    /// Data-out bytes received.
    pub data_out_bytes: usize,
}

/// The replies to one PDU.
#[derive(Debug, Default)]
pub(crate) struct Reply {
    /// PDUs to send, in order.
    pub pdus: Vec<Pdu>,
    /// Commands executed while handling the PDU.
    pub commands: Vec<CommandRecord>,
    /// Why the connection should close, if it should.
    pub close: Option<String>,
}

/// A write command waiting for its data.
#[derive(Debug)]
struct WriteTask {
    itt: u32,
    lun: Lun,
    cdb: Vec<u8>,
    data: Vec<u8>,
    received: usize,
    /// End offset of the data solicited so far (R2T) or allowed unsolicited.
    solicited_end: usize,
    /// Target Transfer Tag of the outstanding R2T (RESERVED_TAG while unsolicited).
    ttt: u32,
    r2t_sn: u32,
}

/// What SendTargets reports for this target.
#[derive(Debug, Clone)]
pub(crate) struct Portal {
    /// The target's name.
    pub target_name: String,
    /// The address the initiator reached the target on.
    pub address: TargetAddress,
}

/// One connection in Full Feature Phase.
#[derive(Debug)]
pub(crate) struct Session {
    params: NegotiatedParameters,
    nexus: Option<NexusId>,
    portal: Portal,
    stat_sn: u32,
    exp_cmd_sn: u32,
    tasks: Vec<WriteTask>,
    next_ttt: u32,
    text: Option<(u32, Vec<u8>)>,
}

/// `a` is after `b` or equal in 32-bit serial number arithmetic (RFC 1982).
fn serial_ge(a: u32, b: u32) -> bool {
    a.wrapping_sub(b) < 0x8000_0000
}

impl Session {
    /// A session with the login's results: `nexus` is `None` for a discovery session.
    pub fn new(
        params: NegotiatedParameters,
        nexus: Option<NexusId>,
        portal: Portal,
        stat_sn: u32,
        exp_cmd_sn: u32,
    ) -> Session {
        Session {
            params,
            nexus,
            portal,
            stat_sn,
            exp_cmd_sn,
            tasks: Vec::new(),
            next_ttt: 1,
            text: None,
        }
    }

    /// The negotiated parameters.
    pub fn params(&self) -> &NegotiatedParameters {
        &self.params
    }

    fn next_stat_sn(&mut self) -> u32 {
        let s = self.stat_sn;
        self.stat_sn = self.stat_sn.wrapping_add(1);
        s
    }

    fn max_cmd_sn(&self) -> u32 {
        self.exp_cmd_sn.wrapping_add(COMMAND_WINDOW - 1)
    }

    fn note_cmd_sn(&mut self, immediate: bool, cmd_sn: u32) {
        if !immediate && serial_ge(cmd_sn, self.exp_cmd_sn) {
            self.exp_cmd_sn = cmd_sn.wrapping_add(1);
        }
    }

    fn max_send_segment(&self) -> usize {
        (self.params.max_send_data_segment_length(Role::Target) as usize).max(512)
    }

    /// Handles one PDU. `header` is its BHS as received (quoted in a Reject).
    pub fn handle<T: Transport>(
        &mut self,
        lu: &LogicalUnit<T>,
        pdu: Pdu,
        header: &[u8; BHS_LEN],
    ) -> Reply {
        let mut reply = Reply::default();
        match pdu {
            Pdu::NopOut(p) => self.nop_out(p, &mut reply),
            Pdu::ScsiCommand(c) => match self.nexus {
                Some(nexus) => self.command(lu, nexus, c, &mut reply),
                None => self.reject(
                    RejectReason::ProtocolError,
                    header,
                    "SCSI command in a discovery session",
                    &mut reply,
                ),
            },
            Pdu::DataOut(d) => match self.nexus {
                Some(nexus) => self.data_out(lu, nexus, d, header, &mut reply),
                None => self.reject(
                    RejectReason::ProtocolError,
                    header,
                    "Data-Out in a discovery session",
                    &mut reply,
                ),
            },
            Pdu::TaskManagementRequest(t) => match self.nexus {
                Some(nexus) => self.task_management(lu, nexus, t, &mut reply),
                None => self.reject(
                    RejectReason::ProtocolError,
                    header,
                    "task management in a discovery session",
                    &mut reply,
                ),
            },
            Pdu::TextRequest(t) => self.text(t, &mut reply),
            Pdu::LogoutRequest(l) => self.logout(l, &mut reply),
            Pdu::SnackRequest(_) => {
                self.reject(RejectReason::SnackReject, header, "", &mut reply);
            }
            Pdu::Unrecognized(_) => {
                self.reject(RejectReason::CommandNotSupported, header, "", &mut reply);
            }
            Pdu::LoginRequest(_) => self.reject(
                RejectReason::ProtocolError,
                header,
                "Login Request in Full Feature Phase",
                &mut reply,
            ),
            _ => self.reject(
                RejectReason::ProtocolError,
                header,
                "a target-to-initiator PDU from the initiator",
                &mut reply,
            ),
        }
        reply
    }

    /// The Reject for a PDU that could not be decoded (the connection then closes).
    pub fn protocol_error(&mut self, header: &[u8; BHS_LEN]) -> Vec<Pdu> {
        let mut reply = Reply::default();
        self.reject(RejectReason::ProtocolError, header, "", &mut reply);
        reply.pdus
    }

    /// Sends a Reject; a non-empty `close_reason` also closes the connection.
    fn reject(
        &mut self,
        reason: RejectReason,
        header: &[u8; BHS_LEN],
        close_reason: &str,
        reply: &mut Reply,
    ) {
        let stat_sn = self.next_stat_sn();
        reply.pdus.push(Pdu::Reject(Reject {
            reason,
            stat_sn,
            exp_cmd_sn: self.exp_cmd_sn,
            max_cmd_sn: self.max_cmd_sn(),
            data_sn_or_r2t_sn: 0,
            rejected_header: header.to_vec(),
        }));
        if !close_reason.is_empty() {
            reply.close = Some(close_reason.to_string());
        }
    }

    fn nop_out(&mut self, p: NopOut, reply: &mut Reply) {
        self.note_cmd_sn(p.immediate, p.cmd_sn);
        if p.initiator_task_tag == RESERVED_TAG {
            // The answer to a NOP-In of ours: nothing to send.
            return;
        }
        let mut ping_data = p.ping_data;
        ping_data.truncate(self.max_send_segment());
        let stat_sn = self.next_stat_sn();
        reply.pdus.push(Pdu::NopIn(NopIn {
            lun: p.lun,
            initiator_task_tag: p.initiator_task_tag,
            target_transfer_tag: RESERVED_TAG,
            stat_sn,
            exp_cmd_sn: self.exp_cmd_sn,
            max_cmd_sn: self.max_cmd_sn(),
            ping_data,
        }));
    }

    fn command<T: Transport>(
        &mut self,
        lu: &LogicalUnit<T>,
        nexus: NexusId,
        c: ScsiCommand,
        reply: &mut Reply,
    ) {
        self.note_cmd_sn(c.immediate, c.cmd_sn);
        let cdb = c.cdb_by_group().to_vec();
        let edtl = c.expected_data_transfer_length as usize;
        let invalid = |s: &mut Session, reply: &mut Reply, sense: Sense| {
            let outcome = Outcome {
                completion: Completion {
                    status: ScsiStatus::CHECK_CONDITION,
                    sense: SenseData::<&[u8]>::emit_fixed(sense, None, None).to_vec(),
                    residual: edtl,
                },
                data_in: Vec::new(),
            };
            s.respond(&c, &cdb, outcome, 0, edtl, reply);
        };
        if edtl > MAX_TRANSFER_BYTES || (c.read && c.write) || c.bidirectional_read_length.is_some()
        {
            return invalid(self, reply, Sense::INVALID_FIELD_IN_CDB);
        }
        if c.write && edtl > 0 {
            let mut data = vec![0u8; edtl];
            if c.immediate_data.len() > edtl {
                return invalid(self, reply, Sense::INVALID_FIELD_IN_CDB);
            }
            data[..c.immediate_data.len()].copy_from_slice(&c.immediate_data);
            let received = c.immediate_data.len();
            let mut task = WriteTask {
                itt: c.initiator_task_tag,
                lun: c.lun,
                cdb,
                data,
                received,
                solicited_end: received,
                ttt: RESERVED_TAG,
                r2t_sn: 0,
            };
            if received == edtl {
                return self.execute_write(lu, nexus, task, reply);
            }
            if !c.final_pdu {
                // Unsolicited Data-Out follows, up to FirstBurstLength (InitialR2T = No).
                task.solicited_end =
                    (self.params.first_burst_length as usize).clamp(received, edtl);
            } else {
                self.send_r2t(&mut task, reply);
            }
            self.tasks.push(task);
            return;
        }
        let data_in_len = if c.read { edtl } else { 0 };
        let outcome = lu.execute(nexus, c.lun, &cdb, None, data_in_len);
        self.respond(&c, &cdb, outcome, 0, data_in_len, reply);
    }

    /// Asks for the next burst of `task`'s data.
    fn send_r2t(&mut self, task: &mut WriteTask, reply: &mut Reply) {
        let len = (task.data.len() - task.received).min(self.params.max_burst_length as usize);
        task.ttt = self.next_ttt;
        self.next_ttt = match self.next_ttt.wrapping_add(1) {
            RESERVED_TAG => 1,
            n => n,
        };
        task.solicited_end = task.received + len;
        let r2t_sn = task.r2t_sn;
        task.r2t_sn += 1;
        reply.pdus.push(Pdu::ReadyToTransfer(ReadyToTransfer {
            lun: task.lun,
            initiator_task_tag: task.itt,
            target_transfer_tag: task.ttt,
            stat_sn: self.stat_sn,
            exp_cmd_sn: self.exp_cmd_sn,
            max_cmd_sn: self.max_cmd_sn(),
            r2t_sn,
            buffer_offset: task.received as u32,
            desired_data_transfer_length: len as u32,
        }));
    }

    fn data_out<T: Transport>(
        &mut self,
        lu: &LogicalUnit<T>,
        nexus: NexusId,
        d: DataOut,
        header: &[u8; BHS_LEN],
        reply: &mut Reply,
    ) {
        let Some(i) = self
            .tasks
            .iter()
            .position(|t| t.itt == d.initiator_task_tag)
        else {
            // Data for a task that was aborted (or never existed): dropped.
            return;
        };
        let task = &mut self.tasks[i];
        let offset = d.buffer_offset as usize;
        let end = offset.saturating_add(d.data_segment.len());
        let ttt_ok = d.target_transfer_tag == task.ttt;
        if !ttt_ok || offset != task.received || end > task.solicited_end {
            let message = format!(
                "Data-Out out of order: offset {offset}, {} bytes, TTT {:#x}; expected offset {}, \
                 up to {}, TTT {:#x}",
                d.data_segment.len(),
                d.target_transfer_tag,
                task.received,
                task.solicited_end,
                task.ttt
            );
            self.tasks.remove(i);
            return self.reject(RejectReason::ProtocolError, header, &message, reply);
        }
        task.data[offset..end].copy_from_slice(&d.data_segment);
        task.received = end;
        if task.received == task.data.len() {
            let task = self.tasks.remove(i);
            return self.execute_write(lu, nexus, task, reply);
        }
        if d.final_pdu {
            let mut task = self.tasks.remove(i);
            self.send_r2t(&mut task, reply);
            self.tasks.push(task);
        }
    }

    fn execute_write<T: Transport>(
        &mut self,
        lu: &LogicalUnit<T>,
        nexus: NexusId,
        task: WriteTask,
        reply: &mut Reply,
    ) {
        let outcome = lu.execute(nexus, task.lun, &task.cdb, Some(&task.data), 0);
        let exp_data_sn = task.r2t_sn;
        let record = CommandRecord {
            cdb: task.cdb.clone(),
            status: outcome.completion.status,
            sense: outcome.completion.sense.clone(),
            data_in_bytes: 0,
            data_out_bytes: task.data.len(),
        };
        reply.commands.push(record);
        let stat_sn = self.next_stat_sn();
        let residual = outcome.completion.residual;
        reply.pdus.push(Pdu::ScsiResponse(ScsiResponse {
            bidirectional_read_residual_overflow: false,
            bidirectional_read_residual_underflow: false,
            residual_overflow: false,
            residual_underflow: residual > 0,
            response: ScsiResponseCode::CommandCompletedAtTarget,
            status: outcome.completion.status,
            initiator_task_tag: task.itt,
            snack_tag: 0,
            stat_sn,
            exp_cmd_sn: self.exp_cmd_sn,
            max_cmd_sn: self.max_cmd_sn(),
            exp_data_sn,
            bidirectional_read_residual_count: 0,
            residual_count: residual as u32,
            sense: outcome.completion.sense,
            response_data: Vec::new(),
        }));
    }

    /// Data-In PDUs and/or the SCSI Response for a finished command.
    fn respond(
        &mut self,
        c: &ScsiCommand,
        cdb: &[u8],
        outcome: Outcome,
        data_out_bytes: usize,
        data_in_len: usize,
        reply: &mut Reply,
    ) {
        let Outcome {
            completion,
            data_in,
        } = outcome;
        reply.commands.push(CommandRecord {
            cdb: cdb.to_vec(),
            status: completion.status,
            sense: completion.sense.clone(),
            data_in_bytes: data_in.len(),
            data_out_bytes,
        });
        let edtl = c.expected_data_transfer_length as usize;
        let residual = if c.read {
            data_in_len.saturating_sub(data_in.len())
        } else if c.write {
            edtl
        } else {
            0
        };
        let collapse = completion.status == ScsiStatus::GOOD && completion.sense.is_empty();
        let max_segment = self.max_send_segment();
        let max_burst = (self.params.max_burst_length as usize).max(512);
        let mut data_sn = 0u32;
        let mut offset = 0usize;
        while offset < data_in.len() {
            let burst_end = (offset / max_burst + 1) * max_burst;
            let end = (offset + max_segment).min(burst_end).min(data_in.len());
            let last = end == data_in.len();
            let with_status = last && collapse;
            let stat_sn = if with_status { self.next_stat_sn() } else { 0 };
            reply.pdus.push(Pdu::DataIn(DataIn {
                final_pdu: end == burst_end || last,
                acknowledge: false,
                residual_overflow: false,
                residual_underflow: with_status && residual > 0,
                status: with_status.then_some(completion.status),
                lun: c.lun,
                initiator_task_tag: c.initiator_task_tag,
                target_transfer_tag: RESERVED_TAG,
                stat_sn,
                exp_cmd_sn: self.exp_cmd_sn,
                max_cmd_sn: self.max_cmd_sn(),
                data_sn,
                buffer_offset: offset as u32,
                residual_count: if with_status { residual as u32 } else { 0 },
                data_segment: data_in[offset..end].to_vec(),
            }));
            data_sn += 1;
            offset = end;
        }
        if data_in.is_empty() || !collapse {
            let stat_sn = self.next_stat_sn();
            reply.pdus.push(Pdu::ScsiResponse(ScsiResponse {
                bidirectional_read_residual_overflow: false,
                bidirectional_read_residual_underflow: false,
                residual_overflow: false,
                residual_underflow: residual > 0,
                response: ScsiResponseCode::CommandCompletedAtTarget,
                status: completion.status,
                initiator_task_tag: c.initiator_task_tag,
                snack_tag: 0,
                stat_sn,
                exp_cmd_sn: self.exp_cmd_sn,
                max_cmd_sn: self.max_cmd_sn(),
                exp_data_sn: data_sn,
                bidirectional_read_residual_count: 0,
                residual_count: residual as u32,
                sense: completion.sense,
                response_data: Vec::new(),
            }));
        }
    }

    fn task_management<T: Transport>(
        &mut self,
        lu: &LogicalUnit<T>,
        nexus: NexusId,
        t: TaskManagementRequest,
        reply: &mut Reply,
    ) {
        self.note_cmd_sn(t.immediate, t.cmd_sn);
        let response = match t.function {
            TaskManagementFunction::AbortTask => {
                match self
                    .tasks
                    .iter()
                    .position(|w| w.itt == t.referenced_task_tag)
                {
                    Some(i) => {
                        self.tasks.remove(i);
                        TaskManagementResponseCode::FunctionComplete
                    }
                    // Already completed (commands run as soon as their data is complete) when
                    // its CmdSN precedes this request's: "function complete" (§11.5.1).
                    None if serial_ge(t.cmd_sn, t.ref_cmd_sn) => {
                        TaskManagementResponseCode::FunctionComplete
                    }
                    None => TaskManagementResponseCode::TaskDoesNotExist,
                }
            }
            TaskManagementFunction::AbortTaskSet | TaskManagementFunction::ClearTaskSet => {
                self.tasks.clear();
                TaskManagementResponseCode::FunctionComplete
            }
            TaskManagementFunction::LogicalUnitReset
            | TaskManagementFunction::TargetWarmReset
            | TaskManagementFunction::TargetColdReset => {
                self.tasks.clear();
                lu.reset(nexus);
                if t.function == TaskManagementFunction::TargetColdReset {
                    reply.close = Some("TARGET COLD RESET".into());
                }
                TaskManagementResponseCode::FunctionComplete
            }
            TaskManagementFunction::TaskReassign => {
                TaskManagementResponseCode::AllegianceReassignmentNotSupported
            }
            TaskManagementFunction::ClearAca => TaskManagementResponseCode::FunctionNotSupported,
            TaskManagementFunction::Unknown(_) => TaskManagementResponseCode::FunctionRejected,
        };
        let stat_sn = self.next_stat_sn();
        reply
            .pdus
            .push(Pdu::TaskManagementResponse(TaskManagementResponse {
                response,
                initiator_task_tag: t.initiator_task_tag,
                stat_sn,
                exp_cmd_sn: self.exp_cmd_sn,
                max_cmd_sn: self.max_cmd_sn(),
            }));
    }

    fn text(&mut self, t: TextRequest, reply: &mut Reply) {
        self.note_cmd_sn(t.immediate, t.cmd_sn);
        let mut collected = match self.text.take() {
            Some((itt, bytes)) if itt == t.initiator_task_tag => bytes,
            _ => Vec::new(),
        };
        collected.extend_from_slice(&t.text);
        let stat_sn = self.next_stat_sn();
        let mut response = TextResponse {
            final_pdu: true,
            text_continues: false,
            lun: t.lun,
            initiator_task_tag: t.initiator_task_tag,
            target_transfer_tag: RESERVED_TAG,
            stat_sn,
            exp_cmd_sn: self.exp_cmd_sn,
            max_cmd_sn: self.max_cmd_sn(),
            text: Vec::new(),
        };
        if t.text_continues {
            // More text follows: acknowledge with an empty, non-final response.
            response.final_pdu = false;
            response.target_transfer_tag = self.next_ttt;
            self.next_ttt = self.next_ttt.wrapping_add(1).max(1);
            self.text = Some((t.initiator_task_tag, collected));
            reply.pdus.push(Pdu::TextResponse(response));
            return;
        }
        let answer = match TextParameters::parse(&collected) {
            Ok(params) => self.answer_text(&params),
            Err(_) => TextParameters::new(),
        };
        let mut text = answer.emit();
        text.truncate(self.max_send_segment());
        response.text = text;
        reply.pdus.push(Pdu::TextResponse(response));
    }

    /// SendTargets gets this target; any other key in Full Feature Phase is answered Reject
    /// (renegotiation is not supported).
    fn answer_text(&self, params: &TextParameters) -> TextParameters {
        let mut out = TextParameters::new();
        for (key, value) in params.iter() {
            if key == "SendTargets" {
                let wanted = match SendTargetsRequest::parse(value) {
                    SendTargetsRequest::All => true,
                    SendTargetsRequest::CurrentTarget => self.nexus.is_some(),
                    SendTargetsRequest::Target(name) => name == self.portal.target_name,
                };
                if wanted {
                    out.0.extend(
                        emit_send_targets_response(&[DiscoveredTarget {
                            target_name: self.portal.target_name.clone(),
                            addresses: vec![self.portal.address.clone()],
                        }])
                        .0,
                    );
                }
            } else {
                out.push(key, "Reject");
            }
        }
        out
    }

    fn logout(&mut self, l: LogoutRequest, reply: &mut Reply) {
        self.note_cmd_sn(l.immediate, l.cmd_sn);
        let response = match l.reason {
            LogoutReason::RemoveConnectionForRecovery => {
                LogoutResponseCode::ConnectionRecoveryNotSupported
            }
            _ => LogoutResponseCode::Closed,
        };
        self.tasks.clear();
        let stat_sn = self.next_stat_sn();
        reply.pdus.push(Pdu::LogoutResponse(LogoutResponse {
            response,
            initiator_task_tag: l.initiator_task_tag,
            stat_sn,
            exp_cmd_sn: self.exp_cmd_sn,
            max_cmd_sn: self.max_cmd_sn(),
            time2wait_s: 0,
            time2retain_s: 0,
        }));
        reply.close = Some(format!("Logout ({:?})", l.reason));
    }
}
