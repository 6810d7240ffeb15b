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
use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use paperseed::restore::Located;
use paperseed::sheet::Paper;

mod conditions;
#[path = "../../tests/it/damage.rs"]
mod damage;
mod geometry;
mod grid;
mod grid_report;
mod readers;
mod report;
mod sheets;

use conditions::*;
use readers::*;
use report::*;
use sheets::*;

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
    /// Run the severity grid instead of the conditions.
    grid: bool,
    /// Grid sheets to run (names of [`GRID_SHEETS`]); empty: all.
    sheets: Vec<String>,
    /// Papers of the grid sheets.
    papers: Vec<Paper>,
    /// Fixed sheet PDFs to run the grid on, as NAME=FILE.
    pdfs: Vec<(String, PathBuf)>,
    /// Worker threads of the grid.
    threads: usize,
    /// How the grid's images are made.
    grid_opts: grid::GridOptions,
}

fn args() -> Args {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut a = Args {
        out: root.join("target/degrade"),
        seeds: 5,
        only: Vec::new(),
        tools: true,
        margin: false,
        grid: false,
        sheets: Vec::new(),
        papers: vec![Paper::A4, Paper::Letter],
        pdfs: Vec::new(),
        threads,
        grid_opts: grid::GridOptions { blur_at_300: false, print: false },
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out" => a.out = PathBuf::from(it.next().expect("--out DIR")),
            "--seeds" => a.seeds = it.next().and_then(|s| s.parse::<usize>().ok()).expect("--seeds N").max(1),
            "--only" => a.only.push(it.next().expect("--only TEXT")),
            "--no-tools" => a.tools = false,
            "--margin" => a.margin = true,
            "--grid" => a.grid = true,
            "--sheets" => a.sheets = it.next().expect("--sheets A,B").split(',').map(String::from).collect(),
            "--paper" => {
                a.papers = match it.next().expect("--paper a4|letter|both").to_ascii_lowercase().as_str() {
                    "a4" => vec![Paper::A4],
                    "letter" => vec![Paper::Letter],
                    _ => vec![Paper::A4, Paper::Letter],
                }
            }
            "--pdf" => {
                let v = it.next().expect("--pdf NAME=FILE");
                let (name, file) = v.split_once('=').expect("--pdf NAME=FILE");
                a.pdfs.push((name.to_string(), PathBuf::from(file)));
            }
            "--blur-at-300" => a.grid_opts.blur_at_300 = true,
            "--print" => a.grid_opts.print = true,
            "--threads" => a.threads = it.next().and_then(|s| s.parse().ok()).expect("--threads N"),
            // cargo bench passes --bench to harness=false targets.
            "--bench" => {}
            other => eprintln!("degrade: ignoring argument {other:?}"),
        }
    }
    a
}

// ---------------------------------------------------------------- main

fn main() {
    let args = args();
    if args.grid {
        return grid_main(&args);
    }
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

    write_reports(&args.out, &conds, &sheets, &cases, &files, zxing.as_deref(), zbar.as_deref(), started);
    if args.margin {
        let report = margin_report(&conds, &cases);
        fs::write(args.out.join("margin.md"), &report).unwrap();
        println!("{report}");
    }
}

// ---------------------------------------------------------------- the severity grid

/// The sheets of the severity grid: (name, manifest relative to the repository).
const GRID_SHEETS: &[(&str, &str)] = &[
    ("totp", "benches/degrade/manifests/totp.toml"),
    ("seed24", "benches/degrade/manifests/seed24.toml"),
    ("account", "benches/degrade/manifests/account.toml"),
    ("exchange", "samples/exchange.toml"),
    ("accounts", "benches/degrade/manifests/accounts.toml"),
    ("keyfile", "samples/keyfile.toml"),
];

fn grid_main(args: &Args) {
    let started = Instant::now();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    fs::create_dir_all(&args.out).unwrap();
    println!("degrade --grid: writing to {}", args.out.display());
    let mut sheets = Vec::new();
    for &(name, manifest) in GRID_SHEETS {
        if !args.sheets.is_empty() && !args.sheets.iter().any(|s| s == name) {
            continue;
        }
        for &paper in &args.papers {
            let id = format!("{name}-{}", paper_name(paper));
            sheets.push(prepare_manifest(&id, &root.join(manifest), paper, &args.out));
        }
    }
    for (name, file) in &args.pdfs {
        sheets.push(prepare_pdf(name, file, &args.out));
    }
    for s in &sheets {
        println!("degrade --grid: {}: {}, fingerprint {}", s.name, s.plan.describe(s.k, s.n), s.fingerprint);
    }
    let cases: Vec<grid::GridCase> = grid::GridCase::all()
        .into_iter()
        .filter(|c| args.only.is_empty() || args.only.iter().any(|o| c.id().contains(o.as_str())))
        .collect();
    let mut results = grid::run_grid(&sheets, &cases, &args.out, args.threads, &args.grid_opts);
    let files: Vec<PathBuf> =
        results.iter().flat_map(|r| r.files.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
    if args.tools && zxing_version().is_some() {
        println!("degrade --grid: zxing-cpp on {} files…", files.len());
        let zx = zxing_read_all(&files);
        for r in &mut results {
            let texts: BTreeSet<String> = r.files.iter().flat_map(|f| zx[f].texts.iter().cloned()).collect();
            r.zxing = Some(grid::outcome_of_texts(&sheets[r.sheet], &texts));
        }
    }
    if args.tools && zbar_version().is_some() {
        println!("degrade --grid: zbar on {} files…", files.len());
        let zb: HashMap<PathBuf, Read> = files.iter().map(|f| (f.clone(), zbar_read(f))).collect();
        for r in &mut results {
            let texts: BTreeSet<String> = r.files.iter().flat_map(|f| zb[f].texts.iter().cloned()).collect();
            r.zbar = Some(grid::outcome_of_texts(&sheets[r.sheet], &texts));
        }
    }
    let md = grid_report::write_grid_reports(&args.out, &sheets, &results, started.elapsed().as_secs_f64());
    println!("{md}");
}
