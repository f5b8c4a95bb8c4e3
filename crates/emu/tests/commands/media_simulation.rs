//! Test Write (simulation, page 05h byte 2 bit 4): the whole burn runs and follows every rule,
//! nothing is recorded, and the disc is blank again afterwards (`mmc.md` §2.2, §1.6 Test Write
//! bits, §6.2).

use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_mmc::Sense;

use crate::common::*;
use crate::media_util::*;

/// Sets Test Write (and `edit` more of page 05h).
fn test_write_on(d: &mut EmulatedDrive, edit: impl FnOnce(&mut [u8])) {
    assert_good(&edit_page05(d, |p| {
        p[2] |= 0x10;
        edit(p);
    }));
    assert_eq!(page05(d)[2] & 0x10, 0x10);
}

#[test]
fn cd_r_tao_simulation_runs_the_whole_burn_and_leaves_the_disc_blank() {
    let (_dir, mut d) = media_drive(MediaKind::CdR);
    // Two TAO tracks in one session, multi-session allowed, as libburn/cdrecord -dummy.
    test_write_on(&mut d, |p| p[3] = (p[3] & 0x3F) | 0xC0);
    assert_good(&write(&mut d, 0, 200));
    // The NWA advances during the simulated session …
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 200);
    assert_good(&write(&mut d, 200, 100));
    assert_sense!(write(&mut d, 0, 1), Sense::INVALID_ADDRESS_FOR_WRITE);
    // … nothing is readable: nothing was recorded.
    assert_sense!(read(&mut d, 0, 1).0, Sense::LBA_OUT_OF_RANGE);
    assert_good(&sync(&mut d)); // closes track 1 (TAO)
    let second = nwa_of(&track_info(&mut d, 0xFF));
    assert_eq!(second, 302 + 150, "run-out + pregap as in a real burn");
    assert_good(&write(&mut d, second, 300));
    assert_good(&sync(&mut d));
    assert_eq!(disc_info(&mut d)[6], 3, "tracks 1, 2 and the invisible 3");
    assert_good(&close(&mut d, 0x02, 0));
    // After the session closes: blank again, nothing counted.
    let b = disc_info(&mut d);
    assert_eq!(b[2] & 0x1F, 0x00, "empty disc, empty session");
    assert_eq!((b[4], b[5], b[6]), (1, 1, 1));
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 0);
    assert_eq!(d.sectors_written(), 0);
    assert_sense!(read(&mut d, 0, 1).0, Sense::LBA_OUT_OF_RANGE);
    // The real burn afterwards (Test Write off) records.
    assert_good(&edit_page05(&mut d, |p| p[2] &= !0x10));
    assert_good(&write(&mut d, 0, 300));
    assert_good(&sync(&mut d));
    assert_eq!(read(&mut d, 0, 300).1, pattern(0, 300));
    assert_eq!(d.sectors_written(), 300);
}

#[test]
fn dvd_r_disc_at_once_simulation_ends_with_synchronize_cache() {
    let (_dir, mut d) = media_drive(MediaKind::DvdMinusR);
    test_write_on(&mut d, |p| p[2] = (p[2] & 0xF0) | 0x02); // DAO
    assert_good(&none(&mut d, &[0x53, 0, 0, 0, 0, 0, 0, 0x01, 0, 0])); // reserve 256
    assert_eq!(track_info(&mut d, 1)[6] & 0x80, 0x80, "reserved track");
    assert_good(&write(&mut d, 0, 256));
    assert_good(&sync(&mut d)); // the drive "finalizes" the DAO disc
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x00, "still blank");
    assert_eq!(d.sectors_written(), 0);
    assert_eq!(
        be32(&track_info(&mut d, 0xFF), 16),
        2_298_496,
        "free blocks"
    );
}

#[test]
fn dvd_rw_incremental_simulation_and_switching_test_write_off() {
    let (_dir, mut d) = media_drive(MediaKind::DvdMinusRw);
    test_write_on(&mut d, |_| {});
    assert_good(&write(&mut d, 0, 64));
    assert_good(&close(&mut d, 0x01, 1));
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 64);
    // Switching Test Write off ends the simulation: nothing was recorded.
    assert_good(&edit_page05(&mut d, |p| p[2] &= !0x10));
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 0);
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0);
}

#[test]
fn simulation_ends_when_the_disc_leaves_the_tray() {
    let (_dir, mut d) = media_drive(MediaKind::CdRw);
    test_write_on(&mut d, |_| {});
    assert_good(&write(&mut d, 0, 100));
    // START STOP UNIT: eject (LoEj, Start 0), then load.
    assert_good(&none(&mut d, &[0x1B, 0, 0, 0, 0x02, 0]));
    assert_good(&none(&mut d, &[0x1B, 0, 0, 0, 0x03, 0]));
    assert_sense!(tur(&mut d), Sense::NOT_READY_TO_READY_CHANGE);
    assert_eq!(nwa_of(&track_info(&mut d, 0xFF)), 0);
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0, "blank");
}

#[test]
fn test_write_is_refused_where_drives_cannot_simulate() {
    for kind in [
        MediaKind::DvdPlusR,
        MediaKind::DvdPlusRDl,
        MediaKind::DvdPlusRw,
        MediaKind::DvdRam,
        MediaKind::BdR,
        MediaKind::BdRe,
    ] {
        let (_dir, mut d) = media_drive(kind);
        let (c, b) = data_in(&mut d, &[0x5A, 0x08, 0x45, 0, 0, 0, 0, 0x01, 0, 0], 256);
        assert_good(&c);
        assert_eq!(b[8 + 2] & 0x10, 0, "{kind}: Test Write not changeable");
        assert_sense!(
            edit_page05(&mut d, |p| p[2] |= 0x10),
            Sense::INVALID_FIELD_IN_PARAMETER_LIST
        );
    }
    // Not with write type RAW either.
    let (_dir, mut d) = media_drive(MediaKind::CdR);
    assert_sense!(
        edit_page05(&mut d, |p| {
            p[2] = (p[2] & 0xE0) | 0x10 | 0x03; // Test Write, RAW
            p[4] = 0x03; // DBT 3
        }),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    // The Test Write capability bits (features 002Dh, 002Eh, 002Fh; page 2Ah).
    let (c, b) = data_in(&mut d, &[0x46, 0x02, 0x00, 0x2D, 0, 0, 0, 0, 16, 0], 16);
    assert_good(&c);
    assert_eq!(b[12] & 0x04, 0x04, "CD Track at Once: Test Write");
}
