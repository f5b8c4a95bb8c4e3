//! [`RawCdWriter`] = IMAPI `IDiscFormat2RawCD`: writes a raw DAO image (lead-in, program area,
//! lead-out with sub-channel) on a blank CD-R or CD-RW with write type RAW.
//!
//! Order of `write_media2` (reference `imapi2.md` §5.5, §5.13; `mmc.md` §2.2, §6.5):
//! 1. preparing — the stream's size and the medium (still blank, its ATIP lead-in start), how
//!    many stream blocks to skip (`streamLeadInSectors + StartOfNextSession`), the image's own
//!    lead-in TOC read from its first blocks (lead-out start against
//!    `LastPossibleStartOfLeadout`); then mode page 05h write type RAW (3) with the Data Block
//!    Type of the requested sector type, falling back raw 96 → packed 96 → PQ 16 while the
//!    drive refuses one (MODE SELECT 5/26/00), and SEND OPC. Every refusal happens here,
//!    before the first WRITE;
//! 2. writing — WRITE(10) from the lead-in start (a negative LBA) to the end of the lead-out,
//!    each block converted to the Data Block Type in use when it differs from the stream's;
//! 3. finishing — SYNCHRONIZE CACHE (the drive closes the session once it has the lead-out).
//!
//! A cancelled or failed write stops at a command boundary and flushes; the disc then holds an
//! incomplete session (a CD-RW can be blanked, a CD-R is spoilt), which the error says.

use std::io::Read;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use discmaster_cd::dao::{block_bytes, convert_subchannel};
use discmaster_cd::subchannel::{
    q_from_pq16, q_from_raw, Pq16Crc, QContent, QFrame, SubchannelForm, TocEntry, PQ16_BYTES,
    Q_FRAME_BYTES, SUBCHANNEL_BYTES,
};
use discmaster_cd::SECTOR_BYTES;
use discmaster_core::{ErrorCode, Lba, Msf};
use discmaster_mmc::cd_responses::Atip;
use discmaster_mmc::commands::{
    ModeSelect10, ModeSense10, ReadTocPmaAtip, SendOpcInformation, SynchronizeCache, Write10,
};
use discmaster_mmc::pages::{emit_mode_parameter_list, ModePages, WriteParametersPage};
use discmaster_mmc::{
    DataBlockType, DiscStatus, MultiSession, PageControl, Profile, Sense, SenseKey, SessionFormat,
    TocFormat, WriteType,
};

use crate::error::{Error, Result};
use crate::recorder::{at_lba, invalid, Recorder};
use crate::ring::Ring;

/// Phase of a raw write (IMAPI `IMAPI_FORMAT2_RAW_CD_WRITE_ACTION`).
///
/// Spec: reference `imapi2.md` §3.16.
#[doc(alias = "IMAPI_FORMAT2_RAW_CD_WRITE_ACTION")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RawCdWriteAction {
    /// 0: not yet started (hidden in IMAPI).
    Unknown,
    /// 1: checking the stream and medium, setting up the drive.
    Preparing,
    /// 2: writing blocks.
    Writing,
    /// 3: flushing; the drive closes the session.
    Finishing,
}

impl RawCdWriteAction {
    /// The IMAPI value.
    pub fn imapi_value(self) -> u32 {
        match self {
            RawCdWriteAction::Unknown => 0,
            RawCdWriteAction::Preparing => 1,
            RawCdWriteAction::Writing => 2,
            RawCdWriteAction::Finishing => 3,
        }
    }

    /// snake_case name for JSON output.
    pub fn name(self) -> &'static str {
        match self {
            RawCdWriteAction::Unknown => "unknown",
            RawCdWriteAction::Preparing => "preparing",
            RawCdWriteAction::Writing => "writing",
            RawCdWriteAction::Finishing => "finishing",
        }
    }
}

/// One progress event (IMAPI `IDiscFormat2RawCDEventArgs` + `IWriteEngine2EventArgs`).
///
/// Units: LBAs, blocks, durations; buffer sizes in bytes.
///
/// Spec: reference `imapi2.md` §2.9, §5.12.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCdProgressEvent {
    /// `CurrentAction`.
    pub action: RawCdWriteAction,
    /// `StartLba`: the first block written (the medium's lead-in start).
    pub start_lba: Lba,
    /// `SectorCount`: blocks to write.
    pub sector_count: u64,
    /// `LastReadLba`: last block taken from the stream.
    pub last_read_lba: Lba,
    /// `LastWrittenLba`: last block the drive accepted.
    pub last_written_lba: Lba,
    /// Blocks written so far.
    pub sectors_written: u64,
    /// `ElapsedTime`.
    pub elapsed: Duration,
    /// `RemainingTime` (estimate).
    pub remaining: Option<Duration>,
    /// `TotalSystemBuffer`.
    pub total_system_buffer: u64,
    /// `UsedSystemBuffer`.
    pub used_system_buffer: u64,
}

const IDLE: u8 = 0;
const WRITING: u8 = 1;
const CANCEL_REQUESTED: u8 = 2;

/// IMAPI `CancelWrite` for a raw write; clones share the request.
#[derive(Debug, Clone, Default)]
pub struct RawCdCancelHandle(Arc<AtomicU8>);

impl RawCdCancelHandle {
    /// Asks the running write to stop at the next command boundary; it then returns
    /// `E_IMAPI_REQUEST_CANCELLED`.
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS` (0xC0AA0601) when no write is running.
    pub fn cancel(&self) -> Result<()> {
        match self.0.compare_exchange(
            WRITING,
            CANCEL_REQUESTED,
            Ordering::SeqCst,
            Ordering::SeqCst,
        ) {
            Ok(_) => Ok(()),
            Err(CANCEL_REQUESTED) => Ok(()),
            Err(_) => Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS,
                "no raw write is running",
            )),
        }
    }

    /// Whether a write is running.
    pub fn is_writing(&self) -> bool {
        self.0.load(Ordering::SeqCst) != IDLE
    }

    fn cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst) == CANCEL_REQUESTED
    }
}

/// What a successful raw write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCdWriteOutcome {
    /// Profile of the medium written.
    pub profile: Profile,
    /// The stream's sector type (`RequestedSectorType`).
    pub requested_sector_type: SubchannelForm,
    /// The Data Block Type the drive accepted (after any fallback).
    pub sector_type_used: SubchannelForm,
    /// First block written: the medium's lead-in start.
    pub start_lba: Lba,
    /// Stream blocks skipped before it (the part of the image's lead-in before this medium's).
    pub skipped_blocks: u64,
    /// Blocks written.
    pub blocks_written: u64,
    /// Lead-out start found in the image's lead-in TOC.
    pub lead_out_start: Option<Lba>,
    /// True when R–W sub-code of the stream was dropped (a 96-byte image written as PQ 16).
    pub rw_dropped: bool,
    /// Whole duration.
    pub elapsed: Duration,
}

/// A progress callback (IMAPI `DDiscFormat2RawCDEvents::Update`).
type ProgressCallback<'r> = Box<dyn FnMut(&RawCdProgressEvent) + 'r>;

/// What `prepare_media` found.
#[derive(Debug, Clone, Copy)]
struct Prepared {
    profile: Profile,
    lead_in_start: Lba,
    last_lead_out_start: Lba,
}

/// Sub-channel forms in fallback order (`mmc.md` §2.2 Data Block Types 3, 2, 1).
const FALLBACK: [SubchannelForm; 3] = [
    SubchannelForm::RawPw,
    SubchannelForm::PackedRw,
    SubchannelForm::PqOnly,
];

/// Bytes per WRITE(10) at most.
const COMMAND_BYTES: usize = 64 * 1024;
/// Blocks per ring buffer.
const CHUNK_BLOCKS: usize = 400;
/// Ring depth.
const RING_DEPTH: usize = 8;
/// Progress cadence (IMAPI: every 0.5 s).
const PROGRESS_INTERVAL: Duration = Duration::from_millis(500);

/// The raw DAO writer (IMAPI `IDiscFormat2RawCD`).
///
/// Spec: reference `imapi2.md` §2.9, §3.15, §3.16, §4.6, §5.5, §5.13.
pub struct RawCdWriter<'r> {
    recorder: Option<&'r mut Recorder>,
    client_name: String,
    requested: SubchannelForm,
    buffer_underrun_free_disabled: bool,
    prepared: Option<Prepared>,
    supported: Option<Vec<SubchannelForm>>,
    state: RawCdCancelHandle,
    progress: Option<ProgressCallback<'r>>,
    pq16_crc: Pq16Crc,
}

impl Default for RawCdWriter<'_> {
    fn default() -> Self {
        RawCdWriter::new()
    }
}

fn not_prepared() -> Error {
    Error::refused(
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED,
        "prepare_media has not been called",
    )
}

fn msf_text(lba: Lba) -> String {
    Msf::from_lba(lba).map_or_else(|| format!("LBA {lba}"), |m| format!("{m} (LBA {lba})"))
}

impl<'r> RawCdWriter<'r> {
    /// A writer without a recorder, with IMAPI's defaults: requested sector type packed R–W
    /// (`IS_COOKED`), BUFE on, client name `"discmaster"`.
    pub fn new() -> RawCdWriter<'r> {
        RawCdWriter {
            recorder: None,
            client_name: "discmaster".into(),
            requested: SubchannelForm::PackedRw,
            buffer_underrun_free_disabled: false,
            prepared: None,
            supported: None,
            state: RawCdCancelHandle::default(),
            progress: None,
            pq16_crc: Pq16Crc::AsOnDisc,
        }
    }

    /// A writer for `recorder`.
    pub fn with_recorder(recorder: &'r mut Recorder) -> RawCdWriter<'r> {
        let mut w = RawCdWriter::new();
        w.recorder = Some(recorder);
        w
    }

    fn check_not_writing(&self) -> Result<()> {
        if self.state.is_writing() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_WRITE_IN_PROGRESS,
                "a raw write is running",
            ));
        }
        Ok(())
    }

    /// `put_Recorder`.
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_WRITE_IN_PROGRESS`, `E_IMAPI_DF2RAW_MEDIA_IS_PREPARED`.
    pub fn set_recorder(&mut self, recorder: &'r mut Recorder) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_some() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_PREPARED,
                "the medium is prepared; release it before changing the recorder",
            ));
        }
        self.recorder = Some(recorder);
        self.supported = None;
        Ok(())
    }

    /// `ClientName`.
    pub fn client_name(&self) -> &str {
        &self.client_name
    }

    /// `put_ClientName`: 1–64 of A–Z a–z 0–9 space `_` `-` `.`.
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID`, `E_IMAPI_DF2RAW_WRITE_IN_PROGRESS`,
    /// `E_IMAPI_DF2RAW_MEDIA_IS_PREPARED`.
    pub fn set_client_name(&mut self, name: &str) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_some() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_PREPARED,
                "the medium is prepared; the client name cannot change",
            ));
        }
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'));
        if !ok {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID,
                format!("client name {name:?} is not valid (1-64 of A-Z a-z 0-9 space _ - .)"),
            ));
        }
        self.client_name = name.to_string();
        Ok(())
    }

    /// `RequestedSectorType`: the sub-channel form of the stream.
    pub fn requested_sector_type(&self) -> SubchannelForm {
        self.requested
    }

    /// `put_RequestedSectorType` (needs a prepared medium, reference `imapi2.md` §5.13).
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_WRITE_IN_PROGRESS`, `E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED`,
    /// `E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED` for a value other than 1–3.
    pub fn set_requested_sector_type(&mut self, form: SubchannelForm) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_none() {
            return Err(not_prepared());
        }
        if form.bytes().is_none() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED,
                format!(
                    "sector type {} is not 1 (PQ only), 2 (cooked) or 3 (raw)",
                    form.to_raw()
                ),
            ));
        }
        self.requested = form;
        Ok(())
    }

    /// `BufferUnderrunFreeDisabled`.
    pub fn buffer_underrun_free_disabled(&self) -> bool {
        self.buffer_underrun_free_disabled
    }

    /// `put_BufferUnderrunFreeDisabled` (needs a prepared medium).
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_WRITE_IN_PROGRESS`, `E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED`.
    pub fn set_buffer_underrun_free_disabled(&mut self, disabled: bool) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_none() {
            return Err(not_prepared());
        }
        self.buffer_underrun_free_disabled = disabled;
        Ok(())
    }

    /// CRC convention of the 16-byte PQ form the stream uses (default: as on disc).
    pub fn set_pq16_crc(&mut self, crc: Pq16Crc) {
        self.pq16_crc = crc;
    }

    /// Calls `f` with every progress event (IMAPI `DDiscFormat2RawCDEvents::Update`).
    pub fn on_progress(&mut self, f: impl FnMut(&RawCdProgressEvent) + 'r) {
        self.progress = Some(Box::new(f));
    }

    /// A handle whose `cancel()` stops the running write (IMAPI `CancelWrite`).
    pub fn cancel_handle(&self) -> RawCdCancelHandle {
        self.state.clone()
    }

    /// `CancelWrite` from the owner: no write can be running while the writer is borrowed
    /// here, so this reports that (use [`RawCdWriter::cancel_handle`] from the callback).
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS`.
    pub fn cancel_write(&self) -> Result<()> {
        self.state.cancel()
    }

    fn recorder(&mut self) -> Result<&mut Recorder> {
        self.recorder.as_deref_mut().ok_or_else(|| {
            Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED,
                "no recorder is set",
            )
        })
    }

    /// `SupportedSectorTypes`: the raw Data Block Types the drive accepts, found by trial
    /// MODE SELECTs of page 05h with write type RAW (as cdrecord does, `mmc.md` §2.2); each
    /// refusal (5/26/00) leaves the medium untouched.
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED`; drive errors other than 5/26/00.
    pub fn supported_sector_types(&mut self) -> Result<Vec<SubchannelForm>> {
        if let Some(s) = &self.supported {
            return Ok(s.clone());
        }
        let bufe = !self.buffer_underrun_free_disabled;
        let rec = self.recorder()?;
        let mut out = Vec::new();
        for form in FALLBACK {
            if select_raw(rec, form, bufe, SessionFormat::CdDaOrCdRom)? {
                out.push(form);
            }
        }
        self.supported = Some(out.clone());
        Ok(out)
    }

    /// `PrepareMedia`: locks the drive for this writer (exclusive access with the client
    /// name) and checks the medium: a blank CD-R or CD-RW whose ATIP gives the lead-in start.
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED`, `E_IMAPI_DF2RAW_MEDIA_IS_PREPARED`,
    /// `E_IMAPI_DF2RAW_WRITE_IN_PROGRESS`, `E_IMAPI_RECORDER_MEDIA_NO_MEDIA`,
    /// `E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED` (not CD-R/RW), `E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK`,
    /// `E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED` (the drive takes no raw Data Block Type),
    /// `E_IMAPI_RECORDER_LOCKED`, drive errors.
    pub fn prepare_media(&mut self) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_some() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_PREPARED,
                "the medium is already prepared",
            ));
        }
        let client = self.client_name.clone();
        self.recorder()?.acquire_exclusive_access(false, &client)?;
        let result = self.check_medium();
        match result {
            Ok(p) => {
                self.prepared = Some(p);
                match self.supported_sector_types() {
                    Ok(s) if !s.is_empty() => Ok(()),
                    Ok(_) => {
                        self.abandon();
                        Err(Error::refused(
                            ErrorCode::E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED,
                            "the drive accepts no raw Data Block Type (1, 2 or 3) with write type RAW",
                        ))
                    }
                    Err(e) => {
                        self.abandon();
                        Err(e)
                    }
                }
            }
            Err(e) => {
                self.abandon();
                Err(e)
            }
        }
    }

    fn abandon(&mut self) {
        self.prepared = None;
        if let Some(r) = self.recorder.as_deref_mut() {
            r.release_exclusive_access();
        }
    }

    /// Profile CD-R/RW, blank, ATIP lead-in start and last lead-out start.
    fn check_medium(&mut self) -> Result<Prepared> {
        let rec = self.recorder()?;
        let profile = rec.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
                "no medium in the drive",
            ));
        }
        if !matches!(profile, Profile::CdR | Profile::CdRw) {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED,
                format!(
                    "raw Disc-At-Once needs a CD-R or CD-RW; the medium is {} (profile {:04X}h)",
                    profile.name(),
                    u16::from(profile)
                ),
            ));
        }
        let di = rec.disc_information()?;
        if di.disc_status() != DiscStatus::Empty {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK,
                format!(
                    "raw Disc-At-Once needs a blank disc; the {} is {:?}",
                    profile.name(),
                    di.disc_status()
                ),
            ));
        }
        let (lead_in, lead_out) = rec.atip()?;
        Ok(Prepared {
            profile,
            lead_in_start: lead_in.to_lba(),
            last_lead_out_start: lead_out.to_lba(),
        })
    }

    /// `StartOfNextSession`: the medium's lead-in start (negative on a blank disc).
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED`.
    pub fn start_of_next_session(&self) -> Result<Lba> {
        self.prepared
            .map(|p| p.lead_in_start)
            .ok_or_else(not_prepared)
    }

    /// `LastPossibleStartOfLeadout`: the latest lead-out start the medium allows (ATIP).
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED`.
    pub fn last_possible_start_of_lead_out(&self) -> Result<Lba> {
        self.prepared
            .map(|p| p.last_lead_out_start)
            .ok_or_else(not_prepared)
    }

    /// `ReleaseMedia`: unlocks the drive (the session was closed by the write).
    ///
    /// # Errors
    /// `E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED`, `E_IMAPI_DF2RAW_WRITE_IN_PROGRESS`.
    pub fn release_media(&mut self) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_none() {
            return Err(not_prepared());
        }
        self.abandon();
        Ok(())
    }

    /// `WriteMedia`: writes an image whose first block is MSF 95:00:00
    /// (≡ `write_media2(stream, size_bytes, 22650)`).
    ///
    /// # Errors
    /// As [`RawCdWriter::write_media2`].
    pub fn write_media<R: Read + Send + 'static>(
        &mut self,
        stream: R,
        size_bytes: u64,
    ) -> Result<RawCdWriteOutcome> {
        self.write_media2(stream, size_bytes, 22_650)
    }

    fn emit(&mut self, ev: &RawCdProgressEvent) {
        if let Some(f) = self.progress.as_mut() {
            f(ev);
        }
    }

    /// `WriteMedia2`: writes `size_bytes` of `stream`, whose block *k* is LBA
    /// *k − stream_leadin_sectors*, from this medium's lead-in start to the end of the stream.
    /// Blocks are [`RawCdWriter::requested_sector_type`]-sized (2368 or 2448 bytes).
    ///
    /// # Errors
    /// Before anything on the medium changes:
    /// - `E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED` (0xC0AA0602), `E_IMAPI_DF2RAW_WRITE_IN_PROGRESS`;
    /// - `E_INVALIDARG`: a negative `stream_leadin_sectors`;
    /// - `E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED` (0xC0AA060D): size 0 or not a multiple of the
    ///   block size, no program area, no lead-in TOC in the stream's first blocks (a stream of
    ///   another sector type);
    /// - `E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK` (0xC0AA0606): the disc was written meanwhile;
    /// - `E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT` (0xC0AA060F): the stream starts after this
    ///   medium's lead-in start;
    /// - `E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE` (0xC0AA0609): the image's lead-out starts after
    ///   `LastPossibleStartOfLeadout`;
    /// - `E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED` (0xC0AA060E): the drive refuses every
    ///   raw Data Block Type.
    ///
    /// During the write: `E_IMAPI_REQUEST_CANCELLED` after `cancel()`; drive and stream errors,
    /// wrapped with the state of the disc.
    pub fn write_media2<R: Read + Send + 'static>(
        &mut self,
        stream: R,
        size_bytes: u64,
        stream_leadin_sectors: i32,
    ) -> Result<RawCdWriteOutcome> {
        self.check_not_writing()?;
        if self.prepared.is_none() {
            return Err(not_prepared());
        }
        self.state.0.store(WRITING, Ordering::SeqCst);
        let result = self.write_inner(stream, size_bytes, stream_leadin_sectors);
        self.state.0.store(IDLE, Ordering::SeqCst);
        result
    }

    fn write_inner<R: Read + Send + 'static>(
        &mut self,
        stream: R,
        size_bytes: u64,
        stream_leadin_sectors: i32,
    ) -> Result<RawCdWriteOutcome> {
        let clock = self.recorder()?.exec.clock().clone();
        let started = clock.now();
        let mut ev = RawCdProgressEvent {
            action: RawCdWriteAction::Preparing,
            start_lba: Lba(0),
            sector_count: 0,
            last_read_lba: Lba(-1),
            last_written_lba: Lba(-1),
            sectors_written: 0,
            elapsed: Duration::ZERO,
            remaining: None,
            total_system_buffer: 0,
            used_system_buffer: 0,
        };
        self.emit(&ev);

        // 1. The stream alone.
        if stream_leadin_sectors < 0 {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                format!("streamLeadInSectors {stream_leadin_sectors} is negative"),
            ));
        }
        let requested = self.requested;
        let Some(in_bytes) = block_bytes(requested) else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED,
                "unknown requested sector type",
            ));
        };
        if size_bytes == 0 || !size_bytes.is_multiple_of(in_bytes as u64) {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED,
                format!(
                    "stream size {size_bytes} bytes is not a positive multiple of the {in_bytes}-byte blocks of sector type {}",
                    requested.to_raw()
                ),
            ));
        }
        let stream_blocks = size_bytes / in_bytes as u64;
        let stream_end = stream_blocks as i64 - i64::from(stream_leadin_sectors);
        if stream_end <= 0 {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED,
                format!(
                    "the stream's {stream_blocks} blocks end before LBA 0 ({stream_leadin_sectors} lead-in blocks): no program area"
                ),
            ));
        }

        // 2. The medium, again (it may have changed since prepare_media).
        let prepared = self.check_medium()?;
        self.prepared = Some(prepared);
        let lead_in = prepared.lead_in_start;
        let skip = i64::from(stream_leadin_sectors) + i64::from(lead_in.0);
        if skip < 0 {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT,
                format!(
                    "the stream starts at {} but this medium's lead-in starts at {}; the stream needs {} more lead-in blocks",
                    msf_text(Lba(-stream_leadin_sectors)),
                    msf_text(lead_in),
                    -skip
                ),
            ));
        }
        let skip = skip as u64;
        let to_write = stream_blocks - skip;

        // 3. The image's own lead-in TOC, from its first blocks (nothing written yet).
        let chunk_bytes = CHUNK_BLOCKS * in_bytes;
        let mut ring = Ring::start(
            SkipRead {
                inner: stream,
                skip: skip * in_bytes as u64,
            },
            to_write * in_bytes as u64,
            chunk_bytes,
            RING_DEPTH,
        );
        let first = match ring.next() {
            Some(Ok(c)) => c,
            Some(Err(e)) => return Err(Error::io("image stream", e)),
            None => {
                return Err(Error::refused(
                    ErrorCode::E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED,
                    "the stream ended before the medium's lead-in start",
                ))
            }
        };
        let toc = scan_lead_in(&first.buf[..first.len], requested, in_bytes, self.pq16_crc);
        let Some(toc) = toc else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED,
                format!(
                    "the stream's blocks at the medium's lead-in start carry no lead-in TOC in Q; is it a raw image of sector type {} ({in_bytes}-byte blocks) starting {stream_leadin_sectors} blocks before LBA 0?",
                    requested.to_raw()
                ),
            ));
        };
        if let Some(lead_out) = toc.lead_out {
            if lead_out > prepared.last_lead_out_start {
                return Err(Error::refused(
                    ErrorCode::E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE,
                    format!(
                        "the image's lead-out starts at {}, after this medium's last possible lead-out start {}",
                        msf_text(lead_out),
                        msf_text(prepared.last_lead_out_start)
                    ),
                ));
            }
        }

        // 4. Write parameters with fallback.
        let bufe = !self.buffer_underrun_free_disabled;
        let session_format = if toc.disc_type == 0x20 {
            SessionFormat::CdRomXa
        } else {
            SessionFormat::CdDaOrCdRom
        };
        let mut candidates = vec![requested];
        candidates.extend(FALLBACK.iter().copied().filter(|f| *f != requested));
        let mut used = None;
        for form in candidates {
            if select_raw(self.recorder()?, form, bufe, session_format)? {
                used = Some(form);
                break;
            }
        }
        let Some(used) = used else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED,
                "the drive refuses raw Data Block Types 3, 2 and 1",
            ));
        };
        let out_bytes = block_bytes(used).unwrap_or(in_bytes);
        let rw_dropped = used == SubchannelForm::PqOnly && requested != SubchannelForm::PqOnly;
        tracing::info!(
            requested = requested.to_raw(),
            used = used.to_raw(),
            "raw write data block type"
        );
        let rec = self.recorder()?;
        match rec.exec.no_data(&SendOpcInformation {
            do_opc: true,
            parameter_list_length: 0,
        }) {
            Ok(()) => {}
            Err(Error::Command { sense, .. })
                if sense.key == SenseKey::IllegalRequest && sense.asc == 0x20 => {}
            Err(e) => return Err(e),
        }

        // 5. Write.
        ev.action = RawCdWriteAction::Writing;
        ev.start_lba = lead_in;
        ev.sector_count = to_write;
        ev.last_read_lba = Lba(lead_in.0 - 1);
        ev.last_written_lba = Lba(lead_in.0 - 1);
        ev.total_system_buffer = (chunk_bytes * RING_DEPTH) as u64;
        ev.elapsed = clock.now() - started;
        self.emit(&ev);
        let per_command = (COMMAND_BYTES / out_bytes).max(1);
        let mut converted = vec![0u8; CHUNK_BLOCKS * out_bytes];
        let mut written: u64 = 0;
        let mut last_emit = clock.now();
        let mut failure: Option<Error> = None;
        let mut cancelled = false;
        let mut pending = Some(first);
        let mut next_lba = i64::from(lead_in.0);
        'chunks: while written < to_write {
            if self.state.cancelled() {
                cancelled = true;
                break;
            }
            let chunk = match pending.take().map(Ok).or_else(|| ring.next()) {
                Some(Ok(c)) => c,
                Some(Err(e)) => {
                    failure = Some(Error::io("image stream", e));
                    break;
                }
                None => {
                    failure = Some(Error::refused(
                        ErrorCode::E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED,
                        format!("the stream ended after {written} of {to_write} blocks"),
                    ));
                    break;
                }
            };
            if chunk.len % in_bytes != 0 {
                failure = Some(Error::refused(
                    ErrorCode::E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED,
                    "the stream ended in the middle of a block",
                ));
                break;
            }
            let blocks = chunk.len / in_bytes;
            let data: &[u8] = if used == requested {
                &chunk.buf[..chunk.len]
            } else {
                for k in 0..blocks {
                    let src = &chunk.buf[k * in_bytes..(k + 1) * in_bytes];
                    let dst = &mut converted[k * out_bytes..(k + 1) * out_bytes];
                    dst[..SECTOR_BYTES].copy_from_slice(&src[..SECTOR_BYTES]);
                    if let Err(e) = convert_subchannel(
                        requested,
                        &src[SECTOR_BYTES..],
                        used,
                        &mut dst[SECTOR_BYTES..],
                        self.pq16_crc,
                    ) {
                        failure = Some(Error::refused(ErrorCode::E_FAIL, e.to_string()));
                        break 'chunks;
                    }
                }
                &converted[..blocks * out_bytes]
            };
            ev.last_read_lba = Lba((next_lba + blocks as i64 - 1) as i32);
            let mut off = 0usize;
            while off < blocks {
                if self.state.cancelled() {
                    cancelled = true;
                    break 'chunks;
                }
                let n = per_command.min(blocks - off);
                let lba = Lba((next_lba + off as i64) as i32);
                let cmd = Write10 {
                    fua: false,
                    lba,
                    transfer_length: n as u16,
                };
                let bytes = &data[off * out_bytes..(off + n) * out_bytes];
                let rec = match self.recorder() {
                    Ok(r) => r,
                    Err(e) => {
                        failure = Some(e);
                        break 'chunks;
                    }
                };
                if let Err(e) = rec.exec.data_out(&cmd, bytes) {
                    failure = Some(at_lba(e, lba));
                    written += off as u64;
                    break 'chunks;
                }
                off += n;
                let now = clock.now();
                if now - last_emit >= PROGRESS_INTERVAL {
                    last_emit = now;
                    let done = written + off as u64;
                    ev.sectors_written = done;
                    ev.last_written_lba = Lba((i64::from(lead_in.0) + done as i64 - 1) as i32);
                    ev.elapsed = now - started;
                    ev.remaining = estimate(ev.elapsed, done, to_write);
                    ev.used_system_buffer = ring.used.load(Ordering::Relaxed);
                    self.emit(&ev);
                }
            }
            written += blocks as u64;
            next_lba += blocks as i64;
            ring.recycle(chunk);
        }
        drop(ring);
        ev.sectors_written = written;
        ev.last_written_lba = Lba((i64::from(lead_in.0) + written as i64 - 1) as i32);
        ev.elapsed = clock.now() - started;
        ev.remaining = estimate(ev.elapsed, written, to_write);
        ev.used_system_buffer = 0;
        self.emit(&ev);

        // 6. Finish.
        ev.action = RawCdWriteAction::Finishing;
        self.emit(&ev);
        let flushed = self.recorder()?.exec.no_data(&SynchronizeCache {
            immed: false,
            lba: Lba(0),
            blocks: 0,
        });
        if cancelled || failure.is_some() {
            let state = if written == 0 {
                "nothing was written; the disc is unchanged".to_string()
            } else {
                format!(
                    "{written} of {to_write} blocks were written; the disc holds an incomplete session (blank a CD-RW to reuse it; a CD-R is spoilt)"
                )
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
        flushed?;
        Ok(RawCdWriteOutcome {
            profile: prepared.profile,
            requested_sector_type: requested,
            sector_type_used: used,
            start_lba: lead_in,
            skipped_blocks: skip,
            blocks_written: written,
            lead_out_start: toc.lead_out,
            rw_dropped,
            elapsed: clock.now() - started,
        })
    }
}

impl Drop for RawCdWriter<'_> {
    /// Releases the drive when the medium is still prepared (as `release_media` would).
    fn drop(&mut self) {
        if self.prepared.is_some() {
            self.abandon();
        }
    }
}

/// Skips the first `skip` bytes of `inner` (read and discarded on the reader thread).
struct SkipRead<R> {
    inner: R,
    skip: u64,
}

impl<R: Read> Read for SkipRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.skip > 0 {
            let n = std::io::copy(&mut (&mut self.inner).take(self.skip), &mut std::io::sink())?;
            if n < self.skip {
                self.skip = 0;
                return Ok(0);
            }
            self.skip = 0;
        }
        self.inner.read(buf)
    }
}

/// What the image's lead-in Q says.
struct LeadInToc {
    lead_out: Option<Lba>,
    disc_type: u8,
}

/// Decodes the Q of the blocks in `bytes` (blocks of `form`); `None` when no valid lead-in
/// frame is among them.
fn scan_lead_in(
    bytes: &[u8],
    form: SubchannelForm,
    block: usize,
    crc: Pq16Crc,
) -> Option<LeadInToc> {
    let mut found = false;
    let mut toc = LeadInToc {
        lead_out: None,
        disc_type: 0,
    };
    for b in bytes.chunks_exact(block) {
        let sub = &b[SECTOR_BYTES..];
        let q: [u8; Q_FRAME_BYTES] = match form {
            SubchannelForm::PqOnly => {
                let pq: &[u8; PQ16_BYTES] = sub.try_into().ok()?;
                q_from_pq16(pq, crc).0
            }
            _ => {
                let raw: &[u8; SUBCHANNEL_BYTES] = sub.try_into().ok()?;
                q_from_raw(raw)
            }
        };
        let Ok(frame) = QFrame::parse(&q) else {
            continue;
        };
        if let QContent::LeadIn { entry, .. } = frame.content {
            found = true;
            match entry {
                TocEntry::LeadOut { start } => toc.lead_out = Some(start.to_lba()),
                TocEntry::FirstTrack { disc_type, .. } => toc.disc_type = disc_type.0,
                _ => {}
            }
        }
    }
    found.then_some(toc)
}

/// MODE SENSE page 05h, set write type RAW and the Data Block Type of `form`, MODE SELECT.
/// `Ok(false)` when the drive refuses it with 5/26/00.
pub(crate) fn select_raw(
    rec: &mut Recorder,
    form: SubchannelForm,
    bufe: bool,
    session_format: SessionFormat,
) -> Result<bool> {
    let dbt = match form {
        SubchannelForm::PqOnly => DataBlockType::RawPq,
        SubchannelForm::PackedRw => DataBlockType::RawPwPacked,
        SubchannelForm::RawPw => DataBlockType::RawPwRaw,
        SubchannelForm::Unknown(_) => return Ok(false),
    };
    let sense = ModeSense10 {
        llbaa: false,
        dbd: true,
        page_control: PageControl::Current,
        page_code: 0x05,
        subpage_code: 0,
        allocation_length: 8 + 0x38,
    };
    let resp = rec.exec.data_in(&sense, 8 + 0x38)?;
    let pages = ModePages::new(&resp).map_err(|e| invalid("MODE SENSE(10)", e))?;
    let Some(page) = pages.into_iter().find(|p| p.page_code() == 0x05) else {
        return Err(Error::refused(
            ErrorCode::E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE,
            "the drive returned no write parameters page (05h)",
        ));
    };
    let mut bytes = page.into_inner().to_vec();
    if let Some(b) = bytes.first_mut() {
        *b &= 0x7F; // PS is reserved in MODE SELECT (mmc.md §2)
    }
    let mut wp =
        WriteParametersPage::new_checked(bytes).map_err(|e| invalid("MODE SENSE(10)", e))?;
    wp.set_write_type(WriteType::Raw);
    wp.set_data_block_type(dbt);
    wp.set_bufe(bufe);
    wp.set_test_write(false);
    wp.set_multi_session(MultiSession::NoNextSession);
    wp.set_copy(false);
    wp.set_ls_v(false);
    wp.set_link_size(0);
    wp.set_fp(false);
    wp.set_packet_size(0);
    wp.set_audio_pause_length(150);
    wp.set_session_format(session_format);
    let page_bytes = wp.into_inner();
    let list = emit_mode_parameter_list(&[&page_bytes], true);
    let select = ModeSelect10 {
        pf: true,
        sp: false,
        parameter_list_length: list.len() as u16,
    };
    match rec.exec.data_out(&select, &list) {
        Ok(()) => Ok(true),
        Err(Error::Command { sense, .. }) if sense == Sense::INVALID_FIELD_IN_PARAMETER_LIST => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

impl Recorder {
    /// READ TOC/PMA/ATIP format 4 (ATIP): the start time of the lead-in and the last possible
    /// start of the lead-out of a recordable CD.
    ///
    /// # Errors
    /// Drive errors (5/24/00 on media without ATIP); `E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE`
    /// for a short or non-MSF answer.
    ///
    /// Spec: reference `mmc.md` §1.12.
    pub fn atip(&mut self) -> Result<(Msf, Msf)> {
        let cmd = ReadTocPmaAtip {
            msf: true,
            format: TocFormat::Atip,
            track_session: 0,
            allocation_length: 28,
        };
        let bytes = self.exec.data_in(&cmd, 28)?;
        let atip = Atip::new_checked(&bytes[..]).map_err(|e| invalid("READ TOC/PMA/ATIP", e))?;
        match (atip.lead_in_start(), atip.last_possible_lead_out_start()) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
                "ATIP lead-in or lead-out time is not an MSF",
            )),
        }
    }
}

fn estimate(elapsed: Duration, done: u64, total: u64) -> Option<Duration> {
    if done == 0 {
        return None;
    }
    let per = elapsed.as_secs_f64() / done as f64;
    Some(Duration::from_secs_f64(
        per * total.saturating_sub(done) as f64,
    ))
}
