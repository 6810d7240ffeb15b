//! One-time passwords computed from a key: HOTP (RFC 4226) and TOTP (RFC 6238).
//!
//! `restore --totp-now` prints each account's current code so that a person
//! verifying a sheet can compare it with the one their authenticator app
//! shows: equal codes prove the key on paper is the key in the app.
//!
//! The library reads no clock: callers pass the time ([`totp_at`]), and
//! [`parse_time`] reads an RFC 3339 timestamp such as `--at 2030-01-01T12:00:00Z`.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use super::totp::{Algorithm, OtpKey, OtpKind};

/// Most digits [`hotp`] produces: the dynamic-truncation value is 31 bits,
/// so further digits would always be leading zeros.
pub const MAX_DIGITS: u8 = 10;

fn hmac_digest(algorithm: Algorithm, key: &[u8], message: &[u8]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length (long keys are hashed first).
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
    match algorithm {
        Algorithm::Sha1 => run::<Hmac<Sha1>>(key, message),
        Algorithm::Sha256 => run::<Hmac<Sha256>>(key, message),
        Algorithm::Sha512 => run::<Hmac<Sha512>>(key, message),
    }
}

/// The HOTP value (RFC 4226 §5.3) of `key` at `counter`: HMAC of the
/// big-endian counter, dynamic truncation, the last `digits` decimal digits
/// (zero-padded). `digits` is clamped to 1..=[`MAX_DIGITS`].
pub fn hotp(key: &[u8], counter: u64, digits: u8, algorithm: Algorithm) -> String {
    let digest = hmac_digest(algorithm, key, &counter.to_be_bytes());
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let value =
        u32::from_be_bytes([digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]]) & 0x7fff_ffff;
    let digits = digits.clamp(1, MAX_DIGITS);
    let code = u64::from(value) % 10u64.pow(u32::from(digits));
    format!("{code:0width$}", width = usize::from(digits))
}

/// The TOTP time step (RFC 6238 §4.2) holding `unix_time`: `floor(t / period)`.
/// `None` before 1970 or for a zero period.
pub fn time_step(unix_time: i64, period: u32) -> Option<u64> {
    if unix_time < 0 || period == 0 {
        return None;
    }
    Some(unix_time as u64 / u64::from(period))
}

/// Seconds until the code valid at `unix_time` changes (1..=`period`).
pub fn seconds_remaining(unix_time: i64, period: u32) -> u32 {
    let period = i64::from(period.max(1));
    (period - unix_time.rem_euclid(period)) as u32
}

/// The TOTP code of `key` at `unix_time` (seconds since 1970, UTC).
/// `None` for an HOTP key (its code depends on a counter, not the time) and
/// for times before 1970.
pub fn totp_at(key: &OtpKey, unix_time: i64) -> Option<String> {
    match key.kind {
        OtpKind::Totp { period } => {
            let step = time_step(unix_time, period)?;
            Some(hotp(&key.key, step, key.digits, key.algorithm))
        }
        OtpKind::Hotp { .. } => None,
    }
}

/// The code an HOTP key shows next (at its stored counter); `None` for TOTP.
pub fn hotp_next(key: &OtpKey) -> Option<String> {
    match key.kind {
        OtpKind::Hotp { counter } => Some(hotp(&key.key, counter, key.digits, key.algorithm)),
        OtpKind::Totp { .. } => None,
    }
}

/// What is wrong with a `--at` time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not an RFC 3339 time (e.g. 2030-01-01T12:00:00Z or 2030-01-01T13:00:00+01:00): {reason}")]
pub struct TimeError {
    pub input: String,
    pub reason: String,
}

/// Parse an RFC 3339 timestamp into seconds since 1970 (UTC).
pub fn parse_time(text: &str) -> Result<i64, TimeError> {
    let t = time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|e| TimeError { input: text.to_string(), reason: e.to_string() })?;
    Ok(t.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1_KEY: &[u8] = b"12345678901234567890";
    const SHA256_KEY: &[u8] = b"12345678901234567890123456789012";
    const SHA512_KEY: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    fn totp(key: &[u8], algorithm: Algorithm) -> OtpKey {
        OtpKey {
            key: key.to_vec(),
            issuer: None,
            account: None,
            algorithm,
            digits: 8,
            kind: OtpKind::Totp { period: 30 },
        }
    }

    /// RFC 6238 appendix B.
    #[test]
    fn rfc6238_vectors() {
        let table: [(i64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        let keys =
            [totp(SHA1_KEY, Algorithm::Sha1), totp(SHA256_KEY, Algorithm::Sha256), totp(SHA512_KEY, Algorithm::Sha512)];
        for (t, sha1, sha256, sha512) in table {
            assert_eq!(totp_at(&keys[0], t).as_deref(), Some(sha1), "SHA1 at {t}");
            assert_eq!(totp_at(&keys[1], t).as_deref(), Some(sha256), "SHA256 at {t}");
            assert_eq!(totp_at(&keys[2], t).as_deref(), Some(sha512), "SHA512 at {t}");
        }
    }

    /// RFC 4226 appendix D: counters 0..9, 6 digits.
    #[test]
    fn rfc4226_vectors() {
        let expected =
            ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
        for (counter, want) in expected.iter().enumerate() {
            assert_eq!(hotp(SHA1_KEY, counter as u64, 6, Algorithm::Sha1), *want, "counter {counter}");
        }
        let key = OtpKey { kind: OtpKind::Hotp { counter: 9 }, digits: 6, ..totp(SHA1_KEY, Algorithm::Sha1) };
        assert_eq!(hotp_next(&key).as_deref(), Some("520489"));
        assert_eq!(totp_at(&key, 59), None);
    }

    #[test]
    fn digits_are_zero_padded_and_clamped() {
        // RFC 4226 appendix D, truncated value for counter 0 is 1284755224.
        assert_eq!(hotp(SHA1_KEY, 0, 10, Algorithm::Sha1), "1284755224");
        assert_eq!(hotp(SHA1_KEY, 0, 40, Algorithm::Sha1), "1284755224");
        assert_eq!(hotp(SHA1_KEY, 1, 8, Algorithm::Sha1).len(), 8);
        // 07081804 keeps its leading zero.
        assert_eq!(totp_at(&totp(SHA1_KEY, Algorithm::Sha1), 1111111109).unwrap(), "07081804");
    }

    #[test]
    fn steps_and_remaining() {
        assert_eq!(time_step(59, 30), Some(1));
        assert_eq!(time_step(-1, 30), None);
        assert_eq!(time_step(10, 0), None);
        assert_eq!(totp_at(&totp(SHA1_KEY, Algorithm::Sha1), -5), None);
        assert_eq!(seconds_remaining(59, 30), 1);
        assert_eq!(seconds_remaining(60, 30), 30);
        assert_eq!(seconds_remaining(-1, 30), 1);
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_time("2009-02-13T23:31:30Z"), Ok(1234567890));
        assert_eq!(parse_time("2009-02-14T00:31:30+01:00"), Ok(1234567890));
        let e = parse_time("yesterday").unwrap_err();
        assert!(e.to_string().contains("RFC 3339"), "{e}");
    }
}
