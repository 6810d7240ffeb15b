//! Passphrase encryption of the sheet payload, as a standard age file.
//!
//! Why age: it is a small, documented format (<https://age-encryption.org/v1>)
//! with independent implementations (the Go reference `age`, `rage`,
//! typage, …), so an encrypted sheet stays decryptable without paperseed: the
//! carried bytes are exactly a binary age file with one scrypt passphrase
//! recipient, and `age -d` turns them back into the CBOR payload. The
//! passphrase itself is never printed or stored.
//!
//! Decryption is bounded: at most [`MAX_WORK_FACTOR`] for scrypt (the most
//! paperseed writes) and at most [`super::MAX_PAYLOAD`] bytes of plaintext,
//! because the input comes from untrusted scans.

use std::io::{Read, Write};

use age::secrecy::{ExposeSecret, SecretString};
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
    let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
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
    let decryptor = age::Decryptor::new_buffered(bytes).map_err(|e| match e {
        age::DecryptError::UnknownFormat => ProtectError::UnknownAgeVersion,
        _ => ProtectError::NotAge,
    })?;
    if !decryptor.is_scrypt() {
        return Err(ProtectError::NotPassphrase);
    }
    let mut identity = age::scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::ExcessiveWork { required, .. } => {
            ProtectError::WorkFactor { required, max: MAX_WORK_FACTOR }
        }
        age::DecryptError::DecryptionFailed
        | age::DecryptError::KeyDecryptionFailed
        | age::DecryptError::NoMatchingKeys => ProtectError::WrongPassphrase,
        age::DecryptError::InvalidMac => ProtectError::Damaged("the age header's MAC does not match".into()),
        age::DecryptError::InvalidHeader => ProtectError::NotAge,
        other => ProtectError::Damaged(other.to_string()),
    })?;
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
