//! Reading the recovery text back from a scan, beside the QR reader: a
//! recogniser that knows the OCR-B font and the block it printed.
//!
//! - [`glyphs`]: OCR-B glyph bitmaps rasterised from the embedded font;
//! - [`recognise`]: finds the blocks on a page image and reads their lines
//!   ([`read_page`]).
//!
//! The line codecs are in [`crate::format::text`] (format v2) and
//! [`crate::format::text_v1`]; how the block is set on the sheet is
//! [`crate::sheet::recovery_block`].

pub mod glyphs;
pub mod recognise;

pub use crate::format::text_v1::{LineError, decode_lines, encode_frames};
pub use recognise::{ReadLine, find_blocks, read_page, read_page_detailed, rectified_blocks};

/// Read every recovery-text line on `pages` and rebuild the frames whose
/// lines all pass their checks: frame texts for assembly, and the problems.
pub fn frames_from_pages<'a>(pages: impl IntoIterator<Item = &'a image::GrayImage>) -> (Vec<String>, Vec<LineError>) {
    let lines: Vec<String> = pages.into_iter().flat_map(read_page).collect();
    decode_lines(&lines)
}
