//! Paint a [`Layout`] as PDF with krilla.
//!
//! Fonts are embedded as subsets. Each QR symbol is one vector path: the
//! traced outline of its dark modules (outer boundaries and holes), in a
//! coordinate system of one module — sharp at any printer resolution, and
//! far smaller than one rectangle per module run. The output is
//! deterministic: krilla's document ids are hashes of the content, and the
//! only date written is the sheet's own.

use std::collections::BTreeMap;

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
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
        let id = embedded_font(run.font);
        if out.contains_key(&id) {
            continue;
        }
        let data = fonts.data(id).ok_or_else(|| SheetError::Pdf(format!("font {:?} missing", run.font)))?;
        let font = Font::new(data.to_vec().into(), 0).ok_or_else(|| match run.font {
            FontId::User => SheetError::BadFont("the PDF writer cannot read it".into()),
            other => SheetError::Pdf(format!("embedded font {other:?} unreadable")),
        })?;
        out.insert(id, font);
    }
    Ok(out)
}

/// The font file a run is drawn with: bold prose is the regular face, stroked.
fn embedded_font(id: FontId) -> FontId {
    if id == FontId::SansBold { FontId::Sans } else { id }
}

/// Outline stroke that turns DejaVu Sans into a bold weight, as a share of the font size.
const BOLD_STROKE_EM: f32 = 0.045;

fn draw_text(surface: &mut Surface, fonts: &Fonts, kfonts: &BTreeMap<FontId, Font>, run: &TextRun) {
    let (Some(face), Some(font)) = (fonts.face(run.font), kfonts.get(&embedded_font(run.font))) else {
        return;
    };
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
    surface.set_stroke(
        (run.font == FontId::SansBold).then(|| Stroke { width: BOLD_STROKE_EM * run.size_pt, ..Stroke::default() }),
    );
    surface.draw_glyphs(
        Point::from_xy(mm_to_pt(run.x), mm_to_pt(run.baseline)),
        &glyphs,
        font.clone(),
        &run.text,
        run.size_pt,
        false,
    );
}

/// A step along the module grid: east, south, west, north (y grows down).
const STEPS: [(i32, i32); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];

/// The outline of the dark modules of `symbol`: closed polygons on the
/// module grid, one vertex per change of direction, in module units.
///
/// Every boundary edge is walked with the dark side on its right (screen
/// coordinates, y down), so outer boundaries run clockwise and holes
/// counter-clockwise: the nonzero fill rule (and even-odd too) fills exactly
/// the dark modules. Where two dark modules touch only at a corner, the walk
/// turns towards the dark side, keeping them on separate contours (or on
/// separate lobes of one contour) that meet in that single point.
fn outline(symbol: &Symbol) -> Vec<Vec<(i32, i32)>> {
    let w = symbol.width as i32;
    let dark = |x: i32, y: i32| (0..w).contains(&x) && (0..w).contains(&y) && symbol.dark(x as usize, y as usize);
    // Whether the boundary edge leaving vertex (x, y) in direction `d` exists.
    let edge = |x: i32, y: i32, d: usize| match d {
        0 => dark(x, y) && !dark(x, y - 1),
        1 => dark(x - 1, y) && !dark(x, y),
        2 => dark(x - 1, y - 1) && !dark(x - 1, y),
        _ => dark(x, y - 1) && !dark(x - 1, y - 1),
    };
    let n = (w + 1) as usize;
    let mut used = vec![[false; 4]; n * n];
    let mut contours = Vec::new();
    for y0 in 0..=w {
        for x0 in 0..=w {
            for d0 in 0..4 {
                if used[y0 as usize * n + x0 as usize][d0] || !edge(x0, y0, d0) {
                    continue;
                }
                // Walk the loop, one unit edge at a time.
                let mut steps = Vec::new();
                let (mut x, mut y, mut d) = (x0, y0, d0);
                loop {
                    used[y as usize * n + x as usize][d] = true;
                    steps.push((x, y, d));
                    x += STEPS[d].0;
                    y += STEPS[d].1;
                    // Right turn first (towards the dark side), then straight
                    // on, then left; never back.
                    d = [(d + 1) % 4, d, (d + 3) % 4]
                        .into_iter()
                        .find(|&e| edge(x, y, e))
                        .expect("boundary edges form closed loops");
                    if (x, y, d) == (x0, y0, d0) {
                        break;
                    }
                }
                let corners: Vec<(i32, i32)> = (0..steps.len())
                    .filter(|&i| steps[i].2 != steps[(i + steps.len() - 1) % steps.len()].2)
                    .map(|i| (steps[i].0, steps[i].1))
                    .collect();
                contours.push(corners);
            }
        }
    }
    contours
}

/// The dark modules of `symbol` as one path of traced outlines, in module
/// units, to be filled with the nonzero rule.
fn module_path(symbol: &Symbol) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    for contour in outline(symbol) {
        let mut corners = contour.into_iter();
        let Some((x, y)) = corners.next() else { continue };
        pb.move_to(x as f32, y as f32);
        for (x, y) in corners {
            pb.line_to(x as f32, y as f32);
        }
        pb.close();
    }
    pb.finish()
}

fn draw_code(surface: &mut Surface, doc: &SheetDoc, cell: &CodeCell) {
    let Some(code) = doc.codes.get(cell.code) else {
        return;
    };
    let Some(path) = module_path(&code.symbol) else {
        return;
    };
    let m = mm_to_pt(cell.module_mm);
    surface.push_transform(&Transform::from_row(m, 0.0, 0.0, m, mm_to_pt(cell.symbol.x), mm_to_pt(cell.symbol.y)));
    surface.set_stroke(None);
    surface.set_fill(Some(Fill { rule: FillRule::NonZero, ..Fill::default() }));
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

/// Whether the title may go into the PDF's metadata (Title, XMP dc:title),
/// which file managers, search indexes and cloud previews show: only for
/// plain sheets. Encrypted and share sheets (their codes carry such a
/// payload, and they print notices) keep it on the paper alone, where the
/// owner chose to print it. When in doubt, it is left out.
fn title_is_public(doc: &SheetDoc) -> bool {
    doc.notices.is_empty()
        && !doc.codes.is_empty()
        && doc.codes.iter().all(|c| {
            crate::format::Frame::parse(&c.text).is_ok_and(|f| f.set.kind == crate::format::PayloadKind::Sheet)
        })
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
    let mut meta = Metadata::new();
    if title_is_public(doc) {
        meta = meta.title(doc.title.clone());
    }
    let mut meta = meta
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

    fn symbol(rows: &[&str]) -> Symbol {
        let width = rows.len();
        assert!(rows.iter().all(|r| r.len() == width));
        let modules = rows.iter().flat_map(|r| r.bytes().map(|b| b == b'#')).collect();
        Symbol { version: 0, width, modules }
    }

    /// Winding number of `contours` around the centre of module (x, y): a
    /// ray to the right crosses the vertical edges (centres are never on an
    /// edge or level with a vertex).
    fn winding(contours: &[Vec<(i32, i32)>], x: usize, y: usize) -> i32 {
        let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
        let mut wind = 0;
        for c in contours {
            for i in 0..c.len() {
                let ((x0, y0), (x1, y1)) = (c[i], c[(i + 1) % c.len()]);
                if x0 == x1 && f64::from(x0) > px && (f64::from(y0.min(y1)) < py) && (py < f64::from(y0.max(y1))) {
                    wind += if y1 > y0 { 1 } else { -1 };
                }
            }
        }
        wind
    }

    /// Area of a contour, positive when clockwise on screen (y down).
    fn signed_area(c: &[(i32, i32)]) -> i32 {
        (0..c.len()).map(|i| c[i].0 * c[(i + 1) % c.len()].1 - c[(i + 1) % c.len()].0 * c[i].1).sum::<i32>() / 2
    }

    /// Groups of dark modules connected through their edges (not corners).
    fn dark_groups(sym: &Symbol) -> usize {
        let w = sym.width;
        let mut seen = vec![false; w * w];
        let mut groups = 0;
        for start in 0..w * w {
            if seen[start] || !sym.modules[start] {
                continue;
            }
            groups += 1;
            seen[start] = true;
            let mut todo = vec![start];
            while let Some(i) = todo.pop() {
                let (x, y) = (i % w, i / w);
                let near = [(x.wrapping_sub(1), y), (x + 1, y), (x, y.wrapping_sub(1)), (x, y + 1)];
                for (nx, ny) in near {
                    if nx < w && ny < w && sym.dark(nx, ny) && !seen[ny * w + nx] {
                        seen[ny * w + nx] = true;
                        todo.push(ny * w + nx);
                    }
                }
            }
        }
        groups
    }

    /// The outline fills exactly the dark modules under both fill rules, and
    /// is made of axis-parallel edges with a turn at every vertex.
    fn check_outline(sym: &Symbol) -> Vec<Vec<(i32, i32)>> {
        let contours = outline(sym);
        let w = sym.width as i32;
        for c in &contours {
            assert!(c.len() >= 4 && c.len() % 2 == 0, "{c:?}");
            for i in 0..c.len() {
                let (a, b, next) = (c[i], c[(i + 1) % c.len()], c[(i + 2) % c.len()]);
                assert!((0..=w).contains(&a.0) && (0..=w).contains(&a.1));
                // Axis-parallel, non-empty, and turning at every corner.
                assert!((a.0 == b.0) != (a.1 == b.1), "{a:?} -> {b:?}");
                assert_ne!(a.0 == b.0, b.0 == next.0, "no turn at {b:?}");
            }
        }
        let dark = sym.modules.iter().filter(|&&d| d).count() as i32;
        assert_eq!(contours.iter().map(|c| signed_area(c)).sum::<i32>(), dark);
        for y in 0..sym.width {
            for x in 0..sym.width {
                let wind = winding(&contours, x, y);
                let want = i32::from(sym.dark(x, y));
                assert_eq!(wind, want, "nonzero rule at ({x}, {y})");
                assert_eq!(wind.rem_euclid(2), want, "even-odd rule at ({x}, {y})");
            }
        }
        contours
    }

    #[test]
    fn outlines_fill_exactly_the_dark_modules_of_real_symbols() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for len in [0, 1, 7, 20, 33, 64, 100, 150, 250, 400, 600] {
            let digits: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    char::from(b'0' + (state % 10) as u8)
                })
                .collect();
            let Some(sym) = super::super::qr::encode(&format!("PAPERSEED1:{digits}"), super::super::Ecc::H) else {
                continue;
            };
            let contours = check_outline(&sym);
            assert!(module_path(&sym).is_some());
            // Far fewer vertices than four per horizontal run.
            let corners: usize = contours.iter().map(Vec::len).sum();
            let runs = (0..sym.width)
                .flat_map(|y| (0..sym.width).map(move |x| (x, y)))
                .filter(|&(x, y)| sym.dark(x, y) && (x == 0 || !sym.dark(x - 1, y)))
                .count();
            assert!(corners < 4 * runs, "{corners} corners, {runs} runs");
        }
    }

    #[test]
    fn outlines_of_edge_cases() {
        // A single module, and an all-dark block: one square each.
        assert_eq!(check_outline(&symbol(&["#"])), vec![vec![(0, 0), (1, 0), (1, 1), (0, 1)]]);
        assert_eq!(check_outline(&symbol(&[".."; 2])), Vec::<Vec<(i32, i32)>>::new());
        assert_eq!(check_outline(&symbol(&["###"; 3])), vec![vec![(0, 0), (3, 0), (3, 3), (0, 3)]]);
        assert_eq!(check_outline(&symbol(&["...", ".#.", "..."])), vec![vec![(1, 1), (2, 1), (2, 2), (1, 2)]]);
        // A ring: outer boundary clockwise, hole counter-clockwise.
        assert_eq!(
            check_outline(&symbol(&["###", "#.#", "###"])),
            vec![vec![(0, 0), (3, 0), (3, 3), (0, 3)], vec![(1, 1), (1, 2), (2, 2), (2, 1)]]
        );
        // A checkerboard: modules touching only at corners stay separate.
        let board = check_outline(&symbol(&["#.#.#", ".#.#.", "#.#.#", ".#.#.", "#.#.#"]));
        assert_eq!(board.len(), 13);
        assert!(board.iter().all(|c| c.len() == 4));
        let board = check_outline(&symbol(&[".#.#", "#.#.", ".#.#", "#.#."]));
        assert_eq!(board.len(), 8);
        assert!(board.iter().all(|c| c.len() == 4));
        // Diagonal neighbours that are also joined around the back: one
        // contour that touches itself at the shared corner, plus the hole.
        check_outline(&symbol(&["##.", "#.#", "###"]));
        check_outline(&symbol(&["#.#", ".#.", "#.#"]));
        check_outline(&symbol(&["###.", "#.#.", "####", "..##"]));
        // Every 4×4 pattern; each edge-connected group of dark modules has
        // its own outer (clockwise, positive-area) contour.
        for bits in 0u32..1 << 16 {
            let sym = Symbol { version: 0, width: 4, modules: (0..16).map(|i| bits >> i & 1 == 1).collect() };
            let outer = check_outline(&sym).iter().filter(|c| signed_area(c) > 0).count();
            assert_eq!(outer, dark_groups(&sym), "{bits:016b}");
        }
    }
}
