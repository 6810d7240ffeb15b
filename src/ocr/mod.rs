//! The recovery text: the sheet's frames printed as checked lines of OCR-B
//! text, and a recogniser that reads them back from a scan.
//!
//! - [`lines`]: the line format (encode frames to lines, check and decode
//!   typed or recognised lines back to frame texts for
//!   [`assemble`](crate::assemble::assemble));
//! - [`block`]: how the lines are set on the sheet (rows, marks, geometry);
//! - [`glyphs`]: OCR-B glyph bitmaps rasterised from the embedded font;
//! - [`recognise`]: finds the blocks on a page image and reads their lines
//!   ([`read_page`]).

pub mod block;
pub mod glyphs;
pub mod lines;
pub mod recognise;

pub use lines::{LineError, decode_lines, encode_frames};
pub use recognise::{ReadLine, find_blocks, read_page, read_page_detailed, rectified_blocks};

/// Read every recovery-text line on `pages` and rebuild the frames whose
/// lines all pass their checks: frame texts for assembly, and the problems.
pub fn frames_from_pages<'a>(pages: impl IntoIterator<Item = &'a image::GrayImage>) -> (Vec<String>, Vec<LineError>) {
    let lines: Vec<String> = pages.into_iter().flat_map(read_page).collect();
    decode_lines(&lines)
}
