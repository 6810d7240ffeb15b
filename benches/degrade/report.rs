//! What the benchmark reports: per-case results, the tables (per condition,
//! per sheet), failures and misses against other readers, the TSV of every
//! page, the summary, and the error-correction margin calibration (`--margin`).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::conditions::*;
use crate::sheets::*;

// ---------------------------------------------------------------- results

pub(crate) struct PageResult {
    pub(crate) file: PathBuf,
    pub(crate) codes: Vec<u8>,
    pub(crate) intact: Vec<u8>,
    pub(crate) paperseed: Vec<u8>,
    /// Error-correction margin of each code paperseed read (Normal effort).
    pub(crate) margins: HashMap<u8, f32>,
    /// PAPERSEED texts read that are no frame of this sheet (misreads).
    pub(crate) wrong: usize,
    pub(crate) seconds: f64,
    pub(crate) zxing: Option<Vec<u8>>,
    pub(crate) zxing_seconds: f64,
    pub(crate) zbar: Option<Vec<u8>>,
    pub(crate) zbar_seconds: f64,
}

pub(crate) struct CaseResult {
    pub(crate) cond: Cond,
    pub(crate) sheet: usize,
    pub(crate) seed: usize,
    pub(crate) pages: Vec<PageResult>,
    /// Restored after the Normal pass.
    pub(crate) restored_normal: bool,
    /// Restored as the binary would (Normal, then Thorough when not restored).
    pub(crate) restored: bool,
    pub(crate) thorough_seconds: f64,
}

impl CaseResult {
    pub(crate) fn intact(&self) -> usize {
        self.pages.iter().map(|p| p.intact.len()).sum()
    }
}

pub(crate) fn indices(sheet: &Sheet, codes: &[u8], texts: &BTreeSet<String>) -> (Vec<u8>, usize) {
    let mut read = Vec::new();
    let mut wrong = 0;
    for t in texts {
        match sheet.frames.get(t) {
            Some(i) if codes.contains(i) => read.push(*i),
            Some(_) => {}
            None if t.starts_with("PAPERSEED") => wrong += 1,
            None => {}
        }
    }
    read.sort_unstable();
    (read, wrong)
}

pub(crate) fn pct(a: usize, b: usize) -> String {
    if b == 0 { "–".into() } else { format!("{:.0}%", 100.0 * a as f64 / b as f64) }
}

pub(crate) fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub(crate) fn list(v: &[u8]) -> String {
    if v.is_empty() { "none".into() } else { v.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(",") }
}

#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) pages: usize,
    pub(crate) cases: usize,
    pub(crate) codes: usize,
    pub(crate) intact: usize,
    pub(crate) ps: usize,
    pub(crate) zx: Option<usize>,
    pub(crate) zb: Option<usize>,
    pub(crate) ok: usize,
    pub(crate) ok_normal: usize,
    pub(crate) eligible: usize,
    pub(crate) eligible_ok: usize,
    pub(crate) times: Vec<f64>,
}

impl Tally {
    pub(crate) fn add(&mut self, c: &CaseResult, sheet: &Sheet) {
        self.cases += 1;
        self.ok += c.restored as usize;
        self.ok_normal += c.restored_normal as usize;
        if c.intact() >= sheet.k {
            self.eligible += 1;
            self.eligible_ok += c.restored as usize;
        }
        for p in &c.pages {
            self.pages += 1;
            self.codes += p.codes.len();
            self.intact += p.intact.len();
            self.ps += p.paperseed.len();
            self.zx = p.zxing.as_ref().map(|z| self.zx.unwrap_or(0) + z.len());
            self.zb = p.zbar.as_ref().map(|z| self.zb.unwrap_or(0) + z.len());
            self.times.push(p.seconds);
        }
    }

    pub(crate) fn row(&mut self, label: &str) -> String {
        let tool = |v: Option<usize>| match v {
            Some(n) => format!("{n} ({})", pct(n, self.codes)),
            None => "not installed".into(),
        };
        let max = self.times.iter().copied().fold(0.0, f64::max);
        format!(
            "| {label} | {} | {} | {} | {} ({}) | {} | {} | {}/{} | {}/{} | {:.2} / {:.2} |",
            self.cases,
            self.codes,
            self.intact,
            self.ps,
            pct(self.ps, self.codes),
            tool(self.zx),
            tool(self.zb),
            self.ok,
            self.cases,
            self.eligible_ok,
            self.eligible,
            median(&mut self.times),
            max,
        )
    }
}

pub(crate) const HEADER: &str = "| condition | cases | codes | intact | paperseed read | zxing-cpp read | zbar read | \
restored | restored, ≥ k intact | paperseed s/page (median / max) |\n\
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

/// Write table.md, details.md, failures.md, summary.md and pages.tsv into
/// `out` (and print them), from the cases run.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_reports(
    out: &Path,
    conds: &[Cond],
    sheets: &[Sheet],
    cases: &[CaseResult],
    files: &[PathBuf],
    zxing: Option<&str>,
    zbar: Option<&str>,
    started: Instant,
) {
    // Tables.
    let mut table = format!("{HEADER}\n");
    let mut details =
        format!("{}\n", HEADER.replacen("| condition |", "| condition | sheet |", 1).replacen("|---|", "|---|---|", 1));
    let mut total = Tally::default();
    // The fade ladder (--margin) is reported in margin.md only.
    let fade = |c: Cond| matches!(c, Cond::Fade(_));
    for &cond in conds.iter().filter(|&&c| !fade(c)) {
        let mut t = Tally::default();
        for c in cases.iter().filter(|c| c.cond == cond) {
            t.add(c, &sheets[c.sheet]);
            total.add(c, &sheets[c.sheet]);
        }
        table.push_str(&t.row(&cond.label()));
        table.push('\n');
        for (si, sheet) in sheets.iter().enumerate() {
            let mut t = Tally::default();
            for c in cases.iter().filter(|c| c.cond == cond && c.sheet == si) {
                t.add(c, sheet);
            }
            let label = format!("{} | {} (k={} of n={})", cond.label(), sheet.name, sheet.k, sheet.n);
            details.push_str(&t.row(&label));
            details.push('\n');
        }
    }
    table.push_str(&total.row("**all**"));
    table.push('\n');

    // Failures and misses.
    let mut failures = String::new();
    for c in cases.iter().filter(|c| !fade(c.cond)) {
        let sheet = &sheets[c.sheet];
        let eligible = c.intact() >= sheet.k;
        let missed_intact: Vec<(usize, Vec<u8>)> = c
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.intact.iter().copied().filter(|x| !p.paperseed.contains(x)).collect::<Vec<u8>>()))
            .filter(|(_, m)| !m.is_empty())
            .collect();
        let wrong: usize = c.pages.iter().map(|p| p.wrong).sum();
        if (eligible && !c.restored) || wrong > 0 || (!c.restored_normal && eligible) {
            let verdict = if c.restored {
                format!("restored only after the Thorough pass ({:.1} s)", c.thorough_seconds)
            } else if eligible {
                "**NOT restored** although ≥ k codes are intact".into()
            } else {
                "not restored (fewer than k intact: expected)".into()
            };
            let _ = writeln!(
                failures,
                "- {} / {} seed {} (k={}, intact {}): {verdict}",
                c.cond.label(),
                sheet.name,
                c.seed,
                sheet.k,
                c.intact()
            );
            for p in &c.pages {
                let _ = writeln!(
                    failures,
                    "  - `{}`: codes {}; intact {}; paperseed read {}{}; zxing-cpp {}; zbar {}",
                    p.file.strip_prefix(out).unwrap_or(&p.file).display(),
                    list(&p.codes),
                    list(&p.intact),
                    list(&p.paperseed),
                    if p.wrong > 0 { format!(" (+{} misread)", p.wrong) } else { String::new() },
                    p.zxing.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                    p.zbar.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                );
            }
        } else if !missed_intact.is_empty() && c.cond != Cond::Stain && c.cond != Cond::Corner {
            let _ = writeln!(
                failures,
                "- {} / {} seed {}: restored, but intact codes missed at Normal effort: {}",
                c.cond.label(),
                sheet.name,
                c.seed,
                missed_intact
                    .iter()
                    .map(|(i, m)| format!(
                        "`{}` codes {}",
                        c.pages[*i].file.file_name().unwrap().to_string_lossy(),
                        list(m)
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
    }
    if failures.is_empty() {
        failures.push_str("None: every case with at least k intact codes was restored at Normal effort.\n");
    }
    // Codes another decoder read where paperseed (Normal effort) did not.
    let mut behind = String::new();
    for c in cases.iter().filter(|c| !fade(c.cond)) {
        for p in &c.pages {
            let others: BTreeSet<u8> =
                p.zxing.iter().chain(p.zbar.iter()).flatten().copied().filter(|i| !p.paperseed.contains(i)).collect();
            if !others.is_empty() {
                let _ = writeln!(
                    behind,
                    "- {} / {} seed {}, `{}`: code(s) {} (intact: {}); paperseed {}, zxing-cpp {}, zbar {}",
                    c.cond.label(),
                    sheets[c.sheet].name,
                    c.seed,
                    p.file.strip_prefix(out).unwrap_or(&p.file).display(),
                    list(&others.iter().copied().collect::<Vec<_>>()),
                    list(&p.intact),
                    list(&p.paperseed),
                    p.zxing.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                    p.zbar.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                );
            }
        }
    }
    failures.push_str("\nCodes that zxing-cpp or zbar read on a page and paperseed (Normal effort) did not:\n\n");
    failures.push_str(if behind.is_empty() { "None.\n" } else { &behind });

    let mut tsv = String::from(
        "condition\tsheet\tseed\tfile\tcodes\tintact\tpaperseed\tpaperseed_s\tzxing\tzxing_s\tzbar\tzbar_s\trestored\n",
    );
    for c in cases {
        for p in &c.pages {
            let _ = writeln!(
                tsv,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.3}\t{}\t{:.3}\t{}\t{:.3}\t{}",
                c.cond.id(),
                sheets[c.sheet].name,
                c.seed,
                p.file.display(),
                list(&p.codes),
                list(&p.intact),
                list(&p.paperseed),
                p.seconds,
                p.zxing.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                p.zxing_seconds,
                p.zbar.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                p.zbar_seconds,
                c.restored
            );
        }
    }
    let mut hwm = String::from("?");
    if let Ok(status) = fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
    {
        hwm = line.trim_start_matches("VmHWM:").trim().to_string();
    }
    let zx_times: Vec<f64> = cases.iter().flat_map(|c| c.pages.iter().map(|p| p.zxing_seconds)).collect();
    let zb_times: Vec<f64> = cases.iter().flat_map(|c| c.pages.iter().map(|p| p.zbar_seconds)).collect();
    let summary = format!(
        "Tools: {}; {}. Pages read: {}; cases: {}. Median time per page: zxing-cpp decode {:.2} s (image \
         loading excluded), zbarimg process {:.2} s. Bench wall time {:.0} s; bench process peak memory \
         (VmHWM, images and all) {hwm}.\n",
        zxing.unwrap_or("zxing-cpp not installed"),
        zbar.unwrap_or("zbar not installed"),
        files.len(),
        cases.len(),
        median(&mut zx_times.clone()),
        median(&mut zb_times.clone()),
        started.elapsed().as_secs_f64(),
    );
    fs::write(out.join("table.md"), &table).unwrap();
    fs::write(out.join("details.md"), &details).unwrap();
    fs::write(out.join("failures.md"), &failures).unwrap();
    fs::write(out.join("summary.md"), &summary).unwrap();
    fs::write(out.join("pages.tsv"), &tsv).unwrap();
    println!("\n{table}\n{failures}\n{summary}");
}

// ---------------------------------------------------------------- error-correction margin

/// Bin of a margin `m` in `n` equal steps: 0 for a clean read, then
/// (0, 1/n), [1/n, 2/n), …, [(n−1)/n, 1), and n + 1 for exactly 100%; so that
/// "at least T" is a sum of whole bins for T a multiple of 1/n.
pub(crate) fn bin(m: f32, n: usize) -> usize {
    if m <= 0.0 {
        0
    } else if m >= 1.0 - 1e-4 {
        n + 1
    } else {
        ((m * n as f32 + 1e-4).floor() as usize).min(n - 1) + 1
    }
}

pub(crate) fn bin_label(b: usize, n: usize) -> String {
    let step = 100 / n;
    match b {
        0 => "0 (clean)".into(),
        1 => format!("1–{}%", step - 1),
        b if b == n + 1 => "100%".into(),
        b => format!("{}–{}%", (b - 1) * step, b * step - 1),
    }
}

/// `margin.md`: the margin of the codes read per condition, and, along each
/// ladder, a code's margin at one step against whether it still reads at the
/// next.
pub(crate) fn margin_report(conds: &[Cond], cases: &[CaseResult], sheet_list: &[Sheet]) -> String {
    let mut out = String::from(
        "Error-correction margin of each code paperseed read (Normal effort): the share of its worst \
         Reed–Solomon block's capacity the read used (`scan::FoundCode::ecc`).\n\n\
         | condition | codes | read | 0 | 1–24% | 25–49% | 50–74% | 75–99% | 100% | max | restored (Normal) |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for &cond in conds {
        let cs: Vec<&CaseResult> = cases.iter().filter(|c| c.cond == cond).collect();
        let codes: usize = cs.iter().flat_map(|c| &c.pages).map(|p| p.codes.len()).sum();
        let read: usize = cs.iter().flat_map(|c| &c.pages).map(|p| p.paperseed.len()).sum();
        let ms: Vec<f32> = cs.iter().flat_map(|c| &c.pages).flat_map(|p| p.margins.values().copied()).collect();
        let mut bins = [0usize; 6];
        for &m in &ms {
            bins[bin(m, 4)] += 1;
        }
        let max = ms.iter().copied().fold(0.0f32, f32::max);
        let ok = cs.iter().filter(|c| c.restored_normal).count();
        let _ = writeln!(
            out,
            "| {} | {codes} | {read} | {} | {} | {} | {} | {} | {} | {:.0}% | {ok}/{} |",
            cond.label(),
            bins[0],
            bins[1],
            bins[2],
            bins[3],
            bins[4],
            bins[5],
            max * 100.0,
            cs.len()
        );
    }

    // Along each ladder: (ladder is fade, margin at this step or None when
    // not read, read at the next step, sheet).
    let mut steps: Vec<(bool, Option<f32>, bool, usize)> = Vec::new();
    for (name, ladder) in ladders() {
        for pair in ladder.windows(2) {
            for a in cases.iter().filter(|c| c.cond == pair[0]) {
                let Some(b) = cases.iter().find(|c| c.cond == pair[1] && c.sheet == a.sheet && c.seed == a.seed) else {
                    continue;
                };
                for (pa, pb) in a.pages.iter().zip(&b.pages) {
                    for i in &pa.codes {
                        let before = match (pa.paperseed.contains(i), pa.margins.get(i)) {
                            (true, Some(&m)) => Some(m),
                            (true, None) => continue, // read but not measured (not seen so far)
                            (false, _) => None,
                        };
                        steps.push((name == "fade", before, pb.paperseed.contains(i), a.sheet));
                    }
                }
            }
        }
    }
    out.push_str(
        "\nA code's margin at one step of a ladder against whether it still read one step further (same \
         sheet, seed and code). Ladders: resolution 600→300→200→150 dpi, rotation 1→3→5→10°, blur \
         0.5→1→1.5, JPEG 60→40, noise 8→16, photo 12→4 Mpx; fade: wear 2→4→…→18% (the same specks \
         wearing further).\n\n\
         | margin at step i | other ladders: codes | not read at step i+1 | fade: codes | not read at step i+1 |\n\
         |---|---:|---:|---:|---:|\n",
    );
    let count = |fade: bool, pick: &dyn Fn(Option<f32>) -> bool| {
        let sel: Vec<_> = steps.iter().filter(|s| s.0 == fade && pick(s.1)).collect();
        (sel.len(), sel.iter().filter(|s| !s.2).count())
    };
    for d in 0..=11 {
        let pick = |m: Option<f32>| m.is_some_and(|m| bin(m, 10) == d);
        let (n, lost) = count(false, &pick);
        let (fn_, flost) = count(true, &pick);
        if n + fn_ > 0 {
            let _ = writeln!(out, "| {} | {n} | {lost} | {fn_} | {flost} |", bin_label(d, 10));
        }
    }
    let (n, lost) = count(false, &|m| m.is_none());
    let (fn_, flost) = count(true, &|m| m.is_none());
    let _ = writeln!(out, "| not read | {n} | {lost} | {fn_} | {flost} |");

    out.push_str(
        "\nA threshold T: codes read at step i with margin ≥ T (warned) or below, and how many of each \
         were not read one step further.\n\n\
         | T | all ladders: warned | not read next step | not warned | not read next step | fade: warned | \
         not read next step | not warned | not read next step |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for t in [0.25f32, 0.33, 0.4, 0.5, 0.6, 0.67, 0.75] {
        let split = |only_fade: bool| {
            let read: Vec<(f32, bool)> =
                steps.iter().filter(|s| !only_fade || s.0).filter_map(|s| s.1.map(|m| (m, s.2))).collect();
            let (warned, quiet): (Vec<_>, Vec<_>) = read.iter().partition(|r| r.0 >= t - 1e-4);
            let lost = |v: &[&(f32, bool)]| v.iter().filter(|r| !r.1).count();
            format!("{} | {} | {} | {}", warned.len(), lost(&warned), quiet.len(), lost(&quiet))
        };
        let _ = writeln!(out, "| {:.0}% | {} | {} |", t * 100.0, split(false), split(true));
    }

    // The fade ladder per sheet (each sheet has one QR level).
    out.push_str(
        "\nThe fade ladder per sheet: codes read at step i with margin ≥ T, and how many of them were not read \
         one step further; codes below T, and how many of them were not read.\n\n\
         | sheet | T | warned | not read next step | not warned | not read next step |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let mut sheets: Vec<usize> = steps.iter().map(|s| s.3).collect();
    sheets.sort_unstable();
    sheets.dedup();
    for sheet in sheets {
        for t in [0.25f32, 0.33, 0.5, 0.67] {
            let read: Vec<(f32, bool)> =
                steps.iter().filter(|s| s.0 && s.3 == sheet).filter_map(|s| s.1.map(|m| (m, s.2))).collect();
            let (warned, quiet): (Vec<_>, Vec<_>) = read.iter().partition(|r| r.0 >= t - 1e-4);
            let lost = |v: &[&(f32, bool)]| v.iter().filter(|r| !r.1).count();
            let _ = writeln!(
                out,
                "| {} (level {}) | {:.0}% | {} | {} | {} | {} |",
                sheet_list[sheet].name,
                sheet_list[sheet].plan.ecc,
                t * 100.0,
                warned.len(),
                lost(&warned),
                quiet.len(),
                lost(&quiet)
            );
        }
    }
    out
}
