//! A QR Model 2 symbol read from soft module values: format information by
//! correlation with the 32 valid format words, codewords with a reliability
//! each, blocks corrected with erasures for the least reliable codewords, and
//! the data segments (numeric, alphanumeric, byte) turned into text.
//!
//! Exists apart from rxing's decoder because that one takes hard modules and
//! corrects errors only; here every module carries how sure the sampler is of
//! it ([`Soft`]), and that certainty decides which codewords are erased.
//! The symbol's tables (function patterns, block structure) come from rxing's
//! `Version`; the reading order and data masks are the ones
//! [`crate::scan::margin`] already repeats.

use rxing::qrcode::common::FORMAT_INFO_DECODE_LOOKUP;
use rxing::qrcode::common::{ErrorCorrectionLevel, Version, VersionRef};

use super::rs;
use crate::scan::charset::bytes_to_text;
use crate::scan::margin::{bit_positions, mask_bit};

/// Soft module values of a `dim`×`dim` symbol, row-major: +1 surely dark,
/// −1 surely light, 0 unknown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Soft {
    pub(crate) dim: u32,
    pub(crate) values: Vec<f32>,
}

impl Soft {
    pub(crate) fn at(&self, x: u32, y: u32) -> f32 {
        self.values[(y * self.dim + x) as usize]
    }
}

/// A symbol decoded from soft values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decoded {
    pub(crate) text: String,
    pub(crate) bytes: Vec<u8>,
    /// Codewords changed by error correction, over all blocks.
    pub(crate) corrected: usize,
    /// Codewords declared erased in the attempt that decoded.
    pub(crate) erased: usize,
    /// The worst block's 2·errors + erasures over its error-correction
    /// codewords (0.0 clean … 1.0 at the limit).
    pub(crate) used: f32,
    /// Error-correction level read from the format information.
    pub(crate) level: ErrorCorrectionLevel,
    /// Error-correction codewords per block.
    pub(crate) ec: u16,
    /// Reed–Solomon blocks.
    pub(crate) blocks: u16,
}

/// Module positions (column, row) of format bits 0…14, first copy (around
/// the top-left finder) and second copy (top-right and bottom-left).
fn format_positions(dim: u32) -> [[(u32, u32); 15]; 2] {
    let mut first = [(0, 0); 15];
    let mut second = [(0, 0); 15];
    for (i, p) in first.iter_mut().enumerate() {
        *p = match i {
            0..=5 => (8, i as u32),
            6 => (8, 7),
            7 => (8, 8),
            8 => (7, 8),
            _ => (14 - i as u32, 8),
        };
    }
    for (i, p) in second.iter_mut().enumerate() {
        *p = if i < 8 { (dim - 1 - i as u32, 8) } else { (8, dim - 15 + i as u32) };
    }
    [first, second]
}

/// The valid format words ranked by agreement with the soft modules (both
/// copies): (error-correction level, data mask, score in −1…1).
pub(crate) fn format_candidates(soft: &Soft) -> Vec<(ErrorCorrectionLevel, u8, f32)> {
    let positions = format_positions(soft.dim);
    let mut out: Vec<(ErrorCorrectionLevel, u8, f32)> = FORMAT_INFO_DECODE_LOOKUP
        .iter()
        .filter_map(|&[word, data]| {
            let level = ErrorCorrectionLevel::forBits((data >> 3) as u8).ok()?;
            let mut score = 0.0;
            for copy in &positions {
                for (i, &(x, y)) in copy.iter().enumerate() {
                    let bit = (word >> i) & 1 == 1;
                    let s = soft.at(x, y);
                    score += if bit { s } else { -s };
                }
            }
            Some((level, (data & 7) as u8, score / 30.0))
        })
        .collect();
    out.sort_by(|a, b| b.2.total_cmp(&a.2));
    out
}

/// Where each codeword of each block sits in the interleaved stream
/// (ISO/IEC 18004 §7.6), and how many of its codewords are data.
struct Blocks {
    /// Per block: (data codewords, stream index of each codeword).
    blocks: Vec<(usize, Vec<usize>)>,
    ec: usize,
}

fn blocks(version: VersionRef, level: ErrorCorrectionLevel) -> Blocks {
    let ecb = version.getECBlocksForLevel(level);
    let ec = ecb.getECCodewordsPerBlock() as usize;
    let sizes: Vec<usize> = ecb
        .getECBlocks()
        .iter()
        .flat_map(|b| std::iter::repeat_n(b.getDataCodewords() as usize, b.getCount() as usize))
        .collect();
    let mut blocks: Vec<(usize, Vec<usize>)> = sizes.iter().map(|&d| (d, Vec::with_capacity(d + ec))).collect();
    let max_data = sizes.iter().copied().max().unwrap_or(0);
    let mut index = 0;
    for i in 0..max_data {
        for b in blocks.iter_mut() {
            if i < b.0 {
                b.1.push(index);
                index += 1;
            }
        }
    }
    for _ in 0..ec {
        for b in blocks.iter_mut() {
            b.1.push(index);
            index += 1;
        }
    }
    Blocks { blocks, ec }
}

/// Codewords and their reliabilities (the least sure bit of each) read
/// from `soft` with data mask `mask`.
fn codewords(soft: &Soft, positions: &[(u32, u32)], mask: u8, total: usize) -> (Vec<u8>, Vec<f32>) {
    let mut words = Vec::with_capacity(total);
    let mut sure = Vec::with_capacity(total);
    let (mut byte, mut least) = (0u8, f32::INFINITY);
    for (i, &(x, y)) in positions.iter().take(total * 8).enumerate() {
        let mut s = soft.at(x, y);
        if mask_bit(mask, x, y) {
            s = -s;
        }
        byte = (byte << 1) | u8::from(s > 0.0);
        least = least.min(s.abs());
        if i % 8 == 7 {
            words.push(byte);
            sure.push(least);
            byte = 0;
            least = f32::INFINITY;
        }
    }
    (words, sure)
}

/// Erasure counts tried per block, for `ec` error-correction codewords: none,
/// then growing shares of the block's least reliable codewords, always
/// leaving room to find at least one error besides (`s ≤ ec − 2`).
fn erasure_schedule(ec: usize) -> Vec<usize> {
    let mut out = vec![0];
    for num in [1, 2, 3, 4, 5, 6, 7] {
        let s = ec * num / 8;
        if s > 0 && s + 2 <= ec && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Decode the soft symbol as a version-`version` QR code. `level` narrows
/// the format words considered (all codes of a sheet share one level).
pub(crate) fn decode(soft: &Soft, version: u32, level: Option<ErrorCorrectionLevel>) -> Option<Decoded> {
    let version = Version::Model2(version).ok()?;
    if version.getDimensionForVersion() != soft.dim {
        return None;
    }
    let positions = bit_positions(version)?;
    let total = version.getTotalCodewords() as usize;
    let candidates: Vec<(ErrorCorrectionLevel, u8, f32)> = format_candidates(soft)
        .into_iter()
        .filter(|c| level.is_none_or(|l| l == c.0))
        .take(if level.is_some() { 3 } else { 4 })
        .collect();
    let best = candidates.first()?.2;
    for (lvl, mask, score) in candidates {
        // A format word far behind the best is not worth a try.
        if score < best - 0.35 || score <= 0.0 {
            continue;
        }
        let (words, sure) = codewords(soft, &positions, mask, total);
        if let Some(d) = decode_words(&words, &sure, version, lvl) {
            return Some(d);
        }
    }
    None
}

fn decode_words(words: &[u8], sure: &[f32], version: VersionRef, level: ErrorCorrectionLevel) -> Option<Decoded> {
    let layout = blocks(version, level);
    let ec = layout.ec;
    let mut data = Vec::new();
    let (mut corrected, mut erased, mut worst) = (0, 0, 0.0f32);
    let schedule = erasure_schedule(ec);
    for (n_data, idx) in &layout.blocks {
        let block: Vec<u8> = idx.iter().map(|&i| words[i]).collect();
        let mut order: Vec<usize> = (0..block.len()).collect();
        order.sort_by(|&a, &b| sure[idx[a]].total_cmp(&sure[idx[b]]));
        let mut done = None;
        for &s in &schedule {
            let mut attempt = block.clone();
            if let Ok(n) = rs::correct(&mut attempt, ec, &order[..s]) {
                done = Some((attempt, n, s));
                break;
            }
        }
        let (fixed, n, s) = done?;
        corrected += n;
        erased += s;
        // 2·errors + erasures over what the block can take.
        let errors = (0..block.len()).filter(|&i| fixed[i] != block[i] && !order[..s].contains(&i)).count();
        let load = (2 * errors + s) as f32 / ec as f32;
        worst = worst.max(load.min(1.0));
        data.extend_from_slice(&fixed[..*n_data]);
    }
    let (text, bytes) = parse_segments(&data, version.getVersionNumber())?;
    let blocks = layout.blocks.len() as u16;
    Some(Decoded { text, bytes, corrected, erased, used: worst, level, ec: ec as u16, blocks })
}

/// Read `bits` bits (most significant first) from `data` at bit `*pos`.
fn take(data: &[u8], pos: &mut usize, bits: usize) -> Option<u32> {
    if *pos + bits > data.len() * 8 {
        return None;
    }
    let mut v = 0u32;
    for _ in 0..bits {
        let byte = data[*pos / 8];
        v = (v << 1) | u32::from((byte >> (7 - *pos % 8)) & 1);
        *pos += 1;
    }
    Some(v)
}

const ALNUM: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// The data segments (numeric, alphanumeric, byte) as text and as the
/// bytes rxing reports for them. `None` for any other mode (ECI, Kanji,
/// structured append, FNC1): the codes read here are paperseed's.
fn parse_segments(data: &[u8], version: u32) -> Option<(String, Vec<u8>)> {
    let class = match version {
        1..=9 => 0,
        10..=26 => 1,
        _ => 2,
    };
    let mut pos = 0;
    let mut bytes = Vec::new();
    let mut only_text = true;
    loop {
        if data.len() * 8 - pos < 4 {
            break;
        }
        let mode = take(data, &mut pos, 4)?;
        match mode {
            0 => break,
            1 => {
                let count = take(data, &mut pos, [10, 12, 14][class])? as usize;
                let mut left = count;
                while left > 0 {
                    let (n, bits) = match left {
                        1 => (1, 4),
                        2 => (2, 7),
                        _ => (3, 10),
                    };
                    let v = take(data, &mut pos, bits)?;
                    if v >= [10, 100, 1000][n - 1] {
                        return None;
                    }
                    let s = format!("{v:0n$}");
                    bytes.extend_from_slice(s.as_bytes());
                    left -= n;
                }
            }
            2 => {
                let count = take(data, &mut pos, [9, 11, 13][class])? as usize;
                let mut left = count;
                while left > 0 {
                    if left >= 2 {
                        let v = take(data, &mut pos, 11)? as usize;
                        let (a, b) = (v / 45, v % 45);
                        if a >= 45 {
                            return None;
                        }
                        bytes.extend_from_slice(&[ALNUM[a], ALNUM[b]]);
                        left -= 2;
                    } else {
                        let v = take(data, &mut pos, 6)? as usize;
                        bytes.push(*ALNUM.get(v)?);
                        left -= 1;
                    }
                }
            }
            4 => {
                only_text = false;
                let count = take(data, &mut pos, [8, 16, 16][class])? as usize;
                for _ in 0..count {
                    bytes.push(take(data, &mut pos, 8)? as u8);
                }
            }
            _ => return None,
        }
    }
    if bytes.is_empty() {
        return None;
    }
    let text = if only_text { String::from_utf8(bytes.clone()).ok()? } else { bytes_to_text(&bytes) };
    Some((text, bytes))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sheet::Symbol;
    use crate::sheet::qr::{self, Ecc};

    /// Soft values of a clean symbol: ±`level`.
    pub(crate) fn soft_of(symbol: &Symbol, level: f32) -> Soft {
        let dim = symbol.width as u32;
        let mut values = Vec::with_capacity((dim * dim) as usize);
        for y in 0..symbol.width {
            for x in 0..symbol.width {
                values.push(if symbol.dark(x, y) { level } else { -level });
            }
        }
        Soft { dim, values }
    }

    fn frame_like(len: usize) -> String {
        let digits: String = (0..len).map(|i| char::from(b'0' + ((i * 7 + i / 3) % 10) as u8)).collect();
        format!("PAPERSEED2:{digits}")
    }

    #[test]
    fn clean_symbols_decode_at_every_level_and_several_versions() {
        for (len, ecc) in [(40, Ecc::L), (75, Ecc::H), (300, Ecc::M), (420, Ecc::H), (380, Ecc::Q)] {
            let text = frame_like(len);
            let symbol = qr::encode(&text, ecc).unwrap();
            let soft = soft_of(&symbol, 1.0);
            let d = decode(&soft, symbol.version as u32, None)
                .unwrap_or_else(|| panic!("version {} {ecc:?} not decoded", symbol.version));
            assert_eq!(d.text, text);
            assert_eq!(d.bytes, text.as_bytes());
            assert_eq!((d.corrected, d.erased), (0, 0));
        }
    }

    #[test]
    fn interleaving_matches_rxing() {
        use rxing::qrcode::decoder::DataBlock;
        for (v, level) in [(5, ErrorCorrectionLevel::H), (11, ErrorCorrectionLevel::H), (14, ErrorCorrectionLevel::M)] {
            let version = Version::Model2(v).unwrap();
            let total = version.getTotalCodewords() as usize;
            let raw: Vec<u8> = (0..total).map(|i| (i * 31 % 251) as u8).collect();
            let want = DataBlock::getDataBlocks(&raw, version, level).unwrap();
            let got = blocks(version, level);
            assert_eq!(got.blocks.len(), want.len());
            for (g, w) in got.blocks.iter().zip(&want) {
                let words: Vec<u8> = g.1.iter().map(|&i| raw[i]).collect();
                assert_eq!(&words[..], w.getCodewords(), "version {v}");
                assert_eq!(g.0, w.getNumDataCodewords() as usize);
            }
        }
    }

    /// Flip the modules of `count` codewords spread over the symbol's data
    /// area; with `unsure`, their soft values are small (the sampler doubts
    /// them), otherwise as sure as the rest.
    fn damage(symbol: &Symbol, soft: &mut Soft, count: usize, unsure: bool) {
        let version = Version::Model2(symbol.version as u32).unwrap();
        let positions = bit_positions(version).unwrap();
        let total = version.getTotalCodewords() as usize;
        for k in 0..count {
            let w = (k * 7919) % total;
            for &(x, y) in &positions[w * 8..w * 8 + 8] {
                let i = (y * soft.dim + x) as usize;
                soft.values[i] = if unsure { -soft.values[i] * 0.1 } else { -soft.values[i] };
            }
        }
    }

    #[test]
    fn uncertain_codewords_are_erased_and_double_the_reach() {
        // Version 5-H: 4 blocks of 22 EC codewords, 11 correctable errors
        // each, 44 in all. 60 doubtful wrong codewords (about 15 a block)
        // are beyond errors-only decoding but within erasures.
        let text = frame_like(75);
        let symbol = qr::encode(&text, Ecc::H).unwrap();
        assert_eq!(symbol.version, 5);
        let mut sure_wrong = soft_of(&symbol, 1.0);
        damage(&symbol, &mut sure_wrong, 60, false);
        assert_eq!(decode(&sure_wrong, 5, None), None, "60 confident errors are too many");
        let mut doubtful = soft_of(&symbol, 1.0);
        damage(&symbol, &mut doubtful, 60, true);
        let d = decode(&doubtful, 5, None).expect("doubtful codewords are erased");
        assert_eq!(d.text, text);
        assert!(d.erased > 0 && d.corrected == 60, "{d:?}");
    }

    #[test]
    fn format_information_is_read_by_correlation() {
        let text = frame_like(75);
        let symbol = qr::encode(&text, Ecc::H).unwrap();
        let mut soft = soft_of(&symbol, 1.0);
        // Four format modules of the first copy wrong: the second copy and
        // the code's distance still single out the right word.
        for (x, y) in [(8, 0), (8, 1), (2, 8), (8, 8)] {
            let i = (y * soft.dim + x) as usize;
            soft.values[i] = -soft.values[i];
        }
        let best = format_candidates(&soft)[0];
        assert_eq!(best.0, ErrorCorrectionLevel::H);
        assert_eq!(decode(&soft, 5, Some(ErrorCorrectionLevel::H)).unwrap().text, text);
    }

    #[test]
    fn alphanumeric_numeric_and_byte_segments() {
        // Alphanumeric "AB", numeric "0123", byte 0x41, terminator.
        let mut bits: Vec<bool> = Vec::new();
        let mut push = |v: u32, n: u32| bits.extend((0..n).rev().map(|i| (v >> i) & 1 == 1));
        push(0b0010, 4);
        push(2, 9);
        push(10 * 45 + 11, 11);
        push(0b0001, 4);
        push(4, 10);
        push(12, 10);
        push(3, 4);
        push(0b0100, 4);
        push(1, 8);
        push(0x41, 8);
        push(0, 4);
        let data: Vec<u8> = bits
            .chunks(8)
            .map(|c| c.iter().enumerate().fold(0u8, |b, (i, &bit)| b | (u8::from(bit) << (7 - i))))
            .collect();
        let (text, bytes) = parse_segments(&data, 5).unwrap();
        assert_eq!(text, "AB0123A");
        assert_eq!(bytes, b"AB0123A");
        // An ECI header is not for this decoder.
        assert_eq!(parse_segments(&[0x70, 0x00], 5), None);
    }
}
