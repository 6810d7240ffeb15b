//! Payload decoding: never panics; whatever decodes re-encodes to the same bytes
//! (the encoding is canonical).
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::format::payload;

fuzz_target!(|data: &[u8]| {
    if let Ok(backup) = payload::decode(data) {
        assert_eq!(payload::encode(&backup), data);
    }
});
