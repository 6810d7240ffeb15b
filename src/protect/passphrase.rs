//! Passphrase encryption of the sheet payload, as a standard age file.
//!
//! Why age: it is a small, documented format (<https://age-encryption.org/v1>)
//! with independent implementations (the Go reference `age`, `rage`,
//! typage, …), so an encrypted sheet stays decryptable without paperseed: the
//! carried bytes are exactly a binary age file with one scrypt passphrase
//! recipient, and `age -d` turns them back into the CBOR payload. The
//! passphrase itself is never printed or stored.
//!
//! Passphrases are Unicode text, and the same words can be typed as
//! different code points: "é" is one (NFC, what most keyboards send) or two
//! ("e" and a combining accent: NFD, what some systems and files give). A
//! sheet is encrypted with the NFC form of its passphrase; decryption tries
//! the NFC form, then the passphrase as given and its NFD form when they
//! differ, before saying "wrong passphrase". A passphrase already in NFC
//! (all ASCII ones) is used as it is, so `age -d` with the same passphrase
//! opens the sheet.
//!
//! Decryption is bounded: at most [`MAX_WORK_FACTOR`] for scrypt (the most
//! paperseed writes) and at most [`super::MAX_PAYLOAD`] bytes of plaintext,
//! because the input comes from untrusted scans.

use std::io::{Read, Write};

use age::secrecy::{ExposeSecret, SecretString};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use super::{MAX_PAYLOAD, ProtectError};

/// The first line of every age v1 file.
pub const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// Any age file, of any version, starts with this.
const AGE_PREFIX: &[u8] = b"age-encryption.org/";

/// Largest scrypt work factor (log2 N) accepted when decrypting, and when
/// encrypting: the most paperseed writes ([`DEFAULT_MAX_WORK_FACTOR`]). A
/// sheet asking for more (the reference `age` accepts 22: 4 GiB of memory,
/// seconds before "wrong passphrase") is refused before any work, as forged.
pub const MAX_WORK_FACTOR: u8 = DEFAULT_MAX_WORK_FACTOR;

/// Work factor used when the caller gives none and the machine is fast:
/// age's default is "about one second on this machine", which we cap so that a
/// sheet printed on a fast computer can still be decrypted on a slow one and
/// by the reference `age` (whose own default is 18).
pub const DEFAULT_MAX_WORK_FACTOR: u8 = 20;

/// Whether `bytes` look like an age file (of any version).
pub fn is_age(bytes: &[u8]) -> bool {
    bytes.starts_with(AGE_PREFIX)
}

/// Encrypt `payload` to `passphrase` as a binary age file with one scrypt
/// recipient.
///
/// `work_factor` is scrypt's log2 N; `None` uses age's default (about one
/// second on this machine) capped at [`DEFAULT_MAX_WORK_FACTOR`]. Tests may
/// use a low value such as 10 for speed.
pub fn encrypt(payload: &[u8], passphrase: &SecretString, work_factor: Option<u8>) -> Result<Vec<u8>, ProtectError> {
    if passphrase.expose_secret().is_empty() {
        return Err(ProtectError::EmptyPassphrase);
    }
    if payload.len() > MAX_PAYLOAD {
        return Err(ProtectError::TooLarge { len: payload.len(), max: MAX_PAYLOAD });
    }
    let mut recipient = age::scrypt::Recipient::new(nfc(passphrase));
    match work_factor {
        Some(w) if !(1..=MAX_WORK_FACTOR).contains(&w) => return Err(ProtectError::BadWorkFactor(w)),
        Some(w) => recipient.set_work_factor(w),
        None => {
            // age picks its default inside `Recipient::new`; we cannot read it
            // back, so measure the same way (a cheap probe) and cap it.
            recipient.set_work_factor(default_work_factor());
        }
    }
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(|e| ProtectError::Damaged(format!("age refused to encrypt: {e}")))?;
    let mut out = Vec::with_capacity(payload.len() + 256);
    let io = |e: std::io::Error| ProtectError::Damaged(format!("age failed to encrypt: {e}"));
    let mut writer = encryptor.wrap_output(&mut out).map_err(io)?;
    writer.write_all(payload).map_err(io)?;
    writer.finish().map_err(io)?;
    Ok(out)
}

/// The NFC form of a passphrase: what a sheet is encrypted with.
pub fn nfc(passphrase: &SecretString) -> SecretString {
    SecretString::from(passphrase.expose_secret().nfc().collect::<String>())
}

/// The forms of a passphrase decryption tries, in order and without
/// repeats: NFC (what paperseed encrypts with), as given, NFD.
pub fn forms(passphrase: &SecretString) -> Vec<SecretString> {
    let given = passphrase.expose_secret();
    let nfd = Zeroizing::new(given.nfd().collect::<String>());
    let mut out = vec![nfc(passphrase)];
    for candidate in [given, nfd.as_str()] {
        if !out.iter().any(|f| f.expose_secret() == candidate) {
            out.push(SecretString::from(candidate.to_string()));
        }
    }
    out
}

/// Why the text of a passphrase file is refused: something in it a person
/// cannot see or type back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassphraseFileError {
    #[error("its first line is empty")]
    Empty,
    #[error("its first line holds only spaces or tabs")]
    Blank,
    /// A NUL, tab, carriage return or other control character (its code).
    #[error("its first line holds a control character ({0}), which a person cannot see or type")]
    Control(String),
}

impl PassphraseFileError {
    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            PassphraseFileError::Empty | PassphraseFileError::Blank => {
                "write the passphrase on the first line of the file"
            }
            PassphraseFileError::Control(_) => "write the passphrase as plain text, with spaces between words",
        }
    }
}

/// What is odd about a passphrase file but kept (the passphrase may truly
/// be so): the caller shows these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PassphraseFileWarning {
    #[error("it starts with a byte-order mark (U+FEFF), which is not part of the passphrase: dropped")]
    ByteOrderMark,
    #[error("the passphrase starts or ends with a space, kept as part of it: type it so too")]
    EdgeSpace,
    #[error("only its first line is the passphrase; the lines after it are ignored")]
    MoreLines,
}

/// The passphrase in the text of a passphrase file: its first line, without
/// the line ending (and a leading byte-order mark). Refused when it is empty,
/// blank or holds a control character; warnings say what else a person may
/// not see.
pub fn from_file_text(text: &str) -> Result<(SecretString, Vec<PassphraseFileWarning>), PassphraseFileError> {
    let mut warnings = Vec::new();
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            warnings.push(PassphraseFileWarning::ByteOrderMark);
            rest
        }
        None => text,
    };
    let (line, rest) = text.split_once('\n').unwrap_or((text, ""));
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.is_empty() {
        return Err(PassphraseFileError::Empty);
    }
    if let Some(c) = line.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(PassphraseFileError::Control(format!("U+{:04X}", c as u32)));
    }
    if line.trim().is_empty() {
        return Err(PassphraseFileError::Blank);
    }
    if line.contains('\t') {
        return Err(PassphraseFileError::Control("U+0009, a tab".into()));
    }
    if line.trim() != line {
        warnings.push(PassphraseFileWarning::EdgeSpace);
    }
    if !rest.trim().is_empty() {
        warnings.push(PassphraseFileWarning::MoreLines);
    }
    Ok((SecretString::from(line.to_string()), warnings))
}

/// age's default work factor ("about one second here"), capped at
/// [`DEFAULT_MAX_WORK_FACTOR`] and at least 18 (the reference `age` default).
pub fn default_work_factor() -> u8 {
    // age does not expose its choice; time one scrypt at log N = 10 as it does
    // (wrapping a file key with the recipient runs exactly one scrypt).
    let mut r = age::scrypt::Recipient::new(SecretString::from("probe"));
    r.set_work_factor(10);
    let start = std::time::Instant::now();
    let probe = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient));
    let elapsed = start.elapsed();
    drop(probe);
    let mut log_n = 10u8;
    let mut d = elapsed.max(std::time::Duration::from_micros(1));
    while d < std::time::Duration::from_secs(1) && log_n < DEFAULT_MAX_WORK_FACTOR {
        log_n += 1;
        d *= 2;
    }
    log_n.clamp(18, DEFAULT_MAX_WORK_FACTOR)
}

/// Decrypt an age file encrypted to `passphrase`, returning the plaintext
/// (zeroized when dropped).
///
/// Errors: [`ProtectError::NotAge`] if the bytes are not an age file,
/// [`ProtectError::NotPassphrase`] if it is encrypted to keys,
/// [`ProtectError::WrongPassphrase`], [`ProtectError::WorkFactor`] above
/// [`MAX_WORK_FACTOR`], [`ProtectError::TooLarge`] above [`MAX_PAYLOAD`],
/// [`ProtectError::Damaged`] if the body fails authentication.
pub fn decrypt(bytes: &[u8], passphrase: &SecretString) -> Result<Zeroizing<Vec<u8>>, ProtectError> {
    if !is_age(bytes) {
        return Err(ProtectError::NotAge);
    }
    if !bytes.starts_with(AGE_MAGIC) {
        return Err(ProtectError::UnknownAgeVersion);
    }
    let header = |e| match e {
        age::DecryptError::UnknownFormat => ProtectError::UnknownAgeVersion,
        _ => ProtectError::NotAge,
    };
    if !age::Decryptor::new_buffered(bytes).map_err(header)?.is_scrypt() {
        return Err(ProtectError::NotPassphrase);
    }
    let failed = |e| match e {
        age::DecryptError::ExcessiveWork { required, .. } => {
            ProtectError::WorkFactor { required, max: MAX_WORK_FACTOR }
        }
        age::DecryptError::DecryptionFailed
        | age::DecryptError::KeyDecryptionFailed
        | age::DecryptError::NoMatchingKeys => ProtectError::WrongPassphrase,
        age::DecryptError::InvalidMac => ProtectError::Damaged("the age header's MAC does not match".into()),
        age::DecryptError::InvalidHeader => ProtectError::NotAge,
        other => ProtectError::Damaged(other.to_string()),
    };
    // Each form of the passphrase in turn (age stops at the first scrypt
    // identity that fails, so one decryption per form).
    let mut opened = Err(ProtectError::WrongPassphrase);
    for form in forms(passphrase) {
        let mut identity = age::scrypt::Identity::new(form);
        identity.set_max_work_factor(MAX_WORK_FACTOR);
        let decryptor = age::Decryptor::new_buffered(bytes).map_err(header)?;
        match decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(failed) {
            Err(ProtectError::WrongPassphrase) => continue,
            other => {
                opened = other;
                break;
            }
        }
    }
    let reader = opened?;
    // Plaintext is shorter than the file: reserve once so no unwiped copy is left behind.
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    reader
        .take(MAX_PAYLOAD as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| ProtectError::Damaged(format!("the encrypted body fails to decrypt: {e}")))?;
    if out.len() > MAX_PAYLOAD {
        return Err(ProtectError::TooLarge { len: out.len(), max: MAX_PAYLOAD });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pw(s: &str) -> SecretString {
        SecretString::from(s)
    }

    #[test]
    fn round_trip_and_format() {
        let enc = encrypt(b"hello", &pw("correct horse"), Some(10)).unwrap();
        assert!(enc.starts_with(AGE_MAGIC));
        let text = String::from_utf8_lossy(&enc);
        assert!(text.contains("\n-> scrypt "), "{text}");
        assert!(text.contains(" 10\n"), "{text}");
        assert_eq!(&decrypt(&enc, &pw("correct horse")).unwrap()[..], b"hello");
    }

    #[test]
    fn a_passphrase_in_another_normal_form_opens_the_sheet() {
        let nfc_text = "Cr\u{e8}me br\u{fb}l\u{e9}e \u{e0} Z\u{fc}rich";
        let nfd_text = "Cre\u{300}me bru\u{302}le\u{301}e a\u{300} Zu\u{308}rich";
        assert_ne!(nfc_text, nfd_text);
        // Typed in NFD, read back in NFC, and the other way round.
        let enc = encrypt(b"hello", &pw(nfd_text), Some(10)).unwrap();
        assert_eq!(&decrypt(&enc, &pw(nfc_text)).unwrap()[..], b"hello");
        let enc = encrypt(b"hello", &pw(nfc_text), Some(10)).unwrap();
        assert_eq!(&decrypt(&enc, &pw(nfd_text)).unwrap()[..], b"hello");
        assert!(matches!(decrypt(&enc, &pw("Creme brulee a Zurich")), Err(ProtectError::WrongPassphrase)));
        // A sheet encrypted with the raw NFD bytes (by age, or by an older
        // paperseed) still opens with the NFD form, and with the NFC one.
        let mut r = age::scrypt::Recipient::new(pw(nfd_text));
        r.set_work_factor(10);
        let e = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).unwrap();
        let mut raw = Vec::new();
        let mut w = e.wrap_output(&mut raw).unwrap();
        w.write_all(b"old").unwrap();
        w.finish().unwrap();
        assert_eq!(&decrypt(&raw, &pw(nfd_text)).unwrap()[..], b"old");
        assert_eq!(&decrypt(&raw, &pw(nfc_text)).unwrap()[..], b"old");
        // An ASCII passphrase has one form: one scrypt, as before.
        assert_eq!(forms(&pw("correct horse")).len(), 1);
        assert_eq!(forms(&pw(nfd_text)).len(), 2);
    }

    #[test]
    fn passphrase_files_refuse_or_name_what_cannot_be_seen() {
        use PassphraseFileError as E;
        use PassphraseFileWarning as W;
        let ok = |t: &str| from_file_text(t).map(|(p, w)| (p.expose_secret().to_string(), w));
        assert_eq!(ok("correct horse\n").unwrap(), ("correct horse".into(), vec![]));
        assert_eq!(ok("correct horse\r\n").unwrap(), ("correct horse".into(), vec![]));
        assert_eq!(ok("correct horse").unwrap(), ("correct horse".into(), vec![]));
        assert_eq!(ok("\u{feff}correct horse\n").unwrap(), ("correct horse".into(), vec![W::ByteOrderMark]));
        assert_eq!(ok("correct horse \n").unwrap(), ("correct horse ".into(), vec![W::EdgeSpace]));
        assert_eq!(ok("correct horse\nbattery\n").unwrap(), ("correct horse".into(), vec![W::MoreLines]));
        assert_eq!(ok("").unwrap_err(), E::Empty);
        assert_eq!(ok("\n").unwrap_err(), E::Empty);
        assert_eq!(ok("    \n").unwrap_err(), E::Blank);
        assert_eq!(ok("\t\t\n").unwrap_err(), E::Blank);
        assert_eq!(ok("correct\0horse\n").unwrap_err(), E::Control("U+0000".into()));
        assert_eq!(ok("correct\thorse\n").unwrap_err(), E::Control("U+0009, a tab".into()));
        assert_eq!(ok("correct horse\r\r\n").unwrap_err(), E::Control("U+000D".into()));
        // No message repeats the passphrase.
        for t in ["secretword\0", "secretword\t"] {
            let e = ok(t).unwrap_err();
            assert!(!e.to_string().contains("secretword"), "{e}");
        }
    }

    #[test]
    fn errors() {
        let enc = encrypt(b"hello", &pw("a"), Some(10)).unwrap();
        assert!(matches!(decrypt(&enc, &pw("b")), Err(ProtectError::WrongPassphrase)));
        assert!(matches!(decrypt(b"\xa3\x61v\x01", &pw("a")), Err(ProtectError::NotAge)));
        assert!(matches!(decrypt(b"age-encryption.org/v2\n", &pw("a")), Err(ProtectError::UnknownAgeVersion)));
        assert!(matches!(encrypt(b"x", &pw(""), Some(10)), Err(ProtectError::EmptyPassphrase)));
        assert!(matches!(encrypt(b"x", &pw("a"), Some(0)), Err(ProtectError::BadWorkFactor(0))));
        // A damaged body (last byte flipped) fails authentication.
        let mut bad = enc.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(matches!(decrypt(&bad, &pw("a")), Err(ProtectError::Damaged(_))));
        // Truncated header.
        assert!(matches!(decrypt(&enc[..30], &pw("a")), Err(ProtectError::NotAge)));
    }

    #[test]
    fn excessive_work_factor_refused_before_work() {
        let enc = encrypt(b"x", &pw("a"), Some(10)).unwrap();
        let at = enc.windows(4).position(|w| w == b" 10\n").unwrap();
        let mut bytes = enc.clone();
        bytes[at + 1..at + 3].copy_from_slice(b"25");
        // Only the header line changed, so the header parses; the work factor is refused.
        match decrypt(&bytes, &pw("a")) {
            Err(ProtectError::WorkFactor { required: 25, max: MAX_WORK_FACTOR }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn work_factor_above_what_paperseed_writes_refused_quickly() {
        assert_eq!(MAX_WORK_FACTOR, 20);
        assert!(matches!(encrypt(b"x", &pw("a"), Some(21)), Err(ProtectError::BadWorkFactor(21))));
        let enc = encrypt(b"x", &pw("a"), Some(10)).unwrap();
        let at = enc.windows(4).position(|w| w == b" 10\n").unwrap();
        for (wf, text) in [(21u8, b"21"), (22, b"22")] {
            let mut bytes = enc.clone();
            bytes[at + 1..at + 3].copy_from_slice(text);
            let start = std::time::Instant::now();
            let err = decrypt(&bytes, &pw("a")).unwrap_err();
            assert!(start.elapsed() < std::time::Duration::from_millis(500), "{:?}", start.elapsed());
            assert!(matches!(err, ProtectError::WorkFactor { required, max: 20 } if required == wf), "{err:?}");
            assert_eq!(
                err.to_string(),
                format!(
                    "the sheet asks for an scrypt work factor of 2^{wf}; paperseed writes at most 2^20 — refusing, it may be forged"
                )
            );
        }
    }

    #[test]
    fn default_work_factor_in_range() {
        let w = default_work_factor();
        assert!((18..=DEFAULT_MAX_WORK_FACTOR).contains(&w), "{w}");
    }
}
