//! The manifest: the TOML file a user writes to say what goes on the sheet.
//!
//! ```toml
//! title = "Binance account"
//!
//! [[secret]]
//! type = "backup-codes"
//! label = "Binance"
//! codes = ["a3f8-9d2c-bk4m-xy7p", "..."]
//! ```
//! Parsing is strict: unknown fields are errors (a typo must not silently drop
//! a secret), and every error names the secret by number and label. Strings
//! are taken as written (TOML quotes them), except a note's last line when it
//! holds only spaces: the line a `"""` block closes on. So [`to_toml`] writes
//! a manifest that parses to the same backup, and `restore --format toml`
//! then `encode` reprints the same payload (the same fingerprint).

use std::path::{Path, PathBuf};

use data_encoding::BASE64;
use toml::{Table, Value};

use super::totp::{self, Algorithm, OtpKey, OtpKind};
use super::{Backup, MAX_FILE_BYTES, Secret, mnemonic};

/// Title used when the manifest has none.
pub const DEFAULT_TITLE: &str = "Recovery sheet";

/// What is wrong with a manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the manifest is not valid TOML: {0}")]
    Toml(String),
    #[error("{0}")]
    TopLevel(String),
    #[error("the title: {0}")]
    Title(String),
    #[error("the manifest has no secrets: add a [[secret]] table (see samples/)")]
    NoSecrets,
    #[error("secret {index} ({label:?}): {message}")]
    Secret { index: usize, label: String, message: String },
}

const TYPES: &str = "backup-codes, totp, hotp, mnemonic, note, file";

fn allowed_fields(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "backup-codes" => &["type", "label", "codes"],
        "totp" => &["type", "label", "secret", "uri", "issuer", "account", "digits", "period", "algorithm"],
        "hotp" => &["type", "label", "secret", "uri", "issuer", "account", "digits", "counter", "algorithm"],
        "mnemonic" => &["type", "label", "words"],
        "note" => &["type", "label", "text"],
        "file" => &["type", "label", "path", "name", "base64"],
        _ => return None,
    })
}

/// A TOML syntax error as line, column and message, without the excerpt of
/// the manifest that `toml` shows: that line may hold a secret.
fn toml_error(text: &str, e: &toml::de::Error) -> ManifestError {
    let message = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
            ManifestError::Toml(format!("line {line}, column {column}: {message}"))
        }
        None => ManifestError::Toml(message.to_string()),
    }
}

/// The manifest's optional `[emergency]` table (printed as an emergency
/// page and a wallet card; not part of the payload).
pub fn parse_emergency(text: &str) -> Result<Option<super::emergency::Emergency>, ManifestError> {
    let table: Table = text.parse().map_err(|e: toml::de::Error| toml_error(text, &e))?;
    parse_emergency_table(&table)
}

fn parse_emergency_table(table: &Table) -> Result<Option<super::emergency::Emergency>, ManifestError> {
    match table.get("emergency") {
        None => Ok(None),
        Some(Value::Table(t)) => super::emergency::Emergency::from_toml_table(t)
            .map(Some)
            .map_err(|e| ManifestError::TopLevel(format!("[emergency]: {e}"))),
        Some(_) => Err(ManifestError::TopLevel("`emergency` must be a table: write [emergency]".into())),
    }
}

/// Parse and validate a manifest. Relative `path`s of file secrets are read
/// from `base_dir` (the manifest's folder).
pub fn parse(text: &str, base_dir: &Path) -> Result<Backup, ManifestError> {
    let table: Table = text.parse().map_err(|e: toml::de::Error| toml_error(text, &e))?;
    for key in table.keys() {
        if key != "title" && key != "secret" && key != "emergency" {
            let hint = if key == "secrets" { " (did you mean [[secret]]?)" } else { "" };
            return Err(ManifestError::TopLevel(format!(
                "unknown top-level field `{key}`{hint}; allowed: title, [[secret]]"
            )));
        }
    }
    let title = match table.get("title") {
        None => DEFAULT_TITLE.to_string(),
        Some(Value::String(s)) => s.to_string(),
        Some(_) => return Err(ManifestError::Title("must be a string".into())),
    };
    let secrets = match table.get("secret") {
        None => return Err(ManifestError::NoSecrets),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ManifestError::TopLevel("`secret` must be an array of tables: write [[secret]]".into())),
    };
    let mut out = Vec::new();
    for (i, item) in secrets.iter().enumerate() {
        let t = item.as_table().ok_or_else(|| ManifestError::Secret {
            index: i + 1,
            label: String::new(),
            message: "must be a table: write [[secret]] then its fields".into(),
        })?;
        let label = t.get("label").and_then(Value::as_str).unwrap_or("").to_string();
        let err = |message: String| ManifestError::Secret { index: i + 1, label: label.clone(), message };
        out.extend(parse_secret(t, &label, base_dir).map_err(err)?);
    }
    let emergency = parse_emergency_table(&table)?;
    let backup = Backup { title, secrets: out, emergency };
    backup.validate()?;
    Ok(backup)
}

fn get_str<'a>(t: &'a Table, key: &str) -> Result<Option<&'a str>, String> {
    match t.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` must be a string")),
    }
}

fn need_str<'a>(t: &'a Table, key: &str) -> Result<&'a str, String> {
    get_str(t, key)?.ok_or_else(|| format!("missing `{key}`"))
}

fn get_int(t: &Table, key: &str) -> Result<Option<i64>, String> {
    match t.get(key) {
        None => Ok(None),
        Some(Value::Integer(i)) => Ok(Some(*i)),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| format!("`{key}` must be a number")),
        Some(_) => Err(format!("`{key}` must be a number")),
    }
}

/// One manifest entry; a Google Authenticator export (`uri =
/// "otpauth-migration://..."`) expands into one secret per account.
fn parse_secret(t: &Table, label: &str, base_dir: &Path) -> Result<Vec<Secret>, String> {
    if let Some(uri) = get_str(t, "uri")?
        && super::migration::is_migration_uri(uri)
    {
        let kind = need_str(t, "type")?;
        if kind != "totp" && kind != "hotp" {
            return Err(format!("an otpauth-migration:// export belongs in a totp secret, not {kind}"));
        }
        if let Some(bad) = t.keys().find(|k| !["type", "label", "uri"].contains(&k.as_str())) {
            return Err(format!(
                "`{bad}` cannot be combined with an otpauth-migration:// export (it holds several accounts)"
            ));
        }
        let migration = super::migration::parse_uri(uri).map_err(|e| format!("`uri`: {e}"))?;
        return Ok(migration
            .keys
            .into_iter()
            .map(|key| Secret::Otp { label: format!("{label}: {}", super::label::otp_label(&key)), key })
            .collect());
    }
    parse_one(t, label, base_dir).map(|s| vec![s])
}

fn parse_one(t: &Table, label: &str, base_dir: &Path) -> Result<Secret, String> {
    let kind = need_str(t, "type").map_err(|_| format!("missing `type` (one of {TYPES})"))?;
    let allowed = allowed_fields(kind).ok_or_else(|| format!("unknown type {kind:?} (one of {TYPES})"))?;
    if let Some(bad) = t.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("unknown field `{bad}` for type {kind}; allowed: {}", allowed[1..].join(", ")));
    }
    if label.trim().is_empty() {
        return Err("missing `label` (a name for this secret, e.g. the account)".into());
    }
    let label = label.to_string();
    Ok(match kind {
        "backup-codes" => {
            let codes = match t.get("codes") {
                Some(Value::Array(a)) => a
                    .iter()
                    .enumerate()
                    .map(|(j, v)| match v {
                        Value::String(s) => Ok(s.to_string()),
                        Value::Integer(n) => Err(format!(
                            "code {} ({n}) must be a quoted string, or leading zeros are lost: \"{n}\"",
                            j + 1
                        )),
                        _ => Err(format!("code {} must be a string", j + 1)),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                Some(_) => return Err("`codes` must be a list of strings".into()),
                None => return Err("missing `codes`".into()),
            };
            Secret::BackupCodes { label, codes }
        }
        "totp" | "hotp" => Secret::Otp { label, key: parse_otp(t, kind)? },
        "mnemonic" => Secret::Mnemonic { label, words: mnemonic::normalize(need_str(t, "words")?)? },
        "note" => Secret::Note { label, text: note_text(need_str(t, "text")?) },
        "file" => {
            let (name, data) = match (get_str(t, "path")?, get_str(t, "base64")?) {
                (Some(p), None) => read_file(&base_dir.join(p))?,
                (None, Some(b)) => {
                    let clean: String = b.chars().filter(|c| !c.is_whitespace()).collect();
                    let data =
                        BASE64.decode(clean.as_bytes()).map_err(|e| format!("`base64` is not valid base64: {e}"))?;
                    (need_str(t, "name")?.to_string(), data)
                }
                (Some(_), Some(_)) => return Err("give either `path` or `base64`, not both".into()),
                (None, None) => return Err("missing `path` (the file to embed)".into()),
            };
            let name = get_str(t, "name")?.map(str::to_string).unwrap_or(name);
            Secret::File { label, name, data }
        }
        _ => unreachable!("checked by allowed_fields"),
    })
}

/// A note as written, without a last line of only spaces (and its line
/// break): what a `"""` block adds when it closes on a line of its own.
fn note_text(text: &str) -> String {
    match text.rsplit_once('\n') {
        Some((body, last)) if last.trim().is_empty() => body.to_string(),
        _ => text.to_string(),
    }
}

/// `text` as a TOML multi-line basic string that parses back, through
/// [`note_text`], to `text`: it closes on a line of its own.
fn quote_note(text: &str) -> String {
    let mut out = String::from("\"\"\"\n");
    let mut quotes = 0;
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            // No run of three quotes: that would close the string.
            '"' if quotes == 2 => {
                out.push_str("\\\"");
                quotes = 0;
                continue;
            }
            '\n' => out.push('\n'),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
        quotes = if c == '"' { quotes + 1 } else { 0 };
    }
    out.push_str("\n\"\"\"");
    out
}

fn read_file(path: &PathBuf) -> Result<(String, Vec<u8>), String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(format!("{shown} is {} bytes; at most {MAX_FILE_BYTES} bytes (16 KiB) fit on paper", meta.len()));
    }
    let data = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if data.len() > MAX_FILE_BYTES {
        return Err(format!("{shown} is {} bytes; at most {MAX_FILE_BYTES} bytes (16 KiB) fit on paper", data.len()));
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    Ok((name, data))
}

fn parse_otp(t: &Table, kind: &str) -> Result<OtpKey, String> {
    let mut key = match (get_str(t, "secret")?, get_str(t, "uri")?) {
        (Some(_), Some(_)) => return Err("give either `secret` or `uri`, not both".into()),
        (None, None) => return Err("missing `secret` (the base32 key) or `uri` (otpauth://...)".into()),
        (None, Some(uri)) => OtpKey::from_uri(uri).map_err(|e| format!("`uri`: {e}"))?,
        (Some(s), None) => OtpKey {
            key: totp::decode_base32(s).map_err(|e| format!("`secret`: {e}"))?,
            issuer: None,
            account: None,
            algorithm: Algorithm::Sha1,
            digits: 6,
            kind: if kind == "hotp" { OtpKind::Hotp { counter: 0 } } else { OtpKind::Totp { period: 30 } },
        },
    };
    let uri_kind = if matches!(key.kind, OtpKind::Totp { .. }) { "totp" } else { "hotp" };
    if uri_kind != kind {
        return Err(format!("the uri is an {uri_kind} key but the type is {kind}"));
    }
    if let Some(i) = get_str(t, "issuer")? {
        key.issuer = Some(i.to_string());
    }
    if let Some(a) = get_str(t, "account")? {
        key.account = Some(a.to_string());
    }
    if let Some(a) = get_str(t, "algorithm")? {
        key.algorithm = Algorithm::parse(a)?;
    }
    if let Some(d) = get_int(t, "digits")? {
        key.digits = u8::try_from(d).map_err(|_| format!("digits must be 6, 7 or 8, not {d}"))?;
    }
    match &mut key.kind {
        OtpKind::Totp { period } => {
            if let Some(p) = get_int(t, "period")? {
                *period = u32::try_from(p).map_err(|_| format!("period must be 1..3600 seconds, not {p}"))?;
            }
        }
        OtpKind::Hotp { counter } => {
            if let Some(c) = get_int(t, "counter")? {
                *counter = u64::try_from(c).map_err(|_| format!("counter must not be negative: {c}"))?;
            }
        }
    }
    key.validate()?;
    Ok(key)
}

fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// Write a backup as a manifest that [`parse`] accepts and that encodes to the
/// same payload (files are embedded as `base64`).
pub fn to_toml(backup: &Backup) -> String {
    let mut out = format!("title = {}\n", quote(&backup.title));
    for s in &backup.secrets {
        out.push_str(&format!("\n[[secret]]\ntype = {}\nlabel = {}\n", quote(s.type_name()), quote(s.label())));
        match s {
            Secret::BackupCodes { codes, .. } => {
                out.push_str("codes = [\n");
                for c in codes {
                    out.push_str(&format!("  {},\n", quote(c)));
                }
                out.push_str("]\n");
            }
            Secret::Otp { key, .. } => {
                out.push_str(&format!("secret = {}\n", quote(&totp::grouped_base32(&key.key))));
                if let Some(i) = &key.issuer {
                    out.push_str(&format!("issuer = {}\n", quote(i)));
                }
                if let Some(a) = &key.account {
                    out.push_str(&format!("account = {}\n", quote(a)));
                }
                out.push_str(&format!("algorithm = {}\ndigits = {}\n", quote(key.algorithm.name()), key.digits));
                match key.kind {
                    OtpKind::Totp { period } => out.push_str(&format!("period = {period}\n")),
                    OtpKind::Hotp { counter } => out.push_str(&format!("counter = {counter}\n")),
                }
            }
            Secret::Mnemonic { words, .. } => out.push_str(&format!("words = {}\n", quote(words))),
            Secret::Note { text, .. } => out.push_str(&format!("text = {}\n", quote_note(text))),
            Secret::File { name, data, .. } => {
                out.push_str(&format!("name = {}\nbase64 = \"\"\"\n", quote(name)));
                for chunk in BASE64.encode(data).as_bytes().chunks(76) {
                    out.push_str(std::str::from_utf8(chunk).unwrap());
                    out.push('\n');
                }
                out.push_str("\"\"\"\n");
            }
        }
    }
    if let Some(e) = &backup.emergency {
        out.push_str("\n[emergency]\n");
        for (field, v) in [("holder", &e.holder), ("account", &e.account), ("uid", &e.uid)] {
            if let Some(s) = v {
                out.push_str(&format!("{field} = {}\n", quote(s)));
            }
        }
        for (field, lines) in e.lists() {
            if !lines.is_empty() {
                out.push_str(&format!("{field} = {}\n", quote(&lines.join("\n"))));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_here(s: &str) -> Result<Backup, ManifestError> {
        parse(s, Path::new("."))
    }

    const GOOD: &str = r#"
title = "Exchange"
[[secret]]
type = "backup-codes"
label = "Exchange codes"
codes = ["a3f8-9d2c-bk4m-xy7p", "12345678"]
[[secret]]
type = "totp"
label = "Exchange 2FA"
secret = "jbsw y3dp ehpk 3pxp"
issuer = "Exchange"
[[secret]]
type = "mnemonic"
label = "Wallet"
words = "legal winner thank year wave sausage worth useful legal winner thank yellow"
[[secret]]
type = "note"
label = "Contact"
text = "Zhang San / 张三, € 50 000"
[[secret]]
type = "file"
label = "Key"
name = "k.bin"
base64 = "AAEC"
"#;

    #[test]
    fn parses_every_type_and_round_trips_through_toml() {
        let b = parse_here(GOOD).unwrap();
        assert_eq!(b.secrets.len(), 5);
        assert_eq!(parse_here(&to_toml(&b)).unwrap(), b);
    }

    /// `restore --format toml` then `encode` must print the same payload:
    /// strings with leading or trailing spaces, and notes ending in spaces,
    /// line breaks or quotes, come back as they were.
    #[test]
    fn to_toml_reprints_the_same_backup() {
        let b = Backup {
            title: " Title ".into(),
            secrets: vec![
                Secret::BackupCodes { label: " GitHub".into(), codes: vec![" 1234".into(), "5678 ".into()] },
                Secret::Note { label: "n ".into(), text: "a \"\"\"\"\" b\\\n  \n\n".into() },
                Secret::Note { label: "m".into(), text: "x  ".into() },
                Secret::Note { label: "o".into(), text: "\"".into() },
            ],
            emergency: None,
        };
        b.validate().unwrap();
        let again = parse_here(&to_toml(&b)).unwrap();
        assert_eq!(again, b, "{}", to_toml(&b));
        let fp = |b: &Backup| crate::format::Fingerprint::of(&crate::format::compact::encode(b));
        assert_eq!(fp(&again), fp(&b));
    }

    #[test]
    fn note_blocks_lose_only_their_closing_line() {
        let note = |body: &str| {
            let b = parse_here(&format!("[[secret]]\ntype = \"note\"\nlabel = \"n\"\ntext = {body}\n")).unwrap();
            let Secret::Note { text, .. } = &b.secrets[0] else { panic!() };
            text.clone()
        };
        assert_eq!(note("\"\"\"\nline 1\nline 2\n\"\"\""), "line 1\nline 2");
        assert_eq!(note("\"\"\"\nline 1\n   \"\"\""), "line 1");
        assert_eq!(note("\"\"\"\nline 1\n\n\"\"\""), "line 1\n");
        assert_eq!(note("\"text \""), "text ");
    }

    #[test]
    fn errors_name_the_secret() {
        let e = parse_here(&GOOD.replace("secret = \"jbsw", "secret = \"0bsw")).unwrap_err().to_string();
        assert!(e.starts_with("secret 2 (\"Exchange 2FA\"): `secret`:"), "{e}");
        let e = parse_here(&GOOD.replace("sausage", "sausag")).unwrap_err().to_string();
        assert!(e.starts_with("secret 3 (\"Wallet\")") && e.contains("word 6"), "{e}");
        let e = parse_here(&GOOD.replace("issuer = \"Exchange\"", "isuer = \"Exchange\"")).unwrap_err().to_string();
        assert!(e.contains("unknown field `isuer`"), "{e}");
        let e = parse_here(&GOOD.replace("\"12345678\"", "12345678")).unwrap_err().to_string();
        assert!(e.contains("quoted string"), "{e}");
        let e = parse_here(&GOOD.replace("type = \"note\"", "type = \"notes\"")).unwrap_err().to_string();
        assert!(e.contains("unknown type \"notes\""), "{e}");
        assert_eq!(parse_here("title = \"x\""), Err(ManifestError::NoSecrets));
        assert!(matches!(parse_here("title = "), Err(ManifestError::Toml(_))));
    }

    #[test]
    fn syntax_errors_give_the_place_but_not_the_line() {
        // An unterminated string on a line holding a secret.
        let text = "title = \"x\"\n[[secret]]\ntype = \"note\"\nlabel = \"n\"\ntext = \"hunter2 is my PIN\n";
        let e = parse_here(text).unwrap_err().to_string();
        assert!(e.contains("line 5, column"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        let e = parse_emergency(text).unwrap_err().to_string();
        assert!(e.contains("line 5") && !e.contains("hunter2"), "{e}");
    }

    #[test]
    fn file_limits() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.bin"), vec![0u8; MAX_FILE_BYTES + 1]).unwrap();
        let m = "[[secret]]\ntype = \"file\"\nlabel = \"F\"\npath = \"big.bin\"\n";
        let e = parse(m, dir.path()).unwrap_err().to_string();
        assert!(e.contains("16385 bytes") && e.contains("16384"), "{e}");
        let e = parse(&m.replace("big.bin", "missing.bin"), dir.path()).unwrap_err().to_string();
        assert!(e.contains("cannot read") && e.contains("missing.bin"), "{e}");
    }
}
