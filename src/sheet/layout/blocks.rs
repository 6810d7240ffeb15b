//! The text flow's vocabulary: styles, rich-text spans and the blocks a
//! sheet's text is made of (headings, paragraphs, lists, verbatim lines,
//! tables, rules). What the sheet says is built from these in
//! [`crate::sheet::text`]; `typeset` turns them into lines.

use super::super::fonts::Family;
use super::super::geometry::*;

/// Text styles: font family, size and line height, each named in [`geometry`](crate::sheet::geometry).
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

    pub(super) fn family(&self, style: Style) -> Family {
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

/// Every (family, text) pair a block will print, for the glyph check.
pub(super) fn block_texts(block: &Block) -> Vec<(Family, String)> {
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
