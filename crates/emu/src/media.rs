//! The kinds of blank medium the emulated drive can load, with their profile, capacity and
//! recording unit.

use discmaster_core::{Lba, Msf};
use discmaster_mmc::Profile;
use serde::{Deserialize, Serialize};

use crate::EmuError;

/// A kind of recordable medium the emulator can load.
///
/// Shape: written as `"cd-r"`, `"cd-rw"`, `"dvd+r"`, `"dvd-r"`, `"bd-r"`, `"dvd+rw"`,
/// `"dvd-rw"`, `"dvd-ram"`, `"dvd+r-dl"`, `"bd-re"` (Display, FromStr and the state files use
/// the same spelling).
///
/// A new disc of each kind is blank, except: DVD+RW and BD-RE are unformatted (they must be
/// formatted with FORMAT UNIT before writing), DVD-RAM comes formatted. [`MediaOptions`] can
/// load a disc already formatted.
///
/// Spec: profiles from MMC-6 §5.3.1 (reference `mmc.md` §1.6); capacities from `mmc.md` §5.6.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaKind {
    /// CD-R, 80 minutes (profile 0009h).
    #[serde(rename = "cd-r")]
    CdR,
    /// CD-RW, 80 minutes (profile 000Ah, erasable with BLANK full or minimal).
    #[serde(rename = "cd-rw")]
    CdRw,
    /// DVD+R single layer (profile 001Bh).
    #[serde(rename = "dvd+r")]
    DvdPlusR,
    /// DVD-R single layer, sequential recording (profile 0011h).
    #[serde(rename = "dvd-r")]
    DvdMinusR,
    /// BD-R single layer, sequential recording mode (profile 0041h); FORMAT UNIT 00h/32h
    /// allocates spare areas while it is blank.
    #[serde(rename = "bd-r")]
    BdR,
    /// DVD+RW single layer (profile 001Ah), unformatted when new; FORMAT UNIT 26h with
    /// background format.
    #[serde(rename = "dvd+rw")]
    DvdPlusRw,
    /// DVD-RW single layer: sequential recording (profile 0014h) when new or blanked,
    /// restricted overwrite (profile 0013h) after FORMAT UNIT 00h/10h/15h.
    #[serde(rename = "dvd-rw")]
    DvdMinusRw,
    /// DVD-RAM 4.7 GB (profile 0012h), formatted, random writable.
    #[serde(rename = "dvd-ram")]
    DvdRam,
    /// DVD+R dual layer (profile 002Bh), layer 0 holding half the capacity.
    #[serde(rename = "dvd+r-dl")]
    DvdPlusRDl,
    /// BD-RE single layer (profile 0043h), unformatted when new; FORMAT UNIT 00h/30h (spare
    /// areas) or 31h (none).
    #[serde(rename = "bd-re")]
    BdRe,
}

impl MediaKind {
    /// Every kind, in profile order.
    pub const ALL: [MediaKind; 10] = [
        MediaKind::CdR,
        MediaKind::CdRw,
        MediaKind::DvdMinusR,
        MediaKind::DvdRam,
        MediaKind::DvdMinusRw,
        MediaKind::DvdPlusRw,
        MediaKind::DvdPlusR,
        MediaKind::DvdPlusRDl,
        MediaKind::BdR,
        MediaKind::BdRe,
    ];

    /// The MMC profile the drive reports for a new disc of this kind (a DVD-RW formatted for
    /// restricted overwrite reports 0013h instead).
    ///
    /// Spec: MMC-6 §5.3.1 (reference `mmc.md` §1.6).
    pub fn profile(self) -> Profile {
        match self {
            MediaKind::CdR => Profile::CdR,
            MediaKind::CdRw => Profile::CdRw,
            MediaKind::DvdPlusR => Profile::DvdPlusR,
            MediaKind::DvdMinusR => Profile::DvdMinusRSequential,
            MediaKind::BdR => Profile::BdRSrm,
            MediaKind::DvdPlusRw => Profile::DvdPlusRw,
            MediaKind::DvdMinusRw => Profile::DvdMinusRwSequential,
            MediaKind::DvdRam => Profile::DvdRam,
            MediaKind::DvdPlusRDl => Profile::DvdPlusRDl,
            MediaKind::BdRe => Profile::BdRe,
        }
    }

    /// User-data capacity of the disc without spare areas, in 2048-byte blocks (= free blocks
    /// of a blank disc; the formatted capacity of DVD+RW, DVD-RW and DVD-RAM; BD-RE formatted
    /// without spare areas, type 31h; for CD-R/RW the LBA of the default last possible lead-out
    /// start, 79:59:74 — [`crate::MediaOptions`] can change it).
    ///
    /// Units: blocks. Spec: `mmc.md` §5.6.
    pub fn capacity_blocks(self) -> u32 {
        match self {
            MediaKind::CdR | MediaKind::CdRw => 359_849,
            MediaKind::DvdPlusR | MediaKind::DvdPlusRw => 2_295_104,
            MediaKind::DvdMinusR | MediaKind::DvdMinusRw => 2_298_496,
            MediaKind::DvdRam => 2_236_704,
            MediaKind::DvdPlusRDl => 4_173_824,
            MediaKind::BdR | MediaKind::BdRe => 12_219_392,
        }
    }

    /// The recording unit tracks are padded to when closed: 1 block on CD, the 16-block ECC
    /// block on DVD, the 32-block cluster on BD.
    ///
    /// Units: blocks. Spec: `mmc.md` §5.1.
    pub fn ecc_blocks(self) -> u32 {
        if self.is_cd() {
            1
        } else if self.is_bd() {
            32
        } else {
            16
        }
    }

    /// The spelling used by Display, FromStr and the state files (`"dvd+r"`).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::CdR => "cd-r",
            MediaKind::CdRw => "cd-rw",
            MediaKind::DvdPlusR => "dvd+r",
            MediaKind::DvdMinusR => "dvd-r",
            MediaKind::BdR => "bd-r",
            MediaKind::DvdPlusRw => "dvd+rw",
            MediaKind::DvdMinusRw => "dvd-rw",
            MediaKind::DvdRam => "dvd-ram",
            MediaKind::DvdPlusRDl => "dvd+r-dl",
            MediaKind::BdRe => "bd-re",
        }
    }

    /// True for CD media (CD-R and CD-RW).
    pub fn is_cd(self) -> bool {
        matches!(self, MediaKind::CdR | MediaKind::CdRw)
    }

    /// True for DVD-R and DVD-RW (DVD-R style recording: disc at once, borders, link size 16).
    pub(crate) fn is_dvd_minus(self) -> bool {
        matches!(self, MediaKind::DvdMinusR | MediaKind::DvdMinusRw)
    }

    /// True for Blu-ray media (BD-R, BD-RE).
    pub fn is_bd(self) -> bool {
        matches!(self, MediaKind::BdR | MediaKind::BdRe)
    }

    /// True for DVD media.
    pub fn is_dvd(self) -> bool {
        !self.is_cd() && !self.is_bd()
    }

    /// True for rewritable media (CD-RW, DVD+RW, DVD-RW, DVD-RAM, BD-RE): READ DISC
    /// INFORMATION reports Erasable; a CD-RW's ATIP has disc type 1.
    ///
    /// Spec: `mmc.md` §1.9, §1.12.
    pub fn is_erasable(self) -> bool {
        matches!(
            self,
            MediaKind::CdRw
                | MediaKind::DvdPlusRw
                | MediaKind::DvdMinusRw
                | MediaKind::DvdRam
                | MediaKind::BdRe
        )
    }

    /// True for media BLANK erases (CD-RW, DVD-RW).
    ///
    /// Spec: `mmc.md` §1.16.
    pub fn is_blankable(self) -> bool {
        matches!(self, MediaKind::CdRw | MediaKind::DvdMinusRw)
    }

    /// True for media recorded only by random-access writes once formatted (DVD+RW, DVD-RAM,
    /// BD-RE; DVD-RW only after FORMAT UNIT, see the medium state).
    ///
    /// Spec: `mmc.md` §5.2.
    pub fn is_random_writable(self) -> bool {
        matches!(
            self,
            MediaKind::DvdPlusRw | MediaKind::DvdRam | MediaKind::BdRe
        )
    }

    /// True for media whose page 05h Test Write bit is changeable (simulation: CD-R, CD-RW,
    /// DVD-R, DVD-RW in sequential recording).
    ///
    /// Spec: `mmc.md` §2.2, §1.6 (features 002Dh, 002Eh, 002Fh Test Write).
    pub fn supports_test_write(self) -> bool {
        matches!(
            self,
            MediaKind::CdR | MediaKind::CdRw | MediaKind::DvdMinusR | MediaKind::DvdMinusRw
        )
    }

    /// The DVD book type of READ DISC STRUCTURE format 00h (D0 bits 7–4): DVD-RAM 1, DVD-R 2,
    /// DVD-RW 3, DVD+RW 9, DVD+R Ah, DVD+R DL Eh; `None` for CD and BD.
    ///
    /// Spec: `mmc.md` §1.13.
    pub fn dvd_book_type(self) -> Option<u8> {
        Some(match self {
            MediaKind::DvdRam => 0x1,
            MediaKind::DvdMinusR => 0x2,
            MediaKind::DvdMinusRw => 0x3,
            MediaKind::DvdPlusRw => 0x9,
            MediaKind::DvdPlusR => 0xA,
            MediaKind::DvdPlusRDl => 0xE,
            MediaKind::CdR | MediaKind::CdRw | MediaKind::BdR | MediaKind::BdRe => return None,
        })
    }

    /// Number of recording layers (2 for DVD+R DL).
    pub fn layers(self) -> u8 {
        if self == MediaKind::DvdPlusRDl {
            2
        } else {
            1
        }
    }

    /// Default layer 0 data zone capacity of a dual-layer disc (half the capacity, a multiple
    /// of the 16-block ECC block); `None` for single-layer media.
    ///
    /// Units: blocks. Spec: `mmc.md` §5.5.
    pub fn default_layer0_blocks(self) -> Option<u32> {
        (self.layers() == 2).then(|| self.capacity_blocks() / 2 / 16 * 16)
    }
}

impl std::fmt::Display for MediaKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for MediaKind {
    type Err = EmuError;

    /// Parses a kind's spelling ([`MediaKind::as_str`], ASCII case-insensitive).
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

/// Default ATIP start time of lead-in of an emulated CD-R/RW: 97:26:65 (LBA −11 635), the
/// typical value quoted in `mmc.md` §4.1 and what the emulator reported before lead-in starts
/// became configurable.
pub const DEFAULT_ATIP_LEAD_IN_START: Msf = Msf {
    minute: 97,
    second: 26,
    frame: 65,
};

/// Default ATIP last possible start of lead-out: 79:59:74 (LBA 359 849, an 80-minute disc).
pub const DEFAULT_ATIP_LAST_LEAD_OUT_START: Msf = Msf {
    minute: 79,
    second: 59,
    frame: 74,
};

/// Per-medium options for [`crate::EmulatedDrive::load_blank_with`]; `None` means the default.
/// CD media take the ATIP options; DVD+RW, DVD-RW, DVD-RAM, BD-R and BD-RE take `formatted`.
///
/// Use: `MediaOptions { atip_lead_in_start: Msf::new(95, 0, 0), ..MediaOptions::default() }`,
/// `MediaOptions { formatted: Some(Preformat::WithSpare), ..MediaOptions::default() }`.
///
/// Spec: ATIP fields of READ TOC format 4 (`mmc.md` §1.12); formats `mmc.md` §5.4.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaOptions {
    /// ATIP start time of lead-in (READ TOC format 4 B8–10; READ DISC INFORMATION bytes 17–19
    /// of the blank disc; the NWA of a blank disc in RAW mode). Minutes 90–99 (lead-in times,
    /// LBA −45 150 … −151; real discs use 95–97). Default [`DEFAULT_ATIP_LEAD_IN_START`].
    pub atip_lead_in_start: Option<Msf>,
    /// ATIP last possible start of lead-out (format 4 B12–14): the end of the program area and
    /// the capacity of the blank disc. LBA 1 … 404 849. Default
    /// [`DEFAULT_ATIP_LAST_LEAD_OUT_START`].
    pub atip_last_lead_out_start: Option<Msf>,
    /// Load the disc already formatted, as FORMAT UNIT would leave it (`None`: as sold —
    /// DVD+RW and BD-RE unformatted, DVD-RW blank sequential, BD-R blank without spare areas,
    /// DVD-RAM formatted).
    pub formatted: Option<Preformat>,
}

/// How [`MediaOptions::formatted`] pre-formats a disc.
///
/// Spec: `mmc.md` §5.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preformat {
    /// Formatted without spare areas: DVD+RW (type 26h, background format complete), DVD-RW
    /// restricted overwrite (type 10h), DVD-RAM (as sold), BD-RE (type 31h, 12 219 392
    /// blocks), BD-R (no change: SRM without spare areas).
    Plain,
    /// Formatted with the default spare areas (type 00h): BD-R and BD-RE, 11 826 176 blocks.
    WithSpare,
}

impl MediaOptions {
    /// The lead-in start and last lead-out start as LBAs for `kind` (`None` for non-CD kinds),
    /// after checking every option against `kind`.
    ///
    /// # Errors
    /// [`EmuError::InvalidOption`] for ATIP options on a non-CD kind, a lead-in minute outside
    /// 90–99, a last lead-out start outside LBA 1 … 404 849; `formatted` on a kind it does not
    /// apply to ([`Preformat::Plain`]: DVD+RW, DVD-RW, DVD-RAM, BD-R, BD-RE;
    /// [`Preformat::WithSpare`]: BD-R, BD-RE).
    pub(crate) fn resolve(&self, kind: MediaKind) -> Result<Option<(Lba, Lba)>, EmuError> {
        let formattable = match self.formatted {
            None => true,
            Some(Preformat::Plain) => matches!(
                kind,
                MediaKind::DvdPlusRw
                    | MediaKind::DvdMinusRw
                    | MediaKind::DvdRam
                    | MediaKind::BdR
                    | MediaKind::BdRe
            ),
            Some(Preformat::WithSpare) => kind.is_bd(),
        };
        if !formattable {
            return Err(EmuError::InvalidOption(format!(
                "{kind} cannot be loaded formatted {}",
                match self.formatted {
                    Some(Preformat::WithSpare) => "with spare areas",
                    _ => "",
                }
            )));
        }
        if !kind.is_cd() {
            if self.atip_lead_in_start.is_some() || self.atip_last_lead_out_start.is_some() {
                return Err(EmuError::InvalidOption(format!(
                    "ATIP options apply to CD media only, not {kind}"
                )));
            }
            return Ok(None);
        }
        let lead_in = self
            .atip_lead_in_start
            .unwrap_or(DEFAULT_ATIP_LEAD_IN_START);
        let lead_out = self
            .atip_last_lead_out_start
            .unwrap_or(DEFAULT_ATIP_LAST_LEAD_OUT_START);
        if !(90..=99).contains(&lead_in.minute)
            || Msf::new(lead_in.minute, lead_in.second, lead_in.frame).is_none()
        {
            return Err(EmuError::InvalidOption(format!(
                "ATIP lead-in start {lead_in} must be a valid time with minutes 90-99"
            )));
        }
        let lead_in_lba = lead_in.to_lba();
        let lead_out_lba = lead_out.to_lba();
        if Msf::new(lead_out.minute, lead_out.second, lead_out.frame).is_none()
            || !(1..=404_849).contains(&lead_out_lba.0)
        {
            return Err(EmuError::InvalidOption(format!(
                "ATIP last possible lead-out start {lead_out} must lie in the program area"
            )));
        }
        Ok(Some((lead_in_lba, lead_out_lba)))
    }
}

/// Parses a medium specification as `emu load --media` takes it: a kind
/// ([`MediaKind::as_str`]) optionally followed by `:formatted` ([`Preformat::Plain`]) or
/// `:spare` ([`Preformat::WithSpare`]) — `"bd-re:spare"`, `"dvd+rw:formatted"`, `"bd-r:spare"`.
///
/// # Errors
/// [`EmuError::UnknownMediaKind`] for an unknown kind; [`EmuError::InvalidOption`] for an
/// unknown suffix or one the kind does not take (see [`MediaOptions`]).
pub fn parse_media_spec(text: &str) -> Result<(MediaKind, MediaOptions), EmuError> {
    let (kind_text, suffix) = match text.trim().split_once(':') {
        Some((k, s)) => (k, Some(s.trim())),
        None => (text.trim(), None),
    };
    let kind: MediaKind = kind_text.parse()?;
    let formatted = match suffix.map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("formatted") => Some(Preformat::Plain),
        Some("spare") => Some(Preformat::WithSpare),
        Some(other) => {
            return Err(EmuError::InvalidOption(format!(
                "unknown medium option {other:?} (expected formatted or spare)"
            )))
        }
    };
    let options = MediaOptions {
        formatted,
        ..MediaOptions::default()
    };
    options.resolve(kind)?;
    Ok((kind, options))
}

/// Parses a binary CD time `MM:SS:FF` (`"97:26:65"`).
///
/// # Errors
/// [`EmuError::InvalidOption`] unless the text is three `:`-separated numbers with minutes
/// 0–99, seconds 0–59, frames 0–74.
pub fn parse_msf(text: &str) -> Result<Msf, EmuError> {
    let bad = || EmuError::InvalidOption(format!("{text:?} is not a CD time MM:SS:FF"));
    let parts: Vec<&str> = text.trim().split(':').collect();
    let [m, s, f] = parts.as_slice() else {
        return Err(bad());
    };
    let num = |p: &str| p.parse::<u8>().map_err(|_| bad());
    Msf::new(num(m)?, num(s)?, num(f)?).ok_or_else(bad)
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
        assert_eq!("dvd-ram".parse::<MediaKind>().unwrap(), MediaKind::DvdRam);
        assert_eq!(
            "DVD+R-DL".parse::<MediaKind>().unwrap(),
            MediaKind::DvdPlusRDl
        );
        assert!("hd-dvd".parse::<MediaKind>().is_err());
    }

    #[test]
    fn parse_media_spec_reads_formatting_suffixes() {
        assert_eq!(
            parse_media_spec("bd-re").unwrap(),
            (MediaKind::BdRe, MediaOptions::default())
        );
        let (k, o) = parse_media_spec("bd-r:spare").unwrap();
        assert_eq!(
            (k, o.formatted),
            (MediaKind::BdR, Some(Preformat::WithSpare))
        );
        let (k, o) = parse_media_spec("dvd+rw:formatted").unwrap();
        assert_eq!(
            (k, o.formatted),
            (MediaKind::DvdPlusRw, Some(Preformat::Plain))
        );
        for bad in ["dvd+rw:spare", "cd-r:formatted", "bd-re:quick", "zip"] {
            assert!(parse_media_spec(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parse_msf_reads_binary_times() {
        assert_eq!(parse_msf("97:26:65").unwrap(), DEFAULT_ATIP_LEAD_IN_START);
        assert_eq!(parse_msf(" 95:00:00").unwrap(), Msf::new(95, 0, 0).unwrap());
        for bad in ["97:26", "97:60:00", "97:00:75", "a:b:c", "100:0:0", ""] {
            assert!(parse_msf(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn media_options_resolve_to_lbas() {
        let d = MediaOptions::default().resolve(MediaKind::CdR).unwrap();
        assert_eq!(d, Some((Lba(-11_635), Lba(359_849))));
        let o = MediaOptions {
            atip_lead_in_start: Msf::new(95, 0, 0),
            ..MediaOptions::default()
        };
        assert_eq!(o.resolve(MediaKind::CdRw).unwrap().unwrap().0, Lba(-22_650));
        let o = MediaOptions {
            atip_lead_in_start: Msf::new(74, 0, 0),
            ..MediaOptions::default()
        };
        assert!(o.resolve(MediaKind::CdR).is_err());
        let o = MediaOptions {
            atip_last_lead_out_start: Msf::new(95, 0, 0),
            ..MediaOptions::default()
        };
        assert!(o.resolve(MediaKind::CdR).is_err());
        assert_eq!(
            MediaOptions::default().resolve(MediaKind::BdR).unwrap(),
            None
        );
        let o = MediaOptions {
            atip_lead_in_start: Msf::new(97, 0, 0),
            ..MediaOptions::default()
        };
        assert!(o.resolve(MediaKind::DvdPlusR).is_err());
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
        assert_eq!(u16::from(MediaKind::CdRw.profile()), 0x000A);
        assert_eq!(u16::from(MediaKind::DvdPlusRw.profile()), 0x001A);
        assert_eq!(u16::from(MediaKind::DvdMinusRw.profile()), 0x0014);
        assert_eq!(u16::from(MediaKind::DvdRam.profile()), 0x0012);
        assert_eq!(u16::from(MediaKind::DvdPlusRDl.profile()), 0x002B);
        assert_eq!(u16::from(MediaKind::BdRe.profile()), 0x0043);
        assert_eq!(MediaKind::DvdPlusRDl.capacity_blocks(), 4_173_824);
        assert_eq!(
            MediaKind::DvdPlusRDl.default_layer0_blocks(),
            Some(2_086_912)
        );
        assert_eq!(MediaKind::DvdRam.capacity_blocks(), 2_236_704);
        assert_eq!(MediaKind::BdRe.ecc_blocks(), 32);
        assert_eq!(MediaKind::DvdPlusRw.ecc_blocks(), 16);
        assert_eq!(MediaKind::CdRw.capacity_blocks(), 359_849);
        assert!(MediaKind::CdRw.is_cd() && MediaKind::CdRw.is_erasable());
        assert!(!MediaKind::CdR.is_erasable());
    }
}
