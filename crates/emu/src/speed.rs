//! Rated write speeds per medium and the speed the drive selects for a host's request (SET CD
//! SPEED, SET STREAMING).
//!
//! Model values (typical rated speeds of current media, not measured; fastest first, all CLV —
//! no CAV descriptors):
//!
//! | Medium | Write speeds | kB/s |
//! |---|---|---|
//! | CD-R | 48× 40× 32× 24× 16× 8× 4× | 8 467 7 056 5 645 4 234 2 822 1 411 706 |
//! | CD-RW | 24× 16× 10× 4× | 4 234 2 822 1 764 706 |
//! | DVD-R, DVD+R | 16× 12× 8× 4× 2.4× | 22 160 16 620 11 080 5 540 3 324 |
//! | DVD+RW, DVD+R DL | 8× 4× 2.4× | 11 080 5 540 3 324 |
//! | DVD-RW | 6× 4× 2× | 8 310 5 540 2 770 |
//! | DVD-RAM | 5× 3× 2× | 6 925 4 155 2 770 |
//! | BD-R | 12× 8× 6× 4× 2× | 53 946 35 964 26 973 17 982 8 991 |
//! | BD-RE | 4× 2× | 17 982 8 991 |
//!
//! 1× = 176.4 kB/s (CD), 1 385 kB/s (DVD), 4 495.5 kB/s (BD), rounded to whole kB/s. The read
//! speed is the family's fastest (CD 48×, DVD 16×, BD 12×).
//!
//! Selection: the drive keeps the host's last *request* (kB/s; `None` = maximum) in
//! `drive.json` (`requested_write_speed_kbps`, surviving media changes as on many drives,
//! `mmc.md` §1.26) and applies it to each medium by rounding **down** to a rated speed; a
//! request below the slowest selects the slowest. With spare areas (BD defect management) the
//! drive verifies after writing: the *performance* it reports (GET PERFORMANCE type 00h, write)
//! is half the selected speed; the selected speed itself is unchanged.
//!
//! Spec: `mmc.md` §0 (speed units), §1.25–§1.27, §1.30, §2.6 (page 2Ah bytes 28–31).

use crate::MediaKind;

const CD_R: [u32; 7] = [8_467, 7_056, 5_645, 4_234, 2_822, 1_411, 706];
const CD_RW: [u32; 4] = [4_234, 2_822, 1_764, 706];
const DVD_R: [u32; 5] = [22_160, 16_620, 11_080, 5_540, 3_324];
const DVD_PLUS_RW_DL: [u32; 3] = [11_080, 5_540, 3_324];
const DVD_MINUS_RW: [u32; 3] = [8_310, 5_540, 2_770];
const DVD_RAM: [u32; 3] = [6_925, 4_155, 2_770];
const BD_R: [u32; 5] = [53_946, 35_964, 26_973, 17_982, 8_991];
const BD_RE: [u32; 2] = [17_982, 8_991];

/// The rated write speeds of `kind`, fastest first.
///
/// Units: kB/s (1000 bytes).
pub(crate) fn write_speeds_kbps(kind: MediaKind) -> &'static [u32] {
    match kind {
        MediaKind::CdR => &CD_R,
        MediaKind::CdRw => &CD_RW,
        MediaKind::DvdMinusR | MediaKind::DvdPlusR => &DVD_R,
        MediaKind::DvdPlusRw | MediaKind::DvdPlusRDl => &DVD_PLUS_RW_DL,
        MediaKind::DvdMinusRw => &DVD_MINUS_RW,
        MediaKind::DvdRam => &DVD_RAM,
        MediaKind::BdR => &BD_R,
        MediaKind::BdRe => &BD_RE,
    }
}

/// The read speed reported for `kind`.
///
/// Units: kB/s.
pub(crate) fn read_speed_kbps(kind: MediaKind) -> u32 {
    if kind.is_cd() {
        CD_R[0]
    } else if kind.is_bd() {
        BD_R[0]
    } else {
        DVD_R[0]
    }
}

/// The write speed selected for `kind` when the host asked for `requested` (`None` =
/// maximum): the fastest rated speed not above the request, the slowest if all are above.
///
/// Units: kB/s.
pub(crate) fn selected_write_speed_kbps(kind: MediaKind, requested: Option<u32>) -> u32 {
    let speeds = write_speeds_kbps(kind);
    let slowest = speeds.last().copied().unwrap_or(0);
    match requested {
        None => speeds.first().copied().unwrap_or(0),
        Some(r) => speeds.iter().copied().find(|&s| s <= r).unwrap_or(slowest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_rounds_down_to_a_rated_speed() {
        assert_eq!(selected_write_speed_kbps(MediaKind::CdR, None), 8_467);
        assert_eq!(
            selected_write_speed_kbps(MediaKind::CdR, Some(7_000)),
            5_645
        );
        assert_eq!(selected_write_speed_kbps(MediaKind::CdR, Some(706)), 706);
        assert_eq!(selected_write_speed_kbps(MediaKind::CdR, Some(100)), 706);
        assert_eq!(
            selected_write_speed_kbps(MediaKind::BdRe, Some(0xFFFF)),
            17_982
        );
        assert_eq!(
            selected_write_speed_kbps(MediaKind::DvdPlusR, Some(11_080)),
            11_080
        );
    }

    #[test]
    fn every_kind_lists_speeds_fastest_first() {
        for kind in MediaKind::ALL {
            let s = write_speeds_kbps(kind);
            assert!(!s.is_empty(), "{kind}");
            assert!(s.windows(2).all(|w| w[0] > w[1]), "{kind}");
            assert!(s[0] <= read_speed_kbps(kind), "{kind}");
            // Page 2Ah holds speeds in 16 bits.
            assert!(s[0] <= u32::from(u16::MAX), "{kind}");
        }
    }
}
