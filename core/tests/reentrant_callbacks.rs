//! Done callbacks that touch their own future (issue 10, item 1). CPython runs them fine; here a
//! callback reads the outcome by reference, so a nested call on the same thread must neither wait
//! for the callback it runs in (a self-deadlock) nor report a done future as timed out. Values are
//! `Cell`s on purpose: `T` need not be `Sync`. Every test runs under a deadline.

#[macro_use]
mod common;

use std::cell::Cell;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use concurrent::{Error, Future, Promise, ReturnWhen, as_completed, wait};

fn log(sender: &Sender<String>, line: impl Into<String>) {
    sender.send(line.into()).unwrap();
}

#[test]
fn a_late_callback_adding_a_callback_to_its_own_future_defers_it() {
    within_deadline(
        "a callback on a done future adding another callback to that future",
        || {
            let future = Arc::new(successful(Cell::new(7)));
            let events = Signals::new();
            let (inner, sender) = (Arc::clone(&future), events.sender());
            future.add_done_callback(move |outcome| {
                let value = outcome.unwrap();
                log(&sender, format!("outer sees {}", value.get()));
                value.set(8);
                let nested_sender = sender.clone();
                inner.add_done_callback(move |outcome| {
                    log(
                        &nested_sender,
                        format!("nested sees {}", outcome.unwrap().get()),
                    );
                });
                log(&sender, "nested add_done_callback returned");
            });
            assert_eq!(
                events.drain(),
                [
                    "outer sees 7",
                    "nested add_done_callback returned",
                    "nested sees 8"
                ],
                "the nested callback must run after the outer one returns, before add_done_callback does"
            );
            let future = Arc::into_inner(future).expect("the callbacks dropped their handles");
            assert_eq!(
                future.result().map(Cell::into_inner),
                Ok(8),
                "the lent value came back"
            );
        },
    );
}

#[test]
fn a_late_callback_reading_the_error_of_its_own_future_gets_it_at_once() {
    within_deadline(
        "error() and error_timeout() inside a callback of a done future",
        || {
            let future = Arc::new(successful(Cell::new(1)));
            let answers = Signals::new();
            let (inner, sender) = (Arc::clone(&future), answers.sender());
            future.add_done_callback(move |_| {
                sender.send(inner.error_timeout(Duration::ZERO)).unwrap();
                sender.send(Ok(inner.error())).unwrap();
            });
            assert_eq!(
                answers.drain(),
                [Ok(None), Ok(None)],
                "a done future with a value has no error, even while a callback reads the value"
            );
        },
    );
}

#[test]
fn a_late_callback_on_a_failed_future_can_add_callbacks_and_read_the_error() {
    within_deadline("nested calls inside a callback of a failed future", || {
        let future = Arc::new(failed::<Cell<u8>>("boom"));
        let events = Signals::new();
        let (inner, sender) = (Arc::clone(&future), events.sender());
        future.add_done_callback(move |outcome| {
            log(&sender, format!("outer: {:?}", outcome.err()));
            log(&sender, format!("error(): {:?}", inner.error()));
            let nested = sender.clone();
            inner.add_done_callback(move |outcome| {
                log(&nested, format!("nested: {:?}", outcome.err()))
            });
            log(&sender, "outer returns");
        });
        let boom = format!("{:?}", Some(Error::Panicked("boom".into())));
        assert_eq!(
            events.drain(),
            [
                format!("outer: {boom}"),
                format!("error(): {boom}"),
                "outer returns".to_owned(),
                format!("nested: {boom}"),
            ]
        );
    });
}

#[test]
fn another_thread_reads_the_error_at_once_while_a_late_callback_holds_the_value() {
    within_deadline(
        "error_timeout() while another thread's callback holds the value",
        || {
            let future = Arc::new(successful(Cell::new(5)));
            let gate = Gate::new();
            let reading = Signals::new();
            let callback_thread = {
                let (future, waiter, sender) =
                    (Arc::clone(&future), gate.waiter(), reading.sender());
                std::thread::spawn(move || {
                    future.add_done_callback(move |outcome| {
                        sender.send(outcome.ok().map(Cell::get)).unwrap();
                        waiter.wait();
                    });
                })
            };
            assert_eq!(reading.next("the late callback to start"), Some(5));
            assert_eq!(
                future.error_timeout(Duration::ZERO),
                Ok(None),
                "the future is done and holds a value: no need to wait for the callback"
            );
            gate.open();
            callback_thread.join().unwrap();
        },
    );
}

/// A future and its promise, with the future shared so callbacks can reach it by `&mut`.
fn shared_future<T: Send + 'static>() -> (Promise<T>, Arc<Mutex<Future<T>>>) {
    let (promise, future) = Promise::new();
    (promise, Arc::new(Mutex::new(future)))
}

#[test]
fn a_callback_run_by_the_completing_thread_can_read_its_own_future() {
    // Callbacks added before completion run in the completing thread before the future is done:
    // blocking on it there used to wait for this very thread. Now its outcome counts as decided.
    within_deadline(
        "reads of a future inside its own callback, in the completing thread",
        || {
            let (promise, future) = shared_future::<Cell<u8>>();
            let answers = Signals::new();
            let (inner, sender) = (Arc::clone(&future), answers.sender());
            future.lock().unwrap().add_done_callback(move |outcome| {
                assert_eq!(outcome.map(Cell::get), Ok(3));
                let mut future = inner.lock().unwrap();
                log(
                    &sender,
                    format!("wait_timeout: {}", future.wait_timeout(LIMIT)),
                );
                future.wait();
                log(&sender, format!("error: {:?}", future.error()));
                log(
                    &sender,
                    format!("error_timeout: {:?}", future.error_timeout(LIMIT)),
                );
                let result = future.result_timeout(LIMIT).map(Cell::into_inner);
                log(&sender, format!("result_timeout: {result:?}"));
                let (done, _) = wait([&*future], Some(LIMIT), ReturnWhen::AllCompleted);
                log(&sender, format!("wait: {} done", done.len()));
                let yielded = as_completed([&*future], Some(LIMIT))
                    .filter(Result::is_ok)
                    .count();
                log(&sender, format!("as_completed: {yielded} yielded"));
            });
            promise.set_result(Cell::new(3));
            assert_eq!(
                answers.drain(),
                [
                    "wait_timeout: true",
                    "error: None",
                    "error_timeout: Ok(None)",
                    "result_timeout: Err(ResultLent)",
                    "wait: 1 done",
                    "as_completed: 1 yielded",
                ]
            );
            let future = Arc::into_inner(future).unwrap().into_inner().unwrap();
            assert_eq!(
                future.result().map(Cell::into_inner),
                Ok(3),
                "the value is still there"
            );
        },
    );
}

#[test]
fn a_callback_run_by_the_completing_thread_reads_its_futures_error() {
    within_deadline(
        "error() and result() inside a failing future's own callback",
        || {
            let (promise, future) = shared_future::<Cell<u8>>();
            let answers = Signals::new();
            let (inner, sender) = (Arc::clone(&future), answers.sender());
            future.lock().unwrap().add_done_callback(move |_| {
                let mut future = inner.lock().unwrap();
                sender.send(future.error()).unwrap();
                sender
                    .send(future.result_timeout(LIMIT).map(Cell::into_inner).err())
                    .unwrap();
            });
            promise.set_error(Error::Broken("gone".into()));
            let broken = Some(Error::Broken("gone".into()));
            assert_eq!(answers.drain(), [broken.clone(), broken]);
        },
    );
}
