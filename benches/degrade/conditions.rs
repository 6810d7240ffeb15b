//! The conditions a sheet goes through (resolution, rotation, phone photo,
//! blur, JPEG, noise, light, shadow, stain, torn corner, fold, fading ink)
//! and how each is applied to a page, with which codes it leaves intact.

use std::path::{Path, PathBuf};

use image::{GrayImage, Luma, Rgb, RgbImage};
use paperseed::scan::{self, Limits};

use crate::Pt;
use crate::damage::*;
use crate::geometry::*;
use crate::sheets::*;

// ---------------------------------------------------------------- image operations

/// Brightness falling linearly from 100% to `low` along `dir` (unit vector).
pub(crate) fn gradient(img: &GrayImage, dir: Pt, low: f32) -> GrayImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let corners = [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)];
    let proj = |p: Pt| p.0 * dir.0 + p.1 * dir.1;
    let lo = corners.iter().map(|&p| proj(p)).fold(f32::INFINITY, f32::min);
    let hi = corners.iter().map(|&p| proj(p)).fold(f32::NEG_INFINITY, f32::max);
    let mut out = img.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        let t = (proj((x as f32, y as f32)) - lo) / (hi - lo);
        p[0] = to_u8(p[0] as f32 * (1.0 - (1.0 - low) * t));
    }
    out
}

/// Call `f(x, y)` for every pixel whose centre lies inside `poly` (even–odd rule).
// ---------------------------------------------------------------- conditions

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cond {
    Dpi(u32),
    Rotate(f32),
    RightAngle(u32),
    Photo(u32),
    Blur(f32),
    Jpeg(u8),
    Noise(f32),
    Gradient,
    Shadow,
    Stain,
    Corner,
    Fold,
    /// Ink fading off in specks, wear level in percent (see [`fade`];
    /// `--margin` only).
    Fade(u8),
}

/// Wear levels of the fade ladder (`--margin`), in percent (see [`fade`]).
pub(crate) const FADE_STEPS: &[u8] = &[2, 4, 6, 8, 10, 12, 14, 16, 18];

/// Steps of increasing damage whose codes `margin.md` follows from one step to
/// the next (the same seed at both steps).
pub(crate) fn ladders() -> Vec<(&'static str, Vec<Cond>)> {
    use Cond::*;
    vec![
        ("resolution", vec![Dpi(600), Dpi(300), Dpi(200), Dpi(150)]),
        ("rotation", vec![Rotate(1.0), Rotate(3.0), Rotate(5.0), Rotate(10.0)]),
        ("blur", vec![Blur(0.5), Blur(1.0), Blur(1.5)]),
        ("JPEG", vec![Jpeg(60), Jpeg(40)]),
        ("noise", vec![Noise(8.0), Noise(16.0)]),
        ("photo", vec![Photo(12), Photo(4)]),
        ("fade", FADE_STEPS.iter().map(|&c| Fade(c)).collect()),
    ]
}

impl Cond {
    pub(crate) fn all() -> Vec<Cond> {
        use Cond::*;
        vec![
            Dpi(150),
            Dpi(200),
            Dpi(300),
            Dpi(600),
            Rotate(1.0),
            Rotate(3.0),
            Rotate(5.0),
            Rotate(10.0),
            RightAngle(90),
            RightAngle(180),
            RightAngle(270),
            Photo(12),
            Photo(4),
            Blur(0.5),
            Blur(1.0),
            Blur(1.5),
            Jpeg(60),
            Jpeg(40),
            Noise(8.0),
            Noise(16.0),
            Gradient,
            Shadow,
            Stain,
            Corner,
            Fold,
        ]
    }

    pub(crate) fn id(self) -> String {
        match self {
            Cond::Dpi(d) => format!("dpi-{d}"),
            Cond::Rotate(a) => format!("rotate-{a}"),
            Cond::RightAngle(a) => format!("rotate-{a}"),
            Cond::Photo(m) => format!("photo-{m}mp"),
            Cond::Blur(s) => format!("blur-{s:.1}"),
            Cond::Jpeg(q) => format!("jpeg-{q}"),
            Cond::Noise(s) => format!("noise-{s}"),
            Cond::Gradient => "light-gradient".into(),
            Cond::Shadow => "shadow".into(),
            Cond::Stain => "stain".into(),
            Cond::Corner => "torn-corner".into(),
            Cond::Fold => "fold".into(),
            Cond::Fade(c) => format!("fade-{c}"),
        }
    }

    pub(crate) fn label(self) -> String {
        match self {
            Cond::Dpi(d) => format!("clean, {d} dpi"),
            Cond::Rotate(a) => format!("rotated ±{a}°"),
            Cond::RightAngle(a) => format!("rotated {a}°"),
            Cond::Photo(12) => "phone photo 12 Mpx (3024×4032)".into(),
            Cond::Photo(_) => "phone photo 4 Mpx (1728×2304)".into(),
            Cond::Blur(s) => format!("Gaussian blur σ {s:.1} px"),
            Cond::Jpeg(q) => format!("JPEG quality {q}"),
            Cond::Noise(s) => format!("sensor noise σ {s}"),
            Cond::Gradient => "uneven light 100%→40%".into(),
            Cond::Shadow => "hard shadow (45%)".into(),
            Cond::Stain => "stain (≤ n−k codes)".into(),
            Cond::Corner => "torn-off corner (≤ n−k codes)".into(),
            Cond::Fold => "fold line".into(),
            Cond::Fade(w) => format!("ink fading in specks, wear {w}%"),
        }
    }

    pub(crate) fn seeds(self, n: usize) -> usize {
        match self {
            Cond::Dpi(_) | Cond::RightAngle(_) | Cond::Blur(_) | Cond::Jpeg(_) => 1,
            Cond::Rotate(_) | Cond::Noise(_) => 2,
            Cond::Gradient => 3,
            Cond::Photo(_) | Cond::Shadow | Cond::Fold | Cond::Fade(_) => n,
            Cond::Stain | Cond::Corner => n + 1,
        }
    }
}

/// A degraded page written to disk.
pub(crate) struct PageFile {
    pub(crate) path: PathBuf,
    /// Shard indices printed on this page.
    pub(crate) codes: Vec<u8>,
    /// Shard indices no damage touches.
    pub(crate) intact: Vec<u8>,
    /// Whether this page was degraded (false: the clean page reused).
    pub(crate) degraded: bool,
}

/// Indices of the codes whose symbol + quiet zone no damage polygon overlaps.
pub(crate) fn intact_codes(codes: &[Code], damage: &[Vec<Pt>]) -> Vec<u8> {
    codes.iter().filter(|c| !damage.iter().any(|d| overlaps(d, &c.zone))).map(|c| c.index).collect()
}

/// How many codes a damage polygon touches.
pub(crate) fn touched(codes: &[Code], poly: &[Pt]) -> usize {
    codes.iter().filter(|c| overlaps(poly, &c.zone)).count()
}

/// Largest scale in (0, max] at which `shape(scale)` touches at most `m`
/// codes, by bisection (touching grows with scale).
pub(crate) fn fit_scale(codes: &[Code], m: usize, max: f32, shape: impl Fn(f32) -> Vec<Pt>) -> f32 {
    if touched(codes, &shape(max)) <= m {
        return max;
    }
    let (mut lo, mut hi) = (0.0f32, max);
    for _ in 0..18 {
        let mid = (lo + hi) / 2.0;
        if touched(codes, &shape(mid)) <= m {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// An irregular blob: radius `r` modulated by a few harmonics.
pub(crate) fn blob_polygon(c: Pt, r: f32, harmonics: &[(f32, f32, f32)]) -> Vec<Pt> {
    (0..180)
        .map(|i| {
            let t = i as f32 / 180.0 * std::f32::consts::TAU;
            let rr = r * blob_factor(t, harmonics);
            (c.0 + rr * t.cos(), c.1 + rr * t.sin())
        })
        .collect()
}

pub(crate) fn blob_factor(t: f32, harmonics: &[(f32, f32, f32)]) -> f32 {
    1.0 + harmonics.iter().map(|&(k, a, p)| a * (k * t + p).sin()).sum::<f32>()
}

/// A stain (ink-like blot or translucent coffee-like stain), of a size that touches at most `m` codes.
pub(crate) fn stain(page: &SheetPage, m: usize, seed: usize, rng: &mut Rng) -> (GrayImage, Vec<Vec<Pt>>) {
    let (w, h) = page.image.dimensions();
    let anchor = &page.codes[rng.below(page.codes.len())];
    let ac = centre(&anchor.corners);
    let side = (anchor.corners[1].0 - anchor.corners[0].0).abs().max(50.0);
    let c = (ac.0 + rng.range(-0.6, 0.6) * side, ac.1 + rng.range(-0.6, 0.6) * side);
    let harmonics: Vec<(f32, f32, f32)> =
        (2..7).map(|k| (k as f32, rng.range(0.03, 0.12) / (k as f32 / 2.0), rng.range(0.0, 6.3))).collect();
    let r = fit_scale(&page.codes, m, w.max(h) as f32 * 0.45, |r| blob_polygon(c, r, &harmonics)).max(20.0);
    let poly = blob_polygon(c, r, &harmonics);
    let mottle = ValueNoise::new(w, h, 45.0, rng);
    // Even seeds: an ink-like blot, opaque but for a thin translucent rim.
    // Odd seeds: a coffee-like stain, translucent towards a wide rim.
    let dense = seed.is_multiple_of(2);
    let strength = if dense { 1.0 } else { rng.range(0.93, 0.98) };
    let rim = if dense { rng.range(0.03, 0.06) } else { rng.range(0.15, 0.3) };
    let mut img = page.image.clone();
    for_each_inside(&poly, w, h, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - c.0, y as f32 + 0.5 - c.1);
        let q = (dx * dx + dy * dy).sqrt() / (r * blob_factor(dy.atan2(dx), &harmonics));
        let t = ((1.0 - q) / rim).clamp(0.0, 1.0);
        let edge = t * t * (3.0 - 2.0 * t);
        let ring = (-((q - 0.95) / 0.03).powi(2)).exp() * 0.25;
        let m = mottle.at(x as f32, y as f32);
        let a = if dense { edge } else { (strength * (0.9 + 0.1 * m) * edge + ring * (1.0 - edge)).min(0.985) };
        let v = img.get_pixel(x, y)[0] as f32;
        img.put_pixel(x, y, Luma([to_u8(v * (1.0 - a) + (45.0 + 30.0 * m) * a)]));
    });
    (img, vec![poly])
}

/// A torn-off corner (white, as the scanner lid shows through), of a size that
/// removes at most `m` codes.
pub(crate) fn torn_corner(page: &SheetPage, m: usize, rng: &mut Rng) -> (GrayImage, Vec<Vec<Pt>>) {
    let (w, h) = page.image.dimensions();
    let (wf, hf) = (w as f32, h as f32);
    // The corner nearest to some code, most of the time, so that codes are at stake.
    let corners = [(0.0, 0.0), (wf, 0.0), (wf, hf), (0.0, hf)];
    let which = if rng.unit() < 0.75 {
        let dist = |p: Pt| {
            page.codes
                .iter()
                .map(|c| {
                    let q = centre(&c.corners);
                    ((q.0 - p.0).powi(2) + (q.1 - p.1).powi(2)).sqrt()
                })
                .fold(f32::INFINITY, f32::min)
        };
        (0..4).min_by(|&a, &b| (dist(corners[a]) + rng.range(0.0, 300.0)).total_cmp(&dist(corners[b]))).unwrap()
    } else {
        rng.below(4)
    };
    let p = corners[which];
    let sx = if p.0 > 0.0 { -1.0 } else { 1.0 };
    let sy = if p.1 > 0.0 { -1.0 } else { 1.0 };
    let aspect = rng.range(0.6, 1.6);
    let jitter: Vec<f32> = (0..15).map(|_| rng.range(-0.035, 0.035)).collect();
    let shape = |s: f32| {
        let (a, b) = (s * aspect.sqrt(), s / aspect.sqrt());
        let mut poly = vec![p];
        for (i, j) in jitter.iter().enumerate() {
            let t = i as f32 / (jitter.len() - 1) as f32;
            // Along the tear from (a, 0) to (0, b), pushed in and out.
            let (ex, ey) = (a * (1.0 - t), b * t);
            let (nx, ny) = (b, a);
            let nl = (nx * nx + ny * ny).sqrt().max(1e-3);
            let push = if i == 0 || i == jitter.len() - 1 { 0.0 } else { j * s };
            poly.push((p.0 + sx * (ex + nx / nl * push), p.1 + sy * (ey + ny / nl * push)));
        }
        poly
    };
    let s = fit_scale(&page.codes, m, wf.min(hf) * 0.9, shape).max(wf * 0.08);
    let poly = shape(s);
    let mut img = page.image.clone();
    // The scanner lid shows through, a little greyer than the paper.
    for_each_inside(&poly, w, h, |x, y| img.put_pixel(x, y, Luma([236])));
    (img, vec![poly])
}

/// Fold lines (a thin dark blurred crease plus a slight brightness step)
/// through codes: horizontal, vertical, or both, by seed.
pub(crate) fn fold(page: &SheetPage, seed: usize, rng: &mut Rng) -> (GrayImage, Vec<Vec<Pt>>) {
    let (w, h) = page.image.dimensions();
    let mut img = page.image.clone();
    let mut damage = Vec::new();
    let dirs: Vec<bool> = match seed % 3 {
        0 => vec![true],
        1 => vec![false],
        _ => vec![true, false],
    };
    for horizontal in dirs {
        let through = centre(&page.codes[rng.below(page.codes.len())].corners);
        let offset = rng.range(-0.3, 0.3) * 200.0;
        let angle = rng.range(-3.0f32, 3.0).to_radians();
        let (dir, p) = if horizontal {
            ((angle.cos(), angle.sin()), (through.0, through.1 + offset))
        } else {
            ((angle.sin(), angle.cos()), (through.0 + offset, through.1))
        };
        let normal = (-dir.1, dir.0);
        let sigma = rng.range(1.2, 2.0);
        let depth = rng.range(0.4, 0.55);
        let step = rng.range(0.9, 0.95);
        for (x, y, px) in img.enumerate_pixels_mut() {
            let d = (x as f32 + 0.5 - p.0) * normal.0 + (y as f32 + 0.5 - p.1) * normal.1;
            let mut f = 1.0 - depth * (-(d * d) / (2.0 * sigma * sigma)).exp();
            // A faint highlight on the ridge, and one side a little darker.
            f += 0.05 * (-((d - 3.5 * sigma).powi(2)) / (2.0 * sigma * sigma)).exp();
            if d < 0.0 {
                f *= step;
            }
            px[0] = to_u8(px[0] as f32 * f);
        }
        // The crease: where it darkens by more than ~1%.
        let half = sigma * 3.0;
        let len = (w + h) as f32 * 2.0;
        let a = (p.0 - dir.0 * len, p.1 - dir.1 * len);
        let b = (p.0 + dir.0 * len, p.1 + dir.1 * len);
        damage.push(vec![
            (a.0 + normal.0 * half, a.1 + normal.1 * half),
            (b.0 + normal.0 * half, b.1 + normal.1 * half),
            (b.0 - normal.0 * half, b.1 - normal.1 * half),
            (a.0 - normal.0 * half, a.1 - normal.1 * half),
        ]);
    }
    (img, damage)
}

/// A hard shadow (hand or phone between lamp and page): a polygon at 45%.
pub(crate) fn shadow(page: &SheetPage, seed: usize, rng: &mut Rng) -> GrayImage {
    let (w, h) = page.image.dimensions();
    let (wf, hf) = (w as f32, h as f32);
    let poly: Vec<Pt> = match seed % 3 {
        // From the left edge, slanted.
        0 => vec![(0.0, 0.0), (wf * rng.range(0.3, 0.6), 0.0), (wf * rng.range(0.3, 0.6), hf), (0.0, hf)],
        // From the top, slanted.
        1 => vec![(0.0, 0.0), (wf, 0.0), (wf, hf * rng.range(0.25, 0.55)), (0.0, hf * rng.range(0.25, 0.55))],
        // A diagonal wedge from a corner, like a phone's shadow.
        _ => vec![
            (wf, hf),
            (wf * rng.range(0.1, 0.4), hf),
            (wf * rng.range(0.5, 0.7), hf * rng.range(0.3, 0.5)),
            (wf, hf * rng.range(0.2, 0.4)),
        ],
    };
    let mut img = page.image.clone();
    for_each_inside(&poly, w, h, |x, y| {
        let v = img.get_pixel(x, y)[0] as f32;
        img.put_pixel(x, y, Luma([to_u8(v * 0.45)]));
    });
    img
}

/// A phone photo of the page lying on a table: perspective, page not filling
/// the frame, textured background, vignetting, optics blur, sensor noise, JPEG.
pub(crate) fn phone_photo(page: &GrayImage, mpx: u32, rng: &mut Rng) -> RgbImage {
    let (fw, fh) = if mpx >= 12 { (3024u32, 4032u32) } else { (1728, 2304) };
    let frac = rng.range(0.68, 0.8);
    photo_in_frame(page, fw, fh, frac, 0.0, rng)
}

/// A phone photo (as [`phone_photo`]) in which the page has about `scale`
/// times its pixels per inch (the page takes 74% of the frame's height),
/// defocused by `defocus` (σ in the photo's pixels) on top of the optics.
pub(crate) fn phone_photo_at(page: &GrayImage, scale: f32, defocus: f32, rng: &mut Rng) -> RgbImage {
    let fh = (page.height() as f32 * scale / 0.74).round() as u32;
    let fw = (fh as f32 * 0.75).round() as u32;
    photo_in_frame(page, fw, fh, 0.74, defocus, rng)
}

/// The page, taking `frac` of the frame's height, photographed in a frame
/// of `fw` × `fh` pixels.
fn photo_in_frame(page: &GrayImage, fw: u32, fh: u32, mut frac: f32, defocus: f32, rng: &mut Rng) -> RgbImage {
    let (pw, ph) = (page.width() as f32, page.height() as f32);
    let (dest, scale) = loop {
        let scale = frac * fh as f32 / ph;
        let (dw, dh) = (pw * scale, ph * scale);
        let c = (fw as f32 * (0.5 + rng.range(-0.04, 0.04)), fh as f32 * (0.5 + rng.range(-0.03, 0.03)));
        // Keystone: the edge farther from the camera is shorter.
        let keystone = rng.range(0.86, 0.97);
        let far_top = rng.unit() < 0.7;
        let (top, bottom) = if far_top { (keystone, 1.0) } else { (1.0, keystone) };
        let side_tilt = rng.range(-0.04, 0.04);
        let raw = [
            (-dw / 2.0 * top, -dh / 2.0 * (1.0 + side_tilt)),
            (dw / 2.0 * top, -dh / 2.0 * (1.0 - side_tilt)),
            (dw / 2.0 * bottom, dh / 2.0 * (1.0 - side_tilt)),
            (-dw / 2.0 * bottom, dh / 2.0 * (1.0 + side_tilt)),
        ];
        let (s, co) = rng.range(-7.0f32, 7.0).to_radians().sin_cos();
        let jit = fw as f32 * 0.012;
        let dest = raw
            .map(|(x, y)| (c.0 + co * x - s * y + rng.range(-jit, jit), c.1 + s * x + co * y + rng.range(-jit, jit)));
        let ok = dest.iter().all(|&(x, y)| {
            x > fw as f32 * 0.03 && x < fw as f32 * 0.97 && y > fh as f32 * 0.03 && y < fh as f32 * 0.97
        });
        if ok {
            break (dest, scale);
        }
        frac *= 0.97;
    };
    let src = [(0.0, 0.0), (pw, 0.0), (pw, ph), (0.0, ph)];
    let to_src = homography(&dest, &src);
    // Optics (σ ≈ 0.75 px in the photo) and the sensor's pixel area, applied in page pixels.
    let soft = blur(page, (0.75f32.powi(2) + 0.35f32.powi(2) + defocus.powi(2)).sqrt() / scale);
    // The table: wood grain or a grey cloth.
    let wood = rng.unit() < 0.6;
    let low = ValueNoise::new(fw, fh, 260.0, rng);
    let mid = ValueNoise::new(fw, fh, 38.0, rng);
    let fine = ValueNoise::new(fw, fh, 5.0, rng);
    let grain_angle = rng.range(0.0, 3.1);
    let (ga, gb) = (grain_angle.cos(), grain_angle.sin());
    let table_tint: [f32; 3] = if wood { [1.18, 0.94, 0.7] } else { [0.97, 1.0, 1.04] };
    let table_level = if wood { rng.range(105.0, 140.0) } else { rng.range(80.0, 120.0) };
    let paper_tint = [1.0, 0.985, 0.94];
    let paper_white = rng.range(205.0, 235.0);
    let ink = rng.range(28.0, 42.0);
    // Light: vignetting and a gentle gradient across the frame.
    let (lx, ly) = (rng.range(-0.15, 0.15), rng.range(-0.15, 0.15));
    let shadow_off = (rng.range(4.0, 14.0), rng.range(6.0, 18.0));
    let mut out = RgbImage::new(fw, fh);
    for (x, y, px) in out.enumerate_pixels_mut() {
        let (xf, yf) = (x as f32 + 0.5, y as f32 + 0.5);
        let (nx, ny) = (xf / fw as f32 - 0.5, yf / fh as f32 - 0.5);
        let light = (1.0 - 0.55 * (nx * nx + ny * ny)) * (1.0 + lx * nx * 2.0 + ly * ny * 2.0);
        let (sx, sy) = apply(&to_src, (xf, yf));
        let on_page = sx >= 0.0 && sy >= 0.0 && sx < pw && sy < ph;
        let (lum, tint) = if on_page {
            let v = sample(&soft, sx - 0.5, sy - 0.5, 255.0);
            (ink + (v / 255.0) * (paper_white - ink), paper_tint)
        } else {
            let grain = if wood {
                let t = (xf * ga + yf * gb) / 9.0 + 6.0 * low.at(xf, yf) + 2.5 * mid.at(xf, yf);
                0.5 + 0.5 * t.sin()
            } else {
                mid.at(xf, yf)
            };
            let base =
                table_level * (0.8 + 0.35 * low.at(xf, yf)) + 22.0 * (grain - 0.5) + 14.0 * (fine.at(xf, yf) - 0.5);
            // The page's shadow on the table.
            let (qx, qy) = apply(&to_src, (xf - shadow_off.0, yf - shadow_off.1));
            let dx = (-qx).max(qx - pw).max(0.0);
            let dy = (-qy).max(qy - ph).max(0.0);
            let d = (dx * dx + dy * dy).sqrt() * scale;
            (base * (1.0 - 0.45 * (-d / 10.0).exp()), table_tint)
        };
        let lum = lum * light;
        let n = rng.normal() * 3.0;
        *px = Rgb([0, 1, 2].map(|c| to_u8(lum * tint[c] + n + rng.normal() * 1.2)));
    }
    out
}

/// Make the degraded pages of one case (a sheet under a condition and seed).
pub(crate) fn degrade(cond: Cond, sheet: &Sheet, seed: usize, dir: &Path) -> Vec<PageFile> {
    let hash = |s: &str| s.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01B3));
    let mut rng = Rng::new(seed as u64 ^ hash(&sheet.name).rotate_left(17) ^ hash(&cond.id()));
    let stem = |p: &SheetPage, ext: &str| dir.join(format!("{}-s{seed}-p{}.{ext}", sheet.name, p.number));
    let all = |p: &SheetPage| p.codes.iter().map(|c| c.index).collect::<Vec<_>>();
    // Damage that destroys codes goes on one page; the others stay clean.
    let damaged_page = rng.below(sheet.pages.len());
    let budget = match seed % 4 {
        0 => sheet.n - sheet.k,
        1 => 1,
        2 => 1 + rng.below(sheet.n - sheet.k),
        _ => (sheet.n - sheet.k).div_ceil(2),
    }
    .max(1);
    if let Cond::Dpi(dpi) = cond {
        let pages = scan::load(&sheet.pdf, &Limits { pdf_dpi: dpi as f32, ..Limits::default() }).unwrap();
        return sheet
            .pages
            .iter()
            .map(|p| {
                let path = stem(p, "png");
                save_png(&pages[p.number - 1].image, &path);
                PageFile { path, codes: all(p), intact: all(p), degraded: true }
            })
            .collect();
    }
    let mut files = Vec::new();
    for (i, p) in sheet.pages.iter().enumerate() {
        let mut damage: Vec<Vec<Pt>> = Vec::new();
        let image = match cond {
            Cond::Dpi(_) => unreachable!(),
            Cond::Rotate(a) => Some(rotate_any(&p.image, if seed.is_multiple_of(2) { a } else { -a })),
            Cond::RightAngle(90) => Some(image::imageops::rotate90(&p.image)),
            Cond::RightAngle(180) => Some(image::imageops::rotate180(&p.image)),
            Cond::RightAngle(_) => Some(image::imageops::rotate270(&p.image)),
            Cond::Photo(m) => {
                let path = stem(p, "jpg");
                save_rgb_jpeg(&phone_photo(&p.image, m, &mut rng), &path, 88);
                files.push(PageFile { path, codes: all(p), intact: all(p), degraded: true });
                continue;
            }
            Cond::Blur(s) => Some(blur(&p.image, s)),
            Cond::Jpeg(q) => {
                let path = stem(p, "jpg");
                save_jpeg(&p.image, &path, q);
                files.push(PageFile { path, codes: all(p), intact: all(p), degraded: true });
                continue;
            }
            Cond::Noise(s) => Some(add_noise(&p.image, s, &mut rng)),
            Cond::Gradient => {
                let dir = match seed % 3 {
                    0 => (0.0, 1.0),
                    1 => (1.0, 0.0),
                    _ => (std::f32::consts::FRAC_1_SQRT_2, std::f32::consts::FRAC_1_SQRT_2),
                };
                Some(gradient(&p.image, dir, 0.4))
            }
            Cond::Shadow => Some(shadow(p, seed, &mut rng)),
            Cond::Stain | Cond::Corner if i != damaged_page => None,
            Cond::Stain => {
                let (img, d) = stain(p, budget, seed, &mut rng);
                damage = d;
                Some(img)
            }
            Cond::Corner => {
                let (img, d) = torn_corner(p, budget, &mut rng);
                damage = d;
                Some(img)
            }
            Cond::Fold => {
                let (img, d) = fold(p, seed, &mut rng);
                damage = d;
                Some(img)
            }
            Cond::Fade(c) => {
                // The same patches and noise at every step of the ladder: only
                // the contrast changes.
                let mut same = Rng::new(seed as u64 ^ hash(&sheet.name).rotate_left(17) ^ p.number as u64);
                Some(fade(&p.image, c as f32 / 100.0, &mut same))
            }
        };
        match image {
            Some(img) => {
                let path = stem(p, "png");
                save_png(&img, &path);
                files.push(PageFile { path, codes: all(p), intact: intact_codes(&p.codes, &damage), degraded: true });
            }
            None => files.push(PageFile { path: p.clean_file.clone(), codes: all(p), intact: all(p), degraded: false }),
        }
    }
    files
}
