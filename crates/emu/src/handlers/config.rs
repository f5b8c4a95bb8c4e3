//! GET CONFIGURATION: the profile list and the features of the emulated recorder.
//!
//! Feature set (`mmc.md` §1.6; "current" follows the loaded medium): 0000h Profile List (BD-R,
//! DVD+R, DVD-R, CD-R), 0001h Core, 0003h Removable Medium (always current), 0010h Random
//! Readable (current when the medium has recorded data; PP = 1, page 01h exists), 0021h
//! Incremental Streaming Writable (CD-R, DVD-R), 002Bh DVD+R, 002Dh CD Track at Once, 002Fh
//! DVD-R/-RW Write, 0041h BD Write, 0100h Power Management (page 1Ah) and 0105h Timeout (page
//! 1Dh), both version 0 and always current, 0108h Drive Serial Number (the `serial` of
//! `drive.json`, always current).
//!
//! RT 00b returns every feature with a code ≥ the starting feature, RT 01b only the current
//! ones, RT 10b exactly the starting feature (the header alone when the drive lacks it); RT
//! 11b is 5/24/00. The response is built whole and the dispatch adapter cuts it to the
//! allocation length, so the data length always describes the full response.
//!
//! Spec: `mmc.md` §1.6.

use discmaster_core::SECTOR_SIZE;
use discmaster_mmc::commands::GetConfiguration;
use discmaster_mmc::features::{
    BdWrite, CdTrackAtOnce, ConfigurationBuilder, Core, DriveSerialNumber, DvdMinusRRwWrite,
    DvdPlusR, FeatureDescriptor, IncrementalStreamingWritable, ProfileDescriptor, ProfileList,
    RandomReadable, RemovableMedium,
};
use discmaster_mmc::{Command, FeatureCode, Profile};

use crate::dispatch::{Failure, Request, Response};
use crate::unit::Unit;
use crate::MediaKind;

/// Core feature physical interface: 1 = SCSI (as QEMU's emulated drive).
const INTERFACE_SCSI: u32 = 1;
/// Removable Medium loading mechanism: 1 = tray.
const LOADING_TRAY: u8 = 1;
/// Data block type bit mask with only DBT 8 (Mode 1, 2048 bytes) set.
const DBT_MODE1_ONLY: u16 = 1 << 8;
/// BD Write class 0 version bitmap: version 1 of BD-R (bit n = version n).
const BD_R_CLASS0_VERSION1: u16 = 1 << 1;
/// Link size of CD packet writing (1 link + 4 run-in + 2 run-out blocks, `mmc.md` §4.7).
const CD_LINK_SIZE: u8 = 7;
/// Link size of DVD-R incremental recording (`mmc.md` §1.6).
const DVD_LINK_SIZE: u8 = 16;

/// `46h GET CONFIGURATION` for RT 00b/01b/10b with a starting feature; the header's current
/// profile is 0000h without a medium. Works without a medium and does not report the medium
/// change.
pub(crate) fn get_configuration(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = GetConfiguration::from_cdb(req.cdb)?;
    let kind = unit.loaded.as_ref().map(|l| l.medium.kind);
    let readable = unit
        .loaded
        .as_ref()
        .is_some_and(|l| l.medium.sectors_written > 0 || !l.medium.sessions.is_empty());
    let is = |k: MediaKind| kind == Some(k);

    let profiles = [
        MediaKind::BdR,
        MediaKind::DvdPlusR,
        MediaKind::DvdMinusR,
        MediaKind::CdR,
    ]
    .into_iter()
    .map(|k| ProfileDescriptor {
        profile: k.profile(),
        current: is(k),
    })
    .collect();
    let blocking = kind.map_or(1, |k| k.ecc_blocks()) as u16;
    let descriptors = vec![
        ProfileList { profiles }.emit(true),
        Core {
            physical_interface: INTERFACE_SCSI,
            inq2: false,
            dbe: true,
        }
        .emit(true),
        RemovableMedium {
            loading_mechanism: LOADING_TRAY,
            load: true,
            eject: true,
            prevent_jumper: false,
            dbml: false,
            lock: true,
        }
        .emit(true),
        RandomReadable {
            logical_block_size: SECTOR_SIZE as u32,
            blocking,
            pp: true,
        }
        .emit(readable),
        IncrementalStreamingWritable {
            data_block_types: DBT_MODE1_ONLY,
            trio: false,
            arsv: false,
            buf: true,
            link_sizes: vec![if is(MediaKind::DvdMinusR) {
                DVD_LINK_SIZE
            } else {
                CD_LINK_SIZE
            }],
        }
        .emit(is(MediaKind::CdR) || is(MediaKind::DvdMinusR)),
        DvdPlusR { write: true }.emit(is(MediaKind::DvdPlusR)),
        CdTrackAtOnce {
            buf: true,
            rw_raw: false,
            rw_pack: false,
            test_write: false,
            cd_rw: false,
            rw_subcode: false,
            data_block_types: DBT_MODE1_ONLY,
        }
        .emit(is(MediaKind::CdR)),
        DvdMinusRRwWrite {
            buf: true,
            rdl: false,
            test_write: false,
            dvd_rw_sl: false,
        }
        .emit(is(MediaKind::DvdMinusR)),
        BdWrite {
            svnr: false,
            bd_re_class_versions: [0; 4],
            bd_r_class_versions: [BD_R_CLASS0_VERSION1, 0, 0, 0],
        }
        .emit(is(MediaKind::BdR)),
        // Version 0 of both: no payload (`mmc.md` §1.6); persistent and current.
        FeatureDescriptor::emit_raw(FeatureCode::POWER_MANAGEMENT, 0, true, true, &[]),
        FeatureDescriptor::emit_raw(FeatureCode::TIMEOUT, 0, true, true, &[]),
        DriveSerialNumber {
            serial: unit.drive.serial.clone(),
        }
        .emit(true),
    ];
    let builder = ConfigurationBuilder {
        current_profile: kind.map_or(Profile::NoCurrentProfile, |k| k.profile()),
        descriptors,
    };
    Ok(Response::DataIn(
        builder.emit_for(cmd.rt, cmd.starting_feature),
    ))
}
