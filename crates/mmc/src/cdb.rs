//! The command descriptor block and the [`Command`] trait every command implements.

/// A CDB of 6, 10, 12 or 16 bytes (SPC-4 §4.2). The length follows the group code of byte 0:
/// group 0 (00h–1Fh) 6 bytes, groups 1–2 (20h–5Fh) 10, group 4 (80h–9Fh) 16, group 5
/// (A0h–BFh) 12. Groups 3, 6, 7 have no fixed length ([`Cdb::length_for_opcode`] is `None`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cdb {
    bytes: [u8; 16],
    len: u8,
}

impl Cdb {
    /// A zeroed CDB of `len` bytes with byte 0 = `opcode`. Panics if `len` is not 6..=16
    /// (a programming error: every caller passes a constant).
    pub fn new(opcode: u8, len: usize) -> Cdb {
        assert!((6..=16).contains(&len), "CDB length {len}");
        let mut bytes = [0u8; 16];
        bytes[0] = opcode;
        Cdb {
            bytes,
            len: len as u8,
        }
    }

    /// Copies `bytes` (6..=16 bytes) into a CDB.
    ///
    /// # Errors
    /// [`CdbError::Length`] when `bytes` is shorter than 6 or longer than 16 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Cdb, CdbError> {
        if !(6..=16).contains(&bytes.len()) {
            return Err(CdbError::Length {
                opcode: bytes.first().copied().unwrap_or(0),
                len: bytes.len(),
            });
        }
        let mut c = Cdb::new(bytes[0], bytes.len());
        c.bytes[..bytes.len()].copy_from_slice(bytes);
        Ok(c)
    }

    /// The CDB length the group code of `opcode` prescribes (SPC-4 §4.2.5.1), or `None` for
    /// groups 3 (reserved/variable), 6 and 7 (vendor specific).
    pub fn length_for_opcode(opcode: u8) -> Option<usize> {
        match opcode >> 5 {
            0 => Some(6),
            1 | 2 => Some(10),
            4 => Some(16),
            5 => Some(12),
            _ => None,
        }
    }

    /// The opcode (byte 0).
    pub fn opcode(&self) -> u8 {
        self.bytes[0]
    }

    /// The CDB bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// Mutable CDB bytes (for command builders).
    pub fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.bytes[..self.len as usize]
    }
}

impl std::fmt::Debug for Cdb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, b) in self.as_bytes().iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// Why a CDB could not be parsed. The emulator answers these with sense 5/24/00 (INVALID FIELD
/// IN CDB, field pointer = `byte`), or 5/20/00 for an unknown opcode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CdbError {
    /// The CDB is shorter or longer than the command requires.
    #[error("CDB of {len} bytes for opcode {opcode:02X}h")]
    Length {
        /// Byte 0.
        opcode: u8,
        /// Bytes given.
        len: usize,
    },
    /// Byte 0 is not the opcode of the command being parsed.
    #[error("opcode {found:02X}h where {expected:02X}h was expected")]
    Opcode {
        /// The command's opcode.
        expected: u8,
        /// Byte 0 of the CDB.
        found: u8,
    },
    /// A field holds a reserved or unsupported value.
    #[error("invalid field in CDB byte {byte} bit {bit:?}")]
    InvalidField {
        /// Byte offset of the field.
        byte: u16,
        /// Bit of the field's most significant bit, when the field is smaller than a byte.
        bit: Option<u8>,
    },
}

/// Why response or parameter bytes could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Fewer bytes than the structure needs.
    #[error("{what}: {got} bytes, at least {need} needed")]
    Truncated {
        /// The structure being parsed.
        what: &'static str,
        /// Bytes needed.
        need: usize,
        /// Bytes available.
        got: usize,
    },
    /// A field holds a value the structure does not allow.
    #[error("{what}: invalid value {value:#x} at byte {byte}")]
    InvalidField {
        /// The structure being parsed.
        what: &'static str,
        /// Byte offset.
        byte: usize,
        /// The value found.
        value: u32,
    },
}

/// Direction of a command's data phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataDirection {
    /// No data phase.
    None,
    /// Device to host.
    In,
    /// Host to device.
    Out,
}

/// One MMC/SPC command: its single definition, shared by host and emulator (STYLE rule 2).
pub trait Command: Sized {
    /// Operation code (byte 0).
    const OPCODE: u8;
    /// T10 name, e.g. `"READ DISC INFORMATION"`.
    const NAME: &'static str;
    /// CDB length in bytes.
    const CDB_LEN: usize;
    /// Direction of the data phase.
    const DIRECTION: DataDirection;

    /// Builds the CDB (typed → bytes).
    fn cdb(&self) -> Cdb;

    /// Parses a CDB (bytes → typed).
    ///
    /// # Errors
    /// [`CdbError`] for a wrong length or opcode, or a reserved value in a field this command
    /// interprets.
    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError>;

    /// Bytes of the data phase this CDB announces (allocation length, parameter list length,
    /// or blocks × block size where the size is fixed); `None` when it depends on drive state
    /// (WRITE(10) block size).
    fn transfer_len(&self) -> Option<usize>;
}
