//! The fingerprint printed on the sheet: a short, typeable name for the payload.
//!
//! It is the first 60 bits of BLAKE3(payload) written in Crockford base32
//! (digits and capitals without I, L, O, U, so 0/O and 1/I/L cannot be
//! confused), grouped by four: `K7QF-3M2X-9TRD`. 60 bits make an accidental
//! match between two different payloads practically impossible, while staying
//! short enough to compare by eye and write in a verification log.

/// Crockford's base32 alphabet.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a fingerprint (without dashes).
pub const LEN: usize = 12;

/// A payload fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    /// Fingerprint of a payload given its BLAKE3 hash.
    pub fn from_hash(hash: &[u8; 32]) -> Fingerprint {
        let top = u64::from_be_bytes(hash[..8].try_into().unwrap());
        Fingerprint(top >> 4)
    }

    /// Fingerprint of payload bytes.
    pub fn of(payload: &[u8]) -> Fingerprint {
        Fingerprint::from_hash(blake3::hash(payload).as_bytes())
    }

    /// Parse a fingerprint as a person may type it: case, dashes and spaces
    /// ignored; O read as 0 and I/L as 1 (Crockford's decoding rules).
    pub fn parse(text: &str) -> Option<Fingerprint> {
        let mut value = 0u64;
        let mut count = 0;
        for c in text.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let digit = ALPHABET.iter().position(|&a| a as char == c)?;
            value = (value << 5) | digit as u64;
            count += 1;
            if count > LEN {
                return None;
            }
        }
        (count == LEN).then_some(Fingerprint(value))
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for i in 0..LEN {
            if i > 0 && i % 4 == 0 {
                f.write_str("-")?;
            }
            let digit = (self.0 >> (5 * (LEN - 1 - i))) & 31;
            write!(f, "{}", ALPHABET[digit as usize] as char)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        // BLAKE3("") = af1349b9f5f9a1a6...
        let fp = Fingerprint::of(b"");
        assert_eq!(fp.0, 0xaf1349b9f5f9a1a6 >> 4);
        assert_eq!(fp.to_string(), "NW9M-KEFN-Z6GT");
    }

    #[test]
    fn parse_is_forgiving_but_exact() {
        let fp = Fingerprint::of(b"paperseed");
        let s = fp.to_string();
        assert_eq!(Fingerprint::parse(&s), Some(fp));
        assert_eq!(Fingerprint::parse(&s.to_lowercase().replace('-', " ")), Some(fp));
        assert_eq!(Fingerprint::parse("NW9M-KEFN-Z6G"), None);
        assert_eq!(Fingerprint::parse("NW9M-KEFN-Z6GTX"), None);
        assert_eq!(Fingerprint::parse("NW9M-KEFN-Z6GU"), None);
        assert_eq!(Fingerprint::parse("0000-0000-000o"), Fingerprint::parse("0000-0000-0000"));
    }
}
