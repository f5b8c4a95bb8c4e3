//! CDRWIN cue sheets: parse the text into a typed [`CueSheet`], lay it out on the disc
//! ([`CueSheet::layout`]) and write it back ([`CueSheet::to_cue_string`]).
//!
//! Scope: the CDRWIN cue syntax as CDRWIN, EAC, ImgBurn and cdrdao's `toc2cue` write it —
//! `CATALOG`, `CDTEXTFILE`, `FILE` (`BINARY`, `MOTOROLA`, `WAVE`, `FLAC`, `MP3`, `AIFF`),
//! `TRACK` (`AUDIO`, `CDG`, `MODE1/2048`, `MODE1/2352`, `MODE2/2336`, `MODE2/2352`, `CDI/2336`,
//! `CDI/2352`), `FLAGS` (`DCP`, `4CH`, `PRE`, `SCMS`), `ISRC`, `PREGAP`, `POSTGAP`, `INDEX`, the
//! CD-Text fields `TITLE`, `PERFORMER`, `SONGWRITER`, `COMPOSER`, `ARRANGER`, `MESSAGE`, `GENRE`,
//! `DISC_ID`, `UPC_EAN`, and `REM` comments. No IO: the caller reads the file and supplies the
//! sizes of the referenced files to [`CueSheet::layout`].
//!
//! # Text rules
//!
//! * **Charset.** Bytes that are valid UTF-8 are read as UTF-8; a leading UTF-8 byte order mark
//!   (`EF BB BF`) is accepted and then the rest *must* be UTF-8. Bytes that are not valid UTF-8
//!   (and carry no BOM) are decoded as **Windows-1252**, the ANSI code page CDRWIN and EAC write on
//!   Western Windows systems; every byte maps to exactly one character (the five bytes the code
//!   page leaves undefined, 81h 8Dh 8Fh 90h 9Dh, map to U+0081… as in the WHATWG Encoding
//!   Standard), so nothing is replaced or lost. [`CueSheet::charset`] records which decoding was
//!   used, and [`CueSheet::to_cue_bytes`] encodes back with it. A UTF-16 byte order mark is
//!   rejected. C0 control characters other than TAB are rejected.
//! * **Lines** end in LF or CRLF. Blank lines are ignored. Leading spaces/TABs are ignored.
//! * **Keywords** (`TRACK`, `audio`, `Mode1/2352`, `flags` values…) are case-insensitive.
//! * **Strings** are either `"quoted"` (anything but `"` up to the next `"`) or one unquoted word
//!   (no spaces, no `"`). A statement with more words than it takes is an error.
//! * **Unknown keywords are errors** with the line and column; only `REM` lines are free text.
//!   `REM` lines are kept verbatim ([`Rem`]), on the disc before the first `TRACK` and on the
//!   track after it.
//!
//! # Structure rules
//!
//! * `CATALOG`, `CDTEXTFILE`, `DISC_ID` and `UPC_EAN` appear before the first `TRACK`.
//! * Disc CD-Text fields appear before the first `TRACK`; after a `TRACK` they belong to it.
//! * Track numbers are 1–99, ascending and consecutive from the first track's number.
//! * Each track has `INDEX 01`; its first index is `INDEX 00` or `INDEX 01`; index numbers ascend
//!   strictly; `INDEX` times are relative to the start of the current `FILE` and never decrease
//!   within one `FILE` (across tracks too). Times are `mm:ss:ff` with seconds < 60 and frames < 75
//!   (75 frames per second, minutes ≤ 99).
//! * `PREGAP` comes before the track's first `INDEX`; `POSTGAP` after its `INDEX 01` and before
//!   the next track; each of `FLAGS`, `ISRC`, `PREGAP`, `POSTGAP` and each CD-Text field at most
//!   once per track (disc fields at most once per disc).
//! * A `FILE` may start between two indexes of a track (EAC's "non-compliant" sheets put a
//!   track's `INDEX 00` at the end of the previous file), so every [`CueIndex`] names its file.
//!   Every `FILE` must be followed by at least one `INDEX` before the next `FILE`.
//! * `WAVE`, `FLAC`, `MP3` and `AIFF` files hold only `AUDIO` tracks.
//!
//! Equality of parsed sheets compares content: [`SourcePos`] values always compare equal, so
//! `CueSheet::parse(&x.to_cue_bytes()?)? == x`.
//!
//! Spec: CDRWIN user's guide, "Cue sheet syntax" (Golden Hawk Technology) — not in the
//! reference set, §?; track modes and sector sizes: reference `mmc.md` §4 (ECMA-130); CD-Text
//! pack types: `mmc.md` §4.9; ISRC/MCN Q-channel forms: `mmc.md` §4.7.

mod export;
mod layout;
mod parse;
mod text;

use discmaster_core::Msf;

pub use layout::{DiscLayout, Segment, SegmentSource, TrackLayout};

/// A parsed CDRWIN cue sheet.
///
/// Shape: disc-level fields, the list of `FILE` statements in order, the tracks in order (each
/// [`CueIndex`] refers to a `FILE` by its position in [`CueSheet::files`]).
///
/// Spec: CDRWIN cue sheet syntax, §? (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueSheet {
    /// How the text was decoded (and how [`CueSheet::to_cue_bytes`] encodes it).
    pub charset: Charset,
    /// `CATALOG`: the Media Catalog Number (13 digits).
    #[doc(alias = "CATALOG")]
    pub catalog: Option<Mcn>,
    /// `CDTEXTFILE`: the name of a binary CD-Text file, as written.
    #[doc(alias = "CDTEXTFILE")]
    pub cd_text_file: Option<String>,
    /// Disc (album) CD-Text fields given as keywords (`TITLE`, `PERFORMER`, …).
    pub cd_text: CdText,
    /// `REM` lines before the first `TRACK`, in order.
    pub rems: Vec<Rem>,
    /// `FILE` statements in order.
    pub files: Vec<CueFile>,
    /// Tracks in order (numbers consecutive).
    pub tracks: Vec<CueTrack>,
}

/// How a cue sheet's bytes were decoded to text.
///
/// Rule: valid UTF-8 → [`Charset::Utf8`] (or [`Charset::Utf8WithBom`] after `EF BB BF`);
/// otherwise Windows-1252 (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Charset {
    /// UTF-8 without byte order mark (plain ASCII sheets land here).
    #[default]
    Utf8,
    /// UTF-8 after a `EF BB BF` byte order mark.
    Utf8WithBom,
    /// Not valid UTF-8: decoded byte by byte as Windows-1252 (WHATWG mapping, lossless).
    Windows1252,
}

/// Where a statement was in the parsed text: 1-based line and column (in characters).
///
/// `(0, 0)` for statements not read from text. **All `SourcePos` values compare equal** (and hash
/// alike): positions are provenance, not content, so a re-parsed export equals its original.
#[derive(Debug, Clone, Copy, Default)]
pub struct SourcePos {
    /// 1-based line number, 0 if unknown.
    pub line: u32,
    /// 1-based column in characters, 0 if unknown.
    pub column: u32,
}

impl PartialEq for SourcePos {
    fn eq(&self, _other: &SourcePos) -> bool {
        true
    }
}

impl Eq for SourcePos {}

impl std::hash::Hash for SourcePos {
    fn hash<H: std::hash::Hasher>(&self, _state: &mut H) {}
}

/// One `FILE "name" TYPE` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueFile {
    /// The file name as written (relative to the cue sheet's folder, usually).
    pub name: String,
    /// The `TYPE` word.
    pub file_format: FileFormat,
    /// Where the `FILE` keyword was.
    pub pos: SourcePos,
}

/// The type word of a `FILE` statement.
///
/// Units: [`CueSheet::layout`] takes the size of `WAVE`/`FLAC`/`AIFF` files in bytes of
/// 16-bit stereo 44.1 kHz PCM (what the decoded audio occupies), and rejects `MP3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// `BINARY`: raw sectors; audio samples little-endian.
    Binary,
    /// `MOTOROLA`: raw sectors; audio samples big-endian.
    Motorola,
    /// `WAVE`: a RIFF WAVE audio file.
    Wave,
    /// `FLAC`: a FLAC audio file (not in CDRWIN's list; EAC and foobar2000 write it).
    Flac,
    /// `MP3`: an MP3 audio file (parsed; [`CueSheet::layout`] rejects it, MP3 is not sample-exact).
    Mp3,
    /// `AIFF`: an AIFF audio file.
    Aiff,
}

impl FileFormat {
    /// The cue keyword (`"BINARY"`…).
    pub fn keyword(self) -> &'static str {
        match self {
            FileFormat::Binary => "BINARY",
            FileFormat::Motorola => "MOTOROLA",
            FileFormat::Wave => "WAVE",
            FileFormat::Flac => "FLAC",
            FileFormat::Mp3 => "MP3",
            FileFormat::Aiff => "AIFF",
        }
    }

    /// Parses a type word, case-insensitively; `None` if unknown.
    pub fn from_keyword(word: &str) -> Option<FileFormat> {
        [
            FileFormat::Binary,
            FileFormat::Motorola,
            FileFormat::Wave,
            FileFormat::Flac,
            FileFormat::Mp3,
            FileFormat::Aiff,
        ]
        .into_iter()
        .find(|f| f.keyword().eq_ignore_ascii_case(word))
    }

    /// True for the audio container formats (`WAVE`, `FLAC`, `MP3`, `AIFF`), which hold only
    /// `AUDIO` tracks.
    pub fn is_audio_container(self) -> bool {
        matches!(
            self,
            FileFormat::Wave | FileFormat::Flac | FileFormat::Mp3 | FileFormat::Aiff
        )
    }
}

/// The mode word of a `TRACK nn MODE` statement: what a sector holds and how many bytes of it
/// the file stores.
///
/// Units: [`TrackMode::sector_bytes`] bytes per sector in the file.
///
/// Spec: sector layouts ECMA-130 §14–16 (reference `mmc.md` §4); CDRWIN cue syntax §?.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackMode {
    /// `AUDIO`: 2352 bytes of 16-bit stereo samples.
    Audio,
    /// `CDG`: audio with CD+G sub-channel, 2352 + 96 = 2448 bytes per sector.
    Cdg,
    /// `MODE1/2048`: Mode 1 user data only.
    Mode1_2048,
    /// `MODE1/2352`: the whole Mode 1 sector (sync, header, data, EDC/ECC).
    Mode1_2352,
    /// `MODE2/2336`: Mode 2 without sync and header (subheader + 2328/2324 bytes).
    Mode2_2336,
    /// `MODE2/2352`: the whole Mode 2 sector.
    Mode2_2352,
    /// `CDI/2336`: CD-i Mode 2 without sync and header.
    Cdi2336,
    /// `CDI/2352`: the whole CD-i Mode 2 sector.
    Cdi2352,
}

impl TrackMode {
    /// Every mode, in the order of the CDRWIN documentation.
    pub const ALL: [TrackMode; 8] = [
        TrackMode::Audio,
        TrackMode::Cdg,
        TrackMode::Mode1_2048,
        TrackMode::Mode1_2352,
        TrackMode::Mode2_2336,
        TrackMode::Mode2_2352,
        TrackMode::Cdi2336,
        TrackMode::Cdi2352,
    ];

    /// The cue keyword (`"MODE1/2352"`…).
    pub fn keyword(self) -> &'static str {
        match self {
            TrackMode::Audio => "AUDIO",
            TrackMode::Cdg => "CDG",
            TrackMode::Mode1_2048 => "MODE1/2048",
            TrackMode::Mode1_2352 => "MODE1/2352",
            TrackMode::Mode2_2336 => "MODE2/2336",
            TrackMode::Mode2_2352 => "MODE2/2352",
            TrackMode::Cdi2336 => "CDI/2336",
            TrackMode::Cdi2352 => "CDI/2352",
        }
    }

    /// Parses a mode word, case-insensitively; `None` if unknown.
    pub fn from_keyword(word: &str) -> Option<TrackMode> {
        TrackMode::ALL
            .into_iter()
            .find(|m| m.keyword().eq_ignore_ascii_case(word))
    }

    /// Bytes per sector stored in the file. Units: bytes.
    pub fn sector_bytes(self) -> u32 {
        match self {
            TrackMode::Audio => 2352,
            TrackMode::Cdg => 2448,
            TrackMode::Mode1_2048 => 2048,
            TrackMode::Mode1_2352 => 2352,
            TrackMode::Mode2_2336 => 2336,
            TrackMode::Mode2_2352 => 2352,
            TrackMode::Cdi2336 => 2336,
            TrackMode::Cdi2352 => 2352,
        }
    }

    /// True for `AUDIO` and `CDG` (audio sectors; Q control bit "data" clear).
    pub fn is_audio(self) -> bool {
        matches!(self, TrackMode::Audio | TrackMode::Cdg)
    }
}

/// The `FLAGS` of a track: the Q-channel control bits it asks for.
///
/// Shape: one bool per flag word; on the disc they become the CTL nibble of the track's Q frames
/// and cue-sheet entries (`mmc.md` §1.17: 20h copy permitted, 80h four channel, 10h pre-emphasis).
/// `SCMS` (serial copy management) has no CTL bit; writers alternate the copy bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TrackFlags {
    /// `DCP`: digital copy permitted.
    #[doc(alias = "DCP")]
    pub digital_copy_permitted: bool,
    /// `4CH`: four-channel audio.
    #[doc(alias = "4CH")]
    pub four_channel: bool,
    /// `PRE`: pre-emphasis (audio).
    #[doc(alias = "PRE")]
    pub pre_emphasis: bool,
    /// `SCMS`: serial copy management system.
    #[doc(alias = "SCMS")]
    pub serial_copy_management: bool,
}

impl TrackFlags {
    /// True when no flag is set.
    pub fn is_empty(self) -> bool {
        self == TrackFlags::default()
    }
}

/// A Media Catalog Number (`CATALOG`): exactly 13 ASCII digits (UPC/EAN).
///
/// Spec: `mmc.md` §1.9 (page 05h MCN field, 13 ASCII digits), §4.7 (Q mode 2).
#[doc(alias = "MCN")]
#[doc(alias = "CATALOG")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mcn([u8; 13]);

impl Mcn {
    /// Checks and wraps a catalog number; `None` unless `text` is exactly 13 ASCII digits.
    pub fn new(text: &str) -> Option<Mcn> {
        let bytes: [u8; 13] = text.as_bytes().try_into().ok()?;
        bytes.iter().all(u8::is_ascii_digit).then_some(Mcn(bytes))
    }

    /// The 13 ASCII digits.
    pub fn as_bytes(&self) -> &[u8; 13] {
        &self.0
    }

    /// The 13 digits as text.
    pub fn as_str(&self) -> &str {
        // The bytes are ASCII digits by construction.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for Mcn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An International Standard Recording Code: 12 characters `CC OOO YY NNNNN`.
///
/// Shape: country code (2 letters `A`–`Z`), owner code (3 characters `A`–`Z`/`0`–`9`), year of
/// reference (2 digits), designation code (5 digits); stored upper-case (lower-case input is
/// accepted and upper-cased).
///
/// Spec: ISO 3901; `mmc.md` §1.9 (page 05h ISRC, 12 ASCII characters), §4.7 (Q mode 3 coding).
#[doc(alias = "ISRC")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Isrc([u8; 12]);

impl Isrc {
    /// Checks and wraps an ISRC; `None` unless `text` has the shape above.
    pub fn new(text: &str) -> Option<Isrc> {
        let mut bytes: [u8; 12] = text.as_bytes().try_into().ok()?;
        bytes.make_ascii_uppercase();
        let ok = bytes[..2].iter().all(u8::is_ascii_uppercase)
            && bytes[2..5]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && bytes[5..].iter().all(u8::is_ascii_digit);
        ok.then_some(Isrc(bytes))
    }

    /// The 12 ASCII characters.
    pub fn as_bytes(&self) -> &[u8; 12] {
        &self.0
    }

    /// The 12 characters as text.
    pub fn as_str(&self) -> &str {
        // ASCII by construction.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The country code (`CC`).
    pub fn country_code(&self) -> &str {
        self.as_str().get(..2).unwrap_or_default()
    }

    /// The owner (registrant) code (`OOO`).
    pub fn owner_code(&self) -> &str {
        self.as_str().get(2..5).unwrap_or_default()
    }

    /// The two-digit year of reference (`YY`).
    pub fn year(&self) -> &str {
        self.as_str().get(5..7).unwrap_or_default()
    }

    /// The designation code (`NNNNN`).
    pub fn designation_code(&self) -> &str {
        self.as_str().get(7..).unwrap_or_default()
    }
}

impl std::fmt::Display for Isrc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CD-Text field name, as a cue keyword (and, through `REM`, as ImgBurn/EAC spell some).
///
/// Spec: pack types 80h–87h and 8Eh, `mmc.md` §4.9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CdTextField {
    /// `TITLE` (pack 80h).
    Title,
    /// `PERFORMER` (pack 81h).
    Performer,
    /// `SONGWRITER` (pack 82h).
    Songwriter,
    /// `COMPOSER` (pack 83h).
    Composer,
    /// `ARRANGER` (pack 84h).
    Arranger,
    /// `MESSAGE` (pack 85h).
    Message,
    /// `DISC_ID` (pack 86h), disc only.
    DiscId,
    /// `GENRE` (pack 87h, text part).
    Genre,
    /// `UPC_EAN` (pack 8Eh, track 0), disc only.
    UpcEan,
}

impl CdTextField {
    /// Every field, in the order [`CueSheet::to_cue_string`] writes them.
    pub const ALL: [CdTextField; 9] = [
        CdTextField::Title,
        CdTextField::Performer,
        CdTextField::Songwriter,
        CdTextField::Composer,
        CdTextField::Arranger,
        CdTextField::Message,
        CdTextField::DiscId,
        CdTextField::Genre,
        CdTextField::UpcEan,
    ];

    /// The cue keyword (`"TITLE"`…).
    pub fn keyword(self) -> &'static str {
        match self {
            CdTextField::Title => "TITLE",
            CdTextField::Performer => "PERFORMER",
            CdTextField::Songwriter => "SONGWRITER",
            CdTextField::Composer => "COMPOSER",
            CdTextField::Arranger => "ARRANGER",
            CdTextField::Message => "MESSAGE",
            CdTextField::DiscId => "DISC_ID",
            CdTextField::Genre => "GENRE",
            CdTextField::UpcEan => "UPC_EAN",
        }
    }

    /// Parses a keyword, case-insensitively.
    pub fn from_keyword(word: &str) -> Option<CdTextField> {
        CdTextField::ALL
            .into_iter()
            .find(|f| f.keyword().eq_ignore_ascii_case(word))
    }

    /// The CD-Text pack type (`mmc.md` §4.9).
    pub fn pack_type(self) -> u8 {
        match self {
            CdTextField::Title => 0x80,
            CdTextField::Performer => 0x81,
            CdTextField::Songwriter => 0x82,
            CdTextField::Composer => 0x83,
            CdTextField::Arranger => 0x84,
            CdTextField::Message => 0x85,
            CdTextField::DiscId => 0x86,
            CdTextField::Genre => 0x87,
            CdTextField::UpcEan => 0x8e,
        }
    }

    /// True for the fields only the disc carries (`DISC_ID`, `UPC_EAN`).
    pub fn is_disc_only(self) -> bool {
        matches!(self, CdTextField::DiscId | CdTextField::UpcEan)
    }

    /// True for the fields a `REM` line may also carry (`REM COMPOSER "…"` as ImgBurn writes,
    /// `REM GENRE Rock` as EAC writes): every field except `TITLE`, `PERFORMER`, `SONGWRITER`.
    /// EAC's `REM DISCID` is a CDDB id, not `DISC_ID`, and is not mapped.
    pub fn rem_spelling_allowed(self) -> bool {
        !matches!(
            self,
            CdTextField::Title | CdTextField::Performer | CdTextField::Songwriter
        )
    }
}

/// CD-Text fields of the disc or of one track, as given by keywords.
///
/// Shape: one optional string per [`CdTextField`] (disc-only fields stay `None` on tracks).
#[doc(alias = "CD-Text")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CdText {
    /// `TITLE`.
    pub title: Option<String>,
    /// `PERFORMER`.
    pub performer: Option<String>,
    /// `SONGWRITER`.
    pub songwriter: Option<String>,
    /// `COMPOSER`.
    pub composer: Option<String>,
    /// `ARRANGER`.
    pub arranger: Option<String>,
    /// `MESSAGE`.
    pub message: Option<String>,
    /// `DISC_ID` (disc only).
    pub disc_id: Option<String>,
    /// `GENRE`.
    pub genre: Option<String>,
    /// `UPC_EAN` (disc only).
    pub upc_ean: Option<String>,
}

impl CdText {
    /// The value of `field`.
    pub fn get(&self, field: CdTextField) -> Option<&str> {
        self.slot(field).as_deref()
    }

    /// Sets (or clears) `field`.
    pub fn set(&mut self, field: CdTextField, value: Option<String>) {
        *self.slot_mut(field) = value;
    }

    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        CdTextField::ALL.iter().all(|f| self.get(*f).is_none())
    }

    fn slot(&self, field: CdTextField) -> &Option<String> {
        match field {
            CdTextField::Title => &self.title,
            CdTextField::Performer => &self.performer,
            CdTextField::Songwriter => &self.songwriter,
            CdTextField::Composer => &self.composer,
            CdTextField::Arranger => &self.arranger,
            CdTextField::Message => &self.message,
            CdTextField::DiscId => &self.disc_id,
            CdTextField::Genre => &self.genre,
            CdTextField::UpcEan => &self.upc_ean,
        }
    }

    fn slot_mut(&mut self, field: CdTextField) -> &mut Option<String> {
        match field {
            CdTextField::Title => &mut self.title,
            CdTextField::Performer => &mut self.performer,
            CdTextField::Songwriter => &mut self.songwriter,
            CdTextField::Composer => &mut self.composer,
            CdTextField::Arranger => &mut self.arranger,
            CdTextField::Message => &mut self.message,
            CdTextField::DiscId => &mut self.disc_id,
            CdTextField::Genre => &mut self.genre,
            CdTextField::UpcEan => &mut self.upc_ean,
        }
    }

    /// These fields completed from `REM` lines: a field not given as a keyword takes the value of
    /// the first `REM <FIELD> value` among `rems` for the fields that allow the `REM` spelling
    /// ([`CdTextField::rem_spelling_allowed`]). Keywords win over `REM`s.
    pub fn with_rem_fallback(&self, rems: &[Rem]) -> CdText {
        let mut out = self.clone();
        for field in CdTextField::ALL {
            if out.get(field).is_some() || !field.rem_spelling_allowed() {
                continue;
            }
            if let Some(rem) = rems
                .iter()
                .find(|r| r.key().eq_ignore_ascii_case(field.keyword()))
            {
                out.set(field, Some(rem.value().to_owned()));
            }
        }
        out
    }
}

/// A `REM` line, kept verbatim: the text after `REM` with surrounding spaces/TABs removed
/// (`REM DATE 1999` → `"DATE 1999"`; `REM COMMENT "ExactAudioCopy v1.0"` →
/// `"COMMENT \"ExactAudioCopy v1.0\""`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Rem {
    /// Everything after `REM`, trimmed.
    pub text: String,
}

impl Rem {
    /// The first word (`"DATE"`, `"GENRE"`, `"COMMENT"`…), as written; `""` for a bare `REM`.
    pub fn key(&self) -> &str {
        self.text.split([' ', '\t']).next().unwrap_or_default()
    }

    /// The rest after the first word, trimmed, with one pair of surrounding quotes removed
    /// (`REM GENRE "Hip Hop"` → `"Hip Hop"`).
    pub fn value(&self) -> &str {
        let rest = self
            .text
            .get(self.key().len()..)
            .unwrap_or_default()
            .trim_matches([' ', '\t']);
        match rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) => inner,
            None => rest,
        }
    }
}

/// One `TRACK nn MODE` with its statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueTrack {
    /// Track number 1–99.
    pub number: u8,
    /// The mode word.
    pub track_mode: TrackMode,
    /// `FLAGS`.
    pub flags: TrackFlags,
    /// `ISRC`.
    pub isrc: Option<Isrc>,
    /// `PREGAP mm:ss:ff`: a pregap of generated silence/zero sectors not stored in any file.
    /// Units: a duration in frames (1/75 s) written as MSF.
    #[doc(alias = "PREGAP")]
    pub pregap: Option<Msf>,
    /// `POSTGAP mm:ss:ff`: generated sectors after the track's data. Units: as `pregap`.
    #[doc(alias = "POSTGAP")]
    pub postgap: Option<Msf>,
    /// `INDEX` points in order (the first is `INDEX 00` or `INDEX 01`; `INDEX 01` is present).
    pub indexes: Vec<CueIndex>,
    /// Track CD-Text fields given as keywords.
    pub cd_text: CdText,
    /// `REM` lines after this `TRACK` and before the next, in order.
    pub rems: Vec<Rem>,
    /// Where the `TRACK` keyword was.
    pub pos: SourcePos,
}

impl CueTrack {
    /// The index with `number`, if present.
    pub fn index(&self, number: u8) -> Option<&CueIndex> {
        self.indexes.iter().find(|i| i.number == number)
    }

    /// The track's CD-Text with `REM` fallback ([`CdText::with_rem_fallback`]).
    pub fn effective_cd_text(&self) -> CdText {
        self.cd_text.with_rem_fallback(&self.rems)
    }
}

/// One `INDEX nn mm:ss:ff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueIndex {
    /// Index number 0–99 (00 = pregap, 01 = track start).
    pub number: u8,
    /// The `FILE` it lies in: a position in [`CueSheet::files`].
    pub file: usize,
    /// Time from the start of that file. Units: MSF (75 frames per second), relative.
    pub time: Msf,
    /// Where the `INDEX` keyword was.
    pub pos: SourcePos,
}

/// A cue sheet error: the 1-based line and column (in characters) of the offending token and
/// what is wrong. Layout errors point at the `FILE`, `TRACK` or `INDEX` statement concerned.
/// Line and column are 0 when the error is not tied to input text (a sheet built in code).
///
/// Display: `line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {kind}")]
pub struct CueError {
    /// 1-based line, 0 if not tied to text.
    pub line: u32,
    /// 1-based column in characters, 0 if not tied to text.
    pub column: u32,
    /// What is wrong.
    pub kind: CueErrorKind,
}

impl CueError {
    fn at(pos: SourcePos, kind: CueErrorKind) -> CueError {
        CueError {
            line: pos.line,
            column: pos.column,
            kind,
        }
    }
}

/// What is wrong with a cue sheet (see [`CueError`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CueErrorKind {
    /// The text starts with a UTF-16 byte order mark.
    #[error("UTF-16 text is not supported; save the cue sheet as UTF-8 or Windows-1252")]
    Utf16,
    /// Invalid UTF-8 after a UTF-8 byte order mark.
    #[error("invalid UTF-8 after a UTF-8 byte order mark")]
    InvalidUtf8AfterBom,
    /// A C0 control character other than TAB (or a CR not before LF).
    #[error("control character U+{0:04X} in the text")]
    ControlCharacter(u32),
    /// A word that is not a cue keyword.
    #[error("unknown keyword `{0}`")]
    UnknownKeyword(String),
    /// A statement lacks an argument.
    #[error("{keyword} needs {expected}")]
    MissingArgument {
        /// The statement's keyword.
        keyword: &'static str,
        /// What it needs.
        expected: &'static str,
    },
    /// A statement has more words than it takes.
    #[error("unexpected `{0}` after the statement")]
    TrailingText(String),
    /// A `"` without its closing `"` on the same line.
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    /// A `"` inside an unquoted word (`ab"c`), or a quoted string glued to a word.
    #[error("stray quote in `{0}`")]
    StrayQuote(String),
    /// `CATALOG` is not 13 digits.
    #[error("CATALOG must be 13 digits, got `{0}`")]
    InvalidCatalog(String),
    /// `ISRC` is not `CC OOO YY NNNNN`.
    #[error("ISRC must be 12 characters CCOOOYYNNNNN (country letters, owner letters/digits, year and designation digits), got `{0}`")]
    InvalidIsrc(String),
    /// Unknown `FILE` type word.
    #[error("unknown FILE type `{0}` (expected BINARY, MOTOROLA, WAVE, FLAC, MP3 or AIFF)")]
    UnknownFileFormat(String),
    /// Unknown `TRACK` mode word.
    #[error("unknown track mode `{0}` (expected AUDIO, CDG, MODE1/2048, MODE1/2352, MODE2/2336, MODE2/2352, CDI/2336 or CDI/2352)")]
    UnknownTrackMode(String),
    /// Unknown `FLAGS` word.
    #[error("unknown FLAGS value `{0}` (expected DCP, 4CH, PRE or SCMS)")]
    UnknownFlag(String),
    /// Track number not 1–99.
    #[error("invalid track number `{0}` (expected 1-99)")]
    InvalidTrackNumber(String),
    /// Track numbers not consecutive.
    #[error("TRACK {found:02} after TRACK {previous:02}: track numbers must be consecutive")]
    TrackNotConsecutive {
        /// The previous track's number.
        previous: u8,
        /// The number found.
        found: u8,
    },
    /// Index number not 0–99.
    #[error("invalid index number `{0}` (expected 00-99)")]
    InvalidIndexNumber(String),
    /// A track's first index is neither 00 nor 01.
    #[error("the first index of a track must be INDEX 00 or INDEX 01, got INDEX {0:02}")]
    FirstIndexNotZeroOrOne(u8),
    /// Index numbers not ascending within a track.
    #[error("INDEX {found:02} after INDEX {previous:02}: index numbers must ascend")]
    IndexNotAscending {
        /// The previous index number.
        previous: u8,
        /// The number found.
        found: u8,
    },
    /// A track without `INDEX 01`.
    #[error("TRACK {0:02} has no INDEX 01")]
    MissingIndex01(u8),
    /// A malformed or out-of-range `mm:ss:ff`.
    #[error(
        "invalid time `{0}` (expected mm:ss:ff with minutes <= 99, seconds < 60, frames < 75)"
    )]
    InvalidTime(String),
    /// An `INDEX` earlier in its `FILE` than the index before it.
    #[error("INDEX time {found} is before the previous INDEX time {previous} in the same FILE")]
    TimeDecreasing {
        /// The previous index time.
        previous: Msf,
        /// The time found.
        found: Msf,
    },
    /// A track statement before any `TRACK`.
    #[error("{0} before the first TRACK")]
    BeforeFirstTrack(&'static str),
    /// `TRACK` before any `FILE`.
    #[error("TRACK before the first FILE")]
    TrackBeforeFile,
    /// A disc-only statement after the first `TRACK`.
    #[error("{0} must appear before the first TRACK")]
    DiscOnly(&'static str),
    /// A statement given twice for the same disc or track.
    #[error("{0} given twice")]
    Duplicate(&'static str),
    /// `FLAGS` without any flag word.
    #[error("FLAGS needs at least one of DCP, 4CH, PRE, SCMS")]
    EmptyFlags,
    /// `PREGAP` after the track's first `INDEX`.
    #[error("PREGAP must come before the track's first INDEX")]
    PregapAfterIndex,
    /// `POSTGAP` before the track's `INDEX 01`.
    #[error("POSTGAP must come after the track's INDEX 01")]
    PostgapBeforeIndex01,
    /// `INDEX` after the track's `POSTGAP`.
    #[error("INDEX after POSTGAP")]
    IndexAfterPostgap,
    /// A `FILE` not followed by any `INDEX` before the next `FILE` or the end.
    #[error("FILE \"{0}\" has no INDEX")]
    FileWithoutIndex(String),
    /// A data track in an audio container file.
    #[error("a {file_format} FILE holds only AUDIO tracks, not {track_mode}")]
    AudioOnlyFile {
        /// The file's type word.
        file_format: &'static str,
        /// The track's mode word.
        track_mode: &'static str,
    },
    /// No `TRACK` at all.
    #[error("the cue sheet has no TRACK")]
    NoTracks,
    /// [`CueSheet::layout`]: the caller does not know the file's size.
    #[error("size of FILE \"{0}\" is unknown")]
    FileSizeUnknown(String),
    /// [`CueSheet::layout`]: an MP3 file (its decoded length is not sample-exact).
    #[error("MP3 FILE \"{0}\" cannot be laid out: MP3 is not sample-exact; decode it to WAVE or FLAC first")]
    Mp3NotSupported(String),
    /// [`CueSheet::layout`]: an index lies beyond the end of its file.
    #[error("INDEX {index:02} of TRACK {track:02} lies beyond the end of FILE \"{file}\" ({file_bytes} bytes)")]
    IndexBeyondFile {
        /// Track number.
        track: u8,
        /// Index number.
        index: u8,
        /// File name.
        file: String,
        /// File size. Units: bytes.
        file_bytes: u64,
    },
    /// [`CueSheet::layout`]: a data track's part of a file is not a whole number of sectors.
    #[error("FILE \"{file}\": the {bytes} bytes of TRACK {track:02} are not a whole number of {sector_bytes}-byte sectors")]
    PartialSector {
        /// File name.
        file: String,
        /// Track number.
        track: u8,
        /// Bytes of the track in the file.
        bytes: u64,
        /// The track mode's sector size.
        sector_bytes: u32,
    },
    /// [`CueSheet::layout`]: the first `FILE` has data before its first `INDEX`.
    #[error("FILE \"{0}\" has data before the first INDEX of the disc")]
    DataBeforeFirstIndex(String),
    /// [`CueSheet::layout`]: a track with no sectors from `INDEX 01` on.
    #[error("TRACK {0:02} is empty from INDEX 01 on")]
    EmptyTrack(u8),
    /// [`CueSheet::layout`]: the disc does not fit below 90:00:00 (LBA 404850).
    #[error("the disc is too long: it ends after LBA 404849 (90:00:00)")]
    DiscTooLong,
    /// [`CueSheet::layout`] on a sheet built in code that breaks the structure rules
    /// [`CueSheet::parse`] enforces (an unused `FILE`, indexes out of `FILE` order…).
    #[error("the sheet is inconsistent: {0}")]
    Inconsistent(String),
    /// [`CueSheet::to_cue_string`]: the sheet cannot be written as cue text.
    #[error("the sheet cannot be written as a cue sheet: {0}")]
    NotWritable(String),
    /// [`CueSheet::to_cue_bytes`]: a character outside Windows-1252 in a Windows-1252 sheet.
    #[error("character U+{0:04X} cannot be encoded in Windows-1252")]
    NotEncodable(u32),
}

impl CueSheet {
    /// Parses cue sheet bytes (see the module doc for the charset, text and structure rules).
    ///
    /// # Errors
    /// [`CueError`] with the line and column of the first problem.
    pub fn parse(bytes: &[u8]) -> Result<CueSheet, CueError> {
        let (text, charset) = text::decode(bytes)?;
        parse::parse_text(&text, charset)
    }

    /// The disc's CD-Text with `REM` fallback ([`CdText::with_rem_fallback`] over
    /// [`CueSheet::rems`]).
    pub fn effective_cd_text(&self) -> CdText {
        self.cd_text.with_rem_fallback(&self.rems)
    }

    /// The track with `number`, if present.
    pub fn track(&self, number: u8) -> Option<&CueTrack> {
        self.tracks.iter().find(|t| t.number == number)
    }

    /// Writes the sheet as canonical cue text: disc `REM`s, `CATALOG`, `CDTEXTFILE`, disc CD-Text,
    /// then per track `FILE` (where the file changes), `TRACK`, `REM`s, CD-Text, `FLAGS`,
    /// `ISRC`, `PREGAP`, `INDEX`es (a `FILE` line before an `INDEX` whose file differs),
    /// `POSTGAP`. Strings are quoted; lines end in CRLF; keywords are upper-case;
    /// [`Charset::Utf8WithBom`] starts the text with U+FEFF.
    ///
    /// Guarantee: when this returns `Ok(s)`, `CueSheet::parse(s.as_bytes())` equals `self` except
    /// that its `charset` is UTF-8 (use [`CueSheet::to_cue_bytes`] to keep Windows-1252).
    ///
    /// # Errors
    /// [`CueErrorKind::NotWritable`] (line and column 0) if the sheet cannot be written so
    /// that it reads back equal: a string with `"` or a line break, a `REM` with surrounding
    /// spaces or a line break, index files out of order or unused, broken numbering, …
    pub fn to_cue_string(&self) -> Result<String, CueError> {
        export::to_cue_string(self)
    }

    /// [`CueSheet::to_cue_string`] encoded in [`CueSheet::charset`]: UTF-8 (with the BOM for
    /// [`Charset::Utf8WithBom`]) or Windows-1252.
    ///
    /// Guarantee: for a sheet [`CueSheet::parse`] returned, `parse(&to_cue_bytes()?) == self`.
    /// (A Windows-1252 sheet whose encoding happens to be valid UTF-8 — plain ASCII, say —
    /// reads back as [`Charset::Utf8`].)
    ///
    /// # Errors
    /// As [`CueSheet::to_cue_string`]; [`CueErrorKind::NotEncodable`] for a character outside
    /// Windows-1252 in a Windows-1252 sheet.
    pub fn to_cue_bytes(&self) -> Result<Vec<u8>, CueError> {
        let s = export::to_cue_string(self)?;
        match self.charset {
            Charset::Utf8 | Charset::Utf8WithBom => Ok(s.into_bytes()),
            Charset::Windows1252 => encode_windows_1252(&s),
        }
    }

    /// Lays the sheet out on the disc: each track's pregap start, `INDEX 01` LBA, every index's
    /// LBA, length, and the list of [`Segment`]s saying where each sector comes from.
    ///
    /// Rules:
    /// * Files are concatenated in `FILE` order. A file's sectors belong to the track whose index
    ///   precedes them; a file's bytes are counted in the sector size of that track's mode
    ///   ([`TrackMode::sector_bytes`]), so one `BINARY` file may mix modes.
    /// * `file_sizes(name)` gives each file's size in bytes — for `WAVE`/`FLAC`/`AIFF` the size
    ///   of the decoded 16-bit stereo PCM, not of the container. A partial last sector of an
    ///   audio track is padded with silence; of a data track it is an error.
    /// * `PREGAP` and `POSTGAP` insert generated sectors (silence for audio, zero-data sectors
    ///   for data) that no file stores.
    /// * The disc starts at MSF 00:00:00 = LBA −150 with track 1's pregap, which is at least
    ///   150 sectors: what `PREGAP` and the file (`INDEX 00` → `INDEX 01`) do not provide is
    ///   generated. So a plain track 1 (`INDEX 01 00:00:00`) starts at LBA 0 = MSF 00:02:00.
    ///
    /// Units: LBAs; lengths in sectors (blocks).
    ///
    /// # Errors
    /// [`CueErrorKind::FileSizeUnknown`], [`CueErrorKind::Mp3NotSupported`] (at the `FILE`),
    /// [`CueErrorKind::IndexBeyondFile`] (at the `INDEX`), [`CueErrorKind::PartialSector`],
    /// [`CueErrorKind::DataBeforeFirstIndex`], [`CueErrorKind::EmptyTrack`],
    /// [`CueErrorKind::DiscTooLong`]; structural errors of a sheet built in code (line 0).
    pub fn layout(&self, file_sizes: &dyn Fn(&str) -> Option<u64>) -> Result<DiscLayout, CueError> {
        layout::layout(self, file_sizes)
    }
}

/// Decodes Windows-1252 bytes (the fallback charset of [`CueSheet::parse`]): every byte maps to
/// one character, 80h–9Fh per the WHATWG `index-windows-1252` (undefined 81h, 8Dh, 8Fh, 90h, 9Dh →
/// U+0081…), A0h–FFh → U+00A0–U+00FF. Never fails, never replaces.
pub fn decode_windows_1252(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| text::windows_1252_char(b)).collect()
}

/// Encodes text in Windows-1252 (the inverse of [`decode_windows_1252`]).
///
/// # Errors
/// [`CueErrorKind::NotEncodable`] (line and column 0) for a character outside the code page.
pub fn encode_windows_1252(text: &str) -> Result<Vec<u8>, CueError> {
    text::encode_windows_1252(text)
}

/// Frames (1/75 s) in a relative MSF duration or offset: `(M·60 + S)·75 + F`, without the
/// 150-frame lead-in offset of [`Msf::to_lba`]. Units: frames = sectors.
pub fn msf_frames(msf: Msf) -> u32 {
    (u32::from(msf.minute) * 60 + u32::from(msf.second)) * 75 + u32::from(msf.frame)
}

/// The relative MSF of `frames` frames, `None` beyond 99:59:74.
pub fn frames_msf(frames: u32) -> Option<Msf> {
    let minute = u8::try_from(frames / 4500).ok()?;
    Msf::new(minute, (frames / 75 % 60) as u8, (frames % 75) as u8)
}
