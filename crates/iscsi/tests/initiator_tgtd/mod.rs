//! tgtd (the Linux SCSI target framework, Debian package `tgt`) on loopback for tests: one
//! target whose LUN 1 is tgt's emulated DVD+R recorder over an empty backing file (a blank
//! DVD+R; written sectors land 1:1 in the file).
//!
//! Shared by `crates/iscsi/tests/initiator_tgt.rs` and `crates/cli/tests/iscsi_tgt.rs`
//! (included there with `#[path]`). Pattern: `crates/cli/tests/guest/testbed.sh` and
//! `shared/testbeds/tgt-dvd-recorder.sh`.
//!
//! Facts the harness relies on (shared/testbeds/REPORT.md §1):
//! - tgtd runs in the foreground (`-f`) so we own its pid; `-C N` selects its management
//!   socket `/var/run/tgtd/socket.N`; we use the portal port as N, in 3300–3999, as the guest
//!   test bed does (tgtd's control port must stay small).
//! - tgtd keeps running when its portal port is taken (the log says `failed to create/bind to
//!   portal`): checked, and the instance stopped.
//! - tgtd ignores SIGTERM: stopping is "target delete --force" then "system delete", then
//!   SIGKILL by pid if it is still there.
//! - tgtd needs root (it creates `/var/run/tgtd`): [`Tgtd::start`] returns the reason to skip.

#![allow(dead_code)]

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

/// The recorder's inquiry strings (8-character serial: tgt shows it in feature 0108h only then).
pub const VENDOR: &str = "STGT_DVD";
/// Product identification.
pub const PRODUCT: &str = "DVD101";

static NEXT: AtomicU16 = AtomicU16::new(0);

/// A running tgtd with one DVD+R LUN; stopped (by pid) on drop.
pub struct Tgtd {
    /// iSCSI portal port on 127.0.0.1 (also the control port).
    pub port: u16,
    /// Target name.
    pub iqn: String,
    /// State directory (log, backing file); removed on drop.
    pub dir: PathBuf,
    /// The LUN's backing file.
    pub backing: PathBuf,
    child: Child,
}

fn run(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{program} {}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// A loopback port in 3300–3999 that is free and whose tgtd control socket is not in use,
/// distinct for every call in this process.
fn free_port() -> Option<u16> {
    let base = (std::process::id() % 700) as u16;
    for _ in 0..700 {
        let i = NEXT.fetch_add(37, Ordering::Relaxed);
        let port = 3300 + (base.wrapping_add(i)) % 700;
        let socket_busy = Path::new(&format!("/var/run/tgtd/socket.{port}")).exists()
            && run(
                "tgtadm",
                &[
                    "-C",
                    &port.to_string(),
                    "--lld",
                    "iscsi",
                    "--mode",
                    "sys",
                    "--op",
                    "show",
                ],
            )
            .is_ok();
        if !socket_busy && TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Some(port);
        }
    }
    None
}

impl Tgtd {
    /// Starts tgtd with target `iqn`, LUN 1 = DVD+R over an empty file in a new directory under
    /// `base`.
    ///
    /// # Errors
    /// The reason to print as `SKIPPED: …`: tgtd missing, not startable (not root), no free
    /// port, or a tgtadm step failing.
    pub fn start(base: &Path, iqn: &str) -> Result<Tgtd, String> {
        if Command::new("tgtd").arg("--help").output().is_err()
            || Command::new("tgtadm").arg("--help").output().is_err()
        {
            return Err("tgtd/tgtadm not installed (Debian package tgt)".into());
        }
        let port = free_port().ok_or("no free loopback port in 3300-3999")?;
        let dir = base.join(format!("tgtd-{}-{port}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let backing = dir.join("disc.img");
        fs::write(&backing, b"").map_err(|e| format!("{}: {e}", backing.display()))?;
        let log = fs::File::create(dir.join("tgtd.log")).map_err(|e| e.to_string())?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new("tgtd")
            .args([
                "-f",
                "-C",
                &port.to_string(),
                "--iscsi",
                &format!("portal=127.0.0.1:{port}"),
            ])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("tgtd: {e}"))?;
        let mut tgtd = Tgtd {
            port,
            iqn: iqn.to_string(),
            dir,
            backing,
            child,
        };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = tgtd.child.try_wait() {
                return Err(format!(
                    "tgtd exited at once ({status}; it needs root): {}",
                    tgtd.log()
                ));
            }
            if tgtd.adm(&["--mode", "sys", "--op", "show"]).is_ok() {
                break;
            }
            if started.elapsed() > Duration::from_secs(5) {
                return Err(format!("tgtd did not come up: {}", tgtd.log()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if tgtd.log().contains("failed to create/bind to portal") {
            return Err(format!("tgtd could not bind port {port}: {}", tgtd.log()));
        }
        let backing = tgtd.backing.display().to_string();
        let steps: [&[&str]; 4] = [
            &["--mode", "target", "--op", "new", "--tid", "1", "-T", iqn],
            &[
                "--mode",
                "logicalunit",
                "--op",
                "new",
                "--tid",
                "1",
                "--lun",
                "1",
                "-b",
                &backing,
                "--device-type=cd",
            ],
            &[
                "--mode",
                "logicalunit",
                "--op",
                "update",
                "--tid",
                "1",
                "--lun",
                "1",
                "--params",
                "vendor_id=STGT_DVD,product_id=DVD101,product_rev=0010,scsi_sn=STGTDVD1,removable=1",
            ],
            &["--mode", "target", "--op", "bind", "--tid", "1", "-I", "127.0.0.1"],
        ];
        for step in steps {
            tgtd.adm(step)?;
        }
        Ok(tgtd)
    }

    /// `tgtadm -C PORT --lld iscsi ARGS…`.
    pub fn adm(&self, args: &[&str]) -> Result<String, String> {
        let port = self.port.to_string();
        let mut all = vec!["-C", &port, "--lld", "iscsi"];
        all.extend_from_slice(args);
        run("tgtadm", &all)
    }

    /// Requires CHAP: account `user`/`secret` bound to the target (incoming).
    pub fn require_chap(&self, user: &str, secret: &str) -> Result<(), String> {
        self.adm(&[
            "--mode",
            "account",
            "--op",
            "new",
            "--user",
            user,
            "--password",
            secret,
        ])?;
        self.adm(&[
            "--mode", "account", "--op", "bind", "--tid", "1", "--user", user,
        ])?;
        Ok(())
    }

    /// Mutual CHAP: the target answers with account `user`/`secret` (outgoing).
    pub fn outgoing_chap(&self, user: &str, secret: &str) -> Result<(), String> {
        self.adm(&[
            "--mode",
            "account",
            "--op",
            "new",
            "--user",
            user,
            "--password",
            secret,
        ])?;
        self.adm(&[
            "--mode",
            "account",
            "--op",
            "bind",
            "--tid",
            "1",
            "--user",
            user,
            "--outgoing",
        ])?;
        Ok(())
    }

    /// `iscsi://127.0.0.1:PORT/IQN/1`.
    pub fn url(&self) -> String {
        format!("iscsi://127.0.0.1:{}/{}/1", self.port, self.iqn)
    }

    /// tgtd's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("tgtd.log")).unwrap_or_default()
    }
}

impl Drop for Tgtd {
    fn drop(&mut self) {
        let _ = self.adm(&[
            "--mode", "target", "--op", "delete", "--tid", "1", "--force",
        ]);
        let _ = self.adm(&["--mode", "system", "--op", "delete"]);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                let _ = fs::remove_dir_all(&self.dir);
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}
