//! The compact payload (schema 2, format v2): a [`Backup`] as deterministic
//! CBOR with small integer keys and secrets in their binary form.
//!
//! Format v1's payload spelled every key as text and stored codes, words and
//! labels as text: half of a typical payload was field names and digits
//! written as characters. Paper is the cost a person pays for every byte, so
//! schema 2 keeps the same self-describing CBOR (any CBOR tool still shows
//! maps, texts and byte strings) but:
//!
//! - map keys are small unsigned integers (one byte each), documented in
//!   docs/FORMAT.md §1;
//! - a BIP39 phrase is stored as its entropy (16–32 bytes instead of ~150
//!   characters); the words and their checksum follow from it;
//! - backup codes that share one shape (`12345678`, `vthx-pywb-bxp4-afqs`)
//!   are stored as a pattern plus one fixed-width number per code;
//! - TOTP/HOTP parameters at their usual defaults (SHA1, 6 digits, 30 s) are
//!   left out.
//!
//! ```text
//! payload = { 0: 2, 1: title, 2: [+ secret] }
//! secret  = { 0: type, 1: label, ... }
//!   1 backup codes  { 2: [+ text] }  or  { 3: pattern, 4: packed bytes }
//!   2 totp          { 2: key, ?3: algorithm, ?4: digits, ?5: period, ?6: issuer, ?7: account }
//!   3 hotp          { 2: key, ?3: algorithm, ?4: digits, 5: counter, ?6: issuer, ?7: account }
//!   4 mnemonic      { 2: entropy }
//!   5 note          { 2: text }
//!   6 file          { 2: name, 3: data }
//! ```
//!
//! **Canonical:** for every backup there is exactly one encoding, and
//! [`decode`] accepts nothing else: it re-encodes what it decoded and rejects
//! the input unless the bytes are identical (defaults written out, codes left
//! as text although they share a pattern, keys out of order…). So decode →
//! encode is the identity on everything decode accepts, and a reprint has
//! the same fingerprint.

use std::collections::BTreeMap;

use super::cbor::{CborError, Value};
use crate::secret::{Algorithm, Backup, OtpKey, OtpKind, Secret};

/// Payload schema version written under key 0.
pub const SCHEMA_VERSION: u64 = 2;

/// Secret type numbers (key 0 of a secret).
pub mod kind {
    pub const BACKUP_CODES: u64 = 1;
    pub const TOTP: u64 = 2;
    pub const HOTP: u64 = 3;
    pub const MNEMONIC: u64 = 4;
    pub const NOTE: u64 = 5;
    pub const FILE: u64 = 6;
}

/// Default OTP parameters, left out of the payload.
pub const DEFAULT_DIGITS: u8 = 6;
pub const DEFAULT_PERIOD: u32 = 30;

/// Pattern symbol for a decimal digit position.
pub const DIGIT: char = '9';
/// Pattern symbol for a lower-case base-36 position (`0-9a-z`).
pub const LOWER36: char = 'a';
/// Pattern symbol for an upper-case base-36 position (`0-9A-Z`).
pub const UPPER36: char = 'A';

/// Why payload bytes are not a schema-2 backup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompactError {
    #[error("the payload is not canonical CBOR: {0}")]
    Cbor(#[from] CborError),
    #[error(
        "the payload uses schema version {0}; this paperseed reads versions 1 and {SCHEMA_VERSION}: it needs a newer paperseed"
    )]
    UnknownVersion(u64),
    #[error("secret {0} has type {1}, which this paperseed does not know: it needs a newer paperseed")]
    UnknownType(usize, u64),
    #[error("{0} has field {1}, which this paperseed does not know: it needs a newer paperseed")]
    UnknownField(String, u64),
    #[error("the payload does not follow the schema: {0}")]
    Schema(String),
    #[error("the payload is not in its one canonical form (it decodes, but re-encodes to other bytes)")]
    NotCanonical,
}

// ---------------------------------------------------------------------------
// Backup-code patterns
// ---------------------------------------------------------------------------

fn class_radix(c: char) -> Option<u128> {
    match c {
        DIGIT => Some(10),
        LOWER36 | UPPER36 => Some(36),
        _ => None,
    }
}

fn char_value(class: char, c: char) -> Option<u128> {
    match (class, c) {
        (_, '0'..='9') => Some(c as u128 - '0' as u128),
        (LOWER36, 'a'..='z') => Some(c as u128 - 'a' as u128 + 10),
        (UPPER36, 'A'..='Z') => Some(c as u128 - 'A' as u128 + 10),
        _ => None,
    }
}

fn value_char(class: char, v: u128) -> char {
    let v = v as u8;
    match v {
        0..=9 => (b'0' + v) as char,
        _ if class == UPPER36 => (b'A' + v - 10) as char,
        _ => (b'a' + v - 10) as char,
    }
}

/// The one pattern all `codes` share, if any: per position `9` (digits in
/// every code), `a` (digits and lower-case letters), `A` (digits and
/// upper-case letters), or the same ASCII punctuation or space in every code.
/// `None` when the codes differ in length or shape, mix cases in one
/// position, hold other characters, or the pattern has no class position or
/// more values than 2^128.
pub fn common_pattern(codes: &[String]) -> Option<String> {
    let rows: Vec<Vec<char>> = codes.iter().map(|c| c.chars().collect()).collect();
    let len = rows.first()?.len();
    if rows.iter().any(|r| r.len() != len) {
        return None;
    }
    let mut pattern = String::with_capacity(len);
    for i in 0..len {
        let first = rows[0][i];
        if is_literal(first) {
            if rows.iter().any(|r| r[i] != first) {
                return None;
            }
            pattern.push(first);
            continue;
        }
        let (mut lower, mut upper) = (false, false);
        for r in &rows {
            match r[i] {
                '0'..='9' => {}
                'a'..='z' => lower = true,
                'A'..='Z' => upper = true,
                _ => return None,
            }
        }
        pattern.push(match (lower, upper) {
            (false, false) => DIGIT,
            (true, false) => LOWER36,
            (false, true) => UPPER36,
            (true, true) => return None,
        });
    }
    let (product, _) = pattern_size(&pattern)?;
    (product > 1).then_some(pattern)
}

/// Characters a pattern holds as themselves: ASCII space and punctuation.
fn is_literal(c: char) -> bool {
    c == ' ' || c.is_ascii_punctuation()
}

/// Number of values a pattern can hold, and the bytes of one packed code.
fn pattern_size(pattern: &str) -> Option<(u128, usize)> {
    let mut product: u128 = 1;
    for c in pattern.chars() {
        if let Some(r) = class_radix(c) {
            product = product.checked_mul(r)?;
        }
    }
    let bits = 128 - (product - 1).leading_zeros() as usize;
    Some((product, bits.div_ceil(8).max(1)))
}

/// Pack codes that match `pattern` (from [`common_pattern`]): each code's
/// class characters are one mixed-radix number, most significant first,
/// written as a fixed-width big-endian integer.
pub fn pack_codes(pattern: &str, codes: &[String]) -> Vec<u8> {
    let (_, width) = pattern_size(pattern).expect("pattern from common_pattern");
    let mut out = Vec::with_capacity(width * codes.len());
    for code in codes {
        let mut v: u128 = 0;
        for (class, c) in pattern.chars().zip(code.chars()) {
            if let Some(r) = class_radix(class) {
                v = v * r + char_value(class, c).expect("code matches its pattern");
            }
        }
        out.extend_from_slice(&v.to_be_bytes()[16 - width..]);
    }
    out
}

/// Unpack codes; `None` when the pattern or the bytes are not valid.
pub fn unpack_codes(pattern: &str, packed: &[u8]) -> Option<Vec<String>> {
    let pchars: Vec<char> = pattern.chars().collect();
    let valid_pattern = pchars.iter().all(|&c| class_radix(c).is_some() || is_literal(c))
        && pchars.iter().any(|&c| class_radix(c).is_some());
    if !valid_pattern {
        return None;
    }
    let (product, width) = pattern_size(pattern)?;
    if packed.is_empty() || !packed.len().is_multiple_of(width) {
        return None;
    }
    let mut codes = Vec::with_capacity(packed.len() / width);
    for chunk in packed.chunks(width) {
        let mut v = chunk.iter().fold(0u128, |a, &b| (a << 8) | u128::from(b));
        if v >= product {
            return None;
        }
        let mut out: Vec<char> = pchars.clone();
        for (i, &class) in pchars.iter().enumerate().rev() {
            if let Some(r) = class_radix(class) {
                out[i] = value_char(class, v % r);
                v /= r;
            }
        }
        codes.push(out.into_iter().collect());
    }
    Some(codes)
}

// ---------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------

fn algorithm_code(a: Algorithm) -> Option<u64> {
    match a {
        Algorithm::Sha1 => None,
        Algorithm::Sha256 => Some(2),
        Algorithm::Sha512 => Some(3),
    }
}

fn secret_value(s: &Secret) -> Value {
    let mut m: BTreeMap<u64, Value> = BTreeMap::new();
    m.insert(1, Value::text(s.label()));
    match s {
        Secret::BackupCodes { codes, .. } => {
            m.insert(0, Value::Uint(kind::BACKUP_CODES));
            match common_pattern(codes) {
                Some(p) => {
                    m.insert(4, Value::Bytes(pack_codes(&p, codes)));
                    m.insert(3, Value::Text(p));
                }
                None => {
                    m.insert(2, Value::Array(codes.iter().map(Value::text).collect()));
                }
            }
        }
        Secret::Otp { key, .. } => {
            m.insert(2, Value::Bytes(key.key.clone()));
            if let Some(a) = algorithm_code(key.algorithm) {
                m.insert(3, Value::Uint(a));
            }
            if key.digits != DEFAULT_DIGITS {
                m.insert(4, Value::Uint(key.digits.into()));
            }
            match key.kind {
                OtpKind::Totp { period } => {
                    m.insert(0, Value::Uint(kind::TOTP));
                    if period != DEFAULT_PERIOD {
                        m.insert(5, Value::Uint(period.into()));
                    }
                }
                OtpKind::Hotp { counter } => {
                    m.insert(0, Value::Uint(kind::HOTP));
                    m.insert(5, Value::Uint(counter));
                }
            }
            if let Some(i) = &key.issuer {
                m.insert(6, Value::text(i));
            }
            if let Some(a) = &key.account {
                m.insert(7, Value::text(a));
            }
        }
        Secret::Mnemonic { words, .. } => {
            m.insert(0, Value::Uint(kind::MNEMONIC));
            m.insert(2, Value::Bytes(mnemonic_entropy(words)));
        }
        Secret::Note { text, .. } => {
            m.insert(0, Value::Uint(kind::NOTE));
            m.insert(2, Value::text(text));
        }
        Secret::File { name, data, .. } => {
            m.insert(0, Value::Uint(kind::FILE));
            m.insert(2, Value::text(name));
            m.insert(3, Value::Bytes(data.clone()));
        }
    }
    Value::IntMap(m)
}

/// The entropy of a BIP39 English phrase. The backup was validated, so the
/// phrase parses; an invalid one (a bug) encodes as empty entropy, which
/// [`decode`] rejects.
fn mnemonic_entropy(words: &str) -> Vec<u8> {
    let normal = words.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ");
    bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &normal).map(|m| m.to_entropy()).unwrap_or_default()
}

/// Encode a (validated) backup as schema-2 payload bytes.
pub fn encode(backup: &Backup) -> Vec<u8> {
    let mut fields = vec![
        (0, Value::Uint(SCHEMA_VERSION)),
        (1, Value::text(&backup.title)),
        (2, Value::Array(backup.secrets.iter().map(secret_value).collect())),
    ];
    if let Some(e) = &backup.emergency {
        fields.push((3, emergency_value(e)));
    }
    Value::int_map(fields).encode()
}

/// The emergency guide (field 3): 0 holder, 1 account, 2 uid (text), then
/// 3–7 the contact, if-unreachable, after-death, never-do and
/// where-are-the-shares lines (arrays of text); absent fields left out.
fn emergency_value(e: &crate::secret::emergency::Emergency) -> Value {
    let mut m = Vec::new();
    for (k, v) in [(0, &e.holder), (1, &e.account), (2, &e.uid)] {
        if let Some(s) = v {
            m.push((k, Value::text(s)));
        }
    }
    for (k, (_, lines)) in (3u64..).zip(e.lists()) {
        if !lines.is_empty() {
            m.push((k, Value::Array(lines.iter().map(Value::text).collect())));
        }
    }
    Value::int_map(m)
}

fn emergency_from(v: &Value) -> Result<crate::secret::emergency::Emergency, CompactError> {
    let f = fields(v, "the emergency guide".into())?;
    f.only(&[0, 1, 2, 3, 4, 5, 6, 7])?;
    let mut e = crate::secret::emergency::Emergency {
        holder: f.opt_text(0)?,
        account: f.opt_text(1)?,
        uid: f.opt_text(2)?,
        ..Default::default()
    };
    for (k, list) in (3u64..).zip(e.lists_mut()) {
        match f.get(k) {
            None => {}
            Some(Value::Array(items)) => {
                *list = items
                    .iter()
                    .map(|i| match i {
                        Value::Text(t) => Ok(t.clone()),
                        _ => Err(CompactError::Schema(format!("the emergency guide field {k} holds a non-text line"))),
                    })
                    .collect::<Result<_, _>>()?;
            }
            Some(_) => return Err(CompactError::Schema(format!("the emergency guide field {k} is not an array"))),
        }
    }
    e.validate().map_err(|err| CompactError::Schema(format!("the emergency guide: {err}")))?;
    Ok(e)
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

struct Fields<'a> {
    map: &'a BTreeMap<u64, Value>,
    what: String,
}

impl<'a> Fields<'a> {
    fn get(&self, key: u64) -> Option<&'a Value> {
        self.map.get(&key)
    }
    fn only(&self, known: &[u64]) -> Result<(), CompactError> {
        match self.map.keys().find(|k| !known.contains(k)) {
            Some(&k) => Err(CompactError::UnknownField(self.what.clone(), k)),
            None => Ok(()),
        }
    }
    fn opt_text(&self, key: u64) -> Result<Option<String>, CompactError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Text(t)) => Ok(Some(t.clone())),
            Some(_) => Err(CompactError::Schema(format!("{} field {key} is not text", self.what))),
        }
    }
    fn text(&self, key: u64) -> Result<String, CompactError> {
        self.opt_text(key)?.ok_or_else(|| CompactError::Schema(format!("{} lacks field {key}", self.what)))
    }
    fn opt_bytes(&self, key: u64) -> Result<Option<Vec<u8>>, CompactError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bytes(b)) => Ok(Some(b.clone())),
            Some(_) => Err(CompactError::Schema(format!("{} field {key} is not a byte string", self.what))),
        }
    }
    fn bytes(&self, key: u64) -> Result<Vec<u8>, CompactError> {
        self.opt_bytes(key)?.ok_or_else(|| CompactError::Schema(format!("{} lacks field {key}", self.what)))
    }
    fn opt_uint(&self, key: u64) -> Result<Option<u64>, CompactError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Uint(u)) => Ok(Some(*u)),
            Some(_) => Err(CompactError::Schema(format!("{} field {key} is not an unsigned integer", self.what))),
        }
    }
}

fn fields(v: &Value, what: String) -> Result<Fields<'_>, CompactError> {
    match v {
        Value::IntMap(map) => Ok(Fields { map, what }),
        _ => Err(CompactError::Schema(format!("{what} is not a map with integer keys"))),
    }
}

fn secret_from(v: &Value, index: usize) -> Result<Secret, CompactError> {
    let f = fields(v, format!("secret {index}"))?;
    let t = f.opt_uint(0)?.ok_or_else(|| CompactError::Schema(format!("secret {index} lacks its type")))?;
    let label = f.text(1)?;
    let schema = |m: &str| CompactError::Schema(format!("secret {index} {m}"));
    Ok(match t {
        kind::BACKUP_CODES => {
            f.only(&[0, 1, 2, 3, 4])?;
            let codes = match (f.get(2), f.opt_text(3)?, f.opt_bytes(4)?) {
                (Some(Value::Array(items)), None, None) => items
                    .iter()
                    .map(|c| match c {
                        Value::Text(t) => Ok(t.clone()),
                        _ => Err(schema("has a code that is not text")),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                (None, Some(pattern), Some(packed)) => unpack_codes(&pattern, &packed)
                    .ok_or_else(|| schema("has packed codes that do not fit their pattern"))?,
                _ => return Err(schema("needs either field 2 (codes) or fields 3 and 4 (pattern, packed codes)")),
            };
            Secret::BackupCodes { label, codes }
        }
        kind::TOTP | kind::HOTP => {
            f.only(&[0, 1, 2, 3, 4, 5, 6, 7])?;
            let algorithm = match f.opt_uint(3)? {
                None => Algorithm::Sha1,
                Some(2) => Algorithm::Sha256,
                Some(3) => Algorithm::Sha512,
                Some(a) => return Err(schema(&format!("has an unknown algorithm {a}"))),
            };
            let digits = f.opt_uint(4)?.unwrap_or(DEFAULT_DIGITS.into());
            let digits = u8::try_from(digits).map_err(|_| schema("has too many digits"))?;
            let kind = if t == kind::TOTP {
                let period = f.opt_uint(5)?.unwrap_or(DEFAULT_PERIOD.into());
                OtpKind::Totp { period: u32::try_from(period).map_err(|_| schema("has a period out of range"))? }
            } else {
                OtpKind::Hotp { counter: f.opt_uint(5)?.ok_or_else(|| schema("lacks its counter (field 5)"))? }
            };
            let key =
                OtpKey { key: f.bytes(2)?, issuer: f.opt_text(6)?, account: f.opt_text(7)?, algorithm, digits, kind };
            Secret::Otp { label, key }
        }
        kind::MNEMONIC => {
            f.only(&[0, 1, 2])?;
            let entropy = f.bytes(2)?;
            let m = bip39::Mnemonic::from_entropy_in(bip39::Language::English, &entropy).map_err(|_| {
                schema("has seed entropy of a length BIP39 does not allow (16, 20, 24, 28 or 32 bytes)")
            })?;
            Secret::Mnemonic { label, words: m.words().collect::<Vec<_>>().join(" ") }
        }
        kind::NOTE => {
            f.only(&[0, 1, 2])?;
            Secret::Note { label, text: f.text(2)? }
        }
        kind::FILE => {
            f.only(&[0, 1, 2, 3])?;
            Secret::File { label, name: f.text(2)?, data: f.bytes(3)? }
        }
        other => return Err(CompactError::UnknownType(index, other)),
    })
}

/// Whether `bytes` look like a schema-2 payload (a map whose first key is
/// the integer 0), as opposed to schema 1 (text keys).
pub fn is_compact(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] >> 5 == 5 && bytes[1] == 0x00
}

/// Decode schema-2 payload bytes into a backup, validated like a manifest,
/// and only if `bytes` are its one canonical encoding.
pub fn decode(bytes: &[u8]) -> Result<Backup, CompactError> {
    let root = Value::decode(bytes)?;
    let f = fields(&root, "the payload".into())?;
    let v = f.opt_uint(0)?.ok_or_else(|| CompactError::Schema("the payload lacks its version (field 0)".into()))?;
    if v != SCHEMA_VERSION {
        return Err(CompactError::UnknownVersion(v));
    }
    f.only(&[0, 1, 2, 3])?;
    let title = f.text(1)?;
    let secrets = match f.get(2) {
        Some(Value::Array(items)) => {
            items.iter().enumerate().map(|(i, s)| secret_from(s, i + 1)).collect::<Result<Vec<_>, _>>()?
        }
        _ => return Err(CompactError::Schema("the payload lacks its secrets (field 2)".into())),
    };
    let emergency = f.get(3).map(emergency_from).transpose()?;
    let backup = Backup { title, secrets, emergency };
    backup.validate().map_err(|e| CompactError::Schema(e.to_string()))?;
    if encode(&backup) != bytes {
        return Err(CompactError::NotCanonical);
    }
    Ok(backup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn sample() -> Backup {
        Backup {
            title: "T".into(),
            secrets: vec![
                Secret::BackupCodes { label: "c".into(), codes: vec!["vthx-pywb".into(), "3xuj-vh9s".into()] },
                Secret::BackupCodes { label: "d".into(), codes: vec!["12345678".into(), "00000001".into()] },
                Secret::BackupCodes { label: "e".into(), codes: vec!["ab".into(), "a-b".into()] },
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
                Secret::Otp {
                    label: "t".into(),
                    key: OtpKey {
                        key: vec![9; 10],
                        issuer: None,
                        account: Some("a@b".into()),
                        algorithm: Algorithm::Sha1,
                        digits: 6,
                        kind: OtpKind::Totp { period: 30 },
                    },
                },
                Secret::Mnemonic {
                    label: "m".into(),
                    words: "legal winner thank year wave sausage worth useful legal winner thank yellow".into(),
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
    fn known_bytes_of_a_totp_key() {
        let b = Backup {
            title: "GitHub".into(),
            secrets: vec![Secret::Otp {
                label: "GitHub".into(),
                key: OtpKey {
                    key: b"Hello!\xde\xad\xbe\xef".to_vec(),
                    issuer: None,
                    account: None,
                    algorithm: Algorithm::Sha1,
                    digits: 6,
                    kind: OtpKind::Totp { period: 30 },
                },
            }],
            emergency: None,
        };
        // {0: 2, 1: "GitHub", 2: [{0: 2, 1: "GitHub", 2: h'48656c6c6f21deadbeef'}]}
        assert_eq!(
            hex(&encode(&b)),
            "a30002016647697448756202 81a30002016647697448756202 4a48656c6c6f21deadbeef".replace(' ', "")
        );
    }

    #[test]
    fn patterns() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(common_pattern(&s(&["vthx-pywb-bxp4-afqs", "zshx-nkpt-j9zz-4ts8"])).unwrap(), "aaaa-aaaa-aaaa-aaaa");
        assert_eq!(common_pattern(&s(&["123 456", "999 000"])).unwrap(), "999 999");
        assert_eq!(common_pattern(&s(&["AB12", "9ZZ0"])).unwrap(), "AAA9");
        assert_eq!(common_pattern(&s(&["1a", "2A"])), None, "mixed case in one position");
        assert_eq!(common_pattern(&s(&["12", "123"])), None);
        assert_eq!(common_pattern(&s(&["1-2", "1.2"])), None);
        assert_eq!(common_pattern(&s(&["1-2", "112"])), None);
        assert_eq!(common_pattern(&s(&["é1"])), None);
        assert_eq!(common_pattern(&s(&["--"])), None, "no class position");
        assert_eq!(common_pattern(&s(&[&"z".repeat(25)])), None, "more than 2^128 values");
        assert!(common_pattern(&s(&[&"z".repeat(24)])).is_some());
        // 16 base-36 characters: 83 bits, 11 bytes a code.
        let codes = s(&["vthx-pywb-bxp4-afqs", "zzzz-zzzz-zzzz-zzzz", "0000-0000-0000-0000"]);
        let packed = pack_codes("aaaa-aaaa-aaaa-aaaa", &codes);
        assert_eq!(packed.len(), 33);
        assert_eq!(unpack_codes("aaaa-aaaa-aaaa-aaaa", &packed).unwrap(), codes);
        // 8 digits: 4 bytes.
        assert_eq!(pack_codes("99999999", &s(&["12345678"])), 12345678u32.to_be_bytes());
        // A value beyond the pattern's range is rejected.
        assert_eq!(unpack_codes("99", &[100]), None);
        assert_eq!(unpack_codes("9x", &[1]), None);
    }

    #[test]
    fn non_canonical_forms_are_rejected() {
        // Codes that share a pattern, written as text.
        let b = Backup {
            title: "T".into(),
            secrets: vec![Secret::BackupCodes { label: "c".into(), codes: vec!["1234".into()] }],
            emergency: None,
        };
        let text_form = Value::int_map([
            (0, Value::Uint(2)),
            (1, Value::text("T")),
            (
                2,
                Value::Array(vec![Value::int_map([
                    (0, Value::Uint(1)),
                    (1, Value::text("c")),
                    (2, Value::Array(vec![Value::text("1234")])),
                ])]),
            ),
        ])
        .encode();
        assert_eq!(decode(&text_form), Err(CompactError::NotCanonical));
        assert!(decode(&encode(&b)).is_ok());
        // A default written out.
        let mut m = match Value::decode(&encode(&sample())).unwrap() {
            Value::IntMap(m) => m,
            _ => unreachable!(),
        };
        if let Some(Value::Array(secrets)) = m.get_mut(&2)
            && let Value::IntMap(t) = &mut secrets[4]
        {
            t.insert(4, Value::Uint(6));
        }
        assert_eq!(decode(&Value::IntMap(m).encode()), Err(CompactError::NotCanonical));
    }

    #[test]
    fn future_versions_types_and_fields() {
        let mut bytes = encode(&sample());
        assert_eq!(bytes[2], 0x02);
        bytes[2] = 0x03;
        assert_eq!(decode(&bytes), Err(CompactError::UnknownVersion(3)));
        let v = |secret: Value| {
            Value::int_map([(0, Value::Uint(2)), (1, Value::text("T")), (2, Value::Array(vec![secret]))]).encode()
        };
        let passkey = Value::int_map([(0, Value::Uint(9)), (1, Value::text("x"))]);
        assert_eq!(decode(&v(passkey)), Err(CompactError::UnknownType(1, 9)));
        let extra =
            Value::int_map([(0, Value::Uint(5)), (1, Value::text("x")), (2, Value::text("y")), (9, Value::Uint(0))]);
        assert!(matches!(decode(&v(extra)), Err(CompactError::UnknownField(_, 9))));
        let bad_entropy = Value::int_map([(0, Value::Uint(4)), (1, Value::text("x")), (2, Value::Bytes(vec![0; 15]))]);
        assert!(matches!(decode(&v(bad_entropy)), Err(CompactError::Schema(_))));
        assert!(is_compact(&bytes));
        assert!(!is_compact(&super::super::payload::encode(&sample())));
    }

    #[test]
    fn the_emergency_guide_travels_in_field_3() {
        let mut b = sample();
        b.emergency = Some(crate::secret::emergency::Emergency {
            holder: Some("Alice".into()),
            contact: vec!["Bob".into(), String::new(), "Carol".into()],
            ..Default::default()
        });
        let bytes = encode(&b);
        assert_eq!(decode(&bytes), Ok(b.clone()));
        let Value::IntMap(m) = Value::decode(&bytes).unwrap() else { panic!() };
        assert!(matches!(m.get(&3), Some(Value::IntMap(_))));
        // Not in its normal form (a trailing blank line): rejected.
        let mut odd = b.clone();
        odd.emergency.as_mut().unwrap().contact.push(String::new());
        assert!(matches!(decode(&encode(&odd)), Err(CompactError::Schema(_))));
        // An unknown guide field is "needs a newer paperseed".
        let Some(Value::IntMap(g)) = m.get(&3) else { panic!() };
        let mut g = g.clone();
        g.insert(9, Value::text("x"));
        let mut m2 = m.clone();
        m2.insert(3, Value::IntMap(g));
        assert!(matches!(decode(&Value::IntMap(m2).encode()), Err(CompactError::UnknownField(_, 9))));
    }

    proptest! {
        #[test]
        fn codes_round_trip(codes in proptest::collection::vec("[0-9a-z]{4}-[0-9]{3}", 1..12)) {
            let p = common_pattern(&codes).unwrap();
            prop_assert_eq!(unpack_codes(&p, &pack_codes(&p, &codes)).unwrap(), codes);
        }

        #[test]
        fn decode_never_panics_and_is_canonical(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(b) = decode(&bytes) {
                prop_assert_eq!(encode(&b), bytes);
            }
        }
    }
}
