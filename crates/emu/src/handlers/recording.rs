//! Recording and reading: WRITE(10), READ(10), SYNCHRONIZE CACHE, RESERVE TRACK, CLOSE
//! TRACK/SESSION, SEND OPC INFORMATION. The rules live in the `model` module; these handlers
//! parse the CDB, move the bytes between the host and `medium.img`, and persist the state.
//!
//! Spec: `mmc.md` §1.11, §1.18–§1.22, §5.2.

use std::os::unix::fs::FileExt;

use discmaster_core::SECTOR_SIZE;
use discmaster_mmc::commands::{
    CloseTrackSession, Read10, Reservation, ReserveTrack, SendOpcInformation, SynchronizeCache,
    Write10,
};
use discmaster_mmc::{CloseFunction, Command, DataBlockType, Sense};

use crate::dispatch::{Failure, Request, Response};
use crate::model::{CloseError, ReserveError};
use crate::pages;
use crate::unit::Unit;

/// Byte offset of `lba` in `medium.img` (`None` for negative LBAs, which are never stored).
fn image_offset(lba: i32) -> Option<u64> {
    u64::try_from(lba).ok().map(|l| l * SECTOR_SIZE as u64)
}

/// `2Ah WRITE(10)`: writes `transfer_length` 2048-byte blocks at the NWA of an open,
/// invisible or reserved track.
///
/// # Errors (sense)
/// 5/64/00 on CD when page 05h's data block type is not Mode 1 data; 5/24/00 when the
/// data-out length is not `transfer_length × 2048`; 5/21/02 off the NWA or on a complete disc;
/// 5/2C/00 for DVD-R disc-at-once without RESERVE TRACK; 5/21/00 past the end of the medium;
/// 5/63/00 past the end of a reserved track.
pub(crate) fn write10(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = Write10::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    let settings = pages::write_settings(&loaded.medium.page05);
    if loaded.medium.kind.is_cd() && settings.data_block_type != DataBlockType::Mode1 {
        return Err(Sense::ILLEGAL_MODE_FOR_THIS_TRACK.into());
    }
    let blocks = u32::from(cmd.transfer_length);
    if req.data_out.len() != usize::from(cmd.transfer_length) * SECTOR_SIZE {
        return Err(Failure::cdb_field(7, None));
    }
    if blocks == 0 {
        return Ok(Response::Done);
    }
    let idx = loaded.medium.check_write(cmd.lba.0, blocks, &settings)?;
    let offset = image_offset(cmd.lba.0).ok_or(Sense::INVALID_ADDRESS_FOR_WRITE)?;
    loaded.image.write_all_at(req.data_out, offset)?;
    loaded.medium.commit_write(idx, blocks, &settings);
    unit.note_written(req.data_out.len() as u64)?;
    Ok(Response::Consumed(req.data_out.len()))
}

/// `28h READ(10)`: returns recorded blocks.
///
/// # Errors (sense)
/// 5/21/00 when any block is blank, unreadable (CD run-out) or beyond the recorded area.
pub(crate) fn read10(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = Read10::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    let blocks = u32::from(cmd.transfer_length);
    if blocks == 0 {
        return Ok(Response::DataIn(Vec::new()));
    }
    loaded.medium.check_read(cmd.lba.0, blocks)?;
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
/// is closed, and a full DVD-R disc-at-once track finalizes the disc. Saves the state.
pub(crate) fn synchronize_cache(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    SynchronizeCache::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    let settings = pages::write_settings(&loaded.medium.page05);
    loaded.medium.synchronize(&settings);
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
    match loaded.medium.reserve(blocks, cmd.rmz, &settings) {
        Ok(()) => {}
        Err(ReserveError::Sense(s)) => return Err(s.into()),
        Err(ReserveError::BadSize) => return Err(Failure::cdb_field(5, None)),
    }
    unit.commit_structure()?;
    Ok(Response::Done)
}

/// `5Bh CLOSE TRACK/SESSION`: 001b closes a track; the session functions depend on the
/// profile (CD-R and DVD-R: 010b, page 05h multi-session decides appendable vs final; DVD-R
/// also 011b; DVD+R: 010b/100b close, 101b/110b finalize; BD-R: 010b close, 110b finalize).
/// Immed is accepted; everything completes at once.
///
/// # Errors (sense)
/// 5/24/00 for a function the profile does not support or a track that does not exist;
/// 5/2C/00 on a complete disc; 5/2C/04 when the session to close is empty.
pub(crate) fn close_track_session(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = CloseTrackSession::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    let settings = pages::write_settings(&loaded.medium.page05);
    if cmd.function == CloseFunction::CloseTrack {
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
