//! Exit statuses and the error type every command returns: which failure
//! gives which status is decided here and nowhere else.
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the data is not restorable or does not match its checksum |
//! | 2 | usage or I/O error (bad arguments, unreadable or unwritable files) |

/// Exit status for "the data is not restorable or does not match".
pub const EXIT_NOT_RESTORABLE: i32 = 1;
/// Exit status for usage and I/O errors.
pub const EXIT_USAGE: i32 = 2;

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
