//! Medium information: READ CAPACITY, READ DISC INFORMATION, READ TRACK INFORMATION, READ
//! TOC/PMA/ATIP (formats 0, 1, 2, 4 and 5).
//!
//! Spec: `mmc.md` §1.8–§1.10, §1.12.

use discmaster_core::{Lba, Msf, SECTOR_SIZE};
use discmaster_mmc::cd_responses::{Atip, CdTextResponse, FullToc, FullTocDescriptor};
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

/// ATIP B4: indicative target writing power 4 and reference speed 1 — placeholders, nothing
/// in the emulation depends on them (`mmc.md` §1.12).
const ATIP_POWER: u8 = 4;
/// ATIP reference speed (see [`ATIP_POWER`]).
const ATIP_REFERENCE_SPEED: u8 = 1;
/// CD: a later session's lead-in (4 500 blocks) and pregap (150) before its first track.
const CD_LEAD_IN_AND_PREGAP: i64 = 4_650;
/// An address field that is not valid ("FF FF FF" in the MSF bytes).
const MSF_INVALID: u32 = 0x00FF_FFFF;
/// Data mode 1 (READ TRACK INFORMATION byte 6).
const DATA_MODE_1: u8 = 1;
/// Data mode Fh: unknown / none (READ TRACK INFORMATION byte 6, `mmc.md` §1.10).
const DATA_MODE_UNKNOWN: u8 = 0x0F;
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
/// Lead-in / lead-out fields: CD as MSF — blank disc or open RAW recording: the ATIP lead-in
/// start; appendable: the last session's lead-in (its first track − 4 650); complete: FF FF
/// FF (both fields); last possible lead-out = the capacity (ATIP, default 79:59:74). DVD/BD
/// as LBA: the last session's start and the capacity. Erasable is set for rewritable media.
///
/// Random-access media (formatted DVD+RW, DVD-RW restricted overwrite, BD-RE, DVD-RAM): one
/// complete session with track 1; disc status complete (10b), DVD-RAM "other" (11b); an
/// unformatted disc is empty. Byte 7 bits 1–0: the DVD+RW background format status (0 none, 1
/// stopped, 2 running, 3 complete), `mmc.md` §1.9.
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
    d.set_erasable(m.kind.is_erasable());
    d.set_disc_status(match s.status {
        DiscState::Blank => DiscStatus::Empty,
        DiscState::Appendable => DiscStatus::Incomplete,
        DiscState::Complete if m.kind == MediaKind::DvdRam => DiscStatus::Other,
        DiscState::Complete => DiscStatus::Complete,
    });
    if let Some(o) = m
        .overwrite
        .as_ref()
        .filter(|_| m.kind == MediaKind::DvdPlusRw)
    {
        d.set_bg_format_status(o.background.status());
    }
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
                lba_msf_field(i64::from(m.atip_lead_in_start)).unwrap_or(MSF_INVALID)
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
            } else if number == 0xFF && m.is_random_access() {
                // Random-access media have no invisible track: FFh is the one track.
                Some(0)
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
/// Fields: track mode (the Q CONTROL nibble: 4/5 data; 0–3 audio on RAW-written CDs), data
/// mode 1 (Fh for audio tracks); Blank for an unwritten open track; RT for a
/// reserved track; Packet/FP for incremental tracks (CD packet, DVD-R incremental, from page
/// 05h while blank); NWA_V/NWA; free blocks (invisible track: capacity − NWA); on CD with
/// page 05h write type RAW (or while a RAW recording is open) the invisible track's NWA is the
/// RAW NWA — the ATIP lead-in start on a blank disc, then the next block — and free blocks
/// are the capacity minus the program-area blocks written; fixed packet size = the ECC block on DVD/BD, page 05h packet size for fixed-packet CD tracks; track size
/// (invisible: to the end of the medium; closed: padded); LRA = last host-written block.
pub(crate) fn read_track_information(
    unit: &mut Unit,
    req: &Request<'_>,
) -> Result<Response, Failure> {
    let cmd = ReadTrackInformation::from_cdb(req.cdb)?;
    let m = &unit.loaded_mut()?.medium;
    let t: &Track = &m.tracks[addressed_track(m, &cmd)?];
    if m.is_random_access() {
        return Ok(Response::DataIn(random_access_track(m, t)));
    }
    let settings = pages::write_settings(&m.page05);
    let fixed_packet = pages::fixed_packet_size(&m.page05);
    // RAW writing of a CD: the invisible track's NWA is the RAW NWA (`mmc.md` §1.10).
    let raw_nwa = (t.state == TrackState::Invisible
        && m.kind.is_cd()
        && (settings.write_type == WriteType::Raw || m.raw_in_progress()))
    .then(|| m.raw_nwa());
    let blank = t.recorded == 0 && t.state != TrackState::Closed && !m.raw_in_progress();
    let incremental_medium = m.kind.is_cd() || m.kind.is_dvd_minus();
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
    // An audio track (CONTROL without the data bit, RAW-written CDs) has no data mode: Fh.
    d.set_data_mode(if track_mode & 0x04 == 0 {
        DATA_MODE_UNKNOWN
    } else {
        DATA_MODE_1
    });
    d.set_track_start_address(Lba(t.start));
    let (nwa, free) = match raw_nwa {
        Some(nwa) => {
            let used = nwa.map_or(i64::from(m.capacity_blocks), |n| i64::from(n.max(0)));
            let free = u32::try_from(i64::from(m.capacity_blocks) - used).unwrap_or(0);
            (nwa, free)
        }
        None => (m.nwa(t), m.free_blocks(t)),
    };
    match nwa {
        Some(nwa) => {
            d.set_nwa_v(true);
            d.set_next_writable_address(Lba(nwa));
        }
        None => d.set_nwa_v(false),
    }
    d.set_free_blocks(free);
    let packet_size = match m.kind {
        MediaKind::CdR | MediaKind::CdRw => fixed_packet.filter(|_| packet).unwrap_or(0),
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

/// READ TRACK INFORMATION of track 1 of a random-access medium (`mmc.md` §5.3: "answer track
/// 1 with NWA_V = 1, NWA = 0, free = capacity"): data track mode 4, data mode 1, not blank,
/// start 0, NWA 0, free blocks and track size = the formatted capacity, fixed packets of the
/// ECC block (DVD-RW restricted overwrite: Packet/Inc and FP set, 16 blocks — growisofs copies
/// them into page 05h), LRA = the highest block written.
fn random_access_track(m: &Medium, t: &Track) -> Vec<u8> {
    let restricted_overwrite = m.kind == MediaKind::DvdMinusRw;
    let mut d = TrackInformation::new_zeroed();
    d.set_track_number(t.number);
    d.set_session_number(t.session);
    d.set_track_mode(t.track_mode);
    d.set_packet_inc(restricted_overwrite);
    d.set_fp(restricted_overwrite);
    d.set_data_mode(DATA_MODE_1);
    d.set_track_start_address(Lba(t.start));
    d.set_nwa_v(true);
    d.set_next_writable_address(Lba(0));
    d.set_free_blocks(m.capacity_blocks);
    d.set_fixed_packet_size(m.kind.ecc_blocks());
    d.set_track_size(m.capacity_blocks);
    if t.recorded > 0 {
        d.set_lra_v(true);
        d.set_last_recorded_address(Lba((i64::from(t.start) + i64::from(t.recorded) - 1) as i32));
    }
    d.into_inner()
}

/// `43h READ TOC/PMA/ATIP`, formats 0 (formatted TOC of the closed tracks, lead-out = end of
/// the last closed track) and 1 (first track of the last closed session), MSF addresses on
/// request; CD only: 2 (full TOC, [`full_toc`]), 4 (ATIP, [`atip`]) and 5 (CD-TEXT,
/// [`cd_text`]). Formats 0, 1, 2 and 5 on a disc without closed tracks answer 5/24/00 (as
/// many drives do for a blank CD, `mmc.md` §6.1); format 3 (PMA) and the CD formats on
/// DVD/BD answer 5/24/00.
pub(crate) fn read_toc_pma_atip(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ReadTocPmaAtip::from_cdb(req.cdb)?;
    let m = &unit.loaded_mut()?.medium;
    let cd_only = || -> Result<(), Failure> {
        if m.kind.is_cd() {
            Ok(())
        } else {
            Err(Failure::cdb_field(2, Some(3)))
        }
    };
    match cmd.format {
        TocFormat::Atip => {
            cd_only()?;
            return Ok(Response::DataIn(atip(m)));
        }
        TocFormat::Raw => {
            cd_only()?;
            return full_toc(m, cmd.track_session).map(Response::DataIn);
        }
        TocFormat::CdText => {
            cd_only()?;
            if m.toc_leadout().is_none() {
                return Err(discmaster_mmc::Sense::INVALID_FIELD_IN_CDB.into());
            }
            return Ok(Response::DataIn(cd_text(m)));
        }
        _ => {}
    }
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

/// READ TOC format 4: the ATIP of a CD — B4 b7 = 1 with placeholder writing power and
/// reference speed, URU = 1, disc type CD-R or CD-RW (sub-type 0, no A1–A3), the lead-in start
/// and the last possible lead-out start of the medium.
///
/// Spec: `mmc.md` §1.12 (format 4).
fn atip(m: &Medium) -> Vec<u8> {
    let mut a = Atip::new_zeroed();
    a.set_power_and_speed(ATIP_POWER, ATIP_REFERENCE_SPEED);
    a.set_uru(true);
    a.set_disc(m.kind.is_erasable(), 0, [false; 3]);
    if let Some(msf) = Msf::from_lba(Lba(m.atip_lead_in_start)) {
        a.set_lead_in_start(msf);
    }
    if let Some(msf) = i32::try_from(m.capacity_blocks)
        .ok()
        .and_then(|c| Msf::from_lba(Lba(c)))
    {
        a.set_last_possible_lead_out_start(msf);
    }
    a.into_inner()
}

/// READ TOC format 2: the full TOC, values binary, from session `first_session` (0 = 1) on.
///
/// A RAW-written disc reports the lead-in entries it was written with (A0h, A1h, A2h, the
/// tracks, then any ADR 5 points), MIN SEC FRAME zero. Other CDs report per closed session
/// A0h (first track, disc type from page 05h's session format), A1h (last track), A2h (the
/// session's lead-out) and one entry per track; no B0h/C0h pointers.
///
/// # Errors
/// 5/24/00 without a closed session, or (field pointer byte 6) for a session number beyond
/// the last one.
///
/// Spec: `mmc.md` §1.12 (format 2), §4.7.
fn full_toc(m: &Medium, first_session: u8) -> Result<Vec<u8>, Failure> {
    let last_session = u8::try_from(m.sessions.len()).unwrap_or(u8::MAX);
    if last_session == 0 || m.toc_leadout().is_none() {
        return Err(discmaster_mmc::Sense::INVALID_FIELD_IN_CDB.into());
    }
    let from = first_session.max(1);
    if from > last_session {
        return Err(Failure::cdb_field(6, None));
    }
    let msf3 =
        |lba: i32| Msf::from_lba(Lba(lba)).map_or([0xFF; 3], |v| [v.minute, v.second, v.frame]);
    let mut out = Vec::new();
    if let Some(r) = &m.raw_cd {
        for e in &r.info.toc {
            out.push(FullTocDescriptor {
                session: 1,
                adr: e.adr,
                control: e.control,
                tno: 0,
                point: e.point,
                time: e.time,
                zero: e.zero,
                pointer: e.pointer,
            });
        }
        return Ok(FullToc::emit(1, last_session, &out));
    }
    let disc_type = pages::session_format(&m.page05);
    for s in m.sessions.iter().filter(|s| s.number >= u16::from(from)) {
        let session = u8::try_from(s.number).unwrap_or(u8::MAX);
        let in_session: Vec<&Track> = m
            .closed_tracks()
            .filter(|t| t.session == s.number)
            .collect();
        let (Some(first), Some(last)) = (in_session.first(), in_session.last()) else {
            continue;
        };
        let number = |n: u16| u8::try_from(n).unwrap_or(u8::MAX);
        let entry = |control: u8, point: u8, pointer: [u8; 3]| FullTocDescriptor {
            session,
            adr: ADR_POSITION,
            control: control & 0x0F,
            tno: 0,
            point,
            time: [0; 3],
            zero: 0,
            pointer,
        };
        out.push(entry(
            first.track_mode,
            FullTocDescriptor::FIRST_TRACK,
            [number(first.number), disc_type, 0],
        ));
        out.push(entry(
            last.track_mode,
            FullTocDescriptor::LAST_TRACK,
            [number(last.number), 0, 0],
        ));
        out.push(entry(
            last.track_mode,
            FullTocDescriptor::LEAD_OUT,
            msf3(s.leadout),
        ));
        for t in &in_session {
            out.push(entry(t.track_mode, number(t.number), msf3(t.start)));
        }
    }
    Ok(FullToc::emit(1, last_session, &out))
}

/// READ TOC format 5: the CD-TEXT packs decoded from the lead-in of a RAW-written disc (the
/// 4-byte header alone when there are none).
///
/// Spec: `mmc.md` §1.12 (format 5), §4.9.
fn cd_text(m: &Medium) -> Vec<u8> {
    let packs = m
        .raw_cd
        .as_ref()
        .map(|r| r.info.packs())
        .unwrap_or_default();
    CdTextResponse::emit(&packs)
}
