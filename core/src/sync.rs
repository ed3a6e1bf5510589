//! The synchronisation primitives the crate is built on, behind one door.
//!
//! Production code reaches `Mutex`, `Condvar`, `Arc` and atomics only through this module (one
//! exception: a future's shared state is in a `std` `Arc`, see `future.rs`). Under
//! `RUSTFLAGS="--cfg loom"` they become loom's model-checked versions, so `tests/loom.rs` can explore
//! every interleaving of the future's state machine (tokio's `src/loom` pattern).

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard};

pub(crate) mod atomic {
    #[cfg(loom)]
    pub(crate) use loom::sync::atomic::{AtomicU8, Ordering};
    #[cfg(not(loom))]
    pub(crate) use std::sync::atomic::{AtomicU8, Ordering};
}

use std::time::{Duration, Instant};

/// Which thread this is. loom runs its modelled threads on one OS thread, so under loom the id
/// must be loom's.
#[cfg(loom)]
pub(crate) type ThreadId = loom::thread::ThreadId;
#[cfg(not(loom))]
pub(crate) type ThreadId = std::thread::ThreadId;

/// The id of the calling thread.
pub(crate) fn current_thread() -> ThreadId {
    #[cfg(loom)]
    return loom::thread::current().id();
    #[cfg(not(loom))]
    return std::thread::current().id();
}

/// The instant `timeout` from now, or `None` (no deadline at all) when it is too far away to
/// represent, as `Duration::MAX` is: a huge timeout means "wait as long as it takes", never a panic.
pub(crate) fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

/// Locks `mutex`, ignoring poisoning: every critical section in this crate leaves its state
/// consistent before any user code runs, and user code never runs under these locks.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Waits on `condvar` until notified or `deadline` passes (forever when `None`).
/// Returns the guard and whether the deadline had passed.
pub(crate) fn wait_until<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    deadline: Option<Instant>,
) -> (MutexGuard<'a, T>, bool) {
    match deadline {
        None => (
            condvar.wait(guard).unwrap_or_else(|p| p.into_inner()),
            false,
        ),
        Some(deadline) => {
            let now = Instant::now();
            if now >= deadline {
                return (guard, true);
            }
            let (guard, _) = condvar
                .wait_timeout(guard, deadline - now)
                .unwrap_or_else(|p| p.into_inner());
            (guard, Instant::now() >= deadline)
        }
    }
}
