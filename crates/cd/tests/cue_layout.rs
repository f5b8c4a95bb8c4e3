//! `CueSheet::layout`: absolute LBAs computed by hand from the fixtures' MSF times and the file
//! sizes in `cue_common` (1 s = 75 sectors; LBA 0 = absolute MSF 00:02:00).

mod cue_common;

use cue_common::{check_layout_invariants, layout_fixture, FIXTURES};
use discmaster_cd::cue::{CueErrorKind, CueSheet, DiscLayout, Segment, SegmentSource, TrackLayout};
use discmaster_core::{BlockCount, Lba};

/// `(number, pregap_start, start, end)` of every track.
fn starts(layout: &DiscLayout) -> Vec<(u8, i32, i32, i32)> {
    layout
        .tracks
        .iter()
        .map(|t| (t.number, t.pregap_start.0, t.start.0, t.end.0))
        .collect()
}

fn track(layout: &DiscLayout, n: u8) -> &TrackLayout {
    layout.tracks.iter().find(|t| t.number == n).unwrap()
}

#[test]
fn every_fixture_lays_out_with_consistent_segments() {
    for name in FIXTURES {
        layout_fixture(name);
    }
}

#[test]
fn single_bin_track_1_starts_at_lba_0_after_a_generated_2_second_pregap() {
    let (_, l) = layout_fixture("single_bin_audio.cue");
    // INDEX 00 04:31:40 = 271·75+40 = 20365; INDEX 01 04:33:12 = 20487;
    // 09:02:70 = 40720; 09:05:00 = 40875; 11:40:33 = 52533; file = 67500 sectors.
    assert_eq!(
        starts(&l),
        [
            (1, -150, 0, 20365),
            (2, 20365, 20487, 40720),
            (3, 40720, 40875, 67500)
        ]
    );
    assert_eq!(l.lead_out, Lba(67500));
    let t1 = track(&l, 1);
    assert_eq!(t1.generated_pregap_blocks, BlockCount(150));
    assert_eq!(t1.indexes, [(0, Lba(-150)), (1, Lba(0))]);
    let t2 = track(&l, 2);
    assert_eq!(
        (
            t2.pregap_blocks,
            t2.generated_pregap_blocks,
            t2.length_blocks
        ),
        (BlockCount(122), BlockCount(0), BlockCount(20233))
    );
    assert_eq!(
        track(&l, 3).indexes,
        [(0, Lba(40720)), (1, Lba(40875)), (2, Lba(52533))]
    );
    assert_eq!(
        l.segments,
        [
            Segment {
                start: Lba(-150),
                blocks: BlockCount(150),
                track: 1,
                source: SegmentSource::Generated
            },
            Segment {
                start: Lba(0),
                blocks: BlockCount(20365),
                track: 1,
                source: SegmentSource::File {
                    file: 0,
                    offset_bytes: 0,
                    bytes: 20365 * 2352,
                    sector_bytes: 2352
                }
            },
            Segment {
                start: Lba(20365),
                blocks: BlockCount(20355),
                track: 2,
                source: SegmentSource::File {
                    file: 0,
                    offset_bytes: 20365 * 2352,
                    bytes: 20355 * 2352,
                    sector_bytes: 2352
                }
            },
            Segment {
                start: Lba(40720),
                blocks: BlockCount(26780),
                track: 3,
                source: SegmentSource::File {
                    file: 0,
                    offset_bytes: 40720 * 2352,
                    bytes: 26780 * 2352,
                    sector_bytes: 2352
                }
            },
        ]
    );
}

#[test]
fn pregap_and_postgap_insert_generated_sectors() {
    let (_, l) = layout_fixture("pregap_postgap.cue");
    // Track 1: 1000 data sectors + POSTGAP 150. Track 2: PREGAP 150, 03:00:00 = 13500 sectors
    // of songs.bin. Track 3: INDEX 00 at 13500, INDEX 01 at 13575 of songs.bin (20000 sectors),
    // POSTGAP 30.
    assert_eq!(
        starts(&l),
        [
            (1, -150, 0, 1150),
            (2, 1150, 1300, 14800),
            (3, 14800, 14875, 21330)
        ]
    );
    let t1 = track(&l, 1);
    assert_eq!(
        (t1.postgap_blocks, t1.length_blocks),
        (BlockCount(150), BlockCount(1150))
    );
    let t2 = track(&l, 2);
    assert_eq!(t2.generated_pregap_blocks, BlockCount(150));
    assert_eq!(t2.indexes, [(0, Lba(1150)), (1, Lba(1300))]);
    let t3 = track(&l, 3);
    assert_eq!(
        (t3.pregap_blocks, t3.postgap_blocks),
        (BlockCount(75), BlockCount(30))
    );
    // Track 1's data comes from data.iso in 2048-byte sectors.
    assert!(l.segments.contains(&Segment {
        start: Lba(0),
        blocks: BlockCount(1000),
        track: 1,
        source: SegmentSource::File {
            file: 0,
            offset_bytes: 0,
            bytes: 1000 * 2048,
            sector_bytes: 2048
        }
    }));
    assert!(l.segments.contains(&Segment {
        start: Lba(1000),
        blocks: BlockCount(150),
        track: 1,
        source: SegmentSource::Generated
    }));
}

#[test]
fn pregap_with_index_00_puts_generated_sectors_first() {
    let s = CueSheet::parse(
        b"FILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nPREGAP 00:01:00\nINDEX 00 01:00:00\nINDEX 01 01:01:00\n",
    )
    .unwrap();
    let l = s.layout(&|_| Some(10_000 * 2352)).unwrap();
    check_layout_invariants(&s, &l);
    // Track 2: generated 75 at 4500, file INDEX 00 (4500) at 4575, INDEX 01 (4575) at 4650.
    let t2 = track(&l, 2);
    assert_eq!((t2.pregap_start, t2.start), (Lba(4500), Lba(4650)));
    assert_eq!(t2.indexes, [(0, Lba(4500)), (1, Lba(4650))]);
    assert_eq!(
        (t2.pregap_blocks, t2.generated_pregap_blocks),
        (BlockCount(150), BlockCount(75))
    );
    assert_eq!(l.lead_out, Lba(10_075));
}

#[test]
fn eac_noncompliant_pregap_spans_two_files_and_partial_sector_is_padded() {
    let (_, l) = layout_fixture("eac_noncompliant.cue");
    // File 1: 42315 sectors (last one partial), track 2's INDEX 00 at 09:22:15 = 42165.
    // File 2: 44027 sectors, track 3's INDEX 00 at 09:46:02 = 43952.
    // File 3: 20000 sectors, INDEX 02 at 03:10:00 = 14250. File 4: 30000 sectors.
    assert_eq!(
        starts(&l),
        [
            (1, -150, 0, 42165),
            (2, 42165, 42315, 86267),
            (3, 86267, 86342, 106342),
            (4, 106342, 106342, 136342)
        ]
    );
    assert_eq!(
        track(&l, 3).indexes,
        [(0, Lba(86267)), (1, Lba(86342)), (2, Lba(100592))]
    );
    // Track 2's pregap is the tail of file 1, 150 sectors of which the last is 1000 bytes short.
    assert!(l.segments.contains(&Segment {
        start: Lba(42165),
        blocks: BlockCount(150),
        track: 2,
        source: SegmentSource::File {
            file: 0,
            offset_bytes: 42165 * 2352,
            bytes: 150 * 2352 - 1000,
            sector_bytes: 2352
        }
    }));
}

#[test]
fn gaps_prepended_files_hold_their_pregaps() {
    let (_, l) = layout_fixture("gaps_prepended.cue");
    // 00:01:62 = 137 sectors.
    assert_eq!(
        starts(&l),
        [
            (1, -150, 0, 1000),
            (2, 1000, 1137, 3000),
            (3, 3000, 3150, 6000)
        ]
    );
}

#[test]
fn hidden_track_pregap_longer_than_2_seconds_comes_from_the_file() {
    let (_, l) = layout_fixture("hidden_track.cue");
    // INDEX 00 00:00:00 at −150 (absolute 00:00:00); INDEX 01 00:32:10 = 2410 → LBA 2260;
    // INDEX 02 01:10:00 = 5250 → 5100; INDEX 03 02:00:00 = 9000 → 8850; track 2 at
    // 04:00:00 = 18000 → 17850; 30000 sectors → lead-out 29850.
    let t1 = track(&l, 1);
    assert_eq!(t1.generated_pregap_blocks, BlockCount(0));
    assert_eq!(
        t1.indexes,
        [
            (0, Lba(-150)),
            (1, Lba(2260)),
            (2, Lba(5100)),
            (3, Lba(8850))
        ]
    );
    assert_eq!(
        starts(&l),
        [(1, -150, 2260, 17850), (2, 17850, 17850, 29850)]
    );
}

#[test]
fn short_file_pregap_on_track_1_is_topped_up_to_150() {
    let s =
        CueSheet::parse(b"FILE a BINARY\nTRACK 01 AUDIO\nINDEX 00 00:00:00\nINDEX 01 00:01:00\n")
            .unwrap();
    let l = s.layout(&|_| Some(1000 * 2352)).unwrap();
    check_layout_invariants(&s, &l);
    let t1 = track(&l, 1);
    assert_eq!((t1.pregap_start, t1.start), (Lba(-150), Lba(0)));
    assert_eq!(t1.generated_pregap_blocks, BlockCount(75));
    assert_eq!(t1.indexes, [(0, Lba(-150)), (1, Lba(0))]);
    assert_eq!(l.lead_out, Lba(925));
}

#[test]
fn mixed_sector_sizes_in_one_binary_file_are_counted_per_track() {
    let s = CueSheet::parse(
        b"FILE a.bin BINARY\nTRACK 01 MODE1/2048\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 01 00:10:00\n",
    )
    .unwrap();
    // Track 1: 750 sectors × 2048 bytes; track 2: 1000 sectors × 2352 bytes.
    let l = s.layout(&|_| Some(750 * 2048 + 1000 * 2352)).unwrap();
    check_layout_invariants(&s, &l);
    assert_eq!(starts(&l), [(1, -150, 0, 750), (2, 750, 750, 1750)]);
    assert_eq!(
        l.segments.last().unwrap().source,
        SegmentSource::File {
            file: 0,
            offset_bytes: 750 * 2048,
            bytes: 1000 * 2352,
            sector_bytes: 2352
        }
    );
}

#[test]
fn cd_tools_demo_layout_matches_the_toc() {
    let (_, l) = layout_fixture("cd_tools_demo.cue");
    // 00:27:44 = 2069 data sectors, PREGAP 150, 450 audio sectors (6 s).
    assert_eq!(starts(&l), [(1, -150, 0, 2069), (2, 2069, 2219, 2669)]);
}

#[test]
fn redump_one_bin_per_track_layout() {
    let (_, l) = layout_fixture("redump_multi_bin.cue");
    assert_eq!(
        starts(&l),
        [
            (1, -150, 0, 10000),
            (2, 10000, 10150, 15000),
            (3, 15000, 15150, 21000)
        ]
    );
}

const TWO: &[u8] =
    b"FILE \"a.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 01:00:00\n";

#[test]
fn unknown_file_size_is_an_error_at_the_file() {
    let s = CueSheet::parse(TWO).unwrap();
    let e = s.layout(&|_| None).unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert_eq!(e.kind, CueErrorKind::FileSizeUnknown("a.bin".into()));
}

#[test]
fn index_beyond_file_end_is_an_error_at_the_index() {
    let s = CueSheet::parse(TWO).unwrap();
    // 01:00:00 = 4500 sectors, the file has 4499.
    let e = s.layout(&|_| Some(4499 * 2352)).unwrap_err();
    assert_eq!((e.line, e.column), (5, 5));
    assert!(matches!(
        e.kind,
        CueErrorKind::IndexBeyondFile {
            track: 2,
            index: 1,
            ..
        }
    ));
}

#[test]
fn index_at_the_very_end_leaves_an_empty_track() {
    let s = CueSheet::parse(TWO).unwrap();
    let e = s.layout(&|_| Some(4500 * 2352)).unwrap_err();
    assert_eq!(
        (e.line, e.column, e.kind),
        (4, 3, CueErrorKind::EmptyTrack(2))
    );
}

#[test]
fn partial_data_sector_is_an_error_partial_audio_sector_is_padded() {
    let data = CueSheet::parse(b"FILE d BINARY\nTRACK 01 MODE1/2048\nINDEX 01 00:00:00\n").unwrap();
    let e = data.layout(&|_| Some(1000 * 2048 + 1)).unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert_eq!(
        e.kind,
        CueErrorKind::PartialSector {
            file: "d".into(),
            track: 1,
            bytes: 1000 * 2048 + 1,
            sector_bytes: 2048
        }
    );
    let audio = CueSheet::parse(b"FILE a.wav WAVE\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n").unwrap();
    let l = audio.layout(&|_| Some(1000 * 2352 + 4)).unwrap();
    assert_eq!(l.lead_out, Lba(1001));
}

#[test]
fn mp3_is_rejected_at_layout() {
    let s = CueSheet::parse(b"FILE \"a.mp3\" MP3\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n").unwrap();
    let e = s.layout(&|_| Some(1000 * 2352)).unwrap_err();
    assert_eq!(
        (e.line, e.column, e.kind),
        (1, 1, CueErrorKind::Mp3NotSupported("a.mp3".into()))
    );
}

#[test]
fn data_before_the_first_index_is_an_error() {
    let s = CueSheet::parse(b"FILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:10\n").unwrap();
    let e = s.layout(&|_| Some(1000 * 2352)).unwrap_err();
    assert_eq!(e.kind, CueErrorKind::DataBeforeFirstIndex("a".into()));
}

#[test]
fn data_before_a_later_files_first_index_belongs_to_the_previous_track() {
    let s = CueSheet::parse(
        b"FILE a BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nFILE b BINARY\nTRACK 02 AUDIO\nINDEX 01 00:00:10\n",
    )
    .unwrap();
    let l = s.layout(&|_| Some(100 * 2352)).unwrap();
    check_layout_invariants(&s, &l);
    assert_eq!(starts(&l), [(1, -150, 0, 110), (2, 110, 110, 200)]);
}

#[test]
fn oversized_disc_is_an_error() {
    let s = CueSheet::parse(TWO).unwrap();
    assert_eq!(
        s.layout(&|_| Some(u64::MAX)).unwrap_err().kind,
        CueErrorKind::DiscTooLong
    );
    // The lead-out may start at LBA 404849 = MSF 89:59:74, the last program-area MSF.
    let l = s.layout(&|_| Some(404_849 * 2352)).unwrap();
    assert_eq!(l.lead_out, Lba(404_849));
    assert_eq!(
        s.layout(&|_| Some(404_850 * 2352)).unwrap_err().kind,
        CueErrorKind::DiscTooLong
    );
}

#[test]
fn built_sheet_with_an_unused_file_is_inconsistent_not_a_panic() {
    let mut s = CueSheet::parse(TWO).unwrap();
    s.files.push(s.files[0].clone());
    let e = s.layout(&|_| Some(10_000 * 2352)).unwrap_err();
    assert!(matches!(e.kind, CueErrorKind::Inconsistent(_)), "{e}");
    let mut s = CueSheet::parse(TWO).unwrap();
    s.tracks[1].indexes[0].file = 7;
    assert!(matches!(
        s.layout(&|_| Some(10_000 * 2352)).unwrap_err().kind,
        CueErrorKind::Inconsistent(_)
    ));
}
