//! Shared helpers for integration tests: run the binary, render sheets with
//! the pure-Rust renderer, find and damage codes (the image damage itself is
//! in `damage.rs`, shared with the benchmarks).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use image::GrayImage;
use paperseed::format::Frame;
use paperseed::scan::{self, DetectOptions, Effort, Limits};

#[path = "damage.rs"]
mod damage;
#[allow(unused_imports)]
pub use damage::{Rng, add_noise, blur, fade, resample_area, rotate_any, rotate_degrees, save_jpeg, save_png};

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

/// Additive Gaussian sensor noise, seeded.
pub fn noise(img: &GrayImage, sigma: f32, seed: u64) -> GrayImage {
    add_noise(img, sigma, &mut Rng::new(seed))
}
