//! `as_completed(futures, timeout)`: the cases of CPython's `test_as_completed.py` on both
//! executors, plus completion order, the one overall deadline, `(context, future)` pairs and
//! taking the pending items back after a timeout.

#[macro_use]
mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::*;
use concurrent::{Error, Executor, Future, Promise, as_completed};

type Item = (&'static str, Future<i32>);

/// The labels yielded until the end or a timeout, and whether it timed out.
fn drain(items: Vec<Item>, timeout: Option<Duration>) -> (Vec<&'static str>, bool) {
    let mut yielded = Vec::new();
    for item in as_completed(items, timeout) {
        match item {
            Ok((label, _)) => yielded.push(label),
            Err(Error::TimedOut) => return (yielded, true),
            Err(other) => panic!("as_completed yielded {other:?}"),
        }
    }
    (yielded, false)
}

fn every_future_is_yielded_whatever_its_outcome<P: Pool>() {
    // CPython's test_no_timeout.
    let pool = P::with_workers(2);
    let first = pool.submit(|| 2 * 21).unwrap();
    let second = pool.submit(|| 7 * 6).unwrap();
    let (mut yielded, timed_out) = drain(
        vec![
            ("cancelled", cancelled()),
            ("failed", failed("earlier")),
            ("successful", successful(42)),
            ("first", first),
            ("second", second),
        ],
        None,
    );
    assert!(!timed_out);
    yielded.sort_unstable();
    assert_eq!(
        yielded,
        ["cancelled", "failed", "first", "second", "successful"]
    );
}

fn futures_already_done_come_first_in_input_order<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    let mut iterator = as_completed(
        vec![
            ("blocked", blocked),
            ("successful", successful(1)),
            ("cancelled", cancelled()),
            ("failed", failed("earlier")),
        ],
        None,
    );
    let mut first_three = Vec::new();
    for _ in 0..3 {
        first_three.push(iterator.next().unwrap().unwrap().0);
    }
    assert_eq!(first_three, ["successful", "cancelled", "failed"]);
    gate.open();
    assert_eq!(iterator.next().unwrap().unwrap().0, "blocked");
    assert!(iterator.next().is_none());
}

fn futures_are_yielded_in_completion_order<P: Pool>() {
    let pool = P::with_workers(3);
    let started = Signals::new();
    let gates = [Gate::new(), Gate::new(), Gate::new()];
    let items: Vec<Item> = ["a", "b", "c"]
        .into_iter()
        .zip(&gates)
        .map(|(label, gate)| (label, submit_blocked(&pool, gate, &started, label, 0)))
        .collect();
    let mut iterator = as_completed(items, None);
    // Release one task at a time, in an order unlike the input's; each must be the next yielded.
    for index in [2, 0, 1] {
        gates[index].open();
        let (label, future) = iterator.next().unwrap().unwrap();
        assert_eq!(label, ["a", "b", "c"][index]);
        assert!(future.is_done());
    }
    assert!(iterator.next().is_none());
}

fn a_timeout_yields_the_done_ones_then_timed_out_once<P: Pool>() {
    // CPython's test_future_times_out, with a timeout of 0 and a short one.
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    for timeout in [Duration::ZERO, SHORT] {
        let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
        let items: Vec<Item> = vec![
            ("cancelled", cancelled()),
            ("failed", failed("earlier")),
            ("successful", successful(42)),
            ("blocked", blocked),
        ];
        let mut iterator = as_completed(items, Some(timeout));
        let mut yielded = Vec::new();
        for item in iterator.by_ref() {
            match item {
                Ok((label, _)) => yielded.push(label),
                Err(error) => {
                    assert_eq!(error, Error::TimedOut);
                    break;
                }
            }
        }
        assert_eq!(
            yielded,
            ["cancelled", "failed", "successful"],
            "timeout {timeout:?}"
        );
        assert!(
            iterator.next().is_none(),
            "the iterator goes on after its timeout"
        );
        let pending = iterator.into_pending();
        assert_eq!(labels(&pending), ["blocked"]);
    }
}

fn the_timeout_is_one_deadline_for_the_whole_iteration<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let timeout = Duration::from_millis(400);
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    let quick = pool.submit(|| 1).unwrap();
    quick.wait();
    let mut iterator = as_completed(vec![("quick", quick), ("blocked", blocked)], Some(timeout));
    // Spend the whole timeout before asking for anything (waiting on a future that never finishes).
    let (_never, never) = Promise::<()>::new();
    assert!(!never.wait_timeout(timeout));
    assert_eq!(
        iterator.next().unwrap().unwrap().0,
        "quick",
        "done futures are yielded first"
    );
    let asked = Instant::now();
    assert_eq!(iterator.next().unwrap().unwrap_err(), Error::TimedOut);
    assert!(
        asked.elapsed() < timeout,
        "the deadline restarted for the second item: it should count from the call to as_completed"
    );
}

fn a_future_given_several_times_is_yielded_once<P: Pool>() {
    // CPython's test_duplicate_futures (issues 20367 and 31641).
    let pool = P::with_workers(2);
    let future = pool.submit(|| 1).unwrap();
    let yielded: Vec<_> = as_completed(std::iter::repeat_n(&future, 3), None).collect();
    assert_eq!(yielded.len(), 1);
}

fn each_future_comes_back_with_its_context<P: Pool>() {
    // The seed's future_to_url pattern: (context, future) pairs instead of a dict.
    let pool = P::with_workers(4);
    let urls = [
        "http://a.example",
        "http://bb.example",
        "http://ccc.example",
    ];
    let jobs = urls.map(|url| (url, pool.submit(move || url.len()).unwrap()));
    let mut seen = Vec::new();
    for item in as_completed(jobs, None) {
        let (url, future) = item.unwrap();
        assert_eq!(
            future.result(),
            Ok(url.len()),
            "a result came back with another's context"
        );
        seen.push(url);
    }
    seen.sort_unstable();
    assert_eq!(seen, urls);
}

fn references_to_futures_are_accepted<P: Pool>() {
    let pool = P::with_workers(2);
    let futures: Vec<_> = (0..5).map(|n| pool.submit(move || n).unwrap()).collect();
    let count = as_completed(&futures, None).filter(Result::is_ok).count();
    assert_eq!(count, 5);
    let total: i32 = futures.into_iter().map(|f| f.result().unwrap()).sum();
    assert_eq!(
        total, 10,
        "the futures stay usable after as_completed borrowed them"
    );
}

fn a_future_cancelled_during_the_iteration_is_yielded<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 0);
    started.next("the blocker started");
    let queued = pool.submit(|| 1).unwrap();
    let (blocked, queued) = (&blocked, &queued);
    thread::scope(|scope| {
        let mut iterator = as_completed([("blocked", blocked), ("queued", queued)], None);
        scope.spawn(move || assert!(queued.cancel()));
        let (label, future) = iterator.next().unwrap().unwrap();
        assert_eq!(label, "queued");
        assert!(future.is_cancelled());
        gate.open();
        assert_eq!(iterator.next().unwrap().unwrap().0, "blocked");
        assert!(iterator.next().is_none());
    });
}

fn dropping_the_iterator_early_leaves_the_futures_alone<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocked = submit_blocked(&pool, &gate, &started, "blocked", 5);
    let quick = pool.submit(|| 1).unwrap();
    {
        let mut iterator = as_completed([&blocked, &quick], None);
        assert!(iterator.next().unwrap().is_ok());
    }
    gate.open();
    assert_eq!(
        blocked.result(),
        Ok(5),
        "dropping as_completed disturbed a pending future"
    );
    assert_eq!(quick.result(), Ok(1));
}

on_both_executors!(
    every_future_is_yielded_whatever_its_outcome,
    futures_already_done_come_first_in_input_order,
    futures_are_yielded_in_completion_order,
    a_timeout_yields_the_done_ones_then_timed_out_once,
    the_timeout_is_one_deadline_for_the_whole_iteration,
    a_future_given_several_times_is_yielded_once,
    each_future_comes_back_with_its_context,
    references_to_futures_are_accepted,
    a_future_cancelled_during_the_iteration_is_yielded,
    dropping_the_iterator_early_leaves_the_futures_alone,
);

#[test]
fn nothing_to_wait_for_ends_at_once() {
    within_deadline("as_completed over nothing", || {
        assert!(
            as_completed(Vec::<Future<i32>>::new(), None)
                .next()
                .is_none()
        );
        assert!(
            as_completed(Vec::<Future<i32>>::new(), Some(Duration::ZERO))
                .next()
                .is_none()
        );
    });
}

#[test]
fn a_timeout_of_zero_reports_the_unfinished_ones() {
    // CPython's test_correct_timeout_exception_msg: 2 of 4 unfinished.
    within_deadline("as_completed with a zero timeout", || {
        let (_pending_promise, pending) = Promise::new();
        let (running_promise, running) = Promise::new();
        assert!(running_promise.start());
        let items: Vec<Item> = vec![
            ("cancelled", cancelled()),
            ("pending", pending),
            ("running", running),
            ("successful", successful(42)),
        ];
        let (yielded, timed_out) = drain(items.into_iter().collect(), Some(Duration::ZERO));
        assert!(timed_out);
        assert_eq!(yielded, ["cancelled", "successful"]);
    });
}

#[test]
fn the_pending_items_can_be_taken_back_before_iterating() {
    let (_promise, pending) = Promise::<i32>::new();
    let iterator = as_completed(vec![("done", successful(1)), ("pending", pending)], None);
    assert_eq!(labels(&iterator.into_pending()), ["done", "pending"]);
}
