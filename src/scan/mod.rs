//! The reading layer: from files a user scanned or photographed to the text of
//! every QR code on them.
//!
//! Restoring a sheet starts from whatever the user has: a phone photo, a
//! scanner's multi-page PDF, the sheet PDF itself, or a folder of those. This
//! module turns such inputs into grayscale pages ([`load()`]), offers the
//! preprocessing transforms that rescue poor images ([`prepare`]), and finds
//! every QR code on a page ([`find_codes`]). It knows nothing of paperseed's
//! frame format: it returns the text of any QR code and leaves filtering to the
//! caller.
//!
//! All inputs are untrusted. Declared image sizes are checked before decoding,
//! decoder buffers are capped and large images reduced ([`Limits`]); a PDF
//! page's resources (nested forms, images, compressed streams) are examined
//! and their declared and decoded sizes bounded before the page is rendered;
//! the totals hold across a whole run ([`Budget`]); the code search does a
//! bounded amount of decoder work per page (each pass weighted by the pixels
//! it scans, see [`detect::MAX_WORK`]); and panics inside the image,
//! PDF and QR decoders are caught and turned into errors (or, for QR decoding,
//! into "nothing found").
//!
//! QR decoding uses rxing's detector and decoder directly (finder-pattern sets
//! of the ZXing C++ port plus the classic ZXing detector), because the crate is
//! built without rxing's `multi_barcode_readers` feature and with
//! `no_character_set_support`, under which rxing's high-level readers panic
//! while converting bytes to text; the bytes are converted here instead.

mod charset;
pub mod detect;
pub mod load;
pub mod margin;
mod pdfguard;
mod png_chunks;
pub mod prepare;
pub mod sheetwise;
mod shrink;
pub mod text;

use std::path::PathBuf;

pub use detect::{DetectOptions, Effort, FoundCode, SearchStats, find_codes, find_codes_counted};
pub use load::{Loaded, Page, SkipReason, Skipped, load, load_bytes, load_with_budget, load_with_notes};
pub use margin::EccUsage;

/// Bounds applied to untrusted input files.
///
/// The defaults accept anything a scanner or phone produces (a 600 dpi A4 scan
/// is 4960×7016, a 108 Mpx phone photo 12000×9000) while keeping a hostile file
/// from exhausting memory or time: declared sizes are checked before anything
/// is decoded, and pages larger than [`Limits::max_page_pixels`] are reduced, so
/// that the page search (whose cost grows with the area) stays bounded.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Largest accepted image width or height, in pixels (also applies to a
    /// rendered PDF page).
    pub max_side: u32,
    /// Largest accepted image area, in pixels (as declared by the file, before
    /// decoding).
    pub max_pixels: u64,
    /// Largest page handed on for the code search, in pixels: larger images are
    /// scaled down to it after decoding, PDF pages rendered at a lower
    /// resolution.
    pub max_page_pixels: u64,
    /// Largest buffer an image decoder may need, in bytes (e.g. a 16-bit RGB
    /// image needs 6 bytes per pixel, a progressive JPEG 2 bytes per pixel and
    /// colour component).
    pub max_decode_bytes: u64,
    /// Largest total area of all pages returned while a [`Budget`] lasts (one
    /// [`load()`] call, or a whole run with [`load_with_budget`]), in pixels.
    pub max_total_pixels: u64,
    /// Most pages read from one PDF.
    pub max_pdf_pages: usize,
    /// Largest PDF page side, in points (1/72 inch).
    pub max_pdf_page_pt: f32,
    /// Resolution PDF pages are rendered at, in dots per inch. Lowered for a
    /// page that would otherwise exceed `max_side` / `max_page_pixels`.
    pub pdf_dpi: f32,
    /// Largest total area of the images one PDF page draws (as their
    /// dictionaries and codec headers declare them), in pixels.
    pub max_pdf_image_pixels: u64,
    /// Largest decoded size of one PDF stream (content, form, font, image data
    /// before the image codec), in bytes.
    pub max_pdf_stream_bytes: u64,
    /// Largest total of decoded PDF stream bytes plus image pixels × components
    /// while a [`Budget`] lasts.
    pub max_pdf_total_decode: u64,
    /// Most objects examined for one PDF page (resources, forms, images, fonts).
    pub max_pdf_objects: usize,
    /// Most XObjects one PDF page draws, counting every time a form is drawn by
    /// another form (nested forms multiply).
    pub max_pdf_draws: u64,
    /// Most Type 3 glyphs one PDF page draws: every character shown with a
    /// Type 3 font runs its glyph's procedure (a content stream of its own),
    /// and glyphs shown inside glyphs and forms multiply.
    pub max_pdf_glyphs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 * 1024 * 1024,
            max_side: 12_000,
            max_pixels: 120_000_000,
            max_page_pixels: 20_000_000,
            max_decode_bytes: 400 * 1024 * 1024,
            max_total_pixels: 400_000_000,
            max_pdf_pages: 50,
            // 200 inches, the largest page PDF readers are required to support.
            max_pdf_page_pt: 14_400.0,
            pdf_dpi: 300.0,
            max_pdf_image_pixels: 120_000_000,
            max_pdf_stream_bytes: 64 * 1024 * 1024,
            max_pdf_total_decode: 2 * 1024 * 1024 * 1024,
            max_pdf_objects: 20_000,
            max_pdf_draws: 10_000,
            max_pdf_glyphs: 200_000,
        }
    }
}

/// What remains of the [`Limits`] that hold for several inputs together (a
/// whole run): the total area of the pages returned, and the PDF decoding work.
///
/// [`load()`] and [`load_with_notes`] start a fresh budget for each call; pass
/// one budget to [`load_with_budget`] for every input of a run so that many
/// files cannot add up to more than one run's worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pixels: u64,
    pdf_decode: u64,
    total_pixels: u64,
    total_pdf_decode: u64,
}

impl Budget {
    /// A full budget for `limits`.
    pub fn new(limits: &Limits) -> Self {
        Budget {
            pixels: limits.max_total_pixels,
            pdf_decode: limits.max_pdf_total_decode,
            total_pixels: limits.max_total_pixels,
            total_pdf_decode: limits.max_pdf_total_decode,
        }
    }

    /// Page pixels that may still be returned.
    pub fn pixels_left(&self) -> u64 {
        self.pixels
    }

    /// PDF decoding work (stream bytes and image pixels × components) left.
    pub fn pdf_decode_left(&self) -> u64 {
        self.pdf_decode
    }
}

/// Why an input could not be read. Every variant names the file, says what is
/// wrong, and (in its message) hints at what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The file or directory could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The path names a FIFO, a device, a socket...: not a file to read.
    #[error("{} is {what}, not a regular file; give the path of an image or PDF file", path.display())]
    NotAFile {
        /// The path concerned.
        path: PathBuf,
        /// What it is, e.g. "a FIFO (named pipe)".
        what: &'static str,
    },
    /// The file has no content.
    #[error("{} is empty (0 bytes); scan or export it again", path.display())]
    Empty {
        /// The file concerned.
        path: PathBuf,
    },
    /// The content is neither a supported image nor a PDF.
    #[error(
        "{} is not a PNG, JPEG, TIFF, WebP, BMP, PNM image or a PDF{}; convert it to PNG or PDF",
        path.display(),
        detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
    )]
    UnsupportedFormat {
        /// The file concerned.
        path: PathBuf,
        /// What the content looked like, when known (e.g. "a GIF image").
        detail: Option<String>,
    },
    /// The input exceeds a [`Limits`] bound (possibly a decompression bomb).
    #[error("{} is too large: {what}; rescan at 300–600 dpi or crop it", path.display())]
    TooLarge {
        /// The file concerned.
        path: PathBuf,
        /// Which bound, e.g. "image is 100000×100000 pixels, more than 12000 on a side".
        what: String,
    },
    /// The content is damaged or truncated.
    #[error(
        "{} could not be decoded as {format}: {detail}; the file may be truncated or damaged, \
         export or scan it again",
        path.display()
    )]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// What it claims to be, e.g. "PNG" or "PDF".
        format: String,
        /// The decoder's complaint.
        detail: String,
    },
    /// A directory held no readable image or PDF.
    #[error(
        "{} holds no readable image or PDF ({skipped} file(s) skipped); \
         point to the scans themselves",
        path.display()
    )]
    NoPages {
        /// The directory.
        path: PathBuf,
        /// How many entries were skipped.
        skipped: usize,
    },
}

impl ScanError {
    /// The file or directory the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            ScanError::Io { path, .. }
            | ScanError::NotAFile { path, .. }
            | ScanError::Empty { path }
            | ScanError::UnsupportedFormat { path, .. }
            | ScanError::TooLarge { path, .. }
            | ScanError::Corrupt { path, .. }
            | ScanError::NoPages { path, .. } => path,
        }
    }
}

#[cfg(test)]
#[path = "hostile_tests.rs"]
mod hostile_tests;
