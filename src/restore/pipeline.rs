//! The scanning half of a restore, from files to an assembled report: load
//! every input under one budget, find codes page by page, look harder when
//! codes are missing, and read the recovery text when it is needed (or
//! always, for `verify`). Progress is reported through a callback; nothing
//! is printed here.

use std::path::PathBuf;

use serde::Serialize;

use super::{Located, TextRead, assemble_with_text, located};
use crate::assemble::{Outcome, Report};
use crate::format::frame::Frame;
use crate::scan::{self, Budget, DetectOptions, Effort, FoundCode, Limits, Page, ScanError, Skipped};

/// Pages kept in memory for a harder second pass, in pixels (≈ 11 A4 pages
/// at 300 dpi); with more, the harder pass is left out.
pub const KEEP_PIXELS: u64 = 100_000_000;

/// Where recovery-text lines read from scans are said to come from.
pub const TEXT_PLACE: &str = "the recovery text";

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Resolution PDF pages are rendered at, in dpi (clamped to 72–1200).
    pub pdf_dpi: u32,
    /// The effort of the first pass; a thorough pass follows when codes are
    /// missing (unless the first was thorough, or the pages are too large to
    /// keep).
    pub effort: Effort,
    /// Read the recovery text even when the codes restore everything.
    pub always_read_text: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { pdf_dpi: 300, effort: Effort::Normal, always_read_text: false }
    }
}

/// A pass over the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The first search for codes.
    Codes,
    /// A thorough search, because codes were missing (`nothing_found`: no
    /// paperseed code at all yet).
    Harder { nothing_found: bool },
    /// Reading the recovery text (`asked`: because the caller always wants
    /// it, not because codes were missing).
    Text { asked: bool },
}

/// What the pipeline is doing, for a progress display.
#[derive(Debug)]
pub enum Event<'a> {
    /// An entry of a folder that was not used, and why.
    Skipped(&'a Skipped),
    /// A pass over `pages` pages starts.
    PassStarts { pass: Pass, pages: usize },
    /// Page `done` of `total` of the current pass is being read.
    Page { done: usize, total: usize, source: &'a str },
    /// The current pass is over.
    PassDone,
}

/// What scanning produced.
#[derive(Debug, Clone)]
pub struct Scanned {
    /// Every QR code found, where it was found.
    pub found: Vec<Located>,
    /// The codes (and recovery-text lines) grouped by set and rebuilt.
    pub report: Report,
    /// Pages read.
    pub pages: usize,
    /// What the recovery-text reader found, when it ran.
    pub text: Option<TextHealth>,
    /// Share words typed (SLIP-39), to combine with the shares read.
    pub words: Vec<crate::protect::slip39::Share>,
    /// The recovery-text lines that passed their check (read from the pages,
    /// typed, or given before with [`scan_more`]), assembled into `report`.
    pub lines: Vec<TextRead>,
}

/// What the recovery-text reader found on the pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TextHealth {
    /// Lines recognised.
    pub lines: usize,
    /// Lines that passed their check.
    pub passed: usize,
    /// Lines that passed after one character was corrected.
    pub repaired: usize,
    /// Format-v1 frames rebuilt from the lines.
    pub frames: usize,
}

/// Whether every set found was rebuilt (and at least one was found).
pub fn all_restored(report: &Report) -> bool {
    !report.sets.is_empty() && report.sets.iter().all(|s| matches!(s.outcome, Outcome::Restored { .. }))
}

/// Load every input (images, PDFs, folders) under one budget for the run:
/// many inputs cannot add up past the limits.
pub fn load_all(
    paths: &[PathBuf],
    opts: &ScanOptions,
    progress: &mut dyn FnMut(Event<'_>),
) -> Result<Vec<Page>, ScanError> {
    let limits = Limits { pdf_dpi: opts.pdf_dpi.clamp(72, 1200) as f32, ..Limits::default() };
    let mut budget = Budget::new(&limits);
    let mut pages = Vec::new();
    for path in paths {
        let loaded = scan::load_with_budget(path, &limits, &mut budget)?;
        for skipped in &loaded.skipped {
            progress(Event::Skipped(skipped));
        }
        pages.extend(loaded.pages);
    }
    Ok(pages)
}

/// Load and scan files: [`load_all`] then [`scan_pages`].
pub fn scan_files(
    paths: &[PathBuf],
    opts: &ScanOptions,
    progress: &mut dyn FnMut(Event<'_>),
) -> Result<Scanned, ScanError> {
    let pages = load_all(paths, opts, progress)?;
    Ok(scan_pages(&pages, opts, progress))
}

/// One pass of `detect` over every page: the codes found on each.
fn codes_pass(pages: &[Page], effort: Effort, pass: Pass, progress: &mut dyn FnMut(Event<'_>)) -> Vec<Vec<FoundCode>> {
    progress(Event::PassStarts { pass, pages: pages.len() });
    let mut found = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        progress(Event::Page { done: i + 1, total: pages.len(), source: &page.source });
        found.push(scan::find_codes(&page.image, &DetectOptions { expected: None, effort }));
    }
    progress(Event::PassDone);
    found
}

/// Whether a code's text is a paperseed frame whose CRC holds: the codes the
/// sheet-aware reader looks for and returns.
fn is_frame(text: &str) -> bool {
    Frame::parse(text).is_ok()
}

/// The sheet-aware pass ([`scan::sheetwise`]): on every page, the sheet's
/// codes the page search missed, found and decoded with what the codes read
/// there say about them; then, with several pages, the symbols no page
/// decoded alone combined across the pages (several photos of one sheet).
/// Codes are added to `per_page` and `combined`; returns how many.
fn sheet_pass(pages: &[Page], per_page: &mut [Vec<FoundCode>], combined: &mut Vec<Located>) -> usize {
    let mut added = 0;
    let mut unread = Vec::new();
    for (page, found) in pages.iter().zip(per_page.iter_mut()) {
        let read = scan::sheetwise::read_page(&page.image, found, &is_frame);
        for code in read.codes {
            if !found.iter().any(|f| f.text == code.text) {
                found.push(code);
                added += 1;
            }
        }
        unread.extend(read.unread);
    }
    if pages.len() > 1 && unread.len() > 1 {
        let refs: Vec<&scan::sheetwise::Unread> = unread.iter().collect();
        for (text, bytes, photos) in scan::sheetwise::combine(&refs, &is_frame) {
            let known = per_page.iter().flatten().any(|f| f.text == text) || combined.iter().any(|c| c.text == text);
            if !known {
                let place = format!("{photos} scans combined");
                combined.push(Located { text, bytes, place, ecc: None });
                added += 1;
            }
        }
    }
    added
}

/// Every code of every page, with where it was found, then the codes read
/// by combining pages.
fn locate_all(pages: &[Page], per_page: &[Vec<FoundCode>], combined: &[Located]) -> Vec<Located> {
    pages
        .iter()
        .zip(per_page)
        .flat_map(|(page, codes)| codes.iter().cloned().map(|c| located(page, c)))
        .chain(combined.iter().cloned())
        .collect()
}

/// Find the codes on the pages, assemble them, and read the recovery text
/// when codes are missing (or when `opts.always_read_text`).
///
/// Codes are looked for in turn, each step only while the sets found are not
/// all rebuilt: the page search at `opts.effort`; the sheet-aware reader
/// (fast: it starts from the codes read); a thorough page search (unless the
/// first was thorough or the pages are too large to keep) followed by the
/// sheet-aware reader again; the recovery text.
pub fn scan_pages(pages: &[Page], opts: &ScanOptions, progress: &mut dyn FnMut(Event<'_>)) -> Scanned {
    scan_more(pages, opts, &[], &[], progress)
}

/// [`scan_pages`] on top of codes and recovery-text lines found before (on
/// pages scanned earlier, one file at a time, or typed): the harder passes and
/// the text pass run only when everything together does not yet restore.
/// The result holds the earlier codes and lines too.
pub fn scan_more(
    pages: &[Page],
    opts: &ScanOptions,
    found_before: &[Located],
    lines_before: &[TextRead],
    progress: &mut dyn FnMut(Event<'_>),
) -> Scanned {
    let everything = |per_page: &[Vec<FoundCode>], combined: &[Located]| {
        let mut all = found_before.to_vec();
        all.extend(locate_all(pages, per_page, combined));
        all
    };
    let mut lines = lines_before.to_vec();
    let mut per_page = codes_pass(pages, opts.effort, Pass::Codes, progress);
    let mut combined = Vec::new();
    let mut report = assemble_with_text(&everything(&per_page, &combined), &lines);
    if !all_restored(&report) && sheet_pass(pages, &mut per_page, &mut combined) > 0 {
        report = assemble_with_text(&everything(&per_page, &combined), &lines);
    }
    let kept: u64 = pages.iter().map(|p| u64::from(p.image.width()) * u64::from(p.image.height())).sum();
    if !all_restored(&report) && opts.effort != Effort::Thorough && kept <= KEEP_PIXELS {
        let pass = Pass::Harder { nothing_found: report.sets.is_empty() };
        let harder = codes_pass(pages, Effort::Thorough, pass, progress);
        let mut new = 0;
        for (found, more) in per_page.iter_mut().zip(harder) {
            for code in more {
                if !found.iter().any(|f| f.text == code.text) {
                    found.push(code);
                    new += 1;
                }
            }
        }
        if new > 0 {
            report = assemble_with_text(&everything(&per_page, &combined), &lines);
            if !all_restored(&report) {
                sheet_pass(pages, &mut per_page, &mut combined);
            }
        }
        report = assemble_with_text(&everything(&per_page, &combined), &lines);
    }
    let found = everything(&per_page, &combined);
    let mut text = None;
    if opts.always_read_text || !all_restored(&report) {
        text = Some(read_recovery_text(pages, &mut lines, opts.always_read_text, progress));
        report = assemble_with_text(&found, &lines);
    }
    Scanned { found, report, pages: pages.len(), text, words: Vec::new(), lines }
}

/// Read the recovery-text blocks of every page: the lines that pass their check.
fn read_recovery_text(
    pages: &[Page],
    read: &mut Vec<TextRead>,
    asked: bool,
    progress: &mut dyn FnMut(Event<'_>),
) -> TextHealth {
    progress(Event::PassStarts { pass: Pass::Text { asked }, pages: pages.len() });
    let mut texts = Vec::new();
    let mut health = TextHealth::default();
    for (i, page) in pages.iter().enumerate() {
        progress(Event::Page { done: i + 1, total: pages.len(), source: &page.source });
        for line in crate::scan::text::read_page_detailed(&page.image) {
            health.lines += 1;
            if line.passes {
                health.passed += 1;
                health.repaired += usize::from(line.repaired > 0);
                texts.push(line.text.clone());
                read.push(TextRead { text: line.text, place: TEXT_PLACE.into() });
            }
        }
    }
    progress(Event::PassDone);
    let (frames, _) = crate::scan::text::decode_lines(&texts);
    health.frames = frames.len();
    health
}
