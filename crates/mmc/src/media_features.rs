//! Features of rewritable, formattable and dual-layer media and of speed control, beyond those
//! of [`crate::features`]: 0020h Random Writable, 0023h Formattable, 0024h Hardware Defect
//! Management, 0026h Restricted Overwrite, 002Ah DVD+RW, 002Ch Rigid Restricted Overwrite,
//! 003Bh DVD+R Dual Layer, 0040h BD Read and 0107h Real Time Streaming.
//!
//! Same rules as [`crate::features`]: `emit` builds a whole descriptor (header and payload),
//! `parse` takes a [`FeatureDescriptor`] view, rejects another feature code and a payload
//! shorter than the fields it reads, and ignores extra payload bytes. Versions are from memory
//! of MMC-5/6 and marked **UNVERIFIED**; hosts read the bits only.
//!
//! Spec: MMC-6 §5.3 (reference `mmc.md` §1.6).

use crate::cdb::ParseError;
use crate::enums::FeatureCode;
use crate::features::FeatureDescriptor;
use crate::wire::{be16, be32, put16, put32};

impl FeatureCode {
    /// 002Ch Rigid Restricted Overwrite (DVD-RW restricted overwrite).
    pub const RIGID_RESTRICTED_OVERWRITE: FeatureCode = FeatureCode(0x002C);
    /// 003Bh DVD+R Dual Layer.
    pub const DVD_PLUS_R_DUAL_LAYER: FeatureCode = FeatureCode(0x003B);
}

/// Checks the code and the payload length of `d`.
fn expect(
    d: &FeatureDescriptor<&[u8]>,
    what: &'static str,
    code: FeatureCode,
    min_payload: usize,
) -> Result<(), ParseError> {
    if d.feature_code() != code {
        return Err(ParseError::InvalidField {
            what,
            byte: 0,
            value: u32::from(d.feature_code().0),
        });
    }
    let got = d.payload().len();
    if got < min_payload {
        return Err(ParseError::Truncated {
            what,
            need: 4 + min_payload,
            got: 4 + got,
        });
    }
    Ok(())
}

fn bit(byte: u8, n: u32) -> bool {
    byte & (1 << n) != 0
}

fn flag(on: bool, n: u32) -> u8 {
    u8::from(on) << n
}

/// Feature 0020h Random Writable (DVD+RW, DVD-RAM, BD-RE, formatted media).
///
/// Shape: 12 bytes of payload. B4-7 last logical block address; B8-11 logical block size
/// (2048); B12-13 blocking (DVD 16, BD 32); B14 b0 PP (page 01h present). Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 11
/// payload bytes.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RandomWritable {
    /// Last logical block address of the writable area.
    pub last_lba: u32,
    /// Logical block size in bytes.
    pub logical_block_size: u32,
    /// Blocking: blocks per ECC unit.
    pub blocking: u16,
    /// PP: page present (read/write error recovery page 01h).
    #[doc(alias = "PP")]
    pub pp: bool,
}

impl RandomWritable {
    /// Feature code 0020h.
    pub const CODE: FeatureCode = FeatureCode::RANDOM_WRITABLE;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 0;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Random Writable feature", Self::CODE, 11)?;
        let p = d.payload();
        Ok(RandomWritable {
            last_lba: be32(p, 0),
            logical_block_size: be32(p, 4),
            blocking: be16(p, 8),
            pp: bit(p[10], 0),
        })
    }

    /// The whole descriptor (12 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let mut p = [0u8; 12];
        put32(&mut p, 0, self.last_lba);
        put32(&mut p, 4, self.logical_block_size);
        put16(&mut p, 8, self.blocking);
        p[10] = flag(self.pp, 0);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &p)
    }
}

/// Feature 0023h Formattable: FORMAT UNIT is supported, with the BD choices.
///
/// Shape: 8 bytes of payload. B4 b3 RENoSA (BD-RE without spare areas), b2 Expand (spare
/// area expansion), b1 QCert (quick certification), b0 Cert (full certification); B5 b7 FRF
/// (fast re-format); B8 b0 RRM (BD-R random recording mode). Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code; a payload shorter than 8 bytes
/// (version 0 drives send none) reads as all flags clear.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6, §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Formattable {
    /// RENoSA: BD-RE can be formatted without spare areas (type 31h).
    #[doc(alias = "RENoSA")]
    pub re_no_spare_allocation: bool,
    /// Expand: spare area expansion (type 01h).
    pub expand: bool,
    /// QCert: quick certification (BD-RE sub-type 11b).
    #[doc(alias = "QCert")]
    pub quick_certification: bool,
    /// Cert: full certification (BD-RE sub-type 10b).
    #[doc(alias = "Cert")]
    pub certification: bool,
    /// FRF: fast re-format.
    #[doc(alias = "FRF")]
    pub fast_reformat: bool,
    /// RRM: BD-R random recording mode can be formatted.
    #[doc(alias = "RRM")]
    pub random_recording_mode: bool,
}

impl Formattable {
    /// Feature code 0023h.
    pub const CODE: FeatureCode = FeatureCode::FORMATTABLE;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 1;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Formattable feature", Self::CODE, 0)?;
        let p = d.payload();
        let at = |i: usize| p.get(i).copied().unwrap_or(0);
        Ok(Formattable {
            re_no_spare_allocation: bit(at(0), 3),
            expand: bit(at(0), 2),
            quick_certification: bit(at(0), 1),
            certification: bit(at(0), 0),
            fast_reformat: bit(at(1), 7),
            random_recording_mode: bit(at(4), 0),
        })
    }

    /// The whole descriptor (8 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let mut p = [0u8; 8];
        p[0] = flag(self.re_no_spare_allocation, 3)
            | flag(self.expand, 2)
            | flag(self.quick_certification, 1)
            | flag(self.certification, 0);
        p[1] = flag(self.fast_reformat, 7);
        p[4] = flag(self.random_recording_mode, 0);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &p)
    }
}

/// Feature 0024h Hardware Defect Management (DVD-RAM, BD-RE, BD-R with spare areas).
///
/// Shape: 4 bytes of payload. B4 b7 SSA (spare area information available, READ DISC
/// STRUCTURE BD 0Ah). Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code; no payload reads as SSA = 0.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct HardwareDefectManagement {
    /// SSA: spare area information available.
    #[doc(alias = "SSA")]
    pub ssa: bool,
}

impl HardwareDefectManagement {
    /// Feature code 0024h.
    pub const CODE: FeatureCode = FeatureCode::HARDWARE_DEFECT_MANAGEMENT;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 1;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Hardware Defect Management feature", Self::CODE, 0)?;
        Ok(HardwareDefectManagement {
            ssa: d.payload().first().is_some_and(|&b| bit(b, 7)),
        })
    }

    /// The whole descriptor (4 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        FeatureDescriptor::emit_raw(
            Self::CODE,
            Self::VERSION,
            false,
            current,
            &[flag(self.ssa, 7), 0, 0, 0],
        )
    }
}

/// Feature 0026h Restricted Overwrite (DVD-RW restricted overwrite): no payload.
///
/// Shape: the 4-byte header only. Not persistent.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RestrictedOverwrite;

impl RestrictedOverwrite {
    /// Feature code 0026h.
    pub const CODE: FeatureCode = FeatureCode::RESTRICTED_OVERWRITE;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 0;

    /// The whole descriptor (no payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &[])
    }
}

/// Feature 002Ah DVD+RW.
///
/// Shape: 4 bytes of payload. B4 b0 Write; B5 b1 Quick Start (formatting may be stopped and
/// the disc used at once), b0 Close Only (CLOSE 010b is the only way to stop a background
/// format). Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 2
/// payload bytes.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DvdPlusRw {
    /// Write: DVD+RW recording supported.
    pub write: bool,
    /// Quick Start.
    pub quick_start: bool,
    /// Close Only.
    pub close_only: bool,
}

impl DvdPlusRw {
    /// Feature code 002Ah.
    pub const CODE: FeatureCode = FeatureCode::DVD_PLUS_RW;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 0;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "DVD+RW feature", Self::CODE, 2)?;
        let p = d.payload();
        Ok(DvdPlusRw {
            write: bit(p[0], 0),
            quick_start: bit(p[1], 1),
            close_only: bit(p[1], 0),
        })
    }

    /// The whole descriptor (4 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let p = [
            flag(self.write, 0),
            flag(self.quick_start, 1) | flag(self.close_only, 0),
            0,
            0,
        ];
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &p)
    }
}

/// Feature 002Ch Rigid Restricted Overwrite (DVD-RW restricted overwrite).
///
/// Shape: 4 bytes of payload. B4 b3 DSDG (defect status data generated), b2 DSDR (defect
/// status data read), b1 Intermediate (quick format to the intermediate state supported), b0
/// Blank (BLANK supported). Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 1
/// payload byte.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RigidRestrictedOverwrite {
    /// DSDG.
    #[doc(alias = "DSDG")]
    pub dsdg: bool,
    /// DSDR.
    #[doc(alias = "DSDR")]
    pub dsdr: bool,
    /// Intermediate: FORMAT type 15h (quick) supported.
    pub intermediate: bool,
    /// Blank: BLANK supported.
    pub blank: bool,
}

impl RigidRestrictedOverwrite {
    /// Feature code 002Ch.
    pub const CODE: FeatureCode = FeatureCode::RIGID_RESTRICTED_OVERWRITE;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 0;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Rigid Restricted Overwrite feature", Self::CODE, 1)?;
        let b = d.payload()[0];
        Ok(RigidRestrictedOverwrite {
            dsdg: bit(b, 3),
            dsdr: bit(b, 2),
            intermediate: bit(b, 1),
            blank: bit(b, 0),
        })
    }

    /// The whole descriptor (4 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let b = flag(self.dsdg, 3)
            | flag(self.dsdr, 2)
            | flag(self.intermediate, 1)
            | flag(self.blank, 0);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &[b, 0, 0, 0])
    }
}

/// Feature 003Bh DVD+R Dual Layer.
///
/// Shape: 4 bytes of payload. B4 b0 Write. Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 1
/// payload byte.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6: "as 002Ah / 002Bh").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DvdPlusRDualLayer {
    /// Write: DVD+R DL recording supported.
    pub write: bool,
}

impl DvdPlusRDualLayer {
    /// Feature code 003Bh.
    pub const CODE: FeatureCode = FeatureCode::DVD_PLUS_R_DUAL_LAYER;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 0;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "DVD+R Dual Layer feature", Self::CODE, 1)?;
        Ok(DvdPlusRDualLayer {
            write: bit(d.payload()[0], 0),
        })
    }

    /// The whole descriptor (4 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        FeatureDescriptor::emit_raw(
            Self::CODE,
            Self::VERSION,
            false,
            current,
            &[flag(self.write, 0), 0, 0, 0],
        )
    }
}

/// Feature 0040h BD Read.
///
/// Shape: 28 bytes of payload. B4-7 reserved; B8-15 BD-RE class 0–3 version bitmaps (2 bytes
/// each, bit n = version n); B16-23 BD-R class 0–3; B24-31 BD-ROM class 0–3. Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 28
/// payload bytes.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BdRead {
    /// BD-RE class 0–3 version bitmaps.
    pub bd_re_class_versions: [u16; 4],
    /// BD-R class 0–3 version bitmaps.
    pub bd_r_class_versions: [u16; 4],
    /// BD-ROM class 0–3 version bitmaps.
    pub bd_rom_class_versions: [u16; 4],
}

impl BdRead {
    /// Feature code 0040h.
    pub const CODE: FeatureCode = FeatureCode::BD_READ;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 1;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "BD Read feature", Self::CODE, 28)?;
        let p = d.payload();
        let class = |at: usize| {
            [
                be16(p, at),
                be16(p, at + 2),
                be16(p, at + 4),
                be16(p, at + 6),
            ]
        };
        Ok(BdRead {
            bd_re_class_versions: class(4),
            bd_r_class_versions: class(12),
            bd_rom_class_versions: class(20),
        })
    }

    /// The whole descriptor (28 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let mut p = [0u8; 28];
        let classes = [
            (4, &self.bd_re_class_versions),
            (12, &self.bd_r_class_versions),
            (20, &self.bd_rom_class_versions),
        ];
        for (at, versions) in classes {
            for (i, v) in versions.iter().enumerate() {
                put16(&mut p, at + 2 * i, *v);
            }
        }
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &p)
    }
}

/// Feature 0107h Real Time Streaming: how the host controls speed.
///
/// Shape: 4 bytes of payload. B4 b4 RBCB (READ BUFFER CAPACITY Block = 1), b3 SCS (SET CD
/// SPEED), b2 MP2A (page 2Ah write speed descriptors), b1 WSPD (GET PERFORMANCE type 03h), b0
/// SW (WRITE(12) Streaming bit / SET STREAMING). Version 3 typical. libburn sends GET
/// PERFORMANCE 03h only when WSPD is set.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 1
/// payload byte.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6, §1.30).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RealTimeStreaming {
    /// RBCB: READ BUFFER CAPACITY with Block = 1 supported.
    #[doc(alias = "RBCB")]
    pub rbcb: bool,
    /// SCS: SET CD SPEED supported.
    #[doc(alias = "SCS")]
    pub scs: bool,
    /// MP2A: page 2Ah has write speed performance descriptors.
    #[doc(alias = "MP2A")]
    pub mp2a: bool,
    /// WSPD: GET PERFORMANCE type 03h (write speed) supported.
    #[doc(alias = "WSPD")]
    pub wspd: bool,
    /// SW: stream writing (SET STREAMING, WRITE(12) Streaming).
    #[doc(alias = "SW")]
    pub sw: bool,
}

impl RealTimeStreaming {
    /// Feature code 0107h.
    pub const CODE: FeatureCode = FeatureCode::REAL_TIME_STREAMING;
    /// Version emitted (`mmc.md` §1.6: version 3 typical).
    pub const VERSION: u8 = 3;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Real Time Streaming feature", Self::CODE, 1)?;
        let b = d.payload()[0];
        Ok(RealTimeStreaming {
            rbcb: bit(b, 4),
            scs: bit(b, 3),
            mp2a: bit(b, 2),
            wspd: bit(b, 1),
            sw: bit(b, 0),
        })
    }

    /// The whole descriptor (4 bytes of payload); `persistent` as the drive declares it.
    pub fn emit(&self, persistent: bool, current: bool) -> Vec<u8> {
        let b = flag(self.rbcb, 4)
            | flag(self.scs, 3)
            | flag(self.mp2a, 2)
            | flag(self.wspd, 1)
            | flag(self.sw, 0);
        FeatureDescriptor::emit_raw(
            Self::CODE,
            Self::VERSION,
            persistent,
            current,
            &[b, 0, 0, 0],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(bytes: &[u8]) -> FeatureDescriptor<&[u8]> {
        FeatureDescriptor::new_checked(bytes).unwrap()
    }

    #[test]
    fn random_writable_both_directions() {
        let bytes = [
            0x00, 0x20, // B0-1 feature 0020h
            0x01, // B2: version 0, persistent 0, current 1
            0x0C, // B3: additional length 12
            0x00, 0x23, 0x05, 0x3F, // B4-7 last LBA 2 295 103
            0x00, 0x00, 0x08, 0x00, // B8-11 block size 2048
            0x00, 0x10, // B12-13 blocking 16
            0x01, // B14: PP
            0x00, // B15 reserved
        ];
        let f = RandomWritable {
            last_lba: 2_295_103,
            logical_block_size: 2048,
            blocking: 16,
            pp: true,
        };
        assert_eq!(f.emit(true), bytes);
        assert_eq!(RandomWritable::parse(&view(&bytes)), Ok(f));
    }

    #[test]
    fn formattable_both_directions() {
        let bytes = [
            0x00, 0x23, // feature 0023h
            0x05, // B2: version 1 (04h), current
            0x08, // B3: additional length 8
            0x0B, // B4: RENoSA (08h), QCert (02h), Cert (01h)
            0x80, // B5: FRF
            0x00, 0x00, // B6-7 reserved
            0x01, // B8: RRM
            0x00, 0x00, 0x00, // B9-11 reserved
        ];
        let f = Formattable {
            re_no_spare_allocation: true,
            expand: false,
            quick_certification: true,
            certification: true,
            fast_reformat: true,
            random_recording_mode: true,
        };
        assert_eq!(f.emit(true), bytes);
        assert_eq!(Formattable::parse(&view(&bytes)), Ok(f));
        // Version 0 without payload: all clear.
        let empty = [0x00, 0x23, 0x01, 0x00];
        assert_eq!(
            Formattable::parse(&view(&empty)),
            Ok(Formattable::default())
        );
    }

    #[test]
    fn hardware_defect_management_and_restricted_overwrite_bytes() {
        let hdm = [0x00, 0x24, 0x05, 0x04, 0x80, 0x00, 0x00, 0x00]; // SSA
        assert_eq!(HardwareDefectManagement { ssa: true }.emit(true), hdm);
        assert_eq!(
            HardwareDefectManagement::parse(&view(&hdm)),
            Ok(HardwareDefectManagement { ssa: true })
        );
        // 0026h, version 0, not current, no payload.
        assert_eq!(RestrictedOverwrite.emit(false), [0x00, 0x26, 0x00, 0x00]);
    }

    #[test]
    fn dvd_plus_rw_both_directions() {
        let bytes = [
            0x00, 0x2A, // feature 002Ah
            0x01, // current
            0x04, // length 4
            0x01, // B4: Write
            0x03, // B5: Quick Start (02h), Close Only (01h)
            0x00, 0x00,
        ];
        let f = DvdPlusRw {
            write: true,
            quick_start: true,
            close_only: true,
        };
        assert_eq!(f.emit(true), bytes);
        assert_eq!(DvdPlusRw::parse(&view(&bytes)), Ok(f));
        assert!(DvdPlusRw::parse(&view(&[0x00, 0x2B, 0x01, 0x04, 1, 0, 0, 0])).is_err());
    }

    #[test]
    fn rigid_restricted_overwrite_and_dual_layer_bytes() {
        let rro = [0x00, 0x2C, 0x01, 0x04, 0x03, 0, 0, 0]; // Intermediate, Blank
        let f = RigidRestrictedOverwrite {
            dsdg: false,
            dsdr: false,
            intermediate: true,
            blank: true,
        };
        assert_eq!(f.emit(true), rro);
        assert_eq!(RigidRestrictedOverwrite::parse(&view(&rro)), Ok(f));
        let dl = [0x00, 0x3B, 0x00, 0x04, 0x01, 0, 0, 0]; // Write, not current
        assert_eq!(DvdPlusRDualLayer { write: true }.emit(false), dl);
        assert_eq!(
            DvdPlusRDualLayer::parse(&view(&dl)),
            Ok(DvdPlusRDualLayer { write: true })
        );
    }

    #[test]
    fn bd_read_both_directions() {
        let mut bytes = vec![
            0x00, 0x40, // feature 0040h
            0x05, // version 1, current
            0x1C, // length 28
            0x00, 0x00, 0x00, 0x00, // B4-7 reserved
        ];
        bytes.extend_from_slice(&[0x00, 0x02, 0, 0, 0, 0, 0, 0]); // B8-15 BD-RE class 0 v1
        bytes.extend_from_slice(&[0x00, 0x02, 0, 0, 0, 0, 0, 0]); // B16-23 BD-R class 0 v1
        bytes.extend_from_slice(&[0x00, 0x02, 0, 0, 0, 0, 0, 0]); // B24-31 BD-ROM class 0 v1
        let f = BdRead {
            bd_re_class_versions: [2, 0, 0, 0],
            bd_r_class_versions: [2, 0, 0, 0],
            bd_rom_class_versions: [2, 0, 0, 0],
        };
        assert_eq!(f.emit(true), bytes);
        assert_eq!(BdRead::parse(&view(&bytes)), Ok(f));
        let short = [0x00, 0x40, 0x05, 0x08, 0, 0, 0, 0, 0, 0x02, 0, 0]; // 8-byte payload
        assert!(BdRead::parse(&view(&short)).is_err());
    }

    #[test]
    fn real_time_streaming_both_directions() {
        let bytes = [
            0x01, 0x07, // feature 0107h
            0x0F, // B2: version 3 (0Ch), persistent (02h), current (01h)
            0x04, // length 4
            0x0F, // B4: SCS (08h), MP2A (04h), WSPD (02h), SW (01h)
            0x00, 0x00, 0x00,
        ];
        let f = RealTimeStreaming {
            rbcb: false,
            scs: true,
            mp2a: true,
            wspd: true,
            sw: true,
        };
        assert_eq!(f.emit(true, true), bytes);
        assert_eq!(RealTimeStreaming::parse(&view(&bytes)), Ok(f));
    }
}
