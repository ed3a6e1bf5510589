//! `Executor::map`: the map cases of CPython's `executor.py` and `test_thread_pool.py` on both
//! executors (order, an error at its position, timeout, cancelling on timeout), plus what the
//! bounded, lazy iterator promises: items are pulled and tasks submitted only as results are
//! consumed, never more than `buffer_size` in flight, and dropping it cancels what has not started.

#[macro_use]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use concurrent::testing::CountingExecutor;
use concurrent::{Error, Executor, Promise};

fn results_come_in_input_order<P: Pool>() {
    // CPython's test_map.
    let pool = P::with_workers(4);
    let powers: Vec<_> = pool.map(|n: u32| n.pow(n), 0..10).collect();
    let expected: Vec<_> = (0..10_u32).map(|n| Ok(n.pow(n))).collect();
    assert_eq!(powers, expected);
}

fn results_come_in_input_order_even_when_tasks_finish_in_reverse<P: Pool>() {
    // Task n may only finish after task n + 1 has: completion order is 3, 2, 1, 0.
    let pool = P::with_workers(4);
    let gates: Arc<Vec<Gate>> = Arc::new((0..4).map(|_| Gate::new()).collect());
    let finished = Arc::new(Mutex::new(Vec::new()));
    let (task_gates, task_finished) = (Arc::clone(&gates), Arc::clone(&finished));
    let results: Vec<_> = pool
        .map(
            move |n: usize| {
                if n + 1 < task_gates.len() {
                    task_gates[n].waiter().wait();
                }
                task_finished.lock().unwrap().push(n);
                if n > 0 {
                    task_gates[n - 1].open();
                }
                n * 10
            },
            0..4,
        )
        .buffer_size(4)
        .collect();
    assert_eq!(results, [Ok(0), Ok(10), Ok(20), Ok(30)]);
    assert_eq!(*finished.lock().unwrap(), [3, 2, 1, 0]);
}

fn a_panic_is_yielded_at_its_position_and_the_rest_follow<P: Pool>() {
    // CPython's test_map_exception: divmod by zero at the third position.
    let pool = P::with_workers(2);
    let mut results = pool.map(
        |(a, b): (i32, i32)| (a / b, a % b),
        [(1, 2), (1, 3), (1, 0), (1, 5)],
    );
    assert_eq!(results.next(), Some(Ok((0, 1))));
    assert_eq!(results.next(), Some(Ok((0, 1))));
    match results.next() {
        Some(Err(Error::Panicked(message))) => {
            assert!(
                message.contains("divide by zero"),
                "unexpected message {message:?}"
            )
        }
        other => panic!("expected the panic at position 2, got {other:?}"),
    }
    assert_eq!(
        results.next(),
        Some(Ok((0, 1))),
        "map stopped after an error"
    );
    assert_eq!(results.next(), None);
}

fn a_timeout_yields_timed_out_then_ends<P: Pool>() {
    // CPython's test_map_timeout: [0, 0, blocked] -> two results, then TimeoutError. The timeout
    // is long enough for the two quick tasks on a loaded machine; the test waits all of it.
    let pool = P::with_workers(2);
    let gate = Gate::new();
    let waiter = gate.waiter();
    let results: Vec<_> = pool
        .map(
            move |blocks: bool| {
                if blocks {
                    waiter.wait();
                }
            },
            [false, false, true],
        )
        .timeout(Duration::from_secs(1))
        .collect();
    assert_eq!(results, [Ok(()), Ok(()), Err(Error::TimedOut)]);
}

fn a_timeout_cancels_the_tasks_that_have_not_started<P: Pool>() {
    // CPython's test_executor_map_current_future_cancel (gh-95166).
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let first = submit_blocked(&pool, &gate, &started, "first", ());
    started.next("the first task started");
    let log = Signals::new();
    let sender = log.sender();
    {
        let mut results = pool
            .map(
                move |ident: &'static str| sender.send(ident).unwrap(),
                ["second", "third"],
            )
            .timeout(Duration::ZERO);
        assert_eq!(results.next(), Some(Err(Error::TimedOut)));
        assert_eq!(results.next(), None);
    }
    gate.open();
    first.wait();
    pool.shutdown(true, false);
    assert_eq!(
        log.drain(),
        Vec::<&str>::new(),
        "a task of the timed-out map ran"
    );
}

fn the_timeout_counts_from_the_call_to_map<P: Pool>() {
    let pool = P::with_workers(2);
    let gate = Gate::new();
    let waiter = gate.waiter();
    let timeout = Duration::from_secs(1);
    let mut results = pool
        .map(
            move |blocks: bool| {
                if blocks {
                    waiter.wait();
                }
            },
            [false, true],
        )
        .timeout(timeout);
    assert_eq!(results.next(), Some(Ok(())));
    // Spend the rest of the deadline on a future that never finishes.
    let (_never, never) = Promise::<()>::new();
    assert!(!never.wait_timeout(timeout));
    let asked = Instant::now();
    assert_eq!(results.next(), Some(Err(Error::TimedOut)));
    assert!(
        asked.elapsed() < timeout,
        "each result got its own timeout: the deadline should count from the call to map"
    );
}

fn nothing_is_submitted_or_pulled_before_the_first_result_is_asked_for<P: Pool>() {
    // The opposite of CPython's test_map_submits_without_iteration: this map is lazy.
    let pool = CountingExecutor::new(P::with_workers(2));
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let items = (0..10).inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let mut results = pool.map(|n: i32| n + 1, items).buffer_size(3);
    assert_eq!((pool.submitted(), pulled.load(Ordering::SeqCst)), (0, 0));
    assert_eq!(results.next(), Some(Ok(1)));
    assert_eq!(
        pool.submitted(),
        3,
        "the first next() fills the buffer, no more"
    );
    assert_eq!(pulled.load(Ordering::SeqCst), 3);
    drop(results);
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        3,
        "dropping the map pulled more items"
    );
}

fn tasks_in_flight_never_exceed_the_buffer_size<P: Pool>() {
    let pool = CountingExecutor::new(P::with_workers(8));
    let results = pool.map(|n: usize| n * 2, 0..100).buffer_size(3);
    let mut yielded = 0;
    for result in results {
        assert_eq!(result, Ok(yielded * 2));
        yielded += 1;
        let submitted = pool.submitted();
        assert!(
            submitted <= yielded + 3,
            "{submitted} tasks submitted after {yielded} results: more than 3 in flight"
        );
    }
    assert_eq!((yielded, pool.submitted()), (100, 100));
    assert!(
        pool.max_in_flight() <= 3,
        "{} ran at once",
        pool.max_in_flight()
    );
}

fn the_default_buffer_is_twice_the_workers<P: Pool>() {
    let pool = CountingExecutor::new(P::with_workers(3));
    let mut results = pool.map(|n: u8| n, 0..50);
    assert_eq!(results.next(), Some(Ok(0)));
    assert_eq!(pool.submitted(), 6);
}

fn dropping_the_map_cancels_the_tasks_that_have_not_started<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let ran = Signals::new();
    let (waiter, ran_sender, started_sender) = (gate.waiter(), ran.sender(), started.sender());
    {
        let mut results = pool
            .map(
                move |n: usize| {
                    ran_sender.send(n).unwrap();
                    if n == 1 {
                        started_sender.send("item 1").unwrap();
                        waiter.wait();
                    }
                    n
                },
                0..5,
            )
            .buffer_size(5);
        assert_eq!(results.next(), Some(Ok(0)));
        started.next("item 1 started");
        // Items 2, 3 and 4 are queued behind item 1 on the only worker.
    }
    gate.open();
    pool.shutdown(true, false);
    assert_eq!(
        ran.drain(),
        [0, 1],
        "dropping the map did not cancel the queued tasks"
    );
}

fn a_refused_submission_is_yielded_at_its_position<P: Pool>() {
    let pool = P::with_workers(2);
    let mut results = pool.map(|n: i32| n, 0..10).buffer_size(2);
    assert_eq!(results.next(), Some(Ok(0)));
    pool.shutdown(false, false);
    // Item 1 was submitted before the shutdown, item 2 is refused; then the map ends.
    assert_eq!(results.next(), Some(Ok(1)));
    assert_eq!(results.next(), Some(Err(Error::Shutdown)));
    assert_eq!(results.next(), None);
}

fn map_after_shutdown_yields_the_refusal<P: Pool>() {
    let pool = P::with_workers(2);
    pool.shutdown(true, false);
    let results: Vec<_> = pool.map(|n: i32| n, 0..3).collect();
    assert_eq!(results, [Err(Error::Shutdown)]);
}

fn an_empty_input_yields_nothing<P: Pool>() {
    let pool = P::with_workers(2);
    assert_eq!(pool.map(|n: i32| n, Vec::new()).next(), None);
}

fn results_are_moved_out_not_copied<P: Pool>() {
    let pool = P::with_workers(2);
    let words: Vec<String> = pool
        .map(|n: usize| "x".repeat(n), 0..5)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(words, ["", "x", "xx", "xxx", "xxxx"]);
}

on_both_executors!(
    results_come_in_input_order,
    results_come_in_input_order_even_when_tasks_finish_in_reverse,
    a_panic_is_yielded_at_its_position_and_the_rest_follow,
    a_timeout_yields_timed_out_then_ends,
    a_timeout_cancels_the_tasks_that_have_not_started,
    the_timeout_counts_from_the_call_to_map,
    nothing_is_submitted_or_pulled_before_the_first_result_is_asked_for,
    tasks_in_flight_never_exceed_the_buffer_size,
    the_default_buffer_is_twice_the_workers,
    dropping_the_map_cancels_the_tasks_that_have_not_started,
    a_refused_submission_is_yielded_at_its_position,
    map_after_shutdown_yields_the_refusal,
    an_empty_input_yields_nothing,
    results_are_moved_out_not_copied,
);
