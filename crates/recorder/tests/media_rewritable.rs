//! DataWriter on every writable profile of the emulated recorder, with real ISO images
//! (Debian's ipxe, grub-rescue, memtest86+; `SKIPPED: <image>` when absent): rewritable media
//! written from sector 0 (formatted first when needed), `ForceOverwrite`, block-range writes
//! that record only the listed sectors (the emulator's written-sector count proves it), BD-R
//! with and without spare areas, and the free/total sector figures.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};

use discmaster::emu::{EmulatedDrive, MediaKind};
use discmaster::{
    BlockRange, BlockRangeList, DataWriter, ErrorCode, Formatter, Lba, Multisession, Profile,
    Recorder, SpareAreas, WriteAction,
};
use discmaster_core::VirtualClock;

const REAL_ISOS: &[&str] = &[
    "/usr/lib/ipxe/ipxe.iso",
    "/usr/lib/grub-rescue/grub-rescue-cdrom.iso",
    "/usr/lib/memtest86+/memtest86+x64.iso",
];

/// A recorder on a fresh emulated drive with `media`, on virtual time (long operations poll
/// without waiting).
fn drive(media: MediaKind) -> (tempfile::TempDir, Recorder) {
    let dir = tempfile::tempdir().unwrap();
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    d.load_blank(media).unwrap();
    let rec = Recorder::with_clock(
        Box::new(d),
        format!("emu:{}", dir.path().display()),
        Arc::new(VirtualClock::new()),
    );
    (dir, rec)
}

/// Reopens the drive in `dir` (after its recorder was dropped) on virtual time.
fn reopen(dir: &Path) -> Recorder {
    Recorder::with_clock(
        Box::new(EmulatedDrive::open(dir).unwrap()),
        format!("emu:{}", dir.display()),
        Arc::new(VirtualClock::new()),
    )
}

/// The emulator's count of blocks the host recorded on the loaded medium.
fn sectors_written(dir: &Path) -> u64 {
    EmulatedDrive::open(dir).unwrap().sectors_written()
}

fn real_iso() -> Option<Vec<u8>> {
    match std::fs::read(REAL_ISOS[0]) {
        Ok(b) => Some(b),
        Err(_) => {
            println!("SKIPPED: {}", REAL_ISOS[0]);
            None
        }
    }
}

fn read_back(rec: &mut Recorder, start: Lba, sectors: usize) -> Vec<u8> {
    let mut out = vec![0u8; sectors * 2048];
    let mut done = 0;
    while done < sectors {
        let n = (sectors - done).min(32);
        rec.read_sectors(
            Lba(start.0 + done as i32),
            n as u16,
            &mut out[done * 2048..(done + n) * 2048],
        )
        .unwrap();
        done += n;
    }
    out
}

fn format(rec: &mut Recorder, spare: SpareAreas) -> discmaster::FormatOutcome {
    let mut f = Formatter::new(rec);
    f.set_spare_areas(spare);
    f.format().unwrap()
}

#[test]
fn real_isos_on_every_profile_read_back_bit_exact() {
    let cases: &[(MediaKind, &str)] = &[
        (MediaKind::CdRw, "plain"),
        (MediaKind::DvdPlusRw, "plain"),
        (MediaKind::DvdMinusRw, "plain"),
        (MediaKind::DvdMinusRw, "restricted overwrite"),
        (MediaKind::DvdRam, "plain"),
        (MediaKind::DvdPlusRDl, "plain"),
        (MediaKind::BdRe, "plain"),
        (MediaKind::BdRe, "no spare"),
        (MediaKind::BdR, "spare"),
        (MediaKind::BdR, "plain"),
        (MediaKind::CdR, "plain"),
        (MediaKind::DvdPlusR, "plain"),
        (MediaKind::DvdMinusR, "plain"),
    ];
    for iso in REAL_ISOS {
        let Ok(image) = std::fs::read(iso) else {
            println!("SKIPPED: {iso}");
            continue;
        };
        for &(media, how) in cases {
            let (_dir, mut rec) = drive(media);
            match how {
                "restricted overwrite" => {
                    format(&mut rec, SpareAreas::Default);
                    assert_eq!(
                        rec.current_profile().unwrap(),
                        Profile::DvdMinusRwRestrictedOverwrite
                    );
                }
                "no spare" => {
                    format(&mut rec, SpareAreas::Without);
                }
                "spare" => {
                    format(&mut rec, SpareAreas::With);
                }
                _ => {}
            }
            let outcome = DataWriter::new(&mut rec)
                .write_file(Path::new(iso))
                .unwrap_or_else(|e| panic!("{iso} on {media} ({how}): {e}"));
            assert!(outcome.verified, "{iso} on {media} ({how})");
            let sectors = image.len() / 2048;
            assert!(outcome.sectors_written as usize >= sectors);
            let back = read_back(&mut rec, outcome.start_lba, sectors);
            assert!(back == image, "{iso} on {media} ({how}) differs");
        }
    }
}

#[test]
fn unformatted_dvd_plus_rw_and_bd_re_are_formatted_first() {
    for media in [MediaKind::DvdPlusRw, MediaKind::BdRe] {
        let (_dir, mut rec) = drive(media);
        let events = Arc::new(Mutex::new(Vec::new()));
        let ev = events.clone();
        let mut w = DataWriter::new(&mut rec);
        assert!(w.media_physically_blank().unwrap(), "{media}");
        w.on_progress(move |e| ev.lock().unwrap().push(e.action));
        let image: Vec<u8> = (0..100 * 2048).map(|i| (i % 251) as u8).collect();
        let out = w
            .write(Cursor::new(image.clone()), image.len() as u64)
            .unwrap();
        drop(w);
        assert!(out.formatted, "{media}");
        assert!(out.verified);
        assert_eq!(out.start_lba, Lba(0));
        // Padded to the write unit: 112 on DVD (16), 128 on BD (32).
        let unit = if media == MediaKind::BdRe { 32 } else { 16 };
        assert_eq!(out.sectors_written, 100u32.div_ceil(unit) * unit);
        let mut phases = events.lock().unwrap().clone();
        phases.dedup();
        assert_eq!(
            phases,
            vec![
                WriteAction::ValidatingMedia,
                WriteAction::FormattingMedia,
                WriteAction::InitializingHardware,
                WriteAction::CalibratingPower,
                WriteAction::WritingData,
                WriteAction::Finalization,
                WriteAction::Verifying,
                WriteAction::Completed,
            ],
            "{media}"
        );
        assert_eq!(read_back(&mut rec, Lba(0), 100), image);
        // BD-RE got the default spare areas.
        if media == MediaKind::BdRe {
            assert_eq!(
                DataWriter::new(&mut rec).total_sectors_on_media().unwrap(),
                11_826_176
            );
        }
    }
}

#[test]
fn overwrite_of_non_blank_medium_needs_force_overwrite() {
    for media in [MediaKind::DvdPlusRw, MediaKind::DvdRam, MediaKind::BdRe] {
        let (dir, mut rec) = drive(media);
        let first = vec![0x11u8; 64 * 2048];
        DataWriter::new(&mut rec)
            .write(Cursor::new(first), 64 * 2048)
            .unwrap();
        let mut w = DataWriter::new(&mut rec);
        assert!(!w.media_heuristically_blank().unwrap());
        let e = w
            .write(Cursor::new(vec![0x22u8; 64 * 2048]), 64 * 2048)
            .unwrap_err();
        assert_eq!(
            e.code(),
            ErrorCode::E_IMAPI_DF2DATA_MEDIA_NOT_BLANK,
            "{media}"
        );
        assert_eq!(e.code().0, 0xC0AA_0405);
        drop(w);
        drop(rec);
        let before = sectors_written(dir.path());
        let mut rec = reopen(dir.path());
        assert_eq!(
            read_back(&mut rec, Lba(0), 1),
            vec![0x11u8; 2048],
            "refusal changed nothing"
        );
        let mut w = DataWriter::new(&mut rec);
        w.set_force_overwrite(true);
        assert!(w.force_overwrite());
        w.write(Cursor::new(vec![0x22u8; 64 * 2048]), 64 * 2048)
            .unwrap();
        drop(w);
        assert_eq!(read_back(&mut rec, Lba(63), 1), vec![0x22u8; 2048]);
        drop(rec);
        assert_eq!(sectors_written(dir.path()) - before, 64, "{media}");
    }
}

#[test]
fn block_range_write_changes_only_the_listed_sectors() {
    let Some(base) = real_iso() else { return };
    let sectors = base.len() / 2048;
    for media in [
        MediaKind::DvdPlusRw,
        MediaKind::DvdMinusRw,
        MediaKind::DvdRam,
        MediaKind::BdRe,
    ] {
        let (dir, mut rec) = drive(media);
        if media == MediaKind::DvdMinusRw {
            format(&mut rec, SpareAreas::Default);
        }
        DataWriter::new(&mut rec)
            .write(Cursor::new(base.clone()), base.len() as u64)
            .unwrap();
        drop(rec);
        let before = sectors_written(dir.path());

        // A new "session": sectors changed inside the ranges (aligned to 32, the BD write
        // unit, so nothing is widened) and one outside them, which must stay as it was.
        let mut next = base.clone();
        let mut change = |s: usize| {
            for b in &mut next[s * 2048..(s + 1) * 2048] {
                *b ^= 0x5A;
            }
        };
        for s in (32..64).chain(512..576) {
            change(s);
        }
        change(700);
        let ranges: BlockRangeList = [
            BlockRange::from_start_length(Lba(512), 64).unwrap(),
            BlockRange::new(Lba(32), Lba(63)).unwrap(),
        ]
        .into_iter()
        .collect();
        let mut rec = reopen(dir.path());
        let out = DataWriter::new(&mut rec)
            .write_with_ranges(Cursor::new(next.clone()), next.len() as u64, &ranges)
            .unwrap();
        assert!(out.verified);
        assert_eq!(out.start_lba, Lba(512), "the first range is written first");
        assert_eq!(out.sectors_written, 96);
        let back = read_back(&mut rec, Lba(0), sectors);
        drop(rec);
        assert_eq!(
            sectors_written(dir.path()) - before,
            ranges.total_sectors(),
            "{media}: the drive recorded exactly the ranges"
        );
        for s in 0..sectors {
            let want = if s == 700 { &base } else { &next };
            assert!(
                back[s * 2048..(s + 1) * 2048] == want[s * 2048..(s + 1) * 2048],
                "{media}: sector {s}"
            );
        }
    }
}

#[test]
fn block_range_is_widened_to_the_write_unit_with_stream_data() {
    let (dir, mut rec) = drive(MediaKind::BdRe);
    let image: Vec<u8> = (0..128 * 2048).map(|i| (i / 2048) as u8).collect();
    DataWriter::new(&mut rec)
        .write(Cursor::new(vec![0xEEu8; 128 * 2048]), 128 * 2048)
        .unwrap();
    drop(rec);
    let before = sectors_written(dir.path());
    let mut rec = reopen(dir.path());
    let ranges: BlockRangeList = [BlockRange::new(Lba(40), Lba(40)).unwrap()]
        .into_iter()
        .collect();
    let out = DataWriter::new(&mut rec)
        .write_with_ranges(Cursor::new(image.clone()), image.len() as u64, &ranges)
        .unwrap();
    assert_eq!((out.start_lba, out.sectors_written), (Lba(32), 32));
    let back = read_back(&mut rec, Lba(0), 128);
    assert_eq!(&back[32 * 2048..64 * 2048], &image[32 * 2048..64 * 2048]);
    assert!(back[..32 * 2048].iter().all(|&b| b == 0xEE));
    assert!(back[64 * 2048..].iter().all(|&b| b == 0xEE));
    drop(rec);
    assert_eq!(sectors_written(dir.path()) - before, 32);
}

/// A seekable stream of zeros of any length (no memory).
struct Zeros {
    len: u64,
    pos: u64,
}

impl Read for Zeros {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.len.saturating_sub(self.pos)) as usize;
        buf[..n].fill(0);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Zeros {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        if let SeekFrom::Start(p) = to {
            self.pos = p;
        }
        Ok(self.pos)
    }
}

#[test]
fn block_range_refusals_change_nothing() {
    let (dir, mut rec) = drive(MediaKind::DvdRam);
    let capacity = 2_236_704u64;
    let one = |start: i32, len: u32| -> BlockRangeList {
        [BlockRange::from_start_length(Lba(start), len).unwrap()]
            .into_iter()
            .collect()
    };
    let mut w = DataWriter::new(&mut rec);
    // Beyond the image.
    let e = w
        .write_with_ranges(Cursor::new(vec![0u8; 64 * 2048]), 64 * 2048, &one(60, 8))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::E_INVALIDARG);
    // Beyond the medium.
    let big = (capacity + 64) * 2048;
    let e = w
        .write_with_ranges(Zeros { len: big, pos: 0 }, big, &one(capacity as i32, 16))
        .unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA
    );
    let e = w.write(Zeros { len: big, pos: 0 }, big).unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA
    );
    // Empty list.
    let e = w
        .write_with_ranges(Cursor::new(vec![0u8; 2048]), 2048, &BlockRangeList::new())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::E_INVALIDARG);
    drop(w);
    drop(rec);
    assert_eq!(sectors_written(dir.path()), 0);

    // Sequential media take no block ranges.
    let (_dir, mut rec) = drive(MediaKind::BdR);
    let e = DataWriter::new(&mut rec)
        .write_with_ranges(Cursor::new(vec![0u8; 64 * 2048]), 64 * 2048, &one(0, 16))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED);
}

#[test]
fn bd_r_with_and_without_spare_areas_free_and_total_sectors() {
    // Without spare areas: SRM records unformatted, the whole 25 GB.
    let (_dir, mut rec) = drive(MediaKind::BdR);
    let out = format(&mut rec, SpareAreas::Without);
    assert_eq!(out.format_type, None, "nothing to do");
    let mut w = DataWriter::new(&mut rec);
    assert_eq!(w.free_sectors_on_media().unwrap(), 12_219_392);
    assert_eq!(w.total_sectors_on_media().unwrap(), 12_219_392);

    // With the default spare areas: FORMAT 00h, 11 826 176 left for data.
    let (_dir, mut rec) = drive(MediaKind::BdR);
    let out = format(&mut rec, SpareAreas::With);
    assert!(out.spare_areas);
    assert_eq!(out.capacity_blocks, 11_826_176);
    let mut w = DataWriter::new(&mut rec);
    assert_eq!(w.free_sectors_on_media().unwrap(), 11_826_176);
    assert_eq!(w.total_sectors_on_media().unwrap(), 11_826_176);
    let o = w
        .write(Cursor::new(vec![7u8; 64 * 2048]), 64 * 2048)
        .unwrap();
    assert!(o.verified);
    assert_eq!(w.free_sectors_on_media().unwrap(), 11_826_176 - 64);
    assert_eq!(w.next_writable_address().unwrap(), Lba(64));
    // A recorded BD-R cannot be formatted any more.
    drop(w);
    let mut f = Formatter::new(&mut rec);
    f.set_spare_areas(SpareAreas::With);
    assert_eq!(
        f.format().unwrap_err().code(),
        ErrorCode::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED
    );
}

#[test]
fn bd_re_total_and_free_sectors_with_and_without_spare() {
    for (spare, total) in [
        (SpareAreas::With, 11_826_176),
        (SpareAreas::Without, 12_219_392),
    ] {
        let (_dir, mut rec) = drive(MediaKind::BdRe);
        format(&mut rec, spare);
        let mut w = DataWriter::new(&mut rec);
        assert_eq!(w.total_sectors_on_media().unwrap(), total, "{spare:?}");
        // IMAPI: overwritable media report the whole capacity as free.
        assert_eq!(w.free_sectors_on_media().unwrap(), total);
        assert_eq!(w.next_writable_address().unwrap(), Lba(0));
        let ms = w.multisession_interfaces().unwrap();
        let [Multisession::RandomWrite(r)] = ms.as_slice() else {
            panic!("{ms:?}")
        };
        assert_eq!(r.write_unit_size, 32);
        assert_eq!(r.total_sectors_on_media, total);
        assert_eq!(
            w.current_media_status().unwrap() & discmaster::media_state::OVERWRITE_ONLY,
            discmaster::media_state::OVERWRITE_ONLY
        );
    }
}

#[test]
fn dvd_plus_rw_stops_background_format_after_writing() {
    let (_dir, mut rec) = drive(MediaKind::DvdPlusRw);
    let out = format(&mut rec, SpareAreas::Default);
    // A quick format returns after the foreground part.
    assert!(out.background_format_running);
    DataWriter::new(&mut rec)
        .write(Cursor::new(vec![3u8; 32 * 2048]), 32 * 2048)
        .unwrap();
    // The compatible stop (CLOSE 010b) leaves the background format suspended.
    assert_eq!(rec.disc_information().unwrap().bg_format_status(), 1);
}
