//! Scanning for `restore` and `verify`: load every input under one budget,
//! find codes page by page with a progress bar, look harder when codes are
//! missing, read the recovery text, and explain what was not usable.

use std::io::{IsTerminal, Write};

use anyhow::anyhow;

use paperseed::assemble::{Outcome, Report, SetReport};
use paperseed::format::Fingerprint;
use paperseed::restore::{self, Located, TextRead};
use paperseed::scan::{self, DetectOptions, Effort, Limits, Page};

use crate::args::{EffortArg, ScanArgs};
use crate::exit::{EXIT_NOT_RESTORABLE, Failure};
use crate::output::note;

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
pub const TEXT_PLACE: &str = "the recovery text";

/// What the recovery-text reader found.
pub struct TextHealth {
    pub lines: usize,
    pub passed: usize,
    pub repaired: usize,
    pub frames: usize,
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

pub fn not_restorable(msg: String) -> Failure {
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

pub fn scan_inputs(args: &ScanArgs, quiet: bool, always_read_text: bool) -> Result<Scanned, Failure> {
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
pub fn selected(set: &SetReport, choice: Option<&str>) -> bool {
    let Some(choice) = choice else { return true };
    let c = choice.trim().to_ascii_lowercase();
    if !c.is_empty() && set.set.short_id().starts_with(&c) {
        return true;
    }
    matches!((Fingerprint::parse(choice), set.fingerprint()), (Some(a), Some(b)) if a == b)
}

pub fn codes_list(indices: &[u8]) -> String {
    indices.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
}

/// Messages about codes that are not usable, and a summary when nothing was found.
pub fn report_problems(scanned: &Scanned, args: &ScanArgs, quiet: bool) {
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

pub fn nothing_found(scanned: &Scanned) -> Failure {
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

pub fn set_failure(set: &SetReport) -> String {
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
