//! End-to-end checks of the `discmaster` binary on emulated drives, against real images that
//! nobody here made (Debian's ipxe, grub-rescue-pc, memtest86+ ISOs and an ISO that
//! `xorriso -as mkisofs` builds from /usr/share/doc) and an independent reader (xorriso).
//! Missing tools or images print `SKIPPED: <what>`; `.ci/run` installs them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sha2::{Digest, Sha256};

const REAL_ISOS: &[&str] = &[
    "/usr/lib/ipxe/ipxe.iso",
    "/usr/lib/grub-rescue/grub-rescue-cdrom.iso",
    "/usr/lib/memtest86+/memtest86+x64.iso",
];
const MEDIA: &[&str] = &["cd-r", "dvd+r", "dvd-r", "bd-r"];

fn discmaster(drive: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_discmaster"))
        .arg("--drive")
        .arg(format!("emu:{}", drive.display()))
        .args(args)
        .output()
        .expect("run discmaster")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Parses NDJSON: every line must be one JSON object.
fn ndjson(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
            assert!(v.is_object(), "not an object: {l}");
            v
        })
        .collect()
}

fn has(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn sha256_file(p: &Path) -> String {
    let mut h = Sha256::new();
    let mut f = std::fs::File::open(p).unwrap();
    std::io::copy(&mut f, &mut h).unwrap();
    format!("{:x}", h.finalize())
}

/// `xorriso -indev IMG -find /`: the set of paths in the image (Rock Ridge names).
fn xorriso_tree(img: &Path) -> BTreeSet<String> {
    let out = Command::new("xorriso")
        .arg("-indev")
        .arg(img)
        .arg("-find")
        .arg("/")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xorriso failed on {}: {}",
        img.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().trim_matches('\'').replace("'\\''", "'"))
        .collect()
}

/// Burns `image` with --json, checks the NDJSON stream, returns the result object.
fn burn_json(drive: &Path, args: &[&str]) -> Value {
    let out = discmaster(drive, &[&["burn", "--json"], args].concat());
    let stdout = ok(&out);
    let events = ndjson(&stdout);
    let mut last_lba = i64::MIN;
    let mut saw_writing = false;
    for e in &events {
        if e["event"] == "progress" {
            let lba = e["lba"].as_i64().expect("lba");
            assert!(
                lba >= last_lba,
                "progress LBA went backwards: {last_lba} -> {lba}"
            );
            last_lba = lba;
            for k in ["sectors_written", "sectors_total", "elapsed_ms"] {
                assert!(e[k].is_u64(), "{k} missing in {e}");
            }
            assert!(e.get("remaining_ms").is_some());
            saw_writing |= e["action"] == "writing_data";
        }
    }
    assert!(saw_writing, "no writing_data progress: {stdout}");
    let result = events.last().unwrap().clone();
    assert_eq!(result["event"], "result", "{stdout}");
    assert_eq!(result["ok"], true);
    result
}

fn info_json(drive: &Path) -> (String, Value) {
    let out = ok(&discmaster(drive, &["info", "--json"]));
    let v: Value = serde_json::from_str(out.trim()).expect("info --json is one object");
    (out, v)
}

#[test]
fn real_isos_on_every_medium_read_back_bit_exact_and_same_tree() {
    let have_xorriso = has("xorriso");
    if !have_xorriso {
        println!("SKIPPED: xorriso (tree comparison)");
    }
    let mut isos: Vec<PathBuf> = Vec::new();
    for iso in REAL_ISOS {
        if Path::new(iso).exists() {
            isos.push(PathBuf::from(iso));
        } else {
            println!("SKIPPED: {iso} (install the Debian package)");
        }
    }
    // An ISO that xorriso builds from real files, for size.
    let scratch = tempfile::tempdir().unwrap();
    if have_xorriso && Path::new("/usr/share/doc").is_dir() {
        let iso = scratch.path().join("doc.iso");
        let st = Command::new("xorriso")
            .args(["-as", "mkisofs", "-quiet", "-r", "-J", "-o"])
            .arg(&iso)
            .arg("/usr/share/doc")
            .status()
            .unwrap();
        assert!(st.success());
        isos.push(iso);
    }
    for iso in &isos {
        let want_sha = sha256_file(iso);
        let want_tree = have_xorriso.then(|| xorriso_tree(iso));
        for media in MEDIA {
            let drive = tempfile::tempdir().unwrap();
            let result = burn_json(drive.path(), &[iso.to_str().unwrap(), "--media", media]);
            assert_eq!(result["verified"], true);
            let size = std::fs::metadata(iso).unwrap().len();
            assert_eq!(result["sectors_written"].as_u64().unwrap(), size / 2048);
            let back = drive.path().join("back.iso");
            ok(&discmaster(
                drive.path(),
                &["read", "--track", "1", "-o", back.to_str().unwrap()],
            ));
            assert_eq!(sha256_file(&back), want_sha, "{} on {media}", iso.display());
            if let Some(t) = &want_tree {
                assert_eq!(&xorriso_tree(&back), t, "{} on {media}", iso.display());
            }
        }
    }
}

fn walk(root: &Path, rel: &str, out: &mut BTreeSet<String>, files: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(root.join(rel.trim_start_matches('/')))
        .unwrap()
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = format!("{rel}/{name}");
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        out.insert(path.clone());
        if meta.is_dir() {
            walk(root, &path, out, files);
        } else if meta.is_file() {
            files.push(path);
        }
    }
}

#[test]
fn directory_burn_lists_every_file_and_extracts_identical() {
    if !has("xorriso") {
        println!("SKIPPED: xorriso");
        return;
    }
    let tree = Path::new("/usr/share/doc");
    if !tree.is_dir() {
        println!("SKIPPED: /usr/share/doc");
        return;
    }
    let drive = tempfile::tempdir().unwrap();
    burn_json(drive.path(), &[tree.to_str().unwrap(), "--media", "bd-r"]);
    let back = drive.path().join("doc.iso");
    ok(&discmaster(
        drive.path(),
        &["read", "--track", "1", "-o", back.to_str().unwrap()],
    ));

    let mut want = BTreeSet::new();
    want.insert("/".to_string());
    let mut files = Vec::new();
    walk(tree, "", &mut want, &mut files);
    let mut got = xorriso_tree(&back);
    // Directories deeper than ISO 9660's 8 levels are relocated; like mkisofs without
    // -hide-rr-moved, hadris-iso leaves an empty /rr_moved visible in the Rock Ridge tree.
    let deep = want.iter().any(|p| p.matches('/').count() > 8);
    if deep && !want.contains("/rr_moved") {
        assert!(got.remove("/rr_moved"), "deep tree without /rr_moved");
        assert!(
            !got.iter().any(|p| p.starts_with("/rr_moved/")),
            "relocated entries visible"
        );
    }
    let missing: Vec<_> = want.difference(&got).take(10).collect();
    let extra: Vec<_> = got.difference(&want).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );

    let out = drive.path().join("extract");
    let st = Command::new("xorriso")
        .args(["-osirrox", "on", "-indev"])
        .arg(&back)
        .args(["-extract", "/"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    for f in &files {
        let a = std::fs::read(tree.join(f.trim_start_matches('/'))).unwrap();
        let b = std::fs::read(out.join(f.trim_start_matches('/')))
            .unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(a == b, "{f} differs after extraction");
    }
    // Symbolic links come back as links with the same target.
    for p in &want {
        let src = tree.join(p.trim_start_matches('/'));
        if std::fs::symlink_metadata(&src)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
        {
            let got = std::fs::read_link(out.join(p.trim_start_matches('/')))
                .unwrap_or_else(|e| panic!("{p}: {e}"));
            assert_eq!(got, std::fs::read_link(&src).unwrap(), "{p}");
        }
    }
}

fn small_image(dir: &Path, name: &str, sectors: usize, seed: u8) -> PathBuf {
    let p = dir.join(name);
    let data: Vec<u8> = (0..sectors * 2048)
        .map(|i| (i as u8).wrapping_mul(seed).wrapping_add((i / 2048) as u8))
        .collect();
    std::fs::write(&p, data).unwrap();
    p
}

#[test]
fn second_burn_appends_session_and_close_then_refuses() {
    let scratch = tempfile::tempdir().unwrap();
    let a = small_image(scratch.path(), "a.img", 500, 3);
    let b = small_image(scratch.path(), "b.img", 300, 5);
    let c = small_image(scratch.path(), "c.img", 40, 7);
    for media in MEDIA {
        let drive = tempfile::tempdir().unwrap();
        burn_json(drive.path(), &[a.to_str().unwrap(), "--media", media]);
        let (_, info1) = info_json(drive.path());
        assert_eq!(info1["medium"]["status"], "appendable", "{media}: {info1}");
        let nwa = info1["medium"]["next_writable_address"]
            .as_i64()
            .expect("nwa");
        let r2 = burn_json(drive.path(), &[b.to_str().unwrap()]);
        assert_eq!(r2["start_lba"].as_i64().unwrap(), nwa, "{media}");
        let (_, info2) = info_json(drive.path());
        let sessions = info2["medium"]["sessions"].as_array().unwrap();
        assert_eq!(sessions.len(), 2, "{media}: {info2}");
        assert_eq!(
            sessions[1]["tracks"][0]["start_lba"].as_i64().unwrap(),
            nwa,
            "{media}"
        );
        assert_eq!(sessions[1]["tracks"][0]["length"].as_u64().unwrap(), 300);
        // Close the disc with a third session.
        let r3 = burn_json(drive.path(), &[c.to_str().unwrap(), "--close"]);
        assert_eq!(r3["closed"], true);
        let (before, info3) = info_json(drive.path());
        assert_eq!(info3["medium"]["status"], "complete", "{media}");
        let out = discmaster(drive.path(), &["burn", "--json", a.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(3), "{media}");
        let ev = ndjson(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(ev.last().unwrap()["code"], "0xC0AA0406", "{media}: {ev:?}");
        assert_eq!(
            ev.last().unwrap()["name"],
            "E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED"
        );
        let (after, _) = info_json(drive.path());
        assert_eq!(before, after, "{media}: info changed by a refused burn");
    }
}

#[test]
fn refused_images_leave_info_byte_identical() {
    let scratch = tempfile::tempdir().unwrap();
    let odd = scratch.path().join("odd.bin");
    std::fs::write(&odd, vec![0x55u8; 2049]).unwrap();
    // Larger than a CD-R (359 849 sectors): a sparse file of 400 000 sectors.
    let big = scratch.path().join("big.iso");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(400_000 * 2048)
        .unwrap();
    let drive = tempfile::tempdir().unwrap();
    ok(&discmaster(
        drive.path(),
        &["emu", "load", "--media", "cd-r"],
    ));
    let first = small_image(scratch.path(), "first.img", 100, 9);
    burn_json(drive.path(), &[first.to_str().unwrap()]);
    for (file, code, name) in [
        (&odd, "0xC0AA0403", "E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED"),
        (
            &big,
            "0xC0AA0404",
            "E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA",
        ),
    ] {
        let (before, _) = info_json(drive.path());
        let out = discmaster(drive.path(), &["burn", "--json", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(3));
        let ev = ndjson(&String::from_utf8_lossy(&out.stdout));
        let last = ev.last().unwrap();
        assert_eq!(last["event"], "error");
        assert_eq!(last["code"], code);
        assert_eq!(last["name"], name);
        let (after, _) = info_json(drive.path());
        assert_eq!(
            before,
            after,
            "info changed by a refused burn of {}",
            file.display()
        );
        // Without --json the name and value are printed too.
        let out = discmaster(drive.path(), &["burn", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(name) && err.contains(code), "{err}");
    }
}

#[test]
fn burn_of_one_gib_keeps_peak_rss_under_64_mib() {
    if !Path::new("/usr/bin/time").exists() {
        println!("SKIPPED: /usr/bin/time (package time)");
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let img = scratch.path().join("1g.img");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&img).unwrap());
        let mut block = vec![0u8; 1 << 20];
        for i in 0..1024u32 {
            for (j, b) in block.iter_mut().enumerate() {
                *b = (j as u32 ^ i.wrapping_mul(2_654_435_761)) as u8;
            }
            f.write_all(&block).unwrap();
        }
    }
    let drive = tempfile::tempdir().unwrap();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_discmaster"))
        .arg("--drive")
        .arg(format!("emu:{}", drive.path().display()))
        .args(["burn", "--json", "--media", "bd-r"])
        .arg(&img)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let rss_kib: u64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .expect("time -v prints the maximum RSS");
    println!("peak RSS burning 1 GiB: {rss_kib} KiB");
    assert!(rss_kib < 64 * 1024, "peak RSS {rss_kib} KiB");
    let events = ndjson(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(events.last().unwrap()["sectors_written"], 524_288);
    assert_eq!(events.last().unwrap()["verified"], true);
}

#[test]
fn emu_load_keeps_replaced_disc_on_shelf() {
    let scratch = tempfile::tempdir().unwrap();
    let img = small_image(scratch.path(), "x.img", 64, 11);
    let drive = tempfile::tempdir().unwrap();
    burn_json(drive.path(), &[img.to_str().unwrap(), "--media", "dvd-r"]);
    let out = ok(&discmaster(
        drive.path(),
        &["--json", "emu", "load", "--media", "bd-r"],
    ));
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    let shelf = PathBuf::from(v["previous_disc"].as_str().expect("replaced disc path"));
    assert!(shelf.exists(), "{}", shelf.display());
    let (_, info) = info_json(drive.path());
    assert_eq!(info["medium"]["profile"], "BD-R");
    assert_eq!(info["medium"]["status"], "blank");
}

#[test]
fn info_without_medium_says_none() {
    let drive = tempfile::tempdir().unwrap();
    let (_, info) = info_json(drive.path());
    assert!(info["medium"].is_null(), "{info}");
    assert_eq!(
        info["drive"]["address"],
        format!("emu:{}", drive.path().display())
    );
    let out = discmaster(drive.path(), &["burn", "--json", "/dev/null"]);
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn cdb_inquiry_prints_data_and_short_cdb_refused() {
    let drive = tempfile::tempdir().unwrap();
    ok(&discmaster(
        drive.path(),
        &["emu", "load", "--media", "bd-r"],
    ));
    let out = ok(&discmaster(
        drive.path(),
        &["cdb", "12", "00", "00", "00", "60", "00", "--data-in", "96"],
    ));
    assert!(out.contains("INQUIRY: GOOD"), "{out}");
    assert!(out.contains("DISCMSTR"), "{out}");
    let v: Value = serde_json::from_str(
        ok(&discmaster(
            drive.path(),
            &["--json", "cdb", "120000006000", "--data-in", "96"],
        ))
        .trim(),
    )
    .unwrap();
    assert_eq!(v["data_length"], 96);
    assert_eq!(v["code"], "0x00000000");
    // 2 bytes: refused with E_INVALIDARG before anything is sent.
    let out = discmaster(drive.path(), &["--json", "cdb", "00", "00"]);
    assert_eq!(out.status.code(), Some(3));
    let ev = ndjson(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(ev[0]["code"], "0x80070057");
    // CHECK CONDITION is a success code with sense.
    let v: Value = serde_json::from_str(
        ok(&discmaster(
            drive.path(),
            &["--json", "cdb", "ff", "00", "00", "00", "00", "00"],
        ))
        .trim(),
    )
    .unwrap();
    assert_eq!(v["code"], "0x00AA0200");
    assert_eq!(
        v["sense"]["sense"],
        "5/20/00 INVALID COMMAND OPERATION CODE"
    );
}

#[test]
fn decode_sense_and_inquiry_from_hex() {
    let drive = tempfile::tempdir().unwrap();
    let out = ok(&discmaster(
        drive.path(),
        &[
            "--json",
            "decode",
            "sense",
            "70 00 02 00 00 00 00 0a 00 00 00 00 3a 00 00 00 00 00",
        ],
    ));
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["sense"], "2/3A/00 MEDIUM NOT PRESENT");
    let out = discmaster(drive.path(), &["decode", "inquiry", "05 80"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "truncated INQUIRY data is refused"
    );
}

#[test]
fn mode_page_get_changeable_and_set_refused_write_type() {
    let drive = tempfile::tempdir().unwrap();
    ok(&discmaster(
        drive.path(),
        &["emu", "load", "--media", "dvd+r"],
    ));
    let v: Value = serde_json::from_str(
        ok(&discmaster(
            drive.path(),
            &[
                "--json",
                "mode-page",
                "get",
                "2a",
                "--control",
                "changeable",
            ],
        ))
        .trim(),
    )
    .unwrap();
    assert_eq!(v["page_code"], "2Ah");
    let page05 = ok(&discmaster(drive.path(), &["mode-page", "get", "05"]));
    let first_line = page05.lines().next().unwrap().to_string();
    let mut bytes: Vec<String> = first_line.split_whitespace().map(str::to_string).collect();
    assert_eq!(bytes[0], "05");
    // Write type 3 (RAW) is not something a DVD+R recorder accepts.
    let b2 = u8::from_str_radix(&bytes[2], 16).unwrap();
    bytes[2] = format!("{:02x}", (b2 & 0xF0) | 0x03);
    let mut args = vec!["--json", "mode-page", "set"];
    args.extend(bytes.iter().map(String::as_str));
    let out = discmaster(drive.path(), &args);
    let ev = ndjson(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(ev.last().unwrap()["code"], "0xC0AA0208", "{ev:?}");
    let after = ok(&discmaster(drive.path(), &["mode-page", "get", "05"]));
    assert_eq!(
        after.lines().next().unwrap(),
        first_line,
        "page changed by a refused MODE SELECT"
    );
}

#[test]
fn second_process_on_a_held_drive_gets_recorder_locked() {
    let drive = tempfile::tempdir().unwrap();
    ok(&discmaster(
        drive.path(),
        &["emu", "load", "--media", "bd-r"],
    ));
    // This process holds the drive; another process must be refused with 0xC0AA0210.
    let held = discmaster::emu::EmulatedDrive::open(drive.path()).unwrap();
    let out = discmaster(drive.path(), &["--json", "info"]);
    assert_eq!(out.status.code(), Some(4));
    let ev = ndjson(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(ev[0]["code"], "0xC0AA0210", "{ev:?}");
    assert_eq!(ev[0]["name"], "E_IMAPI_RECORDER_LOCKED");
    drop(held);
    ok(&discmaster(drive.path(), &["info"]));
}
