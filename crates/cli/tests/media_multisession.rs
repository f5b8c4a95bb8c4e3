//! Logical sessions on rewritable media (DVD+RW, BD-RE), checked by xorriso: the new session is
//! written through a block-range list after the first one, the volume descriptors at sector 16
//! are rewritten to point at it, and xorriso reads both sessions' files. (Write-once media:
//! `multisession.rs`.)

use std::path::Path;
use std::process::{Command, Output};

fn discmaster(drive: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_discmaster"))
        .arg("--drive")
        .arg(format!("emu:{}", drive.display()))
        .args(args)
        .output()
        .expect("run discmaster")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{:?}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn xorriso(args: &[&str]) -> String {
    let out = Command::new("xorriso")
        .args(args)
        .output()
        .expect("xorriso");
    assert!(
        out.status.success(),
        "xorriso {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The volume descriptor set of an ISO image: sectors 16 up to and including the set
/// terminator (type 255).
fn vds_sectors(image: &[u8]) -> usize {
    (16..image.len() / 2048)
        .position(|s| image[s * 2048] == 255)
        .map(|k| k + 1)
        .expect("a volume descriptor set terminator")
}

/// Rewritable media keep one physical session; a new logical session goes after the data and
/// the volume descriptors at sector 16 are rewritten to point at it (IMAPI
/// IMultisessionRandomWrite, growisofs -M). The stream is the whole logical content from
/// sector 0; only the block ranges (the new session and the descriptors) are written.
#[test]
fn rewritable_logical_session_via_block_ranges_reads_both_in_xorriso() {
    if Command::new("xorriso").arg("-version").output().is_err() {
        println!("SKIPPED: xorriso");
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let a = scratch.path().join("a");
    let b = scratch.path().join("b");
    std::fs::create_dir_all(a.join("docs")).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(a.join("docs/first.txt"), b"first session\n".repeat(1000)).unwrap();
    std::fs::write(b.join("second.txt"), b"second session\n".repeat(3000)).unwrap();
    for (media, unit) in [("dvd+rw", 16usize), ("bd-re", 32)] {
        let drive = tempfile::tempdir().unwrap();
        ok(discmaster(drive.path(), &["emu", "load", "--media", media]));
        discmaster::emu::EmulatedDrive::open(drive.path())
            .unwrap()
            .set_long_operation_polls(2)
            .unwrap();
        let s1 = scratch.path().join(format!("{media}-s1.iso"));
        xorriso(&[
            "-as",
            "mkisofs",
            "-quiet",
            "-r",
            "-J",
            "-o",
            s1.to_str().unwrap(),
            a.to_str().unwrap(),
        ]);
        ok(discmaster(drive.path(), &["burn", s1.to_str().unwrap()]));
        let s1_bytes = std::fs::read(&s1).unwrap();
        let nwa = (s1_bytes.len() / 2048).div_ceil(unit) * unit;

        // The new session, laid out for LBA nwa and importing the disc as it is.
        let disc1 = scratch.path().join(format!("{media}-disc1.img"));
        std::fs::copy(drive.path().join("medium.img"), &disc1).unwrap();
        let s2 = scratch.path().join(format!("{media}-s2.iso"));
        let msinfo = format!("0,{nwa}");
        xorriso(&[
            "-as",
            "mkisofs",
            "-quiet",
            "-r",
            "-J",
            "-C",
            &msinfo,
            "-M",
            disc1.to_str().unwrap(),
            "-o",
            s2.to_str().unwrap(),
            b.to_str().unwrap(),
        ]);
        let s2_bytes = std::fs::read(&s2).unwrap();
        let s2_sectors = s2_bytes.len() / 2048;
        let vds = vds_sectors(&s2_bytes);

        // The logical content from sector 0: session 1, the new descriptors at 16, session 2.
        // xorriso gives the new session's volume space size relative to its start; as
        // growisofs does for overwritable media, the copies at 16 get the size of the whole
        // disc (ECMA-119 8.4.8: both-endian at bytes 80–87 of the PVD and the Joliet SVD).
        let mut stream = s1_bytes.clone();
        stream.resize(nwa * 2048, 0);
        stream.extend_from_slice(&s2_bytes);
        let total = (nwa + s2_sectors) as u32;
        for k in 0..vds {
            let mut d = s2_bytes[(16 + k) * 2048..(17 + k) * 2048].to_vec();
            if matches!(d[0], 1 | 2) {
                d[80..84].copy_from_slice(&total.to_le_bytes());
                d[84..88].copy_from_slice(&total.to_be_bytes());
            }
            stream[(16 + k) * 2048..(17 + k) * 2048].copy_from_slice(&d);
        }
        let image = scratch.path().join(format!("{media}-stream.iso"));
        std::fs::write(&image, &stream).unwrap();
        let ranges = scratch.path().join(format!("{media}-ranges.txt"));
        std::fs::write(&ranges, format!("{nwa} {s2_sectors}\n16 {vds}\n")).unwrap();
        let before = discmaster::emu::EmulatedDrive::open(drive.path())
            .unwrap()
            .sectors_written();
        let out = ok(discmaster(
            drive.path(),
            &[
                "--json",
                "burn",
                image.to_str().unwrap(),
                "--ranges",
                ranges.to_str().unwrap(),
            ],
        ));
        let result: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        assert_eq!(result["start_lba"].as_u64(), Some(nwa as u64), "{media}");
        let after = discmaster::emu::EmulatedDrive::open(drive.path())
            .unwrap()
            .sectors_written();
        // Only the new session (padded to the unit) and one unit of descriptors were written.
        assert_eq!(
            (after - before) as usize,
            s2_sectors.div_ceil(unit) * unit + unit,
            "{media}"
        );

        let disc2 = scratch.path().join(format!("{media}-disc2.img"));
        std::fs::copy(drive.path().join("medium.img"), &disc2).unwrap();
        let listing = xorriso(&["-indev", disc2.to_str().unwrap(), "-find", "/"]);
        assert!(listing.contains("/docs/first.txt"), "{media}: {listing}");
        assert!(listing.contains("/second.txt"), "{media}: {listing}");
        let extract = scratch.path().join(format!("{media}-x"));
        xorriso(&[
            "-osirrox",
            "on",
            "-indev",
            disc2.to_str().unwrap(),
            "-extract",
            "/",
            extract.to_str().unwrap(),
        ]);
        assert_eq!(
            std::fs::read(extract.join("docs/first.txt")).unwrap(),
            std::fs::read(a.join("docs/first.txt")).unwrap()
        );
        assert_eq!(
            std::fs::read(extract.join("second.txt")).unwrap(),
            std::fs::read(b.join("second.txt")).unwrap()
        );
    }
}
