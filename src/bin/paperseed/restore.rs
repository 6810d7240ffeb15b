//! `paperseed restore`: scans (or typed lines) to the secrets, printed or
//! written, with the exports asked for.

use std::path::{Component, Path};

use anyhow::{Context, anyhow};
use serde_json::json;

use paperseed::restore::{Opened, RestoreError, open};
use paperseed::secret::{Secret, export, manifest};

use crate::args::{OutputFormat, RestoreArgs};
use crate::exit::{EXIT_USAGE, Failure};
use crate::output::{eprint_line, note, print_stdout, write_atomic};
use crate::passphrase::{PassphraseSource, unlock_failure};
use crate::scan::{describe, not_restorable, report_problems, scan_inputs};

fn safe_file_name(name: &str) -> Option<&str> {
    let p = Path::new(name);
    let mut comps = p.components();
    match (comps.next(), comps.next()) {
        (Some(Component::Normal(_)), None) if !name.starts_with('.') => Some(name),
        _ => None,
    }
}

/// Create `dir` (and its parents) readable by the owner only, like the
/// files written into it; an existing folder is left as it is.
fn create_private_dir(dir: &Path) -> Result<(), Failure> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(())
}

fn write_files(backups: &[&paperseed::secret::Backup], dir: &Path, force: bool, quiet: bool) -> Result<(), Failure> {
    create_private_dir(dir)?;
    for backup in backups {
        for s in &backup.secrets {
            if let Secret::File { name, data, .. } = s {
                let safe = safe_file_name(name).ok_or_else(|| {
                    anyhow!("the embedded file name {name:?} is not a plain file name; refusing to write it")
                })?;
                let path = dir.join(safe);
                write_atomic(&path, data, force)?;
                note(quiet, format!("Wrote {} ({} bytes).", path.display(), data.len()));
            }
        }
    }
    Ok(())
}

pub fn restore(args: RestoreArgs, quiet: bool) -> Result<(), Failure> {
    let format = if args.json { OutputFormat::Json } else { args.format };
    let scanned = if args.type_lines { crate::typing::typed(quiet)? } else { scan_inputs(&args.scan, quiet, false)? };
    report_problems(&scanned, &args.scan, quiet);
    let mut passphrase = PassphraseSource::new(args.scan.passphrase_file.as_deref());
    let opening = match open::restore(&scanned, args.scan.set.as_deref(), &mut passphrase) {
        Ok(o) => o,
        Err(RestoreError::Problem(p)) => return Err(not_restorable(describe(&p))),
        Err(RestoreError::Unlock(e)) => return Err(unlock_failure(e)),
    };
    for p in &opening.problems {
        eprint_line(&format!("paperseed: {}", describe(p)));
    }
    if opening.restored.is_empty() {
        return Err(not_restorable(format!("nothing could be restored from {} page(s)", scanned.pages)));
    }
    emit(&args, format, opening.restored, opening.problems.len(), quiet)
}

/// Print or write the restored backups, and everything asked for alongside.
fn emit(
    args: &RestoreArgs,
    format: OutputFormat,
    restored: Vec<Opened>,
    failures: usize,
    quiet: bool,
) -> Result<(), Failure> {
    // Several backups (say, a genuine sheet and one printed by someone
    // else, scanned together): print and write nothing until one is chosen.
    if restored.len() > 1 {
        let list: Vec<String> = restored
            .iter()
            .map(|e| {
                format!(
                    "  set {}: {:?}, fingerprint {}",
                    e.set_id.as_deref().unwrap_or("-"),
                    e.restored.backup.title,
                    e.restored.fingerprint
                )
            })
            .collect();
        let example = restored.iter().find_map(|e| e.set_id.as_deref().filter(|id| !id.starts_with("split")));
        return Err(Failure {
            code: EXIT_USAGE,
            error: anyhow!(
                "{} backups were found on these scans:\n{}\nnothing was printed or written: choose one with --set (its set id or fingerprint){}; check the fingerprint against the one noted when the sheet was printed.",
                restored.len(),
                list.join("\n"),
                example.map(|id| format!(", e.g. --set {id}")).unwrap_or_default()
            ),
        });
    }
    let mut out = String::new();
    for (i, entry) in restored.iter().enumerate() {
        let r = &entry.restored;
        match format {
            OutputFormat::Text => {
                if i > 0 {
                    out.push('\n');
                }
                match &entry.set_id {
                    Some(id) => {
                        out.push_str(&format!("{}\nFingerprint {} (set {id})\n\n", r.backup.title, r.fingerprint))
                    }
                    None => out.push_str(&format!("{} (not a paperseed sheet: no checksum)\n\n", r.backup.title)),
                }
                out.push_str(&export::to_text(&r.backup));
            }
            OutputFormat::Json => {
                let mut v = export::to_json(&r.backup);
                v["fingerprint"] = json!(r.fingerprint.to_string());
                v["set"] = json!(entry.set_id);
                out.push_str(&serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)?);
                out.push('\n');
            }
            OutputFormat::Toml => out.push_str(&manifest::to_toml(&r.backup)),
        }
        note(quiet, format!("Restored {:?}: {}.", r.backup.title, entry.status));
    }
    let backups: Vec<&paperseed::secret::Backup> = restored.iter().map(|e| &e.restored.backup).collect();
    if format == OutputFormat::Text {
        out.push_str(&crate::exports::extras_text(&backups, args)?);
    } else if args.qr || args.totp_now {
        note(quiet, "note: --qr and --totp-now print only with the text format");
    }
    crate::exports::write_exports(&backups, args, quiet)?;
    if let Some(dir) = &args.files_to {
        write_files(&backups, dir, args.force, quiet)?;
    }
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            write_atomic(path, out.as_bytes(), args.force)?;
            note(quiet, format!("Wrote {}.", path.display()));
        }
        _ => {
            print_stdout(&out)?;
        }
    }
    if failures == 0 { Ok(()) } else { Err(not_restorable(format!("{failures} backup(s) could not be restored"))) }
}
