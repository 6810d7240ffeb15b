//! The search strategy: where on a page to look, in which order, and how much
//! work to spend.
//!
//! Exists apart from the decoder because the strategy (whole page, ladder,
//! blanked page, windows around loose finder patterns, at predicted grid cells
//! and across the page; the work budget) is what decides a page's cost and
//! read rate, and is tuned without touching rxing. See [`super`] for the order
//! of the passes.

use std::borrow::Cow;
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::GrayImage;

use super::decoder::{Decoded, decode_image};
use super::ladder::{Ladder, Step};
use super::{Allowance, DetectOptions, Effort, FoundCode, MIN_SIDE, SearchLimits, SearchStats, dist};
use crate::scan::margin;
use crate::scan::prepare;

/// Run the search on `page` within `limits`.
pub(super) fn search(page: &GrayImage, opts: &DetectOptions, limits: &SearchLimits) -> (Vec<FoundCode>, SearchStats) {
    let mut search = Search {
        page,
        opts: *opts,
        found: Vec::new(),
        seen: HashSet::new(),
        loose: Vec::new(),
        modules: Vec::new(),
        passes: 0,
        allowance: Allowance::new(limits),
    };
    search.run();
    (search.found, search.allowance.stats())
}

/// Where a decoded image sits on the page: image point `(u, v)` is page point
/// `(x0 + u / scale, y0 + v / scale)` (a crop or a scaled copy of the page).
#[derive(Debug, Clone, Copy)]
struct ImageToPage {
    x0: f32,
    y0: f32,
    scale: f32,
}

impl ImageToPage {
    const PAGE: ImageToPage = ImageToPage { x0: 0.0, y0: 0.0, scale: 1.0 };

    fn to_page(self, (u, v): (f32, f32)) -> (f32, f32) {
        (self.x0 + u / self.scale, self.y0 + v / self.scale)
    }

    fn scaled(self, factor: f32) -> ImageToPage {
        ImageToPage { scale: self.scale * factor, ..self }
    }
}

/// The codes found so far, to recognise candidate symbols that lie inside
/// one (their three finder patterns do): decoding them again would only read
/// a known text, and on a page of hundreds of codes that is most of the work.
struct KnownCodes<'a> {
    /// Each code's bounding box (x0, y0, x1, y1) in page pixels, with the code.
    boxes: Vec<([f32; 4], &'a FoundCode)>,
    frame: ImageToPage,
}

impl<'a> KnownCodes<'a> {
    fn new(found: &'a [FoundCode], frame: ImageToPage) -> Self {
        let boxes = found
            .iter()
            .map(|c| {
                let xs = c.corners.map(|p| p.0);
                let ys = c.corners.map(|p| p.1);
                let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
                let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
                ([min(xs), min(ys), max(xs), max(ys)], c)
            })
            .collect();
        KnownCodes { boxes, frame }
    }

    /// Whether image point `p` lies inside a code found so far.
    fn contains(&self, p: (f32, f32)) -> bool {
        let (x, y) = self.frame.to_page(p);
        self.boxes
            .iter()
            .any(|(b, c)| x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] && inside_quad(&c.corners, (x, y), 0.0))
    }
}

struct Search<'a> {
    page: &'a GrayImage,
    opts: DetectOptions,
    found: Vec<FoundCode>,
    seen: HashSet<String>,
    /// Finder patterns seen but not part of a decoded symbol: page centre and
    /// module size.
    loose: Vec<((f32, f32), f32)>,
    /// Module size (page pixels) of each found code, parallel to `found`.
    modules: Vec<f32>,
    passes: usize,
    /// What the search may still spend.
    allowance: Allowance,
}

/// Pages with a longer side than this are first searched at half size.
const HALF_FIRST_SIDE: u32 = 4000;

impl Search<'_> {
    fn done(&self) -> bool {
        self.allowance.spent() || self.opts.expected.is_some_and(|n| self.found.len() >= n)
    }

    /// With no count expected (and below `Thorough`), the whole-page search ends
    /// once codes were found and every finder pattern seen belongs to one of
    /// them, provided the last pass was the first or added nothing.
    fn settled(&self, added: usize) -> bool {
        self.opts.expected.is_none()
            && self.opts.effort < Effort::Thorough
            && !self.found.is_empty()
            && (self.passes == 1 || added == 0)
            && self.unexplained().is_empty()
    }

    /// Loose finder patterns outside every decoded symbol: likely undecoded
    /// codes. Once codes are decoded, only patterns of a similar module size
    /// count (noise makes small false ones).
    fn unexplained(&self) -> Vec<((f32, f32), f32)> {
        let typical = self.found_module();
        self.loose
            .iter()
            .copied()
            .filter(|&(_, module)| typical.is_none_or(|t| (0.6 * t..=1.7 * t).contains(&module)))
            .filter(|&(p, module)| !self.found.iter().any(|c| inside_quad(&c.corners, p, module.max(c.side() / 40.0))))
            .collect()
    }

    fn add(&mut self, decoded: Decoded, frame: ImageToPage) -> usize {
        self.passes += 1;
        let mut added = 0;
        for hit in decoded.hits {
            if self.seen.contains(&hit.text) {
                continue;
            }
            self.seen.insert(hit.text.clone());
            let corners = hit.corners.map(|c| frame.to_page(c));
            self.modules.push(hit.module / frame.scale);
            let ecc = catch_unwind(AssertUnwindSafe(|| margin::measure(&hit.bits))).ok().flatten();
            let dimension = hit.bits.width();
            self.found.push(FoundCode { text: hit.text, bytes: hit.bytes, corners, ecc, dimension });
            added += 1;
        }
        for (p, module) in decoded.loose {
            let (p, module) = (frame.to_page(p), module / frame.scale);
            if !self.loose.iter().any(|&(q, m)| dist(p, q) < 3.5 * m.max(module)) {
                self.loose.push((p, module));
            }
        }
        added
    }

    /// The ladder's image for `step`; making it (anything but the image as it
    /// is) is charged to the allowance by its area, as a pass is.
    fn rung(&mut self, ladder: &mut Ladder<'_>, step: Step) -> (GrayImage, f32) {
        let (img, scale) = ladder.image(step);
        if step != Step::Original {
            self.allowance.charge_pixels(pixels(&img));
        }
        (img, scale)
    }

    /// Decode `img` (placed on the page by `frame`) and record what it holds.
    /// Candidate symbols inside codes already found are not decoded again.
    fn pass(&mut self, img: &GrayImage, frame: ImageToPage) -> usize {
        if self.allowance.spent() {
            return 0;
        }
        let known = KnownCodes::new(&self.found, frame);
        let decoded = decode_image(img, &mut self.allowance, &|p| known.contains(p));
        self.add(decoded, frame)
    }

    fn run(&mut self) {
        let page = self.page;
        if page.width() < MIN_SIDE || page.height() < MIN_SIDE {
            return;
        }
        let effort = self.opts.effort;
        let big = page.width().max(page.height()) > HALF_FIRST_SIDE;

        // 1. The page as it is (a big page first at half size: cheaper, and
        //    its modules are large enough).
        let mut ladder = Ladder::new(page, None);
        let mut settled = false;
        let mut first: Vec<Step> = Vec::new();
        if big {
            first.push(Step::Half);
        }
        for step in first.iter().copied().chain([Step::Original]) {
            let (img, scale) = self.rung(&mut ladder, step);
            let added = self.pass(&img, ImageToPage::PAGE.scaled(scale));
            if self.done() {
                return;
            }
            if self.settled(added) {
                settled = true;
                break;
            }
        }

        // 2. The ladder on the whole page: reduced when the codes found so far
        //    have large modules, at half size for a big page below `Thorough`.
        let half = if big { ladder.half.take() } else { None };
        drop(ladder);
        let (base, base_scale) = match (self.found_module(), half) {
            (Some(m), _) => reduced(page, Some(m)),
            (None, Some(half)) if effort < Effort::Thorough => (Cow::Owned(half), 0.5),
            (None, _) => (Cow::Borrowed(page), 1.0),
        };
        let mut ladder = Ladder::new(&base, self.found_module().map(|m| m * base_scale));
        if !settled {
            let mut steps = vec![Step::Median, Step::Stretch, Step::Adaptive, Step::Invert];
            if !big && base_scale == 1.0 {
                steps.insert(0, Step::Half);
            }
            if effort == Effort::Thorough {
                steps.push(Step::Otsu);
                if page.width().max(page.height()) <= 1200 {
                    steps.push(Step::Upscale);
                }
            }
            for step in steps {
                let (img, scale) = self.rung(&mut ladder, step);
                let added = self.pass(&img, ImageToPage::PAGE.scaled(base_scale * scale));
                if self.done() || self.settled(added) {
                    settled = true;
                    break;
                }
            }
        }
        drop(ladder);
        // Thorough: the ladder again on a smoothed page (print texture, fabric,
        // sensor noise).
        if !settled && effort == Effort::Thorough {
            let smoothed = prepare::smooth(&base, 1.0);
            self.allowance.charge_pixels(pixels(&smoothed));
            let mut ladder = Ladder::new(&smoothed, self.found_module().map(|m| m * base_scale));
            for step in [Step::Original, Step::Half, Step::Stretch, Step::Otsu, Step::Adaptive] {
                let (img, scale) = self.rung(&mut ladder, step);
                self.pass(&img, ImageToPage::PAGE.scaled(base_scale * scale));
                if self.done() {
                    return;
                }
            }
        }
        if self.done() || effort == Effort::Quick {
            return;
        }

        // 3. Regions.
        let thorough = effort == Effort::Thorough;
        let searching = thorough || self.opts.expected.is_some();
        if searching || !self.unexplained().is_empty() {
            self.blanked_passes();
            if self.done() {
                return;
            }
        }
        self.loose_windows();
        if self.done() {
            return;
        }
        self.grid_windows();
        if self.done() {
            return;
        }
        if searching {
            self.sliding_windows();
        }
    }

    /// Median symbol side (pixels) of the codes found so far.
    fn symbol_size(&self) -> Option<f32> {
        if self.found.is_empty() {
            return None;
        }
        let mut sides: Vec<f32> = self.found.iter().map(FoundCode::side).collect();
        sides.sort_by(f32::total_cmp);
        Some(sides[sides.len() / 2])
    }

    /// Median module size of the decoded codes.
    fn found_module(&self) -> Option<f32> {
        let mut modules = self.modules.clone();
        modules.sort_by(f32::total_cmp);
        modules.get(modules.len() / 2).copied()
    }

    /// Module size for preprocessing: of the decoded codes, else of the loose
    /// finder patterns.
    fn module_size(&self) -> Option<f32> {
        if let Some(m) = self.found_module() {
            return Some(m);
        }
        let mut modules: Vec<f32> = self.loose.iter().map(|l| l.1).collect();
        modules.sort_by(f32::total_cmp);
        modules.get(modules.len() / 2).copied()
    }

    /// Paint decoded codes white and search the page again: frees finder
    /// patterns that were paired with a decoded neighbour.
    fn blanked_passes(&mut self) {
        if self.found.is_empty() {
            return;
        }
        let mut blanked = self.page.clone();
        let mut blanked_count = 0;
        loop {
            for code in &self.found[blanked_count..] {
                let margin = code.side() / 25.0;
                prepare::fill_quad(&mut blanked, &code.corners, margin, 255);
            }
            blanked_count = self.found.len();
            let module = self.found_module();
            let (img, base_scale) = reduced(&blanked, module);
            let mut added = self.pass(&img, ImageToPage::PAGE.scaled(base_scale));
            if self.done() {
                return;
            }
            if added == 0 {
                let mut ladder = Ladder::new(&img, module.map(|m| m * base_scale));
                let steps: &[Step] = if self.opts.effort == Effort::Thorough {
                    &[Step::Half, Step::Median, Step::Stretch, Step::Adaptive]
                } else {
                    &[Step::Adaptive]
                };
                for &step in steps {
                    let (img, scale) = self.rung(&mut ladder, step);
                    added += self.pass(&img, ImageToPage::PAGE.scaled(base_scale * scale));
                    if self.done() || added > 0 {
                        break;
                    }
                }
            }
            if self.done() || added == 0 {
                return;
            }
        }
    }

    /// Windows around finder patterns that belong to no decoded symbol, large
    /// enough for the symbol to extend from the pattern in any direction.
    fn loose_windows(&mut self) {
        let limit = if self.opts.effort == Effort::Thorough { 64 } else { 24 };
        let short = self.page.width().min(self.page.height()) as f32;
        // Centres and sides of the windows tried; a pattern near the middle of
        // one (e.g. another finder of the same symbol) needs no window of its own.
        let mut tried: Vec<((f32, f32), f32)> = Vec::new();
        while tried.len() < limit {
            let Some((p, module)) = self.unexplained().into_iter().find(|(p, _)| {
                !tried.iter().any(|(c, side)| (p.0 - c.0).abs() < side * 0.3 && (p.1 - c.1).abs() < side * 0.3)
            }) else {
                return;
            };
            let side = (self.symbol_size().unwrap_or(module * 60.0) * 2.2).min(short);
            tried.push((p, side));
            self.window(p.0, p.1, side);
            if self.done() {
                return;
            }
        }
    }

    /// Windows of 1.6 symbol sizes centred on the grid cells predicted by the
    /// codes found (same rows and columns, gaps filled, one step beyond each
    /// edge) that hold no decoded code yet.
    fn grid_windows(&mut self) {
        let Some(side) = self.symbol_size() else {
            return;
        };
        let centers: Vec<(f32, f32)> = self.found.iter().map(FoundCode::center).collect();
        let (w, h) = (self.page.width() as f32, self.page.height() as f32);
        let cols = grid_lines(centers.iter().map(|c| c.0).collect(), side, w);
        let rows = grid_lines(centers.iter().map(|c| c.1).collect(), side, h);
        let mut cells = Vec::new();
        for &y in &rows {
            for &x in &cols {
                let occupied = centers.iter().any(|c| dist(*c, (x, y)) < side * 0.5);
                if !occupied {
                    cells.push((x, y));
                }
            }
        }
        for (x, y) in cells {
            self.window(x, y, side * 1.6);
            if self.done() {
                return;
            }
        }
    }

    /// Overlapping windows across the whole page. Window size: 1.6 symbol sizes
    /// when codes were found, otherwise (thorough only) 40% of the shorter side.
    fn sliding_windows(&mut self) {
        let (w, h) = (self.page.width() as f32, self.page.height() as f32);
        let sizes: Vec<f32> = match self.symbol_size() {
            Some(side) => vec![side * 1.6],
            None if self.opts.effort == Effort::Thorough => vec![w.min(h) * 0.4],
            None => return,
        };
        for size in sizes {
            if size < MIN_SIDE as f32 {
                continue;
            }
            let step = size / 2.0;
            let nx = ((w - size) / step).ceil().max(0.0) as usize + 1;
            let ny = ((h - size) / step).ceil().max(0.0) as usize + 1;
            for j in 0..ny {
                for i in 0..nx {
                    let cx = (size / 2.0 + i as f32 * step).min(w - size / 2.0);
                    let cy = (size / 2.0 + j as f32 * step).min(h - size / 2.0);
                    // Skip windows whose centre lies inside a decoded code.
                    if self.found.iter().any(|c| dist(c.center(), (cx, cy)) < c.side() * 0.35) {
                        continue;
                    }
                    self.window(cx, cy, size);
                    if self.done() {
                        return;
                    }
                }
            }
        }
    }

    /// Decode a square window of side `size` centred at `(cx, cy)` with the ladder.
    fn window(&mut self, cx: f32, cy: f32, size: f32) {
        let (w, h) = self.page.dimensions();
        let x0 = (cx - size / 2.0).max(0.0) as u32;
        let y0 = (cy - size / 2.0).max(0.0) as u32;
        if x0 >= w || y0 >= h {
            return;
        }
        let side = size.ceil() as u32;
        let crop = prepare::crop(self.page, x0, y0, side, side);
        if crop.width() < MIN_SIDE || crop.height() < MIN_SIDE {
            return;
        }
        let module = self.module_size();
        let (crop, scale) = reduced(&crop, module);
        let module = module.map(|m| m * scale);
        let frame = ImageToPage { x0: x0 as f32, y0: y0 as f32, scale };
        if self.pass(&crop, frame) > 0 || self.done() {
            return;
        }
        let mut ladder = Ladder::new(&crop, module);
        let mut steps = vec![Step::Median, Step::Stretch, Step::Adaptive];
        if self.opts.effort == Effort::Thorough {
            steps.extend([Step::Invert, Step::Otsu]);
            if module.is_none_or(|m| m < 4.0) && crop.width().max(crop.height()) <= 600 {
                steps.push(Step::Upscale);
            }
        }
        for step in steps {
            let (img, scale) = self.rung(&mut ladder, step);
            if self.pass(&img, frame.scaled(scale)) > 0 || self.done() {
                return;
            }
        }
    }
}

fn pixels(img: &GrayImage) -> u64 {
    u64::from(img.width()) * u64::from(img.height())
}

/// `img` halved while its modules (`module` pixels wide) stay at least 4
/// pixels wide, and the scale of the result: large modules cost time and add
/// nothing.
fn reduced(img: &GrayImage, module: Option<f32>) -> (Cow<'_, GrayImage>, f32) {
    let mut out = Cow::Borrowed(img);
    let mut scale = 1.0;
    let Some(mut m) = module else {
        return (out, scale);
    };
    while m >= 8.0 && out.width() >= 4 * MIN_SIDE && out.height() >= 4 * MIN_SIDE {
        out = Cow::Owned(prepare::downscale_half(&out));
        scale *= 0.5;
        m *= 0.5;
    }
    (out, scale)
}

/// Whether `p` lies inside the convex quadrilateral `q` grown by `margin`.
fn inside_quad(q: &[(f32, f32); 4], p: (f32, f32), margin: f32) -> bool {
    // Signed distances to each edge; the sign of the orientation decides "inside".
    let area2: f32 = (0..4)
        .map(|i| {
            let (a, b) = (q[i], q[(i + 1) % 4]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum();
    let orient = if area2 >= 0.0 { 1.0 } else { -1.0 };
    (0..4).all(|i| {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let len = dist(a, b).max(1e-3);
        let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
        orient * cross / len >= -margin
    })
}

/// Grid line positions along one axis from the code centres on it: clusters
/// of centres (within half a symbol), plus one step beyond the first and last
/// line when it stays on the page.
pub(super) fn grid_lines(mut values: Vec<f32>, side: f32, extent: f32) -> Vec<f32> {
    values.sort_by(f32::total_cmp);
    let mut lines: Vec<(f32, usize)> = Vec::new();
    for v in values {
        match lines.last_mut() {
            Some((mean, n)) if (v - *mean).abs() < side * 0.5 => {
                *mean = (*mean * *n as f32 + v) / (*n as f32 + 1.0);
                *n += 1;
            }
            _ => lines.push((v, 1)),
        }
    }
    let mut out: Vec<f32> = lines.iter().map(|l| l.0).collect();
    // Typical spacing: the smallest gap between lines, else 1.5 symbol sizes.
    let spacing = out.windows(2).map(|p| p[1] - p[0]).fold(f32::INFINITY, f32::min);
    let spacing = if spacing.is_finite() { spacing } else { side * 1.5 };
    // Fill gaps of about two or more spacings.
    let mut filled = Vec::new();
    for (i, &v) in out.iter().enumerate() {
        filled.push(v);
        if let Some(&next) = out.get(i + 1) {
            let gaps = ((next - v) / spacing).round() as usize;
            for k in 1..gaps.min(8) {
                filled.push(v + (next - v) * k as f32 / gaps as f32);
            }
        }
    }
    out = filled;
    let first = out[0] - spacing;
    let last = out[out.len() - 1] + spacing;
    if first - side / 2.0 >= -side * 0.25 {
        out.insert(0, first);
    }
    if last + side / 2.0 <= extent + side * 0.25 {
        out.push(last);
    }
    out
}
