//! The canonical writer: [`CueSheet`] → cue text, checked by reading it back.

use std::fmt::Write as _;

use discmaster_core::Msf;

use super::{CdText, CdTextField, Charset, CueError, CueErrorKind, CueSheet, Rem};

const EOL: &str = "\r\n";

fn not_writable(detail: String) -> CueError {
    CueError {
        line: 0,
        column: 0,
        kind: CueErrorKind::NotWritable(detail),
    }
}

/// A string as a quoted cue string; errors if it cannot be quoted.
fn quoted(what: &str, s: &str) -> Result<String, CueError> {
    if s.contains(['"', '\n', '\r']) {
        return Err(not_writable(format!(
            "{what} {s:?} contains a quote or a line break"
        )));
    }
    Ok(format!("\"{s}\""))
}

fn time(msf: Msf) -> String {
    format!("{:02}:{:02}:{:02}", msf.minute, msf.second, msf.frame)
}

fn write_rems(out: &mut String, indent: &str, rems: &[Rem]) {
    for rem in rems {
        if rem.text.is_empty() {
            let _ = write!(out, "{indent}REM{EOL}");
        } else {
            let _ = write!(out, "{indent}REM {}{EOL}", rem.text);
        }
    }
}

fn write_cd_text(out: &mut String, indent: &str, cd_text: &CdText) -> Result<(), CueError> {
    for field in CdTextField::ALL {
        if let Some(v) = cd_text.get(field) {
            let _ = write!(
                out,
                "{indent}{} {}{EOL}",
                field.keyword(),
                quoted(field.keyword(), v)?
            );
        }
    }
    Ok(())
}

fn write_file(out: &mut String, sheet: &CueSheet, file: usize) -> Result<(), CueError> {
    let f = sheet
        .files
        .get(file)
        .ok_or_else(|| not_writable(format!("an INDEX refers to FILE #{file}, which is absent")))?;
    let _ = write!(
        out,
        "FILE {} {}{EOL}",
        quoted("FILE name", &f.name)?,
        f.file_format.keyword()
    );
    Ok(())
}

pub(crate) fn to_cue_string(sheet: &CueSheet) -> Result<String, CueError> {
    let mut out = String::new();
    if sheet.charset == Charset::Utf8WithBom {
        out.push('\u{feff}');
    }
    write_rems(&mut out, "", &sheet.rems);
    if let Some(mcn) = &sheet.catalog {
        let _ = write!(out, "CATALOG {mcn}{EOL}");
    }
    if let Some(name) = &sheet.cd_text_file {
        let _ = write!(out, "CDTEXTFILE {}{EOL}", quoted("CDTEXTFILE", name)?);
    }
    write_cd_text(&mut out, "", &sheet.cd_text)?;
    let mut current_file: Option<usize> = None;
    for track in &sheet.tracks {
        if let Some(first) = track.indexes.first() {
            if current_file != Some(first.file) {
                write_file(&mut out, sheet, first.file)?;
                current_file = Some(first.file);
            }
        }
        let _ = write!(
            out,
            "  TRACK {:02} {}{EOL}",
            track.number,
            track.track_mode.keyword()
        );
        write_rems(&mut out, "    ", &track.rems);
        write_cd_text(&mut out, "    ", &track.cd_text)?;
        let f = track.flags;
        if !f.is_empty() {
            let words: Vec<&str> = [
                (f.digital_copy_permitted, "DCP"),
                (f.four_channel, "4CH"),
                (f.pre_emphasis, "PRE"),
                (f.serial_copy_management, "SCMS"),
            ]
            .into_iter()
            .filter_map(|(on, w)| on.then_some(w))
            .collect();
            let _ = write!(out, "    FLAGS {}{EOL}", words.join(" "));
        }
        if let Some(isrc) = &track.isrc {
            let _ = write!(out, "    ISRC {isrc}{EOL}");
        }
        if let Some(p) = track.pregap {
            let _ = write!(out, "    PREGAP {}{EOL}", time(p));
        }
        for index in &track.indexes {
            if current_file != Some(index.file) {
                write_file(&mut out, sheet, index.file)?;
                current_file = Some(index.file);
            }
            let _ = write!(
                out,
                "    INDEX {:02} {}{EOL}",
                index.number,
                time(index.time)
            );
        }
        if let Some(p) = track.postgap {
            let _ = write!(out, "    POSTGAP {}{EOL}", time(p));
        }
    }
    // The guarantee: what we write reads back equal. Anything the writer cannot express
    // (unused files, broken numbering, out-of-range times, REM text with edge blanks…) shows
    // up here instead of as a silently different sheet.
    match CueSheet::parse(out.as_bytes()) {
        Ok(mut back) => {
            back.charset = sheet.charset;
            if back == *sheet {
                Ok(out)
            } else {
                Err(not_writable(
                    "it would read back differently (check FILE order and use, REM text, \
                     numbering and times)"
                        .to_owned(),
                ))
            }
        }
        Err(e) => Err(not_writable(format!(
            "the written text does not parse: {e}"
        ))),
    }
}
