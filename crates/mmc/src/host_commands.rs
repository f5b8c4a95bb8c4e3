//! Commands real burners and operating systems send beside the recording set, with their
//! response data: READ FORMAT CAPACITIES, GET EVENT STATUS NOTIFICATION, READ BUFFER CAPACITY,
//! REPORT LUNS, GET PERFORMANCE, READ DISC STRUCTURE, SET STREAMING, SET CD SPEED, MECHANISM
//! STATUS, and the INQUIRY vital product data pages 00h, 80h and 83h.
//!
//! Commands follow [`crate::commands`]: one type per command implementing [`Command`] both
//! ways; `from_cdb` checks opcode and exact length, then rejects reserved values of fields the
//! command interprets. Response data are plain typed values with `emit` (typed → bytes) and
//! `parse` (bytes → typed); `parse` checks lengths first and never panics; lists read only what
//! lies in both the buffer and the announced length.
//!
//! Spec: reference `mmc.md` §1.7, §1.13, §1.14, §1.24–§1.28; SPC-4 for REPORT LUNS and the
//! VPD pages (§? — not in `mmc.md`; layouts as every SPC revision since SPC-2 defines them).

use crate::cdb::{Cdb, CdbError, Command, DataDirection, ParseError};
use crate::decode_views::CapacityDescriptor;
use crate::enums::enum_with_unknown;
use crate::wire::{be16, be32, check_cdb, put16, put32};

fn check_min(what: &'static str, got: usize, need: usize) -> Result<(), ParseError> {
    if got < need {
        Err(ParseError::Truncated { what, need, got })
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// 23h READ FORMAT CAPACITIES
// ---------------------------------------------------------------------------------------------

/// `23h READ FORMAT CAPACITIES`: the current/maximum capacity and the formats the medium
/// accepts.
///
/// Shape: B7-8 allocation length. Data in (parsed by
/// [`crate::decode_views::FormatCapacities`], built by [`emit_format_capacities`]).
///
/// Spec: MMC-6 §6.24 (reference `mmc.md` §1.14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadFormatCapacities {
    /// Allocation length in bytes (libburn sends 4, then 12 or more).
    pub allocation_length: u16,
}

impl Command for ReadFormatCapacities {
    const OPCODE: u8 = 0x23;
    const NAME: &'static str = "READ FORMAT CAPACITIES";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        put16(c.as_mut_bytes(), 7, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(ReadFormatCapacities {
            allocation_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// READ FORMAT CAPACITIES data: the 4-byte header (B3 = capacity list length) and the
/// descriptors, the first being the current/maximum capacity descriptor.
///
/// Shape per descriptor: B0-3 blocks; B4 type byte (current/maximum: B4.1-0 descriptor type;
/// formattable: B4.7-2 format type); B5-7 block length or type-dependent parameter.
/// At most 31 descriptors fit the one-byte list length; more are dropped.
///
/// Spec: MMC-6 §6.24 (reference `mmc.md` §1.14).
pub fn emit_format_capacities(descriptors: &[CapacityDescriptor]) -> Vec<u8> {
    let descriptors = &descriptors[..descriptors.len().min(31)];
    let mut out = vec![0u8, 0, 0, (descriptors.len() * 8) as u8];
    for d in descriptors {
        out.extend_from_slice(&d.blocks.to_be_bytes());
        out.push(d.type_byte);
        out.extend_from_slice(&d.parameter.to_be_bytes()[1..]);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// 4Ah GET EVENT STATUS NOTIFICATION
// ---------------------------------------------------------------------------------------------

/// Notification class bit of the media class in the class request mask (CDB B4) and in the
/// supported-class mask (response B3). Spec: `mmc.md` §1.7.
pub const NOTIFICATION_CLASS_MEDIA: u8 = 1 << 4;

/// Notification class number of the media class (response B2.2-0). Spec: `mmc.md` §1.7.
pub const NOTIFICATION_CLASS_MEDIA_NUMBER: u8 = 4;

/// `4Ah GET EVENT STATUS NOTIFICATION`: the next pending event of the requested classes.
///
/// Shape: B1.0 Polled (1 = polled; asynchronous operation is not supported by MMC drives in
/// practice); B4 notification class request mask (bit 4 media, 1 operational change, 2 power
/// management, 3 external request, 5 multi-host, 6 device busy); B7-8 allocation length.
/// Data in ([`EventStatus`]).
///
/// Spec: MMC-6 §6.6 (reference `mmc.md` §1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[doc(alias = "GESN")]
pub struct GetEventStatusNotification {
    /// Polled: the host polls (the only mode drives support).
    pub polled: bool,
    /// Notification class request mask (see [`NOTIFICATION_CLASS_MEDIA`]).
    pub notification_class_request: u8,
    /// Allocation length in bytes (the Linux kernel sends 8).
    pub allocation_length: u16,
}

impl Command for GetEventStatusNotification {
    const OPCODE: u8 = 0x4A;
    const NAME: &'static str = "GET EVENT STATUS NOTIFICATION";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.polled);
        b[4] = self.notification_class_request;
        put16(b, 7, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(GetEventStatusNotification {
            polled: cdb[1] & 0x01 != 0,
            notification_class_request: cdb[4],
            allocation_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

enum_with_unknown! {
    /// Media event code (media event descriptor B0.3-0).
    ///
    /// Spec: MMC-6 §6.6 (reference `mmc.md` §1.7).
    pub enum MediaEventCode(u8) {
        /// 0: no change.
        NoChange = 0,
        /// 1: the user asked for an eject.
        EjectRequest = 1,
        /// 2: a new medium was loaded (reported once after a load).
        NewMedia = 2,
        /// 3: the medium was removed.
        MediaRemoval = 3,
        /// 4: the medium changed.
        MediaChanged = 4,
        /// 5: background format completed.
        BgFormatCompleted = 5,
        /// 6: background format restarted.
        BgFormatRestarted = 6,
    }
}

/// A media class event descriptor.
///
/// Shape (4 bytes): B0.3-0 media event code; B1.1 Media Present, B1.0 Door or Tray Open; B2
/// start slot; B3 end slot.
///
/// Spec: MMC-6 §6.6 (reference `mmc.md` §1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MediaEvent {
    /// Event code.
    pub event_code: MediaEventCode,
    /// Media Present.
    pub media_present: bool,
    /// Door or Tray Open.
    pub tray_open: bool,
    /// Start slot (0 without a changer).
    pub start_slot: u8,
    /// End slot (0 without a changer).
    pub end_slot: u8,
}

/// GET EVENT STATUS NOTIFICATION data: the 4-byte header and at most one event descriptor.
///
/// Shape: B0-1 event descriptor length = bytes after this field (2 without a descriptor, 6
/// with a media descriptor: the SPC convention, accepted by the Linux kernel (`≥ 4`) and
/// libburn (`length + 2 ≥ 8`), see `mmc.md` §1.7); B2.7 NEA (no event available), B2.2-0
/// notification class of the descriptor; B3 supported notification classes; then the
/// descriptor.
///
/// Spec: MMC-6 §6.6 (reference `mmc.md` §1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventStatus {
    /// NEA: no requested class has an event (no descriptor follows).
    #[doc(alias = "NEA")]
    pub no_event_available: bool,
    /// Notification class of the descriptor (4 = media).
    pub notification_class: u8,
    /// Supported notification classes (bit mask as the CDB's request mask).
    pub supported_classes: u8,
    /// The media event, when the header announces one of class 4.
    pub media: Option<MediaEvent>,
}

impl EventStatus {
    /// The response bytes.
    pub fn emit(&self) -> Vec<u8> {
        let mut out = vec![0u8; 4];
        out[2] = (u8::from(self.no_event_available) << 7) | (self.notification_class & 0x07);
        out[3] = self.supported_classes;
        if let (false, Some(m)) = (self.no_event_available, self.media) {
            out.push(u8::from(m.event_code) & 0x0F);
            out.push((u8::from(m.media_present) << 1) | u8::from(m.tray_open));
            out.push(m.start_slot);
            out.push(m.end_slot);
        }
        let length = (out.len() - 2) as u16;
        put16(&mut out, 0, length);
        out
    }

    /// Parses the header and, for the media class, its descriptor.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 4 bytes.
    pub fn parse(b: &[u8]) -> Result<EventStatus, ParseError> {
        check_min("GET EVENT STATUS NOTIFICATION data", b.len(), 4)?;
        let nea = b[2] & 0x80 != 0;
        let class = b[2] & 0x07;
        let announced = 2 + usize::from(be16(b, 0));
        let media = match b.get(4..8) {
            Some(d) if !nea && class == NOTIFICATION_CLASS_MEDIA_NUMBER && announced >= 8 => {
                Some(MediaEvent {
                    event_code: MediaEventCode::from(d[0] & 0x0F),
                    media_present: d[1] & 0x02 != 0,
                    tray_open: d[1] & 0x01 != 0,
                    start_slot: d[2],
                    end_slot: d[3],
                })
            }
            _ => None,
        };
        Ok(EventStatus {
            no_event_available: nea,
            notification_class: class,
            supported_classes: b[3],
            media,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// 5Ch READ BUFFER CAPACITY
// ---------------------------------------------------------------------------------------------

/// `5Ch READ BUFFER CAPACITY`: size and free space of the drive's write buffer.
///
/// Shape: B1.0 Block (answer in blocks); B7-8 allocation length. Data in ([`BufferCapacity`]).
///
/// Spec: MMC-6 §6.21 (reference `mmc.md` §1.24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadBufferCapacity {
    /// Block: report the available buffer in blocks instead of bytes.
    pub block: bool,
    /// Allocation length in bytes (12).
    pub allocation_length: u16,
}

impl Command for ReadBufferCapacity {
    const OPCODE: u8 = 0x5C;
    const NAME: &'static str = "READ BUFFER CAPACITY";
    const CDB_LEN: usize = 10;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = u8::from(self.block);
        put16(b, 7, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(ReadBufferCapacity {
            block: cdb[1] & 0x01 != 0,
            allocation_length: be16(cdb, 7),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// READ BUFFER CAPACITY data (12 bytes).
///
/// Shape: B0-1 data length (10). Block = 0: B4-7 length of buffer, B8-11 blank (free) length,
/// both in bytes. Block = 1: B3.0 Block = 1, B4-7 reserved, B8-11 available buffer length in
/// blocks.
///
/// Spec: MMC-6 §6.21 (reference `mmc.md` §1.24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BufferCapacity {
    /// Block = 0.
    Bytes {
        /// Length of the buffer, bytes.
        buffer_length_bytes: u32,
        /// Free space in the buffer, bytes.
        blank_length_bytes: u32,
    },
    /// Block = 1.
    Blocks {
        /// Free space in the buffer, blocks.
        available_blocks: u32,
    },
}

impl BufferCapacity {
    /// Response length, bytes.
    pub const LEN: usize = 12;

    /// The response bytes.
    pub fn emit(&self) -> Vec<u8> {
        let mut out = vec![0u8; Self::LEN];
        put16(&mut out, 0, (Self::LEN - 2) as u16);
        match *self {
            BufferCapacity::Bytes {
                buffer_length_bytes,
                blank_length_bytes,
            } => {
                put32(&mut out, 4, buffer_length_bytes);
                put32(&mut out, 8, blank_length_bytes);
            }
            BufferCapacity::Blocks { available_blocks } => {
                out[3] = 0x01;
                put32(&mut out, 8, available_blocks);
            }
        }
        out
    }

    /// Parses the 12 bytes (the form from B3.0).
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 12 bytes.
    pub fn parse(b: &[u8]) -> Result<BufferCapacity, ParseError> {
        check_min("READ BUFFER CAPACITY data", b.len(), Self::LEN)?;
        Ok(if b[3] & 0x01 != 0 {
            BufferCapacity::Blocks {
                available_blocks: be32(b, 8),
            }
        } else {
            BufferCapacity::Bytes {
                buffer_length_bytes: be32(b, 4),
                blank_length_bytes: be32(b, 8),
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// A0h REPORT LUNS
// ---------------------------------------------------------------------------------------------

/// `A0h REPORT LUNS`: the logical unit inventory.
///
/// Shape: B2 select report (0 = all LUNs except well-known ones); B6-9 allocation length
/// (at least 16 per SPC; smaller ones are truncated, not refused). Data in ([`LunList`]).
///
/// Spec: SPC-4 §? (REPORT LUNS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportLuns {
    /// Select report (00h, 01h, 02h defined).
    pub select_report: u8,
    /// Allocation length in bytes.
    pub allocation_length: u32,
}

impl Command for ReportLuns {
    const OPCODE: u8 = 0xA0;
    const NAME: &'static str = "REPORT LUNS";
    const CDB_LEN: usize = 12;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[2] = self.select_report;
        put32(b, 6, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(ReportLuns {
            select_report: cdb[2],
            allocation_length: be32(cdb, 6),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        usize::try_from(self.allocation_length).ok()
    }
}

/// REPORT LUNS data: B0-3 LUN list length (8 × n), B4-7 reserved, then n 8-byte LUNs.
///
/// Spec: SPC-4 §? (REPORT LUNS parameter data).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LunList {
    /// The LUNs in SAM 8-byte format (single level LUN n = `[0, n, 0, 0, 0, 0, 0, 0]` below 256).
    pub luns: Vec<[u8; 8]>,
}

impl LunList {
    /// The response bytes.
    pub fn emit(&self) -> Vec<u8> {
        let mut out = vec![0u8; 8];
        put32(&mut out, 0, (self.luns.len() * 8) as u32);
        for l in &self.luns {
            out.extend_from_slice(l);
        }
        out
    }

    /// Parses the list: the LUNs present in both the buffer and the announced length.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 8 bytes.
    pub fn parse(b: &[u8]) -> Result<LunList, ParseError> {
        check_min("REPORT LUNS data", b.len(), 8)?;
        let end = (8 + be32(b, 0) as usize).min(b.len());
        let luns = b[8..end]
            .chunks_exact(8)
            .map(|c| {
                let mut l = [0u8; 8];
                l.copy_from_slice(c);
                l
            })
            .collect();
        Ok(LunList { luns })
    }
}

// ---------------------------------------------------------------------------------------------
// ACh GET PERFORMANCE
// ---------------------------------------------------------------------------------------------

/// GET PERFORMANCE type (CDB B10) 00h: performance data.
pub const PERFORMANCE_TYPE_PERFORMANCE: u8 = 0x00;
/// GET PERFORMANCE type (CDB B10) 03h: write speed descriptors.
pub const PERFORMANCE_TYPE_WRITE_SPEED: u8 = 0x03;

/// `ACh GET PERFORMANCE`: performance or write speed descriptors.
///
/// Shape: B1.4-0 data type (type 00h: B1.4-3 tolerance (10b = 10 %), B1.2 Write, B1.1-0
/// Except); B2-5 starting LBA; B8-9 maximum number of descriptors; B10 type. Data in: an
/// 8-byte header ([`PerformanceHeader`]) and 16-byte descriptors ([`PerformanceDescriptor`],
/// [`WriteSpeedDescriptor`]).
///
/// Spec: MMC-6 §6.8 (reference `mmc.md` §1.27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GetPerformance {
    /// Data type field (B1.4-0).
    pub data_type: u8,
    /// Starting LBA.
    pub starting_lba: u32,
    /// Maximum number of descriptors.
    pub max_descriptors: u16,
    /// Type (B10): [`PERFORMANCE_TYPE_PERFORMANCE`], [`PERFORMANCE_TYPE_WRITE_SPEED`], …
    pub performance_type: u8,
}

impl GetPerformance {
    /// Tolerance of type 00h (B1.4-3).
    pub fn tolerance(&self) -> u8 {
        (self.data_type >> 3) & 0x03
    }

    /// Write bit of type 00h (B1.2): write performance instead of read.
    pub fn write(&self) -> bool {
        self.data_type & 0x04 != 0
    }

    /// Except field of type 00h (B1.1-0).
    pub fn except(&self) -> u8 {
        self.data_type & 0x03
    }
}

impl Command for GetPerformance {
    const OPCODE: u8 = 0xAC;
    const NAME: &'static str = "GET PERFORMANCE";
    const CDB_LEN: usize = 12;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = self.data_type & 0x1F;
        put32(b, 2, self.starting_lba);
        put16(b, 8, self.max_descriptors);
        b[10] = self.performance_type;
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(GetPerformance {
            data_type: cdb[1] & 0x1F,
            starting_lba: be32(cdb, 2),
            max_descriptors: be16(cdb, 8),
            performance_type: cdb[10],
        })
    }

    /// 8 + 16 × max descriptors for types 00h and 03h (16-byte descriptors); `None` for
    /// other types, whose descriptor sizes differ.
    fn transfer_len(&self) -> Option<usize> {
        matches!(
            self.performance_type,
            PERFORMANCE_TYPE_PERFORMANCE | PERFORMANCE_TYPE_WRITE_SPEED
        )
        .then(|| 8 + 16 * usize::from(self.max_descriptors))
    }
}

/// The 8-byte header of GET PERFORMANCE data.
///
/// Shape: B0-3 performance data length (bytes after this field: 4 + 16 × n); B4.1 Write, B4.0
/// Except (type 00h); B5-7 reserved.
///
/// Spec: MMC-6 §6.8 (reference `mmc.md` §1.27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PerformanceHeader {
    /// Performance data length.
    pub data_length: u32,
    /// Write (type 00h).
    pub write: bool,
    /// Except (type 00h).
    pub except: bool,
}

impl PerformanceHeader {
    /// Parses the header.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 8 bytes.
    pub fn parse(b: &[u8]) -> Result<PerformanceHeader, ParseError> {
        check_min("GET PERFORMANCE header", b.len(), 8)?;
        Ok(PerformanceHeader {
            data_length: be32(b, 0),
            write: b[4] & 0x02 != 0,
            except: b[4] & 0x01 != 0,
        })
    }

    /// The 16-byte descriptors following the header, within both the buffer and the
    /// announced length.
    pub fn descriptors(b: &[u8]) -> impl Iterator<Item = &[u8]> {
        let announced = if b.len() >= 4 {
            4 + be32(b, 0) as usize
        } else {
            0
        };
        let end = announced.min(b.len());
        b.get(8..end).unwrap_or(&[]).chunks_exact(16)
    }
}

/// A type 00h (performance) descriptor.
///
/// Shape (16 bytes): B0-3 start LBA; B4-7 start performance; B8-11 end LBA; B12-15 end
/// performance. Units: kB/s (1000 bytes).
///
/// Spec: MMC-6 §6.8 (reference `mmc.md` §1.27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PerformanceDescriptor {
    /// Start LBA.
    pub start_lba: u32,
    /// Performance at the start, kB/s.
    pub start_performance_kbps: u32,
    /// End LBA.
    pub end_lba: u32,
    /// Performance at the end, kB/s.
    pub end_performance_kbps: u32,
}

impl PerformanceDescriptor {
    /// Type 00h data: header (Write, Except as given) and the descriptors.
    pub fn emit_all(write: bool, except: bool, descriptors: &[PerformanceDescriptor]) -> Vec<u8> {
        let mut out = vec![0u8; 8];
        put32(&mut out, 0, (4 + 16 * descriptors.len()) as u32);
        out[4] = (u8::from(write) << 1) | u8::from(except);
        for d in descriptors {
            out.extend_from_slice(&d.start_lba.to_be_bytes());
            out.extend_from_slice(&d.start_performance_kbps.to_be_bytes());
            out.extend_from_slice(&d.end_lba.to_be_bytes());
            out.extend_from_slice(&d.end_performance_kbps.to_be_bytes());
        }
        out
    }

    /// Parses one 16-byte descriptor.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 16 bytes.
    pub fn parse(b: &[u8]) -> Result<PerformanceDescriptor, ParseError> {
        check_min("performance descriptor", b.len(), 16)?;
        Ok(PerformanceDescriptor {
            start_lba: be32(b, 0),
            start_performance_kbps: be32(b, 4),
            end_lba: be32(b, 8),
            end_performance_kbps: be32(b, 12),
        })
    }
}

/// A type 03h write speed descriptor.
///
/// Shape (16 bytes): B0.4-3 WRC (rotation control), B0.2 RDD, B0.1 Exact, B0.0 MRW; B4-7 end
/// LBA; B8-11 read speed; B12-15 write speed. Units: kB/s.
///
/// Spec: MMC-6 §6.8 (reference `mmc.md` §1.27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WriteSpeedDescriptor {
    /// WRC: rotation control (0 default / CLV, 1 CAV).
    #[doc(alias = "WRC")]
    pub rotation_control: u8,
    /// RDD: restore drive defaults.
    #[doc(alias = "RDD")]
    pub rdd: bool,
    /// Exact.
    pub exact: bool,
    /// MRW.
    pub mrw: bool,
    /// End LBA (capacity − 1 of the medium the speed applies to).
    pub end_lba: u32,
    /// Read speed, kB/s.
    pub read_speed_kbps: u32,
    /// Write speed, kB/s.
    pub write_speed_kbps: u32,
}

impl WriteSpeedDescriptor {
    /// Type 03h data: the header and the descriptors.
    pub fn emit_all(descriptors: &[WriteSpeedDescriptor]) -> Vec<u8> {
        let mut out = vec![0u8; 8];
        put32(&mut out, 0, (4 + 16 * descriptors.len()) as u32);
        for d in descriptors {
            out.push(
                ((d.rotation_control & 0x03) << 3)
                    | (u8::from(d.rdd) << 2)
                    | (u8::from(d.exact) << 1)
                    | u8::from(d.mrw),
            );
            out.extend_from_slice(&[0, 0, 0]);
            out.extend_from_slice(&d.end_lba.to_be_bytes());
            out.extend_from_slice(&d.read_speed_kbps.to_be_bytes());
            out.extend_from_slice(&d.write_speed_kbps.to_be_bytes());
        }
        out
    }

    /// Parses one 16-byte descriptor.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 16 bytes.
    pub fn parse(b: &[u8]) -> Result<WriteSpeedDescriptor, ParseError> {
        check_min("write speed descriptor", b.len(), 16)?;
        Ok(WriteSpeedDescriptor {
            rotation_control: (b[0] >> 3) & 0x03,
            rdd: b[0] & 0x04 != 0,
            exact: b[0] & 0x02 != 0,
            mrw: b[0] & 0x01 != 0,
            end_lba: be32(b, 4),
            read_speed_kbps: be32(b, 8),
            write_speed_kbps: be32(b, 12),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// ADh READ DISC STRUCTURE
// ---------------------------------------------------------------------------------------------

/// READ DISC STRUCTURE format FFh: the list of structures the drive can return.
pub const DISC_STRUCTURE_LIST: u8 = 0xFF;

/// `ADh READ DISC STRUCTURE` (READ DVD STRUCTURE): a structure of the medium.
///
/// Shape: B1.3-0 media type (0 DVD/HD DVD, 1 BD); B2-5 address; B6 layer number; B7 format;
/// B8-9 allocation length; B10.7-6 AGID. Data in: a 4-byte header (B0-1 length = total − 2)
/// and the format's data ([`emit_disc_structure`]).
///
/// Spec: MMC-6 §6.22 (reference `mmc.md` §1.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadDiscStructure {
    /// Media type (0 DVD, 1 BD).
    pub media_type: u8,
    /// Address field.
    pub address: u32,
    /// Layer number.
    pub layer: u8,
    /// Format code.
    pub format: u8,
    /// Allocation length in bytes.
    pub allocation_length: u16,
    /// AGID (2 bits).
    #[doc(alias = "AGID")]
    pub agid: u8,
}

impl Command for ReadDiscStructure {
    const OPCODE: u8 = 0xAD;
    const NAME: &'static str = "READ DISC STRUCTURE";
    const CDB_LEN: usize = 12;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = self.media_type & 0x0F;
        put32(b, 2, self.address);
        b[6] = self.layer;
        b[7] = self.format;
        put16(b, 8, self.allocation_length);
        b[10] = (self.agid & 0x03) << 6;
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(ReadDiscStructure {
            media_type: cdb[1] & 0x0F,
            address: be32(cdb, 2),
            layer: cdb[6],
            format: cdb[7],
            allocation_length: be16(cdb, 8),
            agid: cdb[10] >> 6,
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// A READ DISC STRUCTURE response: the 4-byte header (B0-1 length = 2 + data length, B2-3
/// reserved) followed by `data`. Data longer than 65 533 bytes is cut.
///
/// Spec: MMC-6 §6.22 (reference `mmc.md` §1.13).
pub fn emit_disc_structure(data: &[u8]) -> Vec<u8> {
    let data = &data[..data.len().min(usize::from(u16::MAX) - 2)];
    let mut out = vec![0u8; 4];
    put16(&mut out, 0, (data.len() + 2) as u16);
    out.extend_from_slice(data);
    out
}

/// One entry of the format FFh list: B0 format code; B1.7 SDS (SEND DISC STRUCTURE accepts
/// it), B1.6 RDS (READ DISC STRUCTURE returns it); B2-3 structure length.
///
/// Spec: MMC-6 §6.22 (reference `mmc.md` §1.13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DiscStructureListEntry {
    /// Format code.
    pub format: u8,
    /// SDS.
    #[doc(alias = "SDS")]
    pub sendable: bool,
    /// RDS.
    #[doc(alias = "RDS")]
    pub readable: bool,
    /// Structure length in bytes (without the 4-byte header).
    pub length: u16,
}

impl DiscStructureListEntry {
    /// The 4 bytes of the entry.
    pub fn emit(&self) -> [u8; 4] {
        let l = self.length.to_be_bytes();
        [
            self.format,
            (u8::from(self.sendable) << 7) | (u8::from(self.readable) << 6),
            l[0],
            l[1],
        ]
    }

    /// Parses one entry.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 4 bytes.
    pub fn parse(b: &[u8]) -> Result<DiscStructureListEntry, ParseError> {
        check_min("disc structure list entry", b.len(), 4)?;
        Ok(DiscStructureListEntry {
            format: b[0],
            sendable: b[1] & 0x80 != 0,
            readable: b[1] & 0x40 != 0,
            length: be16(b, 2),
        })
    }
}

/// DVD physical format information (READ DISC STRUCTURE media type 0, format 00h), the first
/// 17 bytes of its 2048; the rest is zero.
///
/// Shape: D0.7-4 book type, D0.3-0 part version; D1.7-4 disc size, D1.3-0 maximum rate;
/// D2.6-5 number of layers − 1, D2.4 track path, D2.3-0 layer type (bit 0 embossed, 1
/// recordable, 2 rewritable); D3.7-4 linear density, D3.3-0 track density; D4-7 starting PSN
/// of the data area (030000h); D8-11 end PSN of the data area; D12-15 end PSN in layer 0;
/// D16.7 BCA flag.
///
/// Spec: MMC-6 §6.22.3.2.1 (reference `mmc.md` §1.13, §5.1: PSN 030000h = LBA 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DvdPhysicalFormat {
    /// Book type (0 DVD-ROM, 2 DVD-R, 9 DVD+RW, Ah DVD+R, …).
    pub book_type: u8,
    /// Part version.
    pub part_version: u8,
    /// Disc size (0 = 120 mm).
    pub disc_size: u8,
    /// Maximum rate code.
    pub maximum_rate: u8,
    /// Number of layers − 1.
    pub layers_minus_one: u8,
    /// Track path (false = parallel, true = opposite).
    pub opposite_track_path: bool,
    /// Layer type bits.
    pub layer_type: u8,
    /// Linear density code.
    pub linear_density: u8,
    /// Track density code.
    pub track_density: u8,
    /// Starting physical sector number of the data area.
    pub start_psn: u32,
    /// End physical sector number of the data area.
    pub end_psn: u32,
    /// End physical sector number in layer 0.
    pub end_psn_layer0: u32,
    /// BCA present.
    pub bca: bool,
}

impl DvdPhysicalFormat {
    /// Bytes of format 00h data.
    pub const LEN: usize = 2048;

    /// The 2048 bytes of format 00h data (without the 4-byte header).
    pub fn emit(&self) -> Vec<u8> {
        let mut out = vec![0u8; Self::LEN];
        out[0] = (self.book_type << 4) | (self.part_version & 0x0F);
        out[1] = (self.disc_size << 4) | (self.maximum_rate & 0x0F);
        out[2] = ((self.layers_minus_one & 0x03) << 5)
            | (u8::from(self.opposite_track_path) << 4)
            | (self.layer_type & 0x0F);
        out[3] = (self.linear_density << 4) | (self.track_density & 0x0F);
        put32(&mut out, 4, self.start_psn & 0x00FF_FFFF);
        put32(&mut out, 8, self.end_psn & 0x00FF_FFFF);
        put32(&mut out, 12, self.end_psn_layer0 & 0x00FF_FFFF);
        out[16] = u8::from(self.bca) << 7;
        out
    }

    /// Parses the first 17 bytes of format 00h data.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 17 bytes.
    pub fn parse(b: &[u8]) -> Result<DvdPhysicalFormat, ParseError> {
        check_min("DVD physical format information", b.len(), 17)?;
        Ok(DvdPhysicalFormat {
            book_type: b[0] >> 4,
            part_version: b[0] & 0x0F,
            disc_size: b[1] >> 4,
            maximum_rate: b[1] & 0x0F,
            layers_minus_one: (b[2] >> 5) & 0x03,
            opposite_track_path: b[2] & 0x10 != 0,
            layer_type: b[2] & 0x0F,
            linear_density: b[3] >> 4,
            track_density: b[3] & 0x0F,
            start_psn: be32(b, 4) & 0x00FF_FFFF,
            end_psn: be32(b, 8) & 0x00FF_FFFF,
            end_psn_layer0: be32(b, 12) & 0x00FF_FFFF,
            bca: b[16] & 0x80 != 0,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// B6h SET STREAMING
// ---------------------------------------------------------------------------------------------

/// `B6h SET STREAMING`: request a streaming performance (read/write speed) for an LBA range.
///
/// Shape: B8 type (0 = performance descriptor, 28 bytes); B9-10 parameter list length. Data
/// out ([`StreamingDescriptor`]).
///
/// Spec: MMC-6 §6.39 (reference `mmc.md` §1.26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SetStreaming {
    /// Type of the parameter list (0 = performance descriptor).
    pub streaming_type: u8,
    /// Parameter list length in bytes.
    pub parameter_list_length: u16,
}

impl Command for SetStreaming {
    const OPCODE: u8 = 0xB6;
    const NAME: &'static str = "SET STREAMING";
    const CDB_LEN: usize = 12;
    const DIRECTION: DataDirection = DataDirection::Out;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[8] = self.streaming_type;
        put16(b, 9, self.parameter_list_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(SetStreaming {
            streaming_type: cdb[8],
            parameter_list_length: be16(cdb, 9),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.parameter_list_length))
    }
}

/// The type 0 performance descriptor of SET STREAMING.
///
/// Shape (28 bytes): B0.4-3 WRC, B0.2 RDD, B0.1 Exact, B0.0 RA; B4-7 start LBA; B8-11 end
/// LBA; B12-15 read size (kB); B16-19 read time (ms); B20-23 write size (kB); B24-27 write
/// time (ms). Speed = size / time.
///
/// Spec: MMC-6 §6.39 (reference `mmc.md` §1.26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamingDescriptor {
    /// WRC.
    #[doc(alias = "WRC")]
    pub rotation_control: u8,
    /// RDD: restore the drive's defaults.
    #[doc(alias = "RDD")]
    pub rdd: bool,
    /// Exact.
    pub exact: bool,
    /// RA: random access.
    #[doc(alias = "RA")]
    pub ra: bool,
    /// Start LBA.
    pub start_lba: u32,
    /// End LBA.
    pub end_lba: u32,
    /// Read size, kB.
    pub read_size_kb: u32,
    /// Read time, ms.
    pub read_time_ms: u32,
    /// Write size, kB.
    pub write_size_kb: u32,
    /// Write time, ms.
    pub write_time_ms: u32,
}

impl StreamingDescriptor {
    /// Descriptor length, bytes.
    pub const LEN: usize = 28;

    /// The 28 bytes.
    pub fn emit(&self) -> [u8; 28] {
        let mut out = [0u8; 28];
        out[0] = ((self.rotation_control & 0x03) << 3)
            | (u8::from(self.rdd) << 2)
            | (u8::from(self.exact) << 1)
            | u8::from(self.ra);
        put32(&mut out, 4, self.start_lba);
        put32(&mut out, 8, self.end_lba);
        put32(&mut out, 12, self.read_size_kb);
        put32(&mut out, 16, self.read_time_ms);
        put32(&mut out, 20, self.write_size_kb);
        put32(&mut out, 24, self.write_time_ms);
        out
    }

    /// Parses the descriptor.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 28 bytes.
    pub fn parse(b: &[u8]) -> Result<StreamingDescriptor, ParseError> {
        check_min("streaming performance descriptor", b.len(), Self::LEN)?;
        Ok(StreamingDescriptor {
            rotation_control: (b[0] >> 3) & 0x03,
            rdd: b[0] & 0x04 != 0,
            exact: b[0] & 0x02 != 0,
            ra: b[0] & 0x01 != 0,
            start_lba: be32(b, 4),
            end_lba: be32(b, 8),
            read_size_kb: be32(b, 12),
            read_time_ms: be32(b, 16),
            write_size_kb: be32(b, 20),
            write_time_ms: be32(b, 24),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// BBh SET CD SPEED
// ---------------------------------------------------------------------------------------------

/// `BBh SET CD SPEED`: set read and write speed (CD; many drives accept it for DVD too).
///
/// Shape: B1.1-0 rotational control (00 CLV, 01 pure CAV); B2-3 read speed; B4-5 write speed
/// (kB/s, FFFFh = maximum). No data.
///
/// Spec: MMC-6 §6.37 (reference `mmc.md` §1.25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SetCdSpeed {
    /// Rotational control (2 bits).
    pub rotation_control: u8,
    /// Read speed, kB/s (FFFFh = maximum).
    pub read_speed_kbps: u16,
    /// Write speed, kB/s (FFFFh = maximum).
    pub write_speed_kbps: u16,
}

impl Command for SetCdSpeed {
    const OPCODE: u8 = 0xBB;
    const NAME: &'static str = "SET CD SPEED";
    const CDB_LEN: usize = 12;
    const DIRECTION: DataDirection = DataDirection::None;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        let b = c.as_mut_bytes();
        b[1] = self.rotation_control & 0x03;
        put16(b, 2, self.read_speed_kbps);
        put16(b, 4, self.write_speed_kbps);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(SetCdSpeed {
            rotation_control: cdb[1] & 0x03,
            read_speed_kbps: be16(cdb, 2),
            write_speed_kbps: be16(cdb, 4),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(0)
    }
}

// ---------------------------------------------------------------------------------------------
// BDh MECHANISM STATUS
// ---------------------------------------------------------------------------------------------

/// `BDh MECHANISM STATUS`: tray and changer state.
///
/// Shape: B8-9 allocation length. Data in ([`MechanismStatusHeader`]).
///
/// Spec: MMC-6 §6.11 (reference `mmc.md` §1.28).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MechanismStatus {
    /// Allocation length in bytes (8 for the header).
    pub allocation_length: u16,
}

impl Command for MechanismStatus {
    const OPCODE: u8 = 0xBD;
    const NAME: &'static str = "MECHANISM STATUS";
    const CDB_LEN: usize = 12;
    const DIRECTION: DataDirection = DataDirection::In;

    fn cdb(&self) -> Cdb {
        let mut c = Cdb::new(Self::OPCODE, Self::CDB_LEN);
        put16(c.as_mut_bytes(), 8, self.allocation_length);
        c
    }

    fn from_cdb(cdb: &[u8]) -> Result<Self, CdbError> {
        check_cdb(cdb, Self::OPCODE, Self::CDB_LEN)?;
        Ok(MechanismStatus {
            allocation_length: be16(cdb, 8),
        })
    }

    fn transfer_len(&self) -> Option<usize> {
        Some(usize::from(self.allocation_length))
    }
}

/// The 8-byte MECHANISM STATUS header (no slot table follows for a single-disc drive).
///
/// Shape: B0.7 fault, B0.6-5 changer state, B0.4-0 current slot; B1.7-5 mechanism state (0
/// idle, 1 playing, 2 scanning, 3 host active, 7 unknown), B1.4 door open; B2-4 current LBA
/// (obsolete); B5 number of slots available; B6-7 slot table length.
///
/// Spec: MMC-6 §6.11 (reference `mmc.md` §1.28; bit positions partly **UNVERIFIED** there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MechanismStatusHeader {
    /// Fault.
    pub fault: bool,
    /// Changer state (2 bits).
    pub changer_state: u8,
    /// Current slot (5 bits).
    pub current_slot: u8,
    /// Mechanism state (3 bits).
    pub mechanism_state: u8,
    /// Door open.
    pub door_open: bool,
    /// Current LBA (24 bits, obsolete).
    pub current_lba: u32,
    /// Number of slots available.
    pub slots_available: u8,
    /// Slot table length, bytes.
    pub slot_table_length: u16,
}

impl MechanismStatusHeader {
    /// Header length, bytes.
    pub const LEN: usize = 8;

    /// The 8 bytes.
    pub fn emit(&self) -> [u8; 8] {
        let lba = self.current_lba.to_be_bytes();
        let table = self.slot_table_length.to_be_bytes();
        [
            (u8::from(self.fault) << 7)
                | ((self.changer_state & 0x03) << 5)
                | (self.current_slot & 0x1F),
            ((self.mechanism_state & 0x07) << 5) | (u8::from(self.door_open) << 4),
            lba[1],
            lba[2],
            lba[3],
            self.slots_available,
            table[0],
            table[1],
        ]
    }

    /// Parses the header.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 8 bytes.
    pub fn parse(b: &[u8]) -> Result<MechanismStatusHeader, ParseError> {
        check_min("MECHANISM STATUS header", b.len(), Self::LEN)?;
        Ok(MechanismStatusHeader {
            fault: b[0] & 0x80 != 0,
            changer_state: (b[0] >> 5) & 0x03,
            current_slot: b[0] & 0x1F,
            mechanism_state: b[1] >> 5,
            door_open: b[1] & 0x10 != 0,
            current_lba: u32::from_be_bytes([0, b[2], b[3], b[4]]),
            slots_available: b[5],
            slot_table_length: be16(b, 6),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// INQUIRY vital product data
// ---------------------------------------------------------------------------------------------

/// VPD page 00h: supported VPD pages.
pub const VPD_SUPPORTED_PAGES: u8 = 0x00;
/// VPD page 80h: unit serial number.
pub const VPD_UNIT_SERIAL_NUMBER: u8 = 0x80;
/// VPD page 83h: device identification.
pub const VPD_DEVICE_IDENTIFICATION: u8 = 0x83;

/// A vital product data page (INQUIRY with EVPD = 1).
///
/// Shape: B0.7-5 peripheral qualifier, B0.4-0 peripheral device type; B1 page code; B2-3 page
/// length (bytes after B3); then the page.
///
/// Spec: SPC-4 §? (VPD page format; pages 00h, 80h, 83h).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[doc(alias = "VPD")]
pub struct VpdPage {
    /// Peripheral device type (05h for CD/DVD); qualifier 0.
    pub peripheral_device_type: u8,
    /// Page code.
    pub page_code: u8,
    /// The bytes after the 4-byte header.
    pub payload: Vec<u8>,
}

impl VpdPage {
    /// Page 00h listing `pages` (sorted ascending by the caller; 00h itself included).
    pub fn supported_pages(peripheral_device_type: u8, pages: &[u8]) -> VpdPage {
        VpdPage {
            peripheral_device_type,
            page_code: VPD_SUPPORTED_PAGES,
            payload: pages.to_vec(),
        }
    }

    /// Page 80h with `serial` as ASCII (non-ASCII characters become `?`).
    pub fn unit_serial_number(peripheral_device_type: u8, serial: &str) -> VpdPage {
        VpdPage {
            peripheral_device_type,
            page_code: VPD_UNIT_SERIAL_NUMBER,
            payload: serial
                .chars()
                .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
                .collect(),
        }
    }

    /// Page 83h with one T10 vendor ID designator (code set 2 = ASCII, association 0 = the
    /// logical unit, designator type 1): `vendor` space-padded to 8 bytes, then `identifier`.
    ///
    /// Shape of the designation descriptor: B0.3-0 code set; B1.5-4 association, B1.3-0
    /// designator type; B2 reserved; B3 designator length; then the designator.
    pub fn device_identification_t10(
        peripheral_device_type: u8,
        vendor: &str,
        identifier: &str,
    ) -> VpdPage {
        let mut designator: Vec<u8> = vendor.bytes().take(8).collect();
        designator.resize(8, b' ');
        designator.extend(identifier.bytes().filter(u8::is_ascii));
        designator.truncate(255);
        let mut payload = vec![0x02, 0x01, 0x00, designator.len() as u8];
        payload.extend_from_slice(&designator);
        VpdPage {
            peripheral_device_type,
            page_code: VPD_DEVICE_IDENTIFICATION,
            payload,
        }
    }

    /// The page bytes (payloads over 65 535 bytes are cut).
    pub fn emit(&self) -> Vec<u8> {
        let payload = &self.payload[..self.payload.len().min(usize::from(u16::MAX))];
        let mut out = vec![self.peripheral_device_type & 0x1F, self.page_code, 0, 0];
        put16(&mut out, 2, payload.len() as u16);
        out.extend_from_slice(payload);
        out
    }

    /// Parses a page: the payload within both the buffer and the page length.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 4 bytes.
    pub fn parse(b: &[u8]) -> Result<VpdPage, ParseError> {
        check_min("VPD page", b.len(), 4)?;
        let end = (4 + usize::from(be16(b, 2))).min(b.len());
        Ok(VpdPage {
            peripheral_device_type: b[0] & 0x1F,
            page_code: b[1],
            payload: b[4..end].to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buffer of 0xa5 bytes: fields a builder forgot to set show up.
    fn a5(n: usize) -> Vec<u8> {
        vec![0xa5; n]
    }

    #[test]
    fn read_format_capacities_both_directions() {
        let c = ReadFormatCapacities {
            allocation_length: 12,
        };
        let bytes = [
            0x23, // opcode
            0, 0, 0, 0, 0, 0, // B1-6 reserved
            0x00, 0x0C, // B7-8 allocation length 12
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReadFormatCapacities::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn format_capacities_emit_hand_bytes() {
        let d = [
            CapacityDescriptor {
                blocks: 2_295_104,
                type_byte: 0x01,
                parameter: 2048,
            },
            CapacityDescriptor {
                blocks: 2_295_104,
                type_byte: 0x26 << 2,
                parameter: 0,
            },
        ];
        assert_eq!(
            emit_format_capacities(&d),
            [
                0, 0, 0, 16, // header: list length 16
                0x00, 0x23, 0x05, 0x40, // 2 295 104 blocks
                0x01, // descriptor type 01b unformatted
                0x00, 0x08, 0x00, // block length 2048
                0x00, 0x23, 0x05, 0x40, // blocks
                0x98, // format type 26h << 2
                0x00, 0x00, 0x00, // parameter
            ]
        );
    }

    #[test]
    fn gesn_both_directions() {
        let c = GetEventStatusNotification {
            polled: true,
            notification_class_request: NOTIFICATION_CLASS_MEDIA,
            allocation_length: 8,
        };
        let bytes = [
            0x4A, // opcode
            0x01, // B1.0 Polled
            0, 0,    // B2-3
            0x10, // B4 class request: media
            0, 0, // B5-6
            0x00, 0x08, // B7-8 allocation length 8
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(GetEventStatusNotification::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn event_status_media_emit_and_parse() {
        let s = EventStatus {
            no_event_available: false,
            notification_class: NOTIFICATION_CLASS_MEDIA_NUMBER,
            supported_classes: NOTIFICATION_CLASS_MEDIA,
            media: Some(MediaEvent {
                event_code: MediaEventCode::NewMedia,
                media_present: true,
                tray_open: false,
                start_slot: 0,
                end_slot: 0,
            }),
        };
        let bytes = [
            0x00, 0x06, // event descriptor length: 6 bytes follow
            0x04, // NEA 0, class 4 (media)
            0x10, // supported: media
            0x02, // event code 2 new media
            0x02, // media present, tray closed
            0x00, 0x00, // start / end slot
        ];
        assert_eq!(s.emit(), bytes);
        assert_eq!(EventStatus::parse(&bytes), Ok(s));
    }

    #[test]
    fn event_status_no_event_emit_and_parse() {
        let s = EventStatus {
            no_event_available: true,
            notification_class: 0,
            supported_classes: NOTIFICATION_CLASS_MEDIA,
            media: None,
        };
        let bytes = [
            0x00, 0x02, // 2 bytes follow the length field
            0x80, // NEA
            0x10, // supported: media
        ];
        assert_eq!(s.emit(), bytes);
        assert_eq!(EventStatus::parse(&bytes), Ok(s));
        assert!(EventStatus::parse(&bytes[..3]).is_err());
    }

    #[test]
    fn read_buffer_capacity_both_directions() {
        let c = ReadBufferCapacity {
            block: true,
            allocation_length: 12,
        };
        let bytes = [
            0x5C, // opcode
            0x01, // B1.0 Block
            0, 0, 0, 0, 0, // B2-6
            0x00, 0x0C, // B7-8 allocation length
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReadBufferCapacity::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn buffer_capacity_emit_and_parse() {
        let bytes_form = BufferCapacity::Bytes {
            buffer_length_bytes: 0x0040_0000,
            blank_length_bytes: 0x0040_0000,
        };
        let hand = [
            0x00, 0x0A, // data length 10
            0x00, 0x00, // reserved, Block 0
            0x00, 0x40, 0x00, 0x00, // buffer length 4 MiB
            0x00, 0x40, 0x00, 0x00, // blank length 4 MiB
        ];
        assert_eq!(bytes_form.emit(), hand);
        assert_eq!(BufferCapacity::parse(&hand), Ok(bytes_form));
        let blocks = BufferCapacity::Blocks {
            available_blocks: 2048,
        };
        let hand = [
            0x00, 0x0A, // data length
            0x00, 0x01, // B3.0 Block
            0x00, 0x00, 0x00, 0x00, // reserved
            0x00, 0x00, 0x08, 0x00, // 2048 blocks
        ];
        assert_eq!(blocks.emit(), hand);
        assert_eq!(BufferCapacity::parse(&hand), Ok(blocks));
        assert!(BufferCapacity::parse(&hand[..11]).is_err());
    }

    #[test]
    fn report_luns_both_directions() {
        let c = ReportLuns {
            select_report: 0,
            allocation_length: 16,
        };
        let bytes = [
            0xA0, // opcode
            0x00, // B1
            0x00, // B2 select report
            0, 0, 0, // B3-5
            0x00, 0x00, 0x00, 0x10, // B6-9 allocation length 16
            0x00, // B10
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReportLuns::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn lun_list_emit_and_parse() {
        let l = LunList { luns: vec![[0; 8]] };
        let bytes = [
            0x00, 0x00, 0x00, 0x08, // LUN list length: one LUN
            0, 0, 0, 0, // reserved
            0, 0, 0, 0, 0, 0, 0, 0, // LUN 0
        ];
        assert_eq!(l.emit(), bytes);
        assert_eq!(LunList::parse(&bytes), Ok(l));
        // Truncated to the header: no LUNs, no panic.
        assert_eq!(LunList::parse(&bytes[..8]).unwrap().luns.len(), 0);
    }

    #[test]
    fn get_performance_both_directions() {
        let c = GetPerformance {
            data_type: 0,
            starting_lba: 0,
            max_descriptors: 1,
            performance_type: PERFORMANCE_TYPE_WRITE_SPEED,
        };
        let bytes = [
            0xAC, // opcode
            0x00, // B1 data type
            0, 0, 0, 0, // B2-5 starting LBA
            0, 0, // B6-7
            0x00, 0x01, // B8-9 max descriptors
            0x03, // B10 type 03h write speed
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(GetPerformance::from_cdb(&bytes), Ok(c));
        assert_eq!(c.transfer_len(), Some(24));
        let perf = GetPerformance::from_cdb(&[0xAC, 0x14, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]).unwrap();
        assert_eq!(perf.tolerance(), 2);
        assert!(perf.write());
        assert_eq!(perf.except(), 0);
    }

    #[test]
    fn write_speed_descriptors_emit_and_parse() {
        let d = WriteSpeedDescriptor {
            rotation_control: 0,
            rdd: false,
            exact: true,
            mrw: false,
            end_lba: 2_295_103,
            read_speed_kbps: 11_080,
            write_speed_kbps: 11_080,
        };
        let all = WriteSpeedDescriptor::emit_all(&[d]);
        let hand = [
            0x00, 0x00, 0x00, 0x14, // data length 4 + 16
            0x00, 0x00, 0x00, 0x00, // header flags
            0x02, // Exact
            0x00, 0x00, 0x00, // reserved
            0x00, 0x23, 0x05, 0x3F, // end LBA 2 295 103
            0x00, 0x00, 0x2B, 0x48, // read 11 080 kB/s
            0x00, 0x00, 0x2B, 0x48, // write 11 080 kB/s
        ];
        assert_eq!(all, hand);
        let mut it = PerformanceHeader::descriptors(&hand);
        assert_eq!(WriteSpeedDescriptor::parse(it.next().unwrap()), Ok(d));
        assert!(it.next().is_none());
        assert_eq!(PerformanceHeader::parse(&hand).unwrap().data_length, 20);
    }

    #[test]
    fn performance_descriptors_emit_and_parse() {
        let d = PerformanceDescriptor {
            start_lba: 0,
            start_performance_kbps: 4234,
            end_lba: 359_848,
            end_performance_kbps: 4234,
        };
        let all = PerformanceDescriptor::emit_all(true, false, &[d]);
        let hand = [
            0x00, 0x00, 0x00, 0x14, // data length
            0x02, // Write
            0x00, 0x00, 0x00, // reserved
            0x00, 0x00, 0x00, 0x00, // start LBA
            0x00, 0x00, 0x10, 0x8A, // 4234 kB/s
            0x00, 0x05, 0x7D, 0xA8, // end LBA 359 848
            0x00, 0x00, 0x10, 0x8A, // 4234 kB/s
        ];
        assert_eq!(all, hand);
        let h = PerformanceHeader::parse(&hand).unwrap();
        assert!(h.write && !h.except);
        let first = PerformanceHeader::descriptors(&hand).next().unwrap();
        assert_eq!(PerformanceDescriptor::parse(first), Ok(d));
    }

    #[test]
    fn read_disc_structure_both_directions() {
        let c = ReadDiscStructure {
            media_type: 1,
            address: 0,
            layer: 0,
            format: DISC_STRUCTURE_LIST,
            allocation_length: 4,
            agid: 0,
        };
        let bytes = [
            0xAD, // opcode
            0x01, // B1 media type BD
            0, 0, 0, 0,    // B2-5 address
            0x00, // B6 layer
            0xFF, // B7 format FFh
            0x00, 0x04, // B8-9 allocation length
            0x00, // B10 AGID 0
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(ReadDiscStructure::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn disc_structure_list_and_header() {
        let e = DiscStructureListEntry {
            format: 0x00,
            sendable: false,
            readable: true,
            length: 2048,
        };
        let entry = [0x00, 0x40, 0x08, 0x00]; // format 0, RDS, length 2048
        assert_eq!(e.emit(), entry);
        assert_eq!(DiscStructureListEntry::parse(&entry), Ok(e));
        assert_eq!(
            emit_disc_structure(&entry),
            [0x00, 0x06, 0x00, 0x00, 0x00, 0x40, 0x08, 0x00]
        );
    }

    #[test]
    fn dvd_physical_format_emit_and_parse() {
        let p = DvdPhysicalFormat {
            book_type: 0x0A,
            part_version: 0x01,
            disc_size: 0,
            maximum_rate: 0x0F,
            layers_minus_one: 0,
            opposite_track_path: false,
            layer_type: 0x02,
            linear_density: 0,
            track_density: 0,
            start_psn: 0x03_0000,
            end_psn: 0x26_053F,
            end_psn_layer0: 0,
            bca: false,
        };
        let mut buf = a5(DvdPhysicalFormat::LEN);
        buf.copy_from_slice(&p.emit());
        assert_eq!(
            &buf[..17],
            &[
                0xA1, // book type Ah (DVD+R), part version 1
                0x0F, // 120 mm, rate Fh (not specified)
                0x02, // one layer, PTP, recordable
                0x00, // densities
                0x00, 0x03, 0x00, 0x00, // start PSN 030000h
                0x00, 0x26, 0x05, 0x3F, // end PSN
                0x00, 0x00, 0x00, 0x00, // end PSN layer 0
                0x00, // no BCA
            ]
        );
        assert!(buf[17..].iter().all(|&b| b == 0));
        assert_eq!(DvdPhysicalFormat::parse(&buf), Ok(p));
    }

    #[test]
    fn set_streaming_both_directions() {
        let c = SetStreaming {
            streaming_type: 0,
            parameter_list_length: 28,
        };
        let bytes = [
            0xB6, // opcode
            0, 0, 0, 0, 0, 0, 0,    // B1-7
            0x00, // B8 type 0
            0x00, 0x1C, // B9-10 parameter list length 28
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(SetStreaming::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn streaming_descriptor_emit_and_parse() {
        let d = StreamingDescriptor {
            rotation_control: 0,
            rdd: false,
            exact: false,
            ra: false,
            start_lba: 0,
            end_lba: 2_295_103,
            read_size_kb: 11_080,
            read_time_ms: 1000,
            write_size_kb: 11_080,
            write_time_ms: 1000,
        };
        let hand = [
            0x00, 0x00, 0x00, 0x00, // flags, reserved
            0x00, 0x00, 0x00, 0x00, // start LBA
            0x00, 0x23, 0x05, 0x3F, // end LBA
            0x00, 0x00, 0x2B, 0x48, // read size 11 080 kB
            0x00, 0x00, 0x03, 0xE8, // read time 1000 ms
            0x00, 0x00, 0x2B, 0x48, // write size
            0x00, 0x00, 0x03, 0xE8, // write time
        ];
        assert_eq!(d.emit(), hand);
        assert_eq!(StreamingDescriptor::parse(&hand), Ok(d));
        assert!(StreamingDescriptor::parse(&hand[..27]).is_err());
    }

    #[test]
    fn set_cd_speed_both_directions() {
        let c = SetCdSpeed {
            rotation_control: 0,
            read_speed_kbps: 0xFFFF,
            write_speed_kbps: 1764,
        };
        let bytes = [
            0xBB, // opcode
            0x00, // B1 rotational control
            0xFF, 0xFF, // B2-3 read speed maximum
            0x06, 0xE4, // B4-5 write speed 1764 kB/s
            0, 0, 0, 0, 0,    // B6-10
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(SetCdSpeed::from_cdb(&bytes), Ok(c));
    }

    #[test]
    fn mechanism_status_both_directions() {
        let c = MechanismStatus {
            allocation_length: 8,
        };
        let bytes = [
            0xBD, // opcode
            0, 0, 0, 0, 0, 0, 0, // B1-7
            0x00, 0x08, // B8-9 allocation length
            0x00, // B10
            0x00, // control
        ];
        assert_eq!(c.cdb().as_bytes(), &bytes);
        assert_eq!(MechanismStatus::from_cdb(&bytes), Ok(c));
        let h = MechanismStatusHeader {
            door_open: true,
            slots_available: 1,
            ..MechanismStatusHeader::default()
        };
        let hand = [
            0x00, // no fault, changer ready, slot 0
            0x10, // idle, door open
            0x00, 0x00, 0x00, // current LBA
            0x01, // one slot
            0x00, 0x00, // no slot table
        ];
        assert_eq!(h.emit(), hand);
        assert_eq!(MechanismStatusHeader::parse(&hand), Ok(h));
    }

    #[test]
    fn vpd_pages_emit_and_parse() {
        let p = VpdPage::supported_pages(0x05, &[0x00, 0x80, 0x83]);
        let hand = [
            0x05, // qualifier 0, type 05h
            0x00, // page 00h
            0x00, 0x03, // page length 3
            0x00, 0x80, 0x83, // supported pages
        ];
        assert_eq!(p.emit(), hand);
        assert_eq!(VpdPage::parse(&hand), Ok(p));

        let s = VpdPage::unit_serial_number(0x05, "EMU1");
        assert_eq!(s.emit(), [0x05, 0x80, 0x00, 0x04, b'E', b'M', b'U', b'1']);

        let d = VpdPage::device_identification_t10(0x05, "DISCMSTR", "X1");
        assert_eq!(
            d.emit(),
            [
                0x05, 0x83, 0x00, 0x0E, // header: 14 bytes follow
                0x02, // code set 2 (ASCII)
                0x01, // association 0 (LU), designator type 1 (T10 vendor ID)
                0x00, // reserved
                0x0A, // designator length 10
                b'D', b'I', b'S', b'C', b'M', b'S', b'T', b'R', // T10 vendor
                b'X', b'1', // vendor specific identifier
            ]
        );
    }
}
