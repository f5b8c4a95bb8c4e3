//! Typed PDUs for both directions, with `encode` (typed → bytes) and `decode` (bytes → typed).
//!
//! Invariants:
//! - No IO: [`Pdu::decode`] takes a byte slice that starts at BHS byte 0 and returns the PDU and
//!   the number of bytes it used; a short slice gives [`PduError::Truncated`] with the length
//!   the PDU needs, so a reader can fill its buffer and retry.
//! - Encoding writes every BHS byte: reserved fields and padding are zero; lengths, TotalAHSLength
//!   and digests are computed, never taken from the typed value.
//! - Decoding ignores reserved bits and the value of padding bytes (RFC 7143 §11.2: receivers
//!   ignore reserved fields); it rejects what the typed value cannot represent (an AHS on a PDU
//!   other than SCSI Command, a data segment on a PDU that has none, a SenseLength past the
//!   segment) with the field name and byte offset.
//! - No input makes `decode` panic (checked by proptest and the fuzz smoke test).

use discmaster_transport::ScsiStatus;

use crate::ahs::Ahs;
use crate::digest::{crc32c_parts, Digests, DIGEST_LEN};
use crate::enums::{
    AsyncEvent, LoginStage, LogoutReason, LogoutResponseCode, Opcode, RejectReason,
    ScsiResponseCode, SnackType, StatusClass, TaskAttribute, TaskManagementFunction,
    TaskManagementResponseCode,
};
use crate::error::{DigestSegment, PduError};
use crate::header::{
    get_u16, get_u32, padded_len, put_u16, put_u32, BasicHeader, Isid, Lun, BHS_LEN, MAX_AHS_LEN,
    MAX_DATA_SEGMENT_LEN, RESERVED_TAG,
};

/// Login Response Status-Class and Status-Detail as one 16-bit code (class in the high byte).
///
/// Shape: bytes 36 (class) and 37 (detail) of the Login Response. An open set: codes this crate
/// has no constant for are kept as sent. Spec: RFC 7143 §11.13.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoginStatus(pub u16);

impl LoginStatus {
    /// 0000h Success.
    pub const SUCCESS: LoginStatus = LoginStatus(0x0000);
    /// 0101h Target moved temporarily (TargetAddress in the text).
    pub const TARGET_MOVED_TEMPORARILY: LoginStatus = LoginStatus(0x0101);
    /// 0102h Target moved permanently.
    pub const TARGET_MOVED_PERMANENTLY: LoginStatus = LoginStatus(0x0102);
    /// 0200h Initiator error (miscellaneous).
    pub const INITIATOR_ERROR: LoginStatus = LoginStatus(0x0200);
    /// 0201h Authentication failure.
    pub const AUTHENTICATION_FAILURE: LoginStatus = LoginStatus(0x0201);
    /// 0202h Authorization failure.
    pub const AUTHORIZATION_FAILURE: LoginStatus = LoginStatus(0x0202);
    /// 0203h Not found (no such target).
    pub const NOT_FOUND: LoginStatus = LoginStatus(0x0203);
    /// 0204h Target removed.
    pub const TARGET_REMOVED: LoginStatus = LoginStatus(0x0204);
    /// 0205h Unsupported version.
    pub const UNSUPPORTED_VERSION: LoginStatus = LoginStatus(0x0205);
    /// 0206h Too many connections.
    pub const TOO_MANY_CONNECTIONS: LoginStatus = LoginStatus(0x0206);
    /// 0207h Missing parameter.
    pub const MISSING_PARAMETER: LoginStatus = LoginStatus(0x0207);
    /// 0208h Can't include in session.
    pub const CANT_INCLUDE_IN_SESSION: LoginStatus = LoginStatus(0x0208);
    /// 0209h Session type not supported.
    pub const SESSION_TYPE_NOT_SUPPORTED: LoginStatus = LoginStatus(0x0209);
    /// 020Ah Session does not exist.
    pub const SESSION_DOES_NOT_EXIST: LoginStatus = LoginStatus(0x020a);
    /// 020Bh Invalid request during login.
    pub const INVALID_DURING_LOGIN: LoginStatus = LoginStatus(0x020b);
    /// 0300h Target error (miscellaneous).
    pub const TARGET_ERROR: LoginStatus = LoginStatus(0x0300);
    /// 0301h Service unavailable.
    pub const SERVICE_UNAVAILABLE: LoginStatus = LoginStatus(0x0301);
    /// 0302h Out of resources.
    pub const OUT_OF_RESOURCES: LoginStatus = LoginStatus(0x0302);

    /// Status-Class (byte 36).
    pub fn class(self) -> StatusClass {
        StatusClass::from((self.0 >> 8) as u8)
    }

    /// Status-Detail (byte 37).
    pub fn detail(self) -> u8 {
        self.0 as u8
    }

    /// The RFC 7143 description of the code.
    pub fn name(self) -> &'static str {
        match self.0 {
            0x0000 => "Success",
            0x0101 => "Target moved temporarily",
            0x0102 => "Target moved permanently",
            0x0200 => "Initiator error",
            0x0201 => "Authentication failure",
            0x0202 => "Authorization failure",
            0x0203 => "Not found",
            0x0204 => "Target removed",
            0x0205 => "Unsupported version",
            0x0206 => "Too many connections",
            0x0207 => "Missing parameter",
            0x0208 => "Can't include in session",
            0x0209 => "Session type not supported",
            0x020a => "Session does not exist",
            0x020b => "Invalid request during login",
            0x0300 => "Target error",
            0x0301 => "Service unavailable",
            0x0302 => "Out of resources",
            _ => "unknown login status",
        }
    }
}

/// NOP-Out (initiator → target): ping, or the answer to a NOP-In that carried a TTT.
///
/// Shape: byte 0 `.|I|00h`; byte 1 80h; bytes 8–15 LUN; 16–19 ITT (or FFFFFFFFh when
/// answering a NOP-In); 20–23 TTT (or FFFFFFFFh); 24–27 CmdSN; 28–31 ExpStatSN; data segment
/// = ping data. Spec: RFC 7143 §11.18.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NopOut {
    /// I bit: immediate delivery.
    pub immediate: bool,
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Target Transfer Tag (bytes 20–23).
    #[doc(alias = "TTT")]
    pub target_transfer_tag: u32,
    /// CmdSN (bytes 24–27).
    pub cmd_sn: u32,
    /// ExpStatSN (bytes 28–31).
    pub exp_stat_sn: u32,
    /// Ping data (the data segment).
    pub ping_data: Vec<u8>,
}

/// SCSI Command (initiator → target).
///
/// Shape: byte 0 `.|I|01h`; byte 1 `F|R|W|0|0|ATTR(3)`; bytes 8–15 LUN; 16–19 ITT; 20–23
/// Expected Data Transfer Length; 24–27 CmdSN; 28–31 ExpStatSN; 32–47 CDB (first 16 bytes,
/// zero-padded); AHS: Extended CDB for bytes 16.., Bidirectional Read Expected Data Transfer
/// Length; data segment = immediate data. Spec: RFC 7143 §11.3, §11.2.2.
///
/// The BHS does not carry the CDB length: a decoded `cdb` is 16 bytes (plus the extended part);
/// [`ScsiCommand::cdb_by_group`] trims it by the opcode's group code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScsiCommand {
    /// I bit: immediate delivery.
    pub immediate: bool,
    /// F bit: no unsolicited Data-Out PDUs follow.
    #[doc(alias = "F")]
    pub final_pdu: bool,
    /// R bit: data is expected from the target.
    #[doc(alias = "R")]
    pub read: bool,
    /// W bit: data is expected from the initiator.
    #[doc(alias = "W")]
    pub write: bool,
    /// ATTR: task attribute.
    #[doc(alias = "ATTR")]
    pub attribute: TaskAttribute,
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Expected Data Transfer Length (bytes 20–23), bytes.
    pub expected_data_transfer_length: u32,
    /// CmdSN (bytes 24–27).
    pub cmd_sn: u32,
    /// ExpStatSN (bytes 28–31).
    pub exp_stat_sn: u32,
    /// The whole CDB: up to 16 bytes in the BHS, the rest in an Extended CDB AHS.
    pub cdb: Vec<u8>,
    /// Bidirectional Read Expected Data Transfer Length AHS, bytes.
    pub bidirectional_read_length: Option<u32>,
    /// Immediate data (the data segment).
    pub immediate_data: Vec<u8>,
}

impl ScsiCommand {
    /// The CDB cut to the length its opcode's group code implies (SPC-4 §4.2.5.1: group 0 → 6,
    /// groups 1–2 → 10, group 5 → 12, group 4 → 16 bytes); groups 3, 6 and 7 and extended CDBs
    /// are returned whole.
    pub fn cdb_by_group(&self) -> &[u8] {
        let len = match self.cdb.first().map(|op| op >> 5) {
            Some(0) => 6,
            Some(1) | Some(2) => 10,
            Some(4) => 16,
            Some(5) => 12,
            _ => self.cdb.len(),
        };
        if self.cdb.len() > 16 {
            return &self.cdb;
        }
        &self.cdb[..len.min(self.cdb.len())]
    }
}

/// SCSI Response (target → initiator).
///
/// Shape: byte 0 21h; byte 1 `1|0|0|o|u|O|U|0`; byte 2 Response; byte 3 Status; 16–19 ITT;
/// 20–23 SNACK Tag; 24–27 StatSN; 28–31 ExpCmdSN; 32–35 MaxCmdSN; 36–39 ExpDataSN; 40–43
/// Bidirectional Read Residual Count; 44–47 Residual Count; data segment = SenseLength (2 bytes)
/// + sense data + response data, or empty. Spec: RFC 7143 §11.4.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScsiResponse {
    /// o bit: bidirectional read residual overflow.
    #[doc(alias = "o")]
    pub bidirectional_read_residual_overflow: bool,
    /// u bit: bidirectional read residual underflow.
    #[doc(alias = "u")]
    pub bidirectional_read_residual_underflow: bool,
    /// O bit: residual overflow.
    #[doc(alias = "O")]
    pub residual_overflow: bool,
    /// U bit: residual underflow.
    #[doc(alias = "U")]
    pub residual_underflow: bool,
    /// Response (byte 2).
    pub response: ScsiResponseCode,
    /// SCSI status (byte 3), valid when `response` is CommandCompletedAtTarget.
    pub status: ScsiStatus,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// SNACK Tag (bytes 20–23).
    pub snack_tag: u32,
    /// StatSN (bytes 24–27).
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
    /// ExpDataSN (bytes 36–39).
    pub exp_data_sn: u32,
    /// Bidirectional Read Residual Count (bytes 40–43), bytes.
    pub bidirectional_read_residual_count: u32,
    /// Residual Count (bytes 44–47), bytes.
    pub residual_count: u32,
    /// Sense data (after the 2-byte SenseLength), fixed or descriptor format.
    pub sense: Vec<u8>,
    /// Response data after the sense data.
    pub response_data: Vec<u8>,
}

/// SCSI Task Management Function Request (initiator → target).
///
/// Shape: byte 0 `.|I|02h`; byte 1 `1|Function(7)`; 8–15 LUN; 16–19 ITT; 20–23 Referenced Task
/// Tag; 24–27 CmdSN; 28–31 ExpStatSN; 32–35 RefCmdSN; 36–39 ExpDataSN; no AHS, no data.
/// Spec: RFC 7143 §11.5.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskManagementRequest {
    /// I bit.
    pub immediate: bool,
    /// Function (byte 1 bits 6–0).
    pub function: TaskManagementFunction,
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag of this request (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Referenced Task Tag (bytes 20–23): the task to abort, or FFFFFFFFh.
    #[doc(alias = "RTT")]
    pub referenced_task_tag: u32,
    /// CmdSN (bytes 24–27).
    pub cmd_sn: u32,
    /// ExpStatSN (bytes 28–31).
    pub exp_stat_sn: u32,
    /// RefCmdSN (bytes 32–35).
    pub ref_cmd_sn: u32,
    /// ExpDataSN (bytes 36–39), for TASK REASSIGN.
    pub exp_data_sn: u32,
}

/// SCSI Task Management Function Response (target → initiator).
///
/// Shape: byte 0 22h; byte 1 80h; byte 2 Response; 16–19 ITT; 24–27 StatSN; 28–31 ExpCmdSN;
/// 32–35 MaxCmdSN; no AHS, no data. Spec: RFC 7143 §11.6.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskManagementResponse {
    /// Response (byte 2).
    pub response: TaskManagementResponseCode,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// StatSN (bytes 24–27).
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
}

/// SCSI Data-Out (initiator → target): write data, solicited by an R2T or unsolicited.
///
/// Shape: byte 0 05h; byte 1 `F|0000000`; 8–15 LUN; 16–19 ITT; 20–23 TTT; 28–31 ExpStatSN;
/// 36–39 DataSN; 40–43 Buffer Offset; data segment = the data. Spec: RFC 7143 §11.7.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataOut {
    /// F bit: last PDU of the sequence.
    #[doc(alias = "F")]
    pub final_pdu: bool,
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Target Transfer Tag (bytes 20–23): from the R2T, FFFFFFFFh for unsolicited data.
    #[doc(alias = "TTT")]
    pub target_transfer_tag: u32,
    /// ExpStatSN (bytes 28–31).
    pub exp_stat_sn: u32,
    /// DataSN (bytes 36–39).
    pub data_sn: u32,
    /// Buffer Offset (bytes 40–43), bytes.
    pub buffer_offset: u32,
    /// The data segment.
    pub data_segment: Vec<u8>,
}

/// SCSI Data-In (target → initiator): read data, optionally with the command's status.
///
/// Shape: byte 0 25h; byte 1 `F|A|0|0|0|O|U|S`; byte 3 Status (when S); 8–15 LUN; 16–19 ITT;
/// 20–23 TTT; 24–27 StatSN; 28–31 ExpCmdSN; 32–35 MaxCmdSN; 36–39 DataSN; 40–43 Buffer Offset;
/// 44–47 Residual Count; data segment = the data. Spec: RFC 7143 §11.7.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataIn {
    /// F bit: last PDU of the sequence.
    #[doc(alias = "F")]
    pub final_pdu: bool,
    /// A bit: the target asks for a DataACK SNACK.
    #[doc(alias = "A")]
    pub acknowledge: bool,
    /// O bit: residual overflow (valid with status).
    #[doc(alias = "O")]
    pub residual_overflow: bool,
    /// U bit: residual underflow (valid with status).
    #[doc(alias = "U")]
    pub residual_underflow: bool,
    /// S bit and Status (byte 3): `Some` when this PDU carries the command's status.
    #[doc(alias = "S")]
    pub status: Option<ScsiStatus>,
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Target Transfer Tag (bytes 20–23).
    #[doc(alias = "TTT")]
    pub target_transfer_tag: u32,
    /// StatSN (bytes 24–27), meaningful with status.
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
    /// DataSN (bytes 36–39).
    pub data_sn: u32,
    /// Buffer Offset (bytes 40–43), bytes.
    pub buffer_offset: u32,
    /// Residual Count (bytes 44–47), bytes.
    pub residual_count: u32,
    /// The data segment.
    pub data_segment: Vec<u8>,
}

/// Ready To Transfer (target → initiator): asks for a range of write data.
///
/// Shape: byte 0 31h; byte 1 80h; 8–15 LUN; 16–19 ITT; 20–23 TTT; 24–27 StatSN; 28–31
/// ExpCmdSN; 32–35 MaxCmdSN; 36–39 R2TSN; 40–43 Buffer Offset; 44–47 Desired Data Transfer
/// Length; no AHS, no data. Spec: RFC 7143 §11.8.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[doc(alias = "R2T")]
pub struct ReadyToTransfer {
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Target Transfer Tag (bytes 20–23).
    #[doc(alias = "TTT")]
    pub target_transfer_tag: u32,
    /// StatSN (bytes 24–27).
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
    /// R2TSN (bytes 36–39).
    #[doc(alias = "R2TSN")]
    pub r2t_sn: u32,
    /// Buffer Offset (bytes 40–43), bytes.
    pub buffer_offset: u32,
    /// Desired Data Transfer Length (bytes 44–47), bytes.
    pub desired_data_transfer_length: u32,
}

/// Asynchronous Message (target → initiator).
///
/// Shape: byte 0 32h; byte 1 80h; 8–15 LUN; 16–19 FFFFFFFFh; 24–27 StatSN; 28–31 ExpCmdSN;
/// 32–35 MaxCmdSN; 36 AsyncEvent; 37 AsyncVCode; 38–39 Parameter1; 40–41 Parameter2; 42–43
/// Parameter3; data segment = SenseLength (2 bytes) + sense data + iSCSI event data, or empty.
/// Spec: RFC 7143 §11.9.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AsyncMessage {
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// StatSN (bytes 24–27).
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
    /// AsyncEvent (byte 36).
    pub async_event: AsyncEvent,
    /// AsyncVCode (byte 37), vendor code.
    pub async_vcode: u8,
    /// Parameter1 (bytes 38–39).
    pub parameter1: u16,
    /// Parameter2 (bytes 40–41).
    pub parameter2: u16,
    /// Parameter3 (bytes 42–43).
    pub parameter3: u16,
    /// Sense data (for AsyncEvent 0).
    pub sense: Vec<u8>,
    /// iSCSI event data after the sense data.
    pub event_data: Vec<u8>,
}

/// Text Request (initiator → target): text negotiation or SendTargets.
///
/// Shape: byte 0 `.|I|04h`; byte 1 `F|C|000000`; 8–15 LUN; 16–19 ITT; 20–23 TTT (FFFFFFFFh to
/// start); 24–27 CmdSN; 28–31 ExpStatSN; data segment = `key=value\0` pairs. Spec: RFC 7143
/// §11.10.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextRequest {
    /// I bit.
    pub immediate: bool,
    /// F bit: the last request of the exchange.
    #[doc(alias = "F")]
    pub final_pdu: bool,
    /// C bit: the text continues in the next PDU.
    #[doc(alias = "C")]
    pub text_continues: bool,
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Target Transfer Tag (bytes 20–23).
    #[doc(alias = "TTT")]
    pub target_transfer_tag: u32,
    /// CmdSN (bytes 24–27).
    pub cmd_sn: u32,
    /// ExpStatSN (bytes 28–31).
    pub exp_stat_sn: u32,
    /// The text (see [`crate::text`]).
    pub text: Vec<u8>,
}

/// Text Response (target → initiator).
///
/// Shape: byte 0 24h; byte 1 `F|C|000000`; 8–15 LUN; 16–19 ITT; 20–23 TTT; 24–27 StatSN;
/// 28–31 ExpCmdSN; 32–35 MaxCmdSN; data segment = `key=value\0` pairs. Spec: RFC 7143 §11.11.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextResponse {
    /// F bit.
    #[doc(alias = "F")]
    pub final_pdu: bool,
    /// C bit.
    #[doc(alias = "C")]
    pub text_continues: bool,
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Target Transfer Tag (bytes 20–23).
    #[doc(alias = "TTT")]
    pub target_transfer_tag: u32,
    /// StatSN (bytes 24–27).
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
    /// The text.
    pub text: Vec<u8>,
}

/// Login Request (initiator → target). Always sent with the I bit set.
///
/// Shape: byte 0 `.|1|03h`; byte 1 `T|C|0|0|CSG(2)|NSG(2)`; 2 Version-max; 3 Version-min;
/// 8–13 ISID; 14–15 TSIH; 16–19 ITT; 20–21 CID; 24–27 CmdSN; 28–31 ExpStatSN; data segment =
/// `key=value\0` pairs. Spec: RFC 7143 §11.12.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginRequest {
    /// T bit: the initiator is ready to move to `nsg`.
    #[doc(alias = "T")]
    pub transit: bool,
    /// C bit: the text continues in the next PDU.
    #[doc(alias = "C")]
    pub text_continues: bool,
    /// CSG: current stage.
    #[doc(alias = "CSG")]
    pub current_stage: LoginStage,
    /// NSG: next stage (meaningful when `transit`).
    #[doc(alias = "NSG")]
    pub next_stage: LoginStage,
    /// Version-max (byte 2); 00h in RFC 7143.
    pub version_max: u8,
    /// Version-min (byte 3); 00h in RFC 7143.
    pub version_min: u8,
    /// ISID (bytes 8–13).
    pub isid: Isid,
    /// TSIH (bytes 14–15): 0 for a new session.
    #[doc(alias = "TSIH")]
    pub tsih: u16,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// CID (bytes 20–21).
    #[doc(alias = "CID")]
    pub cid: u16,
    /// CmdSN (bytes 24–27).
    pub cmd_sn: u32,
    /// ExpStatSN (bytes 28–31).
    pub exp_stat_sn: u32,
    /// The text.
    pub text: Vec<u8>,
}

/// Login Response (target → initiator).
///
/// Shape: byte 0 23h; byte 1 `T|C|0|0|CSG|NSG`; 2 Version-max; 3 Version-active; 8–13 ISID;
/// 14–15 TSIH; 16–19 ITT; 24–27 StatSN; 28–31 ExpCmdSN; 32–35 MaxCmdSN; 36 Status-Class;
/// 37 Status-Detail; data segment = `key=value\0` pairs. Spec: RFC 7143 §11.13.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginResponse {
    /// T bit: the target moves to `next_stage`.
    #[doc(alias = "T")]
    pub transit: bool,
    /// C bit.
    #[doc(alias = "C")]
    pub text_continues: bool,
    /// CSG.
    #[doc(alias = "CSG")]
    pub current_stage: LoginStage,
    /// NSG.
    #[doc(alias = "NSG")]
    pub next_stage: LoginStage,
    /// Version-max (byte 2).
    pub version_max: u8,
    /// Version-active (byte 3).
    pub version_active: u8,
    /// ISID (bytes 8–13).
    pub isid: Isid,
    /// TSIH (bytes 14–15).
    #[doc(alias = "TSIH")]
    pub tsih: u16,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// StatSN (bytes 24–27).
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
    /// Status-Class and Status-Detail (bytes 36–37).
    pub status: LoginStatus,
    /// The text.
    pub text: Vec<u8>,
}

/// Logout Request (initiator → target).
///
/// Shape: byte 0 `.|I|06h`; byte 1 `1|ReasonCode(7)`; 16–19 ITT; 20–21 CID; 24–27 CmdSN;
/// 28–31 ExpStatSN; no AHS, no data. Spec: RFC 7143 §11.14.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogoutRequest {
    /// I bit.
    pub immediate: bool,
    /// Reason Code (byte 1 bits 6–0).
    pub reason: LogoutReason,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// CID (bytes 20–21): the connection to close (reasons 1 and 2).
    #[doc(alias = "CID")]
    pub cid: u16,
    /// CmdSN (bytes 24–27).
    pub cmd_sn: u32,
    /// ExpStatSN (bytes 28–31).
    pub exp_stat_sn: u32,
}

/// Logout Response (target → initiator).
///
/// Shape: byte 0 26h; byte 1 80h; byte 2 Response; 16–19 ITT; 24–27 StatSN; 28–31 ExpCmdSN;
/// 32–35 MaxCmdSN; 40–41 Time2Wait; 42–43 Time2Retain; no AHS, no data. Spec: RFC 7143 §11.15.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogoutResponse {
    /// Response (byte 2).
    pub response: LogoutResponseCode,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// StatSN (bytes 24–27).
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
    /// Time2Wait (bytes 40–41), seconds.
    pub time2wait_s: u16,
    /// Time2Retain (bytes 42–43), seconds.
    pub time2retain_s: u16,
}

/// SNACK Request (initiator → target): asks for retransmission or acknowledges data.
///
/// Shape: byte 0 10h; byte 1 `1|0|0|0|Type(4)`; 8–15 LUN; 16–19 ITT; 20–23 TTT or SNACK Tag;
/// 28–31 ExpStatSN; 40–43 BegRun; 44–47 RunLength; no AHS, no data. Spec: RFC 7143 §11.16.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SnackRequest {
    /// Type (byte 1 bits 3–0).
    pub snack_type: SnackType,
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Target Transfer Tag or SNACK Tag (bytes 20–23).
    #[doc(alias = "TTT")]
    pub target_transfer_tag: u32,
    /// ExpStatSN (bytes 28–31).
    pub exp_stat_sn: u32,
    /// BegRun (bytes 40–43).
    pub beg_run: u32,
    /// RunLength (bytes 44–47).
    pub run_length: u32,
}

/// Reject (target → initiator): the target could not accept a PDU.
///
/// Shape: byte 0 3Fh; byte 1 80h; byte 2 Reason; 16–19 FFFFFFFFh; 24–27 StatSN; 28–31
/// ExpCmdSN; 32–35 MaxCmdSN; 36–39 DataSN/R2TSN; data segment = the complete header (BHS and
/// AHSs) of the rejected PDU. Spec: RFC 7143 §11.17.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reject {
    /// Reason (byte 2).
    pub reason: RejectReason,
    /// StatSN (bytes 24–27).
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
    /// DataSN/R2TSN (bytes 36–39), for a rejected SNACK.
    pub data_sn_or_r2t_sn: u32,
    /// The rejected PDU's header (the data segment).
    pub rejected_header: Vec<u8>,
}

/// NOP-In (target → initiator): answer to a NOP-Out ping, or a target ping.
///
/// Shape: byte 0 20h; byte 1 80h; 8–15 LUN; 16–19 ITT; 20–23 TTT; 24–27 StatSN; 28–31
/// ExpCmdSN; 32–35 MaxCmdSN; data segment = ping data. Spec: RFC 7143 §11.19.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NopIn {
    /// LUN (bytes 8–15).
    pub lun: Lun,
    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub initiator_task_tag: u32,
    /// Target Transfer Tag (bytes 20–23): FFFFFFFFh unless the target wants a NOP-Out back.
    #[doc(alias = "TTT")]
    pub target_transfer_tag: u32,
    /// StatSN (bytes 24–27).
    pub stat_sn: u32,
    /// ExpCmdSN (bytes 28–31).
    pub exp_cmd_sn: u32,
    /// MaxCmdSN (bytes 32–35).
    pub max_cmd_sn: u32,
    /// Ping data.
    pub ping_data: Vec<u8>,
}

/// A PDU with an opcode this crate does not model (vendor-specific or reserved), kept whole so
/// a target can quote it in a Reject.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnrecognizedPdu {
    /// The BHS as received. Bytes 4–7 (lengths) are recomputed on encode.
    pub header: [u8; BHS_LEN],
    /// The AHS area as received (a multiple of 4 bytes).
    pub ahs: Vec<u8>,
    /// The data segment without padding.
    pub data_segment: Vec<u8>,
}

/// Any iSCSI PDU, typed by opcode.
///
/// Spec: RFC 7143 §11.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pdu {
    /// 00h.
    NopOut(NopOut),
    /// 01h.
    ScsiCommand(ScsiCommand),
    /// 02h.
    TaskManagementRequest(TaskManagementRequest),
    /// 03h.
    LoginRequest(LoginRequest),
    /// 04h.
    TextRequest(TextRequest),
    /// 05h.
    DataOut(DataOut),
    /// 06h.
    LogoutRequest(LogoutRequest),
    /// 10h.
    SnackRequest(SnackRequest),
    /// 20h.
    NopIn(NopIn),
    /// 21h.
    ScsiResponse(ScsiResponse),
    /// 22h.
    TaskManagementResponse(TaskManagementResponse),
    /// 23h.
    LoginResponse(LoginResponse),
    /// 24h.
    TextResponse(TextResponse),
    /// 25h.
    DataIn(DataIn),
    /// 26h.
    LogoutResponse(LogoutResponse),
    /// 31h.
    ReadyToTransfer(ReadyToTransfer),
    /// 32h.
    AsyncMessage(AsyncMessage),
    /// 3Fh.
    Reject(Reject),
    /// Any other opcode.
    Unrecognized(UnrecognizedPdu),
}

/// The data segment of a PDU being encoded.
enum Segment<'a> {
    Plain(&'a [u8]),
    /// SenseLength + sense + the rest; empty when both parts are.
    Sense(&'a [u8], &'a [u8]),
}

impl Segment<'_> {
    fn len(&self) -> usize {
        match self {
            Segment::Plain(b) => b.len(),
            Segment::Sense(s, r) if s.is_empty() && r.is_empty() => 0,
            Segment::Sense(s, r) => 2 + s.len() + r.len(),
        }
    }
}

/// Everything `encode` needs, before lengths and digests.
struct Frame<'a> {
    bhs: [u8; BHS_LEN],
    ahs: Vec<u8>,
    segment: Segment<'a>,
}

fn start_bhs(opcode: Opcode, immediate: bool, flags: u8) -> [u8; BHS_LEN] {
    let mut b = [0u8; BHS_LEN];
    b[0] = (u8::from(opcode) & 0x3f) | if immediate { 0x40 } else { 0 };
    b[1] = flags;
    b
}

fn put_lun(b: &mut [u8; BHS_LEN], lun: Lun) {
    b[8..16].copy_from_slice(&lun.0);
}

fn bit(on: bool, mask: u8) -> u8 {
    if on {
        mask
    } else {
        0
    }
}

fn check_bits(field: &'static str, byte: usize, value: u8, bits: u32) -> Result<u8, PduError> {
    if u32::from(value) >> bits != 0 {
        return Err(PduError::InvalidField {
            field,
            byte,
            value: u64::from(value),
            reason: "does not fit its bit field",
        });
    }
    Ok(value)
}

fn stage_bits(current: LoginStage, next: LoginStage) -> Result<u8, PduError> {
    let c = check_bits("CSG", 1, u8::from(current), 2)?;
    let n = check_bits("NSG", 1, u8::from(next), 2)?;
    Ok((c << 2) | n)
}

impl Pdu {
    /// The opcode of this PDU.
    pub fn opcode(&self) -> Opcode {
        match self {
            Pdu::NopOut(_) => Opcode::NopOut,
            Pdu::ScsiCommand(_) => Opcode::ScsiCommand,
            Pdu::TaskManagementRequest(_) => Opcode::TaskManagementRequest,
            Pdu::LoginRequest(_) => Opcode::LoginRequest,
            Pdu::TextRequest(_) => Opcode::TextRequest,
            Pdu::DataOut(_) => Opcode::DataOut,
            Pdu::LogoutRequest(_) => Opcode::LogoutRequest,
            Pdu::SnackRequest(_) => Opcode::SnackRequest,
            Pdu::NopIn(_) => Opcode::NopIn,
            Pdu::ScsiResponse(_) => Opcode::ScsiResponse,
            Pdu::TaskManagementResponse(_) => Opcode::TaskManagementResponse,
            Pdu::LoginResponse(_) => Opcode::LoginResponse,
            Pdu::TextResponse(_) => Opcode::TextResponse,
            Pdu::DataIn(_) => Opcode::DataIn,
            Pdu::LogoutResponse(_) => Opcode::LogoutResponse,
            Pdu::ReadyToTransfer(_) => Opcode::ReadyToTransfer,
            Pdu::AsyncMessage(_) => Opcode::AsyncMessage,
            Pdu::Reject(_) => Opcode::Reject,
            Pdu::Unrecognized(u) => Opcode::from(u.header[0] & 0x3f),
        }
    }

    /// The Initiator Task Tag (FFFFFFFFh for Async Message and Reject, which carry none).
    #[doc(alias = "ITT")]
    pub fn initiator_task_tag(&self) -> u32 {
        match self {
            Pdu::NopOut(p) => p.initiator_task_tag,
            Pdu::ScsiCommand(p) => p.initiator_task_tag,
            Pdu::TaskManagementRequest(p) => p.initiator_task_tag,
            Pdu::LoginRequest(p) => p.initiator_task_tag,
            Pdu::TextRequest(p) => p.initiator_task_tag,
            Pdu::DataOut(p) => p.initiator_task_tag,
            Pdu::LogoutRequest(p) => p.initiator_task_tag,
            Pdu::SnackRequest(p) => p.initiator_task_tag,
            Pdu::NopIn(p) => p.initiator_task_tag,
            Pdu::ScsiResponse(p) => p.initiator_task_tag,
            Pdu::TaskManagementResponse(p) => p.initiator_task_tag,
            Pdu::LoginResponse(p) => p.initiator_task_tag,
            Pdu::TextResponse(p) => p.initiator_task_tag,
            Pdu::DataIn(p) => p.initiator_task_tag,
            Pdu::LogoutResponse(p) => p.initiator_task_tag,
            Pdu::ReadyToTransfer(p) => p.initiator_task_tag,
            Pdu::AsyncMessage(_) | Pdu::Reject(_) => RESERVED_TAG,
            Pdu::Unrecognized(u) => get_u32(&u.header, 16),
        }
    }

    fn frame(&self) -> Result<Frame<'_>, PduError> {
        let mut ahs = Vec::new();
        let (bhs, segment) = match self {
            Pdu::NopOut(p) => {
                let mut b = start_bhs(Opcode::NopOut, p.immediate, 0x80);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.target_transfer_tag);
                put_u32(&mut b, 24, p.cmd_sn);
                put_u32(&mut b, 28, p.exp_stat_sn);
                (b, Segment::Plain(&p.ping_data))
            }
            Pdu::ScsiCommand(p) => {
                let attr = check_bits("ATTR", 1, u8::from(p.attribute), 3)?;
                let flags = bit(p.final_pdu, 0x80) | bit(p.read, 0x40) | bit(p.write, 0x20) | attr;
                let mut b = start_bhs(Opcode::ScsiCommand, p.immediate, flags);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.expected_data_transfer_length);
                put_u32(&mut b, 24, p.cmd_sn);
                put_u32(&mut b, 28, p.exp_stat_sn);
                let head = p.cdb.len().min(16);
                b[32..32 + head].copy_from_slice(&p.cdb[..head]);
                if p.cdb.len() > 16 {
                    Ahs::ExtendedCdb(p.cdb[16..].to_vec()).emit(&mut ahs)?;
                }
                if let Some(n) = p.bidirectional_read_length {
                    Ahs::BidirectionalReadLength(n).emit(&mut ahs)?;
                }
                (b, Segment::Plain(&p.immediate_data))
            }
            Pdu::TaskManagementRequest(p) => {
                let f = check_bits("Function", 1, u8::from(p.function), 7)?;
                let mut b = start_bhs(Opcode::TaskManagementRequest, p.immediate, 0x80 | f);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.referenced_task_tag);
                put_u32(&mut b, 24, p.cmd_sn);
                put_u32(&mut b, 28, p.exp_stat_sn);
                put_u32(&mut b, 32, p.ref_cmd_sn);
                put_u32(&mut b, 36, p.exp_data_sn);
                (b, Segment::Plain(&[]))
            }
            Pdu::LoginRequest(p) => {
                let flags = bit(p.transit, 0x80)
                    | bit(p.text_continues, 0x40)
                    | stage_bits(p.current_stage, p.next_stage)?;
                let mut b = start_bhs(Opcode::LoginRequest, true, flags);
                b[2] = p.version_max;
                b[3] = p.version_min;
                b[8..14].copy_from_slice(&p.isid.0);
                put_u16(&mut b, 14, p.tsih);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u16(&mut b, 20, p.cid);
                put_u32(&mut b, 24, p.cmd_sn);
                put_u32(&mut b, 28, p.exp_stat_sn);
                (b, Segment::Plain(&p.text))
            }
            Pdu::TextRequest(p) => {
                let flags = bit(p.final_pdu, 0x80) | bit(p.text_continues, 0x40);
                let mut b = start_bhs(Opcode::TextRequest, p.immediate, flags);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.target_transfer_tag);
                put_u32(&mut b, 24, p.cmd_sn);
                put_u32(&mut b, 28, p.exp_stat_sn);
                (b, Segment::Plain(&p.text))
            }
            Pdu::DataOut(p) => {
                let mut b = start_bhs(Opcode::DataOut, false, bit(p.final_pdu, 0x80));
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.target_transfer_tag);
                put_u32(&mut b, 28, p.exp_stat_sn);
                put_u32(&mut b, 36, p.data_sn);
                put_u32(&mut b, 40, p.buffer_offset);
                (b, Segment::Plain(&p.data_segment))
            }
            Pdu::LogoutRequest(p) => {
                let r = check_bits("ReasonCode", 1, u8::from(p.reason), 7)?;
                let mut b = start_bhs(Opcode::LogoutRequest, p.immediate, 0x80 | r);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u16(&mut b, 20, p.cid);
                put_u32(&mut b, 24, p.cmd_sn);
                put_u32(&mut b, 28, p.exp_stat_sn);
                (b, Segment::Plain(&[]))
            }
            Pdu::SnackRequest(p) => {
                let t = check_bits("Type", 1, u8::from(p.snack_type), 4)?;
                let mut b = start_bhs(Opcode::SnackRequest, false, 0x80 | t);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.target_transfer_tag);
                put_u32(&mut b, 28, p.exp_stat_sn);
                put_u32(&mut b, 40, p.beg_run);
                put_u32(&mut b, 44, p.run_length);
                (b, Segment::Plain(&[]))
            }
            Pdu::NopIn(p) => {
                let mut b = start_bhs(Opcode::NopIn, false, 0x80);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.target_transfer_tag);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                (b, Segment::Plain(&p.ping_data))
            }
            Pdu::ScsiResponse(p) => {
                let flags = 0x80
                    | bit(p.bidirectional_read_residual_overflow, 0x10)
                    | bit(p.bidirectional_read_residual_underflow, 0x08)
                    | bit(p.residual_overflow, 0x04)
                    | bit(p.residual_underflow, 0x02);
                let mut b = start_bhs(Opcode::ScsiResponse, false, flags);
                b[2] = u8::from(p.response);
                b[3] = p.status.0;
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.snack_tag);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                put_u32(&mut b, 36, p.exp_data_sn);
                put_u32(&mut b, 40, p.bidirectional_read_residual_count);
                put_u32(&mut b, 44, p.residual_count);
                (b, Segment::Sense(&p.sense, &p.response_data))
            }
            Pdu::TaskManagementResponse(p) => {
                let mut b = start_bhs(Opcode::TaskManagementResponse, false, 0x80);
                b[2] = u8::from(p.response);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                (b, Segment::Plain(&[]))
            }
            Pdu::LoginResponse(p) => {
                let flags = bit(p.transit, 0x80)
                    | bit(p.text_continues, 0x40)
                    | stage_bits(p.current_stage, p.next_stage)?;
                let mut b = start_bhs(Opcode::LoginResponse, false, flags);
                b[2] = p.version_max;
                b[3] = p.version_active;
                b[8..14].copy_from_slice(&p.isid.0);
                put_u16(&mut b, 14, p.tsih);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                put_u16(&mut b, 36, p.status.0);
                (b, Segment::Plain(&p.text))
            }
            Pdu::TextResponse(p) => {
                let flags = bit(p.final_pdu, 0x80) | bit(p.text_continues, 0x40);
                let mut b = start_bhs(Opcode::TextResponse, false, flags);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.target_transfer_tag);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                (b, Segment::Plain(&p.text))
            }
            Pdu::DataIn(p) => {
                let flags = bit(p.final_pdu, 0x80)
                    | bit(p.acknowledge, 0x40)
                    | bit(p.residual_overflow, 0x04)
                    | bit(p.residual_underflow, 0x02)
                    | bit(p.status.is_some(), 0x01);
                let mut b = start_bhs(Opcode::DataIn, false, flags);
                b[3] = p.status.map_or(0, |s| s.0);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.target_transfer_tag);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                put_u32(&mut b, 36, p.data_sn);
                put_u32(&mut b, 40, p.buffer_offset);
                put_u32(&mut b, 44, p.residual_count);
                (b, Segment::Plain(&p.data_segment))
            }
            Pdu::LogoutResponse(p) => {
                let mut b = start_bhs(Opcode::LogoutResponse, false, 0x80);
                b[2] = u8::from(p.response);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                put_u16(&mut b, 40, p.time2wait_s);
                put_u16(&mut b, 42, p.time2retain_s);
                (b, Segment::Plain(&[]))
            }
            Pdu::ReadyToTransfer(p) => {
                let mut b = start_bhs(Opcode::ReadyToTransfer, false, 0x80);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, p.initiator_task_tag);
                put_u32(&mut b, 20, p.target_transfer_tag);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                put_u32(&mut b, 36, p.r2t_sn);
                put_u32(&mut b, 40, p.buffer_offset);
                put_u32(&mut b, 44, p.desired_data_transfer_length);
                (b, Segment::Plain(&[]))
            }
            Pdu::AsyncMessage(p) => {
                let mut b = start_bhs(Opcode::AsyncMessage, false, 0x80);
                put_lun(&mut b, p.lun);
                put_u32(&mut b, 16, RESERVED_TAG);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                b[36] = u8::from(p.async_event);
                b[37] = p.async_vcode;
                put_u16(&mut b, 38, p.parameter1);
                put_u16(&mut b, 40, p.parameter2);
                put_u16(&mut b, 42, p.parameter3);
                (b, Segment::Sense(&p.sense, &p.event_data))
            }
            Pdu::Reject(p) => {
                let mut b = start_bhs(Opcode::Reject, false, 0x80);
                b[2] = u8::from(p.reason);
                put_u32(&mut b, 16, RESERVED_TAG);
                put_u32(&mut b, 24, p.stat_sn);
                put_u32(&mut b, 28, p.exp_cmd_sn);
                put_u32(&mut b, 32, p.max_cmd_sn);
                put_u32(&mut b, 36, p.data_sn_or_r2t_sn);
                (b, Segment::Plain(&p.rejected_header))
            }
            Pdu::Unrecognized(u) => {
                if u.ahs.len() % 4 != 0 {
                    return Err(PduError::InvalidField {
                        field: "TotalAHSLength",
                        byte: 4,
                        value: u.ahs.len() as u64,
                        reason: "AHS area is not a multiple of 4 bytes",
                    });
                }
                ahs.extend_from_slice(&u.ahs);
                (u.header, Segment::Plain(&u.data_segment))
            }
        };
        Ok(Frame { bhs, ahs, segment })
    }

    /// Bytes [`Pdu::encode`] will produce with `digests`.
    ///
    /// # Errors
    /// As [`Pdu::encode`].
    pub fn encoded_len(&self, digests: Digests) -> Result<usize, PduError> {
        let frame = self.frame()?;
        check_frame(&frame)?;
        Ok(frame_len(&frame, digests))
    }

    /// Encodes the PDU into a new buffer of exactly [`Pdu::encoded_len`] bytes.
    ///
    /// Shape: see the module doc of [`crate::header`]; digests are CRC32C, least significant
    /// byte first. Spec: RFC 7143 §11.2.
    ///
    /// # Errors
    /// [`PduError::TooLong`] for a data segment over 2²⁴−1 bytes, sense data over 65535 bytes or
    /// AHSs over 1020 bytes; [`PduError::InvalidField`] for an enum value that does not fit its
    /// bit field (e.g. `LoginStage::Unknown(5)`).
    pub fn encode(&self, digests: Digests) -> Result<Vec<u8>, PduError> {
        let len = self.encoded_len(digests)?;
        let mut out = vec![0u8; len];
        self.encode_to_slice(digests, &mut out)?;
        Ok(out)
    }

    /// Encodes the PDU into the front of `out` and returns the length written; bytes after it
    /// are untouched.
    ///
    /// # Errors
    /// As [`Pdu::encode`], plus [`PduError::BufferTooSmall`].
    pub fn encode_to_slice(&self, digests: Digests, out: &mut [u8]) -> Result<usize, PduError> {
        let frame = self.frame()?;
        check_frame(&frame)?;
        let needed = frame_len(&frame, digests);
        if out.len() < needed {
            return Err(PduError::BufferTooSmall {
                needed,
                available: out.len(),
            });
        }
        let Frame {
            mut bhs,
            ahs,
            segment,
        } = frame;
        let dsl = segment.len();
        bhs[4] = (ahs.len() / 4) as u8;
        bhs[5] = (dsl >> 16) as u8;
        bhs[6] = (dsl >> 8) as u8;
        bhs[7] = dsl as u8;

        let mut at = 0;
        out[..BHS_LEN].copy_from_slice(&bhs);
        at += BHS_LEN;
        out[at..at + ahs.len()].copy_from_slice(&ahs);
        at += ahs.len();
        if digests.header {
            let d = crc32c_parts(&[&bhs, &ahs]);
            out[at..at + DIGEST_LEN].copy_from_slice(&d.to_le_bytes());
            at += DIGEST_LEN;
        }
        let seg_start = at;
        match segment {
            Segment::Plain(b) => {
                out[at..at + b.len()].copy_from_slice(b);
                at += b.len();
            }
            Segment::Sense(s, r) => {
                if dsl > 0 {
                    out[at..at + 2].copy_from_slice(&(s.len() as u16).to_be_bytes());
                    at += 2;
                    out[at..at + s.len()].copy_from_slice(s);
                    at += s.len();
                    out[at..at + r.len()].copy_from_slice(r);
                    at += r.len();
                }
            }
        }
        let pad_end = seg_start + padded_len(dsl);
        out[at..pad_end].fill(0);
        at = pad_end;
        if digests.data && dsl > 0 {
            let d = crc32c_parts(&[&out[seg_start..pad_end]]);
            out[at..at + DIGEST_LEN].copy_from_slice(&d.to_le_bytes());
            at += DIGEST_LEN;
        }
        Ok(at)
    }

    /// Decodes one PDU from the front of `bytes` and returns it with the number of bytes it
    /// used (BHS, AHSs, digests, data segment and padding).
    ///
    /// `digests` are the connection's negotiated digests ([`Digests::NONE`] during login).
    /// Spec: RFC 7143 §11.2–§11.19.
    ///
    /// # Errors
    /// - [`PduError::Truncated`] when `bytes` holds less than the whole PDU (`needed` says how
    ///   much);
    /// - [`PduError::DigestMismatch`] when a digest does not match;
    /// - [`PduError::InvalidField`] when a field cannot be represented (an AHS on a PDU other
    ///   than SCSI Command or an unrecognized one, a data segment on a PDU without one, a bad
    ///   AHS or SenseLength).
    pub fn decode(bytes: &[u8], digests: Digests) -> Result<(Pdu, usize), PduError> {
        let header = BasicHeader::new_checked(bytes)?;
        let needed = header.pdu_length(digests);
        if bytes.len() < needed {
            return Err(PduError::Truncated {
                needed,
                available: bytes.len(),
            });
        }
        let ahs_len = header.total_ahs_length_bytes();
        let dsl = header.data_segment_length();
        let mut bhs = [0u8; BHS_LEN];
        bhs.copy_from_slice(&bytes[..BHS_LEN]);
        let ahs_end = BHS_LEN + ahs_len;
        let ahs = &bytes[BHS_LEN..ahs_end];
        let mut at = ahs_end;
        if digests.header {
            let computed = crc32c_parts(&[&bytes[..ahs_end]]);
            let received = read_le(bytes, at);
            if computed != received {
                return Err(PduError::DigestMismatch {
                    segment: DigestSegment::Header,
                    byte: at,
                    received,
                    computed,
                });
            }
            at += DIGEST_LEN;
        }
        let seg_start = at;
        let pad_end = seg_start + padded_len(dsl);
        if digests.data && dsl > 0 {
            let computed = crc32c_parts(&[&bytes[seg_start..pad_end]]);
            let received = read_le(bytes, pad_end);
            if computed != received {
                return Err(PduError::DigestMismatch {
                    segment: DigestSegment::Data,
                    byte: pad_end,
                    received,
                    computed,
                });
            }
        }
        let segment = Seg {
            bytes: &bytes[seg_start..seg_start + dsl],
            offset: seg_start,
        };
        let pdu = decode_typed(&bhs, ahs, segment)?;
        Ok((pdu, needed))
    }
}

fn read_le(bytes: &[u8], at: usize) -> u32 {
    match bytes.get(at..at + DIGEST_LEN) {
        Some(d) => u32::from_le_bytes([d[0], d[1], d[2], d[3]]),
        None => 0,
    }
}

fn frame_len(frame: &Frame<'_>, digests: Digests) -> usize {
    let dsl = frame.segment.len();
    let mut n = BHS_LEN + frame.ahs.len() + padded_len(dsl);
    if digests.header {
        n += DIGEST_LEN;
    }
    if digests.data && dsl > 0 {
        n += DIGEST_LEN;
    }
    n
}

fn check_frame(frame: &Frame<'_>) -> Result<(), PduError> {
    if frame.ahs.len() > MAX_AHS_LEN {
        return Err(PduError::TooLong {
            field: "AHS",
            len: frame.ahs.len(),
            max: MAX_AHS_LEN,
        });
    }
    if let Segment::Sense(s, _) = frame.segment {
        if s.len() > usize::from(u16::MAX) {
            return Err(PduError::TooLong {
                field: "SenseData",
                len: s.len(),
                max: usize::from(u16::MAX),
            });
        }
    }
    let dsl = frame.segment.len();
    if dsl > MAX_DATA_SEGMENT_LEN {
        return Err(PduError::TooLong {
            field: "DataSegment",
            len: dsl,
            max: MAX_DATA_SEGMENT_LEN,
        });
    }
    Ok(())
}

/// The unpadded data segment and its offset in the PDU (for error positions).
#[derive(Clone, Copy)]
struct Seg<'a> {
    bytes: &'a [u8],
    offset: usize,
}

fn no_ahs(ahs: &[u8]) -> Result<(), PduError> {
    if ahs.is_empty() {
        Ok(())
    } else {
        Err(PduError::InvalidField {
            field: "TotalAHSLength",
            byte: 4,
            value: (ahs.len() / 4) as u64,
            reason: "this PDU carries no AHS",
        })
    }
}

fn no_data(seg: Seg<'_>) -> Result<(), PduError> {
    if seg.bytes.is_empty() {
        Ok(())
    } else {
        Err(PduError::InvalidField {
            field: "DataSegmentLength",
            byte: 5,
            value: seg.bytes.len() as u64,
            reason: "this PDU carries no data segment",
        })
    }
}

/// Splits a SenseLength-prefixed segment into (sense, rest).
fn split_sense(seg: Seg<'_>) -> Result<(Vec<u8>, Vec<u8>), PduError> {
    let b = seg.bytes;
    if b.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    if b.len() < 2 {
        return Err(PduError::InvalidField {
            field: "DataSegmentLength",
            byte: 5,
            value: b.len() as u64,
            reason: "data segment shorter than the 2-byte SenseLength",
        });
    }
    let sense_len = usize::from(u16::from_be_bytes([b[0], b[1]]));
    if 2 + sense_len > b.len() {
        return Err(PduError::InvalidField {
            field: "SenseLength",
            byte: seg.offset,
            value: sense_len as u64,
            reason: "sense data runs past the data segment",
        });
    }
    Ok((b[2..2 + sense_len].to_vec(), b[2 + sense_len..].to_vec()))
}

fn lun_of(b: &[u8; BHS_LEN]) -> Lun {
    let mut l = [0u8; 8];
    l.copy_from_slice(&b[8..16]);
    Lun(l)
}

fn isid_of(b: &[u8; BHS_LEN]) -> Isid {
    let mut i = [0u8; 6];
    i.copy_from_slice(&b[8..14]);
    Isid(i)
}

fn decode_typed(b: &[u8; BHS_LEN], ahs: &[u8], seg: Seg<'_>) -> Result<Pdu, PduError> {
    let immediate = b[0] & 0x40 != 0;
    let f = b[1];
    let opcode = Opcode::from(b[0] & 0x3f);
    if !matches!(opcode, Opcode::ScsiCommand | Opcode::Unknown(_)) {
        no_ahs(ahs)?;
    }
    let pdu = match opcode {
        Opcode::NopOut => Pdu::NopOut(NopOut {
            immediate,
            lun: lun_of(b),
            initiator_task_tag: get_u32(b, 16),
            target_transfer_tag: get_u32(b, 20),
            cmd_sn: get_u32(b, 24),
            exp_stat_sn: get_u32(b, 28),
            ping_data: seg.bytes.to_vec(),
        }),
        Opcode::ScsiCommand => {
            let mut cdb = b[32..48].to_vec();
            let mut bidirectional_read_length = None;
            let mut extended = false;
            let mut byte = BHS_LEN;
            for a in Ahs::parse_all(ahs)? {
                let this_byte = byte;
                byte += a.wire_len();
                match a {
                    Ahs::ExtendedCdb(tail) if !extended => {
                        extended = true;
                        cdb.extend_from_slice(&tail);
                    }
                    Ahs::BidirectionalReadLength(n) if bidirectional_read_length.is_none() => {
                        bidirectional_read_length = Some(n);
                    }
                    other => {
                        return Err(PduError::InvalidField {
                            field: "AHSType",
                            byte: this_byte + 2,
                            value: u64::from(u8::from(other.ahs_type())),
                            reason: "unsupported or repeated AHS type",
                        })
                    }
                }
            }
            Pdu::ScsiCommand(ScsiCommand {
                immediate,
                final_pdu: f & 0x80 != 0,
                read: f & 0x40 != 0,
                write: f & 0x20 != 0,
                attribute: TaskAttribute::from(f & 0x07),
                lun: lun_of(b),
                initiator_task_tag: get_u32(b, 16),
                expected_data_transfer_length: get_u32(b, 20),
                cmd_sn: get_u32(b, 24),
                exp_stat_sn: get_u32(b, 28),
                cdb,
                bidirectional_read_length,
                immediate_data: seg.bytes.to_vec(),
            })
        }
        Opcode::TaskManagementRequest => {
            no_data(seg)?;
            Pdu::TaskManagementRequest(TaskManagementRequest {
                immediate,
                function: TaskManagementFunction::from(f & 0x7f),
                lun: lun_of(b),
                initiator_task_tag: get_u32(b, 16),
                referenced_task_tag: get_u32(b, 20),
                cmd_sn: get_u32(b, 24),
                exp_stat_sn: get_u32(b, 28),
                ref_cmd_sn: get_u32(b, 32),
                exp_data_sn: get_u32(b, 36),
            })
        }
        Opcode::LoginRequest => Pdu::LoginRequest(LoginRequest {
            transit: f & 0x80 != 0,
            text_continues: f & 0x40 != 0,
            current_stage: LoginStage::from((f >> 2) & 3),
            next_stage: LoginStage::from(f & 3),
            version_max: b[2],
            version_min: b[3],
            isid: isid_of(b),
            tsih: get_u16(b, 14),
            initiator_task_tag: get_u32(b, 16),
            cid: get_u16(b, 20),
            cmd_sn: get_u32(b, 24),
            exp_stat_sn: get_u32(b, 28),
            text: seg.bytes.to_vec(),
        }),
        Opcode::TextRequest => Pdu::TextRequest(TextRequest {
            immediate,
            final_pdu: f & 0x80 != 0,
            text_continues: f & 0x40 != 0,
            lun: lun_of(b),
            initiator_task_tag: get_u32(b, 16),
            target_transfer_tag: get_u32(b, 20),
            cmd_sn: get_u32(b, 24),
            exp_stat_sn: get_u32(b, 28),
            text: seg.bytes.to_vec(),
        }),
        Opcode::DataOut => Pdu::DataOut(DataOut {
            final_pdu: f & 0x80 != 0,
            lun: lun_of(b),
            initiator_task_tag: get_u32(b, 16),
            target_transfer_tag: get_u32(b, 20),
            exp_stat_sn: get_u32(b, 28),
            data_sn: get_u32(b, 36),
            buffer_offset: get_u32(b, 40),
            data_segment: seg.bytes.to_vec(),
        }),
        Opcode::LogoutRequest => {
            no_data(seg)?;
            Pdu::LogoutRequest(LogoutRequest {
                immediate,
                reason: LogoutReason::from(f & 0x7f),
                initiator_task_tag: get_u32(b, 16),
                cid: get_u16(b, 20),
                cmd_sn: get_u32(b, 24),
                exp_stat_sn: get_u32(b, 28),
            })
        }
        Opcode::SnackRequest => {
            no_data(seg)?;
            Pdu::SnackRequest(SnackRequest {
                snack_type: SnackType::from(f & 0x0f),
                lun: lun_of(b),
                initiator_task_tag: get_u32(b, 16),
                target_transfer_tag: get_u32(b, 20),
                exp_stat_sn: get_u32(b, 28),
                beg_run: get_u32(b, 40),
                run_length: get_u32(b, 44),
            })
        }
        Opcode::NopIn => Pdu::NopIn(NopIn {
            lun: lun_of(b),
            initiator_task_tag: get_u32(b, 16),
            target_transfer_tag: get_u32(b, 20),
            stat_sn: get_u32(b, 24),
            exp_cmd_sn: get_u32(b, 28),
            max_cmd_sn: get_u32(b, 32),
            ping_data: seg.bytes.to_vec(),
        }),
        Opcode::ScsiResponse => {
            let (sense, response_data) = split_sense(seg)?;
            Pdu::ScsiResponse(ScsiResponse {
                bidirectional_read_residual_overflow: f & 0x10 != 0,
                bidirectional_read_residual_underflow: f & 0x08 != 0,
                residual_overflow: f & 0x04 != 0,
                residual_underflow: f & 0x02 != 0,
                response: ScsiResponseCode::from(b[2]),
                status: ScsiStatus(b[3]),
                initiator_task_tag: get_u32(b, 16),
                snack_tag: get_u32(b, 20),
                stat_sn: get_u32(b, 24),
                exp_cmd_sn: get_u32(b, 28),
                max_cmd_sn: get_u32(b, 32),
                exp_data_sn: get_u32(b, 36),
                bidirectional_read_residual_count: get_u32(b, 40),
                residual_count: get_u32(b, 44),
                sense,
                response_data,
            })
        }
        Opcode::TaskManagementResponse => {
            no_data(seg)?;
            Pdu::TaskManagementResponse(TaskManagementResponse {
                response: TaskManagementResponseCode::from(b[2]),
                initiator_task_tag: get_u32(b, 16),
                stat_sn: get_u32(b, 24),
                exp_cmd_sn: get_u32(b, 28),
                max_cmd_sn: get_u32(b, 32),
            })
        }
        Opcode::LoginResponse => Pdu::LoginResponse(LoginResponse {
            transit: f & 0x80 != 0,
            text_continues: f & 0x40 != 0,
            current_stage: LoginStage::from((f >> 2) & 3),
            next_stage: LoginStage::from(f & 3),
            version_max: b[2],
            version_active: b[3],
            isid: isid_of(b),
            tsih: get_u16(b, 14),
            initiator_task_tag: get_u32(b, 16),
            stat_sn: get_u32(b, 24),
            exp_cmd_sn: get_u32(b, 28),
            max_cmd_sn: get_u32(b, 32),
            status: LoginStatus(get_u16(b, 36)),
            text: seg.bytes.to_vec(),
        }),
        Opcode::TextResponse => Pdu::TextResponse(TextResponse {
            final_pdu: f & 0x80 != 0,
            text_continues: f & 0x40 != 0,
            lun: lun_of(b),
            initiator_task_tag: get_u32(b, 16),
            target_transfer_tag: get_u32(b, 20),
            stat_sn: get_u32(b, 24),
            exp_cmd_sn: get_u32(b, 28),
            max_cmd_sn: get_u32(b, 32),
            text: seg.bytes.to_vec(),
        }),
        Opcode::DataIn => Pdu::DataIn(DataIn {
            final_pdu: f & 0x80 != 0,
            acknowledge: f & 0x40 != 0,
            residual_overflow: f & 0x04 != 0,
            residual_underflow: f & 0x02 != 0,
            status: (f & 0x01 != 0).then_some(ScsiStatus(b[3])),
            lun: lun_of(b),
            initiator_task_tag: get_u32(b, 16),
            target_transfer_tag: get_u32(b, 20),
            stat_sn: get_u32(b, 24),
            exp_cmd_sn: get_u32(b, 28),
            max_cmd_sn: get_u32(b, 32),
            data_sn: get_u32(b, 36),
            buffer_offset: get_u32(b, 40),
            residual_count: get_u32(b, 44),
            data_segment: seg.bytes.to_vec(),
        }),
        Opcode::LogoutResponse => {
            no_data(seg)?;
            Pdu::LogoutResponse(LogoutResponse {
                response: LogoutResponseCode::from(b[2]),
                initiator_task_tag: get_u32(b, 16),
                stat_sn: get_u32(b, 24),
                exp_cmd_sn: get_u32(b, 28),
                max_cmd_sn: get_u32(b, 32),
                time2wait_s: get_u16(b, 40),
                time2retain_s: get_u16(b, 42),
            })
        }
        Opcode::ReadyToTransfer => {
            no_data(seg)?;
            Pdu::ReadyToTransfer(ReadyToTransfer {
                lun: lun_of(b),
                initiator_task_tag: get_u32(b, 16),
                target_transfer_tag: get_u32(b, 20),
                stat_sn: get_u32(b, 24),
                exp_cmd_sn: get_u32(b, 28),
                max_cmd_sn: get_u32(b, 32),
                r2t_sn: get_u32(b, 36),
                buffer_offset: get_u32(b, 40),
                desired_data_transfer_length: get_u32(b, 44),
            })
        }
        Opcode::AsyncMessage => {
            let (sense, event_data) = split_sense(seg)?;
            Pdu::AsyncMessage(AsyncMessage {
                lun: lun_of(b),
                stat_sn: get_u32(b, 24),
                exp_cmd_sn: get_u32(b, 28),
                max_cmd_sn: get_u32(b, 32),
                async_event: AsyncEvent::from(b[36]),
                async_vcode: b[37],
                parameter1: get_u16(b, 38),
                parameter2: get_u16(b, 40),
                parameter3: get_u16(b, 42),
                sense,
                event_data,
            })
        }
        Opcode::Reject => Pdu::Reject(Reject {
            reason: RejectReason::from(b[2]),
            stat_sn: get_u32(b, 24),
            exp_cmd_sn: get_u32(b, 28),
            max_cmd_sn: get_u32(b, 32),
            data_sn_or_r2t_sn: get_u32(b, 36),
            rejected_header: seg.bytes.to_vec(),
        }),
        Opcode::Unknown(_) => Pdu::Unrecognized(UnrecognizedPdu {
            header: *b,
            ahs: ahs.to_vec(),
            data_segment: seg.bytes.to_vec(),
        }),
    };
    Ok(pdu)
}
