//! # `concurrent`: Python's `concurrent.futures`, for Rust
//!
//! Hand work to a pool, get a [`Future`] back at once, and collect the results when you need them:
//! in submission order with [`Executor::map`], in completion order with [`as_completed`], or in
//! groups with [`wait`]. The names follow Python's module, so `from concurrent.futures import
//! ThreadPoolExecutor` becomes `use concurrent::ThreadPoolExecutor;`.
//!
//! ```
//! use concurrent::{Executor, ThreadPoolExecutor, as_completed};
//!
//! let pool = ThreadPoolExecutor::new(4);                           // with ThreadPoolExecutor(4) as pool:
//! let lengths = ["alpha", "beta", "gamma"]
//!     .map(|word| (word, pool.submit(move || word.len()).unwrap())); //   fs = {pool.submit(len, w): w ...}
//! for done in as_completed(lengths, None) {                          //   for f in as_completed(fs):
//!     let (word, future) = done.unwrap();
//!     assert_eq!(future.result().unwrap(), word.len());              //       f.result()
//! }
//! // `pool` is dropped here: like leaving the `with` block, it waits for every task.
//! ```
//!
//! ## From Python to Rust
//!
//! | `concurrent.futures` | `concurrent` |
//! |---|---|
//! | `Executor` | the [`Executor`] trait: write code once, pass either pool |
//! | `ThreadPoolExecutor(max_workers, thread_name_prefix, initializer, initargs)` | [`ThreadPoolExecutor::new`], [`ThreadPoolExecutor::builder`] (`initargs` are captured by the closure) |
//! | `ProcessPoolExecutor`, `InterpreterPoolExecutor`, for speed | [`CpuPoolExecutor`]: threads, one per core (no GIL to escape, see below) |
//! | `ProcessPoolExecutor`, for isolation | [`process::ProcessPoolExecutor`]: worker processes for tasks that may crash or must be killable; [`process::init`] is the `__main__` guard |
//! | `if __name__ == "__main__":` | [`process::init`]`(`[`process::tasks!`]`[f, g])` first thing in `main` |
//! | `executor.submit(fn, *args, **kwargs)` | [`Executor::submit`]`(move \|\| fn(args))` returns `Result<Future<T>, Error>` |
//! | `executor.map(fn, *iterables, timeout, chunksize, buffersize)` | [`Executor::map`]`(f, items)` with [`.timeout()`](Map::timeout), [`.buffer_size()`](Map::buffer_size); zip iterables yourself, no `chunksize` (no pickling to amortise) |
//! | `executor.shutdown(wait, cancel_futures)` | [`Executor::shutdown`]`(wait, cancel_futures)` |
//! | `with executor:` | scope + [`Drop`]: dropping an executor is `shutdown(wait=True)` |
//! | `Future.result(timeout)` | [`Future::result`], [`Future::result_timeout`] (the future stays usable after a timeout) |
//! | `Future.exception(timeout)` | [`Future::error`], [`Future::error_timeout`] |
//! | `Future.done()`, `running()`, `cancelled()`, `cancel()` | [`Future::is_done`], [`Future::is_running`], [`Future::is_cancelled`], [`Future::cancel`] |
//! | `Future.add_done_callback(fn)` | [`Future::add_done_callback`]: `fn` receives the outcome |
//! | `Future.set_running_or_notify_cancel()`, `set_result()`, `set_exception()` | [`Promise::start`], [`Promise::set_result`], [`Promise::set_error`] |
//! | `as_completed(fs, timeout)` | [`as_completed`]`(fs, timeout)`; pass `(context, future)` pairs instead of a `future_to_url` dict |
//! | `wait(fs, timeout, return_when)` | [`wait`]`(fs, timeout, return_when)` returns `(done, not_done)` |
//! | `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED` | [`ReturnWhen::FirstCompleted`], [`ReturnWhen::FirstException`], [`ReturnWhen::AllCompleted`] |
//! | `CancelledError` | [`Error::Cancelled`] |
//! | `TimeoutError` | [`Error::TimedOut`] |
//! | `BrokenExecutor`, `BrokenThreadPool`, `BrokenProcessPool` | [`Error::Broken`] (with the reason; in a process pool, only the task whose worker died) |
//! | `PicklingError` | [`Error::Unsendable`]: a process task's function is not registered, or its data cannot be serialised |
//! | `RuntimeError("cannot schedule new futures after shutdown")` | [`Error::Shutdown`] |
//! | an exception raised by the task | [`Error::Panicked`] (with the panic message) |
//! | `InvalidStateError` | mostly impossible by construction: a [`Promise`] completes once (it is consumed); reading a taken value gives [`Error::ResultTaken`], a value lent to a running callback [`Error::ResultLent`] |
//!
//! ## Which executor?
//!
//! - **Waiting** (HTTP, DNS, disk, databases): [`ThreadPoolExecutor`]. Threads are cheap while they
//!   block; the default of `min(32, cpus + 4)` workers overlaps many waits.
//! - **Computing** (compression, primes, image filters): [`CpuPoolExecutor`], one thread per core.
//!   More threads than cores only adds switching.
//! - **Isolating** (code that may abort or segfault, tasks that must be killable):
//!   [`process::ProcessPoolExecutor`] (Unix). Each task runs in a worker process; a crash fails
//!   only that task's future, a time limit kills a runaway one. Arguments and results are
//!   serialised, so it costs microseconds per task where threads cost a fraction of one.
//! - Inside a CPU task you may still use `rayon`'s parallel iterators and `rayon::join`: the work
//!   goes to rayon's own pool while the task waits for it. The CPU pool's threads are not rayon
//!   workers, so the pool's other queued tasks never run nested inside a task that waits in `join`.
//!
//! ## Waiting inside a task
//!
//! A task may submit more work and wait for it, as long as a worker is free to run it. When every
//! worker of a pool is busy with a task that waits for another task of the **same** pool, nothing
//! can run the awaited tasks: a deadlock, exactly as in Python. Give such waits a timeout
//! ([`Future::result_timeout`] reports [`Error::TimedOut`] and leaves the queued task cancellable),
//! or submit the inner work to another pool.
//!
//! Python sends CPU-bound work to processes because of the GIL: only one thread at a time runs
//! Python bytecode. Rust has no GIL, so threads of one process compute in parallel, and data is
//! shared instead of copied.
//!
//! ## `Send + 'static` is Rust's "picklable"
//!
//! A `ProcessPoolExecutor` must pickle the function and its arguments to ship them to another
//! process, and fails at run time when it cannot. A Rust task moves to another thread instead, and
//! the compiler checks at build time that it may: the closure must be `Send` (safe to hand to
//! another thread: no `Rc`, no `RefCell` borrowed elsewhere) and `'static` (owning its data, because
//! the task may outlive the function that submitted it). Move owned values in, or share them with
//! `Arc`:
//!
//! ```
//! use std::sync::Arc;
//! use concurrent::{Executor, ThreadPoolExecutor};
//!
//! let words: Arc<Vec<String>> = Arc::new(vec!["ferris".into(), "corro".into()]);
//! let pool = ThreadPoolExecutor::new(2);
//! let shared = Arc::clone(&words);
//! let count = pool.submit(move || shared.len()).unwrap(); // `move` gives the task its own Arc
//! assert_eq!(count.result().unwrap(), words.len());
//! ```
//!
//! ## Errors never panic across threads
//!
//! A task that panics fails its future with [`Error::Panicked`] carrying the message; the worker
//! survives. A done callback that panics is logged with `log::error!` and ignored. Submitting to a
//! shut-down executor returns [`Error::Shutdown`]. See [`Error`] for the whole list; it is
//! `#[non_exhaustive]`, so a `match` on it needs a `_` arm.
//!
//! ## Seeing the work: timelines
//!
//! [`timeline::Timeline`] records which worker ran which task, when it was queued, started and
//! finished, and how it ended, and draws it as an SVG Gantt chart (or a Chrome trace for
//! Perfetto). Wrap any executor with [`Timeline::record`](timeline::Timeline::record); give a
//! process pool [`ProcessPoolBuilder::timeline`](process::ProcessPoolBuilder::timeline). Nothing is
//! recorded, and nothing costs, unless you ask.
//!
//! ```
//! use concurrent::{Executor, ThreadPoolExecutor, timeline::Timeline};
//!
//! let timeline = Timeline::new(1_000).titled("three tasks on two threads");
//! let pool = timeline.record(ThreadPoolExecutor::new(2));
//! let total: u32 = pool.map(|n: u32| n * 10, 1..=3).map(Result::unwrap).sum();
//! assert_eq!(total, 60);
//! assert_eq!(timeline.snapshot().tasks.len(), 3);
//! # let path = std::env::temp_dir().join(format!("timeline-doc-{}.svg", std::process::id()));
//! timeline.write_svg(&path).unwrap(); // open it in a browser
//! # std::fs::remove_file(&path).unwrap();
//! ```
//!
//! ## Differences from CPython, on purpose
//!
//! - A future cancelled before it starts is *done* at once: [`wait`] returns it and [`as_completed`]
//!   yields it (CPython's gh-92001, gh-109934 and gh-87893 can miss it and hang).
//! - [`Executor::map`] is lazy and bounded by default (twice the workers in flight), like Python
//!   3.14's `buffersize`; an error is yielded at its position and iteration continues.
//! - [`Future::result`] consumes the future, as `JoinHandle::join` does; [`Future::result_timeout`]
//!   borrows it, so it can be retried or cancelled after a timeout.

#![warn(missing_docs)]

mod as_completed;
mod cpu_pool;
mod error;
mod executor;
mod future;
mod map;
#[cfg(unix)]
pub mod process;
mod queue;
mod sync;
mod task;
pub mod testing;
mod thread_pool;
pub mod timeline;
mod wait;
mod waitable;
mod waiter;
mod workers;

#[cfg(all(test, loom))]
mod loom_tests;

pub use as_completed::{AsCompleted, as_completed};
pub use cpu_pool::{CpuPoolBuilder, CpuPoolExecutor};
pub use error::Error;
pub use executor::Executor;
pub use future::{Future, Promise};
pub use map::Map;
pub use thread_pool::{ThreadPoolBuilder, ThreadPoolExecutor};
pub use wait::{ReturnWhen, wait};
pub use waitable::{CompletionHandle, Waitable};
