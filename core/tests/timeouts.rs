//! Timeouts at the edges: zero means "do not wait", and a timeout too long to represent as an
//! instant (`Duration::MAX`, Python's "a very large float") means "no deadline", never a panic.

#[macro_use]
mod common;

use std::thread;
use std::time::Duration;

use common::*;
use concurrent::testing::CountingExecutor;
use concurrent::{Error, Executor, Promise, ReturnWhen, as_completed, wait};

#[test]
fn a_huge_timeout_on_a_future_waits_without_a_deadline() {
    within_deadline("result_timeout(Duration::MAX)", || {
        let (promise, mut future) = Promise::new();
        let setter = thread::spawn(move || promise.set_result(3));
        assert!(future.wait_timeout(Duration::MAX));
        assert_eq!(future.error_timeout(Duration::MAX), Ok(None));
        assert_eq!(future.result_timeout(Duration::MAX), Ok(3));
        setter.join().unwrap();
    });
}

fn huge_timeouts_on_wait_as_completed_and_map<P: Pool>() {
    let pool = P::with_workers(2);
    let futures: Vec<_> = (0..4).map(|n| pool.submit(move || n).unwrap()).collect();
    let (done, not_done) = wait(&futures, Some(Duration::MAX), ReturnWhen::AllCompleted);
    assert_eq!((done.len(), not_done.len()), (4, 0));
    assert_eq!(
        as_completed(&futures, Some(Duration::MAX))
            .filter(Result::is_ok)
            .count(),
        4
    );
    let mapped: Vec<_> = pool
        .map(|n: i32| n * 2, 0..4)
        .timeout(Duration::MAX)
        .collect();
    assert_eq!(mapped, [Ok(0), Ok(2), Ok(4), Ok(6)]);
}

fn a_zero_timeout_on_map_times_out_a_task_that_cannot_have_run<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let busy = submit_blocked(&pool, &gate, &started, "busy", ());
    started.next("the only worker is busy");
    let results: Vec<_> = pool.map(|n: i32| n, 0..3).timeout(Duration::ZERO).collect();
    assert_eq!(results, [Err(Error::TimedOut)]);
    gate.open();
    busy.wait();
}

fn a_counting_gate_with_a_huge_timeout_still_opens<P: Pool>() {
    let pool = CountingExecutor::new(P::with_workers(2)).with_gate(2, Duration::MAX);
    let futures: Vec<_> = (0..2).map(|n| pool.submit(move || n).unwrap()).collect();
    assert!(futures.into_iter().all(|f| f.result().is_ok()));
    assert!(!pool.gate_timed_out());
}

on_both_executors!(
    huge_timeouts_on_wait_as_completed_and_map,
    a_zero_timeout_on_map_times_out_a_task_that_cannot_have_run,
    a_counting_gate_with_a_huge_timeout_still_opens,
);
