//! From code texts found on scans to payloads: group, rebuild, check.
//!
//! Frames are grouped by their set (payload kind, k, n, length and checksum),
//! never mixed across sets. Each set is rebuilt from any k of its shards and
//! the result must match the BLAKE3 checksum every frame carries. When more
//! than k shards are at hand and the first rebuild does not match (one shard
//! damaged in a way its CRC missed, or a forged code), other k-subsets are
//! tried, so one bad shard cannot poison the result.

use std::collections::BTreeMap;

use crate::format::text::{self, BYTES_PER_LINE, HEADER_BYTES, Layout, Lines, Partial};
use crate::format::{self, Fingerprint, Frame, FrameError, PayloadKind, SetKey, envelope};
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
    /// The format-v2 recovery text read for this set, if any.
    pub text: Option<TextSeen>,
}

/// What was read of a set's recovery text (format v2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSeen {
    /// Distinct lines that passed their check.
    pub lines: usize,
    /// Lines the sheet prints.
    pub expected: usize,
    /// Positions read twice with different contents.
    pub conflicts: usize,
    /// Where the lines were read.
    pub source: String,
}

/// Recovery-text lines of one sheet (format v2), as read or typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextGroup {
    pub lines: Lines,
    /// Where they were read, e.g. `scan.pdf page 1 (recovery text)`.
    pub source: String,
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
    assemble_with_text(sightings, Vec::new())
}

/// Group sightings by set, attach the recovery text of each set (format
/// v2), and rebuild each set from its codes and text together.
pub fn assemble_with_text<I: IntoIterator<Item = Sighting>>(sightings: I, texts: Vec<TextGroup>) -> Report {
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
    // Attach each text to its set: by its header line, else to the one set
    // of codes its lines fit, else by rebuilding it alone.
    let mut attached: BTreeMap<SetKey, TextGroup> = BTreeMap::new();
    for group in texts {
        let key = match group.lines.header() {
            Some(h) => set_of_header(&h),
            None => text_only_key(&group.lines, &sets),
        };
        let Some(key) = key else { continue };
        sets.entry(key).or_default();
        match attached.get_mut(&key) {
            Some(g) => {
                for (&p, b) in &group.lines.lines {
                    g.lines.insert(text::Line { position: p, bytes: *b });
                }
            }
            None => {
                attached.insert(key, group);
            }
        }
    }
    report.sets = sets
        .into_iter()
        .map(|(set, shards)| {
            let text = attached.remove(&set);
            rebuild(set, shards, text.as_ref())
        })
        .collect();
    report
}

/// The set a text header names.
fn set_of_header(h: &text::Header) -> Option<SetKey> {
    let kind = PayloadKind::from_code(h.kind)?;
    let mut checksum = [0u8; format::frame::CHECKSUM_LEN];
    checksum[..4].copy_from_slice(&h.set_id);
    (h.k >= 1 && h.n >= h.k && h.len > 0).then_some(SetKey {
        version: 2,
        kind,
        k: h.k,
        n: h.n,
        payload_len: u32::from(h.len),
        checksum,
    })
}

/// The set of a text whose line 0 was lost: the only v2 set of codes its
/// lines fit, or the set its text alone rebuilds to.
fn text_only_key(lines: &Lines, sets: &BTreeMap<SetKey, BTreeMap<u8, ShardSeen>>) -> Option<SetKey> {
    let last = lines.last_data().unwrap_or(0);
    let fitting: Vec<SetKey> = sets
        .keys()
        .filter(|s| s.version == 2 && Layout::for_stream(HEADER_BYTES + s.payload_len as usize).data > last)
        .copied()
        .collect();
    if fitting.len() == 1 {
        return Some(fitting[0]);
    }
    lines.rebuild().into_iter().find_map(|x| {
        let key = set_of_header(&text::Header::from_bytes(&x)?)?;
        open(&key, &x[HEADER_BYTES..]).map(|_| key)
    })
}

/// The content of rebuilt carried bytes, if they match the set's checksum:
/// v1, the payload itself; v2, the envelope's content.
fn open(set: &SetKey, carried: &[u8]) -> Option<Vec<u8>> {
    if set.version == 1 {
        return (format::checksum(carried) == set.checksum).then(|| carried.to_vec());
    }
    if envelope::declared_checksum(carried)?[..4] != set.checksum[..4] {
        return None;
    }
    envelope::open(carried).ok()
}

fn rebuild(set: SetKey, shards: BTreeMap<u8, ShardSeen>, text: Option<&TextGroup>) -> SetReport {
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
                if let Ok(carried) = shard::join(present, k, len)
                    && let Some(content) = open(&set, &carried)
                {
                    found = Some((carried, content));
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
            Some((carried, payload)) => {
                Outcome::Restored { bad_shards: bad_shards(&carried, &candidates, k, n), payload }
            }
            None => Outcome::Mismatch { tried },
        }
    };
    let outcome = match text {
        Some(t) if !matches!(outcome, Outcome::Restored { .. }) => match with_text(&set, &shards, &t.lines) {
            Some((carried, payload)) => {
                Outcome::Restored { bad_shards: bad_shards(&carried, &candidates, k, n), payload }
            }
            None => outcome,
        },
        _ => outcome,
    };
    let text = text.map(|t| TextSeen {
        lines: t.lines.lines.len(),
        expected: Layout::for_stream(HEADER_BYTES + len).lines(),
        conflicts: t.lines.conflicts.len(),
        source: t.source.clone(),
    });
    SetReport { set, shards, outcome, text }
}

/// Shards read that disagree with the rebuilt carried bytes.
fn bad_shards(carried: &[u8], candidates: &[(u8, &Vec<u8>)], k: usize, n: usize) -> Vec<u8> {
    match shard::split(carried, k, n) {
        Ok(good) => {
            let mut bad: Vec<u8> =
                candidates.iter().filter(|(i, v)| &good[*i as usize] != *v).map(|(i, _)| *i).collect();
            bad.dedup();
            bad
        }
        Err(_) => Vec::new(),
    }
}

/// Rebuild a v2 set from its recovery text and codes together: bytes known
/// from either fill the stream; the text's parity rebuilds lost lines and
/// the codes' parity lost shards, in turn, until nothing more is learnt.
/// The first reading of each shard is used.
fn with_text(set: &SetKey, shards: &BTreeMap<u8, ShardSeen>, lines: &Lines) -> Option<(Vec<u8>, Vec<u8>)> {
    if set.version != 2 {
        return None;
    }
    let (k, n, len) = (set.k as usize, set.n as usize, set.payload_len as usize);
    let layout = Layout::for_stream(HEADER_BYTES + len);
    let mut known: Partial = lines.partial(layout.data * BYTES_PER_LINE);
    let mut header = vec![set.kind.code(), set.k, set.n];
    header.extend_from_slice(&(len as u16).to_be_bytes());
    known.fill(0, &header);
    let s = set.shard_len();
    let first = |i: u8| shards.get(&i).and_then(|seen| seen.variants.first());
    for i in 0..k {
        if let Some(v) = first(i as u8) {
            let end = (HEADER_BYTES + (i + 1) * s).min(HEADER_BYTES + len);
            let take = end.saturating_sub(HEADER_BYTES + i * s);
            known.fill(HEADER_BYTES + i * s, &v[..take]);
        }
    }
    let parity = lines.parity();
    loop {
        let mut progress = text::apply_parity(&layout, &parity, &mut known);
        let present: Vec<Option<Vec<u8>>> =
            (0..n).map(|i| if i < k { known.get(HEADER_BYTES + i * s, s) } else { first(i as u8).cloned() }).collect();
        let complete = present[..k].iter().all(Option::is_some);
        if !complete
            && present.iter().filter(|p| p.is_some()).count() >= k
            && let Ok(carried) = shard::join(present, k, len)
        {
            known.fill(HEADER_BYTES, &carried);
            progress = true;
        }
        if !progress {
            break;
        }
    }
    let stream = known.get(0, HEADER_BYTES + len)?;
    let carried = stream[HEADER_BYTES..].to_vec();
    let content = open(set, &carried)?;
    Some((carried, content))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{PayloadKind, frame::Frame};
    use proptest::prelude::*;

    fn frames(payload: &[u8], k: usize, n: usize) -> Vec<Frame> {
        let set = SetKey {
            version: 1,
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
