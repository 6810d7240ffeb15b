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

use crate::readfile::{self, ReadError};
use crate::scan::{self, DetectOptions, Limits, ScanError};
use crate::secret::manifest::DEFAULT_TITLE;
use crate::secret::totp::{OtpKey, OtpKind};
use crate::secret::{Backup, Secret};

mod aegis;
mod qr;
mod text;

pub use aegis::AegisError;
use qr::sort_reading_order;
use text::content_lines;
pub use text::{KeyArgError, otp_keys_from_arg};

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

fn input_err(input: &str, message: impl Into<String>) -> ImportError {
    ImportError::Input { input: input.to_string(), message: message.into() }
}

/// A file that cannot be read, or is not a regular file, or too large.
fn read_err(input: &str, e: ReadError) -> ImportError {
    match e {
        ReadError::NotRegular { what, .. } => input_err(input, format!("is {what}, not a regular file: name a file")),
        ReadError::TooLarge { limit, .. } => {
            input_err(input, format!("larger than {} MiB: not a text export", limit >> 20))
        }
        ReadError::Io { source, .. } => input_err(input, format!("cannot read it: {source}")),
    }
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
    let data = readfile::read_bounded(path, MAX_TEXT_BYTES).map_err(|e| read_err(&name, e))?;
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
        if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(input_err(&name, "is a folder: name the files in it"));
        }
        let mut head = Vec::new();
        readfile::open_regular(path)
            .map_err(|e| read_err(&name, e))?
            .take(1024)
            .read_to_end(&mut head)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::migration;
    use crate::secret::totp::{Algorithm, OtpError};

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
            dimension: 21,
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
