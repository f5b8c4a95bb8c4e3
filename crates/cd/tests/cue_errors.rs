//! Invalid cue sheets: each error names the right line and column and kind.

use discmaster_cd::cue::{CueErrorKind, CueSheet};

/// Parses `text` and returns `(line, column, kind)` of the error.
fn err(text: &str) -> (u32, u32, CueErrorKind) {
    match CueSheet::parse(text.as_bytes()) {
        Ok(s) => panic!("parsed but should not: {s:?}"),
        Err(e) => (e.line, e.column, e.kind),
    }
}

const HEAD: &str = "FILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n";

#[test]
fn unknown_keyword_is_an_error_with_its_position() {
    let (l, c, k) = err(&format!("{HEAD}    INDX 01 00:00:00\n"));
    assert_eq!((l, c), (3, 5));
    assert_eq!(k, CueErrorKind::UnknownKeyword("INDX".into()));
}

#[test]
fn unknown_keyword_before_any_file_is_an_error() {
    let (l, c, k) = err("TITEL \"x\"\n");
    assert_eq!(
        (l, c, k),
        (1, 1, CueErrorKind::UnknownKeyword("TITEL".into()))
    );
}

#[test]
fn frames_75_is_an_error_at_the_time() {
    let (l, c, k) = err(&format!("{HEAD}    INDEX 01 00:00:75\n"));
    assert_eq!((l, c), (3, 14));
    assert_eq!(k, CueErrorKind::InvalidTime("00:00:75".into()));
}

#[test]
fn seconds_60_is_an_error() {
    let (l, c, k) = err(&format!("{HEAD}    INDEX 01 00:60:00\n"));
    assert_eq!((l, c), (3, 14));
    assert!(matches!(k, CueErrorKind::InvalidTime(_)));
}

#[test]
fn malformed_times_are_errors() {
    for t in [
        "00:00",
        "00:00:00:00",
        "a:00:00",
        "00:-1:00",
        "100:00:00",
        "0000:00:00",
        "00::00",
    ] {
        let (l, c, k) = err(&format!("{HEAD}    INDEX 01 {t}\n"));
        assert_eq!((l, c), (3, 14), "{t}");
        assert_eq!(k, CueErrorKind::InvalidTime(t.into()), "{t}");
    }
}

#[test]
fn pregap_with_bad_time_points_at_the_time() {
    let (l, c, k) = err(&format!(
        "{HEAD}    PREGAP 00:02:99\n    INDEX 01 00:00:00\n"
    ));
    assert_eq!((l, c), (3, 12));
    assert!(matches!(k, CueErrorKind::InvalidTime(_)));
}

#[test]
fn track_numbers_must_be_consecutive() {
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 01 00:00:00\n  TRACK 03 AUDIO\n    INDEX 01 01:00:00\n"
    ));
    assert_eq!((l, c), (4, 9));
    assert_eq!(
        k,
        CueErrorKind::TrackNotConsecutive {
            previous: 1,
            found: 3
        }
    );
}

#[test]
fn descending_track_numbers_are_an_error() {
    let (l, c, k) = err(
        "FILE a BINARY\nTRACK 02 AUDIO\nINDEX 01 00:00:00\nTRACK 01 AUDIO\nINDEX 01 01:00:00\n",
    );
    assert_eq!((l, c), (4, 7));
    assert!(matches!(k, CueErrorKind::TrackNotConsecutive { .. }));
}

#[test]
fn track_number_zero_or_100_is_an_error() {
    for n in ["00", "100", "x", "+1"] {
        let (l, c, k) = err(&format!("FILE a BINARY\nTRACK {n} AUDIO\n"));
        assert_eq!((l, c), (2, 7), "{n}");
        assert_eq!(k, CueErrorKind::InvalidTrackNumber(n.into()));
    }
}

#[test]
fn missing_index_01_points_at_the_track() {
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 00 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 01:00:00\n"
    ));
    assert_eq!((l, c, k), (2, 3, CueErrorKind::MissingIndex01(1)));
}

#[test]
fn missing_index_01_on_the_last_track_points_at_it() {
    let (l, c, k) = err(&format!("{HEAD}    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n"));
    assert_eq!((l, c, k), (4, 3, CueErrorKind::MissingIndex01(2)));
}

#[test]
fn index_numbers_must_ascend() {
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 01 00:00:00\n    INDEX 03 00:10:00\n    INDEX 02 00:20:00\n"
    ));
    assert_eq!((l, c), (5, 11));
    assert_eq!(
        k,
        CueErrorKind::IndexNotAscending {
            previous: 3,
            found: 2
        }
    );
}

#[test]
fn first_index_must_be_00_or_01() {
    let (l, c, k) = err(&format!("{HEAD}    INDEX 02 00:00:00\n"));
    assert_eq!((l, c, k), (3, 11, CueErrorKind::FirstIndexNotZeroOrOne(2)));
}

#[test]
fn index_times_must_not_decrease_within_a_file_across_tracks() {
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 01 00:10:00\n  TRACK 02 AUDIO\n    INDEX 01 00:09:74\n"
    ));
    assert_eq!((l, c), (5, 14));
    assert!(matches!(k, CueErrorKind::TimeDecreasing { .. }));
}

#[test]
fn index_times_restart_with_a_new_file() {
    let ok = CueSheet::parse(
        format!("{HEAD}    INDEX 01 00:10:00\nFILE b.bin BINARY\n  TRACK 02 AUDIO\n    INDEX 01 00:00:00\n")
            .as_bytes(),
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn invalid_isrc_is_an_error_at_the_value() {
    for bad in [
        "US-ABC-99-12345",
        "USABC991234",
        "1SABC9912345",
        "USABC99A2345",
        "USA_C9912345",
    ] {
        let (l, c, k) = err(&format!("{HEAD}    ISRC {bad}\n"));
        assert_eq!((l, c), (3, 10), "{bad}");
        assert_eq!(k, CueErrorKind::InvalidIsrc(bad.into()));
    }
}

#[test]
fn invalid_catalog_is_an_error() {
    for bad in ["123456789012", "12345678901234", "12345678901a3"] {
        let (l, c, k) = err(&format!("CATALOG {bad}\n"));
        assert_eq!((l, c), (1, 9), "{bad}");
        assert_eq!(k, CueErrorKind::InvalidCatalog(bad.into()));
    }
}

#[test]
fn catalog_after_a_track_is_an_error() {
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 01 00:00:00\nCATALOG 0000000000000\n"
    ));
    assert_eq!((l, c, k), (4, 1, CueErrorKind::DiscOnly("CATALOG")));
}

#[test]
fn unknown_mode_file_type_and_flag_are_errors() {
    let (l, c, k) = err("FILE a BINARY\nTRACK 01 MODE3/2352\n");
    assert_eq!(
        (l, c, k),
        (2, 10, CueErrorKind::UnknownTrackMode("MODE3/2352".into()))
    );
    let (l, c, k) = err("FILE a OGG\n");
    assert_eq!(
        (l, c, k),
        (1, 8, CueErrorKind::UnknownFileFormat("OGG".into()))
    );
    let (l, c, k) = err(&format!("{HEAD}    FLAGS DCP XYZ\n"));
    assert_eq!((l, c, k), (3, 15, CueErrorKind::UnknownFlag("XYZ".into())));
    let (l, c, k) = err(&format!("{HEAD}    FLAGS\n"));
    assert_eq!((l, c, k), (3, 5, CueErrorKind::EmptyFlags));
}

#[test]
fn unterminated_quote_points_at_the_quote() {
    let (l, c, k) = err("TITLE \"abc\n");
    assert_eq!((l, c, k), (1, 7, CueErrorKind::UnterminatedQuote));
}

#[test]
fn trailing_words_are_an_error() {
    let (l, c, k) = err("TITLE Hello World\n");
    assert_eq!(
        (l, c, k),
        (1, 13, CueErrorKind::TrailingText("World".into()))
    );
    let (l, c, k) = err(&format!("{HEAD}    INDEX 01 00:00:00 extra\n"));
    assert_eq!(
        (l, c, k),
        (3, 23, CueErrorKind::TrailingText("extra".into()))
    );
}

#[test]
fn stray_quote_in_a_word_is_an_error() {
    let (l, c, k) = err("TITLE ab\"c\n");
    assert_eq!((l, c, k), (1, 7, CueErrorKind::StrayQuote("ab\"c".into())));
}

#[test]
fn missing_arguments_are_errors_at_the_line_end() {
    let (l, c, k) = err("TITLE\n");
    assert_eq!((l, c), (1, 6));
    assert!(matches!(
        k,
        CueErrorKind::MissingArgument {
            keyword: "TITLE",
            ..
        }
    ));
    let (l, c, k) = err("FILE \"a\"\n");
    assert_eq!((l, c), (1, 9));
    assert!(matches!(
        k,
        CueErrorKind::MissingArgument {
            keyword: "FILE",
            ..
        }
    ));
    let (l, c, k) = err(&format!("{HEAD}    INDEX 01\n"));
    assert_eq!((l, c), (3, 13));
    assert!(matches!(
        k,
        CueErrorKind::MissingArgument {
            keyword: "INDEX",
            ..
        }
    ));
}

#[test]
fn track_before_file_and_index_before_track_are_errors() {
    let (l, c, k) = err("TRACK 01 AUDIO\n");
    assert_eq!((l, c, k), (1, 1, CueErrorKind::TrackBeforeFile));
    let (l, c, k) = err("FILE a BINARY\n  INDEX 01 00:00:00\n");
    assert_eq!((l, c, k), (2, 3, CueErrorKind::BeforeFirstTrack("INDEX")));
    let (l, c, k) = err("FILE a BINARY\n  ISRC USABC9912345\n");
    assert_eq!((l, c, k), (2, 3, CueErrorKind::BeforeFirstTrack("ISRC")));
}

#[test]
fn duplicates_are_errors_at_the_second() {
    let (l, c, k) = err("TITLE a\nTITLE b\n");
    assert_eq!((l, c, k), (2, 1, CueErrorKind::Duplicate("TITLE")));
    let (l, c, k) = err(&format!("{HEAD}    FLAGS DCP\n    FLAGS PRE\n"));
    assert_eq!((l, c, k), (4, 5, CueErrorKind::Duplicate("FLAGS")));
    let (l, c, k) = err(&format!(
        "{HEAD}    ISRC USABC9912345\n    ISRC USABC9912346\n"
    ));
    assert_eq!((l, c, k), (4, 5, CueErrorKind::Duplicate("ISRC")));
}

#[test]
fn pregap_after_index_and_postgap_before_index_01_are_errors() {
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 00 00:00:00\n    PREGAP 00:02:00\n"
    ));
    assert_eq!((l, c, k), (4, 5, CueErrorKind::PregapAfterIndex));
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 00 00:00:00\n    POSTGAP 00:02:00\n"
    ));
    assert_eq!((l, c, k), (4, 5, CueErrorKind::PostgapBeforeIndex01));
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 01 00:00:00\n    POSTGAP 00:02:00\n    INDEX 02 00:01:00\n"
    ));
    assert_eq!((l, c, k), (5, 5, CueErrorKind::IndexAfterPostgap));
}

#[test]
fn file_without_index_is_an_error_at_that_file() {
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 01 00:00:00\nFILE \"unused.bin\" BINARY\nFILE \"b.bin\" BINARY\n  TRACK 02 AUDIO\n    INDEX 01 00:00:00\n"
    ));
    assert_eq!(
        (l, c, k),
        (4, 1, CueErrorKind::FileWithoutIndex("unused.bin".into()))
    );
    let (l, c, k) = err(&format!(
        "{HEAD}    INDEX 01 00:00:00\nFILE \"last.bin\" BINARY\n"
    ));
    assert_eq!(
        (l, c, k),
        (4, 1, CueErrorKind::FileWithoutIndex("last.bin".into()))
    );
}

#[test]
fn data_track_in_a_wave_file_is_an_error() {
    let (l, c, k) = err("FILE a.wav WAVE\nTRACK 01 MODE1/2352\nINDEX 01 00:00:00\n");
    assert_eq!(
        (l, c, k),
        (
            3,
            1,
            CueErrorKind::AudioOnlyFile {
                file_format: "WAVE",
                track_mode: "MODE1/2352"
            }
        )
    );
}

#[test]
fn empty_text_has_no_tracks() {
    assert_eq!(err("").2, CueErrorKind::NoTracks);
    let (l, c, k) = err("REM only\n\n");
    assert_eq!((l, c, k), (3, 1, CueErrorKind::NoTracks));
}

#[test]
fn control_characters_are_errors() {
    let (l, c, k) = err("TITLE \"a\x01b\"\n");
    assert_eq!((l, c, k), (1, 9, CueErrorKind::ControlCharacter(1)));
}

#[test]
fn utf16_is_rejected() {
    let e = CueSheet::parse(b"\xff\xfeT\0I\0").unwrap_err();
    assert_eq!((e.line, e.column, e.kind), (1, 1, CueErrorKind::Utf16));
}

#[test]
fn disc_only_cd_text_fields_are_errors_on_tracks() {
    let (l, c, k) = err(&format!("{HEAD}    DISC_ID \"x\"\n"));
    assert_eq!((l, c, k), (3, 5, CueErrorKind::DiscOnly("DISC_ID")));
}

#[test]
fn error_display_is_line_colon_column_message() {
    let e = CueSheet::parse(b"FILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:75\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "3:10: invalid time `00:00:75` (expected mm:ss:ff with minutes <= 99, seconds < 60, frames < 75)"
    );
}

#[test]
fn cp1252_errors_count_columns_in_characters() {
    // E9h is one character (é) in Windows-1252.
    let e = CueSheet::parse(b"TITLE \"caf\xe9\" x\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, 14));
    // In UTF-8, é is two bytes but one column.
    let e = CueSheet::parse("TITLE \"café\" x\n".as_bytes()).unwrap_err();
    assert_eq!((e.line, e.column), (1, 14));
}
