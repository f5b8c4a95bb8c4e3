//! EDC: the 32-bit error detection code of CD data sectors (ECMA-130 §14.3).
//!
//! Scope: the CRC itself ([`EDC_ALGORITHM`], [`edc`]) and where it sits in each sector form
//! ([`EdcField`]). Invariants: every function is total (no panics); the CRC runs on
//! a 16-slice table built at compile time by the `crc` crate.
//!
//! Spec: ECMA-130 §14.3; reference `mmc.md` §4.3.

use std::ops::Range;

use crate::sector::SECTOR_BYTES;

/// The EDC polynomial P(x) = (x¹⁶ + x¹⁵ + x² + 1)(x¹⁶ + x² + x + 1)
/// = x³² + x³¹ + x¹⁶ + x¹⁵ + x⁴ + x³ + x + 1, as a `crc` algorithm.
///
/// Shape: normal-form polynomial `0x8001_801B` (reflected `0xD801_8001`), processed LSB-first
/// (`refin`/`refout`), initial value 0, no final XOR. The check value over `"123456789"` is
/// `0x6EC2_EDC4`; the residue of a message followed by its little-endian EDC is 0.
///
/// Spec: ECMA-130 §14.3; reference `mmc.md` §4.3.
#[doc(alias = "CRC-32/CD-ROM-EDC")]
pub const EDC_ALGORITHM: crc::Algorithm<u32> = crc::Algorithm {
    width: 32,
    poly: 0x8001_801B,
    init: 0,
    refin: true,
    refout: true,
    xorout: 0,
    check: 0x6EC2_EDC4,
    residue: 0,
};

/// The table-driven EDC engine (16 tables of 256 entries, built at compile time).
static EDC: crc::Crc<u32, crc::Table<16>> = crc::Crc::<u32, crc::Table<16>>::new(&EDC_ALGORITHM);

/// EDC of `bytes`.
///
/// Units: the returned `u32` is stored **little-endian** in a sector (least significant byte
/// first), see [`EdcField::store`].
///
/// Spec: ECMA-130 §14.3; reference `mmc.md` §4.3.
pub fn edc(bytes: &[u8]) -> u32 {
    EDC.checksum(bytes)
}

/// Where a sector form's EDC is computed and stored.
///
/// Shape: the EDC covers `covered` (a byte range of the 2352-byte sector) and is stored as four
/// little-endian bytes at `stored_at`. The three forms that carry an EDC are the constants
/// [`EdcField::MODE1`], [`EdcField::MODE2_FORM1`] and [`EdcField::MODE2_FORM2`].
///
/// Spec: ECMA-130 §14.3, §14.5; reference `mmc.md` §4.2 table "EDC covers".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdcField {
    /// Bytes of the sector the EDC is computed over.
    pub covered: Range<usize>,
    /// Offset of the first (least significant) of the four EDC bytes.
    pub stored_at: usize,
}

impl EdcField {
    /// Mode 1: EDC over bytes 0–2063 (sync, header, user data), stored at 2064–2067.
    pub const MODE1: EdcField = EdcField {
        covered: 0..2064,
        stored_at: 2064,
    };
    /// Mode 2 Form 1: EDC over bytes 16–2071 (sub-header ×2, user data), stored at 2072–2075.
    pub const MODE2_FORM1: EdcField = EdcField {
        covered: 16..2072,
        stored_at: 2072,
    };
    /// Mode 2 Form 2: EDC over bytes 16–2347 (sub-header ×2, user data), stored at 2348–2351.
    /// A stored value of 0 means "not computed" (reference `mmc.md` §4.2).
    pub const MODE2_FORM2: EdcField = EdcField {
        covered: 16..2348,
        stored_at: 2348,
    };

    /// The EDC this field should hold for `sector`.
    pub fn compute(&self, sector: &[u8; SECTOR_BYTES]) -> u32 {
        sector.get(self.covered.clone()).map(edc).unwrap_or(0)
    }

    /// The EDC stored in `sector` (little-endian at `stored_at`); 0 if the field lies outside the
    /// sector (impossible for the three constants).
    pub fn stored(&self, sector: &[u8; SECTOR_BYTES]) -> u32 {
        sector
            .get(self.stored_at..self.stored_at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_le_bytes)
            .unwrap_or(0)
    }

    /// Computes the EDC and writes it little-endian at `stored_at`.
    pub fn store(&self, sector: &mut [u8; SECTOR_BYTES]) {
        let value = self.compute(sector);
        if let Some(dst) = sector.get_mut(self.stored_at..self.stored_at + 4) {
            dst.copy_from_slice(&value.to_le_bytes());
        }
    }

    /// Whether the stored EDC equals the computed one.
    pub fn check(&self, sector: &[u8; SECTOR_BYTES]) -> bool {
        self.stored(sector) == self.compute(sector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edc_check_string_gives_catalogue_value() {
        // mmc.md §4.3 / §4.11: check("123456789") = 0x6EC2EDC4.
        assert_eq!(edc(b"123456789"), 0x6EC2_EDC4);
    }

    #[test]
    fn edc_empty_and_zeros_are_zero() {
        // Init 0, no final XOR: a run of zeros keeps the register at 0.
        assert_eq!(edc(&[]), 0);
        assert_eq!(edc(&[0; 2048]), 0);
    }

    #[test]
    fn edc_bitwise_reference_agrees_with_table() {
        // A bit-at-a-time LSB-first model written from mmc.md §4.3 (reflected constant
        // 0xD8018001), independent of the `crc` crate's tables.
        fn bitwise(bytes: &[u8]) -> u32 {
            let mut r = 0u32;
            for &b in bytes {
                r ^= u32::from(b);
                for _ in 0..8 {
                    r = if r & 1 != 0 {
                        (r >> 1) ^ 0xD801_8001
                    } else {
                        r >> 1
                    };
                }
            }
            r
        }
        let data: Vec<u8> = (0u32..3000).map(|i| (i * 7 + i / 13) as u8).collect();
        assert_eq!(edc(&data), bitwise(&data));
        assert_eq!(bitwise(b"123456789"), 0x6EC2_EDC4);
    }

    #[test]
    fn edc_residue_of_message_and_le_edc_is_zero() {
        let mut msg = b"discmaster".to_vec();
        let e = edc(&msg);
        msg.extend_from_slice(&e.to_le_bytes());
        assert_eq!(edc(&msg), 0);
    }

    #[test]
    fn edc_field_store_writes_little_endian_and_checks() {
        let mut s = [0xa5u8; SECTOR_BYTES];
        EdcField::MODE1.store(&mut s);
        let v = edc(&[0xa5; 2064]);
        assert_eq!(&s[2064..2068], &v.to_le_bytes());
        assert!(EdcField::MODE1.check(&s));
        s[100] ^= 1;
        assert!(!EdcField::MODE1.check(&s));
    }
}
