//! The header every page repeats: title, fingerprint, page number, date,
//! program and format version, and how many codes restore everything.

use super::super::SheetDoc;
use super::super::fonts::Family;
use super::super::geometry::*;
use super::blocks::*;
use super::draw::*;
use super::typeset::*;

/// How much of each level of QR error correction survives, for the header.
pub(super) fn ecc_words(ecc: super::super::Ecc) -> &'static str {
    match ecc {
        super::super::Ecc::L => "~7%",
        super::super::Ecc::M => "~15%",
        super::super::Ecc::Q => "~25%",
        super::super::Ecc::H => "~30%",
    }
}

pub(super) fn meta_line(doc: &SheetDoc, page: usize, pages: usize) -> String {
    format!("{} · page {} of {} · {} · format v{}", doc.date, page + 1, pages, doc.program, doc.format_version)
}

pub(super) fn k_of_n_line(doc: &SheetDoc, pages: usize, code_pages: usize) -> String {
    let codes = if doc.n == 1 { "code" } else { "codes" };
    let which = if pages <= 1 {
        format!("Any {} of these {} {codes} restore everything", doc.k, doc.n)
    } else if code_pages <= 1 {
        format!("Any {} of the {} {codes} on page 1 restore everything", doc.k, doc.n)
    } else {
        format!("Any {} of the {} {codes} on pages 1–{code_pages} restore everything", doc.k, doc.n)
    };
    format!(
        "{which} · QR error correction level {} (each code survives {} damage)",
        doc.ecc.letter(),
        ecc_words(doc.ecc)
    )
}

/// The header's label of the fingerprint on a plain sheet.
pub const FINGERPRINT_LABEL: &str = "Fingerprint";

pub(super) struct Header {
    pub(super) title_lines: Vec<Vec<Seg>>,
    pub(super) height: f32,
}

impl Header {
    pub(super) fn new(setter: &Setter, doc: &SheetDoc) -> Header {
        let title_lines = setter.wrap_spans(Style::Title, &[Span::plain(doc.title.clone())], setter.width);
        let height = title_lines.len() as f32 * Style::Title.leading_mm()
            + HEADER_TITLE_GAP_MM
            + Style::Fingerprint.leading_mm()
            + 2.0 * Style::Meta.leading_mm();
        Header { title_lines, height }
    }

    /// Distance from the top margin to the first body line.
    pub(super) fn body_offset(&self) -> f32 {
        self.height + HEADER_BODY_GAP_MM
    }

    /// A single line shrunk to fit the column if it must.
    pub(super) fn fitted(setter: &Setter, style: Style, text: String) -> Seg {
        let mut size = style.size_pt();
        let w = setter.fonts.width_mm(style.family(), &text, size);
        if w > setter.width {
            size *= setter.width / w;
        }
        Seg { family: style.family(), size_pt: size, text }
    }

    pub(super) fn draws(
        &self,
        setter: &Setter,
        doc: &SheetDoc,
        top: f32,
        page: usize,
        pages: usize,
        code_pages: usize,
    ) -> Vec<Draw> {
        let mut draws = Vec::new();
        let mut y = top;
        for line in &self.title_lines {
            draws.extend(setter.draw_segs(line, 0.0, y + setter.baseline_in(Style::Title)).0);
            y += Style::Title.leading_mm();
        }
        y += HEADER_TITLE_GAP_MM;
        // "Fingerprint K7QF-3M2X-9TRD", label and code on one baseline.
        let baseline = y + setter.baseline_in(Style::Fingerprint);
        let label = Seg {
            family: Style::HeaderLabel.family(),
            size_pt: Style::HeaderLabel.size_pt(),
            text: format!("{} ", doc.fingerprint_label),
        };
        let fp = Seg { family: Family::Mono, size_pt: Style::Fingerprint.size_pt(), text: doc.fingerprint.clone() };
        let mut segs = vec![label, fp];
        let w = setter.segs_width(&segs);
        if w > setter.width {
            for s in &mut segs {
                s.size_pt *= setter.width / w;
            }
        }
        let (fp_draws, fp_end) = setter.draw_segs(&segs, 0.0, baseline);
        draws.extend(fp_draws);
        // "page i of n", bold, flush right on the same line (if there is room).
        let page_label = [Seg {
            family: Family::SansBold,
            size_pt: Style::HeaderLabel.size_pt(),
            text: format!("page {} of {}", page + 1, pages),
        }];
        let label_w = setter.segs_width(&page_label);
        if fp_end + 2.0 * CODE_GAP_MM + label_w <= setter.width {
            draws.extend(setter.draw_segs(&page_label, setter.width - label_w, baseline).0);
        }
        y += Style::Fingerprint.leading_mm();
        for text in [meta_line(doc, page, pages), k_of_n_line(doc, pages, code_pages)] {
            let seg = Self::fitted(setter, Style::Meta, text);
            draws.extend(setter.draw_segs(&[seg], 0.0, y + setter.baseline_in(Style::Meta)).0);
            y += Style::Meta.leading_mm();
        }
        let rule_y = top + self.height + HEADER_BODY_GAP_MM / 2.0;
        draws.push(Draw::Line { x1: 0.0, y1: rule_y, x2: setter.width, y2: rule_y, width: HEADER_RULE_MM });
        draws
    }

    pub(super) fn texts(doc: &SheetDoc) -> Vec<(Family, String)> {
        vec![
            (Style::Title.family(), doc.title.clone()),
            (Style::HeaderLabel.family(), doc.fingerprint_label.clone()),
            (Family::Mono, doc.fingerprint.clone()),
            (Style::Meta.family(), meta_line(doc, 0, 1)),
            (Style::Meta.family(), k_of_n_line(doc, 2, 2)),
        ]
    }
}
