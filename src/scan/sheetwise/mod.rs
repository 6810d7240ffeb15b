//! Sheet-aware reading: the codes a generic reader misses, found and decoded
//! with what the codes already read say about the others.
//!
//! Every code of a paperseed sheet has the same version, level and module
//! size, and the same orientation on the page. Once one is read, the others
//! need no binarisation and no guessing of their size:
//!
//! 1. **Finders by shape** (`finders`): finder patterns are measured at
//!    the known module size from box sums of the grey page (no threshold),
//!    which survives blur and 2.5–3.5-pixel modules.
//! 2. **Hypotheses**: each candidate is taken as a code's top-left, top-right
//!    or bottom-left finder; with the known version and orientation, that
//!    places the whole symbol. Candidates that place the same symbol support
//!    each other; a single finder is enough (a stain may cover the others).
//! 3. **Fit** (`geometry`): the finders and the alignment patterns are
//!    located by correlation around the hypothesis and a projective map
//!    fitted to them.
//! 4. **Soft sampling and decoding** (`symbol`): each module gets a soft
//!    value against a local threshold, codewords a reliability; each block
//!    is corrected with its least reliable codewords erased (errors and
//!    erasures, 2e + s ≤ d − 1, with Reed–Solomon of `rs`); a few sampling
//!    phases and a module-space sharpening are tried.
//!
//! When no code was read at all, candidate finders are measured at several
//! module sizes and grouped into right-angled triples with equal legs, each
//! tried at the versions its size allows; once one decodes, the rest follow
//! as above.
//!
//! The caller says which texts are wanted (`accept`: a paperseed frame whose
//! CRC-32 holds), so that nothing else is returned; everything read this way
//! also passes the sheet's BLAKE3 checksum before it is used. The work is
//! bounded ([`MAX_FITS`] symbols fitted a page) and counted ([`SheetStats`]).
//! Pure computation on one image: no threads, no files (it builds for
//! `wasm32-unknown-unknown`).

mod finders;
mod geometry;
mod rs;
mod symbol;

use image::GrayImage;
use rxing::qrcode::common::ErrorCorrectionLevel;

use geometry::{Homography, Pt, Sampling};

use super::detect::FoundCode;
use super::margin::EccUsage;

/// Most symbols fitted (finders and alignment patterns located, then
/// sampled) on one page.
pub const MAX_FITS: usize = 40;

/// Lowest score of a finder that places a symbol on its own.
const SINGLE_MIN_SCORE: f32 = 0.25;

/// Most symbols fitted when no code of the sheet was read (blind search).
const MAX_BLIND_FITS: usize = 30;

/// Lowest finder score (see [`finders::Candidate::score`]) a blind search
/// builds on: without a code read, only clear finders are worth a fit.
const BLIND_MIN_SCORE: f32 = 0.08;

/// Module sizes a sheet's codes can have on a page of `w`×`h` pixels, in
/// pixels: paperseed prints 0.5–1.0 mm modules on A4 or Letter, and the
/// page fills between half and all of the image's shorter side (a scan, or
/// a photo of the sheet).
fn module_range(w: u32, h: u32) -> (f64, f64) {
    let px_per_mm = f64::from(w.min(h)) / 216.0;
    ((0.45 * 0.5 * px_per_mm).max(2.0), 1.05 * px_per_mm)
}

/// What [`read_missing`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SheetStats {
    /// Finder-pattern candidates measured.
    pub candidates: usize,
    /// Symbols fitted to the page.
    pub fits: usize,
    /// Soft decodes attempted (sampling phases × fits).
    pub decodes: usize,
    /// Codes read.
    pub read: usize,
    /// Symbols whose Reed–Solomon decoding succeeded but whose text the
    /// caller refused (a decode that was wrong, or another QR code).
    pub refused: usize,
}

/// The shape all codes of the sheet share, from the codes already read.
#[derive(Debug, Clone)]
struct Model {
    version: u32,
    dim: u32,
    /// Module size, page pixels.
    module: f64,
    level: Option<ErrorCorrectionLevel>,
}

fn steps_of(code: &FoundCode) -> (Pt, Pt, Pt) {
    let c = code.corners.map(|(x, y)| (f64::from(x), f64::from(y)));
    let d = f64::from(code.dimension.max(1));
    (c[0], ((c[1].0 - c[0].0) / d, (c[1].1 - c[0].1) / d), ((c[3].0 - c[0].0) / d, (c[3].1 - c[0].1) / d))
}

fn norm(p: Pt) -> f64 {
    (p.0 * p.0 + p.1 * p.1).sqrt()
}

/// Whether page point `p` lies inside the symbol `code` grown by `margin` modules.
fn inside(code: &FoundCode, p: Pt, margin: f64) -> bool {
    let (o, u, v) = steps_of(code);
    let det = u.0 * v.1 - u.1 * v.0;
    if det.abs() < 1e-9 {
        return false;
    }
    let (dx, dy) = (p.0 - o.0, p.1 - o.1);
    let a = (dx * v.1 - dy * v.0) / det;
    let b = (u.0 * dy - u.1 * dx) / det;
    let d = f64::from(code.dimension);
    (-margin..=d + margin).contains(&a) && (-margin..=d + margin).contains(&b)
}

/// Read the codes of the sheet on `page` that `found` lacks. `found` holds
/// what the page search read; only codes whose text `accept` takes count as
/// the sheet's and only such texts are returned.
pub fn read_missing(
    page: &GrayImage,
    found: &[FoundCode],
    accept: &dyn Fn(&str) -> bool,
) -> (Vec<FoundCode>, SheetStats) {
    let read = read_page(page, found, accept);
    (read.codes, read.stats)
}

/// A symbol of the sheet fitted on a page that did not decode alone: its
/// soft module values, kept to be combined with other photos of the same
/// sheet ([`combine`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    version: u32,
    level: Option<ErrorCorrectionLevel>,
    soft: symbol::Soft,
    /// Agreement of its format information with the best format word.
    format: f32,
}

/// What [`read_page`] read on one page.
#[derive(Debug, Clone, Default)]
pub struct PageRead {
    /// Codes read (texts `accept` took), not among those given.
    pub codes: Vec<FoundCode>,
    /// What was done.
    pub stats: SheetStats,
    /// Symbols fitted but not decoded, clearest first (at most
    /// [`MAX_UNREAD`]).
    pub unread: Vec<Unread>,
}

/// Most undecoded symbols [`read_page`] keeps from one page.
pub const MAX_UNREAD: usize = 16;

/// [`read_missing`], also keeping the symbols that were fitted but did not
/// decode, for [`combine`].
pub fn read_page(page: &GrayImage, found: &[FoundCode], accept: &dyn Fn(&str) -> bool) -> PageRead {
    let mut unread = Vec::new();
    let (codes, stats) = read_page_into(page, found, accept, &mut unread);
    unread.sort_by(|a: &Unread, b: &Unread| b.format.total_cmp(&a.format));
    unread.truncate(MAX_UNREAD);
    PageRead { codes, stats, unread }
}

fn read_page_into(
    page: &GrayImage,
    found: &[FoundCode],
    accept: &dyn Fn(&str) -> bool,
    unread: &mut Vec<Unread>,
) -> (Vec<FoundCode>, SheetStats) {
    let mut stats = SheetStats::default();
    let mut known: Vec<FoundCode> = found.iter().filter(|c| c.dimension >= 21 && accept(&c.text)).cloned().collect();
    let mut new: Vec<FoundCode> = Vec::new();
    let mut reduced: Vec<GrayImage> = Vec::new();
    if known.is_empty() {
        if let Some(code) = blind(page, &mut reduced, accept, &mut stats) {
            known.push(code.clone());
            new.push(code);
        } else {
            return (new, stats);
        }
    }
    let Some(mut model) = model_of(&known) else {
        return (new, stats);
    };
    if model.level.is_none() {
        model.level = level_of(page, &known[0], &model, &mut stats);
    }
    let mut cands = finders::candidates(page, &mut reduced, model.module);
    stats.candidates += cands.len();
    cands.retain(|c| !known.iter().any(|k| inside(k, c.at, 1.0)));
    let (w, h) = (f64::from(page.width()), f64::from(page.height()));
    // Hypotheses: (origin, u, v, anchor finder, support, best score, total score).
    let mut hyps: Vec<(Pt, Pt, Pt, usize, usize, f32, f32)> = Vec::new();
    let roles = geometry::finder_centres(model.dim);
    for c in &cands {
        let nearest = known
            .iter()
            .min_by(|a, b| {
                let (pa, pb) = (steps_of(a).0, steps_of(b).0);
                let da = (pa.0 - c.at.0).powi(2) + (pa.1 - c.at.1).powi(2);
                let db = (pb.0 - c.at.0).powi(2) + (pb.1 - c.at.1).powi(2);
                da.total_cmp(&db)
            })
            .expect("a known code");
        let (_, u, v) = steps_of(nearest);
        for (role, f) in roles.iter().enumerate() {
            let origin = (c.at.0 - f.0 * u.0 - f.1 * v.0, c.at.1 - f.0 * u.1 - f.1 * v.1);
            let d = f64::from(model.dim);
            let corners = [origin, (origin.0 + d * u.0, origin.1 + d * u.1), (origin.0 + d * v.0, origin.1 + d * v.1)];
            let slack = 3.0 * model.module;
            let on_page = corners.iter().all(|p| p.0 > -slack && p.1 > -slack && p.0 < w + slack && p.1 < h + slack)
                && {
                    let far = (origin.0 + d * (u.0 + v.0), origin.1 + d * (u.1 + v.1));
                    far.0 > -slack && far.1 > -slack && far.0 < w + slack && far.1 < h + slack
                };
            if !on_page {
                continue;
            }
            let centre = (origin.0 + d / 2.0 * (u.0 + v.0), origin.1 + d / 2.0 * (u.1 + v.1));
            if known.iter().any(|k| inside(k, centre, 0.0)) {
                continue;
            }
            match hyps.iter_mut().find(|hy| norm((hy.0.0 - origin.0, hy.0.1 - origin.1)) < 3.0 * model.module) {
                Some(hy) => {
                    hy.4 += 1;
                    hy.6 += c.score;
                    if c.score > hy.5 {
                        hy.3 = role;
                        hy.5 = c.score;
                    }
                }
                None => hyps.push((origin, u, v, role, 1, c.score, c.score)),
            }
        }
    }
    // Symbols the clearest finders agree on first (three clear finders
    // before one, one clear finder before two faint ones); one finder alone
    // (the others stained or torn off) only when it is a clear one.
    hyps.retain(|h| h.4 >= 2 || h.5 >= SINGLE_MIN_SCORE);
    hyps.sort_by(|a, b| b.6.total_cmp(&a.6));
    for (origin, u, v, anchor, _, _, _) in hyps {
        if stats.fits >= MAX_FITS {
            break;
        }
        let d = f64::from(model.dim);
        let centre = (origin.0 + d / 2.0 * (u.0 + v.0), origin.1 + d / 2.0 * (u.1 + v.1));
        if known.iter().any(|k| inside(k, centre, 0.0)) {
            continue;
        }
        let guess = Homography::affine(origin, u, v);
        if let Some(code) = try_symbol(page, &model, &guess, (anchor, 1.5), accept, &mut stats, Some(&mut *unread))
            && !known.iter().any(|k| k.text == code.text)
        {
            known.push(code.clone());
            new.push(code);
        }
    }
    stats.read = new.len();
    (new, stats)
}

/// Highest version a paperseed code has (docs/FORMAT.md §5).
const MAX_VERSION: u32 = 15;

/// Lowest agreement of a blind triple's timing patterns with the
/// alternation its version implies.
const MIN_TIMING: f64 = 0.15;

/// Agreement (−1…1) of the two timing patterns (row 6 between the top
/// finders, column 6 between the left ones) of a `version` symbol with
/// finder centres `tl`, `tr`, `bl` with their dark–light alternation.
fn timing_score(page: &GrayImage, version: u32, tl: Pt, tr: Pt, bl: Pt) -> f64 {
    let dim = 17 + 4 * version;
    let span = f64::from(dim) - 7.0;
    let u = ((tr.0 - tl.0) / span, (tr.1 - tl.1) / span);
    let v = ((bl.0 - tl.0) / span, (bl.1 - tl.1) / span);
    let origin = (tl.0 - 3.5 * (u.0 + v.0), tl.1 - 3.5 * (u.1 + v.1));
    let h = Homography::affine(origin, u, v);
    let mut greys = Vec::new();
    let mut dark = Vec::new();
    for i in 8..dim - 8 {
        let a = f64::from(i) + 0.5;
        for p in [(a, 6.5), (6.5, a)] {
            greys.push(f64::from(geometry::sample(page, h.map(p))));
            dark.push(i % 2 == 0);
        }
    }
    let n = greys.len() as f64;
    let mean = greys.iter().sum::<f64>() / n;
    let sd = (greys.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n).sqrt().max(1.0);
    greys.iter().zip(&dark).map(|(g, &d)| if d { (mean - g) / sd } else { (g - mean) / sd }).sum::<f64>() / n
}

/// Agreement (−1…1) of the version-information modules of a `version`
/// symbol whose finder centres are `tl`, `tr`, `bl` with that version's
/// word (ISO/IEC 18004 §7.10: 18 bits beside the top-right and the
/// bottom-left finders).
fn version_score(page: &GrayImage, version: u32, tl: Pt, tr: Pt, bl: Pt) -> f64 {
    use rxing::qrcode::common::VERSION_DECODE_INFO;
    let Some(&word) = VERSION_DECODE_INFO.get(version as usize - 7) else {
        return 0.0;
    };
    let dim = f64::from(17 + 4 * version);
    let span = dim - 7.0;
    let u = ((tr.0 - tl.0) / span, (tr.1 - tl.1) / span);
    let v = ((bl.0 - tl.0) / span, (bl.1 - tl.1) / span);
    let origin = (tl.0 - 3.5 * (u.0 + v.0), tl.1 - 3.5 * (u.1 + v.1));
    let h = Homography::affine(origin, u, v);
    let mut greys = Vec::with_capacity(36);
    let mut bits = Vec::with_capacity(36);
    for i in 0..18u32 {
        let bit = (word >> i) & 1 == 1;
        let (a, b) = (dim - 11.0 + f64::from(i % 3) + 0.5, f64::from(i / 3) + 0.5);
        for p in [(a, b), (b, a)] {
            greys.push(f64::from(geometry::sample(page, h.map(p))));
            bits.push(bit);
        }
    }
    let mean = greys.iter().sum::<f64>() / greys.len() as f64;
    let sd = (greys.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / greys.len() as f64).sqrt().max(1.0);
    greys.iter().zip(&bits).map(|(g, &bit)| if bit { (mean - g) / sd } else { (g - mean) / sd }).sum::<f64>()
        / greys.len() as f64
}

/// Version, module size and (unknown yet) level of the codes read.
fn model_of(known: &[FoundCode]) -> Option<Model> {
    let mut dims: Vec<u32> = known.iter().map(|c| c.dimension).collect();
    dims.sort_unstable();
    let dim = *dims.get(dims.len() / 2)?;
    if dim < 21 || (dim - 17) % 4 != 0 {
        return None;
    }
    let mut modules: Vec<f64> = known
        .iter()
        .filter(|c| c.dimension == dim)
        .map(|c| {
            let (_, u, v) = steps_of(c);
            (norm(u) + norm(v)) / 2.0
        })
        .collect();
    modules.sort_by(f64::total_cmp);
    let module = modules[modules.len() / 2];
    Some(Model { version: (dim - 17) / 4, dim, module, level: None })
}

/// The level of a code already read, by reading it again here.
fn level_of(page: &GrayImage, code: &FoundCode, model: &Model, stats: &mut SheetStats) -> Option<ErrorCorrectionLevel> {
    let (o, u, v) = steps_of(code);
    let guess = Homography::affine(o, u, v);
    stats.fits += 1;
    let h = geometry::fit_symbol(page, model.version, &guess, 0, 1.0)?;
    for how in sampling_phases() {
        stats.decodes += 1;
        let soft = geometry::soft_modules(page, &h, model.dim, how);
        if let Some(d) = symbol::decode(&soft, model.version, None) {
            return Some(d.level);
        }
    }
    // The format information alone, when the data does not decode here.
    let soft = geometry::soft_modules(page, &h, model.dim, Sampling { shift: (0.0, 0.0), sharpen: 0.0 });
    symbol::format_candidates(&soft).first().filter(|c| c.2 > 0.6).map(|c| c.0)
}

/// Sampling phases tried on a fitted symbol, cheapest and likeliest first.
fn sampling_phases() -> Vec<Sampling> {
    let mut out = Vec::new();
    for sharpen in [0.0, 0.6] {
        for shift in [(0.0, 0.0), (0.15, 0.0), (-0.15, 0.0), (0.0, 0.15), (0.0, -0.15)] {
            out.push(Sampling { shift, sharpen });
        }
    }
    out
}

/// Fit a symbol of the model's version near `guess` and decode it.
fn try_symbol(
    page: &GrayImage,
    model: &Model,
    guess: &Homography,
    (anchor, radius): (usize, f64),
    accept: &dyn Fn(&str) -> bool,
    stats: &mut SheetStats,
    unread: Option<&mut Vec<Unread>>,
) -> Option<FoundCode> {
    stats.fits += 1;
    let h = geometry::fit_symbol(page, model.version, guess, anchor, radius)?;
    let mut first = None;
    for how in sampling_phases() {
        stats.decodes += 1;
        let soft = geometry::soft_modules(page, &h, model.dim, how);
        let decoded = symbol::decode(&soft, model.version, model.level);
        if first.is_none() {
            first = Some(soft);
        }
        let Some(d) = decoded else {
            continue;
        };
        if !accept(&d.text) {
            stats.refused += 1;
            continue;
        }
        let dim = f64::from(model.dim);
        let corners = [(0.0, 0.0), (dim, 0.0), (dim, dim), (0.0, dim)].map(|p| {
            let (x, y) = h.map(p);
            (x as f32, y as f32)
        });
        let ecc = d.usage();
        return Some(FoundCode { text: d.text, bytes: d.bytes, corners, ecc: Some(ecc), dimension: model.dim });
    }
    if let (Some(unread), Some(soft)) = (unread, first) {
        let format = symbol::format_candidates(&soft)
            .into_iter()
            .find(|c| model.level.is_none_or(|l| l == c.0))
            .map_or(0.0, |c| c.2);
        unread.push(Unread { version: model.version, level: model.level, soft, format });
    }
    None
}

/// Lowest agreement of two undecoded symbols' data modules at which they
/// are taken for the same code (different codes agree about 0).
const SAME_CODE: f32 = 0.3;

/// Several photos of one sheet, combined per code: the undecoded symbols of
/// every page ([`PageRead::unread`]) whose data modules agree are the same
/// code seen twice or more; their soft values are averaged module by module
/// (so codeword by codeword) and decoded again. Returns the texts `accept`
/// takes, with the number of photos each was combined from.
pub fn combine(unread: &[&Unread], accept: &dyn Fn(&str) -> bool) -> Vec<(String, Vec<u8>, usize)> {
    let n = unread.len();
    let mut group: Vec<usize> = (0..n).collect();
    fn root(g: &mut [usize], mut i: usize) -> usize {
        while g[i] != i {
            g[i] = g[g[i]];
            i = g[i];
        }
        i
    }
    let positions: Vec<Option<Vec<(u32, u32)>>> = unread
        .iter()
        .map(|u| rxing::qrcode::common::Version::Model2(u.version).ok().and_then(super::margin::bit_positions))
        .collect();
    for i in 0..n {
        for j in i + 1..n {
            if unread[i].version != unread[j].version {
                continue;
            }
            let Some(pos) = &positions[i] else { continue };
            let (a, b) = (&unread[i].soft, &unread[j].soft);
            let (mut ab, mut aa, mut bb) = (0f32, 0f32, 0f32);
            for &(x, y) in pos {
                let (va, vb) = (a.at(x, y), b.at(x, y));
                ab += va * vb;
                aa += va * va;
                bb += vb * vb;
            }
            if ab / (aa * bb).sqrt().max(1e-6) >= SAME_CODE {
                let (ri, rj) = (root(&mut group, i), root(&mut group, j));
                group[ri] = rj;
            }
        }
    }
    let mut out: Vec<(String, Vec<u8>, usize)> = Vec::new();
    for r in 0..n {
        let members: Vec<usize> = (0..n).filter(|&i| root(&mut group, i) == r).collect();
        if members.len() < 2 {
            continue;
        }
        let first = unread[members[0]];
        let mut values = vec![0f32; first.soft.values.len()];
        for &m in &members {
            for (v, s) in values.iter_mut().zip(&unread[m].soft.values) {
                *v += s / members.len() as f32;
            }
        }
        let soft = symbol::Soft { dim: first.soft.dim, values };
        if let Some(d) = symbol::decode(&soft, first.version, first.level)
            && accept(&d.text)
            && !out.iter().any(|o| o.0 == d.text)
        {
            out.push((d.text, d.bytes, members.len()));
        }
    }
    out
}

/// No code of the sheet read yet: finder candidates at several module sizes,
/// grouped into right-angled triples with equal legs, each tried at the
/// versions its size allows. The first code that decodes is returned.
fn blind(
    page: &GrayImage,
    reduced: &mut Vec<GrayImage>,
    accept: &dyn Fn(&str) -> bool,
    stats: &mut SheetStats,
) -> Option<FoundCode> {
    let mut triples: Vec<(Pt, Pt, Pt, f64, f32)> = Vec::new();
    let (lo, hi) = module_range(page.width(), page.height());
    let mut m = lo;
    while m <= hi {
        let mut cands = finders::candidates(page, reduced, m);
        stats.candidates += cands.len();
        cands.retain(|c| c.score >= BLIND_MIN_SCORE);
        cands.truncate(50);
        for (i, a) in cands.iter().enumerate() {
            for (j, b) in cands.iter().enumerate() {
                for c in cands.iter().skip(j + 1) {
                    if j == i || std::ptr::eq(c, a) {
                        continue;
                    }
                    let ab = (b.at.0 - a.at.0, b.at.1 - a.at.1);
                    let ac = (c.at.0 - a.at.0, c.at.1 - a.at.1);
                    let (lb, lc) = (norm(ab), norm(ac));
                    if lb < 10.0 * m || lb > 80.0 * m || (lb / lc - 1.0).abs() > 0.15 {
                        continue;
                    }
                    let cos = (ab.0 * ac.0 + ab.1 * ac.1) / (lb * lc);
                    if cos.abs() > 0.15 {
                        continue;
                    }
                    let cross = ab.0 * ac.1 - ab.1 * ac.0;
                    let (tr, bl) = if cross > 0.0 { (b.at, c.at) } else { (c.at, b.at) };
                    // The same finders seen at a neighbouring module size.
                    let near = |p: Pt, q: Pt| norm((p.0 - q.0, p.1 - q.1)) < 4.0 * m;
                    if triples.iter().any(|t| near(t.0, a.at) && near(t.1, tr) && near(t.2, bl)) {
                        continue;
                    }
                    triples.push((a.at, tr, bl, m, a.score + b.score + c.score));
                }
            }
        }
        m *= 1.2;
    }
    // The codes of a sheet are alike: their triples share one leg length
    // and one direction. Triples many others agree with come first.
    let shape = |t: &(Pt, Pt, Pt, f64, f32)| {
        let ab = (t.1.0 - t.0.0, t.1.1 - t.0.1);
        (norm(ab), ab.1.atan2(ab.0))
    };
    let shapes: Vec<(f64, f64)> = triples.iter().map(shape).collect();
    let support: Vec<usize> = shapes
        .iter()
        .map(|&(leg, angle)| {
            shapes
                .iter()
                .filter(|&&(l, a)| {
                    let turn = (a - angle).rem_euclid(std::f64::consts::TAU);
                    (l - leg).abs() < 0.03 * leg && turn.min(std::f64::consts::TAU - turn) < 0.05
                })
                .count()
        })
        .collect();
    let mut order: Vec<usize> = (0..triples.len()).collect();
    order.sort_by(|&a, &b| support[b].cmp(&support[a]).then(triples[b].4.total_cmp(&triples[a].4)));
    let triples: Vec<(Pt, Pt, Pt, f64, f32)> = order.into_iter().map(|i| triples[i]).collect();
    let mut fits = 0;
    for (tl, tr, bl, m, _) in triples {
        let leg = (norm((tr.0 - tl.0, tr.1 - tl.1)) + norm((bl.0 - tl.0, bl.1 - tl.1))) / 2.0;
        // Versions whose module size fits the finders' scale; from version 7
        // on, ranked by how well the symbol's two version-information
        // blocks (placed as that version would place them) spell it.
        // and by how well the timing patterns between the finders alternate
        // at that version's module count (a triple of finders from two
        // different codes has none).
        let mut versions: Vec<(u32, f64)> = (1..=MAX_VERSION)
            .map(|v| (v, leg / f64::from(17 + 4 * v - 7)))
            .filter(|&(_, module)| (0.6 * m..=1.6 * m).contains(&module))
            .map(|(v, module)| {
                let closeness = 1.0 - (module / m - 1.0).abs();
                let spelled = if v >= 7 { version_score(page, v, tl, tr, bl) } else { 0.0 };
                let timing = timing_score(page, v, tl, tr, bl);
                (v, timing + spelled + 0.5 * closeness)
            })
            .filter(|&(v, _)| timing_score(page, v, tl, tr, bl) >= MIN_TIMING)
            .collect();
        versions.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (version, _) in versions.into_iter().take(4) {
            if fits >= MAX_BLIND_FITS {
                return None;
            }
            fits += 1;
            let dim = 17 + 4 * version;
            let span = f64::from(dim) - 7.0;
            let u = ((tr.0 - tl.0) / span, (tr.1 - tl.1) / span);
            let v = ((bl.0 - tl.0) / span, (bl.1 - tl.1) / span);
            let origin = (tl.0 - 3.5 * (u.0 + v.0), tl.1 - 3.5 * (u.1 + v.1));
            let model = Model { version, dim, module: (norm(u) + norm(v)) / 2.0, level: None };
            let guess = Homography::affine(origin, u, v);
            if let Some(code) = try_symbol(page, &model, &guess, (0, 1.0), accept, stats, None) {
                return Some(code);
            }
        }
    }
    None
}

impl symbol::Decoded {
    fn usage(&self) -> EccUsage {
        EccUsage {
            used: self.used,
            worst_block: (self.used * f32::from(self.ec) / 2.0).ceil() as u16,
            capacity: self.ec / 2,
            corrected: self.corrected as u16,
            blocks: self.blocks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::qr::{self, Ecc};

    /// Gaussian noise (Box–Muller over a 64-bit LCG), seeded.
    struct Noise(u64);
    impl Noise {
        fn unit(&mut self) -> f32 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 40) as f32 + 0.5) / (1u64 << 24) as f32
        }
        fn normal(&mut self) -> f32 {
            let (u1, u2) = (self.unit(), self.unit());
            (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
        }
    }

    /// `copies` noisy soft reads of `text`'s level-H symbol: each module
    /// ±1 plus noise of σ 1 (one bit in six wrong).
    fn noisy_reads(text: &str, copies: usize, seed: u64) -> (u32, Vec<Unread>) {
        let symbol = qr::encode(text, Ecc::H).unwrap();
        let clean = symbol::tests::soft_of(&symbol, 1.0);
        let mut noise = Noise(seed);
        let reads = (0..copies)
            .map(|_| {
                let values = clean.values.iter().map(|v| v + noise.normal()).collect();
                let soft = symbol::Soft { dim: clean.dim, values };
                Unread { version: symbol.version as u32, level: Some(ErrorCorrectionLevel::H), soft, format: 0.5 }
            })
            .collect();
        (symbol.version as u32, reads)
    }

    #[test]
    fn photos_of_one_code_combine_when_none_reads_alone() {
        let texts = [
            "PAPERSEED2:0123456789012345678901234567890123456789",
            "PAPERSEED2:9876543210987654321098765432109876543210",
        ];
        let mut all = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let (version, reads) = noisy_reads(text, 4, 17 + i as u64);
            for r in &reads {
                assert_eq!(symbol::decode(&r.soft, version, r.level), None, "one noisy read alone must not decode");
            }
            all.extend(reads);
        }
        let refs: Vec<&Unread> = all.iter().collect();
        let mut got = combine(&refs, &|t| t.starts_with("PAPERSEED2:"));
        got.sort();
        let mut want: Vec<(String, Vec<u8>, usize)> =
            texts.iter().map(|t| (t.to_string(), t.as_bytes().to_vec(), 4)).collect();
        want.sort();
        assert_eq!(got, want, "each code combined from its own four reads, and only those");
        // What the caller refuses is not returned.
        assert!(combine(&refs, &|_| false).is_empty());
    }
}
