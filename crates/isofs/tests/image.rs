//! Builds images from synthetic trees and checks them with xorriso and isoinfo.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{
    have_tool, have_xorriso, pattern, pvd_volume_space_blocks, run, snapshot, xorriso_extract,
    xorriso_find, Node,
};
use discmaster_isofs::{
    build_image, build_image_with_report, IsoError, IsoOptions, SkipReason, BLOCK_BYTES,
};

const LONG_NAME: &str =
    "a very long file name that goes well beyond the eight dot three limit.markdown";
const BIG_LEN: usize = 3 * 1024 * 1024 + 123;

/// A tree with nested dirs, long and mixed-case names, 8.3 collisions (files and
/// directories), dotfiles, a 3 MiB file, an empty file, an empty directory, unicode
/// (BMP and non-BMP) names and symlinks (one dangling).
fn make_tree(root: &Path) {
    let write = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
    };
    write("README.txt", b"read me\n");
    write("Mixed Case Name.TXT", b"Mixed\n");
    write(LONG_NAME, b"long name\n");
    write("longfilename1.txt", b"one\n");
    write("longfilename2.txt", b"two\n");
    write("empty.bin", b"");
    write("big.bin", &pattern(BIG_LEN, 0x1234_5678));
    write("it's a quote.txt", b"quote\n");
    write("docs/Nested/Deeper/leaf.TXT", b"leaf\n");
    write("unicodé/日本語のファイル名.txt", "日本語\n".as_bytes());
    write("unicodé/ñandú 😀.txt", "emoji\n".as_bytes());
    write("exec.sh", b"#!/bin/sh\necho hi\n");
    write(".hidden", b"dotfile\n");
    write(".config/settings.ini", b"[a]\n");
    write("x", b"single character name\n");
    // Both directories map to the level 1 name DIRECTOR.
    write("Directory One/a.txt", b"1\n");
    write("directory two/a.txt", b"2\n");
    fs::create_dir(root.join("Empty Dir")).expect("mkdir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(root.join("exec.sh"), fs::Permissions::from_mode(0o755))
            .expect("chmod");
        std::os::unix::fs::symlink("README.txt", root.join("link-to-readme")).expect("symlink");
        std::os::unix::fs::symlink("does/not/exist", root.join("dangling")).expect("symlink");
    }
}

/// Builds the synthetic tree and its image; returns (tempdir, source, image).
fn build_default() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("src");
    fs::create_dir(&source).expect("mkdir");
    make_tree(&source);
    let image = dir.path().join("out.iso");
    build_image(&source, &image, &IsoOptions::default()).expect("build");
    (dir, source, image)
}

#[test]
fn image_synthetic_tree_xorriso_lists_every_rock_ridge_name() {
    if !have_xorriso() {
        return;
    }
    let (_dir, source, image) = build_default();
    let expected: Vec<String> = snapshot(&source, false).into_keys().collect();
    assert_eq!(xorriso_find(&image, None), expected);
}

#[test]
fn image_synthetic_tree_extracts_byte_identical_files_and_links() {
    if !have_xorriso() {
        return;
    }
    let (dir, source, image) = build_default();
    let extracted = dir.path().join("extracted");
    xorriso_extract(&image, &extracted);

    let original = snapshot(&source, true);
    let copy = snapshot(&extracted, true);
    assert_eq!(
        copy.keys().collect::<Vec<_>>(),
        original.keys().collect::<Vec<_>>()
    );
    for (path, node) in &original {
        assert_eq!(
            copy.get(path),
            Some(node),
            "{path} differs after extraction"
        );
    }
    assert!(matches!(original.get("/big.bin"), Some(Node::File(len, _)) if *len == BIG_LEN as u64));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(extracted.join("exec.sh"))
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755, "Rock Ridge PX keeps the mode");
    }
}

/// The Joliet name hadris records: at most 64 UCS-2 characters, non-BMP as `_`.
fn joliet_component(name: &str) -> String {
    name.chars()
        .take(64)
        .map(|c| if (c as u32) > 0xFFFF { '_' } else { c })
        .collect()
}

#[test]
fn image_synthetic_tree_has_joliet_tree_with_unicode_names() {
    if !have_xorriso() {
        return;
    }
    let (_dir, source, image) = build_default();
    let expected: Vec<String> = snapshot(&source, false)
        .into_keys()
        .map(|path| {
            path.split('/')
                .map(joliet_component)
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(xorriso_find(&image, Some("norock")), expected);

    if have_tool("isoinfo", "-version") {
        let descriptors = run("isoinfo", &["-d", "-i", image.to_str().expect("utf-8")]);
        assert!(
            descriptors.contains("Joliet with UCS level 3 found"),
            "{descriptors}"
        );
        assert!(
            descriptors.contains("Rock Ridge signatures version 1 found"),
            "{descriptors}"
        );
    }
}

#[test]
fn image_synthetic_tree_primary_names_are_unique_level1_names() {
    if !have_xorriso() {
        return;
    }
    let (_dir, source, image) = build_default();
    let primary = xorriso_find(&image, Some("ecma119"));
    assert_eq!(primary.len(), snapshot(&source, false).len());
    for path in &primary {
        let name = path.rsplit('/').next().expect("non-empty");
        let (stem, extension) = name.split_once('.').unwrap_or((name, ""));
        let d_chars = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        };
        assert!(
            stem.len() <= 8
                && !(stem.is_empty() && extension.is_empty())
                && extension.len() <= 3
                && d_chars(stem)
                && d_chars(extension),
            "{path} is not an ISO 9660 level 1 name"
        );
    }
    // `longfilename1.txt` and `longfilename2.txt` both map to LONGFILE.TXT, and
    // `Directory One`, `directory two` to DIRECTOR: the writer adds `_1` suffixes.
    let root_names: BTreeSet<&str> = primary
        .iter()
        .filter(|p| p.matches('/').count() == 1)
        .map(String::as_str)
        .collect();
    assert_eq!(
        root_names.len(),
        primary
            .iter()
            .filter(|p| p.matches('/').count() == 1)
            .count()
    );
}

#[test]
fn image_size_is_whole_blocks_and_equals_volume_space_size() {
    let (_dir, _source, image) = build_default();
    let len = fs::metadata(&image).expect("stat").len();
    assert_eq!(len % BLOCK_BYTES, 0);
    assert_eq!(
        u64::from(pvd_volume_space_blocks(&image)) * BLOCK_BYTES,
        len
    );
    assert!(len > BIG_LEN as u64);
}

#[test]
fn image_build_returns_size_of_written_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_tree(dir.path());
    let image = tempfile::tempdir().expect("tempdir");
    let output = image.path().join("x.iso");
    let size = build_image(dir.path(), &output, &IsoOptions::default()).expect("build");
    assert_eq!(size, fs::metadata(&output).expect("stat").len());
    // No temporary file is left next to the output.
    let names: Vec<_> = fs::read_dir(image.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("x.iso")]);
}

#[test]
fn image_build_leaves_source_unmodified() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("src");
    fs::create_dir(&source).expect("mkdir");
    make_tree(&source);
    let stat = |path: &Path| {
        let meta = fs::symlink_metadata(path).expect("lstat");
        (
            meta.len(),
            meta.modified().expect("mtime"),
            meta.permissions(),
        )
    };
    let before = snapshot(&source, true);
    let stats_before: Vec<_> = before.keys().map(|p| stat(&source.join(&p[1..]))).collect();
    build_image(&source, &dir.path().join("out.iso"), &IsoOptions::default()).expect("build");
    let after = snapshot(&source, true);
    let stats_after: Vec<_> = after.keys().map(|p| stat(&source.join(&p[1..]))).collect();
    assert_eq!(before, after);
    assert_eq!(stats_before, stats_after);
}

#[test]
fn image_volume_id_is_sanitized_into_primary_descriptor() {
    if !have_xorriso() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("a.txt"), b"a").expect("write");
    let image = tempfile::NamedTempFile::new().expect("temp");
    let options = IsoOptions {
        volume_id: "My Backup: 2024-05".to_owned(),
        ..IsoOptions::default()
    };
    let report = build_image_with_report(dir.path(), image.path(), &options).expect("build");
    assert_eq!(report.volume_id, "MY_BACKUP__2024_05");
    let info = run(
        "xorriso",
        &["-indev", image.path().to_str().expect("utf-8"), "-pvd_info"],
    );
    assert!(info.contains("Volume Id    : MY_BACKUP__2024_05"), "{info}");
}

#[test]
fn image_without_rock_ridge_skips_symlinks_and_reports_them() {
    if !have_xorriso() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("src");
    fs::create_dir(&source).expect("mkdir");
    make_tree(&source);
    let image = dir.path().join("out.iso");
    let options = IsoOptions {
        rock_ridge: false,
        ..IsoOptions::default()
    };
    let report = build_image_with_report(&source, &image, &options).expect("build");
    let mut skipped: Vec<_> = report
        .skipped
        .iter()
        .map(|s| {
            (
                s.path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .to_owned(),
                s.reason,
            )
        })
        .collect();
    skipped.sort();
    assert_eq!(
        skipped,
        vec![
            ("dangling".to_owned(), SkipReason::SymlinkWithoutRockRidge),
            (
                "link-to-readme".to_owned(),
                SkipReason::SymlinkWithoutRockRidge
            ),
        ]
    );
    assert_eq!(report.symlinks, 0);
    // No Rock Ridge: xorriso falls back to the Joliet tree, which lacks the links.
    let listing = xorriso_find(&image, None);
    assert!(listing.contains(&"/README.txt".to_owned()), "{listing:?}");
    assert!(!listing.iter().any(|p| p.contains("link-to-readme")));
    if have_tool("isoinfo", "-version") {
        let descriptors = run("isoinfo", &["-d", "-i", image.to_str().expect("utf-8")]);
        assert!(
            descriptors.contains("NO Rock Ridge present"),
            "{descriptors}"
        );
    }
}

#[test]
fn image_without_joliet_has_no_supplementary_descriptor() {
    if !have_tool("isoinfo", "-version") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("a.txt"), b"a").expect("write");
    let image = tempfile::NamedTempFile::new().expect("temp");
    let options = IsoOptions {
        joliet: false,
        ..IsoOptions::default()
    };
    build_image(dir.path(), image.path(), &options).expect("build");
    let descriptors = run(
        "isoinfo",
        &["-d", "-i", image.path().to_str().expect("utf-8")],
    );
    assert!(descriptors.contains("NO Joliet present"), "{descriptors}");
    assert!(
        descriptors.contains("Rock Ridge signatures version 1 found"),
        "{descriptors}"
    );
}

#[test]
fn image_output_inside_source_is_never_included() {
    if !have_xorriso() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("a.txt"), b"a").expect("write");
    let image = dir.path().join("out.iso");
    let first = build_image_with_report(dir.path(), &image, &IsoOptions::default()).expect("build");
    assert_eq!(first.files, 1);
    assert_eq!(
        first.skipped.len(),
        1,
        "the temporary image file: {:?}",
        first.skipped
    );
    assert_eq!(first.skipped[0].reason, SkipReason::OutputImage);

    let second =
        build_image_with_report(dir.path(), &image, &IsoOptions::default()).expect("rebuild");
    assert_eq!(second.files, 1);
    assert_eq!(second.skipped.len(), 2, "{:?}", second.skipped);
    assert!(second
        .skipped
        .iter()
        .all(|s| s.reason == SkipReason::OutputImage));
    assert_eq!(xorriso_find(&image, None), vec!["/a.txt".to_owned()]);
}

#[test]
fn image_deep_tree_with_rock_ridge_is_relocated_and_readable() {
    if !have_xorriso() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("src");
    let deep = source.join("d1/d2/d3/d4/d5/d6/d7/d8/d9/d10");
    fs::create_dir_all(&deep).expect("mkdir");
    fs::write(deep.join("deep.txt"), b"deep\n").expect("write");
    let image = dir.path().join("out.iso");
    build_image(&source, &image, &IsoOptions::default()).expect("build");
    // d8 (level 9 counting the root) is moved to /rr_moved with RE/CL/PL; Rock Ridge
    // readers show it in place, and the (then empty) /rr_moved directory stays visible.
    let mut expected: Vec<String> = snapshot(&source, false).into_keys().collect();
    expected.push("/rr_moved".to_owned());
    expected.sort();
    assert_eq!(xorriso_find(&image, None), expected);
    // The Joliet tree keeps the full hierarchy (plus a second copy under /rr_moved).
    let joliet = xorriso_find(&image, Some("norock"));
    assert!(
        joliet.contains(&"/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/deep.txt".to_owned()),
        "{joliet:?}"
    );
    let extracted = dir.path().join("x");
    xorriso_extract(&image, &extracted);
    assert_eq!(
        fs::read(extracted.join("d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/deep.txt")).expect("read"),
        b"deep\n"
    );
}

#[test]
fn image_deep_tree_without_rock_ridge_fails_naming_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("src");
    fs::create_dir_all(source.join("d1/d2/d3/d4/d5/d6/d7/d8/d9")).expect("mkdir");
    let output = dir.path().join("out.iso");
    let options = IsoOptions {
        rock_ridge: false,
        ..IsoOptions::default()
    };
    let error = build_image(&source, &output, &options).expect_err("too deep");
    assert!(
        matches!(&error, IsoError::TooDeep { path } if path.ends_with("d1/d2/d3/d4/d5/d6/d7/d8")),
        "{error:?}"
    );
    assert!(error.to_string().contains("d8"), "{error}");
    assert!(!output.exists());
}

#[test]
fn image_missing_source_fails_with_source_not_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope");
    let error = build_image(
        &missing,
        &dir.path().join("out.iso"),
        &IsoOptions::default(),
    )
    .expect_err("missing source");
    assert!(
        matches!(
            error,
            IsoError::SourceNotDirectory {
                source: Some(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("nope"));
    assert_eq!(error.code(), discmaster_isofs::codes::DIR_NOT_FOUND);
}

#[test]
fn image_output_in_missing_directory_fails_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("a.txt"), b"a").expect("write");
    let output = dir.path().join("no/such/dir/out.iso");
    let error = build_image(dir.path(), &output, &IsoOptions::default()).expect_err("no dir");
    assert!(
        matches!(&error, IsoError::CreateOutput { path, .. } if path == &output),
        "{error:?}"
    );
    assert!(!dir.path().join("no").exists());
}

#[test]
fn image_existing_output_is_kept_when_build_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("src");
    fs::create_dir_all(source.join("d1/d2/d3/d4/d5/d6/d7/d8/d9")).expect("mkdir");
    let output = dir.path().join("out.iso");
    fs::write(&output, b"previous image").expect("write");
    let options = IsoOptions {
        rock_ridge: false,
        ..IsoOptions::default()
    };
    build_image(&source, &output, &options).expect_err("too deep");
    assert_eq!(fs::read(&output).expect("read"), b"previous image");
    assert_eq!(
        fs::read_dir(dir.path()).expect("ls").count(),
        2,
        "no temporary left"
    );
}

#[cfg(unix)]
#[test]
fn image_unreadable_file_fails_naming_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("src");
    fs::create_dir(&source).expect("mkdir");
    let secret = source.join("secret.txt");
    fs::write(&secret, b"secret").expect("write");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).expect("chmod");
    if fs::File::open(&secret).is_ok() {
        println!("SKIPPED: running as root, mode 000 does not prevent reading");
        return;
    }
    let output = dir.path().join("out.iso");
    let error = build_image(&source, &output, &IsoOptions::default()).expect_err("unreadable");
    assert!(
        matches!(&error, IsoError::ReadFile { path, .. } if path == &secret),
        "{error:?}"
    );
    assert!(error.to_string().contains("secret.txt"), "{error}");
    assert!(!output.exists());
}

#[cfg(unix)]
#[test]
fn image_fifo_is_skipped_and_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("src");
    fs::create_dir(&source).expect("mkdir");
    fs::write(source.join("a.txt"), b"a").expect("write");
    let status = std::process::Command::new("mkfifo")
        .arg(source.join("pipe"))
        .status();
    if !status.map(|s| s.success()).unwrap_or(false) {
        println!("SKIPPED: mkfifo");
        return;
    }
    let report =
        build_image_with_report(&source, &dir.path().join("out.iso"), &IsoOptions::default())
            .expect("build");
    assert_eq!(report.files, 1);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].reason, SkipReason::SpecialFile);
    assert!(report.skipped[0].path.ends_with("pipe"));
}
