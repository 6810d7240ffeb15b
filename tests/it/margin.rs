//! `verify` warns before a code stops reading: a default sheet's page wears
//! off step by step (the fade ladder of the degradation bench, see
//! docs/BENCHMARKS.md, "Error-correction margin"), and at the last step where
//! every code still reads, `paperseed verify` already says DEGRADED because a
//! code needed `NEAR_LIMIT` or more of its error correction. Once for each QR
//! level the default sheets use (Q for a BIP39 phrase, M for the key
//! file), on two patterns of wear each.

use std::collections::BTreeSet;

use predicates::prelude::*;

use crate::support::*;
use paperseed::format::Frame;
use paperseed::restore::pipeline::scan_pages;
use paperseed::restore::report::NEAR_LIMIT;
use paperseed::scan::Page;

/// Wear levels, in percent of the ink gone: the bench's ladder (2% steps),
/// carried on until a code is lost.
const WEAR: std::ops::RangeInclusive<u32> = 1..=20;

/// Codes read and the most error correction any read needed, at one wear level.
fn read_worn(page: &image::GrayImage, wear: u32, seed: u64) -> (image::GrayImage, usize, f32) {
    let worn = fade(page, wear as f32 / 100.0, &mut Rng::new(seed));
    let pages = [Page { image: worn.clone(), source: format!("wear {wear}%") }];
    let scanned = scan_pages(&pages, &Default::default(), &mut |_| {});
    let read: BTreeSet<u8> = scanned.found.iter().filter_map(|l| Frame::parse(&l.text).ok().map(|f| f.index)).collect();
    let used = scanned.found.iter().filter_map(|l| l.ecc.map(|e| e.used)).fold(0.0f32, f32::max);
    (worn, read.len(), used)
}

#[test]
fn verify_says_degraded_before_fading_ink_loses_a_code() {
    for (name, level) in [("bip39.toml", "Q"), ("keyfile.toml", "M")] {
        let dir = tempfile::tempdir().unwrap();
        let pdf = encode(&sample(name), dir.path(), "s", &["--paper", "a4"]);
        let page = rasterize(&pdf, 300.0).swap_remove(0);
        // The codes and their surroundings only (the fade and the reads take
        // a fraction of the time of a whole page).
        let codes = locate_codes(&page);
        let n = codes.len();
        let (xs, ys): (Vec<f32>, Vec<f32>) = codes.iter().flat_map(|c| c.1).unzip();
        let fold = |v: &[f32], f: fn(f32, f32) -> f32, init: f32| v.iter().copied().fold(init, f);
        let pad = 60.0;
        let (x0, y0) = ((fold(&xs, f32::min, f32::MAX) - pad).max(0.0), (fold(&ys, f32::min, f32::MAX) - pad).max(0.0));
        let (x1, y1) = (
            (fold(&xs, f32::max, 0.0) + pad).min(page.width() as f32),
            (fold(&ys, f32::max, 0.0) + pad).min(page.height() as f32),
        );
        let page =
            image::imageops::crop_imm(&page, x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32).to_image();
        assert_eq!(locate_codes(&page).len(), n, "{name}: the crop keeps every code");
        for seed in [1u64, 2] {
            let mut last_whole: Option<(image::GrayImage, u32, f32)> = None;
            let mut lost_at = None;
            for wear in WEAR.map(|w| 2 * w) {
                let (worn, read, used) = read_worn(&page, wear, seed);
                eprintln!(
                    "{name} seed {seed}: wear {wear}%: {read} of {n} codes read, worst margin {:.0}%",
                    used * 100.0
                );
                if read < n {
                    lost_at = Some((wear, read));
                    break;
                }
                last_whole = Some((worn, wear, used));
            }
            let (wear_lost, read) =
                lost_at.unwrap_or_else(|| panic!("{name} (level {level}), seed {seed}: no code lost by 40% wear"));
            let (worn, wear, used) = last_whole
                .unwrap_or_else(|| panic!("{name} (level {level}), seed {seed}: a code lost at the first step"));
            assert!(
                used >= NEAR_LIMIT,
                "{name} (level {level}), seed {seed}: at {wear}% wear every code read, the worst needing {:.0}% of its \
                 error correction (under the {:.0}% warning); at {wear_lost}% only {read} of {n} read",
                used * 100.0,
                NEAR_LIMIT * 100.0
            );
            // The binary says so: DEGRADED at the last step where every code read.
            let png = dir.path().join(format!("worn-{seed}.png"));
            worn.save(&png).unwrap();
            bin()
                .arg("verify")
                .arg(&png)
                .assert()
                .code(3)
                .stdout(predicate::str::contains("Result: DEGRADED").and(predicate::str::contains("error correction")));
        }
        // And the clean page is INTACT: the warning is not always on.
        let png = dir.path().join("clean.png");
        page.save(&png).unwrap();
        bin().arg("verify").arg(&png).assert().success().stdout(predicate::str::contains("Result: INTACT"));
    }
}
