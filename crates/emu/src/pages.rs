//! The emulator's mode pages: the four copies (current, changeable, default, saved) of pages
//! 01h, 05h, 08h, 1Ah, 1Dh and 2Ah, the drive-owned current values kept in `drive.json`, and
//! the write type / data block type combinations each medium accepts in page 05h.
//!
//! Pages and owners (`mmc.md` §2.1–§2.6; lengths are the page length field, bytes after B1):
//!
//! | Page | Length | Owner | Changeable |
//! |---|---|---|---|
//! | 01h Read/Write Error Recovery | 0Ah | drive | TB, RC, PER, DTE, DCR, read and write retry counts |
//! | 05h Write Parameters | 32h | medium | every field; Test Write only on CD-R/RW and DVD-R/RW (sequential) |
//! | 08h Caching | 0Ah | drive | nothing (WCE = 1, RCD = 0) |
//! | 1Ah Power Condition | 0Ah | drive | Idle, Standby, both timers |
//! | 1Dh Timeout and Protect | 0Ah | drive | G3Enable, TMOE, DISP, SWPP, the three timeouts |
//! | 2Ah Capabilities | 1Eh + 4n | derived, read-only | nothing |
//!
//! Model choices:
//! * **Drive pages** (01h, 08h, 1Ah, 1Dh): current values are [`DrivePages`], stored in
//!   `drive.json`; they survive media changes and reopening the directory (the emulated drive
//!   never powers off: a new process opening `PATH` talks to the same, still powered drive).
//!   The values are kept and reported but change nothing in the emulation: there are no read
//!   errors to recover, no cache to disable, no power states, and every command completes at
//!   once (so the default minimum timeouts are 0 s); SWPP is stored, not enforced.
//! * **Page 05h** belongs to the medium: its current values live in `medium.json`, a new disc
//!   starts from the defaults of its kind; without a medium the CD-R defaults are shown. Test
//!   Write (simulation, see the `rewritable` module) is changeable on CD-R, CD-RW, DVD-R and
//!   DVD-RW in sequential recording, not with write type RAW. Accepted combinations
//!   (everything else is 5/26/00, so cdrecord-style trial MODE SELECTs fail honestly,
//!   `mmc.md` §1.5, §2.2):
//!   - CD-R/RW: write type 1 (TAO) or 0 (packet), data block type 8 (Mode 1), a data track
//!     mode; write type 1 with data block type 0 (raw 2352-byte audio blocks) and an audio
//!     track mode 0–3 (audio track at once); or write type 3 (RAW) with a data block type
//!     the drive's `raw_data_block_types` lists (1, 2, 3 by default; track mode and
//!     multi-session are not checked: in RAW the host's sub-channel says everything);
//!   - DVD-R, DVD-RW: write type 0 (incremental) or 2 (disc at once), data block type 8;
//!   - DVD+R, DVD+R DL, DVD+RW, DVD-RAM, BD-R, BD-RE: write type 0 with data block type 8
//!     (growisofs sends page 05h to every profile; the values do not change the recording).
//!
//!   Write type 3 (RAW) is refused on DVD/BD, write type 4 (layer jump; no DL media are
//!   emulated) everywhere.
//! * **Page 2Ah** is derived: the rated write speeds of the loaded medium as descriptors (the
//!   `speed` module; none without a medium), the fastest as maximum read and write speed, the
//!   selected one (SET CD SPEED / SET STREAMING, rounded down) as current write speed and
//!   current write speed selected, and Lock State = the PREVENT state.
//! * **Saved values** are the drive's non-volatile power-on set. The emulator keeps that copy
//!   read-only: it equals the default copy for every page, MODE SENSE reports PS = 0 for every
//!   page (no page is savable), and MODE SELECT with SP = 1 is refused with 5/24/00 INVALID
//!   FIELD IN CDB pointing at CDB byte 1 bit 0 (`mmc.md` §1.5: SP = 1 "is normally refused").
//!
//! Spec: `mmc.md` §1.5, §2, §2.1–§2.6.

use discmaster_mmc::pages::{
    CachingPage, CapabilitiesPage, ErrorRecoveryPage, PowerConditionPage, TimeoutProtectPage,
    WriteParametersPage, WriteSpeedDescriptor,
};
use discmaster_mmc::{DataBlockType, MultiSession, PageControl, SessionFormat, WriteType};
use serde::{Deserialize, Serialize};

use crate::dispatch::Failure;
use crate::model::WriteSettings;
use crate::{speed, MediaKind};

/// Page code of the Read/Write Error Recovery page.
pub(crate) const PAGE01_CODE: u8 = ErrorRecoveryPage::<&[u8]>::PAGE_CODE;
/// Page code of the Write Parameters page.
pub(crate) const PAGE05_CODE: u8 = WriteParametersPage::<&[u8]>::PAGE_CODE;
/// Page code of the Caching page.
pub(crate) const PAGE08_CODE: u8 = CachingPage::<&[u8]>::PAGE_CODE;
/// Page code of the Power Condition page.
pub(crate) const PAGE1A_CODE: u8 = PowerConditionPage::<&[u8]>::PAGE_CODE;
/// Page code of the Timeout and Protect page.
pub(crate) const PAGE1D_CODE: u8 = TimeoutProtectPage::<&[u8]>::PAGE_CODE;
/// Page code of the Capabilities page.
pub(crate) const PAGE2A_CODE: u8 = CapabilitiesPage::<&[u8]>::PAGE_CODE;
/// Page code 3Fh: all pages (MODE SENSE only).
pub(crate) const ALL_PAGES: u8 = 0x3F;

/// Every page the emulator implements, in the ascending order MODE SENSE 3Fh returns them.
pub(crate) const SUPPORTED_PAGES: [u8; 6] = [
    PAGE01_CODE,
    PAGE05_CODE,
    PAGE08_CODE,
    PAGE1A_CODE,
    PAGE1D_CODE,
    PAGE2A_CODE,
];

/// Bytes of page 05h including its 2-byte header (page length 32h).
pub(crate) const PAGE05_LEN: usize = WriteParametersPage::<&[u8]>::LEN;

/// The medium kind whose page 05h values are shown without a medium.
const NO_MEDIUM_PAGE05: MediaKind = MediaKind::CdR;
/// Audio pause length default: 150 blocks (2 s, `mmc.md` §2.2).
const AUDIO_PAUSE_BLOCKS: u16 = 150;
/// DVD-R incremental link size and packet size (`mmc.md` §2.2).
const DVD_LINK_AND_PACKET: u8 = 16;
/// Drive buffer size reported in page 2Ah.
const BUFFER_KIB: u16 = 4096;
/// Page 2Ah loading mechanism type 1: tray (`mmc.md` §2.6).
const LOADING_TRAY: u8 = 1;
// ---------------------------------------------------------------------------------------------
// Drive pages 01h, 08h, 1Ah, 1Dh
// ---------------------------------------------------------------------------------------------

/// Default (= saved = initial current) values of drive page `code`: page 01h read and write
/// retry count 1, everything else 0; page 08h WCE = 1, RCD = 0; pages 1Ah and 1Dh all 0.
fn default_drive_page(code: u8) -> Option<Vec<u8>> {
    Some(match code {
        PAGE01_CODE => {
            let mut p = ErrorRecoveryPage::new_zeroed();
            p.set_read_retry_count(1);
            p.set_write_retry_count(1);
            p.into_inner()
        }
        PAGE08_CODE => {
            let mut p = CachingPage::new_zeroed();
            p.set_wce(true);
            p.into_inner()
        }
        PAGE1A_CODE => PowerConditionPage::new_zeroed().into_inner(),
        PAGE1D_CODE => TimeoutProtectPage::new_zeroed().into_inner(),
        _ => return None,
    })
}

/// Changeable-values mask of drive page `code` (see the module table).
fn changeable_drive_page(code: u8) -> Option<Vec<u8>> {
    Some(match code {
        PAGE01_CODE => {
            let mut p = ErrorRecoveryPage::new_zeroed();
            p.set_tb(true);
            p.set_rc(true);
            p.set_per(true);
            p.set_dte(true);
            p.set_dcr(true);
            p.set_read_retry_count(0xFF);
            p.set_write_retry_count(0xFF);
            p.into_inner()
        }
        PAGE08_CODE => CachingPage::new_zeroed().into_inner(),
        PAGE1A_CODE => {
            let mut p = PowerConditionPage::new_zeroed();
            p.set_idle(true);
            p.set_standby(true);
            p.set_idle_condition_timer_100ms(u32::MAX);
            p.set_standby_condition_timer_100ms(u32::MAX);
            p.into_inner()
        }
        PAGE1D_CODE => {
            let mut p = TimeoutProtectPage::new_zeroed();
            p.set_g3_enable(true);
            p.set_tmoe(true);
            p.set_disp(true);
            p.set_swpp(true);
            p.set_group1_minimum_timeout_s(u16::MAX);
            p.set_group2_minimum_timeout_s(u16::MAX);
            p.set_group3_timeout_s(u16::MAX);
            p.into_inner()
        }
        _ => return None,
    })
}

/// Current values of the drive-owned mode pages, kept in `drive.json` (`mode_pages`).
///
/// Shape: each field is a whole page (2-byte header, page length 0Ah, PS = 0), written as hex
/// in the JSON file; a missing field (older `drive.json`) reads as the default page.
///
/// Spec: `mmc.md` §2.1, §2.3–§2.5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct DrivePages {
    /// Page 01h Read/Write Error Recovery.
    #[serde(with = "crate::model::hex_bytes")]
    pub read_write_error_recovery: Vec<u8>,
    /// Page 08h Caching.
    #[serde(with = "crate::model::hex_bytes")]
    pub caching: Vec<u8>,
    /// Page 1Ah Power Condition.
    #[serde(with = "crate::model::hex_bytes")]
    pub power_condition: Vec<u8>,
    /// Page 1Dh Timeout and Protect.
    #[serde(with = "crate::model::hex_bytes")]
    pub timeout_and_protect: Vec<u8>,
}

impl Default for DrivePages {
    /// Every page at its default values.
    fn default() -> DrivePages {
        let page = |code| default_drive_page(code).unwrap_or_default();
        DrivePages {
            read_write_error_recovery: page(PAGE01_CODE),
            caching: page(PAGE08_CODE),
            power_condition: page(PAGE1A_CODE),
            timeout_and_protect: page(PAGE1D_CODE),
        }
    }
}

impl DrivePages {
    /// The current values of drive page `code`, `None` for other pages.
    pub fn get(&self, code: u8) -> Option<&[u8]> {
        match code {
            PAGE01_CODE => Some(&self.read_write_error_recovery),
            PAGE08_CODE => Some(&self.caching),
            PAGE1A_CODE => Some(&self.power_condition),
            PAGE1D_CODE => Some(&self.timeout_and_protect),
            _ => None,
        }
    }

    /// Replaces drive page `code` with `page` (already validated); false for other pages.
    fn set(&mut self, code: u8, page: Vec<u8>) -> bool {
        let slot = match code {
            PAGE01_CODE => &mut self.read_write_error_recovery,
            PAGE08_CODE => &mut self.caching,
            PAGE1A_CODE => &mut self.power_condition,
            PAGE1D_CODE => &mut self.timeout_and_protect,
            _ => return false,
        };
        *slot = page;
        true
    }

    /// Checks every page: the right code and length, PS = 0, and only changeable bits
    /// differing from the defaults. The message names the first bad page.
    ///
    /// # Errors
    /// A description of the first violation (for [`crate::EmuError::State`]).
    pub fn validate(&self) -> Result<(), String> {
        for code in [PAGE01_CODE, PAGE08_CODE, PAGE1A_CODE, PAGE1D_CODE] {
            let (Some(page), Some(default), Some(mask)) = (
                self.get(code),
                default_drive_page(code),
                changeable_drive_page(code),
            ) else {
                continue;
            };
            if page.len() != default.len() || page[..2] != default[..2] {
                return Err(format!(
                    "mode page {code:02X}h is not a {}-byte page {code:02X}h",
                    default.len()
                ));
            }
            if first_forbidden_change(page, &default, &mask).is_some() {
                return Err(format!(
                    "mode page {code:02X}h changes a bit that is not changeable"
                ));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The four copies
// ---------------------------------------------------------------------------------------------

/// What the page copies depend on: the loaded medium, its page 05h, the drive pages and the
/// PREVENT state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageContext<'a> {
    /// The loaded medium's kind, `None` with an empty tray.
    pub kind: Option<MediaKind>,
    /// Current page 05h of the loaded medium.
    pub page05: Option<&'a [u8]>,
    /// Current drive pages.
    pub drive: &'a DrivePages,
    /// PREVENT ALLOW MEDIUM REMOVAL state (page 2Ah Lock State).
    pub locked: bool,
    /// The host's write speed request (kB/s, `None` = maximum; page 2Ah selected speed).
    pub requested_write_speed_kbps: Option<u32>,
}

/// Copy `pc` of page `code` (page_0 format with its 2-byte header, PS = 0), `None` when the
/// page or the page control is not supported.
///
/// Spec: `mmc.md` §1.5, §2.
pub(crate) fn page_copy(code: u8, pc: PageControl, ctx: &PageContext<'_>) -> Option<Vec<u8>> {
    match pc {
        PageControl::Current => current_page(code, ctx),
        PageControl::Changeable => changeable_page(code, ctx.kind),
        // Saved values are the read-only power-on set, equal to the defaults (module doc).
        PageControl::Default | PageControl::Saved => default_page(code, ctx),
        PageControl::Unknown(_) => None,
    }
}

/// Current values of page `code`.
pub(crate) fn current_page(code: u8, ctx: &PageContext<'_>) -> Option<Vec<u8>> {
    match code {
        PAGE05_CODE => Some(match ctx.page05 {
            Some(p) => p.to_vec(),
            None => default_page05(ctx.kind.unwrap_or(NO_MEDIUM_PAGE05)),
        }),
        PAGE2A_CODE => Some(capabilities_page(
            ctx.kind,
            ctx.locked,
            ctx.requested_write_speed_kbps,
        )),
        _ => ctx.drive.get(code).map(<[u8]>::to_vec),
    }
}

/// Default values of page `code` (page 2Ah: the current, derived values).
fn default_page(code: u8, ctx: &PageContext<'_>) -> Option<Vec<u8>> {
    match code {
        PAGE05_CODE => Some(default_page05(ctx.kind.unwrap_or(NO_MEDIUM_PAGE05))),
        PAGE2A_CODE => Some(capabilities_page(ctx.kind, false, None)),
        _ => default_drive_page(code),
    }
}

/// Changeable-values mask of page `code` (same length as the current page).
pub(crate) fn changeable_page(code: u8, kind: Option<MediaKind>) -> Option<Vec<u8>> {
    match code {
        PAGE05_CODE => Some(changeable_page05(kind.unwrap_or(NO_MEDIUM_PAGE05))),
        PAGE2A_CODE => Some(changeable_capabilities(kind)),
        _ => changeable_drive_page(code),
    }
}

/// The first byte (index into `new`) where `new` differs from `current` in a bit that `mask`
/// does not allow to change, with the highest such bit; bytes 0–1 (PS, SPF, page code, page
/// length) are not compared. Slices of different lengths compare over the shorter one.
pub(crate) fn first_forbidden_change(
    new: &[u8],
    current: &[u8],
    mask: &[u8],
) -> Option<(usize, u8)> {
    new.iter()
        .zip(current)
        .zip(mask)
        .enumerate()
        .skip(2)
        .find_map(|(i, ((&n, &c), &m))| {
            let forbidden = (n ^ c) & !m;
            (forbidden != 0).then(|| (i, 7 - forbidden.leading_zeros() as u8))
        })
}

/// MODE SELECT's working copy of the host-settable pages: validated pages go in one by one,
/// and the unit takes them over only when the whole parameter list was accepted.
#[derive(Debug, Clone)]
pub(crate) struct PendingPages {
    /// Drive pages after the pages accepted so far.
    pub drive: DrivePages,
    /// Page 05h after the pages accepted so far.
    pub page05: Vec<u8>,
}

impl PendingPages {
    /// Stores accepted page `code` (PS cleared); page 2Ah (read-only) is not stored.
    pub fn accept(&mut self, code: u8, page: &[u8]) {
        let mut page = page.to_vec();
        if let Some(b0) = page.first_mut() {
            *b0 &= 0x3F;
        }
        if code == PAGE05_CODE {
            self.page05 = page;
        } else {
            self.drive.set(code, page);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Page 05h
// ---------------------------------------------------------------------------------------------

/// The default (and initial) page 05h for a blank `kind` (52 bytes).
///
/// CD-R: TAO, no next session, track mode 4, Mode 1, pause 150. DVD-R: incremental, LS_V
/// with link size 16, variable packets (FP = 0), track mode 5, Mode 1. DVD+R, BD-R: write
/// type 0, track mode 4, Mode 1.
pub(crate) fn default_page05(kind: MediaKind) -> Vec<u8> {
    let mut p = WriteParametersPage::new_default();
    p.set_data_block_type(DataBlockType::Mode1);
    p.set_multi_session(MultiSession::NoNextSession);
    p.set_session_format(SessionFormat::CdDaOrCdRom);
    match kind {
        MediaKind::CdR | MediaKind::CdRw => {
            p.set_write_type(WriteType::TrackAtOnce);
            p.set_track_mode(4);
            p.set_audio_pause_length(AUDIO_PAUSE_BLOCKS);
        }
        MediaKind::DvdMinusR | MediaKind::DvdMinusRw => {
            // Variable packets (FP = 0) until a host selects fixed ones: growisofs refuses a
            // blank DVD-R track that READ TRACK INFORMATION reports with FP = 1 ("track is
            // formatted for fixed packet size"); libburn sets FP itself (`mmc.md` §2.2).
            p.set_write_type(WriteType::Packet);
            p.set_ls_v(true);
            p.set_link_size(DVD_LINK_AND_PACKET);
            p.set_track_mode(5);
        }
        MediaKind::DvdPlusR
        | MediaKind::DvdPlusRDl
        | MediaKind::DvdPlusRw
        | MediaKind::DvdRam
        | MediaKind::BdR
        | MediaKind::BdRe => {
            p.set_write_type(WriteType::Packet);
            p.set_track_mode(4);
        }
    }
    p.into_inner()
}

/// The changeable-values mask of page 05h for `kind`: every field (not PS); Test Write only
/// where simulation is supported ([`MediaKind::supports_test_write`]).
pub(crate) fn changeable_page05(kind: MediaKind) -> Vec<u8> {
    let mut p = WriteParametersPage::new_default();
    p.set_bufe(true);
    p.set_test_write(kind.supports_test_write());
    p.set_ls_v(true);
    p.set_write_type(WriteType::Unknown(0x0F));
    p.set_multi_session(MultiSession::Unknown(0x03));
    p.set_fp(true);
    p.set_copy(true);
    p.set_track_mode(0x0F);
    p.set_data_block_type(DataBlockType::Unknown(0x0F));
    p.set_link_size(0xFF);
    p.set_host_application_code(0x3F);
    p.set_session_format(SessionFormat::Unknown(0xFF));
    p.set_packet_size(u32::MAX);
    p.set_audio_pause_length(u16::MAX);
    p.set_mcval(true);
    p.set_media_catalog_number(&[0xFF; 13]);
    p.set_tcval(true);
    p.set_isrc(&[0xFF; 12]);
    p.set_subheader([0xFF; 4]);
    p.into_inner()
}

/// The settings the recording model needs, decoded from page 05h (defaults of a packet /
/// Mode 1 page when the bytes are not a page 05h).
pub(crate) fn write_settings(page05: &[u8]) -> WriteSettings {
    match WriteParametersPage::new_checked(page05) {
        Ok(p) => WriteSettings {
            write_type: p.write_type(),
            multi_session: p.multi_session(),
            track_mode: p.track_mode(),
            data_block_type: p.data_block_type(),
            test_write: p.test_write(),
        },
        Err(_) => WriteSettings {
            write_type: WriteType::Packet,
            multi_session: MultiSession::NoNextSession,
            track_mode: 4,
            data_block_type: DataBlockType::Mode1,
            test_write: false,
        },
    }
}

/// The session format byte (page 05h byte 8: 00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA), 0
/// when the bytes are not a page 05h.
pub(crate) fn session_format(page05: &[u8]) -> u8 {
    WriteParametersPage::new_checked(page05).map_or(0, |p| u8::from(p.session_format()))
}

/// True when `bytes` is exactly one page 05h of [`PAGE05_LEN`] bytes.
pub(crate) fn is_page05(bytes: &[u8]) -> bool {
    bytes.len() == PAGE05_LEN && WriteParametersPage::new_checked(bytes).is_ok()
}

/// The fixed packet size when page 05h has FP set.
///
/// Units: blocks.
pub(crate) fn fixed_packet_size(page05: &[u8]) -> Option<u32> {
    WriteParametersPage::new_checked(page05)
        .ok()
        .filter(|p| p.fp())
        .map(|p| p.packet_size())
}

/// Checks that `page` (a whole page 05h) holds a combination `kind` supports; `offset` is the
/// page's position in the parameter list (for the field pointer).
///
/// `raw_types` are the data block types the drive accepts with write type 3 (RAW) on CD;
/// `test_write_ok` says whether the medium in its current recording mode can simulate
/// (a DVD-RW in restricted overwrite cannot).
///
/// # Errors
/// 5/26/00 INVALID FIELD IN PARAMETER LIST pointing at Test Write (page byte 2 bit 4: not
/// supported here, or with write type RAW), the write type (byte 2 bit 3; CD-R/RW take
/// packet, TAO, SAO — any data block type and track mode — and RAW), multi-session
/// (byte 3 bit 7), track mode (byte 3 bit 3) or data block type (byte 4 bit 3).
pub(crate) fn check_page05(
    kind: MediaKind,
    page: &[u8],
    offset: usize,
    raw_types: &[u8],
    test_write_ok: bool,
) -> Result<(), Failure> {
    let field = |byte: usize, bit: u8| {
        Failure::parameter_field(u16::try_from(offset + byte).unwrap_or(u16::MAX), Some(bit))
    };
    let p = WriteParametersPage::new_checked(page).map_err(|_| field(1, 7))?;
    if let MultiSession::Unknown(_) = p.multi_session() {
        return Err(field(3, 7));
    }
    if p.test_write() && (!test_write_ok || p.write_type() == WriteType::Raw) {
        return Err(field(2, 4));
    }
    if kind.is_cd() && p.write_type() == WriteType::Raw {
        if raw_types.is_empty() {
            return Err(field(2, 3));
        }
        if !raw_types.contains(&u8::from(p.data_block_type())) {
            return Err(field(4, 3));
        }
        return Ok(());
    }
    if kind.is_cd() && p.write_type() == WriteType::SessionAtOnce {
        // Session at once: the cue sheet decides block sizes and modes; the data block type
        // (0 or 3 from libburn, the track's type from cdrecord) and track mode are ignored
        // (`mmc.md` §2.2).
        return Ok(());
    }
    let write_type_ok = match kind {
        MediaKind::CdR | MediaKind::CdRw => {
            matches!(p.write_type(), WriteType::TrackAtOnce | WriteType::Packet)
        }
        MediaKind::DvdMinusR | MediaKind::DvdMinusRw => {
            matches!(p.write_type(), WriteType::Packet | WriteType::SessionAtOnce)
        }
        MediaKind::DvdPlusR
        | MediaKind::DvdPlusRDl
        | MediaKind::DvdPlusRw
        | MediaKind::DvdRam
        | MediaKind::BdR
        | MediaKind::BdRe => p.write_type() == WriteType::Packet,
    };
    if !write_type_ok {
        return Err(field(2, 3));
    }
    // Audio track at once: raw 2352-byte blocks (DBT 0) with an audio track mode.
    let audio = kind.is_cd()
        && p.write_type() == WriteType::TrackAtOnce
        && p.data_block_type() == DataBlockType::Raw;
    if p.data_block_type() != DataBlockType::Mode1 && !audio {
        return Err(field(4, 3));
    }
    if kind.is_cd() {
        // CONTROL bit 2 = data; audio tracks are 2-channel (modes 0–3).
        let track_mode_ok = if audio {
            p.track_mode() & 0x0C == 0
        } else {
            p.track_mode() & 0x04 != 0
        };
        if !track_mode_ok {
            return Err(field(3, 3));
        }
    }
    Ok(())
}

/// True when page 05h selects audio track at once (write type 1, data block type 0).
pub(crate) fn is_audio_track_at_once(page05: &[u8]) -> bool {
    let s = write_settings(page05);
    s.write_type == WriteType::TrackAtOnce && s.data_block_type == DataBlockType::Raw
}

/// Page 05h audio pause length (bytes 14–15), 150 when the bytes are not a page 05h.
///
/// Units: blocks.
pub(crate) fn audio_pause_blocks(page05: &[u8]) -> u32 {
    WriteParametersPage::new_checked(page05).map_or(u32::from(AUDIO_PAUSE_BLOCKS), |p| {
        u32::from(p.audio_pause_length())
    })
}

/// The ISRC of page 05h (bytes 33–44) when TCVAL is set and it is printable ASCII.
pub(crate) fn isrc(page05: &[u8]) -> Option<String> {
    let p = WriteParametersPage::new_checked(page05).ok()?;
    p.tcval().then(|| ascii(p.isrc())).flatten()
}

/// The media catalog number of page 05h (bytes 17–29) when MCVAL is set and it is printable
/// ASCII.
pub(crate) fn media_catalog_number(page05: &[u8]) -> Option<String> {
    let p = WriteParametersPage::new_checked(page05).ok()?;
    p.mcval().then(|| ascii(p.media_catalog_number())).flatten()
}

/// `bytes` as text when every byte is printable ASCII.
fn ascii(bytes: &[u8]) -> Option<String> {
    bytes
        .iter()
        .all(|b| b.is_ascii_graphic())
        .then(|| String::from_utf8_lossy(bytes).into_owned())
}

// ---------------------------------------------------------------------------------------------
// Page 2Ah
// ---------------------------------------------------------------------------------------------

/// Page 2Ah: reads CD-R/RW, DVD-ROM, DVD-R, DVD-RAM; writes CD-R/RW, DVD-R, DVD-RAM; Test
/// Write; BUF, multi-session, Mode 2 Form 1; tray with eject and lock, Lock State = `locked`;
/// 4 MiB buffer; one CLV write speed descriptor per rated speed of `kind` (the `speed`
/// module), the fastest as maximum write speed, the read speed as maximum and current read
/// speed, the one selected for `requested` (kB/s, `None` = maximum) as current write speed and
/// current write speed selected (all 0 without a medium).
pub(crate) fn capabilities_page(
    kind: Option<MediaKind>,
    locked: bool,
    requested: Option<u32>,
) -> Vec<u8> {
    let kbps16 = |v: u32| u16::try_from(v).unwrap_or(u16::MAX);
    let speeds: &[u32] = kind.map_or(&[], speed::write_speeds_kbps);
    let descriptors: Vec<WriteSpeedDescriptor> = speeds
        .iter()
        .map(|&s| WriteSpeedDescriptor {
            rotation_control: 0,
            write_speed_kbps: kbps16(s),
        })
        .collect();
    let fastest = kbps16(speeds.first().copied().unwrap_or(0));
    let selected = kind.map_or(0, |k| {
        kbps16(speed::selected_write_speed_kbps(k, requested))
    });
    let read = kind.map_or(0, |k| kbps16(speed::read_speed_kbps(k)));
    let mut p = CapabilitiesPage::new_zeroed(&descriptors);
    p.set_cd_r_read(true);
    p.set_cd_rw_read(true);
    p.set_dvd_rom_read(true);
    p.set_dvd_r_read(true);
    p.set_dvd_ram_read(true);
    p.set_cd_r_write(true);
    p.set_cd_rw_write(true);
    p.set_dvd_r_write(true);
    p.set_dvd_ram_write(true);
    p.set_test_write(true);
    p.set_buf(true);
    p.set_multi_session(true);
    p.set_mode2_form1(true);
    p.set_loading_mechanism_type(LOADING_TRAY);
    p.set_eject(true);
    p.set_lock(true);
    p.set_lock_state(locked);
    p.set_max_read_speed_kbps(read);
    p.set_current_read_speed_kbps(read);
    p.set_buffer_size_kib(BUFFER_KIB);
    p.set_max_write_speed_kbps(fastest);
    p.set_current_write_speed_kbps(selected);
    p.set_current_write_speed_selected(selected);
    p.into_inner()
}

/// Page 2Ah changeable mask: nothing changeable (header only, same length as the page).
fn changeable_capabilities(kind: Option<MediaKind>) -> Vec<u8> {
    let mut p = capabilities_page(kind, false, None);
    for b in p.iter_mut().skip(2) {
        *b = 0;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(drive: &DrivePages) -> PageContext<'_> {
        PageContext {
            kind: None,
            page05: None,
            drive,
            locked: false,
            requested_write_speed_kbps: None,
        }
    }

    #[test]
    fn default_pages_are_accepted_by_their_medium() {
        for kind in MediaKind::ALL {
            let p = default_page05(kind);
            assert_eq!(p.len(), PAGE05_LEN);
            assert!(
                check_page05(kind, &p, 0, &[1, 2, 3], kind.supports_test_write()).is_ok(),
                "{kind}"
            );
        }
    }

    #[test]
    fn changeable_mask_has_test_write_only_where_simulation_works() {
        let m = changeable_page05(MediaKind::DvdPlusR);
        assert_eq!(&m[..2], &[0x05, 0x32]);
        assert_eq!(m[2], 0x6F, "BUFE, LS_V, write type; not Test Write");
        assert_eq!(m[3], 0xFF);
        for kind in [
            MediaKind::CdR,
            MediaKind::CdRw,
            MediaKind::DvdMinusR,
            MediaKind::DvdMinusRw,
        ] {
            assert_eq!(
                changeable_page05(kind)[2],
                0x7F,
                "{kind}: Test Write (10h) too"
            );
        }
        for kind in [
            MediaKind::BdR,
            MediaKind::BdRe,
            MediaKind::DvdPlusRw,
            MediaKind::DvdRam,
        ] {
            assert_eq!(changeable_page05(kind)[2], 0x6F, "{kind}");
        }
    }

    #[test]
    fn test_write_is_refused_with_raw_and_where_not_supported() {
        let mut p = WriteParametersPage::new_checked(default_page05(MediaKind::CdR)).unwrap();
        p.set_test_write(true);
        let page = p.into_inner();
        assert!(check_page05(MediaKind::CdR, &page, 0, &[1, 2, 3], true).is_ok());
        assert!(check_page05(MediaKind::CdR, &page, 0, &[1, 2, 3], false).is_err());
        let mut p = WriteParametersPage::new_checked(page).unwrap();
        p.set_write_type(WriteType::Raw);
        p.set_data_block_type(DataBlockType::RawPwRaw);
        assert!(check_page05(MediaKind::CdR, &p.into_inner(), 0, &[1, 2, 3], true).is_err());
    }

    #[test]
    fn drive_page_defaults_are_written_from_the_spec_tables() {
        let d = DrivePages::default();
        assert_eq!(
            d.read_write_error_recovery,
            [
                0x01, 0x0A, // B0-1: page 01h, length 0Ah
                0x00, // B2: AWRE ARRE TB RC EER PER DTE DCR all 0
                0x01, // B3: read retry count 1
                0x00, 0x00, 0x00, // B4-6: obsolete
                0x00, // B7: EMCDR 0
                0x01, // B8: write retry count 1
                0x00, 0x00, 0x00, // B9-11: error reporting window 0
            ]
        );
        assert_eq!(
            d.caching,
            [
                0x08, 0x0A, // B0-1: page 08h, length 0Ah
                0x04, // B2: WCE = 1, RCD = 0
                0, 0, 0, 0, 0, 0, 0, 0, 0, // B3-11: not modelled
            ]
        );
        assert_eq!(
            d.power_condition,
            [0x1A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(
            d.timeout_and_protect,
            [0x1D, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(d.validate(), Ok(()));
    }

    #[test]
    fn drive_page_masks_are_written_from_the_spec_tables() {
        assert_eq!(
            changeable_drive_page(PAGE01_CODE).unwrap(),
            [
                0x01, 0x0A, // B0-1
                0x37, // B2: TB (20h) RC (10h) PER (04h) DTE (02h) DCR (01h)
                0xFF, // B3: read retry count
                0, 0, 0,    // B4-6
                0x00, // B7: EMCDR not changeable
                0xFF, // B8: write retry count
                0, 0, 0, // B9-11: window not changeable
            ]
        );
        assert!(changeable_drive_page(PAGE08_CODE).unwrap()[2..]
            .iter()
            .all(|&b| b == 0));
        assert_eq!(
            changeable_drive_page(PAGE1A_CODE).unwrap(),
            [
                0x1A, 0x0A, // B0-1
                0x00, // B2: reserved
                0x03, // B3: Idle, Standby
                0xFF, 0xFF, 0xFF, 0xFF, // B4-7: idle condition timer
                0xFF, 0xFF, 0xFF, 0xFF, // B8-11: standby condition timer
            ]
        );
        assert_eq!(
            changeable_drive_page(PAGE1D_CODE).unwrap(),
            [
                0x1D, 0x0A, // B0-1
                0x00, 0x00, // B2-3: reserved
                0x0F, // B4: G3Enable TMOE DISP SWPP
                0x00, // B5: reserved
                0xFF, 0xFF, // B6-7: group 1 minimum timeout
                0xFF, 0xFF, // B8-9: group 2 minimum timeout
                0xFF, 0xFF, // B10-11: group 3 timeout
            ]
        );
    }

    #[test]
    fn drive_pages_validate_rejects_a_non_changeable_bit() {
        let mut d = DrivePages::default();
        d.caching[2] = 0x00; // WCE cleared: not changeable
        assert!(d.validate().is_err());
        let mut d = DrivePages::default();
        d.power_condition.push(0);
        assert!(d.validate().is_err());
        let mut d = DrivePages::default();
        d.power_condition[3] = 0x03;
        assert_eq!(d.validate(), Ok(()));
    }

    #[test]
    fn capabilities_page_has_the_speeds_of_the_medium() {
        for (kind, n) in [
            (None, 0),
            (Some(MediaKind::CdR), 7),
            (Some(MediaKind::DvdPlusR), 5),
            (Some(MediaKind::BdR), 5),
            (Some(MediaKind::BdRe), 2),
        ] {
            let p = capabilities_page(kind, false, None);
            assert_eq!(p.len(), 32 + 4 * n);
            assert_eq!(p[0], 0x2A);
            assert_eq!(usize::from(p[1]), p.len() - 2);
            let c = changeable_capabilities(kind);
            assert_eq!(&c[..2], &p[..2]);
            assert!(c[2..].iter().all(|&b| b == 0));
        }
        assert_eq!(
            capabilities_page(None, true, None)[6] & 0x02,
            0x02,
            "lock state"
        );
        let p = capabilities_page(Some(MediaKind::CdR), false, Some(7_000));
        assert_eq!(&p[28..30], &5_645u16.to_be_bytes(), "selected 32x");
        assert_eq!(&p[18..20], &8_467u16.to_be_bytes(), "maximum 48x");
    }

    #[test]
    fn saved_copy_equals_default_copy() {
        let mut drive = DrivePages::default();
        drive.power_condition[3] = 0x02;
        let c = ctx(&drive);
        for code in SUPPORTED_PAGES {
            assert_eq!(
                page_copy(code, PageControl::Saved, &c),
                page_copy(code, PageControl::Default, &c),
                "{code:02X}h"
            );
        }
        assert_ne!(
            page_copy(PAGE1A_CODE, PageControl::Current, &c),
            page_copy(PAGE1A_CODE, PageControl::Saved, &c)
        );
    }

    #[test]
    fn first_forbidden_change_reports_byte_and_highest_bit() {
        let current = [0x1A, 0x0A, 0x00, 0x00];
        let mask = [0x00, 0x00, 0x0F, 0xFF];
        assert_eq!(first_forbidden_change(&current, &current, &mask), None);
        assert_eq!(
            first_forbidden_change(&[0x9A, 0x0A, 0x0F, 0x12], &current, &mask),
            None,
            "PS and changeable bits"
        );
        assert_eq!(
            first_forbidden_change(&[0x1A, 0x0A, 0x31, 0x00], &current, &mask),
            Some((2, 5))
        );
    }
}
