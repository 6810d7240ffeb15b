//! `otpauth://` URIs and base32 keys as people paste them. Never panics;
//! what parses is a valid key, and parse → format → parse gives the same key
//! (a key with neither issuer nor account comes back named by the label
//! `to_uri` gives it, and formats the same from then on).
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::secret::OtpKey;
use paperseed::secret::totp::{self, DEFAULT_URI_LABEL};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let uri = if text.get(..10).is_some_and(|p| p.eq_ignore_ascii_case("otpauth://")) {
        text.to_string()
    } else {
        format!("otpauth://{text}")
    };
    if let Ok(key) = OtpKey::from_uri(&uri) {
        key.validate().unwrap();
        let formatted = key.to_uri();
        let again = OtpKey::from_uri(&formatted).unwrap_or_else(|e| panic!("{formatted}: {e}"));
        if key.issuer.is_none() && key.account.is_none() {
            assert_eq!(again, OtpKey { account: Some(DEFAULT_URI_LABEL.into()), ..key }, "{formatted}");
        } else {
            assert_eq!(again, key, "{formatted}");
        }
        assert_eq!(again.to_uri(), OtpKey::from_uri(&again.to_uri()).unwrap().to_uri());
    }
    if let Ok(bytes) = totp::decode_base32(text) {
        assert!(!bytes.is_empty() && bytes.len() <= totp::MAX_KEY_BYTES);
        assert_eq!(totp::decode_base32(&totp::encode_base32(&bytes)).as_ref(), Ok(&bytes));
        assert_eq!(totp::decode_base32(&totp::grouped_base32(&bytes)).as_ref(), Ok(&bytes));
    }
});
