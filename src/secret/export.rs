//! Restored secrets as text for a person, or JSON for a program.
//!
//! Text follows the sheet (numbered codes, grouped key, numbered words) and
//! adds what a person needs to re-enrol: the `otpauth://` URI of each key;
//! the emergency guide, when the backup has one, follows as on the sheet.
//! JSON carries every field (the guide's as the manifest names them), binary
//! data in base64 and keys in base32.

use data_encoding::BASE64;
use serde_json::{Value, json};

use super::emergency::Emergency;
use super::{Backup, OtpKind, Secret, totp};

/// The backup as readable text.
pub fn to_text(backup: &Backup) -> String {
    let mut out = String::new();
    for (i, s) in backup.secrets.iter().enumerate() {
        let d = s.display();
        out.push_str(&format!("{}. {}\n", i + 1, d.heading));
        for line in &d.lines {
            out.push_str(&format!("   {line}\n"));
        }
        match s {
            Secret::Otp { key, .. } => out.push_str(&format!("   URI      {}\n", key.to_uri())),
            Secret::File { name, .. } => {
                out.push_str(&format!("   (not shown: write it with --files-to DIR, which creates DIR/{name})\n"))
            }
            _ => {}
        }
        out.push('\n');
    }
    if let Some(e) = &backup.emergency {
        out.push_str("Emergency guide\n");
        for (heading, lines) in e.lines() {
            out.push_str(&format!("   {heading}\n"));
            for line in lines {
                out.push_str(&format!("      {line}\n"));
            }
        }
        out.push('\n');
    }
    out
}

fn secret_json(s: &Secret) -> Value {
    let mut v = match s {
        Secret::BackupCodes { codes, .. } => json!({ "codes": codes }),
        Secret::Otp { key, .. } => {
            let mut v = json!({
                "secret": totp::encode_base32(&key.key),
                "algorithm": key.algorithm.name(),
                "digits": key.digits,
                "uri": key.to_uri(),
            });
            match key.kind {
                OtpKind::Totp { period } => v["period"] = json!(period),
                OtpKind::Hotp { counter } => v["counter"] = json!(counter),
            }
            if let Some(i) = &key.issuer {
                v["issuer"] = json!(i);
            }
            if let Some(a) = &key.account {
                v["account"] = json!(a);
            }
            v
        }
        Secret::Mnemonic { words, .. } => json!({ "words": words }),
        Secret::Note { text, .. } => json!({ "text": text }),
        Secret::File { name, data, .. } => json!({ "name": name, "size": data.len(), "base64": BASE64.encode(data) }),
    };
    v["type"] = json!(s.type_name());
    v["label"] = json!(s.label());
    v
}

/// The emergency guide as JSON: the fields a manifest's `[emergency]` table
/// has, those left empty omitted.
fn emergency_json(e: &Emergency) -> Value {
    let mut v = json!({});
    for (key, field) in [("holder", &e.holder), ("account", &e.account), ("uid", &e.uid)] {
        if let Some(t) = field {
            v[key] = json!(t);
        }
    }
    for (key, lines) in e.lists() {
        if !lines.is_empty() {
            v[key] = json!(lines);
        }
    }
    v
}

/// The backup as a JSON value (`title`, `secrets`, and `emergency` when the
/// backup carries an emergency guide).
pub fn to_json(backup: &Backup) -> Value {
    let mut v = json!({
        "title": backup.title,
        "secrets": backup.secrets.iter().map(secret_json).collect::<Vec<_>>(),
    });
    if let Some(e) = &backup.emergency {
        v["emergency"] = emergency_json(e);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::{Algorithm, OtpKey};

    fn sample() -> Backup {
        Backup {
            title: "T".into(),
            secrets: vec![
                Secret::BackupCodes { label: "c".into(), codes: vec!["111".into(), "222".into()] },
                Secret::Otp {
                    label: "o".into(),
                    key: OtpKey {
                        key: b"Hello!\xde\xad\xbe\xef".to_vec(),
                        issuer: Some("ACME".into()),
                        account: Some("a@b".into()),
                        algorithm: Algorithm::Sha1,
                        digits: 6,
                        kind: OtpKind::Totp { period: 30 },
                    },
                },
                Secret::File { label: "f".into(), name: "k.bin".into(), data: vec![0, 1, 2] },
            ],
            emergency: None,
        }
    }

    #[test]
    fn text_has_numbered_codes_and_uri() {
        let t = to_text(&sample());
        assert!(t.contains("1. 111"), "{t}");
        assert!(t.contains("otpauth://totp/ACME:a%40b?secret=JBSWY3DPEHPK3PXP&issuer=ACME"), "{t}");
        assert!(t.contains("--files-to"), "{t}");
    }

    #[test]
    fn the_emergency_guide_is_in_text_and_json() {
        let mut b = sample();
        assert!(to_json(&b).get("emergency").is_none());
        assert!(!to_text(&b).contains("Emergency guide"));
        b.emergency = Some(Emergency {
            holder: Some("Alice".into()),
            contact: vec!["Bob, +44 20 7946 0958".into()],
            after_death: vec!["Give the codes to my executor.".into()],
            ..Default::default()
        });
        let j = to_json(&b);
        assert_eq!(j["emergency"]["holder"], "Alice");
        assert_eq!(j["emergency"]["contact"][0], "Bob, +44 20 7946 0958");
        assert_eq!(j["emergency"]["after_death"][0], "Give the codes to my executor.");
        assert!(j["emergency"].get("uid").is_none() && j["emergency"].get("never_do").is_none());
        let t = to_text(&b);
        assert!(t.contains("Emergency guide\n"), "{t}");
        assert!(t.contains("      Bob, +44 20 7946 0958\n"), "{t}");
        assert!(t.contains("After the death of Alice"), "{t}");
    }

    #[test]
    fn json_fields() {
        let j = to_json(&sample());
        assert_eq!(j["secrets"][1]["secret"], "JBSWY3DPEHPK3PXP");
        assert_eq!(j["secrets"][1]["period"], 30);
        assert_eq!(j["secrets"][2]["base64"], "AAEC");
        assert_eq!(j["secrets"][0]["codes"][1], "222");
    }
}
