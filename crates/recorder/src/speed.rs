//! Write speeds (IMAPI `SetWriteSpeed`, `SupportedWriteSpeeds`,
//! `SupportedWriteSpeedDescriptors`, `CurrentWriteSpeed`; `IWriteSpeedDescriptor`).
//!
//! IMAPI counts speeds in **sectors per second** (1× = 75 on CD, 680 on DVD, 2195 on BD;
//! −1 = fastest); drives count kB/s (k = 1000; 1× = 176.4 on CD, 1385 on DVD, 4495.5 on BD).
//! The conversion goes through the medium's 1× figures, so a speed of `n`× is `n` × the IMAPI
//! sectors-per-second constant whatever the exact kB/s figure the drive uses.
//!
//! Order (`mmc.md` §1.25–§1.27, §1.30; `imapi2.md` §2.6, §5.11): the speeds come from GET
//! PERFORMANCE type 03h (write speed descriptors), falling back to the descriptors of mode page
//! 2Ah when the drive refuses the command or lists none; the chosen speed is set with SET CD
//! SPEED on CD and SET STREAMING on DVD/BD (falling back to SET CD SPEED when the drive refuses
//! SET STREAMING); what the drive settled on is read back from page 2Ah (current write speed
//! selected, rotation control selected).

use discmaster_core::ErrorCode;
use discmaster_mmc::host_commands::{
    GetPerformance, PerformanceDescriptor, PerformanceHeader, SetCdSpeed, SetStreaming,
    StreamingDescriptor, WriteSpeedDescriptor as MmcWriteSpeedDescriptor,
    PERFORMANCE_TYPE_WRITE_SPEED,
};
use discmaster_mmc::pages::CapabilitiesPage;
use discmaster_mmc::{PageControl, Profile, SenseKey};

use crate::error::{Error, Result};
use crate::recorder::Recorder;

/// Family of a profile for speed units: CD, DVD (and HD DVD-free DVD profiles) or BD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpeedFamily {
    Cd,
    Dvd,
    Bd,
}

impl SpeedFamily {
    pub(crate) fn of(profile: Profile) -> SpeedFamily {
        match u16::from(profile) {
            0x0008..=0x000A => SpeedFamily::Cd,
            0x0040..=0x004F => SpeedFamily::Bd,
            _ => SpeedFamily::Dvd,
        }
    }

    /// IMAPI `IMAPI_SECTORS_PER_SECOND_AT_1X_*` (`imapi2.md` §3.1).
    fn sectors_per_second_at_1x(self) -> u32 {
        match self {
            SpeedFamily::Cd => 75,
            SpeedFamily::Dvd => 680,
            SpeedFamily::Bd => 2195,
        }
    }

    /// 1× in tenths of kB/s: 176.4 (CD: 75 × 2352 bytes), 1385 (DVD), 4495.5 (BD)
    /// (`mmc.md` §5.1).
    fn deci_kbps_at_1x(self) -> u64 {
        match self {
            SpeedFamily::Cd => 1764,
            SpeedFamily::Dvd => 13_850,
            SpeedFamily::Bd => 44_955,
        }
    }
}

/// The IMAPI sectors-per-second value of 1× on `profile`'s medium: 75 (CD), 680 (DVD), 2195
/// (BD).
///
/// Units: sectors/s. Spec: `imapi2.md` §3.1.
pub fn sectors_per_second_at_1x(profile: Profile) -> u32 {
    SpeedFamily::of(profile).sectors_per_second_at_1x()
}

/// Converts a drive speed in kB/s to IMAPI sectors per second for `profile`'s medium, rounded
/// to the nearest (e.g. CD 1764 kB/s = 10× = 750; DVD 5540 kB/s = 4× = 2720).
///
/// Units: kB/s (k = 1000) in, sectors/s out. Spec: `imapi2.md` §5.11, `mmc.md` §5.1.
pub fn kbps_to_sectors_per_second(profile: Profile, kbps: u32) -> u32 {
    let f = SpeedFamily::of(profile);
    let num = u64::from(kbps) * 10 * u64::from(f.sectors_per_second_at_1x());
    let den = f.deci_kbps_at_1x();
    u32::try_from((num + den / 2) / den).unwrap_or(u32::MAX)
}

/// Converts IMAPI sectors per second to kB/s for `profile`'s medium, rounded up (drives round
/// a requested speed down, `mmc.md` §1.25).
///
/// Units: sectors/s in, kB/s out. Spec: `imapi2.md` §5.11, `mmc.md` §5.1.
pub fn sectors_per_second_to_kbps(profile: Profile, sectors_per_second: u32) -> u32 {
    let f = SpeedFamily::of(profile);
    let num = u64::from(sectors_per_second) * f.deci_kbps_at_1x();
    let den = 10 * u64::from(f.sectors_per_second_at_1x());
    u32::try_from(num.div_ceil(den)).unwrap_or(u32::MAX)
}

/// One speed configuration of drive and medium (IMAPI `IWriteSpeedDescriptor`).
///
/// Units: `write_speed` in sectors/s (IMAPI), `write_speed_kbps` as the drive reported it.
///
/// Spec: `imapi2.md` §2.12; GET PERFORMANCE type 03h / page 2Ah descriptors, `mmc.md` §1.27,
/// §2.6.
#[doc(alias = "IWriteSpeedDescriptor")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WriteSpeedDescriptor {
    /// `MediaType`: the profile of the medium the configuration applies to.
    pub media_type: Profile,
    /// `RotationTypeIsPureCAV`: the configuration uses pure CAV (WRC = 01b).
    pub rotation_type_is_pure_cav: bool,
    /// `WriteSpeed`, sectors/s.
    pub write_speed: u32,
    /// The same speed in the drive's kB/s.
    pub write_speed_kbps: u32,
}

/// How a requested speed was honoured: IMAPI's success codes of `SetWriteSpeed` and `Write`.
///
/// Spec: `imapi2.md` §2.6, §5.11 (`S_IMAPI_SPEEDADJUSTED` 0x00AA0004,
/// `S_IMAPI_ROTATIONADJUSTED` 0x00AA0005, `S_IMAPI_BOTHADJUSTED` 0x00AA0006).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpeedStatus {
    /// `S_OK`: the drive uses the requested speed and rotation.
    Exact,
    /// `S_IMAPI_SPEEDADJUSTED`: another speed is used.
    SpeedAdjusted,
    /// `S_IMAPI_ROTATIONADJUSTED`: the other rotation control is used.
    RotationAdjusted,
    /// `S_IMAPI_BOTHADJUSTED`: speed and rotation differ from the request.
    BothAdjusted,
}

impl SpeedStatus {
    fn from_flags(speed: bool, rotation: bool) -> SpeedStatus {
        match (speed, rotation) {
            (false, false) => SpeedStatus::Exact,
            (true, false) => SpeedStatus::SpeedAdjusted,
            (false, true) => SpeedStatus::RotationAdjusted,
            (true, true) => SpeedStatus::BothAdjusted,
        }
    }

    /// The IMAPI success code.
    pub fn code(self) -> ErrorCode {
        match self {
            SpeedStatus::Exact => ErrorCode::S_OK,
            SpeedStatus::SpeedAdjusted => ErrorCode::S_IMAPI_SPEEDADJUSTED,
            SpeedStatus::RotationAdjusted => ErrorCode::S_IMAPI_ROTATIONADJUSTED,
            SpeedStatus::BothAdjusted => ErrorCode::S_IMAPI_BOTHADJUSTED,
        }
    }
}

/// The write speed the drive uses (IMAPI `CurrentWriteSpeed`, `CurrentRotationTypeIsPureCAV`).
///
/// Units: sectors/s and kB/s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CurrentWriteSpeed {
    /// `CurrentWriteSpeed`, sectors/s.
    pub sectors_per_second: u32,
    /// The same in kB/s, as the drive reports it.
    pub kbps: u32,
    /// `CurrentRotationTypeIsPureCAV`.
    pub pure_cav: bool,
    /// The write performance the drive reports for the medium (GET PERFORMANCE type 00h,
    /// Write): lower than the selected speed when the drive verifies after writing, as BD
    /// drives do with spare areas (defect management halves the speed). `None` when the drive
    /// does not report it.
    ///
    /// Units: kB/s.
    pub effective_kbps: Option<u32>,
}

/// What [`Recorder::set_write_speed`] did.
///
/// Units: sectors/s unless named `_kbps`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WriteSpeedSetting {
    /// `RequestedWriteSpeed` (−1 = fastest).
    pub requested_sectors_per_second: i32,
    /// `RequestedRotationTypeIsPureCAV`.
    pub requested_pure_cav: bool,
    /// The descriptor chosen for the request, `None` when the drive lists no speed (the
    /// maximum was requested).
    pub chosen: Option<WriteSpeedDescriptor>,
    /// What the drive reports afterwards (`CurrentWriteSpeed`); `None` when it cannot say.
    pub current: Option<CurrentWriteSpeed>,
    /// `S_OK` or one of the adjusted success codes.
    pub status: SpeedStatus,
    /// The command that set the speed: `"SET CD SPEED"` or `"SET STREAMING"`.
    pub command: &'static str,
}

fn is_illegal_request(e: &Error) -> bool {
    matches!(e, Error::Command { sense, .. } if sense.key == SenseKey::IllegalRequest)
}

impl Recorder {
    /// `SupportedWriteSpeedDescriptors`: the speed configurations of drive and loaded medium,
    /// fastest first, without duplicates. Empty without a medium.
    ///
    /// # Errors
    /// Drive errors other than the refusal of GET PERFORMANCE (which falls back to page 2Ah);
    /// `E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE` for malformed data.
    ///
    /// Spec: `mmc.md` §1.27, §1.30, §2.6; `imapi2.md` §2.12.
    pub fn supported_write_speed_descriptors(&mut self) -> Result<Vec<WriteSpeedDescriptor>> {
        let profile = self.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Ok(Vec::new());
        }
        let mut list = match self.performance_write_speeds() {
            Ok(v) if !v.is_empty() => v,
            Ok(_) => self.page_2a_write_speeds()?,
            Err(e) if is_illegal_request(&e) => self.page_2a_write_speeds()?,
            Err(e) => return Err(e),
        };
        let mut out: Vec<WriteSpeedDescriptor> = Vec::new();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (cav, kbps) in list {
            if kbps == 0 {
                continue;
            }
            let d = WriteSpeedDescriptor {
                media_type: profile,
                rotation_type_is_pure_cav: cav,
                write_speed: kbps_to_sectors_per_second(profile, kbps),
                write_speed_kbps: kbps,
            };
            if !out.contains(&d) {
                out.push(d);
            }
        }
        Ok(out)
    }

    /// `SupportedWriteSpeeds`: the distinct speeds of
    /// [`Recorder::supported_write_speed_descriptors`], fastest first.
    ///
    /// Units: sectors/s.
    ///
    /// # Errors
    /// As [`Recorder::supported_write_speed_descriptors`].
    pub fn supported_write_speeds(&mut self) -> Result<Vec<u32>> {
        let mut v: Vec<u32> = self
            .supported_write_speed_descriptors()?
            .iter()
            .map(|d| d.write_speed)
            .collect();
        v.dedup();
        Ok(v)
    }

    /// `CurrentWriteSpeed` / `CurrentRotationTypeIsPureCAV` from mode page 2Ah (current write
    /// speed selected, B28–29, else the obsolete current write speed, B20–21; rotation control
    /// selected, B27). `None` when the page does not carry them.
    ///
    /// # Errors
    /// Drive errors; `E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE` without page 2Ah.
    ///
    /// Spec: `mmc.md` §2.6; `imapi2.md` §2.6.
    pub fn current_write_speed(&mut self) -> Result<Option<CurrentWriteSpeed>> {
        let profile = self.current_profile()?;
        let page = self.get_mode_page(0x2A, PageControl::Current)?;
        let cap = CapabilitiesPage::new_checked(&page[..])
            .map_err(|e| crate::recorder::invalid("MODE SENSE(10)", e))?;
        let kbps = cap
            .current_write_speed_selected()
            .filter(|&s| s != 0)
            .or(cap.current_write_speed_kbps().filter(|&s| s != 0));
        let pure_cav = cap.rotation_control_selected() == Some(1);
        let Some(k) = kbps else { return Ok(None) };
        let effective_kbps = match self.write_performance() {
            Ok(p) => p,
            Err(e) if is_illegal_request(&e) => None,
            Err(e) => return Err(e),
        };
        Ok(Some(CurrentWriteSpeed {
            sectors_per_second: kbps_to_sectors_per_second(profile, u32::from(k)),
            kbps: u32::from(k),
            pure_cav,
            effective_kbps,
        }))
    }

    /// GET PERFORMANCE type 00h with Write set (tolerance 10 %, nominal): the end performance
    /// of the first descriptor.
    fn write_performance(&mut self) -> Result<Option<u32>> {
        let cmd = GetPerformance {
            // Tolerance 10b (10 %), Write, Except 00b (nominal), mmc.md §1.27.
            data_type: (0b10 << 3) | (1 << 2),
            starting_lba: 0,
            max_descriptors: 1,
            performance_type: discmaster_mmc::host_commands::PERFORMANCE_TYPE_PERFORMANCE,
        };
        let bytes = self.exec.data_in(&cmd, 8 + 16)?;
        PerformanceHeader::parse(&bytes)
            .map_err(|e| crate::recorder::invalid("GET PERFORMANCE", e))?;
        let first = PerformanceHeader::descriptors(&bytes)
            .next()
            .and_then(|d| PerformanceDescriptor::parse(d).ok());
        Ok(first.map(|d| d.end_performance_kbps).filter(|&k| k != 0))
    }

    /// `SetWriteSpeed(RequestedSectorsPerSecond, RotationTypeIsPureCAV)`: picks the supported
    /// speed nearest to `sectors_per_second` (−1 = the fastest; ties go to the slower) with the
    /// requested rotation if the drive offers it (else the other), sets it (SET CD SPEED on CD,
    /// SET STREAMING on DVD/BD), and reads back what the drive uses.
    ///
    /// The result's status is `S_IMAPI_SPEEDADJUSTED` / `S_IMAPI_ROTATIONADJUSTED` /
    /// `S_IMAPI_BOTHADJUSTED` when the drive's speed or rotation differs from the request:
    /// these are success codes, so this returns `Ok`.
    ///
    /// # Errors
    /// `E_INVALIDARG` for a speed below −1; `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` without a medium;
    /// drive errors of the SET command.
    ///
    /// Spec: `imapi2.md` §2.6 (SetWriteSpeed), §5.11; `mmc.md` §1.25, §1.26, §1.30.
    pub fn set_write_speed(
        &mut self,
        sectors_per_second: i32,
        pure_cav: bool,
    ) -> Result<WriteSpeedSetting> {
        if sectors_per_second < -1 {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                format!("write speed {sectors_per_second} sectors/s (−1 = fastest, else ≥ 0)"),
            ));
        }
        let profile = self.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
                "no medium in the drive",
            ));
        }
        let all = self.supported_write_speed_descriptors()?;
        let same_rotation: Vec<WriteSpeedDescriptor> = all
            .iter()
            .copied()
            .filter(|d| d.rotation_type_is_pure_cav == pure_cav)
            .collect();
        let candidates = if same_rotation.is_empty() {
            all
        } else {
            same_rotation
        };
        let chosen = if sectors_per_second < 0 {
            candidates.first().copied()
        } else {
            let want = i64::from(sectors_per_second);
            candidates
                .iter()
                .copied()
                .min_by_key(|d| ((i64::from(d.write_speed) - want).abs(), d.write_speed))
        };
        let kbps = chosen.map(|d| d.write_speed_kbps);
        let rotation = u8::from(chosen.map_or(pure_cav, |d| d.rotation_type_is_pure_cav));
        let command = match SpeedFamily::of(profile) {
            SpeedFamily::Cd => self.set_cd_speed(rotation, kbps)?,
            _ => match self.set_streaming(rotation, kbps) {
                Ok(c) => c,
                Err(e) if is_illegal_request(&e) => self.set_cd_speed(rotation, kbps)?,
                Err(e) => return Err(e),
            },
        };
        let current = match self.current_write_speed() {
            Ok(c) => c,
            Err(e) if is_illegal_request(&e) => None,
            Err(Error::Refused { code, .. })
                if code == ErrorCode::E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE =>
            {
                None
            }
            Err(e) => return Err(e),
        };
        let (speed_used, cav_used) = match (current, chosen) {
            (Some(c), _) => (Some(c.sectors_per_second), c.pure_cav),
            (None, Some(d)) => (Some(d.write_speed), d.rotation_type_is_pure_cav),
            (None, None) => (None, pure_cav),
        };
        let speed_adjusted = sectors_per_second >= 0
            && speed_used.is_some_and(|s| i64::from(s) != i64::from(sectors_per_second));
        Ok(WriteSpeedSetting {
            requested_sectors_per_second: sectors_per_second,
            requested_pure_cav: pure_cav,
            chosen,
            current,
            status: SpeedStatus::from_flags(speed_adjusted, cav_used != pure_cav),
            command,
        })
    }

    /// GET PERFORMANCE type 03h: (pure CAV, kB/s) of every write speed descriptor.
    fn performance_write_speeds(&mut self) -> Result<Vec<(bool, u32)>> {
        const MAX: u16 = 32;
        let cmd = GetPerformance {
            data_type: 0,
            starting_lba: 0,
            max_descriptors: MAX,
            performance_type: PERFORMANCE_TYPE_WRITE_SPEED,
        };
        let bytes = self.exec.data_in(&cmd, 8 + 16 * usize::from(MAX))?;
        PerformanceHeader::parse(&bytes)
            .map_err(|e| crate::recorder::invalid("GET PERFORMANCE", e))?;
        PerformanceHeader::descriptors(&bytes)
            .map(|d| {
                MmcWriteSpeedDescriptor::parse(d)
                    .map(|w| (w.rotation_control == 1, w.write_speed_kbps))
                    .map_err(|e| crate::recorder::invalid("GET PERFORMANCE", e))
            })
            .collect()
    }

    /// Mode page 2Ah write speed descriptors: (pure CAV, kB/s).
    fn page_2a_write_speeds(&mut self) -> Result<Vec<(bool, u32)>> {
        let page = match self.get_mode_page(0x2A, PageControl::Current) {
            Ok(p) => p,
            Err(Error::Refused { code, .. })
                if code == ErrorCode::E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE =>
            {
                return Ok(Vec::new())
            }
            Err(e) => return Err(e),
        };
        let cap = CapabilitiesPage::new_checked(&page[..])
            .map_err(|e| crate::recorder::invalid("MODE SENSE(10)", e))?;
        let mut v: Vec<(bool, u32)> = cap
            .write_speed_descriptors()
            .map(|d| (d.rotation_control == 1, u32::from(d.write_speed_kbps)))
            .collect();
        if v.is_empty() {
            if let Some(max) = cap.max_write_speed_kbps().filter(|&s| s != 0) {
                v.push((false, u32::from(max)));
            }
        }
        Ok(v)
    }

    /// SET CD SPEED: read speed maximum, write speed `kbps` (maximum when `None`).
    fn set_cd_speed(&mut self, rotation: u8, kbps: Option<u32>) -> Result<&'static str> {
        let write = kbps.map_or(0xFFFF, |k| u16::try_from(k).unwrap_or(0xFFFE).min(0xFFFE));
        self.exec.no_data(&SetCdSpeed {
            rotation_control: rotation,
            read_speed_kbps: 0xFFFF,
            write_speed_kbps: write,
        })?;
        Ok("SET CD SPEED")
    }

    /// SET STREAMING with one performance descriptor over the whole medium, `kbps` per 1000 ms
    /// for reading and writing (as libburn does, `mmc.md` §1.26).
    fn set_streaming(&mut self, rotation: u8, kbps: Option<u32>) -> Result<&'static str> {
        let end_lba = match self.read_capacity() {
            Ok((last, _)) => u32::try_from(last.0).unwrap_or(0),
            Err(_) => 0,
        };
        let end_lba = if end_lba == 0 {
            self.track_information(0xFF)
                .map(|t| {
                    u32::try_from(t.next_writable_address().0)
                        .unwrap_or(0)
                        .saturating_add(t.free_blocks())
                        .saturating_sub(1)
                })
                .unwrap_or(0)
        } else {
            end_lba
        };
        let speed = kbps.unwrap_or(u32::MAX);
        let d = StreamingDescriptor {
            rotation_control: rotation,
            rdd: false,
            exact: false,
            ra: false,
            start_lba: 0,
            end_lba,
            read_size_kb: speed,
            read_time_ms: 1000,
            write_size_kb: speed,
            write_time_ms: 1000,
        };
        let bytes = d.emit();
        self.exec.data_out(
            &SetStreaming {
                streaming_type: 0,
                parameter_list_length: bytes.len() as u16,
            },
            &bytes,
        )?;
        Ok("SET STREAMING")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_conversion_uses_imapi_one_x_figures() {
        // CD: 1× = 176.4 kB/s = 75 sectors/s; drives list 1764 (10×), 7056 (40×).
        assert_eq!(kbps_to_sectors_per_second(Profile::CdR, 1764), 750);
        assert_eq!(kbps_to_sectors_per_second(Profile::CdRw, 7056), 3000);
        assert_eq!(kbps_to_sectors_per_second(Profile::CdR, 176), 75);
        // DVD: 1× = 1385 kB/s = 680 sectors/s.
        assert_eq!(kbps_to_sectors_per_second(Profile::DvdPlusR, 5540), 2720);
        assert_eq!(
            kbps_to_sectors_per_second(Profile::DvdMinusRSequential, 22_160),
            10_880
        );
        // BD: 1× = 4495.5 kB/s = 2195 sectors/s.
        assert_eq!(kbps_to_sectors_per_second(Profile::BdRSrm, 8991), 4390);
        assert_eq!(kbps_to_sectors_per_second(Profile::BdRe, 26_973), 13_170);
    }

    #[test]
    fn speed_conversion_back_rounds_up() {
        assert_eq!(sectors_per_second_to_kbps(Profile::CdR, 750), 1764);
        assert_eq!(sectors_per_second_to_kbps(Profile::DvdPlusRw, 2720), 5540);
        assert_eq!(sectors_per_second_to_kbps(Profile::BdRe, 4390), 8991);
        assert_eq!(sectors_per_second_to_kbps(Profile::CdR, 1), 3);
    }

    #[test]
    fn speed_status_codes_are_imapi_success_codes() {
        assert_eq!(SpeedStatus::Exact.code(), ErrorCode::S_OK);
        assert_eq!(SpeedStatus::SpeedAdjusted.code().0, 0x00AA_0004);
        assert_eq!(SpeedStatus::RotationAdjusted.code().0, 0x00AA_0005);
        assert_eq!(SpeedStatus::BothAdjusted.code().0, 0x00AA_0006);
        for s in [
            SpeedStatus::SpeedAdjusted,
            SpeedStatus::RotationAdjusted,
            SpeedStatus::BothAdjusted,
        ] {
            assert!(!s.code().is_failure());
        }
        assert_eq!(
            SpeedStatus::from_flags(true, true),
            SpeedStatus::BothAdjusted
        );
    }
}
