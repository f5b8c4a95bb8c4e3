//! Oracle: Debian `cuetools` 1.4 (`cueprint`, `cueconvert`, `cuebreakpoints`) reads every
//! fixture and must agree with our parse on track count and numbers, modes, FLAGS, ISRC,
//! CATALOG, PREGAP/POSTGAP, index numbers and times (MSF), and the CD-Text fields.
//! Prints `SKIPPED: cuetools` when the binaries are missing (`apt-get install cuetools`).
//!
//! Known cuetools 1.4.1 limits worked around here (none affect the fixtures' meaning):
//! * keywords are case-sensitive and `FLAC` is not a FILE type: `gaps_prepended.cue` is fed with
//!   `FLAC` replaced by `WAVE`;
//! * `CDG`, `CDI/…` are not modes and `MODE2/2336` is printed as `MODE2/2048`: no oracle fixture
//!   uses them (our own tests cover them);
//! * a UTF-8 BOM is reported as "bad character" on stderr and skipped;
//! * `cueconvert` writes a track with `PREGAP` and no `INDEX 00` with an extra `INDEX 00` equal
//!   to `INDEX 01`; that line is dropped before comparing.
//!
//! `cuebreakpoints` prints file-relative times `m:ss.ff` of track boundaries; what it prints, as
//! observed on these fixtures: `--append-gaps` the non-zero `INDEX 01` of every track after the
//! first; `--prepend-gaps` the non-zero `INDEX 00` (else `INDEX 01`) of every track after the
//! first; `--split-gaps` for every track the non-zero `INDEX 00` and `INDEX 01`, once if equal.

mod cue_common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use cue_common::{fixture, FIXTURES};
use discmaster_cd::cue::{
    encode_windows_1252, msf_frames, Charset, CueSheet, CueTrack, TrackFlags,
};
use discmaster_core::Msf;

/// Runs `tool args` with `input` on stdin; `None` if the tool is not installed.
fn run(tool: &str, args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    let mut child = match Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("{tool}: {e}"),
    };
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    Some(out.stdout)
}

fn have_cuetools() -> bool {
    ["cueprint", "cueconvert", "cuebreakpoints"]
        .iter()
        .all(|t| run(t, &["-V"], b"").is_some())
}

/// The bytes cuetools, which passes bytes through, prints for our decoded string.
fn encoded(sheet: &CueSheet, s: Option<&str>) -> Vec<u8> {
    let s = s.unwrap_or_default();
    match sheet.charset {
        Charset::Windows1252 => encode_windows_1252(s).unwrap(),
        _ => s.as_bytes().to_vec(),
    }
}

fn time(msf: Msf) -> String {
    format!("{:02}:{:02}:{:02}", msf.minute, msf.second, msf.frame)
}

/// The input cuetools gets for a fixture (see the module doc).
fn oracle_input(name: &str) -> Vec<u8> {
    let bytes = fixture(name);
    if name == "gaps_prepended.cue" {
        String::from_utf8(bytes)
            .unwrap()
            .replace(" FLAC", " WAVE")
            .into_bytes()
    } else {
        bytes
    }
}

fn split_lines(out: &[u8]) -> Vec<Vec<u8>> {
    out.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

fn fields(line: &[u8]) -> Vec<Vec<u8>> {
    line.split(|&b| b == b'|').map(<[u8]>::to_vec).collect()
}

fn check_cueprint(name: &str, sheet: &CueSheet, input: &[u8]) {
    let out = run(
        "cueprint",
        &[
            "-i",
            "cue",
            "-d",
            "%N|%T|%P|%S|%C|%A|%M|%G|%U\\n",
            "-t",
            "%n|%t|%p|%c|%a|%m|%g|%i\\n",
        ],
        input,
    )
    .unwrap();
    let lines = split_lines(&out);
    assert_eq!(
        lines.len(),
        1 + sheet.tracks.len(),
        "{name}: cueprint lines"
    );
    let c = &sheet.cd_text;
    let disc = fields(&lines[0]);
    let expected: Vec<Vec<u8>> = [
        Some(sheet.tracks.len().to_string()).as_deref(),
        c.title.as_deref(),
        c.performer.as_deref(),
        c.songwriter.as_deref(),
        c.composer.as_deref(),
        c.arranger.as_deref(),
        c.message.as_deref(),
        c.genre.as_deref(),
        c.upc_ean.as_deref(),
    ]
    .into_iter()
    .map(|v| encoded(sheet, v))
    .collect();
    assert_eq!(disc, expected, "{name}: disc fields (N T P S C A M G U)");
    for (line, t) in lines[1..].iter().zip(&sheet.tracks) {
        let c = &t.cd_text;
        let isrc = t.isrc.map(|i| i.to_string());
        let expected: Vec<Vec<u8>> = [
            Some(t.number.to_string()).as_deref(),
            c.title.as_deref(),
            c.performer.as_deref(),
            c.composer.as_deref(),
            c.arranger.as_deref(),
            c.message.as_deref(),
            c.genre.as_deref(),
            isrc.as_deref(),
        ]
        .into_iter()
        .map(|v| encoded(sheet, v))
        .collect();
        assert_eq!(
            fields(line),
            expected,
            "{name}: track {} fields (n t p c a m g i)",
            t.number
        );
    }
}

/// What `cueconvert -o cue` says about a track.
#[derive(Debug, Default, PartialEq, Eq)]
struct OracleTrack {
    number: u8,
    mode: String,
    flags: Vec<String>,
    isrc: Option<String>,
    pregap: Option<String>,
    postgap: Option<String>,
    indexes: Vec<(u8, String)>,
}

fn ours(t: &CueTrack) -> OracleTrack {
    let TrackFlags {
        digital_copy_permitted,
        four_channel,
        pre_emphasis,
        serial_copy_management,
    } = t.flags;
    let mut flags: Vec<String> = [
        (digital_copy_permitted, "DCP"),
        (four_channel, "4CH"),
        (pre_emphasis, "PRE"),
        (serial_copy_management, "SCMS"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, w)| w.to_owned())
    .collect();
    flags.sort();
    OracleTrack {
        number: t.number,
        mode: t.track_mode.keyword().to_owned(),
        flags,
        isrc: t.isrc.map(|i| i.to_string()),
        pregap: t.pregap.map(time),
        postgap: t.postgap.map(time),
        indexes: t.indexes.iter().map(|i| (i.number, time(i.time))).collect(),
    }
}

fn check_cueconvert(name: &str, sheet: &CueSheet, input: &[u8]) {
    let out = run("cueconvert", &["-i", "cue", "-o", "cue"], input).unwrap();
    let text = String::from_utf8_lossy(&out);
    let mut catalog = None;
    let mut disc_id = None;
    let mut tracks: Vec<OracleTrack> = Vec::new();
    for line in text.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        let keyword = words.next().unwrap_or_default();
        let rest: Vec<&str> = words.collect();
        match (keyword, tracks.last_mut()) {
            ("TRACK", _) => tracks.push(OracleTrack {
                number: rest[0].parse().unwrap(),
                mode: rest[1].to_owned(),
                ..OracleTrack::default()
            }),
            ("CATALOG", None) => catalog = Some(rest[0].to_owned()),
            ("DISC_ID", None) => {
                disc_id = Some(line["DISC_ID ".len()..].trim_matches('"').to_owned())
            }
            ("FLAGS", Some(t)) => {
                t.flags = rest.iter().map(|w| (*w).to_owned()).collect();
                t.flags.sort();
            }
            ("ISRC", Some(t)) => t.isrc = Some(rest[0].to_owned()),
            ("PREGAP", Some(t)) => t.pregap = Some(rest[0].to_owned()),
            ("POSTGAP", Some(t)) => t.postgap = Some(rest[0].to_owned()),
            ("INDEX", Some(t)) => t
                .indexes
                .push((rest[0].parse().unwrap(), rest[1].to_owned())),
            _ => {}
        }
    }
    // cueconvert's extra INDEX 00 for a PREGAP track (module doc).
    for (o, t) in tracks.iter_mut().zip(&sheet.tracks) {
        if t.pregap.is_some() && t.index(0).is_none() {
            if let [(0, t0), (1, t1), ..] = o.indexes.as_slice() {
                if t0 == t1 {
                    o.indexes.remove(0);
                }
            }
        }
    }
    assert_eq!(
        catalog,
        sheet.catalog.map(|c| c.to_string()),
        "{name}: CATALOG"
    );
    assert_eq!(
        disc_id.as_deref(),
        sheet.cd_text.disc_id.as_deref(),
        "{name}: DISC_ID"
    );
    let expected: Vec<OracleTrack> = sheet.tracks.iter().map(ours).collect();
    assert_eq!(tracks, expected, "{name}: tracks per cueconvert");
}

/// `m:ss.ff` → frames.
fn breakpoint_frames(s: &str) -> u32 {
    let (m, rest) = s.split_once(':').unwrap();
    let (sec, f) = rest.split_once('.').unwrap();
    (m.parse::<u32>().unwrap() * 60 + sec.parse::<u32>().unwrap()) * 75 + f.parse::<u32>().unwrap()
}

fn expected_breakpoints(sheet: &CueSheet, mode: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for (k, t) in sheet.tracks.iter().enumerate() {
        let i0 = t.index(0).map(|i| msf_frames(i.time));
        let i1 = t.index(1).map_or(0, |i| msf_frames(i.time));
        let candidates = match mode {
            "--append-gaps" if k > 0 => vec![i1],
            "--prepend-gaps" if k > 0 => vec![i0.unwrap_or(i1)],
            "--split-gaps" => match i0 {
                Some(i0) if i0 != i1 => vec![i0, i1],
                _ => vec![i1],
            },
            _ => vec![],
        };
        out.extend(candidates.into_iter().filter(|&f| f != 0));
    }
    out
}

fn check_cuebreakpoints(name: &str, sheet: &CueSheet, input: &[u8]) {
    for mode in ["--append-gaps", "--prepend-gaps", "--split-gaps"] {
        let out = run("cuebreakpoints", &["-i", "cue", mode], input).unwrap();
        let got: Vec<u32> = String::from_utf8(out)
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
            .map(breakpoint_frames)
            .collect();
        assert_eq!(
            got,
            expected_breakpoints(sheet, mode),
            "{name}: cuebreakpoints {mode}"
        );
    }
}

#[test]
fn cuetools_agrees_with_our_parse_of_every_fixture() {
    if !have_cuetools() {
        println!("SKIPPED: cuetools");
        return;
    }
    for name in FIXTURES {
        let sheet = CueSheet::parse(&fixture(name)).unwrap();
        let input = oracle_input(name);
        check_cueprint(name, &sheet, &input);
        check_cueconvert(name, &sheet, &input);
        check_cuebreakpoints(name, &sheet, &input);
    }
}

#[test]
fn cuetools_agrees_on_our_canonical_export() {
    if !have_cuetools() {
        println!("SKIPPED: cuetools");
        return;
    }
    // What we write is read the same way by cuetools as the original.
    for name in FIXTURES {
        if name == "gaps_prepended.cue" {
            continue; // FLAC, see the module doc
        }
        let sheet = CueSheet::parse(&fixture(name)).unwrap();
        let exported = sheet.to_cue_bytes().unwrap();
        check_cueprint(name, &sheet, &exported);
        check_cueconvert(name, &sheet, &exported);
        check_cuebreakpoints(name, &sheet, &exported);
    }
}
