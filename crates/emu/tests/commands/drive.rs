//! The `EmulatedDrive` API: lock, persistence across reopen, the shelf, corrupt state.

use discmaster_emu::{EmuError, EmulatedDrive, MediaKind};
use discmaster_mmc::Sense;

use crate::common::*;

#[test]
fn open_twice_reports_locked() {
    let (dir, _d) = empty_drive();
    match EmulatedDrive::open(dir.path()) {
        Err(EmuError::Locked { path }) => assert_eq!(path, dir.path()),
        other => panic!("expected Locked, got {other:?}"),
    }
}

#[test]
fn lock_is_released_on_drop() {
    let (dir, d) = empty_drive();
    drop(d);
    EmulatedDrive::open(dir.path()).unwrap();
}

#[test]
fn open_creates_directory_with_empty_drive() {
    let parent = tempfile::tempdir().unwrap();
    let path = parent.path().join("a/b");
    let d = EmulatedDrive::open(&path).unwrap();
    assert_eq!(d.media(), None);
    assert_eq!(d.dir(), path.as_path());
    assert!(path.join("drive.json").exists());
}

#[test]
fn state_and_data_survive_reopen() {
    let (dir, mut d) = blank_drive(MediaKind::DvdPlusR);
    assert_good(&write(&mut d, 0, 20));
    assert_eq!(d.sectors_written(), 20);
    drop(d);
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    assert_eq!(d.media(), Some(MediaKind::DvdPlusR));
    assert_eq!(d.sectors_written(), 20);
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 20);
    let (c, b) = read(&mut d, 0, 20);
    assert_good(&c);
    assert_eq!(b, pattern(0, 20));
    // Close, reopen, and the layout is still there.
    assert_good(&sync(&mut d));
    assert_good(&close(&mut d, 1, 1));
    assert_good(&close(&mut d, 2, 0));
    drop(d);
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    let di = disc_info(&mut d);
    assert_eq!(di[2] & 0x03, 0x01, "appendable");
    assert_eq!(di[4], 2, "two sessions (the second empty)");
    assert_eq!(read(&mut d, 0, 20).1, pattern(0, 20));
}

#[test]
fn load_blank_keeps_old_disc_on_shelf() {
    let (dir, mut d) = blank_drive(MediaKind::CdR);
    assert_good(&write(&mut d, 0, 3));
    let shelved = d
        .load_blank(MediaKind::BdR)
        .unwrap()
        .expect("old disc shelved");
    assert_eq!(shelved, dir.path().join("shelf/1-cd-r"));
    let img = std::fs::read(shelved.join("medium.img")).unwrap();
    assert_eq!(&img[..3 * 2048], &pattern(0, 3)[..]);
    assert!(shelved.join("medium.json").exists());
    assert_eq!(d.media(), Some(MediaKind::BdR));
    assert_eq!(d.sectors_written(), 0);
    // The new disc is blank and reports the change.
    assert_sense!(
        none(&mut d, &[0x00, 0, 0, 0, 0, 0]),
        Sense::NOT_READY_TO_READY_CHANGE
    );
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x00);
    // A second replacement goes to the next slot.
    let again = d.load_blank(MediaKind::CdR).unwrap().unwrap();
    assert_eq!(again, dir.path().join("shelf/2-bd-r"));
}

#[test]
fn eject_empties_tray_and_shelves_disc() {
    let (dir, mut d) = blank_drive(MediaKind::DvdMinusR);
    let to = d.eject().unwrap().unwrap();
    assert_eq!(to, dir.path().join("shelf/1-dvd-r"));
    assert_eq!(d.media(), None);
    assert_eq!(d.eject().unwrap(), None);
    drop(d);
    let d = EmulatedDrive::open(dir.path()).unwrap();
    assert_eq!(d.media(), None);
}

#[test]
fn corrupt_medium_state_is_a_state_error() {
    let (dir, d) = blank_drive(MediaKind::CdR);
    drop(d);
    std::fs::write(dir.path().join("medium.json"), "{ not json").unwrap();
    match EmulatedDrive::open(dir.path()) {
        Err(EmuError::State { path, .. }) => assert_eq!(path, dir.path().join("medium.json")),
        other => panic!("expected State, got {other:?}"),
    }
}

#[test]
fn inconsistent_medium_state_is_a_state_error() {
    let (dir, d) = blank_drive(MediaKind::DvdPlusR);
    drop(d);
    let path = dir.path().join("medium.json");
    let text = std::fs::read_to_string(&path).unwrap();
    // Claim more recorded blocks than the medium holds.
    let bad = text.replacen("\"recorded\": 0", "\"recorded\": 4000000000", 1);
    assert_ne!(bad, text);
    std::fs::write(&path, bad).unwrap();
    assert!(matches!(
        EmulatedDrive::open(dir.path()),
        Err(EmuError::State { .. })
    ));
}

#[test]
fn corrupt_drive_state_is_a_state_error() {
    let (dir, d) = empty_drive();
    drop(d);
    std::fs::write(dir.path().join("drive.json"), [0xff, 0xfe, 0x00]).unwrap();
    assert!(matches!(
        EmulatedDrive::open(dir.path()),
        Err(EmuError::State { .. })
    ));
}

#[test]
fn missing_image_is_a_state_error() {
    let (dir, d) = blank_drive(MediaKind::CdR);
    drop(d);
    std::fs::remove_file(dir.path().join("medium.img")).unwrap();
    assert!(matches!(
        EmulatedDrive::open(dir.path()),
        Err(EmuError::State { .. })
    ));
}

#[test]
fn describe_names_emu_path() {
    use discmaster_transport::Transport;
    let (dir, d) = empty_drive();
    assert_eq!(d.describe(), format!("emu:{}", dir.path().display()));
}
