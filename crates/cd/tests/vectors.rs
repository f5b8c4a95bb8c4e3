//! The test vectors of reference `mmc.md` §4.11 and an RS parity check written independently
//! of `ecc.rs` (explicit α powers instead of Horner's rule).

use discmaster_cd::edc::{edc, EdcField};
use discmaster_cd::scrambler::{scramble, KEYSTREAM};
use discmaster_cd::sector::{self, SectorKind};
use discmaster_cd::subchannel::q_crc;
use discmaster_core::{Lba, Msf};
use sha1::{Digest, Sha1};

fn lba0() -> Msf {
    Msf::from_lba(Lba(0)).unwrap()
}

#[test]
fn edc_check_value_matches_reference() {
    assert_eq!(edc(b"123456789"), 0x6EC2_EDC4);
}

#[test]
fn mode1_zero_sector_lba0_matches_reference_edc_and_sha1() {
    let s = sector::mode1(lba0(), &[0; 2048]);
    assert_eq!(s[2064..2068], [0xc5, 0x13, 0x68, 0x2b]);
    let digest = Sha1::digest(s);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "d9ee3c3ce5f425e5adb786706f65f363fd785695");
    assert!(EdcField::MODE1.check(&s));
}

#[test]
fn scrambled_zero_sector_header_matches_reference() {
    // mmc.md §4.5: Mode-1 zero sector at LBA 0 scrambled → bytes 12–15 = 01 82 00 61.
    let mut s = sector::mode1(lba0(), &[0; 2048]);
    scramble(&mut s);
    assert_eq!(s[12..16], [0x01, 0x82, 0x00, 0x61]);
    assert_eq!(s[..12], sector::SYNC);
    scramble(&mut s);
    assert_eq!(sector::verify(&s), Ok(SectorKind::Mode1));
}

#[test]
fn scrambler_keystream_head_and_tail_match_reference() {
    assert_eq!(
        KEYSTREAM[..16],
        [
            0x01, 0x80, 0x00, 0x60, 0x00, 0x28, 0x00, 0x1E, 0x80, 0x08, 0x60, 0x06, 0xA8, 0x02,
            0xFE, 0x81
        ]
    );
    assert_eq!(KEYSTREAM[2336..], [0x72, 0xDD, 0xE5, 0x99]);
}

#[test]
fn q_crc_matches_all_cdrkit_lead_in_frames() {
    // mmc.md §4.7 full list.
    let frames: [[u8; 12]; 12] = [
        [
            0x01, 0x00, 0xA0, 0x98, 0x06, 0x12, 0x00, 0x01, 0x00, 0x00, 0xE3, 0x74,
        ],
        [
            0x01, 0x00, 0xA0, 0x98, 0x06, 0x13, 0x00, 0x01, 0x00, 0x00, 0x49, 0x25,
        ],
        [
            0x01, 0x00, 0xA1, 0x98, 0x06, 0x14, 0x00, 0x13, 0x00, 0x00, 0x44, 0x21,
        ],
        [
            0x01, 0x00, 0xA1, 0x98, 0x06, 0x15, 0x00, 0x13, 0x00, 0x00, 0xEE, 0x70,
        ],
        [
            0x01, 0x00, 0xA1, 0x98, 0x06, 0x16, 0x00, 0x13, 0x00, 0x00, 0x00, 0xA2,
        ],
        [
            0x01, 0x00, 0xA2, 0x98, 0x06, 0x17, 0x00, 0x70, 0x40, 0x73, 0xE3, 0x85,
        ],
        [
            0x01, 0x00, 0xA2, 0x98, 0x06, 0x18, 0x00, 0x70, 0x40, 0x73, 0x86, 0x7C,
        ],
        [
            0x01, 0x00, 0xA2, 0x98, 0x06, 0x19, 0x00, 0x70, 0x40, 0x73, 0x2C, 0x2D,
        ],
        [
            0x01, 0x00, 0x01, 0x98, 0x06, 0x20, 0x00, 0x00, 0x02, 0x00, 0x3B, 0x71,
        ],
        [
            0x01, 0x00, 0x01, 0x98, 0x06, 0x21, 0x00, 0x00, 0x02, 0x00, 0x91, 0x20,
        ],
        [
            0x01, 0x00, 0x01, 0x98, 0x06, 0x22, 0x00, 0x00, 0x02, 0x00, 0x7F, 0xF2,
        ],
        [
            0x01, 0x00, 0x02, 0x98, 0x06, 0x23, 0x00, 0x03, 0x48, 0x45, 0xBE, 0xE0,
        ],
    ];
    for f in frames {
        assert_eq!(q_crc(&f[..10]).to_be_bytes(), [f[10], f[11]], "{f:02X?}");
    }
}

#[test]
fn msf_check_values_in_sector_headers() {
    // mmc.md §4.1 / §4.11 check values, as BCD sector headers.
    for (lba, bcd) in [
        (-22_650, [0x95, 0x00, 0x00]),
        (-11_635, [0x97, 0x26, 0x65]),
        (-151, [0x99, 0x59, 0x74]),
        (-150, [0x00, 0x00, 0x00]),
        (0, [0x00, 0x02, 0x00]),
        (332_850, [0x74, 0x00, 0x00]),
        (359_850, [0x80, 0x00, 0x00]),
    ] {
        let s = sector::mode1(Msf::from_lba(Lba(lba)).unwrap(), &[0; 2048]);
        assert_eq!(s[12..15], bcd, "LBA {lba}");
        let (header, _) = sector::classify(&s).unwrap();
        assert_eq!(header.address.to_lba(), Lba(lba));
    }
}

/// GF(2⁸)/0x11D multiplication by shift-and-add, independent of the crate.
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut r = 0;
    while b != 0 {
        if b & 1 != 0 {
            r ^= a;
        }
        a = (a << 1) ^ if a & 0x80 != 0 { 0x1D } else { 0 };
        b >>= 1;
    }
    r
}

fn alpha_pow(e: usize) -> u8 {
    (0..e).fold(1u8, |x, _| gf_mul(x, 2))
}

/// Σ vᵢ = 0 and Σ vᵢ·α^(n−1−i) = 0 (mmc.md §4.4), with explicit powers.
fn codeword_ok(v: &[u8]) -> bool {
    let n = v.len();
    let s0 = v.iter().fold(0, |a, &x| a ^ x);
    let s1 = v
        .iter()
        .enumerate()
        .fold(0, |a, (i, &x)| a ^ gf_mul(x, alpha_pow(n - 1 - i)));
    s0 == 0 && s1 == 0
}

/// Every P column and Q diagonal of both planes, addressed as in mmc.md §4.4.
fn rspc_ok(s: &[u8; 2352]) -> bool {
    for c in 0..43 {
        for h in 0..2 {
            let v: Vec<u8> = (0..26).map(|r| s[12 + 2 * c + h + 86 * r]).collect();
            if !codeword_ok(&v) {
                return false;
            }
        }
    }
    for d in 0..26 {
        for h in 0..2 {
            let mut v: Vec<u8> = (0..43)
                .map(|i| s[12 + h + (86 * d + 88 * i) % 2236])
                .collect();
            v.push(s[2248 + 2 * d + h]);
            v.push(s[2300 + 2 * d + h]);
            if !codeword_ok(&v) {
                return false;
            }
        }
    }
    true
}

#[test]
fn rs_parity_checks_hold_for_built_sectors() {
    let mut data = [0u8; 2048];
    for (i, b) in data.iter_mut().enumerate() {
        *b = (i * 151 % 256) as u8;
    }
    let m1 = sector::mode1(Msf::from_lba(Lba(12_345)).unwrap(), &data);
    assert!(rspc_ok(&m1));
    let mut f1 = sector::mode2_form1(
        Msf::from_lba(Lba(77)).unwrap(),
        sector::Subheader::default(),
        &data,
    );
    assert!(
        !rspc_ok(&f1),
        "form 1 parity is computed with a zero header"
    );
    f1[12..16].fill(0);
    assert!(rspc_ok(&f1));
    let mut broken = m1;
    broken[1000] ^= 0x10;
    assert!(!rspc_ok(&broken));
}
