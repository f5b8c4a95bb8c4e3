//! Audio track at once on CD-R/RW (IDiscFormat2TrackAtOnce's drive side): page 05h write type
//! 1 with data block type 0, 2352-byte WRITEs at the NWA, SYNCHRONIZE CACHE per track, the
//! pause before each further track, ISRC, the 99-track limit, and reading the samples back
//! with READ CD (`mmc.md` §1.21–§1.23, §2.2, §4.7; `imapi2.md` §5.6).

use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_mmc::Sense;

use crate::common::*;
use crate::media_util::*;

/// `blocks` blocks of 2352-byte "samples" distinct per block (seeded by `seed`).
fn samples(seed: u32, blocks: u32) -> Vec<u8> {
    (0..blocks as usize * 2352)
        .map(|i| ((seed as usize * 31 + i / 2352 * 7 + i % 2352) % 253) as u8)
        .collect()
}

/// Page 05h for audio TAO: write type 1, data block type 0, track mode `mode`, pause
/// `pause`, multi-session 00b (the session close finalizes).
fn audio_page05(d: &mut EmulatedDrive, mode: u8, pause: u16) {
    assert_good(&edit_page05(d, |p| {
        p[2] = (p[2] & 0xF0) | 0x01; // B2: write type 1 (TAO)
        p[3] = mode; // B3: multi-session 00b, FP 0, copy 0, track mode
        p[4] = 0x00; // B4: data block type 0 (raw 2352)
        p[14..16].copy_from_slice(&pause.to_be_bytes()); // B14-15: audio pause length
    }));
}

/// Sets (or clears with `None`) the ISRC of page 05h (B32 b7 TCVAL, B33-44).
fn set_isrc(d: &mut EmulatedDrive, isrc: Option<&[u8; 12]>) {
    assert_good(&edit_page05(d, |p| match isrc {
        Some(code) => {
            p[32] = 0x80;
            p[33..45].copy_from_slice(code);
        }
        None => p[32] = 0x00,
    }));
}

/// WRITE(10) of audio blocks at `lba`.
fn write_audio(d: &mut EmulatedDrive, lba: u32, data: &[u8]) -> discmaster_transport::Completion {
    let blocks = (data.len() / 2352) as u16;
    data_out(d, &cdb10(0x2A, 0, lba, blocks), data)
}

/// READ CD of `blocks` at `lba`: expected sector type `est` (B1 bits 4–2), user data only
/// (B9 = 10h), no sub-channel.
fn read_cd(
    d: &mut EmulatedDrive,
    est: u8,
    lba: u32,
    blocks: u8,
) -> (discmaster_transport::Completion, Vec<u8>) {
    let l = lba.to_be_bytes();
    let cdb = [
        0xBE,
        est << 2,
        l[0],
        l[1],
        l[2],
        l[3],
        0,
        0,
        blocks,
        0x10,
        0,
        0,
    ];
    data_in(d, &cdb, usize::from(blocks) * 2352)
}

#[test]
fn three_audio_tracks_are_recorded_with_pauses_and_read_back_bit_exact() {
    let (_dir, mut d) = media_drive(MediaKind::CdR);
    audio_page05(&mut d, 0x00, 150);
    // Media catalog number: B16 b7 MCVAL, B17-29 13 digits.
    assert_good(&edit_page05(&mut d, |p| {
        p[16] = 0x80;
        p[17..30].copy_from_slice(b"0123456789012");
    }));
    let t = track_info(&mut d, 0xFF);
    assert_eq!(nwa_of(&t), 0);
    assert_eq!(be32(&t, 16), 359_849, "free blocks of the blank disc");
    // Track 1: 300 blocks (4 s).
    assert_good(&write_audio(&mut d, 0, &samples(1, 300)));
    assert_good(&sync(&mut d));
    // Track 2, with an ISRC: after the 150-block pause (audio tracks have no run-out).
    let second = nwa_of(&track_info(&mut d, 0xFF));
    assert_eq!(second, 300 + 150);
    set_isrc(&mut d, Some(b"USDM12400001"));
    assert_good(&write_audio(&mut d, second, &samples(2, 200)));
    assert_good(&write_audio(&mut d, second + 200, &samples(3, 200)));
    // Track 3 "gapless": pause 0 → right after track 2.
    set_isrc(&mut d, None);
    audio_page05(&mut d, 0x02, 0); // copy permitted (CONTROL 2)
    assert_good(&sync(&mut d));
    let third = nwa_of(&track_info(&mut d, 0xFF));
    assert_eq!(third, second + 400);
    assert_eq!(
        be32(&track_info(&mut d, 0xFF), 16),
        359_849 - third,
        "free blocks shrink with the NWA"
    );
    assert_good(&write_audio(&mut d, third, &samples(4, 300)));
    assert_good(&sync(&mut d));
    assert_good(&close(&mut d, 0x02, 0));
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x02, "finalized");
    assert_eq!(d.sectors_written(), 1000);

    // TOC: three audio tracks (CONTROL 0, 0, 2), lead-out right after track 3.
    let (c, toc) = data_in(&mut d, &cdb10(0x43, 0, 0, 100), 100);
    assert_good(&c);
    assert_eq!((toc[2], toc[3]), (1, 3));
    let entry = |i: usize| &toc[4 + 8 * i..12 + 8 * i];
    assert_eq!(entry(0)[1] & 0x0F, 0x00, "track 1 CONTROL");
    assert_eq!(be32(entry(1), 4), second);
    assert_eq!(entry(2)[1] & 0x0F, 0x02, "track 3 CONTROL copy permitted");
    assert_eq!(be32(entry(2), 4), third);
    assert_eq!(entry(3)[2], 0xAA);
    assert_eq!(be32(entry(3), 4), third + 300, "lead-out");
    // READ TRACK INFORMATION: audio tracks have data mode Fh.
    let t2 = track_info(&mut d, 2);
    assert_eq!(t2[5] & 0x0F, 0x00);
    assert_eq!(t2[6] & 0x0F, 0x0F);
    assert_eq!(be32(&t2, 24), 400, "track size: no run-out for audio");

    // The samples come back bit-exact with READ CD (expected type 001b CD-DA).
    let (c, got) = read_cd(&mut d, 0b001, second, 200);
    assert_good(&c);
    assert_eq!(got, samples(2, 200));
    let (c, got) = read_cd(&mut d, 0b000, third + 299, 1);
    assert_good(&c);
    assert_eq!(got, samples(4, 300)[299 * 2352..]);
    // READ(10) of audio, and READ CD expecting Mode 1: illegal mode.
    assert_sense!(read(&mut d, 0, 1).0, Sense::ILLEGAL_MODE_FOR_THIS_TRACK);
    assert_sense!(
        read_cd(&mut d, 0b010, 0, 1).0,
        Sense::ILLEGAL_MODE_FOR_THIS_TRACK
    );
    // The pause reads as digital silence (an exporter reads the disc as one image); it is
    // index 00 of the next track, counting down.
    let (c, gap) = read_cd(&mut d, 0b001, 300, 150);
    assert_good(&c);
    assert!(gap.iter().all(|&x| x == 0));
    let l = (second - 1).to_be_bytes();
    let q_cdb = [0xBE, 0x04, l[0], l[1], l[2], l[3], 0, 0, 1, 0x00, 0x02, 0];
    let (c, q) = data_in(&mut d, &q_cdb, 16);
    assert_good(&c);
    assert_eq!(
        &q[..6],
        &[0x01, 0x02, 0x00, 0x00, 0x00, 0x01],
        "ADR 1, track 2, index 0, 1 frame"
    );
    // READ CD of the invisible track's area after the session: not recorded.
    assert_sense!(
        read_cd(&mut d, 0, third + 300, 1).0,
        Sense::LBA_OUT_OF_RANGE
    );
    assert_eq!(d.cd_track_isrc(2).as_deref(), Some("USDM12400001"));
    assert_eq!(d.cd_track_isrc(1), None);
    assert_eq!(d.media_catalog_number().as_deref(), Some("0123456789012"));
    // Q sub-channel (formatted Q, 010b): ADR 3 ISRC at block 10 of track 2, ADR 2 MCN at 60.
    let q_at = |d: &mut EmulatedDrive, lba: u32| {
        let l = lba.to_be_bytes();
        let cdb = [0xBE, 0x04, l[0], l[1], l[2], l[3], 0, 0, 1, 0x00, 0x02, 0];
        let (c, q) = data_in(d, &cdb, 16);
        assert_good(&c);
        q
    };
    assert_eq!(q_at(&mut d, second + 10)[0], 0x03, "CONTROL 0, ADR 3");
    assert_eq!(q_at(&mut d, second + 11)[0], 0x01, "position again");
    assert_eq!(q_at(&mut d, 10)[0], 0x01, "track 1 has no ISRC");
    assert_eq!(q_at(&mut d, 60)[0], 0x02, "ADR 2 MCN");
}

#[test]
fn audio_page05_combinations_are_checked() {
    let (_dir, mut d) = media_drive(MediaKind::CdRw);
    // DBT 0 with a data track mode, DBT 0 with packet writing: refused.
    assert_sense!(
        edit_page05(&mut d, |p| {
            p[2] = (p[2] & 0xF0) | 0x01;
            p[3] = 0x04;
            p[4] = 0x00;
        }),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    assert_sense!(
        edit_page05(&mut d, |p| {
            p[2] &= 0xF0;
            p[3] = 0x00;
            p[4] = 0x00;
        }),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    // Mode 1 with an audio track mode.
    assert_sense!(
        edit_page05(&mut d, |p| p[3] = 0x00),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    // Audio TAO on DVD: no such thing.
    let (_dir, mut dvd) = media_drive(MediaKind::DvdMinusR);
    assert_sense!(
        edit_page05(&mut dvd, |p| {
            p[2] = (p[2] & 0xF0) | 0x01;
            p[3] = 0x00;
            p[4] = 0x00;
        }),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    // Audio blocks of the wrong size, and data into an audio track.
    audio_page05(&mut d, 0x00, 150);
    assert_sense!(
        data_out(&mut d, &cdb10(0x2A, 0, 0, 1), &[0; 2048]),
        Sense::INVALID_FIELD_IN_CDB
    );
    assert_good(&write_audio(&mut d, 0, &samples(9, 10)));
    assert_good(&edit_page05(&mut d, |p| {
        p[3] = 0x04;
        p[4] = 0x08;
    }));
    assert_sense!(write(&mut d, 10, 1), Sense::ILLEGAL_MODE_FOR_THIS_TRACK);
}

#[test]
fn audio_simulation_records_nothing() {
    let (_dir, mut d) = media_drive(MediaKind::CdR);
    audio_page05(&mut d, 0x00, 150);
    assert_good(&edit_page05(&mut d, |p| p[2] |= 0x10)); // Test Write
    assert_good(&write_audio(&mut d, 0, &samples(5, 300)));
    assert_good(&sync(&mut d));
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 450);
    assert_good(&close(&mut d, 0x02, 0));
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x00, "blank");
    assert_eq!(d.sectors_written(), 0);
    assert!(!d.dir().join("medium.cdda").exists(), "no samples stored");
}

#[test]
fn the_99th_track_is_the_last() {
    let (_dir, mut d) = media_drive(MediaKind::CdR);
    audio_page05(&mut d, 0x00, 0);
    for n in 1..=99u32 {
        let nwa = nwa_of(&track_info(&mut d, 0xFF));
        assert_good(&write_audio(&mut d, nwa, &samples(n, 1)));
        assert_good(&sync(&mut d));
    }
    let b = disc_info(&mut d);
    assert_eq!(
        (b[5], b[6]),
        (1, 99),
        "tracks 1 … 99, no invisible track 100"
    );
    let (c, _) = data_in(&mut d, &cdb10(0x52, 0x01, 0xFF, 48), 48);
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
    assert_good(&close(&mut d, 0x02, 0));
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x02);
    let (c, got) = read_cd(&mut d, 0b001, 98, 1);
    assert_good(&c);
    assert_eq!(got, samples(99, 1));
}
