//! [`wait`]: block until some or all of a group of futures are done.

use std::time::Duration;

use crate::sync::{self, Arc};
use crate::waitable::{Waitable, dedup};
use crate::waiter::Waiter;

/// When [`wait`] returns: Python's `FIRST_COMPLETED`, `FIRST_EXCEPTION` and `ALL_COMPLETED`.
///
/// ```
/// use concurrent::{Promise, ReturnWhen, wait};
///
/// let (failing, failed) = Promise::<u8>::new();
/// let (_never, pending) = Promise::<u8>::new();
/// failing.set_error(concurrent::Error::Broken("disk full".into()));
/// // FIRST_EXCEPTION returns as soon as one future failed, even with another still pending.
/// let (done, not_done) = wait([&failed, &pending], None, ReturnWhen::FirstException);
/// assert_eq!((done.len(), not_done.len()), (1, 1));
/// assert_eq!(ReturnWhen::default(), ReturnWhen::AllCompleted);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReturnWhen {
    /// As soon as any future is done (finished or cancelled).
    FirstCompleted,
    /// As soon as any future fails (panics or breaks); like `AllCompleted` if none fails.
    /// A cancelled future is not a failure.
    FirstException,
    /// When every future is done.
    #[default]
    AllCompleted,
}

/// Waits until the condition `return_when` holds or `timeout` passes, and returns the items split
/// into `(done, not_done)`, each in input order. A timeout is not an error: it shows as a non-empty
/// `not_done`. An item whose future appears earlier in the list is dropped (Python works on sets).
///
/// Cancelled futures count as done and are returned at once (CPython's gh-109934 keeps them waiting).
///
/// ```
/// use std::time::Duration;
/// use concurrent::{Executor, ReturnWhen, ThreadPoolExecutor, wait};
///
/// let pool = ThreadPoolExecutor::new(2);
/// let quick = pool.submit(|| 1).unwrap();
/// let (gate, blocked) = std::sync::mpsc::channel::<()>();
/// let slow = pool.submit(move || blocked.recv().map(|_| 2).unwrap_or(0)).unwrap();
///
/// let (done, not_done) = wait([quick, slow], Some(Duration::from_secs(5)), ReturnWhen::FirstCompleted);
/// assert_eq!((done.len(), not_done.len()), (1, 1));
/// drop(gate); // lets the slow task finish
/// ```
pub fn wait<W, I>(
    futures: I,
    timeout: Option<Duration>,
    return_when: ReturnWhen,
) -> (Vec<W>, Vec<W>)
where
    W: Waitable,
    I: IntoIterator<Item = W>,
{
    let deadline = timeout.and_then(sync::deadline_after);
    let items = dedup(futures);
    let waiter = Arc::new(Waiter::new());
    let mut seen = Seen::new(items.len());
    for (index, item) in items.iter().enumerate() {
        if let Some(failed) = item.completion_handle().0.register(&waiter, index) {
            seen.mark(index, failed);
        }
    }
    while !seen.satisfies(return_when) {
        match waiter.next(deadline) {
            Some((index, failed)) => seen.mark(index, failed),
            None => break,
        }
    }
    for item in &items {
        item.completion_handle().0.unregister(&waiter);
    }
    // Completions that raced with the unregistering still count: report everything we heard of.
    while let Some((index, failed)) = waiter.try_next() {
        seen.mark(index, failed);
    }
    let (mut finished, mut pending) = (Vec::new(), Vec::new());
    for (item, is_done) in items.into_iter().zip(seen.done) {
        if is_done {
            finished.push(item);
        } else {
            pending.push(item);
        }
    }
    (finished, pending)
}

/// Which futures the waiter has seen done, and whether any of them failed.
struct Seen {
    done: Vec<bool>,
    count: usize,
    any_failed: bool,
}

impl Seen {
    fn new(len: usize) -> Self {
        Seen {
            done: vec![false; len],
            count: 0,
            any_failed: false,
        }
    }

    fn mark(&mut self, index: usize, failed: bool) {
        if !std::mem::replace(&mut self.done[index], true) {
            self.count += 1;
            self.any_failed |= failed;
        }
    }

    fn satisfies(&self, return_when: ReturnWhen) -> bool {
        let all = self.count == self.done.len();
        match return_when {
            ReturnWhen::FirstCompleted => all || self.count > 0,
            ReturnWhen::FirstException => all || self.any_failed,
            ReturnWhen::AllCompleted => all,
        }
    }
}
