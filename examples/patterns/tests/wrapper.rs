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
    let (report_tx, report) = mpsc::channel::<Metrics>();
    let (release, gate) = mpsc::channel::<()>();
    let finished = Arc::new(AtomicUsize::new(0));
    {
        let pool = MeteredExecutor::new("test", ThreadPoolExecutor::new(1)).on_drop(
            move |name, metrics| {
                assert_eq!(name, "test");
                let _ = report_tx.send(metrics.clone());
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
        assert!(report.try_recv().is_err(), "no report before the drop");
        drop(release);
        drop((first, ok, panics));
    }
    let metrics = report
        .recv_timeout(Duration::from_secs(5))
        .expect("one report on drop");
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "the held task ran before the report"
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
}

#[course_testing::test]
fn a_refused_submission_is_not_counted() {
    let pool = MeteredExecutor::new("closed", ThreadPoolExecutor::new(1)).on_drop(|_, _| {});
    pool.shutdown(true, false);
    assert!(pool.submit(|| 1).is_err());
    assert_eq!(pool.metrics().submitted, 0);
}
