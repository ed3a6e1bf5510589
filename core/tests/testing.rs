//! The helpers of `concurrent::testing` that the exercises' tests rely on: a deadline that names
//! what hung, and a counting executor whose gate tells parallel code from sequential code.

#[macro_use]
mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use common::*;
use concurrent::testing::{CountingExecutor, deadline};
use concurrent::{Executor, ThreadPoolExecutor};

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn a_hang_fails_with_a_message_naming_what_hung() {
    let (_keep, never) = std::sync::mpsc::channel::<()>();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        deadline(
            "the reply from the fake server",
            Duration::from_millis(20),
            move || {
                let _ = never.recv();
            },
        )
    }));
    let message = panic_message(outcome.unwrap_err());
    assert!(
        message.contains("the reply from the fake server"),
        "{message}"
    );
    assert!(message.contains("did not finish"), "{message}");
}

#[test]
fn a_panic_inside_the_deadline_is_passed_on_unchanged() {
    let outcome = catch_unwind(|| {
        deadline("a failing check", LIMIT, || {
            assert_eq!(1 + 1, 3, "arithmetic is off")
        })
    });
    let message = panic_message(outcome.unwrap_err());
    assert!(message.contains("arithmetic is off"), "{message}");
}

#[test]
fn the_value_comes_back() {
    assert_eq!(deadline("a sum", LIMIT, || (1..=10).sum::<i32>()), 55);
}

fn the_gate_opens_when_enough_tasks_run_at_once<P: Pool>() {
    let pool = CountingExecutor::new(P::with_workers(4)).with_gate(4, LIMIT);
    let futures: Vec<_> = (0..4).map(|n| pool.submit(move || n).unwrap()).collect();
    assert!(futures.into_iter().all(|f| f.result().is_ok()));
    assert_eq!(pool.max_in_flight(), 4);
    assert!(!pool.gate_timed_out());
}

on_both_executors!(the_gate_opens_when_enough_tasks_run_at_once);

#[test]
fn the_gate_gives_up_on_sequential_code_and_says_so() {
    within_deadline("a gate of 2 on one worker", || {
        let pool = CountingExecutor::new(ThreadPoolExecutor::new(1))
            .with_gate(2, Duration::from_millis(30));
        let futures: Vec<_> = (0..3).map(|n| pool.submit(move || n).unwrap()).collect();
        assert!(futures.into_iter().all(|f| f.result().is_ok()));
        assert!(pool.gate_timed_out());
        assert_eq!(pool.max_in_flight(), 1);
        assert_eq!(
            (pool.submitted(), pool.finished(), pool.in_flight()),
            (3, 3, 0)
        );
    });
}

#[test]
fn refused_and_panicking_tasks_are_counted_right() {
    within_deadline("counting refused and panicking tasks", || {
        let pool = CountingExecutor::new(ThreadPoolExecutor::new(2));
        let failed = pool.submit(|| -> () { panic!("counted anyway") }).unwrap();
        assert!(failed.result().is_err());
        assert_eq!((pool.finished(), pool.in_flight()), (1, 0));
        pool.shutdown(true, false);
        assert!(pool.submit(|| ()).is_err());
        assert_eq!(
            pool.submitted(),
            1,
            "a refused task was counted as submitted"
        );
        assert_eq!(pool.inner().max_workers(), 2);
    });
}
