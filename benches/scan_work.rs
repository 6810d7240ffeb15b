//! Work and time of the QR code search on pages that stress its bounds.
//!
//! ```text
//! cargo bench --bench scan_work
//! ```
//!
//! Pages, made here: an A4 page at 300 dpi covered in 1,120 version-1 codes
//! (32×35, 2-pixel modules: the `many-codes.png` of
//! `examples/hostile_inputs.rs`, issue 11), the same page at 150 dpi (where
//! its modules are a pixel wide and nothing reads), an
//! ordinary sheet (six level-H codes of 300 digits on A4 at 300 dpi), a page
//! of 3,000 finder patterns and no code, and 20 Mpx of noise. For
//! each page and effort it prints the wall time, the decoder attempts and
//! work the search counted ([`paperseed::scan::SearchStats`]), the codes
//! found and whether the budget ran out; then the time of the recovery-text
//! reader on the crowded page (`restore` runs it when no backup was restored).
//! The counts are deterministic, the times are this machine's.

use std::time::Instant;

use image::{GrayImage, Luma};
use paperseed::scan::{self, DetectOptions, Effort};
use qrcode::{EcLevel, QrCode};

/// An A4 page at 300 dpi covered in 32×35 = 1,120 version-1 QR codes with
/// modules of `module` pixels (as `examples/hostile_inputs.rs` draws it).
fn codes_page(module: u32) -> GrayImage {
    let mut page = GrayImage::from_pixel(2480, 3508, Luma([255]));
    let (cols, rows) = (32u32, 35u32);
    let (cw, ch) = (2480 / cols, 3508 / rows);
    for r in 0..rows {
        for c in 0..cols {
            let code = QrCode::with_error_correction_level(format!("{}", r * cols + c).as_bytes(), EcLevel::L).unwrap();
            let n = code.width() as u32;
            let (x0, y0) = (c * cw + (cw - n * module) / 2, r * ch + (ch - n * module) / 2);
            draw(&mut page, &code, x0, y0, module);
        }
    }
    page
}

fn draw(page: &mut GrayImage, code: &QrCode, x0: u32, y0: u32, module: u32) {
    let n = code.width() as u32;
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (mx, my) = (i as u32 % n, i as u32 / n);
            for dy in 0..module {
                for dx in 0..module {
                    page.put_pixel(x0 + mx * module + dx, y0 + my * module + dy, Luma([0]));
                }
            }
        }
    }
}

/// Six level-H codes of 300 digits in a 2×3 grid on A4 at 300 dpi, modules
/// of 7 pixels: a paperseed sheet as a scanner gives it.
fn ordinary_sheet() -> GrayImage {
    let mut page = GrayImage::from_pixel(2480, 3508, Luma([255]));
    let (cw, ch) = (2480 / 2, 3508 / 3);
    for i in 0..6u32 {
        let digits: String = (0..300).map(|k| char::from(b'0' + ((k * 7 + i * 13) % 10) as u8)).collect();
        let code = QrCode::with_error_correction_level(format!("PAPERSEED1:{i:02}{digits}"), EcLevel::H).unwrap();
        let side = code.width() as u32 * 7;
        let (c, r) = (i % 2, i / 2);
        draw(&mut page, &code, c * cw + (cw - side) / 2, r * ch + (ch - side) / 2, 7);
    }
    page
}

/// An A4 page at 300 dpi of finder patterns alone (3 px modules) on a jittered
/// grid, 3,000 of them: every triple looks like a symbol and none decodes.
fn finders_page() -> GrayImage {
    let mut page = GrayImage::from_pixel(2480, 3508, Luma([255]));
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..3_000u32 {
        let (gx, gy) = (i % 50, i / 50);
        let x0 = gx * 49 + (next() % 12) as u32;
        let y0 = gy * 58 + (next() % 12) as u32;
        for my in 0..7u32 {
            for mx in 0..7u32 {
                let ring = mx.min(my).min(6 - mx).min(6 - my);
                if ring != 1 {
                    for d in 0..9 {
                        page.put_pixel(x0 + mx * 3 + d % 3, y0 + my * 3 + d / 3, Luma([0]));
                    }
                }
            }
        }
    }
    page
}

/// Uniform noise on a page of the largest size the loader hands on (20 Mpx).
fn noise_page() -> GrayImage {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    GrayImage::from_fn(4000, 5000, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        Luma([(seed >> 56) as u8])
    })
}

fn main() {
    // `cargo bench` passes --bench; no other argument is used.
    let crowded = codes_page(2);
    let crowded_150 = image::imageops::resize(&crowded, 1240, 1754, image::imageops::FilterType::Triangle);
    let pages = [
        ("1,120 codes, A4 300 dpi", &crowded),
        ("the same at 150 dpi (1-px modules, unreadable)", &crowded_150),
        ("ordinary sheet, 6 codes, A4 300 dpi", &ordinary_sheet()),
        ("3,000 lone finder patterns, A4 300 dpi", &finders_page()),
        ("noise, 4000×5000", &noise_page()),
    ];
    println!("| page | effort | seconds | attempts | work | found | budget used up |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | --- |");
    for (name, page) in pages {
        for effort in [Effort::Normal, Effort::Thorough] {
            let opts = DetectOptions { expected: None, effort };
            let start = Instant::now();
            let (found, stats) = scan::find_codes_counted(page, &opts);
            let secs = start.elapsed().as_secs_f64();
            println!(
                "| {name} | {effort:?} | {secs:.2} | {} | {} | {} | {} |",
                stats.attempts,
                stats.work,
                found.len(),
                if stats.exhausted { "yes" } else { "no" }
            );
        }
    }
    let start = Instant::now();
    let lines = scan::text::read_page_detailed(&crowded).len();
    println!("\nrecovery-text reader on the 1,120-code page: {:.2} s, {lines} lines", start.elapsed().as_secs_f64());
}
