//! `shutdown(wait, cancel_futures)` and `Drop`: the cases of CPython's `test_shutdown.py` on both
//! executors, and shutting down from inside a task or a callback without deadlocking.

#[macro_use]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use concurrent::{Error, Executor, wait};

fn submit_after_shutdown_is_refused<P: Pool>() {
    // CPython's test_run_after_shutdown: an error, not a panic.
    let pool = P::with_workers(2);
    pool.shutdown(true, false);
    assert_eq!(pool.submit(|| 2_i32.pow(5)).unwrap_err(), Error::Shutdown);
    assert_eq!(
        pool.submit(|| ()).unwrap_err().to_string(),
        "the executor has been shut down and accepts no new tasks"
    );
}

fn shutdown_twice_is_harmless<P: Pool>() {
    let pool = P::with_workers(2);
    let future = pool.submit(|| 1).unwrap();
    pool.shutdown(true, false);
    pool.shutdown(true, false);
    pool.shutdown(false, true);
    assert_eq!(future.result(), Ok(1));
}

fn shutdown_with_wait_runs_every_queued_task<P: Pool>() {
    // CPython's test_hang_issue12364.
    let pool = P::with_workers(2);
    let futures: Vec<_> = (0..50).map(|n| pool.submit(move || n).unwrap()).collect();
    pool.shutdown(true, false);
    assert!(
        futures.iter().all(|f| f.is_done()),
        "shutdown(wait) returned early"
    );
    let total: i32 = futures.into_iter().map(|f| f.result().unwrap()).sum();
    assert_eq!(total, (0..50).sum());
}

fn shutdown_with_cancel_cancels_every_queued_task<P: Pool>() {
    // CPython's test_cancel_futures; with the only worker held, exactly the queued ones are cancelled.
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let running = submit_blocked(&pool, &gate, &started, "running", 0);
    started.next("the first task started");
    let ran = Arc::new(AtomicUsize::new(0));
    let queued: Vec<_> = (0..49)
        .map(|_| {
            let ran = Arc::clone(&ran);
            pool.submit(move || ran.fetch_add(1, Ordering::SeqCst))
                .unwrap()
        })
        .collect();
    pool.shutdown(false, true);
    assert!(
        queued.iter().all(|f| f.is_cancelled()),
        "a queued future was not cancelled"
    );
    assert!(!running.is_cancelled());
    gate.open();
    assert_eq!(running.result(), Ok(0), "the running task was disturbed");
    pool.shutdown(true, false);
    assert_eq!(ran.load(Ordering::SeqCst), 0, "a cancelled task ran");
}

fn shutdown_with_wait_and_cancel_returns_once_the_running_task_ends<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let running = submit_blocked(&pool, &gate, &started, "running", 3);
    started.next("the first task started");
    let queued = pool.submit(|| 4).unwrap();
    // Let the running task go once the shutdown has cancelled the queued one.
    let opener = std::thread::spawn(move || {
        queued.wait();
        let cancelled = queued.is_cancelled();
        gate.open();
        cancelled
    });
    pool.shutdown(true, true);
    assert!(
        running.is_done(),
        "shutdown(wait) returned before the running task ended"
    );
    assert_eq!(running.result(), Ok(3));
    assert!(opener.join().unwrap(), "the queued task was not cancelled");
}

fn a_task_cancelled_just_before_shutdown_does_not_hang_it<P: Pool>() {
    // CPython's test_hang_gh94440.
    let pool = P::with_workers(1);
    assert_eq!(pool.submit(|| 0).unwrap().result(), Ok(0));
    let _ = pool.submit(|| 0).unwrap().cancel();
    pool.shutdown(true, false);
}

fn shutdown_without_wait_returns_while_tasks_run_and_they_still_finish<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let running = submit_blocked(&pool, &gate, &started, "running", 1);
    let queued = pool.submit(|| 2).unwrap();
    started.next("the task started");
    pool.shutdown(false, false); // returns at once: the task is held at the gate
    assert!(!running.is_done());
    gate.open();
    assert_eq!(running.result(), Ok(1));
    assert_eq!(
        queued.result(),
        Ok(2),
        "shutdown(wait=false) dropped a queued task"
    );
}

fn dropping_the_executor_waits_for_queued_tasks<P: Pool>() {
    // CPython's test_context_manager_shutdown and test_del_shutdown: leaving the scope runs
    // everything that was submitted, and the futures outlive the executor.
    let done = Arc::new(AtomicUsize::new(0));
    let futures: Vec<_> = {
        let pool = P::with_workers(2);
        let absolutes: Vec<_> = pool
            .map(|n: i32| n.abs(), -5..5)
            .map(Result::unwrap)
            .collect();
        assert_eq!(absolutes, [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]);
        (0..20)
            .map(|n| {
                let done = Arc::clone(&done);
                pool.submit(move || {
                    done.fetch_add(1, Ordering::SeqCst);
                    n
                })
                .unwrap()
            })
            .collect()
    };
    assert_eq!(
        done.load(Ordering::SeqCst),
        20,
        "drop returned before every task ran"
    );
    let results: Vec<_> = futures.into_iter().map(|f| f.result().unwrap()).collect();
    assert_eq!(results, (0..20).collect::<Vec<_>>());
}

fn shutdown_with_wait_from_inside_a_task_does_not_deadlock<P: Pool>() {
    let pool = Arc::new(P::with_workers(2));
    let inner = Arc::clone(&pool);
    let future = pool
        .submit(move || {
            inner.shutdown(true, false);
            inner.submit(|| ()).map(drop)
        })
        .unwrap();
    assert_eq!(
        future.result(),
        Ok(Err(Error::Shutdown)),
        "submit after shutdown in a task"
    );
    pool.shutdown(true, false);
}

fn shutdown_with_cancel_from_inside_a_task_cancels_the_queue<P: Pool>() {
    let pool = Arc::new(P::with_workers(1));
    let (gate, started) = (Gate::new(), Signals::new());
    let (inner, waiter, sender) = (Arc::clone(&pool), gate.waiter(), started.sender());
    let first = pool
        .submit(move || {
            sender.send("first").unwrap();
            waiter.wait();
            inner.shutdown(true, true);
        })
        .unwrap();
    started.next("the first task started");
    let queued: Vec<_> = (0..5).map(|n| pool.submit(move || n).unwrap()).collect();
    gate.open();
    assert_eq!(first.result(), Ok(()));
    let (done, not_done) = wait(&queued, None, concurrent::ReturnWhen::AllCompleted);
    assert_eq!((done.len(), not_done.len()), (5, 0));
    assert!(queued.iter().all(|f| f.is_cancelled()));
}

fn shutdown_with_wait_from_inside_a_callback_does_not_deadlock<P: Pool>() {
    let pool = Arc::new(P::with_workers(2));
    let (gate, started) = (Gate::new(), Signals::new());
    let future = submit_blocked(&*pool, &gate, &started, "task", 1);
    started.next("the task started");
    let (inner, called) = (Arc::clone(&pool), Signals::new());
    let sender = called.sender();
    // Runs in the worker that completes the future.
    future.add_done_callback(move |_| {
        inner.shutdown(true, false);
        sender.send(inner.submit(|| ()).map(drop)).unwrap();
    });
    gate.open();
    assert_eq!(future.result(), Ok(1));
    assert_eq!(called.next("the callback ran"), Err(Error::Shutdown));
    pool.shutdown(true, false);
}

fn shutdown_with_wait_from_a_callback_in_the_callers_thread<P: Pool>() {
    let pool = Arc::new(P::with_workers(2));
    let done = pool.submit(|| 1).unwrap();
    done.wait();
    let queued = pool.submit(|| 2).unwrap();
    let inner = Arc::clone(&pool);
    done.add_done_callback(move |_| inner.shutdown(true, false));
    assert!(
        queued.is_done(),
        "shutdown(wait) in the callback did not wait"
    );
    assert_eq!(queued.result(), Ok(2));
}

fn the_last_handle_dropped_inside_a_task_does_not_deadlock<P: Pool>() {
    let pool = Arc::new(P::with_workers(2));
    let (gate, started) = (Gate::new(), Signals::new());
    let (inner, waiter, sender) = (Arc::clone(&pool), gate.waiter(), started.sender());
    let future = pool
        .submit(move || {
            sender.send("task").unwrap();
            waiter.wait();
            // `inner` is the last handle now: the executor is dropped on its own worker.
            drop(inner);
            "survived"
        })
        .unwrap();
    started.next("the task started");
    drop(pool);
    gate.open();
    assert_eq!(future.result(), Ok("survived"));
}

fn the_last_handle_dropped_inside_a_callback_does_not_deadlock<P: Pool>() {
    let pool = Arc::new(P::with_workers(2));
    let (gate, started) = (Gate::new(), Signals::new());
    let future = submit_blocked(&*pool, &gate, &started, "task", 5);
    started.next("the task started");
    let inner = Arc::clone(&pool);
    future.add_done_callback(move |_| drop(inner));
    drop(pool);
    gate.open();
    assert_eq!(future.result(), Ok(5));
}

on_both_executors!(
    submit_after_shutdown_is_refused,
    shutdown_twice_is_harmless,
    shutdown_with_wait_runs_every_queued_task,
    shutdown_with_cancel_cancels_every_queued_task,
    shutdown_with_wait_and_cancel_returns_once_the_running_task_ends,
    a_task_cancelled_just_before_shutdown_does_not_hang_it,
    shutdown_without_wait_returns_while_tasks_run_and_they_still_finish,
    dropping_the_executor_waits_for_queued_tasks,
    shutdown_with_wait_from_inside_a_task_does_not_deadlock,
    shutdown_with_cancel_from_inside_a_task_cancels_the_queue,
    shutdown_with_wait_from_inside_a_callback_does_not_deadlock,
    shutdown_with_wait_from_a_callback_in_the_callers_thread,
    the_last_handle_dropped_inside_a_task_does_not_deadlock,
    the_last_handle_dropped_inside_a_callback_does_not_deadlock,
);
