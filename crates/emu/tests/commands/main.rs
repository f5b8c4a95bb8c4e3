//! Command-level tests of the emulated recorder: CDB bytes in, data-in bytes or sense out
//! (STYLE: `emu/tests/commands/`).

#[macro_use]
mod common;

mod cd;
mod config;
mod drive;
mod dvd_bd;
mod fuzz;
mod host;
mod info;
mod media_audio;
mod media_blank;
mod media_format;
mod media_rewritable;
mod media_simulation;
mod media_speed;
mod media_util;
mod mode;
mod mode_pages;
mod mode_pages_config;
mod raw_cd;
mod sao;
mod spc;
