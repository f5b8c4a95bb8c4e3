//! MODE SENSE(10) and MODE SELECT(10) for pages 05h and 2Ah (3Fh = all).
//!
//! Copies kept: current (page 05h in the medium state; the CD-R defaults without a medium),
//! changeable mask and defaults (derived from the medium kind); saved values are not
//! supported (5/39/00). MODE SELECT validates the whole parameter list before applying
//! anything: page length equal to the drive's, only changeable bits differing from the
//! current values, and a write type / data block type combination the medium supports.
//!
//! Spec: `mmc.md` §1.5, §2, §2.2, §2.6.

use discmaster_mmc::commands::{ModeSelect10, ModeSense10};
use discmaster_mmc::pages::{emit_mode_parameter_list, ModePage, ModeParameterHeader10};
use discmaster_mmc::{Command, PageControl, Sense};

use crate::dispatch::{Failure, Request, Response};
use crate::pages::{self, PAGE05_CODE, PAGE2A_CODE};
use crate::unit::Unit;
use crate::MediaKind;

/// Page code 3Fh: all pages.
const ALL_PAGES: u8 = 0x3F;
/// The medium kind whose page 05h values are shown without a medium.
const NO_MEDIUM_PAGE05: MediaKind = MediaKind::CdR;

/// `5Ah MODE SENSE(10)`: pages 05h, 2Ah or both (3Fh), with current, changeable or default
/// values; no block descriptors. Works without a medium.
///
/// # Errors (sense)
/// 5/24/00 for another page or a subpage; 5/39/00 for saved values.
pub(crate) fn mode_sense10(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ModeSense10::from_cdb(req.cdb)?;
    if cmd.subpage_code != 0 {
        return Err(Failure::cdb_field(3, None));
    }
    let kind = unit
        .loaded
        .as_ref()
        .map_or(NO_MEDIUM_PAGE05, |l| l.medium.kind);
    let (page05, page2a) = match cmd.page_control {
        PageControl::Current => (
            unit.loaded
                .as_ref()
                .map_or_else(|| pages::default_page05(kind), |l| l.medium.page05.clone()),
            pages::capabilities_page(),
        ),
        PageControl::Changeable => (pages::changeable_page05(), pages::changeable_capabilities()),
        PageControl::Default => (pages::default_page05(kind), pages::capabilities_page()),
        PageControl::Saved | PageControl::Unknown(_) => {
            return Err(Sense::SAVING_PARAMETERS_NOT_SUPPORTED.into())
        }
    };
    let selected: Vec<&[u8]> = match cmd.page_code {
        PAGE05_CODE => vec![&page05],
        PAGE2A_CODE => vec![&page2a],
        ALL_PAGES => vec![&page05, &page2a],
        _ => return Err(Failure::cdb_field(2, Some(5))),
    };
    Ok(Response::DataIn(emit_mode_parameter_list(&selected, false)))
}

/// `55h MODE SELECT(10)`: accepts pages 05h and 2Ah (the latter only unchanged).
///
/// # Errors (sense)
/// 5/24/00 when PF = 0; 5/39/00 when SP = 1; 5/1A/00 when the data-out is shorter than the
/// parameter list length or the list ends inside a page; 5/26/00 (field pointer into the
/// list) for block descriptors, an unsupported page, a wrong page length, a changed
/// non-changeable bit, or an unsupported write parameter combination.
pub(crate) fn mode_select10(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = ModeSelect10::from_cdb(req.cdb)?;
    if !cmd.pf {
        return Err(Failure::cdb_field(1, Some(4)));
    }
    if cmd.sp {
        return Err(Sense::SAVING_PARAMETERS_NOT_SUPPORTED.into());
    }
    let len = usize::from(cmd.parameter_list_length);
    if len == 0 {
        return Ok(Response::Consumed(0));
    }
    let list = req
        .data_out
        .get(..len)
        .ok_or(Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
    let header = ModeParameterHeader10::new_checked(list)
        .map_err(|_| Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
    if header.block_descriptor_length() != 0 {
        return Err(Failure::parameter_field(6, None));
    }
    let loaded = unit.loaded_mut()?;
    let kind = loaded.medium.kind;
    let mut new_page05 = None;
    let mut offset = ModeParameterHeader10::<&[u8]>::LEN;
    while offset < list.len() {
        let page = ModePage::new_checked(&list[offset..])
            .map_err(|_| Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
        let bytes = page.as_bytes();
        if page.spf() {
            return Err(Failure::parameter_field(offset as u16, Some(6)));
        }
        let (current, mask) = match page.page_code() {
            PAGE05_CODE => (loaded.medium.page05.clone(), pages::changeable_page05()),
            PAGE2A_CODE => (pages::capabilities_page(), pages::changeable_capabilities()),
            _ => return Err(Failure::parameter_field(offset as u16, Some(5))),
        };
        if bytes.len() != current.len() {
            return Err(Failure::parameter_field((offset + 1) as u16, None));
        }
        // Bytes 0–1 (PS, code, length) are checked above; PS is ignored as hosts often echo it.
        for i in 2..bytes.len() {
            let changed = (bytes[i] ^ current[i]) & !mask[i];
            if changed != 0 {
                let bit = 7 - changed.leading_zeros() as u8;
                return Err(Failure::parameter_field((offset + i) as u16, Some(bit)));
            }
        }
        if page.page_code() == PAGE05_CODE {
            let mut accepted = bytes.to_vec();
            accepted[0] = PAGE05_CODE;
            pages::check_page05(kind, &accepted, offset)?;
            new_page05 = Some(accepted);
        }
        offset += bytes.len();
    }
    if let Some(p) = new_page05 {
        loaded.medium.page05 = p;
        unit.commit_structure()?;
    }
    Ok(Response::Consumed(len))
}
