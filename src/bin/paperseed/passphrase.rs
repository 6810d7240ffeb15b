//! Passphrases: asked for without echo (never from argv or the
//! environment), or read from a file; new ones are asked twice and must be
//! long enough; an encrypted payload is opened with one.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, anyhow};
use zeroize::{Zeroize, Zeroizing};

use paperseed::protect::passphrase::from_file_text;
use paperseed::readfile::{Limited, read_bounded, read_limited};

use paperseed::protect::{ExposeSecret, SecretString};
use paperseed::restore::{Unlock, UnlockError};

use crate::exit::{EXIT_NOT_RESTORABLE, EXIT_USAGE, Failure};
use crate::output::eprint_line;

/// The most read from a passphrase file.
const MAX_PASSPHRASE_FILE: u64 = 64 * 1024;

/// The first line of a file (or stdin for `-`), without its line ending;
/// refused when empty, blank or holding a control character, with a warning
/// (on stderr) for what else a person may not see.
pub fn passphrase_from_file(path: &Path) -> Result<SecretString, Failure> {
    let bytes = Zeroizing::new(if path.as_os_str() == "-" {
        read_limited(std::io::stdin().lock(), MAX_PASSPHRASE_FILE).map_err(|e| match e {
            Limited::TooLarge => anyhow!("stdin holds more than {MAX_PASSPHRASE_FILE} bytes: not a passphrase"),
            Limited::Io(e) => anyhow!(e).context("cannot read the passphrase from stdin"),
        })?
    } else {
        read_bounded(path, MAX_PASSPHRASE_FILE).context("cannot read the passphrase file")?
    });
    let mut text = String::from_utf8(bytes.to_vec())
        .map_err(|_| anyhow!("the passphrase file {} is not UTF-8 text", path.display()))?;
    let read = from_file_text(&text);
    text.zeroize();
    let shown = if path.as_os_str() == "-" { "(stdin)".into() } else { path.display().to_string() };
    let (pass, warnings) =
        read.map_err(|e| anyhow!("the passphrase file {shown}: {e}; {} (nothing was done)", e.hint()))?;
    for w in warnings {
        eprint_line(&format!("warning: the passphrase file {shown}: {w}"));
    }
    Ok(pass)
}

fn prompt(message: &str) -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(anyhow!(
            "a passphrase is needed but there is no terminal to ask it in; use --passphrase-file FILE (or - for stdin)"
        )
        .into());
    }
    Ok(rpassword::prompt_password(message).context("cannot read the passphrase")?)
}

/// Ask for a new passphrase twice.
pub fn new_passphrase() -> Result<SecretString, Failure> {
    let mut first = prompt("New passphrase (not shown; it is not printed on the sheet): ")?;
    let mut second = prompt("The same passphrase again: ")?;
    let same = first == second;
    second.zeroize();
    if !same {
        first.zeroize();
        return Err(anyhow!("the two passphrases differ; nothing was written").into());
    }
    long_enough(SecretString::from(first))
}

/// Shortest passphrase accepted for a new sheet, typed or read from a file.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Refuse a new passphrase shorter than [`MIN_PASSPHRASE_CHARS`] (existing
/// sheets are opened whatever the length).
pub fn long_enough(pass: SecretString) -> Result<SecretString, Failure> {
    if pass.expose_secret().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(anyhow!(
            "the passphrase is shorter than {MIN_PASSPHRASE_CHARS} characters; choose a longer one (several words); nothing was written"
        )
        .into());
    }
    Ok(pass)
}

/// Asks for (or reads) the passphrase of an encrypted sheet once per run:
/// the binary's [`Unlock`] for the library's restore pipeline.
pub struct PassphraseSource<'a> {
    pub file: Option<&'a Path>,
    cached: Option<SecretString>,
}

impl<'a> PassphraseSource<'a> {
    pub fn new(file: Option<&'a Path>) -> Self {
        PassphraseSource { file, cached: None }
    }

    fn get(&mut self) -> Result<SecretString, Failure> {
        if let Some(p) = &self.cached {
            return Ok(SecretString::from(p.expose_secret().to_string()));
        }
        let p = match self.file {
            Some(f) => passphrase_from_file(f)?,
            None => SecretString::from(prompt("Passphrase of the sheet: ")?),
        };
        self.cached = Some(SecretString::from(p.expose_secret().to_string()));
        Ok(p)
    }
}

impl Unlock for PassphraseSource<'_> {
    fn passphrase(&mut self) -> Result<SecretString, UnlockError> {
        self.get().map_err(|f| UnlockError::Unavailable(format!("{:#}", f.error)))
    }
}

/// The exit status of a failed unlock: a wrong passphrase or an undecryptable
/// payload is "not restorable"; no passphrase to be had is a usage error.
pub fn unlock_failure(e: UnlockError) -> Failure {
    let code = match e {
        UnlockError::Unavailable(_) => EXIT_USAGE,
        UnlockError::WrongPassphrase | UnlockError::Decrypt(_) => EXIT_NOT_RESTORABLE,
    };
    Failure { code, error: anyhow!(e) }
}
