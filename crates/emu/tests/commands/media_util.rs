//! Helpers for the rewritable-media tests (`media_*.rs`): FORMAT UNIT and BLANK CDBs built by
//! hand from `mmc.md` §1.15/§1.16, READ FORMAT CAPACITIES decoding, and polling a long
//! operation to its end while collecting the progress indications.

use discmaster_emu::{EmulatedDrive, MediaKind, MediaOptions};
use discmaster_mmc::{Sense, SenseData};
use discmaster_transport::{Completion, ScsiStatus};
use tempfile::TempDir;

use crate::common::*;

/// Polls the emulator uses for long operations in these tests.
pub const POLLS: u32 = 5;

/// A drive with a fresh `kind` loaded with `options`, the unit attention consumed, long
/// operations lasting [`POLLS`].
pub fn drive_with(kind: MediaKind, options: MediaOptions) -> (TempDir, EmulatedDrive) {
    let (dir, mut d) = empty_drive();
    d.set_long_operation_polls(POLLS).unwrap();
    d.load_blank_with(kind, options).unwrap();
    assert_sense!(tur(&mut d), Sense::NOT_READY_TO_READY_CHANGE);
    assert_good(&tur(&mut d));
    (dir, d)
}

/// A drive with a new `kind` (see [`drive_with`]).
pub fn media_drive(kind: MediaKind) -> (TempDir, EmulatedDrive) {
    drive_with(kind, MediaOptions::default())
}

/// TEST UNIT READY.
pub fn tur(d: &mut EmulatedDrive) -> Completion {
    none(d, &[0x00, 0, 0, 0, 0, 0])
}

/// FORMAT UNIT (`04 11 00 00 00 00`: FmtData, format code 001b) with a 12-byte parameter list.
pub fn format(
    d: &mut EmulatedDrive,
    immed: bool,
    format_type: u8,
    sub_type: u8,
    blocks: u32,
    parameter: u32,
) -> Completion {
    let b = blocks.to_be_bytes();
    let p = parameter.to_be_bytes();
    let list = [
        0x00,                        // B0 reserved
        u8::from(immed) << 1,        // B1: Immed
        0x00,                        // B2-3: descriptor length 8
        0x08,                        //
        b[0],                        // B4-7: number of blocks
        b[1],                        //
        b[2],                        //
        b[3],                        //
        format_type << 2 | sub_type, // B8: format type, sub-type
        p[1],                        // B9-11: type-dependent parameter
        p[2],                        //
        p[3],                        //
    ];
    data_out(d, &[0x04, 0x11, 0, 0, 0, 0], &list)
}

/// BLANK with `blanking_type` (000b full, 001b minimal, …).
pub fn blank(d: &mut EmulatedDrive, immed: bool, blanking_type: u8) -> Completion {
    none(
        d,
        &[
            0xA1,                                 // opcode
            u8::from(immed) << 4 | blanking_type, // B1: Immed (b4), type (b2-0)
            0,
            0,
            0,
            0, // B2-5 start address
            0,
            0,
            0,
            0,
            0, // B6-10 reserved
            0, // control
        ],
    )
}

/// CLOSE TRACK/SESSION with Immed.
pub fn close_immed(d: &mut EmulatedDrive, function: u8, number: u16) -> Completion {
    let n = number.to_be_bytes();
    none(d, &[0x5B, 0x01, function, 0, n[0], n[1], 0, 0, 0, 0])
}

/// One READ FORMAT CAPACITIES descriptor: (blocks, byte 4, bytes 5–7).
pub type Capacity = (u32, u8, u32);

/// READ FORMAT CAPACITIES (alloc 252): the descriptors, first = current/maximum.
pub fn format_capacities(d: &mut EmulatedDrive) -> Vec<Capacity> {
    let (c, b) = data_in(d, &cdb10(0x23, 0, 0, 252), 252);
    assert_good(&c);
    assert_eq!(usize::from(b[3]) + 4, b.len(), "list length");
    b[4..]
        .chunks_exact(8)
        .map(|x| (be32(x, 0), x[4], u32::from_be_bytes([0, x[5], x[6], x[7]])))
        .collect()
}

/// The progress indication (sense bytes 16–17 with SKSV) of a NOT READY completion.
pub fn progress_of(c: &Completion) -> Option<u16> {
    SenseData::new_checked(&c.sense[..]).ok()?.progress()
}

/// Sends TEST UNIT READY until GOOD (at most 100 times); every NOT READY must carry `busy` and a
/// progress indication. Returns the progress values seen, in order.
pub fn poll_until_ready(d: &mut EmulatedDrive, busy: Sense) -> Vec<u16> {
    let mut seen = Vec::new();
    for _ in 0..100 {
        let c = tur(d);
        if c.status == ScsiStatus::GOOD {
            return seen;
        }
        assert_sense!(c, busy);
        seen.push(progress_of(&c).expect("NOT READY carries a progress indication"));
    }
    panic!("the operation never ended: {seen:?}");
}

/// Asserts `progress` starts at 0, increases strictly and has [`POLLS`] values.
pub fn assert_progress_0_to_100(progress: &[u16]) {
    assert_eq!(progress.len(), POLLS as usize, "{progress:?}");
    assert_eq!(progress.first(), Some(&0), "{progress:?}");
    assert!(
        progress.windows(2).all(|w| w[0] < w[1]),
        "strictly increasing: {progress:?}"
    );
}

/// READ CAPACITY: (last LBA, block length).
pub fn read_capacity(d: &mut EmulatedDrive) -> (u32, u32) {
    let (c, b) = data_in(d, &cdb10(0x25, 0, 0, 0), 8);
    assert_good(&c);
    (be32(&b, 0), be32(&b, 4))
}

/// The current profile from GET CONFIGURATION (header bytes 6–7).
pub fn current_profile(d: &mut EmulatedDrive) -> u16 {
    let (c, b) = data_in(d, &[0x46, 0x02, 0, 0, 0, 0, 0, 0, 8, 0], 8);
    assert_good(&c);
    u16::from_be_bytes([b[6], b[7]])
}

/// Whether GET CONFIGURATION RT 10b reports feature `code` as current.
pub fn feature_current(d: &mut EmulatedDrive, code: u16) -> bool {
    let c = code.to_be_bytes();
    let (s, b) = data_in(d, &[0x46, 0x02, c[0], c[1], 0, 0, 0, 0x01, 0, 0], 256);
    assert_good(&s);
    b.len() >= 12 && b[10] & 0x01 != 0
}
