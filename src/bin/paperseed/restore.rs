//! `paperseed restore`: scans (or typed lines) to the secrets, printed or
//! written, with the exports asked for.

use std::path::{Component, Path};

use anyhow::{Context, anyhow};
use serde_json::json;

use paperseed::restore::{Opened, RestoreError, open};
use paperseed::secret::label::show_invisible;
use paperseed::secret::{Secret, export, manifest};

use crate::args::{OutputFormat, RestoreArgs};
use crate::exit::{EXIT_USAGE, Failure};
use crate::output::{check_target, eprint_line, note, print_stdout, shown, write_all_atomic, write_atomic};
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
    builder.create(dir).with_context(|| format!("cannot create {}", shown(dir)))?;
    Ok(())
}

/// The name each embedded file is written under, in order: its own, or,
/// for a file named as an earlier one (ignoring case, as some file systems
/// do), `name (2).ext`, `name (3).ext`... that no other embedded file has.
fn distinct_names(names: &[&str]) -> Vec<String> {
    let key = |n: &str| n.to_lowercase();
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    let all: std::collections::HashSet<String> = names.iter().map(|n| key(n)).collect();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut chosen = name.to_string();
        if taken.contains(&key(name)) {
            let (stem, ext) = match name.rfind('.') {
                Some(dot) if dot > 0 => name.split_at(dot),
                _ => (*name, ""),
            };
            let mut n = 2;
            loop {
                chosen = format!("{stem} ({n}){ext}");
                if !taken.contains(&key(&chosen)) && !all.contains(&key(&chosen)) {
                    break;
                }
                n += 1;
            }
        }
        taken.insert(key(&chosen));
        out.push(chosen);
    }
    out
}

/// Write every embedded file into `dir`, all or none; files named alike are
/// never written over one another (see [`distinct_names`]).
fn write_files(backups: &[&paperseed::secret::Backup], dir: &Path, force: bool, quiet: bool) -> Result<(), Failure> {
    let files: Vec<(&str, &[u8])> = backups
        .iter()
        .flat_map(|b| &b.secrets)
        .filter_map(|s| match s {
            Secret::File { name, data, .. } => Some((name.as_str(), data.as_slice())),
            _ => None,
        })
        .collect();
    for (name, _) in &files {
        safe_file_name(name).ok_or_else(|| {
            anyhow!(
                "the embedded file name {name:?} is not a plain file name; refusing to write it (nothing was written)"
            )
        })?;
    }
    let names = distinct_names(&files.iter().map(|f| f.0).collect::<Vec<_>>());
    create_private_dir(dir)?;
    let targets: Vec<(std::path::PathBuf, &[u8])> =
        names.iter().zip(&files).map(|(name, (_, data))| (dir.join(name), *data)).collect();
    write_all_atomic(&targets, force).context("no embedded file was written")?;
    for ((path, data), (name, _)) in targets.iter().zip(&files) {
        let renamed = path.file_name().is_some_and(|f| f != std::ffi::OsStr::new(name));
        if renamed {
            note(
                quiet,
                format!(
                    "Wrote {} ({} bytes): another embedded file is also named {name:?}, so this one was renamed.",
                    shown(path),
                    data.len()
                ),
            );
        } else {
            note(quiet, format!("Wrote {} ({} bytes).", shown(path), data.len()));
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
    // Codes of the set that do not fit its checksummed data were left out:
    // say so (count and where), never silently.
    for set in open::select(&scanned.report, args.scan.set.as_deref()) {
        if let Some(note) = set.unfit_note() {
            eprint_line(&format!("paperseed: warning: set {}: {note}.", set.set.short_id()));
        }
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
    // Every output is checked (exists without --force, symlink, device,
    // missing folder) before any is written.
    let mut outputs = crate::exports::export_files(&backups, args);
    outputs.extend(args.output.clone().filter(|p| p.as_os_str() != "-"));
    for path in &outputs {
        check_target(path, args.force).context("nothing was written")?;
    }
    if let Some(dir) = &args.files_to
        && std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir())
    {
        return Err(anyhow!("--files-to {} is not a folder; nothing was written", shown(dir)).into());
    }
    crate::exports::write_exports(&backups, args, quiet)?;
    if let Some(dir) = &args.files_to {
        write_files(&backups, dir, args.force, quiet)?;
    }
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            write_atomic(path, out.as_bytes(), args.force)?;
            note(quiet, format!("Wrote {}.", shown(path)));
        }
        _ if format == OutputFormat::Text => {
            // On the terminal, characters a person cannot see (a right-to-left
            // override, a zero-width space) are shown as markers like <U+202E>.
            print_stdout(show_invisible(&out).as_bytes())?;
        }
        _ => {
            print_stdout(&out)?;
        }
    }
    if failures == 0 { Ok(()) } else { Err(not_restorable(format!("{failures} backup(s) could not be restored"))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_named_alike_get_distinct_names() {
        assert_eq!(distinct_names(&["a.txt", "b.txt"]), ["a.txt", "b.txt"]);
        assert_eq!(distinct_names(&["key.txt", "key.txt", "key.txt"]), ["key.txt", "key (2).txt", "key (3).txt"]);
        // Never the name of another embedded file, and case-insensitively distinct.
        assert_eq!(distinct_names(&["k", "k", "k (2)"]), ["k", "k (3)", "k (2)"]);
        assert_eq!(distinct_names(&["Key.txt", "key.txt"]), ["Key.txt", "key (2).txt"]);
        assert_eq!(distinct_names(&["a.tar.gz", "a.tar.gz"]), ["a.tar.gz", "a.tar (2).gz"]);
    }
}
