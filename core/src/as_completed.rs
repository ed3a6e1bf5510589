//! [`as_completed`]: take results in the order tasks finish, not the order they were submitted.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use crate::Error;
use crate::sync::{self, Arc};
use crate::waitable::{Waitable, dedup};
use crate::waiter::Waiter;

/// Yields each item as its future becomes done: first those already done, then the rest in
/// completion order. With a `timeout`, one overall deadline counts from this call: when it passes
/// with futures still pending, the iterator yields `Err(Error::TimedOut)` once and then ends; the
/// pending items can be taken back with [`AsCompleted::into_pending`].
///
/// Items can be futures, references to futures, or `(context, future)` pairs (see [`Waitable`]).
/// A future given twice is yielded once. Cancelled futures are yielded like any other done future
/// (CPython's gh-92001 never yields them and hangs).
///
/// ```
/// use concurrent::{Executor, ThreadPoolExecutor, as_completed};
///
/// let pool = ThreadPoolExecutor::new(4);
/// let futures: Vec<_> = (1..=4u64).map(|n| pool.submit(move || n * n).unwrap()).collect();
/// let mut total = 0;
/// for future in as_completed(futures, None) {
///     total += future.unwrap().result().unwrap();
/// }
/// assert_eq!(total, 1 + 4 + 9 + 16);
/// ```
pub fn as_completed<W, I>(futures: I, timeout: Option<Duration>) -> AsCompleted<W>
where
    W: Waitable,
    I: IntoIterator<Item = W>,
{
    let deadline = timeout.and_then(sync::deadline_after);
    let items: Vec<Option<W>> = dedup(futures).into_iter().map(Some).collect();
    let waiter = Arc::new(Waiter::new());
    let mut ready = VecDeque::new();
    for (index, item) in items.iter().enumerate() {
        let Some(item) = item else { continue };
        if item
            .completion_handle()
            .0
            .register(&waiter, index)
            .is_some()
        {
            ready.push_back(index);
        }
    }
    let remaining = items.len();
    AsCompleted {
        items,
        ready,
        remaining,
        waiter,
        deadline,
        timed_out: false,
    }
}

/// The iterator returned by [`as_completed`]. Dropping it stops listening to the pending futures
/// (it does not cancel them).
///
/// ```
/// use std::time::Duration;
/// use concurrent::{AsCompleted, Executor, Future, ThreadPoolExecutor, as_completed};
///
/// let pool = ThreadPoolExecutor::new(2);
/// let futures: Vec<Future<u32>> = (1..=3).map(|n| pool.submit(move || n * 10).unwrap()).collect();
/// let mut finished: AsCompleted<&Future<u32>> = as_completed(&futures, Some(Duration::from_secs(5)));
/// let first = finished.next().unwrap().unwrap();
/// assert!(first.is_done());
/// assert_eq!(finished.count(), 2);
/// ```
pub struct AsCompleted<W: Waitable> {
    items: Vec<Option<W>>,
    ready: VecDeque<usize>,
    remaining: usize,
    waiter: Arc<Waiter>,
    deadline: Option<Instant>,
    timed_out: bool,
}

impl<W: Waitable> AsCompleted<W> {
    /// The items not yielded yet, in input order: after a timeout, these are the pending ones.
    ///
    /// ```
    /// use std::time::Duration;
    /// use concurrent::{Error, Promise, as_completed};
    ///
    /// let (_promise, future) = Promise::<()>::new();
    /// let mut pending = as_completed([future], Some(Duration::from_millis(1)));
    /// assert_eq!(pending.next().unwrap().unwrap_err(), Error::TimedOut);
    /// assert_eq!(pending.into_pending().len(), 1);
    /// ```
    pub fn into_pending(mut self) -> Vec<W> {
        self.unregister_all();
        std::mem::take(&mut self.items)
            .into_iter()
            .flatten()
            .collect()
    }

    fn unregister_all(&self) {
        for item in self.items.iter().flatten() {
            item.completion_handle().0.unregister(&self.waiter);
        }
    }

    fn take(&mut self, index: usize) -> Option<W> {
        let item = self.items[index].take()?;
        self.remaining -= 1;
        Some(item)
    }
}

impl<W: Waitable> Iterator for AsCompleted<W> {
    type Item = Result<W, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.timed_out {
            return None;
        }
        while let Some(index) = self.ready.pop_front() {
            if let Some(item) = self.take(index) {
                return Some(Ok(item));
            }
        }
        while self.remaining > 0 {
            match self.waiter.next(self.deadline) {
                Some((index, _)) => {
                    if let Some(item) = self.take(index) {
                        return Some(Ok(item));
                    }
                }
                None => {
                    self.timed_out = true;
                    return Some(Err(Error::TimedOut));
                }
            }
        }
        None
    }
}

impl<W: Waitable> Drop for AsCompleted<W> {
    fn drop(&mut self) {
        self.unregister_all();
    }
}

impl<W: Waitable> fmt::Debug for AsCompleted<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("remaining", &self.remaining)
            .field("timed_out", &self.timed_out)
            .finish()
    }
}
