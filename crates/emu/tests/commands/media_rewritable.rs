//! Random-access recording on rewritable media (the block-range writes of
//! `IDiscFormat2Data::Write`, `imapi2.md` §5.3), the sector counter, the profile and capacity
//! of every new medium, and the DVD+R DL structures (`mmc.md` §5.2, §5.3, §5.5, §5.6).

use discmaster_emu::{parse_media_spec, EmulatedDrive, MediaKind};
use discmaster_mmc::Sense;

use crate::common::*;
use crate::media_util::*;

/// The media written from sector 0 with random access, already formatted.
fn formatted(kind: MediaKind) -> (tempfile::TempDir, EmulatedDrive) {
    let spec = match kind {
        MediaKind::DvdRam => "dvd-ram".to_string(),
        other => format!("{other}:formatted"),
    };
    let (k, options) = parse_media_spec(&spec).unwrap();
    drive_with(k, options)
}

#[test]
fn block_range_rewrite_counts_only_the_written_ranges() {
    for kind in [
        MediaKind::DvdPlusRw,
        MediaKind::DvdMinusRw,
        MediaKind::DvdRam,
        MediaKind::BdRe,
    ] {
        let (_dir, mut d) = formatted(kind);
        // A full burn from sector 0 …
        for lba in (0..1024).step_by(64) {
            assert_good(&write(&mut d, lba, 64));
        }
        assert_eq!(d.sectors_written(), 1024, "{kind}");
        // … then a burn that rewrites only the listed ranges (16-block aligned for DVD-RW).
        let ranges = [(16u32, 16u16), (512, 48), (992, 32)];
        let before = d.sectors_written();
        for &(lba, blocks) in &ranges {
            let data: Vec<u8> = pattern(lba + 7, u32::from(blocks));
            assert_good(&data_out(&mut d, &cdb10(0x2A, 0, lba, blocks), &data));
        }
        let listed: u64 = ranges.iter().map(|&(_, n)| u64::from(n)).sum();
        assert_eq!(d.sectors_written() - before, listed, "{kind}");
        // Changed exactly there, unchanged elsewhere.
        assert_eq!(read(&mut d, 16, 16).1, pattern(16 + 7, 16), "{kind}");
        assert_eq!(read(&mut d, 0, 16).1, pattern(0, 16), "{kind}");
        assert_eq!(read(&mut d, 32, 480).1, pattern(32, 480), "{kind}");
        assert_eq!(read(&mut d, 560, 432).1, pattern(560, 432), "{kind}");
        // READ CAPACITY is the formatted capacity; track 1 takes writes from 0.
        let t = track_info(&mut d, 1);
        assert_eq!(nwa_of(&t), 0, "{kind}");
        assert_eq!(read_capacity(&mut d).0 + 1, be32(&t, 16), "{kind}");
        assert_eq!(be32(&t, 28), 1023, "{kind}: last recorded address");
    }
}

#[test]
fn random_access_media_refuse_sequential_only_commands() {
    let (_dir, mut d) = formatted(MediaKind::BdRe);
    // RESERVE TRACK: the disc is "complete" for sequential recording.
    assert_sense!(
        none(&mut d, &[0x53, 0, 0, 0, 0, 0, 0, 0x01, 0, 0]),
        Sense::COMMAND_SEQUENCE_ERROR
    );
    // CLOSE of a track or session does nothing; finalizing is not a BD-RE function.
    assert_good(&close(&mut d, 0x01, 1));
    assert_good(&close(&mut d, 0x02, 0));
    assert_sense!(close(&mut d, 0x06, 0), Sense::INVALID_FIELD_IN_CDB);
    // TOC of the single track.
    let (c, toc) = data_in(&mut d, &cdb10(0x43, 0, 0, 12), 12);
    assert_good(&c);
    assert_eq!((toc[2], toc[3]), (1, 1), "first and last track 1");
}

#[test]
fn every_new_medium_reports_its_profile_and_capacity() {
    for (kind, profile, free) in [
        (MediaKind::CdR, 0x0009, 359_849),
        (MediaKind::CdRw, 0x000A, 359_849),
        (MediaKind::DvdMinusR, 0x0011, 2_298_496),
        (MediaKind::DvdRam, 0x0012, 2_236_704),
        (MediaKind::DvdMinusRw, 0x0014, 2_298_496),
        (MediaKind::DvdPlusRw, 0x001A, 2_295_104),
        (MediaKind::DvdPlusR, 0x001B, 2_295_104),
        (MediaKind::DvdPlusRDl, 0x002B, 4_173_824),
        (MediaKind::BdR, 0x0041, 12_219_392),
        (MediaKind::BdRe, 0x0043, 12_219_392),
    ] {
        let (_dir, mut d) = media_drive(kind);
        assert_eq!(current_profile(&mut d), profile, "{kind}");
        assert_eq!(u16::from(kind.profile()), profile, "{kind}");
        let t = track_info(&mut d, if kind == MediaKind::DvdRam { 1 } else { 0xFF });
        assert_eq!(be32(&t, 16), free, "{kind}: free blocks");
        let erasable = disc_info(&mut d)[2] & 0x10 != 0;
        assert_eq!(erasable, kind.is_erasable(), "{kind}");
    }
}

#[test]
fn dvd_plus_r_dl_reports_two_layers_and_the_default_layer_break() {
    let (_dir, mut d) = media_drive(MediaKind::DvdPlusRDl);
    // READ DISC STRUCTURE format 00h.
    let (c, b) = data_in(
        &mut d,
        &[0xAD, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0x04, 0, 0],
        2052,
    );
    assert_good(&c);
    let p = &b[4..];
    assert_eq!(p[0] >> 4, 0xE, "book type DVD+R DL");
    assert_eq!((p[2] >> 5) & 0x03, 1, "two layers");
    assert_eq!(p[2] & 0x0F, 0x02, "recordable");
    assert_eq!(be32(p, 4), 0x03_0000, "start PSN");
    assert_eq!(be32(p, 8), 0x03_0000 + 4_173_824 - 1, "end PSN");
    assert_eq!(be32(p, 12), 0x03_0000 + 2_086_912 - 1, "end PSN of layer 0");
    // Format 20h (growisofs reads it with allocation 12).
    let (c, b) = data_in(&mut d, &[0xAD, 0, 0, 0, 0, 0, 0, 0x20, 0, 12, 0, 0], 12);
    assert_good(&c);
    assert_eq!(
        b,
        [
            0x00, 0x0A, // length 10
            0x00, 0x00, // reserved
            0x00, // init status 0: layer 0 capacity not fixed yet
            0x00, 0x00, 0x00, // reserved
            0x00, 0x1F, 0xD8, 0x00, // L0 data zone capacity 2 086 912
        ]
    );
    // Format 20h on a single-layer disc: not there.
    let (_dir, mut d) = media_drive(MediaKind::DvdPlusR);
    let (c, _) = data_in(&mut d, &[0xAD, 0, 0, 0, 0, 0, 0, 0x20, 0, 12, 0, 0], 12);
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn dvd_plus_r_dl_records_sequentially_like_dvd_plus_r() {
    let (_dir, mut d) = media_drive(MediaKind::DvdPlusRDl);
    assert!(feature_current(&mut d, 0x003B), "DVD+R Dual Layer");
    assert_good(&write(&mut d, 0, 32));
    assert_good(&close(&mut d, 0x01, 1));
    assert_good(&close(&mut d, 0x02, 0));
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x01, "appendable");
    // Finalize with minimum radius (101b), as libburn / growisofs do for DL.
    assert_good(&close(&mut d, 0x05, 0));
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x02, "complete");
}

#[test]
fn dvd_book_types_of_the_rewritable_kinds() {
    for (kind, book, layer_type) in [
        (MediaKind::DvdPlusRw, 0x9, 0x04),
        (MediaKind::DvdMinusRw, 0x3, 0x04),
        (MediaKind::DvdRam, 0x1, 0x04),
    ] {
        let (_dir, mut d) = media_drive(kind);
        let (c, b) = data_in(
            &mut d,
            &[0xAD, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0x04, 0, 0],
            2052,
        );
        assert_good(&c);
        assert_eq!(b[4] >> 4, book, "{kind}");
        assert_eq!(b[6] & 0x0F, layer_type, "{kind}: rewritable");
    }
    let (_dir, mut d) = media_drive(MediaKind::BdRe);
    let (c, _) = data_in(
        &mut d,
        &[0xAD, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0x04, 0, 0],
        2052,
    );
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
}
