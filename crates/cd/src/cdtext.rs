//! CD-Text: 18-byte packs (encoder and decoder for one ISO 8859-1 / ASCII block) and their
//! placement in the lead-in R–W sub-channel.
//!
//! Scope: pack types 80h–87h (title, performer, songwriter, composer, arranger, message, disc
//! id, genre), 8Eh (UPC/EAN and ISRC) and 8Fh (size information); one block (language), block
//! number 0, single-byte characters. Pack types 88h/89h (TOC information) are not generated;
//! the decoder ignores them.
//! Invariants: encoding and decoding are pure and total (errors, never panics); the lead-in
//! R–W of any sector is a function of the pack list and the sector's index alone.
//!
//! Spec: Red Book CD-Text (Sony); reference `mmc.md` §4.9 (pack layout, pack types, size
//! information, lead-in placement).

use crate::subchannel::{q_crc, SUBCHANNEL_BYTES};

/// Bytes per CD-Text pack.
pub const PACK_BYTES: usize = 18;
/// Text bytes per pack (bytes 4–15).
pub const PACK_TEXT_BYTES: usize = 12;
/// Packs carried in one sector's R–W (96 six-bit symbols = 72 bytes).
pub const PACKS_PER_SECTOR: usize = 4;

/// The pack type (pack byte 0).
///
/// Spec: reference `mmc.md` §4.9 "Pack types".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PackType {
    /// 80h: album / track title.
    Title,
    /// 81h: performer.
    Performer,
    /// 82h: songwriter.
    Songwriter,
    /// 83h: composer.
    Composer,
    /// 84h: arranger.
    Arranger,
    /// 85h: message.
    Message,
    /// 86h: disc identification (catalogue number text).
    DiscId,
    /// 87h: genre (2-byte code + text).
    Genre,
    /// 88h: TOC information.
    TocInfo,
    /// 89h: second TOC information.
    TocInfo2,
    /// 8Dh: closed information (content provider use).
    Closed,
    /// 8Eh: UPC/EAN (track 0) and ISRC (tracks).
    UpcIsrc,
    /// 8Fh: block size information.
    SizeInfo,
    /// Any other value (8Ah–8Ch reserved, or not a pack type).
    Unknown(u8),
}

impl PackType {
    /// The type of a pack byte 0.
    pub const fn from_raw(raw: u8) -> PackType {
        match raw {
            0x80 => PackType::Title,
            0x81 => PackType::Performer,
            0x82 => PackType::Songwriter,
            0x83 => PackType::Composer,
            0x84 => PackType::Arranger,
            0x85 => PackType::Message,
            0x86 => PackType::DiscId,
            0x87 => PackType::Genre,
            0x88 => PackType::TocInfo,
            0x89 => PackType::TocInfo2,
            0x8D => PackType::Closed,
            0x8E => PackType::UpcIsrc,
            0x8F => PackType::SizeInfo,
            other => PackType::Unknown(other),
        }
    }

    /// Pack byte 0.
    pub const fn to_raw(self) -> u8 {
        match self {
            PackType::Title => 0x80,
            PackType::Performer => 0x81,
            PackType::Songwriter => 0x82,
            PackType::Composer => 0x83,
            PackType::Arranger => 0x84,
            PackType::Message => 0x85,
            PackType::DiscId => 0x86,
            PackType::Genre => 0x87,
            PackType::TocInfo => 0x88,
            PackType::TocInfo2 => 0x89,
            PackType::Closed => 0x8D,
            PackType::UpcIsrc => 0x8E,
            PackType::SizeInfo => 0x8F,
            PackType::Unknown(raw) => raw,
        }
    }
}

/// One 18-byte CD-Text pack.
///
/// Shape: B0 pack type; B1 b7 extension, b6–0 track number; B2 sequence number; B3 b7 DBCC,
/// b6–4 block number, b3–0 character position (0–15); B4–15 text; B16–17 CRC-16 CCITT over
/// B0–15, inverted, big-endian (the Q CRC, [`q_crc`]).
///
/// Spec: reference `mmc.md` §4.9 pack table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pack(pub [u8; PACK_BYTES]);

impl Pack {
    /// Builds a pack and its CRC. `track_number` keeps 7 bits, `block` 3 bits,
    /// `character_position` is capped at 15.
    pub fn new(
        pack_type: PackType,
        track_number: u8,
        sequence_number: u8,
        block: u8,
        character_position: usize,
        text: [u8; PACK_TEXT_BYTES],
    ) -> Pack {
        let mut b = [0u8; PACK_BYTES];
        b[0] = pack_type.to_raw();
        b[1] = track_number & 0x7F;
        b[2] = sequence_number;
        b[3] = ((block & 0x07) << 4) | character_position.min(15) as u8;
        b[4..16].copy_from_slice(&text);
        let crc = q_crc(&b[..16]);
        b[16..].copy_from_slice(&crc.to_be_bytes());
        Pack(b)
    }

    /// B0: pack type.
    pub fn pack_type(&self) -> PackType {
        PackType::from_raw(self.0[0])
    }

    /// B1 b6–0: track number (0 = disc; for 8Fh the pack's index 0–2).
    pub fn track_number(&self) -> u8 {
        self.0[1] & 0x7F
    }

    /// B1 b7: extension flag.
    pub fn extension(&self) -> bool {
        self.0[1] & 0x80 != 0
    }

    /// B2: sequence number.
    pub fn sequence_number(&self) -> u8 {
        self.0[2]
    }

    /// B3 b7: double-byte characters.
    #[doc(alias = "DBCC")]
    pub fn double_byte(&self) -> bool {
        self.0[3] & 0x80 != 0
    }

    /// B3 b6–4: block (language) number 0–7.
    pub fn block_number(&self) -> u8 {
        (self.0[3] >> 4) & 0x07
    }

    /// B3 b3–0: index of the pack's first character within its string (15 = 15 or more).
    pub fn character_position(&self) -> u8 {
        self.0[3] & 0x0F
    }

    /// B4–15: text or data bytes.
    pub fn text(&self) -> &[u8] {
        &self.0[4..16]
    }

    /// Whether B16–17 hold the inverted CRC of B0–15.
    pub fn crc_ok(&self) -> bool {
        u16::from_be_bytes([self.0[16], self.0[17]]) == q_crc(&self.0[..16])
    }
}

/// Character code of a block (size information B0).
///
/// Spec: reference `mmc.md` §4.9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum CharacterCode {
    /// 00h: ISO 8859-1.
    #[default]
    Iso8859_1,
    /// 01h: ISO 646 (ASCII).
    Ascii,
    /// 80h: MS-JIS (double-byte; not supported by the encoder or decoder).
    MsJis,
    /// Any other value.
    Unknown(u8),
}

impl CharacterCode {
    /// Code of a byte value.
    pub const fn from_raw(raw: u8) -> CharacterCode {
        match raw {
            0x00 => CharacterCode::Iso8859_1,
            0x01 => CharacterCode::Ascii,
            0x80 => CharacterCode::MsJis,
            other => CharacterCode::Unknown(other),
        }
    }

    /// Byte value.
    pub const fn to_raw(self) -> u8 {
        match self {
            CharacterCode::Iso8859_1 => 0x00,
            CharacterCode::Ascii => 0x01,
            CharacterCode::MsJis => 0x80,
            CharacterCode::Unknown(raw) => raw,
        }
    }
}

/// Language code of block 0 for English (libburn's table, reference `mmc.md` §4.9).
pub const LANGUAGE_ENGLISH: u8 = 0x09;

/// The per-track (or per-disc) text strings, one per string pack type.
///
/// Spec: reference `mmc.md` §4.9 pack types 80h–85h, 8Eh.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextFields {
    /// 80h.
    pub title: Option<String>,
    /// 81h.
    pub performer: Option<String>,
    /// 82h.
    pub songwriter: Option<String>,
    /// 83h.
    pub composer: Option<String>,
    /// 84h.
    pub arranger: Option<String>,
    /// 85h.
    pub message: Option<String>,
    /// 8Eh: UPC/EAN for the disc, ISRC for a track.
    pub upc_isrc: Option<String>,
}

/// Reads one string field of a [`TextFields`].
type FieldGetter = fn(&TextFields) -> &Option<String>;

/// The string pack types in pack-type order with their accessors.
const STRING_TYPES: [(PackType, FieldGetter); 7] = [
    (PackType::Title, |t| &t.title),
    (PackType::Performer, |t| &t.performer),
    (PackType::Songwriter, |t| &t.songwriter),
    (PackType::Composer, |t| &t.composer),
    (PackType::Arranger, |t| &t.arranger),
    (PackType::Message, |t| &t.message),
    (PackType::UpcIsrc, |t| &t.upc_isrc),
];

fn field_mut(t: &mut TextFields, pack_type: PackType) -> Option<&mut Option<String>> {
    Some(match pack_type {
        PackType::Title => &mut t.title,
        PackType::Performer => &mut t.performer,
        PackType::Songwriter => &mut t.songwriter,
        PackType::Composer => &mut t.composer,
        PackType::Arranger => &mut t.arranger,
        PackType::Message => &mut t.message,
        PackType::UpcIsrc => &mut t.upc_isrc,
        _ => return None,
    })
}

/// Genre (pack 87h): a genre code and supplementary text.
///
/// Shape: first two bytes big-endian code (1 = not defined, 2 = Adult Contemporary, …
/// 28 = World Music), then NUL-terminated text.
///
/// Spec: reference `mmc.md` §4.9.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Genre {
    /// Genre code.
    pub code: u16,
    /// Supplementary text.
    pub text: String,
}

/// One CD-Text block: the text of a disc in one language.
///
/// Spec: reference `mmc.md` §4.9.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdText {
    /// Language code (e.g. [`LANGUAGE_ENGLISH`]).
    pub language: u8,
    /// Character code; the encoder supports ISO 8859-1 and ASCII.
    pub character_code: CharacterCode,
    /// Number of the first track (1–99).
    pub first_track: u8,
    /// Copyright flags (size information B3).
    pub copyright: u8,
    /// Disc (album) strings, track number 0.
    pub disc: TextFields,
    /// Per-track strings for tracks `first_track`, `first_track + 1`, ….
    pub tracks: Vec<TextFields>,
    /// Pack 86h.
    pub disc_id: Option<String>,
    /// Pack 87h.
    pub genre: Option<Genre>,
}

impl Default for CdText {
    fn default() -> Self {
        CdText {
            language: LANGUAGE_ENGLISH,
            character_code: CharacterCode::Iso8859_1,
            first_track: 1,
            copyright: 0,
            disc: TextFields::default(),
            tracks: Vec::new(),
            disc_id: None,
            genre: None,
        }
    }
}

/// Why CD-Text could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CdTextError {
    /// A character cannot be written in the block's character code (or is NUL).
    #[error("character {0:?} cannot be encoded in the block's character code")]
    Unencodable(char),
    /// Only ISO 8859-1 and ASCII are supported.
    #[error("character code {0:#04x} is not supported")]
    UnsupportedCharacterCode(u8),
    /// Track numbers past 99, or a first track of 0.
    #[error("tracks must be numbered within 1-99")]
    BadTrackNumbers,
    /// More than 256 packs in the block (8-bit sequence number).
    #[error("CD-Text needs {0} packs; a block holds at most 256")]
    TooManyPacks(usize),
    /// No valid size-information (8Fh) packs for block 0.
    #[error("no size information packs (8Fh) for block 0")]
    MissingSizeInfo,
}

/// Encodes a string in the block's character code (no terminator).
fn encode_text(text: &str, code: CharacterCode) -> Result<Vec<u8>, CdTextError> {
    let limit: u32 = match code {
        CharacterCode::Iso8859_1 => 0xFF,
        CharacterCode::Ascii => 0x7F,
        other => return Err(CdTextError::UnsupportedCharacterCode(other.to_raw())),
    };
    text.chars()
        .map(|c| {
            let v = u32::from(c);
            if v == 0 || v > limit {
                Err(CdTextError::Unencodable(c))
            } else {
                Ok(v as u8)
            }
        })
        .collect()
}

/// Encodes a string and its NUL terminator.
fn terminated(text: &str, code: CharacterCode) -> Result<Vec<u8>, CdTextError> {
    let mut bytes = encode_text(text, code)?;
    bytes.push(0);
    Ok(bytes)
}

/// One string of a pack type: the owning track number and its bytes with the terminator.
struct TextString {
    track: u8,
    bytes: Vec<u8>,
}

/// Cuts the strings of one pack type into packs. A pack's track number and character
/// position are those of its first byte.
fn push_packs(out: &mut Vec<Pack>, pack_type: PackType, strings: &[TextString]) {
    let owners: Vec<(u8, usize)> = strings
        .iter()
        .flat_map(|s| (0..s.bytes.len()).map(move |i| (s.track, i)))
        .collect();
    let stream: Vec<u8> = strings
        .iter()
        .flat_map(|s| s.bytes.iter().copied())
        .collect();
    for (chunk, owner) in stream
        .chunks(PACK_TEXT_BYTES)
        .zip(owners.chunks(PACK_TEXT_BYTES))
    {
        let mut text = [0u8; PACK_TEXT_BYTES];
        text[..chunk.len()].copy_from_slice(chunk);
        let (track, position) = owner.first().copied().unwrap_or((0, 0));
        // Sequence numbers are assigned once all packs are known.
        out.push(Pack::new(pack_type, track, 0, 0, position, text));
    }
}

impl CdText {
    /// Number of the last track.
    fn last_track(&self) -> u8 {
        let n = self.tracks.len().saturating_sub(1);
        self.first_track.saturating_add(n.min(255) as u8)
    }

    /// Appends the packs of one string pack type (track 0, then every track) if the disc or
    /// any track has that string.
    fn push_string_packs(
        &self,
        out: &mut Vec<Pack>,
        pack_type: PackType,
        get: FieldGetter,
    ) -> Result<(), CdTextError> {
        let present = get(&self.disc).is_some() || self.tracks.iter().any(|t| get(t).is_some());
        if !present {
            return Ok(());
        }
        let all = std::iter::once((0u8, &self.disc)).chain(
            self.tracks
                .iter()
                .enumerate()
                .map(|(i, t)| (self.first_track.saturating_add(i as u8), t)),
        );
        let strings = all
            .map(|(track, fields)| {
                let text = get(fields).as_deref().unwrap_or("");
                terminated(text, self.character_code).map(|bytes| TextString { track, bytes })
            })
            .collect::<Result<Vec<_>, _>>()?;
        push_packs(out, pack_type, &strings);
        Ok(())
    }

    /// Encodes the block into packs in pack-type order with sequence numbers 0, 1, …, ending
    /// with the three size-information packs (8Fh, track numbers 0–2).
    ///
    /// String types (80h–85h, 8Eh) present for the disc or any track are written for track 0
    /// and then every track, NUL-terminated and run together across packs; absent strings are
    /// empty. 86h and 87h are written for track 0 only.
    ///
    /// # Errors
    ///
    /// [`CdTextError::Unencodable`], [`CdTextError::UnsupportedCharacterCode`],
    /// [`CdTextError::BadTrackNumbers`], [`CdTextError::TooManyPacks`].
    ///
    /// Spec: reference `mmc.md` §4.9.
    pub fn encode(&self) -> Result<Vec<Pack>, CdTextError> {
        let code = self.character_code;
        if self.first_track == 0 || usize::from(self.first_track) + self.tracks.len() > 100 {
            return Err(CdTextError::BadTrackNumbers);
        }
        let mut packs = Vec::new();
        for (pack_type, get) in &STRING_TYPES[..6] {
            self.push_string_packs(&mut packs, *pack_type, *get)?;
        }
        if let Some(id) = &self.disc_id {
            let bytes = terminated(id, code)?;
            push_packs(
                &mut packs,
                PackType::DiscId,
                &[TextString { track: 0, bytes }],
            );
        }
        if let Some(genre) = &self.genre {
            let mut bytes = genre.code.to_be_bytes().to_vec();
            bytes.extend(terminated(&genre.text, code)?);
            push_packs(
                &mut packs,
                PackType::Genre,
                &[TextString { track: 0, bytes }],
            );
        }
        let (upc_type, upc_get) = STRING_TYPES[6];
        self.push_string_packs(&mut packs, upc_type, upc_get)?;

        let total = packs.len() + 3;
        if total > 256 {
            return Err(CdTextError::TooManyPacks(total));
        }
        // Size information: 36 bytes over three packs.
        let mut size = [0u8; 36];
        size[0] = code.to_raw();
        size[1] = self.first_track;
        size[2] = self.last_track();
        size[3] = self.copyright;
        for p in &packs {
            let slot = usize::from(p.0[0] & 0x0F);
            size[4 + slot] = size[4 + slot].saturating_add(1);
        }
        size[4 + 0x0F] = 3;
        size[20] = (total - 1) as u8; // last sequence number of block 0
        size[28] = self.language;
        for (k, chunk) in size.chunks(PACK_TEXT_BYTES).enumerate() {
            let mut text = [0u8; PACK_TEXT_BYTES];
            text.copy_from_slice(chunk);
            packs.push(Pack::new(PackType::SizeInfo, k as u8, 0, 0, 0, text));
        }
        // Sequence numbers in order.
        for (seq, p) in packs.iter_mut().enumerate() {
            let mut b = p.0;
            b[2] = seq as u8;
            let crc = q_crc(&b[..16]);
            b[16..].copy_from_slice(&crc.to_be_bytes());
            *p = Pack(b);
        }
        Ok(packs)
    }

    /// Decodes block 0 from packs in any order, with repeats and damaged packs (packs with a
    /// bad CRC are dropped; the first valid copy of each sequence number is used). A TAB string
    /// means "same as the previous track".
    ///
    /// # Errors
    ///
    /// [`CdTextError::MissingSizeInfo`], [`CdTextError::UnsupportedCharacterCode`] (double-byte
    /// blocks).
    ///
    /// Spec: reference `mmc.md` §4.9.
    pub fn decode(packs: &[Pack]) -> Result<CdText, CdTextError> {
        let mut block: Vec<Pack> = packs
            .iter()
            .filter(|p| p.crc_ok() && p.block_number() == 0)
            .copied()
            .collect();
        block.sort_by_key(|p| p.sequence_number());
        block.dedup_by_key(|p| p.sequence_number());

        let mut size = [0u8; 36];
        let mut seen = [false; 3];
        for p in block.iter().filter(|p| p.pack_type() == PackType::SizeInfo) {
            let k = usize::from(p.track_number());
            if k < 3 {
                size[12 * k..12 * k + 12].copy_from_slice(p.text());
                seen[k] = true;
            }
        }
        if seen != [true; 3] {
            return Err(CdTextError::MissingSizeInfo);
        }
        let character_code = CharacterCode::from_raw(size[0]);
        if !matches!(
            character_code,
            CharacterCode::Iso8859_1 | CharacterCode::Ascii
        ) || block.iter().any(Pack::double_byte)
        {
            return Err(CdTextError::UnsupportedCharacterCode(size[0]));
        }
        let first_track = size[1];
        let last_track = size[2];
        let track_count = if first_track == 0 || last_track < first_track {
            0
        } else {
            usize::from(last_track - first_track) + 1
        };
        let mut out = CdText {
            language: size[28],
            character_code,
            first_track,
            copyright: size[3],
            disc: TextFields::default(),
            tracks: vec![TextFields::default(); track_count],
            disc_id: None,
            genre: None,
        };
        let bytes_of = |t: PackType| -> Vec<u8> {
            block
                .iter()
                .filter(|p| p.pack_type() == t)
                .flat_map(|p| p.text().iter().copied())
                .collect()
        };
        let latin1 = |b: &[u8]| -> String { b.iter().map(|&c| char::from(c)).collect() };
        for (pack_type, _) in STRING_TYPES {
            let stream = bytes_of(pack_type);
            if stream.is_empty() {
                continue;
            }
            let mut previous: Option<String> = None;
            for (k, raw) in stream.split(|&b| b == 0).take(track_count + 1).enumerate() {
                let text = if k > 0 && raw == b"\t" {
                    previous.clone()
                } else if raw.is_empty() {
                    None
                } else {
                    Some(latin1(raw))
                };
                previous.clone_from(&text);
                let fields = if k == 0 {
                    Some(&mut out.disc)
                } else {
                    out.tracks.get_mut(k - 1)
                };
                if let Some(slot) = fields.and_then(|f| field_mut(f, pack_type)) {
                    *slot = text;
                }
            }
        }
        let id = bytes_of(PackType::DiscId);
        if let Some(raw) = id.split(|&b| b == 0).next().filter(|r| !r.is_empty()) {
            out.disc_id = Some(latin1(raw));
        }
        let genre = bytes_of(PackType::Genre);
        if genre.len() >= 2 {
            let text = genre[2..].split(|&b| b == 0).next().unwrap_or(&[]);
            out.genre = Some(Genre {
                code: u16::from_be_bytes([genre[0], genre[1]]),
                text: latin1(text),
            });
        }
        Ok(out)
    }
}

/// Four packs (72 bytes) as 96 six-bit R–W symbols, most significant bits first
/// (`8F 00 2A 00 01 01` → `23 30 00 2A 00 00 04 01`).
///
/// Shape: symbol i in bits 5–0 of byte i; bits 7–6 zero.
///
/// Spec: reference `mmc.md` §4.9 (lead-in placement, no interleaving, no parity).
pub fn symbols_from_packs(packs: &[Pack; PACKS_PER_SECTOR]) -> [u8; SUBCHANNEL_BYTES] {
    let mut bytes = [0u8; PACK_BYTES * PACKS_PER_SECTOR];
    for (dst, p) in bytes.chunks_mut(PACK_BYTES).zip(packs) {
        dst.copy_from_slice(&p.0);
    }
    let mut out = [0u8; SUBCHANNEL_BYTES];
    for (sym, b) in out.chunks_mut(4).zip(bytes.chunks(3)) {
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        sym[0] = (v >> 18) as u8 & 0x3F;
        sym[1] = (v >> 12) as u8 & 0x3F;
        sym[2] = (v >> 6) as u8 & 0x3F;
        sym[3] = v as u8 & 0x3F;
    }
    out
}

/// The four packs in 96 R–W symbols (bits 7–6 of each byte ignored); inverse of
/// [`symbols_from_packs`].
///
/// Spec: reference `mmc.md` §4.9.
pub fn packs_from_symbols(symbols: &[u8; SUBCHANNEL_BYTES]) -> [Pack; PACKS_PER_SECTOR] {
    let mut bytes = [0u8; PACK_BYTES * PACKS_PER_SECTOR];
    for (b, sym) in bytes.chunks_mut(3).zip(symbols.chunks(4)) {
        let v = sym
            .iter()
            .fold(0u32, |acc, &s| (acc << 6) | u32::from(s & 0x3F));
        b[0] = (v >> 16) as u8;
        b[1] = (v >> 8) as u8;
        b[2] = v as u8;
    }
    let mut packs = [Pack([0; PACK_BYTES]); PACKS_PER_SECTOR];
    for (p, src) in packs.iter_mut().zip(bytes.chunks(PACK_BYTES)) {
        p.0.copy_from_slice(src);
    }
    packs
}

/// The R–W symbols of lead-in sector `sector_index` (0 = first lead-in block): packs
/// `4k … 4k+3` of the cyclically repeated pack list. All zero when `packs` is empty.
///
/// Spec: reference `mmc.md` §4.9 (the packs repeat over the whole lead-in).
pub fn lead_in_symbols(packs: &[Pack], sector_index: u64) -> [u8; SUBCHANNEL_BYTES] {
    if packs.is_empty() {
        return [0; SUBCHANNEL_BYTES];
    }
    let n = packs.len() as u64;
    let mut four = [Pack([0; PACK_BYTES]); PACKS_PER_SECTOR];
    for (j, slot) in four.iter_mut().enumerate() {
        let index = (sector_index % n * PACKS_PER_SECTOR as u64 + j as u64) % n;
        *slot = packs[index as usize];
    }
    symbols_from_packs(&four)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_new_sets_fields_and_crc() {
        let p = Pack::new(PackType::Title, 3, 7, 1, 20, *b"Hello world!");
        assert_eq!(
            p.0[..16],
            [
                0x80, // pack type: title
                0x03, // track 3
                0x07, // sequence 7
                0x1F, // block 1, character position 15 (capped)
                b'H', b'e', b'l', b'l', b'o', b' ', b'w', b'o', b'r', b'l', b'd', b'!',
            ]
        );
        assert!(p.crc_ok());
        assert_eq!(p.pack_type(), PackType::Title);
        assert_eq!(p.block_number(), 1);
        assert_eq!(p.character_position(), 15);
        let mut bad = p;
        bad.0[5] ^= 1;
        assert!(!bad.crc_ok());
    }

    #[test]
    fn symbols_match_libburn_example() {
        // mmc.md §4.9: pack bytes 8F 00 2A 00 01 01 … → symbols 23 30 00 2A 00 00 04 01 ….
        let mut first = [0u8; 18];
        first[..6].copy_from_slice(&[0x8F, 0x00, 0x2A, 0x00, 0x01, 0x01]);
        let packs = [Pack(first), Pack([0; 18]), Pack([0; 18]), Pack([0; 18])];
        let s = symbols_from_packs(&packs);
        assert_eq!(s[..8], [0x23, 0x30, 0x00, 0x2A, 0x00, 0x00, 0x04, 0x01]);
        assert_eq!(packs_from_symbols(&s), packs);
    }

    #[test]
    fn encode_small_album_by_hand() {
        let text = CdText {
            disc: TextFields {
                title: Some("Album".into()),
                ..TextFields::default()
            },
            tracks: vec![TextFields {
                title: Some("Song".into()),
                ..TextFields::default()
            }],
            ..CdText::default()
        };
        let packs = text.encode().unwrap();
        assert_eq!(packs.len(), 4); // one title pack + three size packs
                                    // "Album\0Song\0" + padding: track 0, character position 0.
        assert_eq!(
            packs[0].0[..16],
            [
                0x80, 0x00, 0x00, 0x00, // title, track 0, seq 0, block 0 pos 0
                b'A', b'l', b'b', b'u', b'm', 0, b'S', b'o', b'n', b'g', 0, 0,
            ]
        );
        // Size information pack 0: code 00, tracks 1–1, copyright 0, counts of 80h–87h.
        assert_eq!(
            packs[1].0[..16],
            [
                0x8F, 0x00, 0x01, 0x00, // size info, index 0, seq 1
                0x00, 0x01, 0x01, 0x00, // 8859-1, first 1, last 1, copyright 0
                1, 0, 0, 0, 0, 0, 0, 0, // packs of 80h..87h
            ]
        );
        assert_eq!(
            packs[2].0[4..16],
            [0, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0] // 88h..8Fh counts (8Fh = 3); last seq of block 0 = 3
        );
        assert_eq!(packs[3].0[4..16], [0, 0, 0, 0, 0x09, 0, 0, 0, 0, 0, 0, 0]); // lang block 0 = 09h
        assert_eq!(packs[3].track_number(), 2);
        assert_eq!(CdText::decode(&packs).unwrap(), text);
    }

    #[test]
    fn pack_track_and_position_follow_first_byte() {
        // "ABCDEFGHIJKLMN\0" (disc) then "xy\0" (track 1): pack 1 starts at character 12 of
        // the disc string.
        let text = CdText {
            disc: TextFields {
                performer: Some("ABCDEFGHIJKLMN".into()),
                ..TextFields::default()
            },
            tracks: vec![TextFields {
                performer: Some("xy".into()),
                ..TextFields::default()
            }],
            ..CdText::default()
        };
        let packs = text.encode().unwrap();
        assert_eq!(packs[1].0[..4], [0x81, 0x00, 0x01, 0x0C]);
        assert_eq!(packs[1].text()[..6], [b'M', b'N', 0, b'x', b'y', 0]);
        assert_eq!(CdText::decode(&packs).unwrap(), text);
    }

    #[test]
    fn encode_rejects_unencodable_and_oversized() {
        let mut text = CdText::default();
        text.disc.title = Some("€".into());
        assert_eq!(text.encode(), Err(CdTextError::Unencodable('€')));
        text.disc.title = Some("é".into());
        assert!(text.encode().is_ok());
        text.character_code = CharacterCode::Ascii;
        assert_eq!(text.encode(), Err(CdTextError::Unencodable('é')));
        text.character_code = CharacterCode::MsJis;
        assert_eq!(
            text.encode(),
            Err(CdTextError::UnsupportedCharacterCode(0x80))
        );
        let big = CdText {
            disc: TextFields {
                message: Some("x".repeat(4000)),
                ..TextFields::default()
            },
            ..CdText::default()
        };
        assert!(matches!(big.encode(), Err(CdTextError::TooManyPacks(_))));
    }

    #[test]
    fn decode_handles_tab_repeats_and_damage() {
        let text = CdText {
            tracks: vec![
                TextFields {
                    performer: Some("Band".into()),
                    ..TextFields::default()
                },
                TextFields {
                    performer: Some("\t".into()),
                    ..TextFields::default()
                },
            ],
            genre: Some(Genre {
                code: 3,
                text: "Rock".into(),
            }),
            disc_id: Some("XY-1".into()),
            ..CdText::default()
        };
        let mut packs = text.encode().unwrap();
        // Repeated copies with one damaged copy in front.
        let mut damaged = packs[0];
        damaged.0[6] ^= 0xFF;
        let mut all = vec![damaged];
        all.append(&mut packs.clone());
        all.append(&mut packs);
        let got = CdText::decode(&all).unwrap();
        assert_eq!(got.tracks[1].performer.as_deref(), Some("Band"));
        assert_eq!(got.genre, text.genre);
        assert_eq!(got.disc_id, text.disc_id);
        assert_eq!(CdText::decode(&all[..1]), Err(CdTextError::MissingSizeInfo));
    }

    #[test]
    fn lead_in_symbols_cycle_through_packs() {
        let packs: Vec<Pack> = (0..6u8)
            .map(|i| Pack::new(PackType::Title, 0, i, 0, 0, [i; 12]))
            .collect();
        // Sector 1 carries packs 4, 5, 0, 1.
        let s = lead_in_symbols(&packs, 1);
        let got = packs_from_symbols(&s);
        assert_eq!(got, [packs[4], packs[5], packs[0], packs[1]]);
        // 6 packs → the pattern repeats every 3 sectors.
        assert_eq!(lead_in_symbols(&packs, 3), lead_in_symbols(&packs, 0));
        assert_eq!(lead_in_symbols(&[], 5), [0; 96]);
    }
}
