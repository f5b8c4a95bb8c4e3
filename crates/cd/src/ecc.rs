//! ECC: the Reed-Solomon product code (RSPC) of Mode 1 and Mode 2 Form 1 sectors — P parity
//! (RS(26,24) over 2 × 43 columns) and Q parity (RS(45,43) over 2 × 26 diagonals).
//!
//! Scope: computing and checking the 276 parity bytes 2076–2351 of a 2352-byte sector.
//! Invariants: every function is total; the code is GF(2⁸) with primitive polynomial
//! x⁸ + x⁴ + x³ + x² + 1 (0x11D) and α = 2. Bytes 12–2351 are 1170 16-bit words (byte
//! `12 + 2n` = LSB of word n); the LSB plane and MSB plane are coded independently.
//!
//! Each codeword `v` of length `n` (data then the two parity symbols) satisfies
//! `Σ vᵢ = 0` and `Σ vᵢ·α^(n−1−i) = 0`. With `S0 = Σ dᵢ` and `S1 = Σ dᵢ·α^(n−1−i)` over the
//! data symbols, that gives `P0 = (S0 + S1)/(α + 1)` and `P1 = S0 + P0` (derived here from the
//! check equations; the encoder is ours, not a copy of any table-driven encoder).
//!
//! Spec: ECMA-130 Annex A; reference `mmc.md` §4.4.

use crate::sector::SECTOR_BYTES;

/// First byte covered by the RSPC (the header; sync bytes 0–11 are outside).
const START: usize = 12;
/// Bytes per RSPC row: 43 words.
const ROW_BYTES: usize = 86;
/// Data rows of the P code (rows 24 and 25 are its parity).
const P_DATA_ROWS: usize = 24;
/// Offset of P parity row 24 (P0) and row 25 (P1).
const P0_AT: usize = 2076;
const P1_AT: usize = 2162;
/// Number of Q diagonals per plane.
const Q_DIAGONALS: usize = 26;
/// Data symbols per Q codeword.
const Q_DATA: usize = 43;
/// Bytes covered by the Q code's data (24 data rows + 2 P rows).
const Q_SPAN: usize = 2236;
/// Byte step between consecutive symbols of a Q diagonal (44 words).
const Q_STEP: usize = 88;
/// Offset of Q parity P0 and P1.
const Q0_AT: usize = 2248;
const Q1_AT: usize = 2300;

/// `x·α` in GF(2⁸)/0x11D, branch-free so that row loops vectorise.
#[inline(always)]
const fn mul_alpha(x: u8) -> u8 {
    (x << 1) ^ (((x as i8) >> 7) as u8 & 0x1D)
}

/// `x·y` in GF(2⁸)/0x11D by shift-and-add (only used to build tables at compile time).
const fn gf_mul(mut x: u8, mut y: u8) -> u8 {
    let mut r = 0u8;
    while y != 0 {
        if y & 1 != 0 {
            r ^= x;
        }
        x = mul_alpha(x);
        y >>= 1;
    }
    r
}

/// `x / (α + 1)` for every x: the multiplicative inverse of 3 found by search, then a product
/// table.
const DIV_ALPHA_PLUS_1: [u8; 256] = {
    let mut inv = 1u8;
    while gf_mul(3, inv) != 1 {
        inv += 1;
    }
    let mut t = [0u8; 256];
    let mut x = 0;
    while x < 256 {
        t[x] = gf_mul(x as u8, inv);
        x += 1;
    }
    t
};

/// Whether the sector's header bytes 12–15 take part in the parity computation.
///
/// Mode 1 includes them; Mode 2 Form 1 computes P and Q as if they were zero, so that the
/// sector can be relocated without recomputing its ECC.
///
/// Spec: ECMA-130 §14.5 (XA Form 1); reference `mmc.md` §4.2, §4.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderInEcc {
    /// Header bytes are part of the code (Mode 1).
    Included,
    /// Header bytes are treated as zero (Mode 2 Form 1).
    Zeroed,
}

/// Which of the two RSPC codes failed a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EccCode {
    /// P: RS(26,24) over columns.
    P,
    /// Q: RS(45,43) over diagonals.
    Q,
}

impl std::fmt::Display for EccCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EccCode::P => "P",
            EccCode::Q => "Q",
        })
    }
}

/// A parity check failure: the first codeword whose syndromes are not zero.
///
/// Shape: `codeword` is the column (P, 0–42) or diagonal (Q, 0–25); `plane` 0 = even (LSB)
/// bytes, 1 = odd (MSB) bytes.
///
/// Spec: reference `mmc.md` §4.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("ECC {code} parity check failed at codeword {codeword}, plane {plane}")]
pub struct EccError {
    /// Code that failed.
    pub code: EccCode,
    /// Column (P) or diagonal (Q) number.
    pub codeword: u8,
    /// Byte plane: 0 = LSB (even offsets), 1 = MSB (odd offsets).
    pub plane: u8,
}

/// Computes P then Q parity over bytes 12–2075 and stores them at 2076–2247 (P) and
/// 2248–2351 (Q). Bytes 2068–2075 must already hold what the sector form defines there
/// (zeros in Mode 1; EDC in Mode 2 Form 1).
///
/// Shape: P column c, plane h: data `12 + 2c + h + 86r` (r = 0–23), parity at `2076 + 2c + h`
/// and `2162 + 2c + h`. Q diagonal d, plane h: data `12 + h + (86d + 88i) mod 2236`
/// (i = 0–42), parity at `2248 + 2d + h` and `2300 + 2d + h`.
///
/// Spec: ECMA-130 Annex A; reference `mmc.md` §4.4.
pub fn store_parity(sector: &mut [u8; SECTOR_BYTES], header: HeaderInEcc) {
    match header {
        HeaderInEcc::Included => store_p_then_q(sector),
        HeaderInEcc::Zeroed => {
            let mut saved = [0u8; 4];
            saved.copy_from_slice(&sector[START..START + 4]);
            sector[START..START + 4].fill(0);
            store_p_then_q(sector);
            sector[START..START + 4].copy_from_slice(&saved);
        }
    }
}

/// Checks both syndromes of every P and Q codeword.
///
/// # Errors
///
/// [`EccError`] naming the first failing codeword (P columns first, then Q diagonals).
///
/// Spec: ECMA-130 Annex A; reference `mmc.md` §4.4.
pub fn check_parity(sector: &[u8; SECTOR_BYTES], header: HeaderInEcc) -> Result<(), EccError> {
    match header {
        HeaderInEcc::Included => check_codewords(sector),
        HeaderInEcc::Zeroed => {
            let mut copy = *sector;
            copy[START..START + 4].fill(0);
            check_codewords(&copy)
        }
    }
}

/// Number of P codewords (43 columns × 2 planes), indexed `2c + h`.
const P_CODEWORDS: usize = ROW_BYTES;
/// Number of Q codewords (26 diagonals × 2 planes), indexed `2d + h`.
const Q_CODEWORDS: usize = 2 * Q_DIAGONALS;

/// Running sums of a set of codewords: `s0 = Σ vᵢ` and the Horner sum `acc = Σ vᵢ·α^(m−1−i)`
/// after m symbols. All codewords advance together so the steps vectorise.
struct Sums<const N: usize> {
    s0: [u8; N],
    acc: [u8; N],
}

impl<const N: usize> Sums<N> {
    fn new() -> Self {
        Sums {
            s0: [0; N],
            acc: [0; N],
        }
    }

    /// Feeds symbol i of every codeword.
    #[inline(always)]
    fn step(&mut self, symbols: &[u8]) {
        for ((s0, acc), &v) in self.s0.iter_mut().zip(self.acc.iter_mut()).zip(symbols) {
            *s0 ^= v;
            *acc = mul_alpha(*acc) ^ v;
        }
    }

    /// The first codeword whose two syndromes are not both zero (after feeding all n symbols).
    fn first_nonzero(&self) -> Option<usize> {
        (0..N).find(|&k| self.s0[k] != 0 || self.acc[k] != 0)
    }
}

/// Feeds P rows `0..rows` (row 24 = P0, 25 = P1).
fn p_sums(s: &[u8; SECTOR_BYTES], rows: usize) -> Sums<P_CODEWORDS> {
    let mut sums = Sums::new();
    for r in 0..rows {
        let at = START + ROW_BYTES * r;
        sums.step(&s[at..at + ROW_BYTES]);
    }
    sums
}

/// Feeds the 43 data symbols of every Q diagonal.
fn q_sums(s: &[u8; SECTOR_BYTES]) -> Sums<Q_CODEWORDS> {
    let mut sums = Sums::new();
    for i in 0..Q_DATA {
        let mut symbols = [0u8; Q_CODEWORDS];
        // Offset (86d + 88i) mod 2236 for d = 0, 1, …, advanced without a division.
        let mut offset = (Q_STEP * i) % Q_SPAN;
        for pair in symbols.chunks_exact_mut(2) {
            pair.copy_from_slice(&s[START + offset..START + offset + 2]);
            offset += ROW_BYTES;
            if offset >= Q_SPAN {
                offset -= Q_SPAN;
            }
        }
        sums.step(&symbols);
    }
    sums
}

fn store_p_then_q(s: &mut [u8; SECTOR_BYTES]) {
    let p = p_sums(s, P_DATA_ROWS);
    for k in 0..P_CODEWORDS {
        let (p0, p1) = parity(p.s0[k], p.acc[k]);
        s[P0_AT + k] = p0;
        s[P1_AT + k] = p1;
    }
    // Q covers the P rows just written.
    let q = q_sums(s);
    for k in 0..Q_CODEWORDS {
        let (q0, q1) = parity(q.s0[k], q.acc[k]);
        s[Q0_AT + k] = q0;
        s[Q1_AT + k] = q1;
    }
}

/// Parity symbols from `s0 = Σ dᵢ` and the Horner sum `acc = Σ dᵢ·α^(n−3−i)`.
#[inline(always)]
fn parity(s0: u8, acc: u8) -> (u8, u8) {
    let s1 = mul_alpha(mul_alpha(acc));
    let p0 = DIV_ALPHA_PLUS_1[usize::from(s0 ^ s1)];
    (p0, s0 ^ p0)
}

fn check_codewords(s: &[u8; SECTOR_BYTES]) -> Result<(), EccError> {
    let fail = |code, k: usize| EccError {
        code,
        codeword: (k / 2) as u8,
        plane: (k % 2) as u8,
    };
    // P rows 0–25 include both parity rows: every column must end with zero syndromes.
    if let Some(k) = p_sums(s, P_DATA_ROWS + 2).first_nonzero() {
        return Err(fail(EccCode::P, k));
    }
    let mut q = q_sums(s);
    q.step(&s[Q0_AT..Q0_AT + Q_CODEWORDS]);
    q.step(&s[Q1_AT..Q1_AT + Q_CODEWORDS]);
    match q.first_nonzero() {
        Some(k) => Err(fail(EccCode::Q, k)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gf_mul_alpha_wraps_with_0x11d() {
        assert_eq!(mul_alpha(0x01), 0x02);
        assert_eq!(mul_alpha(0x80), 0x1D); // x^8 = x^4 + x^3 + x^2 + 1
        assert_eq!(mul_alpha(0xFF), 0xE3); // 0x1FE ^ 0x11D
        assert_eq!(gf_mul(3, DIV_ALPHA_PLUS_1[1]), 1);
    }

    #[test]
    fn gf_alpha_is_primitive() {
        // α has order 255: the powers α^0..α^254 are all distinct.
        let mut seen = [false; 256];
        let mut x = 1u8;
        for _ in 0..255 {
            assert!(!seen[usize::from(x)]);
            seen[usize::from(x)] = true;
            x = mul_alpha(x);
        }
        assert_eq!(x, 1);
    }

    #[test]
    fn ecc_zero_sector_has_zero_parity() {
        let mut s = [0u8; SECTOR_BYTES];
        s[2076..].fill(0xa5);
        store_parity(&mut s, HeaderInEcc::Included);
        assert!(s[2076..].iter().all(|&b| b == 0));
        assert_eq!(check_parity(&s, HeaderInEcc::Included), Ok(()));
    }

    #[test]
    fn ecc_single_byte_flip_is_detected_by_p_and_q() {
        let mut s = [0u8; SECTOR_BYTES];
        for (i, b) in s.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(31);
        }
        store_parity(&mut s, HeaderInEcc::Included);
        assert_eq!(check_parity(&s, HeaderInEcc::Included), Ok(()));
        // Byte 12 + 2·5 + 1 + 86·3 = column 5, plane 1, row 3.
        s[12 + 10 + 1 + 258] ^= 0x40;
        assert_eq!(
            check_parity(&s, HeaderInEcc::Included),
            Err(EccError {
                code: EccCode::P,
                codeword: 5,
                plane: 1
            })
        );
        // A flipped Q parity byte leaves P intact: Q diagonal 7 plane 0.
        s[12 + 10 + 1 + 258] ^= 0x40;
        s[2248 + 14] ^= 1;
        assert_eq!(
            check_parity(&s, HeaderInEcc::Included),
            Err(EccError {
                code: EccCode::Q,
                codeword: 7,
                plane: 0
            })
        );
    }

    #[test]
    fn ecc_zeroed_header_ignores_header_bytes() {
        let mut s = [0x3cu8; SECTOR_BYTES];
        store_parity(&mut s, HeaderInEcc::Zeroed);
        assert_eq!(&s[12..16], &[0x3c; 4], "header restored");
        assert_eq!(check_parity(&s, HeaderInEcc::Zeroed), Ok(()));
        assert!(check_parity(&s, HeaderInEcc::Included).is_err());
        s[12] = 0x99;
        assert_eq!(check_parity(&s, HeaderInEcc::Zeroed), Ok(()));
    }
}
