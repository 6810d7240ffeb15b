//! The test vectors of docs/FORMAT.md §8: manifests with their exact payload,
//! fingerprint and frames, and `fail_*` inputs that must be rejected.
//!
//! `UPDATE_VECTORS=1 cargo test --test vectors` rewrites the `.json` files
//! (only after a deliberate format change, which also needs a new version).

use std::path::{Path, PathBuf};

use paperseed::assemble::{self, Outcome, Sighting};
use paperseed::format::{Fingerprint, Frame, payload};
use paperseed::secret::manifest;
use serde_json::{Value, json};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn files(prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.starts_with(prefix) && n.ends_with(suffix)
        })
        .collect();
    v.sort();
    v
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn manifests_produce_exactly_the_recorded_payload_fingerprint_and_frames() {
    let manifests = files("", ".toml");
    assert!(manifests.len() >= 3);
    for m in manifests {
        let backup = manifest::parse(&std::fs::read_to_string(&m).unwrap(), &dir()).unwrap();
        let bytes = payload::encode(&backup);
        let plan = paperseed::plan::plan(bytes.len(), None, None).unwrap();
        let frames: Vec<String> = paperseed::frames(&bytes, &plan).unwrap().iter().map(Frame::to_text).collect();
        let got = json!({
            "payload_hex": hex(&bytes),
            "fingerprint": Fingerprint::of(&bytes).to_string(),
            "k": plan.k,
            "n": plan.n,
            "ecc": plan.ecc.letter().to_string(),
            "frames": frames,
        });
        let expected_path = m.with_extension("json");
        if std::env::var_os("UPDATE_VECTORS").is_some() {
            std::fs::write(&expected_path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
        }
        let want: Value = serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
        assert_eq!(got, want, "{} no longer encodes as recorded", m.display());
        // And back: frames assemble into the payload, which decodes to the same backup.
        let report = assemble::assemble(frames.iter().map(|t| Sighting { text: t.clone(), source: "v".into() }));
        match &report.sets[0].outcome {
            Outcome::Restored { payload: p, .. } => assert_eq!(payload::decode(p).unwrap(), backup),
            other => panic!("{other:?}"),
        }
        assert_eq!(payload::decode(&unhex(want["payload_hex"].as_str().unwrap())).unwrap(), backup);
    }
}

/// `# expect: TEXT` on the first line; the rest is the input.
fn expectation(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    let expect = first.strip_prefix("# expect: ").expect("first line is `# expect: ...`").trim().to_string();
    (expect, rest.trim().to_string())
}

#[test]
fn fail_frames_are_rejected_with_the_documented_reason() {
    let cases = files("fail_", ".txt");
    assert!(cases.len() >= 6, "{cases:?}");
    for case in cases {
        let (expect, input) = expectation(&case);
        let err = Frame::parse(&input).expect_err(&format!("{} must be rejected", case.display()));
        assert!(err.to_string().contains(&expect), "{}: got {err:?}, expected {expect:?}", case.display());
    }
}

#[test]
fn fail_payloads_are_rejected_with_the_documented_reason() {
    let cases = files("fail_", ".cbor.hex");
    assert!(cases.len() >= 3, "{cases:?}");
    for case in cases {
        let (expect, input) = expectation(&case);
        let err = payload::decode(&unhex(&input)).expect_err(&format!("{} must be rejected", case.display()));
        assert!(err.to_string().contains(&expect), "{}: got {err}, expected {expect:?}", case.display());
    }
}
