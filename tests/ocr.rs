//! Recovery text: line format, typed input, the block on the sheet, and the
//! recogniser reading it back from rendered pages with every QR code blanked.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use image::GrayImage;
use paperseed::format::Frame;
use paperseed::ocr::{self, lines};
use paperseed::restore::{self, Located};
use paperseed::scan::{self, DetectOptions, Limits};
use paperseed::{EncodeOptions, Encoded};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Sheet {
    encoded: Encoded,
    payload: Vec<u8>,
    pdf: PathBuf,
    _dir: tempfile::TempDir,
}

fn exchange() -> &'static Sheet {
    static SHEET: OnceLock<Sheet> = OnceLock::new();
    SHEET.get_or_init(|| {
        let path = repo().join("samples/exchange.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let backup = paperseed::secret::manifest::parse(&text, path.parent().unwrap()).unwrap();
        let opts = EncodeOptions { date: "2026-01-02".into(), ..EncodeOptions::default() };
        let encoded = paperseed::encode(&backup, &opts).unwrap();
        let payload = paperseed::format::payload::encode(&backup);
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("exchange.pdf");
        std::fs::write(&pdf, &encoded.pdf).unwrap();
        Sheet { encoded, payload, pdf, _dir: dir }
    })
}

fn frame_bytes(sheet: &Sheet) -> Vec<Vec<u8>> {
    sheet.encoded.frames.iter().map(|t| Frame::parse(t).unwrap().to_bytes()).collect()
}

/// Rasterise the sheet and paint every QR code white.
fn blanked_pages(pdf: &Path, dpi: f32) -> Vec<GrayImage> {
    let limits = Limits { pdf_dpi: dpi, ..Limits::default() };
    let mut pages: Vec<GrayImage> = scan::load(pdf, &limits).unwrap().into_iter().map(|p| p.image).collect();
    for img in &mut pages {
        for code in scan::find_codes(img, &DetectOptions::default()) {
            scan::prepare::fill_quad(img, &code.corners, dpi / 25.4 * 4.0, 255);
        }
        assert!(scan::find_codes(img, &DetectOptions::default()).is_empty());
    }
    pages
}

fn restore_from_frames(texts: &[String]) -> Option<Vec<u8>> {
    let found: Vec<Located> =
        texts.iter().map(|t| Located { text: t.clone(), bytes: vec![], place: "recovery text".into() }).collect();
    let report = restore::assemble(&found);
    report.sets.iter().find_map(|s| match &s.outcome {
        paperseed::assemble::Outcome::Restored { payload, .. } => Some(payload.clone()),
        _ => None,
    })
}

fn read_and_restore(pages: &[GrayImage], sheet: &Sheet) -> (usize, usize, bool) {
    let expected = lines::encode_frames(&frame_bytes(sheet));
    let read: Vec<ocr::ReadLine> = pages.iter().flat_map(ocr::read_page_detailed).collect();
    let mut wrong = 0;
    let mut total = 0;
    for (r, e) in read.iter().zip(&expected) {
        total += e.len();
        wrong += r.raw.chars().zip(e.chars()).filter(|(a, b)| a != b).count();
    }
    let texts: Vec<String> = read.iter().map(|l| l.text.clone()).collect();
    let (frames, errors) = lines::decode_lines(&texts);
    eprintln!(
        "read {} of {} lines, {wrong}/{total} chars wrong, {} frames, {} errors",
        read.len(),
        expected.len(),
        frames.len(),
        errors.len()
    );
    let ok = restore_from_frames(&frames).as_deref() == Some(&sheet.payload[..]);
    (wrong, read.len(), ok)
}

#[test]
fn reads_the_block_at_300_dpi() {
    let sheet = exchange();
    let pages = blanked_pages(&sheet.pdf, 300.0);
    let t = std::time::Instant::now();
    let (_, n, ok) = read_and_restore(&pages, sheet);
    eprintln!("{:?}", t.elapsed());
    assert_eq!(n, lines::encode_frames(&frame_bytes(sheet)).len());
    assert!(ok);
}

/// The degradations of the benchmark, applied to every page.
fn degrade(pages: &[GrayImage], condition: &str) -> Vec<GrayImage> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| match condition {
            "clean" => p.clone(),
            "rotate 2°" => common::rotate_degrees(p, 2.0),
            "rotate -5°" => common::rotate_degrees(p, -5.0),
            "blur σ 1" => common::blur(p, 1.0),
            "noise σ 12" => common::noise(p, 12.0, i as u64 + 1),
            "jpeg q50" => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("p.jpg");
                common::save_jpeg(p, &path, 50);
                image::open(&path).unwrap().to_luma8()
            }
            other => panic!("unknown condition {other}"),
        })
        .collect()
}

fn restores_under_degradations(dpi: f32) {
    let sheet = exchange();
    let pages = blanked_pages(&sheet.pdf, dpi);
    let mut failed = Vec::new();
    for cond in ["clean", "rotate 2°", "rotate -5°", "blur σ 1", "jpeg q50", "noise σ 12"] {
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

#[test]
fn typed_lines_restore_and_case_spaces_and_confusions_do_not_matter() {
    let sheet = exchange();
    let printed = lines::encode_frames(&frame_bytes(sheet));
    // Lower case, spaces anywhere, O for 0 and I for 1, whole rows at once.
    let typed: Vec<String> = printed
        .chunks(3)
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
    let (frames, errors) = lines::decode_lines(&typed);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(frames, sheet.encoded.frames);
    assert_eq!(restore_from_frames(&frames).unwrap(), sheet.payload);
}

#[test]
fn a_typed_line_with_one_wrong_character_is_named_and_parity_covers_it() {
    let sheet = exchange();
    let mut typed = lines::encode_frames(&frame_bytes(sheet));
    // Line 6 (frame 0): change one data character.
    let bad = typed[5].clone();
    let pos = 6;
    let c = bad.as_bytes()[pos] as char;
    let replacement = if c == '7' { 'A' } else { '7' };
    typed[5] = format!("{}{}{}", &bad[..pos], replacement, &bad[pos + 1..]);
    // And a transposition on line 40.
    let l = typed[39].clone().into_bytes();
    let mut t = l.clone();
    t.swap(5, 6);
    if t != l {
        typed[39] = String::from_utf8(t).unwrap();
    }
    let (frames, errors) = lines::decode_lines(&typed);
    let named: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(named.iter().any(|e| e.starts_with("line 6:") && e.contains("fails its check")), "{named:?}");
    if l != typed[39].as_bytes() {
        assert!(named.iter().any(|e| e.starts_with("line 40:")), "{named:?}");
    }
    assert!(named.iter().any(|e| e.starts_with("frame 0: lines [5]")), "{named:?}");
    // The other frames (parity) rebuild the payload.
    assert!(frames.len() < sheet.encoded.frames.len());
    assert_eq!(restore_from_frames(&frames).unwrap(), sheet.payload);
}

#[test]
fn typed_garbage_is_refused_with_the_line_named() {
    let (frames, errors) = lines::decode_lines(&["000 12".to_string(), "hello, world".to_string(), String::new()]);
    assert!(frames.is_empty());
    let named: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(named[0].starts_with("line 1:") && named[0].contains("characters"), "{named:?}");
    assert!(named[1].starts_with("line 2:") && named[1].contains("not in the recovery alphabet"), "{named:?}");
    assert_eq!(errors.len(), 2);
}

#[test]
fn skipped_lines_are_rebuilt_from_the_other_frames() {
    let sheet = exchange();
    let printed = lines::encode_frames(&frame_bytes(sheet));
    let k = sheet.encoded.plan.k;
    let per_frame = printed.len() / sheet.encoded.frames.len();
    // Skip one line in each of n − k frames.
    let skip: Vec<usize> = (0..sheet.encoded.frames.len() - k).map(|f| f * per_frame + 3).collect();
    let typed: Vec<String> =
        printed.iter().enumerate().filter(|(i, _)| !skip.contains(i)).map(|(_, l)| l.clone()).collect();
    let (frames, errors) = lines::decode_lines(&typed);
    assert_eq!(frames.len(), k);
    assert_eq!(errors.len(), skip.len());
    assert_eq!(restore_from_frames(&frames).unwrap(), sheet.payload);
}

#[test]
fn text_and_codes_combine() {
    // Half the codes from QR, the rest of what is needed from text whose
    // lines for those frames are damaged.
    let sheet = exchange();
    let k = sheet.encoded.plan.k;
    let printed = lines::encode_frames(&frame_bytes(sheet));
    let per_frame = printed.len() / sheet.encoded.frames.len();
    let from_qr: Vec<String> = sheet.encoded.frames[..k / 2].to_vec();
    let text: Vec<String> = printed[(k / 2) * per_frame..(k / 2 + k - k / 2) * per_frame].to_vec();
    let (mut frames, errors) = lines::decode_lines(&text);
    assert!(errors.is_empty());
    frames.extend(from_qr);
    assert_eq!(restore_from_frames(&frames).unwrap(), sheet.payload);
}

#[test]
fn the_sheet_prints_exactly_the_encoded_lines() {
    // The recogniser reads back the very lines encode_frames makes (checked
    // at 300 dpi elsewhere); here: the block is in the standard flow.
    let sheet = exchange();
    let printed = lines::encode_frames(&frame_bytes(sheet));
    assert_eq!(printed.len(), 208);
    assert!(printed.iter().all(|l| l.len() == lines::LINE_CHARS));
}

/// `tests/vectors/recovery_<name>.txt`: the recovery lines of
/// `<name>.json`'s frames. `UPDATE_VECTORS=1` rewrites them.
#[test]
fn recovery_vectors() {
    let dir = repo().join("tests/vectors");
    for name in ["tiny-note", "mnemonic24"] {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap()).unwrap();
        let frames: Vec<String> =
            json["frames"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
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
        let (back, errors) = lines::decode_lines(&want);
        assert!(errors.is_empty());
        assert_eq!(back, frames);
        let payload = hex(json["payload_hex"].as_str().unwrap());
        assert_eq!(restore_from_frames(&back).unwrap(), payload);
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

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn stains_on_the_text_lose_lines_and_parity_rebuilds_them() {
    let sheet = exchange();
    let mut pages = blanked_pages(&sheet.pdf, 300.0);
    let mut stained = 0;
    for page in &mut pages {
        let blocks = ocr::find_blocks(page);
        for (b, quad) in blocks.iter().enumerate() {
            let (x0, y0) = quad[0];
            let (x1, y1) = quad[2];
            let (w, h) = (x1 - x0, y1 - y0);
            // An ink blot over the middle of the first block, and the bottom
            // bar of the second block torn off (that whole block is lost).
            if stained == 0 && b == 0 {
                let blot = [
                    (x0 + 0.4 * w, y0 + 0.3 * h),
                    (x0 + 0.6 * w, y0 + 0.3 * h),
                    (x0 + 0.6 * w, y0 + 0.5 * h),
                    (x0 + 0.4 * w, y0 + 0.5 * h),
                ];
                scan::prepare::fill_quad(page, &blot, 0.0, 30);
                stained += 1;
            } else if stained == 1 {
                let tear =
                    [(x0 - 20.0, y1 - 5.0), (x1 + 20.0, y1 - 5.0), (x1 + 20.0, y1 + 60.0), (x0 - 20.0, y1 + 60.0)];
                scan::prepare::fill_quad(page, &tear, 0.0, 255);
                stained += 1;
            }
        }
    }
    assert_eq!(stained, 2);
    let read: Vec<ocr::ReadLine> = pages.iter().flat_map(ocr::read_page_detailed).collect();
    let failing = read.iter().filter(|l| !l.passes).count();
    assert!(failing > 0 && read.len() < 208, "{failing} failing, {} read", read.len());
    let texts: Vec<String> = read.iter().map(|l| l.text.clone()).collect();
    let (frames, errors) = lines::decode_lines(&texts);
    assert!(!errors.is_empty() && frames.len() < sheet.encoded.frames.len());
    assert_eq!(restore_from_frames(&frames).unwrap(), sheet.payload);
}

#[test]
fn large_payloads_get_a_note_instead_of_the_text() {
    let path = repo().join("samples/keyfile.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let backup = paperseed::secret::manifest::parse(&text, path.parent().unwrap()).unwrap();
    let opts = EncodeOptions { date: "2026-01-02".into(), ..EncodeOptions::default() };
    let encoded = paperseed::encode(&backup, &opts).unwrap();
    assert!(encoded.payload_len > ocr::block::MAX_PAYLOAD_BYTES);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("k.pdf");
    std::fs::write(&pdf, &encoded.pdf).unwrap();
    let limits = Limits { pdf_dpi: 150.0, ..Limits::default() };
    let pages = scan::load(&pdf, &limits).unwrap();
    assert!(pages.iter().all(|p| ocr::find_blocks(&p.image).is_empty()));
    // The exchange sheet's six blocks are all found, even at 150 dpi.
    let pages = scan::load(&exchange().pdf, &limits).unwrap();
    assert_eq!(pages.iter().map(|p| ocr::find_blocks(&p.image).len()).sum::<usize>(), 6);
}

#[test]
fn pages_scanned_sideways_or_upside_down_are_read() {
    let sheet = exchange();
    let pages = blanked_pages(&sheet.pdf, 200.0);
    use scan::prepare::{Rotation, rotate};
    let turned: Vec<GrayImage> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| rotate(p, if i % 2 == 0 { Rotation::Cw180 } else { Rotation::Cw90 }))
        .collect();
    let (wrong, n, ok) = read_and_restore(&turned, sheet);
    assert_eq!((wrong, n, ok), (0, 208, true));
}
