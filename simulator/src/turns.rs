//! [`Turns`]: a mutex that serves its callers in the order they asked (a ticket lock).
//!
//! The simulator runs one call at a time. std's `Mutex` does not queue its waiters: a thread
//! that unlocks and locks again at once (the server's I/O thread answering four busy clients
//! back to back) usually takes the lock back before a parked waiter wakes, so a findings
//! refresh on another thread, which takes the lock once per call, could wait without bound
//! (measured: a GetFindings unanswered after 300 s on a saturated machine). Here every caller
//! draws a ticket and the lock passes to the tickets in order, so a caller waits at most for
//! the holders ahead of it, each holding it for one call.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};

/// A mutex over `T` that serves lockers first come, first served.
pub(crate) struct Turns<T> {
    tickets: Mutex<Tickets>,
    served: Condvar,
    value: Mutex<T>,
}

/// The ticket counters: the next ticket to hand out, and the one whose turn it is.
#[derive(Default)]
struct Tickets {
    next: u64,
    serving: u64,
}

/// Access to the value of [`Turns`] for one turn; the next ticket's turn starts when it drops.
pub(crate) struct TurnGuard<'a, T> {
    // Fields drop in order: the value is unlocked before the turn passes on.
    value: MutexGuard<'a, T>,
    _turn: Turn<'a>,
}

/// One turn; dropping it serves the next ticket.
struct Turn<'a> {
    tickets: &'a Mutex<Tickets>,
    served: &'a Condvar,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut tickets = self.tickets.lock().unwrap_or_else(|p| p.into_inner());
        tickets.serving += 1;
        drop(tickets);
        // The waiters are few (the I/O thread and the blocking threads): each checks its ticket.
        self.served.notify_all();
    }
}

impl<T> Turns<T> {
    /// A lock over `value`.
    pub(crate) fn new(value: T) -> Turns<T> {
        Turns { tickets: Mutex::new(Tickets::default()), served: Condvar::new(), value: Mutex::new(value) }
    }

    /// Waits for this caller's turn (after every caller that asked before it), then locks.
    pub(crate) fn lock(&self) -> TurnGuard<'_, T> {
        let mut tickets = self.tickets.lock().unwrap_or_else(|p| p.into_inner());
        let mine = tickets.next;
        tickets.next += 1;
        while tickets.serving != mine {
            tickets = self.served.wait(tickets).unwrap_or_else(|p| p.into_inner());
        }
        drop(tickets);
        let turn = Turn { tickets: &self.tickets, served: &self.served };
        // Only the ticket being served locks the value, so this never waits. A panic during an
        // earlier turn cannot leave a half-applied change (see `Simulator::lock`): keep going.
        let value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        TurnGuard { value, _turn: turn }
    }

    /// How many callers hold the lock or wait for it now (for tests: a waiter has drawn its
    /// ticket once this counts it).
    #[cfg(test)]
    pub(crate) fn in_line(&self) -> u64 {
        let tickets = self.tickets.lock().unwrap_or_else(|p| p.into_inner());
        tickets.next - tickets.serving
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

    /// A holder that unlocks and locks again at once does not take the lock back from a caller
    /// already waiting: the waiter goes first (std's Mutex lets the holder win, call after
    /// call, which starved a findings refresh behind the server's I/O thread).
    #[test]
    fn a_waiter_goes_before_a_holder_that_locks_again() {
        let lock = Arc::new(Turns::new(Vec::<&str>::new()));
        let mut held = lock.lock();
        held.push("holder");
        let waiter = {
            let lock = lock.clone();
            std::thread::spawn(move || lock.lock().push("waiter"))
        };
        // The waiter has drawn its ticket: it is in line behind the holder.
        while lock.in_line() < 2 {
            std::thread::yield_now();
        }
        drop(held);
        lock.lock().push("holder again");
        waiter.join().expect("waiter");
        assert_eq!(*lock.lock(), ["holder", "waiter", "holder again"]);
    }
}
