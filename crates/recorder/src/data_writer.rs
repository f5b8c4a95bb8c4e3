//! [`DataWriter`] = IMAPI `IDiscFormat2Data`: writes a 2048-byte-sector image (ISO 9660/UDF)
//! as one new session at the next writable address of sequential media, or from sector 0 of
//! overwritable media (all of it, or only the ranges of a [`BlockRangeList`]), then reads it
//! back and compares (on by default).
//!
//! Media (`imapi2.md` §5.3, §5.10; `mmc.md` §5.2):
//! - sequential: CD-R, CD-RW (treated as sequential, as IMAPI does), DVD-R, DVD-RW sequential,
//!   DVD-R DL, DVD+R, DVD+R DL, BD-R (with or without spare areas) — one new session;
//! - overwritable: DVD+RW, DVD-RW restricted overwrite, DVD-RAM, BD-RE — stream byte 0 is
//!   sector 0. An unformatted DVD+RW or BD-RE is formatted first (FORMATTING_MEDIA phase:
//!   DVD+RW 26h, BD-RE 00h with the default spare areas). Writing over a medium that is not
//!   (heuristically) blank needs `ForceOverwrite`, except for a block-range write, which is how
//!   IMAPI appends a logical session. Writes are aligned to the write unit (16 sectors on DVD,
//!   32 on BD): a range is widened to whole units with data from the stream, and the end of
//!   the image is padded with zeros.
//!
//! Order of a write (`imapi2.md` §5.3; `mmc.md` §5.2, §6.2):
//! 1. validating media — stream size, profile, disc status, NWA and free space, block ranges,
//!    blankness; every refusal happens here, before any command that changes the medium;
//! 2. formatting media — only an unformatted DVD+RW or BD-RE;
//! 3. initializing hardware — the requested write speed (SET CD SPEED / SET STREAMING); MODE
//!    SELECT page 05h on CD-R/RW (TAO, Mode 1) and DVD-R/-RW (incremental), with the Test
//!    Write bit for a simulation; DVD+R, BD and overwritable media take no page 05h;
//! 4. calibrating power — SEND OPC INFORMATION on CD and DVD-R (a drive answering 5/20/00 is fine);
//! 5. writing data — WRITE(10) of 32 sectors at a time from a bounded ring filled by a reader
//!    thread (memory does not grow with the image);
//! 6. finalization — SYNCHRONIZE CACHE, then CLOSE TRACK and CLOSE SESSION or finalize on
//!    sequential media; on DVD+RW a running background format is stopped compatibly (CLOSE
//!    010b), a DVD-RW in the intermediate state gets CLOSE SESSION;
//! 7. verifying — READ(10) back and compare SHA-256 digests of each 1 MiB chunk (not after a
//!    simulation: nothing was recorded);
//! 8. completed.
//!
//! A cancelled or failed write stops at a chunk boundary, flushes, closes the track and the
//! session (appendable) so what was written stays readable, and says so in the error.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use discmaster_core::{ErrorCode, Lba, SECTOR_SIZE};
use discmaster_mmc::commands::{
    CloseTrackSession, ModeSelect10, ModeSense10, SendOpcInformation, SynchronizeCache, Write10,
};
use discmaster_mmc::pages::{emit_mode_parameter_list, ModePages, WriteParametersPage};
use discmaster_mmc::{
    CloseFunction, DataBlockType, DiscStatus, MultiSession, PageControl, Profile, SenseKey,
    SessionFormat, WriteType,
};
use sha2::{Digest, Sha256};

use crate::block_range::BlockRangeList;
use crate::error::{Error, Result};
use crate::format::{
    medium_capacity, plan_format, wait_error, CapacityState, FormatPlan, FormatRunError,
    LongOperationProgress, ProgressTracker, SpareAreas,
};
use crate::multisession::{MultisessionInfo, MultisessionRandomWrite};
use crate::progress::{CancelHandle, ProgressEvent, WriteAction};
use crate::recorder::{at_lba, Recorder};
use crate::ring::Ring;
use crate::speed::{CurrentWriteSpeed, WriteSpeedDescriptor, WriteSpeedSetting};

/// Sectors per WRITE(10)/READ(10) command (64 KiB; one BD cluster, four DVD ECC blocks).
const SECTORS_PER_COMMAND: u32 = 32;
/// Bytes per ring buffer (also the verification digest granularity).
const CHUNK_BYTES: usize = 1 << 20;
/// Ring depth: buffers between the reader thread and the writer.
const RING_DEPTH: usize = 8;
/// Progress cadence while writing (IMAPI: every 0.5 s).
const PROGRESS_INTERVAL: Duration = Duration::from_millis(500);
/// Sectors at each end of an overwritable medium that `MediaHeuristicallyBlank` checks
/// (IMAPI: "first and last 2 MB all zero", `imapi2.md` §2.5).
const HEURISTIC_BLANK_SECTORS: u32 = 1024;

/// Flags of IMAPI `IMAPI_FORMAT2_DATA_MEDIA_STATE` (`imapi2.md` §3.10).
pub mod media_state {
    /// 0x0001 overwrite only (rewritable, single physical session).
    pub const OVERWRITE_ONLY: u32 = 0x0001;
    /// 0x0002 blank.
    pub const BLANK: u32 = 0x0002;
    /// 0x0004 appendable.
    pub const APPENDABLE: u32 = 0x0004;
    /// 0x0008 final session (one more session possible, or no multisession).
    pub const FINAL_SESSION: u32 = 0x0008;
    /// 0x0400 damaged.
    pub const DAMAGED: u32 = 0x0400;
    /// 0x0800 erase required.
    pub const ERASE_REQUIRED: u32 = 0x0800;
    /// 0x1000 non-empty (partially written) last session.
    pub const NON_EMPTY_SESSION: u32 = 0x1000;
    /// 0x2000 write protected.
    pub const WRITE_PROTECTED: u32 = 0x2000;
    /// 0x4000 finalized.
    pub const FINALIZED: u32 = 0x4000;
    /// 0x8000 media type not supported by the data writer.
    pub const UNSUPPORTED_MEDIA: u32 = 0x8000;
    /// 0xFC00 mask of "cannot use" bits.
    pub const UNSUPPORTED_MASK: u32 = 0xFC00;
}

/// An overwritable profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overwrite {
    DvdPlusRw,
    DvdMinusRwRestricted,
    DvdRam,
    BdRe,
}

/// How a profile is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recording {
    /// CD-R/RW: track at once, Mode 1, page 05h.
    CdTrackAtOnce,
    /// DVD-R/-RW sequential: incremental streaming, page 05h.
    DvdMinusIncremental,
    /// DVD+R (single or dual layer): fragments, no page 05h.
    DvdPlus { dual_layer: bool },
    /// BD-R SRM: sequential recording ranges, no page 05h.
    BdSequential,
    /// Overwritable media: WRITE anywhere from sector 0.
    Overwrite(Overwrite),
}

impl Recording {
    fn for_profile(p: Profile) -> Option<Recording> {
        Some(match p {
            Profile::CdR | Profile::CdRw => Recording::CdTrackAtOnce,
            Profile::DvdMinusRSequential
            | Profile::DvdMinusRwSequential
            | Profile::DvdMinusRDlSequential => Recording::DvdMinusIncremental,
            Profile::DvdPlusR => Recording::DvdPlus { dual_layer: false },
            Profile::DvdPlusRDl => Recording::DvdPlus { dual_layer: true },
            Profile::BdRSrm => Recording::BdSequential,
            Profile::DvdPlusRw => Recording::Overwrite(Overwrite::DvdPlusRw),
            Profile::DvdMinusRwRestrictedOverwrite => {
                Recording::Overwrite(Overwrite::DvdMinusRwRestricted)
            }
            Profile::DvdRam => Recording::Overwrite(Overwrite::DvdRam),
            Profile::BdRe => Recording::Overwrite(Overwrite::BdRe),
            _ => return None,
        })
    }

    /// Sectors per ECC block / cluster: what a closed sequential track is padded to, and the
    /// write unit of overwritable media.
    fn padding_unit(self) -> u32 {
        match self {
            Recording::CdTrackAtOnce => 1,
            Recording::DvdMinusIncremental | Recording::DvdPlus { .. } => 16,
            Recording::BdSequential | Recording::Overwrite(Overwrite::BdRe) => 32,
            Recording::Overwrite(_) => 16,
        }
    }

    /// Media written with mode page 05h (and therefore able to simulate with Test Write).
    fn takes_page05(self) -> bool {
        matches!(
            self,
            Recording::CdTrackAtOnce | Recording::DvdMinusIncremental
        )
    }
}

/// What a successful write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// Profile of the medium written.
    pub profile: Profile,
    /// First LBA written (the new track on sequential media; sector 0 or the first block
    /// range on overwritable media).
    pub start_lba: Lba,
    /// Sectors recorded: the image on sequential media; on overwritable media including the
    /// zero padding to whole write units and the widening of block ranges to them.
    pub sectors_written: u32,
    /// Track number of the new track (1 on overwritable media).
    pub track: u16,
    /// Session number of the new session (1 on overwritable media).
    pub session: u16,
    /// True when the data was read back and matched.
    pub verified: bool,
    /// True when the disc was finalized (no further session possible).
    pub closed: bool,
    /// True when this was a simulation (Test Write): the whole burn ran but nothing was
    /// recorded; the disc is as before.
    pub simulated: bool,
    /// True when the medium was formatted first (unformatted DVD+RW or BD-RE).
    pub formatted: bool,
    /// The write speed request applied, with what the drive settled on.
    pub speed: Option<WriteSpeedSetting>,
    /// The speed the drive reports after the write (`CurrentWriteSpeed`), when it can say.
    pub write_speed: Option<CurrentWriteSpeed>,
    /// `S_OK`, or the success code `S_IMAPI_SPEEDADJUSTED` / `S_IMAPI_ROTATIONADJUSTED` /
    /// `S_IMAPI_BOTHADJUSTED` when the drive did not use the requested speed (IMAPI `Write`'s
    /// return value).
    pub code: ErrorCode,
    /// Whole duration.
    pub elapsed: Duration,
}

/// One multisession helper of the loaded medium (IMAPI `MultisessionInterfaces`).
///
/// Spec: `imapi2.md` §2.13, §5.10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multisession {
    /// `IMultisessionSequential`: write-once media (and CD-RW).
    Sequential(MultisessionInfo),
    /// `IMultisessionRandomWrite`: overwritable media.
    RandomWrite(MultisessionRandomWrite),
}

/// A progress callback (IMAPI `DDiscFormat2DataEvents::Update`).
type ProgressCallback<'r> = Box<dyn FnMut(&ProgressEvent) + 'r>;

/// A seekable stream (block-range writes read the ranges out of order).
trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// The image stream of a write.
enum Source {
    Plain(Box<dyn Read + Send>),
    Seekable(Box<dyn ReadSeek>),
}

impl Source {
    fn into_read(self) -> Box<dyn Read + Send> {
        match self {
            Source::Plain(r) => r,
            Source::Seekable(r) => Box::new(r),
        }
    }
}

/// A run of sectors on the medium: `sectors` from `lba`, holding linear sectors `index..` of
/// what the ring delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Extent {
    lba: i32,
    index: u32,
    sectors: u32,
}

/// Where the linear sectors go.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layout {
    extents: Vec<Extent>,
    total: u32,
}

impl Layout {
    fn new(runs: &[(i32, u32)]) -> Layout {
        let mut extents = Vec::with_capacity(runs.len());
        let mut index = 0u32;
        for &(lba, sectors) in runs {
            extents.push(Extent {
                lba,
                index,
                sectors,
            });
            index = index.saturating_add(sectors);
        }
        Layout {
            extents,
            total: index,
        }
    }

    fn start(&self) -> Lba {
        Lba(self.extents.first().map_or(0, |e| e.lba))
    }

    /// The LBA of linear sector `index` and how many sectors (≤ `max`) follow it contiguously.
    fn run(&self, index: u32, max: u32) -> (Lba, u32) {
        let e = self
            .extents
            .iter()
            .find(|e| index >= e.index && index - e.index < e.sectors)
            .copied()
            .unwrap_or(Extent {
                lba: 0,
                index,
                sectors: max,
            });
        let within = index - e.index;
        (Lba(e.lba + within as i32), (e.sectors - within).min(max))
    }
}

/// The stream followed by zeros up to `total` bytes (the padding of the last write unit).
struct PaddedReader {
    inner: std::io::Take<Box<dyn Read + Send>>,
    padding: u64,
}

impl Read for PaddedReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 || buf.is_empty() {
            return Ok(n);
        }
        if self.inner.limit() > 0 {
            // The stream ended early: let the writer report it.
            return Ok(0);
        }
        let k = (buf.len() as u64).min(self.padding) as usize;
        buf[..k].fill(0);
        self.padding -= k as u64;
        Ok(k)
    }
}

/// The stream's bytes of each extent in turn (seeking), zeros past the stream's end.
struct ExtentReader {
    inner: Box<dyn ReadSeek>,
    stream_bytes: u64,
    /// (byte offset, byte length) in the stream.
    extents: Vec<(u64, u64)>,
    current: usize,
    done: u64,
    positioned: bool,
}

impl Read for ExtentReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let Some(&(start, len)) = self.extents.get(self.current) else {
                return Ok(0);
            };
            if self.done == len {
                self.current += 1;
                self.done = 0;
                self.positioned = false;
                continue;
            }
            if buf.is_empty() {
                return Ok(0);
            }
            let at = start + self.done;
            let want = (buf.len() as u64).min(len - self.done) as usize;
            let n = if at >= self.stream_bytes {
                buf[..want].fill(0);
                want
            } else {
                if !self.positioned {
                    self.inner.seek(SeekFrom::Start(at))?;
                    self.positioned = true;
                }
                let k = (want as u64).min(self.stream_bytes - at) as usize;
                let n = self.inner.read(&mut buf[..k])?;
                if n == 0 {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!("the stream ended at byte {at}; the block ranges need more"),
                    ));
                }
                n
            };
            self.done += n as u64;
            return Ok(n);
        }
    }
}

/// Everything the validation decided.
struct Plan {
    profile: Profile,
    recording: Recording,
    layout: Layout,
    reader: Box<dyn Read + Send>,
    track: u16,
    session: u16,
    close: bool,
    format: Option<FormatPlan>,
}

/// The data writer (IMAPI `IDiscFormat2Data`).
#[doc(alias = "IDiscFormat2Data")]
pub struct DataWriter<'r> {
    recorder: &'r mut Recorder,
    client_name: String,
    force_media_to_be_closed: bool,
    disable_consumer_dvd_compatibility_mode: bool,
    buffer_underrun_free_disabled: bool,
    force_overwrite: bool,
    simulate: bool,
    verify: bool,
    requested_speed: Option<(i32, bool)>,
    cancel: CancelHandle,
    progress: Option<ProgressCallback<'r>>,
}

impl<'r> DataWriter<'r> {
    /// A writer for `recorder` with IMAPI's defaults: no forced close, consumer DVD
    /// compatibility on (DVD+R gets closed, `imapi2.md` §5.4), BUFE on, no forced overwrite,
    /// the drive's current speed, verification on (discmaster's default; IMAPI's is off),
    /// client name `"discmaster"`.
    pub fn new(recorder: &'r mut Recorder) -> DataWriter<'r> {
        DataWriter {
            recorder,
            client_name: "discmaster".into(),
            force_media_to_be_closed: false,
            disable_consumer_dvd_compatibility_mode: false,
            buffer_underrun_free_disabled: false,
            force_overwrite: false,
            simulate: false,
            verify: true,
            requested_speed: None,
            cancel: CancelHandle::new(),
            progress: None,
        }
    }

    /// `ClientName`: the application name recorded as the exclusive-access owner.
    ///
    /// # Errors
    /// `E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID` (0xC0AA0408) when empty, longer than 64
    /// characters, or containing characters other than ASCII letters, digits, space, `_`, `-`, `.`.
    pub fn set_client_name(&mut self, name: &str) -> Result<()> {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'));
        if !ok {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID,
                format!("client name {name:?} is not valid (1–64 of A–Z a–z 0–9 space _ - .)"),
            ));
        }
        self.client_name = name.to_string();
        Ok(())
    }

    /// `ForceMediaToBeClosed`: finalize the disc after this write (no further sessions).
    pub fn set_force_media_to_be_closed(&mut self, close: bool) {
        self.force_media_to_be_closed = close;
    }

    /// `DisableConsumerDvdCompatibilityMode`: TRUE keeps DVD+R appendable unless a close is
    /// forced (IMAPI's default FALSE closes DVD+R after every write, `imapi2.md` §5.4).
    pub fn set_disable_consumer_dvd_compatibility_mode(&mut self, disable: bool) {
        self.disable_consumer_dvd_compatibility_mode = disable;
    }

    /// `BufferUnderrunFreeDisabled`: TRUE turns BUFE (BURN-Free) off in page 05h (CD-R/RW,
    /// DVD-R/-RW). BURN-Free is on by default.
    pub fn set_buffer_underrun_free_disabled(&mut self, disabled: bool) {
        self.buffer_underrun_free_disabled = disabled;
    }

    /// `ForceOverwrite`: on overwritable media, write over a medium that is not blank (without
    /// it such a write is refused with `E_IMAPI_DF2DATA_MEDIA_NOT_BLANK`). No effect on
    /// sequential media.
    pub fn set_force_overwrite(&mut self, force: bool) {
        self.force_overwrite = force;
    }

    /// `ForceOverwrite`.
    pub fn force_overwrite(&self) -> bool {
        self.force_overwrite
    }

    /// Simulation: the whole burn runs with the Test Write bit of mode page 05h (laser at
    /// read power), nothing is recorded, and the outcome says `simulated`. CD-R/RW and
    /// DVD-R/-RW sequential only.
    pub fn set_simulate(&mut self, simulate: bool) {
        self.simulate = simulate;
    }

    /// Read back and compare after writing (IMAPI `IBurnVerification` level FULL). On by default.
    pub fn set_verify(&mut self, verify: bool) {
        self.verify = verify;
    }

    /// Calls `f` with every progress event (IMAPI `DDiscFormat2DataEvents::Update`).
    pub fn on_progress(&mut self, f: impl FnMut(&ProgressEvent) + 'r) {
        self.progress = Some(Box::new(f));
    }

    /// A handle whose `cancel()` stops the running write (IMAPI `CancelWrite`). The write then
    /// returns `E_IMAPI_REQUEST_CANCELLED` (0xC0AA0002) naming the state of the disc.
    pub fn cancel_handle(&self) -> CancelHandle {
        self.cancel.clone()
    }

    /// `SetWriteSpeed(RequestedSectorsPerSecond, RotationTypeIsPureCAV)`: stores the request
    /// (applied again by every `write`, as the medium may change) and, with a medium loaded,
    /// applies it now (see [`Recorder::set_write_speed`]). −1 = fastest.
    ///
    /// # Errors
    /// `E_INVALIDARG` below −1; drive errors of the SET command.
    pub fn set_write_speed(
        &mut self,
        sectors_per_second: i32,
        pure_cav: bool,
    ) -> Result<Option<WriteSpeedSetting>> {
        if sectors_per_second < -1 {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                format!("write speed {sectors_per_second} sectors/s (−1 = fastest, else ≥ 0)"),
            ));
        }
        self.requested_speed = Some((sectors_per_second, pure_cav));
        if self.recorder.current_profile()? == Profile::NoCurrentProfile {
            return Ok(None);
        }
        self.recorder
            .set_write_speed(sectors_per_second, pure_cav)
            .map(Some)
    }

    /// `RequestedWriteSpeed` (−1 = fastest, also when never set).
    pub fn requested_write_speed(&self) -> i32 {
        self.requested_speed.map_or(-1, |(s, _)| s)
    }

    /// `RequestedRotationTypeIsPureCAV`.
    pub fn requested_rotation_type_is_pure_cav(&self) -> bool {
        self.requested_speed.is_some_and(|(_, c)| c)
    }

    /// `CurrentWriteSpeed` / `CurrentRotationTypeIsPureCAV` (see
    /// [`Recorder::current_write_speed`]).
    ///
    /// # Errors
    /// Drive errors.
    pub fn current_write_speed(&mut self) -> Result<Option<CurrentWriteSpeed>> {
        self.recorder.current_write_speed()
    }

    /// `SupportedWriteSpeeds` (sectors/s, fastest first).
    ///
    /// # Errors
    /// Drive errors.
    pub fn supported_write_speeds(&mut self) -> Result<Vec<u32>> {
        self.recorder.supported_write_speeds()
    }

    /// `SupportedWriteSpeedDescriptors`.
    ///
    /// # Errors
    /// Drive errors.
    pub fn supported_write_speed_descriptors(&mut self) -> Result<Vec<WriteSpeedDescriptor>> {
        self.recorder.supported_write_speed_descriptors()
    }

    /// `CurrentMediaStatus`: the `media_state` flags of the loaded medium.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` without a medium; drive errors.
    pub fn current_media_status(&mut self) -> Result<u32> {
        let profile = self.recorder.current_profile()?;
        let di = self.recorder.disc_information()?;
        let mut state = 0;
        let recording = Recording::for_profile(profile);
        if recording.is_none() {
            state |= media_state::UNSUPPORTED_MEDIA;
        }
        if let Some(Recording::Overwrite(_)) = recording {
            state |= media_state::OVERWRITE_ONLY;
            if di.disc_status() == DiscStatus::Empty {
                state |= media_state::BLANK;
            }
            return Ok(state);
        }
        state |= match di.disc_status() {
            DiscStatus::Empty => media_state::BLANK,
            DiscStatus::Incomplete => media_state::APPENDABLE,
            DiscStatus::Complete => media_state::FINALIZED,
            DiscStatus::Other => media_state::OVERWRITE_ONLY,
            DiscStatus::Unknown(_) => media_state::DAMAGED,
        };
        Ok(state)
    }

    /// `MediaPhysicallyBlank`: the drive reports the disc blank (disc status empty; an
    /// unformatted DVD+RW or BD-RE).
    ///
    /// # Errors
    /// Drive errors.
    pub fn media_physically_blank(&mut self) -> Result<bool> {
        Ok(self.recorder.disc_information()?.disc_status() == DiscStatus::Empty)
    }

    /// `MediaHeuristicallyBlank`: physically blank, or an overwritable medium whose first and
    /// last 2 MiB read as zeros (sectors the drive refuses to read count as blank).
    ///
    /// # Errors
    /// Drive errors other than the refusal of a read.
    pub fn media_heuristically_blank(&mut self) -> Result<bool> {
        if self.media_physically_blank()? {
            return Ok(true);
        }
        let profile = self.recorder.current_profile()?;
        if !matches!(
            Recording::for_profile(profile),
            Some(Recording::Overwrite(_))
        ) {
            return Ok(false);
        }
        let capacity = medium_capacity(self.recorder)?;
        heuristically_blank(self.recorder, capacity)
    }

    /// `TotalSectorsOnMedia`: the formatted capacity of overwritable media (with spare areas
    /// the smaller figure; an unformatted medium gives its maximum formattable capacity),
    /// else the next writable address plus the free blocks (the disc's end when closed).
    ///
    /// Units: sectors.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA`; drive errors.
    pub fn total_sectors_on_media(&mut self) -> Result<u32> {
        let profile = self.recorder.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Err(no_media());
        }
        if matches!(
            Recording::for_profile(profile),
            Some(Recording::Overwrite(_))
        ) {
            let caps = self.recorder.format_capacities()?;
            return Ok(caps.current_blocks);
        }
        if self.recorder.disc_information()?.disc_status() == DiscStatus::Complete {
            let (last, _) = self.recorder.read_capacity()?;
            return Ok(u32::try_from(last.0.saturating_add(1)).unwrap_or(0));
        }
        medium_capacity(self.recorder)
    }

    /// `FreeSectorsOnMedia`: on overwritable media the whole capacity (IMAPI: the real free
    /// space needs a file-system import); on sequential media the free blocks of the next
    /// writable track (BD-R with spare areas: less than without); 0 on a closed disc.
    ///
    /// Units: sectors.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA`; drive errors.
    pub fn free_sectors_on_media(&mut self) -> Result<u32> {
        let profile = self.recorder.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Err(no_media());
        }
        if matches!(
            Recording::for_profile(profile),
            Some(Recording::Overwrite(_))
        ) {
            return self.total_sectors_on_media();
        }
        Ok(self.recorder.disc_summary()?.free_sectors)
    }

    /// `NextWritableAddress`: 0 on overwritable and blank media, else the NWA of the next
    /// session.
    ///
    /// # Errors
    /// `E_IMAPI_DF2DATA_INVALID_MEDIA_STATE` (0xC0AA0402) on a closed disc; drive errors.
    pub fn next_writable_address(&mut self) -> Result<Lba> {
        let profile = self.recorder.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Err(no_media());
        }
        if matches!(
            Recording::for_profile(profile),
            Some(Recording::Overwrite(_))
        ) {
            return Ok(Lba(0));
        }
        Ok(self.recorder.multisession_info()?.next_writable_address)
    }

    /// `MultisessionInterfaces`: `IMultisessionRandomWrite` on overwritable media, else
    /// `IMultisessionSequential`.
    ///
    /// # Errors
    /// As [`Recorder::multisession_info`] / [`Recorder::multisession_random_write`].
    pub fn multisession_interfaces(&mut self) -> Result<Vec<Multisession>> {
        let profile = self.recorder.current_profile()?;
        if matches!(
            Recording::for_profile(profile),
            Some(Recording::Overwrite(_))
        ) {
            return Ok(vec![Multisession::RandomWrite(
                self.recorder.multisession_random_write()?,
            )]);
        }
        Ok(vec![Multisession::Sequential(
            self.recorder.multisession_info()?,
        )])
    }

    /// Writes the file at `path` (opened read-only; never modified). See [`DataWriter::write`].
    ///
    /// # Errors
    /// `E_DISCMASTER_IO` when the file cannot be opened; everything [`DataWriter::write`] returns.
    pub fn write_file(&mut self, path: &Path) -> Result<WriteOutcome> {
        let (file, size) = open_image(path)?;
        self.write(file, size)
    }

    /// Writes the sectors of the file at `path` that `ranges` names. See
    /// [`DataWriter::write_with_ranges`].
    ///
    /// # Errors
    /// `E_DISCMASTER_IO` when the file cannot be opened; everything
    /// [`DataWriter::write_with_ranges`] returns.
    pub fn write_file_with_ranges(
        &mut self,
        path: &Path,
        ranges: &BlockRangeList,
    ) -> Result<WriteOutcome> {
        let (file, size) = open_image(path)?;
        self.write_with_ranges(file, size, ranges)
    }

    /// `Write`: records `size_bytes` bytes from `stream` as one new session at the next
    /// writable address of sequential media, or from sector 0 of overwritable media.
    ///
    /// # Errors
    /// Before anything on the medium changes:
    /// - `E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED` (0xC0AA0403): size 0 or not a multiple of 2048;
    /// - `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` (0xC0AA0202): no medium;
    /// - `E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED` (0xC0AA0406): a profile this writer does not
    ///   record, a closed (finalized) disc, or a simulation on media without Test Write;
    /// - `E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA` (0xC0AA0404): larger than the
    ///   free space (overwritable media: the capacity);
    /// - `E_IMAPI_DF2DATA_MEDIA_NOT_BLANK` (0xC0AA0405): an overwritable medium that is not
    ///   blank, without `ForceOverwrite`.
    ///
    /// During or after writing: `E_IMAPI_REQUEST_CANCELLED` (0xC0AA0002) after `cancel()`;
    /// `E_IMAPI_BURN_VERIFICATION_FAILED` (0xC0AA0007) when the read-back differs; drive errors
    /// wrapped with the state the disc was left in; formatting failures.
    pub fn write<R: Read + Send + 'static>(
        &mut self,
        stream: R,
        size_bytes: u64,
    ) -> Result<WriteOutcome> {
        self.write_source(Source::Plain(Box::new(stream)), size_bytes, None)
    }

    /// `Write` of a stream that carries an `IBlockRangeList`: on overwritable media, stream
    /// byte 0 is sector 0 and only the sectors of `ranges` are written, in list order (each
    /// widened to whole write units with data from the stream). This is how a new logical
    /// session is appended, so it does not need `ForceOverwrite`.
    ///
    /// # Errors
    /// As [`DataWriter::write`]; also `E_INVALIDARG` for an empty list or a range beyond the
    /// stream, `E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA` for a range beyond the
    /// capacity, and `E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED` on sequential media (IMAPI
    /// applies block ranges to overwritable media only; discmaster refuses rather than write
    /// the whole stream).
    pub fn write_with_ranges<R: Read + Seek + Send + 'static>(
        &mut self,
        stream: R,
        size_bytes: u64,
        ranges: &BlockRangeList,
    ) -> Result<WriteOutcome> {
        if ranges.is_empty() {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                "the block range list is empty",
            ));
        }
        self.write_source(Source::Seekable(Box::new(stream)), size_bytes, Some(ranges))
    }

    fn write_source(
        &mut self,
        source: Source,
        size_bytes: u64,
        ranges: Option<&BlockRangeList>,
    ) -> Result<WriteOutcome> {
        self.cancel.reset();
        let clock = self.recorder.exec.clock().clone();
        let started = clock.now();
        let mut ev = ProgressEvent {
            action: WriteAction::ValidatingMedia,
            start_lba: Lba(0),
            sector_count: 0,
            last_read_lba: Lba(-1),
            last_written_lba: Lba(-1),
            sectors_written: 0,
            sectors_verified: 0,
            elapsed: Duration::ZERO,
            remaining: None,
            total_system_buffer: (CHUNK_BYTES * RING_DEPTH) as u64,
            used_system_buffer: 0,
        };
        self.emit(&ev);

        // 1. Validate: the stream first (no drive involved), then the medium.
        if size_bytes == 0 || !size_bytes.is_multiple_of(SECTOR_SIZE as u64) {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED,
                format!("image size {size_bytes} bytes is not a positive multiple of 2048"),
            ));
        }
        u32::try_from(size_bytes / SECTOR_SIZE as u64).map_err(|_| {
            Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA,
                format!("image of {size_bytes} bytes exceeds any medium"),
            )
        })?;
        // IMAPI takes exclusive access for the write, tagged with the client name.
        self.recorder
            .acquire_exclusive_access(false, &self.client_name.clone())?;
        let result = self
            .plan(source, size_bytes, ranges)
            .and_then(|plan| self.run(plan, &mut ev, started));
        self.recorder.release_exclusive_access();
        result
    }

    /// Step 1: everything is checked here; nothing changes the medium.
    fn plan(
        &mut self,
        source: Source,
        size_bytes: u64,
        ranges: Option<&BlockRangeList>,
    ) -> Result<Plan> {
        let sectors = (size_bytes / SECTOR_SIZE as u64) as u32;
        let profile = self.recorder.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Err(no_media());
        }
        let Some(recording) = Recording::for_profile(profile) else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED,
                format!(
                    "the data writer does not record {} media (profile {:04X}h)",
                    profile.name(),
                    u16::from(profile)
                ),
            ));
        };
        if self.simulate && !recording.takes_page05() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED,
                format!(
                    "a simulated write (Test Write) needs CD-R, CD-RW, DVD-R or DVD-RW; this is {}",
                    profile.name()
                ),
            ));
        }
        match recording {
            Recording::Overwrite(kind) => {
                self.plan_overwrite(profile, kind, source, sectors, ranges)
            }
            _ if ranges.is_some() => Err(Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED,
                format!(
                    "block ranges apply to overwritable media (DVD+RW, DVD-RW restricted \
                     overwrite, DVD-RAM, BD-RE); {} is recorded sequentially",
                    profile.name()
                ),
            )),
            _ => self.plan_sequential(profile, recording, source, sectors),
        }
    }

    fn plan_sequential(
        &mut self,
        profile: Profile,
        recording: Recording,
        source: Source,
        sectors: u32,
    ) -> Result<Plan> {
        let di = self.recorder.disc_information()?;
        match di.disc_status() {
            DiscStatus::Empty | DiscStatus::Incomplete => {}
            DiscStatus::Complete => {
                return Err(Error::refused(
                    ErrorCode::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED,
                    format!(
                        "the {} disc is closed (finalized); no further session can be written",
                        profile.name()
                    ),
                ))
            }
            other => {
                return Err(Error::refused(
                    ErrorCode::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED,
                    format!("disc status {other:?} cannot take a new session"),
                ))
            }
        }
        let invisible = match recording {
            // DVD-R: the last track in the last session is the incomplete one (mmc.md §1.10).
            Recording::DvdMinusIncremental => u32::from(di.last_track_number_in_last_session()),
            _ => 0xFF,
        };
        let ti = self.recorder.track_information(invisible)?;
        if !ti.nwa_v() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED,
                "the drive reports no next writable address (NWA_V = 0)",
            ));
        }
        let nwa = ti.next_writable_address();
        let free = ti.free_blocks();
        let unit = recording.padding_unit();
        let padded = sectors.div_ceil(unit).saturating_mul(unit);
        if padded > free {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA,
                format!(
                    "image needs {padded} sectors, the {} disc has {free} free",
                    profile.name()
                ),
            ));
        }
        // IMAPI closes the disc when ≤ 2 % of it would remain free (imapi2.md §2.6).
        let total = (nwa.0.max(0) as u64) + u64::from(free);
        let left = u64::from(free - padded);
        let nearly_full = left * 50 <= total;
        let close = self.force_media_to_be_closed
            || nearly_full
            || match recording {
                Recording::DvdPlus { dual_layer } => {
                    !self.disable_consumer_dvd_compatibility_mode
                        || dual_layer && self.force_media_to_be_closed
                }
                _ => false,
            };
        Ok(Plan {
            profile,
            recording,
            layout: Layout::new(&[(nwa.0, sectors)]),
            reader: source.into_read(),
            track: ti.track_number(),
            session: ti.session_number(),
            close,
            format: None,
        })
    }

    fn plan_overwrite(
        &mut self,
        profile: Profile,
        kind: Overwrite,
        source: Source,
        sectors: u32,
        ranges: Option<&BlockRangeList>,
    ) -> Result<Plan> {
        let recording = Recording::Overwrite(kind);
        let unit = recording.padding_unit();
        let di = self.recorder.disc_information()?;
        let caps = self.recorder.format_capacities()?;
        let unformatted = matches!(kind, Overwrite::DvdPlusRw | Overwrite::BdRe)
            && (caps.current_state == CapacityState::Unformatted
                || di.disc_status() == DiscStatus::Empty);
        let format = if unformatted {
            plan_format(profile, di.disc_status(), &caps, SpareAreas::Default, true)?
        } else {
            None
        };
        let capacity = match format {
            Some(f) if f.descriptor.blocks != 0xFFFF_FFFF && f.descriptor.blocks != 0 => {
                f.descriptor.blocks
            }
            Some(_) => caps.current_blocks,
            None if matches!(
                caps.current_state,
                CapacityState::Formatted | CapacityState::Unknown
            ) && caps.current_blocks != 0 =>
            {
                caps.current_blocks
            }
            None => medium_capacity(self.recorder)?,
        };
        let too_large = |what: String| {
            Error::refused(
                ErrorCode::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA,
                format!(
                    "{what}; the {} medium holds {capacity} sectors",
                    profile.name()
                ),
            )
        };
        let (layout, reader): (Layout, Box<dyn Read + Send>) = match ranges {
            Some(list) => {
                let mut runs = Vec::new();
                for r in list.block_ranges() {
                    let end = r.end_lba.0 as u32; // BlockRange keeps 0 ≤ start ≤ end.
                    if end >= sectors {
                        return Err(Error::refused(
                            ErrorCode::E_INVALIDARG,
                            format!(
                                "block range {}..={} lies beyond the {sectors}-sector image",
                                r.start_lba.0, r.end_lba.0
                            ),
                        ));
                    }
                    let start = (r.start_lba.0 as u32) / unit * unit;
                    let stop = (end / unit + 1).saturating_mul(unit);
                    if stop > capacity {
                        return Err(too_large(format!(
                            "block range {}..={} ends past the medium",
                            r.start_lba.0, r.end_lba.0
                        )));
                    }
                    runs.push((start as i32, stop - start));
                }
                let Source::Seekable(inner) = source else {
                    return Err(Error::refused(
                        ErrorCode::E_INVALIDARG,
                        "block ranges need a seekable stream",
                    ));
                };
                let reader = ExtentReader {
                    inner,
                    stream_bytes: u64::from(sectors) * SECTOR_SIZE as u64,
                    extents: runs
                        .iter()
                        .map(|&(lba, n)| {
                            (
                                lba as u64 * SECTOR_SIZE as u64,
                                u64::from(n) * SECTOR_SIZE as u64,
                            )
                        })
                        .collect(),
                    current: 0,
                    done: 0,
                    positioned: false,
                };
                (Layout::new(&runs), Box::new(reader))
            }
            None => {
                if sectors > capacity {
                    return Err(too_large(format!("image needs {sectors} sectors")));
                }
                if format.is_none()
                    && !self.force_overwrite
                    && !heuristically_blank(self.recorder, capacity)?
                {
                    return Err(Error::refused(
                        ErrorCode::E_IMAPI_DF2DATA_MEDIA_NOT_BLANK,
                        format!(
                            "the {} medium is not blank; writing over it needs ForceOverwrite \
                             (--force-overwrite), or give the changed block ranges",
                            profile.name()
                        ),
                    ));
                }
                let total = sectors.div_ceil(unit).saturating_mul(unit).min(capacity);
                let reader = PaddedReader {
                    inner: source
                        .into_read()
                        .take(u64::from(sectors) * SECTOR_SIZE as u64),
                    padding: u64::from(total - sectors) * SECTOR_SIZE as u64,
                };
                (Layout::new(&[(0, total)]), Box::new(reader))
            }
        };
        Ok(Plan {
            profile,
            recording,
            layout,
            reader,
            track: 1,
            session: 1,
            close: false,
            format,
        })
    }

    /// Steps 2–8.
    fn run(
        &mut self,
        plan: Plan,
        ev: &mut ProgressEvent,
        started: Duration,
    ) -> Result<WriteOutcome> {
        let clock = self.recorder.exec.clock().clone();
        let Plan {
            profile,
            recording,
            layout,
            reader,
            track,
            session,
            close,
            format,
        } = plan;
        let sectors = layout.total;
        let start = layout.start();
        ev.start_lba = start;
        ev.sector_count = sectors;
        ev.last_read_lba = Lba(start.0 - 1);
        ev.last_written_lba = Lba(start.0 - 1);

        // 2. Formatting.
        if let Some(fp) = &format {
            ev.action = WriteAction::FormattingMedia;
            ev.elapsed = clock.now() - started;
            self.emit(ev);
            let mut tracker = ProgressTracker::new(crate::format::initial_estimate(profile, false));
            let format_started = clock.now();
            let progress = &mut self.progress;
            let mut report = |p: LongOperationProgress| {
                ev.elapsed = clock.now() - started;
                ev.remaining = Some(p.estimated_total.saturating_sub(p.elapsed));
                if let Some(f) = progress.as_mut() {
                    f(ev);
                }
            };
            let result = self
                .recorder
                .run_format(fp, format_started, &mut tracker, &mut report);
            result.map_err(|e| match e {
                FormatRunError::Command(e) => e,
                FormatRunError::Wait(w) => wait_error(w, "formatting"),
            })?;
            ev.remaining = None;
        }

        // 3. Initialize hardware: speed and write parameters (drive state, not the medium).
        ev.action = WriteAction::InitializingHardware;
        ev.elapsed = clock.now() - started;
        self.emit(ev);
        let speed = match self.requested_speed {
            Some((sps, cav)) => Some(self.recorder.set_write_speed(sps, cav)?),
            None => None,
        };
        if recording.takes_page05() {
            self.set_write_parameters(recording, close, self.simulate)?;
        }

        // 4. Power calibration.
        ev.action = WriteAction::CalibratingPower;
        ev.elapsed = clock.now() - started;
        self.emit(ev);
        if recording.takes_page05() {
            match self.recorder.exec.no_data(&SendOpcInformation {
                do_opc: true,
                parameter_list_length: 0,
            }) {
                Ok(()) => {}
                Err(Error::Command { sense, .. })
                    if sense.key == SenseKey::IllegalRequest && sense.asc == 0x20 => {}
                Err(e) => return Err(e),
            }
        }

        // 5. Write.
        ev.action = WriteAction::WritingData;
        ev.elapsed = clock.now() - started;
        self.emit(ev);
        let size_bytes = u64::from(sectors) * SECTOR_SIZE as u64;
        let mut ring = Ring::start(reader, size_bytes, CHUNK_BYTES, RING_DEPTH);
        let mut digests: Vec<[u8; 32]> =
            Vec::with_capacity(size_bytes.div_ceil(CHUNK_BYTES as u64) as usize);
        let mut written: u32 = 0;
        let mut last_emit = clock.now();
        let mut failure: Option<Error> = None;
        let mut cancelled = false;
        'chunks: while written < sectors {
            if self.cancel.is_cancelled() {
                cancelled = true;
                break;
            }
            let chunk = match ring.next() {
                Some(Ok(c)) => c,
                Some(Err(e)) => {
                    failure = Some(Error::io("image stream", e));
                    break;
                }
                None => {
                    failure = Some(Error::refused(
                        ErrorCode::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED,
                        format!(
                            "the stream ended after {} bytes; {size_bytes} were expected",
                            u64::from(written) * SECTOR_SIZE as u64
                        ),
                    ));
                    break;
                }
            };
            if chunk.len % SECTOR_SIZE != 0 {
                failure = Some(Error::refused(
                    ErrorCode::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED,
                    "the stream ended in the middle of a sector",
                ));
                break;
            }
            digests.push(Sha256::digest(&chunk.buf[..chunk.len]).into());
            let chunk_sectors = (chunk.len / SECTOR_SIZE) as u32;
            ev.last_read_lba = Lba(start.0 + (written + chunk_sectors) as i32 - 1);
            let mut off = 0u32;
            while off < chunk_sectors {
                if self.cancel.is_cancelled() {
                    cancelled = true;
                    break 'chunks;
                }
                let (lba, n) =
                    layout.run(written + off, SECTORS_PER_COMMAND.min(chunk_sectors - off));
                let bytes =
                    &chunk.buf[off as usize * SECTOR_SIZE..(off + n) as usize * SECTOR_SIZE];
                let cmd = Write10 {
                    fua: false,
                    lba,
                    transfer_length: n as u16,
                };
                if let Err(e) = self.recorder.exec.data_out(&cmd, bytes) {
                    failure = Some(at_lba(e, lba));
                    written += off;
                    break 'chunks;
                }
                off += n;
                let now = clock.now();
                if now - last_emit >= PROGRESS_INTERVAL {
                    last_emit = now;
                    let done = written + off;
                    ev.sectors_written = done;
                    ev.last_written_lba = Lba(start.0 + done as i32 - 1);
                    ev.elapsed = now - started;
                    ev.remaining = estimate(ev.elapsed, done, sectors);
                    ev.used_system_buffer = ring.used.load(std::sync::atomic::Ordering::Relaxed);
                    self.emit(ev);
                }
            }
            written += chunk_sectors;
            ring.recycle(chunk);
        }
        drop(ring);
        ev.sectors_written = written;
        ev.last_written_lba = Lba(start.0 + written as i32 - 1);
        ev.elapsed = clock.now() - started;
        ev.remaining = estimate(ev.elapsed, written, sectors);
        ev.used_system_buffer = 0;
        self.emit(ev);

        // 6. Finalization (also after a failure or cancel, so the disc stays readable).
        ev.action = WriteAction::Finalization;
        self.emit(ev);
        let interrupted = cancelled || failure.is_some();
        let closing = self.finish(recording, track, close && !interrupted, written);
        if self.simulate {
            // Leave the drive writing for real again (the disc is back as it was).
            let _ = self.set_write_parameters(recording, false, false);
        }
        if interrupted {
            let state = match closing {
                Ok(()) => self.describe_state(recording, track, written, sectors),
                Err(e) => format!("closing the track failed ({e}); the disc state is unknown"),
            };
            return Err(match failure {
                None => Error::Cancelled {
                    code: ErrorCode::E_IMAPI_REQUEST_CANCELLED,
                    state,
                },
                Some(cause) => Error::WriteFailed {
                    code: cause.code(),
                    cause: Box::new(cause),
                    state,
                },
            });
        }
        closing?;

        // 7. Verify (nothing to read after a simulation).
        let mut verified = false;
        if self.verify && !self.simulate {
            ev.action = WriteAction::Verifying;
            ev.elapsed = clock.now() - started;
            ev.remaining = None;
            self.emit(ev);
            let mut buf = vec![0u8; CHUNK_BYTES];
            let mut done: u32 = 0;
            for (i, digest) in digests.iter().enumerate() {
                let n = ((CHUNK_BYTES / SECTOR_SIZE) as u32).min(sectors - done);
                let mut off = 0;
                while off < n {
                    let (lba, k) = layout.run(done + off, SECTORS_PER_COMMAND.min(n - off));
                    self.recorder.read_sectors(
                        lba,
                        k as u16,
                        &mut buf[off as usize * SECTOR_SIZE..(off + k) as usize * SECTOR_SIZE],
                    )?;
                    off += k;
                }
                let got: [u8; 32] = Sha256::digest(&buf[..n as usize * SECTOR_SIZE]).into();
                if &got != digest {
                    return Err(Error::VerifyMismatch {
                        code: ErrorCode::E_IMAPI_BURN_VERIFICATION_FAILED,
                        lba: layout.run(done, 1).0,
                        first_sector: (i * CHUNK_BYTES / SECTOR_SIZE) as u64,
                        end_sector: u64::from(done + n),
                    });
                }
                done += n;
                ev.sectors_verified = done;
                let now = clock.now();
                if now - last_emit >= PROGRESS_INTERVAL {
                    last_emit = now;
                    ev.elapsed = now - started;
                    self.emit(ev);
                }
            }
            verified = true;
        }

        let write_speed = match speed.and_then(|s| s.current) {
            Some(c) => Some(c),
            None => self.recorder.current_write_speed().ok().flatten(),
        };
        ev.action = WriteAction::Completed;
        ev.elapsed = clock.now() - started;
        ev.remaining = Some(Duration::ZERO);
        self.emit(ev);
        Ok(WriteOutcome {
            profile,
            start_lba: start,
            sectors_written: written,
            track,
            session,
            verified,
            closed: close && !self.simulate,
            simulated: self.simulate,
            formatted: format.is_some(),
            code: speed.map_or(ErrorCode::S_OK, |s| s.status.code()),
            speed,
            write_speed,
            elapsed: ev.elapsed,
        })
    }

    fn emit(&mut self, ev: &ProgressEvent) {
        if let Some(f) = self.progress.as_mut() {
            f(ev);
        }
    }

    /// MODE SENSE page 05h (current), set the fields for `recording`, MODE SELECT it back.
    fn set_write_parameters(
        &mut self,
        recording: Recording,
        close: bool,
        test_write: bool,
    ) -> Result<()> {
        let sense = ModeSense10 {
            llbaa: false,
            dbd: true,
            page_control: PageControl::Current,
            page_code: 0x05,
            subpage_code: 0,
            allocation_length: 8 + 0x38,
        };
        let resp = self.recorder.exec.data_in(&sense, 8 + 0x38)?;
        let pages =
            ModePages::new(&resp).map_err(|e| crate::recorder::invalid("MODE SENSE(10)", e))?;
        let Some(page) = pages.into_iter().find(|p| p.page_code() == 0x05) else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE,
                "the drive returned no write parameters page (05h)",
            ));
        };
        let mut bytes = page.into_inner().to_vec();
        bytes[0] &= 0x7F; // PS is reserved in MODE SELECT (mmc.md §2)
        let mut wp = WriteParametersPage::new_checked(bytes)
            .map_err(|e| crate::recorder::invalid("MODE SENSE(10)", e))?;
        wp.set_bufe(!self.buffer_underrun_free_disabled);
        wp.set_test_write(test_write);
        wp.set_multi_session(if close {
            MultiSession::NoNextSession
        } else {
            MultiSession::NextSessionAllowed
        });
        wp.set_copy(false);
        wp.set_data_block_type(DataBlockType::Mode1);
        wp.set_session_format(SessionFormat::CdDaOrCdRom);
        match recording {
            Recording::CdTrackAtOnce => {
                // libburn/cdrecord CD TAO data recipe (mmc.md §2.2 writer recipes).
                wp.set_write_type(WriteType::TrackAtOnce);
                wp.set_ls_v(false);
                wp.set_link_size(0);
                wp.set_fp(false);
                wp.set_track_mode(4);
                wp.set_packet_size(0);
                wp.set_audio_pause_length(150);
            }
            _ => {
                // DVD-R incremental streaming: LS_V, link size 16, fixed packets of 16.
                wp.set_write_type(WriteType::Packet);
                wp.set_ls_v(true);
                wp.set_link_size(16);
                wp.set_fp(true);
                wp.set_track_mode(5);
                wp.set_packet_size(16);
            }
        }
        let page_bytes = wp.into_inner();
        let list = emit_mode_parameter_list(&[&page_bytes], true);
        let select = ModeSelect10 {
            pf: true,
            sp: false,
            parameter_list_length: list.len() as u16,
        };
        self.recorder.exec.data_out(&select, &list)
    }

    /// SYNCHRONIZE CACHE; on sequential media CLOSE TRACK, then close the session or
    /// finalize; on DVD+RW stop a running background format, on an intermediate DVD-RW close
    /// the session.
    fn finish(
        &mut self,
        recording: Recording,
        track: u16,
        close: bool,
        written: u32,
    ) -> Result<()> {
        self.recorder.exec.no_data(&SynchronizeCache {
            immed: false,
            lba: Lba(0),
            blocks: 0,
        })?;
        let close_session = CloseTrackSession {
            immed: false,
            function: CloseFunction::CloseSession,
            number: 0,
        };
        if let Recording::Overwrite(kind) = recording {
            match kind {
                Overwrite::DvdPlusRw
                    if self.recorder.disc_information()?.bg_format_status() == 2 =>
                {
                    // growisofs' default: the compatible stop ("writing lead-out").
                    self.recorder.exec.no_data(&close_session)?;
                }
                Overwrite::DvdMinusRwRestricted
                    if self.recorder.format_capacities()?.current_state
                        == CapacityState::Unknown =>
                {
                    self.recorder.exec.no_data(&close_session)?;
                }
                _ => {}
            }
            return Ok(());
        }
        if written == 0 {
            // Nothing recorded: there is no track to close.
            return Ok(());
        }
        let close_track = CloseTrackSession {
            immed: false,
            function: CloseFunction::CloseTrack,
            number: track,
        };
        self.recorder.exec.no_data(&close_track)?;
        let function = match recording {
            // CD and DVD-R: page 05h's multi-session field decides appendable vs finalized.
            Recording::CdTrackAtOnce | Recording::DvdMinusIncremental => {
                CloseFunction::CloseSession
            }
            Recording::DvdPlus { .. } if close => {
                if self.disable_consumer_dvd_compatibility_mode {
                    CloseFunction::FinalizeMinimumRadius
                } else {
                    CloseFunction::FinalizeDisc
                }
            }
            Recording::BdSequential if close => CloseFunction::FinalizeDisc,
            _ => CloseFunction::CloseSession,
        };
        self.recorder.exec.no_data(&CloseTrackSession {
            immed: false,
            function,
            number: 0,
        })
    }

    fn describe_state(
        &mut self,
        recording: Recording,
        track: u16,
        written: u32,
        sectors: u32,
    ) -> String {
        if written == 0 {
            return "nothing was written; the disc is unchanged".into();
        }
        if self.simulate {
            return format!(
                "this was a simulation: {written} of {sectors} sectors went through the drive, \
                 nothing was recorded"
            );
        }
        if let Recording::Overwrite(_) = recording {
            return format!(
                "{written} of {sectors} sectors were written; the medium now mixes old and new \
                 data (write it again, or erase it)"
            );
        }
        let status = match self.recorder.disc_information() {
            Ok(di) => match di.disc_status() {
                DiscStatus::Incomplete => "the session is closed and the disc is appendable",
                DiscStatus::Complete => "the disc is closed (finalized)",
                _ => "the disc status is unusual",
            },
            Err(_) => "the disc status could not be read",
        };
        format!("track {track} holds the first {written} of {sectors} sectors of the image and is readable; {status}")
    }
}

fn no_media() -> Error {
    Error::refused(
        ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
        "no medium in the drive",
    )
}

fn open_image(path: &Path) -> Result<(std::fs::File, u64)> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let size = file
        .metadata()
        .map_err(|e| Error::io(path.display().to_string(), e))?
        .len();
    Ok((file, size))
}

/// True when the first and last [`HEURISTIC_BLANK_SECTORS`] of `capacity` read as zeros
/// (sectors the drive refuses to read count as blank).
fn heuristically_blank(recorder: &mut Recorder, capacity: u32) -> Result<bool> {
    let n = HEURISTIC_BLANK_SECTORS.min(capacity);
    let tail = capacity.saturating_sub(HEURISTIC_BLANK_SECTORS).max(n);
    let mut buf = vec![0u8; SECTORS_PER_COMMAND as usize * SECTOR_SIZE];
    for (from, count) in [(0, n), (tail, capacity - tail)] {
        let mut off = 0;
        while off < count {
            let k = SECTORS_PER_COMMAND.min(count - off);
            let bytes = &mut buf[..k as usize * SECTOR_SIZE];
            match recorder.read_sectors(Lba((from + off) as i32), k as u16, bytes) {
                Ok(()) => {
                    if bytes.iter().any(|&b| b != 0) {
                        return Ok(false);
                    }
                }
                Err(Error::Command { sense, .. })
                    if matches!(sense.key, SenseKey::IllegalRequest | SenseKey::MediumError) => {}
                Err(e) => return Err(e),
            }
            off += k;
        }
    }
    Ok(true)
}

fn estimate(elapsed: Duration, done: u32, total: u32) -> Option<Duration> {
    if done == 0 {
        return None;
    }
    let per = elapsed.as_secs_f64() / f64::from(done);
    Some(Duration::from_secs_f64(
        per * f64::from(total.saturating_sub(done)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_maps_linear_sectors_to_extents() {
        let l = Layout::new(&[(256, 16), (32, 32), (0, 16)]);
        assert_eq!(l.total, 64);
        assert_eq!(l.start(), Lba(256));
        assert_eq!(l.run(0, 32), (Lba(256), 16));
        assert_eq!(l.run(10, 32), (Lba(266), 6));
        assert_eq!(l.run(16, 32), (Lba(32), 32));
        assert_eq!(l.run(20, 8), (Lba(36), 8));
        assert_eq!(l.run(48, 32), (Lba(0), 16));
    }

    #[test]
    fn extent_reader_reads_ranges_in_order_and_pads_past_the_end() {
        let data: Vec<u8> = (0..4 * 2048).map(|i| (i / 2048) as u8 + 1).collect();
        let mut r = ExtentReader {
            inner: Box::new(std::io::Cursor::new(data)),
            stream_bytes: 4 * 2048,
            extents: vec![(3 * 2048, 2 * 2048), (0, 2048)],
            current: 0,
            done: 0,
            positioned: false,
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 3 * 2048);
        assert!(out[..2048].iter().all(|&b| b == 4));
        assert!(
            out[2048..4096].iter().all(|&b| b == 0),
            "past the stream: zeros"
        );
        assert!(out[4096..].iter().all(|&b| b == 1));
    }

    #[test]
    fn padded_reader_appends_zeros_only_after_the_whole_stream() {
        let inner: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(vec![7u8; 10]));
        let mut r = PaddedReader {
            inner: inner.take(10),
            padding: 6,
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, [7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0]);
        let inner: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(vec![7u8; 4]));
        let mut short = PaddedReader {
            inner: inner.take(10),
            padding: 6,
        };
        let mut out = Vec::new();
        short.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 4, "a short stream is not padded over");
    }

    #[test]
    fn recording_of_rewritable_profiles() {
        assert_eq!(
            Recording::for_profile(Profile::BdRe),
            Some(Recording::Overwrite(Overwrite::BdRe))
        );
        assert_eq!(
            Recording::for_profile(Profile::BdRe)
                .unwrap()
                .padding_unit(),
            32
        );
        assert_eq!(
            Recording::for_profile(Profile::DvdPlusRw)
                .unwrap()
                .padding_unit(),
            16
        );
        assert_eq!(
            Recording::for_profile(Profile::CdRw),
            Some(Recording::CdTrackAtOnce)
        );
        assert!(Recording::for_profile(Profile::DvdMinusRwSequential)
            .unwrap()
            .takes_page05());
        assert!(!Recording::for_profile(Profile::DvdRam)
            .unwrap()
            .takes_page05());
        assert_eq!(Recording::for_profile(Profile::CdRom), None);
    }
}
