//! The emulator's mode pages: 05h Write Parameters (current values live in the medium state,
//! default and changeable copies are derived from the medium kind) and 2Ah Capabilities
//! (read-only), plus the write type / data block type combinations each medium accepts.
//!
//! Model choices: page 05h is stored per medium (a new disc starts from the defaults); the
//! Test Write bit is not changeable (no simulation); accepted combinations (everything else
//! is 5/26/00, so cdrecord-style trial MODE SELECTs fail honestly, `mmc.md` §1.5, §2.2):
//! * CD-R: write type 1 (TAO) or 0 (packet), data block type 8 (Mode 1), a data track mode;
//! * DVD-R: write type 0 (incremental) or 2 (disc at once), data block type 8;
//! * DVD+R, BD-R: write type 0 with data block type 8 (growisofs sends page 05h to every
//!   profile; the values do not change the recording).
//!
//! Spec: `mmc.md` §2.2, §2.6.

use discmaster_mmc::pages::{CapabilitiesPage, WriteParametersPage, WriteSpeedDescriptor};
use discmaster_mmc::{DataBlockType, MultiSession, SessionFormat, WriteType};

use crate::dispatch::Failure;
use crate::model::WriteSettings;
use crate::MediaKind;

/// Bytes of page 05h including its 2-byte header (page length 32h).
pub(crate) const PAGE05_LEN: usize = WriteParametersPage::<&[u8]>::LEN;
/// Page code of the Write Parameters page.
pub(crate) const PAGE05_CODE: u8 = WriteParametersPage::<&[u8]>::PAGE_CODE;
/// Page code of the Capabilities page.
pub(crate) const PAGE2A_CODE: u8 = CapabilitiesPage::<&[u8]>::PAGE_CODE;

/// Audio pause length default: 150 blocks (2 s, `mmc.md` §2.2).
const AUDIO_PAUSE_BLOCKS: u16 = 150;
/// DVD-R incremental link size and packet size (`mmc.md` §2.2).
const DVD_LINK_AND_PACKET: u8 = 16;
/// Drive buffer size reported in page 2Ah.
const BUFFER_KIB: u16 = 4096;
/// Write speeds in page 2Ah, kB/s: CD 48× (8 467), DVD 16× (22 160), BD 8× (35 964) — all
/// fit a u16; the emulator writes at host speed anyway.
const WRITE_SPEEDS_KBPS: [u16; 3] = [35_964, 22_160, 8_467];

/// The default (and initial) page 05h for a blank `kind` (52 bytes).
///
/// CD-R: TAO, no next session, track mode 4, Mode 1, pause 150. DVD-R: incremental, LS_V
/// with link size 16, FP with packet size 16, track mode 5, Mode 1. DVD+R, BD-R: write type
/// 0, track mode 4, Mode 1.
pub(crate) fn default_page05(kind: MediaKind) -> Vec<u8> {
    let mut p = WriteParametersPage::new_default();
    p.set_data_block_type(DataBlockType::Mode1);
    p.set_multi_session(MultiSession::NoNextSession);
    p.set_session_format(SessionFormat::CdDaOrCdRom);
    match kind {
        MediaKind::CdR => {
            p.set_write_type(WriteType::TrackAtOnce);
            p.set_track_mode(4);
            p.set_audio_pause_length(AUDIO_PAUSE_BLOCKS);
        }
        MediaKind::DvdMinusR => {
            p.set_write_type(WriteType::Packet);
            p.set_ls_v(true);
            p.set_link_size(DVD_LINK_AND_PACKET);
            p.set_fp(true);
            p.set_packet_size(u32::from(DVD_LINK_AND_PACKET));
            p.set_track_mode(5);
        }
        MediaKind::DvdPlusR | MediaKind::BdR => {
            p.set_write_type(WriteType::Packet);
            p.set_track_mode(4);
        }
    }
    p.into_inner()
}

/// The changeable-values mask of page 05h: every field except Test Write (and PS).
pub(crate) fn changeable_page05() -> Vec<u8> {
    let mut p = WriteParametersPage::new_default();
    p.set_bufe(true);
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

/// Page 2Ah (current = default values): reads CD-R, DVD-ROM, DVD-R; writes CD-R and DVD-R;
/// BUF, multi-session, Mode 2 Form 1; tray with eject and lock; 4 MiB buffer; three write
/// speed descriptors.
pub(crate) fn capabilities_page() -> Vec<u8> {
    let speeds: Vec<WriteSpeedDescriptor> = WRITE_SPEEDS_KBPS
        .iter()
        .map(|&s| WriteSpeedDescriptor {
            rotation_control: 0,
            write_speed_kbps: s,
        })
        .collect();
    let mut p = CapabilitiesPage::new_zeroed(&speeds);
    p.set_cd_r_read(true);
    p.set_dvd_rom_read(true);
    p.set_dvd_r_read(true);
    p.set_cd_r_write(true);
    p.set_dvd_r_write(true);
    p.set_buf(true);
    p.set_multi_session(true);
    p.set_mode2_form1(true);
    p.set_loading_mechanism_type(1);
    p.set_eject(true);
    p.set_lock(true);
    p.set_buffer_size_kib(BUFFER_KIB);
    p.set_current_write_speed_selected(WRITE_SPEEDS_KBPS[0]);
    p.into_inner()
}

/// Page 2Ah changeable mask: nothing changeable (header only).
pub(crate) fn changeable_capabilities() -> Vec<u8> {
    let mut p = capabilities_page();
    for b in p.iter_mut().skip(2) {
        *b = 0;
    }
    p
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
        },
        Err(_) => WriteSettings {
            write_type: WriteType::Packet,
            multi_session: MultiSession::NoNextSession,
            track_mode: 4,
            data_block_type: DataBlockType::Mode1,
        },
    }
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
/// # Errors
/// 5/26/00 INVALID FIELD IN PARAMETER LIST pointing at the write type, multi-session, track
/// mode or data block type field.
pub(crate) fn check_page05(kind: MediaKind, page: &[u8], offset: usize) -> Result<(), Failure> {
    let field = |byte: usize, bit: u8| Failure::parameter_field((offset + byte) as u16, Some(bit));
    let p = WriteParametersPage::new_checked(page).map_err(|_| field(1, 7))?;
    if let MultiSession::Unknown(_) = p.multi_session() {
        return Err(field(3, 7));
    }
    let write_type_ok = match kind {
        MediaKind::CdR => matches!(p.write_type(), WriteType::TrackAtOnce | WriteType::Packet),
        MediaKind::DvdMinusR => {
            matches!(p.write_type(), WriteType::Packet | WriteType::SessionAtOnce)
        }
        MediaKind::DvdPlusR | MediaKind::BdR => p.write_type() == WriteType::Packet,
    };
    if !write_type_ok {
        return Err(field(2, 3));
    }
    if p.data_block_type() != DataBlockType::Mode1 {
        return Err(field(4, 3));
    }
    // A data block type of data needs a data track mode (CONTROL bit 2).
    if kind.is_cd() && p.track_mode() & 0x04 == 0 {
        return Err(field(3, 3));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pages_are_accepted_by_their_medium() {
        for kind in MediaKind::ALL {
            let p = default_page05(kind);
            assert_eq!(p.len(), PAGE05_LEN);
            assert!(check_page05(kind, &p, 0).is_ok(), "{kind}");
        }
    }

    #[test]
    fn changeable_mask_excludes_test_write() {
        let m = changeable_page05();
        assert_eq!(&m[..2], &[0x05, 0x32]);
        assert_eq!(m[2], 0x6F, "BUFE, LS_V, write type; not Test Write");
        assert_eq!(m[3], 0xFF);
    }

    #[test]
    fn capabilities_page_has_three_speed_descriptors() {
        let p = capabilities_page();
        assert_eq!(p.len(), 32 + 12);
        assert_eq!(p[0], 0x2A);
        assert_eq!(usize::from(p[1]), p.len() - 2);
        let c = changeable_capabilities();
        assert_eq!(&c[..2], &p[..2]);
        assert!(c[2..].iter().all(|&b| b == 0));
    }
}
