//! The target against an initiator no one here wrote: libiscsi's command-line tools
//! (`iscsi-ls`, `iscsi-inq`, Debian package `libiscsi-bin`). Each test prints
//! `SKIPPED: <tool>` and passes when the tool is not installed (CI installs it).

mod target_support;

use std::process::Command;

use discmaster_emu::MediaKind;
use discmaster_iscsi::chap::{ChapCredentials, ChapSecret};
use discmaster_iscsi::pdu::LoginStatus;
use discmaster_iscsi::target::TargetEvent;
use target_support::*;

/// Runs a libiscsi tool; `None` when it is not installed.
fn tool(name: &str, args: &[&str]) -> Option<(bool, String)> {
    match Command::new(name).args(args).output() {
        Ok(out) => Some((
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("{name}: {e}"),
    }
}

#[test]
fn iscsi_ls_discovers_the_target_and_its_mmc_lun() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let portal = format!("iscsi://127.0.0.1:{}", t.addr.port());
    let Some((ok, out)) = tool("iscsi-ls", &["-s", &portal]) else {
        println!("SKIPPED: iscsi-ls (install libiscsi-bin)");
        return;
    };
    println!("{out}");
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!(
            "Target:{IQN} Portal:127.0.0.1:{},1",
            t.addr.port()
        )),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("Lun:0") && l.contains("Type:MMC")),
        "{out}"
    );
}

#[test]
fn iscsi_inq_reads_standard_inquiry_and_vpd_pages() {
    let t = Running::start(Some(MediaKind::BdR), |_| {});
    let url = format!("iscsi://127.0.0.1:{}/{IQN}/0", t.addr.port());
    let Some((ok, out)) = tool("iscsi-inq", &[&url]) else {
        println!("SKIPPED: iscsi-inq (install libiscsi-bin)");
        return;
    };
    println!("{out}");
    assert!(ok, "{out}");
    assert!(out.contains("Peripheral Device Type:MMC"), "{out}");
    assert!(out.contains("Removable:1"), "{out}");
    assert!(out.contains("Vendor:DISCMSTR"), "{out}");
    let (ok, pages) = tool("iscsi-inq", &["-e", "1", "-c", "0", &url]).unwrap();
    assert!(ok, "{pages}");
    assert!(pages.contains("UNIT_SERIAL_NUMBER"), "{pages}");
    assert!(pages.contains("DEVICE_IDENTIFICATION"), "{pages}");
    let (ok, serial) = tool("iscsi-inq", &["-e", "1", "-c", "128", &url]).unwrap();
    assert!(ok && serial.contains("Unit Serial Number:[EMU"), "{serial}");
    let (ok, ident) = tool("iscsi-inq", &["-e", "1", "-c", "131", &url]).unwrap();
    assert!(ok, "{ident}");
    assert!(
        ident.contains("T10_VENDORT_ID") || ident.contains("T10"),
        "{ident}"
    );
    assert!(ident.contains("DISCMSTR"), "{ident}");
}

#[test]
fn iscsi_inq_with_chap_logs_in_and_wrong_secret_is_refused() {
    let secret = "correct horse battery";
    let t = Running::start(Some(MediaKind::DvdMinusR), |c| {
        c.chap = Some(ChapCredentials {
            name: "burner".into(),
            secret: ChapSecret::new(secret).unwrap(),
        });
    });
    let port = t.addr.port();
    let good = format!("iscsi://burner%{secret}@127.0.0.1:{port}/{IQN}/0");
    let Some((ok, out)) = tool("iscsi-inq", &[&good]) else {
        println!("SKIPPED: iscsi-inq (install libiscsi-bin)");
        return;
    };
    assert!(ok, "right secret: {out}");
    assert!(out.contains("Peripheral Device Type:MMC"), "{out}");
    let bad = format!("iscsi://burner%wrong-secret-1@127.0.0.1:{port}/{IQN}/0");
    let (ok, out) = tool("iscsi-inq", &[&bad]).unwrap();
    println!("wrong secret: {out}");
    assert!(!ok, "wrong secret must fail: {out}");
    let none = format!("iscsi://127.0.0.1:{port}/{IQN}/0");
    let (ok, out) = tool("iscsi-inq", &[&none]).unwrap();
    assert!(!ok, "no CHAP must fail: {out}");
    // Discovery needs CHAP too.
    let (ok, out) = tool(
        "iscsi-ls",
        &["-s", &format!("iscsi://burner%{secret}@127.0.0.1:{port}")],
    )
    .unwrap();
    assert!(ok && out.contains(IQN), "{out}");
    let events = t.events();
    let refused: Vec<&TargetEvent> = events
        .iter()
        .filter(|e| {
            matches!(e, TargetEvent::LoginRejected { status, .. }
                if *status == LoginStatus::AUTHENTICATION_FAILURE)
        })
        .collect();
    assert!(refused.len() >= 2, "{events:#?}");
}
