//! Account-level conveniences of the command line: `import`, the quick
//! flags of `encode`, and what `restore` can add for authenticator keys and
//! seed phrases (terminal QR codes, current codes, re-import PDFs, SeedQR).

use std::path::{Path, PathBuf};

use anyhow::anyhow;

use paperseed::format::Frame;
use paperseed::import::{self, ImportSource, TextKind};
use paperseed::restore::Located;
use paperseed::secret::{Backup, OtpKind, Secret, manifest, otp, seedqr, termqr};
use paperseed::sheet::{Paper, Symbol, gallery};

use crate::cli::{EncodeArgs, Failure, ImportArgs, RestoreArgs, note, print_stdout, read_input, write_atomic};

/// `paperseed import`.
pub fn import(args: ImportArgs, quiet: bool) -> Result<(), Failure> {
    let sources: Vec<ImportSource> = args.sources.iter().map(ImportSource::path).collect();
    let imported = import::import(&sources)?;
    for w in &imported.warnings {
        note(quiet, format!("warning: {w}"));
    }
    let count = imported.secrets.len();
    let backup = imported.into_backup(args.title.as_deref());
    let text = manifest::to_toml(&backup);
    if args.output.as_os_str() == "-" {
        print_stdout(&text)?;
    } else {
        write_atomic(&args.output, text.as_bytes(), args.force)?;
        note(
            quiet,
            format!(
                "Wrote {} with {count} secret(s). It holds secrets in clear: print it with `paperseed encode {} -o sheet.pdf`, then delete it.",
                args.output.display(),
                args.output.display()
            ),
        );
    }
    Ok(())
}

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

/// SeedQR codes among the codes read that are not paperseed's.
pub fn seedqr_backup(found: &[Located]) -> Option<Backup> {
    let mut secrets: Vec<Secret> = Vec::new();
    for code in found {
        if Frame::parse(&code.text).is_ok() {
            continue;
        }
        let words = seedqr::words_from_payload(&code.bytes).or_else(|| seedqr::words_from_decoded_text(&code.text));
        if let Some((kind, words)) = words
            && !secrets.iter().any(|s| matches!(s, Secret::Mnemonic { words: w, .. } if *w == words))
        {
            secrets.push(Secret::Mnemonic { label: format!("{kind:?} SeedQR at {}", code.place), words });
        }
    }
    (!secrets.is_empty()).then(|| Backup { title: "SeedQR".into(), secrets })
}

/// What `--qr` and `--totp-now` add after the secrets.
pub fn extras_text(backups: &[&Backup], args: &RestoreArgs) -> Result<String, Failure> {
    let mut out = String::new();
    let now = match &args.at {
        Some(at) => otp::parse_time(at).map_err(|e| anyhow!("--at {at:?}: {e}"))?,
        None => time::OffsetDateTime::now_utc().unix_timestamp(),
    };
    for backup in backups {
        for s in &backup.secrets {
            let Secret::Otp { label, key } = s else { continue };
            if args.totp_now {
                let line = match key.kind {
                    OtpKind::Totp { period } => format!(
                        "{label}: {} (valid for {} s more)",
                        otp::totp_at(key, now).unwrap_or_default(),
                        otp::seconds_remaining(now, period)
                    ),
                    OtpKind::Hotp { counter } => {
                        format!("{label}: {} (HOTP, counter {counter})", otp::hotp_next(key).unwrap_or_default())
                    }
                };
                out.push_str(&line);
                out.push('\n');
            }
            if args.qr {
                out.push_str(&format!("\n{label} (scan with your authenticator app):\n"));
                out.push_str(&termqr::render(&key.to_uri(), args.invert).map_err(|e| anyhow!("{e}"))?);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// Write labelled codes as a PDF, or as numbered PNG files.
fn write_codes(
    path: &Path,
    title: &str,
    note_text: &str,
    items: Vec<(String, Symbol)>,
    force: bool,
    quiet: bool,
) -> Result<(), Failure> {
    if items.is_empty() {
        return Err(anyhow!("nothing to write to {}: the backup has no such secret", path.display()).into());
    }
    let is_png = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
    if !is_png {
        let pdf = gallery::render(title, note_text, &items, Paper::A4)?;
        write_atomic(path, &pdf, force)?;
        note(quiet, format!("Wrote {} ({} codes).", path.display(), items.len()));
        return Ok(());
    }
    let stem = path.with_extension("");
    for (i, (label, symbol)) in items.iter().enumerate() {
        let file = if items.len() == 1 {
            path.to_path_buf()
        } else {
            PathBuf::from(format!("{}-{}.png", stem.display(), i + 1))
        };
        let png = termqr::png(&termqr::symbol_image(symbol, 8, 4)).map_err(|e| anyhow!("{e}"))?;
        write_atomic(&file, &png, force)?;
        note(quiet, format!("Wrote {}: {label}", file.display()));
    }
    Ok(())
}

/// `--otp-codes` and `--seedqr`.
pub fn write_exports(backups: &[&Backup], args: &RestoreArgs, quiet: bool) -> Result<(), Failure> {
    if let Some(path) = &args.otp_codes {
        let mut items = Vec::new();
        for s in backups.iter().flat_map(|b| &b.secrets) {
            if let Secret::Otp { label, key } = s {
                items.push((label.clone(), termqr::otpauth_symbol(&key.to_uri()).map_err(|e| anyhow!("{e}"))?));
            }
        }
        let note_text =
            "Scan each code with an authenticator app to add the account again. Keep this page as safe as the keys.";
        write_codes(path, "Authenticator keys", note_text, items, args.force, quiet)?;
    }
    if let Some(path) = &args.seedqr {
        let mut items = Vec::new();
        for s in backups.iter().flat_map(|b| &b.secrets) {
            if let Secret::Mnemonic { label, words } = s {
                items.push((format!("{label}: SeedQR"), seedqr::symbol_standard(words).map_err(|e| anyhow!("{e}"))?));
                items.push((
                    format!("{label}: CompactSeedQR"),
                    seedqr::symbol_compact(words).map_err(|e| anyhow!("{e}"))?,
                ));
            }
        }
        let note_text = "SeedQR codes (SeedSigner format) of the seed phrase: whoever scans them holds the wallet.";
        write_codes(path, "Seed phrase as SeedQR", note_text, items, args.force, quiet)?;
    }
    Ok(())
}
