//! Cue sheet import: a CDRWIN cue sheet and the files next to it → [`RawCdImageCreator`].
//!
//! Files: `BINARY` (raw; audio little-endian), `MOTOROLA` (audio big-endian, swapped), `WAVE`
//! (decoded with `hound`), `FLAC` (decoded with `claxon`); audio must be 44.1 kHz 16-bit
//! stereo. Track modes: `AUDIO`, `MODE1/2048` (user data), `MODE1/2352` and `MODE2/2352`
//! (complete sectors: every sector is checked — sync, mode, EDC/ECC — before the creator is
//! returned, and moved to its disc address if its header says otherwise), `MODE2/2336`.
//! `CDG`, `CDI/…`, `AIFF` and `MP3` are refused with
//! `E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED`. The sheet's layout (pregaps from `INDEX 00`
//! and `PREGAP`, `POSTGAP`, every `INDEX`) is kept exactly ([`discmaster_cd::cue::CueSheet::layout`]).
//!
//! Text: the sheet is read as UTF-8, or as Windows-1252 when it is not valid UTF-8 (the cue
//! module's charset rule); CD-Text is written in ISO 8859-1, so a character outside Latin-1
//! (e.g. `€`) is refused with `E_INVALIDARG` naming it. `CDTEXTFILE` (18-byte packs, with or
//! without a 4-byte READ TOC header) supplies CD-Text that the sheet's own fields override.

use std::path::{Path, PathBuf};

use discmaster_cd::cdtext::{CdText, Genre, Pack, TextFields, PACK_BYTES};
use discmaster_cd::cue::{self, CueSheet, FileFormat, SegmentSource, TrackMode};
use discmaster_cd::dao::TrackContent;
use discmaster_cd::sector::{self, SectorKind};
use discmaster_cd::subchannel::{Isrc, Mcn};
use discmaster_cd::{SectorType, SECTOR_BYTES};
use discmaster_core::ErrorCode;

use super::creator::{
    CreatorTrack, DigitalCopySetting, Part, PartSource, PayloadForm, RawCdImageCreator, TrackBody,
};
use super::source::{SourceSpec, TrackSource};
use crate::error::{Error, Result};

fn refused(code: ErrorCode, reason: impl Into<String>) -> Error {
    Error::refused(code, reason)
}

/// The path of a `FILE` named in a sheet at `cue_path`: relative names are taken from the
/// sheet's folder.
pub fn cue_file_path(cue_path: &Path, name: &str) -> PathBuf {
    let p = Path::new(name);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    cue_path.parent().unwrap_or(Path::new(".")).join(p)
}

/// Reads and parses a cue sheet.
///
/// # Errors
/// `E_DISCMASTER_IO` when it cannot be read; `E_INVALIDARG` with `line:column` for a syntax
/// error.
pub fn read_cue_sheet(cue_path: &Path) -> Result<CueSheet> {
    let bytes =
        std::fs::read(cue_path).map_err(|e| Error::io(cue_path.display().to_string(), e))?;
    CueSheet::parse(&bytes).map_err(|e| {
        refused(
            ErrorCode::E_INVALIDARG,
            format!("{}:{e}", cue_path.display()),
        )
    })
}

/// Describes the source of each `FILE` (decoded audio length for containers).
pub(crate) fn describe_files(sheet: &CueSheet, cue_path: &Path) -> Result<Vec<SourceSpec>> {
    let mut out = Vec::with_capacity(sheet.files.len());
    for f in &sheet.files {
        let path = cue_file_path(cue_path, &f.name);
        let origin = TrackSource::File(path.clone());
        let spec = match f.file_format {
            FileFormat::Binary => SourceSpec::raw(origin)?,
            FileFormat::Motorola => SourceSpec::swapped(origin)?,
            FileFormat::Wave => SourceSpec::wav(&path)?,
            FileFormat::Flac => SourceSpec::flac(&path)?,
            FileFormat::Aiff | FileFormat::Mp3 => {
                return Err(refused(
                    ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
                    format!(
                        "{}:{}: FILE type {} is not supported; convert it to WAVE or FLAC",
                        cue_path.display(),
                        f.pos.line,
                        f.file_format.keyword()
                    ),
                ))
            }
        };
        out.push(spec);
    }
    Ok(out)
}

/// The disc layout of a sheet whose files exist next to it (decoded PCM lengths for WAVE and
/// FLAC): every track's pregap, INDEX 01, indexes and length as LBAs.
///
/// # Errors
/// As [`RawCdImageCreator::from_cue`] for the files; `E_INVALIDARG` for layout errors.
pub fn cue_layout(sheet: &CueSheet, cue_path: &Path) -> Result<cue::DiscLayout> {
    let specs = describe_files(sheet, cue_path)?;
    let sizes: Vec<(String, u64)> = sheet
        .files
        .iter()
        .zip(&specs)
        .map(|(f, s)| (f.name.clone(), s.len))
        .collect();
    let size_of = |name: &str| sizes.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
    sheet.layout(&size_of).map_err(|e| {
        refused(
            ErrorCode::E_INVALIDARG,
            format!("{}:{e}", cue_path.display()),
        )
    })
}

fn content_of(mode: TrackMode) -> Option<(TrackContent, SectorType, PayloadForm)> {
    Some(match mode {
        TrackMode::Audio => (TrackContent::Audio, SectorType::Audio, PayloadForm::Audio),
        TrackMode::Mode1_2048 => (
            TrackContent::Mode1,
            SectorType::Mode1,
            PayloadForm::Mode1User,
        ),
        TrackMode::Mode1_2352 => (
            TrackContent::Mode1,
            SectorType::Mode1Raw,
            PayloadForm::Sector,
        ),
        TrackMode::Mode2_2352 => (
            TrackContent::Mode2,
            SectorType::Mode2Form0Raw,
            PayloadForm::Sector,
        ),
        TrackMode::Mode2_2336 => (
            TrackContent::Mode2,
            SectorType::Mode2Form0,
            PayloadForm::Mode2Body,
        ),
        TrackMode::Cdg | TrackMode::Cdi2336 | TrackMode::Cdi2352 => return None,
    })
}

/// The cue module's CD-Text fields as pack strings.
fn text_fields(t: &cue::CdText) -> TextFields {
    TextFields {
        title: t.title.clone(),
        performer: t.performer.clone(),
        songwriter: t.songwriter.clone(),
        composer: t.composer.clone(),
        arranger: t.arranger.clone(),
        message: t.message.clone(),
        upc_isrc: t.upc_ean.clone(),
    }
}

/// Fills the `None` fields of `into` from `from`.
fn fill_missing(into: &mut TextFields, from: &TextFields) {
    let pairs: [(&mut Option<String>, &Option<String>); 7] = [
        (&mut into.title, &from.title),
        (&mut into.performer, &from.performer),
        (&mut into.songwriter, &from.songwriter),
        (&mut into.composer, &from.composer),
        (&mut into.arranger, &from.arranger),
        (&mut into.message, &from.message),
        (&mut into.upc_isrc, &from.upc_isrc),
    ];
    for (slot, value) in pairs {
        if slot.is_none() {
            slot.clone_from(value);
        }
    }
}

/// Reads a `CDTEXTFILE`: 18-byte packs, optionally after a 4-byte header.
fn read_cd_text_file(path: &Path) -> Result<CdText> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let body = if bytes.len() % PACK_BYTES == 4 {
        &bytes[4..]
    } else {
        &bytes[..]
    };
    let packs: Vec<Pack> = body
        .chunks_exact(PACK_BYTES)
        .filter_map(|c| <[u8; PACK_BYTES]>::try_from(c).ok().map(Pack))
        .collect();
    CdText::decode(&packs).map_err(|e| {
        refused(
            ErrorCode::E_INVALIDARG,
            format!("{}: CD-Text: {e}", path.display()),
        )
    })
}

/// Checks every complete sector a `MODE1/2352` / `MODE2/2352` part reads: sync, the track's
/// mode and EDC/ECC (so that a damaged bin is refused before anything is written).
fn check_sectors(spec: &SourceSpec, part: &Part, content: TrackContent) -> Result<()> {
    let PartSource::Source {
        offset_bytes,
        bytes,
        form: PayloadForm::Sector,
        ..
    } = part.source
    else {
        return Ok(());
    };
    let mut reader = spec.open().map_err(|e| Error::io(spec.name(), e))?;
    let mut sector = [0u8; SECTOR_BYTES];
    let count = bytes / SECTOR_BYTES as u64;
    for k in 0..count {
        let at = offset_bytes + k * SECTOR_BYTES as u64;
        reader
            .read_at(at, &mut sector)
            .map_err(|e| Error::io(spec.name(), e))?;
        let kind = sector::verify(&sector).map_err(|e| {
            refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
                format!("{}: sector at byte {at}: {e}", spec.name()),
            )
        })?;
        let fits = match content {
            TrackContent::Mode1 => kind == SectorKind::Mode1,
            _ => kind != SectorKind::Mode1 && kind != SectorKind::Mode0,
        };
        if !fits {
            return Err(refused(
                ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
                format!(
                    "{}: sector at byte {at} is {kind:?}, not a sector of the track's mode",
                    spec.name()
                ),
            ));
        }
    }
    Ok(())
}

impl RawCdImageCreator {
    /// A creator holding the tracks of the cue sheet at `cue_path` (module doc for what is
    /// accepted), its catalog (MCN, taken as written), ISRCs, flags and CD-Text.
    ///
    /// # Errors
    /// `E_DISCMASTER_IO` for a missing or unreadable file; `E_INVALIDARG` for cue syntax and
    /// layout errors (`file:line:column`), CD-Text that cannot be encoded, tracks shorter
    /// than 4 s; `E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED` for unsupported modes and file
    /// types, audio that is not 44.1 kHz 16-bit stereo, and damaged `MODE1/2352` sectors; every
    /// other image refusal of [`RawCdImageCreator::add_track`].
    pub fn from_cue(cue_path: &Path) -> Result<RawCdImageCreator> {
        let sheet = read_cue_sheet(cue_path)?;
        RawCdImageCreator::from_cue_sheet(&sheet, cue_path)
    }

    /// As [`RawCdImageCreator::from_cue`] for a sheet already parsed; files are looked up next
    /// to `cue_path`.
    ///
    /// # Errors
    /// As [`RawCdImageCreator::from_cue`].
    pub fn from_cue_sheet(sheet: &CueSheet, cue_path: &Path) -> Result<RawCdImageCreator> {
        let specs = describe_files(sheet, cue_path)?;
        let layout = cue_layout(sheet, cue_path)?;

        let mut creator = RawCdImageCreator::new();
        creator.first_track_number = sheet.tracks.first().map_or(1, |t| t.number);
        creator.sources = specs;
        creator.mcn = sheet
            .catalog
            .as_ref()
            .and_then(|m| Mcn::new(m.as_str()).ok());

        let mut disc_text = CdText::default();
        if let Some(name) = &sheet.cd_text_file {
            disc_text = read_cd_text_file(&cue_file_path(cue_path, name))?;
        }
        let file_tracks = std::mem::take(&mut disc_text.tracks);
        let effective = sheet.effective_cd_text();
        let mut disc_fields = text_fields(&effective);
        fill_missing(&mut disc_fields, &disc_text.disc);
        disc_text.disc = disc_fields;
        if let Some(id) = effective.disc_id {
            disc_text.disc_id = Some(id);
        }
        if let Some(genre) = effective.genre {
            disc_text.genre = Some(Genre {
                code: 1, // "not defined": the sheet names the genre in words only
                text: genre,
            });
        }
        creator.cd_text = disc_text;

        for (k, (t, placed)) in sheet.tracks.iter().zip(&layout.tracks).enumerate() {
            let Some((content, sector_type, form)) = content_of(t.track_mode) else {
                return Err(refused(
                    ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
                    format!(
                        "{}:{}: TRACK {:02} {} is not supported (use AUDIO, MODE1/2048, MODE1/2352, MODE2/2352 or MODE2/2336)",
                        cue_path.display(),
                        t.pos.line,
                        t.number,
                        t.track_mode.keyword()
                    ),
                ));
            };
            let mut parts = Vec::new();
            for seg in layout.segments.iter().filter(|s| s.track == t.number) {
                let source = match seg.source {
                    SegmentSource::Generated => PartSource::Generated,
                    SegmentSource::File {
                        file,
                        offset_bytes,
                        bytes,
                        ..
                    } => PartSource::Source {
                        id: file,
                        offset_bytes,
                        bytes,
                        form,
                    },
                };
                let part = Part {
                    blocks: seg.blocks.0,
                    source,
                };
                if let PartSource::Source { id, .. } = source {
                    if let Some(spec) = creator.sources.get(id) {
                        check_sectors(spec, &part, content)?;
                    }
                }
                parts.push(part);
            }
            let pregap_blocks = placed.pregap_blocks.0;
            let blocks = placed.length_blocks.0;
            let indexes = placed
                .indexes
                .iter()
                .filter(|(n, _)| *n >= 2)
                .filter_map(|(_, lba)| lba.blocks_since(placed.start).map(|b| b.0))
                .collect();
            let mut cd_text = text_fields(&t.effective_cd_text());
            if let Some(from_file) = file_tracks.get(k) {
                fill_missing(&mut cd_text, from_file);
            }
            creator.tracks.push(CreatorTrack {
                sector_type,
                content,
                body: TrackBody::Explicit {
                    pregap_blocks,
                    blocks,
                    parts,
                },
                isrc: t.isrc.as_ref().and_then(|i| Isrc::new(i.as_str()).ok()),
                copy: if t.flags.digital_copy_permitted {
                    DigitalCopySetting::Permitted
                } else if t.flags.serial_copy_management {
                    DigitalCopySetting::Scms
                } else {
                    DigitalCopySetting::Prohibited
                },
                pre_emphasis: t.flags.pre_emphasis,
                four_channel: t.flags.four_channel,
                indexes,
                cd_text,
            });
        }
        // Every image rule at once (lengths, indexes, space, CD-Text encoding).
        creator.layout()?;
        Ok(creator)
    }
}
