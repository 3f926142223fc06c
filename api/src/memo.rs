//! Per-thread memos of pure functions of a text, for documents that are parsed far more often
//! than they change: a bucket policy is read by every evaluation and by several handlers
//! (notifications, logging, CloudTrail's checks) while it stays the same text.
//!
//! A memo is keyed by the whole text, so a hit is exactly the value the function would have
//! computed. It holds at most [`CAPACITY`] entries and starts over when full, so a long run
//! with ever-new texts keeps a bounded amount of memory.

use std::cell::RefCell;
use std::collections::HashMap;
use std::thread::LocalKey;

/// Entries a memo holds before it is emptied.
pub const CAPACITY: usize = 256;

/// A memo from a text to the value computed of it. Declare one per function with
/// `thread_local!` and read it through [`memoized`].
pub type Memo<T> = RefCell<HashMap<Box<str>, T>>;

/// `f(text)`, computed at most once per thread while `memo` remembers `text`. `f` must be a
/// pure function of the text; `T` should be cheap to clone (an `Arc`, a small value).
pub fn memoized<T: Clone>(memo: &'static LocalKey<Memo<T>>, text: &str, f: impl FnOnce(&str) -> T) -> T {
    if let Some(hit) = memo.with_borrow(|m| m.get(text).cloned()) {
        return hit;
    }
    // Not borrowed while `f` runs: `f` may use the same memo for another text.
    let value = f(text);
    memo.with_borrow_mut(|m| {
        if m.len() >= CAPACITY {
            m.clear();
        }
        m.insert(text.into(), value.clone());
    });
    value
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    thread_local!(static LENGTHS: Memo<usize> = RefCell::new(HashMap::new()));

    #[test]
    fn computes_once_per_text_and_stays_bounded() {
        let calls = Cell::new(0);
        let len = |t: &str| {
            calls.set(calls.get() + 1);
            t.len()
        };
        assert_eq!(memoized(&LENGTHS, "abc", len), 3);
        assert_eq!(memoized(&LENGTHS, "abc", len), 3);
        assert_eq!(calls.get(), 1, "a remembered text is not computed again");
        assert_eq!(memoized(&LENGTHS, "abcd", len), 4);
        assert_eq!(calls.get(), 2, "another text is computed");
        for i in 0..CAPACITY * 2 {
            memoized(&LENGTHS, &i.to_string(), len);
        }
        assert!(LENGTHS.with_borrow(|m| m.len()) <= CAPACITY);
    }
}
