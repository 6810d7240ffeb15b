//! How the recovery lines are set on the sheet.
//!
//! Lines are printed in OCR-B at [`FONT_PT`], a few to a row (see
//! [`Geometry`]) separated by [`LINE_GAP_CHARS`] spaces, in blocks of at most
//! [`Geometry::rows_per_block`] rows. Each block has a solid bar above and below it,
//! [`RULE_MM`] thick and exactly as long as a full row
//! ([`Geometry::row_width_mm`]), [`RULE_GAP_MM`] from the text. The bars are the marks
//! the recogniser finds: their four ends give the block's position,
//! rotation, scale and perspective; the distance between them its number of
//! rows.

use crate::sheet::fonts::OCRB;
use crate::sheet::geometry::{MONO_LEADING, MONO_PT, RECOVERY_LEADING, pt_to_mm};

/// Font size of the recovery text, points (the sheet's monospaced style).
pub const FONT_PT: f32 = MONO_PT;
/// Spaces between two lines of a row.
pub const LINE_GAP_CHARS: usize = 3;

/// How the lines of one format version sit in a row. The font, leading and
/// bars are the same for both versions; the row width differs (151.5 mm
/// for v1, 144.6 mm for v2), and a reader tries both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Format version.
    pub version: u8,
    /// Characters of one printed line, spaces included.
    pub line_chars: usize,
    /// Lines per printed row.
    pub lines_per_row: usize,
    /// Character columns of a line's symbols.
    pub symbol_columns: &'static [usize],
    /// Line height as a multiple of the font size.
    pub leading: f32,
    /// Most rows between one pair of bars.
    pub rows_per_block: usize,
}

/// Format v1: three 17-symbol lines (`PPP DDDDDD DDDDDD CC`) to a row.
pub const V1: Geometry = Geometry {
    version: 1,
    line_chars: crate::format::text_v1::LINE_CHARS,
    lines_per_row: 3,
    symbol_columns: &crate::format::text_v1::SYMBOL_COLUMNS,
    leading: MONO_LEADING,
    rows_per_block: 12,
};

/// Format v2: two 26-symbol lines (`PP DDDDDD DDDDDD DDDDDD DDDDCC`) to a row.
pub const V2: Geometry = Geometry {
    version: 2,
    line_chars: crate::format::text::LINE_CHARS,
    lines_per_row: 2,
    symbol_columns: &crate::format::text::SYMBOL_COLUMNS,
    leading: RECOVERY_LEADING,
    rows_per_block: 24,
};

impl Geometry {
    /// Symbols of one line.
    pub fn line_symbols(&self) -> usize {
        self.symbol_columns.len()
    }

    /// Characters of a full row.
    pub fn row_chars(&self) -> usize {
        self.lines_per_row * self.line_chars + (self.lines_per_row - 1) * LINE_GAP_CHARS
    }

    /// Width of a full row, and length of the bars, mm.
    pub fn row_width_mm(&self) -> f32 {
        self.row_chars() as f32 * advance_mm()
    }

    /// The character column where line `slot` (0-based within the row) starts.
    pub fn slot_column(&self, slot: usize) -> usize {
        slot * (self.line_chars + LINE_GAP_CHARS)
    }

    /// Group recovery lines into printed rows, and rows into blocks.
    pub fn rows(&self, lines: &[String]) -> Vec<Vec<String>> {
        let rows: Vec<String> = lines.chunks(self.lines_per_row).map(|c| c.join(&" ".repeat(LINE_GAP_CHARS))).collect();
        rows.chunks(self.rows_per_block).map(<[String]>::to_vec).collect()
    }

    /// Height of one row, mm.
    pub fn leading_mm(&self) -> f32 {
        pt_to_mm(FONT_PT * self.leading)
    }

    /// Distance from a row's top to its baseline, mm (as the layout sets it).
    pub fn baseline_in_row_mm(&self) -> f32 {
        let face = ttf_parser::Face::parse(OCRB, 0).expect("embedded OCR-B parses");
        let upem = face.units_per_em() as f32;
        let asc = pt_to_mm(face.ascender() as f32 / upem * FONT_PT);
        let desc = pt_to_mm((-(face.descender() as f32) / upem).max(0.0) * FONT_PT);
        (self.leading_mm() - asc - desc).max(0.0) / 2.0 + asc
    }

    /// Distance between the centre lines of a block's two bars, mm.
    pub fn bar_distance_mm(&self, rows: usize) -> f32 {
        RULE_MM + 2.0 * RULE_GAP_MM + rows as f32 * self.leading_mm()
    }
}

/// Thickness of the bars, mm.
pub const RULE_MM: f32 = 1.2;
/// Space between a bar and the text, mm.
pub const RULE_GAP_MM: f32 = 1.5;

/// Advance width of one OCR-B character at [`FONT_PT`], mm (the font is monospaced).
pub fn advance_mm() -> f32 {
    let face = ttf_parser::Face::parse(OCRB, 0).expect("embedded OCR-B parses");
    let g = face.glyph_index('0').expect("OCR-B has 0");
    let adv = face.glyph_hor_advance(g).unwrap_or(0) as f32 / face.units_per_em() as f32;
    pt_to_mm(adv * FONT_PT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::geometry::{A4_MM, LETTER_MM, MARGIN_MM};

    #[test]
    fn a_row_fits_both_papers() {
        assert_eq!(V1.row_chars(), 66);
        assert_eq!(V2.row_chars(), 63);
        let w = V1.row_width_mm();
        assert!(V2.row_width_mm() < w);
        eprintln!(
            "advance {:.4} mm, row {w:.2} mm, leading {:.4} mm, baseline {:.4} mm",
            advance_mm(),
            V1.leading_mm(),
            V1.baseline_in_row_mm()
        );
        assert!(w < A4_MM.0.min(LETTER_MM.0) - 2.0 * MARGIN_MM);
    }

    #[test]
    fn rows_group_lines() {
        let lines: Vec<String> = (0..40).map(|i| format!("{i:020}")).collect();
        let blocks = V1.rows(&lines);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].len(), V1.rows_per_block);
        assert_eq!(blocks[0][0].len(), V1.row_chars());
        assert_eq!(blocks[1].len(), 2);
    }
}
