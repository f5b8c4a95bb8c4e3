//! The recording model of a write-once medium: tracks, sessions, next writable addresses and
//! the rules for WRITE, RESERVE TRACK, CLOSE TRACK/SESSION and SYNCHRONIZE CACHE. No bytes and
//! no IO here: handlers translate CDBs into calls on [`Medium`] and its answers into responses.
//!
//! Invariants (checked by [`Medium::validate`] when a state file is loaded, kept by every
//! operation):
//! * tracks are numbered 1, 2, … in address order and never overlap;
//! * at most one track is [`TrackState::Invisible`], and it is the last one; it runs from its
//!   start to the end of the medium;
//! * closed sessions are 1…n; every track belongs to a closed session or to the open session
//!   n + 1 (which exists unless the disc is complete);
//! * `recorded ≤ size` for reserved and closed tracks.
//!
//! Model values (documented choices where MMC leaves the number to the drive):
//! * CD TAO: a closed data track's size includes 2 run-out blocks that cannot be read; a
//!   closed audio track (CONTROL bit 2 clear) has none. The next track of the session starts
//!   after the pregap: 150 blocks, or page 05h's audio pause length when page 05h's track mode
//!   is audio (0 = "gapless"); the pregap of an audio track is digital silence READ CD returns
//!   (index 00). SYNCHRONIZE CACHE in TAO mode closes the track (what libburn and cdrecord rely
//!   on, `mmc.md` §1.19).
//! * CD sessions: the next session's first track starts at lead-out + 11 400 after session 1
//!   and + 6 900 after later sessions (`mmc.md` §4.1, §1.10).
//! * DVD/BD: closing a track pads it to the ECC block (16) / cluster (32); the next track
//!   starts right after. The next session starts `session_gap_blocks` after the lead-out,
//!   rounded up to the ECC block: DVD±R default [`DVD_SESSION_GAP_BLOCKS`] (border-out +
//!   border-in; real media vary, a host must re-query), BD-R 0, i.e. the next cluster.
//! * A write that extends past the last block of the medium fails with 5/21/00 LBA OUT OF
//!   RANGE (`mmc.md` §1.21 allows 5/21/00 or 5/63/00; 5/63/00 is kept for reserved tracks).
//! * When no room is left for another track or session, the disc becomes complete.
//!
//! Spec: `mmc.md` §1.9–§1.11, §1.19–§1.22, §4.1, §4.7, §5.1–§5.3.

use discmaster_mmc::{CloseFunction, DataBlockType, MultiSession, Sense, WriteType};
use serde::{Deserialize, Serialize};

use crate::operation::LongOperation;
use crate::raw::{RawCd, RawPhase};
use crate::rewritable::Overwrite;
use crate::MediaKind;

/// Version of the `medium.json` layout.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// Blocks between a closed DVD±R session's lead-out and the next session's first track
/// (border-out + border-in / lead-out + intro). Model value, **UNVERIFIED** against real media
/// (`mmc.md` §5.3 says "a few thousand sectors"); kept in `medium.json` so it can be changed.
pub const DVD_SESSION_GAP_BLOCKS: u32 = 16_384;

/// CD: blocks from the first session's lead-out start to the next program area
/// (6 750 lead-out + 4 500 lead-in + 150 pregap, `mmc.md` §4.1).
const CD_FIRST_SESSION_GAP: i64 = 11_400;
/// CD: the same after later sessions (2 250 + 4 500 + 150).
const CD_LATER_SESSION_GAP: i64 = 6_900;
/// CD: pregap before every TAO track after the first of a session (blocks).
const CD_PREGAP: i64 = 150;
/// CD TAO: unreadable run-out blocks at the end of a closed track.
const CD_RUN_OUT: u32 = 2;
/// Highest track number on CD and DVD-R (`mmc.md` §4.7, §5.2).
const MAX_TRACK_NUMBER_CD_DVD_R: u16 = 99;

/// State of one track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TrackState {
    /// The invisible (incomplete) track: the last track, running to the end of the medium.
    Invisible,
    /// A reserved track of fixed size, not yet closed (may be partly written).
    Reserved,
    /// A complete track.
    Closed,
}

/// One track of the medium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Track {
    /// Logical track number (1-based).
    pub number: u16,
    /// Session number (1-based).
    pub session: u16,
    /// Track start address (LBA).
    pub start: i32,
    /// Size in blocks: closed = final size incl. padding / run-out; reserved = reserved size;
    /// invisible = 0 (runs to the end of the medium).
    pub size: u32,
    /// Blocks written by the host from `start` on.
    pub recorded: u32,
    /// Invisible, reserved or closed.
    pub state: TrackState,
    /// Track mode (Q CONTROL nibble): 4 data uninterrupted, 5 data incremental.
    pub track_mode: u8,
    /// Reserved for DVD-R disc-at-once (write type 2).
    #[serde(default)]
    pub dao: bool,
    /// Written incrementally (packet / DVD-R incremental).
    #[serde(default)]
    pub packet: bool,
    /// CD: the ISRC page 05h carried (TCVAL) when the track's first block was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrc: Option<String>,
}

/// A closed session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SessionRecord {
    /// Session number.
    pub number: u16,
    /// First track number.
    pub first_track: u16,
    /// Last track number.
    pub last_track: u16,
    /// Start address of the first track.
    pub start: i32,
    /// Lead-out start address (= end of the last track).
    pub leadout: i32,
}

/// Disc status as stored (mirrors READ DISC INFORMATION's disc status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DiscState {
    /// Nothing recorded or reserved.
    Blank,
    /// Something recorded; more can be appended.
    Appendable,
    /// Finalized (or full): nothing can be written.
    Complete,
}

/// The page 05h settings the recording model depends on (decoded by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WriteSettings {
    /// Write type.
    pub write_type: WriteType,
    /// Multi-session field.
    pub multi_session: MultiSession,
    /// Track mode for new CD tracks.
    pub track_mode: u8,
    /// Data block type.
    pub data_block_type: DataBlockType,
    /// Test Write (simulation): the recording runs, nothing is recorded.
    pub test_write: bool,
}

/// The state of a loaded medium, as persisted in `medium.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Medium {
    /// Layout version ([`FORMAT_VERSION`]).
    pub format: u32,
    /// What kind of disc this is.
    pub kind: MediaKind,
    /// The current profile (informative; must match `kind` and the recording mode, see
    /// [`Medium::current_profile`]).
    pub profile: u16,
    /// Capacity in blocks (LBA of the end of the user area).
    pub capacity_blocks: u32,
    /// Model value: blocks between a session's lead-out and the next session (DVD/BD).
    pub session_gap_blocks: u32,
    /// Tracks in address order.
    pub tracks: Vec<Track>,
    /// Closed sessions.
    pub sessions: Vec<SessionRecord>,
    /// Disc status (authoritative for "complete"; blank/appendable is checked against tracks).
    pub disc_status: DiscState,
    /// NWA of the invisible track (informative; checked on load).
    pub next_writable_address: Option<i32>,
    /// Current values of mode page 05h (52 bytes), as hex.
    #[serde(with = "hex_bytes")]
    pub page05: Vec<u8>,
    /// A medium change not yet reported (6/28/00 pending).
    pub unit_attention: bool,
    /// Blocks written by the host to this medium so far.
    pub sectors_written: u64,
    /// CD: ATIP start time of lead-in as an LBA (READ TOC format 4, READ DISC INFORMATION of
    /// the blank disc, the NWA of RAW writing). State files without it get the default.
    #[serde(default = "default_atip_lead_in_start")]
    pub atip_lead_in_start: i32,
    /// CD written with write type RAW: progress and what was decoded (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_cd: Option<RawCd>,
    /// Random-access recording (DVD+RW, DVD-RAM, BD-RE; DVD-RW after FORMAT UNIT): format and
    /// background format state. Absent for sequential recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overwrite: Option<Overwrite>,
    /// BD-R / BD-RE: blocks given to spare areas by FORMAT UNIT (0 = no defect management).
    #[serde(default)]
    pub spare_blocks: u32,
    /// DVD-RW sequential: incremental recording (write type 0, feature 0021h) is available —
    /// false after a minimal BLANK, true after a full one (`mmc.md` §1.16, §5.4).
    #[serde(default = "default_true")]
    pub incremental_allowed: bool,
    /// CD: the media catalog number page 05h carried (MCVAL) at the first block written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcn: Option<String>,
    /// The long operation started with Immed that is still running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<LongOperation>,
    /// Test Write: the medium as it was before the simulated recording began; restored when
    /// the simulated session ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<Box<Medium>>,
}

fn default_true() -> bool {
    true
}

/// The default ATIP lead-in start as an LBA (−11 635 = 97:26:65).
fn default_atip_lead_in_start() -> i32 {
    crate::media::DEFAULT_ATIP_LEAD_IN_START.to_lba().0
}

/// Summary for READ DISC INFORMATION.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DiscSummary {
    /// Disc status.
    pub status: DiscState,
    /// State of the last session: 0 empty, 1 incomplete, 3 complete.
    pub last_session_state: u8,
    /// Number of sessions, counting the empty last session of an appendable disc.
    pub sessions: u16,
    /// First track number in the last session.
    pub first_track_in_last_session: u16,
    /// Last track number in the last session (including the invisible track).
    pub last_track_in_last_session: u16,
    /// Start of the last (open or last closed) session.
    pub last_session_start: i32,
}

impl Medium {
    /// A blank disc of `kind`, with `page05` as current write parameters: one invisible track
    /// 1 at LBA 0 in session 1, NWA 0, unit attention pending.
    #[cfg(test)]
    pub fn blank(kind: MediaKind, page05: Vec<u8>) -> Medium {
        Medium::blank_with(kind, page05, None)
    }

    /// A blank disc as [`Medium::blank`]; for CD `atip` = (lead-in start, last possible
    /// lead-out start) replaces the default ATIP (the capacity is the lead-out start).
    pub fn blank_with(
        kind: MediaKind,
        page05: Vec<u8>,
        atip: Option<(discmaster_core::Lba, discmaster_core::Lba)>,
    ) -> Medium {
        let (lead_in, capacity) = match atip {
            Some((lead_in, lead_out)) if kind.is_cd() => {
                (lead_in.0, u32::try_from(lead_out.0).unwrap_or(1).max(1))
            }
            _ => (default_atip_lead_in_start(), kind.capacity_blocks()),
        };
        let mut m = Medium {
            format: FORMAT_VERSION,
            kind,
            profile: u16::from(kind.profile()),
            capacity_blocks: capacity,
            session_gap_blocks: if kind.is_dvd() {
                DVD_SESSION_GAP_BLOCKS
            } else {
                0
            },
            tracks: vec![Track {
                number: 1,
                session: 1,
                start: 0,
                size: 0,
                recorded: 0,
                state: TrackState::Invisible,
                track_mode: default_track_mode(kind),
                dao: false,
                packet: false,
                isrc: None,
            }],
            sessions: Vec::new(),
            disc_status: DiscState::Blank,
            next_writable_address: Some(0),
            page05,
            unit_attention: true,
            sectors_written: 0,
            atip_lead_in_start: lead_in,
            raw_cd: None,
            overwrite: kind.is_random_writable().then(Overwrite::unformatted),
            spare_blocks: 0,
            incremental_allowed: true,
            mcn: None,
            operation: None,
            simulation: None,
        };
        if kind == MediaKind::DvdRam {
            // DVD-RAM is sold formatted.
            m.make_formatted(kind.capacity_blocks());
        }
        m.refresh();
        m
    }

    /// True while a RAW recording has started and its session is not closed.
    pub fn raw_in_progress(&self) -> bool {
        self.raw_cd
            .as_ref()
            .is_some_and(|r| r.phase != RawPhase::Closed)
    }

    /// The next writable address with write type RAW: the ATIP lead-in start on a blank CD,
    /// the next block of an open RAW recording; `None` otherwise (complete or TAO-written
    /// disc, RAW recording at the end of the lead-out area, not a CD).
    ///
    /// Spec: `mmc.md` §1.10 ("CD RAW → the lead-in start").
    pub fn raw_nwa(&self) -> Option<i32> {
        if !self.kind.is_cd() || self.is_complete() {
            return None;
        }
        let end = i64::from(self.capacity_blocks) + i64::from(crate::raw::MIN_LEAD_OUT_BLOCKS);
        match &self.raw_cd {
            Some(r) if r.phase != RawPhase::Closed && i64::from(r.next) < end => Some(r.next),
            Some(_) => None,
            None if self.derived_status() == DiscState::Blank => Some(self.atip_lead_in_start),
            None => None,
        }
    }

    /// Closes an open RAW recording whose lead-out is long enough
    /// ([`RawCd::ready_to_close`]): the tracks of its lead-in TOC become the closed tracks of
    /// session 1 (each running to the next track's start, the last to the lead-out) and the
    /// disc is complete. Returns true if it closed.
    pub fn close_raw(&mut self) -> bool {
        let Some(r) = self.raw_cd.as_mut() else {
            return false;
        };
        if r.phase == RawPhase::Closed || !r.ready_to_close() {
            return false;
        }
        let toc = r.toc_tracks();
        let (Some(first), Some(last), Some(lead_out)) =
            (toc.first(), toc.last(), r.info.toc_lead_out())
        else {
            return false;
        };
        let record = SessionRecord {
            number: 1,
            first_track: u16::from(first.0),
            last_track: u16::from(last.0),
            start: first.2,
            leadout: lead_out.0,
        };
        r.phase = RawPhase::Closed;
        self.tracks = toc
            .iter()
            .map(|&(number, control, start, size)| Track {
                number: u16::from(number),
                session: 1,
                start,
                size,
                recorded: size,
                state: TrackState::Closed,
                track_mode: control,
                dao: false,
                packet: false,
                isrc: None,
            })
            .collect();
        self.sessions = vec![record];
        self.disc_status = DiscState::Complete;
        self.refresh();
        true
    }

    /// Recomputes the informative fields (`disc_status` blank/appendable, NWA, profile).
    pub fn refresh(&mut self) {
        self.profile = u16::from(self.current_profile());
        self.disc_status = self.derived_status();
        self.next_writable_address = self.invisible().and_then(|i| self.nwa(&self.tracks[i]));
    }

    fn derived_status(&self) -> DiscState {
        if self.disc_status == DiscState::Complete {
            DiscState::Complete
        } else if self.raw_in_progress() {
            DiscState::Appendable
        } else if self.sessions.is_empty()
            && self
                .tracks
                .iter()
                .all(|t| t.state == TrackState::Invisible && t.recorded == 0)
        {
            DiscState::Blank
        } else {
            DiscState::Appendable
        }
    }

    /// Checks the invariants of the module doc; the message names the first violation.
    pub fn validate(&self) -> Result<(), String> {
        if self.format != FORMAT_VERSION {
            return Err(format!("unknown format version {}", self.format));
        }
        if self.profile != u16::from(self.current_profile()) {
            return Err(format!(
                "profile {:04X}h does not match kind {}",
                self.profile, self.kind
            ));
        }
        if self.overwrite.is_some()
            && !(self.kind.is_random_writable() || self.kind == MediaKind::DvdMinusRw)
        {
            return Err(format!(
                "{} cannot be in random-access recording",
                self.kind
            ));
        }
        if self.spare_blocks > 0 && !self.kind.is_bd() {
            return Err("spare areas on a medium that is not a BD".into());
        }
        if let Some(s) = &self.simulation {
            if s.simulation.is_some() || s.kind != self.kind {
                return Err("simulation snapshot does not match the medium".into());
            }
        }
        if self.capacity_blocks == 0 || self.capacity_blocks > i32::MAX as u32 / 2 {
            return Err(format!("capacity {} out of range", self.capacity_blocks));
        }
        if self.session_gap_blocks > self.capacity_blocks {
            return Err("session gap larger than the medium".into());
        }
        if !crate::pages::is_page05(&self.page05) {
            return Err(format!(
                "page05 is not a {}-byte mode page 05h",
                crate::pages::PAGE05_LEN
            ));
        }
        if self.sessions.len() > usize::from(u16::MAX - 1) {
            return Err(format!("{} sessions", self.sessions.len()));
        }
        let capacity = i64::from(self.capacity_blocks);
        let mut prev_end: Option<i64> = None;
        for (i, t) in self.tracks.iter().enumerate() {
            if usize::from(t.number) != i + 1 {
                return Err(format!("track {} is at position {}", t.number, i + 1));
            }
            let start = i64::from(t.start);
            if start < 0 || start >= capacity {
                return Err(format!(
                    "track {} starts at {} outside the medium",
                    t.number, t.start
                ));
            }
            if let Some(e) = prev_end {
                if start < e {
                    return Err(format!("track {} overlaps the previous track", t.number));
                }
            }
            let end = match t.state {
                TrackState::Invisible => {
                    if i + 1 != self.tracks.len() {
                        return Err(format!(
                            "invisible track {} is not the last track",
                            t.number
                        ));
                    }
                    if start + i64::from(t.recorded) > capacity {
                        return Err(format!(
                            "track {} recorded past the end of the medium",
                            t.number
                        ));
                    }
                    capacity
                }
                TrackState::Reserved | TrackState::Closed => {
                    if t.recorded > t.size {
                        return Err(format!("track {} recorded more than its size", t.number));
                    }
                    let end = start + i64::from(t.size);
                    // A closed CD track's run-out may end just past the last lead-out start.
                    if end > capacity + i64::from(CD_RUN_OUT) {
                        return Err(format!("track {} ends past the medium", t.number));
                    }
                    end
                }
            };
            prev_end = Some(end);
            let open = self.sessions.len() + 1;
            if t.session == 0 || usize::from(t.session) > open {
                return Err(format!(
                    "track {} in session {} of {}",
                    t.number, t.session, open
                ));
            }
            if let Some(p) = i.checked_sub(1).map(|p| &self.tracks[p]) {
                if t.session < p.session {
                    return Err(format!(
                        "track {} is in an earlier session than track {}",
                        t.number, p.number
                    ));
                }
            }
            if usize::from(t.session) <= self.sessions.len() && t.state != TrackState::Closed {
                return Err(format!(
                    "track {} of a closed session is not closed",
                    t.number
                ));
            }
        }
        for (i, s) in self.sessions.iter().enumerate() {
            if usize::from(s.number) != i + 1 {
                return Err(format!("session {} is at position {}", s.number, i + 1));
            }
            let in_session: Vec<&Track> = self
                .tracks
                .iter()
                .filter(|t| t.session == s.number)
                .collect();
            let (Some(first), Some(last)) = (in_session.first(), in_session.last()) else {
                return Err(format!("session {} has no tracks", s.number));
            };
            if first.number != s.first_track || last.number != s.last_track {
                return Err(format!(
                    "session {} track range does not match its tracks",
                    s.number
                ));
            }
        }
        if self.kind.is_cd() && !(-45_150..=-151).contains(&self.atip_lead_in_start) {
            return Err(format!(
                "ATIP lead-in start {} is not a lead-in LBA",
                self.atip_lead_in_start
            ));
        }
        if let Some(r) = &self.raw_cd {
            if !self.kind.is_cd() {
                return Err("RAW recording state on a medium that is not a CD".into());
            }
            if r.store_start != self.atip_lead_in_start || r.next < r.store_start {
                return Err("RAW recording state does not match the ATIP lead-in start".into());
            }
            if (r.phase == RawPhase::Closed) != (self.disc_status == DiscState::Complete) {
                return Err("RAW recording closed state does not match the disc status".into());
            }
        }
        if self.disc_status == DiscState::Complete && self.invisible().is_some() {
            return Err("complete disc with an invisible track".into());
        }
        if self.disc_status != self.derived_status() {
            return Err(format!(
                "disc_status {:?} does not match the tracks",
                self.disc_status
            ));
        }
        let nwa = self.invisible().and_then(|i| self.nwa(&self.tracks[i]));
        if self.next_writable_address != nwa {
            return Err(format!(
                "next_writable_address {:?} does not match the tracks ({nwa:?})",
                self.next_writable_address
            ));
        }
        Ok(())
    }

    /// True once the disc is finalized (or full).
    pub fn is_complete(&self) -> bool {
        self.disc_status == DiscState::Complete
    }

    /// Index of the invisible track, if any.
    pub fn invisible(&self) -> Option<usize> {
        let last = self.tracks.len().checked_sub(1)?;
        (self.tracks[last].state == TrackState::Invisible).then_some(last)
    }

    /// Index of the track numbered `number`.
    pub fn track_index(&self, number: u16) -> Option<usize> {
        let i = usize::from(number).checked_sub(1)?;
        (i < self.tracks.len()).then_some(i)
    }

    /// Next writable address of `t`, `None` when it takes no more data.
    pub fn nwa(&self, t: &Track) -> Option<i32> {
        if self.is_complete() {
            return None;
        }
        let next = i64::from(t.start) + i64::from(t.recorded);
        let limit = match t.state {
            TrackState::Invisible => i64::from(self.capacity_blocks),
            TrackState::Reserved => i64::from(t.start) + i64::from(t.size),
            TrackState::Closed => return None,
        };
        (next < limit).then_some(next as i32)
    }

    /// Blocks still writable in `t`.
    pub fn free_blocks(&self, t: &Track) -> u32 {
        match self.nwa(t) {
            None => 0,
            Some(nwa) => {
                let end = match t.state {
                    TrackState::Invisible => i64::from(self.capacity_blocks),
                    _ => i64::from(t.start) + i64::from(t.size),
                };
                u32::try_from(end - i64::from(nwa)).unwrap_or(0)
            }
        }
    }

    /// Track size as READ TRACK INFORMATION reports it (invisible: to the end of the medium).
    pub fn reported_size(&self, t: &Track) -> u32 {
        match t.state {
            TrackState::Invisible => {
                u32::try_from(i64::from(self.capacity_blocks) - i64::from(t.start)).unwrap_or(0)
            }
            _ => t.size,
        }
    }

    /// End address (exclusive) of the blocks of `t` that READ(10) returns.
    fn readable_end(&self, t: &Track) -> i64 {
        let blocks = match (self.kind.is_cd(), t.state) {
            // DVD/BD padding is recorded by the drive (zeros) and readable.
            (false, TrackState::Closed) => t.size,
            // CD run-out blocks and anything the host did not write are not readable.
            _ => t.recorded,
        };
        i64::from(t.start) + i64::from(blocks)
    }

    /// End (exclusive) of a reserved or closed track; the end of the medium for the invisible one.
    fn end_of(&self, t: &Track) -> i64 {
        match t.state {
            TrackState::Invisible => i64::from(self.capacity_blocks),
            _ => i64::from(t.start) + i64::from(t.size),
        }
    }

    /// Where the track after one ending at `end` starts within the same session.
    fn next_track_start(&self, end: i64) -> i64 {
        if self.kind.is_cd() {
            end + self.cd_pregap()
        } else {
            align_up(end, self.kind.ecc_blocks())
        }
    }

    /// CD TAO: the pregap the drive leaves before the next track — page 05h's audio pause
    /// length when page 05h's track mode is audio (CONTROL bit 2 clear; 150 by default, 0 for
    /// "gapless" recording), otherwise 150 blocks (2 s).
    ///
    /// Spec: `mmc.md` §2.2 (audio pause length), §4.7.
    fn cd_pregap(&self) -> i64 {
        let settings = crate::pages::write_settings(&self.page05);
        if settings.track_mode & 0x04 == 0 {
            i64::from(crate::pages::audio_pause_blocks(&self.page05))
        } else {
            CD_PREGAP
        }
    }

    /// True when any block of `lba … lba + blocks` lies in the recorded part of an audio track
    /// (CONTROL bit 2 clear) of a CD written track at once.
    pub fn audio_in(&self, lba: i32, blocks: u32) -> bool {
        let (from, to) = (i64::from(lba), i64::from(lba) + i64::from(blocks));
        self.kind.is_cd()
            && self.raw_cd.is_none()
            && self.tracks.iter().any(|t| {
                let start = i64::from(t.start);
                t.track_mode & 0x04 == 0 && start < to && from < start + i64::from(t.recorded)
            })
    }

    /// Highest track number the medium allows.
    fn max_track_number(&self) -> u16 {
        if self.kind.is_cd() || self.kind.is_dvd_minus() {
            MAX_TRACK_NUMBER_CD_DVD_R
        } else {
            u16::MAX - 1
        }
    }

    /// Appends a blank invisible track at `start` in `session` if the medium has room for it;
    /// returns false (and appends nothing) when it does not.
    fn push_invisible(&mut self, start: i64, session: u16) -> bool {
        let number = self.tracks.len() as u64 + 1;
        if start >= i64::from(self.capacity_blocks) || number > u64::from(self.max_track_number()) {
            return false;
        }
        self.tracks.push(Track {
            number: number as u16,
            session,
            start: start as i32,
            size: 0,
            recorded: 0,
            state: TrackState::Invisible,
            track_mode: default_track_mode(self.kind),
            dao: false,
            packet: false,
            isrc: None,
        });
        true
    }

    /// Checks a WRITE of `blocks` blocks at `lba`; returns the index of the track it goes to.
    ///
    /// # Errors
    /// 5/21/02 unless `lba` is the NWA of a writable track (also on a complete disc); 5/2C/00
    /// for DVD-R disc-at-once without a reservation or while a RAW recording is open; 5/21/00
    /// past the end of the medium; 5/63/00 past the end of a reserved track.
    pub fn check_write(
        &self,
        lba: i32,
        blocks: u32,
        settings: &WriteSettings,
    ) -> Result<usize, Sense> {
        if self.raw_in_progress() {
            return Err(Sense::COMMAND_SEQUENCE_ERROR);
        }
        let idx = self
            .tracks
            .iter()
            .position(|t| self.nwa(t) == Some(lba))
            .ok_or(Sense::INVALID_ADDRESS_FOR_WRITE)?;
        let t = &self.tracks[idx];
        if self.kind.is_dvd_minus() && settings.write_type == WriteType::SessionAtOnce && !t.dao {
            return Err(Sense::COMMAND_SEQUENCE_ERROR);
        }
        // DVD-RW after a minimal blank: no incremental recording (`mmc.md` §1.21: libburn sees
        // 5/64/00 when feature 0021h is not really usable).
        if self.kind == MediaKind::DvdMinusRw
            && !self.incremental_allowed
            && settings.write_type == WriteType::Packet
        {
            return Err(Sense::ILLEGAL_MODE_FOR_THIS_TRACK);
        }
        let end = i64::from(lba) + i64::from(blocks);
        if end > i64::from(self.capacity_blocks) {
            return Err(Sense::LBA_OUT_OF_RANGE);
        }
        if t.state == TrackState::Reserved && end > self.end_of(t) {
            return Err(Sense::END_OF_USER_AREA_ENCOUNTERED);
        }
        Ok(idx)
    }

    /// Records that `blocks` blocks were written to track `idx` (after [`Medium::check_write`]).
    /// With Test Write the track advances but `sectors_written` does not: nothing was recorded.
    pub fn commit_write(&mut self, idx: usize, blocks: u32, settings: &WriteSettings) {
        let kind = self.kind;
        if let Some(t) = self.tracks.get_mut(idx) {
            if t.recorded == 0 && t.state == TrackState::Invisible {
                t.track_mode = if kind.is_cd() {
                    settings.track_mode
                } else {
                    default_track_mode(kind)
                };
                t.packet = settings.write_type == WriteType::Packet;
            }
            t.recorded = t.recorded.saturating_add(blocks);
        }
        if !settings.test_write {
            self.sectors_written = self.sectors_written.saturating_add(u64::from(blocks));
        }
        self.refresh();
    }

    /// Checks a READ of `blocks` blocks from `lba`: every block must lie in recorded area.
    ///
    /// # Errors
    /// 5/21/00 LBA OUT OF RANGE for blank, unreadable or non-existent blocks.
    pub fn check_read(&self, lba: i32, blocks: u32) -> Result<(), Sense> {
        if let Some(before) = &self.simulation {
            // Simulated blocks were never recorded.
            return before.check_read(lba, blocks);
        }
        let mut pos = i64::from(lba);
        let end = pos + i64::from(blocks);
        while pos < end {
            let t = self
                .tracks
                .iter()
                .find(|t| i64::from(t.start) <= pos && pos < self.readable_end(t))
                .ok_or(Sense::LBA_OUT_OF_RANGE)?;
            pos = self.readable_end(t);
        }
        Ok(())
    }

    /// RESERVE TRACK: turns the blank invisible track into a reserved track of `blocks`
    /// (rounded up to the ECC block), or of the rest of the medium when `rmz`.
    ///
    /// # Errors
    /// 5/2C/00 on a complete disc, when the invisible track is not blank, or for a DVD-R
    /// disc-at-once reservation on a non-blank disc; 5/72/05 when no track number is left or a
    /// disc-at-once track already exists; 5/24/00 (field pointer byte 5) for size 0 or a size
    /// beyond the free space.
    pub fn reserve(
        &mut self,
        blocks: u32,
        rmz: bool,
        settings: &WriteSettings,
    ) -> Result<(), ReserveError> {
        let idx = self
            .invisible()
            .filter(|_| !self.is_complete() && !self.raw_in_progress())
            .ok_or(ReserveError::Sense(Sense::COMMAND_SEQUENCE_ERROR))?;
        if self.tracks[idx].recorded != 0 {
            return Err(ReserveError::Sense(Sense::COMMAND_SEQUENCE_ERROR));
        }
        let dao = self.kind.is_dvd_minus() && settings.write_type == WriteType::SessionAtOnce;
        if dao && self.disc_status != DiscState::Blank {
            return Err(ReserveError::Sense(Sense::COMMAND_SEQUENCE_ERROR));
        }
        if self.tracks.iter().any(|t| t.dao) {
            return Err(ReserveError::Sense(
                Sense::NO_MORE_TRACK_RESERVATIONS_ALLOWED,
            ));
        }
        let start = i64::from(self.tracks[idx].start);
        let free = i64::from(self.capacity_blocks) - start;
        let size = if rmz {
            free
        } else {
            align_up(i64::from(blocks), self.kind.ecc_blocks())
        };
        if size <= 0 || size > free {
            return Err(ReserveError::BadSize);
        }
        let end = start + size;
        let next_start = self.next_track_start(end);
        let room_after = !dao && next_start < i64::from(self.capacity_blocks);
        if room_after && u64::from(self.tracks[idx].number) + 1 > u64::from(self.max_track_number())
        {
            return Err(ReserveError::Sense(
                Sense::NO_MORE_TRACK_RESERVATIONS_ALLOWED,
            ));
        }
        let kind = self.kind;
        let session = {
            let t = &mut self.tracks[idx];
            t.state = TrackState::Reserved;
            t.size = size as u32;
            t.dao = dao;
            t.track_mode = if kind.is_cd() {
                settings.track_mode
            } else {
                default_track_mode(kind)
            };
            t.packet = settings.write_type == WriteType::Packet;
            t.session
        };
        if room_after {
            self.push_invisible(next_start, session);
        }
        self.refresh();
        Ok(())
    }

    /// CLOSE TRACK of track `number` (CD: FFh = the invisible track when no track FFh exists).
    /// Closing a closed track or the blank invisible track changes nothing.
    ///
    /// # Errors
    /// 5/2C/00 on a complete disc; [`CloseError::NoSuchTrack`] for a track that does not exist.
    pub fn close_track(&mut self, number: u16) -> Result<(), CloseError> {
        if self.is_complete() || self.raw_in_progress() {
            return Err(CloseError::Sense(Sense::COMMAND_SEQUENCE_ERROR));
        }
        let idx = match self.track_index(number) {
            Some(i) => i,
            None if number == 0xFF && self.kind.is_cd() => {
                self.invisible().ok_or(CloseError::NoSuchTrack)?
            }
            None => return Err(CloseError::NoSuchTrack),
        };
        self.close_track_at(idx);
        self.refresh();
        Ok(())
    }

    fn close_track_at(&mut self, idx: usize) {
        let kind = self.kind;
        let Some(t) = self.tracks.get_mut(idx) else {
            return;
        };
        match t.state {
            TrackState::Closed => {}
            TrackState::Reserved => t.state = TrackState::Closed,
            TrackState::Invisible if t.recorded == 0 => {}
            TrackState::Invisible => {
                t.size = if kind.is_cd() && t.track_mode & 0x04 == 0 {
                    // Audio: the pause before the next track follows the samples directly.
                    t.recorded
                } else if kind.is_cd() {
                    t.recorded.saturating_add(CD_RUN_OUT)
                } else {
                    align_up(i64::from(t.recorded), kind.ecc_blocks()) as u32
                };
                t.state = TrackState::Closed;
                let end = i64::from(t.start) + i64::from(t.size);
                let session = t.session;
                let next = self.next_track_start(end);
                self.push_invisible(next, session);
            }
        }
    }

    /// CLOSE SESSION / finalize per profile: closes the open tracks of the open session and the
    /// session; the disc stays appendable unless `finalize`.
    ///
    /// # Errors
    /// 5/2C/00 on a complete disc; 5/2C/04 when the open session is empty (finalizing an
    /// appendable disc with an empty last session is allowed: it only completes the disc).
    ///
    /// A simulated (Test Write) session is not recorded: once it closes, the medium returns to
    /// its state before the simulation.
    pub fn close_session(&mut self, finalize: bool) -> Result<(), Sense> {
        let closed = self.close_session_recorded(finalize);
        if closed.is_ok() {
            self.end_simulation();
        }
        closed
    }

    fn close_session_recorded(&mut self, finalize: bool) -> Result<(), Sense> {
        if self.is_complete() || self.raw_in_progress() {
            return Err(Sense::COMMAND_SEQUENCE_ERROR);
        }
        let open = self.sessions.len() as u16 + 1;
        let has_content = self
            .tracks
            .iter()
            .any(|t| t.session == open && (t.state != TrackState::Invisible || t.recorded > 0));
        if !has_content {
            if finalize && !self.sessions.is_empty() {
                self.tracks.retain(|t| t.session != open);
                self.disc_status = DiscState::Complete;
                self.refresh();
                return Ok(());
            }
            return Err(Sense::CURRENT_PROGRAM_AREA_EMPTY);
        }
        for i in 0..self.tracks.len() {
            if self.tracks[i].session == open {
                self.close_track_at(i);
            }
        }
        // Closing the last track created a new blank invisible track; the session ends before it.
        if self
            .invisible()
            .is_some_and(|i| self.tracks[i].recorded == 0)
        {
            self.tracks.pop();
        }
        let in_session: Vec<&Track> = self.tracks.iter().filter(|t| t.session == open).collect();
        let (Some(first), Some(last)) = (in_session.first(), in_session.last()) else {
            return Err(Sense::CURRENT_PROGRAM_AREA_EMPTY);
        };
        let record = SessionRecord {
            number: open,
            first_track: first.number,
            last_track: last.number,
            start: first.start,
            leadout: (i64::from(last.start) + i64::from(last.size)) as i32,
        };
        let leadout = i64::from(record.leadout);
        self.sessions.push(record);
        if finalize {
            self.disc_status = DiscState::Complete;
        } else {
            let next = if self.kind.is_cd() {
                leadout
                    + if open == 1 {
                        CD_FIRST_SESSION_GAP
                    } else {
                        CD_LATER_SESSION_GAP
                    }
            } else {
                align_up(
                    leadout + i64::from(self.session_gap_blocks),
                    self.kind.ecc_blocks(),
                )
            };
            let pushed = open
                .checked_add(1)
                .is_some_and(|session| self.push_invisible(next, session));
            if !pushed {
                self.disc_status = DiscState::Complete;
            }
        }
        self.refresh();
        Ok(())
    }

    /// CLOSE TRACK/SESSION close functions other than 001b, per profile: `Ok(finalize)` for
    /// the functions the medium supports.
    ///
    /// `None` for a function the profile does not support (5/24/00).
    pub fn session_close_kind(
        &self,
        function: CloseFunction,
        settings: &WriteSettings,
    ) -> Option<bool> {
        let by_page05 = settings.multi_session != MultiSession::NextSessionAllowed;
        match (self.kind, function) {
            (MediaKind::CdR | MediaKind::CdRw, CloseFunction::CloseSession) => Some(by_page05),
            (
                MediaKind::DvdMinusR | MediaKind::DvdMinusRw,
                CloseFunction::CloseSession | CloseFunction::CloseIntermediateBorder,
            ) => Some(by_page05),
            (
                MediaKind::DvdPlusR | MediaKind::DvdPlusRDl,
                CloseFunction::CloseSession | CloseFunction::CloseSessionExtendedLeadOut,
            ) => Some(false),
            (
                MediaKind::DvdPlusR | MediaKind::DvdPlusRDl,
                CloseFunction::FinalizeMinimumRadius | CloseFunction::FinalizeDisc,
            ) => Some(true),
            (MediaKind::BdR, CloseFunction::CloseSession) => Some(false),
            (MediaKind::BdR, CloseFunction::FinalizeDisc) => Some(true),
            _ => None,
        }
    }

    /// SYNCHRONIZE CACHE: on CD in TAO mode closes the written invisible track; a full DVD-R
    /// disc-at-once track is closed and the disc finalized. Returns true if the layout changed.
    pub fn synchronize(&mut self, settings: &WriteSettings) -> bool {
        if self.is_complete() {
            return false;
        }
        if self.raw_in_progress() {
            if let Some(r) = self.raw_cd.as_mut() {
                r.finish_session_at_once();
            }
            return self.close_raw();
        }
        let mut changed = false;
        if self.kind.is_cd() && settings.write_type == WriteType::TrackAtOnce {
            if let Some(i) = self.invisible().filter(|&i| self.tracks[i].recorded > 0) {
                self.close_track_at(i);
                changed = true;
            }
        }
        if self
            .tracks
            .iter()
            .any(|t| t.dao && t.state == TrackState::Reserved && t.recorded == t.size)
        {
            // Cannot fail: the open session has content.
            changed |= self.close_session(true).is_ok();
        }
        self.refresh();
        changed
    }

    /// The track containing `lba` (CD: a pregap belongs to the track after it), if any.
    pub fn track_containing(&self, lba: i64) -> Option<usize> {
        for (i, t) in self.tracks.iter().enumerate() {
            let begin = match i.checked_sub(1).map(|p| &self.tracks[p]) {
                Some(p) if self.kind.is_cd() && p.session == t.session => self.end_of(p),
                None if self.kind.is_cd() => -CD_PREGAP,
                _ => i64::from(t.start),
            };
            if begin <= lba && lba < self.end_of(t) {
                return Some(i);
            }
        }
        None
    }

    /// READ DISC INFORMATION summary.
    pub fn summary(&self) -> DiscSummary {
        let status = self.derived_status();
        let (last_session, state) = if status == DiscState::Complete {
            (self.sessions.len() as u16, 3)
        } else {
            let open = self.sessions.len() as u16 + 1;
            let content = self.raw_in_progress()
                || self.tracks.iter().any(|t| {
                    t.session == open && (t.state != TrackState::Invisible || t.recorded > 0)
                });
            (open, if content { 1 } else { 0 })
        };
        let in_last: Vec<&Track> = self
            .tracks
            .iter()
            .filter(|t| t.session == last_session)
            .collect();
        DiscSummary {
            status,
            last_session_state: state,
            sessions: last_session,
            first_track_in_last_session: in_last.first().map_or(0, |t| t.number),
            last_track_in_last_session: in_last.last().map_or(0, |t| t.number),
            last_session_start: in_last.first().map_or(0, |t| t.start),
        }
    }

    /// Closed tracks (for the TOC).
    pub fn closed_tracks(&self) -> impl Iterator<Item = &Track> {
        self.tracks.iter().filter(|t| t.state == TrackState::Closed)
    }

    /// Lead-out address for the TOC: the end of the last closed track.
    pub fn toc_leadout(&self) -> Option<i32> {
        self.closed_tracks()
            .last()
            .map(|t| (i64::from(t.start) + i64::from(t.size)) as i32)
    }

    /// Last LBA for READ CAPACITY: the last block of the recorded area (closed tracks with
    /// padding / run-out, open tracks up to their last written block); 0 on a blank disc.
    pub fn last_lba(&self) -> i32 {
        let end = self
            .tracks
            .iter()
            .filter_map(|t| match t.state {
                TrackState::Closed => Some(i64::from(t.start) + i64::from(t.size)),
                _ if t.recorded > 0 => Some(i64::from(t.start) + i64::from(t.recorded)),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        (end - 1).max(0) as i32
    }
}

/// Why RESERVE TRACK failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReserveError {
    /// A state error with its sense.
    Sense(Sense),
    /// The requested size is zero or larger than the free space (5/24/00 on the size field).
    BadSize,
}

/// Why CLOSE TRACK failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CloseError {
    /// A state error with its sense.
    Sense(Sense),
    /// No track with that number (5/24/00 on the number field).
    NoSuchTrack,
}

/// The track mode of a blank track: CD 4 (data uninterrupted), DVD-R 5 (incremental), others 4.
fn default_track_mode(kind: MediaKind) -> u8 {
    if kind.is_dvd_minus() {
        5
    } else {
        4
    }
}

/// `v` rounded up to a multiple of `unit` (unit ≥ 1).
fn align_up(v: i64, unit: u32) -> i64 {
    let u = i64::from(unit.max(1));
    v.div_euclid(u) * u + if v.rem_euclid(u) == 0 { 0 } else { u }
}

/// Serde helper: bytes as a space-separated hex string (readable in `medium.json`).
pub(crate) mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let text: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        s.serialize_str(&text.join(" "))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        text.split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(write_type: WriteType, multi: MultiSession) -> WriteSettings {
        WriteSettings {
            write_type,
            multi_session: multi,
            track_mode: 4,
            data_block_type: DataBlockType::Mode1,
            test_write: false,
        }
    }

    fn blank(kind: MediaKind) -> Medium {
        Medium::blank(kind, crate::pages::default_page05(kind))
    }

    #[test]
    fn blank_medium_has_invisible_track_at_zero() {
        let m = blank(MediaKind::DvdPlusR);
        assert_eq!(m.validate(), Ok(()));
        assert_eq!(m.tracks.len(), 1);
        assert_eq!(m.next_writable_address, Some(0));
        assert_eq!(m.free_blocks(&m.tracks[0]), 2_295_104);
        assert_eq!(m.summary().status, DiscState::Blank);
    }

    #[test]
    fn cd_tao_sync_closes_track_with_run_out_and_pregap() {
        let s = settings(WriteType::TrackAtOnce, MultiSession::NextSessionAllowed);
        let mut m = blank(MediaKind::CdR);
        let i = m.check_write(0, 300, &s).unwrap();
        m.commit_write(i, 300, &s);
        assert!(m.synchronize(&s));
        assert_eq!(m.tracks[0].size, 302);
        assert_eq!(m.tracks[1].start, 452);
        assert_eq!(m.check_read(299, 1), Ok(()));
        assert_eq!(m.check_read(300, 1), Err(Sense::LBA_OUT_OF_RANGE));
        m.close_session(false).unwrap();
        // Second session: lead-out 302 + 11 400.
        assert_eq!(m.next_writable_address, Some(11_702));
        assert_eq!(m.validate(), Ok(()));
    }

    #[test]
    fn dvd_close_track_pads_to_ecc_block() {
        let s = settings(WriteType::Packet, MultiSession::NextSessionAllowed);
        let mut m = blank(MediaKind::DvdPlusR);
        let i = m.check_write(0, 17, &s).unwrap();
        m.commit_write(i, 17, &s);
        m.close_track(1).unwrap();
        assert_eq!(m.tracks[0].size, 32);
        assert_eq!(m.tracks[0].recorded, 17);
        assert_eq!(m.next_writable_address, Some(32));
        assert_eq!(m.validate(), Ok(()));
    }

    #[test]
    fn align_up_rounds_to_unit() {
        assert_eq!(align_up(0, 16), 0);
        assert_eq!(align_up(1, 16), 16);
        assert_eq!(align_up(16, 16), 16);
        assert_eq!(align_up(17, 32), 32);
        assert_eq!(align_up(5, 1), 5);
    }
}
