//! The emergency guide: an optional `[emergency]` manifest table turned into
//! plain-language text for an emergency page and a wallet-size card.
//!
//! Why: the person who finds a share or a sheet in a crisis (a spouse when the
//! owner is in hospital, an heir) needs to know, in words, whom to call, what
//! to do after 48 hours without news or after a death, what never to do
//! (scammers pose as support), and where the other shares are. The manifest
//! parser hands the table over as it is ([`Emergency::from_toml_table`]); the
//! sheet renders [`Emergency::lines`] and [`Emergency::card`].
//!
//! ```toml
//! [emergency]
//! holder = "José García"                  # whose accounts these are
//! account = "Binance"
//! uid = "123456789"
//! contact = ["Ana García (wife), +34 600 000 000", "Notary Ruiz, +34 910 000 000"]
//! if_unreachable_48h = "Call Ana. Ask the exchange to freeze the account."
//! after_death = "Ana and the notary together restore the sheet and move the funds."
//! never_do = "Never sell in a hurry."         # added to the built-in warnings
//! where_are_shares = ["1: Ana, home safe", "2: parents", "3: Notary Ruiz"]
//! ```
//! Every field is optional but the table must not be empty; a field is text
//! (line breaks allowed where it says "lines") or an array of texts.

/// Most characters in a one-line field.
pub const MAX_SHORT: usize = 200;
/// Most characters in a field of several lines (all lines together).
pub const MAX_LONG: usize = 2000;

/// Why an `[emergency]` table is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmergencyError {
    #[error("[emergency] {0} is not in its normal form (spaces around it, or blank first or last lines)")]
    NotNormal(&'static str),
    #[error("[emergency] has an unknown field {0:?}; known fields: {KNOWN}")]
    UnknownField(String),
    #[error("[emergency] {0} must be text or an array of texts")]
    NotText(&'static str),
    #[error("[emergency] {0} must be a single line of text")]
    NotOneLine(&'static str),
    #[error("[emergency] {field} contains the control character U+{code:04X}")]
    Control { field: &'static str, code: u32 },
    #[error("[emergency] {field} is {len} characters; at most {max} are allowed")]
    TooLong { field: &'static str, len: usize, max: usize },
    #[error("[emergency] is empty: give at least a contact or instructions, or leave the table out")]
    Empty,
}

const KNOWN: &str = "holder, account, uid, contact, if_unreachable_48h, after_death, never_do, where_are_shares";

/// Warnings printed on every emergency page, before the owner's own.
pub const NEVER: [&str; 3] = [
    "Never give these codes, keys or this paper (or a photo of it) to anyone who contacts you, \
     even if they say they are support, the bank, the police or a lawyer. Real support never asks for them.",
    "Never type them into a website reached from a link in an e-mail, text message or chat.",
    "Never photograph, scan or e-mail this paper except to restore it yourself.",
];

/// The validated `[emergency]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Emergency {
    /// Whose accounts these are (one line).
    pub holder: Option<String>,
    /// The account or service (one line).
    pub account: Option<String>,
    /// The account's UID or user name (one line).
    pub uid: Option<String>,
    /// Emergency contacts, one a line.
    pub contact: Vec<String>,
    /// What to do if the holder cannot be reached for 48 hours (lines).
    pub if_unreachable_48h: Vec<String>,
    /// What to do after the holder's death (lines).
    pub after_death: Vec<String>,
    /// The holder's own "never do" rules, after [`NEVER`] (lines).
    pub never_do: Vec<String>,
    /// Where the other shares (or copies) are (lines).
    pub where_are_shares: Vec<String>,
}

fn check(field: &'static str, s: &str, multi_line: bool) -> Result<(), EmergencyError> {
    if let Some(c) = s.chars().find(|&c| c.is_control() && !(multi_line && c == '\n')) {
        return Err(if c == '\n' {
            EmergencyError::NotOneLine(field)
        } else {
            EmergencyError::Control { field, code: c as u32 }
        });
    }
    Ok(())
}

fn lines_of(field: &'static str, v: &toml::Value) -> Result<Vec<String>, EmergencyError> {
    let texts: Vec<&str> = match v {
        toml::Value::String(s) => vec![s],
        toml::Value::Array(items) => {
            items.iter().map(|i| i.as_str().ok_or(EmergencyError::NotText(field))).collect::<Result<_, _>>()?
        }
        _ => return Err(EmergencyError::NotText(field)),
    };
    let mut out = Vec::new();
    let mut total = 0;
    for t in texts {
        check(field, t, true)?;
        total += t.chars().count();
        out.extend(t.trim_end().lines().map(|l| l.trim_end().to_string()));
    }
    if total > MAX_LONG {
        return Err(EmergencyError::TooLong { field, len: total, max: MAX_LONG });
    }
    // Drop leading and trailing blank lines.
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let first = out.iter().position(|l| !l.is_empty()).unwrap_or(out.len());
    Ok(out.split_off(first))
}

fn line_of(field: &'static str, v: &toml::Value) -> Result<Option<String>, EmergencyError> {
    let s = v.as_str().ok_or(EmergencyError::NotText(field))?;
    check(field, s, false)?;
    let n = s.chars().count();
    if n > MAX_SHORT {
        return Err(EmergencyError::TooLong { field, len: n, max: MAX_SHORT });
    }
    let s = s.trim();
    Ok((!s.is_empty()).then(|| s.to_string()))
}

impl Emergency {
    /// Check a guide that did not come from a manifest (a decoded payload):
    /// the same limits, and the normal form [`Emergency::from_toml_table`]
    /// produces (trimmed one-line fields, lines without trailing spaces, no
    /// blank first or last line), so that a reprint gives the same bytes.
    pub fn validate(&self) -> Result<(), EmergencyError> {
        for (field, v) in [("holder", &self.holder), ("account", &self.account), ("uid", &self.uid)] {
            if let Some(s) = v {
                check(field, s, false)?;
                if s.chars().count() > MAX_SHORT {
                    return Err(EmergencyError::TooLong { field, len: s.chars().count(), max: MAX_SHORT });
                }
                if s.trim() != s || s.is_empty() {
                    return Err(EmergencyError::NotNormal(field));
                }
            }
        }
        for (field, lines) in self.lists() {
            let mut total = 0;
            for l in lines {
                check(field, l, false)?;
                total += l.chars().count();
                if l.trim_end() != l {
                    return Err(EmergencyError::NotNormal(field));
                }
            }
            if total > MAX_LONG {
                return Err(EmergencyError::TooLong { field, len: total, max: MAX_LONG });
            }
            if lines.first().is_some_and(|l| l.is_empty()) || lines.last().is_some_and(|l| l.is_empty()) {
                return Err(EmergencyError::NotNormal(field));
            }
        }
        if *self == Emergency::default() {
            return Err(EmergencyError::Empty);
        }
        Ok(())
    }

    /// The multi-line fields, with their manifest names, in payload order.
    pub fn lists(&self) -> [(&'static str, &Vec<String>); 5] {
        [
            ("contact", &self.contact),
            ("if_unreachable_48h", &self.if_unreachable_48h),
            ("after_death", &self.after_death),
            ("never_do", &self.never_do),
            ("where_are_shares", &self.where_are_shares),
        ]
    }

    /// Mutable access to the multi-line fields, in the order of [`Emergency::lists`].
    pub fn lists_mut(&mut self) -> [&mut Vec<String>; 5] {
        [
            &mut self.contact,
            &mut self.if_unreachable_48h,
            &mut self.after_death,
            &mut self.never_do,
            &mut self.where_are_shares,
        ]
    }

    /// Read and validate the `[emergency]` table (the table itself, not the
    /// whole manifest). Unknown fields are errors, so a typo is not silently
    /// left off the page.
    pub fn from_toml_table(table: &toml::Table) -> Result<Emergency, EmergencyError> {
        let mut e = Emergency::default();
        for (key, value) in table {
            match key.as_str() {
                "holder" => e.holder = line_of("holder", value)?,
                "account" => e.account = line_of("account", value)?,
                "uid" => e.uid = line_of("uid", value)?,
                "contact" => e.contact = lines_of("contact", value)?,
                "if_unreachable_48h" => e.if_unreachable_48h = lines_of("if_unreachable_48h", value)?,
                "after_death" => e.after_death = lines_of("after_death", value)?,
                "never_do" => e.never_do = lines_of("never_do", value)?,
                "where_are_shares" => e.where_are_shares = lines_of("where_are_shares", value)?,
                other => return Err(EmergencyError::UnknownField(other.to_string())),
            }
        }
        if e == Emergency::default() {
            return Err(EmergencyError::Empty);
        }
        Ok(e)
    }

    fn who(&self) -> &str {
        self.holder.as_deref().unwrap_or("the owner")
    }

    fn account_line(&self) -> Option<String> {
        match (&self.account, &self.uid) {
            (Some(a), Some(u)) => Some(format!("{a} (UID {u})")),
            (Some(a), None) => Some(a.clone()),
            (None, Some(u)) => Some(format!("UID {u}")),
            (None, None) => None,
        }
    }

    /// The emergency page: (heading, lines) in reading order, in plain
    /// language. Lines are not wrapped; empty sections are left out.
    pub fn lines(&self) -> Vec<(String, Vec<String>)> {
        let who = self.who();
        let mut what = vec![format!(
            "This page belongs with a paper backup of the account recovery codes of {who}. \
             It says what to do if {who} cannot act."
        )];
        if let Some(a) = self.account_line() {
            what.push(format!("Account: {a}"));
        }
        let sections = [
            ("What this is".to_string(), what),
            ("Emergency contact".to_string(), self.contact.clone()),
            (format!("If {who} cannot be reached for 48 hours"), self.if_unreachable_48h.clone()),
            (format!("After the death of {who}"), self.after_death.clone()),
            ("Never".to_string(), NEVER.iter().map(|s| s.to_string()).chain(self.never_do.iter().cloned()).collect()),
            ("Where the other shares are".to_string(), self.where_are_shares.clone()),
        ];
        sections.into_iter().filter(|(_, lines)| !lines.is_empty()).collect()
    }

    /// A wallet-size card (about 85 × 54 mm): whose, which account, whom to
    /// call, and the one warning that matters most.
    pub fn card(&self) -> Vec<(String, Vec<String>)> {
        let mut card = Vec::new();
        let mut who = Vec::new();
        if let Some(h) = &self.holder {
            who.push(h.clone());
        }
        if let Some(a) = self.account_line() {
            who.push(a);
        }
        if !who.is_empty() {
            card.push(("In an emergency".to_string(), who));
        }
        if !self.contact.is_empty() {
            card.push(("Call".to_string(), self.contact.clone()));
        }
        card.push((
            "Warning".to_string(),
            vec![
                "A paper backup of these accounts exists.".to_string(),
                "Never give its codes to anyone claiming to be support.".to_string(),
            ],
        ));
        card
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Emergency, EmergencyError> {
        let doc: toml::Table = text.parse().unwrap();
        Emergency::from_toml_table(doc["emergency"].as_table().unwrap())
    }

    #[test]
    fn full_table() {
        let e = parse(
            r#"[emergency]
holder = "José García"
account = "Binance"
uid = "123456789"
contact = ["Ana García (wife), +34 600 000 000", "Notary Ruiz"]
if_unreachable_48h = """
Call Ana.
Ask the exchange to freeze the account.
"""
after_death = "Ana and the notary restore the sheet together."
never_do = "Never sell in a hurry."
where_are_shares = ["1: Ana, home safe", "2: parents", "3: Notary Ruiz"]
"#,
        )
        .unwrap();
        assert_eq!(e.if_unreachable_48h, ["Call Ana.", "Ask the exchange to freeze the account."]);
        let lines = e.lines();
        let headings: Vec<&str> = lines.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(
            headings,
            [
                "What this is",
                "Emergency contact",
                "If José García cannot be reached for 48 hours",
                "After the death of José García",
                "Never",
                "Where the other shares are"
            ]
        );
        assert!(lines[0].1[1].contains("Binance (UID 123456789)"));
        assert_eq!(lines[4].1.len(), NEVER.len() + 1);
        let card = e.card();
        assert_eq!(card[0].1, ["José García", "Binance (UID 123456789)"]);
        assert_eq!(card[1].0, "Call");
    }

    #[test]
    fn minimal_and_errors() {
        let e = parse("[emergency]\ncontact = \"Ana\"\n").unwrap();
        assert_eq!(e.lines()[0].1[0].matches("the owner").count(), 2);
        assert_eq!(e.lines().len(), 3); // what, contact, never
        assert_eq!(parse("[emergency]\n").unwrap_err(), EmergencyError::Empty);
        assert_eq!(
            parse("[emergency]\ncontakt = \"Ana\"\n").unwrap_err(),
            EmergencyError::UnknownField("contakt".into())
        );
        assert_eq!(parse("[emergency]\nholder = 3\n").unwrap_err(), EmergencyError::NotText("holder"));
        assert_eq!(parse("[emergency]\ncontact = [\"a\", 1]\n").unwrap_err(), EmergencyError::NotText("contact"));
        assert_eq!(parse("[emergency]\nholder = \"a\\nb\"\n").unwrap_err(), EmergencyError::NotOneLine("holder"));
        assert_eq!(
            parse("[emergency]\nafter_death = \"a\\tb\"\n").unwrap_err(),
            EmergencyError::Control { field: "after_death", code: 9 }
        );
        let long = "x".repeat(MAX_SHORT + 1);
        assert!(matches!(parse(&format!("[emergency]\nuid = \"{long}\"\n")), Err(EmergencyError::TooLong { .. })));
        assert_eq!(parse("[emergency]\nholder = \"  \"\n").unwrap_err(), EmergencyError::Empty);
    }
}
