//! Formatting and erasing: READ FORMAT CAPACITIES, FORMAT UNIT, BLANK. What each medium
//! offers and what a format or blank does is the `rewritable` module's; long operations with
//! Immed are the `operation` module's. These handlers parse, move the image and persist.
//!
//! Spec: `mmc.md` §1.14–§1.16, §5.4.

use discmaster_core::SECTOR_SIZE;
use discmaster_mmc::commands::{Blank, FormatUnit, ReadFormatCapacities};
use discmaster_mmc::decode_views::CapacityDescriptor;
use discmaster_mmc::format_commands::{
    formattable_capacity, BlankingType, FormatDescriptor, FormatParameterList,
};
use discmaster_mmc::host_commands::emit_format_capacities;
use discmaster_mmc::pages::WriteParametersPage;
use discmaster_mmc::{Command, Sense};

use crate::dispatch::{Failure, Request, Response};
use crate::model::Medium;
use crate::operation::OperationKind;
use crate::rewritable::{BackgroundFormat, FormatRefusal};
use crate::unit::{Loaded, Unit};

/// Current/maximum descriptor type 01b: unformatted (maximum formattable capacity).
const DESCRIPTOR_UNFORMATTED: u8 = 0x01;
/// Descriptor type 10b: formatted (current capacity).
const DESCRIPTOR_FORMATTED: u8 = 0x02;
/// Descriptor type 11b: no medium / unknown capacity (DVD-RW intermediate state).
const DESCRIPTOR_NO_MEDIUM: u8 = 0x03;
/// Header length of the FORMAT UNIT parameter list.
const FORMAT_HEADER_LEN: usize = 4;

/// The current/maximum capacity descriptor of `m`: random-access media formatted 10b (DVD-RW
/// intermediate 11b) with the formatted capacity, unformatted 01b with the capacity without
/// spare areas; sequential media 01b while nothing is recorded (BD-R with spare areas: 10b),
/// 10b once something is.
fn current_descriptor(m: &Medium) -> CapacityDescriptor {
    let block_len = SECTOR_SIZE as u32;
    let (blocks, type_byte) = match &m.overwrite {
        Some(o) if o.formatted && o.intermediate => (m.capacity_blocks, DESCRIPTOR_NO_MEDIUM),
        Some(o) if o.formatted => (m.capacity_blocks, DESCRIPTOR_FORMATTED),
        Some(_) => (m.kind.capacity_blocks(), DESCRIPTOR_UNFORMATTED),
        None => {
            let blank = m.sessions.is_empty() && m.tracks.iter().all(|t| t.recorded == 0);
            let formatted = !blank || m.spare_blocks > 0;
            (
                m.capacity_blocks,
                if formatted {
                    DESCRIPTOR_FORMATTED
                } else {
                    DESCRIPTOR_UNFORMATTED
                },
            )
        }
    };
    CapacityDescriptor {
        blocks,
        type_byte,
        parameter: block_len,
    }
}

/// `23h READ FORMAT CAPACITIES`: the current/maximum capacity descriptor, then one
/// formattable descriptor per format the medium offers now (the `rewritable` module table;
/// for example a new BD-RE lists exactly `mmc.md` §5.4's five). Without a medium: one
/// descriptor of type 11b and 0 blocks. Works without a medium.
pub(crate) fn read_format_capacities(
    unit: &mut Unit,
    req: &Request<'_>,
) -> Result<Response, Failure> {
    ReadFormatCapacities::from_cdb(req.cdb)?;
    let Some(l) = unit.loaded.as_ref() else {
        return Ok(Response::DataIn(emit_format_capacities(&[
            CapacityDescriptor {
                blocks: 0,
                type_byte: DESCRIPTOR_NO_MEDIUM,
                parameter: SECTOR_SIZE as u32,
            },
        ])));
    };
    let m = &l.medium;
    let mut list = vec![current_descriptor(m)];
    list.extend(
        m.format_offers()
            .iter()
            .map(|o| formattable_capacity(o.blocks, o.format_type, o.parameter)),
    );
    Ok(Response::DataIn(emit_format_capacities(&list)))
}

/// Empties the user data of `l` (image, RAW store, audio blocks).
fn erase_image(l: &mut Loaded) -> Result<(), Failure> {
    l.image.set_len(0)?;
    if let Some(raw) = l.raw.take() {
        raw.set_len(0)?;
    }
    if let Some(cdda) = l.cdda.as_ref() {
        cdda.set_len(0)?;
    }
    Ok(())
}

/// Clears Test Write in page 05h (random-access recording cannot simulate).
fn clear_test_write(page05: &mut Vec<u8>) {
    if let Ok(mut p) = WriteParametersPage::new_checked(std::mem::take(page05)) {
        p.set_test_write(false);
        *page05 = p.into_inner();
    }
}

/// `04h FORMAT UNIT` with FmtData = 1 and one format descriptor: formats as the `rewritable`
/// module describes (Try-out checks only). With Immed the unit stays busy for the configured
/// polls (2/04/04 with progress); a DVD+RW then formats in the background.
///
/// # Errors (sense)
/// 5/24/00 (byte 1 bit 4) without FmtData; 5/1A/00 when the data-out is shorter than the
/// 12-byte list; 5/26/00 (byte 2) for a descriptor length other than 8, or with a field
/// pointer for a format type, blocks or sub-type not offered; 5/30/06 on media that cannot be
/// formatted.
pub(crate) fn format_unit(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = FormatUnit::from_cdb(req.cdb)?;
    if !cmd.fmt_data {
        return Err(Failure::cdb_field(1, Some(4)));
    }
    let header = req
        .data_out
        .get(..FORMAT_HEADER_LEN)
        .ok_or(Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
    if usize::from(u16::from_be_bytes([header[2], header[3]])) != FormatDescriptor::LEN {
        return Err(Failure::parameter_field(2, None));
    }
    let list = req
        .data_out
        .get(..FormatParameterList::LEN)
        .and_then(|b| FormatParameterList::parse(b).ok())
        .ok_or(Failure::from(Sense::PARAMETER_LIST_LENGTH_ERROR))?;
    let polls = unit.drive.long_operation_polls;
    let loaded = unit.loaded_mut()?;
    let outcome = loaded
        .medium
        .format(&list.descriptor, list.try_out)
        .map_err(|r| match r {
            FormatRefusal::Sense(s) => Failure::from(s),
            FormatRefusal::Field(byte, bit) => Failure::parameter_field(byte, bit),
        })?;
    if list.try_out {
        return Ok(Response::Consumed(FormatParameterList::LEN));
    }
    if outcome.erase_image {
        erase_image(loaded)?;
    }
    let m = &mut loaded.medium;
    if let Some(o) = m.overwrite.as_mut() {
        if o.background == BackgroundFormat::Running {
            o.background_total = polls;
            if o.background_done >= polls {
                o.background = BackgroundFormat::Complete;
            }
        }
    }
    if m.is_random_access() {
        clear_test_write(&mut m.page05);
    }
    if list.immed && outcome.foreground {
        unit.start_operation(OperationKind::Format);
    }
    unit.commit_structure()?;
    Ok(Response::Consumed(FormatParameterList::LEN))
}

/// `A1h BLANK` full (000b) or minimal (001b) of a CD-RW or DVD-RW: the disc becomes blank
/// (see the `rewritable` module). With Immed the unit stays busy for the configured polls
/// (2/04/07 with progress).
///
/// # Errors (sense)
/// 5/30/00 INCOMPATIBLE MEDIUM INSTALLED on other media; 5/24/00 (byte 1 bit 2) for the
/// blanking types 010b–110b (not emulated).
pub(crate) fn blank(unit: &mut Unit, req: &Request<'_>) -> Result<Response, Failure> {
    let cmd = Blank::from_cdb(req.cdb)?;
    let loaded = unit.loaded_mut()?;
    if !loaded.medium.kind.is_blankable() {
        return Err(Sense::INCOMPATIBLE_MEDIUM_INSTALLED.into());
    }
    if !matches!(
        cmd.blanking_type,
        BlankingType::Full | BlankingType::Minimal
    ) {
        return Err(Failure::cdb_field(1, Some(2)));
    }
    loaded.medium.erase(cmd.blanking_type)?;
    erase_image(loaded)?;
    if cmd.immed {
        unit.start_operation(OperationKind::Blank);
    }
    unit.commit_structure()?;
    Ok(Response::Done)
}
