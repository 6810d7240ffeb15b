//! BIP39 seed phrases, checked against their wordlist and checksum.

use bip39::{Language, Mnemonic};

/// Normalise (lower case, single spaces) and verify a BIP39 English phrase.
/// A typo is an error naming the word; a wrong word that is in the list is
/// caught by the checksum.
pub fn normalize(words: &str) -> Result<String, MnemonicError> {
    let list: Vec<String> = words.split_whitespace().map(|w| w.to_lowercase()).collect();
    let phrase = list.join(" ");
    match Mnemonic::parse_in_normalized(Language::English, &phrase) {
        Ok(m) => Ok(m.words().collect::<Vec<_>>().join(" ")),
        Err(bip39::Error::UnknownWord(i)) => {
            let word = list.get(i).cloned().unwrap_or_else(|| "?".into());
            let suggestions = suggestions(&word);
            Err(MnemonicError::UnknownWord { position: i + 1, word, suggestions })
        }
        Err(bip39::Error::BadWordCount(n)) => Err(MnemonicError::WordCount(n)),
        Err(bip39::Error::InvalidChecksum) => Err(MnemonicError::Checksum),
        Err(e) => Err(MnemonicError::Invalid(e.to_string())),
    }
}

/// Why a phrase is not a valid BIP39 English phrase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MnemonicError {
    /// A typo: the word (1-based position) and words of the list that start alike.
    #[error(
        "word {position} {word:?} is not in the BIP39 English word list{}",
        if suggestions.is_empty() { String::new() } else { format!(" (did you mean {}?)", suggestions.join(" or ")) }
    )]
    UnknownWord { position: usize, word: String, suggestions: Vec<&'static str> },
    #[error("{0} words: a BIP39 phrase has 12, 15, 18, 21 or 24 words")]
    WordCount(usize),
    #[error("the phrase fails its BIP39 checksum: a word is wrong, missing or out of order")]
    Checksum,
    #[error("not a valid BIP39 phrase: {0}")]
    Invalid(String),
}

impl From<MnemonicError> for String {
    fn from(e: MnemonicError) -> String {
        e.to_string()
    }
}

/// Words of the list that start with the same four letters (BIP39 words are
/// unique in their first four letters).
fn suggestions(word: &str) -> Vec<&'static str> {
    let prefix: String = word.chars().take(4).collect();
    if prefix.chars().count() < 3 {
        return Vec::new();
    }
    Language::English.word_list().iter().copied().filter(|w| w.starts_with(prefix.as_str())).take(3).collect()
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
    fn typo_names_the_word() {
        let e = normalize(&VECTOR.replace("sausage", "sausag")).unwrap_err();
        assert!(
            matches!(&e, MnemonicError::UnknownWord { position: 6, suggestions, .. } if suggestions.contains(&"sausage"))
        );
        let e = e.to_string();
        assert!(e.contains("word 6 \"sausag\""), "{e}");
        assert!(e.contains("sausage"), "{e}");
    }

    #[test]
    fn checksum_and_count() {
        assert!(normalize(&VECTOR.replace("yellow", "winner")).unwrap_err().to_string().contains("checksum"));
        assert!(normalize("legal winner thank").unwrap_err().to_string().contains("3 words"));
    }
}
