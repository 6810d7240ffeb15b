//! Exit statuses and the error type every command returns: which failure
//! gives which status is decided here and nowhere else.
//!
//! | status | meaning | from |
//! |---|---|---|
//! | 0 | success (`verify`: intact) | |
//! | 1 | the data is not restorable, does not match its checksum, or is not the backup expected; a wrong passphrase | `restore::Problem`, `UnlockError::WrongPassphrase`/`Decrypt`, `Verdict::NotRestorable` |
//! | 2 | usage or I/O error (bad arguments, unreadable or unwritable files, no terminal to ask a passphrase in) | every other error (the blanket `From`), `UnlockError::Unavailable` |
//! | 3 | `verify` only: degraded but restorable (codes or lines lost, a code near its error-correction limit): reprint now | `Verdict::Degraded` |
//!
//! Scripts tell a degraded sheet (3) from a lost one (1) without parsing
//! text.

/// Exit status for "the data is not restorable or does not match".
pub const EXIT_NOT_RESTORABLE: i32 = 1;
/// Exit status for usage and I/O errors.
pub const EXIT_USAGE: i32 = 2;
/// Exit status of `verify` for a sheet that still restores but has lost
/// codes, lines or error-correction margin: reprint it.
pub const EXIT_DEGRADED: i32 = 3;

/// The exit status of a verify verdict.
pub fn verdict_status(v: paperseed::restore::Verdict) -> i32 {
    match v {
        paperseed::restore::Verdict::Intact => 0,
        paperseed::restore::Verdict::Degraded => EXIT_DEGRADED,
        paperseed::restore::Verdict::NotRestorable => EXIT_NOT_RESTORABLE,
    }
}

/// An error with the exit status it should produce.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub error: anyhow::Error,
}

impl Failure {
    /// Whether this is a write to a closed stdout pipe (`paperseed … | head`):
    /// `main` then exits quietly with status 0, as other filters do.
    pub fn is_broken_pipe(&self) -> bool {
        self.error
            .chain()
            .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
    }
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure { code: EXIT_USAGE, error: e.into() }
    }
}
