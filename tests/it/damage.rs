//! Image damage for tests and benchmarks, written once: blur, rotation,
//! sensor noise, JPEG, ink fading off in specks, with a seeded generator so
//! every run damages alike.
//! The integration tests use it through `support`; `benches/degrade/`
//! includes this file with `#[path]`.

#![allow(dead_code)]

use std::fs;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{GrayImage, Luma, RgbImage};

/// Deterministic pseudo-random numbers (splitmix64).
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }
    pub fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f32 {
        let u1 = self.unit().max(1e-7);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }
}

/// Area-averaging resize by `f` (< 1): what a scanner's sensor does.
pub fn resample_area(img: &GrayImage, f: f32) -> GrayImage {
    if (f - 1.0).abs() < 1e-6 {
        return img.clone();
    }
    let (w, h) = img.dimensions();
    let (nw, nh) = (((w as f32) * f).round().max(1.0) as u32, ((h as f32) * f).round().max(1.0) as u32);
    // Weights of source pixels for each output pixel along one axis.
    let weights = |n_src: u32, n_dst: u32| -> Vec<Vec<(u32, f32)>> {
        let scale = n_src as f32 / n_dst as f32;
        (0..n_dst)
            .map(|d| {
                let (a, b) = (d as f32 * scale, (d + 1) as f32 * scale);
                let mut v = Vec::new();
                let mut s = a.floor() as u32;
                while (s as f32) < b && s < n_src {
                    let cover = (b.min(s as f32 + 1.0) - a.max(s as f32)).max(0.0);
                    if cover > 0.0 {
                        v.push((s, cover / scale));
                    }
                    s += 1;
                }
                v
            })
            .collect()
    };
    let (wx, wy) = (weights(w, nw), weights(h, nh));
    let src = img.as_raw();
    let mut rows = vec![0f32; (nw * h) as usize];
    for y in 0..h as usize {
        let line = &src[y * w as usize..(y + 1) * w as usize];
        for (x, ws) in wx.iter().enumerate() {
            rows[y * nw as usize + x] = ws.iter().map(|&(s, k)| line[s as usize] as f32 * k).sum();
        }
    }
    GrayImage::from_fn(nw, nh, |x, y| {
        let v: f32 = wy[y as usize].iter().map(|&(s, k)| rows[s as usize * nw as usize + x as usize] * k).sum();
        Luma([to_u8(v)])
    })
}

/// Bilinear sample at (x, y), `background` outside the image.
pub fn sample(img: &GrayImage, x: f32, y: f32, background: f32) -> f32 {
    let (w, h) = img.dimensions();
    if x < 0.0 || y < 0.0 || x > (w - 1) as f32 || y > (h - 1) as f32 {
        return background;
    }
    let (x0, y0) = ((x as u32).min(w - 2), (y as u32).min(h - 2));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx: u32, yy: u32| img.get_pixel(xx, yy)[0] as f32;
    p(x0, y0) * (1.0 - fx) * (1.0 - fy)
        + p(x0 + 1, y0) * fx * (1.0 - fy)
        + p(x0, y0 + 1) * (1.0 - fx) * fy
        + p(x0 + 1, y0 + 1) * fx * fy
}

pub fn to_u8(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// Separable Gaussian blur with standard deviation `sigma` pixels.
pub fn blur(img: &GrayImage, sigma: f32) -> GrayImage {
    if sigma <= 0.0 {
        return img.clone();
    }
    let r = (sigma * 3.0).ceil() as i64;
    let kernel: Vec<f32> = (-r..=r).map(|i| (-((i * i) as f32) / (2.0 * sigma * sigma)).exp()).collect();
    let sum: f32 = kernel.iter().sum();
    let kernel: Vec<f32> = kernel.iter().map(|k| k / sum).collect();
    let (w, h) = (img.width() as usize, img.height() as usize);
    let src: Vec<f32> = img.as_raw().iter().map(|&v| v as f32).collect();
    let mut tmp = vec![0f32; w * h];
    for y in 0..h {
        let row = &src[y * w..(y + 1) * w];
        for x in 0..w {
            let mut acc = 0.0;
            for (k, weight) in kernel.iter().enumerate() {
                let sx = (x as i64 + k as i64 - r).clamp(0, w as i64 - 1) as usize;
                acc += weight * row[sx];
            }
            tmp[y * w + x] = acc;
        }
    }
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (k, weight) in kernel.iter().enumerate() {
                let sy = (y as i64 + k as i64 - r).clamp(0, h as i64 - 1) as usize;
                acc += weight * tmp[sy * w + x];
            }
            out[y * w + x] = to_u8(acc);
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).unwrap()
}

/// Rotate by `degrees` (counter-clockwise on screen for positive values) about
/// the centre, enlarging the canvas so nothing of the page is cut off; the
/// scanner lid around the page is near-white.
pub fn rotate_any(img: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (s, c) = degrees.to_radians().sin_cos();
    let nw = (w * c.abs() + h * s.abs()).ceil() as u32;
    let nh = (w * s.abs() + h * c.abs()).ceil() as u32;
    let (cx, cy, ncx, ncy) = (w / 2.0, h / 2.0, nw as f32 / 2.0, nh as f32 / 2.0);
    GrayImage::from_fn(nw, nh, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - ncx, y as f32 + 0.5 - ncy);
        let sx = c * dx - s * dy + cx - 0.5;
        let sy = s * dx + c * dy + cy - 0.5;
        Luma([to_u8(sample(img, sx, sy, 248.0))])
    })
}

pub fn add_noise(img: &GrayImage, sigma: f32, rng: &mut Rng) -> GrayImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        p[0] = to_u8(p[0] as f32 + rng.normal() * sigma);
    }
    out
}

/// Rotate by `degrees` about the centre on a canvas of the same size
/// (corners cut off), white background.
pub fn rotate_degrees(img: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        Luma([to_u8(sample(img, c * dx + s * dy + cx, -s * dx + c * dy + cy, 255.0))])
    })
}

pub fn save_png(img: &GrayImage, path: &Path) {
    let file = fs::File::create(path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
    let enc = PngEncoder::new_with_quality(std::io::BufWriter::new(file), CompressionType::Fast, FilterType::Adaptive);
    img.write_with_encoder(enc).unwrap();
}

pub fn save_jpeg(img: &GrayImage, path: &Path, quality: u8) {
    let file = fs::File::create(path).unwrap();
    img.write_with_encoder(JpegEncoder::new_with_quality(std::io::BufWriter::new(file), quality)).unwrap();
}

pub fn save_rgb_jpeg(img: &RgbImage, path: &Path, quality: u8) {
    let file = fs::File::create(path).unwrap();
    img.write_with_encoder(JpegEncoder::new_with_quality(std::io::BufWriter::new(file), quality)).unwrap();
}

/// Smooth 2-D value noise in [0, 1] with feature size `cell` pixels.
pub struct ValueNoise {
    pub cols: usize,
    pub cell: f32,
    pub values: Vec<f32>,
}

impl ValueNoise {
    pub fn new(w: u32, h: u32, cell: f32, rng: &mut Rng) -> ValueNoise {
        let cols = (w as f32 / cell).ceil() as usize + 2;
        let rows = (h as f32 / cell).ceil() as usize + 2;
        ValueNoise { cols, cell, values: (0..cols * rows).map(|_| rng.unit()).collect() }
    }
    pub fn at(&self, x: f32, y: f32) -> f32 {
        let (gx, gy) = ((x / self.cell).max(0.0), (y / self.cell).max(0.0));
        let rows = self.values.len() / self.cols;
        let (ix, iy) = ((gx as usize).min(self.cols - 2), (gy as usize).min(rows - 2));
        let s = |t: f32| t * t * (3.0 - 2.0 * t);
        let (fx, fy) = (s((gx - ix as f32).min(1.0)), s((gy - iy as f32).min(1.0)));
        let v = |c: usize, r: usize| self.values[r * self.cols + c];
        let top = v(ix, iy) * (1.0 - fx) + v(ix + 1, iy) * fx;
        let bottom = v(ix, iy + 1) * (1.0 - fx) + v(ix + 1, iy + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

/// Ink fading off the paper: specks of about half a module where the ink
/// has gone (the share set by `wear`, varying ±40% in patches about a code's
/// size), the remaining ink a little lighter, softened (σ 0.8 px) and with
/// mild scanner noise (σ 4). The same `rng` seed gives the same specks and
/// patches at every wear level, so a ladder shows one sheet wearing further.
pub fn fade(img: &GrayImage, wear: f32, rng: &mut Rng) -> GrayImage {
    let (w, h) = img.dimensions();
    let patches = ValueNoise::new(w, h, 350.0, rng);
    let specks = ValueNoise::new(w, h, 3.5, rng);
    let faded = GrayImage::from_fn(w, h, |x, y| {
        let ink = (255.0 - img.get_pixel(x, y)[0] as f32) / 255.0;
        let (xf, yf) = (x as f32, y as f32);
        let local = wear * (0.6 + 0.8 * patches.at(xf, yf));
        let t = ((specks.at(xf, yf) - local) / 0.08).clamp(0.0, 1.0);
        let kept = t * t * (3.0 - 2.0 * t) * (1.0 - 0.5 * wear);
        Luma([to_u8(235.0 - ink * kept * 210.0)])
    });
    add_noise(&blur(&faded, 0.8), 4.0, rng)
}
