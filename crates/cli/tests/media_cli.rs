//! End-to-end checks of the media commands of the `discmaster` binary on emulated drives:
//! `blank`, `format`, `speeds`, `audio` (with `export` and `bchunk`), and `burn --speed`,
//! `--simulate`, `--ranges`, `--force-overwrite`, with Debian's ipxe ISO and the ALSA test
//! sounds. Missing tools or files print `SKIPPED: <what>`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ISO: &str = "/usr/lib/ipxe/ipxe.iso";

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

fn ndjson(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn last(stdout: &str) -> Value {
    ndjson(stdout).pop().expect("some output")
}

/// The JSON error of a failed command, with its exit status.
fn error(out: &Output) -> (i32, Value) {
    assert!(!out.status.success(), "expected a failure");
    let v = last(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(v["event"], "error", "{v}");
    (out.status.code().unwrap_or(-1), v)
}

fn has(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// A fresh emulated drive with `media` loaded; long operations take 3 polls (1.5 s).
fn drive(media: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&discmaster(dir.path(), &["emu", "load", "--media", media]));
    discmaster::emu::EmulatedDrive::open(dir.path())
        .unwrap()
        .set_long_operation_polls(3)
        .unwrap();
    dir
}

/// Percentages of the progress events: from 0 to 100, never decreasing, with elapsed and
/// estimated seconds.
fn check_progress(events: &[Value]) {
    let p: Vec<i64> = events
        .iter()
        .filter(|e| e["event"] == "progress")
        .map(|e| {
            assert!(e["elapsed_seconds"].is_i64() && e["estimated_total_seconds"].is_i64());
            e["percent"].as_i64().unwrap()
        })
        .collect();
    assert!(p.len() >= 3, "{events:?}");
    assert_eq!((p[0], *p.last().unwrap()), (0, 100), "{p:?}");
    assert!(p.windows(2).all(|w| w[1] >= w[0]), "{p:?}");
}

fn emu_sectors_written(dir: &Path) -> u64 {
    discmaster::emu::EmulatedDrive::open(dir)
        .unwrap()
        .sectors_written()
}

#[test]
fn blank_erases_rewritable_media_and_refuses_write_once() {
    let Ok(_) = std::fs::metadata(ISO) else {
        println!("SKIPPED: {ISO}");
        return;
    };
    for media in ["cd-rw", "dvd-rw", "dvd+rw", "bd-re", "dvd-ram"] {
        let dir = drive(media);
        ok(&discmaster(dir.path(), &["burn", ISO, "--force-overwrite"]));
        for full in [false, true] {
            let mut args = vec!["--json", "blank"];
            if full {
                args.push("--full");
            }
            let out = ok(&discmaster(dir.path(), &args));
            let events = ndjson(&out);
            check_progress(&events);
            let r = events.last().unwrap();
            assert_eq!(
                (&r["event"], &r["ok"], &r["full"]),
                (&"result".into(), &true.into(), &full.into())
            );
        }
        // Erased: a plain burn (without --force-overwrite) is accepted again.
        let r = last(&ok(&discmaster(dir.path(), &["--json", "burn", ISO])));
        assert_eq!(r["verified"], true, "{media}");
    }
    for media in ["cd-r", "dvd+r", "dvd-r", "bd-r", "dvd+r-dl"] {
        let dir = drive(media);
        let (status, e) = error(&discmaster(dir.path(), &["--json", "blank"]));
        assert_eq!(status, 3, "{media}");
        assert_eq!(e["code"], "0xC0AA0909", "{media}");
        assert_eq!(e["name"], "E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED");
    }
}

#[test]
fn format_with_and_without_spare_areas() {
    for (media, args, capacity, spare) in [
        ("bd-re", vec!["--spare"], 11_826_176u64, true),
        ("bd-re", vec!["--no-spare", "--quick"], 12_219_392, false),
        ("bd-r", vec!["--spare", "--quick"], 11_826_176, true),
        ("dvd+rw", vec!["--quick"], 2_295_104, false),
        ("dvd+rw", vec![], 2_295_104, false),
        ("dvd-rw", vec!["--quick"], 2_298_496, false),
        ("dvd-ram", vec![], 2_236_704, true),
    ] {
        let dir = drive(media);
        let out = ok(&discmaster(
            dir.path(),
            &[&["--json", "format"], &args[..]].concat(),
        ));
        let events = ndjson(&out);
        check_progress(&events);
        let r = events.last().unwrap();
        assert_eq!(r["capacity_blocks"], capacity, "{media} {args:?}: {r}");
        assert_eq!(r["spare_areas"], spare, "{media} {args:?}");
        // Text output too (on a fresh disc: a BD-R is formatted once).
        let dir = drive(media);
        let text = ok(&discmaster(dir.path(), &[&["format"], &args[..]].concat()));
        assert!(text.starts_with("formatted the "), "{text}");
    }
    let dir = drive("cd-r");
    let (status, e) = error(&discmaster(dir.path(), &["--json", "format"]));
    assert_eq!((status, e["code"].as_str()), (3, Some("0xC0AA0909")));
    let dir = drive("dvd+rw");
    let (_, e) = error(&discmaster(dir.path(), &["--json", "format", "--spare"]));
    assert_eq!(e["name"], "E_INVALIDARG");
    let out = discmaster(dir.path(), &["format", "--spare", "--no-spare"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses both");
}

#[test]
fn speeds_lists_the_drive_speeds() {
    let dir = drive("dvd+r");
    let v = last(&ok(&discmaster(dir.path(), &["--json", "speeds"])));
    let d = v["descriptors"].as_array().unwrap();
    assert!(!d.is_empty());
    let kbps: Vec<u64> = d.iter().map(|x| x["kbps"].as_u64().unwrap()).collect();
    let emu = discmaster::emu::EmulatedDrive::open(dir.path())
        .unwrap()
        .write_speeds_kbps();
    assert_eq!(kbps, emu.iter().map(|&k| u64::from(k)).collect::<Vec<_>>());
    assert_eq!(d[0]["x"], "16x");
    assert_eq!(v["current"]["kbps"], kbps[0]);
    let text = ok(&discmaster(dir.path(), &["speeds"]));
    assert!(text.contains("Write speeds for DVD+R"), "{text}");
    assert!(text.contains("Current:"), "{text}");
}

#[test]
fn burn_speed_reports_the_speed_the_drive_settled_on() {
    let Ok(_) = std::fs::metadata(ISO) else {
        println!("SKIPPED: {ISO}");
        return;
    };
    // (medium, --speed, x the drive uses, status)
    for (media, speed, x, status) in [
        ("dvd+r", "4x", "4x", "S_OK"),
        ("dvd+r", "5x", "4x", "S_IMAPI_SPEEDADJUSTED"),
        ("cd-r", "16x", "16x", "S_OK"),
        ("cd-r", "2822kB/s", "16x", "S_OK"),
        ("bd-re", "max", "4x", "S_OK"),
        ("dvd-ram", "3000", "5x", "S_IMAPI_SPEEDADJUSTED"),
    ] {
        let dir = drive(media);
        let r = last(&ok(&discmaster(
            dir.path(),
            &["--json", "burn", ISO, "--speed", speed],
        )));
        assert_eq!(r["write_speed_x"], x, "{media} {speed}: {r}");
        assert_eq!(r["speed"]["status"], status, "{media} {speed}");
        let settled = discmaster::emu::EmulatedDrive::open(dir.path())
            .unwrap()
            .selected_write_speed_kbps();
        assert_eq!(r["write_speed_kbps"].as_u64().map(|k| k as u32), settled);
    }
    let dir = drive("cd-r");
    let text = ok(&discmaster(dir.path(), &["burn", ISO, "--speed", "10x"]));
    assert!(
        text.contains("write speed: 8x (600 sectors/s, 1411 kB/s); requested 750 sectors/s (S_IMAPI_SPEEDADJUSTED)"),
        "{text}"
    );
    let (status, e) = error(&discmaster(
        dir.path(),
        &["--json", "burn", ISO, "--speed", "fast"],
    ));
    assert_eq!((status, e["name"].as_str()), (3, Some("E_INVALIDARG")));
}

#[test]
fn burn_simulate_leaves_the_disc_blank_and_says_so() {
    let Ok(_) = std::fs::metadata(ISO) else {
        println!("SKIPPED: {ISO}");
        return;
    };
    for media in ["cd-r", "cd-rw", "dvd-r", "dvd-rw"] {
        let dir = drive(media);
        let r = last(&ok(&discmaster(
            dir.path(),
            &["--json", "burn", ISO, "--simulate"],
        )));
        assert_eq!(r["simulated"], true, "{media}");
        assert_eq!(r["verified"], false);
        let info: Value =
            serde_json::from_str(ok(&discmaster(dir.path(), &["info", "--json"])).trim()).unwrap();
        assert_eq!(info["medium"]["status"], "blank", "{media}: {info}");
        assert_eq!(emu_sectors_written(dir.path()), 0);
        let text = ok(&discmaster(dir.path(), &["burn", ISO, "--simulate"]));
        assert!(text.contains("nothing was recorded"), "{text}");
    }
    let dir = drive("dvd+r");
    let (status, e) = error(&discmaster(
        dir.path(),
        &["--json", "burn", ISO, "--simulate"],
    ));
    assert_eq!((status, e["code"].as_str()), (3, Some("0xC0AA0406")));
}

#[test]
fn burn_ranges_rewrites_only_the_listed_sectors() {
    let Ok(base) = std::fs::read(ISO) else {
        println!("SKIPPED: {ISO}");
        return;
    };
    for media in ["dvd+rw", "bd-re"] {
        let dir = drive(media);
        let work = tempfile::tempdir().unwrap();
        ok(&discmaster(dir.path(), &["burn", ISO]));
        // Not blank any more: a whole burn needs --force-overwrite.
        let (status, e) = error(&discmaster(dir.path(), &["--json", "burn", ISO]));
        assert_eq!((status, e["code"].as_str()), (3, Some("0xC0AA0405")));
        let before = emu_sectors_written(dir.path());

        let mut next = base.clone();
        for s in (64..96).chain([300usize]) {
            for b in &mut next[s * 2048..(s + 1) * 2048] {
                *b = b.wrapping_add(1);
            }
        }
        let image = work.path().join("next.iso");
        std::fs::write(&image, &next).unwrap();
        let ranges = work.path().join("ranges.txt");
        std::fs::write(&ranges, "# the changed directory area\n64 32\n").unwrap();
        let r = last(&ok(&discmaster(
            dir.path(),
            &[
                "--json",
                "burn",
                image.to_str().unwrap(),
                "--ranges",
                ranges.to_str().unwrap(),
            ],
        )));
        assert_eq!(
            (r["start_lba"].as_i64(), r["sectors_written"].as_u64()),
            (Some(64), Some(32))
        );
        assert_eq!(emu_sectors_written(dir.path()) - before, 32, "{media}");
        // The disc holds the new sectors 64..96 and the old sector 300.
        let img = std::fs::read(dir.path().join("medium.img")).unwrap();
        assert_eq!(&img[64 * 2048..96 * 2048], &next[64 * 2048..96 * 2048]);
        assert_eq!(&img[300 * 2048..301 * 2048], &base[300 * 2048..301 * 2048]);

        // --force-overwrite writes everything.
        ok(&discmaster(
            dir.path(),
            &["burn", image.to_str().unwrap(), "--force-overwrite"],
        ));
        let img = std::fs::read(dir.path().join("medium.img")).unwrap();
        assert_eq!(&img[..next.len()], &next[..]);
    }
    // Sequential media refuse ranges.
    let dir = drive("bd-r");
    let work = tempfile::tempdir().unwrap();
    let ranges = work.path().join("r.txt");
    std::fs::write(&ranges, "0 32\n").unwrap();
    let (_, e) = error(&discmaster(
        dir.path(),
        &["--json", "burn", ISO, "--ranges", ranges.to_str().unwrap()],
    ));
    assert_eq!(e["code"], "0xC0AA0406");
    std::fs::write(&ranges, "0 zero\n").unwrap();
    let (_, e) = error(&discmaster(
        dir.path(),
        &["--json", "burn", ISO, "--ranges", ranges.to_str().unwrap()],
    ));
    assert_eq!(e["name"], "E_INVALIDARG");
}

/// Three ALSA test sounds as CD audio WAVs.
fn wavs(dir: &Path) -> Option<Vec<PathBuf>> {
    for tool in ["sox", "bchunk"] {
        if !has(tool) {
            println!("SKIPPED: {tool}");
            return None;
        }
    }
    let mut out = Vec::new();
    for name in ["Front_Left", "Front_Right", "Noise"] {
        let src = format!("/usr/share/sounds/alsa/{name}.wav");
        if !Path::new(&src).exists() {
            println!("SKIPPED: {src}");
            return None;
        }
        let dst = dir.join(format!("{name}.wav"));
        let st = Command::new("sox")
            .args([src.as_str(), "-r", "44100", "-c", "2", "-b", "16"])
            .arg(&dst)
            .status()
            .unwrap();
        assert!(st.success());
        out.push(dst);
    }
    Some(out)
}

/// The data chunk of a 16-bit WAV file (what sox wrote, what bchunk -w writes).
fn wav_pcm(path: &Path) -> Vec<u8> {
    let b = std::fs::read(path).unwrap();
    let mut at = 12;
    while at + 8 <= b.len() {
        let len = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
        if &b[at..at + 4] == b"data" {
            return b[at + 8..(at + 8 + len).min(b.len())].to_vec();
        }
        at += 8 + len + (len & 1);
    }
    panic!("{}: no data chunk", path.display());
}

#[test]
fn audio_cd_of_three_real_wavs_round_trips_through_export_and_bchunk() {
    let work = tempfile::tempdir().unwrap();
    let Some(files) = wavs(work.path()) else {
        return;
    };
    let dir = drive("cd-r");
    let mut args = vec!["--json", "audio"];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    args.extend(["--isrc", "-", "--isrc", "US-S1Z-26-00007"]);
    let out = discmaster(dir.path(), &args);
    if !out.status.success() {
        let e = last(&String::from_utf8_lossy(&out.stdout));
        if e["code"] == "0xC0AA050E" {
            println!("SKIPPED: emulated audio TAO ({})", e["message"]);
            return;
        }
        panic!("audio failed: {e}");
    }
    let events = ndjson(&String::from_utf8_lossy(&out.stdout));
    let tracks: Vec<&Value> = events.iter().filter(|e| e["event"] == "track").collect();
    assert_eq!(tracks.len(), 3);
    assert_eq!(tracks[1]["isrc"], "USS1Z2600007");
    let r = events.last().unwrap();
    assert_eq!((&r["tracks"], &r["finalized"]), (&3.into(), &true.into()));

    let cue = work.path().join("export.cue");
    ok(&discmaster(
        dir.path(),
        &["export", "-o", cue.to_str().unwrap()],
    ));
    let st = Command::new("bchunk")
        .arg("-w")
        .arg(work.path().join("export.bin"))
        .arg(&cue)
        .arg(work.path().join("split"))
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    for (i, f) in files.iter().enumerate() {
        let split = work.path().join(format!("split{:02}.wav", i + 1));
        let got = wav_pcm(&split);
        let want = wav_pcm(f);
        assert_eq!(&got[..want.len()], &want[..], "track {}", i + 1);
        // The rest is the silence that pads the track to 4 s (300 sectors).
        assert_eq!(got.len(), 300 * 2352, "track {}", i + 1);
        assert!(got[want.len()..].iter().all(|&b| b == 0));
    }
}

#[test]
fn audio_refusals() {
    let work = tempfile::tempdir().unwrap();
    let dir = drive("dvd+r");
    let pcm = work.path().join("a.pcm");
    std::fs::write(&pcm, vec![0u8; 2352 * 300]).unwrap();
    let (status, e) = error(&discmaster(
        dir.path(),
        &["--json", "audio", pcm.to_str().unwrap()],
    ));
    assert_eq!((status, e["code"].as_str()), (3, Some("0xC0AA0507")));
    let (_, e) = error(&discmaster(
        dir.path(),
        &[
            "--json",
            "audio",
            pcm.to_str().unwrap(),
            "--isrc",
            "nonsense",
        ],
    ));
    assert_eq!(e["code"], "0xC0AA050B");
}
