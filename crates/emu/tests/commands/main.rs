//! Command-level tests of the emulated recorder: CDB bytes in, data-in bytes or sense out
//! (STYLE: `emu/tests/commands/`).

#[macro_use]
mod common;

mod cd;
mod config;
mod drive;
mod dvd_bd;
mod fuzz;
mod info;
mod mode;
mod mode_pages;
mod mode_pages_config;
mod spc;
