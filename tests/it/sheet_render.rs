//! Render sheets to PDF, rasterize them with hayro, and read every code back
//! with rxing; check determinism, size and the refusal of unprintable text.

use std::panic::{AssertUnwindSafe, catch_unwind};

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};
use paperseed::sheet::{self, CodeBlock, Ecc, Paper, SecretBlock, SheetDoc, SheetError, qr};

fn digits(seed: usize, len: usize) -> String {
    let mut x = seed as u64 * 2_654_435_761 + 12_345;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            char::from(b'0' + ((x >> 33) % 10) as u8)
        })
        .collect()
}

fn sample_doc(n: usize, digit_count: usize, paper: Paper) -> SheetDoc {
    let codes = (0..n)
        .map(|i| {
            let text = format!("PAPERSEED1:{}", digits(i, digit_count));
            CodeBlock { index: i, symbol: qr::encode(&text, Ecc::H).expect("fits"), text }
        })
        .collect();
    SheetDoc {
        title: "Binance — account recovery".into(),
        date: "2025-01-15".into(),
        fingerprint: "K7QF-3M2X-9TRD".into(),
        fingerprint_label: "Fingerprint".into(),
        share_of: None,
        program: "paperseed 0.1.0".into(),
        format_version: 1,
        paper,
        secrets: Some(vec![
            SecretBlock {
                heading: "1. Backup codes — Binance (10 codes)".into(),
                lines: (1..=10)
                    .map(|i| format!("{i:>2}. {}", ["a3f8-9d2c-bk4m-xy7p", "7f3k-m2x9-qq4b-81za"][i % 2]))
                    .collect(),
            },
            SecretBlock {
                heading: "2. Authenticator key — Binance (José, € account)".into(),
                lines: vec!["ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567".into(), "SHA1 · 6 digits · 30 s".into()],
            },
            SecretBlock {
                heading: "3. Note — emergency contact".into(),
                lines: vec!["Zhang San, +33 6 12 34 56 78".into(), "UID 401 337 228".into()],
            },
        ]),
        codes,
        k: n.div_ceil(2).max(1),
        n,
        ecc: Ecc::H,
        payload_len: 512,
        notices: vec![],
        extra_font: None,
        recovery: Default::default(),
    }
}

/// Rasterize every page at `dpi`; returns (width, height, luma) per page.
fn rasterize(pdf: &[u8], dpi: f32) -> Vec<(u32, u32, Vec<u8>)> {
    let pdf = Pdf::new(pdf.to_vec()).expect("hayro reads the PDF");
    let cache = RenderCache::new();
    let scale = dpi / 72.0;
    let settings = PixmapSettings { x_scale: scale, y_scale: scale, bg_color: WHITE };
    pdf.pages()
        .iter()
        .map(|page| {
            let pix =
                hayro::render(page, &cache, &InterpreterSettings::default(), &RenderSettings::default(), &settings);
            let (w, h) = (u32::from(pix.width()), u32::from(pix.height()));
            let luma = pix
                .data_as_u8_slice()
                .chunks_exact(4)
                .map(|p| ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8)
                .collect();
            (w, h, luma)
        })
        .collect()
}

/// Every QR code rxing finds in a grey image, as text.
///
/// paperseed builds rxing with `no_character_set_support`, under which its
/// high-level readers panic while turning bytes into text; so this uses the
/// finder-pattern sets, sampler and decoder of rxing's ZXing-C++ port directly
/// and reads the bytes (ASCII: frames are alphanumeric + numeric).
fn decode_all(luma: Vec<u8>, w: u32, h: u32) -> Vec<String> {
    use rxing::common::DetectorRXingResult;
    use rxing::common::HybridBinarizer;
    use rxing::qrcode::cpp_port::decoder::Decode;
    use rxing::qrcode::cpp_port::detector::{FindFinderPatterns, GenerateFinderPatternSets, SampleQR};
    use rxing::{BinaryBitmap, Luma8LuminanceSource};
    catch_unwind(AssertUnwindSafe(|| {
        let Ok(source) = Luma8LuminanceSource::new(luma, w, h) else {
            return Vec::new();
        };
        let bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let bits = bitmap.get_black_matrix();
        let mut patterns = FindFinderPatterns(bits, true, 0);
        let mut used = Vec::new();
        let mut found = Vec::new();
        for set in GenerateFinderPatternSets(&mut patterns) {
            if used.contains(&set.bl) || used.contains(&set.tl) || used.contains(&set.tr) {
                continue;
            }
            let Ok(sampled) = SampleQR(bits, &set) else {
                continue;
            };
            let Ok(decoded) = Decode(sampled.getBits()) else {
                continue;
            };
            if decoded.isValid() {
                used.extend([set.bl, set.tl, set.tr]);
                found.push(String::from_utf8_lossy(decoded.content().bytes()).into_owned());
            }
        }
        found
    }))
    .unwrap_or_default()
}

/// Decode the code inside `rect` (mm) of a page image.
fn decode_at(page: &(u32, u32, Vec<u8>), dpi: f32, rect: sheet::RectMm) -> Vec<String> {
    let (w, h, luma) = page;
    let px = |mm: f32| (mm / 25.4 * dpi).round() as i64;
    let (x0, y0) = (px(rect.x).max(0) as u32, px(rect.y).max(0) as u32);
    let (x1, y1) = ((px(rect.right()) as u32).min(*w), (px(rect.bottom()) as u32).min(*h));
    let (cw, ch) = (x1 - x0, y1 - y0);
    let mut crop = Vec::with_capacity((cw * ch) as usize);
    for y in y0..y1 {
        let row = (y * w) as usize;
        crop.extend_from_slice(&luma[row + x0 as usize..row + x1 as usize]);
    }
    decode_all(crop, cw, ch)
}

fn assert_codes_read_back(doc: &SheetDoc, pdf: &[u8], dpi: f32) {
    let pages = rasterize(pdf, dpi);
    let placements = sheet::code_positions(doc).unwrap();
    assert_eq!(placements.len(), doc.codes.len());
    for (code, pl) in doc.codes.iter().zip(&placements) {
        // The cell plus a little margin around its quiet zone.
        let rect = pl.symbol.inflate(6.0 * pl.module_mm);
        let texts = decode_at(&pages[pl.page], dpi, rect);
        assert_eq!(texts, vec![code.text.clone()], "code {} at {dpi} dpi", code.index + 1);
    }
}

#[test]
fn six_codes_read_back_at_300_and_150_dpi() {
    let doc = sample_doc(6, 250, Paper::A4);
    let pdf = sheet::render(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    for dpi in [300.0, 150.0] {
        assert_codes_read_back(&doc, &pdf, dpi);
    }
}

#[test]
fn a_whole_page_reads_back_without_knowing_the_layout() {
    let doc = sample_doc(6, 250, Paper::Letter);
    let pdf = sheet::render(&doc).unwrap();
    let pages = rasterize(&pdf, 300.0);
    let mut found: Vec<String> = pages.into_iter().flat_map(|(w, h, luma)| decode_all(luma, w, h)).collect();
    found.sort();
    let mut want: Vec<String> = doc.codes.iter().map(|c| c.text.clone()).collect();
    want.sort();
    assert_eq!(found, want);
}

#[test]
fn many_codes_over_several_pages_read_back() {
    let doc = sample_doc(24, 300, Paper::Letter);
    let pdf = sheet::render(&doc).unwrap();
    assert_codes_read_back(&doc, &pdf, 300.0);
}

#[test]
fn the_smallest_modules_read_back_at_300_dpi() {
    // Forty version-15 symbols only fit at (nearly) the minimum module size.
    let digits = qr::digit_capacity("PAPERSEED1:", qr::MAX_VERSION, Ecc::H);
    let doc = sample_doc(40, digits, Paper::A4);
    assert_eq!(doc.codes[0].symbol.version, qr::MAX_VERSION);
    let placements = sheet::code_positions(&doc).unwrap();
    assert!(placements[0].module_mm < 0.6, "{}", placements[0].module_mm);
    let pdf = sheet::render(&doc).unwrap();
    assert_codes_read_back(&doc, &pdf, 300.0);
}

#[test]
fn rendering_is_deterministic() {
    let doc = sample_doc(6, 250, Paper::A4);
    let a = sheet::render(&doc).unwrap();
    let b = sheet::render(&doc).unwrap();
    assert!(a == b, "two renders differ");
    // Also across processes (hash seeds, allocation order): run this test
    // binary again in a child that writes its PDF to a file.
    if let Ok(path) = std::env::var("PAPERSEED_SHEET_DUMP") {
        std::fs::write(path, &a).unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("child.pdf");
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "sheet_render::rendering_is_deterministic", "--test-threads=1"])
        .env("PAPERSEED_SHEET_DUMP", &out)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(std::fs::read(&out).unwrap() == a, "a render in another process differs");
}

#[test]
fn a_six_code_sheet_is_small() {
    let doc = sample_doc(6, 250, Paper::A4);
    let pdf = sheet::render(&doc).unwrap();
    eprintln!("6-code sheet: {} bytes, {} pages", pdf.len(), rasterize(&pdf, 30.0).len());
    assert!(pdf.len() <= 100_000, "{} bytes", pdf.len());
}

/// A system font with CJK glyphs, if this machine has one.
fn cjk_font() -> Option<Vec<u8>> {
    [
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ]
    .iter()
    .find_map(|p| std::fs::read(p).ok())
}

#[test]
fn unprintable_characters_are_refused_unless_a_font_covers_them() {
    let mut doc = sample_doc(2, 40, Paper::A4);
    doc.title = "Zhang San / 张三".into();
    match sheet::render(&doc) {
        Err(SheetError::Unprintable { chars }) => assert_eq!(chars, vec!['张', '三']),
        other => panic!("expected Unprintable, got {:?}", other.map(|b| b.len())),
    }
    let msg = sheet::render(&doc).unwrap_err().to_string();
    assert!(msg.contains("'张' U+5F20") && msg.contains("a font that covers them"), "{msg}");

    // A user font that is not a font.
    doc.extra_font = Some(b"not a font at all".to_vec());
    assert!(matches!(sheet::render(&doc), Err(SheetError::BadFont(_))));

    // With a CJK font it prints (when the machine has one to test with).
    match cjk_font() {
        Some(font) => {
            doc.extra_font = Some(font);
            let pdf = sheet::render(&doc).unwrap();
            assert!(pdf.len() < 200_000, "the CJK font is subset: {} bytes", pdf.len());
            assert_codes_read_back(&doc, &pdf, 300.0);
        }
        None => eprintln!("no CJK font on this machine: skipped the --font half"),
    }
}

#[test]
fn latin_extras_render_with_the_embedded_fonts() {
    let mut doc = sample_doc(2, 40, Paper::A4);
    doc.title = "José – € 50 000".into();
    doc.notices = vec!["Ελληνικά, русский, Ærøskøbing: all printable.".into()];
    let pdf = sheet::render(&doc).unwrap();
    assert!(!rasterize(&pdf, 30.0).is_empty());
}

#[test]
fn control_characters_are_refused() {
    let mut doc = sample_doc(2, 40, Paper::A4);
    if let Some(s) = doc.secrets.as_mut() {
        s[0].lines[0] = "abc\u{1b}[31m".into();
    }
    assert!(matches!(sheet::render(&doc), Err(SheetError::ControlChar { ch: '\u{1b}', .. })));
}

/// Sample sheets rasterize to PNG pages; with `PAPERSEED_SHEET_PNG=DIR` they
/// are kept there for a human to look at
/// (`PAPERSEED_SHEET_PNG=/tmp cargo test write_pngs`).
#[test]
fn write_pngs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var("PAPERSEED_SHEET_PNG").unwrap_or_else(|_| tmp.path().display().to_string());
    for (name, doc) in [
        ("a4-6", sample_doc(6, 250, Paper::A4)),
        ("letter-24", sample_doc(24, 300, Paper::Letter)),
        ("a4-3-small", sample_doc(3, 60, Paper::A4)),
    ]
    .into_iter()
    .chain(cjk_font().map(|font| {
        let mut doc = sample_doc(4, 120, Paper::Letter);
        doc.title = "Zhang San / 张三 — 紧急联系".into();
        doc.secrets = None;
        doc.notices = vec!["Contact: 张三, +86 10 1234 5678".into()];
        doc.extra_font = Some(font);
        ("letter-cjk", doc)
    })) {
        let pdf = sheet::render(&doc).unwrap();
        std::fs::write(format!("{dir}/sheet-{name}.pdf"), &pdf).unwrap();
        let pages = rasterize(&pdf, 100.0);
        assert!(!pages.is_empty(), "{name}: no page");
        for (i, (w, h, luma)) in pages.into_iter().enumerate() {
            let ink = luma.iter().filter(|&&v| v < 128).count() as f64 / luma.len() as f64;
            assert!((0.005..0.6).contains(&ink), "{name} page {}: {:.1}% ink", i + 1, ink * 100.0);
            let img = image::GrayImage::from_raw(w, h, luma).unwrap();
            img.save(format!("{dir}/sheet-{name}-p{}.png", i + 1)).unwrap();
        }
    }
}
