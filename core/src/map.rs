//! [`Map`]: the lazy, ordered, bounded iterator behind [`Executor::map`].

use std::collections::VecDeque;
use std::fmt;
use std::iter::Fuse;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::{Error, Executor, Future};

/// The iterator returned by [`Executor::map`]: one `Result` per input item, in input order.
///
/// ```
/// use concurrent::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(2);
/// let mut lengths = pool.map(|word: &str| word.len(), ["map", "is", "lazy"]).buffer_size(2);
/// assert_eq!(lengths.next(), Some(Ok(3)));
/// assert_eq!(lengths.collect::<Vec<_>>(), [Ok(2), Ok(4)]);
/// ```
pub struct Map<'a, E, I: Iterator, F, R> {
    executor: &'a E,
    items: Fuse<I>,
    f: Arc<F>,
    in_flight: VecDeque<Future<R>>,
    buffer_size: usize,
    started: Instant,
    timeout: Option<Duration>,
    /// Set after a timeout: nothing more is yielded.
    finished: bool,
    /// Set after a refused submission: no more items are submitted.
    refused: bool,
}

impl<'a, E, I, F, R> Map<'a, E, I, F, R>
where
    E: Executor,
    I: Iterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> R + Send + Sync + 'static,
    R: Send + 'static,
{
    pub(crate) fn new(executor: &'a E, f: F, items: I) -> Self {
        Map {
            executor,
            items: items.fuse(),
            f: Arc::new(f),
            in_flight: VecDeque::new(),
            buffer_size: executor.max_workers().saturating_mul(2).max(1),
            started: Instant::now(),
            timeout: None,
            finished: false,
            refused: false,
        }
    }

    /// At most `size` tasks in flight (submitted and not yet yielded); 0 counts as 1.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::new(2);
    /// let doubled: Vec<_> = pool.map(|n: i32| n * 2, 0..100).buffer_size(8).map(Result::unwrap).collect();
    /// assert_eq!(doubled.len(), 100);
    /// ```
    pub fn buffer_size(mut self, size: usize) -> Self {
        self.buffer_size = size.max(1);
        self
    }

    /// One overall deadline, counted from the call to [`Executor::map`]: when it passes before the
    /// next result is ready, the iterator yields `Err(Error::TimedOut)`, cancels what has not
    /// started, and ends.
    ///
    /// ```
    /// use std::time::Duration;
    /// use concurrent::{Error, Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(1);
    /// let (_keep_blocked, blocked) = std::sync::mpsc::channel::<()>();
    /// let blocked = std::sync::Mutex::new(blocked);
    /// let mut results = pool
    ///     .map(move |_: u8| { let _ = blocked.lock().unwrap().recv_timeout(Duration::from_secs(5)); }, [1])
    ///     .timeout(Duration::from_millis(10));
    /// assert_eq!(results.next(), Some(Err(Error::TimedOut)));
    /// assert_eq!(results.next(), None);
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    fn fill(&mut self) {
        while !self.refused && self.in_flight.len() < self.buffer_size {
            let Some(item) = self.items.next() else {
                return;
            };
            let f = Arc::clone(&self.f);
            match self.executor.submit(move || f(item)) {
                Ok(future) => self.in_flight.push_back(future),
                Err(error) => {
                    // Report the refusal at this item's position, then stop submitting.
                    self.in_flight.push_back(Future::ready(Err(error)));
                    self.refused = true;
                }
            }
        }
    }

    fn cancel_in_flight(&mut self) {
        for future in self.in_flight.drain(..) {
            future.cancel();
        }
    }
}

impl<E, I, F, R> Iterator for Map<'_, E, I, F, R>
where
    E: Executor,
    I: Iterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> R + Send + Sync + 'static,
    R: Send + 'static,
{
    type Item = Result<R, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        self.fill();
        let mut next = self.in_flight.pop_front()?;
        // A timeout too long to represent as an instant is no deadline at all.
        match self
            .timeout
            .and_then(|timeout| self.started.checked_add(timeout))
        {
            None => Some(next.result()),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                match next.result_timeout(left) {
                    Err(Error::TimedOut) => {
                        next.cancel();
                        self.cancel_in_flight();
                        self.finished = true;
                        Some(Err(Error::TimedOut))
                    }
                    outcome => Some(outcome),
                }
            }
        }
    }
}

impl<E, I: Iterator, F, R> Drop for Map<'_, E, I, F, R> {
    fn drop(&mut self) {
        for future in self.in_flight.drain(..) {
            future.cancel();
        }
    }
}

impl<E, I: Iterator, F, R> fmt::Debug for Map<'_, E, I, F, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Map")
            .field("in_flight", &self.in_flight.len())
            .field("buffer_size", &self.buffer_size)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
