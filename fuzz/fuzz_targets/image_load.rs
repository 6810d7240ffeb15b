//! Loading untrusted image/PDF bytes (in memory, no temporary file) and
//! searching them for codes: never panics, and what loads stays within the
//! limits (page count, side, area, the pixel budget).
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::scan::{self, DetectOptions, Effort, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_side: 2000,
        max_pixels: 4_000_000,
        max_page_pixels: 1_000_000,
        max_total_pixels: 2_000_000,
        max_pdf_pages: 2,
        pdf_dpi: 72.0,
        ..Limits::default()
    };
    if let Ok(pages) = scan::load_bytes(data, "fuzz", &limits) {
        assert!(!pages.is_empty() && pages.len() <= limits.max_pdf_pages);
        let mut total = 0u64;
        for page in &pages {
            let (w, h) = page.image.dimensions();
            assert!(w >= 1 && h >= 1 && w <= limits.max_side && h <= limits.max_side, "{w}×{h}");
            let area = u64::from(w) * u64::from(h);
            assert!(area <= limits.max_page_pixels, "{w}×{h}");
            total += area;
            assert!(page.source.starts_with("fuzz"));
        }
        assert!(total <= limits.max_total_pixels);
        for page in pages {
            for code in scan::find_codes(&page.image, &DetectOptions { expected: None, effort: Effort::Quick }) {
                let (w, h) = page.image.dimensions();
                assert!(
                    code.corners.iter().all(|c| c.0.is_finite() && c.1.is_finite()),
                    "{:?} in {w}×{h}",
                    code.corners
                );
            }
        }
    }
});
