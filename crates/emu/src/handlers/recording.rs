//! Recording and reading: WRITE(10), READ(10), SYNCHRONIZE CACHE, RESERVE TRACK, CLOSE
//! TRACK/SESSION, SEND OPC INFORMATION. The rules live in the `model` module (sequential
//! recording) and the `rewritable` module (random-access recording, Test Write); these
//! handlers parse the CDB, move the bytes between the host and `medium.img`, and persist the
//! state. CLOSE TRACK/SESSION and SYNCHRONIZE CACHE with Immed keep the unit busy for the
//! configured polls (2/04/07 with progress, the `operation` module).
//!
//! Spec: `mmc.md` §1.11, §1.18–§1.22, §2.2 (Test Write), §5.2.

use std::os::unix::fs::FileExt;

use discmaster_core::SECTOR_SIZE;
use discmaster_mmc::commands::{
    CloseTrackSession, Read10, Reservation, ReserveTrack, SendOpcInformation, SynchronizeCache,
    Write10,
};
use discmaster_mmc::{CloseFunction, Command, DataBlockType, Sense, WriteType};

use crate::dispatch::{Failure, Request, Response};
use crate::handlers::cd;
use crate::model::{CloseError, ReserveError};
use crate::operation::OperationKind;
use crate::pages;
use crate::unit::Unit;

/// Bytes of a CD-DA block written with data block type 0 (raw, audio track at once).
const CD_AUDIO_BLOCK_BYTES: usize = 2352;

/// Byte offset of `lba` in `medium.img` (`None` for negative LBAs, which are never stored).
fn image_offset(lba: i32) -> Option<u64> {
    u64::try_from(lba).ok().map(|l| l * SECTOR_SIZE as u64)
}

/// `2Ah WRITE(10)`: writes `transfer_length` 2048-byte blocks at the NWA of an open,
/// invisible or reserved track (CD audio track at once — page 05h write type 1, data block
/// type 0 — 2352-byte blocks of samples, kept in `medium.cdda`; the first block of a CD track
/// takes page 05h's ISRC, the first of the disc its MCN); on random-access media (formatted DVD+RW, DVD-RW restricted
/// overwrite, DVD-RAM, BD-RE) anywhere in the formatted capacity.
///
/// With write type RAW on CD the blocks go to [`cd::write_raw`] instead. With Test Write the
/// recording advances but nothing is stored (the `rewritable` module).
///
/// # Errors (sense)
/// Random-access media: 5/30/10 unformatted, 5/21/00 outside the capacity, 5/21/02 for a
/// DVD-RW restricted-overwrite write not aligned to 16 blocks. Sequential media: 5/64/00 for
/// audio blocks into a data track or data blocks into an audio track;
/// 5/64/00 on CD when page 05h's data block type is not Mode 1 data; 5/24/00 when the
/// data-out length is not `transfer_length × 2048`; 5/21/02 off the NWA or on a complete disc;
/// 5/2C/00 for DVD-R disc-at-once without RESERVE TRACK; 5/21/00 past the end of the medium;
/// 5/63/00 past the end of a reserved track.
pub(crate) fn write10(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = Write10::from_cdb(req.cdb)?;
    let store = unit.store.clone();
    let loaded = unit.loaded_mut()?;
    if loaded.medium.overwrite.is_some() {
        return write_random(unit, &cmd, req.data_out);
    }
    let settings = pages::write_settings(&loaded.medium.page05);
    let cd = loaded.medium.kind.is_cd();
    if cd && settings.write_type == WriteType::Raw {
        return cd::write_raw(unit, &cmd, req.data_out, settings.data_block_type);
    }
    let sao_started = loaded
        .medium
        .raw_cd
        .as_ref()
        .is_some_and(|r| r.cue.is_some());
    if cd && (settings.write_type == WriteType::SessionAtOnce || sao_started) {
        return crate::handlers::sao::write_sao(unit, &cmd, req.data_out);
    }
    let audio = cd && pages::is_audio_track_at_once(&loaded.medium.page05);
    if cd && settings.data_block_type != DataBlockType::Mode1 && !audio {
        return Err(Sense::ILLEGAL_MODE_FOR_THIS_TRACK.into());
    }
    let block_bytes = if audio {
        CD_AUDIO_BLOCK_BYTES
    } else {
        SECTOR_SIZE
    };
    let blocks = u32::from(cmd.transfer_length);
    if req.data_out.len() != usize::from(cmd.transfer_length) * block_bytes {
        return Err(Failure::cdb_field(7, None));
    }
    if blocks == 0 {
        return Ok(Response::Done);
    }
    let m = &mut loaded.medium;
    let idx = m.check_write(cmd.lba.0, blocks, &settings)?;
    let track = &m.tracks[idx];
    let first_block = track.recorded == 0;
    if !first_block && (track.track_mode & 0x04 == 0) != audio {
        // Audio blocks into a data track or data blocks into an audio track.
        return Err(Sense::ILLEGAL_MODE_FOR_THIS_TRACK.into());
    }
    let block_offset = u64::try_from(cmd.lba.0).map_err(|_| Sense::INVALID_ADDRESS_FOR_WRITE)?;
    if settings.test_write {
        // Simulation: the track advances, nothing reaches the medium.
        m.begin_simulation();
        m.commit_write(idx, blocks, &settings);
        loaded.dirty = true;
        return Ok(Response::Consumed(req.data_out.len()));
    }
    if cd && first_block {
        let isrc = pages::isrc(&m.page05);
        m.tracks[idx].isrc = isrc;
        if m.mcn.is_none() {
            m.mcn = pages::media_catalog_number(&m.page05);
        }
    }
    if audio {
        if loaded.cdda.is_none() {
            loaded.cdda = Some(store.open_cdda()?);
        }
        if let Some(file) = loaded.cdda.as_ref() {
            file.write_all_at(req.data_out, block_offset * CD_AUDIO_BLOCK_BYTES as u64)?;
        }
    } else {
        loaded
            .image
            .write_all_at(req.data_out, block_offset * SECTOR_SIZE as u64)?;
    }
    loaded.medium.commit_write(idx, blocks, &settings);
    unit.note_written(req.data_out.len() as u64)?;
    Ok(Response::Consumed(req.data_out.len()))
}

/// WRITE(10) on random-access media (see [`write10`]).
fn write_random(unit: &mut Unit, cmd: &Write10, data_out: &[u8]) -> Result<Response, Failure> {
    let loaded = unit.loaded_mut()?;
    let blocks = u32::from(cmd.transfer_length);
    if data_out.len() != usize::from(cmd.transfer_length) * SECTOR_SIZE {
        return Err(Failure::cdb_field(7, None));
    }
    if blocks == 0 {
        return Ok(Response::Done);
    }
    loaded.medium.check_random_write(cmd.lba.0, blocks)?;
    let offset = image_offset(cmd.lba.0).ok_or(Sense::LBA_OUT_OF_RANGE)?;
    loaded.image.write_all_at(data_out, offset)?;
    loaded.medium.commit_random_write(cmd.lba.0, blocks);
    unit.note_written(data_out.len() as u64)?;
    Ok(Response::Consumed(data_out.len()))
}

/// `28h READ(10)`: returns recorded blocks (a CD written in RAW mode: the user data of its
/// Mode 1 / Mode 2 Form 1 sectors).
///
/// # Errors (sense)
/// 5/21/00 when any block is blank, unreadable (CD run-out) or beyond the recorded area;
/// 5/64/00 for audio blocks of a RAW-written CD.
pub(crate) fn read10(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = Read10::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    let blocks = u32::from(cmd.transfer_length);
    if blocks == 0 {
        return Ok(Response::DataIn(Vec::new()));
    }
    loaded.medium.check_read(cmd.lba.0, blocks)?;
    if loaded.medium.audio_in(cmd.lba.0, blocks) {
        // `mmc.md` §1.22: READ(10) of an audio track.
        return Err(Sense::ILLEGAL_MODE_FOR_THIS_TRACK.into());
    }
    if loaded.medium.raw_cd.is_some() {
        return Ok(Response::DataIn(cd::read10_raw(loaded, cmd.lba.0, blocks)?));
    }
    let offset = image_offset(cmd.lba.0).ok_or(Sense::LBA_OUT_OF_RANGE)?;
    let mut bytes = vec![0u8; usize::from(cmd.transfer_length) * SECTOR_SIZE];
    let mut done = 0;
    while done < bytes.len() {
        // Past the end of the sparse image the rest stays zero (blocks padded by the drive).
        match loaded
            .image
            .read_at(&mut bytes[done..], offset + done as u64)?
        {
            0 => break,
            n => done += n,
        }
    }
    Ok(Response::DataIn(bytes))
}

/// `35h SYNCHRONIZE CACHE`: data is already in the image; on CD in TAO mode the written track
/// is closed, a RAW recording with its whole lead-out closes its session (the disc is then
/// complete), and a full DVD-R disc-at-once track finalizes the disc (a simulated one returns
/// to blank). Saves the state. With Immed the unit stays busy for the configured polls.
pub(crate) fn synchronize_cache(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = SynchronizeCache::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    let settings = pages::write_settings(&loaded.medium.page05);
    loaded.medium.synchronize(&settings);
    if cmd.immed {
        unit.start_operation(OperationKind::Synchronize);
    }
    unit.commit_structure()?;
    Ok(Response::Done)
}

/// `53h RESERVE TRACK` by size (ARSV = 0): reserves a track at the start of the blank
/// invisible track, rounded up to the ECC block; RMZ reserves the rest of the medium. On
/// DVD-R with write type 2 the reservation is the disc-at-once track.
///
/// # Errors (sense)
/// 5/24/00 for ARSV = 1 (not supported) or a bad size; 5/2C/00 when the invisible track is
/// not blank; 5/72/05 when no more reservations are possible.
pub(crate) fn reserve_track(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ReserveTrack::from_cdb(req.cdb)?;
    let Reservation::Size(blocks) = cmd.reservation else {
        return Err(Failure::cdb_field(1, Some(0)));
    };
    let loaded = unit.loaded_mut()?;
    let settings = pages::write_settings(&loaded.medium.page05);
    let starts_simulation = settings.test_write && loaded.medium.simulation.is_none();
    if starts_simulation {
        loaded.medium.begin_simulation();
    }
    let reserved = loaded.medium.reserve(blocks, cmd.rmz, &settings);
    if reserved.is_err() && starts_simulation {
        // Nothing changed: no simulation began.
        loaded.medium.simulation = None;
    }
    match reserved {
        Ok(()) => {}
        Err(ReserveError::Sense(s)) => return Err(s.into()),
        Err(ReserveError::BadSize) => return Err(Failure::cdb_field(5, None)),
    }
    unit.commit_structure()?;
    Ok(Response::Done)
}

/// `5Bh CLOSE TRACK/SESSION`: 001b closes a track; the session functions depend on the
/// profile (CD-R and DVD-R: 010b, page 05h multi-session decides appendable vs final; DVD-R
/// also 011b; DVD+R: 010b/100b close, 101b/110b finalize; BD-R: 010b close, 110b finalize). On
/// random-access media: DVD+RW 000b/010b stop a background format, DVD-RW restricted overwrite
/// 010b ends the intermediate state, 001b (and 010b on DVD-RAM, BD-RE) do nothing. Closing a
/// simulated session returns the disc to its state before the simulation. With Immed the unit
/// stays busy for the configured polls (2/04/07 with progress).
///
/// # Errors (sense)
/// 5/24/00 for a function the profile does not support or a track that does not exist;
/// 5/2C/00 on a complete disc; 5/2C/04 when the session to close is empty.
pub(crate) fn close_track_session(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = CloseTrackSession::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    let settings = pages::write_settings(&loaded.medium.page05);
    if loaded.medium.overwrite.is_some() {
        loaded
            .medium
            .close_random_access(cmd.function)
            .ok_or(Failure::cdb_field(2, Some(2)))?;
    } else if cmd.function == CloseFunction::CloseTrack {
        match loaded.medium.close_track(cmd.number) {
            Ok(()) => {}
            Err(CloseError::Sense(s)) => return Err(s.into()),
            Err(CloseError::NoSuchTrack) => return Err(Failure::cdb_field(4, None)),
        }
    } else {
        let finalize = loaded
            .medium
            .session_close_kind(cmd.function, &settings)
            .ok_or(Failure::cdb_field(2, Some(2)))?;
        loaded.medium.close_session(finalize)?;
    }
    if cmd.immed {
        unit.start_operation(OperationKind::Close);
    }
    unit.commit_structure()?;
    Ok(Response::Done)
}

/// `54h SEND OPC INFORMATION`: GOOD (no power calibration to do); a parameter list is
/// accepted and ignored.
///
/// # Errors (sense)
/// 5/1A/00 when the data-out is shorter than the parameter list length.
pub(crate) fn send_opc_information(
    unit: &mut Unit,
    req: &Request<'_>,
) -> Result<Response, Failure> {
    let cmd = SendOpcInformation::from_cdb(req.cdb)?;
    unit.loaded_mut()?;
    let len = usize::from(cmd.parameter_list_length);
    if req.data_out.len() < len {
        return Err(Sense::PARAMETER_LIST_LENGTH_ERROR.into());
    }
    Ok(Response::Consumed(len))
}
