//! Sector coding throughput: Mode 1 encoding (header, EDC, P/Q parity) with and without the
//! scrambler, verification, and the parts on their own. Throughput is counted in user-data
//! bytes (2048 per Mode 1 sector) except where noted.
//!
//! Run: `cargo bench -p discmaster-cd --bench sector`.

use discmaster_cd::ecc::{self, HeaderInEcc};
use discmaster_cd::edc::edc;
use discmaster_cd::scrambler::scramble;
use discmaster_cd::sector::{self, SECTOR_BYTES};
use discmaster_core::{Lba, Msf};
use divan::counter::BytesCount;
use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

/// 64 sectors' worth of pseudo-random user data (xorshift64).
fn user_data() -> Vec<[u8; 2048]> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..64)
        .map(|_| {
            let mut d = [0u8; 2048];
            for b in d.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = (x >> 32) as u8;
            }
            d
        })
        .collect()
}

/// Mode 1 sector encoding for RAW writing: sync, header, EDC, ECC, then scramble.
#[divan::bench]
fn mode1_encode_scrambled(bencher: Bencher) {
    let data = user_data();
    let msf = Msf::from_lba(Lba(1234)).unwrap_or(Msf {
        minute: 0,
        second: 2,
        frame: 0,
    });
    let mut out = [0u8; SECTOR_BYTES];
    let mut i = 0;
    bencher.counter(BytesCount::new(2048usize)).bench_local(|| {
        sector::mode1_into(&mut out, msf, black_box(&data[i % data.len()]));
        scramble(&mut out);
        i += 1;
        black_box(&out);
    });
}

/// Mode 1 sector encoding without scrambling (SAO 2352-byte forms, images).
#[divan::bench]
fn mode1_encode(bencher: Bencher) {
    let data = user_data();
    let msf = Msf {
        minute: 0,
        second: 2,
        frame: 0,
    };
    let mut out = [0u8; SECTOR_BYTES];
    let mut i = 0;
    bencher.counter(BytesCount::new(2048usize)).bench_local(|| {
        sector::mode1_into(&mut out, msf, black_box(&data[i % data.len()]));
        i += 1;
        black_box(&out);
    });
}

/// Full check of a Mode 1 sector (sync, header, EDC, P/Q syndromes).
#[divan::bench]
fn mode1_verify(bencher: Bencher) {
    let s = sector::mode1(
        Msf {
            minute: 0,
            second: 2,
            frame: 0,
        },
        &user_data()[0],
    );
    bencher
        .counter(BytesCount::new(2048usize))
        .bench_local(|| sector::verify(black_box(&s)));
}

/// EDC alone over the 2064 bytes it covers in Mode 1 (counted as 2064 bytes).
#[divan::bench]
fn edc_mode1_range(bencher: Bencher) {
    let s = [0x5au8; 2064];
    bencher
        .counter(BytesCount::new(2064usize))
        .bench_local(|| edc(black_box(&s)));
}

/// P and Q parity alone (counted as the 2064 covered bytes).
#[divan::bench]
fn ecc_parity(bencher: Bencher) {
    let mut s = [0x5au8; SECTOR_BYTES];
    bencher.counter(BytesCount::new(2064usize)).bench_local(|| {
        ecc::store_parity(black_box(&mut s), HeaderInEcc::Included);
    });
}

/// Scrambling alone (counted as the 2340 scrambled bytes).
#[divan::bench]
fn scramble_sector(bencher: Bencher) {
    let mut s = [0x5au8; SECTOR_BYTES];
    bencher
        .counter(BytesCount::new(2340usize))
        .bench_local(|| scramble(black_box(&mut s)));
}
