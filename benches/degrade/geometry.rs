//! Plane geometry for placing damage: polygons (inside, overlap, filling)
//! and the homography of a phone photo in perspective.

use crate::Pt;

pub(crate) fn for_each_inside(poly: &[Pt], w: u32, h: u32, mut f: impl FnMut(u32, u32)) {
    let min_y = poly.iter().map(|p| p.1).fold(f32::INFINITY, f32::min).floor().max(0.0) as u32;
    let max_y = (poly.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max).ceil().max(0.0) as u32).min(h);
    let mut xs = Vec::new();
    for y in min_y..max_y {
        let yc = y as f32 + 0.5;
        xs.clear();
        for i in 0..poly.len() {
            let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
            if (a.1 <= yc && yc < b.1) || (b.1 <= yc && yc < a.1) {
                xs.push(a.0 + (yc - a.1) / (b.1 - a.1) * (b.0 - a.0));
            }
        }
        xs.sort_by(f32::total_cmp);
        for pair in xs.chunks_exact(2) {
            let xa = (pair[0] - 0.5).ceil().max(0.0) as u32;
            let xb = ((pair[1] - 0.5).floor().max(-1.0) as i64).min(w as i64 - 1);
            for x in xa as i64..=xb {
                f(x as u32, y);
            }
        }
    }
}

// ---------------------------------------------------------------- geometry

pub(crate) fn centre(q: &[Pt; 4]) -> Pt {
    (q.iter().map(|p| p.0).sum::<f32>() / 4.0, q.iter().map(|p| p.1).sum::<f32>() / 4.0)
}

/// The quad grown outward by `margin` pixels (as `fill_quad` grows it).
pub(crate) fn grow(q: &[Pt; 4], margin: f32) -> [Pt; 4] {
    let c = centre(q);
    q.map(|(x, y)| {
        let (dx, dy) = (x - c.0, y - c.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-3);
        (x + dx / len * margin * std::f32::consts::SQRT_2, y + dy / len * margin * std::f32::consts::SQRT_2)
    })
}

pub(crate) fn inside(poly: &[Pt], p: Pt) -> bool {
    let mut odd = false;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) / (b.1 - a.1) * (b.0 - a.0) {
            odd = !odd;
        }
    }
    odd
}

pub(crate) fn segments_cross(a: Pt, b: Pt, c: Pt, d: Pt) -> bool {
    let cross = |o: Pt, p: Pt, q: Pt| (p.0 - o.0) * (q.1 - o.1) - (p.1 - o.1) * (q.0 - o.0);
    let (d1, d2) = (cross(c, d, a), cross(c, d, b));
    let (d3, d4) = (cross(a, b, c), cross(a, b, d));
    (d1 > 0.0) != (d2 > 0.0) && (d3 > 0.0) != (d4 > 0.0)
}

/// Whether two polygons overlap (share any area or cross).
pub(crate) fn overlaps(a: &[Pt], b: &[Pt]) -> bool {
    if a.iter().any(|&p| inside(b, p)) || b.iter().any(|&p| inside(a, p)) {
        return true;
    }
    (0..a.len()).any(|i| (0..b.len()).any(|j| segments_cross(a[i], a[(i + 1) % a.len()], b[j], b[(j + 1) % b.len()])))
}

/// A homography mapping `from[i]` to `to[i]`.
pub(crate) fn homography(from: &[Pt; 4], to: &[Pt; 4]) -> [f64; 9] {
    let mut m = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (from[i].0 as f64, from[i].1 as f64);
        let (u, v) = (to[i].0 as f64, to[i].1 as f64);
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs())).unwrap();
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (v, p) in row.iter_mut().zip(pivot_row.iter()).skip(col) {
                    *v -= f * p;
                }
            }
        }
    }
    let mut h = [0f64; 9];
    for i in 0..8 {
        h[i] = m[i][8] / m[i][i];
    }
    h[8] = 1.0;
    h
}

pub(crate) fn apply(h: &[f64; 9], (x, y): Pt) -> Pt {
    let (x, y) = (x as f64, y as f64);
    let w = h[6] * x + h[7] * y + h[8];
    (((h[0] * x + h[1] * y + h[2]) / w) as f32, ((h[3] * x + h[4] * y + h[5]) / w) as f32)
}
