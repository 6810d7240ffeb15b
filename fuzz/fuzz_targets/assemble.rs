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
            assert_eq!(paperseed::format::checksum(&payload), set.set.checksum);
            let _ = paperseed::format::payload::decode(&payload);
        }
    }
});
