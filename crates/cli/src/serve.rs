//! `discmaster serve`: export an emulated recorder as an iSCSI logical unit (LUN 0, peripheral
//! device type 05h), so real burners — through a real kernel, QEMU, libiscsi, or any OS's
//! initiator — can drive it.
//!
//! Security: the default listen address is 127.0.0.1:3260. Any other (non-loopback) address is
//! refused unless a CHAP account is given (`--chap-user` + `--chap-secret-file`); with one,
//! every login must pass CHAP and a wrong secret is refused with login status 0201h.
//!
//! Lifetime: runs until SIGINT or SIGTERM, then closes every connection, waits for the
//! connection threads and saves the medium (the emulated drive also saves on SYNCHRONIZE
//! CACHE and structural changes). The drive directory stays locked while serving, so `emu
//! load` and other commands on the same `emu:PATH` must wait until `serve` has stopped.
//!
//! Output: one line `serving emu:PATH at iscsi://HOST:PORT/IQN/0` on stdout (with `--json`
//! an object `{"event":"serving","url":…}`); logins, refusals and closed connections on
//! stderr (with `--json`: objects on stdout); `--trace` adds every CDB with its status and
//! sense.

use std::io::Write;
use std::path::{Path, PathBuf};

use discmaster::{Error, ErrorCode};
use discmaster_iscsi::chap::{ChapCredentials, ChapSecret};
use discmaster_iscsi::target::{
    check_iscsi_name, parse_listen_address, Target, TargetConfig, TargetError, TargetEvent,
};
use serde_json::{json, Value};

use super::{emulated_dir, open_emulated};

/// Options of `discmaster serve`.
#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (HOST:PORT; port 0 picks a free one). Not loopback: needs CHAP.
    #[arg(long, default_value = "127.0.0.1:3260")]
    listen: String,
    /// Target name. Default: iqn.2024-01.invalid.discmaster:<drive directory name>.
    #[arg(long)]
    iqn: Option<String>,
    /// CHAP user name initiators must log in with.
    #[arg(long, requires = "chap_secret_file")]
    chap_user: Option<String>,
    /// File holding the CHAP secret (at least 12 bytes; one trailing newline is ignored).
    #[arg(long, requires = "chap_user")]
    chap_secret_file: Option<PathBuf>,
    /// Log every SCSI command (CDB, status, sense, bytes moved).
    #[arg(long)]
    trace: bool,
}

/// The default target name for a drive directory: its last component, lower-cased, with
/// every character an iSCSI name does not allow replaced by `-`.
fn default_iqn(dir: &Path) -> String {
    let base: String = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let base = base.trim_matches(|c| c == '-' || c == '.');
    format!(
        "iqn.2024-01.invalid.discmaster:{}",
        if base.is_empty() { "emu" } else { base }
    )
}

fn refused(reason: String) -> Error {
    Error::Refused {
        code: ErrorCode::E_INVALIDARG,
        reason,
    }
}

fn target_error(e: TargetError) -> Error {
    match e {
        TargetError::Bind { addr, source } => Error::Io {
            code: ErrorCode::E_DISCMASTER_IO,
            path: addr.to_string(),
            source,
        },
        TargetError::Io(source) => Error::Io {
            code: ErrorCode::E_DISCMASTER_IO,
            path: "listen socket".into(),
            source,
        },
        other => refused(other.to_string()),
    }
}

fn read_secret(path: &Path) -> Result<ChapSecret, Error> {
    let mut bytes = std::fs::read(path).map_err(|source| Error::Io {
        code: ErrorCode::E_DISCMASTER_IO,
        path: path.display().to_string(),
        source,
    })?;
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    ChapSecret::new(bytes).map_err(|e| refused(format!("{}: {e}", path.display())))
}

fn event_json(e: &TargetEvent) -> Value {
    match e {
        TargetEvent::LoginAccepted {
            peer,
            initiator,
            discovery,
            tsih,
            chap_name,
        } => json!({"event": "login", "peer": peer.to_string(), "initiator": initiator,
            "session_type": if *discovery { "discovery" } else { "normal" }, "tsih": tsih,
            "chap_user": chap_name}),
        TargetEvent::LoginRejected {
            peer,
            initiator,
            status,
            reason,
        } => json!({"event": "login_refused", "peer": peer.to_string(), "initiator": initiator,
            "status": format!("0x{:04X}", status.0), "status_name": status.name(), "reason": reason}),
        TargetEvent::ConnectionClosed {
            peer,
            initiator,
            reason,
        } => json!({"event": "connection_closed", "peer": peer.to_string(),
            "initiator": initiator, "reason": reason}),
        TargetEvent::Command {
            peer,
            cdb,
            status,
            sense,
            data_in_bytes,
            data_out_bytes,
        } => json!({"event": "command", "peer": peer.to_string(),
            "cdb": crate::decode::hex(cdb), "status": status.name(),
            "sense": if sense.is_empty() { Value::Null } else { json!(crate::decode::hex(sense)) },
            "data_in": data_in_bytes, "data_out": data_out_bytes}),
        other => json!({"event": "target", "message": other.to_string()}),
    }
}

/// Runs `discmaster serve` on the emulated drive `address` until SIGINT/SIGTERM.
///
/// # Errors
/// `E_DISCMASTER_INVALID_ADDRESS` for a drive that is not `emu:PATH`; `E_INVALIDARG` for a bad
/// listen address, target name, CHAP setting, or a non-loopback address without CHAP;
/// `E_IMAPI_RECORDER_LOCKED` when the drive is open elsewhere; `E_DISCMASTER_IO` when the port
/// cannot be bound or the secret file read.
pub(crate) fn serve(address: &str, args: ServeArgs, json: bool) -> Result<(), Error> {
    let dir = emulated_dir(address)?;
    let listen = parse_listen_address(&args.listen).map_err(target_error)?;
    let iqn = args.iqn.clone().unwrap_or_else(|| default_iqn(&dir));
    check_iscsi_name(&iqn).map_err(target_error)?;
    let mut config = TargetConfig::new(iqn, listen);
    config.trace_commands = args.trace;
    if let (Some(user), Some(file)) = (&args.chap_user, &args.chap_secret_file) {
        config.chap = Some(ChapCredentials {
            name: user.clone(),
            secret: read_secret(file)?,
        });
    }
    // Refuse a bad configuration before the drive is locked.
    config.validate().map_err(target_error)?;

    let drive = open_emulated(address)?;
    let target = Target::bind(config, drive)
        .map_err(target_error)?
        .on_event(move |e| {
            if json {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{}", event_json(e));
                let _ = out.flush();
            } else {
                eprintln!("discmaster serve: {e}");
            }
        });
    let stop = target.stop_handle();
    ctrlc::set_handler(move || stop.stop()).map_err(|e| Error::Io {
        code: ErrorCode::E_DISCMASTER_IO,
        path: "signal handler".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let url = target.url();
    {
        let mut out = std::io::stdout().lock();
        if json {
            let _ = writeln!(
                out,
                "{}",
                json!({"event": "serving", "drive": address, "url": url, "lun": 0})
            );
        } else {
            let _ = writeln!(out, "serving {address} at {url}");
        }
        let _ = out.flush();
    }
    let mut drive = target.run().map_err(target_error)?;
    let saved = drive.flush();
    drop(drive);
    saved.map_err(|source| Error::Emulator {
        code: ErrorCode::E_DISCMASTER_IO,
        source,
    })?;
    if json {
        println!("{}", json!({"event": "stopped", "drive": address}));
    } else {
        eprintln!("discmaster serve: stopped; medium saved");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_iqn_sanitizes_directory_name() {
        assert_eq!(
            default_iqn(Path::new("/tmp/My Drive_1")),
            "iqn.2024-01.invalid.discmaster:my-drive-1"
        );
        assert_eq!(
            default_iqn(Path::new("/")),
            "iqn.2024-01.invalid.discmaster:emu"
        );
        assert!(check_iscsi_name(&default_iqn(Path::new("/x/emu0"))).is_ok());
    }
}
