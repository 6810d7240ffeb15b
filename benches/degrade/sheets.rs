//! The sheets under test and their ground truth: each sample encoded by the
//! real encoder, rasterized by the real renderer, with every code's index,
//! text and position (symbol plus quiet zone) on its page.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use image::GrayImage;
use paperseed::format::Frame;
use paperseed::format::fingerprint::Fingerprint;
use paperseed::scan::{self, DetectOptions, Effort, Limits};
use paperseed::sheet::Paper;
use paperseed::{EncodeOptions, encode, secret};

use crate::damage::*;
use crate::geometry::*;
use crate::{DATE, Pt};

// ---------------------------------------------------------------- sheets and ground truth

pub(crate) struct Code {
    pub(crate) index: u8,
    /// Symbol corners on the clean 300 dpi page.
    pub(crate) corners: [Pt; 4],
    /// Symbol plus its 4-module quiet zone.
    pub(crate) zone: [Pt; 4],
}

pub(crate) struct SheetPage {
    /// 1-based page number in the PDF.
    pub(crate) number: usize,
    pub(crate) image: GrayImage,
    /// The page as printed (ink spread, dot gain: [`crate::grid::print`]),
    /// what the severity grid starts from.
    pub(crate) printed: GrayImage,
    pub(crate) codes: Vec<Code>,
    /// The clean 300 dpi page saved as PNG (reused for undamaged pages).
    pub(crate) clean_file: PathBuf,
}

pub(crate) struct Sheet {
    pub(crate) name: String,
    pub(crate) k: usize,
    pub(crate) n: usize,
    pub(crate) fingerprint: Fingerprint,
    /// Normalised frame text → shard index.
    pub(crate) frames: HashMap<String, u8>,
    pub(crate) pdf: PathBuf,
    pub(crate) pages: Vec<SheetPage>,
    /// What was printed: paper, QR level, module size, pages (for reports).
    pub(crate) plan: PlanInfo,
}

/// What a sheet's encoder chose, as the reports show it.
#[derive(Clone, Debug)]
pub(crate) struct PlanInfo {
    pub(crate) paper: &'static str,
    pub(crate) ecc: char,
    pub(crate) module_mm: f32,
    pub(crate) pages: usize,
    pub(crate) version: i16,
    /// Side of a symbol (without quiet zone) measured on the 300 dpi page.
    pub(crate) symbol_mm: f32,
}

impl PlanInfo {
    pub(crate) fn describe(&self, k: usize, n: usize) -> String {
        let symbol = if self.version > 0 {
            format!("level {}, v{}, {:.2} mm modules", self.ecc, self.version, self.module_mm)
        } else {
            format!("{:.0} mm symbols", self.symbol_mm)
        };
        format!(
            "{}, any {k} of {n}, {symbol}, {} page{}",
            self.paper,
            self.pages,
            if self.pages == 1 { "" } else { "s" }
        )
    }
}

pub(crate) fn norm(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase()
}

pub(crate) fn prepare_sheet(name: &str, out: &Path) -> Sheet {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    prepare_manifest(name, &root.join("samples").join(format!("{name}.toml")), Paper::A4, out)
}

/// Encode `manifest` on `paper` with the default settings (date fixed) and
/// take its ground truth.
pub(crate) fn prepare_manifest(name: &str, manifest: &Path, paper: Paper, out: &Path) -> Sheet {
    let text = fs::read_to_string(manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    let backup = secret::manifest::parse(&text, manifest.parent().unwrap()).unwrap();
    let enc = encode(&backup, &EncodeOptions { date: DATE.into(), paper, ..Default::default() }).unwrap();
    let dir = out.join("sheets");
    fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    fs::write(&pdf, &enc.pdf).unwrap();
    let version = paperseed::sheet::qr::encode(&enc.frames[0], enc.plan.ecc).map_or(0, |s| s.version);
    let plan = PlanInfo {
        paper: paper_name(paper),
        ecc: enc.plan.ecc.letter(),
        module_mm: enc.module_mm,
        pages: enc.pages,
        version,
        symbol_mm: 0.0,
    };
    let width = paperseed::sheet::qr::encode(&enc.frames[0], enc.plan.ecc).map_or(0, |s| s.width);
    ground_truth(name, pdf, &enc.frames, enc.fingerprint, enc.plan.k, enc.plan.n, width, plan, out)
}

pub(crate) fn paper_name(paper: Paper) -> &'static str {
    match paper {
        Paper::A4 => "A4",
        Paper::Letter => "Letter",
    }
}

/// A sheet PDF made elsewhere (e.g. by an older paperseed): its frames,
/// k, n and fingerprint are read off its clean 300 dpi rendering.
pub(crate) fn prepare_pdf(name: &str, source: &Path, out: &Path) -> Sheet {
    let dir = out.join("sheets");
    fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    fs::copy(source, &pdf).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let rendered = scan::load(&pdf, &Limits { pdf_dpi: 300.0, ..Limits::default() }).unwrap();
    let mut found = Vec::new();
    for page in &rendered {
        found.extend(paperseed::restore::scan_page(page, &DetectOptions { expected: None, effort: Effort::Thorough }));
    }
    let report = paperseed::restore::assemble(&found);
    let set = report.sets.first().unwrap_or_else(|| panic!("{}: no paperseed code read", source.display()));
    let restored = paperseed::restore::decode(set)
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("{}: the clean rendering does not restore", source.display()));
    let mut texts: Vec<String> = found.iter().map(|l| l.text.clone()).collect();
    texts.sort();
    texts.dedup();
    let frames: Vec<Frame> = texts.iter().filter_map(|t| Frame::parse(t).ok()).collect();
    let first = &frames[0];
    let (k, n) = (first.set.k as usize, first.set.n as usize);
    // The frames of this set, in shard order.
    let mut ordered: Vec<(u8, String)> = texts
        .iter()
        .filter_map(|t| Frame::parse(t).ok().filter(|f| f.set == first.set).map(|f| (f.index, t.clone())))
        .collect();
    ordered.sort();
    ordered.dedup_by_key(|(i, _)| *i);
    let texts: Vec<String> = ordered.into_iter().map(|(_, t)| t).collect();
    let w = rendered[0].image.width() as f32;
    let paper = if (w / 300.0 * 25.4 - 210.0).abs() < 3.0 { "A4" } else { "Letter" };
    let plan = PlanInfo { paper, ecc: '?', module_mm: 0.0, pages: rendered.len(), version: 0, symbol_mm: 0.0 };
    // The symbol's width in modules is not known here: the quiet zones of the
    // ground truth are taken as 4/45 of a symbol's side.
    ground_truth(name, pdf, &texts, restored.fingerprint, k, n, 0, plan, out)
}

/// Render `pdf` at 300 dpi and locate every code of `frames` on its pages.
#[allow(clippy::too_many_arguments)]
fn ground_truth(
    name: &str,
    pdf: PathBuf,
    frame_texts: &[String],
    fingerprint: Fingerprint,
    k: usize,
    n: usize,
    width: usize,
    mut plan: PlanInfo,
    out: &Path,
) -> Sheet {
    let frames: HashMap<String, u8> = frame_texts.iter().map(|t| (norm(t), Frame::parse(t).unwrap().index)).collect();
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
                let module = side / if width > 0 { width as f32 } else { 45.0 };
                plan.symbol_mm = side / 300.0 * 25.4;
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
        let printed = crate::grid::print(&page.image);
        pages.push(SheetPage { number: i + 1, image: page.image, printed, codes, clean_file });
    }
    if seen.len() != n {
        eprintln!(
            "degrade: WARNING {name}: find_codes(Thorough) located {} of {n} codes on the clean 300 dpi render; \
             ground truth is incomplete",
            seen.len(),
        );
    }
    Sheet { name: name.into(), k, n, fingerprint, frames, pdf, pages, plan }
}
