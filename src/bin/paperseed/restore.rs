//! `paperseed restore`: scans (or typed lines) to the secrets, printed or
//! written, with the exports asked for.

use std::path::{Component, Path};

use anyhow::{Context, anyhow};
use serde_json::json;
use zeroize::Zeroizing;

use paperseed::assemble::{Outcome, SetReport};
use paperseed::format::{Fingerprint, PayloadKind};
use paperseed::protect;
use paperseed::restore::Restored;
use paperseed::secret::{Secret, export, manifest};

use crate::args::{OutputFormat, RestoreArgs};
use crate::exit::{EXIT_USAGE, Failure};
use crate::output::{eprint_line, note, print_stdout, write_atomic};
use crate::scan::{not_restorable, nothing_found, report_problems, scan_inputs, selected, set_failure};

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
    let sets: Vec<&SetReport> = scanned.report.sets.iter().filter(|s| selected(s, args.scan.set.as_deref())).collect();
    if sets.is_empty() {
        if let Some(choice) = &args.scan.set
            && !scanned.report.sets.is_empty()
        {
            let ids: Vec<String> = scanned.report.sets.iter().map(|s| s.set.short_id()).collect();
            return Err(not_restorable(format!("no backup matches --set {choice}; found sets {}", ids.join(", "))));
        }
        // Not a paperseed sheet: perhaps a SeedQR code.
        if let Some(backup) = crate::exports::seedqr_backup(&scanned.found) {
            let fingerprint = Fingerprint::of(&paperseed::format::compact::encode(&backup));
            let entry = Entry {
                set_id: None,
                status: "read from SeedQR codes (they carry no checksum)".into(),
                restored: Restored { backup, fingerprint },
            };
            return emit(&args, format, vec![entry], Vec::new(), quiet);
        }
        return Err(nothing_found(&scanned));
    }
    let mut restored = Vec::new();
    let mut failures = Vec::new();
    let mut passphrase = crate::passphrase::PassphraseSource::new(args.scan.passphrase_file.as_deref());
    let mut share_payloads: Vec<Vec<u8>> = Vec::new();
    for set in sets {
        let Outcome::Restored { payload: carried, .. } = &set.outcome else {
            failures.push(set_failure(set));
            continue;
        };
        let status = format!(
            "{} of {} codes read, any {} restore; checksum OK; fingerprint {}",
            set.have(),
            set.set.n,
            set.set.k,
            Fingerprint::of(carried)
        );
        let plain = match set.set.kind {
            PayloadKind::Sheet => Zeroizing::new(carried.clone()),
            PayloadKind::Encrypted => passphrase.decrypt(carried)?,
            PayloadKind::Share => {
                share_payloads.push(carried.clone());
                continue;
            }
        };
        match paperseed::format::payload::decode(&plain) {
            Ok(backup) => restored.push(Entry {
                set_id: Some(set.set.short_id()),
                status,
                restored: Restored { backup, fingerprint: Fingerprint::of(carried) },
            }),
            Err(e) => failures.push(format!("set {}: the checksum matches but {e}", set.set.short_id())),
        }
    }
    if !share_payloads.is_empty() {
        match protect::shares::group(&share_payloads) {
            Err(e) => failures.push(format!("shares: {e}")),
            Ok(groups) => {
                for g in groups {
                    let combined = match g.combine() {
                        Ok(c) => c,
                        Err(e) => {
                            failures.push(format!("split {}: {e}", g.code()));
                            continue;
                        }
                    };
                    let plain = match combined.inner_kind {
                        protect::shares::InnerKind::Sheet => combined.payload.clone(),
                        protect::shares::InnerKind::Age => passphrase.decrypt(&combined.payload)?,
                    };
                    match paperseed::format::payload::decode(&plain) {
                        Ok(backup) => restored.push(Entry {
                            set_id: Some(format!("split {}", g.code())),
                            status: format!(
                                "shares {} of {} combined (any {} restore)",
                                combined.used.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
                                combined.n,
                                combined.k
                            ),
                            restored: Restored { fingerprint: Fingerprint::of(&plain), backup },
                        }),
                        Err(e) => failures.push(format!("split {}: the shares combine but {e}", g.code())),
                    }
                }
            }
        }
    }
    for f in &failures {
        eprint_line(&format!("paperseed: {f}"));
    }
    if restored.is_empty() {
        return Err(not_restorable(format!("nothing could be restored from {} page(s)", scanned.pages)));
    }
    emit(&args, format, restored, failures, quiet)
}

/// One restored backup and how it was found.
struct Entry {
    set_id: Option<String>,
    status: String,
    restored: Restored,
}

/// Print or write the restored backups, and everything asked for alongside.
fn emit(
    args: &RestoreArgs,
    format: OutputFormat,
    restored: Vec<Entry>,
    failures: Vec<String>,
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
    if failures.is_empty() {
        Ok(())
    } else {
        Err(not_restorable(format!("{} backup(s) could not be restored", failures.len())))
    }
}
