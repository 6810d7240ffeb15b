//! `restore` and `verify`: load scans, find codes (with progress on stderr),
//! assemble, then print the secrets or the health report.

use std::io::{IsTerminal, Write};
use std::path::{Component, Path};

use anyhow::{Context, anyhow};
use serde_json::json;
use zeroize::Zeroizing;

use paperseed::assemble::{Outcome, Report, SetReport};
use paperseed::format::{Fingerprint, PayloadKind};
use paperseed::protect;
use paperseed::restore::{self, Located, Restored, TextRead};
use paperseed::scan::{self, DetectOptions, Effort, Limits, Page};
use paperseed::secret::{Secret, export, manifest};

use crate::cli::{
    EXIT_NOT_RESTORABLE, EXIT_USAGE, EffortArg, Failure, OutputFormat, RestoreArgs, ScanArgs, VerifyArgs, eprint_line,
    note, print_stdout, write_atomic,
};

/// Pages kept in memory for a harder second pass, in pixels (≈ 11 A4 pages at 300 dpi).
const KEEP_PIXELS: u64 = 100_000_000;

/// What scanning all inputs produced.
pub struct Scanned {
    pub found: Vec<Located>,
    pub report: Report,
    pub pages: usize,
    /// Recovery-text lines read and how many passed their check (when read).
    pub text: Option<TextHealth>,
}

/// Where recovery-text lines were read, as reports name it.
const TEXT_PLACE: &str = "the recovery text";

/// What the recovery-text reader found.
pub struct TextHealth {
    lines: usize,
    passed: usize,
    repaired: usize,
    frames: usize,
}

/// Read the recovery-text blocks of every page: the lines that pass their check.
fn read_recovery_text(pages: &[Page], read: &mut Vec<TextRead>, quiet: bool) -> TextHealth {
    let mut progress = Progress::new(quiet, pages.len());
    let mut texts = Vec::new();
    let mut health = TextHealth { lines: 0, passed: 0, repaired: 0, frames: 0 };
    for page in pages {
        progress.step(&format!("{} (recovery text)", page.source));
        for line in paperseed::ocr::read_page_detailed(&page.image) {
            health.lines += 1;
            if line.passes {
                health.passed += 1;
                health.repaired += usize::from(line.repaired > 0);
                texts.push(line.text.clone());
                read.push(TextRead { text: line.text, place: TEXT_PLACE.into() });
            }
        }
    }
    progress.finish();
    let (frames, _) = paperseed::ocr::decode_lines(&texts);
    health.frames = frames.len();
    health
}

fn not_restorable(msg: String) -> Failure {
    Failure { code: EXIT_NOT_RESTORABLE, error: anyhow!(msg) }
}

struct Progress {
    on: bool,
    total: usize,
    done: usize,
}

impl Progress {
    fn new(quiet: bool, total: usize) -> Progress {
        Progress { on: !quiet && total > 1 && std::io::stderr().is_terminal(), total, done: 0 }
    }
    fn step(&mut self, what: &str) {
        self.done += 1;
        if self.on {
            let width = 30;
            let filled = width * self.done / self.total.max(1);
            let _ = write!(
                std::io::stderr(),
                "\r\x1b[K[{}{}] {}/{} {what}",
                "#".repeat(filled),
                " ".repeat(width - filled),
                self.done,
                self.total
            );
            let _ = std::io::stderr().flush();
        }
    }
    fn finish(&self) {
        if self.on {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }
}

fn effort(e: EffortArg) -> Effort {
    match e {
        EffortArg::Quick => Effort::Quick,
        EffortArg::Normal => Effort::Normal,
        EffortArg::Thorough => Effort::Thorough,
    }
}

fn all_restored(report: &Report) -> bool {
    !report.sets.is_empty() && report.sets.iter().all(|s| matches!(s.outcome, Outcome::Restored { .. }))
}

fn scan_inputs(args: &ScanArgs, quiet: bool, always_read_text: bool) -> Result<Scanned, Failure> {
    if args.scans.is_empty() {
        return Err(anyhow!("give at least one SCAN (an image, a PDF or a folder)").into());
    }
    let limits = Limits { pdf_dpi: args.dpi.clamp(72, 1200) as f32, ..Limits::default() };
    let mut pages: Vec<Page> = Vec::new();
    // One budget for the whole run: many inputs cannot add up past the limits.
    let mut budget = scan::Budget::new(&limits);
    for path in &args.scans {
        let loaded = scan::load_with_budget(path, &limits, &mut budget).map_err(anyhow::Error::from)?;
        for skipped in &loaded.skipped {
            note(quiet, format!("note: {skipped}"));
        }
        pages.extend(loaded.pages);
    }
    let first = effort(args.effort);
    let mut progress = Progress::new(quiet, pages.len());
    let mut found = Vec::new();
    for page in &pages {
        progress.step(&page.source);
        found.extend(restore::scan_page(page, &DetectOptions { expected: None, effort: first }));
    }
    progress.finish();
    let mut report = restore::assemble(&found);
    let kept: u64 = pages.iter().map(|p| u64::from(p.image.width()) * u64::from(p.image.height())).sum();
    if !all_restored(&report) && first != Effort::Thorough && kept <= KEEP_PIXELS {
        let why = if report.sets.is_empty() { "No paperseed code found yet" } else { "Some codes are missing" };
        note(quiet, format!("{why}; looking harder (this can take a while)…"));
        let mut progress = Progress::new(quiet, pages.len());
        for page in &pages {
            progress.step(&page.source);
            for code in restore::scan_page(page, &DetectOptions { expected: None, effort: Effort::Thorough }) {
                if !found.contains(&code) {
                    found.push(code);
                }
            }
        }
        progress.finish();
        report = restore::assemble(&found);
    }
    let mut text = None;
    let mut lines = Vec::new();
    if always_read_text || !all_restored(&report) {
        if !always_read_text {
            note(quiet, "Reading the recovery text as well…");
        }
        text = Some(read_recovery_text(&pages, &mut lines, quiet));
        report = restore::assemble_with_text(&found, &lines);
    }
    Ok(Scanned { found, report, pages: pages.len(), text })
}

/// Whether `set` is the one `--set` names (set id prefix or fingerprint).
fn selected(set: &SetReport, choice: Option<&str>) -> bool {
    let Some(choice) = choice else { return true };
    let c = choice.trim().to_ascii_lowercase();
    if !c.is_empty() && set.set.short_id().starts_with(&c) {
        return true;
    }
    matches!((Fingerprint::parse(choice), set.fingerprint()), (Some(a), Some(b)) if a == b)
}

fn codes_list(indices: &[u8]) -> String {
    indices.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
}

/// Messages about codes that are not usable, and a summary when nothing was found.
fn report_problems(scanned: &Scanned, args: &ScanArgs, quiet: bool) {
    for r in &scanned.report.rejected {
        note(quiet, format!("warning: a paperseed code at {} was not used: {}", r.source, r.error));
    }
    if args.verbose {
        for (source, text) in &scanned.report.foreign {
            let preview: String = text.chars().take(60).collect();
            note(quiet, format!("note: a QR code that is not paperseed's at {source}: {preview:?}"));
        }
    }
}

fn nothing_found(scanned: &Scanned) -> Failure {
    let others = scanned.report.foreign.len();
    let rejected = &scanned.report.rejected;
    let mut msg = format!("no usable paperseed code found on {} page(s)", scanned.pages);
    if let Some(r) = rejected.first() {
        msg.push_str(&format!(" ({} unusable: {})", rejected.len(), r.error));
    } else if others > 0 {
        msg.push_str(&format!(" ({others} QR code(s) from other programs; -v lists them)"));
    }
    msg.push_str(".\nhint: scan the whole sheet flat at 300 dpi, or photograph it in good light with every code sharp, and try again; several files can be given at once.");
    not_restorable(msg)
}

fn set_failure(set: &SetReport) -> String {
    let (k, n) = (set.set.k, set.set.n);
    match &set.outcome {
        Outcome::NotEnough { have } => format!(
            "set {}: {have} of {n} codes read (codes {}); {k} are needed, {} more.\nhint: missing codes {}. Rescan at 300 dpi or add another photo of the sheet (or of its other pages); all photos can be given together.",
            set.set.short_id(),
            codes_list(&set.shards.keys().copied().collect::<Vec<_>>()),
            k as usize - have,
            codes_list(&set.missing())
        ),
        Outcome::Mismatch { tried, conflicting } if !conflicting.is_empty() => format!(
            "set {}: {} codes were read but no combination of {k} matches the checksum ({tried} tried). Codes with conflicting contents for the same code number were present (forged or misread): code(s) {}.\nhint: scan only the genuine sheet, on its own; if the codes of one sheet conflict, the sheet may have been tampered with.",
            set.set.short_id(),
            set.have(),
            codes_list(conflicting)
        ),
        Outcome::Mismatch { tried, .. } => format!(
            "set {}: {} codes were read but no combination of {k} matches the checksum ({tried} tried): codes are misread or were altered.\nhint: rescan the sheet at a higher resolution; if it persists, the sheet may have been tampered with.",
            set.set.short_id(),
            set.have()
        ),
        Outcome::Restored { .. } => String::new(),
    }
}

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
        if let Some(backup) = crate::accounts::seedqr_backup(&scanned.found) {
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
    let mut passphrase = crate::locks::PassphraseSource::new(args.scan.passphrase_file.as_deref());
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
        out.push_str(&crate::accounts::extras_text(&backups, args)?);
    } else if args.qr || args.totp_now {
        note(quiet, "note: --qr and --totp-now print only with the text format");
    }
    crate::accounts::write_exports(&backups, args, quiet)?;
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

/// What `verify` could check of a set's contents.
struct ContentCheck {
    title: Option<String>,
    /// Nothing wrong was found (contents not checked count as fine).
    ok: bool,
    /// A remark for the report.
    note: Option<String>,
}

fn check_content(set: &SetReport, passphrase_file: Option<&Path>) -> Result<ContentCheck, Failure> {
    let Outcome::Restored { payload: carried, .. } = &set.outcome else {
        return Ok(ContentCheck { title: None, ok: false, note: None });
    };
    let decode = |plain: &[u8]| match paperseed::format::payload::decode(plain) {
        Ok(b) => ContentCheck { title: Some(b.title), ok: true, note: None },
        Err(e) => ContentCheck { title: None, ok: false, note: Some(format!("damaged: {e}")) },
    };
    Ok(match set.set.kind {
        PayloadKind::Sheet => decode(carried),
        PayloadKind::Encrypted => match passphrase_file {
            Some(_) => {
                let mut source = crate::locks::PassphraseSource::new(passphrase_file);
                let mut c = decode(&source.decrypt(carried)?);
                c.note = c.note.or(Some("encrypted; decrypted with the passphrase and checked".into()));
                c
            }
            None => ContentCheck {
                title: None,
                ok: true,
                note: Some(
                    "encrypted: the codes and their checksum are intact, the contents were not checked (give --passphrase-file to check them too)".into(),
                ),
            },
        },
        PayloadKind::Share => match protect::shares::parse_share(carried) {
            Ok(info) => ContentCheck {
                title: None,
                ok: true,
                note: Some(format!(
                    "share {} of {} (any {} restore){}, split {}; this share is intact; {} more share(s) are needed to restore",
                    info.x,
                    info.n,
                    info.k,
                    info.holder.as_deref().map(|h| format!(", holder: {h}")).unwrap_or_default(),
                    info.split_code(),
                    info.more_needed()
                )),
            },
            Err(e) => ContentCheck { title: None, ok: false, note: Some(format!("damaged share: {e}")) },
        },
    })
}

pub fn verify(args: VerifyArgs, quiet: bool) -> Result<(), Failure> {
    let expect = match &args.expect {
        Some(e) => Some(
            Fingerprint::parse(e)
                .ok_or_else(|| anyhow!("--expect {e:?} is not a fingerprint (12 characters like K7QF-3M2X-9TRD)"))?,
        ),
        None => None,
    };
    let scanned = scan_inputs(&args.scan, quiet, true)?;
    report_problems(&scanned, &args.scan, quiet);
    let sets: Vec<&SetReport> = scanned.report.sets.iter().filter(|s| selected(s, args.scan.set.as_deref())).collect();
    if sets.is_empty() {
        if args.json {
            let v = json!({ "intact": false, "sets": [], "pages": scanned.pages,
                "rejected": scanned.report.rejected.iter().map(|r| json!({"where": r.source, "error": r.error.to_string()})).collect::<Vec<_>>(),
                "foreign_codes": scanned.report.foreign.len() });
            print_stdout(serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)? + "\n")?;
        }
        return Err(nothing_found(&scanned));
    }
    let mut all_ok = true;
    let mut text = String::new();
    let mut json_sets = Vec::new();
    for set in sets {
        let (k, n) = (set.set.k as usize, set.set.n as usize);
        let have = set.have();
        let content = check_content(set, args.scan.passphrase_file.as_deref())?;
        let bad: Vec<u8> = match &set.outcome {
            Outcome::Restored { bad_shards, .. } => bad_shards.clone(),
            _ => Vec::new(),
        };
        let checksum_ok = matches!(set.outcome, Outcome::Restored { .. });
        let readable = have - bad.len();
        let title = content.title.clone();
        let fingerprint = set.fingerprint();
        let expect_ok = match (expect, fingerprint) {
            (Some(e), Some(f)) => Some(e == f),
            (Some(_), None) => Some(false),
            (None, _) => None,
        };
        let payload_ok = content.ok;
        let ok = checksum_ok && payload_ok && expect_ok != Some(false);
        all_ok &= ok;
        let codes: Vec<serde_json::Value> = (0..set.set.n)
            .map(|i| {
                let seen = set.shards.get(&i);
                let status = match seen {
                    Some(_) if bad.contains(&i) => "damaged",
                    Some(_) => "read",
                    None => "not found",
                };
                json!({ "code": i + 1, "status": status, "where": seen.map(|s| s.sources.clone()).unwrap_or_default() })
            })
            .collect();
        if args.json {
            json_sets.push(json!({
                "set": set.set.short_id(), "title": title, "k": k, "n": n,
                "readable": readable, "needed": k, "may_still_lose": readable.saturating_sub(k),
                "checksum_ok": checksum_ok, "payload_ok": payload_ok,
                "fingerprint": fingerprint.map(|f| f.to_string()),
                "expect_matches": expect_ok, "intact": ok, "codes": codes, "contents": content.note,
            }));
            continue;
        }
        text.push_str(&format!("{} (set {})\n", title.as_deref().unwrap_or("paperseed sheet"), set.set.short_id()));
        text.push_str("  code  status     where\n");
        for c in &codes {
            let places =
                c["where"].as_array().map(|a| a.iter().filter_map(|p| p.as_str()).collect::<Vec<_>>().join("; "));
            text.push_str(&format!(
                "  {:>5}  {:<9}  {}\n",
                format!("{}/{n}", c["code"]),
                c["status"].as_str().unwrap_or(""),
                places.unwrap_or_default()
            ));
        }
        let margin = if readable >= k {
            format!("{readable} of {n} codes readable, {k} needed: {} more may be lost", readable - k)
        } else if checksum_ok {
            format!(
                "{readable} of {n} codes readable, {k} needed: the data was rebuilt only with the help of the recovery text; reprint this sheet"
            )
        } else {
            format!("{readable} of {n} codes readable, {k} needed: {} more must be read to restore", k - readable)
        };
        text.push_str(&format!("  {margin}.\n"));
        text.push_str(&match &set.outcome {
            Outcome::Restored { .. } => {
                let mut t = "  Checksum: OK (the rebuilt payload matches its BLAKE3 checksum).\n".to_string();
                if let Some(note) = &content.note {
                    t.push_str(&format!("  Contents: {note}\n"));
                }
                t
            }
            Outcome::Mismatch { conflicting, .. } if !conflicting.is_empty() => format!(
                "  Checksum: MISMATCH: no combination of the codes read matches. Codes with conflicting contents for the same code number were present (forged or misread): code(s) {}.\n",
                codes_list(conflicting)
            ),
            Outcome::Mismatch { .. } => "  Checksum: MISMATCH: no combination of the codes read matches.\n".to_string(),
            _ => "  Checksum: not checked (not enough codes).\n".to_string(),
        });
        if !bad.is_empty() {
            text.push_str(&format!("  Damaged or altered codes (read, but wrong content): {}.\n", codes_list(&bad)));
        }
        match (fingerprint, expect_ok) {
            (Some(f), Some(true)) => text.push_str(&format!("  Fingerprint: {f} (matches --expect)\n")),
            (Some(f), Some(false)) => {
                text.push_str(&format!("  Fingerprint: {f} DOES NOT MATCH --expect {}\n", expect.unwrap()))
            }
            (Some(f), None) => {
                text.push_str(&format!("  Fingerprint: {f} (compare it with the one printed on the sheet)\n"))
            }
            (None, _) => {}
        }
        if let Some(t) = &set.text {
            text.push_str(&format!(
                "  Recovery text: {} of its {} lines read and checked{}.\n",
                t.lines,
                t.expected,
                if t.conflicts > 0 {
                    format!(", {} read twice with different contents", t.conflicts)
                } else {
                    String::new()
                }
            ));
        } else if let Some(h) = scanned.text.as_ref().filter(|_| set.set.version == 1) {
            let from_text = set.shards.values().filter(|s| s.sources.iter().any(|p| p == TEXT_PLACE)).count();
            text.push_str(&format!(
                "  Recovery text: {} lines read, {} pass their check ({} after correcting a character); {} of the {n} codes' data rebuilt from it.\n",
                h.lines, h.passed, h.repaired, from_text
            ));
        }
        text.push_str(&format!("  Result: {}\n\n", if ok { "INTACT" } else { "NOT INTACT" }));
    }
    if args.json {
        let v = json!({
            "intact": all_ok, "pages": scanned.pages, "sets": json_sets,
            "recovery_text": scanned.text.as_ref().map(|h| json!({"lines": h.lines, "passed": h.passed, "repaired": h.repaired, "frames": h.frames})),
            "rejected": scanned.report.rejected.iter().map(|r| json!({"where": r.source, "error": r.error.to_string()})).collect::<Vec<_>>(),
            "foreign_codes": scanned.report.foreign.len(),
        });
        print_stdout(serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)? + "\n")?;
    } else {
        print_stdout(&text)?;
    }
    if all_ok { Ok(()) } else { Err(not_restorable("the sheet is not intact (see the report above)".into())) }
}
