//! Other apps' formats, in and out, in one place:
//!
//! - [`import`] — authenticator exports (Google Authenticator migration
//!   codes, Aegis JSON), otpauth:// URIs, backup-code lists and SeedQR
//!   images to a backup;
//! - [`seedqr`] — SeedSigner's SeedQR (Standard and Compact), read and
//!   written;
//! - [`termqr`] — QR codes in a terminal or as PNG, for an authenticator
//!   app to scan.
//!
//! SLIP-39 share words are in [`crate::protect::slip39`], beside the
//! shares they belong to. Everything here depends on the data model
//! ([`crate::secret`]) and the QR symbols of [`crate::sheet::qr`]; nothing
//! earlier in the pipeline depends on it.

pub mod import;
pub mod seedqr;
pub mod termqr;
