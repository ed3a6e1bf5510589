//! Tasks that succeed, fail, panic or hang, handled with one overall deadline, `cancel` for what
//! has not started, and a stop signal for what is already running.
//!
//! ```sh
//! cargo run -p concurrent --example timeouts
//! ```

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use concurrent::{Error, Executor, ThreadPoolExecutor, as_completed};

// ANCHOR: task
#[derive(Debug, Clone, Copy)]
enum Kind {
    Quick,
    Failing,
    Buggy,
    Slow,
}

/// A task that may succeed, fail (an `Err` value), panic (a bug), or take very long.
/// A slow task "works" for up to ten seconds but stops early when its `stop` channel is closed:
/// running code cannot be interrupted from outside, it has to agree to stop.
fn unpredictable(id: usize, kind: Kind, stop: mpsc::Receiver<()>) -> Result<String, String> {
    match kind {
        Kind::Quick => Ok(format!("task {id} done")),
        Kind::Failing => Err(format!("task {id}: invalid input")),
        Kind::Buggy => panic!("task {id}: index out of bounds"),
        Kind::Slow => match stop.recv_timeout(Duration::from_secs(10)) {
            Err(RecvTimeoutError::Timeout) => Ok(format!("task {id} done, slowly")),
            Ok(()) | Err(RecvTimeoutError::Disconnected) => Err(format!("task {id}: stopped")),
        },
    }
}
// ANCHOR_END: task

fn main() {
    use Kind::*;

    // ANCHOR: submit
    // Two workers: the two slow tasks will hold both, and the last two tasks stay queued.
    let pool = ThreadPoolExecutor::new(2);
    let kinds = [Quick, Failing, Buggy, Slow, Slow, Quick, Quick];
    let mut stop_signals = Vec::new();
    let jobs: Vec<_> = kinds
        .into_iter()
        .enumerate()
        .map(|(id, kind)| {
            let (stop_tx, stop) = mpsc::channel();
            stop_signals.push(stop_tx);
            let future = pool.submit(move || unpredictable(id, kind, stop));
            (id, future.expect("the pool is open"))
        })
        .collect();
    // ANCHOR_END: submit

    // ANCHOR: deadline
    let (mut succeeded, mut failed) = (Vec::new(), Vec::new());
    let mut completed = as_completed(jobs, Some(Duration::from_millis(200)));
    for next in completed.by_ref() {
        match next {
            Ok((id, future)) => match future.result() {
                Ok(Ok(message)) => succeeded.push(message),
                // The task ran and said no:
                Ok(Err(reason)) => failed.push(reason),
                // The task panicked:
                Err(error) => failed.push(format!("task {id}: {error}")),
            },
            Err(Error::TimedOut) => println!("200 ms passed; some tasks are not done"),
            Err(other) => unreachable!("as_completed fails only by timing out, not {other}"),
        }
    }
    // ANCHOR_END: deadline
    println!("succeeded: {succeeded:?}");
    println!("failed:    {failed:?}");
    // Which quick tasks beat the deadline depends on the machine: with RUST_BACKTRACE=1, the
    // panicking task alone can spend over 200 ms printing its backtrace in a debug build. The
    // slow tasks never do, and every task is counted exactly once, done or late.
    assert!(succeeded.len() <= 1 && failed.len() <= 2);

    // ANCHOR: late
    let late = completed.into_pending();
    // Every task is accounted for: done in time, or late (the two slow ones always are).
    assert_eq!(succeeded.len() + failed.len() + late.len(), kinds.len());
    assert!(
        [3, 4]
            .iter()
            .all(|slow| late.iter().any(|(id, _)| id == slow))
    );
    for (id, future) in &late {
        // `cancel` only stops tasks that have not started.
        let outcome = if future.cancel() {
            "cancelled"
        } else {
            "running: cannot cancel"
        };
        println!("task {id}: {outcome}");
    }
    drop(stop_signals); // ask the running tasks to stop...
    for (id, future) in late {
        println!("task {id} ended with {:?}", future.result()); // ...so these return promptly
    }
    // ANCHOR_END: late
}
