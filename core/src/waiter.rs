//! The rendezvous between completing futures and one thread blocked in `wait` or `as_completed`.
//!
//! Each future keeps a list of registered waiters and pushes `(index, failed)` to each when it
//! becomes done. Lock order is always future, then waiter: a waiter never locks a future while
//! holding its own lock, so the two can never deadlock.

use std::collections::VecDeque;
use std::time::Instant;

use crate::sync::{self, Condvar, Mutex};

#[derive(Debug)]
pub(crate) struct Waiter {
    events: Mutex<VecDeque<(usize, bool)>>,
    ready: Condvar,
}

impl Waiter {
    pub(crate) fn new() -> Self {
        Waiter {
            events: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
        }
    }

    /// Called by a future when it is done; `index` is its position in the waiter's list.
    pub(crate) fn notify(&self, index: usize, failed: bool) {
        sync::lock(&self.events).push_back((index, failed));
        self.ready.notify_one();
    }

    /// The next completion, or `None` if `deadline` passes first.
    pub(crate) fn next(&self, deadline: Option<Instant>) -> Option<(usize, bool)> {
        let mut events = sync::lock(&self.events);
        loop {
            if let Some(event) = events.pop_front() {
                return Some(event);
            }
            let (guard, timed_out) = sync::wait_until(&self.ready, events, deadline);
            events = guard;
            if timed_out {
                return events.pop_front();
            }
        }
    }

    /// A completion already reported, without blocking.
    pub(crate) fn try_next(&self) -> Option<(usize, bool)> {
        sync::lock(&self.events).pop_front()
    }
}
