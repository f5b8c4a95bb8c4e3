//! SPC commands: TEST UNIT READY, REQUEST SENSE, INQUIRY, START STOP UNIT, PREVENT ALLOW
//! MEDIUM REMOVAL.
//!
//! Spec: `mmc.md` §1.2–§1.4, §1.29.

use discmaster_mmc::commands::{
    Inquiry, PreventAllowMediumRemoval, RequestSense, StartStopUnit, TestUnitReady,
};
use discmaster_mmc::responses::InquiryData;
use discmaster_mmc::{Command, Sense, SenseData};

use crate::dispatch::{Check, Failure, Request, Response};
use crate::unit::Unit;

/// INQUIRY peripheral device type of a CD/DVD device.
const DEVICE_TYPE_CD_DVD: u8 = 0x05;
/// INQUIRY version: SPC-3.
const VERSION_SPC3: u8 = 0x05;
/// Version descriptors as tgt reports them (`mmc.md` §1.4): MMC-3, SPC-3.
const VERSION_DESCRIPTORS: [u16; 2] = [0x02A0, 0x0300];

/// `00h TEST UNIT READY`: GOOD when a medium is present (the dispatcher reports 2/3A/00 and
/// 6/28/00 before this runs).
pub(crate) fn test_unit_ready(_unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    TestUnitReady::from_cdb(req.cdb)?;
    Ok(Response::Done)
}

/// `03h REQUEST SENSE`: the sense of the last CHECK CONDITION (then cleared); otherwise a
/// pending medium change (6/28/00), 2/3A/00 without a medium, the NOT READY sense and
/// progress of a running long operation (a poll, the `operation` module), or NO SENSE. DESC =
/// 1 gives descriptor format.
pub(crate) fn request_sense(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = RequestSense::from_cdb(req.cdb)?;
    let check = match unit.last_check.take() {
        Some(c) => c,
        None => {
            let sense = match unit.loaded.as_mut() {
                None => Sense::MEDIUM_NOT_PRESENT,
                Some(l) if l.medium.unit_attention => {
                    l.medium.unit_attention = false;
                    unit.commit_structure()?;
                    Sense::NOT_READY_TO_READY_CHANGE
                }
                Some(_) => match crate::operation::request_sense_poll(unit) {
                    // A long operation runs: NOT READY with its progress (SKSV, bytes 16–17).
                    Some(check) => return Ok(Response::DataIn(sense_bytes(&check, cmd.desc))),
                    None => Sense::NO_SENSE,
                },
            };
            Check {
                sense,
                information: None,
                sks: None,
            }
        }
    };
    Ok(Response::DataIn(sense_bytes(&check, cmd.desc)))
}

/// `check` as fixed-format sense (18 bytes), or descriptor format when `desc`.
fn sense_bytes(check: &Check, desc: bool) -> Vec<u8> {
    if desc {
        SenseData::<&[u8]>::emit_descriptor(check.sense, check.information, check.sks)
    } else {
        SenseData::<&[u8]>::emit_fixed(check.sense, check.information, check.sks).to_vec()
    }
}

/// `12h INQUIRY`: 96 bytes of standard data (device type 05h, RMB, identity from
/// `drive.json`). Vital product data pages are not supported (5/24/00 on EVPD).
pub(crate) fn inquiry(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = Inquiry::from_cdb(req.cdb)?;
    if cmd.evpd {
        return Err(Failure::cdb_field(1, Some(0)));
    }
    let mut data = InquiryData::new_zeroed();
    data.set_peripheral_qualifier(0);
    data.set_peripheral_device_type(DEVICE_TYPE_CD_DVD);
    data.set_removable(true);
    data.set_version(VERSION_SPC3);
    data.set_response_data_format(2);
    data.set_vendor_identification(&unit.drive.vendor);
    data.set_product_identification(&unit.drive.product);
    data.set_product_revision_level(&unit.drive.revision);
    for (i, v) in VERSION_DESCRIPTORS.into_iter().enumerate() {
        data.set_version_descriptor(i, v);
    }
    Ok(Response::DataIn(data.into_inner()))
}

/// `1Bh START STOP UNIT`: LoEj with Start = 0 opens the tray (5/53/02 while removal is
/// prevented); the disc stays in the tray, saved, and the drive reports 2/3A/02 until LoEj
/// with Start = 1 closes the tray and loads it again (6/28/00 once, GESN new media) — what
/// growisofs's reload after a burn and `eject -t` expect (`mmc.md` §1.29). Start/stop without
/// LoEj and a non-zero power condition are accepted without effect. (The operator's
/// `EmulatedDrive::eject` still moves the disc to the shelf.)
pub(crate) fn start_stop_unit(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = StartStopUnit::from_cdb(req.cdb)?;
    if cmd.power_condition == 0 && cmd.loej {
        if !cmd.start {
            if unit.loaded.is_some() && unit.prevent {
                return Err(Sense::MEDIUM_REMOVAL_PREVENTED.into());
            }
            unit.open_tray()?;
        } else {
            unit.close_tray()?;
        }
    }
    Ok(Response::Done)
}

/// `1Eh PREVENT ALLOW MEDIUM REMOVAL`: Prevent bit 0 locks the tray against START STOP UNIT
/// eject until allowed again or the drive is closed.
pub(crate) fn prevent_allow_medium_removal(
    unit: &mut Unit,
    req: &Request<'_>,
) -> Result<Response, Failure> {
    let cmd = PreventAllowMediumRemoval::from_cdb(req.cdb)?;
    unit.prevent = cmd.prevent & 0x01 != 0;
    Ok(Response::Done)
}
