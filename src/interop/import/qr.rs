//! Codes read from images and PDFs: `otpauth://` keys, Google Authenticator
//! exports (several codes, one batch), Standard SeedQR; in reading order.

use super::{Acc, BatchSeen, DEFAULT_MNEMONIC_LABEL, ImportError, entry_err};
use crate::interop::seedqr;
use crate::scan;
use crate::secret::totp::OtpKey;
use crate::secret::{Secret, migration};
use std::collections::BTreeSet;

impl Acc {
    /// One decoded QR code.
    pub(super) fn qr_text(&mut self, input: &str, place: &str, text: &str) -> Result<(), ImportError> {
        let here = format!("{input} {place}");
        if let Some(first) = self.codes.get(text) {
            self.warnings.push(format!("{here}: the same QR code as {first}; skipped"));
            return Ok(());
        }
        self.codes.insert(text.to_string(), here.clone());
        let t = text.trim();
        if migration::is_migration_uri(t) {
            return self.migration(input, place, t);
        }
        if t.get(..10).is_some_and(|p| p.eq_ignore_ascii_case("otpauth://")) {
            let key = OtpKey::from_uri(t).map_err(|e| entry_err(input, place, e))?;
            self.key(key, here);
            return Ok(());
        }
        if t.starts_with("PAPERSEED") {
            self.warnings
                .push(format!("{here}: a code of a paperseed sheet; read sheets with `paperseed restore` (skipped)"));
            return Ok(());
        }
        if let Some((seedqr::Kind::Standard, words)) = seedqr::words_from_decoded_text(t) {
            self.push(Secret::Mnemonic { label: DEFAULT_MNEMONIC_LABEL.to_string(), words });
            self.warnings.push(format!("{here}: a Standard SeedQR, imported as a seed phrase"));
            return Ok(());
        }
        self.warnings.push(format!("{here}: neither an otpauth:// key nor a Google Authenticator export (skipped)"));
        Ok(())
    }

    pub(super) fn migration(&mut self, input: &str, place: &str, uri: &str) -> Result<(), ImportError> {
        let m = migration::parse_uri(uri).map_err(|e| match e {
            migration::MigrationError::Account { index, name, error } => {
                entry_err(input, format!("{place} account {index} ({name:?})"), error.to_string())
            }
            other => entry_err(input, place, other.to_string()),
        })?;
        if m.batch.size > 1 {
            let seen = self.batches.entry(m.batch.id).or_insert_with(|| BatchSeen {
                size: m.batch.size,
                indexes: BTreeSet::new(),
                first: format!("{input} {place}"),
            });
            seen.indexes.insert(m.batch.index);
        }
        if m.keys.is_empty() {
            self.warnings.push(format!("{input} {place}: a Google Authenticator export with no accounts"));
        }
        for (k, key) in m.keys.into_iter().enumerate() {
            self.key(key, format!("{input} {place} account {}", k + 1));
        }
        Ok(())
    }
}

/// Codes in reading order (rows top to bottom, each left to right), so that
/// "code 2" is where a person looks for it and a multi-code export shown
/// side by side keeps its account order. Codes whose centres are within half
/// a code's height of each other share a row.
pub(super) fn sort_reading_order(codes: &mut [scan::FoundCode]) {
    let centre = |c: &scan::FoundCode| {
        let x = c.corners.iter().map(|p| p.0).sum::<f32>() / 4.0;
        let y = c.corners.iter().map(|p| p.1).sum::<f32>() / 4.0;
        (x, y)
    };
    let height = |c: &scan::FoundCode| {
        let ys = c.corners.iter().map(|p| p.1);
        ys.clone().fold(f32::MIN, f32::max) - ys.fold(f32::MAX, f32::min)
    };
    let band = codes.iter().map(height).fold(0.0f32, f32::max).max(1.0) / 2.0;
    codes.sort_by(|a, b| centre(a).1.total_cmp(&centre(b).1));
    // Rows: a new row starts more than `band` below the first code of the last.
    let mut rows = Vec::with_capacity(codes.len());
    let (mut row, mut row_y) = (0usize, f32::MIN);
    for c in codes.iter() {
        let y = centre(c).1;
        if y - row_y > band {
            if row_y != f32::MIN {
                row += 1;
            }
            row_y = y;
        }
        rows.push(row);
    }
    let mut keyed: Vec<(usize, f32, scan::FoundCode)> =
        codes.iter().zip(rows).map(|(c, r)| (r, centre(c).0, c.clone())).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    for (slot, (_, _, c)) in codes.iter_mut().zip(keyed) {
        *slot = c;
    }
}
