//! IMAPI `IDiscRecorder2Ex` on a [`Recorder`]: raw CDB passthrough with IMAPI's CDB-size
//! validation, mode pages without their header, feature pages and profiles, raw disc/track
//! information (`imapi2.md` §2.4, §5.1, §5.2).

use std::time::Duration;

use discmaster_core::ErrorCode;
use discmaster_mmc::commands::{
    GetConfiguration, ModeSelect10, ModeSense10, ReadDiscInformation, ReadTrackInformation,
};
use discmaster_mmc::features::{Configuration, ProfileList};
use discmaster_mmc::pages::{emit_mode_parameter_list, ModePages};
use discmaster_mmc::{
    Cdb, ConfigurationRequestType, FeatureCode, PageControl, Profile, TrackAddressType,
};
use discmaster_transport::{DataPhase, ScsiStatus};

use crate::error::{Error, Result};
use crate::executor::transport_error;
use crate::recorder::{invalid, Recorder};

/// Opcodes for which IMAPI checks only the 6..16-byte rule, not the group length
/// (early drives used them with other lengths; `imapi2.md` §5.1 rule 3).
pub const LEGACY_OPCODES: [u8; 22] = [
    0x02, 0x05, 0x06, 0x09, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x13, 0x14, 0x19, 0x20, 0x21, 0x22, 0x23,
    0x24, 0x26, 0x27, 0x29, 0x2C, 0x2D,
];

/// Checks a passthrough CDB as `IDiscRecorder2Ex::SendCommand*` does (`imapi2.md` §5.1):
/// 6..16 bytes; group 0 → 6, groups 1–2 → 10, group 4 → 16, group 5 → 12; groups 3, 6, 7 and
/// the [`LEGACY_OPCODES`] any length in 6..16.
///
/// # Errors
/// `E_INVALIDARG` (0x80070057) naming the rule that failed.
pub fn validate_cdb(cdb: &[u8]) -> Result<()> {
    let refuse = |why: String| Err(Error::refused(ErrorCode::E_INVALIDARG, why));
    if !(6..=16).contains(&cdb.len()) {
        return refuse(format!(
            "a CDB has 6 to 16 bytes; this one has {}",
            cdb.len()
        ));
    }
    let opcode = cdb[0];
    if LEGACY_OPCODES.contains(&opcode) {
        return Ok(());
    }
    match Cdb::length_for_opcode(opcode) {
        Some(len) if len != cdb.len() => refuse(format!(
            "opcode {opcode:02X}h is in SCSI group {} whose CDBs have {len} bytes; this one has {}",
            opcode >> 5,
            cdb.len()
        )),
        _ => Ok(()),
    }
}

/// What a passthrough command returned (IMAPI `SendCommand*` out parameters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawOutcome {
    /// `S_OK`, or the success code `S_IMAPI_COMMAND_HAS_SENSE_DATA` (0x00AA0200) when the device
    /// ended the command with CHECK CONDITION and returned sense.
    pub code: ErrorCode,
    /// SCSI status byte.
    pub status: ScsiStatus,
    /// Sense bytes, 18 (fixed format) when `code` is `S_IMAPI_COMMAND_HAS_SENSE_DATA`, else empty.
    pub sense: Vec<u8>,
    /// Data-in bytes actually transferred (`BufferFetched`); empty for other directions.
    pub data: Vec<u8>,
}

/// The data phase of a passthrough command.
#[derive(Debug, Clone, Copy)]
pub enum RawData<'a> {
    /// `SendCommandNoData`.
    None,
    /// `SendCommandSendDataToDevice` (must be non-empty).
    Out(&'a [u8]),
    /// `SendCommandGetDataFromDevice` with a buffer of this many bytes (≥ 1).
    In(usize),
}

impl Recorder {
    /// `SendCommandNoData` / `SendCommandSendDataToDevice` / `SendCommandGetDataFromDevice`:
    /// validates `cdb` ([`validate_cdb`]) and the buffer, sends it once with a timeout in
    /// **seconds**, and returns status, sense and data. A CHECK CONDITION is not an error: it
    /// returns `S_IMAPI_COMMAND_HAS_SENSE_DATA` with the sense bytes.
    ///
    /// # Errors
    /// `E_INVALIDARG` for a bad CDB length, an empty data buffer or a zero timeout (nothing is
    /// sent); `E_IMAPI_RECORDER_COMMAND_TIMEOUT`, `E_IMAPI_RECORDER_LOCKED`,
    /// `HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)` from the transport.
    pub fn send_command(
        &mut self,
        cdb: &[u8],
        data: RawData<'_>,
        timeout_seconds: u32,
    ) -> Result<RawOutcome> {
        validate_cdb(cdb)?;
        if timeout_seconds == 0 {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                "the timeout is 1 second or more",
            ));
        }
        let timeout = Duration::from_secs(u64::from(timeout_seconds));
        let mut buf = Vec::new();
        let phase = match data {
            RawData::None => DataPhase::None,
            RawData::Out([]) => {
                return Err(Error::refused(
                    ErrorCode::E_INVALIDARG,
                    "the data-out buffer is empty",
                ))
            }
            RawData::Out(b) => DataPhase::Out(b),
            RawData::In(0) => {
                return Err(Error::refused(
                    ErrorCode::E_INVALIDARG,
                    "the data-in buffer is empty",
                ))
            }
            RawData::In(n) if n > 0x7FFF_FFFF => {
                return Err(Error::refused(
                    ErrorCode::E_INVALIDARG,
                    "the data-in buffer exceeds 0x7FFFFFFF bytes",
                ))
            }
            RawData::In(n) => {
                buf = vec![0u8; n];
                DataPhase::In(&mut buf)
            }
        };
        let requested = phase.len();
        let name = discmaster_mmc::commands::command_name(cdb[0]).unwrap_or("passthrough command");
        let c = self
            .exec
            .raw(cdb, phase, timeout)
            .map_err(|e| transport_error(name, e))?;
        if matches!(data, RawData::In(_)) {
            buf.truncate(requested.saturating_sub(c.residual));
        }
        let has_sense = c.status == ScsiStatus::CHECK_CONDITION && !c.sense.is_empty();
        let mut sense = c.sense;
        if has_sense {
            sense.resize(18, 0);
        } else {
            sense.clear();
        }
        Ok(RawOutcome {
            code: if has_sense {
                ErrorCode::S_IMAPI_COMMAND_HAS_SENSE_DATA
            } else {
                ErrorCode::S_OK
            },
            status: c.status,
            sense,
            data: buf,
        })
    }

    /// `GetModePage`: MODE SENSE(10) of `page` with page control `request`; returns the page
    /// only (mode parameter header and block descriptors removed), ≤ 257 bytes.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE` (0xC0AA0201) when the drive rejects the page or
    /// returns another one; other drive errors.
    pub fn get_mode_page(&mut self, page: u8, request: PageControl) -> Result<Vec<u8>> {
        if page >= 0x3F {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                format!("mode page {page:02X}h is not a single page"),
            ));
        }
        let bytes = self.mode_sense(page, request)?;
        let pages = ModePages::new(&bytes).map_err(|e| invalid("MODE SENSE(10)", e))?;
        pages
            .into_iter()
            .find(|p| p.page_code() == page)
            .map(|p| p.as_bytes().to_vec())
            .ok_or_else(|| {
                Error::refused(
                    ErrorCode::E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE,
                    format!("the drive returned no mode page {page:02X}h ({request:?} values)"),
                )
            })
    }

    /// `GetSupportedModePages`: the page codes MODE SENSE page 3Fh returns for `request`.
    ///
    /// # Errors
    /// Drive errors.
    pub fn get_supported_mode_pages(&mut self, request: PageControl) -> Result<Vec<u8>> {
        let bytes = self.mode_sense(0x3F, request)?;
        let pages = ModePages::new(&bytes).map_err(|e| invalid("MODE SENSE(10)", e))?;
        Ok(pages.into_iter().map(|p| p.page_code()).collect())
    }

    fn mode_sense(&mut self, page: u8, request: PageControl) -> Result<Vec<u8>> {
        let alloc: u16 = 0xFFF8;
        let cmd = ModeSense10 {
            llbaa: false,
            dbd: true,
            page_control: request,
            page_code: page,
            subpage_code: 0,
            allocation_length: alloc,
        };
        self.exec.data_in(&cmd, usize::from(alloc))
    }

    /// `SetModePage`: MODE SELECT(10) with PF=1 of `page` (the page only; the 8-byte header is
    /// generated and prepended). `request` `Current` selects, `Saved` also saves (SP=1).
    ///
    /// # Errors
    /// `E_INVALIDARG` for `Changeable`/`Default` or a page shorter than its length byte says;
    /// `E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS` (0xC0AA0208) when the drive refuses the values.
    pub fn set_mode_page(&mut self, request: PageControl, page: &[u8]) -> Result<()> {
        let sp = match request {
            PageControl::Current => false,
            PageControl::Saved => true,
            other => {
                return Err(Error::refused(
                    ErrorCode::E_INVALIDARG,
                    format!("mode pages can be set as current or saved values, not {other:?}"),
                ))
            }
        };
        if page.len() < 2 || page.len() != usize::from(page[1]) + 2 || page.len() > 257 {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                format!(
                    "a mode page is its 2-byte header plus page-length bytes; got {} bytes",
                    page.len()
                ),
            ));
        }
        let list = emit_mode_parameter_list(&[page], true);
        let cmd = ModeSelect10 {
            pf: true,
            sp,
            parameter_list_length: list.len() as u16,
        };
        self.exec.data_out(&cmd, &list)
    }

    /// GET CONFIGURATION with request type `rt` from feature 0: the whole response (header and
    /// descriptors).
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED` when the drive lacks the command.
    pub fn get_configuration(
        &mut self,
        rt: ConfigurationRequestType,
        starting: FeatureCode,
    ) -> Result<Vec<u8>> {
        let cmd = GetConfiguration {
            rt,
            starting_feature: starting,
            allocation_length: 0xFFF8,
        };
        self.exec.data_in(&cmd, 0xFFF8)
    }

    /// `GetFeaturePage`: the descriptor (with its 4-byte header) of `feature`.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_NO_SUCH_FEATURE` (0xC0AA020A) when absent;
    /// `E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT` (0xC0AA020B) when `current_only` and not current.
    pub fn get_feature_page(
        &mut self,
        feature: FeatureCode,
        current_only: bool,
    ) -> Result<Vec<u8>> {
        let bytes = self.get_configuration(ConfigurationRequestType::One, feature)?;
        let conf =
            Configuration::new_checked(&bytes[..]).map_err(|e| invalid("GET CONFIGURATION", e))?;
        let Some(d) = conf.descriptors().find(|d| d.feature_code() == feature) else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_NO_SUCH_FEATURE,
                format!("the drive has no feature {:04X}h", feature.0),
            ));
        };
        if current_only && !d.current() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT,
                format!("feature {:04X}h is not current", feature.0),
            ));
        }
        Ok(d.as_bytes().to_vec())
    }

    /// `GetSupportedFeaturePages`: every feature code the drive reports (current ones only when
    /// `current_only`).
    ///
    /// # Errors
    /// Drive errors.
    pub fn get_supported_feature_pages(&mut self, current_only: bool) -> Result<Vec<FeatureCode>> {
        let rt = if current_only {
            ConfigurationRequestType::Current
        } else {
            ConfigurationRequestType::All
        };
        let bytes = self.get_configuration(rt, FeatureCode::PROFILE_LIST)?;
        let conf =
            Configuration::new_checked(&bytes[..]).map_err(|e| invalid("GET CONFIGURATION", e))?;
        Ok(conf
            .descriptors()
            .filter(|d| !current_only || d.current())
            .map(|d| d.feature_code())
            .collect())
    }

    /// `GetSupportedProfiles`: the profile list (feature 0000h); only the current one when
    /// `current_only`.
    ///
    /// # Errors
    /// Drive errors; `E_IMAPI_RECORDER_NO_SUCH_FEATURE` without a profile list.
    pub fn get_supported_profiles(&mut self, current_only: bool) -> Result<Vec<(Profile, bool)>> {
        let bytes =
            self.get_configuration(ConfigurationRequestType::One, FeatureCode::PROFILE_LIST)?;
        let conf =
            Configuration::new_checked(&bytes[..]).map_err(|e| invalid("GET CONFIGURATION", e))?;
        let Some(d) = conf
            .descriptors()
            .find(|d| d.feature_code() == FeatureCode::PROFILE_LIST)
        else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_NO_SUCH_FEATURE,
                "the drive has no profile list",
            ));
        };
        let list = ProfileList::parse(&d).map_err(|e| invalid("GET CONFIGURATION", e))?;
        Ok(list
            .profiles
            .iter()
            .filter(|p| !current_only || p.current)
            .map(|p| (p.profile, p.current))
            .collect())
    }

    /// `GetDiscInformation`: the raw READ DISC INFORMATION response.
    ///
    /// # Errors
    /// Drive errors.
    pub fn get_disc_information_raw(&mut self) -> Result<Vec<u8>> {
        self.exec.data_in(
            &ReadDiscInformation {
                data_type: 0,
                allocation_length: 0xFFF8,
            },
            0xFFF8,
        )
    }

    /// `GetTrackInformation`: the raw READ TRACK INFORMATION response for `address` of `kind`.
    ///
    /// # Errors
    /// Drive errors.
    pub fn get_track_information_raw(
        &mut self,
        address: u32,
        kind: TrackAddressType,
    ) -> Result<Vec<u8>> {
        let cmd = ReadTrackInformation {
            open: false,
            address_type: kind,
            address,
            allocation_length: 0xFFF8,
        };
        self.exec.data_in(&cmd, 0xFFF8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cdb(opcode: u8, len: usize) -> Vec<u8> {
        let mut v = vec![0u8; len];
        v[0] = opcode;
        v
    }

    fn refused(c: &[u8]) -> bool {
        matches!(validate_cdb(c), Err(e) if e.code() == ErrorCode::E_INVALIDARG)
    }

    #[test]
    fn cdb_size_group0_needs_6() {
        assert!(validate_cdb(&cdb(0x00, 6)).is_ok());
        assert!(validate_cdb(&cdb(0x12, 6)).is_ok());
        for len in [7, 10, 12, 16] {
            assert!(refused(&cdb(0x12, len)), "{len}");
        }
    }

    #[test]
    fn cdb_size_groups1_2_need_10() {
        for op in [0x25, 0x2A, 0x3F, 0x46, 0x5A, 0x5F] {
            assert!(validate_cdb(&cdb(op, 10)).is_ok(), "{op:02X}");
            for len in [6, 12, 16] {
                assert!(refused(&cdb(op, len)), "{op:02X} {len}");
            }
        }
    }

    #[test]
    fn cdb_size_group3_any_length() {
        for len in 6..=16 {
            assert!(validate_cdb(&cdb(0x7F, len)).is_ok(), "{len}");
            assert!(validate_cdb(&cdb(0x60, len)).is_ok(), "{len}");
        }
    }

    #[test]
    fn cdb_size_group4_needs_16() {
        assert!(validate_cdb(&cdb(0x88, 16)).is_ok());
        for len in [6, 10, 12] {
            assert!(refused(&cdb(0x88, len)));
        }
    }

    #[test]
    fn cdb_size_group5_needs_12() {
        for op in [0xA0, 0xAD, 0xBE, 0xBF] {
            assert!(validate_cdb(&cdb(op, 12)).is_ok());
            for len in [6, 10, 16] {
                assert!(refused(&cdb(op, len)), "{op:02X} {len}");
            }
        }
    }

    #[test]
    fn cdb_size_groups6_7_any_length() {
        for op in [0xC0, 0xDF, 0xE0, 0xFF] {
            for len in 6..=16 {
                assert!(validate_cdb(&cdb(op, len)).is_ok(), "{op:02X} {len}");
            }
        }
    }

    #[test]
    fn cdb_size_legacy_opcodes_any_length() {
        for op in LEGACY_OPCODES {
            for len in 6..=16 {
                assert!(validate_cdb(&cdb(op, len)).is_ok(), "{op:02X} {len}");
            }
            assert!(refused(&cdb(op, 5)), "{op:02X} 5");
            assert!(refused(&cdb(op, 17)), "{op:02X} 17");
        }
        // A non-legacy neighbour keeps the group rule.
        assert!(refused(&cdb(0x03, 10)));
        assert!(refused(&cdb(0x25, 6)));
    }

    #[test]
    fn cdb_size_5_and_17_bytes_refused() {
        for op in [0x00, 0x12, 0x2A, 0xA8, 0xC5, 0x88] {
            assert!(refused(&cdb(op, 5)), "{op:02X}");
            assert!(refused(&cdb(op, 17)), "{op:02X}");
        }
        assert!(refused(&[0x00, 0x00]));
        assert!(refused(&[]));
    }
}
