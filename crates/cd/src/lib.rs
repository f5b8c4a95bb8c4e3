//! ECMA-130 / Red Book / Yellow Book CD coding without IO: 2352-byte sectors (audio, Mode 1,
//! Mode 2 formless, Mode 2 Form 1/2) with EDC and ECC, the scrambler, sub-channel P and Q,
//! the three 96/16-byte sub-channel forms, CD-Text packs, and CDRWIN cue sheets.
//!
//! Spec: ECMA-130 (reference `mmc.md` §4).
#![forbid(unsafe_code)]

pub mod cdtext;
pub mod cue;
pub mod dao;
pub mod ecc;
pub mod edc;
pub mod scrambler;
pub mod sector;
pub mod subchannel;
pub use sector::{SectorError, SectorKind, SectorType, SECTOR_BYTES};
