//! Builds an image of a real tree (`/usr/share/doc`) and checks it with xorriso.

mod common;

use std::fs;
use std::path::Path;
use std::time::Instant;

use common::{
    have_xorriso, pvd_volume_space_blocks, snapshot, xorriso_extract, xorriso_find, Node,
};
use discmaster_isofs::{build_image_with_report, IsoOptions, BLOCK_BYTES};

const REAL_TREE: &str = "/usr/share/doc";

#[test]
fn image_real_tree_lists_and_extracts_like_the_source() {
    if !have_xorriso() {
        return;
    }
    let source = Path::new(REAL_TREE);
    if !source.is_dir() {
        println!("SKIPPED: {REAL_TREE}");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let image = dir.path().join("doc.iso");

    let before = snapshot(source, false);
    let started = Instant::now();
    let report = build_image_with_report(source, &image, &IsoOptions::default()).expect("build");
    let build_time = started.elapsed();
    println!(
        "{REAL_TREE}: {} files ({} bytes), {} dirs, {} symlinks -> image {} bytes ({} blocks) in {build_time:.2?}",
        report.files,
        report.file_bytes,
        report.directories,
        report.symlinks,
        report.size_bytes,
        report.size_blocks()
    );
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.size_bytes % BLOCK_BYTES, 0);
    assert_eq!(
        u64::from(pvd_volume_space_blocks(&image)) * BLOCK_BYTES,
        report.size_bytes
    );

    let count = |f: fn(&Node) -> bool| before.values().filter(|n| f(n)).count() as u64;
    assert_eq!(report.files, count(|n| matches!(n, Node::File(..))));
    assert_eq!(report.directories, count(|n| matches!(n, Node::Dir)));
    assert_eq!(report.symlinks, count(|n| matches!(n, Node::Symlink(_))));

    // Every directory, regular file and symlink is listed under its Rock Ridge name.
    let started = Instant::now();
    let mut listed = xorriso_find(&image, None);
    if !before.contains_key("/rr_moved") {
        listed.retain(|p| p != "/rr_moved"); // relocation directory for > 8 levels
    }
    let expected: Vec<String> = before.keys().cloned().collect();
    assert_eq!(listed.len(), expected.len());
    assert_eq!(listed, expected);
    println!("xorriso -find: {:.2?}", started.elapsed());

    // Extract everything and compare contents and link targets.
    let started = Instant::now();
    let extracted = dir.path().join("x");
    xorriso_extract(&image, &extracted);
    println!("xorriso -extract: {:.2?}", started.elapsed());
    let mut compared_bytes = 0u64;
    for (path, node) in &before {
        let original = source.join(&path[1..]);
        let copy = extracted.join(&path[1..]);
        match node {
            Node::Dir => assert!(copy.is_dir(), "{path} missing"),
            Node::File(len, _) => {
                let a = fs::read(&original).expect("read original");
                let b = fs::read(&copy).unwrap_or_else(|e| panic!("{path}: {e}"));
                assert!(a == b, "{path} differs");
                compared_bytes += len;
            }
            Node::Symlink(target) => {
                assert_eq!(&fs::read_link(&copy).expect("readlink"), target, "{path}")
            }
            Node::Other => {}
        }
    }
    assert_eq!(compared_bytes, report.file_bytes);
    assert_eq!(snapshot(source, false), before, "source changed");
}
