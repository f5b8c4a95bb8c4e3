//! `docs/error-codes.md` must be what the registry generates.
#[test]
fn error_codes_doc_is_generated_from_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/error-codes.md");
    let on_disk = std::fs::read_to_string(path).expect("docs/error-codes.md exists");
    assert_eq!(
        on_disk,
        discmaster_core::error_codes_markdown(),
        "regenerate: cargo run -p discmaster-core --example error_codes_md > docs/error-codes.md"
    );
}
