//! Pure layout: a [`SheetDoc`] and a list of [`Block`]s in, pages of
//! positioned [`Draw`] items out. No PDF here — [`super::pdf`] paints the result.
//!
//! Every page has the same header. Codes are placed in a grid whose rows are
//! split between a band at the top of the body and a band at the bottom of
//! the page, so that a stain or a torn corner takes out as few codes as
//! possible; text flows between the bands, then onto pages of its own. The
//! module size is the largest in 0.5–1.0 mm that gives the fewest pages
//! (see [`layout`] for the finer rules).

use super::fonts::{Family, FontId, Fonts};
use super::geometry::*;
use super::{SheetDoc, SheetError};

/// Tolerance for float comparisons of positions, in mm.
const EPS: f32 = 1e-3;

/// Text styles: font family, size and line height, each named in [`geometry`](super::geometry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    Title,
    Fingerprint,
    HeaderLabel,
    Meta,
    /// Section heading ("How to restore").
    Heading,
    /// Heading of one secret.
    Subheading,
    /// Secrets in clear: large OCR-B.
    Secret,
    /// Other monospaced lines (format v1's recovery text).
    Mono,
    /// The recovery text (format v2): OCR-B at the monospaced size, tighter leading.
    Recovery,
    /// Prose.
    Body,
    /// Fine print (the format paragraph).
    Small,
    Caption,
    Table,
    TableHead,
}

impl Style {
    pub fn family(self) -> Family {
        match self {
            Style::Fingerprint | Style::Secret | Style::Mono | Style::Recovery => Family::Mono,
            Style::Title | Style::Heading | Style::Subheading | Style::TableHead => Family::SansBold,
            Style::HeaderLabel | Style::Meta | Style::Body | Style::Small | Style::Caption | Style::Table => {
                Family::Sans
            }
        }
    }

    pub fn size_pt(self) -> f32 {
        match self {
            Style::Title => TITLE_PT,
            Style::Fingerprint => FINGERPRINT_PT,
            Style::HeaderLabel => HEADER_LABEL_PT,
            Style::Meta => META_PT,
            Style::Heading => HEADING_PT,
            Style::Subheading => SUBHEADING_PT,
            Style::Secret => SECRET_PT,
            Style::Mono | Style::Recovery => MONO_PT,
            Style::Body => BODY_PT,
            Style::Small => SMALL_PT,
            Style::Caption => CAPTION_PT,
            Style::Table | Style::TableHead => TABLE_PT,
        }
    }

    /// Height of one line, in mm.
    pub fn leading_mm(self) -> f32 {
        let factor = match self {
            Style::Mono | Style::Fingerprint => MONO_LEADING,
            Style::Secret => SECRET_LEADING,
            Style::Recovery => RECOVERY_LEADING,
            Style::Title | Style::Heading | Style::Subheading => HEADING_LEADING,
            _ => PROSE_LEADING,
        };
        pt_to_mm(self.size_pt() * factor)
    }
}

/// How a span of rich text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// In the block's style.
    Plain,
    /// Monospaced (commands, fingerprints).
    Code,
    /// Bold.
    Bold,
}

/// A piece of rich text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub kind: SpanKind,
}

impl Span {
    pub fn plain(text: impl Into<String>) -> Span {
        Span { text: text.into(), kind: SpanKind::Plain }
    }
    pub fn code(text: impl Into<String>) -> Span {
        Span { text: text.into(), kind: SpanKind::Code }
    }
    pub fn bold(text: impl Into<String>) -> Span {
        Span { text: text.into(), kind: SpanKind::Bold }
    }

    fn family(&self, style: Style) -> Family {
        match self.kind {
            SpanKind::Plain => style.family(),
            SpanKind::Code => Family::Mono,
            SpanKind::Bold => Family::SansBold,
        }
    }
}

/// Parse the sheet's own light markup: `` `code` `` and `**bold**`. Only for
/// text this program writes — user text goes in [`Span::plain`].
pub fn rich(markup: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut kind = SpanKind::Plain;
    let mut cur = String::new();
    let mut rest = markup;
    while let Some(c) = rest.chars().next() {
        let toggle = if c == '`' && kind != SpanKind::Bold {
            Some((SpanKind::Code, 1))
        } else if rest.starts_with("**") && kind != SpanKind::Code {
            Some((SpanKind::Bold, 2))
        } else {
            None
        };
        match toggle {
            Some((k, len)) => {
                if !cur.is_empty() {
                    spans.push(Span { text: std::mem::take(&mut cur), kind });
                }
                kind = if kind == k { SpanKind::Plain } else { k };
                rest = &rest[len..];
            }
            None => {
                cur.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !cur.is_empty() {
        spans.push(Span { text: cur, kind });
    }
    spans
}

/// A table column: its title and its share of the column width.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    pub fraction: f32,
}

/// A ruled table. Rows of empty strings are left blank for handwriting.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

/// One unit of the text flow. Blocks are flowed top to bottom between the
/// code bands and onto further pages, breaking between lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading, kept with what follows.
    Heading(String),
    /// A smaller heading (one secret's), kept with what follows.
    Subheading(String),
    /// A paragraph of rich text, wrapped to the column.
    Paragraph { style: Style, spans: Vec<Span> },
    /// A numbered list of rich-text items with a hanging indent.
    Numbered { style: Style, items: Vec<Vec<Span>> },
    /// Verbatim lines (spaces kept); a line too long for the column wraps,
    /// preferably at a space, its continuation indented.
    Lines { style: Style, lines: Vec<String> },
    /// A ruled table.
    Table(Table),
    /// Vertical space in mm (dropped at the top of a page).
    Space(f32),
    /// Blocks kept on one page together (unless they are taller than a page).
    Group(Vec<Block>),
    /// A solid horizontal bar from the column's left edge, `length` mm long
    /// and `thickness` mm thick (the recovery text's marks).
    Rule { length: f32, thickness: f32 },
    /// The end of the sheet's data (codes, secrets, recovery text): the
    /// layout prefers module sizes that keep everything before this marker,
    /// and every code, on page 1. Prints nothing.
    DataEnd,
}

/// A run of text in one font.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub font: FontId,
    pub size_pt: f32,
    /// Left end of the baseline, mm.
    pub x: f32,
    pub baseline: f32,
    pub text: String,
    /// Advance width, mm.
    pub width: f32,
    /// Font ascender and descender at this size, mm (both positive).
    pub ascent: f32,
    pub descent: f32,
}

impl TextRun {
    /// The box the run's glyphs are drawn in (advance × ascender+descender).
    pub fn bbox(&self) -> RectMm {
        RectMm::new(self.x, self.baseline - self.ascent, self.width, self.ascent + self.descent)
    }
}

/// One QR code on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeCell {
    /// Position in [`SheetDoc::codes`].
    pub code: usize,
    /// Shard index (0-based).
    pub index: usize,
    /// The symbol's modules, without the quiet zone.
    pub symbol: RectMm,
    pub module_mm: f32,
}

impl CodeCell {
    /// The symbol with its quiet zone: must stay blank but for the symbol.
    pub fn with_quiet_zone(&self) -> RectMm {
        self.symbol.inflate(QUIET_ZONE_MODULES as f32 * self.module_mm)
    }
}

/// Something to paint.
#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    Text(TextRun),
    Code(CodeCell),
    /// A straight line, stroked `width` mm thick.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
}

impl Draw {
    fn offset(mut self, dx: f32, dy: f32) -> Draw {
        match &mut self {
            Draw::Text(t) => {
                t.x += dx;
                t.baseline += dy;
            }
            Draw::Code(c) => {
                c.symbol.x += dx;
                c.symbol.y += dy;
            }
            Draw::Line { x1, y1, x2, y2, .. } => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
        }
        self
    }

    /// The area the item paints (a code: with its quiet zone).
    pub fn bbox(&self) -> RectMm {
        match self {
            Draw::Text(t) => t.bbox(),
            Draw::Code(c) => c.with_quiet_zone(),
            Draw::Line { x1, y1, x2, y2, width } => {
                // Butt caps: a stroke widens a line across its direction only.
                let (l, r) = (x1.min(*x2), x1.max(*x2));
                let (t, b) = (y1.min(*y2), y1.max(*y2));
                let (dx, dy) = if y1 == y2 {
                    (0.0, width / 2.0)
                } else if x1 == x2 {
                    (width / 2.0, 0.0)
                } else {
                    (width / 2.0, width / 2.0)
                };
                RectMm::new(l - dx, t - dy, r - l + 2.0 * dx, b - t + 2.0 * dy)
            }
        }
    }
}

/// One laid-out page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLayout {
    pub draws: Vec<Draw>,
}

/// Where a code sits: for scanners and tests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodePlacement {
    /// Shard index (0-based).
    pub index: usize,
    /// Page (0-based).
    pub page: usize,
    /// The symbol without quiet zone, mm from the top-left of the page.
    pub symbol: RectMm,
    pub module_mm: f32,
}

/// The whole document, laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Page width and height in mm.
    pub page_mm: (f32, f32),
    pub pages: Vec<PageLayout>,
    /// Module size of every code, mm (0 without codes).
    pub module_mm: f32,
    /// Columns of the code grid.
    pub columns: usize,
    /// Pages that carry codes (the first ones).
    pub code_pages: usize,
    /// The page (0-based) where the data ends ([`Block::DataEnd`]).
    pub data_page: usize,
}

impl Layout {
    /// Every code's page and rectangle, in shard order as in [`SheetDoc::codes`].
    pub fn code_placements(&self) -> Vec<CodePlacement> {
        let mut out = Vec::new();
        for (page, p) in self.pages.iter().enumerate() {
            for d in &p.draws {
                if let Draw::Code(c) = d {
                    out.push((
                        c.code,
                        CodePlacement { index: c.index, page, symbol: c.symbol, module_mm: c.module_mm },
                    ));
                }
            }
        }
        out.sort_by_key(|(code, _)| *code);
        out.into_iter().map(|(_, p)| p).collect()
    }
}

// ---------------------------------------------------------------------------
// Text setting
// ---------------------------------------------------------------------------

/// A piece of one line in one family and size.
#[derive(Debug, Clone)]
struct Seg {
    family: Family,
    size_pt: f32,
    text: String,
}

/// Something the flow stacks: a line, a table row, or space.
#[derive(Debug, Clone)]
struct Item {
    /// The [`Block::DataEnd`] marker.
    data_end: bool,
    height: f32,
    /// Must sit in the same region as the next item.
    keep_with_next: bool,
    /// Vertical space: dropped at the top of a region.
    space: bool,
    /// Relative to the item's top-left corner (column left, item top).
    draws: Vec<Draw>,
}

impl Item {
    fn space(h: f32) -> Item {
        Item { data_end: false, height: h, keep_with_next: false, space: true, draws: Vec::new() }
    }
}

struct Setter<'f, 'a> {
    fonts: &'f Fonts<'a>,
    /// Column width, mm.
    width: f32,
}

impl Setter<'_, '_> {
    fn char_width(&self, family: Family, c: char, size_pt: f32) -> f32 {
        let mut buf = [0u8; 4];
        self.fonts.width_mm(family, c.encode_utf8(&mut buf), size_pt)
    }

    /// Draw segments left to right from `x` on `baseline`; returns the draws and the end x.
    fn draw_segs(&self, segs: &[Seg], x: f32, baseline: f32) -> (Vec<Draw>, f32) {
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

    fn segs_width(&self, segs: &[Seg]) -> f32 {
        segs.iter().map(|s| self.fonts.width_mm(s.family, &s.text, s.size_pt)).sum()
    }

    /// Baseline offset from the top of a line box of `style`.
    fn baseline_in(&self, style: Style) -> f32 {
        let font = match style.family() {
            Family::Mono => FontId::OcrB,
            Family::Sans => FontId::Sans,
            Family::SansBold => FontId::SansBold,
        };
        let (asc, desc) = self.fonts.extent_mm(font, style.size_pt());
        (style.leading_mm() - asc - desc).max(0.0) / 2.0 + asc
    }

    /// One line item of `style` with the segments starting at `indent`.
    fn line_item(&self, style: Style, segs: &[Seg], indent: f32, keep: bool) -> Item {
        let (draws, _) = self.draw_segs(segs, indent, self.baseline_in(style));
        Item { data_end: false, height: style.leading_mm(), keep_with_next: keep, space: false, draws }
    }

    /// Greedy word wrap of rich text to `width`; words longer than a line are
    /// broken between characters.
    fn wrap_spans(&self, style: Style, spans: &[Span], width: f32) -> Vec<Vec<Seg>> {
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
    fn wrap_verbatim(&self, style: Style, text: &str, width: f32) -> Vec<(f32, String)> {
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

    fn block_items(&self, block: &Block, out: &mut Vec<Item>) {
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

    fn table_items(&self, table: &Table, out: &mut Vec<Item>) {
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
fn no_orphans(lines: &mut [Item]) {
    let n = lines.len();
    if n >= 2 {
        lines[0].keep_with_next = true;
        lines[n - 2].keep_with_next = true;
    }
}

/// Every (family, text) pair a block will print, for the glyph check.
fn block_texts(block: &Block) -> Vec<(Family, String)> {
    match block {
        Block::Heading(t) => vec![(Style::Heading.family(), t.clone())],
        Block::Subheading(t) => vec![(Style::Subheading.family(), t.clone())],
        Block::Paragraph { style, spans } => spans.iter().map(|s| (s.family(*style), s.text.clone())).collect(),
        Block::Numbered { style, items } => {
            items.iter().flatten().map(|s| (s.family(*style), s.text.clone())).collect()
        }
        Block::Lines { style, lines } => lines.iter().map(|l| (style.family(), l.clone())).collect(),
        Block::Table(t) => t
            .columns
            .iter()
            .map(|c| (Style::TableHead.family(), c.title.clone()))
            .chain(t.rows.iter().flatten().map(|c| (Style::Table.family(), c.clone())))
            .collect(),
        Block::Space(_) | Block::Rule { .. } | Block::DataEnd => Vec::new(),
        Block::Group(blocks) => blocks.iter().flat_map(block_texts).collect(),
    }
}

// ---------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------

/// How much of each level of QR error correction survives, for the header.
fn ecc_words(ecc: super::Ecc) -> &'static str {
    match ecc {
        super::Ecc::L => "~7%",
        super::Ecc::M => "~15%",
        super::Ecc::Q => "~25%",
        super::Ecc::H => "~30%",
    }
}

fn meta_line(doc: &SheetDoc, page: usize, pages: usize) -> String {
    format!("{} · page {} of {} · {} · format v{}", doc.date, page + 1, pages, doc.program, doc.format_version)
}

fn k_of_n_line(doc: &SheetDoc, pages: usize, code_pages: usize) -> String {
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

struct Header {
    title_lines: Vec<Vec<Seg>>,
    height: f32,
}

impl Header {
    fn new(setter: &Setter, doc: &SheetDoc) -> Header {
        let title_lines = setter.wrap_spans(Style::Title, &[Span::plain(doc.title.clone())], setter.width);
        let height = title_lines.len() as f32 * Style::Title.leading_mm()
            + HEADER_TITLE_GAP_MM
            + Style::Fingerprint.leading_mm()
            + 2.0 * Style::Meta.leading_mm();
        Header { title_lines, height }
    }

    /// Distance from the top margin to the first body line.
    fn body_offset(&self) -> f32 {
        self.height + HEADER_BODY_GAP_MM
    }

    /// A single line shrunk to fit the column if it must.
    fn fitted(setter: &Setter, style: Style, text: String) -> Seg {
        let mut size = style.size_pt();
        let w = setter.fonts.width_mm(style.family(), &text, size);
        if w > setter.width {
            size *= setter.width / w;
        }
        Seg { family: style.family(), size_pt: size, text }
    }

    fn draws(
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

    fn texts(doc: &SheetDoc) -> Vec<(Family, String)> {
        vec![
            (Style::Title.family(), doc.title.clone()),
            (Style::HeaderLabel.family(), doc.fingerprint_label.clone()),
            (Family::Mono, doc.fingerprint.clone()),
            (Style::Meta.family(), meta_line(doc, 0, 1)),
            (Style::Meta.family(), k_of_n_line(doc, 2, 2)),
        ]
    }
}

fn caption(doc: &SheetDoc, index: usize) -> String {
    format!("code {} of {}", index + 1, doc.n)
}

// ---------------------------------------------------------------------------
// Code grid and flow
// ---------------------------------------------------------------------------

/// The code grid for one module size.
#[derive(Debug, Clone)]
struct Grid {
    module_mm: f32,
    columns: usize,
    cell_side: f32,
    cell_height: f32,
    /// Code rows on each code page.
    rows: Vec<usize>,
}

impl Grid {
    fn new(module_mm: f32, codes: usize, modules: usize, width: f32, body_height: f32) -> Option<Grid> {
        let cell_side = code_side_mm(modules, module_mm);
        let cell_height = code_cell_height_mm(modules, module_mm);
        let fit = columns_that_fit(width, cell_side).min(codes);
        let rows_max = rows_that_fit(body_height, cell_height);
        if fit == 0 || rows_max == 0 {
            return None;
        }
        let rows_total = codes.div_ceil(fit);
        // Balance: 4 codes in a grid of 3 columns are better as 2 × 2.
        let columns = codes.div_ceil(rows_total);
        let pages = rows_total.div_ceil(rows_max);
        let rows = (0..pages).map(|p| rows_total / pages + usize::from(p < rows_total % pages)).collect();
        Some(Grid { module_mm, columns, cell_side, cell_height, rows })
    }

    /// Rows in the top band and in the bottom band of code page `p`.
    fn bands(&self, p: usize) -> (usize, usize) {
        let r = self.rows.get(p).copied().unwrap_or(0);
        (r.div_ceil(2), r / 2)
    }
}

#[derive(Debug, Clone, Copy)]
struct Region {
    page: usize,
    top: f32,
    bottom: f32,
}

/// The printable area of a page, and where its body starts under the header
/// (not a [`crate::format::Frame`], the text of a code).
struct PageFrame {
    area: RectMm,
    body_top: f32,
}

impl PageFrame {
    fn region(&self, grid: Option<&Grid>, i: usize) -> Region {
        let code_pages = grid.map_or(0, |g| g.rows.len());
        match grid {
            Some(g) if i < code_pages => {
                let (top_rows, bottom_rows) = g.bands(i);
                let top = if top_rows > 0 {
                    self.body_top + band_height_mm(top_rows, g.cell_height) + BAND_GAP_MM
                } else {
                    self.body_top
                };
                let bottom = if bottom_rows > 0 {
                    self.area.bottom() - band_height_mm(bottom_rows, g.cell_height) - BAND_GAP_MM
                } else {
                    self.area.bottom()
                };
                Region { page: i, top, bottom }
            }
            _ => Region { page: i, top: self.body_top, bottom: self.area.bottom() },
        }
    }
}

/// Flow `items` through the regions; returns (page, draw) pairs in absolute
/// coordinates, the number of pages used, and the page where the
/// [`Block::DataEnd`] marker fell (0 without a marker).
fn flow(items: &[Item], frame: &PageFrame, grid: Option<&Grid>) -> Result<(Placed, usize, usize), SheetError> {
    let max_height = frame.area.bottom() - frame.body_top;
    let code_pages = grid.map_or(0, |g| g.rows.len());
    let mut out = Vec::new();
    let mut ri = 0;
    let mut region = frame.region(grid, ri);
    let mut y = region.top;
    let mut empty = true;
    let mut data_page = 0;
    let mut i = 0;
    while i < items.len() {
        let item = &items[i];
        if item.data_end {
            data_page = region.page;
        }
        if item.space {
            if !empty {
                y += item.height;
            }
            i += 1;
            continue;
        }
        // The chain of items that must stay together.
        let mut j = i;
        while items[j].keep_with_next && j + 1 < items.len() {
            j += 1;
        }
        let chain: f32 = items[i..=j].iter().map(|it| it.height).sum();
        let take = if y + chain <= region.bottom + EPS {
            j + 1 - i
        } else if chain > max_height && y + item.height <= region.bottom + EPS {
            1 // the chain fits nowhere whole: let it break
        } else {
            0
        };
        if take == 0 {
            if empty && ri >= code_pages && item.height > max_height {
                return Err(SheetError::Layout(format!("an item {:.1} mm tall does not fit a page", item.height)));
            }
            ri += 1;
            region = frame.region(grid, ri);
            y = region.top;
            empty = true;
            continue;
        }
        for it in &items[i..i + take] {
            for d in &it.draws {
                out.push((region.page, d.clone().offset(frame.area.x, y)));
            }
            y += it.height;
        }
        empty = false;
        i += take;
    }
    let pages = (region.page + 1).max(code_pages).max(1);
    Ok((out, pages, data_page))
}

/// The draws of the code grid (absolute coordinates), with captions.
fn code_draws(setter: &Setter, doc: &SheetDoc, frame: &PageFrame, grid: &Grid, modules: usize) -> Vec<(usize, Draw)> {
    let mut out = Vec::new();
    let xs = column_xs(frame.area, grid.columns, grid.cell_side);
    let m = grid.module_mm;
    let qz = QUIET_ZONE_MODULES as f32 * m;
    let mut next = 0;
    for (page, _) in grid.rows.iter().enumerate() {
        let (top_rows, bottom_rows) = grid.bands(page);
        let row_step = grid.cell_height + CODE_ROW_GAP_MM;
        let ys = (0..top_rows).map(|r| frame.body_top + r as f32 * row_step).chain(
            (0..bottom_rows).map(|r| frame.area.bottom() - grid.cell_height - (bottom_rows - 1 - r) as f32 * row_step),
        );
        for y in ys {
            for &x in &xs {
                let Some(code) = doc.codes.get(next) else {
                    break;
                };
                let w = code.symbol.width;
                let offset = (modules - w) as f32 / 2.0 * m;
                let side = w as f32 * m;
                // Symbols start on the 300 dpi pixel grid of the page, like
                // their module size (see MODULE_STEP_MM); the shift is below
                // a tenth of a millimetre, inside the cell's margin.
                // Right (unless that leaves the printable area) and up (away
                // from the caption).
                // PDF coordinates grow from the bottom edge: a renderer's
                // pixel rows are counted from there.
                let page_h = super::geometry::paper_size_mm(doc.paper).1;
                let floor = |v: f32| (v / MODULE_STEP_MM).floor() * MODULE_STEP_MM;
                let right = |v: f32| {
                    let up = (v / MODULE_STEP_MM).ceil() * MODULE_STEP_MM;
                    if up + side + qz <= frame.area.right() + EPS { up } else { floor(v) }
                };
                let up = |v: f32| page_h - ((page_h - v) / MODULE_STEP_MM).ceil() * MODULE_STEP_MM;
                let symbol = RectMm::new(right(x + qz + offset), up(y + qz + offset), side, side);
                out.push((page, Draw::Code(CodeCell { code: next, index: code.index, symbol, module_mm: m })));
                let seg = Seg { family: Style::Caption.family(), size_pt: CAPTION_PT, text: caption(doc, code.index) };
                let cw = setter.segs_width(std::slice::from_ref(&seg));
                let (asc, desc) = setter.fonts.extent_mm(FontId::Sans, CAPTION_PT);
                let baseline = y + grid.cell_side + (CAPTION_HEIGHT_MM - asc - desc).max(0.0) / 2.0 + asc;
                for d in setter.draw_segs(&[seg], x + (grid.cell_side - cw) / 2.0, baseline).0 {
                    out.push((page, d));
                }
                next += 1;
            }
        }
    }
    out
}

/// Draws with their page index.
type Placed = Vec<(usize, Draw)>;

/// How a code-grid candidate ranks: (data beyond page 1, pages, modules
/// below comfortable, code rows per page); smaller is better.
type CandidateKey = (bool, usize, bool, usize);

/// Lay out `doc` with the text flow `blocks`. Checks first that every
/// character can be printed.
///
/// The module size (0.5–1.0 mm, the same for every code) is chosen so that
/// page 1 holds every code and everything before [`Block::DataEnd`] (the
/// data: page 1 restores alone), then so that the sheet has the fewest
/// pages; among those, modules of at least
/// [`COMFORTABLE_MODULE_MM`] are preferred, then fewer code rows per page
/// (more room for text between the bands), then the largest modules.
pub fn layout(doc: &SheetDoc, blocks: &[Block], fonts: &Fonts) -> Result<Layout, SheetError> {
    // 1. Refuse what cannot be printed.
    let mut texts = Header::texts(doc);
    texts.extend(blocks.iter().flat_map(block_texts));
    texts.extend(doc.codes.iter().map(|c| (Style::Caption.family(), caption(doc, c.index))));
    fonts.check(texts.iter().map(|(f, t)| (*f, t.as_str())))?;

    let page_mm = paper_size_mm(doc.paper);
    let area = printable_area(doc.paper);
    let setter = Setter { fonts, width: area.w };

    // 2. Header and text items (independent of the code grid).
    let header = Header::new(&setter, doc);
    let frame = PageFrame { area, body_top: area.y + header.body_offset() };
    let mut items = Vec::new();
    for block in blocks {
        setter.block_items(block, &mut items);
    }

    // 3. The code grid: the largest modules that give the fewest pages.
    let modules = doc.codes.iter().map(|c| c.symbol.width).max().unwrap_or(0);
    let mut best: Option<(CandidateKey, Grid, Placed, usize)> = None;
    if doc.codes.is_empty() {
        let (placed, pages, data_page) = flow(&items, &frame, None)?;
        let mut l = assemble(&setter, doc, &frame, &header, page_mm, None, modules, placed, pages);
        l.data_page = data_page;
        return Ok(l);
    }
    let body_height = area.bottom() - frame.body_top;
    for m in module_candidates() {
        let Some(grid) = Grid::new(m, doc.codes.len(), modules, area.w, body_height) else {
            continue;
        };
        let (placed, pages, data_page) = flow(&items, &frame, Some(&grid))?;
        // Data on page 1; then fewest pages; then comfortable modules; then
        // (comfortable) the fewest code rows per page, leaving room for text
        // between the bands; then the largest modules (candidates come
        // largest first).
        let comfortable = m >= COMFORTABLE_MODULE_MM - EPS;
        let rows = if comfortable { grid.rows.iter().copied().max().unwrap_or(0) } else { 0 };
        let key = (data_page > 0 || grid.rows.len() > 1, pages, !comfortable, rows);
        if best.as_ref().is_none_or(|(k, _, _, _)| key < *k) {
            best = Some((key, grid, placed, data_page));
        }
    }
    let Some(((_, pages, _, _), grid, placed, data_page)) = best else {
        return Err(SheetError::Layout(format!(
            "a QR code of {modules} modules does not fit the page even at {MIN_MODULE_MM} mm per module"
        )));
    };
    let mut l = assemble(&setter, doc, &frame, &header, page_mm, Some(&grid), modules, placed, pages);
    l.data_page = data_page;
    Ok(l)
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    setter: &Setter,
    doc: &SheetDoc,
    frame: &PageFrame,
    header: &Header,
    page_mm: (f32, f32),
    grid: Option<&Grid>,
    modules: usize,
    placed: Vec<(usize, Draw)>,
    pages: usize,
) -> Layout {
    let code_pages = grid.map_or(0, |g| g.rows.len());
    let mut out: Vec<PageLayout> = (0..pages)
        .map(|p| PageLayout {
            draws: header
                .draws(setter, doc, frame.area.y, p, pages, code_pages)
                .into_iter()
                .map(|d| d.offset(frame.area.x, 0.0))
                .collect(),
        })
        .collect();
    if let Some(g) = grid {
        for (p, d) in code_draws(setter, doc, frame, g, modules) {
            out[p].draws.push(d);
        }
    }
    for (p, d) in placed {
        out[p].draws.push(d);
    }
    Layout {
        page_mm,
        pages: out,
        module_mm: grid.map_or(0.0, |g| g.module_mm),
        columns: grid.map_or(0, |g| g.columns),
        code_pages,
        data_page: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::{CodeBlock, Ecc, Paper, SecretBlock, qr};

    fn doc(codes: usize, digits: usize, paper: Paper) -> SheetDoc {
        let codes: Vec<CodeBlock> = (0..codes)
            .map(|i| {
                let body: String = (0..digits).map(|d| char::from(b'0' + ((d * 7 + i * 3) % 10) as u8)).collect();
                let text = format!("PAPERSEED1:{body}");
                CodeBlock { index: i, symbol: qr::encode(&text, Ecc::H).unwrap(), text }
            })
            .collect();
        let n = codes.len();
        SheetDoc {
            title: "Binance — account recovery".into(),
            date: "2025-01-15".into(),
            fingerprint: "K7QF-3M2X-9TRD".into(),
            fingerprint_label: "Fingerprint".into(),
            share_of: None,
            program: "paperseed 0.1.0".into(),
            format_version: 1,
            paper,
            secrets: Some(vec![
                SecretBlock {
                    heading: "1. Backup codes — Binance (10 codes)".into(),
                    lines: (1..=10).map(|i| format!("{i:>2}. a3f8-9d2c-bk4m-xy7p")).collect(),
                },
                SecretBlock {
                    heading: "2. TOTP — José (€ account)".into(),
                    lines: vec!["ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567".into()],
                },
            ]),
            codes,
            k: n.div_ceil(2).max(1),
            n,
            ecc: Ecc::H,
            payload_len: 300,
            notices: vec![],
            extra_font: None,
            recovery: Default::default(),
        }
    }

    fn lay(doc: &SheetDoc) -> Layout {
        let fonts = Fonts::new(None).unwrap();
        layout(doc, &crate::sheet::standard_blocks(doc), &fonts).unwrap()
    }

    fn check_invariants(doc: &SheetDoc, l: &Layout) {
        let area = printable_area(doc.paper);
        for (p, page) in l.pages.iter().enumerate() {
            for d in &page.draws {
                assert!(area.contains(&d.bbox()), "page {p}: {d:?} outside {area:?}");
            }
            let codes: Vec<&CodeCell> =
                page.draws.iter().filter_map(|d| if let Draw::Code(c) = d { Some(c) } else { None }).collect();
            for (i, a) in codes.iter().enumerate() {
                // Quiet zones clear of everything else on the page.
                for d in &page.draws {
                    if matches!(d, Draw::Code(c) if c.code == a.code) {
                        continue;
                    }
                    assert!(!a.with_quiet_zone().overlaps(&d.bbox()), "page {p}: {d:?} in the quiet zone of {a:?}");
                }
                for b in &codes[i + 1..] {
                    assert!(!a.with_quiet_zone().overlaps(&b.with_quiet_zone()));
                }
            }
            // Text never overlaps text.
            let texts: Vec<RectMm> = page.draws.iter().filter(|d| matches!(d, Draw::Text(_))).map(Draw::bbox).collect();
            for (i, a) in texts.iter().enumerate() {
                for b in &texts[i + 1..] {
                    assert!(!a.inflate(-0.05).overlaps(&b.inflate(-0.05)), "page {p}: text {a:?} overlaps {b:?}");
                }
            }
        }
        // Every code placed exactly once, all the same module size within bounds.
        let placements = l.code_placements();
        assert_eq!(placements.len(), doc.codes.len());
        for (i, pl) in placements.iter().enumerate() {
            assert_eq!(pl.index, doc.codes[i].index);
            assert!(pl.module_mm >= MIN_MODULE_MM - 1e-6 && pl.module_mm <= MAX_MODULE_MM + 1e-6);
            assert_eq!(pl.module_mm, l.module_mm);
        }
    }

    fn page_texts(l: &Layout, p: usize) -> String {
        l.pages[p]
            .draws
            .iter()
            .filter_map(|d| if let Draw::Text(t) = d { Some(t.text.as_str()) } else { None })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn six_codes_on_a4_and_letter() {
        for paper in [Paper::A4, Paper::Letter] {
            let d = doc(6, 250, paper);
            let l = lay(&d);
            check_invariants(&d, &l);
            assert_eq!(l.code_pages, 1, "{paper:?}");
            assert!(l.pages.len() <= 2, "{paper:?}: {} pages", l.pages.len());
            for p in 0..l.pages.len() {
                let t = page_texts(&l, p);
                assert!(t.contains(&format!("page {} of {}", p + 1, l.pages.len())), "{t}");
                assert!(t.contains("K7QF-3M2X-9TRD"));
            }
            assert!(page_texts(&l, 0).contains("code 6 of 6"));
        }
    }

    #[test]
    fn codes_are_split_between_top_and_bottom() {
        let d = doc(6, 250, Paper::A4);
        let l = lay(&d);
        let ys: Vec<f32> = l.code_placements().iter().map(|p| p.symbol.y).collect();
        let (min, max) = (ys.iter().cloned().fold(f32::MAX, f32::min), ys.iter().cloned().fold(0.0, f32::max));
        assert!(max - min > 120.0, "codes should span the page: {ys:?}");
        // Text sits between the bands.
        let area = printable_area(Paper::A4);
        assert!(max + l.code_placements()[0].symbol.h > area.bottom() - 10.0);
    }

    #[test]
    fn module_size_is_as_large_as_fits() {
        // Two small codes: plenty of room for the largest modules.
        let d = doc(2, 20, Paper::A4);
        let l = lay(&d);
        check_invariants(&d, &l);
        assert_eq!(l.module_mm, module_candidates()[0]);
    }

    #[test]
    fn pagination_for_24_and_100_codes() {
        let v15 = qr::digit_capacity("PAPERSEED1:", qr::MAX_VERSION, Ecc::H);
        for (n, digits, paper) in
            [(24, 250, Paper::A4), (100, 400, Paper::A4), (100, 400, Paper::Letter), (120, v15, Paper::A4)]
        {
            let d = doc(n, digits, paper);
            let l = lay(&d);
            check_invariants(&d, &l);
            assert!(l.code_pages >= 1);
            let pages = l.pages.len();
            for p in 0..pages {
                assert!(page_texts(&l, p).contains(&format!("page {} of {pages}", p + 1)));
            }
            let per_page: Vec<usize> =
                (0..pages).map(|p| l.code_placements().iter().filter(|c| c.page == p).count()).collect();
            assert_eq!(per_page.iter().sum::<usize>(), n);
            if n == 120 {
                assert_eq!(d.codes[0].symbol.version, 15, "the largest symbols paperseed prints");
            }
            if n == 100 {
                assert!(l.code_pages >= 2, "100 codes of v{} need several pages", d.codes[0].symbol.version);
            }
        }
    }

    #[test]
    fn long_texts_flow_onto_more_pages() {
        let mut d = doc(6, 250, Paper::A4);
        d.secrets = Some(
            (0..8)
                .map(|s| SecretBlock {
                    heading: format!("{}. Note", s + 1),
                    lines: (0..20).map(|i| format!("line {i} of a long note that goes on")).collect(),
                })
                .collect(),
        );
        let l = lay(&d);
        check_invariants(&d, &l);
        assert!(l.pages.len() >= 3, "{}", l.pages.len());
        assert!(page_texts(&l, l.pages.len() - 1).contains("Initials"));
    }

    #[test]
    fn overlong_lines_wrap_inside_the_margins() {
        let mut d = doc(3, 100, Paper::Letter);
        d.title =
            "A title that is far too long to fit on one line of the header of a sheet of paper, so it wraps".into();
        d.secrets = Some(vec![SecretBlock {
            heading: "Key".into(),
            lines: vec!["x".repeat(300), format!("  {}", "word ".repeat(40))],
        }]);
        d.notices = vec![format!("{}\nsecond paragraph", "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(6))];
        let l = lay(&d);
        check_invariants(&d, &l);
        let fonts = Fonts::new(None).unwrap();
        let title_lines = Setter { fonts: &fonts, width: printable_area(Paper::Letter).w }.wrap_spans(
            Style::Title,
            &[Span::plain(d.title.clone())],
            printable_area(Paper::Letter).w,
        );
        assert!(title_lines.len() >= 2);
    }

    #[test]
    fn verbatim_wrap_keeps_every_character() {
        let fonts = Fonts::new(None).unwrap();
        let s = Setter { fonts: &fonts, width: 50.0 };
        let line = " 1. abcd efgh ijkl mnop qrst uvwx yz23 4567 abcd efgh ijkl";
        let pieces = s.wrap_verbatim(Style::Secret, line, 50.0);
        assert!(pieces.len() > 1);
        let joined: String = pieces.iter().map(|(_, t)| t.replace(' ', "")).collect();
        assert_eq!(joined, line.replace(' ', ""));
        for (indent, t) in &pieces {
            assert!(indent + fonts.width_mm(Family::Mono, t, SECRET_PT) <= 50.0 + 1e-3);
        }
        let long = "y".repeat(100);
        let pieces = s.wrap_verbatim(Style::Secret, &long, 50.0);
        assert_eq!(pieces.iter().map(|(_, t)| t.len()).sum::<usize>(), 100);
    }

    #[test]
    fn no_plaintext_and_no_codes() {
        let mut d = doc(0, 0, Paper::A4);
        d.secrets = None;
        let l = lay(&d);
        check_invariants(&d, &l);
        assert_eq!(l.code_pages, 0);
        assert!(page_texts(&l, 0).contains("not printed in clear"));
    }

    #[test]
    fn unprintable_characters_are_refused_before_layout() {
        let mut d = doc(2, 20, Paper::A4);
        d.title = "Zhang San / 张三".into();
        let fonts = Fonts::new(None).unwrap();
        let err = layout(&d, &crate::sheet::standard_blocks(&d), &fonts).unwrap_err();
        assert!(matches!(err, SheetError::Unprintable { ref chars } if chars == &vec!['张', '三']), "{err}");
        let mut d = doc(2, 20, Paper::A4);
        d.secrets = Some(vec![SecretBlock { heading: "x".into(), lines: vec!["a\u{0}b".into()] }]);
        assert!(matches!(layout(&d, &crate::sheet::standard_blocks(&d), &fonts), Err(SheetError::ControlChar { .. })));
    }

    #[test]
    fn rich_markup() {
        assert_eq!(
            rich("run `paperseed restore` **now**, ok"),
            vec![
                Span::plain("run "),
                Span::code("paperseed restore"),
                Span::plain(" "),
                Span::bold("now"),
                Span::plain(", ok")
            ]
        );
    }

    #[test]
    fn layout_is_deterministic() {
        let d = doc(6, 250, Paper::A4);
        assert_eq!(lay(&d), lay(&d));
    }
}
