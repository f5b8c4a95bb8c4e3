//! Command handlers, one function per [`crate::dispatch::COMMANDS`] row, grouped by subject.
//!
//! Every handler parses its CDB with the `discmaster-mmc` command type, works on the unit
//! state, and returns the *whole* response (the dispatcher truncates it) or a failure.

pub(crate) mod cd;
pub(crate) mod config;
pub(crate) mod format;
pub(crate) mod host;
pub(crate) mod info;
pub(crate) mod mode;
pub(crate) mod recording;
pub(crate) mod sao;
pub(crate) mod spc;
pub(crate) mod speed;
