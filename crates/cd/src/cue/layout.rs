//! Disc layout of a cue sheet: absolute LBAs of pregaps, indexes and tracks, and where each
//! sector's content comes from.

use discmaster_core::{BlockCount, Lba};

use super::{msf_frames, CueError, CueErrorKind, CueSheet, FileFormat, SourcePos};

/// The last LBA that still has an MSF in the program area (89:59:74); the lead-out must start
/// at or before it.
const LAST_PROGRAM_LBA: i64 = 404_849;

/// Track 1's minimum pregap: 2 seconds = 150 sectors (ECMA-130 §14.4: the program area starts at
/// MSF 00:00:00 with a pregap of at least 2 s before track 1's index 1 at 00:02:00).
const FIRST_TRACK_PREGAP: u32 = 150;

/// A cue sheet laid out on the disc.
///
/// Shape: tracks in order; `segments` cover LBA `tracks[0].pregap_start` (= −150) up to
/// `lead_out` without gaps or overlaps, in order.
///
/// Units: LBAs (signed; −150 = MSF 00:00:00) and sector counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscLayout {
    /// Each track's addresses.
    pub tracks: Vec<TrackLayout>,
    /// Where each run of sectors comes from.
    pub segments: Vec<Segment>,
    /// The first LBA after the last track (where the lead-out starts).
    #[doc(alias = "leadout")]
    pub lead_out: Lba,
}

/// One track's place on the disc.
///
/// Shape: `pregap_start ≤ start < end`; `end` is the next track's `pregap_start` (or the
/// lead-out). Units: LBAs and sector counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackLayout {
    /// Track number.
    pub number: u8,
    /// Track mode.
    pub track_mode: super::TrackMode,
    /// Where index 0 (the pregap) starts: generated `PREGAP` sectors first, then `INDEX 00` data;
    /// equals `start` when the track has no pregap.
    pub pregap_start: Lba,
    /// `INDEX 01`.
    pub start: Lba,
    /// `(index number, LBA)` for index 0 (when the pregap is not empty) and every `INDEX` ≥ 01.
    pub indexes: Vec<(u8, Lba)>,
    /// `start − pregap_start`. Units: sectors.
    pub pregap_blocks: BlockCount,
    /// The part of the pregap that no file stores (`PREGAP`, plus what track 1 needs to reach
    /// 150 sectors). Units: sectors.
    pub generated_pregap_blocks: BlockCount,
    /// From `INDEX 01` to `end`, postgap included. Units: sectors.
    pub length_blocks: BlockCount,
    /// `POSTGAP` sectors at the end (generated). Units: sectors.
    pub postgap_blocks: BlockCount,
    /// The first LBA after the track (postgap included).
    pub end: Lba,
}

/// A run of sectors of one track with one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// First LBA.
    pub start: Lba,
    /// Number of sectors.
    pub blocks: BlockCount,
    /// The track it belongs to (pregap and postgap included).
    pub track: u8,
    /// Where its content comes from.
    pub source: SegmentSource,
}

/// The content source of a [`Segment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentSource {
    /// Not in any file: silence for audio tracks, zero user data for data tracks (`PREGAP`,
    /// `POSTGAP`, track 1's implicit 2-second pregap).
    Generated,
    /// Bytes of a file.
    File {
        /// Position in [`CueSheet::files`].
        file: usize,
        /// Offset of the first byte. Units: bytes (PCM bytes for audio containers).
        offset_bytes: u64,
        /// Bytes to read: `blocks × sector_bytes`, or less at the end of a file whose last audio
        /// sector is partial (the rest is silence).
        bytes: u64,
        /// Bytes per sector in the file (the track mode's).
        sector_bytes: u32,
    },
}

/// A stretch of a file's data owned by one track (before disc placement).
#[derive(Debug, Clone, Copy)]
struct Region {
    track: usize,
    file: usize,
    offset_bytes: u64,
    bytes: u64,
    blocks: u64,
    sector_bytes: u32,
}

fn inconsistent(pos: SourcePos, what: &str) -> CueError {
    CueError::at(pos, CueErrorKind::Inconsistent(what.to_owned()))
}

fn too_long() -> CueError {
    CueError {
        line: 0,
        column: 0,
        kind: CueErrorKind::DiscTooLong,
    }
}

fn lba(v: i64) -> Result<Lba, CueError> {
    if v > LAST_PROGRAM_LBA {
        return Err(too_long());
    }
    i32::try_from(v).map(Lba).map_err(|_| too_long())
}

fn blocks(v: i64) -> Result<BlockCount, CueError> {
    u32::try_from(v).map(BlockCount).map_err(|_| too_long())
}

pub(crate) fn layout(
    sheet: &CueSheet,
    file_sizes: &dyn Fn(&str) -> Option<u64>,
) -> Result<DiscLayout, CueError> {
    // 1. File sizes.
    let mut sizes = Vec::with_capacity(sheet.files.len());
    for f in &sheet.files {
        if f.file_format == FileFormat::Mp3 {
            return Err(CueError::at(
                f.pos,
                CueErrorKind::Mp3NotSupported(f.name.clone()),
            ));
        }
        let size = file_sizes(&f.name)
            .ok_or_else(|| CueError::at(f.pos, CueErrorKind::FileSizeUnknown(f.name.clone())))?;
        sizes.push(size);
    }

    // 2. Index points in order: (track position, index position).
    let points: Vec<(usize, usize)> = sheet
        .tracks
        .iter()
        .enumerate()
        .flat_map(|(ti, t)| (0..t.indexes.len()).map(move |ii| (ti, ii)))
        .collect();
    for t in &sheet.tracks {
        if t.index(1).is_none() {
            return Err(CueError::at(t.pos, CueErrorKind::MissingIndex01(t.number)));
        }
    }
    let index_at = |(ti, ii): (usize, usize)| sheet.tracks.get(ti).and_then(|t| t.indexes.get(ii));

    // 3. Cut every file into regions owned by tracks; record each point's position in the
    //    concatenation of all files ("data position", in sectors).
    let mut regions: Vec<Region> = Vec::new();
    let mut point_data_pos: Vec<u64> = Vec::with_capacity(points.len());
    let mut data_pos: u64 = 0; // start of the current file in the concatenation
    let mut next_point = 0usize;
    for (fi, f) in sheet.files.iter().enumerate() {
        let size = sizes.get(fi).copied().unwrap_or(0);
        // The points in this file are the next run of points.
        let first = next_point;
        while points
            .get(next_point)
            .and_then(|p| index_at(*p))
            .is_some_and(|i| i.file == fi)
        {
            next_point += 1;
        }
        if first == next_point {
            return Err(inconsistent(
                f.pos,
                "a FILE without INDEX, or INDEXes out of FILE order",
            ));
        }
        // The track owning the file's first bytes: the one whose index came last before.
        let mut owner = first
            .checked_sub(1)
            .and_then(|p| points.get(p))
            .map(|&(ti, _)| ti);
        let mut offset_bytes: u64 = 0;
        let mut frames_done: u64 = 0;
        for p in first..next_point {
            let Some(&(ti, ii)) = points.get(p) else {
                break;
            };
            let Some(index) = index_at((ti, ii)) else {
                break;
            };
            let t_frames = u64::from(msf_frames(index.time));
            let Some(span) = t_frames.checked_sub(frames_done) else {
                return Err(inconsistent(
                    index.pos,
                    "INDEX times decrease within a FILE",
                ));
            };
            if span > 0 {
                let Some(owner_ti) = owner else {
                    return Err(CueError::at(
                        f.pos,
                        CueErrorKind::DataBeforeFirstIndex(f.name.clone()),
                    ));
                };
                let sector_bytes = sheet
                    .tracks
                    .get(owner_ti)
                    .map_or(2352, |t| t.track_mode.sector_bytes());
                let bytes = span * u64::from(sector_bytes);
                regions.push(Region {
                    track: owner_ti,
                    file: fi,
                    offset_bytes,
                    bytes,
                    blocks: span,
                    sector_bytes,
                });
                offset_bytes += bytes;
            }
            if offset_bytes > size {
                let number = sheet.tracks.get(ti).map_or(0, |t| t.number);
                return Err(CueError::at(
                    index.pos,
                    CueErrorKind::IndexBeyondFile {
                        track: number,
                        index: index.number,
                        file: f.name.clone(),
                        file_bytes: size,
                    },
                ));
            }
            frames_done = t_frames;
            point_data_pos.push(data_pos + t_frames);
            owner = Some(ti);
        }
        // The tail belongs to the track of the file's last index.
        let Some(owner_ti) = owner else {
            return Err(inconsistent(f.pos, "a FILE without INDEX"));
        };
        let Some(track) = sheet.tracks.get(owner_ti) else {
            return Err(inconsistent(f.pos, "an INDEX without track"));
        };
        let sector_bytes = track.track_mode.sector_bytes();
        let rest = size - offset_bytes;
        let mut tail_blocks = rest / u64::from(sector_bytes);
        if !rest.is_multiple_of(u64::from(sector_bytes)) {
            if track.track_mode.is_audio() {
                tail_blocks += 1;
            } else {
                return Err(CueError::at(
                    f.pos,
                    CueErrorKind::PartialSector {
                        file: f.name.clone(),
                        track: track.number,
                        bytes: rest,
                        sector_bytes,
                    },
                ));
            }
        }
        if tail_blocks > 0 {
            regions.push(Region {
                track: owner_ti,
                file: fi,
                offset_bytes,
                bytes: rest,
                blocks: tail_blocks,
                sector_bytes,
            });
        }
        data_pos = data_pos
            .checked_add(frames_done + tail_blocks)
            .filter(|v| *v <= LAST_PROGRAM_LBA as u64 + 1)
            .ok_or_else(too_long)?;
    }
    if next_point != points.len() {
        let pos = points
            .get(next_point)
            .and_then(|p| index_at(*p))
            .map_or(SourcePos::default(), |i| i.pos);
        return Err(inconsistent(
            pos,
            "an INDEX refers to a FILE out of order or absent",
        ));
    }
    let data_end = data_pos;

    // 4. Place tracks on the disc.
    let mut tracks = Vec::with_capacity(sheet.tracks.len());
    let mut segments: Vec<Segment> = Vec::new();
    let mut cursor: i64 = -150;
    let mut point = 0usize;
    for (ti, t) in sheet.tracks.iter().enumerate() {
        let first_pos = point_data_pos.get(point).copied().unwrap_or(data_end);
        let own_points = t.indexes.len();
        let next_track_pos = point_data_pos
            .get(point + own_points)
            .copied()
            .unwrap_or(data_end);
        let index01_pos = t
            .indexes
            .iter()
            .position(|i| i.number == 1)
            .and_then(|k| point_data_pos.get(point + k))
            .copied()
            .unwrap_or(first_pos);
        let file_pregap = index01_pos - first_pos;
        let mut generated = u64::from(t.pregap.map_or(0, msf_frames));
        if ti == 0 {
            generated += u64::from(FIRST_TRACK_PREGAP).saturating_sub(generated + file_pregap);
        }
        let pregap_start = lba(cursor)?;
        let mut indexes = Vec::with_capacity(t.indexes.len() + 1);
        if generated > 0 {
            push_segment(
                &mut segments,
                cursor,
                generated,
                t.number,
                SegmentSource::Generated,
            )?;
            indexes.push((0, pregap_start));
            cursor += generated as i64;
        }
        let data_start = cursor;
        for (k, index) in t.indexes.iter().enumerate() {
            if generated > 0 && index.number == 0 {
                continue;
            }
            let pos = point_data_pos.get(point + k).copied().unwrap_or(first_pos);
            indexes.push((index.number, lba(data_start + (pos - first_pos) as i64)?));
        }
        for r in regions.iter().filter(|r| r.track == ti) {
            push_segment(
                &mut segments,
                cursor,
                r.blocks,
                t.number,
                SegmentSource::File {
                    file: r.file,
                    offset_bytes: r.offset_bytes,
                    bytes: r.bytes,
                    sector_bytes: r.sector_bytes,
                },
            )?;
            cursor += r.blocks as i64;
        }
        let start_value = data_start + (index01_pos - first_pos) as i64;
        let start = lba(start_value)?;
        if next_track_pos <= index01_pos {
            return Err(CueError::at(t.pos, CueErrorKind::EmptyTrack(t.number)));
        }
        let postgap = u64::from(t.postgap.map_or(0, msf_frames));
        if postgap > 0 {
            push_segment(
                &mut segments,
                cursor,
                postgap,
                t.number,
                SegmentSource::Generated,
            )?;
            cursor += postgap as i64;
        }
        let end = lba(cursor)?;
        tracks.push(TrackLayout {
            number: t.number,
            track_mode: t.track_mode,
            pregap_start,
            start,
            indexes,
            pregap_blocks: blocks(start_value - i64::from(pregap_start.0))?,
            generated_pregap_blocks: blocks(generated as i64)?,
            length_blocks: blocks(cursor - start_value)?,
            postgap_blocks: blocks(postgap as i64)?,
            end,
        });
        point += own_points;
    }
    let lead_out = lba(cursor)?;
    Ok(DiscLayout {
        tracks,
        segments,
        lead_out,
    })
}

/// Appends a segment, merging it into the previous one when it continues it (same track, same
/// kind, contiguous file bytes of whole sectors).
fn push_segment(
    segments: &mut Vec<Segment>,
    start: i64,
    count: u64,
    track: u8,
    source: SegmentSource,
) -> Result<(), CueError> {
    if start + count as i64 > LAST_PROGRAM_LBA + 1 {
        return Err(too_long());
    }
    let count32 = u32::try_from(count).map_err(|_| too_long())?;
    if let Some(last) = segments.last_mut() {
        if last.track == track {
            match (&mut last.source, source) {
                (SegmentSource::Generated, SegmentSource::Generated) => {
                    last.blocks.0 += count32;
                    return Ok(());
                }
                (
                    SegmentSource::File {
                        file,
                        offset_bytes,
                        bytes,
                        sector_bytes,
                    },
                    SegmentSource::File {
                        file: f2,
                        offset_bytes: o2,
                        bytes: b2,
                        sector_bytes: s2,
                    },
                ) if *file == f2
                    && *sector_bytes == s2
                    && *bytes == u64::from(last.blocks.0) * u64::from(s2)
                    && *offset_bytes + *bytes == o2 =>
                {
                    *bytes += b2;
                    last.blocks.0 += count32;
                    return Ok(());
                }
                _ => {}
            }
        }
    }
    segments.push(Segment {
        start: lba(start)?,
        blocks: BlockCount(count32),
        track,
        source,
    });
    Ok(())
}
