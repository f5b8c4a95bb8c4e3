//! Fuzz target `cue_parse`: arbitrary bytes through the CDRWIN cue sheet parser.
//!
//! Invariants: parsing never panics; a parsed sheet exports (`to_cue_bytes`) and the export
//! parses back to an equal sheet; `layout` with made-up file sizes never panics.
#![no_main]

use discmaster_cd::cue::CueSheet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sheet) = CueSheet::parse(data) else { return };
    if let Ok(bytes) = sheet.to_cue_bytes() {
        let again = CueSheet::parse(&bytes).expect("an exported sheet parses");
        assert_eq!(again, sheet, "export round trip");
    }
    let size = u64::from(data.first().copied().unwrap_or(0)) * 2352 * 75;
    let _ = sheet.layout(&|_name: &str| Some(size));
});
