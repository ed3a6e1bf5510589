//! What the behaviour tests share: executor factories, a macro that runs one generic test on both
//! executors, gates that hold tasks until the test lets them go, ready-made futures in each state
//! (CPython's `create_future(state=...)`), and a logger that captures `log` records.
//!
//! Each test binary includes this module with `#[macro_use] mod common;` and uses part of it.
#![allow(dead_code, unused_macros)]

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use concurrent::{CpuPoolExecutor, Error, Executor, Future, Promise, ThreadPoolExecutor};

/// How long a test may run before [`concurrent::testing::deadline`] calls it a hang.
pub const LIMIT: Duration = Duration::from_secs(20);

/// A timeout that is meant to expire: the task waited for is held at a gate.
pub const SHORT: Duration = Duration::from_millis(50);

/// Makes executors of one kind, so a generic test runs on each.
pub trait Pool: 'static {
    type Exec: Executor + Send + Sync + 'static;
    const NAME: &'static str;
    /// 0 means the executor's default.
    fn with_workers(workers: usize) -> Self::Exec;
    /// The live worker threads, where the executor reports them.
    fn live_workers(executor: &Self::Exec) -> Option<usize>;
}

/// [`ThreadPoolExecutor`]s.
pub struct Threads;

impl Pool for Threads {
    type Exec = ThreadPoolExecutor;
    const NAME: &'static str = "ThreadPoolExecutor";
    fn with_workers(workers: usize) -> ThreadPoolExecutor {
        ThreadPoolExecutor::new(workers)
    }
    fn live_workers(executor: &ThreadPoolExecutor) -> Option<usize> {
        Some(executor.worker_count())
    }
}

/// [`CpuPoolExecutor`]s (more threads than cores is fine: tests block tasks on gates).
pub struct Cpu;

impl Pool for Cpu {
    type Exec = CpuPoolExecutor;
    const NAME: &'static str = "CpuPoolExecutor";
    fn with_workers(workers: usize) -> CpuPoolExecutor {
        CpuPoolExecutor::new(workers)
    }
    fn live_workers(_: &CpuPoolExecutor) -> Option<usize> {
        None
    }
}

/// Runs `test` under a deadline whose message names the test and the executor.
pub fn run<P: Pool>(test_name: &str, test: fn()) {
    run_within::<P>(test_name, LIMIT, test);
}

/// [`run`] with another time limit.
pub fn run_within<P: Pool>(test_name: &str, limit: Duration, test: fn()) {
    concurrent::testing::deadline(&format!("{test_name} on {}", P::NAME), limit, test);
}

/// `on_both_executors!(name, ...)` turns each generic `fn name<P: Pool>()` into two tests,
/// `name::thread_pool` and `name::cpu_pool`, each under a deadline.
macro_rules! on_both_executors {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[test]
            fn thread_pool() {
                $crate::common::run::<$crate::common::Threads>(
                    stringify!($name),
                    super::$name::<$crate::common::Threads>,
                );
            }

            #[test]
            fn cpu_pool() {
                $crate::common::run::<$crate::common::Cpu>(
                    stringify!($name),
                    super::$name::<$crate::common::Cpu>,
                );
            }
        }
    )+};
}

/// Runs a non-generic test body under a deadline named after it.
pub fn within_deadline(what: &str, test: impl FnOnce() + Send + 'static) {
    concurrent::testing::deadline(what, LIMIT, test);
}

/// A latch that tasks wait at until the test opens it. Dropping the `Gate` opens it as well, so a
/// failing assertion never leaves tasks blocked with a pool waiting for them in its `Drop`:
/// declare the gate *after* the pool, so it is dropped first.
pub struct Gate {
    inner: Arc<GateState>,
}

struct GateState {
    open: Mutex<bool>,
    opened: Condvar,
}

/// The task's side of a [`Gate`].
#[derive(Clone)]
pub struct GateWaiter {
    inner: Arc<GateState>,
}

impl Gate {
    pub fn new() -> Self {
        Gate {
            inner: Arc::new(GateState {
                open: Mutex::new(false),
                opened: Condvar::new(),
            }),
        }
    }

    pub fn waiter(&self) -> GateWaiter {
        GateWaiter {
            inner: Arc::clone(&self.inner),
        }
    }

    pub fn open(&self) {
        *self.inner.open.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.inner.opened.notify_all();
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.open();
    }
}

impl GateWaiter {
    /// Blocks until the gate opens (panics after [`LIMIT`], so a forgotten gate fails the task).
    pub fn wait(&self) {
        let give_up = Instant::now() + LIMIT;
        let mut open = self.inner.open.lock().unwrap_or_else(|p| p.into_inner());
        while !*open {
            let left = give_up.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "a task waited {LIMIT:?} at a gate nobody opened"
            );
            open = self
                .inner
                .opened
                .wait_timeout(open, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

/// Tells the test that tasks have reached a point: each task sends its label, the test waits for them.
pub struct Signals<T> {
    sender: Sender<T>,
    receiver: Receiver<T>,
}

impl<T: Send + 'static> Signals<T> {
    pub fn new() -> Self {
        let (sender, receiver) = mpsc::channel();
        Signals { sender, receiver }
    }

    pub fn sender(&self) -> Sender<T> {
        self.sender.clone()
    }

    /// The next signal; panics naming `what` if none comes within [`LIMIT`].
    pub fn next(&self, what: &str) -> T {
        self.receiver
            .recv_timeout(LIMIT)
            .unwrap_or_else(|_| panic!("no signal that {what} within {LIMIT:?}"))
    }

    /// A signal already sent, without waiting.
    pub fn try_next(&self) -> Option<T> {
        self.receiver.try_recv().ok()
    }

    /// Every signal sent so far.
    pub fn drain(&self) -> Vec<T> {
        self.receiver.try_iter().collect()
    }
}

/// Submits a task that reports `started` and then waits at `gate` before returning `value`.
pub fn submit_blocked<E: Executor, T: Send + 'static>(
    executor: &E,
    gate: &Gate,
    started: &Signals<&'static str>,
    label: &'static str,
    value: T,
) -> Future<T> {
    let waiter = gate.waiter();
    let started = started.sender();
    executor
        .submit(move || {
            let _ = started.send(label);
            waiter.wait();
            value
        })
        .expect("the executor refused a task")
}

/// A future that finished with `value`.
pub fn successful<T: Send + 'static>(value: T) -> Future<T> {
    let (promise, future) = Promise::new();
    promise.set_result(value);
    future
}

/// A future whose task "panicked" with `message`.
pub fn failed<T: Send + 'static>(message: &str) -> Future<T> {
    let (promise, future) = Promise::new();
    promise.set_error(Error::Panicked(message.to_owned()));
    future
}

/// A future cancelled before its task started.
pub fn cancelled<T: Send + 'static>() -> Future<T> {
    let (promise, future) = Promise::new();
    assert!(future.cancel());
    drop(promise);
    future
}

/// The labels of `(label, future)` pairs, in order.
pub fn labels<F>(items: &[(&'static str, F)]) -> Vec<&'static str> {
    items.iter().map(|(label, _)| *label).collect()
}

/// Polls `condition` (yielding the CPU in between) until it holds; panics naming `what` after
/// [`LIMIT`]. Only for states with no event to wait on, like a worker going back to idle.
pub fn eventually(what: &str, condition: impl Fn() -> bool) {
    let give_up = Instant::now() + LIMIT;
    while !condition() {
        assert!(
            Instant::now() < give_up,
            "{what} did not happen within {LIMIT:?}"
        );
        std::thread::yield_now();
    }
}

/// Captures `log` records, so a test can check what the crate reported.
struct Capture {
    records: Mutex<Vec<String>>,
}

static CAPTURE: Capture = Capture {
    records: Mutex::new(Vec::new()),
};

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}", record.level(), record.args());
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line);
    }

    fn flush(&self) {}
}

/// Installs the capturing logger (once per test binary; later calls do nothing).
pub fn capture_logs() {
    if log::set_logger(&CAPTURE).is_ok() {
        log::set_max_level(log::LevelFilter::Trace);
    }
}

/// The captured records that contain `needle` (records look like `ERROR message`).
pub fn logged(needle: &str) -> Vec<String> {
    CAPTURE
        .records
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter(|line| line.contains(needle))
        .cloned()
        .collect()
}
