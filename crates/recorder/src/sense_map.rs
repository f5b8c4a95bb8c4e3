//! One table from sense key/ASC/ASCQ (and the command) to an IMAPI code and what to do.
//!
//! Rows are matched in order; the first match wins. `asc`/`ascq` `None` matches any value;
//! `opcode` `None` matches any command. Sources: `mmc.md` §3.4 (meanings and host reactions of
//! libburn, growisofs, cdrecord) and `imapi2.md` §4.2 (code meanings).

use discmaster_core::ErrorCode;
use discmaster_mmc::{Sense, SenseKey};

/// What the executor does with a CHECK CONDITION.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Give up: return the error.
    Fail,
    /// Re-send the command at once (UNIT ATTENTION; bounded).
    Retry,
    /// Wait and re-send (NOT READY, long operation in progress; bounded by the timeout).
    Poll,
    /// The command succeeded with a recovered error; log and continue.
    Warn,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct SenseRule {
    /// Sense key.
    pub key: SenseKey,
    /// ASC, `None` = any.
    pub asc: Option<u8>,
    /// ASCQ, `None` = any.
    pub ascq: Option<u8>,
    /// Opcode the row is limited to, `None` = any command.
    pub opcode: Option<u8>,
    /// Resulting code.
    pub code: ErrorCode,
    /// Resulting disposition.
    pub disposition: Disposition,
}

const fn rule(
    key: SenseKey,
    asc: Option<u8>,
    ascq: Option<u8>,
    opcode: Option<u8>,
    code: ErrorCode,
    disposition: Disposition,
) -> SenseRule {
    SenseRule {
        key,
        asc,
        ascq,
        opcode,
        code,
        disposition,
    }
}

use Disposition::*;
use SenseKey::*;

const MODE_SENSE_10: u8 = 0x5A;
const MODE_SELECT_10: u8 = 0x55;
const GET_CONFIGURATION: u8 = 0x46;
const READ_DISC_STRUCTURE: u8 = 0xAD;

/// The table, first match wins.
pub const SENSE_RULES: &[SenseRule] = &[
    // Command-specific rows first.
    rule(
        IllegalRequest,
        Some(0x24),
        Some(0x00),
        Some(MODE_SENSE_10),
        ErrorCode::E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE,
        Fail,
    ),
    rule(
        IllegalRequest,
        Some(0x26),
        None,
        Some(MODE_SELECT_10),
        ErrorCode::E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS,
        Fail,
    ),
    rule(
        IllegalRequest,
        Some(0x1A),
        Some(0x00),
        Some(MODE_SELECT_10),
        ErrorCode::E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS,
        Fail,
    ),
    rule(
        IllegalRequest,
        Some(0x20),
        Some(0x00),
        Some(GET_CONFIGURATION),
        ErrorCode::E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED,
        Fail,
    ),
    rule(
        IllegalRequest,
        Some(0x24),
        Some(0x00),
        Some(READ_DISC_STRUCTURE),
        ErrorCode::E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT,
        Fail,
    ),
    // Not ready.
    rule(
        NotReady,
        Some(0x3A),
        None,
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
        Fail,
    ),
    rule(
        NotReady,
        Some(0x04),
        Some(0x00),
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        Poll,
    ),
    rule(
        NotReady,
        Some(0x04),
        Some(0x01),
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        Poll,
    ),
    rule(
        NotReady,
        Some(0x04),
        Some(0x04),
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS,
        Poll,
    ),
    rule(
        NotReady,
        Some(0x04),
        Some(0x07),
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_BUSY,
        Poll,
    ),
    rule(
        NotReady,
        Some(0x04),
        Some(0x08),
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_BUSY,
        Poll,
    ),
    rule(
        NotReady,
        Some(0x30),
        None,
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        Fail,
    ),
    rule(
        NotReady,
        Some(0x06),
        None,
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        Fail,
    ),
    // Unit attention: medium changed, reset, parameters changed — re-send.
    rule(
        UnitAttention,
        Some(0x28),
        None,
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        Retry,
    ),
    rule(
        UnitAttention,
        Some(0x29),
        None,
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        Retry,
    ),
    rule(
        UnitAttention,
        Some(0x2A),
        None,
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        Retry,
    ),
    // Medium and write errors.
    rule(
        MediumError,
        Some(0x0C),
        Some(0x09),
        None,
        ErrorCode::E_IMAPI_LOSS_OF_STREAMING,
        Fail,
    ),
    rule(
        IllegalRequest,
        Some(0x30),
        None,
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        Fail,
    ),
    rule(
        IllegalRequest,
        Some(0x20),
        Some(0x00),
        None,
        ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
        Fail,
    ),
    rule(
        DataProtect,
        Some(0x27),
        None,
        None,
        ErrorCode::E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED,
        Fail,
    ),
    rule(RecoveredError, None, None, None, ErrorCode::S_OK, Warn),
];

/// The code and disposition for `sense` returned by the command with `opcode`.
/// Unlisted combinations are `E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE` / Fail.
pub fn classify(opcode: u8, sense: Sense) -> (ErrorCode, Disposition) {
    SENSE_RULES
        .iter()
        .find(|r| {
            r.key == sense.key
                && r.asc.is_none_or(|a| a == sense.asc)
                && r.ascq.is_none_or(|q| q == sense.ascq)
                && r.opcode.is_none_or(|o| o == opcode)
        })
        .map(|r| (r.code, r.disposition))
        .unwrap_or((
            ErrorCode::E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE,
            Disposition::Fail,
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(key: SenseKey, asc: u8, ascq: u8) -> Sense {
        Sense::new(key, asc, ascq)
    }

    #[test]
    fn sense_no_medium_maps_to_no_media_fail() {
        assert_eq!(
            classify(0x00, Sense::MEDIUM_NOT_PRESENT),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA, Fail)
        );
        assert_eq!(
            classify(0x28, s(NotReady, 0x3A, 0x02)),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA, Fail)
        );
    }

    #[test]
    fn sense_not_ready_in_progress_polls() {
        assert_eq!(
            classify(0x00, s(NotReady, 4, 0)),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_BECOMING_READY, Poll)
        );
        assert_eq!(
            classify(0x00, Sense::BECOMING_READY),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_BECOMING_READY, Poll)
        );
        assert_eq!(
            classify(0x00, Sense::FORMAT_IN_PROGRESS),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS, Poll)
        );
        assert_eq!(
            classify(0x00, Sense::OPERATION_IN_PROGRESS),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_BUSY, Poll)
        );
        assert_eq!(
            classify(0x2A, Sense::LONG_WRITE_IN_PROGRESS),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_BUSY, Poll)
        );
    }

    #[test]
    fn sense_incompatible_medium_fails() {
        assert_eq!(
            classify(0x00, s(NotReady, 0x30, 0)),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE, Fail)
        );
        assert_eq!(
            classify(0x00, s(NotReady, 0x06, 0)),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE, Fail)
        );
        assert_eq!(
            classify(0x2A, Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE, Fail)
        );
    }

    #[test]
    fn sense_unit_attention_retries() {
        assert_eq!(classify(0x00, Sense::NOT_READY_TO_READY_CHANGE).1, Retry);
        assert_eq!(classify(0x00, Sense::POWER_ON_RESET).1, Retry);
        assert_eq!(classify(0x00, Sense::MODE_PARAMETERS_CHANGED).1, Retry);
    }

    #[test]
    fn sense_mode_page_rows_depend_on_command() {
        assert_eq!(
            classify(0x5A, Sense::INVALID_FIELD_IN_CDB),
            (ErrorCode::E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE, Fail)
        );
        assert_eq!(
            classify(0x55, Sense::INVALID_FIELD_IN_PARAMETER_LIST),
            (ErrorCode::E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS, Fail)
        );
        assert_eq!(
            classify(0x55, Sense::PARAMETER_LIST_LENGTH_ERROR),
            (ErrorCode::E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS, Fail)
        );
        // The same sense on another command is not a mode-page error.
        assert_eq!(
            classify(0x2A, Sense::INVALID_FIELD_IN_CDB),
            (ErrorCode::E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE, Fail)
        );
    }

    #[test]
    fn sense_get_configuration_unsupported() {
        assert_eq!(
            classify(0x46, Sense::INVALID_COMMAND_OPERATION_CODE),
            (
                ErrorCode::E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED,
                Fail
            )
        );
        assert_eq!(
            classify(0x53, Sense::INVALID_COMMAND_OPERATION_CODE),
            (
                ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
                Fail
            )
        );
    }

    #[test]
    fn sense_dvd_structure_absent() {
        assert_eq!(
            classify(0xAD, Sense::INVALID_FIELD_IN_CDB),
            (ErrorCode::E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT, Fail)
        );
    }

    #[test]
    fn sense_write_errors() {
        assert_eq!(
            classify(0x2A, Sense::LOSS_OF_STREAMING),
            (ErrorCode::E_IMAPI_LOSS_OF_STREAMING, Fail)
        );
        assert_eq!(
            classify(0x2A, Sense::WRITE_PROTECTED),
            (ErrorCode::E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED, Fail)
        );
        assert_eq!(
            classify(0x2A, Sense::INVALID_ADDRESS_FOR_WRITE),
            (ErrorCode::E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE, Fail)
        );
    }

    #[test]
    fn sense_recovered_error_warns() {
        assert_eq!(
            classify(0x54, s(RecoveredError, 0x73, 0x01)),
            (ErrorCode::S_OK, Warn)
        );
    }
}
