//! Labels of secrets made from what other apps export: an authenticator
//! key's `Issuer (account)`, names cleaned of control characters and cut to
//! the manifest's limit. Part of the data model, so that a manifest's
//! Google Authenticator `uri` and an import label keys alike.

use super::MAX_SHORT_TEXT;
use super::totp::OtpKey;

/// Label of a key that has neither issuer nor account.
pub const DEFAULT_KEY_LABEL: &str = "Authenticator key";

/// Labels: control characters become spaces, runs of spaces one, at most
/// [`MAX_SHORT_TEXT`] − 6 characters (room for a ` (NNN)` suffix).
pub fn clean_label(label: &str, fallback: &str) -> String {
    let spaced: String = label.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let joined = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    // Cut where it may end in a space: the space goes too.
    let short: String = joined.chars().take(MAX_SHORT_TEXT - 6).collect();
    let short = short.trim_end();
    if short.is_empty() { fallback.to_string() } else { short.to_string() }
}

/// The label of a key: `Issuer (account)`, `Issuer`, `account`, or
/// [`DEFAULT_KEY_LABEL`]; control characters become spaces.
pub fn otp_label(key: &OtpKey) -> String {
    let label = match (key.issuer.as_deref(), key.account.as_deref()) {
        (Some(i), Some(a)) if i != a => format!("{i} ({a})"),
        (Some(i), _) => i.to_string(),
        (None, Some(a)) => a.to_string(),
        (None, None) => DEFAULT_KEY_LABEL.to_string(),
    };
    clean_label(&label, DEFAULT_KEY_LABEL)
}
