//! paperseed: account-recovery secrets on paper, and back.
//!
//! The data flows through the modules in order:
//!
//! - [`secret`] — what is backed up: the manifest and its validated secrets;
//! - [`format`] — bytes: the CBOR payload, its fingerprint, frames of QR text;
//! - [`shard`] — Reed–Solomon across codes: any k of n rebuild the payload;
//! - [`plan`] — how many codes, at which QR error-correction level;
//! - [`sheet`] — paper: QR symbols, page layout, the PDF;
//!
//! and back from a scan: `scan` (load images and PDFs, find codes) →
//! `assemble` (group frames, rebuild, verify the checksum).
//!
//! The library prints nothing and reads no environment variables; the
//! `paperseed` binary handles arguments, prompts and messages.

pub mod format;
pub mod plan;
pub mod secret;
pub mod shard;
pub mod sheet;
