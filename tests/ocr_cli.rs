//! The recovery text through the binary: restore from pages whose QR codes
//! are all gone, verify's report of the text block, and `restore --type`.

mod common;

use common::*;
use paperseed::format::Frame;
use predicates::prelude::*;
use serde_json::Value;

fn recovery_lines(manifest: &str) -> Vec<String> {
    let text = std::fs::read_to_string(sample(manifest)).unwrap();
    let backup = paperseed::secret::manifest::parse(&text, &repo().join("samples")).unwrap();
    let opts = paperseed::EncodeOptions { date: "2026-01-02".into(), ..Default::default() };
    let out = paperseed::encode(&backup, &opts).unwrap();
    let frames: Vec<Vec<u8>> = out.frames.iter().map(|t| Frame::parse(t).unwrap().to_bytes()).collect();
    paperseed::ocr::lines::encode_frames(&frames)
}

#[test]
fn restore_from_the_recovery_text_when_every_code_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = encode(&sample("bip39.toml"), dir.path(), "w", &[]);
    let mut pages = rasterize(&pdf, 300.0);
    for page in &mut pages {
        blank_codes(page, &(0..=255).collect::<Vec<u8>>());
    }
    let pngs = save_pngs(&pages, dir.path(), "blank");
    let out = bin().arg("restore").args(&pngs).arg("--json").assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["secrets"][0]["words"], "legal winner thank year wave sausage worth useful legal winner thank yellow");
    bin()
        .arg("verify")
        .args(&pngs)
        .assert()
        .success()
        .stdout(predicate::str::contains("Recovery text:").and(predicate::str::contains("rebuilt from it")));
}

#[test]
fn typed_lines_are_checked_and_skipped_lines_are_covered() {
    let lines = recovery_lines("bip39.toml");
    // Skip every line of codes 2 and 5 (parity covers two lost codes of six), type one line of
    // code 1 with a wrong character (named, then code 1 is lost too), the rest in lower case with
    // odd spacing.
    let mut input = String::new();
    for (i, line) in lines.iter().enumerate() {
        let frame = paperseed::ocr::lines::parse_line(line, i + 1).unwrap().frame;
        if frame == 1 || frame == 4 {
            continue;
        }
        if i == 1 {
            let mut bad: Vec<char> = line.chars().collect();
            let j = bad.len() - 4;
            bad[j] = if bad[j] == '7' { '9' } else { '7' };
            input.push_str(&bad.into_iter().collect::<String>());
        } else {
            input.push_str(&line.to_lowercase().replace(' ', "  "));
        }
        input.push('\n');
    }
    let out = bin().args(["restore", "--type", "--json"]).write_stdin(input).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("line 2:") && stderr.contains("fails its check"), "the typo is named: {stderr}");
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["secrets"][0]["words"], "legal winner thank year wave sausage worth useful legal winner thank yellow");
    // Too few lines: exit 1 with what is missing.
    let few: String = lines.iter().take(3).map(|l| format!("{l}\n")).collect();
    bin().args(["restore", "--type"]).write_stdin(few).assert().code(1);
}

/// `restore --type` in a real terminal (a pseudo-terminal driven by Python's
/// `pty` module): prompts per line, names a typo, stops once enough lines are in.
#[test]
fn typing_in_a_terminal() {
    let python = std::process::Command::new("python3").arg("--version").output();
    if python.is_err() {
        assert!(std::env::var_os("PAPERSEED_REQUIRE_INTEROP").is_none(), "python3 is needed for the terminal test");
        eprintln!("skipped: python3 not found");
        return;
    }
    let script = r#"
import os, pty, sys, select
binary = sys.argv[1]
lines = sys.stdin.read().splitlines()
pid, fd = pty.fork()
if pid == 0:
    os.execv(binary, [binary, "restore", "--type"])
out = b""
def read_until(marker, timeout=20.0):
    global out
    while marker not in out:
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return False
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        out += chunk
    return True
for n, line in enumerate(lines, 1):
    if not read_until(("line %d> " % n).encode()):
        break
    os.write(fd, (line + "\n").encode())
read_until(b"\x00never", 20.0)
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
"#;
    let lines = recovery_lines("bip39.toml");
    let mut input = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            input.push_str("000 01A9AH PK3R4C 99\n"); // a typo first: named, then typed again
        }
        input.push_str(line);
        input.push('\n');
    }
    let binary = assert_cmd::cargo::cargo_bin("paperseed");
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&binary)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("line 1:") && text.contains("Type it again"), "{text}");
    assert!(text.contains("Enough lines to rebuild the secrets."), "{text}");
    assert!(text.contains("12. yellow"), "{text}");
}
