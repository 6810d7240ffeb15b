//! `restore --type`: a person types the recovery-text lines from the paper
//! (or pipes them in). Each entry is checked at once and an error names it;
//! in a terminal typing stops by itself as soon as the secrets can be
//! rebuilt, since parity covers lines that were skipped.

use std::io::{BufRead, IsTerminal, Write};

use paperseed::restore::{self, TextRead};

use crate::cli::{Failure, note};
use crate::read::Scanned;

/// Where typed lines come from, as reports name it.
const PLACE: &str = "typed lines";

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
    let mut accepted: Vec<TextRead> = Vec::new();
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
        match restore::check_typed(&line, entry, PLACE) {
            Ok(read) => accepted.extend(read),
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
    let report = restore::assemble_with_text(&[], &accepted);
    Ok(Scanned { found: Vec::new(), report, pages: 0, text: None })
}

fn rebuildable(lines: &[TextRead]) -> bool {
    let report = restore::assemble_with_text(&[], lines);
    !report.sets.is_empty()
        && report.sets.iter().all(|s| matches!(s.outcome, paperseed::assemble::Outcome::Restored { .. }))
}
