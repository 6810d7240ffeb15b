//! Pure layout: a [`SheetDoc`] and a list of [`Block`]s in, pages of
//! positioned [`Draw`] items out. No PDF here — [`super::pdf`] paints the result.
//!
//! Every page has the same header. Codes are placed in a grid whose rows are
//! split between a band at the top of the body and a band at the bottom of
//! the page, so that a stain or a torn corner takes out as few codes as
//! possible; text flows between the bands, then onto pages of its own. The
//! module size is the largest in 0.5–1.0 mm that gives the fewest pages
//! (see [`layout`] for the finer rules).
//!
//! The parts, in the order a sheet goes through them: [`blocks`] (what the
//! text is made of), `typeset` (blocks into measured lines), `header` (what
//! every page repeats), `grid` (the code grid and the flow around it) and
//! [`draw`] (the positioned result).

use super::fonts::Fonts;
use super::geometry::*;
use super::{SheetDoc, SheetError};

/// Tolerance for float comparisons of positions, in mm.
const EPS: f32 = 1e-3;

pub mod blocks;
pub mod draw;
mod grid;
mod header;
mod typeset;

use blocks::block_texts;
pub use blocks::{Block, Column, Span, SpanKind, Style, Table, rich};
pub use draw::{CodeCell, CodePlacement, Draw, Layout, PageLayout, TextRun};
use grid::*;
pub use header::FINGERPRINT_LABEL;
use header::Header;
use typeset::Setter;

/// How a code-grid candidate ranks: (data beyond page 1, pages, modules
/// below comfortable, code rows per page); smaller is better.
type CandidateKey = (bool, usize, bool, usize);

/// Lay out `doc` with the text flow `blocks`. Checks first that every
/// character can be printed.
///
/// The module size (0.5–1.0 mm, the same for every code) is chosen so that
/// page 1 holds every code and everything before [`Block::DataEnd`] (the
/// data: page 1 restores alone), then so that the sheet has the fewest
/// pages; among those, modules of at least
/// [`COMFORTABLE_MODULE_MM`] are preferred, then fewer code rows per page
/// (more room for text between the bands), then the largest modules.
pub fn layout(doc: &SheetDoc, blocks: &[Block], fonts: &Fonts) -> Result<Layout, SheetError> {
    // 1. Refuse what cannot be printed.
    let mut texts = Header::texts(doc);
    texts.extend(blocks.iter().flat_map(block_texts));
    texts.extend(doc.codes.iter().map(|c| (Style::Caption.family(), caption(doc, c.index))));
    fonts.check(texts.iter().map(|(f, t)| (*f, t.as_str())))?;

    let page_mm = paper_size_mm(doc.paper);
    let area = printable_area(doc.paper);
    let setter = Setter { fonts, width: area.w };

    // 2. Header and text items (independent of the code grid).
    let header = Header::new(&setter, doc);
    let frame = PageFrame { area, body_top: area.y + header.body_offset() };
    let mut items = Vec::new();
    for block in blocks {
        setter.block_items(block, &mut items);
    }

    // 3. The code grid: the largest modules that give the fewest pages.
    let modules = doc.codes.iter().map(|c| c.symbol.width).max().unwrap_or(0);
    let mut best: Option<(CandidateKey, Grid, Placed, usize)> = None;
    if doc.codes.is_empty() {
        let (placed, pages, data_page) = flow(&items, &frame, None)?;
        let mut l = assemble(&setter, doc, &frame, &header, page_mm, None, modules, placed, pages);
        l.data_page = data_page;
        return Ok(l);
    }
    let body_height = area.bottom() - frame.body_top;
    for m in module_candidates() {
        let Some(grid) = Grid::new(m, doc.codes.len(), modules, area.w, body_height) else {
            continue;
        };
        let (placed, pages, data_page) = flow(&items, &frame, Some(&grid))?;
        // Data on page 1; then fewest pages; then comfortable modules; then
        // (comfortable) the fewest code rows per page, leaving room for text
        // between the bands; then the largest modules (candidates come
        // largest first).
        let comfortable = m >= COMFORTABLE_MODULE_MM - EPS;
        let rows = if comfortable { grid.rows.iter().copied().max().unwrap_or(0) } else { 0 };
        let key = (data_page > 0 || grid.rows.len() > 1, pages, !comfortable, rows);
        if best.as_ref().is_none_or(|(k, _, _, _)| key < *k) {
            best = Some((key, grid, placed, data_page));
        }
    }
    let Some(((_, pages, _, _), grid, placed, data_page)) = best else {
        return Err(SheetError::Layout(format!(
            "a QR code of {modules} modules does not fit the page even at {MIN_MODULE_MM} mm per module"
        )));
    };
    let mut l = assemble(&setter, doc, &frame, &header, page_mm, Some(&grid), modules, placed, pages);
    l.data_page = data_page;
    Ok(l)
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    setter: &Setter,
    doc: &SheetDoc,
    frame: &PageFrame,
    header: &Header,
    page_mm: (f32, f32),
    grid: Option<&Grid>,
    modules: usize,
    placed: Vec<(usize, Draw)>,
    pages: usize,
) -> Layout {
    let code_pages = grid.map_or(0, |g| g.rows.len());
    let mut out: Vec<PageLayout> = (0..pages)
        .map(|p| PageLayout {
            draws: header
                .draws(setter, doc, frame.area.y, p, pages, code_pages)
                .into_iter()
                .map(|d| d.offset(frame.area.x, 0.0))
                .collect(),
        })
        .collect();
    if let Some(g) = grid {
        for (p, d) in code_draws(setter, doc, frame, g, modules) {
            out[p].draws.push(d);
        }
    }
    for (p, d) in placed {
        out[p].draws.push(d);
    }
    Layout {
        page_mm,
        pages: out,
        module_mm: grid.map_or(0.0, |g| g.module_mm),
        columns: grid.map_or(0, |g| g.columns),
        code_pages,
        data_page: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::fonts::Family;
    use crate::sheet::{CodeBlock, Ecc, Paper, SecretBlock, qr};

    fn doc(codes: usize, digits: usize, paper: Paper) -> SheetDoc {
        let codes: Vec<CodeBlock> = (0..codes)
            .map(|i| {
                let body: String = (0..digits).map(|d| char::from(b'0' + ((d * 7 + i * 3) % 10) as u8)).collect();
                let text = format!("PAPERSEED1:{body}");
                CodeBlock { index: i, symbol: qr::encode(&text, Ecc::H).unwrap(), text }
            })
            .collect();
        let n = codes.len();
        SheetDoc {
            title: "Binance — account recovery".into(),
            date: "2025-01-15".into(),
            fingerprint: "K7QF-3M2X-9TRD".into(),
            fingerprint_label: "Fingerprint".into(),
            share_of: None,
            program: "paperseed 0.1.0".into(),
            format_version: 1,
            paper,
            secrets: Some(vec![
                SecretBlock {
                    heading: "1. Backup codes — Binance (10 codes)".into(),
                    lines: (1..=10).map(|i| format!("{i:>2}. a3f8-9d2c-bk4m-xy7p")).collect(),
                },
                SecretBlock {
                    heading: "2. TOTP — José (€ account)".into(),
                    lines: vec!["ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567".into()],
                },
            ]),
            codes,
            k: n.div_ceil(2).max(1),
            n,
            ecc: Ecc::H,
            payload_len: 300,
            notices: vec![],
            extra_font: None,
            recovery: Default::default(),
        }
    }

    fn lay(doc: &SheetDoc) -> Layout {
        let fonts = Fonts::new(None).unwrap();
        layout(doc, &crate::sheet::standard_blocks(doc), &fonts).unwrap()
    }

    fn check_invariants(doc: &SheetDoc, l: &Layout) {
        let area = printable_area(doc.paper);
        for (p, page) in l.pages.iter().enumerate() {
            for d in &page.draws {
                assert!(area.contains(&d.bbox()), "page {p}: {d:?} outside {area:?}");
            }
            let codes: Vec<&CodeCell> =
                page.draws.iter().filter_map(|d| if let Draw::Code(c) = d { Some(c) } else { None }).collect();
            for (i, a) in codes.iter().enumerate() {
                // Quiet zones clear of everything else on the page.
                for d in &page.draws {
                    if matches!(d, Draw::Code(c) if c.code == a.code) {
                        continue;
                    }
                    assert!(!a.with_quiet_zone().overlaps(&d.bbox()), "page {p}: {d:?} in the quiet zone of {a:?}");
                }
                for b in &codes[i + 1..] {
                    assert!(!a.with_quiet_zone().overlaps(&b.with_quiet_zone()));
                }
            }
            // Text never overlaps text.
            let texts: Vec<RectMm> = page.draws.iter().filter(|d| matches!(d, Draw::Text(_))).map(Draw::bbox).collect();
            for (i, a) in texts.iter().enumerate() {
                for b in &texts[i + 1..] {
                    assert!(!a.inflate(-0.05).overlaps(&b.inflate(-0.05)), "page {p}: text {a:?} overlaps {b:?}");
                }
            }
        }
        // Every code placed exactly once, all the same module size within bounds.
        let placements = l.code_placements();
        assert_eq!(placements.len(), doc.codes.len());
        for (i, pl) in placements.iter().enumerate() {
            assert_eq!(pl.index, doc.codes[i].index);
            assert!(pl.module_mm >= MIN_MODULE_MM - 1e-6 && pl.module_mm <= MAX_MODULE_MM + 1e-6);
            assert_eq!(pl.module_mm, l.module_mm);
        }
    }

    fn page_texts(l: &Layout, p: usize) -> String {
        l.pages[p]
            .draws
            .iter()
            .filter_map(|d| if let Draw::Text(t) = d { Some(t.text.as_str()) } else { None })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn six_codes_on_a4_and_letter() {
        for paper in [Paper::A4, Paper::Letter] {
            let d = doc(6, 250, paper);
            let l = lay(&d);
            check_invariants(&d, &l);
            assert_eq!(l.code_pages, 1, "{paper:?}");
            assert!(l.pages.len() <= 2, "{paper:?}: {} pages", l.pages.len());
            for p in 0..l.pages.len() {
                let t = page_texts(&l, p);
                assert!(t.contains(&format!("page {} of {}", p + 1, l.pages.len())), "{t}");
                assert!(t.contains("K7QF-3M2X-9TRD"));
            }
            assert!(page_texts(&l, 0).contains("code 6 of 6"));
        }
    }

    #[test]
    fn codes_are_split_between_top_and_bottom() {
        let d = doc(6, 250, Paper::A4);
        let l = lay(&d);
        let ys: Vec<f32> = l.code_placements().iter().map(|p| p.symbol.y).collect();
        let (min, max) = (ys.iter().cloned().fold(f32::MAX, f32::min), ys.iter().cloned().fold(0.0, f32::max));
        assert!(max - min > 120.0, "codes should span the page: {ys:?}");
        // Text sits between the bands.
        let area = printable_area(Paper::A4);
        assert!(max + l.code_placements()[0].symbol.h > area.bottom() - 10.0);
    }

    #[test]
    fn module_size_is_as_large_as_fits() {
        // Two small codes: plenty of room for the largest modules.
        let d = doc(2, 20, Paper::A4);
        let l = lay(&d);
        check_invariants(&d, &l);
        assert_eq!(l.module_mm, module_candidates()[0]);
    }

    #[test]
    fn pagination_for_24_and_100_codes() {
        let v15 = qr::digit_capacity("PAPERSEED1:", qr::MAX_VERSION, Ecc::H);
        for (n, digits, paper) in
            [(24, 250, Paper::A4), (100, 400, Paper::A4), (100, 400, Paper::Letter), (120, v15, Paper::A4)]
        {
            let d = doc(n, digits, paper);
            let l = lay(&d);
            check_invariants(&d, &l);
            assert!(l.code_pages >= 1);
            let pages = l.pages.len();
            for p in 0..pages {
                assert!(page_texts(&l, p).contains(&format!("page {} of {pages}", p + 1)));
            }
            let per_page: Vec<usize> =
                (0..pages).map(|p| l.code_placements().iter().filter(|c| c.page == p).count()).collect();
            assert_eq!(per_page.iter().sum::<usize>(), n);
            if n == 120 {
                assert_eq!(d.codes[0].symbol.version, 15, "the largest symbols paperseed prints");
            }
            if n == 100 {
                assert!(l.code_pages >= 2, "100 codes of v{} need several pages", d.codes[0].symbol.version);
            }
        }
    }

    #[test]
    fn long_texts_flow_onto_more_pages() {
        let mut d = doc(6, 250, Paper::A4);
        d.secrets = Some(
            (0..8)
                .map(|s| SecretBlock {
                    heading: format!("{}. Note", s + 1),
                    lines: (0..20).map(|i| format!("line {i} of a long note that goes on")).collect(),
                })
                .collect(),
        );
        let l = lay(&d);
        check_invariants(&d, &l);
        assert!(l.pages.len() >= 3, "{}", l.pages.len());
        assert!(page_texts(&l, l.pages.len() - 1).contains("Initials"));
    }

    #[test]
    fn overlong_lines_wrap_inside_the_margins() {
        let mut d = doc(3, 100, Paper::Letter);
        d.title =
            "A title that is far too long to fit on one line of the header of a sheet of paper, so it wraps".into();
        d.secrets = Some(vec![SecretBlock {
            heading: "Key".into(),
            lines: vec!["x".repeat(300), format!("  {}", "word ".repeat(40))],
        }]);
        d.notices = vec![format!("{}\nsecond paragraph", "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(6))];
        let l = lay(&d);
        check_invariants(&d, &l);
        let fonts = Fonts::new(None).unwrap();
        let title_lines = Setter { fonts: &fonts, width: printable_area(Paper::Letter).w }.wrap_spans(
            Style::Title,
            &[Span::plain(d.title.clone())],
            printable_area(Paper::Letter).w,
        );
        assert!(title_lines.len() >= 2);
    }

    #[test]
    fn verbatim_wrap_keeps_every_character() {
        let fonts = Fonts::new(None).unwrap();
        let s = Setter { fonts: &fonts, width: 50.0 };
        let line = " 1. abcd efgh ijkl mnop qrst uvwx yz23 4567 abcd efgh ijkl";
        let pieces = s.wrap_verbatim(Style::Secret, line, 50.0);
        assert!(pieces.len() > 1);
        let joined: String = pieces.iter().map(|(_, t)| t.replace(' ', "")).collect();
        assert_eq!(joined, line.replace(' ', ""));
        for (indent, t) in &pieces {
            assert!(indent + fonts.width_mm(Family::Mono, t, SECRET_PT) <= 50.0 + 1e-3);
        }
        let long = "y".repeat(100);
        let pieces = s.wrap_verbatim(Style::Secret, &long, 50.0);
        assert_eq!(pieces.iter().map(|(_, t)| t.len()).sum::<usize>(), 100);
    }

    #[test]
    fn no_plaintext_and_no_codes() {
        let mut d = doc(0, 0, Paper::A4);
        d.secrets = None;
        let l = lay(&d);
        check_invariants(&d, &l);
        assert_eq!(l.code_pages, 0);
        assert!(page_texts(&l, 0).contains("not printed in clear"));
    }

    #[test]
    fn unprintable_characters_are_refused_before_layout() {
        let mut d = doc(2, 20, Paper::A4);
        d.title = "Zhang San / 张三".into();
        let fonts = Fonts::new(None).unwrap();
        let err = layout(&d, &crate::sheet::standard_blocks(&d), &fonts).unwrap_err();
        assert!(matches!(err, SheetError::Unprintable { ref chars } if chars == &vec!['张', '三']), "{err}");
        let mut d = doc(2, 20, Paper::A4);
        d.secrets = Some(vec![SecretBlock { heading: "x".into(), lines: vec!["a\u{0}b".into()] }]);
        assert!(matches!(layout(&d, &crate::sheet::standard_blocks(&d), &fonts), Err(SheetError::ControlChar { .. })));
    }

    #[test]
    fn rich_markup() {
        assert_eq!(
            rich("run `paperseed restore` **now**, ok"),
            vec![
                Span::plain("run "),
                Span::code("paperseed restore"),
                Span::plain(" "),
                Span::bold("now"),
                Span::plain(", ok")
            ]
        );
    }

    #[test]
    fn layout_is_deterministic() {
        let d = doc(6, 250, Paper::A4);
        assert_eq!(lay(&d), lay(&d));
    }
}
