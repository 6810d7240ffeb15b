//! Import end to end: files as people have them (an export QR screenshot, an
//! Aegis JSON export, text files of URIs and of backup codes) → secrets →
//! manifest → sheet PDF → scan → restore → the same `otpauth://` URIs.

use std::path::{Path, PathBuf};

use image::{GrayImage, Luma};
use paperseed::interop::import::{ImportSource, TextKind, import};
use paperseed::scan::{DetectOptions, Limits};
use paperseed::secret::migration::{self, Batch};
use paperseed::secret::{Algorithm, Backup, OtpKey, OtpKind, Secret, manifest};
use qrcode::types::Color;
use qrcode::{EcLevel, QrCode};

fn key(secret: &[u8], issuer: &str, account: &str, algorithm: Algorithm, digits: u8, kind: OtpKind) -> OtpKey {
    OtpKey {
        key: secret.to_vec(),
        issuer: Some(issuer.to_string()),
        account: Some(account.to_string()),
        algorithm,
        digits,
        kind,
    }
}

/// The three accounts of the export: TOTP SHA1, TOTP SHA256 (8 digits), HOTP.
fn accounts() -> Vec<OtpKey> {
    vec![
        key(b"Hello!\xde\xad\xbe\xef", "GitHub", "alice@example.com", Algorithm::Sha1, 6, OtpKind::Totp { period: 30 }),
        key(b"12345678901234567890123456789012", "Bank", "alice", Algorithm::Sha256, 8, OtpKind::Totp { period: 30 }),
        key(
            b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09",
            "VPN",
            "a.b",
            Algorithm::Sha1,
            6,
            OtpKind::Hotp { counter: 42 },
        ),
    ]
}

/// QR codes side by side on a white image, 4 px a module, as a phone
/// screenshot of an export screen would show them.
fn qr_png(texts: &[String], dir: &Path, name: &str) -> PathBuf {
    let codes: Vec<QrCode> =
        texts.iter().map(|t| QrCode::with_error_correction_level(t.as_bytes(), EcLevel::M).unwrap()).collect();
    let scale = 4u32;
    let cell = codes.iter().map(|c| c.width() as u32 + 8).max().unwrap() * scale;
    let mut img = GrayImage::from_pixel(cell * codes.len() as u32, cell, Luma([255]));
    for (i, code) in codes.iter().enumerate() {
        let colors = code.to_colors();
        let w = code.width();
        for y in 0..w {
            for x in 0..w {
                if colors[y * w + x] == Color::Dark {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            let px = i as u32 * cell + (x as u32 + 4) * scale + dx;
                            let py = (y as u32 + 4) * scale + dy;
                            img.put_pixel(px, py, Luma([0]));
                        }
                    }
                }
            }
        }
    }
    let path = dir.join(name);
    img.save(&path).unwrap();
    path
}

fn otp_keys(secrets: &[Secret]) -> Vec<OtpKey> {
    secrets
        .iter()
        .filter_map(|s| match s {
            Secret::Otp { key, .. } => Some(key.clone()),
            _ => None,
        })
        .collect()
}

/// Encode a backup to a sheet PDF, read the PDF as a scan, restore it.
fn print_and_restore(backup: &Backup, dir: &Path) -> Backup {
    let opts = paperseed::EncodeOptions { date: "2026-01-02".into(), ..Default::default() };
    let encoded = paperseed::encode(backup, &opts).unwrap();
    let pdf = dir.join("sheet.pdf");
    std::fs::write(&pdf, &encoded.pdf).unwrap();
    let pages = paperseed::scan::load(&pdf, &Limits::default()).unwrap();
    let found: Vec<_> =
        pages.iter().flat_map(|p| paperseed::restore::scan_page(p, &DetectOptions::default())).collect();
    let report = paperseed::restore::assemble(&found);
    assert_eq!(report.sets.len(), 1);
    let restored = paperseed::restore::decode(&report.sets[0]).expect("set rebuilt").expect("payload decodes");
    assert_eq!(restored.fingerprint, encoded.fingerprint);
    restored.backup
}

#[test]
fn google_authenticator_export_image_to_sheet_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let uri = migration::to_migration_uri(&accounts()).unwrap();
    let png = qr_png(&[uri], dir.path(), "export.png");

    let imported = import(&[ImportSource::path(&png)]).unwrap();
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    assert_eq!(otp_keys(&imported.secrets), accounts());
    let labels: Vec<&str> = imported.secrets.iter().map(Secret::label).collect();
    assert_eq!(labels, ["GitHub (alice@example.com)", "Bank (alice)", "VPN (a.b)"]);

    // The manifest `paperseed import -o` writes parses back to the same backup.
    let backup = imported.into_backup(Some("Authenticator"));
    let toml = manifest::to_toml(&backup);
    assert_eq!(manifest::parse(&toml, dir.path()).unwrap(), backup);

    let restored = print_and_restore(&backup, dir.path());
    let uris = |b: &Backup| otp_keys(&b.secrets).iter().map(OtpKey::to_uri).collect::<Vec<_>>();
    assert_eq!(uris(&restored), accounts().iter().map(OtpKey::to_uri).collect::<Vec<_>>());
    assert_eq!(restored, backup);
}

#[test]
fn multi_code_export_and_a_missing_code() {
    let dir = tempfile::tempdir().unwrap();
    let all = accounts();
    let part = |keys: &[OtpKey], index| {
        let payload = migration::to_payload(keys, Batch { version: 1, size: 2, index, id: 1234 }).unwrap();
        let b64 = data_encoding::BASE64.encode(&payload);
        format!("otpauth-migration://offline?data={}", b64.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D"))
    };
    let (first, second) = (part(&all[..2], 0), part(&all[2..], 1));

    // Both codes on one screenshot: every account, no warning.
    let both = qr_png(&[first.clone(), second], dir.path(), "both.png");
    let got = import(&[ImportSource::path(&both)]).unwrap();
    assert_eq!(otp_keys(&got.secrets), all);
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);

    // Only the first: its accounts, and a warning naming the missing code.
    let one = qr_png(&[first], dir.path(), "one.png");
    let got = import(&[ImportSource::path(&one)]).unwrap();
    assert_eq!(otp_keys(&got.secrets), all[..2]);
    assert_eq!(got.warnings.len(), 1);
    assert!(got.warnings[0].contains("has 2 codes; code(s) 2 of it were not read"), "{}", got.warnings[0]);
    assert!(got.warnings[0].contains("one.png code 1"), "{}", got.warnings[0]);
}

const AEGIS: &str = r#"{
  "version": 1,
  "header": { "slots": null, "params": null },
  "db": {
    "version": 2,
    "entries": [
      { "type": "totp", "uuid": "a", "name": "alice@example.com", "issuer": "GitHub", "note": "", "favorite": false,
        "icon": null, "info": { "secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 6, "period": 30 }, "groups": [] },
      { "type": "steam", "uuid": "b", "name": "me", "issuer": "Steam",
        "info": { "secret": "GEZDGNBVGY3TQOJQ", "algo": "SHA1", "digits": 5, "period": 30 } },
      { "type": "totp", "uuid": "c", "name": "ops", "issuer": "AWS",
        "info": { "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "algo": "SHA512", "digits": 8, "period": 60 } }
    ]
  }
}"#;

#[test]
fn files_detected_by_content_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    // Names that say nothing: the content decides.
    let aegis = write("aegis-export.txt", AEGIS);
    let uris = write(
        "keys",
        "# exported keys\n\notpauth://totp/GitHub:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub\n\
         otpauth://hotp/Lab?secret=MFRGGZDFMZTWQ2LK&counter=7\n",
    );
    let codes = write("github-recovery-codes.txt", "a3f8-9d2c\n0042-1111\n\nBM55-7777\na3f8-9d2c\n");
    // "BM" is BMP's magic: a codes file may start with it and must still be text.
    let bm = write("bm.txt", "BM12-3456\nBM98-7654\n");

    let got = import(&[
        ImportSource::path(&aegis),
        ImportSource::path(&uris),
        ImportSource::path(&codes),
        ImportSource::path(&bm),
    ])
    .unwrap();
    let labels: Vec<&str> = got.secrets.iter().map(Secret::label).collect();
    assert_eq!(labels, ["GitHub (alice@example.com)", "AWS (ops)", "Lab", "github-recovery-codes", "bm"]);
    assert_eq!(
        got.secrets[3],
        Secret::BackupCodes {
            label: "github-recovery-codes".into(),
            codes: vec!["a3f8-9d2c".into(), "0042-1111".into(), "BM55-7777".into()],
        }
    );
    let aws = &otp_keys(&got.secrets)[1];
    assert_eq!((aws.algorithm, aws.digits, aws.kind), (Algorithm::Sha512, 8, OtpKind::Totp { period: 60 }));

    let w = &got.warnings;
    assert_eq!(w.len(), 3, "{w:?}");
    let aegis_name = aegis.display().to_string();
    assert_eq!(w[0], format!("{aegis_name} entry 2 (\"Steam\"): Steam Guard keys are not supported (skipped)"));
    assert!(
        w[1].starts_with(&format!(
            "{} line 3 (\"GitHub (alice@example.com)\"): the same key as {aegis_name} entry 1",
            uris.display()
        )),
        "{}",
        w[1]
    );
    assert!(w[2].ends_with("line 5: the same code as line 1; kept once"), "{}", w[2]);

    // The result is a valid manifest.
    let backup = got.into_backup(None);
    assert_eq!(manifest::parse(&manifest::to_toml(&backup), dir.path()).unwrap(), backup);
}

#[test]
fn errors_name_the_file_and_entry() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("aegis.json");
    std::fs::write(&bad, AEGIS.replace("JBSWY3DPEHPK3PXP", "J0")).unwrap();
    let e = import(&[ImportSource::path(&bad)]).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{} entry 1 (\"GitHub\"): secret: '0' is not a base32 character (base32 has no 0: did you mean O?)",
            bad.display()
        )
    );

    let blank = dir.path().join("blank.png");
    GrayImage::from_pixel(200, 200, Luma([255])).save(&blank).unwrap();
    let e = import(&[ImportSource::path(&blank)]).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}: no QR code found", blank.display())), "{e}");

    let binary = dir.path().join("key.bin");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x80]).unwrap();
    let e = import(&[ImportSource::path(&binary)]).unwrap_err().to_string();
    assert!(e.contains("not UTF-8 text, an image or a PDF"), "{e}");

    let missing = dir.path().join("missing.txt");
    assert!(import(&[ImportSource::path(&missing)]).unwrap_err().to_string().contains("missing.txt: cannot read"));

    let e = import(&[ImportSource::text("--mnemonic", "abandon abandon", TextKind::Mnemonic)]).unwrap_err();
    assert!(e.to_string().starts_with("--mnemonic: 2 words"), "{e}");
}

#[test]
fn otpauth_qr_image_and_re_import_symbols() {
    // A single otpauth:// QR (as a site shows at enrolment), drawn with the
    // same symbol `restore --qr` and the re-import PNG use.
    let dir = tempfile::tempdir().unwrap();
    let k = &accounts()[1];
    let symbol = paperseed::interop::termqr::otpauth_symbol(&k.to_uri()).unwrap();
    let img = paperseed::interop::termqr::symbol_image(&symbol, 4, 4);
    let path = dir.path().join("enrol.png");
    std::fs::write(&path, paperseed::interop::termqr::png(&img).unwrap()).unwrap();
    let got = import(&[ImportSource::path(&path)]).unwrap();
    assert_eq!(otp_keys(&got.secrets), vec![k.clone()]);
}
