//! Medium information: READ CAPACITY, READ DISC INFORMATION, READ TRACK INFORMATION, READ
//! TOC/PMA/ATIP (formats 0 and 1).
//!
//! Spec: `mmc.md` §1.8–§1.10, §1.12.

use discmaster_core::{Lba, Msf, SECTOR_SIZE};
use discmaster_mmc::commands::{
    ReadCapacity, ReadDiscInformation, ReadTocPmaAtip, ReadTrackInformation,
};
use discmaster_mmc::responses::{
    DiscInformation, ReadCapacityData, Toc, TocDescriptor, TrackInformation,
};
use discmaster_mmc::{Command, DiscStatus, SessionState, TocFormat, TrackAddressType, WriteType};

use crate::dispatch::{Failure, Request, Response};
use crate::model::{DiscState, Medium, Track, TrackState};
use crate::unit::Unit;
use crate::{pages, MediaKind};

/// ATIP start of lead-in of the emulated CD-R: 97:26:65 (= LBA −11 635, the typical value of
/// `mmc.md` §4.1).
const CD_ATIP_LEAD_IN_START: Msf = Msf {
    minute: 97,
    second: 26,
    frame: 65,
};
/// CD: a later session's lead-in (4 500 blocks) and pregap (150) before its first track.
const CD_LEAD_IN_AND_PREGAP: i64 = 4_650;
/// An address field that is not valid ("FF FF FF" in the MSF bytes).
const MSF_INVALID: u32 = 0x00FF_FFFF;
/// Data mode 1 (READ TRACK INFORMATION byte 6).
const DATA_MODE_1: u8 = 1;
/// ADR 1: Q mode 1 (position) for TOC descriptors.
const ADR_POSITION: u8 = 1;

/// An MSF as the raw `00 M S F` address field.
fn msf_field(msf: Msf) -> u32 {
    u32::from_be_bytes([0, msf.minute, msf.second, msf.frame])
}

/// `lba` as a raw `00 M S F` field, `None` when it has no MSF.
fn lba_msf_field(lba: i64) -> Option<u32> {
    let lba = i32::try_from(lba).ok()?;
    Msf::from_lba(Lba(lba)).map(msf_field)
}

/// `25h READ CAPACITY`: last LBA of the recorded area (0 on a blank disc) and 2048.
pub(crate) fn read_capacity(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    ReadCapacity::from_cdb(req.cdb)?;
    let m = &unit.loaded_mut()?.medium;
    let mut data = ReadCapacityData::new_zeroed();
    data.set_last_logical_block_address(Lba(m.last_lba()));
    data.set_block_length(SECTOR_SIZE as u32);
    Ok(Response::DataIn(data.into_inner()))
}

/// `51h READ DISC INFORMATION` (data type 000b only): 34 bytes per `mmc.md` §1.9.
///
/// Lead-in / lead-out fields: CD as MSF — blank disc: the ATIP lead-in start; appendable: the
/// last session's lead-in (its first track − 4 650); complete: FF FF FF (both fields);
/// last possible lead-out = the capacity (79:59:74). DVD/BD as LBA: the last session's start
/// and the capacity.
pub(crate) fn read_disc_information(
    unit: &mut Unit,
    req: &Request<'_>,
) -> Result<Response, Failure> {
    let cmd = ReadDiscInformation::from_cdb(req.cdb)?;
    if cmd.data_type != 0 {
        return Err(Failure::cdb_field(1, Some(2)));
    }
    let m = &unit.loaded_mut()?.medium;
    let s = m.summary();
    let mut d = DiscInformation::new_zeroed();
    d.set_disc_information_data_type(0);
    d.set_disc_status(match s.status {
        DiscState::Blank => DiscStatus::Empty,
        DiscState::Appendable => DiscStatus::Incomplete,
        DiscState::Complete => DiscStatus::Complete,
    });
    d.set_state_of_last_session(SessionState::from(s.last_session_state));
    d.set_number_of_first_track(1);
    d.set_number_of_sessions(s.sessions);
    d.set_first_track_number_in_last_session(s.first_track_in_last_session);
    d.set_last_track_number_in_last_session(s.last_track_in_last_session);
    d.set_disc_type(0x00);
    if m.kind.is_cd() {
        // A general-purpose CD-R: unrestricted use.
        d.set_uru(true);
        let (lead_in, lead_out) = if s.status == DiscState::Complete {
            (MSF_INVALID, MSF_INVALID)
        } else {
            let lead_in = if s.sessions <= 1 {
                msf_field(CD_ATIP_LEAD_IN_START)
            } else {
                lba_msf_field(i64::from(s.last_session_start) - CD_LEAD_IN_AND_PREGAP)
                    .unwrap_or(MSF_INVALID)
            };
            (
                lead_in,
                lba_msf_field(i64::from(m.capacity_blocks)).unwrap_or(MSF_INVALID),
            )
        };
        d.set_last_session_lead_in_start_address(lead_in);
        d.set_last_possible_lead_out_start_address(lead_out);
    } else {
        d.set_last_session_lead_in_start_address(s.last_session_start as u32);
        d.set_last_possible_lead_out_start_address(m.capacity_blocks);
    }
    Ok(Response::DataIn(d.into_inner()))
}

/// Finds the track a READ TRACK INFORMATION CDB addresses.
fn addressed_track(m: &Medium, cmd: &ReadTrackInformation) -> Result<usize, Failure> {
    match cmd.address_type {
        TrackAddressType::Lba => {
            let lba = i64::from(cmd.address as i32);
            m.track_containing(lba)
                .ok_or(discmaster_mmc::Sense::LBA_OUT_OF_RANGE.into())
        }
        TrackAddressType::TrackNumber => {
            let number = cmd.address;
            let found = if number == 0xFF && m.invisible().is_some() {
                m.invisible()
            } else if cmd.open {
                m.tracks
                    .iter()
                    .position(|t| u32::from(t.number) >= number && t.state != TrackState::Closed)
            } else {
                u16::try_from(number).ok().and_then(|n| m.track_index(n))
            };
            found.ok_or(Failure::cdb_field(2, None))
        }
        TrackAddressType::SessionNumber => u16::try_from(cmd.address)
            .ok()
            .and_then(|n| m.tracks.iter().position(|t| t.session == n))
            .ok_or(Failure::cdb_field(2, None)),
        TrackAddressType::Unknown(_) => Err(Failure::cdb_field(1, Some(1))),
    }
}

/// `52h READ TRACK INFORMATION`: 48 bytes per `mmc.md` §1.10, addressed by LBA, track
/// number (FFh = the invisible track) or session.
///
/// Fields: track mode 4/5 (data), data mode 1; Blank for an unwritten open track; RT for a
/// reserved track; Packet/FP for incremental tracks (CD packet, DVD-R incremental, from page
/// 05h while blank); NWA_V/NWA; free blocks (invisible track: capacity − NWA); fixed packet
/// size = the ECC block on DVD/BD, page 05h packet size for fixed-packet CD tracks; track size
/// (invisible: to the end of the medium; closed: padded); LRA = last host-written block.
pub(crate) fn read_track_information(
    unit: &mut Unit,
    req: &Request<'_>,
) -> Result<Response, Failure> {
    let cmd = ReadTrackInformation::from_cdb(req.cdb)?;
    let m = &unit.loaded_mut()?.medium;
    let t: &Track = &m.tracks[addressed_track(m, &cmd)?];
    let settings = pages::write_settings(&m.page05);
    let fixed_packet = pages::fixed_packet_size(&m.page05);
    let blank = t.recorded == 0 && t.state != TrackState::Closed;
    let incremental_medium = matches!(m.kind, MediaKind::CdR | MediaKind::DvdMinusR);
    let packet = if blank {
        incremental_medium && settings.write_type == WriteType::Packet && !t.dao
    } else {
        t.packet
    };
    let track_mode = if blank && m.kind.is_cd() {
        settings.track_mode
    } else {
        t.track_mode
    };

    let mut d = TrackInformation::new_zeroed();
    d.set_track_number(t.number);
    d.set_session_number(t.session);
    d.set_track_mode(track_mode);
    d.set_rt(t.state == TrackState::Reserved);
    d.set_blank(blank);
    d.set_packet_inc(packet);
    d.set_fp(packet && fixed_packet.is_some());
    d.set_data_mode(DATA_MODE_1);
    d.set_track_start_address(Lba(t.start));
    match m.nwa(t) {
        Some(nwa) => {
            d.set_nwa_v(true);
            d.set_next_writable_address(Lba(nwa));
        }
        None => d.set_nwa_v(false),
    }
    d.set_free_blocks(m.free_blocks(t));
    let packet_size = match m.kind {
        MediaKind::CdR => fixed_packet.filter(|_| packet).unwrap_or(0),
        other => other.ecc_blocks(),
    };
    d.set_fixed_packet_size(packet_size);
    d.set_track_size(m.reported_size(t));
    if t.recorded > 0 {
        d.set_lra_v(true);
        d.set_last_recorded_address(Lba((i64::from(t.start) + i64::from(t.recorded) - 1) as i32));
    }
    Ok(Response::DataIn(d.into_inner()))
}

/// `43h READ TOC/PMA/ATIP`, formats 0 (formatted TOC of the closed tracks, lead-out = end of
/// the last closed track) and 1 (first track of the last closed session). MSF addresses on
/// request. A disc without closed tracks answers 5/24/00 (as many drives do for a blank CD,
/// `mmc.md` §6.1); other formats 5/24/00.
pub(crate) fn read_toc_pma_atip(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ReadTocPmaAtip::from_cdb(req.cdb)?;
    let m = &unit.loaded_mut()?.medium;
    let closed: Vec<&Track> = m.closed_tracks().collect();
    let (Some(first), Some(last), Some(leadout)) = (closed.first(), closed.last(), m.toc_leadout())
    else {
        return Err(discmaster_mmc::Sense::INVALID_FIELD_IN_CDB.into());
    };
    let address = |lba: i64| -> Result<u32, Failure> {
        if cmd.msf {
            lba_msf_field(lba).ok_or(Failure::cdb_field(1, Some(1)))
        } else {
            Ok(lba as i32 as u32)
        }
    };
    let number = |n: u16| u8::try_from(n).unwrap_or(u8::MAX);
    let descriptor = |t: &Track| -> Result<TocDescriptor, Failure> {
        Ok(TocDescriptor {
            adr: ADR_POSITION,
            control: t.track_mode & 0x0F,
            track_number: number(t.number),
            address: address(i64::from(t.start))?,
        })
    };
    match cmd.format {
        TocFormat::Formatted => {
            let start = u16::from(cmd.track_session.max(1));
            let mut out = Vec::new();
            if cmd.track_session != TocDescriptor::LEAD_OUT {
                if start > last.number {
                    return Err(Failure::cdb_field(6, None));
                }
                for t in closed.iter().filter(|t| t.number >= start) {
                    out.push(descriptor(t)?);
                }
            }
            out.push(TocDescriptor {
                adr: ADR_POSITION,
                control: last.track_mode & 0x0F,
                track_number: TocDescriptor::LEAD_OUT,
                address: address(i64::from(leadout))?,
            });
            Ok(Response::DataIn(Toc::emit(
                number(first.number),
                number(last.number),
                &out,
            )))
        }
        TocFormat::MultiSession => {
            let (last_session, track) = match m.sessions.last() {
                Some(s) => (
                    s.number,
                    closed
                        .iter()
                        .find(|t| t.number == s.first_track)
                        .copied()
                        .unwrap_or(first),
                ),
                None => (1, *first),
            };
            let d = descriptor(track)?;
            Ok(Response::DataIn(Toc::emit(1, number(last_session), &[d])))
        }
        _ => Err(Failure::cdb_field(2, Some(3))),
    }
}
