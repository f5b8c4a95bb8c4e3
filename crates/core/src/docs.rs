//! Renders the registry as Markdown (`docs/error-codes.md`).

use crate::REGISTRY;

/// The Markdown table of every registered code, as checked in at `docs/error-codes.md`.
pub fn error_codes_markdown() -> String {
    let mut s = String::from(
        "# Error codes\n\n\
         Generated from `crates/core/src/codes.rs` by \
         `cargo run -p discmaster-core --example error_codes_md > docs/error-codes.md`; \
         a test fails when this file is out of date.\n\n\
         IMAPI2 values are the `imapi2error.h` header values. `0xC0AA_Fxxx` codes are discmaster's own.\n\
         Success codes (bit 31 clear) are not failures.\n\n\
         | Value | Name | Meaning |\n|---|---|---|\n",
    );
    for (code, name, meaning) in REGISTRY {
        s.push_str(&format!(
            "| `0x{:08X}` | `{}` | {} |\n",
            code.0,
            name,
            meaning.replace('|', "\\|")
        ));
    }
    s
}
