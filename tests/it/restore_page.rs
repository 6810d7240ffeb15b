//! `paperseed restore-page`, `completions` and `man`: what the binary writes.
//! The page itself runs in a browser in `scripts/browser-tests.sh`; here it
//! is checked as a file: one self-contained HTML page that can reach nothing,
//! whose Content-Security-Policy lets exactly its own script and style run.

use data_encoding::BASE64;
use sha2::{Digest, Sha256};

use crate::support::{bin, repo};

fn page_bytes() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("restore.html");
    let run = bin().args(["restore-page", "-o"]).arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let page = std::fs::read(&out).unwrap();
    // The note names the file and its SHA-256.
    let note = String::from_utf8(run.stderr).unwrap();
    let sha: String = Sha256::digest(&page).iter().map(|b| format!("{b:02x}")).collect();
    assert!(note.contains(&format!("SHA-256 {sha}")), "{note}");
    assert!(note.contains("web browser"), "{note}");
    page
}

/// The content of the one element `<tag ...>` … `</tag>` that opens with `open`.
fn inline<'a>(page: &'a str, open: &str, close: &str) -> &'a str {
    assert_eq!(page.matches(open).count(), 1, "{open}");
    let start = page.find(open).unwrap() + open.len();
    let end = start + page[start..].find(close).unwrap();
    &page[start..end]
}

fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", BASE64.encode(&Sha256::digest(text.as_bytes())))
}

#[test]
fn the_page_is_the_committed_one_self_contained_and_can_reach_nothing() {
    let bytes = page_bytes();
    assert_eq!(bytes, std::fs::read(repo().join("assets/restore.html")).unwrap(), "the binary carries assets/");
    let full = String::from_utf8(bytes).unwrap();
    assert!(full.starts_with("<!doctype html>"));
    assert!(full.len() < 5_000_000, "{} bytes", full.len());
    // The WebAssembly is inline (gzip, base64), not fetched.
    let open = "<script type=\"application/octet-stream\" id=\"wasm\" data-encoding=\"gzip+base64\">";
    let wasm = inline(&full, open, "</script>");
    let gz = BASE64.decode(wasm.as_bytes()).unwrap();
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "gzip");
    let page = full.replace(wasm, "");
    // Nothing remote, nothing loaded from anywhere: no URL of any scheme
    // but the page's own, no src or href attributes but the file input's.
    for needle in ["http:", "https:", "//cdn", "src=", "href=", "@import", "url(", "<link", "<iframe", "<img"] {
        assert!(!page.contains(needle), "the page holds {needle:?}");
    }
    let csp = inline(&page, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\">");
    for directive in ["default-src 'none'", "connect-src 'none'", "'wasm-unsafe-eval'", "form-action 'none'"] {
        assert!(csp.contains(directive), "CSP lacks {directive}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains(" 'unsafe-eval'"), "{csp}");
    // Exactly its own script and style may run: the CSP holds their hashes.
    let script = inline(&page, "<script>", "</script>");
    let style = inline(&page, "<style>", "</style>");
    assert!(csp.contains(&format!("script-src {} ", csp_hash(script))), "{csp}");
    assert!(csp.contains(&format!("style-src {};", csp_hash(style))), "{csp}");
    // The script stores nothing and leaves no history.
    for api in ["localStorage", "sessionStorage", "indexedDB", "document.cookie", "pushState", "replaceState", "fetch("]
    {
        assert!(!script.contains(api), "the page's script uses {api}");
    }
    assert!(page.contains("name=\"generator\" content=\"paperseed "), "the page names its version");
}

#[test]
fn restore_page_writes_atomically_and_never_over_a_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("restore.html");
    std::fs::write(&out, b"old").unwrap();
    let run = bin().args(["restore-page", "-o"]).arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--force"));
    assert_eq!(std::fs::read(&out).unwrap(), b"old");
    bin().args(["restore-page", "--force", "-o"]).arg(&out).assert().success();
    assert!(std::fs::read(&out).unwrap().starts_with(b"<!doctype html>"));
    let link = dir.path().join("link.html");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    let run = bin().args(["restore-page", "--force", "-o"]).arg(&link).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    // To a pipe.
    let run = bin().args(["restore-page", "-o", "-"]).output().unwrap();
    assert!(run.status.success());
    assert_eq!(run.stdout, std::fs::read(&out).unwrap());
}

#[test]
fn completions_for_each_shell_name_every_command() {
    for (shell, marker) in [
        ("bash", "_paperseed()"),
        ("zsh", "#compdef paperseed"),
        ("fish", "complete -c paperseed"),
        ("elvish", "edit:completion:arg-completer[paperseed]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = bin().args(["completions", shell]).output().unwrap();
        assert!(run.status.success(), "{shell}");
        let script = String::from_utf8(run.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {marker}");
        for word in ["encode", "restore", "verify", "import", "restore-page", "passphrase-file", "shares"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    // The bash script is valid bash.
    let run = bin().args(["completions", "bash"]).output().unwrap();
    if let Ok(mut bash) = std::process::Command::new("bash").arg("-n").stdin(std::process::Stdio::piped()).spawn() {
        use std::io::Write;
        bash.stdin.take().unwrap().write_all(&run.stdout).unwrap();
        assert!(bash.wait().unwrap().success(), "bash -n refuses the completion script");
    }
    let run = bin().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn man_pages_cover_every_command_and_are_written_all_or_nothing() {
    let run = bin().arg("man").output().unwrap();
    assert!(run.status.success());
    let roff = String::from_utf8(run.stdout).unwrap();
    assert!(roff.contains(".TH paperseed 1"), "{roff}");
    for needle in [".SH NAME", ".SH SYNOPSIS", "paperseed\\-restore\\-page(1)", "Exit status"] {
        assert!(roff.contains(needle), "{needle}");
    }
    let dir = tempfile::tempdir().unwrap();
    let run = bin().args(["man", "--dir"]).arg(dir.path()).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "paperseed-completions.1",
            "paperseed-encode.1",
            "paperseed-import.1",
            "paperseed-man.1",
            "paperseed-restore-page.1",
            "paperseed-restore.1",
            "paperseed-verify.1",
            "paperseed.1"
        ]
    );
    let restore = std::fs::read_to_string(dir.path().join("paperseed-restore.1")).unwrap();
    assert!(restore.contains(".TH paperseed-restore 1"), "{restore}");
    assert!(restore.contains(env!("CARGO_PKG_VERSION")) && restore.contains("\\-\\-passphrase\\-file"), "{restore}");
    // Again without --force: refused, nothing changed; with it, rewritten.
    std::fs::remove_file(dir.path().join("paperseed-man.1")).unwrap();
    let run = bin().args(["man", "--dir"]).arg(dir.path()).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(!dir.path().join("paperseed-man.1").exists(), "all or nothing");
    bin().args(["man", "--force", "--dir"]).arg(dir.path()).assert().success();
    assert!(dir.path().join("paperseed-man.1").exists());
}
