//! The one `SG_IO` ioctl, as a safe function over slices (STYLE rule 6: the crate's only
//! `unsafe`).
//!
//! [`SgIoHdr`] mirrors `struct sg_io_hdr` of the kernel's user-space header `<scsi/sg.h>`
//! (glibc ships it as `/usr/include/scsi/sg.h`; kernel tree `include/scsi/sg.h`), and
//! [`sg_io`] fills it from borrowed slices, issues `ioctl(fd, SG_IO, &hdr)` through rustix's
//! [`Updater`] pattern and copies the output members into a plain [`SgIoStatus`]. The
//! pointers never outlive the call: `SG_IO` is synchronous (it returns after the command has
//! completed, failed or timed out), the kernel keeps no reference to user memory afterwards.
//!
//! Model: nusb `src/platform/linux_usbfs/usbfs.rs` (one safe fn per ioctl, `#[repr(C)]`
//! mirrors) using rustix `src/ioctl/patterns.rs`.

use std::io;
use std::os::fd::BorrowedFd;
use std::ptr;

use rustix::ioctl::{ioctl, Opcode, Updater};

use crate::outcome::SgIoStatus;

/// `SG_IO` request number: a legacy (not `_IOWR`-encoded) number, `0x2285` in `<scsi/sg.h>`.
const SG_IO: Opcode = 0x2285;

/// `interface_id` value of the v3 interface: `'S'`.
const INTERFACE_ID_SCSI: i32 = b'S' as i32;

/// `dxfer_direction` values of `<scsi/sg.h>`.
const SG_DXFER_NONE: i32 = -1;
const SG_DXFER_TO_DEV: i32 = -2;
const SG_DXFER_FROM_DEV: i32 = -3;

/// Mirror of `struct sg_io_hdr` (`sg_io_hdr_t`), field for field in header order.
///
/// `[i]` members are inputs, `[o]` outputs; see the comments in `<scsi/sg.h>`.
#[repr(C)]
struct SgIoHdr {
    /// `[i]` `'S'`.
    interface_id: i32,
    /// `[i]` `SG_DXFER_*`.
    dxfer_direction: i32,
    /// `[i]` CDB length in bytes.
    cmd_len: u8,
    /// `[i]` capacity of the sense buffer at `sbp`.
    mx_sb_len: u8,
    /// `[i]` 0: `dxferp` is a flat buffer, not a scatter list.
    iovec_count: u16,
    /// `[i]` data-phase length in bytes.
    dxfer_len: u32,
    /// `[i]` data buffer.
    dxferp: *mut core::ffi::c_void,
    /// `[i]` CDB.
    cmdp: *const u8,
    /// `[i]` sense buffer.
    sbp: *mut u8,
    /// `[i]` timeout in milliseconds (`u32::MAX`: none).
    timeout: u32,
    /// `[i]` `SG_FLAG_*`, 0 = default (indirect IO).
    flags: u32,
    /// `[i->o]` unused.
    pack_id: i32,
    /// `[i->o]` unused.
    usr_ptr: *mut core::ffi::c_void,
    /// `[o]` SCSI status byte.
    status: u8,
    /// `[o]` `(status >> 1) & 0x7f`.
    masked_status: u8,
    /// `[o]` messaging-level data.
    msg_status: u8,
    /// `[o]` sense bytes actually written to `sbp`.
    sb_len_wr: u8,
    /// `[o]` host adapter status (`DID_*`).
    host_status: u16,
    /// `[o]` driver status (`DRIVER_*` | `SUGGEST_*`).
    driver_status: u16,
    /// `[o]` `dxfer_len` − bytes actually transferred.
    resid: i32,
    /// `[o]` milliseconds the command took.
    duration: u32,
    /// `[o]` `SG_INFO_*` bits.
    info: u32,
}

// Layout check against the C header on LP64 (x86_64, aarch64, riscv64, …): offsets as the C
// compiler lays out `sg_io_hdr_t`, 88 bytes in all.
#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(offset_of!(SgIoHdr, interface_id) == 0);
    assert!(offset_of!(SgIoHdr, dxfer_direction) == 4);
    assert!(offset_of!(SgIoHdr, cmd_len) == 8);
    assert!(offset_of!(SgIoHdr, mx_sb_len) == 9);
    assert!(offset_of!(SgIoHdr, iovec_count) == 10);
    assert!(offset_of!(SgIoHdr, dxfer_len) == 12);
    assert!(offset_of!(SgIoHdr, dxferp) == 16);
    assert!(offset_of!(SgIoHdr, cmdp) == 24);
    assert!(offset_of!(SgIoHdr, sbp) == 32);
    assert!(offset_of!(SgIoHdr, timeout) == 40);
    assert!(offset_of!(SgIoHdr, flags) == 44);
    assert!(offset_of!(SgIoHdr, pack_id) == 48);
    assert!(offset_of!(SgIoHdr, usr_ptr) == 56);
    assert!(offset_of!(SgIoHdr, status) == 64);
    assert!(offset_of!(SgIoHdr, masked_status) == 65);
    assert!(offset_of!(SgIoHdr, msg_status) == 66);
    assert!(offset_of!(SgIoHdr, sb_len_wr) == 67);
    assert!(offset_of!(SgIoHdr, host_status) == 68);
    assert!(offset_of!(SgIoHdr, driver_status) == 70);
    assert!(offset_of!(SgIoHdr, resid) == 72);
    assert!(offset_of!(SgIoHdr, duration) == 76);
    assert!(offset_of!(SgIoHdr, info) == 80);
    assert!(size_of::<SgIoHdr>() == 88);
};

// ILP32 (i686, armv7): 4-byte pointers, 64 bytes in all.
#[cfg(target_pointer_width = "32")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(offset_of!(SgIoHdr, dxferp) == 16);
    assert!(offset_of!(SgIoHdr, usr_ptr) == 40);
    assert!(offset_of!(SgIoHdr, status) == 44);
    assert!(offset_of!(SgIoHdr, resid) == 52);
    assert!(size_of::<SgIoHdr>() == 64);
};

/// The data phase of one `SG_IO` call.
#[derive(Debug)]
pub(crate) enum Transfer<'a> {
    /// No data phase.
    None,
    /// Device → host into the slice.
    FromDevice(&'a mut [u8]),
    /// Host → device from the slice.
    ToDevice(&'a [u8]),
}

/// Sends `cdb` with `transfer` to the SCSI device behind `fd` and waits for the outcome.
///
/// `sense` receives up to `sense.len()` (≤ 255) sense bytes; the count written is
/// [`SgIoStatus::sb_len_wr`]. `timeout_ms` is passed as `sg_io_hdr.timeout`.
///
/// `fd` must be an open SCSI block device (`/dev/srN`, `/dev/sdN`) or sg character device
/// (`/dev/sgN`); the caller checks the node type. On any other file the kernel answers
/// `ENOTTY`/`EINVAL`.
///
/// # Errors
/// The ioctl's errno (`ENODEV`, `ENXIO`, `EPERM`, `EINVAL`, `ENOMEM`, `EINTR`, …);
/// `EINVAL` without a syscall when `cdb` is empty or longer than 255 bytes, `sense` is longer
/// than 255 bytes, or the data phase exceeds `u32::MAX` bytes.
pub(crate) fn sg_io(
    fd: BorrowedFd<'_>,
    cdb: &[u8],
    transfer: Transfer<'_>,
    sense: &mut [u8],
    timeout_ms: u32,
) -> io::Result<SgIoStatus> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_owned());
    let cmd_len = u8::try_from(cdb.len()).map_err(|_| invalid("CDB longer than 255 bytes"))?;
    if cmd_len == 0 {
        return Err(invalid("empty CDB"));
    }
    let mx_sb_len =
        u8::try_from(sense.len()).map_err(|_| invalid("sense buffer longer than 255 bytes"))?;
    let (dxfer_direction, dxferp, len): (i32, *mut core::ffi::c_void, usize) = match transfer {
        Transfer::None => (SG_DXFER_NONE, ptr::null_mut(), 0),
        Transfer::FromDevice([]) => (SG_DXFER_NONE, ptr::null_mut(), 0),
        Transfer::ToDevice([]) => (SG_DXFER_NONE, ptr::null_mut(), 0),
        Transfer::FromDevice(buf) => (SG_DXFER_FROM_DEV, buf.as_mut_ptr().cast(), buf.len()),
        // The kernel only reads a TO_DEV buffer; the header's member is `void *` for both
        // directions, hence the cast from a shared slice.
        Transfer::ToDevice(buf) => (SG_DXFER_TO_DEV, buf.as_ptr().cast_mut().cast(), buf.len()),
    };
    let dxfer_len =
        u32::try_from(len).map_err(|_| invalid("data phase longer than u32::MAX bytes"))?;
    let mut hdr = SgIoHdr {
        interface_id: INTERFACE_ID_SCSI,
        dxfer_direction,
        cmd_len,
        mx_sb_len,
        iovec_count: 0,
        dxfer_len,
        dxferp,
        cmdp: cdb.as_ptr(),
        sbp: sense.as_mut_ptr(),
        timeout: timeout_ms,
        flags: 0,
        pack_id: 0,
        usr_ptr: ptr::null_mut(),
        status: 0,
        masked_status: 0,
        msg_status: 0,
        sb_len_wr: 0,
        host_status: 0,
        driver_status: 0,
        resid: 0,
        duration: 0,
        info: 0,
    };
    // SAFETY: `SG_IO` takes a pointer to a `struct sg_io_hdr`, which `SgIoHdr` mirrors (layout
    // asserted above), and the kernel reads and writes it in place — the `Updater` pattern.
    // Every pointer in it is valid for the call: `cmdp` for `cmd_len` = `cdb.len()` bytes of
    // reading, `sbp` for `mx_sb_len` = `sense.len()` bytes of writing, `dxferp` for `dxfer_len`
    // bytes of writing (FROM_DEV, from a `&mut` slice) or reading (TO_DEV; the kernel does
    // not write), or null with length 0 and SG_DXFER_NONE. `iovec_count` = 0 so `dxferp` is a
    // flat buffer, not a scatter list. All borrows outlive the ioctl, which is synchronous and
    // keeps no pointer after it returns.
    let result = unsafe {
        let updater = Updater::<SG_IO, SgIoHdr>::new(&mut hdr);
        ioctl(fd, updater)
    };
    result.map_err(io::Error::from)?;
    Ok(SgIoStatus {
        status: hdr.status,
        masked_status: hdr.masked_status,
        msg_status: hdr.msg_status,
        sb_len_wr: hdr.sb_len_wr,
        host_status: hdr.host_status,
        driver_status: hdr.driver_status,
        resid: hdr.resid,
        duration_ms: hdr.duration,
        info: hdr.info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn sg_io_regular_file_fails_without_touching_buffers() {
        // A regular file has no SG_IO: the kernel answers ENOTTY (or EINVAL), never success.
        let file = tempfile::tempfile().expect("tempfile");
        let mut data = [0xa5u8; 36];
        let mut sense = [0xa5u8; 64];
        let err = sg_io(
            file.as_fd(),
            &[0x12, 0, 0, 0, 36, 0],
            Transfer::FromDevice(&mut data),
            &mut sense,
            1000,
        )
        .expect_err("SG_IO on a regular file");
        assert!(
            matches!(err.raw_os_error(), Some(e) if e == enotty() || e == 22),
            "{err:?}"
        );
        assert!(data.iter().all(|&b| b == 0xa5));
        assert!(sense.iter().all(|&b| b == 0xa5));
    }

    #[test]
    fn sg_io_oversized_cdb_is_refused_before_the_syscall() {
        let file = tempfile::tempfile().expect("tempfile");
        let cdb = [0u8; 256];
        let mut sense = [0u8; 64];
        let err = sg_io(file.as_fd(), &cdb, Transfer::None, &mut sense, 1000).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = sg_io(file.as_fd(), &[], Transfer::None, &mut sense, 1000).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    fn enotty() -> i32 {
        rustix::io::Errno::NOTTY.raw_os_error()
    }
}
