//! The kinds of blank medium the emulated drive can load, with their profile, capacity and
//! recording unit.

use discmaster_mmc::Profile;
use serde::{Deserialize, Serialize};

use crate::EmuError;

/// A kind of recordable medium the emulator can load blank.
///
/// Shape: written as `"cd-r"`, `"dvd+r"`, `"dvd-r"`, `"bd-r"` (Display, FromStr and the state
/// files use the same spelling).
///
/// Spec: profiles from MMC-6 §5.3.1 (reference `mmc.md` §1.6); capacities from `mmc.md` §5.6.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaKind {
    /// CD-R, 80 minutes (profile 0009h).
    #[serde(rename = "cd-r")]
    CdR,
    /// DVD+R single layer (profile 001Bh).
    #[serde(rename = "dvd+r")]
    DvdPlusR,
    /// DVD-R single layer, sequential recording (profile 0011h).
    #[serde(rename = "dvd-r")]
    DvdMinusR,
    /// BD-R single layer, sequential recording mode (profile 0041h).
    #[serde(rename = "bd-r")]
    BdR,
}

impl MediaKind {
    /// Every kind, in profile order.
    pub const ALL: [MediaKind; 4] = [
        MediaKind::CdR,
        MediaKind::DvdMinusR,
        MediaKind::DvdPlusR,
        MediaKind::BdR,
    ];

    /// The MMC profile the drive reports for this medium.
    ///
    /// Spec: MMC-6 §5.3.1 (reference `mmc.md` §1.6).
    pub fn profile(self) -> Profile {
        match self {
            MediaKind::CdR => Profile::CdR,
            MediaKind::DvdPlusR => Profile::DvdPlusR,
            MediaKind::DvdMinusR => Profile::DvdMinusRSequential,
            MediaKind::BdR => Profile::BdRSrm,
        }
    }

    /// User-data capacity of a blank disc, in 2048-byte blocks (= free blocks of the blank
    /// invisible track; for CD-R the LBA of the last possible lead-out start, 79:59:74).
    ///
    /// Units: blocks. Spec: `mmc.md` §5.6.
    pub fn capacity_blocks(self) -> u32 {
        match self {
            MediaKind::CdR => 359_849,
            MediaKind::DvdPlusR => 2_295_104,
            MediaKind::DvdMinusR => 2_298_496,
            MediaKind::BdR => 12_219_392,
        }
    }

    /// The recording unit tracks are padded to when closed: 1 block on CD, the 16-block ECC
    /// block on DVD, the 32-block cluster on BD.
    ///
    /// Units: blocks. Spec: `mmc.md` §5.1.
    pub fn ecc_blocks(self) -> u32 {
        match self {
            MediaKind::CdR => 1,
            MediaKind::DvdPlusR | MediaKind::DvdMinusR => 16,
            MediaKind::BdR => 32,
        }
    }

    /// The spelling used by Display, FromStr and the state files (`"dvd+r"`).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::CdR => "cd-r",
            MediaKind::DvdPlusR => "dvd+r",
            MediaKind::DvdMinusR => "dvd-r",
            MediaKind::BdR => "bd-r",
        }
    }

    /// True for CD media.
    pub fn is_cd(self) -> bool {
        matches!(self, MediaKind::CdR)
    }
}

impl std::fmt::Display for MediaKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for MediaKind {
    type Err = EmuError;

    /// Parses `"cd-r"`, `"dvd+r"`, `"dvd-r"`, `"bd-r"` (ASCII case-insensitive).
    ///
    /// # Errors
    /// [`EmuError::UnknownMediaKind`] for any other text.
    fn from_str(s: &str) -> Result<MediaKind, EmuError> {
        MediaKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| EmuError::UnknownMediaKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_kind_text_round_trips() {
        for k in MediaKind::ALL {
            assert_eq!(k.to_string().parse::<MediaKind>().unwrap(), k);
        }
        assert_eq!("DVD+R".parse::<MediaKind>().unwrap(), MediaKind::DvdPlusR);
        assert!("dvd-ram".parse::<MediaKind>().is_err());
    }

    #[test]
    fn media_kind_capacities_match_reference() {
        // mmc.md §5.6.
        assert_eq!(MediaKind::CdR.capacity_blocks(), 359_849);
        assert_eq!(MediaKind::DvdPlusR.capacity_blocks(), 2_295_104);
        assert_eq!(MediaKind::DvdMinusR.capacity_blocks(), 2_298_496);
        assert_eq!(MediaKind::BdR.capacity_blocks(), 12_219_392);
        assert_eq!(u16::from(MediaKind::BdR.profile()), 0x0041);
        assert_eq!(u16::from(MediaKind::DvdMinusR.profile()), 0x0011);
    }
}
