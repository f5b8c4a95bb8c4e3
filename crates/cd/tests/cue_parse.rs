//! Cue sheet parsing: the fixtures under `tests/data/cue/` read into the values written in them,
//! plus the text rules (case, quoting, line endings, charsets) on small inline sheets.

use discmaster_cd::cue::{
    CdTextField, Charset, CueSheet, FileFormat, Isrc, Mcn, Rem, TrackFlags, TrackMode,
};
use discmaster_core::Msf;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/cue/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse_fixture(name: &str) -> CueSheet {
    CueSheet::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn msf(m: u8, s: u8, f: u8) -> Msf {
    Msf::new(m, s, f).unwrap()
}

/// `(index number, file position, time)` of every index of track `n`.
fn indexes(sheet: &CueSheet, n: u8) -> Vec<(u8, usize, Msf)> {
    sheet
        .track(n)
        .unwrap()
        .indexes
        .iter()
        .map(|i| (i.number, i.file, i.time))
        .collect()
}

#[test]
fn single_bin_audio_fixture_reads_every_field() {
    let s = parse_fixture("single_bin_audio.cue");
    assert_eq!(s.charset, Charset::Utf8);
    assert_eq!(s.catalog, Mcn::new("0724382876124"));
    assert_eq!(s.cd_text.title.as_deref(), Some("Pregap Studies"));
    assert_eq!(s.cd_text.performer.as_deref(), Some("The Example Band"));
    assert_eq!(s.cd_text.songwriter.as_deref(), Some("A. Writer"));
    let rems: Vec<&str> = s.rems.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        rems,
        [
            "GENRE \"Progressive Rock\"",
            "DATE 1994",
            "DISCID 2A0B6C03",
            "COMMENT \"ExactAudioCopy v1.6\""
        ]
    );
    assert_eq!(s.files.len(), 1);
    assert_eq!(s.files[0].name, "Pregap Studies.bin");
    assert_eq!(s.files[0].file_format, FileFormat::Binary);
    assert_eq!(s.tracks.len(), 3);
    let t1 = s.track(1).unwrap();
    assert_eq!(t1.track_mode, TrackMode::Audio);
    assert_eq!(t1.isrc, Isrc::new("GBAYE9400101"));
    assert_eq!(t1.cd_text.title.as_deref(), Some("Overture"));
    assert!(t1.flags.is_empty());
    assert_eq!(indexes(&s, 1), [(1, 0, msf(0, 0, 0))]);
    let t2 = s.track(2).unwrap();
    assert_eq!(
        t2.flags,
        TrackFlags {
            digital_copy_permitted: true,
            ..TrackFlags::default()
        }
    );
    assert_eq!(
        indexes(&s, 2),
        [(0, 0, msf(4, 31, 40)), (1, 0, msf(4, 33, 12))]
    );
    let t3 = s.track(3).unwrap();
    assert!(t3.flags.digital_copy_permitted && t3.flags.pre_emphasis);
    assert!(!t3.flags.four_channel && !t3.flags.serial_copy_management);
    assert_eq!(
        t3.cd_text.performer.as_deref(),
        Some("The Example Band feat. Guest")
    );
    assert_eq!(
        indexes(&s, 3),
        [
            (0, 0, msf(9, 2, 70)),
            (1, 0, msf(9, 5, 0)),
            (2, 0, msf(11, 40, 33))
        ]
    );
    // Positions point at the keywords.
    assert_eq!((t3.pos.line, t3.pos.column), (23, 3));
    assert_eq!((t3.indexes[2].pos.line, t3.indexes[2].pos.column), (30, 5));
}

#[test]
fn rem_genre_fills_effective_cd_text_but_discid_does_not() {
    let s = parse_fixture("single_bin_audio.cue");
    assert_eq!(s.cd_text.genre, None, "REM is not a keyword field");
    let eff = s.effective_cd_text();
    assert_eq!(eff.genre.as_deref(), Some("Progressive Rock"));
    assert_eq!(
        eff.disc_id, None,
        "EAC's REM DISCID is a CDDB id, not DISC_ID"
    );
    assert_eq!(eff.title.as_deref(), Some("Pregap Studies"));
}

#[test]
fn rem_key_and_value_split_and_unquote() {
    let r = Rem {
        text: "COMMENT \"ExactAudioCopy v1.0b3\"".into(),
    };
    assert_eq!((r.key(), r.value()), ("COMMENT", "ExactAudioCopy v1.0b3"));
    let r = Rem {
        text: "DATE\t 1999".into(),
    };
    assert_eq!((r.key(), r.value()), ("DATE", "1999"));
    let r = Rem::default();
    assert_eq!((r.key(), r.value()), ("", ""));
}

#[test]
fn mixed_mode_fixture_has_data_then_audio() {
    let s = parse_fixture("mixed_mode.cue");
    let modes: Vec<TrackMode> = s.tracks.iter().map(|t| t.track_mode).collect();
    assert_eq!(
        modes,
        [
            TrackMode::Mode1_2352,
            TrackMode::Audio,
            TrackMode::Audio,
            TrackMode::Audio
        ]
    );
    assert_eq!(
        indexes(&s, 4),
        [(0, 0, msf(38, 2, 7)), (1, 0, msf(38, 4, 7))]
    );
}

#[test]
fn eac_noncompliant_fixture_puts_index_00_in_the_previous_file() {
    let s = parse_fixture("eac_noncompliant.cue");
    assert_eq!(s.files.len(), 4);
    assert!(s.files.iter().all(|f| f.file_format == FileFormat::Wave));
    assert_eq!(indexes(&s, 1), [(1, 0, msf(0, 0, 0))]);
    assert_eq!(
        indexes(&s, 2),
        [(0, 0, msf(9, 22, 15)), (1, 1, msf(0, 0, 0))]
    );
    assert_eq!(
        indexes(&s, 3),
        [
            (0, 1, msf(9, 46, 2)),
            (1, 2, msf(0, 0, 0)),
            (2, 2, msf(3, 10, 0))
        ]
    );
    // TRACK 04 comes before its FILE line: its only index is in file 3.
    assert_eq!(indexes(&s, 4), [(1, 3, msf(0, 0, 0))]);
    assert_eq!(
        s.effective_cd_text().genre.as_deref(),
        Some("Jazz"),
        "unquoted REM GENRE"
    );
}

#[test]
fn gaps_prepended_fixture_is_one_flac_per_track() {
    let s = parse_fixture("gaps_prepended.cue");
    assert_eq!(s.files.len(), 3);
    assert!(s.files.iter().all(|f| f.file_format == FileFormat::Flac));
    assert_eq!(
        indexes(&s, 2),
        [(0, 1, msf(0, 0, 0)), (1, 1, msf(0, 1, 62))]
    );
}

#[test]
fn pregap_postgap_fixture_reads_durations() {
    let s = parse_fixture("pregap_postgap.cue");
    let t1 = s.track(1).unwrap();
    assert_eq!(t1.track_mode, TrackMode::Mode1_2048);
    assert_eq!((t1.pregap, t1.postgap), (None, Some(msf(0, 2, 0))));
    let t2 = s.track(2).unwrap();
    assert_eq!((t2.pregap, t2.postgap), (Some(msf(0, 2, 0)), None));
    let t3 = s.track(3).unwrap();
    assert_eq!((t3.pregap, t3.postgap), (None, Some(msf(0, 0, 30))));
    assert_eq!(indexes(&s, 3), [(0, 1, msf(3, 0, 0)), (1, 1, msf(3, 1, 0))]);
}

#[test]
fn crlf_fixture_equals_its_lf_version() {
    let crlf = fixture("crlf.cue");
    assert!(crlf.windows(2).any(|w| w == b"\r\n"));
    let lf: Vec<u8> = crlf.iter().copied().filter(|&b| b != b'\r').collect();
    let a = CueSheet::parse(&crlf).unwrap();
    assert_eq!(a, CueSheet::parse(&lf).unwrap());
    assert_eq!(a.catalog.unwrap().as_str(), "4006381333931");
    assert_eq!(a.track(1).unwrap().isrc.unwrap().as_str(), "USRC17607839");
    assert_eq!(
        a.track(2).unwrap().cd_text.title.as_deref(),
        Some("Line Two")
    );
}

#[test]
fn cp1252_fixture_decodes_as_windows_1252_without_replacement() {
    let bytes = fixture("cp1252.cue");
    assert!(std::str::from_utf8(&bytes).is_err());
    let s = CueSheet::parse(&bytes).unwrap();
    assert_eq!(s.charset, Charset::Windows1252);
    // 93h/94h are curly quotes, 80h the euro sign, E9h é, F6h ö, 96h en dash, DFh ß.
    assert_eq!(
        s.cd_text.title.as_deref(),
        Some("Café \u{201c}Noir\u{201d} € Edition")
    );
    assert_eq!(s.cd_text.performer.as_deref(), Some("Motörhead Tribute"));
    assert_eq!(s.files[0].name, "café.bin");
    let t1 = s.track(1).unwrap();
    assert_eq!(t1.cd_text.title.as_deref(), Some("Déjà vu"));
    assert_eq!(
        t1.cd_text.performer.as_deref(),
        Some("Björk \u{2013} Guest")
    );
    assert_eq!(s.track(2).unwrap().cd_text.title.as_deref(), Some("Straße"));
    // Encoding back gives the original bytes of the strings.
    let back = s.to_cue_bytes().unwrap();
    assert!(back
        .windows(b"Caf\xe9 \x93Noir\x94 \x80 Edition".len())
        .any(|w| w == b"Caf\xe9 \x93Noir\x94 \x80 Edition"));
}

#[test]
fn utf8_bom_fixture_reads_utf8() {
    let s = parse_fixture("utf8_bom.cue");
    assert_eq!(s.charset, Charset::Utf8WithBom);
    assert_eq!(s.cd_text.title.as_deref(), Some("Björk — 日本語"));
    assert_eq!(s.files[0].name, "ágætis.bin");
    assert_eq!(
        s.track(2).unwrap().cd_text.title.as_deref(),
        Some("Starálfur")
    );
    // The BOM is not counted as a column: TITLE is at 1:1.
    let bad = [b"\xef\xbb\xbfTITEL \"x\"\n".as_slice()].concat();
    let err = CueSheet::parse(&bad).unwrap_err();
    assert_eq!((err.line, err.column), (1, 1));
}

#[test]
fn hidden_track_fixture_reads_all_cd_text_fields_and_indexes() {
    let s = parse_fixture("hidden_track.cue");
    let c = &s.cd_text;
    assert_eq!(c.composer.as_deref(), Some("Composer Name"));
    assert_eq!(c.arranger.as_deref(), Some("Arranger Name"));
    assert_eq!(c.message.as_deref(), Some("Thanks for listening"));
    assert_eq!(c.genre.as_deref(), Some("Indie"));
    assert_eq!(c.disc_id.as_deref(), Some("DISC0001"));
    assert_eq!(c.upc_ean.as_deref(), Some("0602498688356"));
    assert_eq!(s.cd_text_file.as_deref(), Some("hidden.cdt"));
    assert_eq!(
        indexes(&s, 1),
        [
            (0, 0, msf(0, 0, 0)),
            (1, 0, msf(0, 32, 10)),
            (2, 0, msf(1, 10, 0)),
            (3, 0, msf(2, 0, 0))
        ]
    );
    let t2 = s.track(2).unwrap();
    assert!(t2.flags.four_channel && t2.flags.serial_copy_management);
    assert_eq!(t2.cd_text.get(CdTextField::Message), Some("Bonus"));
}

#[test]
fn redump_fixture_is_one_bin_per_track() {
    let s = parse_fixture("redump_multi_bin.cue");
    assert_eq!(s.files.len(), 3);
    assert_eq!(s.files[0].name, "Game (Track 1).bin");
    assert_eq!(s.track(1).unwrap().track_mode, TrackMode::Mode2_2352);
    assert_eq!(indexes(&s, 3), [(0, 2, msf(0, 0, 0)), (1, 2, msf(0, 2, 0))]);
}

#[test]
fn keywords_modes_types_and_flags_are_case_insensitive() {
    let s = CueSheet::parse(
        b"title \"t\"\nFile x.bin Motorola\n track 1 mode2/2336\n  Flags dcp 4ch\n  Index 1 0:0:0\n",
    )
    .unwrap();
    assert_eq!(s.cd_text.title.as_deref(), Some("t"));
    assert_eq!(s.files[0].file_format, FileFormat::Motorola);
    assert_eq!(s.files[0].name, "x.bin", "unquoted file name");
    let t = &s.tracks[0];
    assert_eq!((t.number, t.track_mode), (1, TrackMode::Mode2_2336));
    assert!(t.flags.digital_copy_permitted && t.flags.four_channel);
    assert_eq!(t.indexes[0].time, msf(0, 0, 0));
}

#[test]
fn every_track_mode_and_file_type_parses() {
    for mode in TrackMode::ALL {
        let text = format!(
            "FILE \"a\" BINARY\nTRACK 01 {}\nINDEX 01 00:00:00\n",
            mode.keyword()
        );
        let s = CueSheet::parse(text.as_bytes()).unwrap();
        assert_eq!(s.tracks[0].track_mode, mode);
    }
    for (word, ff) in [
        ("BINARY", FileFormat::Binary),
        ("MOTOROLA", FileFormat::Motorola),
        ("WAVE", FileFormat::Wave),
        ("FLAC", FileFormat::Flac),
        ("MP3", FileFormat::Mp3),
        ("AIFF", FileFormat::Aiff),
    ] {
        let text = format!("FILE \"a\" {word}\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n");
        assert_eq!(
            CueSheet::parse(text.as_bytes()).unwrap().files[0].file_format,
            ff
        );
    }
    assert_eq!(TrackMode::Cdg.sector_bytes(), 2448);
    assert_eq!(TrackMode::Cdi2336.sector_bytes(), 2336);
    assert_eq!(TrackMode::Mode1_2048.sector_bytes(), 2048);
}

#[test]
fn quoted_strings_keep_spaces_tabs_and_may_be_empty() {
    let s = CueSheet::parse(
        b"TITLE \"  two  spaces\t\"\nPERFORMER \"\"\nFILE \"a b.wav\" WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n",
    )
    .unwrap();
    assert_eq!(s.cd_text.title.as_deref(), Some("  two  spaces\t"));
    assert_eq!(s.cd_text.performer.as_deref(), Some(""));
    assert_eq!(s.files[0].name, "a b.wav");
}

#[test]
fn first_track_number_may_be_above_one() {
    let s = CueSheet::parse(
        b"FILE a BINARY\nTRACK 05 AUDIO\nINDEX 01 00:00:00\nTRACK 06 AUDIO\nINDEX 01 01:00:00\n",
    )
    .unwrap();
    assert_eq!(
        s.tracks.iter().map(|t| t.number).collect::<Vec<_>>(),
        [5, 6]
    );
}

#[test]
fn isrc_lower_case_is_upper_cased_and_parts_split() {
    let s =
        CueSheet::parse(b"FILE a BINARY\nTRACK 01 AUDIO\nISRC usabc9912345\nINDEX 01 00:00:00\n")
            .unwrap();
    let isrc = s.tracks[0].isrc.unwrap();
    assert_eq!(isrc.as_str(), "USABC9912345");
    assert_eq!(
        (
            isrc.country_code(),
            isrc.owner_code(),
            isrc.year(),
            isrc.designation_code()
        ),
        ("US", "ABC", "99", "12345")
    );
}

#[test]
fn rem_lines_attach_to_disc_before_first_track_and_to_tracks_after() {
    let s = CueSheet::parse(
        b"REM A\nFILE a BINARY\nREM B\nTRACK 01 AUDIO\nREM C 1\nINDEX 01 00:00:00\nREM\nTRACK 02 AUDIO\nINDEX 01 01:00:00\nREM   D  \n",
    )
    .unwrap();
    let texts = |r: &[Rem]| r.iter().map(|r| r.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&s.rems), ["A", "B"]);
    assert_eq!(texts(&s.tracks[0].rems), ["C 1", ""]);
    assert_eq!(texts(&s.tracks[1].rems), ["D"]);
}

#[test]
fn rem_composer_is_the_track_composer_fallback() {
    let s = CueSheet::parse(
        b"FILE a BINARY\nTRACK 01 AUDIO\nREM COMPOSER \"J. S. Bach\"\nINDEX 01 00:00:00\n",
    )
    .unwrap();
    let t = &s.tracks[0];
    assert_eq!(t.cd_text.composer, None);
    assert_eq!(
        t.effective_cd_text().composer.as_deref(),
        Some("J. S. Bach")
    );
}
