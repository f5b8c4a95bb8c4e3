//! Oracle: `cd-tools.sh verify-raw` (shared testbed; pyecm-tools, the ECM C code, checks EDC
//! and ECC of every 2352-byte sector). Prints `SKIPPED: pyecm` unless its venv is set up
//! (`shared/testbeds/cd-tools.sh setup`).

use std::path::PathBuf;
use std::process::Command;

use discmaster_cd::sector::{self, Subheader, Submode};
use discmaster_core::{Lba, Msf};

fn shared_dir() -> PathBuf {
    std::env::var_os("DISCMASTER_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// The venv `cd-tools.sh` uses, if pyecm is importable there.
fn pyecm_ready() -> bool {
    let venv = std::env::var_os("VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/optical-testbed/venv"));
    Command::new(venv.join("bin/python"))
        .args(["-c", "import pyecm"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Deterministic pseudo-random bytes (xorshift64).
fn noise(seed: u64, out: &mut [u8]) {
    let mut x = seed | 1;
    for b in out {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = (x >> 24) as u8;
    }
}

/// Runs `cd-tools.sh verify-raw` on `image`; returns its output and whether it passed.
fn verify_raw(image: &std::path::Path) -> (String, bool) {
    let script = shared_dir().join("testbeds/cd-tools.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg("verify-raw")
        .arg(image)
        .output()
        .expect("run cd-tools.sh");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (text, out.status.success())
}

#[test]
fn pyecm_verifies_our_mode1_image_of_random_and_iso_data() {
    if !pyecm_ready() || !shared_dir().join("testbeds/cd-tools.sh").exists() {
        println!("SKIPPED: pyecm");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("mode1.bin");
    let mut bin = Vec::new();
    let mut lba = 0i32;
    let mut push = |data: &[u8; 2048], bin: &mut Vec<u8>| {
        bin.extend_from_slice(&sector::mode1(Msf::from_lba(Lba(lba)).unwrap(), data));
        lba += 1;
    };
    let mut d = [0u8; 2048];
    for seed in 0..300u64 {
        noise(seed, &mut d);
        push(&d, &mut bin);
    }
    push(&[0; 2048], &mut bin);
    let mut iso_sectors = 0;
    if let Ok(iso) = std::fs::read("/usr/lib/ipxe/ipxe.iso") {
        for block in iso.chunks_exact(2048) {
            d.copy_from_slice(block);
            push(&d, &mut bin);
            iso_sectors += 1;
        }
    } else {
        println!("SKIPPED: ipxe.iso part (install the ipxe package)");
    }
    let sectors = bin.len() / 2352;
    std::fs::write(&image, &bin).unwrap();
    let (text, ok) = verify_raw(&image);
    println!("{text}");
    assert!(ok, "cd-tools.sh verify-raw failed:\n{text}");
    assert!(
        text.contains(&format!(
            "Mode 1 sectors with valid EDC/ECC:        {sectors}"
        )),
        "{text}"
    );
    println!("pyecm: {sectors} Mode 1 sectors verified ({iso_sectors} from ipxe.iso)");

    // Negative control: one damaged byte must be caught.
    bin[2352 * 7 + 1000] ^= 0x20;
    std::fs::write(&image, &bin).unwrap();
    let (text, ok) = verify_raw(&image);
    assert!(!ok, "damaged image passed:\n{text}");
}

#[test]
fn pyecm_verifies_our_mode2_image() {
    if !pyecm_ready() || !shared_dir().join("testbeds/cd-tools.sh").exists() {
        println!("SKIPPED: pyecm");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("mode2.bin");
    let mut bin = Vec::new();
    let (mut d1, mut d2) = ([0u8; 2048], [0u8; 2324]);
    for i in 0..100u64 {
        let msf = Msf::from_lba(Lba(i as i32)).unwrap();
        let sh = Subheader {
            file_number: 1,
            channel_number: 0,
            submode: Submode::DATA,
            coding_information: 0,
        };
        if i % 2 == 0 {
            noise(i, &mut d1);
            bin.extend_from_slice(&sector::mode2_form1(msf, sh, &d1));
        } else {
            noise(i, &mut d2);
            bin.extend_from_slice(&sector::mode2_form2(msf, sh, &d2));
        }
    }
    std::fs::write(&image, &bin).unwrap();
    let (text, ok) = verify_raw(&image);
    println!("{text}");
    assert!(ok, "{text}");
    assert!(
        text.contains("Mode 2 Form 1 sectors with valid EDC/ECC: 50"),
        "{text}"
    );
    assert!(
        text.contains("Mode 2 Form 2 sectors with valid EDC:     50"),
        "{text}"
    );
}
