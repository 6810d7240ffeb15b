//! Reading the recovery text back from a page image.
//!
//! 1. **Marks.** The page is binarised (Otsu) and its dark connected
//!    components measured; a component whose second moments are those of a
//!    long thin solid bar (length/thickness between 40 and 300) is a mark.
//!    Consecutive bars of equal length whose distance is that of a whole
//!    number of rows ([`block::Geometry::bar_distance_mm`]) bound one block.
//! 2. **Geometry.** The four bar ends give a homography from block
//!    millimetres to page pixels: position, rotation, scale and perspective.
//! 3. **Grid.** Every symbol's cell is known from the fixed pitch: row `r`,
//!    line slot `s`, symbol column `c` ([`lines::SYMBOL_COLUMNS`]).
//! 4. **Classification.** Each cell is resampled at [`PX_PER_MM`] and
//!    compared (normalised cross-correlation, small shifts) with the 27 OCR-B
//!    glyphs of the alphabet rasterised from the embedded font at the same
//!    scale. A row's shift is tracked from cell to cell.
//! 5. **Checks.** A line that fails its check is repaired only by replacing
//!    one or two of its least certain symbols with their second-best glyph,
//!    and only if the result passes the check.

use image::GrayImage;

use super::glyphs::{self, GlyphBitmap};
use crate::format::text_v1::{self as lines, ALPHABET};
use crate::sheet::recovery_block as block;
use crate::sheet::recovery_block::Geometry;

/// Resolution cells are compared at, pixels per mm.
pub const PX_PER_MM: f32 = 8.0;
/// Template window above the baseline, mm.
const TOP_MM: f32 = 2.9;
/// Template window below the baseline, mm.
const BOTTOM_MM: f32 = 0.6;
/// Largest shift searched around the tracked position, template pixels.
const SHIFT: i32 = 2;
/// Shift searched for the first cell of a row.
const FIRST_SHIFT: i32 = 6;

/// One line read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadLine {
    /// The line as read (after repair), e.g. `012 5ARXNP 7M3K9C 4F`.
    pub text: String,
    /// Whether it passes its check.
    pub passes: bool,
    /// Symbols replaced by their second-best glyph to pass the check.
    pub repaired: usize,
    /// The line as first classified, before any repair.
    pub raw: String,
}

/// A bar found on the page.
#[derive(Debug, Clone, Copy)]
struct Bar {
    /// Centre, pixels.
    c: (f64, f64),
    /// Unit direction along the bar (x > 0).
    d: (f64, f64),
    len: f64,
    /// Thickness, pixels.
    thick: f64,
}

impl Bar {
    fn left(&self) -> (f64, f64) {
        (self.c.0 - self.d.0 * self.len / 2.0, self.c.1 - self.d.1 * self.len / 2.0)
    }
    fn right(&self) -> (f64, f64) {
        (self.c.0 + self.d.0 * self.len / 2.0, self.c.1 + self.d.1 * self.len / 2.0)
    }
}

#[derive(Default, Clone, Copy)]
struct Moments {
    n: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

/// Find the bars: connected components (8-neighbour) of dark pixels shaped as
/// long solid bars.
fn find_bars(page: &GrayImage) -> Vec<Bar> {
    let (w, h) = (page.width() as usize, page.height() as usize);
    if w == 0 || h == 0 {
        return Vec::new();
    }
    let level = crate::scan::prepare::otsu_level(page);
    let px = page.as_raw();
    let dark: Vec<bool> = px.iter().map(|&v| v <= level).collect();
    let mut seen = vec![false; w * h];
    let mut bars = Vec::new();
    let mut stack = Vec::new();
    let min_len = (w.max(h) as f64) * 0.15;
    for start in 0..w * h {
        if !dark[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut m = Moments::default();
        let (mut x0, mut x1) = (usize::MAX, 0);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            x0 = x0.min(x);
            x1 = x1.max(x);
            let (fx, fy) = (x as f64, y as f64);
            m.n += 1.0;
            m.sx += fx;
            m.sy += fy;
            m.sxx += fx * fx;
            m.syy += fy * fy;
            m.sxy += fx * fy;
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if dark[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        if ((x1 - x0) as f64) < min_len * 0.9 {
            continue;
        }
        let (cx, cy) = (m.sx / m.n, m.sy / m.n);
        let vxx = m.sxx / m.n - cx * cx;
        let vyy = m.syy / m.n - cy * cy;
        let vxy = m.sxy / m.n - cx * cy;
        let tr = vxx + vyy;
        let det = vxx * vyy - vxy * vxy;
        let disc = (tr * tr / 4.0 - det).max(0.0).sqrt();
        let (l1, l2) = (tr / 2.0 + disc, (tr / 2.0 - disc).max(1e-9));
        let len = (12.0 * l1).sqrt();
        let thick = (12.0 * l2).sqrt();
        let ratio = len / thick;
        let fill = m.n / (len * thick);
        if len < min_len || !(40.0..=300.0).contains(&ratio) || !(0.7..=1.3).contains(&fill) {
            continue;
        }
        let angle = 0.5 * (2.0 * vxy).atan2(vxx - vyy);
        let mut d = (angle.cos(), angle.sin());
        if d.0 < 0.0 {
            d = (-d.0, -d.1);
        }
        if d.1.abs() > 0.35 {
            continue; // more than ~20° from horizontal: not a mark of an upright page
        }
        bars.push(Bar { c: (cx, cy), d, len, thick });
    }
    bars.sort_by(|a, b| a.c.1.total_cmp(&b.c.1));
    bars
}

/// A projective map from block millimetres to page pixels.
#[derive(Debug, Clone, Copy)]
struct Homography([f64; 8]);

impl Homography {
    /// The map sending each `src[i]` to `dst[i]`.
    fn from_points(src: [(f64, f64); 4], dst: [(f64, f64); 4]) -> Option<Homography> {
        let mut a = [[0f64; 9]; 8];
        for i in 0..4 {
            let ((x, y), (u, v)) = (src[i], dst[i]);
            a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        for col in 0..8 {
            let piv = (col..8).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))?;
            if a[piv][col].abs() < 1e-12 {
                return None;
            }
            a.swap(col, piv);
            let pivot = a[col];
            for (r, row) in a.iter_mut().enumerate() {
                if r != col {
                    let f = row[col] / pivot[col];
                    for (x, p) in row.iter_mut().zip(pivot.iter()).skip(col) {
                        *x -= f * p;
                    }
                }
            }
        }
        let mut h = [0f64; 8];
        for (i, hi) in h.iter_mut().enumerate() {
            *hi = a[i][8] / a[i][i];
        }
        Some(Homography(h))
    }

    fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let h = &self.0;
        let w = h[6] * x + h[7] * y + 1.0;
        ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w)
    }
}

fn bilinear(page: &GrayImage, x: f64, y: f64) -> f32 {
    let (w, h) = (page.width() as i64, page.height() as i64);
    let (x, y) = (x - 0.5, y - 0.5);
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = ((x - x0 as f64) as f32, (y - y0 as f64) as f32);
    let get = |xx: i64, yy: i64| -> f32 {
        let (xx, yy) = (xx.clamp(0, w - 1), yy.clamp(0, h - 1));
        page.as_raw()[(yy * w + xx) as usize] as f32
    };
    let top = get(x0, y0) * (1.0 - fx) + get(x0 + 1, y0) * fx;
    let bot = get(x0, y0 + 1) * (1.0 - fx) + get(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bot * fy
}

/// A template ready for correlation: zero-mean ink and its norm.
struct Template {
    ch: char,
    w: usize,
    h: usize,
    zero_mean: Vec<f32>,
    norm: f32,
}

fn templates() -> Vec<Template> {
    glyphs::render(ALPHABET, block::FONT_PT, PX_PER_MM, TOP_MM, BOTTOM_MM)
        .into_iter()
        .map(|g: GlyphBitmap| {
            let mean = g.ink.iter().sum::<f32>() / g.ink.len() as f32;
            let zero_mean: Vec<f32> = g.ink.iter().map(|v| v - mean).collect();
            let norm = zero_mean.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-6);
            Template { ch: g.ch, w: g.width, h: g.height, zero_mean, norm }
        })
        .collect()
}

/// One block located on the page.
struct Located {
    map: Homography,
    rows: usize,
    /// Ink levels: (paper, ink) grey values.
    paper: f32,
    ink: f32,
}

/// Blocks set back to back leave the bottom bar of one touching the top bar
/// of the next: one component twice as thick. Split such a bar into the two
/// bars it is made of.
fn split_double_bars(bars: &[Bar], geometry: &Geometry) -> Vec<Bar> {
    let width_mm = f64::from(geometry.row_width_mm());
    let rule = f64::from(block::RULE_MM);
    let mut out = Vec::with_capacity(bars.len());
    for b in bars {
        let thick_mm = b.thick / (b.len / width_mm);
        if (1.6 * rule..2.6 * rule).contains(&thick_mm) {
            let (nx, ny) = (-b.d.1, b.d.0);
            let off = b.thick / 4.0;
            for s in [-1.0, 1.0] {
                out.push(Bar { c: (b.c.0 + s * nx * off, b.c.1 + s * ny * off), thick: b.thick / 2.0, ..*b });
            }
        } else {
            out.push(*b);
        }
    }
    out
}

fn locate_blocks(page: &GrayImage, bars: &[Bar], geometry: &Geometry) -> Vec<Located> {
    let bars = &split_double_bars(bars, geometry)[..];
    let width_mm = f64::from(geometry.row_width_mm());
    let leading = f64::from(geometry.leading_mm());
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bars.len() {
        let (t, b) = (bars[i], bars[i + 1]);
        let scale = (t.len + b.len) / 2.0 / width_mm; // px per mm
        let similar = (t.len - b.len).abs() < 0.05 * t.len && (t.d.0 * b.d.1 - t.d.1 * b.d.0).abs() < 0.03;
        // Distance between the bars along the normal of the top one.
        let dist = ((b.c.0 - t.c.0) * -t.d.1 + (b.c.1 - t.c.1) * t.d.0) / scale;
        let fixed = f64::from(geometry.bar_distance_mm(0));
        let rows_f = (dist - fixed) / leading;
        let rows = rows_f.round();
        if similar && rows >= 1.0 && rows <= geometry.rows_per_block as f64 && (rows_f - rows).abs() < 0.3 {
            let rows = rows as usize;
            let d = f64::from(geometry.bar_distance_mm(rows));
            let src = [(0.0, 0.0), (width_mm, 0.0), (0.0, d), (width_mm, d)];
            let dst = [t.left(), t.right(), b.left(), b.right()];
            if let Some(map) = Homography::from_points(src, dst) {
                // Ink: along the top bar; paper: in the gap under it.
                let gap_y = f64::from(block::RULE_MM / 2.0 + block::RULE_GAP_MM / 2.0);
                let mut inks = Vec::new();
                let mut papers = Vec::new();
                for k in 1..50 {
                    let x = width_mm * k as f64 / 50.0;
                    let (px, py) = map.map(x, 0.0);
                    inks.push(bilinear(page, px, py));
                    let (px, py) = map.map(x, gap_y);
                    papers.push(bilinear(page, px, py));
                }
                inks.sort_by(f32::total_cmp);
                papers.sort_by(f32::total_cmp);
                let (ink, paper) = (inks[inks.len() / 2], papers[papers.len() / 2]);
                if paper - ink > 20.0 {
                    out.push(Located { map, rows, paper, ink });
                    i += 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Classify one cell: the candidates (symbol value, score) best first, and
/// the shift of the best match.
struct CellRead {
    best: (u8, f32),
    second: (u8, f32),
    shift: (i32, i32),
    ink: f32,
}

/// Sample a patch of the block around a cell (with `margin` template pixels
/// on each side) as ink in 0..1.
fn sample_patch(page: &GrayImage, loc: &Located, x_mm: f32, top_mm: f32, w: usize, h: usize, margin: i32) -> Vec<f32> {
    let (pw, ph) = (w + 2 * margin as usize, h + 2 * margin as usize);
    let mut out = Vec::with_capacity(pw * ph);
    let span = (loc.paper - loc.ink).max(1.0);
    for yy in 0..ph {
        let y = f64::from(top_mm) + (yy as f64 - f64::from(margin) + 0.5) / f64::from(PX_PER_MM);
        for xx in 0..pw {
            let x = f64::from(x_mm) + (xx as f64 - f64::from(margin) + 0.5) / f64::from(PX_PER_MM);
            let (px, py) = loc.map.map(x, y);
            let v = bilinear(page, px, py);
            out.push(((loc.paper - v) / span).clamp(0.0, 1.0));
        }
    }
    out
}

/// Correlation of template `t` with the patch at shift (dx, dy).
fn score_at(patch: &[f32], margin: i32, dx: i32, dy: i32, t: &Template) -> (f32, f32) {
    let (w, h) = (t.w, t.h);
    let pw = w + 2 * margin as usize;
    let (ox, oy) = ((margin + dx) as usize, (margin + dy) as usize);
    let (mut s, mut ss, mut dot) = (0f32, 0f32, 0f32);
    for y in 0..h {
        let row = &patch[(oy + y) * pw + ox..(oy + y) * pw + ox + w];
        let tr = &t.zero_mean[y * w..(y + 1) * w];
        for (a, b) in row.iter().zip(tr) {
            s += a;
            ss += a * a;
            dot += a * b;
        }
    }
    let var = (ss - s * s / (w * h) as f32).max(1e-6).sqrt();
    (dot / (var * t.norm), s)
}

/// Classify a cell: every glyph is scored at the tracked shift `center`;
/// the best few are then searched over shifts within `radius`.
fn classify(patch: &[f32], margin: i32, center: (i32, i32), radius: i32, ts: &[Template]) -> CellRead {
    let clamp = |v: i32| v.clamp(-margin, margin);
    let center = (clamp(center.0), clamp(center.1));
    let mut scores: Vec<(f32, (i32, i32))> = Vec::with_capacity(ts.len());
    let mut ink = 0.0;
    for t in ts {
        let (sc, s) = score_at(patch, margin, center.0, center.1, t);
        ink = s;
        scores.push((sc, center));
    }
    let mut order: Vec<usize> = (0..ts.len()).collect();
    order.sort_by(|&a, &b| scores[b].0.total_cmp(&scores[a].0));
    let keep = if radius > SHIFT { ts.len() } else { 4 };
    for &k in &order[..keep] {
        for dy in clamp(center.1 - radius)..=clamp(center.1 + radius) {
            for dx in clamp(center.0 - radius)..=clamp(center.0 + radius) {
                let (sc, _) = score_at(patch, margin, dx, dy, &ts[k]);
                if sc > scores[k].0 {
                    scores[k] = (sc, (dx, dy));
                }
            }
        }
    }
    order.sort_by(|&a, &b| scores[b].0.total_cmp(&scores[a].0));
    let value = |k: usize| lines::symbol_value(ts[k].ch).unwrap_or(0);
    CellRead {
        best: (value(order[0]), scores[order[0]].0),
        second: (value(order[1]), scores[order[1]].0),
        shift: scores[order[0]].1,
        ink,
    }
}

/// Try to make a line pass by replacing its least certain symbols with their
/// second-best glyph: one at a time, then pairs among the six least certain.
fn repair(cells: &[CellRead]) -> Option<(Vec<u8>, usize)> {
    let v: Vec<u8> = cells.iter().map(|c| c.best.0).collect();
    if lines::check_ok(&v) {
        return Some((v, 0));
    }
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by(|&a, &b| {
        let ma = cells[a].best.1 - cells[a].second.1;
        let mb = cells[b].best.1 - cells[b].second.1;
        ma.total_cmp(&mb)
    });
    if let Some((i, val)) = lines::locate_single(&v)
        && cells[i].second.0 == val
    {
        let mut w = v.clone();
        w[i] = val;
        return Some((w, 1));
    }
    let few = &order[..6.min(order.len())];
    for (a_i, &a) in few.iter().enumerate() {
        for &b in &few[a_i + 1..] {
            let mut w = v.clone();
            w[a] = cells[a].second.0;
            w[b] = cells[b].second.0;
            if lines::check_ok(&w) {
                return Some((w, 2));
            }
        }
    }
    None
}

/// A line's symbols as printed: each at its column, spaces between groups.
fn to_text(v: &[u8], geometry: &Geometry) -> String {
    let mut s = String::new();
    for (&x, &col) in v.iter().zip(geometry.symbol_columns) {
        while s.len() < col {
            s.push(' ');
        }
        s.push(lines::symbol_char(x));
    }
    s
}

/// The text area of every recovery block found on a page: corners in page
/// pixels (top-left, top-right, bottom-right, bottom-left), between the inner
/// edges of its bars and 1 mm beyond the rows' ends. For tools that want
/// crops (the benchmark runs tesseract on them).
pub fn find_blocks(page: &GrayImage, geometry: &Geometry) -> Vec<[(f32, f32); 4]> {
    let bars = find_bars(page);
    let width = f64::from(geometry.row_width_mm());
    let inner = f64::from(block::RULE_MM / 2.0 + block::RULE_GAP_MM / 3.0);
    locate_blocks(page, &bars, geometry)
        .iter()
        .map(|loc| {
            let d = f64::from(geometry.bar_distance_mm(loc.rows));
            let p = |x: f64, y: f64| {
                let (a, b) = loc.map.map(x, y);
                (a as f32, b as f32)
            };
            [p(-1.0, inner), p(width + 1.0, inner), p(width + 1.0, d - inner), p(-1.0, d - inner)]
        })
        .collect()
}

/// Every recovery block of a page resampled upright (rotation and
/// perspective removed) at `px_per_mm`, over the same area as
/// [`find_blocks`]: for other OCR engines.
pub fn rectified_blocks(page: &GrayImage, px_per_mm: f32, geometry: &Geometry) -> Vec<GrayImage> {
    let bars = find_bars(page);
    let width = f64::from(geometry.row_width_mm()) + 2.0;
    let inner = f64::from(block::RULE_MM / 2.0 + block::RULE_GAP_MM / 3.0);
    let ppm = f64::from(px_per_mm);
    locate_blocks(page, &bars, geometry)
        .iter()
        .map(|loc| {
            let height = f64::from(geometry.bar_distance_mm(loc.rows)) - 2.0 * inner;
            let (w, h) = ((width * ppm).round() as u32, (height * ppm).round() as u32);
            GrayImage::from_fn(w, h, |x, y| {
                let (mx, my) = (-1.0 + (f64::from(x) + 0.5) / ppm, inner + (f64::from(y) + 0.5) / ppm);
                let (px, py) = loc.map.map(mx, my);
                image::Luma([bilinear(page, px, py).round().clamp(0.0, 255.0) as u8])
            })
        })
        .collect()
}

/// Read the recovery lines of every block on a page.
pub fn read_page(page: &GrayImage) -> Vec<String> {
    read_page_detailed(page).into_iter().map(|l| l.text).collect()
}

/// As [`read_page`], with per-line details (check result, repairs, raw read).
///
/// A page scanned sideways or upside down is tried in the other three
/// orientations when fewer than half its lines pass as it is; the
/// orientation with the most passing lines wins.
pub fn read_page_detailed(page: &GrayImage) -> Vec<ReadLine> {
    use crate::scan::prepare::{Rotation, rotate};
    let passing = |lines: &[ReadLine]| lines.iter().filter(|l| l.passes).count();
    let mut best = read_upright(page);
    for r in [Rotation::Cw180, Rotation::Cw90, Rotation::Cw270] {
        if passing(&best) * 2 > best.len() {
            break;
        }
        let other = read_upright(&rotate(page, r));
        if passing(&other) > passing(&best) {
            best = other;
        }
    }
    best
}

/// Read a page as it lies, trying the v2 block geometry first and the v1
/// geometry (sheets of paperseed 0.1) when fewer than half the lines pass.
fn read_upright(page: &GrayImage) -> Vec<ReadLine> {
    let bars = find_bars(page);
    let passing = |lines: &[ReadLine]| lines.iter().filter(|l| l.passes).count();
    let v2 = read_blocks(page, &bars, &block::V2);
    if !v2.is_empty() && passing(&v2) * 2 > v2.len() {
        return v2;
    }
    let v1 = read_blocks(page, &bars, &block::V1);
    if passing(&v1) > passing(&v2) { v1 } else { v2 }
}

fn read_blocks(page: &GrayImage, bars: &[Bar], geometry: &Geometry) -> Vec<ReadLine> {
    let blocks = locate_blocks(page, bars, geometry);
    if blocks.is_empty() {
        return Vec::new();
    }
    let ts = templates();
    let (tw, th) = (ts[0].w, ts[0].h);
    let adv = block::advance_mm();
    let leading = geometry.leading_mm();
    let base = geometry.baseline_in_row_mm();
    let first_row_top = block::RULE_MM / 2.0 + block::RULE_GAP_MM;
    let empty_ink = (tw * th) as f32 * 0.03;
    let mut out = Vec::new();
    for loc in &blocks {
        for r in 0..loc.rows {
            let top = first_row_top + r as f32 * leading + base - TOP_MM;
            let mut shift: Option<(i32, i32)> = None;
            for slot in 0..geometry.lines_per_row {
                let mut cells = Vec::with_capacity(geometry.line_symbols());
                let mut empty = false;
                for (j, &col) in geometry.symbol_columns.iter().enumerate() {
                    let x = (geometry.slot_column(slot) + col) as f32 * adv;
                    let (center, radius) = match shift {
                        Some(s) => (s, SHIFT),
                        None => ((0, 0), FIRST_SHIFT),
                    };
                    let margin = FIRST_SHIFT + SHIFT;
                    let patch = sample_patch(page, loc, x, top, tw, th, margin);
                    let c = classify(&patch, margin, center, radius, &ts);
                    if j == 0 && c.ink < empty_ink {
                        empty = true;
                        break;
                    }
                    shift = Some(c.shift);
                    cells.push(c);
                }
                if empty {
                    break;
                }
                let raw: Vec<u8> = cells.iter().map(|c| c.best.0).collect();
                let (text, passes, repaired) = match repair(&cells) {
                    Some((v, n)) => (to_text(&v, geometry), true, n),
                    None => (to_text(&raw, geometry), false, 0),
                };
                out.push(ReadLine { text, passes, repaired, raw: to_text(&raw, geometry) });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_corners() {
        let src = [(0.0, 0.0), (10.0, 0.0), (0.0, 5.0), (10.0, 5.0)];
        let dst = [(1.0, 2.0), (21.0, 3.0), (0.5, 12.0), (22.0, 13.5)];
        let h = Homography::from_points(src, dst).unwrap();
        for (s, d) in src.iter().zip(dst) {
            let (x, y) = h.map(s.0, s.1);
            assert!((x - d.0).abs() < 1e-6 && (y - d.1).abs() < 1e-6);
        }
    }
}
