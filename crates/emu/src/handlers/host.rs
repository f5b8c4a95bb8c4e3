//! Commands real burners and operating systems send besides recording (issue #6, found in the
//! CDB traces of the Linux kernel, QEMU, libiscsi, libburn and growisofs against `discmaster
//! serve`): INQUIRY vital product data, GET EVENT STATUS NOTIFICATION, MECHANISM STATUS, READ
//! BUFFER CAPACITY, REPORT LUNS and READ DISC STRUCTURE. (GET PERFORMANCE, SET STREAMING and
//! SET CD SPEED live in `handlers::speed`, READ FORMAT CAPACITIES in `handlers::format`:
//! they depend on the medium's rated speeds and formats, issue #5.)
//!
//! Model values (documented choices, not measured on a drive):
//! * the write buffer holds 4 MiB and is always empty (writes complete at once);
//! * INQUIRY VPD: pages 00h, 80h (the drive serial of `drive.json`), 83h (one T10 vendor ID
//!   designator: vendor, product and serial);
//! * GESN supports the media class only: "new media" once after a load, "media removal" once
//!   after an eject, otherwise "no change"; Media Present and Tray Open reflect the drive;
//! * READ DISC STRUCTURE: DVD format 00h (physical format, `crate::dvd_structure`: book type
//!   of the medium, data area PSN 030000h to 030000h + capacity − 1, two layers on DVD+R DL),
//!   20h (layer boundary, DVD+R DL only) and FFh (the list); other formats and media 5/24/00.
//!
//! Spec: `mmc.md` §1.4, §1.7, §1.13, §1.14, §1.24–§1.28, §6.1.

use discmaster_mmc::commands::{
    GetEventStatusNotification, Inquiry, MechanismStatus, ReadBufferCapacity, ReadDiscStructure,
    ReportLuns,
};
use discmaster_mmc::format_commands::{LayerBoundaryInformation, DISC_STRUCTURE_LAYER_BOUNDARY};
use discmaster_mmc::host_commands::{
    emit_disc_structure, BufferCapacity, DiscStructureListEntry, DvdPhysicalFormat, EventStatus,
    LunList, MechanismStatusHeader, MediaEvent, MediaEventCode, VpdPage, DISC_STRUCTURE_LIST,
    NOTIFICATION_CLASS_MEDIA, NOTIFICATION_CLASS_MEDIA_NUMBER, VPD_DEVICE_IDENTIFICATION,
    VPD_SUPPORTED_PAGES, VPD_UNIT_SERIAL_NUMBER,
};
use discmaster_mmc::Command;

use crate::dispatch::{Failure, Request, Response};
use crate::dvd_structure;
use crate::handlers::spc;
use crate::unit::Unit;

/// INQUIRY peripheral device type of a CD/DVD device.
const DEVICE_TYPE_CD_DVD: u8 = 0x05;
/// Write buffer size, bytes.
const BUFFER_BYTES: u32 = 4 * 1024 * 1024;
/// Block size the buffer is counted in for READ BUFFER CAPACITY Block = 1.
const BUFFER_BLOCK_BYTES: u32 = 2048;

/// `12h INQUIRY`: standard data (see `spc::inquiry`), or VPD page 00h, 80h or 83h with EVPD.
///
/// # Errors (sense)
/// 5/24/00 (byte 2) for another VPD page.
pub(crate) fn inquiry(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = Inquiry::from_cdb(req.cdb)?;
    if !cmd.evpd {
        return spc::inquiry(unit, req);
    }
    let page = match cmd.page_code {
        VPD_SUPPORTED_PAGES => VpdPage::supported_pages(
            DEVICE_TYPE_CD_DVD,
            &[
                VPD_SUPPORTED_PAGES,
                VPD_UNIT_SERIAL_NUMBER,
                VPD_DEVICE_IDENTIFICATION,
            ],
        ),
        VPD_UNIT_SERIAL_NUMBER => {
            VpdPage::unit_serial_number(DEVICE_TYPE_CD_DVD, &unit.drive.serial)
        }
        VPD_DEVICE_IDENTIFICATION => VpdPage::device_identification_t10(
            DEVICE_TYPE_CD_DVD,
            &unit.drive.vendor,
            &format!("{} {}", unit.drive.product.trim(), unit.drive.serial),
        ),
        _ => return Err(Failure::cdb_field(2, None)),
    };
    Ok(Response::DataIn(page.emit()))
}

/// `4Ah GET EVENT STATUS NOTIFICATION` (polled): the media class event, reported once.
///
/// # Errors (sense)
/// 5/24/00 (byte 1 bit 0) for asynchronous operation (Polled = 0).
pub(crate) fn get_event_status_notification(
    unit: &mut Unit,
    req: &Request<'_>,
) -> Result<Response, Failure> {
    let cmd = GetEventStatusNotification::from_cdb(req.cdb)?;
    if !cmd.polled {
        return Err(Failure::cdb_field(1, Some(0)));
    }
    let status = if cmd.notification_class_request & NOTIFICATION_CLASS_MEDIA == 0 {
        EventStatus {
            no_event_available: true,
            notification_class: 0,
            supported_classes: NOTIFICATION_CLASS_MEDIA,
            media: None,
        }
    } else {
        EventStatus {
            no_event_available: false,
            notification_class: NOTIFICATION_CLASS_MEDIA_NUMBER,
            supported_classes: NOTIFICATION_CLASS_MEDIA,
            media: Some(MediaEvent {
                event_code: unit.media_event.take().unwrap_or(MediaEventCode::NoChange),
                media_present: unit.loaded.is_some(),
                tray_open: unit.tray_open,
                start_slot: 0,
                end_slot: 0,
            }),
        }
    };
    Ok(Response::DataIn(status.emit()))
}

/// `BDh MECHANISM STATUS`: the 8-byte header (idle, door open as the tray, one slot as QEMU
/// reports, no slot table).
pub(crate) fn mechanism_status(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    MechanismStatus::from_cdb(req.cdb)?;
    let header = MechanismStatusHeader {
        door_open: unit.tray_open,
        slots_available: 1,
        ..MechanismStatusHeader::default()
    };
    Ok(Response::DataIn(header.emit().to_vec()))
}

/// `5Ch READ BUFFER CAPACITY`: a 4 MiB buffer, always empty.
pub(crate) fn read_buffer_capacity(
    _unit: &mut Unit,
    req: &Request<'_>,
) -> Result<Response, Failure> {
    let cmd = ReadBufferCapacity::from_cdb(req.cdb)?;
    let data = if cmd.block {
        BufferCapacity::Blocks {
            available_blocks: BUFFER_BYTES / BUFFER_BLOCK_BYTES,
        }
    } else {
        BufferCapacity::Bytes {
            buffer_length_bytes: BUFFER_BYTES,
            blank_length_bytes: BUFFER_BYTES,
        }
    };
    Ok(Response::DataIn(data.emit()))
}

/// `A0h REPORT LUNS`: LUN 0 only.
///
/// # Errors (sense)
/// 5/24/00 (byte 2) for a select report other than 00h–02h.
pub(crate) fn report_luns(_unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ReportLuns::from_cdb(req.cdb)?;
    if cmd.select_report > 2 {
        return Err(Failure::cdb_field(2, None));
    }
    Ok(Response::DataIn(LunList { luns: vec![[0; 8]] }.emit()))
}

/// `ADh READ DISC STRUCTURE`: DVD formats 00h, 20h (DVD+R DL) and FFh (see the module doc).
///
/// # Errors (sense)
/// 5/24/00 (byte 7) for other formats, (byte 1) for BD or on non-DVD media.
pub(crate) fn read_disc_structure(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ReadDiscStructure::from_cdb(req.cdb)?;
    let m = &unit.loaded_mut()?.medium;
    let physical = dvd_structure::physical_format(m).ok_or(Failure::cdb_field(1, Some(3)))?;
    if cmd.media_type != 0 {
        return Err(Failure::cdb_field(1, Some(3)));
    }
    let layer_boundary = dvd_structure::layer_boundary(m);
    let data = match cmd.format {
        0x00 => physical.emit(),
        DISC_STRUCTURE_LAYER_BOUNDARY => layer_boundary
            .ok_or(Failure::cdb_field(7, None))?
            .emit()
            .to_vec(),
        DISC_STRUCTURE_LIST => {
            let mut list = vec![DiscStructureListEntry {
                format: 0x00,
                sendable: false,
                readable: true,
                length: DvdPhysicalFormat::LEN as u16,
            }];
            if layer_boundary.is_some() {
                list.push(DiscStructureListEntry {
                    format: DISC_STRUCTURE_LAYER_BOUNDARY,
                    sendable: false,
                    readable: true,
                    length: LayerBoundaryInformation::LEN as u16,
                });
            }
            list.push(DiscStructureListEntry {
                format: DISC_STRUCTURE_LIST,
                sendable: false,
                readable: true,
                length: 8,
            });
            list.iter().flat_map(|e| e.emit()).collect()
        }
        _ => return Err(Failure::cdb_field(7, None)),
    };
    Ok(Response::DataIn(emit_disc_structure(&data)))
}
