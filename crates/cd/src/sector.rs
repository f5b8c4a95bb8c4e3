//! 2352-byte CD sectors: builders for audio, Mode 0, Mode 1, Mode 2 formless and Mode 2
//! Form 1 / Form 2 (XA), and checkers (sync, header, EDC, ECC) with user-data extraction.
//!
//! Scope: unscrambled sectors as READ CD returns them and as SAO 2352-byte forms send them.
//! Scrambling for RAW writing is a separate step ([`crate::scrambler::scramble`]).
//! Invariants: builders are total and write every byte of the sector; checkers never panic.
//! Header addresses are absolute CD time ([`Msf`], binary in Rust, BCD on disc; LBA 0 =
//! 00:02:00; use [`Msf::from_lba`] to get one from an [`discmaster_core::Lba`]).
//!
//! Spec: ECMA-130 §14 (sector structure), ECMA-130/CD-ROM XA (Mode 2 forms); reference
//! `mmc.md` §4.2; `imapi2.md` §3.11 for [`SectorType`].

use discmaster_core::Msf;

use crate::ecc::{self, EccError, HeaderInEcc};
use crate::edc::EdcField;

/// Bytes in a raw CD sector (main channel of 98 F3 frames).
pub const SECTOR_BYTES: usize = 2352;

/// The sync pattern of every data sector, bytes 0–11: `00 FF FF FF FF FF FF FF FF FF FF 00`.
///
/// Spec: ECMA-130 §14.1; reference `mmc.md` §4.2.
pub const SYNC: [u8; 12] = [
    0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00,
];

/// User-data bytes of a Mode 1 sector (16–2063).
pub const MODE1_USER_BYTES: usize = 2048;
/// User-data bytes of a Mode 2 formless sector (16–2351).
pub const MODE2_FORMLESS_USER_BYTES: usize = 2336;
/// User-data bytes of a Mode 2 Form 1 sector (24–2071).
pub const MODE2_FORM1_USER_BYTES: usize = 2048;
/// User-data bytes of a Mode 2 Form 2 sector (24–2347).
pub const MODE2_FORM2_USER_BYTES: usize = 2324;

/// Binary 0–99 → packed BCD (`42` → `0x42`). Values above 99 keep only their last two
/// decimal digits, so the function is total.
///
/// Spec: reference `mmc.md` §4.1 (MSF is BCD on disc).
pub const fn to_bcd(value: u8) -> u8 {
    ((value / 10 % 10) << 4) | (value % 10)
}

/// Packed BCD → binary, or `None` if a nibble is above 9 (`0x42` → `42`, `0xAA` → `None`).
///
/// Spec: reference `mmc.md` §4.1.
pub const fn from_bcd(bcd: u8) -> Option<u8> {
    let (high, low) = (bcd >> 4, bcd & 0x0F);
    if high > 9 || low > 9 {
        None
    } else {
        Some(high * 10 + low)
    }
}

/// An MSF as three BCD bytes `[M, S, F]`.
///
/// Spec: reference `mmc.md` §4.1, §4.2.
pub const fn msf_to_bcd(msf: Msf) -> [u8; 3] {
    [to_bcd(msf.minute), to_bcd(msf.second), to_bcd(msf.frame)]
}

/// Three BCD bytes `[M, S, F]` → MSF, or `None` unless every byte is BCD, S ≤ 59 and F ≤ 74.
///
/// Spec: reference `mmc.md` §4.1, §4.2.
pub fn msf_from_bcd(bytes: [u8; 3]) -> Option<Msf> {
    Msf::new(
        from_bcd(bytes[0])?,
        from_bcd(bytes[1])?,
        from_bcd(bytes[2])?,
    )
}

/// The 4-byte sector header: absolute time and the sector mode byte.
///
/// Shape: bytes 12–15 = `M S F` (BCD) then the mode byte (00h, 01h or 02h).
///
/// Spec: ECMA-130 §14.2; reference `mmc.md` §4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Absolute time of the sector (LBA + 150 frames).
    pub address: Msf,
    /// The mode byte (byte 15).
    #[doc(alias = "MODE")]
    pub mode_byte: u8,
}

impl Header {
    /// The four header bytes.
    pub fn emit(&self) -> [u8; 4] {
        let [m, s, f] = msf_to_bcd(self.address);
        [m, s, f, self.mode_byte]
    }

    /// Parses bytes 12–15 of a sector.
    ///
    /// # Errors
    ///
    /// [`SectorError::BadAddress`] if the address is not valid BCD MSF.
    pub fn parse(bytes: [u8; 4]) -> Result<Header, SectorError> {
        let address = [bytes[0], bytes[1], bytes[2]];
        let address = msf_from_bcd(address).ok_or(SectorError::BadAddress(address))?;
        Ok(Header {
            address,
            mode_byte: bytes[3],
        })
    }
}

/// The XA sub-mode byte (sub-header byte 2), a set of bits.
///
/// Shape: b7 EOF, b6 real-time, b5 Form 2, b4 trigger, b3 data, b2 audio, b1 video, b0 EOR.
///
/// Spec: CD-ROM XA; reference `mmc.md` §4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Submode(pub u8);

impl Submode {
    /// b7: end of file.
    pub const END_OF_FILE: Submode = Submode(0x80);
    /// b6: real-time sector.
    pub const REAL_TIME: Submode = Submode(0x40);
    /// b5: the sector is Form 2 (clear = Form 1).
    pub const FORM2: Submode = Submode(0x20);
    /// b4: trigger.
    pub const TRIGGER: Submode = Submode(0x10);
    /// b3: data sector.
    pub const DATA: Submode = Submode(0x08);
    /// b2: audio sector (ADPCM).
    pub const AUDIO: Submode = Submode(0x04);
    /// b1: video sector.
    pub const VIDEO: Submode = Submode(0x02);
    /// b0: end of record.
    pub const END_OF_RECORD: Submode = Submode(0x01);

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Submode) -> bool {
        self.0 & other.0 == other.0
    }

    /// This sub-mode with the bits of `other` added.
    pub const fn with(self, other: Submode) -> Submode {
        Submode(self.0 | other.0)
    }

    /// This sub-mode with the bits of `other` removed.
    pub const fn without(self, other: Submode) -> Submode {
        Submode(self.0 & !other.0)
    }
}

/// The 4-byte XA sub-header, stored twice (bytes 16–19 and 20–23) in Mode 2 Form 1/2 sectors.
///
/// Shape: B0 file number, B1 channel number, B2 sub-mode, B3 coding information.
///
/// Spec: CD-ROM XA; reference `mmc.md` §4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Subheader {
    /// B0: file number.
    pub file_number: u8,
    /// B1: channel number.
    pub channel_number: u8,
    /// B2: sub-mode bits.
    pub submode: Submode,
    /// B3: coding information.
    pub coding_information: u8,
}

impl Subheader {
    /// The four sub-header bytes.
    pub const fn emit(&self) -> [u8; 4] {
        [
            self.file_number,
            self.channel_number,
            self.submode.0,
            self.coding_information,
        ]
    }

    /// Sub-header from its four bytes (every value is valid).
    pub const fn parse(bytes: [u8; 4]) -> Subheader {
        Subheader {
            file_number: bytes[0],
            channel_number: bytes[1],
            submode: Submode(bytes[2]),
            coding_information: bytes[3],
        }
    }
}

/// The structure of a data sector as found by [`classify`] / [`verify`].
///
/// Spec: ECMA-130 §14; reference `mmc.md` §4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectorKind {
    /// Mode byte 00h: user data 16–2351 all zero.
    Mode0,
    /// Mode byte 01h: 2048 user bytes, EDC, 8 zero bytes, P and Q parity.
    Mode1,
    /// Mode byte 02h without an XA sub-header (the two sub-header copies differ): 2336 bytes.
    Mode2Formless,
    /// Mode byte 02h, sub-mode Form 2 bit clear: 2048 user bytes, EDC, P and Q parity.
    Mode2Form1,
    /// Mode byte 02h, sub-mode Form 2 bit set: 2324 user bytes and an optional EDC.
    Mode2Form2,
}

impl SectorKind {
    /// Byte range of the user data within the 2352-byte sector.
    pub const fn user_data_range(self) -> std::ops::Range<usize> {
        match self {
            SectorKind::Mode0 | SectorKind::Mode2Formless => 16..2352,
            SectorKind::Mode1 => 16..2064,
            SectorKind::Mode2Form1 => 24..2072,
            SectorKind::Mode2Form2 => 24..2348,
        }
    }

    /// The mode byte (header byte 15) of this kind.
    pub const fn mode_byte(self) -> u8 {
        match self {
            SectorKind::Mode0 => 0,
            SectorKind::Mode1 => 1,
            _ => 2,
        }
    }
}

/// Why a 2352-byte sector is not a valid data sector.
///
/// Spec: reference `mmc.md` §4.2–§4.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SectorError {
    /// Bytes 0–11 are not [`SYNC`] (an audio sector, or garbage).
    #[error("bytes 0-11 are not the sync pattern")]
    NoSync,
    /// Header bytes 12–14 are not a BCD MSF.
    #[error("header address {0:02X?} is not a BCD MSF")]
    BadAddress([u8; 3]),
    /// Header byte 15 is not 00h, 01h or 02h.
    #[error("unknown sector mode byte {0:#04x}")]
    UnknownMode(u8),
    /// A Mode 0 sector with non-zero bytes in 16–2351.
    #[error("mode 0 sector has non-zero user data")]
    Mode0NotZero,
    /// Mode 1 bytes 2068–2075 are not zero.
    #[error("mode 1 intermediate bytes 2068-2075 are not zero")]
    IntermediateNotZero,
    /// The stored EDC differs from the computed one.
    #[error("EDC mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    EdcMismatch {
        /// The value in the sector (little-endian field read as `u32`).
        stored: u32,
        /// The value computed from the covered bytes.
        computed: u32,
    },
    /// A P or Q parity check failed.
    #[error(transparent)]
    Ecc(#[from] EccError),
}

/// The IMAPI2 CD sector types: what one sector of a track's input stream holds.
///
/// Shape: 32-bit enum value; unknown values round-trip through [`SectorType::Unknown`]. The
/// `*Raw` types are complete 2352-byte sectors with header, EDC/ECC and scrambling applied.
///
/// Spec: IMAPI2 `IMAPI_CD_SECTOR_TYPE` (reference `imapi2.md` §3.11).
#[doc(alias = "IMAPI_CD_SECTOR_TYPE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectorType {
    /// 0x00: 588 stereo 16-bit little-endian samples, 2352 bytes.
    #[doc(alias = "IMAPI_CD_SECTOR_AUDIO")]
    Audio,
    /// 0x01: Mode 0, 2336 zero bytes.
    #[doc(alias = "IMAPI_CD_SECTOR_MODE_ZERO")]
    ModeZero,
    /// 0x02: Mode 1, 2048 bytes.
    #[doc(alias = "IMAPI_CD_SECTOR_MODE1")]
    Mode1,
    /// 0x03: Mode 2 formless, 2336 bytes.
    #[doc(alias = "IMAPI_CD_SECTOR_MODE2FORM0")]
    Mode2Form0,
    /// 0x04: Mode 2 Form 1, 2048 bytes.
    #[doc(alias = "IMAPI_CD_SECTOR_MODE2FORM1")]
    Mode2Form1,
    /// 0x05: Mode 2 Form 2, 2336 bytes (sub-header ×2, 2324 data, optional EDC).
    #[doc(alias = "IMAPI_CD_SECTOR_MODE2FORM2")]
    Mode2Form2,
    /// 0x06: Mode 1 as a complete scrambled 2352-byte sector.
    #[doc(alias = "IMAPI_CD_SECTOR_MODE1RAW")]
    Mode1Raw,
    /// 0x07: Mode 2 formless as a complete scrambled 2352-byte sector.
    #[doc(alias = "IMAPI_CD_SECTOR_MODE2FORM0RAW")]
    Mode2Form0Raw,
    /// 0x08: Mode 2 Form 1 as a complete scrambled 2352-byte sector.
    #[doc(alias = "IMAPI_CD_SECTOR_MODE2FORM1RAW")]
    Mode2Form1Raw,
    /// 0x09: Mode 2 Form 2 as a complete scrambled 2352-byte sector.
    #[doc(alias = "IMAPI_CD_SECTOR_MODE2FORM2RAW")]
    Mode2Form2Raw,
    /// Any other value.
    Unknown(u32),
}

impl SectorType {
    /// The type of an IMAPI value (unknown values are kept).
    pub const fn from_raw(raw: u32) -> SectorType {
        match raw {
            0x00 => SectorType::Audio,
            0x01 => SectorType::ModeZero,
            0x02 => SectorType::Mode1,
            0x03 => SectorType::Mode2Form0,
            0x04 => SectorType::Mode2Form1,
            0x05 => SectorType::Mode2Form2,
            0x06 => SectorType::Mode1Raw,
            0x07 => SectorType::Mode2Form0Raw,
            0x08 => SectorType::Mode2Form1Raw,
            0x09 => SectorType::Mode2Form2Raw,
            other => SectorType::Unknown(other),
        }
    }

    /// The IMAPI value.
    pub const fn to_raw(self) -> u32 {
        match self {
            SectorType::Audio => 0x00,
            SectorType::ModeZero => 0x01,
            SectorType::Mode1 => 0x02,
            SectorType::Mode2Form0 => 0x03,
            SectorType::Mode2Form1 => 0x04,
            SectorType::Mode2Form2 => 0x05,
            SectorType::Mode1Raw => 0x06,
            SectorType::Mode2Form0Raw => 0x07,
            SectorType::Mode2Form1Raw => 0x08,
            SectorType::Mode2Form2Raw => 0x09,
            SectorType::Unknown(raw) => raw,
        }
    }

    /// Bytes per sector in the input stream (`imapi2.md` §3.11), `None` for unknown types.
    ///
    /// Units: bytes.
    pub const fn stream_sector_bytes(self) -> Option<usize> {
        match self {
            SectorType::Audio
            | SectorType::Mode1Raw
            | SectorType::Mode2Form0Raw
            | SectorType::Mode2Form1Raw
            | SectorType::Mode2Form2Raw => Some(SECTOR_BYTES),
            SectorType::ModeZero | SectorType::Mode2Form0 | SectorType::Mode2Form2 => Some(2336),
            SectorType::Mode1 | SectorType::Mode2Form1 => Some(2048),
            SectorType::Unknown(_) => None,
        }
    }

    /// Whether the stream holds complete, scrambled 2352-byte data sectors.
    pub const fn is_raw(self) -> bool {
        matches!(
            self,
            SectorType::Mode1Raw
                | SectorType::Mode2Form0Raw
                | SectorType::Mode2Form1Raw
                | SectorType::Mode2Form2Raw
        )
    }

    /// The data-sector structure this type produces; `None` for audio and unknown types.
    pub const fn kind(self) -> Option<SectorKind> {
        match self {
            SectorType::ModeZero => Some(SectorKind::Mode0),
            SectorType::Mode1 | SectorType::Mode1Raw => Some(SectorKind::Mode1),
            SectorType::Mode2Form0 | SectorType::Mode2Form0Raw => Some(SectorKind::Mode2Formless),
            SectorType::Mode2Form1 | SectorType::Mode2Form1Raw => Some(SectorKind::Mode2Form1),
            SectorType::Mode2Form2 | SectorType::Mode2Form2Raw => Some(SectorKind::Mode2Form2),
            SectorType::Audio | SectorType::Unknown(_) => None,
        }
    }
}

/// Writes sync and header (bytes 0–15).
fn put_sync_header(sector: &mut [u8; SECTOR_BYTES], address: Msf, mode_byte: u8) {
    sector[..12].copy_from_slice(&SYNC);
    sector[12..16].copy_from_slice(&Header { address, mode_byte }.emit());
}

/// Writes the sub-header twice (bytes 16–23).
fn put_subheader(sector: &mut [u8; SECTOR_BYTES], subheader: Subheader) {
    let bytes = subheader.emit();
    sector[16..20].copy_from_slice(&bytes);
    sector[20..24].copy_from_slice(&bytes);
}

/// Builds a Mode 0 sector: sync, header (mode 00h) and 2336 zero bytes.
///
/// Shape: 0–11 sync, 12–15 header, 16–2351 zero.
///
/// Spec: ECMA-130 §14.3; reference `mmc.md` §4.2.
pub fn mode0(address: Msf) -> [u8; SECTOR_BYTES] {
    let mut s = [0u8; SECTOR_BYTES];
    put_sync_header(&mut s, address, 0);
    s
}

/// Builds an unscrambled Mode 1 sector into `sector` (every byte is written).
///
/// Shape: 0–11 sync, 12–15 header (BCD MSF, 01h), 16–2063 user data, 2064–2067 EDC over 0–2063
/// (little-endian), 2068–2075 zero, 2076–2247 P parity, 2248–2351 Q parity (P and Q over
/// 12–2075, header included).
///
/// Spec: ECMA-130 §14.3, Annex A; reference `mmc.md` §4.2–§4.4.
pub fn mode1_into(
    sector: &mut [u8; SECTOR_BYTES],
    address: Msf,
    user_data: &[u8; MODE1_USER_BYTES],
) {
    put_sync_header(sector, address, 1);
    sector[16..2064].copy_from_slice(user_data);
    EdcField::MODE1.store(sector);
    sector[2068..2076].fill(0);
    ecc::store_parity(sector, HeaderInEcc::Included);
}

/// Builds an unscrambled Mode 1 sector; see [`mode1_into`] for the layout.
///
/// Spec: ECMA-130 §14.3, Annex A; reference `mmc.md` §4.2–§4.4.
pub fn mode1(address: Msf, user_data: &[u8; MODE1_USER_BYTES]) -> [u8; SECTOR_BYTES] {
    let mut s = [0u8; SECTOR_BYTES];
    mode1_into(&mut s, address, user_data);
    s
}

/// Builds a Mode 2 formless sector: sync, header (mode 02h), 2336 user bytes; no EDC/ECC.
///
/// Spec: ECMA-130 §14.4; reference `mmc.md` §4.2.
pub fn mode2_formless(
    address: Msf,
    user_data: &[u8; MODE2_FORMLESS_USER_BYTES],
) -> [u8; SECTOR_BYTES] {
    let mut s = [0u8; SECTOR_BYTES];
    put_sync_header(&mut s, address, 2);
    s[16..].copy_from_slice(user_data);
    s
}

/// Builds an unscrambled Mode 2 Form 1 sector. The sub-mode's Form 2 bit is cleared.
///
/// Shape: 0–11 sync, 12–15 header (mode 02h), 16–19 and 20–23 sub-header, 24–2071 user data,
/// 2072–2075 EDC over 16–2071, 2076–2247 P, 2248–2351 Q (P and Q computed with bytes 12–15
/// taken as zero).
///
/// Spec: CD-ROM XA Form 1, ECMA-130 Annex A; reference `mmc.md` §4.2–§4.4.
pub fn mode2_form1(
    address: Msf,
    subheader: Subheader,
    user_data: &[u8; MODE2_FORM1_USER_BYTES],
) -> [u8; SECTOR_BYTES] {
    let mut s = [0u8; SECTOR_BYTES];
    put_sync_header(&mut s, address, 2);
    let subheader = Subheader {
        submode: subheader.submode.without(Submode::FORM2),
        ..subheader
    };
    put_subheader(&mut s, subheader);
    s[24..2072].copy_from_slice(user_data);
    EdcField::MODE2_FORM1.store(&mut s);
    ecc::store_parity(&mut s, HeaderInEcc::Zeroed);
    s
}

/// Builds a Mode 2 Form 2 sector with its EDC computed. The sub-mode's Form 2 bit is set.
///
/// Shape: 0–11 sync, 12–15 header (mode 02h), 16–23 sub-header ×2, 24–2347 user data,
/// 2348–2351 EDC over 16–2347 (little-endian).
///
/// Spec: CD-ROM XA Form 2; reference `mmc.md` §4.2.
pub fn mode2_form2(
    address: Msf,
    subheader: Subheader,
    user_data: &[u8; MODE2_FORM2_USER_BYTES],
) -> [u8; SECTOR_BYTES] {
    let mut s = [0u8; SECTOR_BYTES];
    put_sync_header(&mut s, address, 2);
    let subheader = Subheader {
        submode: subheader.submode.with(Submode::FORM2),
        ..subheader
    };
    put_subheader(&mut s, subheader);
    s[24..2348].copy_from_slice(user_data);
    EdcField::MODE2_FORM2.store(&mut s);
    s
}

/// An audio sector: the 2352 bytes of 588 stereo 16-bit little-endian samples, unchanged
/// (no sync, header, EDC, ECC or scrambling).
///
/// Spec: Red Book; reference `mmc.md` §4.2.
pub fn audio(samples: &[u8; SECTOR_BYTES]) -> [u8; SECTOR_BYTES] {
    *samples
}

/// Reads sync, header and (for Mode 2) the sub-header copies to find the sector's structure,
/// without checking EDC or ECC.
///
/// A Mode 2 sector whose two sub-header copies are equal is XA (Form 1 or 2 by the sub-mode's
/// Form 2 bit); otherwise it is formless.
///
/// # Errors
///
/// [`SectorError::NoSync`], [`SectorError::BadAddress`], [`SectorError::UnknownMode`].
///
/// Spec: ECMA-130 §14; reference `mmc.md` §4.2.
pub fn classify(sector: &[u8; SECTOR_BYTES]) -> Result<(Header, SectorKind), SectorError> {
    if sector[..12] != SYNC {
        return Err(SectorError::NoSync);
    }
    let header = Header::parse([sector[12], sector[13], sector[14], sector[15]])?;
    let kind = match header.mode_byte {
        0 => SectorKind::Mode0,
        1 => SectorKind::Mode1,
        2 if sector[16..20] != sector[20..24] => SectorKind::Mode2Formless,
        2 if Submode(sector[18]).contains(Submode::FORM2) => SectorKind::Mode2Form2,
        2 => SectorKind::Mode2Form1,
        other => return Err(SectorError::UnknownMode(other)),
    };
    Ok((header, kind))
}

/// Checks a whole unscrambled data sector: sync, BCD header, mode, and the EDC and ECC its
/// kind carries (Mode 1: zero bytes 2068–2075, EDC, P/Q; Form 1: EDC, P/Q with zeroed header;
/// Form 2: EDC unless it is 0; Mode 0: zero user data).
///
/// # Errors
///
/// Any [`SectorError`]; the first failed check is reported.
///
/// Spec: ECMA-130 §14, Annex A; reference `mmc.md` §4.2–§4.4.
pub fn verify(sector: &[u8; SECTOR_BYTES]) -> Result<SectorKind, SectorError> {
    let (_, kind) = classify(sector)?;
    let check_edc = |field: EdcField| {
        let (stored, computed) = (field.stored(sector), field.compute(sector));
        if stored == computed {
            Ok(())
        } else {
            Err(SectorError::EdcMismatch { stored, computed })
        }
    };
    match kind {
        SectorKind::Mode0 => {
            if sector[16..].iter().any(|&b| b != 0) {
                return Err(SectorError::Mode0NotZero);
            }
        }
        SectorKind::Mode1 => {
            if sector[2068..2076].iter().any(|&b| b != 0) {
                return Err(SectorError::IntermediateNotZero);
            }
            check_edc(EdcField::MODE1)?;
            ecc::check_parity(sector, HeaderInEcc::Included)?;
        }
        SectorKind::Mode2Formless => {}
        SectorKind::Mode2Form1 => {
            check_edc(EdcField::MODE2_FORM1)?;
            ecc::check_parity(sector, HeaderInEcc::Zeroed)?;
        }
        SectorKind::Mode2Form2 => {
            if EdcField::MODE2_FORM2.stored(sector) != 0 {
                check_edc(EdcField::MODE2_FORM2)?;
            }
        }
    }
    Ok(kind)
}

/// Verifies a sector ([`verify`]) and returns its kind and user data.
///
/// Shape: 2048 bytes (Mode 1, Form 1), 2324 (Form 2) or 2336 (Mode 0, formless).
///
/// # Errors
///
/// As [`verify`].
///
/// Spec: reference `mmc.md` §4.2.
pub fn user_data(sector: &[u8; SECTOR_BYTES]) -> Result<(SectorKind, &[u8]), SectorError> {
    let kind = verify(sector)?;
    Ok((kind, &sector[kind.user_data_range()]))
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
    fn bcd_round_trips_and_rejects_hex_nibbles() {
        assert_eq!(to_bcd(0), 0x00);
        assert_eq!(to_bcd(59), 0x59);
        assert_eq!(to_bcd(99), 0x99);
        assert_eq!(from_bcd(0x74), Some(74));
        assert_eq!(from_bcd(0xAA), None);
        assert_eq!(from_bcd(0x1A), None);
        for v in 0..100 {
            assert_eq!(from_bcd(to_bcd(v)), Some(v));
        }
        // Total on out-of-range input: keeps the last two digits.
        assert_eq!(to_bcd(255), 0x55);
    }

    #[test]
    fn mode1_zero_sector_at_lba0_matches_reference_bytes() {
        // mmc.md §4.3 / §4.11: LBA 0 (00:02:00), all-zero user data.
        let s = mode1(msf(0, 2, 0), &[0; 2048]);
        assert_eq!(
            s[..16],
            [
                0x00, // sync
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // sync
                0x00, // sync
                0x00, // minute 00 (BCD)
                0x02, // second 02 (BCD)
                0x00, // frame 00 (BCD)
                0x01, // mode 1
            ]
        );
        assert_eq!(s[2064..2068], [0xc5, 0x13, 0x68, 0x2b]); // EDC, little-endian
        assert_eq!(s[2068..2076], [0; 8]); // intermediate zeros
        assert_eq!(verify(&s), Ok(SectorKind::Mode1));
    }

    #[test]
    fn mode1_header_is_bcd_of_absolute_time() {
        // LBA 332850 = 74:00:00 (mmc.md §4.1); 97:26:65 in the lead-in.
        let s = mode1(msf(74, 0, 0), &[0xa5; 2048]);
        assert_eq!(s[12..16], [0x74, 0x00, 0x00, 0x01]);
        let s = mode1(msf(97, 26, 65), &[0xa5; 2048]);
        assert_eq!(s[12..16], [0x97, 0x26, 0x65, 0x01]);
        assert_eq!(
            Header::parse([0x97, 0x26, 0x65, 0x01]).unwrap().address,
            msf(97, 26, 65)
        );
    }

    #[test]
    fn mode1_into_overwrites_every_field() {
        let mut a = [0xa5u8; SECTOR_BYTES];
        mode1_into(&mut a, msf(1, 2, 3), &[7; 2048]);
        assert_eq!(a, mode1(msf(1, 2, 3), &[7; 2048]));
    }

    #[test]
    fn mode2_form1_layout_and_verify() {
        let sh = Subheader {
            file_number: 1,
            channel_number: 2,
            submode: Submode::DATA.with(Submode::FORM2), // builder clears FORM2
            coding_information: 0,
        };
        let s = mode2_form1(msf(0, 2, 16), sh, &[0x5a; 2048]);
        assert_eq!(s[12..16], [0x00, 0x02, 0x16, 0x02]); // 00:02:16, mode 2
        assert_eq!(s[16..24], [0x01, 0x02, 0x08, 0x00, 0x01, 0x02, 0x08, 0x00]); // sub-header ×2
        assert_eq!(s[24..2072], [0x5a; 2048]);
        assert_eq!(verify(&s), Ok(SectorKind::Mode2Form1));
        // Relocation: the ECC does not depend on the header.
        let mut moved = s;
        moved[12..15].copy_from_slice(&[0x10, 0x20, 0x30]);
        assert_eq!(verify(&moved), Ok(SectorKind::Mode2Form1));
    }

    #[test]
    fn mode2_form2_layout_and_optional_edc() {
        let sh = Subheader {
            submode: Submode::AUDIO,
            ..Subheader::default()
        };
        let mut s = mode2_form2(msf(0, 2, 0), sh, &[0x11; 2324]);
        assert_eq!(s[16..24], [0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x24, 0x00]); // Form 2 | audio
        assert_eq!(verify(&s), Ok(SectorKind::Mode2Form2));
        s[2348..].fill(0); // EDC "not computed"
        assert_eq!(verify(&s), Ok(SectorKind::Mode2Form2));
        s[100] ^= 1;
        assert_eq!(verify(&s), Ok(SectorKind::Mode2Form2));
        s[2348] = 1;
        assert!(matches!(verify(&s), Err(SectorError::EdcMismatch { .. })));
    }

    #[test]
    fn mode2_formless_when_subheader_copies_differ() {
        let mut data = [0u8; 2336];
        data[0] = 1; // copies differ
        let s = mode2_formless(msf(0, 2, 0), &data);
        assert_eq!(s[15], 0x02);
        assert_eq!(verify(&s), Ok(SectorKind::Mode2Formless));
        assert_eq!(user_data(&s).unwrap().1, &data[..]);
    }

    #[test]
    fn mode0_verifies_and_rejects_nonzero() {
        let mut s = mode0(msf(0, 2, 0));
        assert_eq!(s[15], 0x00);
        assert_eq!(verify(&s), Ok(SectorKind::Mode0));
        s[2000] = 1;
        assert_eq!(verify(&s), Err(SectorError::Mode0NotZero));
    }

    #[test]
    fn verify_reports_each_failure() {
        let good = mode1(msf(0, 2, 0), &[0x42; 2048]);
        let mut s = good;
        s[0] = 1;
        assert_eq!(verify(&s), Err(SectorError::NoSync));
        let mut s = good;
        s[13] = 0x60; // second 60
        assert_eq!(verify(&s), Err(SectorError::BadAddress([0x00, 0x60, 0x00])));
        let mut s = good;
        s[15] = 3;
        assert_eq!(verify(&s), Err(SectorError::UnknownMode(3)));
        let mut s = good;
        s[2070] = 1;
        assert_eq!(verify(&s), Err(SectorError::IntermediateNotZero));
        let mut s = good;
        s[500] ^= 0x80;
        assert!(matches!(verify(&s), Err(SectorError::EdcMismatch { .. })));
        let mut s = good;
        s[2100] ^= 0x80; // P parity byte: EDC still fine
        assert!(matches!(verify(&s), Err(SectorError::Ecc(_))));
    }

    #[test]
    fn audio_is_identity_and_has_no_sync() {
        let samples = [0x5au8; SECTOR_BYTES];
        assert_eq!(audio(&samples), samples);
        assert_eq!(verify(&samples), Err(SectorError::NoSync));
    }

    #[test]
    fn sector_type_values_match_imapi() {
        // imapi2.md §3.11.
        for (raw, t, bytes) in [
            (0x00, SectorType::Audio, 2352),
            (0x01, SectorType::ModeZero, 2336),
            (0x02, SectorType::Mode1, 2048),
            (0x03, SectorType::Mode2Form0, 2336),
            (0x04, SectorType::Mode2Form1, 2048),
            (0x05, SectorType::Mode2Form2, 2336),
            (0x06, SectorType::Mode1Raw, 2352),
            (0x07, SectorType::Mode2Form0Raw, 2352),
            (0x08, SectorType::Mode2Form1Raw, 2352),
            (0x09, SectorType::Mode2Form2Raw, 2352),
        ] {
            assert_eq!(SectorType::from_raw(raw), t);
            assert_eq!(t.to_raw(), raw);
            assert_eq!(t.stream_sector_bytes(), Some(bytes));
        }
        assert_eq!(SectorType::from_raw(0x10), SectorType::Unknown(0x10));
        assert_eq!(SectorType::Unknown(0x10).to_raw(), 0x10);
        assert!(SectorType::Mode2Form1Raw.is_raw());
        assert!(!SectorType::Audio.is_raw());
        assert_eq!(SectorType::Audio.kind(), None);
    }
}
