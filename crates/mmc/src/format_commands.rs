//! Formatting and erasing: `04h FORMAT UNIT` with its parameter list, `A1h BLANK`, the
//! format types READ FORMAT CAPACITIES lists, and the DVD layer boundary structure (READ DISC
//! STRUCTURE format 20h) a dual-layer DVD±R writer reads before recording.
//!
//! Commands follow [`crate::commands`]: one type per command implementing [`Command`] both
//! ways; `from_cdb` checks opcode and exact length, then rejects reserved values of the fields
//! the command interprets. Parameter data are typed values with `emit` (typed → bytes) and
//! `parse` (bytes → typed); `parse` checks lengths first and never panics.
//!
//! Spec: reference `mmc.md` §1.13 (format 20h), §1.14, §1.15, §1.16, §5.4, §5.5.

use crate::cdb::{Cdb, CdbError, Command, DataDirection, ParseError};
use crate::decode_views::CapacityDescriptor;
use crate::enums::enum_with_unknown;
use crate::wire::{be16, be32, check_cdb, put16, put32};

enum_with_unknown! {
    /// Format Type: FORMAT UNIT descriptor byte 4 bits 7–2, and the same field of the
    /// formattable capacity descriptors of READ FORMAT CAPACITIES.
    ///
    /// Shape: 6 bits.
    ///
    /// Spec: MMC-6 §6.5 (reference `mmc.md` §1.15).
    pub enum FormatType(u8) {
        /// 00h: full format (DVD-RAM, DVD-RW → restricted overwrite, BD-RE and BD-R with the
        /// default spare areas).
        FullFormat = 0x00,
        /// 01h: spare area expansion (DVD-RAM).
        SpareAreaExpansion = 0x01,
        /// 10h: CD-RW / DVD-RW full format.
        CdRwDvdRwFullFormat = 0x10,
        /// 11h: CD-RW / DVD-RW grow session.
        GrowSession = 0x11,
        /// 12h: DVD-RW add session.
        AddSession = 0x12,
        /// 13h: DVD-RW quick grow of the last session.
        QuickGrowLastSession = 0x13,
        /// 14h: DVD-RW quick add session.
        QuickAddSession = 0x14,
        /// 15h: DVD-RW quick format (intermediate state).
        QuickFormat = 0x15,
        /// 24h: MRW format.
        MrwFormat = 0x24,
        /// 26h: DVD+RW basic format (background format, "de-icing").
        DvdPlusRwBasicFormat = 0x26,
        /// 30h: BD-RE full format with spare areas.
        BdReFormatWithSpare = 0x30,
        /// 31h: BD-RE format without spare areas.
        BdReFormatWithoutSpare = 0x31,
        /// 32h: BD-R format with spare areas (SRM).
        BdRFormatWithSpare = 0x32,
    }
}

enum_with_unknown! {
    /// Blanking Type, BLANK byte 1 bits 2–0.
    ///
    /// Shape: 3 bits; 111b is reserved.
    ///
    /// Spec: MMC-6 §6.2 (reference `mmc.md` §1.16).
    pub enum BlankingType(u8) {
        /// 000b: blank the whole disc.
        Full = 0,
        /// 001b: minimal blank (PMA, lead-in TOC, first pregap).
        Minimal = 1,
        /// 010b: blank the track given in bytes 2–5.
        Track = 2,
        /// 011b: unreserve a track.
        UnreserveTrack = 3,
        /// 100b: blank the tail of a track from the address in bytes 2–5.
        TrackTail = 4,
        /// 101b: unclose the last session.
        UncloseLastSession = 5,
        /// 110b: blank (erase) the last session.
        LastSession = 6,
    }
}

/// FORMAT UNIT format code (CDB byte 1 bits 2–0): MMC allows only 001b.
pub const FORMAT_CODE_MMC: u8 = 0b001;

/// `04h FORMAT UNIT`: format the medium as the parameter list describes.
///
/// Shape: B1.4 FmtData (a parameter list follows), B1.3 CmpList, B1.2-0 format code (001b);
/// hosts send `04 11 00 00 00 00`. Data out: a [`FormatParameterList`] whose length follows
/// from its header, so [`Command::transfer_len`] is `None`.
///
/// `from_cdb` rejects a format code other than 001b (byte 1 bit 2).
///
/// Spec: MMC-6 §6.5 (reference `mmc.md` §1.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormatUnit {
    /// FmtData: a parameter list is transferred.
    #[doc(alias = "FmtData")]
    pub fmt_data: bool,
    /// CmpList: replace the defect list (libburn sets it with DCRT for a quick DVD-RAM
    /// re-format).
    #[doc(alias = "CmpList")]
    pub cmp_list: bool,
}

impl Command for FormatUnit {
    const OPCODE: u8 = 0x04;
    const NAME: &'static str = "FORMAT UNIT";
    const CDB_LEN: usize = 6;
    const DIRECTION: DataDirection = DataDirection::Out;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        c.as_mut_bytes()[1] =
            (u8::from(self.fmt_data) << 4) | (u8::from(self.cmp_list) << 3) | FORMAT_CODE_MMC;
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        if cdb[1] & 0x07 != FORMAT_CODE_MMC {
            return Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(2),
            });
        }
        Ok(FormatUnit {
            fmt_data: cdb[1] & 0x10 != 0,
            cmp_list: cdb[1] & 0x08 != 0,
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        None
    }
}

/// The format descriptor of a FORMAT UNIT parameter list.
///
/// Shape (8 bytes): B0-3 number of blocks; B4 b7-2 format type, b1-0 format sub-type; B5-7
/// type-dependent parameter (block length 000800h for types 00h/01h/31h, 000010h for the
/// DVD-RW types 10h–15h, the Restart bit B7 b0 for type 26h).
///
/// Units: blocks (2048 bytes).
///
/// Spec: MMC-6 §6.5.3 (reference `mmc.md` §1.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormatDescriptor {
    /// Number of blocks (DVD+RW 26h: FFFFFFFFh = the whole medium).
    pub blocks: u32,
    /// Format type.
    pub format_type: FormatType,
    /// Format sub-type (2 bits; BD: 00 quick reformat / SRM+POW, 01 no certification /
    /// SRM−POW, 10 full certification / RRM, 11 quick certification).
    pub sub_type: u8,
    /// Type-dependent parameter (24 bits).
    pub parameter: u32,
}

impl FormatDescriptor {
    /// Descriptor length, bytes.
    pub const LEN: usize = 8;

    /// The Restart bit of a DVD+RW basic format (type 26h): resume a stopped background
    /// format (parameter bit 0).
    pub fn restart(&self) -> bool {
        self.parameter & 0x01 != 0
    }

    /// The 8 bytes.
    pub fn emit(&self) -> [u8; 8] {
        let mut out = [0u8; 8];
        put32(&mut out, 0, self.blocks);
        out[4] = (u8::from(self.format_type) << 2) | (self.sub_type & 0x03);
        out[5..8].copy_from_slice(&self.parameter.to_be_bytes()[1..]);
        out
    }

    /// Parses one descriptor.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 8 bytes.
    pub fn parse(b: &[u8]) -> Result<FormatDescriptor, ParseError> {
        if b.len() < Self::LEN {
            return Err(ParseError::Truncated {
                what: "format descriptor",
                need: Self::LEN,
                got: b.len(),
            });
        }
        Ok(FormatDescriptor {
            blocks: be32(b, 0),
            format_type: FormatType::from(b[4] >> 2),
            sub_type: b[4] & 0x03,
            parameter: u32::from_be_bytes([0, b[5], b[6], b[7]]),
        })
    }
}

/// The FORMAT UNIT parameter list: a 4-byte header and one format descriptor.
///
/// Shape (12 bytes): B0 reserved; B1 b7 FOV, b6 DPRY, b5 DCRT, b4 STPF, b3 IP, b2 Try-out, b1
/// Immed, b0 VS; B2-3 format descriptor length (8); B4-11 the [`FormatDescriptor`].
///
/// Spec: MMC-6 §6.5.2 (reference `mmc.md` §1.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormatParameterList {
    /// FOV: format options valid (the other header bits are meaningful).
    #[doc(alias = "FOV")]
    pub fov: bool,
    /// DPRY: disable primary (defect list).
    #[doc(alias = "DPRY")]
    pub dpry: bool,
    /// DCRT: disable certification.
    #[doc(alias = "DCRT")]
    pub dcrt: bool,
    /// STPF: stop format on a defect list error.
    #[doc(alias = "STPF")]
    pub stpf: bool,
    /// IP: an initialization pattern follows.
    #[doc(alias = "IP")]
    pub ip: bool,
    /// Try-out: check the parameters only, format nothing.
    pub try_out: bool,
    /// Immed: return GOOD at once; completion is polled with TEST UNIT READY.
    pub immed: bool,
    /// VS: vendor specific.
    #[doc(alias = "VS")]
    pub vs: bool,
    /// The format descriptor.
    pub descriptor: FormatDescriptor,
}

impl FormatParameterList {
    /// Parameter list length with one descriptor, bytes.
    pub const LEN: usize = 12;

    /// The 12 bytes.
    pub fn emit(&self) -> [u8; 12] {
        let mut out = [0u8; 12];
        out[1] = [
            self.fov,
            self.dpry,
            self.dcrt,
            self.stpf,
            self.ip,
            self.try_out,
            self.immed,
            self.vs,
        ]
        .iter()
        .fold(0u8, |b, &on| (b << 1) | u8::from(on));
        put16(&mut out, 2, FormatDescriptor::LEN as u16);
        out[4..].copy_from_slice(&self.descriptor.emit());
        out
    }

    /// Parses the header and its descriptor.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 12 bytes; [`ParseError::InvalidField`] (byte 2) when
    /// the format descriptor length is not 8.
    pub fn parse(b: &[u8]) -> Result<FormatParameterList, ParseError> {
        if b.len() < Self::LEN {
            return Err(ParseError::Truncated {
                what: "FORMAT UNIT parameter list",
                need: Self::LEN,
                got: b.len(),
            });
        }
        let length = be16(b, 2);
        if usize::from(length) != FormatDescriptor::LEN {
            return Err(ParseError::InvalidField {
                what: "FORMAT UNIT parameter list",
                byte: 2,
                value: u32::from(length),
            });
        }
        let f = |n: u32| b[1] & (1 << n) != 0;
        Ok(FormatParameterList {
            fov: f(7),
            dpry: f(6),
            dcrt: f(5),
            stpf: f(4),
            ip: f(3),
            try_out: f(2),
            immed: f(1),
            vs: f(0),
            descriptor: FormatDescriptor::parse(&b[4..])?,
        })
    }
}

/// A formattable capacity descriptor of READ FORMAT CAPACITIES: `blocks` of `format_type`
/// with its type-dependent `parameter` (B4 bits 1–0 reserved, 0).
///
/// Shape: see [`crate::host_commands::emit_format_capacities`].
///
/// Spec: MMC-6 §6.24 (reference `mmc.md` §1.14).
pub fn formattable_capacity(
    blocks: u32,
    format_type: FormatType,
    parameter: u32,
) -> CapacityDescriptor {
    CapacityDescriptor {
        blocks,
        type_byte: u8::from(format_type) << 2,
        parameter: parameter & 0x00FF_FFFF,
    }
}

/// `A1h BLANK`: erase a CD-RW or DVD-RW (whole disc, minimally, or parts).
///
/// Shape: B1.4 Immed, B1.2-0 blanking type; B2-5 start address / logical track number
/// (ignored for types 000b and 001b). No data.
///
/// `from_cdb` rejects the reserved blanking type 111b (byte 1 bit 2).
///
/// Spec: MMC-6 §6.2 (reference `mmc.md` §1.16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Blank {
    /// Immed: return GOOD at once; completion is polled with TEST UNIT READY.
    pub immed: bool,
    /// What to blank.
    pub blanking_type: BlankingType,
    /// Start address or track number (types 010b, 011b, 100b).
    pub start_address: u32,
}

impl Command for Blank {
    const OPCODE: u8 = 0xA1;
    const NAME: &'static str = "BLANK";
    const CDB_LEN: usize = 12;
    const DIRECTION: DataDirection = DataDirection::None;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = (u8::from(self.immed) << 4) | (u8::from(self.blanking_type) & 0x07);
        put32(b, 2, self.start_address);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        let blanking_type = BlankingType::from(cdb[1] & 0x07);
        if let BlankingType::Unknown(_) = blanking_type {
            return Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(2),
            });
        }
        Ok(Blank {
            immed: cdb[1] & 0x10 != 0,
            blanking_type,
            start_address: be32(cdb, 2),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(0)
    }
}

/// READ DISC STRUCTURE format 20h: the layer boundary of a dual-layer DVD±R.
pub const DISC_STRUCTURE_LAYER_BOUNDARY: u8 = 0x20;

/// Layer boundary information, READ DISC STRUCTURE format 20h (data after the 4-byte
/// header).
///
/// Shape (8 bytes): D0 b7 init status (the layer 0 capacity is already fixed and can no longer
/// be changed); D1-3 reserved; D4-7 layer 0 data zone capacity. growisofs reads it with
/// allocation 12 (header + these 8 bytes).
///
/// Units: blocks.
///
/// Spec: MMC-6 §6.22 (reference `mmc.md` §1.13, §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LayerBoundaryInformation {
    /// Init status: the layer 0 capacity is fixed.
    pub initialized: bool,
    /// Layer 0 data zone capacity.
    pub l0_data_zone_capacity: u32,
}

impl LayerBoundaryInformation {
    /// Data length, bytes.
    pub const LEN: usize = 8;

    /// The 8 data bytes (wrap with [`crate::host_commands::emit_disc_structure`]).
    pub fn emit(&self) -> [u8; 8] {
        let mut out = [0u8; 8];
        out[0] = u8::from(self.initialized) << 7;
        put32(&mut out, 4, self.l0_data_zone_capacity);
        out
    }

    /// Parses the data (after the 4-byte structure header).
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 8 bytes.
    pub fn parse(b: &[u8]) -> Result<LayerBoundaryInformation, ParseError> {
        if b.len() < Self::LEN {
            return Err(ParseError::Truncated {
                what: "layer boundary information",
                need: Self::LEN,
                got: b.len(),
            });
        }
        Ok(LayerBoundaryInformation {
            initialized: b[0] & 0x80 != 0,
            l0_data_zone_capacity: be32(b, 4),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_unit_cdb_both_directions() {
        let c = FormatUnit {
            fmt_data: true,
            cmp_list: false,
        };
        let bytes = [
            0x04, // opcode
            0x11, // B1: FmtData (10h), CmpList 0, format code 001b
            0x00, 0x00, 0x00, // B2-4 obsolete / interleave
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(FormatUnit::from_cdb(&bytes), Ok(c));
        assert_eq!(c.transfer_len(), None);
        let with_cmp = [0x04, 0x19, 0, 0, 0, 0]; // FmtData + CmpList (08h) + 001b
        assert_eq!(
            FormatUnit::from_cdb(&with_cmp),
            Ok(FormatUnit {
                fmt_data: true,
                cmp_list: true
            })
        );
    }

    #[test]
    fn format_unit_rejects_other_format_codes() {
        for code in [0u8, 2, 7] {
            assert_eq!(
                FormatUnit::from_cdb(&[0x04, 0x10 | code, 0, 0, 0, 0]),
                Err(CdbError::InvalidField {
                    byte: 1,
                    bit: Some(2)
                })
            );
        }
    }

    #[test]
    fn format_parameter_list_dvd_plus_rw_both_directions() {
        // growisofs / libburn DVD+RW basic format: Immed, blocks FFFFFFFFh, type 26h.
        let bytes = [
            0x00, // B0 reserved
            0x02, // B1: Immed (b1)
            0x00, 0x08, // B2-3 descriptor length 8
            0xFF, 0xFF, 0xFF, 0xFF, // B4-7 blocks FFFFFFFFh
            0x98, // B8: format type 26h << 2 = 98h, sub-type 0
            0x00, 0x00, 0x01, // B9-11: Restart bit (B11 b0)
        ];
        let list = FormatParameterList {
            fov: false,
            dpry: false,
            dcrt: false,
            stpf: false,
            ip: false,
            try_out: false,
            immed: true,
            vs: false,
            descriptor: FormatDescriptor {
                blocks: 0xFFFF_FFFF,
                format_type: FormatType::DvdPlusRwBasicFormat,
                sub_type: 0,
                parameter: 1,
            },
        };
        assert_eq!(list.emit(), bytes);
        assert_eq!(FormatParameterList::parse(&bytes), Ok(list));
        assert!(list.descriptor.restart());
    }

    #[test]
    fn format_parameter_list_bd_re_header_bits_both_directions() {
        let bytes = [
            0x00, // B0 reserved
            0xA7, // B1: FOV (80h) DCRT (20h) Try-out (04h) Immed (02h) VS (01h)
            0x00, 0x08, // B2-3 descriptor length 8
            0x00, 0xB4, 0x74, 0x00, // B4-7 blocks 11 826 176
            0xC3, // B8: type 30h << 2 = C0h | sub-type 11b (quick certification)
            0x00, 0x30, 0x00, // B9-11 parameter 3000h
        ];
        let list = FormatParameterList::parse(&bytes).unwrap();
        assert!(list.fov && list.dcrt && list.try_out && list.immed && list.vs);
        assert!(!list.dpry && !list.stpf && !list.ip);
        assert_eq!(list.descriptor.blocks, 11_826_176);
        assert_eq!(list.descriptor.format_type, FormatType::BdReFormatWithSpare);
        assert_eq!(list.descriptor.sub_type, 3);
        assert_eq!(list.descriptor.parameter, 0x3000);
        let mut buf = [0xa5u8; 12];
        buf.copy_from_slice(&list.emit());
        assert_eq!(buf, bytes);
    }

    #[test]
    fn format_parameter_list_rejects_short_and_bad_length() {
        assert!(matches!(
            FormatParameterList::parse(&[0, 2, 0, 8, 0, 0, 0, 0, 0, 0, 0]),
            Err(ParseError::Truncated { need: 12, .. })
        ));
        assert!(matches!(
            FormatParameterList::parse(&[0, 2, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(ParseError::InvalidField { byte: 2, .. })
        ));
    }

    #[test]
    fn formattable_capacity_places_the_type_in_bits_7_to_2() {
        let d = formattable_capacity(12_219_392, FormatType::BdReFormatWithoutSpare, 0x800);
        assert_eq!(d.type_byte, 0xC4, "31h << 2");
        assert_eq!(d.format_type(), 0x31);
        assert_eq!(d.parameter, 0x0800);
    }

    #[test]
    fn blank_cdb_both_directions() {
        let c = Blank {
            immed: true,
            blanking_type: BlankingType::Minimal,
            start_address: 0,
        };
        let bytes = [
            0xA1, // opcode
            0x11, // B1: Immed (10h), blanking type 001b minimal
            0x00, 0x00, 0x00, 0x00, // B2-5 start address
            0x00, 0x00, 0x00, 0x00, 0x00, // B6-10 reserved
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(Blank::from_cdb(&bytes), Ok(c));
        let track = [0xA1, 0x02, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0]; // blank track 5, no Immed
        assert_eq!(
            Blank::from_cdb(&track),
            Ok(Blank {
                immed: false,
                blanking_type: BlankingType::Track,
                start_address: 5
            })
        );
    }

    #[test]
    fn blank_rejects_reserved_type() {
        assert_eq!(
            Blank::from_cdb(&[0xA1, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(2)
            })
        );
    }

    #[test]
    fn layer_boundary_both_directions() {
        let bytes = [
            0x80, // D0: init status
            0x00, 0x00, 0x00, // D1-3 reserved
            0x00, 0x1F, 0xD8, 0x00, // D4-7 L0 capacity 2 086 912
        ];
        let l = LayerBoundaryInformation {
            initialized: true,
            l0_data_zone_capacity: 2_086_912,
        };
        assert_eq!(l.emit(), bytes);
        assert_eq!(LayerBoundaryInformation::parse(&bytes), Ok(l));
        assert!(LayerBoundaryInformation::parse(&bytes[..7]).is_err());
    }

    #[test]
    fn format_type_unknown_round_trips() {
        assert_eq!(FormatType::from(0x3F), FormatType::Unknown(0x3F));
        assert_eq!(u8::from(FormatType::DvdPlusRwBasicFormat), 0x26);
    }
}
