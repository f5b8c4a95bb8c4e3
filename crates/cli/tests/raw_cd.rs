//! End-to-end raw CD checks of the `discmaster` binary (issue 4 "Done when"), against tools
//! nobody here wrote: real WAVs from alsa-utils converted by `sox` to CD format (one track as
//! FLAC), Debian's ipxe ISO, and `bchunk`, which splits the exported cue/bin back into tracks.
//! A missing tool or file prints `SKIPPED: <what>`; `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ALSA: &str = "/usr/share/sounds/alsa";
const IPXE: &str = "/usr/lib/ipxe/ipxe.iso";

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

fn event<'a>(lines: &'a [Value], name: &str) -> &'a Value {
    lines
        .iter()
        .rev()
        .find(|v| v["event"] == name)
        .unwrap_or_else(|| panic!("no {name} event in {lines:?}"))
}

fn has(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run tool");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The tools and files these tests need, or the name of the first missing one.
fn missing() -> Option<&'static str> {
    for tool in ["sox", "bchunk"] {
        if !has(tool) {
            return Some(tool);
        }
    }
    if !Path::new(ALSA).join("Front_Left.wav").exists() {
        return Some("alsa-utils");
    }
    None
}

/// `sox IN… -r 44100 -c 2 -b 16 OUT`: the alsa-utils test sounds (about 1.4 s each, 48 kHz
/// mono) concatenated and converted to CD audio.
fn sox(dir: &Path, inputs: &[&str], out: &str) -> PathBuf {
    let path = dir.join(out);
    let mut cmd = Command::new("sox");
    for i in inputs {
        cmd.arg(Path::new(ALSA).join(i));
    }
    cmd.args(["-r", "44100", "-c", "2", "-b", "16"]).arg(&path);
    run(&mut cmd);
    path
}

/// The PCM bytes of a WAV file (the `data` chunk).
fn wav_pcm(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        if id == b"data" {
            return bytes[at + 8..(at + 8 + len).min(bytes.len())].to_vec();
        }
        at += 8 + len + (len & 1);
    }
    panic!("{}: no data chunk", path.display());
}

/// The PCM a CD track holds for `source`: whole 2352-byte sectors, the last padded with
/// silence.
fn padded(mut pcm: Vec<u8>) -> Vec<u8> {
    let len = pcm.len().div_ceil(2352) * 2352;
    pcm.resize(len, 0);
    pcm
}

struct AudioSet {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    cue: PathBuf,
    /// PCM of tracks 1–3 as sox produced them (track 3 decoded from its FLAC by sox).
    pcm: Vec<Vec<u8>>,
}

/// Three audio tracks from real WAVs: track 1 WAV, track 2 WAV with a 1-second INDEX 00
/// pregap in its file and an ISRC, track 3 FLAC; CATALOG and CD-Text for disc and tracks.
fn audio_set() -> AudioSet {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let t1 = sox(
        &dir,
        &["Front_Left.wav", "Front_Center.wav", "Front_Right.wav"],
        "t1.wav",
    );
    let t2 = sox(
        &dir,
        &[
            "Rear_Left.wav",
            "Rear_Center.wav",
            "Rear_Right.wav",
            "Noise.wav",
        ],
        "t2.wav",
    );
    let t3 = sox(
        &dir,
        &["Side_Left.wav", "Side_Right.wav", "Noise.wav"],
        "t3.flac",
    );
    let t3_ref = dir.join("t3-reference.wav");
    run(Command::new("sox").arg(&t3).arg(&t3_ref));
    let cue = dir.join("audio.cue");
    std::fs::write(
        &cue,
        "CATALOG 0000000000000\r\n\
         PERFORMER \"The Speakers\"\r\n\
         TITLE \"Channel Check\"\r\n\
         FILE \"t1.wav\" WAVE\r\n\
         \x20 TRACK 01 AUDIO\r\n\
         \x20   TITLE \"Front\"\r\n\
         \x20   PERFORMER \"Left Center Right\"\r\n\
         \x20   INDEX 01 00:00:00\r\n\
         FILE \"t2.wav\" WAVE\r\n\
         \x20 TRACK 02 AUDIO\r\n\
         \x20   TITLE \"Rear\"\r\n\
         \x20   ISRC USK7Y9812345\r\n\
         \x20   INDEX 00 00:00:00\r\n\
         \x20   INDEX 01 00:01:00\r\n\
         FILE \"t3.flac\" FLAC\r\n\
         \x20 TRACK 03 AUDIO\r\n\
         \x20   TITLE \"Side\"\r\n\
         \x20   INDEX 01 00:00:00\r\n",
    )
    .unwrap();
    AudioSet {
        pcm: vec![wav_pcm(&t1), wav_pcm(&t2), wav_pcm(&t3_ref)],
        _dir: tmp,
        dir,
        cue,
    }
}

/// Creates the image of `cue` in `sector_type`; returns the create result event.
fn create(drive: &Path, cue: &Path, out: &Path, sector_type: &str) -> Value {
    let lines = ndjson(&ok(&discmaster(
        drive,
        &[
            "--json",
            "raw-cd",
            "create",
            cue.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--sector-type",
            sector_type,
        ],
    )));
    let r = event(&lines, "result").clone();
    let block = if sector_type == "pq" { 2368 } else { 2448 };
    assert_eq!(r["block_bytes"], block);
    assert_eq!(r["image_start_lba"], -22650);
    assert_eq!(
        std::fs::metadata(out).unwrap().len(),
        r["blocks"].as_u64().unwrap() * block
    );
    r
}

/// Loads a blank CD-R, writes `image` with `sector_type`, returns the write result.
fn write(drive: &Path, image: &Path, sector_type: &str) -> Value {
    ok(&discmaster(drive, &["emu", "load", "--media", "cd-r"]));
    let lines = ndjson(&ok(&discmaster(
        drive,
        &[
            "--json",
            "raw-cd",
            "write",
            image.to_str().unwrap(),
            "--sector-type",
            sector_type,
        ],
    )));
    assert!(lines
        .iter()
        .any(|v| v["event"] == "progress" && v["action"] == "writing"));
    event(&lines, "result").clone()
}

fn info_cd(drive: &Path) -> Value {
    let lines = ndjson(&ok(&discmaster(drive, &["--json", "info"])));
    let info = event(&lines, "info").clone();
    assert_eq!(info["medium"]["status"], "complete");
    info["cd"].clone()
}

fn indexes(track: &Value) -> Vec<(i64, i64)> {
    track["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["number"].as_i64().unwrap(), i["lba"].as_i64().unwrap()))
        .collect()
}

/// `export -o out.cue`, then `bchunk -w out.bin out.cue split`; returns the split files.
fn export_and_split(drive: &Path, dir: &Path) -> Vec<PathBuf> {
    let cue = dir.join("export.cue");
    ok(&discmaster(drive, &["export", "-o", cue.to_str().unwrap()]));
    assert!(dir.join("export.bin").exists());
    for f in std::fs::read_dir(dir).unwrap().flatten() {
        if f.file_name().to_string_lossy().starts_with("split") {
            std::fs::remove_file(f.path()).unwrap();
        }
    }
    run(Command::new("bchunk")
        .arg("-w")
        .arg(dir.join("export.bin"))
        .arg(&cue)
        .arg(dir.join("split")));
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("split"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn raw_cd_audio_cue_creates_writes_shows_and_round_trips_through_bchunk() {
    if let Some(m) = missing() {
        println!("SKIPPED: {m}");
        return;
    }
    let set = audio_set();
    let drive = set.dir.join("drive");

    // cue show: files, tracks, indexes relative to their files, and the disc layout.
    let shown = ndjson(&ok(&discmaster(
        &drive,
        &["--json", "cue", "show", set.cue.to_str().unwrap()],
    )));
    let shown = event(&shown, "cue");
    assert_eq!(shown["catalog"], "0000000000000");
    assert_eq!(shown["cd_text"]["title"], "Channel Check");
    let t2 = &shown["tracks"][1];
    assert_eq!(t2["isrc"], "USK7Y9812345");
    assert_eq!(t2["indexes"][0]["time"], "00:00:00");
    assert_eq!(t2["indexes"][1]["time"], "00:01:00");
    let blocks: Vec<i64> = set
        .pcm
        .iter()
        .map(|p| p.len().div_ceil(2352) as i64)
        .collect();
    assert_eq!(shown["tracks"][0]["disc"]["start_lba"], 0);
    assert_eq!(t2["disc"]["pregap_start_lba"], blocks[0]);
    assert_eq!(t2["disc"]["start_lba"], blocks[0] + 75);
    let t3_start = blocks[0] + blocks[1];
    assert_eq!(shown["tracks"][2]["disc"]["start_lba"], t3_start);
    let lead_out = t3_start + blocks[2];
    assert_eq!(shown["lead_out_lba"], lead_out);

    for sector_type in ["pq", "packed", "raw"] {
        let image = set.dir.join(format!("audio.{sector_type}"));
        let created = create(&drive, &set.cue, &image, sector_type);
        assert_eq!(created["lead_out_start_lba"], lead_out);
        let result = write(&drive, &image, sector_type);
        assert_eq!(result["sector_type_used"], sector_type);
        assert_eq!(result["start_lba"], -11635);
        assert_eq!(result["lead_out_start_lba"], lead_out);
        std::fs::remove_file(&image).unwrap();

        let cd = info_cd(&drive);
        assert_eq!(cd["lead_out_lba"], lead_out);
        assert_eq!(cd["mcn"], "0000000000000");
        let tracks = cd["tracks"].as_array().unwrap();
        assert_eq!(tracks.len(), 3);
        assert_eq!(indexes(&tracks[0]), vec![(0, -150), (1, 0)]);
        assert_eq!(
            indexes(&tracks[1]),
            vec![(0, blocks[0]), (1, blocks[0] + 75)]
        );
        assert_eq!(tracks[1]["isrc"], "USK7Y9812345");
        assert_eq!(indexes(&tracks[2]), vec![(1, t3_start)]);
        assert!(tracks.iter().all(|t| t["type"] == "audio"));
        if sector_type == "pq" {
            assert!(cd["cd_text"].is_null(), "a PQ image carries no CD-Text");
        } else {
            let text = &cd["cd_text"];
            assert_eq!(text["disc"]["title"], "Channel Check");
            assert_eq!(text["disc"]["performer"], "The Speakers");
            assert_eq!(text["tracks"][0]["title"], "Front");
            assert_eq!(text["tracks"][0]["performer"], "Left Center Right");
            assert_eq!(text["tracks"][1]["title"], "Rear");
            assert_eq!(text["tracks"][2]["title"], "Side");
        }

        let split = export_and_split(&drive, &set.dir);
        assert_eq!(split.len(), 3, "{split:?}");
        // bchunk ends track 1 at track 2's INDEX 00 and starts track 2 at its INDEX 01.
        assert_eq!(wav_pcm(&split[0]), padded(set.pcm[0].clone()), "track 1");
        assert_eq!(
            wav_pcm(&split[1]),
            padded(set.pcm[1][75 * 2352..].to_vec()),
            "track 2 from INDEX 01"
        );
        assert_eq!(
            wav_pcm(&split[2]),
            padded(set.pcm[2].clone()),
            "track 3 (FLAC)"
        );
        // The pregap of track 2 (its file's first second) is in the exported bin too.
        let bin = std::fs::read(set.dir.join("export.bin")).unwrap();
        let at = blocks[0] as usize * 2352;
        assert_eq!(&bin[at..at + 75 * 2352], &set.pcm[1][..75 * 2352]);
    }

    // A cue sheet written directly (imaged on the fly).
    ok(&discmaster(&drive, &["emu", "load", "--media", "cd-rw"]));
    let lines = ndjson(&ok(&discmaster(
        &drive,
        &["--json", "raw-cd", "write", set.cue.to_str().unwrap()],
    )));
    assert_eq!(event(&lines, "result")["profile"], "CD-RW");
    assert_eq!(info_cd(&drive)["tracks"][1]["isrc"], "USK7Y9812345");
}

#[test]
fn raw_cd_mixed_mode_cue_round_trips_iso_and_audio() {
    if let Some(m) = missing() {
        println!("SKIPPED: {m}");
        return;
    }
    if !Path::new(IPXE).exists() {
        println!("SKIPPED: ipxe");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let iso = std::fs::read(IPXE).unwrap();
    std::fs::write(dir.join("ipxe.iso"), &iso).unwrap();
    let wav = sox(
        dir,
        &["Front_Left.wav", "Front_Center.wav", "Front_Right.wav"],
        "song.wav",
    );
    let pcm = wav_pcm(&wav);
    let cue = dir.join("mixed.cue");
    std::fs::write(
        &cue,
        "TITLE \"Mixed Mode\"\n\
         FILE \"ipxe.iso\" BINARY\n\
         \x20 TRACK 01 MODE1/2048\n\
         \x20   INDEX 01 00:00:00\n\
         FILE \"song.wav\" WAVE\n\
         \x20 TRACK 02 AUDIO\n\
         \x20   TITLE \"Song\"\n\
         \x20   PREGAP 00:02:00\n\
         \x20   INDEX 01 00:00:00\n",
    )
    .unwrap();
    let drive = dir.join("drive");
    let iso_blocks = (iso.len() / 2048) as i64;
    for sector_type in ["pq", "packed", "raw"] {
        let image = dir.join(format!("mixed.{sector_type}"));
        create(&drive, &cue, &image, sector_type);
        let result = write(&drive, &image, sector_type);
        assert_eq!(
            result["lead_out_start_lba"],
            iso_blocks + 150 + (pcm.len().div_ceil(2352) as i64)
        );
        std::fs::remove_file(&image).unwrap();
        let cd = info_cd(&drive);
        let tracks = cd["tracks"].as_array().unwrap();
        assert_eq!(tracks[0]["type"], "mode1");
        assert_eq!(tracks[0]["control"], 4);
        assert_eq!(tracks[1]["type"], "audio");
        assert_eq!(
            indexes(&tracks[1]),
            vec![(0, iso_blocks), (1, iso_blocks + 150)]
        );
        if sector_type != "pq" {
            assert_eq!(cd["cd_text"]["disc"]["title"], "Mixed Mode");
            assert_eq!(cd["cd_text"]["tracks"][1]["title"], "Song");
        }
        let split = export_and_split(&drive, dir);
        assert_eq!(split.len(), 2, "{split:?}");
        assert!(split[0].to_string_lossy().ends_with(".iso"));
        assert!(
            std::fs::read(&split[0]).unwrap() == iso,
            "the data track equals the ISO"
        );
        assert_eq!(wav_pcm(&split[1]), padded(pcm.clone()));
    }
}

#[test]
fn raw_cd_write_refusals_and_dbt_fallback() {
    if let Some(m) = missing() {
        println!("SKIPPED: {m}");
        return;
    }
    let set = audio_set();
    let drive = set.dir.join("drive");
    let image = set.dir.join("audio.packed");
    create(&drive, &set.cue, &image, "packed");

    // The image cut to start at 98:00:00 (LBA −9150) on a disc whose lead-in starts at
    // 97:26:65: refused with E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT, the disc stays blank.
    let bytes = std::fs::read(&image).unwrap();
    let cut = set.dir.join("cut.packed");
    std::fs::write(&cut, &bytes[13_500 * 2448..]).unwrap();
    drop(bytes);
    ok(&discmaster(&drive, &["emu", "load", "--media", "cd-r"]));
    let out = discmaster(
        &drive,
        &[
            "--json",
            "raw-cd",
            "write",
            cut.to_str().unwrap(),
            "--start-lba",
            "-9150",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let lines = ndjson(&String::from_utf8_lossy(&out.stdout));
    let e = event(&lines, "error");
    assert_eq!(e["code"], "0xC0AA060F");
    assert_eq!(e["name"], "E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT");
    let info = ndjson(&ok(&discmaster(&drive, &["--json", "info"])));
    assert_eq!(event(&info, "info")["medium"]["status"], "blank");

    // A size that is not a whole number of blocks.
    let odd = set.dir.join("odd.packed");
    std::fs::write(&odd, vec![0u8; 2448 * 30_000 + 7]).unwrap();
    let out = discmaster(
        &drive,
        &["--json", "raw-cd", "write", odd.to_str().unwrap()],
    );
    assert_eq!(
        event(&ndjson(&String::from_utf8_lossy(&out.stdout)), "error")["code"],
        "0xC0AA060D"
    );

    // A drive that accepts only Data Block Type 1: the packed image goes as PQ 16.
    {
        let mut d = discmaster::emu::EmulatedDrive::open(&drive).unwrap();
        d.set_raw_data_block_types(&[1]).unwrap();
    }
    let result = write(&drive, &image, "packed");
    assert_eq!(result["requested_sector_type"], "packed");
    assert_eq!(result["sector_type_used"], "pq");
    assert_eq!(result["rw_dropped"], true);
    let cd = info_cd(&drive);
    assert_eq!(cd["tracks"][1]["isrc"], "USK7Y9812345");

    // Not blank any more.
    let out = discmaster(
        &drive,
        &["--json", "raw-cd", "write", image.to_str().unwrap()],
    );
    assert_eq!(
        event(&ndjson(&String::from_utf8_lossy(&out.stdout)), "error")["code"],
        "0xC0AA0606"
    );
}
