//! Typed or recognised recovery-text lines (format v1 and v2), alone and
//! with code texts: checking an entry never panics, each line it accepts
//! checks again on its own as itself, and a restored payload always matches
//! its set.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::assemble::Outcome;
use paperseed::restore::{self, Located, TextRead};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = Vec::new();
    let mut codes = Vec::new();
    for (i, entry) in text.lines().take(96).enumerate() {
        if entry.starts_with("PAPERSEED") {
            codes.push(Located { text: entry.to_string(), bytes: Vec::new(), place: "fuzz".into(), ecc: None });
        } else if let Ok(read) = restore::check_typed(entry, i + 1, "fuzz") {
            // Each line accepted is a line on its own: checked again, it is itself.
            for r in &read {
                assert_eq!(restore::check_typed(&r.text, 1, "fuzz"), Ok(vec![r.clone()]), "{entry:?}");
            }
            lines.extend(read);
        }
    }
    lines.push(TextRead { text: "00 000000 000000 000000 000000".into(), place: "fuzz".into() });
    let report = restore::assemble_with_text(&codes, &lines);
    for set in report.sets {
        if let Outcome::Restored { payload, .. } = set.outcome {
            let sum = paperseed::format::checksum(&payload);
            let id = if set.set.version == 1 { 16 } else { 4 };
            assert_eq!(sum[..id], set.set.checksum[..id]);
        }
    }
});
