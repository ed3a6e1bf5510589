//! A `CpuPoolExecutor` task that uses rayon inside (issue 10, item 2). While a task waits in
//! `rayon::join`, the pool's other queued tasks must not run nested on its stack: one that waits
//! for the first task's future would then wait for itself. Its own test binary, so it can size
//! rayon's global pool.

#[macro_use]
mod common;

use std::cell::Cell;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use concurrent::{CpuPoolExecutor, Executor};

thread_local! {
    /// True on the thread running task A, while A is inside `rayon::join`.
    static INSIDE_A: Cell<bool> = const { Cell::new(false) };
}

/// How long task C waits for A's future: long enough for A to finish once released, short enough
/// that a C nested inside A (which can never see A finish) reports it rather than hang.
const C_WAITS: Duration = Duration::from_secs(5);

#[test]
fn a_queued_task_never_runs_nested_inside_a_task_waiting_in_rayon_join() {
    // Two threads in rayon's global pool, so the halves of A's join can run on two threads; if it
    // was already built (it is not, in this binary), whatever it has will do.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build_global();
    within_deadline(
        "task A in rayon::join while task C, queued behind it, waits for A",
        || {
            let pool = CpuPoolExecutor::new(2);
            let (c_started, h2_started) = (Gate::new(), Signals::new());
            let (release_h2, tell_test) = (c_started.waiter(), h2_started.sender());
            let (tell_h1, h2_running) = std::sync::mpsc::channel();
            let a = pool
                .submit(move || {
                    INSIDE_A.with(|inside| inside.set(true));
                    let halves = rayon::join(
                        // h1 holds its thread until h2 runs on another one, so that A's thread
                        // then waits for h2 inside `join` (on a one-thread rayon pool, h2 can only
                        // start after h1: it gives up after a while).
                        move || h2_running.recv_timeout(C_WAITS).is_ok(),
                        move || {
                            let _ = tell_h1.send(());
                            tell_test.send("h2").unwrap();
                            release_h2.wait(); // until C has started
                            2
                        },
                    );
                    INSIDE_A.with(|inside| inside.set(false));
                    halves
                })
                .unwrap();
            h2_started.next("A's second half started");
            let a = Arc::new(a);
            let c_running = Signals::new();
            let (started, waited_for) = (c_running.sender(), Arc::clone(&a));
            let c = pool
                .submit(move || {
                    let nested = INSIDE_A.with(Cell::get);
                    started.send(()).unwrap();
                    (nested, waited_for.wait_timeout(C_WAITS))
                })
                .unwrap();
            c_running.next("task C started (one of the pool's two threads is free)");
            c_started.open();
            let (nested, saw_a_finish) = c.result().unwrap();
            assert!(
                !nested,
                "task C ran on task A's stack, inside A's rayon::join: a task's nested rayon \
                 work must not pick up the pool's queued tasks"
            );
            assert!(
                saw_a_finish,
                "task C waited {C_WAITS:?} for A and A never finished"
            );
            let a = Arc::into_inner(a).expect("C dropped its handle");
            assert_eq!(a.result().map(|(_, right)| right), Ok(2));
        },
    );
}
