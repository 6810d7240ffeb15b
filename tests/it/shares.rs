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
