//! The payload of format v1 (schema 1): a [`Backup`] as deterministic CBOR
//! with text keys. paperseed 0.2 writes the compact schema 2
//! ([`super::compact`]) and reads both ([`decode`]).
//!
//! ```text
//! { "v": 1, "title": text, "secrets": [ secret, ... ] }
//! secret = { "type": "backup-codes", "label": text, "codes": [text, ...] }
//!        / { "type": "totp", "label", "key": bytes, "algorithm": text,
//!            "digits": uint, "period": uint, ? "issuer": text, ? "account": text }
//!        / { "type": "hotp", ... as totp but "counter": uint instead of "period" }
//!        / { "type": "mnemonic", "label", "words": text }   (BIP39, English, single spaces)
//!        / { "type": "note", "label", "text": text }
//!        / { "type": "file", "label", "name": text, "data": bytes }
//! ```
//! Text keys make the payload self-describing to any CBOR tool (cbor.me,
//! Python's cbor2) at a cost of a few dozen bytes.

use super::cbor::{CborError, MapKey, Value};
use crate::secret::{Algorithm, Backup, OtpKey, OtpKind, Secret};

/// Payload schema version written in `"v"`.
pub const SCHEMA_VERSION: u64 = 1;

/// Why payload bytes are not a backup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("the payload is not canonical CBOR: {0}")]
    Cbor(#[from] CborError),
    #[error(
        "the payload uses schema version {0}; this paperseed reads version {SCHEMA_VERSION}: it needs a newer paperseed"
    )]
    UnknownVersion(u64),
    #[error("secret {0} has type {1:?}, which this paperseed does not know: it needs a newer paperseed")]
    UnknownType(usize, String),
    #[error("the payload does not follow the schema: {0}")]
    Schema(String),
    #[error(transparent)]
    Compact(#[from] super::compact::CompactError),
    #[error("the payload is not in its one canonical form ({0})")]
    NotCanonical(String),
}

fn text(s: &str) -> Value {
    Value::text(s)
}

fn secret_value(s: &Secret) -> Value {
    let mut pairs = vec![("type", text(s.type_name())), ("label", text(s.label()))];
    match s {
        Secret::BackupCodes { codes, .. } => {
            pairs.push(("codes", Value::Array(codes.iter().map(|c| text(c)).collect())))
        }
        Secret::Otp { key, .. } => {
            pairs.push(("key", Value::Bytes(key.key.clone())));
            pairs.push(("algorithm", text(key.algorithm.name())));
            pairs.push(("digits", Value::Uint(key.digits.into())));
            match key.kind {
                OtpKind::Totp { period } => pairs.push(("period", Value::Uint(period.into()))),
                OtpKind::Hotp { counter } => pairs.push(("counter", Value::Uint(counter))),
            }
            if let Some(i) = &key.issuer {
                pairs.push(("issuer", text(i)));
            }
            if let Some(a) = &key.account {
                pairs.push(("account", text(a)));
            }
        }
        Secret::Mnemonic { words, .. } => pairs.push(("words", text(words))),
        Secret::Note { text: t, .. } => pairs.push(("text", text(t))),
        Secret::File { name, data, .. } => {
            pairs.push(("name", text(name)));
            pairs.push(("data", Value::Bytes(data.clone())));
        }
    }
    Value::map(pairs)
}

/// Encode a backup as payload bytes.
pub fn encode(backup: &Backup) -> Vec<u8> {
    Value::map([
        ("v", Value::Uint(SCHEMA_VERSION)),
        ("title", text(&backup.title)),
        ("secrets", Value::Array(backup.secrets.iter().map(secret_value).collect())),
    ])
    .encode()
}

struct Fields<'a> {
    map: &'a std::collections::BTreeMap<MapKey, Value>,
    what: String,
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(&MapKey(key.to_string()))
    }
    fn text(&self, key: &str) -> Result<String, PayloadError> {
        self.opt_text(key)?.ok_or_else(|| PayloadError::Schema(format!("{} lacks {key:?}", self.what)))
    }
    fn opt_text(&self, key: &str) -> Result<Option<String>, PayloadError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Text(t)) => Ok(Some(t.clone())),
            Some(_) => Err(PayloadError::Schema(format!("{} field {key:?} is not text", self.what))),
        }
    }
    fn bytes(&self, key: &str) -> Result<Vec<u8>, PayloadError> {
        match self.get(key) {
            Some(Value::Bytes(b)) => Ok(b.clone()),
            _ => Err(PayloadError::Schema(format!("{} field {key:?} is missing or not bytes", self.what))),
        }
    }
    fn uint(&self, key: &str) -> Result<u64, PayloadError> {
        match self.get(key) {
            Some(Value::Uint(u)) => Ok(*u),
            _ => {
                Err(PayloadError::Schema(format!("{} field {key:?} is missing or not an unsigned integer", self.what)))
            }
        }
    }
}

fn fields(v: &Value, what: String) -> Result<Fields<'_>, PayloadError> {
    match v {
        Value::Map(map) => Ok(Fields { map, what }),
        _ => Err(PayloadError::Schema(format!("{what} is not a map"))),
    }
}

fn secret_from(v: &Value, index: usize) -> Result<Secret, PayloadError> {
    let f = fields(v, format!("secret {index}"))?;
    let kind = f.text("type")?;
    let label = f.text("label")?;
    let range = |what: &str, v: u64, max: u64| {
        if v > max { Err(PayloadError::Schema(format!("secret {index} {what} {v} is out of range"))) } else { Ok(v) }
    };
    Ok(match kind.as_str() {
        "backup-codes" => {
            let codes = match f.get("codes") {
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|c| match c {
                        Value::Text(t) => Ok(t.clone()),
                        _ => Err(PayloadError::Schema(format!("secret {index} has a code that is not text"))),
                    })
                    .collect::<Result<_, _>>()?,
                _ => return Err(PayloadError::Schema(format!("secret {index} lacks \"codes\""))),
            };
            Secret::BackupCodes { label, codes }
        }
        "totp" | "hotp" => {
            let algorithm = Algorithm::parse(&f.text("algorithm")?).map_err(|e| PayloadError::Schema(e.into()))?;
            let kind = if kind == "totp" {
                OtpKind::Totp { period: range("period", f.uint("period")?, u32::MAX.into())? as u32 }
            } else {
                OtpKind::Hotp { counter: f.uint("counter")? }
            };
            let key = OtpKey {
                key: f.bytes("key")?,
                issuer: f.opt_text("issuer")?,
                account: f.opt_text("account")?,
                algorithm,
                digits: range("digits", f.uint("digits")?, 255)? as u8,
                kind,
            };
            Secret::Otp { label, key }
        }
        "mnemonic" => Secret::Mnemonic { label, words: f.text("words")? },
        "note" => Secret::Note { label, text: f.text("text")? },
        "file" => Secret::File { label, name: f.text("name")?, data: f.bytes("data")? },
        _ => return Err(PayloadError::UnknownType(index, kind)),
    })
}

/// Decode payload bytes of either schema (1: text keys, written by
/// paperseed 0.1; 2: the compact form, [`super::compact`]) into a backup,
/// validated like a manifest.
pub fn decode(bytes: &[u8]) -> Result<Backup, PayloadError> {
    if super::compact::is_compact(bytes) {
        return Ok(super::compact::decode(bytes)?);
    }
    decode_v1(bytes)
}

/// Decode a schema-1 payload.
pub fn decode_v1(bytes: &[u8]) -> Result<Backup, PayloadError> {
    let root = Value::decode(bytes)?;
    let f = fields(&root, "the payload".into())?;
    let v = f.uint("v")?;
    if v != SCHEMA_VERSION {
        return Err(PayloadError::UnknownVersion(v));
    }
    let title = f.text("title")?;
    let secrets = match f.get("secrets") {
        Some(Value::Array(items)) => {
            items.iter().enumerate().map(|(i, s)| secret_from(s, i + 1)).collect::<Result<Vec<_>, _>>()?
        }
        _ => return Err(PayloadError::Schema("the payload lacks \"secrets\"".into())),
    };
    let backup = Backup { title, secrets, emergency: None };
    backup.validate().map_err(|e| PayloadError::Schema(e.to_string()))?;
    // One backup, one payload: decode → encode must give the same bytes
    // (no unknown keys dropped), and a seed phrase is written as paperseed
    // writes it (lower case, single spaces).
    for (i, s) in backup.secrets.iter().enumerate() {
        if let Secret::Mnemonic { words, .. } = s
            && crate::secret::mnemonic::normalize(words).as_deref() != Ok(words.as_str())
        {
            return Err(PayloadError::NotCanonical(format!(
                "secret {}: the seed phrase is not in lower case with single spaces",
                i + 1
            )));
        }
    }
    if encode(&backup) != bytes {
        return Err(PayloadError::NotCanonical("it decodes, but re-encodes to other bytes".into()));
    }
    Ok(backup)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Backup {
        Backup {
            title: "T".into(),
            secrets: vec![
                Secret::BackupCodes { label: "c".into(), codes: vec!["1".into(), "2".into()] },
                Secret::Otp {
                    label: "o".into(),
                    key: OtpKey {
                        key: vec![1, 2, 3],
                        issuer: Some("I".into()),
                        account: None,
                        algorithm: Algorithm::Sha256,
                        digits: 8,
                        kind: OtpKind::Hotp { counter: 5 },
                    },
                },
                Secret::Note { label: "n".into(), text: "José – € 50 000\n张三".into() },
                Secret::File { label: "f".into(), name: "a.bin".into(), data: vec![0, 255] },
            ],
            emergency: None,
        }
    }

    #[test]
    fn round_trip() {
        let b = sample();
        assert_eq!(decode(&encode(&b)).unwrap(), b);
    }

    #[test]
    fn known_bytes_of_a_tiny_payload() {
        let b = Backup {
            title: "T".into(),
            secrets: vec![Secret::Note { label: "n".into(), text: "hi".into() }],
            emergency: None,
        };
        let bytes = encode(&b);
        // {"v": 1, "title": "T", "secrets": [{"text": "hi", "type": "note", "label": "n"}]}
        let expect = "a3617601657469746c6561546773656372657473\
                      81a364746578746268696474797065646e6f7465656c6162656c616e";
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expect);
    }

    #[test]
    fn rejects_future_versions_and_types() {
        let mut bytes = encode(&sample());
        assert_eq!(bytes[3], 0x01); // "v": 1 — after a3 61 76
        bytes[3] = 0x02;
        assert_eq!(decode(&bytes), Err(PayloadError::UnknownVersion(2)));
        let v = Value::map([
            ("v", Value::Uint(1)),
            ("title", text("T")),
            ("secrets", Value::Array(vec![Value::map([("type", text("passkey")), ("label", text("x"))])])),
        ]);
        assert_eq!(decode(&v.encode()), Err(PayloadError::UnknownType(1, "passkey".into())));
    }

    fn note_payload(extra: Option<(&'static str, Value)>, words: Option<&str>) -> Vec<u8> {
        let mut secret = vec![("type", text("note")), ("label", text("n")), ("text", text("hi"))];
        if let Some(w) = words {
            secret = vec![("type", text("mnemonic")), ("label", text("m")), ("words", text(w))];
        }
        let mut root = vec![("v", Value::Uint(1)), ("title", text("T")), ("secrets", Value::Array(vec![]))];
        root[2].1 = Value::Array(vec![Value::map(secret)]);
        if let Some(e) = extra {
            root.push(e);
        }
        Value::map(root).encode()
    }

    #[test]
    fn unknown_keys_are_rejected_not_dropped() {
        assert!(decode(&note_payload(None, None)).is_ok());
        let bytes = note_payload(Some(("extra", Value::Uint(7))), None);
        let err = decode(&bytes).unwrap_err();
        assert!(matches!(err, PayloadError::NotCanonical(_)), "{err:?}");
        assert!(err.to_string().contains("not in its one canonical form"), "{err}");
        // An unknown key inside a secret too.
        let v = Value::map([
            ("v", Value::Uint(1)),
            ("title", text("T")),
            (
                "secrets",
                Value::Array(vec![Value::map([
                    ("type", text("note")),
                    ("label", text("n")),
                    ("text", text("hi")),
                    ("color", text("red")),
                ])]),
            ),
        ]);
        assert!(matches!(decode(&v.encode()), Err(PayloadError::NotCanonical(_))));
    }

    #[test]
    fn a_seed_phrase_not_in_lower_case_is_rejected() {
        let words = "legal winner thank year wave sausage worth useful legal winner thank yellow";
        assert!(decode(&note_payload(None, Some(words))).is_ok());
        for bad in [
            "Legal winner thank year wave sausage worth useful legal winner thank yellow".to_string(),
            words.to_uppercase(),
            words.replace("thank ", "thank  "),
        ] {
            let err = decode(&note_payload(None, Some(&bad))).unwrap_err();
            assert!(matches!(err, PayloadError::NotCanonical(_)), "{bad}: {err:?}");
        }
    }

    #[test]
    fn every_v1_vector_payload_is_accepted() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let Some(hex) = v["payload_hex"].as_str() else { continue };
                let bytes: Vec<u8> =
                    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
                let backup = decode_v1(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(encode(&backup), bytes);
                seen += 1;
            }
        }
        assert!(seen >= 3, "{seen}");
    }
}
