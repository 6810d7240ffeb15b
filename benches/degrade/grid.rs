//! The severity grid: damage in combination, not one factor at a time.
//!
//! A flatbed at 200 dpi with a slightly soft focus, a JPEG saved at low
//! quality, a phone photo in poor light, a photocopy of a folded sheet: each
//! alone is read; together they decide whether a sheet restores. The grid
//! crosses every level of every factor:
//!
//! - **scene**: a flat scan (slightly turned, scanner noise); a phone photo
//!   (perspective, the page on a table, vignetting and a light gradient,
//!   optics blur, sensor noise); a photocopy (toner contrast, grey paper,
//!   specks, a fold across the page and a dark shadow along one edge);
//! - **resolution** of the page in the image: 300, 200, 150, 120 dpi;
//! - **blur** σ 0, 1.5, 2.2 pixels at 300 dpi, applied before the resolution
//!   drops (a soft focus or a page not flat on the glass);
//! - **file**: PNG, JPEG quality 50, JPEG quality 30;
//! - **codes lost**: 0, 20%, 40% of the sheet's codes (rounded), erased
//!   (cut out, white) or covered by an opaque stain, alternately.
//!
//! That is 3 × 4 × 3 × 3 × 3 = 324 cases per sheet. Beside it, **partial
//! damage**, the kind QR error correction inside each code exists for: a
//! crease whose ink cracked along a whole row of codes, small ink blots
//! (10–25% of a symbol) on n − k + 1 codes at once (so at least one blotted
//! code must read), a scratch across every code, and a coffee ring; each on
//! a flat scan at 300 and 200 dpi, three seeds.
//!
//! Every case is restored as `paperseed restore` restores it
//! ([`paperseed::restore::pipeline::scan_files`]: the Normal pass, a Thorough
//! pass when codes are missing, then the recovery text), and the same image
//! files are read by zxing-cpp and zbar, whose codes are decoded by
//! paperseed's decoder of the format (so "restored" means the same for all
//! three: the payload rebuilt and its fingerprint equal to the encoder's).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use image::{GrayImage, Luma, RgbImage};
use paperseed::restore::pipeline::{ScanOptions, scan_files};
use paperseed::restore::{self, Located};

use crate::Pt;
use crate::conditions::*;
use crate::damage::*;
use crate::geometry::*;
use crate::sheets::*;

/// How the sheet reached the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Scene {
    Scan,
    Photo,
    Copy,
}

impl Scene {
    pub(crate) const ALL: [Scene; 3] = [Scene::Scan, Scene::Photo, Scene::Copy];
    pub(crate) fn id(self) -> &'static str {
        match self {
            Scene::Scan => "scan",
            Scene::Photo => "photo",
            Scene::Copy => "copy",
        }
    }
    pub(crate) fn label(self) -> &'static str {
        match self {
            Scene::Scan => "flat scan",
            Scene::Photo => "phone photo",
            Scene::Copy => "photocopy, fold, shadow",
        }
    }
}

/// Damage QR error correction is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Partial {
    /// The ink cracked along a fold through a whole row of codes.
    Crease,
    /// Ink blots of 10–25% of a symbol on n − k + 1 codes.
    Blots,
    /// A scratch (scraped white or a pen line) across every code.
    Scratch,
    /// The ring a coffee cup leaves, crossing a few codes.
    Ring,
}

impl Partial {
    pub(crate) const ALL: [Partial; 4] = [Partial::Crease, Partial::Blots, Partial::Scratch, Partial::Ring];
    pub(crate) fn id(self) -> &'static str {
        match self {
            Partial::Crease => "crease",
            Partial::Blots => "blots",
            Partial::Scratch => "scratch",
            Partial::Ring => "ring",
        }
    }
    pub(crate) fn label(self) -> &'static str {
        match self {
            Partial::Crease => "crease through a row of codes",
            Partial::Blots => "blots (10–25% of a symbol) on n−k+1 codes",
            Partial::Scratch => "scratch across every code",
            Partial::Ring => "coffee ring",
        }
    }
}

/// Resolutions of the grid, dpi.
pub(crate) const DPIS: [u32; 4] = [300, 200, 150, 120];
/// Blur of the grid, σ in pixels at 300 dpi (tenths).
pub(crate) const BLURS: [u8; 3] = [0, 15, 22];
/// Files of the grid: 0 = PNG, else JPEG quality.
pub(crate) const JPEGS: [u8; 3] = [0, 50, 30];
/// Codes lost, percent of the sheet's codes.
pub(crate) const LOST: [u8; 3] = [0, 20, 40];
/// Resolutions of the partial-damage cases.
pub(crate) const PARTIAL_DPIS: [u32; 2] = [300, 200];
/// Seeds of each partial-damage kind and resolution.
pub(crate) const PARTIAL_SEEDS: u8 = 3;
/// Beyond the grid (stress cases): scene, resolution, blur (tenths of a pixel).
pub(crate) const STRESS: [(Scene, u32, u8); 8] = [
    (Scene::Scan, 120, 30),
    (Scene::Scan, 100, 22),
    (Scene::Scan, 100, 30),
    (Scene::Scan, 85, 22),
    (Scene::Photo, 150, 30),
    (Scene::Photo, 120, 30),
    (Scene::Photo, 100, 15),
    (Scene::Photo, 100, 22),
];

/// One case of the grid, or one partial-damage case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum GridCase {
    Grid {
        scene: Scene,
        dpi: u32,
        blur: u8,
        jpeg: u8,
        lost: u8,
    },
    Partial {
        kind: Partial,
        dpi: u32,
        seed: u8,
    },
    /// Beyond the grid (JPEG q30, no code lost): where a sheet starts to
    /// fail, to compare the margin sheets keep (`codes read`, not only
    /// restores).
    Stress {
        scene: Scene,
        dpi: u32,
        blur: u8,
    },
}

impl GridCase {
    /// Every case: the 324 of the grid, then the partial damage.
    pub(crate) fn all() -> Vec<GridCase> {
        let mut v = Vec::new();
        for scene in Scene::ALL {
            for dpi in DPIS {
                for blur in BLURS {
                    for jpeg in JPEGS {
                        for lost in LOST {
                            v.push(GridCase::Grid { scene, dpi, blur, jpeg, lost });
                        }
                    }
                }
            }
        }
        for kind in Partial::ALL {
            for dpi in PARTIAL_DPIS {
                for seed in 0..PARTIAL_SEEDS {
                    v.push(GridCase::Partial { kind, dpi, seed });
                }
            }
        }
        for (scene, dpi, blur) in STRESS {
            v.push(GridCase::Stress { scene, dpi, blur });
        }
        v
    }

    pub(crate) fn id(self) -> String {
        match self {
            GridCase::Grid { scene, dpi, blur, jpeg, lost } => {
                let file = if jpeg == 0 { "png".to_string() } else { format!("q{jpeg}") };
                format!("{}-{dpi}-b{blur}-{file}-l{lost}", scene.id())
            }
            GridCase::Partial { kind, dpi, seed } => format!("{}-{dpi}-s{seed}", kind.id()),
            GridCase::Stress { scene, dpi, blur } => format!("stress-{}-{dpi}-b{blur}-q30", scene.id()),
        }
    }

    pub(crate) fn dpi(self) -> u32 {
        match self {
            GridCase::Grid { dpi, .. } | GridCase::Partial { dpi, .. } | GridCase::Stress { dpi, .. } => dpi,
        }
    }

    fn seed(self) -> u64 {
        let h = self.id().bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01B3));
        h ^ 0x5EED
    }
}

// ---------------------------------------------------------------- image operations

/// Area-averaging resize by `f` (< 1): what a scanner's sensor does.
pub(crate) fn resample_area(img: &GrayImage, f: f32) -> GrayImage {
    if (f - 1.0).abs() < 1e-6 {
        return img.clone();
    }
    let (w, h) = img.dimensions();
    let (nw, nh) = (((w as f32) * f).round().max(1.0) as u32, ((h as f32) * f).round().max(1.0) as u32);
    // Weights of source pixels for each output pixel along one axis.
    let weights = |n_src: u32, n_dst: u32| -> Vec<Vec<(u32, f32)>> {
        let scale = n_src as f32 / n_dst as f32;
        (0..n_dst)
            .map(|d| {
                let (a, b) = (d as f32 * scale, (d + 1) as f32 * scale);
                let mut v = Vec::new();
                let mut s = a.floor() as u32;
                while (s as f32) < b && s < n_src {
                    let cover = (b.min(s as f32 + 1.0) - a.max(s as f32)).max(0.0);
                    if cover > 0.0 {
                        v.push((s, cover / scale));
                    }
                    s += 1;
                }
                v
            })
            .collect()
    };
    let (wx, wy) = (weights(w, nw), weights(h, nh));
    let src = img.as_raw();
    let mut rows = vec![0f32; (nw * h) as usize];
    for y in 0..h as usize {
        let line = &src[y * w as usize..(y + 1) * w as usize];
        for (x, ws) in wx.iter().enumerate() {
            rows[y * nw as usize + x] = ws.iter().map(|&(s, k)| line[s as usize] as f32 * k).sum();
        }
    }
    GrayImage::from_fn(nw, nh, |x, y| {
        let v: f32 = wy[y as usize].iter().map(|&(s, k)| rows[s as usize * nw as usize + x as usize] * k).sum();
        Luma([to_u8(v)])
    })
}

/// The sheet as a printer puts it on paper: ink spreads a little (σ 0.8
/// pixel at 300 dpi) and dot gain doubles the ink where it is partial, so
/// dark areas grow by about 0.045 mm on every edge (plain paper, an ordinary
/// inkjet or a worn laser toner). Applied once to every page of a sheet:
/// everything the grid does starts from the printed page, not the PDF.
pub(crate) fn print(img: &GrayImage) -> GrayImage {
    let spread = blur(img, 0.8);
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let ink = 1.0 - spread.get_pixel(x, y)[0] as f32 / 255.0;
        Luma([to_u8(255.0 * (1.0 - (2.0 * ink).min(1.0)))])
    })
}

/// Paint `poly` with `value` blended at `alpha`.
fn paint(img: &mut GrayImage, poly: &[Pt], value: f32, alpha: f32) {
    let (w, h) = img.dimensions();
    for_each_inside(poly, w, h, |x, y| {
        let v = img.get_pixel(x, y)[0] as f32;
        img.put_pixel(x, y, Luma([to_u8(v * (1.0 - alpha) + value * alpha)]));
    });
}

/// Side of a code's symbol in pixels.
fn side(c: &Code) -> f32 {
    let (a, b) = (c.corners[0], c.corners[1]);
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Codes lost: `m` codes of the sheet, erased (white, as if cut out) or
/// covered by an opaque stain, alternately. Returns the indices lost.
fn lose_codes(pages: &mut [GrayImage], sheet: &Sheet, m: usize, rng: &mut Rng) -> Vec<u8> {
    let mut all: Vec<(usize, usize)> =
        sheet.pages.iter().enumerate().flat_map(|(p, sp)| (0..sp.codes.len()).map(move |c| (p, c))).collect();
    let mut lost = Vec::new();
    for i in 0..m.min(all.len()) {
        let (p, c) = all.swap_remove(rng.below(all.len()));
        let code = &sheet.pages[p].codes[c];
        if i % 2 == 0 {
            paint(&mut pages[p], &code.zone, 250.0, 1.0);
        } else {
            let centre = centre(&code.corners);
            let r = side(code) * 0.78;
            let harmonics: Vec<(f32, f32, f32)> =
                (2..6).map(|k| (k as f32, rng.range(0.02, 0.06), rng.range(0.0, 6.3))).collect();
            paint(&mut pages[p], &blob_polygon(centre, r, &harmonics), rng.range(40.0, 70.0), 1.0);
        }
        lost.push(code.index);
    }
    lost.sort_unstable();
    lost
}

/// Rows of codes on a page: codes whose centres lie within half a symbol
/// of each other vertically.
fn code_rows(codes: &[Code]) -> Vec<Vec<&Code>> {
    let mut rows: Vec<Vec<&Code>> = Vec::new();
    let mut sorted: Vec<&Code> = codes.iter().collect();
    sorted.sort_by(|a, b| centre(&a.corners).1.total_cmp(&centre(&b.corners).1));
    for c in sorted {
        let y = centre(&c.corners).1;
        match rows.last_mut() {
            Some(r) if (centre(&r[0].corners).1 - y).abs() < side(c) / 2.0 => r.push(c),
            _ => rows.push(vec![c]),
        }
    }
    rows
}

/// A line from `a` to `b`, `width` pixels wide, painted with `value` (edges
/// ragged by `ragged` of the width).
fn line(img: &mut GrayImage, a: Pt, b: Pt, width: f32, value: f32, alpha: f32, rng: &mut Rng) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let n = (-dy / len, dx / len);
    let wobble = ValueNoise::new(len as u32 + 2, 1, 12.0, rng);
    let steps = (len / 4.0).ceil() as usize;
    let mut top = Vec::new();
    let mut bottom = Vec::new();
    for i in 0..=steps {
        let t = i as f32 / steps as f32;
        let half = width / 2.0 * (0.7 + 0.6 * wobble.at(t * len, 0.0));
        let p = (a.0 + dx * t, a.1 + dy * t);
        top.push((p.0 + n.0 * half, p.1 + n.1 * half));
        bottom.push((p.0 - n.0 * half, p.1 - n.1 * half));
    }
    bottom.reverse();
    top.extend(bottom);
    paint(img, &top, value, alpha);
}

/// Partial damage on one page (codes of `page`).
fn partial(img: &mut GrayImage, page: &SheetPage, sheet: &Sheet, kind: Partial, rng: &mut Rng, budget: &mut usize) {
    let px_mm = 300.0 / 25.4;
    match kind {
        Partial::Crease => {
            // One row per sheet: the first page's row chosen by the seed.
            if *budget == 0 {
                return;
            }
            *budget = 0;
            let rows = code_rows(&page.codes);
            let row = &rows[rng.below(rows.len())];
            let y = row.iter().map(|c| centre(&c.corners).1).sum::<f32>() / row.len() as f32
                + rng.range(-0.25, 0.25) * side(row[0]);
            let angle = rng.range(-1.0f32, 1.0).to_radians();
            let w = img.width() as f32;
            let (a, b) = ((0.0, y - angle.tan() * w / 2.0), (w, y + angle.tan() * w / 2.0));
            // Shading on both sides of the ridge, then the crack where the ink came off.
            let normal = (-(b.1 - a.1) / w, 1.0);
            for (x, yy, p) in img.enumerate_pixels_mut() {
                let d = (yy as f32 + 0.5 - (a.1 + (b.1 - a.1) * (x as f32 + 0.5) / w)) * normal.1;
                let f = 1.0 - 0.3 * (-(d * d) / (2.0 * 9.0f32.powi(2))).exp();
                p[0] = to_u8(p[0] as f32 * f);
            }
            line(img, a, b, rng.range(0.3, 0.5) * px_mm, 238.0, 1.0, rng);
        }
        Partial::Blots => {
            // n − k + 1 codes of the sheet carry a blot: taken page by page.
            for c in &page.codes {
                if *budget == 0 {
                    break;
                }
                *budget -= 1;
                let s = side(c);
                let frac = rng.range(0.10, 0.25);
                let r = (frac * s * s / std::f32::consts::PI).sqrt();
                let (u, v) = (rng.range(0.2, 0.8), rng.range(0.2, 0.8));
                let q = c.corners;
                let at = |u: f32, v: f32| {
                    let top = (q[0].0 + (q[1].0 - q[0].0) * u, q[0].1 + (q[1].1 - q[0].1) * u);
                    let bot = (q[3].0 + (q[2].0 - q[3].0) * u, q[3].1 + (q[2].1 - q[3].1) * u);
                    (top.0 + (bot.0 - top.0) * v, top.1 + (bot.1 - top.1) * v)
                };
                let harmonics: Vec<(f32, f32, f32)> =
                    (2..6).map(|k| (k as f32, rng.range(0.03, 0.1), rng.range(0.0, 6.3))).collect();
                paint(img, &blob_polygon(at(u, v), r, &harmonics), rng.range(25.0, 60.0), 1.0);
            }
            let _ = sheet;
        }
        Partial::Scratch => {
            // A straight scratch through every row of codes, slanted so it
            // crosses each code of the row.
            let white = rng.unit() < 0.5;
            for row in code_rows(&page.codes) {
                let (x0, x1) = (
                    row.iter().flat_map(|c| c.corners.iter().map(|p| p.0)).fold(f32::INFINITY, f32::min),
                    row.iter().flat_map(|c| c.corners.iter().map(|p| p.0)).fold(f32::NEG_INFINITY, f32::max),
                );
                let s = side(row[0]);
                let y = row.iter().map(|c| centre(&c.corners).1).sum::<f32>() / row.len() as f32;
                let rise = rng.range(-0.35, 0.35) * s;
                let a = (x0 - 0.2 * s, y - rise + rng.range(-0.15, 0.15) * s);
                let b = (x1 + 0.2 * s, y + rise + rng.range(-0.15, 0.15) * s);
                let (value, width) = if white { (240.0, rng.range(0.3, 0.5)) } else { (35.0, rng.range(0.35, 0.6)) };
                line(img, a, b, width * px_mm, value, 1.0, rng);
            }
        }
        Partial::Ring => {
            if *budget == 0 {
                return;
            }
            *budget = 0;
            let c = &page.codes[rng.below(page.codes.len())];
            let s = side(c);
            let cc = centre(&c.corners);
            let centre = (cc.0 + rng.range(-0.8, 0.8) * s, cc.1 + rng.range(-0.8, 0.8) * s);
            let outer = rng.range(35.0, 45.0) * px_mm;
            let width = rng.range(2.0, 3.5) * px_mm;
            let alpha = rng.range(0.45, 0.65);
            let (w, h) = img.dimensions();
            let mottle = ValueNoise::new(w, h, 40.0, rng);
            let bbox = [
                (centre.0 - outer, centre.1 - outer),
                (centre.0 + outer, centre.1 - outer),
                (centre.0 + outer, centre.1 + outer),
                (centre.0 - outer, centre.1 + outer),
            ];
            for_each_inside(&bbox, w, h, |x, y| {
                let (dx, dy) = (x as f32 + 0.5 - centre.0, y as f32 + 0.5 - centre.1);
                let d = (dx * dx + dy * dy).sqrt();
                if d > outer {
                    return;
                }
                // A dark rim inside the edge, a faint tint within.
                let rim = (-((d - (outer - width / 2.0)) / (width / 2.0)).powi(2)).exp();
                let a = (alpha * rim + 0.08) * (0.8 + 0.4 * mottle.at(x as f32, y as f32));
                let v = img.get_pixel(x, y)[0] as f32;
                img.put_pixel(x, y, Luma([to_u8(v * (1.0 - a) + 95.0 * a)]));
            });
        }
    }
}

/// A flat scan: a little turned, paper and ink as a scanner sees them.
fn scan_scene(img: &GrayImage, rng: &mut Rng) -> GrayImage {
    let turned = rotate_any(img, rng.range(0.2, 1.0) * if rng.unit() < 0.5 { -1.0 } else { 1.0 });
    let (ink, paper) = (rng.range(18.0, 30.0), rng.range(240.0, 250.0));
    GrayImage::from_fn(turned.width(), turned.height(), |x, y| {
        Luma([to_u8(ink + turned.get_pixel(x, y)[0] as f32 / 255.0 * (paper - ink))])
    })
}

/// A photocopy of a folded sheet: toner contrast, grey mottled paper,
/// specks, a fold across the page and a shadow along one edge.
fn copy_scene(img: &GrayImage, rng: &mut Rng) -> GrayImage {
    let (w, h) = img.dimensions();
    let (wf, hf) = (w as f32, h as f32);
    let mottle = ValueNoise::new(w, h, 60.0, rng);
    // The fold: a letter folded in half or in thirds; the crease darkens and
    // one side of it is a little darker (the paper not quite flat).
    let fold_y = hf * [0.5, 0.333, 0.667][rng.below(3)] + rng.range(-0.03, 0.03) * hf;
    let slope = rng.range(-0.01, 0.01);
    let sigma = rng.range(2.0, 3.5);
    let depth = rng.range(0.35, 0.5);
    // The shadow: the lid not closed on a thick or curled sheet, dark along an edge.
    let edge = rng.below(4);
    let reach = rng.range(0.08, 0.15) * wf.min(hf);
    let darkest = rng.range(0.35, 0.55);
    let (ink, paper) = (rng.range(10.0, 25.0), rng.range(226.0, 238.0));
    let mut out = GrayImage::new(w, h);
    for (x, y, p) in out.enumerate_pixels_mut() {
        let (xf, yf) = (x as f32 + 0.5, y as f32 + 0.5);
        let v = img.get_pixel(x, y)[0] as f32 / 255.0;
        // Toner: steeper than the original, mid-greys pushed apart.
        let t = ((v - 0.5) * 1.5 + 0.5).clamp(0.0, 1.0);
        let mut lum = ink + t * (paper - ink) * (0.96 + 0.06 * mottle.at(xf, yf));
        let d = yf - (fold_y + slope * (xf - wf / 2.0));
        let mut f = 1.0 - depth * (-(d * d) / (2.0 * sigma * sigma)).exp();
        if d > 0.0 {
            f *= 0.93;
        }
        let dist = match edge {
            0 => xf,
            1 => wf - xf,
            2 => yf,
            _ => hf - yf,
        };
        f *= 1.0 - (1.0 - darkest) * (-dist / (reach / 3.0)).exp();
        lum *= f;
        *p = Luma([to_u8(lum)]);
    }
    // Specks of toner.
    let specks = (w as usize * h as usize) / 40_000;
    for _ in 0..specks {
        let (x, y) = (rng.below(w as usize) as u32, rng.below(h as usize) as u32);
        let r = rng.range(0.5, 2.0);
        let v = rng.range(20.0, 90.0);
        for yy in y.saturating_sub(2)..(y + 3).min(h) {
            for xx in x.saturating_sub(2)..(x + 3).min(w) {
                let d = ((xx as f32 - x as f32).powi(2) + (yy as f32 - y as f32).powi(2)).sqrt();
                if d <= r {
                    out.put_pixel(xx, yy, Luma([v as u8]));
                }
            }
        }
    }
    out
}

fn save_rgb_png(img: &RgbImage, path: &Path) {
    img.save(path).unwrap();
}

/// The files of one case: every code page of `sheet`, damaged as `case`
/// says, written to `dir`. Returns the paths and the codes lost on purpose.
pub(crate) fn make_case(sheet: &Sheet, case: GridCase, dir: &Path, opts: &GridOptions) -> (Vec<PathBuf>, Vec<u8>) {
    let blur_at_300 = opts.blur_at_300;
    let mut rng = Rng::new(case.seed() ^ sheet.name.len() as u64);
    let mut pages: Vec<GrayImage> =
        sheet.pages.iter().map(|p| if opts.print { p.printed.clone() } else { p.image.clone() }).collect();
    let mut lost = Vec::new();
    match case {
        GridCase::Grid { lost: pct, .. } => {
            let m = (sheet.n as f32 * pct as f32 / 100.0).round() as usize;
            lost = lose_codes(&mut pages, sheet, m, &mut rng);
        }
        GridCase::Stress { .. } => {}
        GridCase::Partial { kind, .. } => {
            let mut budget = match kind {
                Partial::Blots => (sheet.n - sheet.k + 1).min(sheet.n),
                _ => 1,
            };
            for (img, page) in pages.iter_mut().zip(&sheet.pages) {
                partial(img, page, sheet, kind, &mut rng, &mut budget);
            }
        }
    }
    let mut files = Vec::new();
    for (img, page) in pages.into_iter().zip(&sheet.pages) {
        let stem = dir.join(format!("{}-{}-p{}", sheet.name, case.id(), page.number));
        let (scene, dpi, blur_tenths, jpeg) = match case {
            GridCase::Grid { scene, dpi, blur, jpeg, .. } => (scene, dpi, blur, jpeg),
            GridCase::Partial { dpi, .. } => (Scene::Scan, dpi, 0, 0),
            GridCase::Stress { scene, dpi, blur } => (scene, dpi, blur, 30),
        };
        let sigma = blur_tenths as f32 / 10.0;
        let scale = dpi as f32 / 300.0;
        // The blur axis: σ in the image's own pixels (a camera's defocus, a
        // scanner's softness), or with `blur_at_300`, in 300-dpi pixels
        // before the resolution drops.
        let (before, after) = if blur_at_300 { (sigma, 0.0) } else { (0.0, sigma) };
        let path = match scene {
            Scene::Photo => {
                let soft = if before > 0.0 { blur(&img, before) } else { img };
                let photo = phone_photo_at(&soft, scale, after, &mut rng);
                if jpeg == 0 {
                    let p = stem.with_extension("png");
                    save_rgb_png(&photo, &p);
                    p
                } else {
                    let p = stem.with_extension("jpg");
                    save_rgb_jpeg(&photo, &p, jpeg);
                    p
                }
            }
            Scene::Scan | Scene::Copy => {
                let seen = if scene == Scene::Scan { scan_scene(&img, &mut rng) } else { copy_scene(&img, &mut rng) };
                let soft = if before > 0.0 { blur(&seen, before) } else { seen };
                let small = resample_area(&soft, scale);
                let small = if after > 0.0 { blur(&small, after) } else { small };
                let noisy = add_noise(&small, 2.5, &mut rng);
                if jpeg == 0 {
                    let p = stem.with_extension("png");
                    save_png(&noisy, &p);
                    p
                } else {
                    let p = stem.with_extension("jpg");
                    save_jpeg(&noisy, &p, jpeg);
                    p
                }
            }
        };
        files.push(path);
    }
    (files, lost)
}

/// What one reader made of one case.
#[derive(Clone, Debug, Default)]
pub(crate) struct Outcome {
    /// The sheet's codes read (shard indices).
    pub(crate) codes: BTreeSet<u8>,
    /// The payload was rebuilt and its fingerprint is the encoder's.
    pub(crate) restored: bool,
}

/// paperseed as the binary restores: Normal, Thorough, then the recovery text.
pub(crate) fn read_paperseed_case(sheet: &Sheet, files: &[PathBuf]) -> (Outcome, bool) {
    let scanned = scan_files(files, &ScanOptions::default(), &mut |_| {}).expect("the bench's own files load");
    let codes = scanned.found.iter().filter_map(|l| sheet.frames.get(&norm(&l.text)).copied()).collect();
    let restored = scanned
        .report
        .sets
        .iter()
        .any(|s| matches!(restore::decode(s), Some(Ok(r)) if r.fingerprint == sheet.fingerprint));
    (Outcome { codes, restored }, scanned.text.is_some())
}

/// Another reader's texts decoded by paperseed's decoder of the format.
pub(crate) fn outcome_of_texts(sheet: &Sheet, texts: &BTreeSet<String>) -> Outcome {
    let codes = texts.iter().filter_map(|t| sheet.frames.get(t).copied()).collect();
    let found: Vec<Located> = texts
        .iter()
        .filter(|t| t.starts_with("PAPERSEED"))
        .map(|t| Located { text: t.clone(), bytes: t.as_bytes().to_vec(), place: "tool".into(), ecc: None })
        .collect();
    let report = restore::assemble(&found);
    let restored =
        report.sets.iter().any(|s| matches!(restore::decode(s), Some(Ok(r)) if r.fingerprint == sheet.fingerprint));
    Outcome { codes, restored }
}

// ---------------------------------------------------------------- running

/// One case of one sheet, read by every reader.
pub(crate) struct GridResult {
    pub(crate) sheet: usize,
    pub(crate) case: GridCase,
    pub(crate) files: Vec<PathBuf>,
    /// Codes lost on purpose (erased or stained).
    pub(crate) lost: Vec<u8>,
    pub(crate) paperseed: Outcome,
    /// Whether paperseed had to read the recovery text (codes did not suffice).
    pub(crate) text_read: bool,
    pub(crate) zxing: Option<Outcome>,
    pub(crate) zbar: Option<Outcome>,
    /// paperseed's time for the case (load, passes, text), seconds.
    pub(crate) seconds: f64,
}

/// How the grid's images are made.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GridOptions {
    /// Blur in 300-dpi pixels before the resolution drops (else in the
    /// image's own pixels).
    pub(crate) blur_at_300: bool,
    /// Start from the printed page ([`print`]) rather than the PDF's rendering.
    pub(crate) print: bool,
}

/// Make and read every case of every sheet, `threads` at a time.
pub(crate) fn run_grid(
    sheets: &[Sheet],
    cases: &[GridCase],
    out: &Path,
    threads: usize,
    opts: &GridOptions,
) -> Vec<GridResult> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let work: Vec<(usize, GridCase)> = (0..sheets.len()).flat_map(|s| cases.iter().map(move |&c| (s, c))).collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    let total = work.len();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(s, case)) = work.get(i) else { break };
                    let sheet = &sheets[s];
                    let dir = out.join("grid").join(&sheet.name);
                    std::fs::create_dir_all(&dir).unwrap();
                    let (files, lost) = make_case(sheet, case, &dir, opts);
                    let start = std::time::Instant::now();
                    let (paperseed, text_read) = read_paperseed_case(sheet, &files);
                    let seconds = start.elapsed().as_secs_f64();
                    println!(
                        "  [{:>5}/{total}] {:<10} {:<26} read {:>2}/{:<2} {}{} ({seconds:.1} s)",
                        i + 1,
                        sheet.name,
                        case.id(),
                        paperseed.codes.len(),
                        sheet.n,
                        if paperseed.restored { "restored" } else { "NOT restored" },
                        if text_read { ", text read" } else { "" },
                    );
                    results.lock().unwrap().push(GridResult {
                        sheet: s,
                        case,
                        files,
                        lost,
                        paperseed,
                        text_read,
                        zxing: None,
                        zbar: None,
                        seconds,
                    });
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|a| (a.sheet, a.case));
    results
}
