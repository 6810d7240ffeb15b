//! End-to-end tests of the `paperseed` binary: encode sample manifests, render
//! the PDF with a pure-Rust rasterizer, damage the pages, and restore/verify.

use crate::support::*;
use predicates::prelude::*;
use serde_json::Value;

fn restore_json(args: &[&std::path::Path]) -> Value {
    let out = bin().arg("restore").args(args).arg("--json").arg("-q").output().unwrap();
    assert!(out.status.success(), "restore failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fingerprint_of(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr);
    s.lines().find_map(|l| l.strip_prefix("Fingerprint ")).expect("fingerprint line").trim().to_string()
}

#[test]
fn encode_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = encode(&sample("exchange.toml"), dir.path(), "x", &[]);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    bin()
        .args(["encode", sample("exchange.toml").to_str().unwrap(), "-o", pdf.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; pass --force"));
    assert_eq!(std::fs::read(&pdf).unwrap(), bytes, "the existing file is untouched");
    bin()
        .args(["encode", sample("bip39.toml").to_str().unwrap(), "-o", pdf.to_str().unwrap(), "--force"])
        .assert()
        .success();
    assert_ne!(std::fs::read(&pdf).unwrap(), bytes);
    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn same_input_and_date_give_identical_pdfs_and_stdin_works() {
    let dir = tempfile::tempdir().unwrap();
    let a = encode(&sample("exchange.toml"), dir.path(), "a", &[]);
    let manifest = std::fs::read_to_string(sample("exchange.toml")).unwrap();
    let b = dir.path().join("b.pdf");
    bin()
        .args(["encode", "-", "-o", b.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1767312000") // 2026-01-02
        .write_stdin(manifest)
        .assert()
        .success();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let c = encode(&sample("exchange.toml"), dir.path(), "c", &["--paper", "letter"]);
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());
}

#[test]
fn manifest_errors_name_the_secret_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = std::fs::read_to_string(sample("bip39.toml")).unwrap().replace("sausage", "sausag");
    bin()
        .args(["encode", "-", "-o", dir.path().join("x.pdf").to_str().unwrap()])
        .write_stdin(bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("secret 1 (\"Hardware wallet (test vector)\")"))
        .stderr(predicate::str::contains("word 6 is not in the BIP39"))
        // Never a word of the phrase, not even a misspelt one.
        .stderr(predicate::str::contains("sausag").not());
    assert!(!dir.path().join("x.pdf").exists());
    bin()
        .args(["encode", "/nonexistent/m.toml", "-o", dir.path().join("y.pdf").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read /nonexistent/m.toml"));
    let chinese = "title = \"张三\"\n[[secret]]\ntype = \"note\"\nlabel = \"n\"\ntext = \"x\"\n";
    bin()
        .args(["encode", "-", "-o", dir.path().join("z.pdf").to_str().unwrap()])
        .write_stdin(chinese)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("U+5F20").and(predicate::str::contains("--font")));
}

#[test]
fn round_trip_through_rendered_pages_at_300_and_150_dpi() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = encode(&sample("exchange.toml"), dir.path(), "ex", &[]);
    for dpi in [300.0, 150.0] {
        let pages = rasterize(&pdf, dpi);
        let pngs = save_pngs(&pages, dir.path(), &format!("ex{dpi}"));
        let refs: Vec<&std::path::Path> = pngs.iter().map(|p| p.as_path()).collect();
        let v = restore_json(&refs);
        assert_eq!(v["title"], "Example Exchange account");
        assert_eq!(v["secrets"][0]["codes"].as_array().unwrap().len(), 10);
        assert_eq!(v["secrets"][1]["secret"], "JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQ");
        assert!(v["secrets"][2]["text"].as_str().unwrap().contains("Bob Martin"));
    }
}

#[test]
fn restore_reads_the_sheet_pdf_itself_and_toml_output_reprints_the_same_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["encode", sample("keyfile.toml").to_str().unwrap(), "-o"])
        .arg(dir.path().join("k.pdf"))
        .assert()
        .success();
    let fp = fingerprint_of(&out.get_output().stderr);
    let manifest = dir.path().join("again.toml");
    bin()
        .arg("restore")
        .arg(dir.path().join("k.pdf"))
        .args(["--format", "toml", "-o"])
        .arg(&manifest)
        .arg("--files-to")
        .arg(dir.path().join("files"))
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("fingerprint {fp}")));
    assert_eq!(
        std::fs::read(dir.path().join("files/recovery-key.txt")).unwrap(),
        std::fs::read(sample("recovery-key.txt")).unwrap()
    );
    let out = bin().arg("encode").arg(&manifest).arg("-o").arg(dir.path().join("again.pdf")).assert().success();
    assert_eq!(fingerprint_of(&out.get_output().stderr), fp);
    // Files are never overwritten silently.
    bin()
        .arg("restore")
        .arg(dir.path().join("k.pdf"))
        .arg("--files-to")
        .arg(dir.path().join("files"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
}

#[test]
fn verify_reports_the_margin_and_checks_the_expected_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["encode", sample("bip39.toml").to_str().unwrap(), "-o"])
        .arg(dir.path().join("w.pdf"))
        .assert()
        .success();
    let fp = fingerprint_of(&out.get_output().stderr);
    let mut pages = rasterize(&dir.path().join("w.pdf"), 200.0);
    // The sample is 4 codes, any 2 of which restore (a small payload in few,
    // large codes: plan::rank).
    blank_codes(&mut pages[0], &[0]);
    let png = save_pngs(&pages[..1], dir.path(), "w")[0].clone();
    bin()
        .arg("verify")
        .arg(&png)
        .args(["--expect", &fp.to_lowercase()])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("3 of 4 codes readable, 2 needed: 1 more may be lost"))
        .stdout(predicate::str::contains("   1/4  not found"))
        .stdout(predicate::str::contains("(matches --expect)"))
        .stdout(predicate::str::contains(
            "Result: DEGRADED, but restorable: reprint this sheet now: code(s) 1 not read",
        ))
        .stderr(predicate::str::contains("reprint it now"));
    bin()
        .arg("verify")
        .arg(&png)
        .args(["--expect", "0000-0000-0000"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DOES NOT MATCH"));
    let out = bin().arg("verify").arg(&png).arg("--json").assert().code(3);
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["intact"], false);
    assert_eq!(v["verdict"], "degraded");
    assert_eq!(v["sets"][0]["verdict"], "degraded");
    assert_eq!(v["sets"][0]["codes"][1]["ecc_used"], 0.0);
    assert!(v["sets"][0]["codes"][0]["ecc_used"].is_null());
    assert_eq!(v["sets"][0]["readable"], 3);
    assert_eq!(v["sets"][0]["may_still_lose"], 1);
    assert_eq!(v["sets"][0]["codes"][0]["status"], "not found");
}

#[test]
fn too_few_codes_is_exit_1_with_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    // Without the recovery text, which would otherwise make up for the lost codes.
    // (Laid out alone, this sheet has 8 codes, any 4 of which restore.)
    let pdf = encode(&sample("bip39.toml"), dir.path(), "w", &["--recovery-text", "off"]);
    let mut pages = rasterize(&pdf, 300.0);
    blank_codes(&mut pages[0], &[0, 2, 3, 5, 6]);
    let png = save_pngs(&pages[..1], dir.path(), "w")[0].clone();
    bin()
        .arg("restore")
        .arg(&png)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("3 of 8 codes read (codes 2, 5, 8); 4 are needed, 1 more"))
        .stderr(predicate::str::contains("missing codes 1, 3, 4, 6, 7"))
        .stderr(predicate::str::contains("Rescan at 300 dpi or add another photo"));
    bin().arg("verify").arg(&png).assert().code(1).stdout(predicate::str::contains("NOT INTACT"));
}

#[test]
fn the_recovery_text_makes_up_for_lost_codes() {
    // The same damage on a sheet with its recovery text: codes and text combine.
    let dir = tempfile::tempdir().unwrap();
    let pdf = encode(&sample("bip39.toml"), dir.path(), "w", &[]);
    let mut pages = rasterize(&pdf, 300.0);
    blank_codes(&mut pages[0], &[0, 2, 3, 5]);
    let png = save_pngs(&pages[..1], dir.path(), "w")[0].clone();
    bin()
        .arg("restore")
        .arg(&png)
        .assert()
        .success()
        .stdout(predicate::str::contains("legal").and(predicate::str::contains("yellow")))
        .stderr(predicate::str::contains("Reading the recovery text"));
    // verify says so, instead of asking for codes that are not needed.
    bin()
        .arg("verify")
        .arg(&png)
        .assert()
        .code(3)
        .stdout(predicate::str::contains("rebuilt only with the help of the recovery text"))
        .stdout(predicate::str::contains("Result: DEGRADED"))
        .stdout(predicate::str::contains("more must be read").not());
}

#[test]
fn rotated_shuffled_pages_with_duplicates_restore() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = encode(&sample("keyfile.toml"), dir.path(), "k", &[]);
    let pages = rasterize(&pdf, 300.0);
    assert!(pages.len() >= 2, "the key file sample spans several pages");
    let mut turned = Vec::new();
    for (i, p) in pages.iter().enumerate().rev() {
        turned.push(match i % 3 {
            0 => image::imageops::rotate180(p),
            1 => image::imageops::rotate90(p),
            _ => image::imageops::rotate270(p),
        });
    }
    turned.push(pages[0].clone()); // a duplicate page
    let pngs = save_pngs(&turned, dir.path(), "turned");
    let refs: Vec<&std::path::Path> = pngs.iter().map(|p| p.as_path()).collect();
    let v = restore_json(&refs);
    assert_eq!(v["secrets"][0]["name"], "recovery-key.txt");
    assert_eq!(v["secrets"][0]["size"], 4076);
    // A folder of the same images works too.
    let folder = dir.path().join("scans");
    std::fs::create_dir(&folder).unwrap();
    save_pngs(&turned, &folder, "p");
    std::fs::write(folder.join("notes.txt"), "not an image").unwrap();
    bin().arg("restore").arg(&folder).assert().success().stderr(predicate::str::contains("notes.txt"));
}

#[test]
fn mixed_backups_are_kept_apart() {
    let dir = tempfile::tempdir().unwrap();
    let a = rasterize(&encode(&sample("exchange.toml"), dir.path(), "a", &[]), 200.0);
    let b = rasterize(&encode(&sample("bip39.toml"), dir.path(), "b", &[]), 200.0);
    let pngs = save_pngs(&[a, b].concat(), dir.path(), "mixed");
    // Both are found and listed, but nothing is printed or written until
    // one is chosen: the other may have been printed by someone else.
    let files = dir.path().join("files");
    let (otp, seed) = (dir.path().join("otp.pdf"), dir.path().join("seed.pdf"));
    let otp_arg = ["--otp-codes".into(), otp.clone().into_os_string()];
    let seed_arg = ["--seedqr".into(), seed.clone().into_os_string()];
    let extras: [&[std::ffi::OsString]; 4] = [&[], &otp_arg, &["--totp-now".into()], &seed_arg];
    for extra in extras {
        let out = bin().arg("restore").args(&pngs).args(extra).arg("--files-to").arg(&files).assert().code(2).stderr(
            predicate::str::contains("2 backups were found")
                .and(predicate::str::contains("Example Exchange account"))
                .and(predicate::str::contains("Example wallet seed"))
                .and(predicate::str::contains("fingerprint"))
                .and(predicate::str::contains("choose one with --set")),
        );
        assert!(out.get_output().stdout.is_empty(), "{extra:?}: {}", String::from_utf8_lossy(&out.get_output().stdout));
        assert!(!files.exists() && !otp.exists() && !seed.exists());
    }
    // Each set restores on its own, never mixed with the other.
    let bip39 = fingerprint_for_bip39(dir.path());
    let out = bin().arg("restore").args(&pngs).arg("--set").arg(&bip39).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("Example wallet seed") && !text.contains("Example Exchange account"), "{text}");
    bin()
        .arg("restore")
        .args(&pngs)
        .arg("--json")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("choose one with --set"));
    let out = bin().arg("restore").args(&pngs).args(["--json", "--set"]).arg(&bip39).assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["title"], "Example wallet seed");
    assert_eq!(v["secrets"][0]["words"], "legal winner thank year wave sausage worth useful legal winner thank yellow");
}

fn fingerprint_for_bip39(dir: &std::path::Path) -> String {
    let out =
        bin().args(["encode", sample("bip39.toml").to_str().unwrap(), "-o"]).arg(dir.join("fp.pdf")).assert().success();
    fingerprint_of(&out.get_output().stderr)
}

#[test]
fn untrusted_inputs_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.png");
    std::fs::write(&junk, b"\x89PNG\r\n\x1a\n garbage").unwrap();
    bin().arg("restore").arg(&junk).assert().code(2).stderr(predicate::str::contains("junk.png"));
    let blank = dir.path().join("blank.png");
    image::GrayImage::from_pixel(800, 1000, image::Luma([255])).save(&blank).unwrap();
    bin()
        .arg("restore")
        .arg(&blank)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no usable paperseed code").and(predicate::str::contains("300 dpi")));
    bin().arg("restore").arg(dir.path().join("missing.jpg")).assert().code(2);
    // A code of a future format version says so.
    let future = dir.path().join("future.png");
    let sym = paperseed::sheet::qr::encode("PAPERSEED3:0123456789", paperseed::sheet::Ecc::M).unwrap();
    let scale = 8u32;
    let size = (sym.width as u32 + 8) * scale;
    let img = image::GrayImage::from_fn(size, size, |x, y| {
        let (mx, my) = ((x / scale) as i64 - 4, (y / scale) as i64 - 4);
        let dark = mx >= 0
            && my >= 0
            && (mx as usize) < sym.width
            && (my as usize) < sym.width
            && sym.dark(mx as usize, my as usize);
        image::Luma([if dark { 0 } else { 255 }])
    });
    img.save(&future).unwrap();
    bin().arg("restore").arg(&future).assert().code(1).stderr(predicate::str::contains("needs a newer paperseed"));
}

#[test]
fn help_matches_the_golden_files() {
    for (args, file) in [
        (vec!["--help"], "help.txt"),
        (vec!["encode", "--help"], "encode-help.txt"),
        (vec!["restore", "--help"], "restore-help.txt"),
        (vec!["verify", "--help"], "verify-help.txt"),
        (vec!["import", "--help"], "import-help.txt"),
        (vec!["restore-page", "--help"], "restore-page-help.txt"),
        (vec!["completions", "--help"], "completions-help.txt"),
        (vec!["man", "--help"], "man-help.txt"),
    ] {
        let out = bin().args(&args).env("COLUMNS", "100").output().unwrap();
        assert!(out.status.success());
        let got = String::from_utf8(out.stdout).unwrap();
        let path = repo().join("tests/golden").join(file);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &got).unwrap();
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(got, want, "{file} changed; rerun with UPDATE_GOLDEN=1 if intended");
    }
}

#[test]
fn verify_verdicts_exit_statuses_and_the_log_across_three_checks() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = encode(&sample("bip39.toml"), dir.path(), "w", &[]);
    let pages = rasterize(&pdf, 200.0);
    let clean = save_pngs(&pages[..1], dir.path(), "clean")[0].clone();
    let mut worn = pages[0].clone();
    blank_codes(&mut worn, &[2]);
    let worn = save_pngs(&[worn], dir.path(), "worn")[0].clone();
    let log = dir.path().join("checks.log");
    // Two intact checks a year apart, then one with code 3 lost.
    for (when, scan, status) in [("1767312000", &clean, 0), ("1798848000", &clean, 0), ("1830384000", &worn, 3)] {
        bin().env("SOURCE_DATE_EPOCH", when).arg("verify").arg(scan).arg("--log").arg(&log).assert().code(status);
    }
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("2026-01-02 fingerprint="), "{}", lines[0]);
    assert!(lines[2].contains("verdict=degraded codes=3/4"), "{}", lines[2]);
    // A fourth check shows the trend of code 3.
    bin()
        .env("SOURCE_DATE_EPOCH", "1861920000")
        .arg("verify")
        .arg(&worn)
        .arg("--log")
        .arg(&log)
        .assert()
        .code(3)
        .stdout(predicate::str::contains("wearing since 2026-01-02 (3 earlier check(s))"))
        .stdout(predicate::str::contains("code 3: 0% → 0% → not read → not read since 2026-01-02"));
    // The log is never written through a symlink (the verdict is still given).
    let link = dir.path().join("link.log");
    std::os::unix::fs::symlink(&log, &link).unwrap();
    bin()
        .arg("verify")
        .arg(&clean)
        .arg("--log")
        .arg(&link)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("was not written: it is a symbolic link"));
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 4);
}

#[test]
fn verify_expect_judges_only_the_backup_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let a = encode(&sample("bip39.toml"), dir.path(), "a", &[]);
    let b = encode(&sample("exchange.toml"), dir.path(), "b", &[]);
    let fp_a = {
        let out = bin().arg("verify").arg(&a).arg("--json").assert().success();
        let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        v["sets"][0]["fingerprint"].as_str().unwrap().to_string()
    };
    // b's codes damaged (not restorable on its own page) do not count against a.
    let mut pages = rasterize(&b, 200.0);
    blank_codes(&mut pages[0], &(0..=255).collect::<Vec<u8>>());
    let b_pngs = save_pngs(&pages, dir.path(), "b");
    let out = bin().arg("verify").arg(&a).args(&b_pngs).args(["--expect", &fp_a, "--json"]).assert();
    let code = out.get_output().status.code();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["expect"]["found"], true);
    assert!(v["sets"].as_array().unwrap().len() >= 2, "both backups are reported: {v}");
    assert_eq!(v["verdict"], "intact", "{v}");
    assert_eq!(code, Some(0));
    // A fingerprint that is nowhere: not restorable, and said so.
    bin()
        .arg("verify")
        .arg(&a)
        .args(["--expect", "0000-0000-0000"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("No backup with the fingerprint 0000-0000-0000"));
}

/// Specks over the middle of one code (away from its finder patterns): a
/// code that still reads but needed much of its error correction.
fn speckle_code(img: &image::GrayImage, corners: &[(f32, f32); 4], specks: usize, seed: u64) -> image::GrayImage {
    let mut out = img.clone();
    let mut rng = Rng::new(seed);
    let side = ((corners[1].0 - corners[0].0).powi(2) + (corners[1].1 - corners[0].1).powi(2)).sqrt();
    let (cx, cy) = (corners.iter().map(|c| c.0).sum::<f32>() / 4.0, corners.iter().map(|c| c.1).sum::<f32>() / 4.0);
    let speck = (side / 40.0).max(3.0) as i64;
    for _ in 0..specks {
        // Within the central 60% of the symbol.
        let x = cx + (rng.unit() - 0.5) * side * 0.6;
        let y = cy + (rng.unit() - 0.5) * side * 0.6;
        let v = if rng.unit() < 0.5 { 0 } else { 255 };
        for dy in 0..speck {
            for dx in 0..speck {
                let (px, py) = (x as i64 + dx, y as i64 + dy);
                if px >= 0 && py >= 0 && (px as u32) < out.width() && (py as u32) < out.height() {
                    out.put_pixel(px as u32, py as u32, image::Luma([v]));
                }
            }
        }
    }
    out
}

#[test]
fn a_code_read_near_its_error_correction_limit_is_degraded() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = encode(&sample("bip39.toml"), dir.path(), "w", &[]);
    let page = rasterize(&pdf, 300.0).remove(0);
    let (_, corners) = locate_codes(&page).into_iter().find(|(i, _)| *i == 1).expect("code 2 is on the page");
    // More and more specks on code 2 until its read needs half of its error
    // correction or more while it still reads.
    let opts = paperseed::scan::DetectOptions { expected: None, effort: paperseed::scan::Effort::Normal };
    let mut worn = None;
    'search: for specks in (20..400).step_by(20) {
        for seed in 0..3 {
            let img = speckle_code(&page, &corners, specks, seed);
            let code2 = paperseed::scan::find_codes(&img, &opts)
                .into_iter()
                .find(|c| paperseed::format::Frame::parse(&c.text).is_ok_and(|f| f.index == 1));
            if let Some(used) = code2.and_then(|c| c.ecc).map(|e| e.used)
                && used >= paperseed::restore::report::NEAR_LIMIT
            {
                worn = Some((img, used));
                break 'search;
            }
        }
    }
    let (img, used) = worn.expect("some speckling leaves code 2 readable but near its limit");
    let png = save_pngs(&[img], dir.path(), "worn")[0].clone();
    bin()
        .arg("verify")
        .arg(&png)
        .assert()
        .code(3)
        .stdout(predicate::str::contains(format!(
            "code 2 needed {}% of its error correction: its ink is fading",
            (used * 100.0).round() as u32
        )))
        .stdout(predicate::str::contains("4 of 4 codes readable"));
}
