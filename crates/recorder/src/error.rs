//! The public error type. Every variant carries an IMAPI2-style [`ErrorCode`]; Display is one
//! line (code, command, sense); `{:#}` adds the cause chain.

use discmaster_core::{ErrorCode, Lba};
use discmaster_mmc::Sense;

/// A discmaster failure.
///
/// Codes follow IMAPI2 where the meaning matches (`imapi2.md` §4), else `0xC0AA_Fxxx`
/// (`docs/error-codes.md`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The drive answered CHECK CONDITION and the sense table says fail.
    #[error("{code}: {command} failed with sense {sense}{}", lba_suffix(*.lba))]
    Command {
        /// Mapped code (sense table, `sense_map.rs`).
        code: ErrorCode,
        /// T10 command name.
        command: &'static str,
        /// Sense key/ASC/ASCQ.
        sense: Sense,
        /// The LBA involved, when known.
        lba: Option<Lba>,
    },
    /// The command could not be delivered (timeout, device gone, host IO).
    #[error("{code}: {command}: {source}")]
    Transport {
        /// E_IMAPI_RECORDER_COMMAND_TIMEOUT, ERROR_DEV_NOT_EXIST, E_IMAPI_RECORDER_LOCKED or E_DISCMASTER_TRANSPORT.
        code: ErrorCode,
        /// T10 command name.
        command: &'static str,
        /// What the transport said.
        #[source]
        source: discmaster_transport::TransportError,
    },
    /// The drive returned bytes that do not parse.
    #[error("{code}: {command}: malformed response: {source}")]
    InvalidResponse {
        /// E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE.
        code: ErrorCode,
        /// T10 command name.
        command: &'static str,
        /// Why it does not parse.
        #[source]
        source: discmaster_mmc::ParseError,
    },
    /// A request refused before anything on the medium changed (bad input, wrong medium,
    /// closed disc, image too large, …).
    #[error("{code}: {reason}")]
    Refused {
        /// The IMAPI code of the refusal.
        code: ErrorCode,
        /// What is wrong, in words.
        reason: String,
    },
    /// A host file could not be read or written.
    #[error("{code}: {path}: {source}")]
    Io {
        /// E_DISCMASTER_IO.
        code: ErrorCode,
        /// The file involved.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The write was cancelled; `state` says what the medium holds now.
    #[error("{code}: write cancelled; {state}")]
    Cancelled {
        /// E_IMAPI_REQUEST_CANCELLED.
        code: ErrorCode,
        /// The state the medium was left in.
        state: String,
    },
    /// A write failed part-way; `state` says what the medium holds now.
    #[error("{code}: {cause}; {state}")]
    WriteFailed {
        /// The code of the failure that stopped the write.
        code: ErrorCode,
        /// The failure.
        cause: Box<Error>,
        /// The state the medium was left in.
        state: String,
    },
    /// Read-back data differs from the source.
    #[error("{code}: read-back of LBA {lba} differs from the image (sectors {first_sector}..{end_sector} of the image)")]
    VerifyMismatch {
        /// E_IMAPI_BURN_VERIFICATION_FAILED.
        code: ErrorCode,
        /// First LBA of the chunk that differs.
        lba: Lba,
        /// Image sector range of that chunk.
        first_sector: u64,
        /// End (exclusive).
        end_sector: u64,
    },
    /// The emulated drive could not be opened or changed.
    #[error("{code}: emulated drive: {source}")]
    Emulator {
        /// E_IMAPI_RECORDER_LOCKED when locked, else E_DISCMASTER_IO.
        code: ErrorCode,
        /// What the emulator said.
        #[source]
        source: discmaster_emu::EmuError,
    },
}

fn lba_suffix(lba: Option<Lba>) -> String {
    match lba {
        Some(l) => format!(" at LBA {l}"),
        None => String::new(),
    }
}

impl Error {
    /// The IMAPI2-style code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Command { code, .. }
            | Error::Transport { code, .. }
            | Error::InvalidResponse { code, .. }
            | Error::Refused { code, .. }
            | Error::Io { code, .. }
            | Error::Cancelled { code, .. }
            | Error::WriteFailed { code, .. }
            | Error::VerifyMismatch { code, .. }
            | Error::Emulator { code, .. } => *code,
        }
    }

    /// A refusal with `code` and a reason.
    pub(crate) fn refused(code: ErrorCode, reason: impl Into<String>) -> Error {
        Error::Refused {
            code,
            reason: reason.into(),
        }
    }

    /// A host IO failure on `path`.
    pub(crate) fn io(path: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            code: ErrorCode::E_DISCMASTER_IO,
            path: path.into(),
            source,
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
