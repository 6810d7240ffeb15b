//! The layout's output: positioned text runs, codes and lines per page, in
//! millimetres from the top-left corner. [`crate::sheet::pdf`] paints them;
//! tests and the scanner's self-checks read code positions from them.

use super::super::fonts::FontId;
use super::super::geometry::*;

/// A run of text in one font.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub font: FontId,
    pub size_pt: f32,
    /// Left end of the baseline, mm.
    pub x: f32,
    pub baseline: f32,
    pub text: String,
    /// Advance width, mm.
    pub width: f32,
    /// Font ascender and descender at this size, mm (both positive).
    pub ascent: f32,
    pub descent: f32,
}

impl TextRun {
    /// The box the run's glyphs are drawn in (advance × ascender+descender).
    pub fn bbox(&self) -> RectMm {
        RectMm::new(self.x, self.baseline - self.ascent, self.width, self.ascent + self.descent)
    }
}

/// One QR code on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeCell {
    /// Position in [`SheetDoc::codes`](crate::sheet::SheetDoc::codes).
    pub code: usize,
    /// Shard index (0-based).
    pub index: usize,
    /// The symbol's modules, without the quiet zone.
    pub symbol: RectMm,
    pub module_mm: f32,
}

impl CodeCell {
    /// The symbol with its quiet zone: must stay blank but for the symbol.
    pub fn with_quiet_zone(&self) -> RectMm {
        self.symbol.inflate(QUIET_ZONE_MODULES as f32 * self.module_mm)
    }
}

/// Something to paint.
#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    Text(TextRun),
    Code(CodeCell),
    /// A straight line, stroked `width` mm thick.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
}

impl Draw {
    pub(super) fn offset(mut self, dx: f32, dy: f32) -> Draw {
        match &mut self {
            Draw::Text(t) => {
                t.x += dx;
                t.baseline += dy;
            }
            Draw::Code(c) => {
                c.symbol.x += dx;
                c.symbol.y += dy;
            }
            Draw::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
        }
        self
    }

    /// The area the item paints (a code: with its quiet zone).
    pub fn bbox(&self) -> RectMm {
        match self {
            Draw::Text(t) => t.bbox(),
            Draw::Code(c) => c.with_quiet_zone(),
            Draw::Line { x1, y1, x2, y2, width } => {
                // Butt caps: a stroke widens a line across its direction only.
                let (l, r) = (x1.min(*x2), x1.max(*x2));
                let (t, b) = (y1.min(*y2), y1.max(*y2));
                let (dx, dy) = if y1 == y2 {
                    (0.0, width / 2.0)
                } else if x1 == x2 {
                    (width / 2.0, 0.0)
                } else {
                    (width / 2.0, width / 2.0)
                };
                RectMm::new(l - dx, t - dy, r - l + 2.0 * dx, b - t + 2.0 * dy)
            }
        }
    }
}

/// One laid-out page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLayout {
    pub draws: Vec<Draw>,
}

/// Where a code sits: for scanners and tests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodePlacement {
    /// Shard index (0-based).
    pub index: usize,
    /// Page (0-based).
    pub page: usize,
    /// The symbol without quiet zone, mm from the top-left of the page.
    pub symbol: RectMm,
    pub module_mm: f32,
}

/// The whole document, laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Page width and height in mm.
    pub page_mm: (f32, f32),
    pub pages: Vec<PageLayout>,
    /// Module size of every code, mm (0 without codes).
    pub module_mm: f32,
    /// Columns of the code grid.
    pub columns: usize,
    /// Pages that carry codes (the first ones).
    pub code_pages: usize,
    /// The page (0-based) where the data ends ([`Block::DataEnd`](super::Block::DataEnd)).
    pub data_page: usize,
}

impl Layout {
    /// Every code's page and rectangle, in shard order as in [`SheetDoc::codes`](crate::sheet::SheetDoc::codes).
    pub fn code_placements(&self) -> Vec<CodePlacement> {
        let mut out = Vec::new();
        for (page, p) in self.pages.iter().enumerate() {
            for d in &p.draws {
                if let Draw::Code(c) = d {
                    out.push((
                        c.code,
                        CodePlacement { index: c.index, page, symbol: c.symbol, module_mm: c.module_mm },
                    ));
                }
            }
        }
        out.sort_by_key(|(code, _)| *code);
        out.into_iter().map(|(_, p)| p).collect()
    }
}
