//! The preprocessing ladder: the images one region is tried with when the
//! image as it is reads nothing.
//!
//! Exists apart from the search because it is a fixed recipe (median, contrast
//! stretch, adaptive threshold, half size, inversion, Otsu, ×2) whose images
//! are built lazily and shared between steps; the search only picks steps.

use image::GrayImage;

use crate::scan::prepare;

/// Steps of the preprocessing ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Original,
    Median,
    Stretch,
    Adaptive,
    Half,
    Invert,
    Otsu,
    Upscale,
}

/// The ladder's images for one region, built lazily: each step works on the
/// previous denoised/stretched image, so noise is removed before thresholding.
pub(super) struct Ladder<'a> {
    base: &'a GrayImage,
    pub(super) half: Option<GrayImage>,
    median: Option<GrayImage>,
    stretched: Option<GrayImage>,
    /// Module size in pixels when known (sets the adaptive threshold radius).
    module: Option<f32>,
}

impl<'a> Ladder<'a> {
    pub(super) fn new(base: &'a GrayImage, module: Option<f32>) -> Self {
        Ladder { base, half: None, median: None, stretched: None, module }
    }

    fn median(&mut self) -> &GrayImage {
        self.median.get_or_insert_with(|| prepare::median3(self.base))
    }

    fn stretched(&mut self) -> &GrayImage {
        if self.stretched.is_none() {
            let s = prepare::contrast_stretch(self.median());
            self.stretched = Some(s);
        }
        self.stretched.as_ref().expect("set above")
    }

    /// The image for `step` and its scale relative to `base`.
    pub(super) fn image(&mut self, step: Step) -> (GrayImage, f32) {
        match step {
            Step::Original => (self.base.clone(), 1.0),
            Step::Median => (self.median().clone(), 1.0),
            Step::Stretch => (self.stretched().clone(), 1.0),
            Step::Adaptive => {
                let (w, h) = self.base.dimensions();
                let radius = match self.module {
                    Some(m) => (m * 8.0).round().max(7.0) as u32,
                    None => (w.min(h) / 40).clamp(7, 80),
                };
                (prepare::adaptive_threshold(self.stretched(), radius, 6), 1.0)
            }
            Step::Half => (self.half.get_or_insert_with(|| prepare::downscale_half(self.base)).clone(), 0.5),
            Step::Invert => (prepare::invert(self.base), 1.0),
            Step::Otsu => (prepare::otsu_threshold(self.median()), 1.0),
            Step::Upscale => (prepare::upscale2(self.base), 2.0),
        }
    }
}
