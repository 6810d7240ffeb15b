//! Passphrases and shares on the command line: asking for a passphrase
//! without echo (never from argv or the environment), writing one PDF per
//! share, and opening encrypted and shared payloads on restore.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use zeroize::{Zeroize, Zeroizing};

use paperseed::protect::{self, ExposeSecret, ProtectError, SecretString};
use paperseed::secret::Backup;

use crate::cli::{EXIT_NOT_RESTORABLE, EncodeArgs, Failure, check_target, note, write_all_atomic, write_output};

/// The first line of a file (or stdin for `-`), without its line ending.
pub fn passphrase_from_file(path: &Path) -> Result<SecretString, Failure> {
    let mut text = String::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .context("cannot read the passphrase from stdin")?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(64 * 1024).read_to_string(&mut text))
            .with_context(|| format!("cannot read the passphrase file {}", path.display()))?;
    }
    let line = text.lines().next().unwrap_or("").to_string();
    text.zeroize();
    if line.is_empty() {
        return Err(anyhow!("the passphrase file {} is empty", path.display()).into());
    }
    Ok(SecretString::from(line))
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
fn new_passphrase() -> Result<SecretString, Failure> {
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
fn long_enough(pass: SecretString) -> Result<SecretString, Failure> {
    if pass.expose_secret().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(anyhow!(
            "the passphrase is shorter than {MIN_PASSPHRASE_CHARS} characters; choose a longer one (several words); nothing was written"
        )
        .into());
    }
    Ok(pass)
}

/// Parse `K/N`.
fn parse_shares(text: &str) -> Result<(u8, u8), Failure> {
    let parsed =
        text.split_once('/').and_then(|(k, n)| Some((k.trim().parse::<u8>().ok()?, n.trim().parse::<u8>().ok()?)));
    match parsed {
        Some((k, n)) if (2..=n).contains(&k) && n <= 16 => Ok((k, n)),
        _ => Err(anyhow!("--shares {text:?}: write K/N with 2 <= K <= N <= 16, e.g. 2/3").into()),
    }
}

/// `OUT.pdf` → `OUT.share3.pdf`.
fn share_path(out: &Path, i: u8) -> PathBuf {
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "sheet".into());
    out.with_file_name(format!("{stem}.share{i}.pdf"))
}

/// `encode` with `--passphrase`, `--passphrase-file` or `--shares`.
pub fn encode_protected(
    args: &EncodeArgs,
    backup: &Backup,
    opts: &paperseed::EncodeOptions,
    quiet: bool,
) -> Result<(), Failure> {
    let shares = args.shares.as_deref().map(parse_shares).transpose()?;
    let holders: Vec<String> = args
        .holders
        .as_deref()
        .map(|h| h.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if let Some((_, n)) = shares
        && !holders.is_empty()
        && holders.len() != n as usize
    {
        return Err(anyhow!("--holders names {} holders but --shares makes {n} shares", holders.len()).into());
    }
    let outputs: Vec<PathBuf> = match shares {
        Some((_, n)) => (1..=n).map(|i| share_path(&args.output, i)).collect(),
        None => vec![args.output.clone()],
    };
    for path in outputs.iter().filter(|p| p.as_os_str() != "-") {
        check_target(path, args.force)?;
    }
    let passphrase = match (&args.passphrase_file, args.passphrase) {
        (Some(f), _) => Some(long_enough(passphrase_from_file(f)?)?),
        (None, true) => Some(new_passphrase()?),
        (None, false) => None,
    };
    let protection = paperseed::Protection {
        passphrase,
        work_factor: args.scrypt_work_factor,
        shares: shares.map(|(k, n)| (k, n, holders.clone())),
    };
    let sheets = paperseed::encode_protected(backup, opts, &protection)?;
    if sheets.len() != outputs.len() {
        return Err(
            anyhow!("{} sheets were made for {} files; nothing was written", sheets.len(), outputs.len()).into()
        );
    }
    if shares.is_some() {
        // All share files or none: old and new shares of different splits do not combine.
        let files: Vec<(PathBuf, &[u8])> =
            outputs.iter().zip(&sheets).map(|(p, s)| (p.clone(), s.sheet.pdf.as_slice())).collect();
        write_all_atomic(&files, args.force)?;
    } else {
        write_output(&args.output, &sheets[0].sheet.pdf, args.force)?;
    }
    for (sheet, path) in sheets.iter().zip(&outputs) {
        let what = match &sheet.share {
            Some((x, holder)) => format!(
                "share {x} of {}{}",
                outputs.len(),
                holder.as_deref().map(|h| format!(" (holder: {h})")).unwrap_or_default()
            ),
            None => "encrypted sheet".to_string(),
        };
        note(
            quiet,
            format!(
                "Wrote {}: {what}; {} codes, any {} restore. Fingerprint {}",
                if path.as_os_str() == "-" { "the PDF to stdout".into() } else { path.display().to_string() },
                sheet.sheet.plan.n,
                sheet.sheet.plan.k,
                sheet.sheet.fingerprint
            ),
        );
    }
    if let Some(code) = sheets.first().and_then(|s| s.split_code.clone()) {
        note(
            quiet,
            format!("Split {code}: give each holder one sheet; any {} restore.", shares.map(|s| s.0).unwrap_or(0)),
        );
    }
    if protection.passphrase.is_some() {
        note(quiet, "The passphrase is not on the paper: without it nobody, you included, can restore.");
    }
    Ok(())
}

/// Asks for (or reads) the passphrase of an encrypted sheet once per run.
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

    /// Decrypt an age payload into the sheet payload bytes.
    pub fn decrypt(&mut self, age: &[u8]) -> Result<Zeroizing<Vec<u8>>, Failure> {
        let pass = self.get()?;
        match protect::passphrase::decrypt(age, &pass) {
            Ok(plain) => Ok(plain),
            Err(ProtectError::WrongPassphrase) => Err(Failure {
                code: EXIT_NOT_RESTORABLE,
                error: anyhow!(
                    "wrong passphrase: the sheet's codes are intact, but this passphrase does not open them; nothing was written"
                ),
            }),
            Err(e) => Err(Failure { code: EXIT_NOT_RESTORABLE, error: anyhow!("cannot decrypt: {e}") }),
        }
    }
}
