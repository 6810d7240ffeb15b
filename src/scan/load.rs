//! Input files to grayscale pages.
//!
//! A user hands `restore` whatever came out of the scanner or phone: an image
//! (PNG, JPEG, TIFF, WebP, BMP, PNM), a PDF (a scanner's multi-page output or
//! the sheet PDF itself), or a folder of those. This module recognises each file
//! by its content (never its extension), checks its declared size against
//! [`Limits`] before decoding anything, renders PDF pages with hayro, and returns
//! one grayscale [`Page`] per image or PDF page. Decoder panics are caught and
//! reported as errors naming the file.

use std::fs;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use image::{DynamicImage, GrayImage, ImageDecoder, ImageFormat, ImageReader};

use super::shrink::Shrink;
use super::{Budget, Limits, ScanError};
use crate::readfile::ReadError;

/// One grayscale page to search for codes.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Where it came from, for messages: the path, plus " page N" (1-based) for
    /// PDF pages, e.g. `scan.pdf page 2`.
    pub source: String,
    /// The pixels, 8-bit luminance.
    pub image: GrayImage,
}

/// A directory entry that [`load_with_notes`] passed over.
#[derive(Debug)]
pub struct Skipped {
    /// The entry.
    pub path: PathBuf,
    /// Why.
    pub reason: SkipReason,
}

/// Why a directory entry was passed over.
#[derive(Debug)]
#[non_exhaustive]
pub enum SkipReason {
    /// Its content is neither a supported image nor a PDF.
    NotImageOrPdf,
    /// It is a directory (folders are not searched recursively).
    Directory,
    /// It looked like an image or PDF but could not be read.
    Failed(ScanError),
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            SkipReason::NotImageOrPdf => {
                write!(f, "skipped {}: not an image or PDF", self.path.display())
            }
            SkipReason::Directory => {
                write!(f, "skipped {}: folders inside the folder are not searched", self.path.display())
            }
            SkipReason::Failed(e) => write!(f, "skipped {e}"),
        }
    }
}

/// Pages read from an input, and the directory entries passed over.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The pages, in file order (directory entries sorted by name), then page order.
    pub pages: Vec<Page>,
    /// Directory entries that were not used, with the reason (always empty for a file).
    pub skipped: Vec<Skipped>,
}

/// Read `path` (an image, a PDF or a directory of them) into grayscale pages.
///
/// Entries of a directory that cannot be used are dropped; call
/// [`load_with_notes`] to learn which and why.
pub fn load(path: &Path, limits: &Limits) -> Result<Vec<Page>, ScanError> {
    load_with_notes(path, limits).map(|loaded| loaded.pages)
}

/// Read `path` into grayscale pages, reporting skipped directory entries.
///
/// A file that cannot be read is an error. In a directory (not searched
/// recursively; hidden entries ignored) unreadable or foreign files are listed
/// in [`Loaded::skipped`] instead, and the call fails only when no page at all
/// could be read. The totals of [`Limits`] hold for this call; use
/// [`load_with_budget`] to make them hold for several inputs.
pub fn load_with_notes(path: &Path, limits: &Limits) -> Result<Loaded, ScanError> {
    load_with_budget(path, limits, &mut Budget::new(limits))
}

/// [`load_with_notes`], charging the pages returned and the PDF decoding work
/// to `budget`, which the caller passes to every input of a run.
pub fn load_with_budget(path: &Path, limits: &Limits, budget: &mut Budget) -> Result<Loaded, ScanError> {
    let meta = fs::metadata(path).map_err(|source| ScanError::Io { path: path.to_owned(), source })?;
    if !meta.is_dir() {
        let pages = load_file(path, limits, budget)?;
        return Ok(Loaded { pages, skipped: Vec::new() });
    }

    let io_err = |source| ScanError::Io { path: path.to_owned(), source };
    let mut entries: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(path).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        entries.push(entry.path());
    }
    entries.sort();

    let mut loaded = Loaded::default();
    for entry in entries {
        let skip = |reason| Skipped { path: entry.clone(), reason };
        match fs::metadata(&entry) {
            Ok(m) if m.is_dir() => {
                loaded.skipped.push(skip(SkipReason::Directory));
                continue;
            }
            Ok(_) => {}
            Err(source) => {
                let e = ScanError::Io { path: entry.clone(), source };
                loaded.skipped.push(skip(SkipReason::Failed(e)));
                continue;
            }
        }
        match load_file(&entry, limits, budget) {
            Ok(pages) => loaded.pages.extend(pages),
            Err(ScanError::UnsupportedFormat { detail: None, .. }) => {
                loaded.skipped.push(skip(SkipReason::NotImageOrPdf));
            }
            Err(e) => loaded.skipped.push(skip(SkipReason::Failed(e))),
        }
    }
    if loaded.pages.is_empty() {
        return Err(ScanError::NoPages { path: path.to_owned(), skipped: loaded.skipped.len() });
    }
    Ok(loaded)
}

/// What a file's first bytes say it is.
enum Kind {
    Pdf,
    Image(ImageFormat),
}

fn sniff(data: &[u8]) -> Option<Kind> {
    // PDF readers accept the header anywhere in the first 1024 bytes.
    let head = &data[..data.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Some(Kind::Pdf);
    }
    image::guess_format(data).ok().map(Kind::Image)
}

fn supported(format: ImageFormat) -> bool {
    matches!(
        format,
        ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::Tiff
            | ImageFormat::WebP
            | ImageFormat::Bmp
            | ImageFormat::Pnm
    )
}

fn format_name(format: ImageFormat) -> String {
    format!("{format:?}").to_uppercase()
}

/// Read the content of one image or PDF file, already in memory, into
/// grayscale pages: what [`load()`] does for a file, with the same [`Limits`]
/// (`max_file_bytes` included) and a fresh [`Budget`]. `name` stands for the
/// file in the pages' sources and in errors.
pub fn load_bytes(data: &[u8], name: &str, limits: &Limits) -> Result<Vec<Page>, ScanError> {
    let path = Path::new(name);
    if data.len() as u64 > limits.max_file_bytes {
        return Err(ScanError::TooLarge {
            path: path.to_owned(),
            what: format!("the file is larger than {} MiB", limits.max_file_bytes / (1024 * 1024)),
        });
    }
    load_data(path, data.to_vec(), limits, &mut Budget::new(limits))
}

fn load_file(path: &Path, limits: &Limits, budget: &mut Budget) -> Result<Vec<Page>, ScanError> {
    let data = read_bounded(path, limits.max_file_bytes)?;
    load_data(path, data, limits, budget)
}

fn load_data(path: &Path, data: Vec<u8>, limits: &Limits, budget: &mut Budget) -> Result<Vec<Page>, ScanError> {
    if data.is_empty() {
        return Err(ScanError::Empty { path: path.to_owned() });
    }
    let pages = match sniff(&data) {
        Some(Kind::Pdf) => load_pdf(path, data, limits, budget)?,
        Some(Kind::Image(format)) if supported(format) => {
            vec![load_image(path, &data, format, limits, budget)?]
        }
        Some(Kind::Image(format)) => {
            return Err(ScanError::UnsupportedFormat {
                path: path.to_owned(),
                detail: Some(format!("a {} image", format_name(format))),
            });
        }
        None => {
            return Err(ScanError::UnsupportedFormat { path: path.to_owned(), detail: None });
        }
    };
    Ok(pages)
}

fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, ScanError> {
    // Read one byte past the limit to detect oversize files without trusting metadata;
    // refuse FIFOs and devices before reading them.
    crate::readfile::read_bounded(path, max).map_err(|e| match e {
        ReadError::NotRegular { path, what } => ScanError::NotAFile { path, what },
        ReadError::TooLarge { path, .. } => {
            ScanError::TooLarge { path, what: format!("the file is larger than {} MiB", max / (1024 * 1024)) }
        }
        ReadError::Io { path, source } => ScanError::Io { path, source },
    })
}

/// Refuse a `width`×`height` raster that breaks the limits. `format` names the
/// file type for messages ("PNG", "PDF"), `what` the raster ("the image",
/// "page 3").
fn check_size(
    path: &Path,
    (format, what): (&str, &str),
    (width, height): (u64, u64),
    limits: &Limits,
) -> Result<(), ScanError> {
    let too_large = |detail: String| ScanError::TooLarge {
        path: path.to_owned(),
        what: format!("{what} is {width}×{height} pixels, {detail}"),
    };
    if width == 0 || height == 0 {
        return Err(ScanError::Corrupt {
            path: path.to_owned(),
            format: format.to_owned(),
            detail: format!("{what} has a size of {width}×{height} pixels"),
        });
    }
    let side = u64::from(limits.max_side);
    if width > side || height > side {
        return Err(too_large(format!("more than {} on a side", limits.max_side)));
    }
    let area = width * height;
    if area > limits.max_pixels {
        return Err(too_large(format!("more than {} megapixels", limits.max_pixels / 1_000_000)));
    }
    Ok(())
}

/// Refuse a page of `pixels` pixels (after any reduction) that the run's
/// budget cannot hold.
fn check_budget(path: &Path, what: &str, pixels: u64, limits: &Limits, budget: &Budget) -> Result<(), ScanError> {
    if pixels > budget.pixels {
        return Err(ScanError::TooLarge {
            path: path.to_owned(),
            what: format!(
                "{what} ({:.1} megapixels) goes beyond the {} megapixels allowed for all pages together",
                pixels as f64 / 1e6,
                limits.max_total_pixels / 1_000_000
            ),
        });
    }
    Ok(())
}

/// The size a `w`×`h` raster is reduced to so that it holds at most `max`
/// pixels (unchanged when it already does).
fn reduced_size((w, h): (u32, u32), max: u64) -> (u32, u32) {
    let area = u64::from(w) * u64::from(h);
    if area <= max.max(1) {
        return (w, h);
    }
    let f = (max as f64 / area as f64).sqrt();
    let nw = ((f64::from(w) * f).floor() as u32).max(1);
    let nh = ((f64::from(h) * f).floor() as u32).max(1);
    (nw, nh)
}

/// `img` scaled down (area-averaged) to at most `max` pixels.
fn reduce(img: GrayImage, max: u64) -> GrayImage {
    let to = reduced_size(img.dimensions(), max);
    if to == img.dimensions() {
        return img;
    }
    let mut shrink = Shrink::new(img.dimensions(), to);
    for row in img.as_raw().chunks_exact(img.width() as usize) {
        shrink.push_row(row);
    }
    shrink.finish()
}

/// `img` in 8-bit luminance (see [`to_gray`]), scaled down to at most `max`
/// pixels a band of rows at a time: never a full-size luminance copy beside
/// the decoded image.
fn to_gray_reduced(img: DynamicImage, max: u64) -> GrayImage {
    let (w, h) = (img.width(), img.height());
    let to = reduced_size((w, h), max);
    if to == (w, h) {
        return to_gray(img);
    }
    const BAND: u32 = 64;
    let mut shrink = Shrink::new((w, h), to);
    for y in (0..h).step_by(BAND as usize) {
        let band = to_gray(img.crop_imm(0, y, w, BAND.min(h - y)));
        for row in band.as_raw().chunks_exact(w as usize) {
            shrink.push_row(row);
        }
    }
    shrink.finish()
}

fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

fn load_image(
    path: &Path,
    data: &[u8],
    format: ImageFormat,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Page, ScanError> {
    let name = format_name(format);
    let corrupt = |detail: String| ScanError::Corrupt { path: path.to_owned(), format: name.clone(), detail };
    let panicked = || corrupt("the decoder crashed on it".to_owned());
    // Colour profiles and compressed text, which the decoders inflate as
    // they read the header (a zlib bomb in iCCP), are dropped unread.
    let stripped;
    let data = if format == ImageFormat::Png {
        stripped = super::png_chunks::strip_ancillary(data);
        &stripped[..]
    } else {
        data
    };

    // 1. Header only: declared dimensions.
    let dims = catch_unwind(|| ImageReader::with_format(Cursor::new(data), format).into_dimensions())
        .map_err(|_| panicked())?;
    let (w, h) = dims.map_err(|e| corrupt(e.to_string()))?;
    check_size(path, (&name, "the image"), (w.into(), h.into()), limits)?;
    let (kw, kh) = reduced_size((w, h), limits.max_page_pixels);
    check_budget(path, "the image", u64::from(kw) * u64::from(kh), limits, budget)?;

    // 2. Decode straight to 8-bit luminance where the codec allows it (JPEG,
    //    non-interlaced PNG: one byte per pixel), else through `image` with
    //    its buffer bounded; a large image is reduced to the page size the
    //    code search works on as it is decoded (PNG rows) or converted (the
    //    others), never copied at full size.
    let gray = match format {
        ImageFormat::Jpeg => decode_jpeg(path, data, (w, h), limits)?,
        ImageFormat::Png => decode_png(path, data, limits)?,
        _ => None,
    };
    let gray = match gray {
        Some(g) => g,
        None => decode_generic(path, data, format, limits)?,
    };

    // 3. Whatever a decoder left larger (none today) is reduced here.
    let gray = reduce(gray, limits.max_page_pixels);
    budget.pixels = budget.pixels.saturating_sub(u64::from(gray.width()) * u64::from(gray.height()));
    Ok(Page { source: path.display().to_string(), image: gray })
}

fn limits_error(path: &Path, e: image::error::LimitError, limits: &Limits) -> ScanError {
    ScanError::TooLarge {
        path: path.to_owned(),
        what: format!("decoding it needs more than the {} MiB allowed ({e})", mib(limits.max_decode_bytes)),
    }
}

/// Any supported format through `image`, refused before decoding when its
/// decoded buffer would exceed `max_decode_bytes`, and reduced to at most
/// `max_page_pixels` as it is converted to luminance.
fn decode_generic(path: &Path, data: &[u8], format: ImageFormat, limits: &Limits) -> Result<GrayImage, ScanError> {
    let name = format_name(format);
    let corrupt = |detail: String| ScanError::Corrupt { path: path.to_owned(), format: name.clone(), detail };
    let panicked = || corrupt("the decoder crashed on it".to_owned());
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    image_limits.max_alloc = Some(limits.max_decode_bytes);
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        let mut reader = ImageReader::with_format(Cursor::new(data), format);
        reader.limits(image_limits);
        let mut decoder = reader.into_decoder()?;
        let need = decoder.total_bytes();
        if need > limits.max_decode_bytes {
            return Ok(Err(need));
        }
        let orientation = decoder.orientation().ok();
        let img = DynamicImage::from_decoder(decoder)?;
        Ok::<_, image::ImageError>(Ok((img, orientation)))
    }))
    .map_err(|_| panicked())?;
    let img = decoded.map_err(|e| match e {
        image::ImageError::Limits(l) => limits_error(path, l, limits),
        other => corrupt(other.to_string()),
    })?;
    let (img, orientation) = img.map_err(|need| ScanError::TooLarge {
        path: path.to_owned(),
        what: format!(
            "decoding it needs {} MiB ({}), more than the {} MiB allowed",
            mib(need),
            name,
            mib(limits.max_decode_bytes)
        ),
    })?;
    // Reduced first, then turned: the turn copies only the reduced image.
    Ok(oriented(to_gray_reduced(img, limits.max_page_pixels), orientation))
}

/// `gray` turned as the EXIF `orientation` says.
fn oriented(gray: GrayImage, orientation: Option<image::metadata::Orientation>) -> GrayImage {
    match orientation {
        Some(o) if o != image::metadata::Orientation::NoTransforms => {
            let mut img = DynamicImage::ImageLuma8(gray);
            img.apply_orientation(o);
            img.into_luma8()
        }
        _ => gray,
    }
}

/// What the markers of a JPEG stream say, read without decoding.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JpegInfo {
    /// Frame size and colour components, from the start-of-frame marker.
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) components: u8,
    /// Whether a start-of-frame marker was seen.
    pub(crate) frame: bool,
    /// Progressive (or lossless/arithmetic) frames keep every coefficient in memory.
    pub(crate) progressive: bool,
    /// Whether the end-of-image marker was reached.
    pub(crate) complete: bool,
}

/// Walk the marker segments of a JPEG stream (skipping entropy-coded data) up
/// to the end-of-image marker. `None` when it does not start like a JPEG.
pub(crate) fn jpeg_info(data: &[u8]) -> Option<JpegInfo> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut info = JpegInfo::default();
    let len = data.len();
    let mut i = 2;
    loop {
        // Next marker: 0xFF (plus fill bytes) and a code.
        match data[i.min(len)..].iter().position(|&b| b == 0xFF) {
            Some(off) => i += off,
            None => return Some(info),
        }
        while i < len && data[i] == 0xFF {
            i += 1;
        }
        if i >= len {
            return Some(info);
        }
        let marker = data[i];
        i += 1;
        match marker {
            0xD9 => {
                info.complete = true;
                return Some(info);
            }
            0x00 | 0x01 | 0xD0..=0xD8 => continue,
            _ => {}
        }
        if i + 2 > len {
            return Some(info);
        }
        let seg = usize::from(u16::from_be_bytes([data[i], data[i + 1]]));
        if seg < 2 {
            return Some(info);
        }
        let body = &data[(i + 2).min(len)..(i + seg).min(len)];
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) && body.len() >= 6 && !info.frame {
            info.frame = true;
            info.height = u32::from(u16::from_be_bytes([body[1], body[2]]));
            info.width = u32::from(u16::from_be_bytes([body[3], body[4]]));
            info.components = body[5];
            info.progressive = !matches!(marker, 0xC0 | 0xC1);
        }
        i += seg;
        if marker == 0xDA {
            // Entropy-coded data: ends at a 0xFF not followed by 0x00 (stuffing)
            // or a restart marker.
            loop {
                match data[i.min(len)..].iter().position(|&b| b == 0xFF) {
                    Some(off) => i += off,
                    None => return Some(info),
                }
                match data.get(i + 1) {
                    None => return Some(info),
                    Some(0x00 | 0xD0..=0xD7) => i += 2,
                    Some(_) => break,
                }
            }
        }
    }
}

/// A JPEG decoded by zune-jpeg straight to luminance (one byte per pixel),
/// with its EXIF orientation applied. A stream that stops before its
/// end-of-image marker is refused as truncated (decoders would otherwise fill
/// the missing part with grey and the search would report "no code" instead).
/// `None` for the rare colour spaces left to the generic path (CMYK).
fn decode_jpeg(path: &Path, data: &[u8], (w, h): (u32, u32), limits: &Limits) -> Result<Option<GrayImage>, ScanError> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;

    let corrupt = |detail: &str| ScanError::Corrupt {
        path: path.to_owned(),
        format: "JPEG".to_owned(),
        detail: detail.to_owned(),
    };
    let info = jpeg_info(data).ok_or_else(|| corrupt("it does not start with a JPEG marker"))?;
    if !info.frame {
        return Err(corrupt("it has no image frame (the file is truncated or corrupt)"));
    }
    if !info.complete {
        return Err(corrupt("the file is truncated: it ends before the JPEG end-of-image marker"));
    }
    if info.progressive {
        // Progressive decoding keeps 2 bytes per coefficient of every component.
        let need = u64::from(w) * u64::from(h) * u64::from(info.components.max(1)) * 2;
        if need > limits.max_decode_bytes {
            return Err(ScanError::TooLarge {
                path: path.to_owned(),
                what: format!(
                    "the progressive JPEG is {w}×{h} pixels and needs {} MiB to decode, more than the {} MiB allowed",
                    mib(need),
                    mib(limits.max_decode_bytes)
                ),
            });
        }
    }
    if info.components != 1 && info.components != 3 {
        return Ok(None);
    }
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(limits.max_side as usize)
        .set_max_height(limits.max_side as usize)
        .jpeg_set_out_colorspace(ColorSpace::Luma);
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(data), options);
        let pixels = decoder.decode()?;
        Ok::<_, zune_jpeg::errors::DecodeErrors>((decoder.dimensions(), pixels))
    }))
    .map_err(|_| corrupt("the decoder crashed on it"))?;
    let (dims, pixels) = decoded.map_err(|e| corrupt(&format!("{e:?}")))?;
    let Some((dw, dh)) = dims else {
        return Err(corrupt("the decoder returned no size"));
    };
    let Some(gray) = GrayImage::from_raw(dw as u32, dh as u32, pixels) else {
        // Luminance output not available for this stream: use the generic path.
        return Ok(None);
    };
    // Reduced (the full-size luminance is dropped here), then turned as the
    // EXIF orientation says (header only).
    let gray = reduce(gray, limits.max_page_pixels);
    let orientation = catch_unwind(|| {
        let mut decoder = ImageReader::with_format(Cursor::new(data), ImageFormat::Jpeg).into_decoder().ok()?;
        decoder.orientation().ok()
    })
    .ok()
    .flatten();
    Ok(Some(oriented(gray, orientation)))
}

/// A non-interlaced PNG decoded row by row straight to luminance (16-bit
/// samples stripped to 8, palettes expanded, alpha composited over white):
/// one byte per pixel whatever the colour type and depth, and rows reduced as
/// they come when the image is larger than `max_page_pixels` (never held at
/// full size). `None` for an interlaced PNG (left to the generic path).
fn decode_png(path: &Path, data: &[u8], limits: &Limits) -> Result<Option<GrayImage>, ScanError> {
    let corrupt = |detail: String| ScanError::Corrupt { path: path.to_owned(), format: "PNG".to_owned(), detail };
    let decoded = catch_unwind(AssertUnwindSafe(|| -> Result<Option<GrayImage>, png::DecodingError> {
        let mut decoder = png::Decoder::new_with_limits(
            Cursor::new(data),
            png::Limits { bytes: usize::try_from(limits.max_decode_bytes).unwrap_or(usize::MAX) },
        );
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        // (Also dropped before decoding: see png_chunks.)
        decoder.set_ignore_iccp_chunk(true);
        decoder.set_ignore_text_chunk(true);
        let mut reader = decoder.read_info()?;
        if reader.info().interlaced {
            return Ok(None);
        }
        let (w, h) = (reader.info().width, reader.info().height);
        let (color, _) = reader.output_color_type();
        let channels = color.samples();
        let to = reduced_size((w, h), limits.max_page_pixels);
        // Rows go straight into the output, or into the reduction.
        let mut shrink = (to != (w, h)).then(|| Shrink::new((w, h), to));
        let mut out = Vec::with_capacity(if shrink.is_some() { w as usize } else { w as usize * h as usize });
        while let Some(row) = reader.next_row()? {
            if shrink.is_some() {
                out.clear();
            }
            let row = row.data();
            for px in row.chunks_exact(channels).take(w as usize) {
                let (l, a) = match channels {
                    1 => (u32::from(px[0]), 255),
                    2 => (u32::from(px[0]), u32::from(px[1])),
                    3 => (luma(px[0], px[1], px[2]), 255),
                    _ => (luma(px[0], px[1], px[2]), u32::from(px[3])),
                };
                out.push(((l * a + 255 * (255 - a) + 127) / 255) as u8);
            }
            if let Some(shrink) = shrink.as_mut() {
                shrink.push_row(&out);
            }
        }
        match shrink {
            Some(shrink) => Ok(Some(shrink.finish())),
            None => Ok(GrayImage::from_raw(w, h, out)),
        }
    }))
    .map_err(|_| corrupt("the decoder crashed on it".to_owned()))?;
    match decoded {
        Ok(g) => Ok(g),
        Err(png::DecodingError::LimitsExceeded) => Err(ScanError::TooLarge {
            path: path.to_owned(),
            what: format!("decoding it needs more than the {} MiB allowed", mib(limits.max_decode_bytes)),
        }),
        Err(e) => Err(corrupt(e.to_string())),
    }
}

/// Rec. 709 luma of an sRGB triple, as `image` computes it.
fn luma(r: u8, g: u8, b: u8) -> u32 {
    (2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b) + 5000) / 10000
}

/// Luminance, with transparent areas composited over white (a transparent PNG
/// of a QR code is dark modules on nothing).
fn to_gray(img: DynamicImage) -> GrayImage {
    if !img.color().has_alpha() {
        return match img {
            DynamicImage::ImageLuma8(g) => g,
            other => other.to_luma8(),
        };
    }
    let la = img.to_luma_alpha8();
    let (w, h) = la.dimensions();
    let data = la
        .pixels()
        .map(|p| {
            let [l, a] = p.0;
            let (l, a) = (u32::from(l), u32::from(a));
            ((l * a + 255 * (255 - a) + 127) / 255) as u8
        })
        .collect();
    GrayImage::from_raw(w, h, data).expect("buffer size matches")
}

fn load_pdf(path: &Path, data: Vec<u8>, limits: &Limits, budget: &mut Budget) -> Result<Vec<Page>, ScanError> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    use hayro::vello_cpu::color::palette::css::WHITE;
    use hayro::{PixmapSettings, RenderCache, RenderSettings};

    let corrupt = |detail: String| ScanError::Corrupt { path: path.to_owned(), format: "PDF".to_owned(), detail };
    // Object and cross-reference streams are decoded by the reader itself as
    // it opens the file: checked first.
    super::pdfguard::check_containers(&data, limits.max_pdf_stream_bytes)
        .map_err(|refusal| ScanError::TooLarge { path: path.to_owned(), what: refusal.0 })?;
    let pdf = catch_unwind(AssertUnwindSafe(|| Pdf::new(data)))
        .map_err(|_| corrupt("the PDF reader crashed on it".to_owned()))?
        .map_err(|e| match e {
            hayro::hayro_syntax::LoadPdfError::Decryption(_) => {
                corrupt("it is encrypted; save an unencrypted copy".to_owned())
            }
            other => corrupt(format!("{other:?}")),
        })?;
    let pages = catch_unwind(AssertUnwindSafe(|| pdf.pages().len()))
        .map_err(|_| corrupt("the PDF reader crashed reading its page list".to_owned()))?;
    if pages == 0 {
        return Err(corrupt("it has no pages".to_owned()));
    }
    if pages > limits.max_pdf_pages {
        return Err(ScanError::TooLarge {
            path: path.to_owned(),
            what: format!("the PDF has {pages} pages, more than {}", limits.max_pdf_pages),
        });
    }

    let dpi = if limits.pdf_dpi.is_finite() { limits.pdf_dpi.clamp(36.0, 1200.0) } else { 300.0 };
    let cache = RenderCache::new();
    let interpreter = InterpreterSettings::default();
    let render_settings = RenderSettings::default();
    let mut out = Vec::with_capacity(pages);
    for index in 0..pages {
        let source = format!("{} page {}", path.display(), index + 1);
        let page = &pdf.pages()[index];
        let (wpt, hpt) = page.render_dimensions();
        if !(wpt.is_finite() && hpt.is_finite()) || wpt <= 0.0 || hpt <= 0.0 {
            return Err(corrupt(format!("page {} has no size", index + 1)));
        }
        if wpt > limits.max_pdf_page_pt || hpt > limits.max_pdf_page_pt {
            return Err(ScanError::TooLarge {
                path: path.to_owned(),
                what: format!(
                    "page {} is {:.0}×{:.0} points, more than {:.0} on a side",
                    index + 1,
                    wpt,
                    hpt,
                    limits.max_pdf_page_pt
                ),
            });
        }
        // Lower the resolution for pages too big to render at `dpi`.
        let mut scale = dpi / 72.0;
        let side = limits.max_side.min(u32::from(u16::MAX)) as f32;
        scale = scale.min(side / wpt).min(side / hpt);
        let max_area = limits.max_pixels.min(limits.max_page_pixels);
        let area_cap = ((max_area as f64) / f64::from(wpt * hpt)).sqrt() as f32;
        scale = scale.min(area_cap);
        let (pw, ph) = ((wpt * scale) as u64, (hpt * scale) as u64);
        let what = format!("page {}", index + 1);
        check_size(path, ("PDF", &what), (pw, ph), limits)?;
        check_budget(path, &what, pw * ph, limits, budget)?;
        // What rendering would decode (images, streams, nested forms), before
        // the renderer allocates any of it.
        catch_unwind(AssertUnwindSafe(|| super::pdfguard::check_page(page, pdf.xref(), limits, budget)))
            .map_err(|_| corrupt(format!("the PDF reader crashed on page {}", index + 1)))?
            .map_err(|refusal| ScanError::TooLarge {
                path: path.to_owned(),
                what: format!("page {}: {}", index + 1, refusal.0),
            })?;

        let pixmap_settings = PixmapSettings { x_scale: scale, y_scale: scale, bg_color: WHITE };
        let pixmap = catch_unwind(AssertUnwindSafe(|| {
            hayro::render(page, &cache, &interpreter, &render_settings, &pixmap_settings)
        }))
        .map_err(|_| corrupt(format!("the PDF renderer crashed on page {}", index + 1)))?;
        let (w, h) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        let gray: Vec<u8> = pixmap
            .data()
            .iter()
            .map(|p| {
                // Premultiplied over an opaque white background: effectively opaque.
                let (r, g, b) = (u32::from(p.r), u32::from(p.g), u32::from(p.b));
                ((2126 * r + 7152 * g + 722 * b + 5000) / 10000) as u8
            })
            .collect();
        let image = GrayImage::from_raw(w, h, gray)
            .ok_or_else(|| corrupt(format!("page {} rendered to an odd buffer", index + 1)))?;
        budget.pixels = budget.pixels.saturating_sub(u64::from(w) * u64::from(h));
        out.push(Page { source, image });
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use image::Luma;
    use std::io::Write;

    fn png_bytes(img: &GrayImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = (body.len() as u32).to_be_bytes().to_vec();
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(body);
        out.extend_from_slice(&crc_input);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        out
    }

    /// A PNG whose header claims `w`×`h` but which holds (almost) no pixel data.
    fn bomb_png(w: u32, h: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit gray
        png.extend(png_chunk(b"IHDR", &ihdr));
        // A tiny zlib stream of zeros (a real bomb would expand; this one need not).
        png.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
        png.extend(png_chunk(b"IEND", &[]));
        png
    }

    /// A PDF made of `objects` (object `i` is number `i + 1`; object 1 must be
    /// the catalog), with a correct cross-reference table.
    pub(crate) fn pdf_from_objects(objects: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, obj) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(obj);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n", objects.len() + 1).as_bytes());
        out.extend_from_slice(b"0000000000 65535 f \n");
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
        );
        out
    }

    /// A minimal PDF whose pages each draw `content` (a content stream) on a
    /// `w`×`h` pt page.
    pub(crate) fn pdf_with_pages(contents: &[String], w: f32, h: f32) -> Vec<u8> {
        let n = contents.len();
        let mut objects: Vec<Vec<u8>> = Vec::new();
        // 1: catalog, 2: pages, then per page: page object, content stream.
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 2 * i)).collect();
        objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
        for (i, content) in contents.iter().enumerate() {
            objects.push(
                format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Contents {} 0 R >>", 4 + 2 * i)
                    .into_bytes(),
            );
            objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes());
        }
        pdf_from_objects(&objects)
    }

    /// A one-page PDF like a scanner's: a grayscale JPEG (`px` pixels) filling a
    /// `pt`-point page.
    pub(crate) fn pdf_with_jpeg(jpeg: &[u8], px: (u32, u32), pt: (f32, f32)) -> Vec<u8> {
        let content = format!("q {} 0 0 {} 0 0 cm /Im0 Do Q", pt.0, pt.1);
        let mut image = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            px.0,
            px.1,
            jpeg.len()
        )
        .into_bytes();
        image.extend_from_slice(jpeg);
        image.extend_from_slice(b"\nendstream");
        let objects = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /XObject << /Im0 5 0 R >> >> \
                 /Contents 4 0 R >>",
                pt.0, pt.1
            )
            .into_bytes(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes(),
            image,
        ];
        pdf_from_objects(&objects)
    }

    pub(crate) fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
        let p = dir.join(name);
        fs::File::create(&p).unwrap().write_all(data).unwrap();
        p
    }

    #[test]
    fn loads_png_by_content_not_extension() {
        let dir = tempfile::tempdir().unwrap();
        let img = GrayImage::from_fn(40, 30, |x, _| Luma([(x * 6) as u8]));
        let p = write(dir.path(), "photo.jpg", &png_bytes(&img));
        let pages = load(&p, &Limits::default()).unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].image, img);
        assert_eq!(pages[0].source, p.display().to_string());
    }

    #[test]
    fn loads_bytes_in_memory_like_a_file() {
        let img = GrayImage::from_fn(40, 30, |x, _| Luma([(x * 6) as u8]));
        let pages = load_bytes(&png_bytes(&img), "upload", &Limits::default()).unwrap();
        assert_eq!(pages, vec![Page { source: "upload".into(), image: img }]);
        let pdf = pdf_with_pages(&["0 0 m 10 10 l S".to_string()], 72.0, 72.0);
        assert_eq!(load_bytes(&pdf, "doc.pdf", &Limits::default()).unwrap()[0].source, "doc.pdf page 1");
        assert!(matches!(load_bytes(b"", "e", &Limits::default()), Err(ScanError::Empty { .. })));
        let small = Limits { max_file_bytes: 10, ..Limits::default() };
        assert!(matches!(load_bytes(&pdf, "big.pdf", &small), Err(ScanError::TooLarge { .. })));
        let e = load_bytes(&bomb_png(20_000, 20_000), "bomb.png", &Limits::default()).unwrap_err();
        assert!(matches!(e, ScanError::TooLarge { .. }) && e.to_string().contains("bomb.png"), "{e}");
    }

    #[test]
    fn transparent_background_becomes_white() {
        let dir = tempfile::tempdir().unwrap();
        let img = image::RgbaImage::from_fn(4, 1, |x, _| {
            if x == 0 { image::Rgba([0, 0, 0, 255]) } else { image::Rgba([0, 0, 0, 0]) }
        });
        let mut bytes = Cursor::new(Vec::new());
        img.write_to(&mut bytes, ImageFormat::Png).unwrap();
        let p = write(dir.path(), "t.png", bytes.get_ref());
        let pages = load(&p, &Limits::default()).unwrap();
        assert_eq!(pages[0].image.get_pixel(0, 0).0[0], 0);
        assert_eq!(pages[0].image.get_pixel(1, 0).0[0], 255);
    }

    #[test]
    fn refuses_declared_giant_without_decoding() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "bomb.png", &bomb_png(100_000, 100_000));
        let err = load(&p, &Limits::default()).unwrap_err();
        assert!(matches!(err, ScanError::TooLarge { .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.contains("bomb.png") && msg.contains("100000×100000"), "{msg}");
        // Also by area, under the side limit.
        let p = write(dir.path(), "wide.png", &bomb_png(11_000, 11_000));
        let limits = Limits { max_pixels: 50_000_000, ..Limits::default() };
        let err = load(&p, &limits).unwrap_err();
        assert!(err.to_string().contains("megapixels"), "{err}");
    }

    #[test]
    fn truncated_png_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let img = GrayImage::from_fn(200, 200, |x, y| Luma([((x * y) % 251) as u8]));
        let bytes = png_bytes(&img);
        let p = write(dir.path(), "cut.png", &bytes[..bytes.len() / 2]);
        let err = load(&p, &Limits::default()).unwrap_err();
        assert!(matches!(err, ScanError::Corrupt { .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.contains("cut.png") && msg.contains("PNG"), "{msg}");
        // Only the signature left.
        let p = write(dir.path(), "sig.png", &bytes[..8]);
        assert!(matches!(load(&p, &Limits::default()), Err(ScanError::Corrupt { .. })));
    }

    #[test]
    fn empty_and_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "empty.png", b"");
        let err = load(&p, &Limits::default()).unwrap_err();
        assert!(matches!(err, ScanError::Empty { .. }));
        assert!(err.to_string().contains("empty.png"));
        let p = write(dir.path(), "notes.png", b"hello, this is text");
        let err = load(&p, &Limits::default()).unwrap_err();
        assert!(matches!(err, ScanError::UnsupportedFormat { .. }), "{err}");
        let err = load(&dir.path().join("missing.png"), &Limits::default()).unwrap_err();
        assert!(matches!(err, ScanError::Io { .. }));
        assert!(err.to_string().contains("missing.png"));
        let p = write(dir.path(), "big.bin", &[0u8; 2048]);
        let limits = Limits { max_file_bytes: 1024, ..Limits::default() };
        assert!(matches!(load(&p, &limits), Err(ScanError::TooLarge { .. })));
    }

    #[test]
    fn directory_sorted_with_skips() {
        let dir = tempfile::tempdir().unwrap();
        let a = GrayImage::from_pixel(10, 10, Luma([10]));
        let b = GrayImage::from_pixel(12, 12, Luma([20]));
        write(dir.path(), "b.png", &png_bytes(&b));
        write(dir.path(), "a.bmp", &png_bytes(&a)); // PNG content, misleading name
        write(dir.path(), "junk.txt", b"not an image");
        write(dir.path(), ".hidden.png", b"garbage");
        write(dir.path(), "broken.png", &png_bytes(&b)[..30]);
        fs::create_dir(dir.path().join("sub")).unwrap();
        let loaded = load_with_notes(dir.path(), &Limits::default()).unwrap();
        assert_eq!(loaded.pages.len(), 2);
        assert_eq!(loaded.pages[0].image, a);
        assert_eq!(loaded.pages[1].image, b);
        let skipped: Vec<String> = loaded.skipped.iter().map(|s| s.to_string()).collect();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(skipped.iter().any(|s| s.contains("broken.png")));
        assert!(skipped.iter().any(|s| s.contains("junk.txt") && s.contains("not an image")));
        assert!(skipped.iter().any(|s| s.contains("sub")));
        assert!(!skipped.iter().any(|s| s.contains(".hidden")));
        // Nothing usable at all is an error.
        let empty = tempfile::tempdir().unwrap();
        write(empty.path(), "junk.txt", b"x");
        let err = load(empty.path(), &Limits::default()).unwrap_err();
        assert!(matches!(err, ScanError::NoPages { skipped: 1, .. }), "{err}");
    }

    #[test]
    fn pdf_pages_render_and_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        // Page 1: black square at bottom left; page 2: blank.
        let pdf = pdf_with_pages(&["0 0 0 rg 0 0 36 36 re f".to_owned(), String::new()], 72.0, 144.0);
        let p = write(dir.path(), "scan.pdf", &pdf);
        let limits = Limits { pdf_dpi: 100.0, ..Limits::default() };
        let pages = load(&p, &limits).unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1].source, format!("{} page 2", p.display()));
        let img = &pages[0].image;
        assert_eq!(img.dimensions(), (100, 200));
        assert!(img.get_pixel(10, 190).0[0] < 30, "square is dark");
        assert!(img.get_pixel(90, 10).0[0] > 225, "background is white");

        let many = pdf_with_pages(&vec![String::new(); 51], 72.0, 72.0);
        let p = write(dir.path(), "many.pdf", &many);
        let err = load(&p, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("51 pages"), "{err}");

        let huge = pdf_with_pages(&[String::new()], 20_000.0, 72.0);
        let p = write(dir.path(), "huge.pdf", &huge);
        assert!(matches!(load(&p, &Limits::default()), Err(ScanError::TooLarge { .. })));

        // A large but legal page is rendered at a lower resolution.
        let big = pdf_with_pages(&[String::new()], 7200.0, 7200.0);
        let p = write(dir.path(), "big.pdf", &big);
        let small = Limits { max_side: 2000, ..Limits::default() };
        let pages = load(&p, &small).unwrap();
        assert_eq!(pages[0].image.dimensions(), (2000, 2000));

        let p = write(dir.path(), "cut.pdf", &pdf[..40]);
        let err = load(&p, &Limits::default()).unwrap_err();
        assert!(matches!(err, ScanError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("cut.pdf"));
    }
}
