//! Loading untrusted image/PDF bytes and searching them for codes: never panics,
//! never allocates past the limits.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::scan::{self, DetectOptions, Effort, Limits};

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir();
    let path = dir.join(format!("paperseed-fuzz-{}", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let limits = Limits { max_side: 2000, max_pixels: 4_000_000, max_pdf_pages: 2, pdf_dpi: 72.0, ..Limits::default() };
    if let Ok(pages) = scan::load(&path, &limits) {
        for page in pages {
            let _ = scan::find_codes(&page.image, &DetectOptions { expected: None, effort: Effort::Quick });
        }
    }
});
