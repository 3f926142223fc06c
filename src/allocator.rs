//! The allocator of the binary and the benches: mimalloc, asked for plain blocks wherever the
//! alignment allows.
//!
//! The evaluator and the remediator allocate and free many small values (a remediation makes
//! about a hundred thousand allocations), and mimalloc makes one ~20 % cheaper than glibc's
//! malloc. The `mimalloc` crate's own allocator asks for every block through mimalloc's aligned
//! entry points, which take a longer path than a plain `mi_malloc` even for Rust's common
//! alignments (1 to 8); every mimalloc block is aligned to at least 8 bytes, so those go the
//! plain way here and only larger alignments take the aligned path.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The alignment every mimalloc block has (its blocks are multiples of the machine word).
const PLAIN_ALIGN: usize = std::mem::size_of::<usize>();

/// mimalloc as the global allocator (see the module note).
pub struct Allocator;

// SAFETY: each method forwards to the mimalloc function with the same contract (size, and an
// alignment that is either met by every mimalloc block or passed on); blocks are freed with
// `mi_free` whichever way they were allocated, as mimalloc allows.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGN {
            mi::mi_malloc(layout.size()) as *mut u8
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGN {
            mi::mi_zalloc(layout.size()) as *mut u8
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr as *mut c_void);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGN {
            mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
        } else {
            mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
        }
    }
}

#[cfg(test)]
mod tests {
    // (Imports inside the test: the benches include this file too, without a test harness.)
    #[test]
    fn blocks_are_aligned_as_asked_and_keep_their_bytes_through_a_realloc() {
        use super::Allocator;
        use std::alloc::{GlobalAlloc, Layout};
        let a = Allocator;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 8, 9, 16, 24, 100, 5000, 1 << 20] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: every block is used within its size and freed once, with its layout.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null() && (p as usize).is_multiple_of(align), "size {size}, align {align}");
                    p.write_bytes(0xab, size);
                    let q = a.realloc(p, layout, size * 3);
                    assert!(!q.is_null() && (q as usize).is_multiple_of(align), "realloc: size {size}, align {align}");
                    assert!((0..size).all(|i| *q.add(i) == 0xab), "realloc kept the bytes: size {size}");
                    a.dealloc(q, Layout::from_size_align(size * 3, align).unwrap());
                    let z = a.alloc_zeroed(layout);
                    assert!(!z.is_null() && (z as usize).is_multiple_of(align), "zeroed: size {size}, align {align}");
                    assert!((0..size).all(|i| *z.add(i) == 0), "zeroed: size {size}");
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
