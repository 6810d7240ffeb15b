//! Shrinking a large image while it is decoded, row by row.
//!
//! The loader reduces images larger than [`super::Limits::max_page_pixels`]
//! to that size before the code search. Done after decoding with `image`'s
//! resampler, the largest image accepted (12000×10000) needed its full 8-bit
//! copy plus the resampler's intermediate of 16 bytes per pixel of a
//! half-reduced image: about 0.9 GB. [`Shrink`] takes the rows as a decoder
//! produces them and keeps one accumulator row and the output, so that a
//! PNG never exists at full size, and a JPEG (which zune-jpeg decodes whole)
//! only as its 8-bit luminance.

use image::GrayImage;

/// Area-averaging reduction of a `in_w`×`in_h` 8-bit image to `out_w`×`out_h`
/// (each no larger than the input), fed one input row at a time: every output
/// pixel is the mean of the input area it covers, partial pixels weighted.
pub(crate) struct Shrink {
    in_h: usize,
    out_w: usize,
    out_h: usize,
    /// For each input column: the output column it starts in, and the share
    /// of it that falls there (the rest falls in the next column).
    cols: Vec<(usize, f32)>,
    /// Input columns covered by each output column (the horizontal weight).
    col_weight: Vec<f32>,
    /// Input rows per output row.
    rows_per_out: f64,
    /// The current input row, reduced horizontally.
    row: Vec<f32>,
    /// Sums for the output row being built, and its weight so far.
    acc: Vec<f32>,
    acc_weight: f32,
    /// Sums for the output row after it (an input row that straddles two).
    next: Vec<f32>,
    next_weight: f32,
    /// Input rows received.
    rows_in: usize,
    out: Vec<u8>,
}

impl Shrink {
    /// A reduction from `from` to `to` pixels (`to` no larger than `from` on
    /// either side, neither side 0).
    pub(crate) fn new(from: (u32, u32), to: (u32, u32)) -> Self {
        let (in_w, in_h) = (from.0 as usize, from.1 as usize);
        let (out_w, out_h) = ((to.0 as usize).clamp(1, in_w.max(1)), (to.1 as usize).clamp(1, in_h.max(1)));
        let cols_per_out = in_w as f64 / out_w as f64;
        let mut cols = Vec::with_capacity(in_w);
        let mut col_weight = vec![0f32; out_w];
        for x in 0..in_w {
            let start = ((x as f64 / cols_per_out) as usize).min(out_w - 1);
            let boundary = (start + 1) as f64 * cols_per_out;
            let share = if start + 1 >= out_w { 1.0 } else { (boundary - x as f64).clamp(0.0, 1.0) as f32 };
            cols.push((start, share));
            col_weight[start] += share;
            if share < 1.0 {
                col_weight[start + 1] += 1.0 - share;
            }
        }
        Shrink {
            in_h,
            out_w,
            out_h,
            cols,
            col_weight,
            rows_per_out: in_h as f64 / out_h as f64,
            row: vec![0.0; out_w],
            acc: vec![0.0; out_w],
            acc_weight: 0.0,
            next: vec![0.0; out_w],
            next_weight: 0.0,
            rows_in: 0,
            out: Vec::with_capacity(out_w * out_h),
        }
    }

    /// Add the next input row (`in_w` luminance values; extra values are
    /// ignored, missing ones count as white). Rows past `in_h` are ignored.
    pub(crate) fn push_row(&mut self, pixels: &[u8]) {
        if self.rows_in >= self.in_h {
            return;
        }
        let y = self.rows_in;
        self.rows_in += 1;
        self.row.fill(0.0);
        for (x, &(start, share)) in self.cols.iter().enumerate() {
            let v = f32::from(pixels.get(x).copied().unwrap_or(255));
            if share >= 1.0 {
                self.row[start] += v;
            } else {
                self.row[start] += v * share;
                self.row[start + 1] += v * (1.0 - share);
            }
        }
        let done = self.out.len() / self.out_w;
        let boundary = (done + 1) as f64 * self.rows_per_out;
        let share = if done + 1 >= self.out_h { 1.0 } else { (boundary - y as f64).clamp(0.0, 1.0) as f32 };
        for (a, r) in self.acc.iter_mut().zip(&self.row) {
            *a += r * share;
        }
        self.acc_weight += share;
        if share < 1.0 {
            for (n, r) in self.next.iter_mut().zip(&self.row) {
                *n += r * (1.0 - share);
            }
            self.next_weight += 1.0 - share;
        }
        // The output row is complete once an input row reaches its lower edge.
        if done + 1 < self.out_h && (y + 1) as f64 >= boundary - 1e-9 {
            self.emit();
        }
    }

    /// Write the output row being built, and start the next.
    fn emit(&mut self) {
        for (a, w) in self.acc.iter().zip(&self.col_weight) {
            let weight = w * self.acc_weight;
            let v = if weight > 0.0 { a / weight } else { 255.0 };
            self.out.push(v.round().clamp(0.0, 255.0) as u8);
        }
        std::mem::swap(&mut self.acc, &mut self.next);
        self.acc_weight = self.next_weight;
        self.next.fill(0.0);
        self.next_weight = 0.0;
    }

    /// The reduced image (rows never pushed count as white).
    pub(crate) fn finish(mut self) -> GrayImage {
        while self.rows_in < self.in_h {
            self.push_row(&[]);
        }
        if self.out.len() < self.out_w * self.out_h {
            self.emit();
        }
        self.out.resize(self.out_w * self.out_h, 255);
        GrayImage::from_raw(self.out_w as u32, self.out_h as u32, self.out).expect("buffer size matches")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn shrink(img: &GrayImage, to: (u32, u32)) -> GrayImage {
        let mut s = Shrink::new(img.dimensions(), to);
        for row in img.rows() {
            let row: Vec<u8> = row.map(|p| p.0[0]).collect();
            s.push_row(&row);
        }
        s.finish()
    }

    #[test]
    fn halving_averages_each_square() {
        let img = GrayImage::from_fn(6, 4, |x, y| Luma([(x * 40 + y * 10) as u8]));
        let out = shrink(&img, (3, 2));
        for (x, y, p) in out.enumerate_pixels() {
            let sum: u32 = [(0, 0), (1, 0), (0, 1), (1, 1)]
                .iter()
                .map(|(dx, dy)| u32::from(img.get_pixel(2 * x + dx, 2 * y + dy).0[0]))
                .sum();
            assert_eq!(u32::from(p.0[0]), (sum + 2) / 4, "({x},{y})");
        }
    }

    #[test]
    fn uneven_factors_keep_flat_areas_and_edges() {
        // Left half black, right half white, reduced by 0.371: flat areas stay
        // flat, the edge column is grey, sizes are as asked.
        let img = GrayImage::from_fn(1000, 700, |x, _| Luma([if x < 500 { 0 } else { 255 }]));
        let out = shrink(&img, (371, 259));
        assert_eq!(out.dimensions(), (371, 259));
        for y in [0, 100, 258] {
            assert_eq!(out.get_pixel(0, y).0[0], 0);
            assert_eq!(out.get_pixel(180, y).0[0], 0);
            assert_eq!(out.get_pixel(186, y).0[0], 255);
            assert_eq!(out.get_pixel(370, y).0[0], 255);
            let edge = out.get_pixel(185, y).0[0];
            assert!(edge > 0 && edge < 255, "{edge}");
        }
        // Same size: a copy.
        assert_eq!(shrink(&img, (1000, 700)), img);
    }

    #[test]
    fn missing_rows_are_white() {
        let mut s = Shrink::new((10, 10), (5, 5));
        s.push_row(&[0; 10]);
        s.push_row(&[0; 10]);
        let out = s.finish();
        assert_eq!(out.get_pixel(2, 0).0[0], 0);
        assert_eq!(out.get_pixel(2, 4).0[0], 255);
    }
}
