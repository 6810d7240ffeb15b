//! How much of a QR symbol's error correction a read needed: an early warning
//! that a printed code is on its way to becoming unreadable.
//!
//! A QR symbol's codewords are split into Reed–Solomon blocks; a block with
//! `e` error-correction codewords can repair up to ⌊e/2⌋ wrong codewords
//! (rxing, like ZXing, corrects errors only, no erasures), and the symbol
//! reads only if every block can. For each decoded symbol [`measure`] counts
//! the codewords Reed–Solomon had to correct in each block and reports the
//! worst block's share of its capacity ([`EccUsage::used`]: 0.0 for a clean
//! read, 1.0 when one more wrong codeword in that block would have lost it).
//!
//! # Why the corrections are counted, not a re-encoded symbol compared
//!
//! The issue asked for the codewords that differ between the sampled symbol
//! and the symbol re-encoded from the decoded data. Re-encoding through the
//! `qrcode` crate cannot reproduce the data codewords in general: the bit
//! stream depends on the segment modes the writer chose (paperseed's own
//! frames use alphanumeric + numeric segments, other codes anything,
//! including ECI and Kanji), on the padding, and on quirks of other writers.
//! Counting Reed–Solomon corrections gives the same number exactly and for any
//! code: once a block decodes, its corrected codewords *are* the codewords of
//! the re-encoded block (Reed–Solomon is systematic, and the corrected word is
//! the unique valid block within ⌊e/2⌋ of what was read), so the codewords
//! corrected are precisely the codewords that differ.
//!
//! rxing computes that count and drops it (`cpp_port::decoder::Decode` keeps
//! only the data). So [`measure`] repeats the front half of `Decode` on the
//! same sampled module matrix, with rxing's public parts: the format
//! information read from the same modules and decoded by
//! `FormatInformation::DecodeQR` (mirrored symbols included), the version
//! from the matrix size, the codewords read in the reading order and with the
//! data mask of rxing's `ReadQRCodewords` (whose module is private, so the
//! twenty lines are repeated here), the blocks split by rxing's
//! `DataBlock::getDataBlocks`, and each block corrected by rxing's
//! `ReedSolomonDecoder`, which returns the number of corrections. The count is
//! therefore the one of the read that produced the text, not an estimate.
//!
//! Cost: about as much as rxing's `Decode` of the same matrix, since it
//! repeats its codeword reading and Reed–Solomon syndromes (release build:
//! 14 µs for a version-5 symbol, 40–70 µs for the version 11–14 symbols of
//! paperseed's sheets, ~20 µs more with errors to locate). The page search
//! measures a code once, when it first reads it, not at every re-read, so a
//! page of 8–13 codes spends well under a millisecond on it, against 20–200
//! ms for the search.
//!
//! What the figure means for a sheet: ordinary scans and photos of a sound
//! sheet stay below ~20%, and in the degradation bench's fade ladder codes at
//! 40% or more were the ones about to stop reading (docs/BENCHMARKS.md, "Error-
//! correction margin"), hence 40% as "near its limit". It measures the scan as
//! well as the paper: the search keeps the first read of each code, and a
//! later, filtered pass might have needed less.
//!
//! Only QR Model 2 symbols are measured (the only kind the page search samples
//! and paperseed prints); [`measure`] returns `None` for anything else.

use rxing::common::BitMatrix;
use rxing::common::reedsolomon::{PredefinedGenericGF, ReedSolomonDecoder};
use rxing::qrcode::common::{FormatInformation, Version, VersionRef};
use rxing::qrcode::cpp_port::Type;
use rxing::qrcode::decoder::DataBlock;

/// How much of its error correction one read of a QR symbol needed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EccUsage {
    /// The worst block's corrected codewords over the codewords it can
    /// correct, ⌊error-correction codewords per block / 2⌋: 0.0 for a clean
    /// read, 1.0 at the limit (one more wrong codeword in that block and the
    /// symbol would not have read).
    pub used: f32,
    /// Codewords corrected in the worst block.
    pub worst_block: u16,
    /// Codewords each block can correct, ⌊e/2⌋ (the same for every block of a
    /// symbol).
    pub capacity: u16,
    /// Codewords corrected in the whole symbol.
    pub corrected: u16,
    /// Reed–Solomon blocks in the symbol.
    pub blocks: u16,
}

/// The error correction that decoding the sampled module matrix `bits` (as
/// rxing's `Decode` does) needs, or `None` when `bits` is not a QR Model 2
/// symbol whose every block corrects.
pub fn measure(bits: &BitMatrix) -> Option<EccUsage> {
    if !Version::HasValidSizeType(bits, Type::Model2) {
        return None;
    }
    let format = read_format(bits);
    if format.qr_type() != Type::Model2 {
        return None;
    }
    let version = Version::Model2(Version::Number(bits)).ok()?;
    let codewords = read_codewords(bits, version, &format)?;
    let level = format.error_correction_level;
    let blocks = DataBlock::getDataBlocks(&codewords, version, level).ok()?;
    let ec = version.getECBlocksForLevel(level).getECCodewordsPerBlock();
    let rs = ReedSolomonDecoder::new(PredefinedGenericGF::QrCodeField256.into());
    let capacity = (ec / 2) as u16;
    let (mut worst, mut corrected) = (0u16, 0u16);
    let mut block_words = Vec::new();
    for block in &blocks {
        block_words.clear();
        block_words.extend_from_slice(block.getCodewords());
        let n = rs.decode(&mut block_words, ec as i32).ok()? as u16;
        worst = worst.max(n);
        corrected += n;
    }
    Some(EccUsage {
        used: if capacity == 0 { 0.0 } else { f32::from(worst) / f32::from(capacity) },
        worst_block: worst,
        capacity,
        corrected,
        blocks: blocks.len() as u16,
    })
}

/// The format information of a QR Model 2 symbol, read as rxing's
/// `cpp_port` `ReadFormatInformation` reads it (both copies; `DecodeQR` also
/// tries them mirrored).
fn read_format(bits: &BitMatrix) -> FormatInformation {
    let append = |acc: u32, bit: bool| (acc << 1) | u32::from(bit);
    let mut first = 0;
    for x in 0..6 {
        first = append(first, bits.get(x, 8));
    }
    // Skip the timing pattern module.
    first = append(first, bits.get(7, 8));
    first = append(first, bits.get(8, 8));
    first = append(first, bits.get(8, 7));
    for y in (0..=5).rev() {
        first = append(first, bits.get(8, y));
    }
    // Top-right / bottom-left copy, with the dark module.
    let dim = bits.height();
    let mut second = 0;
    for y in ((dim - 8)..dim).rev() {
        second = append(second, bits.get(8, y));
    }
    for x in (dim - 8)..dim {
        second = append(second, bits.get(x, 8));
    }
    FormatInformation::DecodeQR(first, second)
}

/// Whether the data mask `mask` inverts the module at column `x`, row `y`
/// (ISO/IEC 18004 table 10; rxing's `GetDataMaskBit`).
pub(crate) fn mask_bit(mask: u8, x: u32, y: u32) -> bool {
    match mask {
        0 => (y + x).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (y + x).is_multiple_of(3),
        4 => ((y / 2) + (x / 3)).is_multiple_of(2),
        5 => (y * x).is_multiple_of(6),
        6 => (y * x) % 6 < 3,
        _ => (y + x + (y * x) % 3).is_multiple_of(2),
    }
}

/// The module positions (column, row) of the data and error-correction bits
/// of a `version` symbol in reading order: column pairs from the right,
/// alternately upwards and downwards, skipping function patterns (rxing's
/// `ReadQRCodewords`). Bit `i` belongs to codeword `i / 8`, most significant
/// bit first.
pub(crate) fn bit_positions(version: VersionRef) -> Option<Vec<(u32, u32)>> {
    let function = version.buildFunctionPattern().ok()?;
    let dim = version.getDimensionForVersion();
    let mut out = Vec::with_capacity(version.getTotalCodewords() as usize * 8);
    let mut up = true;
    let mut x = dim as i32 - 1;
    while x > 0 {
        if x == 6 {
            x -= 1;
        }
        for row in 0..dim {
            let y = if up { dim - 1 - row } else { row };
            for col in 0..2 {
                let xx = (x - col) as u32;
                if !function.get(xx, y) {
                    out.push((xx, y));
                }
            }
        }
        up = !up;
        x -= 2;
    }
    Some(out)
}

/// The raw (interleaved) codewords of a symbol, unmasked, as rxing reads them.
fn read_codewords(bits: &BitMatrix, version: VersionRef, format: &FormatInformation) -> Option<Vec<u8>> {
    let total = version.getTotalCodewords() as usize;
    let positions = bit_positions(version)?;
    let mut out = Vec::with_capacity(total);
    let mut byte = 0u8;
    for (i, &(x, y)) in positions.iter().enumerate() {
        let module = if format.isMirrored { bits.get(y, x) } else { bits.get(x, y) };
        byte = (byte << 1) | u8::from(mask_bit(format.data_mask, x, y) != module);
        if i % 8 == 7 {
            out.push(byte);
            byte = 0;
        }
    }
    (out.len() == total).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{DetectOptions, find_codes};
    use crate::sheet::Symbol;
    use crate::sheet::qr::{self, Ecc};
    use image::{GrayImage, Luma};
    use rxing::qrcode::common::ErrorCorrectionLevel;

    /// A frame-like text whose level-H symbol is version 5: two blocks of 11
    /// data codewords and two of 12, 22 error-correction codewords each (11
    /// correctable).
    fn v5_symbol() -> (String, Symbol) {
        let digits: String = (0..75).map(|i| char::from(b'0' + (i * 7 % 10) as u8)).collect();
        let text = format!("PAPERSEED1:{digits}");
        let symbol = qr::encode(&text, Ecc::H).unwrap();
        assert_eq!(symbol.version, 5, "test text should give a version-5 symbol");
        (text, symbol)
    }

    /// Block layout of a symbol: (data codewords, total codewords) per block.
    fn layout(version: u32, level: ErrorCorrectionLevel) -> Vec<(usize, usize)> {
        let v = Version::Model2(version).unwrap();
        let ecb = v.getECBlocksForLevel(level);
        let ec = ecb.getECCodewordsPerBlock() as usize;
        ecb.getECBlocks()
            .iter()
            .flat_map(|b| std::iter::repeat_n(b.getDataCodewords() as usize, b.getCount() as usize))
            .map(|d| (d, d + ec))
            .collect()
    }

    /// Position in the interleaved codeword stream of codeword `index` of
    /// block `block` (ISO/IEC 18004 §7.6: data codewords column by column
    /// across blocks, the longer blocks' extra codeword last, then the
    /// error-correction codewords column by column). Written independently of
    /// rxing's `DataBlock` so that the test checks it.
    fn interleaved_position(blocks: &[(usize, usize)], block: usize, index: usize) -> usize {
        let mut order = Vec::new();
        let max_data = blocks.iter().map(|b| b.0).max().unwrap();
        for i in 0..max_data {
            for (j, b) in blocks.iter().enumerate() {
                if i < b.0 {
                    order.push((j, i));
                }
            }
        }
        let ec = blocks[0].1 - blocks[0].0;
        for i in 0..ec {
            for (j, b) in blocks.iter().enumerate() {
                order.push((j, b.0 + i));
            }
        }
        order.iter().position(|&p| p == (block, index)).unwrap()
    }

    /// Modules (column, row) of codeword `index` of block `block`.
    fn codeword_modules(symbol: &Symbol, block: usize, index: usize) -> Vec<(u32, u32)> {
        let version = Version::Model2(symbol.version as u32).unwrap();
        let pos = interleaved_position(&layout(symbol.version as u32, ErrorCorrectionLevel::H), block, index);
        bit_positions(version).unwrap()[pos * 8..pos * 8 + 8].to_vec()
    }

    /// `symbol` with one module of each of the codewords `(block, index)`
    /// inverted (a different bit each time, so that no pattern repeats).
    fn damaged(symbol: &Symbol, words: &[(usize, usize)]) -> Symbol {
        let mut out = symbol.clone();
        for (n, &(block, index)) in words.iter().enumerate() {
            let (x, y) = codeword_modules(symbol, block, index)[n % 8];
            let i = y as usize * symbol.width + x as usize;
            out.modules[i] = !out.modules[i];
        }
        out
    }

    /// The symbol drawn on a white image, `module` pixels a module, with a
    /// 4-module quiet zone; transposed when `mirror`.
    fn raster(symbol: &Symbol, module: u32, mirror: bool) -> GrayImage {
        let side = (symbol.width as u32 + 8) * module;
        GrayImage::from_fn(side, side, |px, py| {
            let (mx, my) = ((px / module) as i64 - 4, (py / module) as i64 - 4);
            let (mx, my) = if mirror { (my, mx) } else { (mx, my) };
            let w = symbol.width as i64;
            let dark = (0..w).contains(&mx) && (0..w).contains(&my) && symbol.dark(mx as usize, my as usize);
            Luma([if dark { 0 } else { 255 }])
        })
    }

    fn matrix(symbol: &Symbol) -> BitMatrix {
        let mut bits = BitMatrix::with_single_dimension(symbol.width as u32).unwrap();
        for y in 0..symbol.width {
            for x in 0..symbol.width {
                if symbol.dark(x, y) {
                    bits.set(x as u32, y as u32);
                }
            }
        }
        bits
    }

    /// Scan `symbol` through the page search and return the usage reported
    /// for `text` (`None`: not read).
    fn scanned(symbol: &Symbol, text: &str, mirror: bool) -> Option<EccUsage> {
        let found = find_codes(&raster(symbol, 6, mirror), &DetectOptions::default());
        assert!(found.iter().all(|c| c.text == text), "misread: {found:?}");
        let code = found.into_iter().next()?;
        Some(code.ecc.expect("a read QR code carries its error-correction usage"))
    }

    #[test]
    fn interleaving_matches_rxing() {
        // Codeword (block, index) carries value block*64+index: rxing's
        // de-interleaving must hand every block back its own codewords.
        let blocks = layout(5, ErrorCorrectionLevel::H);
        let total: usize = blocks.iter().map(|b| b.1).sum();
        let mut raw = vec![0u8; total];
        for (j, b) in blocks.iter().enumerate() {
            for i in 0..b.1 {
                raw[interleaved_position(&blocks, j, i)] = (j * 64 + i) as u8;
            }
        }
        let version = Version::Model2(5).unwrap();
        let got = DataBlock::getDataBlocks(&raw, version, ErrorCorrectionLevel::H).unwrap();
        for (j, block) in got.iter().enumerate() {
            let want: Vec<u8> = (0..blocks[j].1).map(|i| (j * 64 + i) as u8).collect();
            assert_eq!(block.getCodewords(), &want[..], "block {j}");
        }
    }

    #[test]
    fn clean_symbol_uses_nothing() {
        let (text, symbol) = v5_symbol();
        let usage = measure(&matrix(&symbol)).unwrap();
        assert_eq!(usage, EccUsage { used: 0.0, worst_block: 0, capacity: 11, corrected: 0, blocks: 4 });
        assert_eq!(scanned(&symbol, &text, false), Some(usage));
        assert_eq!(scanned(&symbol, &text, true), Some(usage), "mirrored");
    }

    #[test]
    fn counts_damaged_codewords_per_block() {
        let (text, symbol) = v5_symbol();
        // Two wrong codewords in block 0 throughout; 0..=11 in block 3 (a
        // longer block: its last data codeword is the one interleaved last).
        let base = [(0, 1), (0, 30)];
        let mut last = -1.0;
        for k in 0..=11 {
            let mut words = base.to_vec();
            words.extend((0..k).map(|i| (3, [11, 0, 33, 5, 20, 12, 26, 2, 8, 30, 15][i])));
            let bad = damaged(&symbol, &words);
            let want = EccUsage {
                used: k.max(2) as f32 / 11.0,
                worst_block: k.max(2) as u16,
                capacity: 11,
                corrected: 2 + k as u16,
                blocks: 4,
            };
            assert_eq!(measure(&matrix(&bad)), Some(want), "{k} codewords in block 3 (matrix)");
            let got = scanned(&bad, &text, false).unwrap_or_else(|| panic!("{k} codewords in block 3: not read"));
            assert_eq!(got, want, "{k} codewords in block 3 (scanned)");
            assert!(got.used >= last, "usage must grow with damage");
            last = got.used;
        }
        assert_eq!(last, 1.0);
        // Mirrored: the same count.
        let bad = damaged(&symbol, &[(1, 3), (1, 4), (1, 25), (2, 7)]);
        let got = scanned(&bad, &text, true).unwrap();
        assert_eq!((got.worst_block, got.corrected), (3, 4));
    }

    #[test]
    fn past_the_limit_does_not_read() {
        let (text, symbol) = v5_symbol();
        let words: Vec<(usize, usize)> = (0..12).map(|i| (2, i * 2)).collect();
        let bad = damaged(&symbol, &words);
        assert_eq!(measure(&matrix(&bad)), None);
        assert_eq!(scanned(&bad, &text, false), None, "12 wrong codewords in an 11-correcting block");
    }
}
