//! Writes the hostile and broken inputs of issue 11 into a folder, for
//! `scripts/hostile-inputs.sh` to time the release binary on:
//!
//! ```text
//! cargo run --release --example hostile_inputs -- OUT_DIR
//! ```
//!
//! Images: a JPEG header declaring 11000×11000 (and one declaring 10000×10000,
//! under the limit) with almost no data, a 16-bit RGB 12000×9000 PNG, the
//! largest images accepted (a 16-bit RGB PNG and a colour JPEG of
//! 12000×10000), a
//! truncated JPEG, an A4 page covered in 1,120 small QR codes. PDFs of a few KB:
//! a JPEG declaring 65000×65000, a JPEG 2000 codestream declaring 60000×60000,
//! a content stream compressed twice with Flate (512 MiB of spaces), a fan-out
//! of nested forms (10 levels × 10 draws), a 14400×14400 pt page, the Flate
//! stream wrapped in LZW ([/LZWDecode /FlateDecode /FlateDecode]), a fan-out
//! of Type 3 glyphs (7 fonts deep, each glyph showing 10 glyphs of the next).

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::ZlibEncoder;
use image::{GrayImage, ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "hostile".to_owned()));
    std::fs::create_dir_all(&out).unwrap();
    let w = |name: &str, data: &[u8]| std::fs::write(out.join(name), data).unwrap();

    w("jpeg-11000.jpg", &jpeg_declaring(11_000, 11_000));
    w("jpeg-10000.jpg", &jpeg_declaring(10_000, 10_000));
    png16(&out.join("png16-12000x9000.png"), 12_000, 9_000);
    // The largest images the loader accepts (12000 on a side, 120 megapixels).
    png16(&out.join("png16-12000x10000.png"), 12_000, 10_000);
    w("jpeg-12000x10000.jpg", &jpeg_rgb(12_000, 10_000));
    let page = codes_page(1);
    let jpeg = jpeg_bytes(&page);
    w("truncated.jpg", &jpeg[..jpeg.len() / 2]);
    let mut png = Cursor::new(Vec::new());
    codes_page(2).write_to(&mut png, ImageFormat::Png).unwrap();
    w("many-codes.png", png.get_ref());

    w("pdf-jpeg-65000.pdf", &pdf_image(&jpeg_declaring(65_000, 65_000), 65_000, "DCTDecode"));
    w("pdf-jpx-60000.pdf", &pdf_image(&jpx_declaring(60_000, 60_000), 60_000, "JPXDecode"));
    w("pdf-flate-twice.pdf", &pdf_flate_twice(512 * 1024 * 1024));
    w("pdf-fanout.pdf", &pdf_fanout(10, 10));
    w("pdf-huge-page.pdf", &pdf_pages("0 0 0 rg 100 100 14000 14000 re f", 14_400.0));
    w("pdf-lzw-flate.pdf", &pdf_lzw_flate(512 * 1024 * 1024));
    w("pdf-type3-fanout.pdf", &pdf_type3_fanout(7, 10));
    eprintln!("inputs written to {}", out.display());
}

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

/// A baseline colour JPEG of `w`×`h` (light and dark squares).
fn jpeg_rgb(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let v = if (x / 400 + y / 400) % 2 == 0 { 60 } else { 200 };
        image::Rgb([v, (v as u32 + x % 50) as u8, (v as u32 + y % 50) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
    out
}

/// A JPEG 2000 codestream start (SOC, SIZ) declaring `w`×`h`, 3 components.
fn jpx_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut d = vec![0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x2F, 0x00, 0x00];
    for v in [w, h, 0, 0, w, h, 0, 0] {
        d.extend_from_slice(&v.to_be_bytes());
    }
    d.extend_from_slice(&[0x00, 0x03]);
    for _ in 0..3 {
        d.extend_from_slice(&[0x07, 0x01, 0x01]);
    }
    d.extend_from_slice(&[0xFF, 0xD9]);
    d
}

/// A 16-bit RGB PNG, written row by row (a light gradient).
fn png16(path: &Path, w: u32, h: u32) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut enc = png::Encoder::new(file, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Sixteen);
    let mut writer = enc.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let mut row = vec![0u8; w as usize * 6];
    for y in 0..h {
        for (x, px) in row.chunks_exact_mut(2).enumerate() {
            px.copy_from_slice(&(0xC000u16 + ((x as u32 + y) % 0x3000) as u16).to_be_bytes());
        }
        stream.write_all(&row).unwrap();
    }
    stream.finish().unwrap();
}

/// An A4 page at 300 dpi covered in 32×35 = 1,120 version-1 QR codes.
fn codes_page(module: u32) -> GrayImage {
    let mut page = GrayImage::from_pixel(2480, 3508, Luma([255]));
    let (cols, rows) = (32u32, 35u32);
    let (cw, ch) = (2480 / cols, 3508 / rows);
    for r in 0..rows {
        for c in 0..cols {
            let code = QrCode::with_error_correction_level(format!("{}", r * cols + c).as_bytes(), EcLevel::L).unwrap();
            let n = code.width() as u32;
            if n * module > cw.min(ch) {
                continue;
            }
            let (x0, y0) = (c * cw + (cw - n * module) / 2, r * ch + (ch - n * module) / 2);
            for (i, color) in code.to_colors().iter().enumerate() {
                if *color == qrcode::Color::Dark {
                    let (mx, my) = (i as u32 % n, i as u32 / n);
                    for dy in 0..module {
                        for dx in 0..module {
                            page.put_pixel(x0 + mx * module + dx, y0 + my * module + dy, Luma([0]));
                        }
                    }
                }
            }
        }
    }
    page
}

fn pdf_from_objects(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(obj);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
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

/// One A4 page drawing an image XObject of `px`×`px` with `filter`.
fn pdf_image(data: &[u8], px: u32, filter: &str) -> Vec<u8> {
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>".to_vec());
    o.push(stream("", b"q 595 0 0 842 0 0 cm /Im0 Do Q"));
    let dict = format!(
        "/Type /XObject /Subtype /Image /Width {px} /Height {px} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /{filter}"
    );
    o.push(stream(&dict, data));
    pdf_from_objects(&o)
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A content stream of `size` spaces, compressed with Flate twice.
fn pdf_flate_twice(size: usize) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..size / chunk.len() {
        e.write_all(&chunk).unwrap();
    }
    let once = e.finish().unwrap();
    let twice = zlib(&once);
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec());
    o.push(stream("/Filter [/FlateDecode /FlateDecode]", &twice));
    pdf_from_objects(&o)
}

/// Forms nested `levels` deep, each drawing the next `fan` times.
fn pdf_fanout(levels: usize, fan: usize) -> Vec<u8> {
    let mut o = catalog();
    let draw = |name: &str| (0..fan).map(|i| format!("q 1 0 0 1 {i} 0 cm /{name} Do Q ")).collect::<String>();
    // 3: page, 4: content, 5..: forms X0..X(levels-1).
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
    pdf_from_objects(&o)
}

fn pdf_pages(content: &str, side: f32) -> Vec<u8> {
    let mut o = catalog();
    o.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side} {side}] /Contents 4 0 R >>").into_bytes());
    o.push(stream("", content.as_bytes()));
    pdf_from_objects(&o)
}

/// `data` LZW-compressed (EarlyChange 1): codes of 9 to 12 bits, most
/// significant bit first, a clear code first and after every 3,000 codes.
fn lzw(data: &[u8]) -> Vec<u8> {
    let width = |k: usize| match 258 + k.saturating_sub(1) + 1 {
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

/// A content stream of `size` spaces, compressed with Flate twice and then LZW.
fn pdf_lzw_flate(size: usize) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..size / chunk.len() {
        e.write_all(&chunk).unwrap();
    }
    let data = lzw(&zlib(&e.finish().unwrap()));
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec());
    o.push(stream("/Filter [/LZWDecode /FlateDecode /FlateDecode]", &data));
    pdf_from_objects(&o)
}

/// Type 3 fonts `levels` deep: the page shows `fan` glyphs, each glyph shows
/// `fan` glyphs of the next font, the last fills a square.
fn pdf_type3_fanout(levels: usize, fan: usize) -> Vec<u8> {
    let text = "a".repeat(fan);
    let mut o = catalog();
    o.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /T 5 0 R >> >> /Contents 4 0 R >>".to_vec());
    o.push(stream("", format!("BT /T 12 Tf 10 10 Td ({text}) Tj ET").as_bytes()));
    for i in 0..levels {
        let (font, proc) = (5 + 2 * i, 6 + 2 * i);
        let (body, res) = if i + 1 < levels {
            (
                format!("1000 0 d0 BT /T 1 Tf ({text}) Tj ET"),
                format!("/Resources << /Font << /T {} 0 R >> >>", font + 2),
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
    pdf_from_objects(&o)
}
