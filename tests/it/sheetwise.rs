//! The sheet-aware reader (`scan::sheetwise`) on the fixed hard page
//! (`tests/data/hard-page`, page 1 of the exchange sample with 7-pixel
//! modules at 300 dpi): codes that the page search (rxing) cannot read are
//! read from what the sheet's other codes say, and nothing else is returned.

use std::path::PathBuf;

use image::{GrayImage, Luma};
use paperseed::format::Frame;
use paperseed::restore::{self, ScanOptions};
use paperseed::scan::sheetwise::{self, MAX_FITS};
use paperseed::scan::{self, DetectOptions, Effort, Limits, Page};

use crate::support::{blur, repo};

/// The fingerprint printed on the hard page.
const FINGERPRINT: &str = "1E2S-V6SN-M9SD";

fn hard_page() -> GrayImage {
    let path: PathBuf = repo().join("tests/data/hard-page/exchange-p1-300dpi.png");
    scan::load(&path, &Limits::default()).unwrap().remove(0).image
}

/// Area-averaged reduction by the whole factor `f` (a scanner at 300/f dpi).
fn reduce(img: &GrayImage, f: u32) -> GrayImage {
    GrayImage::from_fn(img.width() / f, img.height() / f, |x, y| {
        let mut acc = 0u32;
        for dy in 0..f {
            for dx in 0..f {
                acc += u32::from(img.get_pixel(x * f + dx, y * f + dy)[0]);
            }
        }
        Luma([(acc / (f * f)) as u8])
    })
}

fn is_frame(text: &str) -> bool {
    Frame::parse(text).is_ok()
}

fn restored_fingerprint(scanned: &restore::Scanned) -> Option<String> {
    scanned.report.sets.iter().find_map(|s| match restore::decode(s) {
        Some(Ok(r)) => Some(r.fingerprint.to_string()),
        _ => None,
    })
}

#[test]
fn a_page_too_blurred_for_the_page_search_is_restored_from_its_codes() {
    // Blur σ 4 (300-dpi pixels, 0.57 module), then 150 dpi: 3.5-pixel
    // modules that rxing, zxing-cpp and zbar do not read.
    let page = reduce(&blur(&hard_page(), 4.0), 2);
    let normal = scan::find_codes(&page, &DetectOptions { expected: None, effort: Effort::Normal });
    assert!(normal.iter().filter(|c| is_frame(&c.text)).count() < 4, "the page search alone should not restore this");

    let (read, stats) = sheetwise::read_missing(&page, &normal, &is_frame);
    assert!(read.len() >= 4, "{} codes read ({stats:?}); any 4 restore", read.len());
    assert!(read.iter().all(|c| is_frame(&c.text)));
    assert_eq!(stats.refused, 0, "no decode the frame check refused");
    assert!(stats.fits <= 2 * MAX_FITS, "work is bounded: {stats:?}");
    for c in &read {
        assert_eq!(c.dimension, 61, "version 11");
        assert!(c.ecc.is_some_and(|e| e.used <= 1.0));
    }

    // The whole restore pipeline, as `paperseed restore` runs it.
    let pages = vec![Page { image: page, source: "blurred.png".into() }];
    let scanned = restore::scan_pages(&pages, &ScanOptions::default(), &mut |_| {});
    assert_eq!(restored_fingerprint(&scanned).as_deref(), Some(FINGERPRINT));
}

#[test]
fn a_code_whose_finders_are_covered_is_placed_from_the_codes_read() {
    let mut page = hard_page();
    let clean = scan::find_codes(&page, &DetectOptions::default());
    let codes: Vec<_> = clean.iter().filter(|c| is_frame(&c.text)).cloned().collect();
    assert_eq!(codes.len(), 8);
    // Cover two of code 0's three finder patterns with grey ink: no detector
    // can pair what is left, but one finder and the known shape place it.
    let target = &codes[0];
    let (o, tr, bl) = (target.corners[0], target.corners[1], target.corners[3]);
    let d = target.dimension as f32;
    let at = |a: f32, b: f32| {
        (o.0 + a * (tr.0 - o.0) / d + b * (bl.0 - o.0) / d, o.1 + a * (tr.1 - o.1) / d + b * (bl.1 - o.1) / d)
    };
    for (a, b) in [(d - 3.5, 3.5), (3.5, d - 3.5)] {
        let c = at(a, b);
        let r = 5.0 * (tr.0 - o.0).abs() / d;
        let quad = [(c.0 - r, c.1 - r), (c.0 + r, c.1 - r), (c.0 + r, c.1 + r), (c.0 - r, c.1 + r)];
        scan::prepare::fill_quad(&mut page, &quad, 0.0, 90);
    }
    let others: Vec<_> = scan::find_codes(&page, &DetectOptions { expected: None, effort: Effort::Normal })
        .into_iter()
        .filter(|c| c.text != target.text)
        .collect();
    let (read, stats) = sheetwise::read_missing(&page, &others, &is_frame);
    assert!(read.iter().any(|c| c.text == target.text), "code not read: {stats:?}");
    assert_eq!(stats.refused, 0);
}

#[test]
fn a_page_without_codes_returns_nothing_after_bounded_work() {
    // The hard page with every code painted white: text, rules, no finder.
    let mut page = hard_page();
    for c in scan::find_codes(&page.clone(), &DetectOptions::default()) {
        scan::prepare::fill_quad(&mut page, &c.corners, 30.0, 255);
    }
    let page = reduce(&page, 2);
    let (read, stats) = sheetwise::read_missing(&page, &[], &is_frame);
    assert!(read.is_empty());
    assert!(stats.fits <= MAX_FITS, "{stats:?}");
    assert_eq!(stats.read, 0);
}
