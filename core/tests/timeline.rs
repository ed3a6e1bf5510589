//! Task timelines of the thread and CPU pools (the `Recorded` wrapper): every submitted task is
//! recorded once with its outcome, per task submitted <= started <= finished, per worker bars
//! never overlap, the cap counts what it drops, and the SVG and Chrome trace read back.

#[macro_use]
mod common;
mod timeline_support;

use std::sync::Arc;

use common::*;
use concurrent::timeline::{Outcome, Timeline};
use concurrent::{CpuPoolExecutor, Error, Executor, ThreadPoolExecutor};
use timeline_support::*;

/// Two workers held at a gate, tasks queued behind them: ok, panicked and, at shutdown, cancelled.
fn mixed_outcomes() -> concurrent::timeline::Snapshot {
    let timeline = Timeline::new(100).titled("mixed <outcomes> & more");
    let pool = timeline.record(ThreadPoolExecutor::new(2));
    let started = Signals::new();
    {
        let gate = Gate::new();
        let held = [
            submit_blocked(&pool, &gate, &started, "a", 1),
            submit_blocked(&pool, &gate, &started, "b", 2),
        ];
        started.next("the first task started");
        started.next("the second task started");
        let fine = pool.submit_labeled("fine \"quoted\"", || 3).unwrap();
        let oops = pool.submit(|| -> i32 { panic!("oops") }).unwrap();
        gate.open();
        assert_eq!(fine.result(), Ok(3));
        assert!(matches!(oops.result(), Err(Error::Panicked(_))));
        for future in held {
            future.result().unwrap();
        }
    }
    let gate = Gate::new();
    let held = [
        submit_blocked(&pool, &gate, &started, "c", 4),
        submit_blocked(&pool, &gate, &started, "d", 5),
    ];
    started.next("the third held task started");
    started.next("the fourth held task started");
    let queued: Vec<_> = (0..3).map(|n| pool.submit(move || n).unwrap()).collect();
    pool.shutdown(false, true);
    gate.open();
    for future in held {
        future.result().unwrap();
    }
    for future in queued {
        assert_eq!(future.result(), Err(Error::Cancelled));
    }
    drop(pool);
    timeline.snapshot()
}

#[test]
fn every_task_of_a_thread_pool_appears_once_with_its_outcome() {
    within_deadline(
        "a recorded thread pool with held, panicking and cancelled tasks",
        || {
            let snapshot = mixed_outcomes();
            assert_consistent(&snapshot);
            assert_eq!(
                snapshot.tasks.len(),
                9,
                "9 tasks were submitted: {snapshot:#?}"
            );
            let counts = outcomes(&snapshot);
            assert_eq!(counts.get(&Some(Outcome::Ok)), Some(&5), "{counts:?}");
            assert_eq!(counts.get(&Some(Outcome::Panicked)), Some(&1), "{counts:?}");
            assert_eq!(
                counts.get(&Some(Outcome::Cancelled)),
                Some(&3),
                "{counts:?}"
            );
            assert_eq!(
                snapshot.workers.len(),
                2,
                "two threads ran the tasks: {:?}",
                snapshot.workers
            );
            for task in &snapshot.tasks {
                let never_started = task.outcome == Some(Outcome::Cancelled);
                assert_eq!(
                    task.started.is_none(),
                    never_started,
                    "only cancelled tasks never start: {task:?}"
                );
            }
            assert_eq!(snapshot.tasks[2].label, "fine \"quoted\"");
            assert_eq!(snapshot.tasks[3].label, "#3");
            assert!(
                snapshot
                    .workers
                    .iter()
                    .all(|worker| worker.name.starts_with("ThreadPoolExecutor-"))
            );
        },
    );
}

#[test]
fn the_queue_length_is_derived_from_the_tasks() {
    within_deadline("a recorded thread pool's queue", || {
        let snapshot = mixed_outcomes();
        let queue = snapshot.queue_length();
        assert_eq!(queue.first(), Some(&(std::time::Duration::ZERO, 0)));
        assert_eq!(
            queue.last().map(|point| point.1),
            Some(0),
            "the queue ends empty: {queue:?}"
        );
        let most = queue.iter().map(|point| point.1).max();
        assert_eq!(
            most,
            Some(3),
            "3 tasks waited behind the 2 held ones at the end: {queue:?}"
        );
        assert!(
            queue.windows(2).all(|pair| pair[0].0 < pair[1].0),
            "one point per instant: {queue:?}"
        );
    });
}

#[test]
fn a_cpu_pool_map_is_recorded_and_its_buffer_bounds_the_queue() {
    within_deadline("a recorded CPU pool running map", || {
        let timeline = Timeline::new(100);
        let pool = timeline.record(CpuPoolExecutor::new(2));
        let squares: Vec<u64> = pool
            .map(|n: u64| n * n, 0..20)
            .map(Result::unwrap)
            .collect();
        assert_eq!(squares, (0..20).map(|n| n * n).collect::<Vec<_>>());
        let snapshot = timeline.snapshot();
        assert_consistent(&snapshot);
        assert_eq!(outcomes(&snapshot).get(&Some(Outcome::Ok)), Some(&20));
        assert!(snapshot.workers.len() <= 2, "{:?}", snapshot.workers);
        let most = snapshot
            .queue_length()
            .iter()
            .map(|point| point.1)
            .max()
            .unwrap_or(0);
        assert!(
            most <= 4,
            "map keeps at most 2 x workers in flight, yet {most} were queued"
        );
        assert_chart_matches(&snapshot);
    });
}

#[test]
fn the_cap_bounds_the_record_and_counts_what_it_dropped() {
    within_deadline("a recorded pool past its cap", || {
        let timeline = Timeline::new(5);
        let pool = timeline.record(ThreadPoolExecutor::new(2));
        let sum: u32 = pool.map(|n: u32| n, 0..12).map(Result::unwrap).sum();
        assert_eq!(sum, (0..12).sum::<u32>(), "tasks over the cap still run");
        let snapshot = timeline.snapshot();
        assert_eq!((snapshot.tasks.len(), snapshot.dropped), (5, 7));
        assert_eq!(timeline.dropped(), 7);
        assert!(
            snapshot.to_svg().contains("7 more not recorded"),
            "the chart says what it left out"
        );
    });
}

#[test]
fn a_refused_submission_is_not_a_task() {
    within_deadline("submitting to a shut-down recorded pool", || {
        let timeline = Timeline::new(10);
        let pool = timeline.record(ThreadPoolExecutor::new(1));
        pool.submit(|| ()).unwrap().result().unwrap();
        pool.shutdown(true, false);
        assert_eq!(pool.submit(|| ()).unwrap_err(), Error::Shutdown);
        let snapshot = timeline.snapshot();
        assert_eq!(snapshot.tasks.len(), 1, "{snapshot:#?}");
        assert_consistent(&snapshot);
    });
}

#[test]
fn many_threads_submitting_at_once_record_every_task_once() {
    within_deadline("eight threads submitting to one recorded pool", || {
        let timeline = Timeline::new(1_000);
        let pool = Arc::new(timeline.record(ThreadPoolExecutor::new(4)));
        let submitters: Vec<_> = (0..8)
            .map(|thread| {
                let pool = Arc::clone(&pool);
                std::thread::spawn(move || {
                    (0..50)
                        .map(|n| pool.submit(move || thread * 100 + n).unwrap())
                        .map(|future| future.result().unwrap())
                        .sum::<u32>()
                })
            })
            .collect();
        let total: u32 = submitters
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .sum();
        assert_eq!(
            total,
            (0..8)
                .map(|t| (0..50).map(|n| t * 100 + n).sum::<u32>())
                .sum::<u32>()
        );
        let snapshot = timeline.snapshot();
        assert_eq!(snapshot.tasks.len(), 400);
        assert_eq!(outcomes(&snapshot).get(&Some(Outcome::Ok)), Some(&400));
        assert!(snapshot.workers.len() <= 4);
        assert_consistent(&snapshot);
    });
}

#[test]
fn the_svg_parses_with_one_bar_per_task_and_one_row_per_worker() {
    within_deadline("drawing a recorded thread pool", || {
        let snapshot = mixed_outcomes();
        assert_chart_matches(&snapshot);
        let chart = read_chart(&snapshot.to_svg());
        assert!(
            chart.unstarted_row,
            "cancelled tasks get the 'never started' row"
        );
        assert_eq!(
            chart.title, "mixed <outcomes> & more",
            "the title is escaped, not mangled"
        );
    });
}

#[test]
fn an_empty_timeline_still_draws_a_chart() {
    let chart = read_chart(&Timeline::new(1).to_svg());
    assert!(chart.bars.is_empty() && chart.rows.is_empty() && !chart.unstarted_row);
}

#[test]
fn the_chrome_trace_is_json_with_one_event_per_task() {
    within_deadline("the Chrome trace of a recorded thread pool", || {
        let snapshot = mixed_outcomes();
        let trace: serde_json::Value =
            serde_json::from_str(&snapshot.to_chrome_trace()).expect("the trace is valid JSON");
        let events = trace["traceEvents"].as_array().expect("a traceEvents list");
        let phase = |ph: &str| events.iter().filter(|event| event["ph"] == ph).count();
        assert_eq!(phase("X"), 6, "one complete event per task that ran");
        assert_eq!(phase("i"), 3, "one instant event per cancelled task");
        let threads = events
            .iter()
            .filter(|event| event["name"] == "thread_name")
            .count();
        assert_eq!(
            threads,
            1 + snapshot.workers.len(),
            "a name per worker, and 'never started'"
        );
        assert!(phase("C") >= 2, "the queue length is a counter");
    });
}

#[test]
fn a_snapshot_taken_while_tasks_run_shows_them_unfinished_inside_the_chart() {
    within_deadline("a snapshot of a recorded pool with a held task", || {
        let timeline = Timeline::new(10);
        let pool = timeline.record(ThreadPoolExecutor::new(1));
        let (gate, started) = (Gate::new(), Signals::new());
        let held = submit_blocked(&pool, &gate, &started, "held", ());
        started.next("the held task started");
        let queued = pool.submit(|| ()).unwrap();
        // Not a synchronisation: time must pass, so the snapshot is well after the last event
        // and the running bar reaches further than any recorded instant.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let snapshot = timeline.snapshot();
        gate.open();
        held.result().unwrap();
        queued.result().unwrap();
        assert_consistent(&snapshot);
        assert_eq!(
            outcomes(&snapshot).get(&None),
            Some(&2),
            "both are unfinished: {snapshot:#?}"
        );
        assert!(snapshot.tasks[0].started.is_some() && snapshot.tasks[1].started.is_none());
        assert_chart_matches(&snapshot);
        let svg = snapshot.to_svg();
        let document = roxmltree::Document::parse(&svg).unwrap();
        for bar in document
            .descendants()
            .filter(|node| node.attribute("data-task").is_some())
        {
            let right: f64 = ["x", "width"]
                .iter()
                .map(|a| bar.attribute(*a).unwrap().parse::<f64>().unwrap())
                .sum();
            assert!(
                right <= 940.01,
                "a running task's bar ends past the time axis (x = 940): {right}"
            );
        }
        assert_eq!(
            timeline.snapshot().count(Outcome::Ok),
            2,
            "and they finish in the record"
        );
    });
}
