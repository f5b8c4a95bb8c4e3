//! Write speeds (GET PERFORMANCE / page 2Ah, SET CD SPEED / SET STREAMING, IMAPI's
//! SetWriteSpeed with the adjusted success codes) and simulated burns (page 05h Test Write) on
//! the emulated recorder.

use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use discmaster::emu::{EmulatedDrive, MediaKind};
use discmaster::{
    kbps_to_sectors_per_second, DataWriter, DiscStatus, ErrorCode, Lba, Recorder, SpeedStatus,
};
use discmaster_transport::{Completion, DataPhase, Transport, TransportError};

/// Records every CDB that passes.
struct Cdbs<T> {
    inner: T,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl<T: Transport> Transport for Cdbs<T> {
    fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, TransportError> {
        self.seen.lock().unwrap().push(cdb.to_vec());
        self.inner.execute(cdb, data, timeout)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

fn drive(media: MediaKind) -> (tempfile::TempDir, Recorder, Arc<Mutex<Vec<Vec<u8>>>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    d.load_blank(media).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    // Virtual time: the format of a new DVD+RW / BD-RE is polled without waiting.
    let rec = Recorder::with_clock(
        Box::new(Cdbs {
            inner: d,
            seen: seen.clone(),
        }),
        format!("emu:{}", dir.path().display()),
        std::sync::Arc::new(discmaster_core::VirtualClock::new()),
    );
    (dir, rec, seen)
}

/// The rated speeds the emulated drive lists for `media`, in kB/s, fastest first.
fn rated(media: MediaKind) -> Vec<u32> {
    let dir = tempfile::tempdir().unwrap();
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    d.load_blank(media).unwrap();
    d.write_speeds_kbps()
}

fn selected_kbps(dir: &Path) -> Option<u32> {
    EmulatedDrive::open(dir)
        .unwrap()
        .selected_write_speed_kbps()
}

const ALL: [MediaKind; 10] = [
    MediaKind::CdR,
    MediaKind::CdRw,
    MediaKind::DvdMinusR,
    MediaKind::DvdPlusR,
    MediaKind::DvdPlusRw,
    MediaKind::DvdMinusRw,
    MediaKind::DvdRam,
    MediaKind::DvdPlusRDl,
    MediaKind::BdR,
    MediaKind::BdRe,
];

#[test]
fn supported_speeds_match_the_drive_fastest_first() {
    for media in ALL {
        let (_dir, mut rec, _) = drive(media);
        let profile = rec.current_profile().unwrap();
        let d = rec.supported_write_speed_descriptors().unwrap();
        let kbps: Vec<u32> = d.iter().map(|d| d.write_speed_kbps).collect();
        assert_eq!(kbps, rated(media), "{media}");
        for x in &d {
            assert_eq!(x.media_type, profile);
            assert_eq!(
                x.write_speed,
                kbps_to_sectors_per_second(profile, x.write_speed_kbps)
            );
        }
        let speeds = rec.supported_write_speeds().unwrap();
        assert!(
            speeds.windows(2).all(|w| w[0] > w[1]),
            "{media}: {speeds:?}"
        );
    }
}

#[test]
fn set_write_speed_exact_nearest_fastest_and_cav() {
    for media in ALL {
        let (dir, mut rec, seen) = drive(media);
        let profile = rec.current_profile().unwrap();
        let speeds = rec.supported_write_speeds().unwrap();
        let slowest = *speeds.last().unwrap();
        let fastest = speeds[0];

        // A listed speed: honoured exactly.
        let s = rec.set_write_speed(slowest as i32, false).unwrap();
        assert_eq!(s.status, SpeedStatus::Exact, "{media}");
        assert_eq!(s.current.unwrap().sectors_per_second, slowest);
        let expected_command = if media.is_cd() {
            "SET CD SPEED"
        } else {
            "SET STREAMING"
        };
        assert_eq!(s.command, expected_command);
        let opcode = if media.is_cd() { 0xBB } else { 0xB6 };
        assert!(seen.lock().unwrap().iter().any(|c| c[0] == opcode));

        // Between two listed speeds: the nearest is used, reported as adjusted (a success).
        if speeds.len() >= 2 {
            let a = speeds[speeds.len() - 1];
            let b = speeds[speeds.len() - 2];
            let want = a + (b - a) / 3; // nearer to a
            let s = rec.set_write_speed(want as i32, false).unwrap();
            assert_eq!(s.status, SpeedStatus::SpeedAdjusted, "{media}");
            assert_eq!(s.status.code(), ErrorCode::S_IMAPI_SPEEDADJUSTED);
            assert_eq!(s.current.unwrap().sectors_per_second, a);
            assert_eq!(
                rec.current_write_speed()
                    .unwrap()
                    .unwrap()
                    .sectors_per_second,
                a,
                "{media}: CurrentWriteSpeed reads back"
            );
        }

        // −1: the fastest, not an adjustment.
        let s = rec.set_write_speed(-1, false).unwrap();
        assert_eq!(
            (s.status, s.current.unwrap().sectors_per_second),
            (SpeedStatus::Exact, fastest)
        );

        // Pure CAV is not offered: the other rotation is used.
        let s = rec.set_write_speed(fastest as i32, true).unwrap();
        assert_eq!(s.status, SpeedStatus::RotationAdjusted, "{media}");
        let s = rec.set_write_speed(fastest as i32 + 1, true).unwrap();
        assert_eq!(s.status, SpeedStatus::BothAdjusted);
        assert_eq!(s.status.code().0, 0x00AA_0006);

        assert_eq!(
            rec.set_write_speed(-2, false).unwrap_err().code(),
            ErrorCode::E_INVALIDARG
        );
        let _ = profile;
        drop(rec);
        // The drive keeps the speed it settled on.
        assert_eq!(
            selected_kbps(dir.path()).map(|k| kbps_to_sectors_per_second(profile, k)),
            Some(fastest)
        );
    }
}

#[test]
fn write_reports_the_speed_the_drive_settled_on() {
    for media in [
        MediaKind::CdR,
        MediaKind::DvdPlusR,
        MediaKind::BdRe,
        MediaKind::DvdPlusRw,
    ] {
        let (dir, mut rec, _) = drive(media);
        let profile = rec.current_profile().unwrap();
        let speeds = rec.supported_write_speeds().unwrap();
        // Ask for 1 sector/s more than the second slowest: the drive rounds.
        let want = speeds[speeds.len().saturating_sub(2)] as i32 + 1;
        let mut w = DataWriter::new(&mut rec);
        w.set_write_speed(want, false).unwrap();
        assert_eq!(w.requested_write_speed(), want);
        let out = w
            .write(Cursor::new(vec![1u8; 64 * 2048]), 64 * 2048)
            .unwrap();
        drop(w);
        let speed = out.speed.unwrap();
        assert_eq!(speed.status, SpeedStatus::SpeedAdjusted, "{media}");
        assert_eq!(out.code, ErrorCode::S_IMAPI_SPEEDADJUSTED);
        assert!(!out.code.is_failure());
        let used = out.write_speed.unwrap();
        assert_eq!(
            used.sectors_per_second,
            speeds[speeds.len().saturating_sub(2)]
        );
        drop(rec);
        assert_eq!(
            selected_kbps(dir.path()).map(|k| kbps_to_sectors_per_second(profile, k)),
            Some(used.sectors_per_second),
            "{media}: the outcome reports what the drive uses"
        );
    }
}

#[test]
fn simulated_burn_runs_everything_and_leaves_the_disc_blank() {
    for media in [
        MediaKind::CdR,
        MediaKind::CdRw,
        MediaKind::DvdMinusR,
        MediaKind::DvdMinusRw,
    ] {
        let (dir, mut rec, seen) = drive(media);
        let mut w = DataWriter::new(&mut rec);
        w.set_simulate(true);
        let out = w
            .write(Cursor::new(vec![0x77u8; 200 * 2048]), 200 * 2048)
            .unwrap();
        drop(w);
        assert!(out.simulated, "{media}");
        assert!(!out.verified && !out.closed);
        assert_eq!(out.sectors_written, 200);
        // The burn really ran: page 05h with Test Write, WRITEs, close.
        let cdbs = seen.lock().unwrap().clone();
        assert!(cdbs.iter().any(|c| c[0] == 0x55));
        assert!(cdbs.iter().filter(|c| c[0] == 0x2A).count() >= 7);
        assert!(cdbs.iter().any(|c| c[0] == 0x5B));
        let s = rec.disc_summary().unwrap();
        assert_eq!(s.status, DiscStatus::Empty, "{media}: still blank");
        assert_eq!(s.next_writable_address, Some(Lba(0)));
        // A real burn afterwards works (Test Write was switched off again).
        let real = DataWriter::new(&mut rec)
            .write(Cursor::new(vec![0x78u8; 64 * 2048]), 64 * 2048)
            .unwrap();
        assert!(!real.simulated && real.verified, "{media}");
        drop(rec);
        assert_eq!(
            EmulatedDrive::open(dir.path()).unwrap().sectors_written(),
            64
        );
    }
}

#[test]
fn simulation_refused_on_media_without_test_write() {
    for media in [
        MediaKind::DvdPlusR,
        MediaKind::BdR,
        MediaKind::DvdPlusRw,
        MediaKind::BdRe,
    ] {
        let (_dir, mut rec, seen) = drive(media);
        let mut w = DataWriter::new(&mut rec);
        w.set_simulate(true);
        let e = w
            .write(Cursor::new(vec![0u8; 64 * 2048]), 64 * 2048)
            .unwrap_err();
        assert_eq!(
            e.code(),
            ErrorCode::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED,
            "{media}"
        );
        assert!(!seen
            .lock()
            .unwrap()
            .iter()
            .any(|c| c[0] == 0x2A || c[0] == 0x04));
    }
}

#[test]
fn burn_free_is_on_by_default_and_can_be_turned_off() {
    use discmaster_mmc::pages::WriteParametersPage;
    use discmaster_mmc::PageControl;
    let (_dir, mut rec, _) = drive(MediaKind::CdR);
    DataWriter::new(&mut rec)
        .write(Cursor::new(vec![0u8; 64 * 2048]), 64 * 2048)
        .unwrap();
    let page = rec.get_mode_page(0x05, PageControl::Current).unwrap();
    assert!(WriteParametersPage::new_checked(&page[..]).unwrap().bufe());
    let mut w = DataWriter::new(&mut rec);
    w.set_buffer_underrun_free_disabled(true);
    w.write(Cursor::new(vec![0u8; 64 * 2048]), 64 * 2048)
        .unwrap();
    drop(w);
    let page = rec.get_mode_page(0x05, PageControl::Current).unwrap();
    assert!(!WriteParametersPage::new_checked(&page[..]).unwrap().bufe());
}

#[test]
fn bd_spare_areas_halve_the_effective_write_speed() {
    for (spare, halved) in [
        (discmaster::SpareAreas::With, true),
        (discmaster::SpareAreas::Without, false),
    ] {
        let (_dir, mut rec, _) = drive(MediaKind::BdRe);
        let mut f = discmaster::Formatter::new(&mut rec);
        f.set_spare_areas(spare);
        f.format().unwrap();
        drop(f);
        let c = rec.current_write_speed().unwrap().unwrap();
        let effective = c.effective_kbps.expect("GET PERFORMANCE 00h");
        if halved {
            assert_eq!(effective, c.kbps / 2, "{spare:?}");
        } else {
            assert_eq!(effective, c.kbps, "{spare:?}");
        }
    }
}
