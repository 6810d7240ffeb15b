//! PNG chunks the reader has no use for are dropped before any decoder sees
//! the file.
//!
//! A colour profile (iCCP) or compressed text (zTXt, iTXt) is inflated by
//! the decoders as the header is read, bounded only by the whole decoding
//! allowance: 1.4 MB of iCCP inflate to 1 GiB. A scan is read as luminance,
//! untouched by colour management, so only what the pixels need is kept: the
//! critical chunks (IHDR, PLTE, IDAT, IEND), transparency (tRNS, composited
//! over white) and the EXIF orientation (eXIf, never compressed).

use std::borrow::Cow;

/// The PNG signature.
const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Ancillary chunks kept: they change the luminance read or the orientation.
const KEPT_ANCILLARY: [&[u8; 4]; 2] = [b"tRNS", b"eXIf"];

/// Whether a chunk is kept: critical (upper-case first letter) or listed.
fn kept(kind: &[u8]) -> bool {
    kind[0].is_ascii_uppercase() || KEPT_ANCILLARY.iter().any(|k| &k[..] == kind)
}

/// `data` without the ancillary chunks the reader does not use (borrowed
/// when there are none). The chunks are walked by their lengths only: from a
/// truncated or malformed chunk on, the rest is left as it is for the
/// decoder to judge.
pub fn strip_ancillary(data: &[u8]) -> Cow<'_, [u8]> {
    if !data.starts_with(SIGNATURE) {
        return Cow::Borrowed(data);
    }
    // (start, end) of each chunk, with its length, type and CRC; and
    // whether it is kept.
    let mut chunks: Vec<(usize, usize, bool)> = Vec::new();
    let mut at = SIGNATURE.len();
    while let Some(head) = data.get(at..at + 8) {
        let len = u32::from_be_bytes(head[..4].try_into().unwrap()) as usize;
        let Some(end) = at.checked_add(12).and_then(|e| e.checked_add(len)).filter(|&e| e <= data.len()) else {
            break;
        };
        chunks.push((at, end, kept(&head[4..8])));
        at = end;
        if &head[4..8] == b"IEND" {
            break;
        }
    }
    if chunks.iter().all(|c| c.2) {
        return Cow::Borrowed(data);
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(SIGNATURE);
    for &(start, end, keep) in &chunks {
        if keep {
            out.extend_from_slice(&data[start..end]);
        }
    }
    out.extend_from_slice(&data[at..]);
    Cow::Owned(out)
}
