//! `wait(futures, timeout, return_when)`: the cases of CPython's `test_wait.py`, on both executors.
//!
//! Items are `(label, future)` pairs, so the `(done, not_done)` split can be checked by label. Where
//! CPython's tests expect a cancelled future in `not_done` (its gh-92001), ours expect it in `done`.

#[macro_use]
mod common;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::*;
use concurrent::{Error, Executor, Future, ReturnWhen, wait};

type Item = (&'static str, Future<i32>);

fn split(
    items: Vec<Item>,
    timeout: Option<Duration>,
    return_when: ReturnWhen,
) -> (Vec<&'static str>, Vec<&'static str>) {
    let (done, not_done) = wait(items, timeout, return_when);
    (labels(&done), labels(&not_done))
}

fn a_future_given_twice_is_returned_once<P: Pool>() {
    // CPython's test_20369.
    let pool = P::with_workers(2);
    let future = pool.submit(|| 2).unwrap();
    let (done, not_done) = wait(
        [("first", &future), ("again", &future)],
        None,
        ReturnWhen::AllCompleted,
    );
    assert_eq!(labels(&done), ["first"]);
    assert!(not_done.is_empty());
}

fn first_completed_returns_the_finished_one<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let quick = pool.submit(|| 21 * 2).unwrap();
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    let (done, not_done) = split(
        vec![("quick", quick), ("blocked", blocked)],
        None,
        ReturnWhen::FirstCompleted,
    );
    assert_eq!((done, not_done), (vec!["quick"], vec!["blocked"]));
}

fn first_completed_with_some_already_done_returns_at_once<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    let (done, not_done) = split(
        vec![
            ("cancelled", cancelled()),
            ("successful", successful(42)),
            ("blocked", blocked),
        ],
        None,
        ReturnWhen::FirstCompleted,
    );
    assert_eq!(done, ["cancelled", "successful"]);
    assert_eq!(not_done, ["blocked"]);
}

fn first_exception_returns_when_a_task_panics<P: Pool>() {
    let pool = Arc::new(P::with_workers(3));
    let (gate, fail_gate, started) = (Gate::new(), Gate::new(), Signals::new());
    let quick = pool.submit(|| 2 * 21).unwrap();
    let fail_waiter = fail_gate.waiter();
    let failing = pool
        .submit(move || -> i32 {
            fail_waiter.wait();
            panic!("this is an exception")
        })
        .unwrap();
    let blocked = submit_blocked(&*pool, &gate, &started, "blocked", 0);
    // As CPython does: let the failing task go only once `quick` is done, from another thread.
    thread::scope(|scope| {
        scope.spawn(|| {
            quick.wait();
            fail_gate.open();
        });
        let (done, not_done) = wait(
            [
                ("quick", &quick),
                ("failing", &failing),
                ("blocked", &blocked),
            ],
            None,
            ReturnWhen::FirstException,
        );
        assert_eq!(labels(&done), ["quick", "failing"]);
        assert_eq!(labels(&not_done), ["blocked"]);
    });
    assert_eq!(
        failing.error(),
        Some(Error::Panicked("this is an exception".into()))
    );
}

fn first_exception_with_some_already_complete<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let dividing = pool
        .submit(|| {
            let zero = std::hint::black_box(0);
            21 / zero
        })
        .unwrap();
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    let (done, not_done) = split(
        vec![
            ("successful", successful(42)),
            ("cancelled", cancelled()),
            ("dividing", dividing),
            ("blocked", blocked),
        ],
        None,
        ReturnWhen::FirstException,
    );
    // CPython leaves its not-yet-notified cancelled future in not_done; here it is done.
    assert_eq!(done, ["successful", "cancelled", "dividing"]);
    assert_eq!(not_done, ["blocked"]);
}

fn first_exception_with_one_already_failed_returns_at_once<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    let (done, not_done) = split(
        vec![("failed", failed("earlier")), ("blocked", blocked)],
        None,
        ReturnWhen::FirstException,
    );
    assert_eq!((done, not_done), (vec!["failed"], vec!["blocked"]));
}

fn first_exception_does_not_count_a_cancelled_future_as_a_failure<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    let (done, not_done) = split(
        vec![("cancelled", cancelled()), ("blocked", blocked)],
        Some(SHORT),
        ReturnWhen::FirstException,
    );
    assert_eq!((done, not_done), (vec!["cancelled"], vec!["blocked"]));
}

fn first_exception_without_a_failure_waits_for_all<P: Pool>() {
    let pool = P::with_workers(2);
    let items: Vec<Item> = vec![
        ("a", pool.submit(|| 1).unwrap()),
        ("b", pool.submit(|| 2).unwrap()),
        ("c", pool.submit(|| 3).unwrap()),
    ];
    let (done, not_done) = split(items, None, ReturnWhen::FirstException);
    assert_eq!((done, not_done), (vec!["a", "b", "c"], vec![]));
}

fn all_completed_waits_for_every_kind_of_outcome<P: Pool>() {
    let pool = P::with_workers(2);
    let dividing = pool
        .submit(|| {
            let zero = std::hint::black_box(0);
            2 / zero
        })
        .unwrap();
    let multiplying = pool.submit(|| 2 * 21).unwrap();
    let (done, not_done) = split(
        vec![
            ("successful", successful(42)),
            ("cancelled", cancelled()),
            ("failed", failed("earlier")),
            ("dividing", dividing),
            ("multiplying", multiplying),
        ],
        None,
        ReturnWhen::AllCompleted,
    );
    assert_eq!(
        done,
        [
            "successful",
            "cancelled",
            "failed",
            "dividing",
            "multiplying"
        ]
    );
    assert!(not_done.is_empty());
}

fn a_timeout_is_not_an_error_but_a_non_empty_not_done<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    let (done, not_done) = split(
        vec![
            ("cancelled", cancelled()),
            ("failed", failed("earlier")),
            ("successful", successful(42)),
            ("blocked", blocked),
        ],
        Some(SHORT),
        ReturnWhen::AllCompleted,
    );
    assert_eq!(done, ["cancelled", "failed", "successful"]);
    assert_eq!(not_done, ["blocked"]);
}

fn not_done_futures_can_be_waited_on_again_after_a_timeout<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 7);
    let (done, not_done) = wait([blocked], Some(Duration::ZERO), ReturnWhen::AllCompleted);
    assert!(done.is_empty());
    gate.open();
    let (done, not_done) = wait(not_done, None, ReturnWhen::AllCompleted);
    assert!(not_done.is_empty());
    let value = done.into_iter().next().map(Future::result);
    assert_eq!(value, Some(Ok(7)));
}

fn many_futures_released_at_once_are_all_seen<P: Pool>() {
    // CPython's test_pending_calls_race (issue #14406).
    let pool = P::with_workers(4);
    let gate = Gate::new();
    let futures: Vec<_> = (0..100)
        .map(|n| {
            let waiter = gate.waiter();
            pool.submit(move || {
                waiter.wait();
                n
            })
            .unwrap()
        })
        .collect();
    gate.open();
    let (done, not_done) = wait(&futures, None, ReturnWhen::AllCompleted);
    assert_eq!((done.len(), not_done.len()), (100, 0));
}

fn a_cancel_during_the_wait_wakes_first_completed<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    started.next("the blocker started");
    let queued = pool.submit(|| 1).unwrap();
    let (waiting, returned) = (Signals::new(), Signals::new());
    let (waiting_sender, returned_sender) = (waiting.sender(), returned.sender());
    let (blocked, queued) = (&blocked, &queued);
    thread::scope(|scope| {
        // The waiter may or may not be blocked inside wait() when the cancel lands: either way it
        // must come back with the cancelled future done.
        let waiter = scope.spawn(move || {
            waiting_sender.send(()).unwrap();
            let (done, not_done) = wait(
                [("blocked", blocked), ("queued", queued)],
                None,
                ReturnWhen::FirstCompleted,
            );
            returned_sender.send(()).unwrap();
            (labels(&done), labels(&not_done))
        });
        waiting.next("the waiter started");
        assert!(queued.cancel());
        returned.next("wait() returned after the cancel");
        let (done, not_done) = waiter.join().unwrap();
        assert_eq!((done, not_done), (vec!["queued"], vec!["blocked"]));
    });
}

on_both_executors!(
    a_future_given_twice_is_returned_once,
    first_completed_returns_the_finished_one,
    first_completed_with_some_already_done_returns_at_once,
    first_exception_returns_when_a_task_panics,
    first_exception_with_some_already_complete,
    first_exception_with_one_already_failed_returns_at_once,
    first_exception_does_not_count_a_cancelled_future_as_a_failure,
    first_exception_without_a_failure_waits_for_all,
    all_completed_waits_for_every_kind_of_outcome,
    a_timeout_is_not_an_error_but_a_non_empty_not_done,
    not_done_futures_can_be_waited_on_again_after_a_timeout,
    many_futures_released_at_once_are_all_seen,
    a_cancel_during_the_wait_wakes_first_completed,
);

#[test]
fn waiting_on_nothing_returns_at_once() {
    within_deadline("wait() on an empty list", || {
        for return_when in [
            ReturnWhen::FirstCompleted,
            ReturnWhen::FirstException,
            ReturnWhen::AllCompleted,
        ] {
            let (done, not_done) = wait(Vec::<Future<i32>>::new(), None, return_when);
            assert!(done.is_empty() && not_done.is_empty());
        }
    });
}

#[test]
fn all_completed_is_the_default() {
    assert_eq!(ReturnWhen::default(), ReturnWhen::AllCompleted);
}

#[test]
fn done_and_not_done_keep_the_input_order() {
    within_deadline("wait() on ready futures", || {
        let items: Vec<Item> = vec![
            ("c", successful(3)),
            ("a", failed("a")),
            ("b", cancelled()),
            ("d", successful(4)),
        ];
        let (done, not_done) = split(items, Some(Duration::ZERO), ReturnWhen::AllCompleted);
        assert_eq!((done, not_done), (vec!["c", "a", "b", "d"], vec![]));
    });
}
