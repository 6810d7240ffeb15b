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
//! Each share is a deterministic-CBOR "share payload" (docs/FORMAT.md §10):
//!
//! ```text
//! { "v": 1, "split": bytes(16), "k": K, "n": N, "x": 1..N,
//!   ? "holders": [N × text], "key_share": bytes(32), "nonce": bytes(12),
//!   "ciphertext": bytes, "inner_kind": 1 / 2 }
//! ```
//!
//! Shares are grouped by their random split id; shares of different splits
//! are never combined, a share seen twice counts once.

use std::collections::BTreeMap;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use zeroize::Zeroizing;

use super::shamir::{self, MAX_SHARES, Share};
use super::{Holder, MAX_PAYLOAD, OsRng, ProtectError, Rng, SplitSummary};
use crate::format::cbor::{MapKey, Value};

/// Share payload schema version written in `"v"`.
pub const SHARE_VERSION: u64 = 1;
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

/// A parsed share, with its secret parts.
#[derive(Clone)]
struct Parsed {
    info: ShareInfo,
    key_share: Zeroizing<Vec<u8>>,
    nonce: [u8; NONCE_LEN],
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
        let aad = aad(&self.split, self.k, self.n, self.inner_kind);
        for subset in subsets(self.parsed.len(), k).take(MAX_SUBSET_TRIES) {
            let shares: Vec<Share> = subset
                .iter()
                .map(|&i| Share { x: self.parsed[i].info.x, y: self.parsed[i].key_share.clone() })
                .collect();
            let key = shamir::combine(&shares)?;
            let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
            let opened = cipher.decrypt(Nonce::from_slice(&first.nonce), Payload { msg: &first.ciphertext, aad: &aad });
            if let Ok(payload) = opened {
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

/// [`split`] with a chosen random source. Random bytes are drawn in this
/// order: split id (16), key (32), nonce (12), then the key's Shamir
/// coefficients.
pub fn split_with(
    payload: &[u8],
    inner_kind: InnerKind,
    k: u8,
    n: u8,
    holders: &[String],
    rng: &mut dyn Rng,
) -> Result<Vec<Vec<u8>>, ProtectError> {
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
    holders.iter().try_for_each(|h| check_holder(h))?;
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
    if let Value::Map(map) = value {
        for (_, v) in map {
            if let Value::Bytes(mut b) = v {
                b.zeroize();
            }
        }
    }
}

fn parse(bytes: &[u8], input: usize) -> Result<Parsed, ProtectError> {
    let corrupt = |reason: String| ProtectError::Corrupt { input, reason };
    let value = Value::decode(bytes).map_err(|e| corrupt(format!("not canonical CBOR: {e}")))?;
    let Value::Map(mut map) = value else {
        return Err(corrupt("not a CBOR map".into()));
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
        Some(Value::Array(items)) => {
            let names = items
                .into_iter()
                .map(|v| match v {
                    Value::Text(t) => Ok(t),
                    _ => Err(corrupt("a holder is not text".into())),
                })
                .collect::<Result<Vec<_>, _>>()?;
            if names.len() != usize::from(n) {
                return Err(corrupt(format!("{} holders for {n} shares", names.len())));
            }
            for h in &names {
                check_holder(h).map_err(|e| corrupt(e.to_string()))?;
            }
            names
        }
        Some(_) => return Err(corrupt("\"holders\" is not an array".into())),
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
    };
    Ok(Parsed { info, key_share, nonce, ciphertext })
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
        if p.nonce != reference.nonce || p.ciphertext != reference.ciphertext {
            return Err(disagree("they carry different encrypted data"));
        }
        match g.parsed.iter().find(|q| q.info.x == info.x) {
            Some(q) if q.key_share == p.key_share => {} // the same share again
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
        let shares = split(b"\xa1\x61v\x01", InnerKind::Sheet, 2, 3, &[]).unwrap();
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
        let shares = split(b"\xa0", InnerKind::Sheet, 2, 2, &[]).unwrap();
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
}
