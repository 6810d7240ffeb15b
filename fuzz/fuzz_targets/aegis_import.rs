//! Import of an Aegis plain JSON export (and, by the same content detection,
//! of otpauth URI lists and backup-code lists): never panics, and what
//! imports is a valid backup with unique, trimmed labels that a sheet can
//! carry: its payload decodes to the same backup, and the manifest
//! `restore --format toml` would write parses back to it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::format::{compact, payload};
use paperseed::interop::import::{self, ImportSource, TextKind};
use paperseed::secret::{MAX_SHORT_TEXT, manifest};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(imported) = import::import(&[ImportSource::text("aegis.json", text, TextKind::Detect)]) else { return };
    let mut labels: Vec<&str> = imported.secrets.iter().map(|s| s.label()).collect();
    for l in &labels {
        assert!(!l.is_empty() && l.trim() == *l && l.chars().count() <= MAX_SHORT_TEXT, "{l:?}");
    }
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels.len(), imported.secrets.len());
    let backup = imported.into_backup(None);
    backup.validate().unwrap();
    assert_eq!(payload::decode(&compact::encode(&backup)).as_ref().ok(), Some(&backup));
    let toml = manifest::to_toml(&backup);
    let again = manifest::parse(&toml, std::path::Path::new("/nonexistent"));
    assert_eq!(again.as_ref().ok(), Some(&backup), "{toml}");
});
