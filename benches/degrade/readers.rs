//! The readers compared on every degraded file: paperseed in-process (Normal
//! effort, then Thorough as the binary does), zxing-cpp (through
//! scripts/zxing_read.py) and zbarimg.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use paperseed::format::fingerprint::Fingerprint;
use paperseed::restore::{self, Located};
use paperseed::scan::{self, DetectOptions, Effort, Limits};

use crate::geometry::*;
use crate::sheets::*;

// ---------------------------------------------------------------- reading

#[derive(Clone, Default)]
pub(crate) struct Read {
    /// Distinct frame texts read (normalised).
    pub(crate) texts: BTreeSet<String>,
    /// Seconds (paperseed: load + Normal pass; tools: as measured).
    pub(crate) seconds: f64,
}

pub(crate) struct PaperseedRead {
    pub(crate) normal: Read,
    pub(crate) found: Vec<Located>,
    pub(crate) pixels: u64,
    /// Normalised text → error-correction margin of its read (share of the
    /// worst block's capacity used).
    pub(crate) margins: HashMap<String, f32>,
}

pub(crate) fn read_paperseed(path: &Path) -> PaperseedRead {
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

pub(crate) fn thorough(path: &Path) -> (Vec<Located>, f64) {
    let start = Instant::now();
    let pages = scan::load(path, &Limits::default()).unwrap();
    let found: Vec<Located> = pages
        .iter()
        .flat_map(|p| restore::scan_page(p, &DetectOptions { expected: None, effort: Effort::Thorough }))
        .collect();
    (found, start.elapsed().as_secs_f64())
}

pub(crate) fn restored(found: &[Located], fingerprint: Fingerprint) -> bool {
    let report = restore::assemble(found);
    report.sets.iter().any(|s| matches!(restore::decode(s), Some(Ok(r)) if r.fingerprint == fingerprint))
}

pub(crate) fn zbar_version() -> Option<String> {
    let out = Command::new("zbarimg").arg("--version").output().ok()?;
    out.status.success().then(|| format!("zbar {}", String::from_utf8_lossy(&out.stdout).trim()))
}

pub(crate) fn zbar_read(path: &Path) -> Read {
    let start = Instant::now();
    let out = Command::new("zbarimg").args(["--raw", "-q"]).arg(path).output().expect("zbarimg");
    let seconds = start.elapsed().as_secs_f64();
    let texts = String::from_utf8_lossy(&out.stdout).lines().map(norm).filter(|t| !t.is_empty()).collect();
    Read { texts, seconds }
}

pub(crate) fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

pub(crate) fn zxing_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/zxing_read.py")
}

pub(crate) fn zxing_version() -> Option<String> {
    let out = Command::new(python()).arg(zxing_script()).arg("--check").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// zxing-cpp on many files in one Python process.
pub(crate) fn zxing_read_all(paths: &[PathBuf]) -> HashMap<PathBuf, Read> {
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
