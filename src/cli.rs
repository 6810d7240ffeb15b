//! Command-line arguments and what each subcommand does with them.
//!
//! Everything user-facing lives here and in `main.rs`: argument parsing,
//! reading files and stdin, writing output atomically, messages on stderr and
//! exit codes. The work itself is the library's.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use paperseed::sheet::{Ecc, Paper};

/// Exit status for "the data is not restorable or does not match".
pub const EXIT_NOT_RESTORABLE: i32 = 1;
/// Exit status for usage and I/O errors.
pub const EXIT_USAGE: i32 = 2;

/// An error with the exit status it should produce.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub error: anyhow::Error,
}

impl Failure {
    /// Whether this is a write to a closed stdout pipe (`paperseed … | head`):
    /// `main` then exits quietly with status 0, as other filters do.
    pub fn is_broken_pipe(&self) -> bool {
        self.error
            .chain()
            .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
    }
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure { code: EXIT_USAGE, error: e.into() }
    }
}

const ENCODE_EXAMPLES: &str = "\
Examples:
  paperseed encode samples/exchange.toml -o exchange.pdf
  paperseed encode --codes github-recovery-codes.txt --label GitHub -o github.pdf
  paperseed encode --mnemonic - --label \"Hardware wallet\" -o wallet.pdf < words.txt
  paperseed encode samples/bip39.toml -o wallet.pdf --paper letter --no-plaintext
  cat manifest.toml | paperseed encode - -o sheet.pdf --date 2026-01-31
  paperseed encode samples/keyfile.toml -o key.pdf --redundancy 40 --force";

#[derive(Parser, Debug)]
#[command(
    name = "paperseed",
    version,
    about = "Print account-recovery secrets as a sheet of Reed-Solomon protected QR codes, and read them back",
    long_about = "paperseed turns 2FA backup codes, TOTP keys, BIP39 seed phrases, notes and small files \
                  into a printable PDF sheet of QR codes, any k of which restore everything, with a BLAKE3 \
                  checksum and a printed fingerprint.\n\n\
                  Exit status: 0 success; 1 the data is not restorable or does not match its checksum; \
                  2 usage or I/O error.",
    after_help = "Examples:\n  paperseed encode samples/exchange.toml -o exchange.pdf\n\nSee `paperseed <command> --help` for each command."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Make a printable PDF sheet from a manifest of secrets.
    #[command(after_help = ENCODE_EXAMPLES)]
    Encode(EncodeArgs),
    /// Read scans or photos of sheets and print the secrets.
    #[command(after_help = RESTORE_EXAMPLES)]
    Restore(RestoreArgs),
    /// Check that scans of a sheet are still fully readable and match their checksum.
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Build a manifest from authenticator exports, otpauth URIs and backup-code files.
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
}

const IMPORT_EXAMPLES: &str = "\
Sources (recognised by their content):
  - a photo or screenshot of a QR code: a Google Authenticator export, any otpauth:// code,
    or a Standard SeedQR;
  - an Aegis plain-text JSON export;
  - a text file of otpauth:// (or otpauth-migration://) URIs, one per line;
  - a text file of backup codes, one per line.

Examples:
  paperseed import export-qr.png -o manifest.toml
  paperseed import aegis-export.json github-codes.txt -o manifest.toml --title \"My accounts\"
  paperseed import uris.txt -o - | paperseed encode - -o sheet.pdf";

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Files to import: QR images, Aegis JSON exports, URI lists, backup-code lists.
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,
    /// Where to write the manifest (- for stdout).
    #[arg(short, long, value_name = "OUT.toml|-")]
    pub output: PathBuf,
    /// Title of the manifest.
    #[arg(long)]
    pub title: Option<String>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

const RESTORE_EXAMPLES: &str = "\
Examples:
  paperseed restore samples/exchange-scan.jpg
  paperseed restore page1.jpg page2.jpg --json
  paperseed restore scans/ --format toml -o manifest.toml
  paperseed restore scan.pdf --files-to restored/
  paperseed restore --type                 # type the recovery text from the paper";

const VERIFY_EXAMPLES: &str = "\
Examples:
  paperseed verify samples/exchange-scan.jpg
  paperseed verify scan.pdf --expect K7QF-3M2X-9TRD
  paperseed verify scans/ --json";

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum EffortArg {
    /// Whole-page passes only.
    Quick,
    /// Adds retries around codes already found (default).
    Normal,
    /// Searches every region of every page (slow).
    Thorough,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Scans or photos: images (PNG, JPEG, TIFF, WebP, BMP, PNM), PDFs, or folders of them.
    #[arg(value_name = "SCAN")]
    pub scans: Vec<PathBuf>,
    /// Only this backup: its set id (as `verify` shows it) or its fingerprint.
    #[arg(long, value_name = "ID")]
    pub set: Option<String>,
    /// Resolution for rendering PDF pages, in dpi (72-1200).
    #[arg(long, default_value_t = 300, value_name = "DPI", value_parser = clap::value_parser!(u32).range(72..=1200))]
    pub dpi: u32,
    /// How hard to look for codes before a harder pass (a harder pass runs anyway when codes are missing).
    #[arg(long, value_enum, ignore_case = true, default_value = "normal")]
    pub effort: EffortArg,
    /// Also mention QR codes that are not paperseed's.
    #[arg(short, long)]
    pub verbose: bool,
    /// For encrypted sheets: read the passphrase from the first line of this file, or - for
    /// stdin (otherwise it is asked for in the terminal, only when needed).
    #[arg(long, value_name = "FILE|-")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The secrets as on the sheet, plus otpauth:// URIs.
    Text,
    /// One JSON object: title, fingerprint, secrets.
    Json,
    /// A manifest that `paperseed encode` accepts, to print a fresh copy with the same fingerprint.
    Toml,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Write the secrets to this file (atomically) instead of stdout; - for stdout.
    #[arg(short, long, value_name = "OUT|-")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, ignore_case = true, default_value = "text")]
    pub format: OutputFormat,
    /// Same as --format json.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Write embedded files into this folder (created if needed).
    #[arg(long, value_name = "DIR")]
    pub files_to: Option<PathBuf>,
    /// Type the recovery-text lines from the paper instead of scanning (or pipe them on stdin):
    /// each line is checked as it is entered; lost lines are covered by the others.
    #[arg(long = "type", conflicts_with = "scans")]
    pub type_lines: bool,
    /// Also show each authenticator key as a QR code in the terminal, for an app to scan.
    #[arg(long)]
    pub qr: bool,
    /// With --qr: for terminals with light text on a dark background.
    #[arg(long, requires = "qr")]
    pub invert: bool,
    /// Print each authenticator key's current code, to compare with the app.
    #[arg(long)]
    pub totp_now: bool,
    /// With --totp-now: the time to compute codes for (RFC 3339, e.g. 2026-01-31T12:00:00Z).
    #[arg(long, requires = "totp_now", value_name = "RFC3339")]
    pub at: Option<String>,
    /// Write the authenticator keys as labelled QR codes an app can import: a PDF, or PNG files.
    #[arg(long, value_name = "OUT.pdf|OUT.png")]
    pub otp_codes: Option<PathBuf>,
    /// Write each seed phrase as SeedQR (Standard and Compact) codes: a PDF, or PNG files.
    #[arg(long, value_name = "OUT.pdf|OUT.png")]
    pub seedqr: Option<PathBuf>,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The fingerprint printed on the sheet (or written in its log); verify fails if it differs.
    #[arg(long, value_name = "FINGERPRINT")]
    pub expect: Option<String>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RecoveryTextArg {
    Auto,
    On,
    Off,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum EccArg {
    L,
    M,
    Q,
    H,
}

#[derive(Args, Debug)]
pub struct EncodeArgs {
    /// The manifest (TOML, see samples/), or - to read it from stdin. May be left out when
    /// quick flags (--codes, --totp, --mnemonic, --note) say what to print.
    #[arg(value_name = "MANIFEST|-", required_unless_present_any = ["codes", "totp", "mnemonic", "note"])]
    pub manifest: Option<String>,
    /// Quick: a text file of backup codes, one per line.
    #[arg(long, value_name = "FILE")]
    pub codes: Vec<PathBuf>,
    /// Quick: an authenticator key: a file or - (stdin) holding an otpauth:// URI, an
    /// otpauth-migration:// export or a base32 key. A key typed here directly works but is
    /// visible to other users and kept in shell history.
    #[arg(long, value_name = "FILE|-|URI_OR_KEY")]
    pub totp: Vec<String>,
    /// Quick: a BIP39 seed phrase (or Standard SeedQR digits) from a file, or - for stdin.
    #[arg(long, value_name = "FILE|-")]
    pub mnemonic: Option<String>,
    /// Quick: a note to print (emergency contact, account id, instructions). Visible to other
    /// users and kept in shell history: put notes holding secrets in a manifest.
    #[arg(long, value_name = "TEXT")]
    pub note: Vec<String>,
    /// Quick: the label of the secrets given with quick flags.
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// Encrypt the secrets with a passphrase of at least 8 characters, asked twice without echo
    /// (age, scrypt). The sheet then shows no secret in clear (its title stays readable).
    #[arg(long)]
    pub passphrase: bool,
    /// Like --passphrase, reading the passphrase (at least 8 characters) from the first line of
    /// a file, or - for stdin.
    #[arg(long, value_name = "FILE|-", conflicts_with = "passphrase")]
    pub passphrase_file: Option<PathBuf>,
    /// Split into N share sheets, any K of which restore (e.g. 2/3): writes OUT's name with
    /// .share1.pdf ... .shareN.pdf. One sheet alone reveals nothing.
    #[arg(long, value_name = "K/N")]
    pub shares: Option<String>,
    /// With --shares: who keeps each share, comma-separated (e.g. "spouse,parents,attorney").
    #[arg(long, value_name = "NAMES", requires = "shares")]
    pub holders: Option<String>,
    /// scrypt work factor (log2 N) for --passphrase; lower is faster and weaker (tests only).
    #[arg(long, hide = true)]
    pub scrypt_work_factor: Option<u8>,
    /// Where to write the PDF, or - for stdout (not with --shares).
    #[arg(short, long, value_name = "OUT.pdf|-")]
    pub output: PathBuf,
    /// Paper size.
    #[arg(long, value_enum, ignore_case = true, default_value = "a4")]
    pub paper: PaperArg,
    /// Sheet title (overrides the manifest's `title`).
    #[arg(long)]
    pub title: Option<String>,
    /// Creation date printed on the sheet, YYYY-MM-DD [default: $SOURCE_DATE_EPOCH, else today (UTC)].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Do not print the secrets in clear; the sheet then holds them only in the codes.
    #[arg(long)]
    pub no_plaintext: bool,
    /// Print the recovery text (the data again as checked lines to scan or type): auto prints it
    /// for payloads up to 2 KiB, and the sheet says when it is left out.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = RecoveryTextArg::Auto)]
    pub recovery_text: RecoveryTextArg,
    /// Percent of the codes that may be lost or unreadable (10-80) [default: 50 for payloads up
    /// to 1 KiB, else 30]. Higher means more codes, more durable.
    #[arg(long, value_name = "PERCENT")]
    pub redundancy: Option<u32>,
    /// QR error-correction level inside each code [default: H up to 1 KiB, Q up to 2 KiB, else M].
    #[arg(long, value_enum, ignore_case = true)]
    pub ecc: Option<EccArg>,
    /// A TrueType/OpenType font for characters the embedded fonts lack (e.g. Chinese).
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Encode(args) => encode(args, cli.quiet),
        Command::Restore(args) => crate::read::restore(args, cli.quiet),
        Command::Verify(args) => crate::read::verify(args, cli.quiet),
        Command::Import(args) => crate::accounts::import(args, cli.quiet),
    }
}

pub fn note(quiet: bool, msg: impl AsRef<str>) {
    if !quiet {
        eprint_line(msg.as_ref());
    }
}

/// A line on stderr; unlike `eprintln!`, a closed stderr is not a panic.
pub fn eprint_line(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{msg}");
}

/// Read a file or stdin (`-`), with a bound on the size.
pub fn read_input(name: &str, limit: u64) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    if name == "-" {
        std::io::stdin().lock().take(limit + 1).read_to_end(&mut data).context("cannot read stdin")?;
    } else {
        std::fs::File::open(name)
            .and_then(|f| f.take(limit + 1).read_to_end(&mut data))
            .with_context(|| format!("cannot read {name}"))?;
    }
    if data.len() as u64 > limit {
        bail!("{name} is larger than {limit} bytes, more than paperseed reads here");
    }
    Ok(data)
}

/// The date to print: --date, else SOURCE_DATE_EPOCH, else today (UTC).
fn sheet_date(arg: Option<&str>) -> Result<String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    if let Some(d) = arg {
        let date =
            time::Date::parse(d, fmt).with_context(|| format!("--date {d:?} is not a date of the form YYYY-MM-DD"))?;
        return Ok(date.format(fmt)?);
    }
    let now = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => {
            let secs: i64 =
                s.trim().parse().with_context(|| format!("SOURCE_DATE_EPOCH={s:?} is not a number of seconds"))?;
            time::OffsetDateTime::from_unix_timestamp(secs).context("SOURCE_DATE_EPOCH is out of range")?
        }
        Err(_) => time::OffsetDateTime::now_utc(),
    };
    Ok(now.date().format(fmt)?)
}

/// Refuse to replace anything at `path` but a regular file (or nothing):
/// `--force` renames over the path, which would replace a symlink itself
/// (sending the secrets elsewhere than its target's folder), or turn a
/// device node or FIFO into a file holding the secrets.
pub fn check_target(path: &Path, force: bool) -> Result<()> {
    if path.as_os_str() == "-" {
        bail!("- (stdout) cannot be used here; give a file name");
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) => {
            let kind = meta.file_type();
            if !kind.is_file() {
                let what = if kind.is_symlink() {
                    "a symbolic link"
                } else if kind.is_dir() {
                    "a folder"
                } else {
                    "not a regular file (a device, FIFO or socket)"
                };
                bail!("{} is {what}; paperseed writes only regular files: give another output path", path.display());
            }
            if !force {
                bail!("{} already exists; pass --force to overwrite it", path.display());
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot check {}", path.display())),
    }
}

/// A temporary file next to `path`, holding `data`, synced.
fn temp_beside(path: &Path, data: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".paperseed-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    tmp.write_all(data)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(tmp)
}

/// Move a finished temporary file to `path` (replacing a regular file only
/// with `force`).
fn persist(tmp: tempfile::NamedTempFile, path: &Path, force: bool) -> Result<()> {
    check_target(path, force)?;
    if force {
        tmp.persist(path).map_err(|e| e.error).with_context(|| format!("cannot write {}", path.display()))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error).with_context(|| {
            format!("cannot write {} (if it now exists, pass --force to overwrite it)", path.display())
        })?;
    }
    Ok(())
}

/// How the summary line names the recovery text.
pub fn recovery_summary(out: &paperseed::Encoded) -> String {
    match out.recovery_lines.len() {
        0 => "no recovery text (--recovery-text on prints it)".to_string(),
        n => format!("{n} lines of recovery text"),
    }
}

/// Write `data` to `path` atomically: a temporary file in the same folder,
/// synced, then renamed; an existing regular file is replaced only with
/// `force`, anything else (symlink, device, FIFO, folder) never.
pub fn write_atomic(path: &Path, data: &[u8], force: bool) -> Result<()> {
    check_target(path, force)?;
    let tmp = temp_beside(path, data)?;
    persist(tmp, path, force)
}

/// Write several files all or nothing: every file goes to a temporary file
/// beside its target first; only when all are written are they renamed into
/// place, and if a rename fails the files already replaced are put back.
pub fn write_all_atomic(files: &[(PathBuf, &[u8])], force: bool) -> Result<()> {
    for (path, _) in files {
        check_target(path, force)?;
    }
    let mut temps = Vec::with_capacity(files.len());
    for (path, data) in files {
        temps.push(temp_beside(path, data)?);
    }
    // Keep a hard link to each file about to be replaced, to put it back.
    let mut done: Vec<(&Path, Option<tempfile::TempPath>)> = Vec::new();
    for (tmp, (path, _)) in temps.into_iter().zip(files) {
        let backup = match backup_of(path) {
            Ok(b) => b,
            Err(e) => {
                roll_back(done);
                return Err(e);
            }
        };
        if let Err(e) = persist(tmp, path, force) {
            drop(backup);
            roll_back(done);
            return Err(e);
        }
        done.push((path, backup));
    }
    Ok(())
}

/// A hard link to the regular file at `path` (if any) under a temporary
/// name in its folder; dropping it removes the link.
fn backup_of(path: &Path) -> Result<Option<tempfile::TempPath>> {
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = tempfile::Builder::new()
        .prefix(".paperseed-old-")
        .make_in(dir, |p| {
            std::fs::hard_link(path, p).or_else(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => Err(e),
                // Filesystems without hard links (FAT): a copy.
                _ => std::fs::copy(path, p).map(drop),
            })
        })
        .with_context(|| format!("cannot keep a copy of {} while replacing it", path.display()))?;
    Ok(Some(name.into_temp_path()))
}

/// Undo the renames of a failed [`write_all_atomic`]: old files come back,
/// new ones go.
fn roll_back(done: Vec<(&Path, Option<tempfile::TempPath>)>) {
    for (path, backup) in done.into_iter().rev() {
        match backup {
            Some(old) => {
                let _ = old.persist(path);
            }
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Write `data` to stdout (for `-o -`), or atomically to the file.
pub fn write_output(path: &Path, data: &[u8], force: bool) -> Result<(), Failure> {
    if path.as_os_str() == "-" { print_stdout(data) } else { Ok(write_atomic(path, data, force)?) }
}

/// Write to stdout, flushed. A closed pipe (`paperseed … | head`) is not an
/// error to report: [`Failure::is_broken_pipe`] lets `main` exit quietly.
pub fn print_stdout(data: impl AsRef<[u8]>) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(data.as_ref()).and_then(|_| out.flush()).context("cannot write to stdout")?;
    Ok(())
}

fn encode(args: EncodeArgs, quiet: bool) -> Result<(), Failure> {
    let mut emergency = None;
    let mut backup = match &args.manifest {
        Some(manifest) => {
            if args.passphrase && manifest != "-" && !Path::new(manifest).exists() {
                // `--passphrase WORDS`: the words land here, as the manifest's name.
                return Err(anyhow::anyhow!(
                    "there is no manifest file by the name given (not repeated here: --passphrase takes no value, so a passphrase typed after it is taken for the manifest; the passphrase is asked for without echo, or read with --passphrase-file FILE)"
                )
                .into());
            }
            let text = read_input(manifest, 1 << 20)?;
            let text = String::from_utf8(text).map_err(|_| anyhow::anyhow!("{manifest} is not UTF-8 text"))?;
            let base_dir = if manifest == "-" {
                PathBuf::from(".")
            } else {
                Path::new(manifest).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
            };
            let shown = if manifest == "-" { "(stdin)" } else { manifest };
            emergency =
                paperseed::secret::manifest::parse_emergency(&text).with_context(|| format!("in manifest {shown}"))?;
            paperseed::secret::manifest::parse(&text, &base_dir).with_context(|| format!("in manifest {shown}"))?
        }
        None => paperseed::secret::Backup { title: String::new(), secrets: Vec::new() },
    };
    let quick = crate::accounts::quick_secrets(&args, quiet)?;
    if backup.title.is_empty() {
        backup.title = args.label.clone().unwrap_or_else(|| paperseed::secret::manifest::DEFAULT_TITLE.to_string());
    }
    backup.secrets.extend(quick);
    for w in backup.warnings() {
        note(quiet, format!("warning: {w}"));
    }
    if let Some(t) = &args.title {
        backup.title = t.trim().to_string();
    }
    let extra_font = match &args.font {
        Some(p) => Some(std::fs::read(p).with_context(|| format!("cannot read font {}", p.display()))?),
        None => None,
    };
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && args.shares.is_some() {
        return Err(anyhow::anyhow!(
            "-o - cannot take share sheets: --shares writes one PDF per share; give a file name, e.g. -o sheet.pdf"
        )
        .into());
    }
    if to_stdout && std::io::stdout().is_terminal() {
        return Err(
            anyhow::anyhow!("-o - writes the PDF to stdout, which is a terminal here: redirect it to a file").into()
        );
    }
    if !to_stdout && args.shares.is_none() {
        // (With --shares, the share files are checked instead: OUT itself is not written.)
        check_target(&args.output, args.force)?;
    }
    let opts = paperseed::EncodeOptions {
        paper: match args.paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        },
        date: sheet_date(args.date.as_deref())?,
        no_plaintext: args.no_plaintext,
        redundancy: args.redundancy,
        ecc: args.ecc.map(|e| match e {
            EccArg::L => Ecc::L,
            EccArg::M => Ecc::M,
            EccArg::Q => Ecc::Q,
            EccArg::H => Ecc::H,
        }),
        extra_font,
        emergency,
        recovery_text: match args.recovery_text {
            RecoveryTextArg::Auto => paperseed::RecoveryTextChoice::Auto,
            RecoveryTextArg::On => paperseed::RecoveryTextChoice::On,
            RecoveryTextArg::Off => paperseed::RecoveryTextChoice::Off,
        },
    };
    if args.passphrase || args.passphrase_file.is_some() || args.shares.is_some() {
        return crate::locks::encode_protected(&args, &backup, &opts, quiet);
    }
    let out = paperseed::encode(&backup, &opts)?;
    write_output(&args.output, &out.pdf, args.force)?;
    note(
        quiet,
        format!(
            "Wrote {}: {} {}, {} codes, any {} restore ({} may be lost), QR level {}, {} bytes, {}.\nFingerprint {}",
            if to_stdout { "the PDF to stdout".into() } else { args.output.display().to_string() },
            out.pages,
            if out.pages == 1 { "page" } else { "pages" },
            out.plan.n,
            out.plan.k,
            out.plan.spare(),
            out.plan.ecc.letter(),
            out.payload_len,
            recovery_summary(&out),
            out.fingerprint
        ),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_must_be_regular_files_or_absent() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.pdf");
        assert!(check_target(&file, false).is_ok());
        std::fs::write(&file, b"x").unwrap();
        assert!(check_target(&file, false).unwrap_err().to_string().contains("--force"));
        assert!(check_target(&file, true).is_ok());
        let link = dir.path().join("l.pdf");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(check_target(&link, true).unwrap_err().to_string().contains("symbolic link"));
        assert!(check_target(dir.path(), true).unwrap_err().to_string().contains("folder"));
        // Only looked at, never written: the check refuses before anything is created.
        assert!(check_target(Path::new("/dev/null"), true).unwrap_err().to_string().contains("not a regular file"));
        assert!(check_target(Path::new("-"), true).is_err());
    }

    #[test]
    fn a_failed_group_write_puts_the_old_files_back() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
        std::fs::write(&a, b"old a").unwrap();
        // As if a was replaced and b newly written, then a third file failed.
        let backup = backup_of(&a).unwrap();
        assert!(backup.is_some());
        std::fs::write(dir.path().join("new"), b"new a").unwrap();
        std::fs::rename(dir.path().join("new"), &a).unwrap();
        std::fs::write(&b, b"new b").unwrap();
        roll_back(vec![(a.as_path(), backup), (b.as_path(), None)]);
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert!(!b.exists());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.pdf"]);
    }

    #[test]
    fn group_writes_replace_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
        std::fs::write(&a, b"old a").unwrap();
        let files = [(a.clone(), &b"new a"[..]), (b.clone(), &b"new b"[..])];
        assert!(write_all_atomic(&files, false).is_err(), "a exists, no --force");
        assert!(!b.exists(), "nothing written when one is refused");
        write_all_atomic(&files, true).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        assert_eq!(std::fs::read(&b).unwrap(), b"new b");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporaries or backups left");
    }
}
