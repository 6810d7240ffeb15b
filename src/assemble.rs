//! From code texts found on scans to payloads: group, rebuild, check.
//!
//! Frames are grouped by their set (payload kind, k, n, length and checksum),
//! never mixed across sets. Each set is rebuilt from any k of its shards and
//! the result must match the BLAKE3 checksum every frame carries. When more
//! than k shards are at hand and the first rebuild does not match (one shard
//! damaged in a way its CRC missed, or a forged code), other k-subsets are
//! tried, so one bad shard cannot poison the result.
//!
//! Anyone can print CRC-valid codes, so the search is bounded: combinations
//! are enumerated over distinct indices first (indices read with a single
//! content before those read with several), then over the variants of each
//! chosen index, most-read first; every rebuild counts, and the total work
//! (rebuilds weighted by k) is capped.

use std::collections::BTreeMap;

use crate::format::text::{self, BYTES_PER_LINE, HEADER_BYTES, Layout, Lines, Partial};
use crate::format::{self, Fingerprint, Frame, FrameError, PayloadKind, SetKey, envelope};
use crate::shard;

/// Most rebuilds tried before giving up on a set whose rebuilds never match.
pub const MAX_REBUILDS: usize = 5000;

/// Most work spent on one set, in shards handled: each rebuild costs k
/// (a Reed–Solomon rebuild of k = 200 costs far more than one of k = 3),
/// and each new pattern of lost data codes, whose matrix must be inverted,
/// [`inversion_cost`]. 5,000 rebuilds of k = 24.
pub const MAX_WORK: usize = 120_000;

/// Work charged for inverting the k×k matrix of a new pattern of lost
/// data codes (~k³ operations; 488 at k = 200, none at k = 24).
pub fn inversion_cost(k: usize) -> usize {
    k * k * k / 16384
}

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
    /// Distinct contents read for this index (normally one), most-read
    /// first (ties: first read first).
    pub variants: Vec<Vec<u8>>,
    /// For each variant, the places where it was read.
    pub variant_sources: Vec<Vec<String>>,
}

/// Result of rebuilding one set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The payload, matching its checksum.
    Restored {
        payload: Vec<u8>,
        /// Shards that disagree with the restored payload (damaged or forged).
        bad_shards: Vec<u8>,
        /// Codes read that do not fit the restored payload at an index
        /// whose fitting code was read too (CRC-valid forgeries, or
        /// another printing): (index, where that content was read), one
        /// entry per content.
        unfit: Vec<(u8, Vec<String>)>,
    },
    /// Fewer than k distinct shards.
    NotEnough { have: usize },
    /// Enough shards, but no rebuild matches the checksum.
    Mismatch {
        /// Rebuilds tried (every combination visited counts).
        tried: usize,
        /// Indices (0-based) read with more than one content (forged or
        /// misread codes); empty if none.
        conflicting: Vec<u8>,
    },
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

    /// Codes read that do not fit the restored payload while the code that
    /// fits was read too, in words (count and where), if any.
    pub fn unfit_note(&self) -> Option<String> {
        let Outcome::Restored { unfit, .. } = &self.outcome else { return None };
        if unfit.is_empty() {
            return None;
        }
        let places: Vec<String> =
            unfit.iter().map(|(i, places)| format!("code {} at {}", i + 1, places.join(", "))).collect();
        Some(format!(
            "{} code{} read do{} not fit the rebuilt, checksummed data (forged, or CRC-valid codes of another printing), and {} left out: {}",
            unfit.len(),
            if unfit.len() == 1 { "" } else { "s" },
            if unfit.len() == 1 { "es" } else { "" },
            if unfit.len() == 1 { "was" } else { "were" },
            places.join("; ")
        ))
    }

    /// How many distinct shard indices were read.
    pub fn have(&self) -> usize {
        self.shards.len()
    }

    /// Indices (0-based) read with more than one content: forged codes,
    /// or misreads that passed their CRC.
    pub fn conflicting(&self) -> Vec<u8> {
        self.shards.iter().filter(|(_, s)| s.variants.len() > 1).map(|(&i, _)| i).collect()
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
                    seen.sources.push(s.source.clone());
                }
                let v = match seen.variants.iter().position(|v| *v == frame.shard) {
                    Some(v) => v,
                    None => {
                        seen.variants.push(frame.shard);
                        seen.variant_sources.push(Vec::new());
                        seen.variants.len() - 1
                    }
                };
                if !seen.variant_sources[v].contains(&s.source) {
                    seen.variant_sources[v].push(s.source);
                }
            }
            Err(FrameError::NotPaperseed) => report.foreign.push((s.source, s.text)),
            Err(error) => report.rejected.push(Rejected { source: s.source, error }),
        }
    }
    // Most-read variant first (stable: ties keep the order first read).
    for seen in sets.values_mut().flat_map(|s| s.values_mut()) {
        let mut pairs: Vec<(Vec<u8>, Vec<String>)> =
            std::mem::take(&mut seen.variants).into_iter().zip(std::mem::take(&mut seen.variant_sources)).collect();
        pairs.sort_by_key(|(_, src)| std::cmp::Reverse(src.len()));
        (seen.variants, seen.variant_sources) = pairs.into_iter().unzip();
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
        match search(&set, &shards) {
            (Some((carried, payload)), _) => restored(&carried, payload, &shards, &candidates, k, n),
            (None, tried) => Outcome::Mismatch {
                tried,
                conflicting: shards.iter().filter(|(_, s)| s.variants.len() > 1).map(|(&i, _)| i).collect(),
            },
        }
    };
    let outcome = match text {
        Some(t) if !matches!(outcome, Outcome::Restored { .. }) => match with_text(&set, &shards, &t.lines) {
            Some((carried, payload)) => restored(&carried, payload, &shards, &candidates, k, n),
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

/// Search for a rebuild matching the checksum: k-combinations of distinct
/// indices (those read with one content first, then by index, so the first
/// is the systematic fast path on an intact sheet), and for each, the
/// product of the chosen indices' variants, most-read first. Every rebuild
/// counts against [`MAX_REBUILDS`] and [`MAX_WORK`]. Returns the carried
/// bytes and content found, and the rebuilds tried.
#[allow(clippy::type_complexity)]
fn search(set: &SetKey, shards: &BTreeMap<u8, ShardSeen>) -> (Option<(Vec<u8>, Vec<u8>)>, usize) {
    let (k, n, len) = (set.k as usize, set.n as usize, set.payload_len as usize);
    let mut indices: Vec<(u8, &ShardSeen)> = shards.iter().map(|(&i, s)| (i, s)).collect();
    indices.sort_by_key(|(i, s)| (s.variants.len() > 1, *i));
    let m = indices.len();
    let mut tried = 0;
    let mut work = 0;
    let Ok(mut joiner) = shard::Joiner::new(k, n, len) else { return (None, 0) };
    if m < k {
        return (None, 0);
    }
    let mut idx: Vec<usize> = (0..k).collect();
    loop {
        // The product of the variants of the chosen indices (odometer, the
        // last position fastest; rank 0 = most read).
        let mut rank = vec![0usize; k];
        if idx.iter().filter(|&&c| (indices[c].0 as usize) < k).count() < k {
            work += inversion_cost(k);
        }
        loop {
            // The first rebuild is always tried.
            if tried > 0 && (tried >= MAX_REBUILDS || work + k > MAX_WORK) {
                return (None, tried);
            }
            tried += 1;
            work += k;
            let mut present = vec![None; n];
            for (p, &c) in idx.iter().enumerate() {
                let (i, seen) = indices[c];
                present[i as usize] = Some(seen.variants[rank[p]].clone());
            }
            if let Ok(carried) = joiner.join(present)
                && let Some(content) = open(set, &carried)
            {
                return (Some((carried, content)), tried);
            }
            let mut p = k;
            loop {
                if p == 0 {
                    break;
                }
                p -= 1;
                if rank[p] + 1 < indices[idx[p]].1.variants.len() {
                    rank[p] += 1;
                    break;
                }
                rank[p] = 0;
            }
            if rank.iter().all(|&r| r == 0) {
                break;
            }
        }
        // Next combination of indices.
        let mut i = k;
        loop {
            if i == 0 {
                return (None, tried);
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
}

/// The outcome of a rebuild that matched its checksum.
fn restored(
    carried: &[u8],
    payload: Vec<u8>,
    shards: &BTreeMap<u8, ShardSeen>,
    candidates: &[(u8, &Vec<u8>)],
    k: usize,
    n: usize,
) -> Outcome {
    let unfit = match shard::split(carried, k, n) {
        Ok(good) => shards
            .iter()
            .filter(|(i, seen)| seen.variants.contains(&good[**i as usize]))
            .flat_map(|(&i, seen)| {
                let good = &good[i as usize];
                seen.variants
                    .iter()
                    .zip(&seen.variant_sources)
                    .filter(move |(v, _)| *v != good)
                    .map(move |(_, places)| (i, places.clone()))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    Outcome::Restored { bad_shards: bad_shards(carried, candidates, k, n), unfit, payload }
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
        assert_eq!(s.outcome, Outcome::Restored { payload: payload.clone(), bad_shards: vec![], unfit: vec![] });
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
            Outcome::Restored { payload: b"payload B, long enough".to_vec(), bad_shards: vec![], unfit: vec![] }
        );
    }

    #[test]
    fn a_forged_shard_with_a_valid_crc_cannot_poison_the_result() {
        let payload: Vec<u8> = (0..200u8).collect();
        let mut fs = frames(&payload, 3, 6);
        fs[0].shard[5] ^= 0x55; // CRC is recomputed by to_text: only the BLAKE3 check can tell.
        let r = assemble(fs.iter().map(|f| sight(f, "s")));
        assert_eq!(
            r.sets[0].outcome,
            Outcome::Restored { payload: payload.clone(), bad_shards: vec![0], unfit: vec![] }
        );
        // With exactly k shards, one of them forged: refused, not wrong.
        let r = assemble([sight(&fs[0], "s"), sight(&fs[1], "s"), sight(&fs[2], "s")]);
        assert_eq!(r.sets[0].outcome, Outcome::Mismatch { tried: 1, conflicting: vec![] });
    }

    /// `count` CRC-valid forged variants of each frame (deterministic).
    fn forgeries(fs: &[Frame], count: usize) -> Vec<Frame> {
        let mut out = Vec::new();
        for f in fs {
            for v in 0..count {
                let mut g = f.clone();
                let at = v % g.shard.len();
                g.shard[at] ^= 1 + v as u8;
                g.shard[0] ^= 0x80;
                out.push(g);
            }
        }
        out
    }

    #[test]
    fn a_genuine_sheet_among_many_forged_variants_restores_quickly() {
        let payload: Vec<u8> = (0..120u8).collect();
        let fs = frames(&payload, 3, 6);
        let forged = forgeries(&fs, 8);
        // Forged page read first, genuine sheet read twice (scan and photo):
        // the most-read variants are the genuine ones, tried first.
        let sightings = forged
            .iter()
            .map(|f| sight(f, "evil.pdf"))
            .chain(fs.iter().map(|f| sight(f, "scan.pdf")))
            .chain(fs.iter().map(|f| sight(f, "photo.jpg")));
        let r = assemble(sightings);
        assert_eq!(r.sets.len(), 1);
        let bad: Vec<u8> = (0..6).collect();
        let unfit: Vec<(u8, Vec<String>)> =
            (0..6u8).flat_map(|i| std::iter::repeat_n((i, vec!["evil.pdf".to_string()]), 8)).collect();
        assert_eq!(
            r.sets[0].outcome,
            Outcome::Restored { payload: payload.clone(), bad_shards: bad.clone(), unfit: unfit.clone() }
        );
        assert!(r.sets[0].unfit_note().unwrap().starts_with("48 codes read do not fit"));
        assert_eq!(r.sets[0].conflicting(), bad);
        assert_eq!(search(&r.sets[0].set, &r.sets[0].shards).1, 1);
        // Genuine sheet read once, after the forgeries (every variant read
        // once): still restored, within a bounded number of rebuilds.
        let r = assemble(forged.iter().map(|f| sight(f, "evil.pdf")).chain(fs.iter().map(|f| sight(f, "scan.pdf"))));
        assert_eq!(r.sets[0].outcome, Outcome::Restored { payload: payload.clone(), bad_shards: bad, unfit });
        let tried = search(&r.sets[0].set, &r.sets[0].shards).1;
        eprintln!("genuine read once, after 8 forgeries per code: restored at rebuild {tried}");
        assert!(tried <= 9 * 9 * 9, "{tried} rebuilds");
    }

    #[test]
    fn many_forged_variants_give_up_after_the_cap() {
        // 48 forged codes, k = 24, two variants per index: 2^24 products
        // of the first 24 indices alone, without the cap.
        let payload: Vec<u8> = (0..=255u8).cycle().take(24 * 40).collect();
        let fs = frames(&payload, 24, 48);
        let forged = forgeries(&fs[24..], 2); // parity codes: every rebuild is Reed–Solomon work
        assert_eq!(forged.len(), 48);
        let start = std::time::Instant::now();
        let r = assemble(forged.iter().map(|f| sight(f, "evil.pdf")));
        let Outcome::Mismatch { tried, conflicting } = &r.sets[0].outcome else { panic!("{:?}", r.sets[0].outcome) };
        assert_eq!(*tried, (MAX_WORK - inversion_cost(24)) / 24);
        assert_eq!(conflicting, &(24..48).collect::<Vec<u8>>());
        eprintln!("gave up after {tried} rebuilds in {:?}", start.elapsed());
        // A large k spends its budget on fewer rebuilds.
        let fs = frames(&payload, 200, 255);
        let forged = forgeries(&fs[..200], 2);
        let r = assemble(forged.iter().map(|f| sight(f, "evil.pdf")));
        let Outcome::Mismatch { tried, .. } = &r.sets[0].outcome else { panic!() };
        assert_eq!(*tried, MAX_WORK / 200);
        let forged = forgeries(&fs[55..], 2);
        let start = std::time::Instant::now();
        let r = assemble(forged.iter().map(|f| sight(f, "evil.pdf")));
        let Outcome::Mismatch { tried, .. } = &r.sets[0].outcome else { panic!() };
        assert_eq!(*tried, (MAX_WORK - inversion_cost(200)) / 200);
        eprintln!("k = 200, same lost codes: gave up after {tried} rebuilds in {:?}", start.elapsed());
        // All 255 codes forged, one variant each: every combination of
        // indices loses other data codes (a new matrix to invert each time).
        let mut forged = forgeries(&fs, 1);
        forged.truncate(255);
        let start = std::time::Instant::now();
        let r = assemble(forged.iter().map(|f| sight(f, "evil.pdf")));
        let Outcome::Mismatch { tried, conflicting } = &r.sets[0].outcome else { panic!() };
        assert!(conflicting.is_empty());
        assert!(*tried <= MAX_WORK / (200 + inversion_cost(200)) + 1, "{tried}");
        eprintln!("k = 200, all forged: gave up after {tried} rebuilds in {:?}", start.elapsed());
    }

    #[test]
    fn unambiguous_indices_are_tried_before_conflicting_ones() {
        // Data codes forged twice each, parity codes genuine and alone:
        // the parity codes rebuild the payload on the first try.
        let payload: Vec<u8> = (0..=255u8).cycle().take(24 * 10).collect();
        let fs = frames(&payload, 24, 48);
        let forged = forgeries(&fs[..24], 2);
        let r = assemble(forged.iter().chain(&fs[24..]).map(|f| sight(f, "x")));
        assert!(matches!(r.sets[0].outcome, Outcome::Restored { .. }), "{:?}", r.sets[0].outcome);
        assert_eq!(search(&r.sets[0].set, &r.sets[0].shards).1, 1);
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
            prop_assert_eq!(
                &r.sets[0].outcome,
                &Outcome::Restored { payload: payload.clone(), bad_shards: vec![], unfit: vec![] }
            );
        }
    }
}
