//! `paperseed verify`: the yearly check of a sheet: which codes and lines
//! still read, whether the checksum matches, and the fingerprint.

use std::path::Path;

use anyhow::{Context, anyhow, bail};

use paperseed::format::Fingerprint;
use paperseed::readfile;
use paperseed::restore::{Unlock, Verdict, VerifyReport, history, open};

use crate::args::VerifyArgs;
use crate::exit::{Failure, verdict_status};
use crate::output::{eprint_line, note, print_stdout, shown};
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
    // A log that cannot be written never costs the verdict: the report is
    // printed and the exit status is the verdict's, with a message after it.
    let (trend, log_failure) = match &args.log {
        Some(path) => match log_check(path, &report) {
            Ok(trend) => (trend, None),
            Err(e) => (Vec::new(), Some(format!("paperseed: the log {} was not written: {e:#}", shown(path)))),
        },
        None => (Vec::new(), None),
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
    if let Some(msg) = log_failure {
        eprint_line(&msg);
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

/// How long a check waits for another one holding the log's lock.
const LOG_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Append this check to the history file and return the trend since the
/// first logged check; an error says why the log was not written.
///
/// The log is appended in place (`O_APPEND`), never replaced by a rename:
/// it keeps its mode, owner and hard links. Checks run at once each add
/// their lines: the file is read and appended under an exclusive `flock`.
/// It must be a regular file (a symlink is not followed, a FIFO or device is
/// refused without blocking) of at most `history::MAX_LOG_BYTES`.
fn log_check(path: &Path, report: &VerifyReport) -> anyhow::Result<Vec<String>> {
    use std::io::{Seek, Write};
    use std::os::unix::fs::OpenOptionsExt;

    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.file_type().is_symlink() {
            bail!("it is a symbolic link; paperseed writes the log only to a regular file: give the real path");
        }
        if !meta.is_file() {
            bail!("it is {}, not a regular file: give the path of a file", readfile::describe(meta.file_type()));
        }
    }
    // O_NOFOLLOW and O_NONBLOCK: a symlink or FIFO swapped in meanwhile is
    // refused below, never followed or waited on.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => anyhow!("it is a symbolic link; paperseed writes the log only to a regular file"),
            _ => anyhow::Error::from(e).context("cannot open it"),
        })?;
    let meta = file.metadata().context("cannot check it")?;
    if !meta.is_file() {
        bail!("it is {}, not a regular file: give the path of a file", readfile::describe(meta.file_type()));
    }
    lock_exclusive(&file)?;
    let limit = history::MAX_LOG_BYTES as u64;
    let len = file.metadata().context("cannot check it")?.len();
    if len > limit {
        bail!(
            "it is larger than {} ({len} bytes), more than a log of checks grows to: start a new log file",
            readfile::size(limit)
        );
    }
    file.seek(std::io::SeekFrom::Start(0)).context("cannot read it")?;
    let bytes = match readfile::read_limited(&mut file, limit) {
        Ok(bytes) => bytes,
        Err(readfile::Limited::TooLarge) => bail!(
            "it is larger than {}, more than a log of checks grows to: start a new log file",
            readfile::size(limit)
        ),
        Err(readfile::Limited::Io(e)) => return Err(anyhow::Error::from(e).context("cannot read it")),
    };
    let log = String::from_utf8(bytes).map_err(|_| anyhow!("it is not UTF-8 text (is it the log?)"))?;
    let checks = history::checks(report, &today());
    let trend = history::trend(&log, &checks);
    let mut add = String::new();
    if !log.is_empty() && !log.ends_with('\n') {
        add.push('\n');
    }
    for c in &checks {
        add.push_str(&c.line());
        add.push('\n');
    }
    file.write_all(add.as_bytes()).and_then(|_| file.sync_data()).context("cannot append to it")?;
    // The lock goes with the file descriptor when `file` is dropped.
    Ok(trend)
}

/// Take an exclusive lock on the log (`flock` on Linux), waiting at most
/// `LOG_LOCK_WAIT`, never forever.
fn lock_exclusive(file: &std::fs::File) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(anyhow::Error::from(e).context("cannot lock it")),
        }
        if start.elapsed() > LOG_LOCK_WAIT {
            bail!(
                "another program held its lock for {} s (is another paperseed verify still running?)",
                LOG_LOCK_WAIT.as_secs()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
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
