//! Charset detection (UTF-8 / UTF-8 with BOM / Windows-1252) and the line tokenizer.

use super::{Charset, CueError, CueErrorKind, SourcePos};

/// Windows-1252 bytes 80h–9Fh as Unicode scalar values (WHATWG Encoding Standard
/// `index-windows-1252`; the five bytes the code page leaves undefined — 81h, 8Dh, 8Fh, 90h,
/// 9Dh — map to the C1 control with the same value). 00h–7Fh are ASCII, A0h–FFh are U+00A0–U+00FF.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Decodes one Windows-1252 byte.
pub(crate) fn windows_1252_char(byte: u8) -> char {
    match byte {
        0x80..=0x9f => WINDOWS_1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Encodes one character in Windows-1252, `None` if it has no byte.
pub(crate) fn windows_1252_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        0x00..=0x7f | 0xa0..=0xff => u8::try_from(u32::from(c)).ok(),
        _ => WINDOWS_1252_HIGH
            .iter()
            .position(|&h| h == c)
            .and_then(|i| u8::try_from(0x80 + i).ok()),
    }
}

/// Encodes text in Windows-1252.
pub(crate) fn encode_windows_1252(text: &str) -> Result<Vec<u8>, CueError> {
    text.chars()
        .map(|c| {
            windows_1252_byte(c).ok_or(CueError {
                line: 0,
                column: 0,
                kind: CueErrorKind::NotEncodable(u32::from(c)),
            })
        })
        .collect()
}

/// Bytes → text per the module rule.
pub(crate) fn decode(bytes: &[u8]) -> Result<(String, Charset), CueError> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(CueError {
            line: 1,
            column: 1,
            kind: CueErrorKind::Utf16,
        });
    }
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_owned(), Charset::Utf8WithBom)),
            Err(e) => {
                // Position of the first bad byte: count lines and characters in the valid prefix.
                let valid = rest
                    .get(..e.valid_up_to())
                    .and_then(|p| std::str::from_utf8(p).ok())
                    .unwrap_or_default();
                let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
                let line = 1 + valid.matches('\n').count();
                let column = 1 + valid.get(line_start..).unwrap_or_default().chars().count();
                Err(CueError {
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    column: u32::try_from(column).unwrap_or(u32::MAX),
                    kind: CueErrorKind::InvalidUtf8AfterBom,
                })
            }
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), Charset::Utf8)),
        Err(_) => Ok((super::decode_windows_1252(bytes), Charset::Windows1252)),
    }
}

/// One line of text with its number, control characters checked, CR of CRLF removed.
pub(crate) struct Line<'a> {
    pub(crate) number: u32,
    pub(crate) text: &'a str,
}

/// Splits text into lines (LF or CRLF) and rejects C0 controls other than TAB.
pub(crate) fn lines(text: &str) -> Result<Vec<Line<'_>>, CueError> {
    let mut out = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let body = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some((col, c)) = body
            .chars()
            .enumerate()
            .find(|(_, c)| u32::from(*c) < 0x20 && *c != '\t')
        {
            return Err(CueError {
                line: number,
                column: u32::try_from(col + 1).unwrap_or(u32::MAX),
                kind: CueErrorKind::ControlCharacter(u32::from(c)),
            });
        }
        out.push(Line { number, text: body });
    }
    Ok(out)
}

/// A word or quoted string of a line.
#[derive(Debug, Clone)]
pub(crate) struct Token<'a> {
    /// The text (without quotes for a quoted string).
    pub(crate) text: &'a str,
    /// Whether it was quoted.
    pub(crate) quoted: bool,
    /// Where it starts (the opening quote for a quoted string).
    pub(crate) pos: SourcePos,
}

/// Reads the tokens of one line left to right.
pub(crate) struct Cursor<'a> {
    line: u32,
    text: &'a str,
    /// Byte offset of the next unread character.
    offset: usize,
    /// Column (1-based, characters) of the next unread character.
    column: u32,
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(line: &Line<'a>) -> Cursor<'a> {
        Cursor {
            line: line.number,
            text: line.text,
            offset: 0,
            column: 1,
        }
    }

    fn pos(&self) -> SourcePos {
        SourcePos {
            line: self.line,
            column: self.column,
        }
    }

    fn remaining(&self) -> &'a str {
        self.text.get(self.offset..).unwrap_or_default()
    }

    fn advance(&mut self, c: char) {
        self.offset += c.len_utf8();
        self.column = self.column.saturating_add(1);
    }

    fn skip_blanks(&mut self) {
        while let Some(c) = self.remaining().chars().next().filter(|c| is_blank(*c)) {
            self.advance(c);
        }
    }

    /// Where the next token starts (after blanks), for errors about a missing argument.
    pub(crate) fn next_pos(&mut self) -> SourcePos {
        self.skip_blanks();
        self.pos()
    }

    /// The next token, `None` at the end of the line.
    pub(crate) fn next_token(&mut self) -> Result<Option<Token<'a>>, CueError> {
        self.skip_blanks();
        let start = self.pos();
        let rest = self.remaining();
        let Some(first) = rest.chars().next() else {
            return Ok(None);
        };
        if first == '"' {
            self.advance(first);
            let body = self.remaining();
            let Some(end) = body.find('"') else {
                return Err(CueError::at(start, CueErrorKind::UnterminatedQuote));
            };
            let inner = body.get(..end).unwrap_or_default();
            for c in inner.chars() {
                self.advance(c);
            }
            self.advance('"');
            if let Some(c) = self.remaining().chars().next() {
                if !is_blank(c) {
                    let glued = self.remaining().split(is_blank).next().unwrap_or_default();
                    return Err(CueError::at(
                        self.pos(),
                        CueErrorKind::StrayQuote(format!("\"{inner}\"{glued}")),
                    ));
                }
            }
            return Ok(Some(Token {
                text: inner,
                quoted: true,
                pos: start,
            }));
        }
        let word_len = rest.find(is_blank).unwrap_or(rest.len());
        let word = rest.get(..word_len).unwrap_or_default();
        if word.contains('"') {
            return Err(CueError::at(
                start,
                CueErrorKind::StrayQuote(word.to_owned()),
            ));
        }
        for c in word.chars() {
            self.advance(c);
        }
        Ok(Some(Token {
            text: word,
            quoted: false,
            pos: start,
        }))
    }

    /// The rest of the line with surrounding blanks removed (for `REM`).
    pub(crate) fn rest_trimmed(&mut self) -> &'a str {
        let rest = self.remaining().trim_matches(is_blank);
        self.offset = self.text.len();
        rest
    }

    /// Errors if anything but blanks remains.
    pub(crate) fn expect_end(&mut self) -> Result<(), CueError> {
        self.skip_blanks();
        let pos = self.pos();
        let rest = self.remaining();
        if rest.is_empty() {
            Ok(())
        } else {
            Err(CueError::at(
                pos,
                CueErrorKind::TrailingText(rest.to_owned()),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_high_half_matches_the_code_page() {
        // Spot checks against the Windows-1252 code chart: 80h euro sign, 92h right single
        // quotation mark, 9Fh Y with diaeresis, 81h undefined (kept as U+0081), E9h e acute.
        assert_eq!(windows_1252_char(0x80), '€');
        assert_eq!(windows_1252_char(0x92), '\u{2019}');
        assert_eq!(windows_1252_char(0x9f), 'Ÿ');
        assert_eq!(windows_1252_char(0x81), '\u{81}');
        assert_eq!(windows_1252_char(0xe9), 'é');
        assert_eq!(windows_1252_char(b'A'), 'A');
    }

    #[test]
    fn windows_1252_every_byte_round_trips() {
        for b in 0..=255u8 {
            assert_eq!(windows_1252_byte(windows_1252_char(b)), Some(b), "{b:#04x}");
        }
        assert_eq!(windows_1252_byte('\u{80}'), None);
        assert_eq!(windows_1252_byte('日'), None);
    }

    #[test]
    fn decode_invalid_utf8_is_windows_1252() {
        // "Caf" E9 (é in cp1252; a lone E9 is invalid UTF-8) 93 "q" 94 (curly quotes).
        let (text, cs) = decode(b"Caf\xe9 \x93q\x94").unwrap();
        assert_eq!(cs, Charset::Windows1252);
        assert_eq!(text, "Café \u{201c}q\u{201d}");
    }

    #[test]
    fn decode_bom_then_invalid_utf8_reports_position() {
        let err = decode(b"\xef\xbb\xbfREM a\nREM \xc3\xa9\xe9").unwrap_err();
        assert_eq!((err.line, err.column), (2, 6));
        assert_eq!(err.kind, CueErrorKind::InvalidUtf8AfterBom);
    }

    #[test]
    fn decode_utf16_bom_is_rejected() {
        let err = decode(b"\xff\xfeF\0").unwrap_err();
        assert_eq!(err.kind, CueErrorKind::Utf16);
    }

    #[test]
    fn cursor_reads_quoted_and_unquoted_tokens_with_columns() {
        let lines = lines("  TITLE \"A b\"\tx").unwrap();
        let mut c = Cursor::new(&lines[0]);
        let t = c.next_token().unwrap().unwrap();
        assert_eq!((t.text, t.quoted, t.pos.column), ("TITLE", false, 3));
        let t = c.next_token().unwrap().unwrap();
        assert_eq!((t.text, t.quoted, t.pos.column), ("A b", true, 9));
        let t = c.next_token().unwrap().unwrap();
        assert_eq!((t.text, t.quoted, t.pos.column), ("x", false, 15));
        assert!(c.next_token().unwrap().is_none());
    }

    #[test]
    fn cursor_glued_quote_is_an_error() {
        let lines = lines("TITLE \"a\"b").unwrap();
        let mut c = Cursor::new(&lines[0]);
        c.next_token().unwrap();
        let err = c.next_token().unwrap_err();
        assert_eq!(err.column, 10);
        assert!(matches!(err.kind, CueErrorKind::StrayQuote(_)));
    }

    #[test]
    fn lines_reject_nul_and_lone_cr() {
        assert_eq!(
            lines("REM a\0").err().map(|e| (e.line, e.column)),
            Some((1, 6))
        );
        assert_eq!(
            lines("A\nB\rC\r\n").err().map(|e| (e.line, e.column)),
            Some((2, 2))
        );
        assert!(lines("A\r\nB\r\n").is_ok());
    }
}
