//! The statement parser: text → [`CueSheet`], enforcing the module's structure rules.

use discmaster_core::Msf;

use super::text::{lines, Cursor, Token};
use super::{
    msf_frames, CdText, CdTextField, Charset, CueError, CueErrorKind, CueFile, CueIndex, CueSheet,
    CueTrack, FileFormat, Isrc, Mcn, Rem, SourcePos, TrackFlags, TrackMode,
};

/// Parser state between statements.
struct Parser {
    sheet: CueSheet,
    /// Whether the last `FILE` has an `INDEX` yet.
    current_file_used: bool,
    /// The time of the last `INDEX` in the current `FILE` (frames).
    last_time_in_file: Option<Msf>,
}

pub(crate) fn parse_text(text: &str, charset: Charset) -> Result<CueSheet, CueError> {
    let lines = lines(text)?;
    let mut p = Parser {
        sheet: CueSheet {
            charset,
            catalog: None,
            cd_text_file: None,
            cd_text: CdText::default(),
            rems: Vec::new(),
            files: Vec::new(),
            tracks: Vec::new(),
        },
        current_file_used: false,
        last_time_in_file: None,
    };
    for line in &lines {
        let mut cur = Cursor::new(line);
        let Some(keyword) = cur.next_token()? else {
            continue;
        };
        p.statement(&keyword, &mut cur)?;
    }
    let end = SourcePos {
        line: u32::try_from(lines.len()).unwrap_or(u32::MAX),
        column: 1,
    };
    p.finish(end)
}

/// A required argument token.
fn argument<'a>(
    cur: &mut Cursor<'a>,
    keyword: &'static str,
    expected: &'static str,
) -> Result<Token<'a>, CueError> {
    let pos = cur.next_pos();
    cur.next_token()?.ok_or(CueError::at(
        pos,
        CueErrorKind::MissingArgument { keyword, expected },
    ))
}

/// A required unquoted word (keywords, numbers, times may not be quoted).
fn word<'a>(
    cur: &mut Cursor<'a>,
    keyword: &'static str,
    expected: &'static str,
) -> Result<Token<'a>, CueError> {
    let t = argument(cur, keyword, expected)?;
    if t.quoted {
        // A quoted value where a word belongs: report it like any other bad value.
        return Err(CueError::at(
            t.pos,
            CueErrorKind::MissingArgument { keyword, expected },
        ));
    }
    Ok(t)
}

/// Parses `digits` (1–3 ASCII digits) as a number.
fn small_number(text: &str) -> Option<u32> {
    (!text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// Parses `mm:ss:ff`.
fn parse_time(token: &Token<'_>) -> Result<Msf, CueError> {
    let bad = || CueError::at(token.pos, CueErrorKind::InvalidTime(token.text.to_owned()));
    let mut parts = token.text.split(':');
    let (Some(m), Some(s), Some(f), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let (Some(m), Some(s), Some(f)) = (small_number(m), small_number(s), small_number(f)) else {
        return Err(bad());
    };
    let (Ok(m), Ok(s), Ok(f)) = (u8::try_from(m), u8::try_from(s), u8::try_from(f)) else {
        return Err(bad());
    };
    Msf::new(m, s, f).ok_or_else(bad)
}

impl Parser {
    fn statement(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        if keyword.quoted {
            return Err(CueError::at(
                keyword.pos,
                CueErrorKind::UnknownKeyword(format!("\"{}\"", keyword.text)),
            ));
        }
        let k = keyword.text.to_ascii_uppercase();
        match k.as_str() {
            "REM" => {
                let rem = Rem {
                    text: cur.rest_trimmed().to_owned(),
                };
                match self.sheet.tracks.last_mut() {
                    Some(t) => t.rems.push(rem),
                    None => self.sheet.rems.push(rem),
                }
                return Ok(());
            }
            "CATALOG" => self.catalog(keyword, cur)?,
            "CDTEXTFILE" => self.cd_text_file(keyword, cur)?,
            "FILE" => self.file(keyword, cur)?,
            "TRACK" => self.track(keyword, cur)?,
            "FLAGS" => {
                self.flags(keyword, cur)?;
                // `flags` consumes every word; nothing can trail.
                return Ok(());
            }
            "ISRC" => self.isrc(keyword, cur)?,
            "PREGAP" => self.pregap(keyword, cur)?,
            "POSTGAP" => self.postgap(keyword, cur)?,
            "INDEX" => self.index(keyword, cur)?,
            _ => match CdTextField::from_keyword(&k) {
                Some(field) => self.cd_text_field(field, keyword, cur)?,
                None => {
                    return Err(CueError::at(
                        keyword.pos,
                        CueErrorKind::UnknownKeyword(keyword.text.to_owned()),
                    ))
                }
            },
        }
        cur.expect_end()
    }

    fn disc_only(&self, keyword: &Token<'_>, name: &'static str) -> Result<(), CueError> {
        if self.sheet.tracks.is_empty() {
            Ok(())
        } else {
            Err(CueError::at(keyword.pos, CueErrorKind::DiscOnly(name)))
        }
    }

    fn current_track(
        &mut self,
        keyword: &Token<'_>,
        name: &'static str,
    ) -> Result<&mut CueTrack, CueError> {
        self.sheet.tracks.last_mut().ok_or(CueError::at(
            keyword.pos,
            CueErrorKind::BeforeFirstTrack(name),
        ))
    }

    fn catalog(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        self.disc_only(keyword, "CATALOG")?;
        if self.sheet.catalog.is_some() {
            return Err(CueError::at(
                keyword.pos,
                CueErrorKind::Duplicate("CATALOG"),
            ));
        }
        let t = argument(cur, "CATALOG", "a 13-digit catalog number")?;
        let mcn = Mcn::new(t.text)
            .ok_or_else(|| CueError::at(t.pos, CueErrorKind::InvalidCatalog(t.text.to_owned())))?;
        self.sheet.catalog = Some(mcn);
        Ok(())
    }

    fn cd_text_file(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        self.disc_only(keyword, "CDTEXTFILE")?;
        if self.sheet.cd_text_file.is_some() {
            return Err(CueError::at(
                keyword.pos,
                CueErrorKind::Duplicate("CDTEXTFILE"),
            ));
        }
        let t = argument(cur, "CDTEXTFILE", "a file name")?;
        self.sheet.cd_text_file = Some(t.text.to_owned());
        Ok(())
    }

    fn cd_text_field(
        &mut self,
        field: CdTextField,
        keyword: &Token<'_>,
        cur: &mut Cursor<'_>,
    ) -> Result<(), CueError> {
        let name = field.keyword();
        if field.is_disc_only() {
            self.disc_only(keyword, name)?;
        }
        let value = argument(cur, name, "a string")?.text.to_owned();
        let target = match self.sheet.tracks.last_mut() {
            Some(t) => &mut t.cd_text,
            None => &mut self.sheet.cd_text,
        };
        if target.get(field).is_some() {
            return Err(CueError::at(keyword.pos, CueErrorKind::Duplicate(name)));
        }
        target.set(field, Some(value));
        Ok(())
    }

    fn file(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        self.check_last_file_used()?;
        let name = argument(cur, "FILE", "a file name and type")?;
        let kind = word(
            cur,
            "FILE",
            "a type (BINARY, MOTOROLA, WAVE, FLAC, MP3 or AIFF)",
        )?;
        let file_format = FileFormat::from_keyword(kind.text).ok_or_else(|| {
            CueError::at(
                kind.pos,
                CueErrorKind::UnknownFileFormat(kind.text.to_owned()),
            )
        })?;
        self.sheet.files.push(CueFile {
            name: name.text.to_owned(),
            file_format,
            pos: keyword.pos,
        });
        self.current_file_used = false;
        self.last_time_in_file = None;
        Ok(())
    }

    fn check_last_file_used(&self) -> Result<(), CueError> {
        match self.sheet.files.last() {
            Some(f) if !self.current_file_used => Err(CueError::at(
                f.pos,
                CueErrorKind::FileWithoutIndex(f.name.clone()),
            )),
            _ => Ok(()),
        }
    }

    fn track(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        if self.sheet.files.is_empty() {
            return Err(CueError::at(keyword.pos, CueErrorKind::TrackBeforeFile));
        }
        let n = word(cur, "TRACK", "a number and a mode")?;
        let number = small_number(n.text)
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| (1..=99).contains(v))
            .ok_or_else(|| {
                CueError::at(n.pos, CueErrorKind::InvalidTrackNumber(n.text.to_owned()))
            })?;
        let m = word(cur, "TRACK", "a mode (AUDIO, MODE1/2352, …)")?;
        let track_mode = TrackMode::from_keyword(m.text).ok_or_else(|| {
            CueError::at(m.pos, CueErrorKind::UnknownTrackMode(m.text.to_owned()))
        })?;
        if let Some(prev) = self.sheet.tracks.last() {
            check_track_complete(prev)?;
            if Some(number) != prev.number.checked_add(1) {
                return Err(CueError::at(
                    n.pos,
                    CueErrorKind::TrackNotConsecutive {
                        previous: prev.number,
                        found: number,
                    },
                ));
            }
        }
        self.sheet.tracks.push(CueTrack {
            number,
            track_mode,
            flags: TrackFlags::default(),
            isrc: None,
            pregap: None,
            postgap: None,
            indexes: Vec::new(),
            cd_text: CdText::default(),
            rems: Vec::new(),
            pos: keyword.pos,
        });
        Ok(())
    }

    fn flags(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        let track = self.current_track(keyword, "FLAGS")?;
        if !track.flags.is_empty() {
            return Err(CueError::at(keyword.pos, CueErrorKind::Duplicate("FLAGS")));
        }
        let mut flags = TrackFlags::default();
        let mut any = false;
        while let Some(t) = cur.next_token()? {
            let slot = match t.text.to_ascii_uppercase().as_str() {
                _ if t.quoted => None,
                "DCP" => Some(&mut flags.digital_copy_permitted),
                "4CH" => Some(&mut flags.four_channel),
                "PRE" => Some(&mut flags.pre_emphasis),
                "SCMS" => Some(&mut flags.serial_copy_management),
                _ => None,
            };
            match slot {
                Some(s) => *s = true,
                None => {
                    return Err(CueError::at(
                        t.pos,
                        CueErrorKind::UnknownFlag(t.text.to_owned()),
                    ))
                }
            }
            any = true;
        }
        if !any {
            return Err(CueError::at(keyword.pos, CueErrorKind::EmptyFlags));
        }
        track.flags = flags;
        Ok(())
    }

    fn isrc(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        let t = argument(cur, "ISRC", "a 12-character ISRC")?;
        let track = self.current_track(keyword, "ISRC")?;
        if track.isrc.is_some() {
            return Err(CueError::at(keyword.pos, CueErrorKind::Duplicate("ISRC")));
        }
        let isrc = Isrc::new(t.text)
            .ok_or_else(|| CueError::at(t.pos, CueErrorKind::InvalidIsrc(t.text.to_owned())))?;
        track.isrc = Some(isrc);
        Ok(())
    }

    fn pregap(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        let t = word(cur, "PREGAP", "a duration mm:ss:ff")?;
        let time = parse_time(&t)?;
        let track = self.current_track(keyword, "PREGAP")?;
        if track.pregap.is_some() {
            return Err(CueError::at(keyword.pos, CueErrorKind::Duplicate("PREGAP")));
        }
        if !track.indexes.is_empty() {
            return Err(CueError::at(keyword.pos, CueErrorKind::PregapAfterIndex));
        }
        track.pregap = Some(time);
        Ok(())
    }

    fn postgap(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        let t = word(cur, "POSTGAP", "a duration mm:ss:ff")?;
        let time = parse_time(&t)?;
        let track = self.current_track(keyword, "POSTGAP")?;
        if track.postgap.is_some() {
            return Err(CueError::at(
                keyword.pos,
                CueErrorKind::Duplicate("POSTGAP"),
            ));
        }
        if track.index(1).is_none() {
            return Err(CueError::at(
                keyword.pos,
                CueErrorKind::PostgapBeforeIndex01,
            ));
        }
        track.postgap = Some(time);
        Ok(())
    }

    fn index(&mut self, keyword: &Token<'_>, cur: &mut Cursor<'_>) -> Result<(), CueError> {
        let n = word(cur, "INDEX", "a number and a time mm:ss:ff")?;
        let number = small_number(n.text)
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| *v <= 99)
            .ok_or_else(|| {
                CueError::at(n.pos, CueErrorKind::InvalidIndexNumber(n.text.to_owned()))
            })?;
        let t = word(cur, "INDEX", "a time mm:ss:ff")?;
        let time = parse_time(&t)?;
        let file = self.sheet.files.len().saturating_sub(1);
        let file_format = self.sheet.files.last().map(|f| f.file_format);
        let last_time = self.last_time_in_file;
        let track = self.current_track(keyword, "INDEX")?;
        if track.postgap.is_some() {
            return Err(CueError::at(keyword.pos, CueErrorKind::IndexAfterPostgap));
        }
        match track.indexes.last() {
            None if number > 1 => {
                return Err(CueError::at(
                    n.pos,
                    CueErrorKind::FirstIndexNotZeroOrOne(number),
                ))
            }
            Some(prev) if number <= prev.number => {
                return Err(CueError::at(
                    n.pos,
                    CueErrorKind::IndexNotAscending {
                        previous: prev.number,
                        found: number,
                    },
                ))
            }
            _ => {}
        }
        if let Some(previous) = last_time.filter(|p| msf_frames(*p) > msf_frames(time)) {
            return Err(CueError::at(
                t.pos,
                CueErrorKind::TimeDecreasing {
                    previous,
                    found: time,
                },
            ));
        }
        if let Some(ff) = file_format.filter(|f| f.is_audio_container()) {
            if track.track_mode != TrackMode::Audio {
                return Err(CueError::at(
                    keyword.pos,
                    CueErrorKind::AudioOnlyFile {
                        file_format: ff.keyword(),
                        track_mode: track.track_mode.keyword(),
                    },
                ));
            }
        }
        track.indexes.push(CueIndex {
            number,
            file,
            time,
            pos: keyword.pos,
        });
        self.current_file_used = true;
        self.last_time_in_file = Some(time);
        Ok(())
    }

    fn finish(self, end: SourcePos) -> Result<CueSheet, CueError> {
        self.check_last_file_used()?;
        match self.sheet.tracks.last() {
            None => return Err(CueError::at(end, CueErrorKind::NoTracks)),
            Some(last) => check_track_complete(last)?,
        }
        Ok(self.sheet)
    }
}

fn check_track_complete(track: &CueTrack) -> Result<(), CueError> {
    if track.index(1).is_none() {
        return Err(CueError::at(
            track.pos,
            CueErrorKind::MissingIndex01(track.number),
        ));
    }
    Ok(())
}
