//! Multisession on write-once and sequential media (CD-R/RW, DVD±R, DVD+R DL, DVD-R/RW, BD-R with
//! and without spare), checked by xorriso (an independent ISO 9660 builder and
//! reader): the `msinfo` pair builds the next session with `xorriso -as mkisofs -C START,NWA
//! -M DISC`, the session is burned at the NWA, and the read-back disc shows both sessions' files.

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

#[test]
fn msinfo_then_xorriso_dash_c_second_session_reads_both() {
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
    // Every write-once / sequential profile; `bd-r:spare` is a BD-R formatted with spare areas.
    for spec in [
        "cd-r",
        "cd-rw",
        "dvd+r",
        "dvd+r-dl",
        "dvd-r",
        "dvd-rw",
        "bd-r",
        "bd-r:spare",
    ] {
        let drive = tempfile::tempdir().unwrap();
        let (media, spare) = match spec.split_once(':') {
            Some((m, _)) => (m, true),
            None => (spec, false),
        };
        ok(discmaster(drive.path(), &["emu", "load", "--media", media]));
        if spare {
            ok(discmaster(drive.path(), &["format", "--spare", "--quick"]));
        }
        let media = spec;
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

        let msinfo = ok(discmaster(drive.path(), &["msinfo"])).trim().to_string();
        let (start, nwa) = msinfo.split_once(',').expect("START,NWA");
        assert_eq!(start, "0", "{media}: first session starts at 0");
        let nwa: i64 = nwa.parse().unwrap();
        assert!(nwa > 0, "{media}");

        let disc1 = scratch.path().join(format!("{media}-disc1.img"));
        ok(discmaster(
            drive.path(),
            &["read", "--disc", "-o", disc1.to_str().unwrap()],
        ));
        let s2 = scratch.path().join(format!("{media}-s2.iso"));
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
        let out = ok(discmaster(
            drive.path(),
            &["--json", "burn", s2.to_str().unwrap()],
        ));
        let result: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        assert_eq!(
            result["start_lba"].as_i64().unwrap(),
            nwa,
            "{media}: second session at the NWA"
        );

        let disc2 = scratch.path().join(format!("{media}-disc2.img"));
        ok(discmaster(
            drive.path(),
            &["read", "--disc", "-o", disc2.to_str().unwrap()],
        ));
        let listing = xorriso(&[
            "-indev",
            disc2.to_str().unwrap(),
            "-load",
            "sbsector",
            &nwa.to_string(),
            "-find",
            "/",
        ]);
        assert!(listing.contains("/docs/first.txt"), "{media}: {listing}");
        assert!(listing.contains("/second.txt"), "{media}: {listing}");
        let extract = scratch.path().join(format!("{media}-x"));
        xorriso(&[
            "-osirrox",
            "on",
            "-indev",
            disc2.to_str().unwrap(),
            "-load",
            "sbsector",
            &nwa.to_string(),
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
