//! `Future` and `Promise`: the cases of CPython's `test_future.py` (state predicates, `cancel`,
//! `result` and `exception` with timeouts, done callbacks), plus what Rust adds: a timeout leaves the
//! future usable, a value is moved out once, a dropped promise never leaves a waiter hanging.

#[macro_use]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use common::*;
use concurrent::{Error, Executor, Future, Promise};

fn states<T>(future: &Future<T>) -> (bool, bool, bool) {
    (future.is_done(), future.is_running(), future.is_cancelled())
}

// ---- predicates on a future in each state (test_done, test_running, test_cancelled) ----

#[test]
fn a_pending_future_is_not_done_running_or_cancelled() {
    let (_promise, future) = Promise::<i32>::new();
    assert_eq!(states(&future), (false, false, false));
}

#[test]
fn a_started_future_is_running_only() {
    let (promise, future) = Promise::<i32>::new();
    assert!(promise.start());
    assert_eq!(states(&future), (false, true, false));
}

#[test]
fn a_cancelled_future_is_done_and_cancelled() {
    assert_eq!(states(&cancelled::<i32>()), (true, false, true));
}

#[test]
fn a_finished_future_is_done_only_whether_it_succeeded_or_failed() {
    assert_eq!(states(&successful(42)), (true, false, false));
    assert_eq!(states(&failed::<i32>("boom")), (true, false, false));
}

// ---- cancel (test_cancel) ----

#[test]
fn cancel_succeeds_on_a_pending_future_and_makes_it_cancelled() {
    let (promise, future) = Promise::<i32>::new();
    assert!(future.cancel());
    assert_eq!(states(&future), (true, false, true));
    assert!(!promise.start(), "a cancelled future's task must not start");
}

#[test]
fn cancel_of_a_cancelled_future_succeeds_again() {
    let future = cancelled::<i32>();
    assert!(future.cancel());
    assert!(future.is_cancelled());
}

#[test]
fn cancel_fails_on_a_running_future_and_leaves_it_running() {
    within_deadline(
        "cancel fails on a running future and leaves it running",
        || {
            let (promise, future) = Promise::<i32>::new();
            assert!(promise.start());
            assert!(!future.cancel());
            assert_eq!(states(&future), (false, true, false));
            promise.set_result(1);
            assert_eq!(future.result(), Ok(1));
        },
    );
}

#[test]
fn cancel_fails_on_a_finished_future_and_leaves_it_finished() {
    within_deadline(
        "cancel fails on a finished future and leaves it finished",
        || {
            let failure = failed::<i32>("boom");
            assert!(!failure.cancel());
            assert_eq!(failure.error(), Some(Error::Panicked("boom".into())));
            let success = successful(5);
            assert!(!success.cancel());
            assert_eq!(success.result(), Ok(5));
        },
    );
}

// ---- result and error with a timeout (test_result_with_timeout, test_exception_with_timeout) ----

#[test]
fn result_timeout_zero_reports_the_state_of_each_kind_of_future() {
    let (_pending_promise, mut pending) = Promise::<i32>::new();
    assert_eq!(pending.result_timeout(Duration::ZERO), Err(Error::TimedOut));

    let (running_promise, mut running) = Promise::<i32>::new();
    assert!(running_promise.start());
    assert_eq!(running.result_timeout(Duration::ZERO), Err(Error::TimedOut));

    assert_eq!(
        cancelled::<i32>().result_timeout(Duration::ZERO),
        Err(Error::Cancelled)
    );
    assert_eq!(
        failed::<i32>("boom").result_timeout(Duration::ZERO),
        Err(Error::Panicked("boom".into()))
    );
    assert_eq!(successful(42).result_timeout(Duration::ZERO), Ok(42));
}

#[test]
fn error_timeout_zero_reports_the_state_of_each_kind_of_future() {
    let (_pending_promise, pending) = Promise::<i32>::new();
    assert_eq!(pending.error_timeout(Duration::ZERO), Err(Error::TimedOut));

    let (running_promise, running) = Promise::<i32>::new();
    assert!(running_promise.start());
    assert_eq!(running.error_timeout(Duration::ZERO), Err(Error::TimedOut));

    assert_eq!(
        cancelled::<i32>().error_timeout(Duration::ZERO),
        Ok(Some(Error::Cancelled))
    );
    assert_eq!(
        failed::<i32>("boom").error_timeout(Duration::ZERO),
        Ok(Some(Error::Panicked("boom".into())))
    );
    assert_eq!(successful(42).error_timeout(Duration::ZERO), Ok(None));
}

#[test]
fn wait_timeout_is_false_while_pending_and_true_once_done() {
    within_deadline(
        "wait timeout is false while pending and true once done",
        || {
            let (promise, future) = Promise::<i32>::new();
            assert!(!future.wait_timeout(SHORT));
            promise.set_result(1);
            assert!(future.wait_timeout(Duration::ZERO));
            future.wait();
        },
    );
}

#[test]
fn result_wakes_when_another_thread_sets_the_value() {
    within_deadline("result() waiting for a value set by another thread", || {
        let (promise, future) = Promise::new();
        let setter = thread::spawn(move || promise.set_result(42));
        assert_eq!(future.result(), Ok(42));
        setter.join().unwrap();
    });
}

#[test]
fn result_wakes_when_another_thread_cancels() {
    within_deadline(
        "result_timeout() waiting for a cancel from another thread",
        || {
            let (_promise, mut future) = Promise::<i32>::new();
            thread::scope(|scope| {
                let shared = &future;
                scope.spawn(move || assert!(shared.cancel()));
            });
            assert_eq!(future.result_timeout(LIMIT), Err(Error::Cancelled));
        },
    );
}

#[test]
fn error_wakes_when_another_thread_fails_the_future() {
    within_deadline(
        "error() waiting for a failure set by another thread",
        || {
            let (promise, future) = Promise::<i32>::new();
            let setter = thread::spawn(move || promise.set_error(Error::Broken("gone".into())));
            assert_eq!(future.error(), Some(Error::Broken("gone".into())));
            setter.join().unwrap();
        },
    );
}

// ---- values are moved out once; errors can be read again ----

#[test]
fn a_value_is_moved_out_once_and_asking_again_says_so() {
    within_deadline("a value is moved out once and asking again says so", || {
        let mut future = successful(String::from("only once"));
        assert_eq!(
            future.result_timeout(Duration::ZERO),
            Ok("only once".into())
        );
        assert!(future.is_done());
        assert_eq!(
            future.result_timeout(Duration::ZERO),
            Err(Error::ResultTaken)
        );
        assert_eq!(future.error(), None, "a successful task has no error");
        assert_eq!(future.result(), Err(Error::ResultTaken));
    });
}

#[test]
fn an_error_can_be_read_any_number_of_times() {
    within_deadline("an error can be read any number of times", || {
        let mut future = failed::<String>("boom");
        let boom = Error::Panicked("boom".into());
        assert_eq!(future.result_timeout(Duration::ZERO), Err(boom.clone()));
        assert_eq!(future.result_timeout(Duration::ZERO), Err(boom.clone()));
        assert_eq!(future.error(), Some(boom.clone()));
        assert_eq!(future.result(), Err(boom));
    });
}

// ---- promises ----

#[test]
fn a_promise_dropped_unfinished_fails_its_future_with_broken() {
    within_deadline("result() of a future whose promise was dropped", || {
        let (promise, future) = Promise::<i32>::new();
        drop(promise);
        assert!(future.is_done());
        assert!(matches!(future.result(), Err(Error::Broken(_))));

        let (promise, future) = Promise::<i32>::new();
        assert!(promise.start());
        thread::spawn(move || drop(promise)).join().unwrap();
        assert!(matches!(future.result(), Err(Error::Broken(_))));
    });
}

#[test]
fn dropping_the_promise_of_a_cancelled_future_keeps_it_cancelled() {
    within_deadline(
        "dropping the promise of a cancelled future keeps it cancelled",
        || {
            let (promise, future) = Promise::<i32>::new();
            assert!(future.cancel());
            drop(promise);
            assert_eq!(future.result(), Err(Error::Cancelled));
        },
    );
}

#[test]
fn promise_run_skips_the_task_of_a_cancelled_future() {
    within_deadline("promise run skips the task of a cancelled future", || {
        let (promise, future) = Promise::<i32>::new();
        assert!(future.cancel());
        let ran = AtomicBool::new(false);
        promise.run(|| {
            ran.store(true, Ordering::SeqCst);
            1
        });
        assert!(!ran.load(Ordering::SeqCst));
        assert_eq!(future.result(), Err(Error::Cancelled));
    });
}

#[test]
fn promise_run_turns_a_panic_into_an_error_with_its_message() {
    within_deadline(
        "promise run turns a panic into an error with its message",
        || {
            let (promise, future) = Promise::<i32>::new();
            promise.run(|| panic!("task {} failed", 7));
            assert_eq!(
                future.result(),
                Err(Error::Panicked("task 7 failed".into()))
            );
        },
    );
}

#[test]
fn a_panic_with_a_non_string_payload_names_the_payload_when_it_can() {
    within_deadline("tasks panicking with payloads that are not strings", || {
        fn panicked_with(payload: impl std::any::Any + Send + 'static) -> Error {
            let (promise, future) = Promise::<()>::new();
            promise.run(move || std::panic::panic_any(payload));
            future.result().unwrap_err()
        }
        let message = |error: Error| match error {
            Error::Panicked(message) => message,
            other => panic!("expected Error::Panicked, got {other:?}"),
        };
        assert_eq!(
            message(panicked_with(42_u32)),
            "a panic with a non-string payload: 42 (u32)"
        );
        assert_eq!(
            message(panicked_with(-1_i32)),
            "a panic with a non-string payload: -1 (i32)"
        );
        let boxed: Box<dyn std::error::Error + Send + Sync> = "disk full".into();
        assert_eq!(
            message(panicked_with(boxed)),
            "a panic with a non-string payload: disk full (Box<dyn std::error::Error + Send + Sync>)"
        );
        let io = std::io::Error::other("no route");
        assert_eq!(
            message(panicked_with(io)),
            "a panic with a non-string payload: no route (std::io::Error)"
        );
        struct Mine;
        assert_eq!(
            message(panicked_with(Mine)),
            "a panic with a non-string payload",
            "a type the crate cannot know keeps the old message"
        );
    });
}

// ---- done callbacks on a bare future (test_done_callback_*) ----

#[test]
fn a_callback_receives_the_value() {
    let (promise, future) = Promise::new();
    let seen = Signals::new();
    let sender = seen.sender();
    future.add_done_callback(move |outcome| {
        sender.send(outcome.copied().map_err(Clone::clone)).unwrap()
    });
    assert_eq!(
        seen.try_next(),
        None,
        "the callback ran before the future was done"
    );
    promise.set_result(5);
    assert_eq!(
        seen.try_next(),
        Some(Ok(5)),
        "set_result returned before its callback ran"
    );
}

#[test]
fn a_callback_receives_the_error() {
    let (promise, future) = Promise::<i32>::new();
    let seen = Signals::new();
    let sender = seen.sender();
    future.add_done_callback(move |outcome| sender.send(outcome.err().cloned()).unwrap());
    promise.set_error(Error::Panicked("test".into()));
    assert_eq!(seen.try_next(), Some(Some(Error::Panicked("test".into()))));
}

#[test]
fn a_callback_hears_of_a_cancel_in_the_cancelling_thread() {
    let (_promise, future) = Promise::<i32>::new();
    let seen = Signals::new();
    let sender = seen.sender();
    future.add_done_callback(move |outcome| {
        sender
            .send((outcome.err().cloned(), thread::current().id()))
            .unwrap()
    });
    assert!(future.cancel());
    assert_eq!(
        seen.try_next(),
        Some((Some(Error::Cancelled), thread::current().id()))
    );
}

#[test]
fn a_callback_added_to_a_done_future_runs_at_once_in_the_callers_thread() {
    let me = thread::current().id();
    for (future, expected) in [
        (successful(5), Ok(5)),
        (failed("test"), Err(Error::Panicked("test".into()))),
        (cancelled(), Err(Error::Cancelled)),
    ] {
        let seen = Signals::new();
        let sender = seen.sender();
        future.add_done_callback(move |outcome: Result<&i32, &Error>| {
            sender
                .send((
                    outcome.copied().map_err(Clone::clone),
                    thread::current().id(),
                ))
                .unwrap()
        });
        assert_eq!(seen.try_next(), Some((expected, me)));
    }
}

#[test]
fn callbacks_run_in_the_order_they_were_added() {
    let (promise, future) = Promise::<i32>::new();
    let order = Signals::new();
    for n in 0..5 {
        let sender = order.sender();
        future.add_done_callback(move |_| sender.send(n).unwrap());
    }
    promise.set_result(0);
    assert_eq!(order.drain(), [0, 1, 2, 3, 4]);
}

#[test]
fn a_panicking_callback_is_logged_and_the_next_callbacks_still_run() {
    within_deadline(
        "a panicking callback is logged and the next callbacks still run",
        || {
            capture_logs();
            let (promise, future) = Promise::<i32>::new();
            let ran = Signals::new();
            let first = ran.sender();
            future.add_done_callback(move |_| {
                first.send("raising").unwrap();
                panic!("doh! from a pending callback");
            });
            let second = ran.sender();
            future.add_done_callback(move |_| second.send("next").unwrap());
            promise.set_result(5);
            assert_eq!(ran.drain(), ["raising", "next"]);
            assert_eq!(future.result(), Ok(5));
            let records = logged("doh! from a pending callback");
            assert_eq!(records.len(), 1, "expected one log record, got {records:?}");
            assert!(records[0].starts_with("ERROR"), "{records:?}");
        },
    );
}

#[test]
fn a_panicking_callback_added_to_a_done_future_is_logged_and_ignored() {
    within_deadline(
        "a panicking callback added to a done future is logged and ignored",
        || {
            capture_logs();
            let future = successful(5);
            future.add_done_callback(|_| panic!("doh! from a late callback"));
            assert_eq!(logged("doh! from a late callback").len(), 1);
            assert_eq!(
                future.result(),
                Ok(5),
                "the value survives a late callback's panic"
            );
        },
    );
}

#[test]
fn a_late_callback_after_the_value_was_taken_is_told_so() {
    let mut future = successful(5);
    assert_eq!(future.result_timeout(Duration::ZERO), Ok(5));
    let seen = Signals::new();
    let sender = seen.sender();
    future.add_done_callback(move |outcome| sender.send(outcome.err().cloned()).unwrap());
    assert_eq!(seen.try_next(), Some(Some(Error::ResultTaken)));
}

#[test]
fn a_future_whose_value_a_late_callback_is_reading_is_done_and_lends_it_to_one_callback_at_a_time()
{
    within_deadline(
        "a late callback held at a gate while others read the future",
        || {
            let future = Arc::new(successful(5));
            let gate = Gate::new();
            let events = Signals::new();
            let callback_thread = {
                let (future, waiter, sender) =
                    (Arc::clone(&future), gate.waiter(), events.sender());
                thread::spawn(move || {
                    future.add_done_callback(move |outcome| {
                        sender
                            .send(format!("first reads {:?}", outcome.ok()))
                            .unwrap();
                        waiter.wait();
                        sender.send("first returns".to_owned()).unwrap();
                    });
                })
            };
            assert_eq!(
                events.next("the late callback to start"),
                "first reads Some(5)"
            );
            // Done is done, whoever is reading the outcome, and a value is no error.
            assert!(future.is_done());
            assert!(future.wait_timeout(SHORT));
            assert_eq!(future.error_timeout(Duration::ZERO), Ok(None));
            // Another thread's callback gets the value once the first one gave it back.
            let second_thread = {
                let (future, sender) = (Arc::clone(&future), events.sender());
                thread::spawn(move || {
                    future.add_done_callback(move |outcome| {
                        sender
                            .send(format!("second reads {:?}", outcome.ok()))
                            .unwrap();
                    });
                })
            };
            gate.open();
            callback_thread.join().unwrap();
            second_thread.join().unwrap();
            assert_eq!(events.drain(), ["first returns", "second reads Some(5)"]);
            let future = Arc::into_inner(future).expect("the only handle left");
            assert_eq!(future.result(), Ok(5), "the lent value came back");
        },
    );
}

#[test]
fn callbacks_added_before_completion_have_run_when_result_returns() {
    within_deadline("result() of a future completed by another thread", || {
        let (promise, future) = Promise::new();
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        future.add_done_callback(move |_| flag.store(true, Ordering::SeqCst));
        let setter = thread::spawn(move || promise.set_result(1));
        assert_eq!(future.result(), Ok(1));
        assert!(
            ran.load(Ordering::SeqCst),
            "result() returned before the callback ran"
        );
        setter.join().unwrap();
    });
}

#[test]
fn a_future_being_failed_before_it_started_cannot_be_cancelled_meanwhile() {
    // An executor fails a queued task (a broken pool) while one of its callbacks runs: a cancel in
    // that window must fail, or the callbacks would have seen one outcome and the future keep another.
    within_deadline(
        "a callback held at a gate while the future is failed",
        || {
            let (promise, future) = Promise::<i32>::new();
            let gate = Gate::new();
            let entered = Signals::new();
            let (waiter, sender) = (gate.waiter(), entered.sender());
            future.add_done_callback(move |outcome| {
                sender.send(outcome.err().cloned()).unwrap();
                waiter.wait();
            });
            let failer =
                thread::spawn(move || promise.set_error(Error::Broken("pool broke".into())));
            assert_eq!(
                entered.next("the callback started"),
                Some(Error::Broken("pool broke".into()))
            );
            assert!(
                !future.cancel(),
                "cancel() succeeded on a future already being failed"
            );
            gate.open();
            failer.join().unwrap();
            assert_eq!(future.error(), Some(Error::Broken("pool broke".into())));
            assert!(!future.is_cancelled());
        },
    );
}

#[test]
fn debug_shows_the_state() {
    let (_promise, pending) = Promise::<i32>::new();
    assert!(format!("{pending:?}").contains("Pending"));
    assert!(format!("{:?}", cancelled::<i32>()).contains("Cancelled"));
    assert!(format!("{:?}", successful(1)).contains("Finished"));
}

// ---- futures of real executors, on both ----

fn result_timeout_leaves_the_future_usable<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let mut future = submit_blocked(&pool, &gate, &started, "task", 7);
    started.next("the task started");
    assert_eq!(future.result_timeout(SHORT), Err(Error::TimedOut));
    assert_eq!(
        states(&future),
        (false, true, false),
        "a timeout changed the future"
    );
    assert!(!future.wait_timeout(SHORT));
    gate.open();
    assert_eq!(
        future.result_timeout(LIMIT),
        Ok(7),
        "waiting again after a timeout failed"
    );
}

fn result_timeout_then_cancel_a_queued_task<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let running = submit_blocked(&pool, &gate, &started, "running", 1);
    started.next("the first task started");
    let ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let mut queued = pool
        .submit(move || flag.store(true, Ordering::SeqCst))
        .unwrap();
    assert_eq!(queued.result_timeout(SHORT), Err(Error::TimedOut));
    assert_eq!(
        states(&queued),
        (false, false, false),
        "the queued task is pending"
    );
    assert!(
        queued.cancel(),
        "cancelling a task that has not started failed"
    );
    assert_eq!(states(&queued), (true, false, true));
    assert_eq!(queued.result(), Err(Error::Cancelled));
    gate.open();
    assert_eq!(running.result(), Ok(1));
    pool.shutdown(true, false);
    assert!(!ran.load(Ordering::SeqCst), "a cancelled task ran");
}

fn cancel_after_start_fails_and_the_task_completes<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let running = submit_blocked(&pool, &gate, &started, "running", 42);
    started.next("the task started");
    assert!(running.is_running());
    assert!(!running.cancel(), "cancel() succeeded on a running task");
    assert!(!running.is_cancelled());
    gate.open();
    assert_eq!(running.result(), Ok(42));
}

fn a_panicking_task_reports_its_message_as_the_error<P: Pool>() {
    let pool = P::with_workers(2);
    let literal = pool.submit(|| -> i32 { panic!("boom") }).unwrap();
    assert_eq!(literal.error(), Some(Error::Panicked("boom".into())));
    assert_eq!(literal.result(), Err(Error::Panicked("boom".into())));
    let formatted = pool
        .submit(|| -> i32 { panic!("item {} of {}", 3, 4) })
        .unwrap();
    assert_eq!(
        formatted.error(),
        Some(Error::Panicked("item 3 of 4".into()))
    );
    let opaque = pool
        .submit(|| -> i32 { std::panic::panic_any(42_u8) })
        .unwrap();
    assert!(matches!(opaque.error(), Some(Error::Panicked(_))));
    let fine = pool.submit(|| 1).unwrap();
    assert_eq!(fine.error(), None);
    assert_eq!(fine.result(), Ok(1), "error() must not consume the value");
}

fn a_callback_runs_in_the_completing_worker_thread<P: Pool>() {
    let pool = P::with_workers(2);
    let (gate, started) = (Gate::new(), Signals::new());
    let worker = Signals::new();
    let waiter = gate.waiter();
    let (started_sender, worker_sender) = (started.sender(), worker.sender());
    let future = pool
        .submit(move || {
            started_sender.send("task").unwrap();
            waiter.wait();
            worker_sender.send(thread::current().id()).unwrap();
            6 * 7
        })
        .unwrap();
    started.next("the task started");
    let callback = Signals::new();
    let sender = callback.sender();
    future.add_done_callback(move |outcome| {
        sender
            .send((
                outcome.copied().map_err(Clone::clone),
                thread::current().id(),
            ))
            .unwrap()
    });
    gate.open();
    assert_eq!(future.result(), Ok(42));
    let task_thread = worker.next("the task ran");
    assert_eq!(
        callback.try_next(),
        Some((Ok(42), task_thread)),
        "the callback did not run in the worker that completed the future, before result()"
    );
    assert_ne!(task_thread, thread::current().id());
}

fn a_callback_on_a_done_future_runs_at_once_in_the_callers_thread<P: Pool>() {
    let pool = P::with_workers(2);
    let future = pool.submit(|| 5).unwrap();
    future.wait();
    let callback = Signals::new();
    let sender = callback.sender();
    future.add_done_callback(move |outcome| {
        sender
            .send((
                outcome.copied().map_err(Clone::clone),
                thread::current().id(),
            ))
            .unwrap()
    });
    assert_eq!(callback.try_next(), Some((Ok(5), thread::current().id())));
    assert_eq!(future.result(), Ok(5));
}

fn a_panicking_callback_is_logged_and_its_worker_survives<P: Pool>() {
    capture_logs();
    let marker = format!("callback panic on {}", P::NAME);
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let waiter = gate.waiter();
    let started_sender = started.sender();
    let future = pool
        .submit(move || {
            started_sender.send("task").unwrap();
            waiter.wait();
            thread::current().id()
        })
        .unwrap();
    started.next("the task started");
    let ran = Signals::new();
    let message = marker.clone();
    future.add_done_callback(move |_| panic!("{message}"));
    let sender = ran.sender();
    future.add_done_callback(move |_| sender.send("second callback").unwrap());
    gate.open();
    let worker = future.result().expect("a callback's panic failed the task");
    assert_eq!(ran.try_next(), Some("second callback"));
    assert_eq!(
        logged(&marker).len(),
        1,
        "the callback's panic was not logged"
    );
    let after = pool.submit(|| thread::current().id()).unwrap();
    assert_eq!(
        after.result(),
        Ok(worker),
        "the only worker did not survive the callback's panic"
    );
}

fn dropping_a_future_does_not_cancel_its_task<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocker = submit_blocked(&pool, &gate, &started, "blocker", ());
    started.next("the blocker started");
    let ran = Signals::new();
    let sender = ran.sender();
    drop(
        pool.submit(move || sender.send("dropped future's task").unwrap())
            .unwrap(),
    );
    gate.open();
    blocker.wait();
    assert_eq!(
        ran.next("the task of a dropped future ran"),
        "dropped future's task"
    );
}

fn a_callback_on_a_queued_future_hears_of_its_cancel<P: Pool>() {
    let pool = P::with_workers(1);
    let (gate, started) = (Gate::new(), Signals::new());
    let blocker = submit_blocked(&pool, &gate, &started, "blocker", ());
    started.next("the blocker started");
    let queued = pool.submit(|| 1).unwrap();
    let seen = Signals::new();
    let sender = seen.sender();
    queued.add_done_callback(move |outcome| {
        sender
            .send((outcome.err().cloned(), thread::current().id()))
            .unwrap()
    });
    assert!(queued.cancel());
    assert_eq!(
        seen.try_next(),
        Some((Some(Error::Cancelled), thread::current().id()))
    );
    gate.open();
    blocker.wait();
}

on_both_executors!(
    result_timeout_leaves_the_future_usable,
    result_timeout_then_cancel_a_queued_task,
    cancel_after_start_fails_and_the_task_completes,
    a_panicking_task_reports_its_message_as_the_error,
    a_callback_runs_in_the_completing_worker_thread,
    a_callback_on_a_done_future_runs_at_once_in_the_callers_thread,
    a_panicking_callback_is_logged_and_its_worker_survives,
    dropping_a_future_does_not_cancel_its_task,
    a_callback_on_a_queued_future_hears_of_its_cancel,
);

#[test]
fn futures_and_promises_cross_threads_and_panic_boundaries_like_plain_values() {
    // Compile-time check: moving a future to another thread, sharing it, and holding it across
    // `catch_unwind` need no wrapper, whatever executor made it.
    fn sendable_shareable_unwind_safe<
        T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe,
    >(
        _: &T,
    ) {
    }
    let (promise, future) = Promise::<String>::new();
    sendable_shareable_unwind_safe(&promise);
    sendable_shareable_unwind_safe(&future);
    let pool = concurrent::ThreadPoolExecutor::new(1);
    let submitted = pool.submit(|| String::from("ok")).expect("submit");
    sendable_shareable_unwind_safe(&submitted);
    let outcome = std::panic::catch_unwind(|| submitted.result());
    assert_eq!(outcome.expect("no panic"), Ok("ok".to_owned()));
    drop(promise);
}
