//! CD writing with write type 3 (RAW): the host sends every block from the ATIP lead-in start
//! to the end of the lead-out, main channel and sub-channel, and the drive records it as is.
//! This module checks each block, decodes what the disc will say about itself (the lead-in Q
//! TOC, track and index boundaries, ISRC, MCN, CD-Text) and closes the session. No IO here:
//! the WRITE handler stores the normalized blocks this module returns in `medium.raw`.
//!
//! Rules (model choices where MMC leaves the drive free):
//! * Page 05h write type 3 with data block type 1 (2368 = 2352 + 16-byte PQ), 2 (2448 = 2352 +
//!   packed R–W carrying P in b7 and Q in b6 of every byte, as cdrecord sends it; a drive in
//!   RAW mode cannot make up Q itself) or 3 (2448 = 2352 + raw interleaved P–W); which of them
//!   the drive accepts is configured per drive (`drive.json` `raw_data_block_types`).
//! * RAW writing starts on a blank disc at the ATIP lead-in start (the NWA READ TRACK
//!   INFORMATION reports, `mmc.md` §1.10) and goes on contiguously; any other address is
//!   5/21/02. Only one session: RAW on an appendable disc is 5/21/02.
//! * Every block is checked before any of a WRITE is stored (a refused WRITE changes nothing):
//!   - the Q CRC (DBT 2/3: as on disc, i.e. inverted; DBT 1: inverted or not, `mmc.md` §7
//!     question 3) and a parseable Q frame;
//!   - blocks before LBA −150 carry lead-in Q (ADR 1 TNO 0, or ADR 5), later blocks carry
//!     program-area / lead-out Q whose absolute time is the block's own address;
//!   - the lead-in TOC (A0, A1, A2 and every track point between them) is complete and
//!     consistent when the first program-area block arrives (track starts increasing, the
//!     lead-out after the last track and not past the last possible lead-out start);
//!   - index 01 of each track starts where the TOC says, tracks and indexes only increase, the
//!     lead-out (TNO AAh) starts at A2;
//!   - a main channel beginning with the sync pattern is a data sector and must arrive
//!     **scrambled** (`mmc.md` §4.5, §7 question 1): descrambled, it must pass sync, header
//!     (its address = the block's), mode, EDC and ECC (`discmaster_cd::sector::verify`); in a
//!     data track (Q CONTROL 4h) every block from index 01 on must be such a sector; audio is
//!     stored as sent. Lead-in main-channel data is descrambled but not checked (writers put
//!     different headers there, `mmc.md` §4.2).
//! * Bad data from the host is answered with **5/64/00 ILLEGAL MODE FOR THIS TRACK** and the
//!   LBA of the first bad block in INFORMATION. A real drive writing raw does not verify; the
//!   emulator does so that a host bug shows up. The ILLEGAL REQUEST class says "your request is
//!   wrong", which is the truth here: 3/0C/00 WRITE ERROR would blame the medium (hosts retry
//!   or give up on the disc), and 5/26/00 belongs to parameter lists (MODE SELECT, cue
//!   sheets), not to WRITE data. 64/00 is what drives give when the data of a WRITE does not
//!   fit the track it goes to (`mmc.md` §1.21, §3.4). A program-area block past the last
//!   possible lead-out start, or a write past the end of the lead-out area, is 5/21/00.
//! * The session closes at SYNCHRONIZE CACHE once at least 6 750 lead-out blocks (1 min 30 s,
//!   the first session's lead-out, `mmc.md` §4.1) have been written; SYNCHRONIZE CACHE before
//!   that is GOOD and changes nothing (the host may go on writing). Seeing TNO AAh alone does
//!   not close: the drive would cut the lead-out short. The closed disc is complete (no next
//!   session): tracks from the lead-in TOC, each running to the next track's index 01.
//! * Storage: per block 2352 bytes of main channel (data sectors descrambled) and 96 bytes of
//!   raw P–W (DBT 1: R–W zero, the PQ CRC normalized to the on-disc form; DBT 2: the packed
//!   R–W symbols taken as they are — right for CD-Text in the lead-in, which is not
//!   interleaved; program-area CD+G interleaving is not modelled).
//!
//! Spec: `mmc.md` §1.10, §1.21, §1.23, §2.2, §4.1–§4.9, §7 questions 1, 3, 4.

use discmaster_cd::cdtext::{self, CdText, CdTextError, Pack};
use discmaster_cd::scrambler;
use discmaster_cd::sector::{self, SectorKind, SECTOR_BYTES};
use discmaster_cd::subchannel::{
    self, Control, Pq16Crc, QContent, QFrame, TocEntry, LEAD_OUT_TRACK, PQ16_BYTES, Q_FRAME_BYTES,
    SUBCHANNEL_BYTES,
};
use discmaster_core::{Lba, Msf};
use discmaster_mmc::cd_commands::SectorLayout;
use discmaster_mmc::{DataBlockType, Sense};
use serde::{Deserialize, Serialize};

use crate::dispatch::{Check, Failure};
use crate::model::hex_bytes;

/// Bytes per block in `medium.raw`: 2352 main channel + 96 raw P–W.
pub(crate) const STORED_BLOCK_BYTES: usize = SECTOR_BYTES + SUBCHANNEL_BYTES;
/// LBA of the first pregap block of session 1 (00:00:00).
pub(crate) const FIRST_PREGAP: i32 = -150;
/// Lead-out blocks of the first session (1 min 30 s) required before the session closes.
pub const MIN_LEAD_OUT_BLOCKS: i32 = 6_750;
/// CD-Text pack types 80h–8Fh.
const CD_TEXT_PACK_TYPES: std::ops::RangeInclusive<u8> = 0x80..=0x8F;

/// One lead-in TOC entry as decoded from Q, values binary (as READ TOC format 2 reports them).
///
/// Shape: ADR 1 entries: POINT 1–99 (track, PMIN PSEC PFRAME = its index 01 start), A0h
/// (PMIN = first track, PSEC = disc type), A1h (PMIN = last track), A2h (lead-out start);
/// MIN SEC FRAME and ZERO are 0. Other ADRs (5: B0h, C0h …): every field as recorded, BCD
/// values converted to binary.
///
/// Spec: `mmc.md` §1.12 (format 2), §4.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawTocEntry {
    /// ADR nibble.
    pub adr: u8,
    /// CONTROL nibble.
    pub control: u8,
    /// POINT (binary track number 1–99, or A0h …).
    pub point: u8,
    /// MIN SEC FRAME.
    pub time: [u8; 3],
    /// ZERO byte.
    pub zero: u8,
    /// PMIN PSEC PFRAME.
    pub pointer: [u8; 3],
}

/// One track as seen in the program-area Q of a RAW-written CD.
///
/// Units: LBAs.
///
/// Spec: `mmc.md` §4.6 (ADR 1 TNO/INDEX, ADR 3 ISRC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawCdTrack {
    /// Track number 1–99.
    pub number: u8,
    /// Q CONTROL nibble of the track.
    pub control: u8,
    /// First block of index 00 (pregap), `None` without a pregap.
    pub pregap_start: Option<i32>,
    /// First block of index 01.
    pub start: Option<i32>,
    /// First blocks of index 02, 03, … in order.
    pub index_starts: Vec<i32>,
    /// ISRC from ADR 3 frames.
    pub isrc: Option<String>,
}

/// What the emulator decoded from a CD written in RAW mode (kept in `medium.json` as
/// `raw_cd.info`).
///
/// Spec: `mmc.md` §4.6, §4.7, §4.9.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawCdInfo {
    /// Lead-in TOC entries, ordered A0h, A1h, A2h, tracks, then other points.
    pub toc: Vec<RawTocEntry>,
    /// Tracks in the order the program area presented them.
    pub tracks: Vec<RawCdTrack>,
    /// Media catalogue number from ADR 2 frames.
    pub mcn: Option<String>,
    /// First block with TNO AAh.
    pub lead_out_start: Option<i32>,
    /// CD-Text packs from the lead-in R–W with a valid CRC, 18 bytes each, sorted by block
    /// and sequence number.
    #[serde(with = "hex_bytes", default)]
    pub cd_text_packs: Vec<u8>,
}

impl RawCdInfo {
    /// The CD-Text packs, 18 bytes each.
    pub fn packs(&self) -> Vec<[u8; cdtext::PACK_BYTES]> {
        self.cd_text_packs
            .chunks_exact(cdtext::PACK_BYTES)
            .filter_map(|c| <[u8; cdtext::PACK_BYTES]>::try_from(c).ok())
            .collect()
    }

    /// The decoded CD-Text, `None` when the lead-in carried none.
    ///
    /// # Errors
    /// [`CdTextError`] when the packs do not form valid CD-Text.
    pub fn cd_text(&self) -> Option<Result<CdText, CdTextError>> {
        let packs: Vec<Pack> = self.packs().into_iter().map(Pack).collect();
        (!packs.is_empty()).then(|| CdText::decode(&packs))
    }

    /// The ADR 1 entry with POINT `point`.
    fn entry(&self, point: u8) -> Option<&RawTocEntry> {
        self.toc.iter().find(|e| e.adr == 1 && e.point == point)
    }

    /// First and last track number (A0h, A1h PMIN).
    pub fn track_range(&self) -> Option<(u8, u8)> {
        Some((self.entry(0xA0)?.pointer[0], self.entry(0xA1)?.pointer[0]))
    }

    /// Start (index 01) of track `number` from the TOC.
    pub fn track_start(&self, number: u8) -> Option<Lba> {
        self.entry(number).and_then(|e| msf_lba(e.pointer))
    }

    /// Lead-out start from the TOC (A2h).
    pub fn toc_lead_out(&self) -> Option<Lba> {
        self.entry(0xA2).and_then(|e| msf_lba(e.pointer))
    }
}

/// A binary M S F triple as an LBA (program-area mapping below minute 90).
fn msf_lba(p: [u8; 3]) -> Option<Lba> {
    Msf::new(p[0], p[1], p[2]).map(Msf::to_lba)
}

/// Where RAW writing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawPhase {
    /// Lead-in blocks so far.
    LeadIn,
    /// The program area has started.
    Program,
    /// The lead-out has started.
    LeadOut,
    /// The session is closed; nothing more can be written.
    Closed,
}

/// The RAW recording state of a CD (in `medium.json` as `raw_cd`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RawCd {
    /// LBA of the first block of `medium.raw` (the ATIP lead-in start).
    pub store_start: i32,
    /// The next LBA the host must write.
    pub next: i32,
    /// Phase.
    pub phase: RawPhase,
    /// Last (track, index) seen in the program area.
    pub position: Option<(u8, u8)>,
    /// What was decoded.
    pub info: RawCdInfo,
    /// Session-at-once recording: the cue sheet (8-byte entries) the drive generates the
    /// blocks from (the `sao` module); absent for RAW recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<Vec<[u8; 8]>>,
}

/// Why a RAW block was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawError {
    /// Bad data from the host: 5/64/00 with the LBA.
    BadBlock(i32),
    /// Past the medium: 5/21/00 with the LBA.
    OutOfRange(i32),
}

impl From<RawError> for Failure {
    fn from(e: RawError) -> Failure {
        let (sense, lba) = match e {
            RawError::BadBlock(l) => (Sense::ILLEGAL_MODE_FOR_THIS_TRACK, l),
            RawError::OutOfRange(l) => (Sense::LBA_OUT_OF_RANGE, l),
        };
        Failure::Check(Check {
            sense,
            information: Some(lba as u32),
            sks: None,
        })
    }
}

/// Bytes per WRITE block of a RAW data block type, `None` for the types RAW does not take.
///
/// Units: bytes.
pub(crate) fn block_bytes(dbt: DataBlockType) -> Option<usize> {
    match dbt {
        DataBlockType::RawPq => Some(SECTOR_BYTES + PQ16_BYTES),
        DataBlockType::RawPwPacked | DataBlockType::RawPwRaw => {
            Some(SECTOR_BYTES + SUBCHANNEL_BYTES)
        }
        _ => None,
    }
}

/// Raw P–W and the parsed Q of a block's sub-channel bytes, `None` for a bad Q.
fn subchannel_of(dbt: DataBlockType, sub: &[u8]) -> Option<([u8; SUBCHANNEL_BYTES], QFrame)> {
    match dbt {
        DataBlockType::RawPq => {
            let pq: &[u8; PQ16_BYTES] = sub.try_into().ok()?;
            [Pq16Crc::AsOnDisc, Pq16Crc::NotInverted]
                .into_iter()
                .find_map(|crc| {
                    let (q, p) = subchannel::q_from_pq16(pq, crc);
                    let frame = QFrame::parse(&q).ok()?;
                    Some((
                        subchannel::raw_from_parts(p, &q, &[0; SUBCHANNEL_BYTES]),
                        frame,
                    ))
                })
        }
        DataBlockType::RawPwPacked => {
            let packed: &[u8; SUBCHANNEL_BYTES] = sub.try_into().ok()?;
            let q = subchannel::q_from_raw(packed);
            let frame = QFrame::parse(&q).ok()?;
            let p = subchannel::p_from_raw(packed);
            Some((subchannel::raw_from_packed(packed, p, &q), frame))
        }
        DataBlockType::RawPwRaw => {
            let raw: &[u8; SUBCHANNEL_BYTES] = sub.try_into().ok()?;
            let frame = QFrame::parse(&subchannel::q_from_raw(raw)).ok()?;
            Some((*raw, frame))
        }
        _ => None,
    }
}

/// BCD byte to binary, the byte itself when it is not BCD.
fn bcd_or_raw(b: u8) -> u8 {
    sector::from_bcd(b).unwrap_or(b)
}

/// The lead-in TOC entry a Q frame carries, `None` when it is not a lead-in frame.
fn toc_entry_of(frame: &QFrame) -> Option<RawTocEntry> {
    let control = frame.control.0 & 0x0F;
    let msf = |m: Msf| [m.minute, m.second, m.frame];
    match frame.content {
        QContent::LeadIn { entry, .. } => {
            let (point, pointer) = match entry {
                TocEntry::Track { number, start } => (number, msf(start)),
                TocEntry::FirstTrack { number, disc_type } => (0xA0, [number, disc_type.0, 0]),
                TocEntry::LastTrack { number } => (0xA1, [number, 0, 0]),
                TocEntry::LeadOut { start } => (0xA2, msf(start)),
                TocEntry::Other { point, pointer } => (point, pointer.map(bcd_or_raw)),
            };
            Some(RawTocEntry {
                adr: 1,
                control,
                point,
                time: [0; 3],
                zero: 0,
                pointer,
            })
        }
        // ADR 5 (and other special ADRs) in the lead-in: TNO 0, POINT, times in BCD.
        QContent::Other { adr, payload } if adr != 1 && payload[0] == 0 => Some(RawTocEntry {
            adr,
            control,
            point: payload[1],
            time: [payload[2], payload[3], payload[4]].map(bcd_or_raw),
            zero: bcd_or_raw(payload[5]),
            pointer: [payload[6], payload[7], payload[8]].map(bcd_or_raw),
        }),
        _ => None,
    }
}

/// Sort key of a TOC entry: A0h, A1h, A2h, tracks, then other points.
fn toc_order(e: &RawTocEntry) -> (u8, u8, u8) {
    match (e.adr, e.point) {
        (1, 0xA0..=0xA2) => (0, e.point, 0),
        (1, 1..=99) => (1, e.point, 0),
        _ => (2, e.point, e.adr),
    }
}

impl RawCd {
    /// A new RAW recording starting at the lead-in start `lead_in_start`.
    pub fn new(lead_in_start: i32) -> RawCd {
        RawCd {
            store_start: lead_in_start,
            next: lead_in_start,
            phase: RawPhase::LeadIn,
            position: None,
            info: RawCdInfo::default(),
            cue: None,
        }
    }

    /// A session-at-once recording on a blank disc: the lead-in TOC `toc` comes from the cue
    /// sheet `cue` (the drive writes the lead-in itself), the host writes from −150.
    pub fn session_at_once(lead_in_start: i32, toc: Vec<RawTocEntry>, cue: Vec<[u8; 8]>) -> RawCd {
        let mut r = RawCd::new(lead_in_start);
        r.next = FIRST_PREGAP;
        r.info.toc = toc;
        r.info.toc.sort_by_key(toc_order);
        r.cue = Some(cue);
        r
    }

    /// Session at once: once the host has written every block up to the lead-out start, the
    /// drive writes the lead-out itself (not stored: the lead-out is not readable). Returns
    /// true when the lead-out was written now.
    pub fn finish_session_at_once(&mut self) -> bool {
        let lead_out = self.info.toc_lead_out();
        if self.cue.is_none() || self.phase != RawPhase::Program || lead_out != Some(Lba(self.next))
        {
            return false;
        }
        self.phase = RawPhase::LeadOut;
        self.info.lead_out_start = Some(self.next);
        self.next = self.next.saturating_add(MIN_LEAD_OUT_BLOCKS);
        true
    }

    /// Byte offset of `lba` in `medium.raw`, `None` before the store.
    pub fn offset(&self, lba: i32) -> Option<u64> {
        let k = u64::try_from(i64::from(lba) - i64::from(self.store_start)).ok()?;
        Some(k * STORED_BLOCK_BYTES as u64)
    }

    /// Whether `lba` holds a block READ CD may return: written, from the first pregap on and
    /// before the lead-out.
    pub fn readable(&self, lba: i64) -> bool {
        let end = self
            .info
            .lead_out_start
            .map_or(i64::from(self.next), i64::from)
            .min(i64::from(self.next));
        i64::from(FIRST_PREGAP) <= lba && lba < end
    }

    /// Checks `block` (one WRITE block of data block type `dbt`) written at `lba` — which
    /// must be [`RawCd::next`] — updates the decoded state, and returns the block as stored
    /// (2352 main-channel bytes, data descrambled, then 96 bytes raw P–W). `capacity` is the
    /// last possible lead-out start.
    ///
    /// # Errors
    /// [`RawError::BadBlock`] for data the rules of the module doc refuse;
    /// [`RawError::OutOfRange`] for a program-area block (or lead-out) past `capacity`.
    pub fn accept(
        &mut self,
        lba: i32,
        dbt: DataBlockType,
        block: &[u8],
        capacity: i32,
    ) -> Result<[u8; STORED_BLOCK_BYTES], RawError> {
        let bad = RawError::BadBlock(lba);
        let (main, sub) = match (block.get(..SECTOR_BYTES), block.get(SECTOR_BYTES..)) {
            (Some(m), Some(s)) => (m, s),
            _ => return Err(bad),
        };
        let mut main: [u8; SECTOR_BYTES] = main.try_into().map_err(|_| bad)?;
        let (raw, frame) = subchannel_of(dbt, sub).ok_or(bad)?;
        let has_sync = main[..12] == sector::SYNC;

        if lba < FIRST_PREGAP {
            let entry = toc_entry_of(&frame).ok_or(bad)?;
            self.add_toc_entry(entry).map_err(|()| bad)?;
            self.collect_cd_text(&raw);
            if has_sync {
                scrambler::descramble(&mut main);
            }
        } else {
            if self.phase == RawPhase::LeadIn {
                self.start_program_area(lba, capacity)?;
            }
            let data_track = frame.control.contains(Control::DATA);
            self.follow_program_q(lba, &frame, capacity)?;
            if data_track && has_sync {
                scrambler::descramble(&mut main);
                sector::verify(&main).map_err(|_| bad)?;
                let header = sector::Header::parse([main[12], main[13], main[14], main[15]])
                    .map_err(|_| bad)?;
                if Some(header.address) != Msf::from_lba(Lba(lba)) {
                    return Err(bad);
                }
            } else if data_track {
                // Index 00 may carry the previous track's (audio) mode; the lead-out of a data
                // disc may be left without sync by some writers.
                let in_pregap = matches!(self.position, Some((_, 0)));
                if !(in_pregap || self.phase == RawPhase::LeadOut) {
                    return Err(bad);
                }
            }
        }
        self.next = lba.saturating_add(1);
        let mut out = [0u8; STORED_BLOCK_BYTES];
        out[..SECTOR_BYTES].copy_from_slice(&main);
        out[SECTOR_BYTES..].copy_from_slice(&raw);
        Ok(out)
    }

    /// Adds a lead-in entry; the same POINT must always carry the same values (ADR 1).
    fn add_toc_entry(&mut self, entry: RawTocEntry) -> Result<(), ()> {
        match self
            .info
            .toc
            .iter()
            .find(|e| e.adr == entry.adr && e.point == entry.point)
        {
            Some(known) if entry.adr == 1 && *known != entry => Err(()),
            Some(_) => Ok(()),
            None => {
                self.info.toc.push(entry);
                self.info.toc.sort_by_key(toc_order);
                Ok(())
            }
        }
    }

    /// Keeps the valid CD-Text packs carried in the R–W of a lead-in block.
    fn collect_cd_text(&mut self, raw: &[u8; SUBCHANNEL_BYTES]) {
        let symbols = raw.map(|b| b & 0x3F);
        if symbols.iter().all(|&s| s == 0) {
            return;
        }
        for pack in cdtext::packs_from_symbols(&symbols) {
            if !pack.crc_ok() || !CD_TEXT_PACK_TYPES.contains(&pack.0[0]) {
                continue;
            }
            let known = self
                .info
                .cd_text_packs
                .chunks_exact(cdtext::PACK_BYTES)
                .any(|p| p == pack.0);
            if !known {
                self.info.cd_text_packs.extend_from_slice(&pack.0);
            }
        }
    }

    /// The first program-area block: the lead-in TOC must be complete and consistent, the
    /// program area must start at −150.
    fn start_program_area(&mut self, lba: i32, capacity: i32) -> Result<(), RawError> {
        let bad = RawError::BadBlock(lba);
        if lba != FIRST_PREGAP {
            return Err(bad);
        }
        let (first, last) = self.info.track_range().ok_or(bad)?;
        // Session 1 starts with track 1 (Red Book); the tracks are numbered 1, 2, … on the disc.
        if first != 1 || first > last || last > 99 {
            return Err(bad);
        }
        let mut previous: Option<Lba> = None;
        for n in first..=last {
            let start = self.info.track_start(n).ok_or(bad)?;
            if start.0 < 0 || previous.is_some_and(|p| p >= start) {
                return Err(bad);
            }
            previous = Some(start);
        }
        let lead_out = self.info.toc_lead_out().ok_or(bad)?;
        if previous.is_some_and(|p| p >= lead_out) {
            return Err(bad);
        }
        if lead_out.0 > capacity {
            return Err(RawError::OutOfRange(lba));
        }
        // Keep the packs in pack order: the lead-in cycle was entered somewhere in the middle.
        let mut packs: Vec<Pack> = self.info.packs().into_iter().map(Pack).collect();
        packs.sort_by_key(|p| (p.block_number(), p.sequence_number()));
        self.info.cd_text_packs = packs.iter().flat_map(|p| p.0).collect();
        self.phase = RawPhase::Program;
        Ok(())
    }

    /// Follows a program-area or lead-out Q frame: absolute time, track and index order,
    /// index 01 at the TOC's start, lead-out at A2h, ISRC and MCN.
    fn follow_program_q(
        &mut self,
        lba: i32,
        frame: &QFrame,
        capacity: i32,
    ) -> Result<(), RawError> {
        let bad = RawError::BadBlock(lba);
        let control = frame.control.0 & 0x0F;
        match frame.content {
            QContent::Position {
                track,
                index,
                absolute,
                ..
            } => {
                if Some(absolute) != Msf::from_lba(Lba(lba)) {
                    return Err(bad);
                }
                if track == LEAD_OUT_TRACK {
                    match self.phase {
                        RawPhase::Program => {
                            if self.info.toc_lead_out() != Some(Lba(lba)) {
                                return Err(bad);
                            }
                            self.phase = RawPhase::LeadOut;
                            self.info.lead_out_start = Some(lba);
                        }
                        RawPhase::LeadOut => {}
                        RawPhase::LeadIn | RawPhase::Closed => return Err(bad),
                    }
                    return Ok(());
                }
                if self.phase != RawPhase::Program {
                    return Err(bad);
                }
                if lba >= capacity {
                    return Err(RawError::OutOfRange(lba));
                }
                let (first, last) = self.info.track_range().ok_or(bad)?;
                if !(first..=last).contains(&track) {
                    return Err(bad);
                }
                if self.position == Some((track, index)) {
                    return Ok(());
                }
                if self
                    .position
                    .is_some_and(|(t, i)| track < t || (track == t && index < i))
                {
                    return Err(bad);
                }
                if index == 1 && self.info.track_start(track) != Some(Lba(lba)) {
                    return Err(bad);
                }
                let t = match self.info.tracks.iter_mut().find(|t| t.number == track) {
                    Some(t) => t,
                    None => {
                        self.info.tracks.push(RawCdTrack {
                            number: track,
                            control,
                            pregap_start: None,
                            start: None,
                            index_starts: Vec::new(),
                            isrc: None,
                        });
                        self.info.tracks.last_mut().ok_or(bad)?
                    }
                };
                match index {
                    0 => {
                        t.pregap_start.get_or_insert(lba);
                    }
                    1 => {
                        t.start.get_or_insert(lba);
                    }
                    _ => t.index_starts.push(lba),
                }
                self.position = Some((track, index));
                Ok(())
            }
            QContent::Mcn { mcn, .. } if self.phase == RawPhase::Program => {
                self.info.mcn = Some(mcn.to_string());
                Ok(())
            }
            QContent::Isrc { isrc, .. } if self.phase == RawPhase::Program => {
                let (track, _) = self.position.ok_or(bad)?;
                let t = self
                    .info
                    .tracks
                    .iter_mut()
                    .find(|t| t.number == track)
                    .ok_or(bad)?;
                t.isrc = Some(isrc.as_str().to_string());
                Ok(())
            }
            _ => Err(bad),
        }
    }

    /// Whether SYNCHRONIZE CACHE closes the session now (lead-out long enough).
    pub fn ready_to_close(&self) -> bool {
        self.phase == RawPhase::LeadOut
            && self.info.lead_out_start.is_some_and(|start| {
                i64::from(self.next) - i64::from(start) >= i64::from(MIN_LEAD_OUT_BLOCKS)
            })
    }

    /// The tracks of the closed disc from the TOC: (number, CONTROL, start, size).
    pub fn toc_tracks(&self) -> Vec<(u8, u8, i32, u32)> {
        let (Some((first, last)), Some(lead_out)) =
            (self.info.track_range(), self.info.toc_lead_out())
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for n in first..=last {
            let (Some(e), Some(start)) = (self.info.entry(n), self.info.track_start(n)) else {
                continue;
            };
            let end = (n < last)
                .then(|| self.info.track_start(n + 1))
                .flatten()
                .unwrap_or(lead_out);
            let size = u32::try_from(i64::from(end.0) - i64::from(start.0)).unwrap_or(0);
            out.push((n, e.control, start.0, size));
        }
        out
    }
}

/// The READ CD layout of a stored block: a data sector when its Q says data and it has the
/// sync pattern (its kind from the header), audio otherwise.
pub(crate) fn stored_layout(stored: &[u8; STORED_BLOCK_BYTES]) -> SectorLayout {
    let mut raw = [0u8; SUBCHANNEL_BYTES];
    raw.copy_from_slice(&stored[SECTOR_BYTES..]);
    let q: [u8; Q_FRAME_BYTES] = subchannel::q_from_raw(&raw);
    let data = Control(q[0] >> 4).contains(Control::DATA);
    let mut main = [0u8; SECTOR_BYTES];
    main.copy_from_slice(&stored[..SECTOR_BYTES]);
    if !data {
        return SectorLayout::Audio;
    }
    match sector::classify(&main) {
        Ok((_, SectorKind::Mode0)) => SectorLayout::Mode0,
        Ok((_, SectorKind::Mode1)) => SectorLayout::Mode1,
        Ok((_, SectorKind::Mode2Formless)) => SectorLayout::Mode2Formless,
        Ok((_, SectorKind::Mode2Form1)) => SectorLayout::Mode2Form1,
        Ok((_, SectorKind::Mode2Form2)) => SectorLayout::Mode2Form2,
        Err(_) => SectorLayout::Audio,
    }
}
