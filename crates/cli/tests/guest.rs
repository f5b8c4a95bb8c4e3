//! Full stack through a real Linux kernel: the `discmaster` binary drives tgt's emulated DVD+R
//! recorder as `/dev/sr0` inside a QEMU guest (tgt on loopback iSCSI → QEMU's libiscsi →
//! virtio-scsi passthrough → the guest's `sr`/`sg` drivers → SG_IO). This is the only test
//! of the SG_IO path against a kernel: the build hosts have no SCSI subsystem.
//!
//! Steps: start tgtd with a blank DVD+R, boot the guest (`tests/guest/testbed.sh`), run in
//! it `list`, `info --json`, `mode-page get 2a --control changeable`, `features --json`,
//! `burn ipxe.iso` and `info --json` again, plus `sg_get_config`, `sg_modes` and `cdrskin
//! -minfo` for comparison; then check on the host that tgt's backing file starts with the
//! ISO's bytes.
//!
//! Prints `SKIPPED: <reason>` and passes when the test bed cannot start: tools missing
//! (`testbed.sh check` names them; `.ci/run` installs them), no network for the guest kernel,
//! tgtd not startable (needs root), or the guest not booting in time.

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

const ISO: &str = "/usr/lib/ipxe/ipxe.iso";
/// Seconds before `timeout` kills QEMU (boot ≈ 6–10 s under TCG; the burn of 2 MiB a few s).
const GUEST_TIMEOUT_S: u32 = 240;

fn testbed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guest/testbed.sh")
}

/// Runs `testbed.sh ARGS`; `Err((exit code, stdout + stderr))` on failure.
fn bed(args: &[&str]) -> Result<String, (i32, String)> {
    let out = Command::new("bash")
        .arg(testbed())
        .args(args)
        .output()
        .map_err(|e| (-1, e.to_string()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err((out.status.code().unwrap_or(-1), text))
    }
}

/// Stops tgtd (by its pid file) when dropped, also on panic.
struct Tgt {
    state: PathBuf,
    port: String,
}

impl Drop for Tgt {
    fn drop(&mut self) {
        let state = self.state.to_string_lossy().into_owned();
        let _ = bed(&["tgt-stop", &state, &self.port]);
    }
}

/// A free TCP port on loopback in 3300–3999 (tgtd also uses the number as its control port,
/// which must stay small), starting at a pid-derived offset so parallel runs differ.
fn free_port() -> Option<u16> {
    let start = (std::process::id() % 700) as u16;
    (0..700u16)
        .map(|i| 3300 + (start + i) % 700)
        .find(|&p| TcpListener::bind(("127.0.0.1", p)).is_ok())
}

/// Copies `bin` into `share/bin` and the shared libraries `ldd` names into `share/lib`.
fn copy_binary(bin: &Path, share: &Path) {
    fs::create_dir_all(share.join("bin")).unwrap();
    fs::create_dir_all(share.join("lib")).unwrap();
    fs::copy(bin, share.join("bin/discmaster")).expect("copy discmaster");
    if let Ok(out) = Command::new("ldd").arg(bin).output() {
        for word in String::from_utf8_lossy(&out.stdout).split_whitespace() {
            let p = Path::new(word);
            if p.is_absolute() && p.exists() {
                if let Some(name) = p.file_name() {
                    let _ = fs::copy(p, share.join("lib").join(name));
                }
            }
        }
    }
}

/// The guest script: every command's stdout, stderr and exit status go to `/share/out/NAME.*`.
const GUEST_SCRIPT: &str = r#"
D=/share/out; mkdir -p $D
dm() { LD_LIBRARY_PATH=/share/lib /share/bin/discmaster "$@"; }
t() {
	name=$1; shift
	s=$(date +%s)
	"$@" >$D/$name.out 2>$D/$name.err
	echo $? >$D/$name.rc
	echo "=== step $name: exit $(cat $D/$name.rc) in $(( $(date +%s) - s )) s: $*"
}
t sg_inq sg_inq /dev/sg0
t sg_get_config sg_get_config /dev/sg0
t sg_modes sg_modes -p 0x2a /dev/sg0
t cdrskin_minfo cdrskin dev=/dev/sr0 -minfo
t list dm --drive /dev/sr0 list
t info dm --drive /dev/sr0 info --json
t mode_page_2a dm --drive /dev/sr0 mode-page get 2a --control changeable
t mode_page_2a_current dm --drive /dev/sr0 mode-page get 2a
t features dm --drive /dev/sr0 features --json
t burn dm --drive /dev/sr0 burn /share/ipxe.iso
t info_after_burn dm --drive /dev/sr0 info --json
t cdrskin_minfo_after_burn cdrskin dev=/dev/sr0 -minfo
"#;

/// One step's recorded output.
struct Step {
    rc: Option<i32>,
    out: String,
    err: String,
}

fn step(share: &Path, name: &str) -> Step {
    let read = |ext: &str| fs::read_to_string(share.join(format!("out/{name}.{ext}"))).ok();
    Step {
        rc: read("rc").and_then(|s| s.trim().parse().ok()),
        out: read("out").unwrap_or_default(),
        err: read("err").unwrap_or_default(),
    }
}

/// NDJSON lines as objects; `None` when any line is not a JSON object.
fn ndjson(text: &str) -> Option<Vec<Value>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<Value>(l)
                .ok()
                .filter(Value::is_object)
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn guest_sr0_tgt_dvd_plus_r_list_info_features_burn() {
    let started = Instant::now();
    if !Path::new(ISO).exists() {
        println!("SKIPPED: {ISO} (install the Debian package ipxe)");
        return;
    }
    if let Err((_, text)) = bed(&["check"]) {
        println!("SKIPPED: guest test bed: {}", text.trim());
        return;
    }
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guest-cache");
    let cache_s = cache.to_string_lossy().into_owned();
    if let Err((code, text)) = bed(&["build", &cache_s]) {
        println!("SKIPPED: guest build failed (exit {code}): {}", text.trim());
        return;
    }
    let build_s = started.elapsed();

    let tmp = tempfile::tempdir().unwrap();
    let share = tmp.path().join("share");
    fs::create_dir_all(&share).unwrap();
    let state = tmp.path().join("tgt");
    let Some(port) = free_port() else {
        println!("SKIPPED: no free loopback port");
        return;
    };
    let port = port.to_string();
    let state_s = state.to_string_lossy().into_owned();
    let url = match bed(&["tgt-start", &state_s, &port]) {
        Ok(url) => url,
        Err((code, text)) => {
            println!(
                "SKIPPED: tgtd did not start (exit {code}; needs root): {}",
                text.trim()
            );
            return;
        }
    };
    let _tgt = Tgt {
        state: state.clone(),
        port: port.clone(),
    };

    copy_binary(Path::new(env!("CARGO_BIN_EXE_discmaster")), &share);
    fs::copy(ISO, share.join("ipxe.iso")).unwrap();
    fs::write(share.join("test.sh"), GUEST_SCRIPT).unwrap();

    // Boot; stream the console to measure the boot time.
    let boot_started = Instant::now();
    let share_s = share.to_string_lossy().into_owned();
    let mut child = Command::new("bash")
        .arg(testbed())
        .args([
            "run",
            &cache_s,
            &share_s,
            &url,
            &GUEST_TIMEOUT_S.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn testbed.sh run");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel::<(Duration, String)>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send((boot_started.elapsed(), line.replace('\r', "")));
        }
    });
    let status = child.wait().expect("wait for the guest");
    let _ = reader.join();
    let console: Vec<(Duration, String)> = rx.try_iter().collect();
    let guest_s = boot_started.elapsed();
    let boot = console
        .iter()
        .find(|(_, l)| l.contains("=== guest: running"))
        .map(|(t, _)| *t);
    let console_text: String = console
        .iter()
        .map(|(t, l)| format!("[{:6.2}] {l}\n", t.as_secs_f64()))
        .collect();
    let Some(boot) = boot else {
        println!(
            "SKIPPED: the guest did not boot to its script within {GUEST_TIMEOUT_S} s ({status}):\n{console_text}"
        );
        return;
    };
    println!("{console_text}");
    assert!(
        console.iter().any(|(_, l)| l.contains("=== guest: done")),
        "guest script did not finish ({status})"
    );

    // Every step's output, the peer tools' for comparison (asserted only: sg_get_config works).
    for name in [
        "sg_inq",
        "sg_get_config",
        "sg_modes",
        "cdrskin_minfo",
        "list",
        "info",
        "mode_page_2a",
        "features",
        "burn",
        "info_after_burn",
        "cdrskin_minfo_after_burn",
    ] {
        let s = step(&share, name);
        println!("----- {name} (exit {:?})\n{}{}", s.rc, s.out, s.err);
    }

    let mut results: Vec<(String, bool, String)> = Vec::new();
    let mut check = |name: &str, ok: bool, detail: String| {
        results.push((name.to_owned(), ok, detail));
    };
    let sg_get_config = step(&share, "sg_get_config");
    check(
        "sg_get_config (peer)",
        sg_get_config.rc == Some(0) && sg_get_config.out.contains("DVD+R"),
        format!("exit {:?}", sg_get_config.rc),
    );

    let show = |s: &Step| {
        format!(
            "exit {:?}\nstdout: {}\nstderr: {}",
            s.rc,
            s.out.trim(),
            s.err.trim()
        )
    };

    let list = step(&share, "list");
    check(
        "discmaster list",
        list.rc == Some(0) && list.out.contains("/dev/sr0") && list.out.contains("STGT_DVD"),
        show(&list),
    );

    let info = step(&share, "info");
    let info_ok = info.rc == Some(0)
        && ndjson(&info.out).is_some_and(|objs| {
            objs.iter().any(|o| {
                o["event"] == "info"
                    && o["drive"]["vendor"] == "STGT_DVD"
                    && o["drive"]["product"] == "DVD101"
                    && o["medium"]["profile_code"] == "0x001B"
            })
        });
    check("discmaster info --json", info_ok, show(&info));

    let page = step(&share, "mode_page_2a");
    check(
        "discmaster mode-page get 2a --control changeable",
        page.rc == Some(0) && !page.out.trim().is_empty(),
        show(&page),
    );

    // Independent decoders on the same drive: sg_modes' hex dump of page 2Ah (current values)
    // must be byte for byte what `mode-page get 2a` prints.
    let sg_modes = step(&share, "mode_page_2a_current");
    let peer_modes = step(&share, "sg_modes");
    let peer_bytes = sg_modes_page_bytes(&peer_modes.out);
    let our_bytes: Vec<String> = sg_modes
        .out
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    check(
        "mode-page get 2a equals sg_modes -p 0x2a",
        sg_modes.rc == Some(0) && !peer_bytes.is_empty() && our_bytes == peer_bytes,
        format!(
            "ours: {}\nsg_modes: {}",
            our_bytes.join(" "),
            peer_bytes.join(" ")
        ),
    );

    let features = step(&share, "features");
    // The feature codes and current bits sg_get_config decodes must be the ones we decode.
    let peer_features = sg_get_config_features(&sg_get_config.out);
    let our_features: Vec<(u16, bool)> = ndjson(&features.out)
        .and_then(|objs| objs.into_iter().next())
        .map(|v| {
            v["features"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|f| {
                            let code =
                                u16::from_str_radix(f["code"].as_str()?.trim_end_matches('h'), 16)
                                    .ok()?;
                            Some((code, f["current"].as_bool()?))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default();
    check(
        "features equal sg_get_config's (codes and current bits)",
        !peer_features.is_empty() && our_features == peer_features,
        format!("ours: {our_features:04X?}\nsg_get_config: {peer_features:04X?}"),
    );
    let lower = features.out.to_lowercase();
    check(
        "discmaster features --json",
        features.rc == Some(0)
            && ndjson(&features.out).is_some_and(|v| !v.is_empty())
            && (lower.contains("002b") || lower.contains("dvd+r")),
        show(&features),
    );

    let burn = step(&share, "burn");
    check("discmaster burn ipxe.iso", burn.rc == Some(0), show(&burn));

    let after = step(&share, "info_after_burn");
    check(
        "discmaster info --json after the burn",
        after.rc == Some(0) && ndjson(&after.out).is_some(),
        show(&after),
    );

    // Ground truth on the host: tgt's backing file holds the ISO from LBA 0.
    let iso = fs::read(ISO).unwrap();
    let disc = fs::read(state.join("disc.img")).unwrap_or_default();
    let prefix_ok = disc.len() >= iso.len() && sha256(&disc[..iso.len()]) == sha256(&iso);
    check(
        "host: backing file starts with the ISO (sha256)",
        prefix_ok,
        format!(
            "backing file {} bytes, ISO {} bytes, sha256 ISO {} vs prefix {}",
            disc.len(),
            iso.len(),
            sha256(&iso),
            sha256(&disc[..iso.len().min(disc.len())])
        ),
    );

    println!(
        "timing: guest build/check {:.1} s, boot to script {:.1} s, guest total {:.1} s, test total {:.1} s",
        build_s.as_secs_f64(),
        boot.as_secs_f64(),
        guest_s.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    for (name, ok, _) in &results {
        println!("{}: {name}", if *ok { "PASS" } else { "FAIL" });
    }
    let failed: Vec<String> = results
        .iter()
        .filter(|(_, ok, _)| !ok)
        .map(|(name, _, detail)| format!("{name}: {detail}"))
        .collect();
    assert!(
        failed.is_empty(),
        "failed in the guest:\n{}",
        failed.join("\n\n")
    );
}

/// The page bytes of `sg_modes -p 0x2a` output: the hex columns of the dump lines after ">>".
fn sg_modes_page_bytes(out: &str) -> Vec<String> {
    let mut bytes = Vec::new();
    let mut in_dump = false;
    for line in out.lines() {
        if line.starts_with(">>") {
            in_dump = true;
            continue;
        }
        if !in_dump {
            continue;
        }
        let mut cols = line.split_whitespace();
        let Some(offset) = cols.next() else { break };
        if u32::from_str_radix(offset, 16).is_err() {
            break;
        }
        bytes.extend(
            cols.take_while(|c| c.len() == 2 && u8::from_str_radix(c, 16).is_ok())
                .map(str::to_owned),
        );
    }
    bytes
}

/// `(feature code, current)` from `sg_get_config` output lines like
/// `version=0, persist=1, current=1 [0x2b]`.
fn sg_get_config_features(out: &str) -> Vec<(u16, bool)> {
    out.lines()
        .filter_map(|l| {
            let l = l.trim();
            let current = l.split("current=").nth(1)?.chars().next()? == '1';
            let code = l.rsplit("[0x").next()?.trim_end_matches(']');
            Some((u16::from_str_radix(code, 16).ok()?, current))
        })
        .collect()
}
