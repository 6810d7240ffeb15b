//! `paperseed encode`: a manifest (or quick flags) to a PDF sheet, or to
//! encrypted or share sheets.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use paperseed::secret::Backup;
use paperseed::sheet::{Ecc, Paper};

use crate::args::{EccArg, EncodeArgs, PaperArg, RecoveryTextArg};
use crate::exit::Failure;
use crate::output::{check_target, note, read_input, write_all_atomic, write_output};
use crate::passphrase::{long_enough, new_passphrase, passphrase_from_file};

/// The date to print: --date, else SOURCE_DATE_EPOCH, else today (UTC).
fn sheet_date(arg: Option<&str>) -> Result<String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if let Some(d) = arg {
        let date =
            time::Date::parse(d, fmt).with_context(|| format!("--date {d:?} is not a date of the form YYYY-MM-DD"))?;
        return Ok(date.format(fmt)?);
    }
    let now = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => {
            let secs: i64 =
                s.trim().parse().with_context(|| format!("SOURCE_DATE_EPOCH={s:?} is not a number of seconds"))?;
            time::OffsetDateTime::from_unix_timestamp(secs).context("SOURCE_DATE_EPOCH is out of range")?
        }
        Err(_) => time::OffsetDateTime::now_utc(),
    };
    Ok(now.date().format(fmt)?)
}

/// How the summary line names the recovery text.
pub fn recovery_summary(out: &paperseed::Encoded) -> String {
    match out.recovery_lines.len() {
        0 => "no recovery text (--recovery-text on prints it)".to_string(),
        n => format!("{n} lines of recovery text"),
    }
}

pub fn encode(args: EncodeArgs, quiet: bool) -> Result<(), Failure> {
    let mut backup = match &args.manifest {
        Some(manifest) => {
            if args.passphrase && manifest != "-" && !Path::new(manifest).exists() {
                // `--passphrase WORDS`: the words land here, as the manifest's name.
                return Err(anyhow::anyhow!(
                    "there is no manifest file by the name given (not repeated here: --passphrase takes no value, so a passphrase typed after it is taken for the manifest; the passphrase is asked for without echo, or read with --passphrase-file FILE)"
                )
                .into());
            }
            let text = read_input(manifest, 1 << 20)?;
            let text = String::from_utf8(text).map_err(|_| anyhow::anyhow!("{manifest} is not UTF-8 text"))?;
            let base_dir = if manifest == "-" {
                PathBuf::from(".")
            } else {
                Path::new(manifest).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
            };
            let shown = if manifest == "-" { "(stdin)" } else { manifest };
            let (backup, notes) = paperseed::secret::manifest::parse_with_notes(&text, &base_dir)
                .map_err(|e| manifest_error(e, shown))?;
            for n in notes {
                note(quiet, format!("note: {n}"));
            }
            backup
        }
        None => paperseed::secret::Backup { title: String::new(), secrets: Vec::new(), emergency: None },
    };
    let quick = crate::quick::quick_secrets(&args, quiet)?;
    if backup.title.is_empty() {
        backup.title = args.label.clone().unwrap_or_else(|| paperseed::secret::manifest::DEFAULT_TITLE.to_string());
    }
    backup.secrets.extend(quick);
    for w in backup.warnings() {
        note(quiet, format!("warning: {w}"));
    }
    if let Some(t) = &args.title {
        backup.title = t.trim().to_string();
    }
    let extra_font = match &args.font {
        Some(p) => Some(
            paperseed::readfile::read_bounded(p, paperseed::sheet::MAX_FONT_BYTES)
                .with_context(|| format!("cannot use the font {}", p.display()))?,
        ),
        None => None,
    };
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && args.shares.is_some() {
        return Err(anyhow::anyhow!(
            "-o - cannot take share sheets: --shares writes one PDF per share; give a file name, e.g. -o sheet.pdf"
        )
        .into());
    }
    if to_stdout && std::io::stdout().is_terminal() {
        return Err(
            anyhow::anyhow!("-o - writes the PDF to stdout, which is a terminal here: redirect it to a file").into()
        );
    }
    if !to_stdout && args.shares.is_none() {
        // (With --shares, the share files are checked instead: OUT itself is not written.)
        check_target(&args.output, args.force)?;
    }
    let opts = paperseed::EncodeOptions {
        paper: match args.paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        },
        date: sheet_date(args.date.as_deref())?,
        no_plaintext: args.no_plaintext,
        redundancy: args.redundancy,
        ecc: args.ecc.map(|e| match e {
            EccArg::L => Ecc::L,
            EccArg::M => Ecc::M,
            EccArg::Q => Ecc::Q,
            EccArg::H => Ecc::H,
        }),
        extra_font,
        recovery_text: match args.recovery_text {
            RecoveryTextArg::Auto => paperseed::RecoveryTextChoice::Auto,
            RecoveryTextArg::On => paperseed::RecoveryTextChoice::On,
            RecoveryTextArg::Off => paperseed::RecoveryTextChoice::Off,
        },
    };
    if args.passphrase || args.passphrase_file.is_some() || args.shares.is_some() {
        return encode_protected(&args, &backup, &opts, quiet);
    }
    let out = paperseed::encode(&backup, &opts).map_err(encode_error)?;
    write_output(&args.output, &out.pdf, args.force)?;
    note(
        quiet,
        format!(
            "Wrote {}: {} {}, {} codes, any {} restore ({} may be lost), QR level {} with {:.2} mm modules, {} bytes, {}.\nFingerprint {}",
            if to_stdout { "the PDF to stdout".into() } else { args.output.display().to_string() },
            out.pages,
            if out.pages == 1 { "page" } else { "pages" },
            out.plan.n,
            out.plan.k,
            out.plan.spare(),
            out.plan.ecc.letter(),
            out.module_mm,
            out.payload_len,
            recovery_summary(&out),
            out.fingerprint
        ),
    );
    Ok(())
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
    let sheets = paperseed::encode_protected(backup, opts, &protection).map_err(encode_error)?;
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
                "Wrote {}: {what}; {} codes, any {} restore. {} {}",
                if path.as_os_str() == "-" { "the PDF to stdout".into() } else { path.display().to_string() },
                sheet.sheet.plan.n,
                sheet.sheet.plan.k,
                if sheet.share.is_some() { "This share's codes:" } else { "Fingerprint" },
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
    if let Some(f) = sheets.first().and_then(|s| s.secrets_fingerprint) {
        note(
            quiet,
            format!(
                "Fingerprint of the secrets {f} (printed on every share sheet; restore reports it once the shares are combined)."
            ),
        );
    }
    if protection.passphrase.is_some() {
        note(quiet, "The passphrase is not on the paper: without it nobody, you included, can restore.");
    }
    Ok(())
}

/// A manifest error, naming the manifest, with its hint on a line of its own.
fn manifest_error(e: paperseed::secret::manifest::ManifestError, shown: &str) -> anyhow::Error {
    match e.hint() {
        Some(hint) => anyhow!("in manifest {shown}: {e}\nhint: {hint}"),
        None => anyhow::Error::from(e).context(format!("in manifest {shown}")),
    }
}

/// A library error of `encode`, with the flags that change the outcome
/// named (the library's messages name no flag).
fn encode_error(e: paperseed::Error) -> Failure {
    use paperseed::Error;
    use paperseed::plan::PlanError;
    use paperseed::sheet::SheetError;
    let hint = match &e {
        Error::Plan(PlanError::Redundancy(_)) => Some("give --redundancy PERCENT between 10 and 80".into()),
        Error::Plan(PlanError::TooLarge { .. }) => {
            Some("lower --redundancy, choose a lower --ecc, or split the secrets over several sheets".into())
        }
        Error::Sheet(SheetError::Unprintable { .. }) => Some("pass --font PATH with a font that covers them".into()),
        Error::Sheet(SheetError::BadFont(_)) => Some("check the file given with --font".into()),
        Error::Manifest(m) => m.hint(),
        _ => None,
    };
    let error = match hint {
        Some(h) => anyhow::anyhow!("{e}\nhint: {h}"),
        None => anyhow::Error::from(e),
    };
    Failure { code: crate::exit::EXIT_USAGE, error }
}
