//! IRawCDImageCreator: every refusal with its IMAPI code, track info, gapless audio, index
//! points, WAV/FLAC sources, and cue sheet import (files, modes, gaps, charset, damaged bins).

mod raw_cd_common;

use std::path::Path;

use discmaster::cd::cdtext::TextFields;
use discmaster::cd::scrambler::descramble;
use discmaster::cd::sector;
use discmaster::cd::subchannel::SubchannelForm;
use discmaster::cd::SectorType;
use discmaster::{DigitalCopySetting, ErrorCode, IndexAdded, Lba, RawCdImageCreator, TrackSource};
use discmaster_core::Msf;
use raw_cd_common::*;

fn code<T: std::fmt::Debug>(r: discmaster::Result<T>) -> ErrorCode {
    r.unwrap_err().code()
}

fn mem(blocks: usize, seed: u32) -> TrackSource {
    TrackSource::memory(pcm(blocks, seed))
}

#[test]
fn creator_refusals_carry_imapi_codes() {
    let mut c = RawCdImageCreator::new();
    assert_eq!(
        code(c.create_result_image()),
        ErrorCode::E_IMAPI_RAW_IMAGE_NO_TRACKS
    );
    assert_eq!(
        code(c.start_of_lead_out()),
        ErrorCode::E_IMAPI_RAW_IMAGE_NO_TRACKS
    );
    assert_eq!(
        code(c.expected_table_of_contents()),
        ErrorCode::E_IMAPI_RAW_IMAGE_NO_TRACKS
    );
    for t in [
        SectorType::Mode2Form1,
        SectorType::ModeZero,
        SectorType::Mode1Raw,
        SectorType::Unknown(42),
    ] {
        assert_eq!(
            code(c.add_track(t, mem(300, 1))),
            ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
            "{t:?}"
        );
    }
    assert_eq!(
        code(c.add_track(SectorType::Audio, mem(299, 1))),
        ErrorCode::E_INVALIDARG
    );
    assert_eq!(
        code(c.add_track(
            SectorType::Mode1,
            TrackSource::memory(vec![0; 300 * 2048 + 1])
        )),
        ErrorCode::E_INVALIDARG
    );
    assert_eq!(
        code(c.set_media_catalog_number("1234567890123")),
        ErrorCode::E_INVALIDARG
    );
    c.set_media_catalog_number("4006381333931").unwrap(); // a valid EAN-13
    assert_eq!(c.media_catalog_number().as_deref(), Some("4006381333931"));
    c.set_media_catalog_number("0").unwrap(); // leading zeros may be omitted
    assert_eq!(c.media_catalog_number().as_deref(), Some("0000000000000"));
    assert_eq!(
        code(c.set_starting_track_number(0)),
        ErrorCode::E_INVALIDARG
    );
    assert_eq!(
        code(c.set_resulting_image_type(SubchannelForm::Unknown(5))),
        ErrorCode::E_INVALIDARG
    );

    assert_eq!(c.add_track(SectorType::Audio, mem(300, 1)).unwrap(), 1);
    assert_eq!(
        code(c.set_starting_track_number(5)),
        ErrorCode::E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED
    );
    assert_eq!(
        code(c.set_gapless(true)),
        ErrorCode::E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED
    );
    assert_eq!(
        code(c.add_special_pregap(mem(150, 2))),
        ErrorCode::E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED
    );
    assert_eq!(
        code(c.set_track_isrc(1, Some("not an isrc"))),
        ErrorCode::E_INVALIDARG
    );
    assert_eq!(
        code(c.set_track_isrc(2, Some("USK7Y9812345"))),
        ErrorCode::E_INVALIDARG
    );

    // Index points (offsets from INDEX 01).
    assert_eq!(c.add_track_index(1, 0).unwrap(), IndexAdded::AlreadyExists);
    assert_eq!(
        code(c.add_track_index(1, 9)),
        ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX
    );
    assert_eq!(c.add_track_index(1, 100).unwrap(), IndexAdded::Added);
    assert_eq!(
        c.add_track_index(1, 100).unwrap(),
        IndexAdded::AlreadyExists
    );
    assert_eq!(
        code(c.add_track_index(1, 105)),
        ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX
    );
    assert_eq!(code(c.add_track_index(1, 300)), ErrorCode::E_INVALIDARG);
    assert_eq!(
        code(c.clear_track_index(1, 0)),
        ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED
    );
    assert_eq!(
        code(c.clear_track_index(1, 50)),
        ErrorCode::E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND
    );
    assert_eq!(c.track_info(1).unwrap().track_indexes, vec![0, 100]);
    c.clear_track_index(1, 100).unwrap();
    let mut many = RawCdImageCreator::new();
    many.add_track(SectorType::Audio, mem(1100, 3)).unwrap();
    for k in 1..=98 {
        many.add_track_index(1, k * 10).unwrap();
    }
    assert_eq!(
        code(many.add_track_index(1, 1000)),
        ErrorCode::E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES
    );

    // Space: with a lead-out limit of 600 a second track does not fit.
    c.set_start_of_lead_out_limit(Lba(600)).unwrap();
    assert_eq!(
        code(c.add_track(SectorType::Audio, mem(300, 2))),
        ErrorCode::E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE
    );
    assert_eq!(c.number_of_existing_tracks(), 1);
    assert_eq!(
        code(c.set_start_of_lead_out_limit(Lba(200))),
        ErrorCode::E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE
    );
    assert_eq!(
        code(c.set_start_of_lead_out_limit(Lba(398_101))),
        ErrorCode::E_INVALIDARG
    );

    // Track numbers: starting at 99 leaves room for one track.
    let mut high = RawCdImageCreator::new();
    high.set_starting_track_number(99).unwrap();
    high.add_track(SectorType::Audio, mem(300, 1)).unwrap();
    assert_eq!(
        code(high.add_track(SectorType::Audio, mem(300, 1))),
        ErrorCode::E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS
    );
    assert_eq!(
        code(high.add_track(SectorType::Mode1, TrackSource::memory(vec![0; 300 * 2048]))),
        ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED
    );

    // After CreateResultImage everything is read-only.
    c.create_result_image().unwrap();
    assert_eq!(
        code(c.create_result_image()),
        ErrorCode::E_IMAPI_RAW_IMAGE_IS_READ_ONLY
    );
    assert_eq!(
        code(c.add_track(SectorType::Audio, mem(300, 1))),
        ErrorCode::E_IMAPI_RAW_IMAGE_IS_READ_ONLY
    );
    assert_eq!(
        code(c.set_media_catalog_number("")),
        ErrorCode::E_IMAPI_RAW_IMAGE_IS_READ_ONLY
    );
    assert_eq!(
        code(c.add_track_index(1, 50)),
        ErrorCode::E_IMAPI_RAW_IMAGE_IS_READ_ONLY
    );
    assert_eq!(
        code(c.set_resulting_image_type(SubchannelForm::RawPw)),
        ErrorCode::E_IMAPI_RAW_IMAGE_IS_READ_ONLY
    );
    assert_eq!(c.track_info(1).unwrap().sector_count, 300); // getters still work
}

#[test]
fn track_info_reports_layout_and_gapless_moves_the_tail() {
    let mut c = RawCdImageCreator::new();
    c.add_track(SectorType::Audio, mem(500, 1)).unwrap();
    c.add_track(SectorType::Audio, mem(400, 2)).unwrap();
    c.set_track_digital_audio_copy_setting(2, DigitalCopySetting::Permitted)
        .unwrap();
    c.set_track_audio_has_preemphasis(2, true).unwrap();
    let t2 = c.track_info(2).unwrap();
    assert_eq!(
        (t2.starting_lba, t2.sector_count, t2.pregap_blocks),
        (Lba(650), 400, 150)
    );
    assert_eq!(t2.track_number, 2);
    assert_eq!(c.start_of_lead_out().unwrap(), Lba(1050));
    assert_eq!(c.last_used_user_sector_in_image().unwrap(), Lba(1049));
    let toc = c.expected_table_of_contents().unwrap();
    assert_eq!(toc[0], (1, 0, Msf::new(0, 2, 0).unwrap()));
    assert_eq!(toc[1], (2, 0x3, Msf::new(0, 10, 50).unwrap())); // copy permitted + pre-emphasis
    assert_eq!(toc[2].0, 0xAA);

    // Gapless: track 2's pregap is the last 150 blocks of track 1; the audio is continuous.
    let (a, b) = (pcm(500, 1), pcm(400, 2));
    let mut g = RawCdImageCreator::new();
    g.set_gapless(true).unwrap();
    g.add_track(SectorType::Audio, TrackSource::memory(a.clone()))
        .unwrap();
    g.add_track(SectorType::Audio, TrackSource::memory(b.clone()))
        .unwrap();
    let t1 = g.track_info(1).unwrap();
    let t2 = g.track_info(2).unwrap();
    assert_eq!((t1.starting_lba, t1.sector_count), (Lba(0), 350));
    assert_eq!((t2.starting_lba, t2.pregap_blocks), (Lba(500), 150));
    let mut img = g.create_result_image().unwrap();
    assert_eq!(image_main(&mut img, Lba(349)), a[349 * 2352..350 * 2352]);
    assert_eq!(image_main(&mut img, Lba(350)), a[350 * 2352..351 * 2352]);
    assert_eq!(image_main(&mut img, Lba(499)), a[499 * 2352..]);
    assert_eq!(image_main(&mut img, Lba(500)), b[..2352]);
    assert_eq!(img.layout().lead_out_start(), Lba(900));
}

#[test]
fn wav_and_flac_sources_must_be_cd_audio() {
    let dir = tempfile::tempdir().unwrap();
    let p = pcm(301, 9);
    let good = dir.path().join("good.wav");
    write_wav(&good, &p[..p.len() - 1000], 44_100, 2); // a partial last sector
    let mut c = RawCdImageCreator::new();
    c.add_track(SectorType::Audio, TrackSource::file(&good))
        .unwrap();
    let mut img = c.create_result_image().unwrap();
    assert_eq!(image_main(&mut img, Lba(0)), p[..2352]);
    let last = image_main(&mut img, Lba(300));
    let kept = 2352 - 1000;
    assert_eq!(last[..kept], p[300 * 2352..300 * 2352 + kept]);
    assert!(last[kept..].iter().all(|&b| b == 0), "padded with silence");

    for (name, rate, channels) in [("48k.wav", 48_000, 2), ("mono.wav", 44_100, 1)] {
        let path = dir.path().join(name);
        write_wav(&path, &p, rate, channels);
        let e = RawCdImageCreator::new()
            .add_track(SectorType::Audio, TrackSource::file(&path))
            .unwrap_err();
        assert_eq!(
            e.code(),
            ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
            "{e}"
        );
        assert!(
            e.to_string().contains("44100 Hz, 2 channels, 16-bit"),
            "{e}"
        );
    }
    // Raw PCM (not RIFF, not fLaC) is taken as is.
    let raw = dir.path().join("raw.pcm");
    std::fs::write(&raw, &p).unwrap();
    let mut c = RawCdImageCreator::new();
    c.add_track(SectorType::Audio, TrackSource::file(&raw))
        .unwrap();
    assert_eq!(c.track_info(1).unwrap().sector_count, 301);

    if !has("sox") {
        println!("SKIPPED: sox");
        return;
    }
    let flac = dir.path().join("good.flac");
    let out = std::process::Command::new("sox")
        .arg(&good)
        .arg(&flac)
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut c = RawCdImageCreator::new();
    c.add_track(SectorType::Audio, TrackSource::file(&flac))
        .unwrap();
    let mut img = c.create_result_image().unwrap();
    assert_eq!(image_main(&mut img, Lba(0)), p[..2352]);
    assert_eq!(image_main(&mut img, Lba(299)), p[299 * 2352..300 * 2352]);
    let flac48 = dir.path().join("48k.flac");
    let out = std::process::Command::new("sox")
        .arg(dir.path().join("48k.wav"))
        .arg(&flac48)
        .output()
        .unwrap();
    assert!(out.status.success());
    let e = RawCdImageCreator::new()
        .add_track(SectorType::Audio, TrackSource::file(&flac48))
        .unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED
    );
}

fn write_cue(dir: &Path, text: &[u8]) -> std::path::PathBuf {
    let p = dir.join("disc.cue");
    std::fs::write(&p, text).unwrap();
    p
}

/// `n` unscrambled Mode 1 sectors as a cue `MODE1/2352` bin holds them, addressed from LBA 0.
fn mode1_bin(n: usize) -> (Vec<u8>, Vec<u8>) {
    let mut bin = Vec::new();
    let mut user = Vec::new();
    for k in 0..n {
        let data = [(k % 251) as u8; 2048];
        user.extend_from_slice(&data);
        let msf = Msf::from_lba(Lba(k as i32)).unwrap();
        bin.extend_from_slice(&sector::mode1(msf, &data));
    }
    (bin, user)
}

#[test]
fn cue_import_keeps_layout_modes_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let (bin, user) = mode1_bin(400);
    let audio = pcm(600, 4);
    let mut big_endian = audio.clone();
    for pair in big_endian.chunks_exact_mut(2) {
        pair.swap(0, 1);
    }
    std::fs::write(dir.path().join("data.bin"), &bin).unwrap();
    std::fs::write(dir.path().join("audio.be"), &big_endian).unwrap();
    // Windows-1252 text (é = E9h): not UTF-8, so the sheet is read as Windows-1252.
    let cue = write_cue(
        dir.path(),
        b"REM GENRE Test\r\nTITLE \"Caf\xE9\"\r\nFILE \"data.bin\" BINARY\r\n  TRACK 01 MODE1/2352\r\n    INDEX 01 00:00:00\r\n    POSTGAP 00:02:00\r\nFILE \"audio.be\" MOTOROLA\r\n  TRACK 02 AUDIO\r\n    FLAGS DCP\r\n    PREGAP 00:01:00\r\n    INDEX 01 00:00:00\r\n    INDEX 02 00:04:00\r\n",
    );
    let mut c = RawCdImageCreator::from_cue(&cue).unwrap();
    assert_eq!(c.cd_text().disc.title.as_deref(), Some("Caf\u{e9}"));
    assert_eq!(
        c.cd_text().genre.as_ref().map(|g| g.text.as_str()),
        Some("Test")
    );
    let t1 = c.track_info(1).unwrap();
    assert_eq!((t1.starting_lba, t1.sector_count), (Lba(0), 550)); // 400 + 150 postgap
    assert_eq!(t1.sector_type, SectorType::Mode1Raw);
    let t2 = c.track_info(2).unwrap();
    assert_eq!(
        (t2.starting_lba, t2.pregap_blocks, t2.sector_count),
        (Lba(625), 75, 600)
    );
    assert_eq!(t2.track_indexes, vec![0, 300]);
    assert_eq!(t2.digital_audio_copy_setting, DigitalCopySetting::Permitted);
    c.set_resulting_image_type(SubchannelForm::RawPw).unwrap();
    let mut img = c.create_result_image().unwrap();
    // Data sectors arrive scrambled and re-encoded at their disc address.
    let mut s: [u8; 2352] = image_main(&mut img, Lba(7)).try_into().unwrap();
    descramble(&mut s);
    assert_eq!(s[16..2064], user[7 * 2048..8 * 2048]);
    assert_eq!(sector::verify(&s), Ok(sector::SectorKind::Mode1));
    // The postgap is zero-data Mode 1 of track 1.
    let mut s: [u8; 2352] = image_main(&mut img, Lba(500)).try_into().unwrap();
    descramble(&mut s);
    assert_eq!(sector::verify(&s), Ok(sector::SectorKind::Mode1));
    assert!(s[16..2064].iter().all(|&b| b == 0));
    // MOTOROLA samples are swapped to little-endian.
    assert_eq!(image_main(&mut img, Lba(625)), audio[..2352]);
    assert_eq!(image_main(&mut img, Lba(1224)), audio[599 * 2352..]);
    assert_eq!(img.layout().lead_out_start(), Lba(1225));
    assert_eq!(img.layout().tracks()[1].index_starts, vec![Lba(925)]);
}

#[test]
fn cue_import_refuses_damaged_bins_unsupported_files_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let (mut bin, _) = mode1_bin(300);
    bin[100 * 2352 + 500] ^= 0x40;
    std::fs::write(dir.path().join("data.bin"), &bin).unwrap();
    let cue = write_cue(
        dir.path(),
        b"FILE \"data.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n",
    );
    let e = RawCdImageCreator::from_cue(&cue).unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED
    );
    assert!(
        e.to_string().contains(&format!("byte {}", 100 * 2352)),
        "{e}"
    );

    std::fs::write(dir.path().join("a.raw"), pcm(300, 1)).unwrap();
    for (text, want) in [
        (&b"FILE \"a.raw\" BINARY\n  TRACK 01 CDG\n    INDEX 01 00:00:00\n"[..], ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED),
        (b"FILE \"a.mp3\" MP3\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n", ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED),
        (b"FILE \"missing.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n", ErrorCode::E_DISCMASTER_IO),
        (b"FILE \"a.raw\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n    INDEX 01 00:00:01\n", ErrorCode::E_INVALIDARG),
        // U+20AC (the euro sign, 80h in Windows-1252) has no ISO 8859-1 code for CD-Text.
        ("TITLE \"5 \u{20ac}\"\nFILE \"a.raw\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n".as_bytes(), ErrorCode::E_INVALIDARG),
        (b"FILE \"a.raw\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:02:00\n", ErrorCode::E_INVALIDARG),
    ] {
        let cue = write_cue(dir.path(), text);
        let e = RawCdImageCreator::from_cue(&cue).unwrap_err();
        assert_eq!(e.code(), want, "{}: {e}", String::from_utf8_lossy(text));
    }
    // A WAVE file in another format.
    write_wav(&dir.path().join("mono.wav"), &pcm(300, 1), 44_100, 1);
    let cue = write_cue(
        dir.path(),
        b"FILE \"mono.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n",
    );
    let e = RawCdImageCreator::from_cue(&cue).unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED
    );
}

#[test]
fn cd_text_fields_per_track_reach_the_lead_in() {
    let mut c = RawCdImageCreator::new();
    c.add_track(SectorType::Audio, mem(300, 1)).unwrap();
    c.set_track_cd_text(
        1,
        TextFields {
            title: Some("Only".into()),
            songwriter: Some("Writer".into()),
            ..TextFields::default()
        },
    )
    .unwrap();
    let img = c.create_result_image().unwrap();
    let packs = img.layout().cd_text_packs().to_vec();
    let text = discmaster::cd::cdtext::CdText::decode(&packs).unwrap();
    assert_eq!(text.tracks[0].title.as_deref(), Some("Only"));
    assert_eq!(text.tracks[0].songwriter.as_deref(), Some("Writer"));
    // PQ-only images carry no R-W, hence no CD-Text.
    let mut c = RawCdImageCreator::new();
    c.set_resulting_image_type(SubchannelForm::PqOnly).unwrap();
    c.add_track(SectorType::Audio, mem(300, 1)).unwrap();
    assert_eq!(
        code(c.add_subcode_rw_generator(mem(1, 1))),
        ErrorCode::E_INVALIDARG
    );
    assert!(c
        .create_result_image()
        .unwrap()
        .layout()
        .cd_text_packs()
        .is_empty());
}

#[test]
fn rw_generator_length_and_bits_are_checked() {
    let mut c = RawCdImageCreator::new();
    c.add_track(SectorType::Audio, mem(300, 1)).unwrap();
    let blocks = 22_650 + 300 + 6750;
    c.add_subcode_rw_generator(TrackSource::memory(vec![0x15; blocks * 96 - 96]))
        .unwrap();
    assert_eq!(code(c.create_result_image()), ErrorCode::E_INVALIDARG);
    let mut c = RawCdImageCreator::new();
    c.set_resulting_image_type(SubchannelForm::RawPw).unwrap();
    c.add_track(SectorType::Audio, mem(300, 1)).unwrap();
    c.add_subcode_rw_generator(TrackSource::memory(vec![0x15; blocks * 96]))
        .unwrap();
    let mut img = c.create_result_image().unwrap();
    let mut first = vec![0u8; 2448];
    std::io::Read::read_exact(&mut img, &mut first).unwrap();
    assert!(first[2352..].iter().all(|b| b & 0x3F == 0x15));
}
