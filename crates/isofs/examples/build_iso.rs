//! Builds an image: `build_iso SOURCE_DIR OUTPUT [VOLUME_ID]`; prints the report.
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(source), Some(output)) = (args.get(1), args.get(2)) else {
        return Err("usage: build_iso SOURCE_DIR OUTPUT [VOLUME_ID]".into());
    };
    let mut options = discmaster_isofs::IsoOptions::default();
    if let Some(volume_id) = args.get(3) {
        options.volume_id = volume_id.clone();
    }
    let started = std::time::Instant::now();
    let report =
        discmaster_isofs::build_image_with_report(Path::new(source), Path::new(output), &options)?;
    println!(
        "{} bytes ({} blocks), {} files ({} bytes), {} dirs, {} symlinks, {} skipped, {:.2?}",
        report.size_bytes,
        report.size_blocks(),
        report.files,
        report.file_bytes,
        report.directories,
        report.symlinks,
        report.skipped.len(),
        started.elapsed()
    );
    for skipped in &report.skipped {
        println!("skipped {:?}: {:?}", skipped.path, skipped.reason);
    }
    Ok(())
}
