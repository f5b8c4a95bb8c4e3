//! [`DataWriter`] = IMAPI `IDiscFormat2Data`: writes a 2048-byte-sector image (ISO 9660/UDF)
//! as one new session at the next writable address of sequential media, then reads it back
//! and compares (on by default).
//!
//! Order of a write (`imapi2.md` §5.3; `mmc.md` §5.2, §6.2):
//! 1. validating media — stream size, profile, disc status, NWA and free space; every refusal
//!    happens here, before any command that changes the medium;
//! 2. initializing hardware — MODE SELECT page 05h on CD-R (TAO, Mode 1) and DVD-R
//!    (incremental); DVD+R and BD-R take no page 05h;
//! 3. calibrating power — SEND OPC INFORMATION on CD-R/DVD-R (a drive answering 5/20/00 is fine);
//! 4. writing data — WRITE(10) of 32 sectors at a time from a bounded ring filled by a reader
//!    thread (memory does not grow with the image);
//! 5. finalization — SYNCHRONIZE CACHE, CLOSE TRACK, CLOSE SESSION or finalize;
//! 6. verifying — READ(10) back and compare SHA-256 digests of each 1 MiB chunk;
//! 7. completed.
//!
//! A cancelled or failed write stops at a chunk boundary, flushes, closes the track and the
//! session (appendable) so what was written stays readable, and says so in the error.

use std::io::Read;
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

use crate::error::{Error, Result};
use crate::progress::{CancelHandle, ProgressEvent, WriteAction};
use crate::recorder::{at_lba, Recorder};
use crate::ring::Ring;

/// Sectors per WRITE(10)/READ(10) command (64 KiB; one BD cluster, four DVD ECC blocks).
const SECTORS_PER_COMMAND: u32 = 32;
/// Bytes per ring buffer (also the verification digest granularity).
const CHUNK_BYTES: usize = 1 << 20;
/// Ring depth: buffers between the reader thread and the writer.
const RING_DEPTH: usize = 8;
/// Progress cadence while writing (IMAPI: every 0.5 s).
const PROGRESS_INTERVAL: Duration = Duration::from_millis(500);

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

/// How a sequential profile is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recording {
    /// CD-R: track at once, Mode 1, page 05h.
    CdTrackAtOnce,
    /// DVD-R/-RW sequential: incremental streaming, page 05h.
    DvdMinusIncremental,
    /// DVD+R (single or dual layer): fragments, no page 05h.
    DvdPlus { dual_layer: bool },
    /// BD-R SRM: sequential recording ranges, no page 05h.
    BdSequential,
}

impl Recording {
    fn for_profile(p: Profile) -> Option<Recording> {
        Some(match p {
            Profile::CdR => Recording::CdTrackAtOnce,
            Profile::DvdMinusRSequential
            | Profile::DvdMinusRwSequential
            | Profile::DvdMinusRDlSequential => Recording::DvdMinusIncremental,
            Profile::DvdPlusR => Recording::DvdPlus { dual_layer: false },
            Profile::DvdPlusRDl => Recording::DvdPlus { dual_layer: true },
            Profile::BdRSrm => Recording::BdSequential,
            _ => return None,
        })
    }

    /// Sectors per ECC block / cluster the drive pads a closed track to.
    fn padding_unit(self) -> u32 {
        match self {
            Recording::CdTrackAtOnce => 1,
            Recording::DvdMinusIncremental | Recording::DvdPlus { .. } => 16,
            Recording::BdSequential => 32,
        }
    }
}

/// What a successful write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// Profile of the medium written.
    pub profile: Profile,
    /// First LBA of the new track.
    pub start_lba: Lba,
    /// Sectors of the image written.
    pub sectors_written: u32,
    /// Track number of the new track.
    pub track: u16,
    /// Session number of the new session.
    pub session: u16,
    /// True when the data was read back and matched.
    pub verified: bool,
    /// True when the disc was finalized (no further session possible).
    pub closed: bool,
    /// Whole duration.
    pub elapsed: Duration,
}

/// A progress callback (IMAPI `DDiscFormat2DataEvents::Update`).
type ProgressCallback<'r> = Box<dyn FnMut(&ProgressEvent) + 'r>;

/// The data writer (IMAPI `IDiscFormat2Data`).
pub struct DataWriter<'r> {
    recorder: &'r mut Recorder,
    client_name: String,
    force_media_to_be_closed: bool,
    disable_consumer_dvd_compatibility_mode: bool,
    buffer_underrun_free_disabled: bool,
    verify: bool,
    cancel: CancelHandle,
    progress: Option<ProgressCallback<'r>>,
}

impl<'r> DataWriter<'r> {
    /// A writer for `recorder` with IMAPI's defaults: no forced close, consumer DVD
    /// compatibility on (DVD+R gets closed, `imapi2.md` §5.4), BUFE on, verification on
    /// (discmaster's default; IMAPI's is off), client name `"discmaster"`.
    pub fn new(recorder: &'r mut Recorder) -> DataWriter<'r> {
        DataWriter {
            recorder,
            client_name: "discmaster".into(),
            force_media_to_be_closed: false,
            disable_consumer_dvd_compatibility_mode: false,
            buffer_underrun_free_disabled: false,
            verify: true,
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

    /// `BufferUnderrunFreeDisabled`: TRUE turns BUFE (BURN-Free) off in page 05h (CD-R, DVD-R).
    pub fn set_buffer_underrun_free_disabled(&mut self, disabled: bool) {
        self.buffer_underrun_free_disabled = disabled;
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

    /// `CurrentMediaStatus`: the `media_state` flags of the loaded medium.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` without a medium; drive errors.
    pub fn current_media_status(&mut self) -> Result<u32> {
        let profile = self.recorder.current_profile()?;
        let di = self.recorder.disc_information()?;
        let mut state = 0;
        if Recording::for_profile(profile).is_none() {
            state |= media_state::UNSUPPORTED_MEDIA;
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

    /// Writes the file at `path` (opened read-only; never modified). See [`DataWriter::write`].
    ///
    /// # Errors
    /// `E_DISCMASTER_IO` when the file cannot be opened; everything [`DataWriter::write`] returns.
    pub fn write_file(&mut self, path: &Path) -> Result<WriteOutcome> {
        let file =
            std::fs::File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
        let size = file
            .metadata()
            .map_err(|e| Error::io(path.display().to_string(), e))?
            .len();
        self.write(file, size)
    }

    /// `Write`: records `size_bytes` bytes from `stream` as one new session at the next
    /// writable address.
    ///
    /// # Errors
    /// Before anything on the medium changes:
    /// - `E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED` (0xC0AA0403): size 0 or not a multiple of 2048;
    /// - `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` (0xC0AA0202): no medium;
    /// - `E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED` (0xC0AA0406): a profile this writer does not
    ///   record, or a closed (finalized) disc;
    /// - `E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA` (0xC0AA0404): larger than the free space.
    ///
    /// During or after writing: `E_IMAPI_REQUEST_CANCELLED` (0xC0AA0002) after `cancel()`;
    /// `E_IMAPI_BURN_VERIFICATION_FAILED` (0xC0AA0007) when the read-back differs; drive errors
    /// wrapped with the state the disc was left in.
    pub fn write<R: Read + Send + 'static>(
        &mut self,
        stream: R,
        size_bytes: u64,
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
        let result = self.write_exclusive(stream, size_bytes, &mut ev, started);
        self.recorder.release_exclusive_access();
        result
    }

    fn write_exclusive<R: Read + Send + 'static>(
        &mut self,
        stream: R,
        size_bytes: u64,
        ev: &mut ProgressEvent,
        started: Duration,
    ) -> Result<WriteOutcome> {
        let clock = self.recorder.exec.clock().clone();
        let sectors = (size_bytes / SECTOR_SIZE as u64) as u32;
        let profile = self.recorder.current_profile()?;
        if profile == Profile::NoCurrentProfile {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
                "no medium in the drive",
            ));
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
        let track = ti.track_number();
        let session = ti.session_number();
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
        ev.start_lba = nwa;
        ev.sector_count = sectors;
        ev.last_read_lba = Lba(nwa.0 - 1);
        ev.last_written_lba = Lba(nwa.0 - 1);

        // 2. Initialize hardware: write parameters (changes drive state, not the medium).
        ev.action = WriteAction::InitializingHardware;
        ev.elapsed = clock.now() - started;
        self.emit(ev);
        self.set_write_parameters(recording, close)?;

        // 3. Power calibration.
        ev.action = WriteAction::CalibratingPower;
        ev.elapsed = clock.now() - started;
        self.emit(ev);
        if matches!(
            recording,
            Recording::CdTrackAtOnce | Recording::DvdMinusIncremental
        ) {
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

        // 4. Write.
        ev.action = WriteAction::WritingData;
        ev.elapsed = clock.now() - started;
        self.emit(ev);
        let mut ring = Ring::start(stream, size_bytes, CHUNK_BYTES, RING_DEPTH);
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
                            "the stream ended after {} bytes; {size_bytes} were declared",
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
            ev.last_read_lba = Lba(nwa.0 + (written + chunk_sectors) as i32 - 1);
            let mut off = 0u32;
            while off < chunk_sectors {
                if self.cancel.is_cancelled() {
                    cancelled = true;
                    break 'chunks;
                }
                let n = SECTORS_PER_COMMAND.min(chunk_sectors - off);
                let lba = Lba(nwa.0 + (written + off) as i32);
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
                    ev.last_written_lba = Lba(nwa.0 + done as i32 - 1);
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
        ev.last_written_lba = Lba(nwa.0 + written as i32 - 1);
        ev.elapsed = clock.now() - started;
        ev.remaining = estimate(ev.elapsed, written, sectors);
        ev.used_system_buffer = 0;
        self.emit(ev);

        // 5. Finalization (also after a failure or cancel, so the disc stays readable).
        ev.action = WriteAction::Finalization;
        self.emit(ev);
        let interrupted = cancelled || failure.is_some();
        let closing = self.finish(recording, track, close && !interrupted, written);
        if interrupted {
            let state = match closing {
                Ok(()) => self.describe_state(track, written, sectors),
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

        // 6. Verify.
        let mut verified = false;
        if self.verify {
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
                    let k = SECTORS_PER_COMMAND.min(n - off);
                    let lba = Lba(nwa.0 + (done + off) as i32);
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
                        lba: Lba(nwa.0 + done as i32),
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

        ev.action = WriteAction::Completed;
        ev.elapsed = clock.now() - started;
        ev.remaining = Some(Duration::ZERO);
        self.emit(ev);
        Ok(WriteOutcome {
            profile,
            start_lba: nwa,
            sectors_written: written,
            track,
            session,
            verified,
            closed: close,
            elapsed: ev.elapsed,
        })
    }

    fn emit(&mut self, ev: &ProgressEvent) {
        if let Some(f) = self.progress.as_mut() {
            f(ev);
        }
    }

    /// MODE SENSE page 05h (current), set the fields for `recording`, MODE SELECT it back.
    fn set_write_parameters(&mut self, recording: Recording, close: bool) -> Result<()> {
        if !matches!(
            recording,
            Recording::CdTrackAtOnce | Recording::DvdMinusIncremental
        ) {
            return Ok(());
        }
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
        wp.set_test_write(false);
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

    /// SYNCHRONIZE CACHE, CLOSE TRACK, then close the session or finalize.
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
            // CD-R and DVD-R: page 05h's multi-session field decides appendable vs finalized.
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

    fn describe_state(&mut self, track: u16, written: u32, sectors: u32) -> String {
        if written == 0 {
            return "nothing was written; the disc is unchanged".into();
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

fn estimate(elapsed: Duration, done: u32, total: u32) -> Option<Duration> {
    if done == 0 {
        return None;
    }
    let per = elapsed.as_secs_f64() / f64::from(done);
    Some(Duration::from_secs_f64(
        per * f64::from(total.saturating_sub(done)),
    ))
}
