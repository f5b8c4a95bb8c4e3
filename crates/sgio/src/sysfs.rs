//! Drive discovery and identity from sysfs, and mount lookup from `/proc/self/mountinfo`.
//!
//! Layout read (Linux ABI, `Documentation/ABI/stable/sysfs-class-scsi_device` and
//! `sysfs-dev`):
//!
//! * `/sys/class/scsi_device/H:C:T:L/device/` — the SCSI device: `type` (peripheral device
//!   type, decimal, 5 = CD/DVD), `vendor`, `model`, `rev` (INQUIRY strings, space padded);
//!   children `block/srN/` and `scsi_generic/sgN/` (older kernels: links `block:srN`,
//!   `scsi_generic:sgN`), each with a `uevent` naming `DEVNAME=` and a `dev` of `MAJOR:MINOR`.
//! * `/sys/dev/{block,char}/MAJOR:MINOR/device` — link from a device number to its SCSI
//!   device directory, whose name is `H:C:T:L`.
//!
//! Every function takes the sysfs root as a parameter so tests run against a fake tree.
//! Missing or unreadable files make a device's field empty, never an error: enumeration
//! reports what it can.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A SCSI address `H:C:T:L`: host, channel, target id, LUN.
pub type ScsiAddress = (u32, u32, u32, u32);

/// Peripheral device type of a CD/DVD/BD (MMC) device (SPC-4 §6.6.2, reference `mmc.md`
/// §1.4).
pub(crate) const PERIPHERAL_TYPE_MMC: u8 = 0x05;

/// One CD/DVD/BD drive the kernel's SCSI subsystem knows, as sysfs describes it.
///
/// Shape: the SCSI address plus the INQUIRY identity the kernel cached at scan time and the
/// device nodes of the `sr` (block) and `sg` (SCSI generic) drivers, each `None` when that
/// driver is not bound.
///
/// Spec: sysfs ABI `/sys/class/scsi_device` (no T10 section); identity fields are SPC-4
/// §6.6.2 INQUIRY data (reference `mmc.md` §1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Block node of the `sr` driver (`/dev/sr0`), from `block/srN/uevent` `DEVNAME`.
    pub sr_path: Option<PathBuf>,
    /// Character node of the `sg` driver (`/dev/sg0`).
    pub sg_path: Option<PathBuf>,
    /// INQUIRY vendor identification, trailing spaces removed.
    #[doc(alias = "VendorId")]
    pub vendor: String,
    /// INQUIRY product identification, trailing spaces removed.
    #[doc(alias = "ProductId")]
    pub model: String,
    /// INQUIRY product revision level, trailing spaces removed.
    #[doc(alias = "ProductRevision")]
    pub revision: String,
    /// `(host, channel, target, lun)`.
    pub scsi_address: ScsiAddress,
}

impl DeviceInfo {
    /// The node to open: the `sr` node when bound, else the `sg` node.
    pub fn path(&self) -> Option<&Path> {
        self.sr_path.as_deref().or(self.sg_path.as_deref())
    }

    /// The address as `H:C:T:L` text.
    pub fn scsi_address_text(&self) -> String {
        let (h, c, t, l) = self.scsi_address;
        format!("{h}:{c}:{t}:{l}")
    }
}

/// Lists the CD/DVD/BD drives (peripheral device type 5) the kernel's SCSI subsystem knows,
/// sorted by SCSI address.
///
/// Shape: one [`DeviceInfo`] per `/sys/class/scsi_device/*` whose `device/type` is 5.
///
/// # Errors
/// An IO error reading `/sys/class/scsi_device` itself (other than "does not exist": a kernel
/// without SCSI support, or without sysfs, gives an empty list).
///
/// Spec: sysfs ABI (no T10 section).
pub fn enumerate() -> io::Result<Vec<DeviceInfo>> {
    enumerate_in(Path::new("/sys"))
}

/// [`enumerate`] with the sysfs root as a parameter; device nodes are assumed under `/dev`.
pub(crate) fn enumerate_in(sys: &Path) -> io::Result<Vec<DeviceInfo>> {
    let class = sys.join("class/scsi_device");
    let entries = match fs::read_dir(&class) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(address) = name.to_str().and_then(parse_scsi_address) else {
            continue;
        };
        let device = entry.path().join("device");
        if read_trimmed(&device.join("type")).and_then(|t| t.parse::<u8>().ok())
            != Some(PERIPHERAL_TYPE_MMC)
        {
            continue;
        }
        out.push(DeviceInfo {
            sr_path: child_node(&device, "block"),
            sg_path: child_node(&device, "scsi_generic"),
            vendor: read_trimmed(&device.join("vendor")).unwrap_or_default(),
            model: read_trimmed(&device.join("model")).unwrap_or_default(),
            revision: read_trimmed(&device.join("rev")).unwrap_or_default(),
            scsi_address: address,
        });
    }
    out.sort_by_key(|d| d.scsi_address);
    Ok(out)
}

/// Parses `H:C:T:L` (four decimal numbers separated by colons).
pub(crate) fn parse_scsi_address(text: &str) -> Option<ScsiAddress> {
    let mut it = text.split(':').map(|p| p.parse::<u32>().ok());
    let address = (it.next()??, it.next()??, it.next()??, it.next()??);
    if it.next().is_some() {
        return None;
    }
    Some(address)
}

/// Kind of device node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    /// Block device (`sr`, `sd`).
    Block,
    /// Character device (`sg`).
    Char,
}

/// The SCSI device directory behind a device number:
/// `SYS/dev/{block,char}/MAJOR:MINOR/device`, canonicalised.
pub(crate) fn scsi_device_dir(
    sys: &Path,
    kind: NodeKind,
    major: u32,
    minor: u32,
) -> Option<PathBuf> {
    let class = match kind {
        NodeKind::Block => "block",
        NodeKind::Char => "char",
    };
    fs::canonicalize(sys.join(format!("dev/{class}/{major}:{minor}/device"))).ok()
}

/// The SCSI address of a SCSI device directory: its name.
pub(crate) fn address_of_dir(dir: &Path) -> Option<ScsiAddress> {
    dir.file_name()?.to_str().and_then(parse_scsi_address)
}

/// `MAJOR:MINOR` of the block device (`sr`) bound to the SCSI device directory `dir`.
pub(crate) fn block_dev_of(dir: &Path) -> Option<(u32, u32)> {
    let class_dir = child_dirs(dir, "block").into_iter().next()?;
    let text = read_trimmed(&class_dir.join("dev"))?;
    let (major, minor) = text.split_once(':')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The `/dev` node of the first device of `subsystem` (`block`, `scsi_generic`) under the
/// SCSI device directory `device`.
fn child_node(device: &Path, subsystem: &str) -> Option<PathBuf> {
    let dir = child_dirs(device, subsystem).into_iter().next()?;
    let uevent = fs::read_to_string(dir.join("uevent")).unwrap_or_default();
    let devname = uevent
        .lines()
        .find_map(|l| l.strip_prefix("DEVNAME="))
        .map(str::to_owned)
        .or_else(|| dir.file_name()?.to_str().map(str::to_owned))?;
    Some(Path::new("/dev").join(devname))
}

/// Class-device directories of `subsystem` under `device`, sorted: the entries of
/// `device/SUBSYSTEM/` (current layout) or `device/SUBSYSTEM:NAME` links (sysfs before the
/// class directories were grouped).
fn child_dirs(device: &Path, subsystem: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match fs::read_dir(device.join(subsystem)) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => {
            let prefix = format!("{subsystem}:");
            fs::read_dir(device)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                        .map(|e| e.path())
                        .collect()
                })
                .unwrap_or_default()
        }
    };
    out.sort();
    out
}

/// A sysfs attribute without trailing whitespace and padding; `None` when unreadable.
fn read_trimmed(path: &Path) -> Option<String> {
    let text = fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&text).trim().to_owned())
}

/// The mount point of the first file system mounted from block device `MAJOR:MINOR`, from
/// the text of `/proc/self/mountinfo` (field 3 is `MAJOR:MINOR`, field 5 the mount point
/// with `\ooo` octal escapes).
pub(crate) fn mount_point_in(mountinfo: &str, major: u32, minor: u32) -> Option<PathBuf> {
    let want = format!("{major}:{minor}");
    mountinfo.lines().find_map(|line| {
        let mut fields = line.split(' ');
        let dev = fields.nth(2)?;
        let _root = fields.next()?;
        let mount_point = fields.next()?;
        (dev == want).then(|| PathBuf::from(unescape_octal(mount_point)))
    })
}

/// `/proc/self/mountinfo` lookup for `MAJOR:MINOR`; `None` when not mounted or unreadable.
pub(crate) fn mount_point(major: u32, minor: u32) -> Option<PathBuf> {
    let text = fs::read_to_string("/proc/self/mountinfo").ok()?;
    mount_point_in(&text, major, minor)
}

/// Undoes the kernel's `\ooo` escaping of space, tab, newline and backslash.
fn unescape_octal(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if let Some(d) = bytes.get(i + 1..i + 4) {
                if d.iter().all(|b| (b'0'..=b'7').contains(b)) {
                    let v = u32::from(d[0] - b'0') * 64
                        + u32::from(d[1] - b'0') * 8
                        + u32::from(d[2] - b'0');
                    if let Ok(v) = u8::try_from(v) {
                        out.push(v);
                        i += 4;
                        continue;
                    }
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// Writes `text` to `dir/name`, creating `dir`.
    fn put(dir: &Path, name: &str, text: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(name), text).unwrap();
    }

    /// A fake sysfs: 0:0:0:0 a DVD recorder with sr0 + sg0 (current layout, device dir
    /// reached through symlinks as on a real system), 1:0:0:0 a disk (type 0) with sda + sg1,
    /// 2:0:1:0 a CD drive in the old `block:sr1` link layout without an sg node.
    fn fake_sysfs() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let sys = tmp.path();
        let dvd = sys.join("devices/pci0000:00/host0/target0:0:0/0:0:0:0");
        put(&dvd, "type", "5\n");
        put(&dvd, "vendor", "STGT_DVD\n");
        put(&dvd, "model", "DVD101          \n");
        put(&dvd, "rev", "0010\n");
        put(
            &dvd.join("block/sr0"),
            "uevent",
            "MAJOR=11\nMINOR=0\nDEVNAME=sr0\nDEVTYPE=disk\n",
        );
        put(&dvd.join("block/sr0"), "dev", "11:0\n");
        put(
            &dvd.join("scsi_generic/sg0"),
            "uevent",
            "MAJOR=21\nMINOR=0\nDEVNAME=sg0\n",
        );
        let disk = sys.join("devices/pci0000:00/host1/target1:0:0/1:0:0:0");
        put(&disk, "type", "0\n");
        put(&disk, "vendor", "ATA     \n");
        put(&disk, "model", "DISK\n");
        put(&disk, "rev", "1.0\n");
        put(&disk.join("block/sda"), "uevent", "DEVNAME=sda\n");
        put(&disk.join("scsi_generic/sg1"), "uevent", "DEVNAME=sg1\n");
        let cd = sys.join("devices/platform/host2/target2:0:1/2:0:1:0");
        put(&cd, "type", "5\n");
        put(&cd, "vendor", "HL-DT-ST\n");
        put(&cd, "model", "DVDRAM GH24NSD1 \n");
        put(&cd, "rev", "LG00\n");
        let old_sr = sys.join("class-old/sr1");
        put(&old_sr, "uevent", "DEVNAME=sr1\n");
        symlink(&old_sr, cd.join("block:sr1")).unwrap();

        let class = sys.join("class/scsi_device");
        for (name, dir) in [("0:0:0:0", &dvd), ("1:0:0:0", &disk), ("2:0:1:0", &cd)] {
            fs::create_dir_all(class.join(name)).unwrap();
            symlink(dir, class.join(name).join("device")).unwrap();
        }
        // /sys/dev/{block,char}/M:m/device links for sr0 (11:0) and sg0 (21:0).
        for (node, dir) in [("block/11:0", &dvd), ("char/21:0", &dvd)] {
            fs::create_dir_all(sys.join("dev").join(node)).unwrap();
            symlink(dir, sys.join("dev").join(node).join("device")).unwrap();
        }
        // A stray entry that is not an address is skipped.
        fs::create_dir_all(class.join("not-an-address")).unwrap();
        tmp
    }

    #[test]
    fn enumerate_fake_sysfs_lists_only_mmc_devices_sorted() {
        let tmp = fake_sysfs();
        let list = enumerate_in(tmp.path()).unwrap();
        assert_eq!(
            list,
            vec![
                DeviceInfo {
                    sr_path: Some(PathBuf::from("/dev/sr0")),
                    sg_path: Some(PathBuf::from("/dev/sg0")),
                    vendor: "STGT_DVD".into(),
                    model: "DVD101".into(),
                    revision: "0010".into(),
                    scsi_address: (0, 0, 0, 0),
                },
                DeviceInfo {
                    sr_path: Some(PathBuf::from("/dev/sr1")),
                    sg_path: None,
                    vendor: "HL-DT-ST".into(),
                    model: "DVDRAM GH24NSD1".into(),
                    revision: "LG00".into(),
                    scsi_address: (2, 0, 1, 0),
                },
            ]
        );
        assert_eq!(list[0].path(), Some(Path::new("/dev/sr0")));
        assert_eq!(list[1].scsi_address_text(), "2:0:1:0");
    }

    #[test]
    fn enumerate_without_scsi_subsystem_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(enumerate_in(tmp.path()).unwrap(), Vec::new());
    }

    #[test]
    fn enumerate_missing_attributes_give_empty_strings() {
        let tmp = tempfile::tempdir().unwrap();
        let dev = tmp.path().join("class/scsi_device/3:0:0:0/device");
        put(&dev, "type", "5");
        let list = enumerate_in(tmp.path()).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].vendor, "");
        assert_eq!(list[0].sr_path, None);
        assert_eq!(list[0].path(), None);
    }

    #[test]
    fn scsi_device_dir_sr_and_sg_nodes_resolve_to_same_address() {
        let tmp = fake_sysfs();
        let sr = scsi_device_dir(tmp.path(), NodeKind::Block, 11, 0).unwrap();
        let sg = scsi_device_dir(tmp.path(), NodeKind::Char, 21, 0).unwrap();
        assert_eq!(sr, sg);
        assert_eq!(address_of_dir(&sr), Some((0, 0, 0, 0)));
        assert_eq!(block_dev_of(&sg), Some((11, 0)));
        assert_eq!(scsi_device_dir(tmp.path(), NodeKind::Char, 21, 9), None);
    }

    #[test]
    fn parse_scsi_address_accepts_only_four_numbers() {
        assert_eq!(parse_scsi_address("0:0:0:0"), Some((0, 0, 0, 0)));
        assert_eq!(parse_scsi_address("12:3:45:6"), Some((12, 3, 45, 6)));
        assert_eq!(parse_scsi_address("0:0:0"), None);
        assert_eq!(parse_scsi_address("0:0:0:0:0"), None);
        assert_eq!(parse_scsi_address("a:0:0:0"), None);
        assert_eq!(parse_scsi_address(""), None);
        assert_eq!(parse_scsi_address("target0:0:0"), None);
    }

    #[test]
    fn mount_point_in_finds_device_and_unescapes() {
        let info = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
95 22 11:0 / /media/my\\040disc ro,nosuid shared:50 - iso9660 /dev/sr0 ro
";
        assert_eq!(
            mount_point_in(info, 11, 0),
            Some(PathBuf::from("/media/my disc"))
        );
        assert_eq!(mount_point_in(info, 11, 1), None);
        assert_eq!(mount_point_in("", 11, 0), None);
        assert_eq!(mount_point_in("garbage", 11, 0), None);
    }

    #[test]
    fn unescape_octal_leaves_malformed_escapes() {
        assert_eq!(unescape_octal("a\\134b"), "a\\b");
        assert_eq!(unescape_octal("a\\9"), "a\\9");
        assert_eq!(unescape_octal("end\\04"), "end\\04");
        assert_eq!(unescape_octal("\\777"), "\\777");
    }
}
