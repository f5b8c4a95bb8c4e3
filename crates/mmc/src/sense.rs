//! Sense data: the [`Sense`] triple (key / ASC / ASCQ) with named constants, the
//! [`SenseData`] view over fixed-format (70h/71h) and descriptor-format (72h/73h) sense, and
//! builders for both formats.
//!
//! Invariants: after [`SenseData::new_checked`] no getter panics; fields that lie beyond the
//! returned bytes (short sense is common) read as `None`. The builders always produce
//! well-formed sense that [`SenseData::new_checked`] accepts.
//!
//! Spec: SPC-4 §4.5 (reference `mmc.md` §3.1–§3.4).

use crate::cdb::{CdbError, ParseError};
use crate::enums::SenseKey;
use crate::wire::{be32, put32};

/// A sense key with its additional sense code and qualifier, e.g. `2/3A/00` MEDIUM NOT
/// PRESENT. This is the value emulator handlers return as `Err(Sense::…)` and the value tests
/// assert by name (STYLE example 5).
///
/// Shape: fixed sense byte 2 bits 3–0 (key), bytes 12 and 13; descriptor sense bytes 1–3.
///
/// Spec: SPC-4 §4.5.6, Table "ASC and ASCQ assignments" (reference `mmc.md` §3.3, §3.4).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Sense {
    /// Sense key.
    pub key: SenseKey,
    /// Additional sense code.
    #[doc(alias = "ASC")]
    pub asc: u8,
    /// Additional sense code qualifier.
    #[doc(alias = "ASCQ")]
    pub ascq: u8,
}

macro_rules! sense_consts {
    ($( $(#[$m:meta])* $name:ident = ($key:ident, $asc:expr, $ascq:expr); )*) => {
        impl Sense {
            $(
                $(#[$m])*
                pub const $name: Sense = Sense::new(SenseKey::$key, $asc, $ascq);
            )*
        }
    };
}

sense_consts! {
    /// 0/00/00 NO ADDITIONAL SENSE INFORMATION: nothing pending.
    NO_SENSE = (NoSense, 0x00, 0x00);
    /// 2/04/00 LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE (spinning up; retry).
    NOT_READY_CAUSE_NOT_REPORTABLE = (NotReady, 0x04, 0x00);
    /// 2/04/01 LOGICAL UNIT IS IN PROCESS OF BECOMING READY (after load/start).
    BECOMING_READY = (NotReady, 0x04, 0x01);
    /// 2/04/02 LOGICAL UNIT NOT READY, INITIALIZING COMMAND REQUIRED (needs START UNIT).
    INITIALIZING_COMMAND_REQUIRED = (NotReady, 0x04, 0x02);
    /// 2/04/04 LOGICAL UNIT NOT READY, FORMAT IN PROGRESS (with progress indication).
    FORMAT_IN_PROGRESS = (NotReady, 0x04, 0x04);
    /// 2/04/07 LOGICAL UNIT NOT READY, OPERATION IN PROGRESS (BLANK, CLOSE, SYNC CACHE Immed).
    OPERATION_IN_PROGRESS = (NotReady, 0x04, 0x07);
    /// 2/04/08 LOGICAL UNIT NOT READY, LONG WRITE IN PROGRESS (buffer draining; retry WRITE).
    LONG_WRITE_IN_PROGRESS = (NotReady, 0x04, 0x08);
    /// 2/3A/00 MEDIUM NOT PRESENT.
    MEDIUM_NOT_PRESENT = (NotReady, 0x3A, 0x00);
    /// 2/3A/01 MEDIUM NOT PRESENT - TRAY CLOSED.
    MEDIUM_NOT_PRESENT_TRAY_CLOSED = (NotReady, 0x3A, 0x01);
    /// 2/3A/02 MEDIUM NOT PRESENT - TRAY OPEN.
    MEDIUM_NOT_PRESENT_TRAY_OPEN = (NotReady, 0x3A, 0x02);
    /// 2/30/00 INCOMPATIBLE MEDIUM INSTALLED (NOT READY variant).
    INCOMPATIBLE_MEDIUM_NOT_READY = (NotReady, 0x30, 0x00);
    /// 3/0C/00 WRITE ERROR.
    WRITE_ERROR = (MediumError, 0x0C, 0x00);
    /// 3/0C/09 WRITE ERROR - LOSS OF STREAMING (buffer underrun without BUFE).
    LOSS_OF_STREAMING = (MediumError, 0x0C, 0x09);
    /// 3/11/00 UNRECOVERED READ ERROR.
    UNRECOVERED_READ_ERROR = (MediumError, 0x11, 0x00);
    /// 3/72/00 SESSION FIXATION ERROR.
    SESSION_FIXATION_ERROR = (MediumError, 0x72, 0x00);
    /// 3/73/05 PROGRAM MEMORY AREA IS FULL (PMA full: too many TAO tracks).
    PMA_FULL = (MediumError, 0x73, 0x05);
    /// 4/44/00 INTERNAL TARGET FAILURE.
    INTERNAL_TARGET_FAILURE = (HardwareError, 0x44, 0x00);
    /// 5/1A/00 PARAMETER LIST LENGTH ERROR.
    PARAMETER_LIST_LENGTH_ERROR = (IllegalRequest, 0x1A, 0x00);
    /// 5/20/00 INVALID COMMAND OPERATION CODE (unknown opcode).
    INVALID_COMMAND_OPERATION_CODE = (IllegalRequest, 0x20, 0x00);
    /// 5/21/00 LOGICAL BLOCK ADDRESS OUT OF RANGE.
    LBA_OUT_OF_RANGE = (IllegalRequest, 0x21, 0x00);
    /// 5/21/02 INVALID ADDRESS FOR WRITE (not at the NWA on sequential media).
    INVALID_ADDRESS_FOR_WRITE = (IllegalRequest, 0x21, 0x02);
    /// 5/24/00 INVALID FIELD IN CDB.
    INVALID_FIELD_IN_CDB = (IllegalRequest, 0x24, 0x00);
    /// 5/25/00 LOGICAL UNIT NOT SUPPORTED.
    LOGICAL_UNIT_NOT_SUPPORTED = (IllegalRequest, 0x25, 0x00);
    /// 5/26/00 INVALID FIELD IN PARAMETER LIST.
    INVALID_FIELD_IN_PARAMETER_LIST = (IllegalRequest, 0x26, 0x00);
    /// 5/2C/00 COMMAND SEQUENCE ERROR.
    COMMAND_SEQUENCE_ERROR = (IllegalRequest, 0x2C, 0x00);
    /// 5/2C/03 CURRENT PROGRAM AREA IS NOT EMPTY.
    CURRENT_PROGRAM_AREA_NOT_EMPTY = (IllegalRequest, 0x2C, 0x03);
    /// 5/2C/04 CURRENT PROGRAM AREA IS EMPTY.
    CURRENT_PROGRAM_AREA_EMPTY = (IllegalRequest, 0x2C, 0x04);
    /// 5/30/00 INCOMPATIBLE MEDIUM INSTALLED.
    INCOMPATIBLE_MEDIUM_INSTALLED = (IllegalRequest, 0x30, 0x00);
    /// 5/30/05 CANNOT WRITE MEDIUM - INCOMPATIBLE FORMAT.
    CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT = (IllegalRequest, 0x30, 0x05);
    /// 5/30/06 CANNOT FORMAT MEDIUM - INCOMPATIBLE MEDIUM.
    CANNOT_FORMAT_MEDIUM_INCOMPATIBLE = (IllegalRequest, 0x30, 0x06);
    /// 5/30/10 MEDIUM NOT FORMATTED.
    MEDIUM_NOT_FORMATTED = (IllegalRequest, 0x30, 0x10);
    /// 5/39/00 SAVING PARAMETERS NOT SUPPORTED.
    SAVING_PARAMETERS_NOT_SUPPORTED = (IllegalRequest, 0x39, 0x00);
    /// 5/53/02 MEDIUM REMOVAL PREVENTED.
    MEDIUM_REMOVAL_PREVENTED = (IllegalRequest, 0x53, 0x02);
    /// 5/63/00 END OF USER AREA ENCOUNTERED ON THIS TRACK.
    END_OF_USER_AREA_ENCOUNTERED = (IllegalRequest, 0x63, 0x00);
    /// 5/64/00 ILLEGAL MODE FOR THIS TRACK.
    ILLEGAL_MODE_FOR_THIS_TRACK = (IllegalRequest, 0x64, 0x00);
    /// 5/72/05 NO MORE TRACK RESERVATIONS ALLOWED.
    NO_MORE_TRACK_RESERVATIONS_ALLOWED = (IllegalRequest, 0x72, 0x05);
    /// 6/28/00 NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED.
    NOT_READY_TO_READY_CHANGE = (UnitAttention, 0x28, 0x00);
    /// 6/29/00 POWER ON, RESET, OR BUS DEVICE RESET OCCURRED.
    POWER_ON_RESET = (UnitAttention, 0x29, 0x00);
    /// 6/2A/01 MODE PARAMETERS CHANGED.
    MODE_PARAMETERS_CHANGED = (UnitAttention, 0x2A, 0x01);
    /// 7/27/00 WRITE PROTECTED.
    WRITE_PROTECTED = (DataProtect, 0x27, 0x00);
}

/// ASC/ASCQ texts (SPC-4 ASC table, as listed in `mmc.md` §3.4). The text depends on the
/// ASC/ASCQ pair only, not on the key.
const ASC_TEXT: &[(u8, u8, &str)] = &[
    (0x00, 0x00, "NO ADDITIONAL SENSE INFORMATION"),
    (0x00, 0x16, "OPERATION IN PROGRESS"),
    (0x04, 0x00, "LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE"),
    (0x04, 0x01, "LOGICAL UNIT IS IN PROCESS OF BECOMING READY"),
    (
        0x04,
        0x02,
        "LOGICAL UNIT NOT READY, INITIALIZING COMMAND REQUIRED",
    ),
    (
        0x04,
        0x03,
        "LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED",
    ),
    (0x04, 0x04, "LOGICAL UNIT NOT READY, FORMAT IN PROGRESS"),
    (0x04, 0x07, "LOGICAL UNIT NOT READY, OPERATION IN PROGRESS"),
    (0x04, 0x08, "LOGICAL UNIT NOT READY, LONG WRITE IN PROGRESS"),
    (0x06, 0x00, "NO REFERENCE POSITION FOUND"),
    (0x09, 0x00, "TRACK FOLLOWING ERROR"),
    (0x09, 0x01, "TRACKING SERVO FAILURE"),
    (0x09, 0x02, "FOCUS SERVO FAILURE"),
    (0x09, 0x03, "SPINDLE SERVO FAILURE"),
    (0x09, 0x04, "HEAD SELECT FAULT"),
    (0x0C, 0x00, "WRITE ERROR"),
    (0x0C, 0x07, "WRITE ERROR - RECOVERY NEEDED"),
    (0x0C, 0x08, "WRITE ERROR - RECOVERY FAILED"),
    (0x0C, 0x09, "WRITE ERROR - LOSS OF STREAMING"),
    (0x0C, 0x0A, "WRITE ERROR - PADDING BLOCKS ADDED"),
    (0x11, 0x00, "UNRECOVERED READ ERROR"),
    (0x11, 0x05, "L-EC UNCORRECTABLE ERROR"),
    (0x11, 0x06, "CIRC UNRECOVERED ERROR"),
    (0x1A, 0x00, "PARAMETER LIST LENGTH ERROR"),
    (0x20, 0x00, "INVALID COMMAND OPERATION CODE"),
    (0x21, 0x00, "LOGICAL BLOCK ADDRESS OUT OF RANGE"),
    (0x21, 0x02, "INVALID ADDRESS FOR WRITE"),
    (0x21, 0x03, "INVALID WRITE CROSSING LAYER JUMP"),
    (0x24, 0x00, "INVALID FIELD IN CDB"),
    (0x25, 0x00, "LOGICAL UNIT NOT SUPPORTED"),
    (0x26, 0x00, "INVALID FIELD IN PARAMETER LIST"),
    (0x26, 0x01, "PARAMETER NOT SUPPORTED"),
    (0x26, 0x02, "PARAMETER VALUE INVALID"),
    (0x27, 0x00, "WRITE PROTECTED"),
    (0x27, 0x01, "HARDWARE WRITE PROTECTED"),
    (0x27, 0x02, "LOGICAL UNIT SOFTWARE WRITE PROTECTED"),
    (0x27, 0x03, "ASSOCIATED WRITE PROTECT"),
    (0x27, 0x04, "PERSISTENT WRITE PROTECT"),
    (0x27, 0x05, "PERMANENT WRITE PROTECT"),
    (0x27, 0x06, "CONDITIONAL WRITE PROTECT"),
    (
        0x28,
        0x00,
        "NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED",
    ),
    (0x28, 0x02, "FORMAT-LAYER MAY HAVE CHANGED"),
    (0x29, 0x00, "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED"),
    (0x29, 0x01, "POWER ON OCCURRED"),
    (0x29, 0x02, "SCSI BUS RESET OCCURRED"),
    (0x29, 0x03, "BUS DEVICE RESET FUNCTION OCCURRED"),
    (0x29, 0x04, "DEVICE INTERNAL RESET"),
    (0x2A, 0x01, "MODE PARAMETERS CHANGED"),
    (0x2C, 0x00, "COMMAND SEQUENCE ERROR"),
    (0x2C, 0x03, "CURRENT PROGRAM AREA IS NOT EMPTY"),
    (0x2C, 0x04, "CURRENT PROGRAM AREA IS EMPTY"),
    (0x2E, 0x00, "INSUFFICIENT TIME FOR OPERATION"),
    (0x30, 0x00, "INCOMPATIBLE MEDIUM INSTALLED"),
    (0x30, 0x01, "CANNOT READ MEDIUM - UNKNOWN FORMAT"),
    (0x30, 0x02, "CANNOT READ MEDIUM - INCOMPATIBLE FORMAT"),
    (0x30, 0x04, "CANNOT WRITE MEDIUM - UNKNOWN FORMAT"),
    (0x30, 0x05, "CANNOT WRITE MEDIUM - INCOMPATIBLE FORMAT"),
    (0x30, 0x06, "CANNOT FORMAT MEDIUM - INCOMPATIBLE MEDIUM"),
    (0x30, 0x08, "CANNOT WRITE - APPLICATION CODE MISMATCH"),
    (0x30, 0x09, "CURRENT SESSION NOT FIXATED FOR APPEND"),
    (0x30, 0x10, "MEDIUM NOT FORMATTED"),
    (0x31, 0x00, "MEDIUM FORMAT CORRUPTED"),
    (0x31, 0x01, "FORMAT COMMAND FAILED"),
    (0x39, 0x00, "SAVING PARAMETERS NOT SUPPORTED"),
    (0x3A, 0x00, "MEDIUM NOT PRESENT"),
    (0x3A, 0x01, "MEDIUM NOT PRESENT - TRAY CLOSED"),
    (0x3A, 0x02, "MEDIUM NOT PRESENT - TRAY OPEN"),
    (0x3E, 0x00, "LOGICAL UNIT HAS NOT SELF-CONFIGURED YET"),
    (0x3E, 0x01, "LOGICAL UNIT FAILURE"),
    (0x3E, 0x02, "TIMEOUT ON LOGICAL UNIT"),
    (0x44, 0x00, "INTERNAL TARGET FAILURE"),
    (0x47, 0x00, "SCSI PARITY ERROR"),
    (0x48, 0x00, "INITIATOR DETECTED ERROR MESSAGE RECEIVED"),
    (0x4E, 0x00, "OVERLAPPED COMMANDS ATTEMPTED"),
    (0x51, 0x00, "ERASE FAILURE"),
    (
        0x51,
        0x01,
        "ERASE FAILURE - INCOMPLETE ERASE OPERATION DETECTED",
    ),
    (0x53, 0x02, "MEDIUM REMOVAL PREVENTED"),
    (0x57, 0x00, "UNABLE TO RECOVER TABLE-OF-CONTENTS"),
    (0x5A, 0x01, "OPERATOR MEDIUM REMOVAL REQUEST"),
    (0x63, 0x00, "END OF USER AREA ENCOUNTERED ON THIS TRACK"),
    (0x63, 0x01, "PACKET DOES NOT FIT IN AVAILABLE SPACE"),
    (0x64, 0x00, "ILLEGAL MODE FOR THIS TRACK"),
    (0x64, 0x01, "INVALID PACKET SIZE"),
    (
        0x6F,
        0x00,
        "COPY PROTECTION KEY EXCHANGE FAILURE - AUTHENTICATION FAILURE",
    ),
    (
        0x6F,
        0x01,
        "COPY PROTECTION KEY EXCHANGE FAILURE - KEY NOT PRESENT",
    ),
    (
        0x6F,
        0x02,
        "COPY PROTECTION KEY EXCHANGE FAILURE - KEY NOT ESTABLISHED",
    ),
    (
        0x6F,
        0x03,
        "READ OF SCRAMBLED SECTOR WITHOUT AUTHENTICATION",
    ),
    (
        0x6F,
        0x04,
        "MEDIA REGION CODE IS MISMATCHED TO LOGICAL UNIT REGION",
    ),
    (
        0x6F,
        0x05,
        "DRIVE REGION MUST BE PERMANENT/REGION RESET COUNT ERROR",
    ),
    (0x72, 0x00, "SESSION FIXATION ERROR"),
    (0x72, 0x01, "SESSION FIXATION ERROR WRITING LEAD-IN"),
    (0x72, 0x02, "SESSION FIXATION ERROR WRITING LEAD-OUT"),
    (
        0x72,
        0x03,
        "SESSION FIXATION ERROR - INCOMPLETE TRACK IN SESSION",
    ),
    (0x72, 0x04, "EMPTY OR PARTIALLY WRITTEN RESERVED TRACK"),
    (0x72, 0x05, "NO MORE TRACK RESERVATIONS ALLOWED"),
    (0x73, 0x00, "CD CONTROL ERROR"),
    (0x73, 0x01, "POWER CALIBRATION AREA ALMOST FULL"),
    (0x73, 0x02, "POWER CALIBRATION AREA IS FULL"),
    (0x73, 0x03, "POWER CALIBRATION AREA ERROR"),
    (0x73, 0x04, "PROGRAM MEMORY AREA UPDATE FAILURE"),
    (0x73, 0x05, "PROGRAM MEMORY AREA IS FULL"),
    (0x73, 0x06, "RMA/PMA IS ALMOST FULL"),
];

impl Sense {
    /// A sense triple; `const` so named constants and match patterns can use it.
    pub const fn new(key: SenseKey, asc: u8, ascq: u8) -> Sense {
        Sense { key, asc, ascq }
    }

    /// The SPC text for this ASC/ASCQ pair (e.g. `"MEDIUM NOT PRESENT"` for 3A/00), or `None`
    /// for pairs not in the table (vendor or rarely used codes).
    ///
    /// Spec: SPC-4 ASC/ASCQ assignments (reference `mmc.md` §3.4).
    pub fn description(&self) -> Option<&'static str> {
        ASC_TEXT
            .iter()
            .find(|(a, q, _)| *a == self.asc && *q == self.ascq)
            .map(|(_, _, t)| *t)
    }

    /// The growisofs-style packed value `key << 16 | asc << 8 | ascq` (e.g. `0x23A00`), handy
    /// for logs and match tables.
    pub fn packed(&self) -> u32 {
        (u32::from(u8::from(self.key)) << 16) | (u32::from(self.asc) << 8) | u32::from(self.ascq)
    }
}

impl std::fmt::Display for Sense {
    /// `"2/3A/00 MEDIUM NOT PRESENT"`: key, ASC and ASCQ in hex, then the text when known.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:X}/{:02X}/{:02X}",
            u8::from(self.key),
            self.asc,
            self.ascq
        )?;
        if let Some(text) = self.description() {
            write!(f, " {text}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Sense {}

/// The sense-key specific field (3 bytes, valid when SKSV = 1), interpreted by sense key.
///
/// Shape: fixed sense bytes 15–17 (byte 15 bit 7 = SKSV); descriptor sense: descriptor 02h
/// bytes 4–6. Progress: bytes 16–17 (15's low bits reserved). Field pointer: byte 15 bit 6 C/D,
/// bit 3 BPV, bits 2–0 bit pointer, bytes 16–17 byte offset.
///
/// Units: `Progress` is a fraction of 65536 (0 = just started, 65535 ≈ done).
///
/// Spec: SPC-4 §4.5.2.4 (reference `mmc.md` §3.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum SenseKeySpecific {
    /// Progress indication (keys NOT READY and NO SENSE), in 1/65536 units.
    Progress(u16),
    /// Field pointer (key ILLEGAL REQUEST): the offending byte (and bit) of the CDB
    /// (`in_cdb`, C/D = 1) or of the parameter list (C/D = 0).
    FieldPointer {
        /// C/D: the error is in the CDB (true) or in the parameter data (false).
        in_cdb: bool,
        /// Bit pointer, present when BPV = 1 (bit 7 = MSB of the field).
        bit: Option<u8>,
        /// Field pointer: byte offset in the CDB or parameter list.
        byte: u16,
    },
    /// The three bytes as sent (SKSV bit cleared) for other keys.
    Raw([u8; 3]),
}

impl SenseKeySpecific {
    /// The field pointer for a CDB error (C/D = 1).
    pub fn cdb_field(byte: u16, bit: Option<u8>) -> SenseKeySpecific {
        SenseKeySpecific::FieldPointer {
            in_cdb: true,
            bit,
            byte,
        }
    }

    /// The field pointer for a parameter-list error (C/D = 0).
    pub fn parameter_field(byte: u16, bit: Option<u8>) -> SenseKeySpecific {
        SenseKeySpecific::FieldPointer {
            in_cdb: false,
            bit,
            byte,
        }
    }

    /// Encodes the three bytes with SKSV (bit 7 of the first byte) set.
    ///
    /// Shape: see the type. A bit pointer above 7 is reduced modulo 8.
    pub fn to_bytes(self) -> [u8; 3] {
        let [b0, b1, b2] = match self {
            SenseKeySpecific::Progress(p) => {
                let [hi, lo] = p.to_be_bytes();
                [0, hi, lo]
            }
            SenseKeySpecific::FieldPointer { in_cdb, bit, byte } => {
                let [hi, lo] = byte.to_be_bytes();
                let cd = if in_cdb { 0x40 } else { 0 };
                let bp = bit.map_or(0, |b| 0x08 | (b & 0x07));
                [cd | bp, hi, lo]
            }
            SenseKeySpecific::Raw(r) => r,
        };
        [0x80 | (b0 & 0x7F), b1, b2]
    }

    /// Decodes the three bytes for sense `key`; `None` when SKSV (bit 7 of `bytes[0]`) is 0.
    pub fn from_bytes(key: SenseKey, bytes: [u8; 3]) -> Option<SenseKeySpecific> {
        if bytes[0] & 0x80 == 0 {
            return None;
        }
        let value = u16::from_be_bytes([bytes[1], bytes[2]]);
        Some(match key {
            SenseKey::NoSense | SenseKey::NotReady => SenseKeySpecific::Progress(value),
            SenseKey::IllegalRequest => SenseKeySpecific::FieldPointer {
                in_cdb: bytes[0] & 0x40 != 0,
                bit: (bytes[0] & 0x08 != 0).then_some(bytes[0] & 0x07),
                byte: value,
            },
            _ => SenseKeySpecific::Raw([bytes[0] & 0x7F, bytes[1], bytes[2]]),
        })
    }
}

impl CdbError {
    /// The sense an emulator answers this parse error with: 5/20/00 for a wrong opcode, 5/24/00
    /// otherwise.
    ///
    /// Spec: `mmc.md` §1.0.
    pub fn sense(&self) -> Sense {
        match self {
            CdbError::Opcode { .. } => Sense::INVALID_COMMAND_OPERATION_CODE,
            CdbError::Length { .. } | CdbError::InvalidField { .. } => Sense::INVALID_FIELD_IN_CDB,
        }
    }

    /// The field pointer for [`CdbError::InvalidField`] (C/D = 1), `None` otherwise.
    pub fn sense_key_specific(&self) -> Option<SenseKeySpecific> {
        match *self {
            CdbError::InvalidField { byte, bit } => Some(SenseKeySpecific::cdb_field(byte, bit)),
            _ => None,
        }
    }
}

/// Byte offsets of fixed-format sense (SPC-4 §4.5.3).
mod fixed {
    pub const RESPONSE_CODE: usize = 0;
    pub const KEY: usize = 2;
    pub const INFORMATION: usize = 3;
    pub const ADDITIONAL_LENGTH: usize = 7;
    pub const COMMAND_SPECIFIC: usize = 8;
    pub const ASC: usize = 12;
    pub const ASCQ: usize = 13;
    pub const FRU: usize = 14;
    pub const SKS: usize = 15;
    /// Bytes needed to reach ASC/ASCQ.
    pub const MIN_LEN: usize = 14;
    /// The usual full length.
    pub const LEN: usize = 18;
}

/// Byte offsets of descriptor-format sense (SPC-4 §4.5.2).
mod desc {
    pub const KEY: usize = 1;
    pub const ASC: usize = 2;
    pub const ASCQ: usize = 3;
    pub const ADDITIONAL_LENGTH: usize = 7;
    pub const HEADER_LEN: usize = 8;
    /// Descriptor type 00h information: [type, 0Ah, VALID|rsvd, rsvd, information(8)].
    pub const TYPE_INFORMATION: u8 = 0x00;
    /// Descriptor type 02h sense-key specific: [type, 06h, rsvd, rsvd, sks(3), rsvd].
    pub const TYPE_SKS: u8 = 0x02;
}

/// A view over sense data as returned by REQUEST SENSE or with CHECK CONDITION, in fixed
/// (response code 70h current / 71h deferred) or descriptor (72h / 73h) format.
///
/// Shape (fixed): B0 b7 VALID, b6-0 response code; B2 b3-0 sense key; B3-6 INFORMATION;
/// B7 additional sense length (n − 8); B8-11 command-specific; B12 ASC; B13 ASCQ; B14 FRU;
/// B15 b7 SKSV + B15-17 sense-key specific. Shape (descriptor): B0 response code; B1 b3-0
/// key; B2 ASC; B3 ASCQ; B7 additional length; B8… descriptors `[type, length, …]`.
///
/// Fields beyond the buffer or beyond `8 + additional length` read as `None` (drives often
/// return fewer than 18 bytes).
///
/// # Errors
/// [`SenseData::new_checked`] fails with [`ParseError::Truncated`] below 14 bytes (fixed) or 8
/// bytes (descriptor), and [`ParseError::InvalidField`] for a response code other than
/// 70h–73h.
///
/// Spec: SPC-4 §4.5 (reference `mmc.md` §3.1, §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenseData<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> SenseData<B> {
    /// Wraps `buffer` without checking it (getters may panic on short or odd buffers).
    pub fn new_unchecked(buffer: B) -> SenseData<B> {
        SenseData { buffer }
    }

    /// Wraps `buffer` after checking the response code and the minimum length.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<SenseData<B>, ParseError> {
        let s = SenseData { buffer };
        s.check_len()?;
        Ok(s)
    }

    /// Checks the response code and length (what [`Self::new_checked`] does).
    ///
    /// # Errors
    /// See the type.
    pub fn check_len(&self) -> Result<(), ParseError> {
        let b = self.buffer.as_ref();
        let Some(&b0) = b.first() else {
            return Err(ParseError::Truncated {
                what: "sense data",
                need: desc::HEADER_LEN,
                got: 0,
            });
        };
        let need = match b0 & 0x7F {
            0x70 | 0x71 => fixed::MIN_LEN,
            0x72 | 0x73 => desc::HEADER_LEN,
            code => {
                return Err(ParseError::InvalidField {
                    what: "sense data response code",
                    byte: 0,
                    value: u32::from(code),
                })
            }
        };
        if b.len() < need {
            return Err(ParseError::Truncated {
                what: "sense data",
                need,
                got: b.len(),
            });
        }
        Ok(())
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    /// Response code, byte 0 bits 6–0 (70h, 71h, 72h or 73h).
    pub fn response_code(&self) -> u8 {
        self.buffer.as_ref()[fixed::RESPONSE_CODE] & 0x7F
    }

    /// Descriptor format (72h/73h) rather than fixed (70h/71h).
    pub fn is_descriptor_format(&self) -> bool {
        matches!(self.response_code(), 0x72 | 0x73)
    }

    /// Deferred error (71h/73h): the error belongs to an earlier command (buffered WRITE,
    /// Immed operation).
    pub fn is_deferred(&self) -> bool {
        matches!(self.response_code(), 0x71 | 0x73)
    }

    /// Additional sense length, byte 7 (bytes following byte 7).
    pub fn additional_sense_length(&self) -> u8 {
        self.buffer.as_ref()[fixed::ADDITIONAL_LENGTH]
    }

    /// The bytes the sense data defines: the buffer cut at `8 + additional length`.
    fn valid(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        let end = b.len().min(8 + usize::from(self.additional_sense_length()));
        &b[..end]
    }

    /// Sense key, ASC and ASCQ.
    pub fn sense(&self) -> Sense {
        let b = self.buffer.as_ref();
        if self.is_descriptor_format() {
            Sense::new(
                SenseKey::from(b[desc::KEY] & 0x0F),
                b[desc::ASC],
                b[desc::ASCQ],
            )
        } else {
            Sense::new(
                SenseKey::from(b[fixed::KEY] & 0x0F),
                b[fixed::ASC],
                b[fixed::ASCQ],
            )
        }
    }

    /// INFORMATION (e.g. the failing LBA): fixed format when VALID (byte 0 bit 7) is set;
    /// descriptor format from an information descriptor (00h) with VALID set, low 32 bits.
    #[doc(alias = "INFORMATION")]
    pub fn information(&self) -> Option<u32> {
        let b = self.buffer.as_ref();
        if self.is_descriptor_format() {
            let d = self.descriptor(desc::TYPE_INFORMATION)?;
            // [type, 0Ah, VALID, rsvd, information 8 bytes]
            if d.len() < 12 || d[2] & 0x80 == 0 {
                return None;
            }
            Some(be32(d, 8))
        } else if b[0] & 0x80 != 0 {
            Some(be32(b, fixed::INFORMATION))
        } else {
            None
        }
    }

    /// Command-specific information, fixed-format bytes 8–11 (`None` for descriptor format or
    /// when absent).
    pub fn command_specific_information(&self) -> Option<u32> {
        if self.is_descriptor_format() {
            return None;
        }
        crate::wire::opt_be32(self.valid(), fixed::COMMAND_SPECIFIC)
    }

    /// Field replaceable unit code, fixed-format byte 14 (`None` when absent).
    pub fn field_replaceable_unit_code(&self) -> Option<u8> {
        if self.is_descriptor_format() {
            return None;
        }
        self.valid().get(fixed::FRU).copied()
    }

    /// The sense-key specific field when SKSV = 1, interpreted by the sense key (progress for
    /// NOT READY / NO SENSE, field pointer for ILLEGAL REQUEST, raw otherwise).
    pub fn sense_key_specific(&self) -> Option<SenseKeySpecific> {
        let raw: [u8; 3] = if self.is_descriptor_format() {
            let d = self.descriptor(desc::TYPE_SKS)?;
            d.get(4..7)?.try_into().ok()?
        } else {
            self.valid()
                .get(fixed::SKS..fixed::SKS + 3)?
                .try_into()
                .ok()?
        };
        SenseKeySpecific::from_bytes(self.sense().key, raw)
    }

    /// Progress indication (fraction of 65536) when the sense-key specific field holds one.
    pub fn progress(&self) -> Option<u16> {
        match self.sense_key_specific()? {
            SenseKeySpecific::Progress(p) => Some(p),
            _ => None,
        }
    }

    /// Descriptors of descriptor-format sense, each `[type, length, …]` (whole descriptor);
    /// stops at the first truncated one. Empty for fixed format.
    pub fn descriptors(&self) -> SenseDescriptors<'_> {
        let rest = if self.is_descriptor_format() {
            self.valid().get(desc::HEADER_LEN..).unwrap_or(&[])
        } else {
            &[]
        };
        SenseDescriptors { rest }
    }

    fn descriptor(&self, kind: u8) -> Option<&[u8]> {
        self.descriptors().find(|d| d[0] == kind)
    }

    /// Builds 18 bytes of fixed-format current sense (70h; VALID set when `information` is
    /// given; additional length 10; SKSV set when `sks` is given).
    ///
    /// Call as `SenseData::<&[u8]>::emit_fixed(…)`; the buffer type plays no part.
    ///
    /// Shape: see the type. Spec: SPC-4 §4.5.3 (reference `mmc.md` §3.1).
    pub fn emit_fixed(
        sense: Sense,
        information: Option<u32>,
        sks: Option<SenseKeySpecific>,
    ) -> [u8; 18] {
        let mut b = [0u8; fixed::LEN];
        b[fixed::RESPONSE_CODE] = 0x70 | if information.is_some() { 0x80 } else { 0 };
        b[fixed::KEY] = u8::from(sense.key) & 0x0F;
        put32(&mut b, fixed::INFORMATION, information.unwrap_or(0));
        b[fixed::ADDITIONAL_LENGTH] = (fixed::LEN - 8) as u8;
        b[fixed::ASC] = sense.asc;
        b[fixed::ASCQ] = sense.ascq;
        if let Some(sks) = sks {
            b[fixed::SKS..fixed::SKS + 3].copy_from_slice(&sks.to_bytes());
        }
        b
    }

    /// Builds descriptor-format current sense (72h): the 8-byte header, then an information
    /// descriptor (00h, 12 bytes, VALID set, value zero-extended to 8 bytes) when
    /// `information` is given, then a sense-key specific descriptor (02h, 8 bytes) when `sks`
    /// is given. Call as `SenseData::<&[u8]>::emit_descriptor(…)`.
    ///
    /// Spec: SPC-4 §4.5.2 (reference `mmc.md` §3.2).
    pub fn emit_descriptor(
        sense: Sense,
        information: Option<u32>,
        sks: Option<SenseKeySpecific>,
    ) -> Vec<u8> {
        let mut b = vec![0u8; desc::HEADER_LEN];
        b[0] = 0x72;
        b[desc::KEY] = u8::from(sense.key) & 0x0F;
        b[desc::ASC] = sense.asc;
        b[desc::ASCQ] = sense.ascq;
        if let Some(info) = information {
            let mut d = [0u8; 12];
            d[0] = desc::TYPE_INFORMATION;
            d[1] = 0x0A;
            d[2] = 0x80;
            put32(&mut d, 8, info);
            b.extend_from_slice(&d);
        }
        if let Some(sks) = sks {
            let mut d = [0u8; 8];
            d[0] = desc::TYPE_SKS;
            d[1] = 0x06;
            d[4..7].copy_from_slice(&sks.to_bytes());
            b.extend_from_slice(&d);
        }
        let additional = b.len() - desc::HEADER_LEN;
        b[desc::ADDITIONAL_LENGTH] = additional as u8;
        b
    }
}

/// Iterator over the descriptors of descriptor-format sense data (see
/// [`SenseData::descriptors`]). Each item is a whole descriptor, at least 2 bytes long, with
/// its declared length fully present.
#[derive(Debug, Clone)]
pub struct SenseDescriptors<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for SenseDescriptors<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let len = 2 + usize::from(*self.rest.get(1)?);
        if self.rest.len() < len {
            self.rest = &[];
            return None;
        }
        let (d, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(d)
    }
}

impl SenseKeySpecific {
    /// Progress for a fraction `done / total` (clamped to 0..=65535; `total` 0 gives 0).
    pub fn progress_of(done: u64, total: u64) -> SenseKeySpecific {
        if total == 0 {
            return SenseKeySpecific::Progress(0);
        }
        let v = (u128::from(done.min(total)) * 65536 / u128::from(total)).min(65535);
        SenseKeySpecific::Progress(v as u16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 18-byte fixed sense, NOT READY 2/04/07 with a progress indication of 8000h.
    const FIXED_PROGRESS: [u8; 18] = [
        0x70, // B0: VALID=0, response code 70h (current)
        0x00, // B1: obsolete
        0x02, // B2: sense key 2 NOT READY
        0x00, 0x00, 0x00, 0x00, // B3-6: INFORMATION (not valid)
        0x0A, // B7: additional sense length 10
        0x00, 0x00, 0x00, 0x00, // B8-11: command-specific information
        0x04, // B12: ASC 04h
        0x07, // B13: ASCQ 07h operation in progress
        0x00, // B14: FRU
        0x80, // B15: SKSV=1
        0x80, 0x00, // B16-17: progress 8000h = 50 %
    ];

    #[test]
    fn sense_data_fixed_progress_parses_key_and_progress() {
        let s = SenseData::new_checked(&FIXED_PROGRESS[..]).unwrap();
        assert_eq!(s.response_code(), 0x70);
        assert!(!s.is_descriptor_format());
        assert!(!s.is_deferred());
        assert_eq!(s.sense(), Sense::OPERATION_IN_PROGRESS);
        assert_eq!(s.information(), None);
        assert_eq!(s.progress(), Some(0x8000));
        assert_eq!(
            s.sense_key_specific(),
            Some(SenseKeySpecific::Progress(0x8000))
        );
        assert_eq!(s.field_replaceable_unit_code(), Some(0));
        assert_eq!(s.command_specific_information(), Some(0));
    }

    #[test]
    fn sense_data_fixed_illegal_request_gives_field_pointer_and_information() {
        let bytes = [
            0xF1, // B0: VALID=1, response code 71h (deferred)
            0x00, // B1: obsolete
            0x05, // B2: sense key 5 ILLEGAL REQUEST
            0xFF, 0xFF, 0xFF, 0x6A, // B3-6: INFORMATION = FFFFFF6Ah (LBA -150)
            0x0A, // B7: additional length 10
            0x00, 0x00, 0x00, 0x00, // B8-11
            0x24, // B12: ASC 24h
            0x00, // B13: ASCQ 00h
            0x00, // B14: FRU
            0xCD, // B15: SKSV=1, C/D=1 (CDB), BPV=1, bit pointer 5
            0x00, 0x01, // B16-17: field pointer byte 1
        ];
        let s = SenseData::new_checked(&bytes[..]).unwrap();
        assert!(s.is_deferred());
        assert_eq!(s.sense(), Sense::INVALID_FIELD_IN_CDB);
        assert_eq!(s.information(), Some(0xFFFF_FF6A));
        assert_eq!(
            s.sense_key_specific(),
            Some(SenseKeySpecific::FieldPointer {
                in_cdb: true,
                bit: Some(5),
                byte: 1
            })
        );
        assert_eq!(s.progress(), None);
    }

    #[test]
    fn sense_data_short_fixed_tail_fields_are_none() {
        // 14 bytes: header through ASCQ only (as some ATAPI drives return).
        let bytes = [
            0x70, 0x00, // B0 response code, B1
            0x02, // B2: NOT READY
            0x00, 0x00, 0x00, 0x00, // B3-6
            0x06, // B7: additional length 6
            0x00, 0x00, 0x00, 0x00, // B8-11
            0x3A, 0x00, // B12-13: 3A/00
        ];
        let s = SenseData::new_checked(&bytes[..]).unwrap();
        assert_eq!(s.sense(), Sense::MEDIUM_NOT_PRESENT);
        assert_eq!(s.field_replaceable_unit_code(), None);
        assert_eq!(s.sense_key_specific(), None);
        assert_eq!(s.progress(), None);
    }

    #[test]
    fn sense_data_additional_length_cuts_sense_key_specific() {
        let mut bytes = FIXED_PROGRESS;
        bytes[7] = 6; // B7: additional length 6 → bytes 14.. are not defined
        let s = SenseData::new_checked(&bytes[..]).unwrap();
        assert_eq!(s.sense(), Sense::OPERATION_IN_PROGRESS);
        assert_eq!(s.progress(), None);
    }

    #[test]
    fn sense_data_too_short_or_bad_code_is_rejected() {
        assert_eq!(
            SenseData::new_checked(&FIXED_PROGRESS[..13]).unwrap_err(),
            ParseError::Truncated {
                what: "sense data",
                need: 14,
                got: 13
            }
        );
        assert!(SenseData::new_checked(&[][..]).is_err());
        assert_eq!(
            SenseData::new_checked(&[0x00u8; 18][..]).unwrap_err(),
            ParseError::InvalidField {
                what: "sense data response code",
                byte: 0,
                value: 0
            }
        );
        assert!(SenseData::new_checked(&[0x72u8, 0, 0, 0, 0, 0, 0][..]).is_err());
    }

    #[test]
    fn sense_data_descriptor_format_parses_descriptors() {
        let bytes = [
            0x72, // B0: response code 72h (current, descriptor format)
            0x03, // B1: sense key 3 MEDIUM ERROR
            0x0C, // B2: ASC 0Ch
            0x00, // B3: ASCQ 00h
            0x00, 0x00, 0x00, // B4-6 reserved
            0x14, // B7: additional length 20 = 12 + 8
            // information descriptor
            0x00, // type 00h
            0x0A, // additional length 10
            0x80, // VALID
            0x00, // reserved
            0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x23, 0x45, // INFORMATION = 12345h
            // sense-key specific descriptor
            0x02, // type 02h
            0x06, // additional length 6
            0x00, 0x00, // reserved
            0x80, 0x00, 0x03, // SKSV=1, raw bytes (actual retry count 3 for MEDIUM ERROR)
            0x00, // reserved
        ];
        let s = SenseData::new_checked(&bytes[..]).unwrap();
        assert!(s.is_descriptor_format());
        assert_eq!(s.sense(), Sense::WRITE_ERROR);
        assert_eq!(s.information(), Some(0x12345));
        assert_eq!(
            s.sense_key_specific(),
            Some(SenseKeySpecific::Raw([0x00, 0x00, 0x03]))
        );
        assert_eq!(s.descriptors().count(), 2);
        assert_eq!(s.field_replaceable_unit_code(), None);
    }

    #[test]
    fn sense_data_descriptor_truncated_descriptor_is_skipped() {
        let bytes = [
            0x72, 0x02, 0x04, 0x04, // B0-3: 72h, NOT READY, 04/04
            0x00, 0x00, 0x00, // B4-6
            0x08, // B7: additional length 8 (claims a full SKS descriptor)
            0x02, 0x06, 0x00, 0x00, 0x80, // SKS descriptor cut after 5 of 8 bytes
        ];
        let s = SenseData::new_checked(&bytes[..]).unwrap();
        assert_eq!(s.sense(), Sense::FORMAT_IN_PROGRESS);
        assert_eq!(s.descriptors().count(), 0);
        assert_eq!(s.progress(), None);
    }

    #[test]
    fn sense_emit_fixed_writes_spc_layout() {
        let b = SenseData::<&[u8]>::emit_fixed(
            Sense::INVALID_FIELD_IN_CDB,
            Some(0x0000_1000),
            Some(SenseKeySpecific::cdb_field(2, Some(3))),
        );
        let expected = [
            0xF0, // B0: VALID | 70h
            0x00, // B1
            0x05, // B2: ILLEGAL REQUEST
            0x00, 0x00, 0x10, 0x00, // B3-6: information 1000h
            0x0A, // B7: additional length 10
            0x00, 0x00, 0x00, 0x00, // B8-11
            0x24, 0x00, // B12-13: 24/00
            0x00, // B14: FRU
            0xCB, // B15: SKSV | C/D | BPV | bit 3
            0x00, 0x02, // B16-17: byte 2
        ];
        assert_eq!(b, expected);
    }

    #[test]
    fn sense_emit_fixed_without_extras_leaves_valid_and_sksv_clear() {
        let b = SenseData::<&[u8]>::emit_fixed(Sense::MEDIUM_NOT_PRESENT_TRAY_OPEN, None, None);
        let expected = [
            0x70, 0x00, 0x02, // B0 70h, B1, B2 NOT READY
            0x00, 0x00, 0x00, 0x00, // B3-6
            0x0A, // B7
            0x00, 0x00, 0x00, 0x00, // B8-11
            0x3A, 0x02, // B12-13
            0x00, 0x00, 0x00, 0x00, // B14-17
        ];
        assert_eq!(b, expected);
    }

    #[test]
    fn sense_emit_descriptor_writes_spc_layout() {
        let b = SenseData::<&[u8]>::emit_descriptor(
            Sense::FORMAT_IN_PROGRESS,
            Some(7),
            Some(SenseKeySpecific::Progress(0x1234)),
        );
        let expected = vec![
            0x72, 0x02, 0x04, 0x04, // B0 72h, B1 NOT READY, B2-3 04/04
            0x00, 0x00, 0x00, // B4-6 reserved
            0x14, // B7: 20 bytes of descriptors
            0x00, 0x0A, 0x80, 0x00, // information descriptor header, VALID
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, // information 7
            0x02, 0x06, 0x00, 0x00, // SKS descriptor header
            0x80, 0x12, 0x34, // SKSV, progress 1234h
            0x00, // reserved
        ];
        assert_eq!(b, expected);
        let s = SenseData::new_checked(&b[..]).unwrap();
        assert_eq!(s.progress(), Some(0x1234));
        assert_eq!(s.information(), Some(7));
    }

    #[test]
    fn sense_display_shows_code_and_text() {
        assert_eq!(
            Sense::MEDIUM_NOT_PRESENT.to_string(),
            "2/3A/00 MEDIUM NOT PRESENT"
        );
        assert_eq!(
            Sense::new(SenseKey::IllegalRequest, 0x99, 0x42).to_string(),
            "5/99/42"
        );
        assert_eq!(Sense::LONG_WRITE_IN_PROGRESS.packed(), 0x20408);
    }

    #[test]
    fn sense_constants_match_contract_values() {
        let table: &[(Sense, u8, u8, u8)] = &[
            (Sense::NO_SENSE, 0, 0x00, 0x00),
            (Sense::NOT_READY_CAUSE_NOT_REPORTABLE, 2, 0x04, 0x00),
            (Sense::INCOMPATIBLE_MEDIUM_NOT_READY, 2, 0x30, 0x00),
            (Sense::LOSS_OF_STREAMING, 3, 0x0C, 0x09),
            (Sense::PMA_FULL, 3, 0x73, 0x05),
            (Sense::INTERNAL_TARGET_FAILURE, 4, 0x44, 0x00),
            (Sense::MEDIUM_NOT_FORMATTED, 5, 0x30, 0x10),
            (Sense::NO_MORE_TRACK_RESERVATIONS_ALLOWED, 5, 0x72, 0x05),
            (Sense::MODE_PARAMETERS_CHANGED, 6, 0x2A, 0x01),
            (Sense::WRITE_PROTECTED, 7, 0x27, 0x00),
        ];
        for &(s, k, asc, ascq) in table {
            assert_eq!((u8::from(s.key), s.asc, s.ascq), (k, asc, ascq), "{s}");
            assert!(s.description().is_some(), "{s:?} has no text");
        }
    }

    #[test]
    fn sense_key_specific_round_trips_through_bytes() {
        for sks in [
            SenseKeySpecific::Progress(0xFFFF),
            SenseKeySpecific::parameter_field(300, None),
            SenseKeySpecific::cdb_field(9, Some(7)),
        ] {
            let key = match sks {
                SenseKeySpecific::Progress(_) => SenseKey::NotReady,
                _ => SenseKey::IllegalRequest,
            };
            assert_eq!(SenseKeySpecific::from_bytes(key, sks.to_bytes()), Some(sks));
        }
        assert_eq!(
            SenseKeySpecific::from_bytes(SenseKey::NotReady, [0x00, 1, 2]),
            None
        );
        assert_eq!(
            SenseKeySpecific::progress_of(1, 2),
            SenseKeySpecific::Progress(0x8000)
        );
        assert_eq!(
            SenseKeySpecific::progress_of(5, 5),
            SenseKeySpecific::Progress(0xFFFF)
        );
        assert_eq!(
            SenseKeySpecific::progress_of(0, 0),
            SenseKeySpecific::Progress(0)
        );
    }

    #[test]
    fn cdb_error_maps_to_sense() {
        let e = CdbError::InvalidField {
            byte: 2,
            bit: Some(2),
        };
        assert_eq!(e.sense(), Sense::INVALID_FIELD_IN_CDB);
        assert_eq!(
            e.sense_key_specific(),
            Some(SenseKeySpecific::cdb_field(2, Some(2)))
        );
        let e = CdbError::Opcode {
            expected: 0x2A,
            found: 0xFF,
        };
        assert_eq!(e.sense(), Sense::INVALID_COMMAND_OPERATION_CODE);
        assert_eq!(e.sense_key_specific(), None);
    }
}
