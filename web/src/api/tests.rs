//! The page's requests, natively: sheets made by the library, rendered by
//! its PDF loader, read and restored through the JSON answers.

use super::*;
use paperseed::secret::manifest;

fn sample_backup() -> Backup {
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/exchange.toml")).unwrap();
    manifest::parse(&toml, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../samples"))).unwrap()
}

fn options() -> paperseed::EncodeOptions {
    paperseed::EncodeOptions { date: "2026-01-02".into(), ..Default::default() }
}

/// The answer's `so_far`, to send back as the page does.
fn so_far_of(answer: &Value) -> SoFar {
    serde_json::from_value(answer["so_far"].clone()).unwrap()
}

fn ask(request: Value, data: &[u8]) -> Value {
    serde_json::from_str(&call(request.to_string().as_bytes(), data)).unwrap()
}

#[test]
fn a_sheet_pdf_restores_with_the_fingerprint_and_secrets_restore_prints() {
    let backup = sample_backup();
    let encoded = paperseed::encode(&backup, &options()).unwrap();
    let answer = ask(json!({ "op": "scan", "name": "sheet.pdf" }), &encoded.pdf);
    assert!(answer.get("error").is_none(), "{answer}");
    let sets = &answer["progress"]["sets"];
    assert_eq!(sets.as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(sets[0]["restored"], true);
    let summary = sets[0]["summary"].as_str().unwrap();
    assert!(
        summary.starts_with(&format!("{} codes of this backup read, any {} restore", encoded.plan.n, encoded.plan.k))
    );
    let so_far = so_far_of(&answer);
    assert_eq!(so_far.pages, encoded.pages);
    let r = ask(json!({ "op": "restore", "so_far": so_far, "now": 1_767_312_000 }), &[]);
    assert_eq!(r["outcome"], "restored", "{r}");
    let b = &r["backups"][0];
    assert_eq!(b["fingerprint"], encoded.fingerprint.to_string());
    assert_eq!(b["title"], backup.title);
    for (s, shown) in backup.secrets.iter().zip(b["secrets"].as_array().unwrap()) {
        let d = s.display();
        assert_eq!(shown["heading"], d.heading);
        assert_eq!(shown["lines"], json!(d.lines));
        if let Secret::Otp { key, .. } = s {
            assert_eq!(shown["uri"], key.to_uri());
            assert_eq!(shown["otp"]["code"], json!(otp::totp_at(key, 1_767_312_000)));
        }
    }
}

#[test]
fn codes_accumulate_across_calls_and_say_how_many_more_are_needed() {
    let backup = sample_backup();
    let encoded = paperseed::encode(&backup, &options()).unwrap();
    let k = encoded.plan.k;
    // Codes given one by one, as from several photos or camera frames.
    let mut so_far = SoFar::default();
    for (i, text) in encoded.frames.iter().take(k - 1).enumerate() {
        so_far.codes.push(Code { text: text.clone(), place: format!("photo {i}"), raw: String::new() });
    }
    let r = ask(json!({ "op": "restore", "so_far": so_far, "now": 0 }), &[]);
    assert_eq!(r["outcome"], "incomplete", "{r}");
    let message = r["message"].as_str().unwrap();
    assert!(message.contains(&format!("{} of {} codes read", k - 1, encoded.plan.n)), "{message}");
    assert!(message.ends_with("1 more"), "{message}");
    assert!(r["hint"].as_str().unwrap().contains("Rescan at 300 dpi"));
    let summary = r["progress"]["sets"][0]["summary"].as_str().unwrap();
    assert!(summary.ends_with(": 1 more needed"), "{summary}");
    so_far.codes.push(Code { text: encoded.frames[k].clone(), place: "photo k".into(), raw: String::new() });
    let r = ask(json!({ "op": "restore", "so_far": so_far, "now": 0 }), &[]);
    assert_eq!(r["outcome"], "restored", "{r}");
}

#[test]
fn typed_lines_are_checked_one_by_one_as_restore_type_does() {
    let backup = sample_backup();
    let encoded = paperseed::encode(&backup, &options()).unwrap();
    let lines = &encoded.recovery_lines;
    assert!(lines.len() > 8);
    let mut so_far = SoFar::default();
    for (i, line) in lines.iter().enumerate() {
        let entry = i + 1;
        if i == 3 {
            continue; // a line left out
        }
        let mut typed = line.to_lowercase();
        if i == 5 {
            // One typo: a symbol changed.
            let mut chars: Vec<char> = typed.chars().collect();
            let at = chars.iter().rposition(|c| c.is_ascii_alphanumeric()).unwrap();
            chars[at] = if chars[at] == 'a' { 'b' } else { 'a' };
            typed = chars.into_iter().collect();
        }
        let a = ask(json!({ "op": "check_line", "text": typed, "entry": entry }), &[]);
        if i == 5 {
            let e = a["error"].as_str().expect("the typo is refused");
            let expected = restore::check_typed_entry(&typed, entry, TYPED_PLACE).unwrap_err().to_string();
            assert_eq!(e, expected);
            assert!(e.starts_with("line 6: "), "{e}");
            continue;
        }
        let accepted: Vec<Line> = serde_json::from_value(a["lines"].clone()).unwrap();
        so_far.lines.extend(accepted);
    }
    let r = ask(json!({ "op": "restore", "so_far": so_far, "now": 0 }), &[]);
    assert_eq!(r["outcome"], "restored", "{r}");
    assert_eq!(r["backups"][0]["fingerprint"], encoded.fingerprint.to_string());
    // Not a line at all.
    let a = ask(json!({ "op": "check_line", "text": "hello", "entry": 1 }), &[]);
    assert!(a["error"].as_str().unwrap().starts_with("line 1: 5 symbols"), "{a}");
}

fn protected(passphrase: Option<&str>, shares: Option<(u8, u8, Vec<String>)>) -> Vec<paperseed::ProtectedSheet> {
    let protection = paperseed::Protection {
        passphrase: passphrase.map(|p| SecretString::from(p.to_string())),
        work_factor: Some(10),
        shares,
    };
    paperseed::encode_protected(&sample_backup(), &options(), &protection).unwrap()
}

fn codes_of(sheet: &paperseed::ProtectedSheet, place: &str) -> Vec<Code> {
    sheet.sheet.frames.iter().map(|t| Code { text: t.clone(), place: place.into(), raw: String::new() }).collect()
}

#[test]
fn an_encrypted_sheet_asks_for_its_passphrase_and_refuses_a_wrong_one() {
    let sheets = protected(Some("correct horse battery"), None);
    let so_far = SoFar { codes: codes_of(&sheets[0], "photo"), ..Default::default() };
    let r = ask(json!({ "op": "restore", "so_far": so_far, "now": 0 }), &[]);
    assert_eq!(r["outcome"], "need_passphrase", "{r}");
    assert_eq!(r["progress"]["sets"][0]["kind"], "encrypted");
    let r = ask(json!({ "op": "restore", "so_far": so_far, "passphrase": "wrong horse", "now": 0 }), &[]);
    assert_eq!(r["outcome"], "wrong_passphrase", "{r}");
    assert_eq!(r["message"], UnlockError::WrongPassphrase.to_string());
    let r = ask(json!({ "op": "restore", "so_far": so_far, "passphrase": "correct horse battery", "now": 0 }), &[]);
    assert_eq!(r["outcome"], "restored", "{r}");
    assert_eq!(r["backups"][0]["title"], sample_backup().title);
}

#[test]
fn shares_say_who_holds_the_missing_ones_and_two_of_three_restore() {
    let holders = vec!["spouse".to_string(), "parents".to_string(), "attorney".to_string()];
    let sheets = protected(None, Some((2, 3, holders)));
    let one = SoFar { codes: codes_of(&sheets[0], "share 1"), ..Default::default() };
    let r = ask(json!({ "op": "restore", "so_far": one, "now": 0 }), &[]);
    assert_eq!(r["outcome"], "incomplete", "{r}");
    let message = r["message"].as_str().unwrap();
    assert!(message.contains("2 of 3 needed, 1 found (share 1, holder: spouse)"), "{message}");
    assert!(message.contains("bring 1 more of: share 2, holder: parents; share 3, holder: attorney"), "{message}");
    let share = &r["progress"]["sets"][0]["share"];
    assert_eq!((share["x"].as_u64(), share["holder"].as_str()), (Some(1), Some("spouse")));
    let mut two = one.clone();
    two.codes.extend(codes_of(&sheets[2], "share 3"));
    let r = ask(json!({ "op": "restore", "so_far": two, "now": 0 }), &[]);
    assert_eq!(r["outcome"], "restored", "{r}");
    assert_eq!(r["backups"][0]["fingerprint"], sheets[0].secrets_fingerprint.unwrap().to_string());
}

#[test]
fn share_words_typed_join_a_share_sheet() {
    let sheets = protected(None, Some((2, 3, Vec::new())));
    let share2 = SoFar { codes: codes_of(&sheets[1], "s"), ..Default::default() };
    let bytes = match &share2.scanned().report.sets[0].outcome {
        Outcome::Restored { payload, .. } => payload.clone(),
        other => panic!("{other:?}"),
    };
    let words = shares::share_words(&bytes).unwrap().unwrap().join(" ");
    let a = ask(json!({ "op": "check_line", "text": words, "entry": 1 }), &[]);
    assert_eq!(a["share"], 2, "{a}");
    let so_far = SoFar { codes: codes_of(&sheets[0], "s1"), words: vec![words], ..Default::default() };
    let r = ask(json!({ "op": "restore", "so_far": so_far, "now": 0 }), &[]);
    assert_eq!(r["outcome"], "restored", "{r}");
}

#[test]
fn two_backups_are_listed_to_choose_from_and_nothing_is_shown() {
    let a = paperseed::encode(&sample_backup(), &options()).unwrap();
    let mut other = sample_backup();
    other.title = "Another".into();
    let b = paperseed::encode(&other, &options()).unwrap();
    let mut so_far = SoFar::default();
    for (e, place) in [(&a, "a"), (&b, "b")] {
        so_far.codes.extend(e.frames.iter().map(|t| Code { text: t.clone(), place: place.into(), raw: String::new() }));
    }
    let r = ask(json!({ "op": "restore", "so_far": so_far, "now": 0 }), &[]);
    assert_eq!(r["outcome"], "several", "{r}");
    assert!(r.get("backups").is_none());
    let choice = r["choose"].as_array().unwrap().iter().find(|c| c["title"] == "Another").unwrap()["choice"].clone();
    let r = ask(json!({ "op": "restore", "so_far": so_far, "set": choice, "now": 0 }), &[]);
    assert_eq!(r["outcome"], "restored", "{r}");
    assert_eq!(r["backups"][0]["fingerprint"], b.fingerprint.to_string());
}

#[test]
fn camera_frames_add_each_code_once() {
    let encoded = paperseed::encode(&sample_backup(), &options()).unwrap();
    let page = paperseed::scan::load_bytes(&encoded.pdf, "sheet.pdf", &Limits { pdf_dpi: 150.0, ..Limits::default() })
        .unwrap()
        .remove(0);
    let (w, h) = page.image.dimensions();
    let luma = page.image.into_raw();
    let first = ask(json!({ "op": "frame", "width": w, "height": h }), &luma);
    let n = first["added"].as_u64().unwrap();
    assert!(n >= encoded.plan.k as u64, "{first}");
    let again = ask(json!({ "op": "frame", "width": w, "height": h, "so_far": first["so_far"] }), &luma);
    assert_eq!(again["added"], 0);
    assert_eq!(again["so_far"]["codes"].as_array().unwrap().len() as u64, n);
    assert!(again["so_far"]["codes"][0]["place"].as_str().unwrap().starts_with(CAMERA_PLACE), "{again}");
    let bad = ask(json!({ "op": "frame", "width": w, "height": h }), &luma[..10]);
    assert!(bad["error"].is_string());
}

#[test]
fn files_otp_and_qr() {
    assert_eq!(safe_file_name("key.txt"), Some("key.txt"));
    for bad in ["../x", ".hidden", "a/b", "c:\\x", ""] {
        assert_eq!(safe_file_name(bad), None, "{bad}");
    }
    let a =
        ask(json!({ "op": "otp", "uri": "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "now": 59 }), &[]);
    assert_eq!(a["code"], "287082", "RFC 6238 at T = 59 s, six digits");
    assert_eq!(a["remaining"], 1);
    let q = ask(json!({ "op": "qr", "text": "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP" }), &[]);
    let w = q["width"].as_u64().unwrap() as usize;
    assert_eq!(q["modules"].as_str().unwrap().len(), w * w);
    let bad = ask(json!({ "op": "nope" }), &[]);
    assert!(bad["error"].as_str().unwrap().contains("does not understand"));
    let not_an_image = ask(json!({ "op": "scan", "name": "notes.txt" }), b"hello");
    assert!(not_an_image["error"].as_str().unwrap().contains("notes.txt"), "{not_an_image}");
}
