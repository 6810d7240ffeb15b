//! What is backed up: the secrets of a sheet, validated, in one model.
//!
//! A [`Backup`] is built from a manifest ([`manifest`]) or from a restored
//! payload (`format::payload`), and shown as text ([`Secret::display`]) on the
//! sheet and by `restore`.

pub mod emergency;
pub mod export;
pub mod label;
pub mod manifest;
pub mod migration;
pub mod mnemonic;
pub mod otp;
pub mod totp;

pub use totp::{Algorithm, OtpKey, OtpKind};

/// Characters of a line of secrets in clear (lists are set in as many
/// columns as fit): the sheet's column at its OCR-B size holds 71.
pub const SECRET_COLUMNS: usize = 70;

/// Largest embedded file.
pub const MAX_FILE_BYTES: usize = 16 * 1024;
/// Longest single code, label or title, in characters.
pub const MAX_SHORT_TEXT: usize = 200;
/// Longest note, in characters.
pub const MAX_NOTE: usize = 8000;

/// Everything one sheet holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub title: String,
    pub secrets: Vec<Secret>,
    /// The emergency guide and wallet card printed with the sheet (the
    /// manifest's `[emergency]`), carried in the payload (format v2, field 3)
    /// so that a reprint keeps it.
    pub emergency: Option<emergency::Emergency>,
}

/// One secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    BackupCodes { label: String, codes: Vec<String> },
    Otp { label: String, key: OtpKey },
    Mnemonic { label: String, words: String },
    Note { label: String, text: String },
    File { label: String, name: String, data: Vec<u8> },
}

/// A secret as text: a heading and lines for a monospaced font.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Display {
    pub heading: String,
    pub lines: Vec<String>,
}

impl Secret {
    pub fn label(&self) -> &str {
        match self {
            Secret::BackupCodes { label, .. }
            | Secret::Otp { label, .. }
            | Secret::Mnemonic { label, .. }
            | Secret::Note { label, .. }
            | Secret::File { label, .. } => label,
        }
    }

    /// The manifest's `type` name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Secret::BackupCodes { .. } => "backup-codes",
            Secret::Otp { key, .. } => match key.kind {
                OtpKind::Totp { .. } => "totp",
                OtpKind::Hotp { .. } => "hotp",
            },
            Secret::Mnemonic { .. } => "mnemonic",
            Secret::Note { .. } => "note",
            Secret::File { .. } => "file",
        }
    }

    /// Heading and monospaced lines, as printed on the sheet and by `restore`.
    pub fn display(&self) -> Display {
        match self {
            Secret::BackupCodes { label, codes } => {
                let width = codes.len().to_string().len();
                let items: Vec<String> =
                    codes.iter().enumerate().map(|(i, c)| format!("{:>width$}. {c}", i + 1)).collect();
                Display {
                    heading: format!("Backup codes: {label} ({} codes, each works once)", codes.len()),
                    lines: columns(&items, SECRET_COLUMNS),
                }
            }
            Secret::Otp { label, key } => {
                let mut lines = vec![format!("Key      {}", totp::grouped_base32(&key.key))];
                match (&key.issuer, &key.account) {
                    (Some(i), Some(a)) => lines.push(format!("For      {i}: {a}")),
                    (Some(x), None) | (None, Some(x)) => lines.push(format!("For      {x}")),
                    (None, None) => {}
                }
                let default_totp = matches!(key.kind, OtpKind::Totp { period: 30 })
                    && key.algorithm == Algorithm::Sha1
                    && key.digits == 6;
                if !default_totp {
                    let when = match key.kind {
                        OtpKind::Totp { period } => format!("every {period} s"),
                        OtpKind::Hotp { counter } => format!("counter {counter}"),
                    };
                    lines.push(format!("Settings {}, {} digits, {when}", key.algorithm.name(), key.digits));
                }
                let what = if matches!(key.kind, OtpKind::Totp { .. }) {
                    "Authenticator key (TOTP)"
                } else {
                    "Authenticator key (HOTP)"
                };
                Display { heading: format!("{what}: {label}"), lines }
            }
            Secret::Mnemonic { label, words } => {
                let list: Vec<&str> = words.split(' ').collect();
                let items: Vec<String> =
                    list.iter().enumerate().map(|(i, w)| format!("{:>2}. {w:<8}", i + 1)).collect();
                Display {
                    heading: format!("Seed phrase (BIP39): {label} ({} words)", list.len()),
                    lines: columns(&items, SECRET_COLUMNS),
                }
            }
            Secret::Note { label, text } => {
                Display { heading: format!("Note: {label}"), lines: text.lines().map(str::to_string).collect() }
            }
            Secret::File { label, name, data } => Display {
                heading: format!("File: {label}"),
                lines: vec![
                    format!("{name}, {} bytes (in the codes only)", data.len()),
                    format!("BLAKE3 {}", &blake3::hash(data).to_hex()[..32]),
                ],
            },
        }
    }
}

/// Lay out `items` in as many columns as fit in `width` characters, filling
/// down each column first (so numbering reads top to bottom).
pub fn columns(items: &[String], width: usize) -> Vec<String> {
    let item_width = items.iter().map(|s| s.chars().count()).max().unwrap_or(0) + 3;
    let cols = (width / item_width.max(1)).clamp(1, 4);
    let rows = items.len().div_ceil(cols);
    (0..rows)
        .map(|r| {
            let mut line = String::new();
            for c in 0..cols {
                if let Some(item) = items.get(c * rows + r) {
                    let pad = item_width - item.chars().count();
                    line.push_str(item);
                    if c + 1 < cols && items.get((c + 1) * rows + r).is_some() {
                        line.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// Why a text of a secret (title, label, code, note, file name) is refused;
/// `what` names it ("the label", "code 3").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{what} is empty")]
    Empty { what: String },
    #[error("{what} contains the control character U+{code:04X}{}", if *.code == 9 { " (a tab: use spaces)" } else { "" })]
    Control { what: String, code: u32 },
    #[error("{what} is {len} characters; at most {max} are allowed")]
    TooLong { what: String, len: usize, max: usize },
}

impl From<TextError> for String {
    fn from(e: TextError) -> String {
        e.to_string()
    }
}

/// Check a short single-line text: non-empty, printable, bounded.
pub fn check_short_text(what: &str, s: &str) -> Result<(), TextError> {
    if s.trim().is_empty() {
        return Err(TextError::Empty { what: what.into() });
    }
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(TextError::Control { what: what.into(), code: c as u32 });
    }
    let n = s.chars().count();
    if n > MAX_SHORT_TEXT {
        return Err(TextError::TooLong { what: what.into(), len: n, max: MAX_SHORT_TEXT });
    }
    Ok(())
}

/// Check a multi-line text (notes): printable apart from line breaks.
pub fn check_long_text(what: &str, s: &str) -> Result<(), TextError> {
    if let Some(c) = s.chars().find(|c| c.is_control() && *c != '\n') {
        return Err(TextError::Control { what: what.into(), code: c as u32 });
    }
    let n = s.chars().count();
    if n > MAX_NOTE {
        return Err(TextError::TooLong { what: what.into(), len: n, max: MAX_NOTE });
    }
    Ok(())
}

impl Backup {
    /// Things that are allowed but probably mistakes: a backup code listed
    /// twice, the same authenticator key in two secrets.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let padded = |t: &str| t.trim() != t;
        if padded(&self.title) {
            out.push(format!("the title {:?} starts or ends with a space (kept as written)", self.title));
        }
        for (i, s) in self.secrets.iter().enumerate() {
            if padded(s.label()) {
                out.push(format!(
                    "secret {}: the label {:?} starts or ends with a space (kept as written)",
                    i + 1,
                    s.label()
                ));
            }
            if let Secret::BackupCodes { label, codes } = s {
                for (j, c) in codes.iter().enumerate() {
                    if padded(c) {
                        out.push(format!(
                            "secret {} ({label:?}): code {} starts or ends with a space (kept as written)",
                            i + 1,
                            j + 1
                        ));
                    }
                    if let Some(first) = codes[..j].iter().position(|d| d == c) {
                        out.push(format!(
                            "secret {} ({label:?}): code {} repeats code {} ({c})",
                            i + 1,
                            j + 1,
                            first + 1
                        ));
                    }
                }
            }
            if let Secret::Otp { label, key } = s {
                let earlier =
                    self.secrets[..i].iter().position(|t| matches!(t, Secret::Otp { key: k, .. } if k.key == key.key));
                if let Some(e) = earlier {
                    out.push(format!("secret {} ({label:?}) has the same key as secret {}", i + 1, e + 1));
                }
            }
        }
        out.extend(self.invisible_warnings());
        out
    }

    /// Texts holding characters a person cannot see, or that turn the text
    /// around them (a right-to-left override shows "pay to 1234 5678"
    /// reversed): each names where and which ([`label::invisible_in`]).
    fn invisible_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |what: &dyn Fn() -> String, text: &str| {
            let found = label::invisible_in(text);
            if !found.is_empty() {
                out.push(format!(
                    "{} holds characters a person cannot see or that change how the text around them reads ({}); restore shows them as <U+...>",
                    what(),
                    found.join(", ")
                ));
            }
        };
        check(&|| "the title".into(), &self.title);
        for (i, s) in self.secrets.iter().enumerate() {
            let name = || format!("secret {} ({:?})", i + 1, label::show_invisible(s.label()));
            check(&|| format!("{}: the label", name()), s.label());
            match s {
                Secret::BackupCodes { codes, .. } => {
                    for (j, c) in codes.iter().enumerate() {
                        check(&|| format!("{}: code {}", name(), j + 1), c);
                    }
                }
                Secret::Otp { key, .. } => {
                    for (field, value) in [("issuer", &key.issuer), ("account", &key.account)] {
                        if let Some(v) = value {
                            check(&|| format!("{}: the {field}", name()), v);
                        }
                    }
                }
                Secret::Note { text, .. } => check(&|| format!("{}: the note", name()), text),
                Secret::File { name: file, .. } => check(&|| format!("{}: the file name", name()), file),
                Secret::Mnemonic { .. } => {}
            }
        }
        if let Some(e) = &self.emergency {
            for (heading, lines) in e.lines() {
                for line in &lines {
                    check(&|| format!("the emergency guide ({heading})"), line);
                }
            }
        }
        out
    }

    /// Validate every secret (used for restored payloads too, which must obey
    /// the same rules as manifests). Errors name the secret.
    pub fn validate(&self) -> Result<(), manifest::ManifestError> {
        check_short_text("the title", &self.title)
            .map_err(|error| manifest::ManifestError::Title { at: None, error })?;
        if self.secrets.is_empty() {
            return Err(manifest::ManifestError::NoSecrets);
        }
        if let Some(e) = &self.emergency {
            e.validate().map_err(|error| manifest::ManifestError::Emergency { at: None, error })?;
        }
        for (i, s) in self.secrets.iter().enumerate() {
            s.validate().map_err(|error| manifest::ManifestError::Secret {
                at: None,
                index: i + 1,
                label: s.label().to_string(),
                error: Box::new(error),
            })?;
        }
        Ok(())
    }

    /// Refuse two embedded files with the same name (ignoring case, as some
    /// file systems do): restoring them into one folder would write one
    /// over the other. A rule for new backups (checked by `encode`), not part
    /// of [`Backup::validate`]: sheets printed before it still restore.
    pub fn check_file_names(&self) -> Result<(), manifest::ManifestError> {
        let mut seen: Vec<(usize, &str, String)> = Vec::new();
        for (i, s) in self.secrets.iter().enumerate() {
            if let Secret::File { label, name, .. } = s {
                let key = name.to_lowercase();
                if let Some((j, first, _)) = seen.iter().find(|(_, _, k)| *k == key) {
                    return Err(manifest::ManifestError::SameFileName {
                        name: name.clone(),
                        first: (j + 1, first.to_string()),
                        second: (i + 1, label.clone()),
                    });
                }
                seen.push((i, label, key));
            }
        }
        Ok(())
    }
}

impl Secret {
    /// Check a secret by the rules every backup obeys (a manifest's, a
    /// restored payload's): a printable label, codes, key parameters, a
    /// valid phrase, a note and a file that fit. Errors name the field,
    /// never its value.
    pub fn validate(&self) -> Result<(), manifest::SecretError> {
        use manifest::SecretError;
        let text = |field, item, checked: Result<(), TextError>| {
            checked.map_err(|error| SecretError::Text { field, item, error })
        };
        text("label", None, check_short_text("the label", self.label()))?;
        match self {
            Secret::BackupCodes { codes, .. } => {
                if codes.is_empty() {
                    return Err(SecretError::NoCodes);
                }
                for (j, c) in codes.iter().enumerate() {
                    text("codes", Some(j + 1), check_short_text(&format!("code {}", j + 1), c))?;
                }
            }
            Secret::Otp { key, .. } => key.validate().map_err(|error| SecretError::Parameter {
                field: manifest::otp_field(&error).unwrap_or("secret"),
                error,
            })?,
            Secret::Mnemonic { words, .. } => {
                mnemonic::normalize(words).map_err(SecretError::Mnemonic)?;
            }
            Secret::Note { text: note, .. } => {
                if note.trim().is_empty() {
                    return Err(SecretError::EmptyNote);
                }
                text("text", None, check_long_text("the note", note))?;
            }
            Secret::File { name, data, .. } => {
                text("name", None, check_short_text("the file name", name))?;
                if data.len() > MAX_FILE_BYTES {
                    return Err(SecretError::DataTooLarge(data.len()));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fill_down() {
        let items: Vec<String> = (1..=5).map(|i| format!("{i}. x")).collect();
        assert_eq!(columns(&items, 20), vec!["1. x   4. x", "2. x   5. x", "3. x"]);
        assert_eq!(columns(&items, 5).len(), 5);
    }

    #[test]
    fn warnings_name_duplicates() {
        let b = Backup {
            title: "t".into(),
            secrets: vec![Secret::BackupCodes { label: "x".into(), codes: vec!["1".into(), "2".into(), "1".into()] }],
            emergency: None,
        };
        assert_eq!(b.warnings(), vec!["secret 1 (\"x\"): code 3 repeats code 1 (1)"]);
    }

    #[test]
    fn warnings_name_spaces_kept() {
        let b = Backup {
            title: "t ".into(),
            secrets: vec![Secret::BackupCodes { label: " x".into(), codes: vec!["1".into(), "2 ".into()] }],
            emergency: None,
        };
        assert_eq!(
            b.warnings(),
            vec![
                "the title \"t \" starts or ends with a space (kept as written)",
                "secret 1: the label \" x\" starts or ends with a space (kept as written)",
                "secret 1 (\" x\"): code 2 starts or ends with a space (kept as written)",
            ]
        );
    }

    #[test]
    fn display_numbers_codes() {
        let s = Secret::BackupCodes { label: "X".into(), codes: (1..=10).map(|i| format!("code{i:02}")).collect() };
        let d = s.display();
        assert!(d.heading.contains("10 codes"));
        assert!(d.lines[0].starts_with(" 1. code01"), "{:?}", d.lines);
        assert!(d.lines.iter().any(|l| l.contains("10. code10")));
    }
}
