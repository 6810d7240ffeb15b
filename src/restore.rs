//! From pages to secrets: find the codes on each page, name where they were,
//! assemble the sets and decode the payloads. The binary drives it page by
//! page (for progress); each step is a pure function of its input.

use crate::assemble::{self, Outcome, Report, SetReport, Sighting};
use crate::format::{Fingerprint, payload};
use crate::scan::{self, DetectOptions, Page};
use crate::secret::Backup;

/// A code found on a page, with a description of where.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub text: String,
    /// The raw data bytes of the symbol.
    pub bytes: Vec<u8>,
    /// e.g. `scan.pdf page 2, top left`.
    pub place: String,
}

/// Where on a page a point lies, in words a person uses: `top left`,
/// `middle`, `bottom right`…
pub fn region(x: f32, y: f32, width: u32, height: u32) -> &'static str {
    let col = ((x / width.max(1) as f32) * 3.0).clamp(0.0, 2.99) as usize;
    let row = ((y / height.max(1) as f32) * 3.0).clamp(0.0, 2.99) as usize;
    const NAMES: [[&str; 3]; 3] = [
        ["top left", "top centre", "top right"],
        ["middle left", "middle", "middle right"],
        ["bottom left", "bottom centre", "bottom right"],
    ];
    NAMES[row][col]
}

/// Find every QR code on a page.
pub fn scan_page(page: &Page, opts: &DetectOptions) -> Vec<Located> {
    let (w, h) = page.image.dimensions();
    scan::find_codes(&page.image, opts)
        .into_iter()
        .map(|c| {
            let cx = c.corners.iter().map(|p| p.0).sum::<f32>() / 4.0;
            let cy = c.corners.iter().map(|p| p.1).sum::<f32>() / 4.0;
            Located { place: format!("{}, {}", page.source, region(cx, cy, w, h)), text: c.text, bytes: c.bytes }
        })
        .collect()
}

/// Assemble everything found.
pub fn assemble(found: &[Located]) -> Report {
    assemble::assemble(found.iter().map(|l| Sighting { text: l.text.clone(), source: l.place.clone() }))
}

/// A set that was rebuilt and decoded.
#[derive(Debug, Clone)]
pub struct Restored {
    pub backup: Backup,
    pub fingerprint: Fingerprint,
}

/// Decode a rebuilt plain set's payload. `None` when the set was not
/// rebuilt, or is encrypted or a share (opened with [`crate::protect`] first).
pub fn decode(set: &SetReport) -> Option<Result<Restored, payload::PayloadError>> {
    if set.set.kind != crate::format::PayloadKind::Sheet {
        return None;
    }
    match &set.outcome {
        Outcome::Restored { payload: bytes, .. } => {
            Some(payload::decode(bytes).map(|backup| Restored { backup, fingerprint: Fingerprint::of(bytes) }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert_eq!(region(0.0, 0.0, 300, 300), "top left");
        assert_eq!(region(150.0, 150.0, 300, 300), "middle");
        assert_eq!(region(299.0, 299.0, 300, 300), "bottom right");
        assert_eq!(region(400.0, -5.0, 300, 300), "top right");
    }
}
