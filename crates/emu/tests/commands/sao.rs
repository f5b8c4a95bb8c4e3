//! CD-R/RW written session at once (page 05h write type 2) as libburn does it: MODE SELECT
//! 05h type 2 / data block type 0, SEND CUE SHEET, WRITE from −150 in the cue forms' block
//! sizes, SYNCHRONIZE CACHE (no CLOSE); then READ TOC, READ(10) and READ CD read back what
//! was written (`mmc.md` §1.17, §2.2, §6.2).

use discmaster_emu::MediaKind;
use discmaster_mmc::Sense;

use crate::common::*;

/// One-track Mode 1 data disc: pregap −150 … −1, track 1 at 0 … 299, lead-out at 300.
fn data_sheet() -> Vec<u8> {
    vec![
        0x41, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
        0x00, // lead-in: CTL 4/ADR 1, TNO 0, form 14h, 00:00:00
        0x41, 0x01, 0x00, 0x10, 0x00, 0x00, 0x00,
        0x00, // track 1 index 00, Mode 1 (10h), 00:00:00 = −150
        0x41, 0x01, 0x01, 0x10, 0x00, 0x00, 0x02, 0x00, // track 1 index 01, 00:02:00 = LBA 0
        0x41, 0xAA, 0x01, 0x14, 0x00, 0x00, 0x06,
        0x00, // lead-out, form 14h, 00:06:00 = LBA 300
    ]
}

/// Two-track audio disc: track 1 at 0, track 2 pregap 300, index 01 at 450, lead-out 750.
fn audio_sheet() -> Vec<u8> {
    vec![
        0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x00, // lead-in: CTL 0/ADR 1, form 01h, 00:00:00
        0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, // track 1 index 00, CD-DA (00h), 00:00:00
        0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, // track 1 index 01, 00:02:00 = LBA 0
        0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x06,
        0x00, // track 2 index 00, 00:06:00 = LBA 300
        0x01, 0x02, 0x01, 0x00, 0x00, 0x00, 0x08,
        0x00, // track 2 index 01, 00:08:00 = LBA 450
        0x01, 0xAA, 0x01, 0x01, 0x00, 0x00, 0x0C,
        0x00, // lead-out, form 01h, 00:12:00 = LBA 750
    ]
}

/// A blank `kind` with page 05h write type 2 (SAO), data block type 0.
fn sao_drive(kind: MediaKind) -> (tempfile::TempDir, discmaster_emu::EmulatedDrive) {
    let (dir, mut drive) = blank_drive(kind);
    assert_good(&edit_page05(&mut drive, |p| {
        p[2] = (p[2] & 0xF0) | 0x02; // B2 b3-0: write type 2 (SAO)
        p[4] &= 0xF0; // B4 b3-0: data block type 0 (raw)
    }));
    (dir, drive)
}

/// SEND CUE SHEET of `sheet`.
fn send_cue(
    d: &mut discmaster_emu::EmulatedDrive,
    sheet: &[u8],
) -> discmaster_transport::Completion {
    let n = (sheet.len() as u32).to_be_bytes();
    data_out(d, &[0x5D, 0, 0, 0, 0, 0, n[1], n[2], n[3], 0], sheet)
}

/// Host bytes of an audio block: byte k of block at `lba` is (3·lba + k) mod 253.
fn samples(lba: i32) -> Vec<u8> {
    (0..2352)
        .map(|k| ((3 * i64::from(lba) + k).rem_euclid(253)) as u8)
        .collect()
}

/// User data of a Mode 1 block (the pregap is zeros, as libburn writes it).
fn user(lba: i32) -> Vec<u8> {
    if lba < 0 {
        vec![0; 2048]
    } else {
        pattern(lba as u32, 1)
    }
}

/// WRITEs `first .. end` in 30-block commands with `block(lba)` as host data.
fn write_blocks(
    d: &mut discmaster_emu::EmulatedDrive,
    first: i32,
    end: i32,
    block: fn(i32) -> Vec<u8>,
) {
    let mut lba = first;
    while lba < end {
        let n = (end - lba).min(30);
        let data: Vec<u8> = (lba..lba + n).flat_map(block).collect();
        assert_good(&data_out(d, &cdb10(0x2A, 0, lba as u32, n as u16), &data));
        lba += n;
    }
}

/// READ TOC with `format` (LBA addresses), starting track/session `start`.
fn read_toc(d: &mut discmaster_emu::EmulatedDrive, format: u8, start: u8) -> Vec<u8> {
    let (c, b) = data_in(d, &[0x43, 0, format, 0, 0, 0, start, 0x10, 0x00, 0], 4096);
    assert_good(&c);
    b
}

/// READ CD of one block at `lba`: any sector type, `main` selection byte 9, `sub` byte 10.
fn read_cd(
    d: &mut discmaster_emu::EmulatedDrive,
    lba: i32,
    main: u8,
    sub: u8,
    len: usize,
) -> Vec<u8> {
    let l = (lba as u32).to_be_bytes();
    let (c, b) = data_in(
        d,
        &[0xBE, 0, l[0], l[1], l[2], l[3], 0, 0, 1, main, sub, 0],
        len,
    );
    assert_good(&c);
    b
}

#[test]
fn sao_data_disc_reads_back() {
    let (_dir, mut d) = sao_drive(MediaKind::CdR);
    assert_good(&send_cue(&mut d, &data_sheet()));
    // READ TRACK INFORMATION of the invisible track: NWA −150 (cdrecord expects it).
    assert_eq!(nwa_of(&track_info(&mut d, 1)) as i32, -150);
    write_blocks(&mut d, -150, 300, user);
    assert_good(&sync(&mut d));

    let toc = read_toc(&mut d, 0, 0);
    assert_eq!(&toc[..4], &[0x00, 0x12, 1, 1], "length 18, track 1");
    assert_eq!(
        &toc[4..12],
        &[0, 0x14, 1, 0, 0, 0, 0, 0],
        "track 1 data at 0"
    );
    assert_eq!(
        &toc[12..20],
        &[0, 0x14, 0xAA, 0, 0, 0, 0x01, 0x2C],
        "lead-out 300"
    );
    let full = read_toc(&mut d, 2, 1);
    let entries: Vec<&[u8]> = full[4..].chunks(11).collect();
    assert_eq!(entries.len(), 4, "A0, A1, A2, track 1");
    assert_eq!(entries[0], &[1, 0x14, 0, 0xA0, 0, 0, 0, 0, 1, 0x00, 0]);
    assert_eq!(entries[1], &[1, 0x14, 0, 0xA1, 0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(
        entries[2],
        &[1, 0x14, 0, 0xA2, 0, 0, 0, 0, 0, 6, 0],
        "00:06:00"
    );
    assert_eq!(
        entries[3],
        &[1, 0x14, 0, 1, 0, 0, 0, 0, 0, 2, 0],
        "00:02:00"
    );

    let (c, data) = read(&mut d, 0, 300);
    assert_good(&c);
    assert_eq!(data, pattern(0, 300));
    // READ CD of block 5, whole sector: sync, header 00:02:05 mode 1, the user data.
    let sector = read_cd(&mut d, 5, 0xF8, 0, 2352);
    assert_eq!(
        &sector[..12],
        &[0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]
    );
    assert_eq!(
        &sector[12..16],
        &[0x00, 0x02, 0x05, 0x01],
        "BCD header, mode 1"
    );
    assert_eq!(&sector[16..2064], &pattern(5, 1)[..]);
    // Disc complete: READ DISC INFORMATION byte 2 b1-0 = 10b.
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x02);
}

#[test]
fn sao_two_track_audio_disc_reads_back() {
    let (_dir, mut d) = sao_drive(MediaKind::CdRw);
    assert_good(&send_cue(&mut d, &audio_sheet()));
    write_blocks(&mut d, -150, 750, samples);
    assert_good(&sync(&mut d));

    let toc = read_toc(&mut d, 0, 0);
    assert_eq!(&toc[..4], &[0x00, 0x1A, 1, 2], "length 26, tracks 1-2");
    assert_eq!(
        &toc[4..12],
        &[0, 0x10, 1, 0, 0, 0, 0, 0],
        "track 1 audio at 0"
    );
    assert_eq!(
        &toc[12..20],
        &[0, 0x10, 2, 0, 0, 0, 0x01, 0xC2],
        "track 2 at 450"
    );
    assert_eq!(
        &toc[20..28],
        &[0, 0x10, 0xAA, 0, 0, 0, 0x02, 0xEE],
        "lead-out 750"
    );
    let full = read_toc(&mut d, 2, 1);
    let entries: Vec<&[u8]> = full[4..].chunks(11).collect();
    assert_eq!(entries.len(), 5);
    assert_eq!(
        entries[2],
        &[1, 0x10, 0, 0xA2, 0, 0, 0, 0, 0, 12, 0],
        "00:12:00"
    );
    assert_eq!(
        entries[4],
        &[1, 0x10, 0, 2, 0, 0, 0, 0, 0, 8, 0],
        "track 2 00:08:00"
    );

    // READ CD user data (byte 9 = 10h) of audio blocks: the samples written.
    assert_eq!(read_cd(&mut d, 0, 0x10, 0, 2352), samples(0));
    assert_eq!(read_cd(&mut d, 700, 0x10, 0, 2352), samples(700));
    assert_eq!(read_cd(&mut d, -150, 0x10, 0, 2352), samples(-150));
    // Formatted Q (sub-channel 010b) of block 300, track 2's pregap.
    let q = read_cd(&mut d, 300, 0x00, 0x02, 16);
    assert_eq!(
        &q[..10],
        &[
            0x01, // CTL 0 / ADR 1
            0x02, // TNO 2 (BCD)
            0x00, // INDEX 00
            0x00, 0x02, 0x00, // relative 00:02:00, counting down to index 01
            0x00, // ZERO
            0x00, 0x06, 0x00, // absolute 00:06:00 (BCD)
        ]
    );
    // READ(10) of audio: 5/64/00.
    let (c, _) = read(&mut d, 0, 1);
    assert_sense!(&c, Sense::ILLEGAL_MODE_FOR_THIS_TRACK);
}

#[test]
fn sao_write_before_cue_sheet_is_sequence_error() {
    let (_dir, mut d) = sao_drive(MediaKind::CdR);
    let c = data_out(&mut d, &cdb10(0x2A, 0, -150i32 as u32, 1), &[0; 2352]);
    assert_sense!(&c, Sense::COMMAND_SEQUENCE_ERROR);
}

#[test]
fn sao_cue_sheet_outside_sao_or_after_writing_is_sequence_error() {
    let (_dir, mut d) = blank_drive(MediaKind::CdR);
    assert_good(&edit_page05(&mut d, |p| p[2] = (p[2] & 0xF0) | 0x01)); // TAO
    assert_sense!(
        &send_cue(&mut d, &data_sheet()),
        Sense::COMMAND_SEQUENCE_ERROR
    );

    let (_dir, mut d) = sao_drive(MediaKind::CdR);
    assert_good(&send_cue(&mut d, &data_sheet()));
    write_blocks(&mut d, -150, -120, user);
    assert_sense!(
        &send_cue(&mut d, &data_sheet()),
        Sense::COMMAND_SEQUENCE_ERROR
    );
}

#[test]
fn sao_bad_cue_sheets_are_invalid_field_in_parameter_list() {
    let (_dir, mut d) = sao_drive(MediaKind::CdR);
    let mut decreasing = data_sheet();
    decreasing[30] = 0x01; // lead-out 00:01:00, before track 1's index 01
    let mut cd_text = data_sheet();
    cd_text[3] = 0x41; // lead-in form 41h: CD-Text from the host (not supported)
    let mut late_pregap = data_sheet();
    late_pregap[14] = 0x01; // track 1 index 00 at 00:01:00, not 00:00:00
    let mut data_in_audio_form = data_sheet();
    data_in_audio_form[19] = 0x00; // index 01 with CTL 4 (data) but CD-DA form
    let ragged = &data_sheet()[..30]; // not a multiple of 8
    for sheet in [
        &decreasing[..],
        &cd_text,
        &late_pregap,
        &data_in_audio_form,
        ragged,
    ] {
        assert_sense!(
            &send_cue(&mut d, sheet),
            Sense::INVALID_FIELD_IN_PARAMETER_LIST
        );
    }
    // Data-out shorter than the cue sheet size: 5/1A/00.
    let c = data_out(&mut d, &[0x5D, 0, 0, 0, 0, 0, 0, 0, 0x28, 0], &data_sheet());
    assert_sense!(&c, Sense::PARAMETER_LIST_LENGTH_ERROR);
    // After all that the disc is still blank and takes a good sheet.
    assert_good(&send_cue(&mut d, &data_sheet()));
}

#[test]
fn sao_wrong_block_size_is_invalid_field() {
    let (_dir, mut d) = sao_drive(MediaKind::CdR);
    assert_good(&send_cue(&mut d, &data_sheet()));
    let c = data_out(&mut d, &cdb10(0x2A, 0, -150i32 as u32, 1), &[0; 2352]);
    assert_sense!(&c, Sense::INVALID_FIELD_IN_CDB);
    let c = data_out(&mut d, &cdb10(0x2A, 0, -149i32 as u32, 1), &[0; 2048]);
    assert_sense!(&c, Sense::INVALID_ADDRESS_FOR_WRITE);
}
