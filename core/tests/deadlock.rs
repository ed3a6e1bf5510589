//! No deadlocks: the thread-pool side of CPython's `test_deadlock.py` (a task that fails around
//! a shutdown, many jobs through `map`), plus the ways course code nests work: tasks and callbacks
//! that submit to their own pool and wait, and a shutdown with cancel racing a submitting thread.
//! Every test runs under a deadline that names what hung.

#[macro_use]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::thread;

use common::*;
use concurrent::{Error, Executor, ReturnWhen, as_completed, wait};

fn a_task_failing_after_shutdown_was_called_still_reports_its_panic<P: Pool>() {
    // CPython's test_shutdown_deadlock: the task fails while shutdown(wait=True) waits for it.
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let waiter = gate.waiter();
    let sender = started.sender();
    let future = pool
        .submit(move || -> () {
            sender.send("task").unwrap();
            waiter.wait();
            panic!("crash after shutdown")
        })
        .unwrap();
    started.next("the task started");
    thread::scope(|scope| {
        scope.spawn(|| gate.open());
        pool.shutdown(true, false);
    });
    assert_eq!(
        future.result(),
        Err(Error::Panicked("crash after shutdown".into()))
    );
}

fn many_jobs_through_map_all_come_back<P: Pool>() {
    // CPython's test_gh105829_should_not_deadlock_if_wakeup_pipe_full.
    let pool = P::with_workers(2);
    let results: Vec<_> = pool.map(|n: i32| n, 0..100).map(Result::unwrap).collect();
    assert_eq!(results.len(), 100);
}

fn a_task_waiting_for_another_tasks_future<P: Pool>() {
    let pool = Arc::new(P::with_workers(2));
    let inner = Arc::clone(&pool);
    let outer = pool
        .submit(move || {
            let children: Vec<_> = (0..10).map(|n| inner.submit(move || n).unwrap()).collect();
            children
                .into_iter()
                .map(|f| f.result().unwrap())
                .sum::<i32>()
        })
        .unwrap();
    assert_eq!(outer.result(), Ok(45));
}

fn a_task_using_map_wait_and_as_completed_on_its_own_pool<P: Pool>() {
    let pool = Arc::new(P::with_workers(2));
    let inner = Arc::clone(&pool);
    let outer = pool
        .submit(move || {
            let mapped: i32 = inner.map(|n: i32| n, 0..10).map(Result::unwrap).sum();
            let futures: Vec<_> = (0..5).map(|n| inner.submit(move || n).unwrap()).collect();
            let (done, _) = wait(&futures, None, ReturnWhen::AllCompleted);
            let completed = as_completed(&futures, None).count();
            (mapped, done.len(), completed)
        })
        .unwrap();
    assert_eq!(outer.result(), Ok((45, 5, 5)));
}

fn a_callback_that_submits_more_work<P: Pool>() {
    let pool = Arc::new(P::with_workers(2));
    let (inner, follow_up) = (Arc::clone(&pool), Signals::new());
    let sender = follow_up.sender();
    let first = pool.submit(|| 20).unwrap();
    first.add_done_callback(move |outcome| {
        let value = *outcome.unwrap();
        sender
            .send(inner.submit(move || value + 1).unwrap())
            .unwrap();
    });
    assert_eq!(first.result(), Ok(20));
    assert_eq!(follow_up.next("the callback submitted").result(), Ok(21));
}

fn a_callback_that_waits_for_another_task<P: Pool>() {
    let pool = P::with_workers(2);
    let (other_gate, first_gate, started) = (Gate::new(), Gate::new(), Signals::new());
    let other = submit_blocked(&pool, &other_gate, &started, "other", 2);
    let first = submit_blocked(&pool, &first_gate, &started, "first", 1);
    let seen = Signals::new();
    let sender = seen.sender();
    first.add_done_callback(move |outcome| {
        // Runs on the worker that completes `first` and blocks it until `other` finishes on the
        // other worker.
        let mine = *outcome.unwrap();
        sender.send(mine + other.result().unwrap()).unwrap();
    });
    first_gate.open();
    other_gate.open();
    assert_eq!(seen.next("the callback got the other result"), 3);
    assert_eq!(first.result(), Ok(1));
}

fn shutdown_with_cancel_racing_a_submitting_thread_loses_no_future<P: Pool>() {
    // Every accepted future ends done (run once, or cancelled); every refusal says Shutdown.
    let pool = P::with_workers(2);
    let runs: Arc<Vec<AtomicU8>> = Arc::new((0..10_000).map(|_| AtomicU8::new(0)).collect());
    let submitted = Signals::new();
    let sender = submitted.sender();
    let (accepted, refusal) = thread::scope(|scope| {
        let submitter = scope.spawn(|| {
            let mut accepted = Vec::new();
            for n in 0..runs.len() {
                let runs = Arc::clone(&runs);
                match pool.submit(move || runs[n].fetch_add(1, Ordering::SeqCst)) {
                    Ok(future) => accepted.push((n, future)),
                    Err(error) => return (accepted, Some(error)),
                }
                if n == 100 {
                    sender.send(()).unwrap();
                }
            }
            (accepted, None)
        });
        submitted.next("the submitter got going");
        pool.shutdown(true, true);
        submitter.join().unwrap()
    });
    if let Some(error) = refusal {
        assert_eq!(error, Error::Shutdown);
    }
    let (done, not_done) = wait(
        accepted.iter().map(|(_, f)| f),
        None,
        ReturnWhen::AllCompleted,
    );
    assert_eq!((done.len(), not_done.len()), (accepted.len(), 0));
    for (n, future) in &accepted {
        let ran = runs[*n].load(Ordering::SeqCst);
        if future.is_cancelled() {
            assert_eq!(ran, 0, "task {n} was cancelled but ran");
        } else {
            assert_eq!(ran, 1, "task {n} ran {ran} times");
        }
    }
}

fn a_task_waiting_on_its_own_saturated_pool_times_out_rather_than_hangs<P: Pool>() {
    // The documented deadlock (Python's too): the pool's only worker runs a task that waits for a
    // task queued behind it. Without a timeout it would wait forever; with one it reports it.
    let pool = Arc::new(P::with_workers(1));
    let inner = Arc::clone(&pool);
    let outer = pool
        .submit(move || {
            let mut queued = inner.submit(|| 1).unwrap();
            let waited = queued.result_timeout(SHORT);
            (waited, queued.cancel())
        })
        .unwrap();
    assert_eq!(
        outer.result(),
        Ok((Err(Error::TimedOut), true)),
        "the inner task cannot start while the only worker waits for it: the wait must time out \
         and leave the inner task queued (cancellable)"
    );
}

on_both_executors!(
    a_task_failing_after_shutdown_was_called_still_reports_its_panic,
    many_jobs_through_map_all_come_back,
    a_task_waiting_for_another_tasks_future,
    a_task_using_map_wait_and_as_completed_on_its_own_pool,
    a_callback_that_submits_more_work,
    a_callback_that_waits_for_another_task,
    shutdown_with_cancel_racing_a_submitting_thread_loses_no_future,
    a_task_waiting_on_its_own_saturated_pool_times_out_rather_than_hangs,
);

#[test]
fn a_waiter_on_a_dropped_promise_is_released() {
    within_deadline(
        "wait() on a future whose promise is dropped by another thread",
        || {
            let (promise, future) = concurrent::Promise::<i32>::new();
            let dropper = thread::spawn(move || drop(promise));
            let (done, _) = wait([&future], None, ReturnWhen::FirstException);
            assert_eq!(done.len(), 1);
            assert!(matches!(future.result(), Err(Error::Broken(_))));
            dropper.join().unwrap();
        },
    );
}
