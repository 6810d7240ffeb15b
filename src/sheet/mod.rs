//! Paper: everything between "these frames must be printed" and the PDF bytes.
//!
//! The rest of the library hands this module a [`SheetDoc`] — what the sheet
//! must say — and gets back a PDF. Geometry lives in [`geometry`] as named
//! constants and pure functions; [`layout`] places blocks on pages; [`pdf`]
//! draws them; [`fonts`] owns the embedded fonts and the check that every
//! character can be printed; [`text`] holds the wording of the sheet (the
//! standard list of text blocks); [`qr`] builds the symbols.
//!
//! Entry points: [`render`] (the standard sheet), [`render_blocks`] (with a
//! custom text flow, e.g. [`standard_blocks`] plus a recovery-text block),
//! [`code_positions`] / [`layout_sheet`] (where everything sits, in mm from
//! the top-left corner of each page).

pub mod fonts;
pub mod gallery;
pub mod geometry;
pub mod layout;
pub mod pdf;
pub mod qr;
pub mod recovery_block;
pub mod text;

pub use geometry::RectMm;
pub use layout::{Block, CodePlacement, Column, Layout, Span, Style, Table};
pub use qr::{Ecc, Symbol};
pub use text::{DataOrder, standard_blocks, standard_blocks_in};

/// The largest font file read for `--font` (the largest CJK collections are
/// about 30 MB).
pub const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

/// Why a sheet could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// Characters no embedded font (nor the extra one) has a glyph for.
    #[error("{}", unprintable_message(chars))]
    Unprintable { chars: Vec<char> },
    /// A control character in a text to print (the caller must not send them).
    #[error("control character U+{:04X} in text to print: {context:?}", u32::from(*ch))]
    ControlChar { ch: char, context: String },
    /// The extra font cannot be read.
    #[error("the extra font cannot be used: {0}")]
    BadFont(String),
    /// The content does not fit the paper (a code too large, …).
    #[error("cannot lay out the sheet: {0}")]
    Layout(String),
    /// The PDF writer failed.
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
}

fn unprintable_message(chars: &[char]) -> String {
    let list: Vec<String> = chars.iter().map(|c| format!("'{c}' U+{:04X}", u32::from(*c))).collect();
    format!(
        "no font can print {}; a font that covers them is needed \
         (e.g. Noto Sans CJK for Chinese, Japanese or Korean)",
        list.join(", ")
    )
}

/// Render the sheet as PDF bytes. The same `doc` gives the same bytes.
pub fn render(doc: &SheetDoc) -> Result<Vec<u8>, SheetError> {
    render_blocks(doc, &standard_blocks(doc))
}

/// Render the sheet with a custom text flow (e.g. [`standard_blocks`] with
/// more blocks inserted).
pub fn render_blocks(doc: &SheetDoc, blocks: &[Block]) -> Result<Vec<u8>, SheetError> {
    let fonts = fonts::Fonts::new(doc.extra_font.as_deref())?;
    let layout = layout::layout(doc, blocks, &fonts)?;
    pdf::draw(doc, &fonts, &layout)
}

/// Draw a sheet already laid out with [`layout_sheet`].
pub fn draw_layout(doc: &SheetDoc, layout: &Layout) -> Result<Vec<u8>, SheetError> {
    let fonts = fonts::Fonts::new(doc.extra_font.as_deref())?;
    pdf::draw(doc, &fonts, layout)
}

/// Lay the sheet out without drawing it.
pub fn layout_sheet(doc: &SheetDoc, blocks: &[Block]) -> Result<Layout, SheetError> {
    let fonts = fonts::Fonts::new(doc.extra_font.as_deref())?;
    layout::layout(doc, blocks, &fonts)
}

/// Where each code of the standard sheet sits (page, rectangle in mm from the
/// top-left corner of the page), in the order of [`SheetDoc::codes`].
pub fn code_positions(doc: &SheetDoc) -> Result<Vec<CodePlacement>, SheetError> {
    Ok(layout_sheet(doc, &standard_blocks(doc))?.code_placements())
}

/// Paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 215.9 × 279.4 mm.
    Letter,
}

/// One secret as printed in clear: a heading and monospaced lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretBlock {
    /// e.g. `1. Backup codes — Binance (10 codes)`.
    pub heading: String,
    /// Lines in the large monospaced font, e.g. ` 1. a3f8-9d2c-bk4m-xy7p`.
    pub lines: Vec<String>,
}

/// One QR code to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// Shard index, 0-based (printed 1-based as "code 3 of 6").
    pub index: usize,
    /// The frame text the symbol holds.
    pub text: String,
    /// The symbol itself.
    pub symbol: Symbol,
}

/// Everything a sheet shows. Built by the library from a manifest and a plan.
#[derive(Debug, Clone)]
pub struct SheetDoc {
    pub title: String,
    /// Creation date, `YYYY-MM-DD`.
    pub date: String,
    /// `K7QF-3M2X-9TRD`.
    pub fingerprint: String,
    /// What the header calls it: `Fingerprint`, or on share sheets
    /// `Fingerprint of the secrets` (the one restore reports after combining).
    pub fingerprint_label: String,
    /// On a share sheet: K and N of its split (the instructions then say
    /// how many share sheets to bring together).
    pub share_of: Option<(u8, u8)>,
    /// `paperseed 0.1.0`.
    pub program: String,
    pub format_version: u32,
    pub paper: Paper,
    /// The secrets in clear, or `None` when `--no-plaintext` was given.
    pub secrets: Option<Vec<SecretBlock>>,
    /// The codes, in shard order.
    pub codes: Vec<CodeBlock>,
    /// Any `k` of the `n` codes restore the payload.
    pub k: usize,
    pub n: usize,
    pub ecc: Ecc,
    /// Payload length in bytes (for the format paragraph).
    pub payload_len: usize,
    /// Extra notices printed under the header (encryption, shares…).
    pub notices: Vec<String>,
    /// A user-supplied font (`--font PATH`) for scripts the embedded fonts lack.
    pub extra_font: Option<Vec<u8>>,
    /// The recovery text (FORMAT.md §11), or why it is not printed.
    pub recovery: Recovery,
}

/// The recovery text of a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Recovery {
    /// The lines to print.
    Lines(Vec<String>),
    /// Left out by choice (`--recovery-text off`).
    #[default]
    Off,
    /// Left out by default because it would take this many lines.
    TooLarge { lines: usize },
}
