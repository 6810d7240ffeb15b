//! The rxing adapter: one decoder pass over one grayscale image, and rxing's
//! results turned into this module's [`Hit`]s and loose finder patterns.
//!
//! Exists apart from the search because it is the only code that knows rxing's
//! API (the C++ port's finder-pattern sets, the classic ZXing detector, the
//! decoder), catches its panics, and charges each pass (by its area) and
//! candidate symbol to the search's allowance.

use std::panic::{AssertUnwindSafe, catch_unwind};

use image::GrayImage;
use rxing::common::{BitMatrix, DetectorRXingResult, HybridBinarizer};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{FindFinderPatterns, GenerateFinderPatternSets, SampleQR};
use rxing::{BinaryBitmap, DecodeHints, Luma8Source, Point};

use super::{Allowance, MIN_SIDE, dist};
use crate::scan::charset::bytes_to_text;

/// Most candidate symbols sampled in one decoder pass.
const MAX_CANDIDATES_PER_PASS: usize = 1_500;

/// Most finder patterns (as the C++ port finds them) on an image that the
/// classic ZXing detector is run on. Its pattern selection tries every triple
/// of the patterns it sees: on a page of 1,120 small codes (3,360 patterns)
/// one call took 20 s, and it returns a single code anyway, where the sets
/// above read them all. A few codes and their noise stay far below.
const MAX_PATTERNS_FOR_CLASSIC: usize = 150;

/// Decoded symbol in the coordinates of the image it was decoded from.
pub(super) struct Hit {
    pub(super) text: String,
    pub(super) bytes: Vec<u8>,
    pub(super) corners: [(f32, f32); 4],
    pub(super) module: f32,
    /// The sampled module matrix the text was decoded from (measured by
    /// [`crate::scan::margin::measure`] only if the code is new to the search).
    pub(super) bits: BitMatrix,
}

/// What one decoder run saw in an image (image coordinates).
pub(super) struct Decoded {
    pub(super) hits: Vec<Hit>,
    /// Finder patterns not used by a decoded symbol: centre and module size.
    pub(super) loose: Vec<((f32, f32), f32)>,
}

/// Run the catch_unwind-guarded decoders on one grayscale image: every
/// finder-pattern set of rxing's C++ port (all codes), then the ZXing Java
/// detector (one code, occasionally one the other misses; only on images
/// with at most [`MAX_PATTERNS_FOR_CLASSIC`] finder patterns). The pass is
/// charged to `allowance` by its image's area, every candidate symbol decoded
/// by one; a candidate whose three finder patterns are all `known` (inside a
/// code already found) is passed over unpaid.
pub(super) fn decode_image(img: &GrayImage, allowance: &mut Allowance, known: &dyn Fn((f32, f32)) -> bool) -> Decoded {
    let mut out = Decoded { hits: Vec::new(), loose: Vec::new() };
    let (w, h) = img.dimensions();
    allowance.charge_pass(u64::from(w) * u64::from(h));
    if w < MIN_SIDE || h < MIN_SIDE {
        return out;
    }
    let Ok(source) = Luma8Source::new_with_slice(img.as_raw(), w, h) else {
        return out;
    };
    let bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let Ok(bits) = catch_unwind(AssertUnwindSafe(|| bitmap.get_black_matrix())) else {
        return out;
    };

    let (patterns, sets) = catch_unwind(AssertUnwindSafe(|| {
        let mut patterns = FindFinderPatterns(bits, true, 0);
        let sets = GenerateFinderPatternSets(&mut patterns);
        (patterns, sets)
    }))
    .unwrap_or_default();
    let mut used = Vec::new();
    for (tried, set) in sets.into_iter().enumerate() {
        if allowance.spent() || tried >= MAX_CANDIDATES_PER_PASS {
            break;
        }
        if used.contains(&set.bl) || used.contains(&set.tl) || used.contains(&set.tr) {
            continue;
        }
        if [set.tl, set.tr, set.bl].iter().all(|p| known(point(p.p))) {
            used.extend([set.bl, set.tl, set.tr]);
            continue;
        }
        allowance.charge(1);
        let decoded = catch_unwind(AssertUnwindSafe(|| {
            let detected = SampleQR(bits, &set).ok()?;
            let (text, bytes) = decode_bits(detected.getBits())?;
            let (corners, module) =
                corners_from_finders(point(set.tl.p), point(set.tr.p), point(set.bl.p), detected.getBits().width());
            Some(Hit { text, bytes, corners, module, bits: detected.getBits().clone() })
        }));
        if let Ok(Some(hit)) = decoded {
            used.extend([set.bl, set.tl, set.tr]);
            push_unique(&mut out.hits, hit);
        }
    }
    out.loose = patterns.iter().filter(|p| !used.contains(p)).map(|p| (point(p.p), p.size as f32 / 7.0)).collect();

    if allowance.spent() || patterns.len() > MAX_PATTERNS_FOR_CLASSIC {
        return out;
    }
    allowance.charge(1);
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        let hints = DecodeHints { TryHarder: Some(true), ..DecodeHints::default() };
        let detected = rxing::qrcode::detector::Detector::new(bits).detect_with_hints(&hints).ok()?;
        let (text, bytes) = decode_bits(detected.getBits())?;
        // Result points: bottom-left, top-left, top-right finder centres.
        let p = detected.getPoints();
        if p.len() < 3 {
            return None;
        }
        let (corners, module) = corners_from_finders(point(p[1]), point(p[2]), point(p[0]), detected.getBits().width());
        Some(Hit { text, bytes, corners, module, bits: detected.getBits().clone() })
    }));
    if let Ok(Some(hit)) = decoded {
        push_unique(&mut out.hits, hit);
    }
    out
}

fn push_unique(hits: &mut Vec<Hit>, hit: Hit) {
    if !hits.iter().any(|h| h.text == hit.text) {
        hits.push(hit);
    }
}

fn point(p: Point) -> (f32, f32) {
    (p.x, p.y)
}

/// Decode a sampled module grid; `None` unless the error correction succeeded.
fn decode_bits(bits: &BitMatrix) -> Option<(String, Vec<u8>)> {
    let result = Decode(bits).ok()?;
    if !result.isValid() {
        return None;
    }
    let bytes = result.content().bytes().to_vec();
    Some((bytes_to_text(&bytes), bytes))
}

/// Symbol corners (TL, TR, BR, BL) and module size from the three
/// finder-pattern centres of a `dim`-module symbol (finder centres sit 3.5
/// modules in from the edges).
fn corners_from_finders(tl: (f32, f32), tr: (f32, f32), bl: (f32, f32), dim: u32) -> ([(f32, f32); 4], f32) {
    let span = (dim as f32 - 7.0).max(1.0);
    let u = ((tr.0 - tl.0) / span, (tr.1 - tl.1) / span);
    let v = ((bl.0 - tl.0) / span, (bl.1 - tl.1) / span);
    let at = |a: f32, b: f32| (tl.0 + a * u.0 + b * v.0, tl.1 + a * u.1 + b * v.1);
    let (lo, hi) = (-3.5, span + 3.5);
    let module = (dist((0.0, 0.0), u) + dist((0.0, 0.0), v)) / 2.0;
    ([at(lo, lo), at(hi, lo), at(hi, hi), at(lo, hi)], module)
}
