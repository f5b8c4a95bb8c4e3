//! `to_cue_string` / `to_cue_bytes`: the canonical form, read-back equality for the fixtures
//! and for generated sheets, and proptests that parsing never panics.

mod cue_common;

use cue_common::{fixture, FIXTURES};
use discmaster_cd::cue::{
    frames_msf, CdText, CdTextField, Charset, CueErrorKind, CueFile, CueIndex, CueSheet, CueTrack,
    FileFormat, Isrc, Mcn, Rem, SourcePos, TrackFlags, TrackMode,
};
use proptest::prelude::*;

#[test]
fn every_fixture_reads_back_equal_from_its_export() {
    for name in FIXTURES {
        let sheet = CueSheet::parse(&fixture(name)).unwrap();
        let bytes = sheet
            .to_cue_bytes()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let back = CueSheet::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, sheet, "{name}");
        // And the export of the export is byte-identical (canonical form is a fixed point).
        assert_eq!(back.to_cue_bytes().unwrap(), bytes, "{name}");
        // to_cue_string reads back equal but for the charset.
        let text = sheet.to_cue_string().unwrap();
        let mut from_text = CueSheet::parse(text.as_bytes()).unwrap();
        assert_ne!(from_text.charset, Charset::Windows1252);
        from_text.charset = sheet.charset;
        assert_eq!(from_text, sheet, "{name}");
    }
}

#[test]
fn eac_noncompliant_export_is_the_canonical_text() {
    let sheet = CueSheet::parse(&fixture("eac_noncompliant.cue")).unwrap();
    let expected = [
        "REM GENRE Jazz",
        "REM DATE 1959",
        "REM DISCID 5B0AD608",
        "REM COMMENT \"ExactAudioCopy v1.0b3\"",
        "TITLE \"Noncompliant Gaps\"",
        "PERFORMER \"Quartet\"",
        "FILE \"01 - So What.wav\" WAVE",
        "  TRACK 01 AUDIO",
        "    TITLE \"So What\"",
        "    PERFORMER \"Quartet\"",
        "    INDEX 01 00:00:00",
        "  TRACK 02 AUDIO",
        "    TITLE \"Freddie Freeloader\"",
        "    PERFORMER \"Quartet\"",
        "    INDEX 00 09:22:15",
        "FILE \"02 - Freddie Freeloader.wav\" WAVE",
        "    INDEX 01 00:00:00",
        "  TRACK 03 AUDIO",
        "    TITLE \"Blue in Green\"",
        "    PERFORMER \"Quartet\"",
        "    INDEX 00 09:46:02",
        "FILE \"03 - Blue in Green.wav\" WAVE",
        "    INDEX 01 00:00:00",
        "    INDEX 02 03:10:00",
        "FILE \"04 - All Blues.wav\" WAVE",
        "  TRACK 04 AUDIO",
        "    TITLE \"All Blues\"",
        "    PERFORMER \"Quartet\"",
        "    INDEX 01 00:00:00",
        "",
    ]
    .join("\r\n");
    assert_eq!(sheet.to_cue_string().unwrap(), expected);
}

#[test]
fn track_statements_export_in_fixed_order() {
    let sheet = CueSheet::parse(
        b"FILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nPOSTGAP 00:00:01\nISRC USABC9912345\nFLAGS SCMS PRE\nTITLE t\nREM x\nTRACK 02 MODE1/2352\nPREGAP 00:02:00\nINDEX 01 01:00:00\n",
    )
    .unwrap();
    let text = sheet.to_cue_string().unwrap();
    assert_eq!(
        text,
        "FILE \"a\" BINARY\r\n  TRACK 01 AUDIO\r\n    REM x\r\n    TITLE \"t\"\r\n    FLAGS PRE SCMS\r\n    ISRC USABC9912345\r\n    INDEX 01 00:00:00\r\n    POSTGAP 00:00:01\r\n  TRACK 02 MODE1/2352\r\n    PREGAP 00:02:00\r\n    INDEX 01 01:00:00\r\n"
    );
}

#[test]
fn bom_is_written_back() {
    let sheet = CueSheet::parse(&fixture("utf8_bom.cue")).unwrap();
    assert!(sheet
        .to_cue_bytes()
        .unwrap()
        .starts_with(b"\xef\xbb\xbfTITLE"));
}

#[test]
fn quote_in_a_string_is_not_writable() {
    let mut sheet = CueSheet::parse(&fixture("crlf.cue")).unwrap();
    sheet.cd_text.title = Some("say \"hi\"".into());
    let e = sheet.to_cue_string().unwrap_err();
    assert_eq!((e.line, e.column), (0, 0));
    assert!(matches!(e.kind, CueErrorKind::NotWritable(_)), "{e}");
}

#[test]
fn rem_with_edge_blanks_or_broken_numbering_is_not_writable() {
    let base = CueSheet::parse(&fixture("mixed_mode.cue")).unwrap();
    let mut s = base.clone();
    s.rems.push(Rem {
        text: " padded".into(),
    });
    assert!(matches!(
        s.to_cue_string().unwrap_err().kind,
        CueErrorKind::NotWritable(_)
    ));
    let mut s = base.clone();
    s.tracks[2].number = 9;
    assert!(matches!(
        s.to_cue_string().unwrap_err().kind,
        CueErrorKind::NotWritable(_)
    ));
    let mut s = base;
    s.tracks[0].indexes[0].time.frame = 80;
    assert!(matches!(
        s.to_cue_string().unwrap_err().kind,
        CueErrorKind::NotWritable(_)
    ));
}

#[test]
fn non_latin_text_in_a_windows_1252_sheet_is_not_encodable() {
    let mut sheet = CueSheet::parse(&fixture("cp1252.cue")).unwrap();
    sheet.cd_text.title = Some("日本".into());
    assert_eq!(
        sheet.to_cue_bytes().unwrap_err().kind,
        CueErrorKind::NotEncodable(0x65e5)
    );
    sheet.charset = Charset::Utf8;
    assert!(sheet.to_cue_bytes().is_ok());
}

// ---- generated sheets ----

/// Raw choices for one track; [`build`] turns them into a valid sheet.
#[derive(Debug, Clone)]
struct TrackPlan {
    mode: usize,
    flags: (bool, bool, bool, bool),
    isrc: Option<(u8, u8, u16, u32)>,
    pregap: Option<u32>,
    postgap: Option<u32>,
    index0: bool,
    extra_indexes: usize,
    /// Frames between successive index points (and before the track's first one).
    steps: Vec<u16>,
    /// Whether each index point starts a new `FILE`.
    new_file: Vec<bool>,
    title: Option<String>,
    performer: Option<String>,
    composer: Option<String>,
    rems: Vec<String>,
}

fn text() -> impl Strategy<Value = String> {
    // No quotes or line breaks; Latin-1 letters, €, CJK and TAB included.
    "[a-zA-Z0-9 ,.!?()'&/\\-\téßöÀ€日本]{0,16}"
}

fn rem_text() -> impl Strategy<Value = String> {
    // No blanks at the ends (REM text is stored trimmed); quotes allowed.
    "[A-Z_]{1,8}( [a-zA-Z0-9\"é]{1,10}){0,2}"
}

fn track_plan() -> impl Strategy<Value = TrackPlan> {
    (
        (
            0..TrackMode::ALL.len(),
            any::<(bool, bool, bool, bool)>(),
            proptest::option::of((0u8..26, 0u8..26, 0u16..1000, 0u32..100_000)),
            proptest::option::of(0u32..600),
            proptest::option::of(0u32..600),
            any::<bool>(),
            0usize..3,
        ),
        (
            proptest::collection::vec(0u16..6000, 5),
            proptest::collection::vec(proptest::bool::weighted(0.2), 5),
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::collection::vec(rem_text(), 0..3),
        ),
    )
        .prop_map(
            |(
                (mode, flags, isrc, pregap, postgap, index0, extra_indexes),
                (steps, new_file, title, performer, composer, rems),
            )| TrackPlan {
                mode,
                flags,
                isrc,
                pregap,
                postgap,
                index0,
                extra_indexes,
                steps,
                new_file,
                title,
                performer,
                composer,
                rems,
            },
        )
}

#[derive(Debug, Clone)]
struct SheetPlan {
    bom: bool,
    first_track: u8,
    catalog: Option<u64>,
    cd_text_file: Option<String>,
    disc_text: Vec<(usize, String)>,
    rems: Vec<String>,
    audio_container: usize,
    file_names: Vec<String>,
    tracks: Vec<TrackPlan>,
}

fn sheet_plan() -> impl Strategy<Value = SheetPlan> {
    (
        any::<bool>(),
        1u8..20,
        proptest::option::of(0u64..10_000_000_000_000),
        proptest::option::of(text()),
        proptest::collection::vec((0..CdTextField::ALL.len(), text()), 0..4),
        proptest::collection::vec(rem_text(), 0..3),
        0usize..4,
        proptest::collection::vec("[a-zA-Z0-9 ._()é-]{1,12}", 1..4),
        proptest::collection::vec(track_plan(), 1..8),
    )
        .prop_map(
            |(
                bom,
                first_track,
                catalog,
                cd_text_file,
                disc_text,
                rems,
                audio_container,
                file_names,
                tracks,
            )| {
                SheetPlan {
                    bom,
                    first_track,
                    catalog,
                    cd_text_file,
                    disc_text,
                    rems,
                    audio_container,
                    file_names,
                    tracks,
                }
            },
        )
}

fn build(plan: &SheetPlan) -> CueSheet {
    let all_audio = plan
        .tracks
        .iter()
        .all(|t| TrackMode::ALL[t.mode] == TrackMode::Audio);
    let formats = [
        FileFormat::Wave,
        FileFormat::Flac,
        FileFormat::Aiff,
        FileFormat::Mp3,
    ];
    let mut files: Vec<CueFile> = Vec::new();
    let new_file = |files: &mut Vec<CueFile>| {
        let n = files.len();
        let file_format = if all_audio && n % 2 == 1 {
            formats[plan.audio_container]
        } else if n % 3 == 2 {
            FileFormat::Motorola
        } else {
            FileFormat::Binary
        };
        files.push(CueFile {
            name: plan.file_names[n % plan.file_names.len()].clone(),
            file_format,
            pos: SourcePos::default(),
        });
    };
    new_file(&mut files);
    let mut time: u32 = 0;
    let mut first_point = true;
    let mut tracks = Vec::new();
    for (k, tp) in plan.tracks.iter().enumerate() {
        let mut indexes = Vec::new();
        let numbers: Vec<u8> =
            (if tp.index0 { 0 } else { 1 }..=1 + tp.extra_indexes as u8).collect();
        for (j, &number) in numbers.iter().enumerate() {
            if !first_point && tp.new_file[j] {
                new_file(&mut files);
                time = 0;
            }
            if !first_point || tp.steps[j] % 2 == 0 {
                time += u32::from(tp.steps[j]);
            }
            first_point = false;
            indexes.push(CueIndex {
                number,
                file: files.len() - 1,
                time: frames_msf(time).unwrap(),
                pos: SourcePos::default(),
            });
        }
        let cd_text = CdText {
            title: tp.title.clone(),
            performer: tp.performer.clone(),
            composer: tp.composer.clone(),
            ..CdText::default()
        };
        tracks.push(CueTrack {
            number: plan.first_track + k as u8,
            track_mode: TrackMode::ALL[tp.mode],
            flags: TrackFlags {
                digital_copy_permitted: tp.flags.0,
                four_channel: tp.flags.1,
                pre_emphasis: tp.flags.2,
                serial_copy_management: tp.flags.3,
            },
            isrc: tp.isrc.map(|(c1, c2, owner, serial)| {
                let text = format!(
                    "{}{}{:03}{:02}{:05}",
                    char::from(b'A' + c1),
                    char::from(b'A' + c2),
                    owner,
                    serial % 100,
                    serial
                );
                Isrc::new(&text).unwrap()
            }),
            pregap: tp.pregap.map(|f| frames_msf(f).unwrap()),
            postgap: tp.postgap.map(|f| frames_msf(f).unwrap()),
            indexes,
            cd_text,
            rems: tp.rems.iter().map(|t| Rem { text: t.clone() }).collect(),
            pos: SourcePos::default(),
        });
    }
    let mut disc_cd_text = CdText::default();
    for (field, value) in &plan.disc_text {
        disc_cd_text.set(CdTextField::ALL[*field], Some(value.clone()));
    }
    CueSheet {
        charset: if plan.bom {
            Charset::Utf8WithBom
        } else {
            Charset::Utf8
        },
        catalog: plan.catalog.map(|c| Mcn::new(&format!("{c:013}")).unwrap()),
        cd_text_file: plan.cd_text_file.clone(),
        cd_text: disc_cd_text,
        rems: plan.rems.iter().map(|t| Rem { text: t.clone() }).collect(),
        files,
        tracks,
    }
}

/// Fragments that make random text look like a cue sheet often enough to reach deep paths.
fn cue_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("FILE \"a.bin\" BINARY\n".to_owned()),
        Just("FILE b.wav WAVE\n".to_owned()),
        Just("TRACK 01 AUDIO\n".to_owned()),
        Just("TRACK 02 MODE1/2352\n".to_owned()),
        Just("track 3 cdg\n".to_owned()),
        Just("INDEX 00 00:00:00\n".to_owned()),
        Just("INDEX 01 00:02:00\n".to_owned()),
        Just("INDEX 01 99:59:74\n".to_owned()),
        Just("PREGAP 00:02:00\n".to_owned()),
        Just("POSTGAP 00:02:00\n".to_owned()),
        Just("FLAGS DCP 4CH\n".to_owned()),
        Just("ISRC USABC9912345\n".to_owned()),
        Just("CATALOG 0123456789012\n".to_owned()),
        Just("TITLE \"x\"\n".to_owned()),
        Just("REM GENRE Rock\n".to_owned()),
        Just("\r\n".to_owned()),
        "[ -~\t\"é\u{feff}]{0,20}\n?",
        (0u8..100, 0u8..70, 0u8..80).prop_map(|(m, s, f)| format!("INDEX 02 {m}:{s}:{f}\n")),
    ]
}

proptest! {
    // 512 cases by default; `PROPTEST_CASES=N` runs more.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
    ))]

    #[test]
    fn parse_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(sheet) = CueSheet::parse(&bytes) {
            let _ = sheet.layout(&|_| Some(1_000_000));
            let _ = sheet.to_cue_bytes();
        }
    }

    #[test]
    fn parse_and_layout_never_panic_on_cue_like_text(
        parts in proptest::collection::vec(cue_fragment(), 0..24),
        size in prop_oneof![Just(0u64), 0u64..10_000_000, Just(u64::MAX)],
    ) {
        let text = parts.concat();
        if let Ok(sheet) = CueSheet::parse(text.as_bytes()) {
            let _ = sheet.layout(&|_| Some(size));
            // A parsed sheet always writes and reads back equal.
            let bytes = sheet.to_cue_bytes().unwrap();
            prop_assert_eq!(CueSheet::parse(&bytes).unwrap(), sheet);
        }
    }

    #[test]
    fn generated_sheets_round_trip_through_to_cue_string(plan in sheet_plan()) {
        let sheet = build(&plan);
        let text = sheet.to_cue_string().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let back = CueSheet::parse(text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, sheet);
    }

    #[test]
    fn generated_sheets_round_trip_in_windows_1252(plan in sheet_plan()) {
        let mut sheet = build(&plan);
        sheet.charset = Charset::Windows1252;
        match sheet.to_cue_bytes() {
            Ok(bytes) => {
                let back = CueSheet::parse(&bytes).unwrap();
                if std::str::from_utf8(&bytes).is_ok() {
                    // Pure ASCII, or bytes that happen to be valid UTF-8 ("ß€" = DF 80):
                    // read back as UTF-8, as documented.
                    prop_assert_eq!(back.charset, Charset::Utf8);
                } else {
                    prop_assert_eq!(back, sheet);
                }
            }
            Err(e) => prop_assert!(matches!(e.kind, CueErrorKind::NotEncodable(_)), "{}", e),
        }
    }
}
