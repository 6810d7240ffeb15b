//! From pages to secrets, the library's restore pipeline:
//!
//! - [`pipeline`] — files → pages → codes and recovery-text lines → sets
//!   rebuilt ([`pipeline::scan_files`], progress through a callback);
//! - [`open`] — sets → backups: decode, decrypt (with a passphrase the caller
//!   provides through [`open::Unlock`]), combine shares ([`open::restore`]);
//! - [`report`] — the verify report ([`report::VerifyReport`]), serializable,
//!   rendered as text or JSON.
//!
//! Below: the steps they share (where a code was found, typed lines, text
//! lines grouped by sheet).

pub mod history;
pub mod open;
pub mod pipeline;
pub mod report;

pub use open::{NoPassphrase, Opened, Opening, Problem, RestoreError, Unlock, UnlockError};
pub use pipeline::{Event, Pass, ScanOptions, Scanned, TextHealth, scan_files, scan_more, scan_pages};
pub use report::{Verdict, VerifyReport};

use crate::assemble::{self, Outcome, Report, SetReport, Sighting};
use crate::format::{Fingerprint, payload};
use crate::scan::{self, DetectOptions, Page};
use crate::secret::Backup;

/// A code found on a page, with a description of where.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub text: String,
    /// The raw data bytes of the symbol.
    pub bytes: Vec<u8>,
    /// e.g. `scan.pdf page 2, top left`.
    pub place: String,
    /// How much of its QR error correction the read needed (`None` when not
    /// measured, e.g. codes rebuilt from recovery text).
    pub ecc: Option<crate::scan::EccUsage>,
}

/// Where on a page a point lies, in words a person uses: `top left`,
/// `middle`, `bottom right`…
pub fn region(x: f32, y: f32, width: u32, height: u32) -> &'static str {
    let col = ((x / width.max(1) as f32) * 3.0).clamp(0.0, 2.99) as usize;
    let row = ((y / height.max(1) as f32) * 3.0).clamp(0.0, 2.99) as usize;
    const NAMES: [[&str; 3]; 3] = [
        ["top left", "top centre", "top right"],
        ["middle left", "middle", "middle right"],
        ["bottom left", "bottom centre", "bottom right"],
    ];
    NAMES[row][col]
}

/// Find every QR code on a page.
pub fn scan_page(page: &Page, opts: &DetectOptions) -> Vec<Located> {
    scan::find_codes(&page.image, opts).into_iter().map(|c| located(page, c)).collect()
}

/// A code found on `page`, with where.
pub fn located(page: &Page, c: scan::FoundCode) -> Located {
    let (w, h) = page.image.dimensions();
    let cx = c.corners.iter().map(|p| p.0).sum::<f32>() / 4.0;
    let cy = c.corners.iter().map(|p| p.1).sum::<f32>() / 4.0;
    Located { place: format!("{}, {}", page.source, region(cx, cy, w, h)), text: c.text, bytes: c.bytes, ecc: c.ecc }
}

/// Assemble everything found.
pub fn assemble(found: &[Located]) -> Report {
    assemble_with_text(found, &[])
}

/// One recovery-text line as read from a scan or typed (format v1 or v2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRead {
    pub text: String,
    /// e.g. `scan.pdf page 1 (recovery text)`, or `typed lines`.
    pub place: String,
}

/// Assemble codes and recovery-text lines together. Format-v1 lines are
/// rebuilt into frames (FORMAT.md appendix); format-v2 lines are grouped
/// by sheet (a line 0 with another header starts a new sheet) and joined
/// with the codes of their set.
pub fn assemble_with_text(found: &[Located], lines: &[TextRead]) -> Report {
    let mut sightings: Vec<Sighting> =
        found.iter().map(|l| Sighting { text: l.text.clone(), source: l.place.clone() }).collect();
    let (v1, v2): (Vec<&TextRead>, Vec<&TextRead>) =
        lines.iter().partition(|l| crate::format::text_v1::is_v1_line(&l.text));
    let v1_texts: Vec<String> = v1.iter().map(|l| l.text.clone()).collect();
    let (frames, _) = crate::scan::text::decode_lines(&v1_texts);
    let place = v1.first().map_or_else(String::new, |l| l.place.clone());
    for text in frames {
        if !sightings.iter().any(|s| s.text == text) {
            sightings.push(Sighting { text, source: place.clone() });
        }
    }
    assemble::assemble_with_text(sightings, group_lines(&v2))
}

/// Why a typed entry is not a usable recovery line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {entry}: {problem}")]
pub struct TypedError {
    /// 1-based number of the entry.
    pub entry: usize,
    pub problem: String,
    /// What to do about it, when there is more to say than the problem.
    pub hint: Option<&'static str>,
}

/// Check one typed entry: a recovery line, or a whole printed row of them
/// (format v2: 26 symbols a line, two to a row; v1: 17 symbols, three to a
/// row). Spaces, `-` and case do not matter. Returns the lines it holds.
pub fn check_typed(entry_text: &str, entry: usize, place: &str) -> Result<Vec<TextRead>, TypedError> {
    use crate::format::text;
    let err = |problem: String| TypedError { entry, problem, hint: None };
    let symbols: Vec<char> = entry_text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let n = symbols.len();
    let read = |t: String| TextRead { text: t, place: place.to_string() };
    if n > 0 && n.is_multiple_of(text::LINE_SYMBOLS) && n <= 2 * text::LINE_SYMBOLS {
        return symbols
            .chunks(text::LINE_SYMBOLS)
            .map(|c| {
                let t: String = c.iter().collect();
                text::parse_line(&t).map(|_| read(t)).map_err(|e| err(e.to_string()))
            })
            .collect();
    }
    if crate::format::text_v1::is_v1_line(entry_text) {
        let lines = crate::format::text_v1::parse_input(entry_text, entry).map_err(|e| err(v1_problem(&e)))?;
        let per = crate::format::text_v1::LINE_SYMBOLS;
        return Ok((0..lines.len()).map(|i| read(symbols[i * per..(i + 1) * per].iter().collect())).collect());
    }
    if let Some(c) = symbols.iter().find(|c| crate::format::text::symbol_value(**c).is_none()) {
        return Err(err(format!("{c:?} is not in the recovery alphabet")));
    }
    Err(err(format!(
        "{n} symbols; a recovery line has {} (spaces do not count; sheets of paperseed 0.1 have {})",
        text::LINE_SYMBOLS,
        crate::format::text_v1::LINE_SYMBOLS
    )))
}

/// What one typed entry is.
#[derive(Debug, Clone)]
pub enum Typed {
    /// Recovery-text lines (one, or a whole printed row).
    Lines(Vec<TextRead>),
    /// The SLIP-39 words of a share sheet (FORMAT.md §8.2.2).
    Words(crate::protect::slip39::Share),
}

/// Fewest words of a SLIP-39 share.
const SLIP39_MIN_WORDS: usize = 20;

/// Check one typed entry: recovery-text lines (see [`check_typed`]), or, when
/// it is at least 20 words of letters only, a share's SLIP-39 words (checked
/// by their checksum; a wrong word is named by its position).
pub fn check_typed_entry(entry_text: &str, entry: usize, place: &str) -> Result<Typed, TypedError> {
    let words: Vec<&str> = entry_text.split_whitespace().collect();
    if words.len() >= SLIP39_MIN_WORDS && words.iter().all(|w| w.chars().all(|c| c.is_ascii_alphabetic())) {
        return crate::protect::slip39::Share::from_mnemonic(entry_text).map(Typed::Words).map_err(|e| TypedError {
            entry,
            problem: format!("share words: {e}"),
            hint: e.hint(),
        });
    }
    check_typed(entry_text, entry, place).map(Typed::Lines)
}

/// A v1 line error without its "line N:" prefix and without echoing the text.
fn v1_problem(e: &crate::scan::text::LineError) -> String {
    use crate::scan::text::LineError as E;
    match e {
        E::BadChar { ch, .. } => format!("{ch:?} is not in the recovery alphabet"),
        E::BadLength { len, .. } => {
            format!("{len} symbols; a recovery line has {}", crate::format::text_v1::LINE_SYMBOLS)
        }
        E::BadCheck { .. } => "it fails its check: a character is wrong; compare it with the paper".into(),
        other => other.to_string(),
    }
}

/// Group format-v2 lines by sheet, in reading order: a new group starts at
/// a line 0 whose header differs from the current group's, or at a
/// position read before with other contents. Lines that fail their check
/// are skipped.
pub fn group_lines(lines: &[&TextRead]) -> Vec<assemble::TextGroup> {
    use crate::format::text;
    let mut groups: Vec<assemble::TextGroup> = Vec::new();
    for l in lines {
        let Ok(line) = text::parse_line(&l.text) else { continue };
        // A line 0 whose header names no set is no sheet's line (a line of
        // zeros passes its check): it must not start a group that takes
        // the lines after it away from their sheet.
        if line.position == 0 && !line.header().is_some_and(|h| plausible_header(&h)) {
            continue;
        }
        let fresh = match groups.last() {
            None => true,
            Some(g) => {
                let other_header = line.header().is_some_and(|h| g.lines.header().is_some_and(|gh| gh != h));
                let conflict = g.lines.lines.get(&line.position).is_some_and(|b| *b != line.bytes);
                other_header || conflict
            }
        };
        if fresh {
            groups.push(assemble::TextGroup { lines: text::Lines::default(), source: l.place.clone() });
        }
        groups.last_mut().expect("a group").lines.insert(line);
    }
    groups
}

/// Whether a text header can name a set: a known kind, 1 ≤ k ≤ n, a payload.
fn plausible_header(h: &crate::format::text::Header) -> bool {
    crate::format::PayloadKind::from_code(h.kind).is_some() && h.k >= 1 && h.n >= h.k && h.len > 0
}

/// A set that was rebuilt and decoded.
#[derive(Debug, Clone)]
pub struct Restored {
    pub backup: Backup,
    pub fingerprint: Fingerprint,
}

/// Decode a rebuilt plain set's payload. `None` when the set was not
/// rebuilt, or is encrypted or a share (opened with [`crate::protect`] first).
pub fn decode(set: &SetReport) -> Option<Result<Restored, payload::PayloadError>> {
    if set.set.kind != crate::format::PayloadKind::Sheet {
        return None;
    }
    match &set.outcome {
        Outcome::Restored { payload: bytes, .. } => {
            Some(payload::decode(bytes).map(|backup| Restored { backup, fingerprint: Fingerprint::of(bytes) }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert_eq!(region(0.0, 0.0, 300, 300), "top left");
        assert_eq!(region(150.0, 150.0, 300, 300), "middle");
        assert_eq!(region(299.0, 299.0, 300, 300), "bottom right");
        assert_eq!(region(400.0, -5.0, 300, 300), "top right");
    }

    #[test]
    fn typed_share_words_name_the_word_and_give_the_hint_apart() {
        // 20 words of letters, the fifth not in the SLIP-39 list.
        let mut words = vec!["academic"; 20];
        words[4] = "zzzz";
        let e = match check_typed_entry(&words.join(" "), 3, "test") {
            Err(e) => e,
            Ok(_) => panic!("an unknown word must be refused"),
        };
        assert_eq!(e.entry, 3);
        assert_eq!(e.problem, "share words: word 5 is not a SLIP-39 word");
        assert!(e.hint.is_some_and(|h| h.contains("first 4 or more letters")));
        // A recovery line's error has no separate hint.
        assert!(check_typed("ABC", 1, "test").unwrap_err().hint.is_none());
    }
}
