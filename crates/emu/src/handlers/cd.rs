//! CD block access: WRITE(10) with write type RAW, READ CD (BEh), and the blocks READ(10)
//! returns from a CD written in RAW mode. The rules of RAW writing live in the `raw` module;
//! these handlers move bytes between the host, `medium.raw` / `medium.img` and the CD coding
//! of `discmaster-cd`.
//!
//! READ CD model (`mmc.md` §1.23):
//! * readable blocks: on a RAW-written CD every written block from LBA −150 (the first pregap)
//!   up to the lead-out (the lead-in and lead-out are not readable); on a CD written track at
//!   once the recorded blocks READ(10) can read, returned as Mode 1 sectors built from the
//!   user data — audio tracks (track at once with data block type 0) as the 2352 bytes of
//!   samples written, and the pause before a closed audio track (index 00) and its 2 run-out
//!   blocks as digital silence — with a Q position frame (index 01, or 00 in the pregap;
//!   CONTROL = the track mode) and P = 0; in every 100 blocks of a track one Q frame carries
//!   the track's ISRC (ADR 3, audio tracks written with page 05h TCVAL, at block 10 mod 100)
//!   and one the disc's MCN (ADR 2, at block 60 mod 100);
//! * a block's sector type is the stored sector's: a data sector (sync and header, Q CONTROL
//!   4h) of its mode, otherwise CD-DA; an expected sector type it does not match ends the
//!   command with 5/64/00 before any data moves;
//! * main-channel bytes per the selection byte (sync, header, sub-header, user data, EDC &
//!   ECC; data sectors descrambled), C2 error information as zeros (no errors), then the
//!   sub-channel: raw P–W (001b), formatted Q (010b: the 16-byte PQ form, CRC as on disc) or
//!   packed R–W (100b: R–W symbols in b5–0, b7–6 zero);
//! * blocks outside the readable range: 5/21/00; READ CD on DVD/BD media: 5/30/00.
//!
//! Spec: `mmc.md` §1.21–§1.23, §4.2, §4.5, §4.8.

use std::fs::File;
use std::os::unix::fs::FileExt;

use discmaster_cd::sector::{self, SECTOR_BYTES};
use discmaster_cd::subchannel::{
    self, Control, Isrc, Mcn, Pq16Crc, QContent, QFrame, SUBCHANNEL_BYTES,
};
use discmaster_core::{Lba, Msf, SECTOR_SIZE};
use discmaster_mmc::cd_commands::{ReadCd, SectorLayout, SubchannelSelection};
use discmaster_mmc::commands::Write10;
use discmaster_mmc::{Command, DataBlockType, Sense};

use crate::dispatch::{Failure, Request, Response};
use crate::model::TrackState;
use crate::raw::{self, RawCd, RawError, STORED_BLOCK_BYTES};
use crate::unit::{Loaded, Unit};

/// C2 error bits are all zero: the emulated medium has no read errors.
const C2_FILL: u8 = 0x00;
/// Track-at-once CDs: one Q frame in this many blocks carries the ISRC, one the MCN.
const Q_MODE_PERIOD: i64 = 100;
/// Block (mod [`Q_MODE_PERIOD`], from the track start) whose Q frame is the ISRC (ADR 3).
const Q_ISRC_SLOT: i64 = 10;
/// Block (mod [`Q_MODE_PERIOD`]) whose Q frame is the media catalog number (ADR 2).
const Q_MCN_SLOT: i64 = 60;

/// `2Ah WRITE(10)` with page 05h write type RAW on a CD: `transfer_length` blocks of the
/// data block type's size (2368 or 2448 bytes) at the RAW NWA.
///
/// # Errors (sense)
/// 5/24/00 when the data-out is not `transfer_length` × block size; 5/21/02 off the NWA (a
/// blank disc's NWA is the ATIP lead-in start), on a TAO-written or complete disc; 5/21/00
/// past the end of the lead-out area (last possible lead-out start + 6 750) or for
/// program-area blocks past the last possible lead-out start; 5/64/00 with the LBA in
/// INFORMATION for a block the `raw` module's rules refuse. A refused WRITE stores nothing.
pub(crate) fn write_raw(
    unit: &mut Unit,
    cmd: &Write10,
    data_out: &[u8],
    dbt: DataBlockType,
) -> Result<Response, Failure> {
    let block_bytes = raw::block_bytes(dbt).ok_or(Sense::ILLEGAL_MODE_FOR_THIS_TRACK)?;
    let blocks = usize::from(cmd.transfer_length);
    if data_out.len() != blocks * block_bytes {
        return Err(Failure::cdb_field(7, None));
    }
    let loaded = unit.loaded_mut()?;
    let m = &mut loaded.medium;
    if m.raw_cd.as_ref().is_some_and(|r| r.cue.is_some()) {
        // A session-at-once recording (cue sheet sent) is not continued in RAW mode.
        return Err(Sense::COMMAND_SEQUENCE_ERROR.into());
    }
    let nwa = m.raw_nwa().ok_or(Sense::INVALID_ADDRESS_FOR_WRITE)?;
    if cmd.lba.0 != nwa {
        return Err(Sense::INVALID_ADDRESS_FOR_WRITE.into());
    }
    if blocks == 0 {
        return Ok(Response::Done);
    }
    let end_of_area = i64::from(m.capacity_blocks) + i64::from(raw::MIN_LEAD_OUT_BLOCKS);
    if i64::from(nwa) + blocks as i64 > end_of_area {
        return Err(Sense::LBA_OUT_OF_RANGE.into());
    }
    let capacity = i32::try_from(m.capacity_blocks).unwrap_or(i32::MAX);
    let mut state = m
        .raw_cd
        .clone()
        .unwrap_or_else(|| RawCd::new(m.atip_lead_in_start));
    let phase_before = state.phase;
    let mut stored = Vec::with_capacity(blocks * STORED_BLOCK_BYTES);
    for (k, block) in data_out.chunks_exact(block_bytes).enumerate() {
        let lba = nwa.saturating_add(k as i32);
        stored.extend_from_slice(&state.accept(lba, dbt, block, capacity)?);
    }
    store_raw(
        unit,
        state,
        phase_before,
        nwa,
        &stored,
        blocks,
        data_out.len(),
    )
}

/// Stores `stored` (normalized blocks from `nwa` on, [`STORED_BLOCK_BYTES`] each) in
/// `medium.raw`, makes `state` the medium's recording state and persists it; `host_bytes` is
/// the data-out length (the WRITE consumed it all).
///
/// # Errors
/// IO errors; 5/21/00 when `nwa` is before the store.
pub(crate) fn store_raw(
    unit: &mut Unit,
    state: RawCd,
    phase_before: raw::RawPhase,
    nwa: i32,
    stored: &[u8],
    blocks: usize,
    host_bytes: usize,
) -> Result<Response, Failure> {
    let store = unit.store.clone();
    let loaded = unit.loaded_mut()?;
    let offset = state
        .offset(nwa)
        .ok_or(RawError::OutOfRange(nwa))
        .map_err(Failure::from)?;
    let file = match loaded.raw.take() {
        Some(f) => f,
        None => store.open_raw(true)?,
    };
    let written = file.write_all_at(stored, offset);
    loaded.raw = Some(file);
    written?;
    let structural = loaded.medium.raw_cd.as_ref().map(|r| r.phase) != Some(phase_before)
        || phase_before != state.phase;
    loaded.medium.raw_cd = Some(state);
    loaded.medium.sectors_written = loaded.medium.sectors_written.saturating_add(blocks as u64);
    loaded.medium.refresh();
    if structural {
        unit.commit_structure()?;
    } else {
        unit.note_written(host_bytes as u64)?;
    }
    Ok(Response::Consumed(host_bytes))
}

/// Reads `buf.len()` bytes at `offset`; bytes past the end of the (sparse) file stay zero.
fn read_full_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64)? {
            0 => break,
            n => done += n,
        }
    }
    Ok(())
}

/// `frames` as a binary MSF counted from 00:00:00 (relative time; wraps at 100 minutes).
pub(crate) fn frames_msf(frames: i64) -> Msf {
    let f = frames.rem_euclid(100 * 60 * 75);
    Msf {
        minute: (f / 4500) as u8,
        second: (f / 75 % 60) as u8,
        frame: (f % 75) as u8,
    }
}

/// One readable CD block: the 2352 main-channel bytes (data descrambled), the 96 bytes of raw
/// P–W and the sector layout.
type CdBlock = (
    Box<[u8; SECTOR_BYTES]>,
    [u8; SUBCHANNEL_BYTES],
    SectorLayout,
);

/// The block at `lba` of the loaded CD.
///
/// # Errors
/// 5/21/00 when the block is not readable (see the module doc); IO errors.
fn cd_block(loaded: &Loaded, lba: i32) -> Result<CdBlock, Failure> {
    let m = &loaded.medium;
    if let Some(r) = &m.raw_cd {
        let file = loaded.raw.as_ref().ok_or(Sense::LBA_OUT_OF_RANGE)?;
        if !r.readable(i64::from(lba)) {
            return Err(Sense::LBA_OUT_OF_RANGE.into());
        }
        let offset = r.offset(lba).ok_or(Sense::LBA_OUT_OF_RANGE)?;
        let mut stored = [0u8; STORED_BLOCK_BYTES];
        read_full_at(file, &mut stored, offset)?;
        let layout = raw::stored_layout(&stored);
        let mut main = Box::new([0u8; SECTOR_BYTES]);
        main.copy_from_slice(&stored[..SECTOR_BYTES]);
        let mut sub = [0u8; SUBCHANNEL_BYTES];
        sub.copy_from_slice(&stored[SECTOR_BYTES..]);
        return Ok((main, sub, layout));
    }
    let recorded = m.check_read(lba, 1);
    let t = m
        .track_containing(i64::from(lba))
        .and_then(|i| m.tracks.get(i))
        .ok_or(Sense::LBA_OUT_OF_RANGE)?;
    let audio = t.track_mode & 0x04 == 0;
    // The pause before a closed audio track and its run-out read as digital silence.
    let audio_gap = audio && t.state == TrackState::Closed && m.simulation.is_none();
    if recorded.is_err() && !audio_gap {
        return Err(Sense::LBA_OUT_OF_RANGE.into());
    }
    let absolute = Msf::from_lba(Lba(lba)).ok_or(Sense::LBA_OUT_OF_RANGE)?;
    let main = if audio {
        // Audio track at once: the samples as written (`medium.cdda`), silence in the gaps.
        let mut samples = Box::new([0u8; SECTOR_BYTES]);
        if let (Ok(()), Some(file), Ok(block)) =
            (recorded, loaded.cdda.as_ref(), u64::try_from(lba))
        {
            read_full_at(file, &mut samples[..], block * SECTOR_BYTES as u64)?;
        }
        samples
    } else {
        let block = u64::try_from(lba).map_err(|_| Sense::LBA_OUT_OF_RANGE)?;
        let mut user = [0u8; sector::MODE1_USER_BYTES];
        read_full_at(&loaded.image, &mut user, block * SECTOR_SIZE as u64)?;
        Box::new(sector::mode1(absolute, &user))
    };
    // The pregap is index 00 with the relative time counting down to the track start.
    let (index, relative) = if lba < t.start {
        (0, i64::from(t.start) - i64::from(lba))
    } else {
        (1, i64::from(lba) - i64::from(t.start))
    };
    // As on a real disc, one Q frame in 100 of the track carries its ISRC (audio) and one the
    // disc's media catalog number (ADR 3 / ADR 2) instead of the position.
    let isrc = t
        .isrc
        .as_deref()
        .filter(|_| audio && index == 1 && relative % Q_MODE_PERIOD == Q_ISRC_SLOT)
        .and_then(|text| Isrc::new(text).ok());
    let mcn = m
        .mcn
        .as_deref()
        .filter(|_| index == 1 && relative % Q_MODE_PERIOD == Q_MCN_SLOT)
        .and_then(|text| Mcn::new(text).ok());
    let content = match (isrc, mcn) {
        (Some(isrc), _) => QContent::Isrc {
            isrc,
            aframe: absolute.frame,
        },
        (None, Some(mcn)) => QContent::Mcn {
            mcn,
            aframe: absolute.frame,
        },
        (None, None) => QContent::Position {
            track: u8::try_from(t.number).unwrap_or(99),
            index,
            relative: frames_msf(relative),
            absolute,
        },
    };
    let q = QFrame {
        control: Control(t.track_mode & 0x0F),
        content,
    }
    .emit();
    let sub = subchannel::raw_from_parts(false, &q, &[0; SUBCHANNEL_BYTES]);
    let layout = if audio {
        SectorLayout::Audio
    } else {
        SectorLayout::Mode1
    };
    Ok((main, sub, layout))
}

/// `BEh READ CD`: see the module doc.
///
/// # Errors (sense)
/// 5/24/00 for reserved expected sector types or sub-channel selections (byte 1 / byte 10);
/// 5/30/00 on DVD/BD media; 5/21/00 for unreadable blocks; 5/64/00 when a block is not of the
/// expected sector type.
pub(crate) fn read_cd(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ReadCd::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    if !loaded.medium.kind.is_cd() {
        return Err(Sense::INCOMPATIBLE_MEDIUM_INSTALLED.into());
    }
    let mut out = Vec::new();
    let first = i64::from(cmd.lba.0);
    for k in 0..i64::from(cmd.transfer_length) {
        let lba = i32::try_from(first + k).map_err(|_| Sense::LBA_OUT_OF_RANGE)?;
        let (main, sub, layout) = cd_block(loaded, lba)?;
        if !layout.matches(cmd.expected_sector_type) {
            return Err(Sense::ILLEGAL_MODE_FOR_THIS_TRACK.into());
        }
        for range in cmd.main_channel.ranges(layout) {
            if let Some(bytes) = main.get(range) {
                out.extend_from_slice(bytes);
            }
        }
        out.resize(out.len() + cmd.main_channel.c2_bytes(), C2_FILL);
        match cmd.subchannel {
            SubchannelSelection::RawPw => out.extend_from_slice(&sub),
            SubchannelSelection::FormattedQ => {
                out.extend_from_slice(&subchannel::pq16_from_raw(&sub, Pq16Crc::AsOnDisc))
            }
            SubchannelSelection::PackedRw => {
                out.extend_from_slice(&subchannel::packed_from_raw(&sub, false))
            }
            SubchannelSelection::None | SubchannelSelection::Unknown(_) => {}
        }
    }
    Ok(Response::DataIn(out))
}

/// READ(10) of a CD written in RAW mode: the 2048 user bytes of each block, which must be a
/// Mode 1 or Mode 2 Form 1 sector.
///
/// # Errors (sense)
/// 5/21/00 for unreadable blocks; 5/64/00 for a block that is audio or another data mode
/// (`mmc.md` §1.22: READ(10) of audio is 5/64/00).
pub(crate) fn read10_raw(loaded: &Loaded, lba: i32, blocks: u32) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::with_capacity(blocks as usize * SECTOR_SIZE);
    for k in 0..blocks {
        let lba = lba.checked_add_unsigned(k).ok_or(Sense::LBA_OUT_OF_RANGE)?;
        let (main, _, layout) = cd_block(loaded, lba)?;
        let range = match layout {
            SectorLayout::Mode1 => 16..16 + SECTOR_SIZE,
            SectorLayout::Mode2Form1 => 24..24 + SECTOR_SIZE,
            _ => return Err(Sense::ILLEGAL_MODE_FOR_THIS_TRACK.into()),
        };
        out.extend_from_slice(main.get(range).ok_or(Sense::ILLEGAL_MODE_FOR_THIS_TRACK)?);
    }
    Ok(out)
}
