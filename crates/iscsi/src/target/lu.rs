//! The exported logical unit: one [`Transport`] (the emulated recorder, or any other) behind a
//! mutex, shared by every session, with the per-I_T-nexus state SPC keeps apart from the
//! device itself.
//!
//! What the target adds in front of the device (each rule is applied here, not in the device):
//! * **LUN 0 only.** A command to another LUN ends with 5/25/00 LOGICAL UNIT NOT SUPPORTED;
//!   INQUIRY there returns peripheral qualifier 011b / device type 1Fh (no device), and REPORT
//!   LUNS is answered by LUN 0 (SPC-4 §? on well-known behaviour of REPORT LUNS).
//! * **Unit attentions per I_T nexus.** A new session gets 6/29/00 POWER ON, RESET once (as tgt
//!   and real devices do); a medium change the device still reports at that moment is not
//!   repeated to it (libiscsi's `iscsi-ls` gives up on a second unit attention). When the
//!   device reports 6/28/00 (medium may have changed) to one nexus, every other nexus gets
//!   6/28/00 once too, so each initiator learns of the change.
//!   INQUIRY, REPORT LUNS and REQUEST SENSE never report a unit attention; REQUEST SENSE
//!   returns a pending one as its data and clears it.
//! * **PREVENT ALLOW MEDIUM REMOVAL per nexus.** The device sees "prevent" while any nexus
//!   prevents removal; a nexus that ends (logout, dropped connection, reset) releases its
//!   prevention (SPC: prevention is cleared on I_T nexus loss).
//! * **The medium belongs to the preventing initiator.** While another nexus prevents medium
//!   removal and this one does not, commands that change the medium or the write parameters
//!   (FORMAT UNIT, MODE SELECT, WRITE, WRITE AND VERIFY, SYNCHRONIZE CACHE, RESERVE TRACK, SEND
//!   OPC INFORMATION, CLOSE TRACK/SESSION, SEND CUE SHEET, BLANK, WRITE(12), SEND DISC
//!   STRUCTURE) end with status RESERVATION CONFLICT; eject attempts get the device's own
//!   5/53/02. Reading commands are never refused. Burners and the Linux `sr` driver send
//!   PREVENT while they hold the drive, so a second initiator cannot write into a burn.
//! * SPC-2 RESERVE/RELEASE and persistent reservations are not implemented (the device
//!   answers 5/20/00).
//!
//! Spec: `mmc.md` §1.29 (PREVENT), §1.2 (unit attentions); SPC-4 §? (per-nexus unit
//! attention and prevention state).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use discmaster_mmc::responses::InquiryData;
use discmaster_mmc::{Sense, SenseData};
use discmaster_transport::{Completion, DataPhase, ScsiStatus, Transport};

use crate::header::Lun;

/// Identifies one I_T nexus (one session) at the logical unit.
pub(crate) type NexusId = u64;

/// How long the device may take for one command (the emulator completes at once).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

const INQUIRY: u8 = 0x12;
const REQUEST_SENSE: u8 = 0x03;
const REPORT_LUNS: u8 = 0xA0;
const PREVENT_ALLOW_MEDIUM_REMOVAL: u8 = 0x1E;

/// Opcodes that change the medium or the write parameters (refused while another nexus
/// prevents medium removal). `mmc.md` §1.1.
const MEDIUM_CHANGING: &[u8] = &[
    0x04, // FORMAT UNIT
    0x15, // MODE SELECT(6)
    0x2A, // WRITE(10)
    0x2E, // WRITE AND VERIFY(10)
    0x35, // SYNCHRONIZE CACHE
    0x53, // RESERVE TRACK
    0x54, // SEND OPC INFORMATION
    0x55, // MODE SELECT(10)
    0x5B, // CLOSE TRACK/SESSION
    0x5D, // SEND CUE SHEET
    0xA1, // BLANK
    0xAA, // WRITE(12)
    0xBF, // SEND DISC STRUCTURE
];

/// Per-nexus state.
#[derive(Debug, Clone)]
struct Nexus {
    /// This nexus prevents medium removal.
    prevent: bool,
    /// A unit attention not yet reported to this nexus.
    unit_attention: Option<Sense>,
}

#[derive(Debug)]
struct State<T> {
    device: T,
    nexuses: BTreeMap<NexusId, Nexus>,
    next_id: NexusId,
    /// What the device was last told about prevention.
    device_prevent: bool,
}

/// The logical unit every session shares.
#[derive(Debug)]
pub(crate) struct LogicalUnit<T> {
    state: Mutex<State<T>>,
}

/// A command's outcome with its data-in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Status, sense and residual as the device (or the target) returned them.
    pub completion: Completion,
    /// Data-in bytes actually transferred.
    pub data_in: Vec<u8>,
}

impl<T: Transport> LogicalUnit<T> {
    /// Wraps `device`.
    pub fn new(device: T) -> LogicalUnit<T> {
        LogicalUnit {
            state: Mutex::new(State {
                device,
                nexuses: BTreeMap::new(),
                next_id: 1,
                device_prevent: false,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        // A panic while holding the lock cannot leave the device half-updated in a way the
        // next command could not cope with; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new I_T nexus; its first command reports 6/29/00. A medium change the
    /// device still holds (6/28/00) is taken over now: the nexuses already present get it,
    /// the new one does not (it learns the unit's state after its power-on attention).
    pub fn attach(&self) -> NexusId {
        let mut s = self.lock();
        let id = s.next_id;
        s.next_id += 1;
        let tur = run(&mut s.device, &[0u8; 6], None, 0);
        if reported(&tur.completion) == Some(Sense::NOT_READY_TO_READY_CHANGE) {
            for n in s.nexuses.values_mut() {
                n.unit_attention
                    .get_or_insert(Sense::NOT_READY_TO_READY_CHANGE);
            }
        }
        s.nexuses.insert(
            id,
            Nexus {
                prevent: false,
                unit_attention: Some(Sense::POWER_ON_RESET),
            },
        );
        id
    }

    /// Ends an I_T nexus: its prevention is released.
    pub fn detach(&self, id: NexusId) {
        let mut s = self.lock();
        s.nexuses.remove(&id);
        sync_prevent(&mut s);
    }

    /// A LOGICAL UNIT RESET / TARGET RESET from `id`: every nexus's prevention is cleared and
    /// every other nexus gets 6/29/00.
    pub fn reset(&self, id: NexusId) {
        let mut s = self.lock();
        for (nid, n) in s.nexuses.iter_mut() {
            n.prevent = false;
            if *nid != id {
                n.unit_attention = Some(Sense::POWER_ON_RESET);
            }
        }
        sync_prevent(&mut s);
    }

    /// Runs one command for nexus `id` addressed to `lun`. `data_out` is the write data;
    /// `data_in_len` the most data-in bytes the initiator accepts.
    pub fn execute(
        &self,
        id: NexusId,
        lun: Lun,
        cdb: &[u8],
        data_out: Option<&[u8]>,
        data_in_len: usize,
    ) -> Outcome {
        let opcode = cdb.first().copied().unwrap_or(0xFF);
        let mut s = self.lock();
        if lun.index() != Some(0) {
            return match opcode {
                REPORT_LUNS => run(&mut s.device, cdb, data_out, data_in_len),
                INQUIRY => no_device_inquiry(data_in_len),
                REQUEST_SENSE => sense_as_data(Sense::LOGICAL_UNIT_NOT_SUPPORTED, data_in_len),
                _ => check(Sense::LOGICAL_UNIT_NOT_SUPPORTED, data_out, data_in_len),
            };
        }
        let Some(nexus) = s.nexuses.get_mut(&id) else {
            return check(Sense::POWER_ON_RESET, data_out, data_in_len);
        };
        if let Some(ua) = nexus.unit_attention {
            match opcode {
                INQUIRY | REPORT_LUNS => {}
                REQUEST_SENSE => {
                    nexus.unit_attention = None;
                    return sense_as_data(ua, data_in_len);
                }
                _ => {
                    nexus.unit_attention = None;
                    return check(ua, data_out, data_in_len);
                }
            }
        }
        if opcode == PREVENT_ALLOW_MEDIUM_REMOVAL && cdb.len() >= 6 {
            // Record this nexus's wish; the device sees the OR over all nexuses.
            let wanted = cdb[4] & 0x03 != 0;
            let previous = nexus.prevent;
            nexus.prevent = wanted;
            let any = s.nexuses.values().any(|n| n.prevent);
            let mut device_cdb = cdb.to_vec();
            device_cdb[4] = (device_cdb[4] & !0x03) | u8::from(any);
            let outcome = run(&mut s.device, &device_cdb, data_out, data_in_len);
            if outcome.completion.is_good() {
                s.device_prevent = any;
            } else if let Some(n) = s.nexuses.get_mut(&id) {
                n.prevent = previous;
            }
            return outcome;
        }
        if MEDIUM_CHANGING.contains(&opcode) {
            let own = s.nexuses.get(&id).is_some_and(|n| n.prevent);
            let other = s.nexuses.iter().any(|(nid, n)| *nid != id && n.prevent);
            if other && !own {
                return Outcome {
                    completion: Completion {
                        status: ScsiStatus::RESERVATION_CONFLICT,
                        sense: Vec::new(),
                        residual: data_out.map_or(data_in_len, <[u8]>::len),
                    },
                    data_in: Vec::new(),
                };
            }
        }
        let outcome = run(&mut s.device, cdb, data_out, data_in_len);
        if reported(&outcome.completion) == Some(Sense::NOT_READY_TO_READY_CHANGE) {
            for (nid, n) in s.nexuses.iter_mut() {
                if *nid != id && n.unit_attention.is_none() {
                    n.unit_attention = Some(Sense::NOT_READY_TO_READY_CHANGE);
                }
            }
        }
        outcome
    }

    /// The device, once no session uses the unit any more.
    pub fn into_device(self) -> T {
        self.state
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .device
    }
}

/// Tells the device to allow removal when no nexus prevents it any more.
fn sync_prevent<T: Transport>(s: &mut State<T>) {
    let any = s.nexuses.values().any(|n| n.prevent);
    if s.device_prevent && !any {
        let allow = [PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, 0, 0];
        let outcome = run(&mut s.device, &allow, None, 0);
        if outcome.completion.is_good() {
            s.device_prevent = false;
        }
    }
}

/// The sense key / ASC / ASCQ of a CHECK CONDITION, if it carries sense.
fn reported(c: &Completion) -> Option<Sense> {
    if c.status != ScsiStatus::CHECK_CONDITION {
        return None;
    }
    SenseData::new_checked(c.sense.as_slice())
        .ok()
        .map(|s| s.sense())
}

/// Sends the command to the device; a transport failure becomes 4/44/00.
fn run<T: Transport>(
    device: &mut T,
    cdb: &[u8],
    data_out: Option<&[u8]>,
    data_in_len: usize,
) -> Outcome {
    let mut buf = vec![0u8; if data_out.is_some() { 0 } else { data_in_len }];
    let phase = match data_out {
        Some(out) => DataPhase::Out(out),
        None if data_in_len > 0 => DataPhase::In(&mut buf),
        None => DataPhase::None,
    };
    match device.execute(cdb, phase, COMMAND_TIMEOUT) {
        Ok(completion) => {
            let moved = if data_out.is_some() {
                0
            } else {
                data_in_len.saturating_sub(completion.residual)
            };
            buf.truncate(moved);
            Outcome {
                completion,
                data_in: buf,
            }
        }
        Err(_) => check(Sense::INTERNAL_TARGET_FAILURE, data_out, data_in_len),
    }
}

/// CHECK CONDITION with fixed-format sense and nothing transferred.
fn check(sense: Sense, data_out: Option<&[u8]>, data_in_len: usize) -> Outcome {
    Outcome {
        completion: Completion {
            status: ScsiStatus::CHECK_CONDITION,
            sense: SenseData::<&[u8]>::emit_fixed(sense, None, None).to_vec(),
            residual: data_out.map_or(data_in_len, <[u8]>::len),
        },
        data_in: Vec::new(),
    }
}

/// GOOD with `sense` as REQUEST SENSE data (fixed format, truncated to `alloc`).
fn sense_as_data(sense: Sense, alloc: usize) -> Outcome {
    let mut data = SenseData::<&[u8]>::emit_fixed(sense, None, None).to_vec();
    data.truncate(alloc);
    Outcome {
        completion: Completion {
            status: ScsiStatus::GOOD,
            sense: Vec::new(),
            residual: alloc - data.len(),
        },
        data_in: data,
    }
}

/// Standard INQUIRY data for a LUN without a device: qualifier 011b, type 1Fh (SPC-4 §?).
fn no_device_inquiry(alloc: usize) -> Outcome {
    let mut d = InquiryData::new_zeroed();
    d.set_peripheral_qualifier(0b011);
    d.set_peripheral_device_type(0x1F);
    d.set_version(0x05);
    d.set_response_data_format(2);
    let mut data = d.into_inner();
    data.truncate(alloc);
    Outcome {
        completion: Completion {
            status: ScsiStatus::GOOD,
            sense: Vec::new(),
            residual: alloc - data.len(),
        },
        data_in: data,
    }
}
