//! Data-writer workflows on the emulated recorder: what reaches the drive, what the medium
//! holds afterwards, and which IMAPI code each refusal carries.

use std::io::Cursor;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use discmaster::emu::{EmulatedDrive, MediaKind};
use discmaster::{DataWriter, DiscStatus, Error, ErrorCode, Lba, Recorder, WriteAction};
use discmaster_transport::{Completion, DataPhase, Transport, TransportError};

/// Records the opcode of every command that passes (a minimal journal).
struct Recording<T> {
    inner: T,
    opcodes: Arc<Mutex<Vec<u8>>>,
}

impl<T: Transport> Transport for Recording<T> {
    fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, TransportError> {
        self.opcodes.lock().unwrap().push(cdb[0]);
        self.inner.execute(cdb, data, timeout)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// Commands that change the medium or the drive's write state.
const MUTATING: &[u8] = &[0x2A, 0x35, 0x53, 0x55, 0x5B, 0x54];

fn drive_with(media: MediaKind) -> (tempfile::TempDir, Recorder, Arc<Mutex<Vec<u8>>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut drive = EmulatedDrive::open(dir.path()).unwrap();
    drive.load_blank(media).unwrap();
    let opcodes = Arc::new(Mutex::new(Vec::new()));
    let rec = Recorder::from_transport(
        Box::new(Recording {
            inner: drive,
            opcodes: opcodes.clone(),
        }),
        format!("emu:{}", dir.path().display()),
    );
    (dir, rec, opcodes)
}

fn pattern(sectors: usize, seed: u8) -> Vec<u8> {
    (0..sectors * 2048)
        .map(|i| {
            ((i / 2048) as u8)
                .wrapping_mul(31)
                .wrapping_add(seed ^ (i as u8))
        })
        .collect()
}

const ALL_MEDIA: [MediaKind; 4] = [
    MediaKind::CdR,
    MediaKind::DvdPlusR,
    MediaKind::DvdMinusR,
    MediaKind::BdR,
];

#[test]
fn write_each_medium_reads_back_identical() {
    for media in ALL_MEDIA {
        let (_dir, mut rec, _) = drive_with(media);
        let image = pattern(300, 7); // not a multiple of 16 or 32: the drive pads, the track keeps 300
        let outcome = DataWriter::new(&mut rec)
            .write(Cursor::new(image.clone()), image.len() as u64)
            .unwrap();
        assert_eq!(outcome.sectors_written, 300, "{media}");
        assert!(outcome.verified);
        assert_eq!(outcome.start_lba, Lba(0));
        let mut back = Vec::new();
        let n = rec.read_track(1, &mut back, &mut |_, _| {}).unwrap();
        assert_eq!(n, image.len() as u64, "{media}");
        assert!(back == image, "{media}: read-back differs");
    }
}

#[test]
fn write_stream_not_multiple_of_2048_refused_before_any_command() {
    let (_dir, mut rec, ops) = drive_with(MediaKind::BdR);
    let err = DataWriter::new(&mut rec)
        .write(Cursor::new(vec![0u8; 2049]), 2049)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED);
    assert_eq!(err.code().0, 0xC0AA_0403);
    assert!(
        ops.lock().unwrap().is_empty(),
        "no command may be sent: {:?}",
        ops.lock().unwrap()
    );
}

#[test]
fn write_too_large_refused_without_mutating_commands() {
    for media in ALL_MEDIA {
        let (_dir, mut rec, ops) = drive_with(media);
        let sectors = u64::from(media.capacity_blocks()) + 1;
        let err = DataWriter::new(&mut rec)
            .write(std::io::repeat(0), sectors * 2048)
            .unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA,
            "{media}: {err}"
        );
        let sent = ops.lock().unwrap().clone();
        assert!(
            !sent.iter().any(|o| MUTATING.contains(o)),
            "{media}: mutating command sent: {sent:02X?}"
        );
        assert_eq!(rec.disc_summary().unwrap().status, DiscStatus::Empty);
    }
}

#[test]
fn write_without_medium_gives_no_media_code() {
    let dir = tempfile::tempdir().unwrap();
    drop(EmulatedDrive::open(dir.path()).unwrap());
    let mut rec = Recorder::open(&format!("emu:{}", dir.path().display())).unwrap();
    let err = DataWriter::new(&mut rec)
        .write(Cursor::new(vec![0u8; 4096]), 4096)
        .unwrap_err();
    assert_eq!(err.code().0, 0xC0AA_0202, "{err}");
}

#[test]
fn write_twice_appends_second_session_at_former_nwa() {
    for media in ALL_MEDIA {
        let (_dir, mut rec, _) = drive_with(media);
        let mut w = DataWriter::new(&mut rec);
        w.set_disable_consumer_dvd_compatibility_mode(true);
        w.write(Cursor::new(pattern(100, 1)), 100 * 2048).unwrap();
        drop(w);
        let before = rec.disc_summary().unwrap();
        assert_eq!(before.status, DiscStatus::Incomplete, "{media}");
        let nwa = before
            .next_writable_address
            .expect("appendable disc has an NWA");
        assert!(nwa.0 >= 100, "{media}: NWA {nwa:?}");
        let mut w = DataWriter::new(&mut rec);
        w.set_disable_consumer_dvd_compatibility_mode(true);
        let out = w.write(Cursor::new(pattern(50, 2)), 50 * 2048).unwrap();
        drop(w);
        assert_eq!(out.start_lba, nwa, "{media}");
        let after = rec.disc_summary().unwrap();
        assert_eq!(after.sessions(), vec![1, 2], "{media}");
        let t2: Vec<_> = after.recorded_tracks().filter(|t| t.session == 2).collect();
        assert_eq!(t2.len(), 1);
        assert_eq!(t2[0].start, nwa);
        assert_eq!(t2[0].recorded, 50);
    }
}

#[test]
fn write_with_close_finalizes_and_further_write_refused() {
    for media in ALL_MEDIA {
        let (_dir, mut rec, ops) = drive_with(media);
        let mut w = DataWriter::new(&mut rec);
        w.set_force_media_to_be_closed(true);
        let out = w.write(Cursor::new(pattern(64, 3)), 64 * 2048).unwrap();
        drop(w);
        assert!(out.closed);
        assert_eq!(
            rec.disc_summary().unwrap().status,
            DiscStatus::Complete,
            "{media}"
        );
        ops.lock().unwrap().clear();
        let err = DataWriter::new(&mut rec)
            .write(Cursor::new(pattern(16, 4)), 16 * 2048)
            .unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED,
            "{media}: {err}"
        );
        let sent = ops.lock().unwrap().clone();
        assert!(
            !sent.iter().any(|o| MUTATING.contains(o)),
            "{media}: {sent:02X?}"
        );
    }
}

#[test]
fn dvd_plus_r_default_compat_mode_closes_disc() {
    // imapi2.md §5.4: DisableConsumerDvdCompatibilityMode FALSE closes DVD+R even without force.
    let (_dir, mut rec, _) = drive_with(MediaKind::DvdPlusR);
    let out = DataWriter::new(&mut rec)
        .write(Cursor::new(pattern(32, 5)), 32 * 2048)
        .unwrap();
    assert!(out.closed);
    assert_eq!(rec.disc_summary().unwrap().status, DiscStatus::Complete);
}

#[test]
fn write_progress_phases_in_order_and_lba_monotonic() {
    let (_dir, mut rec, _) = drive_with(MediaKind::BdR);
    let events = Arc::new(Mutex::new(Vec::new()));
    let ev2 = events.clone();
    let mut w = DataWriter::new(&mut rec);
    w.on_progress(move |e| ev2.lock().unwrap().push(e.clone()));
    w.write(Cursor::new(pattern(2000, 9)), 2000 * 2048).unwrap();
    drop(w);
    let events = events.lock().unwrap();
    let actions: Vec<WriteAction> = events.iter().map(|e| e.action).collect();
    let mut phases = actions.clone();
    phases.dedup();
    assert_eq!(
        phases,
        vec![
            WriteAction::ValidatingMedia,
            WriteAction::InitializingHardware,
            WriteAction::CalibratingPower,
            WriteAction::WritingData,
            WriteAction::Finalization,
            WriteAction::Verifying,
            WriteAction::Completed
        ]
    );
    for w in events.windows(2) {
        assert!(
            w[1].last_written_lba >= w[0].last_written_lba,
            "LBA went backwards"
        );
        assert!(w[1].elapsed >= w[0].elapsed);
    }
    let last = events.last().unwrap();
    assert_eq!(last.sectors_written, 2000);
    assert_eq!(last.sectors_verified, 2000);
    assert_eq!(last.last_written_lba, Lba(1999));
}

#[test]
fn cancel_mid_write_leaves_readable_appendable_disc() {
    for media in ALL_MEDIA {
        let (_dir, mut rec, _) = drive_with(media);
        let image = pattern(4096, 11);
        let mut w = DataWriter::new(&mut rec);
        w.set_disable_consumer_dvd_compatibility_mode(true);
        let cancel = w.cancel_handle();
        // Cancel from inside the progress callback, as IMAPI requires, once writing has begun.
        w.on_progress(move |e| {
            if e.action == WriteAction::WritingData && e.sectors_written == 0 {
                cancel.cancel();
            }
        });
        let err = w
            .write(Cursor::new(image.clone()), image.len() as u64)
            .unwrap_err();
        drop(w);
        assert_eq!(err.code().0, 0xC0AA_0002, "{media}: {err}");
        let Error::Cancelled { state, .. } = &err else {
            panic!("{err}")
        };
        assert!(
            state.contains("nothing was written") || state.contains("readable"),
            "{state}"
        );
        // Whatever was written is readable and the disc takes another session.
        let s = rec.disc_summary().unwrap();
        assert_ne!(s.status, DiscStatus::Complete, "{media}");
        for t in s.recorded_tracks() {
            let mut back = Vec::new();
            rec.read_track(t.number, &mut back, &mut |_, _| {}).unwrap();
            assert!(
                back[..] == image[..back.len()],
                "{media}: partial track differs"
            );
        }
        let mut w = DataWriter::new(&mut rec);
        w.set_disable_consumer_dvd_compatibility_mode(true);
        w.write(Cursor::new(pattern(16, 12)), 16 * 2048).unwrap();
        drop(w);
    }
}

/// A clock that moves 100 ms every time it is read, so progress fires deterministically.
struct TickingClock(std::sync::atomic::AtomicU64);

impl discmaster_core::Clock for TickingClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.0.fetch_add(100, std::sync::atomic::Ordering::SeqCst))
    }
    fn sleep(&self, d: Duration) {
        self.0
            .fetch_add(d.as_millis() as u64, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn cancel_after_some_sectors_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut drive = EmulatedDrive::open(dir.path()).unwrap();
    drive.load_blank(MediaKind::BdR).unwrap();
    let clock = Arc::new(TickingClock(std::sync::atomic::AtomicU64::new(0)));
    let mut rec = Recorder::with_clock(Box::new(drive), "emu:test".into(), clock);
    let image = pattern(8192, 13);
    let mut w = DataWriter::new(&mut rec);
    let cancel = w.cancel_handle();
    w.on_progress(move |e| {
        if e.action == WriteAction::WritingData && e.sectors_written >= 1024 {
            cancel.cancel();
        }
    });
    let err = w
        .write(Cursor::new(image.clone()), image.len() as u64)
        .unwrap_err();
    drop(w);
    assert_eq!(err.code(), ErrorCode::E_IMAPI_REQUEST_CANCELLED, "{err}");
    let s = rec.disc_summary().unwrap();
    assert_eq!(s.status, DiscStatus::Incomplete);
    let t = s.recorded_tracks().next().expect("partial track recorded");
    assert!(t.recorded >= 1024 && t.recorded < 8192, "{}", t.recorded);
    let mut back = Vec::new();
    rec.read_track(1, &mut back, &mut |_, _| {}).unwrap();
    assert_eq!(back.len(), t.recorded as usize * 2048);
    assert!(back[..] == image[..back.len()]);
}

#[test]
fn stream_shorter_than_declared_fails_and_keeps_disc_readable() {
    let (_dir, mut rec, _) = drive_with(MediaKind::DvdMinusR);
    let image = pattern(100, 21);
    let err = DataWriter::new(&mut rec)
        .write(Cursor::new(image.clone()), 200 * 2048)
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED,
        "{err}"
    );
    assert!(err.to_string().contains("readable"), "{err}");
    let mut back = Vec::new();
    rec.read_track(1, &mut back, &mut |_, _| {}).unwrap();
    assert!(back == image);
}

#[test]
fn refused_cdb_never_reaches_transport() {
    let (_dir, mut rec, ops) = drive_with(MediaKind::BdR);
    for bad in [
        &[0x00u8, 0x00][..],
        &[0x12, 0, 0, 0, 0x60, 0, 0][..],
        &[0x28; 17][..],
        &[0xA8, 0, 0, 0, 0, 0, 0, 0, 0, 0][..],
    ] {
        let err = rec
            .send_command(bad, discmaster::RawData::None, 10)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::E_INVALIDARG, "{bad:02X?}");
    }
    let err = rec
        .send_command(
            &[0x55, 0x10, 0, 0, 0, 0, 0, 0, 0, 0],
            discmaster::RawData::Out(&[]),
            10,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::E_INVALIDARG);
    assert!(
        ops.lock().unwrap().is_empty(),
        "{:02X?}",
        ops.lock().unwrap()
    );
    // A valid CDB is sent once; CHECK CONDITION comes back as S_IMAPI_COMMAND_HAS_SENSE_DATA.
    // The first command after the medium was loaded reports the change (6/28/00) once.
    let r = rec
        .send_command(&[0x00; 6], discmaster::RawData::None, 10)
        .unwrap();
    assert_eq!(r.code, ErrorCode::S_IMAPI_COMMAND_HAS_SENSE_DATA);
    assert_eq!(
        (r.sense[2] & 0x0F, r.sense[12], r.sense[13]),
        (6, 0x28, 0x00)
    );
    ops.lock().unwrap().clear();
    let r = rec
        .send_command(
            &[0x2A, 0, 0, 0, 0x10, 0, 0, 0, 1, 0],
            discmaster::RawData::Out(&[0u8; 2048]),
            10,
        )
        .unwrap();
    assert_eq!(r.code, ErrorCode::S_IMAPI_COMMAND_HAS_SENSE_DATA);
    assert_eq!(r.sense.len(), 18);
    assert_eq!(r.sense[2] & 0x0F, 5);
    assert_eq!((r.sense[12], r.sense[13]), (0x21, 0x02));
    assert_eq!(ops.lock().unwrap().as_slice(), &[0x2A]);
}

#[test]
fn mode_page_round_trip_and_refusal_keeps_page() {
    let (_dir, mut rec, _) = drive_with(MediaKind::CdR);
    let page = rec
        .get_mode_page(0x05, discmaster_mmc::PageControl::Current)
        .unwrap();
    assert_eq!(page[0] & 0x3F, 0x05);
    assert_eq!(page.len(), usize::from(page[1]) + 2);
    let mut bad = page.clone();
    bad[2] = (bad[2] & 0xF0) | 0x0F; // reserved write type
    let err = rec
        .set_mode_page(discmaster_mmc::PageControl::Current, &bad)
        .unwrap_err();
    assert_eq!(err.code().0, 0xC0AA_0208, "{err}");
    assert_eq!(
        rec.get_mode_page(0x05, discmaster_mmc::PageControl::Current)
            .unwrap(),
        page
    );
    let err = rec
        .get_mode_page(0x3E, discmaster_mmc::PageControl::Current)
        .unwrap_err();
    assert_eq!(err.code().0, 0xC0AA_0201, "{err}");
}
