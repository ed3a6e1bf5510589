//! A wrapper executor of your own: the seed's custom context manager. What leaving Python's `with`
//! block does (shut down and wait), Rust's `Drop` already does for every pool; a wrapper earns its
//! place by adding something real. This one names its pool and counts what its tasks did, and
//! reports the counts when it is dropped, after the last task has finished.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use concurrent::{Error, Executor, Future};

/// What the tasks of a [`MeteredExecutor`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Metrics {
    /// Tasks accepted by the pool.
    pub submitted: usize,
    /// Tasks that returned.
    pub succeeded: usize,
    /// Tasks that panicked.
    pub panicked: usize,
    /// Tasks cancelled before they started.
    pub cancelled: usize,
    /// The time the pool's workers spent running tasks, added up.
    pub busy: Duration,
}

impl fmt::Display for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} submitted, {} succeeded, {} panicked, {} cancelled, {:.3} s busy",
            self.submitted,
            self.succeeded,
            self.panicked,
            self.cancelled,
            self.busy.as_secs_f64()
        )
    }
}

/// What a [`MeteredExecutor`] does with its metrics when it is dropped.
pub type Report = Box<dyn FnOnce(&str, &Metrics) + Send>;

// ANCHOR: wrapper
/// Any executor, plus a name and [`Metrics`], reported on drop.
pub struct MeteredExecutor<E: Executor> {
    name: String,
    inner: E,
    metrics: Arc<Mutex<Metrics>>,
    report: Option<Report>,
}

impl<E: Executor> MeteredExecutor<E> {
    /// Wraps `inner`; by default the metrics are printed on stderr when the wrapper is dropped.
    pub fn new(name: impl Into<String>, inner: E) -> Self {
        MeteredExecutor {
            name: name.into(),
            inner,
            metrics: Arc::default(),
            report: Some(Box::new(|name, metrics| eprintln!("[{name}] {metrics}"))),
        }
    }

    /// Reports the final metrics with `report` instead.
    pub fn on_drop(mut self, report: impl FnOnce(&str, &Metrics) + Send + 'static) -> Self {
        self.report = Some(Box::new(report));
        self
    }

    /// The metrics so far.
    pub fn metrics(&self) -> Metrics {
        lock(&self.metrics).clone()
    }
}

impl<E: Executor> Executor for MeteredExecutor<E> {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let timer = BusyTimer(Arc::clone(&self.metrics), None);
        // Counted before the task can finish, so `succeeded` never runs ahead of `submitted`.
        lock(&self.metrics).submitted += 1;
        let submitted = self.inner.submit(move || {
            let mut timer = timer;
            timer.1 = Some(Instant::now()); // counts from the start, even if the task panics
            task()
        });
        let future = submitted.inspect_err(|_| lock(&self.metrics).submitted -= 1)?;
        let metrics = Arc::clone(&self.metrics);
        future.add_done_callback(move |outcome| {
            let mut metrics = lock(&metrics);
            match outcome {
                Ok(_) => metrics.succeeded += 1,
                Err(Error::Cancelled) => metrics.cancelled += 1,
                Err(_) => metrics.panicked += 1,
            }
        });
        Ok(future)
    }

    fn max_workers(&self) -> usize {
        self.inner.max_workers()
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.inner.shutdown(wait, cancel_futures);
    }
}

impl<E: Executor> Drop for MeteredExecutor<E> {
    fn drop(&mut self) {
        // Wait for every task first (what dropping `inner` would do anyway, but later), so the
        // report counts them all.
        self.inner.shutdown(true, false);
        if let Some(report) = self.report.take() {
            report(&self.name, &self.metrics());
        }
    }
}
// ANCHOR_END: wrapper

impl<E: Executor> fmt::Debug for MeteredExecutor<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MeteredExecutor")
            .field("name", &self.name)
            .field("metrics", &self.metrics())
            .finish_non_exhaustive()
    }
}

/// Adds the time since its start to the busy time when dropped: when the task returns or unwinds.
struct BusyTimer(Arc<Mutex<Metrics>>, Option<Instant>);

impl Drop for BusyTimer {
    fn drop(&mut self) {
        if let Some(start) = self.1 {
            lock(&self.0).busy += start.elapsed();
        }
    }
}

/// The metrics stay usable even if a thread panicked while holding the lock (they are counters).
fn lock(metrics: &Mutex<Metrics>) -> std::sync::MutexGuard<'_, Metrics> {
    metrics.lock().unwrap_or_else(PoisonError::into_inner)
}
