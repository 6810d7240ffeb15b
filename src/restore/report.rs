//! The verify report: for each set found, which codes read and how much of
//! its QR error correction each read needed, whether the checksum matches,
//! what the contents are, the fingerprint against the one expected, the
//! recovery text's health, and a [`Verdict`]: intact, degraded (restorable,
//! reprint now) or not restorable. Share sheets are also checked together:
//! whether the shares present restore the secrets, and whose are missing.
//! One [`VerifyReport`] value (serializable) renders both the JSON and the
//! text output; [`history`](super::history) keeps a log of checks and shows the trend.

use serde::Serialize;

use super::open::{Unlock, UnlockError, codes_list, decrypt};
use super::pipeline::{Scanned, TEXT_PLACE, TextHealth};
use crate::assemble::{Outcome, SetReport};
use crate::format::Frame;
use crate::format::{Fingerprint, PayloadKind, payload};
use crate::protect;

/// The share of its QR error correction a code's read may need before the
/// code counts as near its limit: calibrated on the degradation benchmark's
/// fade ladder (docs/BENCHMARKS.md, "Error-correction margin"). For the
/// level-H sheets of paperseed 0.2.0-dev, 50% warned one step ahead for 39 of
/// the 41 codes that stopped reading as ink wore off. The default sheets now
/// use levels Q and M, whose blocks correct fewer codewords, so a read's
/// margin climbs in coarser steps: at 50% one of five worn sheets lost a code
/// with no warning the step before (its worst code at 45%, 5 of 11
/// codewords); at 40% every one was DEGRADED first, while no ordinary scan
/// (any resolution, rotation, blur, JPEG, noise, photo) came near it.
pub const NEAR_LIMIT: f32 = 0.4;

/// What a check concludes, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every code read, every recovery-text line given passes, the checksum
    /// matches, the fingerprint is the one expected, no code near its limit.
    Intact,
    /// Restorable, but something is lost or wearing: reprint now.
    Degraded,
    /// Not restorable from what was scanned (or not the backup expected).
    NotRestorable,
}

impl Verdict {
    /// In words, as the text report prints it.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Intact => "INTACT",
            Verdict::Degraded => "DEGRADED, but restorable: reprint this sheet now",
            Verdict::NotRestorable => "NOT INTACT",
        }
    }
}

/// The health of every set scanned.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Every set checked is intact.
    pub intact: bool,
    /// The worst verdict of the sets checked (with `--expect`: of the backup
    /// expected only).
    pub verdict: Verdict,
    /// The fingerprint expected, and whether a backup with it was found.
    pub expect: Option<ExpectCheck>,
    /// Pages read.
    pub pages: usize,
    pub sets: Vec<SetHealth>,
    /// What the recovery-text reader found on the pages (when it ran).
    pub recovery_text: Option<TextHealth>,
    /// paperseed codes that were not usable, and why.
    pub rejected: Vec<RejectedCode>,
    /// QR codes of other programs.
    pub foreign_codes: usize,
    /// Share sheets checked together, by split.
    pub splits: Vec<SplitHealth>,
}

/// What `--expect` found.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectCheck {
    pub fingerprint: String,
    /// A set (or a split of shares) with this fingerprint was found.
    pub found: bool,
}

/// Share sheets of one split, checked together.
#[derive(Debug, Clone, Serialize)]
pub struct SplitHealth {
    /// The split code printed on every share.
    pub split: String,
    pub k: u8,
    pub n: u8,
    /// Shares present (number, holder).
    pub present: Vec<(u8, Option<String>)>,
    /// Shares not present (number, holder).
    pub missing: Vec<(u8, Option<String>)>,
    /// The shares present restore the secrets.
    pub restorable: bool,
    /// The fingerprint of the secrets (what the share sheets print in their
    /// header), when the shares combine and are not encrypted.
    pub fingerprint: Option<String>,
    /// Why they do not combine, when they do not.
    pub problem: Option<String>,
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
    pub verdict: Verdict,
    /// Why the verdict is not intact, in words.
    pub reasons: Vec<String>,
    /// The code whose read needed the most of its error correction.
    pub worst_code: Option<WorstCode>,
    /// With `--expect`: this set is another backup than the one expected
    /// (reported, but not part of the verdict).
    pub other_backup: bool,
    pub codes: Vec<CodeHealth>,
    /// A remark on the contents.
    pub contents: Option<String>,
    /// Why the checksum did not match, when it did not.
    #[serde(skip)]
    pub mismatch: Option<Mismatch>,
    /// Codes read with wrong contents.
    #[serde(skip)]
    pub damaged: Vec<u8>,
    /// Codes read that do not fit the checksummed data although the code
    /// that fits was read too (forged, or another printing): 1-based code
    /// and where each was read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unfit_codes: Vec<UnfitCode>,
    /// The same, in words.
    #[serde(skip)]
    pub unfit_note: Option<String>,
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
    /// How much of its QR error correction the best read needed (0 to 1;
    /// `None` when not read or not measured).
    pub ecc_used: Option<f32>,
}

/// A code read that does not fit the checksummed data.
#[derive(Debug, Clone, Serialize)]
pub struct UnfitCode {
    pub code: u8,
    #[serde(rename = "where")]
    pub places: Vec<String>,
}

/// The code nearest its error-correction limit.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct WorstCode {
    pub code: u8,
    pub ecc_used: f32,
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

/// The best (lowest) error-correction use of each code of `set` among the
/// codes found, by 0-based index.
fn margins(found: &[super::Located], set: &SetReport) -> std::collections::BTreeMap<u8, f32> {
    let mut out = std::collections::BTreeMap::new();
    for l in found {
        let (Some(ecc), Ok(frame)) = (l.ecc, Frame::parse(&l.text)) else { continue };
        if frame.set != set.set || set.shards.get(&frame.index).is_none_or(|s| s.variants.first() != Some(&frame.shard))
        {
            continue;
        }
        let e = out.entry(frame.index).or_insert(ecc.used);
        *e = e.min(ecc.used);
    }
    out
}

fn percent(f: f32) -> u32 {
    (f * 100.0).round() as u32
}

impl VerifyReport {
    /// Check the sets selected from a scan. `expect`: the fingerprint the
    /// owner noted (it names the backup checked: other backups found are
    /// reported but do not count); `unlock`: a passphrase for encrypted sets,
    /// to check their contents too (without one, their codes and checksum
    /// are checked).
    pub fn build(
        scanned: &Scanned,
        sets: &[&SetReport],
        expect: Option<Fingerprint>,
        mut unlock: Option<&mut dyn Unlock>,
    ) -> Result<VerifyReport, UnlockError> {
        let splits = split_health(sets);
        let mut out = Vec::new();
        for set in sets {
            let (k, n) = (set.set.k as usize, set.set.n as usize);
            let reborrowed: Option<&mut dyn Unlock> = match &mut unlock {
                Some(u) => Some(&mut **u),
                None => None,
            };
            let content = check_content(set, reborrowed)?;
            // Damaged: no content read for the code fits. A code whose
            // fitting content was read is read, whatever else was read for it.
            let (damaged, unfit_codes): (Vec<u8>, Vec<UnfitCode>) = match &set.outcome {
                Outcome::Restored { bad_shards, unfit, .. } => (
                    bad_shards.iter().copied().filter(|i| !unfit.iter().any(|(u, _)| u == i)).collect(),
                    unfit.iter().map(|(i, places)| UnfitCode { code: i + 1, places: places.clone() }).collect(),
                ),
                _ => (Vec::new(), Vec::new()),
            };
            let checksum_ok = matches!(set.outcome, Outcome::Restored { .. });
            let readable = set.have() - damaged.len();
            let fingerprint = set.fingerprint();
            // The backup expected: this set, or the split this share belongs to.
            let split_fp =
                (set.set.kind == PayloadKind::Share).then(|| share_split_fingerprint(set, &splits)).flatten();
            let expect_matches = expect.map(|e| Some(e) == fingerprint || Some(e.to_string()) == split_fp);
            let margins = margins(&scanned.found, set);
            let codes: Vec<CodeHealth> = (0..set.set.n)
                .map(|i| {
                    let seen = set.shards.get(&i);
                    let status = match seen {
                        Some(_) if damaged.contains(&i) => "damaged",
                        Some(_) => "read",
                        None => "not found",
                    };
                    CodeHealth {
                        code: i + 1,
                        status,
                        places: seen.map(|s| s.sources.clone()).unwrap_or_default(),
                        ecc_used: margins.get(&i).copied(),
                    }
                })
                .collect();
            let worst_code = codes
                .iter()
                .filter_map(|c| c.ecc_used.map(|e| WorstCode { code: c.code, ecc_used: e }))
                .max_by(|a, b| a.ecc_used.total_cmp(&b.ecc_used));
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
            // The verdict and its reasons.
            let mut reasons = Vec::new();
            let mut verdict = Verdict::Intact;
            if !checksum_ok || !content.ok {
                verdict = Verdict::NotRestorable;
                reasons.push(if checksum_ok {
                    "the contents do not decode".to_string()
                } else {
                    "the data cannot be rebuilt from what was read".to_string()
                });
            }
            if expect_matches == Some(false) && !other_expected(expect, sets, &splits) {
                verdict = Verdict::NotRestorable;
                reasons.push("the fingerprint is not the one expected".into());
            }
            let lost: Vec<u8> = codes.iter().filter(|c| c.status != "read").map(|c| c.code - 1).collect();
            if verdict == Verdict::Intact {
                if !lost.is_empty() {
                    reasons.push(format!("code(s) {} not read or damaged", codes_list(&lost)));
                }
                if readable < k && (set.text.is_some() || v1_codes_from_text.is_some()) {
                    reasons.push("the data was rebuilt only with the help of the recovery text".into());
                }
                if !unfit_codes.is_empty() {
                    reasons.push(format!(
                        "{} code(s) read do not fit the checksummed data (forged, or another printing)",
                        unfit_codes.len()
                    ));
                }
                if let Some(t) = set.text.as_ref().filter(|t| t.lines < t.expected) {
                    reasons.push(format!(
                        "{} of the recovery text's {} lines did not read",
                        t.expected - t.lines,
                        t.expected
                    ));
                }
                if let Some(w) = worst_code.filter(|w| w.ecc_used >= NEAR_LIMIT) {
                    reasons.push(format!(
                        "code {} needed {}% of its error correction: its ink is fading (rescan flat at 300 dpi to rule out a poor scan)",
                        w.code,
                        percent(w.ecc_used)
                    ));
                }
                if !reasons.is_empty() {
                    verdict = Verdict::Degraded;
                }
            }
            let other_backup = expect_matches == Some(false) && other_expected(expect, sets, &splits);
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
                expect_matches: if other_backup { None } else { expect_matches },
                intact: verdict == Verdict::Intact,
                verdict,
                reasons,
                worst_code,
                other_backup,
                codes,
                contents: content.note,
                mismatch,
                damaged,
                unfit_codes,
                unfit_note: set.unfit_note(),
                text: set.text.clone(),
                v1_codes_from_text,
                expected: expect.map(|e| e.to_string()),
            });
        }
        let counted: Vec<&SetHealth> = out.iter().filter(|s| !s.other_backup).collect();
        let mut verdict = counted.iter().map(|s| s.verdict).max().unwrap_or(Verdict::NotRestorable);
        let expect_check = expect.map(|e| ExpectCheck {
            fingerprint: e.to_string(),
            found: out.iter().any(|s| s.expect_matches == Some(true)),
        });
        if expect_check.as_ref().is_some_and(|c| !c.found) {
            verdict = Verdict::NotRestorable;
        }
        Ok(VerifyReport {
            intact: verdict == Verdict::Intact,
            verdict,
            expect: expect_check,
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
            splits,
        })
    }

    /// The report as text, one block per set, then the splits of shares.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for s in &self.sets {
            text.push_str(&s.to_text(self.recovery_text.as_ref()));
        }
        for sp in &self.splits {
            text.push_str(&sp.to_text());
        }
        if let Some(e) = self.expect.as_ref().filter(|e| !e.found) {
            text.push_str(&format!(
                "No backup with the fingerprint {} was found among these scans (--expect): the sets above are other backups.\n\n",
                e.fingerprint
            ));
        }
        text
    }
}

/// Whether, with `expect`, some other set or split than this one is the
/// backup expected (so this one is just another backup in the scans).
fn other_expected(expect: Option<Fingerprint>, sets: &[&SetReport], splits: &[SplitHealth]) -> bool {
    let Some(e) = expect else { return false };
    sets.iter().any(|s| s.fingerprint() == Some(e)) || splits.iter().any(|sp| sp.fingerprint == Some(e.to_string()))
}

/// The fingerprint of the secrets of the split a share set belongs to.
fn share_split_fingerprint(set: &SetReport, splits: &[SplitHealth]) -> Option<String> {
    let Outcome::Restored { payload, .. } = &set.outcome else { return None };
    let info = protect::shares::parse_share(payload).ok()?;
    splits.iter().find(|s| s.split == info.split_code()).and_then(|s| s.fingerprint.clone())
}

/// The share sets among `sets`, checked together by split.
fn split_health(sets: &[&SetReport]) -> Vec<SplitHealth> {
    let payloads: Vec<&Vec<u8>> = sets
        .iter()
        .filter(|s| s.set.kind == PayloadKind::Share)
        .filter_map(|s| match &s.outcome {
            Outcome::Restored { payload, .. } => Some(payload),
            _ => None,
        })
        .collect();
    if payloads.is_empty() {
        return Vec::new();
    }
    let Ok(groups) = protect::shares::group(&payloads) else { return Vec::new() };
    groups
        .iter()
        .map(|g| {
            let combined = g.combine();
            let fingerprint = match &combined {
                Ok(c) if c.inner_kind == protect::shares::InnerKind::Sheet => {
                    Some(Fingerprint::of(&c.payload).to_string())
                }
                _ => None,
            };
            SplitHealth {
                split: g.code(),
                k: g.k,
                n: g.n,
                present: g.present(),
                missing: g.missing(),
                restorable: combined.is_ok(),
                fingerprint,
                problem: combined.err().map(|e| e.to_string()),
            }
        })
        .collect()
}

fn holders_list(shares: &[(u8, Option<String>)]) -> String {
    shares
        .iter()
        .map(|(x, h)| match h {
            Some(h) => format!("share {x} ({h})"),
            None => format!("share {x}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl SplitHealth {
    fn to_text(&self) -> String {
        let mut t = format!(
            "Shares of split {} (any {} of {} restore)\n  Present: {}.\n",
            self.split,
            self.k,
            self.n,
            holders_list(&self.present)
        );
        if self.restorable {
            t.push_str("  Together they restore the secrets");
            match &self.fingerprint {
                Some(f) => t.push_str(&format!(
                    ": fingerprint of the secrets {f} (compare it with the one printed on the share sheets).\n"
                )),
                None => t.push_str(" (encrypted: the passphrase opens them).\n"),
            }
        } else if self.present.len() < usize::from(self.k) {
            t.push_str(&format!(
                "  {} more share(s) needed to restore, from: {}.\n",
                usize::from(self.k) - self.present.len(),
                holders_list(&self.missing)
            ));
        } else if let Some(p) = &self.problem {
            t.push_str(&format!("  They do not combine: {p}.\n"));
        }
        t.push('\n');
        t
    }
}

impl SetHealth {
    fn to_text(&self, page_text: Option<&TextHealth>) -> String {
        let (k, n, readable) = (self.k, self.n, self.readable);
        let mut text = format!("{} (set {})\n", self.title.as_deref().unwrap_or("paperseed sheet"), self.set);
        if self.other_backup {
            text.push_str("  (another backup than the one expected: reported, not part of the result)\n");
        }
        text.push_str("  code  status     ecc used  where\n");
        for c in &self.codes {
            let ecc = c.ecc_used.map(|e| format!("{}%", percent(e))).unwrap_or_else(|| "-".into());
            text.push_str(&format!(
                "  {:>5}  {:<9}  {:>8}  {}\n",
                format!("{}/{n}", c.code),
                c.status,
                ecc,
                c.places.join("; ")
            ));
        }
        let margin = if readable >= k {
            format!("{readable} of {n} codes readable, {k} needed: {} more may be lost", readable - k)
        } else if self.checksum_ok && (self.text.is_some() || self.v1_codes_from_text.is_some()) {
            format!(
                "{readable} of {n} codes readable, {k} needed: the data was rebuilt only with the help of the recovery text; reprint this sheet"
            )
        } else if self.checksum_ok {
            format!("{readable} of {n} codes readable, {k} needed")
        } else {
            format!("{readable} of {n} codes readable, {k} needed: {} more must be read to restore", k - readable)
        };
        text.push_str(&format!("  {margin}.\n"));
        if let Some(w) = self.worst_code.filter(|w| w.ecc_used == 0.0) {
            let _ = w;
            text.push_str("  Error correction: no code read needed any of its error correction.\n");
        } else if let Some(w) = self.worst_code {
            text.push_str(&format!(
                "  Error correction: the worst code, {}, needed {}% of its error correction ({}% or more: near its limit).\n",
                w.code,
                percent(w.ecc_used),
                percent(NEAR_LIMIT)
            ));
        }
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
        if let Some(note) = &self.unfit_note {
            text.push_str(&format!("  Codes that do not fit: {note}.\n"));
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
        } else if page_text.is_some() {
            text.push_str(
                "  Recovery text: none of this sheet's lines were read (it is on a page not given, or was not printed).\n",
            );
        }
        text.push_str(&format!("  Result: {}", self.verdict.label()));
        if !self.reasons.is_empty() {
            text.push_str(&format!(": {}", self.reasons.join("; ")));
        }
        text.push_str(".\n\n");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restore::{Located, Scanned, assemble_with_text};

    /// A report of the sample sheet's codes, with code 2's read needing `used`.
    fn report_with(used: f32) -> VerifyReport {
        let backup = crate::secret::Backup {
            title: "T".into(),
            secrets: vec![crate::secret::Secret::Note { label: "n".into(), text: "hi".into() }],
            emergency: None,
        };
        let opts = crate::EncodeOptions { date: "2026-01-01".into(), ..Default::default() };
        let encoded = crate::encode(&backup, &opts).unwrap();
        let ecc = |u: f32| crate::scan::EccUsage { used: u, worst_block: 0, capacity: 1, corrected: 0, blocks: 1 };
        let found: Vec<Located> = encoded
            .frames
            .iter()
            .enumerate()
            .map(|(i, t)| Located {
                text: t.clone(),
                bytes: Vec::new(),
                place: format!("p{i}"),
                ecc: Some(ecc(if i == 1 { used } else { 0.0 })),
            })
            .collect();
        let report = assemble_with_text(&found, &[]);
        let scanned = Scanned { found, report, pages: 1, text: None, words: Vec::new(), lines: Vec::new() };
        let sets: Vec<&SetReport> = scanned.report.sets.iter().collect();
        VerifyReport::build(&scanned, &sets, None, None).unwrap()
    }

    #[test]
    fn a_code_near_its_limit_makes_the_sheet_degraded() {
        let fine = report_with(0.25);
        assert_eq!(fine.verdict, Verdict::Intact);
        assert_eq!(fine.sets[0].worst_code.map(|w| w.code), Some(2));
        let worn = report_with(0.55);
        assert_eq!(worn.verdict, Verdict::Degraded);
        let text = worn.to_text();
        assert!(text.contains("code 2 needed 55% of its error correction: its ink is fading"), "{text}");
        assert!(text.contains("Result: DEGRADED"), "{text}");
        assert_eq!(report_with(NEAR_LIMIT).verdict, Verdict::Degraded, "the threshold itself counts");
    }
}
