//! Helpers shared by the command tests: a drive in a temporary directory, CDB execution with
//! each data direction, and `assert_sense!`.

use std::time::Duration;

use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_mmc::{Sense, SenseData};
use discmaster_transport::{Completion, DataPhase, ScsiStatus, Transport};
use tempfile::TempDir;

/// Asserts that a completion is CHECK CONDITION with the named sense.
macro_rules! assert_sense {
    ($completion:expr, $sense:expr) => {{
        let c: &discmaster_transport::Completion = &$completion;
        assert_eq!(
            c.status,
            discmaster_transport::ScsiStatus::CHECK_CONDITION,
            "expected CHECK CONDITION, got {c:?}"
        );
        let got = $crate::common::sense_of(c);
        let want: discmaster_mmc::Sense = $sense;
        assert_eq!(got, want, "expected {want}, got {got}");
    }};
}

/// The sense of a CHECK CONDITION completion (fixed format, 18 bytes).
pub fn sense_of(c: &Completion) -> Sense {
    assert_eq!(
        c.sense.len(),
        18,
        "autosense must be 18-byte fixed format: {:02x?}",
        c.sense
    );
    SenseData::new_checked(&c.sense[..])
        .expect("sense parses")
        .sense()
}

/// Asserts GOOD status.
#[track_caller]
pub fn assert_good(c: &Completion) {
    assert_eq!(
        c.status,
        ScsiStatus::GOOD,
        "expected GOOD, got {c:?} ({:?})",
        (c.sense.len() >= 14).then(|| sense_of(c))
    );
}

const T: Duration = Duration::from_secs(5);

/// A drive with an empty tray in a fresh temporary directory.
pub fn empty_drive() -> (TempDir, EmulatedDrive) {
    let dir = tempfile::tempdir().unwrap();
    let drive = EmulatedDrive::open(dir.path()).unwrap();
    (dir, drive)
}

/// A drive with a blank `kind` loaded and the medium-change unit attention consumed.
pub fn blank_drive(kind: MediaKind) -> (TempDir, EmulatedDrive) {
    let (dir, mut drive) = empty_drive();
    drive.load_blank(kind).unwrap();
    let c = none(&mut drive, &[0x00, 0, 0, 0, 0, 0]);
    assert_sense!(c, Sense::NOT_READY_TO_READY_CHANGE);
    assert_good(&none(&mut drive, &[0x00, 0, 0, 0, 0, 0]));
    (dir, drive)
}

/// Runs a CDB without data.
pub fn none(d: &mut EmulatedDrive, cdb: &[u8]) -> Completion {
    d.execute(cdb, DataPhase::None, T).unwrap()
}

/// Runs a data-in CDB with a `len`-byte buffer; returns the completion and the bytes
/// transferred (`len − residual`).
pub fn data_in(d: &mut EmulatedDrive, cdb: &[u8], len: usize) -> (Completion, Vec<u8>) {
    let mut buf = vec![0xa5u8; len];
    let c = d.execute(cdb, DataPhase::In(&mut buf), T).unwrap();
    let got = len - c.residual;
    buf.truncate(got);
    (c, buf)
}

/// Runs a data-out CDB.
pub fn data_out(d: &mut EmulatedDrive, cdb: &[u8], data: &[u8]) -> Completion {
    d.execute(cdb, DataPhase::Out(data), T).unwrap()
}

/// A 10-byte CDB with `lba` in bytes 2–5 and `len` in bytes 7–8.
pub fn cdb10(opcode: u8, byte1: u8, lba: u32, len: u16) -> [u8; 10] {
    let l = lba.to_be_bytes();
    let n = len.to_be_bytes();
    [opcode, byte1, l[0], l[1], l[2], l[3], 0, n[0], n[1], 0]
}

/// Test data for `blocks` blocks from LBA `first_block`: byte k of block n is
/// (7·n + k) mod 251, so every block differs and `pattern(a, n)` is a slice of `pattern(0, a + n)`.
pub fn pattern(first_block: u32, blocks: u32) -> Vec<u8> {
    (0..blocks as usize * 2048)
        .map(|i| ((7 * (first_block as usize + i / 2048) + i % 2048) % 251) as u8)
        .collect()
}

/// WRITE(10) of `blocks` pattern blocks at `lba`.
pub fn write(d: &mut EmulatedDrive, lba: u32, blocks: u16) -> Completion {
    data_out(
        d,
        &cdb10(0x2A, 0, lba, blocks),
        &pattern(lba, u32::from(blocks)),
    )
}

/// READ(10) of `blocks` at `lba`.
pub fn read(d: &mut EmulatedDrive, lba: u32, blocks: u16) -> (Completion, Vec<u8>) {
    data_in(d, &cdb10(0x28, 0, lba, blocks), usize::from(blocks) * 2048)
}

/// SYNCHRONIZE CACHE.
pub fn sync(d: &mut EmulatedDrive) -> Completion {
    none(d, &cdb10(0x35, 0, 0, 0))
}

/// CLOSE TRACK/SESSION with close function `function` and track/session `number`.
pub fn close(d: &mut EmulatedDrive, function: u8, number: u16) -> Completion {
    let n = number.to_be_bytes();
    none(d, &[0x5B, 0, function, 0, n[0], n[1], 0, 0, 0, 0])
}

/// READ DISC INFORMATION, 34 bytes.
pub fn disc_info(d: &mut EmulatedDrive) -> Vec<u8> {
    let (c, b) = data_in(d, &cdb10(0x51, 0, 0, 34), 34);
    assert_good(&c);
    b
}

/// READ TRACK INFORMATION by track number (`FFh` = invisible), 48 bytes.
pub fn track_info(d: &mut EmulatedDrive, number: u32) -> Vec<u8> {
    let (c, b) = data_in(d, &cdb10(0x52, 0x01, number, 48), 48);
    assert_good(&c);
    b
}

/// NWA (bytes 12–15) of a track information block, checking NWA_V.
pub fn nwa_of(track_info: &[u8]) -> u32 {
    assert_eq!(track_info[7] & 0x01, 0x01, "NWA_V");
    u32::from_be_bytes([
        track_info[12],
        track_info[13],
        track_info[14],
        track_info[15],
    ])
}

/// Big-endian u32 at `at`.
pub fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The current mode page 05h (52 bytes incl. its 2-byte header) from MODE SENSE(10).
pub fn page05(d: &mut EmulatedDrive) -> Vec<u8> {
    let (c, b) = data_in(d, &[0x5A, 0x08, 0x05, 0, 0, 0, 0, 0x01, 0x00, 0], 256);
    assert_good(&c);
    assert_eq!(b.len(), 8 + 52, "header + page 05h");
    b[8..].to_vec()
}

/// MODE SELECT(10) of `page` (whole page incl. header) with PF = 1.
pub fn mode_select(d: &mut EmulatedDrive, page: &[u8]) -> Completion {
    let mut list = vec![0u8; 8];
    list.extend_from_slice(page);
    let n = (list.len() as u16).to_be_bytes();
    data_out(d, &[0x55, 0x10, 0, 0, 0, 0, 0, n[0], n[1], 0], &list)
}

/// Reads page 05h, lets `edit` change it, and selects it again.
pub fn edit_page05(d: &mut EmulatedDrive, edit: impl FnOnce(&mut [u8])) -> Completion {
    let mut p = page05(d);
    edit(&mut p);
    mode_select(d, &p)
}
