//! `paperseed verify`: the yearly check of a sheet: which codes and lines
//! still read, whether the checksum matches, and the fingerprint.

use std::path::Path;

use anyhow::{Context, anyhow};

use paperseed::format::Fingerprint;
use paperseed::restore::{Unlock, Verdict, VerifyReport, history, open};

use crate::args::VerifyArgs;
use crate::exit::{Failure, verdict_status};
use crate::output::{note, print_stdout, read_input, write_atomic};
use crate::passphrase::{PassphraseSource, unlock_failure};
use crate::scan::{describe, not_restorable, report_problems, scan_inputs};

pub fn verify(args: VerifyArgs, quiet: bool) -> Result<(), Failure> {
    let expect = match &args.expect {
        Some(e) => Some(
            Fingerprint::parse(e)
                .ok_or_else(|| anyhow!("--expect {e:?} is not a fingerprint (12 characters like K7QF-3M2X-9TRD)"))?,
        ),
        None => None,
    };
    let scanned = scan_inputs(&args.scan, quiet, true)?;
    report_problems(&scanned, &args.scan, quiet);
    let sets = open::select(&scanned.report, args.scan.set.as_deref());
    if sets.is_empty() {
        if args.json {
            let report = VerifyReport::build(&scanned, &[], None, None).map_err(unlock_failure)?;
            print_stdout(serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)? + "\n")?;
        }
        return Err(not_restorable(describe(&open::nothing_found(&scanned))));
    }
    let mut source = args.scan.passphrase_file.as_deref().map(|f| PassphraseSource::new(Some(f)));
    let unlock = source.as_mut().map(|s| s as &mut dyn Unlock);
    let report = VerifyReport::build(&scanned, &sets, expect, unlock).map_err(unlock_failure)?;
    let trend = match &args.log {
        Some(path) => log_check(path, &report)?,
        None => Vec::new(),
    };
    if args.json {
        print_stdout(serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)? + "\n")?;
        for line in &trend {
            note(quiet, line);
        }
    } else {
        let mut text = report.to_text();
        if !trend.is_empty() {
            text.push_str("History (--log):\n");
            for line in &trend {
                text.push_str(&format!("  {line}\n"));
            }
        }
        // Characters a person cannot see are shown as markers like <U+202E>.
        print_stdout(paperseed::secret::label::show_invisible(&text).as_bytes())?;
    }
    match report.verdict {
        Verdict::Intact => Ok(()),
        Verdict::Degraded => Err(Failure {
            code: verdict_status(report.verdict),
            error: anyhow!("the sheet is degraded but still restorable: reprint it now (see the report above)"),
        }),
        Verdict::NotRestorable => Err(not_restorable("the sheet is not intact (see the report above)".into())),
    }
}

/// Append this check to the history file and return the trend since the
/// first logged check. The file is read (bounded), extended and replaced
/// atomically; it must be a regular file or not exist yet.
fn log_check(path: &Path, report: &VerifyReport) -> Result<Vec<String>, Failure> {
    let mut log = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        _ => {
            let bytes = read_input(&path.to_string_lossy(), history::MAX_LOG_BYTES as u64)
                .with_context(|| format!("cannot read the log {}", path.display()))?;
            String::from_utf8(bytes).map_err(|_| anyhow!("the log {} is not UTF-8 text", path.display()))?
        }
    };
    let checks = history::checks(report, &today());
    let trend = history::trend(&log, &checks);
    if !log.is_empty() && !log.ends_with('\n') {
        log.push('\n');
    }
    for c in &checks {
        log.push_str(&c.line());
        log.push('\n');
    }
    write_atomic(path, log.as_bytes(), true).with_context(|| format!("cannot write the log {}", path.display()))?;
    Ok(trend)
}

/// Today's date (UTC), or SOURCE_DATE_EPOCH's, as `YYYY-MM-DD`.
fn today() -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or_else(time::OffsetDateTime::now_utc);
    now.date().format(fmt).unwrap_or_default()
}
