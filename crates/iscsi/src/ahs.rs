//! Additional Header Segments.
//!
//! Shape of one AHS (RFC 7143 §11.2.2):
//!
//! ```text
//! bytes 0-1  AHSLength: bytes after byte 2 (the AHS-specific byte and the data), without padding
//! byte 2     AHSType (bits 7-6 zero, bits 5-0 the code)
//! byte 3     AHS-specific (reserved for both defined types)
//! bytes 4..  AHS-specific data, then 0-3 padding bytes to a 4-byte boundary
//! ```
//!
//! Extended CDB (type 1): AHSLength = CDB length − 15; bytes 4.. hold CDB bytes 16 onward.
//! Bidirectional Read Expected Data Transfer Length (type 2): AHSLength = 5; bytes 4–7 hold the
//! length.

use crate::enums::AhsType;
use crate::error::PduError;
use crate::header::{padded_len, BHS_LEN};

/// One Additional Header Segment.
///
/// Spec: RFC 7143 §11.2.2.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ahs {
    /// Type 1: the CDB bytes beyond the 16 carried in the BHS.
    ExtendedCdb(Vec<u8>),
    /// Type 2: the expected read data length of a bidirectional command, in bytes.
    #[doc(alias = "Bidirectional Read Expected Data Transfer Length")]
    BidirectionalReadLength(u32),
    /// Any other type, kept as sent: the AHS-specific byte and the data after it
    /// (AHSLength bytes).
    Other {
        /// AHSType byte as sent.
        ahs_type: u8,
        /// The AHSLength bytes starting at AHS byte 3.
        specific: Vec<u8>,
    },
}

impl Ahs {
    /// The AHSType.
    pub fn ahs_type(&self) -> AhsType {
        match self {
            Ahs::ExtendedCdb(_) => AhsType::ExtendedCdb,
            Ahs::BidirectionalReadLength(_) => AhsType::BidirectionalReadLength,
            Ahs::Other { ahs_type, .. } => AhsType::from(*ahs_type),
        }
    }

    /// The AHSLength this segment carries (bytes after byte 2, without padding).
    pub fn ahs_length(&self) -> usize {
        match self {
            Ahs::ExtendedCdb(tail) => 1 + tail.len(),
            Ahs::BidirectionalReadLength(_) => 5,
            Ahs::Other { specific, .. } => specific.len(),
        }
    }

    /// Bytes this segment occupies on the wire, padding included.
    pub fn wire_len(&self) -> usize {
        padded_len(3 + self.ahs_length())
    }

    /// Appends the segment (with zero padding) to `out`.
    ///
    /// # Errors
    /// [`PduError::TooLong`] when AHSLength would exceed 65535.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), PduError> {
        let len = self.ahs_length();
        if len > usize::from(u16::MAX) {
            return Err(PduError::TooLong {
                field: "AHS",
                len,
                max: usize::from(u16::MAX),
            });
        }
        let start = out.len();
        out.extend_from_slice(&(len as u16).to_be_bytes());
        match self {
            Ahs::ExtendedCdb(tail) => {
                out.push(1);
                out.push(0);
                out.extend_from_slice(tail);
            }
            Ahs::BidirectionalReadLength(n) => {
                out.push(2);
                out.push(0);
                out.extend_from_slice(&n.to_be_bytes());
            }
            Ahs::Other { ahs_type, specific } => {
                out.push(*ahs_type);
                out.extend_from_slice(specific);
            }
        }
        let end = start + padded_len(3 + len);
        out.resize(end, 0);
        Ok(())
    }

    /// Parses the whole AHS area (TotalAHSLength × 4 bytes) into segments.
    ///
    /// Shape: see the module doc. Errors report offsets from the start of the PDU (the AHS area
    /// starts at byte 48).
    ///
    /// # Errors
    /// [`PduError::InvalidField`] for an AHS that runs past the area, a bidirectional AHS whose
    /// AHSLength is not 5, or an extended CDB AHS with AHSLength 0.
    pub fn parse_all(area: &[u8]) -> Result<Vec<Ahs>, PduError> {
        let mut out = Vec::new();
        let mut at = 0usize;
        while at < area.len() {
            let byte = BHS_LEN + at;
            let rest = &area[at..];
            if rest.len() < 4 {
                return Err(PduError::InvalidField {
                    field: "AHSLength",
                    byte,
                    value: rest.len() as u64,
                    reason: "AHS shorter than 4 bytes",
                });
            }
            let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
            let ahs_type = rest[2];
            let wire = padded_len(3 + len);
            if wire > rest.len() {
                return Err(PduError::InvalidField {
                    field: "AHSLength",
                    byte,
                    value: len as u64,
                    reason: "AHS runs past TotalAHSLength",
                });
            }
            let specific = &rest[3..3 + len];
            let ahs = match AhsType::from(ahs_type) {
                AhsType::ExtendedCdb => {
                    if len == 0 {
                        return Err(PduError::InvalidField {
                            field: "AHSLength",
                            byte,
                            value: 0,
                            reason: "extended CDB AHS needs AHSLength >= 1",
                        });
                    }
                    Ahs::ExtendedCdb(specific[1..].to_vec())
                }
                AhsType::BidirectionalReadLength => {
                    if len != 5 {
                        return Err(PduError::InvalidField {
                            field: "AHSLength",
                            byte,
                            value: len as u64,
                            reason: "bidirectional read length AHS needs AHSLength 5",
                        });
                    }
                    Ahs::BidirectionalReadLength(u32::from_be_bytes([
                        specific[1],
                        specific[2],
                        specific[3],
                        specific[4],
                    ]))
                }
                AhsType::Unknown(_) => Ahs::Other {
                    ahs_type,
                    specific: specific.to_vec(),
                },
            };
            out.push(ahs);
            at += wire;
        }
        Ok(out)
    }
}
