//! Bytes as decimal digits, so that frames fit QR numeric mode.
//!
//! Numeric mode packs 3 digits into 10 bits. Seven bytes (56 bits) are written
//! as one 17-digit big-endian number (17 digits cost 57 bits in a QR symbol), so
//! the text costs 57/56 ≈ 1.8% more than byte mode would — and unlike byte mode
//! it survives every decoder and can be typed on a phone keypad. A final group
//! of 1–6 bytes uses the fewest digits that can hold it.

/// Digits used for a group of `i` bytes, index `i` = 0..=7.
pub const DIGITS_FOR_BYTES: [usize; 8] = [0, 3, 5, 8, 10, 13, 15, 17];

/// Bytes per full group.
pub const GROUP_BYTES: usize = 7;
/// Digits per full group.
pub const GROUP_DIGITS: usize = 17;

/// Number of digits needed for `len` bytes.
pub fn digit_len(len: usize) -> usize {
    (len / GROUP_BYTES) * GROUP_DIGITS + DIGITS_FOR_BYTES[len % GROUP_BYTES]
}

/// Encode bytes as decimal digits.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(digit_len(bytes.len()));
    for chunk in bytes.chunks(GROUP_BYTES) {
        let value = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let width = DIGITS_FOR_BYTES[chunk.len()];
        out.push_str(&format!("{value:0width$}"));
    }
    out
}

/// Why a digit string is not a valid encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigitsError {
    #[error("character {0:?} at position {1} is not a decimal digit")]
    NotDigit(char, usize),
    #[error("{0} digits cannot be a whole number of byte groups")]
    BadLength(usize),
    #[error("digit group at position {0} is too large for its byte count")]
    Overflow(usize),
}

/// Decode decimal digits back to bytes; strict: every group must be in range.
pub fn decode(digits: &str) -> Result<Vec<u8>, DigitsError> {
    if let Some((i, c)) = digits.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(DigitsError::NotDigit(c, i));
    }
    let full = digits.len() / GROUP_DIGITS;
    let rest = digits.len() % GROUP_DIGITS;
    let tail_bytes = DIGITS_FOR_BYTES.iter().position(|&d| d == rest).ok_or(DigitsError::BadLength(digits.len()))?;
    let mut out = Vec::with_capacity(full * GROUP_BYTES + tail_bytes);
    let groups = (0..full).map(|g| (g * GROUP_DIGITS, GROUP_DIGITS, GROUP_BYTES)).chain((tail_bytes > 0).then_some((
        full * GROUP_DIGITS,
        rest,
        tail_bytes,
    )));
    for (start, width, nbytes) in groups {
        // At most 17 digits: fits in u64 (10^17 < 2^64).
        let value: u64 = digits[start..start + width].parse().map_err(|_| DigitsError::Overflow(start))?;
        if nbytes < 8 && value >> (8 * nbytes) != 0 {
            return Err(DigitsError::Overflow(start));
        }
        out.extend_from_slice(&value.to_be_bytes()[8 - nbytes..]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn widths_are_minimal() {
        for (n, &digits) in DIGITS_FOR_BYTES.iter().enumerate().skip(1) {
            let max = (1u64 << (8 * n)) - 1;
            assert_eq!(max.to_string().len(), digits, "{n} bytes");
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(encode(&[]), "");
        assert_eq!(encode(&[0xff]), "255");
        assert_eq!(encode(&[0, 1]), "00001");
        assert_eq!(encode(&[0xff; 7]), "72057594037927935");
        assert_eq!(decode("72057594037927935255").unwrap(), [vec![0xff; 7], vec![0xff]].concat());
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(decode("256"), Err(DigitsError::Overflow(0)));
        assert_eq!(decode("12"), Err(DigitsError::BadLength(2)));
        assert_eq!(decode("1a3"), Err(DigitsError::NotDigit('a', 1)));
        assert!(matches!(decode("72057594037927936"), Err(DigitsError::Overflow(0))));
    }

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = encode(&bytes);
            prop_assert_eq!(text.len(), digit_len(bytes.len()));
            prop_assert_eq!(decode(&text).unwrap(), bytes);
        }
    }
}
