//! Google Authenticator exports: `otpauth-migration://offline?data=…`.
//!
//! The app's "Transfer accounts → Export" screen shows one or more QR codes
//! whose text is that URI. `data` is base64 (standard alphabet, usually
//! percent-encoded) of a protocol-buffers message:
//!
//! ```text
//! message MigrationPayload {
//!   repeated OtpParameters otp_parameters = 1;
//!   int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
//! }
//! message OtpParameters {
//!   bytes secret = 1; string name = 2; string issuer = 3;
//!   Algorithm algorithm = 4;  // 0 unspecified (SHA1), 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
//!   DigitCount digits = 5;    // 0 unspecified (6), 1 six, 2 eight
//!   OtpType type = 6;         // 0 unspecified (TOTP), 1 HOTP, 2 TOTP
//!   int64 counter = 7;
//! }
//! ```
//!
//! The message is read by a small hand-written reader ([`parse_payload`]):
//! varints of at most ten bytes, length-delimited fields that must lie inside
//! their parent, unknown fields skipped, groups refused, and bounds on the
//! payload size and account count, since the input is an untrusted image.
//! An export of many accounts is split over several codes (a *batch*): each
//! code carries its [`Batch`] position so that a caller can tell whether
//! every code was read. The format has no period field: every TOTP key is a
//! 30-second key. [`to_payload`] / [`to_migration_uri`] write the same format.

use data_encoding::BASE64;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::totp::{Algorithm, MAX_KEY_BYTES, OtpError, OtpKey, OtpKind};

/// The URI scheme and host of an export.
pub const PREFIX: &str = "otpauth-migration://offline";
/// Largest decoded payload accepted (an export code holds at most ~2 KB).
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// Most accounts accepted from one payload.
pub const MAX_ACCOUNTS: usize = 1000;
/// Longest name or issuer accepted, in bytes.
pub const MAX_TEXT_BYTES: usize = 1024;

/// Position of one export code in a multi-code export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Batch {
    /// Format version (1 in current exports).
    pub version: i32,
    /// How many codes the export has (0 or 1: a single code).
    pub size: i32,
    /// This code's position, from 0.
    pub index: i32,
    /// The same for every code of one export.
    pub id: i32,
}

/// One decoded export code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub keys: Vec<OtpKey>,
    pub batch: Batch,
}

/// What is wrong with an export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    #[error("not a Google Authenticator export (it does not start with {PREFIX})")]
    NotMigration,
    #[error("the export URI has no data parameter")]
    NoData,
    #[error("the export data is not valid base64: {0}")]
    Base64(String),
    #[error("the export data is {0} bytes; at most {MAX_PAYLOAD_BYTES} are accepted")]
    TooLarge(usize),
    #[error("the export data is damaged (byte {offset}): {message}")]
    Protobuf { offset: usize, message: String },
    #[error("the export holds more than {MAX_ACCOUNTS} accounts")]
    TooManyAccounts,
    /// `index` counts from 1; `name` is the account's name as stored.
    #[error("account {index} ({name:?}): {error}")]
    Account { index: usize, name: String, error: AccountError },
}

/// What is wrong with one account of an export, read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("the secret is empty")]
    EmptySecret,
    #[error("the secret is {0} bytes; at most {MAX_KEY_BYTES} are accepted")]
    SecretTooLong(usize),
    #[error("MD5 keys are not supported (authenticator apps use SHA1, SHA256 or SHA512)")]
    Md5,
    /// An `algorithm` code this format does not define.
    #[error("unknown algorithm {0}")]
    UnknownAlgorithm(u64),
    /// A `digits` code this format does not define.
    #[error("unknown digit count {0}")]
    UnknownDigits(u64),
    /// A `type` code this format does not define.
    #[error("unknown OTP type {0}")]
    UnknownType(u64),
    #[error("the counter is negative ({0})")]
    NegativeCounter(i64),
    /// The key's parameters are out of range.
    #[error(transparent)]
    Key(#[from] OtpError),
    /// Writing: the format has no code for this many digits.
    #[error("a Google Authenticator export cannot hold {0}-digit keys")]
    CannotHoldDigits(u8),
    /// Writing: the format has no period field (every key is a 30-second key).
    #[error("a Google Authenticator export cannot hold a {0}-second period (only 30)")]
    CannotHoldPeriod(u32),
}

// ---------------------------------------------------------------------------
// Reading

/// A bounded protobuf reader over one message.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Offset of `data` in the whole payload, for messages.
    base: usize,
}

/// One field's value.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// fixed32 / fixed64: skipped by this format.
    Fixed,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8], base: usize) -> Self {
        Reader { data, pos: 0, base }
    }

    fn err(&self, message: impl Into<String>) -> MigrationError {
        MigrationError::Protobuf { offset: self.base + self.pos, message: message.into() }
    }

    fn varint(&mut self) -> Result<u64, MigrationError> {
        let mut value = 0u64;
        for i in 0..10 {
            let Some(&b) = self.data.get(self.pos) else {
                return Err(self.err("it ends inside a number"));
            };
            self.pos += 1;
            if i == 9 && b > 1 {
                return Err(self.err("a number is longer than 64 bits"));
            }
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.err("a number is longer than ten bytes"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], MigrationError> {
        if n > self.data.len() - self.pos {
            return Err(self.err(format!("a field of {n} bytes runs past the end of its message")));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// The next field: `(number, value, offset of its value)`, or `None` at the end.
    fn field(&mut self) -> Result<Option<(u64, Value<'a>, usize)>, MigrationError> {
        if self.pos == self.data.len() {
            return Ok(None);
        }
        let tag = self.varint()?;
        let number = tag >> 3;
        if number == 0 {
            return Err(self.err("field number 0"));
        }
        let at = self.base + self.pos;
        let value = match tag & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len).map_err(|_| self.err("a length is too large"))?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            w => return Err(self.err(format!("unsupported wire type {w}"))),
        };
        Ok(Some((number, value, at)))
    }
}

fn wrong_type(offset: usize, field: &str) -> MigrationError {
    MigrationError::Protobuf { offset, message: format!("field `{field}` has the wrong type") }
}

fn varint_of(v: Value, at: usize, field: &str) -> Result<u64, MigrationError> {
    match v {
        Value::Varint(x) => Ok(x),
        _ => Err(wrong_type(at, field)),
    }
}

fn bytes_of<'a>(v: Value<'a>, at: usize, field: &str) -> Result<&'a [u8], MigrationError> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(wrong_type(at, field)),
    }
}

/// An account as stored, before its fields are interpreted.
#[derive(Default)]
struct RawAccount {
    secret: Vec<u8>,
    name: String,
    issuer: String,
    algorithm: u64,
    digits: u64,
    kind: u64,
    counter: u64,
}

fn text_of(bytes: &[u8], at: usize, field: &str) -> Result<String, MigrationError> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(MigrationError::Protobuf {
            offset: at,
            message: format!("`{field}` is {} bytes; at most {MAX_TEXT_BYTES} are accepted", bytes.len()),
        });
    }
    String::from_utf8(bytes.to_vec())
        .map_err(|_| MigrationError::Protobuf { offset: at, message: format!("`{field}` is not UTF-8 text") })
}

fn read_account(data: &[u8], base: usize) -> Result<RawAccount, MigrationError> {
    let mut r = Reader::new(data, base);
    let mut a = RawAccount::default();
    while let Some((number, value, at)) = r.field()? {
        match number {
            1 => a.secret = bytes_of(value, at, "secret")?.to_vec(),
            2 => a.name = text_of(bytes_of(value, at, "name")?, at, "name")?,
            3 => a.issuer = text_of(bytes_of(value, at, "issuer")?, at, "issuer")?,
            4 => a.algorithm = varint_of(value, at, "algorithm")?,
            5 => a.digits = varint_of(value, at, "digits")?,
            6 => a.kind = varint_of(value, at, "type")?,
            7 => a.counter = varint_of(value, at, "counter")?,
            _ => {} // unknown: skipped, as protobuf readers do
        }
    }
    Ok(a)
}

/// `int32` fields are sign-extended varints.
fn int32(v: u64) -> i32 {
    v as i64 as i32
}

/// Split a stored name like an otpauth label: `Issuer:account` or `account`.
/// A name that starts with the `issuer` field and a colon is that issuer and
/// the account (the issuer may hold a ':' itself); otherwise the first ':'
/// separates them.
fn split_name(name: &str, issuer: &str) -> (Option<String>, Option<String>) {
    let prefixed = [issuer, issuer.trim()]
        .into_iter()
        .filter(|i| !i.trim().is_empty())
        .find_map(|i| name.strip_prefix(i)?.strip_prefix(':'));
    let (issuer, account) = match (prefixed, name.split_once(':')) {
        (Some(a), _) => (None, a.trim().to_string()),
        (None, Some((i, a))) => (Some(i.trim().to_string()), a.trim().to_string()),
        (None, None) => (None, name.trim().to_string()),
    };
    (issuer.filter(|s| !s.is_empty()), Some(account).filter(|s| !s.is_empty()))
}

fn interpret(a: RawAccount) -> Result<OtpKey, AccountError> {
    if a.secret.is_empty() {
        return Err(AccountError::EmptySecret);
    }
    if a.secret.len() > MAX_KEY_BYTES {
        return Err(AccountError::SecretTooLong(a.secret.len()));
    }
    let algorithm = match a.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err(AccountError::Md5),
        n => return Err(AccountError::UnknownAlgorithm(n)),
    };
    let digits = match a.digits {
        0 | 1 => 6,
        2 => 8,
        n => return Err(AccountError::UnknownDigits(n)),
    };
    let kind = match a.kind {
        0 | 2 => OtpKind::Totp { period: 30 },
        1 => OtpKind::Hotp { counter: a.counter },
        n => return Err(AccountError::UnknownType(n)),
    };
    if matches!(kind, OtpKind::Hotp { .. }) && (a.counter as i64) < 0 {
        return Err(AccountError::NegativeCounter(a.counter as i64));
    }
    let (label_issuer, account) = split_name(&a.name, &a.issuer);
    let issuer = Some(a.issuer.trim().to_string()).filter(|s| !s.is_empty()).or(label_issuer);
    let key = OtpKey { key: a.secret, issuer, account, algorithm, digits, kind };
    key.validate()?;
    Ok(key)
}

/// Decode the protobuf payload of an export.
pub fn parse_payload(data: &[u8]) -> Result<Migration, MigrationError> {
    if data.len() > MAX_PAYLOAD_BYTES {
        return Err(MigrationError::TooLarge(data.len()));
    }
    let mut r = Reader::new(data, 0);
    let mut raw = Vec::new();
    let mut batch = Batch::default();
    while let Some((number, value, at)) = r.field()? {
        match number {
            1 => {
                if raw.len() == MAX_ACCOUNTS {
                    return Err(MigrationError::TooManyAccounts);
                }
                raw.push(read_account(bytes_of(value, at, "otp_parameters")?, at)?);
            }
            2 => batch.version = int32(varint_of(value, at, "version")?),
            3 => batch.size = int32(varint_of(value, at, "batch_size")?),
            4 => batch.index = int32(varint_of(value, at, "batch_index")?),
            5 => batch.id = int32(varint_of(value, at, "batch_id")?),
            _ => {}
        }
    }
    let keys = raw
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let name = a.name.clone();
            interpret(a).map_err(|error| MigrationError::Account { index: i + 1, name, error })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Migration { keys, batch })
}

/// Whether `text` is an export URI (by its scheme).
pub fn is_migration_uri(text: &str) -> bool {
    let t = text.trim_start();
    t.get(..PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
        || t.get(..20).is_some_and(|p| p.eq_ignore_ascii_case("otpauth-migration://"))
}

/// Decode an `otpauth-migration://offline?data=…` URI.
///
/// `data` may be percent-encoded or not; a `+` turned into a space by a
/// form decoder is turned back, and URL-safe base64 is accepted too.
pub fn parse_uri(uri: &str) -> Result<Migration, MigrationError> {
    let uri = uri.trim();
    if !is_migration_uri(uri) {
        return Err(MigrationError::NotMigration);
    }
    let query = uri.split_once('?').map(|(_, q)| q).unwrap_or("");
    let data = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("data"))
        .map(|(_, v)| v)
        .ok_or(MigrationError::NoData)?;
    let decoded = percent_decode_str(data).decode_utf8().map_err(|_| MigrationError::Base64("not text".into()))?;
    let clean: String = decoded
        .chars()
        .filter(|c| *c != '\n' && *c != '\r' && *c != '\t')
        .map(|c| match c {
            ' ' => '+',
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    if clean.is_empty() {
        return Err(MigrationError::NoData);
    }
    if clean.len() > MAX_PAYLOAD_BYTES * 4 / 3 + 4 {
        return Err(MigrationError::TooLarge(clean.len() * 3 / 4));
    }
    let trimmed = clean.trim_end_matches('=');
    let bytes =
        data_encoding::BASE64_NOPAD.decode(trimmed.as_bytes()).map_err(|e| MigrationError::Base64(e.to_string()))?;
    parse_payload(&bytes)
}

// ---------------------------------------------------------------------------
// Writing

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_tag(out: &mut Vec<u8>, number: u64, wire: u64) {
    put_varint(out, (number << 3) | wire);
}

fn put_bytes(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    put_tag(out, number, 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_uint(out: &mut Vec<u8>, number: u64, v: u64) {
    put_tag(out, number, 0);
    put_varint(out, v);
}

/// The name an account is stored under: `Issuer:account` when both are
/// known (as the app writes it), else whichever is.
/// An account holding a ':' but no issuer is stored after an empty issuer
/// (`:a:b`), or its first ':' would be read as the separator.
fn stored_name(key: &OtpKey) -> String {
    match (&key.issuer, &key.account) {
        (Some(i), Some(a)) => format!("{i}:{a}"),
        (None, Some(a)) if a.contains(':') => format!(":{a}"),
        (None, Some(a)) => a.clone(),
        (_, None) => String::new(),
    }
}

/// Encode keys as an export payload (one code, `batch`'s position).
///
/// The format cannot hold 7-digit keys or periods other than 30 seconds:
/// such keys are an [`MigrationError::Account`] error rather than silently
/// changed.
pub fn to_payload(keys: &[OtpKey], batch: Batch) -> Result<Vec<u8>, MigrationError> {
    let mut out = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let err = |error: AccountError| MigrationError::Account { index: i + 1, name: stored_name(key), error };
        key.validate().map_err(|e| err(e.into()))?;
        let digits = match key.digits {
            6 => 1,
            8 => 2,
            d => return Err(err(AccountError::CannotHoldDigits(d))),
        };
        let (kind, counter) = match key.kind {
            OtpKind::Totp { period: 30 } => (2, None),
            OtpKind::Totp { period } => return Err(err(AccountError::CannotHoldPeriod(period))),
            OtpKind::Hotp { counter } => (1, Some(counter)),
        };
        let algorithm = match key.algorithm {
            Algorithm::Sha1 => 1,
            Algorithm::Sha256 => 2,
            Algorithm::Sha512 => 3,
        };
        let mut p = Vec::new();
        put_bytes(&mut p, 1, &key.key);
        put_bytes(&mut p, 2, stored_name(key).as_bytes());
        if let Some(issuer) = &key.issuer {
            put_bytes(&mut p, 3, issuer.as_bytes());
        }
        put_uint(&mut p, 4, algorithm);
        put_uint(&mut p, 5, digits);
        put_uint(&mut p, 6, kind);
        if let Some(c) = counter {
            put_uint(&mut p, 7, c);
        }
        put_bytes(&mut out, 1, &p);
    }
    // int32 fields: negative values are sign-extended to 64 bits.
    put_uint(&mut out, 2, batch.version as i64 as u64);
    put_uint(&mut out, 3, batch.size as i64 as u64);
    put_uint(&mut out, 4, batch.index as i64 as u64);
    put_uint(&mut out, 5, batch.id as i64 as u64);
    Ok(out)
}

/// One export code holding every key: `otpauth-migration://offline?data=…`
/// (batch version 1, size 1, index 0, id 0), `data` percent-encoded.
pub fn to_migration_uri(keys: &[OtpKey]) -> Result<String, MigrationError> {
    let payload = to_payload(keys, Batch { version: 1, size: 1, index: 0, id: 0 })?;
    Ok(format!("{PREFIX}?data={}", utf8_percent_encode(&BASE64.encode(&payload), NON_ALPHANUMERIC)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(issuer: Option<&str>, account: Option<&str>, algorithm: Algorithm, digits: u8, kind: OtpKind) -> OtpKey {
        OtpKey {
            key: b"Hello!\xde\xad\xbe\xef".to_vec(),
            issuer: issuer.map(str::to_string),
            account: account.map(str::to_string),
            algorithm,
            digits,
            kind,
        }
    }

    /// A widely circulated sample export (one TOTP account, no algorithm or
    /// digit fields, no batch fields), decoded by hand:
    ///
    /// ```text
    /// 0a 31                      field 1 (otp_parameters), 49 bytes
    ///   0a 0a 48656c6c6f21deadbeef   secret "Hello!\xde\xad\xbe\xef" (JBSWY3DPEHPK3PXP)
    ///   12 18 "Example:alice@google.com"
    ///   1a 07 "Example"              issuer
    ///   30 02                        type 2 = TOTP
    /// ```
    const SAMPLE: &str =
        "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC";

    #[test]
    fn sample_export() {
        let m = parse_uri(SAMPLE).unwrap();
        assert_eq!(m.batch, Batch::default());
        assert_eq!(
            m.keys,
            vec![key(Some("Example"), Some("alice@google.com"), Algorithm::Sha1, 6, OtpKind::Totp { period: 30 })]
        );
        assert_eq!(
            m.keys[0].to_uri(),
            "otpauth://totp/Example:alice%40google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn hand_checked_encoding() {
        let k = key(Some("A"), Some("b"), Algorithm::Sha256, 8, OtpKind::Hotp { counter: 300 });
        let payload = to_payload(std::slice::from_ref(&k), Batch { version: 1, size: 1, index: 0, id: -1 }).unwrap();
        let mut want = vec![0x0a, 0x1d]; // otp_parameters, 29 bytes
        want.extend([0x0a, 0x0a]);
        want.extend(b"Hello!\xde\xad\xbe\xef");
        want.extend([0x12, 0x03, b'A', b':', b'b']); // name
        want.extend([0x1a, 0x01, b'A']); // issuer
        want.extend([0x20, 0x02, 0x28, 0x02, 0x30, 0x01]); // SHA256, eight digits, HOTP
        want.extend([0x38, 0xac, 0x02]); // counter 300 = 0b10_0101100
        want.extend([0x10, 0x01, 0x18, 0x01, 0x20, 0x00]); // version 1, size 1, index 0
        want.extend([0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]); // id -1
        assert_eq!(payload, want);
        let m = parse_payload(&payload).unwrap();
        assert_eq!(m.keys, vec![k]);
        assert_eq!(m.batch, Batch { version: 1, size: 1, index: 0, id: -1 });
    }

    #[test]
    fn round_trip_several() {
        let keys = vec![
            key(Some("GitHub"), Some("alice"), Algorithm::Sha1, 6, OtpKind::Totp { period: 30 }),
            key(None, Some("bob@example.com"), Algorithm::Sha512, 8, OtpKind::Totp { period: 30 }),
            key(Some("Bank"), None, Algorithm::Sha1, 6, OtpKind::Hotp { counter: 0 }),
            key(Some("Zhang San / 张三"), Some("a:b"), Algorithm::Sha256, 6, OtpKind::Totp { period: 30 }),
        ];
        let uri = to_migration_uri(&keys).unwrap();
        assert!(uri.starts_with("otpauth-migration://offline?data="));
        assert!(!uri[PREFIX.len() + 6..].contains(['+', '/', '=']), "{uri}");
        assert_eq!(parse_uri(&uri).unwrap().keys, keys);
    }

    #[test]
    fn names_with_colons_round_trip() {
        let totp = OtpKind::Totp { period: 30 };
        let keys = vec![
            key(None, Some("a:b"), Algorithm::Sha1, 6, totp),
            key(Some("X:Y"), Some("a"), Algorithm::Sha1, 6, totp),
            key(Some("X:Y"), None, Algorithm::Sha1, 6, totp),
            key(Some("X"), Some("a:b"), Algorithm::Sha1, 6, totp),
        ];
        let payload = to_payload(&keys, Batch::default()).unwrap();
        assert_eq!(parse_payload(&payload).unwrap().keys, keys);
    }

    #[test]
    fn encoder_refuses_what_the_format_cannot_hold() {
        let seven = key(None, Some("x"), Algorithm::Sha1, 7, OtpKind::Totp { period: 30 });
        assert!(to_migration_uri(&[seven]).unwrap_err().to_string().contains("7-digit"));
        let sixty = key(None, Some("x"), Algorithm::Sha1, 6, OtpKind::Totp { period: 60 });
        assert!(to_migration_uri(&[sixty]).unwrap_err().to_string().contains("60-second"));
    }

    #[test]
    fn lenient_uri_forms() {
        let data = SAMPLE.split_once("data=").unwrap().1;
        let upper = format!("OTPAUTH-MIGRATION://offline?data={data}");
        assert_eq!(parse_uri(&upper).unwrap().keys.len(), 1);
        // A payload whose base64 holds '+' and '/': accepted percent-encoded,
        // raw, with '+' decoded to a space by a form decoder, and URL-safe.
        let (keys, b64) = (0u8..=255)
            .map(|b| {
                let k = OtpKey {
                    key: vec![b; 10],
                    ..key(None, Some("x"), Algorithm::Sha1, 6, OtpKind::Totp { period: 30 })
                };
                let b64 = BASE64.encode(&to_payload(std::slice::from_ref(&k), Batch::default()).unwrap());
                (vec![k], b64)
            })
            .find(|(_, b64)| b64.contains('+') && b64.contains('/'))
            .unwrap();
        for form in [
            b64.clone(),
            b64.replace('+', " "),
            b64.replace('+', "-").replace('/', "_"),
            b64.trim_end_matches('=').to_string(),
        ] {
            assert_eq!(parse_uri(&format!("{PREFIX}?data={form}")).unwrap().keys, keys, "{form}");
        }
        assert_eq!(parse_uri(&to_migration_uri(&keys).unwrap()).unwrap().keys, keys);
        assert!(is_migration_uri("  otpauth-migration://offline?data=x"));
        assert!(!is_migration_uri("otpauth://totp/x"));
    }

    #[test]
    fn uri_errors() {
        assert_eq!(parse_uri("otpauth://totp/x?secret=AA"), Err(MigrationError::NotMigration));
        assert_eq!(parse_uri("otpauth-migration://offline?foo=1"), Err(MigrationError::NoData));
        assert!(matches!(parse_uri("otpauth-migration://offline?data=%%%"), Err(MigrationError::Base64(_))));
        assert!(matches!(parse_uri("otpauth-migration://offline?data=A"), Err(MigrationError::Base64(_))));
    }

    #[test]
    fn damaged_payloads_are_errors_not_panics() {
        let good = to_payload(
            &[key(Some("A"), Some("b"), Algorithm::Sha1, 6, OtpKind::Totp { period: 30 })],
            Batch::default(),
        )
        .unwrap();
        // Every truncation is either an error or (cut between top-level
        // fields) a valid shorter payload.
        for n in 0..good.len() {
            let _ = parse_payload(&good[..n]);
        }
        let e = parse_payload(&good[..5]).unwrap_err();
        assert!(matches!(e, MigrationError::Protobuf { .. }), "{e}");
        assert!(e.to_string().contains("past the end"), "{e}");
        // Overlong varint.
        let e = parse_payload(&[0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).unwrap_err();
        assert!(e.to_string().contains("longer"), "{e}");
        let e = parse_payload(&[0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]).unwrap_err();
        assert!(e.to_string().contains("64 bits"), "{e}");
        // Ends inside a number.
        assert!(parse_payload(&[0x10, 0x80]).unwrap_err().to_string().contains("inside a number"));
        // Group wire type, field 0, wrong type for a known field.
        assert!(parse_payload(&[0x0b]).unwrap_err().to_string().contains("wire type 3"));
        assert!(parse_payload(&[0x00, 0x00]).unwrap_err().to_string().contains("field number 0"));
        assert!(parse_payload(&[0x08, 0x01]).unwrap_err().to_string().contains("otp_parameters"));
        // A length far beyond the data.
        assert!(parse_payload(&[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        // Too large.
        assert_eq!(
            parse_payload(&vec![0; MAX_PAYLOAD_BYTES + 1]),
            Err(MigrationError::TooLarge(MAX_PAYLOAD_BYTES + 1))
        );
    }

    #[test]
    fn unknown_fields_are_skipped() {
        let mut payload = vec![0x0a, 0x16];
        payload.extend([0x0a, 0x0a]);
        payload.extend(b"Hello!\xde\xad\xbe\xef");
        payload.extend([0x12, 0x01, b'x']);
        payload.extend([0x45, 1, 2, 3, 4]); // field 8, fixed32
        payload.extend([0x30, 0x02]);
        payload.extend([0x49, 1, 2, 3, 4, 5, 6, 7, 8]); // top-level field 9, fixed64
        payload.extend([0x52, 0x02, 0xff, 0xfe]); // top-level field 10, bytes
        let m = parse_payload(&payload).unwrap();
        assert_eq!(m.keys[0].account.as_deref(), Some("x"));
    }

    #[test]
    fn account_errors_name_the_account() {
        let account = |extra: &[u8]| {
            let mut p = vec![0x0a, 0x02, 0xAB, 0xCD, 0x12, 0x06];
            p.extend(b"GitHub");
            p.extend(extra);
            let mut out = vec![0x0a, p.len() as u8];
            out.extend(p);
            out
        };
        let e = parse_payload(&account(&[0x20, 0x04])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "account 1 (\"GitHub\"): MD5 keys are not supported (authenticator apps use SHA1, SHA256 or SHA512)"
        );
        assert!(parse_payload(&account(&[0x28, 0x03])).unwrap_err().to_string().contains("digit count 3"));
        assert!(parse_payload(&account(&[0x30, 0x07])).unwrap_err().to_string().contains("OTP type 7"));
        let mut two = account(&[]);
        two.extend(account(&[0x20, 0x09]));
        assert!(
            parse_payload(&two).unwrap_err().to_string().starts_with("account 2 (\"GitHub\"): unknown algorithm 9")
        );
        let empty = [0x0a, 0x03, 0x12, 0x01, b'x'];
        assert!(parse_payload(&empty).unwrap_err().to_string().contains("secret is empty"));
        let bad_utf8 = [0x0a, 0x06, 0x0a, 0x01, 0x01, 0x12, 0x01, 0xff];
        assert!(parse_payload(&bad_utf8).unwrap_err().to_string().contains("not UTF-8"));
        // The errors are typed: the account's place, then what is wrong with it.
        assert_eq!(
            parse_payload(&two).unwrap_err(),
            MigrationError::Account { index: 2, name: "GitHub".into(), error: AccountError::UnknownAlgorithm(9) }
        );
        let Err(MigrationError::Account { error, .. }) = parse_payload(&account(&[0x28, 0x03])) else { panic!() };
        assert_eq!(error, AccountError::UnknownDigits(3));
    }
}
