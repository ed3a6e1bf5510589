//! loom models of the state machine: every interleaving of the racing operations is explored.
//!
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p concurrent --lib --release loom` (see `.ci/run`).
//! They live inside the crate so they can drive the queue, which is not public.

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use crate::queue::Queue;
use crate::task::Job;
use crate::{Error, Future, Promise, ReturnWhen, as_completed, wait};

#[test]
fn cancel_against_start_has_exactly_one_winner() {
    loom::model(|| {
        let (promise, future) = Promise::new();
        let worker = thread::spawn(move || promise.run(|| 7));
        let cancelled = future.cancel();
        worker.join().unwrap();
        match future.result() {
            Ok(7) => assert!(!cancelled, "cancel() returned true but the task ran"),
            Err(Error::Cancelled) => {
                assert!(cancelled, "the future is cancelled but cancel() said no")
            }
            other => panic!("unexpected outcome {other:?}"),
        }
    });
}

#[test]
fn a_callback_added_during_completion_runs_exactly_once() {
    loom::model(|| {
        let (promise, future) = Promise::new();
        let calls = Arc::new(AtomicUsize::new(0));
        let worker = thread::spawn(move || promise.set_result(3));
        let seen = Arc::clone(&calls);
        future.add_done_callback(move |outcome| {
            assert_eq!(outcome, Ok(&3));
            seen.fetch_add(1, Ordering::SeqCst);
        });
        worker.join().unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(future.result(), Ok(3));
    });
}

#[test]
fn a_late_callback_adding_to_its_own_future_races_another_threads_late_callback() {
    // The value is lent to one callback at a time; the nested callback is queued behind the one
    // that added it (on the same thread, waiting would be waiting for itself); nothing is lost.
    loom::model(|| {
        let (promise, future) = Promise::new();
        promise.set_result(5);
        let future = Arc::new(future);
        let calls = Arc::new(AtomicUsize::new(0));
        let other = {
            let (future, calls) = (Arc::clone(&future), Arc::clone(&calls));
            thread::spawn(move || {
                future.add_done_callback(move |outcome| {
                    assert_eq!(outcome, Ok(&5));
                    calls.fetch_add(1, Ordering::SeqCst);
                });
            })
        };
        let (inner, outer_calls) = (Arc::clone(&future), Arc::clone(&calls));
        future.add_done_callback(move |outcome| {
            assert_eq!(outcome, Ok(&5));
            let nested_calls = Arc::clone(&outer_calls);
            inner.add_done_callback(move |outcome| {
                assert_eq!(outcome, Ok(&5));
                nested_calls.fetch_add(1, Ordering::SeqCst);
            });
            assert_eq!(inner.error(), None);
            outer_calls.fetch_add(1, Ordering::SeqCst);
        });
        other.join().unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        let back = Arc::clone(&calls);
        future.add_done_callback(move |outcome| {
            assert_eq!(outcome, Ok(&5), "the lent value came back");
            back.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    });
}

#[test]
fn the_completing_threads_callback_reads_its_own_future_while_another_thread_waits() {
    loom::model(|| {
        let (promise, future) = Promise::new();
        let future = Arc::new(future);
        let calls = Arc::new(AtomicUsize::new(0));
        let (inner, outer_calls) = (Arc::clone(&future), Arc::clone(&calls));
        future.add_done_callback(move |outcome| {
            assert_eq!(outcome, Ok(&3));
            // Decided for this thread: no waiting for itself.
            assert_eq!(inner.error(), None);
            let nested_calls = Arc::clone(&outer_calls);
            inner.add_done_callback(move |_| {
                nested_calls.fetch_add(1, Ordering::SeqCst);
            });
            outer_calls.fetch_add(1, Ordering::SeqCst);
        });
        let worker = thread::spawn(move || promise.set_result(3));
        assert_eq!(future.error(), None);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "the future was seen done before its callbacks ran"
        );
        worker.join().unwrap();
    });
}

#[test]
fn wait_sees_a_completion_racing_with_registration() {
    loom::model(|| {
        let (promise, future) = Promise::new();
        let worker = thread::spawn(move || promise.set_result(1));
        let (done, not_done) = wait([&future], None, ReturnWhen::AllCompleted);
        assert_eq!((done.len(), not_done.len()), (1, 0));
        worker.join().unwrap();
    });
}

#[test]
fn as_completed_yields_a_future_cancelled_while_it_registers() {
    loom::model(|| {
        let (promise, future) = Promise::<u8>::new();
        let future = Arc::new(future);
        let canceller = {
            let future = Arc::clone(&future);
            thread::spawn(move || assert!(future.cancel()))
        };
        let yielded: Vec<_> = as_completed([&*future], None).collect();
        assert_eq!(yielded.len(), 1);
        assert!(
            yielded[0]
                .as_ref()
                .is_ok_and(|f: &&Future<u8>| f.is_cancelled())
        );
        canceller.join().unwrap();
        drop(promise);
    });
}

#[test]
fn shutdown_with_cancel_against_submit_loses_no_future() {
    loom::model(|| {
        let queue = Arc::new(Queue::new());
        let (job, future) = Job::new(|| 1);
        let submitter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || queue.push(job, |_| {}).is_ok())
        };
        queue.close(true);
        let accepted = submitter.join().unwrap();
        assert!(
            queue.try_pop().is_none(),
            "a job was left in a closed, cancelled queue"
        );
        if accepted {
            assert!(
                future.is_cancelled(),
                "an accepted job was neither run nor cancelled"
            );
        } else {
            // A refused job is dropped without running: its future is never left pending.
            assert!(future.is_done());
        }
    });
}

#[test]
fn a_waiter_hears_of_a_completion_before_anyone_can_see_it_done() {
    // Thread B reacts to `first` being done by failing `second`. If waiters were told after the
    // future was visibly done, `wait(FirstException)` could hear of `second` first and report the
    // already-finished `first` as not done.
    loom::model(|| {
        let (first_promise, first) = Promise::new();
        let (second_promise, second) = Promise::<u8>::new();
        let first = Arc::new(first);
        let completer = thread::spawn(move || first_promise.set_result(1u8));
        let reactor = {
            let first = Arc::clone(&first);
            thread::spawn(move || {
                first.wait();
                second_promise.set_error(Error::Broken("reacting".into()));
            })
        };
        let (done, not_done) = wait([&*first, &second], None, ReturnWhen::FirstException);
        assert_eq!(
            (done.len(), not_done.len()),
            (2, 0),
            "a done future was reported not done"
        );
        completer.join().unwrap();
        reactor.join().unwrap();
    });
}
