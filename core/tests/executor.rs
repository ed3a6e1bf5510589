//! The `Executor` trait on both executors: the submit cases of CPython's `executor.py`, panics
//! caught without losing a worker, parallelism witnessed with barriers, FIFO start order, and the
//! one error type.

#[macro_use]
mod common;

use std::sync::{Arc, Barrier};
use std::thread;

use common::*;
use concurrent::testing::CountingExecutor;
use concurrent::{Error, Executor};

fn submit_returns_the_tasks_value<P: Pool>() {
    // CPython's test_submit and test_submit_keyword: closures capture the arguments.
    let pool = P::with_workers(2);
    assert_eq!(pool.submit(|| 2_u32.pow(8)).unwrap().result(), Ok(256));
    let (x, y) = (2, 8);
    assert_eq!(pool.submit(move || x * y).unwrap().result(), Ok(16));
    let owned = [String::from("a"), String::from("b")];
    let joined = pool.submit(move || owned.concat()).unwrap();
    assert_eq!(joined.result(), Ok("ab".to_owned()));
}

fn max_workers_is_the_configured_count<P: Pool>() {
    assert_eq!(P::with_workers(3).max_workers(), 3);
    assert_eq!(P::with_workers(1).max_workers(), 1);
}

fn all_workers_run_tasks_at_the_same_time<P: Pool>() {
    // A barrier of max_workers: every task must be inside at once, or none gets out.
    let pool = P::with_workers(4);
    let barrier = Arc::new(Barrier::new(4));
    let futures: Vec<_> = (0..4)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            pool.submit(move || barrier.wait().is_leader()).unwrap()
        })
        .collect();
    let through = futures
        .into_iter()
        .filter(|f| f.wait_timeout(LIMIT))
        .count();
    assert_eq!(through, 4, "not every task got through the barrier");
}

fn the_counting_executor_sees_the_parallelism<P: Pool>() {
    let pool = CountingExecutor::new(P::with_workers(3)).with_gate(3, LIMIT);
    let futures: Vec<_> = (0..9).map(|n| pool.submit(move || n).unwrap()).collect();
    let total: i32 = futures.into_iter().map(|f| f.result().unwrap()).sum();
    assert_eq!(total, 36);
    assert_eq!(pool.max_in_flight(), 3);
    assert!(!pool.gate_timed_out());
    assert_eq!(
        (pool.submitted(), pool.finished(), pool.in_flight()),
        (9, 9, 0)
    );
}

fn one_worker_starts_tasks_in_submission_order<P: Pool>() {
    let pool = P::with_workers(1);
    let order = Signals::new();
    let futures: Vec<_> = (0..20)
        .map(|n| {
            let sender = order.sender();
            pool.submit(move || sender.send(n).unwrap()).unwrap()
        })
        .collect();
    futures.into_iter().for_each(|f| f.result().unwrap());
    assert_eq!(order.drain(), (0..20).collect::<Vec<_>>());
}

fn a_panicking_task_leaves_its_worker_alive<P: Pool>() {
    let pool = P::with_workers(1);
    let before = pool
        .submit(|| thread::current().id())
        .unwrap()
        .result()
        .unwrap();
    let failed = pool.submit(|| -> () { panic!("task failed") }).unwrap();
    assert_eq!(failed.result(), Err(Error::Panicked("task failed".into())));
    let after = pool.submit(|| thread::current().id()).unwrap();
    assert_eq!(
        after.result(),
        Ok(before),
        "the only worker was replaced or lost"
    );
}

fn panics_never_shrink_the_pool<P: Pool>() {
    let pool = P::with_workers(3);
    let failures: Vec<_> = (0..30)
        .map(|n| {
            pool.submit(move || -> () { panic!("failure {n}") })
                .unwrap()
        })
        .collect();
    for (n, future) in failures.into_iter().enumerate() {
        assert_eq!(
            future.result(),
            Err(Error::Panicked(format!("failure {n}")))
        );
    }
    let barrier = Arc::new(Barrier::new(3));
    let futures: Vec<_> = (0..3)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            pool.submit(move || {
                barrier.wait();
            })
            .unwrap()
        })
        .collect();
    assert!(futures.into_iter().all(|f| f.result().is_ok()));
}

fn a_task_can_submit_to_its_own_pool_and_wait<P: Pool>() {
    let pool = Arc::new(P::with_workers(2));
    let inner = Arc::clone(&pool);
    let outer = pool
        .submit(move || {
            let child = inner.submit(|| 20).unwrap();
            child.result().unwrap() + 1
        })
        .unwrap();
    assert_eq!(outer.result(), Ok(21));
}

fn generic_code_runs_through_references_arcs_and_wrappers<P: Pool>() {
    fn total(executor: &impl Executor) -> u64 {
        executor
            .map(|n: u64| n * n, 1..=10)
            .map(Result::unwrap)
            .sum()
    }
    let pool = P::with_workers(2);
    assert_eq!(total(&pool), 385);
    assert_eq!(total(&&pool), 385);
    let shared = Arc::new(P::with_workers(2));
    assert_eq!(total(&shared), 385);
    assert_eq!(total(&CountingExecutor::new(&pool)), 385);
}

fn a_finished_task_keeps_nothing_it_captured<P: Pool>() {
    // CPython's test_no_stale_references: the task's captures are dropped once it has run.
    let pool = P::with_workers(2);
    let captured = Arc::new(());
    let inside = Arc::clone(&captured);
    let future = pool.submit(move || Arc::strong_count(&inside)).unwrap();
    assert_eq!(future.result(), Ok(2));
    assert_eq!(
        Arc::strong_count(&captured),
        1,
        "the executor still holds the task's captures"
    );
}

on_both_executors!(
    submit_returns_the_tasks_value,
    max_workers_is_the_configured_count,
    all_workers_run_tasks_at_the_same_time,
    the_counting_executor_sees_the_parallelism,
    one_worker_starts_tasks_in_submission_order,
    a_panicking_task_leaves_its_worker_alive,
    panics_never_shrink_the_pool,
    a_task_can_submit_to_its_own_pool_and_wait,
    generic_code_runs_through_references_arcs_and_wrappers,
    a_finished_task_keeps_nothing_it_captured,
);

#[test]
fn every_error_has_a_clear_message() {
    let cases = [
        (Error::Cancelled, "the task was cancelled before it started"),
        (Error::TimedOut, "timed out before the result was ready"),
        (Error::Panicked("boom".into()), "the task panicked: boom"),
        (
            Error::Broken("no database".into()),
            "the executor is broken: no database",
        ),
        (
            Error::Shutdown,
            "the executor has been shut down and accepts no new tasks",
        ),
        (
            Error::ResultTaken,
            "the result of this future was already taken",
        ),
        (
            Error::ResultLent,
            "the value of this future is lent to a done callback running on this thread: read it \
             after the callback returns",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(error.to_string(), message);
        let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(error.clone());
        assert_eq!(boxed.to_string(), message);
        assert!(boxed.source().is_none());
    }
}
