//! A page of labelled QR codes meant to be scanned by other apps: the
//! otpauth:// codes an authenticator imports, or a seed's SeedQR codes.
//!
//! Unlike the backup sheet these codes are not paperseed frames; they are
//! drawn with the same vector renderer and fonts, two per row, each under its
//! label, and flow onto further pages.

use super::fonts::{Family, FontId, Fonts};
use super::geometry::{MARGIN_MM, paper_size_mm, pt_to_mm};
use super::layout::{CodeCell, Draw, Layout, PageLayout, TextRun};
use super::{CodeBlock, Paper, RectMm, SheetDoc, SheetError, Symbol};

/// Side of each code including its quiet zone, mm.
const CELL_MM: f32 = 70.0;
/// Vertical room for a label above each code, mm.
const LABEL_MM: f32 = 12.0;
const TITLE_PT: f32 = 16.0;
const LABEL_PT: f32 = 10.0;
const QUIET_MODULES: f32 = 4.0;

fn run(fonts: &Fonts, font: FontId, size_pt: f32, x: f32, baseline: f32, text: &str) -> Draw {
    let family = if font == FontId::SansBold { Family::SansBold } else { Family::Sans };
    Draw::Text(TextRun {
        font,
        size_pt,
        x,
        baseline,
        text: text.to_string(),
        width: fonts.width_mm(family, text, size_pt),
        ascent: pt_to_mm(size_pt * 0.93),
        descent: pt_to_mm(size_pt * 0.24),
    })
}

/// Shorten `text` with an ellipsis until it fits `width_mm`.
fn fit(fonts: &Fonts, text: &str, size_pt: f32, width_mm: f32) -> String {
    let mut t: String = text.to_string();
    while fonts.width_mm(Family::Sans, &t, size_pt) > width_mm && t.chars().count() > 1 {
        t.pop();
        t = format!("{}…", t.trim_end_matches('…'));
        if t.chars().count() <= 2 {
            break;
        }
    }
    t
}

/// Render `items` (label, symbol) as a PDF titled `title`.
pub fn render(title: &str, note: &str, items: &[(String, Symbol)], paper: Paper) -> Result<Vec<u8>, SheetError> {
    let fonts = Fonts::new(None)?;
    fonts.check(
        std::iter::once((Family::SansBold, title))
            .chain(std::iter::once((Family::Sans, note)))
            .chain(items.iter().map(|(l, _)| (Family::Sans, l.as_str()))),
    )?;
    let (w, h) = paper_size_mm(paper);
    let columns = ((w - 2.0 * MARGIN_MM) / CELL_MM).floor().max(1.0) as usize;
    let gap = (w - 2.0 * MARGIN_MM - columns as f32 * CELL_MM) / (columns.max(2) - 1) as f32;
    let top = MARGIN_MM + 22.0;
    let rows_per_page = (((h - MARGIN_MM - top) / (CELL_MM + LABEL_MM)).floor() as usize).max(1);
    let per_page = rows_per_page * columns;
    let mut pages = Vec::new();
    for (p, chunk) in items.chunks(per_page.max(1)).enumerate() {
        let mut draws = vec![
            run(&fonts, FontId::SansBold, TITLE_PT, MARGIN_MM, MARGIN_MM + 6.0, title),
            run(&fonts, FontId::Sans, 9.0, MARGIN_MM, MARGIN_MM + 12.5, note),
        ];
        for (i, (label, symbol)) in chunk.iter().enumerate() {
            let (row, col) = (i / columns, i % columns);
            let x = MARGIN_MM + col as f32 * (CELL_MM + gap);
            let y = top + row as f32 * (CELL_MM + LABEL_MM);
            draws.push(run(&fonts, FontId::Sans, LABEL_PT, x, y + 5.0, &fit(&fonts, label, LABEL_PT, CELL_MM)));
            let module_mm = CELL_MM / (symbol.width as f32 + 2.0 * QUIET_MODULES);
            let quiet = QUIET_MODULES * module_mm;
            draws.push(Draw::Code(CodeCell {
                code: p * per_page + i,
                index: p * per_page + i,
                symbol: RectMm::new(
                    x + quiet,
                    y + LABEL_MM - 4.0 + quiet,
                    symbol.width as f32 * module_mm,
                    symbol.width as f32 * module_mm,
                ),
                module_mm,
            }));
        }
        pages.push(PageLayout { draws });
    }
    let layout = Layout { page_mm: (w, h), pages, module_mm: 0.0, columns, code_pages: 0, data_page: 0 };
    let doc = SheetDoc {
        title: title.to_string(),
        date: String::new(),
        fingerprint: String::new(),
        fingerprint_label: "Fingerprint".into(),
        share_of: None,
        program: crate::PROGRAM.to_string(),
        format_version: 0,
        paper,
        secrets: None,
        codes: items
            .iter()
            .enumerate()
            .map(|(index, (label, symbol))| CodeBlock { index, text: label.clone(), symbol: symbol.clone() })
            .collect(),
        k: 0,
        n: 0,
        ecc: super::Ecc::M,
        payload_len: 0,
        notices: Vec::new(),
        extra_font: None,
        recovery: Default::default(),
    };
    super::pdf::draw(&doc, &fonts, &layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_codes_render_and_paginate() {
        let items: Vec<(String, Symbol)> = (0..9)
            .map(|i| {
                (
                    format!("Account {i} — José"),
                    crate::sheet::qr::encode(&format!("PAPERSEED1:{i:03}"), super::super::Ecc::M).unwrap(),
                )
            })
            .collect();
        let pdf =
            render("Authenticator keys", "Scan each code with your authenticator app.", &items, Paper::A4).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let pages = pdf.windows(11).filter(|w| w == b"/Type/Page/").count();
        assert_eq!(pages, 2);
        assert!(render("张", "", &items[..1], Paper::A4).is_err());
    }
}
