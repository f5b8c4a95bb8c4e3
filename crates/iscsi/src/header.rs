//! The 48-byte Basic Header Segment (BHS), the fields every PDU shares, and PDU framing
//! arithmetic (padding, AHS and digest lengths).
//!
//! Shape of a PDU (RFC 7143 §11.2):
//!
//! ```text
//! 0        BHS (48 bytes)
//! 48       AHS 1..n (TotalAHSLength × 4 bytes)
//! k        HeaderDigest (4 bytes, if negotiated)
//! l        DataSegment (DataSegmentLength bytes, padded with 0–3 bytes to a multiple of 4)
//! m        DataDigest (4 bytes, if negotiated and the data segment is not empty)
//! ```
//!
//! Panic contract: a [`BasicHeader`] is only built through [`BasicHeader::new_checked`], which
//! checks the buffer holds 48 bytes; after that no getter or setter can panic.

use crate::digest::{Digests, DIGEST_LEN};
use crate::enums::Opcode;
use crate::error::PduError;

/// Length of the Basic Header Segment in bytes. Spec: RFC 7143 §11.2.1.
pub const BHS_LEN: usize = 48;

/// Largest DataSegmentLength (24-bit field), in bytes. Spec: RFC 7143 §11.2.1.
pub const MAX_DATA_SEGMENT_LEN: usize = (1 << 24) - 1;

/// Largest total AHS length (TotalAHSLength is a count of 4-byte words in one byte).
pub const MAX_AHS_LEN: usize = 255 * 4;

/// The reserved tag value 0xFFFFFFFF ("no task" ITT, "no transfer" TTT). Spec: RFC 7143 §11.2.1.
pub const RESERVED_TAG: u32 = 0xffff_ffff;

/// `len` rounded up to a multiple of 4 (segments are padded to 4-byte words).
pub fn padded_len(len: usize) -> usize {
    len.saturating_add(3) & !3
}

pub(crate) mod field {
    use core::ops::Range;
    pub const OPCODE: usize = 0;
    pub const FLAGS: usize = 1;
    pub const TOTAL_AHS_LENGTH: usize = 4;
    pub const DATA_SEGMENT_LENGTH: Range<usize> = 5..8;
    pub const LUN: Range<usize> = 8..16;
    pub const INITIATOR_TASK_TAG: Range<usize> = 16..20;
}

pub(crate) fn get_u16(b: &[u8; BHS_LEN], at: usize) -> u16 {
    let at = at.min(BHS_LEN - 2);
    u16::from_be_bytes([b[at], b[at + 1]])
}

pub(crate) fn get_u32(b: &[u8; BHS_LEN], at: usize) -> u32 {
    let at = at.min(BHS_LEN - 4);
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

pub(crate) fn put_u16(b: &mut [u8; BHS_LEN], at: usize, v: u16) {
    let at = at.min(BHS_LEN - 2);
    b[at..at + 2].copy_from_slice(&v.to_be_bytes());
}

pub(crate) fn put_u32(b: &mut [u8; BHS_LEN], at: usize, v: u32) {
    let at = at.min(BHS_LEN - 4);
    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

/// Logical Unit Number as the 8 bytes SAM defines (BHS bytes 8–15).
///
/// Shape: 8 bytes, first-level addressing in bytes 0–1. Spec: RFC 7143 §11.2.1 (carried
/// opaquely); SAM-5 §4.7 for the structure (peripheral device and flat space addressing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Lun(pub [u8; 8]);

impl Lun {
    /// LUN 0.
    pub const ZERO: Lun = Lun([0; 8]);

    /// The single-level LUN for `index`: peripheral device addressing (byte 0 = 00h) below 256,
    /// flat space addressing (byte 0 = 40h | high 6 bits) below 16384; `None` above.
    pub fn from_index(index: u16) -> Option<Lun> {
        let mut b = [0u8; 8];
        if index < 256 {
            b[1] = index as u8;
        } else if index < 0x4000 {
            b[0] = 0x40 | (index >> 8) as u8;
            b[1] = index as u8;
        } else {
            return None;
        }
        Some(Lun(b))
    }

    /// The index of a single-level peripheral or flat-space LUN (inverse of
    /// [`Lun::from_index`]); `None` for other address methods or multi-level LUNs.
    pub fn index(&self) -> Option<u16> {
        if self.0[2..].iter().any(|&b| b != 0) {
            return None;
        }
        match self.0[0] >> 6 {
            0b00 if self.0[0] == 0 => Some(u16::from(self.0[1])),
            0b01 => Some((u16::from(self.0[0] & 0x3f) << 8) | u16::from(self.0[1])),
            _ => None,
        }
    }
}

/// The format of an ISID, from its T field (ISID byte 0 bits 7–6).
///
/// Spec: RFC 7143 §11.12.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IsidFormat {
    /// 00b: OUI format (A and B hold a 22-bit OUI; C and D a 24-bit qualifier).
    Oui,
    /// 01b: IANA Enterprise Number format (B and C hold the EN; D a qualifier).
    EnterpriseNumber,
    /// 10b: random format (B and C random; D a qualifier).
    Random,
    /// 11b: reserved.
    Reserved,
}

/// Initiator Session ID: the initiator's half of the session identifier (Login PDU bytes 8–13).
///
/// Shape: 6 bytes, `T(2 bits) A(6 bits) | B(16) | C(8) | D(16)`. Spec: RFC 7143 §11.12.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[doc(alias = "ISID")]
pub struct Isid(pub [u8; 6]);

impl Isid {
    /// A random-format ISID (T = 10b, A = 0): `random` fills B and C (low 24 bits used),
    /// `qualifier` is D.
    pub fn random_format(random: u32, qualifier: u16) -> Isid {
        let r = random.to_be_bytes();
        let q = qualifier.to_be_bytes();
        Isid([0x80, r[1], r[2], r[3], q[0], q[1]])
    }

    /// The T field.
    pub fn format(&self) -> IsidFormat {
        match self.0[0] >> 6 {
            0 => IsidFormat::Oui,
            1 => IsidFormat::EnterpriseNumber,
            2 => IsidFormat::Random,
            _ => IsidFormat::Reserved,
        }
    }

    /// The D field (qualifier), bytes 4–5.
    pub fn qualifier(&self) -> u16 {
        u16::from_be_bytes([self.0[4], self.0[5]])
    }
}

/// A zero-copy view of the Basic Header Segment: the fields whose position is the same in every
/// PDU, and the PDU length they imply.
///
/// Shape (RFC 7143 §11.2.1):
///
/// ```text
/// byte 0    .|I| Opcode (6 bits)
/// byte 1    F| opcode-specific flags
/// bytes 2-3 opcode-specific
/// byte 4    TotalAHSLength (4-byte words)
/// bytes 5-7 DataSegmentLength (bytes, without padding)
/// bytes 8-15  LUN or opcode-specific
/// bytes 16-19 Initiator Task Tag
/// bytes 20-47 opcode-specific
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicHeader<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> BasicHeader<B> {
    /// Wraps `buffer` after checking it holds at least [`BHS_LEN`] bytes.
    ///
    /// # Errors
    /// [`PduError::Truncated`] with `needed = 48` when the buffer is shorter.
    pub fn new_checked(buffer: B) -> Result<Self, PduError> {
        let available = buffer.as_ref().len();
        if available < BHS_LEN {
            return Err(PduError::Truncated {
                needed: BHS_LEN,
                available,
            });
        }
        Ok(BasicHeader { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    fn bhs(&self) -> &[u8; BHS_LEN] {
        // new_checked guarantees the length; the fallback is unreachable.
        const EMPTY: [u8; BHS_LEN] = [0; BHS_LEN];
        self.buffer
            .as_ref()
            .get(..BHS_LEN)
            .and_then(|s| <&[u8; BHS_LEN]>::try_from(s).ok())
            .unwrap_or(&EMPTY)
    }

    /// The opcode (byte 0 bits 5–0).
    pub fn opcode(&self) -> Opcode {
        Opcode::from(self.bhs()[field::OPCODE] & 0x3f)
    }

    /// The I (immediate delivery) bit, byte 0 bit 6.
    #[doc(alias = "I")]
    pub fn immediate(&self) -> bool {
        self.bhs()[field::OPCODE] & 0x40 != 0
    }

    /// The F (final) bit, byte 1 bit 7.
    #[doc(alias = "F")]
    pub fn final_pdu(&self) -> bool {
        self.bhs()[field::FLAGS] & 0x80 != 0
    }

    /// Byte 1 as sent (F bit and the opcode-specific flags).
    pub fn flags_byte(&self) -> u8 {
        self.bhs()[field::FLAGS]
    }

    /// TotalAHSLength (byte 4), in 4-byte words.
    #[doc(alias = "TotalAHSLength")]
    pub fn total_ahs_length_words(&self) -> u8 {
        self.bhs()[field::TOTAL_AHS_LENGTH]
    }

    /// Total AHS length in bytes (TotalAHSLength × 4).
    pub fn total_ahs_length_bytes(&self) -> usize {
        usize::from(self.total_ahs_length_words()) * 4
    }

    /// DataSegmentLength (bytes 5–7), in bytes, without padding.
    #[doc(alias = "DataSegmentLength")]
    pub fn data_segment_length(&self) -> usize {
        self.bhs()[field::DATA_SEGMENT_LENGTH]
            .iter()
            .fold(0usize, |n, &b| (n << 8) | usize::from(b))
    }

    /// The LUN field (bytes 8–15); opcode-specific for some PDUs.
    pub fn lun(&self) -> Lun {
        let mut l = [0u8; 8];
        l.copy_from_slice(&self.bhs()[field::LUN]);
        Lun(l)
    }

    /// Initiator Task Tag (bytes 16–19).
    #[doc(alias = "ITT")]
    pub fn initiator_task_tag(&self) -> u32 {
        get_u32(self.bhs(), field::INITIATOR_TASK_TAG.start)
    }

    /// Bytes the whole PDU occupies with `digests`: BHS + AHS + header digest + padded data
    /// segment + data digest (only when the data segment is not empty).
    ///
    /// Units: bytes. A reader reads 48 bytes, wraps them, then reads `pdu_length - 48` more.
    pub fn pdu_length(&self, digests: Digests) -> usize {
        let dsl = self.data_segment_length();
        let mut n = BHS_LEN + self.total_ahs_length_bytes();
        if digests.header {
            n += DIGEST_LEN;
        }
        n += padded_len(dsl);
        if digests.data && dsl > 0 {
            n += DIGEST_LEN;
        }
        n
    }
}
