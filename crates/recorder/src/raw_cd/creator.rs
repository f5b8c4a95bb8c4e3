//! [`RawCdImageCreator`] = IMAPI `IRawCDImageCreator` (+ `IRawCDImageTrackInfo`): collects
//! tracks and disc settings, checks every IMAPI rule as it goes, and produces the raw DAO image
//! as a streaming [`RawCdImage`] (`CreateResultImage`), generated block by block from the
//! sources — never the whole image in memory.
//!
//! Layout of tracks added with [`RawCdImageCreator::add_track`] (reference `imapi2.md` §5.7):
//! track 1 gets a 150-block silent pregap (or the special pregap), every later track a 150-block
//! pregap of its own mode; with [`RawCdImageCreator::set_gapless`] the pregap of an audio track
//! that follows an audio track is instead the last 150 blocks of the previous track's audio (as
//! long as 300 remain there). Tracks imported from a cue sheet keep the sheet's layout.

use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;

use discmaster_cd::cdtext::{CdText, TextFields};
use discmaster_cd::dao::{
    self, Area, DaoLayout, DaoSpec, DaoTrackSpec, Payload, TrackContent, IMAGE_START,
    MAX_LEAD_OUT_START,
};
use discmaster_cd::sector::{
    mode2_form1, mode2_form2, Subheader, Submode, MODE1_USER_BYTES, MODE2_FORM2_USER_BYTES,
};
use discmaster_cd::subchannel::{Control, Isrc, Mcn, SubchannelForm, SUBCHANNEL_BYTES};
use discmaster_cd::{SectorType, SECTOR_BYTES};
use discmaster_core::{ErrorCode, Lba, Msf};

use super::source::{SourceReader, SourceSpec, TrackSource};
use crate::error::{Error, Result};

/// IMAPI `IMAPI_CD_TRACK_DIGITAL_COPY_SETTING`: the copy bit of an audio track.
///
/// Spec: reference `imapi2.md` §3.12.
#[doc(alias = "IMAPI_CD_TRACK_DIGITAL_COPY_SETTING")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DigitalCopySetting {
    /// 0: copies allowed (Q CONTROL bit 2h set).
    Permitted,
    /// 1: copies prohibited (bit clear). IMAPI's default.
    #[default]
    Prohibited,
    /// 2: a copy of a protected original (SCMS). Recorded as prohibited: the alternating copy
    /// bit of SCMS is not generated.
    Scms,
    /// Any other value.
    Unknown(u32),
}

impl DigitalCopySetting {
    /// The setting of an IMAPI value.
    pub const fn from_raw(raw: u32) -> DigitalCopySetting {
        match raw {
            0 => DigitalCopySetting::Permitted,
            1 => DigitalCopySetting::Prohibited,
            2 => DigitalCopySetting::Scms,
            other => DigitalCopySetting::Unknown(other),
        }
    }

    /// The IMAPI value.
    pub const fn to_raw(self) -> u32 {
        match self {
            DigitalCopySetting::Permitted => 0,
            DigitalCopySetting::Prohibited => 1,
            DigitalCopySetting::Scms => 2,
            DigitalCopySetting::Unknown(raw) => raw,
        }
    }
}

/// What [`RawCdImageCreator::add_track_index`] did (IMAPI `AddTrackIndex` success codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexAdded {
    /// `S_OK`: the index point was added.
    Added,
    /// `S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS` (0x00AA0A08): it was already there.
    AlreadyExists,
}

/// IMAPI `IRawCDImageTrackInfo`: one track's settings and place in the image.
///
/// Units: LBAs and blocks.
///
/// Spec: reference `imapi2.md` §2.16.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCdTrackInfo {
    /// `StartingLba`: INDEX 01.
    pub starting_lba: Lba,
    /// `SectorCount`: blocks from INDEX 01 to the end of the track.
    pub sector_count: u32,
    /// `TrackNumber`.
    pub track_number: u8,
    /// `SectorType`.
    pub sector_type: SectorType,
    /// `ISRC` (12 characters without dashes).
    pub isrc: Option<String>,
    /// `DigitalAudioCopySetting`.
    pub digital_audio_copy_setting: DigitalCopySetting,
    /// `AudioHasPreemphasis`.
    pub audio_has_preemphasis: bool,
    /// `TrackIndexes`: block offsets of the index points from INDEX 01 (0 first).
    pub track_indexes: Vec<u32>,
    /// Blocks of the pregap (index 00) before INDEX 01.
    pub pregap_blocks: u32,
    /// CD-Text of the track.
    pub cd_text: TextFields,
}

/// How a source's bytes become one block's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayloadForm {
    /// 2352 bytes of PCM.
    Audio,
    /// 2048 bytes of Mode 1 user data.
    Mode1User,
    /// A complete unscrambled 2352-byte data sector.
    Sector,
    /// 2336 bytes of Mode 2 (sub-header ×2 + data) without sync and header (cue `MODE2/2336`).
    Mode2Body,
}

impl PayloadForm {
    pub(crate) fn sector_bytes(self) -> u32 {
        match self {
            PayloadForm::Audio | PayloadForm::Sector => 2352,
            PayloadForm::Mode1User => 2048,
            PayloadForm::Mode2Body => 2336,
        }
    }
}

/// Where a run of blocks of one track comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartSource {
    /// Silence / zero-data sectors.
    Generated,
    /// Bytes of source `id`.
    Source {
        id: usize,
        /// Content offset of the first block. Units: bytes.
        offset_bytes: u64,
        /// Content bytes of the run (the last block may be partial: zero-padded).
        bytes: u64,
        form: PayloadForm,
    },
}

/// A run of blocks in a track area (pregap included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) blocks: u32,
    pub(crate) source: PartSource,
}

/// A track body: an IMAPI stream (gaps chosen by the creator) or a fixed layout (cue).
#[derive(Debug, Clone)]
pub(crate) enum TrackBody {
    Stream {
        source: usize,
        form: PayloadForm,
    },
    Explicit {
        pregap_blocks: u32,
        blocks: u32,
        parts: Vec<Part>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct CreatorTrack {
    pub(crate) sector_type: SectorType,
    pub(crate) content: TrackContent,
    pub(crate) body: TrackBody,
    pub(crate) isrc: Option<Isrc>,
    pub(crate) copy: DigitalCopySetting,
    pub(crate) pre_emphasis: bool,
    pub(crate) four_channel: bool,
    /// Offsets of INDEX 02… from INDEX 01.
    pub(crate) indexes: Vec<u32>,
    pub(crate) cd_text: TextFields,
}

/// A part placed on the disc.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlacedPart {
    pub(crate) start: Lba,
    pub(crate) blocks: u32,
    pub(crate) source: PartSource,
}

/// Blocks needed for `bytes` at `per` bytes per block, rounded up.
fn blocks_for(bytes: u64, per: u32) -> u64 {
    bytes.div_ceil(u64::from(per))
}

fn refused(code: ErrorCode, reason: impl Into<String>) -> Error {
    Error::refused(code, reason)
}

fn dao_error(e: dao::DaoError) -> Error {
    Error::refused(e.code(), e.to_string())
}

/// IMAPI `IRawCDImageCreator`: builds a raw Disc-At-Once image.
///
/// ```
/// # fn main() -> Result<(), discmaster::Error> {
/// use discmaster::{RawCdImageCreator, TrackSource};
/// use discmaster::cd::SectorType;
/// let mut creator = RawCdImageCreator::new();
/// // Five seconds of silence as raw PCM.
/// creator.add_track(SectorType::Audio, TrackSource::memory(vec![0; 375 * 2352]))?;
/// let image = creator.create_result_image()?;
/// assert_eq!(image.len(), (22_650 + 375 + 6_750) * 2448);
/// # Ok(()) }
/// ```
///
/// Spec: reference `imapi2.md` §2.15, §2.16, §3.11, §4.8, §5.7.
#[derive(Debug, Clone)]
pub struct RawCdImageCreator {
    pub(crate) form: SubchannelForm,
    pub(crate) first_track_number: u8,
    pub(crate) gapless: bool,
    pub(crate) mcn: Option<Mcn>,
    pub(crate) start_of_lead_out_limit: Lba,
    pub(crate) tracks: Vec<CreatorTrack>,
    pub(crate) sources: Vec<SourceSpec>,
    pub(crate) special_pregap: Option<usize>,
    pub(crate) rw_generator: Option<usize>,
    pub(crate) cd_text: CdText,
    pub(crate) read_only: bool,
}

impl Default for RawCdImageCreator {
    fn default() -> Self {
        RawCdImageCreator::new()
    }
}

impl RawCdImageCreator {
    /// An empty creator with IMAPI's defaults: `ResultingImageType` packed R–W
    /// (`IS_COOKED`), first track 1, standard 150-block gaps, no MCN, lead-out limit
    /// 398 100.
    pub fn new() -> RawCdImageCreator {
        RawCdImageCreator {
            form: SubchannelForm::PackedRw,
            first_track_number: 1,
            gapless: false,
            mcn: None,
            start_of_lead_out_limit: MAX_LEAD_OUT_START,
            tracks: Vec::new(),
            sources: Vec::new(),
            special_pregap: None,
            rw_generator: None,
            cd_text: CdText::default(),
            read_only: false,
        }
    }

    fn check_writable(&self) -> Result<()> {
        if self.read_only {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_IS_READ_ONLY,
                "CreateResultImage was called; the creator is read-only",
            ));
        }
        Ok(())
    }

    /// `ResultingImageType`: the sub-channel form of the image.
    pub fn resulting_image_type(&self) -> SubchannelForm {
        self.form
    }

    /// `put_ResultingImageType`.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` for an unknown form, or PQ-only while
    /// an R–W generator is set (reference `imapi2.md` §2.15).
    pub fn set_resulting_image_type(&mut self, form: SubchannelForm) -> Result<()> {
        self.check_writable()?;
        if form.bytes().is_none() {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                format!(
                    "sector type {} is not 1 (PQ only), 2 (cooked) or 3 (raw)",
                    form.to_raw()
                ),
            ));
        }
        if form == SubchannelForm::PqOnly && self.rw_generator.is_some() {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                "a PQ-only image cannot carry the R-W sub-code of the generator",
            ));
        }
        self.form = form;
        Ok(())
    }

    /// `StartingTrackNumber`.
    pub fn starting_track_number(&self) -> u8 {
        self.first_track_number
    }

    /// `put_StartingTrackNumber` (1–99, before any track; then every track must be audio).
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`, `E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED`,
    /// `E_INVALIDARG` outside 1–99.
    pub fn set_starting_track_number(&mut self, number: u8) -> Result<()> {
        self.check_writable()?;
        if !self.tracks.is_empty() || self.special_pregap.is_some() {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED,
                "the starting track number can only be set before tracks are added",
            ));
        }
        if !(1..=99).contains(&number) {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                format!("starting track number {number} is not 1-99"),
            ));
        }
        self.first_track_number = number;
        Ok(())
    }

    /// Gapless audio (IMAPI `DisableGaplessAudio`, positively named — reference `imapi2.md`
    /// §0.4): when true, the pregap of an audio track after an audio track is the last
    /// 150 blocks of the previous track instead of 150 blocks of silence.
    pub fn gapless(&self) -> bool {
        self.gapless
    }

    /// Sets gapless audio (only before tracks are added).
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`, `E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED`.
    pub fn set_gapless(&mut self, gapless: bool) -> Result<()> {
        self.check_writable()?;
        if !self.tracks.is_empty() {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED,
                "gapless audio can only be chosen before tracks are added",
            ));
        }
        self.gapless = gapless;
        Ok(())
    }

    /// `MediaCatalogNumber` (13 digits), if set.
    pub fn media_catalog_number(&self) -> Option<String> {
        self.mcn.map(|m| m.to_string())
    }

    /// `put_MediaCatalogNumber`: 13 decimal digits (leading zeros may be omitted) whose last
    /// digit is the EAN-13 check digit; empty clears it.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` for other text or a wrong check digit.
    pub fn set_media_catalog_number(&mut self, text: &str) -> Result<()> {
        self.check_writable()?;
        if text.is_empty() {
            self.mcn = None;
            return Ok(());
        }
        let bad = || {
            refused(
                ErrorCode::E_INVALIDARG,
                format!("MCN {text:?} is not 1-13 digits ending in a valid EAN-13 check digit"),
            )
        };
        if text.len() > 13 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let padded = format!("{text:0>13}");
        let digits: Vec<u32> = padded.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = digits[..12]
            .iter()
            .enumerate()
            .map(|(i, d)| if i % 2 == 0 { *d } else { 3 * d })
            .sum();
        if (10 - sum % 10) % 10 != digits[12] {
            return Err(bad());
        }
        self.mcn = Some(Mcn::new(&padded).map_err(|_| bad())?);
        Ok(())
    }

    /// `StartOfLeadoutLimit`.
    pub fn start_of_lead_out_limit(&self) -> Lba {
        self.start_of_lead_out_limit
    }

    /// `put_StartOfLeadoutLimit`: the image must fit media whose lead-out may start at `limit`.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` outside 1…398 100;
    /// `E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE` when the tracks already pass it.
    pub fn set_start_of_lead_out_limit(&mut self, limit: Lba) -> Result<()> {
        self.check_writable()?;
        if limit.0 < 1 || limit > MAX_LEAD_OUT_START {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                format!("lead-out limit {limit} is not 1-{}", MAX_LEAD_OUT_START.0),
            ));
        }
        let old = self.start_of_lead_out_limit;
        self.start_of_lead_out_limit = limit;
        if !self.tracks.is_empty() {
            if let Err(e) = self.layout() {
                self.start_of_lead_out_limit = old;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Disc CD-Text (language, character code, album fields, disc id, genre); the per-track
    /// fields come from [`RawCdImageCreator::set_track_cd_text`]. Written in the lead-in R–W
    /// (not with a PQ-only image).
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`.
    pub fn set_cd_text(&mut self, text: CdText) -> Result<()> {
        self.check_writable()?;
        self.cd_text = CdText {
            tracks: Vec::new(),
            ..text
        };
        Ok(())
    }

    /// The disc CD-Text (without track fields).
    pub fn cd_text(&self) -> &CdText {
        &self.cd_text
    }

    fn add_source(&mut self, spec: SourceSpec) -> usize {
        self.sources.push(spec);
        self.sources.len() - 1
    }

    /// `AddTrack`: appends a track of `sector_type` from `source`; returns its 1-based index.
    ///
    /// Accepted types: [`SectorType::Audio`] (WAV, FLAC or raw PCM; 44.1 kHz 16-bit stereo;
    /// a partial last block is padded with silence) and [`SectorType::Mode1`] (2048-byte
    /// sectors, e.g. an ISO 9660 image). A track needs at least 300 blocks (4 s).
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED` for
    /// other types, audio in another format, a data track with a starting track number ≠ 1;
    /// `E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS`; `E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE`;
    /// `E_INVALIDARG` for a track shorter than 300 blocks or a Mode 1 source whose size is not a
    /// multiple of 2048; `E_DISCMASTER_IO`.
    pub fn add_track(&mut self, sector_type: SectorType, source: TrackSource) -> Result<u32> {
        self.check_writable()?;
        let (content, form, spec) = match sector_type {
            SectorType::Audio => (
                TrackContent::Audio,
                PayloadForm::Audio,
                SourceSpec::audio(source)?,
            ),
            SectorType::Mode1 => {
                if self.first_track_number != 1 {
                    return Err(refused(
                        ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
                        "with a starting track number other than 1 every track must be audio",
                    ));
                }
                let spec = SourceSpec::raw(source)?;
                if !spec.len.is_multiple_of(MODE1_USER_BYTES as u64) {
                    return Err(refused(
                        ErrorCode::E_INVALIDARG,
                        format!(
                            "{}: {} bytes is not a whole number of 2048-byte sectors",
                            spec.name(),
                            spec.len
                        ),
                    ));
                }
                (TrackContent::Mode1, PayloadForm::Mode1User, spec)
            }
            other => {
                return Err(refused(
                    ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
                    format!(
                        "sector type {other:?} ({}) is not supported; use audio or Mode 1",
                        other.to_raw()
                    ),
                ))
            }
        };
        let number = usize::from(self.first_track_number) + self.tracks.len();
        if number > 99 {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS,
                "track numbers are limited to 99",
            ));
        }
        let blocks = blocks_for(spec.len, form.sector_bytes());
        if blocks < u64::from(dao::MIN_TRACK_BLOCKS) {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                format!(
                    "{}: {blocks} blocks; a track needs at least 300 (4 seconds)",
                    spec.name()
                ),
            ));
        }
        let id = self.add_source(spec);
        self.tracks.push(CreatorTrack {
            sector_type,
            content,
            body: TrackBody::Stream { source: id, form },
            isrc: None,
            copy: DigitalCopySetting::default(),
            pre_emphasis: false,
            four_channel: false,
            indexes: Vec::new(),
            cd_text: TextFields::default(),
        });
        if let Err(e) = self.layout() {
            self.tracks.pop();
            self.sources.pop();
            return Err(e);
        }
        Ok(self.tracks.len() as u32)
    }

    /// `AddSpecialPregap`: audio placed in track 1's pregap (a "hidden track"), at least
    /// 150 blocks, only before any track.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`, `E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED`,
    /// `E_INVALIDARG` (shorter than 150 blocks), audio format errors as
    /// [`RawCdImageCreator::add_track`].
    pub fn add_special_pregap(&mut self, source: TrackSource) -> Result<()> {
        self.check_writable()?;
        if !self.tracks.is_empty() {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED,
                "the special pregap must be added before any track",
            ));
        }
        let spec = SourceSpec::audio(source)?;
        let blocks = blocks_for(spec.len, 2352);
        if blocks < u64::from(dao::FIRST_PREGAP_BLOCKS) {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                format!("the special pregap has {blocks} blocks; it needs at least 150"),
            ));
        }
        if blocks > u64::from(dao::MAX_LEAD_OUT_START.0 as u32) {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE,
                "the special pregap leaves no room for a track",
            ));
        }
        self.special_pregap = Some(self.add_source(spec));
        Ok(())
    }

    /// `AddSubcodeRWGenerator`: R–W sub-code for every block of the final image, 96 bytes per
    /// block with bits 7–6 zero (P and Q are generated). Replaces CD-Text in the lead-in.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` with a PQ-only image;
    /// `E_DISCMASTER_IO`. The length is checked by [`RawCdImageCreator::create_result_image`].
    pub fn add_subcode_rw_generator(&mut self, source: TrackSource) -> Result<()> {
        self.check_writable()?;
        if self.form == SubchannelForm::PqOnly {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                "a PQ-only image carries no R-W sub-code",
            ));
        }
        let spec = SourceSpec::raw(source)?;
        self.rw_generator = Some(self.add_source(spec));
        Ok(())
    }

    /// `NumberOfExistingTracks`.
    pub fn number_of_existing_tracks(&self) -> u32 {
        self.tracks.len() as u32
    }

    fn track_at(&mut self, index: u32) -> Result<&mut CreatorTrack> {
        self.check_writable()?;
        let n = self.tracks.len();
        index
            .checked_sub(1)
            .and_then(|i| self.tracks.get_mut(i as usize))
            .ok_or_else(|| {
                refused(
                    ErrorCode::E_INVALIDARG,
                    format!("track index {index} is not 1-{n}"),
                )
            })
    }

    /// `TrackInfo(index).put_ISRC`: `CC-OOO-YY-NNNNN` (dashes optional); `None` clears it.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` for a bad index, bad text or a data
    /// track.
    pub fn set_track_isrc(&mut self, index: u32, isrc: Option<&str>) -> Result<()> {
        let t = self.track_at(index)?;
        let Some(text) = isrc else {
            t.isrc = None;
            return Ok(());
        };
        if t.content.is_data() {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                "an ISRC belongs to audio tracks only",
            ));
        }
        t.isrc = Some(
            Isrc::new(text)
                .map_err(|e| refused(ErrorCode::E_INVALIDARG, format!("ISRC {text:?}: {e}")))?,
        );
        Ok(())
    }

    /// `TrackInfo(index).put_DigitalAudioCopySetting` (audio tracks).
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` for a bad index, an unknown value or
    /// a data track.
    pub fn set_track_digital_audio_copy_setting(
        &mut self,
        index: u32,
        setting: DigitalCopySetting,
    ) -> Result<()> {
        let t = self.track_at(index)?;
        if t.content.is_data() || matches!(setting, DigitalCopySetting::Unknown(_)) {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                "the digital copy setting takes 0-2 and applies to audio tracks only",
            ));
        }
        t.copy = setting;
        Ok(())
    }

    /// `TrackInfo(index).put_AudioHasPreemphasis` (audio tracks; sets the flag only).
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` for a bad index or a data track.
    pub fn set_track_audio_has_preemphasis(&mut self, index: u32, value: bool) -> Result<()> {
        let t = self.track_at(index)?;
        if t.content.is_data() {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                "pre-emphasis applies to audio tracks only",
            ));
        }
        t.pre_emphasis = value;
        Ok(())
    }

    /// The track's CD-Text fields (title, performer, …).
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` for a bad index.
    pub fn set_track_cd_text(&mut self, index: u32, text: TextFields) -> Result<()> {
        self.track_at(index)?.cd_text = text;
        Ok(())
    }

    /// `TrackInfo(index).AddTrackIndex(lbaOffset)`: an index point `offset` blocks after
    /// INDEX 01.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` for a bad track index or an offset
    /// outside the track; `E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES` (> 99);
    /// `E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX` (< 10 blocks from another).
    pub fn add_track_index(&mut self, index: u32, offset: u32) -> Result<IndexAdded> {
        let info = self.track_info(index)?;
        let t = self.track_at(index)?;
        if offset == 0 || t.indexes.contains(&offset) {
            return Ok(IndexAdded::AlreadyExists);
        }
        if offset >= info.sector_count || offset > 0x7FFF_FFFF {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                format!(
                    "index offset {offset} is outside the track ({} blocks)",
                    info.sector_count
                ),
            ));
        }
        if t.indexes.len() + 1 >= dao::MAX_INDEXES {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES,
                "a track has at most 99 index points",
            ));
        }
        let close = std::iter::once(0)
            .chain(t.indexes.iter().copied())
            .any(|o| o.abs_diff(offset) < dao::MIN_INDEX_DISTANCE);
        if close {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX,
                format!("index offset {offset} is closer than 10 blocks to another index"),
            ));
        }
        t.indexes.push(offset);
        t.indexes.sort_unstable();
        Ok(IndexAdded::Added)
    }

    /// `TrackInfo(index).ClearTrackIndex(lbaOffset)`.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY`; `E_INVALIDARG` for a bad track index;
    /// `E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED`;
    /// `E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND`.
    pub fn clear_track_index(&mut self, index: u32, offset: u32) -> Result<()> {
        let t = self.track_at(index)?;
        if offset == 0 {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED,
                "INDEX 01 (offset 0) cannot be cleared",
            ));
        }
        let Some(k) = t.indexes.iter().position(|&o| o == offset) else {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND,
                format!("no index point at offset {offset}"),
            ));
        };
        t.indexes.remove(k);
        Ok(())
    }

    /// `TrackInfo(index)`: the track's settings and its place in the image.
    ///
    /// # Errors
    /// `E_INVALIDARG` for a bad index; layout errors.
    pub fn track_info(&self, index: u32) -> Result<RawCdTrackInfo> {
        let n = self.tracks.len();
        let Some(k) = index.checked_sub(1).map(|k| k as usize).filter(|&k| k < n) else {
            return Err(refused(
                ErrorCode::E_INVALIDARG,
                format!("track index {index} is not 1-{n}"),
            ));
        };
        let (layout, _) = self.layout()?;
        let placed = &layout.tracks()[k];
        let t = &self.tracks[k];
        Ok(RawCdTrackInfo {
            starting_lba: placed.start,
            sector_count: placed.blocks(),
            track_number: placed.number,
            sector_type: t.sector_type,
            isrc: t.isrc.map(|i| i.to_string()),
            digital_audio_copy_setting: t.copy,
            audio_has_preemphasis: t.pre_emphasis,
            track_indexes: std::iter::once(0)
                .chain(t.indexes.iter().copied())
                .collect(),
            pregap_blocks: placed
                .start
                .blocks_since(placed.pregap_start)
                .map_or(0, |b| b.0),
            cd_text: t.cd_text.clone(),
        })
    }

    /// `StartOfLeadout`.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_NO_TRACKS`.
    pub fn start_of_lead_out(&self) -> Result<Lba> {
        Ok(self.layout()?.0.lead_out_start())
    }

    /// `LastUsedUserSectorInImage`.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_NO_TRACKS`.
    pub fn last_used_user_sector_in_image(&self) -> Result<Lba> {
        Ok(self.layout()?.0.last_used_user_sector())
    }

    /// `ExpectedTableOfContents`: the disc's TOC as (POINT, CONTROL, MSF) — tracks 1–99 with
    /// their INDEX 01, then AAh with the lead-out start.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_NO_TRACKS`.
    pub fn expected_table_of_contents(&self) -> Result<Vec<(u8, u8, Msf)>> {
        let (layout, _) = self.layout()?;
        let msf = |l: Lba| {
            Msf::from_lba(l).unwrap_or(Msf {
                minute: 0,
                second: 0,
                frame: 0,
            })
        };
        let mut v: Vec<(u8, u8, Msf)> = layout
            .tracks()
            .iter()
            .map(|t| (t.number, t.control.0, msf(t.start)))
            .collect();
        let last_control = layout.tracks().last().map_or(0, |t| t.control.0);
        v.push((0xAA, last_control, msf(layout.lead_out_start())));
        Ok(v)
    }

    /// The checked layout and the placed parts, from the current settings.
    pub(crate) fn layout(&self) -> Result<(DaoLayout, Vec<PlacedPart>)> {
        let (spec, parts) = self.plan()?;
        let layout = DaoLayout::new(&spec).map_err(dao_error)?;
        let mut placed = Vec::new();
        for (k, track_parts) in parts.into_iter().enumerate() {
            let Some(t) = layout.tracks().get(k) else {
                break;
            };
            let mut at = t.pregap_start.0;
            for p in track_parts {
                placed.push(PlacedPart {
                    start: Lba(at),
                    blocks: p.blocks,
                    source: p.source,
                });
                at += p.blocks as i32;
            }
        }
        Ok((layout, placed))
    }

    /// The DAO spec and each track's parts (pregap included), gaps chosen.
    fn plan(&self) -> Result<(DaoSpec, Vec<Vec<Part>>)> {
        if self.tracks.is_empty() {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_NO_TRACKS,
                "the image has no tracks",
            ));
        }
        let mut specs: Vec<DaoTrackSpec> = Vec::with_capacity(self.tracks.len());
        let mut parts: Vec<Vec<Part>> = Vec::with_capacity(self.tracks.len());
        for (k, t) in self.tracks.iter().enumerate() {
            let mut control = Control::AUDIO;
            if t.copy == DigitalCopySetting::Permitted {
                control = control.with(Control::COPY_PERMITTED);
            }
            if t.pre_emphasis {
                control = control.with(Control::PRE_EMPHASIS);
            }
            if t.four_channel {
                control = control.with(Control::FOUR_CHANNEL);
            }
            let (pregap_parts, pregap_blocks, body_parts, blocks) = match &t.body {
                TrackBody::Explicit {
                    pregap_blocks,
                    blocks,
                    parts,
                } => (Vec::new(), *pregap_blocks, parts.clone(), *blocks),
                TrackBody::Stream { source, form } => {
                    let len = self.sources.get(*source).map_or(0, |s| s.len);
                    let per = form.sector_bytes();
                    let blocks = u32::try_from(blocks_for(len, per)).map_err(|_| {
                        refused(
                            ErrorCode::E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE,
                            "the track is longer than any CD",
                        )
                    })?;
                    let body = vec![Part {
                        blocks,
                        source: PartSource::Source {
                            id: *source,
                            offset_bytes: 0,
                            bytes: len,
                            form: *form,
                        },
                    }];
                    let (pre, pre_blocks) = self.pregap_for(k, &mut specs, &mut parts)?;
                    (pre, pre_blocks, body, blocks)
                }
            };
            let mut all = pregap_parts;
            all.extend(body_parts);
            parts.push(all);
            specs.push(DaoTrackSpec {
                content: t.content,
                control,
                pregap_blocks,
                blocks,
                index_offsets: t.indexes.clone(),
                isrc: t.isrc,
            });
        }
        let mut cd_text = self.cd_text.clone();
        cd_text.tracks = self.tracks.iter().map(|t| t.cd_text.clone()).collect();
        let spec = DaoSpec {
            first_track_number: self.first_track_number,
            tracks: specs,
            mcn: self.mcn,
            cd_text: (self.form != SubchannelForm::PqOnly && self.rw_generator.is_none())
                .then_some(cd_text),
            form: self.form,
            start_of_lead_out_limit: self.start_of_lead_out_limit,
            image_start: IMAGE_START,
            ..DaoSpec::default()
        };
        Ok((spec, parts))
    }

    /// The pregap of stream track `k`: track 1's 150 blocks (or the special pregap), else
    /// 150 blocks of the track's mode, or with gapless audio the previous track's tail (which
    /// is taken from `specs`/`parts` of the previous track).
    fn pregap_for(
        &self,
        k: usize,
        specs: &mut [DaoTrackSpec],
        parts: &mut [Vec<Part>],
    ) -> Result<(Vec<Part>, u32)> {
        let generated = |blocks: u32| {
            vec![Part {
                blocks,
                source: PartSource::Generated,
            }]
        };
        if k == 0 {
            if let Some(id) = self.special_pregap {
                let len = self.sources.get(id).map_or(0, |s| s.len);
                let blocks = blocks_for(len, 2352) as u32;
                return Ok((
                    vec![Part {
                        blocks,
                        source: PartSource::Source {
                            id,
                            offset_bytes: 0,
                            bytes: len,
                            form: PayloadForm::Audio,
                        },
                    }],
                    blocks,
                ));
            }
            return Ok((
                generated(dao::FIRST_PREGAP_BLOCKS),
                dao::FIRST_PREGAP_BLOCKS,
            ));
        }
        let this_audio = self.tracks.get(k).is_some_and(|t| !t.content.is_data());
        let prev = self.tracks.get(k - 1);
        let prev_stream_audio = prev
            .is_some_and(|p| !p.content.is_data() && matches!(p.body, TrackBody::Stream { .. }));
        if !(self.gapless && this_audio && prev_stream_audio) {
            return Ok((generated(150), 150));
        }
        let (Some(prev_spec), Some(prev_parts)) = (specs.get_mut(k - 1), parts.get_mut(k - 1))
        else {
            return Ok((generated(150), 150));
        };
        let movable = prev_spec
            .blocks
            .saturating_sub(dao::MIN_TRACK_BLOCKS)
            .min(150);
        let last = prev_parts.last_mut();
        let Some(Part {
            blocks,
            source:
                PartSource::Source {
                    id,
                    offset_bytes,
                    bytes,
                    form,
                },
        }) = last
        else {
            return Ok((generated(150), 150));
        };
        let movable = movable.min(*blocks);
        if movable == 0 {
            return Ok((Vec::new(), 0));
        }
        // Split the previous track's last part: its last `movable` blocks become this pregap.
        let keep_blocks = *blocks - movable;
        let keep_bytes = (u64::from(keep_blocks) * u64::from(form.sector_bytes())).min(*bytes);
        let tail = Part {
            blocks: movable,
            source: PartSource::Source {
                id: *id,
                offset_bytes: *offset_bytes + keep_bytes,
                bytes: *bytes - keep_bytes,
                form: *form,
            },
        };
        *blocks = keep_blocks;
        *bytes = keep_bytes;
        prev_spec.blocks -= movable;
        Ok((vec![tail], movable))
    }

    /// `CreateResultImage`: the image as a stream generated on the fly (only the current block
    /// is held in memory). Callable once; afterwards the creator is read-only.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_IS_READ_ONLY` when called again; `E_IMAPI_RAW_IMAGE_NO_TRACKS`;
    /// `E_INVALIDARG` when the R–W generator's length is not 96 bytes per image block;
    /// every layout refusal (codes as the setters).
    pub fn create_result_image(&mut self) -> Result<RawCdImage> {
        self.check_writable()?;
        let image = self.build_image()?;
        self.read_only = true;
        Ok(image)
    }

    /// Builds a stream without freezing the creator (for tools that write several forms).
    pub(crate) fn build_image(&self) -> Result<RawCdImage> {
        let (layout, parts) = self.layout()?;
        if let Some(id) = self.rw_generator {
            let len = self.sources.get(id).map_or(0, |s| s.len);
            let want = layout.blocks() * SUBCHANNEL_BYTES as u64;
            if len != want {
                return Err(refused(
                    ErrorCode::E_INVALIDARG,
                    format!(
                        "the R-W generator has {len} bytes; the image needs {want} (96 per block)"
                    ),
                ));
            }
        }
        Ok(RawCdImage::new(
            layout,
            parts,
            self.sources.clone(),
            self.rw_generator,
        ))
    }
}

/// A raw DAO image generated on the fly (`CreateResultImage`'s `IStream`): `Read` and `Seek`
/// over [`RawCdImage::len`] bytes of [`DaoLayout::block_bytes`]-byte blocks starting at
/// [`DaoLayout::image_start`] (95:00:00).
///
/// Errors while reading (a source that changed or fails) surface as `std::io::Error`s of kind
/// `InvalidData` or the OS error.
pub struct RawCdImage {
    layout: Arc<DaoLayout>,
    parts: Arc<Vec<PlacedPart>>,
    sources: Arc<Vec<SourceSpec>>,
    readers: Vec<Option<SourceReader>>,
    rw: Option<usize>,
    /// Byte position in the image.
    position: u64,
    /// The block currently in `block` (`None` when it must be produced).
    current: Option<Lba>,
    block: Vec<u8>,
    scratch: Vec<u8>,
    rw_buf: [u8; SUBCHANNEL_BYTES],
    part_cursor: usize,
}

impl std::fmt::Debug for RawCdImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawCdImage")
            .field("blocks", &self.layout.blocks())
            .field("form", &self.layout.form())
            .field("position", &self.position)
            .finish()
    }
}

impl RawCdImage {
    pub(crate) fn new(
        layout: DaoLayout,
        parts: Vec<PlacedPart>,
        sources: Vec<SourceSpec>,
        rw: Option<usize>,
    ) -> RawCdImage {
        let block_bytes = layout.block_bytes();
        let n = sources.len();
        RawCdImage {
            layout: Arc::new(layout),
            parts: Arc::new(parts),
            sources: Arc::new(sources),
            readers: (0..n).map(|_| None).collect(),
            rw,
            position: 0,
            current: None,
            block: vec![0; block_bytes],
            scratch: vec![0; SECTOR_BYTES],
            rw_buf: [0; SUBCHANNEL_BYTES],
            part_cursor: 0,
        }
    }

    /// The image's layout (tracks, lead-out, form).
    pub fn layout(&self) -> &DaoLayout {
        &self.layout
    }

    /// Image size. Units: bytes.
    pub fn len(&self) -> u64 {
        self.layout.image_bytes()
    }

    /// Whether the image is empty (never: an image has at least one track).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Blocks before LBA 0 (the `streamLeadInSectors` for `WriteMedia2`). Units: blocks.
    pub fn lead_in_blocks(&self) -> u32 {
        self.layout.lead_in_blocks()
    }

    /// Reads `buf.len()` content bytes of source `id` at `at` (zero-padded past its end).
    fn read_source(&mut self, id: usize, at: u64, len: usize) -> std::io::Result<()> {
        let Some(spec) = self.sources.get(id) else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "unknown source",
            ));
        };
        let slot = self
            .readers
            .get_mut(id)
            .ok_or_else(|| std::io::Error::other("unknown source"))?;
        if slot.as_ref().is_none_or(|r| r.needs_reopen(at)) {
            *slot = Some(spec.open()?);
        }
        let reader = slot
            .as_mut()
            .ok_or_else(|| std::io::Error::other("source not open"))?;
        let buf = &mut self.scratch[..len];
        reader.read_at(at, buf)?;
        Ok(())
    }

    /// The placed part holding `lba` (sequential access moves the cursor forward).
    fn part_at(&mut self, lba: Lba) -> Option<PlacedPart> {
        let parts = self.parts.clone();
        let inside = |p: &PlacedPart| {
            lba >= p.start && i64::from(lba.0) < i64::from(p.start.0) + i64::from(p.blocks)
        };
        if let Some(p) = parts.get(self.part_cursor).filter(|p| inside(p)) {
            return Some(*p);
        }
        let k = parts
            .partition_point(|p| i64::from(p.start.0) + i64::from(p.blocks) <= i64::from(lba.0));
        self.part_cursor = k;
        parts.get(k).filter(|p| inside(p)).copied()
    }

    /// Produces block `lba` into `self.block`.
    fn produce(&mut self, lba: Lba) -> std::io::Result<()> {
        let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
        let layout = self.layout.clone();
        let mut payload_form = None;
        if let Area::Track { .. } = layout.area(lba) {
            let part = self
                .part_at(lba)
                .ok_or_else(|| invalid(format!("LBA {lba} has no content source")))?;
            if let PartSource::Source {
                id,
                offset_bytes,
                bytes,
                form,
            } = part.source
            {
                let per = u64::from(form.sector_bytes());
                let k = u64::from(lba.blocks_since(part.start).map_or(0, |b| b.0));
                let at = k * per;
                let len = per.min(bytes.saturating_sub(at)) as usize;
                self.scratch.fill(0);
                if len > 0 {
                    self.read_source(id, offset_bytes + at, len)?;
                }
                payload_form = Some(form);
            }
        }
        let rw = match self.rw {
            Some(id) => {
                let at = lba
                    .blocks_since(layout.image_start())
                    .map_or(0, |b| u64::from(b.0))
                    * SUBCHANNEL_BYTES as u64;
                self.read_source(id, at, SUBCHANNEL_BYTES)?;
                self.rw_buf
                    .copy_from_slice(&self.scratch[..SUBCHANNEL_BYTES]);
                if self.rw_buf.iter().any(|b| b & 0xC0 != 0) {
                    return Err(invalid(format!(
                        "R-W generator: block at LBA {lba} has P or Q bits set"
                    )));
                }
                Some(&self.rw_buf)
            }
            None => None,
        };
        let mut sector = [0u8; SECTOR_BYTES];
        let mut user = [0u8; MODE1_USER_BYTES];
        let payload = match payload_form {
            None => Payload::Generated,
            Some(PayloadForm::Audio) => {
                sector.copy_from_slice(&self.scratch[..SECTOR_BYTES]);
                Payload::Audio(&sector)
            }
            Some(PayloadForm::Mode1User) => {
                user.copy_from_slice(&self.scratch[..MODE1_USER_BYTES]);
                Payload::Mode1User(&user)
            }
            Some(PayloadForm::Sector) => {
                sector.copy_from_slice(&self.scratch[..SECTOR_BYTES]);
                Payload::Sector(&sector)
            }
            Some(PayloadForm::Mode2Body) => {
                sector = mode2_from_body(lba, &self.scratch[..2336]).map_err(invalid)?;
                Payload::Sector(&sector)
            }
        };
        layout
            .encode(lba, payload, rw, &mut self.block)
            .map_err(|e| invalid(e.to_string()))?;
        self.current = Some(lba);
        Ok(())
    }
}

/// A whole Mode 2 sector (Form 1 or Form 2 by the sub-header's Form 2 bit) from the 2336 bytes
/// after the header.
fn mode2_from_body(lba: Lba, body: &[u8]) -> std::result::Result<[u8; SECTOR_BYTES], String> {
    let address = Msf::from_lba(lba).ok_or_else(|| format!("LBA {lba} has no MSF"))?;
    if body.len() < 2336 {
        return Err("a Mode 2 body has 2336 bytes".into());
    }
    let sub = Subheader::parse([body[0], body[1], body[2], body[3]]);
    if sub.submode.contains(Submode::FORM2) {
        let mut data = [0u8; MODE2_FORM2_USER_BYTES];
        data.copy_from_slice(&body[8..8 + MODE2_FORM2_USER_BYTES]);
        Ok(mode2_form2(address, sub, &data))
    } else {
        let mut data = [0u8; 2048];
        data.copy_from_slice(&body[8..8 + 2048]);
        Ok(mode2_form1(address, sub, &data))
    }
}

impl Read for RawCdImage {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let total = self.len();
        let block_bytes = self.layout.block_bytes() as u64;
        let mut n = 0;
        while n < buf.len() && self.position < total {
            let index = self.position / block_bytes;
            let within = (self.position % block_bytes) as usize;
            let lba = Lba((i64::from(self.layout.image_start().0) + index as i64) as i32);
            if self.current != Some(lba) {
                self.produce(lba)?;
            }
            let k = (self.block.len() - within).min(buf.len() - n);
            buf[n..n + k].copy_from_slice(&self.block[within..within + k]);
            n += k;
            self.position += k as u64;
        }
        Ok(n)
    }
}

impl Seek for RawCdImage {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let target = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len().checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        let Some(target) = target else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "seek before the start of the image",
            ));
        };
        self.position = target;
        Ok(target)
    }
}
