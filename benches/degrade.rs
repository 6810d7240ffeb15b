//! Degradation benchmark: how well paperseed reads its own sheets after the
//! things that happen to paper, scanners and phone cameras — and how that
//! compares with zxing-cpp and zbar on the very same image files.
//!
//! ```text
//! cargo bench --bench degrade -- [--out DIR] [--seeds N] [--only TEXT] [--no-tools] [--margin]
//! ```
//!
//! For every sample manifest (`samples/exchange.toml`, `bip39.toml`,
//! `keyfile.toml`) the real encoder makes the sheet PDF, the real renderer
//! (hayro, through `scan::load`) rasterizes it, and each condition degrades the
//! pages: resolution, rotation, a phone photo in perspective on a table, blur,
//! JPEG, sensor noise, uneven light, a hard shadow, a stain, a torn-off corner,
//! a fold. Every degraded page is written to `DIR/<condition>/` (PNG, or JPEG
//! where the condition is JPEG) and read back from that file:
//!
//! - by paperseed in-process (`scan::load`, `restore::scan_page` at Normal
//!   effort, then — as the binary does when the sheet is not restored — a
//!   Thorough pass), then `restore::assemble` + `restore::decode`; success means
//!   the payload's fingerprint equals the encoder's;
//! - by zxing-cpp (`scripts/zxing_read.py`, PyPI `zxing-cpp`) and by
//!   `zbarimg --raw -q`, each counting the distinct `PAPERSEED1:` texts equal to
//!   a frame of that page. Missing tools are reported as "not installed".
//!
//! "Physically intact" codes are those no damage touches: a stain, a torn corner
//! or a fold line counts against every code whose symbol plus 4-module quiet
//! zone it overlaps (corners from `find_codes` on the clean 300 dpi page).
//! Resolution, rotation, photo, blur, JPEG, noise, lighting and shadow destroy
//! nothing. The target is 100% restores among cases with at least k intact.
//!
//! Output in DIR: `table.md` (per condition), `details.md` (per condition and
//! sheet), `failures.md`, `pages.tsv` (one row per page file), and the images.
//! `scripts/bench-degrade.sh` runs this and puts the tables in docs/BENCHMARKS.md.
//!
//! `--margin` calibrates the error-correction margin that `scan::FoundCode::ecc`
//! reports (the worst Reed–Solomon block's share of its capacity that a read
//! needed): it adds a fade ladder (the same page with its ink fading off in
//! specks, wear 2% to 18% in steps of 2; Normal effort only, not in the main
//! tables) and writes `margin.md`: the
//! margin of the codes read per condition, and, for each code read at one step
//! of a ladder (resolution, rotation, blur, JPEG, noise, photo, fade), its
//! margin against whether it still read one step further.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use image::{GrayImage, Luma, Rgb, RgbImage};
use paperseed::format::Frame;
use paperseed::format::fingerprint::Fingerprint;
use paperseed::restore::{self, Located};
use paperseed::scan::{self, DetectOptions, Effort, Limits};
use paperseed::{EncodeOptions, encode, secret};

#[path = "../tests/it/damage.rs"]
mod damage;
use damage::{Rng, add_noise, blur, rotate_any, sample, save_jpeg, save_png, save_rgb_jpeg, to_u8};

const SAMPLES: &[&str] = &["exchange", "bip39", "keyfile"];
const DATE: &str = "2026-01-02";
/// Pixels the binary keeps for its Thorough second pass (src/bin/paperseed/scan.rs).
const KEEP_PIXELS: u64 = 100_000_000;

type Pt = (f32, f32);

// ---------------------------------------------------------------- arguments

struct Args {
    out: PathBuf,
    seeds: usize,
    only: Vec<String>,
    tools: bool,
    /// Also run the fade ladder and write margin.md (error-correction margin).
    margin: bool,
}

fn args() -> Args {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut a = Args { out: root.join("target/degrade"), seeds: 5, only: Vec::new(), tools: true, margin: false };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out" => a.out = PathBuf::from(it.next().expect("--out DIR")),
            "--seeds" => a.seeds = it.next().and_then(|s| s.parse::<usize>().ok()).expect("--seeds N").max(1),
            "--only" => a.only.push(it.next().expect("--only TEXT")),
            "--no-tools" => a.tools = false,
            "--margin" => a.margin = true,
            // cargo bench passes --bench to harness=false targets.
            "--bench" => {}
            other => eprintln!("degrade: ignoring argument {other:?}"),
        }
    }
    a
}

// ---------------------------------------------------------------- random numbers

/// Smooth 2-D value noise in [0, 1] with feature size `cell` pixels.
struct ValueNoise {
    cols: usize,
    cell: f32,
    values: Vec<f32>,
}

impl ValueNoise {
    fn new(w: u32, h: u32, cell: f32, rng: &mut Rng) -> ValueNoise {
        let cols = (w as f32 / cell).ceil() as usize + 2;
        let rows = (h as f32 / cell).ceil() as usize + 2;
        ValueNoise { cols, cell, values: (0..cols * rows).map(|_| rng.unit()).collect() }
    }
    fn at(&self, x: f32, y: f32) -> f32 {
        let (gx, gy) = ((x / self.cell).max(0.0), (y / self.cell).max(0.0));
        let rows = self.values.len() / self.cols;
        let (ix, iy) = ((gx as usize).min(self.cols - 2), (gy as usize).min(rows - 2));
        let s = |t: f32| t * t * (3.0 - 2.0 * t);
        let (fx, fy) = (s((gx - ix as f32).min(1.0)), s((gy - iy as f32).min(1.0)));
        let v = |c: usize, r: usize| self.values[r * self.cols + c];
        let top = v(ix, iy) * (1.0 - fx) + v(ix + 1, iy) * fx;
        let bottom = v(ix, iy + 1) * (1.0 - fx) + v(ix + 1, iy + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

// ---------------------------------------------------------------- image operations

/// Ink fading off the paper: specks of about half a module where the ink
/// has gone (the share set by `wear`, varying ±40% in patches about a code's
/// size), the remaining ink a little lighter, softened (σ 0.8 px) and with
/// mild scanner noise (σ 4). The same `rng` seed gives the same specks and
/// patches at every wear level, so a ladder shows one sheet wearing further.
fn fade(img: &GrayImage, wear: f32, rng: &mut Rng) -> GrayImage {
    let (w, h) = img.dimensions();
    let patches = ValueNoise::new(w, h, 350.0, rng);
    let specks = ValueNoise::new(w, h, 3.5, rng);
    let faded = GrayImage::from_fn(w, h, |x, y| {
        let ink = (255.0 - img.get_pixel(x, y)[0] as f32) / 255.0;
        let (xf, yf) = (x as f32, y as f32);
        let local = wear * (0.6 + 0.8 * patches.at(xf, yf));
        let t = ((specks.at(xf, yf) - local) / 0.08).clamp(0.0, 1.0);
        let kept = t * t * (3.0 - 2.0 * t) * (1.0 - 0.5 * wear);
        Luma([to_u8(235.0 - ink * kept * 210.0)])
    });
    add_noise(&blur(&faded, 0.8), 4.0, rng)
}

/// Brightness falling linearly from 100% to `low` along `dir` (unit vector).
fn gradient(img: &GrayImage, dir: Pt, low: f32) -> GrayImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let corners = [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)];
    let proj = |p: Pt| p.0 * dir.0 + p.1 * dir.1;
    let lo = corners.iter().map(|&p| proj(p)).fold(f32::INFINITY, f32::min);
    let hi = corners.iter().map(|&p| proj(p)).fold(f32::NEG_INFINITY, f32::max);
    let mut out = img.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        let t = (proj((x as f32, y as f32)) - lo) / (hi - lo);
        p[0] = to_u8(p[0] as f32 * (1.0 - (1.0 - low) * t));
    }
    out
}

/// Call `f(x, y)` for every pixel whose centre lies inside `poly` (even–odd rule).
fn for_each_inside(poly: &[Pt], w: u32, h: u32, mut f: impl FnMut(u32, u32)) {
    let min_y = poly.iter().map(|p| p.1).fold(f32::INFINITY, f32::min).floor().max(0.0) as u32;
    let max_y = (poly.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max).ceil().max(0.0) as u32).min(h);
    let mut xs = Vec::new();
    for y in min_y..max_y {
        let yc = y as f32 + 0.5;
        xs.clear();
        for i in 0..poly.len() {
            let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
            if (a.1 <= yc && yc < b.1) || (b.1 <= yc && yc < a.1) {
                xs.push(a.0 + (yc - a.1) / (b.1 - a.1) * (b.0 - a.0));
            }
        }
        xs.sort_by(f32::total_cmp);
        for pair in xs.chunks_exact(2) {
            let xa = (pair[0] - 0.5).ceil().max(0.0) as u32;
            let xb = ((pair[1] - 0.5).floor().max(-1.0) as i64).min(w as i64 - 1);
            for x in xa as i64..=xb {
                f(x as u32, y);
            }
        }
    }
}

// ---------------------------------------------------------------- geometry

fn centre(q: &[Pt; 4]) -> Pt {
    (q.iter().map(|p| p.0).sum::<f32>() / 4.0, q.iter().map(|p| p.1).sum::<f32>() / 4.0)
}

/// The quad grown outward by `margin` pixels (as `fill_quad` grows it).
fn grow(q: &[Pt; 4], margin: f32) -> [Pt; 4] {
    let c = centre(q);
    q.map(|(x, y)| {
        let (dx, dy) = (x - c.0, y - c.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-3);
        (x + dx / len * margin * std::f32::consts::SQRT_2, y + dy / len * margin * std::f32::consts::SQRT_2)
    })
}

fn inside(poly: &[Pt], p: Pt) -> bool {
    let mut odd = false;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) / (b.1 - a.1) * (b.0 - a.0) {
            odd = !odd;
        }
    }
    odd
}

fn segments_cross(a: Pt, b: Pt, c: Pt, d: Pt) -> bool {
    let cross = |o: Pt, p: Pt, q: Pt| (p.0 - o.0) * (q.1 - o.1) - (p.1 - o.1) * (q.0 - o.0);
    let (d1, d2) = (cross(c, d, a), cross(c, d, b));
    let (d3, d4) = (cross(a, b, c), cross(a, b, d));
    (d1 > 0.0) != (d2 > 0.0) && (d3 > 0.0) != (d4 > 0.0)
}

/// Whether two polygons overlap (share any area or cross).
fn overlaps(a: &[Pt], b: &[Pt]) -> bool {
    if a.iter().any(|&p| inside(b, p)) || b.iter().any(|&p| inside(a, p)) {
        return true;
    }
    (0..a.len()).any(|i| (0..b.len()).any(|j| segments_cross(a[i], a[(i + 1) % a.len()], b[j], b[(j + 1) % b.len()])))
}

/// A homography mapping `from[i]` to `to[i]`.
fn homography(from: &[Pt; 4], to: &[Pt; 4]) -> [f64; 9] {
    let mut m = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (from[i].0 as f64, from[i].1 as f64);
        let (u, v) = (to[i].0 as f64, to[i].1 as f64);
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs())).unwrap();
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (v, p) in row.iter_mut().zip(pivot_row.iter()).skip(col) {
                    *v -= f * p;
                }
            }
        }
    }
    let mut h = [0f64; 9];
    for i in 0..8 {
        h[i] = m[i][8] / m[i][i];
    }
    h[8] = 1.0;
    h
}

fn apply(h: &[f64; 9], (x, y): Pt) -> Pt {
    let (x, y) = (x as f64, y as f64);
    let w = h[6] * x + h[7] * y + h[8];
    (((h[0] * x + h[1] * y + h[2]) / w) as f32, ((h[3] * x + h[4] * y + h[5]) / w) as f32)
}

// ---------------------------------------------------------------- sheets and ground truth

struct Code {
    index: u8,
    /// Symbol corners on the clean 300 dpi page.
    corners: [Pt; 4],
    /// Symbol plus its 4-module quiet zone.
    zone: [Pt; 4],
}

struct SheetPage {
    /// 1-based page number in the PDF.
    number: usize,
    image: GrayImage,
    codes: Vec<Code>,
    /// The clean 300 dpi page saved as PNG (reused for undamaged pages).
    clean_file: PathBuf,
}

struct Sheet {
    name: String,
    k: usize,
    n: usize,
    fingerprint: Fingerprint,
    /// Normalised frame text → shard index.
    frames: HashMap<String, u8>,
    pdf: PathBuf,
    pages: Vec<SheetPage>,
}

fn norm(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase()
}

fn prepare_sheet(name: &str, out: &Path) -> Sheet {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let manifest = root.join("samples").join(format!("{name}.toml"));
    let text = fs::read_to_string(&manifest).unwrap();
    let backup = secret::manifest::parse(&text, manifest.parent().unwrap()).unwrap();
    let enc = encode(&backup, &EncodeOptions { date: DATE.into(), ..Default::default() }).unwrap();
    let dir = out.join("sheets");
    fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    fs::write(&pdf, &enc.pdf).unwrap();
    let frames: HashMap<String, u8> = enc.frames.iter().map(|t| (norm(t), Frame::parse(t).unwrap().index)).collect();
    let widths: HashMap<u8, usize> = enc
        .frames
        .iter()
        .map(|t| {
            let w = paperseed::sheet::qr::encode(t, enc.plan.ecc).map(|s| s.width).unwrap_or(57);
            (Frame::parse(t).unwrap().index, w)
        })
        .collect();
    let rendered = scan::load(&pdf, &Limits { pdf_dpi: 300.0, ..Limits::default() }).unwrap();
    let clean_dir = out.join("clean-300");
    fs::create_dir_all(&clean_dir).unwrap();
    let mut pages = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, page) in rendered.into_iter().enumerate() {
        let found = scan::find_codes(&page.image, &DetectOptions { expected: None, effort: Effort::Thorough });
        let mut codes = Vec::new();
        for c in found {
            if let Some(&index) = frames.get(&norm(&c.text)) {
                let side = (0..4)
                    .map(|j| {
                        let (a, b) = (c.corners[j], c.corners[(j + 1) % 4]);
                        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
                    })
                    .sum::<f32>()
                    / 4.0;
                let module = side / widths[&index] as f32;
                if seen.insert(index) {
                    codes.push(Code { index, corners: c.corners, zone: grow(&c.corners, 4.0 * module) });
                }
            }
        }
        if codes.is_empty() {
            continue;
        }
        codes.sort_by_key(|c| c.index);
        let clean_file = clean_dir.join(format!("{name}-p{}.png", i + 1));
        save_png(&page.image, &clean_file);
        pages.push(SheetPage { number: i + 1, image: page.image, codes, clean_file });
    }
    if seen.len() != enc.plan.n {
        eprintln!(
            "degrade: WARNING {name}: find_codes(Thorough) located {} of {} codes on the clean 300 dpi render; \
             ground truth is incomplete",
            seen.len(),
            enc.plan.n
        );
    }
    Sheet { name: name.into(), k: enc.plan.k, n: enc.plan.n, fingerprint: enc.fingerprint, frames, pdf, pages }
}

// ---------------------------------------------------------------- conditions

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cond {
    Dpi(u32),
    Rotate(f32),
    RightAngle(u32),
    Photo(u32),
    Blur(f32),
    Jpeg(u8),
    Noise(f32),
    Gradient,
    Shadow,
    Stain,
    Corner,
    Fold,
    /// Ink fading off in specks, wear level in percent (see [`fade`];
    /// `--margin` only).
    Fade(u8),
}

/// Wear levels of the fade ladder (`--margin`), in percent (see [`fade`]).
const FADE_STEPS: &[u8] = &[2, 4, 6, 8, 10, 12, 14, 16, 18];

/// Steps of increasing damage whose codes `margin.md` follows from one step to
/// the next (the same seed at both steps).
fn ladders() -> Vec<(&'static str, Vec<Cond>)> {
    use Cond::*;
    vec![
        ("resolution", vec![Dpi(600), Dpi(300), Dpi(200), Dpi(150)]),
        ("rotation", vec![Rotate(1.0), Rotate(3.0), Rotate(5.0), Rotate(10.0)]),
        ("blur", vec![Blur(0.5), Blur(1.0), Blur(1.5)]),
        ("JPEG", vec![Jpeg(60), Jpeg(40)]),
        ("noise", vec![Noise(8.0), Noise(16.0)]),
        ("photo", vec![Photo(12), Photo(4)]),
        ("fade", FADE_STEPS.iter().map(|&c| Fade(c)).collect()),
    ]
}

impl Cond {
    fn all() -> Vec<Cond> {
        use Cond::*;
        vec![
            Dpi(150),
            Dpi(200),
            Dpi(300),
            Dpi(600),
            Rotate(1.0),
            Rotate(3.0),
            Rotate(5.0),
            Rotate(10.0),
            RightAngle(90),
            RightAngle(180),
            RightAngle(270),
            Photo(12),
            Photo(4),
            Blur(0.5),
            Blur(1.0),
            Blur(1.5),
            Jpeg(60),
            Jpeg(40),
            Noise(8.0),
            Noise(16.0),
            Gradient,
            Shadow,
            Stain,
            Corner,
            Fold,
        ]
    }

    fn id(self) -> String {
        match self {
            Cond::Dpi(d) => format!("dpi-{d}"),
            Cond::Rotate(a) => format!("rotate-{a}"),
            Cond::RightAngle(a) => format!("rotate-{a}"),
            Cond::Photo(m) => format!("photo-{m}mp"),
            Cond::Blur(s) => format!("blur-{s:.1}"),
            Cond::Jpeg(q) => format!("jpeg-{q}"),
            Cond::Noise(s) => format!("noise-{s}"),
            Cond::Gradient => "light-gradient".into(),
            Cond::Shadow => "shadow".into(),
            Cond::Stain => "stain".into(),
            Cond::Corner => "torn-corner".into(),
            Cond::Fold => "fold".into(),
            Cond::Fade(c) => format!("fade-{c}"),
        }
    }

    fn label(self) -> String {
        match self {
            Cond::Dpi(d) => format!("clean, {d} dpi"),
            Cond::Rotate(a) => format!("rotated ±{a}°"),
            Cond::RightAngle(a) => format!("rotated {a}°"),
            Cond::Photo(12) => "phone photo 12 Mpx (3024×4032)".into(),
            Cond::Photo(_) => "phone photo 4 Mpx (1728×2304)".into(),
            Cond::Blur(s) => format!("Gaussian blur σ {s:.1} px"),
            Cond::Jpeg(q) => format!("JPEG quality {q}"),
            Cond::Noise(s) => format!("sensor noise σ {s}"),
            Cond::Gradient => "uneven light 100%→40%".into(),
            Cond::Shadow => "hard shadow (45%)".into(),
            Cond::Stain => "stain (≤ n−k codes)".into(),
            Cond::Corner => "torn-off corner (≤ n−k codes)".into(),
            Cond::Fold => "fold line".into(),
            Cond::Fade(w) => format!("ink fading in specks, wear {w}%"),
        }
    }

    fn seeds(self, n: usize) -> usize {
        match self {
            Cond::Dpi(_) | Cond::RightAngle(_) | Cond::Blur(_) | Cond::Jpeg(_) => 1,
            Cond::Rotate(_) | Cond::Noise(_) => 2,
            Cond::Gradient => 3,
            Cond::Photo(_) | Cond::Shadow | Cond::Fold | Cond::Fade(_) => n,
            Cond::Stain | Cond::Corner => n + 1,
        }
    }
}

/// A degraded page written to disk.
struct PageFile {
    path: PathBuf,
    /// Shard indices printed on this page.
    codes: Vec<u8>,
    /// Shard indices no damage touches.
    intact: Vec<u8>,
    /// Whether this page was degraded (false: the clean page reused).
    degraded: bool,
}

/// Indices of the codes whose symbol + quiet zone no damage polygon overlaps.
fn intact_codes(codes: &[Code], damage: &[Vec<Pt>]) -> Vec<u8> {
    codes.iter().filter(|c| !damage.iter().any(|d| overlaps(d, &c.zone))).map(|c| c.index).collect()
}

/// How many codes a damage polygon touches.
fn touched(codes: &[Code], poly: &[Pt]) -> usize {
    codes.iter().filter(|c| overlaps(poly, &c.zone)).count()
}

/// Largest scale in (0, max] at which `shape(scale)` touches at most `m`
/// codes, by bisection (touching grows with scale).
fn fit_scale(codes: &[Code], m: usize, max: f32, shape: impl Fn(f32) -> Vec<Pt>) -> f32 {
    if touched(codes, &shape(max)) <= m {
        return max;
    }
    let (mut lo, mut hi) = (0.0f32, max);
    for _ in 0..18 {
        let mid = (lo + hi) / 2.0;
        if touched(codes, &shape(mid)) <= m {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// An irregular blob: radius `r` modulated by a few harmonics.
fn blob_polygon(c: Pt, r: f32, harmonics: &[(f32, f32, f32)]) -> Vec<Pt> {
    (0..180)
        .map(|i| {
            let t = i as f32 / 180.0 * std::f32::consts::TAU;
            let rr = r * blob_factor(t, harmonics);
            (c.0 + rr * t.cos(), c.1 + rr * t.sin())
        })
        .collect()
}

fn blob_factor(t: f32, harmonics: &[(f32, f32, f32)]) -> f32 {
    1.0 + harmonics.iter().map(|&(k, a, p)| a * (k * t + p).sin()).sum::<f32>()
}

/// A stain (ink-like blot or translucent coffee-like stain), of a size that touches at most `m` codes.
fn stain(page: &SheetPage, m: usize, seed: usize, rng: &mut Rng) -> (GrayImage, Vec<Vec<Pt>>) {
    let (w, h) = page.image.dimensions();
    let anchor = &page.codes[rng.below(page.codes.len())];
    let ac = centre(&anchor.corners);
    let side = (anchor.corners[1].0 - anchor.corners[0].0).abs().max(50.0);
    let c = (ac.0 + rng.range(-0.6, 0.6) * side, ac.1 + rng.range(-0.6, 0.6) * side);
    let harmonics: Vec<(f32, f32, f32)> =
        (2..7).map(|k| (k as f32, rng.range(0.03, 0.12) / (k as f32 / 2.0), rng.range(0.0, 6.3))).collect();
    let r = fit_scale(&page.codes, m, w.max(h) as f32 * 0.45, |r| blob_polygon(c, r, &harmonics)).max(20.0);
    let poly = blob_polygon(c, r, &harmonics);
    let mottle = ValueNoise::new(w, h, 45.0, rng);
    // Even seeds: an ink-like blot, opaque but for a thin translucent rim.
    // Odd seeds: a coffee-like stain, translucent towards a wide rim.
    let dense = seed.is_multiple_of(2);
    let strength = if dense { 1.0 } else { rng.range(0.93, 0.98) };
    let rim = if dense { rng.range(0.03, 0.06) } else { rng.range(0.15, 0.3) };
    let mut img = page.image.clone();
    for_each_inside(&poly, w, h, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - c.0, y as f32 + 0.5 - c.1);
        let q = (dx * dx + dy * dy).sqrt() / (r * blob_factor(dy.atan2(dx), &harmonics));
        let t = ((1.0 - q) / rim).clamp(0.0, 1.0);
        let edge = t * t * (3.0 - 2.0 * t);
        let ring = (-((q - 0.95) / 0.03).powi(2)).exp() * 0.25;
        let m = mottle.at(x as f32, y as f32);
        let a = if dense { edge } else { (strength * (0.9 + 0.1 * m) * edge + ring * (1.0 - edge)).min(0.985) };
        let v = img.get_pixel(x, y)[0] as f32;
        img.put_pixel(x, y, Luma([to_u8(v * (1.0 - a) + (45.0 + 30.0 * m) * a)]));
    });
    (img, vec![poly])
}

/// A torn-off corner (white, as the scanner lid shows through), of a size that
/// removes at most `m` codes.
fn torn_corner(page: &SheetPage, m: usize, rng: &mut Rng) -> (GrayImage, Vec<Vec<Pt>>) {
    let (w, h) = page.image.dimensions();
    let (wf, hf) = (w as f32, h as f32);
    // The corner nearest to some code, most of the time, so that codes are at stake.
    let corners = [(0.0, 0.0), (wf, 0.0), (wf, hf), (0.0, hf)];
    let which = if rng.unit() < 0.75 {
        let dist = |p: Pt| {
            page.codes
                .iter()
                .map(|c| {
                    let q = centre(&c.corners);
                    ((q.0 - p.0).powi(2) + (q.1 - p.1).powi(2)).sqrt()
                })
                .fold(f32::INFINITY, f32::min)
        };
        (0..4).min_by(|&a, &b| (dist(corners[a]) + rng.range(0.0, 300.0)).total_cmp(&dist(corners[b]))).unwrap()
    } else {
        rng.below(4)
    };
    let p = corners[which];
    let sx = if p.0 > 0.0 { -1.0 } else { 1.0 };
    let sy = if p.1 > 0.0 { -1.0 } else { 1.0 };
    let aspect = rng.range(0.6, 1.6);
    let jitter: Vec<f32> = (0..15).map(|_| rng.range(-0.035, 0.035)).collect();
    let shape = |s: f32| {
        let (a, b) = (s * aspect.sqrt(), s / aspect.sqrt());
        let mut poly = vec![p];
        for (i, j) in jitter.iter().enumerate() {
            let t = i as f32 / (jitter.len() - 1) as f32;
            // Along the tear from (a, 0) to (0, b), pushed in and out.
            let (ex, ey) = (a * (1.0 - t), b * t);
            let (nx, ny) = (b, a);
            let nl = (nx * nx + ny * ny).sqrt().max(1e-3);
            let push = if i == 0 || i == jitter.len() - 1 { 0.0 } else { j * s };
            poly.push((p.0 + sx * (ex + nx / nl * push), p.1 + sy * (ey + ny / nl * push)));
        }
        poly
    };
    let s = fit_scale(&page.codes, m, wf.min(hf) * 0.9, shape).max(wf * 0.08);
    let poly = shape(s);
    let mut img = page.image.clone();
    // The scanner lid shows through, a little greyer than the paper.
    for_each_inside(&poly, w, h, |x, y| img.put_pixel(x, y, Luma([236])));
    (img, vec![poly])
}

/// Fold lines (a thin dark blurred crease plus a slight brightness step)
/// through codes: horizontal, vertical, or both, by seed.
fn fold(page: &SheetPage, seed: usize, rng: &mut Rng) -> (GrayImage, Vec<Vec<Pt>>) {
    let (w, h) = page.image.dimensions();
    let mut img = page.image.clone();
    let mut damage = Vec::new();
    let dirs: Vec<bool> = match seed % 3 {
        0 => vec![true],
        1 => vec![false],
        _ => vec![true, false],
    };
    for horizontal in dirs {
        let through = centre(&page.codes[rng.below(page.codes.len())].corners);
        let offset = rng.range(-0.3, 0.3) * 200.0;
        let angle = rng.range(-3.0f32, 3.0).to_radians();
        let (dir, p) = if horizontal {
            ((angle.cos(), angle.sin()), (through.0, through.1 + offset))
        } else {
            ((angle.sin(), angle.cos()), (through.0 + offset, through.1))
        };
        let normal = (-dir.1, dir.0);
        let sigma = rng.range(1.2, 2.0);
        let depth = rng.range(0.4, 0.55);
        let step = rng.range(0.9, 0.95);
        for (x, y, px) in img.enumerate_pixels_mut() {
            let d = (x as f32 + 0.5 - p.0) * normal.0 + (y as f32 + 0.5 - p.1) * normal.1;
            let mut f = 1.0 - depth * (-(d * d) / (2.0 * sigma * sigma)).exp();
            // A faint highlight on the ridge, and one side a little darker.
            f += 0.05 * (-((d - 3.5 * sigma).powi(2)) / (2.0 * sigma * sigma)).exp();
            if d < 0.0 {
                f *= step;
            }
            px[0] = to_u8(px[0] as f32 * f);
        }
        // The crease: where it darkens by more than ~1%.
        let half = sigma * 3.0;
        let len = (w + h) as f32 * 2.0;
        let a = (p.0 - dir.0 * len, p.1 - dir.1 * len);
        let b = (p.0 + dir.0 * len, p.1 + dir.1 * len);
        damage.push(vec![
            (a.0 + normal.0 * half, a.1 + normal.1 * half),
            (b.0 + normal.0 * half, b.1 + normal.1 * half),
            (b.0 - normal.0 * half, b.1 - normal.1 * half),
            (a.0 - normal.0 * half, a.1 - normal.1 * half),
        ]);
    }
    (img, damage)
}

/// A hard shadow (hand or phone between lamp and page): a polygon at 45%.
fn shadow(page: &SheetPage, seed: usize, rng: &mut Rng) -> GrayImage {
    let (w, h) = page.image.dimensions();
    let (wf, hf) = (w as f32, h as f32);
    let poly: Vec<Pt> = match seed % 3 {
        // From the left edge, slanted.
        0 => vec![(0.0, 0.0), (wf * rng.range(0.3, 0.6), 0.0), (wf * rng.range(0.3, 0.6), hf), (0.0, hf)],
        // From the top, slanted.
        1 => vec![(0.0, 0.0), (wf, 0.0), (wf, hf * rng.range(0.25, 0.55)), (0.0, hf * rng.range(0.25, 0.55))],
        // A diagonal wedge from a corner, like a phone's shadow.
        _ => vec![
            (wf, hf),
            (wf * rng.range(0.1, 0.4), hf),
            (wf * rng.range(0.5, 0.7), hf * rng.range(0.3, 0.5)),
            (wf, hf * rng.range(0.2, 0.4)),
        ],
    };
    let mut img = page.image.clone();
    for_each_inside(&poly, w, h, |x, y| {
        let v = img.get_pixel(x, y)[0] as f32;
        img.put_pixel(x, y, Luma([to_u8(v * 0.45)]));
    });
    img
}

/// A phone photo of the page lying on a table: perspective, page not filling
/// the frame, textured background, vignetting, optics blur, sensor noise, JPEG.
fn phone_photo(page: &GrayImage, mpx: u32, rng: &mut Rng) -> RgbImage {
    let (fw, fh) = if mpx >= 12 { (3024u32, 4032u32) } else { (1728, 2304) };
    let (pw, ph) = (page.width() as f32, page.height() as f32);
    let mut frac = rng.range(0.68, 0.8);
    let (dest, scale) = loop {
        let scale = frac * fh as f32 / ph;
        let (dw, dh) = (pw * scale, ph * scale);
        let c = (fw as f32 * (0.5 + rng.range(-0.04, 0.04)), fh as f32 * (0.5 + rng.range(-0.03, 0.03)));
        // Keystone: the edge farther from the camera is shorter.
        let keystone = rng.range(0.86, 0.97);
        let far_top = rng.unit() < 0.7;
        let (top, bottom) = if far_top { (keystone, 1.0) } else { (1.0, keystone) };
        let side_tilt = rng.range(-0.04, 0.04);
        let raw = [
            (-dw / 2.0 * top, -dh / 2.0 * (1.0 + side_tilt)),
            (dw / 2.0 * top, -dh / 2.0 * (1.0 - side_tilt)),
            (dw / 2.0 * bottom, dh / 2.0 * (1.0 - side_tilt)),
            (-dw / 2.0 * bottom, dh / 2.0 * (1.0 + side_tilt)),
        ];
        let (s, co) = rng.range(-7.0f32, 7.0).to_radians().sin_cos();
        let jit = fw as f32 * 0.012;
        let dest = raw
            .map(|(x, y)| (c.0 + co * x - s * y + rng.range(-jit, jit), c.1 + s * x + co * y + rng.range(-jit, jit)));
        let ok = dest.iter().all(|&(x, y)| {
            x > fw as f32 * 0.03 && x < fw as f32 * 0.97 && y > fh as f32 * 0.03 && y < fh as f32 * 0.97
        });
        if ok {
            break (dest, scale);
        }
        frac *= 0.97;
    };
    let src = [(0.0, 0.0), (pw, 0.0), (pw, ph), (0.0, ph)];
    let to_src = homography(&dest, &src);
    // Optics (σ ≈ 0.75 px in the photo) and the sensor's pixel area, applied in page pixels.
    let soft = blur(page, (0.75f32.powi(2) + 0.35f32.powi(2)).sqrt() / scale);
    // The table: wood grain or a grey cloth.
    let wood = rng.unit() < 0.6;
    let low = ValueNoise::new(fw, fh, 260.0, rng);
    let mid = ValueNoise::new(fw, fh, 38.0, rng);
    let fine = ValueNoise::new(fw, fh, 5.0, rng);
    let grain_angle = rng.range(0.0, 3.1);
    let (ga, gb) = (grain_angle.cos(), grain_angle.sin());
    let table_tint: [f32; 3] = if wood { [1.18, 0.94, 0.7] } else { [0.97, 1.0, 1.04] };
    let table_level = if wood { rng.range(105.0, 140.0) } else { rng.range(80.0, 120.0) };
    let paper_tint = [1.0, 0.985, 0.94];
    let paper_white = rng.range(205.0, 235.0);
    let ink = rng.range(28.0, 42.0);
    // Light: vignetting and a gentle gradient across the frame.
    let (lx, ly) = (rng.range(-0.15, 0.15), rng.range(-0.15, 0.15));
    let shadow_off = (rng.range(4.0, 14.0), rng.range(6.0, 18.0));
    let mut out = RgbImage::new(fw, fh);
    for (x, y, px) in out.enumerate_pixels_mut() {
        let (xf, yf) = (x as f32 + 0.5, y as f32 + 0.5);
        let (nx, ny) = (xf / fw as f32 - 0.5, yf / fh as f32 - 0.5);
        let light = (1.0 - 0.55 * (nx * nx + ny * ny)) * (1.0 + lx * nx * 2.0 + ly * ny * 2.0);
        let (sx, sy) = apply(&to_src, (xf, yf));
        let on_page = sx >= 0.0 && sy >= 0.0 && sx < pw && sy < ph;
        let (lum, tint) = if on_page {
            let v = sample(&soft, sx - 0.5, sy - 0.5, 255.0);
            (ink + (v / 255.0) * (paper_white - ink), paper_tint)
        } else {
            let grain = if wood {
                let t = (xf * ga + yf * gb) / 9.0 + 6.0 * low.at(xf, yf) + 2.5 * mid.at(xf, yf);
                0.5 + 0.5 * t.sin()
            } else {
                mid.at(xf, yf)
            };
            let base =
                table_level * (0.8 + 0.35 * low.at(xf, yf)) + 22.0 * (grain - 0.5) + 14.0 * (fine.at(xf, yf) - 0.5);
            // The page's shadow on the table.
            let (qx, qy) = apply(&to_src, (xf - shadow_off.0, yf - shadow_off.1));
            let dx = (-qx).max(qx - pw).max(0.0);
            let dy = (-qy).max(qy - ph).max(0.0);
            let d = (dx * dx + dy * dy).sqrt() * scale;
            (base * (1.0 - 0.45 * (-d / 10.0).exp()), table_tint)
        };
        let lum = lum * light;
        let n = rng.normal() * 3.0;
        *px = Rgb([0, 1, 2].map(|c| to_u8(lum * tint[c] + n + rng.normal() * 1.2)));
    }
    out
}

/// Make the degraded pages of one case (a sheet under a condition and seed).
fn degrade(cond: Cond, sheet: &Sheet, seed: usize, dir: &Path) -> Vec<PageFile> {
    let hash = |s: &str| s.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01B3));
    let mut rng = Rng::new(seed as u64 ^ hash(&sheet.name).rotate_left(17) ^ hash(&cond.id()));
    let stem = |p: &SheetPage, ext: &str| dir.join(format!("{}-s{seed}-p{}.{ext}", sheet.name, p.number));
    let all = |p: &SheetPage| p.codes.iter().map(|c| c.index).collect::<Vec<_>>();
    // Damage that destroys codes goes on one page; the others stay clean.
    let damaged_page = rng.below(sheet.pages.len());
    let budget = match seed % 4 {
        0 => sheet.n - sheet.k,
        1 => 1,
        2 => 1 + rng.below(sheet.n - sheet.k),
        _ => (sheet.n - sheet.k).div_ceil(2),
    }
    .max(1);
    if let Cond::Dpi(dpi) = cond {
        let pages = scan::load(&sheet.pdf, &Limits { pdf_dpi: dpi as f32, ..Limits::default() }).unwrap();
        return sheet
            .pages
            .iter()
            .map(|p| {
                let path = stem(p, "png");
                save_png(&pages[p.number - 1].image, &path);
                PageFile { path, codes: all(p), intact: all(p), degraded: true }
            })
            .collect();
    }
    let mut files = Vec::new();
    for (i, p) in sheet.pages.iter().enumerate() {
        let mut damage: Vec<Vec<Pt>> = Vec::new();
        let image = match cond {
            Cond::Dpi(_) => unreachable!(),
            Cond::Rotate(a) => Some(rotate_any(&p.image, if seed.is_multiple_of(2) { a } else { -a })),
            Cond::RightAngle(90) => Some(image::imageops::rotate90(&p.image)),
            Cond::RightAngle(180) => Some(image::imageops::rotate180(&p.image)),
            Cond::RightAngle(_) => Some(image::imageops::rotate270(&p.image)),
            Cond::Photo(m) => {
                let path = stem(p, "jpg");
                save_rgb_jpeg(&phone_photo(&p.image, m, &mut rng), &path, 88);
                files.push(PageFile { path, codes: all(p), intact: all(p), degraded: true });
                continue;
            }
            Cond::Blur(s) => Some(blur(&p.image, s)),
            Cond::Jpeg(q) => {
                let path = stem(p, "jpg");
                save_jpeg(&p.image, &path, q);
                files.push(PageFile { path, codes: all(p), intact: all(p), degraded: true });
                continue;
            }
            Cond::Noise(s) => Some(add_noise(&p.image, s, &mut rng)),
            Cond::Gradient => {
                let dir = match seed % 3 {
                    0 => (0.0, 1.0),
                    1 => (1.0, 0.0),
                    _ => (std::f32::consts::FRAC_1_SQRT_2, std::f32::consts::FRAC_1_SQRT_2),
                };
                Some(gradient(&p.image, dir, 0.4))
            }
            Cond::Shadow => Some(shadow(p, seed, &mut rng)),
            Cond::Stain | Cond::Corner if i != damaged_page => None,
            Cond::Stain => {
                let (img, d) = stain(p, budget, seed, &mut rng);
                damage = d;
                Some(img)
            }
            Cond::Corner => {
                let (img, d) = torn_corner(p, budget, &mut rng);
                damage = d;
                Some(img)
            }
            Cond::Fold => {
                let (img, d) = fold(p, seed, &mut rng);
                damage = d;
                Some(img)
            }
            Cond::Fade(c) => {
                // The same patches and noise at every step of the ladder: only
                // the contrast changes.
                let mut same = Rng::new(seed as u64 ^ hash(&sheet.name).rotate_left(17) ^ p.number as u64);
                Some(fade(&p.image, c as f32 / 100.0, &mut same))
            }
        };
        match image {
            Some(img) => {
                let path = stem(p, "png");
                save_png(&img, &path);
                files.push(PageFile { path, codes: all(p), intact: intact_codes(&p.codes, &damage), degraded: true });
            }
            None => files.push(PageFile { path: p.clean_file.clone(), codes: all(p), intact: all(p), degraded: false }),
        }
    }
    files
}

// ---------------------------------------------------------------- reading

#[derive(Clone, Default)]
struct Read {
    /// Distinct frame texts read (normalised).
    texts: BTreeSet<String>,
    /// Seconds (paperseed: load + Normal pass; tools: as measured).
    seconds: f64,
}

struct PaperseedRead {
    normal: Read,
    found: Vec<Located>,
    pixels: u64,
    /// Normalised text → error-correction margin of its read (share of the
    /// worst block's capacity used).
    margins: HashMap<String, f32>,
}

fn read_paperseed(path: &Path) -> PaperseedRead {
    let start = Instant::now();
    let pages = scan::load(path, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut found = Vec::new();
    let mut pixels = 0;
    let mut margins = HashMap::new();
    for page in &pages {
        let (w, h) = page.image.dimensions();
        pixels += u64::from(w) * u64::from(h);
        // restore::scan_page, keeping each code's error-correction margin.
        for c in scan::find_codes(&page.image, &DetectOptions { expected: None, effort: Effort::Normal }) {
            if let Some(e) = c.ecc {
                margins.entry(norm(&c.text)).or_insert(e.used);
            }
            let (cx, cy) = centre(&c.corners);
            let place = format!("{}, {}", page.source, restore::region(cx, cy, w, h));
            found.push(Located { place, text: c.text, bytes: c.bytes, ecc: c.ecc });
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let texts = found.iter().map(|l| norm(&l.text)).collect();
    PaperseedRead { normal: Read { texts, seconds }, found, pixels, margins }
}

fn thorough(path: &Path) -> (Vec<Located>, f64) {
    let start = Instant::now();
    let pages = scan::load(path, &Limits::default()).unwrap();
    let found: Vec<Located> = pages
        .iter()
        .flat_map(|p| restore::scan_page(p, &DetectOptions { expected: None, effort: Effort::Thorough }))
        .collect();
    (found, start.elapsed().as_secs_f64())
}

fn restored(found: &[Located], fingerprint: Fingerprint) -> bool {
    let report = restore::assemble(found);
    report.sets.iter().any(|s| matches!(restore::decode(s), Some(Ok(r)) if r.fingerprint == fingerprint))
}

fn zbar_version() -> Option<String> {
    let out = Command::new("zbarimg").arg("--version").output().ok()?;
    out.status.success().then(|| format!("zbar {}", String::from_utf8_lossy(&out.stdout).trim()))
}

fn zbar_read(path: &Path) -> Read {
    let start = Instant::now();
    let out = Command::new("zbarimg").args(["--raw", "-q"]).arg(path).output().expect("zbarimg");
    let seconds = start.elapsed().as_secs_f64();
    let texts = String::from_utf8_lossy(&out.stdout).lines().map(norm).filter(|t| !t.is_empty()).collect();
    Read { texts, seconds }
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

fn zxing_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/zxing_read.py")
}

fn zxing_version() -> Option<String> {
    let out = Command::new(python()).arg(zxing_script()).arg("--check").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// zxing-cpp on many files in one Python process.
fn zxing_read_all(paths: &[PathBuf]) -> HashMap<PathBuf, Read> {
    let mut result: HashMap<PathBuf, Read> = paths.iter().map(|p| (p.clone(), Read::default())).collect();
    for chunk in paths.chunks(40) {
        let out = Command::new(python()).arg(zxing_script()).arg("--tsv").args(chunk).output().expect("python3");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let parts: Vec<&str> = line.split('\t').collect();
            match parts.as_slice() {
                ["#time", path, secs] => {
                    if let Some(r) = result.get_mut(Path::new(path)) {
                        r.seconds = secs.parse().unwrap_or(0.0);
                    }
                }
                ["#error", path, msg] => eprintln!("degrade: zxing-cpp could not open {path}: {msg}"),
                [path, text] => {
                    if let Some(r) = result.get_mut(Path::new(path)) {
                        r.texts.insert(norm(text));
                    }
                }
                _ => {}
            }
        }
    }
    result
}

// ---------------------------------------------------------------- results

struct PageResult {
    file: PathBuf,
    codes: Vec<u8>,
    intact: Vec<u8>,
    paperseed: Vec<u8>,
    /// Error-correction margin of each code paperseed read (Normal effort).
    margins: HashMap<u8, f32>,
    /// PAPERSEED texts read that are no frame of this sheet (misreads).
    wrong: usize,
    seconds: f64,
    zxing: Option<Vec<u8>>,
    zxing_seconds: f64,
    zbar: Option<Vec<u8>>,
    zbar_seconds: f64,
}

struct CaseResult {
    cond: Cond,
    sheet: usize,
    seed: usize,
    pages: Vec<PageResult>,
    /// Restored after the Normal pass.
    restored_normal: bool,
    /// Restored as the binary would (Normal, then Thorough when not restored).
    restored: bool,
    thorough_seconds: f64,
}

impl CaseResult {
    fn intact(&self) -> usize {
        self.pages.iter().map(|p| p.intact.len()).sum()
    }
}

fn indices(sheet: &Sheet, codes: &[u8], texts: &BTreeSet<String>) -> (Vec<u8>, usize) {
    let mut read = Vec::new();
    let mut wrong = 0;
    for t in texts {
        match sheet.frames.get(t) {
            Some(i) if codes.contains(i) => read.push(*i),
            Some(_) => {}
            None if t.starts_with("PAPERSEED") => wrong += 1,
            None => {}
        }
    }
    read.sort_unstable();
    (read, wrong)
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 { "–".into() } else { format!("{:.0}%", 100.0 * a as f64 / b as f64) }
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn list(v: &[u8]) -> String {
    if v.is_empty() { "none".into() } else { v.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(",") }
}

#[derive(Default)]
struct Tally {
    pages: usize,
    cases: usize,
    codes: usize,
    intact: usize,
    ps: usize,
    zx: Option<usize>,
    zb: Option<usize>,
    ok: usize,
    ok_normal: usize,
    eligible: usize,
    eligible_ok: usize,
    times: Vec<f64>,
}

impl Tally {
    fn add(&mut self, c: &CaseResult, sheet: &Sheet) {
        self.cases += 1;
        self.ok += c.restored as usize;
        self.ok_normal += c.restored_normal as usize;
        if c.intact() >= sheet.k {
            self.eligible += 1;
            self.eligible_ok += c.restored as usize;
        }
        for p in &c.pages {
            self.pages += 1;
            self.codes += p.codes.len();
            self.intact += p.intact.len();
            self.ps += p.paperseed.len();
            self.zx = p.zxing.as_ref().map(|z| self.zx.unwrap_or(0) + z.len());
            self.zb = p.zbar.as_ref().map(|z| self.zb.unwrap_or(0) + z.len());
            self.times.push(p.seconds);
        }
    }

    fn row(&mut self, label: &str) -> String {
        let tool = |v: Option<usize>| match v {
            Some(n) => format!("{n} ({})", pct(n, self.codes)),
            None => "not installed".into(),
        };
        let max = self.times.iter().copied().fold(0.0, f64::max);
        format!(
            "| {label} | {} | {} | {} | {} ({}) | {} | {} | {}/{} | {}/{} | {:.2} / {:.2} |",
            self.cases,
            self.codes,
            self.intact,
            self.ps,
            pct(self.ps, self.codes),
            tool(self.zx),
            tool(self.zb),
            self.ok,
            self.cases,
            self.eligible_ok,
            self.eligible,
            median(&mut self.times),
            max,
        )
    }
}

const HEADER: &str = "| condition | cases | codes | intact | paperseed read | zxing-cpp read | zbar read | \
restored | restored, ≥ k intact | paperseed s/page (median / max) |\n\
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

// ---------------------------------------------------------------- main

fn main() {
    let args = args();
    let started = Instant::now();
    fs::create_dir_all(&args.out).unwrap();
    let zbar = if args.tools { zbar_version() } else { None };
    let zxing = if args.tools { zxing_version() } else { None };
    println!("degrade: writing to {}", args.out.display());
    println!("degrade: {}", zxing.as_deref().unwrap_or("zxing-cpp: not installed (pip install zxing-cpp pillow)"));
    println!("degrade: {}", zbar.as_deref().unwrap_or("zbar: not installed (apt-get install zbar-tools)"));

    let sheets: Vec<Sheet> = SAMPLES.iter().map(|s| prepare_sheet(s, &args.out)).collect();
    for s in &sheets {
        let per_page: Vec<String> = s.pages.iter().map(|p| format!("p{}: {}", p.number, p.codes.len())).collect();
        println!(
            "degrade: {}: {} codes, any {} restore, fingerprint {} (codes per page {})",
            s.name,
            s.n,
            s.k,
            s.fingerprint,
            per_page.join(", ")
        );
    }

    let fades = if args.margin { FADE_STEPS.iter().map(|&c| Cond::Fade(c)).collect() } else { Vec::new() };
    let conds: Vec<Cond> = Cond::all()
        .into_iter()
        .chain(fades)
        .filter(|c| args.only.is_empty() || args.only.iter().any(|o| c.id().contains(o.as_str())))
        .collect();
    let mut cases: Vec<CaseResult> = Vec::new();
    type Memo = (Read, Vec<Located>, u64, HashMap<String, f32>);
    let mut memo: HashMap<PathBuf, Memo> = HashMap::new();
    for &cond in &conds {
        let dir = args.out.join(cond.id());
        fs::create_dir_all(&dir).unwrap();
        for seed in 0..cond.seeds(args.seeds) {
            for (si, sheet) in sheets.iter().enumerate() {
                let files = degrade(cond, sheet, seed, &dir);
                let mut found = Vec::new();
                let mut pixels = 0;
                let mut pages = Vec::new();
                for f in &files {
                    let (read, located, px, margins) = memo
                        .entry(f.path.clone())
                        .or_insert_with(|| {
                            let r = read_paperseed(&f.path);
                            (r.normal, r.found, r.pixels, r.margins)
                        })
                        .clone();
                    found.extend(located);
                    pixels += px;
                    let (ps, wrong) = indices(sheet, &f.codes, &read.texts);
                    let margins = margins
                        .iter()
                        .filter_map(|(t, &m)| sheet.frames.get(t).filter(|i| f.codes.contains(i)).map(|&i| (i, m)))
                        .collect();
                    pages.push(PageResult {
                        file: f.path.clone(),
                        codes: f.codes.clone(),
                        intact: f.intact.clone(),
                        paperseed: ps,
                        margins,
                        wrong,
                        seconds: if f.degraded { read.seconds } else { f64::NAN },
                        zxing: None,
                        zxing_seconds: 0.0,
                        zbar: None,
                        zbar_seconds: 0.0,
                    });
                }
                let restored_normal = restored(&found, sheet.fingerprint);
                let mut ok = restored_normal;
                let mut thorough_seconds = 0.0;
                // The fade ladder is read at Normal effort only (margin calibration).
                if !ok && pixels <= KEEP_PIXELS && !matches!(cond, Cond::Fade(_)) {
                    for f in &files {
                        let (more, secs) = thorough(&f.path);
                        thorough_seconds += secs;
                        for l in more {
                            if !found.contains(&l) {
                                found.push(l);
                            }
                        }
                    }
                    ok = restored(&found, sheet.fingerprint);
                }
                let case = CaseResult { cond, sheet: si, seed, pages, restored_normal, restored: ok, thorough_seconds };
                let read: usize = case.pages.iter().map(|p| p.paperseed.len()).sum();
                let codes: usize = case.pages.iter().map(|p| p.codes.len()).sum();
                println!(
                    "  {:<16} {:<9} seed {seed}: intact {:>2}/{codes}, paperseed read {:>2}, {}{}",
                    cond.id(),
                    sheet.name,
                    case.intact(),
                    read,
                    if ok { "restored" } else { "NOT restored" },
                    if restored_normal || !ok {
                        String::new()
                    } else {
                        format!(" (after Thorough pass, {thorough_seconds:.1} s)")
                    }
                );
                cases.push(case);
            }
        }
    }
    // The in-process timings are done: now the other readers.
    let files: Vec<PathBuf> = cases
        .iter()
        .flat_map(|c| c.pages.iter().map(|p| p.file.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if zxing.is_some() {
        println!("degrade: zxing-cpp on {} files…", files.len());
        let zx = zxing_read_all(&files);
        for c in &mut cases {
            for p in &mut c.pages {
                let r = &zx[&p.file];
                p.zxing = Some(indices(&sheets[c.sheet], &p.codes, &r.texts).0);
                p.zxing_seconds = r.seconds;
            }
        }
    }
    if zbar.is_some() {
        println!("degrade: zbar on {} files…", files.len());
        let zb: HashMap<PathBuf, Read> = files.iter().map(|f| (f.clone(), zbar_read(f))).collect();
        for c in &mut cases {
            for p in &mut c.pages {
                let r = &zb[&p.file];
                p.zbar = Some(indices(&sheets[c.sheet], &p.codes, &r.texts).0);
                p.zbar_seconds = r.seconds;
            }
        }
    }
    // Undamaged pages reused inside damage cases are not timed twice.
    for c in &mut cases {
        for p in &mut c.pages {
            if p.seconds.is_nan() {
                p.seconds = memo[&p.file].0.seconds;
            }
        }
    }

    // Tables.
    let mut table = format!("{HEADER}\n");
    let mut details =
        format!("{}\n", HEADER.replacen("| condition |", "| condition | sheet |", 1).replacen("|---|", "|---|---|", 1));
    let mut total = Tally::default();
    // The fade ladder (--margin) is reported in margin.md only.
    let fade = |c: Cond| matches!(c, Cond::Fade(_));
    for &cond in conds.iter().filter(|&&c| !fade(c)) {
        let mut t = Tally::default();
        for c in cases.iter().filter(|c| c.cond == cond) {
            t.add(c, &sheets[c.sheet]);
            total.add(c, &sheets[c.sheet]);
        }
        table.push_str(&t.row(&cond.label()));
        table.push('\n');
        for (si, sheet) in sheets.iter().enumerate() {
            let mut t = Tally::default();
            for c in cases.iter().filter(|c| c.cond == cond && c.sheet == si) {
                t.add(c, sheet);
            }
            let label = format!("{} | {} (k={} of n={})", cond.label(), sheet.name, sheet.k, sheet.n);
            details.push_str(&t.row(&label));
            details.push('\n');
        }
    }
    table.push_str(&total.row("**all**"));
    table.push('\n');

    // Failures and misses.
    let mut failures = String::new();
    for c in cases.iter().filter(|c| !fade(c.cond)) {
        let sheet = &sheets[c.sheet];
        let eligible = c.intact() >= sheet.k;
        let missed_intact: Vec<(usize, Vec<u8>)> = c
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.intact.iter().copied().filter(|x| !p.paperseed.contains(x)).collect::<Vec<u8>>()))
            .filter(|(_, m)| !m.is_empty())
            .collect();
        let wrong: usize = c.pages.iter().map(|p| p.wrong).sum();
        if (eligible && !c.restored) || wrong > 0 || (!c.restored_normal && eligible) {
            let verdict = if c.restored {
                format!("restored only after the Thorough pass ({:.1} s)", c.thorough_seconds)
            } else if eligible {
                "**NOT restored** although ≥ k codes are intact".into()
            } else {
                "not restored (fewer than k intact: expected)".into()
            };
            let _ = writeln!(
                failures,
                "- {} / {} seed {} (k={}, intact {}): {verdict}",
                c.cond.label(),
                sheet.name,
                c.seed,
                sheet.k,
                c.intact()
            );
            for p in &c.pages {
                let _ = writeln!(
                    failures,
                    "  - `{}`: codes {}; intact {}; paperseed read {}{}; zxing-cpp {}; zbar {}",
                    p.file.strip_prefix(&args.out).unwrap_or(&p.file).display(),
                    list(&p.codes),
                    list(&p.intact),
                    list(&p.paperseed),
                    if p.wrong > 0 { format!(" (+{} misread)", p.wrong) } else { String::new() },
                    p.zxing.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                    p.zbar.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                );
            }
        } else if !missed_intact.is_empty() && c.cond != Cond::Stain && c.cond != Cond::Corner {
            let _ = writeln!(
                failures,
                "- {} / {} seed {}: restored, but intact codes missed at Normal effort: {}",
                c.cond.label(),
                sheet.name,
                c.seed,
                missed_intact
                    .iter()
                    .map(|(i, m)| format!(
                        "`{}` codes {}",
                        c.pages[*i].file.file_name().unwrap().to_string_lossy(),
                        list(m)
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
    }
    if failures.is_empty() {
        failures.push_str("None: every case with at least k intact codes was restored at Normal effort.\n");
    }
    // Codes another decoder read where paperseed (Normal effort) did not.
    let mut behind = String::new();
    for c in cases.iter().filter(|c| !fade(c.cond)) {
        for p in &c.pages {
            let others: BTreeSet<u8> =
                p.zxing.iter().chain(p.zbar.iter()).flatten().copied().filter(|i| !p.paperseed.contains(i)).collect();
            if !others.is_empty() {
                let _ = writeln!(
                    behind,
                    "- {} / {} seed {}, `{}`: code(s) {} (intact: {}); paperseed {}, zxing-cpp {}, zbar {}",
                    c.cond.label(),
                    sheets[c.sheet].name,
                    c.seed,
                    p.file.strip_prefix(&args.out).unwrap_or(&p.file).display(),
                    list(&others.iter().copied().collect::<Vec<_>>()),
                    list(&p.intact),
                    list(&p.paperseed),
                    p.zxing.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                    p.zbar.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                );
            }
        }
    }
    failures.push_str("\nCodes that zxing-cpp or zbar read on a page and paperseed (Normal effort) did not:\n\n");
    failures.push_str(if behind.is_empty() { "None.\n" } else { &behind });

    let mut tsv = String::from(
        "condition\tsheet\tseed\tfile\tcodes\tintact\tpaperseed\tpaperseed_s\tzxing\tzxing_s\tzbar\tzbar_s\trestored\n",
    );
    for c in &cases {
        for p in &c.pages {
            let _ = writeln!(
                tsv,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.3}\t{}\t{:.3}\t{}\t{:.3}\t{}",
                c.cond.id(),
                sheets[c.sheet].name,
                c.seed,
                p.file.display(),
                list(&p.codes),
                list(&p.intact),
                list(&p.paperseed),
                p.seconds,
                p.zxing.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                p.zxing_seconds,
                p.zbar.as_deref().map(list).unwrap_or_else(|| "n/a".into()),
                p.zbar_seconds,
                c.restored
            );
        }
    }
    let mut hwm = String::from("?");
    if let Ok(status) = fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
    {
        hwm = line.trim_start_matches("VmHWM:").trim().to_string();
    }
    let zx_times: Vec<f64> = cases.iter().flat_map(|c| c.pages.iter().map(|p| p.zxing_seconds)).collect();
    let zb_times: Vec<f64> = cases.iter().flat_map(|c| c.pages.iter().map(|p| p.zbar_seconds)).collect();
    let summary = format!(
        "Tools: {}; {}. Pages read: {}; cases: {}. Median time per page: zxing-cpp decode {:.2} s (image \
         loading excluded), zbarimg process {:.2} s. Bench wall time {:.0} s; bench process peak memory \
         (VmHWM, images and all) {hwm}.\n",
        zxing.as_deref().unwrap_or("zxing-cpp not installed"),
        zbar.as_deref().unwrap_or("zbar not installed"),
        files.len(),
        cases.len(),
        median(&mut zx_times.clone()),
        median(&mut zb_times.clone()),
        started.elapsed().as_secs_f64(),
    );
    fs::write(args.out.join("table.md"), &table).unwrap();
    fs::write(args.out.join("details.md"), &details).unwrap();
    fs::write(args.out.join("failures.md"), &failures).unwrap();
    fs::write(args.out.join("summary.md"), &summary).unwrap();
    fs::write(args.out.join("pages.tsv"), &tsv).unwrap();
    println!("\n{table}\n{failures}\n{summary}");
    if args.margin {
        let report = margin_report(&conds, &cases);
        fs::write(args.out.join("margin.md"), &report).unwrap();
        println!("{report}");
    }
}

// ---------------------------------------------------------------- error-correction margin

/// Bin of a margin `m` in `n` equal steps: 0 for a clean read, then
/// (0, 1/n), [1/n, 2/n), …, [(n−1)/n, 1), and n + 1 for exactly 100%; so that
/// "at least T" is a sum of whole bins for T a multiple of 1/n.
fn bin(m: f32, n: usize) -> usize {
    if m <= 0.0 {
        0
    } else if m >= 1.0 - 1e-4 {
        n + 1
    } else {
        ((m * n as f32 + 1e-4).floor() as usize).min(n - 1) + 1
    }
}

fn bin_label(b: usize, n: usize) -> String {
    let step = 100 / n;
    match b {
        0 => "0 (clean)".into(),
        1 => format!("1–{}%", step - 1),
        b if b == n + 1 => "100%".into(),
        b => format!("{}–{}%", (b - 1) * step, b * step - 1),
    }
}

/// `margin.md`: the margin of the codes read per condition, and, along each
/// ladder, a code's margin at one step against whether it still reads at the
/// next.
fn margin_report(conds: &[Cond], cases: &[CaseResult]) -> String {
    let mut out = String::from(
        "Error-correction margin of each code paperseed read (Normal effort): the share of its worst \
         Reed–Solomon block's capacity the read used (`scan::FoundCode::ecc`).\n\n\
         | condition | codes | read | 0 | 1–24% | 25–49% | 50–74% | 75–99% | 100% | max | restored (Normal) |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for &cond in conds {
        let cs: Vec<&CaseResult> = cases.iter().filter(|c| c.cond == cond).collect();
        let codes: usize = cs.iter().flat_map(|c| &c.pages).map(|p| p.codes.len()).sum();
        let read: usize = cs.iter().flat_map(|c| &c.pages).map(|p| p.paperseed.len()).sum();
        let ms: Vec<f32> = cs.iter().flat_map(|c| &c.pages).flat_map(|p| p.margins.values().copied()).collect();
        let mut bins = [0usize; 6];
        for &m in &ms {
            bins[bin(m, 4)] += 1;
        }
        let max = ms.iter().copied().fold(0.0f32, f32::max);
        let ok = cs.iter().filter(|c| c.restored_normal).count();
        let _ = writeln!(
            out,
            "| {} | {codes} | {read} | {} | {} | {} | {} | {} | {} | {:.0}% | {ok}/{} |",
            cond.label(),
            bins[0],
            bins[1],
            bins[2],
            bins[3],
            bins[4],
            bins[5],
            max * 100.0,
            cs.len()
        );
    }

    // Along each ladder: (ladder is fade, margin at this step or None when
    // not read, read at the next step).
    let mut steps: Vec<(bool, Option<f32>, bool)> = Vec::new();
    for (name, ladder) in ladders() {
        for pair in ladder.windows(2) {
            for a in cases.iter().filter(|c| c.cond == pair[0]) {
                let Some(b) = cases.iter().find(|c| c.cond == pair[1] && c.sheet == a.sheet && c.seed == a.seed) else {
                    continue;
                };
                for (pa, pb) in a.pages.iter().zip(&b.pages) {
                    for i in &pa.codes {
                        let before = match (pa.paperseed.contains(i), pa.margins.get(i)) {
                            (true, Some(&m)) => Some(m),
                            (true, None) => continue, // read but not measured (not seen so far)
                            (false, _) => None,
                        };
                        steps.push((name == "fade", before, pb.paperseed.contains(i)));
                    }
                }
            }
        }
    }
    out.push_str(
        "\nA code's margin at one step of a ladder against whether it still read one step further (same \
         sheet, seed and code). Ladders: resolution 600→300→200→150 dpi, rotation 1→3→5→10°, blur \
         0.5→1→1.5, JPEG 60→40, noise 8→16, photo 12→4 Mpx; fade: wear 2→4→…→18% (the same specks \
         wearing further).\n\n\
         | margin at step i | other ladders: codes | not read at step i+1 | fade: codes | not read at step i+1 |\n\
         |---|---:|---:|---:|---:|\n",
    );
    let count = |fade: bool, pick: &dyn Fn(Option<f32>) -> bool| {
        let sel: Vec<_> = steps.iter().filter(|s| s.0 == fade && pick(s.1)).collect();
        (sel.len(), sel.iter().filter(|s| !s.2).count())
    };
    for d in 0..=11 {
        let pick = |m: Option<f32>| m.is_some_and(|m| bin(m, 10) == d);
        let (n, lost) = count(false, &pick);
        let (fn_, flost) = count(true, &pick);
        if n + fn_ > 0 {
            let _ = writeln!(out, "| {} | {n} | {lost} | {fn_} | {flost} |", bin_label(d, 10));
        }
    }
    let (n, lost) = count(false, &|m| m.is_none());
    let (fn_, flost) = count(true, &|m| m.is_none());
    let _ = writeln!(out, "| not read | {n} | {lost} | {fn_} | {flost} |");

    out.push_str(
        "\nA threshold T: codes read at step i with margin ≥ T (warned) or below, and how many of each \
         were not read one step further.\n\n\
         | T | all ladders: warned | not read next step | not warned | not read next step | fade: warned | \
         not read next step | not warned | not read next step |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for t in [0.25f32, 0.33, 0.4, 0.5, 0.6, 0.67, 0.75] {
        let split = |only_fade: bool| {
            let read: Vec<(f32, bool)> =
                steps.iter().filter(|s| !only_fade || s.0).filter_map(|s| s.1.map(|m| (m, s.2))).collect();
            let (warned, quiet): (Vec<_>, Vec<_>) = read.iter().partition(|r| r.0 >= t - 1e-4);
            let lost = |v: &[&(f32, bool)]| v.iter().filter(|r| !r.1).count();
            format!("{} | {} | {} | {}", warned.len(), lost(&warned), quiet.len(), lost(&quiet))
        };
        let _ = writeln!(out, "| {:.0}% | {} | {} |", t * 100.0, split(false), split(true));
    }
    out
}
