//! Long operations started with Immed (FORMAT UNIT, BLANK, CLOSE TRACK/SESSION, SYNCHRONIZE
//! CACHE) and the DVD+RW background format, modelled without a clock (STYLE rule 5).
//!
//! Model: the command validates, changes the medium state at once and returns GOOD; with Immed
//! the unit then stays busy for `N` polls, `N` = `long_operation_polls` of `drive.json`
//! (default [`DEFAULT_LONG_OPERATION_POLLS`], settable with
//! [`crate::EmulatedDrive::set_long_operation_polls`]; 0 = done at once). A poll is every
//! command that needs the medium (TEST UNIT READY, READ DISC INFORMATION, WRITE, …) and
//! REQUEST SENSE without pending sense. Poll k (k = 0 … N − 1) answers CHECK CONDITION NOT
//! READY — 2/04/04 FORMAT IN PROGRESS after FORMAT UNIT, 2/04/07 OPERATION IN PROGRESS after
//! BLANK, CLOSE or SYNCHRONIZE CACHE — with SKSV = 1 and progress k × 65 536 / N in sense bytes
//! 16–17 (strictly increasing from 0); the (N + 1)-th poll finds the unit ready and runs
//! normally. Commands that do not need the medium (INQUIRY, GET CONFIGURATION, MODE SENSE,
//! GET EVENT STATUS NOTIFICATION, …) answer normally and do not advance anything. Without
//! Immed the command returns when the operation is done (as a real drive does after its
//! wait), so nothing is polled. The operation is kept in `medium.json`: another process
//! opening the drive keeps polling it.
//!
//! Background format (DVD+RW, FORMAT UNIT 26h): once the foreground part is over the unit is
//! ready and reads and writes go anywhere on the disc; the background format advances by one
//! step per TEST UNIT READY or REQUEST SENSE (N steps) and is then complete (READ DISC
//! INFORMATION byte 7: 2 running → 3 complete). CLOSE TRACK/SESSION 000b or 010b stops it (1).
//!
//! Real-time pacing of writes is not modelled: without a clock there is no time to pace.
//!
//! Spec: `mmc.md` §1.0 (Immed), §1.2, §1.3, §1.9 (byte 7), §1.15, §1.16, §1.19, §3.1 (progress).

use discmaster_mmc::{Sense, SenseKeySpecific};
use serde::{Deserialize, Serialize};

use crate::dispatch::{Check, Failure};
use crate::model::Medium;
use crate::unit::Unit;

/// Polls a long operation lasts unless `drive.json` says otherwise.
pub const DEFAULT_LONG_OPERATION_POLLS: u32 = 8;

/// What kind of long operation runs (it decides the NOT READY sense).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OperationKind {
    /// FORMAT UNIT (2/04/04).
    Format,
    /// BLANK (2/04/07).
    Blank,
    /// CLOSE TRACK/SESSION (2/04/07).
    Close,
    /// SYNCHRONIZE CACHE (2/04/07).
    Synchronize,
}

/// A long operation in progress, as stored in `medium.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LongOperation {
    /// What runs.
    pub kind: OperationKind,
    /// Polls answered so far.
    pub polls_done: u32,
    /// Polls the operation lasts.
    pub polls_total: u32,
}

impl LongOperation {
    /// The NOT READY sense polls get while it runs.
    pub fn sense(&self) -> Sense {
        match self.kind {
            OperationKind::Format => Sense::FORMAT_IN_PROGRESS,
            OperationKind::Blank | OperationKind::Close | OperationKind::Synchronize => {
                Sense::OPERATION_IN_PROGRESS
            }
        }
    }
}

impl Medium {
    /// Starts `kind` lasting `polls` polls (nothing when `polls` is 0). An operation already
    /// running is replaced (it cannot be: every medium command is refused meanwhile).
    pub fn start_operation(&mut self, kind: OperationKind, polls: u32) {
        self.operation = (polls > 0).then_some(LongOperation {
            kind,
            polls_done: 0,
            polls_total: polls,
        });
    }

    /// One poll: while the operation runs, its sense and progress (and the poll is counted);
    /// `None` once it is over (the operation is then removed).
    pub fn poll_operation(&mut self) -> Option<(Sense, SenseKeySpecific)> {
        let op = self.operation.as_mut()?;
        if op.polls_done >= op.polls_total {
            self.operation = None;
            return None;
        }
        let progress =
            SenseKeySpecific::progress_of(u64::from(op.polls_done), u64::from(op.polls_total));
        op.polls_done += 1;
        Some((op.sense(), progress))
    }
}

impl Unit {
    /// Starts a long operation of the loaded medium lasting the drive's configured number of
    /// polls.
    pub fn start_operation(&mut self, kind: OperationKind) {
        let polls = self.drive.long_operation_polls;
        if let Some(l) = self.loaded.as_mut() {
            l.medium.start_operation(kind, polls);
            l.dirty = true;
        }
    }
}

/// The dispatch adapter's hook for commands that need the medium: NOT READY with progress
/// while a long operation runs (counting the poll); otherwise TEST UNIT READY
/// (`advance_background`) advances a DVD+RW background format by one step.
///
/// # Errors
/// 2/04/04 or 2/04/07 with progress (see the module doc).
pub(crate) fn poll(unit: &mut Unit, advance_background: bool) -> Result<(), Failure> {
    let Some(l) = unit.loaded.as_mut() else {
        return Ok(());
    };
    if let Some((sense, progress)) = l.medium.poll_operation() {
        l.dirty = true;
        return Err(Failure::Check(Check {
            sense,
            information: None,
            sks: Some(progress),
        }));
    }
    if advance_background && l.medium.advance_background() {
        l.dirty = true;
    }
    Ok(())
}

/// REQUEST SENSE without pending sense: the NOT READY sense with progress of a running long
/// operation (counting the poll), `None` when none runs. A running background format advances
/// by one step.
pub(crate) fn request_sense_poll(unit: &mut Unit) -> Option<Check> {
    let l = unit.loaded.as_mut()?;
    if let Some((sense, progress)) = l.medium.poll_operation() {
        l.dirty = true;
        return Some(Check {
            sense,
            information: None,
            sks: Some(progress),
        });
    }
    if l.medium.advance_background() {
        l.dirty = true;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MediaKind;

    #[test]
    fn operation_reports_increasing_progress_then_ends() {
        let mut m = Medium::blank(
            MediaKind::CdRw,
            crate::pages::default_page05(MediaKind::CdRw),
        );
        m.start_operation(OperationKind::Blank, 4);
        let mut seen = Vec::new();
        while let Some((sense, p)) = m.poll_operation() {
            assert_eq!(sense, Sense::OPERATION_IN_PROGRESS);
            let SenseKeySpecific::Progress(p) = p else {
                panic!("progress expected")
            };
            seen.push(p);
        }
        assert_eq!(seen, [0, 16_384, 32_768, 49_152]);
        assert_eq!(m.operation, None);
        assert_eq!(m.poll_operation(), None);
    }

    #[test]
    fn zero_polls_start_nothing() {
        let mut m = Medium::blank(
            MediaKind::CdRw,
            crate::pages::default_page05(MediaKind::CdRw),
        );
        m.start_operation(OperationKind::Format, 0);
        assert_eq!(m.operation, None);
    }
}
