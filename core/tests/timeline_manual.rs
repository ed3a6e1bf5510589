//! Work recorded by hand (`Timeline::queued`, `begin`, `Running::ended`, `finish`), not through
//! `submit`: queued on one thread and started on another, each thread is one row whose bars
//! never overlap (also when the outcome comes later from another thread), every outcome lands,
//! a dropped handle is cancelled (or panicked while unwinding), and the cap counts what it drops.

#[macro_use]
mod common;
mod timeline_support;

use std::sync::mpsc;

use common::*;
use concurrent::timeline::{Outcome, Queued, Running, Timeline};
use concurrent::{Executor, ThreadPoolExecutor};
use timeline_support::*;

#[test]
fn work_queued_here_and_run_on_worker_threads_gets_a_row_per_thread_without_overlaps() {
    within_deadline("four threads running hand-recorded work", || {
        let timeline = Timeline::new(1_000);
        let (work, jobs) = mpsc::channel::<(usize, Queued)>();
        let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
        let (ended, finished) = mpsc::channel::<(usize, Running)>();
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (jobs, ended) = (std::sync::Arc::clone(&jobs), ended.clone());
                std::thread::spawn(move || {
                    loop {
                        let job = jobs.lock().unwrap().recv();
                        let Ok((n, queued)) = job else { break };
                        let running = queued.started();
                        running.ended();
                        // The outcome comes from another thread, after this thread moved on.
                        ended.send((n, running)).unwrap();
                    }
                })
            })
            .collect();
        drop(ended);
        for n in 0..100 {
            work.send((n, timeline.queued(format!("job {n}")))).unwrap();
        }
        drop(work);
        let mut count = 0;
        for (n, running) in finished {
            running.finish(if n % 10 == 0 {
                Outcome::Failed
            } else {
                Outcome::Ok
            });
            count += 1;
        }
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(count, 100);
        let snapshot = timeline.snapshot();
        assert_consistent(&snapshot);
        assert_eq!(snapshot.tasks.len(), 100);
        assert_eq!(
            (snapshot.count(Outcome::Ok), snapshot.count(Outcome::Failed)),
            (90, 10)
        );
        assert!(
            (1..=4).contains(&snapshot.workers.len()),
            "one row per thread that started work, the test's own thread not among them: {:?}",
            snapshot.workers
        );
        assert!(snapshot.tasks.iter().all(|task| task.started.is_some()));
        assert_chart_matches(&snapshot);
    });
}

#[test]
fn ended_keeps_the_end_where_the_work_ended_not_where_its_outcome_arrived() {
    within_deadline("one thread, a task finished after the next began", || {
        let timeline = Timeline::new(10);
        let first = timeline.begin("first");
        first.ended();
        let second = timeline.begin("second");
        first.finish(Outcome::Ok);
        second.finish(Outcome::Ok);
        let snapshot = timeline.snapshot();
        assert_consistent(&snapshot);
        let [first, second] = &snapshot.tasks[..] else {
            panic!("two tasks expected: {snapshot:#?}")
        };
        assert!(
            first.finished <= second.started,
            "the first bar must end where `ended` was called: {first:?} {second:?}"
        );
        assert_eq!(snapshot.workers.len(), 1);
    });
}

#[test]
fn every_outcome_lands_and_dropped_handles_are_cancelled_or_panicked() {
    within_deadline("hand-recorded outcomes", || {
        let timeline = Timeline::new(10);
        timeline.begin("ok").finish(Outcome::Ok);
        timeline.begin("failed").finish(Outcome::Failed);
        timeline.queued("refused").finish(Outcome::Broken);
        drop(timeline.queued("dropped while queued"));
        drop(timeline.begin("dropped while running"));
        let copy = timeline.clone();
        let unwound = std::thread::spawn(move || {
            let _running = copy.begin("panicked");
            panic!("the work's code panicked");
        })
        .join();
        assert!(unwound.is_err(), "the thread panicked");

        let snapshot = timeline.snapshot();
        assert_consistent(&snapshot);
        let outcome = |label: &str| {
            let task = snapshot
                .tasks
                .iter()
                .find(|task| task.label == label)
                .unwrap_or_else(|| panic!("no task {label}: {snapshot:#?}"));
            (task.outcome, task.started.is_some())
        };
        assert_eq!(outcome("ok"), (Some(Outcome::Ok), true));
        assert_eq!(outcome("failed"), (Some(Outcome::Failed), true));
        assert_eq!(outcome("refused"), (Some(Outcome::Broken), false));
        assert_eq!(
            outcome("dropped while queued"),
            (Some(Outcome::Cancelled), false)
        );
        assert_eq!(
            outcome("dropped while running"),
            (Some(Outcome::Cancelled), true),
            "a running task given up without an outcome is cancelled, not ok"
        );
        assert_eq!(outcome("panicked"), (Some(Outcome::Panicked), true));
        assert_eq!(
            snapshot.workers.len(),
            2,
            "the test's thread and the panicking one"
        );
        let chart = read_chart(&snapshot.to_svg());
        assert!(
            chart.unstarted_row,
            "the two never-started tasks get their row"
        );
        assert_chart_matches(&snapshot);
    });
}

#[test]
fn hand_recorded_work_shares_the_rows_of_a_recorded_pool() {
    within_deadline(
        "a recorded pool and hand-recorded work on its threads",
        || {
            let timeline = Timeline::new(100);
            let pool = timeline.record(ThreadPoolExecutor::new(2));
            let submitted: Vec<_> = (0..10)
                .map(|_| pool.submit(|| ()).unwrap())
                .chain((0..10).map(|n| {
                    let recorder = timeline.clone();
                    // Straight to the pool, unrecorded: the task records itself by hand.
                    pool.inner()
                        .submit(move || recorder.begin(format!("by hand {n}")).finish(Outcome::Ok))
                        .unwrap()
                }))
                .collect();
            for future in submitted {
                future.result().unwrap();
            }
            let snapshot = timeline.snapshot();
            assert_consistent(&snapshot);
            assert_eq!(snapshot.tasks.len(), 20);
            assert!(
                snapshot.workers.len() <= 2,
                "a thread is one row whichever way its tasks were recorded: {:?}",
                snapshot.workers
            );
        },
    );
}

#[test]
fn the_cap_counts_hand_recorded_work_it_drops_and_those_handles_do_nothing() {
    within_deadline("hand-recorded work past the cap", || {
        let timeline = Timeline::new(3);
        let handles: Vec<_> = (0..5).map(|n| timeline.queued(format!("{n}"))).collect();
        for queued in handles {
            let running = queued.started();
            running.ended();
            running.finish(Outcome::Ok);
        }
        drop(timeline.begin("one more"));
        let snapshot = timeline.snapshot();
        assert_eq!((snapshot.tasks.len(), snapshot.dropped), (3, 3));
        assert_eq!(snapshot.count(Outcome::Ok), 3);
        assert_consistent(&snapshot);
        assert!(snapshot.to_svg().contains("3 more not recorded"));
    });
}
