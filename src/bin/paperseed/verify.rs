//! `paperseed verify`: the yearly check of a sheet: which codes and lines
//! still read, whether the checksum matches, and the fingerprint.

use std::path::Path;

use anyhow::anyhow;
use serde_json::json;

use paperseed::assemble::{Outcome, SetReport};
use paperseed::format::{Fingerprint, PayloadKind};
use paperseed::protect;

use crate::args::VerifyArgs;
use crate::exit::Failure;
use crate::output::print_stdout;
use crate::scan::{TEXT_PLACE, codes_list, not_restorable, nothing_found, report_problems, scan_inputs, selected};

/// What `verify` could check of a set's contents.
struct ContentCheck {
    title: Option<String>,
    /// Nothing wrong was found (contents not checked count as fine).
    ok: bool,
    /// A remark for the report.
    note: Option<String>,
}

fn check_content(set: &SetReport, passphrase_file: Option<&Path>) -> Result<ContentCheck, Failure> {
    let Outcome::Restored { payload: carried, .. } = &set.outcome else {
        return Ok(ContentCheck { title: None, ok: false, note: None });
    };
    let decode = |plain: &[u8]| match paperseed::format::payload::decode(plain) {
        Ok(b) => ContentCheck { title: Some(b.title), ok: true, note: None },
        Err(e) => ContentCheck { title: None, ok: false, note: Some(format!("damaged: {e}")) },
    };
    Ok(match set.set.kind {
        PayloadKind::Sheet => decode(carried),
        PayloadKind::Encrypted => match passphrase_file {
            Some(_) => {
                let mut source = crate::passphrase::PassphraseSource::new(passphrase_file);
                let mut c = decode(&source.decrypt(carried)?);
                c.note = c.note.or(Some("encrypted; decrypted with the passphrase and checked".into()));
                c
            }
            None => ContentCheck {
                title: None,
                ok: true,
                note: Some(
                    "encrypted: the codes and their checksum are intact, the contents were not checked (give --passphrase-file to check them too)".into(),
                ),
            },
        },
        PayloadKind::Share => match protect::shares::parse_share(carried) {
            Ok(info) => ContentCheck {
                title: None,
                ok: true,
                note: Some(format!(
                    "share {} of {} (any {} restore){}, split {}; this share is intact; {} more share(s) are needed to restore",
                    info.x,
                    info.n,
                    info.k,
                    info.holder.as_deref().map(|h| format!(", holder: {h}")).unwrap_or_default(),
                    info.split_code(),
                    info.more_needed()
                )),
            },
            Err(e) => ContentCheck { title: None, ok: false, note: Some(format!("damaged share: {e}")) },
        },
    })
}

pub fn verify(args: VerifyArgs, quiet: bool) -> Result<(), Failure> {
    let expect = match &args.expect {
        Some(e) => Some(
            Fingerprint::parse(e)
                .ok_or_else(|| anyhow!("--expect {e:?} is not a fingerprint (12 characters like K7QF-3M2X-9TRD)"))?,
        ),
        None => None,
    };
    let scanned = scan_inputs(&args.scan, quiet, true)?;
    report_problems(&scanned, &args.scan, quiet);
    let sets: Vec<&SetReport> = scanned.report.sets.iter().filter(|s| selected(s, args.scan.set.as_deref())).collect();
    if sets.is_empty() {
        if args.json {
            let v = json!({ "intact": false, "sets": [], "pages": scanned.pages,
                "rejected": scanned.report.rejected.iter().map(|r| json!({"where": r.source, "error": r.error.to_string()})).collect::<Vec<_>>(),
                "foreign_codes": scanned.report.foreign.len() });
            print_stdout(serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)? + "\n")?;
        }
        return Err(nothing_found(&scanned));
    }
    let mut all_ok = true;
    let mut text = String::new();
    let mut json_sets = Vec::new();
    for set in sets {
        let (k, n) = (set.set.k as usize, set.set.n as usize);
        let have = set.have();
        let content = check_content(set, args.scan.passphrase_file.as_deref())?;
        let bad: Vec<u8> = match &set.outcome {
            Outcome::Restored { bad_shards, .. } => bad_shards.clone(),
            _ => Vec::new(),
        };
        let checksum_ok = matches!(set.outcome, Outcome::Restored { .. });
        let readable = have - bad.len();
        let title = content.title.clone();
        let fingerprint = set.fingerprint();
        let expect_ok = match (expect, fingerprint) {
            (Some(e), Some(f)) => Some(e == f),
            (Some(_), None) => Some(false),
            (None, _) => None,
        };
        let payload_ok = content.ok;
        let ok = checksum_ok && payload_ok && expect_ok != Some(false);
        all_ok &= ok;
        let codes: Vec<serde_json::Value> = (0..set.set.n)
            .map(|i| {
                let seen = set.shards.get(&i);
                let status = match seen {
                    Some(_) if bad.contains(&i) => "damaged",
                    Some(_) => "read",
                    None => "not found",
                };
                json!({ "code": i + 1, "status": status, "where": seen.map(|s| s.sources.clone()).unwrap_or_default() })
            })
            .collect();
        if args.json {
            json_sets.push(json!({
                "set": set.set.short_id(), "title": title, "k": k, "n": n,
                "readable": readable, "needed": k, "may_still_lose": readable.saturating_sub(k),
                "checksum_ok": checksum_ok, "payload_ok": payload_ok,
                "fingerprint": fingerprint.map(|f| f.to_string()),
                "expect_matches": expect_ok, "intact": ok, "codes": codes, "contents": content.note,
            }));
            continue;
        }
        text.push_str(&format!("{} (set {})\n", title.as_deref().unwrap_or("paperseed sheet"), set.set.short_id()));
        text.push_str("  code  status     where\n");
        for c in &codes {
            let places =
                c["where"].as_array().map(|a| a.iter().filter_map(|p| p.as_str()).collect::<Vec<_>>().join("; "));
            text.push_str(&format!(
                "  {:>5}  {:<9}  {}\n",
                format!("{}/{n}", c["code"]),
                c["status"].as_str().unwrap_or(""),
                places.unwrap_or_default()
            ));
        }
        let margin = if readable >= k {
            format!("{readable} of {n} codes readable, {k} needed: {} more may be lost", readable - k)
        } else if checksum_ok {
            format!(
                "{readable} of {n} codes readable, {k} needed: the data was rebuilt only with the help of the recovery text; reprint this sheet"
            )
        } else {
            format!("{readable} of {n} codes readable, {k} needed: {} more must be read to restore", k - readable)
        };
        text.push_str(&format!("  {margin}.\n"));
        text.push_str(&match &set.outcome {
            Outcome::Restored { .. } => {
                let mut t = "  Checksum: OK (the rebuilt payload matches its BLAKE3 checksum).\n".to_string();
                if let Some(note) = &content.note {
                    t.push_str(&format!("  Contents: {note}\n"));
                }
                t
            }
            Outcome::Mismatch { conflicting, .. } if !conflicting.is_empty() => format!(
                "  Checksum: MISMATCH: no combination of the codes read matches. Codes with conflicting contents for the same code number were present (forged or misread): code(s) {}.\n",
                codes_list(conflicting)
            ),
            Outcome::Mismatch { .. } => "  Checksum: MISMATCH: no combination of the codes read matches.\n".to_string(),
            _ => "  Checksum: not checked (not enough codes).\n".to_string(),
        });
        if !bad.is_empty() {
            text.push_str(&format!("  Damaged or altered codes (read, but wrong content): {}.\n", codes_list(&bad)));
        }
        match (fingerprint, expect_ok) {
            (Some(f), Some(true)) => text.push_str(&format!("  Fingerprint: {f} (matches --expect)\n")),
            (Some(f), Some(false)) => {
                text.push_str(&format!("  Fingerprint: {f} DOES NOT MATCH --expect {}\n", expect.unwrap()))
            }
            (Some(f), None) => {
                text.push_str(&format!("  Fingerprint: {f} (compare it with the one printed on the sheet)\n"))
            }
            (None, _) => {}
        }
        if let Some(t) = &set.text {
            text.push_str(&format!(
                "  Recovery text: {} of its {} lines read and checked{}.\n",
                t.lines,
                t.expected,
                if t.conflicts > 0 {
                    format!(", {} read twice with different contents", t.conflicts)
                } else {
                    String::new()
                }
            ));
        } else if let Some(h) = scanned.text.as_ref().filter(|_| set.set.version == 1) {
            let from_text = set.shards.values().filter(|s| s.sources.iter().any(|p| p == TEXT_PLACE)).count();
            text.push_str(&format!(
                "  Recovery text: {} lines read, {} pass their check ({} after correcting a character); {} of the {n} codes' data rebuilt from it.\n",
                h.lines, h.passed, h.repaired, from_text
            ));
        }
        text.push_str(&format!("  Result: {}\n\n", if ok { "INTACT" } else { "NOT INTACT" }));
    }
    if args.json {
        let v = json!({
            "intact": all_ok, "pages": scanned.pages, "sets": json_sets,
            "recovery_text": scanned.text.as_ref().map(|h| json!({"lines": h.lines, "passed": h.passed, "repaired": h.repaired, "frames": h.frames})),
            "rejected": scanned.report.rejected.iter().map(|r| json!({"where": r.source, "error": r.error.to_string()})).collect::<Vec<_>>(),
            "foreign_codes": scanned.report.foreign.len(),
        });
        print_stdout(serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)? + "\n")?;
    } else {
        print_stdout(&text)?;
    }
    if all_ok { Ok(()) } else { Err(not_restorable("the sheet is not intact (see the report above)".into())) }
}
