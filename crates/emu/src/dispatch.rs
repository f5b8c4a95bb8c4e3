//! The emulator's command table and the one adapter every command goes through.
//!
//! [`COMMANDS`] has one row per supported opcode, built from the `discmaster-mmc` command type
//! (`medium_row::<Write10>(…)`), so opcode, name, CDB length and direction cannot drift from the
//! host side (STYLE example 7; checked by `tests/tables.rs`). Handlers return a full response
//! or a failure; the crate-internal `execute` adapter alone
//! * answers an unknown opcode with 5/20/00 and a short CDB with 5/24/00,
//! * reports a pending medium change (6/28/00) or a missing medium (2/3A/00) for commands that
//!   need the medium, and while a long operation started with Immed runs, answers them with
//!   NOT READY and its progress (they are its polls, the `operation` module),
//! * truncates data-in to the allocation length and the host buffer and sets the residual
//!   (STYLE example 6 — no handler computes `min(len, alloc)`),
//! * turns a failure into CHECK CONDITION with 18-byte fixed sense (autosense) and keeps it
//!   for REQUEST SENSE.
//!
//! Spec: `mmc.md` §1.0, §3.1, §6.1.

use discmaster_mmc::commands::{
    CloseTrackSession, GetConfiguration, Inquiry, ModeSelect10, ModeSense10,
    PreventAllowMediumRemoval, Read10, ReadCapacity, ReadDiscInformation, ReadTocPmaAtip,
    ReadTrackInformation, RequestSense, ReserveTrack, SendOpcInformation, StartStopUnit,
    SynchronizeCache, TestUnitReady, Write10,
};
use discmaster_mmc::{CdbError, Command, DataDirection, Sense, SenseData, SenseKeySpecific};
use discmaster_transport::{Completion, DataPhase, ScsiStatus, TransportError};

use crate::handlers::{cd, config, info, mode, recording, spc};
use crate::unit::Unit;
use crate::EmuError;

/// A command as the handler sees it: the CDB cut to the command's length, and data-out bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    /// The CDB, exactly `CDB_LEN` bytes (longer CDBs, e.g. ATAPI's 12-byte padding, are cut).
    pub cdb: &'a [u8],
    /// Data-out bytes (empty for other directions).
    pub data_out: &'a [u8],
}

/// What a successful handler produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Response {
    /// No data.
    Done,
    /// The full data-in response; [`execute`] truncates it.
    DataIn(Vec<u8>),
    /// Data-out bytes the command used.
    Consumed(usize),
}

/// A CHECK CONDITION: sense, optional INFORMATION and sense-key specific bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Check {
    /// Sense key / ASC / ASCQ.
    pub sense: Sense,
    /// INFORMATION field (VALID set when present).
    pub information: Option<u32>,
    /// Sense-key specific bytes (field pointer, progress).
    pub sks: Option<SenseKeySpecific>,
}

/// Why a handler did not succeed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The command ends in CHECK CONDITION.
    Check(Check),
    /// The emulator's own files failed (becomes [`TransportError::Io`]).
    Host(std::io::Error),
}

impl Failure {
    /// 5/24/00 with a field pointer into the CDB.
    pub fn cdb_field(byte: u16, bit: Option<u8>) -> Failure {
        Failure::Check(Check {
            sense: Sense::INVALID_FIELD_IN_CDB,
            information: None,
            sks: Some(SenseKeySpecific::cdb_field(byte, bit)),
        })
    }

    /// 5/26/00 with a field pointer into the parameter list.
    pub fn parameter_field(byte: u16, bit: Option<u8>) -> Failure {
        Failure::Check(Check {
            sense: Sense::INVALID_FIELD_IN_PARAMETER_LIST,
            information: None,
            sks: Some(SenseKeySpecific::parameter_field(byte, bit)),
        })
    }
}

impl From<Sense> for Failure {
    fn from(sense: Sense) -> Failure {
        Failure::Check(Check {
            sense,
            information: None,
            sks: None,
        })
    }
}

impl From<CdbError> for Failure {
    fn from(e: CdbError) -> Failure {
        Failure::Check(Check {
            sense: e.sense(),
            information: None,
            sks: e.sense_key_specific(),
        })
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Host(e)
    }
}

impl From<EmuError> for Failure {
    fn from(e: EmuError) -> Failure {
        match e {
            EmuError::Io { source, .. } => Failure::Host(source),
            other => Failure::Host(std::io::Error::other(other.to_string())),
        }
    }
}

/// A command handler.
pub(crate) type Handler = fn(&mut Unit, &Request<'_>) -> Result<Response, Failure>;

/// One row of [`COMMANDS`]: a command type's constants, whether it needs a medium, and its
/// handler.
#[derive(Clone, Copy)]
pub struct CommandRow {
    /// Operation code (`C::OPCODE`).
    pub opcode: u8,
    /// T10 name (`C::NAME`).
    pub name: &'static str,
    /// CDB length (`C::CDB_LEN`).
    pub cdb_len: usize,
    /// Data direction (`C::DIRECTION`).
    pub direction: DataDirection,
    /// The command accesses the medium: 2/3A/00 without one, 6/28/00 once after a load.
    pub needs_medium: bool,
    transfer_len: fn(&[u8]) -> Option<usize>,
    handler: Handler,
}

impl std::fmt::Debug for CommandRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandRow")
            .field("opcode", &format_args!("{:02X}h", self.opcode))
            .field("name", &self.name)
            .field("needs_medium", &self.needs_medium)
            .finish()
    }
}

/// The allocation / transfer length `C` announces in `cdb`, if it parses.
fn transfer_len_of<C: Command>(cdb: &[u8]) -> Option<usize> {
    C::from_cdb(cdb).ok().and_then(|c| c.transfer_len())
}

/// The row for command type `C`, which needs a medium: without one it gets 2/3A/00, and
/// the first such command after a load gets 6/28/00.
const fn medium_row<C: Command>(handler: Handler) -> CommandRow {
    row::<C>(true, handler)
}

/// The row for command type `C`, which works with or without a medium and does not report
/// the medium change.
const fn drive_row<C: Command>(handler: Handler) -> CommandRow {
    row::<C>(false, handler)
}

const fn row<C: Command>(needs_medium: bool, handler: Handler) -> CommandRow {
    CommandRow {
        opcode: C::OPCODE,
        name: C::NAME,
        cdb_len: C::CDB_LEN,
        direction: C::DIRECTION,
        needs_medium,
        transfer_len: transfer_len_of::<C>,
        handler,
    }
}

/// Every command the emulator implements, sorted by opcode. Any other opcode is answered
/// with 5/20/00 INVALID COMMAND OPERATION CODE.
///
/// Spec: `mmc.md` §1.1, §6.1.
pub static COMMANDS: &[CommandRow] = &[
    medium_row::<TestUnitReady>(spc::test_unit_ready),
    drive_row::<RequestSense>(spc::request_sense),
    medium_row::<discmaster_mmc::format_commands::FormatUnit>(crate::handlers::format::format_unit),
    drive_row::<Inquiry>(crate::handlers::host::inquiry),
    drive_row::<StartStopUnit>(spc::start_stop_unit),
    drive_row::<PreventAllowMediumRemoval>(spc::prevent_allow_medium_removal),
    drive_row::<discmaster_mmc::host_commands::ReadFormatCapacities>(
        crate::handlers::format::read_format_capacities,
    ),
    medium_row::<ReadCapacity>(info::read_capacity),
    medium_row::<Read10>(recording::read10),
    medium_row::<Write10>(recording::write10),
    medium_row::<SynchronizeCache>(recording::synchronize_cache),
    medium_row::<ReadTocPmaAtip>(info::read_toc_pma_atip),
    drive_row::<GetConfiguration>(config::get_configuration),
    drive_row::<discmaster_mmc::host_commands::GetEventStatusNotification>(
        crate::handlers::host::get_event_status_notification,
    ),
    medium_row::<ReadDiscInformation>(info::read_disc_information),
    medium_row::<ReadTrackInformation>(info::read_track_information),
    medium_row::<ReserveTrack>(recording::reserve_track),
    medium_row::<SendOpcInformation>(recording::send_opc_information),
    medium_row::<ModeSelect10>(mode::mode_select10),
    drive_row::<ModeSense10>(mode::mode_sense10),
    medium_row::<CloseTrackSession>(recording::close_track_session),
    drive_row::<discmaster_mmc::host_commands::ReadBufferCapacity>(
        crate::handlers::host::read_buffer_capacity,
    ),
    medium_row::<discmaster_mmc::sao_commands::SendCueSheet>(crate::handlers::sao::send_cue_sheet),
    drive_row::<discmaster_mmc::host_commands::ReportLuns>(crate::handlers::host::report_luns),
    medium_row::<discmaster_mmc::format_commands::Blank>(crate::handlers::format::blank),
    medium_row::<discmaster_mmc::host_commands::GetPerformance>(
        crate::handlers::speed::get_performance,
    ),
    medium_row::<discmaster_mmc::host_commands::ReadDiscStructure>(
        crate::handlers::host::read_disc_structure,
    ),
    drive_row::<discmaster_mmc::host_commands::SetStreaming>(crate::handlers::speed::set_streaming),
    drive_row::<discmaster_mmc::host_commands::SetCdSpeed>(crate::handlers::speed::set_cd_speed),
    drive_row::<discmaster_mmc::host_commands::MechanismStatus>(
        crate::handlers::host::mechanism_status,
    ),
    medium_row::<discmaster_mmc::cd_commands::ReadCd>(cd::read_cd),
];

/// The row for `opcode`.
pub fn command_row(opcode: u8) -> Option<&'static CommandRow> {
    COMMANDS
        .binary_search_by_key(&opcode, |r| r.opcode)
        .ok()
        .map(|i| &COMMANDS[i])
}

/// Runs one command: the single adapter between [`Transport::execute`] and the handlers (see
/// the module doc).
///
/// [`Transport::execute`]: discmaster_transport::Transport::execute
///
/// # Errors
/// [`TransportError::Io`] when the emulator's files fail.
pub(crate) fn execute(
    unit: &mut Unit,
    cdb: &[u8],
    data: DataPhase<'_>,
) -> Result<Completion, TransportError> {
    let offered = data.len();
    let (data_out, data_in): (&[u8], Option<&mut [u8]>) = match data {
        DataPhase::None => (&[], None),
        DataPhase::In(buf) => (&[], Some(buf)),
        DataPhase::Out(buf) => (buf, None),
    };
    if cdb.first() != Some(&RequestSense::OPCODE) {
        // Autosense delivered the previous sense; REQUEST SENSE now reports what comes next.
        unit.last_check = None;
    }
    let outcome = run(unit, cdb, data_out);
    match outcome {
        Ok((response, alloc)) => {
            let residual = match response {
                Response::Done => offered,
                Response::Consumed(n) => offered.saturating_sub(n),
                Response::DataIn(bytes) => match data_in {
                    Some(buf) => {
                        let n = bytes.len().min(alloc).min(buf.len());
                        buf[..n].copy_from_slice(&bytes[..n]);
                        buf.len() - n
                    }
                    // No data-in buffer (no data phase, or a data-out phase): nothing moved.
                    None => offered,
                },
            };
            Ok(Completion {
                status: ScsiStatus::GOOD,
                sense: Vec::new(),
                residual,
            })
        }
        Err(Failure::Check(check)) => {
            tracing::debug!(opcode = ?cdb.first(), sense = %check.sense, "emulated CHECK CONDITION");
            unit.last_check = Some(check);
            let sense =
                SenseData::<&[u8]>::emit_fixed(check.sense, check.information, check.sks).to_vec();
            Ok(Completion {
                status: ScsiStatus::CHECK_CONDITION,
                sense,
                residual: offered,
            })
        }
        Err(Failure::Host(e)) => Err(TransportError::Io(e)),
    }
}

/// Looks the command up, applies the medium checks and runs the handler; returns the response
/// and the allocation / transfer length the CDB announced.
fn run(unit: &mut Unit, cdb: &[u8], data_out: &[u8]) -> Result<(Response, usize), Failure> {
    let opcode = *cdb
        .first()
        .ok_or(Failure::from(Sense::INVALID_COMMAND_OPERATION_CODE))?;
    let row = command_row(opcode).ok_or(Failure::from(Sense::INVALID_COMMAND_OPERATION_CODE))?;
    let cdb = cdb
        .get(..row.cdb_len)
        .ok_or(Failure::from(CdbError::Length {
            opcode,
            len: cdb.len(),
        }))?;
    if row.needs_medium {
        let loaded = unit.loaded_mut()?;
        if loaded.medium.unit_attention {
            loaded.medium.unit_attention = false;
            unit.commit_structure()?;
            return Err(Sense::NOT_READY_TO_READY_CHANGE.into());
        }
        // A long operation (Immed) makes medium commands polls: NOT READY with progress.
        crate::operation::poll(unit, opcode == TestUnitReady::OPCODE)?;
    }
    let response = (row.handler)(unit, &Request { cdb, data_out })?;
    let alloc = (row.transfer_len)(cdb).unwrap_or(usize::MAX);
    Ok((response, alloc))
}
