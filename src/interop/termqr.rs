//! QR codes for authenticator apps and wallets: in a terminal, or as an image.
//!
//! `restore --qr` shows each key's `otpauth://` URI as a QR code an
//! authenticator app scans straight off the screen. These codes are not
//! paperseed frames: an app expects the URI as text, so [`otpauth_symbol`]
//! lets the `qrcode` crate choose the mode (byte mode for a URI) at error
//! correction M.
//!
//! [`render_symbol`] draws two module rows per text line with the Unicode
//! half blocks `▀ ▄ █` and spaces, with a quiet zone of [`QUIET`] modules.
//! It assumes **dark text on a light background**: a drawn glyph is a dark
//! module, a space a light one. On a terminal with light text on a dark
//! background pass `invert = true`, which draws the light modules (quiet zone
//! included) instead, so the code still reads dark-on-light to a camera.
//!
//! [`symbol_image`] and [`png`](fn@png) turn any symbol (these, or a SeedQR from
//! [`super::seedqr`]) into pixels for a PNG file.

use std::io::Cursor;

use image::{GrayImage, ImageFormat, Luma};
use qrcode::types::Color;
use qrcode::{EcLevel, QrCode};

use crate::sheet::qr::Symbol;

/// Light modules drawn around a terminal code. The QR standard asks for 4;
/// 2 reads reliably on a screen and keeps the code small.
pub const QUIET: usize = 2;

/// What went wrong making a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the text is {0} bytes: too long for one QR code at error correction M")]
    TooLong(usize),
    #[error("the image could not be encoded as PNG: {0}")]
    Png(String),
}

/// The symbol of `text` (e.g. an `otpauth://` URI) at error correction M,
/// mode chosen by the `qrcode` crate.
pub fn otpauth_symbol(text: &str) -> Result<Symbol, QrError> {
    let code =
        QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|_| QrError::TooLong(text.len()))?;
    let version = match code.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    };
    let width = code.width();
    let modules = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
    Ok(Symbol { version, width, modules })
}

/// Draw a symbol with half blocks, one text line per two module rows, each
/// line ending in `\n`. See the module documentation for `invert`.
pub fn render_symbol(symbol: &Symbol, invert: bool) -> String {
    let side = symbol.width + 2 * QUIET;
    let dark = |x: usize, y: usize| -> bool {
        let inside = (QUIET..QUIET + symbol.width).contains(&x) && (QUIET..QUIET + symbol.width).contains(&y);
        inside && symbol.dark(x - QUIET, y - QUIET)
    };
    let mut out = String::with_capacity((side + 1) * side.div_ceil(2) * 3);
    for y in (0..side).step_by(2) {
        for x in 0..side {
            // A drawn glyph half is a dark module, or a light one when inverted.
            let top = dark(x, y) != invert;
            // Below an odd last row: background (a light module).
            let bottom = if y + 1 < side { dark(x, y + 1) != invert } else { invert };
            out.push(match (top, bottom) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        // Trailing spaces carry the quiet zone; keep them so that a copy
        // keeps its shape.
        out.push('\n');
    }
    out
}

/// An `otpauth://` URI (or any text) as a terminal QR code.
pub fn render(text: &str, invert: bool) -> Result<String, QrError> {
    Ok(render_symbol(&otpauth_symbol(text)?, invert))
}

/// A symbol as a black-on-white image: `module_px` pixels a module and a
/// quiet zone of `quiet` modules.
pub fn symbol_image(symbol: &Symbol, module_px: u32, quiet: u32) -> GrayImage {
    let module_px = module_px.max(1);
    let side = (symbol.width as u32 + 2 * quiet) * module_px;
    GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = ((x / module_px) as i64 - i64::from(quiet), (y / module_px) as i64 - i64::from(quiet));
        let w = symbol.width as i64;
        let dark = (0..w).contains(&mx) && (0..w).contains(&my) && symbol.dark(mx as usize, my as usize);
        Luma([if dark { 0 } else { 255 }])
    })
}

/// PNG bytes of an image.
pub fn png(image: &GrayImage) -> Result<Vec<u8>, QrError> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).map_err(|e| QrError::Png(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";

    /// Parse a rendering back into modules (true = drawn half).
    fn unrender(text: &str) -> Vec<Vec<bool>> {
        let mut rows = Vec::new();
        for line in text.lines() {
            let (mut top, mut bottom) = (Vec::new(), Vec::new());
            for c in line.chars() {
                let (t, b) = match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    ' ' => (false, false),
                    other => panic!("unexpected {other:?}"),
                };
                top.push(t);
                bottom.push(b);
            }
            rows.push(top);
            rows.push(bottom);
        }
        rows
    }

    #[test]
    fn half_blocks_match_the_symbol() {
        let sym = otpauth_symbol(URI).unwrap();
        for invert in [false, true] {
            let text = render_symbol(&sym, invert);
            let side = sym.width + 2 * QUIET;
            assert_eq!(text.lines().count(), side.div_ceil(2));
            assert!(text.lines().all(|l| l.chars().count() == side));
            let rows = unrender(&text);
            for (y, row) in rows.iter().take(side).enumerate() {
                for (x, &drawn) in row.iter().enumerate() {
                    let inside = (QUIET..QUIET + sym.width).contains(&x) && (QUIET..QUIET + sym.width).contains(&y);
                    let dark = inside && sym.dark(x - QUIET, y - QUIET);
                    assert_eq!(drawn, dark != invert, "({x},{y}) invert={invert}");
                }
            }
        }
        // The quiet zone: blank without inversion, full blocks with it.
        let plain = render(URI, false).unwrap();
        assert!(plain.lines().next().unwrap().chars().all(|c| c == ' '));
        let inverted = render(URI, true).unwrap();
        assert!(inverted.lines().next().unwrap().chars().all(|c| c == '█'));
    }

    #[test]
    fn rendered_image_reads_back() {
        let sym = otpauth_symbol(URI).unwrap();
        let img = symbol_image(&sym, 4, 4);
        assert_eq!(img.width(), (sym.width as u32 + 8) * 4);
        let found = crate::scan::find_codes(&img, &crate::scan::DetectOptions::default());
        assert_eq!(found.into_iter().map(|c| c.text).collect::<Vec<_>>(), vec![URI.to_string()]);
        let bytes = png(&img).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"));
    }

    #[test]
    fn too_long() {
        let long = "x".repeat(3000);
        assert_eq!(render(&long, false), Err(QrError::TooLong(3000)));
    }
}
