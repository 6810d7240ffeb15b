//! Shamir's secret sharing over GF(2^8), byte by byte.
//!
//! Why: "any two of spouse, parents and attorney can restore, no single one
//! can" is exactly a K-of-N threshold; Shamir's scheme gives it with perfect
//! secrecy (K−1 shares are uniformly distributed whatever the secret) and
//! shares no larger than the secret. paperseed only ever splits a 32-byte
//! random key this way (see [`super::shares`]).
//!
//! Construction (the textbook one, as in SLIP-39's inner layer and HashiCorp
//! Vault): the field is GF(2^8) with the AES reduction polynomial
//! x^8 + x^4 + x^3 + x + 1 (0x11B). For every byte `s` of the secret, a
//! polynomial `f(x) = s + a1·x + … + a(K−1)·x^(K−1)` with uniformly random
//! coefficients is drawn; share `i` (x-coordinate `i`, 1..=N) holds `f(i)` for
//! every byte. Any K shares give the secret by Lagrange interpolation at 0.
//!
//! Random bytes are drawn in this order (only deterministic tests care): for
//! each secret byte in turn, its K−1 coefficients a1..a(K−1).
//!
//! Field arithmetic is branch-free and uses no tables, so it leaks nothing
//! about the secret through timing.

use zeroize::{Zeroize, Zeroizing};

use super::{Rng, RngError};

/// Most shares a split may have.
pub const MAX_SHARES: u8 = 16;

/// Why shares cannot be made or combined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShamirError {
    #[error("a split needs 2 <= K <= N <= {MAX_SHARES}; got K = {k}, N = {n}")]
    BadThreshold { k: u8, n: u8 },
    #[error("the secret is empty")]
    EmptySecret,
    #[error("no shares to combine")]
    NoShares,
    #[error("share x-coordinate 0 is invalid (it would be the secret itself)")]
    ZeroX,
    #[error("two shares have the same x-coordinate {0}")]
    DuplicateX(u8),
    #[error("shares have different lengths ({0} and {1} bytes)")]
    LengthMismatch(usize, usize),
    #[error(transparent)]
    Rng(#[from] RngError),
}

/// One share: the x-coordinate (1..=N) and the polynomial values, one byte
/// per secret byte. The values are zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Share {
    pub x: u8,
    pub y: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Share {{ x: {}, y: <{} bytes> }}", self.x, self.y.len())
    }
}

/// Multiplication in GF(2^8) mod 0x11B, constant time.
pub fn mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    for _ in 0..8 {
        p ^= a & 0u8.wrapping_sub(b & 1);
        let carry = 0u8.wrapping_sub(a >> 7);
        a = (a << 1) ^ (0x1b & carry);
        b >>= 1;
    }
    p
}

/// Multiplicative inverse in GF(2^8) (a^254); `inv(0)` is 0.
pub fn inv(a: u8) -> u8 {
    // a^254 = a^(2+4+8+16+32+64+128)
    let mut result = 1u8;
    let mut square = a;
    for _ in 0..7 {
        square = mul(square, square);
        result = mul(result, square);
    }
    result
}

/// Split `secret` into `n` shares, any `k` of which restore it, with the
/// operating system's randomness.
pub fn split(secret: &[u8], k: u8, n: u8) -> Result<Vec<Share>, ShamirError> {
    split_with(secret, k, n, &mut super::OsRng)
}

/// [`split`] with a chosen random source.
pub fn split_with(secret: &[u8], k: u8, n: u8, rng: &mut dyn Rng) -> Result<Vec<Share>, ShamirError> {
    if !(2..=MAX_SHARES).contains(&n) || !(2..=n).contains(&k) {
        return Err(ShamirError::BadThreshold { k, n });
    }
    if secret.is_empty() {
        return Err(ShamirError::EmptySecret);
    }
    let mut shares: Vec<Share> =
        (1..=n).map(|x| Share { x, y: Zeroizing::new(Vec::with_capacity(secret.len())) }).collect();
    let mut coeffs = Zeroizing::new(vec![0u8; usize::from(k)]);
    for &s in secret {
        coeffs[0] = s;
        rng.fill(&mut coeffs[1..])?;
        for share in &mut shares {
            // Horner's rule from the highest coefficient.
            let y = coeffs.iter().rev().fold(0u8, |acc, &c| mul(acc, share.x) ^ c);
            share.y.push(y);
        }
    }
    coeffs.zeroize();
    Ok(shares)
}

/// Recombine the secret from shares by Lagrange interpolation at x = 0.
///
/// All given shares are used; give exactly K (more is harmless if they are
/// consistent, fewer gives a wrong result that only the caller's
/// authentication can detect: Shamir shares carry no checksum).
pub fn combine(shares: &[Share]) -> Result<Zeroizing<Vec<u8>>, ShamirError> {
    let first = shares.first().ok_or(ShamirError::NoShares)?;
    let len = first.y.len();
    for (i, s) in shares.iter().enumerate() {
        if s.x == 0 {
            return Err(ShamirError::ZeroX);
        }
        if s.y.len() != len {
            return Err(ShamirError::LengthMismatch(len, s.y.len()));
        }
        if shares[..i].iter().any(|t| t.x == s.x) {
            return Err(ShamirError::DuplicateX(s.x));
        }
    }
    // Lagrange basis at 0: l_i = prod_{j != i} x_j / (x_j - x_i); in GF(2^8)
    // subtraction is xor.
    let basis: Vec<u8> = shares
        .iter()
        .map(|si| {
            let (num, den) = shares
                .iter()
                .filter(|sj| sj.x != si.x)
                .fold((1u8, 1u8), |(num, den), sj| (mul(num, sj.x), mul(den, sj.x ^ si.x)));
            mul(num, inv(den))
        })
        .collect();
    let mut secret = Zeroizing::new(vec![0u8; len]);
    for (share, &l) in shares.iter().zip(&basis) {
        for (out, &y) in secret.iter_mut().zip(share.y.iter()) {
            *out ^= mul(y, l);
        }
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_matches_fips197() {
        // FIPS-197 §4.2: {57} • {83} = {c1}; §4.2.1: {57} • {13} = {fe}.
        assert_eq!(mul(0x57, 0x83), 0xc1);
        assert_eq!(mul(0x57, 0x13), 0xfe);
        // The inverse used by the AES S-box: {53}^-1 = {ca}.
        assert_eq!(inv(0x53), 0xca);
        for a in 1..=255u8 {
            assert_eq!(mul(a, inv(a)), 1, "{a}");
            assert_eq!(mul(a, 1), a);
            assert_eq!(mul(a, 0), 0);
        }
        assert_eq!(inv(0), 0);
    }

    #[test]
    fn mul_is_a_field_multiplication() {
        for a in 0..=255u8 {
            for b in (0..=255u8).step_by(7) {
                assert_eq!(mul(a, b), mul(b, a));
                let c = b.wrapping_mul(31).wrapping_add(5);
                assert_eq!(mul(a, b ^ c), mul(a, b) ^ mul(a, c));
                assert_eq!(mul(mul(a, b), c), mul(a, mul(b, c)));
            }
        }
    }

    /// A worked example computed by hand: secret 0x42, K = 2, a1 = 0x03:
    /// f(1) = 0x42 ^ 0x03 = 0x41, f(2) = 0x42 ^ mul(3, 2) = 0x42 ^ 0x06 = 0x44,
    /// f(3) = 0x42 ^ mul(3, 3) = 0x42 ^ 0x05 = 0x47.
    #[test]
    fn worked_example() {
        let mut rng = |b: &mut [u8]| b.fill(0x03);
        let shares = split_with(&[0x42], 2, 3, &mut rng).unwrap();
        let ys: Vec<u8> = shares.iter().map(|s| s.y[0]).collect();
        assert_eq!(ys, [0x41, 0x44, 0x47]);
        assert_eq!(&combine(&shares[1..]).unwrap()[..], [0x42]);
    }

    #[test]
    fn bad_parameters() {
        assert_eq!(split(b"s", 1, 3).unwrap_err(), ShamirError::BadThreshold { k: 1, n: 3 });
        assert_eq!(split(b"s", 4, 3).unwrap_err(), ShamirError::BadThreshold { k: 4, n: 3 });
        assert_eq!(split(b"s", 2, 17).unwrap_err(), ShamirError::BadThreshold { k: 2, n: 17 });
        assert_eq!(split(b"", 2, 3).unwrap_err(), ShamirError::EmptySecret);
        let shares = split(b"secret", 2, 3).unwrap();
        assert_eq!(combine(&[]).unwrap_err(), ShamirError::NoShares);
        assert_eq!(combine(&[shares[0].clone(), shares[0].clone()]).unwrap_err(), ShamirError::DuplicateX(1));
        let short = Share { x: 3, y: Zeroizing::new(vec![1]) };
        assert_eq!(combine(&[shares[0].clone(), short]).unwrap_err(), ShamirError::LengthMismatch(6, 1));
        let zero = Share { x: 0, y: Zeroizing::new(vec![0; 6]) };
        assert_eq!(combine(&[zero]).unwrap_err(), ShamirError::ZeroX);
    }

    fn subsets(n: u8, k: usize) -> Vec<Vec<u8>> {
        (0u32..1 << n)
            .filter(|m| m.count_ones() as usize == k)
            .map(|m| (0..n).filter(|i| m & (1 << i) != 0).collect())
            .collect()
    }

    #[test]
    fn every_k_subset_combines() {
        let secret: Vec<u8> = (0..=255).collect();
        for (k, n) in [(2u8, 2u8), (2, 3), (3, 5), (5, 5), (4, 16), (16, 16)] {
            let shares = split(&secret, k, n).unwrap();
            for set in subsets(n, usize::from(k)).iter().take(200) {
                let picked: Vec<Share> = set.iter().map(|&i| shares[usize::from(i)].clone()).collect();
                assert_eq!(&combine(&picked).unwrap()[..], &secret[..], "k={k} n={n} {set:?}");
            }
            // K-1 shares (nearly always) give something else.
            let few: Vec<Share> = shares[..usize::from(k) - 1].to_vec();
            assert_ne!(&combine(&few).unwrap()[..], &secret[..]);
        }
    }

    /// Perfect secrecy, exhaustively for one byte: over all coefficient
    /// choices, the K−1 shares at x = 1..K−1 take every value equally often,
    /// whatever the secret, so they reveal nothing about it.
    #[test]
    fn k_minus_one_shares_reveal_nothing() {
        // 2-of-3: one share, every secret, every a1.
        for secret in 0..=255u8 {
            let mut seen = [0u16; 256];
            for a1 in 0..=255u8 {
                let mut rng = |b: &mut [u8]| b[0] = a1;
                let shares = split_with(&[secret], 2, 3, &mut rng).unwrap();
                seen[usize::from(shares[0].y[0])] += 1;
            }
            assert!(seen.iter().all(|&c| c == 1), "secret {secret}");
        }
        // 3-of-5: two shares (x = 1, 2), for a few secrets, every (a1, a2).
        for secret in [0u8, 1, 0x53, 0xff] {
            let mut seen = vec![0u8; 1 << 16];
            for a in 0..=u16::MAX {
                let mut rng = |b: &mut [u8]| b.copy_from_slice(&a.to_be_bytes());
                let shares = split_with(&[secret], 3, 5, &mut rng).unwrap();
                seen[usize::from(shares[0].y[0]) << 8 | usize::from(shares[1].y[0])] += 1;
            }
            assert!(seen.iter().all(|&c| c == 1), "secret {secret}");
        }
    }
}
