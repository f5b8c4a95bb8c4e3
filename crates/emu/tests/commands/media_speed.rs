//! Write speeds: GET PERFORMANCE type 03h and 00h, mode page 2Ah, SET CD SPEED and SET
//! STREAMING rounding down to a rated speed and reporting the one selected (`mmc.md`
//! §1.25–§1.27, §1.30, §2.6).

use discmaster_emu::{EmulatedDrive, MediaKind, MediaOptions, Preformat};
use discmaster_mmc::Sense;
use discmaster_transport::Completion;

use crate::common::*;
use crate::media_util::*;

/// GET PERFORMANCE type 03h (write speed descriptors), up to 16 descriptors: the write speeds
/// (bytes 12–15 of each descriptor).
fn write_speed_descriptors(d: &mut EmulatedDrive) -> Vec<u32> {
    let cdb = [0xAC, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0x03, 0];
    let (c, b) = data_in(d, &cdb, 8 + 16 * 16);
    assert_good(&c);
    let n = (be32(&b, 0) as usize - 4) / 16;
    assert_eq!(b.len(), 8 + 16 * n);
    (0..n)
        .map(|i| {
            let x = &b[8 + 16 * i..];
            assert_eq!(x[0], 0, "CLV, not exact, no MRW");
            assert_eq!(be32(x, 4) + 1, d.capacity_blocks().unwrap(), "end LBA");
            be32(x, 12)
        })
        .collect()
}

/// GET PERFORMANCE type 00h write (data type 14h: tolerance 10b, Write): the nominal speed.
fn write_performance(d: &mut EmulatedDrive) -> u32 {
    let cdb = [0xAC, 0x14, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0];
    let (c, b) = data_in(d, &cdb, 24);
    assert_good(&c);
    assert_eq!(b[4] & 0x02, 0x02, "Write");
    assert_eq!(be32(&b, 12), be32(&b, 20), "constant over the disc");
    be32(&b, 12)
}

/// Page 2Ah current write speed selected (bytes 28–29).
fn page2a_selected(d: &mut EmulatedDrive) -> u16 {
    let (c, b) = data_in(d, &[0x5A, 0x08, 0x2A, 0, 0, 0, 0, 0x01, 0, 0], 256);
    assert_good(&c);
    let p = &b[8..];
    u16::from_be_bytes([p[28], p[29]])
}

/// SET CD SPEED: read speed FFFFh, write speed `kbps`.
fn set_cd_speed(d: &mut EmulatedDrive, kbps: u16) -> Completion {
    let w = kbps.to_be_bytes();
    none(d, &[0xBB, 0, 0xFF, 0xFF, w[0], w[1], 0, 0, 0, 0, 0, 0])
}

/// SET STREAMING with a type 0 descriptor asking `write_kb` per `write_ms` (libburn: speed in
/// kB per 1000 ms), over LBA 0 … end.
fn set_streaming(d: &mut EmulatedDrive, rdd: bool, write_kb: u32, write_ms: u32) -> Completion {
    let mut p = [0u8; 28];
    p[0] = u8::from(rdd) << 2; // B0: RDD
    p[8..12].copy_from_slice(&1_000_000u32.to_be_bytes()); // B8-11 end LBA
    p[12..16].copy_from_slice(&write_kb.to_be_bytes()); // B12-15 read size
    p[16..20].copy_from_slice(&1000u32.to_be_bytes()); // B16-19 read time
    p[20..24].copy_from_slice(&write_kb.to_be_bytes()); // B20-23 write size
    p[24..28].copy_from_slice(&write_ms.to_be_bytes()); // B24-27 write time
    data_out(d, &[0xB6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 28, 0], &p)
}

#[test]
fn get_performance_lists_the_rated_speeds_of_each_medium() {
    for kind in MediaKind::ALL {
        let (_dir, mut d) = media_drive(kind);
        let speeds = write_speed_descriptors(&mut d);
        assert_eq!(speeds, d.write_speeds_kbps(), "{kind}");
        assert!(
            speeds.windows(2).all(|w| w[0] > w[1]),
            "{kind}: fastest first"
        );
        assert_eq!(
            write_performance(&mut d),
            speeds[0],
            "{kind}: maximum by default"
        );
        assert_eq!(u32::from(page2a_selected(&mut d)), speeds[0], "{kind}");
    }
    let (_dir, mut d) = media_drive(MediaKind::CdR);
    assert_eq!(
        write_speed_descriptors(&mut d),
        [8_467, 7_056, 5_645, 4_234, 2_822, 1_411, 706],
        "CD-R 48x … 4x"
    );
    let (_dir, mut d) = media_drive(MediaKind::BdRe);
    assert_eq!(
        write_speed_descriptors(&mut d),
        [17_982, 8_991],
        "BD-RE 4x, 2x"
    );
}

#[test]
fn set_cd_speed_rounds_down_and_reports_the_selected_speed() {
    let (_dir, mut d) = media_drive(MediaKind::CdR);
    // 40x + a little (libburn adds a margin) → 40x; 30x → 24x; below 4x → 4x.
    for (asked, selected) in [(7_100u16, 7_056u32), (5_300, 4_234), (300, 706)] {
        assert_good(&set_cd_speed(&mut d, asked));
        assert_eq!(
            u32::from(page2a_selected(&mut d)),
            selected,
            "asked {asked}"
        );
        assert_eq!(write_performance(&mut d), selected);
        assert_eq!(d.selected_write_speed_kbps(), Some(selected));
    }
    // FFFFh = maximum.
    assert_good(&set_cd_speed(&mut d, 0xFFFF));
    assert_eq!(page2a_selected(&mut d), 8_467);
    // The descriptor list does not change with the selection.
    assert_eq!(write_speed_descriptors(&mut d).len(), 7);
}

#[test]
fn set_streaming_rounds_down_and_rdd_restores_the_maximum() {
    let (_dir, mut d) = media_drive(MediaKind::DvdPlusR);
    assert_good(&set_streaming(&mut d, false, 11_080, 1000));
    assert_eq!(page2a_selected(&mut d), 11_080, "8x exactly");
    assert_good(&set_streaming(&mut d, false, 12_000, 1000));
    assert_eq!(
        page2a_selected(&mut d),
        11_080,
        "12 000 kB/s rounds down to 8x"
    );
    // 2 × 16 620 kB in 2 s = 12x.
    assert_good(&set_streaming(&mut d, false, 33_240, 2000));
    assert_eq!(page2a_selected(&mut d), 16_620);
    assert_good(&set_streaming(&mut d, true, 0, 0));
    assert_eq!(
        page2a_selected(&mut d),
        22_160,
        "RDD: drive default (maximum)"
    );
    // A write size without a time cannot be a speed.
    assert_sense!(
        set_streaming(&mut d, false, 11_080, 0),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
}

#[test]
fn speed_request_persists_across_media_and_without_medium() {
    let (_dir, mut d) = empty_drive();
    // No medium: accepted and remembered.
    assert_good(&set_cd_speed(&mut d, 7_000));
    assert_eq!(d.selected_write_speed_kbps(), None);
    d.load_blank(MediaKind::CdR).unwrap();
    assert_eq!(d.selected_write_speed_kbps(), Some(5_645), "32x");
    d.load_blank(MediaKind::DvdMinusR).unwrap();
    assert_eq!(
        d.selected_write_speed_kbps(),
        Some(5_540),
        "7 000 kB/s on DVD-R: 4x"
    );
    // SET CD SPEED works on DVD media too (many drives accept it).
    assert_sense!(tur(&mut d), Sense::NOT_READY_TO_READY_CHANGE);
    assert_good(&set_cd_speed(&mut d, 0xFFFF));
    assert_eq!(d.selected_write_speed_kbps(), Some(22_160));
}

#[test]
fn bd_defect_management_halves_the_reported_write_performance() {
    let (_dir, mut d) = drive_with(
        MediaKind::BdRe,
        MediaOptions {
            formatted: Some(Preformat::WithSpare),
            ..MediaOptions::default()
        },
    );
    assert_eq!(page2a_selected(&mut d), 17_982, "selected speed: 4x");
    assert_eq!(write_performance(&mut d), 8_991, "verify after write: half");
    let (_dir, mut d) = drive_with(
        MediaKind::BdRe,
        MediaOptions {
            formatted: Some(Preformat::Plain),
            ..MediaOptions::default()
        },
    );
    assert_eq!(
        write_performance(&mut d),
        17_982,
        "no spare areas: full speed"
    );
}

#[test]
fn real_time_streaming_feature_announces_the_speed_commands() {
    let (_dir, mut d) = media_drive(MediaKind::BdR);
    let (c, b) = data_in(&mut d, &[0x46, 0x02, 0x01, 0x07, 0, 0, 0, 0, 16, 0], 16);
    assert_good(&c);
    assert_eq!(
        &b[8..16],
        &[
            0x01, 0x07, // feature 0107h
            0x0F, // version 3, persistent, current
            0x04, // additional length
            0x1F, // RBCB, SCS, MP2A, WSPD, SW
            0, 0, 0,
        ]
    );
}
