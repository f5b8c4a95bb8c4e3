//! CRC32C header and data digests.
//!
//! The digest is CRC32C (Castagnoli, generator 0x11EDC6F41, reflected, initial value and final
//! XOR all ones: `crc::CRC_32_ISCSI`). On the wire the 32-bit result is sent least significant
//! byte first: 32 zero bytes digest to 0x8A9136AA, sent as `aa 36 91 8a`.
//!
//! Spec: RFC 7143 §11.2.3 (placement), §13.1 (HeaderDigest/DataDigest keys); CRC examples:
//! RFC 3720 Appendix B.4 (the RFC 7143 appendix number is §?).

use crc::{Crc, CRC_32_ISCSI};

const CRC32C: Crc<u32> = Crc::<u32>::new(&CRC_32_ISCSI);

/// Length of one digest on the wire, in bytes.
pub const DIGEST_LEN: usize = 4;

/// Which digests the connection negotiated (HeaderDigest / DataDigest = CRC32C).
///
/// Digests apply only after the Login Phase (RFC 7143 §13.1): pass [`Digests::NONE`] while
/// logging in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Digests {
    /// A header digest follows the BHS and AHSs.
    pub header: bool,
    /// A data digest follows the (padded) data segment when the segment is not empty.
    pub data: bool,
}

impl Digests {
    /// Neither digest (the default and the Login Phase setting).
    pub const NONE: Digests = Digests {
        header: false,
        data: false,
    };
    /// Both digests.
    pub const BOTH: Digests = Digests {
        header: true,
        data: true,
    };
}

/// CRC32C of `bytes` (the value; see the module doc for the wire byte order).
///
/// Spec: RFC 7143 §13.1.
pub fn crc32c(bytes: &[u8]) -> u32 {
    CRC32C.checksum(bytes)
}

/// CRC32C over several slices as if they were concatenated.
pub(crate) fn crc32c_parts(parts: &[&[u8]]) -> u32 {
    let mut digest = CRC32C.digest();
    for part in parts {
        digest.update(part);
    }
    digest.finalize()
}
