//! Bounds on what rendering one PDF page would decode, checked before hayro
//! renders it.
//!
//! The size limits of a rendered page say nothing of what is inside it: a 2 KB
//! PDF can hold a JPEG declaring 65000×65000 pixels, a stream compressed twice
//! with Flate that inflates to gigabytes, or forms that draw forms that draw
//! forms, each level multiplying the work. hayro decodes all of that at full
//! size, and an allocation failure aborts the process (it cannot be caught).
//! So every object a page can reach from its content and resources is visited
//! first (with a visited set and a cap on the count), and:
//!
//! - every stream is inflated through its generic filters (Flate, ASCIIHex,
//!   ASCII85, RunLength) with its output capped, and refused past
//!   [`Limits::max_pdf_stream_bytes`]; an LZW stream is bounded by its worst
//!   case expansion;
//! - every image's size is taken from its dictionary and, for JPEG and
//!   JPEG 2000 data, from the codec's own header (the one the decoder obeys),
//!   and the page's total refused past [`Limits::max_pdf_image_pixels`];
//! - the forms the page draws are counted, nested draws multiplied, and the
//!   page refused past [`Limits::max_pdf_draws`];
//! - the decoding work is charged to the run's [`Budget`].
//!
//! Patterns painted many times and Type 3 glyphs are not counted as draws (their
//! streams are still size-checked).

use std::collections::{HashMap, HashSet};
use std::io::Read;

use hayro::hayro_syntax::Filter;
use hayro::hayro_syntax::content::UntypedIter;
use hayro::hayro_syntax::object::{Dict, MaybeRef, Name, ObjRef, Object, Stream};
use hayro::hayro_syntax::page::Page;
use hayro::hayro_syntax::xref::XRef;

use super::load::jpeg_info;
use super::{Budget, Limits};

/// Why a page is not rendered: the message part naming the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal(pub(crate) String);

/// Deepest nesting of dictionaries/arrays followed, and of forms drawing forms.
const MAX_DEPTH: usize = 48;

/// What rendering a page decodes, as far as it was counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageCost {
    /// Decoded stream bytes plus image pixels × components.
    pub(crate) decode: u64,
    /// Declared image pixels.
    pub(crate) image_pixels: u64,
    /// Objects visited.
    pub(crate) objects: usize,
    /// XObjects drawn (nested draws multiplied).
    pub(crate) draws: u64,
}

struct Walk<'a, 'l> {
    xref: &'a XRef,
    limits: &'l Limits,
    /// Decoding work the run still allows.
    budget_left: u64,
    visited: HashSet<ObjRef>,
    cost: PageCost,
    /// XObjects drawn by a form, with its nested draws.
    form_draws: HashMap<ObjRef, u64>,
}

/// Check `page` against `limits` and the decoding work left in `budget`;
/// on success charge its cost to `budget`.
pub(crate) fn check_page(
    page: &Page<'_>,
    xref: &XRef,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<PageCost, Refusal> {
    let mut walk = Walk {
        xref,
        limits,
        budget_left: budget.pdf_decode,
        visited: HashSet::new(),
        cost: PageCost::default(),
        form_draws: HashMap::new(),
    };
    let raw = page.raw();
    // Content streams.
    let mut contents: Vec<Stream<'_>> = Vec::new();
    if let Some(r) = raw.get_ref(b"Contents") {
        walk.visited.insert(r);
    }
    if let Some(s) = raw.get::<Stream<'_>>(b"Contents") {
        contents.push(s);
    } else if let Some(a) = raw.get::<hayro::hayro_syntax::object::Array<'_>>(b"Contents") {
        for item in a.raw_iter() {
            walk.count_object()?;
            if let Some(s) = walk.resolve(item).and_then(Object::into_stream) {
                contents.push(s);
            }
        }
    }
    let res = page.resources();
    let mut page_content = Vec::new();
    for s in &contents {
        let data = walk.check_stream(s)?;
        page_content.extend_from_slice(&data);
        page_content.push(b' ');
    }
    // Everything the resources reach (fonts, images, forms, patterns, shadings…).
    for dict in [
        &res.ext_g_states,
        &res.fonts,
        &res.color_spaces,
        &res.properties,
        &res.x_objects,
        &res.patterns,
        &res.shadings,
    ] {
        walk.visit(Object::Dict(dict.clone()), 0)?;
    }
    // Annotations' appearance streams are rendered too.
    if let Some(annots) = raw.get::<hayro::hayro_syntax::object::Array<'_>>(b"Annots") {
        walk.visit(Object::Array(annots), 0)?;
    }
    // Draws, nested draws multiplied; inline images.
    let draws = walk.draws(&page_content, &res.x_objects, 0)?;
    walk.cost.draws = draws;
    budget.pdf_decode = walk.budget_left;
    Ok(walk.cost)
}

impl<'a> Walk<'a, '_> {
    fn count_object(&mut self) -> Result<(), Refusal> {
        self.cost.objects += 1;
        if self.cost.objects > self.limits.max_pdf_objects {
            return Err(Refusal(format!(
                "it uses more than {} objects (fonts, images, forms…)",
                self.limits.max_pdf_objects
            )));
        }
        Ok(())
    }

    fn resolve(&mut self, item: MaybeRef<Object<'a>>) -> Option<Object<'a>> {
        match item {
            MaybeRef::Ref(r) => {
                if !self.visited.insert(r) {
                    return None;
                }
                self.xref.get::<Object<'_>>(r.into())
            }
            MaybeRef::NotRef(o) => Some(o),
        }
    }

    fn charge(&mut self, amount: u64) -> Result<(), Refusal> {
        self.cost.decode = self.cost.decode.saturating_add(amount);
        if amount > self.budget_left {
            return Err(Refusal(format!(
                "decoding its streams and images goes beyond the {} MiB of decoding allowed for all inputs together",
                self.limits.max_pdf_total_decode / (1024 * 1024)
            )));
        }
        self.budget_left -= amount;
        Ok(())
    }

    fn visit(&mut self, obj: Object<'a>, depth: usize) -> Result<(), Refusal> {
        if depth > MAX_DEPTH {
            return Err(Refusal(format!("its objects are nested more than {MAX_DEPTH} levels deep")));
        }
        match obj {
            Object::Dict(d) => self.visit_dict(&d, depth),
            Object::Array(a) => {
                for item in a.raw_iter() {
                    self.count_object()?;
                    if let Some(o) = self.resolve(item) {
                        self.visit(o, depth + 1)?;
                    }
                }
                Ok(())
            }
            Object::Stream(s) => {
                self.check_stream(&s)?;
                self.visit_dict(s.dict(), depth)
            }
            _ => Ok(()),
        }
    }

    fn visit_dict(&mut self, d: &Dict<'a>, depth: usize) -> Result<(), Refusal> {
        for (key, item) in d.entries() {
            // Back links to the page tree lead to every other page.
            if matches!(key.as_ref(), b"Parent" | b"P" | b"Dest" | b"A" | b"Next" | b"First" | b"Last" | b"Prev") {
                continue;
            }
            self.count_object()?;
            if let Some(o) = self.resolve(item) {
                self.visit(o, depth + 1)?;
            }
        }
        Ok(())
    }

    /// Size-check one stream; return its data after the generic filters.
    fn check_stream(&mut self, s: &Stream<'_>) -> Result<Vec<u8>, Refusal> {
        let cap = self.limits.max_pdf_stream_bytes;
        let filters = s.filters();
        let raw = s.raw_data();
        let (data, codec) = decode_generic(&raw, &filters, cap)?;
        self.charge(data.len() as u64)?;
        let dict = s.dict();
        let is_image = dict.get::<Name<'_>>(b"Subtype").is_some_and(|n| n.as_ref() == b"Image")
            || (dict.contains_key(b"Width") && dict.contains_key(b"Height"));
        if is_image || codec.is_some() {
            self.check_image(dict, &data, codec)?;
        }
        Ok(data)
    }

    fn check_image(&mut self, dict: &Dict<'_>, data: &[u8], codec: Option<Filter>) -> Result<(), Refusal> {
        let dim = |a: &[u8], b: &[u8]| dict.get::<f32>(a).or_else(|| dict.get::<f32>(b)).unwrap_or(0.0).max(0.0) as u64;
        let (mut w, mut h) = (dim(b"Width", b"W"), dim(b"Height", b"H"));
        let mut components = 4u64;
        match codec {
            Some(Filter::DctDecode) => {
                if let Some(info) = jpeg_info(data).filter(|i| i.frame) {
                    w = w.max(info.width.into());
                    h = h.max(info.height.into());
                    components = u64::from(info.components.max(1));
                }
            }
            Some(Filter::JpxDecode) => {
                if let Some((jw, jh, c)) = jpx_size(data) {
                    w = w.max(jw);
                    h = h.max(jh);
                    components = u64::from(c.max(1));
                }
            }
            _ => {}
        }
        let pixels = w.saturating_mul(h);
        let max = self.limits.max_pdf_image_pixels;
        if pixels > max {
            return Err(Refusal(format!(
                "it holds an image of {w}×{h} pixels, more than the {} megapixels allowed for the images of a page",
                max / 1_000_000
            )));
        }
        self.cost.image_pixels += pixels;
        if self.cost.image_pixels > max {
            return Err(Refusal(format!(
                "its images add up to more than the {} megapixels allowed for the images of a page",
                max / 1_000_000
            )));
        }
        self.charge(pixels.saturating_mul(components))
    }

    /// XObjects drawn by `content` (resolved in `xobjects`), with the draws
    /// of nested forms; inline images are size-checked on the way.
    fn draws(&mut self, content: &[u8], xobjects: &Dict<'a>, depth: usize) -> Result<u64, Refusal> {
        if depth > MAX_DEPTH {
            return Err(Refusal(format!("its forms are nested more than {MAX_DEPTH} levels deep")));
        }
        let mut names: Vec<Vec<u8>> = Vec::new();
        let mut iter = UntypedIter::new(content);
        let mut ops = 0u64;
        while let Some(op) = iter.next() {
            ops += 1;
            if ops > 50_000_000 {
                break;
            }
            match &**op.operator {
                b"Do" => {
                    if let Some(Object::Name(n)) = op.operands().next() {
                        names.push(n.as_ref().to_vec());
                    }
                }
                b"BI" => {
                    for o in op.operands() {
                        if let Object::Stream(s) = o {
                            self.check_stream(s)?;
                        }
                    }
                }
                _ => {}
            }
        }
        let mut total = 0u64;
        for name in names {
            total = total.saturating_add(1);
            if let Some(r) = xobjects.get_ref(&name) {
                let nested = match self.form_draws.get(&r) {
                    Some(&n) => n,
                    None => {
                        // Mark first: a form drawing itself counts nothing more.
                        self.form_draws.insert(r, 0);
                        let n = match xobjects.get::<Stream<'_>>(&name) {
                            Some(s) if s.dict().get::<Name<'_>>(b"Subtype").is_some_and(|n| n.as_ref() == b"Form") => {
                                let (data, _) =
                                    decode_generic(&s.raw_data(), &s.filters(), self.limits.max_pdf_stream_bytes)?;
                                let res = s.dict().get::<Dict<'_>>(b"Resources");
                                let inner =
                                    res.and_then(|r| r.get::<Dict<'_>>(b"XObject")).unwrap_or_else(|| xobjects.clone());
                                self.draws(&data, &inner, depth + 1)?
                            }
                            _ => 0,
                        };
                        self.form_draws.insert(r, n);
                        n
                    }
                };
                total = total.saturating_add(nested);
            }
            if total > self.limits.max_pdf_draws {
                return Err(Refusal(format!(
                    "it draws more than {} images and forms (nested forms multiply)",
                    self.limits.max_pdf_draws
                )));
            }
        }
        Ok(total)
    }
}

/// `raw` through its generic filters (Flate, ASCIIHex, ASCII85, RunLength;
/// LZW bounded by its worst case), each output capped at `cap` bytes; and the
/// image codec (DCT, JPX, JBIG2, CCITT) that would decode the result.
pub(crate) fn decode_generic(raw: &[u8], filters: &[Filter], cap: u64) -> Result<(Vec<u8>, Option<Filter>), Refusal> {
    let too_big = || {
        Refusal(format!(
            "one of its streams decompresses to more than {} MiB (a compression bomb?)",
            cap / (1024 * 1024)
        ))
    };
    let cap_usize = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut data: Vec<u8> = raw.to_vec();
    for filter in filters {
        data = match filter {
            Filter::FlateDecode => inflate_capped(&data, cap).ok_or_else(too_big)?,
            Filter::AsciiHexDecode => ascii_hex(&data),
            Filter::Ascii85Decode => ascii85(&data, cap_usize).ok_or_else(too_big)?,
            Filter::RunLengthDecode => run_length(&data, cap_usize).ok_or_else(too_big)?,
            Filter::LzwDecode => {
                // Worst case: about 4096 bytes out per 12-bit code.
                let bound = (data.len() as u64).saturating_mul(8).saturating_div(9).saturating_mul(4096);
                if bound > cap {
                    return Err(Refusal(format!(
                        "one of its streams is LZW-compressed ({} KiB) and could decompress to more than {} MiB",
                        data.len() / 1024,
                        cap / (1024 * 1024)
                    )));
                }
                // Later filters would see LZW output, not computed here.
                return Ok((data, None));
            }
            Filter::DctDecode | Filter::JpxDecode | Filter::Jbig2Decode | Filter::CcittFaxDecode => {
                return Ok((data, Some(*filter)));
            }
            _ => data,
        };
    }
    Ok((data, None))
}

/// zlib (or raw deflate) data inflated; `None` past `cap` bytes. A damaged
/// stream gives what inflated before the damage.
fn inflate_capped(data: &[u8], cap: u64) -> Option<Vec<u8>> {
    let zlib = data.len() >= 2 && data[0] & 0x0F == 8 && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0;
    let mut out = Vec::new();
    let result = if zlib {
        flate2::read::ZlibDecoder::new(data).take(cap + 1).read_to_end(&mut out)
    } else {
        flate2::read::DeflateDecoder::new(data).take(cap + 1).read_to_end(&mut out)
    };
    let _ = result;
    if out.len() as u64 > cap {
        return None;
    }
    Some(out)
}

fn ascii_hex(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2);
    let mut high: Option<u8> = None;
    for &c in data {
        if c == b'>' {
            break;
        }
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => continue,
        };
        match high.take() {
            Some(h) => out.push(h << 4 | v),
            None => high = Some(v),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    out
}

fn ascii85(data: &[u8], cap: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut group = [0u32; 5];
    let mut n = 0;
    let data = data.strip_prefix(b"<~").unwrap_or(data);
    for &c in data {
        if out.len() > cap {
            return None;
        }
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group[n] = u32::from(c - b'!');
                n += 1;
                if n == 5 {
                    let v = group.iter().fold(0u32, |acc, &d| acc.wrapping_mul(85).wrapping_add(d));
                    out.extend_from_slice(&v.to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        let v = group.iter().fold(0u32, |acc, &d| acc.wrapping_mul(85).wrapping_add(d));
        out.extend_from_slice(&v.to_be_bytes()[..n - 1]);
    }
    (out.len() <= cap).then_some(out)
}

fn run_length(data: &[u8], cap: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let len = data[i];
        i += 1;
        match len {
            128 => break,
            0..=127 => {
                let end = (i + usize::from(len) + 1).min(data.len());
                out.extend_from_slice(&data[i..end]);
                i = end;
            }
            _ => {
                if let Some(&b) = data.get(i) {
                    out.extend(std::iter::repeat_n(b, 257 - usize::from(len)));
                }
                i += 1;
            }
        }
        if out.len() > cap {
            return None;
        }
    }
    Some(out)
}

/// Width, height and component count of a JPEG 2000 codestream (bare or
/// inside a JP2 file), from its SIZ marker.
pub(crate) fn jpx_size(data: &[u8]) -> Option<(u64, u64, u16)> {
    let at = data.windows(4).position(|w| w == [0xFF, 0x4F, 0xFF, 0x51])?;
    let siz = data.get(at + 4..at + 4 + 38)?;
    let be32 = |o: usize| u64::from(u32::from_be_bytes([siz[o], siz[o + 1], siz[o + 2], siz[o + 3]]));
    // Lsiz(2) Rsiz(2) Xsiz Ysiz XOsiz YOsiz XTsiz YTsiz XTOsiz YTOsiz Csiz(2)
    let (x, y, xo, yo) = (be32(4), be32(8), be32(12), be32(16));
    let c = u16::from_be_bytes([siz[36], siz[37]]);
    Some((x.saturating_sub(xo), y.saturating_sub(yo), c))
}
