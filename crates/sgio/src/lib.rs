//! Linux `SG_IO` transport: real CD/DVD/BD drives as [`discmaster_transport::Transport`].
//!
//! * [`SgDevice`] opens `/dev/srN` (block, `sr` driver) or `/dev/sgN` (char, `sg` driver),
//!   identifies the drive with INQUIRY (refusing anything that is not an MMC device) and sends
//!   every CDB with the sg v3 `SG_IO` ioctl. It also implements IMAPI's exclusive access
//!   (`AcquireExclusiveAccess`, `ExclusiveAccessOwner`) as a lock file shared by both nodes
//!   of a drive.
//! * [`enumerate`] lists the drives from sysfs (IMAPI `IDiscMaster2`'s enumeration).
//!
//! Invariants:
//! * CHECK CONDITION is data (STYLE rule 3): `execute` returns `Ok(Completion)` with the sense
//!   bytes the kernel wrote; only delivery failures are [`TransportError`]s (mapping table in
//!   the `outcome` module docs: `DID_NO_CONNECT`/`ENODEV`/`ENXIO` → `DeviceGone`,
//!   `DID_TIME_OUT`/`ETIMEDOUT` → `Timeout`, other host/driver codes → `Host` with their
//!   `DID_*`/`DRIVER_*` names).
//! * `unsafe` exists only in the private `sys` module (the `SG_IO` ioctl), each block with a
//!   `SAFETY` note (STYLE rule 6); the rest of the crate denies it.
//!
//! Spec: Linux sg v3 interface (`<scsi/sg.h>`), sysfs ABI; imapi2.md §2.3, §5.1, §5.9, §6.
//!
//! [`TransportError`]: discmaster_transport::TransportError
#![deny(unsafe_code)]

mod device;
mod error;
mod lock;
mod outcome;
#[allow(unsafe_code)]
mod sys;
mod sysfs;

pub use device::SgDevice;
pub use error::SgError;
pub use lock::MAX_CLIENT_NAME_BYTES;
pub use sysfs::{enumerate, DeviceInfo, ScsiAddress};
