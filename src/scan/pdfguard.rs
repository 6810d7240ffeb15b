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
//! - every stream is decoded through its generic filters (Flate, LZW,
//!   ASCIIHex, ASCII85, RunLength) with each output capped, and refused past
//!   [`Limits::max_pdf_stream_bytes`];
//! - every image's size is taken from its dictionary and, for JPEG and
//!   JPEG 2000 data, from the codec's own header (the one the decoder obeys),
//!   and the page's total refused past [`Limits::max_pdf_image_pixels`];
//! - the forms the page draws are counted, nested draws multiplied, and the
//!   page refused past [`Limits::max_pdf_draws`];
//! - the characters shown with Type 3 fonts are counted: each runs a glyph
//!   procedure, a content stream that is decoded and run again every time and
//!   may draw forms and other Type 3 glyphs, so glyphs inside glyphs and forms
//!   multiply; the page is refused past [`Limits::max_pdf_glyphs`], and the
//!   forms the glyphs draw count as draws;
//! - the decoding work (glyph procedures at every run) is charged to the run's
//!   [`Budget`].
//!
//! Before any of that, and before hayro opens the file, the object streams
//! and cross-reference streams it would decode itself are found in the raw
//! bytes and decoded with capped output ([`check_containers`]).
//!
//! Patterns painted many times are not counted as draws (their streams are
//! still size-checked).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::rc::Rc;

use hayro::hayro_syntax::Filter;
use hayro::hayro_syntax::content::UntypedIter;
use hayro::hayro_syntax::object::{Array, Dict, MaybeRef, Name, ObjRef, Object, Stream};
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
    /// Type 3 glyph procedures run (nested runs multiplied).
    pub(crate) glyphs: u64,
}

/// What drawing a content stream costs, with what the forms it draws and the
/// Type 3 glyphs it shows cost (each as often as it is drawn or shown).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Work {
    /// XObjects drawn.
    draws: u64,
    /// Type 3 glyph procedures run.
    glyphs: u64,
    /// Bytes decoded again at every run (glyph procedures).
    decode: u64,
}

impl Work {
    fn add(&mut self, other: Work, times: u64) {
        self.draws = self.draws.saturating_add(other.draws.saturating_mul(times));
        self.glyphs = self.glyphs.saturating_add(other.glyphs.saturating_mul(times));
        self.decode = self.decode.saturating_add(other.decode.saturating_mul(times));
    }

    fn max(self, other: Work) -> Work {
        Work {
            draws: self.draws.max(other.draws),
            glyphs: self.glyphs.max(other.glyphs),
            decode: self.decode.max(other.decode),
        }
    }
}

/// The resources a content stream's names are looked up in. A form or glyph
/// procedure without resources of its own uses its caller's, as hayro does.
#[derive(Clone)]
struct Res<'a> {
    xobjects: Dict<'a>,
    fonts: Dict<'a>,
}

impl<'a> Res<'a> {
    fn new(resources: &Dict<'a>) -> Self {
        Res {
            xobjects: resources.get::<Dict<'a>>(b"XObject").unwrap_or_default(),
            fonts: resources.get::<Dict<'a>>(b"Font").unwrap_or_default(),
        }
    }

    /// Where the dictionaries sit in the file (parsed objects stay put): what
    /// tells two resource sets apart in the memo keys.
    fn key(&self) -> (usize, usize) {
        (self.xobjects.data().as_ptr() as usize, self.fonts.data().as_ptr() as usize)
    }
}

/// A form or font: its reference, or where its dictionary sits when it is
/// not an indirect object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ident {
    Ref(ObjRef),
    At(usize),
}

/// The cost of showing each character code with a Type 3 font: its glyph
/// procedure's as the font's encoding names it, and for codes the encoding
/// does not name, the costliest procedure's.
type GlyphCosts = Rc<[Work; 256]>;

/// Most graphics states saved (`q`) that a content stream is followed through
/// exactly; deeper, the font after a restore is taken to be the costliest
/// Type 3 font the stream selected.
const MAX_SAVED_STATES: usize = 4096;

struct Walk<'a, 'l> {
    xref: &'a XRef,
    limits: &'l Limits,
    /// Decoding work the run still allows.
    budget_left: u64,
    visited: HashSet<ObjRef>,
    cost: PageCost,
    /// What drawing a form costs, by form and the resources it was drawn with.
    form_work: HashMap<(ObjRef, (usize, usize)), Work>,
    /// What showing each code of a Type 3 font costs (`None`: not Type 3),
    /// by font and the resources its glyphs fall back to.
    font_costs: HashMap<(Ident, (usize, usize)), Option<GlyphCosts>>,
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
        form_work: HashMap::new(),
        font_costs: HashMap::new(),
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
    // Draws and Type 3 glyphs, nested ones multiplied; inline images.
    let page_res = Res { xobjects: res.x_objects.clone(), fonts: res.fonts.clone() };
    let work = walk.content_work(&page_content, &page_res, 0)?;
    walk.cost.draws = work.draws;
    walk.cost.glyphs = work.glyphs;
    walk.charge(work.decode)?;
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
        let raw = s.raw_data();
        let (data, codec) = decode_filters(&raw, &stream_filters(s), cap)?;
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

    /// What drawing `content` (its names resolved in `res`) costs: the
    /// XObjects it draws and the Type 3 glyphs it shows, with their own
    /// nested draws and glyphs; inline images are size-checked on the way.
    fn content_work(&mut self, content: &[u8], res: &Res<'a>, depth: usize) -> Result<Work, Refusal> {
        if depth > MAX_DEPTH {
            return Err(Refusal(format!("its forms and glyphs are nested more than {MAX_DEPTH} levels deep")));
        }
        let mut work = Work::default();
        let mut names: Vec<Vec<u8>> = Vec::new();
        // The Type 3 font in use (`None`: another font, or none), the ones
        // saved by `q`, and the costliest one selected.
        let mut font: Option<GlyphCosts> = None;
        let mut saved: Vec<Option<GlyphCosts>> = Vec::new();
        let mut untracked = 0u64;
        let mut costliest: Option<GlyphCosts> = None;
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
                b"q" => {
                    if saved.len() < MAX_SAVED_STATES {
                        saved.push(font.clone());
                    } else {
                        untracked += 1;
                    }
                }
                b"Q" => {
                    if untracked > 0 {
                        untracked -= 1;
                        font = costliest.clone();
                    } else if let Some(f) = saved.pop() {
                        font = f;
                    }
                }
                b"Tf" => {
                    font = match op.operands().next() {
                        Some(Object::Name(n)) => self.type3_costs(n.as_ref(), res, depth)?,
                        _ => None,
                    };
                    if let Some(f) = &font {
                        costliest = Some(match costliest.take() {
                            Some(c) => Rc::new(std::array::from_fn(|i| c[i].max(f[i]))),
                            None => f.clone(),
                        });
                    }
                }
                b"Tj" | b"TJ" | b"'" | b"\"" => {
                    if let Some(costs) = &font {
                        for o in op.operands() {
                            match o {
                                Object::String(s) => show(&mut work, costs, s.as_bytes()),
                                Object::Array(a) => {
                                    for item in a.iter::<Object<'_>>() {
                                        if let Object::String(s) = item {
                                            show(&mut work, costs, s.as_bytes());
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                        self.check_work(work)?;
                    }
                }
                _ => {}
            }
        }
        for name in names {
            work.draws = work.draws.saturating_add(1);
            if let Some(r) = res.xobjects.get_ref(&name)
                && let Some(s) = res.xobjects.get::<Stream<'a>>(&name)
                && s.dict().get::<Name<'_>>(b"Subtype").is_some_and(|n| n.as_ref() == b"Form")
            {
                let form_res =
                    s.dict().get::<Dict<'a>>(b"Resources").map(|d| Res::new(&d)).unwrap_or_else(|| res.clone());
                let key = (r, form_res.key());
                let nested = match self.form_work.get(&key) {
                    Some(&w) => w,
                    None => {
                        // Mark first: a form drawing itself counts nothing more.
                        // Each form is followed once per set of resources it is
                        // drawn with, each time counted and its decoding charged.
                        self.form_work.insert(key, Work::default());
                        self.count_object()?;
                        let (data, _) =
                            decode_filters(&s.raw_data(), &stream_filters(&s), self.limits.max_pdf_stream_bytes)?;
                        self.charge(data.len() as u64)?;
                        let w = self.content_work(&data, &form_res, depth + 1)?;
                        self.form_work.insert(key, w);
                        w
                    }
                };
                work.add(nested, 1);
            }
            self.check_work(work)?;
        }
        Ok(work)
    }

    /// Refuse a page whose draws or Type 3 glyphs so far pass the limits.
    fn check_work(&self, work: Work) -> Result<(), Refusal> {
        if work.draws > self.limits.max_pdf_draws {
            return Err(Refusal(format!(
                "it draws more than {} images and forms (nested forms multiply)",
                self.limits.max_pdf_draws
            )));
        }
        if work.glyphs > self.limits.max_pdf_glyphs {
            return Err(Refusal(format!(
                "it draws more than {} Type 3 glyphs (glyphs drawn inside glyphs and forms multiply)",
                self.limits.max_pdf_glyphs
            )));
        }
        Ok(())
    }

    /// The cost of each code of the font `name` in `res` if it is a Type 3
    /// font: every glyph procedure's content is decoded (size-checked) and
    /// followed with the resources hayro gives it (the procedure's, else the
    /// font's, else `res`).
    fn type3_costs(&mut self, name: &[u8], res: &Res<'a>, depth: usize) -> Result<Option<GlyphCosts>, Refusal> {
        let Some(font) = res.fonts.get::<Dict<'a>>(name) else {
            return Ok(None);
        };
        if font.get::<Name<'_>>(b"Subtype").is_none_or(|n| n.as_ref() != b"Type3") {
            return Ok(None);
        }
        let ident = res.fonts.get_ref(name).map_or(Ident::At(font.data().as_ptr() as usize), Ident::Ref);
        let font_res = font.get::<Dict<'a>>(b"Resources").map(|d| Res::new(&d));
        let key = (ident, font_res.as_ref().unwrap_or(res).key());
        if let Some(costs) = self.font_costs.get(&key) {
            return Ok(costs.clone());
        }
        // Mark first: a glyph showing its own font counts nothing more.
        self.font_costs.insert(key, Some(Rc::new([Work::default(); 256])));
        let procs = font.get::<Dict<'a>>(b"CharProcs").unwrap_or_default();
        let mut by_name: HashMap<Vec<u8>, Work> = HashMap::new();
        let mut costliest = Work::default();
        for glyph in procs.keys() {
            self.count_object()?;
            let Some(program) = procs.get::<Stream<'a>>(glyph.as_ref()) else {
                continue;
            };
            let (data, _) =
                decode_filters(&program.raw_data(), &stream_filters(&program), self.limits.max_pdf_stream_bytes)?;
            self.charge(data.len() as u64)?;
            let glyph_res = program
                .dict()
                .get::<Dict<'a>>(b"Resources")
                .map(|d| Res::new(&d))
                .or_else(|| font_res.clone())
                .unwrap_or_else(|| res.clone());
            let mut w = self.content_work(&data, &glyph_res, depth + 1)?;
            w.add(Work { draws: 0, glyphs: 1, decode: data.len() as u64 }, 1);
            costliest = costliest.max(w);
            by_name.insert(glyph.as_ref().to_vec(), w);
        }
        let mut costs = [costliest; 256];
        let differences = font.get::<Dict<'a>>(b"Encoding").and_then(|e| e.get::<Array<'a>>(b"Differences"));
        if let Some(differences) = differences {
            let mut code = 0usize;
            for item in differences.iter::<Object<'_>>() {
                match item {
                    Object::Number(n) => code = n.as_i64().clamp(0, 256) as usize,
                    Object::Name(n) => {
                        if let Some(c) = costs.get_mut(code) {
                            // A name without a procedure draws nothing, but runs.
                            *c = by_name.get(n.as_ref()).copied().unwrap_or(Work { draws: 0, glyphs: 1, decode: 0 });
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
        let costs = Some(Rc::new(costs));
        self.font_costs.insert(key, costs.clone());
        Ok(costs)
    }
}

/// Add the glyphs of `text` shown with a Type 3 font of `costs`.
fn show(work: &mut Work, costs: &[Work; 256], text: &[u8]) {
    let mut count = [0u64; 256];
    for &b in text {
        count[usize::from(b)] += 1;
    }
    for (c, n) in count.into_iter().enumerate() {
        if n > 0 {
            work.add(costs[c], n);
        }
    }
}

/// A stream's filters with the EarlyChange of each (what its LZW decoding
/// depends on), read from its DecodeParms as hayro reads them.
fn stream_filters(s: &Stream<'_>) -> Vec<(Filter, bool)> {
    let known = s.filters();
    let dict = s.dict();
    let early = |params: Option<Dict<'_>>| params.and_then(|p| p.get::<u8>(b"EarlyChange")).is_none_or(|e| e != 0);
    let mut out = Vec::with_capacity(known.len());
    if let Some(filter) =
        dict.get::<Name<'_>>(b"F").or_else(|| dict.get::<Name<'_>>(b"Filter")).and_then(|n| filter_named(&n))
    {
        let params = dict.get::<Dict<'_>>(b"DP").or_else(|| dict.get::<Dict<'_>>(b"DecodeParms"));
        out.push((filter, early(params)));
    } else if let Some(names) = dict.get::<Array<'_>>(b"F").or_else(|| dict.get::<Array<'_>>(b"Filter")) {
        let mut params = dict
            .get::<Array<'_>>(b"DP")
            .or_else(|| dict.get::<Array<'_>>(b"DecodeParms"))
            .map(|a| a.iter::<Object<'_>>());
        for name in names.iter::<Name<'_>>() {
            let p = params.as_mut().and_then(|p| p.next()).and_then(Object::into_dict);
            if let Some(filter) = filter_named(&name) {
                out.push((filter, early(p)));
            }
        }
    }
    // Should this reading ever differ from hayro's, its filters with the
    // default EarlyChange.
    if !out.iter().map(|f| f.0).eq(known.iter().copied()) {
        return known.into_iter().map(|f| (f, true)).collect();
    }
    out
}

/// The filter a name stands for (full or abbreviated), as hayro names them.
fn filter_named(name: &[u8]) -> Option<Filter> {
    Some(match name {
        b"ASCIIHexDecode" | b"AHx" => Filter::AsciiHexDecode,
        b"ASCII85Decode" | b"A85" => Filter::Ascii85Decode,
        b"LZWDecode" | b"LZW" => Filter::LzwDecode,
        b"FlateDecode" | b"Fl" => Filter::FlateDecode,
        b"RunLengthDecode" | b"RL" => Filter::RunLengthDecode,
        b"CCITTFaxDecode" | b"CCF" => Filter::CcittFaxDecode,
        b"JBIG2Decode" => Filter::Jbig2Decode,
        b"DCTDecode" | b"DCT" => Filter::DctDecode,
        b"JPXDecode" => Filter::JpxDecode,
        b"Crypt" => Filter::Crypt,
        _ => return None,
    })
}

/// `raw` through its generic filters (Flate, LZW, ASCIIHex, ASCII85,
/// RunLength), each output capped at `cap` bytes; and the image codec (DCT,
/// JPX, JBIG2, CCITT) that would decode the result. LZW streams decode with
/// EarlyChange 1.
#[cfg(test)]
pub(crate) fn decode_generic(raw: &[u8], filters: &[Filter], cap: u64) -> Result<(Vec<u8>, Option<Filter>), Refusal> {
    let filters: Vec<(Filter, bool)> = filters.iter().map(|&f| (f, true)).collect();
    decode_filters(raw, &filters, cap)
}

/// [`decode_generic`] with each filter's EarlyChange (for LZW).
fn decode_filters(raw: &[u8], filters: &[(Filter, bool)], cap: u64) -> Result<(Vec<u8>, Option<Filter>), Refusal> {
    let too_big = || {
        Refusal(format!(
            "one of its streams decompresses to more than {} MiB (a compression bomb?)",
            cap / (1024 * 1024)
        ))
    };
    let cap_usize = usize::try_from(cap).unwrap_or(usize::MAX);
    let mut data: Vec<u8> = raw.to_vec();
    for &(filter, early_change) in filters {
        data = match filter {
            Filter::FlateDecode => inflate_capped(&data, cap).ok_or_else(too_big)?,
            Filter::LzwDecode => lzw_capped(&data, early_change, cap).ok_or_else(too_big)?,
            Filter::AsciiHexDecode => ascii_hex(&data),
            Filter::Ascii85Decode => ascii85(&data, cap_usize).ok_or_else(too_big)?,
            Filter::RunLengthDecode => run_length(&data, cap_usize).ok_or_else(too_big)?,
            Filter::DctDecode | Filter::JpxDecode | Filter::Jbig2Decode | Filter::CcittFaxDecode => {
                return Ok((data, Some(filter)));
            }
            _ => data,
        };
    }
    Ok((data, None))
}

/// LZW data decoded as hayro decodes it (codes of 9 to 12 bits, most
/// significant bit first, the width growing one code early unless
/// `early_change` is false; 256 clears the table, 257 ends the data); `None`
/// past `cap` bytes. Damaged data ends the output (what came before counts).
/// A 12-bit code can stand for some 3,800 bytes, so a few KB can expand to
/// hundreds of MB: the table is kept as prefix links, and the output capped.
pub(crate) fn lzw_capped(data: &[u8], early_change: bool, cap: u64) -> Option<Vec<u8>> {
    const CLEAR: usize = 256;
    const END: usize = 257;
    const FIRST: usize = 258;
    const MAX: usize = 4096;
    let mut prefix = vec![0u16; MAX];
    let mut last = vec![0u8; MAX];
    let mut first = vec![0u8; MAX];
    let mut len = vec![0u16; MAX];
    for b in 0..256 {
        (last[b], first[b], len[b]) = (b as u8, b as u8, 1);
    }
    let width = |size: usize| match size + usize::from(early_change) {
        2048.. => 12,
        1024.. => 11,
        512.. => 10,
        _ => 9,
    };
    let mut size = FIRST;
    let mut bits = width(size);
    let mut prev: Option<usize> = None;
    let mut out: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    let total = data.len() * 8;
    while pos + bits <= total {
        let mut code = 0usize;
        for bit in pos..pos + bits {
            code = code << 1 | usize::from(data[bit / 8] >> (7 - bit % 8) & 1);
        }
        pos += bits;
        if code == CLEAR {
            size = FIRST;
            prev = None;
            bits = width(size);
            continue;
        }
        if code == END || code > size {
            break;
        }
        let entry = if code < size {
            if let Some(p) = prev
                && size < MAX
            {
                (prefix[size], last[size], first[size], len[size]) = (p as u16, first[code], first[p], len[p] + 1);
                size += 1;
            }
            code
        } else {
            // The code being defined: the previous entry and its own first byte.
            let Some(p) = prev else { break };
            if size >= MAX {
                break;
            }
            (prefix[size], last[size], first[size], len[size]) = (p as u16, first[p], first[p], len[p] + 1);
            size += 1;
            code
        };
        let n = usize::from(len[entry]);
        if (out.len() + n) as u64 > cap {
            return None;
        }
        let start = out.len();
        out.resize(start + n, 0);
        let mut c = entry;
        for i in (start..start + n).rev() {
            out[i] = last[c];
            c = usize::from(prefix[c]);
        }
        bits = width(size);
        prev = Some(code);
    }
    Some(out)
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

// ---------------------------------------------------------------------------
// Containers hayro decodes before any page is checked
// ---------------------------------------------------------------------------

/// Object streams (`/Type /ObjStm`, compressed containers of PDF objects) and
/// cross-reference streams (`/Type /XRef`) are decoded by hayro itself, whole
/// and uncapped, when it opens the file or looks up an object stored inside
/// one: before [`check_page`] can see them. So they are found in the raw
/// bytes (by their type name) and decoded here first, each output capped at
/// `cap` bytes and all of them together at [`CONTAINERS_PER_STREAM_CAP`]
/// times that; past either the file is refused. A container whose filters
/// are not written out directly (an indirect `/Filter`, which no PDF writer
/// produces) is refused too, since its size cannot be checked.
pub(crate) fn check_containers(data: &[u8], cap: u64) -> Result<(), Refusal> {
    let mut total = 0u64;
    for name in [&b"/ObjStm"[..], &b"/XRef"[..]] {
        let mut from = 0;
        while let Some(at) = find(&data[from..], name).map(|i| from + i) {
            from = at + name.len();
            // A whole name (`/XRefStm` is a trailer key, not a type).
            if data.get(from).is_some_and(|&b| !is_delimiter(b)) {
                continue;
            }
            let Some(body) = container_stream(data, at) else { continue };
            let filters = raw_filters(&data[body.dict.clone()]).ok_or_else(|| {
                Refusal("an object or cross-reference stream has filters that are not written out".to_owned())
            })?;
            let (decoded, _) = decode_filters(&data[body.data.clone()], &filters, cap)?;
            total = total.saturating_add(decoded.len() as u64);
            if total > cap.saturating_mul(CONTAINERS_PER_STREAM_CAP) {
                return Err(Refusal(format!(
                    "its object and cross-reference streams decompress to more than {} MiB together (a compression bomb?)",
                    cap.saturating_mul(CONTAINERS_PER_STREAM_CAP) / (1024 * 1024)
                )));
            }
        }
    }
    Ok(())
}

/// All object and cross-reference streams of a file together may decode to
/// this many times the one-stream cap.
pub(crate) const CONTAINERS_PER_STREAM_CAP: u64 = 4;

/// Byte ranges of a stream's dictionary and data.
struct RawStream {
    dict: std::ops::Range<usize>,
    data: std::ops::Range<usize>,
}

/// The stream whose dictionary holds the name at `at`: the dictionary runs
/// from the `obj` keyword before `at` to the `stream` keyword after it, the
/// data from the end of that line to `endstream`. `None` when the name is not
/// in a stream dictionary.
fn container_stream(data: &[u8], at: usize) -> Option<RawStream> {
    let start = rfind(&data[..at], b"obj").map_or(0, |i| i + 3);
    let end_obj = find(&data[at..], b"endobj").map_or(data.len(), |i| at + i);
    let kw = find(&data[at..end_obj], b"stream").map(|i| at + i)?;
    let mut begin = kw + b"stream".len();
    if data.get(begin) == Some(&b'\r') {
        begin += 1;
    }
    if data.get(begin) == Some(&b'\n') {
        begin += 1;
    }
    let end = find(&data[begin..], b"endstream").map_or(data.len(), |i| begin + i);
    Some(RawStream { dict: start..kw, data: begin..end })
}

/// The filters named after `/Filter` (or `/F`) in raw dictionary bytes, in
/// order, with their EarlyChange left at its default; an empty list without
/// filters; `None` when the value is not a name or an array of names.
fn raw_filters(dict: &[u8]) -> Option<Vec<(Filter, bool)>> {
    let Some(at) = find_key(dict, b"/Filter").or_else(|| find_key(dict, b"/F")) else {
        return Some(Vec::new());
    };
    let rest = &dict[at..];
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(rest.len())..];
    let names: &[u8] = match rest.first() {
        Some(b'/') => &rest[..rest[1..].iter().position(|&b| is_delimiter(b)).map_or(rest.len(), |i| i + 1)],
        Some(b'[') => &rest[1..rest.iter().position(|&b| b == b']')?],
        _ => return None,
    };
    let mut out = Vec::new();
    for name in names.split(|&b| b == b'/' || b.is_ascii_whitespace()).filter(|n| !n.is_empty()) {
        out.push((filter_named(name)?, true));
    }
    Some(out)
}

/// Where the value of the dictionary key `key` starts (a whole name).
fn find_key(dict: &[u8], key: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = find(&dict[from..], key).map(|i| from + i) {
        let after = i + key.len();
        if dict.get(after).is_none_or(|&b| is_delimiter(b)) {
            return Some(after);
        }
        from = after;
    }
    None
}

/// PDF whitespace and delimiters: what ends a name.
fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0 || b"()<>[]{}/%".contains(&b)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
