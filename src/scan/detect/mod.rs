//! Finding every QR code on a page.
//!
//! A paperseed sheet carries several QR codes on a grid, and a restore may start
//! from a crisp scan or a poor phone photo. rxing reads a clean page in one pass
//! but loses codes to noise, low contrast, uneven light, and to finder patterns
//! of neighbouring codes being paired together. [`find_codes`] therefore works
//! cheap-first and stops as soon as the caller's `expected` count is met:
//!
//! 1. the whole page as it is (a page over 4000 px first at half size);
//! 2. the preprocessing ladder on the whole page (×0.5 downscale → median 3×3 →
//!    contrast stretch → adaptive threshold → inverted, see [`super::prepare`];
//!    `Thorough` adds Otsu, ×2 upscaling of small images, and the ladder again
//!    on a smoothed page);
//! 3. regions: the codes already read are blanked (painted white) and the page
//!    searched again; windows are decoded, each with the ladder, around finder
//!    patterns that belong to no decoded code, at the cells of the grid the
//!    decoded codes predict (same rows and columns, gaps, one step beyond), and,
//!    while codes are still missing (or at `Thorough`), across the whole page in
//!    overlapping windows of 1.6 symbol sizes.
//!
//! With no `expected` count, the whole-page search ends (below `Thorough`) once
//! codes were found and every finder pattern the detector saw belongs to one of
//! them: a clean page costs one pass. Once the module size is known, passes run
//! on images halved until modules are 4–8 px wide.
//!
//! The work is bounded per page, in units that follow the time spent (see
//! [`MAX_WORK`]): a pass costs by the pixels it scans, a candidate symbol by
//! one; candidates inside codes already found are not decoded again, and the
//! classic detector (cubic in the finder patterns it sees) is left out on
//! crowded images. A page covered in 1,120 small codes is read in one pass.
//!
//! Decoding uses rxing's detectors and decoder directly on a luma buffer (see
//! [`super`] for why); every call into rxing is wrapped in `catch_unwind`, and a
//! panic counts as "nothing found there".
//!
//! The module is split by job: `search` decides where to look and how much
//! work to spend (the whole page, the ladder, blanked pages, windows, the
//! work budget); `ladder` builds the preprocessed images one region is
//! tried with; `decoder` is the adapter to rxing (one decoder pass over one
//! image, and rxing's results turned into ours). This file holds the public
//! types and entry points.

mod decoder;
mod ladder;
mod search;

use image::GrayImage;

use super::margin::EccUsage;

/// How hard [`find_codes`] tries before giving up on codes it has not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Effort {
    /// Whole-page passes only: the page, then the ladder until the search settles.
    Quick,
    /// Adds regions: the blanked page, windows around unexplained finder
    /// patterns and at predicted grid cells, and, only while an `expected`
    /// count is not met, windows across the whole page.
    #[default]
    Normal,
    /// Everything, whatever was found: the whole ladder (plus Otsu, smoothing,
    /// ×2 upscaling of small images), the blanked page, and windows across the
    /// whole page (also when nothing was found). Seconds on a large photo.
    Thorough,
}

/// What [`find_codes`] should look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DetectOptions {
    /// Stop as soon as this many distinct codes are found (e.g. the `n` of a
    /// sheet whose first code was already read). `None`: no count known.
    pub expected: Option<usize>,
    /// How much work to spend on codes not found by the cheap passes.
    pub effort: Effort,
}

/// One decoded QR code.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundCode {
    /// The decoded text (bytes converted as ZXing does: UTF-8, Shift_JIS or ISO-8859-1).
    pub text: String,
    /// The symbol's data bytes as decoded (before any character-set
    /// guessing): what binary payloads such as CompactSeedQR need.
    pub bytes: Vec<u8>,
    /// Corners of the symbol (without quiet zone) in page pixel coordinates:
    /// top-left, top-right, bottom-right, bottom-left as the symbol reads
    /// (estimated from the finder patterns).
    pub corners: [(f32, f32); 4],
    /// How much of its error correction the read needed (the worst
    /// Reed–Solomon block's corrected codewords over what it can correct, see
    /// [`super::margin`]), for the first read of this code the search made;
    /// `None` only if the symbol could not be measured (not QR Model 2).
    pub ecc: Option<EccUsage>,
    /// Modules on a side of the symbol (21 for version 1, 17 + 4·version).
    pub dimension: u32,
}

impl FoundCode {
    fn center(&self) -> (f32, f32) {
        let x = self.corners.iter().map(|c| c.0).sum::<f32>() / 4.0;
        let y = self.corners.iter().map(|c| c.1).sum::<f32>() / 4.0;
        (x, y)
    }

    /// Mean side length in pixels.
    fn side(&self) -> f32 {
        let c = &self.corners;
        (0..4).map(|i| dist(c[i], c[(i + 1) % 4])).sum::<f32>() / 4.0
    }
}

fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Most decoder attempts [`find_codes`] makes on one page: every decoder pass
/// over an image or window counts one, and so does every candidate symbol
/// (a set of three finder patterns) sampled and decoded. A clean sheet costs a
/// few dozen, a thorough search of a poor photo a few thousand. Counted rather
/// than timed, so the result does not depend on the machine.
pub const MAX_ATTEMPTS: usize = 20_000;

/// Most work [`find_codes`] spends on one page, in units of [`SearchStats::work`]:
/// a candidate symbol sampled and decoded costs one; a decoder pass one plus
/// one per [`PIXELS_PER_WORK`] pixels of its image, and so does making a
/// preprocessed image (binarizing, filtering and scanning an image cost in
/// proportion to its area). A pass over a whole 300 dpi A4 page costs 870,
/// one over a 300×300 window 10. A clean sheet costs about a thousand, a
/// thorough search of a poor 300 dpi scan up to some 60,000 (a 20-megapixel
/// page, the largest the loader hands on, about twice that); a page covered
/// in small codes, finder patterns or noise stops here instead of running
/// for minutes. A unit took 25–75 µs on a 2-core machine of 2025
/// (`benches/scan_work.rs`): 4–11 s at the bound.
pub const MAX_WORK: u64 = 150_000;

/// Pixels of an image that cost one unit of work to scan or make (about
/// the time of decoding one candidate symbol).
pub const PIXELS_PER_WORK: u64 = 10_000;

/// How much a search may spend: see [`MAX_ATTEMPTS`] and [`MAX_WORK`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchLimits {
    /// Most decoder attempts (passes plus candidate symbols).
    pub max_attempts: usize,
    /// Most work, in units of [`SearchStats::work`].
    pub max_work: u64,
}

impl Default for SearchLimits {
    fn default() -> Self {
        SearchLimits { max_attempts: MAX_ATTEMPTS, max_work: MAX_WORK }
    }
}

/// What a [`find_codes_counted`] search did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SearchStats {
    /// Decoder attempts made (passes plus candidate symbols tried).
    pub attempts: usize,
    /// Work done: one per candidate symbol, one per pass plus its image's
    /// pixels over [`PIXELS_PER_WORK`]. Deterministic, and roughly
    /// proportional to the time spent.
    pub work: u64,
    /// Whether the search stopped because [`MAX_ATTEMPTS`] or [`MAX_WORK`]
    /// (or the [`SearchLimits`] given) was reached.
    pub exhausted: bool,
}

/// Find every distinct QR code text on `page` (deduplicated by text, in the
/// order found). Accepts any QR code, not only paperseed's. Never panics on
/// image content; the work is bounded by [`MAX_ATTEMPTS`] and [`MAX_WORK`].
pub fn find_codes(page: &GrayImage, opts: &DetectOptions) -> Vec<FoundCode> {
    find_codes_counted(page, opts).0
}

/// [`find_codes`], also reporting the work done.
pub fn find_codes_counted(page: &GrayImage, opts: &DetectOptions) -> (Vec<FoundCode>, SearchStats) {
    find_codes_limited(page, opts, &SearchLimits::default())
}

/// [`find_codes_counted`] with at most `max_attempts` decoder attempts (and
/// [`MAX_WORK`]).
pub fn find_codes_bounded(
    page: &GrayImage,
    opts: &DetectOptions,
    max_attempts: usize,
) -> (Vec<FoundCode>, SearchStats) {
    find_codes_limited(page, opts, &SearchLimits { max_attempts, ..SearchLimits::default() })
}

/// [`find_codes_counted`] within `limits`.
pub fn find_codes_limited(
    page: &GrayImage,
    opts: &DetectOptions,
    limits: &SearchLimits,
) -> (Vec<FoundCode>, SearchStats) {
    search::search(page, opts, limits)
}

/// What a search may still spend, and what it spent.
#[derive(Debug, Clone, Copy)]
struct Allowance {
    attempts_left: usize,
    work_left: u64,
    attempts: usize,
    work: u64,
}

impl Allowance {
    fn new(limits: &SearchLimits) -> Self {
        Allowance { attempts_left: limits.max_attempts, work_left: limits.max_work, attempts: 0, work: 0 }
    }

    /// Nothing left: the search stops.
    fn spent(&self) -> bool {
        self.attempts_left == 0 || self.work_left == 0
    }

    /// Charge one attempt of `work` units (the last one may overdraw: it is
    /// charged what was left).
    fn charge(&mut self, work: u64) {
        self.attempts_left = self.attempts_left.saturating_sub(1);
        self.attempts += 1;
        let work = work.min(self.work_left);
        self.work_left -= work;
        self.work += work;
    }

    /// Work on `pixels` pixels outside a decoder pass (making a ladder image),
    /// charged without counting an attempt.
    fn charge_pixels(&mut self, pixels: u64) {
        let work = (pixels / PIXELS_PER_WORK).min(self.work_left);
        self.work_left -= work;
        self.work += work;
    }

    /// One decoder pass over an image of `pixels` pixels.
    fn charge_pass(&mut self, pixels: u64) {
        self.charge(1 + pixels / PIXELS_PER_WORK);
    }

    fn stats(&self) -> SearchStats {
        SearchStats { attempts: self.attempts, work: self.work, exhausted: self.spent() }
    }
}

/// Smallest image side worth handing to the decoder (a version-1 symbol).
const MIN_SIDE: u32 = 21;

#[cfg(test)]
mod tests;
