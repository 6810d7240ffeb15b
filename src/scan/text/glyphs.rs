//! OCR-B glyph bitmaps, rasterised from the embedded font's outlines with a
//! small supersampling scanline filler (non-zero winding).

use crate::sheet::fonts::OCRB;
use crate::sheet::geometry::pt_to_mm;

/// A glyph's coverage (0 = paper, 1 = ink) in a cell one advance wide, from
/// `top_mm` above the baseline to `bottom_mm` below it.
#[derive(Debug, Clone)]
pub struct GlyphBitmap {
    pub ch: char,
    pub width: usize,
    pub height: usize,
    pub ink: Vec<f32>,
}

struct Flatten {
    scale: f32,
    /// Baseline y in pixels from the top of the cell.
    base: f32,
    cur: (f32, f32),
    start: (f32, f32),
    edges: Vec<((f32, f32), (f32, f32))>,
}

impl Flatten {
    fn pt(&self, x: f32, y: f32) -> (f32, f32) {
        (x * self.scale, self.base - y * self.scale)
    }
    fn push(&mut self, p: (f32, f32)) {
        self.edges.push((self.cur, p));
        self.cur = p;
    }
}

impl ttf_parser::OutlineBuilder for Flatten {
    fn move_to(&mut self, x: f32, y: f32) {
        self.cur = self.pt(x, y);
        self.start = self.cur;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.pt(x, y);
        self.push(p);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (p0, p1, p2) = (self.cur, self.pt(x1, y1), self.pt(x, y));
        for i in 1..=12 {
            let t = i as f32 / 12.0;
            let u = 1.0 - t;
            self.push((
                u * u * p0.0 + 2.0 * u * t * p1.0 + t * t * p2.0,
                u * u * p0.1 + 2.0 * u * t * p1.1 + t * t * p2.1,
            ));
        }
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (p0, p1, p2, p3) = (self.cur, self.pt(x1, y1), self.pt(x2, y2), self.pt(x, y));
        for i in 1..=16 {
            let t = i as f32 / 16.0;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            self.push((a * p0.0 + b * p1.0 + c * p2.0 + d * p3.0, a * p0.1 + b * p1.1 + c * p2.1 + d * p3.1));
        }
    }
    fn close(&mut self) {
        if self.cur != self.start {
            let s = self.start;
            self.push(s);
        }
    }
}

/// Rasterise `chars` in OCR-B at `size_pt`, `px_per_mm` pixels per mm, in
/// cells one advance wide spanning `top_mm` above to `bottom_mm` below the baseline.
pub fn render(chars: &str, size_pt: f32, px_per_mm: f32, top_mm: f32, bottom_mm: f32) -> Vec<GlyphBitmap> {
    let face = ttf_parser::Face::parse(OCRB, 0).expect("embedded OCR-B parses");
    let upem = face.units_per_em() as f32;
    let scale = pt_to_mm(size_pt) / upem * px_per_mm;
    let adv = face.glyph_index('0').and_then(|g| face.glyph_hor_advance(g)).unwrap_or(0) as f32 * scale;
    let width = adv.round() as usize;
    let height = ((top_mm + bottom_mm) * px_per_mm).round() as usize;
    let base = top_mm * px_per_mm;
    const SS: usize = 4;
    chars
        .chars()
        .map(|ch| {
            let mut fl = Flatten { scale, base, cur: (0.0, 0.0), start: (0.0, 0.0), edges: Vec::new() };
            if let Some(g) = face.glyph_index(ch) {
                face.outline_glyph(g, &mut fl);
            }
            let mut ink = vec![0f32; width * height];
            let mut xs: Vec<(f32, i32)> = Vec::new();
            for sy in 0..height * SS {
                let y = (sy as f32 + 0.5) / SS as f32;
                xs.clear();
                for &((x0, y0), (x1, y1)) in &fl.edges {
                    if (y0 <= y && y < y1) || (y1 <= y && y < y0) {
                        let t = (y - y0) / (y1 - y0);
                        xs.push((x0 + t * (x1 - x0), if y1 > y0 { 1 } else { -1 }));
                    }
                }
                xs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut wind = 0;
                let row = sy / SS;
                for w in xs.windows(2) {
                    wind += w[0].1;
                    if wind != 0 {
                        let (a, b) = (w[0].0 * SS as f32, w[1].0 * SS as f32);
                        let (a, b) = (a.max(0.0), b.min((width * SS) as f32));
                        let mut sx = (a - 0.5).ceil().max(0.0) as usize;
                        while (sx as f32 + 0.5) < b && sx < width * SS {
                            ink[row * width + sx / SS] += 1.0 / (SS * SS) as f32;
                            sx += 1;
                        }
                    }
                }
            }
            GlyphBitmap { ch, width, height, ink }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn glyphs_have_ink_where_expected() {
        let g = super::render("0I ", 9.0, 10.0, 3.0, 1.0);
        let sum = |i: usize| g[i].ink.iter().sum::<f32>();
        assert!(sum(0) > 10.0 && sum(1) > 5.0 && sum(2) == 0.0);
        assert!(g[0].ink.iter().all(|&v| (0.0..=1.0001).contains(&v)));
    }
}
