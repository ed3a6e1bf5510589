//! Processes: a [`ProcessPoolExecutor`] for isolation, at the price of serialisation.
//!
//! Rust needs no processes for parallelism (threads compute in parallel; there is no GIL), but
//! a process gives what a thread cannot: a task that aborts, overflows its stack, corrupts memory
//! through FFI or runs away can be lost or killed without taking the program with it.
//!
//! ## The three steps
//!
//! 1. Tasks are plain functions `fn name(arg: A) -> T` with `A: Serialize + Deserialize` and
//!    `T: Serialize + Deserialize` (serde): they cross to the worker as bytes. A closure that
//!    captures anything, or a function pointer, is refused at compile time (Python's pickling
//!    fails at run time).
//! 2. `main` calls [`init`] first, with [`tasks!`] listing those functions: the Rust form of
//!    Python's `if __name__ == "__main__":` guard. A worker is this same program started again;
//!    in it, `init` never returns (it serves tasks until its pool closes), so the rest of `main`
//!    runs only in the parent. A worker that reaches a pool's constructor without `init` exits
//!    with a message instead of starting workers of its own.
//! 3. Submit with [`ProcessPoolExecutor::submit`] or [`ProcessPoolExecutor::map`] (with a
//!    `chunksize`). The futures are the crate's own [`Future`](crate::Future).
//!
//! ```no_run
//! use concurrent::process::{self, ProcessPoolExecutor, tasks};
//!
//! fn checksum(data: Vec<u8>) -> u32 {
//!     data.iter().map(|&b| u32::from(b)).sum()
//! }
//!
//! fn main() {
//!     process::init(tasks![checksum]);
//!     let pool = ProcessPoolExecutor::new(2);
//!     assert_eq!(pool.submit(checksum, vec![1, 2, 3]).unwrap().result(), Ok(6));
//! }
//! ```
//!
//! ## Why a table of functions
//!
//! A function pointer is an address, and addresses differ between processes; turning a number
//! back into a function needs `unsafe`. Both processes run the same `tasks![...]`, so a task
//! travels as its position in that table. The parent finds the position by the function's type:
//! each function item has a zero-sized type of its own, so `submit(square, 3)` passes no address
//! at all, only `square`'s type, compared with `TypeId`. (Comparing addresses fails in release
//! builds: rustc copies small functions into each codegen unit, so one function can have several
//! addresses.) That is also why a function pointer or a capturing closure, which carry a value,
//! do not compile. A function that is not listed is refused at `submit` with
//! [`Error::Unsendable`](crate::Error::Unsendable), whose message names it and says where to add
//! it.
//!
//! ## In tests
//!
//! libtest owns `main` in a test binary, so a test plays the entry point: one test calls [`init`]
//! (and passes at once in a normal run), and the pools of the other tests re-run the binary with
//! only that test, by [`ProcessPoolBuilder::test_worker`]:
//!
//! ```no_run
//! use concurrent::process::{self, ProcessPoolExecutor, tasks};
//!
//! fn square(n: u64) -> u64 { n * n }
//!
//! fn register() { process::init(tasks![square]) }
//!
//! #[test]
//! fn worker() { register() } // a worker when started as one, nothing otherwise
//!
//! #[test]
//! fn squares_in_another_process() {
//!     register();
//!     let pool = ProcessPoolExecutor::builder().workers(2).test_worker("worker").build();
//!     assert_eq!(pool.submit(square, 4).unwrap().result(), Ok(16));
//! }
//! ```
//!
//! A `harness = false` test target has a `main` of its own and calls [`init`] there as a program
//! does.
//!
//! ## When a worker dies
//!
//! Each worker process runs one request at a time, so when one dies the pool knows which
//! request it was running. That request's future fails with [`Error::Broken`](crate::Error::Broken)
//! naming the cause ("worker process 4242 was killed by signal 6 (SIGABRT: ...)", "... exited
//! with code 3"); the process is reaped and replaced for the next request; the other futures are
//! untouched. CPython instead marks the whole pool broken (`BrokenProcessPool`) and fails every
//! pending future, because its workers take tasks from a shared queue and it cannot always tell
//! which one died with the worker. A request that could not even be written (the worker had
//! died while idle) never ran, so it is sent once more to a new worker: nothing is lost or run
//! twice. The pool itself breaks only when a new worker cannot start or its initializer fails.
//!
//! A panic is not a crash: the future fails with [`Error::Panicked`](crate::Error::Panicked) and
//! the worker lives on. A time limit ([`ProcessPoolBuilder::time_limit`],
//! [`ProcessPoolExecutor::submit_with_time_limit`]) kills the worker of a request that runs past
//! it: the future fails with [`Error::TimedOut`](crate::Error::TimedOut) and a new worker takes
//! the next request.
//!
//! ## No orphans, no zombies
//!
//! A worker exits when its stdin closes (its pool shut down or the parent died); on Linux it also
//! asks the kernel for SIGKILL when the thread that started it (its manager) exits, so even a
//! parent killed with SIGKILL leaves no worker behind. The pool reaps every worker it kills or
//! closes before the future concerned completes, and [`Drop`] waits for all of them.
//!
//! ## The wire
//!
//! Requests and replies go over the worker's stdin and stdout, length-prefixed, with arguments
//! and results encoded by `postcard` (compact, maintained; `bincode` was declared unmaintained
//! in 2025). In the worker, file descriptor 1 is pointed at stderr once the protocol has its own
//! copy of stdout, so a task's `println!` shows up on the terminal.

mod child;
mod jobs;
mod lane;
mod map;
mod pool;
mod protocol;
mod registry;
mod worker;

pub use map::ProcessMap;
pub use pool::{ProcessPoolBuilder, ProcessPoolExecutor};
pub use registry::{Task, Tasks};

/// Builds the table of functions worker processes may run, for [`init`]:
/// `tasks![square, parse, module::checksum]`.
///
/// Each entry is a path to a function (not a closure) taking one argument that implements
/// `serde::Deserialize` and returning a value that implements `serde::Serialize`; a function of
/// several arguments takes a tuple.
///
/// ```
/// fn square(n: u64) -> u64 { n * n }
/// fn add((a, b): (i32, i32)) -> i32 { a + b }
/// let tasks = concurrent::process::tasks![square, add];
/// assert_eq!(tasks.names().collect::<Vec<_>>(), ["square", "add"]);
/// ```
pub use crate::__process_tasks as tasks;

/// The entry point: call it first thing in `main` (the Rust form of Python's
/// `if __name__ == "__main__":`). In a process a pool started as its worker, it never returns:
/// it serves requests until the pool closes, then exits the process. Anywhere else it records
/// `tasks` as the functions this program's pools may run, and returns at once.
///
/// The first call in a process wins; every call of one program should pass the same list,
/// since parent and workers must agree on it.
///
/// ```no_run
/// fn square(n: u64) -> u64 { n * n }
///
/// fn main() {
///     concurrent::process::init(concurrent::process::tasks![square]);
///     // Only the parent gets here.
/// }
/// ```
pub fn init(tasks: Tasks) {
    registry::register(tasks);
    if let Some(parent) = worker::marker()
        && !worker::serving()
        && let Some(tasks) = registry::registered()
    {
        worker::serve(tasks, &parent);
    }
}
