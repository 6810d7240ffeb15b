//! Where a symbol's modules lie on the page, and what the page shows there.
//!
//! A symbol is placed by a projective map from module coordinates (column,
//! row; the symbol's top-left corner at (0, 0), module centres at +0.5) to
//! page pixels. It is fitted to the patterns whose place in the symbol is
//! known: the three finder patterns and the alignment patterns, each located
//! by correlating the page with the pattern drawn through the current map,
//! over small shifts. Then every module is sampled (a few points around its
//! centre) and turned into a soft value against a local threshold: what the
//! decoder of [`super::symbol`] reads.

use image::GrayImage;
use rxing::qrcode::common::Version;

use super::symbol::Soft;

pub(crate) type Pt = (f64, f64);

/// A projective map (h[8] = 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Homography(pub(crate) [f64; 9]);

impl Homography {
    /// The affine map sending (0, 0) to `origin`, a unit step in u to `u`,
    /// in v to `v`.
    pub(crate) fn affine(origin: Pt, u: Pt, v: Pt) -> Homography {
        Homography([u.0, v.0, origin.0, u.1, v.1, origin.1, 0.0, 0.0, 1.0])
    }

    pub(crate) fn map(&self, (x, y): Pt) -> Pt {
        let h = &self.0;
        let w = h[6] * x + h[7] * y + h[8];
        ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w)
    }

    /// The map's derivative at `p`: the page steps of one module in u and in v.
    pub(crate) fn steps(&self, p: Pt) -> (Pt, Pt) {
        let c = self.map(p);
        let a = self.map((p.0 + 1.0, p.1));
        let b = self.map((p.0, p.1 + 1.0));
        ((a.0 - c.0, a.1 - c.1), (b.0 - c.0, b.1 - c.1))
    }

    /// Least-squares fit to weighted correspondences `src[i] → dst[i]`:
    /// projective with four or more, affine with three.
    pub(crate) fn fit(pairs: &[(Pt, Pt, f64)]) -> Option<Homography> {
        if pairs.len() < 3 {
            return None;
        }
        let n = if pairs.len() >= 4 { 8 } else { 6 };
        let mut a = vec![vec![0f64; n + 1]; n];
        // Normalise coordinates for conditioning.
        let (sc, dc) = (centroid(pairs.iter().map(|p| p.0)), centroid(pairs.iter().map(|p| p.1)));
        let ss = spread(pairs.iter().map(|p| p.0), sc);
        let ds = spread(pairs.iter().map(|p| p.1), dc);
        for &(s, d, w) in pairs {
            let (x, y) = ((s.0 - sc.0) / ss, (s.1 - sc.1) / ss);
            let (u, v) = ((d.0 - dc.0) / ds, (d.1 - dc.1) / ds);
            let rows: [(Vec<f64>, f64); 2] = if n == 8 {
                [
                    (vec![x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y], u),
                    (vec![0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y], v),
                ]
            } else {
                [(vec![x, y, 1.0, 0.0, 0.0, 0.0], u), (vec![0.0, 0.0, 0.0, x, y, 1.0], v)]
            };
            for (row, rhs) in rows {
                for i in 0..n {
                    for j in 0..n {
                        a[i][j] += w * row[i] * row[j];
                    }
                    a[i][n] += w * row[i] * rhs;
                }
            }
        }
        let h = solve(a)?;
        let hn = if n == 8 {
            [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0]
        } else {
            [h[0], h[1], h[2], h[3], h[4], h[5], 0.0, 0.0, 1.0]
        };
        // Undo the normalisation: H = D⁻¹ · Hn · S.
        let s = [1.0 / ss, 0.0, -sc.0 / ss, 0.0, 1.0 / ss, -sc.1 / ss, 0.0, 0.0, 1.0];
        let dinv = [ds, 0.0, dc.0, 0.0, ds, dc.1, 0.0, 0.0, 1.0];
        let m = mat_mul(&dinv, &mat_mul(&hn, &s));
        if m[8].abs() < 1e-12 {
            return None;
        }
        Some(Homography(m.map(|v| v / m[8])))
    }
}

fn centroid(points: impl Iterator<Item = Pt>) -> Pt {
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    for p in points {
        sx += p.0;
        sy += p.1;
        n += 1.0;
    }
    (sx / n, sy / n)
}

fn spread(points: impl Iterator<Item = Pt>, c: Pt) -> f64 {
    let (mut s, mut n) = (0.0, 0.0);
    for p in points {
        s += ((p.0 - c.0).powi(2) + (p.1 - c.1).powi(2)).sqrt();
        n += 1.0;
    }
    (s / n).max(1e-9)
}

fn mat_mul(a: &[f64; 9], b: &[f64; 9]) -> [f64; 9] {
    let mut out = [0.0; 9];
    for i in 0..3 {
        for j in 0..3 {
            out[i * 3 + j] = (0..3).map(|k| a[i * 3 + k] * b[k * 3 + j]).sum();
        }
    }
    out
}

/// Solve the augmented system `a` (n rows, n+1 columns) by Gaussian
/// elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let n = a.len();
    for col in 0..n {
        let piv = (col..n).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        let pivot = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot[col];
                if f != 0.0 {
                    for (x, p) in row.iter_mut().zip(&pivot).skip(col) {
                        *x -= f * p;
                    }
                }
            }
        }
    }
    Some((0..n).map(|i| a[i][n] / a[i][i]).collect())
}

/// Bilinear grey value at pixel coordinates (pixel centres at +0.5); the
/// border pixel outside the image.
pub(crate) fn sample(img: &GrayImage, (x, y): Pt) -> f32 {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let (x, y) = (x - 0.5, y - 0.5);
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = ((x - x0 as f64) as f32, (y - y0 as f64) as f32);
    let raw = img.as_raw();
    let get = |xx: i64, yy: i64| -> f32 { f32::from(raw[(yy.clamp(0, h - 1) * w + xx.clamp(0, w - 1)) as usize]) };
    let top = get(x0, y0) * (1.0 - fx) + get(x0 + 1, y0) * fx;
    let bottom = get(x0, y0 + 1) * (1.0 - fx) + get(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// A pattern whose place in the symbol is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// 7×7 finder with its light separator: 9×9 modules.
    Finder,
    /// 5×5 alignment pattern.
    Alignment,
}

impl Pattern {
    /// Half the side in modules, and whether module (k, l) from the centre is dark.
    fn half(self) -> i32 {
        match self {
            Pattern::Finder => 4,
            Pattern::Alignment => 2,
        }
    }

    fn dark(self, k: i32, l: i32) -> bool {
        let r = k.abs().max(l.abs());
        match self {
            Pattern::Finder => matches!(r, 0 | 1 | 3),
            Pattern::Alignment => r != 1,
        }
    }
}

/// Sub-samples per module side when a pattern is correlated.
const SUB: i32 = 2;

/// The pattern's template: offsets (in modules, from its centre) and
/// darkness (+1 dark, −1 light), zero-mean.
fn template(pattern: Pattern) -> Vec<(Pt, f32)> {
    let half = pattern.half();
    let mut out = Vec::new();
    for l in -half..=half {
        for k in -half..=half {
            let d = if pattern.dark(k, l) { 1.0 } else { -1.0 };
            for sl in 0..SUB {
                for sk in 0..SUB {
                    let du = f64::from(k) + (f64::from(sk) + 0.5) / f64::from(SUB) - 0.5;
                    let dv = f64::from(l) + (f64::from(sl) + 0.5) / f64::from(SUB) - 0.5;
                    out.push(((du, dv), d));
                }
            }
        }
    }
    let mean = out.iter().map(|t| t.1).sum::<f32>() / out.len() as f32;
    for t in &mut out {
        t.1 -= mean;
    }
    out
}

/// Correlation (−1…1) of the page with `tpl` placed at `centre` with module
/// steps `a` (u) and `b` (v).
fn correlate(img: &GrayImage, tpl: &[(Pt, f32)], centre: Pt, a: Pt, b: Pt) -> f32 {
    let (mut s, mut ss, mut dot, mut tt) = (0f32, 0f32, 0f32, 0f32);
    for &((du, dv), t) in tpl {
        let p = (centre.0 + du * a.0 + dv * b.0, centre.1 + du * a.1 + dv * b.1);
        // Darkness, so that a dark module matches +1.
        let g = 255.0 - sample(img, p);
        s += g;
        ss += g * g;
        dot += g * t;
        tt += t * t;
    }
    let n = tpl.len() as f32;
    let var = (ss - s * s / n).max(1e-3);
    dot / (var.sqrt() * tt.sqrt())
}

/// Locate `pattern` near module point `at` of the map `h`, searching shifts
/// up to `radius` modules: its page position and correlation score.
pub(crate) fn locate(img: &GrayImage, h: &Homography, at: Pt, pattern: Pattern, radius: f64) -> (Pt, f32) {
    let tpl = template(pattern);
    let (a, b) = h.steps(at);
    let c = h.map(at);
    let place = |du: f64, dv: f64| (c.0 + du * a.0 + dv * b.0, c.1 + du * a.1 + dv * b.1);
    let mut best = (0.0, 0.0, f32::NEG_INFINITY);
    let search = |centre: (f64, f64), step: f64, reach: f64, best: &mut (f64, f64, f32)| {
        let n = (reach / step).round() as i32;
        for j in -n..=n {
            for i in -n..=n {
                let (du, dv) = (centre.0 + f64::from(i) * step, centre.1 + f64::from(j) * step);
                let score = correlate(img, &tpl, place(du, dv), a, b);
                if score > best.2 {
                    *best = (du, dv, score);
                }
            }
        }
    };
    let coarse = if radius > 2.0 { 0.5 } else { 0.25 };
    search((0.0, 0.0), coarse, radius, &mut best);
    search((best.0, best.1), coarse / 4.0, coarse, &mut best);
    search((best.0, best.1), coarse / 16.0, coarse / 4.0, &mut best);
    (place(best.0, best.1), best.2)
}

/// Lowest correlation at which a located pattern is trusted.
const FINDER_TRUST: f32 = 0.3;
const ALIGNMENT_TRUST: f32 = 0.25;

/// The finder patterns' centres in module coordinates: top-left,
/// top-right, bottom-left.
pub(crate) fn finder_centres(dim: u32) -> [Pt; 3] {
    let d = f64::from(dim);
    [(3.5, 3.5), (d - 3.5, 3.5), (3.5, d - 3.5)]
}

/// Fit the map of a `version` symbol, starting from `guess`: the three
/// finders (finder `anchor` first, searched within `radius` modules, the
/// others within 4 once it has placed the map), then every alignment
/// pattern. With one finder found, the guess's shape is kept and moved onto
/// it (the alignment patterns may still refine it). `None` when no finder
/// is found.
pub(crate) fn fit_symbol(
    img: &GrayImage,
    version: u32,
    guess: &Homography,
    anchor: usize,
    radius: f64,
) -> Option<Homography> {
    let v = Version::Model2(version).ok()?;
    let dim = f64::from(v.getDimensionForVersion());
    let finders = finder_centres(v.getDimensionForVersion());
    let mut h = *guess;
    let mut found: Vec<(Pt, Pt, f64)> = Vec::new();
    let order = [anchor % 3, (anchor + 1) % 3, (anchor + 2) % 3];
    for (i, &f) in order.iter().map(|&k| &finders[k]).enumerate() {
        let r = if i == 0 { radius } else { radius.max(4.0) };
        let (p, score) = locate(img, &h, f, Pattern::Finder, r);
        if score >= FINDER_TRUST {
            found.push((f, p, f64::from(score)));
            if found.len() == 1 {
                // Shift the map so that the other searches start closer.
                let c = h.map(f);
                let (dx, dy) = (p.0 - c.0, p.1 - c.1);
                let m = h.0;
                h = Homography([
                    m[0] + dx * m[6],
                    m[1] + dx * m[7],
                    m[2] + dx * m[8],
                    m[3] + dy * m[6],
                    m[4] + dy * m[7],
                    m[5] + dy * m[8],
                    m[6],
                    m[7],
                    m[8],
                ]);
            }
        }
    }
    if found.is_empty() {
        return None;
    }
    if found.len() == 2 {
        // Complete the triangle with the guess's shape: the missing finder
        // where the guess puts it relative to the two found.
        let missing = finders.iter().find(|f| !found.iter().any(|g| g.0 == **f))?;
        let (a, b) = (found[0], found[1]);
        let (ga, gb, gm) = (guess.map(a.0), guess.map(b.0), guess.map(*missing));
        // Similarity taking the guess's a, b to the found a, b.
        let (gx, gy) = (gb.0 - ga.0, gb.1 - ga.1);
        let (fx, fy) = (b.1.0 - a.1.0, b.1.1 - a.1.1);
        let den = gx * gx + gy * gy;
        if den < 1e-9 {
            return None;
        }
        let (c, s) = ((fx * gx + fy * gy) / den, (fy * gx - fx * gy) / den);
        let (mx, my) = (gm.0 - ga.0, gm.1 - ga.1);
        let p = (a.1.0 + c * mx - s * my, a.1.1 + s * mx + c * my);
        found.push((*missing, p, 0.3));
    }
    // One finder alone (the others covered): the guess's shape, moved onto
    // it, until the alignment patterns refine it.
    let mut h = if found.len() == 1 { h } else { Homography::fit(&found)? };
    let centres = v.getAlignmentPatternCenters();
    let mut points = found.clone();
    for &cy in centres {
        for &cx in centres {
            let (cx, cy) = (f64::from(cx), f64::from(cy));
            // Alignment patterns overlapping a finder are not drawn.
            if (cy < 9.0 && (cx < 9.0 || cx > dim - 10.0)) || (cx < 9.0 && cy > dim - 10.0) {
                continue;
            }
            let at = (cx + 0.5, cy + 0.5);
            let (p, score) = locate(img, &h, at, Pattern::Alignment, 1.5);
            if score >= ALIGNMENT_TRUST {
                points.push((at, p, f64::from(score)));
            }
        }
    }
    if points.len() >= 4 {
        // Drop points far from the fit (a pattern matched in the data).
        let fit = Homography::fit(&points)?;
        let module = {
            let (a, _) = fit.steps((dim / 2.0, dim / 2.0));
            (a.0 * a.0 + a.1 * a.1).sqrt()
        };
        let kept: Vec<(Pt, Pt, f64)> = points
            .iter()
            .copied()
            .filter(|(s, d, _)| {
                let m = fit.map(*s);
                ((m.0 - d.0).powi(2) + (m.1 - d.1).powi(2)).sqrt() < 0.6 * module
            })
            .collect();
        h = if kept.len() >= 4 { Homography::fit(&kept)? } else { fit };
    }
    Some(h)
}

/// How a symbol is sampled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sampling {
    /// Shift of every sampling point, in modules.
    pub(crate) shift: Pt,
    /// Unsharp masking in module space: each value minus `sharpen` times
    /// the mean of its four neighbours' (undoes some blur).
    pub(crate) sharpen: f32,
}

/// Soft values of every module of a `dim`-module symbol placed by `h`.
pub(crate) fn soft_modules(img: &GrayImage, h: &Homography, dim: u32, how: Sampling) -> Soft {
    let n = dim as usize;
    let mut grey = vec![0f32; n * n];
    // Centre and four points 0.2 modules out diagonally.
    const POINTS: [(f64, f64); 5] = [(0.0, 0.0), (-0.2, -0.2), (0.2, -0.2), (-0.2, 0.2), (0.2, 0.2)];
    for y in 0..n {
        for x in 0..n {
            let (cu, cv) = (x as f64 + 0.5 + how.shift.0, y as f64 + 0.5 + how.shift.1);
            let sum: f32 = POINTS.iter().map(|&(du, dv)| sample(img, h.map((cu + du, cv + dv)))).sum();
            grey[y * n + x] = 255.0 - sum / POINTS.len() as f32;
        }
    }
    if how.sharpen != 0.0 {
        let src = grey.clone();
        for y in 0..n {
            for x in 0..n {
                let mut acc = 0.0;
                let mut cnt = 0.0;
                for (dx, dy) in [(-1i64, 0i64), (1, 0), (0, -1), (0, 1)] {
                    let (xx, yy) = (x as i64 + dx, y as i64 + dy);
                    if xx >= 0 && yy >= 0 && (xx as usize) < n && (yy as usize) < n {
                        acc += src[yy as usize * n + xx as usize];
                        cnt += 1.0;
                    }
                }
                grey[y * n + x] = src[y * n + x] + how.sharpen * (src[y * n + x] - acc / cnt);
            }
        }
    }
    // Contrast: the spread between the 10th and 90th percentiles.
    let mut sorted = grey.clone();
    sorted.sort_by(f32::total_cmp);
    let (lo, hi) = (sorted[n * n / 10], sorted[n * n * 9 / 10]);
    let half = ((hi - lo) / 2.0).max(1.0);
    // Local threshold: the mean of a 9×9-module window (data modules are
    // about half dark under any mask), from a summed-area table.
    let r = 4usize;
    let mut sat = vec![0f64; (n + 1) * (n + 1)];
    for y in 0..n {
        for x in 0..n {
            sat[(y + 1) * (n + 1) + x + 1] =
                f64::from(grey[y * n + x]) + sat[y * (n + 1) + x + 1] + sat[(y + 1) * (n + 1) + x]
                    - sat[y * (n + 1) + x];
        }
    }
    let mut values = Vec::with_capacity(n * n);
    for y in 0..n {
        for x in 0..n {
            let (x0, y0) = (x.saturating_sub(r), y.saturating_sub(r));
            let (x1, y1) = ((x + r + 1).min(n), (y + r + 1).min(n));
            let sum = sat[y1 * (n + 1) + x1] - sat[y0 * (n + 1) + x1] - sat[y1 * (n + 1) + x0] + sat[y0 * (n + 1) + x0];
            let local = (sum / ((x1 - x0) * (y1 - y0)) as f64) as f32;
            let threshold = 0.5 * local + 0.5 * (lo + hi) / 2.0;
            values.push(((grey[y * n + x] - threshold) / half).clamp(-1.0, 1.0));
        }
    }
    Soft { dim, values }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_recovers_a_projective_map() {
        let truth = Homography([2.0, 0.3, 10.0, -0.2, 2.5, 20.0, 0.001, 0.0005, 1.0]);
        let src = [(0.0, 0.0), (40.0, 0.0), (0.0, 40.0), (40.0, 40.0), (20.0, 10.0), (5.0, 33.0)];
        let pairs: Vec<(Pt, Pt, f64)> = src.iter().map(|&s| (s, truth.map(s), 1.0)).collect();
        let fit = Homography::fit(&pairs).unwrap();
        for s in [(13.0, 7.0), (39.0, 2.0), (1.0, 38.0)] {
            let (a, b) = (truth.map(s), fit.map(s));
            assert!((a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6, "{a:?} {b:?}");
        }
        // Three points: the affine map through them.
        let affine = Homography::affine((5.0, 6.0), (3.0, 0.5), (-0.5, 3.0));
        let pairs: Vec<(Pt, Pt, f64)> = src[..3].iter().map(|&s| (s, affine.map(s), 1.0)).collect();
        let fit = Homography::fit(&pairs).unwrap();
        let (a, b) = (affine.map((17.0, 29.0)), fit.map((17.0, 29.0)));
        assert!((a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6);
    }
}
