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

pub mod assemble;
pub mod format;
pub mod import;
pub mod plan;
pub mod restore;
pub mod scan;
pub mod secret;
pub mod shard;
pub mod sheet;

use format::{Fingerprint, Frame, PayloadKind, SetKey};
use secret::Backup;
use sheet::{CodeBlock, Ecc, Paper, SecretBlock, SheetDoc};

/// The program name and version printed on sheets.
pub const PROGRAM: &str = concat!("paperseed ", env!("CARGO_PKG_VERSION"));

/// Everything that can go wrong in the library, by stage.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Manifest(#[from] secret::manifest::ManifestError),
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
    #[error(transparent)]
    Shard(#[from] shard::ShardError),
    #[error(transparent)]
    Sheet(#[from] sheet::SheetError),
    #[error("a code does not fit a QR symbol at level {0}; this is a bug in paperseed's planning")]
    Symbol(char),
}

/// Options of [`encode`].
#[derive(Debug, Clone, Default)]
pub struct EncodeOptions {
    pub paper: Paper,
    /// Creation date printed on the sheet, `YYYY-MM-DD`.
    pub date: String,
    /// Leave the secrets' text off the sheet.
    pub no_plaintext: bool,
    /// Percent of codes that may be lost (default by payload size).
    pub redundancy: Option<u32>,
    /// QR error-correction level (default by payload size).
    pub ecc: Option<Ecc>,
    /// A font for characters the embedded fonts lack.
    pub extra_font: Option<Vec<u8>>,
}

/// What [`encode`] produced.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub pdf: Vec<u8>,
    pub fingerprint: Fingerprint,
    pub plan: plan::Plan,
    pub payload_len: usize,
    /// The frame texts, in shard order.
    pub frames: Vec<String>,
}

/// Cut a payload into frames per `plan`.
pub fn frames(payload: &[u8], plan: &plan::Plan) -> Result<Vec<Frame>, Error> {
    let set = SetKey {
        kind: PayloadKind::Sheet,
        k: plan.k as u8,
        n: plan.n as u8,
        payload_len: payload.len() as u32,
        checksum: format::checksum(payload),
    };
    let shards = shard::split(payload, plan.k, plan.n)?;
    Ok(shards.into_iter().enumerate().map(|(i, shard)| Frame { set, index: i as u8, shard }).collect())
}

/// Turn a backup into a printable PDF sheet.
pub fn encode(backup: &Backup, opts: &EncodeOptions) -> Result<Encoded, Error> {
    backup.validate()?;
    let payload = format::payload::encode(backup);
    let plan = plan::plan(payload.len(), opts.redundancy, opts.ecc)?;
    let frames = frames(&payload, &plan)?;
    let codes = frames
        .iter()
        .map(|f| {
            let text = f.to_text();
            let symbol = sheet::qr::encode(&text, plan.ecc).ok_or(Error::Symbol(plan.ecc.letter()))?;
            Ok(CodeBlock { index: f.index as usize, text, symbol })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let fingerprint = Fingerprint::of(&payload);
    let secrets = (!opts.no_plaintext).then(|| {
        backup
            .secrets
            .iter()
            .map(|s| {
                let d = s.display();
                SecretBlock { heading: d.heading, lines: d.lines }
            })
            .collect()
    });
    let doc = SheetDoc {
        title: backup.title.clone(),
        date: opts.date.clone(),
        fingerprint: fingerprint.to_string(),
        program: PROGRAM.to_string(),
        format_version: format::frame::VERSION,
        paper: opts.paper,
        secrets,
        codes,
        k: plan.k,
        n: plan.n,
        ecc: plan.ecc,
        payload_len: payload.len(),
        notices: Vec::new(),
        extra_font: opts.extra_font.clone(),
    };
    let pdf = sheet::render(&doc)?;
    Ok(Encoded {
        pdf,
        fingerprint,
        plan,
        payload_len: payload.len(),
        frames: frames.iter().map(Frame::to_text).collect(),
    })
}
