//! How the recovery lines are set on the sheet.
//!
//! Lines are printed in OCR-B at [`FONT_PT`], [`LINES_PER_ROW`] to a row
//! separated by [`LINE_GAP_CHARS`] spaces, in blocks of at most
//! [`ROWS_PER_BLOCK`] rows. Each block has a solid bar above and below it,
//! [`RULE_MM`] thick and exactly as long as a full row
//! ([`row_width_mm`]), [`RULE_GAP_MM`] from the text. The bars are the marks
//! the recogniser finds: their four ends give the block's position,
//! rotation, scale and perspective; the distance between them its number of
//! rows.

use super::lines::LINE_CHARS;
use crate::sheet::fonts::OCRB;
use crate::sheet::geometry::{MONO_LEADING, MONO_PT, pt_to_mm};

/// Font size of the recovery text, points (the sheet's monospaced style).
pub const FONT_PT: f32 = MONO_PT;
/// Recovery lines per printed row.
pub const LINES_PER_ROW: usize = 3;
/// Spaces between two lines of a row.
pub const LINE_GAP_CHARS: usize = 3;
/// Most rows between one pair of bars (so a block fits a page's remainder).
pub const ROWS_PER_BLOCK: usize = 12;
/// Largest payload printed as recovery text; a larger one (about 5 pages of
/// text and more) gets a note instead.
pub const MAX_PAYLOAD_BYTES: usize = 2048;
/// Thickness of the bars, mm.
pub const RULE_MM: f32 = 1.2;
/// Space between a bar and the text, mm.
pub const RULE_GAP_MM: f32 = 1.5;
/// Characters of a full row.
pub const ROW_CHARS: usize = LINES_PER_ROW * LINE_CHARS + (LINES_PER_ROW - 1) * LINE_GAP_CHARS;

/// Advance width of one OCR-B character at [`FONT_PT`], mm (the font is monospaced).
pub fn advance_mm() -> f32 {
    let face = ttf_parser::Face::parse(OCRB, 0).expect("embedded OCR-B parses");
    let g = face.glyph_index('0').expect("OCR-B has 0");
    let adv = face.glyph_hor_advance(g).unwrap_or(0) as f32 / face.units_per_em() as f32;
    pt_to_mm(adv * FONT_PT)
}

/// Height of one row, mm.
pub fn leading_mm() -> f32 {
    pt_to_mm(FONT_PT * MONO_LEADING)
}

/// Distance from a row's top to its baseline, mm (as the layout sets it).
pub fn baseline_in_row_mm() -> f32 {
    let face = ttf_parser::Face::parse(OCRB, 0).expect("embedded OCR-B parses");
    let upem = face.units_per_em() as f32;
    let asc = pt_to_mm(face.ascender() as f32 / upem * FONT_PT);
    let desc = pt_to_mm((-(face.descender() as f32) / upem).max(0.0) * FONT_PT);
    (leading_mm() - asc - desc).max(0.0) / 2.0 + asc
}

/// Width of a full row, and length of the bars, mm.
pub fn row_width_mm() -> f32 {
    ROW_CHARS as f32 * advance_mm()
}

/// Distance between the centre lines of a block's two bars, mm.
pub fn bar_distance_mm(rows: usize) -> f32 {
    RULE_MM + 2.0 * RULE_GAP_MM + rows as f32 * leading_mm()
}

/// The character column where line `slot` (0-based within the row) starts.
pub fn slot_column(slot: usize) -> usize {
    slot * (LINE_CHARS + LINE_GAP_CHARS)
}

/// Group recovery lines into printed rows, and rows into blocks.
pub fn rows(lines: &[String]) -> Vec<Vec<String>> {
    let rows: Vec<String> = lines.chunks(LINES_PER_ROW).map(|c| c.join(&" ".repeat(LINE_GAP_CHARS))).collect();
    rows.chunks(ROWS_PER_BLOCK).map(<[String]>::to_vec).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::geometry::{A4_MM, LETTER_MM, MARGIN_MM};

    #[test]
    fn a_row_fits_both_papers() {
        let w = row_width_mm();
        eprintln!(
            "advance {:.4} mm, row {w:.2} mm, leading {:.4} mm, baseline {:.4} mm",
            advance_mm(),
            leading_mm(),
            baseline_in_row_mm()
        );
        assert!(w < A4_MM.0.min(LETTER_MM.0) - 2.0 * MARGIN_MM);
        assert_eq!(ROW_CHARS, 66);
    }

    #[test]
    fn rows_group_lines() {
        let lines: Vec<String> = (0..40).map(|i| format!("{i:020}")).collect();
        let blocks = rows(&lines);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].len(), ROWS_PER_BLOCK);
        assert_eq!(blocks[0][0].len(), ROW_CHARS);
        assert_eq!(blocks[1].len(), 2);
    }
}
