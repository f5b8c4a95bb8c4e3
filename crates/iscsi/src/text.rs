//! Text key=value lists (the data segment of Login and Text PDUs) and the value encodings.
//!
//! Shape: a sequence of `key=value` items, each terminated by one NUL (0x00) byte, in UTF-8.
//! Keys are standard labels: they start with a capital letter, use letters, digits, `.`, `-`,
//! `+`, `@`, `_` (and `#` for `X#` public extension keys) and are at most 63 bytes long.
//! Numbers are decimal, hex (`0x`/`0X`) or base64 (`0b`/`0B`); binary values (CHAP challenges
//! and responses) are hex or base64. Spec: RFC 7143 §6.1.
//!
//! A key=value pair may be split across PDUs that set the C bit: concatenate the text of a
//! continued sequence before calling [`parse_text`], and use [`split_text`] to cut a long list
//! into PDU-sized pieces.

use std::fmt;

/// Longest key name, in bytes. Spec: RFC 7143 §6.1.
pub const MAX_KEY_LEN: usize = 63;

/// A text list or value could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// An item has no `=`.
    #[error("text byte {offset}: item has no '='")]
    MissingEquals {
        /// Offset of the item in the text.
        offset: usize,
    },
    /// The last item is not NUL-terminated (the text may continue in the next PDU).
    #[error("text byte {offset}: last item is not NUL-terminated")]
    Unterminated {
        /// Offset of the item in the text.
        offset: usize,
    },
    /// An empty item (two NULs in a row) before the end of the text.
    #[error("text byte {offset}: empty item")]
    EmptyItem {
        /// Offset of the empty item.
        offset: usize,
    },
    /// The key is not a standard label.
    #[error("text byte {offset}: invalid key {key:?}: {reason}")]
    InvalidKey {
        /// Offset of the item.
        offset: usize,
        /// The key as received (lossy UTF-8).
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The item is not valid UTF-8.
    #[error("text byte {offset}: item is not UTF-8")]
    NotUtf8 {
        /// Offset of the item.
        offset: usize,
    },
    /// A value does not have the expected form.
    #[error("invalid value {value:?}: expected {expected}")]
    InvalidValue {
        /// The value as received.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
}

/// An ordered key=value list, duplicates kept (SendTargets responses repeat keys).
///
/// Spec: RFC 7143 §6.1.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TextParameters(pub Vec<(String, String)>);

impl TextParameters {
    /// An empty list.
    pub fn new() -> TextParameters {
        TextParameters(Vec::new())
    }

    /// Appends `key=value`.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.push((key.into(), value.into()));
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses a text data segment (see [`parse_text`]).
    ///
    /// # Errors
    /// As [`parse_text`].
    pub fn parse(bytes: &[u8]) -> Result<TextParameters, TextError> {
        parse_text(bytes).map(TextParameters)
    }

    /// Emits the pairs as `key=value\0…` (see [`emit_text`]).
    pub fn emit(&self) -> Vec<u8> {
        emit_text(self.iter())
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for TextParameters {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        TextParameters(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

fn check_key(key: &str, offset: usize) -> Result<(), TextError> {
    let bad = |reason| {
        Err(TextError::InvalidKey {
            offset,
            key: key.to_string(),
            reason,
        })
    };
    if key.is_empty() {
        return bad("empty key");
    }
    if key.len() > MAX_KEY_LEN {
        return bad("longer than 63 bytes");
    }
    if !key.as_bytes()[0].is_ascii_uppercase() {
        return bad("does not start with a capital letter");
    }
    let ok = key
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+' | b'@' | b'_' | b'#'));
    if !ok {
        return bad("character outside letters, digits and . - + @ _ #");
    }
    Ok(())
}

/// Parses a complete text data segment into ordered pairs.
///
/// Shape: `key=value\0key=value\0…`; trailing NUL bytes after the last item are accepted
/// (padding). Values may be empty. Spec: RFC 7143 §6.1.
///
/// # Errors
/// [`TextError`] naming the byte offset of the first bad item: no `=`, an invalid key, not UTF-8,
/// an empty item in the middle, or a last item without its NUL.
pub fn parse_text(bytes: &[u8]) -> Result<Vec<(String, String)>, TextError> {
    let mut out = Vec::new();
    let end = bytes.len();
    let mut at = 0;
    while at < end {
        let Some(nul) = bytes[at..].iter().position(|&b| b == 0) else {
            return Err(TextError::Unterminated { offset: at });
        };
        let item = &bytes[at..at + nul];
        if item.is_empty() {
            if bytes[at..].iter().all(|&b| b == 0) {
                break;
            }
            return Err(TextError::EmptyItem { offset: at });
        }
        let text = std::str::from_utf8(item).map_err(|_| TextError::NotUtf8 { offset: at })?;
        let Some((key, value)) = text.split_once('=') else {
            return Err(TextError::MissingEquals { offset: at });
        };
        check_key(key, at)?;
        out.push((key.to_string(), value.to_string()));
        at += nul + 1;
    }
    Ok(out)
}

/// Emits pairs as `key=value\0…`.
///
/// Shape: as [`parse_text`]. Keys and values are written as given; values must not contain NUL.
pub fn emit_text<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in pairs {
        out.extend_from_slice(k.as_bytes());
        out.push(b'=');
        out.extend_from_slice(v.as_bytes());
        out.push(0);
    }
    out
}

/// Cuts an emitted text into pieces of at most `max_len` bytes (the peer's
/// MaxRecvDataSegmentLength); every piece but the last goes out with the C bit set.
///
/// Units: bytes. A `max_len` of 0 is treated as 1.
pub fn split_text(text: &[u8], max_len: usize) -> Vec<&[u8]> {
    if text.is_empty() {
        return vec![text];
    }
    text.chunks(max_len.max(1)).collect()
}

/// Parses a numerical value: decimal, `0x` hex or `0b` base64 (big-endian), below 2⁶⁴.
///
/// Spec: RFC 7143 §6.1 (decimal-constant, hex-constant, base64-constant).
///
/// # Errors
/// [`TextError::InvalidValue`] for anything else or a value of 2⁶⁴ or more.
pub fn parse_number(value: &str) -> Result<u64, TextError> {
    let invalid = || TextError::InvalidValue {
        value: value.to_string(),
        expected: "a number below 2^64 (decimal, 0x hex or 0b base64)",
    };
    let bytes = value.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'0' && matches!(bytes[1], b'x' | b'X' | b'b' | b'B') {
        let raw = parse_binary(value).map_err(|_| invalid())?;
        let significant: Vec<u8> = raw.iter().copied().skip_while(|&b| b == 0).collect();
        if significant.len() > 8 {
            return Err(invalid());
        }
        return Ok(significant
            .iter()
            .fold(0u64, |n, &b| (n << 8) | u64::from(b)));
    }
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    value.parse::<u64>().map_err(|_| invalid())
}

/// Parses a boolean value (`Yes` or `No`, case sensitive).
///
/// Spec: RFC 7143 §6.1 (boolean-value).
///
/// # Errors
/// [`TextError::InvalidValue`] for anything else.
pub fn parse_boolean(value: &str) -> Result<bool, TextError> {
    match value {
        "Yes" => Ok(true),
        "No" => Ok(false),
        _ => Err(TextError::InvalidValue {
            value: value.to_string(),
            expected: "Yes or No",
        }),
    }
}

/// The text form of a boolean.
pub fn emit_boolean(value: bool) -> &'static str {
    if value {
        "Yes"
    } else {
        "No"
    }
}

/// Parses a binary value: `0x`/`0X` followed by hex digits (an odd count gets a leading zero
/// nibble) or `0b`/`0B` followed by base64 (RFC 4648, padding optional).
///
/// Spec: RFC 7143 §6.1 (hex-constant, base64-constant).
///
/// # Errors
/// [`TextError::InvalidValue`] for a missing prefix, no digits, or a bad digit.
pub fn parse_binary(value: &str) -> Result<Vec<u8>, TextError> {
    let bytes = value.as_bytes();
    let invalid = |expected| TextError::InvalidValue {
        value: value.to_string(),
        expected,
    };
    if bytes.len() < 3 || bytes[0] != b'0' {
        return Err(invalid("0x hex or 0b base64"));
    }
    match bytes[1] {
        b'x' | b'X' => decode_hex(&bytes[2..]).ok_or_else(|| invalid("hex digits after 0x")),
        b'b' | b'B' => {
            decode_base64(&bytes[2..]).ok_or_else(|| invalid("base64 characters after 0b"))
        }
        _ => Err(invalid("0x hex or 0b base64")),
    }
}

/// `0x` followed by lowercase hex, two digits per byte.
pub fn encode_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// `0b` followed by padded base64 (RFC 4648 §4).
pub fn encode_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(2 + bytes.len().div_ceil(3) * 4);
    s.push_str("0b");
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                s.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize]));
            } else {
                s.push('=');
            }
        }
    }
    s
}

fn hex_nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn decode_hex(digits: &[u8]) -> Option<Vec<u8>> {
    if digits.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len().div_ceil(2));
    let (first, rest) = if digits.len() % 2 == 1 {
        (Some(digits[0]), &digits[1..])
    } else {
        (None, digits)
    };
    if let Some(c) = first {
        out.push(hex_nibble(c)?);
    }
    for pair in rest.chunks(2) {
        out.push((hex_nibble(pair[0])? << 4) | hex_nibble(pair[1])?);
    }
    Some(out)
}

fn base64_sextet(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let body_len = text.iter().rposition(|&c| c != b'=').map_or(0, |p| p + 1);
    let (body, padding) = text.split_at(body_len);
    if body.is_empty() || padding.len() > 2 || body.len() % 4 == 1 {
        return None;
    }
    if !padding.is_empty() && (body.len() + padding.len()) % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= base64_sextet(c)? << (18 - 6 * i);
        }
        let bytes = chunk.len() - 1;
        for i in 0..bytes {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// Splits a list value at commas (list-of-values). Spec: RFC 7143 §6.1.
pub fn parse_list(value: &str) -> Vec<&str> {
    value.split(',').collect()
}

/// Renders a text data segment for logs: the items separated by `; `.
pub struct DisplayText<'a>(pub &'a [u8]);

impl fmt::Display for DisplayText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for item in self.0.split(|&b| b == 0).filter(|i| !i.is_empty()) {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            f.write_str(&String::from_utf8_lossy(item))?;
        }
        Ok(())
    }
}
