//! Multisession import information for ISO builders (IMAPI `IMultisessionSequential`;
//! `cdrecord -msinfo`; the `-C START,NWA` pair of `mkisofs`/`xorriso -as mkisofs`).

use discmaster_core::{ErrorCode, Lba};
use discmaster_mmc::DiscStatus;

use crate::error::{Error, Result};
use crate::recorder::Recorder;

/// What a file-system builder needs to lay out the next session (IMAPI
/// `IMultisessionSequential`, `imapi2.md` §2.13, §5.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MultisessionInfo {
    /// `IsFirstDataSession`: the disc is blank, so the next session is the first.
    pub is_first_data_session: bool,
    /// `StartAddressOfPreviousSession`: first LBA of the last recorded session's first track
    /// (−1 on a blank disc). The first number of `cdrecord -msinfo`.
    pub start_address_of_previous_session: Lba,
    /// `LastWrittenAddressOfPreviousSession`: last recorded LBA of that session (−1 if blank).
    pub last_written_address_of_previous_session: Lba,
    /// `NextWritableAddress`: where the next session starts. The second number of `-msinfo`.
    pub next_writable_address: Lba,
    /// `FreeSectorsOnMedia`.
    pub free_sectors_on_media: u32,
}

impl MultisessionInfo {
    /// `START,NWA` as `cdrecord -msinfo` prints it, for `mkisofs -C`.
    pub fn msinfo(&self) -> String {
        format!(
            "{},{}",
            self.start_address_of_previous_session.0.max(0),
            self.next_writable_address.0
        )
    }
}

impl Recorder {
    /// The multisession information of the loaded write-once medium.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` without a medium; `E_IMAPI_DF2DATA_INVALID_MEDIA_STATE`
    /// (0xC0AA0402) when the disc is closed (no next session).
    pub fn multisession_info(&mut self) -> Result<MultisessionInfo> {
        let s = self.disc_summary()?;
        if s.status == DiscStatus::Complete {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE,
                "the disc is closed: no further session can be written",
            ));
        }
        let Some(nwa) = s.next_writable_address else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE,
                "the drive reports no next writable address",
            ));
        };
        let last_session = s.recorded_tracks().map(|t| t.session).max();
        let (start, last) = match last_session {
            None => (Lba(-1), Lba(-1)),
            Some(n) => {
                let tracks: Vec<_> = s.recorded_tracks().filter(|t| t.session == n).collect();
                let start = tracks.iter().map(|t| t.start).min().unwrap_or(Lba(-1));
                let last = tracks
                    .iter()
                    .map(|t| Lba(t.start.0 + t.recorded as i32 - 1))
                    .max()
                    .unwrap_or(Lba(-1));
                (start, last)
            }
        };
        Ok(MultisessionInfo {
            is_first_data_session: last_session.is_none(),
            start_address_of_previous_session: start,
            last_written_address_of_previous_session: last,
            next_writable_address: nwa,
            free_sectors_on_media: s.free_sectors,
        })
    }
}

/// What a file-system builder needs on overwritable media (IMAPI `IMultisessionRandomWrite`,
/// `imapi2.md` §2.13, §5.10): one physical session, a new logical session is laid after the
/// previous one and written with a block-range list.
///
/// Units: sectors and LBAs.
#[doc(alias = "IMultisessionRandomWrite")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MultisessionRandomWrite {
    /// `WriteUnitSize`: writes start on and span multiples of this many sectors (feature
    /// 0020h Blocking, else 16 on DVD and 32 on BD).
    pub write_unit_size: u32,
    /// `LastWrittenAddress`: the last LBA the drive reports recorded (READ TRACK INFORMATION
    /// of track 1, LRA_V); `None` where IMAPI returns `E_NOTIMPL` (the drive cannot say).
    pub last_written_address: Option<Lba>,
    /// `TotalSectorsOnMedia`: the formatted capacity.
    pub total_sectors_on_media: u32,
}

impl Recorder {
    /// The random-write multisession information of the loaded overwritable medium.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` without a medium; `E_IMAPI_DF2DATA_INVALID_MEDIA_STATE`
    /// for media that are not overwritable (DVD+RW, DVD-RW restricted overwrite, DVD-RAM,
    /// BD-RE); drive errors.
    pub fn multisession_random_write(&mut self) -> Result<MultisessionRandomWrite> {
        use discmaster_mmc::media_features::RandomWritable;
        use discmaster_mmc::Profile;
        let profile = self.current_profile()?;
        let unit = match profile {
            Profile::NoCurrentProfile => {
                return Err(Error::refused(
                    ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
                    "no medium in the drive",
                ))
            }
            Profile::DvdPlusRw | Profile::DvdMinusRwRestrictedOverwrite | Profile::DvdRam => 16,
            Profile::BdRe => 32,
            other => {
                return Err(Error::refused(
                    ErrorCode::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE,
                    format!("{} media are not randomly writable", other.name()),
                ))
            }
        };
        let blocking = self
            .get_feature_page(RandomWritable::CODE, true)
            .ok()
            .and_then(|bytes| {
                let d =
                    discmaster_mmc::features::FeatureDescriptor::new_checked(&bytes[..]).ok()?;
                RandomWritable::parse(&d).ok()
            })
            .map(|f| u32::from(f.blocking))
            .filter(|&b| b != 0);
        let total = crate::format::medium_capacity(self)?;
        let ti = self.track_information(1)?;
        let last = if ti.lra_v() && !ti.blank() {
            ti.last_recorded_address()
        } else {
            None
        };
        Ok(MultisessionRandomWrite {
            write_unit_size: blocking.unwrap_or(unit),
            last_written_address: last,
            total_sectors_on_media: total,
        })
    }
}
