//! CD recording features beyond those of [`crate::features`]: Feature 002Eh CD Mastering
//! (session at once and RAW writing), which hosts read before choosing a raw write mode.
//!
//! Spec: reference `mmc.md` §1.6.

use crate::cdb::ParseError;
use crate::enums::FeatureCode;
use crate::features::FeatureDescriptor;

/// Feature 002Eh CD Mastering: what the drive can write with write types 2 (SAO) and 3 (RAW).
///
/// Shape: 4 bytes of payload. B4 b6 BUF, b5 SAO, b4 Raw MS (raw multi-session), b3 Raw, b2
/// Test Write, b1 CD-RW, b0 R-W (R–W sub-code can be written); B5–7 maximum cue sheet length
/// (bytes). Version 1 emitted, not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another feature code, [`ParseError::Truncated`]
/// below 4 payload bytes.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CdMastering {
    /// BUF: buffer underrun free recording.
    #[doc(alias = "BUF")]
    pub buf: bool,
    /// SAO: session at once (write type 2) with a cue sheet.
    #[doc(alias = "SAO")]
    pub sao: bool,
    /// Raw MS: raw writing of multi-session discs.
    pub raw_ms: bool,
    /// Raw: write type 3.
    pub raw: bool,
    /// Test Write: simulation.
    pub test_write: bool,
    /// CD-RW: CD-RW media can be written.
    pub cd_rw: bool,
    /// R-W: R–W sub-code can be written.
    pub rw: bool,
    /// Maximum cue sheet length in bytes (24 bits).
    pub maximum_cue_sheet_length: u32,
}

impl CdMastering {
    /// Feature code 002Eh.
    pub const CODE: FeatureCode = FeatureCode::CD_MASTERING;
    /// Version emitted.
    pub const VERSION: u8 = 1;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        const WHAT: &str = "CD Mastering feature";
        if d.feature_code() != Self::CODE {
            return Err(ParseError::InvalidField {
                what: WHAT,
                byte: 0,
                value: u32::from(d.feature_code().0),
            });
        }
        let p = d.payload();
        let [b4, b5, b6, b7] = match p.get(..4) {
            Some(&[a, b, c, e]) => [a, b, c, e],
            _ => {
                return Err(ParseError::Truncated {
                    what: WHAT,
                    need: 8,
                    got: 4 + p.len(),
                })
            }
        };
        let bit = |n: u32| b4 & (1 << n) != 0;
        Ok(CdMastering {
            buf: bit(6),
            sao: bit(5),
            raw_ms: bit(4),
            raw: bit(3),
            test_write: bit(2),
            cd_rw: bit(1),
            rw: bit(0),
            maximum_cue_sheet_length: u32::from_be_bytes([0, b5, b6, b7]),
        })
    }

    /// The whole descriptor (4 bytes of payload; the cue sheet length is masked to 24 bits).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let flag = |on: bool, n: u32| u8::from(on) << n;
        let [_, l0, l1, l2] = (self.maximum_cue_sheet_length & 0x00FF_FFFF).to_be_bytes();
        let b4 = flag(self.buf, 6)
            | flag(self.sao, 5)
            | flag(self.raw_ms, 4)
            | flag(self.raw, 3)
            | flag(self.test_write, 2)
            | flag(self.cd_rw, 1)
            | flag(self.rw, 0);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &[b4, l0, l1, l2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cd_mastering_hand_bytes_parse() {
        let b = [
            0x00, 0x2E, // feature code 002Eh
            0x05, // B2: version 1 (b5-2 = 0001b), not persistent, current (b0)
            0x04, // B3: additional length 4
            0x6B, // B4: BUF, SAO, Raw, CD-RW, R-W (0100_0000|0010_0000|1000|0010|0001)
            0x00, 0x0F, 0xFF, // B5-7: maximum cue sheet length 4095
        ];
        let d = FeatureDescriptor::new_checked(&b[..]).unwrap();
        let f = CdMastering::parse(&d).unwrap();
        assert_eq!(
            f,
            CdMastering {
                buf: true,
                sao: true,
                raw_ms: false,
                raw: true,
                test_write: false,
                cd_rw: true,
                rw: true,
                maximum_cue_sheet_length: 4095,
            }
        );
        assert_eq!(f.emit(true), b.to_vec());
    }

    #[test]
    fn cd_mastering_emit_sets_each_bit() {
        let f = CdMastering {
            raw_ms: true,
            test_write: true,
            ..CdMastering::default()
        };
        let out = f.emit(false);
        assert_eq!(
            out,
            vec![
                0x00, 0x2E, // code
                0x04, // version 1, not current
                0x04, // additional length
                0x14, // Raw MS (10h) + Test Write (04h)
                0x00, 0x00, 0x00, // no cue sheet
            ]
        );
        let other = [0x00, 0x2D, 0x08, 0x04, 0, 0, 0, 0];
        let d = FeatureDescriptor::new_checked(&other[..]).unwrap();
        assert!(CdMastering::parse(&d).is_err());
        let short = [0x00, 0x2E, 0x04, 0x00];
        let d = FeatureDescriptor::new_checked(&short[..]).unwrap();
        assert!(CdMastering::parse(&d).is_err());
    }
}
