//! The envelope (format v2): the bytes that the codes and the recovery text
//! carry, with the payload's checksum inside.
//!
//! ```text
//! offset  size  field
//! 0       16    checksum: the first 16 bytes of BLAKE3(content)
//! 16      1     encoding: 0 = the content as it is, 1 = raw DEFLATE (RFC 1951)
//! 17      ...   body: the content, or its DEFLATE stream
//! ```
//!
//! *Why the checksum here:* format v1 repeated the 16-byte checksum in every
//! frame. Carried once, it is rebuilt by Reed–Solomon like every other byte,
//! and the rebuilt content must still match 128 bits of BLAKE3; each frame
//! keeps a 4-byte set id (the checksum's first bytes) and its CRC-32, so a
//! misread code is still dropped before rebuilding.
//!
//! *Why the checksum covers the content, not the body:* the fingerprint is
//! derived from the same hash, so it names the secrets, not one compressor's
//! output: a reprint by a later version with another DEFLATE implementation
//! has the same fingerprint.
//!
//! *Why DEFLATE, and only when it helps:* notes and text files shrink by a
//! third or more; keys and packed codes do not shrink at all. The encoder
//! compresses (miniz_oxide, level 10) and keeps the result only if it is
//! shorter. DEFLATE decoders exist everywhere (Python's `zlib.decompress(b,
//! -15)`).

use super::frame::CHECKSUM_LEN;

/// Bytes before the body.
pub const HEADER_LEN: usize = CHECKSUM_LEN + 1;
/// Largest content a reader inflates (a bound against DEFLATE bombs; the
/// largest real content is a 16 KiB file plus notes, well below).
pub const MAX_CONTENT: usize = 256 * 1024;

/// Encoding byte: the body is the content.
pub const RAW: u8 = 0;
/// Encoding byte: the body is a raw DEFLATE stream of the content.
pub const DEFLATE: u8 = 1;

/// Why carried bytes are not a valid envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("the data is too short to hold its checksum")]
    Truncated,
    #[error("the data uses encoding {0}, which this paperseed does not know: it needs a newer paperseed")]
    UnknownEncoding(u8),
    #[error("the compressed data is damaged")]
    Inflate,
    #[error("the data does not match its checksum")]
    Checksum,
}

/// Wrap `content`, compressing it when `compress` is set and that makes it shorter.
pub fn seal(content: &[u8], compress: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + content.len());
    out.extend_from_slice(&super::checksum(content));
    let deflated = compress.then(|| miniz_oxide::deflate::compress_to_vec(content, 10));
    match deflated {
        Some(d) if d.len() < content.len() => {
            out.push(DEFLATE);
            out.extend_from_slice(&d);
        }
        _ => {
            out.push(RAW);
            out.extend_from_slice(content);
        }
    }
    out
}

/// The checksum an envelope declares (its first 16 bytes).
pub fn declared_checksum(carried: &[u8]) -> Option<[u8; CHECKSUM_LEN]> {
    carried.get(..CHECKSUM_LEN).map(|c| c.try_into().unwrap())
}

/// Unwrap an envelope: the content, if it matches its checksum.
pub fn open(carried: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
    if carried.len() < HEADER_LEN {
        return Err(EnvelopeError::Truncated);
    }
    let (head, body) = carried.split_at(HEADER_LEN);
    let content = match head[CHECKSUM_LEN] {
        RAW => body.to_vec(),
        DEFLATE => {
            miniz_oxide::inflate::decompress_to_vec_with_limit(body, MAX_CONTENT).map_err(|_| EnvelopeError::Inflate)?
        }
        other => return Err(EnvelopeError::UnknownEncoding(other)),
    };
    if super::checksum(&content)[..] != head[..CHECKSUM_LEN] {
        return Err(EnvelopeError::Checksum);
    }
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_and_deflated_round_trip() {
        let key = [7u8, 1, 200, 3, 99];
        let e = seal(&key, true);
        assert_eq!(e[16], RAW, "incompressible content stays raw");
        assert_eq!(e.len(), 17 + 5);
        assert_eq!(open(&e).unwrap(), key);
        let note = "Call Bob. Call Bob. Call Bob. Call Bob. Call Bob.".repeat(4);
        let e = seal(note.as_bytes(), true);
        assert_eq!(e[16], DEFLATE);
        assert!(e.len() < 17 + note.len() / 2);
        assert_eq!(open(&e).unwrap(), note.as_bytes());
        assert_eq!(seal(note.as_bytes(), false)[16], RAW);
        assert_eq!(&e[..16], &crate::format::checksum(note.as_bytes()));
    }

    #[test]
    fn rejections() {
        let mut e = seal(b"hello", true);
        assert_eq!(open(&e[..10]), Err(EnvelopeError::Truncated));
        e[20] ^= 1;
        assert_eq!(open(&e), Err(EnvelopeError::Checksum));
        e[16] = 7;
        assert_eq!(open(&e), Err(EnvelopeError::UnknownEncoding(7)));
        let mut bomb = vec![0u8; 16];
        bomb.push(DEFLATE);
        bomb.extend(miniz_oxide::deflate::compress_to_vec(&vec![0u8; MAX_CONTENT + 1], 10));
        assert_eq!(open(&bomb), Err(EnvelopeError::Inflate));
        let mut junk = vec![0u8; 16];
        junk.extend([DEFLATE, 0xff, 0xff, 0xff]);
        assert_eq!(open(&junk), Err(EnvelopeError::Inflate));
    }
}
