//! GET CONFIGURATION: the profile list and the features of the emulated recorder.
//!
//! Feature set (`mmc.md` §1.6; "current" follows the loaded medium and its recording mode):
//! 0000h Profile List (BD-RE, BD-R, DVD+R DL, DVD+R, DVD+RW, DVD-RW sequential, DVD-RW
//! restricted overwrite, DVD-RAM, DVD-R, CD-RW, CD-R; the current profile flagged), 0001h Core,
//! 0003h Removable Medium (always current), 0010h Random Readable (current when the medium has
//! recorded data or is formatted for random access; PP = 1, page 01h exists), 0020h Random
//! Writable (formatted DVD+RW, DVD-RAM, BD-RE), 0021h Incremental Streaming Writable (CD-R/RW,
//! DVD-R, DVD-RW sequential unless a minimal blank took it away), 0023h Formattable (current
//! whenever READ FORMAT CAPACITIES offers a format; BD: Cert, QCert, RENoSA), 0024h Hardware
//! Defect Management (DVD-RAM, BD with spare areas), 0026h Restricted Overwrite and 002Ch
//! Rigid Restricted Overwrite (DVD-RW restricted overwrite; Intermediate and Blank set),
//! 002Ah DVD+RW (Write, Quick Start), 002Bh DVD+R (DVD+R and DVD+R DL), 002Dh CD Track at Once
//! (CD-R/RW; CD-RW and Test Write set, data block types 0 and 8), 002Eh CD Mastering (CD-R/RW: Raw when the drive accepts
//! a RAW data block type, R-W when it accepts DBT 2 or 3, Test Write; SAO with a maximum cue
//! sheet of 4 096 bytes (`handlers::sao`); no raw multi-session), 002Fh DVD-R/-RW Write (DVD-R, DVD-RW sequential; Test Write, DVD-RW SL),
//! 003Bh DVD+R Dual Layer, 0040h BD Read and 0041h BD Write (BD-R, BD-RE), 0100h Power
//! Management (page 1Ah) and 0105h Timeout (page 1Dh), both version 0 and always current,
//! 0107h Real Time Streaming (SCS, MP2A, WSPD, SW: SET CD SPEED, page 2Ah speeds, GET
//! PERFORMANCE 03h, SET STREAMING; persistent, always current), 0108h Drive Serial Number (the
//! `serial` of `drive.json`, always current). BD-R pseudo-overwrite (0038h) is not emulated.
//!
//! RT 00b returns every feature with a code ≥ the starting feature, RT 01b only the current
//! ones, RT 10b exactly the starting feature (the header alone when the drive lacks it); RT
//! 11b is 5/24/00. The response is built whole and the dispatch adapter cuts it to the
//! allocation length, so the data length always describes the full response.
//!
//! Spec: `mmc.md` §1.6.

use discmaster_core::SECTOR_SIZE;
use discmaster_mmc::cd_features::CdMastering;
use discmaster_mmc::commands::GetConfiguration;
use discmaster_mmc::features::{
    BdWrite, CdTrackAtOnce, ConfigurationBuilder, Core, DriveSerialNumber, DvdMinusRRwWrite,
    DvdPlusR, FeatureDescriptor, IncrementalStreamingWritable, ProfileDescriptor, ProfileList,
    RandomReadable, RemovableMedium,
};
use discmaster_mmc::media_features::{
    BdRead, DvdPlusRDualLayer, DvdPlusRw, Formattable, HardwareDefectManagement, RandomWritable,
    RealTimeStreaming, RestrictedOverwrite, RigidRestrictedOverwrite,
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
/// CD Track at Once data block types: 0 (raw 2352-byte audio) and 8 (Mode 1).
const DBT_TAO: u16 = 1 | DBT_MODE1_ONLY;
/// BD Read / BD Write class 0 version bitmap: version 1 (bit n = version n).
const BD_CLASS0_VERSION1: u16 = 1 << 1;
/// Link size of CD packet writing (1 link + 4 run-in + 2 run-out blocks, `mmc.md` §4.7).
const CD_LINK_SIZE: u8 = 7;
/// Feature 002Eh Maximum Cue Sheet Length (bytes): 512 eight-byte entries.
const MAXIMUM_CUE_SHEET_BYTES: u32 = 4096;
/// Link size of DVD-R incremental recording (`mmc.md` §1.6).
const DVD_LINK_SIZE: u8 = 16;

/// `46h GET CONFIGURATION` for RT 00b/01b/10b with a starting feature; the header's current
/// profile is 0000h without a medium. Works without a medium and does not report the medium
/// change.
pub(crate) fn get_configuration(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = GetConfiguration::from_cdb(req.cdb)?;
    let medium = unit.loaded.as_ref().map(|l| &l.medium);
    let kind = medium.map(|m| m.kind);
    let profile = medium.map_or(Profile::NoCurrentProfile, |m| m.current_profile());
    let random_access = medium.is_some_and(|m| m.is_random_access());
    let sequential_dvd_minus =
        medium.is_some_and(|m| m.kind.is_dvd_minus() && m.overwrite.is_none());
    let restricted_overwrite = profile == Profile::DvdMinusRwRestrictedOverwrite;
    let readable = medium
        .is_some_and(|m| m.sectors_written > 0 || !m.sessions.is_empty() || m.is_random_access());
    let is = |k: MediaKind| kind == Some(k);
    let cd = kind.is_some_and(MediaKind::is_cd);
    let bd = kind.is_some_and(MediaKind::is_bd);
    let incremental = cd || (sequential_dvd_minus && medium.is_some_and(|m| m.incremental_allowed));
    let formattable = medium.is_some_and(|m| !m.format_offers().is_empty());
    let defect_management = is(MediaKind::DvdRam) || medium.is_some_and(|m| m.spare_blocks > 0);

    let profiles = [
        Profile::BdRe,
        Profile::BdRSrm,
        Profile::DvdPlusRDl,
        Profile::DvdPlusR,
        Profile::DvdPlusRw,
        Profile::DvdMinusRwSequential,
        Profile::DvdMinusRwRestrictedOverwrite,
        Profile::DvdRam,
        Profile::DvdMinusRSequential,
        Profile::CdRw,
        Profile::CdR,
    ]
    .into_iter()
    .map(|p| ProfileDescriptor {
        profile: p,
        current: p == profile,
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
        RandomWritable {
            last_lba: medium.map_or(0, |m| m.capacity_blocks.saturating_sub(1)),
            logical_block_size: SECTOR_SIZE as u32,
            blocking,
            pp: true,
        }
        .emit(random_access && !restricted_overwrite),
        IncrementalStreamingWritable {
            data_block_types: DBT_MODE1_ONLY,
            trio: false,
            arsv: false,
            buf: true,
            link_sizes: vec![if sequential_dvd_minus {
                DVD_LINK_SIZE
            } else {
                CD_LINK_SIZE
            }],
        }
        .emit(incremental),
        Formattable {
            re_no_spare_allocation: true,
            expand: false,
            quick_certification: true,
            certification: true,
            fast_reformat: false,
            random_recording_mode: false,
        }
        .emit(formattable),
        HardwareDefectManagement { ssa: false }.emit(defect_management),
        RestrictedOverwrite.emit(restricted_overwrite),
        DvdPlusRw {
            write: true,
            quick_start: true,
            close_only: false,
        }
        .emit(is(MediaKind::DvdPlusRw)),
        DvdPlusR { write: true }.emit(is(MediaKind::DvdPlusR) || is(MediaKind::DvdPlusRDl)),
        RigidRestrictedOverwrite {
            dsdg: false,
            dsdr: false,
            intermediate: true,
            blank: true,
        }
        .emit(restricted_overwrite),
        CdTrackAtOnce {
            buf: true,
            rw_raw: false,
            rw_pack: false,
            test_write: true,
            cd_rw: true,
            rw_subcode: false,
            data_block_types: DBT_TAO,
        }
        .emit(cd),
        CdMastering {
            buf: true,
            sao: true,
            raw_ms: false,
            raw: !unit.drive.raw_data_block_types.is_empty(),
            test_write: true,
            cd_rw: true,
            rw: unit
                .drive
                .raw_data_block_types
                .iter()
                .any(|&t| t == 2 || t == 3),
            maximum_cue_sheet_length: MAXIMUM_CUE_SHEET_BYTES,
        }
        .emit(cd),
        DvdMinusRRwWrite {
            buf: true,
            rdl: false,
            test_write: true,
            dvd_rw_sl: true,
        }
        .emit(sequential_dvd_minus),
        DvdPlusRDualLayer { write: true }.emit(is(MediaKind::DvdPlusRDl)),
        BdRead {
            bd_re_class_versions: [BD_CLASS0_VERSION1, 0, 0, 0],
            bd_r_class_versions: [BD_CLASS0_VERSION1, 0, 0, 0],
            bd_rom_class_versions: [BD_CLASS0_VERSION1, 0, 0, 0],
        }
        .emit(bd),
        BdWrite {
            svnr: false,
            bd_re_class_versions: [BD_CLASS0_VERSION1, 0, 0, 0],
            bd_r_class_versions: [BD_CLASS0_VERSION1, 0, 0, 0],
        }
        .emit(bd),
        // Version 0 of both: no payload (`mmc.md` §1.6); persistent and current.
        FeatureDescriptor::emit_raw(FeatureCode::POWER_MANAGEMENT, 0, true, true, &[]),
        FeatureDescriptor::emit_raw(FeatureCode::TIMEOUT, 0, true, true, &[]),
        RealTimeStreaming {
            rbcb: true,
            scs: true,
            mp2a: true,
            wspd: true,
            sw: true,
        }
        .emit(true, true),
        DriveSerialNumber {
            serial: unit.drive.serial.clone(),
        }
        .emit(true),
    ];
    let builder = ConfigurationBuilder {
        current_profile: profile,
        descriptors,
    };
    Ok(Response::DataIn(
        builder.emit_for(cmd.rt, cmd.starting_feature),
    ))
}
