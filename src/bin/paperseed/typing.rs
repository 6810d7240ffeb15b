//! `restore --type`: a person types the recovery-text lines from the paper
//! (or pipes them in). Each entry is checked at once and an error names it;
//! in a terminal typing stops by itself as soon as the secrets can be
//! rebuilt, since parity covers lines that were skipped.

use std::io::{BufRead, IsTerminal, Write};

use paperseed::restore::{self, TextRead, Typed};

use crate::exit::Failure;
use crate::output::{eprint_line, note};
use paperseed::restore::Scanned;

/// Where typed lines come from, as reports name it.
const PLACE: &str = "typed lines";

/// Read typed lines until the payload can be rebuilt, an empty line, or EOF.
pub fn typed(quiet: bool) -> Result<Scanned, Failure> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        eprint_line(
            "Type the lines of the \"Recovery text\" section, one per line (or a whole row); spaces and case do not matter.\n\
             Each line is checked as you enter it. Lines may be skipped: the others cover them. An empty line ends.\n\
             Share sheets: type one sheet's recovery text, then each other sheet's share words (all 20 on one line).",
        );
    }
    let mut accepted: Vec<TextRead> = Vec::new();
    let mut words = Vec::new();
    let mut entry = 0;
    let mut input = stdin.lock();
    loop {
        if interactive {
            let mut err = std::io::stderr();
            let _ = write!(err, "line {}> ", entry + 1);
            let _ = err.flush();
        }
        let line = match read_bounded_line(&mut input, MAX_LINE_BYTES).map_err(anyhow::Error::from)? {
            None => break,
            Some(Ok(line)) => line,
            Some(Err(len)) => {
                entry += 1;
                note(
                    quiet && !interactive,
                    format!(
                        "line {entry}: {len} bytes long, far longer than a recovery-text line (not shown). Skipped."
                    ),
                );
                continue;
            }
        };
        if line.trim().is_empty() {
            if interactive {
                break;
            }
            continue;
        }
        entry += 1;
        match restore::check_typed_entry(&line, entry, PLACE) {
            Ok(Typed::Lines(read)) => accepted.extend(read),
            Ok(Typed::Words(share)) => {
                note(
                    quiet && !interactive,
                    format!("line {entry}: share words of share {} accepted.", share.member_index() + 1),
                );
                words.push(share);
            }
            Err(e) => {
                let hint = if interactive { " Type it again, or skip it." } else { " Skipped." };
                note(quiet && !interactive, format!("{}.{hint}", describe(&e, &line)));
                continue;
            }
        }
        if interactive && words.is_empty() && rebuildable(&accepted) {
            eprint_line("Enough lines to rebuild the secrets.");
            break;
        }
    }
    let report = restore::assemble_with_text(&[], &accepted);
    Ok(Scanned { found: Vec::new(), report, pages: 0, text: None, words, lines: accepted })
}

/// Longest line read: a recovery-text line (or a whole typed row) is well
/// under 200 characters.
const MAX_LINE_BYTES: usize = 4096;

/// Read one line (without its line ending) of at most `max` bytes. A longer
/// line is consumed without being kept and gives its length; `None` at EOF.
fn read_bounded_line(input: &mut impl BufRead, max: usize) -> std::io::Result<Option<Result<String, usize>>> {
    let mut line: Vec<u8> = Vec::new();
    let mut len = 0usize;
    let mut seen_any = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        seen_any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        len += chunk.len();
        if len <= max {
            line.extend_from_slice(chunk);
        } else {
            line = Vec::new();
        }
        let used = done.unwrap_or(chunk.len());
        input.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !seen_any {
        return Ok(None);
    }
    if len > max {
        return Ok(Some(Err(len)));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    match String::from_utf8(line) {
        Ok(s) => Ok(Some(Ok(s))),
        Err(_) => Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "the typed text is not UTF-8")),
    }
}

/// What is wrong with an entry, without repeating it: recovery text is the
/// secret in another form. At most its first characters, to find it again.
fn describe(e: &restore::TypedError, text: &str) -> String {
    let mut start: String = text.trim().chars().take(PREFIX_CHARS).collect();
    if text.trim().chars().count() > PREFIX_CHARS {
        start.push('…');
    }
    match e.hint {
        Some(hint) => format!("line {} ({start:?}): {}. Hint: {hint}", e.entry, e.problem),
        None => format!("line {} ({start:?}): {}", e.entry, e.problem),
    }
}

/// Characters of a rejected entry shown in its error.
const PREFIX_CHARS: usize = 6;

fn rebuildable(lines: &[TextRead]) -> bool {
    let report = restore::assemble_with_text(&[], lines);
    // A share sheet's data alone restores nothing: words of other shares follow.
    !report.sets.is_empty()
        && report.sets.iter().all(|s| {
            matches!(s.outcome, paperseed::assemble::Outcome::Restored { .. })
                && s.set.kind != paperseed::format::PayloadKind::Share
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_with_a_bound() {
        let long = "x".repeat(10_000);
        let text = format!("abc\r\n{long}\nlast");
        // A small buffer, so that lines span several reads.
        let mut input = std::io::BufReader::with_capacity(7, text.as_bytes());
        assert_eq!(read_bounded_line(&mut input, 100).unwrap(), Some(Ok("abc".to_string())));
        assert_eq!(read_bounded_line(&mut input, 100).unwrap(), Some(Err(10_000)));
        assert_eq!(read_bounded_line(&mut input, 100).unwrap(), Some(Ok("last".to_string())));
        assert_eq!(read_bounded_line(&mut input, 100).unwrap(), None);
        let mut empty_line = std::io::BufReader::new(&b"\n"[..]);
        assert_eq!(read_bounded_line(&mut empty_line, 100).unwrap(), Some(Ok(String::new())));
    }
}
