//! End-to-end tests of the account conveniences through the binary: import,
//! encode quick flags, restore --totp-now / --qr / --otp-codes / --seedqr, and
//! reading SeedQR images.

use crate::support::*;
use paperseed::secret::{Algorithm, OtpKey, OtpKind, migration};
use predicates::prelude::*;
use serde_json::Value;

fn key(issuer: &str, account: &str, secret: &[u8], algorithm: Algorithm, kind: OtpKind) -> OtpKey {
    OtpKey {
        key: secret.to_vec(),
        issuer: Some(issuer.into()),
        account: Some(account.into()),
        algorithm,
        digits: 6,
        kind,
    }
}

fn qr_png(text: &str, path: &std::path::Path) {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).unwrap();
    let w = code.width() as u32;
    let colors = code.to_colors();
    let scale = 6;
    let img = image::GrayImage::from_fn((w + 8) * scale, (w + 8) * scale, |x, y| {
        let (mx, my) = ((x / scale) as i64 - 4, (y / scale) as i64 - 4);
        let dark = mx >= 0
            && my >= 0
            && (mx as u32) < w
            && (my as u32) < w
            && colors[(my as u32 * w + mx as u32) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    img.save(path).unwrap();
}

#[test]
fn google_export_qr_imports_prints_and_restores_to_the_same_uris() {
    let dir = tempfile::tempdir().unwrap();
    let keys = vec![
        key("GitHub", "alice", b"0123456789abcdefghij", Algorithm::Sha1, OtpKind::Totp { period: 30 }),
        key(
            "Bank",
            "alice@example.com",
            b"abcdefghijklmnopqrstuvwxyz012345",
            Algorithm::Sha256,
            OtpKind::Totp { period: 30 },
        ),
        key("VPN", "a", b"zyxwvutsrqponmlkjihg", Algorithm::Sha1, OtpKind::Hotp { counter: 42 }),
    ];
    let uri = migration::to_migration_uri(&keys).unwrap();
    let png = dir.path().join("export.png");
    qr_png(&uri, &png);
    let manifest = dir.path().join("accounts.toml");
    bin().arg("import").arg(&png).arg("-o").arg(&manifest).args(["--title", "Phone"]).assert().success();
    let pdf = encode(&manifest, dir.path(), "accounts", &[]);
    let pages = rasterize(&pdf, 300.0);
    let pngs = save_pngs(&pages, dir.path(), "accounts");
    let out = bin().arg("restore").args(&pngs).arg("--json").arg("-q").assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let uris: Vec<String> =
        v["secrets"].as_array().unwrap().iter().map(|s| s["uri"].as_str().unwrap().to_string()).collect();
    let want: Vec<String> = keys.iter().map(OtpKey::to_uri).collect();
    assert_eq!(uris, want);
    // The same export given as a manifest `uri` expands into the same keys.
    let m2 = dir.path().join("m2.toml");
    std::fs::write(
        &m2,
        format!("title = \"Phone\"\n[[secret]]\ntype = \"totp\"\nlabel = \"Phone\"\nuri = \"{uri}\"\n"),
    )
    .unwrap();
    let pdf2 = encode(&m2, dir.path(), "m2", &[]);
    let out = bin().arg("restore").arg(&pdf2).arg("--json").arg("-q").assert().success();
    let v2: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v2["secrets"].as_array().unwrap().len(), 3);
    assert_eq!(v2["secrets"][2]["uri"].as_str().unwrap(), want[2]);
}

#[test]
fn totp_now_matches_rfc6238_and_qr_shows_a_code() {
    let dir = tempfile::tempdir().unwrap();
    // RFC 6238 SHA1 key "12345678901234567890", 8 digits.
    let m = dir.path().join("rfc.toml");
    std::fs::write(
        &m,
        "[[secret]]\ntype = \"totp\"\nlabel = \"RFC 6238\"\nsecret = \"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\"\ndigits = 8\n",
    )
    .unwrap();
    let pdf = encode(&m, dir.path(), "rfc", &[]);
    for (at, code) in [
        ("1970-01-01T00:00:59Z", "94287082"),
        ("2005-03-18T01:58:29Z", "07081804"),
        ("2033-05-18T03:33:20Z", "69279037"),
    ] {
        bin()
            .arg("restore")
            .arg(&pdf)
            .args(["--totp-now", "--at", at, "-q"])
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("RFC 6238: {code}")));
    }
    bin().arg("restore").arg(&pdf).args(["--qr", "-q"]).assert().success().stdout(predicate::str::contains("▀"));
}

#[test]
fn encode_quick_flags_and_otp_code_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let codes = dir.path().join("github-recovery-codes.txt");
    std::fs::write(&codes, "1a2b3-4c5d6\n7e8f9-0a1b2\n\n1a2b3-4c5d6\n").unwrap();
    let keyfile = dir.path().join("key.txt");
    std::fs::write(&keyfile, "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub\n").unwrap();
    let pdf = dir.path().join("quick.pdf");
    bin()
        .args(["encode", "--codes"])
        .arg(&codes)
        .arg("--totp")
        .arg(&keyfile)
        .args(["--note", "Call Bob", "--label", "GitHub", "-o"])
        .arg(&pdf)
        .assert()
        .success()
        .stderr(predicate::str::contains("the same code as line 1; kept once"));
    let out = bin().arg("restore").arg(&pdf).arg("--json").arg("-q").assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["title"], "GitHub");
    assert_eq!(v["secrets"][0]["codes"].as_array().unwrap().len(), 2);
    assert_eq!(v["secrets"][1]["secret"], "JBSWY3DPEHPK3PXP");
    assert_eq!(v["secrets"][2]["text"], "Call Bob");
    // Re-import PDF of the authenticator keys: a stranger's scanner reads the otpauth URI back.
    let codes_pdf = dir.path().join("otp.pdf");
    bin().arg("restore").arg(&pdf).arg("--otp-codes").arg(&codes_pdf).arg("-q").assert().success();
    let m = dir.path().join("again.toml");
    bin().arg("import").arg(&codes_pdf).arg("-o").arg(&m).assert().success();
    assert!(std::fs::read_to_string(&m).unwrap().contains("JBSW Y3DP EHPK 3PXP"));
    // A mnemonic from stdin.
    let wallet = dir.path().join("wallet.pdf");
    bin()
        .args(["encode", "--mnemonic", "-", "--label", "Wallet", "-o"])
        .arg(&wallet)
        .write_stdin("legal winner thank year wave sausage worth useful legal winner thank yellow\n")
        .assert()
        .success();
    bin()
        .arg("restore")
        .arg(&wallet)
        .assert()
        .success()
        .stdout(predicate::str::contains(" 1. legal").and(predicate::str::contains("12. yellow")));
}

#[test]
fn seedqr_images_restore_and_seedqr_export_round_trips() {
    let data = repo().join("tests/data/seedqr");
    let vectors: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("seedqr-vectors.json")).unwrap()).unwrap();
    for (file, index) in [
        ("seedqr-vector1_standard_24word.png", 0),
        ("seedqr-vector1_compact_24word.png", 0),
        ("seedqr-vector4_standard_12word.png", 3),
        ("seedqr-vector4_compact_12word.png", 3),
    ] {
        let out = bin().arg("restore").arg(data.join(file)).arg("--json").arg("-q").assert().success();
        let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(v["secrets"][0]["words"], vectors["vectors"][index]["mnemonic"], "{file}");
    }
    let dir = tempfile::tempdir().unwrap();
    let wallet = encode(&sample("bip39.toml"), dir.path(), "w", &[]);
    let png = dir.path().join("seed.png");
    bin().arg("restore").arg(&wallet).arg("--seedqr").arg(&png).arg("-q").assert().success();
    for suffix in ["seed-1.png", "seed-2.png"] {
        let out = bin().arg("restore").arg(dir.path().join(suffix)).arg("--json").arg("-q").assert().success();
        let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(
            v["secrets"][0]["words"],
            "legal winner thank year wave sausage worth useful legal winner thank yellow"
        );
    }
}

/// A reprint is the same backup: `restore --format toml` then `encode`
/// gives the same fingerprint, even for a label and a note that begin or end
/// with spaces (quick flags take them as given).
#[test]
fn toml_reprint_keeps_padded_labels_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let codes = dir.path().join("codes.txt");
    std::fs::write(&codes, "1a2b3-4c5d6\n").unwrap();
    let fingerprint = |stderr: &[u8]| {
        let s = String::from_utf8_lossy(stderr).to_string();
        s.lines().find_map(|l| l.strip_prefix("Fingerprint ")).expect("fingerprint line").trim().to_string()
    };
    let pdf = dir.path().join("first.pdf");
    let out = bin()
        .args(["encode", "--codes"])
        .arg(&codes)
        .args(["--note", "Call Bob\\n  ", "--label", " GitHub", "-o"])
        .arg(&pdf)
        .assert()
        .success();
    let first = fingerprint(&out.get_output().stderr);
    let manifest = dir.path().join("again.toml");
    bin().arg("restore").arg(&pdf).args(["--format", "toml", "-q", "-o"]).arg(&manifest).assert().success();
    let out = bin().arg("encode").arg(&manifest).arg("-o").arg(dir.path().join("again.pdf")).assert().success();
    assert_eq!(fingerprint(&out.get_output().stderr), first, "{}", std::fs::read_to_string(&manifest).unwrap());
}
