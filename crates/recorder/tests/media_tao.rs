//! TrackAtOnce (IMAPI IDiscFormat2TrackAtOnce) on the emulated recorder: the state gates and
//! refusal codes, and audio CDs from real WAV files (`/usr/share/sounds/alsa/*.wav` converted
//! with `sox IN -r 44100 -c 2 -b 16 OUT.wav`; `SKIPPED: sox` without it) read back bit-exact.
//!
//! Tests that record audio need the emulated drive to take audio TAO (page 05h write type 1,
//! data block type 0); while it refuses them they print `SKIPPED: emulated audio TAO`.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use discmaster::emu::{EmulatedDrive, MediaKind, MediaOptions};
use discmaster::{
    DataWriter, DiscStatus, ErrorCode, Lba, Recorder, TaoWriteAction, TrackAtOnce,
    AUDIO_SECTOR_BYTES, MIN_TRACK_SECTORS,
};
use discmaster_core::Msf;

fn drive_with(media: MediaKind, options: MediaOptions) -> (tempfile::TempDir, Recorder) {
    let dir = tempfile::tempdir().unwrap();
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    d.load_blank_with(media, options).unwrap();
    let rec = Recorder::from_transport(Box::new(d), format!("emu:{}", dir.path().display()));
    (dir, rec)
}

fn drive(media: MediaKind) -> (tempfile::TempDir, Recorder) {
    drive_with(media, MediaOptions::default())
}

/// Prepares `tao`; `None` (after printing SKIPPED) when the emulated drive refuses audio TAO.
fn prepare(tao: &mut TrackAtOnce<'_>) -> Option<()> {
    match tao.prepare_media() {
        Ok(()) => Some(()),
        Err(e) if e.code() == ErrorCode::E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED => {
            println!("SKIPPED: emulated audio TAO ({e})");
            None
        }
        Err(e) => panic!("prepare_media: {e}"),
    }
}

fn has(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Three real sounds as CD audio WAV files, or `None` (SKIPPED) without sox or the sounds.
fn real_wavs(dir: &Path) -> Option<Vec<PathBuf>> {
    if !has("sox") {
        println!("SKIPPED: sox");
        return None;
    }
    let mut out = Vec::new();
    for name in ["Front_Left", "Front_Right", "Noise"] {
        let src = format!("/usr/share/sounds/alsa/{name}.wav");
        if !Path::new(&src).exists() {
            println!("SKIPPED: {src}");
            return None;
        }
        let dst = dir.join(format!("{name}.wav"));
        let st = Command::new("sox")
            .args([src.as_str(), "-r", "44100", "-c", "2", "-b", "16"])
            .arg(&dst)
            .status()
            .unwrap();
        assert!(st.success(), "sox {src}");
        out.push(dst);
    }
    Some(out)
}

/// The PCM of a WAV file, little-endian L/R frames.
fn pcm(path: &Path) -> Vec<u8> {
    let mut r = hound::WavReader::open(path).unwrap();
    r.samples::<i16>()
        .flat_map(|s| s.unwrap().to_le_bytes())
        .collect()
}

#[test]
fn tao_prepare_refuses_other_media_with_imapi_codes() {
    for media in [
        MediaKind::DvdPlusR,
        MediaKind::DvdMinusR,
        MediaKind::BdR,
        MediaKind::DvdPlusRw,
        MediaKind::BdRe,
    ] {
        let (_dir, mut rec) = drive(media);
        let mut tao = TrackAtOnce::with_recorder(&mut rec);
        let e = tao.prepare_media().unwrap_err();
        assert_eq!(
            e.code(),
            ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED,
            "{media}"
        );
        assert_eq!(e.code().0, 0xC0AA_0507);
    }
    // A CD-R with a data session is not blank.
    let (_dir, mut rec) = drive(MediaKind::CdR);
    DataWriter::new(&mut rec)
        .write(Cursor::new(vec![0u8; 64 * 2048]), 64 * 2048)
        .unwrap();
    let mut tao = TrackAtOnce::with_recorder(&mut rec);
    assert_eq!(
        tao.prepare_media().unwrap_err().code(),
        ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK
    );
    // DoNotFinalizeMedia is for blank discs only.
    assert_eq!(
        tao.set_do_not_finalize_media(true).unwrap_err().code(),
        ErrorCode::E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY
    );
    // No medium.
    let dir = tempfile::tempdir().unwrap();
    let mut rec = Recorder::from_transport(
        Box::new(EmulatedDrive::open(dir.path()).unwrap()),
        "emu:none".into(),
    );
    assert_eq!(
        TrackAtOnce::with_recorder(&mut rec)
            .prepare_media()
            .unwrap_err()
            .code(),
        ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA
    );
}

#[test]
fn tao_gates_while_prepared() {
    let (_dir, mut rec) = drive(MediaKind::CdR);
    let mut tao = TrackAtOnce::with_recorder(&mut rec);
    let Some(()) = prepare(&mut tao) else { return };
    assert_eq!(
        tao.prepare_media().unwrap_err().code(),
        ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
    );
    assert_eq!(
        tao.set_do_not_finalize_media(true).unwrap_err().code(),
        ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
    );
    assert_eq!(
        tao.set_client_name("other").unwrap_err().code(),
        ErrorCode::E_IMAPI_DF2TAO_MEDIA_IS_PREPARED
    );
    tao.set_buffer_underrun_free_disabled(true).unwrap();
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 0);
    assert_eq!(
        tao.expected_table_of_contents().unwrap_err().code(),
        ErrorCode::E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC
    );
    // A stream that is not whole sectors is refused before anything is written.
    let e = tao
        .add_audio_track(Cursor::new(vec![0u8; 2352 * 10 + 4]), 2352 * 10 + 4)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED);
    assert_eq!(e.code().0, 0xC0AA_050D);
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 0);
    let total = tao.total_sectors_on_media().unwrap();
    assert_eq!(total, 359_849);
    assert_eq!(tao.free_sectors_on_media().unwrap(), total);
    tao.release_media().unwrap();
    drop(tao);
    assert_eq!(rec.disc_summary().unwrap().status, DiscStatus::Empty);
}

#[test]
fn tao_three_real_wav_tracks_read_back_bit_exact() {
    let work = tempfile::tempdir().unwrap();
    let Some(wavs) = real_wavs(work.path()) else {
        return;
    };
    let (_dir, mut rec) = drive(MediaKind::CdR);
    let events = Arc::new(Mutex::new(Vec::new()));
    let ev = events.clone();
    let mut tao = TrackAtOnce::with_recorder(&mut rec);
    let Some(()) = prepare(&mut tao) else { return };
    tao.on_progress(move |e| ev.lock().unwrap().push((e.current_track_number, e.action)));
    let mut outcomes = Vec::new();
    for (i, w) in wavs.iter().enumerate() {
        if i == 1 {
            tao.set_next_track_isrc(Some("DE-A12-26-00002")).unwrap();
        }
        outcomes.push(tao.add_audio_track_file(w).unwrap());
    }
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 3);
    let toc = tao.expected_table_of_contents().unwrap();
    assert_eq!(&toc[2..4], &[1, 3], "first and last track");
    tao.release_media().unwrap();
    drop(tao);
    // Progress per track: preparing, writing, finishing.
    let events = events.lock().unwrap().clone();
    for n in 1..=3u8 {
        let mut phases: Vec<TaoWriteAction> =
            events.iter().filter(|e| e.0 == n).map(|e| e.1).collect();
        phases.dedup();
        assert_eq!(
            phases,
            vec![
                TaoWriteAction::Preparing,
                TaoWriteAction::Writing,
                TaoWriteAction::Finishing
            ],
            "track {n}"
        );
    }
    // Sizes: each sound is under 4 s, so padded to 300 sectors; 2-s gaps between tracks.
    for (i, o) in outcomes.iter().enumerate() {
        assert_eq!(o.track_number as usize, i + 1);
        assert_eq!(o.sectors, MIN_TRACK_SECTORS);
        assert_eq!(o.source_bytes as usize, pcm(&wavs[i]).len());
    }
    assert_eq!(outcomes[0].start_lba, Lba(0));
    assert_eq!(outcomes[1].isrc.as_deref(), Some("DEA122600002"));
    for k in 1..3 {
        let gap = outcomes[k].start_lba.0 - (outcomes[k - 1].start_lba.0 + 300);
        assert!(gap >= 150, "a 2-second gap before track {}: {gap}", k + 1);
    }
    let s = rec.disc_summary().unwrap();
    assert_eq!(s.status, DiscStatus::Complete, "finalized");

    // Read each track's sectors back (READ CD, CD-DA, user data) and compare the PCM.
    for (i, o) in outcomes.iter().enumerate() {
        let want = pcm(&wavs[i]);
        let got = read_cd_audio(&mut rec, o.start_lba, o.sectors);
        assert_eq!(&got[..want.len()], &want[..], "track {}", i + 1);
        assert!(got[want.len()..].iter().all(|&b| b == 0), "silence padding");
    }
}

/// READ CD of `blocks` CD-DA sectors (2352 bytes of user data each) from `lba`.
fn read_cd_audio(rec: &mut Recorder, lba: Lba, blocks: u32) -> Vec<u8> {
    use discmaster_mmc::cd_commands::{
        ExpectedSectorType, MainChannelSelection, ReadCd, SubchannelSelection,
    };
    use discmaster_mmc::Command as _;
    let mut out = Vec::new();
    let mut done = 0;
    while done < blocks {
        let n = (blocks - done).min(27);
        let cdb = ReadCd {
            expected_sector_type: ExpectedSectorType::CdDa,
            dap: false,
            lba: Lba(lba.0 + done as i32),
            transfer_length: n,
            main_channel: MainChannelSelection(0x10),
            subchannel: SubchannelSelection::None,
        }
        .cdb();
        let r = rec
            .send_command(
                cdb.as_bytes(),
                discmaster::RawData::In(n as usize * AUDIO_SECTOR_BYTES),
                10,
            )
            .unwrap();
        assert!(
            r.sense.is_empty(),
            "READ CD at {}: sense {:02X?}",
            lba.0 + done as i32,
            r.sense
        );
        out.extend_from_slice(&r.data);
        done += n;
    }
    out
}

/// The exporter (`discmaster export`'s library half) gives back the PCM of a TAO audio CD.
#[test]
fn tao_real_wavs_export_to_cue_and_bin() {
    let work = tempfile::tempdir().unwrap();
    let Some(wavs) = real_wavs(work.path()) else {
        return;
    };
    let (_dir, mut rec) = drive(MediaKind::CdR);
    let mut tao = TrackAtOnce::with_recorder(&mut rec);
    let Some(()) = prepare(&mut tao) else { return };
    let mut outcomes = Vec::new();
    for (i, w) in wavs.iter().enumerate() {
        if i == 1 {
            tao.set_next_track_isrc(Some("DE-A12-26-00002")).unwrap();
        }
        outcomes.push(tao.add_audio_track_file(w).unwrap());
    }
    tao.release_media().unwrap();
    drop(tao);
    let bin = work.path().join("disc.bin");
    let cue = work.path().join("disc.cue");
    let exported = rec.export_cue(&bin, &cue).unwrap();
    assert_eq!(exported.bin_start, Lba(0));
    let image = std::fs::read(&bin).unwrap();
    for (i, o) in outcomes.iter().enumerate() {
        let want = pcm(&wavs[i]);
        let at = o.start_lba.0 as usize * AUDIO_SECTOR_BYTES;
        assert_eq!(&image[at..at + want.len()], &want[..], "track {}", i + 1);
        let end = at + o.sectors as usize * AUDIO_SECTOR_BYTES;
        assert!(
            image[at + want.len()..end].iter().all(|&b| b == 0),
            "silence padding"
        );
    }
    assert_eq!(exported.toc.tracks[1].isrc.as_deref(), Some("DEA122600002"));
}

#[test]
fn tao_gapless_and_do_not_finalize() {
    let (_dir, mut rec) = drive(MediaKind::CdRw);
    let mut tao = TrackAtOnce::with_recorder(&mut rec);
    tao.set_do_not_finalize_media(true).unwrap();
    tao.set_audio_pause_sectors(0);
    let Some(()) = prepare(&mut tao) else { return };
    let a = tao
        .add_audio_track(Cursor::new(vec![1u8; 2352 * 300]), 2352 * 300)
        .unwrap();
    let b = tao
        .add_audio_track(Cursor::new(vec![2u8; 2352 * 300]), 2352 * 300)
        .unwrap();
    // No 2-second pause: only the drive's run-out blocks (if any) lie between the tracks.
    let between = b.start_lba.0 - (a.start_lba.0 + 300);
    assert!((0..150).contains(&between), "gap of {between} blocks");
    tao.release_media().unwrap();
    drop(tao);
    assert_eq!(
        rec.disc_summary().unwrap().status,
        DiscStatus::Incomplete,
        "left open"
    );
}

#[test]
fn tao_not_enough_space_and_99_track_limit() {
    // A short disc: the lead-out may start at 00:30:00 (2250 sectors).
    let options = MediaOptions {
        atip_last_lead_out_start: Msf::new(0, 30, 0),
        ..MediaOptions::default()
    };
    let (_dir, mut rec) = drive_with(MediaKind::CdR, options);
    let mut tao = TrackAtOnce::with_recorder(&mut rec);
    let Some(()) = prepare(&mut tao) else { return };
    let e = tao
        .add_audio_track(Cursor::new(vec![0u8; 2352 * 2300]), 2352 * 2300)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE);
    assert_eq!(tao.number_of_existing_tracks().unwrap(), 0);
    tao.release_media().unwrap();
    drop(tao);

    let (_dir, mut rec) = drive(MediaKind::CdR);
    let mut tao = TrackAtOnce::with_recorder(&mut rec);
    tao.set_audio_pause_sectors(0);
    let Some(()) = prepare(&mut tao) else { return };
    for n in 1..=99u8 {
        let t = tao
            .add_audio_track(Cursor::new(vec![n; 2352 * 300]), 2352 * 300)
            .unwrap();
        assert_eq!(t.track_number, n);
    }
    let e = tao
        .add_audio_track(Cursor::new(vec![0u8; 2352 * 300]), 2352 * 300)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED);
    assert_eq!(e.code().0, 0xC0AA_0508);
    tao.release_media().unwrap();
}

#[test]
fn tao_cancel_keeps_a_shorter_track() {
    let (_dir, mut rec) = drive(MediaKind::CdR);
    let mut tao = TrackAtOnce::with_recorder(&mut rec);
    let Some(()) = prepare(&mut tao) else { return };
    let cancel = tao.cancel_handle();
    tao.on_progress(move |e| {
        if e.action == TaoWriteAction::Writing {
            let _ = cancel.cancel_add_track();
        }
    });
    let e = tao
        .add_audio_track(Cursor::new(vec![5u8; 2352 * 3000]), 2352 * 3000)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::E_IMAPI_REQUEST_CANCELLED);
    tao.release_media().unwrap();
}
