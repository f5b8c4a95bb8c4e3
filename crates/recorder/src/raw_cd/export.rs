//! Reading a written CD back: its table of contents with every index point, ISRC, MCN and
//! CD-Text ([`Recorder::cd_toc`]), and an export to a cue sheet and a `.bin` file of 2352-byte
//! sectors ([`Recorder::export_cue`]) that `bchunk` and other cue readers split into the
//! original tracks.
//!
//! Sources (reference `mmc.md` §1.12, §1.23, §4.6): READ TOC format 2 (full TOC: tracks,
//! CONTROL, lead-out), format 5 (CD-Text packs, when the drive has them), and READ CD with the
//! formatted Q sub-channel of every block from MSF 00:00:00 to the lead-out: index changes
//! (pregaps as index 00), ISRC (ADR 3) and MCN (ADR 2) frames.

use std::io::Write;
use std::path::Path;

use discmaster_cd::cdtext::{CdText, Pack};
use discmaster_cd::cue::{self, CueFile, CueIndex, CueSheet, CueTrack, FileFormat, TrackMode};
use discmaster_cd::subchannel::{QContent, QFrame, LEAD_OUT_TRACK, Q_FRAME_BYTES};
use discmaster_cd::SECTOR_BYTES;
use discmaster_core::{ErrorCode, Lba, Msf};
use discmaster_mmc::cd_commands::{
    ExpectedSectorType, MainChannelSelection, ReadCd, SubchannelSelection,
};
use discmaster_mmc::cd_responses::{CdTextResponse, FullToc, FullTocDescriptor};
use discmaster_mmc::commands::ReadTocPmaAtip;
use discmaster_mmc::TocFormat;

use crate::error::{Error, Result};
use crate::recorder::{at_lba, invalid, Recorder};

/// What a CD track holds, from its CONTROL and its first sector's mode byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CdTrackKind {
    /// CD-DA.
    Audio,
    /// Mode 1 data.
    Mode1,
    /// Mode 2 data.
    Mode2,
}

/// One track of a CD as read back.
///
/// Units: LBAs; `end` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdTocTrack {
    /// Track number.
    pub number: u8,
    /// Q CONTROL nibble (4h data, 2h copy permitted, 1h pre-emphasis, 8h four channel).
    pub control: u8,
    /// Audio or data mode.
    pub kind: CdTrackKind,
    /// First block of index 00 (= `start` without a pregap).
    pub pregap_start: Lba,
    /// INDEX 01.
    pub start: Lba,
    /// `(index number, first LBA)` for index 00 (when present), 01 and every further index.
    pub indexes: Vec<(u8, Lba)>,
    /// First block after the track (the next pregap or the lead-out).
    pub end: Lba,
    /// ISRC from Q ADR 3 frames.
    pub isrc: Option<String>,
}

/// A CD's table of contents with index points, ISRC, MCN and CD-Text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdToc {
    /// Tracks in order.
    pub tracks: Vec<CdTocTrack>,
    /// Lead-out start.
    pub lead_out: Lba,
    /// Disc type from A0 PSEC (00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA).
    pub disc_type: u8,
    /// MCN from Q ADR 2 frames.
    pub mcn: Option<String>,
    /// CD-Text (READ TOC format 5), when present and decodable.
    pub cd_text: Option<CdText>,
}

/// What [`Recorder::export_cue`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOutcome {
    /// The disc's TOC.
    pub toc: CdToc,
    /// First LBA stored in the `.bin` (0, or −150 when track 1's pregap is longer than 2 s).
    pub bin_start: Lba,
    /// Blocks in the `.bin`. Units: blocks of 2352 bytes.
    pub blocks: u64,
}

/// Receives each block's main channel with the tracks known so far.
type BlockSink<'a> = dyn FnMut(Lba, &[u8], &[CdTocTrack]) -> Result<()> + 'a;

/// Blocks per READ CD.
const READ_BLOCKS: u32 = 27;

fn msf_of(frames: u64) -> Msf {
    cue::frames_msf(u32::try_from(frames).unwrap_or(u32::MAX)).unwrap_or(Msf {
        minute: 99,
        second: 59,
        frame: 74,
    })
}

impl Recorder {
    /// READ TOC/PMA/ATIP format 2: the full TOC descriptors of every session.
    ///
    /// # Errors
    /// Drive errors (5/24/00 on a blank disc or non-CD media); malformed data.
    ///
    /// Spec: reference `mmc.md` §1.12.
    pub fn full_toc(&mut self) -> Result<Vec<FullTocDescriptor>> {
        let alloc: u16 = 4 + 11 * 120;
        let cmd = ReadTocPmaAtip {
            msf: true,
            format: TocFormat::Raw,
            track_session: 1,
            allocation_length: alloc,
        };
        let bytes = self.exec.data_in(&cmd, usize::from(alloc))?;
        let toc = FullToc::new_checked(&bytes[..]).map_err(|e| invalid("READ TOC/PMA/ATIP", e))?;
        Ok(toc.descriptors().collect())
    }

    /// READ TOC/PMA/ATIP format 5, decoded (block 0); `Ok(None)` when the drive has none
    /// (an error answer, fewer than one pack, or packs that do not decode).
    ///
    /// # Errors
    /// Transport failures only.
    ///
    /// Spec: reference `mmc.md` §1.12, §4.9.
    pub fn cd_text(&mut self) -> Result<Option<CdText>> {
        // Up to 2048 packs would not fit a 16-bit length; 3640 packs (the most that does) is plenty.
        let alloc: u16 = 4 + 18 * 3640;
        let cmd = ReadTocPmaAtip {
            msf: false,
            format: TocFormat::CdText,
            track_session: 0,
            allocation_length: alloc,
        };
        let bytes = match self.exec.data_in(&cmd, usize::from(alloc)) {
            Ok(b) => b,
            Err(Error::Transport { .. }) => {
                return Err(Error::refused(
                    ErrorCode::E_DISCMASTER_TRANSPORT,
                    "READ TOC/PMA/ATIP format 5 could not be delivered",
                ))
            }
            Err(_) => return Ok(None),
        };
        let Ok(resp) = CdTextResponse::new_checked(&bytes[..]) else {
            return Ok(None);
        };
        let packs: Vec<Pack> = resp.packs().map(Pack).collect();
        if packs.is_empty() {
            return Ok(None);
        }
        Ok(CdText::decode(&packs).ok())
    }

    /// READ CD of `n` blocks at `lba`: full 2352-byte main channel (when `main`) and the
    /// formatted Q (16 bytes) of each.
    fn read_cd_q(&mut self, lba: Lba, n: u32, main: bool, buf: &mut Vec<u8>) -> Result<usize> {
        let per = if main { SECTOR_BYTES + 16 } else { 16 };
        let cmd = ReadCd {
            expected_sector_type: ExpectedSectorType::Any,
            dap: false,
            lba,
            transfer_length: n,
            main_channel: if main {
                MainChannelSelection::FULL
            } else {
                MainChannelSelection::NONE
            },
            subchannel: SubchannelSelection::FormattedQ,
        };
        buf.resize(per * n as usize, 0);
        let got = self
            .exec
            .data_in_into(&cmd, &mut buf[..])
            .map_err(|e| at_lba(e, lba))?;
        if got != per * n as usize {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
                format!("READ CD at LBA {lba}: {got} bytes for {n} blocks of {per}"),
            ));
        }
        Ok(per)
    }

    /// The CD's table of contents with index points, ISRC, MCN and CD-Text: READ TOC format 2
    /// and 5, and the Q sub-channel of every block of the program area (READ CD).
    ///
    /// # Errors
    /// `E_IMAPI_RECORDER_MEDIA_NO_MEDIA`; drive errors (5/24/00 for a blank or non-CD medium);
    /// `E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE` for a TOC without tracks or lead-out.
    pub fn cd_toc(&mut self) -> Result<CdToc> {
        self.cd_toc_with(&mut |_, _, _| Ok(()), false)
    }

    /// [`Recorder::cd_toc`], handing each block's main channel (when `main`) to `sink(lba,
    /// bytes, toc_so_far)` in order.
    fn cd_toc_with(&mut self, sink: &mut BlockSink<'_>, main: bool) -> Result<CdToc> {
        let descriptors = self.full_toc()?;
        let mut tracks: Vec<CdTocTrack> = Vec::new();
        let mut lead_out = None;
        let mut disc_type = 0;
        for d in descriptors.iter().filter(|d| d.session == 1 && d.adr == 1) {
            match d.point {
                FullTocDescriptor::LEAD_OUT => lead_out = d.pointer_msf().map(Msf::to_lba),
                FullTocDescriptor::FIRST_TRACK => disc_type = d.pointer[1],
                p @ 1..=99 => {
                    let Some(start) = d.pointer_msf().map(Msf::to_lba) else {
                        continue;
                    };
                    tracks.push(CdTocTrack {
                        number: p,
                        control: d.control,
                        kind: if d.control & 0x4 != 0 {
                            CdTrackKind::Mode1
                        } else {
                            CdTrackKind::Audio
                        },
                        pregap_start: start,
                        start,
                        indexes: Vec::new(),
                        end: start,
                        isrc: None,
                    });
                }
                _ => {}
            }
        }
        tracks.sort_by_key(|t| t.number);
        let Some(lead_out) = lead_out.filter(|_| !tracks.is_empty()) else {
            return Err(Error::refused(
                ErrorCode::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
                "the full TOC has no tracks or no lead-out (A2)",
            ));
        };
        for k in 0..tracks.len() {
            let end = tracks.get(k + 1).map_or(lead_out, |n| n.start);
            tracks[k].end = end;
        }
        // Scan Q from 00:00:00 (LBA −150) to the lead-out.
        let mut mcn = None;
        let mut current: Option<(u8, u8)> = None;
        let mut buf = Vec::new();
        let mut lba = -150i64;
        let end = i64::from(lead_out.0);
        while lba < end {
            let n = READ_BLOCKS.min((end - lba) as u32);
            let per = match self.read_cd_q(Lba(lba as i32), n, main, &mut buf) {
                Ok(per) => per,
                // Drives that cannot read track 1's pregap: start at LBA 0; the pregap is the
                // standard 2 s from 00:00:00.
                Err(Error::Command { .. }) if lba < 0 => {
                    if let Some(t) = tracks.first_mut() {
                        t.pregap_start = Lba(-150);
                        t.indexes.push((0, Lba(-150)));
                    }
                    lba = 0;
                    continue;
                }
                Err(e) => return Err(e),
            };
            for k in 0..n as usize {
                let block = &buf[k * per..(k + 1) * per];
                let at = Lba((lba + k as i64) as i32);
                let (main_bytes, sub) = block.split_at(per - 16);
                let mut q = [0u8; Q_FRAME_BYTES];
                q.copy_from_slice(&sub[..Q_FRAME_BYTES]);
                match QFrame::parse(&q).map(|f| f.content) {
                    Ok(QContent::Position { track, index, .. })
                        if track != LEAD_OUT_TRACK && current != Some((track, index)) =>
                    {
                        current = Some((track, index));
                        if let Some(t) = tracks.iter_mut().find(|t| t.number == track) {
                            if !t.indexes.iter().any(|(i, _)| *i == index) {
                                t.indexes.push((index, at));
                            }
                            if index == 0 && t.pregap_start == t.start {
                                t.pregap_start = at;
                            }
                        }
                    }
                    Ok(QContent::Isrc { isrc, .. }) => {
                        if let Some(t) =
                            current.and_then(|(n, _)| tracks.iter_mut().find(|t| t.number == n))
                        {
                            t.isrc.get_or_insert_with(|| isrc.to_string());
                        }
                    }
                    Ok(QContent::Mcn { mcn: m, .. }) => {
                        mcn.get_or_insert_with(|| m.to_string());
                    }
                    _ => {}
                }
                if main {
                    if let Some(t) = tracks.iter_mut().find(|t| t.start == at) {
                        if t.control & 0x4 != 0 && main_bytes.len() > 15 && main_bytes[15] == 2 {
                            t.kind = CdTrackKind::Mode2;
                        }
                    }
                    sink(at, main_bytes, &tracks)?;
                }
            }
            lba += i64::from(n);
        }
        for t in &mut tracks {
            if !t.indexes.iter().any(|(i, _)| *i == 1) {
                t.indexes.push((1, t.start));
            }
            t.indexes.sort_unstable();
        }
        // A track's end is the next track's pregap start.
        for k in 0..tracks.len() {
            let end = tracks.get(k + 1).map_or(lead_out, |n| n.pregap_start);
            tracks[k].end = end;
        }
        let cd_text = self.cd_text()?;
        Ok(CdToc {
            tracks,
            lead_out,
            disc_type,
            mcn,
            cd_text,
        })
    }

    /// Exports the disc to `bin_path` (raw 2352-byte sectors, from LBA 0 — or −150 when
    /// track 1's pregap is longer than 2 s — to the lead-out) and `cue_path` (a CDRWIN sheet:
    /// `FILE "<bin name>" BINARY`, `TRACK nn AUDIO`/`MODE1/2352`/`MODE2/2352`, `FLAGS`, `ISRC`,
    /// `INDEX 00` for each pregap, every `INDEX`, `CATALOG`, CD-Text fields).
    ///
    /// # Errors
    /// As [`Recorder::cd_toc`]; `E_DISCMASTER_IO` when a file cannot be written;
    /// `E_INVALIDARG` when the sheet cannot be written (a CD-Text string with a quote).
    pub fn export_cue(&mut self, bin_path: &Path, cue_path: &Path) -> Result<ExportOutcome> {
        let file = std::fs::File::create(bin_path)
            .map_err(|e| Error::io(bin_path.display().to_string(), e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        // The bin starts at LBA 0 unless track 1's INDEX 01 is past 00:02:00; blocks before
        // that are collected only in that case.
        let mut pre: Vec<u8> = Vec::new();
        let mut blocks: u64 = 0;
        let bin_name = bin_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "image.bin".into());
        let mut long_first_pregap = None;
        let toc = {
            let mut sink = |lba: Lba, bytes: &[u8], tracks: &[CdTocTrack]| -> Result<()> {
                if long_first_pregap.is_none() {
                    long_first_pregap = Some(tracks.first().is_some_and(|t| t.start.0 > 0));
                }
                if lba.0 < 0 {
                    if long_first_pregap == Some(true) {
                        pre.extend_from_slice(bytes);
                    }
                    return Ok(());
                }
                if lba.0 == 0 && !pre.is_empty() {
                    out.write_all(&pre)
                        .map_err(|e| Error::io(bin_path.display().to_string(), e))?;
                    blocks += (pre.len() / SECTOR_BYTES) as u64;
                    pre.clear();
                }
                out.write_all(bytes)
                    .map_err(|e| Error::io(bin_path.display().to_string(), e))?;
                blocks += 1;
                Ok(())
            };
            self.cd_toc_with(&mut sink, true)?
        };
        out.flush()
            .map_err(|e| Error::io(bin_path.display().to_string(), e))?;
        let bin_start = if long_first_pregap == Some(true) {
            Lba(-150)
        } else {
            Lba(0)
        };
        let sheet = cue_sheet_of(&toc, &bin_name, bin_start)?;
        let text = sheet.to_cue_bytes().map_err(|e| {
            Error::refused(
                ErrorCode::E_INVALIDARG,
                format!("the cue sheet cannot be written: {e}"),
            )
        })?;
        std::fs::write(cue_path, text).map_err(|e| Error::io(cue_path.display().to_string(), e))?;
        Ok(ExportOutcome {
            toc,
            bin_start,
            blocks,
        })
    }
}

/// The cue sheet describing a bin that starts at `bin_start`.
fn cue_sheet_of(toc: &CdToc, bin_name: &str, bin_start: Lba) -> Result<CueSheet> {
    let to_cue_text = |f: Option<&discmaster_cd::cdtext::TextFields>| {
        let mut t = cue::CdText::default();
        if let Some(f) = f {
            t.title.clone_from(&f.title);
            t.performer.clone_from(&f.performer);
            t.songwriter.clone_from(&f.songwriter);
            t.composer.clone_from(&f.composer);
            t.arranger.clone_from(&f.arranger);
            t.message.clone_from(&f.message);
        }
        t
    };
    let mut disc_text = to_cue_text(toc.cd_text.as_ref().map(|c| &c.disc));
    if let Some(c) = &toc.cd_text {
        disc_text.disc_id.clone_from(&c.disc_id);
        disc_text.upc_ean.clone_from(&c.disc.upc_isrc);
        if let Some(g) = &c.genre {
            if !g.text.is_empty() {
                disc_text.genre = Some(g.text.clone());
            }
        }
    }
    let mut tracks = Vec::with_capacity(toc.tracks.len());
    for t in &toc.tracks {
        let track_text = toc.cd_text.as_ref().and_then(|c| {
            c.tracks
                .get(usize::from(t.number.saturating_sub(c.first_track.max(1))))
        });
        let mut indexes = Vec::new();
        for &(number, lba) in &t.indexes {
            let Some(frames) = lba.blocks_since(bin_start) else {
                continue; // before the bin (track 1's standard pregap)
            };
            indexes.push(CueIndex {
                number,
                file: 0,
                time: msf_of(u64::from(frames.0)),
                pos: cue::SourcePos::default(),
            });
        }
        tracks.push(CueTrack {
            number: t.number,
            track_mode: match t.kind {
                CdTrackKind::Audio => TrackMode::Audio,
                CdTrackKind::Mode1 => TrackMode::Mode1_2352,
                CdTrackKind::Mode2 => TrackMode::Mode2_2352,
            },
            flags: cue::TrackFlags {
                digital_copy_permitted: t.control & 0x2 != 0,
                four_channel: t.control & 0x8 != 0,
                pre_emphasis: t.control & 0x4 == 0 && t.control & 0x1 != 0,
                serial_copy_management: false,
            },
            isrc: t.isrc.as_deref().and_then(cue::Isrc::new),
            pregap: None,
            postgap: None,
            indexes,
            cd_text: to_cue_text(track_text),
            rems: Vec::new(),
            pos: cue::SourcePos::default(),
        });
    }
    Ok(CueSheet {
        charset: cue::Charset::Utf8,
        catalog: toc.mcn.as_deref().and_then(cue::Mcn::new),
        cd_text_file: None,
        cd_text: disc_text,
        rems: Vec::new(),
        files: vec![CueFile {
            name: bin_name.to_string(),
            file_format: FileFormat::Binary,
            pos: cue::SourcePos::default(),
        }],
        tracks,
    })
}
