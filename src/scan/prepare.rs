//! Image preprocessing for the QR detector, as pure functions on grayscale images.
//!
//! rxing's own binarizer fails on salt-and-pepper noise, low contrast and uneven
//! lighting; the measured remedy (PRODUCT.md, "Measured facts") is a ladder of
//! cheap transforms tried in turn: median 3×3, contrast stretch, adaptive
//! threshold, ×0.5 downscale, inversion. This module holds those transforms and the
//! geometric helpers the detector needs (rotation, crop, upscale, blanking).
//! Every function leaves its input untouched and returns a new image, except
//! [`fill_quad`], which paints in place.

use image::{GrayImage, Luma};

/// Median of each 3×3 neighbourhood (edges replicate the border pixels).
/// Removes salt-and-pepper noise while keeping module edges sharp.
pub fn median3(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return img.clone();
    }
    let src = img.as_raw();
    let (wu, hu) = (w as usize, h as usize);
    let mut out = vec![0u8; wu * hu];
    // Each column of the 3-row band sorted into (lo, mid, hi); the median of
    // the 3×3 block is med3(max of the lows, med3 of the mids, min of the highs).
    let (mut lo, mut mid, mut hi) = (vec![0u8; wu], vec![0u8; wu], vec![0u8; wu]);
    for y in 0..hu {
        let row = |r: usize| &src[r * wu..(r + 1) * wu];
        let (up, cur, down) = (row(y.saturating_sub(1)), row(y), row((y + 1).min(hu - 1)));
        for x in 0..wu {
            let (a, b, c) = (up[x], cur[x], down[x]);
            let (a, b) = (a.min(b), a.max(b));
            let (b, c) = (b.min(c), b.max(c));
            let (a, b) = (a.min(b), a.max(b));
            lo[x] = a;
            mid[x] = b;
            hi[x] = c;
        }
        let dst = &mut out[y * wu..(y + 1) * wu];
        for (x, d) in dst.iter_mut().enumerate() {
            let (l, r) = (x.saturating_sub(1), (x + 1).min(wu - 1));
            let a = lo[l].max(lo[x]).max(lo[r]);
            let b = med3(mid[l], mid[x], mid[r]);
            let c = hi[l].min(hi[x]).min(hi[r]);
            *d = med3(a, b, c);
        }
    }
    GrayImage::from_raw(w, h, out).expect("buffer size matches")
}

fn med3(a: u8, b: u8, c: u8) -> u8 {
    a.min(b).max(a.max(b).min(c))
}

fn histogram(img: &GrayImage) -> [u64; 256] {
    let mut hist = [0u64; 256];
    for &p in img.as_raw() {
        hist[usize::from(p)] += 1;
    }
    hist
}

/// Value below which `fraction` of the pixels lie.
fn percentile(hist: &[u64; 256], total: u64, fraction: f64) -> u8 {
    let target = (total as f64 * fraction).floor() as u64;
    let mut acc = 0u64;
    for (v, &n) in hist.iter().enumerate() {
        acc += n;
        if acc > target {
            return v as u8;
        }
    }
    255
}

/// Linear stretch mapping the 1st percentile to black and the 99th to white
/// (values outside are clipped). A flat image is returned unchanged.
pub fn contrast_stretch(img: &GrayImage) -> GrayImage {
    contrast_stretch_between(img, 0.01, 0.99)
}

/// [`contrast_stretch`] with explicit low/high percentiles (fractions in 0..=1).
pub fn contrast_stretch_between(img: &GrayImage, low: f64, high: f64) -> GrayImage {
    let total = u64::from(img.width()) * u64::from(img.height());
    if total == 0 {
        return img.clone();
    }
    let hist = histogram(img);
    let lo = percentile(&hist, total, low.clamp(0.0, 1.0));
    let hi = percentile(&hist, total, high.clamp(0.0, 1.0));
    if hi <= lo {
        return img.clone();
    }
    let (lo, hi) = (i32::from(lo), i32::from(hi));
    let mut lut = [0u8; 256];
    for (v, slot) in lut.iter_mut().enumerate() {
        let s = (v as i32 - lo) * 255 / (hi - lo);
        *slot = s.clamp(0, 255) as u8;
    }
    map_lut(img, &lut)
}

fn map_lut(img: &GrayImage, lut: &[u8; 256]) -> GrayImage {
    let data = img.as_raw().iter().map(|&p| lut[usize::from(p)]).collect();
    GrayImage::from_raw(img.width(), img.height(), data).expect("buffer size matches")
}

/// Adaptive threshold: a pixel becomes black (0) when it is darker than the
/// mean of the `(2·radius+1)²` window around it minus `offset`, white (255)
/// otherwise. Evens out shadows and lighting gradients. Uses an integral image,
/// so the cost does not depend on the radius.
pub fn adaptive_threshold(img: &GrayImage, radius: u32, offset: i32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    if wu == 0 || hu == 0 {
        return img.clone();
    }
    let src = img.as_raw();
    // Integral image with a zero row and column in front. Sums wrap in u32;
    // a window's sum (at most 255 · 4001² < 2³²) comes out exact by wrapping
    // subtraction.
    let r = radius.clamp(1, 2000) as usize;
    let stride = wu + 1;
    let mut integral = vec![0u32; stride * (hu + 1)];
    for y in 0..hu {
        let mut row_sum = 0u32;
        for x in 0..wu {
            row_sum = row_sum.wrapping_add(u32::from(src[y * wu + x]));
            integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1].wrapping_add(row_sum);
        }
    }
    let mut out = vec![0u8; wu * hu];
    for y in 0..hu {
        let y0 = y.saturating_sub(r);
        let y1 = (y + r + 1).min(hu);
        let top = &integral[y0 * stride..(y0 + 1) * stride];
        let bottom = &integral[y1 * stride..(y1 + 1) * stride];
        let rows = (y1 - y0) as i64;
        for x in 0..wu {
            let x0 = x.saturating_sub(r);
            let x1 = (x + r + 1).min(wu);
            let sum = bottom[x1].wrapping_add(top[x0]).wrapping_sub(top[x1]).wrapping_sub(bottom[x0]);
            let count = rows * (x1 - x0) as i64;
            // v < mean - offset  ⇔  (v + offset) · count < sum
            let v = i64::from(src[y * wu + x]);
            out[y * wu + x] = if (v + i64::from(offset)) * count < i64::from(sum) { 0 } else { 255 };
        }
    }
    GrayImage::from_raw(w, h, out).expect("buffer size matches")
}

/// Otsu's global threshold level: the value that best separates the histogram
/// into two classes (pixels `<= level` are the dark class).
pub fn otsu_level(img: &GrayImage) -> u8 {
    let hist = histogram(img);
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 127;
    }
    let sum_all: f64 = hist.iter().enumerate().map(|(v, &n)| v as f64 * n as f64).sum();
    let (mut w_b, mut sum_b) = (0f64, 0f64);
    let (mut best, mut best_var) = (0u8, -1f64);
    for (t, &n) in hist.iter().enumerate() {
        w_b += n as f64;
        if w_b == 0.0 {
            continue;
        }
        let w_f = total as f64 - w_b;
        if w_f == 0.0 {
            break;
        }
        sum_b += t as f64 * n as f64;
        let m_b = sum_b / w_b;
        let m_f = (sum_all - sum_b) / w_f;
        let var = w_b * w_f * (m_b - m_f) * (m_b - m_f);
        if var > best_var {
            best_var = var;
            best = t as u8;
        }
    }
    best
}

/// Binarize with [`otsu_level`]: dark class → 0, light class → 255.
pub fn otsu_threshold(img: &GrayImage) -> GrayImage {
    let level = otsu_level(img);
    let mut lut = [255u8; 256];
    for slot in lut.iter_mut().take(usize::from(level) + 1) {
        *slot = 0;
    }
    map_lut(img, &lut)
}

/// Halve both sides, each output pixel the mean of a 2×2 block (an odd last
/// row/column is dropped). Images smaller than 2×2 are returned unchanged.
pub fn downscale_half(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let (nw, nh) = (w / 2, h / 2);
    if nw == 0 || nh == 0 {
        return img.clone();
    }
    let src = img.as_raw();
    let wu = w as usize;
    let mut out = Vec::with_capacity(nw as usize * nh as usize);
    for y in 0..nh as usize {
        let r0 = 2 * y * wu;
        let r1 = r0 + wu;
        for x in 0..nw as usize {
            let c = 2 * x;
            let s = u16::from(src[r0 + c])
                + u16::from(src[r0 + c + 1])
                + u16::from(src[r1 + c])
                + u16::from(src[r1 + c + 1]);
            out.push(((s + 2) / 4) as u8);
        }
    }
    GrayImage::from_raw(nw, nh, out).expect("buffer size matches")
}

/// Double both sides with bilinear interpolation; helps the finder-pattern
/// search on small crops whose modules are only 1–2 pixels wide.
pub fn upscale2(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return img.clone();
    }
    image::imageops::resize(img, w * 2, h * 2, image::imageops::FilterType::Triangle)
}

/// Gaussian blur with standard deviation `sigma` pixels: smooths print
/// texture, fabric and sensor noise that break module edges into fragments.
pub fn smooth(img: &GrayImage, sigma: f32) -> GrayImage {
    if img.width() == 0 || img.height() == 0 || sigma <= 0.0 {
        return img.clone();
    }
    image::imageops::blur(img, sigma)
}

/// Swap black and white.
pub fn invert(img: &GrayImage) -> GrayImage {
    let data = img.as_raw().iter().map(|&p| 255 - p).collect();
    GrayImage::from_raw(img.width(), img.height(), data).expect("buffer size matches")
}

/// Quarter-turn rotations, clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// 90° clockwise.
    Cw90,
    /// 180°.
    Cw180,
    /// 270° clockwise (90° counter-clockwise).
    Cw270,
}

/// Rotate by a quarter-turn multiple, clockwise.
pub fn rotate(img: &GrayImage, rotation: Rotation) -> GrayImage {
    match rotation {
        Rotation::Cw90 => image::imageops::rotate90(img),
        Rotation::Cw180 => image::imageops::rotate180(img),
        Rotation::Cw270 => image::imageops::rotate270(img),
    }
}

/// Copy of the rectangle `(x, y, width, height)`, clipped to the image (may be
/// empty when the rectangle lies outside).
pub fn crop(img: &GrayImage, x: u32, y: u32, width: u32, height: u32) -> GrayImage {
    let x = x.min(img.width());
    let y = y.min(img.height());
    let width = width.min(img.width() - x);
    let height = height.min(img.height() - y);
    image::imageops::crop_imm(img, x, y, width, height).to_image()
}

/// Paint the quadrilateral `corners` (any vertex order around the outline),
/// grown outward by `margin` pixels, with `value`. Used to blank codes that are
/// already decoded so the detector's attention goes to the others.
pub fn fill_quad(img: &mut GrayImage, corners: &[(f32, f32); 4], margin: f32, value: u8) {
    let cx = corners.iter().map(|c| c.0).sum::<f32>() / 4.0;
    let cy = corners.iter().map(|c| c.1).sum::<f32>() / 4.0;
    let grown: Vec<(f32, f32)> = corners
        .iter()
        .map(|&(x, y)| {
            let (dx, dy) = (x - cx, y - cy);
            let len = (dx * dx + dy * dy).sqrt().max(1e-3);
            (x + dx / len * margin * std::f32::consts::SQRT_2, y + dy / len * margin * std::f32::consts::SQRT_2)
        })
        .collect();
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return;
    }
    let min_y = grown.iter().map(|p| p.1).fold(f32::INFINITY, f32::min);
    let max_y = grown.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max);
    if !min_y.is_finite() || !max_y.is_finite() {
        return;
    }
    let y_start = min_y.floor().max(0.0) as u32;
    let y_end = (max_y.ceil().max(0.0) as u32).min(h - 1);
    for y in y_start..=y_end {
        let yc = y as f32 + 0.5;
        // Scanline crossings with the polygon's edges.
        let mut xs: Vec<f32> = Vec::with_capacity(4);
        for i in 0..4 {
            let (x0, y0) = grown[i];
            let (x1, y1) = grown[(i + 1) % 4];
            if (y0 <= yc && yc < y1) || (y1 <= yc && yc < y0) {
                xs.push(x0 + (yc - y0) / (y1 - y0) * (x1 - x0));
            }
        }
        xs.sort_by(f32::total_cmp);
        for pair in xs.chunks_exact(2) {
            let xa = pair[0].floor().max(0.0) as u32;
            let xb = (pair[1].ceil().max(0.0) as u32).min(w - 1);
            for x in xa..=xb.max(xa).min(w - 1) {
                img.put_pixel(x, y, Luma([value]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(w: u32, h: u32, mut f: impl FnMut(u32, u32) -> u8) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| Luma([f(x, y)]))
    }

    #[test]
    fn median_removes_isolated_specks() {
        let mut a = img(9, 9, |_, _| 200);
        a.put_pixel(4, 4, Luma([0]));
        a.put_pixel(0, 0, Luma([0]));
        let m = median3(&a);
        assert!(m.pixels().all(|p| p.0[0] == 200));
        // A 3×3 dark block survives.
        let b = img(9, 9, |x, y| if (3..6).contains(&x) && (3..6).contains(&y) { 0 } else { 255 });
        assert_eq!(median3(&b).get_pixel(4, 4).0[0], 0);
    }

    fn noise(w: u32, h: u32, seed: u32) -> GrayImage {
        let mut state = seed;
        img(w, h, |_, _| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (state >> 16) as u8
        })
    }

    #[test]
    fn median_matches_naive_sort() {
        let a = noise(37, 23, 12345);
        let m = median3(&a);
        for y in 0..23i64 {
            for x in 0..37i64 {
                let mut v: Vec<u8> = Vec::new();
                for dy in -1..=1 {
                    for dx in -1..=1 {
                        let (xx, yy) = ((x + dx).clamp(0, 36), (y + dy).clamp(0, 22));
                        v.push(a.get_pixel(xx as u32, yy as u32).0[0]);
                    }
                }
                v.sort();
                assert_eq!(m.get_pixel(x as u32, y as u32).0[0], v[4], "at {x},{y}");
            }
        }
    }

    #[test]
    fn adaptive_matches_naive_mean() {
        let a = noise(31, 17, 99);
        let t = adaptive_threshold(&a, 3, 4);
        for y in 0..17i64 {
            for x in 0..31i64 {
                let (mut sum, mut n) = (0i64, 0i64);
                for yy in (y - 3).max(0)..=(y + 3).min(16) {
                    for xx in (x - 3).max(0)..=(x + 3).min(30) {
                        sum += i64::from(a.get_pixel(xx as u32, yy as u32).0[0]);
                        n += 1;
                    }
                }
                let v = i64::from(a.get_pixel(x as u32, y as u32).0[0]);
                let want = if (v + 4) * n < sum { 0 } else { 255 };
                assert_eq!(t.get_pixel(x as u32, y as u32).0[0], want, "at {x},{y}");
            }
        }
    }

    #[test]
    fn stretch_spreads_a_narrow_range() {
        let a = img(100, 10, |x, _| 100 + (x * 60 / 100) as u8);
        let s = contrast_stretch(&a);
        let min = s.pixels().map(|p| p.0[0]).min().unwrap();
        let max = s.pixels().map(|p| p.0[0]).max().unwrap();
        assert!(min <= 5 && max >= 250, "{min}..{max}");
        // Flat image unchanged.
        let flat = img(10, 10, |_, _| 77);
        assert_eq!(contrast_stretch(&flat), flat);
    }

    #[test]
    fn adaptive_threshold_survives_a_gradient() {
        // Dark square on a left-to-right lighting ramp.
        let a = img(200, 100, |x, y| {
            let base = 60 + (x * 190 / 200) as u8;
            if (90..110).contains(&x) && (40..60).contains(&y) { base / 3 } else { base }
        });
        let t = adaptive_threshold(&a, 15, 5);
        assert_eq!(t.get_pixel(100, 50).0[0], 0);
        assert_eq!(t.get_pixel(10, 10).0[0], 255);
        assert_eq!(t.get_pixel(190, 90).0[0], 255);
    }

    #[test]
    fn otsu_separates_two_levels() {
        let a = img(10, 10, |x, _| if x < 5 { 40 } else { 180 });
        let l = otsu_level(&a);
        assert!((40..180).contains(&l));
        let t = otsu_threshold(&a);
        assert_eq!(t.get_pixel(0, 0).0[0], 0);
        assert_eq!(t.get_pixel(9, 0).0[0], 255);
    }

    #[test]
    fn downscale_upscale_invert_rotate_crop() {
        let a = img(5, 3, |x, y| (x * 10 + y) as u8);
        let d = downscale_half(&a);
        assert_eq!(d.dimensions(), (2, 1));
        assert_eq!(d.get_pixel(0, 0).0[0], 6); // (0+10+1+11)/4 rounded
        assert_eq!(upscale2(&a).dimensions(), (10, 6));
        assert_eq!(invert(&a).get_pixel(1, 0).0[0], 245);
        let r = rotate(&a, Rotation::Cw90);
        assert_eq!(r.dimensions(), (3, 5));
        // Top-left of the rotated image is the bottom-left of the original.
        assert_eq!(r.get_pixel(0, 0), a.get_pixel(0, 2));
        assert_eq!(rotate(&a, Rotation::Cw180).get_pixel(0, 0), a.get_pixel(4, 2));
        assert_eq!(rotate(&a, Rotation::Cw270).get_pixel(0, 0), a.get_pixel(4, 0));
        let c = crop(&a, 1, 1, 10, 10);
        assert_eq!(c.dimensions(), (4, 2));
        assert_eq!(c.get_pixel(0, 0), a.get_pixel(1, 1));
        assert_eq!(crop(&a, 9, 9, 2, 2).dimensions(), (0, 0));
        // Degenerate sizes do not panic.
        let empty = GrayImage::new(0, 0);
        let one = GrayImage::new(1, 1);
        for i in [&empty, &one] {
            let _ = (median3(i), contrast_stretch(i), adaptive_threshold(i, 3, 2));
            let _ = (otsu_threshold(i), downscale_half(i), upscale2(i), invert(i), smooth(i, 1.0));
        }
    }

    #[test]
    fn fill_quad_paints_inside_only() {
        let mut a = img(50, 50, |_, _| 0);
        fill_quad(&mut a, &[(10.0, 10.0), (30.0, 10.0), (30.0, 30.0), (10.0, 30.0)], 2.0, 255);
        assert_eq!(a.get_pixel(20, 20).0[0], 255);
        assert_eq!(a.get_pixel(9, 9).0[0], 255); // inside the margin
        assert_eq!(a.get_pixel(40, 40).0[0], 0);
        assert_eq!(a.get_pixel(2, 20).0[0], 0);
        // Off-image quads are clipped.
        fill_quad(&mut a, &[(-10.0, -10.0), (100.0, -10.0), (100.0, 5.0), (-10.0, 5.0)], 0.0, 255);
        assert_eq!(a.get_pixel(0, 0).0[0], 255);
    }
}
