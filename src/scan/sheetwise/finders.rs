//! Finder patterns found by their shape at a known module size, where a
//! binarising detector sees none.
//!
//! A finder pattern is a dark 3×3-module core, a light ring, a dark ring and
//! (the separator) a light ring again. At a module size known from a code
//! already read, its presence at a point is measured from four box sums of a
//! summed-area table: the mean of the core and of each ring. A point whose
//! light rings are lighter than its dark core and ring by a good part of the
//! page's contrast is a candidate. No threshold is ever applied to a pixel,
//! so blur, low resolution and uneven light that break binarisation leave
//! the measure standing. The work is a few additions per pixel, on the page
//! reduced so that modules are 3–6 pixels wide.

use image::GrayImage;

use super::geometry::Pt;
use crate::scan::prepare;

/// A finder-pattern candidate: centre in page pixels, module size (page
/// pixels) it was measured at, and score (lightest-dark to darkest-light
/// gap over the page's contrast).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Candidate {
    pub(crate) at: Pt,
    pub(crate) module: f64,
    pub(crate) score: f32,
}

/// Lowest score kept.
const MIN_SCORE: f32 = 0.12;

/// Most candidates returned per module size.
const MAX_CANDIDATES: usize = 400;

/// Finder-pattern candidates on `page` for modules of `module` page pixels,
/// best first. The page is reduced (halved) until modules are under 4
/// pixels; `reduced` caches the halvings between calls.
pub(crate) fn candidates(page: &GrayImage, reduced: &mut Vec<GrayImage>, module: f64) -> Vec<Candidate> {
    let mut level = 0usize;
    let mut m = module;
    while m >= 4.0 {
        m /= 2.0;
        level += 1;
    }
    while reduced.len() < level {
        let next = prepare::downscale_half(reduced.last().unwrap_or(page));
        reduced.push(next);
    }
    let img = if level == 0 { page } else { &reduced[level - 1] };
    let scale = (1u32 << level) as f64;
    if m < 1.5 {
        return Vec::new();
    }
    let (w, h) = (img.width() as usize, img.height() as usize);
    let reach = (4.5 * m).ceil() as usize + 1;
    if w <= 2 * reach || h <= 2 * reach {
        return Vec::new();
    }
    let sat = summed_area(img);
    let contrast = contrast(img).max(16.0);
    // Box k spans [x − before[k], x + after[k]) around pixel x.
    let radii = [1.5 * m, 2.5 * m, 3.5 * m, 4.5 * m];
    let before = radii.map(|r| (r - 0.5).round() as usize);
    let after = radii.map(|r| (0.5 + r).round() as usize);
    let areas: [f64; 4] = std::array::from_fn(|k| ((before[k] + after[k]) * (before[k] + after[k])) as f64);
    let mut scores = vec![0f32; w * h];
    for y in reach..h - reach {
        for x in reach..w - reach {
            let mut sums = [0f64; 4];
            for k in 0..4 {
                sums[k] = box_sum(&sat, w, x - before[k], y - before[k], x + after[k], y + after[k]) as f64;
            }
            let core = sums[0] / areas[0];
            let ring = |k: usize| (sums[k] - sums[k - 1]) / (areas[k] - areas[k - 1]).max(1.0);
            let (light1, dark2, light3) = (ring(1), ring(2), ring(3));
            let gap = light1.min(light3) - core.max(dark2);
            scores[y * w + x] = (gap / contrast) as f32;
        }
    }
    // Local maxima, then suppression within two modules.
    let mut peaks: Vec<(usize, usize, f32)> = Vec::new();
    for y in reach..h - reach {
        for x in reach..w - reach {
            let s = scores[y * w + x];
            if s < MIN_SCORE {
                continue;
            }
            let mut best = true;
            'n: for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let j = ((y as i64 + dy) as usize) * w + (x as i64 + dx) as usize;
                    if (dx, dy) != (0, 0) && (scores[j] > s || (scores[j] == s && j < y * w + x)) {
                        best = false;
                        break 'n;
                    }
                }
            }
            if best {
                peaks.push((x, y, s));
            }
        }
    }
    peaks.sort_by(|a, b| b.2.total_cmp(&a.2));
    let mut out: Vec<Candidate> = Vec::new();
    let min_d2 = (2.0 * m) * (2.0 * m);
    for (x, y, s) in peaks {
        if out.len() >= MAX_CANDIDATES {
            break;
        }
        let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
        if out.iter().any(|c| {
            let (cx, cy) = (c.at.0 / scale, c.at.1 / scale);
            (cx - px).powi(2) + (cy - py).powi(2) < min_d2
        }) {
            continue;
        }
        out.push(Candidate { at: (px * scale, py * scale), module: m * scale, score: s });
    }
    out
}

/// Summed-area table with wrapping arithmetic: box sums (far below 2³²)
/// come out right whatever the page's total.
fn summed_area(img: &GrayImage) -> Vec<u32> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let raw = img.as_raw();
    let mut sat = vec![0u32; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u32;
        for x in 0..w {
            row = row.wrapping_add(u32::from(raw[y * w + x]));
            sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1].wrapping_add(row);
        }
    }
    sat
}

fn box_sum(sat: &[u32], w: usize, x0: usize, y0: usize, x1: usize, y1: usize) -> u32 {
    let s = w + 1;
    sat[y1 * s + x1].wrapping_sub(sat[y0 * s + x1]).wrapping_sub(sat[y1 * s + x0]).wrapping_add(sat[y0 * s + x0])
}

/// Spread between the 5th and 95th percentile of grey values.
fn contrast(img: &GrayImage) -> f64 {
    let mut hist = [0u64; 256];
    for &p in img.as_raw() {
        hist[usize::from(p)] += 1;
    }
    let total: u64 = hist.iter().sum();
    let at = |f: f64| {
        let target = (total as f64 * f) as u64;
        let mut acc = 0;
        for (v, &n) in hist.iter().enumerate() {
            acc += n;
            if acc > target {
                return v as f64;
            }
        }
        255.0
    };
    at(0.95) - at(0.05)
}
