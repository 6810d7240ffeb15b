//! Reed–Solomon decoding of QR codeword blocks with errors *and erasures*.
//!
//! Exists because rxing (like ZXing) corrects errors only: a block with `e`
//! error-correction codewords repairs ⌊e/2⌋ wrong codewords. When the sampler
//! can say which codewords it is unsure of, those can be declared erased, and a
//! block repairs any `t` errors and `s` erasures with `2t + s ≤ e`: up to twice
//! as many damaged codewords.
//!
//! QR's code (ISO/IEC 18004 §7.5.2): GF(2⁸) modulo x⁸ + x⁴ + x³ + x² + 1
//! (0x11D), generator ∏ (x − αⁱ) for i = 0 … e−1, the first codeword of a block
//! the highest power. Decoding: syndromes, Berlekamp–Massey started from the
//! erasure locator (Blahut), Chien search, Forney's formula; the corrected
//! block is checked once more against its syndromes.

/// Exponent and logarithm tables of GF(256), polynomial 0x11D, generator 2.
struct Field {
    exp: [u8; 512],
    log: [u8; 256],
}

const FIELD: Field = build_field();

const fn build_field() -> Field {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11D;
        }
        i += 1;
    }
    while i < 512 {
        exp[i] = exp[i - 255];
        i += 1;
    }
    Field { exp, log }
}

fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        return 0;
    }
    FIELD.exp[usize::from(FIELD.log[usize::from(a)]) + usize::from(FIELD.log[usize::from(b)])]
}

fn inv(a: u8) -> u8 {
    debug_assert!(a != 0);
    FIELD.exp[255 - usize::from(FIELD.log[usize::from(a)])]
}

/// α^n.
fn pow_alpha(n: usize) -> u8 {
    FIELD.exp[n % 255]
}

/// Value of the polynomial `p` (lowest degree first) at `x`.
fn eval(p: &[u8], x: u8) -> u8 {
    p.iter().rev().fold(0, |acc, &c| mul(acc, x) ^ c)
}

/// Why a block could not be corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RsError {
    /// More damage than `2·errors + erasures ≤ ec` allows, or a locator
    /// whose roots are not positions of the block.
    Uncorrectable,
}

/// Correct `block` (data then `ec` error-correction codewords) in place,
/// treating the codewords at `erasures` (indices into `block`) as unknown.
/// Returns the number of codewords changed.
pub(crate) fn correct(block: &mut [u8], ec: usize, erasures: &[usize]) -> Result<usize, RsError> {
    let n = block.len();
    if ec == 0 || n > 255 || ec >= n || erasures.len() > ec {
        return Err(RsError::Uncorrectable);
    }
    // Array index j holds the coefficient of x^(n-1-j).
    let syndromes: Vec<u8> = (0..ec).map(|i| eval_block(block, pow_alpha(i))).collect();
    if syndromes.iter().all(|&s| s == 0) {
        return Ok(0);
    }
    // Erasure locator Γ(x) = ∏ (1 − X x), X = α^(n-1-j).
    let mut gamma = vec![1u8];
    for &j in erasures {
        if j >= n {
            return Err(RsError::Uncorrectable);
        }
        let x = pow_alpha(n - 1 - j);
        let mut next = vec![0u8; gamma.len() + 1];
        for (k, &g) in gamma.iter().enumerate() {
            next[k] ^= g;
            next[k + 1] ^= mul(g, x);
        }
        gamma = next;
    }
    let s = erasures.len();
    // Berlekamp–Massey from Γ (Blahut, errors and erasures).
    let mut lambda = gamma.clone();
    let mut b = gamma;
    let mut l = s;
    for r in s..ec {
        let delta = (0..=l.min(lambda.len() - 1))
            .fold(0u8, |acc, j| if j <= r { acc ^ mul(lambda[j], syndromes[r - j]) } else { acc });
        // b ← x·b
        b.insert(0, 0);
        if delta == 0 {
            continue;
        }
        let mut t = lambda.clone();
        if t.len() < b.len() {
            t.resize(b.len(), 0);
        }
        for (k, &bk) in b.iter().enumerate() {
            t[k] ^= mul(delta, bk);
        }
        if 2 * l <= r + s {
            let dinv = inv(delta);
            b = lambda.iter().map(|&c| mul(c, dinv)).collect();
            l = r + 1 + s - l;
        }
        lambda = t;
    }
    while lambda.len() > 1 && lambda[lambda.len() - 1] == 0 {
        lambda.pop();
    }
    let degree = lambda.len() - 1;
    if degree != l || 2 * (l - s) + s > ec {
        return Err(RsError::Uncorrectable);
    }
    // Chien search: roots X⁻¹ of Λ at the block's positions.
    let mut positions = Vec::with_capacity(degree);
    for j in 0..n {
        let p = n - 1 - j;
        if eval(&lambda, pow_alpha(255 - p % 255)) == 0 {
            positions.push(j);
        }
    }
    if positions.len() != degree {
        return Err(RsError::Uncorrectable);
    }
    // Ω(x) = S(x) Λ(x) mod x^ec.
    let mut omega = vec![0u8; ec];
    for (i, &si) in syndromes.iter().enumerate() {
        for (k, &lk) in lambda.iter().enumerate() {
            if i + k < ec {
                omega[i + k] ^= mul(si, lk);
            }
        }
    }
    // Λ'(x): odd-power terms shifted down (characteristic 2).
    let derivative: Vec<u8> = lambda.iter().enumerate().skip(1).map(|(k, &c)| if k % 2 == 1 { c } else { 0 }).collect();
    let mut changed = 0;
    for &j in &positions {
        let p = n - 1 - j;
        let x = pow_alpha(p);
        let x_inv = inv(x);
        let denom = eval(&derivative, x_inv);
        if denom == 0 {
            return Err(RsError::Uncorrectable);
        }
        // Forney with first consecutive root α⁰: e = X·Ω(X⁻¹)/Λ'(X⁻¹).
        let value = mul(x, mul(eval(&omega, x_inv), inv(denom)));
        if value != 0 {
            block[j] ^= value;
            changed += 1;
        }
    }
    if (0..ec).any(|i| eval_block(block, pow_alpha(i)) != 0) {
        return Err(RsError::Uncorrectable);
    }
    Ok(changed)
}

/// The block's polynomial (first codeword = highest power) at `x`.
fn eval_block(block: &[u8], x: u8) -> u8 {
    block.iter().fold(0, |acc, &c| mul(acc, x) ^ c)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Systematic QR encoding: `data` followed by `ec` codewords.
    pub(crate) fn encode(data: &[u8], ec: usize) -> Vec<u8> {
        // Generator ∏ (x − αⁱ), highest power first.
        let mut g = vec![1u8];
        for i in 0..ec {
            let mut next = vec![0u8; g.len() + 1];
            for (k, &c) in g.iter().enumerate() {
                next[k] ^= c;
                next[k + 1] ^= mul(c, pow_alpha(i));
            }
            g = next;
        }
        let mut rem = vec![0u8; ec];
        for &d in data {
            let factor = d ^ rem[0];
            rem.remove(0);
            rem.push(0);
            for (k, r) in rem.iter_mut().enumerate() {
                *r ^= mul(g[k + 1], factor);
            }
        }
        let mut out = data.to_vec();
        out.extend(rem);
        out
    }

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) as usize
        }
    }

    #[test]
    fn field_tables() {
        assert_eq!(mul(2, 128), 0x1D);
        for a in 1..=255u8 {
            assert_eq!(mul(a, inv(a)), 1);
        }
    }

    #[test]
    fn the_encoder_agrees_with_rxing() {
        // rxing's (errors-only) decoder accepts our codewords and finds no error.
        use rxing::common::reedsolomon::{PredefinedGenericGF, ReedSolomonDecoder};
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37)).collect();
        let block = encode(&data, 22);
        let mut words: Vec<i32> = block.iter().map(|&b| i32::from(b)).collect();
        let rs = ReedSolomonDecoder::new(PredefinedGenericGF::QrCodeField256.into());
        assert_eq!(rs.decode(&mut words, 22).unwrap(), 0);
    }

    #[test]
    fn corrects_errors_and_erasures_up_to_the_bound() {
        let mut rng = Lcg(7);
        for trial in 0..600 {
            let ec = [10, 16, 22, 24, 28, 30][trial % 6];
            let k = 5 + rng.next() % 40;
            let data: Vec<u8> = (0..k).map(|_| rng.next() as u8).collect();
            let clean = encode(&data, ec);
            let n = clean.len();
            let s = rng.next() % (ec + 1);
            let t = (ec - s) / 2;
            let t = if t > 0 { rng.next() % (t + 1) } else { 0 };
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                order.swap(i, rng.next() % (i + 1));
            }
            let mut bad = clean.clone();
            let erasures: Vec<usize> = order[..s].to_vec();
            for &j in &order[..s + t] {
                bad[j] ^= 1 + (rng.next() % 255) as u8;
            }
            // Some erased codewords may happen to be right; that is allowed.
            let got = correct(&mut bad, ec, &erasures);
            assert!(got.is_ok(), "trial {trial}: ec {ec}, {s} erasures, {t} errors: {got:?}");
            assert_eq!(bad, clean, "trial {trial}");
        }
    }

    #[test]
    fn erasures_double_the_reach() {
        let data: Vec<u8> = (0..30u8).collect();
        let clean = encode(&data, 20);
        // 15 wrong codewords: too many as errors (10 at most), fine as erasures.
        let mut bad = clean.clone();
        for j in 0..15 {
            bad[j * 3] ^= 0x5A;
        }
        let mut attempt = bad.clone();
        let errors_only = correct(&mut attempt, 20, &[]);
        assert!(errors_only.is_err() || attempt != clean, "15 errors are past what 20 codewords correct");
        let erasures: Vec<usize> = (0..15).map(|j| j * 3).collect();
        assert_eq!(correct(&mut bad, 20, &erasures), Ok(15));
        assert_eq!(bad, clean);
    }

    #[test]
    fn too_much_damage_is_refused_or_caught() {
        // Beyond the bound the decoder must not claim success with the
        // original syndromes unmet; it may only land on another codeword.
        let mut rng = Lcg(11);
        for _ in 0..300 {
            let data: Vec<u8> = (0..20).map(|_| rng.next() as u8).collect();
            let clean = encode(&data, 16);
            let mut bad = clean.clone();
            for j in 0..12 {
                bad[j * 3] ^= 1 + (rng.next() % 255) as u8;
            }
            if correct(&mut bad, 16, &[]).is_ok() {
                assert!((0..16).all(|i| eval_block(&bad, pow_alpha(i)) == 0));
            }
        }
    }
}
