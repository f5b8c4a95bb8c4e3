//! T10 MMC / SPC as typed values: command descriptor blocks (both directions: build and
//! parse), response views and builders, mode pages, feature descriptors and sense data.
//!
//! Scope: bytes only, no IO (STYLE: only `mmc` and `cd` touch bytes). The recorder builds CDBs
//! and parses responses with these types; the emulator parses CDBs and builds responses with
//! the *same* definitions, so the two sides cannot drift apart.
//!
//! Panic contract (after smoltcp `wire`): views wrap `B: AsRef<[u8]>`; `new_unchecked` never
//! checks, `new_checked` checks the length once, and after a successful `new_checked` no getter
//! panics. Setters live in an `impl` for `B: AsRef<[u8]> + AsMut<[u8]>` and panic only if the
//! buffer is shorter than the field they set (callers create buffers with the views' `LEN`
//! or their `new_zeroed()` / `new_default()` constructors). Fields that only longer versions
//! of a structure define (short sense, 28-byte track information, short page 2Ah) read as
//! `Option` instead of panicking.
//!
//! Spec: T10 MMC-6 (draft) and SPC-4, as summarised in `shared/reference/mmc.md`.
#![forbid(unsafe_code)]

pub mod cd_commands;
pub mod cd_features;
pub mod cd_responses;
pub mod cdb;
pub mod commands;
pub mod decode_views;
pub mod enums;
pub mod features;
pub mod format_commands;
pub mod host_commands;
pub mod media_features;
pub mod pages;
pub mod responses;
pub mod sao_commands;
pub mod sense;
mod wire;

pub use cdb::{Cdb, CdbError, Command, DataDirection, ParseError};
pub use enums::*;
pub use sense::{Sense, SenseData, SenseKeySpecific};
