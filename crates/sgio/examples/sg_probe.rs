//! Probe the SG_IO transport on a real kernel: enumerate the drives, open each node, show the
//! INQUIRY identity and the current profile (46h GET CONFIGURATION), then check exclusive
//! access across two processes and both nodes of one drive.
//!
//! Usage: `sg_probe [SR_NODE [SG_NODE]]` (default `/dev/sr0 /dev/sg0`). Exit status 0 only
//! when every check passed; each check prints `PASS:` or `FAIL:`.
//!
//! Internal mode: `sg_probe --hold NODE NAME` takes the exclusive lock, prints `HELD`, and
//! keeps it until its standard input closes.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use discmaster_mmc::commands::GetConfiguration;
use discmaster_mmc::features::Configuration;
use discmaster_mmc::{Command as _, ConfigurationRequestType, FeatureCode};
use discmaster_sgio::{enumerate, SgDevice, SgError};
use discmaster_transport::{DataPhase, Transport, TransportError};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--hold") {
        return hold(&args[1..]);
    }
    let sr = PathBuf::from(args.first().map_or("/dev/sr0", String::as_str));
    let sg = PathBuf::from(args.get(1).map_or("/dev/sg0", String::as_str));
    let mut failures = 0;
    let mut check = |ok: bool, what: String| {
        println!("{}: {what}", if ok { "PASS" } else { "FAIL" });
        if !ok {
            failures += 1;
        }
    };

    match enumerate() {
        Ok(list) => {
            for d in &list {
                println!(
                    "drive {} sr={:?} sg={:?} vendor={:?} model={:?} rev={:?}",
                    d.scsi_address_text(),
                    d.sr_path,
                    d.sg_path,
                    d.vendor,
                    d.model,
                    d.revision
                );
            }
            check(
                !list.is_empty(),
                format!("enumerate found {} drive(s)", list.len()),
            );
        }
        Err(e) => check(false, format!("enumerate: {e}")),
    }

    for node in [&sr, &sg] {
        match SgDevice::open(node) {
            Ok(mut dev) => {
                check(
                    true,
                    format!(
                        "open {}: {:?} {:?} {:?} address {:?} lock {}",
                        node.display(),
                        dev.vendor(),
                        dev.model(),
                        dev.revision(),
                        dev.scsi_address(),
                        dev.lock_file_path().display()
                    ),
                );
                match current_profile(&mut dev) {
                    Ok(p) => check(
                        true,
                        format!("GET CONFIGURATION on {}: {p}", node.display()),
                    ),
                    Err(e) => check(
                        false,
                        format!("GET CONFIGURATION on {}: {e}", node.display()),
                    ),
                }
                check_sense_passthrough(&mut dev, node, &mut check);
            }
            Err(e) => check(false, format!("open {}: {e}", node.display())),
        }
    }

    // A non-MMC node is refused with a clear error (only when one exists).
    if Path::new("/dev/null").exists() {
        let e = SgDevice::open(Path::new("/dev/null"))
            .map(|_| ())
            .unwrap_err();
        check(
            matches!(e, SgError::Inquiry { .. }),
            format!("open /dev/null refused: {e}"),
        );
    }

    exclusive_access(&sr, &sg, &mut check);

    if failures == 0 {
        println!("ALL PASS");
        ExitCode::SUCCESS
    } else {
        println!("{failures} FAILED");
        ExitCode::FAILURE
    }
}

/// The current profile from the GET CONFIGURATION feature header.
fn current_profile(dev: &mut SgDevice) -> Result<String, String> {
    let cmd = GetConfiguration {
        rt: ConfigurationRequestType::One,
        starting_feature: FeatureCode(0),
        allocation_length: 8,
    };
    let mut buf = [0u8; 8];
    let c = dev
        .execute(
            cmd.cdb().as_bytes(),
            DataPhase::In(&mut buf),
            Duration::from_secs(10),
        )
        .map_err(|e| e.to_string())?;
    if !c.is_good() {
        return Err(format!("status {:?} sense {:02x?}", c.status, c.sense));
    }
    let conf = Configuration::new_checked(&buf[..]).map_err(|e| e.to_string())?;
    let p = conf.current_profile();
    Ok(format!(
        "current profile {:04X}h ({p:?}), data length {}, residual {}",
        u16::from(p),
        conf.data_length(),
        c.residual
    ))
}

/// READ(10) of LBA 0 on a blank disc must come back as `Ok` with CHECK CONDITION and the
/// drive's sense bytes (tgt: 5/21/00 LOGICAL BLOCK ADDRESS OUT OF RANGE), not as an error.
fn check_sense_passthrough(dev: &mut SgDevice, node: &Path, check: &mut impl FnMut(bool, String)) {
    let read10 = [0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0];
    let mut buf = vec![0u8; 2048];
    match dev.execute(&read10, DataPhase::In(&mut buf), Duration::from_secs(10)) {
        Ok(c) => {
            let key_asc =
                (c.sense.len() >= 14).then(|| (c.sense[2] & 0x0f, c.sense[12], c.sense[13]));
            check(
                c.status.0 == 0x02 && key_asc.is_some(),
                format!(
                    "READ(10) on {}: status {:02X}h, {} sense bytes, key/ASC/ASCQ {:02x?}, residual {}",
                    node.display(),
                    c.status.0,
                    c.sense.len(),
                    key_asc,
                    c.residual
                ),
            )
        }
        Err(e) => check(false, format!("READ(10) on {}: {e}", node.display())),
    }
}

/// Holder process on `sr`, contender in this process on `sg`.
fn exclusive_access(sr: &Path, sg: &Path, check: &mut impl FnMut(bool, String)) {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return check(false, format!("current_exe: {e}")),
    };
    let mut holder = match Command::new(exe)
        .arg("--hold")
        .arg(sr)
        .arg("probe holder")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(h) => h,
        Err(e) => return check(false, format!("spawn holder: {e}")),
    };
    let mut line = String::new();
    if let Some(out) = holder.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    check(
        line.trim() == "HELD",
        format!("holder on {} says {:?}", sr.display(), line.trim()),
    );

    match SgDevice::open(sg) {
        Ok(mut dev) => {
            check(
                true,
                format!(
                    "open {} while locked (InitializeDiscRecorder rule)",
                    sg.display()
                ),
            );
            check(
                dev.exclusive_access_owner().as_deref() == Some("probe holder"),
                format!(
                    "exclusive_access_owner = {:?}",
                    dev.exclusive_access_owner()
                ),
            );
            match dev.acquire_exclusive_access(false, "probe contender") {
                Err(SgError::Locked { owner, pid }) => check(
                    owner == "probe holder",
                    format!(
                        "second process via {}: Locked {{ owner: {owner:?}, pid: {pid:?} }}",
                        sg.display()
                    ),
                ),
                other => check(
                    false,
                    format!("second acquire via {}: {other:?}", sg.display()),
                ),
            }
            let tur = [0u8; 6];
            match dev.execute(&tur, DataPhase::None, Duration::from_secs(10)) {
                Err(TransportError::Locked { owner }) => check(
                    true,
                    format!("TEST UNIT READY while locked: Locked by {owner}"),
                ),
                other => check(false, format!("TEST UNIT READY while locked: {other:?}")),
            }
            // Let the holder go and take the lock ourselves.
            drop(holder.stdin.take());
            let status = holder.wait();
            check(
                status.as_ref().map(|s| s.success()).unwrap_or(false),
                format!("holder exited: {status:?}"),
            );
            match dev.acquire_exclusive_access(false, "probe contender") {
                Ok(()) => check(
                    dev.exclusive_access_owner().as_deref() == Some("probe contender"),
                    "acquire after release succeeds".to_owned(),
                ),
                Err(e) => check(false, format!("acquire after release: {e}")),
            }
            match dev.execute(&tur, DataPhase::None, Duration::from_secs(10)) {
                Ok(c) => check(
                    true,
                    format!("TEST UNIT READY as holder: status {:?}", c.status),
                ),
                Err(e) => check(false, format!("TEST UNIT READY as holder: {e}")),
            }
            match dev.acquire_exclusive_access(true, "") {
                Err(SgError::InvalidClientName { .. }) => {
                    check(true, "empty client name refused".to_owned())
                }
                other => check(false, format!("empty client name: {other:?}")),
            }
            dev.release_exclusive_access();
            check(
                dev.exclusive_access_owner().is_none(),
                "released".to_owned(),
            );
        }
        Err(e) => {
            check(false, format!("open {}: {e}", sg.display()));
            drop(holder.stdin.take());
            let _ = holder.wait();
        }
    }
}

/// `--hold NODE NAME`: take the lock, report, wait for stdin EOF.
fn hold(args: &[String]) -> ExitCode {
    let (Some(node), Some(name)) = (args.first(), args.get(1)) else {
        eprintln!("usage: sg_probe --hold NODE NAME");
        return ExitCode::from(2);
    };
    let mut dev = match SgDevice::open(Path::new(node)) {
        Ok(d) => d,
        Err(e) => {
            println!("ERROR open: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = dev.acquire_exclusive_access(false, name) {
        println!("ERROR acquire: {e}");
        return ExitCode::FAILURE;
    }
    println!("HELD");
    let _ = std::io::stdout().flush();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    ExitCode::SUCCESS
}
