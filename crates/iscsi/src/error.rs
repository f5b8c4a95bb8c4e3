//! The PDU codec error. Every variant names the field and, where it has one, the byte offset
//! counted from the first byte of the PDU (BHS byte 0).

use std::fmt;

/// Which digest failed to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestSegment {
    /// HeaderDigest: CRC32C over the BHS and the AHSs.
    Header,
    /// DataDigest: CRC32C over the data segment and its padding.
    Data,
}

impl fmt::Display for DigestSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DigestSegment::Header => "HeaderDigest",
            DigestSegment::Data => "DataDigest",
        })
    }
}

/// A PDU could not be decoded or encoded.
///
/// `Truncated` is the only variant a streaming reader should treat as "read more": it says how
/// many bytes the whole PDU needs. Every other variant means the bytes are not a valid PDU (or the
/// typed value cannot be represented on the wire).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PduError {
    /// Fewer bytes than the PDU needs (`needed` counts BHS, AHS, digests, data and padding).
    #[error("PDU truncated: {needed} bytes needed, {available} available")]
    Truncated {
        /// Bytes the whole PDU needs (or 48 when even the BHS is incomplete).
        needed: usize,
        /// Bytes given.
        available: usize,
    },
    /// A CRC32C digest did not match.
    #[error(
        "{segment} mismatch at byte {byte}: received {received:#010x}, computed {computed:#010x}"
    )]
    DigestMismatch {
        /// Header or data digest.
        segment: DigestSegment,
        /// Offset of the digest in the PDU.
        byte: usize,
        /// The digest on the wire.
        received: u32,
        /// The digest computed over the bytes received.
        computed: u32,
    },
    /// A field holds a value this PDU cannot carry.
    #[error("invalid {field} at byte {byte}: {value:#x} ({reason})")]
    InvalidField {
        /// The RFC 7143 field name (`"TotalAHSLength"`, `"SenseLength"`, …).
        field: &'static str,
        /// Offset of the field in the PDU.
        byte: usize,
        /// The offending value.
        value: u64,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// A variable-length part is too long for its length field (encode side).
    #[error("{field} too long to encode: {len} bytes, at most {max}")]
    TooLong {
        /// The part (`"DataSegment"`, `"AHS"`, `"CDB"`).
        field: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The most the length field can describe.
        max: usize,
    },
    /// The caller's output buffer is too small (encode side).
    #[error("output buffer too small: {needed} bytes needed, {available} available")]
    BufferTooSmall {
        /// Bytes the encoded PDU needs.
        needed: usize,
        /// Bytes in the buffer.
        available: usize,
    },
}
