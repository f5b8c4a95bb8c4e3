//! Addresses and counts. A [`Lba`] is signed (CD lead-in and pregap LBAs are negative); an
//! [`Msf`] is CD time in binary (not BCD) minutes/seconds/frames.

use serde::{Deserialize, Serialize};

/// Bytes of user data in a Mode 1 / DVD / BD sector (`IMAPI_SECTOR_SIZE`).
pub const SECTOR_SIZE: usize = 2048;

/// A logical block address. Signed 32-bit two's complement, as in MMC CDB and response fields
/// (−150 = `FF FF FF 6A`).
///
/// Spec: MMC-6 §4.2 (addressing); reference `mmc.md` §0 conventions, §4.1.
#[doc(alias = "LBA")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Lba(pub i32);

impl Lba {
    /// The address `n` blocks after this one, or `None` on overflow.
    pub fn checked_add(self, n: BlockCount) -> Option<Lba> {
        i32::try_from(n.0)
            .ok()
            .and_then(|n| self.0.checked_add(n))
            .map(Lba)
    }

    /// Blocks from `earlier` to `self` (`None` if `earlier > self`).
    pub fn blocks_since(self, earlier: Lba) -> Option<BlockCount> {
        u32::try_from(i64::from(self.0) - i64::from(earlier.0))
            .ok()
            .map(BlockCount)
    }
}

impl std::fmt::Display for Lba {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A number of blocks (sectors). Unsigned.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct BlockCount(pub u32);

impl BlockCount {
    /// Blocks needed for `bytes` bytes of `block_size`-byte blocks, rounded up; `None` if it does
    /// not fit in `u32`.
    pub fn for_bytes(bytes: u64, block_size: usize) -> Option<BlockCount> {
        let bs = block_size as u64;
        u32::try_from(bytes.div_ceil(bs)).ok().map(BlockCount)
    }
}

/// CD time: minutes, seconds (0–59), frames (0–74), in **binary** as MMC commands use it.
///
/// Mapping (ECMA-130 §14, reference `mmc.md` §4.1): `LBA = (M·60+S)·75+F − 150` for M < 90;
/// lead-in times (M ≥ 90) map to negative LBAs: `LBA = (M·60+S)·75+F − 450150`.
/// 00:02:00 = LBA 0, 95:00:00 = LBA −22650, 99:59:74 = LBA −151.
#[doc(alias = "MSF")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Msf {
    /// Minutes, 0–99.
    pub minute: u8,
    /// Seconds, 0–59.
    pub second: u8,
    /// Frames, 0–74.
    pub frame: u8,
}

impl Msf {
    /// Builds an MSF, `None` if a field is out of range (M > 99, S > 59, F > 74).
    pub fn new(minute: u8, second: u8, frame: u8) -> Option<Msf> {
        (minute <= 99 && second <= 59 && frame <= 74).then_some(Msf {
            minute,
            second,
            frame,
        })
    }

    /// The LBA of this time (see the type doc for the mapping).
    pub fn to_lba(self) -> Lba {
        let frames =
            (i32::from(self.minute) * 60 + i32::from(self.second)) * 75 + i32::from(self.frame);
        if self.minute >= 90 {
            Lba(frames - 450_150)
        } else {
            Lba(frames - 150)
        }
    }

    /// The MSF of `lba`, or `None` if it has none (below 90:00:00 = LBA −45150 or at/after 90:00:00
    /// in the program area, i.e. LBA ≥ 404850).
    pub fn from_lba(lba: Lba) -> Option<Msf> {
        let l = lba.0;
        let frames = if l >= -150 {
            if l >= 404_850 {
                return None;
            }
            l + 150
        } else {
            let f = l + 450_150;
            if !(405_000..450_000).contains(&f) {
                return None;
            }
            f
        };
        Some(Msf {
            minute: (frames / 4500) as u8,
            second: (frames / 75 % 60) as u8,
            frame: (frames % 75) as u8,
        })
    }
}

impl std::fmt::Display for Msf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.minute, self.second, self.frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn msf_check_values_from_reference() {
        // mmc.md §4.1 "Check values".
        for (m, s, f, lba) in [
            (95, 0, 0, -22_650),
            (97, 26, 65, -11_635),
            (99, 59, 74, -151),
            (0, 0, 0, -150),
            (0, 2, 0, 0),
            (74, 0, 0, 332_850),
            (79, 59, 74, 359_849),
            (80, 0, 0, 359_850),
        ] {
            let msf = Msf::new(m, s, f).unwrap();
            assert_eq!(msf.to_lba(), Lba(lba), "{msf}");
            assert_eq!(Msf::from_lba(Lba(lba)), Some(msf), "{lba}");
        }
    }

    #[test]
    fn msf_out_of_range_is_none() {
        assert_eq!(Msf::new(0, 60, 0), None);
        assert_eq!(Msf::new(0, 0, 75), None);
        assert_eq!(Msf::from_lba(Lba(404_850)), None);
        assert_eq!(Msf::from_lba(Lba(-45_151)), None);
    }

    proptest! {
        #[test]
        fn lba_msf_round_trip(l in -45_150i32..404_850) {
            let msf = Msf::from_lba(Lba(l)).unwrap();
            prop_assert_eq!(msf.to_lba(), Lba(l));
        }
    }
}
