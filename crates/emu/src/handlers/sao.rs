//! Session-at-once (SAO) recording on CD-R/RW: `5Dh SEND CUE SHEET` and WRITE(10) with page
//! 05h write type 2.
//!
//! Model (choices where MMC leaves the drive free):
//! * SEND CUE SHEET is accepted on a blank CD-R/RW with write type 2 and Test Write off; a
//!   new sheet may replace one whose session has not started. The sheet becomes the lead-in
//!   TOC of a recording kept in the same state as RAW writing (`raw` module: `medium.raw`
//!   holds 2352 + 96 bytes per block), so READ TOC, READ CD, READ(10) and the session close
//!   work as for a RAW-written disc.
//! * Supported forms: lead-in and lead-out 01h / 14h / 24h (drive-generated, no sub-channel
//!   form: CD-Text lead-in 41h is refused); program area 00h (CD-DA, 2352 host bytes), 10h
//!   (Mode 1, 2048 host bytes) and 11h (Mode 1, 2352 host bytes, sync/header/EDC/ECC
//!   regenerated), sub-channel form 00b only. Track 1 starts at 00:00:00 (its pregap, LBA
//!   −150) and its index 01 at 00:02:00 or later; tracks with index ≥ 01 in an audio form must
//!   have an audio CTL and vice versa. ADR 2/3 entries (MCN, ISRC) are accepted and ignored.
//! * The host writes contiguously from −150 to the block before the lead-out; the drive makes
//!   sync/header/EDC/ECC of Mode 1 blocks and P/Q from the cue layout (P on in index 00, Q the
//!   ADR 1 position with the entry's CTL). The block size of each block follows the cue form
//!   of its region; page 05h's data block type is ignored (`mmc.md` §2.2: "SAO (ignored: cue
//!   sheet rules)").
//! * SYNCHRONIZE CACHE after the last block writes the lead-out and closes the session; the
//!   disc is complete (no multi-session SAO).
//!
//! Spec: `mmc.md` §1.17, §2.2, §6.2, §6.4, §6.5.

use discmaster_cd::scrambler;
use discmaster_cd::sector::{self, SECTOR_BYTES};
use discmaster_cd::subchannel::{self, Control, QContent, QFrame, SUBCHANNEL_BYTES};
use discmaster_core::{Lba, Msf};
use discmaster_mmc::commands::Write10;
use discmaster_mmc::sao_commands::{
    CueSheet, CueSheetEntry, MainDataForm, SendCueSheet, LEAD_IN_TNO, LEAD_OUT_TNO,
};
use discmaster_mmc::{Command, DataBlockType, ParseError, Sense, WriteType};

use crate::dispatch::{Failure, Request, Response};
use crate::handlers::cd;
use crate::media::MediaKind;
use crate::model::DiscState;
use crate::pages;
use crate::raw::{RawCd, RawPhase, RawTocEntry, FIRST_PREGAP, STORED_BLOCK_BYTES};
use crate::unit::Unit;

/// Bytes of the Mode 1 user data inside a 2352-byte sector (after sync and header).
const MODE1_USER_RANGE: std::ops::Range<usize> = 16..16 + sector::MODE1_USER_BYTES;

/// One program-area or lead-out region of a cue sheet: an ADR 1 entry with its LBA.
#[derive(Debug, Clone, Copy)]
struct Region {
    entry: CueSheetEntry,
    start: i32,
}

/// The ADR 1 entries after the lead-in with their start LBAs.
fn regions(sheet: &CueSheet) -> Vec<Region> {
    sheet
        .time_entries()
        .filter(|e| e.tno() != LEAD_IN_TNO)
        .filter_map(|&entry| {
            entry.msf().map(|m| Region {
                entry,
                start: m.to_lba().0,
            })
        })
        .collect()
}

/// Whether `form` is one the drive generates for the lead-in or lead-out.
fn is_generated(form: MainDataForm) -> bool {
    matches!(
        form,
        MainDataForm::AudioGenerated | MainDataForm::Mode1Generated | MainDataForm::XaGenerated
    )
}

/// Checks the parsed sheet against what this drive supports (see the module doc) and
/// returns the lead-in TOC it implies.
///
/// # Errors
/// 5/26/00 with the field pointer of the first unsupported byte.
fn lead_in_toc(
    sheet: &CueSheet,
    session_format: u8,
    capacity: u32,
) -> Result<Vec<RawTocEntry>, Failure> {
    let field = |at: usize, byte: usize| {
        Failure::parameter_field(u16::try_from(at + byte).unwrap_or(u16::MAX), None)
    };
    let mut tracks: Vec<(u8, u8, [u8; 3])> = Vec::new();
    let mut lead_out: Option<(u8, [u8; 3])> = None;
    let mut first_program_entry = true;
    for (k, e) in sheet.entries.iter().enumerate() {
        let at = k * 8;
        if e.adr() != 1 {
            continue;
        }
        let form = e.main_form();
        let msf = e.msf().ok_or_else(|| field(at, 5))?;
        if e.subchannel_form() != 0 {
            return Err(field(at, 3));
        }
        match e.tno() {
            LEAD_IN_TNO | LEAD_OUT_TNO => {
                if !is_generated(form) {
                    return Err(field(at, 3));
                }
                if e.tno() == LEAD_OUT_TNO {
                    if msf.to_lba().0 > i32::try_from(capacity).unwrap_or(i32::MAX) {
                        return Err(field(at, 5));
                    }
                    let control = tracks.last().map_or(e.control(), |t| t.1);
                    lead_out = Some((control, [msf.minute, msf.second, msf.frame]));
                }
            }
            tno => {
                let audio_form = match form {
                    MainDataForm::Audio => true,
                    MainDataForm::Mode1 | MainDataForm::Mode1Raw => false,
                    _ => return Err(field(at, 3)),
                };
                if first_program_entry && msf.to_lba().0 != FIRST_PREGAP {
                    return Err(field(at, 5));
                }
                first_program_entry = false;
                if e.index() >= 1 && audio_form != (e.control() & 0x04 == 0) {
                    return Err(field(at, 0));
                }
                if e.index() == 1 {
                    if msf.to_lba().0 < 0 {
                        return Err(field(at, 5));
                    }
                    tracks.push((tno, e.control(), [msf.minute, msf.second, msf.frame]));
                }
            }
        }
    }
    let (Some(first), Some(last), Some((lead_out_control, lead_out))) =
        (tracks.first(), tracks.last(), lead_out)
    else {
        return Err(field(sheet.entries.len() * 8, 0));
    };
    let entry = |control: u8, point: u8, pointer: [u8; 3]| RawTocEntry {
        adr: 1,
        control,
        point,
        time: [0; 3],
        zero: 0,
        pointer,
    };
    let mut toc = vec![
        entry(first.1, 0xA0, [first.0, session_format, 0]),
        entry(last.1, 0xA1, [last.0, 0, 0]),
        entry(lead_out_control, 0xA2, lead_out),
    ];
    toc.extend(
        tracks
            .iter()
            .map(|&(tno, control, p)| entry(control, tno, p)),
    );
    Ok(toc)
}

/// `5Dh SEND CUE SHEET`: see the module doc.
///
/// # Errors (sense)
/// 5/1A/00 when the data-out is shorter than the cue sheet size or the size is 0; 5/30/00 on
/// media that are not CD-R/RW; 5/2C/00 when page 05h is not write type 2, Test Write is on,
/// the disc is not blank or the session has started; 5/26/00 with the field pointer for a bad
/// or unsupported sheet.
pub(crate) fn send_cue_sheet(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = SendCueSheet::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    let len = usize::try_from(cmd.cue_sheet_size).unwrap_or(usize::MAX);
    let bytes = req
        .data_out
        .get(..len)
        .ok_or(Sense::PARAMETER_LIST_LENGTH_ERROR)?;
    let m = &mut loaded.medium;
    if !matches!(m.kind, MediaKind::CdR | MediaKind::CdRw) {
        return Err(Sense::INCOMPATIBLE_MEDIUM_INSTALLED.into());
    }
    let settings = pages::write_settings(&m.page05);
    if settings.write_type != WriteType::SessionAtOnce || settings.test_write {
        return Err(Sense::COMMAND_SEQUENCE_ERROR.into());
    }
    let unstarted_sao = m
        .raw_cd
        .as_ref()
        .is_some_and(|r| r.cue.is_some() && r.phase == RawPhase::LeadIn);
    if !(unstarted_sao || (m.raw_cd.is_none() && m.disc_status == DiscState::Blank)) {
        return Err(Sense::COMMAND_SEQUENCE_ERROR.into());
    }
    let sheet = CueSheet::parse(bytes).map_err(|e| match e {
        ParseError::Truncated { .. } => Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR),
        ParseError::InvalidField { byte, .. } => {
            Failure::parameter_field(u16::try_from(byte).unwrap_or(u16::MAX), None)
        }
    })?;
    let toc = lead_in_toc(&sheet, pages::session_format(&m.page05), m.capacity_blocks)?;
    let cue = sheet.entries.iter().map(|e| e.raw).collect();
    m.raw_cd = None;
    m.refresh();
    m.raw_cd = Some(RawCd::session_at_once(m.atip_lead_in_start, toc, cue));
    m.refresh();
    unit.commit_structure()?;
    Ok(Response::Consumed(len))
}

/// The stored block (2352 main channel, data descrambled, + 96 raw P–W) the drive records at
/// `lba` of `region` from the host's `host` bytes, as a RAW block (main channel scrambled for
/// data sectors) for [`RawCd::accept`].
fn generate_block(
    lba: i32,
    region: &Region,
    track_start: i32,
    host: &[u8],
) -> Option<[u8; STORED_BLOCK_BYTES]> {
    let absolute = Msf::from_lba(Lba(lba))?;
    let e = &region.entry;
    let mut main = [0u8; SECTOR_BYTES];
    match e.main_form() {
        MainDataForm::Audio => main.copy_from_slice(host.get(..SECTOR_BYTES)?),
        MainDataForm::Mode1 | MainDataForm::Mode1Raw => {
            let user_bytes = if e.main_form() == MainDataForm::Mode1 {
                host.get(..sector::MODE1_USER_BYTES)?
            } else {
                host.get(MODE1_USER_RANGE)?
            };
            let mut user = [0u8; sector::MODE1_USER_BYTES];
            user.copy_from_slice(user_bytes);
            main = sector::mode1(absolute, &user);
            scrambler::scramble(&mut main);
        }
        _ => return None,
    }
    let relative = (i64::from(track_start) - i64::from(lba)).abs();
    let q = QFrame {
        control: Control(e.control()),
        content: QContent::Position {
            track: e.tno(),
            index: e.index(),
            relative: cd::frames_msf(relative),
            absolute,
        },
    }
    .emit();
    let sub = subchannel::raw_from_parts(e.index() == 0, &q, &[0; SUBCHANNEL_BYTES]);
    let mut out = [0u8; STORED_BLOCK_BYTES];
    out[..SECTOR_BYTES].copy_from_slice(&main);
    out[SECTOR_BYTES..].copy_from_slice(&sub);
    Some(out)
}

/// `2Ah WRITE(10)` with write type 2 on CD: `transfer_length` blocks from the next block of
/// the session (−150 first), each of the size its cue region's form asks for.
///
/// # Errors (sense)
/// 5/2C/00 without a cue sheet (or after the session closed); 5/21/02 off the next block;
/// 5/21/00 for blocks at or past the lead-out; 5/24/00 when the data-out length does not
/// match the blocks' forms; 5/64/00 when the generated block is refused (a model bug). A
/// refused WRITE stores nothing.
pub(crate) fn write_sao(
    unit: &mut Unit,
    cmd: &Write10,
    data_out: &[u8],
) -> Result<Response, Failure> {
    let loaded = unit.loaded_mut()?;
    let m = &loaded.medium;
    let capacity = i32::try_from(m.capacity_blocks).unwrap_or(i32::MAX);
    let Some(mut state) = m
        .raw_cd
        .clone()
        .filter(|r| r.cue.is_some() && matches!(r.phase, RawPhase::LeadIn | RawPhase::Program))
    else {
        return Err(Sense::COMMAND_SEQUENCE_ERROR.into());
    };
    let nwa = state.next;
    if cmd.lba.0 != nwa {
        return Err(Sense::INVALID_ADDRESS_FOR_WRITE.into());
    }
    let sheet = CueSheet {
        entries: state
            .cue
            .iter()
            .flatten()
            .map(|&raw| CueSheetEntry { raw })
            .collect(),
    };
    let regions = regions(&sheet);
    let phase_before = state.phase;
    let blocks = usize::from(cmd.transfer_length);
    // First pass: the host bytes of every block, so a bad length stores nothing.
    let mut plan = Vec::with_capacity(blocks);
    let mut pos = 0usize;
    for k in 0..blocks {
        let lba = nwa.saturating_add(k as i32);
        let region = regions
            .iter()
            .rev()
            .find(|r| r.start <= lba)
            .filter(|r| r.entry.tno() != LEAD_OUT_TNO)
            .ok_or(Sense::LBA_OUT_OF_RANGE)?;
        let n = region
            .entry
            .main_form()
            .host_bytes()
            .ok_or(Sense::ILLEGAL_MODE_FOR_THIS_TRACK)?;
        plan.push((lba, *region, pos, n));
        pos += n;
    }
    if pos != data_out.len() {
        return Err(Failure::cdb_field(7, None));
    }
    if blocks == 0 {
        return Ok(Response::Done);
    }
    let mut stored = Vec::with_capacity(blocks * STORED_BLOCK_BYTES);
    for (lba, region, at, n) in plan {
        let track_start = regions
            .iter()
            .find(|r| r.entry.tno() == region.entry.tno() && r.entry.index() == 1)
            .map_or(region.start, |r| r.start);
        let host = data_out
            .get(at..at + n)
            .ok_or(Failure::cdb_field(7, None))?;
        let block = generate_block(lba, &region, track_start, host)
            .ok_or(Sense::ILLEGAL_MODE_FOR_THIS_TRACK)?;
        stored.extend_from_slice(&state.accept(lba, DataBlockType::RawPwRaw, &block, capacity)?);
    }
    cd::store_raw(
        unit,
        state,
        phase_before,
        nwa,
        &stored,
        blocks,
        data_out.len(),
    )
}
