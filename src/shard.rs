//! Reed–Solomon across codes: any `k` of the `n` shards rebuild the payload.
//!
//! Systematic erasure coding over GF(2^8) with the `reed-solomon-erasure`
//! crate (Backblaze's matrix construction): shards `0..k` are the payload
//! itself cut in `k` equal pieces (the last one padded with zero bytes), so an
//! undamaged sheet can be decoded by concatenating codes 1..k with no
//! Reed–Solomon at all; shards `k..n` are parity.

use reed_solomon_erasure::galois_8::ReedSolomon;

/// Length of each shard for a payload of `len` bytes split in `k`.
pub fn shard_len(len: usize, k: usize) -> usize {
    len.div_ceil(k).max(1)
}

/// Why shards cannot be produced or joined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("invalid shard counts: k = {k}, n = {n} (need 1 <= k <= n <= 255)")]
    Counts { k: usize, n: usize },
    #[error("{have} of {n} codes are readable; {k} are needed")]
    NotEnough { have: usize, k: usize, n: usize },
    #[error("shards have unequal lengths")]
    Lengths,
}

fn check(k: usize, n: usize) -> Result<(), ShardError> {
    if k == 0 || n < k || n > 255 {
        return Err(ShardError::Counts { k, n });
    }
    Ok(())
}

/// Split `payload` into `n` shards of which any `k` rebuild it.
pub fn split(payload: &[u8], k: usize, n: usize) -> Result<Vec<Vec<u8>>, ShardError> {
    check(k, n)?;
    let len = shard_len(payload.len(), k);
    let mut shards: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            let start = (i * len).min(payload.len());
            let end = ((i + 1) * len).min(payload.len());
            let mut s = if i < k { payload[start..end].to_vec() } else { Vec::new() };
            s.resize(len, 0);
            s
        })
        .collect();
    if n > k {
        let rs = ReedSolomon::new(k, n - k).map_err(|_| ShardError::Counts { k, n })?;
        rs.encode(&mut shards).map_err(|_| ShardError::Lengths)?;
    }
    Ok(shards)
}

/// Rebuild the payload of `payload_len` bytes from the shards present
/// (`None` = lost). `shards.len()` must be `n`.
pub fn join(shards: Vec<Option<Vec<u8>>>, k: usize, payload_len: usize) -> Result<Vec<u8>, ShardError> {
    Joiner::new(k, shards.len(), payload_len)?.join(shards)
}

/// Rebuilds many combinations of shards of one set: the Reed–Solomon codec
/// (and its cache of inverted matrices, one per pattern of lost shards) is
/// built once, not per rebuild.
pub struct Joiner {
    k: usize,
    n: usize,
    payload_len: usize,
    rs: Option<ReedSolomon>,
}

impl Joiner {
    pub fn new(k: usize, n: usize, payload_len: usize) -> Result<Self, ShardError> {
        check(k, n)?;
        Ok(Joiner { k, n, payload_len, rs: None })
    }

    /// As [`join`]; `shards.len()` must be `n`.
    pub fn join(&mut self, mut shards: Vec<Option<Vec<u8>>>) -> Result<Vec<u8>, ShardError> {
        let (k, n) = (self.k, self.n);
        if shards.len() != n {
            return Err(ShardError::Counts { k, n: shards.len() });
        }
        let have = shards.iter().filter(|s| s.is_some()).count();
        if have < k {
            return Err(ShardError::NotEnough { have, k, n });
        }
        let len = shard_len(self.payload_len, k);
        if shards.iter().flatten().any(|s| s.len() != len) {
            return Err(ShardError::Lengths);
        }
        if shards[..k].iter().any(|s| s.is_none()) {
            if self.rs.is_none() {
                self.rs = Some(ReedSolomon::new(k, n - k).map_err(|_| ShardError::Counts { k, n })?);
            }
            let rs = self.rs.as_ref().expect("built above");
            rs.reconstruct_data(&mut shards).map_err(|_| ShardError::NotEnough { have, k, n })?;
        }
        let mut payload: Vec<u8> = shards.into_iter().take(k).flat_map(|s| s.unwrap_or_default()).collect();
        payload.truncate(self.payload_len);
        Ok(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn systematic_data_shards_hold_the_payload() {
        let payload: Vec<u8> = (0..100u8).collect();
        let shards = split(&payload, 3, 6).unwrap();
        assert_eq!(shards.len(), 6);
        let mut joined: Vec<u8> = shards[..3].concat();
        assert_eq!(joined.len(), 102);
        joined.truncate(100);
        assert_eq!(joined, payload);
    }

    #[test]
    fn every_erasure_pattern_up_to_n_minus_k() {
        // All 2^6 subsets for 3-of-6, and all subsets for 2-of-5.
        for (k, n) in [(3usize, 6usize), (2, 5), (1, 3), (4, 4)] {
            let payload: Vec<u8> = (0..=255u8).cycle().take(333).collect();
            let shards = split(&payload, k, n).unwrap();
            for mask in 0u32..(1 << n) {
                let present: Vec<Option<Vec<u8>>> =
                    (0..n).map(|i| (mask >> i & 1 == 1).then(|| shards[i].clone())).collect();
                let have = mask.count_ones() as usize;
                let result = join(present, k, payload.len());
                if have >= k {
                    assert_eq!(result.unwrap(), payload, "k={k} n={n} mask={mask:b}");
                } else {
                    assert_eq!(result, Err(ShardError::NotEnough { have, k, n }));
                }
            }
        }
    }

    /// The worked example of docs/FORMAT.md §3: k = 2, n = 4. The encoding
    /// matrix is V·inv(V_top) with V[r][c] = r^c: parity rows (3, 2) and (2, 3).
    #[test]
    fn the_specs_worked_example() {
        let shards = split(&[0x68, 0x69, 0x21], 2, 4).unwrap();
        assert_eq!(shards, vec![vec![0x68, 0x69], vec![0x21, 0x00], vec![0xfa, 0xbb], vec![0xb3, 0xd2]]);
        // Codes 1 and 2 lost: the parity codes alone rebuild the payload.
        let present = vec![None, None, Some(shards[2].clone()), Some(shards[3].clone())];
        assert_eq!(join(present, 2, 3).unwrap(), vec![0x68, 0x69, 0x21]);
    }

    #[test]
    fn bad_counts() {
        assert!(split(b"x", 0, 3).is_err());
        assert!(split(b"x", 4, 3).is_err());
        assert!(split(b"x", 3, 256).is_err());
    }

    proptest! {
        #[test]
        fn split_shuffle_join(
            payload in proptest::collection::vec(any::<u8>(), 1..600),
            k in 1usize..12,
            parity in 0usize..12,
            order in any::<u64>(),
        ) {
            let n = k + parity;
            let shards = split(&payload, k, n).unwrap();
            // Keep a pseudo-random set of exactly k shards, presented in a shuffled order
            // and placed back by index (as assembly does).
            let mut idx: Vec<usize> = (0..n).collect();
            let mut s = order;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                idx.swap(i, (s >> 33) as usize % (i + 1));
            }
            let mut present = vec![None; n];
            for &i in idx.iter().take(k) {
                present[i] = Some(shards[i].clone());
            }
            prop_assert_eq!(join(present, k, payload.len()).unwrap(), payload);
        }
    }
}
