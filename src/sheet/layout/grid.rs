//! The code grid and the flow around it: codes in rows split between a top
//! and a bottom band of each code page, text flowed between the bands and
//! onto further pages.

use super::super::fonts::FontId;
use super::super::geometry::*;
use super::super::{SheetDoc, SheetError};
use super::EPS;
use super::blocks::*;
use super::draw::*;
use super::typeset::*;

/// Draws with their page index.
pub(super) type Placed = Vec<(usize, Draw)>;

pub(super) fn caption(doc: &SheetDoc, index: usize) -> String {
    format!("code {} of {}", index + 1, doc.n)
}

// ---------------------------------------------------------------------------
// Code grid and flow
// ---------------------------------------------------------------------------

/// The code grid for one module size.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    pub(super) module_mm: f32,
    pub(super) columns: usize,
    pub(super) cell_side: f32,
    pub(super) cell_height: f32,
    /// Code rows on each code page.
    pub(super) rows: Vec<usize>,
}

impl Grid {
    pub(super) fn new(module_mm: f32, codes: usize, modules: usize, width: f32, body_height: f32) -> Option<Grid> {
        let cell_side = code_side_mm(modules, module_mm);
        let cell_height = code_cell_height_mm(modules, module_mm);
        let fit = columns_that_fit(width, cell_side).min(codes);
        let rows_max = rows_that_fit(body_height, cell_height);
        if fit == 0 || rows_max == 0 {
            return None;
        }
        let rows_total = codes.div_ceil(fit);
        // Balance: 4 codes in a grid of 3 columns are better as 2 × 2.
        let columns = codes.div_ceil(rows_total);
        let pages = rows_total.div_ceil(rows_max);
        let rows = (0..pages).map(|p| rows_total / pages + usize::from(p < rows_total % pages)).collect();
        Some(Grid { module_mm, columns, cell_side, cell_height, rows })
    }

    /// Rows in the top band and in the bottom band of code page `p`.
    pub(super) fn bands(&self, p: usize) -> (usize, usize) {
        let r = self.rows.get(p).copied().unwrap_or(0);
        (r.div_ceil(2), r / 2)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Region {
    pub(super) page: usize,
    pub(super) top: f32,
    pub(super) bottom: f32,
}

/// The printable area of a page, and where its body starts under the header
/// (not a [`crate::format::Frame`], the text of a code).
pub(super) struct PageFrame {
    pub(super) area: RectMm,
    pub(super) body_top: f32,
}

impl PageFrame {
    pub(super) fn region(&self, grid: Option<&Grid>, i: usize) -> Region {
        let code_pages = grid.map_or(0, |g| g.rows.len());
        match grid {
            Some(g) if i < code_pages => {
                let (top_rows, bottom_rows) = g.bands(i);
                let top = if top_rows > 0 {
                    self.body_top + band_height_mm(top_rows, g.cell_height) + BAND_GAP_MM
                } else {
                    self.body_top
                };
                let bottom = if bottom_rows > 0 {
                    self.area.bottom() - band_height_mm(bottom_rows, g.cell_height) - BAND_GAP_MM
                } else {
                    self.area.bottom()
                };
                Region { page: i, top, bottom }
            }
            _ => Region { page: i, top: self.body_top, bottom: self.area.bottom() },
        }
    }
}

/// Flow `items` through the regions; returns (page, draw) pairs in absolute
/// coordinates, the number of pages used, and the page where the
/// [`Block::DataEnd`] marker fell (0 without a marker).
pub(super) fn flow(
    items: &[Item],
    frame: &PageFrame,
    grid: Option<&Grid>,
) -> Result<(Placed, usize, usize), SheetError> {
    let max_height = frame.area.bottom() - frame.body_top;
    let code_pages = grid.map_or(0, |g| g.rows.len());
    let mut out = Vec::new();
    let mut ri = 0;
    let mut region = frame.region(grid, ri);
    let mut y = region.top;
    let mut empty = true;
    let mut data_page = 0;
    let mut i = 0;
    while i < items.len() {
        let item = &items[i];
        if item.data_end {
            data_page = region.page;
        }
        if item.space {
            if !empty {
                y += item.height;
            }
            i += 1;
            continue;
        }
        // The chain of items that must stay together.
        let mut j = i;
        while items[j].keep_with_next && j + 1 < items.len() {
            j += 1;
        }
        let chain: f32 = items[i..=j].iter().map(|it| it.height).sum();
        let take = if y + chain <= region.bottom + EPS {
            j + 1 - i
        } else if chain > max_height && y + item.height <= region.bottom + EPS {
            1 // the chain fits nowhere whole: let it break
        } else {
            0
        };
        if take == 0 {
            if empty && ri >= code_pages && item.height > max_height {
                return Err(SheetError::Layout(format!("an item {:.1} mm tall does not fit a page", item.height)));
            }
            ri += 1;
            region = frame.region(grid, ri);
            y = region.top;
            empty = true;
            continue;
        }
        for it in &items[i..i + take] {
            for d in &it.draws {
                out.push((region.page, d.clone().offset(frame.area.x, y)));
            }
            y += it.height;
        }
        empty = false;
        i += take;
    }
    let pages = (region.page + 1).max(code_pages).max(1);
    Ok((out, pages, data_page))
}

/// The draws of the code grid (absolute coordinates), with captions.
pub(super) fn code_draws(
    setter: &Setter,
    doc: &SheetDoc,
    frame: &PageFrame,
    grid: &Grid,
    modules: usize,
) -> Vec<(usize, Draw)> {
    let mut out = Vec::new();
    let xs = column_xs(frame.area, grid.columns, grid.cell_side);
    let m = grid.module_mm;
    let qz = QUIET_ZONE_MODULES as f32 * m;
    let mut next = 0;
    for (page, _) in grid.rows.iter().enumerate() {
        let (top_rows, bottom_rows) = grid.bands(page);
        let row_step = grid.cell_height + CODE_ROW_GAP_MM;
        let ys = (0..top_rows).map(|r| frame.body_top + r as f32 * row_step).chain(
            (0..bottom_rows).map(|r| frame.area.bottom() - grid.cell_height - (bottom_rows - 1 - r) as f32 * row_step),
        );
        for y in ys {
            for &x in &xs {
                let Some(code) = doc.codes.get(next) else {
                    break;
                };
                let w = code.symbol.width;
                let offset = (modules - w) as f32 / 2.0 * m;
                let side = w as f32 * m;
                // Symbols start on the 300 dpi pixel grid of the page, like
                // their module size (see MODULE_STEP_MM); the shift is below
                // a tenth of a millimetre, inside the cell's margin.
                // Right (unless that leaves the printable area) and up (away
                // from the caption).
                // PDF coordinates grow from the bottom edge: a renderer's
                // pixel rows are counted from there.
                let page_h = super::super::geometry::paper_size_mm(doc.paper).1;
                let floor = |v: f32| (v / MODULE_STEP_MM).floor() * MODULE_STEP_MM;
                let right = |v: f32| {
                    let up = (v / MODULE_STEP_MM).ceil() * MODULE_STEP_MM;
                    if up + side + qz <= frame.area.right() + EPS { up } else { floor(v) }
                };
                let up = |v: f32| page_h - ((page_h - v) / MODULE_STEP_MM).ceil() * MODULE_STEP_MM;
                let symbol = RectMm::new(right(x + qz + offset), up(y + qz + offset), side, side);
                out.push((page, Draw::Code(CodeCell { code: next, index: code.index, symbol, module_mm: m })));
                let seg = Seg { family: Style::Caption.family(), size_pt: CAPTION_PT, text: caption(doc, code.index) };
                let cw = setter.segs_width(std::slice::from_ref(&seg));
                let (asc, desc) = setter.fonts.extent_mm(FontId::Sans, CAPTION_PT);
                let baseline = y + grid.cell_side + (CAPTION_HEIGHT_MM - asc - desc).max(0.0) / 2.0 + asc;
                for d in setter.draw_segs(&[seg], x + (grid.cell_side - cw) / 2.0, baseline).0 {
                    out.push((page, d));
                }
                next += 1;
            }
        }
    }
    out
}
