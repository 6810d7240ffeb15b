//! The recovery text of format v2: the carried bytes once, as short checked
//! lines a person can type and an OCR pass can read, with Reed–Solomon
//! parity *lines* so that lost or mistyped lines are rebuilt.
//!
//! Format v1 printed every QR frame again as text, parity frames included,
//! each with its own 28-byte header: twice the payload plus overhead, and a
//! lost line cost its whole frame. v2 prints the stream
//!
//! ```text
//! X = kind (1) ‖ k (1) ‖ n (1) ‖ L (2, big-endian) ‖ envelope (L bytes)
//! ```
//!
//! (the same header fields as a v2 QR frame, so text and codes name the same
//! set, then the envelope of [`super::envelope`], whose checksum's first 4
//! bytes are the set id) cut into *data lines* of [`BYTES_PER_LINE`] bytes,
//! plus *parity lines*: the data lines are dealt into stripes (line `i` to
//! stripe `i mod s`) and each stripe gets Reed–Solomon parity computed
//! across its lines, byte column by byte column (the same systematic code as
//! the QR shards, [`crate::shard`]). Any `p` lost lines of a stripe with `p`
//! parity lines are rebuilt; bytes that QR codes supply count as known too.
//!
//! A line is 26 symbols of the 27-symbol alphabet [`ALPHABET`]:
//!
//! ```text
//! PP DDDDDD DDDDDD DDDDDD DDDDCC
//! ```
//!
//! - `PP`: the position, two base-27 digits: data line `i` is `i`
//!   (0–[`MAX_DATA_LINES`]−1), parity line `q` is `728 − q`;
//! - `D…`: 13 bytes as one big-endian number, 22 base-27 digits;
//! - `CC`: two check symbols over GF(27) making the line a codeword of a
//!   distance-3 code: every one or two wrong symbols are detected.

use std::collections::BTreeMap;

use crate::format::frame::PayloadKind;

/// The symbols, by value 0..27.
pub const ALPHABET: &str = "0123456789ACEFHJKMNPRTUVWXY";
/// Number of symbols.
pub const RADIX: u64 = 27;
/// Bytes per line.
pub const BYTES_PER_LINE: usize = 13;
/// Symbols of the position field.
pub const POS_SYMBOLS: usize = 2;
/// Symbols holding the bytes.
pub const DATA_SYMBOLS: usize = 22;
/// Check symbols.
pub const CHECK_SYMBOLS: usize = 2;
/// Symbols of a line, without spaces.
pub const LINE_SYMBOLS: usize = POS_SYMBOLS + DATA_SYMBOLS + CHECK_SYMBOLS;
/// Characters of a printed line (with its four spaces).
pub const LINE_CHARS: usize = LINE_SYMBOLS + 4;
/// Where the symbols of a printed line sit (character columns).
pub const SYMBOL_COLUMNS: [usize; LINE_SYMBOLS] =
    [0, 1, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29];
/// Positions below this are data lines.
pub const MAX_DATA_LINES: usize = 600;
/// Highest position (27² − 1); parity line `q` sits at `LAST_POSITION − q`.
pub const LAST_POSITION: usize = 728;
/// Most data lines in one stripe.
pub const MAX_STRIPE: usize = 200;
/// Bytes of the stream header before the envelope.
pub const HEADER_BYTES: usize = 5;

/// The value of a printed or typed character, with the confusions mapped:
/// `O D Q` → 0, `I L` → 1, `Z` → 2, `S` → 5, `G` → 6, `B` → 8; any case.
pub fn symbol_value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' | 'D' | 'Q' => '0',
        'I' | 'L' => '1',
        'Z' => '2',
        'S' => '5',
        'G' => '6',
        'B' => '8',
        c => c,
    };
    ALPHABET.find(c).map(|i| i as u8)
}

/// The character of a symbol value.
pub fn symbol_char(v: u8) -> char {
    ALPHABET.as_bytes()[v as usize] as char
}

/// GF(27) = GF(3)\[x\] / (x³ + 2x + 1); element a0 + 3·a1 + 9·a2 is a0 + a1·x + a2·x².
pub mod gf27 {
    /// Addition: digit-wise mod 3.
    pub fn add(a: u8, b: u8) -> u8 {
        let (mut a, mut b, mut out, mut w) = (a, b, 0, 1);
        for _ in 0..3 {
            out += ((a % 3 + b % 3) % 3) * w;
            a /= 3;
            b /= 3;
            w *= 3;
        }
        out
    }

    /// Negation: digit-wise.
    pub fn neg(a: u8) -> u8 {
        let (mut a, mut out, mut w) = (a, 0, 1);
        for _ in 0..3 {
            out += ((3 - a % 3) % 3) * w;
            a /= 3;
            w *= 3;
        }
        out
    }

    pub fn sub(a: u8, b: u8) -> u8 {
        add(a, neg(b))
    }

    /// Multiply by x, reducing with x³ = x + 2 (x³ + 2x + 1 = 0).
    const fn times_x(a: u8) -> u8 {
        let (a0, a1, a2) = (a % 3, (a / 3) % 3, a / 9);
        // a0·x + a1·x² + a2·x³ = 2·a2 + (a0 + a2)·x + a1·x²
        (2 * a2) % 3 + 3 * ((a0 + a2) % 3) + 9 * a1
    }

    const EXP: [u8; 26] = {
        let mut t = [0u8; 26];
        let mut v = 1;
        let mut i = 0;
        while i < 26 {
            t[i] = v;
            v = times_x(v);
            i += 1;
        }
        t
    };

    const LOG: [u8; 27] = {
        let mut t = [0u8; 27];
        let mut i = 0;
        while i < 26 {
            t[EXP[i] as usize] = i as u8;
            i += 1;
        }
        t
    };

    /// α^i (α = x is primitive).
    pub fn exp(i: usize) -> u8 {
        EXP[i % 26]
    }

    fn log(a: u8) -> usize {
        LOG[a as usize] as usize
    }

    pub fn mul(a: u8, b: u8) -> u8 {
        if a == 0 || b == 0 { 0 } else { exp(log(a) + log(b)) }
    }

    pub fn inv(a: u8) -> u8 {
        exp(26 - log(a))
    }

    pub fn div(a: u8, b: u8) -> u8 {
        mul(a, inv(b))
    }
}

/// The two syndromes Σ vᵢ·αⁱ and Σ vᵢ·α²ⁱ of a line's symbols.
pub fn syndromes(v: &[u8]) -> (u8, u8) {
    let (mut s1, mut s2) = (0, 0);
    for (i, &x) in v.iter().enumerate() {
        s1 = gf27::add(s1, gf27::mul(x, gf27::exp(i)));
        s2 = gf27::add(s2, gf27::mul(x, gf27::exp(2 * i)));
    }
    (s1, s2)
}

/// The two check symbols that follow `body` (a line's symbols without them).
pub fn check_symbols(body: &[u8]) -> [u8; 2] {
    let (s1, s2) = syndromes(body);
    let (a, b) = (body.len(), body.len() + 1);
    // c_a·α^a + c_b·α^b = −s1 ; c_a·α^2a + c_b·α^2b = −s2
    let (m11, m12, m21, m22) = (gf27::exp(a), gf27::exp(b), gf27::exp(2 * a), gf27::exp(2 * b));
    let det = gf27::sub(gf27::mul(m11, m22), gf27::mul(m12, m21));
    let (r1, r2) = (gf27::neg(s1), gf27::neg(s2));
    let ca = gf27::div(gf27::sub(gf27::mul(r1, m22), gf27::mul(m12, r2)), det);
    let cb = gf27::div(gf27::sub(gf27::mul(m11, r2), gf27::mul(r1, m21)), det);
    [ca, cb]
}

/// Whether a line's symbol values pass their check.
pub fn check_ok(v: &[u8]) -> bool {
    syndromes(v) == (0, 0)
}

/// If exactly one symbol of `v` is wrong, its position and correct value
/// (a hint for the recogniser, never used to change typed input).
pub fn locate_single(v: &[u8]) -> Option<(usize, u8)> {
    let (s1, s2) = syndromes(v);
    if s1 == 0 || s2 == 0 {
        return None;
    }
    let ai = gf27::div(s2, s1);
    let i = (0..v.len()).find(|&i| gf27::exp(i) == ai)?;
    let e = gf27::div(s1, ai);
    Some((i, gf27::sub(v[i], e)))
}

// ---------------------------------------------------------------------------
// Layout of the stream in lines
// ---------------------------------------------------------------------------

/// How a stream of `d` data lines is striped and how many parity lines each
/// stripe gets: `s = ceil(d / 200)` stripes; data line `i` belongs to stripe
/// `i mod s`; a stripe of `m` data lines gets `max(2, ceil(m / 8))` parity
/// lines (an eighth of the text may be lost, and never fewer than two lines;
/// the QR codes are the first copy of the data, the text the second, and
/// the two combine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Data lines.
    pub data: usize,
    /// Parity lines of each stripe.
    pub parity: Vec<usize>,
}

impl Layout {
    /// The layout for `data` data lines.
    pub fn new(data: usize) -> Layout {
        let stripes = data.div_ceil(MAX_STRIPE).max(1);
        let parity = (0..stripes).map(|j| parity_for(stripe_len(data, stripes, j))).collect();
        Layout { data, parity }
    }

    /// The layout of a stream of `bytes` bytes (header included).
    pub fn for_stream(bytes: usize) -> Layout {
        Layout::new(bytes.div_ceil(BYTES_PER_LINE))
    }

    pub fn stripes(&self) -> usize {
        self.parity.len()
    }

    /// Data lines of stripe `j`, in order.
    pub fn stripe_data(&self, j: usize) -> Vec<usize> {
        (j..self.data).step_by(self.stripes()).collect()
    }

    /// Parity line numbers `q` of stripe `j` (parity lines are numbered
    /// stripe after stripe).
    pub fn stripe_parity(&self, j: usize) -> std::ops::Range<usize> {
        let start: usize = self.parity[..j].iter().sum();
        start..start + self.parity[j]
    }

    /// All parity lines.
    pub fn parity_lines(&self) -> usize {
        self.parity.iter().sum()
    }

    /// Every line printed.
    pub fn lines(&self) -> usize {
        self.data + self.parity_lines()
    }

    /// Whether the positions can number every line.
    pub fn fits(&self) -> bool {
        self.data <= MAX_DATA_LINES && self.parity_lines() <= LAST_POSITION + 1 - MAX_DATA_LINES
    }
}

fn stripe_len(data: usize, stripes: usize, j: usize) -> usize {
    (j..data).step_by(stripes).count()
}

fn parity_for(m: usize) -> usize {
    m.div_ceil(8).max(2)
}

/// The stream the text carries.
pub fn stream(kind: PayloadKind, k: u8, n: u8, carried: &[u8]) -> Vec<u8> {
    let mut x = Vec::with_capacity(HEADER_BYTES + carried.len());
    x.extend_from_slice(&[kind.code(), k, n]);
    x.extend_from_slice(&(carried.len() as u16).to_be_bytes());
    x.extend_from_slice(carried);
    x
}

/// Why recovery text cannot be made for a payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{bytes} bytes need {lines} recovery-text lines; at most {MAX_DATA_LINES} data lines can be numbered")]
pub struct TooLong {
    pub bytes: usize,
    pub lines: usize,
}

/// One line's symbols as printed text.
fn format_line(v: &[u8]) -> String {
    let mut s = String::with_capacity(LINE_CHARS);
    for (i, &x) in v.iter().enumerate() {
        if i >= POS_SYMBOLS && (i - POS_SYMBOLS).is_multiple_of(6) {
            s.push(' ');
        }
        s.push(symbol_char(x));
    }
    s
}

/// Encode one line from its position and 13 bytes.
pub fn encode_line(position: usize, bytes: &[u8; BYTES_PER_LINE]) -> String {
    let mut v = [0u8; LINE_SYMBOLS];
    v[0] = (position / 27) as u8;
    v[1] = (position % 27) as u8;
    let mut num = bytes.iter().fold(0u128, |a, &b| (a << 8) | u128::from(b));
    for i in (POS_SYMBOLS..POS_SYMBOLS + DATA_SYMBOLS).rev() {
        v[i] = (num % u128::from(RADIX)) as u8;
        num /= u128::from(RADIX);
    }
    let c = check_symbols(&v[..LINE_SYMBOLS - CHECK_SYMBOLS]);
    v[LINE_SYMBOLS - 2..].copy_from_slice(&c);
    format_line(&v)
}

/// Cut a stream into its data lines (13 bytes each, the last padded with zeros).
fn data_lines(stream: &[u8]) -> Vec<[u8; BYTES_PER_LINE]> {
    stream
        .chunks(BYTES_PER_LINE)
        .map(|c| {
            let mut l = [0u8; BYTES_PER_LINE];
            l[..c.len()].copy_from_slice(c);
            l
        })
        .collect()
}

/// Parity lines of a stripe from its data lines.
fn stripe_parity_lines(data: &[[u8; BYTES_PER_LINE]], parity: usize) -> Vec<[u8; BYTES_PER_LINE]> {
    let bytes: Vec<u8> = data.concat();
    let shards = crate::shard::split(&bytes, data.len(), data.len() + parity).expect("a stripe has at most 240 lines");
    shards[data.len()..].iter().map(|s| s.as_slice().try_into().expect("13-byte shards")).collect()
}

/// The recovery text of carried bytes: data lines, then parity lines.
pub fn encode(kind: PayloadKind, k: u8, n: u8, carried: &[u8]) -> Result<Vec<String>, TooLong> {
    let x = stream(kind, k, n, carried);
    let layout = Layout::for_stream(x.len());
    if !layout.fits() {
        return Err(TooLong { bytes: x.len(), lines: layout.lines() });
    }
    let data = data_lines(&x);
    let mut out: Vec<String> = data.iter().enumerate().map(|(i, l)| encode_line(i, l)).collect();
    for j in 0..layout.stripes() {
        let members: Vec<[u8; BYTES_PER_LINE]> = layout.stripe_data(j).into_iter().map(|i| data[i]).collect();
        for (q, line) in layout.stripe_parity(j).zip(stripe_parity_lines(&members, layout.parity[j])) {
            out.push(encode_line(LAST_POSITION - q, &line));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Reading lines
// ---------------------------------------------------------------------------

/// A checked line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub position: usize,
    pub bytes: [u8; BYTES_PER_LINE],
}

impl Line {
    /// `Some(i)` for data line `i`.
    pub fn data_index(&self) -> Option<usize> {
        (self.position < MAX_DATA_LINES).then_some(self.position)
    }
    /// `Some(q)` for parity line `q`.
    pub fn parity_index(&self) -> Option<usize> {
        (self.position >= MAX_DATA_LINES).then(|| LAST_POSITION - self.position)
    }
    /// The set header if this is data line 0.
    pub fn header(&self) -> Option<Header> {
        (self.position == 0).then(|| Header::from_bytes(&self.bytes)).flatten()
    }
}

/// What line 0 says: the set the text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub kind: u8,
    pub k: u8,
    pub n: u8,
    /// Length of the envelope.
    pub len: u16,
    /// First 4 bytes of the envelope's checksum.
    pub set_id: [u8; 4],
}

impl Header {
    /// Read the header from the first 9 bytes of the stream.
    pub fn from_bytes(b: &[u8]) -> Option<Header> {
        if b.len() < HEADER_BYTES + 4 {
            return None;
        }
        Some(Header {
            kind: b[0],
            k: b[1],
            n: b[2],
            len: u16::from_be_bytes([b[3], b[4]]),
            set_id: b[5..9].try_into().unwrap(),
        })
    }

    /// The layout of the text this header announces.
    pub fn layout(&self) -> Layout {
        Layout::for_stream(HEADER_BYTES + usize::from(self.len))
    }
}

/// Why a typed or recognised line is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("a character is not in the recovery alphabet: {ch:?}")]
    BadChar { ch: char },
    #[error("{len} symbols; a recovery line has {LINE_SYMBOLS} (spaces do not count)")]
    BadLength { len: usize },
    #[error("it fails its check: a character is wrong; compare it with the paper")]
    BadCheck,
    #[error("its position or value is out of range")]
    OutOfRange,
}

/// The symbols of a line as typed or read: whitespace and `-` dropped, case
/// ignored, confusable characters mapped.
pub fn symbols(text: &str) -> Result<Vec<u8>, LineError> {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| symbol_value(c).ok_or(LineError::BadChar { ch: c }))
        .collect()
}

/// Parse and check one line's symbols.
pub fn parse_symbols(v: &[u8]) -> Result<Line, LineError> {
    if v.len() != LINE_SYMBOLS {
        return Err(LineError::BadLength { len: v.len() });
    }
    if !check_ok(v) {
        return Err(LineError::BadCheck);
    }
    let position = usize::from(v[0]) * 27 + usize::from(v[1]);
    let num = v[POS_SYMBOLS..POS_SYMBOLS + DATA_SYMBOLS].iter().fold(0u128, |a, &x| a * 27 + u128::from(x));
    if num >> (8 * BYTES_PER_LINE) != 0 {
        return Err(LineError::OutOfRange);
    }
    let mut bytes = [0u8; BYTES_PER_LINE];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (num >> (8 * (BYTES_PER_LINE - 1 - i))) as u8;
    }
    Ok(Line { position, bytes })
}

/// Parse and check one line of text.
pub fn parse_line(text: &str) -> Result<Line, LineError> {
    parse_symbols(&symbols(text)?)
}

// ---------------------------------------------------------------------------
// Rebuilding
// ---------------------------------------------------------------------------

/// What is known of a stream: one slot per byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    pub bytes: Vec<Option<u8>>,
}

impl Partial {
    pub fn new(len: usize) -> Partial {
        Partial { bytes: vec![None; len] }
    }
    pub fn complete(&self) -> Option<Vec<u8>> {
        self.bytes.iter().copied().collect()
    }
    /// Set known bytes from `offset` (bytes beyond the end are padding and ignored).
    pub fn fill(&mut self, offset: usize, data: &[u8]) {
        for (i, &b) in data.iter().enumerate() {
            if let Some(slot) = self.bytes.get_mut(offset + i) {
                *slot = Some(b);
            }
        }
    }
    /// The bytes of `range`, padding beyond the end as zeros, if all known.
    pub fn get(&self, offset: usize, len: usize) -> Option<Vec<u8>> {
        (offset..offset + len).map(|i| if i < self.bytes.len() { self.bytes[i] } else { Some(0) }).collect()
    }
}

/// Use the text's parity: for every stripe with enough known lines, rebuild
/// its missing data lines into `known`. Returns whether anything was added.
pub fn apply_parity(layout: &Layout, parity: &BTreeMap<usize, [u8; BYTES_PER_LINE]>, known: &mut Partial) -> bool {
    let mut progress = false;
    for j in 0..layout.stripes() {
        let members = layout.stripe_data(j);
        let lines: Vec<Option<Vec<u8>>> = members
            .iter()
            .map(|&i| known.get(i * BYTES_PER_LINE, BYTES_PER_LINE))
            .chain(layout.stripe_parity(j).map(|q| parity.get(&q).map(|l| l.to_vec())))
            .collect();
        let missing = lines[..members.len()].iter().filter(|l| l.is_none()).count();
        if missing == 0 {
            continue;
        }
        if let Ok(data) = crate::shard::join(lines, members.len(), members.len() * BYTES_PER_LINE) {
            for (m, &i) in members.iter().enumerate() {
                known.fill(i * BYTES_PER_LINE, &data[m * BYTES_PER_LINE..(m + 1) * BYTES_PER_LINE]);
            }
            progress = true;
        }
    }
    progress
}

/// Lines of one sheet's text, by position (first reading of each position
/// kept), and the positions that were read with conflicting contents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    pub lines: BTreeMap<usize, [u8; BYTES_PER_LINE]>,
    pub conflicts: Vec<usize>,
}

impl Lines {
    pub fn insert(&mut self, line: Line) {
        match self.lines.get(&line.position) {
            Some(b) if *b != line.bytes => {
                if !self.conflicts.contains(&line.position) {
                    self.conflicts.push(line.position);
                }
            }
            Some(_) => {}
            None => {
                self.lines.insert(line.position, line.bytes);
            }
        }
    }

    /// The header, if line 0 was read.
    pub fn header(&self) -> Option<Header> {
        self.lines.get(&0).and_then(|b| Header::from_bytes(b))
    }

    /// Parity lines by their number `q`.
    pub fn parity(&self) -> BTreeMap<usize, [u8; BYTES_PER_LINE]> {
        self.lines.iter().filter(|(p, _)| **p >= MAX_DATA_LINES).map(|(p, b)| (LAST_POSITION - p, *b)).collect()
    }

    /// The highest data line read.
    pub fn last_data(&self) -> Option<usize> {
        self.lines.keys().copied().rfind(|&p| p < MAX_DATA_LINES)
    }

    /// What the data lines give of a stream of `len` bytes.
    pub fn partial(&self, len: usize) -> Partial {
        let mut known = Partial::new(len);
        for (&p, b) in self.lines.range(..MAX_DATA_LINES) {
            known.fill(p * BYTES_PER_LINE, b);
        }
        known
    }

    /// Rebuild the stream from the text alone: the header from line 0 (or,
    /// with line 0 lost, each length its parity could cover), then parity.
    /// Returns the stream (header + envelope); the caller checks the
    /// envelope's checksum, which also confirms a guessed length.
    pub fn rebuild(&self) -> Vec<Vec<u8>> {
        let candidates: Vec<usize> = match self.header() {
            Some(h) => vec![HEADER_BYTES + usize::from(h.len)],
            None => {
                // Lost data lines at the end are covered by parity lines read:
                // try each count of data lines they allow (at least one).
                let spare = self.parity().len();
                let first = self.last_data().map_or(1, |last| last + 1);
                (first..=first + spare).map(|d| d * BYTES_PER_LINE).collect()
            }
        };
        let parity = self.parity();
        let mut out = Vec::new();
        for bytes in candidates {
            let layout = Layout::for_stream(bytes);
            if !layout.fits() {
                continue;
            }
            let mut known = self.partial(layout.data * BYTES_PER_LINE);
            apply_parity(&layout, &parity, &mut known);
            let Some(full) = known.complete() else { continue };
            let Some(h) = Header::from_bytes(&full) else { continue };
            let len = HEADER_BYTES + usize::from(h.len);
            if h.layout() == layout && len <= full.len() {
                out.push(full[..len].to_vec());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn field_is_a_field() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..26 {
            seen.insert(gf27::exp(i));
        }
        assert_eq!(seen.len(), 26, "x must be primitive");
        for a in 1..27u8 {
            assert_eq!(gf27::mul(a, gf27::inv(a)), 1);
            assert_eq!(gf27::add(a, gf27::neg(a)), 0);
        }
    }

    #[test]
    fn every_single_and_double_error_is_detected() {
        let line = encode_line(5, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        assert_eq!(line.len(), LINE_CHARS);
        let v = symbols(&line).unwrap();
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
    fn line_columns_match_the_printed_form() {
        let line = encode_line(LAST_POSITION, &[255; 13]);
        let chars: Vec<char> = line.chars().collect();
        for (i, &c) in SYMBOL_COLUMNS.iter().enumerate() {
            assert_ne!(chars[c], ' ', "symbol {i}");
        }
        assert_eq!(chars.iter().filter(|c| **c == ' ').count(), 4);
        let l = parse_line(&line).unwrap();
        assert_eq!((l.position, l.bytes, l.parity_index()), (728, [255; 13], Some(0)));
        let l = parse_line(&encode_line(0, &[0; 13]).to_lowercase()).unwrap();
        assert_eq!((l.position, l.data_index()), (0, Some(0)));
    }

    #[test]
    fn layouts() {
        assert_eq!(Layout::new(5), Layout { data: 5, parity: vec![2] });
        assert_eq!(Layout::new(33), Layout { data: 33, parity: vec![5] });
        let big = Layout::new(450);
        assert_eq!(big.stripes(), 3);
        assert_eq!(big.stripe_data(1)[..3], [1, 4, 7]);
        assert_eq!(big.lines(), 450 + 3 * 19);
        assert!(big.fits());
        assert!(!Layout::new(601).fits());
    }

    fn sample(len: usize) -> (Vec<u8>, Vec<String>) {
        let carried: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
        let lines = encode(PayloadKind::Sheet, 3, 6, &carried).unwrap();
        (stream(PayloadKind::Sheet, 3, 6, &carried), lines)
    }

    fn read(lines: &[String]) -> Lines {
        let mut l = Lines::default();
        for t in lines {
            l.insert(parse_line(t).unwrap());
        }
        l
    }

    #[test]
    fn a_totp_key_takes_seven_lines() {
        // A 36-byte payload in its 17-byte envelope, with the 5-byte header: 58 bytes.
        let (x, lines) = sample(53);
        assert_eq!(x.len(), 58);
        assert_eq!(lines.len(), 7);
        assert_eq!(read(&lines).rebuild(), vec![x]);
    }

    #[test]
    fn any_two_lost_lines_of_a_small_text_are_rebuilt_and_line_0_too() {
        let (x, lines) = sample(53);
        for a in 0..lines.len() {
            for b in a + 1..lines.len() {
                let kept: Vec<String> =
                    lines.iter().enumerate().filter(|(i, _)| *i != a && *i != b).map(|(_, l)| l.clone()).collect();
                assert_eq!(read(&kept).rebuild(), vec![x.clone()], "lost {a} and {b}");
            }
        }
        let kept = [&lines[1..4], &lines[5..]].concat();
        assert!(read(&kept[..kept.len() - 1]).rebuild().is_empty(), "three lost lines are too many");
    }

    proptest! {
        #[test]
        fn lost_lines_within_parity_are_rebuilt(len in 1usize..3000, seed in any::<u64>()) {
            let (x, lines) = sample(len);
            let layout = Layout::for_stream(x.len());
            // Lose, in every stripe, as many lines as it has parity lines, chosen pseudo-randomly.
            let mut s = seed;
            let mut lost = std::collections::BTreeSet::new();
            for j in 0..layout.stripes() {
                let mut members: Vec<usize> = layout.stripe_data(j);
                members.extend(layout.stripe_parity(j).map(|q| layout.data + q));
                for _ in 0..layout.parity[j] {
                    s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    lost.insert(members[(s >> 33) as usize % members.len()]);
                }
            }
            let kept: Vec<String> = lines.iter().enumerate().filter(|(i, _)| !lost.contains(i)).map(|(_, l)| l.clone()).collect();
            let rebuilt = read(&kept).rebuild();
            prop_assert!(rebuilt.contains(&x));
        }

        #[test]
        fn parse_never_panics(s in "[0-9A-Z ]{0,40}") {
            let _ = parse_line(&s);
        }
    }
}
