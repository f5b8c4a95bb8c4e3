//! Raw Disc-At-Once images (IMAPI "DAO-96"): the layout of a single-session disc from its
//! lead-in to the end of its lead-out, and a pure per-sector generator.
//!
//! Scope: one session, tracks of audio, Mode 1 or Mode 2 sectors; lead-in with the TOC in Q
//! and CD-Text in R–W; pregaps, index points, ISRC, MCN; a lead-out of at least 6 750 blocks.
//! The image is a sequence of blocks of 2352 main-channel bytes followed by the sub-channel
//! in one of the three forms of [`SubchannelForm`]: 16-byte PQ (2368-byte blocks), packed
//! R–W with P/Q in bits 7/6 (2448) or raw interleaved P–W (2448). Data sectors are
//! **scrambled** (what RAW write type 3 expects), audio is not (reference `mmc.md` §4.5, §7
//! question 1).
//!
//! Invariants: no IO — where a sector's content comes from a file, the caller reads it and
//! passes it as a [`Payload`]; [`DaoLayout::encode`] is a pure function of the layout, the
//! LBA and the payload; every function is total (errors, never panics). A layout that
//! [`DaoLayout::new`] accepted satisfies the IMAPI image rules below, so a refusal always
//! happens before any sector is produced.
//!
//! Image rules (IMAPI `IRawCDImageCreator`, reference `imapi2.md` §2.15, §2.16, §5.7):
//! * 1–99 tracks numbered consecutively from the first track number;
//! * track 1's pregap starts at MSF 00:00:00 (LBA −150) and is at least 150 blocks;
//! * each track has at least 300 blocks from its INDEX 01 (4 s);
//! * index points (INDEX 02…99) lie inside the track, at least 10 blocks from INDEX 01 and
//!   from each other;
//! * the lead-out starts no later than LBA 398 100 (the last user block is 88:29:74), or the
//!   tighter [`DaoSpec::start_of_lead_out_limit`];
//! * Mode 1 and Mode 2 tracks are not mixed (the disc type in A0 is one of CD-DA/CD-ROM or
//!   CD-ROM XA); audio and data tracks may be mixed (mixed-mode CD).
//!
//! Spec: ECMA-130 (reference `mmc.md` §4.1–§4.9); IMAPI2 `IRawCDImageCreator` (reference
//! `imapi2.md` §2.15, §2.16, §3.11, §3.15, §4.8, §5.7).

use discmaster_core::{ErrorCode, Lba, Msf};

use crate::cdtext::{self, CdText, Pack, TextFields};
use crate::scrambler::scramble;
use crate::sector::{
    self, classify, mode1_into, mode2_form1, Header, SectorKind, Subheader, MODE1_USER_BYTES,
    MODE2_FORM1_USER_BYTES, SECTOR_BYTES, SYNC,
};
use crate::subchannel::{
    p_from_raw, pq16_from_q, q_frame, q_from_pq16, q_from_raw, raw_from_parts, Control, DiscType,
    Isrc, LayoutError, Mcn, Pq16Crc, SessionLayout, SubchannelForm, SubchannelOptions, TrackLayout,
    PQ16_BYTES, SUBCHANNEL_BYTES,
};

/// First block of an IMAPI raw image: MSF 95:00:00.
///
/// Units: LBA. Spec: reference `imapi2.md` §2.9 (`WriteMedia`), §5.5.
pub const IMAGE_START: Lba = Lba(-22_650);
/// Blocks of an IMAPI raw image before LBA 0 (`WriteMedia` ≡ `WriteMedia2(stream, 22650)`).
///
/// Units: blocks. Spec: reference `imapi2.md` §5.5.
pub const IMAGE_LEAD_IN_BLOCKS: u32 = 22_650;
/// Minimum lead-out length after the first session (1 min 30 s).
///
/// Units: blocks. Spec: reference `mmc.md` §4.1.
pub const MIN_LEAD_OUT_BLOCKS: u32 = 6_750;
/// Latest lead-out start: the last user block is LBA 398 099 (88:29:74), so that a 6 750-block
/// lead-out ends at 89:59:74.
///
/// Units: LBA. Spec: reference `imapi2.md` §2.15 (`AddTrack`), §5.7.
pub const MAX_LEAD_OUT_START: Lba = Lba(398_100);
/// Minimum track length from INDEX 01 (4 s).
///
/// Units: blocks. Spec: reference `imapi2.md` §2.15, §5.7; `mmc.md` §4.7.
pub const MIN_TRACK_BLOCKS: u32 = 300;
/// Minimum pregap of the first track (2 s), from MSF 00:00:00.
///
/// Units: blocks. Spec: reference `mmc.md` §4.7.
pub const FIRST_PREGAP_BLOCKS: u32 = 150;
/// Minimum distance between two index points of a track.
///
/// Units: blocks. Spec: reference `imapi2.md` §2.16 (`AddTrackIndex`).
pub const MIN_INDEX_DISTANCE: u32 = 10;
/// Most index points per track (INDEX 01…99).
pub const MAX_INDEXES: usize = 99;

/// Bytes of one image block: 2352 main-channel bytes plus the sub-channel of `form`
/// (2368 for PQ-only, 2448 for the 96-byte forms); `None` for an unknown form.
///
/// Units: bytes. Spec: reference `imapi2.md` §3.15; `mmc.md` §2.2 (Data Block Types 1–3).
pub const fn block_bytes(form: SubchannelForm) -> Option<usize> {
    match form.bytes() {
        Some(n) => Some(SECTOR_BYTES + n),
        None => None,
    }
}

/// What the sectors of a track hold on the disc.
///
/// Spec: ECMA-130 §14–§16 (reference `mmc.md` §4.2); IMAPI `IMAPI_CD_SECTOR_TYPE` (§3.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackContent {
    /// CD-DA: 588 stereo 16-bit samples per block, never scrambled.
    Audio,
    /// Mode 1 data sectors (2048 user bytes, EDC/ECC), scrambled in the image.
    Mode1,
    /// Mode 2 data sectors (formless, Form 1 or Form 2), scrambled in the image.
    Mode2,
}

impl TrackContent {
    /// Whether the track is a data track (Q CONTROL bit 4h).
    pub const fn is_data(self) -> bool {
        !matches!(self, TrackContent::Audio)
    }
}

/// One track as the caller describes it (before placement on the disc).
///
/// Units: blocks.
///
/// Spec: reference `imapi2.md` §2.16, §5.7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaoTrackSpec {
    /// What the sectors hold.
    pub content: TrackContent,
    /// CONTROL bits other than "data" (copy permitted, pre-emphasis, four channel); the data
    /// bit is set from `content`, and pre-emphasis / four-channel are cleared on data tracks.
    pub control: Control,
    /// Blocks of index 00 before INDEX 01. The first track needs at least 150.
    pub pregap_blocks: u32,
    /// Blocks from INDEX 01 to the end of the track (postgap included).
    pub blocks: u32,
    /// INDEX 02, 03, … as block offsets from INDEX 01, ascending.
    pub index_offsets: Vec<u32>,
    /// ISRC carried in Q ADR 3 frames (audio tracks).
    pub isrc: Option<Isrc>,
}

/// A whole image as the caller describes it.
///
/// Spec: reference `imapi2.md` §2.15, §5.7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaoSpec {
    /// Number of the first track (1–99).
    pub first_track_number: u8,
    /// The tracks in order.
    pub tracks: Vec<DaoTrackSpec>,
    /// Media Catalogue Number carried in Q ADR 2 frames.
    pub mcn: Option<Mcn>,
    /// CD-Text written cyclically in the lead-in R–W (one block). `first_track` and the number
    /// of track entries are set from the tracks.
    pub cd_text: Option<CdText>,
    /// Sub-channel form of the image blocks.
    pub form: SubchannelForm,
    /// CRC convention of the PQ-only form.
    pub pq16_crc: Pq16Crc,
    /// Where writers disagree about Q and P (lead-in time, lead-out P).
    pub subchannel_options: SubchannelOptions,
    /// First block of the image (the lead-in start it is built for). Default 95:00:00.
    pub image_start: Lba,
    /// Lead-out blocks at the end of the image (at least 6 750).
    pub lead_out_blocks: u32,
    /// The lead-out must start at or before this LBA (IMAPI `StartOfLeadoutLimit`); at most
    /// [`MAX_LEAD_OUT_START`].
    pub start_of_lead_out_limit: Lba,
}

impl Default for DaoSpec {
    /// No tracks, first track 1, packed R–W (IMAPI's default `IS_COOKED`), image from
    /// 95:00:00, 6 750 lead-out blocks, lead-out limit 398 100.
    fn default() -> DaoSpec {
        DaoSpec {
            first_track_number: 1,
            tracks: Vec::new(),
            mcn: None,
            cd_text: None,
            form: SubchannelForm::PackedRw,
            pq16_crc: Pq16Crc::AsOnDisc,
            subchannel_options: SubchannelOptions::default(),
            image_start: IMAGE_START,
            lead_out_blocks: MIN_LEAD_OUT_BLOCKS,
            start_of_lead_out_limit: MAX_LEAD_OUT_START,
        }
    }
}

/// Why a layout was refused or a sector could not be produced.
///
/// Each kind maps to an IMAPI code ([`DaoError::code`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DaoError {
    /// No tracks (`E_IMAPI_RAW_IMAGE_NO_TRACKS`).
    #[error("the image has no tracks")]
    NoTracks,
    /// Track numbers would pass 99 (`E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS`).
    #[error("track numbers {first}..{last} pass 99")]
    TooManyTracks {
        /// First track number.
        first: u8,
        /// Last track number it would take.
        last: usize,
    },
    /// Mode 1 and Mode 2 tracks mixed, or an unknown sub-channel form
    /// (`E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED`).
    #[error("{0}")]
    SectorTypeNotSupported(String),
    /// The lead-out would start past the limit (`E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE`).
    #[error("the lead-out would start at LBA {lead_out}, past the limit {limit}")]
    InsufficientSpace {
        /// Where the lead-out would start.
        lead_out: i64,
        /// The limit.
        limit: Lba,
    },
    /// More than 99 indexes in a track (`E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES`).
    #[error("track {0} has more than 99 index points")]
    TooManyIndexes(u8),
    /// Index points closer than 10 blocks, not ascending or outside the track
    /// (`E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX`).
    #[error("track {track}: index offset {offset} is closer than 10 blocks to another index or outside the track")]
    IndexTooClose {
        /// Track number.
        track: u8,
        /// The offending offset from INDEX 01.
        offset: u32,
    },
    /// A track shorter than 300 blocks, or a first pregap shorter than 150 (`E_INVALIDARG`).
    #[error("track {track}: {what}")]
    TrackTooShort {
        /// Track number.
        track: u8,
        /// What is too short.
        what: String,
    },
    /// Bad image start, lead-out length or limit (`E_INVALIDARG`).
    #[error("{0}")]
    BadParameter(String),
    /// CD-Text that cannot be encoded (`E_INVALIDARG`).
    #[error("CD-Text: {0}")]
    CdText(#[from] cdtext::CdTextError),
    /// The session layout broke an invariant (`E_INVALIDARG`).
    #[error("layout: {0}")]
    Layout(#[from] LayoutError),
    /// A payload that does not fit the track at this LBA, or a source sector that is not a
    /// valid data sector of the track's mode (`E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED`).
    #[error("LBA {lba}: {reason}")]
    BadPayload {
        /// The block being produced.
        lba: Lba,
        /// What is wrong.
        reason: String,
    },
}

impl DaoError {
    /// The IMAPI2 code of this refusal (reference `imapi2.md` §4.8).
    pub fn code(&self) -> ErrorCode {
        match self {
            DaoError::NoTracks => ErrorCode::E_IMAPI_RAW_IMAGE_NO_TRACKS,
            DaoError::TooManyTracks { .. } => ErrorCode::E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS,
            DaoError::SectorTypeNotSupported(_) | DaoError::BadPayload { .. } => {
                ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED
            }
            DaoError::InsufficientSpace { .. } => ErrorCode::E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE,
            DaoError::TooManyIndexes(_) => ErrorCode::E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES,
            DaoError::IndexTooClose { .. } => {
                ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX
            }
            DaoError::TrackTooShort { .. }
            | DaoError::BadParameter(_)
            | DaoError::CdText(_)
            | DaoError::Layout(_) => ErrorCode::E_INVALIDARG,
        }
    }
}

/// One track placed on the disc.
///
/// Units: LBAs; `end` is exclusive.
///
/// Spec: reference `imapi2.md` §2.16 (`StartingLba`, `SectorCount`, `TrackIndexes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaoTrack {
    /// Track number.
    pub number: u8,
    /// What the sectors hold.
    pub content: TrackContent,
    /// CONTROL nibble recorded in Q and the TOC.
    pub control: Control,
    /// First block of index 00 (= `start` without a pregap).
    pub pregap_start: Lba,
    /// INDEX 01 (IMAPI `StartingLba`).
    pub start: Lba,
    /// INDEX 02… as LBAs.
    pub index_starts: Vec<Lba>,
    /// First block after the track.
    pub end: Lba,
    /// ISRC.
    pub isrc: Option<Isrc>,
}

impl DaoTrack {
    /// Blocks from INDEX 01 to the end (IMAPI `SectorCount`). Units: blocks.
    pub fn blocks(&self) -> u32 {
        self.end.blocks_since(self.start).map_or(0, |b| b.0)
    }
}

/// Where a block of the image lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Before the first pregap.
    LeadIn,
    /// In track `index` (position in [`DaoLayout::tracks`]), `offset` blocks after its
    /// pregap start.
    Track {
        /// Position of the track in the layout.
        index: usize,
        /// Blocks since the track's pregap start.
        offset: u32,
    },
    /// From the lead-out start on.
    LeadOut,
    /// Outside the image.
    Outside,
}

/// The main-channel content the caller supplies for one block.
///
/// Spec: reference `imapi2.md` §3.11 (bytes per sector of each source type).
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Nothing from a source: digital silence on audio tracks, lead-in and lead-out; a data
    /// sector with zero user data on data tracks (Mode 2: Form 1 with a zero sub-header).
    Generated,
    /// 2352 bytes of 16-bit little-endian stereo samples (audio tracks).
    Audio(&'a [u8; SECTOR_BYTES]),
    /// 2048 bytes of Mode 1 user data (Mode 1 tracks).
    Mode1User(&'a [u8; MODE1_USER_BYTES]),
    /// A complete **unscrambled** 2352-byte data sector (a cue sheet's `MODE1/2352` or
    /// `MODE2/2352` file): its sync and mode must match the track; EDC/ECC are checked (Mode 1,
    /// Form 1); when its header names another address it is moved to this LBA (Mode 1: user
    /// data re-encoded; Mode 2: header rewritten, which no Mode 2 check covers).
    Sector(&'a [u8; SECTOR_BYTES]),
}

/// A checked image layout: every address of the disc and the generator of its blocks.
///
/// Spec: reference `imapi2.md` §5.7 (image layout); `mmc.md` §4.6–§4.9.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaoLayout {
    tracks: Vec<DaoTrack>,
    session: SessionLayout,
    packs: Vec<Pack>,
    form: SubchannelForm,
    block_bytes: usize,
    pq16_crc: Pq16Crc,
    options: SubchannelOptions,
    image_start: Lba,
    lead_out_start: Lba,
    image_end: Lba,
    mcn: Option<Mcn>,
}

fn cd_text_is_empty(t: &CdText) -> bool {
    t.disc == TextFields::default()
        && t.tracks.iter().all(|f| *f == TextFields::default())
        && t.disc_id.is_none()
        && t.genre.is_none()
}

impl DaoLayout {
    /// Checks `spec` against the image rules (module doc) and places every track.
    ///
    /// Track 1's pregap starts at LBA −150; each following track's pregap starts where the
    /// previous track ends; the lead-out follows the last track.
    ///
    /// # Errors
    ///
    /// [`DaoError`] naming the first broken rule (each with its IMAPI code).
    ///
    /// Spec: reference `imapi2.md` §2.15, §5.7; `mmc.md` §4.7.
    pub fn new(spec: &DaoSpec) -> Result<DaoLayout, DaoError> {
        let Some(block_bytes) = block_bytes(spec.form) else {
            return Err(DaoError::SectorTypeNotSupported(format!(
                "sub-channel form {} is not 1 (PQ), 2 (packed) or 3 (raw)",
                spec.form.to_raw()
            )));
        };
        if spec.tracks.is_empty() {
            return Err(DaoError::NoTracks);
        }
        let first = spec.first_track_number;
        let last = usize::from(first) + spec.tracks.len() - 1;
        if first == 0 || last > 99 {
            return Err(DaoError::TooManyTracks { first, last });
        }
        let has_mode1 = spec.tracks.iter().any(|t| t.content == TrackContent::Mode1);
        let has_mode2 = spec.tracks.iter().any(|t| t.content == TrackContent::Mode2);
        if has_mode1 && has_mode2 {
            return Err(DaoError::SectorTypeNotSupported(
                "Mode 1 and Mode 2 tracks cannot share a session (one disc type in A0)".into(),
            ));
        }
        if spec.image_start > Lba(-151) || Msf::from_lba(spec.image_start).is_none() {
            return Err(DaoError::BadParameter(format!(
                "image start LBA {} is not a lead-in address (−45 150 … −151)",
                spec.image_start
            )));
        }
        if spec.lead_out_blocks < MIN_LEAD_OUT_BLOCKS {
            return Err(DaoError::BadParameter(format!(
                "a lead-out of {} blocks is shorter than {MIN_LEAD_OUT_BLOCKS}",
                spec.lead_out_blocks
            )));
        }
        let limit = spec.start_of_lead_out_limit.min(MAX_LEAD_OUT_START);

        let mut tracks = Vec::with_capacity(spec.tracks.len());
        let mut cursor: i64 = -150;
        for (k, t) in spec.tracks.iter().enumerate() {
            let number = first + k as u8;
            if k == 0 && t.pregap_blocks < FIRST_PREGAP_BLOCKS {
                return Err(DaoError::TrackTooShort {
                    track: number,
                    what: format!(
                        "the first pregap has {} blocks; it needs {FIRST_PREGAP_BLOCKS}",
                        t.pregap_blocks
                    ),
                });
            }
            if t.blocks < MIN_TRACK_BLOCKS {
                return Err(DaoError::TrackTooShort {
                    track: number,
                    what: format!(
                        "{} blocks from INDEX 01; a track needs at least {MIN_TRACK_BLOCKS} (4 s)",
                        t.blocks
                    ),
                });
            }
            if t.index_offsets.len() > MAX_INDEXES - 1 {
                return Err(DaoError::TooManyIndexes(number));
            }
            let mut previous = 0u32;
            for &offset in &t.index_offsets {
                if offset < previous.saturating_add(MIN_INDEX_DISTANCE) || offset >= t.blocks {
                    return Err(DaoError::IndexTooClose {
                        track: number,
                        offset,
                    });
                }
                previous = offset;
            }
            let pregap_start = cursor;
            let start = pregap_start + i64::from(t.pregap_blocks);
            let end = start + i64::from(t.blocks);
            if end > i64::from(limit.0) {
                return Err(DaoError::InsufficientSpace {
                    lead_out: end,
                    limit,
                });
            }
            let mut control = Control(t.control.0 & 0x0F);
            if t.content.is_data() {
                control = Control((control.0 & Control::COPY_PERMITTED.0) | Control::DATA.0);
            } else {
                control = Control(control.0 & !Control::DATA.0);
            }
            // Bounded by the limit check above: every value fits in i32.
            let lba = |v: i64| Lba(v as i32);
            tracks.push(DaoTrack {
                number,
                content: t.content,
                control,
                pregap_start: lba(pregap_start),
                start: lba(start),
                index_starts: t
                    .index_offsets
                    .iter()
                    .map(|&o| lba(start + i64::from(o)))
                    .collect(),
                end: lba(end),
                isrc: t.isrc,
            });
            cursor = end;
        }
        let lead_out_start = Lba(cursor as i32);
        let image_end = Lba(lead_out_start.0 + spec.lead_out_blocks as i32);
        if Msf::from_lba(Lba(image_end.0 - 1)).is_none() {
            return Err(DaoError::InsufficientSpace {
                lead_out: cursor,
                limit,
            });
        }
        let disc_type = if has_mode2 {
            DiscType::CD_ROM_XA
        } else {
            DiscType::CD_DA_OR_CD_ROM
        };
        let session = SessionLayout::new(
            spec.image_start,
            tracks
                .iter()
                .map(|t| TrackLayout {
                    number: t.number,
                    control: t.control,
                    pregap_start: t.pregap_start,
                    start: t.start,
                    index_starts: t.index_starts.clone(),
                    isrc: t.isrc,
                })
                .collect(),
            lead_out_start,
            disc_type,
            spec.mcn,
        )?;
        let packs = match &spec.cd_text {
            Some(text) if !cd_text_is_empty(text) => {
                let mut text = text.clone();
                text.first_track = first;
                text.tracks.resize(tracks.len(), TextFields::default());
                text.encode()?
            }
            _ => Vec::new(),
        };
        Ok(DaoLayout {
            tracks,
            session,
            packs,
            form: spec.form,
            block_bytes,
            pq16_crc: spec.pq16_crc,
            options: spec.subchannel_options,
            image_start: spec.image_start,
            lead_out_start,
            image_end,
            mcn: spec.mcn,
        })
    }

    /// The tracks placed on the disc.
    pub fn tracks(&self) -> &[DaoTrack] {
        &self.tracks
    }

    /// The session layout the Q/P stream is computed from.
    pub fn session(&self) -> &SessionLayout {
        &self.session
    }

    /// The CD-Text packs cycled through the lead-in R–W (empty without CD-Text).
    pub fn cd_text_packs(&self) -> &[Pack] {
        &self.packs
    }

    /// The MCN, if any.
    pub fn mcn(&self) -> Option<Mcn> {
        self.mcn
    }

    /// Sub-channel form of the blocks.
    pub fn form(&self) -> SubchannelForm {
        self.form
    }

    /// Bytes of each image block (2368 or 2448). Units: bytes.
    pub fn block_bytes(&self) -> usize {
        self.block_bytes
    }

    /// First block of the image.
    pub fn image_start(&self) -> Lba {
        self.image_start
    }

    /// First block of the lead-out (IMAPI `StartOfLeadout`).
    #[doc(alias = "StartOfLeadout")]
    pub fn lead_out_start(&self) -> Lba {
        self.lead_out_start
    }

    /// First block after the image.
    pub fn image_end(&self) -> Lba {
        self.image_end
    }

    /// Last block that belongs to a track (IMAPI `LastUsedUserSectorInImage`).
    #[doc(alias = "LastUsedUserSectorInImage")]
    pub fn last_used_user_sector(&self) -> Lba {
        Lba(self.lead_out_start.0 - 1)
    }

    /// Blocks in the image. Units: blocks.
    pub fn blocks(&self) -> u64 {
        (i64::from(self.image_end.0) - i64::from(self.image_start.0)) as u64
    }

    /// Bytes in the image. Units: bytes.
    pub fn image_bytes(&self) -> u64 {
        self.blocks() * self.block_bytes as u64
    }

    /// Blocks of the image before LBA 0 (the `streamLeadInSectors` of `WriteMedia2`).
    /// Units: blocks.
    pub fn lead_in_blocks(&self) -> u32 {
        self.image_start.0.unsigned_abs()
    }

    /// Where `lba` lies.
    pub fn area(&self, lba: Lba) -> Area {
        if lba < self.image_start || lba >= self.image_end {
            return Area::Outside;
        }
        if lba >= self.lead_out_start {
            return Area::LeadOut;
        }
        match self.tracks.iter().rposition(|t| t.pregap_start <= lba) {
            None => Area::LeadIn,
            Some(index) => {
                let offset = self
                    .tracks
                    .get(index)
                    .and_then(|t| lba.blocks_since(t.pregap_start))
                    .map_or(0, |b| b.0);
                Area::Track { index, offset }
            }
        }
    }

    /// The content of the lead-in and lead-out main channel: the first track's for the
    /// lead-in, the last track's for the lead-out.
    fn edge_content(&self, lba: Lba) -> TrackContent {
        let t = if lba < Lba(-150) {
            self.tracks.first()
        } else {
            self.tracks.last()
        };
        t.map_or(TrackContent::Audio, |t| t.content)
    }

    /// Produces image block `lba` into `out` (exactly [`DaoLayout::block_bytes`] bytes): the
    /// main channel from `payload` (data sectors built or checked, then scrambled) and the
    /// sub-channel (Q from the layout, P, R–W = `rw` when given — the low 6 bits of each of the
    /// 96 bytes — else CD-Text in the lead-in and zero elsewhere) in the layout's form.
    ///
    /// Shape: bytes 0–2351 main channel; 2352–2367 PQ (form 1) or 2352–2447 packed R–W with
    /// P in b7 and Q in b6 (form 2, cdrecord's DBT 2) or raw interleaved P–W (form 3).
    ///
    /// # Errors
    ///
    /// [`DaoError::BadPayload`] for an LBA outside the image, an `out` of the wrong size, a
    /// payload that does not fit the track (audio samples on a data track, user data on an
    /// audio track, a sector of the wrong mode or with bad EDC/ECC).
    ///
    /// Spec: reference `mmc.md` §4.2–§4.9, §7 question 1 (scrambling in RAW mode).
    pub fn encode(
        &self,
        lba: Lba,
        payload: Payload<'_>,
        rw: Option<&[u8; SUBCHANNEL_BYTES]>,
        out: &mut [u8],
    ) -> Result<(), DaoError> {
        let bad = |reason: String| DaoError::BadPayload { lba, reason };
        if out.len() != self.block_bytes {
            return Err(bad(format!(
                "output buffer of {} bytes; a block has {}",
                out.len(),
                self.block_bytes
            )));
        }
        let content = match self.area(lba) {
            Area::Outside => return Err(bad("outside the image".into())),
            Area::LeadIn | Area::LeadOut => {
                if !matches!(payload, Payload::Generated) {
                    return Err(bad("the lead-in and lead-out take no source data".into()));
                }
                self.edge_content(lba)
            }
            Area::Track { index, .. } => self.tracks[index].content,
        };
        let (main, sub) = out.split_at_mut(SECTOR_BYTES);
        let mut sector = [0u8; SECTOR_BYTES];
        encode_main(lba, content, payload, &mut sector).map_err(bad)?;
        main.copy_from_slice(&sector);

        let q = q_frame(&self.session, lba, &self.options).emit();
        let p = crate::subchannel::p_flag(&self.session, lba, &self.options);
        match self.form {
            SubchannelForm::PqOnly => sub.copy_from_slice(&pq16_from_q(&q, p, self.pq16_crc)),
            _ => {
                let symbols = match rw {
                    Some(rw) => *rw,
                    None if lba
                        < self
                            .session
                            .tracks()
                            .first()
                            .map_or(lba, |t| t.pregap_start) =>
                    {
                        let index = (i64::from(lba.0) - i64::from(self.image_start.0)) as u64;
                        cdtext::lead_in_symbols(&self.packs, index)
                    }
                    None => [0; SUBCHANNEL_BYTES],
                };
                // Raw P–W (§4.8.1); with non-interleaved R–W the packed form with P/Q in
                // b7/b6 (§4.8.3, cdrecord's DBT 2) has the same bytes.
                sub.copy_from_slice(&raw_from_parts(p, &q, &symbols));
            }
        }
        Ok(())
    }
}

/// Builds the main channel of one block.
fn encode_main(
    lba: Lba,
    content: TrackContent,
    payload: Payload<'_>,
    sector: &mut [u8; SECTOR_BYTES],
) -> Result<(), String> {
    let address = Msf::from_lba(lba).ok_or_else(|| "the address has no MSF".to_string())?;
    match (content, payload) {
        (TrackContent::Audio, Payload::Generated) => sector.fill(0),
        (TrackContent::Audio, Payload::Audio(samples)) => sector.copy_from_slice(samples),
        (TrackContent::Audio, _) => return Err("an audio track takes audio samples".into()),
        (TrackContent::Mode1, Payload::Generated) => {
            mode1_into(sector, address, &[0; MODE1_USER_BYTES]);
            scramble(sector);
        }
        (TrackContent::Mode1, Payload::Mode1User(user)) => {
            mode1_into(sector, address, user);
            scramble(sector);
        }
        (TrackContent::Mode2, Payload::Generated) => {
            *sector = mode2_form1(
                address,
                Subheader::parse([0; 4]),
                &[0; MODE2_FORM1_USER_BYTES],
            );
            scramble(sector);
        }
        (content, Payload::Sector(source)) if content.is_data() => {
            check_and_move(source, content, address, sector)?;
            scramble(sector);
        }
        (TrackContent::Mode1, _) => {
            return Err("a Mode 1 track takes 2048-byte user data or 2352-byte sectors".into())
        }
        (TrackContent::Mode2, _) => return Err("a Mode 2 track takes 2352-byte sectors".into()),
    }
    Ok(())
}

/// Checks an unscrambled source sector against the track and writes it, moved to `address`,
/// into `sector`.
fn check_and_move(
    source: &[u8; SECTOR_BYTES],
    content: TrackContent,
    address: Msf,
    sector: &mut [u8; SECTOR_BYTES],
) -> Result<(), String> {
    let (header, kind) = classify(source).map_err(|e| format!("source sector: {e}"))?;
    let wanted = match content {
        TrackContent::Mode1 => matches!(kind, SectorKind::Mode1),
        _ => matches!(
            kind,
            SectorKind::Mode2Formless | SectorKind::Mode2Form1 | SectorKind::Mode2Form2
        ),
    };
    if !wanted {
        return Err(format!(
            "source sector is {kind:?}; the track holds {content:?} sectors"
        ));
    }
    sector::verify(source).map_err(|e| format!("source sector: {e}"))?;
    if header.address == address {
        sector.copy_from_slice(source);
        return Ok(());
    }
    match kind {
        SectorKind::Mode1 => {
            let mut user = [0u8; MODE1_USER_BYTES];
            user.copy_from_slice(&source[16..16 + MODE1_USER_BYTES]);
            mode1_into(sector, address, &user);
        }
        _ => {
            // Mode 2: the header is outside every EDC and (Form 1) taken as zero by the ECC.
            sector.copy_from_slice(source);
            sector[..12].copy_from_slice(&SYNC);
            sector[12..16].copy_from_slice(
                &Header {
                    address,
                    mode_byte: 2,
                }
                .emit(),
            );
        }
    }
    Ok(())
}

/// Converts one block's sub-channel between forms, as a writer must when the drive accepts
/// another Data Block Type than the image has: 96 → 16 keeps P and Q (R–W are dropped);
/// 16 → 96 gives zero R–W; raw ↔ packed copies the bytes (P in b7, Q in b6, R–W symbols in
/// b5–0 — exact for non-interleaved R–W such as lead-in CD-Text; program-area CD+G packs are
/// not re-interleaved, reference `mmc.md` §4.10 **UNVERIFIED**).
///
/// Shape: `from` and `to` are 16 or 96 bytes as the forms say.
///
/// # Errors
///
/// [`DaoError::BadParameter`] when a form is unknown or a slice has the wrong length.
///
/// Spec: reference `mmc.md` §4.8.
pub fn convert_subchannel(
    from_form: SubchannelForm,
    from: &[u8],
    to_form: SubchannelForm,
    to: &mut [u8],
    crc: Pq16Crc,
) -> Result<(), DaoError> {
    let bad = || {
        DaoError::BadParameter(format!(
            "cannot convert {} bytes of form {} to {} bytes of form {}",
            from.len(),
            from_form.to_raw(),
            to.len(),
            to_form.to_raw()
        ))
    };
    if from_form.bytes() != Some(from.len()) || to_form.bytes() != Some(to.len()) {
        return Err(bad());
    }
    match (from_form, to_form) {
        (SubchannelForm::PqOnly, SubchannelForm::PqOnly) => to.copy_from_slice(from),
        (SubchannelForm::PqOnly, _) => {
            let pq: &[u8; PQ16_BYTES] = from.try_into().map_err(|_| bad())?;
            let (q, p) = q_from_pq16(pq, crc);
            to.copy_from_slice(&raw_from_parts(p, &q, &[0; SUBCHANNEL_BYTES]));
        }
        (_, SubchannelForm::PqOnly) => {
            let raw: &[u8; SUBCHANNEL_BYTES] = from.try_into().map_err(|_| bad())?;
            to.copy_from_slice(&pq16_from_q(&q_from_raw(raw), p_from_raw(raw), crc));
        }
        _ => to.copy_from_slice(from),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdtext::packs_from_symbols;
    use crate::subchannel::{q_crc, QContent, QFrame, TocEntry};

    fn audio(pregap: u32, blocks: u32) -> DaoTrackSpec {
        DaoTrackSpec {
            content: TrackContent::Audio,
            control: Control::AUDIO,
            pregap_blocks: pregap,
            blocks,
            index_offsets: Vec::new(),
            isrc: None,
        }
    }

    fn spec(tracks: Vec<DaoTrackSpec>, form: SubchannelForm) -> DaoSpec {
        DaoSpec {
            tracks,
            form,
            ..DaoSpec::default()
        }
    }

    fn block(layout: &DaoLayout, lba: i32, payload: Payload<'_>) -> Vec<u8> {
        let mut out = vec![0xa5u8; layout.block_bytes()];
        layout.encode(Lba(lba), payload, None, &mut out).unwrap();
        out
    }

    #[test]
    fn layout_places_tracks_and_lead_out() {
        let mut second = audio(150, 400);
        second.index_offsets = vec![10, 200];
        let layout =
            DaoLayout::new(&spec(vec![audio(150, 300), second], SubchannelForm::RawPw)).unwrap();
        let t = layout.tracks();
        assert_eq!(
            (t[0].pregap_start, t[0].start, t[0].end),
            (Lba(-150), Lba(0), Lba(300))
        );
        assert_eq!(
            (t[1].pregap_start, t[1].start, t[1].end),
            (Lba(300), Lba(450), Lba(850))
        );
        assert_eq!(t[1].index_starts, vec![Lba(460), Lba(650)]);
        assert_eq!(t[1].number, 2);
        assert_eq!(layout.lead_out_start(), Lba(850));
        assert_eq!(layout.last_used_user_sector(), Lba(849));
        assert_eq!(layout.image_end(), Lba(850 + 6750));
        assert_eq!(layout.blocks(), 22_650 + 850 + 6750);
        assert_eq!(layout.image_bytes(), layout.blocks() * 2448);
        assert_eq!(layout.lead_in_blocks(), 22_650);
        assert_eq!(layout.area(Lba(-22_650)), Area::LeadIn);
        assert_eq!(layout.area(Lba(-151)), Area::LeadIn);
        assert_eq!(
            layout.area(Lba(-150)),
            Area::Track {
                index: 0,
                offset: 0
            }
        );
        assert_eq!(
            layout.area(Lba(301)),
            Area::Track {
                index: 1,
                offset: 1
            }
        );
        assert_eq!(layout.area(Lba(850)), Area::LeadOut);
        assert_eq!(layout.area(Lba(850 + 6750)), Area::Outside);
        assert_eq!(layout.area(Lba(-22_651)), Area::Outside);
    }

    #[test]
    fn layout_refusals_carry_imapi_codes() {
        let code = |s: DaoSpec| DaoLayout::new(&s).unwrap_err().code();
        assert_eq!(
            code(spec(vec![], SubchannelForm::RawPw)),
            ErrorCode::E_IMAPI_RAW_IMAGE_NO_TRACKS
        );
        let mut s = spec(vec![audio(150, 300), audio(0, 300)], SubchannelForm::RawPw);
        s.first_track_number = 99;
        assert_eq!(code(s), ErrorCode::E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS);
        assert_eq!(
            code(spec(vec![audio(150, 300)], SubchannelForm::Unknown(4))),
            ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED
        );
        let mut m1 = audio(150, 300);
        m1.content = TrackContent::Mode1;
        let mut m2 = audio(150, 300);
        m2.content = TrackContent::Mode2;
        assert_eq!(
            code(spec(vec![m1, m2], SubchannelForm::RawPw)),
            ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED
        );
        assert_eq!(
            code(spec(vec![audio(150, 299)], SubchannelForm::RawPw)),
            ErrorCode::E_INVALIDARG
        );
        assert_eq!(
            code(spec(vec![audio(149, 300)], SubchannelForm::RawPw)),
            ErrorCode::E_INVALIDARG
        );
        let mut close = audio(150, 300);
        close.index_offsets = vec![10, 19];
        assert_eq!(
            code(spec(vec![close], SubchannelForm::RawPw)),
            ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX
        );
        let mut first = audio(150, 300);
        first.index_offsets = vec![9];
        assert_eq!(
            code(spec(vec![first], SubchannelForm::RawPw)),
            ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX
        );
        let mut many = audio(150, 2000);
        many.index_offsets = (1..=99).map(|k| k * 10).collect();
        assert_eq!(
            code(spec(vec![many], SubchannelForm::RawPw)),
            ErrorCode::E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES
        );
        // Last user block 398 099 is allowed, 398 100 is not.
        assert!(DaoLayout::new(&spec(vec![audio(150, 398_100)], SubchannelForm::RawPw)).is_ok());
        assert_eq!(
            code(spec(vec![audio(150, 398_101)], SubchannelForm::RawPw)),
            ErrorCode::E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE
        );
        let mut limited = spec(vec![audio(150, 1000)], SubchannelForm::RawPw);
        limited.start_of_lead_out_limit = Lba(999);
        assert_eq!(
            code(limited),
            ErrorCode::E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE
        );
        let mut short_out = spec(vec![audio(150, 300)], SubchannelForm::RawPw);
        short_out.lead_out_blocks = 6749;
        assert_eq!(code(short_out), ErrorCode::E_INVALIDARG);
        let mut late = spec(vec![audio(150, 300)], SubchannelForm::RawPw);
        late.image_start = Lba(-150);
        assert_eq!(code(late), ErrorCode::E_INVALIDARG);
    }

    #[test]
    fn lead_in_block_carries_toc_in_q_pq16_form() {
        let layout = DaoLayout::new(&spec(vec![audio(150, 300)], SubchannelForm::PqOnly)).unwrap();
        let b = block(&layout, -22_650, Payload::Generated);
        assert_eq!(b.len(), 2368);
        assert!(
            b[..2352].iter().all(|&x| x == 0),
            "audio lead-in is silence"
        );
        let q = [
            0x01, // CONTROL 0 (audio) | ADR 1
            0x00, // TNO 00: lead-in
            0xA0, // POINT A0
            0x95, 0x00, 0x00, // running time 95:00:00 (BCD)
            0x00, // ZERO
            0x01, // PMIN: first track 1
            0x00, // PSEC: disc type CD-DA
            0x00, // PFRAME
        ];
        assert_eq!(b[2352..2362], q);
        assert_eq!(b[2362..2364], q_crc(&q).to_be_bytes()); // inverted CRC as on disc
        assert_eq!(b[2364..2368], [0x00, 0x00, 0x00, 0x00]); // B12-14 zero, B15 P = 0
                                                             // Three frames later: A1 (last track 1).
        let b = block(&layout, -22_647, Payload::Generated);
        assert_eq!(
            b[2352..2362],
            [0x01, 0x00, 0xA1, 0x95, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00]
        );
        // Then A2: lead-out at LBA 300 = 00:06:00.
        let b = block(&layout, -22_644, Payload::Generated);
        assert_eq!(
            b[2352..2362],
            [0x01, 0x00, 0xA2, 0x95, 0x00, 0x06, 0x00, 0x00, 0x06, 0x00]
        );
        // Then track 1 at 00:02:00.
        let b = block(&layout, -22_641, Payload::Generated);
        assert_eq!(
            b[2352..2362],
            [0x01, 0x00, 0x01, 0x95, 0x00, 0x09, 0x00, 0x00, 0x02, 0x00]
        );
    }

    #[test]
    fn pregap_block_has_p_and_counting_down_q() {
        let layout = DaoLayout::new(&spec(vec![audio(150, 300)], SubchannelForm::PqOnly)).unwrap();
        let b = block(&layout, -150, Payload::Generated);
        assert_eq!(
            b[2352..2362],
            [
                0x01, // audio | ADR 1
                0x01, // TNO 01
                0x00, // INDEX 00
                0x00, 0x02, 0x00, // relative 00:02:00, counting down
                0x00, // ZERO
                0x00, 0x00, 0x00, // absolute 00:00:00
            ]
        );
        assert_eq!(b[2367], 0x80); // P = 1 in the pregap
        let samples = [0x5Au8; SECTOR_BYTES];
        let b = block(&layout, 0, Payload::Audio(&samples));
        assert_eq!(b[..2352], samples[..]); // audio is never scrambled
        assert_eq!(b[2352..2355], [0x01, 0x01, 0x01]); // track 1 index 1
        assert_eq!(b[2367], 0x00);
    }

    #[test]
    fn mode1_block_is_scrambled_sector_of_its_address() {
        let mut data = audio(150, 300);
        data.content = TrackContent::Mode1;
        let layout = DaoLayout::new(&spec(vec![data], SubchannelForm::RawPw)).unwrap();
        let b = block(&layout, 0, Payload::Mode1User(&[0; MODE1_USER_BYTES]));
        assert_eq!(b[..12], SYNC);
        // mmc.md §4.5: the zero Mode 1 sector of LBA 0 scrambled has bytes 12-15 01 82 00 61.
        assert_eq!(b[12..16], [0x01, 0x82, 0x00, 0x61]);
        let mut main = [0u8; SECTOR_BYTES];
        main.copy_from_slice(&b[..2352]);
        scramble(&mut main);
        assert_eq!(main, sector::mode1(Msf::new(0, 2, 0).unwrap(), &[0; 2048]));
        // Q of a data track: CONTROL 4.
        assert_eq!(q_from_raw(b[2352..].try_into().unwrap())[0], 0x41);
        // Data disc: the lead-in main channel is a scrambled Mode 1 sector addressed 95:00:00.
        let b = block(&layout, -22_650, Payload::Generated);
        let mut main = [0u8; SECTOR_BYTES];
        main.copy_from_slice(&b[..2352]);
        scramble(&mut main);
        assert_eq!(main[12..16], [0x95, 0x00, 0x00, 0x01]);
        assert_eq!(sector::verify(&main), Ok(SectorKind::Mode1));
    }

    #[test]
    fn source_sector_is_checked_and_moved() {
        let mut data = audio(150, 300);
        data.content = TrackContent::Mode1;
        let layout = DaoLayout::new(&spec(vec![data], SubchannelForm::PqOnly)).unwrap();
        let user = [0x33u8; MODE1_USER_BYTES];
        let elsewhere = sector::mode1(Msf::new(10, 0, 0).unwrap(), &user);
        let b = block(&layout, 5, Payload::Sector(&elsewhere));
        let mut main = [0u8; SECTOR_BYTES];
        main.copy_from_slice(&b[..2352]);
        scramble(&mut main);
        assert_eq!(main, sector::mode1(Msf::new(0, 2, 5).unwrap(), &user));
        let mut broken = elsewhere;
        broken[100] ^= 1;
        let mut out = vec![0; layout.block_bytes()];
        let err = layout
            .encode(Lba(5), Payload::Sector(&broken), None, &mut out)
            .unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED
        );
        let err = layout
            .encode(Lba(5), Payload::Audio(&[0; SECTOR_BYTES]), None, &mut out)
            .unwrap_err();
        assert!(matches!(err, DaoError::BadPayload { .. }));
        let err = layout
            .encode(Lba(-200), Payload::Mode1User(&user), None, &mut out)
            .unwrap_err();
        assert!(matches!(err, DaoError::BadPayload { .. }));
    }

    #[test]
    fn lead_in_rw_cycles_cd_text_packs() {
        let mut text = CdText::default();
        text.disc.title = Some("Album".into());
        text.tracks = vec![TextFields {
            title: Some("Song".into()),
            ..TextFields::default()
        }];
        let mut s = spec(vec![audio(150, 300)], SubchannelForm::PackedRw);
        s.cd_text = Some(text.clone());
        let layout = DaoLayout::new(&s).unwrap();
        let packs = layout.cd_text_packs().to_vec();
        assert!(!packs.is_empty());
        let b = block(&layout, -22_650, Payload::Generated);
        let symbols: [u8; 96] = b[2352..].try_into().unwrap();
        let four = packs_from_symbols(&symbols);
        assert_eq!(four[0], packs[0]);
        assert_eq!(four[1], packs[1 % packs.len()]);
        // The whole cycle decodes back to the text.
        let n = packs.len();
        let mut seen = Vec::new();
        for k in 0..n as i32 {
            let b = block(&layout, -22_650 + k, Payload::Generated);
            seen.extend(packs_from_symbols(&b[2352..].try_into().unwrap()));
        }
        let back = CdText::decode(&seen).unwrap();
        assert_eq!(back.disc.title.as_deref(), Some("Album"));
        assert_eq!(back.tracks[0].title.as_deref(), Some("Song"));
        // The program area carries no R-W.
        let b = block(&layout, 0, Payload::Generated);
        assert!(b[2352..].iter().all(|s| s & 0x3F == 0));
    }

    #[test]
    fn lead_out_q_points_to_aa() {
        let layout = DaoLayout::new(&spec(vec![audio(150, 300)], SubchannelForm::RawPw)).unwrap();
        let b = block(&layout, 300, Payload::Generated);
        let q = q_from_raw(b[2352..].try_into().unwrap());
        match QFrame::parse(&q).unwrap().content {
            QContent::Position { track, index, .. } => assert_eq!((track, index), (0xAA, 1)),
            other => panic!("{other:?}"),
        }
        let lead_in = block(&layout, -22_644, Payload::Generated);
        let q = q_from_raw(lead_in[2352..].try_into().unwrap());
        assert!(matches!(
            QFrame::parse(&q).unwrap().content,
            QContent::LeadIn { entry: TocEntry::LeadOut { start }, .. } if start == Msf::new(0, 6, 0).unwrap()
        ));
    }

    #[test]
    fn convert_subchannel_keeps_p_and_q() {
        let layout = DaoLayout::new(&spec(vec![audio(150, 300)], SubchannelForm::RawPw)).unwrap();
        let raw = block(&layout, -100, Payload::Generated);
        let mut pq = [0xa5u8; 16];
        convert_subchannel(
            SubchannelForm::RawPw,
            &raw[2352..],
            SubchannelForm::PqOnly,
            &mut pq,
            Pq16Crc::AsOnDisc,
        )
        .unwrap();
        let pq_layout =
            DaoLayout::new(&spec(vec![audio(150, 300)], SubchannelForm::PqOnly)).unwrap();
        assert_eq!(pq[..], block(&pq_layout, -100, Payload::Generated)[2352..]);
        let mut back = [0xa5u8; 96];
        convert_subchannel(
            SubchannelForm::PqOnly,
            &pq,
            SubchannelForm::RawPw,
            &mut back,
            Pq16Crc::AsOnDisc,
        )
        .unwrap();
        assert_eq!(back[..], raw[2352..]);
        let mut packed = [0xa5u8; 96];
        convert_subchannel(
            SubchannelForm::RawPw,
            &raw[2352..],
            SubchannelForm::PackedRw,
            &mut packed,
            Pq16Crc::AsOnDisc,
        )
        .unwrap();
        assert_eq!(packed[..], raw[2352..]);
        assert!(convert_subchannel(
            SubchannelForm::RawPw,
            &raw[2352..2360],
            SubchannelForm::PqOnly,
            &mut pq,
            Pq16Crc::AsOnDisc
        )
        .is_err());
    }
}
