//! Hardening, second round (issue 18): files that never end or never open,
//! inputs that compress too well, files with the same name, passphrases in
//! another Unicode form.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::*;

/// Make a FIFO at `dir/name`.
fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let status = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(status.success());
    path
}

/// A run must end within this, or the test fails (no hang).
const PROMPTLY: Duration = Duration::from_secs(60);

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_file_secret_whose_size_says_zero_is_read_with_a_cap() {
    // /proc/self/pagemap reports size 0 and holds gigabytes.
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.toml");
    std::fs::write(
        &manifest,
        "title = \"t\"\n[[secret]]\ntype = \"file\"\nlabel = \"map\"\npath = \"/proc/self/pagemap\"\n",
    )
    .unwrap();
    let out =
        bin().arg("encode").arg(&manifest).arg("-o").arg(dir.path().join("o.pdf")).timeout(PROMPTLY).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("/proc/self/pagemap is larger than 16384 bytes"), "{err}");
}

#[test]
fn devices_and_fifos_are_refused_by_name_never_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path(), "pipe");
    let pipe_s = pipe.display().to_string();
    let out_pdf = dir.path().join("o.pdf");

    // --font: a device that never ends, a FIFO with no writer.
    for (font, what) in [("/dev/zero", "is a character device"), (pipe_s.as_str(), "is a FIFO (named pipe)")] {
        let out = bin()
            .arg("encode")
            .arg(sample("totp.toml"))
            .arg("-o")
            .arg(&out_pdf)
            .args(["--font", font])
            .timeout(PROMPTLY)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "--font {font}: {err}");
        assert!(err.contains(&format!("{font} {what}")), "--font {font}: {err}");
    }
    assert!(!out_pdf.exists());

    // The manifest, a file secret, a passphrase file, a scan to restore.
    let keyfile = dir.path().join("k.toml");
    std::fs::write(
        &keyfile,
        format!("title = \"t\"\n[[secret]]\ntype = \"file\"\nlabel = \"k\"\npath = \"{pipe_s}\"\n"),
    )
    .unwrap();
    let runs: Vec<Vec<String>> = vec![
        vec!["encode".into(), pipe_s.clone(), "-o".into(), out_pdf.display().to_string()],
        vec!["encode".into(), keyfile.display().to_string(), "-o".into(), out_pdf.display().to_string()],
        vec![
            "encode".into(),
            sample("totp.toml").display().to_string(),
            "-o".into(),
            out_pdf.display().to_string(),
            "--passphrase-file".into(),
            pipe_s.clone(),
        ],
        vec!["restore".into(), pipe_s.clone()],
        vec!["restore".into(), "/dev/zero".into()],
        vec!["import".into(), pipe_s.clone(), "-o".into(), "-".into()],
    ];
    for args in runs {
        let out = bin().args(&args).timeout(PROMPTLY).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("not a regular file"), "{args:?}: {err}");
        assert!(err.contains(&pipe_s) || err.contains("/dev/zero"), "{args:?}: {err}");
    }
}

#[test]
fn secrets_that_compress_beyond_what_a_reader_unpacks_are_refused_not_a_panic() {
    // 40 notes of 7,000 repeated characters: 280 KB that deflate to almost
    // nothing, more than the 256 KiB a reader inflates. encode panicked
    // ("an envelope just sealed opens: Inflate", exit 101).
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("notes.toml");
    let mut text = String::from("title = \"Many notes\"\n");
    for i in 0..40 {
        text.push_str(&format!("[[secret]]\ntype = \"note\"\nlabel = \"n{i}\"\ntext = \"{}\"\n", "x".repeat(7000)));
    }
    std::fs::write(&manifest, text).unwrap();
    let out_pdf = dir.path().join("o.pdf");
    let out = bin().arg("encode").arg(&manifest).arg("-o").arg(&out_pdf).timeout(PROMPTLY).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("more than the 262144 bytes (256 KiB) a reader of the sheet unpacks"), "{err}");
    assert!(!err.contains("xxxxxxxx"), "no note in the message: {err}");
    assert!(!out_pdf.exists());
}

#[test]
fn two_embedded_files_with_one_name_are_refused_at_encode() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("key.txt"), format!("key {sub}\n")).unwrap();
    }
    let manifest = dir.path().join("m.toml");
    std::fs::write(
        &manifest,
        "title = \"t\"\n\
         [[secret]]\ntype = \"file\"\nlabel = \"First key\"\npath = \"a/key.txt\"\n\
         [[secret]]\ntype = \"note\"\nlabel = \"n\"\ntext = \"x\"\n\
         [[secret]]\ntype = \"file\"\nlabel = \"Second key\"\npath = \"b/key.txt\"\n",
    )
    .unwrap();
    let out_pdf = dir.path().join("o.pdf");
    let out = bin().arg("encode").arg(&manifest).arg("-o").arg(&out_pdf).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("secret 1 (\"First key\") and secret 3 (\"Second key\") both embed a file named \"key.txt\""),
        "{err}"
    );
    assert!(err.contains("another name"), "a hint: {err}");
    assert!(!out_pdf.exists());
}

#[test]
fn restore_never_writes_one_embedded_file_over_another() {
    use paperseed::format::{self, PayloadKind};
    use paperseed::secret::{Backup, Secret};
    // A sheet holding two files named alike (as paperseed 0.2 printed
    // them), typed back from its recovery text.
    let file =
        |label: &str, data: &[u8]| Secret::File { label: label.into(), name: "key.txt".into(), data: data.to_vec() };
    let backup = Backup {
        title: "Two keys".into(),
        secrets: vec![file("First", b"first key\n"), file("Second", b"second key\n")],
        emergency: None,
    };
    let (_, carried) = paperseed::payload_of(&backup);
    let plan = paperseed::plan::plan(carried.len(), None, None).unwrap();
    let lines = format::text::encode(PayloadKind::Sheet, plan.k as u8, plan.n as u8, &carried).unwrap();
    let typed: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("files");
    for force in [false, true] {
        let mut cmd = bin();
        cmd.args(["restore", "--type", "-o"]).arg(dir.path().join("out.txt")).arg("--files-to").arg(&to);
        if force {
            cmd.arg("--force");
        }
        let out = cmd.write_stdin(typed.clone()).output().unwrap();
        let err = stderr_of(&out);
        if force {
            assert_eq!(out.status.code(), Some(0), "--force: {err}");
        } else {
            assert_eq!(out.status.code(), Some(0), "{err}");
            assert!(err.contains("key (2).txt") && err.contains("also named \"key.txt\""), "{err}");
        }
        assert_eq!(std::fs::read(to.join("key.txt")).unwrap(), b"first key\n");
        assert_eq!(std::fs::read(to.join("key (2).txt")).unwrap(), b"second key\n");
        assert_eq!(std::fs::read_dir(&to).unwrap().count(), 2);
    }
}

#[test]
fn a_passphrase_typed_in_another_unicode_form_opens_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let nfc = dir.path().join("nfc.txt");
    let nfd = dir.path().join("nfd.txt");
    std::fs::write(&nfc, "Cr\u{e8}me br\u{fb}l\u{e9}e \u{e0} Z\u{fc}rich\n").unwrap();
    std::fs::write(&nfd, "Cre\u{300}me bru\u{302}le\u{301}e a\u{300} Zu\u{308}rich\n").unwrap();
    let pdf = encode(
        &sample("totp.toml"),
        dir.path(),
        "enc",
        &["--passphrase-file", nfd.to_str().unwrap(), "--scrypt-work-factor", "10"],
    );
    bin().arg("restore").arg(&pdf).arg("--passphrase-file").arg(&nfc).assert().success();
    bin().arg("restore").arg(&pdf).arg("--passphrase-file").arg(&nfd).assert().success();
}

#[test]
fn passphrase_files_with_what_a_person_cannot_see() {
    let dir = tempfile::tempdir().unwrap();
    let out_pdf = dir.path().join("o.pdf");
    let run = |content: &[u8]| {
        let file = dir.path().join("pass.txt");
        std::fs::write(&file, content).unwrap();
        bin()
            .arg("encode")
            .arg(sample("totp.toml"))
            .arg("-o")
            .arg(&out_pdf)
            .args(["--force", "--scrypt-work-factor", "10", "--passphrase-file"])
            .arg(&file)
            .output()
            .unwrap()
    };
    // Refused: blank, a NUL, a tab; nothing written, the passphrase not repeated.
    for content in [&b"        \n"[..], b"\t\t\n", b"hiddenword\0more\n", b"hiddenword\tmore\n"] {
        let out = run(content);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{content:?}: {err}");
        assert!(err.contains("pass.txt"), "{err}");
        assert!(!err.contains("hiddenword"), "{err}");
        assert!(!out_pdf.exists());
    }
    // Warned about: a byte-order mark (dropped), a trailing space (kept).
    let out = run("\u{feff}correct horse battery\n".as_bytes());
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning: the passphrase file") && err.contains("byte-order mark"), "{err}");
    let pdf = dir.path().join("o.pdf");
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "correct horse battery\n").unwrap();
    bin().arg("restore").arg(&pdf).arg("--passphrase-file").arg(&plain).assert().success();
    let out = run(b"correct horse battery \n");
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("starts or ends with a space"), "{err}");
}

#[test]
fn invisible_and_direction_changing_characters_are_warned_about_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.toml");
    std::fs::write(
        &manifest,
        "title = \"Bills\"\n\
         [[secret]]\ntype = \"note\"\nlabel = \"Pay\u{200B}ee\"\ntext = \"pay to \u{202E}1234 5678\"\n",
    )
    .unwrap();
    let out = bin()
        .arg("encode")
        .arg(&manifest)
        .arg("-o")
        .arg(dir.path().join("s.pdf"))
        .args(["--date", "2026-01-02"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("secret 1 (\"Pay<U+200B>ee\"): the label holds characters a person cannot see"), "{err}");
    assert!(err.contains("secret 1 (\"Pay<U+200B>ee\"): the note holds") && err.contains("(U+202E)"), "{err}");
    let out = bin().arg("restore").arg(dir.path().join("s.pdf")).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(text.contains("pay to <U+202E>1234 5678"), "{text}");
    assert!(!text.contains('\u{202E}') && !text.contains('\u{200B}'), "{text}");
    // The data itself is unchanged: JSON carries the characters.
    let out = bin().arg("restore").arg(dir.path().join("s.pdf")).arg("--json").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{202E}'));
}

#[test]
fn a_file_secret_that_is_a_symlink_says_what_is_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real-secret.txt");
    std::fs::write(&target, "the real content\n").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("key.txt")).unwrap();
    let manifest = dir.path().join("m.toml");
    std::fs::write(&manifest, "title = \"t\"\n[[secret]]\ntype = \"file\"\nlabel = \"Key\"\npath = \"key.txt\"\n")
        .unwrap();
    let out = bin().arg("encode").arg(&manifest).arg("-o").arg(dir.path().join("s.pdf")).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let real = std::fs::canonicalize(&target).unwrap();
    assert!(
        err.contains(&format!(
            "secret 1 (\"Key\"): key.txt is a symbolic link; the file embedded is the one it points to, {}",
            real.display()
        )),
        "{err}"
    );
}

/// Encode the bip39 sample; returns the PDF and its fingerprint.
fn sheet_and_fingerprint(dir: &Path) -> (PathBuf, String) {
    let pdf = encode(&sample("bip39.toml"), dir, "sheet", &[]);
    let out = bin().arg("verify").arg(&pdf).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let fp = text
        .split_whitespace()
        .find(|w| w.len() == 14 && w.matches('-').count() == 2)
        .unwrap_or_else(|| panic!("no fingerprint in {text}"))
        .to_string();
    (pdf, fp)
}

#[test]
fn twenty_checks_at_once_keep_all_twenty_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (pdf, _) = sheet_and_fingerprint(dir.path());
    let log = dir.path().join("checks.log");
    let exe = assert_cmd::cargo::cargo_bin("paperseed");
    let children: Vec<_> = (0..20)
        .map(|_| {
            std::process::Command::new(&exe)
                .arg("verify")
                .arg(&pdf)
                .arg("--log")
                .arg(&log)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    }
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), 20, "{text}");
    assert!(text.lines().all(|l| l.contains("verdict=intact")), "{text}");
}

#[test]
fn a_log_that_cannot_be_written_still_gets_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let (pdf, _) = sheet_and_fingerprint(dir.path());
    let target = dir.path().join("real.log");
    std::fs::write(&target, "").unwrap();
    let link = dir.path().join("link.log");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let big = dir.path().join("big.log");
    std::fs::write(&big, "x".repeat(2 << 20)).unwrap();
    let mut cases =
        vec![(fifo(dir.path(), "pipe.log"), "FIFO"), (link.clone(), "symbolic link"), (big.clone(), "larger than")];
    // A read-only folder stops everyone but root.
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
    if std::fs::write(ro.join("probe"), "").is_err() {
        cases.push((ro.join("checks.log"), "ermission denied"));
    }
    for (log, why) in cases {
        let out = bin().arg("verify").arg(&pdf).arg("--log").arg(&log).timeout(PROMPTLY).output().unwrap();
        let err = stderr_of(&out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{}: {err}", log.display());
        assert!(stdout.contains("Result: INTACT"), "{stdout}");
        assert!(err.contains("was not written"), "{err}");
        assert!(err.contains(why), "{why}: {err}");
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "");
    assert_eq!(std::fs::metadata(&big).unwrap().len(), 2 << 20);
}

#[test]
fn the_log_keeps_its_mode_and_its_hard_links() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (pdf, _) = sheet_and_fingerprint(dir.path());
    let log = dir.path().join("checks.log");
    std::fs::write(&log, "my own note\n").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o640)).unwrap();
    let other = dir.path().join("other-name.log");
    std::fs::hard_link(&log, &other).unwrap();
    bin().arg("verify").arg(&pdf).arg("--log").arg(&log).assert().code(0);
    assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o640);
    let text = std::fs::read_to_string(&other).unwrap();
    assert!(text.starts_with("my own note\n") && text.contains("verdict=intact"), "{text}");
}

#[test]
fn log_fields_are_shown_escaped_and_absurd_numbers_are_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let (pdf, fp) = sheet_and_fingerprint(dir.path());
    let log = dir.path().join("checks.log");
    // A date field holding a terminal escape (set the window title, clear the screen).
    std::fs::write(
        &log,
        format!("\x1b]0;pwned\x07\x1b[2J fingerprint={fp} verdict=intact codes=4/4 ecc=0,0,0,0 text=14/14\n"),
    )
    .unwrap();
    let out = bin().arg("verify").arg(&pdf).arg("--log").arg(&log).timeout(PROMPTLY).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!stdout.contains('\x1b') && !stdout.contains('\x07'), "{stdout:?}");
    assert!(stdout.contains("no code has worn since \\u{1b}]0;pwned"), "{stdout}");

    // Numbers no check writes: the line is not a check (no overflow, no panic).
    let log = dir.path().join("absurd.log");
    std::fs::write(
        &log,
        format!(
            "2026-01-02 fingerprint={fp} verdict=intact codes=4/4 ecc=4294967286,0,0,0 text=14/14\n\
             2026-01-03 fingerprint={fp} verdict=intact codes=4/4 ecc=0,0,0,0 text=18446744073709551615/14\n"
        ),
    )
    .unwrap();
    let out = bin().arg("verify").arg(&pdf).arg("--log").arg(&log).timeout(PROMPTLY).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout.contains(&format!("{fp}: first logged check.")), "{stdout}");
}

#[test]
fn every_output_is_checked_before_any_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pdf = encode(&sample("totp.toml"), d, "t", &[]);
    std::fs::write(d.join("existing.txt"), "mine\n").unwrap();
    std::os::unix::fs::symlink(d.join("elsewhere.txt"), d.join("link.txt")).unwrap();
    let restore = |args: &[&std::ffi::OsStr]| {
        let out = bin().current_dir(d).arg("restore").arg(&pdf).args(args).timeout(PROMPTLY).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
        stderr_of(&out)
    };
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    for (output, why) in [
        ("existing.txt", "existing.txt already exists; pass --force"),
        ("link.txt", "link.txt is a symbolic link"),
        ("/dev/full", "/dev/full is not a regular file"),
        ("nodir/x.txt", "the folder nodir does not exist"),
    ] {
        let err = restore(&[os("--otp-codes"), os("k.pdf"), os("-o"), os(output)]);
        assert!(err.contains(why), "{output}: {err}");
        assert!(!d.join("k.pdf").exists(), "{output}: k.pdf was written before -o was refused");
        assert!(!d.join("elsewhere.txt").exists());
    }
    // An export into a missing folder: -o is not written either, and --force is no help.
    let err = restore(&[os("--otp-codes"), os("nodir/k.pdf"), os("-o"), os("new.txt")]);
    assert!(err.contains("the folder nodir does not exist"), "{err}");
    assert!(!err.contains("--force"), "{err}");
    assert!(!d.join("new.txt").exists());
    assert_eq!(std::fs::read_to_string(d.join("existing.txt")).unwrap(), "mine\n");

    // Control characters in a path are shown escaped, never sent raw to the terminal.
    let odd = "a\nb\x1b[31m.txt";
    std::fs::write(d.join(odd), "").unwrap();
    let err = restore(&[os("-o"), os(odd)]);
    assert!(err.contains("a\\nb\\u{1b}[31m.txt already exists"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
}

#[test]
fn forged_codes_of_the_set_are_reported_not_ignored() {
    use paperseed::format::Frame;
    use paperseed::interop::termqr;
    use paperseed::sheet::qr::{Ecc, encode as qr_encode};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pdf = encode(&sample("bip39.toml"), d, "w", &[]);
    let page = &rasterize(&pdf, 200.0)[0];
    // The genuine codes, alone on an image (no recovery text).
    let mut frames: Vec<Frame> = paperseed::scan::find_codes(
        page,
        &paperseed::scan::DetectOptions { expected: None, effort: paperseed::scan::Effort::Normal },
    )
    .into_iter()
    .filter_map(|c| Frame::parse(&c.text).ok())
    .collect();
    frames.sort_by_key(|f| f.index);
    assert_eq!(frames.len(), 4);
    let png_of = |frame: &Frame, name: &str| {
        let symbol = qr_encode(&frame.to_text(), Ecc::Q).unwrap();
        let path = d.join(name);
        std::fs::write(&path, termqr::png(&termqr::symbol_image(&symbol, 6, 4)).unwrap()).unwrap();
        path
    };
    let genuine: Vec<PathBuf> = frames.iter().map(|f| png_of(f, &format!("code{}.png", f.index + 1))).collect();
    // CRC-valid frames of the same set, for codes 1 to 3, whose contents do not fit.
    let forged: Vec<PathBuf> = [0usize, 1, 2]
        .iter()
        .map(|&i| {
            let mut f = frames[i].clone();
            f.shard.iter_mut().for_each(|b| *b ^= 0x5a);
            png_of(&f, &format!("forged{}.png", i + 1))
        })
        .collect();
    let out = bin().arg("verify").args(&genuine).args(&forged).timeout(PROMPTLY).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let all = format!("{stdout}{}", stderr_of(&out));
    assert!(!stdout.contains("with the help of the recovery text"), "{stdout}");
    assert!(stdout.contains("3 codes read do not fit"), "{all}");
    assert!(stdout.contains("4 of 4 codes readable"), "{all}");
    assert!(stdout.contains("forged1.png") && stdout.contains("forged3.png"), "{all}");

    let out = bin().arg("restore").args(&genuine).args(&forged).timeout(PROMPTLY).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("3 codes read do not fit") && err.contains("forged3.png"), "{err}");
}
