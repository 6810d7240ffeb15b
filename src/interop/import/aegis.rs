//! Aegis plain (unencrypted) JSON exports: every TOTP and HOTP entry, other
//! kinds skipped with a warning; errors name the entry, never its key.

use serde_json::Value;

use super::{Acc, ImportError, entry_err, input_err};
use crate::secret::totp::{self, Algorithm, OtpError, OtpKey, OtpKind};

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

impl Acc {
    pub(super) fn aegis(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
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
