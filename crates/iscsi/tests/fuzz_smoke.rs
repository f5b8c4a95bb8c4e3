//! A deterministic smoke run of the fuzz entry point (`fuzz_targets/pdu.rs`) without
//! cargo-fuzz: seeded xorshift inputs shaped like PDUs (known opcodes, small consistent
//! lengths, sometimes valid digests, sometimes key=value text), plus plain random buffers.
//!
//! `DISCMASTER_FUZZ_SMOKE_ITERS` sets the number of inputs (default 100 000).

use discmaster_iscsi::{crc32c, fuzz_pdu, Digests, Pdu};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

const OPCODES: [u8; 19] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x1c, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
    0x31, 0x32, 0x3f,
];

const TEXT_PIECES: [&str; 16] = [
    "HeaderDigest=CRC32C,None",
    "DataDigest=None",
    "MaxBurstLength=0x40000",
    "FirstBurstLength=999999999",
    "InitialR2T=No",
    "ImmediateData=Maybe",
    "SessionType=Discovery",
    "InitiatorName=iqn.2024-01.org.example:host",
    "TargetName=iqn.2024-01.org.example:disc",
    "TargetAddress=[2001:db8::1]:3260,1",
    "MaxRecvDataSegmentLength=0bAAEAAA==",
    "X-vendor=1",
    "ErrorRecoveryLevel=Reject",
    "CHAP_C=0x00ff",
    "DefaultTime2Wait=3601",
    "=",
];

fn shaped(rng: &mut XorShift) -> Vec<u8> {
    let selector = rng.byte() & 3;
    let digests = Digests {
        header: selector & 1 != 0,
        data: selector & 2 != 0,
    };
    let mut bhs: Vec<u8> = (0..48).map(|_| rng.byte()).collect();
    bhs[0] = (bhs[0] & 0x40) | OPCODES[rng.below(OPCODES.len() as u64) as usize];
    let ahs_len = if bhs[0] & 0x3f == 0x01 || rng.below(8) == 0 {
        rng.below(4) as usize * 4
    } else {
        0
    };
    bhs[4] = (ahs_len / 4) as u8;
    let mut ahs: Vec<u8> = (0..ahs_len).map(|_| rng.byte()).collect();
    if ahs_len >= 4 && rng.below(2) == 0 {
        // A plausible first AHS: length fits, type 1 or 2.
        let len = rng.below(ahs_len as u64 - 2) as u16;
        ahs[0..2].copy_from_slice(&len.to_be_bytes());
        ahs[2] = 1 + rng.below(2) as u8;
    }
    let data: Vec<u8> = if matches!(bhs[0] & 0x3f, 0x03 | 0x04 | 0x23 | 0x24) && rng.below(2) == 0 {
        let mut t = Vec::new();
        for _ in 0..rng.below(6) {
            t.extend_from_slice(
                TEXT_PIECES[rng.below(TEXT_PIECES.len() as u64) as usize].as_bytes(),
            );
            t.push(0);
        }
        t
    } else if matches!(bhs[0] & 0x3f, 0x21 | 0x32) && rng.below(2) == 0 {
        let n = rng.below(20) as usize;
        let mut d = vec![0, rng.below(24) as u8];
        d.extend((0..n).map(|_| rng.byte()));
        d
    } else {
        (0..rng.below(64)).map(|_| rng.byte()).collect()
    };
    let dsl = data.len();
    bhs[5] = 0;
    bhs[6] = (dsl >> 8) as u8;
    bhs[7] = dsl as u8;
    let mut pdu = bhs;
    pdu.extend_from_slice(&ahs);
    if digests.header {
        let d = crc32c(&pdu);
        pdu.extend_from_slice(&d.to_le_bytes());
    }
    let start = pdu.len();
    pdu.extend_from_slice(&data);
    pdu.resize(start + ((dsl + 3) & !3), 0);
    if digests.data && dsl > 0 {
        let d = crc32c(&pdu[start..]);
        pdu.extend_from_slice(&d.to_le_bytes());
    }
    match rng.below(10) {
        0 => pdu.truncate(rng.below(pdu.len() as u64) as usize),
        1 => {
            let i = rng.below(pdu.len() as u64) as usize;
            pdu[i] ^= 1 << rng.below(8);
        }
        _ => {}
    }
    let mut input = vec![selector];
    input.extend_from_slice(&pdu);
    input
}

#[test]
fn fuzz_pdu_survives_seeded_inputs() {
    let iterations: u64 = std::env::var("DISCMASTER_FUZZ_SMOKE_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut decoded = 0u64;
    for i in 0..iterations {
        let input = if i % 8 == 7 {
            (0..rng.below(160)).map(|_| rng.byte()).collect()
        } else {
            shaped(&mut rng)
        };
        fuzz_pdu(&input);
        if let Some((&sel, rest)) = input.split_first() {
            let d = Digests {
                header: sel & 1 != 0,
                data: sel & 2 != 0,
            };
            decoded += u64::from(Pdu::decode(rest, d).is_ok());
        }
    }
    eprintln!("fuzz smoke: {iterations} inputs, {decoded} decoded as PDUs");
    // The shaped inputs must reach the typed decoders, not just the length checks.
    assert!(
        decoded * 4 > iterations,
        "only {decoded} of {iterations} decoded"
    );
}
