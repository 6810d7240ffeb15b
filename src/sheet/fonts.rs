//! The embedded fonts, per-character fallback, metrics, and the check that
//! every character the sheet prints has a glyph.
//!
//! Three fonts ship inside the binary: OCR-B (public domain) for the secrets,
//! the fingerprint and other machine-readable text, and DejaVu Sans for
//! prose. Bold prose is DejaVu Sans drawn with a thin outline stroke (see
//! `pdf.rs`): one embedded prose font instead of two keeps sheets small. A user font (`--font PATH`) is the last resort of
//! every chain. A sheet is never printed with a missing glyph: [`Fonts::check`]
//! lists the characters no font covers.

use std::ops::Range;

use ttf_parser::{Face, GlyphId};

use super::SheetError;
use super::geometry::pt_to_mm;

/// OCR-B, public domain (Debian `fonts-ocr-b`); 140 code points, ASCII and a few Latin-1 letters.
pub static OCRB: &[u8] = include_bytes!("../../fonts/OCRB.otf");
/// DejaVu Sans (Bitstream Vera licence): Latin, Greek, Cyrillic, symbols.
pub static DEJAVU_SANS: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");

/// One concrete font file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontId {
    OcrB,
    Sans,
    /// DejaVu Sans, emboldened when drawn.
    SansBold,
    /// The font given with `--font PATH`.
    User,
}

/// What a piece of text asks for; resolved per character to a [`FontId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Monospaced, machine-readable: OCR-B → DejaVu Sans → user font.
    Mono,
    /// Prose: DejaVu Sans → user font.
    Sans,
    /// Bold prose: DejaVu Sans Bold → DejaVu Sans → user font.
    SansBold,
}

impl Family {
    fn chain(self) -> &'static [FontId] {
        match self {
            Family::Mono => &[FontId::OcrB, FontId::Sans, FontId::User],
            Family::Sans => &[FontId::Sans, FontId::User],
            Family::SansBold => &[FontId::SansBold, FontId::Sans, FontId::User],
        }
    }
}

/// A stretch of text drawn with one font.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontRun {
    pub font: FontId,
    /// Byte range in the text.
    pub range: Range<usize>,
}

/// The fonts of one sheet, parsed.
pub struct Fonts<'a> {
    ocrb: Face<'static>,
    sans: Face<'static>,
    user: Option<(Face<'a>, &'a [u8])>,
}

fn embedded(data: &'static [u8], name: &str) -> Face<'static> {
    Face::parse(data, 0).unwrap_or_else(|e| panic!("embedded font {name} does not parse: {e}"))
}

impl<'a> Fonts<'a> {
    /// Parse the embedded fonts and, if given, the user's font.
    pub fn new(extra: Option<&'a [u8]>) -> Result<Fonts<'a>, SheetError> {
        let user = match extra {
            None => None,
            Some(data) => {
                let face = Face::parse(data, 0).map_err(|e| SheetError::BadFont(e.to_string()))?;
                if face.units_per_em() == 0 {
                    return Err(SheetError::BadFont("units per em is 0".into()));
                }
                Some((face, data))
            }
        };
        Ok(Fonts { ocrb: embedded(OCRB, "OCRB.otf"), sans: embedded(DEJAVU_SANS, "DejaVuSans.ttf"), user })
    }

    /// Whether a user font was given.
    pub fn has_user(&self) -> bool {
        self.user.is_some()
    }

    /// The parsed face of `id`, if present.
    pub fn face(&self, id: FontId) -> Option<&Face<'a>> {
        match id {
            FontId::OcrB => Some(&self.ocrb),
            FontId::Sans => Some(&self.sans),
            FontId::SansBold => Some(&self.sans),
            FontId::User => self.user.as_ref().map(|(f, _)| f),
        }
    }

    /// The raw font file of `id`, if present.
    pub fn data(&self, id: FontId) -> Option<&'a [u8]> {
        match id {
            FontId::OcrB => Some(OCRB),
            FontId::Sans => Some(DEJAVU_SANS),
            FontId::SansBold => Some(DEJAVU_SANS),
            FontId::User => self.user.as_ref().map(|(_, d)| *d),
        }
    }

    /// The glyph of `c` in font `id` (0 = missing).
    pub fn glyph(&self, id: FontId, c: char) -> GlyphId {
        self.face(id).and_then(|f| f.glyph_index(c)).unwrap_or(GlyphId(0))
    }

    /// The first font of `family`'s chain with a glyph for `c`.
    pub fn resolve(&self, family: Family, c: char) -> Option<FontId> {
        family
            .chain()
            .iter()
            .copied()
            .find(|&id| self.face(id).and_then(|f| f.glyph_index(c)).is_some_and(|g| g.0 != 0))
    }

    /// Split `text` into runs of one font each. Characters no font has are
    /// given the family's first font (drawn as .notdef) — [`Fonts::check`]
    /// must have refused them before anything is drawn.
    pub fn runs(&self, family: Family, text: &str) -> Vec<FontRun> {
        let mut runs: Vec<FontRun> = Vec::new();
        for (i, c) in text.char_indices() {
            let font = self.resolve(family, c).unwrap_or(family.chain()[0]);
            let end = i + c.len_utf8();
            match runs.last_mut() {
                Some(run) if run.font == font => run.range.end = end,
                _ => runs.push(FontRun { font, range: i..end }),
            }
        }
        runs
    }

    /// Advance of `c` in font `id`, in em.
    fn advance_em(&self, id: FontId, c: char) -> f32 {
        let Some(face) = self.face(id) else {
            return 0.0;
        };
        let g = face.glyph_index(c).unwrap_or(GlyphId(0));
        face.glyph_hor_advance(g).unwrap_or(0) as f32 / face.units_per_em() as f32
    }

    /// Width in mm of `text` drawn with a single font at `size_pt`.
    pub fn run_width_mm(&self, id: FontId, text: &str, size_pt: f32) -> f32 {
        let em: f32 = text.chars().map(|c| self.advance_em(id, c)).sum();
        pt_to_mm(em * size_pt)
    }

    /// Width in mm of `text` in `family` at `size_pt`, with fallback.
    pub fn width_mm(&self, family: Family, text: &str, size_pt: f32) -> f32 {
        let em: f32 =
            text.chars().map(|c| self.advance_em(self.resolve(family, c).unwrap_or(family.chain()[0]), c)).sum();
        pt_to_mm(em * size_pt)
    }

    /// Ascender and descender (both positive, in mm) of font `id` at `size_pt`.
    pub fn extent_mm(&self, id: FontId, size_pt: f32) -> (f32, f32) {
        let Some(face) = self.face(id) else {
            return (0.0, 0.0);
        };
        let upem = face.units_per_em() as f32;
        let asc = face.ascender() as f32 / upem;
        let desc = -(face.descender() as f32) / upem;
        (pt_to_mm(asc * size_pt), pt_to_mm(desc.max(0.0) * size_pt))
    }

    /// Check that every character of every text can be printed: no control
    /// characters, and a glyph for each in its family's fallback chain.
    pub fn check<'s>(&self, texts: impl IntoIterator<Item = (Family, &'s str)>) -> Result<(), SheetError> {
        let mut missing: Vec<char> = Vec::new();
        for (family, text) in texts {
            for c in text.chars() {
                if c.is_control() {
                    return Err(SheetError::ControlChar { ch: c, context: text.to_string() });
                }
                if self.resolve(family, c).is_none() && !missing.contains(&c) {
                    missing.push(c);
                }
            }
        }
        if missing.is_empty() { Ok(()) } else { Err(SheetError::Unprintable { chars: missing }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_parse_and_cover_what_they_should() {
        let f = Fonts::new(None).unwrap();
        assert!(!f.has_user());
        // OCR-B has ASCII but not é, the en dash or the euro sign.
        for c in "ABCXYZ0123456789-:. ".chars() {
            assert_eq!(f.resolve(Family::Mono, c), Some(FontId::OcrB), "{c}");
        }
        for c in ['é', '–', '€', 'Ω', 'Ж'] {
            assert_eq!(f.resolve(Family::Mono, c), Some(FontId::Sans), "{c}");
            assert_eq!(f.resolve(Family::Sans, c), Some(FontId::Sans), "{c}");
            assert_eq!(f.resolve(Family::SansBold, c), Some(FontId::SansBold), "{c}");
        }
        assert_eq!(f.resolve(Family::Sans, '张'), None);
    }

    #[test]
    fn runs_split_by_font() {
        let f = Fonts::new(None).unwrap();
        let text = "José – 1";
        let runs = f.runs(Family::Mono, text);
        let fonts: Vec<(FontId, &str)> = runs.iter().map(|r| (r.font, &text[r.range.clone()])).collect();
        assert_eq!(
            fonts,
            vec![
                (FontId::OcrB, "Jos"),
                (FontId::Sans, "é"),
                (FontId::OcrB, " "),
                (FontId::Sans, "–"),
                (FontId::OcrB, " 1")
            ]
        );
    }

    #[test]
    fn ocrb_is_monospaced_and_widths_add_up() {
        let f = Fonts::new(None).unwrap();
        let w1 = f.width_mm(Family::Mono, "W", 10.0);
        let wi = f.width_mm(Family::Mono, "i", 10.0);
        assert!(w1 > 0.0 && (w1 - wi).abs() < 1e-4);
        let w = f.width_mm(Family::Mono, "ABCD EFGH", 10.0);
        assert!((w - 9.0 * w1).abs() < 1e-3);
        let (asc, desc) = f.extent_mm(FontId::Sans, 10.0);
        assert!(asc > 2.5 && asc < 3.6 && desc > 0.3 && desc < 1.2, "{asc} {desc}");
    }

    #[test]
    fn check_lists_unprintable_characters_once_in_order() {
        let f = Fonts::new(None).unwrap();
        assert!(f.check([(Family::Sans, "José – € 50 000"), (Family::Mono, "Ωmega")]).is_ok());
        let err = f.check([(Family::Sans, "Zhang San / 张三"), (Family::Mono, "张 again")]).unwrap_err();
        match &err {
            SheetError::Unprintable { chars } => assert_eq!(chars, &vec!['张', '三']),
            other => panic!("{other:?}"),
        }
        let msg = err.to_string();
        assert!(msg.contains("'张' U+5F20") && msg.contains("'三' U+4E09"), "{msg}");
        assert!(msg.contains("a font that covers them") && !msg.contains("--"), "the library names no flag: {msg}");
    }

    #[test]
    fn check_refuses_control_characters() {
        let f = Fonts::new(None).unwrap();
        let err = f.check([(Family::Mono, "abc\u{7}def")]).unwrap_err();
        assert!(matches!(err, SheetError::ControlChar { ch: '\u{7}', .. }), "{err:?}");
        assert!(f.check([(Family::Mono, "tab\there")]).is_err());
    }

    #[test]
    fn a_bad_user_font_is_an_error() {
        let junk = vec![0u8; 64];
        assert!(matches!(Fonts::new(Some(&junk)), Err(SheetError::BadFont(_))));
        // A real font works as the last resort.
        let f = Fonts::new(Some(DEJAVU_SANS)).unwrap();
        assert!(f.has_user());
        assert_eq!(f.resolve(Family::Mono, 'A'), Some(FontId::OcrB));
    }
}
