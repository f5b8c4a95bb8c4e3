//! Formatting rewritable media: READ FORMAT CAPACITIES, the choice of a format descriptor
//! (with or without spare areas, quick or full), FORMAT UNIT with Immed, and the polling of a
//! long operation with its progress (shared with [`crate::Eraser`] and the FORMATTING_MEDIA
//! phase of [`crate::DataWriter`]).
//!
//! Which format each medium gets (`mmc.md` §1.14, §1.15, §5.4):
//!
//! | Medium | spare areas default / with | without | quick | full |
//! |---|---|---|---|---|
//! | DVD+RW | 26h (no spare areas exist) | 26h | foreground part only | also waits for the background format |
//! | DVD-RW | refused | — | 15h (intermediate) | 10h |
//! | DVD-RAM | 00h | refused | 00h with DCRT (no certification) | 00h |
//! | BD-RE | default: 00h; with: 30h (first = default spare size) | 31h | sub-type 00b (quick reformat) when formatted, else 01b (no certification) | sub-type 10b (full certification) |
//! | BD-R (blank) | 00h sub-type 01b (SRM without POW) | nothing to do (SRM records unformatted) | — | — |
//!
//! Every other medium is refused with `E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED` (0xC0AA0909):
//! IMAPI formats media only as part of erasing and of writing, and this is its code for a
//! medium that cannot be erased.
//!
//! Long operations: the command is sent with Immed; TEST UNIT READY is then polled every
//! 0.5 s (IMAPI's erase cadence) on the recorder's clock; NOT READY 2/04/xx carries the
//! progress in the sense-key-specific bytes (`mmc.md` §3.1, §6.1). The limit is one hour.

use std::time::Duration;

use discmaster_core::ErrorCode;
use discmaster_mmc::commands::{RequestSense, TestUnitReady};
use discmaster_mmc::decode_views::FormatCapacities;
use discmaster_mmc::format_commands::{
    FormatDescriptor, FormatParameterList, FormatType, FormatUnit,
};
use discmaster_mmc::host_commands::ReadFormatCapacities;
use discmaster_mmc::{Command, DiscStatus, Profile, Sense, SenseData, SenseKey};
use discmaster_transport::{DataPhase, ScsiStatus};

use crate::error::{Error, Result};
use crate::executor::{decode_sense, transport_error};
use crate::recorder::{invalid, Recorder};

/// Interval between polls of a long operation (IMAPI erase events: every 0.5 s or 1 s).
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// How long a long operation may take (IMAPI: `E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR`).
pub(crate) const LONG_OPERATION_LIMIT: Duration = Duration::from_secs(3600);

/// The state the current/maximum capacity descriptor reports (READ FORMAT CAPACITIES B4.1-0).
///
/// Spec: `mmc.md` §1.14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapacityState {
    /// 01b: unformatted medium; the blocks are the maximum formattable capacity.
    Unformatted,
    /// 10b: formatted medium; the blocks are the current capacity.
    Formatted,
    /// 11b: no medium, or capacity unknown (DVD-RW "intermediate" state after a quick format).
    Unknown,
    /// 00b: reserved.
    Reserved,
}

/// One formattable capacity descriptor of READ FORMAT CAPACITIES.
///
/// Units: `blocks` of 2048 bytes; `parameter` per format type (block length, ECC block size,
/// BD spare size in clusters).
///
/// Spec: `mmc.md` §1.14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormattableCapacity {
    /// Format type (B4.7-2).
    pub format_type: FormatType,
    /// Number of blocks the format gives.
    pub blocks: u32,
    /// Type-dependent parameter (B5-7).
    pub parameter: u32,
}

/// READ FORMAT CAPACITIES data, decoded.
///
/// Spec: `mmc.md` §1.14.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatCapacityList {
    /// Blocks of the current/maximum capacity descriptor.
    pub current_blocks: u32,
    /// What the current/maximum capacity descriptor says about the medium.
    pub current_state: CapacityState,
    /// Block length of the current/maximum descriptor (2048).
    pub current_block_length: u32,
    /// The formats the medium accepts, in the drive's order.
    pub formats: Vec<FormattableCapacity>,
}

impl FormatCapacityList {
    /// The first descriptor of `format_type`.
    pub fn first(&self, format_type: FormatType) -> Option<FormattableCapacity> {
        self.formats
            .iter()
            .copied()
            .find(|f| f.format_type == format_type)
    }
}

/// Spare areas of a format (BD defect management; DVD-RAM always has them, DVD+RW and DVD-RW
/// never).
///
/// Spec: `mmc.md` §1.15, §5.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SpareAreas {
    /// The medium's default (BD-RE: format 00h with the default spare size; BD-R: spare areas).
    #[default]
    Default,
    /// With spare areas (defect management on; BD write speed halves).
    With,
    /// Without spare areas (maximum capacity, full speed).
    Without,
}

/// One progress report of a long operation (IMAPI `DDiscFormat2EraseEvents::Update` passes
/// `elapsedSeconds` and `estimatedTotalSeconds`).
///
/// Units: `percent` 0–100 (never decreases within an operation; the first event is 0, the last
/// of a successful operation 100); durations.
#[doc(alias = "DDiscFormat2EraseEvents")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LongOperationProgress {
    /// Done so far.
    pub percent: u8,
    /// Time since the operation started.
    pub elapsed: Duration,
    /// Estimated whole duration (changes as the drive reports progress; ≥ `elapsed`).
    pub estimated_total: Duration,
}

impl LongOperationProgress {
    /// `elapsedSeconds` as IMAPI passes it.
    pub fn elapsed_seconds(&self) -> i32 {
        i32::try_from(self.elapsed.as_secs()).unwrap_or(i32::MAX)
    }

    /// `estimatedTotalSeconds` as IMAPI passes it.
    pub fn estimated_total_seconds(&self) -> i32 {
        i32::try_from(self.estimated_total.as_secs()).unwrap_or(i32::MAX)
    }
}

/// A format to send: FORMAT UNIT parameters and whether to wait for a background format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FormatPlan {
    pub(crate) descriptor: FormatDescriptor,
    pub(crate) dcrt: bool,
    /// DVD+RW full format: also wait until the background format is complete.
    pub(crate) wait_background: bool,
    /// The format gives spare areas.
    pub(crate) spare: bool,
}

fn not_formattable(profile: Profile, why: &str) -> Error {
    Error::refused(
        ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
        format!(
            "{} media (profile {:04X}h) {why}",
            profile.name(),
            u16::from(profile)
        ),
    )
}

fn bad_option(why: String) -> Error {
    Error::refused(ErrorCode::E_INVALIDARG, why)
}

fn descriptor(
    caps: &FormatCapacityList,
    format_type: FormatType,
    sub_type: u8,
    fallback_blocks: u32,
    fallback_parameter: u32,
) -> FormatDescriptor {
    let found = caps.first(format_type);
    FormatDescriptor {
        blocks: found.map_or(fallback_blocks, |f| f.blocks),
        format_type,
        sub_type,
        parameter: found.map_or(fallback_parameter, |f| f.parameter),
    }
}

/// The format for `profile` per the table in the module docs; `None` when nothing needs to be
/// done (BD-R without spare areas).
///
/// # Errors
/// `E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED` for media that cannot be formatted (including a
/// recorded BD-R); `E_INVALIDARG` for a spare-area choice the medium does not have.
pub(crate) fn plan_format(
    profile: Profile,
    status: DiscStatus,
    caps: &FormatCapacityList,
    spare: SpareAreas,
    quick: bool,
) -> Result<Option<FormatPlan>> {
    let formatted = caps.current_state == CapacityState::Formatted;
    let plan = |descriptor, dcrt, wait_background, spare| {
        Ok(Some(FormatPlan {
            descriptor,
            dcrt,
            wait_background,
            spare,
        }))
    };
    match profile {
        Profile::DvdPlusRw => {
            if spare == SpareAreas::With {
                return Err(bad_option("DVD+RW has no spare areas".into()));
            }
            plan(
                FormatDescriptor {
                    blocks: 0xFFFF_FFFF,
                    format_type: FormatType::DvdPlusRwBasicFormat,
                    sub_type: 0,
                    parameter: 0,
                },
                false,
                !quick,
                false,
            )
        }
        Profile::DvdMinusRwSequential | Profile::DvdMinusRwRestrictedOverwrite => {
            if spare == SpareAreas::With {
                return Err(bad_option("DVD-RW has no spare areas".into()));
            }
            let t = if quick {
                FormatType::QuickFormat
            } else {
                FormatType::CdRwDvdRwFullFormat
            };
            plan(descriptor(caps, t, 0, 0, 16), false, false, false)
        }
        Profile::DvdRam => {
            if spare == SpareAreas::Without {
                return Err(bad_option("DVD-RAM always has spare areas".into()));
            }
            plan(
                descriptor(caps, FormatType::FullFormat, 0, caps.current_blocks, 2048),
                quick,
                false,
                true,
            )
        }
        Profile::BdRe => {
            let sub_type = if !quick {
                0b10
            } else if formatted {
                0b00
            } else {
                0b01
            };
            let d = match (spare, quick) {
                (SpareAreas::Without, _) => {
                    descriptor(caps, FormatType::BdReFormatWithoutSpare, sub_type, 0, 0x800)
                }
                (SpareAreas::Default, true) => {
                    descriptor(caps, FormatType::FullFormat, 0, 0, 0x3000)
                }
                _ => descriptor(caps, FormatType::BdReFormatWithSpare, sub_type, 0, 0x3000),
            };
            let spare = spare != SpareAreas::Without;
            plan(d, false, false, spare)
        }
        Profile::BdRSrm => {
            if status != DiscStatus::Empty {
                return Err(not_formattable(
                    profile,
                    "can be formatted only while blank; this one is recorded",
                ));
            }
            if formatted {
                return Err(not_formattable(
                    profile,
                    "is formatted already; a BD-R is formatted once",
                ));
            }
            if spare == SpareAreas::Without {
                return Ok(None);
            }
            // Sub-type 01b: SRM without pseudo-overwrite (mmc.md §5.4).
            plan(
                descriptor(caps, FormatType::FullFormat, 0b01, 0, 0x3000),
                false,
                false,
                true,
            )
        }
        _ => Err(not_formattable(profile, "cannot be formatted")),
    }
}

/// Why waiting for a long operation stopped.
#[derive(Debug)]
pub(crate) enum WaitError {
    /// Not ready after [`LONG_OPERATION_LIMIT`].
    TooLong,
    /// Sense other than "operation in progress", or a transport failure.
    Unexpected(Error),
}

/// Polls TEST UNIT READY until GOOD. `on_poll(fraction, elapsed)` is called after every poll
/// that reports the unit busy, with the progress fraction (0..1) when the sense carries one.
/// UNIT ATTENTION is re-polled at once (up to 4 times in a row).
pub(crate) fn wait_until_ready(
    recorder: &mut Recorder,
    started: Duration,
    on_poll: &mut dyn FnMut(Option<f64>, Duration),
) -> std::result::Result<(), WaitError> {
    let clock = recorder.exec.clock().clone();
    let cdb = TestUnitReady.cdb();
    let mut attentions = 0;
    loop {
        let c = recorder
            .exec
            .raw(cdb.as_bytes(), DataPhase::None, Duration::from_secs(10))
            .map_err(|e| WaitError::Unexpected(transport_error(TestUnitReady::NAME, e)))?;
        if c.status == ScsiStatus::GOOD {
            return Ok(());
        }
        let elapsed = clock.now().saturating_sub(started);
        if c.status == ScsiStatus::CHECK_CONDITION {
            let sense = decode_sense(&c.sense);
            if sense.key == SenseKey::UnitAttention && attentions < 4 {
                attentions += 1;
                continue;
            }
            attentions = 0;
            if !(sense.key == SenseKey::NotReady && sense.asc == 0x04) {
                let (code, _) = crate::sense_map::classify(TestUnitReady::OPCODE, sense);
                return Err(WaitError::Unexpected(Error::Command {
                    code,
                    command: TestUnitReady::NAME,
                    sense,
                    lba: None,
                }));
            }
            let fraction = SenseData::new_checked(&c.sense[..])
                .ok()
                .and_then(|s| s.progress())
                .map(|p| f64::from(p) / 65536.0);
            on_poll(fraction, elapsed);
        } else if c.status != ScsiStatus::BUSY {
            return Err(WaitError::Unexpected(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
                format!(
                    "TEST UNIT READY: unexpected SCSI status {:02X}h",
                    c.status.0
                ),
            )));
        }
        if elapsed >= LONG_OPERATION_LIMIT {
            return Err(WaitError::TooLong);
        }
        clock.sleep(POLL_INTERVAL);
    }
}

/// Polls READ DISC INFORMATION until the DVD+RW background format is complete (status 3) or
/// stopped (0/1); TEST UNIT READY and REQUEST SENSE in between let the drive report progress
/// (NO SENSE with a progress indication, MMC's background-format reporting).
pub(crate) fn wait_background_format(
    recorder: &mut Recorder,
    started: Duration,
    on_poll: &mut dyn FnMut(Option<f64>, Duration),
) -> std::result::Result<(), WaitError> {
    let clock = recorder.exec.clock().clone();
    loop {
        wait_until_ready(recorder, started, on_poll)?;
        let di = recorder.disc_information().map_err(WaitError::Unexpected)?;
        if di.bg_format_status() != 2 {
            return Ok(());
        }
        let rs = RequestSense {
            desc: false,
            allocation_length: 18,
        };
        let fraction = match recorder.exec.data_in(&rs, 18) {
            Ok(bytes) => SenseData::new_checked(&bytes[..])
                .ok()
                .filter(|s| s.sense() == Sense::NO_SENSE)
                .and_then(|s| s.progress())
                .map(|p| f64::from(p) / 65536.0),
            Err(_) => None,
        };
        let elapsed = clock.now().saturating_sub(started);
        on_poll(fraction, elapsed);
        if elapsed >= LONG_OPERATION_LIMIT {
            return Err(WaitError::TooLong);
        }
        clock.sleep(POLL_INTERVAL);
    }
}

/// Turns progress fractions into [`LongOperationProgress`] events: percent never decreases,
/// the estimate comes from the drive's fraction when it has one, else from `initial_estimate`
/// (stretched when exceeded).
pub(crate) struct ProgressTracker {
    percent: u8,
    initial_estimate: Duration,
    /// The part of 0–100 % this stage covers.
    span: (u8, u8),
}

impl ProgressTracker {
    pub(crate) fn new(initial_estimate: Duration) -> ProgressTracker {
        ProgressTracker {
            percent: 0,
            initial_estimate,
            span: (0, 100),
        }
    }

    /// Maps the next fractions to `from..to` percent.
    pub(crate) fn set_span(&mut self, from: u8, to: u8) {
        self.span = (from, to.max(from));
    }

    pub(crate) fn event(
        &mut self,
        fraction: Option<f64>,
        elapsed: Duration,
    ) -> LongOperationProgress {
        let (from, to) = self.span;
        let overall = fraction.map(|f| {
            let f = f.clamp(0.0, 1.0);
            (f64::from(from) + f * f64::from(to - from)) / 100.0
        });
        if let Some(o) = overall {
            let p = (o * 100.0).floor().clamp(0.0, 99.0) as u8;
            self.percent = self.percent.max(p);
        } else {
            self.percent = self.percent.max(from);
        }
        let estimated_total = match overall {
            Some(o) if o > 0.0 => elapsed.div_f64(o),
            _ => self.initial_estimate,
        }
        .max(elapsed);
        LongOperationProgress {
            percent: self.percent,
            elapsed,
            estimated_total,
        }
    }

    pub(crate) fn done(&mut self, elapsed: Duration) -> LongOperationProgress {
        self.percent = 100;
        LongOperationProgress {
            percent: 100,
            elapsed,
            estimated_total: elapsed,
        }
    }
}

impl Recorder {
    /// READ FORMAT CAPACITIES (23h): the current/maximum capacity and the formats the medium
    /// accepts.
    ///
    /// # Errors
    /// Drive errors (`E_IMAPI_RECORDER_MEDIA_NO_MEDIA` without a medium);
    /// `E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE` when no current/maximum descriptor comes
    /// back.
    ///
    /// Spec: `mmc.md` §1.14.
    pub fn format_capacities(&mut self) -> Result<FormatCapacityList> {
        const ALLOC: u16 = 4 + 31 * 8;
        let bytes = self.exec.data_in(
            &ReadFormatCapacities {
                allocation_length: ALLOC,
            },
            usize::from(ALLOC),
        )?;
        let view = FormatCapacities::new_checked(&bytes[..])
            .map_err(|e| invalid("READ FORMAT CAPACITIES", e))?;
        let mut it = view.descriptors();
        let Some(current) = it.next() else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
                "READ FORMAT CAPACITIES returned no current/maximum capacity descriptor",
            ));
        };
        Ok(FormatCapacityList {
            current_blocks: current.blocks,
            current_state: match current.descriptor_type() {
                1 => CapacityState::Unformatted,
                2 => CapacityState::Formatted,
                3 => CapacityState::Unknown,
                _ => CapacityState::Reserved,
            },
            current_block_length: current.parameter,
            formats: it
                .map(|d| FormattableCapacity {
                    format_type: FormatType::from(d.format_type()),
                    blocks: d.blocks,
                    parameter: d.parameter,
                })
                .collect(),
        })
    }

    /// Sends FORMAT UNIT for `plan` with Immed (and FOV), then waits for the drive with
    /// progress; a DVD+RW full format also waits for the background format.
    pub(crate) fn run_format(
        &mut self,
        plan: &FormatPlan,
        started: Duration,
        tracker: &mut ProgressTracker,
        on_progress: &mut dyn FnMut(LongOperationProgress),
    ) -> std::result::Result<(), FormatRunError> {
        let list = FormatParameterList {
            fov: true,
            dpry: false,
            dcrt: plan.dcrt,
            stpf: false,
            ip: false,
            try_out: false,
            immed: true,
            vs: false,
            descriptor: plan.descriptor,
        };
        let bytes = list.emit();
        self.exec
            .data_out(
                &FormatUnit {
                    fmt_data: true,
                    cmp_list: false,
                },
                &bytes,
            )
            .map_err(FormatRunError::Command)?;
        if plan.wait_background {
            tracker.set_span(0, 50);
        }
        wait_until_ready(self, started, &mut |f, e| on_progress(tracker.event(f, e)))
            .map_err(FormatRunError::Wait)?;
        if plan.wait_background {
            tracker.set_span(50, 100);
            wait_background_format(self, started, &mut |f, e| on_progress(tracker.event(f, e)))
                .map_err(FormatRunError::Wait)?;
        }
        Ok(())
    }
}

/// Why [`Recorder::run_format`] failed.
#[derive(Debug)]
pub(crate) enum FormatRunError {
    /// FORMAT UNIT itself was refused.
    Command(Error),
    /// Waiting failed.
    Wait(WaitError),
}

/// A progress callback of a long operation.
type LongProgressCallback<'r> = Box<dyn FnMut(&LongOperationProgress) + 'r>;

/// What [`Formatter::format`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatOutcome {
    /// Profile before formatting.
    pub profile_before: Profile,
    /// Profile after (DVD-RW: restricted overwrite 0013h).
    pub profile: Profile,
    /// The format sent; `None` when nothing had to be done (BD-R without spare areas).
    pub format_type: Option<FormatType>,
    /// Its sub-type.
    pub sub_type: u8,
    /// True when the format has spare areas.
    pub spare_areas: bool,
    /// Capacity afterwards (READ FORMAT CAPACITIES current descriptor, else the free blocks of
    /// the next writable track).
    ///
    /// Units: blocks.
    pub capacity_blocks: u32,
    /// DVD+RW: the background format is still running (a quick format returns after the
    /// foreground part; the drive finishes while idle or writing).
    pub background_format_running: bool,
    /// Whole duration.
    pub elapsed: Duration,
}

/// Formats a DVD+RW, DVD-RW, DVD-RAM, BD-RE or blank BD-R (MMC FORMAT UNIT; IMAPI has no
/// format object of its own — it formats inside `EraseMedia` and `Write`).
///
/// Spec: `mmc.md` §1.14, §1.15, §5.4.
pub struct Formatter<'r> {
    recorder: &'r mut Recorder,
    spare: SpareAreas,
    quick: bool,
    client_name: String,
    progress: Option<LongProgressCallback<'r>>,
}

impl<'r> Formatter<'r> {
    /// A quick format with the medium's default spare areas.
    pub fn new(recorder: &'r mut Recorder) -> Formatter<'r> {
        Formatter {
            recorder,
            spare: SpareAreas::Default,
            quick: true,
            client_name: "discmaster".into(),
            progress: None,
        }
    }

    /// Spare areas to ask for.
    pub fn set_spare_areas(&mut self, spare: SpareAreas) {
        self.spare = spare;
    }

    /// Quick (default) or full format (see the module table).
    pub fn set_quick(&mut self, quick: bool) {
        self.quick = quick;
    }

    /// The exclusive-access owner name used while formatting.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID` for an empty or unprintable name.
    pub fn set_client_name(&mut self, name: &str) -> Result<()> {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID,
                format!("client name {name:?} is not valid (printable ASCII, not empty)"),
            ));
        }
        self.client_name = name.to_string();
        Ok(())
    }

    /// Calls `f` with progress from 0 to 100 %.
    pub fn on_progress(&mut self, f: impl FnMut(&LongOperationProgress) + 'r) {
        self.progress = Some(Box::new(f));
    }

    /// Formats the loaded medium and waits until the drive is done.
    ///
    /// # Errors
    /// Before the medium changes: `E_IMAPI_RECORDER_MEDIA_NO_MEDIA`;
    /// `E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED` (0xC0AA0909) for media that cannot be formatted
    /// (CD, DVD±R, a recorded BD-R); `E_INVALIDARG` for a spare-area choice the medium lacks;
    /// `E_IMAPI_RECORDER_LOCKED` when another client holds the drive.
    /// Afterwards: `E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND` (0x80AA0905) when the drive
    /// refuses FORMAT UNIT (with its sense); `E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR`;
    /// `E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE` for other errors while waiting.
    pub fn format(&mut self) -> Result<FormatOutcome> {
        let clock = self.recorder.exec.clock().clone();
        let started = clock.now();
        let profile = self.recorder.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
                "no medium in the drive",
            ));
        }
        let status = self.recorder.disc_information()?.disc_status();
        let caps = match self.recorder.format_capacities() {
            Ok(c) => c,
            Err(Error::Command { sense, .. }) if sense.key == SenseKey::IllegalRequest => {
                return Err(not_formattable(
                    profile,
                    "cannot be formatted by this drive",
                ))
            }
            Err(e) => return Err(e),
        };
        let plan = plan_format(profile, status, &caps, self.spare, self.quick)?;
        self.recorder
            .acquire_exclusive_access(false, &self.client_name.clone())?;
        let result = self.format_exclusive(profile, plan, started);
        self.recorder.release_exclusive_access();
        result
    }

    fn format_exclusive(
        &mut self,
        profile: Profile,
        plan: Option<FormatPlan>,
        started: Duration,
    ) -> Result<FormatOutcome> {
        let clock = self.recorder.exec.clock().clone();
        let mut tracker = ProgressTracker::new(initial_estimate(profile, !self.quick));
        let mut progress = self.progress.take();
        let mut emit = |p: LongOperationProgress| {
            if let Some(f) = progress.as_mut() {
                f(&p);
            }
        };
        emit(tracker.event(Some(0.0), Duration::ZERO));
        let result = match &plan {
            Some(plan) => self
                .recorder
                .run_format(plan, started, &mut tracker, &mut emit)
                .map_err(|e| format_error(e, "FORMAT UNIT")),
            None => Ok(()),
        };
        if let Err(e) = result {
            self.progress = progress;
            return Err(e);
        }
        let elapsed = clock.now().saturating_sub(started);
        emit(tracker.done(elapsed));
        self.progress = progress;
        let after = self.recorder.current_profile()?;
        let capacity_blocks = medium_capacity(self.recorder)?;
        let background = matches!(after, Profile::DvdPlusRw)
            && self.recorder.disc_information()?.bg_format_status() == 2;
        Ok(FormatOutcome {
            profile_before: profile,
            profile: after,
            format_type: plan.map(|p| p.descriptor.format_type),
            sub_type: plan.map_or(0, |p| p.descriptor.sub_type),
            spare_areas: plan.is_some_and(|p| p.spare),
            capacity_blocks,
            background_format_running: background,
            elapsed,
        })
    }
}

/// Capacity of the medium for data: the formatted capacity of overwritable media, else the
/// next writable address plus the free blocks of the invisible track.
///
/// Units: blocks.
pub(crate) fn medium_capacity(recorder: &mut Recorder) -> Result<u32> {
    if let Ok(c) = recorder.format_capacities() {
        if matches!(
            c.current_state,
            CapacityState::Formatted | CapacityState::Unknown
        ) && c.current_blocks != 0
        {
            return Ok(c.current_blocks);
        }
    }
    // Overwritable media have no invisible track: ask track 1 then (mmc.md §5.3).
    let ti = match recorder.track_information(0xFF) {
        Err(Error::Command { sense, .. }) if sense.key == SenseKey::IllegalRequest => {
            recorder.track_information(1)?
        }
        other => other?,
    };
    let nwa = u32::try_from(ti.next_writable_address().0.max(0)).unwrap_or(0);
    Ok(if ti.nwa_v() {
        nwa.saturating_add(ti.free_blocks())
    } else {
        u32::try_from(ti.track_start_address().0.max(0))
            .unwrap_or(0)
            .saturating_add(ti.track_size())
    })
}

/// Maps a failed long operation to IMAPI's erase codes: the command refused →
/// `E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND` (keeping the sense); too long →
/// `E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR`; anything else while waiting →
/// `E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE`.
pub(crate) fn format_error(e: FormatRunError, what: &str) -> Error {
    match e {
        FormatRunError::Command(Error::Command {
            command,
            sense,
            lba,
            ..
        }) => Error::Command {
            code: ErrorCode::E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND,
            command,
            sense,
            lba,
        },
        FormatRunError::Command(other) => other,
        FormatRunError::Wait(w) => wait_error(w, what),
    }
}

pub(crate) fn wait_error(w: WaitError, what: &str) -> Error {
    match w {
        WaitError::TooLong => Error::refused(
            ErrorCode::E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR,
            format!("the drive did not finish {what} within one hour"),
        ),
        WaitError::Unexpected(Error::Command {
            command,
            sense,
            lba,
            ..
        }) => Error::Command {
            code: ErrorCode::E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE,
            command,
            sense,
            lba,
        },
        WaitError::Unexpected(other) => other,
    }
}

/// A first guess of how long a format or erase takes, before the drive reports progress
/// (typical figures: a quick format or minimal blank about a minute, a full DVD-RW blank or
/// BD certification tens of minutes).
pub(crate) fn initial_estimate(profile: Profile, full: bool) -> Duration {
    let secs = match (profile, full) {
        (Profile::CdRw, false) => 60,
        (Profile::CdRw, true) => 600,
        (Profile::DvdMinusRwSequential | Profile::DvdMinusRwRestrictedOverwrite, false) => 60,
        (Profile::DvdMinusRwSequential | Profile::DvdMinusRwRestrictedOverwrite, true) => 1200,
        (Profile::DvdPlusRw, false) => 60,
        (Profile::DvdPlusRw, true) => 1800,
        (Profile::BdRe | Profile::BdRSrm, false) => 120,
        (Profile::BdRe | Profile::BdRSrm, true) => 3000,
        (_, false) => 60,
        (_, true) => 1200,
    };
    Duration::from_secs(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bd_re_caps(state: CapacityState) -> FormatCapacityList {
        // The BD-RE list of mmc.md §5.4.
        let f = |t: u8, blocks, parameter| FormattableCapacity {
            format_type: FormatType::from(t),
            blocks,
            parameter,
        };
        FormatCapacityList {
            current_blocks: 12_219_392,
            current_state: state,
            current_block_length: 2048,
            formats: vec![
                f(0x00, 11_826_176, 0x3000),
                f(0x30, 11_826_176, 0x3000),
                f(0x30, 11_564_032, 0x5000),
                f(0x30, 12_088_320, 0x1000),
                f(0x31, 12_219_392, 0x0800),
            ],
        }
    }

    #[test]
    fn plan_bd_re_spare_choices() {
        let caps = bd_re_caps(CapacityState::Unformatted);
        let p = |s, q| {
            plan_format(Profile::BdRe, DiscStatus::Empty, &caps, s, q)
                .unwrap()
                .unwrap()
        };
        let d = p(SpareAreas::Default, true).descriptor;
        assert_eq!(
            (d.format_type, d.blocks, d.parameter),
            (FormatType::FullFormat, 11_826_176, 0x3000)
        );
        let d = p(SpareAreas::With, true).descriptor;
        assert_eq!(
            (d.format_type, d.sub_type),
            (FormatType::BdReFormatWithSpare, 0b01)
        );
        let d = p(SpareAreas::With, false).descriptor;
        assert_eq!(
            (d.format_type, d.sub_type),
            (FormatType::BdReFormatWithSpare, 0b10)
        );
        let w = p(SpareAreas::Without, true);
        assert_eq!(w.descriptor.format_type, FormatType::BdReFormatWithoutSpare);
        assert_eq!(w.descriptor.blocks, 12_219_392);
        assert!(!w.spare);
        let caps = bd_re_caps(CapacityState::Formatted);
        let d = plan_format(
            Profile::BdRe,
            DiscStatus::Complete,
            &caps,
            SpareAreas::With,
            true,
        )
        .unwrap()
        .unwrap()
        .descriptor;
        assert_eq!(d.sub_type, 0b00, "quick reformat of a formatted disc");
    }

    #[test]
    fn plan_refusals_have_imapi_codes() {
        let caps = bd_re_caps(CapacityState::Unformatted);
        for p in [
            Profile::CdR,
            Profile::CdRw,
            Profile::DvdPlusR,
            Profile::DvdMinusRSequential,
        ] {
            let e =
                plan_format(p, DiscStatus::Empty, &caps, SpareAreas::Default, true).unwrap_err();
            assert_eq!(
                e.code(),
                ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
                "{p:?}"
            );
        }
        let e = plan_format(
            Profile::BdRSrm,
            DiscStatus::Incomplete,
            &caps,
            SpareAreas::With,
            true,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED);
        let e = plan_format(
            Profile::DvdPlusRw,
            DiscStatus::Empty,
            &caps,
            SpareAreas::With,
            true,
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::E_INVALIDARG);
        assert_eq!(
            plan_format(
                Profile::BdRSrm,
                DiscStatus::Empty,
                &caps,
                SpareAreas::Without,
                true
            )
            .unwrap(),
            None
        );
        let formatted = bd_re_caps(CapacityState::Formatted);
        let e = plan_format(
            Profile::BdRSrm,
            DiscStatus::Empty,
            &formatted,
            SpareAreas::With,
            true,
        )
        .unwrap_err();
        assert_eq!(
            e.code(),
            ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
            "formatted once"
        );
    }

    #[test]
    fn progress_tracker_never_goes_back_and_ends_at_100() {
        let mut t = ProgressTracker::new(Duration::from_secs(60));
        let a = t.event(Some(0.5), Duration::from_secs(10));
        assert_eq!(a.percent, 50);
        assert_eq!(a.estimated_total, Duration::from_secs(20));
        let b = t.event(Some(0.25), Duration::from_secs(11));
        assert_eq!(b.percent, 50);
        let c = t.event(None, Duration::from_secs(12));
        assert_eq!(c.percent, 50);
        assert_eq!(t.done(Duration::from_secs(13)).percent, 100);
        let mut t = ProgressTracker::new(Duration::from_secs(60));
        t.set_span(50, 100);
        assert_eq!(t.event(Some(0.5), Duration::from_secs(1)).percent, 75);
        assert_eq!(
            LongOperationProgress {
                percent: 1,
                elapsed: Duration::from_millis(2500),
                estimated_total: Duration::from_secs(9)
            }
            .elapsed_seconds(),
            2
        );
    }
}
