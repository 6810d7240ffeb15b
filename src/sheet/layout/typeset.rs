//! Typesetting: blocks into lines of measured text (wrapping, hanging
//! indents, verbatim lines, tables), each line an [`Item`] the flow stacks.

use super::super::fonts::{Family, FontId, Fonts};
use super::super::geometry::*;
use super::EPS;
use super::blocks::*;
use super::draw::*;

/// A piece of one line in one family and size.
#[derive(Debug, Clone)]
pub(super) struct Seg {
    pub(super) family: Family,
    pub(super) size_pt: f32,
    pub(super) text: String,
}

/// Something the flow stacks: a line, a table row, or space.
#[derive(Debug, Clone)]
pub(super) struct Item {
    /// The [`Block::DataEnd`] marker.
    pub(super) data_end: bool,
    pub(super) height: f32,
    /// Must sit in the same region as the next item.
    pub(super) keep_with_next: bool,
    /// Vertical space: dropped at the top of a region.
    pub(super) space: bool,
    /// Relative to the item's top-left corner (column left, item top).
    pub(super) draws: Vec<Draw>,
}

impl Item {
    pub(super) fn space(h: f32) -> Item {
        Item { data_end: false, height: h, keep_with_next: false, space: true, draws: Vec::new() }
    }
}

pub(super) struct Setter<'f, 'a> {
    pub(super) fonts: &'f Fonts<'a>,
    /// Column width, mm.
    pub(super) width: f32,
}

impl Setter<'_, '_> {
    pub(super) fn char_width(&self, family: Family, c: char, size_pt: f32) -> f32 {
        let mut buf = [0u8; 4];
        self.fonts.width_mm(family, c.encode_utf8(&mut buf), size_pt)
    }

    /// Draw segments left to right from `x` on `baseline`; returns the draws and the end x.
    pub(super) fn draw_segs(&self, segs: &[Seg], x: f32, baseline: f32) -> (Vec<Draw>, f32) {
        let mut draws = Vec::new();
        let mut x = x;
        for seg in segs {
            for run in self.fonts.runs(seg.family, &seg.text) {
                let text = &seg.text[run.range.clone()];
                let width = self.fonts.run_width_mm(run.font, text, seg.size_pt);
                if !text.trim().is_empty() {
                    let (ascent, descent) = self.fonts.extent_mm(run.font, seg.size_pt);
                    draws.push(Draw::Text(TextRun {
                        font: run.font,
                        size_pt: seg.size_pt,
                        x,
                        baseline,
                        text: text.to_string(),
                        width,
                        ascent,
                        descent,
                    }));
                }
                x += width;
            }
        }
        (draws, x)
    }

    pub(super) fn segs_width(&self, segs: &[Seg]) -> f32 {
        segs.iter().map(|s| self.fonts.width_mm(s.family, &s.text, s.size_pt)).sum()
    }

    /// Baseline offset from the top of a line box of `style`.
    pub(super) fn baseline_in(&self, style: Style) -> f32 {
        let font = match style.family() {
            Family::Mono => FontId::OcrB,
            Family::Sans => FontId::Sans,
            Family::SansBold => FontId::SansBold,
        };
        let (asc, desc) = self.fonts.extent_mm(font, style.size_pt());
        (style.leading_mm() - asc - desc).max(0.0) / 2.0 + asc
    }

    /// One line item of `style` with the segments starting at `indent`.
    pub(super) fn line_item(&self, style: Style, segs: &[Seg], indent: f32, keep: bool) -> Item {
        let (draws, _) = self.draw_segs(segs, indent, self.baseline_in(style));
        Item { data_end: false, height: style.leading_mm(), keep_with_next: keep, space: false, draws }
    }

    /// Greedy word wrap of rich text to `width`; words longer than a line are
    /// broken between characters.
    pub(super) fn wrap_spans(&self, style: Style, spans: &[Span], width: f32) -> Vec<Vec<Seg>> {
        let size = style.size_pt();
        // Tokenise into words (a word may mix spans, e.g. `cmd`,) and spaces.
        enum Tok {
            Word(Vec<Seg>),
            Space(Family),
        }
        let mut toks: Vec<Tok> = Vec::new();
        let mut word: Vec<Seg> = Vec::new();
        for span in spans {
            let family = span.family(style);
            for c in span.text.chars() {
                if c == ' ' && span.kind != SpanKind::Code {
                    if !word.is_empty() {
                        toks.push(Tok::Word(std::mem::take(&mut word)));
                    }
                    if !matches!(toks.last(), Some(Tok::Space(_)) | None) {
                        toks.push(Tok::Space(family));
                    }
                } else {
                    match word.last_mut() {
                        Some(seg) if seg.family == family => seg.text.push(c),
                        _ => word.push(Seg { family, size_pt: size, text: c.to_string() }),
                    }
                }
            }
        }
        if !word.is_empty() {
            toks.push(Tok::Word(word));
        }

        let mut lines: Vec<Vec<Seg>> = Vec::new();
        let mut line: Vec<Seg> = Vec::new();
        let mut line_w = 0.0f32;
        let mut pending_space: Option<Family> = None;
        let push = |line: &mut Vec<Seg>, seg: Seg| match line.last_mut() {
            Some(last) if last.family == seg.family => last.text.push_str(&seg.text),
            _ => line.push(seg),
        };
        for tok in toks {
            match tok {
                Tok::Space(f) => pending_space = Some(f),
                Tok::Word(segs) => {
                    let w = self.segs_width(&segs);
                    let space_w = pending_space.map_or(0.0, |f| self.char_width(f, ' ', size));
                    if !line.is_empty() && line_w + space_w + w <= width + EPS {
                        if let Some(f) = pending_space {
                            push(&mut line, Seg { family: f, size_pt: size, text: " ".into() });
                        }
                        line_w += space_w + w;
                        for s in segs {
                            push(&mut line, s);
                        }
                    } else {
                        if !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line_w = 0.0;
                        }
                        if w <= width + EPS {
                            line_w = w;
                            for s in segs {
                                push(&mut line, s);
                            }
                        } else {
                            // Break the word between characters.
                            for s in segs {
                                for c in s.text.chars() {
                                    let cw = self.char_width(s.family, c, size);
                                    if !line.is_empty() && line_w + cw > width + EPS {
                                        lines.push(std::mem::take(&mut line));
                                        line_w = 0.0;
                                    }
                                    push(&mut line, Seg { family: s.family, size_pt: size, text: c.to_string() });
                                    line_w += cw;
                                }
                            }
                        }
                    }
                    pending_space = None;
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Wrap one verbatim line: returns (indent, text) pieces. Breaks at the
    /// last space that fits, else between characters; continuations are
    /// indented by the line's own indentation plus two characters.
    pub(super) fn wrap_verbatim(&self, style: Style, text: &str, width: f32) -> Vec<(f32, String)> {
        let (family, size) = (style.family(), style.size_pt());
        if self.fonts.width_mm(family, text, size) <= width + EPS {
            return vec![(0.0, text.to_string())];
        }
        let lead = text.len() - text.trim_start_matches(' ').len();
        let mut cont_indent =
            self.fonts.width_mm(family, &text[..lead], size) + self.fonts.width_mm(family, "  ", size);
        if cont_indent > width / 2.0 {
            cont_indent = 0.0;
        }
        let mut out = Vec::new();
        let mut rest = text;
        let mut first = true;
        while !rest.is_empty() {
            let indent = if first { 0.0 } else { cont_indent };
            let avail = width - indent;
            if self.fonts.width_mm(family, rest, size) <= avail + EPS {
                out.push((indent, rest.to_string()));
                break;
            }
            let mut fit_end = 0;
            let mut w = 0.0;
            for (i, c) in rest.char_indices() {
                w += self.char_width(family, c, size);
                if w > avail + EPS {
                    break;
                }
                fit_end = i + c.len_utf8();
            }
            if fit_end == 0 {
                fit_end = rest.chars().next().map_or(rest.len(), char::len_utf8);
            }
            let min_break = if first { lead } else { 0 };
            let at_space = rest[..fit_end].rfind(' ').filter(|&b| b > min_break && !rest[..b].trim().is_empty());
            let (piece, next) = match at_space {
                Some(b) => (rest[..b].trim_end(), rest[b..].trim_start_matches(' ')),
                None => (&rest[..fit_end], &rest[fit_end..]),
            };
            out.push((indent, piece.to_string()));
            rest = next;
            first = false;
        }
        out
    }

    pub(super) fn block_items(&self, block: &Block, out: &mut Vec<Item>) {
        match block {
            Block::Heading(text) | Block::Subheading(text) => {
                let style = if matches!(block, Block::Heading(_)) { Style::Heading } else { Style::Subheading };
                if matches!(block, Block::Heading(_)) {
                    out.push(Item::space(SECTION_GAP_MM));
                }
                for line in self.wrap_spans(style, &[Span::plain(text.clone())], self.width) {
                    out.push(self.line_item(style, &line, 0.0, true));
                }
            }
            Block::Paragraph { style, spans } => {
                let start = out.len();
                for line in self.wrap_spans(*style, spans, self.width) {
                    out.push(self.line_item(*style, &line, 0.0, false));
                }
                no_orphans(&mut out[start..]);
                out.push(Item::space(PARAGRAPH_GAP_MM));
            }
            Block::Numbered { style, items } => {
                for (i, spans) in items.iter().enumerate() {
                    let lines = self.wrap_spans(*style, spans, self.width - LIST_INDENT_MM);
                    let start = out.len();
                    for (j, line) in lines.iter().enumerate() {
                        let mut item = self.line_item(*style, line, LIST_INDENT_MM, false);
                        if j == 0 {
                            let label =
                                [Seg { family: style.family(), size_pt: style.size_pt(), text: format!("{}.", i + 1) }];
                            let (draws, _) = self.draw_segs(&label, 0.0, self.baseline_in(*style));
                            item.draws.extend(draws);
                        }
                        out.push(item);
                    }
                    no_orphans(&mut out[start..]);
                    out.push(Item::space(PARAGRAPH_GAP_MM / 2.0));
                }
                out.push(Item::space(PARAGRAPH_GAP_MM / 2.0));
            }
            Block::Lines { style, lines } => {
                // A wrapped line stays whole; a short block stays whole.
                let start = out.len();
                for line in lines {
                    let pieces = self.wrap_verbatim(*style, line, self.width);
                    let last = pieces.len() - 1;
                    for (j, (indent, text)) in pieces.into_iter().enumerate() {
                        let seg = [Seg { family: style.family(), size_pt: style.size_pt(), text }];
                        out.push(self.line_item(*style, &seg, indent, j < last));
                    }
                }
                let height: f32 = out[start..].iter().map(|i| i.height).sum();
                if height <= KEEP_TOGETHER_MM
                    && let Some((_, body)) = out[start..].split_last_mut()
                {
                    body.iter_mut().for_each(|i| i.keep_with_next = true);
                }
            }
            Block::Table(table) => self.table_items(table, out),
            Block::Space(h) => out.push(Item::space(*h)),
            Block::DataEnd => out.push(Item { data_end: true, ..Item::space(0.0) }),
            Block::Rule { length, thickness } => {
                let y = thickness / 2.0;
                let line = Draw::Line { x1: 0.0, y1: y, x2: *length, y2: y, width: *thickness };
                out.push(Item {
                    data_end: false,
                    height: *thickness,
                    keep_with_next: false,
                    space: false,
                    draws: vec![line],
                });
            }
            Block::Group(blocks) => {
                let start = out.len();
                for b in blocks {
                    self.block_items(b, out);
                }
                if let Some(last) = out[start..].iter().rposition(|i| !i.space) {
                    out[start..start + last].iter_mut().for_each(|i| i.keep_with_next = true);
                }
            }
        }
    }

    pub(super) fn table_items(&self, table: &Table, out: &mut Vec<Item>) {
        let total: f32 = table.columns.iter().map(|c| c.fraction).sum::<f32>().max(EPS);
        let mut xs = vec![0.0f32];
        for c in &table.columns {
            let last = *xs.last().unwrap_or(&0.0);
            xs.push(last + c.fraction / total * self.width);
        }
        // Keep the outer strokes inside the column.
        let half = THIN_RULE_MM / 2.0;
        xs[0] = half;
        if let Some(last) = xs.last_mut() {
            *last -= half;
        }
        let row = |cells: Vec<&str>, style: Style, height: f32, top_rule: bool, keep: bool| {
            let mut draws = Vec::new();
            let rule = |x1: f32, y1: f32, x2: f32, y2: f32| Draw::Line { x1, y1, x2, y2, width: THIN_RULE_MM };
            if top_rule {
                draws.push(rule(0.0, 0.0, self.width, 0.0));
            }
            draws.push(rule(0.0, height, self.width, height));
            for &x in &xs {
                draws.push(rule(x, 0.0, x, height));
            }
            let (asc, desc) = self.fonts.extent_mm(FontId::Sans, style.size_pt());
            let baseline = (height - asc - desc) / 2.0 + asc;
            for (i, text) in cells.into_iter().enumerate() {
                let cell_w = xs[i + 1] - xs[i] - 2.0 * TABLE_CELL_PAD_MM;
                // Cells hold one line; shrink a text that is too long.
                let mut size = style.size_pt();
                let w = self.fonts.width_mm(style.family(), text, size);
                if w > cell_w && w > 0.0 {
                    size *= cell_w / w;
                }
                let seg = [Seg { family: style.family(), size_pt: size, text: text.to_string() }];
                draws.extend(self.draw_segs(&seg, xs[i] + TABLE_CELL_PAD_MM, baseline).0);
            }
            Item { data_end: false, height, keep_with_next: keep, space: false, draws }
        };
        let titles: Vec<&str> = table.columns.iter().map(|c| c.title.as_str()).collect();
        out.push(row(titles, Style::TableHead, TABLE_HEAD_ROW_MM, true, !table.rows.is_empty()));
        for (i, cells) in table.rows.iter().enumerate() {
            let cells: Vec<&str> = (0..table.columns.len()).map(|c| cells.get(c).map_or("", |s| s.as_str())).collect();
            out.push(row(cells, Style::Table, TABLE_ROW_MM, false, i + 1 < table.rows.len()));
        }
        out.push(Item::space(PARAGRAPH_GAP_MM));
    }
}

/// Keep the first two and the last two lines of a paragraph together, so a
/// page never starts or ends with a lone line of it.
pub(super) fn no_orphans(lines: &mut [Item]) {
    let n = lines.len();
    if n >= 2 {
        lines[0].keep_with_next = true;
        lines[n - 2].keep_with_next = true;
    }
}
