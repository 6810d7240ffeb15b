//! Hostile and broken inputs (issue 11): every one is refused with a message
//! naming the file and the limit (or "truncated"), before anything large is
//! decoded, and never with a panic. The inputs are made here, a few KB each.

use std::io::{Cursor, Write};

use image::{GrayImage, ImageFormat, Luma};

use super::detect::{MAX_ATTEMPTS, MAX_WORK, SearchLimits, find_codes_bounded, find_codes_counted, find_codes_limited};
use super::load::tests::{pdf_from_objects, pdf_with_jpeg, write};
use super::pdfguard::{decode_generic, jpx_size};
use super::*;

fn jpeg_bytes(img: &GrayImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A real 16×16 JPEG whose frame header is patched to declare `w`×`h`.
fn jpeg_declaring(w: u16, h: u16) -> Vec<u8> {
    let mut data = jpeg_bytes(&GrayImage::from_fn(16, 16, |x, y| Luma([((x * 16 + y) % 256) as u8])));
    let sof = data.windows(2).position(|p| p == [0xFF, 0xC0]).expect("baseline JPEG");
    data[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    data[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    data
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

fn catalog() -> Vec<Vec<u8>> {
    vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(), b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()]
}

fn too_large(err: &ScanError) -> String {
    assert!(matches!(err, ScanError::TooLarge { .. }), "{err}");
    err.to_string()
}

#[test]
fn jpeg_declaring_huge_size_is_refused_before_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "huge.jpg", &jpeg_declaring(11_000, 11_000));
    let msg = too_large(&load(&p, &Limits::default()).unwrap_err());
    assert!(msg.contains("huge.jpg") && msg.contains("11000×11000") && msg.contains("120 megapixels"), "{msg}");
}

#[test]
fn truncated_jpeg_is_named_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let img = GrayImage::from_fn(300, 200, |x, y| Luma([((x * 7 + y * 3) % 251) as u8]));
    let jpeg = jpeg_bytes(&img);
    // The whole file loads.
    let p = write(dir.path(), "whole.jpg", &jpeg);
    assert_eq!(load(&p, &Limits::default()).unwrap()[0].image.dimensions(), (300, 200));
    for cut in [jpeg.len() / 2, jpeg.len() - 2, 40] {
        let p = write(dir.path(), "cut.jpg", &jpeg[..cut]);
        let err = load(&p, &Limits::default()).unwrap_err();
        assert!(matches!(err, ScanError::Corrupt { .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.contains("cut.jpg") && msg.contains("truncated"), "cut at {cut}: {msg}");
    }
    // Trailing bytes after the end-of-image marker are harmless.
    let mut padded = jpeg.clone();
    padded.extend_from_slice(&[0; 64]);
    let p = write(dir.path(), "padded.jpg", &padded);
    assert!(load(&p, &Limits::default()).is_ok());
}

#[test]
fn sixteen_bit_png_decodes_to_gray_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let img = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(40, 30, |x, y| {
        image::Rgb([(x * 1600) as u16, (y * 2000) as u16, 0xFFFF])
    });
    let mut bytes = Cursor::new(Vec::new());
    img.write_to(&mut bytes, ImageFormat::Png).unwrap();
    let p = write(dir.path(), "deep.png", bytes.get_ref());
    let page = &load(&p, &Limits::default()).unwrap()[0];
    let expected = image::DynamicImage::ImageRgb16(img).to_rgb8();
    for (x, y, px) in page.image.enumerate_pixels() {
        let [r, g, b] = expected.get_pixel(x, y).0;
        let l = (2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b) + 5000) / 10000;
        assert!((i32::from(px.0[0]) - l as i32).abs() <= 1, "({x},{y})");
    }
}

/// A PNG chunk: length, type, data, CRC.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// A small gray PNG with an iCCP chunk (after IHDR) whose profile inflates
/// to `mib` MiB of zeros, and (at the end of its data) a zTXt chunk as large.
fn png_with_profile_bomb(mib: usize) -> (GrayImage, Vec<u8>) {
    let img = GrayImage::from_fn(64, 48, |x, y| Luma([if (x / 8 + y / 8) % 2 == 0 { 20 } else { 235 }]));
    let mut plain = Vec::new();
    {
        let mut e = png::Encoder::new(&mut plain, 64, 48);
        e.set_color(png::ColorType::Grayscale);
        e.set_depth(png::BitDepth::Eight);
        e.write_header().unwrap().write_image_data(img.as_raw()).unwrap();
    }
    let mut bomb = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..mib {
        bomb.write_all(&zeros).unwrap();
    }
    let bomb = bomb.finish().unwrap();
    let mut iccp = b"icc\0\0".to_vec();
    iccp.extend_from_slice(&bomb);
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend_from_slice(&bomb);
    // Signature and IHDR (8 + 25 bytes), then the bomb, then the rest.
    let mut data = plain[..33].to_vec();
    data.extend(png_chunk(b"iCCP", &iccp));
    data.extend(png_chunk(b"zTXt", &ztxt));
    data.extend_from_slice(&plain[33..]);
    (img, data)
}

/// Counts the bytes each thread allocates, so a test can tell what one call
/// cost (other tests run on other threads).
struct Counting;

thread_local! {
    static ALLOCATED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn count(bytes: usize) {
    let _ = ALLOCATED.try_with(|a| a.set(a.get().saturating_add(bytes as u64)));
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        count(layout.size());
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        count(layout.size());
        unsafe { std::alloc::System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        count(new_size.saturating_sub(layout.size()));
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Bytes allocated so far by this thread.
fn allocated() -> u64 {
    ALLOCATED.with(|a| a.get())
}

#[test]
fn png_colour_profile_bomb_is_never_inflated() {
    // 1 GiB of profile in about 1 MB of file (twice: iCCP and zTXt). The
    // decoders inflated it as they read the header, up to their allowance
    // (512 MiB for the dimensions, 400 MiB for the pixels): 520 MB peak.
    // Dropped unread, loading it costs what a 64×48 image costs, plus a copy
    // of the file.
    let (img, data) = png_with_profile_bomb(1024);
    assert!(data.len() < 4 << 20, "{} bytes", data.len());
    let before = allocated();
    let pages = load_bytes(&data, "bomb.png", &Limits::default()).unwrap();
    let cost = allocated() - before;
    assert!(cost < 16 << 20, "loading allocated {} MiB", cost >> 20);
    assert_eq!(pages[0].image, img);
}

#[test]
fn png_chunks_the_reader_uses_are_kept() {
    use super::png_chunks::strip_ancillary;
    let (_, data) = png_with_profile_bomb(1);
    let stripped = strip_ancillary(&data);
    let kinds = |d: &[u8]| {
        let mut at = 8;
        let mut out = Vec::new();
        while at + 8 <= d.len() {
            let len = u32::from_be_bytes(d[at..at + 4].try_into().unwrap()) as usize;
            out.push(String::from_utf8_lossy(&d[at + 4..at + 8]).into_owned());
            at += 12 + len;
        }
        out
    };
    assert_eq!(kinds(&data)[..3], ["IHDR", "iCCP", "zTXt"]);
    assert!(kinds(&stripped).iter().all(|k| ["IHDR", "IDAT", "IEND"].contains(&k.as_str())), "{:?}", kinds(&stripped));
    // Nothing to drop: the same bytes, not a copy; not a PNG, or cut short: as it is.
    let clean = stripped.to_vec();
    assert!(matches!(strip_ancillary(&clean), std::borrow::Cow::Borrowed(_)));
    assert_eq!(&strip_ancillary(b"GIF89a")[..], b"GIF89a");
    assert_eq!(&strip_ancillary(&data[..40])[..], &data[..40]);
    // Transparency and orientation stay.
    let mut kept = data[..33].to_vec();
    kept.extend(png_chunk(b"tRNS", &[0, 20]));
    kept.extend(png_chunk(b"eXIf", b"MM\0*"));
    kept.extend(png_chunk(b"tEXt", b"a\0b"));
    kept.extend_from_slice(&clean[33..]);
    assert_eq!(kinds(&strip_ancillary(&kept))[..3], ["IHDR", "tRNS", "eXIf"]);
}

#[test]
fn large_images_are_reduced_and_the_budget_holds_per_run() {
    let dir = tempfile::tempdir().unwrap();
    let img = GrayImage::from_fn(1200, 900, |x, _| Luma([(x % 256) as u8]));
    let mut bytes = Cursor::new(Vec::new());
    img.write_to(&mut bytes, ImageFormat::Png).unwrap();
    let a = write(dir.path(), "a.png", bytes.get_ref());
    let b = write(dir.path(), "b.png", bytes.get_ref());
    let limits = Limits { max_page_pixels: 270_000, max_total_pixels: 400_000, ..Limits::default() };
    let page = &load(&a, &limits).unwrap()[0];
    let (w, h) = page.image.dimensions();
    assert!(u64::from(w) * u64::from(h) <= 270_000 && w >= 590, "{w}×{h}");
    // Each call alone fits; one budget for both does not.
    assert!(load(&b, &limits).is_ok());
    let mut budget = Budget::new(&limits);
    load_with_budget(&a, &limits, &mut budget).unwrap();
    assert!(budget.pixels_left() < 400_000 - 260_000);
    let msg = too_large(&load_with_budget(&b, &limits, &mut budget).unwrap_err());
    assert!(msg.contains("b.png") && msg.contains("all pages together"), "{msg}");
}

#[test]
fn pdf_with_jpeg_declaring_65000_is_refused_before_rendering() {
    let dir = tempfile::tempdir().unwrap();
    // The dictionary says 100×100; the JPEG header (which the decoder obeys) 65000×65000.
    let pdf = pdf_with_jpeg(&jpeg_declaring(65_000, 65_000), (100, 100), (595.0, 842.0));
    let p = write(dir.path(), "bomb.pdf", &pdf);
    let msg = too_large(&load(&p, &Limits::default()).unwrap_err());
    assert!(msg.contains("bomb.pdf") && msg.contains("page 1") && msg.contains("65000×65000"), "{msg}");
    assert!(msg.contains("120 megapixels"), "{msg}");
    // A sane embedded JPEG still renders.
    let img = GrayImage::from_fn(200, 200, |x, y| Luma([if (x / 20 + y / 20) % 2 == 0 { 0 } else { 255 }]));
    let pdf = pdf_with_jpeg(&jpeg_bytes(&img), (200, 200), (144.0, 144.0));
    let p = write(dir.path(), "fine.pdf", &pdf);
    assert_eq!(load(&p, &Limits::default()).unwrap().len(), 1);
}

#[test]
fn pdf_with_jpeg2000_bomb_is_refused() {
    let mut jpx = vec![0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x2F, 0x00, 0x00];
    for v in [60_000u32, 60_000, 0, 0, 60_000, 60_000, 0, 0] {
        jpx.extend_from_slice(&v.to_be_bytes());
    }
    jpx.extend_from_slice(&[0x00, 0x03, 7, 1, 1, 7, 1, 1, 7, 1, 1, 0xFF, 0xD9]);
    assert_eq!(jpx_size(&jpx), Some((60_000, 60_000, 3)));
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>".to_vec());
    o.push(stream("", b"q 595 0 0 842 0 0 cm /Im0 Do Q"));
    o.push(stream("/Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /JPXDecode", &jpx));
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "jpx.pdf", &pdf_from_objects(&o));
    let msg = too_large(&load(&p, &Limits::default()).unwrap_err());
    assert!(msg.contains("60000×60000"), "{msg}");
}

#[test]
fn pdf_flate_bomb_is_refused_at_the_stream_limit() {
    // 16 MiB of spaces compressed twice: a few KB.
    let twice = zlib(&zlib(&vec![b' '; 16 << 20]));
    assert!(twice.len() < 20_000, "{}", twice.len());
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec());
    o.push(stream("/Filter [/FlateDecode /FlateDecode]", &twice));
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "flate.pdf", &pdf_from_objects(&o));
    let limits = Limits { max_pdf_stream_bytes: 4 << 20, ..Limits::default() };
    let msg = too_large(&load(&p, &limits).unwrap_err());
    assert!(msg.contains("flate.pdf") && msg.contains("more than 4 MiB"), "{msg}");
    // The capped inflater stops at the cap instead of inflating it all.
    let err = decode_generic(&twice, &[hayro::hayro_syntax::Filter::FlateDecode; 2], 1 << 20).unwrap_err();
    assert!(err.0.contains("1 MiB"), "{}", err.0);
    // Under the default 64 MiB it renders (blank).
    assert_eq!(load(&p, &Limits::default()).unwrap().len(), 1);
}

#[test]
fn pdf_form_fan_out_is_refused() {
    let (levels, fan) = (6usize, 10usize);
    let draw = |name: &str| (0..fan).map(|i| format!("q 1 0 0 1 {i} 0 cm /{name} Do Q ")).collect::<String>();
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X0 5 0 R >> >> /Contents 4 0 R >>".to_vec());
    o.push(stream("", draw("X0").as_bytes()));
    for l in 0..levels {
        let (content, res) = if l + 1 < levels {
            (draw(&format!("X{}", l + 1)), format!("/Resources << /XObject << /X{} {} 0 R >> >>", l + 1, 6 + l))
        } else {
            ("0 0 0 rg 0 0 10 10 re f".to_owned(), String::new())
        };
        o.push(stream(&format!("/Type /XObject /Subtype /Form /BBox [0 0 595 842] {res}"), content.as_bytes()));
    }
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "fan.pdf", &pdf_from_objects(&o));
    let msg = too_large(&load(&p, &Limits::default()).unwrap_err());
    assert!(msg.contains("fan.pdf") && msg.contains("draws more than 10000"), "{msg}");
    // Two levels (10 + 100 draws) are fine.
    let limits = Limits { max_pdf_draws: 1_000_000, ..Limits::default() };
    let _ = limits;
    let mut small = catalog();
    small.push(o[2].clone());
    small.push(o[3].clone());
    small.push(stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842]", b"0 0 0 rg 0 0 10 10 re f"));
    let p = write(dir.path(), "few.pdf", &pdf_from_objects(&small));
    assert_eq!(load(&p, &Limits::default()).unwrap().len(), 1);
}

#[test]
fn huge_pdf_page_renders_within_the_page_size() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = super::load::tests::pdf_with_pages(&["0 0 0 rg 0 0 100 100 re f".to_owned()], 14_400.0, 14_400.0);
    let p = write(dir.path(), "wall.pdf", &pdf);
    let limits = Limits { max_page_pixels: 1_000_000, ..Limits::default() };
    let pages = load(&p, &limits).unwrap();
    let (w, h) = pages[0].image.dimensions();
    assert!(u64::from(w) * u64::from(h) <= 1_000_000, "{w}×{h}");
}

/// An A4-sized page at 150 dpi covered in 24×34 version-1 codes.
fn many_codes_page() -> GrayImage {
    let mut page = GrayImage::from_pixel(1240, 1754, Luma([255]));
    let (cols, rows) = (24u32, 34u32);
    let (cw, ch) = (1240 / cols, 1754 / rows);
    for r in 0..rows {
        for c in 0..cols {
            let code =
                qrcode::QrCode::with_error_correction_level(format!("{}", r * cols + c).as_bytes(), qrcode::EcLevel::L)
                    .unwrap();
            let n = code.width() as u32;
            let module = 2;
            let (x0, y0) = (c * cw + (cw - n * module) / 2, r * ch + (ch - n * module) / 2);
            for (i, color) in code.to_colors().iter().enumerate() {
                if *color == qrcode::Color::Dark {
                    let (mx, my) = (i as u32 % n, i as u32 / n);
                    for d in 0..module * module {
                        page.put_pixel(x0 + mx * module + d % module, y0 + my * module + d / module, Luma([0]));
                    }
                }
            }
        }
    }
    page
}

#[test]
fn a_page_of_many_codes_stops_at_the_attempt_budget() {
    let page = many_codes_page();
    let opts = DetectOptions { expected: None, effort: Effort::Thorough };
    let (found, stats) = find_codes_bounded(&page, &opts, 600);
    assert!(stats.attempts <= 600, "{stats:?}");
    assert!(stats.exhausted, "{stats:?} ({} found)", found.len());
    // A clean page with a few codes costs a handful of attempts.
    let mut few = GrayImage::from_pixel(600, 600, Luma([255]));
    for (i, (x0, y0)) in [(40u32, 40u32), (340, 40), (40, 340), (340, 340)].into_iter().enumerate() {
        let code = qrcode::QrCode::new(format!("code {i}").as_bytes()).unwrap();
        let n = code.width() as u32;
        for (j, color) in code.to_colors().iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (mx, my) = (j as u32 % n, j as u32 / n);
                for d in 0..36 {
                    few.put_pixel(x0 + mx * 6 + d % 6, y0 + my * 6 + d / 6, Luma([0]));
                }
            }
        }
    }
    let (found, stats) = find_codes_counted(&few, &DetectOptions::default());
    assert_eq!(found.len(), 4);
    assert!(!stats.exhausted && stats.attempts < 100, "{stats:?}");
}

#[test]
fn a_page_of_many_codes_is_read_in_little_work() {
    // 816 codes, read in a few passes that do not decode the codes already
    // found again (nor run the classic detector, cubic in them): some 6,000
    // units of work, a twenty-fifth of the page's bound.
    let page = many_codes_page();
    let (found, stats) = find_codes_counted(&page, &DetectOptions { expected: None, effort: Effort::Normal });
    assert_eq!(found.len(), 24 * 34, "{stats:?}");
    assert!(!stats.exhausted && stats.work < 10_000, "{stats:?}");
    // Thorough goes on across the page; the work bound stops it.
    let opts = DetectOptions { expected: None, effort: Effort::Thorough };
    let limits = SearchLimits { max_work: 8_000, ..SearchLimits::default() };
    let (found, stats) = find_codes_limited(&page, &opts, &limits);
    assert!(!found.is_empty() && stats.exhausted && stats.work == 8_000, "{stats:?}");
    assert!(stats.attempts < MAX_ATTEMPTS, "{stats:?}");
}

#[test]
fn work_is_weighted_by_the_pixels_a_pass_scans() {
    // Blank pages: every attempt is a pass, costing 1 + pixels / 10,000.
    let quick = DetectOptions { expected: None, effort: Effort::Quick };
    let (_, big) = find_codes_counted(&GrayImage::from_pixel(3000, 3000, Luma([255])), &quick);
    let (_, small) = find_codes_counted(&GrayImage::from_pixel(200, 200, Luma([255])), &quick);
    assert!(big.attempts > 0 && small.attempts > 0);
    assert!(big.work >= 200 * big.attempts as u64, "{big:?}");
    assert!(small.work <= 5 * small.attempts as u64, "{small:?}");
    assert!(big.work <= MAX_WORK && !big.exhausted, "{big:?}");
}

#[test]
fn large_images_are_reduced_while_decoding_in_every_format() {
    // Left half black, right half white; reduced below 270,000 pixels by the
    // PNG row reader (8- and 16-bit), after the JPEG decoder, and band by band
    // on the generic path (BMP), keeping what is where.
    let (w, h) = (1200u32, 900u32);
    let gray = GrayImage::from_fn(w, h, |x, _| Luma([if x < w / 2 { 0 } else { 255 }]));
    let rgb16 = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(w, h, |x, _| {
        image::Rgb([if x < w / 2 { 0 } else { 0xFFFF }; 3])
    });
    let encode = |img: image::DynamicImage, format| {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    };
    let files = [
        ("gray.png", encode(gray.clone().into(), ImageFormat::Png)),
        ("deep.png", encode(rgb16.into(), ImageFormat::Png)),
        ("photo.jpg", jpeg_bytes(&gray)),
        ("scan.bmp", encode(gray.into(), ImageFormat::Bmp)),
    ];
    let limits = Limits { max_page_pixels: 270_000, ..Limits::default() };
    for (name, data) in files {
        let page = &load_bytes(&data, name, &limits).unwrap()[0].image;
        let (pw, ph) = page.dimensions();
        assert!(u64::from(pw) * u64::from(ph) <= 270_000 && pw >= 590 && ph >= 440, "{name}: {pw}×{ph}");
        for y in [0, ph / 2, ph - 1] {
            assert!(page.get_pixel(pw / 4, y).0[0] < 10, "{name}");
            assert!(page.get_pixel(pw * 3 / 4, y).0[0] > 245, "{name}");
        }
    }
}

/// `data` LZW-compressed as a PDF writer does it (EarlyChange `early`): codes
/// of 9 to 12 bits, most significant bit first, a clear code first and after
/// every 3,000 codes, the end code last.
fn lzw(data: &[u8], early: bool) -> Vec<u8> {
    let width = |k: usize| match 258 + k.saturating_sub(1) + usize::from(early) {
        2048.. => 12,
        1024.. => 11,
        512.. => 10,
        _ => 9,
    };
    let (mut out, mut acc, mut n) = (Vec::new(), 0u64, 0u32);
    let mut put = |code: usize, bits: u32| {
        acc = acc << bits | code as u64;
        n += bits;
        while n >= 8 {
            out.push((acc >> (n - 8)) as u8);
            n -= 8;
        }
    };
    let mut table: std::collections::HashMap<(usize, u8), usize> = std::collections::HashMap::new();
    let mut k = 0usize;
    put(256, 9);
    let mut w: Option<usize> = None;
    for &c in data {
        let Some(p) = w else {
            w = Some(usize::from(c));
            continue;
        };
        if let Some(&code) = table.get(&(p, c)) {
            w = Some(code);
            continue;
        }
        put(p, width(k));
        k += 1;
        table.insert((p, c), 257 + k);
        w = Some(usize::from(c));
        if k == 3_000 {
            put(256, width(k));
            k = 0;
            table.clear();
        }
    }
    if let Some(p) = w {
        put(p, width(k));
        k += 1;
    }
    put(257, width(k));
    put(0, 7);
    out
}

#[test]
fn lzw_streams_decode_as_hayro_decodes_them_and_bombs_are_refused() {
    use super::pdfguard::lzw_capped;
    // The example of the PDF specification (7.4.4.2).
    let spec = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];
    assert_eq!(lzw_capped(&spec, true, 1 << 20).unwrap(), b"-----A---B");
    let text: Vec<u8> = (0..200_000u32).map(|i| b"paperseed QR "[((i * 7 + i / 13) % 13) as usize]).collect();
    for early in [true, false] {
        assert_eq!(lzw_capped(&lzw(&text, early), early, 1 << 20).unwrap(), text, "EarlyChange {early}");
    }
    // A page drawn by an LZW content stream renders (hayro reads it as we do).
    let dir = tempfile::tempdir().unwrap();
    for early in [1, 0] {
        let content = lzw(b"0 0 0 rg 0 0 36 36 re f", early == 1);
        let mut o = catalog();
        o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] /Contents 4 0 R >>".to_vec());
        o.push(stream(&format!("/Filter /LZWDecode /DecodeParms << /EarlyChange {early} >>"), &content));
        let p = write(dir.path(), "lzw.pdf", &pdf_from_objects(&o));
        let page = &load(&p, &Limits::default()).unwrap()[0].image;
        let (w, h) = page.dimensions();
        assert!(page.get_pixel(w / 8, h * 7 / 8).0[0] < 30, "EarlyChange {early}: the square is drawn");
        assert!(page.get_pixel(w * 7 / 8, h / 8).0[0] > 225);
    }
    // 16 MiB of spaces: 16 KB of LZW.
    let spaces = lzw(&vec![b' '; 16 << 20], true);
    assert!(spaces.len() < 20_000, "{}", spaces.len());
    let limits = Limits { max_pdf_stream_bytes: 4 << 20, ..Limits::default() };
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec());
    o.push(stream("/Filter /LZWDecode", &spaces));
    let p = write(dir.path(), "lzw-bomb.pdf", &pdf_from_objects(&o));
    let msg = too_large(&load(&p, &limits).unwrap_err());
    assert!(msg.contains("lzw-bomb.pdf") && msg.contains("more than 4 MiB"), "{msg}");
    // LZW around a Flate bomb (512 MiB of spaces deflated twice): 1.5 KB that
    // the LZW size alone does not betray; the Flate behind it is capped.
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..512 {
        e.write_all(&[b' '; 1 << 20]).unwrap();
    }
    let inner = lzw(&zlib(&e.finish().unwrap()), true);
    assert!(inner.len() < 3_000, "{}", inner.len());
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec());
    o.push(stream("/Filter [/LZWDecode /FlateDecode /FlateDecode]", &inner));
    let p = write(dir.path(), "lzw-flate.pdf", &pdf_from_objects(&o));
    let msg = too_large(&load(&p, &Limits::default()).unwrap_err());
    assert!(msg.contains("lzw-flate.pdf") && msg.contains("more than 64 MiB"), "{msg}");
}

/// A PDF whose page shows `text` with the Type 3 font of object 5, a chain of
/// `fonts` Type 3 fonts (objects 5, 7, 9…; glyph procedures 6, 8, 10…) in
/// which each glyph `a` shows `glyph_text` with the next font, and the last
/// fills a square (or, with `form`, also draws a form, object 4 + 2 × fonts + 1).
fn type3_pdf(page_text: &str, fonts: usize, glyph_text: &str, form: bool) -> Vec<u8> {
    let form_obj = 5 + 2 * fonts;
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /T 5 0 R /F 99 0 R >> >> /Contents 4 0 R >>".to_vec());
    o.push(stream("", format!("BT /T 12 Tf 10 10 Td {page_text} ET").as_bytes()));
    for i in 0..fonts {
        let (font, proc) = (5 + 2 * i, 6 + 2 * i);
        let (body, res) = if i + 1 < fonts {
            (
                format!("1000 0 d0 BT /T 1 Tf ({glyph_text}) Tj ET"),
                format!("/Resources << /Font << /T {} 0 R >> >>", font + 2),
            )
        } else if form {
            (
                "1000 0 d0 0 0 500 500 re f /X Do".to_owned(),
                format!("/Resources << /XObject << /X {form_obj} 0 R >> >>"),
            )
        } else {
            ("1000 0 d0 0 0 500 500 re f".to_owned(), String::new())
        };
        o.push(
            format!(
                "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] \
                 /CharProcs << /a {proc} 0 R >> /Encoding << /Type /Encoding /Differences [97 /a] >> \
                 /FirstChar 97 /LastChar 97 /Widths [1000] {res} >>"
            )
            .into_bytes(),
        );
        o.push(stream("", body.as_bytes()));
    }
    if form {
        o.push(stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]", b"0 0 5 5 re f"));
    }
    pdf_from_objects(&o)
}

#[test]
fn pdf_type3_glyph_fan_out_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Ten glyphs showing ten glyphs, six fonts deep: 10^6 glyph runs from 2 KB.
    let tens = "aaaaaaaaaa";
    let pdf = type3_pdf(&format!("({tens}) Tj"), 6, tens, false);
    assert!(pdf.len() < 4_000);
    let p = write(dir.path(), "glyphs.pdf", &pdf);
    let msg = too_large(&load(&p, &Limits::default()).unwrap_err());
    assert!(msg.contains("glyphs.pdf") && msg.contains("more than 200000 Type 3 glyphs"), "{msg}");
    // Selecting another font inside q … Q does not hide the Type 3 font.
    let hidden = type3_pdf(&format!("q /F 12 Tf Q ({tens}) Tj"), 6, tens, false);
    let p = write(dir.path(), "hidden.pdf", &hidden);
    assert!(too_large(&load(&p, &Limits::default()).unwrap_err()).contains("Type 3 glyphs"));
    // Two levels (10 + 100 glyphs) are fine; one renders its glyphs' squares
    // (6 pt, from 10 pt in and up).
    let p = write(dir.path(), "two.pdf", &type3_pdf(&format!("({tens}) Tj"), 2, tens, false));
    assert_eq!(load(&p, &Limits::default()).unwrap().len(), 1);
    let p = write(dir.path(), "one.pdf", &type3_pdf(&format!("({tens}) Tj"), 1, "", false));
    let page = &load(&p, &Limits::default()).unwrap()[0].image;
    let (w, h) = page.dimensions();
    let at = |x: f32, y: f32| page.get_pixel((x / 595.0 * w as f32) as u32, h - 1 - (y / 842.0 * h as f32) as u32).0[0];
    assert!(at(13.0, 13.0) < 128 && at(13.0, 30.0) > 128, "the glyph's square is drawn");
}

#[test]
fn pdf_type3_glyphs_drawing_forms_count_as_draws() {
    let dir = tempfile::tempdir().unwrap();
    // 12,000 glyphs each drawing a form: 12,000 draws, more than 10,000.
    let text = format!("[({})] TJ", "a".repeat(12_000));
    let p = write(dir.path(), "forms.pdf", &type3_pdf(&text, 1, "", true));
    let msg = too_large(&load(&p, &Limits::default()).unwrap_err());
    assert!(msg.contains("forms.pdf") && msg.contains("draws more than 10000"), "{msg}");
    // 5,000 do not.
    let text = format!("({}) Tj", "a".repeat(5_000));
    let p = write(dir.path(), "fewer.pdf", &type3_pdf(&text, 1, "", true));
    assert_eq!(load(&p, &Limits::default()).unwrap().len(), 1);
}

/// A PDF whose page object lives in an object stream (compressed with Flate
/// twice, `padding` spaces after the object), found through a
/// cross-reference stream, as PDF 1.5 writers make them.
fn pdf_with_object_stream(padding: usize) -> Vec<u8> {
    let page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>";
    let mut objstm = b"3 0 ".to_vec();
    let first = objstm.len();
    objstm.extend_from_slice(page);
    objstm.resize(objstm.len() + padding, b' ');
    let packed = zlib(&zlib(&objstm));
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut offsets = [0usize; 7];
    let mut put = |out: &mut Vec<u8>, n: usize, body: &[u8]| {
        offsets[n] = out.len();
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    put(&mut out, 1, b"<< /Type /Catalog /Pages 2 0 R >>");
    put(&mut out, 2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    put(&mut out, 4, &stream("", b"0 0 0 rg 10 10 50 50 re f"));
    put(
        &mut out,
        5,
        &stream(&format!("/Type /ObjStm /N 1 /First {first} /Filter [/FlateDecode /FlateDecode]"), &packed),
    );
    let xref_at = out.len();
    // Entries: type (1 byte), offset or object stream (4), generation or index (2).
    let mut rows = Vec::new();
    let mut row = |t: u8, a: u32, b: u16| {
        rows.push(t);
        rows.extend_from_slice(&a.to_be_bytes());
        rows.extend_from_slice(&b.to_be_bytes());
    };
    row(0, 0, 65535);
    row(1, offsets[1] as u32, 0);
    row(1, offsets[2] as u32, 0);
    row(2, 5, 0);
    row(1, offsets[4] as u32, 0);
    row(1, offsets[5] as u32, 0);
    row(1, xref_at as u32, 0);
    out.extend_from_slice(b"6 0 obj\n");
    out.extend_from_slice(&stream("/Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R", &rows));
    out.extend_from_slice(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}

#[test]
fn pdf_object_stream_bomb_is_refused_before_the_reader_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    // A genuine object stream: the page inside it renders, with its square.
    let ok = write(dir.path(), "objstm.pdf", &pdf_with_object_stream(100));
    let pages = load(&ok, &Limits::default()).unwrap();
    assert_eq!(pages.len(), 1);
    assert!(pages[0].image.pixels().any(|p| p.0[0] < 64), "the page drawn from the object stream has ink");
    // 16 MiB of padding inflates past a 4 MiB cap: refused, not decoded by
    // the reader (a few KB of file).
    let bomb = pdf_with_object_stream(16 << 20);
    assert!(bomb.len() < 40_000, "{}", bomb.len());
    let p = write(dir.path(), "objstm-bomb.pdf", &bomb);
    let limits = Limits { max_pdf_stream_bytes: 4 << 20, ..Limits::default() };
    let msg = too_large(&load(&p, &limits).unwrap_err());
    assert!(msg.contains("objstm-bomb.pdf") && msg.contains("more than 4 MiB"), "{msg}");
    // Under the default cap it opens.
    assert_eq!(load(&p, &Limits::default()).unwrap().len(), 1);
}

#[test]
fn pdf_object_streams_are_capped_together() {
    // Five containers of 3 MiB each: each under a 4 MiB cap, together over
    // four times it.
    let mut data = b"%PDF-1.5\n".to_vec();
    for n in 1..=6 {
        let packed = zlib(&vec![b' '; 3 << 20]);
        data.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        data.extend_from_slice(&stream("/Type /ObjStm /N 0 /First 0 /Filter /FlateDecode", &packed));
        data.extend_from_slice(b"\nendobj\n");
    }
    let err = super::pdfguard::check_containers(&data, 4 << 20).unwrap_err();
    assert!(err.0.contains("together") && err.0.contains("16 MiB"), "{}", err.0);
    assert!(super::pdfguard::check_containers(&data, 8 << 20).is_ok());
    // An indirect filter cannot be checked: refused.
    let indirect = stream("/Type /XRef /Size 1 /W [1 1 1] /Filter 9 0 R", b"x");
    assert!(super::pdfguard::check_containers(&indirect, 4 << 20).is_err());
    // `/XRefStm` (a trailer key) is not a container; a stream without filters is fine.
    assert!(super::pdfguard::check_containers(b"<< /XRefStm 5 >>", 4 << 20).is_ok());
    let plain = stream("/Type /ObjStm /N 0 /First 0", &vec![b' '; 1000]);
    assert!(super::pdfguard::check_containers(&plain, 4 << 20).is_ok());
}
