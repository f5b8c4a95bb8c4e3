//! Prints `docs/error-codes.md` from the registry.
fn main() {
    print!("{}", discmaster_core::error_codes_markdown());
}
