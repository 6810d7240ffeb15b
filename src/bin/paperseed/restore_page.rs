//! `paperseed restore-page`: write the offline restore page, one HTML file
//! that restores sheets in a web browser with nothing to install. The page
//! is built from the library (web/, compiled to WebAssembly) by
//! `scripts/build-restore-page.sh` and carried in the binary as it is
//! committed in assets/ (CI checks that it is what the sources build).

use std::io::IsTerminal;

use anyhow::anyhow;
use sha2::{Digest, Sha256};

use crate::args::RestorePageArgs;
use crate::exit::Failure;
use crate::output::{check_target, note, write_output};

/// The page, as `scripts/build-restore-page.sh` wrote it.
pub const PAGE: &[u8] = include_bytes!("../../../assets/restore.html");

/// The page's SHA-256, in hex: what a copy published with a release should have.
pub fn page_sha256() -> String {
    Sha256::digest(PAGE).iter().map(|b| format!("{b:02x}")).collect()
}

/// `paperseed restore-page`.
pub fn restore_page(args: RestorePageArgs, quiet: bool) -> Result<(), Failure> {
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && std::io::stdout().is_terminal() {
        return Err(anyhow!("-o - writes the page to stdout, which is a terminal here: redirect it to a file").into());
    }
    if !to_stdout {
        check_target(&args.output, args.force)?;
    }
    write_output(&args.output, PAGE, args.force)?;
    if !to_stdout {
        note(
            quiet,
            format!(
                "Wrote {} ({:.1} MB, SHA-256 {}).\n\
                 Open it in a web browser (current Chromium, Firefox or Safari), even offline: it reads photos, scans or \
                 the camera, or typed recovery text, and shows the secrets; it makes no connection and stores nothing. \
                 Keep a copy with the sheet, on a USB stick for example.",
                args.output.display(),
                PAGE.len() as f64 / 1e6,
                page_sha256()
            ),
        );
    }
    Ok(())
}
