//! Byte-to-text conversion for decoded QR payloads.
//!
//! paperseed builds rxing with `no_character_set_support`, under which rxing's own
//! text conversion panics on every symbol (its `CharacterSet::decode` is
//! `unimplemented!()`). The detector therefore takes the raw decoded bytes and
//! turns them into text here, using the same guess rxing/ZXing make (UTF-8,
//! Shift_JIS or ISO-8859-1). paperseed's own codes are numeric/alphanumeric, so
//! they are plain ASCII and never reach the guessing; the guessing exists so that
//! any other QR code (and the ZXing regression corpus) reads as other decoders read it.
//!
//! `sjis_table.bin` maps every Shift_JIS double-byte code to a UTF-16 unit
//! (little-endian `u16`, 0 = unmapped): lead bytes 0x81–0x9F then 0xE0–0xFC, each
//! with trail bytes 0x40–0xFC. It was generated with Python's `cp932` codec:
//!
//! ```text
//! for lead in [*range(0x81, 0xA0), *range(0xE0, 0xFD)]:
//!     for trail in range(0x40, 0xFD):
//!         try: c = ord(bytes([lead, trail]).decode("cp932"))
//!         except UnicodeDecodeError: c = 0
//!         out += struct.pack("<H", c)
//! ```

use rxing::DecodeHints;
use rxing::common::CharacterSet;

static SJIS_TABLE: &[u8; 22680] = include_bytes!("sjis_table.bin");
const SJIS_TRAILS: usize = 0xFD - 0x40;

/// Text of a decoded QR payload.
///
/// Order: ASCII as is; a UTF-16 byte-order mark; valid UTF-8; then Shift_JIS
/// when rxing's guess says so or when the bytes form valid Shift_JIS and the
/// guess is not ISO-8859-1 (rxing's guess sometimes calls invalid UTF-8
/// "UTF-8"); otherwise ISO-8859-1, the QR default.
pub(crate) fn bytes_to_text(bytes: &[u8]) -> String {
    if bytes.is_ascii() {
        // Numeric / alphanumeric / ASCII byte mode: every guess agrees.
        return bytes.iter().map(|&b| b as char).collect();
    }
    match bytes {
        [0xFE, 0xFF, rest @ ..] if !rest.is_empty() => return decode_utf16(rest, u16::from_be_bytes),
        [0xFF, 0xFE, rest @ ..] if !rest.is_empty() => return decode_utf16(rest, u16::from_le_bytes),
        _ => {}
    }
    if let Ok(s) = std::str::from_utf8(strip_utf8_bom(bytes)) {
        return s.to_owned();
    }
    let guess = std::panic::catch_unwind(|| rxing::common::string_utils::guessCharset(bytes, &DecodeHints::default()))
        .ok()
        .flatten();
    let sjis = match guess {
        Some(CharacterSet::Shift_JIS) => true,
        Some(CharacterSet::ISO8859_1) => false,
        _ => is_shift_jis(bytes),
    };
    if sjis { decode_shift_jis(bytes) } else { decode_latin1(bytes) }
}

/// Whether `bytes` is a well-formed Shift_JIS sequence of mapped characters.
fn is_shift_jis(bytes: &[u8]) -> bool {
    !decode_shift_jis(bytes).contains('\u{FFFD}')
}

fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

fn decode_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units)
}

/// Shift_JIS (Windows-31J flavour, as ZXing and encoding_rs read it) to text;
/// invalid sequences become U+FFFD.
pub(crate) fn decode_shift_jis(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            0x00..=0x7F => {
                out.push(b as char);
                i += 1;
            }
            0xA1..=0xDF => {
                // Half-width katakana.
                out.push(char::from_u32(0xFF61 + u32::from(b - 0xA1)).unwrap_or('\u{FFFD}'));
                i += 1;
            }
            0x81..=0x9F | 0xE0..=0xFC => {
                let lead_index = if b <= 0x9F { usize::from(b - 0x81) } else { usize::from(b - 0xE0) + 0x1F };
                match bytes.get(i + 1) {
                    Some(&t) if (0x40..=0xFC).contains(&t) && t != 0x7F => {
                        let at = 2 * (lead_index * SJIS_TRAILS + usize::from(t - 0x40));
                        let unit = u16::from_le_bytes([SJIS_TABLE[at], SJIS_TABLE[at + 1]]);
                        out.push(char::from_u32(u32::from(unit)).filter(|_| unit != 0).unwrap_or('\u{FFFD}'));
                        i += 2;
                    }
                    _ => {
                        out.push('\u{FFFD}');
                        i += 1;
                    }
                }
            }
            _ => {
                out.push('\u{FFFD}');
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_passes_through() {
        assert_eq!(bytes_to_text(b"PAPERSEED1:0123"), "PAPERSEED1:0123");
    }

    #[test]
    fn shift_jis_kana_and_kanji() {
        // "ﾃﾞｻﾞｲﾝ" (half-width) and "入り" (double-byte).
        assert_eq!(decode_shift_jis(&[0xC3, 0xDE]), "ﾃﾞ");
        assert_eq!(decode_shift_jis(&[0x93, 0xFC, 0x82, 0xE8]), "入り");
        assert_eq!(decode_shift_jis(&[0x93]), "\u{FFFD}");
    }

    #[test]
    fn shift_jis_that_rxing_guesses_as_utf8() {
        // From ZXing's qrcode-2/26: half-width kana that look like UTF-8 pairs.
        let bytes = [b'<', 0xC3, 0xDE, 0xBB, 0xDE, 0xB2, 0xDD, b'Q', b'R', b'>'];
        assert_eq!(bytes_to_text(&bytes), "<ﾃﾞｻﾞｲﾝQR>");
    }

    #[test]
    fn utf8_and_latin1() {
        assert_eq!(bytes_to_text("José €".as_bytes()), "José €");
        assert_eq!(bytes_to_text(&[b'J', b'o', b's', 0xE9]), "José");
    }
}
