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
}

pub(crate) fn norm(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase()
}

pub(crate) fn prepare_sheet(name: &str, out: &Path) -> Sheet {
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
