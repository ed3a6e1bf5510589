//! Regression tests for CPython's open bugs around cancelled futures, which this crate must not
//! copy: a future cancelled before it starts counts as done, so `wait` returns it in `done` and
//! `as_completed` yields it, and nothing hangs. Each test follows the bug report's reproduction.

#[macro_use]
mod common;

use std::time::Duration;

use common::*;
use concurrent::{Error, Executor, ReturnWhen, as_completed, wait};

/// gh-92001: "concurrent.futures.wait() waits forever if given a cancelled future". The report
/// fills a one-worker pool, cancels a queued future, and `wait([future])` hangs, whatever
/// `return_when` is.
fn gh_92001_wait_returns_a_future_cancelled_by_cancel<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let _busy = submit_blocked(&pool, &gate, &started, "busy", ());
    started.next("the only worker is busy");
    let queued: Vec<_> = (0..10).map(|_| pool.submit(|| ()).unwrap()).collect();
    let future = queued.last().unwrap();
    assert!(future.cancel(), "a queued future could not be cancelled");
    for return_when in [
        ReturnWhen::AllCompleted,
        ReturnWhen::FirstCompleted,
        ReturnWhen::FirstException,
    ] {
        let (done, not_done) = wait([future], None, return_when);
        assert_eq!((done.len(), not_done.len()), (1, 0), "{return_when:?}");
    }
    assert_eq!(as_completed([future], None).count(), 1);
}

/// gh-109934: "concurrent.futures.wait returns cancelled as not done". The report shuts a
/// one-worker pool down with `wait=True, cancel_futures=True` while a second task is queued, then
/// `wait(futures, timeout=0)` puts the cancelled one in `not_done` (and with no timeout, hangs).
fn gh_109934_wait_puts_futures_cancelled_by_shutdown_in_done<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let first = submit_blocked(&pool, &gate, &started, "first", ());
    started.next("the first task started");
    let second = pool.submit(|| ()).unwrap();
    let futures = [first, second];
    // shutdown(wait=True) needs the first task to end: let it go once the second is cancelled.
    std::thread::scope(|scope| {
        scope.spawn(|| {
            futures[1].wait();
            gate.open();
        });
        pool.shutdown(true, true);
    });
    assert!(futures[1].is_cancelled());
    let (done, not_done) = wait(&futures, Some(Duration::ZERO), ReturnWhen::AllCompleted);
    assert_eq!(
        (done.len(), not_done.len()),
        (2, 0),
        "a cancelled future was reported not done"
    );
    let (done, not_done) = wait(&futures, None, ReturnWhen::AllCompleted);
    assert_eq!((done.len(), not_done.len()), (2, 0));
}

/// gh-87893: "futures cancelled by ThreadPoolExecutor.shutdown() not yielded by as_completed()".
/// `as_completed` over futures that `shutdown(cancel_futures=True)` cancelled never ends.
fn gh_87893_as_completed_yields_futures_cancelled_by_shutdown<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let mut futures = vec![submit_blocked(&pool, &gate, &started, "running", 0)];
    started.next("the only worker is busy");
    futures.extend((1..20).map(|n| pool.submit(move || n).unwrap()));
    pool.shutdown(false, true);
    gate.open();
    let mut cancelled = 0;
    let mut finished = 0;
    for future in as_completed(futures, None) {
        match future.unwrap().result() {
            Ok(_) => finished += 1,
            Err(Error::Cancelled) => cancelled += 1,
            Err(other) => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!((finished, cancelled), (1, 19));
}

/// The three bugs share a cause: CPython tells waiters about a cancel only when a worker later
/// dequeues the item. Here a cancel wakes a waiter that is already blocked, with no worker involved.
fn a_cancel_wakes_a_waiter_already_blocked<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let _busy = submit_blocked(&pool, &gate, &started, "busy", 0);
    started.next("the only worker is busy");
    let queued = pool.submit(|| 1).unwrap();
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| wait([&queued], None, ReturnWhen::AllCompleted).0.len());
        let iterator = scope.spawn(|| as_completed([&queued], None).count());
        assert!(queued.cancel());
        assert_eq!(waiter.join().unwrap(), 1);
        assert_eq!(iterator.join().unwrap(), 1);
    });
}

on_both_executors!(
    gh_92001_wait_returns_a_future_cancelled_by_cancel,
    gh_109934_wait_puts_futures_cancelled_by_shutdown_in_done,
    gh_87893_as_completed_yields_futures_cancelled_by_shutdown,
    a_cancel_wakes_a_waiter_already_blocked,
);
