//! The test vectors of docs/FORMAT.md: manifests with their exact payload,
//! envelope, fingerprint, frames and recovery text, and `fail_*` inputs that
//! must be rejected — for format v2 (`tests/vectors/v2/`, what paperseed
//! writes) and format v1 (`tests/vectors/`, sheets of paperseed 0.1, which
//! must keep restoring).
//!
//! `UPDATE_VECTORS=1 cargo test --test it vectors::` rewrites the v2 `.json`
//! files (only after a deliberate format change, which also needs a new
//! version). The v1 files are never rewritten.

use std::path::{Path, PathBuf};

use paperseed::assemble::{self, Outcome, Sighting};
use paperseed::format::{self, Fingerprint, Frame, PayloadKind, SetKey, compact, envelope, payload};
use paperseed::restore::{self, TextRead};
use paperseed::secret::manifest;
use serde_json::{Value, json};

fn dir(version: u8) -> PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    if version == 1 { base } else { base.join("v2") }
}

fn files(version: u8, prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir(version))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            p.is_file() && n.starts_with(prefix) && n.ends_with(suffix)
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

fn sightings(frames: &[String]) -> Vec<Sighting> {
    frames.iter().map(|t| Sighting { text: t.clone(), source: "v".into() }).collect()
}

fn restored(report: &assemble::Report) -> Vec<u8> {
    assert_eq!(report.sets.len(), 1, "{report:?}");
    match &report.sets[0].outcome {
        Outcome::Restored { payload, .. } => payload.clone(),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Format v2
// ---------------------------------------------------------------------------

#[test]
fn v2_manifests_produce_exactly_the_recorded_bytes_frames_and_lines() {
    let manifests = files(2, "", ".toml");
    assert!(manifests.len() >= 4);
    for m in manifests {
        let backup = manifest::parse(&std::fs::read_to_string(&m).unwrap(), &dir(2)).unwrap();
        let (content, carried) = paperseed::payload_of(&backup);
        let plan = paperseed::plan::plan(carried.len(), None, None).unwrap();
        let frames: Vec<String> =
            paperseed::frames_of(PayloadKind::Sheet, &carried, &plan).unwrap().iter().map(Frame::to_text).collect();
        let lines = format::text::encode(PayloadKind::Sheet, plan.k as u8, plan.n as u8, &carried).unwrap();
        let got = json!({
            "payload_hex": hex(&content),
            "envelope_hex": hex(&carried),
            "fingerprint": Fingerprint::of(&content).to_string(),
            "k": plan.k,
            "n": plan.n,
            "ecc": plan.ecc.letter().to_string(),
            "frames": frames,
            "recovery_text": lines,
        });
        let expected_path = m.with_extension("json");
        if std::env::var_os("UPDATE_VECTORS").is_some() {
            std::fs::write(&expected_path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
        }
        let want: Value = serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
        assert_eq!(got, want, "{} no longer encodes as recorded", m.display());

        // Back: the recorded frames, and the recorded lines alone, give the payload.
        let want_frames: Vec<String> =
            want["frames"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
        let from_codes = restored(&assemble::assemble(sightings(&want_frames)));
        assert_eq!(compact::decode(&from_codes).unwrap(), backup, "{}", m.display());
        let reads: Vec<TextRead> = want["recovery_text"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| TextRead { text: l.as_str().unwrap().to_string(), place: "v".into() })
            .collect();
        let from_text = restored(&restore::assemble_with_text(&[], &reads));
        assert_eq!(from_text, from_codes, "{}: text and codes give the same payload", m.display());
        assert_eq!(compact::decode(&unhex(want["payload_hex"].as_str().unwrap())).unwrap(), backup);
        assert_eq!(envelope::open(&unhex(want["envelope_hex"].as_str().unwrap())).unwrap(), content);
    }
}

/// `# expect: TEXT` on the first line; the rest is the input.
fn expectation(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    let expect = first.strip_prefix("# expect: ").expect("first line is `# expect: ...`").trim().to_string();
    (expect, rest.trim().to_string())
}

fn check_fail_frames(version: u8) {
    let cases = files(version, "fail_", ".txt");
    assert!(cases.len() >= 6, "{cases:?}");
    for case in cases {
        let (expect, input) = expectation(&case);
        let err = Frame::parse(&input).expect_err(&format!("{} must be rejected", case.display()));
        assert!(err.to_string().contains(&expect), "{}: got {err:?}, expected {expect:?}", case.display());
    }
}

#[test]
fn v2_fail_frames_are_rejected_with_the_documented_reason() {
    check_fail_frames(2);
}

#[test]
fn v2_fail_payloads_are_rejected_with_the_documented_reason() {
    let cases = files(2, "fail_", ".cbor.hex");
    assert!(cases.len() >= 6, "{cases:?}");
    for case in cases {
        let (expect, input) = expectation(&case);
        let err = compact::decode(&unhex(&input)).expect_err(&format!("{} must be rejected", case.display()));
        assert!(err.to_string().contains(&expect), "{}: got {err}, expected {expect:?}", case.display());
        // The reader used on restore (either schema) rejects them too.
        assert!(payload::decode(&unhex(&input)).is_err());
    }
}

#[test]
fn v2_fail_envelopes_are_rejected_with_the_documented_reason() {
    let cases = files(2, "fail_", ".envelope.hex");
    assert!(cases.len() >= 3, "{cases:?}");
    for case in cases {
        let (expect, input) = expectation(&case);
        let err = envelope::open(&unhex(&input)).expect_err(&format!("{} must be rejected", case.display()));
        assert!(err.to_string().contains(&expect), "{}: got {err}, expected {expect:?}", case.display());
    }
}

#[test]
fn v2_fail_recovery_lines_are_rejected_with_the_documented_reason() {
    let cases = files(2, "recovery_fail_", ".txt");
    assert!(cases.len() >= 3, "{cases:?}");
    for case in cases {
        let (expect, input) = expectation(&case);
        let err = restore::check_typed(&input, 1, "v").expect_err(&format!("{} must be rejected", case.display()));
        assert!(err.to_string().contains(&expect), "{}: got {err}, expected {expect:?}", case.display());
    }
}

// ---------------------------------------------------------------------------
// Format v1 (paperseed 0.1): read, never written
// ---------------------------------------------------------------------------

/// Version-1 frames of a v1 payload, built as FORMAT.md's appendix says.
fn v1_frames(payload: &[u8], k: usize, n: usize) -> Vec<String> {
    let set = SetKey {
        version: 1,
        kind: PayloadKind::Sheet,
        k: k as u8,
        n: n as u8,
        payload_len: payload.len() as u32,
        checksum: format::checksum(payload),
    };
    paperseed::shard::split(payload, k, n)
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, shard)| Frame { set, index: i as u8, shard }.to_text())
        .collect()
}

#[test]
fn v1_vectors_still_decode_exactly() {
    let manifests = files(1, "", ".toml");
    assert!(manifests.len() >= 3);
    for m in manifests {
        let backup = manifest::parse(&std::fs::read_to_string(&m).unwrap(), &dir(1)).unwrap();
        let want: Value = serde_json::from_str(&std::fs::read_to_string(m.with_extension("json")).unwrap()).unwrap();
        let bytes = unhex(want["payload_hex"].as_str().unwrap());
        // The v1 payload encoder and frame layout are kept exactly.
        assert_eq!(payload::encode(&backup), bytes, "{}", m.display());
        assert_eq!(Fingerprint::of(&bytes).to_string(), want["fingerprint"].as_str().unwrap());
        let frames: Vec<String> =
            want["frames"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
        let (k, n) = (want["k"].as_u64().unwrap() as usize, want["n"].as_u64().unwrap() as usize);
        assert_eq!(v1_frames(&bytes, k, n), frames, "{}", m.display());
        let p = restored(&assemble::assemble(sightings(&frames)));
        assert_eq!(p, bytes);
        assert_eq!(payload::decode(&p).unwrap(), backup);
    }
}

#[test]
fn v1_fail_frames_are_rejected_with_the_documented_reason() {
    check_fail_frames(1);
}

#[test]
fn v1_fail_payloads_are_rejected_with_the_documented_reason() {
    let cases = files(1, "fail_", ".cbor.hex");
    assert!(cases.len() >= 3, "{cases:?}");
    for case in cases {
        let (expect, input) = expectation(&case);
        let err = payload::decode(&unhex(&input)).expect_err(&format!("{} must be rejected", case.display()));
        assert!(err.to_string().contains(&expect), "{}: got {err}, expected {expect:?}", case.display());
    }
}
