//! Spec code points as enums that keep unknown values (after smoltcp `enum_with_unknown!`):
//! a drive reporting profile 0050h round-trips as `Profile::Unknown(0x0050)` instead of failing.

/// Declares an enum over a primitive with an `Unknown(raw)` variant and `From` both ways.
macro_rules! enum_with_unknown {
    (
        $(#[$enum_attr:meta])*
        pub enum $name:ident($ty:ty) {
            $( $(#[$variant_attr:meta])* $variant:ident = $value:expr ),+ $(,)?
        }
    ) => {
        $(#[$enum_attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$variant_attr])* $variant ),*,
            /// A value this crate has no name for; kept as sent.
            Unknown($ty),
        }

        impl ::core::convert::From<$ty> for $name {
            fn from(value: $ty) -> Self {
                match value {
                    $( $value => $name::$variant ),*,
                    other => $name::Unknown(other),
                }
            }
        }

        impl ::core::convert::From<$name> for $ty {
            fn from(value: $name) -> Self {
                match value {
                    $( $name::$variant => $value ),*,
                    $name::Unknown(other) => other,
                }
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use enum_with_unknown;

enum_with_unknown! {
    /// MMC profile number: the kind of medium the drive can handle / has loaded.
    ///
    /// Shape: 16-bit, in feature 0000h descriptors and GET CONFIGURATION header bytes 6–7.
    /// Spec: MMC-6 §5.3.1 Table 80 (reference `mmc.md` §1.6; IMAPI `IMAPI_PROFILE_TYPE`).
    pub enum Profile(u16) {
        /// 0000h: no current profile (no medium).
        NoCurrentProfile = 0x0000,
        /// 0002h removable disk.
        RemovableDisk = 0x0002,
        /// 0008h CD-ROM.
        CdRom = 0x0008,
        /// 0009h CD-R.
        CdR = 0x0009,
        /// 000Ah CD-RW.
        CdRw = 0x000A,
        /// 0010h DVD-ROM.
        DvdRom = 0x0010,
        /// 0011h DVD-R sequential recording.
        DvdMinusRSequential = 0x0011,
        /// 0012h DVD-RAM.
        DvdRam = 0x0012,
        /// 0013h DVD-RW restricted overwrite.
        DvdMinusRwRestrictedOverwrite = 0x0013,
        /// 0014h DVD-RW sequential recording.
        DvdMinusRwSequential = 0x0014,
        /// 0015h DVD-R DL sequential recording.
        DvdMinusRDlSequential = 0x0015,
        /// 0016h DVD-R DL layer jump recording.
        DvdMinusRDlLayerJump = 0x0016,
        /// 001Ah DVD+RW.
        DvdPlusRw = 0x001A,
        /// 001Bh DVD+R.
        DvdPlusR = 0x001B,
        /// 002Ah DVD+RW DL.
        DvdPlusRwDl = 0x002A,
        /// 002Bh DVD+R DL.
        DvdPlusRDl = 0x002B,
        /// 0040h BD-ROM.
        BdRom = 0x0040,
        /// 0041h BD-R sequential recording mode (SRM).
        BdRSrm = 0x0041,
        /// 0042h BD-R random recording mode (RRM).
        BdRRrm = 0x0042,
        /// 0043h BD-RE.
        BdRe = 0x0043,
        /// FFFFh non-conforming.
        NonConforming = 0xFFFF,
    }
}

impl Profile {
    /// The medium's usual name (`"CD-R"`, `"DVD+R"`, `"BD-R"`), `"unknown"` for unknown values.
    pub fn name(self) -> &'static str {
        match self {
            Profile::NoCurrentProfile => "none",
            Profile::RemovableDisk => "removable disk",
            Profile::CdRom => "CD-ROM",
            Profile::CdR => "CD-R",
            Profile::CdRw => "CD-RW",
            Profile::DvdRom => "DVD-ROM",
            Profile::DvdMinusRSequential => "DVD-R",
            Profile::DvdRam => "DVD-RAM",
            Profile::DvdMinusRwRestrictedOverwrite => "DVD-RW (restricted overwrite)",
            Profile::DvdMinusRwSequential => "DVD-RW (sequential)",
            Profile::DvdMinusRDlSequential => "DVD-R DL",
            Profile::DvdMinusRDlLayerJump => "DVD-R DL (layer jump)",
            Profile::DvdPlusRw => "DVD+RW",
            Profile::DvdPlusR => "DVD+R",
            Profile::DvdPlusRwDl => "DVD+RW DL",
            Profile::DvdPlusRDl => "DVD+R DL",
            Profile::BdRom => "BD-ROM",
            Profile::BdRSrm => "BD-R",
            Profile::BdRRrm => "BD-R (RRM)",
            Profile::BdRe => "BD-RE",
            Profile::NonConforming => "non-conforming",
            Profile::Unknown(_) => "unknown",
        }
    }

    /// CD profiles (0008h–000Ah).
    pub fn is_cd(self) -> bool {
        matches!(u16::from(self), 0x0008..=0x000A)
    }

    /// DVD profiles (0010h–002Bh).
    pub fn is_dvd(self) -> bool {
        matches!(u16::from(self), 0x0010..=0x002B)
    }

    /// BD profiles (0040h–0043h).
    pub fn is_bd(self) -> bool {
        matches!(u16::from(self), 0x0040..=0x0043)
    }
}

enum_with_unknown! {
    /// Write Type, mode page 05h byte 2 bits 3–0.
    ///
    /// Spec: MMC-6 §7.5.4.2 (reference `mmc.md` §2.2).
    pub enum WriteType(u8) {
        /// 0: packet / incremental.
        Packet = 0,
        /// 1: track at once.
        TrackAtOnce = 1,
        /// 2: session at once (CD) / disc at once (DVD-R).
        SessionAtOnce = 2,
        /// 3: raw (CD only).
        Raw = 3,
        /// 4: layer jump recording (DVD-R DL).
        LayerJump = 4,
    }
}

enum_with_unknown! {
    /// Data Block Type, mode page 05h byte 4 bits 3–0: what one WRITE block carries.
    ///
    /// Spec: MMC-6 §7.5.4.2 Table 667 (reference `mmc.md` §2.2).
    pub enum DataBlockType(u8) {
        /// 0: 2352 bytes raw (audio or full sector).
        Raw = 0,
        /// 1: 2352 + 16-byte P–Q sub-channel.
        RawPq = 1,
        /// 2: 2352 + 96-byte packed P–W.
        RawPwPacked = 2,
        /// 3: 2352 + 96-byte raw interleaved P–W.
        RawPwRaw = 3,
        /// 8: Mode 1, 2048 bytes of user data.
        Mode1 = 8,
        /// 9: Mode 2 formless, 2336 bytes.
        Mode2 = 9,
        /// 10: Mode 2 Form 1, 2048 bytes; subheader from page 05h.
        Mode2Form1 = 10,
        /// 11: Mode 2 Form 1 with 8-byte subheader, 2056 bytes.
        Mode2Form1Subheader = 11,
        /// 12: Mode 2 Form 2, 2324 bytes.
        Mode2Form2 = 12,
        /// 13: Mode 2 mixed form with subheader, 2332 bytes.
        Mode2Mixed = 13,
    }
}

impl DataBlockType {
    /// Bytes the host sends per block, `None` for reserved/vendor values.
    pub fn block_size(self) -> Option<usize> {
        Some(match self {
            DataBlockType::Raw => 2352,
            DataBlockType::RawPq => 2368,
            DataBlockType::RawPwPacked | DataBlockType::RawPwRaw => 2448,
            DataBlockType::Mode1 | DataBlockType::Mode2Form1 => 2048,
            DataBlockType::Mode2 => 2336,
            DataBlockType::Mode2Form1Subheader => 2056,
            DataBlockType::Mode2Form2 => 2324,
            DataBlockType::Mode2Mixed => 2332,
            DataBlockType::Unknown(_) => return None,
        })
    }
}

enum_with_unknown! {
    /// Multi-session field, mode page 05h byte 3 bits 7–6.
    ///
    /// Spec: MMC-6 §7.5.4.3 (reference `mmc.md` §2.2).
    pub enum MultiSession(u8) {
        /// 00b: no B0 pointer, no next session (finalize).
        NoNextSession = 0,
        /// 01b: B0 = FF:FF:FF, next session not allowed.
        NoNextSessionB0 = 1,
        /// 11b: next session allowed.
        NextSessionAllowed = 3,
    }
}

enum_with_unknown! {
    /// Session Format, mode page 05h byte 8 (lands in PSEC of the lead-in A0 point).
    pub enum SessionFormat(u8) {
        /// 00h CD-DA or CD-ROM.
        CdDaOrCdRom = 0x00,
        /// 10h CD-I.
        CdI = 0x10,
        /// 20h CD-ROM XA.
        CdRomXa = 0x20,
    }
}

enum_with_unknown! {
    /// Disc Status, READ DISC INFORMATION byte 2 bits 1–0.
    ///
    /// Spec: MMC-6 §6.22.3.1.4 (reference `mmc.md` §1.9).
    pub enum DiscStatus(u8) {
        /// 00b empty (blank).
        Empty = 0,
        /// 01b incomplete (appendable).
        Incomplete = 1,
        /// 10b complete (finalized).
        Complete = 2,
        /// 11b other (random-access media).
        Other = 3,
    }
}

enum_with_unknown! {
    /// State of Last Session, READ DISC INFORMATION byte 2 bits 3–2.
    pub enum SessionState(u8) {
        /// 00b empty.
        Empty = 0,
        /// 01b incomplete.
        Incomplete = 1,
        /// 10b reserved / damaged.
        Damaged = 2,
        /// 11b complete.
        Complete = 3,
    }
}

enum_with_unknown! {
    /// Page Control, MODE SENSE(10) byte 2 bits 7–6 (IMAPI `IMAPI_MODE_PAGE_REQUEST_TYPE`).
    ///
    /// Spec: SPC-4 §6.13 (reference `mmc.md` §1.5, `imapi2.md` §3.5).
    pub enum PageControl(u8) {
        /// 00b current values.
        Current = 0,
        /// 01b changeable values (mask).
        Changeable = 1,
        /// 10b default values.
        Default = 2,
        /// 11b saved values.
        Saved = 3,
    }
}

enum_with_unknown! {
    /// Close Function, CLOSE TRACK/SESSION byte 2 bits 2–0.
    ///
    /// Spec: MMC-6 §6.3 (reference `mmc.md` §1.19).
    pub enum CloseFunction(u8) {
        /// 000b: stop background format (DVD+RW de-icing), quick.
        StopDeIcing = 0,
        /// 001b: close the logical track given in bytes 4–5.
        CloseTrack = 1,
        /// 010b: close the session (CD: lead-in + lead-out; DVD+R: disc stays appendable).
        CloseSession = 2,
        /// 011b: close intermediate border.
        CloseIntermediateBorder = 3,
        /// 100b: close session and record an extended lead-out.
        CloseSessionExtendedLeadOut = 4,
        /// 101b: finalize with minimum recorded radius.
        FinalizeMinimumRadius = 5,
        /// 110b: finalize the disc.
        FinalizeDisc = 6,
    }
}

enum_with_unknown! {
    /// Address/Number Type, READ TRACK INFORMATION byte 1 bits 1–0.
    pub enum TrackAddressType(u8) {
        /// 00b: the track containing the LBA in bytes 2–5.
        Lba = 0,
        /// 01b: logical track number (FFh = the invisible/incomplete track).
        TrackNumber = 1,
        /// 10b: first track of the session number.
        SessionNumber = 2,
    }
}

enum_with_unknown! {
    /// Format, READ TOC/PMA/ATIP byte 2 bits 3–0.
    pub enum TocFormat(u8) {
        /// 0000b formatted TOC.
        Formatted = 0,
        /// 0001b multi-session information.
        MultiSession = 1,
        /// 0010b raw (full) TOC.
        Raw = 2,
        /// 0011b PMA.
        Pma = 3,
        /// 0100b ATIP.
        Atip = 4,
        /// 0101b CD-TEXT.
        CdText = 5,
    }
}

enum_with_unknown! {
    /// RT, GET CONFIGURATION byte 1 bits 1–0.
    pub enum ConfigurationRequestType(u8) {
        /// 00b: all features with code ≥ starting feature.
        All = 0,
        /// 01b: current features with code ≥ starting feature.
        Current = 1,
        /// 10b: exactly the starting feature (header only if absent).
        One = 2,
    }
}

enum_with_unknown! {
    /// Sense key (SPC-4 §4.5.6).
    pub enum SenseKey(u8) {
        /// 0h NO SENSE.
        NoSense = 0x0,
        /// 1h RECOVERED ERROR.
        RecoveredError = 0x1,
        /// 2h NOT READY.
        NotReady = 0x2,
        /// 3h MEDIUM ERROR.
        MediumError = 0x3,
        /// 4h HARDWARE ERROR.
        HardwareError = 0x4,
        /// 5h ILLEGAL REQUEST.
        IllegalRequest = 0x5,
        /// 6h UNIT ATTENTION.
        UnitAttention = 0x6,
        /// 7h DATA PROTECT.
        DataProtect = 0x7,
        /// 8h BLANK CHECK.
        BlankCheck = 0x8,
        /// 9h vendor specific.
        VendorSpecific = 0x9,
        /// Ah COPY ABORTED.
        CopyAborted = 0xA,
        /// Bh ABORTED COMMAND.
        AbortedCommand = 0xB,
        /// Dh VOLUME OVERFLOW.
        VolumeOverflow = 0xD,
        /// Eh MISCOMPARE.
        Miscompare = 0xE,
    }
}

impl SenseKey {
    /// The SPC name, e.g. `"NOT READY"`.
    pub fn name(self) -> &'static str {
        match self {
            SenseKey::NoSense => "NO SENSE",
            SenseKey::RecoveredError => "RECOVERED ERROR",
            SenseKey::NotReady => "NOT READY",
            SenseKey::MediumError => "MEDIUM ERROR",
            SenseKey::HardwareError => "HARDWARE ERROR",
            SenseKey::IllegalRequest => "ILLEGAL REQUEST",
            SenseKey::UnitAttention => "UNIT ATTENTION",
            SenseKey::DataProtect => "DATA PROTECT",
            SenseKey::BlankCheck => "BLANK CHECK",
            SenseKey::VendorSpecific => "VENDOR SPECIFIC",
            SenseKey::CopyAborted => "COPY ABORTED",
            SenseKey::AbortedCommand => "ABORTED COMMAND",
            SenseKey::VolumeOverflow => "VOLUME OVERFLOW",
            SenseKey::Miscompare => "MISCOMPARE",
            SenseKey::Unknown(_) => "RESERVED",
        }
    }
}

/// Feature code (GET CONFIGURATION), an open set: named consts, any other value allowed.
///
/// Spec: MMC-6 §5.3 (reference `mmc.md` §1.6; IMAPI `IMAPI_FEATURE_PAGE_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FeatureCode(pub u16);

impl FeatureCode {
    /// 0000h Profile List.
    pub const PROFILE_LIST: FeatureCode = FeatureCode(0x0000);
    /// 0001h Core.
    pub const CORE: FeatureCode = FeatureCode(0x0001);
    /// 0002h Morphing.
    pub const MORPHING: FeatureCode = FeatureCode(0x0002);
    /// 0003h Removable Medium.
    pub const REMOVABLE_MEDIUM: FeatureCode = FeatureCode(0x0003);
    /// 0004h Write Protect.
    pub const WRITE_PROTECT: FeatureCode = FeatureCode(0x0004);
    /// 0010h Random Readable.
    pub const RANDOM_READABLE: FeatureCode = FeatureCode(0x0010);
    /// 001Dh Multi-Read.
    pub const MULTI_READ: FeatureCode = FeatureCode(0x001D);
    /// 001Eh CD Read.
    pub const CD_READ: FeatureCode = FeatureCode(0x001E);
    /// 001Fh DVD Read.
    pub const DVD_READ: FeatureCode = FeatureCode(0x001F);
    /// 0020h Random Writable.
    pub const RANDOM_WRITABLE: FeatureCode = FeatureCode(0x0020);
    /// 0021h Incremental Streaming Writable.
    pub const INCREMENTAL_STREAMING_WRITABLE: FeatureCode = FeatureCode(0x0021);
    /// 0023h Formattable.
    pub const FORMATTABLE: FeatureCode = FeatureCode(0x0023);
    /// 0024h Hardware Defect Management.
    pub const HARDWARE_DEFECT_MANAGEMENT: FeatureCode = FeatureCode(0x0024);
    /// 0025h Write Once.
    pub const WRITE_ONCE: FeatureCode = FeatureCode(0x0025);
    /// 0026h Restricted Overwrite.
    pub const RESTRICTED_OVERWRITE: FeatureCode = FeatureCode(0x0026);
    /// 002Ah DVD+RW.
    pub const DVD_PLUS_RW: FeatureCode = FeatureCode(0x002A);
    /// 002Bh DVD+R.
    pub const DVD_PLUS_R: FeatureCode = FeatureCode(0x002B);
    /// 002Dh CD Track at Once.
    pub const CD_TRACK_AT_ONCE: FeatureCode = FeatureCode(0x002D);
    /// 002Eh CD Mastering (SAO/raw).
    pub const CD_MASTERING: FeatureCode = FeatureCode(0x002E);
    /// 002Fh DVD-R/-RW Write.
    pub const DVD_MINUS_R_RW_WRITE: FeatureCode = FeatureCode(0x002F);
    /// 0040h BD Read.
    pub const BD_READ: FeatureCode = FeatureCode(0x0040);
    /// 0041h BD Write.
    pub const BD_WRITE: FeatureCode = FeatureCode(0x0041);
    /// 0100h Power Management.
    pub const POWER_MANAGEMENT: FeatureCode = FeatureCode(0x0100);
    /// 0105h Timeout.
    pub const TIMEOUT: FeatureCode = FeatureCode(0x0105);
    /// 0107h Real Time Streaming.
    pub const REAL_TIME_STREAMING: FeatureCode = FeatureCode(0x0107);
    /// 0108h Drive Serial Number.
    pub const DRIVE_SERIAL_NUMBER: FeatureCode = FeatureCode(0x0108);

    /// The MMC feature name, or `None` for codes without a name here.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0000 => "Profile List",
            0x0001 => "Core",
            0x0002 => "Morphing",
            0x0003 => "Removable Medium",
            0x0004 => "Write Protect",
            0x0010 => "Random Readable",
            0x001D => "Multi-Read",
            0x001E => "CD Read",
            0x001F => "DVD Read",
            0x0020 => "Random Writable",
            0x0021 => "Incremental Streaming Writable",
            0x0022 => "Sector Erasable",
            0x0023 => "Formattable",
            0x0024 => "Hardware Defect Management",
            0x0025 => "Write Once",
            0x0026 => "Restricted Overwrite",
            0x0027 => "CD-RW CAV Write",
            0x0028 => "MRW",
            0x0029 => "Enhanced Defect Reporting",
            0x002A => "DVD+RW",
            0x002B => "DVD+R",
            0x002C => "Rigid Restricted Overwrite",
            0x002D => "CD Track at Once",
            0x002E => "CD Mastering",
            0x002F => "DVD-R/-RW Write",
            0x0033 => "Layer Jump Recording",
            0x0035 => "Stop Long Operation",
            0x0037 => "CD-RW Media Write Support",
            0x0038 => "BD-R Pseudo-Overwrite",
            0x003A => "DVD+RW Dual Layer",
            0x003B => "DVD+R Dual Layer",
            0x0040 => "BD Read",
            0x0041 => "BD Write",
            0x0042 => "TSR",
            0x0100 => "Power Management",
            0x0101 => "SMART",
            0x0102 => "Embedded Changer",
            0x0103 => "CD External Audio Play",
            0x0104 => "Microcode Upgrade",
            0x0105 => "Timeout",
            0x0106 => "DVD CSS",
            0x0107 => "Real Time Streaming",
            0x0108 => "Drive Serial Number",
            0x0109 => "Media Serial Number",
            0x010A => "Disc Control Blocks",
            0x010B => "DVD CPRM",
            0x010C => "Firmware Information",
            0x010D => "AACS",
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_unknown_value_round_trips() {
        assert_eq!(Profile::from(0x0050), Profile::Unknown(0x0050));
        assert_eq!(u16::from(Profile::Unknown(0x0050)), 0x0050);
        assert_eq!(Profile::from(0x001B), Profile::DvdPlusR);
        assert_eq!(u16::from(Profile::BdRSrm), 0x0041);
    }

    #[test]
    fn data_block_type_sizes_follow_table() {
        assert_eq!(DataBlockType::from(8).block_size(), Some(2048));
        assert_eq!(DataBlockType::from(1).block_size(), Some(2368));
        assert_eq!(DataBlockType::from(3).block_size(), Some(2448));
        assert_eq!(DataBlockType::from(7).block_size(), None);
    }
}
