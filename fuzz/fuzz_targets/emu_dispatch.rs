//! Fuzz target `emu_dispatch`: sequences of arbitrary CDBs and data through the emulated
//! drive's `Transport::execute`.
//!
//! One `EmulatedDrive` is opened per process (it holds a file lock on its directory) in a
//! temporary directory and reused; every input starts from a freshly loaded blank medium.
//!
//! Input layout:
//!
//! * byte 0, setup: bits 2–0 pick the medium (`% 5`: 0 = empty tray, 1–4 = `MediaKind::ALL`);
//!   bit 3 consumes the medium-change unit attention with TEST UNIT READY first; bit 4 checks
//!   every CHECK CONDITION against REQUEST SENSE; bit 5 flushes, closes and reopens the
//!   drive at the end (the state on disk must load again).
//! * then commands, at most [`MAX_COMMANDS`], each
//!   `[head][cdb][data length: 2 bytes BE][data-out bytes]`:
//!   head bits 4–0 give the CDB length (0 = the length the opcode's group prescribes, 6 when
//!   it has none; 1–30 that many bytes; 31 = an empty CDB); bit 7 replaces the opcode byte
//!   `b` by `COMMANDS[b % COMMANDS.len()].opcode` (most random opcodes are unknown);
//!   bits 6–5 choose the data phase (0 = the command's direction from the emulator's
//!   table, 1 = none, 2 = in, 3 = out); the data length is the value itself, or
//!   `(value & 7FFFh) × 8` when bit 15 is set (≤ 256 KiB); data-out bytes come from the input
//!   as far as it reaches, the rest of the buffer is zero.
//!
//! Invariants checked for every command: `execute` returns `Ok`; the status is GOOD or
//! CHECK CONDITION; the residual is at most the buffer offered; GOOD data-in moves at most
//! the allocation length the CDB announces, and a response's length field matches the bytes
//! moved (exactly when the response was not cut, at least as many when it was); CHECK
//! CONDITION moves no data and carries at least 14 bytes of valid fixed-format current sense
//! (70h) with a non-zero sense key, and a CDB field pointer inside the CDB. Optionally (setup
//! bits 4, 5): REQUEST SENSE returns the autosense bytes, and the saved state reopens with
//! the same medium and sector count.
//!
//! `DISCMASTER_FUZZ_TRACE=1` prints every command and its outcome to stderr.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use discmaster_emu::dispatch::{command_row, COMMANDS};
use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_mmc::commands::*;
use discmaster_mmc::{Cdb, Command, DataDirection, Sense, SenseData, SenseKey, SenseKeySpecific};
use discmaster_transport::{Completion, DataPhase, ScsiStatus, Transport};
use libfuzzer_sys::fuzz_target;

/// Commands run per input at most.
const MAX_COMMANDS: usize = 64;
/// Largest data buffer offered (256 KiB).
const MAX_DATA: usize = 256 * 1024;
/// Prefix of the temporary drive directories (`<prefix><pid>-…`).
const DIR_PREFIX: &str = "discmaster-fuzz-emu-";
const TIMEOUT: Duration = Duration::from_secs(1);

struct State {
    dir: tempfile::TempDir,
    drive: Option<EmulatedDrive>,
}

fn state() -> &'static Mutex<State> {
    static STATE: OnceLock<Mutex<State>> = OnceLock::new();
    STATE.get_or_init(|| {
        let base = base_dir();
        remove_stale_dirs(&base);
        let dir = tempfile::Builder::new()
            .prefix(&format!("{DIR_PREFIX}{}-", std::process::id()))
            .tempdir_in(&base)
            .expect("temporary drive directory");
        let drive = EmulatedDrive::open(dir.path()).expect("open the emulated drive");
        Mutex::new(State {
            dir,
            drive: Some(drive),
        })
    })
}

/// Where the drive directory goes: `$DISCMASTER_FUZZ_DIR`, else `/dev/shm` (tmpfs: every
/// input shelves and deletes a disc, and unlinking on a disk file system costs more than the
/// commands themselves), else the system temporary directory.
fn base_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("DISCMASTER_FUZZ_DIR") {
        return PathBuf::from(dir);
    }
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        return shm.to_path_buf();
    }
    std::env::temp_dir()
}

/// Removes drive directories left by earlier fuzzing processes that are gone (libFuzzer
/// exits without running destructors, so the `TempDir` of a process is never deleted).
fn remove_stale_dirs(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(DIR_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next() else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// `DISCMASTER_FUZZ_TRACE` is set: print every command and its outcome to stderr (to see
/// what a corpus reaches: `emu_dispatch -runs=0 corpus/emu_dispatch 2>&1 | grep ^trace`).
fn trace() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("DISCMASTER_FUZZ_TRACE").is_some())
}

/// The CDB of a command whose head byte is `head` (see the module doc).
fn cdb_of(head: u8, input: &mut Input<'_>) -> Vec<u8> {
    let Some(&first) = input.0.first() else {
        return Vec::new();
    };
    let opcode = if head & 0x80 != 0 {
        COMMANDS[usize::from(first) % COMMANDS.len()].opcode
    } else {
        first
    };
    let len = match head & 0x1F {
        0 => Cdb::length_for_opcode(opcode).unwrap_or(6),
        31 => 0,
        n => usize::from(n),
    };
    let mut cdb = input.take(len).to_vec();
    if let Some(b) = cdb.first_mut() {
        *b = opcode;
    }
    cdb
}

/// A reader over the fuzz input.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    /// Up to `n` bytes (fewer at the end of the input).
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let Some(setup) = input.byte() else {
        return;
    };
    let mut guard = state().lock().unwrap_or_else(|e| e.into_inner());
    let st = &mut *guard;
    let drive = st.drive.as_mut().expect("drive is open");

    // Start every input from the same state: removal allowed, a fresh blank disc (or none).
    let (allow, _) = run(drive, &[0x1E, 0, 0, 0, 0, 0], Phase::None, 0, &[]);
    assert_eq!(
        allow.status,
        ScsiStatus::GOOD,
        "ALLOW MEDIUM REMOVAL: {allow:?}"
    );
    let kind = match setup % 5 {
        0 => None,
        k => Some(MediaKind::ALL[usize::from(k - 1)]),
    };
    match kind {
        None => drop(drive.eject().expect("eject")),
        Some(k) => drop(drive.load_blank(k).expect("load blank")),
    }
    // Shelved discs are of no interest here; keep the directory small.
    let _ = std::fs::remove_dir_all(st.dir.path().join("shelf"));
    assert_eq!(drive.media(), kind);

    if setup & 0x08 != 0 {
        let (c, _) = run(drive, &[0, 0, 0, 0, 0, 0], Phase::None, 0, &[]);
        let expected = if kind.is_some() {
            Sense::NOT_READY_TO_READY_CHANGE
        } else {
            Sense::MEDIUM_NOT_PRESENT
        };
        assert_eq!(sense_of(&c), Some(expected), "first TEST UNIT READY: {c:?}");
    }
    let check_request_sense = setup & 0x10 != 0;

    for _ in 0..MAX_COMMANDS {
        let Some(head) = input.byte() else {
            break;
        };
        let cdb = cdb_of(head, &mut input);
        let len = match input.take(2) {
            &[hi, lo] => {
                let v = u16::from_be_bytes([hi, lo]);
                if v & 0x8000 != 0 {
                    usize::from(v & 0x7FFF) * 8
                } else {
                    usize::from(v)
                }
            }
            _ => 0,
        }
        .min(MAX_DATA);
        let phase = match (head >> 5) & 0x03 {
            1 => Phase::None,
            2 => Phase::In,
            3 => Phase::Out,
            _ => match cdb
                .first()
                .and_then(|&op| command_row(op))
                .map(|r| r.direction)
            {
                Some(DataDirection::In) => Phase::In,
                Some(DataDirection::Out) => Phase::Out,
                Some(DataDirection::None) | None => Phase::None,
            },
        };
        let out = if phase == Phase::Out {
            input.take(len)
        } else {
            &[]
        };
        let (c, _) = run(drive, &cdb, phase, len, out);
        if trace() {
            eprintln!(
                "trace {:?} {cdb:02x?} {phase:?} {len} -> {:?} residual {}",
                kind,
                sense_of(&c),
                c.residual
            );
        }
        if check_request_sense && c.status == ScsiStatus::CHECK_CONDITION {
            // REQUEST SENSE reports the sense autosense delivered, byte for byte.
            let (r, bytes) = run(drive, &[0x03, 0, 0, 0, 252, 0], Phase::In, 252, &[]);
            assert_eq!(r.status, ScsiStatus::GOOD, "REQUEST SENSE: {r:?}");
            assert_eq!(bytes, c.sense, "REQUEST SENSE after {cdb:02x?}");
        }
    }

    let _ = drive.sectors_written();
    if setup & 0x20 != 0 {
        // A START STOP UNIT eject may have emptied the tray meanwhile.
        let kind = drive.media();
        let written = drive.sectors_written();
        drive.flush().expect("flush");
        st.drive = None;
        let again = EmulatedDrive::open(st.dir.path())
            .unwrap_or_else(|e| panic!("the saved state does not reopen: {e}"));
        assert_eq!(again.media(), kind, "medium kind after reopening");
        assert_eq!(
            again.sectors_written(),
            written,
            "sectors written after reopening"
        );
        st.drive = Some(again);
    }
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    None,
    In,
    Out,
}

/// The key/ASC/ASCQ of a CHECK CONDITION, `None` for GOOD.
fn sense_of(c: &Completion) -> Option<Sense> {
    (c.status == ScsiStatus::CHECK_CONDITION).then(|| {
        SenseData::new_checked(&c.sense[..])
            .expect("checked")
            .sense()
    })
}

/// The allocation length a data-in CDB announces (what the emulator may return at most).
fn announced_len(cdb: &[u8]) -> Option<usize> {
    fn len<C: Command>(cdb: &[u8]) -> Option<usize> {
        C::from_cdb(cdb.get(..C::CDB_LEN)?).ok()?.transfer_len()
    }
    match *cdb.first()? {
        RequestSense::OPCODE => len::<RequestSense>(cdb),
        Inquiry::OPCODE => len::<Inquiry>(cdb),
        ReadCapacity::OPCODE => len::<ReadCapacity>(cdb),
        Read10::OPCODE => len::<Read10>(cdb),
        ReadTocPmaAtip::OPCODE => len::<ReadTocPmaAtip>(cdb),
        GetConfiguration::OPCODE => len::<GetConfiguration>(cdb),
        ReadDiscInformation::OPCODE => len::<ReadDiscInformation>(cdb),
        ReadTrackInformation::OPCODE => len::<ReadTrackInformation>(cdb),
        ModeSense10::OPCODE => len::<ModeSense10>(cdb),
        _ => None,
    }
}

/// Executes one command and checks the invariants of the module doc; returns the completion
/// and the data-in bytes moved.
fn run(
    drive: &mut EmulatedDrive,
    cdb: &[u8],
    phase: Phase,
    len: usize,
    out: &[u8],
) -> (Completion, Vec<u8>) {
    let mut buf = vec![0u8; len];
    if phase == Phase::Out {
        buf[..out.len()].copy_from_slice(out);
    }
    let data = match phase {
        Phase::None => DataPhase::None,
        Phase::In => DataPhase::In(&mut buf),
        Phase::Out => DataPhase::Out(&buf),
    };
    let offered = data.len();
    let c = match drive.execute(cdb, data, TIMEOUT) {
        Ok(c) => c,
        Err(e) => panic!("execute({cdb:02x?}, {phase:?} {len}) failed: {e}"),
    };
    assert!(
        c.residual <= offered,
        "residual {} > offered {offered} for {cdb:02x?}: {c:?}",
        c.residual
    );
    match c.status {
        ScsiStatus::GOOD => {
            assert!(c.sense.is_empty(), "GOOD with sense for {cdb:02x?}: {c:?}");
            if phase == Phase::In {
                if let Some(alloc) = announced_len(cdb) {
                    let moved = offered - c.residual;
                    assert!(
                        moved <= alloc,
                        "{moved} bytes in for allocation length {alloc}: {cdb:02x?}"
                    );
                    let complete = moved < alloc.min(offered);
                    check_length_field(cdb, &buf[..moved], complete);
                }
            }
        }
        ScsiStatus::CHECK_CONDITION => {
            check_sense(cdb, &c);
            assert_eq!(
                c.residual, offered,
                "CHECK CONDITION moved data: {cdb:02x?} {c:?}"
            );
        }
        other => panic!("status {} for {cdb:02x?}: {c:?}", other.name()),
    }
    if phase == Phase::In {
        buf.truncate(offered - c.residual);
    } else {
        buf.clear();
    }
    (c, buf)
}

/// The length field of a data-in response against the bytes moved: a response that was not
/// cut by the allocation length or the buffer (`complete`) is exactly as long as its length
/// field says; a cut one is not longer (SPC-4 §4.2.5.6: the length fields are not adjusted
/// for the allocation length).
fn check_length_field(cdb: &[u8], data: &[u8], complete: bool) {
    // (bytes of the length field, its offset, bytes that precede or make up the counted part)
    let (at, width, extra) = match cdb[0] {
        // GET CONFIGURATION: data length B0-3 counts the bytes after byte 3.
        0x46 => (0, 4, 4),
        // MODE SENSE(10), READ TOC/PMA/ATIP, READ DISC / TRACK INFORMATION: B0-1 + 2.
        0x5A | 0x43 | 0x51 | 0x52 => (0, 2, 2),
        // INQUIRY: additional length B4 + 5.
        0x12 => (4, 1, 5),
        // REQUEST SENSE: additional sense length B7 + 8.
        0x03 => (7, 1, 8),
        // READ CAPACITY: always 8 bytes.
        0x25 => (0, 0, 8),
        _ => return,
    };
    let Some(field) = data.get(at..at + width) else {
        assert!(
            !complete,
            "{}-byte response too short for its length field: {cdb:02x?}",
            data.len()
        );
        return;
    };
    let total = field.iter().fold(0usize, |n, &b| n << 8 | usize::from(b)) + extra;
    if complete {
        assert_eq!(
            total,
            data.len(),
            "length field vs. response of {cdb:02x?}: {data:02x?}"
        );
    } else {
        assert!(
            total >= data.len(),
            "length field {total} < {} bytes moved for {cdb:02x?}",
            data.len()
        );
    }
}

/// CHECK CONDITION sense: ≥ 14 bytes of fixed-format current sense with a real key; a CDB
/// field pointer points into the CDB.
fn check_sense(cdb: &[u8], c: &Completion) {
    assert!(c.sense.len() >= 14, "short sense for {cdb:02x?}: {c:?}");
    let s = SenseData::new_checked(&c.sense[..])
        .unwrap_or_else(|e| panic!("invalid sense for {cdb:02x?}: {e}: {c:?}"));
    assert_eq!(
        s.response_code(),
        0x70,
        "fixed current sense expected: {c:?}"
    );
    assert!(
        8 + usize::from(s.additional_sense_length()) <= c.sense.len(),
        "additional sense length beyond the sense bytes: {c:?}"
    );
    let sense = s.sense();
    assert_ne!(
        sense.key,
        SenseKey::NoSense,
        "CHECK CONDITION with NO SENSE for {cdb:02x?}"
    );
    if let Some(SenseKeySpecific::FieldPointer {
        in_cdb: true,
        byte,
        bit,
    }) = s.sense_key_specific()
    {
        let cdb_len = cdb
            .first()
            .and_then(|&op| command_row(op))
            .map_or(cdb.len(), |r| r.cdb_len.min(cdb.len()));
        assert!(
            usize::from(byte) < cdb_len,
            "field pointer byte {byte} beyond the {cdb_len}-byte CDB {cdb:02x?} ({sense})"
        );
        assert!(bit.is_none_or(|b| b < 8));
    }
}
