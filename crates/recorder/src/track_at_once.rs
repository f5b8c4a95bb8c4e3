//! [`TrackAtOnce`] = IMAPI `IDiscFormat2TrackAtOnce`: audio CDs written track by track (write
//! type TAO, data block type 0, 2352-byte blocks of 44.1 kHz 16-bit stereo PCM).
//!
//! Lifecycle (`imapi2.md` §2.8, §5.6, §5.13): recorder → client name → (DoNotFinalizeMedia)
//! → [`TrackAtOnce::prepare_media`] → [`TrackAtOnce::add_audio_track`] × n →
//! [`TrackAtOnce::release_media`].
//!
//! Per track (`mmc.md` §2.2, §6.2 libburn CD TAO): MODE SELECT page 05h (TAO, DBT 0, track
//! mode 0 = 2-channel audio, BUFE, audio pause length 150 = the 2-second gap, or 0 for
//! gapless; ISRC with TCVAL when the track has one), READ TRACK INFORMATION of the invisible
//! track (NWA, free blocks), WRITE(10) of 27 blocks (63 504 bytes) at a time, SYNCHRONIZE
//! CACHE (the drive closes the track). Release: CLOSE SESSION (010b); page 05h's multi-session
//! field finalizes the disc (00b) unless DoNotFinalizeMedia (11b, next session allowed).
//!
//! Track sizes: IMAPI's stream is raw PCM; discmaster refuses a stream whose length is not a
//! whole number of 2352-byte sectors (`E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED`, as the reference
//! recommends). Decoded WAV and FLAC files ([`TrackAtOnce::add_audio_track_file`]) are padded
//! with digital silence to a whole sector. Every track shorter than 4 s (300 sectors) is
//! padded with silence to 4 s.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use discmaster_cd::cue::Isrc;
use discmaster_core::{ErrorCode, Lba};
use discmaster_mmc::commands::{
    CloseTrackSession, ModeSelect10, ModeSense10, SynchronizeCache, Write10,
};
use discmaster_mmc::pages::{emit_mode_parameter_list, ModePages, WriteParametersPage};
use discmaster_mmc::responses::{Toc, TocDescriptor};
use discmaster_mmc::{
    CloseFunction, DataBlockType, DiscStatus, MultiSession, PageControl, Profile, SessionFormat,
    WriteType,
};

use crate::error::{Error, Result};
use crate::recorder::{at_lba, Recorder};
use crate::ring::Ring;
use crate::speed::WriteSpeedSetting;

/// Bytes of one audio sector (588 stereo frames, 1/75 s).
pub const AUDIO_SECTOR_BYTES: usize = 2352;
/// Most tracks on a CD.
pub const MAX_TRACKS: u8 = 99;
/// Shortest track: 4 s.
///
/// Units: sectors.
pub const MIN_TRACK_SECTORS: u32 = 300;
/// The TAO gap before each track: 2 s (page 05h audio pause length).
///
/// Units: sectors.
pub const DEFAULT_AUDIO_PAUSE_SECTORS: u16 = 150;

/// Blocks per WRITE(10) (27 × 2352 = 63 504 bytes, under 64 KiB).
const BLOCKS_PER_COMMAND: u32 = 27;
/// Blocks per ring buffer.
const CHUNK_BLOCKS: usize = 405;
/// Ring depth.
const RING_DEPTH: usize = 8;
/// Progress cadence (IMAPI: every 0.5 s).
const PROGRESS_INTERVAL: Duration = Duration::from_millis(500);

/// Phase of a track write (IMAPI `IMAPI_FORMAT2_TAO_WRITE_ACTION`).
///
/// Spec: `imapi2.md` §3.14.
#[doc(alias = "IMAPI_FORMAT2_TAO_WRITE_ACTION")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaoWriteAction {
    /// 0: not started (hidden in IMAPI).
    Unknown,
    /// 1: setting up the track (page 05h, NWA).
    Preparing,
    /// 2: writing the track.
    Writing,
    /// 3: closing the track (SYNCHRONIZE CACHE).
    Finishing,
    /// 4: verifying.
    Verifying,
}

impl TaoWriteAction {
    /// The IMAPI value.
    pub fn imapi_value(self) -> u32 {
        match self {
            TaoWriteAction::Unknown => 0,
            TaoWriteAction::Preparing => 1,
            TaoWriteAction::Writing => 2,
            TaoWriteAction::Finishing => 3,
            TaoWriteAction::Verifying => 4,
        }
    }

    /// snake_case name for JSON output.
    pub fn name(self) -> &'static str {
        match self {
            TaoWriteAction::Unknown => "unknown",
            TaoWriteAction::Preparing => "preparing",
            TaoWriteAction::Writing => "writing",
            TaoWriteAction::Finishing => "finishing",
            TaoWriteAction::Verifying => "verifying",
        }
    }
}

/// One progress event (IMAPI `IDiscFormat2TrackAtOnceEventArgs` + `IWriteEngine2EventArgs`).
///
/// Units: LBAs, sectors (2352 bytes), durations; buffer sizes in bytes.
///
/// Spec: `imapi2.md` §2.8, §5.12.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaoProgressEvent {
    /// `CurrentTrackNumber` (1–99).
    pub current_track_number: u8,
    /// `CurrentAction`.
    pub action: TaoWriteAction,
    /// `ElapsedTime` of the current track.
    pub elapsed: Duration,
    /// `RemainingTime` (estimate).
    pub remaining: Option<Duration>,
    /// `StartLba`: the track's first sector.
    pub start_lba: Lba,
    /// `SectorCount`: sectors of the track (after padding).
    pub sector_count: u32,
    /// `LastReadLba`.
    pub last_read_lba: Lba,
    /// `LastWrittenLba`.
    pub last_written_lba: Lba,
    /// Sectors written so far.
    pub sectors_written: u32,
    /// `TotalSystemBuffer`.
    pub total_system_buffer: u64,
    /// `UsedSystemBuffer`.
    pub used_system_buffer: u64,
}

const IDLE: u8 = 0;
const WRITING: u8 = 1;
const CANCEL_REQUESTED: u8 = 2;

/// IMAPI `CancelAddTrack`; clones share the request.
#[derive(Debug, Clone, Default)]
pub struct TaoCancelHandle(Arc<AtomicU8>);

impl TaoCancelHandle {
    /// `CancelAddTrack`: asks the running track write to stop at the next command boundary;
    /// `add_audio_track` then returns `E_IMAPI_REQUEST_CANCELLED` and the part written stays
    /// as a shorter track. Call `release_media` afterwards.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS` (0xC0AA0501) when no track is being written.
    pub fn cancel_add_track(&self) -> Result<()> {
        match self.0.compare_exchange(
            WRITING,
            CANCEL_REQUESTED,
            Ordering::SeqCst,
            Ordering::SeqCst,
        ) {
            Ok(_) | Err(CANCEL_REQUESTED) => Ok(()),
            Err(_) => Err(Error::refused(
                ErrorCode::E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS,
                "no audio track is being written",
            )),
        }
    }

    /// Whether a track is being written.
    pub fn is_writing(&self) -> bool {
        self.0.load(Ordering::SeqCst) != IDLE
    }

    fn cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst) == CANCEL_REQUESTED
    }
}

/// What [`TrackAtOnce::add_audio_track`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioTrackOutcome {
    /// Track number.
    pub track_number: u8,
    /// First sector of the track's audio (its NWA).
    pub start_lba: Lba,
    /// Sectors written, including the silence padding.
    ///
    /// Units: sectors of 2352 bytes.
    pub sectors: u32,
    /// PCM bytes taken from the source.
    pub source_bytes: u64,
    /// The ISRC recorded with the track.
    pub isrc: Option<String>,
    /// Duration of the track write.
    pub elapsed: Duration,
}

/// What `prepare_media` found and what has been written since.
#[derive(Debug, Clone, Copy)]
struct Prepared {
    /// Sectors of the whole disc as one track (NWA + free blocks of the blank disc).
    total_sectors: u32,
    /// First track's start (the NWA of the blank disc).
    first_lba: Lba,
    existing_tracks: u8,
}

/// A progress callback (IMAPI `DDiscFormat2TrackAtOnceEvents::Update`).
type ProgressCallback<'r> = Box<dyn FnMut(&TaoProgressEvent) + 'r>;

/// The track-at-once audio writer (IMAPI `IDiscFormat2TrackAtOnce`).
///
/// Spec: `imapi2.md` §2.8, §3.14, §4.5, §5.6, §5.13.
#[doc(alias = "IDiscFormat2TrackAtOnce")]
pub struct TrackAtOnce<'r> {
    recorder: Option<&'r mut Recorder>,
    client_name: String,
    do_not_finalize_media: bool,
    buffer_underrun_free_disabled: bool,
    audio_pause_sectors: u16,
    next_isrc: Option<Isrc>,
    prepared: Option<Prepared>,
    state: TaoCancelHandle,
    progress: Option<ProgressCallback<'r>>,
}

impl Default for TrackAtOnce<'_> {
    fn default() -> Self {
        TrackAtOnce::new()
    }
}

fn not_prepared() -> Error {
    Error::refused(
        ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED,
        "prepare_media has not been called",
    )
}

fn is_prepared() -> Error {
    Error::refused(
        ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_PREPARED,
        "the medium is prepared; call release_media first",
    )
}

fn stream_not_supported(why: String) -> Error {
    Error::refused(ErrorCode::E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED, why)
}

impl<'r> TrackAtOnce<'r> {
    /// A writer without a recorder, with IMAPI's defaults: finalize on release, BUFE on,
    /// 2-second gaps, client name `"discmaster"`.
    pub fn new() -> TrackAtOnce<'r> {
        TrackAtOnce {
            recorder: None,
            client_name: "discmaster".into(),
            do_not_finalize_media: false,
            buffer_underrun_free_disabled: false,
            audio_pause_sectors: DEFAULT_AUDIO_PAUSE_SECTORS,
            next_isrc: None,
            prepared: None,
            state: TaoCancelHandle::default(),
            progress: None,
        }
    }

    /// A writer for `recorder`.
    pub fn with_recorder(recorder: &'r mut Recorder) -> TrackAtOnce<'r> {
        let mut w = TrackAtOnce::new();
        w.recorder = Some(recorder);
        w
    }

    fn check_not_writing(&self) -> Result<()> {
        if self.state.is_writing() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2TAO_WRITE_IN_PROGRESS,
                "an audio track is being written",
            ));
        }
        Ok(())
    }

    fn recorder(&mut self) -> Result<&mut Recorder> {
        self.recorder.as_deref_mut().ok_or_else(|| {
            Error::refused(
                ErrorCode::E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED,
                "no recorder has been set",
            )
        })
    }

    /// `put_Recorder`.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_WRITE_IN_PROGRESS`, `E_IMAPI_DF2TAO_MEDIA_IS_PREPARED`.
    pub fn set_recorder(&mut self, recorder: &'r mut Recorder) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_some() {
            return Err(is_prepared());
        }
        self.recorder = Some(recorder);
        Ok(())
    }

    /// `ClientName`.
    pub fn client_name(&self) -> &str {
        &self.client_name
    }

    /// `put_ClientName`: 1–64 of A–Z a–z 0–9 space `_` `-` `.`.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID` (0xC0AA050F), `E_IMAPI_DF2TAO_WRITE_IN_PROGRESS`,
    /// `E_IMAPI_DF2TAO_MEDIA_IS_PREPARED`.
    pub fn set_client_name(&mut self, name: &str) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_some() {
            return Err(is_prepared());
        }
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'));
        if !ok {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID,
                format!("client name {name:?} is not valid (1-64 of A-Z a-z 0-9 space _ - .)"),
            ));
        }
        self.client_name = name.to_string();
        Ok(())
    }

    /// `DoNotFinalizeMedia`.
    pub fn do_not_finalize_media(&self) -> bool {
        self.do_not_finalize_media
    }

    /// `put_DoNotFinalizeMedia`: TRUE leaves the disc open after `release_media` (a data
    /// session can follow: CD Extra).
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_WRITE_IN_PROGRESS`; `E_IMAPI_DF2TAO_MEDIA_IS_PREPARED`;
    /// `E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY` (0xC0AA0504) when the loaded disc is
    /// not blank.
    pub fn set_do_not_finalize_media(&mut self, value: bool) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_some() {
            return Err(is_prepared());
        }
        if let Some(rec) = self.recorder.as_deref_mut() {
            if rec.current_profile()? != Profile::NoCurrentProfile
                && rec.disc_information()?.disc_status() != DiscStatus::Empty
            {
                return Err(Error::refused(
                    ErrorCode::E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY,
                    "DoNotFinalizeMedia can be changed only while the disc is blank",
                ));
            }
        }
        self.do_not_finalize_media = value;
        Ok(())
    }

    /// `BufferUnderrunFreeDisabled`.
    pub fn buffer_underrun_free_disabled(&self) -> bool {
        self.buffer_underrun_free_disabled
    }

    /// `put_BufferUnderrunFreeDisabled` (needs a prepared medium, `imapi2.md` §5.13).
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED`, `E_IMAPI_DF2TAO_WRITE_IN_PROGRESS`.
    pub fn set_buffer_underrun_free_disabled(&mut self, disabled: bool) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_none() {
            return Err(not_prepared());
        }
        self.buffer_underrun_free_disabled = disabled;
        Ok(())
    }

    /// The gap written before each following track (page 05h audio pause length): 150
    /// sectors (2 s, TAO's default) or 0 for gapless tracks.
    ///
    /// Units: sectors.
    pub fn audio_pause_sectors(&self) -> u16 {
        self.audio_pause_sectors
    }

    /// Sets the gap before the following tracks (discmaster extension; IMAPI always uses 2 s).
    pub fn set_audio_pause_sectors(&mut self, sectors: u16) {
        self.audio_pause_sectors = sectors;
    }

    /// The ISRC for the next track added (`CC-OOO-YY-NNNNN`, dashes optional); `None` clears
    /// it. Used once, by the next `add_audio_track`. (IMAPI keeps only the error code
    /// `E_IMAPI_DF2TAO_INVALID_ISRC` for this; its TAO object has no ISRC member.)
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_INVALID_ISRC` (0xC0AA050B) for text of another shape.
    pub fn set_next_track_isrc(&mut self, isrc: Option<&str>) -> Result<()> {
        self.next_isrc = match isrc {
            None => None,
            Some(text) => {
                let compact: String = text.chars().filter(|&c| c != '-').collect();
                Some(Isrc::new(&compact).ok_or_else(|| {
                    Error::refused(
                        ErrorCode::E_IMAPI_DF2TAO_INVALID_ISRC,
                        format!(
                            "ISRC {text:?} is not CC-OOO-YY-NNNNN (country letters, owner \
                             letters/digits, year digits, designation digits)"
                        ),
                    )
                })?)
            }
        };
        Ok(())
    }

    /// Calls `f` with every progress event (IMAPI `DDiscFormat2TrackAtOnceEvents::Update`).
    pub fn on_progress(&mut self, f: impl FnMut(&TaoProgressEvent) + 'r) {
        self.progress = Some(Box::new(f));
    }

    /// A handle for `CancelAddTrack`, usable from the progress callback or another thread.
    pub fn cancel_handle(&self) -> TaoCancelHandle {
        self.state.clone()
    }

    /// `CurrentPhysicalMediaType` (as the MMC profile).
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED`; drive errors.
    pub fn current_physical_media_type(&mut self) -> Result<Profile> {
        self.recorder()?.current_profile()
    }

    /// `SetWriteSpeed` (see [`Recorder::set_write_speed`]).
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED`; as [`Recorder::set_write_speed`].
    pub fn set_write_speed(
        &mut self,
        sectors_per_second: i32,
        pure_cav: bool,
    ) -> Result<WriteSpeedSetting> {
        self.recorder()?
            .set_write_speed(sectors_per_second, pure_cav)
    }

    /// `PrepareMedia`: checks for a blank CD-R/CD-RW, takes exclusive access (tagged with the
    /// client name) and sets the drive up for audio TAO.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED` (0xC0AA050A); `E_IMAPI_DF2TAO_MEDIA_IS_PREPARED`
    /// (0xC0AA0503); `E_IMAPI_RECORDER_MEDIA_NO_MEDIA`; `E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED`
    /// (0xC0AA0507) for anything but CD-R/CD-RW; `E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK`
    /// (0xC0AA0506); `E_IMAPI_RECORDER_LOCKED`; `E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED`
    /// (0xC0AA050E) when the drive refuses audio TAO write parameters.
    pub fn prepare_media(&mut self) -> Result<()> {
        self.check_not_writing()?;
        if self.prepared.is_some() {
            return Err(is_prepared());
        }
        let client = self.client_name.clone();
        let rec = self.recorder()?;
        let profile = rec.current_profile()?;
        match profile {
            Profile::NoCurrentProfile => {
                return Err(Error::refused(
                    ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
                    "no medium in the drive",
                ))
            }
            Profile::CdR | Profile::CdRw => {}
            other => {
                return Err(Error::refused(
                    ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED,
                    format!(
                    "track-at-once audio needs a blank CD-R or CD-RW; this is {} (profile {:04X}h)",
                    other.name(),
                    u16::from(other)
                ),
                ))
            }
        }
        if rec.disc_information()?.disc_status() != DiscStatus::Empty {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK,
                format!("the {} is not blank (erase a CD-RW first)", profile.name()),
            ));
        }
        let ti = rec.track_information(0xFF)?;
        let first_lba = ti.next_writable_address();
        let total = u32::try_from(first_lba.0.max(0))
            .unwrap_or(0)
            .saturating_add(ti.free_blocks());
        rec.acquire_exclusive_access(false, &client)?;
        self.prepared = Some(Prepared {
            total_sectors: total,
            first_lba,
            existing_tracks: 0,
        });
        if let Err(e) = self.set_write_parameters(None) {
            self.prepared = None;
            if let Ok(rec) = self.recorder() {
                rec.release_exclusive_access();
            }
            return Err(match e {
                Error::Command { sense, .. } => Error::refused(
                    ErrorCode::E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED,
                    format!("the drive refuses audio track-at-once write parameters ({sense})"),
                ),
                other => other,
            });
        }
        Ok(())
    }

    /// `NumberOfExistingTracks`: tracks written since `prepare_media`.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED`.
    pub fn number_of_existing_tracks(&self) -> Result<u8> {
        self.prepared
            .map(|p| p.existing_tracks)
            .ok_or_else(not_prepared)
    }

    /// `TotalSectorsOnMedia`: sectors usable if the whole disc were one audio track.
    ///
    /// Units: sectors of 2352 bytes.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED`.
    pub fn total_sectors_on_media(&self) -> Result<u32> {
        self.prepared
            .map(|p| p.total_sectors)
            .ok_or_else(not_prepared)
    }

    /// `FreeSectorsOnMedia`: sectors available for the next track (the free blocks the drive
    /// reports for the invisible track, whose NWA already lies after the gap).
    ///
    /// Units: sectors.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED`; drive errors.
    pub fn free_sectors_on_media(&mut self) -> Result<u32> {
        self.prepared.ok_or_else(not_prepared)?;
        let ti = self.recorder()?.track_information(0xFF)?;
        Ok(ti.free_blocks())
    }

    /// `UsedSectorsOnMedia`: sectors used so far, gaps included.
    ///
    /// Units: sectors.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED`; drive errors.
    pub fn used_sectors_on_media(&mut self) -> Result<u32> {
        let p = self.prepared.ok_or_else(not_prepared)?;
        let ti = self.recorder()?.track_information(0xFF)?;
        Ok(u32::try_from(ti.next_writable_address().0 - p.first_lba.0).unwrap_or(0))
    }

    /// `ExpectedTableOfContents`: the READ TOC format 0 data the disc would have if it were
    /// closed now (4-byte header, one 8-byte descriptor per track with CONTROL 0 = audio,
    /// then the lead-out AAh).
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED`; `E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC`
    /// (0xC0AA0505) before the first track; drive errors.
    pub fn expected_table_of_contents(&mut self) -> Result<Vec<u8>> {
        let p = self.prepared.ok_or_else(not_prepared)?;
        if p.existing_tracks == 0 {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC,
                "no track has been written yet",
            ));
        }
        let summary = self.recorder()?.disc_summary()?;
        let tracks: Vec<_> = summary.recorded_tracks().cloned().collect();
        let mut descriptors: Vec<TocDescriptor> = tracks
            .iter()
            .map(|t| TocDescriptor {
                adr: 1,
                control: 0,
                track_number: t.number as u8,
                address: t.start.0 as u32,
            })
            .collect();
        let lead_out = tracks
            .iter()
            .map(|t| t.start.0 + t.recorded as i32)
            .max()
            .unwrap_or(0);
        descriptors.push(TocDescriptor {
            adr: 1,
            control: 0,
            track_number: 0xAA,
            address: lead_out as u32,
        });
        let first = tracks.first().map_or(1, |t| t.number as u8);
        let last = tracks.last().map_or(1, |t| t.number as u8);
        Ok(Toc::emit(first, last, &descriptors))
    }

    /// `AddAudioTrack`: writes `size_bytes` of raw PCM (44.1 kHz, 16-bit, 2 channels,
    /// little-endian L/R frames) from `stream` as the next track.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED` (0xC0AA0502); `E_IMAPI_DF2TAO_WRITE_IN_PROGRESS`;
    /// `E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED` (0xC0AA050D) for an empty stream or one whose
    /// length is not a multiple of 2352 bytes; `E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED`
    /// (0xC0AA0508) after 99 tracks; `E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE` (0xC0AA0509); during
    /// the write `E_IMAPI_REQUEST_CANCELLED` after `cancel_add_track`, drive errors.
    pub fn add_audio_track<R: Read + Send + 'static>(
        &mut self,
        stream: R,
        size_bytes: u64,
    ) -> Result<AudioTrackOutcome> {
        if size_bytes == 0 || !size_bytes.is_multiple_of(AUDIO_SECTOR_BYTES as u64) {
            self.check_not_writing()?;
            self.prepared.ok_or_else(not_prepared)?;
            return Err(stream_not_supported(format!(
                "an audio stream of {size_bytes} bytes is not a whole number of 2352-byte sectors"
            )));
        }
        self.add_track(Box::new(stream), size_bytes)
    }

    /// `AddAudioTrack` from a file: WAV (RIFF) and FLAC files are decoded (they must hold 44.1
    /// kHz, 16-bit, 2-channel PCM) and padded with silence to a whole sector; any other file
    /// is raw PCM and follows [`TrackAtOnce::add_audio_track`]'s size rule.
    ///
    /// # Errors
    /// `E_DISCMASTER_IO` when the file cannot be read; `E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED`
    /// for another sample format or a damaged container; everything
    /// [`TrackAtOnce::add_audio_track`] returns.
    pub fn add_audio_track_file(&mut self, path: &Path) -> Result<AudioTrackOutcome> {
        self.check_not_writing()?;
        self.prepared.ok_or_else(not_prepared)?;
        let (reader, len) = open_audio(path)?;
        match reader {
            AudioFile::Raw(f) => self.add_audio_track(f, len),
            decoded => {
                if len == 0 {
                    return Err(stream_not_supported(format!(
                        "{}: no audio samples",
                        path.display()
                    )));
                }
                self.add_track(Box::new(decoded), len)
            }
        }
    }

    fn add_track(
        &mut self,
        stream: Box<dyn Read + Send>,
        size_bytes: u64,
    ) -> Result<AudioTrackOutcome> {
        self.check_not_writing()?;
        let p = self.prepared.ok_or_else(not_prepared)?;
        if p.existing_tracks >= MAX_TRACKS {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED,
                "the CD already holds 99 tracks",
            ));
        }
        let sectors = u32::try_from(size_bytes.div_ceil(AUDIO_SECTOR_BYTES as u64))
            .unwrap_or(u32::MAX)
            .max(MIN_TRACK_SECTORS);
        let free = self.free_sectors_on_media()?;
        if sectors > free {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE,
                format!("the track needs {sectors} sectors; {free} are free"),
            ));
        }
        let isrc = self.next_isrc.take();
        let clock = self.recorder()?.exec.clock().clone();
        let started = clock.now();
        let mut ev = TaoProgressEvent {
            current_track_number: p.existing_tracks + 1,
            action: TaoWriteAction::Preparing,
            elapsed: Duration::ZERO,
            remaining: None,
            start_lba: Lba(0),
            sector_count: sectors,
            last_read_lba: Lba(-1),
            last_written_lba: Lba(-1),
            sectors_written: 0,
            total_system_buffer: (CHUNK_BLOCKS * AUDIO_SECTOR_BYTES * RING_DEPTH) as u64,
            used_system_buffer: 0,
        };
        self.state.0.store(WRITING, Ordering::SeqCst);
        let result = self.write_track(stream, size_bytes, sectors, isrc, &mut ev, started);
        self.state.0.store(IDLE, Ordering::SeqCst);
        result
    }

    fn write_track(
        &mut self,
        stream: Box<dyn Read + Send>,
        size_bytes: u64,
        sectors: u32,
        isrc: Option<Isrc>,
        ev: &mut TaoProgressEvent,
        started: Duration,
    ) -> Result<AudioTrackOutcome> {
        self.emit(ev);
        self.set_write_parameters(isrc)?;
        let clock = self.recorder()?.exec.clock().clone();
        let ti = self.recorder()?.track_information(0xFF)?;
        if !ti.nwa_v() {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE,
                "the drive reports no next writable address",
            ));
        }
        let nwa = ti.next_writable_address();
        let track_number = u8::try_from(ti.track_number()).unwrap_or(0);
        ev.current_track_number = track_number;
        ev.start_lba = nwa;
        ev.last_read_lba = Lba(nwa.0 - 1);
        ev.last_written_lba = Lba(nwa.0 - 1);
        ev.action = TaoWriteAction::Writing;
        ev.elapsed = clock.now() - started;
        self.emit(ev);

        let total_bytes = u64::from(sectors) * AUDIO_SECTOR_BYTES as u64;
        let padded = SilencePadded {
            inner: stream.take(size_bytes),
            padding: total_bytes - size_bytes,
        };
        let mut ring = Ring::start(
            padded,
            total_bytes,
            CHUNK_BLOCKS * AUDIO_SECTOR_BYTES,
            RING_DEPTH,
        );
        let mut written = 0u32;
        let mut last_emit = clock.now();
        let mut failure: Option<Error> = None;
        let mut cancelled = false;
        'chunks: while written < sectors {
            if self.state.cancelled() {
                cancelled = true;
                break;
            }
            let chunk = match ring.next() {
                Some(Ok(c)) => c,
                Some(Err(e)) => {
                    failure = Some(stream_not_supported(format!("reading the audio: {e}")));
                    break;
                }
                None => {
                    failure = Some(stream_not_supported(format!(
                        "the audio stream ended after {} bytes; {size_bytes} were declared",
                        u64::from(written) * AUDIO_SECTOR_BYTES as u64
                    )));
                    break;
                }
            };
            if chunk.len % AUDIO_SECTOR_BYTES != 0 {
                failure = Some(stream_not_supported(
                    "the audio stream ended in the middle of a sector".into(),
                ));
                break;
            }
            let chunk_sectors = (chunk.len / AUDIO_SECTOR_BYTES) as u32;
            ev.last_read_lba = Lba(nwa.0 + (written + chunk_sectors) as i32 - 1);
            let mut off = 0u32;
            while off < chunk_sectors {
                if self.state.cancelled() {
                    cancelled = true;
                    break 'chunks;
                }
                let n = BLOCKS_PER_COMMAND.min(chunk_sectors - off);
                let lba = Lba(nwa.0 + (written + off) as i32);
                let bytes = &chunk.buf
                    [off as usize * AUDIO_SECTOR_BYTES..(off + n) as usize * AUDIO_SECTOR_BYTES];
                let cmd = Write10 {
                    fua: false,
                    lba,
                    transfer_length: n as u16,
                };
                let rec = self.recorder()?;
                if let Err(e) = rec.exec.data_out(&cmd, bytes) {
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
                    ev.last_written_lba = Lba(nwa.0 + done as i32 - 1);
                    ev.elapsed = now - started;
                    ev.remaining = remaining(ev.elapsed, done, sectors);
                    ev.used_system_buffer = ring.used.load(Ordering::Relaxed);
                    self.emit(ev);
                }
            }
            written += chunk_sectors;
            ring.recycle(chunk);
        }
        drop(ring);
        ev.sectors_written = written;
        ev.last_written_lba = Lba(nwa.0 + written as i32 - 1);
        ev.used_system_buffer = 0;
        ev.action = TaoWriteAction::Finishing;
        ev.elapsed = clock.now() - started;
        ev.remaining = remaining(ev.elapsed, written, sectors);
        self.emit(ev);
        // The drive closes the TAO track on SYNCHRONIZE CACHE (mmc.md §6.2).
        let closing = self.recorder()?.exec.no_data(&SynchronizeCache {
            immed: false,
            lba: Lba(0),
            blocks: 0,
        });
        if written > 0 {
            if let Some(p) = self.prepared.as_mut() {
                p.existing_tracks = p.existing_tracks.saturating_add(1);
            }
        }
        if cancelled || failure.is_some() {
            let state = match closing {
                Ok(()) if written == 0 => "nothing of the track was written".to_string(),
                Ok(()) => format!(
                    "track {track_number} holds the first {written} of {sectors} sectors; call \
                     release_media to close the session"
                ),
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
        ev.elapsed = clock.now() - started;
        ev.remaining = Some(Duration::ZERO);
        self.emit(ev);
        Ok(AudioTrackOutcome {
            track_number,
            start_lba: nwa,
            sectors,
            source_bytes: size_bytes,
            isrc: isrc.map(|i| i.to_string()),
            elapsed: ev.elapsed,
        })
    }

    /// `ReleaseMedia`: closes the session — finalizing the disc unless DoNotFinalizeMedia —
    /// and drops exclusive access. With no track written nothing is closed.
    ///
    /// # Errors
    /// `E_IMAPI_DF2TAO_WRITE_IN_PROGRESS`; `E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED` (the header
    /// value; IMAPI's page names MEDIA_IS_PREPARED, `imapi2.md` §0.4); drive errors of CLOSE
    /// TRACK/SESSION (the lock is dropped all the same).
    pub fn release_media(&mut self) -> Result<()> {
        self.check_not_writing()?;
        let p = self.prepared.ok_or_else(not_prepared)?;
        let result = if p.existing_tracks > 0 {
            // Page 05h's multi-session field was set at prepare time (finalize or not).
            self.recorder()?.exec.no_data(&CloseTrackSession {
                immed: false,
                function: CloseFunction::CloseSession,
                number: 0,
            })
        } else {
            Ok(())
        };
        self.prepared = None;
        self.recorder()?.release_exclusive_access();
        result
    }

    fn emit(&mut self, ev: &TaoProgressEvent) {
        if let Some(f) = self.progress.as_mut() {
            f(ev);
        }
    }

    /// MODE SENSE page 05h, set the audio TAO fields (ISRC for the next track), MODE SELECT.
    fn set_write_parameters(&mut self, isrc: Option<Isrc>) -> Result<()> {
        let finalize = !self.do_not_finalize_media;
        let bufe = !self.buffer_underrun_free_disabled;
        let pause = self.audio_pause_sectors;
        let rec = self.recorder()?;
        let sense = ModeSense10 {
            llbaa: false,
            dbd: true,
            page_control: PageControl::Current,
            page_code: 0x05,
            subpage_code: 0,
            allocation_length: 8 + 0x38,
        };
        let resp = rec.exec.data_in(&sense, 8 + 0x38)?;
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
        // libburn's CD TAO audio recipe (mmc.md §2.2): TAO, DBT 0, track mode 0.
        wp.set_bufe(bufe);
        wp.set_test_write(false);
        wp.set_write_type(WriteType::TrackAtOnce);
        wp.set_ls_v(false);
        wp.set_link_size(0);
        wp.set_multi_session(if finalize {
            MultiSession::NoNextSession
        } else {
            MultiSession::NextSessionAllowed
        });
        wp.set_fp(false);
        wp.set_copy(false);
        wp.set_track_mode(0);
        wp.set_data_block_type(DataBlockType::Raw);
        wp.set_session_format(SessionFormat::CdDaOrCdRom);
        wp.set_packet_size(0);
        wp.set_audio_pause_length(pause);
        if wp.page_length() as usize + 2 >= 46 {
            match isrc {
                Some(i) => {
                    wp.set_tcval(true);
                    wp.set_isrc(i.as_bytes());
                }
                None => {
                    wp.set_tcval(false);
                    wp.set_isrc(&[0u8; 12]);
                }
            }
        }
        let page_bytes = wp.into_inner();
        let list = emit_mode_parameter_list(&[&page_bytes], true);
        rec.exec.data_out(
            &ModeSelect10 {
                pf: true,
                sp: false,
                parameter_list_length: list.len() as u16,
            },
            &list,
        )
    }
}

impl Drop for TrackAtOnce<'_> {
    fn drop(&mut self) {
        if self.prepared.take().is_some() {
            if let Some(rec) = self.recorder.as_deref_mut() {
                rec.release_exclusive_access();
            }
        }
    }
}

fn remaining(elapsed: Duration, done: u32, total: u32) -> Option<Duration> {
    if done == 0 {
        return None;
    }
    let per = elapsed.as_secs_f64() / f64::from(done);
    Some(Duration::from_secs_f64(
        per * f64::from(total.saturating_sub(done)),
    ))
}

/// The stream, then `padding` bytes of digital silence.
struct SilencePadded {
    inner: std::io::Take<Box<dyn Read + Send>>,
    padding: u64,
}

impl Read for SilencePadded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 || buf.is_empty() || self.inner.limit() > 0 {
            return Ok(n);
        }
        let k = (buf.len() as u64).min(self.padding) as usize;
        buf[..k].fill(0);
        self.padding -= k as u64;
        Ok(k)
    }
}

/// An audio file opened for reading its PCM.
enum AudioFile {
    /// Not a container: the bytes are PCM.
    Raw(File),
    /// WAV samples.
    Wav(Box<hound::WavReader<BufReader<File>>>),
    /// FLAC blocks; `pending[used..]` is decoded PCM not yet returned.
    Flac {
        reader: Box<claxon::FlacReader<File>>,
        pending: Vec<u8>,
        used: usize,
        buffer: Vec<i32>,
    },
}

fn not_cd_audio(path: &Path, rate: u32, channels: u32, bits: u32) -> Error {
    stream_not_supported(format!(
        "{}: {rate} Hz, {channels} channel(s), {bits}-bit; an audio CD track needs 44100 Hz, \
         2 channels, 16-bit PCM (convert it, e.g. `sox IN -r 44100 -c 2 -b 16 OUT.wav`)",
        path.display()
    ))
}

/// Opens `path`: WAV by `RIFF`, FLAC by `fLaC`, else raw PCM; returns the reader and the PCM
/// length in bytes.
fn open_audio(path: &Path) -> Result<(AudioFile, u64)> {
    let io = |e| Error::io(path.display().to_string(), e);
    let mut f = File::open(path).map_err(io)?;
    let mut magic = [0u8; 4];
    let mut n = 0;
    while n < 4 {
        match f.read(&mut magic[n..]).map_err(io)? {
            0 => break,
            k => n += k,
        }
    }
    match &magic[..n] {
        b"RIFF" => {
            let reader = hound::WavReader::open(path).map_err(|e| match e {
                hound::Error::IoError(e) => io(e),
                other => stream_not_supported(format!(
                    "{}: not a readable WAV file: {other}",
                    path.display()
                )),
            })?;
            let spec = reader.spec();
            if spec.sample_rate != 44_100
                || spec.channels != 2
                || spec.bits_per_sample != 16
                || spec.sample_format != hound::SampleFormat::Int
            {
                return Err(not_cd_audio(
                    path,
                    spec.sample_rate,
                    u32::from(spec.channels),
                    u32::from(spec.bits_per_sample),
                ));
            }
            let len = u64::from(reader.duration()) * 4;
            Ok((AudioFile::Wav(Box::new(reader)), len))
        }
        b"fLaC" => {
            let reader = claxon::FlacReader::open(path).map_err(|e| match e {
                claxon::Error::IoError(e) => io(e),
                other => stream_not_supported(format!(
                    "{}: not a readable FLAC file: {other}",
                    path.display()
                )),
            })?;
            let info = reader.streaminfo();
            if info.sample_rate != 44_100 || info.channels != 2 || info.bits_per_sample != 16 {
                return Err(not_cd_audio(
                    path,
                    info.sample_rate,
                    info.channels,
                    info.bits_per_sample,
                ));
            }
            let Some(samples) = info.samples else {
                return Err(stream_not_supported(format!(
                    "{}: the FLAC STREAMINFO does not give the number of samples",
                    path.display()
                )));
            };
            Ok((
                AudioFile::Flac {
                    reader: Box::new(reader),
                    pending: Vec::new(),
                    used: 0,
                    buffer: Vec::new(),
                },
                samples * 4,
            ))
        }
        _ => {
            let len = f.metadata().map_err(io)?.len();
            let f = File::open(path).map_err(io)?;
            Ok((AudioFile::Raw(f), len))
        }
    }
}

fn invalid_data(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())
}

impl Read for AudioFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            AudioFile::Raw(f) => f.read(buf),
            AudioFile::Wav(w) => {
                let mut n = 0;
                let mut samples = w.samples::<i16>();
                while n + 2 <= buf.len() {
                    match samples.next() {
                        Some(Ok(s)) => {
                            buf[n..n + 2].copy_from_slice(&s.to_le_bytes());
                            n += 2;
                        }
                        Some(Err(e)) => return Err(invalid_data(e)),
                        None => break,
                    }
                }
                Ok(n)
            }
            AudioFile::Flac {
                reader,
                pending,
                used,
                buffer,
            } => {
                while *used == pending.len() {
                    let block = reader
                        .blocks()
                        .read_next_or_eof(std::mem::take(buffer))
                        .map_err(invalid_data)?;
                    let Some(block) = block else { return Ok(0) };
                    pending.clear();
                    *used = 0;
                    for (l, r) in block.channel(0).iter().zip(block.channel(1)) {
                        pending.extend_from_slice(&(*l as i16).to_le_bytes());
                        pending.extend_from_slice(&(*r as i16).to_le_bytes());
                    }
                    *buffer = block.into_buffer();
                }
                let k = (pending.len() - *used).min(buf.len());
                buf[..k].copy_from_slice(&pending[*used..*used + k]);
                *used += k;
                Ok(k)
            }
        }
    }
}

impl std::fmt::Debug for AudioFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AudioFile::Raw(_) => "AudioFile::Raw",
            AudioFile::Wav(_) => "AudioFile::Wav",
            AudioFile::Flac { .. } => "AudioFile::Flac",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tao_write_action_values_match_imapi() {
        assert_eq!(TaoWriteAction::Unknown.imapi_value(), 0);
        assert_eq!(TaoWriteAction::Preparing.imapi_value(), 1);
        assert_eq!(TaoWriteAction::Writing.imapi_value(), 2);
        assert_eq!(TaoWriteAction::Finishing.imapi_value(), 3);
        assert_eq!(TaoWriteAction::Verifying.imapi_value(), 4);
    }

    #[test]
    fn tao_isrc_validation_uses_invalid_isrc_code() {
        let mut t = TrackAtOnce::new();
        t.set_next_track_isrc(Some("US-S1Z-99-00001")).unwrap();
        assert_eq!(t.next_isrc.unwrap().as_str(), "USS1Z9900001");
        for bad in ["US-S1Z-99-0000", "1SS1Z9900001", "USS1Z9A00001", ""] {
            let e = t.set_next_track_isrc(Some(bad)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::E_IMAPI_DF2TAO_INVALID_ISRC, "{bad:?}");
        }
        t.set_next_track_isrc(None).unwrap();
        assert!(t.next_isrc.is_none());
    }

    #[test]
    fn tao_gates_without_recorder_or_preparation() {
        let mut t = TrackAtOnce::new();
        assert_eq!(
            t.prepare_media().unwrap_err().code(),
            ErrorCode::E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED
        );
        assert_eq!(
            t.add_audio_track(std::io::Cursor::new(vec![0u8; 2352]), 2352)
                .unwrap_err()
                .code(),
            ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED
        );
        assert_eq!(
            t.release_media().unwrap_err().code(),
            ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED
        );
        assert_eq!(
            t.set_buffer_underrun_free_disabled(true)
                .unwrap_err()
                .code(),
            ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED
        );
        assert_eq!(
            t.number_of_existing_tracks().unwrap_err().code(),
            ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED
        );
        assert_eq!(
            t.cancel_handle().cancel_add_track().unwrap_err().code(),
            ErrorCode::E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS
        );
        assert_eq!(
            t.set_client_name("bad/name").unwrap_err().code(),
            ErrorCode::E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID
        );
    }

    #[test]
    fn silence_padding_follows_the_stream() {
        let inner: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(vec![9u8; 3]));
        let mut r = SilencePadded {
            inner: inner.take(3),
            padding: 2,
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, [9, 9, 9, 0, 0]);
    }
}
