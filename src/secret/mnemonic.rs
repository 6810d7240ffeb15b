//! BIP39 seed phrases, checked against their wordlist and checksum.

use bip39::{Language, Mnemonic};

/// Normalise (lower case, single spaces) and verify a BIP39 English phrase.
/// A typo is an error naming the word's position (never the word, nor the
/// list words it may be a typo of: both would print part of a seed phrase
/// in a terminal or a log); a wrong word that is in the list is caught by
/// the checksum.
pub fn normalize(words: &str) -> Result<String, MnemonicError> {
    let list: Vec<String> = words.split_whitespace().map(|w| w.to_lowercase()).collect();
    let phrase = list.join(" ");
    match Mnemonic::parse_in_normalized(Language::English, &phrase) {
        Ok(m) => Ok(m.words().collect::<Vec<_>>().join(" ")),
        Err(bip39::Error::UnknownWord(i)) => Err(MnemonicError::UnknownWord { position: i + 1 }),
        Err(bip39::Error::BadWordCount(n)) => Err(MnemonicError::WordCount(n)),
        Err(bip39::Error::InvalidChecksum) => Err(MnemonicError::Checksum),
        Err(e) => Err(MnemonicError::Invalid(e.to_string())),
    }
}

/// Why a phrase is not a valid BIP39 English phrase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MnemonicError {
    /// A typo: the word's 1-based position.
    #[error("word {position} is not in the BIP39 English word list")]
    UnknownWord { position: usize },
    #[error("{0} words: a BIP39 phrase has 12, 15, 18, 21 or 24 words")]
    WordCount(usize),
    #[error("the phrase fails its BIP39 checksum: a word is wrong, missing or out of order")]
    Checksum,
    #[error("not a valid BIP39 phrase: {0}")]
    Invalid(String),
}

impl MnemonicError {
    /// What to do about it, apart from the message.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            MnemonicError::UnknownWord { .. } => {
                Some("check its spelling: the first four letters of a BIP39 word are enough to tell it apart")
            }
            MnemonicError::Checksum => Some("compare every word, in order, with the original"),
            _ => None,
        }
    }
}

impl From<MnemonicError> for String {
    fn from(e: MnemonicError) -> String {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            normalize("  Legal WINNER thank year wave sausage\nworth useful legal winner thank yellow ").unwrap(),
            VECTOR
        );
    }

    #[test]
    fn typo_names_the_position_not_the_word() {
        let e = normalize(&VECTOR.replace("sausage", "sausag")).unwrap_err();
        assert_eq!(e, MnemonicError::UnknownWord { position: 6 });
        // Neither the typo nor the word it may stand for is printed.
        let e = e.to_string();
        assert!(e.starts_with("word 6 is not in the BIP39"), "{e}");
        assert!(MnemonicError::UnknownWord { position: 6 }.hint().unwrap().contains("spelling"));
        assert!(!e.contains("sausag"), "{e}");
    }

    #[test]
    fn checksum_and_count() {
        assert!(normalize(&VECTOR.replace("yellow", "winner")).unwrap_err().to_string().contains("checksum"));
        assert!(normalize("legal winner thank").unwrap_err().to_string().contains("3 words"));
    }
}
