//! Recovery text (format v2): the lines `paperseed::encode` prints, typed
//! input, the blocks on the sheet, and the recogniser reading them back from
//! rendered pages with every QR code blanked. The v1 line codec (sheets of
//! paperseed 0.1) is checked against its vectors at the end.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use image::GrayImage;
use paperseed::assemble::Outcome;
use paperseed::format::Frame;
use paperseed::format::text;
use paperseed::format::text_v1 as lines;
use paperseed::restore::{self, Located, TextRead};
use paperseed::scan::text as ocr;
use paperseed::scan::{self, DetectOptions, Limits};
use paperseed::sheet::recovery_block as block;
use paperseed::{EncodeOptions, Encoded, RecoveryTextChoice};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Sheet {
    encoded: Encoded,
    /// The content (compact CBOR) a restore gives back.
    payload: Vec<u8>,
    pdf: PathBuf,
    _dir: tempfile::TempDir,
}

fn make_sheet(name: &str, choice: RecoveryTextChoice) -> Sheet {
    let path = repo().join(format!("samples/{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let backup = paperseed::secret::manifest::parse(&text, path.parent().unwrap()).unwrap();
    let opts = EncodeOptions { date: "2026-01-02".into(), recovery_text: choice, ..EncodeOptions::default() };
    let encoded = paperseed::encode(&backup, &opts).unwrap();
    let (payload, _) = paperseed::payload_of(&backup);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join(format!("{name}.pdf"));
    std::fs::write(&pdf, &encoded.pdf).unwrap();
    Sheet { encoded, payload, pdf, _dir: dir }
}

fn exchange() -> &'static Sheet {
    static SHEET: OnceLock<Sheet> = OnceLock::new();
    SHEET.get_or_init(|| make_sheet("exchange", RecoveryTextChoice::Auto))
}

fn bip39() -> &'static Sheet {
    static SHEET: OnceLock<Sheet> = OnceLock::new();
    SHEET.get_or_init(|| make_sheet("bip39", RecoveryTextChoice::Auto))
}

/// Paint every QR code of a page white (with its quiet zone).
fn blank(img: &mut GrayImage, dpi: f32) {
    for code in scan::find_codes(img, &DetectOptions::default()) {
        scan::prepare::fill_quad(img, &code.corners, dpi / 25.4 * 4.0, 255);
    }
    assert!(scan::find_codes(img, &DetectOptions::default()).is_empty());
}

/// Rasterise the sheet and paint every QR code white.
fn blanked_pages(pdf: &Path, dpi: f32) -> Vec<GrayImage> {
    let limits = Limits { pdf_dpi: dpi, ..Limits::default() };
    let mut pages: Vec<GrayImage> = scan::load(pdf, &limits).unwrap().into_iter().map(|p| p.image).collect();
    for img in &mut pages {
        blank(img, dpi);
    }
    pages
}

fn reads(lines: &[String], place: &str) -> Vec<TextRead> {
    lines.iter().map(|t| TextRead { text: t.clone(), place: place.into() }).collect()
}

fn codes(frames: &[String]) -> Vec<Located> {
    frames.iter().map(|t| Located { text: t.clone(), bytes: vec![], place: "codes".into(), ecc: None }).collect()
}

/// Assemble codes and text lines; the restored content, if any.
fn restore_with(frames: &[String], text_reads: &[TextRead]) -> Option<Vec<u8>> {
    let report = restore::assemble_with_text(&codes(frames), text_reads);
    report.sets.iter().find_map(|s| match &s.outcome {
        Outcome::Restored { payload, .. } => Some(payload.clone()),
        _ => None,
    })
}

fn restore_text(lines: &[String]) -> Option<Vec<u8>> {
    restore_with(&[], &reads(lines, "recovery text"))
}

/// Position of a printed (v2) line.
fn position(line: &str) -> usize {
    text::parse_line(line).unwrap().position
}

fn parity_count(lines: &[String]) -> usize {
    lines.iter().filter(|l| position(l) >= text::MAX_DATA_LINES).count()
}

/// The layout of a sheet's text, from its line 0.
fn layout(sheet: &Sheet) -> text::Layout {
    let header = text::parse_line(&sheet.encoded.recovery_lines[0]).unwrap().header().unwrap();
    let layout = header.layout();
    assert_eq!(layout.lines(), sheet.encoded.recovery_lines.len());
    layout
}

/// Read every page; returns (raw characters wrong, lines read, restored from
/// the text alone).
fn read_and_restore(pages: &[GrayImage], sheet: &Sheet) -> (usize, usize, bool) {
    let expected = &sheet.encoded.recovery_lines;
    let read: Vec<ocr::ReadLine> = pages.iter().flat_map(ocr::read_page_detailed).collect();
    let mut wrong = 0;
    let mut total = 0;
    for (r, e) in read.iter().zip(expected) {
        total += e.len();
        wrong += r.raw.chars().zip(e.chars()).filter(|(a, b)| a != b).count();
    }
    let passing = read.iter().filter(|l| l.passes).count();
    let texts: Vec<String> = read.iter().map(|l| l.text.clone()).collect();
    let ok = restore_text(&texts).as_deref() == Some(&sheet.payload[..]);
    eprintln!("read {} of {} lines ({passing} pass), {wrong}/{total} chars wrong", read.len(), expected.len());
    (wrong, read.len(), ok)
}

#[test]
fn the_sheets_print_v2_lines_and_their_text_alone_restores() {
    for sheet in [exchange(), bip39()] {
        let printed = &sheet.encoded.recovery_lines;
        assert!(!printed.is_empty());
        assert!(printed.iter().all(|l| l.len() == text::LINE_CHARS && !lines::is_v1_line(l)), "{printed:?}");
        let layout = layout(sheet);
        assert_eq!(parity_count(printed), layout.parity_lines());
        assert!(layout.parity_lines() >= 2);
        assert_eq!(restore_text(printed).unwrap(), sheet.payload);
        eprintln!("{} lines ({} parity), {} pages", printed.len(), layout.parity_lines(), sheet.encoded.pages);
    }
}

#[test]
fn reads_exactly_the_printed_lines_at_300_dpi() {
    for sheet in [exchange(), bip39()] {
        let pages = blanked_pages(&sheet.pdf, 300.0);
        let t = std::time::Instant::now();
        let read: Vec<ocr::ReadLine> = pages.iter().flat_map(ocr::read_page_detailed).collect();
        eprintln!("{} pages in {:?}", pages.len(), t.elapsed());
        let texts: Vec<String> = read.iter().map(|l| l.text.clone()).collect();
        assert_eq!(&texts, &sheet.encoded.recovery_lines);
        assert!(read.iter().all(|l| l.passes && l.repaired == 0 && l.raw == l.text));
        assert_eq!(restore_text(&texts).unwrap(), sheet.payload);
    }
}

/// The degradations of the benchmark, applied to every page.
fn degrade(pages: &[GrayImage], condition: &str) -> Vec<GrayImage> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| match condition {
            "clean" => p.clone(),
            "rotate 2°" => crate::support::rotate_degrees(p, 2.0),
            "rotate -5°" => crate::support::rotate_degrees(p, -5.0),
            "blur σ 1" => crate::support::blur(p, 1.0),
            "blur σ 1.5" => crate::support::blur(p, 1.5),
            "noise σ 12" => crate::support::noise(p, 12.0, i as u64 + 1),
            "jpeg q50" | "jpeg q30" => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("p.jpg");
                crate::support::save_jpeg(p, &path, condition[6..].parse().unwrap());
                image::open(&path).unwrap().to_luma8()
            }
            other => panic!("unknown condition {other}"),
        })
        .collect()
}

const CONDITIONS: [&str; 8] =
    ["clean", "rotate 2°", "rotate -5°", "blur σ 1", "blur σ 1.5", "jpeg q50", "jpeg q30", "noise σ 12"];

fn restores_under_degradations(dpi: f32) {
    let sheet = exchange();
    let pages = blanked_pages(&sheet.pdf, dpi);
    let mut failed = Vec::new();
    for cond in CONDITIONS {
        let (wrong, n, ok) = read_and_restore(&degrade(&pages, cond), sheet);
        eprintln!("{dpi} dpi {cond}: {n} lines, {wrong} characters wrong before checks, restored {ok}");
        if !ok {
            failed.push(cond);
        }
    }
    assert!(failed.is_empty(), "not restored at {dpi} dpi: {failed:?}");
}

#[test]
fn restores_from_text_alone_at_300_dpi_under_degradations() {
    restores_under_degradations(300.0);
}

#[test]
fn restores_from_text_alone_at_200_dpi_under_degradations() {
    restores_under_degradations(200.0);
}

/// Check typed entries as `restore --type` does: accepted lines, and errors.
fn check_all(entries: &[String]) -> (Vec<TextRead>, Vec<restore::TypedError>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match restore::check_typed(e, i + 1, "typed lines") {
            Ok(r) => ok.extend(r),
            Err(err) => errors.push(err),
        }
    }
    (ok, errors)
}

#[test]
fn typed_lines_restore_and_case_spaces_and_confusions_do_not_matter() {
    for sheet in [exchange(), bip39()] {
        let printed = &sheet.encoded.recovery_lines;
        // Lower case, spaces anywhere, O for 0 and I for 1, whole rows at once
        // (and a last row of one line when the count is odd).
        let typed: Vec<String> = printed
            .chunks(block::V2.lines_per_row)
            .map(|row| {
                row.join("   ")
                    .to_lowercase()
                    .replace('0', "o")
                    .replace('1', "I")
                    .chars()
                    .flat_map(|c| if c == ' ' { vec![] } else { vec![c, ' '] })
                    .collect()
            })
            .collect();
        let (accepted, errors) = check_all(&typed);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(accepted.len(), printed.len());
        for (a, p) in accepted.iter().zip(printed) {
            assert_eq!(text::parse_line(&a.text).unwrap(), text::parse_line(p).unwrap());
        }
        assert_eq!(restore_with(&[], &accepted).unwrap(), sheet.payload);
        // The other confusions, on single lines.
        let other: Vec<String> = printed
            .iter()
            .map(|l| l.replace('0', "D").replace('1', "l").replace('5', "S").replace('8', "B").replace(' ', "-"))
            .collect();
        let (accepted, errors) = check_all(&other);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(restore_with(&[], &accepted).unwrap(), sheet.payload);
    }
}

/// `line` with the character at `pos` replaced by another symbol.
fn with_typo(line: &str, pos: usize) -> String {
    let c = line.as_bytes()[pos] as char;
    let replacement = if c == '7' { 'A' } else { '7' };
    format!("{}{}{}", &line[..pos], replacement, &line[pos + 1..])
}

#[test]
fn a_typed_line_with_one_wrong_character_is_named_and_parity_covers_it() {
    let sheet = exchange();
    let printed = &sheet.encoded.recovery_lines;
    let mut typed = printed.clone();
    // Entry 6: one wrong data character.
    typed[5] = with_typo(&typed[5], 6);
    // Entry 1 (line 0, the header): one wrong character in its check field.
    typed[0] = with_typo(&typed[0], text::LINE_CHARS - 1);
    // Entry 12: two neighbouring data characters swapped.
    let mut t = typed[11].clone().into_bytes();
    let swap = (4..t.len() - 1).find(|&i| t[i] != t[i + 1] && t[i] != b' ' && t[i + 1] != b' ').unwrap();
    t.swap(swap, swap + 1);
    typed[11] = String::from_utf8(t).unwrap();
    let (accepted, errors) = check_all(&typed);
    let named: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.iter().map(|e| e.entry).collect::<Vec<_>>(), [1, 6, 12], "{named:?}");
    assert!(named.iter().all(|e| e.contains("fails its check")), "{named:?}");
    assert!(named[1].starts_with("line 6:"), "{named:?}");
    // No message repeats the line (as printed or as typed): it may be a secret on screen.
    for e in &named {
        for l in printed.iter().chain(&typed) {
            assert!(!e.contains(l.as_str()) && !e.contains(&l.replace(' ', "")), "{e}");
        }
    }
    assert_eq!(accepted.len(), printed.len() - 3);
    assert!(restore_with(&[], &accepted).unwrap() == sheet.payload, "parity covers the three lines");
}

#[test]
fn typed_garbage_is_refused_with_the_entry_named() {
    let entries = ["000 12", "hello, world", "", "00 000000 000000 000000 000001"];
    let (accepted, errors) = check_all(&entries.map(String::from));
    assert!(accepted.is_empty());
    let named: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.iter().map(|e| e.entry).collect::<Vec<_>>(), [1, 2, 3, 4], "{named:?}");
    assert!(named[0].starts_with("line 1:") && named[0].contains("symbols"), "{named:?}");
    assert!(named[1].starts_with("line 2:") && named[1].contains("not in the recovery alphabet"), "{named:?}");
    assert!(named[2].starts_with("line 3:") && named[2].contains("0 symbols"), "{named:?}");
    assert!(named[3].starts_with("line 4:") && named[3].contains("fails its check"), "{named:?}");
    assert!(restore_with(&[], &accepted).is_none());
    // A line of zeros is a codeword of the line code (it passes its check,
    // as line 0 with a header naming no set): typed among the real lines,
    // first or in the middle, it does not stop the restore.
    let zeros = "00 000000 000000 000000 000000".to_string();
    assert!(restore::check_typed(&zeros, 1, "typed lines").is_ok());
    let sheet = exchange();
    let printed = &sheet.encoded.recovery_lines;
    for at in [0, printed.len() / 2] {
        let mut typed = printed.clone();
        typed.insert(at, zeros.clone());
        let (accepted, errors) = check_all(&typed);
        assert!(errors.is_empty());
        assert_eq!(restore_with(&[], &accepted), Some(sheet.payload.clone()), "zeros at {at}");
    }
}

#[test]
fn skipped_lines_are_rebuilt_from_the_parity_lines() {
    for sheet in [exchange(), bip39()] {
        let printed = &sheet.encoded.recovery_lines;
        let layout = layout(sheet);
        // Skip as many data lines of each stripe as it has parity lines,
        // spread over the stripe (line 0, the header, included).
        let mut skip: Vec<usize> = Vec::new();
        for j in 0..layout.stripes() {
            let members = layout.stripe_data(j);
            let p = layout.parity[j];
            skip.extend((0..p).map(|q| members[q * members.len() / p]));
        }
        assert_eq!(skip.len(), parity_count(printed));
        let kept: Vec<String> =
            printed.iter().enumerate().filter(|(i, _)| !skip.contains(i)).map(|(_, l)| l.clone()).collect();
        assert_eq!(restore_text(&kept).unwrap(), sheet.payload);
        // One more line of stripe 0 lost is too many for the text alone.
        let members = layout.stripe_data(0);
        let extra = *members.iter().find(|i| !skip.contains(i)).unwrap();
        let fewer: Vec<String> = printed
            .iter()
            .enumerate()
            .filter(|(i, _)| !skip.contains(i) && *i != extra)
            .map(|(_, l)| l.clone())
            .collect();
        assert!(restore_text(&fewer).is_none());
        // Skipping parity lines instead costs nothing.
        let data_only: Vec<String> = printed[..layout.data].to_vec();
        assert_eq!(restore_text(&data_only).unwrap(), sheet.payload);
    }
}

#[test]
fn text_and_codes_combine() {
    for sheet in [exchange(), bip39()] {
        let printed = &sheet.encoded.recovery_lines;
        let frames = &sheet.encoded.frames;
        let (k, n) = (sheet.encoded.plan.k, sheet.encoded.plan.n);
        let layout = layout(sheet);
        let set = Frame::parse(&frames[0]).unwrap().set;
        let s = set.shard_len();
        assert!(k >= 2, "k = {k}");
        // Codes: the first k − 1 data codes, not enough alone.
        let some_codes: Vec<String> = frames[..k - 1].to_vec();
        assert!(restore_with(&some_codes, &[]).is_none());
        // Text: every line whose bytes those codes hold is lost, more than
        // the parity covers, so the text alone is not enough either.
        let covered = |i: usize| {
            i * text::BYTES_PER_LINE >= text::HEADER_BYTES
                && (i + 1) * text::BYTES_PER_LINE <= text::HEADER_BYTES + (k - 1) * s
        };
        let lost: Vec<usize> = (0..layout.data).filter(|&i| covered(i)).collect();
        assert!(lost.len() > layout.parity_lines(), "{} lost, {} parity", lost.len(), layout.parity_lines());
        let some_lines: Vec<String> =
            printed.iter().enumerate().filter(|(i, _)| !lost.contains(i)).map(|(_, l)| l.clone()).collect();
        assert!(restore_text(&some_lines).is_none());
        // Together.
        let text_reads = reads(&some_lines, "recovery text");
        assert_eq!(restore_with(&some_codes, &text_reads).unwrap(), sheet.payload, "{k} of {n}");
        // The other way round: the last code only (a parity code), and the
        // text with every line inside the last data code's bytes lost (more
        // than its parity covers): the code rebuilds that region, the text
        // the rest.
        assert!(n > k);
        let last = |i: usize| i * text::BYTES_PER_LINE >= text::HEADER_BYTES + (k - 1) * s;
        let lost: Vec<usize> = (0..layout.data).filter(|&i| last(i)).collect();
        assert!(lost.len() > layout.parity_lines(), "{} lost, {} parity", lost.len(), layout.parity_lines());
        let most_lines: Vec<String> =
            printed.iter().enumerate().filter(|(i, _)| !lost.contains(i)).map(|(_, l)| l.clone()).collect();
        assert!(restore_text(&most_lines).is_none());
        let one_code = vec![frames[n - 1].clone()];
        assert!(restore_with(&one_code, &[]).is_none());
        assert_eq!(restore_with(&one_code, &reads(&most_lines, "recovery text")).unwrap(), sheet.payload);
    }
}

#[test]
fn stains_on_the_text_lose_lines_and_parity_rebuilds_them() {
    let sheet = exchange();
    let printed = &sheet.encoded.recovery_lines;
    let parity = parity_count(printed);
    let mut pages = blanked_pages(&sheet.pdf, 300.0);
    let mut stained = false;
    for page in &mut pages {
        let Some(quad) = ocr::find_blocks(page, &block::V2).first().copied() else { continue };
        if stained {
            continue;
        }
        let (x0, y0) = quad[0];
        let (x1, y1) = quad[2];
        let (w, h) = (x1 - x0, y1 - y0);
        // A coffee ring over a few rows in the middle of the first block:
        // it spans both lines of those rows.
        let rows = (parity / block::V2.lines_per_row).max(1) as f32;
        let row_h = h / block::V2.rows_per_block.min(printed.len().div_ceil(2)) as f32;
        let (top, bottom) = (y0 + 0.5 * h - 0.5 * rows * row_h, y0 + 0.5 * h + 0.4 * rows * row_h);
        let blot = [(x0 + 0.1 * w, top), (x0 + 0.9 * w, top), (x0 + 0.9 * w, bottom), (x0 + 0.1 * w, bottom)];
        scan::prepare::fill_quad(page, &blot, 0.0, 40);
        stained = true;
    }
    assert!(stained);
    let read: Vec<ocr::ReadLine> = pages.iter().flat_map(ocr::read_page_detailed).collect();
    let good: Vec<String> = read.iter().filter(|l| l.passes).map(|l| l.text.clone()).collect();
    let lost = printed.iter().filter(|l| !good.contains(l)).count();
    eprintln!("{} read, {} pass, {lost} lost, {parity} parity lines", read.len(), good.len());
    assert!(lost > 0 && lost <= parity, "{lost} lost, {parity} parity");
    let texts: Vec<String> = read.iter().map(|l| l.text.clone()).collect();
    assert_eq!(restore_text(&texts).unwrap(), sheet.payload);
}

#[test]
fn large_payloads_get_a_note_instead_of_the_text() {
    let keyfile = make_sheet("keyfile", RecoveryTextChoice::Auto);
    assert!(keyfile.encoded.payload_len > paperseed::RECOVERY_TEXT_AUTO_MAX, "{}", keyfile.encoded.payload_len);
    assert!(keyfile.encoded.recovery_lines.is_empty());
    let limits = Limits { pdf_dpi: 150.0, ..Limits::default() };
    let pages = scan::load(&keyfile.pdf, &limits).unwrap();
    for p in &pages {
        assert!(ocr::find_blocks(&p.image, &block::V2).is_empty());
        assert!(ocr::find_blocks(&p.image, &block::V1).is_empty());
    }
    // Forced on, the text is printed, found and read: several pages, and
    // blocks set back to back (their bars touch).
    let forced = make_sheet("keyfile", RecoveryTextChoice::On);
    let printed = &forced.encoded.recovery_lines;
    assert!(printed.len() > 100, "{}", printed.len());
    assert!(forced.encoded.pages > keyfile.encoded.pages);
    assert_eq!(restore_text(printed).unwrap(), forced.payload);
    let pages = blanked_pages(&forced.pdf, 200.0);
    let read: Vec<String> = pages.iter().flat_map(ocr::read_page).collect();
    assert_eq!(&read, printed);
    // The exchange sheet's blocks are all found, even at 150 dpi.
    let sheet = exchange();
    let rows = sheet.encoded.recovery_lines.len().div_ceil(block::V2.lines_per_row);
    let pages = scan::load(&sheet.pdf, &limits).unwrap();
    let found: usize = pages.iter().map(|p| ocr::find_blocks(&p.image, &block::V2).len()).sum();
    eprintln!("{rows} rows, {found} blocks");
    assert!(found >= rows.div_ceil(block::V2.rows_per_block), "{found} blocks for {rows} rows");
    let at_300: usize = blanked_pages(&sheet.pdf, 300.0).iter().map(|p| ocr::find_blocks(p, &block::V2).len()).sum();
    assert_eq!(found, at_300);
}

#[test]
fn pages_scanned_sideways_or_upside_down_are_read() {
    let sheet = exchange();
    let pages = blanked_pages(&sheet.pdf, 200.0);
    use scan::prepare::{Rotation, rotate};
    for turn in [Rotation::Cw180, Rotation::Cw90, Rotation::Cw270] {
        let turned: Vec<GrayImage> = pages.iter().map(|p| rotate(p, turn)).collect();
        let (wrong, n, ok) = read_and_restore(&turned, sheet);
        assert_eq!((wrong, n, ok), (0, sheet.encoded.recovery_lines.len(), true), "{turn:?}");
    }
}

#[test]
fn page_one_alone_restores_from_its_text_alone() {
    for sheet in [exchange(), bip39()] {
        let limits = Limits { pdf_dpi: 200.0, ..Limits::default() };
        let mut page = scan::load(&sheet.pdf, &limits).unwrap().swap_remove(0).image;
        blank(&mut page, 200.0);
        let read = ocr::read_page(&page);
        eprintln!("page 1 of {}: {} of {} lines", sheet.encoded.pages, read.len(), sheet.encoded.recovery_lines.len());
        assert!(!read.is_empty());
        assert_eq!(restore_text(&read).unwrap(), sheet.payload);
    }
}

// ---------------------------------------------------------------------------
// Format v1 (paperseed 0.1): the line codec must keep working.
// ---------------------------------------------------------------------------

fn restore_from_frames(texts: &[String]) -> Option<Vec<u8>> {
    let report = restore::assemble(&codes(texts));
    report.sets.iter().find_map(|s| match &s.outcome {
        Outcome::Restored { payload, .. } => Some(payload.clone()),
        _ => None,
    })
}

/// `tests/vectors/recovery_<name>.txt`: the v1 recovery lines of
/// `<name>.json`'s frames. `UPDATE_VECTORS=1` rewrites them.
#[test]
fn v1_recovery_vectors() {
    let dir = repo().join("tests/vectors");
    for name in ["tiny-note", "mnemonic24"] {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap()).unwrap();
        let frames: Vec<String> =
            json["frames"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
        assert!(frames.iter().all(|f| f.starts_with("PAPERSEED1:")), "{name}: v1 frames");
        let bytes: Vec<Vec<u8>> = frames.iter().map(|t| Frame::parse(t).unwrap().to_bytes()).collect();
        let got = lines::encode_frames(&bytes);
        let path = dir.join(format!("recovery_{name}.txt"));
        if std::env::var_os("UPDATE_VECTORS").is_some() {
            let mut text = format!(
                "# recovery text of {name}.json: its {} frames as {} lines, in order\n",
                frames.len(),
                got.len()
            );
            for l in &got {
                text.push_str(l);
                text.push('\n');
            }
            std::fs::write(&path, text).unwrap();
            if name == "tiny-note" {
                // Every line passes its check but the frame's CRC-32 does not.
                let mut damaged = bytes[0].clone();
                damaged[30] ^= 0x01;
                let mut text = "# expect: fails its checksum\n".to_string();
                for l in lines::encode_frames(&[damaged]) {
                    text.push_str(&l);
                    text.push('\n');
                }
                std::fs::write(dir.join("recovery_fail_frame_crc.txt"), text).unwrap();
            }
        }
        let file = std::fs::read_to_string(&path).unwrap();
        let want: Vec<String> = file.lines().filter(|l| !l.starts_with('#')).map(str::to_string).collect();
        assert_eq!(got, want, "{name}");
        assert!(want.iter().all(|l| lines::is_v1_line(l) && l.len() == lines::LINE_CHARS));
        let (back, errors) = lines::decode_lines(&want);
        assert!(errors.is_empty());
        assert_eq!(back, frames);
        let payload = hex(json["payload_hex"].as_str().unwrap());
        assert_eq!(restore_from_frames(&back).unwrap(), payload);
        // The same lines through the v2-aware assembly (as `restore --type` does).
        let (accepted, errors) = check_all(&want);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(restore_with(&[], &accepted).unwrap(), payload);
    }
    // Lines that must be rejected: `# expect: <error text>` then the lines.
    let mut fails = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let fname = path.file_name().unwrap().to_string_lossy().to_string();
        if !(fname.starts_with("recovery_fail_") && fname.ends_with(".txt")) {
            continue;
        }
        fails += 1;
        let file = std::fs::read_to_string(&path).unwrap();
        let expect = file.lines().next().unwrap().strip_prefix("# expect: ").unwrap().to_string();
        let input: Vec<String> = file.lines().skip(1).map(str::to_string).collect();
        let (frames, errors) = lines::decode_lines(&input);
        assert!(frames.is_empty(), "{fname}");
        assert!(errors.iter().any(|e| e.to_string().contains(&expect)), "{fname}: {errors:?}");
    }
    assert!(fails >= 4);
}

#[test]
fn v1_typed_lines_with_a_typo_are_named_and_the_other_frames_cover_it() {
    let dir = repo().join("tests/vectors");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("mnemonic24.json")).unwrap()).unwrap();
    let frames: Vec<String> =
        json["frames"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
    let file = std::fs::read_to_string(dir.join("recovery_mnemonic24.txt")).unwrap();
    let mut typed: Vec<String> = file.lines().filter(|l| !l.starts_with('#')).map(str::to_string).collect();
    typed[5] = with_typo(&typed[5], 6);
    let (got, errors) = lines::decode_lines(&typed);
    let named: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(named.iter().any(|e| e.starts_with("line 6:") && e.contains("fails its check")), "{named:?}");
    assert!(got.len() < frames.len());
    let payload = hex(json["payload_hex"].as_str().unwrap());
    assert_eq!(restore_from_frames(&got).unwrap(), payload);
    let (_, typed_errors) = check_all(&typed);
    assert_eq!(typed_errors.iter().map(|e| e.entry).collect::<Vec<_>>(), [6]);
    assert!(!typed_errors[0].to_string().contains(&typed[5]));
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}
