//! Eraser (IMAPI IDiscFormat2Erase) and Formatter on the emulated recorder: every medium that
//! can be erased or formatted, with progress from 0 to 100 % (elapsed and estimated seconds
//! as IMAPI passes them), and the IMAPI code of every medium that cannot.

use std::io::Cursor;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use discmaster::emu::{EmulatedDrive, MediaKind};
use discmaster::{
    DataWriter, DiscStatus, Eraser, ErrorCode, Formatter, LongOperationProgress, Profile, Recorder,
    SpareAreas,
};
use discmaster_core::VirtualClock;
use discmaster_mmc::format_commands::FormatType;
use discmaster_transport::{Completion, DataPhase, Transport, TransportError};

/// Records the opcode of every command that passes.
struct Opcodes<T> {
    inner: T,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl<T: Transport> Transport for Opcodes<T> {
    fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, TransportError> {
        self.seen.lock().unwrap().push(cdb[0]);
        self.inner.execute(cdb, data, timeout)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// Commands that change the medium.
const MUTATING: &[u8] = &[0x04, 0xA1, 0x2A, 0x35, 0x5B, 0x53];

fn drive(media: MediaKind) -> (tempfile::TempDir, Recorder, Arc<Mutex<Vec<u8>>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    d.load_blank(media).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let rec = Recorder::with_clock(
        Box::new(Opcodes {
            inner: d,
            seen: seen.clone(),
        }),
        format!("emu:{}", dir.path().display()),
        Arc::new(VirtualClock::new()),
    );
    (dir, rec, seen)
}

/// Checks a progress sequence: starts at 0, never decreases, ends at 100; elapsed never goes
/// back; the estimate is never below the elapsed time; at least one report in between.
fn check_progress(events: &[LongOperationProgress], what: &str) {
    assert!(events.len() >= 3, "{what}: {events:?}");
    assert_eq!(events.first().unwrap().percent, 0, "{what}");
    assert_eq!(events.last().unwrap().percent, 100, "{what}");
    for w in events.windows(2) {
        assert!(w[1].percent >= w[0].percent, "{what}: {events:?}");
        assert!(w[1].elapsed >= w[0].elapsed, "{what}");
    }
    for e in events {
        assert!(e.estimated_total >= e.elapsed, "{what}: {e:?}");
        assert!(e.elapsed_seconds() <= e.estimated_total_seconds());
    }
    assert!(
        events.iter().any(|e| e.percent > 0 && e.percent < 100),
        "{what}: the drive's progress shows: {events:?}"
    );
}

fn write_something(rec: &mut Recorder) {
    let mut w = DataWriter::new(rec);
    w.set_force_overwrite(true);
    w.write(Cursor::new(vec![0x5Au8; 64 * 2048]), 64 * 2048)
        .unwrap();
}

#[test]
fn erase_every_erasable_medium_quick_and_full_with_progress() {
    let cases = [
        (MediaKind::CdRw, "BLANK"),
        (MediaKind::DvdMinusRw, "BLANK"),
        (MediaKind::DvdPlusRw, "FORMAT UNIT"),
        (MediaKind::DvdRam, "FORMAT UNIT"),
        (MediaKind::BdRe, "FORMAT UNIT"),
    ];
    for (media, command) in cases {
        for full in [false, true] {
            let (_dir, mut rec, _) = drive(media);
            write_something(&mut rec);
            let events = Arc::new(Mutex::new(Vec::new()));
            let ev = events.clone();
            let mut e = Eraser::new(&mut rec);
            assert!(e.is_current_media_supported().unwrap());
            e.set_full_erase(full);
            assert_eq!(e.full_erase(), full);
            e.on_progress(move |p| ev.lock().unwrap().push(*p));
            let out = e.erase_media().unwrap();
            drop(e);
            assert_eq!(out.command, command, "{media}");
            assert_eq!(out.full, full);
            check_progress(&events.lock().unwrap(), &format!("{media} full={full}"));
            let mut w = DataWriter::new(&mut rec);
            assert!(
                w.media_heuristically_blank().unwrap(),
                "{media} full={full}: blank after erase"
            );
            if command == "BLANK" {
                assert!(w.media_physically_blank().unwrap());
            }
        }
    }
}

#[test]
fn erase_restricted_overwrite_dvd_rw_returns_it_to_sequential() {
    let (_dir, mut rec, _) = drive(MediaKind::DvdMinusRw);
    Formatter::new(&mut rec).format().unwrap();
    assert_eq!(
        rec.current_profile().unwrap(),
        Profile::DvdMinusRwRestrictedOverwrite
    );
    write_something(&mut rec);
    let mut e = Eraser::new(&mut rec);
    e.set_full_erase(true);
    let out = e.erase_media().unwrap();
    drop(e);
    assert_eq!(out.profile_before, Profile::DvdMinusRwRestrictedOverwrite);
    assert_eq!(out.profile, Profile::DvdMinusRwSequential);
    assert_eq!(rec.disc_summary().unwrap().status, DiscStatus::Empty);
}

#[test]
fn erase_of_write_once_media_refused_without_touching_the_disc() {
    for media in [
        MediaKind::CdR,
        MediaKind::DvdPlusR,
        MediaKind::DvdMinusR,
        MediaKind::DvdPlusRDl,
        MediaKind::BdR,
    ] {
        let (_dir, mut rec, seen) = drive(media);
        let mut e = Eraser::new(&mut rec);
        assert!(!e.is_current_media_supported().unwrap());
        let err = e.erase_media().unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
            "{media}"
        );
        assert_eq!(err.code().0, 0xC0AA_0909);
        assert!(
            !seen.lock().unwrap().iter().any(|o| MUTATING.contains(o)),
            "{media}: {:?}",
            seen.lock().unwrap()
        );
    }
}

#[test]
fn erase_without_medium_and_bad_client_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = EmulatedDrive::open(dir.path()).unwrap();
    let mut rec = Recorder::from_transport(Box::new(d), "emu:test".into());
    let mut e = Eraser::new(&mut rec);
    assert_eq!(
        e.erase_media().unwrap_err().code(),
        ErrorCode::E_IMAPI_RECORDER_MEDIA_NO_MEDIA
    );
    assert_eq!(
        e.set_client_name("").unwrap_err().code(),
        ErrorCode::E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID
    );
    assert_eq!(e.set_client_name("a/b").unwrap_err().code().0, 0xC0AA_090B);
    e.set_client_name("Disc Tool 1.0").unwrap();
    assert_eq!(e.client_name(), "Disc Tool 1.0");
}

/// (medium, spare areas, quick, format sent, profile after, capacity after, spare areas).
type FormatCase = (
    MediaKind,
    SpareAreas,
    bool,
    Option<FormatType>,
    Profile,
    u32,
    bool,
);

#[test]
fn format_every_formattable_medium_with_progress() {
    let cases: &[FormatCase] = &[
        (
            MediaKind::DvdPlusRw,
            SpareAreas::Default,
            true,
            Some(FormatType::DvdPlusRwBasicFormat),
            Profile::DvdPlusRw,
            2_295_104,
            false,
        ),
        (
            MediaKind::DvdPlusRw,
            SpareAreas::Default,
            false,
            Some(FormatType::DvdPlusRwBasicFormat),
            Profile::DvdPlusRw,
            2_295_104,
            false,
        ),
        (
            MediaKind::DvdMinusRw,
            SpareAreas::Default,
            true,
            Some(FormatType::QuickFormat),
            Profile::DvdMinusRwRestrictedOverwrite,
            2_298_496,
            false,
        ),
        (
            MediaKind::DvdMinusRw,
            SpareAreas::Without,
            false,
            Some(FormatType::CdRwDvdRwFullFormat),
            Profile::DvdMinusRwRestrictedOverwrite,
            2_298_496,
            false,
        ),
        (
            MediaKind::DvdRam,
            SpareAreas::Default,
            true,
            Some(FormatType::FullFormat),
            Profile::DvdRam,
            2_236_704,
            true,
        ),
        (
            MediaKind::BdRe,
            SpareAreas::Default,
            true,
            Some(FormatType::FullFormat),
            Profile::BdRe,
            11_826_176,
            true,
        ),
        (
            MediaKind::BdRe,
            SpareAreas::With,
            false,
            Some(FormatType::BdReFormatWithSpare),
            Profile::BdRe,
            11_826_176,
            true,
        ),
        (
            MediaKind::BdRe,
            SpareAreas::Without,
            true,
            Some(FormatType::BdReFormatWithoutSpare),
            Profile::BdRe,
            12_219_392,
            false,
        ),
        (
            MediaKind::BdR,
            SpareAreas::With,
            true,
            Some(FormatType::FullFormat),
            Profile::BdRSrm,
            11_826_176,
            true,
        ),
    ];
    for &(media, spare, quick, sent, profile, capacity, spares) in cases {
        let what = format!("{media} {spare:?} quick={quick}");
        let (_dir, mut rec, _) = drive(media);
        let events = Arc::new(Mutex::new(Vec::new()));
        let ev = events.clone();
        let mut f = Formatter::new(&mut rec);
        f.set_spare_areas(spare);
        f.set_quick(quick);
        f.on_progress(move |p| ev.lock().unwrap().push(*p));
        let out = f.format().unwrap_or_else(|e| panic!("{what}: {e}"));
        drop(f);
        assert_eq!(out.format_type, sent, "{what}");
        assert_eq!(out.profile, profile, "{what}");
        assert_eq!(out.capacity_blocks, capacity, "{what}");
        assert_eq!(out.spare_areas, spares, "{what}");
        check_progress(&events.lock().unwrap(), &what);
        if media == MediaKind::DvdPlusRw {
            // Full waits for the background format; quick leaves it running.
            assert_eq!(out.background_format_running, quick, "{what}");
            assert_eq!(
                rec.disc_information().unwrap().bg_format_status(),
                if quick { 2 } else { 3 }
            );
        }
    }
}

#[test]
fn format_refusals_have_imapi_codes_and_send_nothing() {
    let cases = [
        (
            MediaKind::CdR,
            SpareAreas::Default,
            ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
        ),
        (
            MediaKind::CdRw,
            SpareAreas::Default,
            ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
        ),
        (
            MediaKind::DvdPlusR,
            SpareAreas::Default,
            ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
        ),
        (
            MediaKind::DvdMinusR,
            SpareAreas::Default,
            ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
        ),
        (
            MediaKind::DvdPlusRDl,
            SpareAreas::Default,
            ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED,
        ),
        (
            MediaKind::DvdPlusRw,
            SpareAreas::With,
            ErrorCode::E_INVALIDARG,
        ),
        (
            MediaKind::DvdMinusRw,
            SpareAreas::With,
            ErrorCode::E_INVALIDARG,
        ),
        (
            MediaKind::DvdRam,
            SpareAreas::Without,
            ErrorCode::E_INVALIDARG,
        ),
    ];
    for (media, spare, code) in cases {
        let (_dir, mut rec, seen) = drive(media);
        let mut f = Formatter::new(&mut rec);
        f.set_spare_areas(spare);
        assert_eq!(f.format().unwrap_err().code(), code, "{media} {spare:?}");
        assert!(!seen.lock().unwrap().iter().any(|o| MUTATING.contains(o)));
    }
}
