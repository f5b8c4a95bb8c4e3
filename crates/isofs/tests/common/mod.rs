//! Helpers shared by the integration tests: xorriso/isoinfo runners, tree snapshots.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// True if `tool` can be run; otherwise prints `SKIPPED: <tool>` (STYLE.md, Tests).
pub fn have_tool(tool: &str, version_arg: &str) -> bool {
    let found = Command::new(tool)
        .arg(version_arg)
        .output()
        .map(|out| out.status.success() || !out.stdout.is_empty() || !out.stderr.is_empty())
        .unwrap_or(false);
    if !found {
        println!("SKIPPED: {tool}");
    }
    found
}

/// True if xorriso is installed (prints `SKIPPED: xorriso` if not).
pub fn have_xorriso() -> bool {
    have_tool("xorriso", "-version")
}

/// Runs a command and returns its stdout; panics with stderr on failure.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

/// Decodes one path as printed by `xorriso -find`: shell quoting, i.e. `'...'` segments
/// joined with `"'"` for embedded single quotes.
pub fn unquote_xorriso(line: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = line.chars();
    let mut saw_quote = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                saw_quote = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '"' => {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    out.push(c);
                }
            }
            _ => return None,
        }
    }
    saw_quote.then_some(out)
}

/// Paths listed by `xorriso [extra args] -indev IMG -find /`, without the root `/`.
pub fn xorriso_find(image: &Path, read_fs: Option<&str>) -> Vec<String> {
    let image = image.to_str().expect("utf-8 temp path");
    let mut args = Vec::new();
    if let Some(mode) = read_fs {
        args.extend(["-read_fs", mode]);
    }
    args.extend(["-indev", image, "-find", "/"]);
    let listing = run("xorriso", &args);
    let mut paths: Vec<String> = listing
        .lines()
        .filter_map(unquote_xorriso)
        .filter(|p| p != "/")
        .collect();
    paths.sort();
    paths
}

/// Extracts the whole image (Rock Ridge view) into `into`, which must not exist.
pub fn xorriso_extract(image: &Path, into: &Path) {
    run(
        "xorriso",
        &[
            "-osirrox",
            "on",
            "-indev",
            image.to_str().expect("utf-8 temp path"),
            "-extract",
            "/",
            into.to_str().expect("utf-8 temp path"),
        ],
    );
}

/// One entry of a tree snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Dir,
    /// Length and, if `with_contents`, the bytes.
    File(u64, Option<Vec<u8>>),
    Symlink(PathBuf),
    Other,
}

/// Every entry below `root` as `"/relative/path"` → node (symlinks not followed).
pub fn snapshot(root: &Path, with_contents: bool) -> BTreeMap<String, Node> {
    fn walk(root: &Path, dir: &Path, with_contents: bool, out: &mut BTreeMap<String, Node>) {
        for entry in fs::read_dir(dir).expect("read_dir") {
            let entry = entry.expect("dir entry");
            let path = entry.path();
            let rel = path.strip_prefix(root).expect("below root");
            let key = format!("/{}", rel.to_str().expect("utf-8 name"));
            let meta = fs::symlink_metadata(&path).expect("lstat");
            let node = if meta.is_dir() {
                walk(root, &path, with_contents, out);
                Node::Dir
            } else if meta.is_file() {
                let bytes = with_contents.then(|| fs::read(&path).expect("read file"));
                Node::File(meta.len(), bytes)
            } else if meta.file_type().is_symlink() {
                Node::Symlink(fs::read_link(&path).expect("readlink"))
            } else {
                Node::Other
            };
            out.insert(key, node);
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, with_contents, &mut out);
    out
}

/// Deterministic pseudo-random bytes (xorshift64), so that misplaced blocks show up.
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Reads the volume space size (blocks) of the primary volume descriptor at LBA 16
/// (ECMA-119 §8.4.8: bytes 80..84, little-endian half of a both-endian u32).
pub fn pvd_volume_space_blocks(image: &Path) -> u32 {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = fs::File::open(image).expect("open image");
    file.seek(SeekFrom::Start(16 * 2048))
        .expect("seek to LBA 16");
    let mut pvd = [0u8; 2048];
    file.read_exact(&mut pvd).expect("read PVD");
    assert_eq!(pvd[0], 1, "descriptor type 1 = primary");
    assert_eq!(&pvd[1..6], b"CD001");
    u32::from_le_bytes([pvd[80], pvd[81], pvd[82], pvd[83]])
}
