//! `paperseed import`: authenticator exports, otpauth URIs and backup-code
//! files to a manifest.

use paperseed::interop::import::{self, ImportSource};
use paperseed::secret::manifest;

use crate::args::ImportArgs;
use crate::exit::Failure;
use crate::output::{note, print_stdout, write_atomic};

/// `paperseed import`.
pub fn import(args: ImportArgs, quiet: bool) -> Result<(), Failure> {
    let sources: Vec<ImportSource> = args.sources.iter().map(ImportSource::path).collect();
    let imported = import::import(&sources)?;
    for w in &imported.warnings {
        note(quiet, format!("warning: {w}"));
    }
    let count = imported.secrets.len();
    let backup = imported.into_backup(args.title.as_deref());
    let text = manifest::to_toml(&backup);
    if args.output.as_os_str() == "-" {
        print_stdout(&text)?;
    } else {
        write_atomic(&args.output, text.as_bytes(), args.force)?;
        note(
            quiet,
            format!(
                "Wrote {} with {count} secret(s). It holds secrets in clear: print it with `paperseed encode {} -o sheet.pdf`, then delete it.",
                args.output.display(),
                args.output.display()
            ),
        );
    }
    Ok(())
}
