//! Recovery-text benchmark: paperseed's own recogniser against tesseract on
//! the recovery block of real sheets with every QR code blanked out.
//!
//! ```text
//! cargo bench --bench ocr -- [--out DIR] [--no-tesseract] [--hard] [--quick]
//! ```
//!
//! `--hard` runs harsher conditions (and 150 dpi) with paperseed only, to find
//! where the recogniser stops. `--quick` runs the exchange sheet at 300 dpi
//! under three conditions only (a smoke test of the benchmark itself).
//!
//! For `samples/exchange.toml` and `samples/bip39.toml` the sheet PDF (format
//! v2: the recovery text is the carried bytes once plus parity lines) is
//! rendered at 300 and 200 dpi (hayro, through `scan::load`), every QR code
//! found by `scan::find_codes` is painted white, and each condition degrades
//! the pages (rotation, blur, JPEG, sensor noise). Then:
//!
//! - paperseed: `ocr::read_page_detailed` → character error rate of the raw
//!   classification (before checks and repairs), lines passing their checks
//!   (after repairs), and whether `restore::assemble_with_text` rebuilds the
//!   payload from the lines alone;
//! - tesseract (if installed): on crops of the same blocks (`ocr::find_blocks`
//!   with the v2 geometry, axis-aligned bounding box), `--psm 6` with the
//!   recovery alphabet as whitelist; character error rate by edit distance
//!   per row, and restore success: each row cut into its two lines, each
//!   checked like a typed line (`restore::check_typed`), then the same
//!   `assemble_with_text`.
//!
//! The table goes to stdout and `DIR/table.md` (default `target/ocr-bench`).

#[path = "../tests/it/support.rs"]
#[allow(unused_imports)]
mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use image::GrayImage;
use paperseed::format::text;
use paperseed::restore::{self, TextRead};
use paperseed::scan::text as ocr;
use paperseed::scan::{self, DetectOptions, Limits};
use paperseed::sheet::recovery_block as block;
use paperseed::{EncodeOptions, assemble::Outcome};

struct Sheet {
    name: String,
    payload: Vec<u8>,
    /// Printed rows of the recovery text, in order.
    rows: Vec<String>,
    lines: Vec<String>,
    pdf: PathBuf,
}

fn sheet(name: &str, dir: &Path) -> Sheet {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples").join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let backup = paperseed::secret::manifest::parse(&text, path.parent().unwrap()).unwrap();
    let opts = EncodeOptions { date: "2026-01-02".into(), ..EncodeOptions::default() };
    let encoded = paperseed::encode(&backup, &opts).unwrap();
    let lines = encoded.recovery_lines.clone();
    assert!(!lines.is_empty(), "{name}: the sheet has no recovery text");
    let rows = block::V2.rows(&lines).into_iter().flatten().collect();
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf, &encoded.pdf).unwrap();
    let (payload, _) = paperseed::payload_of(&backup);
    Sheet { name: name.into(), payload, rows, lines, pdf }
}

fn blanked(pdf: &Path, dpi: f32) -> Vec<GrayImage> {
    let limits = Limits { pdf_dpi: dpi, ..Limits::default() };
    let mut pages: Vec<GrayImage> = scan::load(pdf, &limits).unwrap().into_iter().map(|p| p.image).collect();
    for img in &mut pages {
        for code in scan::find_codes(img, &DetectOptions::default()) {
            scan::prepare::fill_quad(img, &code.corners, dpi / 25.4 * 4.0, 255);
        }
    }
    pages
}

/// `--hard`: beyond the targets, paperseed only, to find the limits.
const HARD: &[&str] = &["rotate 10°", "blur σ 2", "blur σ 2.5", "jpeg q15", "noise σ 40", "blur σ 1.5 + noise σ 25"];

/// `--quick`: a smoke test.
const QUICK: &[&str] = &["clean", "blur σ 1.5", "jpeg q30"];

const CONDITIONS: &[&str] =
    &["clean", "rotate 2°", "rotate 5°", "blur σ 1", "blur σ 1.5", "jpeg q50", "jpeg q30", "noise σ 12", "noise σ 25"];

fn degrade(p: &GrayImage, cond: &str, seed: u64, tmp: &Path) -> GrayImage {
    match cond {
        "clean" => p.clone(),
        "rotate 2°" => common::rotate_degrees(p, 2.0),
        "rotate 5°" => common::rotate_degrees(p, 5.0),
        "rotate 10°" => common::rotate_degrees(p, 10.0),
        "blur σ 2" => common::blur(p, 2.0),
        "blur σ 2.5" => common::blur(p, 2.5),
        "noise σ 40" => common::noise(p, 40.0, seed),
        "blur σ 1.5 + noise σ 25" => common::noise(&common::blur(p, 1.5), 25.0, seed),
        "blur σ 1" => common::blur(p, 1.0),
        "blur σ 1.5" => common::blur(p, 1.5),
        "noise σ 12" => common::noise(p, 12.0, seed),
        "noise σ 25" => common::noise(p, 25.0, seed),
        c if c.starts_with("jpeg q") => {
            let q: u8 = c[6..].parse().unwrap();
            let path = tmp.join("page.jpg");
            common::save_jpeg(p, &path, q);
            image::open(&path).unwrap().to_luma8()
        }
        other => panic!("unknown condition {other}"),
    }
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn compact(s: &str) -> Vec<char> {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Character errors of `read` rows against `want` rows, matched in order
/// (a missing row counts all its characters).
fn row_errors(read: &[String], want: &[String]) -> (usize, usize) {
    let total: usize = want.iter().map(|r| compact(r).len()).sum();
    let mut errs = 0;
    for (i, w) in want.iter().enumerate() {
        let r = read.get(i).map(|r| compact(r)).unwrap_or_default();
        errs += levenshtein(&r, &compact(w));
    }
    (errs, total)
}

/// Whether the lines alone rebuild `payload`.
fn restores(lines: &[String], payload: &[u8]) -> bool {
    let reads: Vec<TextRead> = lines.iter().map(|t| TextRead { text: t.clone(), place: "t".into() }).collect();
    restore::assemble_with_text(&[], &reads)
        .sets
        .iter()
        .any(|s| matches!(&s.outcome, Outcome::Restored { payload: p, .. } if p == payload))
}

/// Rows read by another engine, cut into lines: a row of twice the symbols
/// of a line is two lines, each checked alone (as `restore --type` checks a
/// typed line); anything else is checked as it is.
fn lines_of_rows(rows: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        // A printed line is five groups (`PP DDDDDD DDDDDD DDDDDD DDDDCC`):
        // cut by groups when they are all there, so that a character lost in
        // one line does not cost the other; else by symbol count.
        let symbols = compact(row);
        let groups: Vec<&str> = row.split_whitespace().collect();
        let per = text::LINE_CHARS - text::LINE_SYMBOLS + 1;
        let parts: Vec<String> = if groups.len() == block::V2.lines_per_row * per {
            groups.chunks(per).map(|g| g.join(" ")).collect()
        } else if symbols.len() == block::V2.lines_per_row * text::LINE_SYMBOLS {
            symbols.chunks(text::LINE_SYMBOLS).map(|c| c.iter().collect()).collect()
        } else {
            vec![row.clone()]
        };
        for part in parts {
            if let Ok(read) = restore::check_typed(&part, i + 1, "tesseract") {
                out.extend(read.into_iter().map(|r| r.text));
            }
        }
    }
    out
}

fn tesseract_available() -> bool {
    Command::new("tesseract").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

/// The axis-aligned crops of the blocks as found on the page.
fn crops(page: &GrayImage) -> Vec<GrayImage> {
    ocr::find_blocks(page, &block::V2)
        .iter()
        .map(|quad| {
            let x0 = quad.iter().map(|p| p.0).fold(f32::MAX, f32::min).max(0.0) as u32;
            let y0 = quad.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0) as u32;
            let x1 = (quad.iter().map(|p| p.0).fold(0.0, f32::max) as u32).min(page.width());
            let y1 = (quad.iter().map(|p| p.1).fold(0.0, f32::max) as u32).min(page.height());
            image::imageops::crop_imm(page, x0, y0, x1 - x0, y1 - y0).to_image()
        })
        .collect()
}

/// Tesseract on block images: its rows, and seconds spent.
fn tesseract_rows(blocks: &[GrayImage], tmp: &Path) -> (Vec<String>, f64) {
    let mut rows = Vec::new();
    let t = Instant::now();
    {
        for crop in blocks {
            let path = tmp.join("block.png");
            crop.save(&path).unwrap();
            let out = Command::new("tesseract")
                .arg(&path)
                .arg("stdout")
                .args(["--psm", "6", "-c"])
                .arg(format!("tessedit_char_whitelist={} ", text::ALPHABET))
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            if std::env::var_os("OCR_BENCH_DEBUG").is_some() {
                eprintln!("{text}");
            }
            rows.extend(text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string));
        }
    }
    (rows, t.elapsed().as_secs_f64())
}

fn main() {
    let mut out = PathBuf::from("target/ocr-bench");
    let mut use_tess = true;
    let mut hard = false;
    let mut quick = false;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--out" => {
                out = PathBuf::from(&args[i + 1]);
                i += 1;
            }
            "--no-tesseract" => use_tess = false,
            "--hard" => hard = true,
            "--quick" => quick = true,
            _ => {}
        }
        i += 1;
    }
    std::fs::create_dir_all(&out).unwrap();
    // Tesseract (~4 s a page) runs on the exchange sheet only.
    let tmp = tempfile::tempdir().unwrap();
    let tess = use_tess && !hard && tesseract_available();
    let (conditions, dpis): (&[&str], &[f32]) = if hard {
        (HARD, &[300.0, 200.0, 150.0])
    } else if quick {
        (QUICK, &[300.0])
    } else {
        (CONDITIONS, &[300.0, 200.0])
    };
    let sheets: &[&str] = if quick { &["exchange"] } else { &["exchange", "bip39"] };
    let mut table = String::new();
    writeln!(
        table,
        "| sheet | dpi | condition | lines | paperseed CER (raw) | lines passing | restored | ms/page \
         | tesseract CER (crop) | restored | ms/page | tesseract CER (deskewed by paperseed) | restored | ms/page |"
    )
    .unwrap();
    writeln!(table, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|").unwrap();
    print!("{table}");
    for &name in sheets {
        let s = sheet(name, tmp.path());
        // The scoring itself: the printed rows, cut into lines, restore.
        assert!(restores(&lines_of_rows(&s.rows), &s.payload), "{name}: printed rows do not restore");
        for &dpi in dpis {
            let pages = blanked(&s.pdf, dpi);
            for (ci, cond) in conditions.iter().enumerate() {
                let pages: Vec<GrayImage> = pages
                    .iter()
                    .enumerate()
                    .map(|(pi, p)| degrade(p, cond, (ci * 100 + pi) as u64, tmp.path()))
                    .collect();
                let t = Instant::now();
                let read: Vec<ocr::ReadLine> = pages.iter().flat_map(ocr::read_page_detailed).collect();
                let ms = t.elapsed().as_secs_f64() * 1000.0 / pages.len() as f64;
                let raw_rows: Vec<String> = read
                    .chunks(block::V2.lines_per_row)
                    .map(|c| c.iter().map(|l| l.raw.clone()).collect::<Vec<_>>().join("   "))
                    .collect();
                let (errs, total) = row_errors(&raw_rows, &s.rows);
                let passing = read.iter().filter(|l| l.passes).count();
                let texts: Vec<String> = read.iter().map(|l| l.text.clone()).collect();
                let ok = restores(&texts, &s.payload);
                let tess_run = |blocks: Vec<GrayImage>| -> String {
                    if !tess || name != "exchange" {
                        return "not run | - | -".into();
                    }
                    let (rows, secs) = tesseract_rows(&blocks, tmp.path());
                    let (e, n) = row_errors(&rows, &s.rows);
                    let ok = restores(&lines_of_rows(&rows), &s.payload);
                    format!("{:.2}% | {ok} | {:.0}", 100.0 * e as f64 / n as f64, secs * 1000.0 / pages.len() as f64)
                };
                let t_crop = tess_run(pages.iter().flat_map(crops).collect());
                let t_rect =
                    tess_run(pages.iter().flat_map(|p| ocr::rectified_blocks(p, dpi / 25.4, &block::V2)).collect());
                let line = format!(
                    "| {} | {dpi} | {cond} | {} | {:.3}% ({errs}/{total}) | {passing}/{} | {ok} | {ms:.0} | {t_crop} | {t_rect} |",
                    s.name,
                    s.lines.len(),
                    100.0 * errs as f64 / total as f64,
                    s.lines.len(),
                );
                println!("{line}");
                writeln!(table, "{line}").unwrap();
            }
        }
    }
    let file = if hard {
        "hard.md"
    } else if quick {
        "quick.md"
    } else {
        "table.md"
    };
    std::fs::write(out.join(file), &table).unwrap();
    eprintln!("wrote {}", out.join(file).display());
}
