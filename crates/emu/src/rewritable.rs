//! Rewritable and formattable media: the random-access recording state of DVD+RW, DVD-RW
//! (restricted overwrite), DVD-RAM and BD-RE, the formats READ FORMAT CAPACITIES offers and
//! what FORMAT UNIT and BLANK do to each medium, BD spare areas, and Test Write simulation
//! (snapshot and restore). No bytes and no IO: the handlers in `handlers::format` translate.
//!
//! Layouts:
//! * **Formatted (random access)**: one closed track 1 of the formatted capacity in one closed
//!   session; `capacity_blocks` is the formatted capacity; the disc is "complete" for the
//!   sequential rules (no RESERVE TRACK, no NWA). WRITE goes anywhere inside it (DVD-RW
//!   restricted overwrite: start and length multiples of 16 blocks); READ returns every block
//!   of it (blocks never written read as zeros). Track 1's `recorded` is the end of the
//!   highest block written (for the last recorded address).
//! * **Unformatted** DVD+RW / BD-RE: the blank layout (one invisible track) and
//!   `overwrite.formatted = false`; WRITE is refused with 5/30/10 MEDIUM NOT FORMATTED.
//! * **Sequential** (CD-R/RW, DVD±R, DVD+R DL, BD-R, DVD-RW in profile 0014h): the track model
//!   of `model`; `overwrite` is `None`.
//!
//! Formats per medium (READ FORMAT CAPACITIES lists exactly these; FORMAT UNIT accepts only
//! them — blocks equal to a listed descriptor of the type, FFFFFFFFh for "the first listed",
//! 0 for the DVD-RW quick types 13h/15h):
//!
//! | Medium | Offered | Result |
//! |---|---|---|
//! | DVD+RW | 26h 2 295 104 / 0 | formatted, background format running (Restart bit resumes a stopped one) |
//! | DVD-RW | 00h / 800h, 10h / 10h, 13h / 10h, 15h / 10h (all 2 298 496) | profile 0013h; 15h (and 13h on a sequential disc) leave the intermediate state until CLOSE 010b; 13h on a restricted-overwrite disc keeps the data |
//! | DVD-RAM | 00h 2 236 704 / 800h | re-formatted |
//! | BD-RE | 00h 11 826 176 / 3000h; 30h 11 826 176 / 3000h, 11 564 032 / 5000h, 12 088 320 / 1000h; 31h 12 219 392 / 800h (`mmc.md` §5.4) | formatted; spare areas = 12 219 392 − blocks; sub-type 00b (quick reformat) of 30h only on a formatted disc |
//! | BD-R, blank, no spare yet | 00h 11 826 176 / 3000h; 32h as 30h above | spare areas allocated, still blank, sub-type 01b (SRM without POW) only |
//!
//! Every format except the Restart of a DVD+RW background format and DVD-RW 13h erases the
//! user data. Pseudo-overwrite (BD-R POW, feature 0038h, sub-type 00b) and random recording
//! (BD-R RRM, sub-type 10b) are **not emulated** (5/26/00). Media with no offered format
//! (CD-R, CD-RW, DVD±R, DVD+R DL, a BD-R that was written or already formatted) refuse FORMAT
//! UNIT with 5/30/06 CANNOT FORMAT MEDIUM; CD-RW packet formats (10h) are not emulated.
//!
//! BLANK (full 000b or minimal 001b) works on CD-RW and DVD-RW only (other media: 5/30/00
//! INCOMPATIBLE MEDIUM INSTALLED, "command not valid for the mounted profile", `mmc.md` §3.4);
//! both erase the whole disc in the emulator (a minimal blank leaves old data physically in
//! place on a real disc, but none of it is readable). A blanked DVD-RW is sequential (0014h);
//! after a *minimal* blank its incremental recording is unavailable (only disc at once),
//! after a full blank it is available again (`mmc.md` §1.16, §5.4).
//!
//! Test Write (page 05h, CD-R/RW and DVD-R/RW sequential): at the first simulated WRITE or
//! RESERVE TRACK the medium is saved as a snapshot; the simulated recording then follows
//! every rule (the NWA advances, tracks close) but records nothing (no image writes, no
//! `sectors_written`, READ sees the snapshot). When the simulated session closes (CLOSE
//! SESSION, finalizing, a DVD-R disc-at-once SYNCHRONIZE CACHE), when Test Write is switched
//! off, or when the disc leaves the tray, the snapshot is restored — a blank disc is blank
//! again.
//!
//! Spec: `mmc.md` §1.14–§1.16, §1.19, §1.21, §2.2 (Test Write), §5.2–§5.4.

use discmaster_mmc::format_commands::{BlankingType, FormatDescriptor, FormatType};
use discmaster_mmc::{Profile, Sense};
use serde::{Deserialize, Serialize};

use crate::model::{DiscState, Medium, SessionRecord, Track, TrackState};
use crate::{MediaKind, Preformat};

/// BD blocks per spare-size unit of the type-dependent parameter (one 32-block cluster).
const BD_CLUSTER: u32 = 32;
/// The default BD spare size (type 00h): 3000h clusters (`mmc.md` §5.4).
pub(crate) const BD_DEFAULT_SPARE_CLUSTERS: u32 = 0x3000;
/// The BD spare sizes type 30h/32h offer besides the default: 5000h (maximum), 1000h (minimum).
const BD_SPARE_CHOICES: [u32; 3] = [0x3000, 0x5000, 0x1000];
/// Block length parameter of types 00h, 01h, 31h.
const BLOCK_LENGTH_PARAMETER: u32 = 0x800;
/// ECC block parameter of the DVD-RW types 10h–15h.
const DVD_RW_ECC_PARAMETER: u32 = 0x10;
/// DVD-RW restricted overwrite: writes start and end on 16-block ECC blocks.
const DVD_RW_RO_BLOCKING: u32 = 16;

/// State of a background format (READ DISC INFORMATION byte 7 bits 1–0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum BackgroundFormat {
    /// 0: no background format (never started, or not a DVD+RW).
    #[default]
    None,
    /// 1: started, stopped before completion.
    Stopped,
    /// 2: in progress.
    Running,
    /// 3: complete.
    Complete,
}

impl BackgroundFormat {
    /// The 2-bit BG format status.
    pub fn status(self) -> u8 {
        match self {
            BackgroundFormat::None => 0,
            BackgroundFormat::Stopped => 1,
            BackgroundFormat::Running => 2,
            BackgroundFormat::Complete => 3,
        }
    }
}

/// Random-access recording state (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Overwrite {
    /// Formatted (writable); false for a new DVD+RW / BD-RE.
    pub formatted: bool,
    /// DVD+RW background format.
    #[serde(default)]
    pub background: BackgroundFormat,
    /// Background format steps done (one per TEST UNIT READY / REQUEST SENSE).
    #[serde(default)]
    pub background_done: u32,
    /// Background format steps in all.
    #[serde(default)]
    pub background_total: u32,
    /// DVD-RW: quick-formatted (type 15h), intermediate state until CLOSE SESSION.
    #[serde(default)]
    pub intermediate: bool,
}

impl Overwrite {
    /// A new, unformatted disc.
    pub fn unformatted() -> Overwrite {
        Overwrite {
            formatted: false,
            background: BackgroundFormat::None,
            background_done: 0,
            background_total: 0,
            intermediate: false,
        }
    }

    fn formatted() -> Overwrite {
        Overwrite {
            formatted: true,
            ..Overwrite::unformatted()
        }
    }
}

/// One format READ FORMAT CAPACITIES lists and FORMAT UNIT accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FormatOffer {
    /// Format type.
    pub format_type: FormatType,
    /// Blocks of user data after formatting.
    pub blocks: u32,
    /// Type-dependent parameter (block length, ECC block, BD spare size in clusters).
    pub parameter: u32,
}

/// Why FORMAT UNIT was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormatRefusal {
    /// The medium cannot be formatted at all (5/30/06) or another state error.
    Sense(Sense),
    /// A parameter list field (byte offset in the list, bit) holds a value not offered
    /// (5/26/00).
    Field(u16, Option<u8>),
}

/// What a FORMAT UNIT did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FormatOutcome {
    /// The user data are gone: the image must be emptied.
    pub erase_image: bool,
    /// The format has a foreground part (an Immed FORMAT keeps the unit busy).
    pub foreground: bool,
}

/// Byte offsets of the format descriptor fields in the FORMAT UNIT parameter list.
const FIELD_BLOCKS: u16 = 4;
const FIELD_TYPE: u16 = 8;
const FIELD_PARAMETER: u16 = 11;

impl Medium {
    /// The profile the drive reports now: DVD-RW in random-access recording 0013h, otherwise
    /// the kind's profile.
    pub fn current_profile(&self) -> Profile {
        if self.kind == MediaKind::DvdMinusRw && self.overwrite.is_some() {
            Profile::DvdMinusRwRestrictedOverwrite
        } else {
            self.kind.profile()
        }
    }

    /// True when WRITE goes anywhere on the disc (formatted random-access media).
    pub fn is_random_access(&self) -> bool {
        self.overwrite.as_ref().is_some_and(|o| o.formatted)
    }

    /// The capacity without spare areas of this disc (BD: before FORMAT UNIT took spares).
    fn raw_capacity(&self) -> u32 {
        if self.kind.is_cd() {
            self.capacity_blocks
        } else {
            self.kind.capacity_blocks()
        }
    }

    /// The formatted layout over `capacity` blocks: one closed track 1 in one closed session.
    pub fn make_formatted(&mut self, capacity: u32) {
        let capacity = capacity.max(1);
        self.capacity_blocks = capacity;
        self.tracks = vec![Track {
            number: 1,
            session: 1,
            start: 0,
            size: capacity,
            recorded: 0,
            state: TrackState::Closed,
            track_mode: 4,
            dao: false,
            packet: false,
            isrc: None,
        }];
        self.sessions = vec![SessionRecord {
            number: 1,
            first_track: 1,
            last_track: 1,
            start: 0,
            leadout: capacity as i32,
        }];
        self.raw_cd = None;
        self.disc_status = DiscState::Complete;
        let o = self.overwrite.get_or_insert_with(Overwrite::formatted);
        o.formatted = true;
        self.refresh();
    }

    /// The blank layout over `capacity` blocks: one blank invisible track 1 at LBA 0, no
    /// sessions (RAW recording state dropped).
    pub fn make_blank(&mut self, capacity: u32) {
        self.capacity_blocks = capacity.max(1);
        self.tracks = vec![Track {
            number: 1,
            session: 1,
            start: 0,
            size: 0,
            recorded: 0,
            state: TrackState::Invisible,
            track_mode: if self.kind.is_dvd_minus() { 5 } else { 4 },
            dao: false,
            packet: false,
            isrc: None,
        }];
        self.sessions = Vec::new();
        self.raw_cd = None;
        self.mcn = None;
        self.disc_status = DiscState::Blank;
        self.refresh();
    }

    /// The formats READ FORMAT CAPACITIES lists for this disc now (see the module table).
    pub fn format_offers(&self) -> Vec<FormatOffer> {
        let offer = |format_type, blocks, parameter| FormatOffer {
            format_type,
            blocks,
            parameter,
        };
        let cap = self.kind.capacity_blocks();
        let bd = |spare_type: FormatType| -> Vec<FormatOffer> {
            let mut v = vec![offer(
                FormatType::FullFormat,
                cap - BD_DEFAULT_SPARE_CLUSTERS * BD_CLUSTER,
                BD_DEFAULT_SPARE_CLUSTERS,
            )];
            v.extend(
                BD_SPARE_CHOICES
                    .iter()
                    .map(|&c| offer(spare_type, cap - c * BD_CLUSTER, c)),
            );
            v
        };
        match self.kind {
            MediaKind::DvdPlusRw => vec![offer(FormatType::DvdPlusRwBasicFormat, cap, 0)],
            MediaKind::DvdMinusRw => vec![
                offer(FormatType::FullFormat, cap, BLOCK_LENGTH_PARAMETER),
                offer(FormatType::CdRwDvdRwFullFormat, cap, DVD_RW_ECC_PARAMETER),
                offer(FormatType::QuickGrowLastSession, cap, DVD_RW_ECC_PARAMETER),
                offer(FormatType::QuickFormat, cap, DVD_RW_ECC_PARAMETER),
            ],
            MediaKind::DvdRam => vec![offer(FormatType::FullFormat, cap, BLOCK_LENGTH_PARAMETER)],
            MediaKind::BdRe => {
                let mut v = bd(FormatType::BdReFormatWithSpare);
                v.push(offer(
                    FormatType::BdReFormatWithoutSpare,
                    cap,
                    BLOCK_LENGTH_PARAMETER,
                ));
                v
            }
            MediaKind::BdR
                if self.spare_blocks == 0
                    && self.summary().status == DiscState::Blank
                    && self.simulation.is_none() =>
            {
                bd(FormatType::BdRFormatWithSpare)
            }
            MediaKind::BdR
            | MediaKind::CdR
            | MediaKind::CdRw
            | MediaKind::DvdPlusR
            | MediaKind::DvdMinusR
            | MediaKind::DvdPlusRDl => Vec::new(),
        }
    }

    /// FORMAT UNIT with descriptor `d` (after the CDB and header checks): validates it against
    /// [`Medium::format_offers`] and applies it (see the module doc). `try_out` validates only.
    ///
    /// # Errors
    /// [`FormatRefusal::Sense`] 5/30/06 when nothing is offered; [`FormatRefusal::Field`] for a
    /// type not offered (byte 8), blocks matching no offer (byte 4), a sub-type the medium does
    /// not support (byte 8 bit 1), a DVD+RW Restart with no stopped format (byte 11 bit 0).
    pub fn format(
        &mut self,
        d: &FormatDescriptor,
        try_out: bool,
    ) -> Result<FormatOutcome, FormatRefusal> {
        let offers = self.format_offers();
        if offers.is_empty() {
            return Err(FormatRefusal::Sense(
                Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE,
            ));
        }
        let of_type: Vec<&FormatOffer> = offers
            .iter()
            .filter(|o| o.format_type == d.format_type)
            .collect();
        let Some(first) = of_type.first() else {
            return Err(FormatRefusal::Field(FIELD_TYPE, Some(7)));
        };
        let quick_dvd_rw = matches!(
            d.format_type,
            FormatType::QuickFormat | FormatType::QuickGrowLastSession
        );
        let chosen = if d.blocks == u32::MAX || (d.blocks == 0 && quick_dvd_rw) {
            **first
        } else {
            **of_type
                .iter()
                .find(|o| o.blocks == d.blocks)
                .ok_or(FormatRefusal::Field(FIELD_BLOCKS, None))?
        };
        let sub_type_ok = match (self.kind, d.format_type) {
            // SRM without pseudo-overwrite only (POW and RRM are not emulated).
            (MediaKind::BdR, _) => d.sub_type == 1,
            // Quick reformat needs a formatted disc.
            (MediaKind::BdRe, FormatType::BdReFormatWithSpare) => {
                d.sub_type != 0 || self.is_random_access()
            }
            (MediaKind::BdRe, _) => true,
            _ => d.sub_type == 0,
        };
        if !sub_type_ok {
            return Err(FormatRefusal::Field(FIELD_TYPE, Some(1)));
        }
        let restart = d.format_type == FormatType::DvdPlusRwBasicFormat && d.restart();
        let background = self.overwrite.as_ref().map(|o| o.background);
        if restart
            && !matches!(
                background,
                Some(BackgroundFormat::Stopped | BackgroundFormat::Running)
            )
        {
            return Err(FormatRefusal::Field(FIELD_PARAMETER, Some(0)));
        }
        if try_out {
            return Ok(FormatOutcome {
                erase_image: false,
                foreground: false,
            });
        }
        self.simulation = None;
        let fresh = FormatOutcome {
            erase_image: true,
            foreground: true,
        };
        let outcome = match (self.kind, d.format_type) {
            (MediaKind::DvdPlusRw, _) if restart => {
                if let Some(o) = self.overwrite.as_mut() {
                    o.background = BackgroundFormat::Running;
                }
                FormatOutcome {
                    erase_image: false,
                    foreground: false,
                }
            }
            (MediaKind::DvdPlusRw, _) => {
                self.make_formatted(chosen.blocks);
                self.sectors_recorded_reset();
                if let Some(o) = self.overwrite.as_mut() {
                    o.background = BackgroundFormat::Running;
                    o.background_done = 0;
                }
                fresh
            }
            (MediaKind::DvdMinusRw, FormatType::QuickGrowLastSession)
                if self.is_random_access() =>
            {
                self.make_formatted_keeping_data(chosen.blocks);
                FormatOutcome {
                    erase_image: false,
                    foreground: true,
                }
            }
            (MediaKind::DvdMinusRw, t) => {
                self.overwrite = Some(Overwrite::formatted());
                self.make_formatted(chosen.blocks);
                if let Some(o) = self.overwrite.as_mut() {
                    // Quick formats of a sequential disc leave the intermediate state.
                    o.intermediate = matches!(
                        t,
                        FormatType::QuickFormat | FormatType::QuickGrowLastSession
                    );
                }
                fresh
            }
            (MediaKind::BdR, _) => {
                self.spare_blocks = self.raw_capacity().saturating_sub(chosen.blocks);
                self.make_blank(chosen.blocks);
                FormatOutcome {
                    erase_image: false,
                    foreground: true,
                }
            }
            (MediaKind::BdRe, _) => {
                self.spare_blocks = self.raw_capacity().saturating_sub(chosen.blocks);
                self.make_formatted(chosen.blocks);
                fresh
            }
            _ => {
                self.make_formatted(chosen.blocks);
                fresh
            }
        };
        self.refresh();
        Ok(outcome)
    }

    /// Formats a new disc as [`crate::MediaOptions::formatted`] asks (see [`Preformat`]); kinds
    /// the option does not apply to are left as they are (the option was checked on load).
    pub fn preformat(&mut self, preformat: Preformat) {
        let (format_type, sub_type) = match (self.kind, preformat) {
            (MediaKind::DvdPlusRw, _) => (FormatType::DvdPlusRwBasicFormat, 0),
            (MediaKind::DvdMinusRw, _) => (FormatType::CdRwDvdRwFullFormat, 0),
            (MediaKind::BdRe, Preformat::Plain) => (FormatType::BdReFormatWithoutSpare, 0),
            (MediaKind::BdRe, Preformat::WithSpare) => (FormatType::FullFormat, 1),
            (MediaKind::BdR, Preformat::WithSpare) => (FormatType::FullFormat, 1),
            _ => return,
        };
        let d = FormatDescriptor {
            blocks: u32::MAX,
            format_type,
            sub_type,
            parameter: 0,
        };
        if self.format(&d, false).is_ok() {
            if let Some(o) = self.overwrite.as_mut() {
                if o.background == BackgroundFormat::Running {
                    o.background = BackgroundFormat::Complete;
                }
            }
        }
    }

    /// Formats again without losing the written blocks (DVD-RW 13h).
    fn make_formatted_keeping_data(&mut self, capacity: u32) {
        let recorded = self.tracks.first().map_or(0, |t| t.recorded);
        self.make_formatted(capacity);
        if let Some(t) = self.tracks.first_mut() {
            t.recorded = recorded.min(t.size);
        }
        if let Some(o) = self.overwrite.as_mut() {
            o.intermediate = false;
        }
    }

    /// A fresh format leaves no recorded block (the track's last recorded address resets).
    fn sectors_recorded_reset(&mut self) {
        if let Some(t) = self.tracks.first_mut() {
            t.recorded = 0;
        }
    }

    /// BLANK of type `blanking` (full or minimal; the handler refuses the others): the disc
    /// becomes blank (DVD-RW: sequential, incremental recording only after a full blank).
    ///
    /// # Errors
    /// 5/30/00 INCOMPATIBLE MEDIUM INSTALLED on media other than CD-RW and DVD-RW.
    pub fn erase(&mut self, blanking: BlankingType) -> Result<(), Sense> {
        if !self.kind.is_blankable() {
            return Err(Sense::INCOMPATIBLE_MEDIUM_INSTALLED);
        }
        self.simulation = None;
        self.overwrite = None;
        if self.kind == MediaKind::DvdMinusRw {
            self.incremental_allowed = blanking == BlankingType::Full;
        }
        let capacity = self.raw_capacity();
        self.make_blank(capacity);
        Ok(())
    }

    /// Checks a WRITE of `blocks` at `lba` on random-access media.
    ///
    /// # Errors
    /// 5/30/10 MEDIUM NOT FORMATTED on an unformatted disc; 5/21/00 outside the formatted
    /// capacity; 5/21/02 on DVD-RW restricted overwrite when the start or the length is not a
    /// multiple of 16 blocks.
    pub fn check_random_write(&self, lba: i32, blocks: u32) -> Result<(), Sense> {
        if !self.is_random_access() {
            return Err(Sense::MEDIUM_NOT_FORMATTED);
        }
        let end = i64::from(lba) + i64::from(blocks);
        if lba < 0 || end > i64::from(self.capacity_blocks) {
            return Err(Sense::LBA_OUT_OF_RANGE);
        }
        if self.kind == MediaKind::DvdMinusRw
            && (!(lba as u32).is_multiple_of(DVD_RW_RO_BLOCKING)
                || !blocks.is_multiple_of(DVD_RW_RO_BLOCKING))
        {
            return Err(Sense::INVALID_ADDRESS_FOR_WRITE);
        }
        Ok(())
    }

    /// Records a random-access WRITE of `blocks` at `lba` (after
    /// [`Medium::check_random_write`]).
    pub fn commit_random_write(&mut self, lba: i32, blocks: u32) {
        let end = u32::try_from(i64::from(lba) + i64::from(blocks)).unwrap_or(u32::MAX);
        if let Some(t) = self.tracks.first_mut() {
            t.recorded = t.recorded.max(end.min(t.size));
        }
        self.sectors_written = self.sectors_written.saturating_add(u64::from(blocks));
    }

    /// CLOSE TRACK/SESSION on random-access media: DVD+RW 000b/010b stop a running background
    /// format, 001b does nothing; DVD-RW restricted overwrite 010b ends the intermediate
    /// state, 001b does nothing; DVD-RAM and BD-RE 001b/010b do nothing.
    ///
    /// `None` for a function the medium does not support (5/24/00).
    pub fn close_random_access(&mut self, function: discmaster_mmc::CloseFunction) -> Option<()> {
        use discmaster_mmc::CloseFunction as F;
        let kind = self.kind;
        let o = self.overwrite.as_mut()?;
        match (kind, function) {
            (MediaKind::DvdPlusRw, F::StopDeIcing | F::CloseSession) => {
                if o.background == BackgroundFormat::Running {
                    o.background = BackgroundFormat::Stopped;
                }
            }
            (MediaKind::DvdMinusRw, F::CloseSession) => o.intermediate = false,
            (_, F::CloseTrack) => {}
            (MediaKind::DvdRam | MediaKind::BdRe, F::CloseSession) => {}
            _ => return None,
        }
        Some(())
    }

    /// One step of a running background format; true if anything changed.
    pub fn advance_background(&mut self) -> bool {
        let Some(o) = self.overwrite.as_mut() else {
            return false;
        };
        if o.background != BackgroundFormat::Running {
            return false;
        }
        o.background_done = o.background_done.saturating_add(1);
        if o.background_done >= o.background_total {
            o.background = BackgroundFormat::Complete;
        }
        true
    }

    /// Starts a simulated (Test Write) recording: saves the medium as it is, once.
    pub fn begin_simulation(&mut self) {
        if self.simulation.is_none() {
            let mut before = self.clone();
            before.operation = None;
            self.simulation = Some(Box::new(before));
        }
    }

    /// Ends a simulated recording: the layout returns to the snapshot (page 05h, unit
    /// attention, `sectors_written` and a running operation stay). True if one was active.
    pub fn end_simulation(&mut self) -> bool {
        let Some(before) = self.simulation.take() else {
            return false;
        };
        let before = *before;
        self.tracks = before.tracks;
        self.sessions = before.sessions;
        self.disc_status = before.disc_status;
        self.capacity_blocks = before.capacity_blocks;
        self.raw_cd = before.raw_cd;
        self.mcn = before.mcn;
        self.refresh();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WriteSettings;
    use discmaster_mmc::{DataBlockType, MultiSession, WriteType};

    fn blank(kind: MediaKind) -> Medium {
        Medium::blank(kind, crate::pages::default_page05(kind))
    }

    fn descriptor(format_type: FormatType, blocks: u32, sub_type: u8) -> FormatDescriptor {
        FormatDescriptor {
            blocks,
            format_type,
            sub_type,
            parameter: 0,
        }
    }

    #[test]
    fn bd_re_offers_the_reference_list() {
        let m = blank(MediaKind::BdRe);
        let got: Vec<(u8, u32, u32)> = m
            .format_offers()
            .iter()
            .map(|o| (u8::from(o.format_type), o.blocks, o.parameter))
            .collect();
        // mmc.md §5.4, quoted from dvd+rw-mediainfo.
        assert_eq!(
            got,
            [
                (0x00, 11_826_176, 0x3000),
                (0x30, 11_826_176, 0x3000),
                (0x30, 11_564_032, 0x5000),
                (0x30, 12_088_320, 0x1000),
                (0x31, 12_219_392, 0x0800),
            ]
        );
    }

    #[test]
    fn bd_re_format_sets_capacity_and_spare() {
        let mut m = blank(MediaKind::BdRe);
        assert!(!m.is_random_access());
        let d = descriptor(FormatType::BdReFormatWithSpare, 11_564_032, 3);
        assert!(m.format(&d, false).unwrap().erase_image);
        assert!(m.is_random_access());
        assert_eq!(m.capacity_blocks, 11_564_032);
        assert_eq!(m.spare_blocks, 655_360);
        assert_eq!(m.validate(), Ok(()));
        let d = descriptor(FormatType::BdReFormatWithoutSpare, 12_219_392, 0);
        m.format(&d, false).unwrap();
        assert_eq!((m.capacity_blocks, m.spare_blocks), (12_219_392, 0));
    }

    #[test]
    fn bd_re_quick_reformat_needs_a_formatted_disc() {
        let mut m = blank(MediaKind::BdRe);
        let d = descriptor(FormatType::BdReFormatWithSpare, 11_826_176, 0);
        assert_eq!(m.format(&d, false), Err(FormatRefusal::Field(8, Some(1))));
        let d = descriptor(FormatType::BdReFormatWithSpare, 1234, 1);
        assert_eq!(m.format(&d, false), Err(FormatRefusal::Field(4, None)));
    }

    #[test]
    fn bd_r_spare_format_keeps_the_disc_blank() {
        let mut m = blank(MediaKind::BdR);
        let pow = descriptor(FormatType::BdRFormatWithSpare, 11_826_176, 0);
        assert_eq!(m.format(&pow, false), Err(FormatRefusal::Field(8, Some(1))));
        let srm = descriptor(FormatType::FullFormat, u32::MAX, 1);
        m.format(&srm, false).unwrap();
        assert_eq!(m.capacity_blocks, 11_826_176);
        assert_eq!(m.spare_blocks, 393_216);
        assert_eq!(m.summary().status, DiscState::Blank);
        assert_eq!(m.next_writable_address, Some(0));
        assert!(m.format_offers().is_empty(), "formatted once");
        assert_eq!(
            m.format(&srm, false),
            Err(FormatRefusal::Sense(
                Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE
            ))
        );
        assert_eq!(m.validate(), Ok(()));
    }

    #[test]
    fn write_once_media_cannot_be_formatted() {
        for kind in [
            MediaKind::CdR,
            MediaKind::CdRw,
            MediaKind::DvdPlusR,
            MediaKind::DvdMinusR,
            MediaKind::DvdPlusRDl,
        ] {
            let mut m = blank(kind);
            let d = descriptor(FormatType::FullFormat, u32::MAX, 0);
            assert_eq!(
                m.format(&d, false),
                Err(FormatRefusal::Sense(
                    Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE
                )),
                "{kind}"
            );
        }
    }

    #[test]
    fn dvd_rw_formats_to_restricted_overwrite_and_blanks_back() {
        let mut m = blank(MediaKind::DvdMinusRw);
        assert_eq!(m.current_profile(), Profile::DvdMinusRwSequential);
        let d = descriptor(FormatType::QuickFormat, 0, 0);
        m.format(&d, false).unwrap();
        assert_eq!(m.current_profile(), Profile::DvdMinusRwRestrictedOverwrite);
        assert!(m.overwrite.as_ref().unwrap().intermediate);
        assert_eq!(m.check_random_write(16, 32), Ok(()));
        assert_eq!(
            m.check_random_write(8, 16),
            Err(Sense::INVALID_ADDRESS_FOR_WRITE)
        );
        assert_eq!(
            m.check_random_write(16, 8),
            Err(Sense::INVALID_ADDRESS_FOR_WRITE)
        );
        m.close_random_access(discmaster_mmc::CloseFunction::CloseSession)
            .unwrap();
        assert!(!m.overwrite.as_ref().unwrap().intermediate);
        m.erase(BlankingType::Minimal).unwrap();
        assert_eq!(m.current_profile(), Profile::DvdMinusRwSequential);
        assert!(!m.incremental_allowed);
        m.erase(BlankingType::Full).unwrap();
        assert!(m.incremental_allowed);
        assert_eq!(m.validate(), Ok(()));
    }

    #[test]
    fn dvd_plus_rw_background_format_runs_and_stops() {
        let mut m = blank(MediaKind::DvdPlusRw);
        let d = descriptor(FormatType::DvdPlusRwBasicFormat, u32::MAX, 0);
        m.format(&d, false).unwrap();
        if let Some(o) = m.overwrite.as_mut() {
            o.background_total = 2;
        }
        assert_eq!(
            m.overwrite.as_ref().unwrap().background,
            BackgroundFormat::Running
        );
        assert!(m.advance_background());
        m.close_random_access(discmaster_mmc::CloseFunction::StopDeIcing)
            .unwrap();
        assert_eq!(m.overwrite.as_ref().unwrap().background.status(), 1);
        let restart = FormatDescriptor {
            parameter: 1,
            ..descriptor(FormatType::DvdPlusRwBasicFormat, u32::MAX, 0)
        };
        assert!(!m.format(&restart, false).unwrap().erase_image);
        assert!(m.advance_background());
        assert_eq!(m.overwrite.as_ref().unwrap().background.status(), 3);
        assert!(!m.advance_background());
    }

    #[test]
    fn preformat_matches_format_unit() {
        let mut m = blank(MediaKind::BdRe);
        m.preformat(Preformat::WithSpare);
        assert_eq!((m.capacity_blocks, m.spare_blocks), (11_826_176, 393_216));
        let mut m = blank(MediaKind::DvdPlusRw);
        m.preformat(Preformat::Plain);
        assert_eq!(m.overwrite.as_ref().unwrap().background.status(), 3);
        let mut m = blank(MediaKind::BdR);
        m.preformat(Preformat::WithSpare);
        assert_eq!(m.capacity_blocks, 11_826_176);
        assert_eq!(m.summary().status, DiscState::Blank);
        assert_eq!(m.validate(), Ok(()));
    }

    #[test]
    fn blank_refuses_media_other_than_cd_rw_and_dvd_rw() {
        let mut m = blank(MediaKind::DvdPlusRw);
        assert_eq!(
            m.erase(BlankingType::Full),
            Err(Sense::INCOMPATIBLE_MEDIUM_INSTALLED)
        );
    }

    #[test]
    fn simulation_restores_the_blank_disc() {
        let s = WriteSettings {
            write_type: WriteType::TrackAtOnce,
            multi_session: MultiSession::NoNextSession,
            track_mode: 4,
            data_block_type: DataBlockType::Mode1,
            test_write: true,
        };
        let mut m = blank(MediaKind::CdR);
        m.begin_simulation();
        let i = m.check_write(0, 300, &s).unwrap();
        m.commit_write(i, 300, &s);
        assert_eq!(m.next_writable_address, Some(300));
        assert_eq!(m.check_read(0, 1), Err(Sense::LBA_OUT_OF_RANGE));
        assert_eq!(m.sectors_written, 0);
        assert!(m.synchronize(&s));
        m.close_session(true).unwrap();
        assert!(m.simulation.is_none());
        assert_eq!(m.summary().status, DiscState::Blank);
        assert_eq!(m.next_writable_address, Some(0));
        assert_eq!(m.validate(), Ok(()));
    }
}
