//! Manifest parsing (TOML from the user): never panics; what parses is a
//! valid backup, and the manifest paperseed writes of it (`to_toml`, as
//! `restore --format toml` does) parses back to the same backup.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::secret::manifest;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let dir = std::env::temp_dir().join("paperseed-fuzz-empty");
        if let Ok(backup) = manifest::parse(text, &dir) {
            backup.validate().unwrap();
            let toml = manifest::to_toml(&backup);
            assert_eq!(manifest::parse(&toml, &dir).as_ref().ok(), Some(&backup), "{toml}");
        }
    }
});
