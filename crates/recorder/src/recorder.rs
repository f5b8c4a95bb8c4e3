//! [`Recorder`]: one drive, opened by address (IMAPI `IDiscRecorder2` + the parts of
//! `IDiscRecorder2Ex` the writers need).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use discmaster_core::{Clock, ErrorCode, Lba, SystemClock, SECTOR_SIZE};
use discmaster_mmc::commands::{
    GetConfiguration, Inquiry, Read10, ReadCapacity, ReadDiscInformation, ReadTrackInformation,
};
use discmaster_mmc::features::Configuration;
use discmaster_mmc::responses::{DiscInformation, InquiryData, ReadCapacityData, TrackInformation};
use discmaster_mmc::{
    ConfigurationRequestType, DiscStatus, FeatureCode, Profile, SessionState, TrackAddressType,
};
use discmaster_transport::Transport;

use crate::error::{Error, Result};
use crate::executor::Executor;

/// Where a drive is: `emu:PATH` (emulated recorder whose state lives in directory PATH), a
/// Linux SCSI generic device path (`/dev/srN`, `/dev/sgN`), or an iSCSI LUN
/// (`iscsi://[USER%SECRET@]HOST[:PORT]/TARGET-IQN/LUN`, see `discmaster_iscsi::initiator`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriveAddress {
    /// `emu:PATH`.
    Emulated(PathBuf),
    /// `/dev/srN` or `/dev/sgN`.
    Device(PathBuf),
    /// `iscsi://…`, as given (it may hold a CHAP secret; `Display` leaves it out).
    Iscsi(String),
}

impl DriveAddress {
    /// Parses an address.
    ///
    /// # Errors
    /// `E_DISCMASTER_INVALID_ADDRESS` (0xC0AAF001) for an empty `emu:` path or a string that is
    /// neither `emu:PATH` nor an absolute device path.
    pub fn parse(address: &str) -> Result<DriveAddress> {
        if let Some(path) = address.strip_prefix("emu:") {
            if path.is_empty() {
                return Err(Error::refused(
                    ErrorCode::E_DISCMASTER_INVALID_ADDRESS,
                    "emu: needs a directory path",
                ));
            }
            return Ok(DriveAddress::Emulated(PathBuf::from(path)));
        }
        if address.starts_with("/dev/") {
            return Ok(DriveAddress::Device(PathBuf::from(address)));
        }
        if address
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("iscsi://"))
        {
            discmaster_iscsi::initiator::IscsiAddress::parse(address).map_err(|e| {
                Error::refused(ErrorCode::E_DISCMASTER_INVALID_ADDRESS, e.to_string())
            })?;
            return Ok(DriveAddress::Iscsi(address.to_string()));
        }
        Err(Error::refused(
            ErrorCode::E_DISCMASTER_INVALID_ADDRESS,
            format!(
                "drive address {address:?} is neither emu:PATH, /dev/srN or /dev/sgN, nor \
                 iscsi://HOST[:PORT]/TARGET-IQN/LUN"
            ),
        ))
    }
}

impl std::fmt::Display for DriveAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DriveAddress::Emulated(p) => write!(f, "emu:{}", p.display()),
            DriveAddress::Device(p) => write!(f, "{}", p.display()),
            DriveAddress::Iscsi(a) => match discmaster_iscsi::initiator::IscsiAddress::parse(a) {
                Ok(parsed) => write!(f, "{parsed}"),
                Err(_) => f.write_str("iscsi://…"),
            },
        }
    }
}

/// The default drive: `$DISCMASTER_DRIVE` if set, else the emulated drive in the user's data
/// directory (`$XDG_DATA_HOME/discmaster/emu0`, falling back to `~/.local/share/discmaster/emu0`).
pub fn default_drive_address() -> String {
    if let Ok(a) = std::env::var("DISCMASTER_DRIVE") {
        if !a.is_empty() {
            return a;
        }
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    format!("emu:{}", base.join("discmaster").join("emu0").display())
}

/// Addresses of the SG_IO recorders (peripheral type 5) this machine has, `/dev/srN` where
/// the node exists else `/dev/sgN`, from sysfs. Empty when the kernel has no SCSI subsystem.
pub fn sg_devices() -> Vec<String> {
    discmaster_sgio::enumerate()
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d.path().map(|p| p.display().to_string()))
        .collect()
}

/// Vendor, product and revision from standard INQUIRY data (IMAPI `VendorId`, `ProductId`,
/// `ProductRevision`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriveIdentity {
    /// T10 vendor identification (8 chars, trimmed).
    pub vendor: String,
    /// Product identification (16 chars, trimmed).
    pub product: String,
    /// Product revision level (4 chars, trimmed).
    pub revision: String,
}

/// One track as READ TRACK INFORMATION reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackSummary {
    /// Logical track number.
    pub number: u16,
    /// Session number.
    pub session: u16,
    /// Track start address.
    pub start: Lba,
    /// Track size in blocks (includes drive padding/run-out).
    pub size: u32,
    /// Blocks of recorded user data (from the last recorded address when valid, else `size`).
    pub recorded: u32,
    /// Blank (nothing recorded).
    pub blank: bool,
    /// Next writable address, when the track is writable.
    pub next_writable_address: Option<Lba>,
    /// Free blocks in the track.
    pub free_blocks: u32,
    /// Track mode (Q CONTROL nibble).
    pub track_mode: u8,
    /// Data mode (1 = Mode 1, Fh = unknown).
    pub data_mode: u8,
}

/// What is on the medium (READ DISC INFORMATION + READ TRACK INFORMATION for every track).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscSummary {
    /// Current profile.
    pub profile: Profile,
    /// Disc status.
    pub status: DiscStatus,
    /// State of the last session.
    pub last_session_state: SessionState,
    /// Erasable medium.
    pub erasable: bool,
    /// Every track on the disc, including the blank invisible track of an appendable disc.
    pub tracks: Vec<TrackSummary>,
    /// Next writable address of the invisible/incomplete track, if the disc is writable.
    pub next_writable_address: Option<Lba>,
    /// Free blocks for the next write.
    pub free_sectors: u32,
}

impl DiscSummary {
    /// Tracks that hold data (not the blank invisible track).
    pub fn recorded_tracks(&self) -> impl Iterator<Item = &TrackSummary> {
        self.tracks.iter().filter(|t| !t.blank)
    }

    /// Session numbers that hold recorded tracks, ascending.
    pub fn sessions(&self) -> Vec<u16> {
        let mut s: Vec<u16> = self.recorded_tracks().map(|t| t.session).collect();
        s.dedup();
        s
    }
}

/// Login or connection failures of `iscsi://` addresses, as IMAPI codes: timeout →
/// `E_IMAPI_RECORDER_COMMAND_TIMEOUT`, unreachable portal or unknown target →
/// `HRESULT_FROM_WIN32(ERROR_DEV_NOT_EXIST)`, refused credentials → `E_ACCESSDENIED`, a
/// malformed address or environment → `E_DISCMASTER_INVALID_ADDRESS`, else
/// `E_DISCMASTER_TRANSPORT`.
fn iscsi_open_error(e: discmaster_iscsi::initiator::InitiatorError) -> Error {
    use discmaster_iscsi::initiator::InitiatorErrorKind as Kind;
    let code = match e.kind() {
        Kind::InvalidAddress => ErrorCode::E_DISCMASTER_INVALID_ADDRESS,
        Kind::Timeout => ErrorCode::E_IMAPI_RECORDER_COMMAND_TIMEOUT,
        Kind::Unreachable => ErrorCode::HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST,
        Kind::AuthenticationFailed => ErrorCode::E_ACCESSDENIED,
        _ => ErrorCode::E_DISCMASTER_TRANSPORT,
    };
    Error::refused(code, e.to_string())
}

/// One recorder.
pub struct Recorder {
    pub(crate) exec: Executor,
    address: String,
}

impl Recorder {
    /// Opens the drive at `address` (see [`DriveAddress`]).
    ///
    /// # Errors
    /// `E_DISCMASTER_INVALID_ADDRESS` for a bad address; `E_IMAPI_RECORDER_LOCKED` (0xC0AA0210)
    /// when another process holds the emulated drive; `E_DISCMASTER_IO` when its state cannot be
    /// read; for `/dev/…` the SG_IO open errors (`discmaster_sgio::SgError::code`), e.g. a
    /// device that is not an MMC drive; for `iscsi://…` the login failures of
    /// `iscsi_open_error` (timeout, device gone, access denied).
    pub fn open(address: &str) -> Result<Recorder> {
        match DriveAddress::parse(address)? {
            DriveAddress::Emulated(path) => {
                let drive = discmaster_emu::EmulatedDrive::open(&path).map_err(crate::emu_error)?;
                Ok(Recorder::from_transport(
                    Box::new(drive),
                    address.to_string(),
                ))
            }
            DriveAddress::Device(path) => {
                let dev = discmaster_sgio::SgDevice::open(&path)
                    .map_err(|e| Error::refused(e.code(), format!("{}: {e}", path.display())))?;
                Ok(Recorder::from_transport(Box::new(dev), address.to_string()))
            }
            DriveAddress::Iscsi(url) => {
                let transport = discmaster_iscsi::initiator::IscsiTransport::open(&url)
                    .map_err(iscsi_open_error)?;
                // The transport's description leaves out a CHAP secret of the URL.
                let described = transport.describe();
                Ok(Recorder::from_transport(Box::new(transport), described))
            }
        }
    }

    /// A recorder over any transport (middlewares, tests).
    pub fn from_transport(transport: Box<dyn Transport>, address: String) -> Recorder {
        Recorder::with_clock(transport, address, Arc::new(SystemClock::new()))
    }

    /// A recorder over any transport with an injected clock.
    pub fn with_clock(
        transport: Box<dyn Transport>,
        address: String,
        clock: Arc<dyn Clock>,
    ) -> Recorder {
        Recorder {
            exec: Executor::new(transport, clock),
            address,
        }
    }

    /// The address this recorder was opened with.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The transport's description.
    pub fn describe(&self) -> String {
        self.exec.describe()
    }

    /// IMAPI `AcquireExclusiveAccess(force, clientName)`: until released (or the recorder is
    /// dropped), other processes get `E_IMAPI_RECORDER_LOCKED` (0xC0AA0210). An emulated drive
    /// is exclusive while open.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID` (0xC0AA0211) for an empty or unprintable
    /// name; `E_IMAPI_RECORDER_LOCKED` when another client holds the drive.
    pub fn acquire_exclusive_access(&mut self, force: bool, client_name: &str) -> Result<()> {
        if client_name.is_empty()
            || !client_name
                .chars()
                .all(|c| c.is_ascii_graphic() || c == ' ')
        {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID,
                format!("client name {client_name:?} is not valid (printable ASCII, not empty)"),
            ));
        }
        self.exec
            .transport_mut()
            .acquire_exclusive_access(force, client_name)
            .map_err(|e| crate::executor::transport_error("AcquireExclusiveAccess", e))
    }

    /// IMAPI `ReleaseExclusiveAccess`.
    pub fn release_exclusive_access(&mut self) {
        self.exec.transport_mut().release_exclusive_access();
    }

    /// IMAPI `ExclusiveAccessOwner`: the client holding the drive, if known.
    pub fn exclusive_access_owner(&self) -> Option<String> {
        self.exec.transport().exclusive_access_owner()
    }

    /// INQUIRY (12h): vendor, product, revision.
    ///
    /// # Errors
    /// Drive errors per the sense table; `E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE` when
    /// the data is shorter than 36 bytes.
    pub fn identity(&mut self) -> Result<DriveIdentity> {
        let cmd = Inquiry {
            evpd: false,
            page_code: 0,
            allocation_length: 96,
        };
        let bytes = self.exec.data_in(&cmd, 96)?;
        let inq = InquiryData::new_checked(&bytes[..]).map_err(|e| invalid("INQUIRY", e))?;
        Ok(DriveIdentity {
            vendor: ascii_trim(inq.vendor_identification()),
            product: ascii_trim(inq.product_identification()),
            revision: ascii_trim(inq.product_revision_level()),
        })
    }

    /// GET CONFIGURATION (46h) header: the current profile (`Profile::NoCurrentProfile`
    /// without a medium).
    ///
    /// # Errors
    /// Drive errors; malformed response.
    pub fn current_profile(&mut self) -> Result<Profile> {
        let cmd = GetConfiguration {
            rt: ConfigurationRequestType::One,
            starting_feature: FeatureCode::PROFILE_LIST,
            allocation_length: 8,
        };
        let bytes = self.exec.data_in(&cmd, 8)?;
        let conf =
            Configuration::new_checked(&bytes[..]).map_err(|e| invalid("GET CONFIGURATION", e))?;
        Ok(conf.current_profile())
    }

    /// READ DISC INFORMATION (51h), standard data type.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` without a medium; other drive errors; malformed data.
    pub fn disc_information(&mut self) -> Result<DiscInformation<Vec<u8>>> {
        let cmd = ReadDiscInformation {
            data_type: 0,
            allocation_length: 34,
        };
        let bytes = self.exec.data_in(&cmd, 34)?;
        DiscInformation::new_checked(bytes).map_err(|e| invalid("READ DISC INFORMATION", e))
    }

    /// READ TRACK INFORMATION (52h) by track number (`0xFF` = the invisible track).
    ///
    /// # Errors
    /// Drive errors; malformed data.
    pub fn track_information(&mut self, track: u32) -> Result<TrackInformation<Vec<u8>>> {
        let cmd = ReadTrackInformation {
            open: false,
            address_type: TrackAddressType::TrackNumber,
            address: track,
            allocation_length: 48,
        };
        let bytes = self.exec.data_in(&cmd, 48)?;
        TrackInformation::new_checked(bytes).map_err(|e| invalid("READ TRACK INFORMATION", e))
    }

    /// READ CAPACITY (25h): last readable LBA and block length.
    ///
    /// # Errors
    /// Drive errors; malformed data.
    pub fn read_capacity(&mut self) -> Result<(Lba, u32)> {
        let bytes = self.exec.data_in(&ReadCapacity, 8)?;
        let cap =
            ReadCapacityData::new_checked(&bytes[..]).map_err(|e| invalid("READ CAPACITY", e))?;
        Ok((cap.last_logical_block_address(), cap.block_length()))
    }

    /// Everything about the medium: profile, status, every track.
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA` without a medium; other drive errors.
    pub fn disc_summary(&mut self) -> Result<DiscSummary> {
        let profile = self.current_profile()?;
        let di = self.disc_information()?;
        let status = di.disc_status();
        let first = u32::from(di.number_of_first_track());
        let last = u32::from(di.last_track_number_in_last_session());
        let mut tracks = Vec::new();
        if status != DiscStatus::Empty || last >= first {
            for n in first..=last.max(first) {
                let ti = self.track_information(n)?;
                tracks.push(track_summary(&ti));
            }
        }
        let writable = tracks
            .iter()
            .rev()
            .find(|t| t.next_writable_address.is_some())
            .cloned();
        Ok(DiscSummary {
            profile,
            status,
            last_session_state: di.state_of_last_session(),
            erasable: di.erasable(),
            next_writable_address: writable.as_ref().and_then(|t| t.next_writable_address),
            free_sectors: writable.map(|t| t.free_blocks).unwrap_or(0),
            tracks,
        })
    }

    /// READ(10) of `blocks` 2048-byte sectors at `lba` into `buf` (`buf.len() == blocks*2048`).
    ///
    /// # Errors
    /// `E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE` with sense 5/21/00 for unrecorded sectors;
    /// other drive errors.
    pub fn read_sectors(&mut self, lba: Lba, blocks: u16, buf: &mut [u8]) -> Result<()> {
        let cmd = Read10 {
            dpo: false,
            fua: false,
            lba,
            transfer_length: blocks,
        };
        let n = self
            .exec
            .data_in_into(&cmd, buf)
            .map_err(|e| at_lba(e, lba))?;
        if n != usize::from(blocks) * SECTOR_SIZE {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
                format!("READ(10) at LBA {lba}: {n} bytes for {blocks} blocks"),
            ));
        }
        Ok(())
    }

    /// Copies the recorded user data of track `track` to `out`; returns the bytes copied.
    /// `progress(done_blocks, total_blocks)` is called after every chunk.
    ///
    /// # Errors
    /// `E_DISCMASTER_NO_SUCH_TRACK` (0xC0AAF006) for a track that does not exist or is blank;
    /// drive errors; `E_DISCMASTER_IO` when `out` fails.
    pub fn read_track(
        &mut self,
        track: u16,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(u32, u32),
    ) -> Result<u64> {
        let summary = self.disc_summary()?;
        let Some(t) = summary
            .tracks
            .iter()
            .find(|t| t.number == track && !t.blank)
        else {
            let have: Vec<String> = summary
                .recorded_tracks()
                .map(|t| t.number.to_string())
                .collect();
            return Err(Error::refused(
                ErrorCode::E_DISCMASTER_NO_SUCH_TRACK,
                format!(
                    "track {track} is not a recorded track (recorded: {})",
                    if have.is_empty() {
                        "none".into()
                    } else {
                        have.join(", ")
                    }
                ),
            ));
        };
        let total = t.recorded;
        let chunk: u32 = 32;
        let mut buf = vec![0u8; chunk as usize * SECTOR_SIZE];
        let mut done = 0u32;
        while done < total {
            let n = chunk.min(total - done);
            let bytes = n as usize * SECTOR_SIZE;
            let lba = Lba(t.start.0 + done as i32);
            self.read_sectors(lba, n as u16, &mut buf[..bytes])?;
            out.write_all(&buf[..bytes])
                .map_err(|e| Error::io("output", e))?;
            done += n;
            progress(done, total);
        }
        Ok(u64::from(total) * SECTOR_SIZE as u64)
    }
}

pub(crate) fn track_summary(ti: &TrackInformation<Vec<u8>>) -> TrackSummary {
    let start = ti.track_start_address();
    let size = ti.track_size();
    let recorded = match ti.last_recorded_address() {
        Some(lra) if ti.lra_v() && !ti.blank() => {
            u32::try_from(i64::from(lra.0) - i64::from(start.0) + 1).unwrap_or(0)
        }
        _ if ti.blank() => 0,
        _ => size,
    };
    TrackSummary {
        number: ti.track_number(),
        session: ti.session_number(),
        start,
        size,
        recorded,
        blank: ti.blank(),
        next_writable_address: ti.nwa_v().then(|| ti.next_writable_address()),
        free_blocks: ti.free_blocks(),
        track_mode: ti.track_mode(),
        data_mode: ti.data_mode(),
    }
}

pub(crate) fn invalid(command: &'static str, source: discmaster_mmc::ParseError) -> Error {
    Error::InvalidResponse {
        code: ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
        command,
        source,
    }
}

pub(crate) fn at_lba(e: Error, lba: Lba) -> Error {
    match e {
        Error::Command {
            code,
            command,
            sense,
            ..
        } => Error::Command {
            code,
            command,
            sense,
            lba: Some(lba),
        },
        other => other,
    }
}

fn ascii_trim(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim().to_string()
}
