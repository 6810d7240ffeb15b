//! Protecting the paper: a sheet of backup codes in clear is a key to the
//! account for whoever finds it.
//!
//! Two protections, usable alone or together (docs/FORMAT.md §10 is the
//! specification of the bytes):
//!
//! - [`passphrase`]: the sheet payload encrypted as a standard binary age file
//!   with an scrypt passphrase recipient, so any age implementation
//!   (`age -d`) can decrypt it without paperseed;
//! - [`shares`]: the payload (plain or age-encrypted) encrypted under a random
//!   key with ChaCha20-Poly1305, and only that key split with Shamir's scheme
//!   ([`shamir`]) into N shares of which any K restore it; each share sheet
//!   carries the ciphertext and one key share.
//!
//! [`emergency`] (the emergency guide, now part of the data model in
//! [`crate::secret::emergency`]) is re-exported here for its old path.
//!
//! Randomness comes from the operating system ([`OsRng`]); every function that
//! draws random bytes has a `_with` variant taking any [`Rng`] so tests can be
//! deterministic ([`SeededRng`]). The module prints nothing and reads no
//! environment variables.

pub use crate::secret::emergency;
pub mod passphrase;
pub mod shamir;
pub mod shares;
pub mod slip39;

pub use age::secrecy::{ExposeSecret, SecretString};
pub use shares::{Combined, Group, InnerKind, ShareInfo};

/// Largest payload (plain or decrypted) this module produces or accepts:
/// the same bound frames put on what they carry.
pub const MAX_PAYLOAD: usize = 1 << 20;

/// A holder of a share as reported in errors: its x-coordinate (share
/// number, 1-based) and the holder's name when one was given.
pub type Holder = (u8, Option<String>);

/// Everything that can go wrong encrypting, decrypting, splitting or
/// combining.
#[derive(Debug, thiserror::Error)]
pub enum ProtectError {
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    #[error("wrong passphrase (or the encrypted data was altered)")]
    WrongPassphrase,
    #[error("the data is not an age-encrypted file")]
    NotAge,
    #[error("the data is an age file from a newer version of age, which this paperseed cannot read")]
    UnknownAgeVersion,
    #[error("the age file is encrypted to a key, not to a passphrase")]
    NotPassphrase,
    #[error(
        "the sheet asks for an scrypt work factor of 2^{required}; paperseed writes at most 2^{max} — refusing, it may be forged"
    )]
    WorkFactor { required: u8, max: u8 },
    #[error("the scrypt work factor {0} is out of range (1..=20)")]
    BadWorkFactor(u8),
    #[error("the data is {len} bytes; at most {max} are allowed")]
    TooLarge { len: usize, max: usize },
    #[error("the encrypted data is damaged: {0}")]
    Damaged(String),
    #[error(transparent)]
    Shamir(#[from] shamir::ShamirError),
    #[error(transparent)]
    Rng(#[from] RngError),
    #[error("cannot split: {0}")]
    BadSplit(String),
    /// `input` is the 0-based position of the share payload in the list given.
    #[error("share payload #{} is not a valid paperseed share: {reason}", .input + 1)]
    Corrupt { input: usize, reason: String },
    #[error("this share uses share format version {0}: it needs a newer paperseed")]
    NewerShareVersion(u64),
    #[error(
        "the share holds an inner payload of kind {0}, which this paperseed does not know: it needs a newer paperseed"
    )]
    UnknownInnerKind(u64),
    #[error("{}", too_few_message(*.have, *.k, *.n, .present, .missing))]
    TooFew { have: usize, k: u8, n: u8, present: Vec<Holder>, missing: Vec<Holder> },
    #[error(
        "these shares belong to {} different splits ({}); shares of different splits are never combined",
        .0.len(),
        .0.iter().map(|g| format!("split {}: {} of {} needed, {} found", g.code, g.k, g.n, g.have)).collect::<Vec<_>>().join("; ")
    )]
    MixedSplits(Vec<SplitSummary>),
    #[error("shares of split {split} disagree: {reason}")]
    Inconsistent { split: String, reason: String },
    #[error(
        "the shares combine to a key that does not open the encrypted data: a share was altered, or shares were mixed up"
    )]
    BadKey,
    #[error("no shares were given")]
    NoShares,
}

/// One split among mixed shares (see [`ProtectError::MixedSplits`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitSummary {
    /// The split's printable code ([`ShareInfo::split_code`]).
    pub code: String,
    pub k: u8,
    pub n: u8,
    /// Distinct shares of this split found.
    pub have: usize,
}

fn describe(holders: &[Holder]) -> String {
    holders
        .iter()
        .map(|(x, h)| match h {
            Some(h) => format!("share {x}, holder: {h}"),
            None => format!("share {x}"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn too_few_message(have: usize, k: u8, n: u8, present: &[Holder], missing: &[Holder]) -> String {
    let mut s = format!("{k} of {n} needed, {have} found");
    if !present.is_empty() {
        s += &format!(" ({})", describe(present));
    }
    if !missing.is_empty() {
        let more = usize::from(k).saturating_sub(have);
        s += &format!("; bring {more} more of: {}", describe(missing));
    }
    s
}

/// The system random number generator failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the system random number generator failed: {0}")]
pub struct RngError(pub String);

/// A source of random bytes.
pub trait Rng {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RngError>;
}

/// The operating system's generator (`getrandom`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRng;

impl Rng for OsRng {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RngError> {
        getrandom::fill(buf).map_err(|e| RngError(e.to_string()))
    }
}

/// A deterministic generator for tests and test vectors: the BLAKE3 output
/// stream keyed by a seed. Never use it for real secrets.
pub struct SeededRng(blake3::OutputReader);

impl SeededRng {
    pub fn new(seed: &[u8]) -> SeededRng {
        let mut h = blake3::Hasher::new_derive_key("paperseed test rng v1");
        h.update(seed);
        SeededRng(h.finalize_xof())
    }
}

impl Rng for SeededRng {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RngError> {
        self.0.fill(buf);
        Ok(())
    }
}

impl<F: FnMut(&mut [u8])> Rng for F {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), RngError> {
        self(buf);
        Ok(())
    }
}
