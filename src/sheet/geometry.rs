//! Page geometry: every millimetre and point size the sheet uses, by name.
//!
//! Coordinates elsewhere in [`super`] are millimetres from the top-left corner
//! of the page, y growing downwards (the convention krilla uses too). Font
//! sizes are typographic points, as in every word processor.

use super::Paper;

/// Millimetres per typographic point (1 pt = 1/72 inch).
pub const MM_PER_PT: f32 = 25.4 / 72.0;

/// Convert millimetres to points.
pub fn mm_to_pt(mm: f32) -> f32 {
    mm / MM_PER_PT
}

/// Convert points to millimetres.
pub fn pt_to_mm(pt: f32) -> f32 {
    pt * MM_PER_PT
}

/// ISO A4, 210 × 297 mm.
pub const A4_MM: (f32, f32) = (210.0, 297.0);
/// US Letter, 8.5 × 11 in.
pub const LETTER_MM: (f32, f32) = (215.9, 279.4);

/// Margin on every side. Home printers cannot print the outer 3–6 mm and
/// scanners' glass edges crop more; 14 mm keeps everything clear of both on
/// A4 and Letter (the hard requirement is ≥ 12 mm).
pub const MARGIN_MM: f32 = 14.0;

/// Smallest QR module printed: 0.5 mm is about 6 pixels at 300 dpi.
pub const MIN_MODULE_MM: f32 = 0.5;
/// Largest QR module printed (14 pixels at 300 dpi, 1.19 mm). A module
/// holds up against blur and low resolution in proportion to its size (the
/// severity grid of docs/BENCHMARKS.md: a code stops reading when the blur
/// reaches about half a module); a sheet with room keeps growing its codes up
/// to this size, past which a phone photo of the whole page already has
/// several pixels a module.
pub const MAX_MODULE_MM: f32 = 1.2;
/// Module sizes are whole multiples of this: one pixel at 300 dpi (1/300
/// inch). A module of a whole number of scanner pixels at 300 dpi (and at
/// 150 and 600 dpi) reads more reliably: with 0.5 mm modules (5.9 px),
/// zbarimg missed 1 or 2 codes of some sheets rendered by pdftoppm at 300
/// dpi, with 6 px (0.508 mm) none (`scripts/crosscheck.sh`).
pub const MODULE_STEP_MM: f32 = 25.4 / 300.0;
/// Modules at least this large read well on any printer and scanner; among
/// layouts with such modules and the same page count, the one with fewer
/// code rows per page (more room for text between the bands) is preferred
/// over one with larger modules.
pub const COMFORTABLE_MODULE_MM: f32 = 0.8;
/// Quiet zone around each symbol, in modules (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE_MODULES: usize = 4;

/// Minimum horizontal space between two code cells, on top of their quiet zones.
pub const CODE_GAP_MM: f32 = 1.5;
/// Vertical space between two rows of codes (below the caption).
pub const CODE_ROW_GAP_MM: f32 = 3.0;
/// Height reserved under each code's quiet zone for its caption ("code 3 of 6").
pub const CAPTION_HEIGHT_MM: f32 = 3.0;
/// Space between a band of codes and the text next to it.
pub const BAND_GAP_MM: f32 = 2.0;

/// Title at the top of each page.
pub const TITLE_PT: f32 = 17.0;
/// The fingerprint in the header, in OCR-B.
pub const FINGERPRINT_PT: f32 = 15.0;
/// The "Fingerprint" label and "page i of n".
pub const HEADER_LABEL_PT: f32 = 10.0;
/// Date, program, version, k-of-n line.
pub const META_PT: f32 = 8.5;
/// Section headings in the text flow.
pub const HEADING_PT: f32 = 11.0;
/// Headings of individual secrets.
pub const SUBHEADING_PT: f32 = 9.5;
/// Secrets in clear, in OCR-B.
pub const SECRET_PT: f32 = 10.0;
/// Smaller monospaced lines (recovery text and the like).
pub const MONO_PT: f32 = 9.0;
/// Running prose: instructions, notices.
pub const BODY_PT: f32 = 9.0;
/// The format paragraph.
pub const SMALL_PT: f32 = 7.0;
/// Code captions.
pub const CAPTION_PT: f32 = 7.0;
/// Text inside the verification table.
pub const TABLE_PT: f32 = 8.0;

/// Line height as a multiple of the font size, for prose.
pub const PROSE_LEADING: f32 = 1.32;
/// Line height as a multiple of the font size, for monospaced secrets.
pub const MONO_LEADING: f32 = 1.4;
/// Line height of the recovery text (format v2), as a multiple of its size.
pub const RECOVERY_LEADING: f32 = 1.25;
/// Line height of the secrets in clear.
pub const SECRET_LEADING: f32 = 1.25;
/// Line height of headings.
pub const HEADING_LEADING: f32 = 1.3;

/// Space before a section heading.
pub const SECTION_GAP_MM: f32 = 3.0;
/// Space between paragraphs of one block.
pub const PARAGRAPH_GAP_MM: f32 = 1.2;
/// Space after a secret's lines, before the next secret.
pub const SECRET_GAP_MM: f32 = 1.5;
/// Verbatim lines (one secret) up to this height are kept on one page.
pub const KEEP_TOGETHER_MM: f32 = 70.0;
/// Hanging indent of numbered items.
pub const LIST_INDENT_MM: f32 = 5.0;

/// Header: space between the title block and the fingerprint line.
pub const HEADER_TITLE_GAP_MM: f32 = 1.0;
/// Header: space between the header rule and the body.
pub const HEADER_BODY_GAP_MM: f32 = 2.5;
/// Thickness of the rule under the header.
pub const HEADER_RULE_MM: f32 = 0.3;
/// Thickness of thin lines (tables).
pub const THIN_RULE_MM: f32 = 0.2;

/// Verification table: height of the column-title row.
pub const TABLE_HEAD_ROW_MM: f32 = 5.5;
/// Verification table: height of a row to write in by hand.
pub const TABLE_ROW_MM: f32 = 6.5;
/// Verification table: empty rows printed.
pub const TABLE_BLANK_ROWS: usize = 3;
/// Verification table: padding of text inside a cell.
pub const TABLE_CELL_PAD_MM: f32 = 1.5;

/// An axis-aligned rectangle in millimetres, origin top-left, y down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RectMm {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl RectMm {
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> RectMm {
        RectMm { x, y, w, h }
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// Grow by `d` on every side.
    pub fn inflate(&self, d: f32) -> RectMm {
        RectMm::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }

    /// Whether the interiors overlap (touching edges do not count).
    pub fn overlaps(&self, other: &RectMm) -> bool {
        const EPS: f32 = 1e-3;
        self.x < other.right() - EPS
            && other.x < self.right() - EPS
            && self.y < other.bottom() - EPS
            && other.y < self.bottom() - EPS
    }

    /// Whether `other` lies inside this rectangle (with a small tolerance).
    pub fn contains(&self, other: &RectMm) -> bool {
        const EPS: f32 = 1e-3;
        other.x >= self.x - EPS
            && other.y >= self.y - EPS
            && other.right() <= self.right() + EPS
            && other.bottom() <= self.bottom() + EPS
    }
}

/// Page size in millimetres (width, height).
pub fn paper_size_mm(paper: Paper) -> (f32, f32) {
    match paper {
        Paper::A4 => A4_MM,
        Paper::Letter => LETTER_MM,
    }
}

/// The printable area: the page less its margins.
pub fn printable_area(paper: Paper) -> RectMm {
    let (w, h) = paper_size_mm(paper);
    RectMm::new(MARGIN_MM, MARGIN_MM, w - 2.0 * MARGIN_MM, h - 2.0 * MARGIN_MM)
}

/// Side of a code cell's square (symbol plus quiet zone on both sides), in mm.
pub fn code_side_mm(symbol_modules: usize, module_mm: f32) -> f32 {
    (symbol_modules + 2 * QUIET_ZONE_MODULES) as f32 * module_mm
}

/// Height of a code cell including its caption.
pub fn code_cell_height_mm(symbol_modules: usize, module_mm: f32) -> f32 {
    code_side_mm(symbol_modules, module_mm) + CAPTION_HEIGHT_MM
}

/// How many code cells of width `cell_mm` fit side by side in `avail_mm`
/// with at least [`CODE_GAP_MM`] between them.
pub fn columns_that_fit(avail_mm: f32, cell_mm: f32) -> usize {
    if cell_mm <= 0.0 || cell_mm > avail_mm + 1e-4 {
        return 0;
    }
    ((avail_mm + CODE_GAP_MM + 1e-4) / (cell_mm + CODE_GAP_MM)).floor() as usize
}

/// How many rows of cells `cell_h_mm` high fit in `avail_mm`, rows separated by
/// [`CODE_ROW_GAP_MM`].
pub fn rows_that_fit(avail_mm: f32, cell_h_mm: f32) -> usize {
    if cell_h_mm <= 0.0 || cell_h_mm > avail_mm + 1e-4 {
        return 0;
    }
    ((avail_mm + CODE_ROW_GAP_MM + 1e-4) / (cell_h_mm + CODE_ROW_GAP_MM)).floor() as usize
}

/// Height of `rows` rows of code cells stacked with [`CODE_ROW_GAP_MM`].
pub fn band_height_mm(rows: usize, cell_h_mm: f32) -> f32 {
    if rows == 0 { 0.0 } else { rows as f32 * cell_h_mm + (rows - 1) as f32 * CODE_ROW_GAP_MM }
}

/// X positions of `cols` cells of width `cell_mm` spread across `avail` —
/// first flush left, last flush right, equal gaps — so that the codes sit as
/// far apart as the page allows. A single column is centred.
pub fn column_xs(avail: RectMm, cols: usize, cell_mm: f32) -> Vec<f32> {
    match cols {
        0 => Vec::new(),
        1 => vec![avail.x + (avail.w - cell_mm) / 2.0],
        _ => {
            let gap = (avail.w - cols as f32 * cell_mm) / (cols - 1) as f32;
            (0..cols).map(|i| avail.x + i as f32 * (cell_mm + gap)).collect()
        }
    }
}

/// Module sizes to try, largest first: the whole multiples of
/// [`MODULE_STEP_MM`] between [`MIN_MODULE_MM`] and [`MAX_MODULE_MM`]
/// (0.931 mm down to 0.508 mm: 11 down to 6 pixels at 300 dpi).
pub fn module_candidates() -> Vec<f32> {
    let first = (MIN_MODULE_MM / MODULE_STEP_MM).ceil() as usize;
    let last = (MAX_MODULE_MM / MODULE_STEP_MM).floor() as usize;
    (first..=last).rev().map(|i| i as f32 * MODULE_STEP_MM).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_sizes_and_margins() {
        assert_eq!(paper_size_mm(Paper::A4), (210.0, 297.0));
        assert_eq!(paper_size_mm(Paper::Letter), (215.9, 279.4));
        const { assert!(MARGIN_MM >= 12.0) };
        let a = printable_area(Paper::A4);
        assert!((a.w - 182.0).abs() < 1e-4 && (a.h - 269.0).abs() < 1e-4);
        let l = printable_area(Paper::Letter);
        assert!((l.right() - (215.9 - MARGIN_MM)).abs() < 1e-4);
        assert!((l.bottom() - (279.4 - MARGIN_MM)).abs() < 1e-4);
    }

    #[test]
    fn unit_conversions_round_trip() {
        assert!((mm_to_pt(25.4) - 72.0).abs() < 1e-4);
        assert!((pt_to_mm(mm_to_pt(13.3)) - 13.3).abs() < 1e-4);
    }

    #[test]
    fn code_cell_sizes() {
        // Version 15 (77 modules) at 0.5 mm: 85 modules with the quiet zone.
        assert!((code_side_mm(77, 0.5) - 42.5).abs() < 1e-4);
        assert!((code_cell_height_mm(21, 1.0) - (29.0 + CAPTION_HEIGHT_MM)).abs() < 1e-4);
    }

    #[test]
    fn columns_and_rows() {
        assert_eq!(columns_that_fit(182.0, 42.5), 4);
        assert_eq!(columns_that_fit(182.0, 182.0), 1);
        assert_eq!(columns_that_fit(182.0, 183.0), 0);
        assert_eq!(columns_that_fit(100.0, 50.0), 1); // 50 + 3 + 50 > 100
        assert_eq!(columns_that_fit(103.0, 50.0), 2);
        assert_eq!(rows_that_fit(100.0, 30.0), 3);
        assert_eq!(rows_that_fit(20.0, 30.0), 0);
        assert!((band_height_mm(3, 30.0) - (90.0 + 2.0 * CODE_ROW_GAP_MM)).abs() < 1e-4);
        assert_eq!(band_height_mm(0, 30.0), 0.0);
    }

    #[test]
    fn columns_are_spread_to_the_margins() {
        let area = printable_area(Paper::A4);
        let xs = column_xs(area, 3, 50.0);
        assert!((xs[0] - area.x).abs() < 1e-4);
        assert!((xs[2] + 50.0 - area.right()).abs() < 1e-4);
        let one = column_xs(area, 1, 50.0);
        assert!((one[0] - (area.x + 66.0)).abs() < 1e-4);
    }

    #[test]
    fn module_candidates_span_the_range() {
        let c = module_candidates();
        assert_eq!(c.len(), 9);
        assert!((c[0] - 14.0 * 25.4 / 300.0).abs() < 1e-6 && c[0] <= MAX_MODULE_MM);
        assert!((c[8] - 6.0 * 25.4 / 300.0).abs() < 1e-6 && c[8] >= MIN_MODULE_MM);
        assert!(c.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn rect_relations() {
        let a = RectMm::new(0.0, 0.0, 10.0, 10.0);
        let b = RectMm::new(10.0, 0.0, 5.0, 5.0);
        assert!(!a.overlaps(&b), "touching edges do not overlap");
        assert!(a.overlaps(&RectMm::new(9.0, 9.0, 5.0, 5.0)));
        assert!(a.contains(&RectMm::new(1.0, 1.0, 9.0, 9.0)));
        assert!(!a.contains(&a.inflate(0.5)));
    }
}
