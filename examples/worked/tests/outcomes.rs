//! Errors and timeouts: every task gets exactly one outcome, in input order; a failure, a panic,
//! a task's own timeout, the overall deadline and the cancellation of queued tasks each show as
//! such. No test depends on how fast the machine is: the timed-out tasks need far longer than
//! their limits, and the cancelled ones sit behind a task that never ends on its own.

use std::time::Duration;

use concurrent::{Executor, ThreadPoolExecutor};
use example_worked::outcomes::{Job, Limits, Outcome, run_batch};

const GENEROUS: Limits = Limits {
    per_task: Duration::from_secs(5),
    overall: Duration::from_secs(8),
};

#[course_testing::test]
fn success_failure_and_panic_are_told_apart_and_the_pool_survives() {
    let pool = ThreadPoolExecutor::new(2);
    let jobs = [
        Job::Succeed(Duration::from_millis(1)),
        Job::Fail,
        Job::Panic,
    ];
    let mut heard = Vec::new();
    let outcomes = run_batch(&pool, &jobs, GENEROUS, |index, _| heard.push(index));
    assert_eq!(
        outcomes,
        [
            Outcome::Done(1),
            Outcome::Failed("invalid input".into()),
            Outcome::Panicked("index out of bounds (a bug in the task)".into())
        ]
    );
    heard.sort_unstable();
    assert_eq!(heard, [0, 1, 2], "on_outcome once per task");
    let after = pool.submit(|| 7).expect("the pool still accepts tasks");
    assert_eq!(
        after.result(),
        Ok(7),
        "the pool still runs tasks after a panic"
    );
}

#[course_testing::test(hint = "a slow task that never checks its budget?")]
fn a_task_past_its_own_timeout_gives_up() {
    let limits = Limits {
        per_task: Duration::from_millis(50),
        overall: Duration::from_secs(8),
    };
    let jobs = [
        Job::Slow(Duration::from_secs(60)),
        Job::Succeed(Duration::from_millis(1)),
    ];
    let outcomes = run_batch(&ThreadPoolExecutor::new(2), &jobs, limits, |_, _| {});
    assert_eq!(outcomes, [Outcome::TimedOut, Outcome::Done(1)]);
}

#[course_testing::test(
    hint = "a running task never told to stop, so the batch waits for it forever?"
)]
fn at_the_deadline_queued_tasks_are_cancelled_and_running_ones_stopped() {
    // One worker, held by a task that only the stop flag ends: the two behind it never start.
    let limits = Limits {
        per_task: Duration::from_secs(5),
        overall: Duration::from_millis(100),
    };
    let quick = Job::Succeed(Duration::from_millis(1));
    let jobs = [Job::Hang, quick, quick];
    let outcomes = run_batch(&ThreadPoolExecutor::new(1), &jobs, limits, |_, _| {});
    assert_eq!(
        outcomes,
        [
            Outcome::StoppedAtDeadline,
            Outcome::Cancelled,
            Outcome::Cancelled
        ],
        "the queued tasks must be cancelled before the running one is stopped (else the freed \
         worker starts them)"
    );
}
