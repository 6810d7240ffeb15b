//! Reading a file the user named: regular files only, never more than a
//! limit.
//!
//! Every file paperseed reads from a path it was given (file secrets,
//! manifests, fonts, passphrase files, scans, logs, exports) goes through
//! [`read_bounded`] or [`open_regular`]. A size from `stat` is never trusted
//! (`/proc/self/pagemap` says 0 and holds gigabytes): the content is read up
//! to the limit plus one byte. A FIFO, a device (`/dev/zero`), a socket or a
//! folder is refused before anything is read from it, and is opened without
//! blocking, so a FIFO with no writer cannot hang the program.

use std::fs::{File, FileType};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file named by the user was not read. Each error names the path.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The path names something other than a regular file.
    #[error("{} is {what}, not a regular file; paperseed reads only regular files: give the path of a file", path.display())]
    NotRegular {
        /// The path given.
        path: PathBuf,
        /// What it is, e.g. "a FIFO (named pipe)".
        what: &'static str,
    },
    /// The file holds more than the limit (whatever its size says).
    #[error("{} is larger than {}, more than paperseed reads here", path.display(), size(*limit))]
    TooLarge {
        /// The path given.
        path: PathBuf,
        /// The most that is read, in bytes.
        limit: u64,
    },
    /// The file cannot be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path given.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
}

impl ReadError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::NotRegular { path, .. } | ReadError::TooLarge { path, .. } | ReadError::Io { path, .. } => path,
        }
    }
}

/// `limit` in words: "16 KiB (16384 bytes)", "64 MiB".
pub fn size(limit: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if limit >= MIB && limit.is_multiple_of(MIB) {
        format!("{} MiB", limit / MIB)
    } else if limit >= 1024 && limit.is_multiple_of(1024) {
        format!("{} KiB ({limit} bytes)", limit / 1024)
    } else {
        format!("{limit} bytes")
    }
}

/// What a file type is, in words, for one that is not a regular file.
pub fn describe(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device (such as /dev/zero)";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() { "a folder" } else { "not a regular file" }
}

/// Open `path` for reading if it is a regular file (symbolic links are
/// followed). Anything else is refused before it is read: it is checked
/// before opening, opened without blocking (a FIFO with no writer would
/// block the open) and checked again once open.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let io = |source| ReadError::Io { path: path.to_owned(), source };
    let not_regular = |kind: FileType| ReadError::NotRegular { path: path.to_owned(), what: describe(kind) };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK has no effect on a regular file; it keeps a FIFO
        // swapped in after the check above from blocking the open.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(meta.file_type()));
    }
    Ok(file)
}

/// The content of the regular file at `path`, at most `limit` bytes: a file
/// holding more is refused, whatever size it reports.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    // The size a file reports is only a hint for the first allocation.
    let hint = file.metadata().map_or(0, |m| m.len()).min(limit);
    let data = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    read_into(file, limit, data).map_err(|e| match e {
        Limited::TooLarge => ReadError::TooLarge { path: path.to_owned(), limit },
        Limited::Io(source) => ReadError::Io { path: path.to_owned(), source },
    })
}

/// Why [`read_limited`] failed.
#[derive(Debug)]
pub enum Limited {
    /// More than the limit.
    TooLarge,
    /// A read failed.
    Io(std::io::Error),
}

/// Up to `limit` bytes of `reader` (a file, stdin); more is an error.
///
/// Read in blocks of 8 KiB, never more than one block past the limit: some
/// files refuse reads of odd sizes (`/proc/self/pagemap` wants multiples of
/// 8 bytes). The block buffer is wiped after use (the content may be a
/// passphrase).
pub fn read_limited(reader: impl Read, limit: u64) -> Result<Vec<u8>, Limited> {
    read_into(reader, limit, Vec::new())
}

/// [`read_limited`] into `data` (empty, with the capacity expected).
fn read_into(mut reader: impl Read, limit: u64, mut data: Vec<u8>) -> Result<Vec<u8>, Limited> {
    let mut block = zeroize::Zeroizing::new([0u8; 8192]);
    loop {
        let n = match reader.read(&mut block[..]) {
            Ok(0) => return Ok(data),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Limited::Io(e)),
        };
        if (data.len() + n) as u64 > limit {
            return Err(Limited::TooLarge);
        }
        data.extend_from_slice(&block[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_bounded(&path, 5).unwrap(), b"12345");
        let err = read_bounded(&path, 4).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { limit: 4, .. }), "{err:?}");
        assert!(err.to_string().contains(&path.display().to_string()), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_whose_size_says_zero_is_read_with_the_limit() {
        // /proc/self/pagemap: a regular file of size 0 holding gigabytes.
        let err = read_bounded(Path::new("/proc/self/pagemap"), 16 * 1024).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { .. }), "{err:?}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused_by_name() {
        let err = read_bounded(Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular { .. }), "{err:?}");
        assert!(err.to_string().contains("/dev/zero is a character device"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_bounded(dir.path(), 1024).unwrap_err();
        assert!(err.to_string().contains("is a folder"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(read_bounded(&path, 1024).map(|_| ()).map_err(|e| e.to_string()));
        });
        let result = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("reading a FIFO hangs");
        let err = result.unwrap_err();
        assert!(err.contains("is a FIFO (named pipe), not a regular file"), "{err}");
        assert!(err.contains(&fifo.display().to_string()), "{err}");
    }
}
