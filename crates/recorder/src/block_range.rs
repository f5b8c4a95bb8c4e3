//! Block ranges of a rewritable-media write (IMAPI `IBlockRange` / `IBlockRangeList`).
//!
//! On overwritable media (DVD+RW, DVD-RW restricted overwrite, DVD-RAM, BD-RE) the stream of
//! [`crate::DataWriter::write_with_ranges`] is the whole logical content from sector 0; a
//! [`BlockRangeList`] names the sectors that actually change (a new logical session plus the
//! rewritten anchors), and only those are written, in list order (`imapi2.md` §2.14, §5.3,
//! §5.10).
//!
//! Invariants: every range has `0 ≤ start_lba ≤ end_lba` (inclusive end, as IMAPI's `EndLba`);
//! ranges keep the order they were added in and may overlap (a later range rewrites).

use discmaster_core::{ErrorCode, Lba};

use crate::error::{Error, Result};

/// One contiguous run of sectors (IMAPI `IBlockRange`).
///
/// Units: LBAs of 2048-byte sectors; `end_lba` is inclusive.
///
/// Spec: `imapi2.md` §2.14.
#[doc(alias = "IBlockRange")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockRange {
    /// `StartLba`: first sector of the range.
    pub start_lba: Lba,
    /// `EndLba`: last sector of the range (inclusive).
    pub end_lba: Lba,
}

impl BlockRange {
    /// The range `start_lba ..= end_lba`.
    ///
    /// # Errors
    /// `E_INVALIDARG` (0x80070057) for a negative start or an end before the start.
    pub fn new(start_lba: Lba, end_lba: Lba) -> Result<BlockRange> {
        if start_lba.0 < 0 || end_lba.0 < start_lba.0 {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                format!(
                    "block range {}..={} is not a range of sectors (0 ≤ start ≤ end)",
                    start_lba.0, end_lba.0
                ),
            ));
        }
        Ok(BlockRange { start_lba, end_lba })
    }

    /// The range of `length` sectors from `start_lba`.
    ///
    /// # Errors
    /// `E_INVALIDARG` for a negative start, a zero length or an end past LBA 2³¹ − 1.
    pub fn from_start_length(start_lba: Lba, length: u32) -> Result<BlockRange> {
        let end = i64::from(start_lba.0) + i64::from(length) - 1;
        if length == 0 || end > i64::from(i32::MAX) {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                format!(
                    "block range of {length} sectors at LBA {} is empty or too long",
                    start_lba.0
                ),
            ));
        }
        BlockRange::new(start_lba, Lba(end as i32))
    }

    /// Sectors in the range.
    ///
    /// Units: sectors.
    pub fn sectors(&self) -> u32 {
        (self.end_lba.0 - self.start_lba.0) as u32 + 1
    }
}

/// The sectors a rewritable-media write must actually record, in order (IMAPI
/// `IBlockRangeList`; a lower index is written first).
///
/// Text form ([`BlockRangeList::parse_text`], the CLI's `burn --ranges FILE`): one range per
/// line, `START LENGTH` in sectors (decimal, or hex with `0x`), blank lines and `#` comments
/// ignored.
///
/// Spec: `imapi2.md` §2.14, §5.3.
#[doc(alias = "IBlockRangeList")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockRangeList {
    ranges: Vec<BlockRange>,
}

impl BlockRangeList {
    /// An empty list.
    pub fn new() -> BlockRangeList {
        BlockRangeList::default()
    }

    /// Appends `range` (written after the ranges already in the list).
    pub fn push(&mut self, range: BlockRange) {
        self.ranges.push(range);
    }

    /// `BlockRanges`: the ranges in write order.
    pub fn block_ranges(&self) -> &[BlockRange] {
        &self.ranges
    }

    /// True when the list holds no range.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Sectors the list names, counting overlaps as often as they are written.
    ///
    /// Units: sectors.
    pub fn total_sectors(&self) -> u64 {
        self.ranges.iter().map(|r| u64::from(r.sectors())).sum()
    }

    /// Parses the text form: one `START LENGTH` pair per line (sectors; decimal or `0x` hex);
    /// empty lines and text after `#` are ignored.
    ///
    /// # Errors
    /// `E_INVALIDARG` naming the line (1-based) that is not two numbers, has a zero length or
    /// a negative or too large start; and for a text without any range.
    pub fn parse_text(text: &str) -> Result<BlockRangeList> {
        let mut list = BlockRangeList::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |why: &str| {
                Error::refused(
                    ErrorCode::E_INVALIDARG,
                    format!(
                        "block range line {}: {why}: {raw:?} (expected `START LENGTH` in sectors)",
                        i + 1
                    ),
                )
            };
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [start, length] = fields.as_slice() else {
                return Err(bad("not two numbers"));
            };
            let start = parse_number(start).ok_or_else(|| bad("bad start"))?;
            let length = parse_number(length).ok_or_else(|| bad("bad length"))?;
            let start = i32::try_from(start).map_err(|_| bad("start too large"))?;
            let length = u32::try_from(length).map_err(|_| bad("length too large"))?;
            let range = BlockRange::from_start_length(Lba(start), length)
                .map_err(|_| bad("empty or too long"))?;
            list.push(range);
        }
        if list.is_empty() {
            return Err(Error::refused(
                ErrorCode::E_INVALIDARG,
                "the block range list names no range",
            ));
        }
        Ok(list)
    }
}

impl FromIterator<BlockRange> for BlockRangeList {
    fn from_iter<I: IntoIterator<Item = BlockRange>>(iter: I) -> Self {
        BlockRangeList {
            ranges: iter.into_iter().collect(),
        }
    }
}

fn parse_number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_range_inclusive_end_counts_sectors() {
        let r = BlockRange::new(Lba(16), Lba(31)).unwrap();
        assert_eq!(r.sectors(), 16);
        assert_eq!(BlockRange::from_start_length(Lba(16), 16).unwrap(), r);
    }

    #[test]
    fn block_range_bad_values_refused() {
        for (s, e) in [(-1, 3), (5, 4)] {
            let err = BlockRange::new(Lba(s), Lba(e)).unwrap_err();
            assert_eq!(err.code(), ErrorCode::E_INVALIDARG);
        }
        assert!(BlockRange::from_start_length(Lba(0), 0).is_err());
        assert!(BlockRange::from_start_length(Lba(i32::MAX), 2).is_err());
        assert!(BlockRange::from_start_length(Lba(i32::MAX), 1).is_ok());
    }

    #[test]
    fn block_range_list_text_keeps_order_and_skips_comments() {
        let list =
            BlockRangeList::parse_text("# anchors last\n 0x100 16\n\n32 32 # new session\n0 16\n")
                .unwrap();
        let r = list.block_ranges();
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].start_lba, r[0].end_lba), (Lba(256), Lba(271)));
        assert_eq!((r[1].start_lba, r[1].end_lba), (Lba(32), Lba(63)));
        assert_eq!((r[2].start_lba, r[2].end_lba), (Lba(0), Lba(15)));
        assert_eq!(list.total_sectors(), 64);
    }

    #[test]
    fn block_range_list_text_errors_name_the_line() {
        for (text, line) in [
            ("0 16\n16\n", "line 2"),
            ("x 1", "line 1"),
            ("0 0", "line 1"),
            ("-5 3", "line 1"),
            ("0 1 2", "line 1"),
        ] {
            let e = BlockRangeList::parse_text(text).unwrap_err();
            assert_eq!(e.code(), ErrorCode::E_INVALIDARG);
            assert!(e.to_string().contains(line), "{text:?}: {e}");
        }
        assert!(BlockRangeList::parse_text("# nothing\n").is_err());
    }
}
