//! [`Turns`]: a mutex under which no caller waits without bound.
//!
//! The simulator runs one call at a time. std's `Mutex` does not queue its waiters: a thread
//! that unlocks and locks again at once (the server's I/O thread answering four busy clients
//! back to back) usually takes the lock back before a parked waiter wakes, so a findings
//! refresh on another thread, which takes the lock once per call, could wait without bound
//! (measured: a GetFindings unanswered after 300 s on a saturated machine).
//!
//! A strict queue (a ticket lock) cures that but makes every hand-over wait for the next
//! thread to be woken and scheduled: on a busy machine the I/O thread then waited, at each of a
//! refresh's calls, for the refresh thread to get a CPU (measured: short calls' p99 during a
//! GetFindings 13–15 → 18–20 ms). So a free lock may be taken by whoever asks, as std's, but
//! only [`MAX_BARGES`] times while someone waits: then the waiters are served in the order they
//! came. A waiter waits at most for `MAX_BARGES` calls besides those queued before it.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};

/// How many times a free lock may be taken ahead of a caller already waiting for it.
pub(crate) const MAX_BARGES: u32 = 4;

/// A mutex over `T` under which a waiter waits at most for [`MAX_BARGES`] calls besides those
/// queued before it.
pub(crate) struct Turns<T> {
    queue: Mutex<Queue>,
    served: Condvar,
    value: Mutex<T>,
}

/// Who holds the lock and who waits for it.
#[derive(Default)]
struct Queue {
    held: bool,
    /// The next ticket to hand out to a waiter.
    next: u64,
    /// The ticket of the waiter served next (waiters are `serving..next`).
    serving: u64,
    /// How many times the lock was taken ahead of the waiters since one was last served.
    barges: u32,
}

impl Queue {
    fn waiters(&self) -> u64 {
        self.next - self.serving
    }
}

/// Access to the value of [`Turns`]; the lock is free again when it drops.
pub(crate) struct TurnGuard<'a, T> {
    // Fields drop in order: the value is unlocked before the turn ends.
    value: MutexGuard<'a, T>,
    _turn: Turn<'a>,
}

/// One hold of the lock; dropping it frees the lock and wakes the waiters.
struct Turn<'a> {
    queue: &'a Mutex<Queue>,
    served: &'a Condvar,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        queue.held = false;
        let waiting = queue.waiters() > 0;
        drop(queue);
        if waiting {
            // The waiters are few (the I/O thread and the blocking threads): each checks whether
            // its ticket is the one served.
            self.served.notify_all();
        }
    }
}

impl<T> Turns<T> {
    /// A lock over `value`.
    pub(crate) fn new(value: T) -> Turns<T> {
        Turns { queue: Mutex::new(Queue::default()), served: Condvar::new(), value: Mutex::new(value) }
    }

    /// Takes the lock: at once if it is free (unless it was taken [`MAX_BARGES`] times ahead
    /// of a waiter already), else after the waiters that came before.
    pub(crate) fn lock(&self) -> TurnGuard<'_, T> {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if !queue.held && (queue.waiters() == 0 || queue.barges < MAX_BARGES) {
            if queue.waiters() > 0 {
                queue.barges += 1;
            }
        } else {
            let mine = queue.next;
            queue.next += 1;
            while queue.held || queue.serving != mine {
                queue = self.served.wait(queue).unwrap_or_else(|p| p.into_inner());
            }
            queue.serving += 1;
            queue.barges = 0;
        }
        queue.held = true;
        drop(queue);
        let turn = Turn { queue: &self.queue, served: &self.served };
        // Only the holder locks the value, so this never waits. A panic during an earlier hold
        // cannot leave a half-applied change (see `Simulator::lock`): keep going.
        let value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        TurnGuard { value, _turn: turn }
    }

    /// How many callers wait for the lock now (for tests: a waiter has drawn its ticket once
    /// this counts it).
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> u64 {
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).waiters()
    }
}

impl<T> Deref for TurnGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for TurnGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A holder that unlocks and locks again in a tight loop (the server's I/O thread) does not
    /// keep the lock from a caller already waiting (a findings refresh): the waiter is served
    /// within `MAX_BARGES + 1` of the holder's turns, however the threads are scheduled. (With
    /// std's Mutex the holder can win every time.)
    #[test]
    fn a_waiter_is_served_within_a_bounded_number_of_turns() {
        let lock = Arc::new(Turns::new(Vec::<&str>::new()));
        let mut held = lock.lock();
        held.push("holder");
        let waiter = {
            let lock = lock.clone();
            std::thread::spawn(move || lock.lock().push("waiter"))
        };
        // The waiter has drawn its ticket: it is in line behind the holder.
        while lock.waiting() < 1 {
            std::thread::yield_now();
        }
        drop(held);
        for _ in 0..=MAX_BARGES {
            lock.lock().push("holder again");
        }
        waiter.join().expect("waiter");
        let order = lock.lock().clone();
        let at = order.iter().position(|who| *who == "waiter").expect("the waiter was served");
        assert!(at <= 1 + MAX_BARGES as usize, "the waiter went after {} turns of the holder: {order:?}", at - 1);
        assert_eq!(order.len(), MAX_BARGES as usize + 3);
    }

    /// Without a waiter, a free lock is taken at once, as often as asked (nothing is counted
    /// against a waiter that comes later).
    #[test]
    fn a_free_lock_without_waiters_is_taken_at_once() {
        let lock = Turns::new(0u32);
        for _ in 0..100 {
            *lock.lock() += 1;
        }
        assert_eq!(*lock.lock(), 100);
        assert_eq!(lock.queue.lock().unwrap().barges, 0);
    }
}
