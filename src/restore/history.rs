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

/// Bounds of a line paperseed could have written: more codes, a larger
/// percentage or a longer date make the line malformed (skipped), never an
/// overflow or a report as long as the log.
const MAX_CODES: usize = 255;
const MAX_PERCENT: u32 = 100;
const MAX_TEXT_LINES: usize = 100_000;
const MAX_FIELD_CHARS: usize = 64;
/// Values shown per code in the trend; a longer history is elided in the middle.
const MAX_SHOWN: usize = 8;

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

    /// Read a log line; `None` for anything else, including a line with
    /// numbers or fields no check writes (see the bounds above).
    pub fn parse(line: &str) -> Option<Check> {
        let field = |v: &str| (v.chars().count() <= MAX_FIELD_CHARS).then(|| v.to_string());
        let mut parts = line.split_whitespace();
        let date = field(parts.next()?)?;
        let (mut fingerprint, mut verdict, mut ecc, mut text) = (None, None, None, None);
        for p in parts {
            let (k, v) = p.split_once('=')?;
            match k {
                "fingerprint" => fingerprint = Some(field(v)?),
                "verdict" => verdict = Some(field(v)?),
                "ecc" => {
                    let values = v
                        .split(',')
                        .map(|x| match x {
                            "-" => Some(None),
                            _ => x.parse::<u32>().ok().filter(|&e| e <= MAX_PERCENT).map(Some),
                        })
                        .collect::<Option<Vec<_>>>()?;
                    if values.len() > MAX_CODES {
                        return None;
                    }
                    ecc = Some(values)
                }
                "text" if v == "-" => {}
                "text" => {
                    let (a, b) = v.split_once('/')?;
                    let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
                    if a > b || b > MAX_TEXT_LINES {
                        return None;
                    }
                    text = Some((a, b))
                }
                _ => {}
            }
        }
        Some(Check { date, fingerprint: fingerprint?, verdict: verdict?, ecc: ecc?, text })
    }
}

/// A field read back from the log as it may be shown on a terminal: control
/// characters (escape sequences) escaped, like `\u{1b}`.
fn shown(field: &str) -> String {
    field.chars().map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }).collect()
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
        let since = shown(&series[0].date);
        let mut moved = Vec::new();
        for i in 0..check.ecc.len() {
            let values: Vec<Option<u32>> = series.iter().map(|c| c.ecc.get(i).copied().flatten()).collect();
            let first = values[0];
            let last = values[values.len() - 1];
            let worse = match (first, last) {
                (Some(a), Some(b)) => b >= a.saturating_add(10),
                (Some(_), None) => true,
                _ => false,
            };
            if worse {
                let mut seen: Vec<String> =
                    values.iter().map(|v| v.map_or("not read".into(), |v| format!("{v}%"))).collect();
                if seen.len() > MAX_SHOWN {
                    // The first check, then the latest ones.
                    let left = seen.len() - MAX_SHOWN;
                    seen.splice(1..=left, [format!("… ({left} checks) …")]);
                }
                moved.push(format!("  code {}: {} since {since}", i + 1, seen.join(" → ")));
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
        let dashes = "2026-01-02 fingerprint=T6DA-8PZ1-BEY5 verdict=intact codes=0/1 ecc=- text=-";
        assert_eq!(Check::parse(dashes).map(|c| c.text), Some(None));
    }

    #[test]
    fn numbers_no_check_writes_make_the_line_malformed() {
        let line = |ecc: &str, text: &str| {
            format!("2026-01-02 fingerprint=T6DA-8PZ1-BEY5 verdict=intact codes=1/1 ecc={ecc} text={text}")
        };
        assert!(Check::parse(&line("100", "16/16")).is_some());
        assert_eq!(Check::parse(&line("4294967286", "16/16")), None);
        assert_eq!(Check::parse(&line("101", "16/16")), None);
        assert_eq!(Check::parse(&line("99999999999999999999", "16/16")), None);
        assert_eq!(Check::parse(&line(&vec!["0"; 256].join(","), "16/16")), None);
        assert_eq!(Check::parse(&line("0", "18446744073709551615/16")), None);
        assert_eq!(Check::parse(&line("0", "17/16")), None);
        assert_eq!(Check::parse(&format!("{} fingerprint=X verdict=intact ecc=0", "9".repeat(65))), None);
    }

    #[test]
    fn dates_are_shown_escaped_and_long_histories_elided() {
        let mut first = check("2026-01-02\x1b[2J", &[Some(0)]);
        first.date = "\x1b]0;t\x07".into();
        let mut log = first.line() + "\n";
        for year in 2027..2040 {
            log += &(check(&format!("{year}-01-02"), &[Some(0)]).line() + "\n");
        }
        let t = trend(&log, &[check("2041-01-02", &[None])]);
        assert_eq!(t[0], "T6DA-8PZ1-BEY5: wearing since \\u{1b}]0;t\\u{7} (14 earlier check(s)):");
        assert_eq!(
            t[1],
            "  code 1: 0% → … (7 checks) … → 0% → 0% → 0% → 0% → 0% → 0% → not read since \\u{1b}]0;t\\u{7}"
        );
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
