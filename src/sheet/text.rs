//! What the sheet says in words: the secrets in clear, the notices, the
//! restore instructions for a reader who has never heard of paperseed, the
//! format paragraph and the verification log.

use super::geometry::{SECRET_GAP_MM, SECTION_GAP_MM, TABLE_BLANK_ROWS};
use super::layout::{Block, Column, Span, Style, Table, rich};
use super::{Recovery, SheetDoc};

/// Printed instead of the secrets when `--no-plaintext` was given.
pub const NO_PLAINTEXT: &str = "The secrets are not printed in clear on this sheet; they are in the codes, and paperseed restores them from a scan.";

/// The secrets in clear (or the line saying they are not printed).
pub fn secret_blocks(doc: &SheetDoc) -> Vec<Block> {
    let mut blocks = Vec::new();
    match &doc.secrets {
        // Encrypted and share sheets say in their notices where the secrets are.
        None if !doc.notices.is_empty() => {}
        None => {
            blocks.push(Block::Heading("The secrets".into()));
            blocks.push(Block::Paragraph { style: Style::Body, spans: vec![Span::plain(NO_PLAINTEXT)] });
        }
        Some(secrets) => {
            for (i, s) in secrets.iter().enumerate() {
                if i > 0 {
                    blocks.push(Block::Space(SECRET_GAP_MM));
                }
                blocks.push(Block::Subheading(s.heading.clone()));
                blocks.push(Block::Lines { style: Style::Secret, lines: s.lines.clone() });
            }
        }
    }
    blocks
}

/// The notices, one bold paragraph per line.
pub fn notice_blocks(doc: &SheetDoc) -> Vec<Block> {
    let mut blocks = Vec::new();
    if !doc.notices.is_empty() {
        blocks.push(Block::Space(SECRET_GAP_MM));
    }
    for notice in &doc.notices {
        for para in notice.split('\n') {
            let para = para.trim_end_matches('\r');
            if !para.trim().is_empty() {
                blocks.push(Block::Paragraph { style: Style::Body, spans: vec![Span::bold(para)] });
            }
        }
    }
    blocks
}

fn codes_word(n: usize) -> &'static str {
    if n == 1 { "code" } else { "codes" }
}

/// Plain-language instructions, short enough to share page 1 with the data.
pub fn instruction_blocks(doc: &SheetDoc) -> Vec<Block> {
    let (k, n, fp) = (doc.k, doc.n, &doc.fingerprint);
    let codes = codes_word(n);
    if let Some((sk, sn)) = doc.share_of {
        let intro = format!(
            "One share of a paper backup of secrets that open online accounts, made with paperseed, a free, \
             open-source program. Alone it reveals nothing; any {sk} of the {sn} share sheets together restore \
             the secrets. Any {k} of the {n} square {codes} hold this share, and so does the recovery text."
        );
        let steps = [
            format!("Scan or photograph this sheet and {} other share sheet(s), flat, whole and sharp.", sk - 1),
            "Run `paperseed restore share1.jpg share2.jpg` (install: `cargo install paperseed`, Rust from \
             rust-lang.org), or with no install open restore.html (`paperseed restore-page` writes it) in a web \
             browser, offline. Without a scan: `paperseed restore --type` or the page, then one sheet's recovery \
             text and the others' share words."
                .to_string(),
            format!("Check that it reports the fingerprint of the secrets `{fp}` printed above."),
        ];
        return vec![
            Block::Heading("What this is and how to restore it".into()),
            Block::Paragraph { style: Style::Body, spans: vec![Span::plain(intro)] },
            Block::Numbered { style: Style::Body, items: steps.iter().map(|s| rich(s)).collect() },
        ];
    }
    let intro = format!(
        "A paper backup of secrets that open online accounts (two-factor codes, authenticator keys, wallet \
         words), made with paperseed, a free, open-source program. Any {k} of the {n} square {codes} hold \
         everything, and so does the recovery text. Whoever has this sheet can open the accounts: keep it \
         private; shred it, never throw it away."
    );
    let steps = [
        "Scan every page at 300 dpi, or photograph it flat, in good light, whole and sharp.".to_string(),
        "Run `paperseed restore scan.jpg` (install: `cargo install paperseed`, Rust from rust-lang.org), or \
         with no install open restore.html (`paperseed restore-page` writes it) in a web browser, offline. If no \
         code reads, type the recovery text there or in `paperseed restore --type`."
            .to_string(),
        format!(
            "Check that it reports the fingerprint `{fp}` printed above: the secrets are then exactly those printed."
        ),
    ];
    vec![
        Block::Heading("What this is and how to restore it".into()),
        Block::Paragraph { style: Style::Body, spans: vec![Span::plain(intro)] },
        Block::Numbered { style: Style::Body, items: steps.iter().map(|s| rich(s)).collect() },
    ]
}

/// The one-paragraph format description, enough to decode without paperseed.
pub fn format_blocks(doc: &SheetDoc) -> Vec<Block> {
    let v = doc.format_version;
    let text = format!(
        "Each code holds PAPERSEED{v}: and decimal digits; each group of 17 digits is a 7-byte big-endian \
         number (a shorter last group of 3, 5, 8, 10, 13 or 15 digits holds 1–6 bytes). The bytes: kind, k, n, \
         code index (1 byte each), length L (2 bytes), set id (4), a shard, a CRC-32 of the preceding bytes. \
         Codes 1..k hold L bytes in order, the others Reed–Solomon parity over GF(256): a 16-byte BLAKE3 \
         checksum of the content, a byte (0: plain, 1: raw DEFLATE), the content: deterministic CBOR (RFC 8949), \
         a map of 0 version, 1 title, 2 secrets. The fingerprint is the checksum's first 60 bits in Crockford \
         base32. The recovery text holds the same bytes as checked base-27 lines. Specification and decoder: \
         docs/FORMAT.md in paperseed's source. Here k = {}, n = {}, L = {} bytes.",
        doc.k, doc.n, doc.payload_len
    );
    vec![
        Block::Space(SECTION_GAP_MM / 2.0),
        Block::Subheading("The format, to decode without paperseed".into()),
        Block::Paragraph { style: Style::Small, spans: vec![Span::plain(text)] },
    ]
}

/// The recovery text: the sheet's data as checked lines of OCR-B text
/// between solid bars (see [`crate::sheet::recovery_block`]), so the secrets can be
/// restored by OCR or by typing when the codes are too damaged; or a note
/// saying why it is not printed.
pub fn recovery_blocks(doc: &SheetDoc) -> Vec<Block> {
    use crate::sheet::recovery_block as block;
    let note = |text: String| {
        vec![
            Block::Heading("Recovery text".into()),
            Block::Paragraph { style: Style::Body, spans: vec![Span::plain(text)] },
        ]
    };
    let lines = match &doc.recovery {
        Recovery::Lines(lines) if !lines.is_empty() => lines,
        Recovery::Lines(_) => return Vec::new(),
        Recovery::Off => {
            return note(
                "This sheet has no recovery text (it was left out when the sheet was made): restore it from the codes."
                    .into(),
            );
        }
        Recovery::TooLarge { lines } => {
            let pages = (*lines as f32 / block::V2.lines_per_row as f32) * block::V2.leading_mm() / 240.0;
            return note(format!(
                "The recovery text (the data again as lines of text to scan or type) is left out: for these {} \
                 bytes it would take {lines} lines, about {:.0} pages. Restore from the codes.",
                doc.payload_len,
                pages.ceil()
            ));
        }
    };
    let (data, parity) = recovery_counts(lines);
    let intro = format!(
        "the same data as {} lines to scan or type (`paperseed restore --type`; spaces and case do not \
         matter, O D Q read as 0, I L as 1). Each line checks itself; the last {parity} are parity: any \
         {parity} lost lines are rebuilt.",
        data + parity
    );
    let mut spans = vec![Span::bold("Recovery text: ")];
    spans.extend(rich(&intro));
    let mut blocks = vec![Block::Space(SECTION_GAP_MM / 2.0), Block::Paragraph { style: Style::Body, spans }];
    let geometry = block::V2;
    let length = geometry.row_width_mm();
    for rows in geometry.rows(lines) {
        blocks.push(Block::Group(vec![
            Block::Rule { length, thickness: block::RULE_MM },
            Block::Space(block::RULE_GAP_MM),
            Block::Lines { style: Style::Recovery, lines: rows },
            Block::Space(block::RULE_GAP_MM),
            Block::Rule { length, thickness: block::RULE_MM },
        ]));
    }
    blocks
}

/// Data and parity lines among printed recovery lines.
fn recovery_counts(lines: &[String]) -> (usize, usize) {
    let parity =
        lines.iter().filter(|l| crate::format::text::parse_line(l).is_ok_and(|l| l.parity_index().is_some())).count();
    (lines.len() - parity, parity)
}

/// The verification log: a short explanation and a table to fill in by hand.
pub fn log_blocks() -> Vec<Block> {
    let col = |title: &str, fraction: f32| Column { title: title.into(), fraction };
    vec![Block::Group(vec![
        Block::Subheading("Verification log".into()),
        Block::Paragraph {
            style: Style::Small,
            spans: rich(
                "Once a year, scan the sheet and run `paperseed verify scan.jpg` (is every code and line still \
                 readable?). Write down the date, the result and your initials.",
            ),
        },
        Block::Table(Table {
            columns: vec![col("Date", 0.22), col("Result", 0.56), col("Initials", 0.22)],
            rows: vec![vec![String::new(); 3]; TABLE_BLANK_ROWS],
        }),
    ])]
}

/// The standard text flow of a sheet, in order: the data (secrets,
/// notices, recovery text), then instructions, format and verification log.
/// Insert more blocks (share notices) into the list and pass it to
/// [`render_blocks`](super::render_blocks).
pub fn standard_blocks(doc: &SheetDoc) -> Vec<Block> {
    standard_blocks_in(doc, DataOrder::SecretsFirst)
}

/// The order of the data at the top of a sheet's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataOrder {
    /// The secrets in clear, the notices, then the recovery text (what a
    /// person reads first comes first).
    #[default]
    SecretsFirst,
    /// The recovery text first, then the secrets in clear and the notices:
    /// for a sheet whose page 1 cannot hold both with its codes, so that page
    /// 1 still restores alone from its text (the clear text follows on page 2).
    RecoveryFirst,
}

/// The standard text flow with the data in `order`; [`Block::DataEnd`]
/// marks the end of the recovery text when it is printed (what page 1 must
/// hold for a sheet to restore from page 1 alone), else the end of the
/// secrets.
pub fn standard_blocks_in(doc: &SheetDoc, order: DataOrder) -> Vec<Block> {
    let mut blocks = Vec::new();
    let lines = matches!(doc.recovery, Recovery::Lines(_));
    match order {
        DataOrder::RecoveryFirst if lines => {
            blocks.extend(recovery_blocks(doc));
            blocks.push(Block::DataEnd);
            blocks.push(Block::Space(SECTION_GAP_MM));
            blocks.extend(secret_blocks(doc));
            blocks.extend(notice_blocks(doc));
        }
        _ => {
            blocks.extend(secret_blocks(doc));
            blocks.extend(notice_blocks(doc));
            // A note that the text is left out is not data: it may go to page 2.
            if lines {
                blocks.extend(recovery_blocks(doc));
                blocks.push(Block::DataEnd);
            } else {
                blocks.push(Block::DataEnd);
                blocks.extend(recovery_blocks(doc));
            }
        }
    }
    blocks.extend(instruction_blocks(doc));
    blocks.extend(format_blocks(doc));
    blocks.extend(log_blocks());
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::{Ecc, Paper, SecretBlock};

    fn doc() -> SheetDoc {
        SheetDoc {
            title: "t".into(),
            date: "2025-01-15".into(),
            fingerprint: "K7QF-3M2X-9TRD".into(),
            fingerprint_label: "Fingerprint".into(),
            share_of: None,
            program: "paperseed 0.1.0".into(),
            format_version: 1,
            paper: Paper::A4,
            secrets: Some(vec![SecretBlock { heading: "h".into(), lines: vec!["l".into()] }]),
            codes: vec![],
            k: 4,
            n: 6,
            ecc: Ecc::H,
            payload_len: 123,
            notices: vec!["first\nsecond".into()],
            extra_font: None,
            recovery: Recovery::Off,
        }
    }

    fn all_text(blocks: &[Block]) -> String {
        format!("{blocks:?}")
    }

    #[test]
    fn standard_blocks_say_what_they_must() {
        let d = doc();
        let t = all_text(&standard_blocks(&d));
        for needle in [
            "cargo install paperseed",
            "paperseed restore scan.jpg",
            "paperseed restore --type",
            "open restore.html",
            "paperseed restore-page",
            "in a web browser, offline",
            "300 dpi",
            "Any 4 of the 6 square codes",
            "K7QF-3M2X-9TRD",
            "PAPERSEED1:",
            "group of 17",
            "Crockford base32",
            "L = 123 bytes",
            "Initials",
            "first",
            "second",
        ] {
            assert!(t.contains(needle), "missing {needle:?}");
        }
        let mut d = doc();
        d.secrets = None;
        d.notices.clear();
        assert!(all_text(&standard_blocks(&d)).contains("not printed in clear"));
    }
}
