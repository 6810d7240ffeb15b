//! Frames: the text inside one QR code, self-describing and checksummed.
//!
//! ```text
//! PAPERSEED2:<decimal digits>        (format v2, written since paperseed 0.2)
//! PAPERSEED1:<decimal digits>        (format v1, paperseed 0.1: still read)
//! ```
//! The prefix names the program and the format version, so an unknown version
//! is recognised as such ("this sheet needs a newer paperseed") instead of
//! failing as garbage. The digits encode (see [`super::digits`]) the binary
//! frame, all integers big-endian. Version 2:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 1 | payload kind (1 = sheet, 2 = encrypted, 3 = share) |
//! | 1 | 1 | k — data shards (any k codes restore) |
//! | 2 | 1 | n — total shards |
//! | 3 | 1 | shard index, 0-based (0..k are data, k..n parity) |
//! | 4 | 2 | length of the carried bytes (the envelope, [`super::envelope`]) |
//! | 6 | 4 | set id: the first 4 bytes of the envelope's checksum |
//! | 10 | S | the shard, S = ceil(length / k) |
//! | 10+S | 4 | CRC-32 (IEEE) of bytes 0..10+S |
//!
//! Version 1 had a 4-byte length and the whole 16-byte checksum in every
//! frame (24-byte header); v2 carries the checksum once, inside the
//! envelope, which is rebuilt and checked like any other byte.

use super::digits;

/// Text before the version number.
pub const MAGIC: &str = "PAPERSEED";
/// The frame format version this build writes.
pub const VERSION: u32 = 2;
/// Frame versions this build reads.
pub const READ_VERSIONS: [u32; 2] = [1, 2];
const CRC_LEN: usize = 4;
/// Length of the checksum carried in v1 frames and in v2 envelopes.
pub const CHECKSUM_LEN: usize = 16;
/// Length of the set id in v2 frames.
pub const SET_ID_LEN: usize = 4;
/// Largest payload a v1 frame may announce; bounds what assembly allocates.
pub const MAX_PAYLOAD_LEN: u32 = 1 << 20;
/// Largest carried length a v2 frame can announce.
pub const MAX_CARRIED_LEN_V2: u32 = u16::MAX as u32;

/// Bytes before the shard, per frame version.
pub fn header_len(version: u8) -> usize {
    if version == 1 { 24 } else { 10 }
}

/// Bytes of a frame besides its shard, per frame version.
pub fn overhead(version: u8) -> usize {
    header_len(version) + CRC_LEN
}

/// The prefix of a frame, `PAPERSEED2:`.
pub fn prefix_of(version: u8) -> String {
    format!("{MAGIC}{version}:")
}

/// The prefix of the frames this build writes.
pub fn prefix() -> String {
    prefix_of(VERSION as u8)
}

/// What the payload bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PayloadKind {
    /// A deterministic-CBOR sheet payload (docs/FORMAT.md §1).
    Sheet,
    /// An age file encrypting a sheet payload to a passphrase (FORMAT.md §10).
    Encrypted,
    /// One share of a K-of-N split (FORMAT.md §10).
    Share,
}

impl PayloadKind {
    pub fn code(self) -> u8 {
        match self {
            PayloadKind::Sheet => 1,
            PayloadKind::Encrypted => 2,
            PayloadKind::Share => 3,
        }
    }
    pub fn from_code(code: u8) -> Option<PayloadKind> {
        match code {
            1 => Some(PayloadKind::Sheet),
            2 => Some(PayloadKind::Encrypted),
            3 => Some(PayloadKind::Share),
            _ => None,
        }
    }
}

/// Everything frames of one set share: frames are only ever combined with
/// frames of the same set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SetKey {
    /// Frame format version (1 or 2).
    pub version: u8,
    pub kind: PayloadKind,
    pub k: u8,
    pub n: u8,
    /// Length of the bytes the shards carry (v1: the payload; v2: the envelope).
    pub payload_len: u32,
    /// v1: the first 16 bytes of BLAKE3(payload). v2: the set id (4 bytes),
    /// then zeros.
    pub checksum: [u8; CHECKSUM_LEN],
}

impl SetKey {
    /// Shard length for this set.
    pub fn shard_len(&self) -> usize {
        shard_len(self.payload_len as usize, self.k as usize)
    }

    /// Short set id for messages: the first 4 checksum bytes in hex.
    pub fn short_id(&self) -> String {
        self.checksum[..SET_ID_LEN].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The set id (first 4 bytes of the checksum).
    pub fn set_id(&self) -> [u8; SET_ID_LEN] {
        self.checksum[..SET_ID_LEN].try_into().unwrap()
    }
}

pub use crate::shard::shard_len;

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub set: SetKey,
    pub index: u8,
    pub shard: Vec<u8>,
}

/// Why a text is not a usable frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("not a paperseed code")]
    NotPaperseed,
    #[error(
        "this code uses paperseed format version {0}; this paperseed reads versions 1 and 2: it needs a newer paperseed"
    )]
    UnknownVersion(u32),
    #[error("this code holds a kind of payload ({0}) this paperseed does not know: it needs a newer paperseed")]
    UnknownKind(u8),
    #[error("the code's digits are damaged: {0}")]
    Digits(#[from] digits::DigitsError),
    #[error("the code is truncated ({0} bytes)")]
    Truncated(usize),
    #[error("the code fails its checksum (CRC-32): it was misread or altered")]
    BadChecksum,
    #[error("the code's header is inconsistent: {0}")]
    BadHeader(&'static str),
}

impl Frame {
    /// The binary form (without the text prefix).
    pub fn to_bytes(&self) -> Vec<u8> {
        let s = &self.set;
        let mut out = Vec::with_capacity(overhead(s.version) + self.shard.len());
        out.extend_from_slice(&[s.kind.code(), s.k, s.n, self.index]);
        if s.version == 1 {
            out.extend_from_slice(&s.payload_len.to_be_bytes());
            out.extend_from_slice(&s.checksum);
        } else {
            out.extend_from_slice(&(s.payload_len as u16).to_be_bytes());
            out.extend_from_slice(&s.checksum[..SET_ID_LEN]);
        }
        out.extend_from_slice(&self.shard);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        out
    }

    /// The text a QR code holds.
    pub fn to_text(&self) -> String {
        let mut t = prefix_of(self.set.version);
        t.push_str(&digits::encode(&self.to_bytes()));
        t
    }

    /// Parse the binary form of a frame of `version`, checking the CRC and
    /// header consistency.
    pub fn from_bytes_v(version: u8, bytes: &[u8]) -> Result<Frame, FrameError> {
        let header = header_len(version);
        if bytes.len() < header + CRC_LEN + 1 {
            return Err(FrameError::Truncated(bytes.len()));
        }
        let (body, crc) = bytes.split_at(bytes.len() - CRC_LEN);
        if crc32fast::hash(body).to_be_bytes() != crc {
            return Err(FrameError::BadChecksum);
        }
        let kind = PayloadKind::from_code(body[0]).ok_or(FrameError::UnknownKind(body[0]))?;
        let (k, n, index) = (body[1], body[2], body[3]);
        let mut checksum = [0u8; CHECKSUM_LEN];
        let (payload_len, max) = if version == 1 {
            checksum.copy_from_slice(&body[8..24]);
            (u32::from_be_bytes(body[4..8].try_into().unwrap()), MAX_PAYLOAD_LEN)
        } else {
            checksum[..SET_ID_LEN].copy_from_slice(&body[6..10]);
            (u32::from(u16::from_be_bytes(body[4..6].try_into().unwrap())), MAX_CARRIED_LEN_V2)
        };
        let shard = body[header..].to_vec();
        if k == 0 || n < k {
            return Err(FrameError::BadHeader("k must be at least 1 and at most n"));
        }
        if index >= n {
            return Err(FrameError::BadHeader("shard index is not below n"));
        }
        if payload_len == 0 || payload_len > max {
            return Err(FrameError::BadHeader("payload length out of range"));
        }
        if shard.len() != shard_len(payload_len as usize, k as usize) {
            return Err(FrameError::BadHeader("shard length does not match payload length and k"));
        }
        Ok(Frame { set: SetKey { version, kind, k, n, payload_len, checksum }, index, shard })
    }

    /// Parse the binary form of a version-1 frame.
    pub fn from_bytes(bytes: &[u8]) -> Result<Frame, FrameError> {
        Frame::from_bytes_v(1, bytes)
    }

    /// Parse a code's text. Whitespace is ignored (typed input), the prefix's
    /// case too.
    pub fn parse(text: &str) -> Result<Frame, FrameError> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let magic = text.get(..MAGIC.len()).filter(|m| m.eq_ignore_ascii_case(MAGIC));
        let rest = &text[magic.ok_or(FrameError::NotPaperseed)?.len()..];
        let (version, body) = rest.split_once(':').ok_or(FrameError::NotPaperseed)?;
        if version.is_empty() || version.len() > 9 || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FrameError::NotPaperseed);
        }
        let version: u32 = version.parse().map_err(|_| FrameError::NotPaperseed)?;
        if !READ_VERSIONS.contains(&version) {
            return Err(FrameError::UnknownVersion(version));
        }
        Frame::from_bytes_v(version as u8, &digits::decode(body)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Frame {
        let payload_len = 10;
        Frame {
            set: SetKey { version: 1, kind: PayloadKind::Sheet, k: 2, n: 4, payload_len, checksum: [7; 16] },
            index: 3,
            shard: vec![1, 2, 3, 4, 5],
        }
    }

    fn sample_v2() -> Frame {
        let mut checksum = [0; 16];
        checksum[..4].copy_from_slice(&[1, 2, 3, 4]);
        Frame { set: SetKey { version: 2, ..sample().set }, ..sample() }.with_checksum(checksum)
    }

    impl Frame {
        fn with_checksum(mut self, checksum: [u8; 16]) -> Frame {
            self.set.checksum = checksum;
            self
        }
    }

    #[test]
    fn v2_round_trip_and_layout() {
        let f = sample_v2();
        let b = f.to_bytes();
        assert_eq!(b.len(), 10 + 5 + 4);
        assert_eq!(&b[..10], &[1, 2, 4, 3, 0, 10, 1, 2, 3, 4]);
        let t = f.to_text();
        assert!(t.starts_with("PAPERSEED2:"));
        assert_eq!(Frame::parse(&t).unwrap(), f);
        assert_eq!(Frame::parse(&t.replacen("PAPERSEED2:", "PAPERSEED3:", 1)), Err(FrameError::UnknownVersion(3)));
        // A v2 body under a v1 prefix is not accepted.
        assert!(Frame::parse(&t.replacen("PAPERSEED2:", "PAPERSEED1:", 1)).is_err());
    }

    #[test]
    fn text_round_trip() {
        let f = sample();
        let t = f.to_text();
        assert!(t.starts_with("PAPERSEED1:"));
        assert_eq!(Frame::parse(&t).unwrap(), f);
        assert_eq!(Frame::parse(&t.to_lowercase()).unwrap(), f);
    }

    #[test]
    fn rejections() {
        let t = sample().to_text();
        assert_eq!(Frame::parse("hello"), Err(FrameError::NotPaperseed));
        assert_eq!(Frame::parse("PAPERSEEDX:123"), Err(FrameError::NotPaperseed));
        assert_eq!(Frame::parse(&t.replacen("PAPERSEED1:", "PAPERSEED9:", 1)), Err(FrameError::UnknownVersion(9)));
        // Flip one digit: the CRC (or the digit range check) catches it.
        let mut bad = t.clone().into_bytes();
        let i = bad.len() - 20;
        bad[i] = if bad[i] == b'0' { b'1' } else { b'0' };
        assert!(Frame::parse(std::str::from_utf8(&bad).unwrap()).is_err());
        // Truncated by one 7-byte group.
        assert!(Frame::parse(&t[..t.len() - 17]).is_err());
    }

    #[test]
    fn header_checks() {
        let mut f = sample();
        f.index = 4;
        assert_eq!(Frame::from_bytes(&f.to_bytes()), Err(FrameError::BadHeader("shard index is not below n")));
        let mut f = sample();
        f.shard.push(0);
        assert!(matches!(Frame::from_bytes(&f.to_bytes()), Err(FrameError::BadHeader(_))));
        let mut b = sample().to_bytes();
        b[0] = 9;
        let n = b.len();
        let crc = crc32fast::hash(&b[..n - 4]).to_be_bytes();
        b[n - 4..].copy_from_slice(&crc);
        assert_eq!(Frame::from_bytes(&b), Err(FrameError::UnknownKind(9)));
    }

    proptest! {
        #[test]
        fn write_read(k in 1u8..20, extra in 0u8..20, len in 1u32..2000, seed in any::<u8>(), v2 in any::<bool>()) {
            let n = k.saturating_add(extra);
            let index = seed % n;
            let shard = vec![seed; shard_len(len as usize, k as usize)];
            let mut checksum = [seed; 16];
            if v2 {
                checksum[4..].fill(0);
            }
            let set = SetKey { version: if v2 { 2 } else { 1 }, kind: PayloadKind::Sheet, k, n, payload_len: len, checksum };
            let f = Frame { set, index, shard };
            prop_assert_eq!(Frame::parse(&f.to_text()).unwrap(), f);
        }

        #[test]
        fn parse_never_panics(s in "(PAPERSEED[12]:)?[0-9a-z:]{0,120}") {
            let _ = Frame::parse(&s);
        }
    }
}
