//! Paper: everything between "these frames must be printed" and the PDF bytes.
//!
//! The rest of the library hands this module a [`SheetDoc`] — what the sheet
//! must say — and gets back a PDF. Geometry lives in [`geometry`] as named
//! constants and pure functions; [`layout`] places blocks on pages; [`pdf`]
//! draws them; [`fonts`] owns the embedded fonts and the check that every
//! character can be printed; [`qr`] builds the symbols.

pub mod qr;

pub use qr::{Ecc, Symbol};

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
}
