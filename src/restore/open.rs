//! The opening half of a restore: from rebuilt sets to backups. Plain sets
//! are decoded; encrypted ones are decrypted with a passphrase the caller
//! provides (the library never prompts); shares are grouped by split and
//! combined. What cannot be restored is a typed [`Problem`] saying what and
//! where, with a separate hint.

use zeroize::Zeroizing;

use super::Restored;
use super::pipeline::Scanned;
use crate::assemble::{Outcome, Report, SetReport};
use crate::format::{Fingerprint, Frame, PayloadKind, payload};
use crate::interop::seedqr;
use crate::protect::{self, ProtectError, SecretString};
use crate::secret::{Backup, Secret};

/// Gives the passphrase of an encrypted sheet when one is needed: a prompt,
/// a file, a test's constant. Asked at most once per set.
pub trait Unlock {
    /// The passphrase, or why there is none.
    fn passphrase(&mut self) -> Result<SecretString, UnlockError>;
}

/// A passphrase provider for sets that need none: asking for one is an error.
pub struct NoPassphrase;

impl Unlock for NoPassphrase {
    fn passphrase(&mut self) -> Result<SecretString, UnlockError> {
        Err(UnlockError::Unavailable("the sheet is encrypted and no passphrase was given".into()))
    }
}

/// Why an encrypted payload could not be opened. Stops the whole restore:
/// nothing is printed or written for any set.
#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    #[error(
        "wrong passphrase: the sheet's codes are intact, but this passphrase does not open them; nothing was written"
    )]
    WrongPassphrase,
    #[error("cannot decrypt: {0}")]
    Decrypt(ProtectError),
    /// The provider has no passphrase to give (its message).
    #[error("{0}")]
    Unavailable(String),
}

/// Decrypt an age payload with the provider's passphrase.
pub fn decrypt(age: &[u8], unlock: &mut dyn Unlock) -> Result<Zeroizing<Vec<u8>>, UnlockError> {
    let pass = unlock.passphrase()?;
    match protect::passphrase::decrypt(age, &pass) {
        Ok(plain) => Ok(plain),
        Err(ProtectError::WrongPassphrase) => Err(UnlockError::WrongPassphrase),
        Err(e) => Err(UnlockError::Decrypt(e)),
    }
}

/// Why a set (or a split of shares, or the whole scan) gives no backup.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Problem {
    #[error("no usable paperseed code found on {pages} page(s){}", nothing_detail(.rejected, .first_rejection, .foreign))]
    NothingFound { pages: usize, rejected: usize, first_rejection: Option<String>, foreign: usize },
    #[error("set {set}: {have} of {n} codes read (codes {}); {k} are needed, {} more", codes_list(.read), .k - .have)]
    NotEnough { set: String, have: usize, n: u8, k: usize, read: Vec<u8>, missing: Vec<u8> },
    #[error(
        "set {set}: {have} codes were read but no combination of {k} matches the checksum ({tried} tried). Codes with conflicting contents for the same code number were present (forged or misread): code(s) {}",
        codes_list(.conflicting)
    )]
    Conflicting { set: String, have: usize, k: u8, tried: usize, conflicting: Vec<u8> },
    #[error(
        "set {set}: {have} codes were read but no combination of {k} matches the checksum ({tried} tried): codes are misread or were altered"
    )]
    Mismatch { set: String, have: usize, k: u8, tried: usize },
    #[error("set {set}: the checksum matches but {error}")]
    Undecodable { set: String, error: String },
    #[error("shares: {0}")]
    Shares(String),
    #[error("split {split}: {error}")]
    Split { split: String, error: String },
    #[error("split {split}: the shares combine but {error}")]
    SplitUndecodable { split: String, error: String },
    #[error("{0} typed share word list(s) belong to no share sheet read")]
    UnmatchedWords(usize),
    #[error("no backup matches {choice:?}; found sets {}", .found.join(", "))]
    NoSuchSet { choice: String, found: Vec<String> },
}

fn nothing_detail(rejected: &usize, first: &Option<String>, foreign: &usize) -> String {
    match first {
        Some(e) => format!(" ({rejected} unusable: {e})"),
        None if *foreign > 0 => format!(" ({foreign} QR code(s) from other programs; -v lists them)"),
        None => String::new(),
    }
}

impl Problem {
    /// What to do about it, when there is something to do.
    pub fn hint(&self) -> Option<String> {
        match self {
            Problem::NothingFound { .. } => Some(
                "scan the whole sheet flat at 300 dpi, or photograph it in good light with every code sharp, and try again; several files can be given at once.".into(),
            ),
            Problem::NotEnough { missing, .. } => Some(format!(
                "missing codes {}. Rescan at 300 dpi or add another photo of the sheet (or of its other pages); all photos can be given together.",
                codes_list(missing)
            )),
            Problem::Conflicting { .. } => Some(
                "scan only the genuine sheet, on its own; if the codes of one sheet conflict, the sheet may have been tampered with.".into(),
            ),
            Problem::NoSuchSet { .. } => Some("choose a set id or fingerprint from those found.".into()),
            Problem::UnmatchedWords(_) => Some(
                "share words hold only the key: type (or scan) one share sheet's recovery text too, from the same split.".into(),
            ),
            Problem::Mismatch { .. } => Some(
                "rescan the sheet at a higher resolution; if it persists, the sheet may have been tampered with.".into(),
            ),
            _ => None,
        }
    }
}

/// Code numbers (0-based indices) as people count them: `1, 4, 5`.
pub fn codes_list(indices: &[u8]) -> String {
    indices.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
}

/// Why nothing was found on the pages scanned.
pub fn nothing_found(scanned: &Scanned) -> Problem {
    Problem::NothingFound {
        pages: scanned.pages,
        rejected: scanned.report.rejected.len(),
        first_rejection: scanned.report.rejected.first().map(|r| r.error.to_string()),
        foreign: scanned.report.foreign.len(),
    }
}

/// Why a set was not rebuilt (`None` when it was).
pub fn set_problem(set: &SetReport) -> Option<Problem> {
    let (k, n) = (set.set.k, set.set.n);
    let id = set.set.short_id();
    Some(match &set.outcome {
        Outcome::NotEnough { have } => Problem::NotEnough {
            set: id,
            have: *have,
            n,
            k: k as usize,
            read: set.shards.keys().copied().collect(),
            missing: set.missing(),
        },
        Outcome::Mismatch { tried, conflicting } if !conflicting.is_empty() => {
            Problem::Conflicting { set: id, have: set.have(), k, tried: *tried, conflicting: conflicting.clone() }
        }
        Outcome::Mismatch { tried, .. } => Problem::Mismatch { set: id, have: set.have(), k, tried: *tried },
        Outcome::Restored { .. } => return None,
    })
}

/// Whether `set` is the one a choice names (its set id prefix or its
/// fingerprint); no choice selects every set.
pub fn selected(set: &SetReport, choice: Option<&str>) -> bool {
    let Some(choice) = choice else { return true };
    let c = choice.trim().to_ascii_lowercase();
    if !c.is_empty() && set.set.short_id().starts_with(&c) {
        return true;
    }
    matches!((Fingerprint::parse(choice), set.fingerprint()), (Some(a), Some(b)) if a == b)
}

/// The sets a choice selects (see [`selected`]).
pub fn select<'a>(report: &'a Report, choice: Option<&str>) -> Vec<&'a SetReport> {
    report.sets.iter().filter(|s| selected(s, choice)).collect()
}

/// One restored backup and how it was found.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The set id, `split CODE` for shares, `None` for codes without a
    /// checksum (SeedQR).
    pub set_id: Option<String>,
    /// How it was restored, in words.
    pub status: String,
    pub restored: Restored,
}

/// What opening the sets gave.
#[derive(Debug, Default)]
pub struct Opening {
    pub restored: Vec<Opened>,
    pub problems: Vec<Problem>,
}

/// Open every set: decode plain sets, decrypt encrypted ones with `unlock`,
/// combine shares by split. A failed decryption stops everything.
pub fn open_sets(
    sets: &[&SetReport],
    words: &[crate::protect::slip39::Share],
    unlock: &mut dyn Unlock,
) -> Result<Opening, UnlockError> {
    let mut out = Opening::default();
    let mut share_payloads: Vec<Vec<u8>> = Vec::new();
    for set in sets {
        let Outcome::Restored { payload: carried, .. } = &set.outcome else {
            out.problems.extend(set_problem(set));
            continue;
        };
        let status = format!(
            "{} of {} codes read, any {} restore; checksum OK; fingerprint {}",
            set.have(),
            set.set.n,
            set.set.k,
            Fingerprint::of(carried)
        );
        let plain = match set.set.kind {
            PayloadKind::Sheet => Zeroizing::new(carried.clone()),
            PayloadKind::Encrypted => decrypt(carried, unlock)?,
            PayloadKind::Share => {
                share_payloads.push(carried.clone());
                continue;
            }
        };
        match payload::decode(&plain) {
            Ok(backup) => out.restored.push(Opened {
                set_id: Some(set.set.short_id()),
                status,
                restored: Restored { backup, fingerprint: Fingerprint::of(carried) },
            }),
            Err(e) => out.problems.push(Problem::Undecodable { set: set.set.short_id(), error: e.to_string() }),
        }
    }
    if share_payloads.is_empty() {
        if !words.is_empty() {
            out.problems.push(Problem::UnmatchedWords(words.len()));
        }
        return Ok(out);
    }
    let groups = match protect::shares::group_with_words(&share_payloads, words) {
        Ok((g, unmatched)) => {
            if unmatched > 0 {
                out.problems.push(Problem::UnmatchedWords(unmatched));
            }
            g
        }
        Err(e) => {
            out.problems.push(Problem::Shares(e.to_string()));
            return Ok(out);
        }
    };
    for g in groups {
        let combined = match g.combine() {
            Ok(c) => c,
            Err(e) => {
                out.problems.push(Problem::Split { split: g.code(), error: e.to_string() });
                continue;
            }
        };
        let plain = match combined.inner_kind {
            protect::shares::InnerKind::Sheet => combined.payload.clone(),
            protect::shares::InnerKind::Age => decrypt(&combined.payload, unlock)?,
        };
        match payload::decode(&plain) {
            Ok(backup) => out.restored.push(Opened {
                set_id: Some(format!("split {}", g.code())),
                status: format!(
                    "shares {} of {} combined (any {} restore)",
                    combined.used.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
                    combined.n,
                    combined.k
                ),
                restored: Restored { fingerprint: Fingerprint::of(&plain), backup },
            }),
            Err(e) => out.problems.push(Problem::SplitUndecodable { split: g.code(), error: e.to_string() }),
        }
    }
    Ok(out)
}

/// SeedQR codes among the codes read that are not paperseed's, as a backup
/// (they carry no checksum).
pub fn seedqr_backup(found: &[super::Located]) -> Option<Backup> {
    let mut secrets: Vec<Secret> = Vec::new();
    for code in found {
        if Frame::parse(&code.text).is_ok() {
            continue;
        }
        let words = seedqr::words_from_payload(&code.bytes).or_else(|| seedqr::words_from_decoded_text(&code.text));
        if let Some((kind, words)) = words
            && !secrets.iter().any(|s| matches!(s, Secret::Mnemonic { words: w, .. } if *w == words))
        {
            secrets.push(Secret::Mnemonic { label: format!("{kind:?} SeedQR at {}", code.place), words });
        }
    }
    (!secrets.is_empty()).then(|| Backup { title: "SeedQR".into(), secrets, emergency: None })
}

/// Restore from what was scanned: the sets `choice` selects, opened; or,
/// when no paperseed set is there, SeedQR codes. Problems of single sets
/// are in the result; an error means nothing at all was restored.
pub fn restore(scanned: &Scanned, choice: Option<&str>, unlock: &mut dyn Unlock) -> Result<Opening, RestoreError> {
    let sets = select(&scanned.report, choice);
    if sets.is_empty() {
        if let Some(choice) = choice
            && !scanned.report.sets.is_empty()
        {
            let found = scanned.report.sets.iter().map(|s| s.set.short_id()).collect();
            return Err(RestoreError::Problem(Problem::NoSuchSet { choice: choice.to_string(), found }));
        }
        if !scanned.words.is_empty() {
            return Err(RestoreError::Problem(Problem::UnmatchedWords(scanned.words.len())));
        }
        if let Some(backup) = seedqr_backup(&scanned.found) {
            let fingerprint = Fingerprint::of(&crate::format::compact::encode(&backup));
            let restored = vec![Opened {
                set_id: None,
                status: "read from SeedQR codes (they carry no checksum)".into(),
                restored: Restored { backup, fingerprint },
            }];
            return Ok(Opening { restored, problems: Vec::new() });
        }
        return Err(RestoreError::Problem(nothing_found(scanned)));
    }
    Ok(open_sets(&sets, &scanned.words, unlock)?)
}

/// Why a restore gave nothing at all.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(transparent)]
    Problem(Problem),
    #[error(transparent)]
    Unlock(#[from] UnlockError),
}
