//! The wrapper executor: its counts are exact, it reports once on drop and only after the last
//! task has finished, and a pool's own drop already waits for every task.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use concurrent::{Executor, ThreadPoolExecutor};
use example_patterns::wrapper::{MeteredExecutor, Metrics};

#[course_testing::test(hint = "a drop that does not wait for the tasks?")]
fn dropping_a_pool_waits_for_its_tasks() {
    let finished = Arc::new(AtomicUsize::new(0));
    {
        let pool = ThreadPoolExecutor::new(3);
        for _ in 0..30 {
            let finished = Arc::clone(&finished);
            let _ = pool.submit(move || {
                std::thread::yield_now();
                finished.fetch_add(1, Ordering::SeqCst)
            });
        }
    }
    assert_eq!(finished.load(Ordering::SeqCst), 30);
}

#[course_testing::test(hint = "a report that waits for a task that never ends?")]
fn the_metrics_count_every_outcome_and_are_reported_after_the_last_task() {
    // The first task is held at a gate. The gate is opened by a helper thread when the report
    // arrives, or after 300 ms without one: a wrapper that reports before waiting for its tasks
    // reports at once, with the held task unfinished; a correct one reports only after the
    // helper gave up waiting and the task finished.
    let (report_tx, report) = mpsc::channel::<(Metrics, usize)>();
    let (reported_tx, reported) = mpsc::channel::<()>();
    let (release, gate) = mpsc::channel::<()>();
    let helper = std::thread::spawn(move || {
        let _ = reported.recv_timeout(Duration::from_millis(300));
        drop(release);
    });
    let finished = Arc::new(AtomicUsize::new(0));
    {
        let at_report = Arc::clone(&finished);
        let pool = MeteredExecutor::new("test", ThreadPoolExecutor::new(1)).on_drop(
            move |name, metrics| {
                assert_eq!(name, "test");
                let _ = report_tx.send((metrics.clone(), at_report.load(Ordering::SeqCst)));
                let _ = reported_tx.send(());
            },
        );
        // The single worker waits at the gate; everything else queues behind it.
        let held = Arc::clone(&finished);
        let first = pool.submit(move || {
            let _ = gate.recv();
            held.fetch_add(1, Ordering::SeqCst)
        });
        let ok = pool.submit(|| 1).expect("open");
        let panics = pool
            .submit(|| -> u32 { panic!("expected by the test") })
            .expect("open");
        let cancelled = pool.submit(|| 3).expect("open");
        assert!(
            cancelled.cancel(),
            "queued behind the held task: cancellable"
        );
        drop((first, ok, panics));
    }
    let (metrics, finished_at_report) = report
        .recv_timeout(Duration::from_secs(5))
        .expect("one report on drop");
    assert_eq!(
        finished_at_report, 1,
        "the report came before the held task finished: wait for the tasks first"
    );
    let expected = (4, 2, 1, 1);
    let got = (
        metrics.submitted,
        metrics.succeeded,
        metrics.panicked,
        metrics.cancelled,
    );
    assert_eq!(
        got, expected,
        "(submitted, succeeded, panicked, cancelled): {metrics}"
    );
    assert!(report.try_recv().is_err(), "exactly one report");
    helper.join().expect("the helper thread");
}

#[course_testing::test]
fn a_refused_submission_is_not_counted() {
    let pool = MeteredExecutor::new("closed", ThreadPoolExecutor::new(1)).on_drop(|_, _| {});
    pool.shutdown(true, false);
    assert!(pool.submit(|| 1).is_err());
    assert_eq!(pool.metrics().submitted, 0);
}
