//! CD-only commands: `BEh READ CD` with its expected sector type, main-channel selection and
//! sub-channel selection, and the byte layout of the fields a READ CD block carries.
//!
//! Invariants: as in [`crate::commands`] — `from_cdb` checks opcode and exact length, then
//! rejects reserved values of the fields the command interprets with
//! [`CdbError::InvalidField`]; `cdb()` masks fields to their width and never panics.
//! [`MainChannelSelection::ranges`] is total: every range lies inside a 2352-byte sector.
//!
//! Spec: reference `mmc.md` §1.23 (READ CD), §4.2 (sector layouts), §4.8 (sub-channel forms).

use std::ops::Range;

use discmaster_core::Lba;

use crate::cdb::{Cdb, CdbError, Command, DataDirection};
use crate::enums::enum_with_unknown;
use crate::wire::{be32, check_cdb, put32};

enum_with_unknown! {
    /// READ CD expected sector type (CDB byte 1 bits 4–2): the kind of sector the host
    /// expects; a block of another kind ends the command with 5/64/00.
    ///
    /// Spec: reference `mmc.md` §1.23.
    pub enum ExpectedSectorType(u8) {
        /// 000b: any type.
        Any = 0,
        /// 001b: CD-DA (audio).
        CdDa = 1,
        /// 010b: Mode 1.
        Mode1 = 2,
        /// 011b: Mode 2 formless.
        Mode2Formless = 3,
        /// 100b: Mode 2 Form 1.
        Mode2Form1 = 4,
        /// 101b: Mode 2 Form 2.
        Mode2Form2 = 5,
    }
}

enum_with_unknown! {
    /// READ CD sub-channel selection (CDB byte 10 bits 2–0): which sub-channel bytes follow
    /// the main-channel bytes of each block.
    ///
    /// Spec: reference `mmc.md` §1.23, §4.8.
    pub enum SubchannelSelection(u8) {
        /// 000b: no sub-channel data.
        None = 0,
        /// 001b: raw interleaved P–W, 96 bytes (`mmc.md` §4.8.1).
        RawPw = 1,
        /// 010b: formatted Q, 16 bytes (the PQ form of `mmc.md` §4.8.4).
        FormattedQ = 2,
        /// 100b: corrected and de-interleaved ("packed") R–W, 96 bytes (`mmc.md` §4.8.3).
        PackedRw = 4,
    }
}

impl SubchannelSelection {
    /// Sub-channel bytes per block (0, 16 or 96), `None` for a reserved value.
    ///
    /// Units: bytes.
    pub fn bytes(self) -> Option<usize> {
        match self {
            SubchannelSelection::None => Some(0),
            SubchannelSelection::RawPw | SubchannelSelection::PackedRw => Some(96),
            SubchannelSelection::FormattedQ => Some(16),
            SubchannelSelection::Unknown(_) => None,
        }
    }
}

/// The structure of a 2352-byte sector as READ CD sees it, deciding which bytes each
/// main-channel field covers.
///
/// Spec: reference `mmc.md` §4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectorLayout {
    /// CD-DA: 2352 bytes of samples, no sync/header/EDC/ECC.
    Audio,
    /// Mode 0: sync, header, 2336 zero bytes.
    Mode0,
    /// Mode 1: sync, header, 2048 user bytes, EDC, zero bytes, P/Q parity.
    Mode1,
    /// Mode 2 formless: sync, header, 2336 user bytes.
    Mode2Formless,
    /// Mode 2 Form 1: sync, header, sub-header ×2, 2048 user bytes, EDC, P/Q parity.
    Mode2Form1,
    /// Mode 2 Form 2: sync, header, sub-header ×2, 2324 user bytes, EDC.
    Mode2Form2,
}

impl SectorLayout {
    /// Whether a block of this layout matches `expected` (Mode 0 matches only
    /// [`ExpectedSectorType::Any`]).
    pub fn matches(self, expected: ExpectedSectorType) -> bool {
        matches!(
            (expected, self),
            (ExpectedSectorType::Any, _)
                | (ExpectedSectorType::CdDa, SectorLayout::Audio)
                | (ExpectedSectorType::Mode1, SectorLayout::Mode1)
                | (
                    ExpectedSectorType::Mode2Formless,
                    SectorLayout::Mode2Formless
                )
                | (ExpectedSectorType::Mode2Form1, SectorLayout::Mode2Form1)
                | (ExpectedSectorType::Mode2Form2, SectorLayout::Mode2Form2)
        )
    }

    /// Byte range of the user data in the 2352-byte sector.
    fn user_data(self) -> Range<usize> {
        match self {
            SectorLayout::Audio => 0..2352,
            SectorLayout::Mode0 | SectorLayout::Mode2Formless => 16..2352,
            SectorLayout::Mode1 => 16..2064,
            SectorLayout::Mode2Form1 => 24..2072,
            SectorLayout::Mode2Form2 => 24..2348,
        }
    }

    /// Byte range of the EDC and ECC fields (Mode 1 includes the 8 zero bytes).
    fn edc_ecc(self) -> Range<usize> {
        match self {
            SectorLayout::Mode1 => 2064..2352,
            SectorLayout::Mode2Form1 => 2072..2352,
            SectorLayout::Mode2Form2 => 2348..2352,
            _ => 0..0,
        }
    }

    /// Byte range of the sub-header copies (XA forms only).
    fn subheader(self) -> Range<usize> {
        match self {
            SectorLayout::Mode2Form1 | SectorLayout::Mode2Form2 => 16..24,
            _ => 0..0,
        }
    }
}

/// READ CD main-channel selection, CDB byte 9.
///
/// Shape: b7 SYNC, b6–5 header codes (00 none, 01 header, 10 sub-header, 11 both), b4 user
/// data, b3 EDC & ECC, b2–1 C2 error information (00 none, 01 294 bytes of C2 bits, 10 296
/// bytes = C2 bits + block error byte + pad), b0 reserved. F8h = the whole 2352-byte sector,
/// 10h = user data only.
///
/// Spec: reference `mmc.md` §1.23.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MainChannelSelection(pub u8);

impl MainChannelSelection {
    /// F8h: sync, all headers, user data, EDC & ECC (2352 bytes).
    pub const FULL: MainChannelSelection = MainChannelSelection(0xF8);
    /// 10h: user data only.
    pub const USER_DATA: MainChannelSelection = MainChannelSelection(0x10);
    /// 00h: no main-channel bytes (sub-channel only).
    pub const NONE: MainChannelSelection = MainChannelSelection(0x00);

    /// SYNC (b7).
    pub fn sync(self) -> bool {
        self.0 & 0x80 != 0
    }

    /// Header codes (b6–5).
    pub fn header_codes(self) -> u8 {
        (self.0 >> 5) & 0x03
    }

    /// User data (b4).
    pub fn user_data(self) -> bool {
        self.0 & 0x10 != 0
    }

    /// EDC & ECC (b3).
    pub fn edc_ecc(self) -> bool {
        self.0 & 0x08 != 0
    }

    /// C2 error information code (b2–1).
    pub fn c2_code(self) -> u8 {
        (self.0 >> 1) & 0x03
    }

    /// Bytes of C2 error information appended after the selected sector fields (0, 294 or
    /// 296; the reserved code 11b counts as 0).
    ///
    /// Units: bytes.
    pub fn c2_bytes(self) -> usize {
        match self.c2_code() {
            1 => 294,
            2 => 296,
            _ => 0,
        }
    }

    /// The byte ranges of a 2352-byte sector of `layout` this selection returns, in sector
    /// order (sync, header, sub-header, user data, EDC & ECC). For CD-DA only the user-data
    /// bit matters: it yields the whole 2352 bytes.
    pub fn ranges(self, layout: SectorLayout) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        if layout == SectorLayout::Audio {
            if self.user_data() {
                out.push(0..2352);
            }
            return out;
        }
        if self.sync() {
            out.push(0..12);
        }
        if self.header_codes() & 0x01 != 0 {
            out.push(12..16);
        }
        if self.header_codes() & 0x02 != 0 {
            out.push(layout.subheader());
        }
        if self.user_data() {
            out.push(layout.user_data());
        }
        if self.edc_ecc() {
            out.push(layout.edc_ecc());
        }
        out.retain(|r| !r.is_empty());
        out
    }

    /// Main-channel bytes per block of `layout`, C2 information included.
    ///
    /// Units: bytes.
    pub fn bytes_per_block(self, layout: SectorLayout) -> usize {
        self.ranges(layout).iter().map(|r| r.len()).sum::<usize>() + self.c2_bytes()
    }
}

/// `BEh READ CD`: read CD blocks with a chosen part of the main channel and sub-channel.
///
/// Shape: 12-byte CDB. B1 b4–2 expected sector type, b1 DAP; B2–5 starting LBA (signed); B6–8
/// transfer length in blocks (24 bits); B9 main-channel selection; B10 b2–0 sub-channel
/// selection; B11 CONTROL. Data in: per block the selected main-channel fields, then the
/// sub-channel bytes.
///
/// Units: `transfer_length` in blocks; bytes per block depend on each block's sector type, so
/// [`Command::transfer_len`] is `None`.
///
/// `from_cdb` rejects expected sector types 110b/111b (byte 1) and reserved sub-channel
/// selections (byte 10).
///
/// Spec: MMC-6 §6.19 (reference `mmc.md` §1.23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadCd {
    /// Expected sector type.
    pub expected_sector_type: ExpectedSectorType,
    /// DAP: digital audio play (error concealment).
    #[doc(alias = "DAP")]
    pub dap: bool,
    /// First block.
    pub lba: Lba,
    /// Number of blocks (24 bits; larger values are masked).
    pub transfer_length: u32,
    /// Main-channel selection (byte 9).
    pub main_channel: MainChannelSelection,
    /// Sub-channel selection (byte 10).
    pub subchannel: SubchannelSelection,
}

impl Command for ReadCd {
    const OPCODE: u8 = 0xBE;
    const NAME: &'static str = "READ CD";
    const CDB_LEN: usize = 12;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = ((u8::from(self.expected_sector_type) & 0x07) << 2) | (u8::from(self.dap) << 1);
        put32(b, 2, self.lba.0 as u32);
        let [_, l0, l1, l2] = (self.transfer_length & 0x00FF_FFFF).to_be_bytes();
        b[6] = l0;
        b[7] = l1;
        b[8] = l2;
        b[9] = self.main_channel.0;
        b[10] = u8::from(self.subchannel) & 0x07;
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        let expected_sector_type = ExpectedSectorType::from((cdb[1] >> 2) & 0x07);
        if let ExpectedSectorType::Unknown(_) = expected_sector_type {
            return Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(4),
            });
        }
        let subchannel = SubchannelSelection::from(cdb[10] & 0x07);
        if let SubchannelSelection::Unknown(_) = subchannel {
            return Err(CdbError::InvalidField {
                byte: 10,
                bit: Some(2),
            });
        }
        Ok(ReadCd {
            expected_sector_type,
            dap: cdb[1] & 0x02 != 0,
            lba: Lba(be32(cdb, 2) as i32),
            transfer_length: u32::from_be_bytes([0, cdb[6], cdb[7], cdb[8]]),
            main_channel: MainChannelSelection(cdb[9]),
            subchannel,
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_cd_both_directions() {
        let c = ReadCd {
            expected_sector_type: ExpectedSectorType::Mode1,
            dap: true,
            lba: Lba(-150),
            transfer_length: 0x01_0203,
            main_channel: MainChannelSelection::FULL,
            subchannel: SubchannelSelection::RawPw,
        };
        let bytes = [
            0xBE, // opcode
            0x0A, // B1: expected sector type 010b (b4-2 = 08h), DAP (02h)
            0xFF, 0xFF, 0xFF, 0x6A, // B2-5: LBA -150
            0x01, 0x02, 0x03, // B6-8: transfer length 010203h
            0xF8, // B9: SYNC, both headers, user data, EDC & ECC
            0x01, // B10: sub-channel 001b raw P-W
            0x00, // B11: control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReadCd::from_cdb(&bytes), Ok(c));
        assert_eq!(c.transfer_len(), None);
    }

    #[test]
    fn read_cd_formatted_q_and_packed_parse() {
        let bytes = [
            0xBE, // opcode
            0x04, // B1: expected sector type 001b CD-DA, no DAP
            0x00, 0x00, 0x00, 0x10, // B2-5: LBA 16
            0x00, 0x00, 0x01, // B6-8: 1 block
            0x10, // B9: user data only
            0x02, // B10: formatted Q
            0x00, // B11
        ];
        let c = ReadCd::from_cdb(&bytes).unwrap();
        assert_eq!(c.expected_sector_type, ExpectedSectorType::CdDa);
        assert!(!c.dap);
        assert_eq!(c.lba, Lba(16));
        assert_eq!(c.transfer_length, 1);
        assert_eq!(c.main_channel, MainChannelSelection::USER_DATA);
        assert_eq!(c.subchannel, SubchannelSelection::FormattedQ);
        let mut packed = bytes;
        packed[10] = 0x04; // B10: packed R-W
        assert_eq!(
            ReadCd::from_cdb(&packed).unwrap().subchannel,
            SubchannelSelection::PackedRw
        );
    }

    #[test]
    fn read_cd_reserved_values_are_invalid_fields() {
        let mut bytes = [0xBE, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0, 0];
        bytes[1] = 0x18; // expected sector type 110b
        assert_eq!(
            ReadCd::from_cdb(&bytes),
            Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(4)
            })
        );
        bytes[1] = 0;
        for reserved in [3u8, 5, 6, 7] {
            bytes[10] = reserved;
            assert_eq!(
                ReadCd::from_cdb(&bytes),
                Err(CdbError::InvalidField {
                    byte: 10,
                    bit: Some(2)
                }),
                "sub-channel {reserved}"
            );
        }
    }

    #[test]
    fn read_cd_transfer_length_is_masked_to_24_bits() {
        let c = ReadCd {
            expected_sector_type: ExpectedSectorType::Any,
            dap: false,
            lba: Lba(0),
            transfer_length: 0xFF00_0001,
            main_channel: MainChannelSelection::NONE,
            subchannel: SubchannelSelection::None,
        };
        assert_eq!(&c.cdb().as_bytes()[6..9], &[0x00, 0x00, 0x01]);
    }

    #[test]
    fn main_channel_full_mode1_is_the_whole_sector() {
        let s = MainChannelSelection::FULL;
        assert_eq!(
            s.ranges(SectorLayout::Mode1),
            vec![0..12, 12..16, 16..2064, 2064..2352]
        );
        assert_eq!(s.bytes_per_block(SectorLayout::Mode1), 2352);
        assert_eq!(s.bytes_per_block(SectorLayout::Mode2Form1), 2352);
        assert_eq!(s.bytes_per_block(SectorLayout::Mode2Form2), 2352);
        assert_eq!(s.bytes_per_block(SectorLayout::Mode2Formless), 2352);
        assert_eq!(s.bytes_per_block(SectorLayout::Audio), 2352);
    }

    #[test]
    fn main_channel_fields_per_layout() {
        // 10h: user data only.
        let user = MainChannelSelection::USER_DATA;
        assert_eq!(user.ranges(SectorLayout::Mode1), vec![16..2064]);
        assert_eq!(user.ranges(SectorLayout::Mode2Form1), vec![24..2072]);
        assert_eq!(user.ranges(SectorLayout::Mode2Form2), vec![24..2348]);
        assert_eq!(user.ranges(SectorLayout::Mode2Formless), vec![16..2352]);
        // 20h: header only (header codes 01b).
        let header = MainChannelSelection(0x20);
        assert_eq!(header.ranges(SectorLayout::Mode1), vec![12..16]);
        // 40h: sub-header only (10b): nothing for Mode 1, 8 bytes for XA.
        let sub = MainChannelSelection(0x40);
        assert!(sub.ranges(SectorLayout::Mode1).is_empty());
        assert_eq!(sub.ranges(SectorLayout::Mode2Form1), vec![16..24]);
        // 08h: EDC & ECC only.
        let edc = MainChannelSelection(0x08);
        assert_eq!(edc.bytes_per_block(SectorLayout::Mode1), 288);
        assert_eq!(edc.bytes_per_block(SectorLayout::Mode2Form1), 280);
        assert_eq!(edc.bytes_per_block(SectorLayout::Mode2Form2), 4);
        // Audio: only the user-data bit counts.
        assert!(MainChannelSelection(0xE8)
            .ranges(SectorLayout::Audio)
            .is_empty());
        // C2: 02h → 294 bytes, 04h → 296 bytes.
        assert_eq!(
            MainChannelSelection(0x12).bytes_per_block(SectorLayout::Audio),
            2352 + 294
        );
        assert_eq!(MainChannelSelection(0x14).c2_bytes(), 296);
        assert_eq!(MainChannelSelection(0x16).c2_bytes(), 0);
    }

    #[test]
    fn sector_layout_matches_expected_types() {
        assert!(SectorLayout::Audio.matches(ExpectedSectorType::CdDa));
        assert!(!SectorLayout::Audio.matches(ExpectedSectorType::Mode1));
        assert!(SectorLayout::Mode1.matches(ExpectedSectorType::Any));
        assert!(!SectorLayout::Mode0.matches(ExpectedSectorType::Mode1));
        assert!(SectorLayout::Mode2Form2.matches(ExpectedSectorType::Mode2Form2));
        assert_eq!(SubchannelSelection::FormattedQ.bytes(), Some(16));
        assert_eq!(SubchannelSelection::PackedRw.bytes(), Some(96));
        assert_eq!(SubchannelSelection::Unknown(3).bytes(), None);
    }
}
