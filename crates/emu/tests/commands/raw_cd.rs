//! CD-R/RW written with write type RAW (page 05h write type 3, data block types 1, 2, 3) from
//! the ATIP lead-in start: the stream is built with `discmaster-cd` (lead-in Q TOC and CD-Text,
//! a 150-block pregap, a scrambled Mode 1 data track, an audio track with ISRC and an index
//! 02, a full 6 750-block lead-out), written with WRITE(10), then read back with READ TOC,
//! READ CD and READ(10).

use discmaster_cd::cdtext::{CdText, Pack, TextFields};
use discmaster_cd::scrambler;
use discmaster_cd::sector;
use discmaster_cd::subchannel::{
    self, Control, DiscType, Isrc, Mcn, Pq16Crc, SessionLayout, SubchannelOptions, TrackLayout,
};
use discmaster_core::{Lba, Msf};
use discmaster_emu::{EmulatedDrive, MediaKind, MediaOptions, MIN_LEAD_OUT_BLOCKS};
use discmaster_mmc::{Sense, SenseData};

use crate::common::*;

/// The image's first block, as IMAPI's raw images start: 95:00:00.
const IMAGE_START: i32 = -22_650;
/// Data track: LBA 0 … 299.
const DATA_BLOCKS: i32 = 300;
/// Audio track 2: pregap 300 … 449, index 01 at 450, index 02 at 600, lead-out at 750.
const AUDIO_PREGAP: i32 = 300;
const AUDIO_START: i32 = 450;
const AUDIO_INDEX2: i32 = 600;
const LEAD_OUT: i32 = 750;
const END: i32 = LEAD_OUT + MIN_LEAD_OUT_BLOCKS;
const ISRC: &str = "USABC2400001";
const MCN: &str = "0123456789012";

/// The test disc: layout, CD-Text packs.
struct Disc {
    layout: SessionLayout,
    packs: Vec<Pack>,
    text: CdText,
}

fn disc() -> Disc {
    let tracks = vec![
        TrackLayout {
            number: 1,
            control: Control::DATA,
            pregap_start: Lba(-150),
            start: Lba(0),
            index_starts: vec![],
            isrc: None,
        },
        TrackLayout {
            number: 2,
            control: Control::AUDIO,
            pregap_start: Lba(AUDIO_PREGAP),
            start: Lba(AUDIO_START),
            index_starts: vec![Lba(AUDIO_INDEX2)],
            isrc: Some(Isrc::new(ISRC).unwrap()),
        },
    ];
    let layout = SessionLayout::new(
        Lba(IMAGE_START),
        tracks,
        Lba(LEAD_OUT),
        DiscType::CD_DA_OR_CD_ROM,
        Some(Mcn::new(MCN).unwrap()),
    )
    .unwrap();
    let text = CdText {
        disc: TextFields {
            title: Some("Raw Disc".into()),
            performer: Some("The Emulators".into()),
            ..TextFields::default()
        },
        tracks: vec![
            TextFields {
                title: Some("Data".into()),
                ..TextFields::default()
            },
            TextFields {
                title: Some("Tone".into()),
                performer: Some("Sine".into()),
                ..TextFields::default()
            },
        ],
        ..CdText::default()
    };
    let packs = text.encode().unwrap();
    Disc {
        layout,
        packs,
        text,
    }
}

/// User data of data block `lba` (0 … 299): byte k = (lba·7 + k) mod 251.
fn user_data(lba: i32) -> [u8; 2048] {
    let mut d = [0u8; 2048];
    for (k, b) in d.iter_mut().enumerate() {
        *b = ((lba as usize * 7 + k) % 251) as u8;
    }
    d
}

/// Audio samples of block `lba`: a ramp that never starts with the sync pattern.
fn audio(lba: i32) -> [u8; 2352] {
    let mut d = [0u8; 2352];
    for (k, b) in d.iter_mut().enumerate() {
        *b = ((lba as usize * 3 + k) % 253) as u8 | 0x01;
    }
    d
}

/// The unscrambled main channel of block `lba`.
fn main_channel(lba: i32) -> [u8; 2352] {
    let msf = Msf::from_lba(Lba(lba)).unwrap();
    if lba < -150 {
        [0; 2352]
    } else if lba < 0 {
        sector::mode1(msf, &[0; 2048])
    } else if lba < DATA_BLOCKS {
        sector::mode1(msf, &user_data(lba))
    } else if lba < LEAD_OUT {
        audio(lba)
    } else {
        [0; 2352]
    }
}

/// The raw P–W of block `lba` (CD-Text in the lead-in R–W).
fn raw_subchannel(d: &Disc, lba: i32) -> [u8; 96] {
    let rw = if lba < -150 {
        discmaster_cd::cdtext::lead_in_symbols(&d.packs, (lba - IMAGE_START) as u64)
    } else {
        [0; 96]
    };
    subchannel::raw_subchannel(&d.layout, Lba(lba), &SubchannelOptions::default(), &rw)
}

/// One WRITE block of data block type `dbt` at `lba`: data sectors scrambled, audio not.
fn block(d: &Disc, dbt: u8, lba: i32) -> Vec<u8> {
    let mut main = main_channel(lba);
    if (-150..DATA_BLOCKS).contains(&lba) {
        scrambler::scramble(&mut main);
    }
    let raw = raw_subchannel(d, lba);
    let mut out = main.to_vec();
    match dbt {
        1 => out.extend_from_slice(&subchannel::pq16_from_raw(&raw, Pq16Crc::NotInverted)),
        2 => out.extend_from_slice(&subchannel::packed_from_raw(&raw, true)),
        _ => out.extend_from_slice(&raw),
    }
    out
}

/// Blocks per WRITE(10): 26 × 2448 ≈ 64 KiB.
const CHUNK: i32 = 26;

/// WRITE(10) of blocks `from .. to` in chunks; returns the first failing completion.
fn write_range(
    drive: &mut EmulatedDrive,
    d: &Disc,
    dbt: u8,
    from: i32,
    to: i32,
) -> Result<(), discmaster_transport::Completion> {
    let mut lba = from;
    while lba < to {
        let n = CHUNK.min(to - lba);
        let data: Vec<u8> = (lba..lba + n).flat_map(|l| block(d, dbt, l)).collect();
        let c = data_out(drive, &cdb10(0x2A, 0, lba as u32, n as u16), &data);
        if !c.is_good() {
            return Err(c);
        }
        lba += n;
    }
    Ok(())
}

/// Selects page 05h write type RAW with data block type `dbt`.
fn select_raw(drive: &mut EmulatedDrive, dbt: u8) -> discmaster_transport::Completion {
    edit_page05(drive, |p| {
        p[2] = (p[2] & 0xF0) | 0x03; // B2 b3-0: write type 3 (RAW)
        p[4] = (p[4] & 0xF0) | dbt; // B4 b3-0: data block type
    })
}

/// A blank CD of `kind` with the ATIP lead-in start `lead_in` (None = default).
fn raw_drive(kind: MediaKind, lead_in: Option<Msf>) -> (tempfile::TempDir, EmulatedDrive) {
    let (dir, mut drive) = empty_drive();
    drive
        .load_blank_with(
            kind,
            MediaOptions {
                atip_lead_in_start: lead_in,
                ..MediaOptions::default()
            },
        )
        .unwrap();
    let tur = [0u8; 6];
    assert_sense!(none(&mut drive, &tur), Sense::NOT_READY_TO_READY_CHANGE);
    (dir, drive)
}

/// READ CD CDB.
fn read_cd_cdb(expected: u8, lba: i32, blocks: u32, main: u8, sub: u8) -> [u8; 12] {
    let l = (lba as u32).to_be_bytes();
    let n = blocks.to_be_bytes();
    [
        0xBE,
        expected << 2,
        l[0],
        l[1],
        l[2],
        l[3],
        n[1],
        n[2],
        n[3],
        main,
        sub,
        0,
    ]
}

/// READ TOC/PMA/ATIP with `format`, MSF bit, starting track/session.
fn read_toc(drive: &mut EmulatedDrive, format: u8, msf: bool, start: u8) -> Vec<u8> {
    let cdb = [
        0x43,
        u8::from(msf) << 1,
        format,
        0,
        0,
        0,
        start,
        0x10,
        0x00,
        0,
    ];
    let (c, b) = data_in(drive, &cdb, 4096);
    assert_good(&c);
    b
}

/// The INFORMATION field of a CHECK CONDITION.
fn information(c: &discmaster_transport::Completion) -> Option<u32> {
    SenseData::new_checked(&c.sense[..]).unwrap().information()
}

/// Writes the whole disc with `dbt` from the drive's lead-in start and closes it.
fn write_disc(drive: &mut EmulatedDrive, d: &Disc, dbt: u8, lead_in: i32) {
    assert_good(&select_raw(drive, dbt));
    let t = track_info(drive, 0xFF);
    assert_eq!(
        nwa_of(&t) as i32,
        lead_in,
        "NWA of a blank disc in RAW mode"
    );
    write_range(drive, d, dbt, lead_in, END).unwrap();
    assert_good(&sync(drive));
    let info = disc_info(drive);
    assert_eq!(info[2] & 0x03, 0x02, "disc complete");
}

/// Everything a host reads back from the written disc; `with_text` when the data block type
/// carried R–W (DBT 2, 3 — DBT 1 has no room for CD-Text).
fn check_written_disc(drive: &mut EmulatedDrive, d: &Disc, with_text: bool) {
    // Formatted TOC, LBA addresses.
    let toc = read_toc(drive, 0, false, 0);
    assert_eq!(&toc[..4], &[0x00, 0x1A, 1, 2], "length 26, tracks 1-2");
    assert_eq!(
        &toc[4..12],
        &[0, 0x14, 1, 0, 0, 0, 0, 0],
        "track 1 data at 0"
    );
    assert_eq!(
        &toc[12..20],
        &[0, 0x10, 2, 0, 0, 0, 0x01, 0xC2],
        "track 2 audio at 450"
    );
    assert_eq!(
        &toc[20..28],
        &[0, 0x10, 0xAA, 0, 0, 0, 0x02, 0xEE],
        "lead-out at 750"
    );
    // Multi-session info.
    let ms = read_toc(drive, 1, false, 0);
    assert_eq!(&ms[..12], &[0x00, 0x0A, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0]);
    // Full TOC: A0, A1, A2, tracks 1 and 2, binary.
    let full = read_toc(drive, 2, false, 1);
    assert_eq!(&full[..4], &[0x00, 2 + 5 * 11, 1, 1]);
    let entries: Vec<&[u8]> = full[4..].chunks(11).collect();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[0], &[1, 0x14, 0, 0xA0, 0, 0, 0, 0, 1, 0x00, 0]);
    assert_eq!(entries[1], &[1, 0x10, 0, 0xA1, 0, 0, 0, 0, 2, 0, 0]);
    assert_eq!(
        entries[2],
        &[1, 0x10, 0, 0xA2, 0, 0, 0, 0, 0, 12, 0],
        "00:12:00"
    );
    assert_eq!(
        entries[3],
        &[1, 0x14, 0, 1, 0, 0, 0, 0, 0, 2, 0],
        "00:02:00"
    );
    assert_eq!(
        entries[4],
        &[1, 0x10, 0, 2, 0, 0, 0, 0, 0, 8, 0],
        "00:08:00"
    );
    // CD-Text as written.
    let text = read_toc(drive, 5, false, 0);
    let packs: Vec<Pack> = text[4..]
        .chunks(18)
        .map(|c| Pack(c.try_into().unwrap()))
        .collect();
    let info = drive.raw_cd_info().unwrap();
    if with_text {
        assert_eq!(packs.len(), d.packs.len());
        assert_eq!(CdText::decode(&packs).unwrap(), d.text);
        assert_eq!(info.cd_text().unwrap().unwrap(), d.text);
    } else {
        assert_eq!(text, vec![0x00, 0x02, 0x00, 0x00], "no CD-Text");
        assert!(info.cd_text().is_none());
    }
    // Index points, ISRC, MCN decoded from the program-area Q.
    assert_eq!(info.mcn.as_deref(), Some(MCN));
    assert_eq!(info.lead_out_start, Some(LEAD_OUT));
    assert_eq!(info.tracks.len(), 2);
    assert_eq!(info.tracks[0].pregap_start, Some(-150));
    assert_eq!(info.tracks[0].start, Some(0));
    assert_eq!(info.tracks[1].pregap_start, Some(AUDIO_PREGAP));
    assert_eq!(info.tracks[1].start, Some(AUDIO_START));
    assert_eq!(info.tracks[1].index_starts, vec![AUDIO_INDEX2]);
    assert_eq!(info.tracks[1].isrc.as_deref(), Some(ISRC));
    assert_eq!(info.tracks[0].isrc, None);

    // READ(10) of the data track: the user data.
    let (c, b) = read(drive, 0, 3);
    assert_good(&c);
    assert_eq!(&b[..2048], &user_data(0)[..]);
    assert_eq!(&b[4096..], &user_data(2)[..]);
    let (c, b) = read(drive, (DATA_BLOCKS - 1) as u32, 1);
    assert_good(&c);
    assert_eq!(b, user_data(DATA_BLOCKS - 1).to_vec());
    // READ(10) of audio: 5/64/00.
    assert_sense!(
        read(drive, AUDIO_START as u32, 1).0,
        Sense::ILLEGAL_MODE_FOR_THIS_TRACK
    );
    // READ CD, full sector, no sub-channel: the descrambled sector.
    let (c, b) = data_in(drive, &read_cd_cdb(2, 5, 2, 0xF8, 0), 2 * 2352);
    assert_good(&c);
    assert_eq!(&b[..2352], &main_channel(5)[..]);
    assert_eq!(&b[2352..], &main_channel(6)[..]);
    // User data only (10h).
    let (c, b) = data_in(drive, &read_cd_cdb(0, 7, 1, 0x10, 0), 2048);
    assert_good(&c);
    assert_eq!(b, user_data(7).to_vec());
    // Raw P–W (001b): exactly what was generated.
    let (c, b) = data_in(drive, &read_cd_cdb(0, 8, 1, 0xF8, 1), 2352 + 96);
    assert_good(&c);
    assert_eq!(&b[2352..], &raw_subchannel(d, 8)[..]);
    // Formatted Q (010b), sub-channel only.
    // (451 carries the MCN frame moved off the index transition at 450.)
    let (c, b) = data_in(drive, &read_cd_cdb(1, AUDIO_START + 2, 1, 0x00, 2), 16);
    assert_good(&c);
    let raw = raw_subchannel(d, AUDIO_START + 2);
    assert_eq!(
        b,
        subchannel::pq16_from_raw(&raw, Pq16Crc::AsOnDisc).to_vec()
    );
    assert_eq!(b[0], 0x01, "CONTROL 0 ADR 1");
    assert_eq!(b[1], 0x02, "track 2");
    // Packed R–W (100b) of an audio block: 2352 samples then 96 zero symbols.
    let (c, b) = data_in(drive, &read_cd_cdb(1, AUDIO_START, 1, 0x10, 4), 2352 + 96);
    assert_good(&c);
    assert_eq!(&b[..2352], &audio(AUDIO_START)[..]);
    assert_eq!(&b[2352..], &[0u8; 96][..]);
    // The pregap of track 1 is readable by READ CD.
    let (c, b) = data_in(drive, &read_cd_cdb(2, -150, 1, 0xF8, 0), 2352);
    assert_good(&c);
    assert_eq!(b, main_channel(-150).to_vec());
    // Expected sector type mismatch: 5/64/00; lead-in and lead-out: 5/21/00.
    assert_sense!(
        data_in(drive, &read_cd_cdb(1, 0, 1, 0xF8, 0), 2352).0,
        Sense::ILLEGAL_MODE_FOR_THIS_TRACK
    );
    assert_sense!(
        data_in(drive, &read_cd_cdb(0, -151, 1, 0xF8, 0), 2352).0,
        Sense::LBA_OUT_OF_RANGE
    );
    assert_sense!(
        data_in(drive, &read_cd_cdb(0, LEAD_OUT, 1, 0xF8, 0), 2352).0,
        Sense::LBA_OUT_OF_RANGE
    );
    // Track information of the closed tracks.
    let t1 = track_info(drive, 1);
    assert_eq!(t1[5] & 0x0F, 4, "track mode 4");
    assert_eq!(be32(&t1, 8), 0);
    assert_eq!(
        be32(&t1, 24),
        AUDIO_START as u32,
        "track 1 runs to track 2's start"
    );
    assert_eq!(t1[7] & 0x01, 0, "no NWA");
    assert_eq!(t1[6] & 0x0F, 1, "data mode 1");
    let t2 = track_info(drive, 2);
    assert_eq!(t2[5] & 0x0F, 0, "audio");
    assert_eq!(t2[6] & 0x0F, 0x0F, "no data mode");
    assert_eq!(be32(&t2, 24), (LEAD_OUT - AUDIO_START) as u32);
}

fn full_write_and_read(dbt: u8) {
    let d = disc();
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, None);
    write_disc(&mut drive, &d, dbt, -11_635);
    check_written_disc(&mut drive, &d, dbt != 1);
}

#[test]
fn raw_dbt3_disc_reads_back() {
    full_write_and_read(3);
}

#[test]
fn raw_dbt2_disc_reads_back() {
    full_write_and_read(2);
}

#[test]
fn raw_dbt1_disc_reads_back() {
    full_write_and_read(1);
}

#[test]
fn raw_disc_survives_reopening() {
    let d = disc();
    let (dir, mut drive) = raw_drive(MediaKind::CdRw, None);
    write_disc(&mut drive, &d, 3, -11_635);
    drop(drive);
    let mut drive = EmulatedDrive::open(dir.path()).unwrap();
    check_written_disc(&mut drive, &d, true);
}

#[test]
fn raw_blank_disc_reports_atip_lead_in() {
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, None);
    let info = disc_info(&mut drive);
    assert_eq!(&info[16..20], &[0, 97, 26, 65], "lead-in start 97:26:65");
    let atip = read_toc(&mut drive, 4, false, 0);
    assert_eq!(atip.len(), 28);
    assert_eq!(&atip[..2], &[0x00, 0x1A], "data length 26");
    assert_eq!(atip[4] & 0x80, 0x80, "B4 b7 = 1");
    assert_eq!(atip[6] & 0xC0, 0x80, "B6 b7 = 1, disc type CD-R");
    assert_eq!(&atip[8..11], &[97, 26, 65]);
    assert_eq!(&atip[12..15], &[79, 59, 74]);
    // TAO mode: NWA 0; RAW mode: the lead-in start.
    assert_eq!(nwa_of(&track_info(&mut drive, 0xFF)), 0);
    assert_good(&select_raw(&mut drive, 3));
    let t = track_info(&mut drive, 0xFF);
    assert_eq!(nwa_of(&t) as i32, -11_635);
    assert_eq!(be32(&t, 16), 359_849, "free blocks");
    // The formatted TOC of a blank disc is still 5/24/00.
    let (c, _) = data_in(&mut drive, &[0x43, 0, 0, 0, 0, 0, 0, 0, 12, 0], 12);
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn raw_lead_in_start_95_00_00_writes_whole_image() {
    let d = disc();
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, Msf::new(95, 0, 0));
    assert_eq!(drive.atip().unwrap().0, Msf::new(95, 0, 0).unwrap());
    let info = disc_info(&mut drive);
    assert_eq!(&info[16..20], &[0, 95, 0, 0]);
    write_disc(&mut drive, &d, 3, IMAGE_START);
    check_written_disc(&mut drive, &d, true);
}

#[test]
fn raw_lead_in_start_97_26_60_is_configurable() {
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, Msf::new(97, 26, 60));
    let atip = read_toc(&mut drive, 4, false, 0);
    assert_eq!(&atip[8..11], &[97, 26, 60]);
    assert_good(&select_raw(&mut drive, 1));
    // 97:26:60 = (97·60 + 26)·75 + 60 − 450 150 = −11 640.
    assert_eq!(nwa_of(&track_info(&mut drive, 0xFF)) as i32, -11_640);
    // Writing must start there.
    let d = disc();
    assert_sense!(
        write_range(&mut drive, &d, 1, -11_635, -11_634).unwrap_err(),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    write_range(&mut drive, &d, 1, -11_640, -11_600).unwrap();
    assert_eq!(nwa_of(&track_info(&mut drive, 0xFF)) as i32, -11_600);
}

#[test]
fn raw_media_options_out_of_range_are_refused() {
    let (_dir, mut drive) = empty_drive();
    for bad in [Msf::new(80, 0, 0), Msf::new(0, 2, 0)] {
        let o = MediaOptions {
            atip_lead_in_start: bad,
            ..MediaOptions::default()
        };
        assert!(drive.load_blank_with(MediaKind::CdR, o).is_err());
    }
    assert!(drive.media().is_none(), "nothing loaded");
    let o = MediaOptions {
        atip_last_lead_out_start: Msf::new(74, 0, 0),
        ..MediaOptions::default()
    };
    drive.load_blank_with(MediaKind::CdR, o).unwrap();
    assert_eq!(drive.atip().unwrap().1, Msf::new(74, 0, 0).unwrap());
}

#[test]
fn raw_non_contiguous_write_is_invalid_address() {
    let d = disc();
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, None);
    assert_good(&select_raw(&mut drive, 3));
    // Not at the lead-in start.
    assert_sense!(
        write_range(&mut drive, &d, 3, -150, -149).unwrap_err(),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    write_range(&mut drive, &d, 3, -11_635, -11_600).unwrap();
    // A gap, and a rewrite.
    assert_sense!(
        write_range(&mut drive, &d, 3, -11_599, -11_598).unwrap_err(),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    assert_sense!(
        write_range(&mut drive, &d, 3, -11_601, -11_600).unwrap_err(),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    // The disc reads as incomplete meanwhile; TAO writing is a sequence error.
    assert_eq!(
        disc_info(&mut drive)[2] & 0x0F,
        0x05,
        "incomplete session, incomplete disc"
    );
    assert_good(&edit_page05(&mut drive, |p| {
        p[2] = (p[2] & 0xF0) | 0x01;
        p[4] = (p[4] & 0xF0) | 0x08;
    }));
    assert_sense!(write(&mut drive, 0, 1), Sense::COMMAND_SEQUENCE_ERROR);
}

#[test]
fn raw_wrong_block_size_is_invalid_field() {
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, None);
    assert_good(&select_raw(&mut drive, 1));
    let c = data_out(
        &mut drive,
        &cdb10(0x2A, 0, (-11_635i32) as u32, 1),
        &[0u8; 2448],
    );
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
}

/// Writes up to `lba`, then one block changed by `corrupt`: refused with 5/64/00 and the LBA,
/// the NWA stays.
fn refused_block(dbt: u8, lba: i32, corrupt: impl Fn(&mut Vec<u8>)) {
    let d = disc();
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, Msf::new(99, 59, 0));
    let lead_in = Msf::new(99, 59, 0).unwrap().to_lba().0;
    assert_good(&select_raw(&mut drive, dbt));
    write_range(&mut drive, &d, dbt, lead_in, lba).unwrap();
    let mut b = block(&d, dbt, lba);
    corrupt(&mut b);
    let c = data_out(&mut drive, &cdb10(0x2A, 0, lba as u32, 1), &b);
    assert_sense!(c, Sense::ILLEGAL_MODE_FOR_THIS_TRACK);
    assert_eq!(information(&c), Some(lba as u32));
    assert_eq!(nwa_of(&track_info(&mut drive, 0xFF)) as i32, lba);
    // The good block is accepted afterwards.
    let c = data_out(
        &mut drive,
        &cdb10(0x2A, 0, lba as u32, 1),
        &block(&d, dbt, lba),
    );
    assert_good(&c);
}

#[test]
fn raw_bad_edc_is_illegal_mode_for_this_track() {
    // Flip a user-data byte of the scrambled Mode 1 sector at LBA 10: EDC and ECC fail.
    refused_block(3, 10, |b| b[100] ^= 0x01);
}

#[test]
fn raw_unscrambled_data_sector_is_refused() {
    refused_block(3, 10, |b| {
        let mut main: [u8; 2352] = b[..2352].try_into().unwrap();
        scrambler::descramble(&mut main);
        b[..2352].copy_from_slice(&main);
    });
}

#[test]
fn raw_data_track_block_without_sync_is_refused() {
    refused_block(2, 20, |b| b[..2352].fill(0));
}

#[test]
fn raw_bad_q_crc_is_refused() {
    // DBT 3: flip Q bit 0 of byte 0 (raw byte 7, b6); DBT 1: flip a Q byte.
    refused_block(3, -5, |b| b[2352 + 7] ^= 0x40);
    refused_block(1, 100, |b| b[2352 + 3] ^= 0x01);
}

#[test]
fn raw_wrong_absolute_time_is_refused() {
    let d = disc();
    // The block of LBA 41 written at LBA 40.
    refused_block(3, 40, |b| {
        let other = block(&d, 3, 41);
        b[2352..].copy_from_slice(&other[2352..]);
    });
}

#[test]
fn raw_unaccepted_data_block_type_is_invalid_parameter() {
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, None);
    assert_eq!(drive.raw_data_block_types(), vec![1, 2, 3]);
    drive.set_raw_data_block_types(&[3, 1]).unwrap();
    assert_eq!(drive.raw_data_block_types(), vec![1, 3]);
    assert_sense!(
        select_raw(&mut drive, 2),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    assert_good(&select_raw(&mut drive, 3));
    assert_good(&select_raw(&mut drive, 1));
    // RAW without sub-channel (DBT 0) and with a cooked type are refused too.
    assert_sense!(
        select_raw(&mut drive, 0),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    assert_sense!(
        select_raw(&mut drive, 8),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    // A drive without RAW: the write type is refused.
    drive.set_raw_data_block_types(&[]).unwrap();
    assert_sense!(
        select_raw(&mut drive, 3),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    assert!(drive.set_raw_data_block_types(&[4]).is_err());
    // The setting is kept in drive.json.
    let dir = drive.dir().to_path_buf();
    drop(drive);
    let drive = EmulatedDrive::open(&dir).unwrap();
    assert!(drive.raw_data_block_types().is_empty());
}

#[test]
fn raw_session_closes_only_after_the_whole_lead_out() {
    let d = disc();
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, Msf::new(99, 59, 0));
    let lead_in = Msf::new(99, 59, 0).unwrap().to_lba().0;
    assert_good(&select_raw(&mut drive, 3));
    write_range(&mut drive, &d, 3, lead_in, END - 1).unwrap();
    assert_good(&sync(&mut drive));
    assert_eq!(disc_info(&mut drive)[2] & 0x03, 0x01, "still incomplete");
    write_range(&mut drive, &d, 3, END - 1, END).unwrap();
    assert_good(&sync(&mut drive));
    assert_eq!(disc_info(&mut drive)[2] & 0x03, 0x02, "complete");
    // Nothing more can be written.
    assert_sense!(
        write_range(&mut drive, &d, 3, END, END + 1).unwrap_err(),
        Sense::INVALID_ADDRESS_FOR_WRITE
    );
    check_written_disc(&mut drive, &d, true);
}

#[test]
fn raw_lead_out_past_the_last_possible_start_is_out_of_range() {
    let d = disc();
    let (_dir, mut drive) = empty_drive();
    drive
        .load_blank_with(
            MediaKind::CdR,
            MediaOptions {
                atip_lead_in_start: Msf::new(99, 59, 0),
                atip_last_lead_out_start: Msf::new(0, 10, 0),
                ..MediaOptions::default()
            },
        )
        .unwrap();
    let tur = [0u8; 6];
    assert_sense!(none(&mut drive, &tur), Sense::NOT_READY_TO_READY_CHANGE);
    assert_good(&select_raw(&mut drive, 3));
    let lead_in = Msf::new(99, 59, 0).unwrap().to_lba().0;
    write_range(&mut drive, &d, 3, lead_in, -150).unwrap();
    // The TOC's lead-out (00:12:00 = 750) is past 00:10:00 (600).
    assert_sense!(
        write_range(&mut drive, &d, 3, -150, -149).unwrap_err(),
        Sense::LBA_OUT_OF_RANGE
    );
}

#[test]
fn cd_rw_is_erasable_profile_000a() {
    let (_dir, mut drive) = raw_drive(MediaKind::CdRw, None);
    assert_eq!(disc_info(&mut drive)[2] & 0x10, 0x10, "Erasable");
    let atip = read_toc(&mut drive, 4, false, 0);
    assert_eq!(atip[6] & 0x40, 0x40, "disc type CD-RW");
    let (c, b) = data_in(&mut drive, &[0x46, 0x02, 0, 0, 0, 0, 0, 0, 64, 0], 64);
    assert_good(&c);
    assert_eq!(&b[6..8], &[0x00, 0x0A], "current profile CD-RW");
    assert_eq!("cd-rw".parse::<MediaKind>().unwrap(), MediaKind::CdRw);
}

#[test]
fn read_cd_on_a_tao_disc_returns_mode1_sectors() {
    let (_dir, mut drive) = blank_drive(MediaKind::CdR);
    assert_good(&write(&mut drive, 0, 4));
    assert_good(&sync(&mut drive));
    assert_good(&close(&mut drive, 2, 0));
    let (c, b) = data_in(&mut drive, &read_cd_cdb(2, 1, 1, 0xF8, 2), 2352 + 16);
    assert_good(&c);
    let user: [u8; 2048] = pattern(1, 1).try_into().unwrap();
    assert_eq!(
        &b[..2352],
        &sector::mode1(Msf::new(0, 2, 1).unwrap(), &user)[..]
    );
    assert_eq!(b[2352], 0x41, "CONTROL 4, ADR 1");
    assert_eq!(&b[2353..2355], &[0x01, 0x01], "track 1, index 1");
    // Full TOC of a TAO disc.
    let full = read_toc(&mut drive, 2, false, 0);
    assert_eq!(&full[..4], &[0x00, 2 + 4 * 11, 1, 1]);
    assert_eq!(
        &full[4 + 2 * 11..4 + 3 * 11],
        &[1, 0x14, 0, 0xA2, 0, 0, 0, 0, 0, 2, 6]
    );
    // DVD media: READ CD is 5/30/00, TOC format 4 is 5/24/00.
    let (_dir2, mut dvd) = blank_drive(MediaKind::DvdPlusR);
    assert_sense!(
        data_in(&mut dvd, &read_cd_cdb(0, 0, 1, 0xF8, 0), 2352).0,
        Sense::INCOMPATIBLE_MEDIUM_INSTALLED
    );
    let (c, _) = data_in(&mut dvd, &[0x43, 0, 4, 0, 0, 0, 0, 0, 28, 0], 28);
    assert_sense!(c, Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn cd_mastering_feature_follows_raw_data_block_types() {
    use discmaster_mmc::cd_features::CdMastering;
    use discmaster_mmc::features::Configuration;
    use discmaster_mmc::FeatureCode;
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, None);
    let mastering = |drive: &mut EmulatedDrive| {
        let (c, b) = data_in(drive, &[0x46, 0x02, 0x00, 0x2E, 0, 0, 0, 0, 64, 0], 64);
        assert_good(&c);
        let conf = Configuration::new_checked(&b[..]).unwrap();
        let d = conf.find(FeatureCode::CD_MASTERING).unwrap();
        assert!(d.current());
        CdMastering::parse(&d).unwrap()
    };
    let f = mastering(&mut drive);
    assert!(f.raw && f.rw && f.sao && !f.raw_ms);
    assert_eq!(
        f.maximum_cue_sheet_length, 4096,
        "SAO: 512 cue sheet entries"
    );
    drive.set_raw_data_block_types(&[1]).unwrap();
    let f = mastering(&mut drive);
    assert!(f.raw && !f.rw);
    drive.set_raw_data_block_types(&[]).unwrap();
    assert!(!mastering(&mut drive).raw);
}

#[test]
fn raw_random_blocks_and_read_cd_cdbs_never_panic() {
    let d = disc();
    let (_dir, mut drive) = raw_drive(MediaKind::CdR, Msf::new(99, 59, 0));
    let lead_in = Msf::new(99, 59, 0).unwrap().to_lba().0;
    assert_good(&select_raw(&mut drive, 2));
    // A deterministic xorshift: random WRITE blocks at the NWA are refused, never accepted
    // by accident, and never panic.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..64 {
        let block: Vec<u8> = (0..2448).map(|_| next() as u8).collect();
        let c = data_out(&mut drive, &cdb10(0x2A, 0, lead_in as u32, 1), &block);
        assert_sense!(c, Sense::ILLEGAL_MODE_FOR_THIS_TRACK);
    }
    write_range(&mut drive, &d, 2, lead_in, END).unwrap();
    assert_good(&sync(&mut drive));
    for _ in 0..256 {
        let r = next();
        let lba = (r % 1200) as i32 - 300;
        let blocks = (r >> 16) as u32 % 4;
        let cdb = read_cd_cdb(
            (r >> 24) as u8 % 8,
            lba,
            blocks,
            (r >> 32) as u8,
            (r >> 40) as u8 % 8,
        );
        let (c, _) = data_in(&mut drive, &cdb, 4 * 2744);
        assert!(c.is_good() || c.sense.len() == 18, "{c:?}");
    }
}
