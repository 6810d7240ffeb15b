//! A sheet's history: `verify --log FILE` appends one line per check to a
//! file the owner keeps, and shows how each code's error-correction margin
//! moved since the first check ("code 5: 10% → 35% → 55% since 2026-01-02"),
//! the early warning that a sheet is decaying before a code dies.
//!
//! One line per set checked, plain text a person can read:
//!
//! ```text
//! 2026-11-28 fingerprint=T6DA-8PZ1-BEY5 verdict=degraded codes=5/6 ecc=0,12,55,-,0,0 text=16/16
//! ```
//!
//! `ecc` lists each code's error-correction use in percent (`-`: not read);
//! `text` the recovery-text lines read of those printed (`-`: none read).
//! Lines that do not parse (notes the owner added) are kept and skipped.

use super::report::{SetHealth, Verdict, VerifyReport};

/// Largest log file read, in bytes (decades of yearly checks fit in a few KB).
pub const MAX_LOG_BYTES: usize = 1 << 20;

/// One check of one set, as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub date: String,
    pub fingerprint: String,
    pub verdict: String,
    /// Each code's error-correction use in percent; `None`: not read.
    pub ecc: Vec<Option<u32>>,
    /// Recovery-text lines read and printed.
    pub text: Option<(usize, usize)>,
}

impl Check {
    fn from_set(s: &SetHealth, date: &str) -> Option<Check> {
        let fingerprint = s.fingerprint.clone()?;
        Some(Check {
            date: date.to_string(),
            fingerprint,
            verdict: match s.verdict {
                Verdict::Intact => "intact",
                Verdict::Degraded => "degraded",
                Verdict::NotRestorable => "not-restorable",
            }
            .to_string(),
            ecc: s
                .codes
                .iter()
                .map(
                    |c| {
                        if c.status == "read" {
                            Some(c.ecc_used.map_or(0, |e| (e * 100.0).round() as u32))
                        } else {
                            None
                        }
                    },
                )
                .collect(),
            text: s.text.as_ref().map(|t| (t.lines, t.expected)),
        })
    }

    /// The log line.
    pub fn line(&self) -> String {
        let read = self.ecc.iter().filter(|e| e.is_some()).count();
        let ecc: Vec<String> = self.ecc.iter().map(|e| e.map_or("-".to_string(), |v| v.to_string())).collect();
        let text = self.text.map_or("-".to_string(), |(r, e)| format!("{r}/{e}"));
        format!(
            "{} fingerprint={} verdict={} codes={read}/{} ecc={} text={text}",
            self.date,
            self.fingerprint,
            self.verdict,
            self.ecc.len(),
            ecc.join(",")
        )
    }

    /// Read a log line; `None` for anything else.
    pub fn parse(line: &str) -> Option<Check> {
        let mut parts = line.split_whitespace();
        let date = parts.next()?.to_string();
        let (mut fingerprint, mut verdict, mut ecc, mut text) = (None, None, None, None);
        for p in parts {
            let (k, v) = p.split_once('=')?;
            match k {
                "fingerprint" => fingerprint = Some(v.to_string()),
                "verdict" => verdict = Some(v.to_string()),
                "ecc" => {
                    ecc = Some(
                        v.split(',')
                            .map(|x| if x == "-" { Ok(None) } else { x.parse::<u32>().map(Some) })
                            .collect::<Result<Vec<_>, _>>()
                            .ok()?,
                    )
                }
                "text" => text = Some(v.split_once('/').and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))),
                _ => {}
            }
        }
        Some(Check { date, fingerprint: fingerprint?, verdict: verdict?, ecc: ecc?, text: text.flatten() })
    }
}

/// The log lines of this check: one per set checked (other backups than
/// the one expected left out).
pub fn checks(report: &VerifyReport, date: &str) -> Vec<Check> {
    report.sets.iter().filter(|s| !s.other_backup).filter_map(|s| Check::from_set(s, date)).collect()
}

/// How each check's sheet changed since its first logged check: one line
/// per code whose margin grew or that was lost, or a line saying it held.
pub fn trend(log: &str, now: &[Check]) -> Vec<String> {
    let earlier: Vec<Check> = log.lines().filter_map(Check::parse).collect();
    let mut out = Vec::new();
    for check in now {
        let mut series: Vec<&Check> = earlier.iter().filter(|c| c.fingerprint == check.fingerprint).collect();
        if series.is_empty() {
            out.push(format!("{}: first logged check.", check.fingerprint));
            continue;
        }
        series.push(check);
        let since = &series[0].date;
        let mut moved = Vec::new();
        for i in 0..check.ecc.len() {
            let values: Vec<Option<u32>> = series.iter().map(|c| c.ecc.get(i).copied().flatten()).collect();
            let first = values[0];
            let last = values[values.len() - 1];
            let worse = match (first, last) {
                (Some(a), Some(b)) => b >= a + 10,
                (Some(_), None) => true,
                _ => false,
            };
            if worse {
                let shown: Vec<String> =
                    values.iter().map(|v| v.map_or("not read".into(), |v| format!("{v}%"))).collect();
                moved.push(format!("  code {}: {} since {since}", i + 1, shown.join(" → ")));
            }
        }
        let checks = series.len() - 1;
        if moved.is_empty() {
            out.push(format!("{}: no code has worn since {since} ({checks} earlier check(s)).", check.fingerprint));
        } else {
            out.push(format!("{}: wearing since {since} ({checks} earlier check(s)):", check.fingerprint));
            out.extend(moved);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(date: &str, ecc: &[Option<u32>]) -> Check {
        Check {
            date: date.into(),
            fingerprint: "T6DA-8PZ1-BEY5".into(),
            verdict: "intact".into(),
            ecc: ecc.to_vec(),
            text: Some((16, 16)),
        }
    }

    #[test]
    fn lines_round_trip() {
        let c = check("2026-01-02", &[Some(0), Some(12), None]);
        assert_eq!(c.line(), "2026-01-02 fingerprint=T6DA-8PZ1-BEY5 verdict=intact codes=2/3 ecc=0,12,- text=16/16");
        assert_eq!(Check::parse(&c.line()), Some(c));
        assert_eq!(Check::parse("my note: moved the sheet to the safe"), None);
    }

    #[test]
    fn the_trend_names_codes_that_wear() {
        let log =
            [check("2026-01-02", &[Some(0), Some(10), Some(5)]), check("2027-01-02", &[Some(0), Some(35), Some(5)])]
                .iter()
                .map(|c| c.line() + "\n")
                .collect::<String>()
                + "a note of my own\n";
        let now = check("2028-01-02", &[Some(2), Some(55), None]);
        let t = trend(&log, std::slice::from_ref(&now));
        assert_eq!(t[0], "T6DA-8PZ1-BEY5: wearing since 2026-01-02 (2 earlier check(s)):");
        assert_eq!(t[1], "  code 2: 10% → 35% → 55% since 2026-01-02");
        assert_eq!(t[2], "  code 3: 5% → 5% → not read since 2026-01-02");
        assert_eq!(t.len(), 3);
        let steady = trend(&log, &[check("2028-01-02", &[Some(0), Some(12), Some(5)])]);
        assert_eq!(steady, ["T6DA-8PZ1-BEY5: no code has worn since 2026-01-02 (2 earlier check(s))."]);
        assert_eq!(trend("", &[now]), ["T6DA-8PZ1-BEY5: first logged check."]);
    }
}
