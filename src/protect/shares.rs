//! K-of-N share sheets: encrypt the payload under a random key, split only
//! the key.
//!
//! Why this scheme rather than Shamir over the whole payload: every share
//! sheet then carries the same ciphertext and one 32-byte key share, so each
//! share is a complete, self-checking sheet (ChaCha20-Poly1305 authenticates
//! the result, which bare Shamir cannot), a share is no larger than the sheet
//! plus 80 bytes, and the key split is the only place the threshold lives.
//! Alone, a share reveals nothing: the key is uniformly random and K−1 of its
//! shares are independent of it.
//!
//! Each share is a deterministic-CBOR "share payload" (docs/FORMAT.md §10).
//! Version 2, written since format v2, with integer keys:
//!
//! ```text
//! { 0: 2, 1: bytes (a SLIP-39 share: its words' 10-bit indices, packed),
//!   2: N, 3: inner kind 1 / 2, 4: ciphertext, ? 5: [N × holder] }
//! ```
//!
//! The key is not split by paperseed's own Shamir code but derived from a
//! 16-byte SLIP-39 master secret (key = SHA-256("paperseed share key v2" ‖
//! master secret)), so the key shares are standard SLIP-39 mnemonics: the
//! sheet prints them as 20 words, which the reference `shamir recover` tool
//! combines, and `restore --type` accepts. The nonce is zero: each key
//! encrypts exactly one message. The split id is derived from the
//! ciphertext, which every share of a split carries.
//!
//! Version 1 (paperseed 0.1, still read):
//!
//! ```text
//! { "v": 1, "split": bytes(16), "k": K, "n": N, "x": 1..N,
//!   ? "holders": [N × text], "key_share": bytes(32), "nonce": bytes(12),
//!   "ciphertext": bytes, "inner_kind": 1 / 2 }
//! ```
//!
//! Shares are grouped by their split id; shares of different splits are
//! never combined, a share seen twice counts once.

use std::collections::BTreeMap;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use zeroize::Zeroizing;

use sha2::{Digest, Sha256};

use super::shamir::{self, MAX_SHARES, Share};
use super::slip39;
use super::{Holder, MAX_PAYLOAD, OsRng, ProtectError, Rng, SplitSummary};
use crate::format::cbor::{MapKey, Value};

/// Share payload schema version 1 (`"v": 1`, paperseed 0.1).
pub const SHARE_VERSION: u64 = 1;
/// Share payload schema version 2 (key 0), written now.
pub const SHARE_VERSION_2: u64 = 2;
/// Bytes of the SLIP-39 master secret the version-2 key is derived from.
pub const MASTER_SECRET_LEN: usize = 16;
/// Domain separation of the version-2 key derivation.
pub const KEY_DOMAIN_V2: &[u8] = b"paperseed share key v2";
/// Domain separation prefix of the version-2 associated data.
const AAD_PREFIX_V2: &[u8] = b"paperseed share v2";
/// Bytes of the random split id.
pub const SPLIT_ID_LEN: usize = 16;
/// Bytes of the ChaCha20-Poly1305 key (and of each key share).
pub const KEY_LEN: usize = 32;
/// Bytes of the ChaCha20-Poly1305 nonce.
pub const NONCE_LEN: usize = 12;
/// Bytes of the Poly1305 tag at the end of the ciphertext.
pub const TAG_LEN: usize = 16;
/// Most characters in a holder's name.
pub const MAX_HOLDER: usize = 64;
/// Domain separation prefix of the associated data.
const AAD_PREFIX: &[u8] = b"paperseed share v1";
/// Most K-subsets tried when more than K shares are present and the first
/// subset does not open the ciphertext.
const MAX_SUBSET_TRIES: usize = 64;

/// What the encrypted bytes inside a share are: the frame payload kind the
/// combined bytes would have had on a sheet of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InnerKind {
    /// A plain deterministic-CBOR sheet payload (docs/FORMAT.md §1).
    Sheet,
    /// An age-encrypted sheet payload (docs/FORMAT.md §10.1).
    Age,
}

impl InnerKind {
    pub fn code(self) -> u8 {
        match self {
            InnerKind::Sheet => 1,
            InnerKind::Age => 2,
        }
    }
    pub fn from_code(code: u64) -> Option<InnerKind> {
        match code {
            1 => Some(InnerKind::Sheet),
            2 => Some(InnerKind::Age),
            _ => None,
        }
    }
}

/// What one share says about itself, readable without any other share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareInfo {
    /// Random id shared by all shares of one split.
    pub split: [u8; SPLIT_ID_LEN],
    /// Shares needed.
    pub k: u8,
    /// Shares made.
    pub n: u8,
    /// This share's number (its x-coordinate), 1..=n.
    pub x: u8,
    /// This share's holder, if holders were named.
    pub holder: Option<String>,
    /// Every share's holder, in share order (empty if none were named).
    pub holders: Vec<String>,
    pub inner_kind: InnerKind,
    /// Length of the encrypted payload (with its 16-byte tag).
    pub ciphertext_len: usize,
    /// Share payload version (1 or 2).
    pub version: u8,
    /// The SLIP-39 identifier shared by the words of a version-2 split.
    pub identifier: Option<u16>,
}

impl ShareInfo {
    /// A printable name for the split: the first 60 bits of the split id in
    /// the fingerprint alphabet, e.g. `K7QF-3M2X-9TRD`. The same on every
    /// share of a split; says nothing about the secret.
    pub fn split_code(&self) -> String {
        split_code(&self.split)
    }

    /// How many more shares are needed with this one.
    pub fn more_needed(&self) -> u8 {
        self.k - 1
    }

    /// The holder of share `x` (1-based), if named.
    pub fn holder_of(&self, x: u8) -> Option<String> {
        holder_of(&self.holders, x)
    }
}

fn holder_of(holders: &[String], x: u8) -> Option<String> {
    holders.get(usize::from(x).checked_sub(1)?).cloned()
}

/// Printable code of a split id (see [`ShareInfo::split_code`]).
pub fn split_code(split: &[u8; SPLIT_ID_LEN]) -> String {
    let top = u64::from_be_bytes(split[..8].try_into().unwrap());
    crate::format::Fingerprint(top >> 4).to_string()
}

/// The secret part of a share.
#[derive(Clone, PartialEq, Eq)]
enum KeyPart {
    /// Version 1: a share of the key itself, and the nonce.
    V1 { key_share: Zeroizing<Vec<u8>>, nonce: [u8; NONCE_LEN] },
    /// Version 2: a SLIP-39 share of the master secret.
    V2(slip39::Share),
}

/// A parsed share, with its secret parts.
#[derive(Clone)]
struct Parsed {
    info: ShareInfo,
    key: KeyPart,
    ciphertext: Vec<u8>,
}

/// The result of combining shares.
#[derive(Clone)]
pub struct Combined {
    /// The payload as it was before splitting (zeroized on drop).
    pub payload: Zeroizing<Vec<u8>>,
    /// What the payload is: a sheet payload or an age file to decrypt next.
    pub inner_kind: InnerKind,
    pub split: [u8; SPLIT_ID_LEN],
    pub k: u8,
    pub n: u8,
    /// The shares whose key shares opened the ciphertext, by number.
    pub used: Vec<u8>,
}

impl std::fmt::Debug for Combined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Combined")
            .field("payload", &format_args!("<{} bytes>", self.payload.len()))
            .field("inner_kind", &self.inner_kind)
            .field("split", &split_code(&self.split))
            .field("used", &self.used)
            .finish()
    }
}

/// The distinct shares of one split found among the inputs.
#[derive(Clone)]
pub struct Group {
    pub split: [u8; SPLIT_ID_LEN],
    pub k: u8,
    pub n: u8,
    pub inner_kind: InnerKind,
    /// Every share's holder, in share order (empty if none were named).
    pub holders: Vec<String>,
    /// The distinct shares found, by increasing number.
    pub shares: Vec<ShareInfo>,
    parsed: Vec<Parsed>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group")
            .field("split", &split_code(&self.split))
            .field("k", &self.k)
            .field("n", &self.n)
            .field("present", &self.present())
            .finish()
    }
}

impl Group {
    /// The split's printable code.
    pub fn code(&self) -> String {
        split_code(&self.split)
    }
    /// Distinct shares found.
    pub fn have(&self) -> usize {
        self.shares.len()
    }
    /// Whether enough shares were found to combine.
    pub fn is_complete(&self) -> bool {
        self.have() >= usize::from(self.k)
    }
    /// The shares found: (number, holder).
    pub fn present(&self) -> Vec<Holder> {
        self.shares.iter().map(|s| (s.x, s.holder.clone())).collect()
    }
    /// The shares not found: (number, holder).
    pub fn missing(&self) -> Vec<Holder> {
        (1..=self.n)
            .filter(|x| !self.shares.iter().any(|s| s.x == *x))
            .map(|x| (x, holder_of(&self.holders, x)))
            .collect()
    }

    fn summary(&self) -> SplitSummary {
        SplitSummary { code: self.code(), k: self.k, n: self.n, have: self.have() }
    }

    /// Rebuild the payload from this split's shares.
    ///
    /// [`ProtectError::TooFew`] if fewer than K distinct shares are present;
    /// [`ProtectError::BadKey`] if no K of them open the ciphertext (a share
    /// was altered).
    pub fn combine(&self) -> Result<Combined, ProtectError> {
        if !self.is_complete() {
            return Err(ProtectError::TooFew {
                have: self.have(),
                k: self.k,
                n: self.n,
                present: self.present(),
                missing: self.missing(),
            });
        }
        let k = usize::from(self.k);
        let first = &self.parsed[0];
        for subset in subsets(self.parsed.len(), k).take(MAX_SUBSET_TRIES) {
            let opened = match &first.key {
                KeyPart::V1 { nonce, .. } => {
                    let shares: Vec<Share> = subset
                        .iter()
                        .filter_map(|&i| match &self.parsed[i].key {
                            KeyPart::V1 { key_share, .. } => {
                                Some(Share { x: self.parsed[i].info.x, y: key_share.clone() })
                            }
                            KeyPart::V2(_) => None,
                        })
                        .collect();
                    let key = shamir::combine(&shares)?;
                    let aad = aad(&self.split, self.k, self.n, self.inner_kind);
                    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
                    cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: &first.ciphertext, aad: &aad }).ok()
                }
                KeyPart::V2(reference) => {
                    let shares: Vec<slip39::Share> = subset
                        .iter()
                        .filter_map(|&i| match &self.parsed[i].key {
                            KeyPart::V2(s) => Some(s.clone()),
                            KeyPart::V1 { .. } => None,
                        })
                        .collect();
                    // A share whose digest does not check is tried in another subset.
                    let Ok(master) = slip39::combine(&shares, b"") else { continue };
                    let key = key_v2(&master);
                    let aad = aad_v2(self.k, self.n, self.inner_kind, reference.identifier());
                    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_ref()));
                    cipher
                        .decrypt(Nonce::from_slice(&[0; NONCE_LEN]), Payload { msg: &first.ciphertext, aad: &aad })
                        .ok()
                }
            };
            if let Some(payload) = opened {
                return Ok(Combined {
                    payload: Zeroizing::new(payload),
                    inner_kind: self.inner_kind,
                    split: self.split,
                    k: self.k,
                    n: self.n,
                    used: subset.iter().map(|&i| self.parsed[i].info.x).collect(),
                });
            }
        }
        Err(ProtectError::BadKey)
    }
}

/// K-subsets of 0..n in lexicographic order.
fn subsets(n: usize, k: usize) -> impl Iterator<Item = Vec<usize>> {
    let mut next = (k <= n).then(|| (0..k).collect::<Vec<_>>());
    std::iter::from_fn(move || {
        let current = next.take()?;
        let mut c = current.clone();
        // Advance to the next combination.
        let mut i = k;
        while i > 0 {
            i -= 1;
            if c[i] < n - k + i {
                c[i] += 1;
                for j in i + 1..k {
                    c[j] = c[j - 1] + 1;
                }
                next = Some(c);
                break;
            }
        }
        Some(current)
    })
}

/// Associated data bound to the ciphertext: the split's public parameters.
fn aad(split: &[u8; SPLIT_ID_LEN], k: u8, n: u8, inner: InnerKind) -> Vec<u8> {
    let mut a = AAD_PREFIX.to_vec();
    a.extend_from_slice(split);
    a.extend_from_slice(&[k, n, inner.code()]);
    a
}

/// Associated data of a version-2 ciphertext: K, N, the inner kind and the
/// SLIP-39 identifier.
fn aad_v2(k: u8, n: u8, inner: InnerKind, identifier: u16) -> Vec<u8> {
    let mut a = AAD_PREFIX_V2.to_vec();
    a.extend_from_slice(&[k, n, inner.code()]);
    a.extend_from_slice(&identifier.to_be_bytes());
    a
}

/// The version-2 ChaCha20-Poly1305 key: SHA-256(KEY_DOMAIN_V2 ‖ master secret).
pub fn key_v2(master_secret: &[u8]) -> Zeroizing<[u8; KEY_LEN]> {
    let mut h = Sha256::new();
    h.update(KEY_DOMAIN_V2);
    h.update(master_secret);
    Zeroizing::new(h.finalize().into())
}

/// The split id of a version-2 share: derived from the ciphertext all its
/// shares carry.
fn split_id_v2(ciphertext: &[u8]) -> [u8; SPLIT_ID_LEN] {
    let full = blake3::derive_key("paperseed share split v2", ciphertext);
    full[..SPLIT_ID_LEN].try_into().expect("16 of 32 bytes")
}

/// A SLIP-39 share as bytes: its words' 10-bit indices, big-endian, packed,
/// zero bits at the end.
fn pack_words(share: &slip39::Share) -> Vec<u8> {
    let list = slip39::wordlist();
    let mut bits: Vec<bool> = Vec::new();
    for w in share.to_words() {
        let i = list.iter().position(|x| *x == w).expect("a word of the list") as u16;
        bits.extend((0..10).rev().map(|b| i >> b & 1 == 1));
    }
    bits.chunks(8).map(|c| c.iter().enumerate().fold(0u8, |acc, (j, &b)| acc | (u8::from(b) << (7 - j)))).collect()
}

/// Why the packed words of a version-2 share payload are not a SLIP-39 share
/// (the reason of a [`ProtectError::Corrupt`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum PackedWordsError {
    #[error("the share words are not packed canonically")]
    NotCanonical,
    #[error("the share words do not check: {0}")]
    Invalid(slip39::Slip39Error),
}

/// The SLIP-39 share packed by [`pack_words`].
fn unpack_words(bytes: &[u8]) -> Result<slip39::Share, PackedWordsError> {
    let count = bytes.len() * 8 / 10;
    let bit = |i: usize| bytes[i / 8] >> (7 - i % 8) & 1 == 1;
    if (count * 10..bytes.len() * 8).any(bit) || bytes.len() != (count * 10).div_ceil(8) {
        return Err(PackedWordsError::NotCanonical);
    }
    let list = slip39::wordlist();
    let words: Vec<&str> =
        (0..count).map(|w| list[(0..10).fold(0usize, |acc, b| acc << 1 | usize::from(bit(w * 10 + b)))]).collect();
    slip39::Share::from_mnemonic(&words.join(" ")).map_err(PackedWordsError::Invalid)
}

/// The SLIP-39 words of a version-2 share payload (`None` for version 1).
pub fn share_words(bytes: &[u8]) -> Result<Option<Vec<&'static str>>, ProtectError> {
    let p = parse(bytes, 0)?;
    Ok(match p.key {
        KeyPart::V2(share) => Some(share.to_words()),
        KeyPart::V1 { .. } => None,
    })
}

fn check_holder(h: &str) -> Result<(), ProtectError> {
    let bad = |why: String| ProtectError::BadSplit(format!("holder {h:?} {why}"));
    if h.trim().is_empty() {
        return Err(ProtectError::BadSplit("a holder's name is empty".into()));
    }
    if h.trim() != h {
        return Err(bad("has leading or trailing spaces".into()));
    }
    if let Some(c) = h.chars().find(|c| c.is_control()) {
        return Err(bad(format!("contains the control character U+{:04X}", c as u32)));
    }
    if h.chars().count() > MAX_HOLDER {
        return Err(bad(format!("is longer than {MAX_HOLDER} characters")));
    }
    Ok(())
}

/// Split `payload` (a sheet payload, or an age file) into `n` share payloads,
/// any `k` of which rebuild it. `holders` is empty or names the holder of each
/// share, in order. Uses the operating system's randomness.
pub fn split(
    payload: &[u8],
    inner_kind: InnerKind,
    k: u8,
    n: u8,
    holders: &[String],
) -> Result<Vec<Vec<u8>>, ProtectError> {
    split_with(payload, inner_kind, k, n, holders, &mut OsRng)
}

/// [`split`] with a chosen random source: version-2 shares. Random bytes
/// are drawn by SLIP-39 splitting a fresh 16-byte master secret (drawn
/// first).
pub fn split_with(
    payload: &[u8],
    inner_kind: InnerKind,
    k: u8,
    n: u8,
    holders: &[String],
    rng: &mut dyn Rng,
) -> Result<Vec<Vec<u8>>, ProtectError> {
    check_split(payload, inner_kind, k, n, holders)?;
    let mut master = Zeroizing::new([0u8; MASTER_SECRET_LEN]);
    rng.fill(master.as_mut())?;
    let mut failed = None;
    let mut fill = |buf: &mut [u8]| {
        if let Err(e) = rng.fill(buf) {
            failed = Some(e);
        }
    };
    let shares = slip39::split(master.as_ref(), k, n, b"", 0, true, &mut fill)
        .map_err(|e| ProtectError::BadSplit(e.to_string()))?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    let identifier = shares[0].identifier();
    let key = key_v2(master.as_ref());
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_ref()));
    let aad = aad_v2(k, n, inner_kind, identifier);
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&[0; NONCE_LEN]), Payload { msg: payload, aad: &aad })
        .map_err(|_| ProtectError::BadSplit("encryption failed".into()))?;
    Ok(shares
        .iter()
        .map(|share| {
            let mut pairs = vec![
                (0, Value::Uint(SHARE_VERSION_2)),
                (1, Value::Bytes(pack_words(share))),
                (2, Value::Uint(n.into())),
                (3, Value::Uint(inner_kind.code().into())),
                (4, Value::Bytes(ciphertext.clone())),
            ];
            if !holders.is_empty() {
                pairs.push((5, Value::Array(holders.iter().map(Value::text).collect())));
            }
            let value = Value::int_map(pairs);
            let bytes = value.encode();
            zeroize_value(value);
            bytes
        })
        .collect())
}

/// The checks every split makes before drawing randomness.
fn check_split(payload: &[u8], inner_kind: InnerKind, k: u8, n: u8, holders: &[String]) -> Result<(), ProtectError> {
    if !(2..=MAX_SHARES).contains(&n) || !(2..=n).contains(&k) {
        return Err(shamir::ShamirError::BadThreshold { k, n }.into());
    }
    if payload.is_empty() {
        return Err(ProtectError::BadSplit("the payload is empty".into()));
    }
    if payload.len() > MAX_PAYLOAD {
        return Err(ProtectError::TooLarge { len: payload.len(), max: MAX_PAYLOAD });
    }
    if (inner_kind == InnerKind::Age) != super::passphrase::is_age(payload) {
        return Err(ProtectError::BadSplit(format!("the payload does not match its kind {inner_kind:?}")));
    }
    if !holders.is_empty() && holders.len() != usize::from(n) {
        return Err(ProtectError::BadSplit(format!("{} holders named for {n} shares", holders.len())));
    }
    holders.iter().try_for_each(|h| check_holder(h))
}

/// Version-1 shares (paperseed 0.1), kept to check the version-1 vectors
/// byte for byte. Random bytes are drawn in this order: split id (16), key
/// (32), nonce (12), then the key's Shamir coefficients.
pub fn split_v1_with(
    payload: &[u8],
    inner_kind: InnerKind,
    k: u8,
    n: u8,
    holders: &[String],
    rng: &mut dyn Rng,
) -> Result<Vec<Vec<u8>>, ProtectError> {
    check_split(payload, inner_kind, k, n, holders)?;
    let mut split = [0u8; SPLIT_ID_LEN];
    rng.fill(&mut split)?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    rng.fill(key.as_mut())?;
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce)?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_ref()));
    let aad = aad(&split, k, n, inner_kind);
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: payload, aad: &aad })
        .map_err(|_| ProtectError::BadSplit("encryption failed".into()))?;
    let key_shares = shamir::split_with(key.as_ref(), k, n, rng)?;
    Ok(key_shares
        .iter()
        .map(|share| {
            let mut pairs = vec![
                ("v", Value::Uint(SHARE_VERSION)),
                ("split", Value::Bytes(split.to_vec())),
                ("k", Value::Uint(k.into())),
                ("n", Value::Uint(n.into())),
                ("x", Value::Uint(share.x.into())),
                ("key_share", Value::Bytes(share.y.to_vec())),
                ("nonce", Value::Bytes(nonce.to_vec())),
                ("ciphertext", Value::Bytes(ciphertext.clone())),
                ("inner_kind", Value::Uint(inner_kind.code().into())),
            ];
            if !holders.is_empty() {
                pairs.push(("holders", Value::Array(holders.iter().map(Value::text).collect())));
            }
            let value = Value::map(pairs);
            let bytes = value.encode();
            zeroize_value(value);
            bytes
        })
        .collect())
}

/// Best-effort wipe of key share bytes held in a CBOR value.
fn zeroize_value(value: Value) {
    use zeroize::Zeroize;
    let values: Vec<Value> = match value {
        Value::Map(map) => map.into_values().collect(),
        Value::IntMap(map) => map.into_values().collect(),
        _ => Vec::new(),
    };
    for v in values {
        if let Value::Bytes(mut b) = v {
            b.zeroize();
        }
    }
}

fn parse(bytes: &[u8], input: usize) -> Result<Parsed, ProtectError> {
    let corrupt = |reason: String| ProtectError::Corrupt { input, reason };
    let value = Value::decode(bytes).map_err(|e| corrupt(format!("not canonical CBOR: {e}")))?;
    let mut map = match value {
        Value::Map(map) => map,
        Value::IntMap(map) => return parse_v2(map, input),
        _ => return Err(corrupt("not a CBOR map".into())),
    };
    let mut take = |key: &str| map.remove(&MapKey(key.to_string()));
    let uint = |v: Option<Value>, key: &str| match v {
        Some(Value::Uint(u)) => Ok(u),
        Some(_) => Err(corrupt(format!("\"{key}\" is not an unsigned integer"))),
        None => Err(corrupt(format!("\"{key}\" is missing"))),
    };
    let bytes_of = |v: Option<Value>, key: &str, len: Option<usize>| match v {
        Some(Value::Bytes(b)) if len.is_none_or(|l| b.len() == l) => Ok(b),
        Some(Value::Bytes(b)) => {
            Err(corrupt(format!("\"{key}\" has {} bytes, expected {}", b.len(), len.unwrap_or_default())))
        }
        Some(_) => Err(corrupt(format!("\"{key}\" is not a byte string"))),
        None => Err(corrupt(format!("\"{key}\" is missing"))),
    };
    let version = uint(take("v"), "v")?;
    if version != SHARE_VERSION {
        return Err(ProtectError::NewerShareVersion(version));
    }
    let split: [u8; SPLIT_ID_LEN] = bytes_of(take("split"), "split", Some(SPLIT_ID_LEN))?.try_into().unwrap();
    let k = uint(take("k"), "k")?;
    let n = uint(take("n"), "n")?;
    let x = uint(take("x"), "x")?;
    if !(2..=u64::from(MAX_SHARES)).contains(&n) || !(2..=n).contains(&k) {
        return Err(corrupt(format!("K = {k}, N = {n} is not a valid threshold")));
    }
    if !(1..=n).contains(&x) {
        return Err(corrupt(format!("share number {x} is not in 1..={n}")));
    }
    let (k, n, x) = (k as u8, n as u8, x as u8);
    let key_share = Zeroizing::new(bytes_of(take("key_share"), "key_share", Some(KEY_LEN))?);
    let nonce: [u8; NONCE_LEN] = bytes_of(take("nonce"), "nonce", Some(NONCE_LEN))?.try_into().unwrap();
    let ciphertext = bytes_of(take("ciphertext"), "ciphertext", None)?;
    if ciphertext.len() <= TAG_LEN || ciphertext.len() > MAX_PAYLOAD + TAG_LEN {
        return Err(corrupt(format!("the ciphertext has {} bytes", ciphertext.len())));
    }
    let inner = uint(take("inner_kind"), "inner_kind")?;
    let inner_kind = InnerKind::from_code(inner).ok_or(ProtectError::UnknownInnerKind(inner))?;
    let holders = match take("holders") {
        None => Vec::new(),
        Some(v) => holders_of(v, n).map_err(|e| corrupt(e.to_string()))?,
    };
    if let Some(key) = map.keys().next() {
        return Err(corrupt(format!("unknown field {:?}", key.0)));
    }
    let info = ShareInfo {
        split,
        k,
        n,
        x,
        holder: holder_of(&holders, x),
        holders,
        inner_kind,
        ciphertext_len: ciphertext.len(),
        version: 1,
        identifier: None,
    };
    Ok(Parsed { info, key: KeyPart::V1 { key_share, nonce }, ciphertext })
}

/// Read a version-2 share payload (integer keys).
fn parse_v2(mut map: BTreeMap<u64, Value>, input: usize) -> Result<Parsed, ProtectError> {
    let corrupt = |reason: String| ProtectError::Corrupt { input, reason };
    let uint = |v: Option<Value>, key: u64| match v {
        Some(Value::Uint(u)) => Ok(u),
        Some(_) => Err(corrupt(format!("field {key} is not an unsigned integer"))),
        None => Err(corrupt(format!("field {key} is missing"))),
    };
    let bytes_of = |v: Option<Value>, key: u64| match v {
        Some(Value::Bytes(b)) => Ok(b),
        Some(_) => Err(corrupt(format!("field {key} is not a byte string"))),
        None => Err(corrupt(format!("field {key} is missing"))),
    };
    let version = uint(map.remove(&0), 0)?;
    if version != SHARE_VERSION_2 {
        return Err(ProtectError::NewerShareVersion(version));
    }
    let share = unpack_words(&Zeroizing::new(bytes_of(map.remove(&1), 1)?)).map_err(|e| corrupt(e.to_string()))?;
    let n = uint(map.remove(&2), 2)?;
    let k = u64::from(share.member_threshold());
    if !(2..=u64::from(MAX_SHARES)).contains(&n) || !(2..=n).contains(&k) {
        return Err(corrupt(format!("K = {k}, N = {n} is not a valid threshold")));
    }
    if share.group_count() != 1 || share.group_threshold() != 1 {
        return Err(corrupt("the share words belong to a SLIP-39 set with several groups".into()));
    }
    let x = u64::from(share.member_index()) + 1;
    if x > n {
        return Err(corrupt(format!("share number {x} is not in 1..={n}")));
    }
    if share.value().len() != MASTER_SECRET_LEN {
        return Err(corrupt(format!("the share words hold {} bytes, not {MASTER_SECRET_LEN}", share.value().len())));
    }
    let inner = uint(map.remove(&3), 3)?;
    let inner_kind = InnerKind::from_code(inner).ok_or(ProtectError::UnknownInnerKind(inner))?;
    let ciphertext = bytes_of(map.remove(&4), 4)?;
    if ciphertext.len() <= TAG_LEN || ciphertext.len() > MAX_PAYLOAD + TAG_LEN {
        return Err(corrupt(format!("the ciphertext has {} bytes", ciphertext.len())));
    }
    let (k, n, x) = (k as u8, n as u8, x as u8);
    let holders = match map.remove(&5) {
        None => Vec::new(),
        Some(v) => holders_of(v, n).map_err(|e| corrupt(e.to_string()))?,
    };
    if let Some(key) = map.keys().next() {
        return Err(corrupt(format!("unknown field {key}")));
    }
    let info = ShareInfo {
        split: split_id_v2(&ciphertext),
        k,
        n,
        x,
        holder: holder_of(&holders, x),
        holders,
        inner_kind,
        ciphertext_len: ciphertext.len(),
        version: 2,
        identifier: Some(share.identifier()),
    };
    Ok(Parsed { info, key: KeyPart::V2(share), ciphertext })
}

/// Why the holders' names of a share payload are not valid (the reason of a
/// [`ProtectError::Corrupt`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum HoldersError {
    #[error("the holders are not an array")]
    NotArray,
    #[error("a holder is not text")]
    NotText,
    #[error("{got} holders for {n} shares")]
    Count { got: usize, n: u8 },
    /// A name [`check_holder`] refuses (its message).
    #[error("{0}")]
    Name(String),
}

/// The holders' names of a share payload: N texts, each a valid name.
fn holders_of(v: Value, n: u8) -> Result<Vec<String>, HoldersError> {
    let Value::Array(items) = v else { return Err(HoldersError::NotArray) };
    let names = items
        .into_iter()
        .map(|v| match v {
            Value::Text(t) => Ok(t),
            _ => Err(HoldersError::NotText),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if names.len() != usize::from(n) {
        return Err(HoldersError::Count { got: names.len(), n });
    }
    for h in &names {
        check_holder(h).map_err(|e| HoldersError::Name(e.to_string()))?;
    }
    Ok(names)
}

/// Read one share payload: what it is, without its secret parts (for
/// `verify` of a single share).
pub fn parse_share(bytes: &[u8]) -> Result<ShareInfo, ProtectError> {
    parse(bytes, 0).map(|p| p.info)
}

/// Sort share payloads into splits, by split id (ordered by split id).
/// Duplicates (the same share scanned twice) count once. Errors: an input
/// that is not a share ([`ProtectError::Corrupt`] naming its 0-based
/// position), or two shares of one split that disagree
/// ([`ProtectError::Inconsistent`]).
pub fn group<B: AsRef<[u8]>>(share_payloads: &[B]) -> Result<Vec<Group>, ProtectError> {
    let mut groups: BTreeMap<[u8; SPLIT_ID_LEN], Group> = BTreeMap::new();
    for (input, bytes) in share_payloads.iter().enumerate() {
        let p = parse(bytes.as_ref(), input)?;
        let info = &p.info;
        let Some(g) = groups.get_mut(&info.split) else {
            groups.insert(
                info.split,
                Group {
                    split: info.split,
                    k: info.k,
                    n: info.n,
                    inner_kind: info.inner_kind,
                    holders: info.holders.clone(),
                    shares: vec![info.clone()],
                    parsed: vec![p],
                },
            );
            continue;
        };
        let disagree =
            |reason: &str| ProtectError::Inconsistent { split: split_code(&info.split), reason: reason.to_string() };
        let reference = &g.parsed[0];
        if (info.k, info.n, info.inner_kind) != (g.k, g.n, g.inner_kind) {
            return Err(disagree("they announce different K, N or payload kinds"));
        }
        if info.holders != g.holders {
            return Err(disagree("they name different holders"));
        }
        let same_nonce = match (&p.key, &reference.key) {
            (KeyPart::V1 { nonce: a, .. }, KeyPart::V1 { nonce: b, .. }) => a == b,
            (KeyPart::V2(_), KeyPart::V2(_)) => info.identifier == reference.info.identifier,
            _ => false,
        };
        if !same_nonce || p.ciphertext != reference.ciphertext {
            return Err(disagree("they carry different encrypted data"));
        }
        match g.parsed.iter().find(|q| q.info.x == info.x) {
            Some(q) if q.key == p.key => {} // the same share again
            Some(_) => return Err(disagree(&format!("two different shares are numbered {}", info.x))),
            None => {
                let at = g.shares.partition_point(|s| s.x < info.x);
                g.shares.insert(at, info.clone());
                g.parsed.insert(at, p);
            }
        }
    }
    Ok(groups.into_values().collect())
}

/// [`group`], with shares typed as SLIP-39 words added to the version-2
/// split they belong to (same SLIP-39 identifier and threshold). Returns
/// the groups and how many typed shares matched no split (their split's
/// codes or recovery text must be read too: the words hold only the key).
pub fn group_with_words<B: AsRef<[u8]>>(
    share_payloads: &[B],
    words: &[slip39::Share],
) -> Result<(Vec<Group>, usize), ProtectError> {
    let mut groups = group(share_payloads)?;
    let mut unmatched = 0;
    for typed in words {
        let target = groups
            .iter_mut()
            .find(|g| g.parsed[0].info.identifier == Some(typed.identifier()) && g.k == typed.member_threshold());
        let Some(g) = target else {
            unmatched += 1;
            continue;
        };
        let x = typed.member_index() + 1;
        let disagree = |reason: String| ProtectError::Inconsistent { split: g.code(), reason };
        if x > g.n || typed.group_count() != 1 {
            return Err(disagree(format!("typed share words number {x}, but the split has {} shares", g.n)));
        }
        let mut p = g.parsed[0].clone();
        p.info.x = x;
        p.info.holder = holder_of(&p.info.holders, x);
        p.key = KeyPart::V2(typed.clone());
        match g.parsed.iter().find(|q| q.info.x == x) {
            Some(q) if q.key == p.key => {}
            Some(_) => return Err(disagree(format!("the typed words of share {x} differ from its codes"))),
            None => {
                let at = g.shares.partition_point(|s| s.x < x);
                g.shares.insert(at, p.info.clone());
                g.parsed.insert(at, p);
            }
        }
    }
    Ok((groups, unmatched))
}

/// Rebuild the payload from share payloads of one split.
///
/// Errors: [`ProtectError::NoShares`]; [`ProtectError::MixedSplits`] if the
/// shares belong to more than one split (use [`group`] to handle them
/// separately); [`ProtectError::TooFew`] (its message reads "2 of 3 needed, 1
/// found (share 2, holder: parents); …"); [`ProtectError::BadKey`].
pub fn combine<B: AsRef<[u8]>>(share_payloads: &[B]) -> Result<Combined, ProtectError> {
    let groups = group(share_payloads)?;
    match groups.as_slice() {
        [] => Err(ProtectError::NoShares),
        [g] => g.combine(),
        many => Err(ProtectError::MixedSplits(many.iter().map(Group::summary).collect())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect::SeededRng;

    #[test]
    fn subsets_enumerates_combinations() {
        let all: Vec<Vec<usize>> = subsets(4, 2).collect();
        assert_eq!(all, [vec![0, 1], vec![0, 2], vec![0, 3], vec![1, 2], vec![1, 3], vec![2, 3]]);
        assert_eq!(subsets(5, 5).count(), 1);
        assert_eq!(subsets(16, 8).count(), 12870);
        assert_eq!(subsets(2, 3).count(), 0);
    }

    #[test]
    fn deterministic_with_seeded_rng() {
        let a = split_with(b"\xa0", InnerKind::Sheet, 2, 3, &[], &mut SeededRng::new(b"x")).unwrap();
        let b = split_with(b"\xa0", InnerKind::Sheet, 2, 3, &[], &mut SeededRng::new(b"x")).unwrap();
        assert_eq!(a, b);
        let info = parse_share(&a[1]).unwrap();
        assert_eq!((info.k, info.n, info.x, info.holder.clone()), (2, 3, 2, None));
        assert_eq!(info.split_code().len(), 14);
    }

    #[test]
    fn altered_key_share_is_skipped_when_spares_exist() {
        let shares = split_v1_with(b"\xa1\x61v\x01", InnerKind::Sheet, 2, 3, &[], &mut OsRng).unwrap();
        // Alter share 1's key share but keep the CBOR valid.
        let Value::Map(mut m) = Value::decode(&shares[0]).unwrap() else { panic!() };
        let ks = m.get_mut(&MapKey("key_share".into())).unwrap();
        let Value::Bytes(b) = ks else { panic!() };
        b[0] ^= 1;
        let bad = Value::Map(m).encode();
        let c = combine(&[bad.clone(), shares[1].clone(), shares[2].clone()]).unwrap();
        assert_eq!(&c.payload[..], b"\xa1\x61v\x01");
        assert_eq!(c.used, [2, 3]);
        assert!(matches!(combine(&[bad, shares[1].clone()]), Err(ProtectError::BadKey)));
    }

    #[test]
    fn rejects_malformed() {
        let shares = split_v1_with(b"\xa0", InnerKind::Sheet, 2, 2, &[], &mut OsRng).unwrap();
        let Value::Map(m) = Value::decode(&shares[0]).unwrap() else { panic!() };
        let with = |key: &str, v: Value| {
            let mut m = m.clone();
            m.insert(MapKey(key.into()), v);
            Value::Map(m).encode()
        };
        assert!(matches!(parse_share(&with("v", Value::Uint(2))), Err(ProtectError::NewerShareVersion(2))));
        assert!(matches!(parse_share(&with("inner_kind", Value::Uint(9))), Err(ProtectError::UnknownInnerKind(9))));
        assert!(matches!(parse_share(&with("x", Value::Uint(3))), Err(ProtectError::Corrupt { .. })));
        assert!(matches!(parse_share(&with("k", Value::Uint(1))), Err(ProtectError::Corrupt { .. })));
        assert!(matches!(parse_share(&with("extra", Value::Uint(1))), Err(ProtectError::Corrupt { .. })));
        assert!(matches!(parse_share(&with("nonce", Value::Bytes(vec![0; 11]))), Err(ProtectError::Corrupt { .. })));
        let holders = Value::Array(vec![Value::text("a")]);
        assert!(matches!(parse_share(&with("holders", holders)), Err(ProtectError::Corrupt { .. })));
        assert!(matches!(parse_share(b"\x01"), Err(ProtectError::Corrupt { input: 0, .. })));
        // Altering the public parameters breaks authentication (they are
        // associated data), e.g. claiming the payload is age-encrypted.
        let flipped = [with("inner_kind", Value::Uint(2)), {
            let Value::Map(mut m) = Value::decode(&shares[1]).unwrap() else { panic!() };
            m.insert(MapKey("inner_kind".into()), Value::Uint(2));
            Value::Map(m).encode()
        }];
        assert!(matches!(combine(&flipped), Err(ProtectError::BadKey)));
    }

    #[test]
    fn bad_split_parameters() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(matches!(split(b"\xa0", InnerKind::Sheet, 2, 3, &h(&["a", "b"])), Err(ProtectError::BadSplit(_))));
        assert!(matches!(split(b"\xa0", InnerKind::Sheet, 2, 2, &h(&["a", " "])), Err(ProtectError::BadSplit(_))));
        assert!(matches!(split(b"\xa0", InnerKind::Sheet, 2, 2, &h(&["a", "b\n"])), Err(ProtectError::BadSplit(_))));
        assert!(matches!(split(b"\xa0", InnerKind::Age, 2, 2, &[]), Err(ProtectError::BadSplit(_))));
        assert!(matches!(split(b"", InnerKind::Sheet, 2, 2, &[]), Err(ProtectError::BadSplit(_))));
        assert!(matches!(split(b"\xa0", InnerKind::Sheet, 3, 2, &[]), Err(ProtectError::Shamir(_))));
        assert!(matches!(split(b"\xa0", InnerKind::Sheet, 2, 17, &[]), Err(ProtectError::Shamir(_))));
    }

    /// A version-2 share payload with one field replaced.
    fn with_v2(share: &[u8], key: u64, v: Option<Value>) -> Vec<u8> {
        let Value::IntMap(mut m) = Value::decode(share).unwrap() else { panic!("v2 shares have integer keys") };
        match v {
            Some(v) => m.insert(key, v),
            None => m.remove(&key),
        };
        Value::IntMap(m).encode()
    }

    #[test]
    fn version_2_shares_are_slip39_words_and_combine() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let shares = split(b"\xa1\x61v\x01", InnerKind::Sheet, 2, 3, &names).unwrap();
        let info = parse_share(&shares[2]).unwrap();
        assert_eq!((info.version, info.k, info.n, info.x, info.holder.as_deref()), (2, 2, 3, 3, Some("c")));
        let words = share_words(&shares[2]).unwrap().unwrap();
        assert_eq!(words.len(), 20, "a 128-bit SLIP-39 share is 20 words");
        let typed = slip39::Share::from_mnemonic(&words.join(" ")).unwrap();
        assert_eq!(typed.member_index(), 2);
        // Every split of two shares opens; the split code is the same on all.
        for pair in [[0, 1], [0, 2], [1, 2]] {
            let c = combine(&[shares[pair[0]].clone(), shares[pair[1]].clone()]).unwrap();
            assert_eq!(&c.payload[..], b"\xa1\x61v\x01");
        }
        let codes: Vec<String> = shares.iter().map(|s| parse_share(s).unwrap().split_code()).collect();
        assert!(codes.windows(2).all(|w| w[0] == w[1]));
        // Share 1's codes with share 3's typed words.
        let (groups, unmatched) = group_with_words(&shares[..1], std::slice::from_ref(&typed)).unwrap();
        assert_eq!((groups.len(), unmatched), (1, 0));
        assert_eq!(&groups[0].combine().unwrap().payload[..], b"\xa1\x61v\x01");
        assert_eq!(groups[0].combine().unwrap().used, [1, 3]);
        // Words of another split match nothing.
        let other = split(b"\xa0", InnerKind::Sheet, 2, 3, &[]).unwrap();
        let stranger = slip39::Share::from_mnemonic(&share_words(&other[1]).unwrap().unwrap().join(" ")).unwrap();
        let (groups, unmatched) = group_with_words(&shares[..1], &[stranger]).unwrap();
        assert_eq!((groups[0].have(), unmatched), (1, 1));
    }

    #[test]
    fn version_2_words_and_key_follow_the_spec() {
        // The key is SHA-256 of the domain and the master secret recovered from the words.
        let shares = split_with(b"\xa0", InnerKind::Sheet, 2, 2, &[], &mut SeededRng::new(b"k")).unwrap();
        let ws: Vec<slip39::Share> = shares
            .iter()
            .map(|s| slip39::Share::from_mnemonic(&share_words(s).unwrap().unwrap().join(" ")).unwrap())
            .collect();
        let master = slip39::combine(&ws, b"").unwrap();
        assert_eq!(master.len(), MASTER_SECRET_LEN);
        let mut h = Sha256::new();
        h.update(b"paperseed share key v2");
        h.update(&master[..]);
        let key: [u8; 32] = h.finalize().into();
        assert_eq!(*key_v2(&master), key);
        let Value::IntMap(m) = Value::decode(&shares[0]).unwrap() else { panic!() };
        let Some(Value::Bytes(ct)) = m.get(&4) else { panic!() };
        let aad = aad_v2(2, 2, InnerKind::Sheet, ws[0].identifier());
        let plain = ChaCha20Poly1305::new(Key::from_slice(&key))
            .decrypt(Nonce::from_slice(&[0; 12]), Payload { msg: ct, aad: &aad })
            .unwrap();
        assert_eq!(plain, b"\xa0");
        assert!(aad.starts_with(b"paperseed share v2\x02\x02\x01"));
    }

    #[test]
    fn version_2_rejects_malformed() {
        let shares = split(b"\xa0", InnerKind::Sheet, 2, 3, &[]).unwrap();
        let s = &shares[0];
        assert!(parse_share(s).is_ok());
        assert!(matches!(parse_share(&with_v2(s, 0, Some(Value::Uint(3)))), Err(ProtectError::NewerShareVersion(3))));
        assert!(matches!(parse_share(&with_v2(s, 3, Some(Value::Uint(9)))), Err(ProtectError::UnknownInnerKind(9))));
        for (key, v) in [
            (9, Some(Value::Uint(1))),
            (2, Some(Value::Uint(1))),
            (2, Some(Value::Uint(17))),
            (1, None),
            (4, None),
            (4, Some(Value::Bytes(vec![0; 16]))),
            (5, Some(Value::Array(vec![Value::text("a")]))),
            (1, Some(Value::Bytes(vec![0; 25]))),
        ] {
            assert!(matches!(parse_share(&with_v2(s, key, v)), Err(ProtectError::Corrupt { .. })), "field {key}");
        }
        // One flipped bit of the packed words fails the SLIP-39 checksum.
        let Value::IntMap(m) = Value::decode(s).unwrap() else { panic!() };
        let Some(Value::Bytes(w)) = m.get(&1) else { panic!() };
        let mut flipped = w.clone();
        flipped[5] ^= 0x10;
        assert!(matches!(unpack_words(&flipped), Err(PackedWordsError::Invalid(_))));
        let e = parse_share(&with_v2(s, 1, Some(Value::Bytes(flipped)))).unwrap_err();
        assert!(matches!(e, ProtectError::Corrupt { .. }), "{e}");
        assert!(e.to_string().contains("the share words do not check"), "{e}");
        // Trailing padding bits must be zero (20 words = 200 bits = 25 bytes exactly, so use 33 words' worth).
        assert!(unpack_words(&[0xff; 3]).is_err());
        assert_eq!(unpack_words(&[0xff; 3]).unwrap_err(), PackedWordsError::NotCanonical);
        // Changing N (associated data) breaks the key: a forged N is not combined.
        let forged: Vec<Vec<u8>> = shares[..2].iter().map(|s| with_v2(s, 2, Some(Value::Uint(4)))).collect();
        assert!(matches!(combine(&forged), Err(ProtectError::BadKey)));
    }

    #[test]
    fn holders_errors_are_typed() {
        let names = |v: &[&str]| Value::Array(v.iter().map(|t| Value::text(*t)).collect());
        assert_eq!(holders_of(names(&["spouse", "attorney"]), 2).unwrap(), vec!["spouse", "attorney"]);
        assert_eq!(holders_of(Value::Uint(1), 2), Err(HoldersError::NotArray));
        assert_eq!(holders_of(Value::Array(vec![Value::Uint(1), Value::text("a")]), 2), Err(HoldersError::NotText));
        assert_eq!(holders_of(names(&["a"]), 2), Err(HoldersError::Count { got: 1, n: 2 }));
        assert_eq!(holders_of(names(&["a"]), 2).unwrap_err().to_string(), "1 holders for 2 shares");
        assert!(matches!(holders_of(names(&["a", " "]), 2), Err(HoldersError::Name(_))));
    }
}
