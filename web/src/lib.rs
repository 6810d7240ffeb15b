//! paperseed's restore page: the library compiled to WebAssembly, one more
//! thin edge over it, like the `paperseed` binary.
//!
//! The page (`web/page/`, assembled into one HTML file by
//! `scripts/build-restore-page.sh`) keeps the state of a restore (codes and
//! recovery-text lines found so far, typed share words) in JavaScript and asks
//! this module to do the work, one stateless call at a time, so that a trap
//! (a panic aborts on wasm32) loses one call, not the restore: the page then
//! starts a fresh instance and goes on.
//!
//! The interface is a minimal hand-written ABI, no generated glue:
//!
//! - `ps_alloc(len) -> ptr` and `ps_free(ptr, len)` manage buffers in the
//!   module's memory (freed buffers are zeroed first: they may hold secrets);
//! - `ps_call(req, req_len, data, data_len) -> ptr` takes a JSON request (an
//!   object with an `op`, see [`api`]) and an optional byte buffer (a file's
//!   content, or a camera frame's luma), frees both, and returns a buffer
//!   that starts with the little-endian `u32` length of the JSON answer that
//!   follows (free it with `ps_free(ptr, 4 + length)`).
//!
//! Randomness ([`random`]) comes from the page's `crypto.getRandomValues`.

pub mod api;
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
mod random;

use zeroize::Zeroize;

/// A buffer of `len` bytes in the module's memory, for the page to fill.
#[unsafe(no_mangle)]
pub extern "C" fn ps_alloc(len: usize) -> *mut u8 {
    let mut v = vec![0u8; len].into_boxed_slice();
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Zero and free a buffer of `ps_alloc` or `ps_call`.
///
/// # Safety
/// `ptr` and `len` are those of a live buffer of this module, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: the caller passes a buffer allocated here as a boxed slice of `len` bytes.
    let mut b = unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) };
    b.zeroize();
}

/// Take back a buffer of `ps_alloc` (an empty one for a null pointer).
///
/// # Safety
/// As for [`ps_free`].
unsafe fn take(ptr: *mut u8, len: usize) -> Box<[u8]> {
    if ptr.is_null() || len == 0 {
        if !ptr.is_null() {
            // SAFETY: a zero-length boxed slice of this module.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, 0)) });
        }
        return Box::new([]);
    }
    // SAFETY: see `ps_free`.
    unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) }
}

/// Run one request: see the module documentation.
///
/// # Safety
/// `req` and `data` are buffers of `ps_alloc` (or null with length 0); this
/// call frees them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ps_call(req: *mut u8, req_len: usize, data: *mut u8, data_len: usize) -> *mut u8 {
    // SAFETY: the caller hands over both buffers.
    let (mut req, mut data) = unsafe { (take(req, req_len), take(data, data_len)) };
    let mut answer = api::call(&req, &data).into_bytes();
    req.zeroize();
    data.zeroize();
    let mut out = Vec::with_capacity(4 + answer.len());
    out.extend_from_slice(&(answer.len() as u32).to_le_bytes());
    out.extend_from_slice(&answer);
    answer.zeroize();
    let mut out = out.into_boxed_slice();
    let p = out.as_mut_ptr();
    std::mem::forget(out);
    p
}
