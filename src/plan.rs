//! How a payload is cut into codes: how many (k data + parity = n), at which
//! QR error-correction level, and how large each symbol is.
//!
//! Two independent protections stack: QR error correction inside each symbol
//! (a smudge or a blot over part of a code) and Reed–Solomon across symbols
//! (whole codes torn off, stained or unreadable). A third thing decides
//! whether a blurred or low-resolution scan reads at all: the module size,
//! which the layout makes as large as the page allows for the codes it is
//! given. So the encoder lays out several [`candidates`] (levels H, Q and M,
//! two to k + 3 data codes) and keeps the one [`rank`] puts first, a rule the
//! severity grid of docs/BENCHMARKS.md justifies (docs/FORMAT.md §3):
//!
//! | payload | codes that may be lost | QR levels tried |
//! |---|---|---|
//! | ≤ 1 KiB (typical secrets) | half | H, Q, M |
//! | larger | 30% | H, Q, M |
//!
//! [`plan`] alone (the fewest codes at [`default_ecc`]) is what the format's
//! test vectors record.

use crate::format::{digits, frame};
use crate::sheet::qr::{self, Ecc};

/// Fewest data shards: even a tiny payload is spread over at least 3 data
/// codes (6 in all by default) so one stain cannot take most of them.
pub const MIN_DATA_CODES: usize = 3;
/// Fewest data codes the encoder considers at all: a small payload in two
/// large codes (four with the default redundancy) can read better than in
/// three smaller ones on a one-page sheet; [`rank`] decides.
pub const FEWEST_DATA_CODES: usize = 2;
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
        // A small payload may also go in fewer, larger codes: two data codes
        // (with the default redundancy, four codes, any two of which restore).
        if first.k == MIN_DATA_CODES
            && len >= FEWEST_DATA_CODES
            && frame::shard_len(len, FEWEST_DATA_CODES) <= shard_capacity(level)
        {
            out.push(with_k(len, FEWEST_DATA_CODES, r, level)?);
        }
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
pub type Rank = (bool, bool, bool, bool, usize, i64, bool, u8, i64, usize);

/// Module sizes are compared in 300-dpi pixels (whole steps, as printed).
const PX_MM: f32 = 25.4 / 300.0;

/// The weakest QR level [`rank`] prefers: on the severity grid's partial
/// damage (docs/BENCHMARKS.md), codes at level M lost to ink blots of
/// 10–25% of a symbol were restored only with the help of the recovery text,
/// at Q and H from the codes alone.
pub const FLOOR_LEVEL: Ecc = Ecc::Q;

/// Smallest module, in 300-dpi pixels (8 px, 0.68 mm, about the 0.71 mm of
/// paperseed 0.1's sheets), that [`rank`] accepts to save a page beyond the
/// first: a backup that needs two pages or more is not made shorter by making
/// it less durable than that (a backup that fits one page with modules of at
/// least [`ONE_PAGE_PX`] keeps one page).
pub const DURABLE_PX: i64 = 8;

/// Smallest module, in 300-dpi pixels (7 px, 0.59 mm), for which a backup
/// that fits one page keeps one page; with smaller codes it takes a second
/// page rather than lose the blurred, low-resolution part of the severity
/// grid that codes of 0.59 mm still read.
pub const ONE_PAGE_PX: i64 = 7;

/// Module size, in 300-dpi pixels, past which larger modules no longer
/// count before a stronger QR level (12 px, 1.02 mm): on the severity grid a
/// code reads while the blur stays under about half a module, and the
/// grid's strongest blur (σ 2.2 pixels of a 120 dpi image, 0.47 mm) is
/// under half of it.
pub const SATURATION_PX: i64 = 12;

fn strength(ecc: Ecc) -> u8 {
    match ecc {
        Ecc::H => 0,
        Ecc::Q => 1,
        Ecc::M => 2,
        Ecc::L => 3,
    }
}

/// Rank a candidate (smaller is better), a rule the severity grid of
/// docs/BENCHMARKS.md justifies:
///
/// 1. page 1 restores alone (every code and the recovery text on it);
/// 2. one page (a typical backup fits one sheet of paper), with modules of at
///    least [`ONE_PAGE_PX`];
/// 3. modules of at least [`DURABLE_PX`];
/// 4. a QR level of at least [`FLOOR_LEVEL`] (partial damage);
/// 5. the fewest pages (a longer backup takes a page more rather than
///    codes below 3 and 4);
/// 6. the largest modules, up to [`SATURATION_PX`] (blur and low resolution
///    are survived in proportion to the module size);
/// 7. the secrets in clear before the recovery text (on page 1);
/// 8. the stronger QR level;
/// 9. the largest modules, then the fewest codes.
pub fn rank(l: &Laid) -> Rank {
    let px = (l.module_mm / PX_MM).round() as i64;
    (
        l.spread,
        l.pages > 1 || px < ONE_PAGE_PX,
        px < DURABLE_PX,
        strength(l.plan.ecc) > strength(FLOOR_LEVEL),
        l.pages,
        -px.min(SATURATION_PX),
        l.recovery_first,
        strength(l.plan.ecc),
        -px,
        l.plan.n,
    )
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

    fn laid(ecc: Ecc, k: usize, pages: usize, px: i64) -> Laid {
        let plan = with_k(300, k, 50, ecc).unwrap();
        Laid { plan, pages, spread: false, module_mm: px as f32 * PX_MM, recovery_first: false }
    }

    #[test]
    fn candidates_cover_levels_and_a_two_code_split() {
        let c = candidates(300, None, None, EXTRA).unwrap();
        for ecc in [Ecc::H, Ecc::Q, Ecc::M] {
            assert!(c.iter().any(|p| p.ecc == ecc && p.k == FEWEST_DATA_CODES), "{ecc:?}: {c:?}");
            assert!(c.iter().any(|p| p.ecc == ecc && p.k == MIN_DATA_CODES + EXTRA), "{ecc:?}");
        }
        assert!(c.iter().all(|p| p.spare() * 2 >= p.n), "half may be lost");
        // An asked level is the only one tried; a large payload gets no two-code split.
        assert!(candidates(300, None, Some(Ecc::L), 0).unwrap().iter().all(|p| p.ecc == Ecc::L));
        assert!(candidates(4000, None, None, 0).unwrap().iter().all(|p| p.k > FEWEST_DATA_CODES));
    }
    const EXTRA: usize = 3;

    #[test]
    fn rank_puts_durability_before_paper_past_one_page() {
        let better = |a: Laid, b: Laid| assert!(rank(&a) < rank(&b), "{a:?} should beat {b:?}");
        // Page 1 restores alone, first of all.
        better(laid(Ecc::Q, 3, 3, 8), Laid { spread: true, ..laid(Ecc::H, 3, 2, 12) });
        // One page with modules of 7 px or more beats any longer sheet…
        better(laid(Ecc::Q, 2, 1, ONE_PAGE_PX), laid(Ecc::H, 2, 2, 12));
        // …but with smaller modules the backup takes a second page.
        better(laid(Ecc::Q, 2, 2, 8), laid(Ecc::Q, 3, 1, ONE_PAGE_PX - 1));
        // Past one page: 8 px and level Q before fewer pages.
        better(laid(Ecc::Q, 4, 4, DURABLE_PX), laid(Ecc::Q, 4, 3, DURABLE_PX - 1));
        better(laid(Ecc::Q, 4, 4, DURABLE_PX), laid(Ecc::M, 4, 3, 10));
        // Then fewer pages, then larger modules up to 12 px, then the stronger level.
        better(laid(Ecc::Q, 4, 2, 8), laid(Ecc::H, 4, 3, 12));
        better(laid(Ecc::Q, 4, 2, 11), laid(Ecc::H, 4, 2, 9));
        better(laid(Ecc::H, 4, 2, SATURATION_PX), laid(Ecc::Q, 4, 2, SATURATION_PX + 2));
        // The secrets in clear stay before the recovery text unless modules gain.
        better(laid(Ecc::Q, 4, 2, 10), Laid { recovery_first: true, ..laid(Ecc::H, 4, 2, 10) });
        better(Laid { recovery_first: true, ..laid(Ecc::Q, 4, 2, 11) }, laid(Ecc::H, 4, 2, 10));
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
