//! `paperseed verify`: the yearly check of a sheet: which codes and lines
//! still read, whether the checksum matches, and the fingerprint.

use anyhow::anyhow;

use paperseed::format::Fingerprint;
use paperseed::restore::{Unlock, VerifyReport, open};

use crate::args::VerifyArgs;
use crate::exit::Failure;
use crate::output::print_stdout;
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
    if args.json {
        print_stdout(serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)? + "\n")?;
    } else {
        print_stdout(report.to_text())?;
    }
    if report.intact { Ok(()) } else { Err(not_restorable("the sheet is not intact (see the report above)".into())) }
}
