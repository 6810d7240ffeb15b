//! paperseed's integration tests, one binary (so rxing, hayro and krilla are
//! linked once): each module tests one area through the library or the real
//! `paperseed` binary; `support` (with `damage`) holds the shared helpers.
//!
//! Data the tests read is in the repository: `tests/data/` (QR corpus,
//! SeedQR, BIP39 and SLIP-39 vectors, sheets printed by paperseed 0.1, each
//! with its licence), `tests/vectors/` (format vectors) and `tests/golden/`.

mod support;

mod accounts;
mod cli;
mod hardening;
mod hardening2;
mod import;
mod margin;
mod ocr;
mod ocr_cli;
mod pages;
mod protect;
mod restore_page;
mod scan_corpus;
mod shares;
mod sheet_render;
mod sheetwise;
mod v1_compat;
mod vectors;
