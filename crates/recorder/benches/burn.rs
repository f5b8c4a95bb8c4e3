//! Burn throughput to a file-backed emulated BD-R, next to `cp` of the same file.
//!
//! `cargo bench -p discmaster --bench burn` prints both with divan's byte throughput
//! (`DISCMASTER_BENCH_MIB`, default 256 MiB). Verification is off so the figure is the write
//! path alone; `burn_verified` includes the read-back.

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use discmaster::emu::{EmulatedDrive, MediaKind};
use discmaster::{DataWriter, Recorder};
use divan::counter::BytesCount;
use divan::Bencher;

fn main() {
    divan::main();
}

fn image_mib() -> u64 {
    std::env::var("DISCMASTER_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// One image file shared by all benches (kept in a temp dir for the process).
fn image() -> &'static (tempfile::TempDir, PathBuf) {
    static IMG: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    IMG.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("image.iso");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut block = vec![0u8; 1 << 20];
        for i in 0..image_mib() {
            for (j, b) in block.iter_mut().enumerate() {
                *b = (j as u64 ^ i.wrapping_mul(0x9E37_79B9)) as u8;
            }
            f.write_all(&block).unwrap();
        }
        f.flush().unwrap();
        (dir, path)
    })
}

fn burn(bencher: Bencher, verify: bool) {
    let (_, path) = image();
    let bytes = image_mib() << 20;
    bencher
        .counter(BytesCount::new(bytes))
        .with_inputs(|| {
            let dir = tempfile::tempdir().unwrap();
            EmulatedDrive::open(dir.path())
                .unwrap()
                .load_blank(MediaKind::BdR)
                .unwrap();
            dir
        })
        .bench_local_values(|dir| {
            let mut rec = Recorder::open(&format!("emu:{}", dir.path().display())).unwrap();
            let mut w = DataWriter::new(&mut rec);
            w.set_verify(verify);
            w.write_file(path).unwrap();
            drop(w);
            drop(rec);
            dir
        });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn burn_bd_r(bencher: Bencher) {
    burn(bencher, false);
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn burn_bd_r_verified(bencher: Bencher) {
    burn(bencher, true);
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn cp_same_file(bencher: Bencher) {
    let (_, path) = image();
    bencher
        .counter(BytesCount::new(image_mib() << 20))
        .with_inputs(|| tempfile::tempdir().unwrap())
        .bench_local_values(|dir| {
            let st = std::process::Command::new("cp")
                .arg(path)
                .arg(dir.path().join("copy"))
                .status()
                .unwrap();
            assert!(st.success());
            dir
        });
}
