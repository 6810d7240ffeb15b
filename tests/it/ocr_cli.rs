//! The recovery text through the binary: restore from pages whose QR codes
//! are all gone, verify's report of the text block, and `restore --type`.

use crate::support::*;
use paperseed::format::text;
use predicates::prelude::*;
use serde_json::Value;

const WORDS: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

/// The recovery-text lines (format v2) printed on the sheet of `manifest`.
fn recovery_lines(manifest: &str) -> Vec<String> {
    let text = std::fs::read_to_string(sample(manifest)).unwrap();
    let backup = paperseed::secret::manifest::parse(&text, &repo().join("samples")).unwrap();
    let opts = paperseed::EncodeOptions { date: "2026-01-02".into(), ..Default::default() };
    let out = paperseed::encode(&backup, &opts).unwrap();
    assert!(!out.recovery_lines.is_empty());
    out.recovery_lines
}

fn parity_lines(lines: &[String]) -> usize {
    lines.iter().filter(|l| text::parse_line(l).unwrap().parity_index().is_some()).count()
}

/// `line` with one data character changed.
fn with_typo(line: &str) -> String {
    let mut bad: Vec<char> = line.chars().collect();
    let j = 8;
    bad[j] = if bad[j] == '7' { '9' } else { '7' };
    bad.into_iter().collect()
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
    let n = recovery_lines("bip39.toml").len();
    let out = bin().arg("restore").args(&pngs).arg("--json").assert().success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["secrets"][0]["words"], WORDS);
    // Restorable from the text alone, but every code is lost: degraded, reprint.
    bin().arg("verify").args(&pngs).assert().code(3).stdout(
        predicate::str::contains(format!("Recovery text: {n} of its {n} lines read and checked."))
            .and(predicate::str::contains("Result: DEGRADED"))
            .and(predicate::str::contains("rebuilt only with the help of the recovery text")),
    );
}

#[test]
fn typed_lines_are_checked_and_skipped_lines_are_covered() {
    let lines = recovery_lines("bip39.toml");
    let parity = parity_lines(&lines);
    assert!(parity >= 2, "{parity} parity lines");
    // Skip line 4 (data), type line 2 with a wrong character (named, then lost
    // too): two lost lines, which the parity lines cover. The rest in lower
    // case with odd spacing, some as whole rows of two.
    let mut entries: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if i == 3 {
            i += 1;
            continue;
        }
        if i == 1 {
            entries.push(with_typo(&lines[1]));
            i += 1;
        } else if i % 5 == 0 && i > 0 && i + 1 < lines.len() {
            entries.push(format!("{}   {}", lines[i], lines[i + 1]).to_lowercase());
            i += 2;
        } else {
            entries.push(lines[i].to_lowercase().replace(' ', "  "));
            i += 1;
        }
    }
    let input: String = entries.iter().map(|e| format!("{e}\n")).collect();
    let out = bin().args(["restore", "--type", "--json"]).write_stdin(input).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("line 2") && stderr.contains("fails its check"), "the typo is named: {stderr}");
    assert!(!stderr.contains(&entries[1]) && !stderr.contains(&lines[1]), "the line is not echoed: {stderr}");
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["secrets"][0]["words"], WORDS);
    // One more line lost (the first) is too many: exit 1.
    let fewer: String = entries.iter().skip(1).map(|e| format!("{e}\n")).collect();
    bin().args(["restore", "--type"]).write_stdin(fewer).assert().code(1);
    // Too few lines: exit 1.
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
        if b"Enough lines" in out and marker != b"\x00never":
            return False
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
try:
    os.kill(pid, 15)  # still waiting for lines: do not hang the test
except ProcessLookupError:
    pass
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
"#;
    let lines = recovery_lines("bip39.toml");
    let mut input = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            input.push_str(&with_typo(line)); // a typo first: named, then typed again
            input.push('\n');
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
    assert!(text.contains("line 1 (") && text.contains("fails its check") && text.contains("Type it again"), "{text}");
    assert!(text.contains("Enough lines to rebuild the secrets."), "{text}");
    assert!(text.contains("12. yellow"), "{text}");
}
