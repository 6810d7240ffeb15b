//! A scanned SeedQR: the raw bytes of its QR payload, and the text a reader
//! made of them. Never panics; what decodes is a valid 12- or 24-word BIP39
//! phrase in paperseed's form, which encodes back to the same digits or bytes
//! and into a symbol of the spec's size.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::interop::seedqr;
use paperseed::secret::mnemonic;
use seedqr::Kind;

fn check(kind: Kind, words: &str) {
    let count = words.split(' ').count();
    assert!(count == 12 || count == 24, "{words}");
    assert_eq!(mnemonic::normalize(words).as_deref(), Ok(words));
    let symbol = match kind {
        Kind::Standard => seedqr::symbol_standard(words),
        Kind::Compact => seedqr::symbol_compact(words),
    }
    .unwrap();
    assert_eq!(symbol.version, seedqr::version(kind, count));
    assert_eq!(symbol.width, 17 + 4 * symbol.version as usize);
    assert_eq!(symbol.modules.len(), symbol.width * symbol.width);
}

fuzz_target!(|data: &[u8]| {
    if let Some((kind, words)) = seedqr::words_from_payload(data) {
        check(kind, &words);
        match kind {
            Kind::Standard => assert_eq!(seedqr::standard_digits(&words).unwrap().as_bytes(), data),
            Kind::Compact => assert_eq!(seedqr::compact_bytes(&words).unwrap(), data),
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some((kind, words)) = seedqr::words_from_decoded_text(text) {
            check(kind, &words);
            match kind {
                Kind::Standard => assert_eq!(seedqr::standard_digits(&words).unwrap(), text.trim()),
                Kind::Compact => {
                    let bytes = seedqr::compact_from_decoded_text(text).unwrap();
                    assert_eq!(seedqr::compact_bytes(&words).unwrap(), bytes);
                    let latin1: String = bytes.iter().map(|&b| char::from(b)).collect();
                    assert_eq!(latin1, text);
                }
            }
        }
        if let Ok(words) = seedqr::words_from_standard(text) {
            check(Kind::Standard, &words);
            assert_eq!(seedqr::standard_digits(&words).unwrap(), text.trim());
        }
    }
});
