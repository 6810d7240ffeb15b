//! The verify report: for each set found, which codes read, whether the
//! checksum matches, what the contents are, the fingerprint against the one
//! expected, and the recovery text's health. One [`VerifyReport`] value
//! (serializable) renders both the JSON and the text output.

use serde::Serialize;

use super::open::{Unlock, UnlockError, codes_list, decrypt};
use super::pipeline::{Scanned, TEXT_PLACE, TextHealth};
use crate::assemble::{Outcome, SetReport};
use crate::format::{Fingerprint, PayloadKind, payload};
use crate::protect;

/// The health of every set scanned.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Every set is intact.
    pub intact: bool,
    /// Pages read.
    pub pages: usize,
    pub sets: Vec<SetHealth>,
    /// What the recovery-text reader found on the pages (when it ran).
    pub recovery_text: Option<TextHealth>,
    /// paperseed codes that were not usable, and why.
    pub rejected: Vec<RejectedCode>,
    /// QR codes of other programs.
    pub foreign_codes: usize,
}

/// A code that was not used.
#[derive(Debug, Clone, Serialize)]
pub struct RejectedCode {
    #[serde(rename = "where")]
    pub place: String,
    pub error: String,
}

/// The health of one set.
#[derive(Debug, Clone, Serialize)]
pub struct SetHealth {
    /// Short set id.
    pub set: String,
    pub title: Option<String>,
    pub k: usize,
    pub n: usize,
    /// Codes read with the right contents.
    pub readable: usize,
    pub needed: usize,
    pub may_still_lose: usize,
    pub checksum_ok: bool,
    pub payload_ok: bool,
    pub fingerprint: Option<String>,
    /// Whether the fingerprint is the one expected (when one was).
    pub expect_matches: Option<bool>,
    pub intact: bool,
    pub codes: Vec<CodeHealth>,
    /// A remark on the contents.
    pub contents: Option<String>,
    /// Why the checksum did not match, when it did not.
    #[serde(skip)]
    pub mismatch: Option<Mismatch>,
    /// Codes read with wrong contents.
    #[serde(skip)]
    pub damaged: Vec<u8>,
    /// The set's own recovery text (format v2), when read.
    #[serde(skip)]
    pub text: Option<crate::assemble::TextSeen>,
    /// Codes of this format-v1 set rebuilt from recovery-text lines.
    #[serde(skip)]
    pub v1_codes_from_text: Option<usize>,
    #[serde(skip)]
    pub expected: Option<String>,
}

/// Why a set's checksum did not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    NotEnough,
    Conflicting(Vec<u8>),
    Altered,
}

/// One code of a set.
#[derive(Debug, Clone, Serialize)]
pub struct CodeHealth {
    /// 1-based code number.
    pub code: u8,
    /// `read`, `damaged` or `not found`.
    pub status: &'static str,
    /// Where it was read.
    #[serde(rename = "where")]
    pub places: Vec<String>,
}

/// What could be checked of a set's contents.
struct ContentCheck {
    title: Option<String>,
    ok: bool,
    note: Option<String>,
}

fn check_content(set: &SetReport, unlock: Option<&mut dyn Unlock>) -> Result<ContentCheck, UnlockError> {
    let Outcome::Restored { payload: carried, .. } = &set.outcome else {
        return Ok(ContentCheck { title: None, ok: false, note: None });
    };
    let decode = |plain: &[u8]| match payload::decode(plain) {
        Ok(b) => ContentCheck { title: Some(b.title), ok: true, note: None },
        Err(e) => ContentCheck { title: None, ok: false, note: Some(format!("damaged: {e}")) },
    };
    Ok(match set.set.kind {
        PayloadKind::Sheet => decode(carried),
        PayloadKind::Encrypted => match unlock {
            Some(unlock) => {
                let mut c = decode(&decrypt(carried, unlock)?);
                c.note = c.note.or(Some("encrypted; decrypted with the passphrase and checked".into()));
                c
            }
            None => ContentCheck {
                title: None,
                ok: true,
                note: Some(
                    "encrypted: the codes and their checksum are intact, the contents were not checked (give --passphrase-file to check them too)".into(),
                ),
            },
        },
        PayloadKind::Share => match protect::shares::parse_share(carried) {
            Ok(info) => ContentCheck {
                title: None,
                ok: true,
                note: Some(format!(
                    "share {} of {} (any {} restore){}, split {}; this share is intact; {} more share(s) are needed to restore",
                    info.x,
                    info.n,
                    info.k,
                    info.holder.as_deref().map(|h| format!(", holder: {h}")).unwrap_or_default(),
                    info.split_code(),
                    info.more_needed()
                )),
            },
            Err(e) => ContentCheck { title: None, ok: false, note: Some(format!("damaged share: {e}")) },
        },
    })
}

impl VerifyReport {
    /// Check the sets selected from a scan. `expect`: the fingerprint the
    /// owner noted; `unlock`: a passphrase for encrypted sets, to check their
    /// contents too (without one, their codes and checksum are checked).
    pub fn build(
        scanned: &Scanned,
        sets: &[&SetReport],
        expect: Option<Fingerprint>,
        mut unlock: Option<&mut dyn Unlock>,
    ) -> Result<VerifyReport, UnlockError> {
        let mut out = Vec::new();
        for set in sets {
            let (k, n) = (set.set.k as usize, set.set.n as usize);
            let reborrowed: Option<&mut dyn Unlock> = match &mut unlock {
                Some(u) => Some(&mut **u),
                None => None,
            };
            let content = check_content(set, reborrowed)?;
            let damaged: Vec<u8> = match &set.outcome {
                Outcome::Restored { bad_shards, .. } => bad_shards.clone(),
                _ => Vec::new(),
            };
            let checksum_ok = matches!(set.outcome, Outcome::Restored { .. });
            let readable = set.have() - damaged.len();
            let fingerprint = set.fingerprint();
            let expect_matches = match (expect, fingerprint) {
                (Some(e), Some(f)) => Some(e == f),
                (Some(_), None) => Some(false),
                (None, _) => None,
            };
            let intact = checksum_ok && content.ok && expect_matches != Some(false);
            let codes = (0..set.set.n)
                .map(|i| {
                    let seen = set.shards.get(&i);
                    let status = match seen {
                        Some(_) if damaged.contains(&i) => "damaged",
                        Some(_) => "read",
                        None => "not found",
                    };
                    CodeHealth { code: i + 1, status, places: seen.map(|s| s.sources.clone()).unwrap_or_default() }
                })
                .collect();
            let mismatch = match &set.outcome {
                Outcome::Restored { .. } => None,
                Outcome::Mismatch { conflicting, .. } if !conflicting.is_empty() => {
                    Some(Mismatch::Conflicting(conflicting.clone()))
                }
                Outcome::Mismatch { .. } => Some(Mismatch::Altered),
                Outcome::NotEnough { .. } => Some(Mismatch::NotEnough),
            };
            let v1_codes_from_text = (set.text.is_none() && set.set.version == 1 && scanned.text.is_some())
                .then(|| set.shards.values().filter(|s| s.sources.iter().any(|p| p == TEXT_PLACE)).count());
            out.push(SetHealth {
                set: set.set.short_id(),
                title: content.title,
                k,
                n,
                readable,
                needed: k,
                may_still_lose: readable.saturating_sub(k),
                checksum_ok,
                payload_ok: content.ok,
                fingerprint: fingerprint.map(|f| f.to_string()),
                expect_matches,
                intact,
                codes,
                contents: content.note,
                mismatch,
                damaged,
                text: set.text.clone(),
                v1_codes_from_text,
                expected: expect.map(|e| e.to_string()),
            });
        }
        Ok(VerifyReport {
            intact: !out.is_empty() && out.iter().all(|s| s.intact),
            pages: scanned.pages,
            sets: out,
            recovery_text: scanned.text.clone(),
            rejected: scanned
                .report
                .rejected
                .iter()
                .map(|r| RejectedCode { place: r.source.clone(), error: r.error.to_string() })
                .collect(),
            foreign_codes: scanned.report.foreign.len(),
        })
    }

    /// The report as text, one block per set.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for s in &self.sets {
            text.push_str(&s.to_text(self.recovery_text.as_ref()));
        }
        text
    }
}

impl SetHealth {
    fn to_text(&self, page_text: Option<&TextHealth>) -> String {
        let (k, n, readable) = (self.k, self.n, self.readable);
        let mut text = format!("{} (set {})\n", self.title.as_deref().unwrap_or("paperseed sheet"), self.set);
        text.push_str("  code  status     where\n");
        for c in &self.codes {
            text.push_str(&format!("  {:>5}  {:<9}  {}\n", format!("{}/{n}", c.code), c.status, c.places.join("; ")));
        }
        let margin = if readable >= k {
            format!("{readable} of {n} codes readable, {k} needed: {} more may be lost", readable - k)
        } else if self.checksum_ok {
            format!(
                "{readable} of {n} codes readable, {k} needed: the data was rebuilt only with the help of the recovery text; reprint this sheet"
            )
        } else {
            format!("{readable} of {n} codes readable, {k} needed: {} more must be read to restore", k - readable)
        };
        text.push_str(&format!("  {margin}.\n"));
        text.push_str(&match &self.mismatch {
            None => {
                let mut t = "  Checksum: OK (the rebuilt payload matches its BLAKE3 checksum).\n".to_string();
                if let Some(note) = &self.contents {
                    t.push_str(&format!("  Contents: {note}\n"));
                }
                t
            }
            Some(Mismatch::Conflicting(conflicting)) => format!(
                "  Checksum: MISMATCH: no combination of the codes read matches. Codes with conflicting contents for the same code number were present (forged or misread): code(s) {}.\n",
                codes_list(conflicting)
            ),
            Some(Mismatch::Altered) => "  Checksum: MISMATCH: no combination of the codes read matches.\n".to_string(),
            Some(Mismatch::NotEnough) => "  Checksum: not checked (not enough codes).\n".to_string(),
        });
        if !self.damaged.is_empty() {
            text.push_str(&format!(
                "  Damaged or altered codes (read, but wrong content): {}.\n",
                codes_list(&self.damaged)
            ));
        }
        match (&self.fingerprint, self.expect_matches) {
            (Some(f), Some(true)) => text.push_str(&format!("  Fingerprint: {f} (matches --expect)\n")),
            (Some(f), Some(false)) => text.push_str(&format!(
                "  Fingerprint: {f} DOES NOT MATCH --expect {}\n",
                self.expected.as_deref().unwrap_or("")
            )),
            (Some(f), None) => {
                text.push_str(&format!("  Fingerprint: {f} (compare it with the one printed on the sheet)\n"))
            }
            (None, _) => {}
        }
        if let Some(t) = &self.text {
            text.push_str(&format!(
                "  Recovery text: {} of its {} lines read and checked{}.\n",
                t.lines,
                t.expected,
                if t.conflicts > 0 {
                    format!(", {} read twice with different contents", t.conflicts)
                } else {
                    String::new()
                }
            ));
        } else if let (Some(h), Some(from_text)) = (page_text, self.v1_codes_from_text) {
            text.push_str(&format!(
                "  Recovery text: {} lines read, {} pass their check ({} after correcting a character); {} of the {n} codes' data rebuilt from it.\n",
                h.lines, h.passed, h.repaired, from_text
            ));
        }
        text.push_str(&format!("  Result: {}\n\n", if self.intact { "INTACT" } else { "NOT INTACT" }));
        text
    }
}
