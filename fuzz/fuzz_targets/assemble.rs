//! Assembly of arbitrary code texts (one per line): never panics, and a
//! restored payload always matches its checksum.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::assemble::{Outcome, Sighting, assemble};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let report = assemble(text.lines().take(64).map(|l| Sighting { text: l.to_string(), source: "fuzz".into() }));
    for set in report.sets {
        if let Outcome::Restored { payload, .. } = set.outcome {
            // v1: the whole checksum is in the frame; v2: its first 4 bytes (the set id).
            let sum = paperseed::format::checksum(&payload);
            if set.set.version == 1 {
                assert_eq!(sum, set.set.checksum);
            } else {
                assert_eq!(sum[..4], set.set.checksum[..4]);
            }
            let _ = paperseed::format::payload::decode(&payload);
        }
    }
});
