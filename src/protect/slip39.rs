//! SLIP-39: Shamir's Secret-Sharing for Mnemonic Codes.
//!
//! Wordlist `slip39_wordlist.txt`: SatoshiLabs' python-shamir-mnemonic, MIT (notice: tests/data/vectors/LICENSE).
//!
//! An implementation of <https://github.com/satoshilabs/slips/blob/master/slip-0039.md>,
//! including the extendable-backup flag:
//!
//! - [`split`] makes one group of `T`-of-`N` member shares of a master secret (group
//!   threshold 1, group count 1), encrypted with a passphrase as the spec says;
//! - [`combine`] recovers the master secret from any valid set of shares, with one group
//!   or several;
//! - [`Share::to_mnemonic`] / [`Share::from_mnemonic`] convert a share to and from its
//!   words, with the RS1024 checksum.
//!
//! What this module adds to the letter of the spec:
//!
//! - words may be typed in any case, with any whitespace between them, and each may be
//!   shortened to its first four letters (or any longer prefix): SLIP-39 words are unique
//!   in their first four letters;
//! - when the checksum fails and a single word could be the cause, the error names its
//!   position (the spec allows "suggesting to the user where in the mnemonic an error might
//!   be found, without suggesting the correction");
//! - [`combine`] accepts more shares than needed (the spec asks for exactly the
//!   thresholds, as the reference library does; the reference CLI, like this module, takes
//!   the first complete subset). The same share given twice counts once.
//!
//! Errors never quote the mnemonic: they name word positions and share numbers.
//!
//! Secret bytes (master secret, share values, intermediate values) are held in
//! [`Zeroizing`] buffers. The GF(256) arithmetic applied to secret bytes is free of
//! secret-dependent branches and table look-ups; the Lagrange coefficients, which depend
//! only on the public share indices, are computed the same way.

use std::fmt;
use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

type HmacSha256 = Hmac<Sha256>;

/// Bits per word: the wordlist has 1024 words.
const RADIX_BITS: usize = 10;
/// Words holding the identifier, the extendable flag and the iteration exponent.
const ID_EXP_WORDS: usize = 2;
/// Words holding the group and member indices and thresholds.
const PARAMS_WORDS: usize = 2;
/// Words of the RS1024 checksum.
const CHECKSUM_WORDS: usize = 3;
/// Words of a share that are not its value.
const METADATA_WORDS: usize = ID_EXP_WORDS + PARAMS_WORDS + CHECKSUM_WORDS;
/// The shortest master secret, in bytes (128 bits).
pub const MIN_SECRET_BYTES: usize = 16;
/// The shortest mnemonic: a 128-bit value takes 13 words.
const MIN_WORDS: usize = METADATA_WORDS + (MIN_SECRET_BYTES * 8).div_ceil(RADIX_BITS);
/// The most shares in a group, and the most groups.
pub const MAX_SHARE_COUNT: u8 = 16;
/// The largest iteration exponent (4 bits).
pub const MAX_ITERATION_EXPONENT: u8 = 15;
/// Length of the digest at the front of the share at x = 254.
const DIGEST_LEN: usize = 4;
const DIGEST_INDEX: u8 = 254;
const SECRET_INDEX: u8 = 255;
/// PBKDF2 iterations over all four Feistel rounds, for iteration exponent 0.
const BASE_ITERATIONS: u32 = 10_000;
const ROUNDS: u8 = 4;
const CUSTOMIZATION: &[u8] = b"shamir";
const CUSTOMIZATION_EXTENDABLE: &[u8] = b"shamir_extendable";

static WORDLIST_TEXT: &str = include_str!("slip39_wordlist.txt");

/// The 1024 SLIP-39 words, in order (word `i` encodes the 10-bit value `i`).
pub fn wordlist() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let words: Vec<&'static str> = WORDLIST_TEXT.lines().map(str::trim).filter(|w| !w.is_empty()).collect();
        assert_eq!(words.len(), 1024, "the embedded SLIP-39 wordlist must have 1024 words");
        words
    })
}

/// Everything that can go wrong in this module. Messages name word positions (1-based)
/// and share numbers (1-based, in the order given), never the words themselves.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Slip39Error {
    // ---- reading a mnemonic ----
    #[error("word {position} is not a SLIP-39 word")]
    UnknownWord { position: usize },
    #[error("the share has {words} words but a SLIP-39 share has at least {MIN_WORDS}")]
    TooFewWords { words: usize },
    #[error("no SLIP-39 share has {words} words (valid lengths include 20 for 128-bit and 33 for 256-bit secrets)")]
    InvalidWordCount { words: usize },
    #[error("the checksum does not match: {}", describe_suspect(*suspect))]
    Checksum {
        /// The 1-based position of the only word whose change could make the checksum
        /// match, when there is exactly one such position.
        suspect: Option<usize>,
    },
    #[error("the share's padding bits are not zero: it is not a valid SLIP-39 share")]
    InvalidPadding,
    #[error(
        "the share's group threshold ({threshold}) exceeds its group count ({count}): it is not a valid SLIP-39 share"
    )]
    GroupThresholdExceedsCount { threshold: u8, count: u8 },

    // ---- combining shares ----
    #[error("no shares were given")]
    NoShares,
    #[error("share {share} is from a different backup than share 1: its identifier differs")]
    IdentifierMismatch { share: usize },
    #[error("share {share} is from a different backup than share 1: its extendable-backup flag differs")]
    ExtendableMismatch { share: usize },
    #[error("share {share} has iteration exponent {other} but share 1 has {first}: they are from different backups")]
    IterationExponentMismatch { share: usize, first: u8, other: u8 },
    #[error("share {share} has group threshold {other} but share 1 has {first}: they are from different backups")]
    GroupThresholdMismatch { share: usize, first: u8, other: u8 },
    #[error("share {share} has group count {other} but share 1 has {first}: they are from different backups")]
    GroupCountMismatch { share: usize, first: u8, other: u8 },
    #[error("share {share} holds {other} bytes but share 1 holds {first}: they are from different backups")]
    LengthMismatch { share: usize, first: usize, other: usize },
    #[error("share {share} is in group {group} but the backup has only {count} groups")]
    GroupIndexOutOfRange { share: usize, group: u8, count: u8 },
    #[error(
        "share {share} has member threshold {other} in group {group} but an earlier share of that group has {first}: they are from different backups"
    )]
    MemberThresholdMismatch { share: usize, group: u8, first: u8, other: u8 },
    #[error(
        "share {share} and share {earlier} are both member {member} of group {group} but differ: they are from different backups or one was altered"
    )]
    DuplicateMemberIndex { share: usize, earlier: usize, group: u8, member: u8 },
    #[error("not enough shares: {have} distinct share(s) given, {need} needed")]
    NotEnoughShares { have: usize, need: u8 },
    #[error("not enough groups: {complete} complete of the {need} needed; {}", describe_groups(groups))]
    NotEnoughGroups {
        complete: usize,
        need: u8,
        /// Every group that was given shares: (group number, shares given, shares needed).
        groups: Vec<(u8, usize, u8)>,
    },
    #[error(
        "the shares do not fit together{}: the digest check failed",
        group.map(|g| format!(" in group {g}")).unwrap_or_default()
    )]
    DigestMismatch {
        /// The group number whose members failed, or `None` for the combination of groups.
        group: Option<u8>,
    },

    // ---- splitting ----
    #[error("the master secret is {len} bytes; SLIP-39 needs at least {MIN_SECRET_BYTES} bytes and an even number")]
    MasterSecretLength { len: usize },
    #[error(
        "a threshold of {threshold} of {count} shares is impossible: the threshold must be between 1 and the share count"
    )]
    InvalidThreshold { threshold: u8, count: u8 },
    #[error("{count} shares requested; SLIP-39 allows at most {MAX_SHARE_COUNT}")]
    TooManyShares { count: u8 },
    #[error("1-of-{count} sharing is not allowed by SLIP-39: all its shares would hold the same value")]
    OneOfMany { count: u8 },
    #[error("iteration exponent {exponent} is out of range (0 to {MAX_ITERATION_EXPONENT})")]
    IterationExponent { exponent: u8 },
    #[error("the passphrase must be printable ASCII (space to '~'), as SLIP-39 requires")]
    InvalidPassphrase,
}

impl Slip39Error {
    /// What to do about it, apart from the message.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            Slip39Error::UnknownWord { .. } => "each word can be typed in full or by its first 4 or more letters",
            Slip39Error::TooFewWords { .. } => "a word may be missing",
            Slip39Error::InvalidWordCount { .. } => "a word may be missing or repeated",
            Slip39Error::IdentifierMismatch { .. }
            | Slip39Error::ExtendableMismatch { .. }
            | Slip39Error::IterationExponentMismatch { .. } => "all shares of one backup begin with the same two words",
            Slip39Error::LengthMismatch { .. } => "shares of one backup have the same number of words",
            Slip39Error::DigestMismatch { .. } => {
                "they may come from different backups that share an identifier, or one was altered"
            }
            Slip39Error::OneOfMany { .. } => "make a single 1-of-1 share and copy it",
            _ => return None,
        })
    }
}

fn describe_suspect(suspect: Option<usize>) -> String {
    match suspect {
        Some(p) => format!("word {p} is probably wrong"),
        None => "more than one word is wrong, or words are swapped".to_string(),
    }
}

fn describe_groups(groups: &[(u8, usize, u8)]) -> String {
    if groups.is_empty() {
        return "no group has shares".to_string();
    }
    let each = groups.iter().map(|&(g, have, need)| {
        if have >= usize::from(need) {
            format!("group {g} (complete)")
        } else {
            format!("group {g} ({have} of {need} shares)")
        }
    });
    format!("shares given: {}", each.collect::<Vec<_>>().join(", "))
}

/// One SLIP-39 share: its metadata and its value. Made by [`split`] or
/// [`Share::from_mnemonic`], so always encodable.
///
/// Indices are stored as the spec's x values (0-based); error messages count groups and
/// members from 1. `Debug` does not show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Share {
    identifier: u16,
    extendable: bool,
    iteration_exponent: u8,
    group_index: u8,
    group_threshold: u8,
    group_count: u8,
    member_index: u8,
    member_threshold: u8,
    value: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Share")
            .field("identifier", &self.identifier)
            .field("extendable", &self.extendable)
            .field("iteration_exponent", &self.iteration_exponent)
            .field("group_index", &self.group_index)
            .field("group_threshold", &self.group_threshold)
            .field("group_count", &self.group_count)
            .field("member_index", &self.member_index)
            .field("member_threshold", &self.member_threshold)
            .field("value", &format_args!("<{} bytes>", self.value.len()))
            .finish()
    }
}

impl Share {
    /// The random 15-bit identifier shared by all shares of one backup.
    pub fn identifier(&self) -> u16 {
        self.identifier
    }
    /// The extendable-backup flag: when set, the identifier is not part of the
    /// encryption salt, so other share sets of the same secret can be made later.
    pub fn extendable(&self) -> bool {
        self.extendable
    }
    /// PBKDF2 runs 10000 × 2^e iterations in all.
    pub fn iteration_exponent(&self) -> u8 {
        self.iteration_exponent
    }
    /// The group's x value, 0-based.
    pub fn group_index(&self) -> u8 {
        self.group_index
    }
    /// How many groups are needed (1 to 16).
    pub fn group_threshold(&self) -> u8 {
        self.group_threshold
    }
    /// How many groups there are (1 to 16).
    pub fn group_count(&self) -> u8 {
        self.group_count
    }
    /// The member's x value in its group, 0-based.
    pub fn member_index(&self) -> u8 {
        self.member_index
    }
    /// How many members of this share's group are needed (1 to 16).
    pub fn member_threshold(&self) -> u8 {
        self.member_threshold
    }
    /// The share value (as long as the master secret).
    pub fn value(&self) -> &[u8] {
        &self.value
    }

    /// The share as word indices, checksum included.
    fn to_indices(&self) -> Zeroizing<Vec<u16>> {
        let value_words = (self.value.len() * 8).div_ceil(RADIX_BITS);
        let mut out = Zeroizing::new(Vec::with_capacity(METADATA_WORDS + value_words));
        let id_exp = (u32::from(self.identifier) << 5)
            | (u32::from(self.extendable) << 4)
            | u32::from(self.iteration_exponent & 0x0f);
        out.push((id_exp >> 10) as u16);
        out.push((id_exp & 0x3ff) as u16);
        let params = (u32::from(self.group_index) << 16)
            | (u32::from(self.group_threshold - 1) << 12)
            | (u32::from(self.group_count - 1) << 8)
            | (u32::from(self.member_index) << 4)
            | u32::from(self.member_threshold - 1);
        out.push((params >> 10) as u16);
        out.push((params & 0x3ff) as u16);
        // The value, left-padded with zero bits to a whole number of words.
        let mut acc: u32 = 0;
        let mut bits = value_words * RADIX_BITS - self.value.len() * 8;
        for &b in self.value.iter() {
            acc = (acc << 8) | u32::from(b);
            bits += 8;
            if bits >= RADIX_BITS {
                bits -= RADIX_BITS;
                out.push(((acc >> bits) & 0x3ff) as u16);
                acc &= (1 << bits) - 1;
            }
        }
        debug_assert_eq!(bits, 0);
        acc.zeroize();
        let checksum = rs1024_create_checksum(&out, self.extendable);
        out.extend_from_slice(&checksum);
        out
    }

    /// The share's words, checksum included.
    pub fn to_words(&self) -> Vec<&'static str> {
        let words = wordlist();
        self.to_indices().iter().map(|&i| words[usize::from(i)]).collect()
    }

    /// The share's words separated by single spaces.
    pub fn to_mnemonic(&self) -> String {
        self.to_words().join(" ")
    }

    /// Reads a share from its words: any case, any whitespace between words, each word in
    /// full or by its first 4 or more letters. Checks the length, the RS1024 checksum, the
    /// padding and that the group threshold does not exceed the group count.
    pub fn from_mnemonic(mnemonic: &str) -> Result<Share, Slip39Error> {
        let mut indices = Zeroizing::new(Vec::new());
        for (i, word) in mnemonic.split_whitespace().enumerate() {
            indices.push(word_index(word).ok_or(Slip39Error::UnknownWord { position: i + 1 })?);
        }
        Share::from_indices(&indices)
    }

    fn from_indices(idx: &[u16]) -> Result<Share, Slip39Error> {
        let n = idx.len();
        if n < MIN_WORDS {
            return Err(Slip39Error::TooFewWords { words: n });
        }
        let value_words = n - METADATA_WORDS;
        // The value is a whole number of 16-bit units, so the padding is this long.
        let padding = (value_words * RADIX_BITS) % 16;
        if padding > 8 {
            return Err(Slip39Error::InvalidWordCount { words: n });
        }
        let id_exp = (u32::from(idx[0]) << 10) | u32::from(idx[1]);
        let identifier = (id_exp >> 5) as u16;
        let extendable = (id_exp >> 4) & 1 == 1;
        let iteration_exponent = (id_exp & 0x0f) as u8;
        if !rs1024_verify(idx, extendable) {
            return Err(Slip39Error::Checksum { suspect: locate_error(idx) });
        }
        let params = (u32::from(idx[2]) << 10) | u32::from(idx[3]);
        let nibble = |shift: u32| ((params >> shift) & 0x0f) as u8;
        let group_index = nibble(16);
        let group_threshold = nibble(12) + 1;
        let group_count = nibble(8) + 1;
        let member_index = nibble(4);
        let member_threshold = nibble(0) + 1;
        if group_threshold > group_count {
            return Err(Slip39Error::GroupThresholdExceedsCount { threshold: group_threshold, count: group_count });
        }

        let data = &idx[ID_EXP_WORDS + PARAMS_WORDS..n - CHECKSUM_WORDS];
        let len = (value_words * RADIX_BITS - padding) / 8;
        let mut value = Zeroizing::new(Vec::with_capacity(len));
        let mut acc: u32 = 0;
        let mut bits = 0;
        for (k, &w) in data.iter().enumerate() {
            acc = (acc << RADIX_BITS) | u32::from(w);
            bits += RADIX_BITS;
            if k == 0 {
                bits -= padding;
                if acc >> bits != 0 {
                    return Err(Slip39Error::InvalidPadding);
                }
            }
            while bits >= 8 {
                bits -= 8;
                value.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        acc.zeroize();
        debug_assert_eq!(value.len(), len);
        Ok(Share {
            identifier,
            extendable,
            iteration_exponent,
            group_index,
            group_threshold,
            group_count,
            member_index,
            member_threshold,
            value,
        })
    }
}

/// The index of a word typed in any case, in full or by a prefix of 4 or more letters.
fn word_index(word: &str) -> Option<u16> {
    let bytes = word.as_bytes();
    if !(4..=8).contains(&bytes.len()) {
        return None;
    }
    let mut buf = [0u8; 8];
    let mut ok = true;
    for (d, &s) in buf.iter_mut().zip(bytes) {
        ok &= s.is_ascii_alphabetic();
        *d = s.to_ascii_lowercase();
    }
    let typed = &buf[..bytes.len()];
    let words = wordlist();
    // The first word not less than what was typed is the only one that can start with it,
    // since no two words share their first 4 letters.
    let i = words.partition_point(|w| w.as_bytes() < typed);
    let found = ok && i < words.len() && words[i].as_bytes().starts_with(typed);
    buf.zeroize();
    found.then_some(i as u16)
}

// ---------------------------------------------------------------------------------------
// RS1024 checksum

const RS1024_GEN: [u32; 10] =
    [0xE0E040, 0x1C1C080, 0x3838100, 0x7070200, 0xE0E0009, 0x1C0C2412, 0x38086C24, 0x3090FC48, 0x21B1F890, 0x3F3F120];

fn rs1024_step(chk: u32, v: u16) -> u32 {
    let b = chk >> 20;
    let mut chk = ((chk & 0xFFFFF) << 10) ^ u32::from(v);
    for (i, g) in RS1024_GEN.iter().enumerate() {
        chk ^= g & 0u32.wrapping_sub((b >> i) & 1);
    }
    chk
}

fn customization(extendable: bool) -> &'static [u8] {
    if extendable { CUSTOMIZATION_EXTENDABLE } else { CUSTOMIZATION }
}

fn rs1024_start(extendable: bool) -> u32 {
    customization(extendable).iter().fold(1, |chk, &c| rs1024_step(chk, u16::from(c)))
}

fn rs1024_polymod(extendable: bool, data: &[u16]) -> u32 {
    data.iter().fold(rs1024_start(extendable), |chk, &v| rs1024_step(chk, v))
}

fn rs1024_create_checksum(data: &[u16], extendable: bool) -> [u16; CHECKSUM_WORDS] {
    let chk = [0u16; CHECKSUM_WORDS].iter().fold(rs1024_polymod(extendable, data), |c, &v| rs1024_step(c, v)) ^ 1;
    [((chk >> 20) & 0x3ff) as u16, ((chk >> 10) & 0x3ff) as u16, (chk & 0x3ff) as u16]
}

fn rs1024_verify(data: &[u16], extendable: bool) -> bool {
    rs1024_polymod(extendable, data) == 1
}

/// The 1-based position of the one word whose replacement by some other word would make
/// the checksum valid, if exactly one position works. RS1024 has distance 4, so a single
/// wrong word is always found here, two wrong words never point anywhere, and three or
/// more can (rarely) point at a wrong position: the message says "probably".
fn locate_error(idx: &[u16]) -> Option<usize> {
    let starts = [rs1024_start(false), rs1024_start(true)];
    // prefix[e][p]: the checksum state after the customization string `e` and words ..p.
    let prefix: Vec<Vec<u32>> = starts
        .iter()
        .map(|&s| {
            let mut v = Vec::with_capacity(idx.len());
            let mut chk = s;
            for &w in idx {
                v.push(chk);
                chk = rs1024_step(chk, w);
            }
            v
        })
        .collect();
    let current_ext = (idx[1] >> 4) & 1 == 1;
    let mut found = None;
    for pos in 0..idx.len() {
        for v in 0..1024u16 {
            if v == idx[pos] {
                continue;
            }
            // Words 1 and 2 hold the extendable flag, which picks the customization string.
            let ext = if pos == 1 { (v >> 4) & 1 == 1 } else { current_ext };
            let mut chk = rs1024_step(prefix[usize::from(ext)][pos], v);
            for &w in &idx[pos + 1..] {
                chk = rs1024_step(chk, w);
            }
            if chk == 1 {
                if found.is_some_and(|f| f != pos + 1) {
                    return None;
                }
                found = Some(pos + 1);
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// GF(256) with the Rijndael polynomial x^8 + x^4 + x^3 + x + 1, without branches or
// look-ups on the operands: the same field as paperseed's version-1 Shamir code.

use super::shamir::{inv as gf_inv, mul as gf_mul};

/// f(x) for the polynomials through the points (x_i, y_i), byte by byte. The x_i must be
/// distinct and the y_i of equal length.
fn interpolate(points: &[(u8, &[u8])], x: u8) -> Zeroizing<Vec<u8>> {
    let len = points[0].1.len();
    let mut result = Zeroizing::new(vec![0u8; len]);
    for (i, &(xi, yi)) in points.iter().enumerate() {
        debug_assert_eq!(yi.len(), len);
        let mut num = 1u8;
        let mut den = 1u8;
        for (j, &(xj, _)) in points.iter().enumerate() {
            if j != i {
                num = gf_mul(num, x ^ xj);
                den = gf_mul(den, xi ^ xj);
            }
        }
        let basis = gf_mul(num, gf_inv(den));
        for (r, &y) in result.iter_mut().zip(yi) {
            *r ^= gf_mul(y, basis);
        }
    }
    result
}

fn digest(random_part: &[u8], secret: &[u8]) -> [u8; DIGEST_LEN] {
    let mut mac = HmacSha256::new_from_slice(random_part).expect("HMAC takes any key length");
    mac.update(secret);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; DIGEST_LEN];
    out.copy_from_slice(&full[..DIGEST_LEN]);
    out
}

/// The spec's SplitSecret: `count` share values, for x = 0 .. count-1.
fn split_secret(threshold: u8, count: u8, secret: &[u8], rng: &mut impl FnMut(&mut [u8])) -> Vec<Zeroizing<Vec<u8>>> {
    if threshold == 1 {
        return (0..count).map(|_| Zeroizing::new(secret.to_vec())).collect();
    }
    let n = secret.len();
    let random_count = threshold - 2;
    let mut random_shares: Vec<Zeroizing<Vec<u8>>> = Vec::new();
    for _ in 0..random_count {
        let mut v = Zeroizing::new(vec![0u8; n]);
        rng(&mut v);
        random_shares.push(v);
    }
    let mut digest_share = Zeroizing::new(vec![0u8; n]);
    rng(&mut digest_share[DIGEST_LEN..]);
    let d = digest(&digest_share[DIGEST_LEN..], secret);
    digest_share[..DIGEST_LEN].copy_from_slice(&d);

    let mut base: Vec<(u8, &[u8])> = random_shares.iter().enumerate().map(|(i, v)| (i as u8, v.as_slice())).collect();
    base.push((DIGEST_INDEX, &digest_share));
    base.push((SECRET_INDEX, secret));
    let mut out: Vec<Zeroizing<Vec<u8>>> = random_shares.clone();
    for x in random_count..count {
        out.push(interpolate(&base, x));
    }
    out
}

/// The spec's RecoverSecret; `None` when the digest does not match.
fn recover_secret(threshold: u8, points: &[(u8, &[u8])]) -> Option<Zeroizing<Vec<u8>>> {
    if threshold == 1 {
        return Some(Zeroizing::new(points[0].1.to_vec()));
    }
    let secret = interpolate(points, SECRET_INDEX);
    let digest_share = interpolate(points, DIGEST_INDEX);
    let expected = digest(&digest_share[DIGEST_LEN..], &secret);
    let diff = expected.iter().zip(&digest_share[..DIGEST_LEN]).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    (diff == 0).then_some(secret)
}

// ---------------------------------------------------------------------------------------
// Encryption: a 4-round Feistel network with PBKDF2-HMAC-SHA256 as round function.

fn pbkdf2_hmac_sha256(password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    let prf = HmacSha256::new_from_slice(password).expect("HMAC takes any key length");
    for (block, chunk) in out.chunks_mut(32).enumerate() {
        let mut mac = prf.clone();
        mac.update(salt);
        mac.update(&(block as u32 + 1).to_be_bytes());
        let mut u = [0u8; 32];
        u.copy_from_slice(&mac.finalize().into_bytes());
        let mut t = u;
        for _ in 1..iterations {
            let mut mac = prf.clone();
            mac.update(&u);
            u.copy_from_slice(&mac.finalize().into_bytes());
            for (a, b) in t.iter_mut().zip(&u) {
                *a ^= b;
            }
        }
        chunk.copy_from_slice(&t[..chunk.len()]);
        u.zeroize();
        t.zeroize();
    }
}

fn feistel(
    input: &[u8],
    passphrase: &[u8],
    iteration_exponent: u8,
    identifier: u16,
    extendable: bool,
    rounds: impl Iterator<Item = u8>,
) -> Zeroizing<Vec<u8>> {
    let half = input.len() / 2;
    let mut l = Zeroizing::new(input[..half].to_vec());
    let mut r = Zeroizing::new(input[half..].to_vec());
    let mut salt = Zeroizing::new(Vec::new());
    if !extendable {
        salt.extend_from_slice(CUSTOMIZATION);
        salt.extend_from_slice(&identifier.to_be_bytes());
    }
    let salt_prefix = salt.len();
    let iterations = (BASE_ITERATIONS << iteration_exponent) / u32::from(ROUNDS);
    let mut password = Zeroizing::new(Vec::with_capacity(1 + passphrase.len()));
    let mut f = Zeroizing::new(vec![0u8; half]);
    for i in rounds {
        password.clear();
        password.push(i);
        password.extend_from_slice(passphrase);
        salt.truncate(salt_prefix);
        salt.extend_from_slice(&r);
        pbkdf2_hmac_sha256(&password, &salt, iterations, &mut f);
        for (a, b) in l.iter_mut().zip(f.iter()) {
            *a ^= b;
        }
        // (L, R) = (R, L xor F(i, R))
        std::mem::swap(&mut l, &mut r);
    }
    let mut out = Zeroizing::new(Vec::with_capacity(input.len()));
    out.extend_from_slice(&r);
    out.extend_from_slice(&l);
    out
}

fn encrypt(master_secret: &[u8], passphrase: &[u8], e: u8, identifier: u16, extendable: bool) -> Zeroizing<Vec<u8>> {
    feistel(master_secret, passphrase, e, identifier, extendable, 0..ROUNDS)
}

fn decrypt(ems: &[u8], passphrase: &[u8], e: u8, identifier: u16, extendable: bool) -> Zeroizing<Vec<u8>> {
    feistel(ems, passphrase, e, identifier, extendable, (0..ROUNDS).rev())
}

// ---------------------------------------------------------------------------------------
// Split and combine

/// Splits `master_secret` into `member_count` shares of one group, any `member_threshold`
/// of which recover it (group threshold 1, group count 1), encrypted with `passphrase`.
///
/// - `master_secret`: at least 16 bytes, an even number;
/// - `member_threshold` of `member_count`: 1 ≤ T ≤ N ≤ 16; 1-of-1 is allowed (the share
///   then holds the encrypted secret itself) but not 1-of-N for N > 1, which SLIP-39
///   forbids;
/// - `passphrase`: printable ASCII (may be empty);
/// - `iteration_exponent`: 0 to 15; PBKDF2 runs 10000 × 2^e iterations in all;
/// - `extendable`: the extendable-backup flag;
/// - `rng` fills buffers with random bytes: it must be a cryptographic generator. It is
///   called for the identifier (2 bytes), then the T − 2 random shares, then the random
///   part of the digest share, in the reference implementation's order.
///
/// The shares come back in member-index order (0 .. N-1).
pub fn split(
    master_secret: &[u8],
    member_threshold: u8,
    member_count: u8,
    passphrase: &[u8],
    iteration_exponent: u8,
    extendable: bool,
    rng: &mut impl FnMut(&mut [u8]),
) -> Result<Vec<Share>, Slip39Error> {
    let len = master_secret.len();
    if len < MIN_SECRET_BYTES || !len.is_multiple_of(2) {
        return Err(Slip39Error::MasterSecretLength { len });
    }
    if member_count > MAX_SHARE_COUNT {
        return Err(Slip39Error::TooManyShares { count: member_count });
    }
    if member_threshold == 0 || member_threshold > member_count {
        return Err(Slip39Error::InvalidThreshold { threshold: member_threshold, count: member_count });
    }
    if member_threshold == 1 && member_count > 1 {
        return Err(Slip39Error::OneOfMany { count: member_count });
    }
    if iteration_exponent > MAX_ITERATION_EXPONENT {
        return Err(Slip39Error::IterationExponent { exponent: iteration_exponent });
    }
    if !passphrase.iter().all(|&c| (32..=126).contains(&c)) {
        return Err(Slip39Error::InvalidPassphrase);
    }
    let mut id = [0u8; 2];
    rng(&mut id);
    let identifier = u16::from_be_bytes(id) & 0x7fff;
    let ems = encrypt(master_secret, passphrase, iteration_exponent, identifier, extendable);
    // One group: SplitSecret(1, 1, EMS) is EMS itself.
    let values = split_secret(member_threshold, member_count, &ems, rng);
    Ok(values
        .into_iter()
        .enumerate()
        .map(|(i, value)| Share {
            identifier,
            extendable,
            iteration_exponent,
            group_index: 0,
            group_threshold: 1,
            group_count: 1,
            member_index: i as u8,
            member_threshold,
            value,
        })
        .collect())
}

/// Recovers the master secret from shares of one backup, decrypting it with `passphrase`
/// (any passphrase gives some secret: a wrong one cannot be detected).
///
/// Checks, each with its own error: all shares share the identifier, extendable flag,
/// iteration exponent, group threshold, group count and length; each group index is below
/// the group count; the shares of a group agree on the member threshold; no two shares of
/// a group have the same member index with different values (the same share twice counts
/// once); enough groups are complete; the digests match.
///
/// Extra shares are not used: the first `group threshold` complete groups (by group index)
/// are combined, each from its first `member threshold` shares in the order given.
pub fn combine(shares: &[Share], passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>, Slip39Error> {
    let first = shares.first().ok_or(Slip39Error::NoShares)?;
    for (i, s) in shares.iter().enumerate().skip(1) {
        let share = i + 1;
        if s.identifier != first.identifier {
            return Err(Slip39Error::IdentifierMismatch { share });
        }
        if s.extendable != first.extendable {
            return Err(Slip39Error::ExtendableMismatch { share });
        }
        if s.iteration_exponent != first.iteration_exponent {
            return Err(Slip39Error::IterationExponentMismatch {
                share,
                first: first.iteration_exponent,
                other: s.iteration_exponent,
            });
        }
        if s.group_threshold != first.group_threshold {
            return Err(Slip39Error::GroupThresholdMismatch {
                share,
                first: first.group_threshold,
                other: s.group_threshold,
            });
        }
        if s.group_count != first.group_count {
            return Err(Slip39Error::GroupCountMismatch { share, first: first.group_count, other: s.group_count });
        }
        if s.value.len() != first.value.len() {
            return Err(Slip39Error::LengthMismatch { share, first: first.value.len(), other: s.value.len() });
        }
    }
    if first.group_threshold > first.group_count {
        return Err(Slip39Error::GroupThresholdExceedsCount {
            threshold: first.group_threshold,
            count: first.group_count,
        });
    }

    // Shares by group index, each with its 1-based number in the input.
    let mut groups: Vec<Vec<(usize, &Share)>> = vec![Vec::new(); usize::from(MAX_SHARE_COUNT)];
    for (i, s) in shares.iter().enumerate() {
        let share = i + 1;
        if s.group_index >= s.group_count {
            return Err(Slip39Error::GroupIndexOutOfRange { share, group: s.group_index + 1, count: s.group_count });
        }
        let group = &mut groups[usize::from(s.group_index)];
        if let Some((_, f)) = group.first()
            && f.member_threshold != s.member_threshold
        {
            return Err(Slip39Error::MemberThresholdMismatch {
                share,
                group: s.group_index + 1,
                first: f.member_threshold,
                other: s.member_threshold,
            });
        }
        if let Some(&(earlier, d)) = group.iter().find(|(_, d)| d.member_index == s.member_index) {
            if d.value != s.value {
                return Err(Slip39Error::DuplicateMemberIndex {
                    share,
                    earlier,
                    group: s.group_index + 1,
                    member: s.member_index + 1,
                });
            }
            continue;
        }
        group.push((share, s));
    }

    let need_groups = first.group_threshold;
    let complete: Vec<(u8, &[(usize, &Share)])> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.first().is_some_and(|(_, s)| g.len() >= usize::from(s.member_threshold)))
        .map(|(gi, g)| (gi as u8, g.as_slice()))
        .collect();
    if complete.len() < usize::from(need_groups) {
        if first.group_count == 1 {
            return Err(Slip39Error::NotEnoughShares { have: groups[0].len(), need: first.member_threshold });
        }
        return Err(Slip39Error::NotEnoughGroups {
            complete: complete.len(),
            need: need_groups,
            groups: groups
                .iter()
                .enumerate()
                .filter_map(|(gi, g)| g.first().map(|(_, s)| (gi as u8 + 1, g.len(), s.member_threshold)))
                .collect(),
        });
    }

    let mut group_secrets: Vec<(u8, Zeroizing<Vec<u8>>)> = Vec::new();
    for &(gi, members) in complete.iter().take(usize::from(need_groups)) {
        let t = members[0].1.member_threshold;
        let points: Vec<(u8, &[u8])> =
            members.iter().take(usize::from(t)).map(|(_, s)| (s.member_index, s.value.as_slice())).collect();
        let secret = recover_secret(t, &points)
            .ok_or(Slip39Error::DigestMismatch { group: (first.group_count > 1).then_some(gi + 1) })?;
        group_secrets.push((gi, secret));
    }
    let points: Vec<(u8, &[u8])> = group_secrets.iter().map(|(gi, s)| (*gi, s.as_slice())).collect();
    let ems = recover_secret(need_groups, &points).ok_or(Slip39Error::DigestMismatch { group: None })?;
    Ok(decrypt(&ems, passphrase, first.iteration_exponent, first.identifier, first.extendable))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// A deterministic byte stream for tests (not random).
    fn counter_rng() -> impl FnMut(&mut [u8]) {
        let mut next = 0u8;
        move |buf: &mut [u8]| {
            for b in buf {
                *b = next;
                next = next.wrapping_mul(5).wrapping_add(17);
            }
        }
    }

    fn parse_all(mnemonics: &[String]) -> Result<Vec<Share>, Slip39Error> {
        mnemonics.iter().map(|m| Share::from_mnemonic(m)).collect()
    }

    #[test]
    fn slip39_wordlist_is_sorted_with_unique_four_letter_prefixes() {
        let words = wordlist();
        assert_eq!(words.len(), 1024);
        assert_eq!(words[0], "academic");
        assert_eq!(words[1023], "zero");
        for pair in words.windows(2) {
            assert!(pair[0] < pair[1], "{} / {}", pair[0], pair[1]);
            assert_ne!(pair[0][..4], pair[1][..4]);
        }
        for (i, w) in words.iter().enumerate() {
            assert!((4..=8).contains(&w.len()) && w.bytes().all(|c| c.is_ascii_lowercase()));
            assert_eq!(word_index(w), Some(i as u16));
            assert_eq!(word_index(&w[..4]), Some(i as u16));
            assert_eq!(word_index(&w.to_uppercase()), Some(i as u16));
            assert_eq!(word_index(&w[..3]), None);
        }
        assert_eq!(word_index("academics"), None);
        assert_eq!(word_index("acadx"), None);
        assert_eq!(word_index("acïd"), None);
    }

    #[test]
    fn slip39_pbkdf2_known_answers() {
        // RFC 7914, section 11.
        let mut out = [0u8; 64];
        pbkdf2_hmac_sha256(b"passwd", b"salt", 1, &mut out);
        assert_eq!(
            hex(&out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        );
        pbkdf2_hmac_sha256(b"Password", b"NaCl", 80000, &mut out);
        assert_eq!(
            hex(&out),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
        );
    }

    #[test]
    fn slip39_gf256_field_laws() {
        // Against the log/exp tables of the reference implementation (generator x + 1).
        let mut exp = [0u8; 255];
        let mut poly: u16 = 1;
        for e in exp.iter_mut() {
            *e = poly as u8;
            poly = (poly << 1) ^ poly;
            if poly & 0x100 != 0 {
                poly ^= 0x11b;
            }
        }
        for i in 0..255 {
            for j in 0..255 {
                assert_eq!(gf_mul(exp[i], exp[j]), exp[(i + j) % 255]);
            }
            assert_eq!(gf_mul(exp[i], 0), 0);
        }
        for a in 1..=255u8 {
            assert_eq!(gf_mul(a, gf_inv(a)), 1);
        }
    }

    #[derive(serde::Deserialize)]
    struct Vector(String, Vec<String>, String, String);

    fn vectors() -> Vec<Vector> {
        serde_json::from_str(include_str!("../../tests/data/vectors/slip39-trezor-vectors.json")).unwrap()
    }

    type Check = fn(&Slip39Error) -> bool;

    /// The error an invalid vector must give, from its description.
    fn expected_error(description: &str) -> Check {
        let table: [(&str, Check); 15] = [
            ("invalid checksum", |e| matches!(e, Slip39Error::Checksum { .. })),
            ("invalid padding", |e| matches!(e, Slip39Error::InvalidPadding)),
            ("Basic sharing 2-of-3", |e| matches!(e, Slip39Error::NotEnoughShares { have: 1, need: 2 })),
            ("different identifiers", |e| matches!(e, Slip39Error::IdentifierMismatch { share: 2 })),
            ("different iteration exponents", |e| matches!(e, Slip39Error::IterationExponentMismatch { .. })),
            ("mismatching group thresholds", |e| matches!(e, Slip39Error::GroupThresholdMismatch { .. })),
            ("mismatching group counts", |e| matches!(e, Slip39Error::GroupCountMismatch { .. })),
            ("greater group threshold than group counts", |e| {
                matches!(e, Slip39Error::GroupThresholdExceedsCount { .. })
            }),
            ("duplicate member indices", |e| matches!(e, Slip39Error::DuplicateMemberIndex { .. })),
            ("mismatching member thresholds", |e| matches!(e, Slip39Error::MemberThresholdMismatch { .. })),
            ("invalid digest", |e| matches!(e, Slip39Error::DigestMismatch { .. })),
            ("Insufficient number of groups", |e| matches!(e, Slip39Error::NotEnoughGroups { .. })),
            ("insufficient number of members", |e| matches!(e, Slip39Error::NotEnoughGroups { .. })),
            ("insufficient length", |e| matches!(e, Slip39Error::TooFewWords { .. })),
            ("invalid master secret length", |e| matches!(e, Slip39Error::InvalidWordCount { .. })),
        ];
        table.iter().find(|(key, _)| description.contains(key)).map(|(_, f)| *f).unwrap_or_else(|| {
            panic!("no expected error for vector {description:?}");
        })
    }

    #[test]
    fn slip39_trezor_vectors() {
        let vectors = vectors();
        assert_eq!(vectors.len(), 45);
        let (mut valid, mut invalid) = (0, 0);
        for Vector(description, mnemonics, secret, _xprv) in &vectors {
            let result = parse_all(mnemonics).and_then(|shares| combine(&shares, b"TREZOR"));
            if secret.is_empty() {
                invalid += 1;
                let err = result.expect_err(description);
                assert!(expected_error(description)(&err), "{description}: wrong error {err:?}");
                // The message quotes no two consecutive words of any mnemonic.
                let message = err.to_string();
                for m in mnemonics {
                    let words: Vec<&str> = m.split_whitespace().collect();
                    for pair in words.windows(2) {
                        assert!(!message.contains(&pair.join(" ")), "{description}: {message}");
                    }
                }
            } else {
                valid += 1;
                let got = result.unwrap_or_else(|e| panic!("{description}: {e}"));
                assert_eq!(hex(&got), *secret, "{description}");
                // Every share re-encodes to the words it was read from.
                for m in mnemonics {
                    assert_eq!(Share::from_mnemonic(m).unwrap().to_mnemonic(), *m, "{description}");
                }
            }
        }
        assert_eq!((valid, invalid), (15, 30));
    }

    #[test]
    fn slip39_vector_extra_and_repeated_shares_are_tolerated() {
        let vectors = vectors();
        // Vector 17: 5 mnemonics of which only some are needed; reversed order must work too.
        let Vector(_, mnemonics, secret, _) = &vectors[16];
        let mut shares = parse_all(mnemonics).unwrap();
        shares.reverse();
        shares.push(shares[0].clone());
        assert_eq!(hex(&combine(&shares, b"TREZOR").unwrap()), *secret);
        // Vector 4 (2-of-3) with a share repeated: still two different shares.
        let Vector(_, mnemonics, secret, _) = &vectors[3];
        let mut shares = parse_all(mnemonics).unwrap();
        shares.insert(1, shares[0].clone());
        assert_eq!(hex(&combine(&shares, b"TREZOR").unwrap()), *secret);
        // ... but one share given twice is not two shares.
        let twice = [shares[0].clone(), shares[0].clone()];
        assert_eq!(combine(&twice, b"TREZOR"), Err(Slip39Error::NotEnoughShares { have: 1, need: 2 }));
        assert_eq!(combine(&[], b""), Err(Slip39Error::NoShares));
    }

    #[test]
    fn slip39_words_by_prefix_any_case_any_whitespace() {
        for v in &vectors()[..] {
            let Vector(_, mnemonics, secret, _) = v;
            if secret.is_empty() {
                continue;
            }
            for m in mnemonics {
                let typed: Vec<String> = m
                    .split(' ')
                    .enumerate()
                    .map(|(i, w)| match i % 3 {
                        0 => w[..4].to_uppercase(),
                        1 => w[..w.len().min(5)].to_string(),
                        _ => w.to_string(),
                    })
                    .collect();
                let typed = format!("\n  {}\t\n", typed.join(" \t "));
                assert_eq!(Share::from_mnemonic(&typed).unwrap(), Share::from_mnemonic(m).unwrap());
            }
        }
    }

    #[test]
    fn slip39_unknown_word_names_its_position_only() {
        let m = &vectors()[0].1[0];
        let mut words: Vec<&str> = m.split(' ').collect();
        words[4] = "xyzzy";
        let err = Share::from_mnemonic(&words.join(" ")).unwrap_err();
        assert_eq!(err, Slip39Error::UnknownWord { position: 5 });
        // The advice is apart from the message.
        assert_eq!(err.to_string(), "word 5 is not a SLIP-39 word");
        assert!(err.hint().is_some_and(|h| h.contains("first 4 or more letters")));
        let message = err.to_string();
        assert!(message.contains("word 5") && !message.contains("xyzzy"), "{message}");
        words[4] = "ac";
        assert_eq!(Share::from_mnemonic(&words.join(" ")), Err(Slip39Error::UnknownWord { position: 5 }));
        assert_eq!(Share::from_mnemonic(""), Err(Slip39Error::TooFewWords { words: 0 }));
    }

    #[test]
    fn slip39_a_wrong_word_is_located_by_the_checksum() {
        let vectors = vectors();
        // 128-bit, 256-bit, and extendable shares.
        for m in [&vectors[0].1[0], &vectors[19].1[0], &vectors[41].1[0], &vectors[44].1[1]] {
            let words: Vec<&str> = m.split(' ').collect();
            for pos in 0..words.len() {
                for step in [1, 2, 517] {
                    let mut changed = words.clone();
                    let i = (usize::from(word_index(words[pos]).unwrap()) + step) % 1024;
                    changed[pos] = wordlist()[i];
                    let err = Share::from_mnemonic(&changed.join(" ")).unwrap_err();
                    assert_eq!(err, Slip39Error::Checksum { suspect: Some(pos + 1) }, "word {}", pos + 1);
                    assert!(err.to_string().contains(&format!("word {} is probably wrong", pos + 1)));
                }
            }
            // Two swapped words: no single position is blamed.
            let mut swapped = words.clone();
            swapped.swap(6, 7);
            assert_eq!(Share::from_mnemonic(&swapped.join(" ")), Err(Slip39Error::Checksum { suspect: None }));
        }
    }

    struct Kat {
        secret: std::ops::Range<u8>,
        threshold: u8,
        count: u8,
        passphrase: &'static [u8],
        exponent: u8,
        extendable: bool,
        shares: &'static [&'static str],
    }

    #[test]
    fn slip39_split_matches_reference_implementation() {
        // Made with python-shamir-mnemonic 0.3.0, its RANDOM_BYTES replaced by the byte
        // stream of `counter_rng` (b = 0, then b = 5b + 17 mod 256):
        //   generate_mnemonics(1, [(3, 5)], bytes(range(16)), b"TREZOR", ext, 0)
        //   generate_mnemonics(1, [(2, 3)], bytes(range(100, 132)), b"", ext, 1)
        let cases = [
            Kat {
                secret: 0..16,
                threshold: 3,
                count: 5,
                passphrase: b"TREZOR",
                exponent: 0,
                extendable: true,
                shares: &[
                    "academic manual academic acne browser aviation income sprinkle rival watch photo terminal view destroy have dynamic debris cleanup language thorn",
                    "academic manual academic agree display lyrics finance merit quick chest antenna aide veteran leader equip desire mailman ceramic bishop furl",
                    "academic manual academic amazing device fragment laundry temple invasion downtown amuse injury canyon universe transfer genius detailed temple lunch review",
                    "academic manual academic arcade blanket subject focus pickup jump tendency pencil moisture cage fraction silent hawk medical therapy terminal alive",
                    "academic manual academic axle club patrol skunk racism phrase smart voice dining science alarm pulse beyond heat traffic intend verdict",
                ],
            },
            Kat {
                secret: 0..16,
                threshold: 3,
                count: 5,
                passphrase: b"TREZOR",
                exponent: 0,
                extendable: false,
                shares: &[
                    "academic lunch academic acne browser aviation income sprinkle rival watch photo terminal view destroy have dynamic debris dilemma salt machine",
                    "academic lunch academic agree cause spark tofu answer very listen genuine gross jacket modify piece wealthy hanger fitness zero born",
                    "academic lunch academic amazing amazing inform injury vegan petition humidity branch golden webcam wisdom syndrome flame broken envy negative mountain",
                    "academic lunch academic arcade declare pistol teacher deadline transfer being task teacher indicate forget bike midst eclipse course permit answer",
                    "academic lunch academic axle coastal racism shame modify slavery gesture grumpy category rebuild vanish herald pregnant anxiety evaluate envy drug",
                ],
            },
            Kat {
                secret: 100..132,
                threshold: 2,
                count: 3,
                passphrase: b"",
                exponent: 1,
                extendable: true,
                shares: &[
                    "academic marathon academic acid auction stick salt teacher frozen says manager universe license unfair silver raspy dilemma fishing branch language bracelet spine tenant purple friar failure cover rich benefit learn alarm golden hamster",
                    "academic marathon academic agency auction facility damage academic soldier boring legal terminal average teammate adequate triumph entrance kidney corner member that hospital race fawn gums lilac gasoline forecast teammate easy practice alive best",
                    "academic marathon academic always aspect shame acrobat charity extra platform pacific voter main diploma elegant award stay listen item ordinary wrote thumb evidence both lips wireless rescue bundle video actress general location marathon",
                ],
            },
            Kat {
                secret: 100..132,
                threshold: 2,
                count: 3,
                passphrase: b"",
                exponent: 1,
                extendable: false,
                shares: &[
                    "academic lungs academic acid already realize magazine ocean luxury nail remember health math remind dismiss earth laundry floral center safari grumpy switch beard coal exhaust diagnose square ecology morning username losing weapon wealthy",
                    "academic lungs academic agency acne pants jerky sprinkle genre invasion ranked legal justice ruin snapshot cluster award playoff plunge salt belong luxury together herd pants energy talent minister mortgage join symbolic space wolf",
                    "academic lungs academic always analysis object improve herd evaluate smug papa sprinkle society auction username genre pacific webcam deadline saver marvel intimate threaten sugar depict false scandal teaspoon clogs testify laden golden trend",
                ],
            },
        ];
        for k in cases {
            let secret: Vec<u8> = k.secret.collect();
            let shares =
                split(&secret, k.threshold, k.count, k.passphrase, k.exponent, k.extendable, &mut counter_rng())
                    .unwrap();
            let got: Vec<String> = shares.iter().map(Share::to_mnemonic).collect();
            assert_eq!(got, k.shares);
            let back = parse_all(&got[1..=usize::from(k.threshold)]).unwrap();
            assert_eq!(*combine(&back, k.passphrase).unwrap(), secret);
        }
    }

    #[test]
    fn slip39_split_rejects_bad_parameters() {
        let secret = [7u8; 16];
        let mut rng = counter_rng();
        let mut s = |secret: &[u8], t, n, p: &[u8], e| split(secret, t, n, p, e, true, &mut rng).map(|_| ());
        assert_eq!(s(&secret[..14], 2, 3, b"", 0), Err(Slip39Error::MasterSecretLength { len: 14 }));
        assert_eq!(s(&[1u8; 17], 2, 3, b"", 0), Err(Slip39Error::MasterSecretLength { len: 17 }));
        assert_eq!(s(&secret, 0, 3, b"", 0), Err(Slip39Error::InvalidThreshold { threshold: 0, count: 3 }));
        assert_eq!(s(&secret, 4, 3, b"", 0), Err(Slip39Error::InvalidThreshold { threshold: 4, count: 3 }));
        assert_eq!(s(&secret, 2, 17, b"", 0), Err(Slip39Error::TooManyShares { count: 17 }));
        assert_eq!(s(&secret, 1, 3, b"", 0), Err(Slip39Error::OneOfMany { count: 3 }));
        assert_eq!(s(&secret, 2, 3, b"", 16), Err(Slip39Error::IterationExponent { exponent: 16 }));
        assert_eq!(s(&secret, 2, 3, "café".as_bytes(), 0), Err(Slip39Error::InvalidPassphrase));
        assert_eq!(s(&secret, 2, 3, b"tab\there", 0), Err(Slip39Error::InvalidPassphrase));
        assert_eq!(s(&secret, 1, 1, b"", 0), Ok(()));
        assert_eq!(s(&secret, 16, 16, b"", 0), Ok(()));
    }

    #[test]
    fn slip39_one_of_one_holds_the_encrypted_secret() {
        let secret = unhex("bb54aac4b89dc868ba37d9cc21b2cece");
        let shares = split(&secret, 1, 1, b"TREZOR", 0, false, &mut counter_rng()).unwrap();
        assert_eq!(shares.len(), 1);
        let s = &shares[0];
        let ems = encrypt(&secret, b"TREZOR", 0, s.identifier(), false);
        assert_eq!(s.value(), ems.as_slice());
        assert_eq!(s.to_words().len(), 20);
        assert_eq!(*combine(&shares, b"TREZOR").unwrap(), secret);
        assert_ne!(*combine(&shares, b"").unwrap(), secret);
    }

    #[test]
    fn slip39_combine_consistency_errors_not_in_the_vectors() {
        // Two splits from the same byte stream: same identifier, different polynomials.
        let a = split(&[1u8; 16], 2, 3, b"", 0, true, &mut counter_rng()).unwrap();
        let b = split(&[2u8; 16], 2, 3, b"", 0, true, &mut counter_rng()).unwrap();
        assert_eq!(a[0].identifier(), b[0].identifier());
        assert_eq!(combine(&[a[0].clone(), b[1].clone()], b""), Err(Slip39Error::DigestMismatch { group: None }));
        assert_eq!(
            combine(&[a[0].clone(), b[0].clone()], b""),
            Err(Slip39Error::DuplicateMemberIndex { share: 2, earlier: 1, group: 1, member: 1 })
        );

        let not_extendable = split(&[1u8; 16], 2, 3, b"", 0, false, &mut counter_rng()).unwrap();
        assert_eq!(not_extendable[0].identifier(), a[0].identifier());
        assert_eq!(
            combine(&[a[0].clone(), not_extendable[1].clone()], b""),
            Err(Slip39Error::ExtendableMismatch { share: 2 })
        );
        let longer = split(&[1u8; 18], 2, 3, b"", 0, true, &mut counter_rng()).unwrap();
        assert_eq!(
            combine(&[a[0].clone(), longer[1].clone()], b""),
            Err(Slip39Error::LengthMismatch { share: 2, first: 16, other: 18 })
        );

        // A share claiming group 3 of 2 survives its words, but not combine.
        let odd = Share { group_index: 2, group_threshold: 1, group_count: 2, ..a[0].clone() };
        let odd = Share::from_mnemonic(&odd.to_mnemonic()).unwrap();
        assert_eq!(combine(&[odd], b""), Err(Slip39Error::GroupIndexOutOfRange { share: 1, group: 3, count: 2 }));

        // Two groups, group 1 needed alone: its members' digest is checked.
        let in_group = |s: &Share, value: &Zeroizing<Vec<u8>>| Share {
            group_threshold: 1,
            group_count: 2,
            value: value.clone(),
            ..s.clone()
        };
        let mixed = [in_group(&a[0], &a[0].value), in_group(&a[1], &b[1].value)];
        assert_eq!(combine(&mixed, b""), Err(Slip39Error::DigestMismatch { group: Some(1) }));
        let fine = [in_group(&a[0], &a[0].value), in_group(&a[1], &a[1].value)];
        assert_eq!(*combine(&fine, b"").unwrap(), [1u8; 16]);
    }

    #[test]
    fn slip39_debug_hides_the_value() {
        let shares = split(&[0xAB; 16], 2, 2, b"", 0, true, &mut counter_rng()).unwrap();
        let shown = format!("{:?}", shares[0]);
        assert!(shown.contains("<16 bytes>") && !shown.contains("171"), "{shown}");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

            /// Any T of N shares, in any order, give the secret back; every share survives
            /// its words.
            #[test]
            fn slip39_split_then_combine_any_t_of_n(
                half_len in 8usize..=32,
                seed in any::<u64>(),
                n in 1u8..=16,
                t_pick in any::<u8>(),
                extra in any::<u8>(),
                extendable in any::<bool>(),
                passphrase in "[ -~]{0,12}",
                shuffle in any::<u64>(),
            ) {
                let t = if n == 1 { 1 } else { 2 + t_pick % (n - 1) };
                let mut state = seed;
                let mut rng = move |buf: &mut [u8]| {
                    for b in buf {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        *b = (state >> 56) as u8;
                    }
                };
                let mut secret = vec![0u8; 2 * half_len];
                rng(&mut secret);
                let shares = split(&secret, t, n, passphrase.as_bytes(), 0, extendable, &mut rng).unwrap();
                prop_assert_eq!(shares.len(), usize::from(n));
                for s in &shares {
                    let words = s.to_words();
                    prop_assert_eq!(words.len(), 7 + (secret.len() * 8).div_ceil(10));
                    prop_assert_eq!(&Share::from_mnemonic(&s.to_mnemonic()).unwrap(), s);
                }
                // A random order; the first T, maybe with some extra, are given.
                let mut order: Vec<usize> = (0..usize::from(n)).collect();
                let mut k = shuffle;
                for i in (1..order.len()).rev() {
                    order.swap(i, (k % (i as u64 + 1)) as usize);
                    k = k.rotate_left(7) ^ 0x9e37_79b9;
                }
                let take = usize::from(t) + usize::from(extra) % (usize::from(n - t) + 1);
                let chosen: Vec<Share> = order[..take].iter().map(|&i| shares[i].clone()).collect();
                prop_assert_eq!(&*combine(&chosen, passphrase.as_bytes()).unwrap(), &secret);
                if t > 1 {
                    let fewer = &chosen[..usize::from(t) - 1];
                    prop_assert_eq!(
                        combine(fewer, passphrase.as_bytes()),
                        Err(Slip39Error::NotEnoughShares { have: usize::from(t) - 1, need: t })
                    );
                }
            }
        }
    }
}
