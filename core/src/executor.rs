//! [`Executor`]: the one interface of every pool, so course code is written once and runs on either.

use crate::map::Map;
use crate::{Error, Future};
use std::sync::Arc;

/// What every executor of this crate can do: Python's `concurrent.futures.Executor`.
///
/// Write your code against `E: Executor` and the caller picks the pool: a
/// [`ThreadPoolExecutor`](crate::ThreadPoolExecutor) for work that waits (network, disk), a
/// [`CpuPoolExecutor`](crate::CpuPoolExecutor) for work that computes. This is the Python lesson
/// "same interface, swap the class".
///
/// ```
/// use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor};
///
/// fn total_len(executor: &impl Executor, words: &[&'static str]) -> usize {
///     executor.map(|word: &str| word.len(), words.iter().copied()).map(|len| len.unwrap()).sum()
/// }
///
/// let words = ["ferris", "crab", "rust"];
/// assert_eq!(total_len(&ThreadPoolExecutor::new(4), &words), 14);
/// assert_eq!(total_len(&CpuPoolExecutor::new(2), &words), 14);
/// ```
///
/// The trait is implemented for references and `Arc`s of executors too, so a pool can be shared
/// with tasks that submit more work.
pub trait Executor {
    /// Schedules `task` and returns its [`Future`] at once (Python's `submit(fn, *args)`: Rust
    /// closures capture the arguments). `Send + 'static` is Rust's "must be picklable": the task
    /// moves to another thread and may outlive the caller's stack frame, so it must own its data.
    ///
    /// Refused with [`Error::Shutdown`] after [`shutdown`](Executor::shutdown), or with
    /// [`Error::Broken`] when the pool is broken. It never panics.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::new(2);
    /// let name = String::from("ferris");
    /// let future = pool.submit(move || name.to_uppercase()).unwrap();
    /// assert_eq!(future.result().unwrap(), "FERRIS");
    /// ```
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;

    /// The most tasks that run at the same time.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// assert_eq!(ThreadPoolExecutor::new(3).max_workers(), 3);
    /// ```
    fn max_workers(&self) -> usize;

    /// Stops accepting tasks. With `cancel_futures`, queued tasks that have not started are
    /// cancelled; the others still run. With `wait`, blocks until every running and queued task is
    /// done and the workers have exited. Calling it again is harmless.
    ///
    /// Called from inside one of the pool's own tasks or callbacks, it never waits (a worker cannot
    /// wait for itself), so it cannot deadlock. Dropping the executor is `shutdown(true, false)`:
    /// the Rust form of leaving Python's `with` block.
    ///
    /// ```
    /// use concurrent::{Error, Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::new(1);
    /// let queued = pool.submit(|| 1).unwrap();
    /// pool.shutdown(true, false);
    /// assert_eq!(queued.result(), Ok(1));
    /// assert_eq!(pool.submit(|| 2).unwrap_err(), Error::Shutdown);
    /// ```
    fn shutdown(&self, wait: bool, cancel_futures: bool);

    /// Applies `f` to every item on the pool and yields the results **in input order** (Python's
    /// `executor.map`). It is lazy and bounded: at most [`buffer_size`](Map::buffer_size) tasks
    /// (by default twice [`max_workers`](Executor::max_workers)) are in flight, and items are
    /// pulled from `items` only as results are consumed (Python 3.14's `buffersize`). An item whose
    /// task panicked yields `Err` at its position and the iteration goes on. With
    /// [`timeout`](Map::timeout), the deadline counts from this call. Like every Rust iterator it
    /// does nothing until it is iterated: the first tasks are submitted by the first `next()`, so
    /// iterate right away. Dropping the iterator cancels the tasks that have not started.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(4);
    /// let squares: Vec<u64> = pool.map(|n: u64| n * n, 1..=5).collect::<Result<_, _>>().unwrap();
    /// assert_eq!(squares, [1, 4, 9, 16, 25]);
    /// ```
    fn map<I, F, R>(&self, f: F, items: I) -> Map<'_, Self, I::IntoIter, F, R>
    where
        Self: Sized,
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> R + Send + Sync + 'static,
        R: Send + 'static,
    {
        Map::new(self, f, items.into_iter())
    }
}

impl<E: Executor + ?Sized> Executor for &E {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        (**self).submit(task)
    }

    fn max_workers(&self) -> usize {
        (**self).max_workers()
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        (**self).shutdown(wait, cancel_futures)
    }
}

impl<E: Executor + ?Sized> Executor for Arc<E> {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        (**self).submit(task)
    }

    fn max_workers(&self) -> usize {
        (**self).max_workers()
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        (**self).shutdown(wait, cancel_futures)
    }
}
