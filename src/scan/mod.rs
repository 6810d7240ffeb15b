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
//! decoder allocations are capped ([`Limits`]), PDF page counts and sizes are
//! bounded, and panics inside the image, PDF and QR decoders are caught and
//! turned into errors (or, for QR decoding, into "nothing found").
//!
//! QR decoding uses rxing's detector and decoder directly (finder-pattern sets
//! of the ZXing C++ port plus the classic ZXing detector), because the crate is
//! built without rxing's `multi_barcode_readers` feature and with
//! `no_character_set_support`, under which rxing's high-level readers panic
//! while converting bytes to text; the bytes are converted here instead.

mod charset;
pub mod detect;
pub mod load;
pub mod prepare;

use std::path::PathBuf;

pub use detect::{DetectOptions, Effort, FoundCode, find_codes};
pub use load::{Loaded, Page, SkipReason, Skipped, load, load_with_notes};

/// Bounds applied to untrusted input files.
///
/// The defaults accept anything a scanner or phone produces (a 600 dpi A4 scan
/// is 4960×7016, a 200 Mpx phone photo is refused) while keeping a hostile file
/// from exhausting memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Largest accepted image width or height, in pixels (also applies to a
    /// rendered PDF page).
    pub max_side: u32,
    /// Largest accepted image area, in pixels.
    pub max_pixels: u64,
    /// Largest allocation an image decoder may make, in bytes.
    pub max_decode_bytes: u64,
    /// Largest total area of all pages returned by one [`load()`] call, in pixels.
    pub max_total_pixels: u64,
    /// Most pages read from one PDF.
    pub max_pdf_pages: usize,
    /// Largest PDF page side, in points (1/72 inch).
    pub max_pdf_page_pt: f32,
    /// Resolution PDF pages are rendered at, in dots per inch. Lowered for a
    /// page that would otherwise exceed `max_side` / `max_pixels`.
    pub pdf_dpi: f32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 * 1024 * 1024,
            max_side: 12_000,
            max_pixels: 150_000_000,
            max_decode_bytes: 600 * 1024 * 1024,
            max_total_pixels: 1_000_000_000,
            max_pdf_pages: 50,
            // 200 inches, the largest page PDF readers are required to support.
            max_pdf_page_pt: 14_400.0,
            pdf_dpi: 300.0,
        }
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
            | ScanError::Empty { path }
            | ScanError::UnsupportedFormat { path, .. }
            | ScanError::TooLarge { path, .. }
            | ScanError::Corrupt { path, .. }
            | ScanError::NoPages { path, .. } => path,
        }
    }
}
