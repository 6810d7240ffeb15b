//! The quick flags of `encode` (`--codes`, `--totp`, `--mnemonic`,
//! `--note`): secrets from files or stdin, never echoed.

use std::path::Path;

use anyhow::anyhow;

use paperseed::interop::import::{self, ImportSource, TextKind};
use paperseed::secret::Secret;

use crate::args::EncodeArgs;
use crate::exit::Failure;
use crate::output::{note, read_input};

/// Read a quick-flag value that names a file or `-` (stdin).
fn read_file_or_stdin(arg: &str) -> Result<String, Failure> {
    let bytes = read_input(arg, 1 << 20)?;
    String::from_utf8(bytes).map_err(|_| anyhow!("{arg} is not UTF-8 text").into())
}

/// Refuse a value of `flag` that should name a file but names none, without
/// repeating it: it may be the secret itself, typed where its file belongs.
fn existing_file(flag: &str, value: &Path) -> Result<(), Failure> {
    if value.as_os_str() == "-" || value.is_file() {
        return Ok(());
    }
    Err(anyhow!(
        "{flag} takes the name of a file (or - for stdin), and there is no file by the name given (not repeated here, in case it is the secret itself: never type a secret on the command line)"
    )
    .into())
}

/// The secrets given with `encode --codes/--totp/--mnemonic/--note`.
pub fn quick_secrets(args: &EncodeArgs, quiet: bool) -> Result<Vec<Secret>, Failure> {
    let mut sources = Vec::new();
    for path in &args.codes {
        existing_file("--codes", path)?;
        sources.push(ImportSource::text(path.display().to_string(), import::read_text(path)?, TextKind::Codes));
    }
    for value in &args.totp {
        let text = if value == "-" || Path::new(value).is_file() {
            read_file_or_stdin(value)?
        } else {
            note(
                quiet,
                "warning: the key was given on the command line, where other users and the shell history can see it; prefer --totp FILE or --totp -",
            );
            value.clone()
        };
        sources.push(ImportSource::text("--totp", text, TextKind::Otp));
    }
    if let Some(m) = &args.mnemonic {
        existing_file("--mnemonic", Path::new(m))?;
        let name = if m == "-" { "stdin".to_string() } else { m.clone() };
        sources.push(ImportSource::text(name, read_file_or_stdin(m)?, TextKind::Mnemonic));
    }
    let mut secrets = if sources.is_empty() {
        Vec::new()
    } else {
        let imported = import::import(&sources)?;
        for w in &imported.warnings {
            note(quiet, format!("warning: {w}"));
        }
        imported.secrets
    };
    if let Some(label) = &args.label {
        let several = secrets.len() > 1;
        for s in &mut secrets {
            let new = if several { format!("{label}: {}", s.label()) } else { label.clone() };
            import::relabel(s, &new);
        }
    }
    if !args.note.is_empty() {
        note(
            quiet,
            "warning: the note was given on the command line, where other users and the shell history can see it; put notes holding secrets in a manifest",
        );
    }
    for (i, text) in args.note.iter().enumerate() {
        let label = match (&args.label, args.note.len()) {
            (Some(l), 1) if secrets.is_empty() => l.clone(),
            (_, 1) => "Note".to_string(),
            _ => format!("Note {}", i + 1),
        };
        secrets.push(Secret::Note { label, text: text.replace("\\n", "\n") });
    }
    Ok(secrets)
}
