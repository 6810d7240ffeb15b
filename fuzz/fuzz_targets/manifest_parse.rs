//! Manifest parsing (TOML from the user): never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let dir = std::env::temp_dir().join("paperseed-fuzz-empty");
        let _ = paperseed::secret::manifest::parse(text, &dir);
    }
});
