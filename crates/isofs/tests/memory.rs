//! Peak memory does not grow with the size of the files: contents are streamed.
//!
//! Alone in its test binary so that no other test shares the process's peak RSS.

#[cfg(target_os = "linux")]
#[test]
fn image_of_large_files_keeps_peak_memory_small() {
    use std::fs;

    use discmaster_isofs::{build_image, IsoOptions};

    /// Peak resident set size of this process, in KiB (`VmHWM` of /proc/self/status).
    fn peak_rss_kib() -> u64 {
        let status = fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM line")
    }

    const FILE_BYTES: u64 = 256 * 1024 * 1024;
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("src");
    fs::create_dir(&source).expect("mkdir");
    for name in ["one.bin", "two.bin"] {
        // Sparse: costs no disk, reads as zeros; an in-memory writer would need 512 MiB.
        let file = fs::File::create(source.join(name)).expect("create");
        file.set_len(FILE_BYTES).expect("set_len");
    }
    fs::write(source.join("tail.txt"), b"after the big files\n").expect("write");

    let before = peak_rss_kib();
    let size =
        build_image(&source, &dir.path().join("out.iso"), &IsoOptions::default()).expect("build");
    let grown_kib = peak_rss_kib().saturating_sub(before);
    println!("image {size} bytes, peak RSS grew by {grown_kib} KiB");
    assert!(size > 2 * FILE_BYTES);
    assert!(
        grown_kib < 32 * 1024,
        "peak RSS grew by {grown_kib} KiB while writing {size} bytes"
    );
}
