//! Helpers for tests of concurrent code, shared by this crate's tests and the course's exercises.
//!
//! Concurrency is tested with witnesses, not sleeps: [`deadline`] turns a hang into a failure that
//! says what hung, [`CountingExecutor`] wraps any executor to count the tasks in flight and hold
//! them at a gate until enough run at once, so a test can tell parallel code from sequential code
//! without timing anything, and [`AdversarialExecutor`] completes tasks in a reversed or shuffled
//! order, so code that loses the input order fails in every run.

mod adversarial;

pub use adversarial::{AdversarialExecutor, Order};

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::{Error, Executor, Future};

/// Runs `f` on its own thread and returns its value, or panics with a message naming `what` if it
/// has not finished after `limit`: the test fails instead of hanging the whole suite. A panic inside
/// `f` is passed on unchanged. (The stuck thread is left behind; the test process ends soon after.)
///
/// ```
/// use std::time::Duration;
/// use concurrent::testing::deadline;
///
/// let sum = deadline("summing", Duration::from_secs(5), || (1..=10).sum::<u32>());
/// assert_eq!(sum, 55);
/// ```
///
/// ```should_panic
/// use std::time::Duration;
/// concurrent::testing::deadline("a receive that never gets a message", Duration::from_millis(10), || {
///     let (_tx, rx) = std::sync::mpsc::channel::<()>();
///     rx.recv().ok();
/// });
/// ```
pub fn deadline<T, F>(what: &str, limit: Duration, f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    try_deadline(what, limit, f).unwrap_or_else(|_| {
        panic!(
            "{what} did not finish within {limit:?}: it probably hung (a deadlock, a lock held \
             across a wait, a worker that never returned, or a result nobody sends?)"
        )
    })
}

/// Like [`deadline`], but a timeout is returned as [`Error::TimedOut`] instead of a panic, so the
/// caller can fail with a message of its own (`course_testing`'s test attribute does). `f` runs on
/// a thread named `what`, so a panic inside it reads "thread '`what`' panicked".
///
/// ```
/// use std::time::Duration;
/// use concurrent::{Error, testing::try_deadline};
///
/// assert_eq!(try_deadline("adding", Duration::from_secs(5), || 2 + 2), Ok(4));
/// let stuck = try_deadline("waiting forever", Duration::from_millis(10), || {
///     let (_tx, rx) = std::sync::mpsc::channel::<()>();
///     rx.recv().ok();
/// });
/// assert_eq!(stuck, Err(Error::TimedOut));
/// ```
pub fn try_deadline<T, F>(what: &str, limit: Duration, f: F) -> Result<T, Error>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (sender, receiver) = std::sync::mpsc::channel();
    let runner = std::thread::Builder::new()
        .name(what.to_owned())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = sender.send(outcome);
        })
        .unwrap_or_else(|error| panic!("could not start a thread to run {what}: {error}"));
    match receiver.recv_timeout(limit) {
        Ok(Ok(value)) => {
            let _ = runner.join();
            Ok(value)
        }
        Ok(Err(payload)) => std::panic::resume_unwind(payload),
        Err(_) => Err(Error::TimedOut),
    }
}

/// Wraps an executor to witness parallelism: it counts tasks submitted, running and finished, keeps
/// the largest number that ran at the same time, and can hold every task at a gate until `n` of them
/// are running together.
///
/// Without a gate, tiny tasks on two workers may happen to run one after the other and a check of
/// "at least two at once" would be flaky. With [`with_gate(2, ..)`](CountingExecutor::with_gate), each
/// task waits at its start until two tasks are inside: parallel code always gets there, sequential
/// code never does, and after `timeout` the gate gives up, opens for good and records it, so a wrong
/// solution fails fast instead of hanging.
///
/// ```
/// use std::time::Duration;
/// use concurrent::{Executor, ThreadPoolExecutor};
/// use concurrent::testing::CountingExecutor;
///
/// let pool = CountingExecutor::new(ThreadPoolExecutor::new(2)).with_gate(2, Duration::from_secs(5));
/// let futures: Vec<_> = (0..4).map(|n| pool.submit(move || n * 10).unwrap()).collect();
/// let total: i32 = futures.into_iter().map(|f| f.result().unwrap()).sum();
/// assert_eq!(total, 60);
/// assert!(pool.max_in_flight() >= 2);
/// assert!(!pool.gate_timed_out());
/// ```
pub struct CountingExecutor<E> {
    inner: E,
    stats: Arc<Stats>,
}

#[derive(Default)]
struct Stats {
    submitted: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    finished: AtomicUsize,
    gate: Option<Gate>,
}

struct Gate {
    needed: usize,
    timeout: Duration,
    state: Mutex<GateState>,
    opened: Condvar,
}

#[derive(Default)]
struct GateState {
    open: bool,
    timed_out: bool,
}

impl<E: Executor> CountingExecutor<E> {
    /// Counts the tasks of `inner`, with no gate.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor, testing::CountingExecutor};
    /// let pool = CountingExecutor::new(ThreadPoolExecutor::new(1));
    /// pool.submit(|| ()).unwrap().wait();
    /// assert_eq!((pool.submitted(), pool.finished()), (1, 1));
    /// ```
    pub fn new(inner: E) -> Self {
        CountingExecutor {
            inner,
            stats: Arc::new(Stats::default()),
        }
    }

    /// Holds each task at its start until `needed` tasks are running at the same time, or until
    /// `timeout` has passed for a waiting task; then the gate stays open for every later task.
    ///
    /// ```
    /// use std::time::Duration;
    /// use concurrent::{Executor, ThreadPoolExecutor, testing::CountingExecutor};
    /// let pool = CountingExecutor::new(ThreadPoolExecutor::new(1)).with_gate(2, Duration::from_millis(20));
    /// pool.submit(|| ()).unwrap().wait(); // one worker can never have two tasks in flight
    /// assert!(pool.gate_timed_out());
    /// ```
    pub fn with_gate(mut self, needed: usize, timeout: Duration) -> Self {
        self.stats = Arc::new(Stats {
            gate: Some(Gate {
                needed,
                timeout,
                state: Mutex::new(GateState::default()),
                opened: Condvar::new(),
            }),
            ..Stats::default()
        });
        self
    }

    /// Tasks submitted so far.
    ///
    /// ```
    /// use concurrent::{ThreadPoolExecutor, testing::CountingExecutor};
    /// assert_eq!(CountingExecutor::new(ThreadPoolExecutor::new(1)).submitted(), 0);
    /// ```
    pub fn submitted(&self) -> usize {
        self.stats.submitted.load(Ordering::SeqCst)
    }

    /// Tasks running right now.
    ///
    /// ```
    /// use concurrent::{ThreadPoolExecutor, testing::CountingExecutor};
    /// assert_eq!(CountingExecutor::new(ThreadPoolExecutor::new(1)).in_flight(), 0);
    /// ```
    pub fn in_flight(&self) -> usize {
        self.stats.in_flight.load(Ordering::SeqCst)
    }

    /// The most tasks that were running at the same time.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor, testing::CountingExecutor};
    /// let pool = CountingExecutor::new(ThreadPoolExecutor::new(1));
    /// pool.submit(|| ()).unwrap().wait();
    /// assert_eq!(pool.max_in_flight(), 1);
    /// ```
    pub fn max_in_flight(&self) -> usize {
        self.stats.max_in_flight.load(Ordering::SeqCst)
    }

    /// Tasks that have finished (returned or panicked).
    ///
    /// ```
    /// use concurrent::{ThreadPoolExecutor, testing::CountingExecutor};
    /// assert_eq!(CountingExecutor::new(ThreadPoolExecutor::new(1)).finished(), 0);
    /// ```
    pub fn finished(&self) -> usize {
        self.stats.finished.load(Ordering::SeqCst)
    }

    /// True if the gate gave up waiting: the tasks never were `needed` at once.
    ///
    /// ```
    /// use concurrent::{ThreadPoolExecutor, testing::CountingExecutor};
    /// assert!(!CountingExecutor::new(ThreadPoolExecutor::new(1)).gate_timed_out());
    /// ```
    pub fn gate_timed_out(&self) -> bool {
        self.stats.gate.as_ref().is_some_and(|gate| {
            gate.state
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .timed_out
        })
    }

    /// The wrapped executor.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor, testing::CountingExecutor};
    /// let pool = CountingExecutor::new(ThreadPoolExecutor::new(3));
    /// assert_eq!(pool.inner().max_workers(), 3);
    /// ```
    pub fn inner(&self) -> &E {
        &self.inner
    }
}

impl Stats {
    fn enter(&self) {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let Some(gate) = &self.gate else { return };
        let mut state = gate.state.lock().unwrap_or_else(|p| p.into_inner());
        if now >= gate.needed {
            state.open = true;
            gate.opened.notify_all();
        }
        // A timeout too long to represent (`Duration::MAX`) never gives up.
        let give_up = Instant::now().checked_add(gate.timeout);
        while !state.open {
            let Some(give_up) = give_up else {
                state = gate.opened.wait(state).unwrap_or_else(|p| p.into_inner());
                continue;
            };
            let left = give_up.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.open = true;
                state.timed_out = true;
                gate.opened.notify_all();
                break;
            }
            state = gate
                .opened
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    fn leave(&self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
}

/// Decrements the in-flight count even when the task panics.
struct Leave(Arc<Stats>);

impl Drop for Leave {
    fn drop(&mut self) {
        self.0.leave();
    }
}

impl<E: Executor> Executor for CountingExecutor<E> {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let stats = Arc::clone(&self.stats);
        self.stats.submitted.fetch_add(1, Ordering::SeqCst);
        self.inner
            .submit(move || {
                stats.enter();
                let _leave = Leave(stats);
                task()
            })
            .inspect_err(|_| {
                self.stats.submitted.fetch_sub(1, Ordering::SeqCst);
            })
    }

    fn max_workers(&self) -> usize {
        self.inner.max_workers()
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.inner.shutdown(wait, cancel_futures);
    }
}

impl<E: fmt::Debug> fmt::Debug for CountingExecutor<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CountingExecutor")
            .field("inner", &self.inner)
            .field("submitted", &self.stats.submitted)
            .field("in_flight", &self.stats.in_flight)
            .field("max_in_flight", &self.stats.max_in_flight)
            .finish()
    }
}
