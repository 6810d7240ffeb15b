//! Opening an envelope (format v2, the bytes codes and text carry): never
//! panics, never inflates past its bound, and what opens matches its checksum.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::format::{checksum, envelope};

fuzz_target!(|data: &[u8]| {
    if let Ok(content) = envelope::open(data) {
        assert!(content.len() <= envelope::MAX_CONTENT);
        assert_eq!(checksum(&content)[..], data[..16]);
    }
});
