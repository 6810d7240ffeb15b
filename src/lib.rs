//! paperseed: account-recovery secrets on paper, and back.
//!
//! The data flows through the modules in order:
//!
//! - [`secret`] — what is backed up: the manifest and its validated secrets;
//! - [`format`](mod@format) — bytes: the CBOR payload, its fingerprint, frames of QR text;
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
pub mod interop;
pub mod plan;
pub mod protect;
pub mod readfile;
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
    #[error("the recovery text cannot be printed: {0}")]
    RecoveryText(format::text::TooLong),
    /// The packed secrets exceed what a reader unpacks
    /// ([`format::envelope::MAX_CONTENT`]), however well they compress.
    #[error(
        "the secrets take {len} bytes once packed, more than the {max} bytes ({} KiB) a reader of the sheet unpacks; split them over several backups (shorter notes, fewer secrets per manifest)",
        max / 1024
    )]
    TooLarge { len: usize, max: usize },
    /// The sheet's own envelope does not open: a bug.
    #[error("the sheet's data does not open again ({0}); this is a bug in paperseed")]
    Envelope(format::envelope::EnvelopeError),
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
    /// Whether the sheet carries the recovery text.
    pub recovery_text: RecoveryTextChoice,
}

/// Whether a sheet carries the recovery text (the data again as checked
/// lines of text, FORMAT.md §11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecoveryTextChoice {
    /// Up to [`RECOVERY_TEXT_AUTO_MAX`] carried bytes; larger payloads get a
    /// note saying it was left out and how to force it.
    #[default]
    Auto,
    /// Always (an error if the payload is too large to number its lines).
    On,
    /// Never (the sheet says so).
    Off,
}

/// Largest carried size that gets the recovery text by default: about 160
/// lines, a page and a half of text.
pub const RECOVERY_TEXT_AUTO_MAX: usize = 2048;

/// What [`encode`] produced.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub pdf: Vec<u8>,
    pub fingerprint: Fingerprint,
    pub plan: plan::Plan,
    pub payload_len: usize,
    /// The frame texts, in shard order.
    pub frames: Vec<String>,
    /// The recovery-text lines printed (empty when left out).
    pub recovery_lines: Vec<String>,
    /// Pages of the PDF.
    pub pages: usize,
    /// Pages that carry codes (the first ones).
    pub code_pages: usize,
    /// The page (0-based) on which the data (secrets, recovery text) ends.
    pub data_page: usize,
    /// Side of one QR module on paper, in millimetres (0 without codes).
    pub module_mm: f32,
}

/// Cut an envelope ([`format::envelope`]) of `kind` into format-v2 frames per `plan`.
pub fn frames_of(kind: PayloadKind, carried: &[u8], plan: &plan::Plan) -> Result<Vec<Frame>, Error> {
    let mut checksum = [0u8; format::frame::CHECKSUM_LEN];
    let id = format::frame::SET_ID_LEN;
    checksum[..id].copy_from_slice(&carried[..id.min(carried.len())]);
    let set = SetKey {
        version: format::frame::VERSION as u8,
        kind,
        k: plan.k as u8,
        n: plan.n as u8,
        payload_len: carried.len() as u32,
        checksum,
    };
    let shards = shard::split(carried, plan.k, plan.n)?;
    Ok(shards.into_iter().enumerate().map(|(i, shard)| Frame { set, index: i as u8, shard }).collect())
}

/// The payload bytes (compact CBOR, FORMAT.md §1) of a backup, and its envelope.
pub fn payload_of(backup: &Backup) -> (Vec<u8>, Vec<u8>) {
    let payload = format::compact::encode(backup);
    let carried = format::envelope::seal(&payload, true);
    (payload, carried)
}

/// Turn a backup into a printable PDF sheet.
pub fn encode(backup: &Backup, opts: &EncodeOptions) -> Result<Encoded, Error> {
    backup.validate()?;
    backup.check_file_names()?;
    let (payload, carried) = payload_of(backup);
    check_content_size(&payload)?;
    render_sheet(backup, PayloadKind::Sheet, &carried, opts, !opts.no_plaintext, Vec::new(), None)
}

/// Refuse content larger than a reader unpacks from a compressed envelope:
/// it would compress (repeated text shrinks a hundredfold), print, and
/// never restore.
fn check_content_size(payload: &[u8]) -> Result<(), Error> {
    let max = format::envelope::MAX_CONTENT;
    if payload.len() > max {
        return Err(Error::TooLarge { len: payload.len(), max });
    }
    Ok(())
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
    /// On share sheets: the fingerprint of the secrets, which restore
    /// reports once the shares are combined (`sheet.fingerprint` is the
    /// share's own codes').
    pub secrets_fingerprint: Option<Fingerprint>,
}

/// Turn a backup into passphrase-encrypted and/or share sheets.
pub fn encode_protected(
    backup: &Backup,
    opts: &EncodeOptions,
    protection: &Protection,
) -> Result<Vec<ProtectedSheet>, Error> {
    backup.validate()?;
    backup.check_file_names()?;
    let payload = format::compact::encode(backup);
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
        let carried = format::envelope::seal(&inner, false);
        let sheet = render_sheet(backup, PayloadKind::Encrypted, &carried, opts, false, notices, None)?;
        return Ok(vec![ProtectedSheet { sheet, share: None, split_code: None, secrets_fingerprint: None }]);
    };
    let shares = protect::shares::split(&inner, inner_kind, *k, *n, holders)?;
    // What restore reports once the shares are combined (and decrypted).
    let secrets_fingerprint = Fingerprint::of(&payload);
    let mut out = Vec::new();
    for bytes in shares {
        let info = protect::shares::parse_share(&bytes)?;
        let holder = info.holder_of(info.x);
        let mut share_notices = vec![share_notice(&info, holder.as_deref(), Fingerprint::of(&bytes))];
        if let Some(words) = protect::shares::share_words(&bytes)? {
            share_notices.push(share_words_notice(&info, &words));
        }
        share_notices.extend(notices.iter().cloned());
        let carried = format::envelope::seal(&bytes, false);
        let share = Some(ShareHeader { secrets: secrets_fingerprint, k: info.k, n: info.n });
        let sheet = render_sheet(backup, PayloadKind::Share, &carried, opts, false, share_notices, share)?;
        out.push(ProtectedSheet {
            share: Some((info.x, holder)),
            split_code: Some(info.split_code()),
            secrets_fingerprint: Some(secrets_fingerprint),
            sheet,
        });
    }
    Ok(out)
}

/// What a share sheet says about itself: which share, how many to gather
/// and from whom, and its own codes' fingerprint apart from the secrets'.
fn share_notice(info: &protect::ShareInfo, holder: Option<&str>, codes: Fingerprint) -> String {
    let others: Vec<String> = (1..=info.n).filter(|x| *x != info.x).filter_map(|x| info.holder_of(x)).collect();
    let from = match others.as_slice() {
        [] => String::new(),
        [one] => format!(", from {one}"),
        [init @ .., last] => format!(", from {} or {last}", init.join(", ")),
    };
    format!(
        "SHARE {} OF {}{}. Any {} of the {} share sheets restore the secrets: this one and {} more{from}. Split {} (the same on every share of this split); this share's own codes: {}.",
        info.x,
        info.n,
        holder.map(|h| format!(", holder: {h}")).unwrap_or_default(),
        info.k,
        info.n,
        info.k - 1,
        info.split_code(),
        codes,
    )
}

/// The share's SLIP-39 words, numbered, and what to do with them.
fn share_words_notice(info: &protect::ShareInfo, words: &[&str]) -> String {
    let numbered: Vec<String> = words.iter().enumerate().map(|(i, w)| format!("{}\u{a0}{w}", i + 1)).collect();
    format!(
        "Share words (SLIP-39): {}. Any {} holders' words give the key to the codes' data, with `paperseed restore --type` or the standard `shamir recover` (empty passphrase; docs/FORMAT.md §8.2).",
        numbered.join("  "),
        info.k
    )
}

/// What a share sheet's header and instructions say about its split.
#[derive(Debug, Clone, Copy)]
struct ShareHeader {
    /// The fingerprint of the secrets (what restore reports once combined).
    secrets: Fingerprint,
    /// Shares needed and made.
    k: u8,
    n: u8,
}

/// How many more data codes than the fewest the encoder tries: more,
/// smaller codes sometimes lay out better (one row instead of two, larger
/// modules, everything on page 1).
pub const EXTRA_SPLITS_TRIED: usize = 3;

/// Lay out and render one sheet carrying the envelope `carried` of `kind`.
///
/// With the default split, a few splits into more data codes (same share of
/// codes that may be lost, same QR level) are laid out too, and the best
/// sheet is kept: page 1 holding every code and all the data, then the
/// fewest pages, then the largest modules, then the fewest codes.
fn render_sheet(
    backup: &Backup,
    kind: PayloadKind,
    carried: &[u8],
    opts: &EncodeOptions,
    show_secrets: bool,
    notices: Vec<String>,
    share: Option<ShareHeader>,
) -> Result<Encoded, Error> {
    let content = format::envelope::open(carried).map_err(Error::Envelope)?;
    let fingerprint = Fingerprint::of(&content);
    let secrets: Option<Vec<SecretBlock>> = show_secrets.then(|| {
        backup
            .secrets
            .iter()
            .map(|s| {
                let d = s.display();
                SecretBlock { heading: d.heading, lines: d.lines }
            })
            .collect()
    });
    /// The best layout so far: its rank, sheet, frames, plan and layout.
    type Best = (plan::Rank, SheetDoc, Vec<Frame>, plan::Plan, sheet::Layout);
    let mut best: Option<Best> = None;
    for plan in plan::candidates(carried.len(), opts.redundancy, opts.ecc, EXTRA_SPLITS_TRIED)? {
        let frames = frames_of(kind, carried, &plan)?;
        let codes = frames
            .iter()
            .map(|f| {
                let text = f.to_text();
                let symbol = sheet::qr::encode(&text, plan.ecc).ok_or(Error::Symbol(plan.ecc.letter()))?;
                Ok(CodeBlock { index: f.index as usize, text, symbol })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let recovery = recovery_text(kind, &plan, carried, opts.recovery_text)?;
        let doc = SheetDoc {
            title: backup.title.clone(),
            date: opts.date.clone(),
            fingerprint: share.map_or(fingerprint, |s| s.secrets).to_string(),
            fingerprint_label: match share {
                Some(_) => "Fingerprint of the secrets",
                None => sheet::layout::FINGERPRINT_LABEL,
            }
            .to_string(),
            share_of: share.map(|s| (s.k, s.n)),
            program: PROGRAM.to_string(),
            format_version: format::frame::VERSION,
            paper: opts.paper,
            secrets: secrets.clone(),
            codes,
            k: plan.k,
            n: plan.n,
            ecc: plan.ecc,
            payload_len: carried.len(),
            notices: notices.clone(),
            extra_font: opts.extra_font.clone(),
            recovery,
        };
        // The secrets in clear come first; only when page 1 cannot hold them
        // with the codes and the recovery text is the text put first (page 1
        // then restores alone from its text, the clear text follows).
        let mut layouts = vec![(
            sheet::DataOrder::SecretsFirst,
            sheet::layout_sheet(&doc, &sheet_blocks(&doc, backup, sheet::DataOrder::SecretsFirst))?,
        )];
        if (layouts[0].1.data_page > 0 || layouts[0].1.pages.len() > 1)
            && matches!(doc.recovery, sheet::Recovery::Lines(_))
        {
            let order = sheet::DataOrder::RecoveryFirst;
            layouts.push((order, sheet::layout_sheet(&doc, &sheet_blocks(&doc, backup, order))?));
        }
        for (order, layout) in layouts {
            let rank = plan::rank(&plan::Laid {
                plan,
                pages: layout.pages.len(),
                spread: layout.data_page > 0 || layout.code_pages > 1,
                module_mm: layout.module_mm,
                recovery_first: order == sheet::DataOrder::RecoveryFirst,
            });
            if best.as_ref().is_none_or(|(r, ..)| rank < *r) {
                best = Some((rank, doc.clone(), frames.clone(), plan, layout));
            }
        }
    }
    let (_, doc, frames, plan, layout) = best.expect("plan::candidates returns at least one plan");
    let pdf = sheet::draw_layout(&doc, &layout)?;
    let recovery_lines = match &doc.recovery {
        sheet::Recovery::Lines(l) => l.clone(),
        _ => Vec::new(),
    };
    Ok(Encoded {
        pdf,
        fingerprint,
        plan,
        payload_len: carried.len(),
        frames: frames.iter().map(Frame::to_text).collect(),
        recovery_lines,
        pages: layout.pages.len(),
        code_pages: layout.code_pages,
        data_page: layout.data_page,
        module_mm: layout.module_mm,
    })
}

/// The text flow of a sheet: the standard blocks (data in `order`) and the
/// emergency guide.
fn sheet_blocks(doc: &SheetDoc, backup: &Backup, order: sheet::DataOrder) -> Vec<sheet::layout::Block> {
    let mut blocks = sheet::standard_blocks_in(doc, order);
    if let Some(e) = &backup.emergency {
        blocks.extend(emergency_blocks(e));
    }
    blocks
}

/// The recovery text for a sheet, or why it is left out.
fn recovery_text(
    kind: PayloadKind,
    plan: &plan::Plan,
    carried: &[u8],
    choice: RecoveryTextChoice,
) -> Result<sheet::Recovery, Error> {
    let lines = || format::text::encode(kind, plan.k as u8, plan.n as u8, carried);
    Ok(match choice {
        RecoveryTextChoice::Off => sheet::Recovery::Off,
        RecoveryTextChoice::Auto if carried.len() > RECOVERY_TEXT_AUTO_MAX => {
            sheet::Recovery::TooLarge { lines: format::text::Layout::for_stream(carried.len() + 5).lines() }
        }
        RecoveryTextChoice::Auto => match lines() {
            Ok(l) => sheet::Recovery::Lines(l),
            Err(e) => sheet::Recovery::TooLarge { lines: e.lines },
        },
        RecoveryTextChoice::On => sheet::Recovery::Lines(lines().map_err(Error::RecoveryText)?),
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
