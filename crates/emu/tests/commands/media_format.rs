//! READ FORMAT CAPACITIES and FORMAT UNIT per medium, the long-operation progress of an Immed
//! format, the DVD+RW background format, and the refusals (`mmc.md` §1.14, §1.15, §5.4, §6.2,
//! §6.3).

use discmaster_emu::{MediaKind, MediaOptions, Preformat};
use discmaster_mmc::{Sense, SenseData, SenseKeySpecific};

use crate::common::*;
use crate::media_util::*;

/// Formattable descriptor byte 4 for format type `t` (bits 7–2).
fn fmt(t: u8) -> u8 {
    t << 2
}

#[test]
fn dvd_plus_rw_new_disc_is_unformatted_and_refuses_writes() {
    let (_dir, mut d) = media_drive(MediaKind::DvdPlusRw);
    assert_eq!(current_profile(&mut d), 0x001A);
    assert_eq!(
        format_capacities(&mut d),
        [
            (2_295_104, 0x01, 2048),   // unformatted, maximum capacity
            (2_295_104, fmt(0x26), 0), // DVD+RW basic format
        ]
    );
    let b = disc_info(&mut d);
    assert_eq!(b[2] & 0x13, 0x10, "erasable, empty");
    assert_eq!(b[7] & 0x03, 0, "BG format status: none");
    assert_sense!(write(&mut d, 0, 16), Sense::MEDIUM_NOT_FORMATTED);
    assert!(!feature_current(&mut d, 0x0020), "not random writable yet");
    assert!(feature_current(&mut d, 0x0023), "formattable");
    assert!(feature_current(&mut d, 0x002A), "DVD+RW");
}

#[test]
fn dvd_plus_rw_immed_format_progresses_then_formats_in_background() {
    let (_dir, mut d) = media_drive(MediaKind::DvdPlusRw);
    // growisofs / libburn: FORMAT 26h, blocks FFFFFFFFh, Immed.
    assert_good(&format(&mut d, true, 0x26, 0, u32::MAX, 0));
    // Drive commands answer while the unit is busy.
    assert_eq!(current_profile(&mut d), 0x001A);
    let progress = poll_until_ready(&mut d, Sense::FORMAT_IN_PROGRESS);
    assert_progress_0_to_100(&progress);
    // Background format running: reads and writes are allowed anywhere.
    let b = disc_info(&mut d);
    assert_eq!(b[7] & 0x03, 2, "BG format in progress");
    assert_eq!(b[2] & 0x03, 0x02, "complete (one session, random access)");
    assert_good(&write(&mut d, 1_000_000, 32));
    let (c, data) = read(&mut d, 1_000_000, 32);
    assert_good(&c);
    assert_eq!(data, pattern(1_000_000, 32));
    // Never-written blocks of the formatted area read as zeros.
    let (c, data) = read(&mut d, 5, 1);
    assert_good(&c);
    assert!(data.iter().all(|&x| x == 0));
    assert_eq!(
        format_capacities(&mut d)[0],
        (2_295_104, 0x02, 2048),
        "formatted"
    );
    assert!(feature_current(&mut d, 0x0020), "random writable");
    // The background format advances one step per TEST UNIT READY and completes.
    for _ in 0..POLLS {
        assert_good(&tur(&mut d));
    }
    assert_eq!(disc_info(&mut d)[7] & 0x03, 3, "BG format complete");
}

#[test]
fn dvd_plus_rw_close_stops_background_format_and_restart_resumes_it() {
    let (_dir, mut d) = media_drive(MediaKind::DvdPlusRw);
    assert_good(&format(&mut d, false, 0x26, 0, u32::MAX, 0));
    assert_good(&tur(&mut d)); // no foreground part without Immed
    assert_eq!(disc_info(&mut d)[7] & 0x03, 2);
    assert_good(&write(&mut d, 0, 16));
    // growisofs: CLOSE 010b ("compatible stop"); 000b is the quick stop.
    assert_good(&close(&mut d, 0x02, 0));
    assert_eq!(disc_info(&mut d)[7] & 0x03, 1, "stopped, not complete");
    // FORMAT 26h with the Restart bit (byte 11 bit 0) resumes it; the data stay.
    assert_good(&format(&mut d, true, 0x26, 0, u32::MAX, 1));
    assert_good(&tur(&mut d));
    assert_eq!(disc_info(&mut d)[7] & 0x03, 2);
    assert_eq!(read(&mut d, 0, 16).1, pattern(0, 16));
    assert_good(&close(&mut d, 0x00, 0));
    assert_eq!(disc_info(&mut d)[7] & 0x03, 1);
    // CLOSE functions a DVD+RW has no use for.
    assert_sense!(close(&mut d, 0x06, 0), Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn dvd_plus_rw_restart_without_stopped_format_is_refused() {
    let (_dir, mut d) = media_drive(MediaKind::DvdPlusRw);
    let c = format(&mut d, false, 0x26, 0, u32::MAX, 1);
    assert_sense!(c, Sense::INVALID_FIELD_IN_PARAMETER_LIST);
    assert_eq!(
        SenseData::new_checked(&c.sense[..])
            .unwrap()
            .sense_key_specific(),
        Some(SenseKeySpecific::FieldPointer {
            in_cdb: false,
            bit: Some(0),
            byte: 11
        })
    );
}

#[test]
fn bd_re_lists_the_reference_formats_and_must_be_formatted() {
    let (_dir, mut d) = media_drive(MediaKind::BdRe);
    assert_eq!(current_profile(&mut d), 0x0043);
    // mmc.md §5.4 (dvd+rw-mediainfo of a real SL BD-RE), after the current descriptor.
    assert_eq!(
        format_capacities(&mut d),
        [
            (12_219_392, 0x01, 2048),
            (11_826_176, fmt(0x00), 0x3000),
            (11_826_176, fmt(0x30), 0x3000),
            (11_564_032, fmt(0x30), 0x5000),
            (12_088_320, fmt(0x30), 0x1000),
            (12_219_392, fmt(0x31), 0x0800),
        ]
    );
    assert_sense!(write(&mut d, 0, 32), Sense::MEDIUM_NOT_FORMATTED);
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0, "empty");
}

#[test]
fn bd_re_format_with_spare_choice_sets_capacity_and_free_space() {
    let (_dir, mut d) = media_drive(MediaKind::BdRe);
    // 30h with the maximum spare (5000h clusters), quick certification (sub-type 11b).
    assert_good(&format(&mut d, true, 0x30, 3, 11_564_032, 0x5000));
    assert_progress_0_to_100(&poll_until_ready(&mut d, Sense::FORMAT_IN_PROGRESS));
    assert_eq!(d.capacity_blocks(), Some(11_564_032));
    assert_eq!(d.spare_blocks(), Some(0x5000 * 32));
    assert_eq!(read_capacity(&mut d), (11_564_031, 2048));
    let t = track_info(&mut d, 1);
    assert_eq!(nwa_of(&t), 0);
    assert_eq!(
        be32(&t, 16),
        11_564_032,
        "free blocks = capacity with spare"
    );
    assert_eq!(be32(&t, 24), 11_564_032, "track size");
    assert_eq!(be32(&t, 20), 32, "cluster");
    assert_eq!(format_capacities(&mut d)[0], (11_564_032, 0x02, 2048));
    assert!(feature_current(&mut d, 0x0024), "defect management");
    assert!(feature_current(&mut d, 0x0020), "random writable");
    // Random writes anywhere inside, refused beyond.
    assert_good(&write(&mut d, 11_564_000, 32));
    assert_sense!(write(&mut d, 11_564_016, 32), Sense::LBA_OUT_OF_RANGE);
    // Reformat without spare areas: full capacity, data gone.
    assert_good(&format(&mut d, false, 0x31, 0, 12_219_392, 0x800));
    assert_eq!(d.spare_blocks(), Some(0));
    assert_eq!(be32(&track_info(&mut d, 1), 16), 12_219_392);
    assert!(!feature_current(&mut d, 0x0024));
    assert!(read(&mut d, 11_564_000, 1).1.iter().all(|&x| x == 0));
}

#[test]
fn bd_re_format_refusals_name_the_field() {
    let (_dir, mut d) = media_drive(MediaKind::BdRe);
    let field = |c: &discmaster_transport::Completion| {
        SenseData::new_checked(&c.sense[..])
            .unwrap()
            .sense_key_specific()
    };
    // Quick reformat (30h sub-type 00b) of an unformatted disc.
    let c = format(&mut d, false, 0x30, 0, 11_826_176, 0x3000);
    assert_sense!(c, Sense::INVALID_FIELD_IN_PARAMETER_LIST);
    assert_eq!(
        field(&c),
        Some(SenseKeySpecific::FieldPointer {
            in_cdb: false,
            bit: Some(1),
            byte: 8
        })
    );
    // A block count no descriptor lists.
    let c = format(&mut d, false, 0x30, 1, 1_000, 0x3000);
    assert_sense!(c, Sense::INVALID_FIELD_IN_PARAMETER_LIST);
    assert_eq!(
        field(&c),
        Some(SenseKeySpecific::FieldPointer {
            in_cdb: false,
            bit: None,
            byte: 4
        })
    );
    // A format type this medium does not offer (DVD+RW 26h).
    let c = format(&mut d, false, 0x26, 0, u32::MAX, 0);
    assert_eq!(
        field(&c),
        Some(SenseKeySpecific::FieldPointer {
            in_cdb: false,
            bit: Some(7),
            byte: 8
        })
    );
    // FmtData = 0: nothing to format with.
    assert_sense!(
        data_out(&mut d, &[0x04, 0x01, 0, 0, 0, 0], &[]),
        Sense::INVALID_FIELD_IN_CDB
    );
    // Format code other than 001b.
    assert_sense!(
        data_out(&mut d, &[0x04, 0x12, 0, 0, 0, 0], &[0; 12]),
        Sense::INVALID_FIELD_IN_CDB
    );
    // Parameter list shorter than 12 bytes; descriptor length other than 8.
    assert_sense!(
        data_out(&mut d, &[0x04, 0x11, 0, 0, 0, 0], &[0, 2, 0, 8, 0, 0]),
        Sense::PARAMETER_LIST_LENGTH_ERROR
    );
    assert_sense!(
        data_out(
            &mut d,
            &[0x04, 0x11, 0, 0, 0, 0],
            &[0, 2, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0]
        ),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
    // Nothing happened.
    assert_eq!(format_capacities(&mut d)[0].1, 0x01);
}

#[test]
fn bd_r_formats_spare_areas_while_blank_and_stays_sequential() {
    let (_dir, mut d) = media_drive(MediaKind::BdR);
    assert_eq!(
        format_capacities(&mut d),
        [
            (12_219_392, 0x01, 2048),
            (11_826_176, fmt(0x00), 0x3000),
            (11_826_176, fmt(0x32), 0x3000),
            (11_564_032, fmt(0x32), 0x5000),
            (12_088_320, fmt(0x32), 0x1000),
        ]
    );
    // Pseudo-overwrite (sub-type 00b) and RRM (10b) are not emulated.
    for sub_type in [0, 2] {
        assert_sense!(
            format(&mut d, false, 0x32, sub_type, 11_826_176, 0x3000),
            Sense::INVALID_FIELD_IN_PARAMETER_LIST
        );
    }
    assert_good(&format(&mut d, true, 0x00, 1, 11_826_176, 0x3000));
    assert_progress_0_to_100(&poll_until_ready(&mut d, Sense::FORMAT_IN_PROGRESS));
    assert_eq!(current_profile(&mut d), 0x0041, "still SRM");
    assert!(!feature_current(&mut d, 0x0038), "no pseudo-overwrite");
    assert!(
        feature_current(&mut d, 0x0024),
        "spare areas: defect management"
    );
    assert_eq!(format_capacities(&mut d), [(11_826_176, 0x02, 2048)]);
    // Sequential recording from the NWA with the smaller free space.
    let t = track_info(&mut d, 0xFF);
    assert_eq!((nwa_of(&t), be32(&t, 16)), (0, 11_826_176));
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0, "still blank");
    assert_sense!(write(&mut d, 64, 32), Sense::INVALID_ADDRESS_FOR_WRITE);
    assert_good(&write(&mut d, 0, 32));
    assert_eq!(be32(&track_info(&mut d, 0xFF), 16), 11_826_176 - 32);
    // Once formatted (or written) it cannot be formatted again.
    assert_sense!(
        format(&mut d, false, 0x00, 1, 11_826_176, 0x3000),
        Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE
    );
}

#[test]
fn bd_r_loaded_with_spare_option_matches_format_unit() {
    let (_dir, mut d) = drive_with(
        MediaKind::BdR,
        MediaOptions {
            formatted: Some(Preformat::WithSpare),
            ..MediaOptions::default()
        },
    );
    assert_eq!(d.capacity_blocks(), Some(11_826_176));
    assert_eq!(be32(&track_info(&mut d, 0xFF), 16), 11_826_176);
    let (_dir, d) = media_drive(MediaKind::BdR);
    assert_eq!(d.capacity_blocks(), Some(12_219_392), "no spare by default");
}

#[test]
fn dvd_rw_quick_format_gives_restricted_overwrite_in_intermediate_state() {
    let (_dir, mut d) = media_drive(MediaKind::DvdMinusRw);
    assert_eq!(current_profile(&mut d), 0x0014, "new DVD-RW: sequential");
    assert_eq!(
        format_capacities(&mut d),
        [
            (2_298_496, 0x01, 2048),
            (2_298_496, fmt(0x00), 0x800),
            (2_298_496, fmt(0x10), 0x10),
            (2_298_496, fmt(0x13), 0x10),
            (2_298_496, fmt(0x15), 0x10),
        ]
    );
    // growisofs: quick format 15h with 0 blocks.
    assert_good(&format(&mut d, true, 0x15, 0, 0, 0x10));
    assert_progress_0_to_100(&poll_until_ready(&mut d, Sense::FORMAT_IN_PROGRESS));
    assert_eq!(current_profile(&mut d), 0x0013, "restricted overwrite");
    let list = format_capacities(&mut d);
    assert_eq!(list[0], (2_298_496, 0x03, 2048), "intermediate state");
    assert!(list.contains(&(2_298_496, fmt(0x13), 0x10)), "quick grow");
    assert!(feature_current(&mut d, 0x0026));
    assert!(feature_current(&mut d, 0x002C));
    assert!(!feature_current(&mut d, 0x0021), "no incremental recording");
    // 16-block (32 KiB) aligned writes anywhere; others refused.
    assert_good(&write(&mut d, 160, 32));
    assert_sense!(write(&mut d, 8, 16), Sense::INVALID_ADDRESS_FOR_WRITE);
    assert_sense!(write(&mut d, 16, 8), Sense::INVALID_ADDRESS_FOR_WRITE);
    let t = track_info(&mut d, 1);
    assert_eq!(t[6] & 0x30, 0x30, "Packet/Inc and FP");
    assert_eq!(be32(&t, 20), 16, "fixed packet size");
    assert_eq!(be32(&t, 28), 191, "last recorded address");
    // growisofs: CLOSE SESSION ends the intermediate state.
    assert_good(&close(&mut d, 0x02, 0));
    assert_eq!(format_capacities(&mut d)[0], (2_298_496, 0x02, 2048));
    assert_eq!(read(&mut d, 160, 32).1, pattern(160, 32));
    // Test Write is not available in restricted overwrite.
    assert_sense!(
        edit_page05(&mut d, |p| p[2] |= 0x10),
        Sense::INVALID_FIELD_IN_PARAMETER_LIST
    );
}

#[test]
fn dvd_ram_is_formatted_and_random_writable() {
    let (_dir, mut d) = media_drive(MediaKind::DvdRam);
    assert_eq!(current_profile(&mut d), 0x0012);
    assert_eq!(
        format_capacities(&mut d),
        [(2_236_704, 0x02, 2048), (2_236_704, fmt(0x00), 0x800)]
    );
    assert_eq!(disc_info(&mut d)[2] & 0x03, 0x03, "disc status other");
    assert_good(&write(&mut d, 2_236_704 - 16, 16));
    assert_eq!(
        read(&mut d, 2_236_704 - 16, 16).1,
        pattern(2_236_704 - 16, 16)
    );
    assert!(feature_current(&mut d, 0x0024), "defect management");
    // Re-format erases.
    assert_good(&format(&mut d, false, 0x00, 0, 2_236_704, 0x800));
    assert!(read(&mut d, 2_236_704 - 16, 1).1.iter().all(|&x| x == 0));
}

#[test]
fn write_once_media_refuse_format_unit() {
    for kind in [
        MediaKind::CdR,
        MediaKind::CdRw,
        MediaKind::DvdPlusR,
        MediaKind::DvdMinusR,
        MediaKind::DvdPlusRDl,
    ] {
        let (_dir, mut d) = media_drive(kind);
        assert_eq!(
            format_capacities(&mut d).len(),
            1,
            "{kind}: nothing offered"
        );
        assert_sense!(
            format(&mut d, true, 0x00, 0, u32::MAX, 0x800),
            Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE
        );
        assert_good(&tur(&mut d));
        assert!(!feature_current(&mut d, 0x0023), "{kind}: not formattable");
    }
}

#[test]
fn format_unit_without_medium_is_not_ready() {
    let (_dir, mut d) = empty_drive();
    assert_sense!(
        format(&mut d, true, 0x26, 0, u32::MAX, 0),
        Sense::MEDIUM_NOT_PRESENT
    );
    let (c, b) = data_in(&mut d, &cdb10(0x23, 0, 0, 12), 12);
    assert_good(&c);
    assert_eq!(
        b,
        [0, 0, 0, 8, 0, 0, 0, 0, 0x03, 0, 0x08, 0],
        "no medium: 11b"
    );
}

#[test]
fn request_sense_reports_format_progress_and_try_out_changes_nothing() {
    let (_dir, mut d) = media_drive(MediaKind::BdRe);
    // Try-out (header byte 1 bit 2): checked, nothing formatted.
    let list = [
        0x00, 0x06, 0x00, 0x08, // B1: Try-out + Immed; descriptor length 8
        0x00, 0xBA, 0x74, 0x00, // 12 219 392 blocks
        0xC4, 0x00, 0x08, 0x00, // 31h, parameter 800h
    ];
    assert_good(&data_out(&mut d, &[0x04, 0x11, 0, 0, 0, 0], &list));
    assert_good(&tur(&mut d));
    assert_eq!(format_capacities(&mut d)[0].1, 0x01, "still unformatted");
    // A real format, polled with REQUEST SENSE only (libburn when TUR gives no progress).
    assert_good(&format(&mut d, true, 0x31, 0, 12_219_392, 0x800));
    let mut seen = Vec::new();
    loop {
        let (c, b) = data_in(&mut d, &[0x03, 0, 0, 0, 18, 0], 18);
        assert_good(&c);
        let s = SenseData::new_checked(&b[..]).unwrap();
        if s.sense() == Sense::NO_SENSE {
            break;
        }
        assert_eq!(s.sense(), Sense::FORMAT_IN_PROGRESS);
        assert_eq!(b[15] & 0x80, 0x80, "SKSV");
        seen.push(u16::from_be_bytes([b[16], b[17]]));
        assert!(seen.len() <= POLLS as usize);
    }
    assert_progress_0_to_100(&seen);
    assert_good(&tur(&mut d));
    assert_eq!(format_capacities(&mut d)[0], (12_219_392, 0x02, 2048));
}
