//! Google Authenticator exports: the protobuf payload (raw bytes) and the
//! `otpauth-migration://` URI (the input as text). Never panics; what
//! decodes is bounded, every key is valid, and writing the keys back (the
//! payload, and the URI paperseed prints) reads back the same keys and batch.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::secret::migration::{self, MAX_ACCOUNTS, Migration};

fn check(m: &Migration) {
    assert!(m.keys.len() <= MAX_ACCOUNTS);
    for k in &m.keys {
        k.validate().unwrap();
        for name in [&k.issuer, &k.account].into_iter().flatten() {
            assert!(!name.is_empty() && name.trim() == name, "{name:?}");
        }
    }
    let payload = migration::to_payload(&m.keys, m.batch).expect("a decoded key is one the format holds");
    assert_eq!(migration::parse_payload(&payload).as_ref(), Ok(m));
    let uri = migration::to_migration_uri(&m.keys).unwrap();
    assert_eq!(migration::parse_uri(&uri).map(|again| again.keys).as_ref(), Ok(&m.keys));
}

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = migration::parse_payload(data) {
        check(&m);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let uri = if migration::is_migration_uri(text) {
            text.to_string()
        } else {
            format!("{}?data={text}", migration::PREFIX)
        };
        if let Ok(m) = migration::parse_uri(&uri) {
            check(&m);
        }
    }
});
