//! From `SG_IO`'s output members (or its errno) to the [`Transport`] outcome.
//!
//! Pure functions, unit-tested without a kernel. The rules (STYLE rule 3: CHECK CONDITION is
//! data, not an error):
//!
//! | SG_IO reports | outcome |
//! |---|---|
//! | `host_status` = `DID_NO_CONNECT`, errno `ENODEV`/`ENXIO` | [`TransportError::DeviceGone`] |
//! | `host_status` = `DID_TIME_OUT`, driver byte `DRIVER_TIMEOUT`, errno `ETIMEDOUT` | [`TransportError::Timeout`] |
//! | any other non-zero `host_status`, or a driver byte other than 0 and `DRIVER_SENSE` | [`TransportError::Host`] naming the codes |
//! | otherwise | `Ok(Completion)`: `status` (or `masked_status << 1` when `status` is 0), the `sb_len_wr` sense bytes, `resid` clamped to the data-phase length |
//!
//! Host codes: kernel `include/scsi/scsi_status.h` (`enum scsi_host_status`). Driver codes:
//! the sg v3 interface's `driver_status` (low nibble `DRIVER_*`, high nibble `SUGGEST_*`, as
//! listed in the SCSI Generic HOWTO; kernels since 5.14 only ever report `DRIVER_SENSE`).
//!
//! [`Transport`]: discmaster_transport::Transport

use std::io;
use std::time::Duration;

use discmaster_transport::{Completion, ScsiStatus, TransportError};

/// The output members of one `sg_io_hdr` after a successful ioctl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct SgIoStatus {
    /// SCSI status byte.
    pub status: u8,
    /// `(status >> 1) & 0x7f`, the pre-SAM encoding.
    pub masked_status: u8,
    /// Messaging-level data (unused by modern transports).
    #[allow(dead_code)]
    pub msg_status: u8,
    /// Sense bytes the kernel wrote.
    pub sb_len_wr: u8,
    /// `DID_*` host byte.
    pub host_status: u16,
    /// `DRIVER_*` | `SUGGEST_*`.
    pub driver_status: u16,
    /// Requested − transferred data bytes.
    pub resid: i32,
    /// Command duration in milliseconds.
    #[allow(dead_code)]
    pub duration_ms: u32,
    /// `SG_INFO_*` bits.
    #[allow(dead_code)]
    pub info: u32,
}

/// `DID_NO_CONNECT`: the target could not be reached (unplugged, link down).
pub(crate) const DID_NO_CONNECT: u16 = 0x01;
/// `DID_TIME_OUT`: the command timed out.
pub(crate) const DID_TIME_OUT: u16 = 0x03;
/// Driver byte `DRIVER_TIMEOUT` (pre-5.14 kernels).
pub(crate) const DRIVER_TIMEOUT: u16 = 0x06;
/// Driver byte `DRIVER_SENSE`: sense data is valid (not an error by itself).
pub(crate) const DRIVER_SENSE: u16 = 0x08;

/// Name of a `DID_*` host status, `None` for codes the kernel does not define.
pub(crate) fn host_status_name(code: u16) -> Option<&'static str> {
    Some(match code {
        0x00 => "DID_OK",
        0x01 => "DID_NO_CONNECT",
        0x02 => "DID_BUS_BUSY",
        0x03 => "DID_TIME_OUT",
        0x04 => "DID_BAD_TARGET",
        0x05 => "DID_ABORT",
        0x06 => "DID_PARITY",
        0x07 => "DID_ERROR",
        0x08 => "DID_RESET",
        0x09 => "DID_BAD_INTR",
        0x0a => "DID_PASSTHROUGH",
        0x0b => "DID_SOFT_ERROR",
        0x0c => "DID_IMM_RETRY",
        0x0d => "DID_REQUEUE",
        0x0e => "DID_TRANSPORT_DISRUPTED",
        0x0f => "DID_TRANSPORT_FAILFAST",
        0x10 => "DID_TARGET_FAILURE",
        0x11 => "DID_NEXUS_FAILURE",
        0x12 => "DID_ALLOC_FAILURE",
        0x13 => "DID_MEDIUM_ERROR",
        0x14 => "DID_TRANSPORT_MARGINAL",
        _ => return None,
    })
}

/// Names of a `driver_status` value: the `DRIVER_*` byte and the `SUGGEST_*` nibble joined
/// with `|` (`"DRIVER_ERROR|SUGGEST_ABORT"`); unknown parts as hex.
pub(crate) fn driver_status_name(code: u16) -> String {
    let byte = match code & 0x0f {
        0x00 => "DRIVER_OK".to_owned(),
        0x01 => "DRIVER_BUSY".to_owned(),
        0x02 => "DRIVER_SOFT".to_owned(),
        0x03 => "DRIVER_MEDIA".to_owned(),
        0x04 => "DRIVER_ERROR".to_owned(),
        0x05 => "DRIVER_INVALID".to_owned(),
        0x06 => "DRIVER_TIMEOUT".to_owned(),
        0x07 => "DRIVER_HARD".to_owned(),
        0x08 => "DRIVER_SENSE".to_owned(),
        other => format!("DRIVER_{other:02X}h"),
    };
    let suggestion = match code & 0xf0 {
        0x00 => None,
        0x10 => Some("SUGGEST_RETRY".to_owned()),
        0x20 => Some("SUGGEST_ABORT".to_owned()),
        0x30 => Some("SUGGEST_REMAP".to_owned()),
        0x40 => Some("SUGGEST_DIE".to_owned()),
        0x80 => Some("SUGGEST_SENSE".to_owned()),
        other => Some(format!("SUGGEST_{other:02X}h")),
    };
    let mut s = byte;
    if let Some(sug) = suggestion {
        s.push('|');
        s.push_str(&sug);
    }
    if code > 0xff {
        s.push_str(&format!("|{:04X}h", code & 0xff00));
    }
    s
}

/// `"DID_ERROR (07h)"` style text for a host status.
fn host_text(code: u16) -> String {
    match host_status_name(code) {
        Some(name) => format!("{name} ({code:02X}h)"),
        None => format!("host status {code:02X}h"),
    }
}

/// Maps one successful `SG_IO` ioctl to the transport outcome.
///
/// `sense` is the whole sense buffer handed to the kernel; only its first `sb_len_wr` bytes
/// are returned. `requested_bytes` is the data-phase length (the upper bound of `residual`).
/// `timeout` is reported in [`TransportError::Timeout`].
///
/// # Errors
/// [`TransportError::DeviceGone`], [`TransportError::Timeout`] or [`TransportError::Host`] as
/// in the module table. A CHECK CONDITION is `Ok`.
pub(crate) fn completion_from_status(
    st: &SgIoStatus,
    sense: &[u8],
    requested_bytes: usize,
    timeout: Duration,
    opcode: u8,
) -> Result<Completion, TransportError> {
    let driver_byte = st.driver_status & 0x0f;
    if st.host_status == DID_NO_CONNECT {
        return Err(TransportError::DeviceGone(format!(
            "{} on opcode {opcode:02X}h",
            host_text(st.host_status)
        )));
    }
    if st.host_status == DID_TIME_OUT || driver_byte == DRIVER_TIMEOUT {
        return Err(TransportError::Timeout(timeout));
    }
    let host_bad = st.host_status != 0;
    let driver_bad = driver_byte != 0 && driver_byte != DRIVER_SENSE;
    if host_bad || driver_bad {
        let mut parts = Vec::new();
        if host_bad {
            parts.push(host_text(st.host_status));
        }
        if driver_bad {
            parts.push(format!(
                "{} ({:02X}h)",
                driver_status_name(st.driver_status),
                st.driver_status
            ));
        }
        return Err(TransportError::Host(format!(
            "{} on opcode {opcode:02X}h (SCSI status {:02X}h)",
            parts.join(", "),
            st.status
        )));
    }
    let status = if st.status != 0 {
        st.status
    } else {
        // Pre-SAM drivers fill only the shifted code.
        (st.masked_status & 0x7f) << 1
    };
    let sense_len = usize::from(st.sb_len_wr).min(sense.len());
    let residual = usize::try_from(st.resid).unwrap_or(0).min(requested_bytes);
    Ok(Completion {
        status: ScsiStatus(status),
        sense: sense[..sense_len].to_vec(),
        residual,
    })
}

/// Maps the errno of a failed `SG_IO` ioctl (the command was not delivered, or its outcome
/// is unknown).
///
/// `ENODEV`/`ENXIO` → [`TransportError::DeviceGone`]; `ETIMEDOUT` →
/// [`TransportError::Timeout`]; `EPERM` → [`TransportError::Io`] saying that the kernel's
/// command filter refused the opcode (non-root callers may only send the commands the
/// kernel's `scsi_cmd_allowed` table lists); anything else → [`TransportError::Io`].
pub(crate) fn transport_error_from_errno(
    err: io::Error,
    timeout: Duration,
    device: &str,
    opcode: u8,
) -> TransportError {
    let enodev = rustix::io::Errno::NODEV.raw_os_error();
    let enxio = rustix::io::Errno::NXIO.raw_os_error();
    let etimedout = rustix::io::Errno::TIMEDOUT.raw_os_error();
    let eperm = rustix::io::Errno::PERM.raw_os_error();
    match err.raw_os_error() {
        Some(e) if e == enodev || e == enxio => {
            TransportError::DeviceGone(format!("{device}: {err}"))
        }
        Some(e) if e == etimedout => TransportError::Timeout(timeout),
        Some(e) if e == eperm => TransportError::Io(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{device}: the kernel refused opcode {opcode:02X}h ({err}); without \
                 CAP_SYS_RAWIO only its list of safe commands may be sent, and write \
                 commands need the device opened read-write"
            ),
        )),
        _ => TransportError::Io(err),
    }
}

/// `sg_io_hdr.timeout` for `timeout`: milliseconds rounded up, saturating at `u32::MAX`
/// (which the kernel treats as "no timeout"). [`Duration::ZERO`] gives 0, the kernel's
/// default (60 s for sg; block-layer SG_IO on `/dev/srN` also raises anything below its
/// minimum of 7 s).
pub(crate) fn timeout_ms(timeout: Duration) -> u32 {
    let ms = timeout.as_millis() + u128::from(!timeout.subsec_nanos().is_multiple_of(1_000_000));
    u32::try_from(ms).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(10);

    fn st() -> SgIoStatus {
        SgIoStatus::default()
    }

    #[test]
    fn completion_good_no_sense_is_good() {
        let c = completion_from_status(&st(), &[0xa5; 64], 36, T, 0x12).unwrap();
        assert_eq!(c, Completion::good());
    }

    #[test]
    fn completion_check_condition_keeps_only_written_sense() {
        let s = SgIoStatus {
            status: 0x02,        // CHECK CONDITION
            masked_status: 0x01, // 02h >> 1
            sb_len_wr: 18,
            driver_status: DRIVER_SENSE,
            ..st()
        };
        let mut sense = [0xa5u8; 64];
        sense[0] = 0x70; // response code: current, fixed format
        sense[2] = 0x05; // sense key ILLEGAL REQUEST
        sense[7] = 10; // additional sense length
        sense[12] = 0x24; // ASC INVALID FIELD IN CDB
        sense[13] = 0x00; // ASCQ
        let c = completion_from_status(&s, &sense, 0, T, 0x5a).unwrap();
        assert_eq!(c.status, ScsiStatus::CHECK_CONDITION);
        assert_eq!(c.sense.len(), 18);
        assert_eq!(&c.sense[..], &sense[..18]);
        assert_eq!(c.residual, 0);
    }

    #[test]
    fn completion_masked_status_only_is_shifted_back() {
        let s = SgIoStatus {
            masked_status: 0x04, // BUSY 08h >> 1
            ..st()
        };
        let c = completion_from_status(&s, &[0; 64], 0, T, 0).unwrap();
        assert_eq!(c.status, ScsiStatus::BUSY);
    }

    #[test]
    fn completion_reservation_conflict_is_data() {
        let s = SgIoStatus {
            status: 0x18,
            masked_status: 0x0c,
            ..st()
        };
        let c = completion_from_status(&s, &[0; 64], 0, T, 0x2a).unwrap();
        assert_eq!(c.status, ScsiStatus::RESERVATION_CONFLICT);
    }

    #[test]
    fn completion_resid_becomes_residual_clamped() {
        let s = SgIoStatus { resid: 60, ..st() };
        let c = completion_from_status(&s, &[0; 64], 96, T, 0x12).unwrap();
        assert_eq!(c.residual, 60);
        let s = SgIoStatus { resid: 500, ..st() };
        let c = completion_from_status(&s, &[0; 64], 96, T, 0x12).unwrap();
        assert_eq!(c.residual, 96);
        let s = SgIoStatus { resid: -4, ..st() };
        let c = completion_from_status(&s, &[0; 64], 96, T, 0x12).unwrap();
        assert_eq!(c.residual, 0);
    }

    #[test]
    fn completion_sb_len_wr_beyond_buffer_is_clamped() {
        let s = SgIoStatus {
            status: 0x02,
            sb_len_wr: 200,
            ..st()
        };
        let c = completion_from_status(&s, &[0x70; 64], 0, T, 0).unwrap();
        assert_eq!(c.sense.len(), 64);
    }

    #[test]
    fn completion_did_no_connect_is_device_gone() {
        let s = SgIoStatus {
            host_status: DID_NO_CONNECT,
            ..st()
        };
        let e = completion_from_status(&s, &[0; 64], 0, T, 0x00).unwrap_err();
        match e {
            TransportError::DeviceGone(msg) => assert!(msg.contains("DID_NO_CONNECT"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn completion_did_time_out_is_timeout_with_requested_duration() {
        let s = SgIoStatus {
            host_status: DID_TIME_OUT,
            ..st()
        };
        let e = completion_from_status(&s, &[0; 64], 0, T, 0x2a).unwrap_err();
        assert!(matches!(e, TransportError::Timeout(d) if d == T), "{e:?}");
    }

    #[test]
    fn completion_driver_timeout_is_timeout() {
        let s = SgIoStatus {
            driver_status: DRIVER_TIMEOUT,
            ..st()
        };
        let e = completion_from_status(&s, &[0; 64], 0, T, 0x2a).unwrap_err();
        assert!(matches!(e, TransportError::Timeout(_)), "{e:?}");
    }

    #[test]
    fn completion_did_error_is_host_error_named() {
        let s = SgIoStatus {
            host_status: 0x07,
            ..st()
        };
        let e = completion_from_status(&s, &[0; 64], 0, T, 0x2a).unwrap_err();
        match e {
            TransportError::Host(msg) => {
                assert!(msg.contains("DID_ERROR (07h)"), "{msg}");
                assert!(msg.contains("opcode 2Ah"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn completion_host_and_driver_errors_are_both_named() {
        let s = SgIoStatus {
            host_status: 0x08,   // DID_RESET
            driver_status: 0x27, // DRIVER_HARD | SUGGEST_ABORT
            ..st()
        };
        let e = completion_from_status(&s, &[0; 64], 0, T, 0x28).unwrap_err();
        match e {
            TransportError::Host(msg) => {
                assert!(msg.contains("DID_RESET (08h)"), "{msg}");
                assert!(msg.contains("DRIVER_HARD|SUGGEST_ABORT (27h)"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn completion_unknown_host_code_is_hex() {
        let s = SgIoStatus {
            host_status: 0x42,
            ..st()
        };
        let e = completion_from_status(&s, &[0; 64], 0, T, 0).unwrap_err();
        assert!(
            matches!(&e, TransportError::Host(m) if m.contains("host status 42h")),
            "{e:?}"
        );
    }

    #[test]
    fn completion_driver_sense_with_good_status_keeps_sense() {
        // A recovered error: GOOD with informational sense (1/17/01).
        let s = SgIoStatus {
            driver_status: DRIVER_SENSE,
            sb_len_wr: 18,
            ..st()
        };
        let c = completion_from_status(&s, &[0x70; 64], 0, T, 0x28).unwrap();
        assert!(c.is_good());
        assert_eq!(c.sense.len(), 18);
    }

    #[test]
    fn completion_suggestion_alone_is_not_an_error() {
        let s = SgIoStatus {
            status: 0x02,
            driver_status: DRIVER_SENSE | 0x80, // DRIVER_SENSE | SUGGEST_SENSE
            sb_len_wr: 18,
            ..st()
        };
        let c = completion_from_status(&s, &[0x70; 64], 0, T, 0).unwrap();
        assert_eq!(c.status, ScsiStatus::CHECK_CONDITION);
    }

    #[test]
    fn driver_status_name_unknown_parts_are_hex() {
        assert_eq!(driver_status_name(0x00), "DRIVER_OK");
        assert_eq!(driver_status_name(0x14), "DRIVER_ERROR|SUGGEST_RETRY");
        assert_eq!(driver_status_name(0x5c), "DRIVER_0Ch|SUGGEST_50h");
    }

    #[test]
    fn host_status_name_covers_kernel_enum() {
        assert_eq!(host_status_name(0x00), Some("DID_OK"));
        assert_eq!(host_status_name(0x0e), Some("DID_TRANSPORT_DISRUPTED"));
        assert_eq!(host_status_name(0x14), Some("DID_TRANSPORT_MARGINAL"));
        assert_eq!(host_status_name(0x15), None);
    }

    fn os_err(errno: rustix::io::Errno) -> io::Error {
        io::Error::from_raw_os_error(errno.raw_os_error())
    }

    #[test]
    fn errno_enodev_and_enxio_are_device_gone() {
        for e in [rustix::io::Errno::NODEV, rustix::io::Errno::NXIO] {
            let t = transport_error_from_errno(os_err(e), T, "/dev/sr0", 0);
            assert!(
                matches!(&t, TransportError::DeviceGone(m) if m.starts_with("/dev/sr0")),
                "{t:?}"
            );
        }
    }

    #[test]
    fn errno_etimedout_is_timeout() {
        let t = transport_error_from_errno(os_err(rustix::io::Errno::TIMEDOUT), T, "/dev/sg0", 0);
        assert!(matches!(t, TransportError::Timeout(d) if d == T), "{t:?}");
    }

    #[test]
    fn errno_eperm_explains_the_command_filter() {
        let t = transport_error_from_errno(os_err(rustix::io::Errno::PERM), T, "/dev/sr0", 0xd8);
        match t {
            TransportError::Io(e) => {
                assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
                assert!(e.to_string().contains("opcode D8h"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errno_other_is_io() {
        let t = transport_error_from_errno(os_err(rustix::io::Errno::NOMEM), T, "/dev/sr0", 0);
        assert!(matches!(t, TransportError::Io(_)), "{t:?}");
    }

    #[test]
    fn timeout_ms_rounds_up_and_saturates() {
        assert_eq!(timeout_ms(Duration::ZERO), 0);
        assert_eq!(timeout_ms(Duration::from_micros(1)), 1);
        assert_eq!(timeout_ms(Duration::from_millis(1500)), 1500);
        assert_eq!(timeout_ms(Duration::from_nanos(1_500_000_001)), 1501);
        assert_eq!(timeout_ms(Duration::from_secs(10)), 10_000);
        assert_eq!(timeout_ms(Duration::MAX), u32::MAX);
    }
}
