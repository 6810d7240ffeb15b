//! Payload decoding: never panics; whatever decodes re-encodes to the same bytes
//! (the encoding is canonical).
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::format::{compact, payload};

fuzz_target!(|data: &[u8]| {
    if let Ok(backup) = payload::decode(data) {
        // Schema 2 (integer keys) or schema 1 (text keys), each canonical.
        let again = if compact::is_compact(data) { compact::encode(&backup) } else { payload::encode(&backup) };
        assert_eq!(again, data);
    }
});
