//! Shared by the `cue*` integration tests: fixture loading and the file sizes each fixture's
//! layout is computed with.
#![allow(dead_code)]

use discmaster_cd::cue::{CueSheet, DiscLayout, SegmentSource};

/// Fixture bytes from `tests/data/cue/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/cue/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every fixture file name.
pub const FIXTURES: [&str; 11] = [
    "single_bin_audio.cue",
    "mixed_mode.cue",
    "eac_noncompliant.cue",
    "gaps_prepended.cue",
    "pregap_postgap.cue",
    "crlf.cue",
    "cp1252.cue",
    "utf8_bom.cue",
    "cd_tools_demo.cue",
    "hidden_track.cue",
    "redump_multi_bin.cue",
];

/// Sizes in bytes (PCM bytes for WAVE/FLAC) of the files each fixture names, chosen for the
/// layout tests; `sectors × sector size` unless stated.
pub fn file_sizes(fixture: &str) -> Vec<(&'static str, u64)> {
    const A: u64 = 2352;
    match fixture {
        "single_bin_audio.cue" => vec![("Pregap Studies.bin", 67_500 * A)],
        "mixed_mode.cue" => vec![("GAME.BIN", 190_000 * A)],
        // File 1 ends in a partial sector (1000 bytes short).
        "eac_noncompliant.cue" => vec![
            ("01 - So What.wav", 42_315 * A - 1000),
            ("02 - Freddie Freeloader.wav", 44_027 * A),
            ("03 - Blue in Green.wav", 20_000 * A),
            ("04 - All Blues.wav", 30_000 * A),
        ],
        "gaps_prepended.cue" => vec![
            ("01.flac", 1000 * A),
            ("02.flac", 2000 * A),
            ("03.flac", 3000 * A),
        ],
        "pregap_postgap.cue" => vec![("data.iso", 1000 * 2048), ("songs.bin", 20_000 * A)],
        "crlf.cue" => vec![("crlf.bin", 25_000 * A)],
        "cp1252.cue" => vec![("café.bin", 40_000 * A)],
        "utf8_bom.cue" => vec![("ágætis.bin", 60_000 * A)],
        "cd_tools_demo.cue" => vec![("image.bin", (2069 + 450) * A)],
        "hidden_track.cue" => vec![("hidden.bin", 30_000 * A)],
        "redump_multi_bin.cue" => vec![
            ("Game (Track 1).bin", 10_000 * A),
            ("Game (Track 2).bin", 5000 * A),
            ("Game (Track 3).bin", 6000 * A),
        ],
        other => panic!("no sizes for {other}"),
    }
}

/// Parses a fixture and lays it out with [`file_sizes`].
pub fn layout_fixture(name: &str) -> (CueSheet, DiscLayout) {
    let sheet = CueSheet::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let sizes = file_sizes(name);
    let layout = sheet
        .layout(&|f| sizes.iter().find(|(n, _)| *n == f).map(|(_, s)| *s))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    check_layout_invariants(&sheet, &layout);
    (sheet, layout)
}

/// Segments tile −150..lead-out in order; tracks tile it too and agree with the segments; file
/// segments stay inside their files' byte ranges as given.
pub fn check_layout_invariants(sheet: &CueSheet, layout: &DiscLayout) {
    let mut at = -150i64;
    for s in &layout.segments {
        assert_eq!(
            i64::from(s.start.0),
            at,
            "segments must be contiguous: {s:?}"
        );
        assert!(s.blocks.0 > 0, "empty segment {s:?}");
        if let SegmentSource::File {
            file,
            bytes,
            sector_bytes,
            ..
        } = s.source
        {
            assert!(file < sheet.files.len());
            let full = u64::from(s.blocks.0) * u64::from(sector_bytes);
            assert!(
                bytes <= full && bytes > full - u64::from(sector_bytes),
                "{s:?}"
            );
        }
        at += i64::from(s.blocks.0);
    }
    assert_eq!(i64::from(layout.lead_out.0), at);
    let mut at = -150i64;
    for t in &layout.tracks {
        assert_eq!(i64::from(t.pregap_start.0), at, "track {}", t.number);
        assert!(t.pregap_start <= t.start && t.start < t.end);
        assert_eq!(
            i64::from(t.start.0 - t.pregap_start.0),
            i64::from(t.pregap_blocks.0)
        );
        assert_eq!(i64::from(t.end.0 - t.start.0), i64::from(t.length_blocks.0));
        let covered: i64 = layout
            .segments
            .iter()
            .filter(|s| s.track == t.number)
            .map(|s| i64::from(s.blocks.0))
            .sum();
        assert_eq!(covered, i64::from(t.end.0 - t.pregap_start.0));
        at = i64::from(t.end.0);
    }
    assert_eq!(i64::from(layout.lead_out.0), at);
}
