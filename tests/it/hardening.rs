//! Hardening of the binary (issue 11): what it refuses to write over, what
//! it never repeats on the terminal, and small command-line rules.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use crate::support::*;
use predicates::prelude::*;

fn words() -> &'static str {
    "deer demand sausage gossip vendor flavor boil smart stick bless quarter mad"
}

/// Files in `dir` whose names start with `.paperseed-` (temporaries left behind).
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".paperseed-"))
        .collect()
}

fn assert_quiet_about(stderr: &[u8], secret: &str) {
    let s = String::from_utf8_lossy(stderr);
    assert!(!s.contains(secret), "the secret {secret:?} is in the error output:\n{s}");
}

#[test]
fn force_does_not_replace_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    std::fs::create_dir(&vault).unwrap();
    let target = vault.join("sheet.pdf");
    std::fs::write(&target, b"old sheet").unwrap();
    let link = dir.path().join("link.pdf");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    bin()
        .arg("encode")
        .arg(sample("exchange.toml"))
        .arg("-o")
        .arg(&link)
        .arg("--force")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("symbolic link"));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
    assert_eq!(std::fs::read(&target).unwrap(), b"old sheet");
    assert!(leftovers(dir.path()).is_empty());

    // The same writer serves import -o.
    let uris = dir.path().join("uris.txt");
    std::fs::write(&uris, "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n").unwrap();
    bin().arg("import").arg(&uris).arg("-o").arg(&link).arg("--force").assert().code(2);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), b"old sheet");
}

#[test]
fn force_does_not_replace_a_device_or_a_fifo() {
    // A private device node (the same as /dev/null: char 1,3), not the
    // system's: a regression must not replace the machine's /dev/null.
    let dev_dir = tempfile::tempdir().unwrap();
    let dev = dev_dir.path().join("null");
    let made = std::process::Command::new("mknod").arg(&dev).args(["c", "1", "3"]).status();
    if made.is_ok_and(|s| s.success()) {
        bin()
            .arg("encode")
            .arg(sample("exchange.toml"))
            .arg("-o")
            .arg(&dev)
            .arg("--force")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("not a regular file"));
        assert!(std::fs::symlink_metadata(&dev).unwrap().file_type().is_char_device(), "still a device");
        assert!(leftovers(dev_dir.path()).is_empty());
    } else {
        eprintln!("note: mknod is not permitted here (not root); the device case is not tested");
    }

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.pdf");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    bin()
        .arg("encode")
        .arg(sample("exchange.toml"))
        .arg("-o")
        .arg(&fifo)
        .arg("--force")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a regular file"));
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is still a FIFO");
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn encode_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(dir.path())
        .arg("encode")
        .arg(sample("exchange.toml"))
        .args(["-o", "-", "--date", "2026-01-02"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.starts_with(b"%PDF"));
    assert!(!dir.path().join("-").exists(), "no file named -");
    // The same bytes as a file.
    let file = encode(&sample("exchange.toml"), dir.path(), "f", &[]);
    assert_eq!(std::fs::read(file).unwrap(), out.stdout);

    bin()
        .current_dir(dir.path())
        .arg("encode")
        .arg(sample("exchange.toml"))
        .args(["-o", "-", "--shares", "2/3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--shares"));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn share_sheets_are_written_all_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.pdf");
    let share = |i: u32| dir.path().join(format!("s.share{i}.pdf"));
    // OUT itself is not written with --shares: a file there is no obstacle.
    std::fs::write(&out, b"unrelated").unwrap();
    bin().arg("encode").arg(sample("exchange.toml")).arg("-o").arg(&out).args(["--shares", "2/3"]).assert().success();
    let old: Vec<Vec<u8>> = (1..=3).map(|i| std::fs::read(share(i)).unwrap()).collect();

    // Share 2's path becomes something that cannot be replaced.
    std::fs::remove_file(share(2)).unwrap();
    std::fs::create_dir(share(2)).unwrap();
    bin()
        .arg("encode")
        .arg(sample("exchange.toml"))
        .arg("-o")
        .arg(&out)
        .args(["--shares", "2/3", "--force"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("s.share2.pdf"));
    assert_eq!(std::fs::read(share(1)).unwrap(), old[0], "share 1 untouched");
    assert_eq!(std::fs::read(share(3)).unwrap(), old[2], "share 3 untouched");
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));

    // With the path free again, all three are replaced by a new split.
    std::fs::remove_dir(share(2)).unwrap();
    bin()
        .arg("encode")
        .arg(sample("exchange.toml"))
        .arg("-o")
        .arg(&out)
        .args(["--shares", "2/3", "--force"])
        .assert()
        .success();
    assert_ne!(std::fs::read(share(1)).unwrap(), old[0]);
    assert_ne!(std::fs::read(share(3)).unwrap(), old[2]);
    assert!(share(2).is_file());
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn secrets_given_as_arguments_are_not_repeated_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.pdf");
    let out = out.to_str().unwrap();

    let run = |args: &[&str]| {
        let o = bin().current_dir(dir.path()).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        o.stderr
    };
    assert_quiet_about(&run(&["encode", "--mnemonic", words(), "-o", out]), "deer demand");
    assert_quiet_about(&run(&["encode", &format!("--mnemonic={}", words()), "-o", out]), "deer demand");
    assert_quiet_about(&run(&["encode", "--codes", "a3f8-9d2c bk4m-xy7p", "-o", out]), "a3f8-9d2c");
    // --passphrase is a flag: a value after it is the manifest, or an unexpected argument.
    assert_quiet_about(&run(&["encode", "--passphrase", "my secret words", "-o", out]), "my secret words");
    let manifest = sample("exchange.toml");
    let manifest = manifest.to_str().unwrap();
    assert_quiet_about(&run(&["encode", manifest, "--passphrase", "my secret words", "-o", out]), "my secret words");
    assert_quiet_about(&run(&["encode", manifest, "--passphrase=hunter2", "-o", out]), "hunter2");
    // A passphrase starting with a dash: clap reads its start as an option.
    assert_quiet_about(&run(&["encode", manifest, "--passphrase", "-Xy9secret", "-o", out]), "-X");
    assert_quiet_about(&run(&["restore", "x.png", "--passphrase=hunter2"]), "hunter2");
    assert!(!Path::new(out).exists());

    // A TOML syntax error on a line holding a secret: the place, not the line.
    let bad = "title = \"x\"\n[[secret]]\ntype = \"note\"\nlabel = \"PIN\"\ntext = \"hunter2 is the PIN\n";
    let o = bin().current_dir(dir.path()).args(["encode", "-", "-o", out]).write_stdin(bad).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_quiet_about(&o.stderr, "hunter2");
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 5"), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A manifest's semantic errors (a bad key, a code written as a number, a
/// missing field) give the line and column of the value, or of the secret's
/// header, and the secret's number and label, but never the value.
#[test]
fn manifest_errors_give_line_and_column_but_not_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.toml");
    let out = dir.path().join("m.pdf");
    let run = |text: &str| {
        std::fs::write(&manifest, text).unwrap();
        let o = bin().arg("encode").arg(&manifest).arg("-o").arg(&out).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(!out.exists());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let good = "title = \"Accounts\"\n\n[[secret]]\ntype = \"note\"\nlabel = \"PIN\"\ntext = \"4711\"\n\n\
                [[secret]]\ntype = \"totp\"\nlabel = \"GitHub\"\nsecret = \"JBSW Y3DP EHPK 3PXP\"\n";
    // A key with a character that is not base32, in the second secret.
    let err = run(&good.replace("JBSW Y3DP EHPK 3PXP", "JBSW Y3DP EHPK 3PX0"));
    assert!(err.contains("m.toml: line 11, column 10: secret 2 (\"GitHub\"): `secret`:"), "{err}");
    assert_quiet_about(err.as_bytes(), "JBSW");
    assert_quiet_about(err.as_bytes(), "3PX0");
    // A backup code written as a number: the code's own place.
    let err = run(&good.replace("text = \"4711\"", "text = \"x\"").replace(
        "type = \"note\"\nlabel = \"PIN\"\ntext = \"x\"",
        "type = \"backup-codes\"\nlabel = \"Bank\"\ncodes = [\"1234\", 98765432]",
    ));
    assert!(err.contains("line 6, column 18: secret 1 (\"Bank\"): code 2 must be a quoted string"), "{err}");
    assert_quiet_about(err.as_bytes(), "98765432");
    // A missing field: the secret's header, and the hint on its own line.
    let err = run(&good.replace("secret = \"JBSW Y3DP EHPK 3PXP\"\n", ""));
    assert!(err.contains("line 8, column 1: secret 2 (\"GitHub\"): missing `secret` or `uri`\nhint: "), "{err}");
    assert_quiet_about(err.as_bytes(), "4711");
}

#[test]
fn a_note_on_the_command_line_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .arg("encode")
        .args(["--note", "call Anna", "-o"])
        .arg(dir.path().join("n.pdf"))
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: the note was given on the command line"));
}

#[test]
fn typed_lines_are_bounded_and_not_repeated() {
    let long = "A".repeat(200_000);
    let typed = format!("{long}\nQWERTYUIOPASDFGHJKLZXCVBNM23456789\n");
    let o = bin().args(["restore", "--type"]).write_stdin(typed).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.len() < 2000, "stderr is {} bytes", err.len());
    assert!(err.contains("200000 bytes"), "{err}");
    assert!(!err.contains("QWERTYUIOPASDFGH"), "{err}");
}

#[test]
fn passphrase_files_follow_the_prompt_rule() {
    let dir = tempfile::tempdir().unwrap();
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "abcde\n").unwrap();
    let out = dir.path().join("e.pdf");
    bin()
        .arg("encode")
        .arg(sample("exchange.toml"))
        .arg("-o")
        .arg(&out)
        .arg("--passphrase-file")
        .arg(&pass)
        .args(["--scrypt-work-factor", "10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("shorter than 8 characters"));
    assert!(!out.exists());
    std::fs::write(&pass, "abcdefgh\n").unwrap();
    bin()
        .arg("encode")
        .arg(sample("exchange.toml"))
        .arg("-o")
        .arg(&out)
        .arg("--passphrase-file")
        .arg(&pass)
        .args(["--scrypt-work-factor", "10"])
        .assert()
        .success();
}

#[test]
fn protected_sheets_keep_the_title_out_of_the_pdf_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.toml");
    let text = std::fs::read_to_string(sample("exchange.toml")).unwrap();
    let text = text.lines().filter(|l| !l.starts_with("title")).collect::<Vec<_>>().join("\n");
    std::fs::write(&manifest, format!("title = \"Zanzibar Vault\"\n{text}\n")).unwrap();
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);

    let plain = encode(&manifest, dir.path(), "plain", &[]);
    assert!(contains(&std::fs::read(plain).unwrap(), b"Zanzibar Vault"), "plain sheets keep their title");

    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "correct horse battery\n").unwrap();
    let pass = pass.to_str().unwrap();
    let enc = encode(&manifest, dir.path(), "enc", &["--passphrase-file", pass, "--scrypt-work-factor", "10"]);
    assert!(!contains(&std::fs::read(enc).unwrap(), b"Zanzibar Vault"));
    encode(&manifest, dir.path(), "sh", &["--shares", "2/3"]);
    for i in 1..=3 {
        let pdf = std::fs::read(dir.path().join(format!("sh.share{i}.pdf"))).unwrap();
        assert!(!contains(&pdf, b"Zanzibar Vault"), "share {i}");
    }
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = encode(&sample("exchange.toml"), dir.path(), "v", &[]);
    for _ in 0..3 {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("paperseed"))
            .arg("verify")
            .arg(&pdf)
            .args(["--json", "--effort", "quick"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(out.status.code(), Some(0), "{err}");
    }
}

#[test]
fn value_rules() {
    let dir = tempfile::tempdir().unwrap();
    encode(&sample("exchange.toml"), dir.path(), "upper", &["--ecc", "H", "--paper", "A4"]);
    encode(&sample("exchange.toml"), dir.path(), "letter", &["--paper", "Letter"]);
    for dpi in ["0", "100000"] {
        bin().args(["verify", "x.pdf", "--dpi", dpi]).assert().code(2).stderr(predicate::str::contains("--dpi"));
    }
}

#[test]
fn files_to_folder_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = encode(&sample("keyfile.toml"), dir.path(), "k", &[]);
    let folder = dir.path().join("restored").join("files");
    bin().arg("restore").arg(&pdf).arg("--files-to").arg(&folder).arg("-q").assert().success();
    for d in [&folder, &dir.path().join("restored")] {
        let mode = std::fs::metadata(d).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} is {mode:o}", d.display());
    }
}
