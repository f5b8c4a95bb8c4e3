//! Builds an image: `build_iso SOURCE_DIR OUTPUT [VOLUME_ID]`; prints the report.
//!
//! Used to measure peak memory: `/usr/bin/time -v build_iso /usr/share/doc /tmp/doc.iso`.
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(source), Some(output)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: build_iso SOURCE_DIR OUTPUT [VOLUME_ID]");
        return ExitCode::from(2);
    };
    let mut options = discmaster_isofs::IsoOptions::default();
    if let Some(volume_id) = args.get(3) {
        options.volume_id = volume_id.clone();
    }
    let started = std::time::Instant::now();
    match discmaster_isofs::build_image_with_report(Path::new(source), Path::new(output), &options)
    {
        Ok(report) => {
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
            ExitCode::SUCCESS
        }
        Err(error) => {
            let mut message = error.to_string();
            let mut cause = std::error::Error::source(&error);
            while let Some(inner) = cause {
                message.push_str(&format!(": {inner}"));
                cause = inner.source();
            }
            eprintln!("{} {message}", error.code());
            ExitCode::FAILURE
        }
    }
}
