//! Shared helpers for integration tests: run the binary, render sheets with
//! the pure-Rust renderer, find and damage codes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use image::GrayImage;
use paperseed::format::Frame;
use paperseed::scan::{self, DetectOptions, Effort, Limits};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> PathBuf {
    repo().join("samples").join(name)
}

pub fn bin() -> Command {
    let mut c = Command::cargo_bin("paperseed").unwrap();
    c.env_remove("SOURCE_DATE_EPOCH");
    c
}

/// Encode a manifest into `dir/name.pdf` with a fixed date; returns the PDF path.
pub fn encode(manifest: &Path, dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(format!("{name}.pdf"));
    bin().arg("encode").arg(manifest).arg("-o").arg(&out).args(["--date", "2026-01-02"]).args(extra).assert().success();
    out
}

/// Rasterize every page of a PDF with hayro (through the scan loader).
pub fn rasterize(pdf: &Path, dpi: f32) -> Vec<GrayImage> {
    let limits = Limits { pdf_dpi: dpi, ..Limits::default() };
    scan::load(pdf, &limits).unwrap().into_iter().map(|p| p.image).collect()
}

/// Save images as PNG files `dir/stem-i.png`; returns the paths.
pub fn save_pngs(images: &[GrayImage], dir: &Path, stem: &str) -> Vec<PathBuf> {
    images
        .iter()
        .enumerate()
        .map(|(i, img)| {
            let p = dir.join(format!("{stem}-{}.png", i + 1));
            img.save(&p).unwrap();
            p
        })
        .collect()
}

/// Codes on an image: (shard index, corners).
pub fn locate_codes(img: &GrayImage) -> Vec<(u8, [(f32, f32); 4])> {
    scan::find_codes(img, &DetectOptions { expected: None, effort: Effort::Normal })
        .into_iter()
        .filter_map(|c| Frame::parse(&c.text).ok().map(|f| (f.index, c.corners)))
        .collect()
}

/// Paint white over the codes with the given shard indices (with their quiet zone).
pub fn blank_codes(img: &mut GrayImage, indices: &[u8]) {
    for (index, corners) in locate_codes(img) {
        if indices.contains(&index) {
            scan::prepare::fill_quad(img, &corners, 12.0, 255);
        }
    }
}

/// Deterministic pseudo-random numbers for degradations.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next() % 1_000_000) as f32 / 1_000_000.0
    }
    /// Approximately normal (sum of uniforms).
    pub fn normal(&mut self) -> f32 {
        (0..6).map(|_| self.unit()).sum::<f32>() - 3.0
    }
}

/// Rotate by an arbitrary angle (degrees) about the centre, white background, bilinear.
pub fn rotate_degrees(img: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let sx = c * dx + s * dy + cx;
        let sy = -s * dx + c * dy + cy;
        sample_bilinear(img, sx, sy)
    })
}

pub fn sample_bilinear(img: &GrayImage, x: f32, y: f32) -> image::Luma<u8> {
    let (w, h) = img.dimensions();
    if x < 0.0 || y < 0.0 || x >= (w - 1) as f32 || y >= (h - 1) as f32 {
        return image::Luma([255]);
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx, yy| img.get_pixel(xx, yy)[0] as f32;
    let v = p(x0, y0) * (1.0 - fx) * (1.0 - fy)
        + p(x0 + 1, y0) * fx * (1.0 - fy)
        + p(x0, y0 + 1) * (1.0 - fx) * fy
        + p(x0 + 1, y0 + 1) * fx * fy;
    image::Luma([v.round().clamp(0.0, 255.0) as u8])
}

/// Gaussian blur with standard deviation `sigma` pixels (separable).
pub fn blur(img: &GrayImage, sigma: f32) -> GrayImage {
    let r = (sigma * 3.0).ceil() as i32;
    let kernel: Vec<f32> = (-r..=r).map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp()).collect();
    let sum: f32 = kernel.iter().sum();
    let (w, h) = img.dimensions();
    let pass = |src: &GrayImage, horizontal: bool| {
        GrayImage::from_fn(w, h, |x, y| {
            let mut acc = 0.0;
            for (k, i) in (-r..=r).enumerate() {
                let (sx, sy) = if horizontal {
                    ((x as i32 + i).clamp(0, w as i32 - 1) as u32, y)
                } else {
                    (x, (y as i32 + i).clamp(0, h as i32 - 1) as u32)
                };
                acc += kernel[k] * src.get_pixel(sx, sy)[0] as f32;
            }
            image::Luma([(acc / sum).round() as u8])
        })
    };
    pass(&pass(img, true), false)
}

/// Additive Gaussian sensor noise.
pub fn noise(img: &GrayImage, sigma: f32, seed: u64) -> GrayImage {
    let mut rng = Rng(seed);
    let mut out = img.clone();
    for p in out.pixels_mut() {
        p[0] = (p[0] as f32 + rng.normal() * sigma).round().clamp(0.0, 255.0) as u8;
    }
    out
}

/// Save as JPEG at `quality`.
pub fn save_jpeg(img: &GrayImage, path: &Path, quality: u8) {
    let mut f = std::fs::File::create(path).unwrap();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, quality);
    img.write_with_encoder(enc).unwrap();
}
