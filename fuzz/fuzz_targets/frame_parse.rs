//! Frame text parsing: never panics; whatever parses re-encodes to an
//! equivalent frame.
#![no_main]
use libfuzzer_sys::fuzz_target;
use paperseed::format::Frame;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(frame) = Frame::parse(text)
    {
        assert_eq!(Frame::parse(&frame.to_text()), Ok(frame));
    }
});
