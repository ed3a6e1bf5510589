//! `wait`: block until the first, the first failing, or all of a group of futures are done.
//!
//! ```sh
//! cargo run -p concurrent --example wait
//! ```
//!
//! "Slow" tasks wait on a channel (a gate) instead of sleeping, so which task finishes first is
//! decided by the program, not by the scheduler.

use std::sync::mpsc;
use std::time::Duration;

use concurrent::{Executor, Future, ReturnWhen, ThreadPoolExecutor, as_completed, wait};

// ANCHOR: gated
/// Submits a task that returns `value` once the returned sender is dropped.
fn gated(pool: &impl Executor, value: u32) -> (mpsc::Sender<()>, Future<u32>) {
    let (open, gate) = mpsc::channel::<()>();
    let future = pool
        .submit(move || {
            let _ = gate.recv(); // returns when `open` is dropped
            value
        })
        .expect("the pool is open");
    (open, future)
}
// ANCHOR_END: gated

/// The names of `(name, future)` pairs.
fn names<T>(pairs: &[(&'static str, &Future<T>)]) -> Vec<&'static str> {
    pairs.iter().map(|(name, _)| *name).collect()
}

fn main() {
    let pool = ThreadPoolExecutor::new(4);

    // ANCHOR: first_completed
    let (open_slow, slow) = gated(&pool, 1);
    let quick = pool.submit(|| 2).expect("the pool is open");

    let (done, not_done) = wait(
        [("slow", &slow), ("quick", &quick)],
        None,
        ReturnWhen::FirstCompleted,
    );
    assert_eq!(names(&done), ["quick"]);
    assert_eq!(names(&not_done), ["slow"]);
    // ANCHOR_END: first_completed
    println!(
        "FIRST_COMPLETED: done {:?}, not done {:?}",
        names(&done),
        names(&not_done)
    );
    drop(open_slow);

    // ANCHOR: first_exception
    let (open_a, a) = gated(&pool, 10);
    let (open_b, b) = gated(&pool, 20);
    let failing = pool
        .submit(|| -> u32 { panic!("the database is down") })
        .expect("the pool is open");

    let tasks = [("a", &a), ("b", &b), ("failing", &failing)];
    let (done, not_done) = wait(tasks, None, ReturnWhen::FirstException);
    assert_eq!(names(&done), ["failing"]);
    assert_eq!(names(&not_done), ["a", "b"]);
    println!(
        "FIRST_EXCEPTION: {:?} failed: {:?}",
        names(&done),
        failing.error()
    );
    // ANCHOR_END: first_exception

    // ANCHOR: all_completed
    // A timeout is not an error: whatever is not finished comes back in `not_done`.
    let (done, not_done) = wait(
        tasks,
        Some(Duration::from_millis(50)),
        ReturnWhen::AllCompleted,
    );
    assert_eq!((done.len(), not_done.len()), (1, 2));

    drop((open_a, open_b)); // let a and b finish
    let (done, not_done) = wait(tasks, None, ReturnWhen::AllCompleted);
    assert_eq!((done.len(), not_done.len()), (3, 0));
    // ANCHOR_END: all_completed
    println!("ALL_COMPLETED: {} done after the gates opened", done.len());

    // ANCHOR: first_err_value
    // FirstException reacts to panics. Tasks that return `Err` *succeeded* as far as the
    // executor knows; to stop at the first `Err` value, look at each result as it completes.
    let checks: Vec<_> = (0..6u32)
        .map(|row| {
            let check = move || {
                if row == 3 {
                    Err(format!("row {row} is corrupt"))
                } else {
                    Ok(row)
                }
            };
            pool.submit(check).expect("the pool is open")
        })
        .collect();
    let mut first_error = None;
    for done in as_completed(checks, None) {
        let future = done.expect("no deadline was set");
        if let Ok(Err(message)) = future.result() {
            first_error = Some(message);
            break; // the other checks are left to finish (or cancel them if they matter)
        }
    }
    assert_eq!(first_error.as_deref(), Some("row 3 is corrupt"));
    // ANCHOR_END: first_err_value
    println!("first Err value: {first_error:?}");
}
