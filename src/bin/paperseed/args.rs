//! The command line: every subcommand's arguments (clap derive), with the
//! examples `--help` shows. Parsing only; the commands live in their own files.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
                  Exit status: 0 success (verify: intact); 1 the data is not restorable or does not match its checksum; \
                  2 usage or I/O error; 3 (verify) degraded but restorable: reprint the sheet now.",
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
    /// Write the restore page: one HTML file that restores sheets in a web browser, offline,
    /// with nothing to install.
    #[command(name = "restore-page", after_help = RESTORE_PAGE_EXAMPLES)]
    RestorePage(RestorePageArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the manual page, or write one per command into a folder.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
}

const RESTORE_PAGE_EXAMPLES: &str = "\
The page is the same program as `paperseed restore`, compiled to WebAssembly: in any current
Chromium, Firefox or Safari, opened from disk, it reads photos or scans of the sheets (PNG, JPEG,
TIFF, WebP, BMP, PNM, PDF), holds the sheets up to the camera, or checks typed recovery text line
by line; it asks for the passphrase of an encrypted sheet, combines shares, and shows the secrets
with their fingerprint. It makes no connection (its Content-Security-Policy forbids any) and
stores nothing. The same file is published with each release; scripts/build-restore-page.sh
rebuilds it byte for byte from the sources.

Examples:
  paperseed restore-page -o restore.html
  paperseed restore-page -o /media/usb/restore.html --force";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  paperseed completions bash > ~/.local/share/bash-completion/completions/paperseed
  paperseed completions zsh > ~/.zfunc/_paperseed      # with fpath+=~/.zfunc in ~/.zshrc
  paperseed completions fish > ~/.config/fish/completions/paperseed.fish";

const MAN_EXAMPLES: &str = "\
Examples:
  paperseed man > ~/.local/share/man/man1/paperseed.1 && man paperseed
  paperseed man --dir ~/.local/share/man/man1         # paperseed.1, paperseed-encode.1, ...";

#[derive(Args, Debug)]
pub struct RestorePageArgs {
    /// Where to write the page (- for stdout).
    #[arg(short, long, value_name = "OUT.html|-")]
    pub output: PathBuf,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, ignore_case = true)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write paperseed.1 and one page per command (paperseed-encode.1, ...) into this folder
    /// instead of printing paperseed.1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// With --dir: overwrite pages that exist.
    #[arg(long, requires = "dir")]
    pub force: bool,
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
Verdicts and exit status:
  0  INTACT: every code read, every recovery-text line given passes, checksum and fingerprint OK,
     no code near its error-correction limit
  3  DEGRADED: still restorable, but codes or lines were lost or a code needed 40% or more of its
     error correction: reprint the sheet now
  1  NOT INTACT: not restorable from these scans, or not the backup --expect names
  2  usage or I/O error

Examples:
  paperseed verify samples/exchange-scan.jpg
  paperseed verify scan.pdf --expect K7QF-3M2X-9TRD --log sheet-checks.log
  paperseed verify share1.png share3.png           # shares are checked together
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
    /// The fingerprint printed on the sheet (or written in its log): the backup to check (other
    /// backups in the scans are reported, not judged); verify fails if none has it.
    #[arg(long, value_name = "FINGERPRINT")]
    pub expect: Option<String>,
    /// Append this check to a history file you keep (one line per check), and show how each
    /// code's margin moved since the first check logged.
    #[arg(long, value_name = "FILE")]
    pub log: Option<std::path::PathBuf>,
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
