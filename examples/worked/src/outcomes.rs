//! Worked example 4: errors and timeouts. Tasks succeed, fail, panic or run too long; each task has
//! a timeout of its own, the whole batch an overall deadline on `as_completed`, and what has not
//! started by then is cancelled. Every task ends with exactly one [`Outcome`].
//!
//! A thread cannot be killed from outside, in Rust as in Python: a timeout stops the *waiting*, not
//! the task. So tasks that may run long take a [`Budget`], check it as they go, and stop when
//! their own time is up or when the batch is stopped.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use concurrent::{Error, Executor, Future, as_completed};

/// What a task is asked to do (the demo's stand-in for real work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Works for this long, then returns a value.
    Succeed(Duration),
    /// Returns an error (an expected failure: a value, not a panic).
    Fail,
    /// Panics (a bug): the pool catches it and the worker survives.
    Panic,
    /// Needs this long, which may be more than its per-task timeout.
    Slow(Duration),
    /// Waits for something that never comes, and only the batch's stop flag wakes it: it ignores
    /// its own timeout (think of a blocking read with no timeout of its own).
    Hang,
}

/// How one task ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It returned this value.
    Done(u64),
    /// It returned an error.
    Failed(String),
    /// It panicked with this message.
    Panicked(String),
    /// It ran past its own timeout and gave up.
    TimedOut,
    /// It was still running at the overall deadline and was told to stop.
    StoppedAtDeadline,
    /// It had not started at the overall deadline and was cancelled.
    Cancelled,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Done(value) => write!(f, "done: {value}"),
            Outcome::Failed(error) => write!(f, "failed: {error}"),
            Outcome::Panicked(message) => write!(f, "panicked: {message}"),
            Outcome::TimedOut => f.write_str("timed out (its own timeout)"),
            Outcome::StoppedAtDeadline => f.write_str("stopped at the overall deadline"),
            Outcome::Cancelled => f.write_str("cancelled before it started"),
        }
    }
}

// ANCHOR: budget
/// A running task's time: its own timeout, counted from when it *starts* (not from when it was
/// submitted: queued time is not its fault), and the batch's stop flag.
#[derive(Debug, Clone)]
pub struct Budget {
    ends: Instant,
    stop: Arc<AtomicBool>,
}

/// Why a task stopped before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// Its own timeout passed.
    TimedOut,
    /// The batch was stopped.
    Stopped,
}

impl Budget {
    /// Ok while the task may go on.
    pub fn check(&self) -> Result<(), Stopped> {
        if self.stop.load(Ordering::Relaxed) {
            Err(Stopped::Stopped)
        } else if Instant::now() >= self.ends {
            Err(Stopped::TimedOut)
        } else {
            Ok(())
        }
    }
}
// ANCHOR_END: budget

/// How often a long task checks its budget: a task stops at most this late.
const CHECK_EVERY: Duration = Duration::from_millis(5);

/// Runs `job` within `budget`: `Ok(value)`, `Err(Ok(message))` for a failure, `Err(Err(why))` when
/// the budget ran out. Panics for [`Job::Panic`], on purpose.
fn work(job: Job, budget: &Budget) -> Result<u64, Result<String, Stopped>> {
    let need = match job {
        Job::Succeed(need) | Job::Slow(need) => need,
        Job::Fail => return Err(Ok("invalid input".to_owned())),
        Job::Panic => panic!("index out of bounds (a bug in the task)"),
        Job::Hang => Duration::MAX,
    };
    let start = Instant::now();
    while start.elapsed() < need {
        match budget.check() {
            Err(Stopped::TimedOut) if job == Job::Hang => {}
            checked => checked.map_err(Err)?,
        }
        // Stands in for a piece of real work (a chunk of a download, a batch of rows).
        std::thread::sleep(CHECK_EVERY.min(need.saturating_sub(start.elapsed())));
    }
    Ok(need.as_millis() as u64)
}

/// The limits of a batch.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Each task's own time, from its start.
    pub per_task: Duration,
    /// The whole batch's, from the first submission.
    pub overall: Duration,
}

// ANCHOR: run_batch
/// Runs `jobs` on `pool` within `limits` and returns one outcome per job, in input order;
/// `on_outcome(index, outcome)` hears of each as it is decided (the demo's progress bar).
pub fn run_batch<E: Executor>(
    pool: &E,
    jobs: &[Job],
    limits: Limits,
    mut on_outcome: impl FnMut(usize, &Outcome),
) -> Vec<Outcome> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut outcomes: Vec<Option<Outcome>> = vec![None; jobs.len()];
    let mut futures = Vec::new();
    for (index, &job) in jobs.iter().enumerate() {
        let stop = Arc::clone(&stop);
        let per_task = limits.per_task;
        let submitted = pool.submit(move || {
            let budget = Budget {
                ends: Instant::now() + per_task,
                stop,
            };
            work(job, &budget)
        });
        match submitted {
            Ok(future) => futures.push((index, future)),
            Err(error) => outcomes[index] = Some(Outcome::Failed(error.to_string())),
        }
    }

    // One deadline for the whole batch: as_completed yields Err(TimedOut) once when it passes.
    let mut finished = as_completed(futures, Some(limits.overall));
    for done in finished.by_ref() {
        let Ok((index, future)) = done else { break };
        let outcome = outcome_of(future);
        on_outcome(index, &outcome);
        outcomes[index] = Some(outcome);
    }

    // Past the deadline: first cancel every task that has not started (cancel() is true only
    // for those), so that no worker picks one up; then stop the running ones and wait for them
    // to wind down (they check the stop flag every few milliseconds): no task outlives the batch.
    let mut running = Vec::new();
    for (index, future) in finished.into_pending() {
        if future.cancel() {
            on_outcome(index, &Outcome::Cancelled);
            outcomes[index] = Some(Outcome::Cancelled);
        } else {
            running.push((index, future));
        }
    }
    stop.store(true, Ordering::Relaxed);
    for (index, future) in running {
        // Stopped, or finished just now: then its real outcome.
        let outcome = outcome_of(future);
        on_outcome(index, &outcome);
        outcomes[index] = Some(outcome);
    }
    outcomes
        .into_iter()
        .map(|outcome| outcome.expect("every job is refused, finished or pending"))
        .collect()
}
// ANCHOR_END: run_batch

/// The outcome of a finished future.
fn outcome_of(future: Future<Result<u64, Result<String, Stopped>>>) -> Outcome {
    match future.result() {
        Ok(Ok(value)) => Outcome::Done(value),
        Ok(Err(Ok(message))) => Outcome::Failed(message),
        Ok(Err(Err(Stopped::TimedOut))) => Outcome::TimedOut,
        Ok(Err(Err(Stopped::Stopped))) => Outcome::StoppedAtDeadline,
        Err(Error::Panicked(message)) => Outcome::Panicked(message),
        Err(Error::Cancelled) => Outcome::Cancelled,
        Err(other) => Outcome::Failed(other.to_string()),
    }
}
