//! The recovery-text line format: frames cut into short checked lines.
//!
//! Every frame's binary form ([`Frame::to_bytes`]) is cut into groups of
//! [`BYTES_PER_LINE`] bytes (the last one padded with zero bytes). Each group
//! becomes one *line* of [`LINE_SYMBOLS`] symbols of the 27-symbol alphabet
//! [`ALPHABET`]:
//!
//! ```text
//! PPP DDDDDD DDDDDD CC
//! ```
//!
//! - `PPP`: the position, `frame × 64 + line`, three base-27 digits;
//! - `DDDDDD DDDDDD`: the 7 bytes as one big-endian number, twelve base-27 digits;
//! - `CC`: two check symbols over GF(27) making the 17 symbols a codeword of
//!   a distance-3 code: any one or two wrong symbols are detected (and one
//!   can be located).
//!
//! The alphabet keeps exactly one character of each group that OCR engines
//! and people confuse (`0 O D Q`, `1 I L`, `2 Z`, `5 S`, `6 G`, `8 B`), so a
//! confusion inside a group is no error at all: the others are read as their
//! group's digit.

use std::collections::BTreeMap;

use crate::format::{Frame, FrameError};

pub use crate::format::text::{
    ALPHABET, RADIX, check_ok, check_symbols, gf27, locate_single, symbol_char, symbol_value, syndromes,
};

/// Frame bytes per line.
pub const BYTES_PER_LINE: usize = 7;
/// Symbols of the position field.
pub const POS_SYMBOLS: usize = 3;
/// Symbols holding the bytes.
pub const DATA_SYMBOLS: usize = 12;
/// Check symbols.
pub const CHECK_SYMBOLS: usize = 2;
/// Symbols of a line, without spaces.
pub const LINE_SYMBOLS: usize = POS_SYMBOLS + DATA_SYMBOLS + CHECK_SYMBOLS;
/// Lines per frame at most (the position is `frame × 64 + line`).
pub const MAX_LINES_PER_FRAME: usize = 64;
/// Frames at most.
pub const MAX_FRAMES: usize = 256;
/// Characters of a printed line (with its three spaces).
pub const LINE_CHARS: usize = LINE_SYMBOLS + 3;
/// Where the symbols of a printed line sit (character columns).
pub const SYMBOL_COLUMNS: [usize; LINE_SYMBOLS] = [0, 1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19];

fn format_line(v: &[u8]) -> String {
    let mut s = String::with_capacity(LINE_CHARS);
    for (i, &x) in v.iter().enumerate() {
        if i == POS_SYMBOLS || i == POS_SYMBOLS + 6 || i == POS_SYMBOLS + DATA_SYMBOLS {
            s.push(' ');
        }
        s.push(symbol_char(x));
    }
    s
}

/// Whether a line's text has the 17 symbols of a format-v1 line (or a
/// multiple: a whole printed row of three).
pub fn is_v1_line(text: &str) -> bool {
    let n = text.chars().filter(|c| !c.is_whitespace() && *c != '-').count();
    n > 0 && n.is_multiple_of(LINE_SYMBOLS) && n <= LINE_SYMBOLS * 3
}

/// Encode one line from its position and (up to 7) bytes.
pub fn encode_line(frame: usize, line: usize, bytes: &[u8]) -> String {
    let pos = (frame * MAX_LINES_PER_FRAME + line) as u64;
    let mut group = [0u8; BYTES_PER_LINE];
    group[..bytes.len()].copy_from_slice(bytes);
    let mut num = group.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut v = vec![0u8; LINE_SYMBOLS];
    let mut p = pos;
    for i in (0..POS_SYMBOLS).rev() {
        v[i] = (p % RADIX) as u8;
        p /= RADIX;
    }
    for i in (POS_SYMBOLS..POS_SYMBOLS + DATA_SYMBOLS).rev() {
        v[i] = (num % RADIX) as u8;
        num /= RADIX;
    }
    let c = check_symbols(&v[..LINE_SYMBOLS - CHECK_SYMBOLS]);
    v[LINE_SYMBOLS - 2] = c[0];
    v[LINE_SYMBOLS - 1] = c[1];
    format_line(&v)
}

/// Cut frames (binary, [`Frame::to_bytes`]) into recovery lines, frame by
/// frame in order. Frames beyond [`MAX_FRAMES`] or lines beyond
/// [`MAX_LINES_PER_FRAME`] per frame cannot be numbered: such a frame is left out.
pub fn encode_frames(frames: &[Vec<u8>]) -> Vec<String> {
    let mut out = Vec::new();
    for (f, bytes) in frames.iter().enumerate().take(MAX_FRAMES) {
        let chunks: Vec<&[u8]> = bytes.chunks(BYTES_PER_LINE).collect();
        if chunks.len() > MAX_LINES_PER_FRAME {
            continue;
        }
        for (l, chunk) in chunks.iter().enumerate() {
            out.push(encode_line(f, l, chunk));
        }
    }
    out
}

/// A checked line: where it goes and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub frame: usize,
    pub line: usize,
    pub bytes: [u8; BYTES_PER_LINE],
}

/// Why a line (or a frame of lines) could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("line {input}: {text:?} has a character that is not in the recovery alphabet: {ch:?}")]
    BadChar { input: usize, text: String, ch: char },
    #[error("line {input}: {text:?} has {len} characters, a recovery line has {LINE_SYMBOLS} (spaces do not count)")]
    BadLength { input: usize, text: String, len: usize },
    #[error("line {input}: {text:?} fails its check: a character is wrong; compare it with the paper")]
    BadCheck { input: usize, text: String },
    #[error("line {input}: {text:?} has a position or value out of range")]
    OutOfRange { input: usize, text: String },
    #[error("line {input}: {text:?} disagrees with another line at the same position (frame {frame}, line {line})")]
    Conflict { input: usize, text: String, frame: usize, line: usize },
    #[error("frame {frame}: lines {missing:?} are missing or damaged")]
    Incomplete { frame: usize, missing: Vec<usize> },
    #[error("frame {frame}: {error}")]
    Frame { frame: usize, error: FrameError },
}

/// Parse and check one line (typed or recognised). `input` is the 1-based
/// number used in errors. Whitespace and `-` are ignored, case too, and the
/// confusable characters are mapped ([`symbol_value`]).
pub fn parse_line(text: &str, input: usize) -> Result<Line, LineError> {
    let mut v = Vec::with_capacity(LINE_SYMBOLS);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        match symbol_value(c) {
            Some(x) => v.push(x),
            None => return Err(LineError::BadChar { input, text: text.trim().to_string(), ch: c }),
        }
    }
    if v.len() != LINE_SYMBOLS {
        return Err(LineError::BadLength { input, text: text.trim().to_string(), len: v.len() });
    }
    if !check_ok(&v) {
        return Err(LineError::BadCheck { input, text: text.trim().to_string() });
    }
    let pos = v[..POS_SYMBOLS].iter().fold(0u64, |a, &x| a * RADIX + u64::from(x)) as usize;
    let num = v[POS_SYMBOLS..POS_SYMBOLS + DATA_SYMBOLS].iter().fold(0u128, |a, &x| a * 27 + u128::from(x));
    if pos >= MAX_FRAMES * MAX_LINES_PER_FRAME || num >= 1u128 << 56 {
        return Err(LineError::OutOfRange { input, text: text.trim().to_string() });
    }
    let mut bytes = [0u8; BYTES_PER_LINE];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (num >> (8 * (BYTES_PER_LINE - 1 - i))) as u8;
    }
    Ok(Line { frame: pos / MAX_LINES_PER_FRAME, line: pos % MAX_LINES_PER_FRAME, bytes })
}

/// Check one line of typed input as it is entered: a single recovery line,
/// or a whole printed row (several lines). `input` is the 1-based number
/// used in errors. For `restore --type`: reject the entry (naming it) on
/// error, keep going otherwise; [`decode_lines`] on everything entered at the end.
pub fn parse_input(text: &str, input: usize) -> Result<Vec<Line>, LineError> {
    split_inputs(std::slice::from_ref(&text.to_string())).into_iter().map(|(_, t)| parse_line(&t, input)).collect()
}

/// Split input strings into candidate lines: a string with a multiple of
/// [`LINE_SYMBOLS`] symbols (a whole printed row typed at once) is cut into
/// lines; blank strings are skipped. Returns (1-based input number, text).
fn split_inputs(lines: &[String]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let compact: String = l.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if compact.is_empty() {
            continue;
        }
        let n = compact.chars().count();
        if n > LINE_SYMBOLS && n.is_multiple_of(LINE_SYMBOLS) {
            let chars: Vec<char> = compact.chars().collect();
            for chunk in chars.chunks(LINE_SYMBOLS) {
                out.push((i + 1, chunk.iter().collect()));
            }
        } else {
            out.push((i + 1, l.clone()));
        }
    }
    out
}

/// Check lines and rebuild the frames whose lines are all present and good.
///
/// Returns the frame texts (`PAPERSEED1:…`, ready for
/// [`assemble`](crate::assemble::assemble)) and every problem found: a bad
/// line names its input line (1-based), a frame with lines missing names them.
pub fn decode_lines(lines: &[String]) -> (Vec<String>, Vec<LineError>) {
    let mut errors = Vec::new();
    let mut frames: BTreeMap<usize, BTreeMap<usize, [u8; BYTES_PER_LINE]>> = BTreeMap::new();
    for (input, text) in split_inputs(lines) {
        match parse_line(&text, input) {
            Err(e) => errors.push(e),
            Ok(l) => {
                let slot = frames.entry(l.frame).or_default();
                match slot.get(&l.line) {
                    Some(b) if *b != l.bytes => errors.push(LineError::Conflict {
                        input,
                        text: text.trim().to_string(),
                        frame: l.frame,
                        line: l.line,
                    }),
                    _ => {
                        slot.insert(l.line, l.bytes);
                    }
                }
            }
        }
    }
    let mut texts = Vec::new();
    for (frame, got) in frames {
        // The header (lines 0 and 1) gives the frame's length.
        let (Some(l0), Some(l1)) = (got.get(&0), got.get(&1)) else {
            let missing: Vec<usize> = [0, 1].into_iter().filter(|l| !got.contains_key(l)).collect();
            errors.push(LineError::Incomplete { frame, missing });
            continue;
        };
        let k = usize::from(l0[1]).max(1);
        let len = u32::from_be_bytes([l0[4], l0[5], l0[6], l1[0]]) as usize;
        let frame_len = crate::format::frame::overhead(1) + crate::format::frame::shard_len(len, k);
        let count = frame_len.div_ceil(BYTES_PER_LINE);
        if count > MAX_LINES_PER_FRAME {
            errors.push(LineError::Frame { frame, error: FrameError::BadHeader("frame too long for recovery text") });
            continue;
        }
        let missing: Vec<usize> = (0..count).filter(|l| !got.contains_key(l)).collect();
        if !missing.is_empty() {
            errors.push(LineError::Incomplete { frame, missing });
            continue;
        }
        let mut bytes: Vec<u8> = (0..count).flat_map(|l| got[&l]).collect();
        bytes.truncate(frame_len);
        match Frame::from_bytes(&bytes) {
            Ok(f) => texts.push(f.to_text()),
            Err(error) => errors.push(LineError::Frame { frame, error }),
        }
    }
    (texts, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_single_and_double_error_is_detected() {
        let line = encode_line(3, 5, &[1, 2, 3, 4, 5, 6, 7]);
        let v: Vec<u8> = line.chars().filter(|c| *c != ' ').map(|c| symbol_value(c).unwrap()).collect();
        assert!(check_ok(&v));
        for i in 0..LINE_SYMBOLS {
            for e in 1..27u8 {
                let mut w = v.clone();
                w[i] = gf27::add(w[i], e);
                assert!(!check_ok(&w));
                assert_eq!(locate_single(&w), Some((i, v[i])));
                for j in i + 1..LINE_SYMBOLS {
                    for f in [1u8, 5, 13, 26] {
                        let mut u = w.clone();
                        u[j] = gf27::add(u[j], f);
                        assert!(!check_ok(&u));
                    }
                }
            }
        }
    }

    #[test]
    fn typed_entries_are_checked_one_by_one() {
        let a = encode_line(0, 0, &[1, 2, 3]);
        let b = encode_line(0, 1, &[4, 5, 6]);
        let row = format!("{a}   {b}").to_lowercase();
        assert_eq!(parse_input(&row, 7).unwrap().len(), 2);
        let bad = row.replacen(' ', "", 1).replacen(char::is_alphanumeric, "x", 1);
        let err = parse_input(&bad, 7).unwrap_err().to_string();
        assert!(err.starts_with("line 7:"), "{err}");
        assert!(parse_input("   ", 1).unwrap().is_empty());
    }

    #[test]
    fn lines_round_trip() {
        let l = parse_line(&encode_line(255, 63, &[255; 7]), 1).unwrap();
        assert_eq!((l.frame, l.line, l.bytes), (255, 63, [255; 7]));
        let l = parse_line(&encode_line(0, 0, &[9]), 1).unwrap();
        assert_eq!(l.bytes, [9, 0, 0, 0, 0, 0, 0]);
    }
}
