//! The subset of CBOR (RFC 8949) the payload uses, in its deterministic form.
//!
//! We write our own ~200 lines rather than use a general CBOR crate because the
//! payload's bytes are hashed into the fingerprint: encoding must be canonical
//! (RFC 8949 §4.2.1: shortest integer and length forms, definite lengths, map
//! keys sorted by their encoded bytes), and decoding must reject anything that
//! is not, so one payload has exactly one byte representation. Decoding is
//! bounded in depth and size because it reads untrusted scans.
//!
//! Supported: unsigned integers (major type 0), byte strings (2), text strings
//! (3), arrays (4), maps (5) whose keys are all text (format v1's payload) or
//! all unsigned integers (format v2's compact payload). Nothing else appears
//! in a payload.

use std::collections::BTreeMap;

/// A CBOR value of the supported subset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Uint(u64),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Value>),
    /// Keys are kept sorted in canonical order (see [`key_order`]) on encode.
    Map(BTreeMap<MapKey, Value>),
    /// A map with unsigned-integer keys; canonical order is numeric order.
    IntMap(BTreeMap<u64, Value>),
}

/// A text map key ordered as RFC 8949 §4.2.1 requires: by encoded bytes, which
/// for text keys means shorter keys first, then bytewise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapKey(pub String);

impl Ord for MapKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        key_order(&self.0, &other.0)
    }
}
impl PartialOrd for MapKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Canonical order of two text keys (by their CBOR encoding).
pub fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    let mut ea = Vec::new();
    let mut eb = Vec::new();
    head(&mut ea, 3, a.len() as u64);
    head(&mut eb, 3, b.len() as u64);
    ea.extend_from_slice(a.as_bytes());
    eb.extend_from_slice(b.as_bytes());
    ea.cmp(&eb)
}

/// Why bytes are not a canonical CBOR value of the supported subset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CborError {
    #[error("CBOR ends early at byte {0}")]
    Truncated(usize),
    #[error("CBOR has {0} trailing bytes after the value")]
    Trailing(usize),
    #[error("CBOR item at byte {0} uses an unsupported type or encoding")]
    Unsupported(usize),
    #[error("CBOR item at byte {0} is not in canonical (shortest) form")]
    NotCanonical(usize),
    #[error("CBOR text at byte {0} is not valid UTF-8")]
    BadUtf8(usize),
    #[error("CBOR map at byte {0} has keys out of order or repeated")]
    KeyOrder(usize),
    #[error("CBOR nests deeper than {0} levels")]
    TooDeep(usize),
}

fn head(out: &mut Vec<u8>, major: u8, value: u64) {
    let m = major << 5;
    match value {
        0..=23 => out.push(m | value as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, value as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(value as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(value as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&value.to_be_bytes());
        }
    }
}

impl Value {
    /// Canonical encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Value::Uint(v) => head(out, 0, *v),
            Value::Bytes(b) => {
                head(out, 2, b.len() as u64);
                out.extend_from_slice(b);
            }
            Value::Text(t) => {
                head(out, 3, t.len() as u64);
                out.extend_from_slice(t.as_bytes());
            }
            Value::Array(items) => {
                head(out, 4, items.len() as u64);
                items.iter().for_each(|v| v.encode_into(out));
            }
            Value::Map(map) => {
                head(out, 5, map.len() as u64);
                for (k, v) in map {
                    head(out, 3, k.0.len() as u64);
                    out.extend_from_slice(k.0.as_bytes());
                    v.encode_into(out);
                }
            }
            Value::IntMap(map) => {
                head(out, 5, map.len() as u64);
                for (k, v) in map {
                    head(out, 0, *k);
                    v.encode_into(out);
                }
            }
        }
    }

    /// Decode exactly one canonical value filling `bytes`.
    pub fn decode(bytes: &[u8]) -> Result<Value, CborError> {
        let mut r = Reader { bytes, pos: 0 };
        let v = r.value(0)?;
        if r.pos != bytes.len() {
            return Err(CborError::Trailing(bytes.len() - r.pos));
        }
        Ok(v)
    }

    /// Build a map from `(key, value)` pairs.
    pub fn map<I: IntoIterator<Item = (&'static str, Value)>>(pairs: I) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (MapKey(k.to_string()), v)).collect())
    }

    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// Build an integer-keyed map from `(key, value)` pairs.
    pub fn int_map<I: IntoIterator<Item = (u64, Value)>>(pairs: I) -> Value {
        Value::IntMap(pairs.into_iter().collect())
    }
}

/// Deepest nesting a payload may use (the real schema needs 4).
pub const MAX_DEPTH: usize = 16;

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], CborError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(CborError::Truncated(self.bytes.len()))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// Reads an item head: (major type, argument), rejecting non-shortest forms.
    fn head(&mut self) -> Result<(u8, u64), CborError> {
        let at = self.pos;
        let first = self.take(1)?[0];
        let (major, info) = (first >> 5, first & 0x1f);
        if !matches!(major, 0 | 2..=5) {
            return Err(CborError::Unsupported(at));
        }
        let (value, min) = match info {
            0..=23 => (u64::from(info), 0),
            24 => (u64::from(self.take(1)?[0]), 24),
            25 => (u64::from(u16::from_be_bytes(self.take(2)?.try_into().unwrap())), 0x100),
            26 => (u64::from(u32::from_be_bytes(self.take(4)?.try_into().unwrap())), 0x1_0000),
            27 => (u64::from_be_bytes(self.take(8)?.try_into().unwrap()), 0x1_0000_0000),
            _ => return Err(CborError::Unsupported(at)),
        };
        if value < min {
            return Err(CborError::NotCanonical(at));
        }
        Ok((major, value))
    }

    fn len(&self, value: u64, at: usize) -> Result<usize, CborError> {
        // Every item takes at least one byte, so a count larger than what is
        // left is truncated input; checking here bounds allocations.
        let left = (self.bytes.len() - self.pos) as u64;
        if value > left {
            return Err(CborError::Truncated(at));
        }
        Ok(value as usize)
    }

    fn value(&mut self, depth: usize) -> Result<Value, CborError> {
        if depth > MAX_DEPTH {
            return Err(CborError::TooDeep(MAX_DEPTH));
        }
        let at = self.pos;
        let (major, arg) = self.head()?;
        match major {
            0 => Ok(Value::Uint(arg)),
            2 => {
                let n = self.len(arg, at)?;
                Ok(Value::Bytes(self.take(n)?.to_vec()))
            }
            3 => {
                let n = self.len(arg, at)?;
                let s = std::str::from_utf8(self.take(n)?).map_err(|_| CborError::BadUtf8(at))?;
                Ok(Value::Text(s.to_string()))
            }
            4 => {
                let n = self.len(arg, at)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Ok(Value::Array(items))
            }
            5 => {
                let n = self.len(arg, at)?;
                // The first key decides: all text keys, or all unsigned integers.
                if n > 0 && self.bytes.get(self.pos).is_some_and(|b| b >> 5 == 0) {
                    let mut map = BTreeMap::new();
                    let mut last: Option<u64> = None;
                    for _ in 0..n {
                        let key = match self.value(depth + 1)? {
                            Value::Uint(k) => k,
                            _ => return Err(CborError::Unsupported(at)),
                        };
                        if last.is_some_and(|prev| prev >= key) {
                            return Err(CborError::KeyOrder(at));
                        }
                        last = Some(key);
                        map.insert(key, self.value(depth + 1)?);
                    }
                    return Ok(Value::IntMap(map));
                }
                let mut map = BTreeMap::new();
                let mut last: Option<String> = None;
                for _ in 0..n {
                    let key = match self.value(depth + 1)? {
                        Value::Text(t) => t,
                        _ => return Err(CborError::Unsupported(at)),
                    };
                    if let Some(prev) = &last
                        && key_order(prev, &key) != std::cmp::Ordering::Less
                    {
                        return Err(CborError::KeyOrder(at));
                    }
                    let v = self.value(depth + 1)?;
                    last = Some(key.clone());
                    map.insert(MapKey(key), v);
                }
                Ok(Value::Map(map))
            }
            _ => Err(CborError::Unsupported(at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc8949_appendix_a_examples() {
        assert_eq!(Value::Uint(0).encode(), [0x00]);
        assert_eq!(Value::Uint(23).encode(), [0x17]);
        assert_eq!(Value::Uint(24).encode(), [0x18, 0x18]);
        assert_eq!(Value::Uint(1000).encode(), [0x19, 0x03, 0xe8]);
        assert_eq!(Value::Uint(1_000_000).encode(), [0x1a, 0x00, 0x0f, 0x42, 0x40]);
        assert_eq!(Value::text("IETF").encode(), [0x64, 0x49, 0x45, 0x54, 0x46]);
        assert_eq!(Value::text("ü").encode(), [0x62, 0xc3, 0xbc]);
        assert_eq!(Value::Bytes(vec![1, 2, 3, 4]).encode(), [0x44, 1, 2, 3, 4]);
        let m = Value::map([("a", Value::Uint(1)), ("b", Value::Array(vec![Value::Uint(2), Value::Uint(3)]))]);
        assert_eq!(m.encode(), [0xa2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x82, 0x02, 0x03]);
    }

    #[test]
    fn keys_sorted_shortest_first() {
        let m = Value::map([("zz", Value::Uint(1)), ("b", Value::Uint(2)), ("aa", Value::Uint(3))]);
        let enc = m.encode();
        assert_eq!(enc, [0xa3, 0x61, b'b', 2, 0x62, b'a', b'a', 3, 0x62, b'z', b'z', 1]);
        assert_eq!(Value::decode(&enc).unwrap(), m);
    }

    #[test]
    fn rejects_non_canonical() {
        assert_eq!(Value::decode(&[0x18, 0x05]), Err(CborError::NotCanonical(0)));
        assert_eq!(Value::decode(&[0x19, 0x00, 0x05]), Err(CborError::NotCanonical(0)));
        // Indefinite-length array.
        assert_eq!(Value::decode(&[0x9f, 0xff]), Err(CborError::Unsupported(0)));
        // Keys out of order.
        assert_eq!(Value::decode(&[0xa2, 0x61, b'b', 1, 0x61, b'a', 2]), Err(CborError::KeyOrder(0)));
        // Negative integer, float.
        assert_eq!(Value::decode(&[0x20]), Err(CborError::Unsupported(0)));
        assert_eq!(Value::decode(&[0xf9, 0, 0]), Err(CborError::Unsupported(0)));
        assert_eq!(Value::decode(&[0x01, 0x02]), Err(CborError::Trailing(1)));
        assert_eq!(Value::decode(&[0x62, 0xff, 0xfe]), Err(CborError::BadUtf8(0)));
        // A huge declared length must not allocate.
        assert!(matches!(
            Value::decode(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Err(CborError::Truncated(_))
        ));
        // Integer keys: numeric order, no mixing with text keys.
        assert_eq!(Value::decode(&[0xa2, 0x01, 0x00, 0x00, 0x00]), Err(CborError::KeyOrder(0)));
        assert_eq!(Value::decode(&[0xa2, 0x00, 0x00, 0x61, b'a', 0x00]), Err(CborError::Unsupported(0)));
        assert_eq!(Value::decode(&[0xa2, 0x61, b'a', 0x00, 0x00, 0x00]), Err(CborError::Unsupported(0)));
        let m = Value::int_map([(24, Value::Uint(1)), (0, Value::Uint(2))]);
        assert_eq!(m.encode(), [0xa2, 0x00, 0x02, 0x18, 0x18, 0x01]);
        let deep = [vec![0x81; 40], vec![0x00]].concat();
        assert_eq!(Value::decode(&deep), Err(CborError::TooDeep(MAX_DEPTH)));
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<u64>().prop_map(Value::Uint),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
            ".{0,20}".prop_map(Value::Text),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z]{0,6}", inner.clone(), 0..6)
                    .prop_map(|m| Value::Map(m.into_iter().map(|(k, v)| (MapKey(k), v)).collect())),
                proptest::collection::btree_map(any::<u64>(), inner, 1..6).prop_map(Value::IntMap),
            ]
        })
    }

    proptest! {
        #[test]
        fn round_trip(v in arb_value()) {
            let enc = v.encode();
            prop_assert_eq!(Value::decode(&enc).unwrap(), v);
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(v) = Value::decode(&bytes) {
                // Whatever decodes re-encodes to the same bytes (canonical).
                prop_assert_eq!(v.encode(), bytes);
            }
        }
    }
}
