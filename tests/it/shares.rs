//! Protected sheets through the binary: passphrase encryption and K-of-N
//! shares, rendered to PDF and restored from every K-subset.

use crate::support::*;
use predicates::prelude::*;
use serde_json::Value;

const WORDS: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

fn encode_shares(
    dir: &std::path::Path,
    name: &str,
    spec: &str,
    holders: Option<&str>,
    passphrase: Option<&std::path::Path>,
) -> Vec<std::path::PathBuf> {
    let out = dir.join(format!("{name}.pdf"));
    let mut cmd = bin();
    cmd.arg("encode").arg(sample("bip39.toml")).arg("-o").arg(&out).args([
        "--shares",
        spec,
        "--scrypt-work-factor",
        "10",
    ]);
    if let Some(h) = holders {
        cmd.args(["--holders", h]);
    }
    if let Some(p) = passphrase {
        cmd.arg("--passphrase-file").arg(p);
    }
    cmd.assert().success();
    let n: usize = spec.split('/').nth(1).unwrap().parse().unwrap();
    (1..=n).map(|i| dir.join(format!("{name}.share{i}.pdf"))).collect()
}

fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    (0u32..(1 << n))
        .filter(|m| m.count_ones() as usize == k)
        .map(|m| (0..n).filter(|i| m >> i & 1 == 1).collect())
        .collect()
}

fn restore_words(files: &[&std::path::Path], passphrase: Option<&std::path::Path>) -> String {
    let mut cmd = bin();
    cmd.arg("restore").args(files).args(["--json", "-q", "--dpi", "200"]);
    if let Some(p) = passphrase {
        cmd.arg("--passphrase-file").arg(p);
    }
    let out = cmd.assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    v["secrets"][0]["words"].as_str().unwrap().to_string()
}

#[test]
fn every_k_subset_restores_with_and_without_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "correct horse battery staple\n").unwrap();
    for (spec, k, n) in [("2/3", 2, 3), ("3/5", 3, 5)] {
        for passphrase in [None, Some(pw.as_path())] {
            let name = format!("s{k}{n}{}", passphrase.is_some());
            let files = encode_shares(dir.path(), &name, spec, None, passphrase);
            for subset in subsets(n, k) {
                let chosen: Vec<&std::path::Path> = subset.iter().map(|&i| files[i].as_path()).collect();
                assert_eq!(
                    restore_words(&chosen, passphrase),
                    WORDS,
                    "{spec} {subset:?} passphrase={}",
                    passphrase.is_some()
                );
            }
        }
    }
}

#[test]
fn too_few_mixed_wrong_passphrase_and_single_share_verify() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "correct horse battery staple\n").unwrap();
    let a = encode_shares(dir.path(), "a", "2/3", Some("spouse,parents,attorney"), Some(&pw));
    let b = encode_shares(dir.path(), "b", "2/3", None, None);
    // Too few: says who holds the missing shares; a duplicate counts once.
    bin()
        .arg("restore")
        .arg(&a[1])
        .arg(&a[1])
        .args(["--passphrase-file"])
        .arg(&pw)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("2 of 3 needed, 1 found (share 2, holder: parents)"));
    // Shares of different splits are never combined.
    bin()
        .arg("restore")
        .arg(&a[0])
        .arg(&b[1])
        .arg("--passphrase-file")
        .arg(&pw)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1 found").and(predicate::str::contains("needed")));
    // Wrong passphrase: exit 1, nothing written.
    let wrong = dir.path().join("wrong.txt");
    std::fs::write(&wrong, "not the passphrase\n").unwrap();
    let out = dir.path().join("out.txt");
    bin()
        .arg("restore")
        .arg(&a[0])
        .arg(&a[2])
        .arg("--passphrase-file")
        .arg(&wrong)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("wrong passphrase"));
    assert!(!out.exists());
    // No terminal and no passphrase file: a clear usage error.
    bin().arg("restore").arg(&a[0]).arg(&a[2]).assert().code(2).stderr(predicate::str::contains("--passphrase-file"));
    // One share verifies as intact and says how many more are needed.
    bin()
        .arg("verify")
        .arg(&a[1])
        .assert()
        .success()
        .stdout(predicate::str::contains("share 2 of 3 (any 2 restore), holder: parents"))
        .stdout(predicate::str::contains("1 more share(s) are needed"));
}

#[test]
fn encrypted_sheet_shows_no_secret_and_needs_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw.txt");
    std::fs::write(&pw, "correct horse battery staple\n").unwrap();
    let pdf = dir.path().join("enc.pdf");
    bin()
        .arg("encode")
        .arg(sample("bip39.toml"))
        .arg("-o")
        .arg(&pdf)
        .args(["--scrypt-work-factor", "10", "--passphrase-file"])
        .arg(&pw)
        .assert()
        .success();
    // The words are nowhere in the PDF's text (extracted by hayro's renderer is not needed:
    // the PDF's fonts are subset, so look at what restore without a passphrase reveals).
    bin()
        .arg("verify")
        .arg(&pdf)
        .assert()
        .success()
        .stdout(predicate::str::contains("encrypted: the codes and their checksum are intact"));
    assert_eq!(restore_words(&[pdf.as_path()], Some(&pw)), WORDS);
    let pages = rasterize(&pdf, 200.0);
    let pngs = save_pngs(&pages, dir.path(), "enc");
    let refs: Vec<&std::path::Path> = pngs.iter().map(|p| p.as_path()).collect();
    assert_eq!(restore_words(&refs, Some(&pw)), WORDS);
}

#[test]
fn emergency_guide_is_printed_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let base = "title = \"Family\"\n[[secret]]\ntype = \"note\"\nlabel = \"n\"\ntext = \"hello\"\n";
    let guide = "[emergency]\nholder = \"Alice Martin\"\ncontact = [\"Bob, +44 20 7946 0958\"]\nafter_death = [\"Give the sheets to the executor.\"]\nwhere_are_shares = [\"Share 1: spouse\", \"Share 2: parents\"]\n";
    let pages = |manifest: &str, name: &str| {
        let m = dir.path().join(format!("{name}.toml"));
        std::fs::write(&m, manifest).unwrap();
        let pdf = encode(&m, dir.path(), name, &[]);
        std::fs::read(pdf).unwrap().len()
    };
    let without = pages(base, "plain");
    let with = pages(&format!("{base}{guide}"), "guide");
    // The guide's text (several hundred characters) is drawn: the PDF grows.
    assert!(with > without + 800, "the guide adds text: {without} -> {with} bytes");
    let m = dir.path().join("bad.toml");
    std::fs::write(&m, format!("{base}[emergency]\nholdr = \"x\"\n")).unwrap();
    bin()
        .arg("encode")
        .arg(&m)
        .arg("-o")
        .arg(dir.path().join("bad.pdf"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("[emergency]").and(predicate::str::contains("holdr")));
}

#[test]
fn a_reprint_keeps_the_emergency_guide() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.toml");
    std::fs::write(
        &manifest,
        "title = \"Family\"\n[[secret]]\ntype = \"note\"\nlabel = \"n\"\ntext = \"hello\"\n\
         [emergency]\nholder = \"Alice Martin\"\ncontact = [\"Bob, +44 20 7946 0958\"]\n\
         after_death = \"\"\"\nGive the sheets to the executor.\n\nThen call Bob.\n\"\"\"\n",
    )
    .unwrap();
    let first = bin()
        .arg("encode")
        .arg(&manifest)
        .arg("-o")
        .arg(dir.path().join("a.pdf"))
        .args(["--date", "2026-01-02"])
        .assert()
        .success();
    let fp = String::from_utf8_lossy(&first.get_output().stderr).lines().last().unwrap().to_string();
    // restore --json carries the guide; the text output shows it.
    let json = bin().arg("restore").arg(dir.path().join("a.pdf")).args(["--json", "-q"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert_eq!(v["emergency"]["holder"], "Alice Martin", "{v}");
    assert_eq!(v["emergency"]["contact"][0], "Bob, +44 20 7946 0958", "{v}");
    let text = bin().arg("restore").arg(dir.path().join("a.pdf")).arg("-q").assert().success();
    let text = String::from_utf8_lossy(&text.get_output().stdout).to_string();
    assert!(text.contains("Emergency guide") && text.contains("Then call Bob."), "{text}");
    // restore --format toml, then encode that manifest: the same backup, guide included.
    let toml = dir.path().join("back.toml");
    bin()
        .arg("restore")
        .arg(dir.path().join("a.pdf"))
        .args(["--format", "toml", "-q", "-o"])
        .arg(&toml)
        .assert()
        .success();
    let text = std::fs::read_to_string(&toml).unwrap();
    assert!(text.contains("[emergency]") && text.contains("Alice Martin") && text.contains("Then call Bob."), "{text}");
    let second = bin()
        .arg("encode")
        .arg(&toml)
        .arg("-o")
        .arg(dir.path().join("b.pdf"))
        .args(["--date", "2026-01-02"])
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&second.get_output().stderr).lines().last().unwrap(), fp);
    assert_eq!(std::fs::read(dir.path().join("a.pdf")).unwrap(), std::fs::read(dir.path().join("b.pdf")).unwrap());
}

/// Two share sheets of a 24-word seed made by the library, so the test
/// knows each sheet's recovery text, share words and fingerprints.
fn library_shares() -> (Vec<paperseed::ProtectedSheet>, paperseed::secret::Backup) {
    let toml = "title = \"Hardware wallet\"\n[[secret]]\ntype = \"mnemonic\"\nlabel = \"Trezor\"\nwords = \"void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold\"\n";
    let backup = paperseed::secret::manifest::parse(toml, std::path::Path::new(".")).unwrap();
    let holders: Vec<String> = ["spouse", "parents", "attorney"].iter().map(|s| s.to_string()).collect();
    let protection = paperseed::Protection { passphrase: None, work_factor: None, shares: Some((2, 3, holders)) };
    let opts = paperseed::EncodeOptions { date: "2026-01-01".into(), ..Default::default() };
    (paperseed::encode_protected(&backup, &opts, &protection).unwrap(), backup)
}

/// The SLIP-39 words a share sheet prints, from its recovery text.
fn words_of(sheet: &paperseed::ProtectedSheet) -> String {
    use paperseed::restore;
    let lines: Vec<restore::TextRead> = sheet
        .sheet
        .recovery_lines
        .iter()
        .map(|l| restore::TextRead { text: l.clone(), place: "test".into() })
        .collect();
    let report = restore::assemble_with_text(&[], &lines);
    let paperseed::assemble::Outcome::Restored { payload, .. } = &report.sets[0].outcome else { panic!() };
    paperseed::protect::shares::share_words(payload).unwrap().unwrap().join(" ")
}

#[test]
fn one_sheets_recovery_text_and_anothers_share_words_restore() {
    let (sheets, backup) = library_shares();
    let mut input: String = sheets[0].sheet.recovery_lines.iter().map(|l| format!("{l}\n")).collect();
    // The words as a holder types them: upper case, 4-letter prefixes.
    let typed: Vec<String> =
        words_of(&sheets[2]).split(' ').map(|w| w.chars().take(4).collect::<String>().to_uppercase()).collect();
    input.push_str(&typed.join(" "));
    input.push('\n');
    let out = bin().args(["restore", "--type", "--json"]).write_stdin(input.clone()).assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let paperseed::secret::Secret::Mnemonic { words, .. } = &backup.secrets[0] else { panic!() };
    assert_eq!(v["secrets"][0]["words"].as_str().unwrap(), words);
    // The fingerprint restore reports is the one every share sheet prints.
    let secrets_fp = sheets[0].secrets_fingerprint.unwrap().to_string();
    assert_eq!(v["fingerprint"].as_str().unwrap(), secrets_fp);
    assert!(sheets.iter().all(|s| s.secrets_fingerprint.unwrap().to_string() == secrets_fp));
    assert!(sheets.iter().all(|s| s.sheet.fingerprint.to_string() != secrets_fp), "the share's own codes differ");
    // Words alone restore nothing and say what is missing; a wrong word is named.
    bin()
        .args(["restore", "--type"])
        .write_stdin(format!("{}\n{}\n", words_of(&sheets[0]), words_of(&sheets[1])))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("recovery text too"));
    let mut wrong: Vec<&str> = typed.iter().map(String::as_str).collect();
    wrong[6] = "ZOO";
    bin()
        .args(["restore", "--type"])
        .write_stdin(format!("{}\n", wrong.join(" ")))
        .assert()
        .stderr(predicate::str::contains("word 7"));
}

#[test]
fn share_sheets_print_the_fingerprint_restore_reports() {
    let dir = tempfile::tempdir().unwrap();
    let files = encode_shares(dir.path(), "fp", "2/3", Some("spouse,parents,attorney"), None);
    let out =
        bin().arg("restore").arg(&files[0]).arg(&files[2]).args(["--json", "-q", "--dpi", "200"]).assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let restored = v["fingerprint"].as_str().unwrap().to_string();
    // encode says the same fingerprint of the secrets for every share.
    let again = dir.path().join("again.pdf");
    let enc = bin()
        .arg("encode")
        .arg(sample("bip39.toml"))
        .arg("-o")
        .arg(&again)
        .args(["--shares", "2/3"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&enc.get_output().stderr).to_string();
    assert!(stderr.contains(&format!("Fingerprint of the secrets {restored}")), "{stderr}");
}

#[test]
fn shares_are_verified_together() {
    let dir = tempfile::tempdir().unwrap();
    let files = encode_shares(dir.path(), "v", "2/3", Some("spouse,parents,attorney"), None);
    let out = bin().arg("restore").arg(&files[0]).arg(&files[1]).args(["--json", "-q"]).assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let secrets_fp = v["fingerprint"].as_str().unwrap().to_string();
    // Two shares: each intact, and together they restore, with the fingerprint
    // the share sheets print.
    bin()
        .arg("verify")
        .arg(&files[0])
        .arg(&files[2])
        .assert()
        .success()
        .stdout(predicate::str::contains("Present: share 1 (spouse), share 3 (attorney)"))
        .stdout(predicate::str::contains(format!(
            "Together they restore the secrets: fingerprint of the secrets {secrets_fp}"
        )));
    // One share: intact on its own, and whose shares are missing.
    bin().arg("verify").arg(&files[1]).assert().success().stdout(predicate::str::contains(
        "1 more share(s) needed to restore, from: share 1 (spouse), share 3 (attorney)",
    ));
    // --expect with the fingerprint of the secrets names the split.
    let out =
        bin().arg("verify").arg(&files[0]).arg(&files[1]).args(["--expect", &secrets_fp, "--json"]).assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["expect"]["found"], true);
    assert_eq!(v["splits"][0]["restorable"], true);
    assert_eq!(v["splits"][0]["fingerprint"], secrets_fp.as_str());
}
