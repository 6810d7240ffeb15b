//! Share payloads (protect::shares). Two modes, by the first byte:
//!
//! - even: the rest is one untrusted share payload. Never panics; what parses
//!   is canonical CBOR with a valid threshold, a share number within it and
//!   the holders of every share or none, and it groups alone.
//! - odd: a real split of a payload from the input (K, N, holders from the
//!   input), a subset of its shares (a bit mask), maybe one bit flipped.
//!   Combining never panics; untouched, K or more distinct shares give back
//!   the payload and fewer say how many are missing; a flipped bit is
//!   refused or (if it hit nothing authenticated) still gives the payload.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::format::cbor::Value;
use paperseed::protect::{ProtectError, SeededRng, passphrase, shamir::MAX_SHARES, shares};
use shares::InnerKind;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode % 2 == 0 {
        if let Ok(info) = shares::parse_share(rest) {
            assert_eq!(Value::decode(rest).unwrap().encode(), rest);
            assert!(2 <= info.k && info.k <= info.n && info.n <= MAX_SHARES);
            assert!(1 <= info.x && info.x <= info.n);
            assert!(info.holders.is_empty() || info.holders.len() == usize::from(info.n));
            assert_eq!(info.holder, info.holder_of(info.x));
            assert!(info.ciphertext_len > shares::TAG_LEN);
            let groups = shares::group(&[rest, rest]).unwrap();
            assert_eq!(groups.len(), 1);
            assert_eq!(groups[0].shares, vec![info.clone()]);
            assert!(matches!(shares::combine(&[rest]), Err(ProtectError::TooFew { have: 1, .. })));
        }
        return;
    }
    let [a, b, m1, m2, flip, at1, at2, payload @ ..] = rest else { return };
    if payload.is_empty() || payload.len() > 512 {
        return;
    }
    let n = 2 + a % (MAX_SHARES - 1);
    let k = 2 + b % (n - 1);
    let inner = if passphrase::is_age(payload) { InnerKind::Age } else { InnerKind::Sheet };
    let holders: Vec<String> =
        if flip & 0x80 != 0 { (1..=n).map(|i| format!("holder {i}")).collect() } else { Vec::new() };
    let all = shares::split_with(payload, inner, k, n, &holders, &mut SeededRng::new(rest)).unwrap();
    let mask = u16::from_le_bytes([*m1, *m2]);
    let mut chosen: Vec<Vec<u8>> =
        (0..usize::from(n)).filter(|i| mask & (1 << i) != 0).map(|i| all[i].clone()).collect();
    let distinct = chosen.len();
    if *m1 & 1 != 0 && !chosen.is_empty() {
        chosen.push(chosen[0].clone()); // the same share scanned twice
    }
    let flipped = flip & 0x40 != 0 && !chosen.is_empty();
    if flipped {
        let which = usize::from(flip & 0x0f) % chosen.len();
        let pos = usize::from(u16::from_le_bytes([*at1, *at2])) % chosen[which].len();
        chosen[which][pos] ^= 1 << (at1 % 8);
    }
    match shares::combine(&chosen) {
        Ok(c) => {
            assert_eq!(&c.payload[..], payload);
            assert_eq!(c.inner_kind, inner);
            assert_eq!((c.k, c.n, c.used.len()), (k, n, usize::from(k)));
            assert!(flipped || distinct >= usize::from(k));
        }
        Err(ProtectError::TooFew { have, .. }) if !flipped => assert_eq!(have, distinct),
        Err(ProtectError::NoShares) => assert!(chosen.is_empty()),
        Err(e) => assert!(flipped, "{e}"),
    }
});
