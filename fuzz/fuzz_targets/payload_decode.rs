//! Payload decoding: never panics; whatever decodes re-encodes to the same bytes
//! (the encoding is canonical), and the manifest `restore --format toml`
//! writes of it parses back to the same backup (a reprint is the same backup,
//! with the same fingerprint).
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::format::{compact, payload};
use paperseed::secret::{export, manifest};

fuzz_target!(|data: &[u8]| {
    if let Ok(backup) = payload::decode(data) {
        // Schema 2 (integer keys) or schema 1 (text keys), each canonical.
        let again = if compact::is_compact(data) { compact::encode(&backup) } else { payload::encode(&backup) };
        assert_eq!(again, data);
        let toml = manifest::to_toml(&backup);
        let reread = manifest::parse(&toml, std::path::Path::new("/nonexistent"));
        assert_eq!(reread.as_ref().ok(), Some(&backup), "{toml}");
        let _ = (export::to_text(&backup), export::to_json(&backup));
    }
});
