//! Where the binary's output goes: messages on stderr, data on stdout, and
//! files written atomically, never through a symlink or onto a device, never
//! over an existing file without `--force`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::exit::Failure;

pub fn note(quiet: bool, msg: impl AsRef<str>) {
    if !quiet {
        eprint_line(msg.as_ref());
    }
}

/// A line on stderr; unlike `eprintln!`, a closed stderr is not a panic.
pub fn eprint_line(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{msg}");
}

/// Read a file or stdin (`-`), with a bound on the size.
pub fn read_input(name: &str, limit: u64) -> Result<Vec<u8>> {
    use paperseed::readfile::{self, Limited};
    if name != "-" {
        // A regular file only (a FIFO or device would hang or never end),
        // read up to the limit whatever size it reports.
        return Ok(readfile::read_bounded(std::path::Path::new(name), limit)?);
    }
    match readfile::read_limited(std::io::stdin().lock(), limit) {
        Ok(data) => Ok(data),
        Err(Limited::TooLarge) => bail!("{name} is larger than {limit} bytes, more than paperseed reads here"),
        Err(Limited::Io(e)) => Err(anyhow::Error::from(e).context("cannot read stdin")),
    }
}

/// A path as shown in a message: control characters (a newline, a terminal
/// escape sequence) escaped like `\n` and `\u{1b}`, never sent raw.
pub fn shown(path: &Path) -> String {
    path.display()
        .to_string()
        .chars()
        .map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() })
        .collect()
}

/// Refuse to replace anything at `path` but a regular file (or nothing):
/// `--force` renames over the path, which would replace a symlink itself
/// (sending the secrets elsewhere than its target's folder), or turn a
/// device node or FIFO into a file holding the secrets. A path whose folder
/// does not exist is refused too, before anything is written.
pub fn check_target(path: &Path, force: bool) -> Result<()> {
    if path.as_os_str() == "-" {
        bail!("- (stdout) cannot be used here; give a file name");
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) => {
            let kind = meta.file_type();
            if !kind.is_file() {
                let what = if kind.is_symlink() {
                    "a symbolic link"
                } else if kind.is_dir() {
                    "a folder"
                } else {
                    "not a regular file (a device, FIFO or socket)"
                };
                bail!("{} is {what}; paperseed writes only regular files: give another output path", shown(path));
            }
            if !force {
                bail!("{} already exists; pass --force to overwrite it", shown(path));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => return Ok(()),
            };
            match std::fs::metadata(dir) {
                Ok(m) if m.is_dir() => Ok(()),
                Ok(_) => {
                    bail!("cannot write {}: {} is not a folder: give another output path", shown(path), shown(dir))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                    "cannot write {}: the folder {} does not exist: create it first, or give another output path",
                    shown(path),
                    shown(dir)
                ),
                Err(e) => Err(e).with_context(|| format!("cannot check the folder {}", shown(dir))),
            }
        }
        Err(e) => Err(e).with_context(|| format!("cannot check {}", shown(path))),
    }
}

/// A temporary file next to `path`, holding `data`, synced.
fn temp_beside(path: &Path, data: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".paperseed-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", shown(dir)))?;
    tmp.write_all(data)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", shown(path)))?;
    Ok(tmp)
}

/// Move a finished temporary file to `path` (replacing a regular file only
/// with `force`).
fn persist(tmp: tempfile::NamedTempFile, path: &Path, force: bool) -> Result<()> {
    check_target(path, force)?;
    if force {
        tmp.persist(path).map_err(|e| e.error).with_context(|| format!("cannot write {}", shown(path)))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error).with_context(|| {
            format!("cannot write {} (if it now exists, pass --force to overwrite it)", shown(path))
        })?;
    }
    Ok(())
}

/// Write `data` to `path` atomically: a temporary file in the same folder,
/// synced, then renamed; an existing regular file is replaced only with
/// `force`, anything else (symlink, device, FIFO, folder) never.
pub fn write_atomic(path: &Path, data: &[u8], force: bool) -> Result<()> {
    check_target(path, force)?;
    let tmp = temp_beside(path, data)?;
    persist(tmp, path, force)
}

/// Write several files all or nothing: every file goes to a temporary file
/// beside its target first; only when all are written are they renamed into
/// place, and if a rename fails the files already replaced are put back.
pub fn write_all_atomic(files: &[(PathBuf, &[u8])], force: bool) -> Result<()> {
    for (path, _) in files {
        check_target(path, force)?;
    }
    let mut temps = Vec::with_capacity(files.len());
    for (path, data) in files {
        temps.push(temp_beside(path, data)?);
    }
    // Keep a hard link to each file about to be replaced, to put it back.
    let mut done: Vec<(&Path, Option<tempfile::TempPath>)> = Vec::new();
    for (tmp, (path, _)) in temps.into_iter().zip(files) {
        let backup = match backup_of(path) {
            Ok(b) => b,
            Err(e) => {
                roll_back(done);
                return Err(e);
            }
        };
        if let Err(e) = persist(tmp, path, force) {
            drop(backup);
            roll_back(done);
            return Err(e);
        }
        done.push((path, backup));
    }
    Ok(())
}

/// A hard link to the regular file at `path` (if any) under a temporary
/// name in its folder; dropping it removes the link.
fn backup_of(path: &Path) -> Result<Option<tempfile::TempPath>> {
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = tempfile::Builder::new()
        .prefix(".paperseed-old-")
        .make_in(dir, |p| {
            std::fs::hard_link(path, p).or_else(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => Err(e),
                // Filesystems without hard links (FAT): a copy.
                _ => std::fs::copy(path, p).map(drop),
            })
        })
        .with_context(|| format!("cannot keep a copy of {} while replacing it", shown(path)))?;
    Ok(Some(name.into_temp_path()))
}

/// Undo the renames of a failed [`write_all_atomic`]: old files come back,
/// new ones go.
fn roll_back(done: Vec<(&Path, Option<tempfile::TempPath>)>) {
    for (path, backup) in done.into_iter().rev() {
        match backup {
            Some(old) => {
                let _ = old.persist(path);
            }
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Write `data` to stdout (for `-o -`), or atomically to the file.
pub fn write_output(path: &Path, data: &[u8], force: bool) -> Result<(), Failure> {
    if path.as_os_str() == "-" { print_stdout(data) } else { Ok(write_atomic(path, data, force)?) }
}

/// Write to stdout, flushed. A closed pipe (`paperseed … | head`) is not an
/// error to report: [`Failure::is_broken_pipe`] lets `main` exit quietly.
pub fn print_stdout(data: impl AsRef<[u8]>) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(data.as_ref()).and_then(|_| out.flush()).context("cannot write to stdout")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_must_be_regular_files_or_absent() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.pdf");
        assert!(check_target(&file, false).is_ok());
        std::fs::write(&file, b"x").unwrap();
        assert!(check_target(&file, false).unwrap_err().to_string().contains("--force"));
        assert!(check_target(&file, true).is_ok());
        let link = dir.path().join("l.pdf");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(check_target(&link, true).unwrap_err().to_string().contains("symbolic link"));
        assert!(check_target(dir.path(), true).unwrap_err().to_string().contains("folder"));
        // Only looked at, never written: the check refuses before anything is created.
        assert!(check_target(Path::new("/dev/null"), true).unwrap_err().to_string().contains("not a regular file"));
        assert!(check_target(Path::new("-"), true).is_err());
    }

    #[test]
    fn a_failed_group_write_puts_the_old_files_back() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
        std::fs::write(&a, b"old a").unwrap();
        // As if a was replaced and b newly written, then a third file failed.
        let backup = backup_of(&a).unwrap();
        assert!(backup.is_some());
        std::fs::write(dir.path().join("new"), b"new a").unwrap();
        std::fs::rename(dir.path().join("new"), &a).unwrap();
        std::fs::write(&b, b"new b").unwrap();
        roll_back(vec![(a.as_path(), backup), (b.as_path(), None)]);
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert!(!b.exists());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.pdf"]);
    }

    #[test]
    fn group_writes_replace_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
        std::fs::write(&a, b"old a").unwrap();
        let files = [(a.clone(), &b"new a"[..]), (b.clone(), &b"new b"[..])];
        assert!(write_all_atomic(&files, false).is_err(), "a exists, no --force");
        assert!(!b.exists(), "nothing written when one is refused");
        write_all_atomic(&files, true).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        assert_eq!(std::fs::read(&b).unwrap(), b"new b");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporaries or backups left");
    }
}
