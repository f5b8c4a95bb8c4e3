//! IDiscFormat2RawCD on the emulated recorder: where writing starts on media with different
//! ATIP lead-in starts, the lead-in-too-short refusal, the Data Block Type fallback, every
//! state gate and refusal code before the medium changes, progress and cancel.

mod raw_cd_common;

use std::io::{Read, Seek, SeekFrom};

use discmaster::cd::cdtext::{CdText, TextFields};
use discmaster::cd::subchannel::SubchannelForm;
use discmaster::cd::SectorType;
use discmaster::{
    DiscStatus, Error, ErrorCode, Lba, RawCdImage, RawCdImageCreator, RawCdWriteAction,
    RawCdWriter, Recorder, TrackSource,
};
use discmaster_emu::MediaKind;
use raw_cd_common::*;

/// Two audio tracks (ISRC, an index point, CD-Text) and an MCN, as `form`.
fn image(form: SubchannelForm) -> (RawCdImage, Vec<Vec<u8>>) {
    let tracks = vec![pcm(320, 1), pcm(400, 2)];
    let mut c = RawCdImageCreator::new();
    c.set_resulting_image_type(form).unwrap();
    c.set_media_catalog_number("0000000000000").unwrap();
    for t in &tracks {
        c.add_track(SectorType::Audio, TrackSource::memory(t.clone()))
            .unwrap();
    }
    c.set_track_isrc(2, Some("US-K7Y-98-12345")).unwrap();
    c.add_track_index(2, 100).unwrap();
    c.set_cd_text(CdText {
        disc: TextFields {
            title: Some("Disc".into()),
            performer: Some("Band".into()),
            ..TextFields::default()
        },
        ..CdText::default()
    })
    .unwrap();
    c.set_track_cd_text(
        1,
        TextFields {
            title: Some("One".into()),
            ..TextFields::default()
        },
    )
    .unwrap();
    (c.create_result_image().unwrap(), tracks)
}

fn write(
    rec: &mut Recorder,
    img: RawCdImage,
    form: SubchannelForm,
) -> discmaster::Result<discmaster::RawCdWriteOutcome> {
    let len = img.len();
    let mut w = RawCdWriter::with_recorder(rec);
    w.prepare_media()?;
    w.set_requested_sector_type(form)?;
    let out = w.write_media(img, len);
    w.release_media()?;
    out
}

/// Reads the main channel of `blocks` blocks at `lba` through the exporter's path.
fn check_disc(rec: &mut Recorder, tracks: &[Vec<u8>], with_text: bool) {
    let toc = rec.cd_toc().unwrap();
    assert_eq!(toc.tracks.len(), 2);
    let (t1, t2) = (&toc.tracks[0], &toc.tracks[1]);
    assert_eq!((t1.pregap_start, t1.start), (Lba(-150), Lba(0)));
    assert_eq!(t2.pregap_start, Lba(320));
    assert_eq!(t2.start, Lba(470));
    assert_eq!(
        t2.indexes,
        vec![(0, Lba(320)), (1, Lba(470)), (2, Lba(570))]
    );
    assert_eq!(t2.isrc.as_deref(), Some("USK7Y9812345"));
    assert_eq!(toc.lead_out, Lba(870));
    assert_eq!(toc.mcn.as_deref(), Some("0000000000000"));
    if with_text {
        let text = toc.cd_text.expect("CD-Text");
        assert_eq!(text.disc.title.as_deref(), Some("Disc"));
        assert_eq!(text.disc.performer.as_deref(), Some("Band"));
        assert_eq!(text.tracks[0].title.as_deref(), Some("One"));
    } else {
        assert!(toc.cd_text.is_none());
    }
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("x.bin");
    rec.export_cue(&bin, &dir.path().join("x.cue")).unwrap();
    let bytes = std::fs::read(&bin).unwrap();
    assert_eq!(&bytes[..320 * 2352], &tracks[0][..]);
    assert!(bytes[320 * 2352..470 * 2352].iter().all(|&b| b == 0));
    assert_eq!(&bytes[470 * 2352..], &tracks[1][..]);
}

#[test]
fn raw_image_writes_on_lead_in_at_97_26_60_and_95_00_00() {
    for (lead_in, skipped) in [(msf(97, 26, 60), 22_650 - 11_640), (msf(95, 0, 0), 0)] {
        for form in [
            SubchannelForm::PqOnly,
            SubchannelForm::PackedRw,
            SubchannelForm::RawPw,
        ] {
            let (_dir, mut rec, _) = drive(MediaKind::CdR, Some(lead_in), None, &[1, 2, 3]);
            let (img, tracks) = image(form);
            let total = img.len() / img.layout().block_bytes() as u64;
            let out = write(&mut rec, img, form).unwrap();
            assert_eq!(out.start_lba, lead_in.to_lba(), "{lead_in}");
            assert_eq!(out.skipped_blocks, skipped);
            assert_eq!(out.blocks_written, total - skipped);
            assert_eq!(out.sector_type_used, form);
            assert_eq!(out.lead_out_start, Some(Lba(870)));
            assert_eq!(
                rec.disc_information().unwrap().disc_status(),
                DiscStatus::Complete
            );
            check_disc(&mut rec, &tracks, form != SubchannelForm::PqOnly);
        }
    }
}

#[test]
fn image_cut_to_98_00_00_is_refused_leadin_too_short_and_disc_stays_blank() {
    let (img, _) = image(SubchannelForm::PackedRw);
    // 98:00:00 = LBA −9150: drop the first 22 650 − 9 150 = 13 500 blocks.
    let cut = 13_500u64 * 2448;
    let len = img.len() - cut;
    let mut cut_image = img;
    cut_image.seek(SeekFrom::Start(cut)).unwrap();

    let (_dir, mut rec, opcodes) = drive(MediaKind::CdR, Some(msf(97, 26, 60)), None, &[1, 2, 3]);
    let mut w = RawCdWriter::with_recorder(&mut rec);
    w.prepare_media().unwrap();
    assert_eq!(w.start_of_next_session().unwrap(), Lba(-11_640));
    let e = w.write_media2(cut_image, len, 9150).unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT,
        "{e}"
    );
    assert_eq!(e.code().0, 0xC0AA_060F);
    w.release_media().unwrap();
    drop(w);
    assert!(!opcodes.lock().unwrap().contains(&WRITE10));
    assert_eq!(
        rec.disc_information().unwrap().disc_status(),
        DiscStatus::Empty
    );

    // The same cut image fits a disc whose lead-in starts later (98:30:00 = LBA −6900).
    let (img, tracks) = image(SubchannelForm::PackedRw);
    let mut cut_image = img;
    cut_image.seek(SeekFrom::Start(cut)).unwrap();
    let (_dir2, mut rec2, _) = drive(MediaKind::CdRw, Some(msf(98, 30, 0)), None, &[1, 2, 3]);
    let mut w = RawCdWriter::with_recorder(&mut rec2);
    w.prepare_media().unwrap();
    let out = w.write_media2(cut_image, len, 9150).unwrap();
    assert_eq!(out.skipped_blocks, 9150 - 6900);
    w.release_media().unwrap();
    drop(w);
    check_disc(&mut rec2, &tracks, true);
}

#[test]
fn drive_accepting_only_dbt1_falls_back_to_pq16() {
    let (_dir, mut rec, _) = drive(MediaKind::CdR, None, None, &[1]);
    let (img, tracks) = image(SubchannelForm::RawPw);
    let mut w = RawCdWriter::with_recorder(&mut rec);
    assert_eq!(
        w.supported_sector_types().unwrap(),
        vec![SubchannelForm::PqOnly]
    );
    w.prepare_media().unwrap();
    w.set_requested_sector_type(SubchannelForm::RawPw).unwrap();
    let len = img.len();
    let out = w.write_media(img, len).unwrap();
    assert_eq!(out.requested_sector_type, SubchannelForm::RawPw);
    assert_eq!(out.sector_type_used, SubchannelForm::PqOnly);
    assert!(out.rw_dropped);
    w.release_media().unwrap();
    drop(w);
    check_disc(&mut rec, &tracks, false);
}

#[test]
fn fallback_raw_to_packed_and_pq_image_to_raw_keep_everything() {
    let (_dir, mut rec, _) = drive(MediaKind::CdR, None, None, &[2]);
    let (img, tracks) = image(SubchannelForm::RawPw);
    let out = write(&mut rec, img, SubchannelForm::RawPw).unwrap();
    assert_eq!(out.sector_type_used, SubchannelForm::PackedRw);
    assert!(!out.rw_dropped);
    check_disc(&mut rec, &tracks, true);

    let (_dir, mut rec, _) = drive(MediaKind::CdR, None, None, &[3]);
    let (img, tracks) = image(SubchannelForm::PqOnly);
    let out = write(&mut rec, img, SubchannelForm::PqOnly).unwrap();
    assert_eq!(out.sector_type_used, SubchannelForm::RawPw);
    assert!(!out.rw_dropped);
    check_disc(&mut rec, &tracks, false);
}

fn code(r: discmaster::Result<impl std::fmt::Debug>) -> ErrorCode {
    r.unwrap_err().code()
}

#[test]
fn state_gates_refuse_with_imapi_codes() {
    let mut w = RawCdWriter::new();
    assert_eq!(
        code(w.prepare_media()),
        ErrorCode::E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED
    );
    assert_eq!(
        code(w.start_of_next_session()),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED
    );
    assert_eq!(
        code(w.last_possible_start_of_lead_out()),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED
    );
    assert_eq!(
        code(w.release_media()),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED
    );
    assert_eq!(
        code(w.set_requested_sector_type(SubchannelForm::RawPw)),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED
    );
    assert_eq!(
        code(w.set_buffer_underrun_free_disabled(true)),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED
    );
    assert_eq!(
        code(w.write_media(std::io::empty(), 2448)),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED
    );
    assert_eq!(
        code(w.cancel_handle().cancel()),
        ErrorCode::E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS
    );
    assert_eq!(
        code(w.cancel_write()),
        ErrorCode::E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS
    );
    assert_eq!(
        code(w.set_client_name("")),
        ErrorCode::E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID
    );
    assert_eq!(
        code(w.set_client_name("bad/name")),
        ErrorCode::E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID
    );

    let (_dir, mut rec, opcodes) = drive(MediaKind::CdR, None, None, &[1, 2, 3]);
    let mut w = RawCdWriter::with_recorder(&mut rec);
    w.set_client_name("raw test").unwrap();
    w.prepare_media().unwrap();
    assert_eq!(w.start_of_next_session().unwrap(), Lba(-11_635));
    assert_eq!(w.last_possible_start_of_lead_out().unwrap(), Lba(359_849));
    assert_eq!(
        code(w.prepare_media()),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_PREPARED
    );
    assert_eq!(
        code(w.set_client_name("other")),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_PREPARED
    );
    assert_eq!(
        code(w.set_requested_sector_type(SubchannelForm::Unknown(7))),
        ErrorCode::E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED
    );
    // Stream size not a multiple of the block size.
    assert_eq!(
        code(w.write_media(std::io::repeat(0), 2448 * 10 + 1)),
        ErrorCode::E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED
    );
    assert_eq!(
        code(w.write_media(std::io::repeat(0), 0)),
        ErrorCode::E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED
    );
    // Negative lead-in count.
    assert_eq!(
        code(w.write_media2(std::io::repeat(0), 2448 * 30_000, -1)),
        ErrorCode::E_INVALIDARG
    );
    // A stream of another sector type (a PQ image declared as packed): no lead-in TOC.
    let (pq, _) = image(SubchannelForm::PqOnly);
    let len = pq.len() / 2448 * 2448; // whole 2448-byte blocks of the PQ bytes
    let e = w.write_media(pq.take(len), len).unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED,
        "{e}"
    );
    assert!(e.to_string().contains("no lead-in TOC"), "{e}");
    w.release_media().unwrap();
    drop(w);
    assert!(!opcodes.lock().unwrap().contains(&WRITE10));
    assert_eq!(
        rec.disc_information().unwrap().disc_status(),
        DiscStatus::Empty
    );

    // Not a CD.
    let (_dir, mut rec, _) = drive(MediaKind::DvdPlusR, None, None, &[1, 2, 3]);
    let mut w = RawCdWriter::with_recorder(&mut rec);
    assert_eq!(
        code(w.prepare_media()),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED
    );
    assert_eq!(
        code(w.release_media()),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED
    );
    drop(w);

    // A drive without any raw Data Block Type.
    let (_dir, mut rec, _) = drive(MediaKind::CdR, None, None, &[]);
    let mut w = RawCdWriter::with_recorder(&mut rec);
    assert_eq!(
        code(w.prepare_media()),
        ErrorCode::E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED
    );
    drop(w);

    // Not blank.
    let (_dir, mut rec, _) = drive(MediaKind::CdR, None, None, &[1, 2, 3]);
    let (img, _) = image(SubchannelForm::PackedRw);
    write(&mut rec, img, SubchannelForm::PackedRw).unwrap();
    let mut w = RawCdWriter::with_recorder(&mut rec);
    assert_eq!(
        code(w.prepare_media()),
        ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK
    );
    assert_eq!(ErrorCode::E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK.0, 0xC0AA_0606);
}

#[test]
fn image_past_last_possible_lead_out_is_refused_not_enough_space() {
    // ATIP last possible lead-out at 00:10:00 = LBA 600; the image's lead-out is at 870.
    let (_dir, mut rec, opcodes) = drive(MediaKind::CdR, None, Some(msf(0, 10, 0)), &[1, 2, 3]);
    let (img, _) = image(SubchannelForm::PackedRw);
    let e = write(&mut rec, img, SubchannelForm::PackedRw).unwrap_err();
    assert_eq!(e.code(), ErrorCode::E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE, "{e}");
    assert_eq!(e.code().0, 0xC0AA_0609);
    assert!(!opcodes.lock().unwrap().contains(&WRITE10));
    assert_eq!(
        rec.disc_information().unwrap().disc_status(),
        DiscStatus::Empty
    );
}

#[test]
fn progress_runs_preparing_writing_finishing_and_cancel_stops() {
    let (_dir, mut rec, _) = drive(MediaKind::CdRw, None, None, &[1, 2, 3]);
    let (img, _) = image(SubchannelForm::PackedRw);
    let len = img.len();
    let actions = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = actions.clone();
    let mut w = RawCdWriter::with_recorder(&mut rec);
    w.on_progress(move |e| {
        seen.lock()
            .unwrap()
            .push((e.action, e.sectors_written, e.sector_count))
    });
    w.prepare_media().unwrap();
    let out = w.write_media(img, len).unwrap();
    w.release_media().unwrap();
    drop(w);
    let a = actions.lock().unwrap().clone();
    let phases: Vec<RawCdWriteAction> = a.iter().map(|x| x.0).collect();
    assert_eq!(phases.first(), Some(&RawCdWriteAction::Preparing));
    assert!(phases.contains(&RawCdWriteAction::Writing));
    assert_eq!(phases.last(), Some(&RawCdWriteAction::Finishing));
    let last_writing = a
        .iter()
        .rev()
        .find(|x| x.0 == RawCdWriteAction::Writing)
        .unwrap();
    assert_eq!(last_writing.1, out.blocks_written);
    assert_eq!(last_writing.2, out.blocks_written);
    assert_eq!(RawCdWriteAction::Finishing.imapi_value(), 3);

    // Cancel from the callback as soon as writing starts.
    let (_dir, mut rec, _) = drive(MediaKind::CdRw, None, None, &[1, 2, 3]);
    let (img, _) = image(SubchannelForm::PackedRw);
    let len = img.len();
    let mut w = RawCdWriter::with_recorder(&mut rec);
    let cancel = w.cancel_handle();
    w.on_progress(move |e| {
        if e.action == RawCdWriteAction::Writing {
            cancel.cancel().unwrap();
        }
    });
    w.prepare_media().unwrap();
    let e = w.write_media(img, len).unwrap_err();
    assert!(matches!(e, Error::Cancelled { .. }), "{e}");
    assert_eq!(e.code(), ErrorCode::E_IMAPI_REQUEST_CANCELLED);
    w.release_media().unwrap();
}
