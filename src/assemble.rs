//! From code texts found on scans to payloads: group, rebuild, check.
//!
//! Frames are grouped by their set (payload kind, k, n, length and checksum),
//! never mixed across sets. Each set is rebuilt from any k of its shards and
//! the result must match the BLAKE3 checksum every frame carries. When more
//! than k shards are at hand and the first rebuild does not match (one shard
//! damaged in a way its CRC missed, or a forged code), other k-subsets are
//! tried, so one bad shard cannot poison the result.

use std::collections::BTreeMap;

use crate::format::{self, Fingerprint, Frame, FrameError, SetKey};
use crate::shard;

/// Most k-subsets tried before giving up on a set whose rebuilds never match.
pub const MAX_SUBSETS: usize = 5000;

/// One code text read somewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Sighting {
    pub text: String,
    /// Where it was read, e.g. `scan.pdf page 2`.
    pub source: String,
}

/// A paperseed code that could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub source: String,
    pub error: FrameError,
}

/// A shard as seen on the scans.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShardSeen {
    /// Where it was read (duplicates count once).
    pub sources: Vec<String>,
    /// Distinct contents read for this index (normally one).
    pub variants: Vec<Vec<u8>>,
}

/// Result of rebuilding one set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The payload, matching its checksum.
    Restored {
        payload: Vec<u8>,
        /// Shards that disagree with the restored payload (damaged or forged).
        bad_shards: Vec<u8>,
    },
    /// Fewer than k distinct shards.
    NotEnough { have: usize },
    /// Enough shards, but no rebuild matches the checksum.
    Mismatch { tried: usize },
}

/// One set of frames and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetReport {
    pub set: SetKey,
    pub shards: BTreeMap<u8, ShardSeen>,
    pub outcome: Outcome,
}

impl SetReport {
    /// The fingerprint of the restored payload, if restored.
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        match &self.outcome {
            Outcome::Restored { payload, .. } => Some(Fingerprint::of(payload)),
            _ => None,
        }
    }

    /// How many distinct shard indices were read.
    pub fn have(&self) -> usize {
        self.shards.len()
    }

    /// Indices (0-based) not read.
    pub fn missing(&self) -> Vec<u8> {
        (0..self.set.n).filter(|i| !self.shards.contains_key(i)).collect()
    }
}

/// Everything found on a batch of scans.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub sets: Vec<SetReport>,
    /// paperseed codes that failed to parse (bad checksum, unknown version…).
    pub rejected: Vec<Rejected>,
    /// QR codes that are not paperseed's: (source, text).
    pub foreign: Vec<(String, String)>,
}

/// Group sightings by set and rebuild each set.
pub fn assemble<I: IntoIterator<Item = Sighting>>(sightings: I) -> Report {
    let mut report = Report::default();
    let mut sets: BTreeMap<SetKey, BTreeMap<u8, ShardSeen>> = BTreeMap::new();
    for s in sightings {
        match Frame::parse(&s.text) {
            Ok(frame) => {
                let seen = sets.entry(frame.set).or_default().entry(frame.index).or_default();
                if !seen.sources.contains(&s.source) {
                    seen.sources.push(s.source);
                }
                if !seen.variants.contains(&frame.shard) {
                    seen.variants.push(frame.shard);
                }
            }
            Err(FrameError::NotPaperseed) => report.foreign.push((s.source, s.text)),
            Err(error) => report.rejected.push(Rejected { source: s.source, error }),
        }
    }
    report.sets = sets.into_iter().map(|(set, shards)| rebuild(set, shards)).collect();
    report
}

fn matches(set: &SetKey, payload: &[u8]) -> bool {
    format::checksum(payload) == set.checksum
}

fn rebuild(set: SetKey, shards: BTreeMap<u8, ShardSeen>) -> SetReport {
    let (k, n) = (set.k as usize, set.n as usize);
    let len = set.payload_len as usize;
    // Candidates: (index, content) pairs; normally one per index.
    let candidates: Vec<(u8, &Vec<u8>)> =
        shards.iter().flat_map(|(&i, s)| s.variants.iter().map(move |v| (i, v))).collect();
    let outcome = if shards.len() < k {
        Outcome::NotEnough { have: shards.len() }
    } else {
        let mut tried = 0;
        let mut found = None;
        // Combinations of k candidates with distinct indices, lexicographic;
        // the first is "the first k indices read", the systematic fast path
        // when all data codes are present.
        let mut idx: Vec<usize> = (0..k).collect();
        let m = candidates.len();
        'search: loop {
            let distinct = idx.windows(2).all(|w| candidates[w[0]].0 != candidates[w[1]].0);
            if distinct {
                tried += 1;
                let mut present = vec![None; n];
                for &c in &idx {
                    present[candidates[c].0 as usize] = Some(candidates[c].1.clone());
                }
                if let Ok(payload) = shard::join(present, k, len)
                    && matches(&set, &payload)
                {
                    found = Some(payload);
                    break 'search;
                }
                if tried >= MAX_SUBSETS {
                    break;
                }
            }
            // Next combination.
            let mut i = k;
            loop {
                if i == 0 {
                    break 'search;
                }
                i -= 1;
                if idx[i] < m - k + i {
                    idx[i] += 1;
                    for j in i + 1..k {
                        idx[j] = idx[j - 1] + 1;
                    }
                    break;
                }
            }
        }
        match found {
            Some(payload) => {
                let bad_shards = match shard::split(&payload, k, n) {
                    Ok(good) => candidates.iter().filter(|(i, v)| &good[*i as usize] != *v).map(|(i, _)| *i).collect(),
                    Err(_) => Vec::new(),
                };
                Outcome::Restored { payload, bad_shards }
            }
            None => Outcome::Mismatch { tried },
        }
    };
    SetReport { set, shards, outcome }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{PayloadKind, frame::Frame};
    use proptest::prelude::*;

    fn frames(payload: &[u8], k: usize, n: usize) -> Vec<Frame> {
        let set = SetKey {
            kind: PayloadKind::Sheet,
            k: k as u8,
            n: n as u8,
            payload_len: payload.len() as u32,
            checksum: format::checksum(payload),
        };
        shard::split(payload, k, n)
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, shard)| Frame { set, index: i as u8, shard })
            .collect()
    }

    fn sight(f: &Frame, src: &str) -> Sighting {
        Sighting { text: f.to_text(), source: src.into() }
    }

    #[test]
    fn restores_from_any_k_and_reports_missing() {
        let payload = b"the quick brown fox jumps over the lazy dog".to_vec();
        let fs = frames(&payload, 3, 6);
        let r = assemble([sight(&fs[5], "a"), sight(&fs[1], "a"), sight(&fs[3], "b"), sight(&fs[3], "c")]);
        assert_eq!(r.sets.len(), 1);
        let s = &r.sets[0];
        assert_eq!(s.outcome, Outcome::Restored { payload: payload.clone(), bad_shards: vec![] });
        assert_eq!(s.missing(), vec![0, 2, 4]);
        assert_eq!(s.shards[&3].sources, vec!["b", "c"]);
        let r = assemble([sight(&fs[5], "a"), sight(&fs[1], "a"), sight(&fs[5], "b")]);
        assert_eq!(r.sets[0].outcome, Outcome::NotEnough { have: 2 });
    }

    #[test]
    fn never_mixes_sets_and_sorts_out_foreign_and_bad_codes() {
        let a = frames(b"payload A, long enough", 2, 4);
        let b = frames(b"payload B, long enough", 2, 4);
        let mut bad = a[2].to_text();
        bad.replace_range(bad.len() - 3.., "000");
        let r = assemble([
            sight(&a[0], "x"),
            sight(&b[1], "x"),
            sight(&b[3], "x"),
            Sighting { text: "https://example.com".into(), source: "x".into() },
            Sighting { text: bad, source: "x".into() },
            Sighting { text: a[3].to_text().replace("PAPERSEED1:", "PAPERSEED7:"), source: "y".into() },
        ]);
        assert_eq!(r.sets.len(), 2);
        assert_eq!(r.foreign.len(), 1);
        assert_eq!(r.rejected.len(), 2);
        assert!(r.rejected.iter().any(|x| x.error == FrameError::UnknownVersion(7)));
        let restored: Vec<_> = r.sets.iter().filter(|s| matches!(s.outcome, Outcome::Restored { .. })).collect();
        assert_eq!(restored.len(), 1);
        assert_eq!(
            restored[0].outcome,
            Outcome::Restored { payload: b"payload B, long enough".to_vec(), bad_shards: vec![] }
        );
    }

    #[test]
    fn a_forged_shard_with_a_valid_crc_cannot_poison_the_result() {
        let payload: Vec<u8> = (0..200u8).collect();
        let mut fs = frames(&payload, 3, 6);
        fs[0].shard[5] ^= 0x55; // CRC is recomputed by to_text: only the BLAKE3 check can tell.
        let r = assemble(fs.iter().map(|f| sight(f, "s")));
        assert_eq!(r.sets[0].outcome, Outcome::Restored { payload: payload.clone(), bad_shards: vec![0] });
        // With exactly k shards, one of them forged: refused, not wrong.
        let r = assemble([sight(&fs[0], "s"), sight(&fs[1], "s"), sight(&fs[2], "s")]);
        assert_eq!(r.sets[0].outcome, Outcome::Mismatch { tried: 1 });
    }

    proptest! {
        #[test]
        fn shuffled_subsets_with_duplicates_restore(
            payload in proptest::collection::vec(any::<u8>(), 1..400),
            k in 1usize..6, parity in 0usize..6, seed in any::<u64>()
        ) {
            let n = k + parity;
            let fs = frames(&payload, k, n);
            let mut order: Vec<usize> = (0..n).chain(0..n).collect();
            let mut s = seed;
            for i in (1..order.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                order.swap(i, (s >> 33) as usize % (i + 1));
            }
            // Keep a prefix holding exactly k distinct indices.
            let mut distinct = std::collections::BTreeSet::new();
            let chosen: Vec<usize> = order.into_iter().take_while(|&i| { if distinct.len() == k && !distinct.contains(&i) { return false; } distinct.insert(i); true }).collect();
            let r = assemble(chosen.iter().map(|&i| sight(&fs[i], "p")));
            prop_assert_eq!(&r.sets[0].outcome, &Outcome::Restored { payload: payload.clone(), bad_shards: vec![] });
        }
    }
}
