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
pub mod ocr;
pub mod plan;
pub mod protect;
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
    #[error(transparent)]
    Protect(#[from] protect::ProtectError),
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
    /// An emergency guide and wallet card to print after the sheet's text.
    pub emergency: Option<protect::emergency::Emergency>,
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

/// Cut carried bytes of `kind` into frames per `plan`.
pub fn frames_of(kind: PayloadKind, carried: &[u8], plan: &plan::Plan) -> Result<Vec<Frame>, Error> {
    let set = SetKey {
        kind,
        k: plan.k as u8,
        n: plan.n as u8,
        payload_len: carried.len() as u32,
        checksum: format::checksum(carried),
    };
    let shards = shard::split(carried, plan.k, plan.n)?;
    Ok(shards.into_iter().enumerate().map(|(i, shard)| Frame { set, index: i as u8, shard }).collect())
}

/// Cut a plain sheet payload into frames per `plan`.
pub fn frames(payload: &[u8], plan: &plan::Plan) -> Result<Vec<Frame>, Error> {
    frames_of(PayloadKind::Sheet, payload, plan)
}

/// Turn a backup into a printable PDF sheet.
pub fn encode(backup: &Backup, opts: &EncodeOptions) -> Result<Encoded, Error> {
    backup.validate()?;
    let payload = format::payload::encode(backup);
    render_sheet(backup, PayloadKind::Sheet, &payload, opts, !opts.no_plaintext, Vec::new())
}

/// How a protected sheet is locked (see FORMAT.md §10).
#[derive(Default)]
pub struct Protection {
    /// Encrypt the payload to this passphrase (age, scrypt).
    pub passphrase: Option<protect::SecretString>,
    /// scrypt work factor (log2 N); `None`: age's default (about a second).
    pub work_factor: Option<u8>,
    /// Split into shares: any `k` of `n`, with the holders' names (empty, or `n` names).
    pub shares: Option<(u8, u8, Vec<String>)>,
}

/// One protected sheet: a PDF, and for shares its number and holder.
#[derive(Debug, Clone)]
pub struct ProtectedSheet {
    pub sheet: Encoded,
    /// Share number (1-based) and holder, for share sheets.
    pub share: Option<(u8, Option<String>)>,
    /// The split's code, common to all its shares.
    pub split_code: Option<String>,
}

/// Turn a backup into passphrase-encrypted and/or share sheets.
pub fn encode_protected(
    backup: &Backup,
    opts: &EncodeOptions,
    protection: &Protection,
) -> Result<Vec<ProtectedSheet>, Error> {
    backup.validate()?;
    let payload = format::payload::encode(backup);
    let (inner, inner_kind, notices) = match &protection.passphrase {
        Some(pass) => (
            protect::passphrase::encrypt(&payload, pass, protection.work_factor)?,
            protect::shares::InnerKind::Age,
            vec![
                "ENCRYPTED: the secrets on this sheet are locked with a passphrase, which is not printed. paperseed asks for it when restoring; the payload is a standard age file that any age tool can decrypt.".to_string(),
                "Passphrase hint (write by hand, never the passphrase itself): ____________________________".to_string(),
            ],
        ),
        None => (payload.clone(), protect::shares::InnerKind::Sheet, Vec::new()),
    };
    let Some((k, n, holders)) = &protection.shares else {
        let sheet = render_sheet(backup, PayloadKind::Encrypted, &inner, opts, false, notices)?;
        return Ok(vec![ProtectedSheet { sheet, share: None, split_code: None }]);
    };
    let shares = protect::shares::split(&inner, inner_kind, *k, *n, holders)?;
    let mut out = Vec::new();
    for bytes in shares {
        let info = protect::shares::parse_share(&bytes)?;
        let holder = info.holder_of(info.x);
        let mut share_notices = vec![format!(
            "SHARE {} OF {}: any {} of the {} share sheets together restore the secrets.{} This sheet alone reveals nothing about them. Split {}: every share of this split shows the same code.",
            info.x,
            info.n,
            info.k,
            info.n,
            holder.as_deref().map(|h| format!(" Holder: {h}.")).unwrap_or_default(),
            info.split_code()
        )];
        share_notices.extend(notices.iter().cloned());
        let sheet = render_sheet(backup, PayloadKind::Share, &bytes, opts, false, share_notices)?;
        out.push(ProtectedSheet { sheet, share: Some((info.x, holder)), split_code: Some(info.split_code()) });
    }
    Ok(out)
}

/// Lay out and render one sheet carrying `carried` bytes of `kind`.
fn render_sheet(
    backup: &Backup,
    kind: PayloadKind,
    carried: &[u8],
    opts: &EncodeOptions,
    show_secrets: bool,
    notices: Vec<String>,
) -> Result<Encoded, Error> {
    let plan = plan::plan(carried.len(), opts.redundancy, opts.ecc)?;
    let frames = frames_of(kind, carried, &plan)?;
    let codes = frames
        .iter()
        .map(|f| {
            let text = f.to_text();
            let symbol = sheet::qr::encode(&text, plan.ecc).ok_or(Error::Symbol(plan.ecc.letter()))?;
            Ok(CodeBlock { index: f.index as usize, text, symbol })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let fingerprint = Fingerprint::of(carried);
    let secrets = show_secrets.then(|| {
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
        payload_len: carried.len(),
        notices,
        extra_font: opts.extra_font.clone(),
    };
    let mut blocks = sheet::standard_blocks(&doc);
    if let Some(e) = &opts.emergency {
        blocks.extend(emergency_blocks(e));
    }
    let pdf = sheet::render_blocks(&doc, &blocks)?;
    Ok(Encoded {
        pdf,
        fingerprint,
        plan,
        payload_len: carried.len(),
        frames: frames.iter().map(Frame::to_text).collect(),
    })
}

/// The emergency guide and a wallet-size card to cut out.
fn emergency_blocks(e: &protect::emergency::Emergency) -> Vec<sheet::layout::Block> {
    use sheet::layout::{Block, Span, Style};
    let mut blocks = vec![Block::Space(8.0), Block::Heading("Emergency guide".into())];
    for (heading, lines) in e.lines() {
        blocks.push(Block::Subheading(heading));
        for line in lines {
            blocks.push(Block::Paragraph { style: Style::Body, spans: vec![Span::plain(&line)] });
        }
    }
    let mut card = vec![
        Block::Subheading("Wallet card: cut out and keep with your ID".into()),
        Block::Rule { length: 85.0, thickness: 0.3 },
    ];
    for (heading, lines) in e.card() {
        card.push(Block::Paragraph { style: Style::Small, spans: vec![Span::bold(&heading)] });
        card.push(Block::Lines { style: Style::Small, lines });
    }
    card.push(Block::Rule { length: 85.0, thickness: 0.3 });
    blocks.push(Block::Space(6.0));
    blocks.push(Block::Group(card));
    blocks
}
