//! BIP39 seed phrases, checked against their wordlist and checksum.

use bip39::{Language, Mnemonic};

/// Normalise (lower case, single spaces) and verify a BIP39 English phrase.
/// A typo is an error naming the word; a wrong word that is in the list is
/// caught by the checksum.
pub fn normalize(words: &str) -> Result<String, String> {
    let list: Vec<String> = words.split_whitespace().map(|w| w.to_lowercase()).collect();
    let phrase = list.join(" ");
    match Mnemonic::parse_in_normalized(Language::English, &phrase) {
        Ok(m) => Ok(m.words().collect::<Vec<_>>().join(" ")),
        Err(bip39::Error::UnknownWord(i)) => {
            let word = list.get(i).map(String::as_str).unwrap_or("?");
            let near = suggestions(word);
            let hint = if near.is_empty() { String::new() } else { format!(" (did you mean {}?)", near.join(" or ")) };
            Err(format!("word {} {word:?} is not in the BIP39 English word list{hint}", i + 1))
        }
        Err(bip39::Error::BadWordCount(n)) => Err(format!("{n} words: a BIP39 phrase has 12, 15, 18, 21 or 24 words")),
        Err(bip39::Error::InvalidChecksum) => {
            Err("the phrase fails its BIP39 checksum: a word is wrong, missing or out of order".into())
        }
        Err(e) => Err(format!("not a valid BIP39 phrase: {e}")),
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
        assert!(e.contains("word 6 \"sausag\""), "{e}");
        assert!(e.contains("sausage"), "{e}");
    }

    #[test]
    fn checksum_and_count() {
        assert!(normalize(&VECTOR.replace("yellow", "winner")).unwrap_err().contains("checksum"));
        assert!(normalize("legal winner thank").unwrap_err().contains("3 words"));
    }
}
