//! Private big-endian field helpers shared by the views and command builders.
//!
//! Invariant: callers check the buffer length before calling the plain readers/writers (they
//! index directly); the `opt_*` readers return `None` instead when the field lies beyond the
//! buffer, which is how views expose fields that only longer versions of a structure define.

use crate::cdb::CdbError;

/// Big-endian `u16` at `at..at + 2`. Panics if out of range (callers check lengths first).
pub(crate) fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// Big-endian `u32` at `at..at + 4`.
pub(crate) fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Big-endian `u16`, or `None` when the buffer ends before the field does.
pub(crate) fn opt_be16(b: &[u8], at: usize) -> Option<u16> {
    let f = b.get(at..at + 2)?;
    Some(u16::from_be_bytes([f[0], f[1]]))
}

/// Big-endian `u32`, or `None` when the buffer ends before the field does.
pub(crate) fn opt_be32(b: &[u8], at: usize) -> Option<u32> {
    let f = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([f[0], f[1], f[2], f[3]]))
}

/// Writes a big-endian `u16` at `at`.
pub(crate) fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_be_bytes());
}

/// Writes a big-endian `u32` at `at`.
pub(crate) fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

/// Sets or clears `mask` in `b[at]`.
pub(crate) fn set_bit(b: &mut [u8], at: usize, mask: u8, on: bool) {
    if on {
        b[at] |= mask;
    } else {
        b[at] &= !mask;
    }
}

/// Replaces the bits of `mask` in `b[at]` by `value << shift` (excess bits of `value` dropped).
pub(crate) fn set_bits(b: &mut [u8], at: usize, mask: u8, shift: u32, value: u8) {
    b[at] = (b[at] & !mask) | ((value << shift) & mask);
}

/// Common CDB checks: byte 0 must be `opcode` and the length must be exactly `len`.
///
/// # Errors
/// [`CdbError::Opcode`] for another opcode, [`CdbError::Length`] for another length (also for
/// an empty slice).
pub(crate) fn check_cdb(cdb: &[u8], opcode: u8, len: usize) -> Result<(), CdbError> {
    match cdb.first() {
        None => Err(CdbError::Length { opcode, len: 0 }),
        Some(&found) if found != opcode => Err(CdbError::Opcode {
            expected: opcode,
            found,
        }),
        Some(_) if cdb.len() != len => Err(CdbError::Length {
            opcode,
            len: cdb.len(),
        }),
        Some(_) => Ok(()),
    }
}

/// Copies `text` into `field`, padding with ASCII spaces (and truncating if too long).
pub(crate) fn put_space_padded(field: &mut [u8], text: &str) {
    let src = text.as_bytes();
    for (i, dst) in field.iter_mut().enumerate() {
        *dst = src.get(i).copied().unwrap_or(b' ');
    }
}

/// `bytes` as text with trailing spaces and NULs removed; non-ASCII bytes become U+FFFD.
pub(crate) fn trimmed_ascii(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .map_or(0, |p| p + 1);
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// Getter for a one-bit field: `name: byte, bit`. Used inside `impl<B: AsRef<[u8]>>` of views
/// holding `buffer: B`.
macro_rules! get_flag {
    ($(#[$m:meta])* $name:ident: $byte:expr, $bit:expr) => {
        $(#[$m])*
        pub fn $name(&self) -> bool {
            self.buffer.as_ref()[$byte] & (1u8 << $bit) != 0
        }
    };
}

/// Setter for a one-bit field: `name: byte, bit`.
macro_rules! set_flag {
    ($(#[$m:meta])* $name:ident: $byte:expr, $bit:expr) => {
        $(#[$m])*
        pub fn $name(&mut self, value: bool) {
            crate::wire::set_bit(self.buffer.as_mut(), $byte, 1u8 << $bit, value)
        }
    };
}

pub(crate) use {get_flag, set_flag};
