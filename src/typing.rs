//! `restore --type`: a person types the recovery-text lines from the paper
//! (or pipes them in). Each entry is checked at once and an error names it;
//! in a terminal typing stops by itself as soon as the secrets can be
//! rebuilt, since parity covers lines that were skipped.

use std::io::{BufRead, IsTerminal, Write};

use paperseed::ocr;
use paperseed::restore::{self, Located};

use crate::cli::{Failure, note};
use crate::read::Scanned;

/// Read typed lines until the payload can be rebuilt, an empty line, or EOF.
pub fn typed(quiet: bool) -> Result<Scanned, Failure> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        eprintln!(
            "Type the lines of the \"Recovery text\" section, one per line (or a whole row); spaces and case do not matter.\n\
             Each line is checked as you enter it. Lines may be skipped: the others cover them. An empty line ends."
        );
    }
    let mut accepted: Vec<String> = Vec::new();
    let mut entry = 0;
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            eprint!("line {}> ", entry + 1);
            let _ = std::io::stderr().flush();
        }
        let Some(line) = lines.next() else { break };
        let line = line.map_err(anyhow::Error::from)?;
        if line.trim().is_empty() {
            if interactive {
                break;
            }
            continue;
        }
        entry += 1;
        match ocr::lines::parse_input(&line, entry) {
            Ok(_) => accepted.push(line),
            Err(e) => {
                let hint = if interactive { " Type it again, or skip it." } else { " Skipped." };
                note(quiet && !interactive, format!("{e}.{hint}"));
                continue;
            }
        }
        if interactive && rebuildable(&accepted) {
            eprintln!("Enough lines to rebuild the secrets.");
            break;
        }
    }
    let found = frames_of(&accepted);
    let report = restore::assemble(&found);
    Ok(Scanned { found, report, pages: 0, text: None })
}

fn frames_of(lines: &[String]) -> Vec<Located> {
    let (frames, _) = ocr::decode_lines(lines);
    frames.into_iter().map(|text| Located { text, bytes: Vec::new(), place: "typed lines".into() }).collect()
}

fn rebuildable(lines: &[String]) -> bool {
    let report = restore::assemble(&frames_of(lines));
    !report.sets.is_empty()
        && report.sets.iter().all(|s| matches!(s.outcome, paperseed::assemble::Outcome::Restored { .. }))
}
