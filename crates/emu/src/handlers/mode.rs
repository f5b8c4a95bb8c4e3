//! MODE SENSE(10) and MODE SELECT(10) over the page tables of [`crate::pages`] (pages 01h,
//! 05h, 08h, 1Ah, 1Dh, 2Ah; 3Fh = all, ascending).
//!
//! MODE SENSE: PC 00b/01b/10b/11b return the current, changeable, default and saved copies
//! (saved = default, PS = 0 everywhere: no page is savable); never block descriptors (DBD and
//! LLBAA are accepted and change nothing); subpages other than 00h (and FFh with page 3Fh)
//! are not supported. Works without a medium.
//!
//! MODE SELECT validates the whole parameter list before applying anything, so a refused
//! command changes nothing, not even other pages of the same list:
//! 1. PF = 1 (else 5/24/00, CDB byte 1 bit 4); SP = 0 (else 5/24/00, CDB byte 1 bit 0);
//! 2. the data-out holds the parameter list length and the list holds the 8-byte header and
//!    every page it starts (else 5/1A/00);
//! 3. the header is all zero: mode data length (reserved), medium type, device-specific
//!    parameter, LONGLBA and block descriptor length 0 (else 5/26/00);
//! 4. per page: page_0 format (SPF = 0) and a supported code (else 5/26/00 at page byte 0),
//!    the drive's page length (else 5/26/00 at page byte 1), no bit changed where the
//!    changeable mask is 0 — compared with the current values, or with the same page earlier
//!    in the list — (else 5/26/00 at the first offending byte, bit pointer at its highest
//!    offending bit), and for page 05h a combination the medium supports
//!    ([`pages::check_page05`]; RAW data block types per the drive's
//!    `raw_data_block_types`; Test Write only on media that simulate, never with RAW). PS is
//!    ignored. Switching Test Write off ends a simulated recording (the disc returns to its
//!    state before it).
//!
//! Every 5/26/00 carries a field pointer (SKSV = 1, C/D = 0) with the byte offset within the
//! parameter list. Accepted drive pages are saved to `drive.json`, page 05h to
//! `medium.json`. MODE SELECT is a medium command here (2/3A/00 with an empty tray, 6/28/00
//! once after a load), like the other commands that write.
//!
//! Spec: `mmc.md` §1.5, §2, §2.1–§2.6.

use discmaster_mmc::commands::{ModeSelect10, ModeSense10};
use discmaster_mmc::pages::{emit_mode_parameter_list, ModePage, ModeParameterHeader10};
use discmaster_mmc::{Command, Sense};

use crate::dispatch::{Failure, Request, Response};
use crate::pages::{self, PageContext, PendingPages, ALL_PAGES, PAGE05_CODE, SUPPORTED_PAGES};
use crate::unit::Unit;

/// Subpage code FFh: all subpages (with page 3Fh: all pages, SPC-4 §6.14).
const ALL_SUBPAGES: u8 = 0xFF;

/// The page context of `unit` as it is now.
fn context(unit: &Unit) -> PageContext<'_> {
    PageContext {
        kind: unit.loaded.as_ref().map(|l| l.medium.kind),
        page05: unit.loaded.as_ref().map(|l| l.medium.page05.as_slice()),
        drive: &unit.drive.mode_pages,
        locked: unit.prevent,
        requested_write_speed_kbps: unit.drive.requested_write_speed_kbps,
    }
}

/// `5Ah MODE SENSE(10)`: one supported page or all of them (3Fh, ascending), with current,
/// changeable, default or saved values; mode parameter header with no block descriptors.
///
/// # Errors (sense)
/// 5/24/00 with a field pointer: byte 2 bit 5 for an unsupported page code, byte 3 bit 7
/// for a subpage.
pub(crate) fn mode_sense10(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ModeSense10::from_cdb(req.cdb)?;
    let codes: &[u8] = match cmd.page_code {
        ALL_PAGES => &SUPPORTED_PAGES,
        code => match SUPPORTED_PAGES.iter().position(|&c| c == code) {
            Some(i) => &SUPPORTED_PAGES[i..=i],
            None => return Err(Failure::cdb_field(2, Some(5))),
        },
    };
    let all_subpages_of_all_pages = cmd.page_code == ALL_PAGES && cmd.subpage_code == ALL_SUBPAGES;
    if cmd.subpage_code != 0 && !all_subpages_of_all_pages {
        return Err(Failure::cdb_field(3, Some(7)));
    }
    let ctx = context(unit);
    let mut chosen = Vec::with_capacity(codes.len());
    for &code in codes {
        let page =
            pages::page_copy(code, cmd.page_control, &ctx).ok_or(Failure::cdb_field(2, Some(7)))?;
        chosen.push(page);
    }
    let refs: Vec<&[u8]> = chosen.iter().map(Vec::as_slice).collect();
    Ok(Response::DataIn(emit_mode_parameter_list(&refs, false)))
}

/// 5/26/00 at parameter-list byte `at` (saturating) and `bit`.
fn parameter_field(at: usize, bit: Option<u8>) -> Failure {
    Failure::parameter_field(u16::try_from(at).unwrap_or(u16::MAX), bit)
}

/// `55h MODE SELECT(10)`: sets the changeable fields of pages 01h, 05h, 1Ah, 1Dh (08h and 2Ah
/// are accepted only unchanged); see the module doc for the checks.
///
/// # Errors (sense)
/// 5/24/00 when PF = 0 or SP = 1; 5/1A/00 when the data-out is shorter than the parameter
/// list length or the list ends inside the header or a page; 5/26/00 with a field pointer
/// into the list for a non-zero header byte, an unsupported page, a wrong page length, a
/// changed non-changeable bit, or a page 05h combination the medium does not support.
pub(crate) fn mode_select10(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ModeSelect10::from_cdb(req.cdb)?;
    if !cmd.pf {
        return Err(Failure::cdb_field(1, Some(4)));
    }
    if cmd.sp {
        // No page is savable (PS = 0 in every page): nothing can be saved.
        return Err(Failure::cdb_field(1, Some(0)));
    }
    let len = usize::from(cmd.parameter_list_length);
    if len == 0 {
        return Ok(Response::Consumed(0));
    }
    let list = req
        .data_out
        .get(..len)
        .ok_or(Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
    let header_len = ModeParameterHeader10::<&[u8]>::LEN;
    let header = list
        .get(..header_len)
        .ok_or(Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
    if let Some(at) = header.iter().position(|&b| b != 0) {
        let bit = 7 - header[at].leading_zeros() as u8;
        return Err(parameter_field(at, Some(bit)));
    }

    let (kind, page05, test_write_ok) = {
        let loaded = unit.loaded_mut()?;
        let m = &loaded.medium;
        // Simulation needs sequential recording (not a DVD-RW in restricted overwrite).
        let test_write_ok = m.kind.supports_test_write() && m.overwrite.is_none();
        (m.kind, m.page05.clone(), test_write_ok)
    };
    let mut pending = PendingPages {
        drive: unit.drive.mode_pages.clone(),
        page05,
    };
    let mut offset = header_len;
    while offset < list.len() {
        let rest = &list[offset..];
        if rest.len() < 2 {
            return Err(Sense::PARAMETER_LIST_LENGTH_ERROR.into());
        }
        // Only bytes 0–1 are read through the unchecked view (SPF = 0 is checked first).
        let page = ModePage::new_unchecked(rest);
        if page.spf() {
            return Err(parameter_field(offset, Some(6)));
        }
        let code = page.page_code();
        let ctx = PageContext {
            kind: Some(kind),
            page05: Some(&pending.page05),
            drive: &pending.drive,
            locked: unit.prevent,
            requested_write_speed_kbps: unit.drive.requested_write_speed_kbps,
        };
        let (Some(current), Some(mask)) = (
            pages::current_page(code, &ctx),
            pages::changeable_page(code, Some(kind)),
        ) else {
            return Err(parameter_field(offset, Some(5)));
        };
        if usize::from(page.page_length()) + 2 != current.len() {
            return Err(parameter_field(offset + 1, None));
        }
        let bytes = rest
            .get(..current.len())
            .ok_or(Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
        if let Some((at, bit)) = pages::first_forbidden_change(bytes, &current, &mask) {
            return Err(parameter_field(offset + at, Some(bit)));
        }
        if code == PAGE05_CODE {
            let mut page05 = bytes.to_vec();
            page05[0] = PAGE05_CODE;
            pages::check_page05(
                kind,
                &page05,
                offset,
                &unit.drive.raw_data_block_types,
                test_write_ok,
            )?;
        }
        pending.accept(code, bytes);
        offset += bytes.len();
    }

    // Everything was accepted: apply.
    let loaded = unit.loaded_mut()?;
    if pending.page05 != loaded.medium.page05 {
        loaded.medium.page05 = pending.page05;
        if !pages::write_settings(&loaded.medium.page05).test_write {
            // Test Write switched off: a simulated recording ends, nothing was recorded.
            loaded.medium.end_simulation();
        }
        unit.commit_structure()?;
    }
    if pending.drive != unit.drive.mode_pages {
        unit.drive.mode_pages = pending.drive;
        unit.store.save_drive(&unit.drive)?;
    }
    Ok(Response::Consumed(len))
}
