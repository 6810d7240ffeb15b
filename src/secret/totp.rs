//! One-time-password keys: base32 seeds and `otpauth://` URIs.
//!
//! Keys are stored as their raw bytes, so "JBSW Y3DP", "jbswy3dp" and
//! "JBSWY3DP====" are the same key with the same fingerprint.

use data_encoding::{Encoding, Specification};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Characters escaped in URI labels and parameters: all but RFC 3986 unreserved ones.
const ESCAPE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Hash algorithm of an OTP key (RFC 6238).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    pub fn parse(s: &str) -> Result<Algorithm, OtpError> {
        match s.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(OtpError::UnknownAlgorithm(s.to_string())),
        }
    }
}

/// Time-based (RFC 6238) or counter-based (RFC 4226).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpKind {
    Totp { period: u32 },
    Hotp { counter: u64 },
}

/// An OTP key with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpKey {
    pub key: Vec<u8>,
    pub issuer: Option<String>,
    pub account: Option<String>,
    pub algorithm: Algorithm,
    pub digits: u8,
    pub kind: OtpKind,
}

/// Longest key accepted, in bytes (RFC 4226 recommends 20; 64 is generous).
pub const MAX_KEY_BYTES: usize = 128;

fn base32() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    spec.check_trailing_bits = false;
    spec.encoding().expect("valid base32 specification")
}

/// Why a key, its parameters or an otpauth:// URI is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    #[error("the key is empty")]
    EmptyKey,
    /// A character outside base32, with a hint for look-alikes.
    #[error("{ch:?} is not a base32 character{}", base32_hint(*.ch))]
    NotBase32 { ch: char },
    #[error("{0} base32 characters is not a valid key length (a character is missing or extra)")]
    Base32Length(usize),
    #[error("the key is {0} bytes; at most {MAX_KEY_BYTES} are accepted")]
    KeyTooLong(usize),
    #[error("unknown algorithm {0:?} (use SHA1, SHA256 or SHA512)")]
    UnknownAlgorithm(String),
    #[error("digits must be 6, 7 or 8, not {0}")]
    Digits(u8),
    #[error("period must be 1..3600 seconds, not {0}")]
    Period(u32),
    #[error("the URI does not start with otpauth://")]
    NotOtpauth,
    #[error("the URI has no label part (otpauth://totp/LABEL?secret=...)")]
    NoLabel,
    #[error("the label is not valid UTF-8")]
    LabelNotUtf8,
    #[error("parameter {0} is not valid UTF-8")]
    ParameterNotUtf8(String),
    #[error("secret: {0}")]
    Secret(Box<OtpError>),
    #[error("{field} {value:?} is not a number")]
    NotANumber { field: &'static str, value: String },
    #[error("an hotp URI needs a counter parameter")]
    NoCounter,
    #[error("unknown OTP type {0:?} (totp or hotp)")]
    UnknownType(String),
    #[error("the URI has no secret parameter")]
    NoSecret,
}

impl From<OtpError> for String {
    fn from(e: OtpError) -> String {
        e.to_string()
    }
}

fn base32_hint(c: char) -> &'static str {
    match c {
        '0' => " (base32 has no 0: did you mean O?)",
        '1' => " (base32 has no 1: did you mean I or L?)",
        '8' => " (base32 has no 8: did you mean B?)",
        '9' => " (base32 has no 9)",
        _ => "",
    }
}

/// Decode a base32 key as people write it: spaces, dashes, case and `=`
/// padding ignored.
pub fn decode_base32(text: &str) -> Result<Vec<u8>, OtpError> {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .trim_end_matches('=')
        .to_ascii_uppercase();
    if clean.is_empty() {
        return Err(OtpError::EmptyKey);
    }
    if let Some(c) = clean.chars().find(|c| !matches!(c, 'A'..='Z' | '2'..='7')) {
        return Err(OtpError::NotBase32 { ch: c });
    }
    let key = base32().decode(clean.as_bytes()).map_err(|_| OtpError::Base32Length(clean.len()))?;
    if key.len() > MAX_KEY_BYTES {
        return Err(OtpError::KeyTooLong(key.len()));
    }
    Ok(key)
}

/// Base32 without padding, as authenticator apps show it.
pub fn encode_base32(key: &[u8]) -> String {
    base32().encode(key)
}

/// Base32 in groups of four for reading aloud and typing.
pub fn grouped_base32(key: &[u8]) -> String {
    let s = encode_base32(key);
    s.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ")
}

/// The label [`OtpKey::to_uri`] writes for a key with neither issuer nor
/// account (authenticator apps want one); it reads back as the account.
pub const DEFAULT_URI_LABEL: &str = "key";

/// Split the label of an `otpauth://` URI (still percent-encoded) into issuer
/// and account, both trimmed, empty ones `None`.
///
/// The Key URI format separates them by a literal or an encoded colon, so:
/// a literal ':' is the separator wherever it is (a ':' inside an issuer or
/// account is written escaped); without one, a label starting with the
/// `issuer` parameter and a colon is that issuer and the account; otherwise
/// the first (encoded) ':' separates them, and a label without any is the
/// account.
fn split_label(raw: &str, issuer: Option<&str>) -> Result<(Option<String>, Option<String>), OtpError> {
    let decode =
        |s: &str| percent_decode_str(s).decode_utf8().map(|c| c.into_owned()).map_err(|_| OtpError::LabelNotUtf8);
    let (label_issuer, account) = match raw.split_once(':') {
        Some((i, a)) => (Some(decode(i)?), decode(a)?),
        None => {
            let label = decode(raw)?;
            let prefixed = issuer
                .filter(|i| !i.is_empty())
                .and_then(|i| label.strip_prefix(i)?.strip_prefix(':').map(|a| (i.to_string(), a.to_string())));
            match prefixed.or_else(|| label.split_once(':').map(|(i, a)| (i.to_string(), a.to_string()))) {
                Some((i, a)) => (Some(i), a),
                None => (None, label),
            }
        }
    };
    let clean = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok((label_issuer.and_then(clean), clean(account)))
}

impl OtpKey {
    /// Check parameters are in the ranges authenticator apps accept.
    pub fn validate(&self) -> Result<(), OtpError> {
        if self.key.is_empty() {
            return Err(OtpError::EmptyKey);
        }
        if !(6..=8).contains(&self.digits) {
            return Err(OtpError::Digits(self.digits));
        }
        if let OtpKind::Totp { period } = self.kind
            && !(1..=3600).contains(&period)
        {
            return Err(OtpError::Period(period));
        }
        Ok(())
    }

    /// Parse an `otpauth://totp/...` or `otpauth://hotp/...` URI.
    pub fn from_uri(uri: &str) -> Result<OtpKey, OtpError> {
        let uri = uri.trim();
        let rest = uri
            .strip_prefix("otpauth://")
            .or_else(|| uri.get(..10).filter(|p| p.eq_ignore_ascii_case("otpauth://")).map(|_| &uri[10..]))
            .ok_or(OtpError::NotOtpauth)?;
        let (kind_name, rest) = rest.split_once('/').ok_or(OtpError::NoLabel)?;
        let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut secret = None;
        let mut issuer = None;
        let mut algorithm = Algorithm::Sha1;
        let mut digits = 6u8;
        let mut period = 30u32;
        let mut counter = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode_str(&v.replace('+', " "))
                .decode_utf8()
                .map_err(|_| OtpError::ParameterNotUtf8(k.to_string()))?
                .into_owned();
            match k.to_ascii_lowercase().as_str() {
                "secret" => secret = Some(decode_base32(&v).map_err(|e| OtpError::Secret(Box::new(e)))?),
                "issuer" => issuer = Some(v),
                "algorithm" => algorithm = Algorithm::parse(&v)?,
                "digits" => {
                    digits = v.parse().map_err(|_| OtpError::NotANumber { field: "digits", value: v.clone() })?
                }
                "period" => {
                    period = v.parse().map_err(|_| OtpError::NotANumber { field: "period", value: v.clone() })?
                }
                "counter" => {
                    counter = Some(v.parse().map_err(|_| OtpError::NotANumber { field: "counter", value: v.clone() })?)
                }
                _ => {} // e.g. `image`: not part of the key
            }
        }
        let (label_issuer, account) = split_label(label, issuer.as_deref())?;
        let kind = match kind_name.to_ascii_lowercase().as_str() {
            "totp" => OtpKind::Totp { period },
            "hotp" => OtpKind::Hotp { counter: counter.ok_or(OtpError::NoCounter)? },
            other => return Err(OtpError::UnknownType(other.to_string())),
        };
        let key = OtpKey {
            key: secret.ok_or(OtpError::NoSecret)?,
            issuer: issuer.or(label_issuer).filter(|s| !s.is_empty()),
            account,
            algorithm,
            digits,
            kind,
        };
        key.validate()?;
        Ok(key)
    }

    /// The `otpauth://` URI that authenticator apps import.
    pub fn to_uri(&self) -> String {
        let enc = |s: &str| utf8_percent_encode(s, ESCAPE).to_string();
        // A literal ':' separates issuer and account (a ':' inside either is
        // escaped), so that `from_uri` splits the label where it was joined.
        let label = match (&self.issuer, &self.account) {
            (Some(i), Some(a)) => format!("{}:{}", enc(i), enc(a)),
            // "Issuer:" with no account: a label of the issuer alone would
            // read back as the account.
            (Some(i), None) => format!("{}:", enc(i)),
            // An account holding a ':' gets an empty issuer before it, or its
            // escaped ':' would be read as the separator (see `split_label`).
            (None, Some(a)) if a.contains(':') => format!(":{}", enc(a)),
            (None, Some(a)) => enc(a),
            // Apps want a name; this one reads back as the account "key".
            (None, None) => String::from(DEFAULT_URI_LABEL),
        };
        let (kind, tail) = match self.kind {
            OtpKind::Totp { period } => ("totp", format!("&period={period}")),
            OtpKind::Hotp { counter } => ("hotp", format!("&counter={counter}")),
        };
        let issuer = self.issuer.as_deref().map(|i| format!("&issuer={}", enc(i))).unwrap_or_default();
        format!(
            "otpauth://{kind}/{label}?secret={}{issuer}&algorithm={}&digits={}{tail}",
            encode_base32(&self.key),
            self.algorithm.name(),
            self.digits
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_forgiving_input() {
        let k = decode_base32("JBSW Y3DP EHPK 3PXP").unwrap();
        assert_eq!(k, b"Hello!\xde\xad\xbe\xef");
        assert_eq!(decode_base32("jbsw-y3dp-ehpk-3pxp").unwrap(), k);
        assert_eq!(decode_base32("JBSWY3DPEHPK3PXP====").unwrap(), k);
        assert_eq!(encode_base32(&k), "JBSWY3DPEHPK3PXP");
        assert_eq!(grouped_base32(&k), "JBSW Y3DP EHPK 3PXP");
    }

    #[test]
    fn base32_errors_say_what() {
        assert!(decode_base32("JBSW Y3D0").unwrap_err().to_string().contains("did you mean O"));
        assert!(decode_base32("JBSWY3").unwrap_err().to_string().contains("length"));
        assert!(decode_base32("  ").unwrap_err().to_string().contains("empty"));
    }

    #[test]
    fn uri_round_trip() {
        let uri = "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";
        let k = OtpKey::from_uri(uri).unwrap();
        assert_eq!(k.issuer.as_deref(), Some("ACME Co"));
        assert_eq!(k.account.as_deref(), Some("john.doe@email.com"));
        assert_eq!(k.kind, OtpKind::Totp { period: 30 });
        assert_eq!(OtpKey::from_uri(&k.to_uri()).unwrap(), k);
    }

    #[test]
    fn labels_with_colons_round_trip() {
        let key = |issuer: Option<&str>, account: Option<&str>| OtpKey {
            key: b"Hello!".to_vec(),
            issuer: issuer.map(str::to_string),
            account: account.map(str::to_string),
            algorithm: Algorithm::Sha1,
            digits: 6,
            kind: OtpKind::Totp { period: 30 },
        };
        for (issuer, account) in [
            (None, Some("a:b")),
            (Some("X:Y"), Some("a")),
            (Some("X:Y"), None),
            (Some("X"), Some("a:b")),
            (Some("X"), None),
            (Some("X"), Some("X")),
            (None, Some("a")),
        ] {
            let k = key(issuer, account);
            assert_eq!(OtpKey::from_uri(&k.to_uri()).unwrap(), k, "{}", k.to_uri());
        }
        // Neither: apps get a name, which reads back as the account.
        let none = OtpKey::from_uri(&key(None, None).to_uri()).unwrap();
        assert_eq!(none, key(None, Some(DEFAULT_URI_LABEL)));
        // An encoded separator, as the Key URI format allows: after the issuer
        // parameter when the label starts with it, else the first colon.
        let k = OtpKey::from_uri("otpauth://totp/X%3AY%3Aa?secret=JBSWY3DP&issuer=X%3AY").unwrap();
        assert_eq!((k.issuer.as_deref(), k.account.as_deref()), (Some("X:Y"), Some("a")));
        let k = OtpKey::from_uri("otpauth://totp/Example%3A%20alice?secret=JBSWY3DP").unwrap();
        assert_eq!((k.issuer.as_deref(), k.account.as_deref()), (Some("Example"), Some("alice")));
    }

    #[test]
    fn uri_errors() {
        assert!(OtpKey::from_uri("https://x").is_err());
        assert!(OtpKey::from_uri("otpauth://totp/x?issuer=a").unwrap_err().to_string().contains("no secret"));
        assert!(OtpKey::from_uri("otpauth://hotp/x?secret=JBSWY3DP").unwrap_err().to_string().contains("counter"));
        assert!(
            OtpKey::from_uri("otpauth://totp/x?secret=JBSWY3DP&digits=12").unwrap_err().to_string().contains("digits")
        );
        assert!(
            OtpKey::from_uri("otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5")
                .unwrap_err()
                .to_string()
                .contains("algorithm")
        );
    }
}
