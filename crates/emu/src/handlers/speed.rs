//! Speeds: GET PERFORMANCE (types 00h and 03h), SET STREAMING, SET CD SPEED over the rated
//! speeds and the selection rule of the `speed` module. Page 2Ah (the `pages` module) reports
//! the same speeds and the selected one.
//!
//! Both setters work on every medium (many drives accept SET CD SPEED for DVD too, `mmc.md`
//! §1.25) and without a medium (the request is remembered and applies to the next disc). A
//! pure CAV request (rotation control 01b) gets CLV: the emulated drive has no CAV speeds.
//!
//! Spec: `mmc.md` §1.25–§1.27, §1.30.

use discmaster_mmc::commands::{GetPerformance, SetCdSpeed, SetStreaming};
use discmaster_mmc::host_commands::{
    PerformanceDescriptor, StreamingDescriptor, WriteSpeedDescriptor, PERFORMANCE_TYPE_PERFORMANCE,
    PERFORMANCE_TYPE_WRITE_SPEED,
};
use discmaster_mmc::{Command, Sense};

use crate::dispatch::{Failure, Request, Response};
use crate::speed;
use crate::unit::Unit;

/// SET CD SPEED speed field value meaning "the maximum".
const SPEED_MAXIMUM: u16 = 0xFFFF;
/// Byte offsets in the SET STREAMING performance descriptor (for field pointers).
const FIELD_END_LBA: u16 = 8;
const FIELD_WRITE_TIME: u16 = 24;

/// `ACh GET PERFORMANCE`: type 00h — one nominal descriptor over the whole medium, read:
/// the read speed; write: the selected write speed, halved on BD with spare areas (verify
/// after write); exception lists (Except ≠ 0) are empty — and type 03h — one write speed
/// descriptor per rated speed, fastest first (end LBA = capacity − 1, CLV, the read speed).
///
/// # Errors (sense)
/// 5/24/00 (byte 10) for other types.
pub(crate) fn get_performance(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = GetPerformance::from_cdb(req.cdb)?;
    let requested = unit.drive.requested_write_speed_kbps;
    let m = &unit.loaded_mut()?.medium;
    let read_kbps = speed::read_speed_kbps(m.kind);
    let end_lba = m.capacity_blocks.saturating_sub(1);
    let data = match cmd.performance_type {
        PERFORMANCE_TYPE_PERFORMANCE => {
            let selected = speed::selected_write_speed_kbps(m.kind, requested);
            let write_kbps = if m.spare_blocks > 0 {
                selected / 2
            } else {
                selected
            };
            let kbps = if cmd.write() { write_kbps } else { read_kbps };
            let nominal = cmd.except() == 0;
            let descriptors = if nominal {
                vec![PerformanceDescriptor {
                    start_lba: 0,
                    start_performance_kbps: kbps,
                    end_lba,
                    end_performance_kbps: kbps,
                }]
            } else {
                Vec::new()
            };
            PerformanceDescriptor::emit_all(cmd.write(), !nominal, &descriptors)
        }
        PERFORMANCE_TYPE_WRITE_SPEED => {
            let descriptors: Vec<WriteSpeedDescriptor> = speed::write_speeds_kbps(m.kind)
                .iter()
                .map(|&w| WriteSpeedDescriptor {
                    rotation_control: 0,
                    rdd: false,
                    exact: false,
                    mrw: false,
                    end_lba,
                    read_speed_kbps: read_kbps,
                    write_speed_kbps: w,
                })
                .collect();
            WriteSpeedDescriptor::emit_all(&descriptors)
        }
        _ => return Err(Failure::cdb_field(10, None)),
    };
    Ok(Response::DataIn(data))
}

/// Remembers the host's write speed request in `drive.json`.
fn request_write_speed(unit: &mut Unit, requested: Option<u32>) -> Result<(), Failure> {
    if unit.drive.requested_write_speed_kbps != requested {
        unit.drive.requested_write_speed_kbps = requested;
        unit.store.save_drive(&unit.drive)?;
    }
    Ok(())
}

/// `B6h SET STREAMING` with a type 0 performance descriptor: the write speed requested is
/// write size × 1000 / write time (kB/s); RDD restores the maximum; a descriptor with write
/// size and time 0 leaves the write speed alone (read-only requests). The request is kept and
/// rounded down per medium.
///
/// # Errors (sense)
/// 5/24/00 (byte 8) for another type; 5/1A/00 when the data-out is shorter than the parameter
/// list length or the list is shorter than a descriptor; 5/26/00 when the end LBA precedes
/// the start LBA (byte 8) or a write size comes with write time 0 (byte 24).
pub(crate) fn set_streaming(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = SetStreaming::from_cdb(req.cdb)?;
    if cmd.streaming_type != 0 {
        return Err(Failure::cdb_field(8, None));
    }
    let len = usize::from(cmd.parameter_list_length);
    if len == 0 {
        return Ok(Response::Consumed(0));
    }
    let list = req
        .data_out
        .get(..len)
        .ok_or(Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
    let d = StreamingDescriptor::parse(list)
        .map_err(|_| Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
    if d.rdd {
        request_write_speed(unit, None)?;
        return Ok(Response::Consumed(len));
    }
    if d.end_lba < d.start_lba {
        return Err(Failure::parameter_field(FIELD_END_LBA, None));
    }
    match (d.write_size_kb, d.write_time_ms) {
        (0, 0) => {}
        (_, 0) => return Err(Failure::parameter_field(FIELD_WRITE_TIME, None)),
        (size, time) => {
            let kbps = u64::from(size) * 1000 / u64::from(time);
            request_write_speed(unit, Some(u32::try_from(kbps).unwrap_or(u32::MAX)))?;
        }
    }
    Ok(Response::Consumed(len))
}

/// `BBh SET CD SPEED`: the write speed field (kB/s, FFFFh = maximum) becomes the request,
/// rounded down per medium; the read speed and rotation control are accepted (reads run at the
/// read speed, rotation is always CLV).
pub(crate) fn set_cd_speed(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = SetCdSpeed::from_cdb(req.cdb)?;
    let requested = match cmd.write_speed_kbps {
        SPEED_MAXIMUM => None,
        kbps => Some(u32::from(kbps)),
    };
    request_write_speed(unit, requested)?;
    Ok(Response::Done)
}
