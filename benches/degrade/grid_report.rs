//! What the severity grid reports: restored cases per sheet, per level of
//! every factor (paperseed beside zxing-cpp and zbar on the same files), the
//! partial damage, the cases paperseed did not restore, and a TSV of every
//! case.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::grid::*;
use crate::report::pct;
use crate::sheets::*;

/// Restored / total for one reader over a set of results.
#[derive(Default, Clone, Copy)]
struct Count {
    ok: usize,
    all: usize,
}

impl Count {
    fn show(self) -> String {
        if self.all == 0 { "–".into() } else { format!("{}/{} ({})", self.ok, self.all, pct(self.ok, self.all)) }
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    ps: Count,
    zx: Option<Count>,
    zb: Option<Count>,
    /// Codes paperseed read, of the codes not lost on purpose.
    codes_read: usize,
    codes_kept: usize,
    /// Cases where paperseed read at least k codes (restorable from the
    /// codes alone, without the recovery text).
    from_codes: usize,
}

impl Counts {
    fn add(&mut self, r: &GridResult, sheet: &Sheet) {
        self.ps.all += 1;
        self.ps.ok += r.paperseed.restored as usize;
        if let Some(z) = &r.zxing {
            let c = self.zx.get_or_insert_default();
            c.all += 1;
            c.ok += z.restored as usize;
        }
        if let Some(z) = &r.zbar {
            let c = self.zb.get_or_insert_default();
            c.all += 1;
            c.ok += z.restored as usize;
        }
        self.codes_kept += sheet.n - r.lost.len();
        self.from_codes += (r.paperseed.codes.len() >= sheet.k) as usize;
        self.codes_read += r.paperseed.codes.iter().filter(|i| !r.lost.contains(i)).count();
    }
    fn tool(c: Option<Count>) -> String {
        c.map_or("not run".into(), Count::show)
    }
}

/// Levels of the grid's factors, as (factor, level label, predicate).
type Level = (&'static str, String, Box<dyn Fn(&GridCase) -> bool>);

fn levels() -> Vec<Level> {
    let mut v: Vec<Level> = Vec::new();
    for scene in Scene::ALL {
        v.push((
            "scene",
            scene.label().into(),
            Box::new(move |c| matches!(c, GridCase::Grid { scene: s, .. } if *s == scene)),
        ));
    }
    for dpi in DPIS {
        v.push((
            "resolution",
            format!("{dpi} dpi"),
            Box::new(move |c| matches!(c, GridCase::Grid { dpi: d, .. } if *d == dpi)),
        ));
    }
    for blur in BLURS {
        let label = if blur == 0 { "no blur".into() } else { format!("blur σ {:.1}", blur as f32 / 10.0) };
        v.push(("blur", label, Box::new(move |c| matches!(c, GridCase::Grid { blur: b, .. } if *b == blur))));
    }
    for jpeg in JPEGS {
        let label = if jpeg == 0 { "PNG".into() } else { format!("JPEG q{jpeg}") };
        v.push(("file", label, Box::new(move |c| matches!(c, GridCase::Grid { jpeg: j, .. } if *j == jpeg))));
    }
    for lost in LOST {
        v.push((
            "codes lost",
            format!("{lost}% lost"),
            Box::new(move |c| matches!(c, GridCase::Grid { lost: l, .. } if *l == lost)),
        ));
    }
    v
}

/// Write grid.md, grid-failures.md and grid.tsv into `out`; returns grid.md.
pub(crate) fn write_grid_reports(out: &Path, sheets: &[Sheet], results: &[GridResult], seconds: f64) -> String {
    let mut md = String::new();
    let is_grid = |r: &&GridResult| matches!(r.case, GridCase::Grid { .. });
    let is_partial = |r: &&GridResult| matches!(r.case, GridCase::Partial { .. });
    let grid_total = results.iter().filter(is_grid).count();
    let partial_total = results.iter().filter(is_partial).count();
    writeln!(
        md,
        "Severity grid: {} sheets, {grid_total} grid cases and {partial_total} partial-damage cases, {:.0} s.\n",
        sheets.len(),
        seconds
    )
    .unwrap();

    // Per sheet.
    md.push_str(
        "| sheet | printed | grid: paperseed | zxing-cpp | zbar | paperseed codes read (of those not lost) | partial damage: paperseed | zxing-cpp | zbar |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut all_grid = Counts::default();
    let mut all_partial = Counts::default();
    for (si, sheet) in sheets.iter().enumerate() {
        let mut g = Counts::default();
        let mut p = Counts::default();
        for r in results.iter().filter(|r| r.sheet == si) {
            if is_grid(&r) {
                g.add(r, sheet);
                all_grid.add(r, sheet);
            } else if is_partial(&r) {
                p.add(r, sheet);
                all_partial.add(r, sheet);
            }
        }
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            sheet.name,
            sheet.plan.describe(sheet.k, sheet.n),
            g.ps.show(),
            Counts::tool(g.zx),
            Counts::tool(g.zb),
            pct(g.codes_read, g.codes_kept),
            p.ps.show(),
            Counts::tool(p.zx),
            Counts::tool(p.zb),
        )
        .unwrap();
    }
    writeln!(
        md,
        "| **all** | | {} | {} | {} | {} | {} | {} | {} |\n",
        all_grid.ps.show(),
        Counts::tool(all_grid.zx),
        Counts::tool(all_grid.zb),
        pct(all_grid.codes_read, all_grid.codes_kept),
        all_partial.ps.show(),
        Counts::tool(all_partial.zx),
        Counts::tool(all_partial.zb),
    )
    .unwrap();

    // Per factor level: all sheets (three readers), then paperseed per sheet.
    md.push_str("Restored per level of each factor (grid cases; paperseed per sheet on the right):\n\n");
    let mut head = String::from("| factor | level | paperseed | zxing-cpp | zbar |");
    let mut rule = String::from("|---|---|---:|---:|---:|");
    for s in sheets {
        write!(head, " {} |", s.name).unwrap();
        rule.push_str("---:|");
    }
    writeln!(md, "{head}\n{rule}").unwrap();
    for (factor, label, pred) in levels() {
        let mut all = Counts::default();
        let mut per: Vec<Counts> = vec![Counts::default(); sheets.len()];
        for r in results.iter().filter(|r| pred(&r.case)) {
            all.add(r, &sheets[r.sheet]);
            per[r.sheet].add(r, &sheets[r.sheet]);
        }
        let mut row =
            format!("| {factor} | {label} | {} | {} | {} |", all.ps.show(), Counts::tool(all.zx), Counts::tool(all.zb));
        for c in per {
            write!(row, " {}/{} |", c.ps.ok, c.ps.all).unwrap();
        }
        writeln!(md, "{row}").unwrap();
    }

    // Partial damage per kind.
    if partial_total > 0 {
        md.push_str(
            "\nPartial damage (flat scan, 300 and 200 dpi, PNG), restored (\"codes alone\": paperseed read at least k \
             codes, so the recovery text was not needed); paperseed restored, per sheet on the right:\n\n",
        );
        let mut head = String::from("| damage | paperseed | paperseed, codes alone | zxing-cpp | zbar |");
        let mut rule = String::from("|---|---:|---:|---:|---:|");
        for s in sheets {
            write!(head, " {} |", s.name).unwrap();
            rule.push_str("---:|");
        }
        writeln!(md, "{head}\n{rule}").unwrap();
        for kind in Partial::ALL {
            let mut all = Counts::default();
            let mut per: Vec<Counts> = vec![Counts::default(); sheets.len()];
            for r in results.iter().filter(|r| matches!(r.case, GridCase::Partial { kind: k, .. } if k == kind)) {
                all.add(r, &sheets[r.sheet]);
                per[r.sheet].add(r, &sheets[r.sheet]);
            }
            let mut row = format!(
                "| {} | {} | {}/{} | {} | {} |",
                kind.label(),
                all.ps.show(),
                all.from_codes,
                all.ps.all,
                Counts::tool(all.zx),
                Counts::tool(all.zb)
            );
            for c in per {
                write!(row, " {}/{} |", c.ps.ok, c.ps.all).unwrap();
            }
            writeln!(md, "{row}").unwrap();
        }
    }

    // Stress: codes read beyond the grid.
    let stress: Vec<GridCase> = {
        let mut v: Vec<GridCase> =
            results.iter().map(|r| r.case).filter(|c| matches!(c, GridCase::Stress { .. })).collect();
        v.sort();
        v.dedup();
        v
    };
    if !stress.is_empty() {
        md.push_str(
            "\nBeyond the grid (JPEG q30, no code lost): codes paperseed read of n, and whether it restored (R):\n\n",
        );
        let mut head = String::from("| case |");
        let mut rule = String::from("|---|");
        for s in sheets {
            write!(head, " {} |", s.name).unwrap();
            rule.push_str("---:|");
        }
        writeln!(md, "{head}\n{rule}").unwrap();
        let mut totals = vec![(0usize, 0usize); sheets.len()];
        for case in &stress {
            let mut row = format!("| {} |", case.id());
            for (si, sheet) in sheets.iter().enumerate() {
                match results.iter().find(|r| r.sheet == si && r.case == *case) {
                    Some(r) => {
                        totals[si].0 += r.paperseed.codes.len();
                        totals[si].1 += sheet.n;
                        write!(
                            row,
                            " {}/{}{} |",
                            r.paperseed.codes.len(),
                            sheet.n,
                            if r.paperseed.restored { " R" } else { "" }
                        )
                        .unwrap();
                    }
                    None => row.push_str(" – |"),
                }
            }
            writeln!(md, "{row}").unwrap();
        }
        let mut row = String::from("| codes read, all |");
        for (a, b) in totals {
            write!(row, " {} |", pct(a, b)).unwrap();
        }
        writeln!(md, "{row}").unwrap();
    }

    // Failures.
    let mut fail = String::from("Cases paperseed did not restore (codes read of n; lost on purpose):\n\n");
    for r in results.iter().filter(|r| !r.paperseed.restored && !matches!(r.case, GridCase::Stress { .. })) {
        let s = &sheets[r.sheet];
        let tools: Vec<String> = [("zxing-cpp", &r.zxing), ("zbar", &r.zbar)]
            .iter()
            .filter_map(|(n, o)| o.as_ref().filter(|o| o.restored).map(|_| format!("{n} restored it")))
            .collect();
        writeln!(
            fail,
            "- {} {}: read {}/{} (k = {}), lost {:?}{}{}",
            s.name,
            r.case.id(),
            r.paperseed.codes.len(),
            s.n,
            s.k,
            r.lost.iter().map(|i| i + 1).collect::<Vec<_>>(),
            if r.text_read { ", text read" } else { "" },
            if tools.is_empty() { String::new() } else { format!("; {}", tools.join(", ")) }
        )
        .unwrap();
    }

    let mut tsv = String::from(
        "sheet\tpaper\tlevel\tmodule_mm\tk\tn\tcase\tdpi\tlost\tpaperseed_read\tpaperseed_restored\ttext_read\tzxing_read\tzxing_restored\tzbar_read\tzbar_restored\tseconds\n",
    );
    for r in results {
        let s = &sheets[r.sheet];
        let tool = |o: &Option<Outcome>| match o {
            Some(o) => (o.codes.len().to_string(), (o.restored as u8).to_string()),
            None => ("-".into(), "-".into()),
        };
        let (zr, zo) = tool(&r.zxing);
        let (br, bo) = tool(&r.zbar);
        writeln!(
            tsv,
            "{}\t{}\t{}\t{:.3}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{zr}\t{zo}\t{br}\t{bo}\t{:.2}",
            s.name,
            s.plan.paper,
            s.plan.ecc,
            s.plan.module_mm,
            s.k,
            s.n,
            r.case.id(),
            r.case.dpi(),
            r.lost.len(),
            r.paperseed.codes.len(),
            r.paperseed.restored as u8,
            r.text_read as u8,
            r.seconds
        )
        .unwrap();
    }
    fs::write(out.join("grid.md"), &md).unwrap();
    fs::write(out.join("grid-failures.md"), &fail).unwrap();
    fs::write(out.join("grid.tsv"), &tsv).unwrap();
    md
}
