//! The MMC/SPC commands a recorder needs, one type per command implementing [`Command`] in
//! both directions: `cdb()` builds the CDB bytes, `from_cdb()` parses them back (the emulator
//! side). [`ALL`] lists every command type here, built from the trait constants, for dispatch
//! tables and the consistency test in `tests/tables.rs`.
//!
//! Invariants: `from_cdb` checks opcode and exact length first, then rejects reserved values
//! of fields the command interprets with [`CdbError::InvalidField`] (which the emulator answers
//! with 5/24/00 and a field pointer). Reserved bits that carry no meaning are ignored, as is
//! the CONTROL byte. `cdb()` masks fields to their width, so it never panics.
//!
//! Spec: reference `mmc.md` §1.1 (opcode table) and §1.2–§1.29.

use discmaster_core::Lba;

use crate::cdb::{Cdb, CdbError, Command, DataDirection};
use crate::enums::{
    CloseFunction, ConfigurationRequestType, FeatureCode, PageControl, TocFormat, TrackAddressType,
};
use crate::wire::{be16, be32, check_cdb, put16, put32};

pub use crate::cd_commands::ReadCd;
pub use crate::format_commands::{Blank, FormatUnit};
pub use crate::host_commands::{
    GetEventStatusNotification, GetPerformance, MechanismStatus, ReadBufferCapacity,
    ReadDiscStructure, ReadFormatCapacities, ReportLuns, SetCdSpeed, SetStreaming,
};

/// Bytes of user data in one READ(10) block (2048 on MMC devices: Mode 1 / Mode 2 Form 1 /
/// DVD / BD user data).
const READ_BLOCK_BYTES: usize = 2048;

/// `00h TEST UNIT READY`: is the unit ready (medium present, no long operation)?
///
/// Shape: 6-byte CDB, all fields zero. No data.
///
/// Spec: SPC-4 §6.33 (reference `mmc.md` §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TestUnitReady;

impl Command for TestUnitReady {
    const OPCODE: u8 = 0x00;
    const NAME: &'static str = "TEST UNIT READY";
    const CDB_LEN: usize = 6;
    const DIRECTION: DataDirection = DataDirection::None;

    fn cdb(&self) -> Cdb {
        Cdb::new(Self::OPCODE, Self::CDB_LEN)
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(TestUnitReady)
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(0)
    }
}

/// `03h REQUEST SENSE`: returns the pending sense data.
///
/// Shape: B1.0 DESC (descriptor format wanted); B4 allocation length. Data in.
///
/// Spec: SPC-4 §6.27 (reference `mmc.md` §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestSense {
    /// DESC: return descriptor-format (72h) sense instead of fixed (70h).
    pub desc: bool,
    /// Allocation length in bytes (18 is what burning tools send).
    pub allocation_length: u8,
}

impl Command for RequestSense {
    const OPCODE: u8 = 0x03;
    const NAME: &'static str = "REQUEST SENSE";
    const CDB_LEN: usize = 6;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.desc);
        b[4] = self.allocation_length;
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(RequestSense {
            desc: cdb[1] & 0x01 != 0,
            allocation_length: cdb[4],
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// `12h INQUIRY`: standard inquiry data (EVPD = 0) or a vital product data page.
///
/// Shape: B1.0 EVPD; B2 page code; B3-4 allocation length (old specs: B4 only; hosts that
/// send 36 in B4 with B3 = 0 read the same). Data in.
///
/// `from_cdb` rejects a non-zero page code with EVPD = 0 (byte 2).
///
/// Spec: SPC-4 §6.6 (reference `mmc.md` §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Inquiry {
    /// EVPD: return the vital product data page `page_code`.
    #[doc(alias = "EVPD")]
    pub evpd: bool,
    /// VPD page code (0 when `evpd` is false).
    pub page_code: u8,
    /// Allocation length in bytes.
    pub allocation_length: u16,
}

impl Command for Inquiry {
    const OPCODE: u8 = 0x12;
    const NAME: &'static str = "INQUIRY";
    const CDB_LEN: usize = 6;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.evpd);
        b[2] = self.page_code;
        put16(b, 3, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        let evpd = cdb[1] & 0x01 != 0;
        if !evpd && cdb[2] != 0 {
            return Err(CdbError::InvalidField { byte: 2, bit: None });
        }
        Ok(Inquiry {
            evpd,
            page_code: cdb[2],
            allocation_length: be16(cdb, 3),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// `1Bh START STOP UNIT`: spin up / down, load / eject the medium.
///
/// Shape: B1.0 Immed; B4 b7-4 power condition, b1 LoEj, b0 Start (`03h` load, `02h` eject,
/// `01h` start, `00h` stop). No data.
///
/// Spec: MMC-6 §6.40 (reference `mmc.md` §1.1, §1.29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StartStopUnit {
    /// Immed: return GOOD before the operation completes.
    pub immed: bool,
    /// Power condition, 4 bits (0 = use LoEj/Start). Higher bits are dropped by `cdb()`.
    pub power_condition: u8,
    /// LoEj: load (with `start`) or eject (without).
    #[doc(alias = "LoEj")]
    pub loej: bool,
    /// Start: spin up (or load with `loej`).
    pub start: bool,
}

impl Command for StartStopUnit {
    const OPCODE: u8 = 0x1B;
    const NAME: &'static str = "START STOP UNIT";
    const CDB_LEN: usize = 6;
    const DIRECTION: DataDirection = DataDirection::None;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.immed);
        b[4] = (self.power_condition << 4) | (u8::from(self.loej) << 1) | u8::from(self.start);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(StartStopUnit {
            immed: cdb[1] & 0x01 != 0,
            power_condition: cdb[4] >> 4,
            loej: cdb[4] & 0x02 != 0,
            start: cdb[4] & 0x01 != 0,
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(0)
    }
}

/// `1Eh PREVENT ALLOW MEDIUM REMOVAL`: lock or unlock the tray.
///
/// Shape: B4 b1-0 Prevent (0 allow, 1 prevent; 2/3 persistent variants). No data.
///
/// Spec: MMC-6 §6.13 (reference `mmc.md` §1.29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PreventAllowMediumRemoval {
    /// Prevent field, 2 bits: 0 allow, 1 prevent. Higher bits are dropped by `cdb()`.
    pub prevent: u8,
}

impl Command for PreventAllowMediumRemoval {
    const OPCODE: u8 = 0x1E;
    const NAME: &'static str = "PREVENT ALLOW MEDIUM REMOVAL";
    const CDB_LEN: usize = 6;
    const DIRECTION: DataDirection = DataDirection::None;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        c.as_mut_bytes()[4] = self.prevent & 0x03;
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(PreventAllowMediumRemoval {
            prevent: cdb[4] & 0x03,
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(0)
    }
}

/// `25h READ CAPACITY(10)`: last readable LBA and block length (8 bytes, see
/// `responses::ReadCapacityData`).
///
/// Shape: 10-byte CDB, all fields zero. Data in, 8 bytes.
///
/// Spec: MMC-6 §6.23 (reference `mmc.md` §1.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReadCapacity;

impl Command for ReadCapacity {
    const OPCODE: u8 = 0x25;
    const NAME: &'static str = "READ CAPACITY";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        Cdb::new(Self::OPCODE, Self::CDB_LEN)
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(ReadCapacity)
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(8)
    }
}

/// `28h READ(10)`: read 2048-byte user-data blocks.
///
/// Shape: B1.4 DPO, B1.3 FUA; B2-5 LBA (signed); B7-8 transfer length (blocks). Data in.
///
/// Units: `transfer_length` in blocks; [`Command::transfer_len`] = blocks × 2048 bytes.
///
/// Spec: MMC-6 §6.15 (reference `mmc.md` §1.22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Read10 {
    /// DPO: disable page out (cache retention hint).
    #[doc(alias = "DPO")]
    pub dpo: bool,
    /// FUA: force unit access (read from the medium, not the cache).
    #[doc(alias = "FUA")]
    pub fua: bool,
    /// First block.
    pub lba: Lba,
    /// Number of blocks.
    pub transfer_length: u16,
}

impl Command for Read10 {
    const OPCODE: u8 = 0x28;
    const NAME: &'static str = "READ(10)";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = (u8::from(self.dpo) << 4) | (u8::from(self.fua) << 3);
        put32(b, 2, self.lba.0 as u32);
        put16(b, 7, self.transfer_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(Read10 {
            dpo: cdb[1] & 0x10 != 0,
            fua: cdb[1] & 0x08 != 0,
            lba: Lba(be32(cdb, 2) as i32),
            transfer_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.transfer_length) * READ_BLOCK_BYTES)
    }
}

/// `2Ah WRITE(10)`: write blocks at `lba` (the NWA on sequential media).
///
/// Shape: B1.3 FUA; B2-5 LBA (signed: CD SAO/RAW start at −150 or in the lead-in); B7-8
/// transfer length (blocks). Data out.
///
/// Units: `transfer_length` in blocks; bytes per block follow the write parameters (page 05h
/// data block type or cue sheet), so [`Command::transfer_len`] is `None`.
///
/// Spec: MMC-6 §6.44 (reference `mmc.md` §1.21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Write10 {
    /// FUA: force unit access.
    #[doc(alias = "FUA")]
    pub fua: bool,
    /// First block.
    pub lba: Lba,
    /// Number of blocks.
    pub transfer_length: u16,
}

impl Command for Write10 {
    const OPCODE: u8 = 0x2A;
    const NAME: &'static str = "WRITE(10)";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::Out;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.fua) << 3;
        put32(b, 2, self.lba.0 as u32);
        put16(b, 7, self.transfer_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(Write10 {
            fua: cdb[1] & 0x08 != 0,
            lba: Lba(be32(cdb, 2) as i32),
            transfer_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        None
    }
}

/// `35h SYNCHRONIZE CACHE(10)`: flush the drive buffer to the medium.
///
/// Shape: B1.1 Immed; B2-5 LBA; B7-8 number of blocks (0 = all). No data.
///
/// Spec: MMC-6 §6.41 (reference `mmc.md` §1.20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SynchronizeCache {
    /// Immed: return GOOD at once; completion is polled with TEST UNIT READY.
    pub immed: bool,
    /// First block of the range (0 with `blocks` = 0 for everything).
    pub lba: Lba,
    /// Number of blocks, 0 = to the end.
    pub blocks: u16,
}

impl Command for SynchronizeCache {
    const OPCODE: u8 = 0x35;
    const NAME: &'static str = "SYNCHRONIZE CACHE";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::None;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.immed) << 1;
        put32(b, 2, self.lba.0 as u32);
        put16(b, 7, self.blocks);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(SynchronizeCache {
            immed: cdb[1] & 0x02 != 0,
            lba: Lba(be32(cdb, 2) as i32),
            blocks: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(0)
    }
}

/// `43h READ TOC/PMA/ATIP`: formatted TOC, multi-session info, raw TOC, PMA, ATIP, CD-TEXT.
///
/// Shape: B1.1 MSF; B2 b3-0 format; B6 track/session number; B7-8 allocation length; B9
/// (CONTROL) b7-6 legacy format (INF-8020: 01b → format 1, 10b → format 2), honoured by
/// `from_cdb` only when B2 format is 0. `cdb()` always writes the format into B2. Data in.
///
/// `from_cdb` rejects reserved formats 6–15 (byte 2) and legacy format 11b (byte 9).
///
/// Spec: MMC-6 §6.32 (reference `mmc.md` §1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadTocPmaAtip {
    /// MSF: addresses in formats 0/1 as `00 M S F` instead of LBA.
    #[doc(alias = "MSF")]
    pub msf: bool,
    /// Response format.
    pub format: TocFormat,
    /// Starting track (format 0) or session (format 2) number.
    pub track_session: u8,
    /// Allocation length in bytes.
    pub allocation_length: u16,
}

impl Command for ReadTocPmaAtip {
    const OPCODE: u8 = 0x43;
    const NAME: &'static str = "READ TOC/PMA/ATIP";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.msf) << 1;
        b[2] = u8::from(self.format) & 0x0F;
        b[6] = self.track_session;
        put16(b, 7, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        let mut raw = cdb[2] & 0x0F;
        if raw == 0 {
            raw = match cdb[9] >> 6 {
                0 => 0,
                1 => 1,
                2 => 2,
                _ => {
                    return Err(CdbError::InvalidField {
                        byte: 9,
                        bit: Some(7),
                    })
                }
            };
        }
        let format = TocFormat::from(raw);
        if let TocFormat::Unknown(_) = format {
            return Err(CdbError::InvalidField {
                byte: 2,
                bit: Some(3),
            });
        }
        Ok(ReadTocPmaAtip {
            msf: cdb[1] & 0x02 != 0,
            format,
            track_session: cdb[6],
            allocation_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// `46h GET CONFIGURATION`: current profile and feature descriptors.
///
/// Shape: B1 b1-0 RT; B2-3 starting feature number; B7-8 allocation length. Data in.
///
/// `from_cdb` rejects RT = 11b (byte 1).
///
/// Spec: MMC-6 §6.6 (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetConfiguration {
    /// RT: which features to return.
    #[doc(alias = "RT")]
    pub rt: ConfigurationRequestType,
    /// Starting feature number.
    #[doc(alias = "SFN")]
    pub starting_feature: FeatureCode,
    /// Allocation length in bytes.
    pub allocation_length: u16,
}

impl Command for GetConfiguration {
    const OPCODE: u8 = 0x46;
    const NAME: &'static str = "GET CONFIGURATION";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.rt) & 0x03;
        put16(b, 2, self.starting_feature.0);
        put16(b, 7, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        let rt = ConfigurationRequestType::from(cdb[1] & 0x03);
        if let ConfigurationRequestType::Unknown(_) = rt {
            return Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(1),
            });
        }
        Ok(GetConfiguration {
            rt,
            starting_feature: FeatureCode(be16(cdb, 2)),
            allocation_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// `51h READ DISC INFORMATION`: disc status, sessions, tracks, lead-in/out addresses.
///
/// Shape: B1 b2-0 data type (000b standard disc information, 001b track resources, 010b POW
/// resources); B7-8 allocation length. Data in.
///
/// `from_cdb` rejects data types 3–7 (byte 1).
///
/// Spec: MMC-6 §6.22 (reference `mmc.md` §1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReadDiscInformation {
    /// Data type, 3 bits (0 = standard disc information). Higher bits dropped by `cdb()`.
    pub data_type: u8,
    /// Allocation length in bytes.
    pub allocation_length: u16,
}

impl Command for ReadDiscInformation {
    const OPCODE: u8 = 0x51;
    const NAME: &'static str = "READ DISC INFORMATION";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = self.data_type & 0x07;
        put16(b, 7, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        let data_type = cdb[1] & 0x07;
        if data_type > 2 {
            return Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(2),
            });
        }
        Ok(ReadDiscInformation {
            data_type,
            allocation_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// `52h READ TRACK INFORMATION`: one track's addresses, NWA and free blocks.
///
/// Shape: B1.2 Open; B1 b1-0 address/number type; B2-5 LBA, track number (FFh = invisible
/// track) or session number; B7-8 allocation length. Data in.
///
/// `from_cdb` rejects address type 11b (byte 1).
///
/// Spec: MMC-6 §6.27 (reference `mmc.md` §1.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadTrackInformation {
    /// Open: with a track number, report the first open track at or after it.
    pub open: bool,
    /// What `address` holds.
    pub address_type: TrackAddressType,
    /// LBA (as raw two's complement), track number or session number.
    pub address: u32,
    /// Allocation length in bytes.
    pub allocation_length: u16,
}

impl Command for ReadTrackInformation {
    const OPCODE: u8 = 0x52;
    const NAME: &'static str = "READ TRACK INFORMATION";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = (u8::from(self.open) << 2) | (u8::from(self.address_type) & 0x03);
        put32(b, 2, self.address);
        put16(b, 7, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        let address_type = TrackAddressType::from(cdb[1] & 0x03);
        if let TrackAddressType::Unknown(_) = address_type {
            return Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(1),
            });
        }
        Ok(ReadTrackInformation {
            open: cdb[1] & 0x04 != 0,
            address_type,
            address: be32(cdb, 2),
            allocation_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// What RESERVE TRACK reserves: a size (ARSV = 0) or a start address (ARSV = 1).
///
/// Spec: MMC-6 §6.37 (reference `mmc.md` §1.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reservation {
    /// ARSV = 0: reservation size in blocks (CDB bytes 5–8).
    Size(u32),
    /// ARSV = 1: reservation LBA (CDB bytes 2–5).
    Lba(Lba),
}

/// `53h RESERVE TRACK`: reserve a track (DVD-R DAO, optional on DVD+R/BD-R).
///
/// Shape: B1.1 RMZ, B1.0 ARSV; ARSV = 0: B5-8 size (blocks); ARSV = 1: B2-5 LBA. No data.
///
/// Spec: MMC-6 §6.37 (reference `mmc.md` §1.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReserveTrack {
    /// RMZ: reserve the remaining zone.
    #[doc(alias = "RMZ")]
    pub rmz: bool,
    /// Size or address (ARSV).
    #[doc(alias = "ARSV")]
    pub reservation: Reservation,
}

impl Command for ReserveTrack {
    const OPCODE: u8 = 0x53;
    const NAME: &'static str = "RESERVE TRACK";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::None;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.rmz) << 1;
        match self.reservation {
            Reservation::Size(blocks) => put32(b, 5, blocks),
            Reservation::Lba(lba) => {
                b[1] |= 0x01;
                put32(b, 2, lba.0 as u32);
            }
        }
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        let reservation = if cdb[1] & 0x01 != 0 {
            Reservation::Lba(Lba(be32(cdb, 2) as i32))
        } else {
            Reservation::Size(be32(cdb, 5))
        };
        Ok(ReserveTrack {
            rmz: cdb[1] & 0x02 != 0,
            reservation,
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(0)
    }
}

/// `54h SEND OPC INFORMATION`: perform optimum power calibration (DoOPC) or send OPC values.
///
/// Shape: B1.0 DoOPC; B7-8 parameter list length (0 with DoOPC = 1). Data out.
///
/// Spec: MMC-6 §6.38 (reference `mmc.md` §1.18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SendOpcInformation {
    /// DoOPC: the drive performs OPC now.
    #[doc(alias = "DoOPC")]
    pub do_opc: bool,
    /// Parameter list length in bytes.
    pub parameter_list_length: u16,
}

impl Command for SendOpcInformation {
    const OPCODE: u8 = 0x54;
    const NAME: &'static str = "SEND OPC INFORMATION";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::Out;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.do_opc);
        put16(b, 7, self.parameter_list_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(SendOpcInformation {
            do_opc: cdb[1] & 0x01 != 0,
            parameter_list_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.parameter_list_length))
    }
}

/// `55h MODE SELECT(10)`: send mode pages (8-byte header + pages, see `pages`).
///
/// Shape: B1.4 PF (page format; MMC requires 1), B1.0 SP (save pages); B7-8 parameter list
/// length. Data out. PF = 0 is parsed, not rejected: the device decides.
///
/// Spec: SPC-4 §6.12 (reference `mmc.md` §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModeSelect10 {
    /// PF: the pages follow the SPC page format.
    #[doc(alias = "PF")]
    pub pf: bool,
    /// SP: save the pages (normally refused with 5/39/00).
    #[doc(alias = "SP")]
    pub sp: bool,
    /// Parameter list length in bytes.
    pub parameter_list_length: u16,
}

impl Command for ModeSelect10 {
    const OPCODE: u8 = 0x55;
    const NAME: &'static str = "MODE SELECT(10)";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::Out;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = (u8::from(self.pf) << 4) | u8::from(self.sp);
        put16(b, 7, self.parameter_list_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(ModeSelect10 {
            pf: cdb[1] & 0x10 != 0,
            sp: cdb[1] & 0x01 != 0,
            parameter_list_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.parameter_list_length))
    }
}

/// `5Ah MODE SENSE(10)`: read mode pages (current, changeable, default or saved values).
///
/// Shape: B1.4 LLBAA, B1.3 DBD; B2 b7-6 PC, b5-0 page code (3Fh = all); B3 subpage code;
/// B7-8 allocation length. Data in.
///
/// Spec: SPC-4 §6.14 (reference `mmc.md` §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModeSense10 {
    /// LLBAA: long LBA block descriptors accepted.
    #[doc(alias = "LLBAA")]
    pub llbaa: bool,
    /// DBD: disable block descriptors.
    #[doc(alias = "DBD")]
    pub dbd: bool,
    /// PC: which values.
    #[doc(alias = "PC")]
    pub page_control: PageControl,
    /// Page code, 6 bits (3Fh = all pages). Higher bits dropped by `cdb()`.
    pub page_code: u8,
    /// Subpage code.
    pub subpage_code: u8,
    /// Allocation length in bytes.
    pub allocation_length: u16,
}

impl Command for ModeSense10 {
    const OPCODE: u8 = 0x5A;
    const NAME: &'static str = "MODE SENSE(10)";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = (u8::from(self.llbaa) << 4) | (u8::from(self.dbd) << 3);
        b[2] = ((u8::from(self.page_control) & 0x03) << 6) | (self.page_code & 0x3F);
        b[3] = self.subpage_code;
        put16(b, 7, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(ModeSense10 {
            llbaa: cdb[1] & 0x10 != 0,
            dbd: cdb[1] & 0x08 != 0,
            page_control: PageControl::from(cdb[2] >> 6),
            page_code: cdb[2] & 0x3F,
            subpage_code: cdb[3],
            allocation_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// `5Bh CLOSE TRACK/SESSION`: close a track, close a session/border, or finalize.
///
/// Shape: B1.0 Immed; B2 b2-0 close function; B4-5 track/session number. No data.
///
/// `from_cdb` rejects the reserved close function 111b (byte 2).
///
/// Spec: MMC-6 §6.3 (reference `mmc.md` §1.19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CloseTrackSession {
    /// Immed: return GOOD at once; completion is polled with TEST UNIT READY.
    pub immed: bool,
    /// What to close.
    pub function: CloseFunction,
    /// Track number (close track) or session number.
    pub number: u16,
}

impl Command for CloseTrackSession {
    const OPCODE: u8 = 0x5B;
    const NAME: &'static str = "CLOSE TRACK/SESSION";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::None;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.immed);
        b[2] = u8::from(self.function) & 0x07;
        put16(b, 4, self.number);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        let function = CloseFunction::from(cdb[2] & 0x07);
        if let CloseFunction::Unknown(_) = function {
            return Err(CdbError::InvalidField {
                byte: 2,
                bit: Some(2),
            });
        }
        Ok(CloseTrackSession {
            immed: cdb[1] & 0x01 != 0,
            function,
            number: be16(cdb, 4),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(0)
    }
}

/// One row of the command table: the [`Command`] constants of one command type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommandInfo {
    /// Operation code.
    pub opcode: u8,
    /// T10 name.
    pub name: &'static str,
    /// CDB length in bytes.
    pub cdb_len: usize,
    /// Data phase direction.
    pub direction: DataDirection,
}

impl CommandInfo {
    /// The row for command type `C`, taken from its trait constants.
    pub const fn of<C: Command>() -> CommandInfo {
        CommandInfo {
            opcode: C::OPCODE,
            name: C::NAME,
            cdb_len: C::CDB_LEN,
            direction: C::DIRECTION,
        }
    }
}

/// Every command type of this module, sorted by opcode (checked by `tests/tables.rs`).
pub const ALL: &[CommandInfo] = &[
    CommandInfo::of::<TestUnitReady>(),
    CommandInfo::of::<RequestSense>(),
    CommandInfo::of::<FormatUnit>(),
    CommandInfo::of::<Inquiry>(),
    CommandInfo::of::<StartStopUnit>(),
    CommandInfo::of::<PreventAllowMediumRemoval>(),
    CommandInfo::of::<ReadFormatCapacities>(),
    CommandInfo::of::<ReadCapacity>(),
    CommandInfo::of::<Read10>(),
    CommandInfo::of::<Write10>(),
    CommandInfo::of::<SynchronizeCache>(),
    CommandInfo::of::<ReadTocPmaAtip>(),
    CommandInfo::of::<GetConfiguration>(),
    CommandInfo::of::<GetEventStatusNotification>(),
    CommandInfo::of::<ReadDiscInformation>(),
    CommandInfo::of::<ReadTrackInformation>(),
    CommandInfo::of::<ReserveTrack>(),
    CommandInfo::of::<SendOpcInformation>(),
    CommandInfo::of::<ModeSelect10>(),
    CommandInfo::of::<ModeSense10>(),
    CommandInfo::of::<CloseTrackSession>(),
    CommandInfo::of::<ReadBufferCapacity>(),
    CommandInfo::of::<crate::sao_commands::SendCueSheet>(),
    CommandInfo::of::<ReportLuns>(),
    CommandInfo::of::<Blank>(),
    CommandInfo::of::<GetPerformance>(),
    CommandInfo::of::<ReadDiscStructure>(),
    CommandInfo::of::<SetStreaming>(),
    CommandInfo::of::<SetCdSpeed>(),
    CommandInfo::of::<MechanismStatus>(),
    CommandInfo::of::<ReadCd>(),
];

/// The table row for `opcode`, if a command type here has it.
pub fn command_info(opcode: u8) -> Option<&'static CommandInfo> {
    ALL.iter().find(|c| c.opcode == opcode)
}

/// The T10 name of `opcode` (`"WRITE(10)"`), if a command type here has it.
pub fn command_name(opcode: u8) -> Option<&'static str> {
    command_info(opcode).map(|c| c.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_unit_ready_cdb_is_six_zero_bytes() {
        assert_eq!(TestUnitReady.cdb().as_bytes(), &[0x00, 0, 0, 0, 0, 0]);
        assert_eq!(
            TestUnitReady::from_cdb(&[0x00, 0, 0, 0, 0, 0]),
            Ok(TestUnitReady)
        );
    }

    #[test]
    fn request_sense_both_directions() {
        let c = RequestSense {
            desc: true,
            allocation_length: 18,
        };
        let bytes = [
            0x03, // opcode
            0x01, // B1.0 DESC
            0x00, 0x00, // B2-3 reserved
            0x12, // B4 allocation length 18
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(RequestSense::from_cdb(&bytes), Ok(c));
        assert_eq!(c.transfer_len(), Some(18));
    }

    #[test]
    fn inquiry_both_directions() {
        let c = Inquiry {
            evpd: false,
            page_code: 0,
            allocation_length: 96,
        };
        let bytes = [
            0x12, // opcode
            0x00, // B1.0 EVPD=0
            0x00, // B2 page code
            0x00, 0x60, // B3-4 allocation length 96
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(Inquiry::from_cdb(&bytes), Ok(c));
        // libburn/growisofs style: 36 in byte 4 only.
        let legacy = [0x12, 0x00, 0x00, 0x00, 0x24, 0x00];
        assert_eq!(Inquiry::from_cdb(&legacy).unwrap().allocation_length, 36);
        // VPD page 80h.
        let vpd = [0x12, 0x01, 0x80, 0x00, 0xFC, 0x00];
        assert_eq!(
            Inquiry::from_cdb(&vpd),
            Ok(Inquiry {
                evpd: true,
                page_code: 0x80,
                allocation_length: 252
            })
        );
    }

    #[test]
    fn inquiry_page_code_without_evpd_is_rejected() {
        let bytes = [0x12, 0x00, 0x80, 0x00, 0x24, 0x00];
        assert_eq!(
            Inquiry::from_cdb(&bytes),
            Err(CdbError::InvalidField { byte: 2, bit: None })
        );
    }

    #[test]
    fn start_stop_unit_both_directions() {
        let eject = StartStopUnit {
            immed: true,
            power_condition: 0,
            loej: true,
            start: false,
        };
        let bytes = [
            0x1B, // opcode
            0x01, // B1.0 Immed
            0x00, 0x00, // B2-3
            0x02, // B4: LoEj=1 Start=0 (eject)
            0x00, // control
        ];
        assert_eq!(eject.cdb().as_bytes(), &bytes);
        assert_eq!(StartStopUnit::from_cdb(&bytes), Ok(eject));
        let p = StartStopUnit::from_cdb(&[0x1B, 0x00, 0x00, 0x00, 0x33, 0x00]).unwrap();
        assert_eq!(
            p,
            StartStopUnit {
                immed: false,
                power_condition: 3,
                loej: true,
                start: true
            }
        );
    }

    #[test]
    fn prevent_allow_both_directions() {
        let c = PreventAllowMediumRemoval { prevent: 1 };
        let bytes = [0x1E, 0x00, 0x00, 0x00, 0x01, 0x00]; // B4 b1-0 Prevent = 1
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(PreventAllowMediumRemoval::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn read_capacity_both_directions() {
        let bytes = [0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(ReadCapacity.cdb().as_bytes(), &bytes);
        assert_eq!(ReadCapacity::from_cdb(&bytes), Ok(ReadCapacity));
        assert_eq!(ReadCapacity.transfer_len(), Some(8));
    }

    #[test]
    fn read10_both_directions() {
        let c = Read10 {
            dpo: true,
            fua: true,
            lba: Lba(0x0001_0203),
            transfer_length: 0x0405,
        };
        let bytes = [
            0x28, // opcode
            0x18, // B1.4 DPO, B1.3 FUA
            0x00, 0x01, 0x02, 0x03, // B2-5 LBA
            0x00, // B6 group number
            0x04, 0x05, // B7-8 transfer length
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(Read10::from_cdb(&bytes), Ok(c));
        assert_eq!(c.transfer_len(), Some(0x0405 * 2048));
    }

    #[test]
    fn write10_negative_lba_both_directions() {
        let c = Write10 {
            fua: false,
            lba: Lba(-150),
            transfer_length: 27,
        };
        let bytes = [
            0x2A, // opcode
            0x00, // B1 FUA=0
            0xFF, 0xFF, 0xFF, 0x6A, // B2-5 LBA -150
            0x00, // B6
            0x00, 0x1B, // B7-8 27 blocks
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(Write10::from_cdb(&bytes), Ok(c));
        assert_eq!(c.transfer_len(), None);
        let fua = Write10 { fua: true, ..c };
        assert_eq!(fua.cdb().as_bytes()[1], 0x08);
    }

    #[test]
    fn synchronize_cache_both_directions() {
        let c = SynchronizeCache {
            immed: true,
            lba: Lba(0),
            blocks: 0,
        };
        let bytes = [
            0x35, // opcode
            0x02, // B1.1 Immed
            0x00, 0x00, 0x00, 0x00, // B2-5 LBA
            0x00, // B6
            0x00, 0x00, // B7-8 blocks (0 = all)
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(SynchronizeCache::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn read_toc_both_directions() {
        let c = ReadTocPmaAtip {
            msf: true,
            format: TocFormat::MultiSession,
            track_session: 0,
            allocation_length: 12,
        };
        let bytes = [
            0x43, // opcode
            0x02, // B1.1 MSF
            0x01, // B2 format 1
            0x00, 0x00, 0x00, // B3-5
            0x00, // B6 track/session
            0x00, 0x0C, // B7-8 allocation length 12
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReadTocPmaAtip::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn read_toc_legacy_format_bits_are_mapped() {
        // B2 format 0, B9 = 40h (legacy multi-session), track 0, alloc 12.
        let legacy = [0x43, 0x00, 0x00, 0, 0, 0, 0x00, 0x00, 0x0C, 0x40];
        assert_eq!(
            ReadTocPmaAtip::from_cdb(&legacy).unwrap().format,
            TocFormat::MultiSession
        );
        let raw = [0x43, 0x00, 0x00, 0, 0, 0, 0x01, 0x00, 0x0C, 0x80];
        assert_eq!(
            ReadTocPmaAtip::from_cdb(&raw).unwrap().format,
            TocFormat::Raw
        );
        let bad = [0x43, 0x00, 0x00, 0, 0, 0, 0x01, 0x00, 0x0C, 0xC0];
        assert_eq!(
            ReadTocPmaAtip::from_cdb(&bad),
            Err(CdbError::InvalidField {
                byte: 9,
                bit: Some(7)
            })
        );
        // B2 format wins over B9.
        let both = [0x43, 0x00, 0x04, 0, 0, 0, 0x00, 0x00, 0x0C, 0x80];
        assert_eq!(
            ReadTocPmaAtip::from_cdb(&both).unwrap().format,
            TocFormat::Atip
        );
    }

    #[test]
    fn read_toc_reserved_format_is_rejected() {
        let bytes = [0x43, 0x00, 0x06, 0, 0, 0, 0, 0x00, 0x0C, 0x00];
        assert_eq!(
            ReadTocPmaAtip::from_cdb(&bytes),
            Err(CdbError::InvalidField {
                byte: 2,
                bit: Some(3)
            })
        );
    }

    #[test]
    fn get_configuration_both_directions() {
        let c = GetConfiguration {
            rt: ConfigurationRequestType::One,
            starting_feature: FeatureCode::INCREMENTAL_STREAMING_WRITABLE,
            allocation_length: 16,
        };
        let bytes = [
            0x46, // opcode
            0x02, // B1 RT = 10b
            0x00, 0x21, // B2-3 starting feature 0021h
            0x00, 0x00, 0x00, // B4-6
            0x00, 0x10, // B7-8 allocation length 16
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(GetConfiguration::from_cdb(&bytes), Ok(c));
        let bad = [0x46, 0x03, 0x00, 0x00, 0, 0, 0, 0x00, 0x08, 0x00];
        assert_eq!(
            GetConfiguration::from_cdb(&bad),
            Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(1)
            })
        );
    }

    #[test]
    fn read_disc_information_both_directions() {
        let c = ReadDiscInformation {
            data_type: 0,
            allocation_length: 34,
        };
        let bytes = [0x51, 0x00, 0, 0, 0, 0, 0, 0x00, 0x22, 0x00]; // B7-8 = 34
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReadDiscInformation::from_cdb(&bytes), Ok(c));
        let bad = [0x51, 0x03, 0, 0, 0, 0, 0, 0x00, 0x22, 0x00]; // data type 011b reserved
        assert_eq!(
            ReadDiscInformation::from_cdb(&bad),
            Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(2)
            })
        );
    }

    #[test]
    fn read_track_information_both_directions() {
        let c = ReadTrackInformation {
            open: false,
            address_type: TrackAddressType::TrackNumber,
            address: 0xFF,
            allocation_length: 48,
        };
        let bytes = [
            0x52, // opcode
            0x01, // B1 b1-0 = 01b track number
            0x00, 0x00, 0x00, 0xFF, // B2-5 track FFh (invisible track)
            0x00, // B6
            0x00, 0x30, // B7-8 allocation length 48
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReadTrackInformation::from_cdb(&bytes), Ok(c));
        let open = [0x52, 0x05, 0, 0, 0, 1, 0, 0x00, 0x30, 0x00];
        assert!(ReadTrackInformation::from_cdb(&open).unwrap().open);
        let bad = [0x52, 0x03, 0, 0, 0, 1, 0, 0x00, 0x30, 0x00];
        assert_eq!(
            ReadTrackInformation::from_cdb(&bad),
            Err(CdbError::InvalidField {
                byte: 1,
                bit: Some(1)
            })
        );
    }

    #[test]
    fn reserve_track_size_both_directions() {
        let c = ReserveTrack {
            rmz: false,
            reservation: Reservation::Size(0x0011_2233),
        };
        let bytes = [
            0x53, // opcode
            0x00, // B1 RMZ=0 ARSV=0
            0x00, 0x00, 0x00, // B2-4
            0x00, 0x11, 0x22, 0x33, // B5-8 reservation size
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReserveTrack::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn reserve_track_lba_both_directions() {
        let c = ReserveTrack {
            rmz: true,
            reservation: Reservation::Lba(Lba(0x0000_4000)),
        };
        let bytes = [
            0x53, // opcode
            0x03, // B1 RMZ=1 ARSV=1
            0x00, 0x00, 0x40, 0x00, // B2-5 reservation LBA
            0x00, 0x00, 0x00, // B6-8
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReserveTrack::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn send_opc_information_both_directions() {
        let c = SendOpcInformation {
            do_opc: true,
            parameter_list_length: 0,
        };
        let bytes = [0x54, 0x01, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00]; // B1.0 DoOPC
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(SendOpcInformation::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn mode_select10_both_directions() {
        let c = ModeSelect10 {
            pf: true,
            sp: false,
            parameter_list_length: 60,
        };
        let bytes = [
            0x55, // opcode
            0x10, // B1.4 PF
            0x00, 0x00, 0x00, 0x00, 0x00, // B2-6
            0x00, 0x3C, // B7-8 parameter list length 60
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ModeSelect10::from_cdb(&bytes), Ok(c));
        assert!(
            ModeSelect10::from_cdb(&[0x55, 0x11, 0, 0, 0, 0, 0, 0, 0x3C, 0])
                .unwrap()
                .sp
        );
    }

    #[test]
    fn mode_sense10_both_directions() {
        let c = ModeSense10 {
            llbaa: false,
            dbd: true,
            page_control: PageControl::Changeable,
            page_code: 0x05,
            subpage_code: 0,
            allocation_length: 0x3C,
        };
        let bytes = [
            0x5A, // opcode
            0x08, // B1.3 DBD
            0x45, // B2: PC=01b, page 05h
            0x00, // B3 subpage
            0x00, 0x00, 0x00, // B4-6
            0x00, 0x3C, // B7-8 allocation length
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ModeSense10::from_cdb(&bytes), Ok(c));
        let all = ModeSense10::from_cdb(&[0x5A, 0x10, 0xFF, 0x00, 0, 0, 0, 0xFF, 0xFF, 0]).unwrap();
        assert!(all.llbaa);
        assert_eq!(all.page_control, PageControl::Saved);
        assert_eq!(all.page_code, 0x3F);
        assert_eq!(all.allocation_length, 0xFFFF);
    }

    #[test]
    fn close_track_session_both_directions() {
        let c = CloseTrackSession {
            immed: true,
            function: CloseFunction::CloseTrack,
            number: 1,
        };
        let bytes = [
            0x5B, // opcode
            0x01, // B1.0 Immed
            0x01, // B2 close function 001b
            0x00, // B3
            0x00, 0x01, // B4-5 track number 1
            0x00, 0x00, 0x00, // B6-8
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(CloseTrackSession::from_cdb(&bytes), Ok(c));
        let fin = [0x5B, 0x00, 0x06, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            CloseTrackSession::from_cdb(&fin).unwrap().function,
            CloseFunction::FinalizeDisc
        );
        let bad = [0x5B, 0x00, 0x07, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            CloseTrackSession::from_cdb(&bad),
            Err(CdbError::InvalidField {
                byte: 2,
                bit: Some(2)
            })
        );
    }

    #[test]
    fn from_cdb_wrong_opcode_and_length_are_rejected() {
        assert_eq!(
            Write10::from_cdb(&[0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(CdbError::Opcode {
                expected: 0x2A,
                found: 0x28
            })
        );
        assert_eq!(
            Write10::from_cdb(&[0x2A, 0, 0, 0, 0, 0]),
            Err(CdbError::Length {
                opcode: 0x2A,
                len: 6
            })
        );
        assert_eq!(
            TestUnitReady::from_cdb(&[]),
            Err(CdbError::Length {
                opcode: 0x00,
                len: 0
            })
        );
    }

    #[test]
    fn command_name_looks_up_table() {
        assert_eq!(command_name(0x5B), Some("CLOSE TRACK/SESSION"));
        assert_eq!(command_name(0xA1), Some("BLANK"));
        assert_eq!(command_name(0xA2), None);
        assert_eq!(
            command_info(0x2A).map(|c| c.direction),
            Some(DataDirection::Out)
        );
    }
}
