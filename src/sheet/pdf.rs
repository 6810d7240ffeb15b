//! Paint a [`Layout`] as PDF with krilla.
//!
//! Fonts are embedded as subsets. QR modules are vector rectangles, one per
//! horizontal run of dark modules, in a coordinate system of one module —
//! sharp at any printer resolution. The output is deterministic: krilla's
//! document ids are hashes of the content, and the only date written is the
//! sheet's own.

use std::collections::BTreeMap;

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::fonts::{FontId, Fonts};
use super::geometry::mm_to_pt;
use super::layout::{CodeCell, Draw, Layout, TextRun};
use super::{SheetDoc, SheetError, Symbol};

/// Parse `YYYY-MM-DD` into a PDF date (no time, so no clock leaks in).
fn pdf_date(date: &str) -> Option<DateTime> {
    let mut parts = date.trim().splitn(3, '-');
    let y: u16 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| DateTime::new(y).month(m).day(d))
}

/// The krilla fonts the layout uses, by id.
fn krilla_fonts(fonts: &Fonts, layout: &Layout) -> Result<BTreeMap<FontId, Font>, SheetError> {
    let mut out = BTreeMap::new();
    for draw in layout.pages.iter().flat_map(|p| &p.draws) {
        let Draw::Text(run) = draw else { continue };
        if out.contains_key(&run.font) {
            continue;
        }
        let data = fonts
            .data(run.font)
            .ok_or_else(|| SheetError::Pdf(format!("font {:?} missing", run.font)))?;
        let font = Font::new(data.to_vec().into(), 0).ok_or_else(|| match run.font {
            FontId::User => SheetError::BadFont("the PDF writer cannot read it".into()),
            other => SheetError::Pdf(format!("embedded font {other:?} unreadable")),
        })?;
        out.insert(run.font, font);
    }
    Ok(out)
}

fn draw_text(surface: &mut Surface, fonts: &Fonts, kfonts: &BTreeMap<FontId, Font>, run: &TextRun) {
    let (Some(face), Some(font)) = (fonts.face(run.font), kfonts.get(&run.font)) else { return };
    let upem = face.units_per_em() as f32;
    let glyphs: Vec<KrillaGlyph> = run
        .text
        .char_indices()
        .map(|(i, c)| {
            let g = fonts.glyph(run.font, c);
            let advance = face.glyph_hor_advance(g).unwrap_or(0) as f32 / upem;
            KrillaGlyph::new(GlyphId::new(u32::from(g.0)), advance, 0.0, 0.0, 0.0, i..i + c.len_utf8(), None)
        })
        .collect();
    surface.set_fill(Some(Fill::default()));
    surface.set_stroke(None);
    surface.draw_glyphs(
        Point::from_xy(mm_to_pt(run.x), mm_to_pt(run.baseline)),
        &glyphs,
        font.clone(),
        &run.text,
        run.size_pt,
        false,
    );
}

/// Horizontal runs of dark modules: (x, y, length), row by row from the top.
fn dark_runs(symbol: &Symbol) -> Vec<(usize, usize, usize)> {
    let mut runs = Vec::new();
    for y in 0..symbol.width {
        let mut x = 0;
        while x < symbol.width {
            if symbol.dark(x, y) {
                let start = x;
                while x < symbol.width && symbol.dark(x, y) {
                    x += 1;
                }
                runs.push((start, y, x - start));
            } else {
                x += 1;
            }
        }
    }
    runs
}

/// The dark modules of `symbol` as one path of rectangles, one per
/// horizontal run, in module units.
fn module_path(symbol: &Symbol) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    for (x, y, len) in dark_runs(symbol) {
        pb.push_rect(Rect::from_xywh(x as f32, y as f32, len as f32, 1.0)?);
    }
    pb.finish()
}

fn draw_code(surface: &mut Surface, doc: &SheetDoc, cell: &CodeCell) {
    let Some(code) = doc.codes.get(cell.code) else { return };
    let Some(path) = module_path(&code.symbol) else { return };
    let m = mm_to_pt(cell.module_mm);
    surface.push_transform(&Transform::from_row(m, 0.0, 0.0, m, mm_to_pt(cell.symbol.x), mm_to_pt(cell.symbol.y)));
    surface.set_stroke(None);
    surface.set_fill(Some(Fill::default()));
    surface.draw_path(&path);
    surface.pop();
}

fn draw_line(surface: &mut Surface, from: (f32, f32), to: (f32, f32), width_mm: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(mm_to_pt(from.0), mm_to_pt(from.1));
    pb.line_to(mm_to_pt(to.0), mm_to_pt(to.1));
    let Some(path) = pb.finish() else { return };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke { width: mm_to_pt(width_mm), ..Stroke::default() }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}

/// Paint `layout` into PDF bytes.
pub fn draw(doc: &SheetDoc, fonts: &Fonts, layout: &Layout) -> Result<Vec<u8>, SheetError> {
    let kfonts = krilla_fonts(fonts, layout)?;
    let mut document = Document::new();
    let (w, h) = layout.page_mm;
    for page in &layout.pages {
        let settings = PageSettings::from_wh(mm_to_pt(w), mm_to_pt(h))
            .ok_or_else(|| SheetError::Pdf(format!("bad page size {w}×{h} mm")))?;
        let mut p = document.start_page_with(settings);
        let mut surface = p.surface();
        for d in &page.draws {
            match d {
                Draw::Text(run) => draw_text(&mut surface, fonts, &kfonts, run),
                Draw::Code(cell) => draw_code(&mut surface, doc, cell),
                Draw::Line { x1, y1, x2, y2, width } => draw_line(&mut surface, (*x1, *y1), (*x2, *y2), *width),
            }
        }
        surface.finish();
        p.finish();
    }
    let mut meta = Metadata::new()
        .title(doc.title.clone())
        .creator(doc.program.clone())
        .producer(doc.program.clone())
        .document_id(format!("paperseed {}", doc.fingerprint));
    if let Some(date) = pdf_date(&doc.date) {
        meta = meta.creation_date(date);
    }
    document.set_metadata(meta);
    document.finish().map_err(|e| SheetError::Pdf(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_or_are_left_out() {
        assert_eq!(pdf_date("2025-01-15"), Some(DateTime::new(2025).month(1).day(15)));
        assert_eq!(pdf_date("2025-13-01"), None);
        assert_eq!(pdf_date("soon"), None);
    }

    #[test]
    fn one_rectangle_per_horizontal_run() {
        let sym = super::super::qr::encode("PAPERSEED1:0123456789", super::super::Ecc::H).unwrap();
        let runs = dark_runs(&sym);
        // The runs cover exactly the dark modules, and never touch each other.
        let dark = sym.modules.iter().filter(|&&d| d).count();
        assert_eq!(runs.iter().map(|r| r.2).sum::<usize>(), dark);
        for &(x, y, len) in &runs {
            assert!((x..x + len).all(|i| sym.dark(i, y)));
            assert!(x == 0 || !sym.dark(x - 1, y));
            assert!(x + len == sym.width || !sym.dark(x + len, y));
        }
        assert!(module_path(&sym).is_some());
    }
}
