use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_transport::{DataPhase, Transport};
use std::time::{Duration, Instant};

#[test]
fn burn_1gib() {
    let dir = tempfile::tempdir_in("/work").unwrap();
    let mut d = EmulatedDrive::open(dir.path()).unwrap();
    d.load_blank(MediaKind::DvdPlusR).unwrap();
    d.execute(&[0; 6], DataPhase::None, Duration::ZERO).unwrap();
    let data = vec![0x11u8; 32 * 2048];
    let t = Instant::now();
    let blocks: u32 = 512 * 1024;
    let mut lba = 0u32;
    while lba < blocks {
        let l = lba.to_be_bytes();
        let c = d.execute(&[0x2A, 0, l[0], l[1], l[2], l[3], 0, 0, 32, 0], DataPhase::Out(&data), Duration::ZERO).unwrap();
        assert!(c.is_good());
        lba += 32;
    }
    eprintln!("1 GiB written in {:?}", t.elapsed());
    let mut buf = vec![0u8; 32 * 2048];
    let t = Instant::now();
    let mut lba = 0u32;
    while lba < blocks {
        let l = lba.to_be_bytes();
        let c = d.execute(&[0x28, 0, l[0], l[1], l[2], l[3], 0, 0, 32, 0], DataPhase::In(&mut buf), Duration::ZERO).unwrap();
        assert!(c.is_good());
        lba += 32;
    }
    eprintln!("1 GiB read in {:?}", t.elapsed());
}
