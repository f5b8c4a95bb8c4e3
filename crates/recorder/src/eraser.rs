//! [`Eraser`] = IMAPI `IDiscFormat2Erase`: blanks a CD-RW or DVD-RW (BLANK), and "erases" the
//! media that are formatted instead of blanked — DVD+RW, DVD-RAM, BD-RE — by formatting them
//! again (FORMAT UNIT), keeping a BD-RE's spare-area choice.
//!
//! Order of [`Eraser::erase_media`] (`imapi2.md` §2.7, §4.7, §5.8; `mmc.md` §1.15, §1.16):
//! 1. the medium: profile (no medium → `E_IMAPI_RECORDER_MEDIA_NO_MEDIA`; anything but CD-RW,
//!    DVD-RW, DVD+RW, DVD-RAM, BD-RE → `E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED`), READ DISC
//!    INFORMATION (too short → `E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL`; a CD-RW/DVD-RW the
//!    drive calls not erasable → `E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE`); every refusal happens
//!    before the medium changes;
//! 2. exclusive access tagged with the client name; START UNIT (spin-up; failure →
//!    `E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND`);
//! 3. BLANK (full: 000b, quick: 001b minimal) or FORMAT UNIT, with Immed (refused →
//!    `E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND` with the sense);
//! 4. TEST UNIT READY every 0.5 s: progress events with elapsed and estimated total seconds
//!    (0 % first, 100 % last); over an hour → `E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR`;
//!    other sense while waiting → `E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE`.
//!
//! There is no cancel (IMAPI has none for erase).

use std::time::Duration;

use discmaster_core::ErrorCode;
use discmaster_mmc::commands::StartStopUnit;
use discmaster_mmc::format_commands::{Blank, BlankingType};
use discmaster_mmc::{Profile, SenseKey};

use crate::error::{Error, Result};
use crate::format::{
    format_error, initial_estimate, plan_format, wait_error, wait_until_ready, CapacityState,
    LongOperationProgress, ProgressTracker, SpareAreas,
};
use crate::recorder::Recorder;

/// How a medium is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Blank,
    Format,
}

fn method_for(profile: Profile) -> Option<Method> {
    match profile {
        Profile::CdRw | Profile::DvdMinusRwSequential | Profile::DvdMinusRwRestrictedOverwrite => {
            Some(Method::Blank)
        }
        Profile::DvdPlusRw | Profile::DvdRam | Profile::BdRe => Some(Method::Format),
        _ => None,
    }
}

/// What [`Eraser::erase_media`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EraseOutcome {
    /// Profile before erasing.
    pub profile_before: Profile,
    /// Profile afterwards (a DVD-RW in restricted overwrite becomes sequential, 0014h).
    pub profile: Profile,
    /// `FullErase` as used.
    pub full: bool,
    /// The command that erased: `"BLANK"` or `"FORMAT UNIT"`.
    pub command: &'static str,
    /// Whole duration.
    pub elapsed: Duration,
}

/// A progress callback (IMAPI `DDiscFormat2EraseEvents::Update`).
type EraseCallback<'r> = Box<dyn FnMut(&LongOperationProgress) + 'r>;

/// The eraser (IMAPI `IDiscFormat2Erase`).
///
/// Spec: `imapi2.md` §2.7, §4.7, §5.8.
#[doc(alias = "IDiscFormat2Erase")]
pub struct Eraser<'r> {
    recorder: &'r mut Recorder,
    full_erase: bool,
    client_name: String,
    progress: Option<EraseCallback<'r>>,
}

impl<'r> Eraser<'r> {
    /// An eraser for `recorder` with IMAPI's defaults: quick erase (`FullErase` = FALSE), client
    /// name `"discmaster"`.
    pub fn new(recorder: &'r mut Recorder) -> Eraser<'r> {
        Eraser {
            recorder,
            full_erase: false,
            client_name: "discmaster".into(),
            progress: None,
        }
    }

    /// `FullErase`: TRUE blanks every sector; FALSE (default) only the TOC/PMA area (CD-RW,
    /// DVD-RW) or the quick variant of the format (DVD+RW: foreground part; BD-RE: no
    /// certification; DVD-RAM: DCRT).
    pub fn set_full_erase(&mut self, full: bool) {
        self.full_erase = full;
    }

    /// `FullErase`.
    pub fn full_erase(&self) -> bool {
        self.full_erase
    }

    /// `ClientName`.
    pub fn client_name(&self) -> &str {
        &self.client_name
    }

    /// `put_ClientName`: 1–64 of A–Z a–z 0–9 space `_` `-` `.`.
    ///
    /// # Errors
    /// `E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID` (0xC0AA090B).
    pub fn set_client_name(&mut self, name: &str) -> Result<()> {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'));
        if !ok {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID,
                format!("client name {name:?} is not valid (1-64 of A-Z a-z 0-9 space _ - .)"),
            ));
        }
        self.client_name = name.to_string();
        Ok(())
    }

    /// `CurrentPhysicalMediaType` (as the MMC profile).
    ///
    /// # Errors
    /// Drive errors.
    pub fn current_physical_media_type(&mut self) -> Result<Profile> {
        self.recorder.current_profile()
    }

    /// Whether the loaded medium can be erased by this object (`IsCurrentMediaSupported`).
    ///
    /// # Errors
    /// Drive errors.
    pub fn is_current_media_supported(&mut self) -> Result<bool> {
        Ok(method_for(self.recorder.current_profile()?).is_some())
    }

    /// Calls `f` with every progress event (IMAPI `DDiscFormat2EraseEvents::Update`: elapsed
    /// and estimated total seconds, here also the percentage), from 0 % to 100 %.
    pub fn on_progress(&mut self, f: impl FnMut(&LongOperationProgress) + 'r) {
        self.progress = Some(Box::new(f));
    }

    /// `EraseMedia`: erases the loaded medium and waits until the drive is done.
    ///
    /// # Errors
    /// See the module docs: `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` (0xC0AA0202),
    /// `E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED` (0xC0AA0909),
    /// `E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL` (0x80AA0902),
    /// `E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE` (0x80AA0904), `E_IMAPI_RECORDER_LOCKED`,
    /// `E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND` (0x80AA0908),
    /// `E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND` (0x80AA0905),
    /// `E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR` (0x80AA0906),
    /// `E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE` (0x80AA0907).
    pub fn erase_media(&mut self) -> Result<EraseOutcome> {
        let clock = self.recorder.exec.clock().clone();
        let started = clock.now();
        let profile = self.recorder.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
                "no medium in the drive",
            ));
        }
        let Some(method) = method_for(profile) else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
                format!(
                    "{} media (profile {:04X}h) cannot be erased; CD-RW, DVD-RW, DVD+RW, \
                     DVD-RAM and BD-RE can",
                    profile.name(),
                    u16::from(profile)
                ),
            ));
        };
        let di = self.recorder.disc_information().map_err(|e| match e {
            Error::InvalidResponse { source, .. } => Error::refused(
                ErrorCode::E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL,
                format!("READ DISC INFORMATION: {source}"),
            ),
            other => other,
        })?;
        if method == Method::Blank && !di.erasable() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE,
                format!(
                    "the drive reports the {} disc as not erasable",
                    profile.name()
                ),
            ));
        }
        let status = di.disc_status();
        let plan = match method {
            Method::Blank => None,
            Method::Format => {
                let caps = self.recorder.format_capacities()?;
                // Keep a BD-RE without spare areas that way.
                let spare = if caps.current_state == CapacityState::Formatted
                    && caps
                        .first(discmaster_mmc::format_commands::FormatType::BdReFormatWithoutSpare)
                        .is_some_and(|f| f.blocks == caps.current_blocks)
                {
                    SpareAreas::Without
                } else {
                    SpareAreas::Default
                };
                plan_format(profile, status, &caps, spare, !self.full_erase)?
            }
        };
        self.recorder
            .acquire_exclusive_access(false, &self.client_name.clone())?;
        let result = self.erase_exclusive(profile, method, plan, started);
        self.recorder.release_exclusive_access();
        result
    }

    fn erase_exclusive(
        &mut self,
        profile: Profile,
        method: Method,
        plan: Option<crate::format::FormatPlan>,
        started: Duration,
    ) -> Result<EraseOutcome> {
        let clock = self.recorder.exec.clock().clone();
        // Spin up (libburn and IMAPI start the unit before a long operation).
        self.recorder
            .exec
            .no_data(&StartStopUnit {
                immed: false,
                power_condition: 0,
                loej: false,
                start: true,
            })
            .map_err(|e| match e {
                Error::Command {
                    command,
                    sense,
                    lba,
                    ..
                } => Error::Command {
                    code: ErrorCode::E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND,
                    command,
                    sense,
                    lba,
                },
                other => other,
            })?;
        let mut tracker = ProgressTracker::new(initial_estimate(profile, self.full_erase));
        let mut progress = self.progress.take();
        let mut emit = |p: LongOperationProgress| {
            if let Some(f) = progress.as_mut() {
                f(&p);
            }
        };
        emit(tracker.event(Some(0.0), Duration::ZERO));
        let result = match (method, plan) {
            (Method::Format, Some(plan)) => self
                .recorder
                .run_format(&plan, started, &mut tracker, &mut emit)
                .map_err(|e| format_error(e, "erasing")),
            (Method::Format, None) => Ok(()),
            (Method::Blank, _) => self.blank(started, &mut tracker, &mut emit),
        };
        let elapsed = clock.now().saturating_sub(started);
        if result.is_ok() {
            emit(tracker.done(elapsed));
        }
        self.progress = progress;
        result?;
        Ok(EraseOutcome {
            profile_before: profile,
            profile: self.recorder.current_profile()?,
            full: self.full_erase,
            command: match method {
                Method::Blank => "BLANK",
                Method::Format => "FORMAT UNIT",
            },
            elapsed,
        })
    }

    fn blank(
        &mut self,
        started: Duration,
        tracker: &mut ProgressTracker,
        emit: &mut dyn FnMut(LongOperationProgress),
    ) -> Result<()> {
        let cmd = Blank {
            immed: true,
            blanking_type: if self.full_erase {
                BlankingType::Full
            } else {
                BlankingType::Minimal
            },
            start_address: 0,
        };
        self.recorder.exec.no_data(&cmd).map_err(|e| match e {
            Error::Command {
                command,
                sense,
                lba,
                ..
            } => Error::Command {
                code: if sense.key == SenseKey::IllegalRequest && sense.asc == 0x30 {
                    ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE
                } else {
                    ErrorCode::E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND
                },
                command,
                sense,
                lba,
            },
            other => other,
        })?;
        wait_until_ready(self.recorder, started, &mut |f, e| {
            emit(tracker.event(f, e))
        })
        .map_err(|w| wait_error(w, "erasing"))
    }
}
