//! Bytes: how a backup becomes the text inside QR codes, and back.
//!
//! [`payload`] turns a backup into deterministic CBOR ([`cbor`]); BLAKE3 over
//! those bytes gives the checksum carried in every frame and the printed
//! [`fingerprint`]; [`frame`] wraps each Reed–Solomon shard with a
//! self-describing header and a CRC, written as decimal [`digits`] for QR
//! numeric mode. docs/FORMAT.md is the specification.

pub mod cbor;
pub mod compact;
pub mod digits;
pub mod envelope;
pub mod fingerprint;
pub mod frame;
pub mod payload;
pub mod text;
pub mod text_v1;

pub use fingerprint::Fingerprint;
pub use frame::{Frame, FrameError, PayloadKind, SetKey};

/// First 16 bytes of BLAKE3(payload), as carried in frames.
pub fn checksum(payload: &[u8]) -> [u8; frame::CHECKSUM_LEN] {
    blake3::hash(payload).as_bytes()[..frame::CHECKSUM_LEN].try_into().unwrap()
}
