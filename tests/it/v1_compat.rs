//! Sheets printed by paperseed 0.1 (format v1, `tests/data/v1`) keep
//! restoring: rendered with hayro and restored through the binary, from their
//! codes and from their recovery text alone; and v1 recovery lines typed into
//! `restore --type`.

use std::path::{Path, PathBuf};

use crate::support::*;
use paperseed::format::text_v1 as lines;
use paperseed::scan::text as ocr;
use paperseed::scan::{self, DetectOptions};
use paperseed::sheet::recovery_block as block;
use predicates::prelude::*;
use serde_json::Value;

const BIP39_WORDS: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

fn v1(name: &str) -> PathBuf {
    let path = repo().join("tests/data/v1").join(name);
    assert!(path.is_file(), "{} is missing", path.display());
    path
}

/// `restore --json -q` of `files` (plus `extra` arguments): the JSON printed.
fn restore_json(files: &[PathBuf], extra: &[&str]) -> Value {
    let out = bin().arg("restore").args(files).args(["--json", "-q"]).args(extra).assert().success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// Render every page at `dpi` into PNGs in `dir`, with every QR code painted
/// out when `blank` is set.
fn rendered(pdf: &Path, dpi: f32, dir: &Path, blank: bool) -> Vec<PathBuf> {
    let mut pages = rasterize(pdf, dpi);
    assert!(!pages.is_empty());
    if blank {
        for page in &mut pages {
            blank_codes(page, &(0..=255).collect::<Vec<u8>>());
            assert!(scan::find_codes(page, &DetectOptions::default()).is_empty());
        }
    }
    let stem = pdf.file_stem().unwrap().to_string_lossy().to_string();
    save_pngs(&pages, dir, &format!("{stem}-{}", if blank { "blank" } else { "page" }))
}

#[test]
fn exchange_v1_restores_from_the_pdf_and_from_rendered_pages() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = v1("exchange-v1.pdf");
    let v = restore_json(std::slice::from_ref(&pdf), &[]);
    assert_eq!(v["fingerprint"], "S541-S01T-F4H7");
    assert_eq!(v["secrets"][0]["codes"][0], "vthx-pywb-bxp4-afqs");
    assert_eq!(v["secrets"][1]["account"], "alice@example.com");
    let pngs = rendered(&pdf, 200.0, dir.path(), false);
    let v = restore_json(&pngs, &[]);
    assert_eq!(v["fingerprint"], "S541-S01T-F4H7");
    // The plain-text report names the fingerprint too.
    bin().arg("restore").args(&pngs).assert().success().stderr(predicate::str::contains("fingerprint S541-S01T-F4H7"));
}

#[test]
fn bip39_v1_restores() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = v1("bip39-v1.pdf");
    let v = restore_json(std::slice::from_ref(&pdf), &[]);
    assert_eq!(v["fingerprint"], "VJJN-6YEX-D0RN");
    assert_eq!(v["secrets"][0]["words"], BIP39_WORDS);
    let v = restore_json(&rendered(&pdf, 300.0, dir.path(), false), &[]);
    assert_eq!(v["fingerprint"], "VJJN-6YEX-D0RN");
    assert_eq!(v["secrets"][0]["words"], BIP39_WORDS);
    bin().arg("verify").arg(&pdf).args(["--expect", "VJJN-6YEX-D0RN"]).assert().success();
}

#[test]
fn encrypted_v1_restores_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "correct horse battery\n").unwrap();
    let pdf = v1("bip39-v1-encrypted.pdf");
    let pw_arg = pw.to_str().unwrap();
    let v = restore_json(std::slice::from_ref(&pdf), &["--passphrase-file", pw_arg]);
    assert_eq!(v["secrets"][0]["words"], BIP39_WORDS);
    let v = restore_json(&rendered(&pdf, 200.0, dir.path(), false), &["--passphrase-file", pw_arg]);
    assert_eq!(v["secrets"][0]["words"], BIP39_WORDS);
    // A wrong passphrase: exit 1, and no words.
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "incorrect horse battery\n").unwrap();
    bin()
        .arg("restore")
        .arg(&pdf)
        .arg("--passphrase-file")
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("legal").not());
}

#[test]
fn v1_shares_one_and_two_combine() {
    let dir = tempfile::tempdir().unwrap();
    let shares = [v1("bip39-v1-shares.share1.pdf"), v1("bip39-v1-shares.share2.pdf")];
    let v = restore_json(&shares, &[]);
    assert_eq!(v["fingerprint"], "VJJN-6YEX-D0RN");
    assert_eq!(v["secrets"][0]["words"], BIP39_WORDS);
    let mut pngs = rendered(&shares[0], 200.0, dir.path(), false);
    pngs.extend(rendered(&shares[1], 200.0, dir.path(), false));
    let v = restore_json(&pngs, &[]);
    assert_eq!(v["fingerprint"], "VJJN-6YEX-D0RN");
    // One share alone is not enough: exit 1.
    bin().arg("restore").arg(&shares[0]).arg("-q").assert().code(1).stdout(predicate::str::is_empty());
}

#[test]
fn exchange_v1_restores_from_its_recovery_text_alone() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = v1("exchange-v1.pdf");
    // The recogniser reads the v1 blocks (three 17-symbol lines to a row).
    let pages = rasterize(&pdf, 300.0);
    let blocks: usize = pages.iter().map(|p| ocr::find_blocks(p, &block::V1).len()).sum();
    assert!(blocks > 0);
    for (dpi, dir_name) in [(300.0, "300"), (200.0, "200")] {
        let sub = dir.path().join(dir_name);
        std::fs::create_dir(&sub).unwrap();
        let pngs = rendered(&pdf, dpi, &sub, true);
        let read: Vec<ocr::ReadLine> =
            pngs.iter().flat_map(|p| ocr::read_page_detailed(&image::open(p).unwrap().to_luma8())).collect();
        assert!(!read.is_empty() && read.iter().all(|l| lines::is_v1_line(&l.text)));
        let passing = read.iter().filter(|l| l.passes).count();
        eprintln!("{dpi} dpi: {} v1 lines read, {passing} pass, {blocks} blocks at 300 dpi", read.len());
        let v = restore_json(&pngs, &[]);
        assert_eq!(v["fingerprint"], "S541-S01T-F4H7", "{dpi} dpi");
        assert_eq!(v["secrets"][0]["codes"][9], "cdyw-q9jc-hkcd-phg3");
    }
}

/// The lines of a v1 recovery vector (`tests/vectors/recovery_<name>.txt`).
fn vector_lines(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join(format!("tests/vectors/recovery_{name}.txt"))).unwrap();
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(str::to_string).collect()
}

fn vector_json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo().join(format!("tests/vectors/{name}.json"))).unwrap()).unwrap()
}

#[test]
fn restore_type_takes_v1_lines_on_stdin() {
    for name in ["mnemonic24", "tiny-note"] {
        let lines = vector_lines(name);
        let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let out = bin().args(["restore", "--type", "--json", "-q"]).write_stdin(input).assert().success();
        let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(v["fingerprint"], vector_json(name)["fingerprint"], "{name}");
    }
    let v = vector_json("mnemonic24");
    // Lower case, rows of three lines, a typo on the second entry (named,
    // and the other frames cover it).
    let lines = vector_lines("mnemonic24");
    let mut rows: Vec<String> = lines.chunks(3).map(|r| r.join("   ").to_lowercase()).collect();
    let mut bad: Vec<char> = rows[1].chars().collect();
    let j = 6;
    bad[j] = if bad[j] == '7' { '9' } else { '7' };
    rows[1] = bad.into_iter().collect();
    let input: String = rows.iter().map(|r| format!("{r}\n")).collect();
    let out = bin().args(["restore", "--type", "--json"]).write_stdin(input).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("line 2") && stderr.contains("fails its check"), "the typo is named: {stderr}");
    assert!(!stderr.contains(&rows[1]), "the typed row is not echoed: {stderr}");
    let got: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(got["fingerprint"], v["fingerprint"]);
    assert!(got["secrets"][0]["words"].as_str().unwrap().ends_with("bless"));
}
