//! What `restore` can add for authenticator keys and seed phrases: terminal
//! QR codes, current codes, re-import PDFs or PNGs, SeedQR.

use std::path::{Path, PathBuf};

use anyhow::anyhow;

use paperseed::interop::{seedqr, termqr};
use paperseed::secret::{Backup, OtpKind, Secret, otp};
use paperseed::sheet::{Paper, Symbol, gallery};

use crate::args::RestoreArgs;
use crate::exit::Failure;
use crate::output::{note, shown, write_atomic};

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
        return Err(anyhow!("nothing to write to {}: the backup has no such secret", shown(path)).into());
    }
    let files = code_files(path, items.len());
    if !is_png(path) {
        let pdf = gallery::render(title, note_text, &items, Paper::A4)?;
        write_atomic(path, &pdf, force)?;
        note(quiet, format!("Wrote {} ({} codes).", shown(path), items.len()));
        return Ok(());
    }
    for (file, (label, symbol)) in files.iter().zip(&items) {
        let png = termqr::png(&termqr::symbol_image(symbol, 8, 4)).map_err(|e| anyhow!("{e}"))?;
        write_atomic(file, &png, force)?;
        note(quiet, format!("Wrote {}: {label}", shown(file)));
    }
    Ok(())
}

fn is_png(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"))
}

/// The files `n` codes go to: the PDF, one PNG, or PNGs numbered after the stem.
fn code_files(path: &Path, n: usize) -> Vec<PathBuf> {
    if !is_png(path) || n <= 1 {
        return vec![path.to_path_buf()];
    }
    let stem = path.with_extension("");
    (1..=n)
        .map(|i| {
            let mut name = stem.clone().into_os_string();
            name.push(format!("-{i}.png"));
            PathBuf::from(name)
        })
        .collect()
}

/// Every file `--otp-codes` and `--seedqr` would write, to check them all
/// (with `-o`) before any is written.
pub fn export_files(backups: &[&Backup], args: &RestoreArgs) -> Vec<PathBuf> {
    let secrets = || backups.iter().flat_map(|b| &b.secrets);
    let mut files = Vec::new();
    if let Some(path) = &args.otp_codes {
        files.extend(code_files(path, secrets().filter(|s| matches!(s, Secret::Otp { .. })).count()));
    }
    if let Some(path) = &args.seedqr {
        files.extend(code_files(path, 2 * secrets().filter(|s| matches!(s, Secret::Mnemonic { .. })).count()));
    }
    files
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
