//! How a payload is cut into codes: how many (k data + parity = n), at which
//! QR error-correction level, and how large each symbol is.
//!
//! Two independent protections stack: QR error correction inside each symbol
//! (a smudge or a blot over part of a code) and Reed–Solomon across symbols
//! (whole codes torn off, stained or unreadable). Defaults:
//!
//! | payload | codes that may be lost | QR level |
//! |---|---|---|
//! | ≤ 1 KiB (typical secrets) | half | H (~30% of a symbol) |
//! | ≤ 2 KiB | 30% | Q |
//! | larger | 30% | M |

use crate::format::{digits, frame};
use crate::sheet::qr::{self, Ecc};

/// Fewest data shards: even a tiny payload is spread over at least 3 data
/// codes (6 in all by default) so one stain cannot take most of them.
pub const MIN_DATA_CODES: usize = 3;
/// Payloads up to this size get the "small secrets" defaults.
pub const SMALL_PAYLOAD: usize = 1024;
/// Payloads up to this size get QR level Q by default, above it M (a 4 KB
/// key file then fits one page of codes: 30% of them may be lost, and each
/// survives ~15% damage).
pub const MEDIUM_PAYLOAD: usize = 2048;
/// Accepted range for `--redundancy`, in percent of codes that may be lost.
pub const REDUNDANCY_RANGE: std::ops::RangeInclusive<u32> = 10..=80;

/// The chosen split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Any `k` codes restore the payload.
    pub k: usize,
    /// Codes printed.
    pub n: usize,
    pub ecc: Ecc,
    /// Bytes of payload in each shard.
    pub shard_len: usize,
}

impl Plan {
    /// Codes that may be lost.
    pub fn spare(&self) -> usize {
        self.n - self.k
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the redundancy must be between 10 and 80 (percent of codes that may be lost), not {0}")]
    Redundancy(u32),
    #[error(
        "the payload ({len} bytes) needs {n} codes at QR level {ecc}; at most 255 are possible: lower the redundancy, choose a lower QR level, or split the secrets over several sheets"
    )]
    TooLarge { len: usize, n: usize, ecc: char },
}

/// Default share of codes that may be lost, in percent.
pub fn default_redundancy(payload_len: usize) -> u32 {
    if payload_len <= SMALL_PAYLOAD { 50 } else { 30 }
}

/// Default QR error-correction level.
pub fn default_ecc(payload_len: usize) -> Ecc {
    if payload_len <= SMALL_PAYLOAD {
        Ecc::H
    } else if payload_len <= MEDIUM_PAYLOAD {
        Ecc::Q
    } else {
        Ecc::M
    }
}

/// Largest shard that fits a symbol of [`qr::MAX_VERSION`] at `ecc`.
pub fn shard_capacity(ecc: Ecc) -> usize {
    let digit_cap = qr::digit_capacity(&frame::prefix(), qr::MAX_VERSION, ecc);
    let mut bytes = 0;
    while digits::digit_len(bytes + 1) <= digit_cap {
        bytes += 1;
    }
    bytes - frame::overhead(frame::VERSION as u8)
}

/// Choose k, n and the QR level for a payload of `len` bytes.
pub fn plan(len: usize, redundancy: Option<u32>, ecc: Option<Ecc>) -> Result<Plan, PlanError> {
    let r = redundancy.unwrap_or_else(|| default_redundancy(len));
    if !REDUNDANCY_RANGE.contains(&r) {
        return Err(PlanError::Redundancy(r));
    }
    let ecc = ecc.unwrap_or_else(|| default_ecc(len));
    if len > frame::MAX_CARRIED_LEN_V2 as usize {
        return Err(PlanError::TooLarge { len, n: 256, ecc: ecc.letter() });
    }
    let k = len.div_ceil(shard_capacity(ecc)).max(MIN_DATA_CODES);
    with_k(len, k, r, ecc)
}

/// The plans the encoder lays out: for each QR level (the one asked for, or
/// every level of [`default_levels`]), the fewest data codes and up to `more`
/// extra ones (fewer bytes per code, smaller symbols, which may lay out
/// better on the page). The sheet keeps the candidate [`rank`] puts first.
pub fn candidates(len: usize, redundancy: Option<u32>, ecc: Option<Ecc>, more: usize) -> Result<Vec<Plan>, PlanError> {
    let levels = match ecc {
        Some(e) => vec![e],
        None => default_levels(len),
    };
    let r = redundancy.unwrap_or_else(|| default_redundancy(len));
    let mut out = Vec::new();
    for level in levels {
        let first = plan(len, redundancy, Some(level))?;
        out.push(first);
        for k in first.k + 1..=first.k + more {
            if k > len {
                break;
            }
            match with_k(len, k, r, level) {
                Ok(p) => out.push(p),
                Err(_) => break,
            }
        }
    }
    Ok(out)
}

/// QR levels the encoder tries when none is asked for.
pub fn default_levels(_payload_len: usize) -> Vec<Ecc> {
    vec![Ecc::H, Ecc::Q, Ecc::M]
}

/// A candidate sheet as laid out: what [`rank`] weighs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Laid {
    pub plan: Plan,
    /// Pages of the sheet.
    pub pages: usize,
    /// Codes on more than one page, or data (the recovery text, or the
    /// secrets when there is no recovery text) beyond page 1.
    pub spread: bool,
    /// Module size, mm.
    pub module_mm: f32,
    /// The recovery text printed before the secrets in clear (page 1 could
    /// not hold both with the codes).
    pub recovery_first: bool,
}

/// How a candidate ranks; smaller is better (see [`rank`]).
pub type Rank = (bool, usize, bool, i64, u8, usize);

/// Module sizes are compared in 300-dpi pixels (whole steps, as printed).
const PX_MM: f32 = 25.4 / 300.0;

/// Rank a candidate: page 1 restores alone, then the fewest pages, then the
/// secrets in clear on page 1, then the largest modules, then the stronger
/// QR level, then fewer codes.
pub fn rank(l: &Laid) -> Rank {
    let px = (l.module_mm / PX_MM).round() as i64;
    let strength = match l.plan.ecc {
        Ecc::H => 0,
        Ecc::Q => 1,
        Ecc::M => 2,
        Ecc::L => 3,
    };
    (l.spread, l.pages, false, -px, strength, l.recovery_first as usize * 1000 + l.plan.n)
}

fn with_k(len: usize, k: usize, r: u32, ecc: Ecc) -> Result<Plan, PlanError> {
    // parity / n >= r/100  <=>  parity >= k·r / (100 − r)
    let parity = (k * r as usize).div_ceil(100 - r as usize).max(1);
    let n = k + parity;
    if n > 255 {
        return Err(PlanError::TooLarge { len, n, ecc: ecc.letter() });
    }
    Ok(Plan { k, n, ecc, shard_len: frame::shard_len(len, k) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_payloads_survive_losing_half() {
        let p = plan(300, None, None).unwrap();
        assert_eq!((p.k, p.n, p.ecc), (3, 6, Ecc::H));
        let p = plan(1024, None, None).unwrap();
        assert_eq!(p.ecc, Ecc::H);
        assert!(p.spare() * 2 >= p.n, "{p:?}");
    }

    #[test]
    fn larger_payloads_survive_losing_30_percent() {
        for len in [1500, 4200, 9000, 17000] {
            let p = plan(len, None, None).unwrap();
            assert!(p.spare() as f64 >= 0.3 * p.n as f64, "{len}: {p:?}");
            assert!(p.shard_len <= shard_capacity(p.ecc));
        }
    }

    #[test]
    fn redundancy_and_bounds() {
        let p = plan(300, Some(20), None).unwrap();
        assert_eq!((p.k, p.n), (3, 4));
        assert_eq!(plan(300, Some(5), None), Err(PlanError::Redundancy(5)));
        assert!(matches!(plan(200_000, Some(80), Some(Ecc::H)), Err(PlanError::TooLarge { .. })));
    }

    #[test]
    fn every_shard_fits_its_symbol() {
        for ecc in [Ecc::L, Ecc::M, Ecc::Q, Ecc::H] {
            let cap = shard_capacity(ecc);
            let f = frame::Frame {
                set: frame::SetKey {
                    version: frame::VERSION as u8,
                    kind: frame::PayloadKind::Sheet,
                    k: 1,
                    n: 1,
                    payload_len: cap as u32,
                    checksum: [9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                },
                index: 0,
                shard: vec![0xff; cap],
            };
            assert!(qr::encode(&f.to_text(), ecc).is_some(), "{ecc:?} {cap}");
            let f2 = frame::Frame {
                shard: vec![0xff; cap + 1],
                set: frame::SetKey { payload_len: cap as u32 + 1, ..f.set },
                ..f
            };
            assert!(qr::encode(&f2.to_text(), ecc).is_none(), "{ecc:?} {cap}+1 should not fit");
        }
    }
}
