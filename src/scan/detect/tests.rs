//! Tests of [`super::find_codes`] on generated sheets and their degradations.

use super::search::grid_lines;
use super::*;
use crate::scan::prepare;
use image::{GrayImage, Luma};
use qrcode::{EcLevel, QrCode};

/// A4 at 300 dpi.
const A4: (u32, u32) = (2480, 3508);
const MODULE: u32 = 7;

/// Deterministic pseudo-random numbers (xorshift).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

pub(crate) fn texts(count: usize) -> Vec<String> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|i| {
            let digits: String = (0..300).map(|_| char::from(b'0' + (rng.next() % 10) as u8)).collect();
            format!("PAPERSEED1:{i:02}{digits}")
        })
        .collect()
}

/// Draw `text` as an EC level H symbol with its top-left module at `(x, y)`.
pub(crate) fn draw_code(page: &mut GrayImage, text: &str, x: u32, y: u32, module: u32) -> u32 {
    let code = QrCode::with_error_correction_level(text, EcLevel::H).unwrap();
    let n = code.width() as u32;
    let colors = code.to_colors();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i as u32 % n, i as u32 / n);
            for dy in 0..module {
                for dx in 0..module {
                    page.put_pixel(x + mx * module + dx, y + my * module + dy, Luma([0]));
                }
            }
        }
    }
    n * module
}

/// A white page of `size` with `texts` in a 2-column grid, each symbol centred
/// in its cell. Returns the page and the symbol rectangles (x, y, side).
pub(crate) fn sheet(size: (u32, u32), texts: &[String], module: u32) -> (GrayImage, Vec<(u32, u32, u32)>) {
    let mut page = GrayImage::from_pixel(size.0, size.1, Luma([255]));
    let cols = 2u32;
    let rows = (texts.len() as u32).div_ceil(cols);
    let (cw, ch) = (size.0 / cols, size.1 / rows);
    let mut rects = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let (c, r) = (i as u32 % cols, i as u32 / cols);
        let code = QrCode::with_error_correction_level(t.as_str(), EcLevel::H).unwrap();
        let side = code.width() as u32 * module;
        let (x, y) = (c * cw + (cw - side) / 2, r * ch + (ch - side) / 2);
        draw_code(&mut page, t, x, y, module);
        rects.push((x, y, side));
    }
    (page, rects)
}

fn a4_sheet() -> (GrayImage, Vec<String>, Vec<(u32, u32, u32)>) {
    let t = texts(6);
    let (page, rects) = sheet(A4, &t, MODULE);
    (page, t, rects)
}

fn found_texts(found: &[FoundCode]) -> Vec<String> {
    let mut v: Vec<String> = found.iter().map(|f| f.text.clone()).collect();
    v.sort();
    v
}

fn assert_reads_all(page: &GrayImage, texts: &[String], opts: &DetectOptions, what: &str) {
    let found = find_codes(page, opts);
    let mut want = texts.to_vec();
    want.sort();
    let got = found_texts(&found);
    let missing: Vec<usize> = texts.iter().enumerate().filter(|(_, t)| !got.contains(t)).map(|(i, _)| i).collect();
    assert!(missing.is_empty(), "{what}: codes {missing:?} not found ({} of {})", got.len(), texts.len());
    assert_eq!(got, want, "{what}");
}

fn expect6() -> DetectOptions {
    DetectOptions { expected: Some(6), effort: Effort::Normal }
}

// --- degradations -------------------------------------------------------

/// Rotate by `degrees` about the centre (bilinear), keeping the size, white fill.
pub(crate) fn rotate_deg(img: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        let sx = c * dx + s * dy + cx - 0.5;
        let sy = -s * dx + c * dy + cy - 0.5;
        Luma([bilinear(img, sx, sy)])
    })
}

fn bilinear(img: &GrayImage, x: f32, y: f32) -> u8 {
    let (w, h) = img.dimensions();
    if x < 0.0 || y < 0.0 || x >= (w - 1) as f32 || y >= (h - 1) as f32 {
        return 255;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let p = |xx, yy| f32::from(img.get_pixel(xx, yy).0[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
    let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
    (top * (1.0 - fy) + bottom * fy).round() as u8
}

pub(crate) fn scale(img: &GrayImage, factor: f32) -> GrayImage {
    let (w, h) = img.dimensions();
    image::imageops::resize(
        img,
        (w as f32 * factor) as u32,
        (h as f32 * factor) as u32,
        image::imageops::FilterType::Triangle,
    )
}

pub(crate) fn blur(img: &GrayImage, sigma: f32) -> GrayImage {
    image::imageops::blur(img, sigma)
}

pub(crate) fn salt_and_pepper(img: &GrayImage, fraction: f32, seed: u64) -> GrayImage {
    let mut rng = Rng(seed);
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let r = rng.unit();
        if r < fraction / 2.0 {
            p.0[0] = 0;
        } else if r < fraction {
            p.0[0] = 255;
        }
    }
    out
}

/// Squeeze values into `lo..=hi`.
pub(crate) fn low_contrast(img: &GrayImage, lo: u8, hi: u8) -> GrayImage {
    let mut out = img.clone();
    let span = u32::from(hi - lo);
    for p in out.pixels_mut() {
        p.0[0] = lo + (u32::from(p.0[0]) * span / 255) as u8;
    }
    out
}

pub(crate) fn jpeg(img: &GrayImage, quality: u8) -> GrayImage {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality).encode_image(img).unwrap();
    image::load_from_memory(&bytes).unwrap().to_luma8()
}

/// Light falling off from the top-right to a dim bottom-left (white there is
/// about 70), as under a desk lamp.
pub(crate) fn lighting_gradient(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let mut out = img.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        let t = (x as f32 / w as f32 + (1.0 - y as f32 / h as f32)) / 2.0;
        let gain = 0.27 + 0.73 * t;
        p.0[0] = (f32::from(p.0[0]) * gain + 8.0).min(255.0) as u8;
    }
    out
}

// --- tests --------------------------------------------------------------

#[test]
fn clean_sheet_all_codes_with_corners() {
    let (page, t, rects) = a4_sheet();
    let found = find_codes(&page, &DetectOptions::default());
    assert_eq!(found.len(), 6);
    for f in &found {
        let i = t.iter().position(|x| *x == f.text).unwrap();
        let (x, y, side) = rects[i];
        let (x, y, side) = (x as f32, y as f32, side as f32);
        let want = [(x, y), (x + side, y), (x + side, y + side), (x, y + side)];
        for (c, w) in f.corners.iter().zip(want) {
            assert!(dist(*c, w) < 2.5 * MODULE as f32, "corner {c:?} vs {w:?}");
        }
    }
}

#[test]
fn expected_count_stops_early_and_quick_effort_works() {
    let (page, t, _) = a4_sheet();
    assert_reads_all(&page, &t, &expect6(), "expected 6");
    let quick = DetectOptions { expected: None, effort: Effort::Quick };
    assert_reads_all(&page, &t, &quick, "quick");
    let few = find_codes(&page, &DetectOptions { expected: Some(2), effort: Effort::Normal });
    assert!(few.len() >= 2);
}

#[test]
fn quarter_turns() {
    let (page, t, _) = a4_sheet();
    for r in [prepare::Rotation::Cw90, prepare::Rotation::Cw180, prepare::Rotation::Cw270] {
        let img = prepare::rotate(&page, r);
        assert_reads_all(&img, &t, &expect6(), &format!("{r:?}"));
    }
}

#[test]
fn rotated_5_degrees() {
    let (page, t, _) = a4_sheet();
    assert_reads_all(&rotate_deg(&page, 5.0), &t, &expect6(), "5°");
}

#[test]
fn downscaled_to_150_dpi() {
    let (page, t, _) = a4_sheet();
    assert_reads_all(&scale(&page, 0.5), &t, &expect6(), "150 dpi");
}

#[test]
fn gaussian_blur() {
    let (page, t, _) = a4_sheet();
    assert_reads_all(&blur(&page, 1.5), &t, &expect6(), "blur 1.5");
}

#[test]
fn salt_and_pepper_noise() {
    let (page, t, _) = a4_sheet();
    assert_reads_all(&salt_and_pepper(&page, 0.08, 7), &t, &expect6(), "salt and pepper");
}

#[test]
fn low_contrast_page() {
    let (page, t, _) = a4_sheet();
    assert_reads_all(&low_contrast(&page, 100, 160), &t, &expect6(), "low contrast");
}

#[test]
fn jpeg_quality_40() {
    let (page, t, _) = a4_sheet();
    assert_reads_all(&jpeg(&page, 40), &t, &expect6(), "jpeg q40");
}

#[test]
fn uneven_lighting() {
    let (page, t, _) = a4_sheet();
    assert_reads_all(&lighting_gradient(&page), &t, &expect6(), "lighting gradient");
}

#[test]
fn painted_over_code_is_missing() {
    let (mut page, t, rects) = a4_sheet();
    let (x, y, side) = rects[3];
    for yy in y..y + side {
        for xx in x..x + side {
            page.put_pixel(xx, yy, Luma([0]));
        }
    }
    let found = find_codes(&page, &expect6());
    let got = found_texts(&found);
    assert_eq!(got.len(), 5, "{got:?}");
    assert!(!got.contains(&t[3]));
}

#[test]
fn no_codes_and_degenerate_images() {
    for (w, h) in [(0, 0), (1, 1), (20, 500), (300, 200)] {
        let blank = GrayImage::from_pixel(w, h, Luma([255]));
        let opts = DetectOptions { expected: Some(1), effort: Effort::Thorough };
        assert!(find_codes(&blank, &opts).is_empty());
    }
    let mut rng = Rng(42);
    let noise = GrayImage::from_fn(400, 300, |_, _| Luma([(rng.next() & 0xFF) as u8]));
    assert!(find_codes(&noise, &DetectOptions::default()).is_empty());
}

#[test]
fn any_qr_text_and_light_on_dark() {
    let mut page = GrayImage::from_pixel(400, 400, Luma([255]));
    draw_code(&mut page, "https://example.org/ü", 60, 60, 6);
    let found = find_codes(&page, &DetectOptions::default());
    assert_eq!(found_texts(&found), vec!["https://example.org/ü".to_owned()]);
    let inverted = prepare::invert(&page);
    let found = find_codes(&inverted, &DetectOptions::default());
    assert_eq!(found.len(), 1);
}

#[test]
fn grid_lines_fill_and_extend() {
    // Columns at 100 and 500 (a gap of two spacings at 300 unseen), symbol 150.
    let lines = grid_lines(vec![100.0, 102.0, 500.0, 700.0], 150.0, 1000.0);
    assert!(lines.iter().any(|&x| (x - 300.0).abs() < 5.0), "{lines:?}");
    assert!(lines.iter().any(|&x| (x - 900.0).abs() < 5.0), "{lines:?}");
    assert!(lines.iter().all(|&x| x > 0.0), "{lines:?}");
}

#[test]
fn scanned_pdf_with_jpeg_end_to_end() {
    use crate::scan::load::tests::{pdf_with_jpeg, write};
    use crate::scan::{Limits, load};
    // Two codes scanned at 150 dpi, stored as a JPEG in a PDF the size of A5 landscape.
    let t = texts(2);
    let (img, _) = sheet((1240, 877), &t, 4);
    let mut jpeg_bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg_bytes, 75).encode_image(&img).unwrap();
    let pdf = pdf_with_jpeg(&jpeg_bytes, (1240, 877), (595.0, 421.0));
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "scan.pdf", &pdf);
    let limits = Limits { pdf_dpi: 200.0, ..Limits::default() };
    let pages = load(&path, &limits).unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].image.dimensions(), (1652, 1169));
    let opts = DetectOptions { expected: Some(2), effort: Effort::Normal };
    assert_reads_all(&pages[0].image, &t, &opts, "scanned PDF");
}

#[test]
fn corners_survive_the_half_size_first_pass() {
    // Longer side above HALF_FIRST_SIDE: the first pass runs at half size.
    let t = texts(1);
    let mut page = GrayImage::from_pixel(4200, 900, Luma([255]));
    let side = draw_code(&mut page, &t[0], 3000, 100, 8) as f32;
    let found = find_codes(&page, &DetectOptions::default());
    assert_eq!(found.len(), 1);
    let want = [(3000.0, 100.0), (3000.0 + side, 100.0), (3000.0 + side, 100.0 + side), (3000.0, 100.0 + side)];
    for (c, w) in found[0].corners.iter().zip(want) {
        assert!(dist(*c, w) < 16.0, "corner {c:?} vs {w:?}");
    }
}
