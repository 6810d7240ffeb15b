//! The `paperseed` binary: parse arguments, run the command, map errors to
//! exit codes. The work itself is the library's; this folder holds one file
//! per command (`encode`, `restore`, `verify`, `import`, `restore_page`;
//! `completions` holds `completions` and `man`) and what they share:
//!
//! - `args` — the command line (clap derive) and `--help` examples;
//! - `exit` — exit statuses and the `Failure` every command returns;
//! - `output` — messages, stdout, atomic file writes;
//! - `passphrase` — prompts and passphrase files;
//! - `scan` — loading scans with progress, for `restore` and `verify`;
//! - `typing` — `restore --type`;
//! - `quick`, `exports` — encode's quick flags, restore's extra outputs.

mod args;
mod completions;
mod encode;
mod exit;
mod exports;
mod import;
mod output;
mod passphrase;
mod quick;
mod restore;
mod restore_page;
mod scan;
mod typing;
mod verify;

use std::ffi::OsString;

use clap::Parser;

fn main() {
    quiet_dependency_panics();
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match args::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => usage_error(e, &args),
    };
    if let Err(failure) = run(cli) {
        if failure.is_broken_pipe() {
            // The reader of stdout went away (`| head`): nothing to report.
            std::process::exit(0);
        }
        output::eprint_line(&format!("paperseed: {:#}", failure.error));
        std::process::exit(failure.code);
    }
}

/// Run the parsed command line.
fn run(cli: args::Cli) -> Result<(), exit::Failure> {
    match cli.command {
        args::Command::Encode(a) => encode::encode(a, cli.quiet),
        args::Command::Restore(a) => restore::restore(a, cli.quiet),
        args::Command::Verify(a) => verify::verify(a, cli.quiet),
        args::Command::Import(a) => import::import(a, cli.quiet),
        args::Command::RestorePage(a) => restore_page::restore_page(a, cli.quiet),
        args::Command::Completions(a) => completions::completions(a),
        args::Command::Man(a) => completions::man(a, cli.quiet),
    }
}

/// Options whose values are (or may be, when misused) secrets.
const SECRET_OPTIONS: &[&str] = &["--mnemonic", "--codes", "--totp", "--note", "--passphrase"];

/// Values on the command line that may be secrets: those of [`SECRET_OPTIONS`]
/// (`--opt VALUE` or `--opt=VALUE`; the word after the flag `--passphrase` is
/// a passphrase typed where it does not belong).
fn secret_values(args: &[OsString]) -> Vec<String> {
    let mut out = Vec::new();
    let args: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    for (i, arg) in args.iter().enumerate() {
        if let Some((name, value)) = arg.split_once('=')
            && SECRET_OPTIONS.contains(&name)
        {
            out.push(value.to_string());
        } else if SECRET_OPTIONS.contains(&arg.as_str())
            && let Some(next) = args.get(i + 1)
            && !looks_like_an_option(next)
        {
            out.push(next.clone());
        }
    }
    out.retain(|v| !v.is_empty());
    out
}

/// `--long` or `-x` (a passphrase may start with `-`, an option of
/// paperseed's is never a single dash with several letters but `-q`, `-v`, `-o`).
fn looks_like_an_option(arg: &str) -> bool {
    arg == "-" || arg.starts_with("--") || (arg.starts_with('-') && arg.chars().count() == 2)
}

/// Report a command-line error and exit. clap quotes the offending value in
/// its messages; when that value may be a secret, the message is replaced by
/// one that names only the option.
fn usage_error(e: clap::Error, args: &[OsString]) -> ! {
    use clap::error::{ContextKind, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        e.exit();
    }
    let rendered = e.to_string();
    let secrets = secret_values(args);
    // The whole value, or a piece of it that clap took for an option (`-X` of `-Xy9…`).
    let overlaps =
        |text: &str| secrets.iter().any(|s| text.contains(s.as_str()) || (text.len() >= 2 && s.contains(text)));
    let pieces: Vec<String> = [ContextKind::InvalidArg, ContextKind::InvalidValue]
        .iter()
        .filter_map(|k| e.get(*k))
        .map(|v| v.to_string())
        .collect();
    if !secrets.iter().any(|s| rendered.contains(s.as_str())) && !pieces.iter().any(|p| overlaps(p)) {
        e.exit();
    }
    let option = e
        .get(ContextKind::InvalidArg)
        .map(|a| a.to_string())
        .filter(|a| !overlaps(a))
        .map(|a| format!(" ({a})"))
        .unwrap_or_default();
    output::eprint_line(&format!(
        "error: a command-line argument was not understood{option}; it is not shown here, since it may be a secret.\n\
         --passphrase takes no value: the passphrase is asked for without echo, or read with --passphrase-file FILE.\n\
         --mnemonic and --codes take a FILE (or - for stdin), never the secret itself.\n\n\
         For more information, try '--help'."
    ));
    std::process::exit(exit::EXIT_USAGE);
}

/// The QR decoder and PDF renderer can panic on hostile input; the library
/// catches those panics and reports the file as unreadable. Keep their panic
/// messages off the terminal; panics in paperseed's own code still print.
fn quiet_dependency_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.location().is_none_or(|l| is_own_code(l.file())) {
            default(info);
        }
    }));
}

/// Whether a panic location is in paperseed's own code: rustc records the
/// crate's own files relative to the package (`src/scan/load.rs`), and those
/// of dependencies and the standard library as absolute paths (wherever
/// CARGO_HOME, a vendor folder or the toolchain lives).
fn is_own_code(file: &str) -> bool {
    let path = std::path::Path::new(file);
    path.is_relative() && path.starts_with("src")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_code_is_told_from_dependencies() {
        assert!(is_own_code("src/scan/load.rs"));
        assert!(is_own_code("src/bin/paperseed/main.rs"));
        assert!(is_own_code(file!()));
        assert!(!is_own_code("/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/rxing-0.9.0/src/lib.rs"));
        assert!(!is_own_code("/opt/cargo-home/registry/src/x/hayro-0.9.0/src/lib.rs"));
        assert!(!is_own_code("/work/vendor/rxing/src/qrcode/decoder.rs"));
        assert!(!is_own_code("/rustc/0123abcd/library/core/src/slice/index.rs"));
        assert!(!is_own_code("srcfoo/lib.rs"));
    }

    #[test]
    fn secret_values_are_found_in_both_spellings() {
        let args: Vec<OsString> =
            ["paperseed", "encode", "--passphrase=hunter2", "--mnemonic", "deer demand", "-o", "x"]
                .iter()
                .map(OsString::from)
                .collect();
        assert_eq!(secret_values(&args), ["hunter2", "deer demand"]);
        let args: Vec<OsString> = ["paperseed", "encode", "--passphrase", "--force", "m.toml", "--mnemonic", "-"]
            .iter()
            .map(OsString::from)
            .collect();
        assert!(secret_values(&args).is_empty());
        let args: Vec<OsString> =
            ["paperseed", "encode", "--passphrase", "-Xy9z!", "-o", "x"].iter().map(OsString::from).collect();
        assert_eq!(secret_values(&args), ["-Xy9z!"]);
    }
}
