//! `submit` and `Future`: states, results with and without a deadline, cancellation, errors.
//!
//! ```sh
//! cargo run -p concurrent --example futures
//! ```
//!
//! A one-worker pool and a channel used as a gate make every state visible without guessing at
//! timing: the first task holds the only worker until the gate opens.

use std::sync::mpsc;
use std::time::Duration;

use concurrent::{Error, Executor, ThreadPoolExecutor};

fn main() {
    // ANCHOR: submit
    let pool = ThreadPoolExecutor::new(1);
    let (started_tx, started) = mpsc::channel();
    let (open_gate, gate) = mpsc::channel::<()>();

    // `submit` returns at once; the closure runs later on a worker thread.
    let mut first = pool
        .submit(move || {
            started_tx.send(()).unwrap(); // "I am running"
            gate.recv().unwrap(); // hold the worker until main opens the gate
            "first"
        })
        .expect("the pool is open");
    let second = pool.submit(|| "second").expect("the pool is open");
    // ANCHOR_END: submit

    // ANCHOR: states
    started.recv().unwrap(); // the worker is now inside `first`
    assert!(first.is_running() && !first.is_done());
    assert!(!second.is_running()); // queued: the only worker is busy
    println!("first: {first:?}, second: {second:?}");
    // ANCHOR_END: states

    // ANCHOR: cancel
    assert!(!first.cancel()); // running: too late, a running task is never interrupted
    assert!(second.cancel()); // not started yet: cancelled, it will never run
    assert!(second.is_cancelled() && second.is_done());
    assert_eq!(second.result(), Err(Error::Cancelled));
    // ANCHOR_END: cancel

    // ANCHOR: timeout
    // A deadline that passes leaves the future as it was: wait again, or cancel it.
    let waited = first.result_timeout(Duration::from_millis(20));
    assert_eq!(waited, Err(Error::TimedOut));
    println!("after 20 ms: {waited:?}; opening the gate");

    open_gate.send(()).unwrap();
    assert_eq!(first.result_timeout(Duration::from_secs(5)), Ok("first"));
    // ANCHOR_END: timeout

    // ANCHOR: panic
    let broken = pool
        .submit(|| -> u32 { panic!("division by zero in row 7") })
        .expect("the pool is open");
    // `error()` is Python's `exception()`: it waits, then reports the failure without panicking.
    assert_eq!(
        broken.error(),
        Some(Error::Panicked("division by zero in row 7".into()))
    );
    println!("the task failed: {}", broken.result().unwrap_err());

    // The worker survived the panic: the same one-thread pool still runs tasks.
    assert_eq!(pool.submit(|| 6 * 7).unwrap().result(), Ok(42));
    assert_eq!(pool.worker_count(), 1);
    // ANCHOR_END: panic

    // ANCHOR: result_in_result
    // Expected failures are values, not panics: return a `Result` from the task.
    let parsed = pool
        .submit(|| "12x".parse::<u32>())
        .expect("the pool is open");
    match parsed.result() {
        Ok(Ok(number)) => println!("parsed {number}"),
        Ok(Err(bad_input)) => println!("the task ran and reported: {bad_input}"),
        Err(executor_error) => println!("the task did not complete: {executor_error}"),
    }
    // ANCHOR_END: result_in_result
}
