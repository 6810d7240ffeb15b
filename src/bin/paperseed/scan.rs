//! Scanning for `restore` and `verify`: the library's pipeline with a
//! progress bar and notes on stderr, and the binary's wording of what was
//! not usable.

use std::io::{IsTerminal, Write};

use anyhow::anyhow;

use paperseed::restore::{Event, Pass, Problem, ScanOptions, Scanned, pipeline};
use paperseed::scan::Effort;

use crate::args::{EffortArg, ScanArgs};
use crate::exit::{EXIT_NOT_RESTORABLE, Failure};
use crate::output::note;

/// A failure with "not restorable" status; a problem's hint on its own line.
pub fn not_restorable(msg: String) -> Failure {
    Failure { code: EXIT_NOT_RESTORABLE, error: anyhow!(msg) }
}

/// A problem with its hint, as the binary prints it.
pub fn describe(problem: &Problem) -> String {
    match problem.hint() {
        Some(hint) => format!("{problem}.\nhint: {hint}"),
        None => problem.to_string(),
    }
}

/// A progress bar on stderr (only on a terminal, with more than one page).
struct Progress {
    quiet: bool,
    on: bool,
}

impl Progress {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Skipped(skipped) => note(self.quiet, format!("note: {skipped}")),
            Event::PassStarts { pass, pages } => {
                match pass {
                    Pass::Harder { nothing_found } => {
                        let why = if nothing_found { "No paperseed code found yet" } else { "Some codes are missing" };
                        note(self.quiet, format!("{why}; looking harder (this can take a while)…"));
                    }
                    Pass::Text { asked: false } => note(self.quiet, "Reading the recovery text as well…"),
                    Pass::Codes | Pass::Text { asked: true } => {}
                }
                self.on = !self.quiet && pages > 1 && std::io::stderr().is_terminal();
            }
            Event::Page { done, total, source } => {
                if self.on {
                    let width = 30;
                    let filled = width * done / total.max(1);
                    let _ = write!(
                        std::io::stderr(),
                        "\r\x1b[K[{}{}] {done}/{total} {source}",
                        "#".repeat(filled),
                        " ".repeat(width - filled)
                    );
                    let _ = std::io::stderr().flush();
                }
            }
            Event::PassDone => {
                if self.on {
                    let _ = write!(std::io::stderr(), "\r\x1b[K");
                }
            }
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

/// Scan every input, with progress.
pub fn scan_inputs(args: &ScanArgs, quiet: bool, always_read_text: bool) -> Result<Scanned, Failure> {
    if args.scans.is_empty() {
        return Err(anyhow!("give at least one SCAN (an image, a PDF or a folder)").into());
    }
    let opts = ScanOptions { pdf_dpi: args.dpi, effort: effort(args.effort), always_read_text };
    let mut progress = Progress { quiet, on: false };
    pipeline::scan_files(&args.scans, &opts, &mut |e| progress.event(e)).map_err(|e| anyhow::Error::from(e).into())
}

/// Notes about codes that are not usable (and, with -v, codes of other programs).
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
