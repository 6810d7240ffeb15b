//! Labels of secrets made from what other apps export: an authenticator
//! key's `Issuer (account)`, names cleaned of control characters and cut to
//! the manifest's limit. Part of the data model, so that a manifest's
//! Google Authenticator `uri` and an import label keys alike.

use std::borrow::Cow;

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

/// Whether `c` is a character a person cannot see where it stands, or one
/// that changes how the text around it reads: format characters (bidi
/// overrides and isolates such as U+202E, zero-width spaces and joiners,
/// U+FEFF, soft hyphens, tags), line and paragraph separators (U+2028,
/// U+2029), invisible fillers, and control characters other than a line
/// break. Spaces of other widths and variation selectors (emoji) are not
/// counted.
pub fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061C}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0001}'
                | '\u{E0020}'..='\u{E007F}'
        )
}

/// The invisible characters in `text` ([`is_invisible`]), each once, in
/// order, as `U+202E`.
pub fn invisible_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in text.chars().filter(|&c| is_invisible(c)) {
        let code = format!("U+{:04X}", c as u32);
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

/// `text` for a terminal: each invisible character ([`is_invisible`]) as a
/// visible marker `<U+202E>`, so that a right-to-left override cannot turn
/// "pay to 1234 5678" around and a zero-width space is seen; line breaks
/// are kept.
pub fn show_invisible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_invisible(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_shown_as_markers() {
        assert_eq!(show_invisible("pay to \u{202E}1234 5678"), "pay to <U+202E>1234 5678");
        assert_eq!(show_invisible("a\u{200B}b\u{FEFF}c\u{2028}d\ne"), "a<U+200B>b<U+FEFF>c<U+2028>d\ne");
        assert!(matches!(show_invisible("Crème brûlée\nà Zürich ❤\u{FE0F}"), Cow::Borrowed(_)));
        assert_eq!(invisible_in("\u{202E}x\u{200B}\u{202E}"), ["U+202E", "U+200B"]);
        assert!(invisible_in("plain text").is_empty());
    }
}
