//! Core types shared by every discmaster crate: logical block addresses ([`Lba`]), CD time
//! ([`Msf`]), block counts, the IMAPI2 error-code registry ([`ErrorCode`]) and the injected
//! [`Clock`].
//!
//! Invariants: nothing here does IO; every conversion that can overflow returns `Option`.
#![forbid(unsafe_code)]

mod clock;
mod codes;
mod docs;
mod units;

pub use clock::{Clock, SystemClock, VirtualClock};
pub use codes::REGISTRY;
pub use docs::error_codes_markdown;
pub use units::{BlockCount, Lba, Msf, SECTOR_SIZE};

/// An IMAPI2-style HRESULT: bit 31 = failure, facility 0xAA for IMAPI2, low 16 bits the code.
///
/// Shape: `u32`, printed as `0xC0AA0202`. Open set: the registered values are associated
/// consts (e.g. [`ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA`] = `0xC0AA0202`); an unknown value
/// still round-trips.
///
/// Spec: IMAPI2 `imapi2error.h` (reference `imapi2.md` §0.2, §4).
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ErrorCode(pub u32);

impl ErrorCode {
    /// The registered name (`"E_IMAPI_RECORDER_MEDIA_NO_MEDIA"`), or `None` for an unregistered value.
    pub fn name(self) -> Option<&'static str> {
        REGISTRY
            .iter()
            .find(|(c, _, _)| *c == self)
            .map(|(_, n, _)| *n)
    }

    /// The registered one-line meaning, or `None`.
    pub fn meaning(self) -> Option<&'static str> {
        REGISTRY
            .iter()
            .find(|(c, _, _)| *c == self)
            .map(|(_, _, m)| *m)
    }

    /// Looks a code up by its registered name.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        REGISTRY
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(c, _, _)| *c)
    }

    /// `FAILED(hr)`: bit 31 set. Success codes such as `S_IMAPI_SPEEDADJUSTED` are not failures.
    pub fn is_failure(self) -> bool {
        self.0 & 0x8000_0000 != 0
    }
}

impl std::fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} (0x{:08X})", self.0),
            None => write!(f, "0x{:08X}", self.0),
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_sorted_and_unique() {
        for w in REGISTRY.windows(2) {
            assert!(w[0].0 < w[1].0, "{:?} !< {:?}", w[0].0, w[1].0);
        }
        let mut names: Vec<_> = REGISTRY.iter().map(|r| r.1).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), REGISTRY.len());
    }

    #[test]
    fn registry_header_values_match_reference() {
        // Values typed by hand from imapi2.md §4 (header values, §0.4 errata applied).
        assert_eq!(ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA.0, 0xC0AA_0202);
        assert_eq!(
            ErrorCode::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED.0,
            0xC0AA_0403
        );
        assert_eq!(
            ErrorCode::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA.0,
            0xC0AA_0404
        );
        assert_eq!(ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK.0, 0xC0AA_0606);
        assert_eq!(
            ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED.0,
            0xC0AA_0607
        );
        assert_eq!(ErrorCode::E_IMAPI_ERASE_RECORDER_IN_USE.0, 0x80AA_0900);
        assert_eq!(ErrorCode::E_INVALIDARG.0, 0x8007_0057);
        assert_eq!(
            ErrorCode::HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST.0,
            0x8007_0037
        );
        assert_eq!(ErrorCode::S_IMAPI_COMMAND_HAS_SENSE_DATA.0, 0x00AA_0200);
    }

    #[test]
    fn error_code_display_names_value() {
        assert_eq!(
            ErrorCode::E_IMAPI_RECORDER_LOCKED.to_string(),
            "E_IMAPI_RECORDER_LOCKED (0xC0AA0210)"
        );
        assert_eq!(ErrorCode(0xC0AA_0299).to_string(), "0xC0AA0299");
        assert!(!ErrorCode::S_IMAPI_SPEEDADJUSTED.is_failure());
        assert!(ErrorCode::E_IMAPI_REQUEST_CANCELLED.is_failure());
    }
}
