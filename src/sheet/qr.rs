//! QR symbols for frames: the one place that talks to the `qrcode` crate.
//!
//! A frame's text is `PAPERSEED<version>:` followed by decimal digits (see
//! docs/FORMAT.md). We build the symbol segment by segment — an alphanumeric
//! segment for the prefix and a numeric segment for the digits — so that no
//! byte-mode segment can ever appear, whatever a generic optimiser would choose.

use qrcode::bits::Bits;
use qrcode::types::{Color, Version};
use qrcode::{EcLevel, QrCode};

/// QR error-correction level, as printed on the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecc {
    /// ~7% of a symbol's codewords may be damaged.
    L,
    /// ~15%.
    M,
    /// ~25%.
    Q,
    /// ~30%.
    H,
}

impl Ecc {
    fn level(self) -> EcLevel {
        match self {
            Ecc::L => EcLevel::L,
            Ecc::M => EcLevel::M,
            Ecc::Q => EcLevel::Q,
            Ecc::H => EcLevel::H,
        }
    }

    /// The letter used on the sheet and in messages.
    pub fn letter(self) -> char {
        match self {
            Ecc::L => 'L',
            Ecc::M => 'M',
            Ecc::Q => 'Q',
            Ecc::H => 'H',
        }
    }

    /// Parse `L`, `M`, `Q` or `H` (any case).
    pub fn from_letter(s: &str) -> Option<Ecc> {
        match s.to_ascii_uppercase().as_str() {
            "L" => Some(Ecc::L),
            "M" => Some(Ecc::M),
            "Q" => Some(Ecc::Q),
            "H" => Some(Ecc::H),
            _ => None,
        }
    }
}

/// Highest QR version paperseed prints: 77×77 modules, 42.5 mm with its quiet
/// zone at the minimum module size. Larger symbols are hard for phone cameras.
pub const MAX_VERSION: i16 = 15;

/// A rendered QR symbol: `width`×`width` modules, row-major from the top,
/// `true` = dark. The quiet zone is not included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub version: i16,
    pub width: usize,
    pub modules: Vec<bool>,
}

impl Symbol {
    /// Whether the module at column `x`, row `y` (from the top) is dark.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        self.modules[y * self.width + x]
    }
}

/// Split a frame text into its alphanumeric prefix (up to and including the
/// first `:`) and its numeric body. Returns `None` if the text is not of that
/// shape, which would force byte mode.
fn segments(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    let (prefix, digits) = text.split_at(colon + 1);
    let alnum = |c: char| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c);
    if prefix.chars().all(alnum) && digits.bytes().all(|b| b.is_ascii_digit()) { Some((prefix, digits)) } else { None }
}

fn bits_for(text: &str, version: i16, ecc: Ecc) -> Option<Bits> {
    let (prefix, digits) = segments(text)?;
    let mut bits = Bits::new(Version::Normal(version));
    bits.push_alphanumeric_data(prefix.as_bytes()).ok()?;
    if !digits.is_empty() {
        bits.push_numeric_data(digits.as_bytes()).ok()?;
    }
    bits.push_terminator(ecc.level()).ok()?;
    Some(bits)
}

/// The smallest version (1..=`max_version`) whose capacity at `ecc` holds `text`.
pub fn fitting_version(text: &str, ecc: Ecc, max_version: i16) -> Option<i16> {
    (1..=max_version).find(|&v| bits_for(text, v, ecc).is_some())
}

/// Encode a frame text as a QR symbol of the smallest fitting version.
///
/// Returns `None` if the text does not fit version [`MAX_VERSION`] at `ecc` or
/// is not of the `PREFIX:DIGITS` shape.
pub fn encode(text: &str, ecc: Ecc) -> Option<Symbol> {
    let version = fitting_version(text, ecc, MAX_VERSION)?;
    let bits = bits_for(text, version, ecc)?;
    let code = QrCode::with_bits(bits, ecc.level()).ok()?;
    let width = code.width();
    let modules = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
    Some(Symbol { version, width, modules })
}

/// How many decimal digits fit after `prefix` in a symbol of `version` at `ecc`.
pub fn digit_capacity(prefix: &str, version: i16, ecc: Ecc) -> usize {
    // Binary search over the digit count; capacity is monotone.
    let fits = |n: usize| {
        let mut text = String::with_capacity(prefix.len() + n);
        text.push_str(prefix);
        text.extend(std::iter::repeat_n('0', n));
        bits_for(&text, version, ecc).is_some()
    };
    let (mut lo, mut hi) = (0usize, 8000usize);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) { lo = mid } else { hi = mid - 1 }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_capacity_matches_iso_table() {
        // ISO/IEC 18004 table 7: numeric capacity of version 1-H is 17 digits,
        // 10-H is 288, 15-H is 450 (minus the alphanumeric prefix here).
        // With the 11-character prefix (4 + 9 + 61 bits) a little less fits.
        assert_eq!(digit_capacity("PAPERSEED1:", 1, Ecc::H), 0);
        let with_prefix = digit_capacity("PAPERSEED1:", 10, Ecc::H);
        assert!(with_prefix < 288 && with_prefix > 250, "{with_prefix}");
    }

    #[test]
    fn encodes_without_byte_mode_and_rejects_other_shapes() {
        let sym = encode("PAPERSEED1:0123456789", Ecc::H).unwrap();
        assert_eq!(sym.version, 2);
        assert_eq!(sym.width, 25);
        assert!(encode("paperseed1:0123", Ecc::H).is_none());
        assert!(encode("PAPERSEED1:01a3", Ecc::H).is_none());
    }
}
