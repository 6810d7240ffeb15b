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

use std::ops::Range;
use std::path::{Path, PathBuf};

use data_encoding::BASE64;
use toml::de::{DeTable, DeValue};
use toml::{Spanned, Table, Value};

use super::emergency::{Emergency, EmergencyError};
use super::migration::MigrationError;
use super::mnemonic::MnemonicError;
use super::totp::{self, Algorithm, OtpError, OtpKey, OtpKind};
use super::{Backup, MAX_FILE_BYTES, Secret, TextError, check_short_text, mnemonic};
use crate::readfile::ReadError;

/// Title used when the manifest has none.
pub const DEFAULT_TITLE: &str = "Recovery sheet";

/// A place in the manifest's text: line and column, both counted from 1
/// (columns in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` of `text`.
    pub fn of(text: &str, offset: usize) -> Position {
        let before = &text.as_bytes()[..offset.min(text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        Position { line, column }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// `line L, column C: ` when the place is known, else nothing.
fn located_at(at: &Option<Position>) -> String {
    at.map(|p| format!("{p}: ")).unwrap_or_default()
}

/// What is wrong with a manifest (or with a backup not read from one: a
/// restored payload is checked by the same rules, [`Backup::validate`]).
///
/// An error found in a manifest's text carries its position `at`: of the
/// offending value, of the unknown key, or of the secret's table header
/// when a field is missing; a backup not read from a manifest has none.
/// Messages say where and what, [`ManifestError::hint`] what to do. No
/// message quotes a secret's value (a key, code, note or file), only its
/// position, the field's name and the secret's label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// A TOML syntax error, without the excerpt of the manifest that the
    /// parser shows: that line may hold a secret.
    #[error("the manifest is not valid TOML: {}{message}", located_at(.at))]
    Toml { at: Option<Position>, message: String },
    #[error("{}unknown top-level field `{field}`; allowed: title, [[secret]], [emergency]", located_at(.at))]
    UnknownField { at: Option<Position>, field: String },
    /// A top-level field of the wrong kind (`title` not a string, `secret`
    /// not an array of tables, `emergency` not a table).
    #[error("{}`{field}` must be {expected}", located_at(.at))]
    WrongKind { at: Option<Position>, field: &'static str, expected: &'static str },
    #[error("{}{error}", located_at(.at))]
    Title { at: Option<Position>, error: TextError },
    #[error("the manifest has no secrets")]
    NoSecrets,
    /// Every message of an [`EmergencyError`] starts with `[emergency]`.
    #[error("{}{error}", located_at(.at))]
    Emergency { at: Option<Position>, error: EmergencyError },
    /// A secret is refused. `index` counts the manifest's `[[secret]]`
    /// tables from 1 (for a backup not read from a manifest, its secrets);
    /// `label` is the secret's label as written ("" when it has none).
    /// (The error is boxed: it is the largest part of this type.)
    #[error("{}secret {index} ({label:?}): {error}", located_at(.at))]
    Secret { at: Option<Position>, index: usize, label: String, error: Box<SecretError> },
    /// Two file secrets embed files of the same name (ignoring case):
    /// `first` and `second` are (index from 1, label).
    #[error(
        "secret {} ({:?}) and secret {} ({:?}) both embed a file named {name:?}; restoring them into one folder would write one over the other",
        first.0, first.1, second.0, second.1
    )]
    SameFileName { name: String, first: (usize, String), second: (usize, String) },
}

impl ManifestError {
    /// Where in the manifest, when the error was found in one.
    pub fn position(&self) -> Option<Position> {
        match self {
            ManifestError::Toml { at, .. }
            | ManifestError::UnknownField { at, .. }
            | ManifestError::WrongKind { at, .. }
            | ManifestError::Title { at, .. }
            | ManifestError::Emergency { at, .. }
            | ManifestError::Secret { at, .. } => *at,
            ManifestError::NoSecrets | ManifestError::SameFileName { .. } => None,
        }
    }

    /// What to do about it, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            ManifestError::UnknownField { field, .. } if field == "secrets" => Some("did you mean [[secret]]?".into()),
            ManifestError::WrongKind { field: "secret", .. } => {
                Some("start each secret with the line [[secret]] (in double brackets), then its fields".into())
            }
            ManifestError::WrongKind { field: "emergency", .. } => {
                Some("write the line [emergency], then its fields".into())
            }
            ManifestError::WrongKind { field: "title", .. } => Some("quote the title: title = \"My accounts\"".into()),
            ManifestError::NoSecrets => Some("add a [[secret]] table (see samples/)".into()),
            ManifestError::Secret { error, .. } => error.hint(),
            ManifestError::SameFileName { .. } => Some(
                "give one of the files another name (rename the file given as `path`, or change `name` beside `base64`)"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// What is wrong with one secret: a field missing, of the wrong kind or
/// holding a refused value. Messages name the field (and the code's
/// number), never its value; [`SecretError::hint`] says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("must be a table")]
    NotATable,
    #[error("missing `{0}`")]
    Missing(&'static str),
    #[error("missing `{0}` or `{1}`")]
    MissingEither(&'static str, &'static str),
    #[error("give either `{0}` or `{1}`, not both")]
    Both(&'static str, &'static str),
    #[error("`{0}` must be a string")]
    NotAString(&'static str),
    #[error("`{0}` must be a number")]
    NotANumber(&'static str),
    #[error("unknown type {0:?}")]
    UnknownType(String),
    /// A field that secrets of this type do not have.
    #[error("unknown field `{field}` for type {kind}")]
    UnknownField { field: String, kind: String },
    #[error("`codes` must be a list of strings")]
    CodesNotAList,
    /// Code `n` (from 1) is a TOML number: leading zeros would be lost.
    #[error("code {0} must be a quoted string, or leading zeros are lost")]
    CodeNotQuoted(usize),
    #[error("code {0} must be a string")]
    CodeNotAString(usize),
    #[error("`codes` is empty")]
    NoCodes,
    #[error("`text` is empty")]
    EmptyNote,
    /// A text (label, code, note, file name) is refused; `field` holds it,
    /// `item` is the code's number (from 1) in a list.
    #[error("{error}")]
    Text { field: &'static str, item: Option<usize>, error: TextError },
    /// The key in `secret` (base32) or `uri` (otpauth://) is refused.
    #[error("`{field}`: {error}")]
    Key { field: &'static str, error: OtpError },
    /// A parameter of a key is refused (the message names it); `field` is
    /// the manifest field it comes from.
    #[error("{error}")]
    Parameter { field: &'static str, error: OtpError },
    #[error("digits must be 6, 7 or 8, not {0}")]
    Digits(i64),
    #[error("period must be 1..3600 seconds, not {0}")]
    Period(i64),
    #[error("counter must not be negative: {0}")]
    NegativeCounter(i64),
    /// The `uri`'s kind (totp or hotp) is not the secret's `type`.
    #[error("the uri is an {uri} key but the type is {kind}")]
    UriType { uri: &'static str, kind: &'static str },
    #[error(transparent)]
    Mnemonic(MnemonicError),
    #[error("`base64` is not valid base64: {0}")]
    Base64(data_encoding::DecodeError),
    /// The file at `path` cannot be read (`reason` is the system's message).
    #[error("cannot read {}: {reason}", .path.display())]
    ReadFile { path: PathBuf, reason: String },
    /// The path names a folder, a device, a FIFO...: `what` says which.
    #[error("{} is {what}, not a regular file", .path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    /// The file holds more than [`MAX_FILE_BYTES`] (whatever its size says).
    #[error("{} is larger than {MAX_FILE_BYTES} bytes (16 KiB), the most that fits on paper", .path.display())]
    FileTooLarge { path: PathBuf },
    #[error("the file is {0} bytes; at most {MAX_FILE_BYTES} bytes fit on paper")]
    DataTooLarge(usize),
    /// An `otpauth-migration://` export in a secret of another type.
    #[error("an otpauth-migration:// export belongs in a totp secret, not {0}")]
    ExportNotOtp(String),
    /// A field beside an `otpauth-migration://` export.
    #[error("`{0}` cannot be combined with an otpauth-migration:// export (it holds several accounts)")]
    ExportWith(String),
    #[error("`uri`: {0}")]
    Export(MigrationError),
}

impl SecretError {
    /// What to do about it, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            SecretError::NotATable => "write [[secret]] on a line of its own, then the secret's fields".into(),
            SecretError::Missing("type") | SecretError::UnknownType(_) => format!("`type` is one of {TYPES}"),
            SecretError::Missing("label") => "give the secret a name, e.g. the account: label = \"GitHub\"".into(),
            SecretError::Missing("codes") => "list the codes, each in quotes: codes = [\"0123 4567\", ...]".into(),
            SecretError::Missing("name") => "a file given as `base64` needs its `name`".into(),
            SecretError::MissingEither("secret", "uri") => {
                "give `secret` (the base32 key) or `uri` (otpauth://...)".into()
            }
            SecretError::MissingEither("path", "base64") => {
                "give `path` (the file to embed), or `base64` and `name`".into()
            }
            SecretError::Both(..) => "keep one of them".into(),
            SecretError::UnknownField { kind, .. } => {
                let allowed = allowed_fields(kind)?;
                format!("a {kind} secret has the fields {}", allowed[1..].join(", "))
            }
            SecretError::CodeNotQuoted(_) => "write every code in quotes, e.g. \"0123 4567\"".into(),
            SecretError::ExportNotOtp(_) => "write type = \"totp\"".into(),
            SecretError::Mnemonic(e) => e.hint()?.to_string(),
            SecretError::ExportWith(_) => {
                "an export holds several accounts with their own settings: keep only type, label and uri".into()
            }
            _ => return None,
        })
    }

    /// Where in the secret's table the problem is.
    fn place(&self) -> Place<'_> {
        match self {
            SecretError::NotATable | SecretError::Missing(_) | SecretError::MissingEither(..) => Place::Table,
            SecretError::UnknownField { field, .. } | SecretError::ExportWith(field) => Place::Key(field),
            SecretError::Both(_, second) => Place::Value(second),
            SecretError::NotAString(field) | SecretError::NotANumber(field) => Place::Value(field),
            SecretError::UnknownType(_) | SecretError::ExportNotOtp(_) => Place::Value("type"),
            SecretError::CodesNotAList | SecretError::NoCodes => Place::Value("codes"),
            SecretError::CodeNotQuoted(n) | SecretError::CodeNotAString(n) => Place::Item("codes", n - 1),
            SecretError::EmptyNote => Place::Value("text"),
            SecretError::Text { field, item: Some(n), .. } => Place::Item(field, n - 1),
            SecretError::Text { field, item: None, .. }
            | SecretError::Key { field, .. }
            | SecretError::Parameter { field, .. } => Place::Value(field),
            SecretError::Digits(_) => Place::Value("digits"),
            SecretError::Period(_) => Place::Value("period"),
            SecretError::NegativeCounter(_) => Place::Value("counter"),
            SecretError::UriType { .. } | SecretError::Export(_) => Place::Value("uri"),
            SecretError::Mnemonic(_) => Place::Value("words"),
            SecretError::Base64(_) | SecretError::DataTooLarge(_) => Place::Value("base64"),
            SecretError::ReadFile { .. } | SecretError::NotAFile { .. } | SecretError::FileTooLarge { .. } => {
                Place::Value("path")
            }
        }
    }
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

/// A place in a table: the table itself (its header), a key, a field's
/// value, or an item (from 0) of a field's array. A field that is missing
/// is placed at the table's header.
#[derive(Debug, Clone, Copy)]
enum Place<'a> {
    Table,
    Key(&'a str),
    Value(&'a str),
    Item(&'a str, usize),
}

/// The manifest's text parsed with the spans of its keys and values, to
/// give errors found in the parsed [`Table`] their line and column.
struct Spans<'a> {
    text: &'a str,
    root: Option<DeTable<'a>>,
}

impl<'a> Spans<'a> {
    fn new(text: &'a str) -> Self {
        Spans { text, root: DeTable::parse(text).ok().map(Spanned::into_inner) }
    }

    /// A place in the top-level table (which has no header).
    fn top(&self, place: Place) -> Option<Position> {
        self.position(find(self.root.as_ref()?, None, place))
    }

    /// A place in the `index`th (from 0) `[[secret]]` table.
    fn secret(&self, index: usize, place: Place) -> Option<Position> {
        let item = self.root.as_ref()?.get("secret")?.get_ref().as_array()?.get(index)?;
        self.position(within(item, place))
    }

    /// A place in the `[emergency]` table.
    fn emergency(&self, place: Place) -> Option<Position> {
        self.position(within(self.root.as_ref()?.get("emergency")?, place))
    }

    fn position(&self, span: Option<Range<usize>>) -> Option<Position> {
        span.filter(|s| !s.is_empty()).map(|s| Position::of(self.text, s.start))
    }
}

/// The span of `place` in `value`, a table (or the whole value if it is not one).
fn within(value: &Spanned<DeValue<'_>>, place: Place) -> Option<Range<usize>> {
    match value.get_ref().as_table() {
        Some(table) => find(table, Some(value.span()), place),
        None => Some(value.span()),
    }
}

/// The span of `place` in `table`, whose header is at `header`.
fn find(table: &DeTable<'_>, header: Option<Range<usize>>, place: Place) -> Option<Range<usize>> {
    let value = |key: &str| table.get(key).map(Spanned::span);
    match place {
        Place::Table => header,
        Place::Key(key) => table.get_key_value(key).map(|(k, _)| k.span()).or(header),
        Place::Value(key) => value(key).or(header),
        Place::Item(key, i) => table
            .get(key)
            .and_then(|v| v.get_ref().as_array()?.get(i))
            .map(Spanned::span)
            .or_else(|| value(key))
            .or(header),
    }
}

/// A TOML syntax error as line, column and message, without the excerpt of
/// the manifest that `toml` shows: that line may hold a secret.
fn toml_error(text: &str, e: &toml::de::Error) -> ManifestError {
    let message = e.message().trim_end().to_string();
    ManifestError::Toml { at: e.span().map(|span| Position::of(text, span.start)), message }
}

/// The manifest's optional `[emergency]` table (printed as an emergency
/// page and a wallet card; it travels in the payload too, FORMAT.md §1 field 3).
pub fn parse_emergency(text: &str) -> Result<Option<Emergency>, ManifestError> {
    let table: Table = text.parse().map_err(|e: toml::de::Error| toml_error(text, &e))?;
    parse_emergency_table(&table, &Spans::new(text))
}

fn parse_emergency_table(table: &Table, spans: &Spans) -> Result<Option<Emergency>, ManifestError> {
    match table.get("emergency") {
        None => Ok(None),
        Some(Value::Table(t)) => Emergency::from_toml_table(t)
            .and_then(|e| e.validate().map(|()| Some(e)))
            .map_err(|error| ManifestError::Emergency { at: spans.emergency(emergency_place(&error)), error }),
        Some(_) => Err(ManifestError::WrongKind {
            at: spans.top(Place::Value("emergency")),
            field: "emergency",
            expected: "a table",
        }),
    }
}

fn emergency_place(e: &EmergencyError) -> Place<'_> {
    match e {
        EmergencyError::UnknownField(field) => Place::Key(field),
        EmergencyError::NotNormal(field)
        | EmergencyError::NotText(field)
        | EmergencyError::NotOneLine(field)
        | EmergencyError::Control { field, .. }
        | EmergencyError::TooLong { field, .. } => Place::Value(field),
        EmergencyError::Empty => Place::Table,
    }
}

/// Parse and validate a manifest. Relative `path`s of file secrets are read
/// from `base_dir` (the manifest's folder).
pub fn parse(text: &str, base_dir: &Path) -> Result<Backup, ManifestError> {
    parse_with_notes(text, base_dir).map(|(backup, _)| backup)
}

/// [`parse`], with notes on what was read that the manifest does not show:
/// a file secret whose `path` is a symbolic link embeds the file the link
/// points to, which the note names.
pub fn parse_with_notes(text: &str, base_dir: &Path) -> Result<(Backup, Vec<String>), ManifestError> {
    let mut notes = Vec::new();
    let table: Table = text.parse().map_err(|e: toml::de::Error| toml_error(text, &e))?;
    let spans = Spans::new(text);
    if let Some(field) = table.keys().find(|k| !["title", "secret", "emergency"].contains(&k.as_str())) {
        return Err(ManifestError::UnknownField { at: spans.top(Place::Key(field)), field: field.clone() });
    }
    let title = match table.get("title") {
        None => DEFAULT_TITLE.to_string(),
        Some(Value::String(s)) => {
            check_short_text("the title", s)
                .map_err(|error| ManifestError::Title { at: spans.top(Place::Value("title")), error })?;
            s.to_string()
        }
        Some(_) => {
            return Err(ManifestError::WrongKind {
                at: spans.top(Place::Value("title")),
                field: "title",
                expected: "a string",
            });
        }
    };
    let secrets = match table.get("secret") {
        None => return Err(ManifestError::NoSecrets),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(ManifestError::WrongKind {
                at: spans.top(Place::Value("secret")),
                field: "secret",
                expected: "an array of tables",
            });
        }
    };
    let mut out = Vec::new();
    for (i, item) in secrets.iter().enumerate() {
        let label = item.get("label").and_then(Value::as_str).unwrap_or("");
        let err = |error: SecretError| ManifestError::Secret {
            at: spans.secret(i, error.place()),
            index: i + 1,
            label: label.to_string(),
            error: Box::new(error),
        };
        let t = item.as_table().ok_or_else(|| err(SecretError::NotATable))?;
        let parsed = parse_secret(t, label, base_dir).map_err(err)?;
        for s in &parsed {
            s.validate().map_err(err)?;
        }
        if let Some(p) = t.get("path").and_then(Value::as_str) {
            notes.extend(symlink_note(i + 1, label, p, &base_dir.join(p)));
        }
        out.extend(parsed);
    }
    let emergency = parse_emergency_table(&table, &spans)?;
    let backup = Backup { title, secrets: out, emergency };
    backup.validate()?;
    Ok((backup, notes))
}

/// What secret `index` embeds when its `path` (`written`, at `full`) is a
/// symbolic link: the file it points to.
fn symlink_note(index: usize, label: &str, written: &str, full: &Path) -> Option<String> {
    if !std::fs::symlink_metadata(full).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    let target = std::fs::canonicalize(full).map_or_else(|_| "?".into(), |t| t.display().to_string());
    Some(format!(
        "secret {index} ({label:?}): {written} is a symbolic link; the file embedded is the one it points to, {target} (under the link's name)"
    ))
}

fn get_str<'a>(t: &'a Table, key: &'static str) -> Result<Option<&'a str>, SecretError> {
    match t.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(SecretError::NotAString(key)),
    }
}

fn need_str<'a>(t: &'a Table, key: &'static str) -> Result<&'a str, SecretError> {
    get_str(t, key)?.ok_or(SecretError::Missing(key))
}

fn get_int(t: &Table, key: &'static str) -> Result<Option<i64>, SecretError> {
    match t.get(key) {
        None => Ok(None),
        Some(Value::Integer(i)) => Ok(Some(*i)),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| SecretError::NotANumber(key)),
        Some(_) => Err(SecretError::NotANumber(key)),
    }
}

/// One manifest entry; a Google Authenticator export (`uri =
/// "otpauth-migration://..."`) expands into one secret per account.
fn parse_secret(t: &Table, label: &str, base_dir: &Path) -> Result<Vec<Secret>, SecretError> {
    if let Some(uri) = get_str(t, "uri")?
        && super::migration::is_migration_uri(uri)
    {
        let kind = need_str(t, "type")?;
        if kind != "totp" && kind != "hotp" {
            return Err(SecretError::ExportNotOtp(kind.to_string()));
        }
        if let Some(bad) = t.keys().find(|k| !["type", "label", "uri"].contains(&k.as_str())) {
            return Err(SecretError::ExportWith(bad.clone()));
        }
        let migration = super::migration::parse_uri(uri).map_err(SecretError::Export)?;
        return Ok(migration
            .keys
            .into_iter()
            .map(|key| Secret::Otp { label: format!("{label}: {}", super::label::otp_label(&key)), key })
            .collect());
    }
    parse_one(t, label, base_dir).map(|s| vec![s])
}

fn parse_one(t: &Table, label: &str, base_dir: &Path) -> Result<Secret, SecretError> {
    let kind = need_str(t, "type")?;
    let allowed = allowed_fields(kind).ok_or_else(|| SecretError::UnknownType(kind.to_string()))?;
    if let Some(bad) = t.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(SecretError::UnknownField { field: bad.clone(), kind: kind.to_string() });
    }
    need_str(t, "label")?;
    check_short_text("the label", label).map_err(|error| SecretError::Text { field: "label", item: None, error })?;
    let label = label.to_string();
    Ok(match kind {
        "backup-codes" => {
            let codes = match t.get("codes") {
                Some(Value::Array(a)) => a
                    .iter()
                    .enumerate()
                    .map(|(j, v)| match v {
                        Value::String(s) => Ok(s.to_string()),
                        Value::Integer(_) => Err(SecretError::CodeNotQuoted(j + 1)),
                        _ => Err(SecretError::CodeNotAString(j + 1)),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                Some(_) => return Err(SecretError::CodesNotAList),
                None => return Err(SecretError::Missing("codes")),
            };
            Secret::BackupCodes { label, codes }
        }
        "totp" | "hotp" => Secret::Otp { label, key: parse_otp(t, kind)? },
        "mnemonic" => Secret::Mnemonic {
            label,
            words: mnemonic::normalize(need_str(t, "words")?).map_err(SecretError::Mnemonic)?,
        },
        "note" => Secret::Note { label, text: note_text(need_str(t, "text")?) },
        "file" => {
            let (name, data) = match (get_str(t, "path")?, get_str(t, "base64")?) {
                (Some(p), None) => read_file(&base_dir.join(p))?,
                (None, Some(b)) => {
                    let clean: String = b.chars().filter(|c| !c.is_whitespace()).collect();
                    let data = BASE64.decode(clean.as_bytes()).map_err(SecretError::Base64)?;
                    (need_str(t, "name")?.to_string(), data)
                }
                (Some(_), Some(_)) => return Err(SecretError::Both("path", "base64")),
                (None, None) => return Err(SecretError::MissingEither("path", "base64")),
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

fn read_file(path: &Path) -> Result<(String, Vec<u8>), SecretError> {
    let data = crate::readfile::read_bounded(path, MAX_FILE_BYTES as u64).map_err(|e| match e {
        ReadError::NotRegular { path, what } => SecretError::NotAFile { path, what },
        ReadError::TooLarge { path, .. } => SecretError::FileTooLarge { path },
        ReadError::Io { path, source } => SecretError::ReadFile { path, reason: source.to_string() },
    })?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    Ok((name, data))
}

fn parse_otp(t: &Table, kind: &str) -> Result<OtpKey, SecretError> {
    let kind = if kind == "hotp" { "hotp" } else { "totp" };
    let mut key = match (get_str(t, "secret")?, get_str(t, "uri")?) {
        (Some(_), Some(_)) => return Err(SecretError::Both("secret", "uri")),
        (None, None) => return Err(SecretError::MissingEither("secret", "uri")),
        (None, Some(uri)) => OtpKey::from_uri(uri).map_err(|error| SecretError::Key { field: "uri", error })?,
        (Some(s), None) => OtpKey {
            key: totp::decode_base32(s).map_err(|error| SecretError::Key { field: "secret", error })?,
            issuer: None,
            account: None,
            algorithm: Algorithm::Sha1,
            digits: 6,
            kind: if kind == "hotp" { OtpKind::Hotp { counter: 0 } } else { OtpKind::Totp { period: 30 } },
        },
    };
    let uri_kind = if matches!(key.kind, OtpKind::Totp { .. }) { "totp" } else { "hotp" };
    if uri_kind != kind {
        return Err(SecretError::UriType { uri: uri_kind, kind });
    }
    if let Some(i) = get_str(t, "issuer")? {
        key.issuer = Some(i.to_string());
    }
    if let Some(a) = get_str(t, "account")? {
        key.account = Some(a.to_string());
    }
    if let Some(a) = get_str(t, "algorithm")? {
        key.algorithm = Algorithm::parse(a).map_err(|error| SecretError::Parameter { field: "algorithm", error })?;
    }
    if let Some(d) = get_int(t, "digits")? {
        key.digits = u8::try_from(d).map_err(|_| SecretError::Digits(d))?;
    }
    match &mut key.kind {
        OtpKind::Totp { period } => {
            if let Some(p) = get_int(t, "period")? {
                *period = u32::try_from(p).map_err(|_| SecretError::Period(p))?;
            }
        }
        OtpKind::Hotp { counter } => {
            if let Some(c) = get_int(t, "counter")? {
                *counter = u64::try_from(c).map_err(|_| SecretError::NegativeCounter(c))?;
            }
        }
    }
    // A parameter out of range is where it is written: its own field, or
    // the key's `secret` or `uri`.
    let given = if t.contains_key("uri") { "uri" } else { "secret" };
    key.validate().map_err(|error| {
        let field = otp_field(&error).filter(|f| t.contains_key(*f)).unwrap_or(given);
        SecretError::Parameter { field, error }
    })?;
    Ok(key)
}

/// The manifest field of a key's parameter that [`OtpKey::validate`]
/// refuses (`None`: the key itself).
pub(super) fn otp_field(e: &OtpError) -> Option<&'static str> {
    match e {
        OtpError::Digits(_) => Some("digits"),
        OtpError::Period(_) => Some("period"),
        OtpError::UnknownAlgorithm(_) => Some("algorithm"),
        _ => None,
    }
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
        assert!(e.starts_with("line 10, column 10: secret 2 (\"Exchange 2FA\"): `secret`:"), "{e}");
        let e = parse_here(&GOOD.replace("sausage", "sausag")).unwrap_err().to_string();
        assert!(e.starts_with("line 15, column 9: secret 3 (\"Wallet\")") && e.contains("word 6"), "{e}");
        let e = parse_here(&GOOD.replace("issuer = \"Exchange\"", "isuer = \"Exchange\"")).unwrap_err().to_string();
        assert!(e.contains("unknown field `isuer`"), "{e}");
        let e = parse_here(&GOOD.replace("\"12345678\"", "12345678")).unwrap_err().to_string();
        assert!(e.contains("quoted string"), "{e}");
        let e = parse_here(&GOOD.replace("type = \"note\"", "type = \"notes\"")).unwrap_err().to_string();
        assert!(e.contains("unknown type \"notes\""), "{e}");
        assert_eq!(parse_here("title = \"x\""), Err(ManifestError::NoSecrets));
        assert!(matches!(parse_here("title = "), Err(ManifestError::Toml { .. })));
    }

    /// The error's position and its message.
    fn located(text: &str) -> (Option<(usize, usize)>, String) {
        let e = parse_here(text).unwrap_err();
        (e.position().map(|p| (p.line, p.column)), e.to_string())
    }

    #[test]
    fn semantic_errors_give_line_and_column() {
        // A bad value in the 2nd [[secret]]: the value's position, typed.
        let e = parse_here(&GOOD.replace("secret = \"jbsw", "secret = \"0bsw")).unwrap_err();
        assert_eq!(e.position(), Some(Position { line: 10, column: 10 }));
        assert!(
            matches!(&e, ManifestError::Secret { index: 2, label, error, .. } if label == "Exchange 2FA"
                && **error == SecretError::Key { field: "secret", error: OtpError::NotBase32 { ch: '0' } }),
            "{e:?}"
        );
        // A bad value nested in an array: the item's own position.
        let (at, e) = located(&GOOD.replace("\"12345678\"", "12345678"));
        assert_eq!(at, Some((6, 33)), "{e}");
        assert_eq!(
            e,
            "line 6, column 33: secret 1 (\"Exchange codes\"): code 2 must be a quoted string, or leading zeros are lost"
        );
        // A bad value in an inline table of an array of secrets.
        let inline = "secret = [\n  { type = \"note\", label = \"a\", text = \"x\" },\n  { type = \"totp\", label = \"b\", secret = \"AB1\" },\n]\n";
        assert_eq!(located(inline).0, Some((3, 42)), "{}", located(inline).1);
        // A missing field: the secret's table header.
        let (at, e) = located(&GOOD.replace("secret = \"jbsw y3dp ehpk 3pxp\"\n", ""));
        assert_eq!(at, Some((7, 1)), "{e}");
        assert!(e.starts_with("line 7, column 1: secret 2 (\"Exchange 2FA\"): missing `secret` or `uri`"), "{e}");
        let (at, e) = located(&GOOD.replace("label = \"Contact\"\n", ""));
        assert_eq!((at, e.as_str()), (Some((16, 1)), "line 16, column 1: secret 4 (\"\"): missing `label`"));
        // An unknown field: the key; an unknown type: the value.
        assert_eq!(located(&GOOD.replace("issuer = ", "isuer = ")).0, Some((11, 1)));
        assert_eq!(located(&GOOD.replace("type = \"note\"", "type = \"notes\"")).0, Some((17, 8)));
        // A parameter refused by the key's checks: its own field.
        assert_eq!(located(&GOOD.replace("issuer = \"Exchange\"", "digits = 9")).0, Some((11, 10)));
        // Top-level fields and [emergency].
        assert_eq!(located(&format!("secrets = 1\n{GOOD}")).0, Some((1, 1)));
        assert_eq!(located(&GOOD.replace("title = \"Exchange\"", "title = 5")).0, Some((2, 9)));
        let (at, e) = located(&format!("{GOOD}[emergency]\nholder = \"A\"\nholdr = \"B\"\n"));
        assert_eq!(at, Some((27, 1)), "{e}");
        assert!(e.starts_with("line 27, column 1: [emergency] has an unknown field \"holdr\""), "{e}");
        // A backup not read from a manifest has no position.
        let b = Backup {
            title: "t".into(),
            secrets: vec![Secret::Note { label: "n".into(), text: " ".into() }],
            emergency: None,
        };
        let e = b.validate().unwrap_err();
        assert_eq!((e.position(), e.to_string().as_str()), (None, "secret 1 (\"n\"): `text` is empty"));
    }

    /// Errors name the secret, the field and the place, never the value: a
    /// manifest error may end up in a terminal's scrollback or a bug report.
    #[test]
    fn semantic_errors_never_quote_the_secret() {
        let secret = "HUNTERTWOSECRET";
        for (field, value) in [
            ("codes", format!("[\"{secret}\", 4{}]", "7".repeat(8))),
            ("codes", format!("[\"{secret}\", [\"{secret}\"]]")),
            ("secret", format!("\"{secret}0\"")),
            ("secret", format!("\"{secret}\"\nuri = \"otpauth://totp/x?secret={secret}\"")),
            ("uri", format!("\"otpauth://totp/x?secret={secret}0\"")),
            ("uri", format!("\"otpauth://hotp/x?secret={secret}&counter=1\"")),
            ("text", format!("\"{secret}\\u0007\"")),
            ("base64", format!("\"{secret}!\"\nname = \"k\"")),
            ("words", format!("\"abandon {secret} abandon\"")),
        ] {
            let kind = match field {
                "codes" => "backup-codes",
                "secret" | "uri" => "totp",
                "text" => "note",
                "base64" => "file",
                _ => "mnemonic",
            };
            // (A word not in the BIP39 list is named by its position only;
            // tests/it/cli.rs checks that. Here the phrase has a word count
            // no phrase has.)
            let text = format!("[[secret]]\ntype = \"{kind}\"\nlabel = \"L\"\n{field} = {value}\n");
            let (at, e) = located(&text);
            assert!(at.is_some_and(|(line, _)| (1..=5).contains(&line)), "{e}");
            assert!(!e.contains(secret) && !e.contains(&secret.to_lowercase()) && !e.contains("47777777"), "{e}");
        }
    }

    #[test]
    fn hints_are_apart_from_messages() {
        let e = parse_here(&GOOD.replace("issuer = ", "isuer = ")).unwrap_err();
        assert!(!e.to_string().contains("algorithm"), "{e}");
        assert_eq!(
            e.hint().as_deref(),
            Some("a totp secret has the fields label, secret, uri, issuer, account, digits, period, algorithm")
        );
        assert_eq!(ManifestError::NoSecrets.to_string(), "the manifest has no secrets");
        assert!(ManifestError::NoSecrets.hint().unwrap().contains("[[secret]]"));
        let e = parse_here("[[secret]]\nlabel = \"x\"\ntext = \"y\"\n").unwrap_err();
        assert_eq!(e.to_string(), "line 1, column 1: secret 1 (\"x\"): missing `type`");
        assert!(e.hint().unwrap().contains("backup-codes, totp"), "{:?}", e.hint());
        let e = parse_here(&format!("secrets = 1\n{GOOD}")).unwrap_err();
        assert_eq!(e.hint().as_deref(), Some("did you mean [[secret]]?"));
        assert!(parse_here(&GOOD.replace("type = \"note\"", "type = \"notes\"")).unwrap_err().hint().is_some());
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
        assert!(e.contains("big.bin is larger than 16384 bytes (16 KiB)"), "{e}");
        let e = parse(&m.replace("big.bin", "missing.bin"), dir.path()).unwrap_err().to_string();
        assert!(e.contains("cannot read") && e.contains("missing.bin"), "{e}");
    }
}
