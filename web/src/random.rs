//! Random bytes on wasm32-unknown-unknown, which has no operating system to
//! ask: the page provides `env.ps_random(ptr, len)`, which fills the buffer
//! with `crypto.getRandomValues` and returns 0 (anything else is a failure).
//! Both getrandom versions in the dependency tree use it, as their custom
//! backend (0.2: the `custom` feature; 0.3: `--cfg getrandom_backend="custom"`,
//! set by `scripts/build-restore-page.sh` and `web/.cargo/config.toml`).
//! Restoring needs no randomness; the library's encryption code is linked
//! all the same and must not be left without a source.

#[link(wasm_import_module = "env")]
unsafe extern "C" {
    fn ps_random(ptr: *mut u8, len: usize) -> i32;
}

/// Fill `buf` from the page's generator.
fn fill(buf: &mut [u8]) -> bool {
    // SAFETY: the import writes at most `buf.len()` bytes into `buf`.
    buf.is_empty() || unsafe { ps_random(buf.as_mut_ptr(), buf.len()) } == 0
}

fn fill_02(buf: &mut [u8]) -> Result<(), getrandom02::Error> {
    if fill(buf) { Ok(()) } else { Err(getrandom02::Error::UNSUPPORTED) }
}

getrandom02::register_custom_getrandom!(fill_02);

/// getrandom 0.3's custom backend.
///
/// # Safety
/// `dest` points to `len` writable bytes (possibly uninitialised).
#[unsafe(no_mangle)]
unsafe extern "Rust" fn __getrandom_v03_custom(dest: *mut u8, len: usize) -> Result<(), getrandom::Error> {
    // SAFETY: getrandom passes a buffer of `len` bytes; it is written, never read.
    let buf = unsafe {
        std::ptr::write_bytes(dest, 0, len);
        std::slice::from_raw_parts_mut(dest, len)
    };
    if fill(buf) { Ok(()) } else { Err(getrandom::Error::UNSUPPORTED) }
}
