//! What the sheet says in words: the secrets in clear, the notices, the
//! restore instructions for a reader who has never heard of paperseed, the
//! format paragraph and the verification log.

use super::SheetDoc;
use super::geometry::{SECRET_GAP_MM, SECTION_GAP_MM, TABLE_BLANK_ROWS};
use super::layout::{Block, Column, Span, Style, Table, rich};

/// Printed instead of the secrets when `--no-plaintext` was given.
pub const NO_PLAINTEXT: &str = "The secrets are not printed in clear on this sheet; they are in the codes, and paperseed restores them from a scan.";

/// The secrets in clear (or the line saying they are not printed).
pub fn secret_blocks(doc: &SheetDoc) -> Vec<Block> {
    let mut blocks = vec![Block::Heading("The secrets".into())];
    match &doc.secrets {
        None => blocks.push(Block::Paragraph { style: Style::Body, spans: vec![Span::plain(NO_PLAINTEXT)] }),
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

/// Plain-language instructions.
pub fn instruction_blocks(doc: &SheetDoc) -> Vec<Block> {
    let (k, n, fp) = (doc.k, doc.n, &doc.fingerprint);
    let codes = codes_word(n);
    let intro = format!(
        "This sheet is a paper backup of secrets that open online accounts (for example two-factor backup \
         codes, authenticator keys or a wallet's recovery words). It was made with paperseed, a free, \
         open-source program. The square codes hold all the secrets, protected so that any {k} of the {n} \
         {codes} are enough to get everything back."
    );
    let steps = [
        "Scan every page of this sheet with a scanner at 300 dpi, or photograph each page flat and in good \
         light, with the whole page in the picture and every code sharp."
            .to_string(),
        "Install paperseed on a computer. It is open source; with Rust installed (see rust-lang.org), run \
         `cargo install paperseed`."
            .to_string(),
        "Run `paperseed restore scan.jpg` with the name of your scan (give several files, or a PDF, for \
         several pages). It prints the secrets."
            .to_string(),
        format!(
            "Check that the fingerprint paperseed reports is `{fp}`, the one printed at the top of every page. \
             If it is, the secrets are exactly the ones that were printed."
        ),
        format!(
            "Any {k} of the {n} {codes} are enough, so a stained, torn or faded sheet can still work: paperseed \
             says how many codes it could read."
        ),
        "Keep this sheet somewhere safe and private: whoever has it can get into the accounts it protects. \
         Destroy it (shred or burn it) rather than throwing it away."
            .to_string(),
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
        "Each code holds text PAPERSEED{v}: followed by decimal digits. Split the digits into groups of 17; \
         each group is a 7-byte big-endian number (a shorter last group of 3, 5, 8, 10, 13 or 15 digits holds \
         1–6 bytes). The bytes are a frame: kind (1 byte), k, n, shard index (1 byte each), payload length \
         (4 bytes), the first 16 bytes of the BLAKE3 hash of the payload, the shard, then a CRC-32 of all \
         preceding bytes. Codes 1..k hold the payload itself in order (systematic Reed–Solomon over GF(256), \
         reed-solomon-erasure layout); the others are parity. The payload is deterministic CBOR (RFC 8949) — \
         a map with the title and a list of secrets. The fingerprint is the first 60 bits of BLAKE3(payload) \
         in Crockford base32. On this sheet k = {}, n = {} and the payload is {} bytes.",
        doc.k, doc.n, doc.payload_len
    );
    vec![
        Block::Space(SECTION_GAP_MM),
        Block::Subheading("The format, to decode without paperseed".into()),
        Block::Paragraph { style: Style::Small, spans: vec![Span::plain(text)] },
    ]
}

/// The recovery text: every code's frame as checked lines of OCR-B text
/// between solid bars (see [`crate::ocr::block`]), so the secrets can be
/// restored by OCR or by typing when the codes are too damaged. Empty when
/// no code holds a paperseed frame.
pub fn recovery_blocks(doc: &SheetDoc) -> Vec<Block> {
    use crate::ocr::block;
    let frames: Vec<Vec<u8>> =
        doc.codes.iter().filter_map(|c| crate::format::Frame::parse(&c.text).ok()).map(|f| f.to_bytes()).collect();
    let lines = crate::ocr::lines::encode_frames(&frames);
    if lines.is_empty() {
        return Vec::new();
    }
    if doc.payload_len > block::MAX_PAYLOAD_BYTES {
        let pages = (lines.len() / block::LINES_PER_ROW) as f32 * block::leading_mm() / 250.0;
        let note = format!(
            "The recovery text (the codes' data as lines of text to scan or type) is left out: for these {} \
             bytes it would take about {:.0} pages. Restore from the codes.",
            doc.payload_len,
            pages.ceil()
        );
        return vec![
            Block::Heading("Recovery text".into()),
            Block::Paragraph { style: Style::Body, spans: vec![Span::plain(note)] },
        ];
    }
    let intro = "If the codes cannot be read, these lines hold the same data. `paperseed restore` reads them \
                 from a scan, or type them with `paperseed restore --type` (spaces and case do not matter; \
                 read O, D, Q as 0, I and L as 1). Each group of 17 characters checks itself: one with a \
                 wrong character is named, and lost lines are rebuilt from the others like lost codes.";
    let mut blocks =
        vec![Block::Heading("Recovery text".into()), Block::Paragraph { style: Style::Body, spans: rich(intro) }];
    let length = block::row_width_mm();
    for rows in block::rows(&lines) {
        blocks.push(Block::Group(vec![
            Block::Rule { length, thickness: block::RULE_MM },
            Block::Space(block::RULE_GAP_MM),
            Block::Lines { style: Style::Mono, lines: rows },
            Block::Space(block::RULE_GAP_MM),
            Block::Rule { length, thickness: block::RULE_MM },
        ]));
        blocks.push(Block::Space(SECTION_GAP_MM));
    }
    blocks
}

/// The verification log: a short explanation and a table to fill in by hand.
pub fn log_blocks() -> Vec<Block> {
    let col = |title: &str, fraction: f32| Column { title: title.into(), fraction };
    vec![Block::Group(vec![
        Block::Heading("Verification log".into()),
        Block::Paragraph {
            style: Style::Body,
            spans: rich(
                "Once a year, scan the sheet and run `paperseed verify scan.jpg`: it checks that the codes still \
                 read and that the fingerprint matches. Write down the date, the result and your initials.",
            ),
        },
        Block::Table(Table {
            columns: vec![col("Date", 0.22), col("Result", 0.56), col("Initials", 0.22)],
            rows: vec![vec![String::new(); 3]; TABLE_BLANK_ROWS],
        }),
    ])]
}

/// The standard text flow of a sheet, in order: secrets, notices,
/// instructions, format, recovery text, verification log. Insert more
/// blocks (share notices) into the list and pass it to
/// [`render_blocks`](super::render_blocks).
pub fn standard_blocks(doc: &SheetDoc) -> Vec<Block> {
    let mut blocks = secret_blocks(doc);
    blocks.extend(notice_blocks(doc));
    blocks.extend(instruction_blocks(doc));
    blocks.extend(format_blocks(doc));
    blocks.extend(recovery_blocks(doc));
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
            "300 dpi",
            "any 4 of the 6 codes",
            "K7QF-3M2X-9TRD",
            "PAPERSEED1:",
            "groups of 17",
            "Crockford base32",
            "123 bytes",
            "Initials",
            "first",
            "second",
        ] {
            assert!(t.contains(needle), "missing {needle:?}");
        }
        let mut d = doc();
        d.secrets = None;
        assert!(all_text(&standard_blocks(&d)).contains("not printed in clear"));
    }
}
