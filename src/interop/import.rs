//! Import: secrets people already have, turned into a [`Backup`].
//!
//! People do not type base32 keys by hand. `paperseed import` reads what
//! their apps and services give them:
//!
//! - an image (or PDF) of QR codes: a Google Authenticator export screen
//!   (`otpauth-migration://`, many accounts, possibly over several codes) or
//!   any `otpauth://` code; a Standard SeedQR becomes a seed phrase;
//! - an Aegis plain (unencrypted) JSON export;
//! - a text file of `otpauth://` (or `otpauth-migration://`) URIs, one a line,
//!   blank lines and `#` comments ignored;
//! - a text file of backup codes, one a line, labelled from the file name.
//!
//! Files are recognised by their content, never their name ([`ImportSource::Path`]);
//! command-line flags such as `encode --codes FILE` name the kind instead
//! ([`TextKind`]). The result is a list of secrets with unique labels
//! (`Issuer (account)`) and warnings for the person (skipped entries,
//! duplicates, missing export codes); every error names the input and the
//! entry, e.g. `aegis.json entry 3 ("GitHub"): secret: '0' is not a base32
//! character …`. Warnings and errors never quote a secret.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use image::ImageFormat;
use serde_json::Value;

use crate::interop::seedqr;
use crate::scan::{self, DetectOptions, Limits, ScanError};
use crate::secret::manifest::DEFAULT_TITLE;
use crate::secret::totp::{self, Algorithm, OtpError, OtpKey, OtpKind};
use crate::secret::{Backup, Secret, check_short_text, migration, mnemonic};

/// Largest text file read (an Aegis export with icons can be a few MiB).
pub const MAX_TEXT_BYTES: u64 = 32 * 1024 * 1024;

pub use crate::secret::label::{DEFAULT_KEY_LABEL, clean_label, otp_label};
/// Label of backup codes read from standard input.
pub const DEFAULT_CODES_LABEL: &str = "Backup codes";
/// Label of a seed phrase read from standard input.
pub const DEFAULT_MNEMONIC_LABEL: &str = "Seed phrase";

/// What a text holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextKind {
    /// Decide from the content: JSON with `db` is an Aegis export, a line
    /// starting with `otpauth` makes a URI list, anything else is backup codes.
    #[default]
    Detect,
    /// Backup codes, one a line (`encode --codes`).
    Codes,
    /// One key (`encode --totp`): an `otpauth://` URI, an
    /// `otpauth-migration://` export (several keys) or a bare base32 key
    /// (TOTP, SHA1, 6 digits, 30 s).
    Otp,
    /// A BIP39 phrase, or the digits of a Standard SeedQR (`encode --mnemonic`).
    Mnemonic,
}

/// One input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportSource {
    /// A file, its kind detected from its content: image or PDF of QR codes,
    /// Aegis JSON, URI list, backup codes. Named in messages as given.
    Path(PathBuf),
    /// Text already read (standard input, a command-line value). `name`
    /// names it in messages ("stdin", "--totp") and, for codes and phrases
    /// read from a file, gives the label (its file stem).
    Text { name: String, text: String, kind: TextKind },
}

impl ImportSource {
    /// A file, detected by content.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        ImportSource::Path(path.into())
    }

    /// Text of the given kind.
    pub fn text(name: impl Into<String>, text: impl Into<String>, kind: TextKind) -> Self {
        ImportSource::Text { name: name.into(), text: text.into(), kind }
    }
}

/// How [`import_with`] reads images.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub limits: Limits,
    pub detect: DetectOptions,
}

/// What an import produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The secrets, in input order, labels unique.
    pub secrets: Vec<Secret>,
    /// Things the person should know (skipped entries, duplicates, missing
    /// export codes), each naming its input.
    pub warnings: Vec<String>,
}

impl Imported {
    /// The secrets as a backup titled `title` (or the default title).
    pub fn into_backup(self, title: Option<&str>) -> Backup {
        Backup { title: title.unwrap_or(DEFAULT_TITLE).to_string(), secrets: self.secrets, emergency: None }
    }
}

/// Why an import failed. Every variant names the input.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A problem with a whole input.
    #[error("{input}: {message}")]
    Input { input: String, message: String },
    /// A problem with one entry of an input; `place` is e.g. `entry 3
    /// ("GitHub")`, `line 4` or `code 2`.
    #[error("{input} {place}: {message}")]
    Entry { input: String, place: String, message: String },
    /// An entry of an Aegis export that is not a usable key; `place` as for
    /// [`ImportError::Entry`].
    #[error("{input} {place}: {error}")]
    Aegis { input: String, place: String, error: AegisError },
    /// An image or PDF could not be read (the message names the file).
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error("nothing to import: no input held a key, code or phrase")]
    Nothing,
}

/// What is wrong with a key entry of an Aegis export. Messages name the
/// field (`secret`, `algo`, `digits` ...), never the key (at most the one
/// character of it that is not base32).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AegisError {
    #[error("no \"info\"")]
    NoInfo,
    #[error("info: no \"secret\"")]
    NoSecret,
    #[error("secret: {0}")]
    Secret(OtpError),
    #[error("algo: {0}")]
    Algorithm(OtpError),
    #[error("algo: not a string")]
    AlgorithmNotText,
    /// `digits`, `period` or `counter` is not a whole number (`value` is the JSON shown).
    #[error("{field}: {value} is not a whole number")]
    NotANumber { field: &'static str, value: String },
    #[error("digits must be 6, 7 or 8, not {0}")]
    Digits(u64),
    #[error("period must be 1..3600 seconds, not {0}")]
    Period(u64),
    /// The key's parameters are out of range.
    #[error(transparent)]
    Key(#[from] OtpError),
}

fn input_err(input: &str, message: impl Into<String>) -> ImportError {
    ImportError::Input { input: input.to_string(), message: message.into() }
}

fn entry_err(input: &str, place: impl Into<String>, message: impl Into<String>) -> ImportError {
    ImportError::Entry { input: input.to_string(), place: place.into(), message: message.into() }
}

/// Import with default options.
pub fn import(sources: &[ImportSource]) -> Result<Imported, ImportError> {
    import_with(sources, &ImportOptions::default())
}

/// Import every source, in order.
pub fn import_with(sources: &[ImportSource], opts: &ImportOptions) -> Result<Imported, ImportError> {
    let mut acc = Acc::default();
    for source in sources {
        match source {
            ImportSource::Path(path) => acc.path(path, opts)?,
            ImportSource::Text { name, text, kind } => acc.text(name, text, *kind)?,
        }
    }
    acc.batch_warnings();
    if acc.secrets.is_empty() {
        return Err(ImportError::Nothing);
    }
    Ok(Imported { secrets: acc.secrets, warnings: acc.warnings })
}

/// Read a text file for a [`ImportSource::Text`] (bounded, UTF-8, a leading
/// byte-order mark dropped). Errors name the file.
pub fn read_text(path: &Path) -> Result<String, ImportError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| input_err(&name, format!("cannot read it: {e}")))?;
    let mut data = Vec::new();
    file.take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|e| input_err(&name, format!("cannot read it: {e}")))?;
    if data.len() as u64 > MAX_TEXT_BYTES {
        return Err(input_err(&name, format!("larger than {} MiB: not a text export", MAX_TEXT_BYTES >> 20)));
    }
    let text = String::from_utf8(data).map_err(|_| input_err(&name, "not UTF-8 text, an image or a PDF"))?;
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

/// Replace a secret's label (for `encode --label`).
pub fn relabel(secret: &mut Secret, new: &str) {
    match secret {
        Secret::BackupCodes { label, .. }
        | Secret::Otp { label, .. }
        | Secret::Mnemonic { label, .. }
        | Secret::Note { label, .. }
        | Secret::File { label, .. } => *label = new.to_string(),
    }
}

/// Parse one key as typed on a command line: an `otpauth://` URI, an
/// `otpauth-migration://` export, or a bare base32 key (TOTP, SHA1, 6
/// digits, 30 s). Errors say which part is wrong.
pub fn otp_keys_from_arg(arg: &str) -> Result<Vec<OtpKey>, String> {
    let arg = arg.trim();
    if migration::is_migration_uri(arg) {
        return migration::parse_uri(arg).map(|m| m.keys).map_err(|e| e.to_string());
    }
    if arg.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("otpauth:")) {
        return OtpKey::from_uri(arg).map(|k| vec![k]).map_err(String::from);
    }
    let key = totp::decode_base32(arg).map_err(|e| format!("not an otpauth:// URI nor a base32 key: {e}"))?;
    Ok(vec![OtpKey {
        key,
        issuer: None,
        account: None,
        algorithm: Algorithm::Sha1,
        digits: 6,
        kind: OtpKind::Totp { period: 30 },
    }])
}

// ---------------------------------------------------------------------------

/// The label of a file-based secret: the file stem, or `fallback` for
/// standard input and command-line values.
fn stem_label(name: &str, fallback: &str) -> String {
    if name.is_empty() || name == "-" || name == "stdin" || name.starts_with("--") {
        return fallback.to_string();
    }
    let stem = Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    clean_label(&stem, fallback)
}

/// Identity of a key for duplicate detection: the secret and what makes its
/// codes (not the labels, not an HOTP counter).
type KeyId = (Vec<u8>, &'static str, u8, Option<u32>);

fn key_id(key: &OtpKey) -> KeyId {
    let period = match key.kind {
        OtpKind::Totp { period } => Some(period),
        OtpKind::Hotp { .. } => None,
    };
    (key.key.clone(), key.algorithm.name(), key.digits, period)
}

/// One multi-code Google Authenticator export being read.
struct BatchSeen {
    size: i32,
    indexes: BTreeSet<i32>,
    first: String,
}

#[derive(Default)]
struct Acc {
    secrets: Vec<Secret>,
    warnings: Vec<String>,
    labels: HashSet<String>,
    keys: HashMap<KeyId, String>,
    codes: HashMap<String, String>,
    batches: BTreeMap<i32, BatchSeen>,
}

impl Acc {
    fn unique_label(&mut self, label: String) -> String {
        let mut candidate = label.clone();
        let mut n = 2;
        while self.labels.contains(&candidate) {
            candidate = format!("{label} ({n})");
            n += 1;
        }
        self.labels.insert(candidate.clone());
        candidate
    }

    fn push(&mut self, mut secret: Secret) {
        let label = self.unique_label(secret.label().to_string());
        relabel(&mut secret, &label);
        self.secrets.push(secret);
    }

    /// Add a key found at `place` (e.g. `aegis.json entry 3`), unless the
    /// same key was already imported.
    fn key(&mut self, mut key: OtpKey, place: String) {
        // A newline or other control character in a name would break the
        // printed sheet; a name is not part of the key.
        for name in [&mut key.issuer, &mut key.account] {
            if let Some(n) = name.as_deref()
                && n.chars().any(char::is_control)
            {
                *name = Some(clean_label(n, "")).filter(|s| !s.is_empty());
            }
        }
        let label = otp_label(&key);
        let id = key_id(&key);
        if let Some(first) = self.keys.get(&id) {
            self.warnings.push(format!("{place} ({label:?}): the same key as {first}; kept once"));
            return;
        }
        self.keys.insert(id, format!("{place} ({label:?})"));
        self.push(Secret::Otp { label, key });
    }

    fn path(&mut self, path: &Path, opts: &ImportOptions) -> Result<(), ImportError> {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| input_err(&name, format!("cannot read it: {e}")))?;
        if meta.is_dir() {
            return Err(input_err(&name, "is a folder: name the files in it"));
        }
        let mut head = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(1024).read_to_end(&mut head))
            .map_err(|e| input_err(&name, format!("cannot read it: {e}")))?;
        let pdf = head.windows(5).any(|w| w == b"%PDF-");
        match image::guess_format(&head) {
            // Formats whose magic bytes cannot start a text file.
            Ok(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Tiff | ImageFormat::WebP | ImageFormat::Gif) => {
                return self.images(path, opts);
            }
            // PNM and BMP magic ("P1"…"P7", "BM") can start a line of text:
            // an image only if it decodes as one.
            Ok(ImageFormat::Pnm | ImageFormat::Bmp) => {
                if let Ok(pages) = scan::load(path, &opts.limits) {
                    return self.pages(&name, pages, opts);
                }
            }
            _ if pdf => return self.images(path, opts),
            _ => {}
        }
        let text = read_text(path)?;
        self.text(&name, &text, TextKind::Detect)
    }

    fn images(&mut self, path: &Path, opts: &ImportOptions) -> Result<(), ImportError> {
        let pages = scan::load(path, &opts.limits)?;
        self.pages(&path.display().to_string(), pages, opts)
    }

    fn pages(&mut self, name: &str, pages: Vec<scan::Page>, opts: &ImportOptions) -> Result<(), ImportError> {
        let mut any = false;
        for page in pages {
            let mut found = scan::find_codes(&page.image, &opts.detect);
            sort_reading_order(&mut found);
            for (j, code) in found.into_iter().enumerate() {
                any = true;
                self.qr_text(&page.source, &format!("code {}", j + 1), &code.text)?;
            }
        }
        if !any {
            return Err(input_err(
                name,
                "no QR code found in it (for a photo of a screen, hold the phone steady and fill the frame with the code)",
            ));
        }
        Ok(())
    }

    /// One decoded QR code.
    fn qr_text(&mut self, input: &str, place: &str, text: &str) -> Result<(), ImportError> {
        let here = format!("{input} {place}");
        if let Some(first) = self.codes.get(text) {
            self.warnings.push(format!("{here}: the same QR code as {first}; skipped"));
            return Ok(());
        }
        self.codes.insert(text.to_string(), here.clone());
        let t = text.trim();
        if migration::is_migration_uri(t) {
            return self.migration(input, place, t);
        }
        if t.get(..10).is_some_and(|p| p.eq_ignore_ascii_case("otpauth://")) {
            let key = OtpKey::from_uri(t).map_err(|e| entry_err(input, place, e))?;
            self.key(key, here);
            return Ok(());
        }
        if t.starts_with("PAPERSEED") {
            self.warnings
                .push(format!("{here}: a code of a paperseed sheet; read sheets with `paperseed restore` (skipped)"));
            return Ok(());
        }
        if let Some((seedqr::Kind::Standard, words)) = seedqr::words_from_decoded_text(t) {
            self.push(Secret::Mnemonic { label: DEFAULT_MNEMONIC_LABEL.to_string(), words });
            self.warnings.push(format!("{here}: a Standard SeedQR, imported as a seed phrase"));
            return Ok(());
        }
        self.warnings.push(format!("{here}: neither an otpauth:// key nor a Google Authenticator export (skipped)"));
        Ok(())
    }

    fn migration(&mut self, input: &str, place: &str, uri: &str) -> Result<(), ImportError> {
        let m = migration::parse_uri(uri).map_err(|e| match e {
            migration::MigrationError::Account { index, name, error } => {
                entry_err(input, format!("{place} account {index} ({name:?})"), error.to_string())
            }
            other => entry_err(input, place, other.to_string()),
        })?;
        if m.batch.size > 1 {
            let seen = self.batches.entry(m.batch.id).or_insert_with(|| BatchSeen {
                size: m.batch.size,
                indexes: BTreeSet::new(),
                first: format!("{input} {place}"),
            });
            seen.indexes.insert(m.batch.index);
        }
        if m.keys.is_empty() {
            self.warnings.push(format!("{input} {place}: a Google Authenticator export with no accounts"));
        }
        for (k, key) in m.keys.into_iter().enumerate() {
            self.key(key, format!("{input} {place} account {}", k + 1));
        }
        Ok(())
    }

    fn batch_warnings(&mut self) {
        for seen in self.batches.values() {
            let missing: Vec<String> =
                (0..seen.size).filter(|i| !seen.indexes.contains(i)).map(|i| (i + 1).to_string()).collect();
            if !missing.is_empty() {
                self.warnings.push(format!(
                    "the Google Authenticator export of {} has {} codes; code(s) {} of it were not read, so their \
                     accounts are missing: scan them too",
                    seen.first,
                    seen.size,
                    missing.join(", ")
                ));
            }
        }
    }

    fn text(&mut self, name: &str, text: &str, kind: TextKind) -> Result<(), ImportError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match kind {
            TextKind::Codes => self.codes_text(name, text),
            TextKind::Otp => self.otp_arg(name, text),
            TextKind::Mnemonic => self.mnemonic_text(name, text),
            TextKind::Detect => {
                let start = text.trim_start();
                if start.starts_with('{') {
                    return self.aegis(name, text);
                }
                let uri_list =
                    content_lines(text).any(|(_, l)| l.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("otpauth")));
                if uri_list { self.uri_list(name, text) } else { self.codes_text(name, text) }
            }
        }
    }

    fn otp_arg(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
        let keys = otp_keys_from_arg(text).map_err(|e| input_err(name, e))?;
        for (k, key) in keys.into_iter().enumerate() {
            self.key(key, if k == 0 { name.to_string() } else { format!("{name} account {}", k + 1) });
        }
        Ok(())
    }

    fn mnemonic_text(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
        let t = text.trim();
        let words = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            seedqr::words_from_standard(t).map_err(|e| input_err(name, format!("as Standard SeedQR digits: {e}")))?
        } else {
            mnemonic::normalize(t).map_err(|e| input_err(name, e))?
        };
        self.push(Secret::Mnemonic { label: stem_label(name, DEFAULT_MNEMONIC_LABEL), words });
        Ok(())
    }

    fn codes_text(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
        let mut codes: Vec<String> = Vec::new();
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for (n, line) in content_lines(text) {
            check_short_text("the code", line).map_err(|e| entry_err(name, format!("line {n}"), e))?;
            if let Some(first) = first_line.get(line) {
                self.warnings.push(format!("{name} line {n}: the same code as line {first}; kept once"));
                continue;
            }
            first_line.insert(line.to_string(), n);
            codes.push(line.to_string());
        }
        if codes.is_empty() {
            return Err(input_err(name, "holds no backup codes (write one code a line)"));
        }
        self.push(Secret::BackupCodes { label: stem_label(name, DEFAULT_CODES_LABEL), codes });
        Ok(())
    }

    fn uri_list(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
        for (n, line) in content_lines(text) {
            let place = format!("line {n}");
            if migration::is_migration_uri(line) {
                self.migration(name, &place, line)?;
            } else if line.get(..10).is_some_and(|p| p.eq_ignore_ascii_case("otpauth://")) {
                let key = OtpKey::from_uri(line).map_err(|e| entry_err(name, &place, e))?;
                self.key(key, format!("{name} {place}"));
            } else {
                return Err(entry_err(
                    name,
                    place,
                    "not an otpauth:// or otpauth-migration:// URI (a URI file holds one a line; # starts a comment)",
                ));
            }
        }
        Ok(())
    }

    fn aegis(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
        let json: Value = serde_json::from_str(text).map_err(|e| input_err(name, format!("not valid JSON: {e}")))?;
        let db = json.get("db").ok_or_else(|| {
            input_err(name, "JSON that is not an Aegis export (it has no \"db\"); paperseed reads Aegis plain exports")
        })?;
        if db.is_string() {
            return Err(input_err(
                name,
                "an encrypted Aegis export: export again without encryption (Aegis: Settings → Import & export → \
                 Export, plain JSON), import that, then delete it",
            ));
        }
        let version = db.get("version").and_then(Value::as_u64);
        if !matches!(version, Some(1..=3)) {
            self.warnings.push(format!(
                "{name}: Aegis database version {} is unknown; read as version 3",
                version.map_or("(none)".to_string(), |v| v.to_string())
            ));
        }
        let entries = db
            .get("entries")
            .and_then(Value::as_array)
            .ok_or_else(|| input_err(name, "an Aegis export without an \"entries\" list"))?;
        for (i, entry) in entries.iter().enumerate() {
            let str_field = |k: &str| entry.get(k).and_then(Value::as_str).map(str::trim).unwrap_or("").to_string();
            let (issuer, account) = (str_field("issuer"), str_field("name"));
            let shown = if issuer.is_empty() { account.clone() } else { issuer.clone() };
            let place = format!("entry {} ({shown:?})", i + 1);
            let kind = entry.get("type").and_then(Value::as_str).unwrap_or("");
            let key = match kind {
                "totp" | "hotp" => aegis_key(entry, kind, issuer, account).map_err(|error| ImportError::Aegis {
                    input: name.to_string(),
                    place: place.clone(),
                    error,
                })?,
                "steam" => {
                    self.warnings.push(format!("{name} {place}: Steam Guard keys are not supported (skipped)"));
                    continue;
                }
                "" => return Err(entry_err(name, place, "no \"type\"")),
                other => {
                    self.warnings.push(format!("{name} {place}: {other} keys are not supported (skipped)"));
                    continue;
                }
            };
            self.key(key, format!("{name} {place}"));
        }
        Ok(())
    }
}

/// Codes in reading order (rows top to bottom, each left to right), so that
/// "code 2" is where a person looks for it and a multi-code export shown
/// side by side keeps its account order. Codes whose centres are within half
/// a code's height of each other share a row.
fn sort_reading_order(codes: &mut [scan::FoundCode]) {
    let centre = |c: &scan::FoundCode| {
        let x = c.corners.iter().map(|p| p.0).sum::<f32>() / 4.0;
        let y = c.corners.iter().map(|p| p.1).sum::<f32>() / 4.0;
        (x, y)
    };
    let height = |c: &scan::FoundCode| {
        let ys = c.corners.iter().map(|p| p.1);
        ys.clone().fold(f32::MIN, f32::max) - ys.fold(f32::MAX, f32::min)
    };
    let band = codes.iter().map(height).fold(0.0f32, f32::max).max(1.0) / 2.0;
    codes.sort_by(|a, b| centre(a).1.total_cmp(&centre(b).1));
    // Rows: a new row starts more than `band` below the first code of the last.
    let mut rows = Vec::with_capacity(codes.len());
    let (mut row, mut row_y) = (0usize, f32::MIN);
    for c in codes.iter() {
        let y = centre(c).1;
        if y - row_y > band {
            if row_y != f32::MIN {
                row += 1;
            }
            row_y = y;
        }
        rows.push(row);
    }
    let mut keyed: Vec<(usize, f32, scan::FoundCode)> =
        codes.iter().zip(rows).map(|(c, r)| (r, centre(c).0, c.clone())).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    for (slot, (_, _, c)) in codes.iter_mut().zip(keyed) {
        *slot = c;
    }
}

/// Lines that are neither blank nor `#` comments, trimmed, numbered from 1.
fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn aegis_key(entry: &Value, kind: &str, issuer: String, account: String) -> Result<OtpKey, AegisError> {
    let info = entry.get("info").ok_or(AegisError::NoInfo)?;
    let secret = info.get("secret").and_then(Value::as_str).ok_or(AegisError::NoSecret)?;
    let key = totp::decode_base32(secret).map_err(AegisError::Secret)?;
    let algorithm = match info.get("algo") {
        None | Some(Value::Null) => Algorithm::Sha1,
        Some(Value::String(s)) => Algorithm::parse(s).map_err(AegisError::Algorithm)?,
        Some(_) => return Err(AegisError::AlgorithmNotText),
    };
    let number = |field: &'static str, default: u64| -> Result<u64, AegisError> {
        match info.get(field) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v.as_u64().ok_or_else(|| AegisError::NotANumber { field, value: v.to_string() }),
        }
    };
    let digits = number("digits", 6)?;
    let digits = u8::try_from(digits).map_err(|_| AegisError::Digits(digits))?;
    let otp_kind = if kind == "hotp" {
        OtpKind::Hotp { counter: number("counter", 0)? }
    } else {
        let period = number("period", 30)?;
        OtpKind::Totp { period: u32::try_from(period).map_err(|_| AegisError::Period(period))? }
    };
    let key = OtpKey {
        key,
        issuer: Some(issuer).filter(|s| !s.is_empty()),
        account: Some(account).filter(|s| !s.is_empty()),
        algorithm,
        digits,
        kind: otp_kind,
    };
    key.validate()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, t: &str) -> ImportSource {
        ImportSource::text(name, t, TextKind::Detect)
    }

    const AEGIS: &str = r#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[
        {"type":"totp","uuid":"1","name":"alice@example.com","issuer":"GitHub","note":"","icon":null,
         "info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}},
        {"type":"hotp","uuid":"2","name":"bob","issuer":"","info":{"secret":"GEZDGNBVGY3TQOJQ","algo":"SHA256","digits":8,"counter":5}},
        {"type":"steam","uuid":"3","name":"me","issuer":"Steam","info":{"secret":"GEZDGNBVGY3TQOJQ","algo":"SHA1","digits":5,"period":30}},
        {"type":"totp","uuid":"4","name":"alice","issuer":"GitHub","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}
    ]}}"#;

    #[test]
    fn aegis_plain_export() {
        let got = import(&[text("aegis.json", AEGIS)]).unwrap();
        assert_eq!(got.secrets.len(), 2);
        assert_eq!(got.secrets[0].label(), "GitHub (alice@example.com)");
        assert_eq!(got.secrets[1].label(), "bob");
        let Secret::Otp { key, .. } = &got.secrets[1] else { panic!() };
        assert_eq!((key.algorithm, key.digits, key.kind), (Algorithm::Sha256, 8, OtpKind::Hotp { counter: 5 }));
        assert_eq!(got.warnings.len(), 2, "{:?}", got.warnings);
        assert!(got.warnings[0].starts_with("aegis.json entry 3 (\"Steam\"): Steam Guard"), "{:?}", got.warnings);
        assert!(got.warnings[1].contains("entry 4") && got.warnings[1].contains("same key as aegis.json entry 1"));
    }

    #[test]
    fn aegis_errors_name_the_entry() {
        let bad = AEGIS.replace("GEZDGNBVGY3TQOJQ\",\"algo\":\"SHA256", "J0\",\"algo\":\"SHA256");
        let e = import(&[text("aegis.json", &bad)]).unwrap_err().to_string();
        assert!(e.starts_with("aegis.json entry 2 (\"bob\"): secret: '0' is not a base32 character"), "{e}");
        let e = import(&[text("a.json", &AEGIS.replace("\"digits\":8", "\"digits\":9"))]).unwrap_err().to_string();
        assert!(e.starts_with("a.json entry 2 (\"bob\"): digits must be"), "{e}");
        let e = import(&[text("a.json", &AEGIS.replace("\"algo\":\"SHA256\"", "\"algo\":\"MD5\""))]).unwrap_err();
        assert!(e.to_string().contains("algo: unknown algorithm"), "{e}");
        // Typed: the entry's place, then what is wrong with it.
        let e = import(&[text("a.json", &AEGIS.replace("\"digits\":8", "\"digits\":9"))]).unwrap_err();
        assert!(matches!(&e, ImportError::Aegis { error: AegisError::Key(OtpError::Digits(9)), .. }), "{e}");
        let e = import(&[text("a.json", &AEGIS.replace("\"counter\":5", "\"counter\":\"5\""))]).unwrap_err();
        assert!(
            matches!(&e, ImportError::Aegis { place, error: AegisError::NotANumber { field: "counter", .. }, .. }
                if place == "entry 2 (\"bob\")"),
            "{e}"
        );
        assert_eq!(e.to_string(), "a.json entry 2 (\"bob\"): counter: \"5\" is not a whole number");
        let enc = r#"{"version":1,"header":{"slots":[{}],"params":{}},"db":"c2VjcmV0"}"#;
        assert!(import(&[text("v.json", enc)]).unwrap_err().to_string().contains("encrypted Aegis export"));
        assert!(import(&[text("x.json", "{\"a\":1}")]).unwrap_err().to_string().contains("not an Aegis export"));
        assert!(import(&[text("x.json", "{\"a\":")]).unwrap_err().to_string().starts_with("x.json: not valid JSON"));
    }

    #[test]
    fn uri_lists_with_comments_and_exports() {
        let keys = vec![
            OtpKey::from_uri("otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ").unwrap(),
            OtpKey::from_uri("otpauth://hotp/B?secret=JBSWY3DP&counter=3").unwrap(),
        ];
        let list = format!(
            "# my keys\n\notpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub\n  {}\n",
            migration::to_migration_uri(&keys).unwrap()
        );
        let got = import(&[text("keys.txt", &list)]).unwrap();
        let labels: Vec<&str> = got.secrets.iter().map(Secret::label).collect();
        assert_eq!(labels, ["GitHub (alice)", "A (a)", "B"]);
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
        let e = import(&[text("keys.txt", &format!("{list}JBSWY3DP\n"))]).unwrap_err().to_string();
        assert!(e.starts_with("keys.txt line 5: not an otpauth://"), "{e}");
        let e = import(&[text("keys.txt", "otpauth://totp/x?secret=JBSW0\n")]).unwrap_err().to_string();
        assert!(e.starts_with("keys.txt line 1: secret: '0'"), "{e}");
    }

    #[test]
    fn backup_codes_with_duplicates() {
        let got = import(&[text("/tmp/github-recovery-codes.txt", "a3f8-9d2c\n\n  0042-1111 \na3f8-9d2c\n")]).unwrap();
        assert_eq!(
            got.secrets,
            vec![Secret::BackupCodes {
                label: "github-recovery-codes".into(),
                codes: vec!["a3f8-9d2c".into(), "0042-1111".into()],
            }]
        );
        assert_eq!(got.warnings, vec!["/tmp/github-recovery-codes.txt line 4: the same code as line 1; kept once"]);
        assert!(import(&[text("c.txt", "\n# nothing\n")]).unwrap_err().to_string().contains("no backup codes"));
        let forced = import(&[ImportSource::text("-", "otpauth-looking-code\n", TextKind::Codes)]).unwrap();
        assert_eq!(forced.secrets[0].label(), DEFAULT_CODES_LABEL);
    }

    #[test]
    fn labels_stay_unique_and_printable() {
        let a = ImportSource::text("--totp", "otpauth://totp/X:a?secret=JBSWY3DP", TextKind::Otp);
        let b = ImportSource::text("--totp", "otpauth://totp/X:a?secret=GEZDGNBV", TextKind::Otp);
        let c = ImportSource::text("--totp", "gezd gnbv gy3t qojq", TextKind::Otp);
        let d = ImportSource::text("--totp", "otpauth://totp/Evil%0Aname?secret=MFRGGZDF", TextKind::Otp);
        let got = import(&[a, b, c, d]).unwrap();
        let labels: Vec<&str> = got.secrets.iter().map(Secret::label).collect();
        assert_eq!(labels, ["X (a)", "X (a) (2)", DEFAULT_KEY_LABEL, "Evil name"]);
        let Secret::Otp { key, .. } = &got.secrets[3] else { panic!() };
        assert_eq!(key.account.as_deref(), Some("Evil name"));
        let backup = got.into_backup(None);
        backup.validate().unwrap();
        let e = import(&[ImportSource::text("--totp", "JBSW0", TextKind::Otp)]).unwrap_err().to_string();
        assert!(e.starts_with("--totp: not an otpauth:// URI nor a base32 key"), "{e}");
    }

    #[test]
    fn long_labels_are_cut_without_a_trailing_space() {
        let name = format!("{} b", "a".repeat(crate::secret::MAX_SHORT_TEXT - 7));
        let label = clean_label(&name, "x");
        assert_eq!(label, "a".repeat(crate::secret::MAX_SHORT_TEXT - 7));
        let uri = format!("otpauth://totp/{}?secret=JBSWY3DP", name.replace(' ', "%20"));
        let got = import(&[ImportSource::text("--totp", uri, TextKind::Otp)]).unwrap();
        assert_eq!(got.secrets[0].label(), label);
    }

    #[test]
    fn mnemonics_and_seedqr_digits() {
        let words = "forum undo fragile fade shy sign arrest garment culture tube off merit";
        let got = import(&[
            ImportSource::text("wallet.txt", format!("  {}\n", words.to_uppercase()), TextKind::Mnemonic),
            ImportSource::text("-", "073318950739065415961602009907670428187212261116", TextKind::Mnemonic),
        ])
        .unwrap();
        assert_eq!(got.secrets[0], Secret::Mnemonic { label: "wallet".into(), words: words.into() });
        assert_eq!(got.secrets[1], Secret::Mnemonic { label: DEFAULT_MNEMONIC_LABEL.into(), words: words.into() });
        let e =
            import(&[ImportSource::text("w.txt", words.replace("merit", "merrit"), TextKind::Mnemonic)]).unwrap_err();
        assert!(e.to_string().starts_with("w.txt: word 12"), "{e}");
    }

    #[test]
    fn empty_input_is_an_error() {
        assert!(matches!(import(&[]), Err(ImportError::Nothing)));
        let only_steam = r#"{"db":{"version":2,"entries":[{"type":"steam","name":"x","info":{}}]}}"#;
        assert!(matches!(import(&[text("s.json", only_steam)]), Err(ImportError::Nothing)));
    }

    #[test]
    fn reading_order() {
        let at = |x: f32, y: f32, t: &str| scan::FoundCode {
            text: t.into(),
            bytes: t.as_bytes().to_vec(),
            corners: [(x, y), (x + 100.0, y), (x + 100.0, y + 100.0), (x, y + 100.0)],
            ecc: None,
        };
        let mut codes = vec![at(300.0, 410.0, "d"), at(310.0, 10.0, "b"), at(0.0, 400.0, "c"), at(0.0, 30.0, "a")];
        sort_reading_order(&mut codes);
        let order: Vec<&str> = codes.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
    }

    #[test]
    fn qr_texts() {
        let mut acc = Acc::default();
        acc.qr_text("shot.png", "code 1", "otpauth://totp/A:b?secret=JBSWY3DP").unwrap();
        acc.qr_text("shot2.png", "code 1", "otpauth://totp/A:b?secret=JBSWY3DP").unwrap();
        acc.qr_text("shot.png", "code 2", "PAPERSEED1:0123").unwrap();
        acc.qr_text("shot.png", "code 3", "https://example.com").unwrap();
        acc.qr_text(
            "shot.png",
            "code 4",
            "011513251154012711900771041507421289190620080870026613431420201617920614089619290300152408010643",
        )
        .unwrap();
        assert_eq!(acc.secrets.len(), 2);
        assert!(matches!(acc.secrets[1], Secret::Mnemonic { .. }));
        assert_eq!(acc.warnings.len(), 4, "{:?}", acc.warnings);
        assert!(acc.warnings[0].contains("same QR code as shot.png code 1"));
        // Batches: codes 1 and 3 of 3 read.
        let keys = [OtpKey::from_uri("otpauth://totp/A:c?secret=GEZDGNBV").unwrap()];
        for index in [0, 2] {
            let payload =
                migration::to_payload(&keys[..], migration::Batch { version: 1, size: 3, index, id: 7 }).unwrap();
            let uri = format!(
                "{}?data={}",
                migration::PREFIX,
                data_encoding::BASE64.encode(&payload).replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
            );
            acc.qr_text("ga.png", &format!("code {}", index + 1), &uri).unwrap();
        }
        acc.batch_warnings();
        let last = acc.warnings.last().unwrap();
        assert!(last.contains("has 3 codes; code(s) 2 of it were not read"), "{last}");
        let e = acc.qr_text("bad.png", "code 1", "otpauth://totp/x?secret=JBSWY3DP&digits=12").unwrap_err();
        assert_eq!(e.to_string(), "bad.png code 1: digits must be 6, 7 or 8, not 12");
    }
}
