//! Deadlocks, caught and fixed. Two classic ones: a non-reentrant mutex locked twice by one thread,
//! and two threads taking two locks in opposite orders. A deadlocked thread cannot be stopped or
//! killed, so the watcher here only *names* the threads that missed their deadline (and leaves
//! them blocked: a real program would report and exit).
//!
//! The locks are `parking_lot`'s: locking one twice on a thread is documented to deadlock (std's
//! "might panic or deadlock"), and `try_lock_for` gives up after a timeout (std has only
//! `try_lock`).

use std::sync::mpsc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// A bank account.
#[derive(Debug)]
pub struct Account {
    /// Which account: locks are taken in the order of the ids.
    pub id: u32,
    /// The balance, in cents.
    pub balance: Mutex<i64>,
}

impl Account {
    /// An account with `balance` cents.
    pub fn new(id: u32, balance: i64) -> Self {
        Account {
            id,
            balance: Mutex::new(balance),
        }
    }
}

/// A thread to watch: its name and its work.
pub type Watched = (String, Box<dyn FnOnce() + Send>);

// ANCHOR: watch
/// Runs each piece of work on a thread named after it and waits until `limit` for all of them.
/// `Err` names the threads still running then: probably deadlocked (they are left running).
pub fn watch(limit: Duration, work: Vec<Watched>) -> Result<(), Vec<String>> {
    let deadline = Instant::now() + limit;
    let (done_tx, done) = mpsc::channel();
    let mut running = Vec::new();
    for (name, job) in work {
        let report = Finished(done_tx.clone(), name.clone());
        let spawned = std::thread::Builder::new()
            .name(name.clone())
            .spawn(move || {
                let _report = report; // says "finished" when dropped: on return and on panic
                job();
            });
        if spawned.is_ok() {
            running.push(name);
        }
    }
    drop(done_tx);
    while !running.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        match done.recv_timeout(left) {
            Ok(name) => running.retain(|n| *n != name),
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            Err(mpsc::RecvTimeoutError::Timeout) => return Err(running),
        }
    }
    Ok(())
}

/// Sends its thread's name when dropped.
struct Finished(mpsc::Sender<String>, String);

impl Drop for Finished {
    fn drop(&mut self) {
        let _ = self.0.send(std::mem::take(&mut self.1));
    }
}
// ANCHOR_END: watch

// ANCHOR: lock_twice
/// The fee of a withdrawal: 1% of the balance. It takes the lock itself...
fn fee(account: &Account) -> i64 {
    *account.balance.lock() / 100
}

/// ...so calling it while holding the lock locks the same mutex twice on one thread: a mutex is
/// not reentrant, the second `lock` waits for the first to be released, which never happens.
pub fn withdraw_deadlocks(account: &Account, amount: i64) {
    let mut balance = account.balance.lock();
    *balance -= amount + fee(account); // deadlock: `fee` locks `balance` again
}

/// Fixed by restructuring: the helper takes the value, not the lock; one lock, taken once.
pub fn withdraw(account: &Account, amount: i64) {
    let mut balance = account.balance.lock();
    let fee = *balance / 100;
    *balance -= amount + fee;
}
// ANCHOR_END: lock_twice

// ANCHOR: opposite_order
/// Takes `from`'s lock, then `to`'s. Two transfers in opposite directions at once can each hold
/// their first lock and wait forever for the other's. `between` runs while only the first lock is
/// held (the demo and the tests meet at a barrier there, which makes the deadlock certain).
pub fn transfer_deadlocks(from: &Account, to: &Account, amount: i64, between: impl FnOnce()) {
    let mut source = from.balance.lock();
    between();
    let mut target = to.balance.lock();
    *source -= amount;
    *target += amount;
}

/// Fixed by a lock order: every thread takes the lower id first, so no two threads each hold
/// what the other waits for.
pub fn transfer_ordered(from: &Account, to: &Account, amount: i64) {
    let (first, second) = if from.id < to.id {
        (from, to)
    } else {
        (to, from)
    };
    let mut first_balance = first.balance.lock();
    let mut second_balance = second.balance.lock();
    let (source, target) = if from.id < to.id {
        (&mut *first_balance, &mut *second_balance)
    } else {
        (&mut *second_balance, &mut *first_balance)
    };
    *source -= amount;
    *target += amount;
}

/// Fixed by giving up: wait for the second lock at most `patience`; on failure release the first
/// and report, so the caller can back off and retry (`between` as in [`transfer_deadlocks`]).
pub fn try_transfer(
    from: &Account,
    to: &Account,
    amount: i64,
    patience: Duration,
    between: impl FnOnce(),
) -> Result<(), Busy> {
    let mut source = from.balance.lock();
    between();
    let Some(mut target) = to.balance.try_lock_for(patience) else {
        return Err(Busy); // `source` is released here
    };
    *source -= amount;
    *target += amount;
    Ok(())
}
// ANCHOR_END: opposite_order

/// [`try_transfer`] could not take the second lock in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;
