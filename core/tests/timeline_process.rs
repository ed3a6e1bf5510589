//! Timelines of the process pool: a request that crashes its worker is `broken`, one past its
//! time limit `timed out`, a panic `panicked`, queued requests cancelled at shutdown `cancelled`,
//! and a replaced worker process is a new row. Workers are this binary re-run with only `worker`.
#![cfg(unix)]

mod timeline_support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::net::TcpStream;
use std::time::Duration;

use concurrent::process::{self, ProcessPoolExecutor, tasks};
use concurrent::timeline::{Outcome, Snapshot, Timeline};
use concurrent::{Error, Future};
use timeline_support::*;

const LIMIT: Duration = Duration::from_secs(30);

fn square(n: u64) -> u64 {
    n * n
}

fn abort(_: ()) -> u64 {
    std::process::abort()
}

fn panics(message: String) -> u64 {
    panic!("{message}")
}

fn spin_forever(_: ()) -> u64 {
    loop {
        std::hint::spin_loop();
    }
}

/// Tells the test it is running, then waits for one byte from it.
fn report_and_wait(port: u16) -> u64 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the test listens");
    stream.write_all(&[1]).expect("tell the test");
    let mut byte = [0];
    stream.read_exact(&mut byte).expect("the test answers");
    u64::from(byte[0])
}

fn register() {
    process::init(tasks![square, abort, panics, spin_forever, report_and_wait]);
}

#[test]
fn worker() {
    register();
}

fn pool(workers: usize, timeline: &Timeline) -> ProcessPoolExecutor {
    register();
    ProcessPoolExecutor::builder()
        .workers(workers)
        .test_worker("worker")
        .timeline(timeline)
        .build()
}

fn deadline<T: Send + 'static>(what: &str, test: impl FnOnce() -> T + Send + 'static) -> T {
    concurrent::testing::deadline(what, LIMIT, test)
}

/// No task starts on the row of a worker process after the task that killed it ended.
fn assert_replaced(snapshot: &Snapshot, outcome: Outcome) {
    for dead in snapshot
        .tasks
        .iter()
        .filter(|task| task.outcome == Some(outcome))
    {
        let (Some(worker), Some(end)) = (dead.worker, dead.finished) else {
            panic!("the {outcome} task ran on a worker: {dead:?}");
        };
        for later in &snapshot.tasks {
            if later.worker == Some(worker) && later.id != dead.id {
                assert!(
                    later.started.is_some_and(|started| started < end),
                    "task {} ran on worker row {worker} after it died ({outcome}): a replaced \
                     worker must be a new row\n{snapshot:#?}",
                    later.id
                );
            }
        }
    }
}

#[test]
fn a_crash_a_time_limit_and_a_panic_each_appear_with_their_outcome() {
    let snapshot = deadline("a recorded process pool with crashing tasks", || {
        let timeline = Timeline::new(100).titled("process pool");
        let pool = pool(2, &timeline);
        let fine: Future<u64> = pool.submit(square, 3).unwrap();
        let crash = pool.submit(abort, ()).unwrap();
        let oops = pool.submit(panics, "oops".to_owned()).unwrap();
        let runaway = pool
            .submit_with_time_limit(spin_forever, (), Duration::from_millis(200))
            .unwrap();
        let after = pool.submit(square, 4).unwrap();
        let mapped: Vec<u64> = pool
            .map(square, 0..6, 2)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(fine.result(), Ok(9));
        assert!(matches!(crash.result(), Err(Error::Broken(_))));
        assert!(matches!(oops.result(), Err(Error::Panicked(_))));
        assert_eq!(runaway.result(), Err(Error::TimedOut));
        assert_eq!(after.result(), Ok(16));
        assert_eq!(mapped, [0, 1, 4, 9, 16, 25]);
        drop(pool);
        timeline.snapshot()
    });
    assert_consistent(&snapshot);
    let counts = outcomes(&snapshot);
    assert_eq!(
        snapshot.tasks.len(),
        8,
        "5 submits and 3 chunks: {snapshot:#?}"
    );
    assert_eq!(counts.get(&Some(Outcome::Ok)), Some(&5), "{counts:?}");
    assert_eq!(counts.get(&Some(Outcome::Broken)), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&Some(Outcome::Panicked)), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&Some(Outcome::TimedOut)), Some(&1), "{counts:?}");
    assert_replaced(&snapshot, Outcome::Broken);
    assert_replaced(&snapshot, Outcome::TimedOut);
    assert!(
        snapshot.workers.len() <= 4,
        "2 workers and at most 2 replacements: {:?}",
        snapshot.workers
    );
    assert!(
        snapshot
            .workers
            .iter()
            .all(|worker| worker.name.contains("pid")),
        "{:?}",
        snapshot.workers
    );
    let labels: Vec<&str> = snapshot
        .tasks
        .iter()
        .map(|task| task.label.as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "square",
            "abort",
            "panics",
            "spin_forever",
            "square",
            "square[0..2]",
            "square[2..4]",
            "square[4..6]"
        ]
    );
    assert_chart_matches(&snapshot);
}

#[test]
fn requests_cancelled_at_shutdown_appear_cancelled_without_a_worker() {
    let snapshot = deadline("a recorded process pool shut down with a queue", || {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let timeline = Timeline::new(100);
        let pool = pool(2, &timeline);
        let held = [
            pool.submit(report_and_wait, port).unwrap(),
            pool.submit(report_and_wait, port).unwrap(),
        ];
        let mut running: Vec<TcpStream> = (0..2)
            .map(|_| {
                let (mut stream, _) = listener.accept().unwrap();
                stream.read_exact(&mut [0]).unwrap();
                stream
            })
            .collect();
        // Both managers wait for a reply now: these stay in the pool's queue.
        let queued: Vec<Future<u64>> = (0..3).map(|n| pool.submit(square, n).unwrap()).collect();
        pool.shutdown(false, true);
        for stream in &mut running {
            stream.write_all(&[7]).unwrap();
        }
        for future in held {
            assert_eq!(future.result(), Ok(7));
        }
        for future in queued {
            assert_eq!(future.result(), Err(Error::Cancelled));
        }
        drop(pool);
        timeline.snapshot()
    });
    assert_consistent(&snapshot);
    let counts = outcomes(&snapshot);
    assert_eq!(counts.get(&Some(Outcome::Ok)), Some(&2), "{counts:?}");
    assert_eq!(
        counts.get(&Some(Outcome::Cancelled)),
        Some(&3),
        "{counts:?}"
    );
    assert_eq!(snapshot.workers.len(), 2);
    let most = snapshot.queue_length().iter().map(|point| point.1).max();
    assert_eq!(
        most,
        Some(3),
        "three requests waited: {:?}",
        snapshot.queue_length()
    );
    assert_chart_matches(&snapshot);
}
