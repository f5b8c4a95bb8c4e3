//! Sub-channel P and Q: Q frames (ADR 1 position and lead-in TOC, ADR 2 MCN, ADR 3 ISRC) with
//! their CRC, the P flag, the Q/P stream of a session as a pure function of the position, and
//! the three sub-channel forms (raw interleaved P–W 96, packed R–W 96, 16-byte PQ) with
//! converters.
//!
//! Scope: what a host writes in RAW/SAO modes and what an emulator returns for READ CD
//! sub-channel requests. Invariants: nothing here keeps state between sectors — every frame is
//! computed from `(position, layout, options)` alone ([`q_frame`], [`p_flag`]); every function
//! is total (no panics on any input). MSF values are binary in Rust and BCD on disc.
//!
//! Spec: Red Book / ECMA-130 §22 (sub-channel); reference `mmc.md` §4.6–§4.8, §7 questions 3–5.

use discmaster_core::{Lba, Msf};

use crate::sector::{from_bcd, msf_from_bcd, msf_to_bcd, to_bcd};

/// Bytes of one sector's raw P–W sub-channel (96 symbols).
pub const SUBCHANNEL_BYTES: usize = 96;
/// Bytes of a Q frame (B0–B9 data, B10–B11 CRC).
pub const Q_FRAME_BYTES: usize = 12;
/// Bytes of the 16-byte PQ form.
pub const PQ16_BYTES: usize = 16;
/// Track number (TNO) of the lead-out in ADR 1 Q frames.
pub const LEAD_OUT_TRACK: u8 = 0xAA;

/// CRC-16/GSM: poly 0x1021, init 0, MSB-first, final XOR FFFFh — the Q CRC inverted as stored on
/// disc. The check value of the catalogue entry ("123456789") is CEh 3Ch.
static Q_CRC: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_GSM);

/// The sub-channel Q CRC of `bytes` (normally B0–B9) **as stored on disc**: CRC-16 CCITT
/// (x¹⁶ + x¹² + x⁵ + 1, init 0, MSB-first) with all bits inverted, i.e. CRC-16/GSM.
///
/// Units: stored big-endian in B10–B11. The same CRC protects CD-Text packs.
///
/// Spec: reference `mmc.md` §4.6, §4.9, §4.11.
pub fn q_crc(bytes: &[u8]) -> u16 {
    Q_CRC.checksum(bytes)
}

/// The Q CONTROL nibble (B0 bits 7–4), a set of bits.
///
/// Shape: b3 (8h) four-channel audio, b2 (4h) data track, b1 (2h) digital copy permitted,
/// b0 (1h) pre-emphasis (audio) / incremental recording (data).
///
/// Spec: reference `mmc.md` §4.6.
#[doc(alias = "CTL")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Control(pub u8);

impl Control {
    /// Two-channel audio, copy prohibited, no pre-emphasis.
    pub const AUDIO: Control = Control(0x0);
    /// 8h: four-channel audio.
    pub const FOUR_CHANNEL: Control = Control(0x8);
    /// 4h: data track.
    pub const DATA: Control = Control(0x4);
    /// 2h: digital copy permitted.
    pub const COPY_PERMITTED: Control = Control(0x2);
    /// 1h on an audio track: pre-emphasis.
    pub const PRE_EMPHASIS: Control = Control(0x1);
    /// 1h on a data track: recorded incrementally.
    pub const INCREMENTAL: Control = Control(0x1);

    /// This control with the bits of `other` added (kept to 4 bits).
    pub const fn with(self, other: Control) -> Control {
        Control((self.0 | other.0) & 0x0F)
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Control) -> bool {
        self.0 & other.0 == other.0
    }
}

/// Disc type in the lead-in A0 entry (PSEC); equals the page 05h session format.
///
/// Spec: reference `mmc.md` §4.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct DiscType(pub u8);

impl DiscType {
    /// 00h: CD-DA or CD-ROM.
    pub const CD_DA_OR_CD_ROM: DiscType = DiscType(0x00);
    /// 10h: CD-I.
    pub const CD_I: DiscType = DiscType(0x10);
    /// 20h: CD-ROM XA.
    pub const CD_ROM_XA: DiscType = DiscType(0x20);
}

/// A Media Catalogue Number: 13 decimal digits.
///
/// Spec: reference `mmc.md` §4.6 (ADR 2); `imapi2.md` §5.7.
#[doc(alias = "MCN")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mcn([u8; 13]);

impl Mcn {
    /// Parses 13 ASCII digits.
    ///
    /// # Errors
    ///
    /// [`QError::BadMcn`] unless the text is exactly 13 digits.
    pub fn new(text: &str) -> Result<Mcn, QError> {
        let bytes = text.as_bytes();
        if bytes.len() != 13 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(QError::BadMcn);
        }
        let mut digits = [0u8; 13];
        for (d, b) in digits.iter_mut().zip(bytes) {
            *d = b - b'0';
        }
        Ok(Mcn(digits))
    }

    /// The 13 digits, binary 0–9, most significant first.
    pub fn digits(&self) -> [u8; 13] {
        self.0
    }
}

impl std::fmt::Display for Mcn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|d| write!(f, "{d}"))
    }
}

/// An International Standard Recording Code: `CC OOO YY NNNNN` (12 characters).
///
/// Shape: country (2) and owner (3) are letters or digits; year (2) and serial (5) are digits.
///
/// Spec: reference `mmc.md` §4.6 (ADR 3); `imapi2.md` §5.7.
#[doc(alias = "ISRC")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Isrc([u8; 12]);

impl Isrc {
    /// Parses `CCOOOYYNNNNN`; dashes are ignored and letters are upper-cased.
    ///
    /// # Errors
    ///
    /// [`QError::BadIsrc`] unless the text has that shape.
    pub fn new(text: &str) -> Result<Isrc, QError> {
        let chars: Vec<u8> = text
            .bytes()
            .filter(|&b| b != b'-')
            .map(|b| b.to_ascii_uppercase())
            .collect();
        let ok = chars.len() == 12
            && chars[..5].iter().all(u8::is_ascii_alphanumeric)
            && chars[5..].iter().all(u8::is_ascii_digit);
        let mut out = [0u8; 12];
        if !ok {
            return Err(QError::BadIsrc);
        }
        out.copy_from_slice(&chars);
        Ok(Isrc(out))
    }

    /// The 12 ASCII characters.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl std::fmt::Display for Isrc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One lead-in TOC entry (ADR 1, TNO 0): the POINT and its PMIN/PSEC/PFRAME.
///
/// Spec: reference `mmc.md` §4.7 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TocEntry {
    /// POINT 01–99: the track's index 01 start.
    Track {
        /// Track number 1–99 (binary).
        number: u8,
        /// Absolute start time.
        start: Msf,
    },
    /// POINT A0h: PMIN = first track number, PSEC = disc type, PFRAME = 0.
    FirstTrack {
        /// First track number (binary).
        number: u8,
        /// Disc type (PSEC).
        disc_type: DiscType,
    },
    /// POINT A1h: PMIN = last track number.
    LastTrack {
        /// Last track number (binary).
        number: u8,
    },
    /// POINT A2h: start of the lead-out.
    LeadOut {
        /// Absolute start time of the lead-out.
        start: Msf,
    },
    /// Any other POINT, bytes kept as recorded.
    Other {
        /// The POINT byte.
        point: u8,
        /// PMIN, PSEC, PFRAME as recorded.
        pointer: [u8; 3],
    },
}

/// The mode-specific part (B1–B9) of a Q frame, by ADR.
///
/// Spec: reference `mmc.md` §4.6 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QContent {
    /// ADR 1 in the program area and lead-out.
    Position {
        /// TNO: 1–99 (binary) or [`LEAD_OUT_TRACK`].
        track: u8,
        /// INDEX 0–99 (binary); 0 = pregap.
        index: u8,
        /// Relative time in the track (counting down in index 0).
        relative: Msf,
        /// Absolute time.
        absolute: Msf,
    },
    /// ADR 1 in the lead-in (TNO 0).
    LeadIn {
        /// The running lead-in time (B3–B5), see [`LeadInTime`].
        time: Msf,
        /// POINT and PMIN/PSEC/PFRAME.
        entry: TocEntry,
    },
    /// ADR 2: Media Catalogue Number.
    Mcn {
        /// The number.
        mcn: Mcn,
        /// Frame (0–74) of the absolute time this frame replaces.
        aframe: u8,
    },
    /// ADR 3: ISRC of the current track.
    Isrc {
        /// The code.
        isrc: Isrc,
        /// Frame (0–74) of the absolute time this frame replaces.
        aframe: u8,
    },
    /// Any other ADR (e.g. 5 in the lead-in), bytes B1–B9 kept as recorded.
    Other {
        /// The ADR nibble.
        adr: u8,
        /// B1–B9.
        payload: [u8; 9],
    },
}

/// A sub-channel Q frame.
///
/// Shape: 12 bytes: B0 = CONTROL (b7–4) | ADR (b3–0), B1–B9 by ADR ([`QContent`]), B10–B11
/// CRC ([`q_crc`], inverted, big-endian).
///
/// Spec: reference `mmc.md` §4.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QFrame {
    /// The CONTROL nibble.
    pub control: Control,
    /// ADR and B1–B9.
    pub content: QContent,
}

/// Why Q bytes or Q-related text could not be parsed.
///
/// Spec: reference `mmc.md` §4.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QError {
    /// The stored CRC does not match (both as on disc, i.e. inverted).
    #[error("Q CRC mismatch: stored {stored:#06x}, computed {computed:#06x}")]
    Crc {
        /// B10–B11.
        stored: u16,
        /// [`q_crc`] of B0–B9.
        computed: u16,
    },
    /// A field that must be BCD is not (or is out of range), at this byte offset.
    #[error("Q byte {0} is not a valid BCD value")]
    NotBcd(u8),
    /// An ISRC character code outside 0–9 and 17–42.
    #[error("ISRC character code {0} is not a digit or letter")]
    BadIsrcCharacter(u8),
    /// MCN text is not 13 digits.
    #[error("MCN must be 13 decimal digits")]
    BadMcn,
    /// ISRC text is not `CCOOOYYNNNNN`.
    #[error("ISRC must be 5 letters/digits then 7 digits")]
    BadIsrc,
}

impl QFrame {
    /// The ADR nibble of this frame's content.
    pub fn adr(&self) -> u8 {
        match self.content {
            QContent::Position { .. } | QContent::LeadIn { .. } => 1,
            QContent::Mcn { .. } => 2,
            QContent::Isrc { .. } => 3,
            QContent::Other { adr, .. } => adr & 0x0F,
        }
    }

    /// B0–B9 without the CRC.
    pub fn emit_payload(&self) -> [u8; 10] {
        let mut b = [0u8; 10];
        b[0] = (self.control.0 << 4) | self.adr();
        match self.content {
            QContent::Position {
                track,
                index,
                relative,
                absolute,
            } => {
                b[1] = if track == LEAD_OUT_TRACK {
                    LEAD_OUT_TRACK
                } else {
                    to_bcd(track)
                };
                b[2] = to_bcd(index);
                b[3..6].copy_from_slice(&msf_to_bcd(relative));
                b[7..10].copy_from_slice(&msf_to_bcd(absolute));
            }
            QContent::LeadIn { time, entry } => {
                b[3..6].copy_from_slice(&msf_to_bcd(time));
                let (point, pointer) = match entry {
                    TocEntry::Track { number, start } => (to_bcd(number), msf_to_bcd(start)),
                    TocEntry::FirstTrack { number, disc_type } => {
                        (0xA0, [to_bcd(number), disc_type.0, 0])
                    }
                    TocEntry::LastTrack { number } => (0xA1, [to_bcd(number), 0, 0]),
                    TocEntry::LeadOut { start } => (0xA2, msf_to_bcd(start)),
                    TocEntry::Other { point, pointer } => (point, pointer),
                };
                b[2] = point;
                b[7..10].copy_from_slice(&pointer);
            }
            QContent::Mcn { mcn, aframe } => {
                let d = mcn.0;
                for (k, byte) in b[1..8].iter_mut().enumerate() {
                    let high = d[2 * k];
                    let low = d.get(2 * k + 1).copied().unwrap_or(0);
                    *byte = (high << 4) | low;
                }
                b[9] = to_bcd(aframe);
            }
            QContent::Isrc { isrc, aframe } => {
                // Five 6-bit characters then two zero bits in B1–B4.
                let bits = isrc.0[..5].iter().fold(0u32, |acc, &c| {
                    (acc << 6) | u32::from(c.wrapping_sub(b'0') & 0x3F)
                }) << 2;
                b[1..5].copy_from_slice(&bits.to_be_bytes());
                // Seven BCD digits and a zero nibble in B5–B8.
                let digit = |i: usize| isrc.0[i].wrapping_sub(b'0') & 0x0F;
                for (k, byte) in b[5..9].iter_mut().enumerate() {
                    let low = if k < 3 { digit(6 + 2 * k) } else { 0 };
                    *byte = (digit(5 + 2 * k) << 4) | low;
                }
                b[9] = to_bcd(aframe);
            }
            QContent::Other { payload, .. } => b[1..].copy_from_slice(&payload),
        }
        b
    }

    /// The 12 bytes with the CRC as on disc (inverted).
    ///
    /// Spec: reference `mmc.md` §4.6.
    pub fn emit(&self) -> [u8; Q_FRAME_BYTES] {
        let payload = self.emit_payload();
        let mut out = [0u8; Q_FRAME_BYTES];
        out[..10].copy_from_slice(&payload);
        out[10..].copy_from_slice(&q_crc(&payload).to_be_bytes());
        out
    }

    /// Parses 12 Q bytes, checking the (inverted) CRC.
    ///
    /// # Errors
    ///
    /// [`QError::Crc`], or as [`QFrame::parse_payload`].
    pub fn parse(bytes: &[u8; Q_FRAME_BYTES]) -> Result<QFrame, QError> {
        let stored = u16::from_be_bytes([bytes[10], bytes[11]]);
        let computed = q_crc(&bytes[..10]);
        if stored != computed {
            return Err(QError::Crc { stored, computed });
        }
        let mut payload = [0u8; 10];
        payload.copy_from_slice(&bytes[..10]);
        QFrame::parse_payload(&payload)
    }

    /// Parses B0–B9 (no CRC check). TNO 0 with ADR 1 is a lead-in frame; TNO AAh the lead-out.
    ///
    /// # Errors
    ///
    /// [`QError::NotBcd`] for a non-BCD time/number field, [`QError::BadIsrcCharacter`].
    pub fn parse_payload(b: &[u8; 10]) -> Result<QFrame, QError> {
        let control = Control(b[0] >> 4);
        let adr = b[0] & 0x0F;
        let bcd = |i: usize| from_bcd(b[i]).ok_or(QError::NotBcd(i as u8));
        let msf =
            |i: usize| msf_from_bcd([b[i], b[i + 1], b[i + 2]]).ok_or(QError::NotBcd(i as u8));
        let content = match adr {
            1 if b[1] == 0 => {
                let pointer = [b[7], b[8], b[9]];
                let entry = match b[2] {
                    0xA0 => TocEntry::FirstTrack {
                        number: bcd(7)?,
                        disc_type: DiscType(b[8]),
                    },
                    0xA1 => TocEntry::LastTrack { number: bcd(7)? },
                    0xA2 => TocEntry::LeadOut { start: msf(7)? },
                    p => match from_bcd(p) {
                        Some(number @ 1..=99) => TocEntry::Track {
                            number,
                            start: msf(7)?,
                        },
                        _ => TocEntry::Other { point: p, pointer },
                    },
                };
                QContent::LeadIn {
                    time: msf(3)?,
                    entry,
                }
            }
            1 => QContent::Position {
                track: if b[1] == LEAD_OUT_TRACK {
                    LEAD_OUT_TRACK
                } else {
                    bcd(1)?
                },
                index: bcd(2)?,
                relative: msf(3)?,
                absolute: msf(7)?,
            },
            2 => {
                let mut digits = [0u8; 13];
                for (i, d) in digits.iter_mut().enumerate() {
                    let byte = b[1 + i / 2];
                    let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0F };
                    if nibble > 9 {
                        return Err(QError::NotBcd((1 + i / 2) as u8));
                    }
                    *d = nibble;
                }
                QContent::Mcn {
                    mcn: Mcn(digits),
                    aframe: bcd(9)?,
                }
            }
            3 => {
                let bits = u32::from_be_bytes([b[1], b[2], b[3], b[4]]) >> 2;
                let mut text = [0u8; 12];
                for (i, c) in text[..5].iter_mut().enumerate() {
                    let code = ((bits >> (6 * (4 - i))) & 0x3F) as u8;
                    if !(code <= 9 || (17..=42).contains(&code)) {
                        return Err(QError::BadIsrcCharacter(code));
                    }
                    *c = code + b'0';
                }
                for i in 0..7 {
                    let byte = b[5 + i / 2];
                    let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0F };
                    if nibble > 9 {
                        return Err(QError::NotBcd((5 + i / 2) as u8));
                    }
                    text[5 + i] = b'0' + nibble;
                }
                QContent::Isrc {
                    isrc: Isrc(text),
                    aframe: bcd(9)?,
                }
            }
            _ => {
                let mut payload = [0u8; 9];
                payload.copy_from_slice(&b[1..]);
                QContent::Other { adr, payload }
            }
        };
        Ok(QFrame { control, content })
    }
}

/// One track of a session layout.
///
/// Units: LBAs (signed; LBA 0 = 00:02:00).
///
/// Spec: reference `mmc.md` §4.6, §4.7 (layout rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackLayout {
    /// Track number 1–99.
    pub number: u8,
    /// CONTROL nibble of the track.
    pub control: Control,
    /// First block of the pregap (index 00); equal to `start` when there is none.
    pub pregap_start: Lba,
    /// First block of index 01.
    pub start: Lba,
    /// First blocks of index 02, 03, … in increasing order.
    pub index_starts: Vec<Lba>,
    /// ISRC carried in ADR 3 frames of this track.
    pub isrc: Option<Isrc>,
}

/// Why a [`SessionLayout`] was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// No tracks.
    #[error("a session needs at least one track")]
    NoTracks,
    /// Track numbers must be 1–99 and consecutive.
    #[error("track numbers must be consecutive within 1-99 (track {0})")]
    BadTrackNumber(u8),
    /// Addresses of a track are not increasing, overlap the previous track, or exceed index 99.
    #[error("addresses of track {0} are out of order")]
    OutOfOrder(u8),
    /// Lead-in or lead-out misplaced relative to the tracks.
    #[error("lead-in must precede the first pregap and lead-out follow the last index")]
    BadLeadInOrOut,
    /// An address has no MSF (outside −45 150 … 404 849).
    #[error("LBA {0} has no MSF")]
    NoMsf(i32),
}

/// The layout of one session: the input of the pure Q/P stream functions.
///
/// Invariants (checked by [`SessionLayout::new`]): at least one track; track numbers
/// consecutive within 1–99; for each track `pregap_start ≤ start < index_starts…` and the next
/// track's pregap after the last index start; `lead_in_start ≤` first pregap start;
/// lead-out after the last index start; every address has an MSF.
///
/// Spec: reference `mmc.md` §4.1, §4.6, §4.7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLayout {
    lead_in_start: Lba,
    tracks: Vec<TrackLayout>,
    lead_out_start: Lba,
    disc_type: DiscType,
    mcn: Option<Mcn>,
}

impl SessionLayout {
    /// Checks and builds a layout.
    ///
    /// `lead_in_start` is the first lead-in block (ATIP lead-in start for session 1, e.g.
    /// −11 635 = 97:26:65); the lead-in runs to the block before the first pregap.
    ///
    /// # Errors
    ///
    /// [`LayoutError`] naming the first broken invariant.
    pub fn new(
        lead_in_start: Lba,
        tracks: Vec<TrackLayout>,
        lead_out_start: Lba,
        disc_type: DiscType,
        mcn: Option<Mcn>,
    ) -> Result<SessionLayout, LayoutError> {
        let has_msf = |l: Lba| Msf::from_lba(l).map(|_| ()).ok_or(LayoutError::NoMsf(l.0));
        let first = tracks.first().ok_or(LayoutError::NoTracks)?;
        has_msf(lead_in_start)?;
        has_msf(lead_out_start)?;
        if lead_in_start > first.pregap_start {
            return Err(LayoutError::BadLeadInOrOut);
        }
        let mut previous_end: Option<Lba> = None;
        for (k, t) in tracks.iter().enumerate() {
            let expected = first.number as usize + k;
            if !(1..=99).contains(&t.number) || usize::from(t.number) != expected {
                return Err(LayoutError::BadTrackNumber(t.number));
            }
            has_msf(t.pregap_start)?;
            has_msf(t.start)?;
            let mut last = t.start;
            let ordered = t.pregap_start <= t.start
                && previous_end.is_none_or(|end| end < t.pregap_start)
                && t.index_starts.len() <= 98
                && t.index_starts.iter().all(|&i| {
                    let ok = i > last;
                    last = i;
                    ok
                });
            if !ordered {
                return Err(LayoutError::OutOfOrder(t.number));
            }
            for &i in &t.index_starts {
                has_msf(i)?;
            }
            previous_end = Some(last);
        }
        if previous_end.is_some_and(|end| lead_out_start <= end) {
            return Err(LayoutError::BadLeadInOrOut);
        }
        Ok(SessionLayout {
            lead_in_start,
            tracks,
            lead_out_start,
            disc_type,
            mcn,
        })
    }

    /// The tracks in order.
    pub fn tracks(&self) -> &[TrackLayout] {
        &self.tracks
    }

    /// First block of the lead-in.
    pub fn lead_in_start(&self) -> Lba {
        self.lead_in_start
    }

    /// First block of the lead-out.
    pub fn lead_out_start(&self) -> Lba {
        self.lead_out_start
    }

    /// Disc type reported in the A0 entry.
    pub fn disc_type(&self) -> DiscType {
        self.disc_type
    }

    /// The MCN, if any.
    pub fn mcn(&self) -> Option<Mcn> {
        self.mcn
    }

    /// The lead-in TOC entries in cycle order: A0, A1, A2, then each track, with the CONTROL
    /// each is recorded with (A0: first track's; A1/A2: last track's).
    ///
    /// Spec: reference `mmc.md` §4.7.
    pub fn toc_entries(&self) -> Vec<(Control, TocEntry)> {
        let (first, last) = match (self.tracks.first(), self.tracks.last()) {
            (Some(f), Some(l)) => (f, l),
            _ => return Vec::new(),
        };
        let mut v = vec![
            (
                first.control,
                TocEntry::FirstTrack {
                    number: first.number,
                    disc_type: self.disc_type,
                },
            ),
            (
                last.control,
                TocEntry::LastTrack {
                    number: last.number,
                },
            ),
            (
                last.control,
                TocEntry::LeadOut {
                    start: msf_total(self.lead_out_start),
                },
            ),
        ];
        v.extend(self.tracks.iter().map(|t| {
            (
                t.control,
                TocEntry::Track {
                    number: t.number,
                    start: msf_total(t.start),
                },
            )
        }));
        v
    }

    /// The track whose area (pregap start to next pregap start) holds `position`, if any.
    fn track_at(&self, position: Lba) -> Option<&TrackLayout> {
        if position >= self.lead_out_start {
            return None;
        }
        self.tracks
            .iter()
            .rev()
            .find(|t| t.pregap_start <= position)
    }

    /// Whether `position` is the first block of an index, a track area or the lead-out.
    fn is_transition(&self, position: Lba) -> bool {
        position == self.lead_out_start
            || self.tracks.iter().any(|t| {
                t.pregap_start == position
                    || t.start == position
                    || t.index_starts.contains(&position)
            })
    }
}

/// What the lead-in Q running time (B3–B5) counts (`mmc.md` §7 question 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeadInTime {
    /// The absolute time of the block as a 9x-minute time (98:06:12 …), as read from real
    /// discs (cdrkit capture in `mmc.md` §4.7).
    #[default]
    Absolute,
    /// Frames since the lead-in start from 00:00:00 (cdrdao's raw writer).
    FromLeadInStart,
}

/// The P flag during the first 2 s (150 blocks) of the lead-out (`mmc.md` §7 question 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeadOutStartP {
    /// P = 1 for the first 150 blocks (cdrdao's effective behaviour).
    #[default]
    On,
    /// P = 0 for the first 150 blocks (libburn, apart from its very first block).
    Off,
}

/// Choices where writers disagree; the defaults follow real discs and cdrdao.
///
/// Spec: reference `mmc.md` §4.6, §4.7, §7 questions 4–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubchannelOptions {
    /// Lead-in running time.
    pub lead_in_time: LeadInTime,
    /// P during the first 2 s of the lead-out.
    pub lead_out_start_p: LeadOutStartP,
}

/// Period of MCN / ISRC frames in blocks, and their phases (cdrdao: absolute LBA % 90 = 0 for
/// the MCN, = 50 for the ISRC; `mmc.md` §4.6).
const MCN_ISRC_PERIOD: i64 = 90;
const MCN_PHASE: i64 = 0;
const ISRC_PHASE: i64 = 50;

/// MSF of an LBA with the lead-in mapping, wrapping outside the CD range instead of failing
/// (equal to [`Msf::from_lba`] wherever that is `Some`).
fn msf_total(lba: Lba) -> Msf {
    frames_msf(i64::from(lba.0) + 150)
}

/// MSF of a frame count, taken modulo 100 minutes.
fn frames_msf(frames: i64) -> Msf {
    let f = frames.rem_euclid(100 * 60 * 75);
    Msf {
        minute: (f / 4500) as u8,
        second: (f / 75 % 60) as u8,
        frame: (f % 75) as u8,
    }
}

/// Whether an MCN/ISRC frame with this phase goes at `position` in the cycle: at the phase,
/// or one block later when the phase block starts an index (never disturb a transition).
fn slot(layout: &SessionLayout, position: Lba, phase: i64) -> bool {
    let r = i64::from(position.0).rem_euclid(MCN_ISRC_PERIOD);
    if layout.is_transition(position) {
        return false;
    }
    r == phase
        || (r == (phase + 1) % MCN_ISRC_PERIOD
            && position
                .0
                .checked_sub(1)
                .is_some_and(|p| layout.is_transition(Lba(p))))
}

/// The Q frame of the block at `position` in `layout`: a pure function of its arguments.
///
/// * Before the first pregap (lead-in): ADR 1, TNO 0, cycling A0, A1, A2, track 1 … n, each
///   entry in 3 consecutive frames from the lead-in start; B3–B5 per [`LeadInTime`].
/// * Track areas: ADR 1 with TNO, INDEX, relative time (counting down to 00:00:01 in index 0,
///   from 00:00:00 at index 01) and absolute time; ADR 2 (MCN) at absolute LBA % 90 = 0 and
///   ADR 3 (ISRC, index ≥ 1 only) at % 90 = 50, moved one block later when that block starts
///   an index.
/// * From the lead-out start: TNO AAh, index 01, relative time from the lead-out start,
///   CONTROL of the last track.
///
/// Spec: reference `mmc.md` §4.6, §4.7.
pub fn q_frame(layout: &SessionLayout, position: Lba, options: &SubchannelOptions) -> QFrame {
    let absolute = msf_total(position);
    let p = i64::from(position.0);
    let first_pregap = layout
        .tracks
        .first()
        .map_or(layout.lead_out_start, |t| t.pregap_start);
    if position < first_pregap {
        let entries = layout.toc_entries();
        let since_start = p - i64::from(layout.lead_in_start.0);
        let count = entries.len().max(1) as i64;
        let k = since_start.rem_euclid(3 * count) / 3;
        let (control, entry) = entries
            .get(k as usize)
            .copied()
            .unwrap_or((Control::AUDIO, TocEntry::LastTrack { number: 0 }));
        let time = match options.lead_in_time {
            LeadInTime::Absolute => absolute,
            LeadInTime::FromLeadInStart => frames_msf(since_start),
        };
        return QFrame {
            control,
            content: QContent::LeadIn { time, entry },
        };
    }
    let Some(track) = layout.track_at(position) else {
        let control = layout.tracks.last().map_or(Control::AUDIO, |t| t.control);
        return QFrame {
            control,
            content: QContent::Position {
                track: LEAD_OUT_TRACK,
                index: 1,
                relative: frames_msf(p - i64::from(layout.lead_out_start.0)),
                absolute,
            },
        };
    };
    let aframe = absolute.frame;
    if let Some(mcn) = layout.mcn {
        if slot(layout, position, MCN_PHASE) {
            return QFrame {
                control: track.control,
                content: QContent::Mcn { mcn, aframe },
            };
        }
    }
    let start = i64::from(track.start.0);
    let (index, relative) = if p < start {
        (0, frames_msf(start - p))
    } else {
        let later = track
            .index_starts
            .iter()
            .filter(|&&i| i <= position)
            .count();
        (1 + later as u8, frames_msf(p - start))
    };
    if let Some(isrc) = track.isrc {
        if index >= 1 && slot(layout, position, ISRC_PHASE) {
            return QFrame {
                control: track.control,
                content: QContent::Isrc { isrc, aframe },
            };
        }
    }
    QFrame {
        control: track.control,
        content: QContent::Position {
            track: track.number,
            index,
            relative,
            absolute,
        },
    }
}

/// The P flag of the block at `position`: a pure function of its arguments.
///
/// * Lead-in: 0.
/// * Track areas: 1 in index 00 and in the 150 blocks before each index 01 (cdrdao; covers
///   gapless track changes), else 0.
/// * Lead-out: first 150 blocks per [`LeadOutStartP`]; then 19 blocks 1, 19 blocks 0
///   (≈ 2 Hz), counted from block 150.
///
/// Spec: reference `mmc.md` §4.6, §7 question 5 (the lead-out start is **UNVERIFIED**).
pub fn p_flag(layout: &SessionLayout, position: Lba, options: &SubchannelOptions) -> bool {
    let first_pregap = layout
        .tracks
        .first()
        .map_or(layout.lead_out_start, |t| t.pregap_start);
    if position < first_pregap {
        return false;
    }
    if position >= layout.lead_out_start {
        let r = i64::from(position.0) - i64::from(layout.lead_out_start.0);
        return if r < 150 {
            options.lead_out_start_p == LeadOutStartP::On
        } else {
            (r - 150) % 38 < 19
        };
    }
    let p = i64::from(position.0);
    layout.tracks.iter().any(|t| {
        let start = i64::from(t.start.0);
        let in_pregap = t.pregap_start <= position && position < t.start;
        in_pregap || (start - 150 <= p && p < start)
    })
}

/// The raw 96-byte P–W sub-channel of the block at `position`: P and Q from the layout,
/// R–W from `rw_symbols` (low 6 bits of each byte; e.g. CD-Text in the lead-in, zeros
/// otherwise).
///
/// Spec: reference `mmc.md` §4.6–§4.8.1.
pub fn raw_subchannel(
    layout: &SessionLayout,
    position: Lba,
    options: &SubchannelOptions,
    rw_symbols: &[u8; SUBCHANNEL_BYTES],
) -> [u8; SUBCHANNEL_BYTES] {
    let q = q_frame(layout, position, options).emit();
    raw_from_parts(p_flag(layout, position, options), &q, rw_symbols)
}

/// The sub-channel form of raw DAO data (IMAPI) / the write-parameter Data Block Type 1–3.
///
/// Spec: IMAPI2 `IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE` (reference `imapi2.md` §3.15);
/// reference `mmc.md` §4.8.
#[doc(alias = "IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubchannelForm {
    /// 1: 16-byte PQ (2368-byte blocks), §4.8.4.
    #[doc(alias = "IMAPI_FORMAT2_RAW_CD_SUBCODE_PQ_ONLY")]
    PqOnly,
    /// 2: packed (de-interleaved) R–W, 96 bytes, §4.8.3.
    #[doc(alias = "IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_COOKED")]
    PackedRw,
    /// 3: raw interleaved P–W, 96 bytes, §4.8.1.
    #[doc(alias = "IMAPI_FORMAT2_RAW_CD_SUBCODE_IS_RAW")]
    RawPw,
    /// Any other value.
    Unknown(u32),
}

impl SubchannelForm {
    /// The form of an IMAPI value (unknown values are kept).
    pub const fn from_raw(raw: u32) -> SubchannelForm {
        match raw {
            1 => SubchannelForm::PqOnly,
            2 => SubchannelForm::PackedRw,
            3 => SubchannelForm::RawPw,
            other => SubchannelForm::Unknown(other),
        }
    }

    /// The IMAPI value (= Data Block Type).
    pub const fn to_raw(self) -> u32 {
        match self {
            SubchannelForm::PqOnly => 1,
            SubchannelForm::PackedRw => 2,
            SubchannelForm::RawPw => 3,
            SubchannelForm::Unknown(raw) => raw,
        }
    }

    /// Sub-channel bytes per sector (16 or 96), `None` if unknown.
    ///
    /// Units: bytes.
    pub const fn bytes(self) -> Option<usize> {
        match self {
            SubchannelForm::PqOnly => Some(PQ16_BYTES),
            SubchannelForm::PackedRw | SubchannelForm::RawPw => Some(SUBCHANNEL_BYTES),
            SubchannelForm::Unknown(_) => None,
        }
    }
}

/// The eight sub-channels separated: channel c (0 = P, 1 = Q, 2 = R … 7 = W) as 12 bytes,
/// bit 7 of byte 0 first (libburn's internal "cooked" layout, `mmc.md` §4.8.2).
///
/// Spec: reference `mmc.md` §4.8.1, §4.8.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Channels(pub [[u8; 12]; 8]);

/// Splits raw interleaved P–W into the eight channels: raw byte `8k + j`, bit `7 − c` is bit
/// `7 − j` of byte k of channel c.
///
/// Spec: reference `mmc.md` §4.8.1.
pub fn deinterleave(raw: &[u8; SUBCHANNEL_BYTES]) -> Channels {
    let mut out = [[0u8; 12]; 8];
    for (i, &symbol) in raw.iter().enumerate() {
        let (k, j) = (i / 8, i % 8);
        for (c, channel) in out.iter_mut().enumerate() {
            let bit = (symbol >> (7 - c)) & 1;
            channel[k] |= bit << (7 - j);
        }
    }
    Channels(out)
}

/// Joins eight channels into raw interleaved P–W (inverse of [`deinterleave`]).
///
/// Spec: reference `mmc.md` §4.8.1.
pub fn interleave(channels: &Channels) -> [u8; SUBCHANNEL_BYTES] {
    let mut raw = [0u8; SUBCHANNEL_BYTES];
    for (i, symbol) in raw.iter_mut().enumerate() {
        let (k, j) = (i / 8, i % 8);
        for (c, channel) in channels.0.iter().enumerate() {
            let bit = (channel[k] >> (7 - j)) & 1;
            *symbol |= bit << (7 - c);
        }
    }
    raw
}

/// Raw interleaved P–W from a P flag (all 96 P bits), 12 Q bytes and 96 R–W symbols (low 6
/// bits used).
///
/// Spec: reference `mmc.md` §4.8.1.
pub fn raw_from_parts(
    p: bool,
    q: &[u8; Q_FRAME_BYTES],
    rw_symbols: &[u8; SUBCHANNEL_BYTES],
) -> [u8; SUBCHANNEL_BYTES] {
    let mut raw = [0u8; SUBCHANNEL_BYTES];
    for (i, symbol) in raw.iter_mut().enumerate() {
        let q_bit = (q[i / 8] >> (7 - i % 8)) & 1;
        *symbol = (u8::from(p) << 7) | (q_bit << 6) | (rw_symbols[i] & 0x3F);
    }
    raw
}

/// The 12 Q bytes of raw P–W.
///
/// Spec: reference `mmc.md` §4.8.1.
pub fn q_from_raw(raw: &[u8; SUBCHANNEL_BYTES]) -> [u8; Q_FRAME_BYTES] {
    let mut q = [0u8; Q_FRAME_BYTES];
    for (i, &symbol) in raw.iter().enumerate() {
        q[i / 8] |= ((symbol >> 6) & 1) << (7 - i % 8);
    }
    q
}

/// The P flag of raw P–W: set when at least half of the 96 P bits are 1.
///
/// Spec: reference `mmc.md` §4.6 (P is 00h/FFh over a whole sector).
pub fn p_from_raw(raw: &[u8; SUBCHANNEL_BYTES]) -> bool {
    raw.iter().filter(|&&s| s & 0x80 != 0).count() >= SUBCHANNEL_BYTES / 2
}

/// Packed R–W from raw P–W where R–W is not interleaved (the lead-in, CD-Text): the 96 R–W
/// symbols in b5–0 in order; b7/b6 carry P/Q when `keep_pq` (as cdrecord writes DBT 2), else 0.
///
/// Program-area CD+G packs are interleaved with delays across sectors and carry RS parity
/// (`mmc.md` §4.10, **UNVERIFIED**); this function does not undo that.
///
/// Spec: reference `mmc.md` §4.8.3, §4.9.
pub fn packed_from_raw(raw: &[u8; SUBCHANNEL_BYTES], keep_pq: bool) -> [u8; SUBCHANNEL_BYTES] {
    let mask = if keep_pq { 0xFF } else { 0x3F };
    raw.map(|s| s & mask)
}

/// Raw P–W from packed R–W plus P and Q (inverse of [`packed_from_raw`]; b7/b6 of `packed`
/// are ignored).
///
/// Spec: reference `mmc.md` §4.8.1, §4.8.3.
pub fn raw_from_packed(
    packed: &[u8; SUBCHANNEL_BYTES],
    p: bool,
    q: &[u8; Q_FRAME_BYTES],
) -> [u8; SUBCHANNEL_BYTES] {
    raw_from_parts(p, q, packed)
}

/// CRC convention of the 16-byte PQ form (`mmc.md` §7 question 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pq16Crc {
    /// The CRC as on disc, inverted (cdrecord).
    #[default]
    AsOnDisc,
    /// The CRC not inverted (libburn, cdrdao `PQSubChannel16`).
    NotInverted,
}

/// The 16-byte PQ form of a Q frame and P flag.
///
/// Shape: B0–B9 Q data, B10–B11 CRC (per `crc`), B12–B14 zero, B15 b7 = P (other bits 0).
///
/// Spec: reference `mmc.md` §4.8.4.
pub fn pq16_from_q(q: &[u8; Q_FRAME_BYTES], p: bool, crc: Pq16Crc) -> [u8; PQ16_BYTES] {
    let mut out = [0u8; PQ16_BYTES];
    out[..12].copy_from_slice(q);
    if crc == Pq16Crc::NotInverted {
        out[10] = !out[10];
        out[11] = !out[11];
    }
    out[15] = u8::from(p) << 7;
    out
}

/// The 16-byte PQ form of raw P–W (R–W dropped).
///
/// Spec: reference `mmc.md` §4.8.4.
pub fn pq16_from_raw(raw: &[u8; SUBCHANNEL_BYTES], crc: Pq16Crc) -> [u8; PQ16_BYTES] {
    pq16_from_q(&q_from_raw(raw), p_from_raw(raw), crc)
}

/// The Q frame (CRC as on disc) and P flag of the 16-byte PQ form.
///
/// Spec: reference `mmc.md` §4.8.4.
pub fn q_from_pq16(pq: &[u8; PQ16_BYTES], crc: Pq16Crc) -> ([u8; Q_FRAME_BYTES], bool) {
    let mut q = [0u8; Q_FRAME_BYTES];
    q.copy_from_slice(&pq[..12]);
    if crc == Pq16Crc::NotInverted {
        q[10] = !q[10];
        q[11] = !q[11];
    }
    (q, pq[15] & 0x80 != 0)
}

/// Raw P–W from the 16-byte PQ form; R–W are zero.
///
/// Spec: reference `mmc.md` §4.8.1, §4.8.4.
pub fn raw_from_pq16(pq: &[u8; PQ16_BYTES], crc: Pq16Crc) -> [u8; SUBCHANNEL_BYTES] {
    let (q, p) = q_from_pq16(pq, crc);
    raw_from_parts(p, &q, &[0; SUBCHANNEL_BYTES])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msf(m: u8, s: u8, f: u8) -> Msf {
        Msf {
            minute: m,
            second: s,
            frame: f,
        }
    }

    #[test]
    fn q_crc_check_value_is_crc16_gsm() {
        // crc-catalog CRC-16/GSM: check 0xCE3C.
        assert_eq!(q_crc(b"123456789"), 0xCE3C);
    }

    #[test]
    fn q_crc_matches_cdrkit_frames() {
        // mmc.md §4.6 / §4.11, frames read from a real disc.
        for (payload, crc) in [
            (
                [0x01, 0x00, 0xA0, 0x98, 0x06, 0x12, 0x00, 0x01, 0x00, 0x00],
                0xE374,
            ),
            (
                [0x01, 0x00, 0xA0, 0x98, 0x06, 0x13, 0x00, 0x01, 0x00, 0x00],
                0x4925,
            ),
            (
                [0x01, 0x00, 0xA1, 0x98, 0x06, 0x14, 0x00, 0x13, 0x00, 0x00],
                0x4421,
            ),
            (
                [0x01, 0x00, 0xA2, 0x98, 0x06, 0x17, 0x00, 0x70, 0x40, 0x73],
                0xE385,
            ),
            (
                [0x01, 0x00, 0xA2, 0x98, 0x06, 0x18, 0x00, 0x70, 0x40, 0x73],
                0x867C,
            ),
        ] {
            assert_eq!(q_crc(&payload), crc, "{payload:02X?}");
        }
    }

    #[test]
    fn position_frame_emits_bcd_fields() {
        let f = QFrame {
            control: Control::DATA,
            content: QContent::Position {
                track: 12,
                index: 1,
                relative: msf(3, 59, 74),
                absolute: msf(45, 0, 10),
            },
        };
        let mut b = [0xa5u8; 12];
        b.copy_from_slice(&f.emit());
        assert_eq!(
            b[..10],
            [
                0x41, // CONTROL 4 (data) | ADR 1
                0x12, // TNO 12 (BCD)
                0x01, // INDEX 01
                0x03, 0x59, 0x74, // relative 03:59:74
                0x00, // ZERO
                0x45, 0x00, 0x10, // absolute 45:00:10
            ]
        );
        assert_eq!(u16::from_be_bytes([b[10], b[11]]), q_crc(&b[..10]));
        assert_eq!(QFrame::parse(&b), Ok(f));
    }

    #[test]
    fn mcn_frame_packs_13_digits() {
        let mcn = Mcn::new("0123456789012").unwrap();
        let f = QFrame {
            control: Control::AUDIO,
            content: QContent::Mcn { mcn, aframe: 42 },
        };
        let b = f.emit();
        assert_eq!(
            b[..10],
            [
                0x02, // CONTROL 0 | ADR 2
                0x01, 0x23, 0x45, 0x67, 0x89, 0x01, // N1..N12
                0x20, // N13 = 2, zero nibble
                0x00, // zero
                0x42, // AFRAME 42 (BCD)
            ]
        );
        assert_eq!(QFrame::parse(&b), Ok(f));
        assert_eq!(mcn.to_string(), "0123456789012");
    }

    #[test]
    fn isrc_frame_packs_six_bit_characters() {
        // "US-S1Z-99-00001": U=37, S=35, S=35, 1=1, Z=42 (character code = ASCII − 30h).
        let isrc = Isrc::new("US-S1Z-99-00001").unwrap();
        let f = QFrame {
            control: Control::AUDIO,
            content: QContent::Isrc { isrc, aframe: 5 },
        };
        let b = f.emit();
        // 100101 100011 100011 000001 101010 00 = 1001 0110 0011 1000 1100 0001 1010 1000
        assert_eq!(
            b[..10],
            [
                0x03, // CONTROL 0 | ADR 3
                0x96, 0x38, 0xC1, 0xA8, // five 6-bit characters + 2 zero bits
                0x99, 0x00, 0x00, 0x10, // year 99, serial 00001, zero nibble
                0x05, // AFRAME
            ]
        );
        assert_eq!(QFrame::parse(&b), Ok(f));
        assert_eq!(isrc.as_str(), "USS1Z9900001");
        assert_eq!(Isrc::new("US-S1Z-99-0000"), Err(QError::BadIsrc));
    }

    #[test]
    fn q_parse_rejects_bad_crc_and_bcd() {
        let mut b = [
            0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0, 0,
        ];
        let crc = q_crc(&b[..10]).to_be_bytes();
        b[10..].copy_from_slice(&crc);
        assert!(QFrame::parse(&b).is_ok());
        b[11] ^= 1;
        assert!(matches!(QFrame::parse(&b), Err(QError::Crc { .. })));
        let mut p = [0x01, 0x1A, 0x01, 0, 0, 0, 0, 0, 0x02, 0];
        assert_eq!(QFrame::parse_payload(&p), Err(QError::NotBcd(1)));
        p[1] = LEAD_OUT_TRACK;
        assert!(QFrame::parse_payload(&p).is_ok());
    }

    /// A 13-track audio disc shaped like the cdrkit capture (mmc.md §4.7): track 1 at
    /// 00:02:00, track 2 at 03:48:45, lead-out at 70:40:73; the lead-in cycle of 16 entries ×
    /// 3 frames starts at 98:06:11 (the capture shows A0 twice from 98:06:12).
    fn cdrkit_disc() -> SessionLayout {
        let mut tracks = Vec::new();
        for n in 1..=13u8 {
            let start = match n {
                1 => Lba(0),
                2 => msf(3, 48, 45).to_lba(),
                _ => Lba(16_995 + i32::from(n) * 20_000),
            };
            tracks.push(TrackLayout {
                number: n,
                control: Control::AUDIO,
                pregap_start: if n == 1 { Lba(-150) } else { start },
                start,
                index_starts: Vec::new(),
                isrc: None,
            });
        }
        SessionLayout::new(
            msf(98, 6, 11).to_lba(),
            tracks,
            msf(70, 40, 73).to_lba(),
            DiscType::CD_DA_OR_CD_ROM,
            None,
        )
        .unwrap()
    }

    #[test]
    fn lead_in_stream_reproduces_cdrkit_capture() {
        // mmc.md §4.7: the frames 98:06:12 … 98:06:23, bytes as read from the disc.
        let expected: [[u8; 12]; 12] = [
            [
                0x01, 0x00, 0xA0, 0x98, 0x06, 0x12, 0x00, 0x01, 0x00, 0x00, 0xE3, 0x74,
            ],
            [
                0x01, 0x00, 0xA0, 0x98, 0x06, 0x13, 0x00, 0x01, 0x00, 0x00, 0x49, 0x25,
            ],
            [
                0x01, 0x00, 0xA1, 0x98, 0x06, 0x14, 0x00, 0x13, 0x00, 0x00, 0x44, 0x21,
            ],
            [
                0x01, 0x00, 0xA1, 0x98, 0x06, 0x15, 0x00, 0x13, 0x00, 0x00, 0xEE, 0x70,
            ],
            [
                0x01, 0x00, 0xA1, 0x98, 0x06, 0x16, 0x00, 0x13, 0x00, 0x00, 0x00, 0xA2,
            ],
            [
                0x01, 0x00, 0xA2, 0x98, 0x06, 0x17, 0x00, 0x70, 0x40, 0x73, 0xE3, 0x85,
            ],
            [
                0x01, 0x00, 0xA2, 0x98, 0x06, 0x18, 0x00, 0x70, 0x40, 0x73, 0x86, 0x7C,
            ],
            [
                0x01, 0x00, 0xA2, 0x98, 0x06, 0x19, 0x00, 0x70, 0x40, 0x73, 0x2C, 0x2D,
            ],
            [
                0x01, 0x00, 0x01, 0x98, 0x06, 0x20, 0x00, 0x00, 0x02, 0x00, 0x3B, 0x71,
            ],
            [
                0x01, 0x00, 0x01, 0x98, 0x06, 0x21, 0x00, 0x00, 0x02, 0x00, 0x91, 0x20,
            ],
            [
                0x01, 0x00, 0x01, 0x98, 0x06, 0x22, 0x00, 0x00, 0x02, 0x00, 0x7F, 0xF2,
            ],
            [
                0x01, 0x00, 0x02, 0x98, 0x06, 0x23, 0x00, 0x03, 0x48, 0x45, 0xBE, 0xE0,
            ],
        ];
        let disc = cdrkit_disc();
        let first = msf(98, 6, 12).to_lba();
        let options = SubchannelOptions::default();
        for (k, want) in expected.iter().enumerate() {
            let at = Lba(first.0 + k as i32);
            let got = q_frame(&disc, at, &options);
            assert_eq!(&got.emit(), want, "frame {k}");
            assert_eq!(QFrame::parse(want), Ok(got));
            assert!(!p_flag(&disc, at, &options));
        }
        // The whole cycle is 16 entries × 3 frames: 48 frames later the same entry recurs.
        assert_eq!(
            q_frame(&disc, Lba(first.0 + 48), &options).content,
            QContent::LeadIn {
                time: msf_total(Lba(first.0 + 48)),
                entry: TocEntry::FirstTrack {
                    number: 1,
                    disc_type: DiscType::CD_DA_OR_CD_ROM
                }
            }
        );
    }

    #[test]
    fn lead_in_time_from_start_counts_from_zero() {
        let disc = cdrkit_disc();
        let options = SubchannelOptions {
            lead_in_time: LeadInTime::FromLeadInStart,
            ..SubchannelOptions::default()
        };
        let f = q_frame(&disc, Lba(disc.lead_in_start().0 + 76), &options);
        assert!(matches!(f.content, QContent::LeadIn { time, .. } if time == msf(0, 1, 1)));
    }

    #[test]
    fn pregap_counts_down_and_track_counts_up() {
        let disc = cdrkit_disc();
        let o = SubchannelOptions::default();
        let pos = |lba: i32| match q_frame(&disc, Lba(lba), &o).content {
            QContent::Position {
                track,
                index,
                relative,
                absolute,
            } => (track, index, relative, absolute),
            other => panic!("{other:?}"),
        };
        assert_eq!(pos(-150), (1, 0, msf(0, 2, 0), msf(0, 0, 0)));
        assert_eq!(pos(-1), (1, 0, msf(0, 0, 1), msf(0, 1, 74)));
        assert_eq!(pos(0), (1, 1, msf(0, 0, 0), msf(0, 2, 0)));
        assert_eq!(pos(76), (1, 1, msf(0, 1, 1), msf(0, 3, 1)));
        let lead_out = disc.lead_out_start().0;
        assert_eq!(
            pos(lead_out + 1),
            (LEAD_OUT_TRACK, 1, msf(0, 0, 1), msf(70, 40, 74))
        );
        assert!(p_flag(&disc, Lba(-150), &o));
        assert!(p_flag(&disc, Lba(-1), &o));
        assert!(!p_flag(&disc, Lba(0), &o));
        // Gapless track 2: P = 1 in the 150 blocks before its start.
        assert!(p_flag(&disc, Lba(16_995 - 150), &o));
        assert!(!p_flag(&disc, Lba(16_995 - 151), &o));
    }

    #[test]
    fn lead_out_p_alternates_after_two_seconds() {
        let disc = cdrkit_disc();
        let lo = disc.lead_out_start().0;
        let on = SubchannelOptions::default();
        let off = SubchannelOptions {
            lead_out_start_p: LeadOutStartP::Off,
            ..on
        };
        assert!(p_flag(&disc, Lba(lo), &on));
        assert!(!p_flag(&disc, Lba(lo), &off));
        assert!(p_flag(&disc, Lba(lo + 150), &off));
        assert!(p_flag(&disc, Lba(lo + 168), &off));
        assert!(!p_flag(&disc, Lba(lo + 169), &off));
        assert!(!p_flag(&disc, Lba(lo + 187), &off));
        assert!(p_flag(&disc, Lba(lo + 188), &off));
    }

    #[test]
    fn mcn_and_isrc_frames_replace_position_frames() {
        let isrc = Isrc::new("USS1Z9900001").unwrap();
        let tracks = vec![
            TrackLayout {
                number: 1,
                control: Control::AUDIO,
                pregap_start: Lba(-150),
                start: Lba(0),
                index_starts: vec![Lba(180)],
                isrc: Some(isrc),
            },
            TrackLayout {
                number: 2,
                control: Control::AUDIO,
                pregap_start: Lba(900),
                start: Lba(1050),
                index_starts: vec![],
                isrc: None,
            },
        ];
        let mcn = Mcn::new("1234567890123").unwrap();
        let disc = SessionLayout::new(
            Lba(-11_635),
            tracks,
            Lba(2000),
            DiscType::CD_DA_OR_CD_ROM,
            Some(mcn),
        )
        .unwrap();
        let o = SubchannelOptions::default();
        let content = |l: i32| q_frame(&disc, Lba(l), &o).content;
        // LBA 90: MCN, AFRAME of 00:03:15 = 15.
        assert_eq!(content(90), QContent::Mcn { mcn, aframe: 15 });
        // LBA 50: ISRC of track 1.
        assert_eq!(content(50), QContent::Isrc { isrc, aframe: 50 });
        // LBA 0 starts index 01: the MCN moves to LBA 1.
        assert!(matches!(content(0), QContent::Position { index: 1, .. }));
        assert_eq!(content(1), QContent::Mcn { mcn, aframe: 1 });
        // LBA 180 starts index 02: MCN moves to 181.
        assert!(matches!(content(180), QContent::Position { index: 2, .. }));
        assert!(matches!(content(181), QContent::Mcn { .. }));
        // Track 2 has no ISRC; lead-out has neither.
        assert!(matches!(content(1130), QContent::Position { track: 2, .. }));
        assert!(matches!(
            content(2070),
            QContent::Position {
                track: LEAD_OUT_TRACK,
                ..
            }
        ));
        // Pregap (index 0) carries MCN but no ISRC.
        assert!(matches!(content(-130), QContent::Position { index: 0, .. }));
    }

    #[test]
    fn layout_rejects_broken_invariants() {
        let t = |n: u8, pre: i32, start: i32| TrackLayout {
            number: n,
            control: Control::AUDIO,
            pregap_start: Lba(pre),
            start: Lba(start),
            index_starts: vec![],
            isrc: None,
        };
        let mk = |tracks, lo| SessionLayout::new(Lba(-11_635), tracks, Lba(lo), DiscType(0), None);
        assert_eq!(mk(vec![], 1000).unwrap_err(), LayoutError::NoTracks);
        assert_eq!(
            mk(vec![t(1, -150, 0), t(3, 500, 600)], 1000).unwrap_err(),
            LayoutError::BadTrackNumber(3)
        );
        assert_eq!(
            mk(vec![t(1, -150, 0), t(2, 0, 600)], 1000).unwrap_err(),
            LayoutError::OutOfOrder(2)
        );
        assert_eq!(
            mk(vec![t(1, -150, 0)], 0).unwrap_err(),
            LayoutError::BadLeadInOrOut
        );
        assert_eq!(
            mk(vec![t(1, -150, 0)], 500_000).unwrap_err(),
            LayoutError::NoMsf(500_000)
        );
    }

    #[test]
    fn interleave_places_q_in_bit6() {
        // Q byte k bit (7 − j) ↔ raw byte 8k + j bit 6 (mmc.md §4.8.1).
        let mut q = [0u8; 12];
        q[0] = 0x80; // Q bit 0
        q[11] = 0x01; // Q bit 95
        let raw = raw_from_parts(true, &q, &[0x3F; 96]);
        assert_eq!(raw[0], 0x80 | 0x40 | 0x3F);
        assert_eq!(raw[1], 0x80 | 0x3F);
        assert_eq!(raw[95], 0x80 | 0x40 | 0x3F);
        let ch = deinterleave(&raw);
        assert_eq!(ch.0[0], [0xFF; 12]); // P
        assert_eq!(ch.0[1], q); // Q
        assert_eq!(ch.0[2], [0xFF; 12]); // R
        assert_eq!(interleave(&ch), raw);
        assert_eq!(q_from_raw(&raw), q);
        assert!(p_from_raw(&raw));
    }

    #[test]
    fn pq16_layout_and_crc_conventions() {
        let q = [
            0x01, 0x00, 0xA0, 0x98, 0x06, 0x12, 0x00, 0x01, 0x00, 0x00, 0xE3, 0x74,
        ];
        let on_disc = pq16_from_q(&q, true, Pq16Crc::AsOnDisc);
        assert_eq!(on_disc[..12], q); // B0-11 Q with inverted CRC
        assert_eq!(on_disc[12..], [0x00, 0x00, 0x00, 0x80]); // B12-14 zero, B15 b7 = P
        let plain = pq16_from_q(&q, false, Pq16Crc::NotInverted);
        assert_eq!(plain[10..12], [0x1C, 0x8B]); // ~E3 ~74
        assert_eq!(plain[15], 0x00);
        assert_eq!(q_from_pq16(&plain, Pq16Crc::NotInverted), (q, false));
        let raw = raw_from_pq16(&on_disc, Pq16Crc::AsOnDisc);
        assert_eq!(pq16_from_raw(&raw, Pq16Crc::AsOnDisc), on_disc);
    }

    #[test]
    fn subchannel_form_values_match_imapi() {
        for (raw, form, bytes) in [
            (1, SubchannelForm::PqOnly, 16),
            (2, SubchannelForm::PackedRw, 96),
            (3, SubchannelForm::RawPw, 96),
        ] {
            assert_eq!(SubchannelForm::from_raw(raw), form);
            assert_eq!(form.to_raw(), raw);
            assert_eq!(form.bytes(), Some(bytes));
        }
        assert_eq!(SubchannelForm::from_raw(7).bytes(), None);
    }
}
