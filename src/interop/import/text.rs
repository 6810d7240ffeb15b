//! Text inputs: backup codes one a line, lists of `otpauth://` URIs, a key
//! typed on the command line, a seed phrase (or Standard SeedQR digits).

use std::collections::HashMap;

use super::{Acc, DEFAULT_CODES_LABEL, DEFAULT_MNEMONIC_LABEL, ImportError, entry_err, input_err, stem_label};
use crate::interop::seedqr;
use crate::secret::totp::{self, Algorithm, OtpError, OtpKey, OtpKind};
use crate::secret::{Secret, check_short_text, migration, mnemonic};

impl Acc {
    pub(super) fn otp_arg(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
        let keys = otp_keys_from_arg(text).map_err(|e| input_err(name, e.to_string()))?;
        for (k, key) in keys.into_iter().enumerate() {
            self.key(key, if k == 0 { name.to_string() } else { format!("{name} account {}", k + 1) });
        }
        Ok(())
    }

    pub(super) fn mnemonic_text(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
        let t = text.trim();
        let words = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            seedqr::words_from_standard(t).map_err(|e| input_err(name, format!("as Standard SeedQR digits: {e}")))?
        } else {
            mnemonic::normalize(t).map_err(|e| input_err(name, e))?
        };
        self.push(Secret::Mnemonic { label: stem_label(name, DEFAULT_MNEMONIC_LABEL), words });
        Ok(())
    }

    pub(super) fn codes_text(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
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

    pub(super) fn uri_list(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
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
}

/// Why a key typed on the command line is not one. Messages name the part
/// that is wrong, never the key (at most the one character of it that is not
/// base32).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyArgError {
    /// An `otpauth-migration://` export that does not parse.
    #[error(transparent)]
    Migration(#[from] migration::MigrationError),
    /// An `otpauth://` URI that does not parse.
    #[error(transparent)]
    Uri(OtpError),
    /// Neither URI nor a base32 key.
    #[error("not an otpauth:// URI nor a base32 key: {0}")]
    NotAKey(OtpError),
}

/// Parse one key as typed on a command line: an `otpauth://` URI, an
/// `otpauth-migration://` export, or a bare base32 key (TOTP, SHA1, 6
/// digits, 30 s). Errors say which part is wrong.
pub fn otp_keys_from_arg(arg: &str) -> Result<Vec<OtpKey>, KeyArgError> {
    let arg = arg.trim();
    if migration::is_migration_uri(arg) {
        return Ok(migration::parse_uri(arg)?.keys);
    }
    if arg.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("otpauth:")) {
        return OtpKey::from_uri(arg).map(|k| vec![k]).map_err(KeyArgError::Uri);
    }
    let key = totp::decode_base32(arg).map_err(KeyArgError::NotAKey)?;
    Ok(vec![OtpKey {
        key,
        issuer: None,
        account: None,
        algorithm: Algorithm::Sha1,
        digits: 6,
        kind: OtpKind::Totp { period: 30 },
    }])
}

/// Lines that are neither blank nor `#` comments, trimmed, numbered from 1.
pub(super) fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}
