//! The DVD structures READ DISC STRUCTURE returns for each medium: format 00h (physical
//! format) and, for dual-layer DVD+R, format 20h (layer boundary information).
//!
//! Model values: book type per `MediaKind::dvd_book_type` (DVD-RAM 1, DVD-R 2, DVD-RW 3,
//! DVD+RW 9, DVD+R Ah, DVD+R DL Eh), part version 0, 120 mm, maximum rate Fh (not specified),
//! layer type recordable (2) or rewritable (4), parallel track path, data area from PSN
//! 030000h to 030000h + capacity − 1; DVD+R DL: two layers, layer 0 ending at 030000h +
//! layer 0 capacity − 1, the layer 0 capacity half the disc ([`MediaKind::default_layer0_blocks`])
//! and not yet fixed (SEND DISC STRUCTURE, which would change it, is not emulated: 5/20/00).
//!
//! Spec: `mmc.md` §1.13, §5.1, §5.5.

use discmaster_mmc::format_commands::LayerBoundaryInformation;
use discmaster_mmc::host_commands::DvdPhysicalFormat;

use crate::model::Medium;
use crate::MediaKind;

/// DVD physical sector number of LBA 0 (`mmc.md` §5.1).
const DVD_DATA_AREA_START_PSN: u32 = 0x03_0000;
/// Layer type bits: recordable.
const LAYER_RECORDABLE: u8 = 0x02;
/// Layer type bits: rewritable.
const LAYER_REWRITABLE: u8 = 0x04;
/// Maximum rate field: not specified.
const MAXIMUM_RATE_NOT_SPECIFIED: u8 = 0x0F;

/// Format 00h of `m`, `None` for CD and BD media.
pub(crate) fn physical_format(m: &Medium) -> Option<DvdPhysicalFormat> {
    let book_type = m.kind.dvd_book_type()?;
    let end_psn_layer0 = m
        .kind
        .default_layer0_blocks()
        .map_or(0, |l0| DVD_DATA_AREA_START_PSN + l0.saturating_sub(1));
    Some(DvdPhysicalFormat {
        book_type,
        part_version: 0,
        disc_size: 0,
        maximum_rate: MAXIMUM_RATE_NOT_SPECIFIED,
        layers_minus_one: m.kind.layers().saturating_sub(1),
        opposite_track_path: false,
        layer_type: if m.kind.is_erasable() {
            LAYER_REWRITABLE
        } else {
            LAYER_RECORDABLE
        },
        linear_density: 0,
        track_density: 0,
        start_psn: DVD_DATA_AREA_START_PSN,
        end_psn: DVD_DATA_AREA_START_PSN + m.capacity_blocks.saturating_sub(1),
        end_psn_layer0,
        bca: false,
    })
}

/// Format 20h of `m` (DVD+R DL only).
pub(crate) fn layer_boundary(m: &Medium) -> Option<LayerBoundaryInformation> {
    let l0 = (m.kind == MediaKind::DvdPlusRDl)
        .then(|| m.kind.default_layer0_blocks())
        .flatten()?;
    Some(LayerBoundaryInformation {
        initialized: false,
        l0_data_zone_capacity: l0,
    })
}
