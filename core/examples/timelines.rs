//! The book's timelines, recorded from real runs: each scenario runs a pool with a
//! [`Timeline`] and writes its SVG Gantt chart (and, for the first, its Chrome trace).
//!
//! ```sh
//! cargo run -p concurrent --example timelines -- --out docs/src/timelines   # all of them
//! cargo run -p concurrent --example timelines -- --out /tmp/t io-20-threads  # one
//! cargo run -p concurrent --example timelines -- --list
//! ```
//!
//! `cargo xtask book` runs it into `docs/src/timelines/`; `cargo xtask check` runs it into a
//! temporary folder and fails if the committed charts show other tasks or outcomes. Timings
//! differ from run to run (and machine to machine); the structure does not.
// xtask-check-args: --list

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use concurrent::process::{self, ProcessPoolExecutor, tasks};
use concurrent::timeline::Timeline;
use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor, as_completed};

/// A scenario: its file name (without `.svg`) and how to record it.
type Scenario = (&'static str, fn() -> Timeline);

const SCENARIOS: [Scenario; 7] = [
    ("io-20-threads", io_bound),
    ("cpu-2-workers", || cpu_bound(2)),
    ("cpu-32-workers", || cpu_bound(32)),
    ("map-buffer", map_buffer),
    ("as-completed", completion_order),
    ("shutdown-cancel", shutdown_cancel),
    ("process-crash", process_crash),
];

// ANCHOR: process_tasks
/// A process task that waits `ms` milliseconds (a stand-in for real work).
fn nap(ms: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(ms));
    ms
}

/// A process task that kills its own worker process after a little work.
fn crash(ms: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(ms));
    std::process::abort()
}
// ANCHOR_END: process_tasks

fn main() {
    process::init(tasks![nap, crash]); // worker processes of `process_crash` stop here
    let mut out = PathBuf::from("timelines");
    let mut chosen = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => match args.next() {
                Some(dir) => out = PathBuf::from(dir),
                None => fail("--out needs a folder"),
            },
            "--list" => {
                for (name, _) in SCENARIOS {
                    println!("{name}");
                }
                return;
            }
            name if SCENARIOS.iter().any(|(known, _)| *known == name) => chosen.push(arg),
            other => fail(&format!(
                "unknown argument {other:?}: expected --out DIR, --list or a scenario ({})",
                SCENARIOS.map(|(name, _)| name).join(", ")
            )),
        }
    }
    if let Err(error) = std::fs::create_dir_all(&out) {
        fail(&format!("cannot create {}: {error}", out.display()));
    }
    for (name, record) in SCENARIOS {
        if !chosen.is_empty() && !chosen.iter().any(|chosen| chosen == name) {
            continue;
        }
        let timeline = record();
        let snapshot = timeline.snapshot();
        write(&out, name, "svg", |path| timeline.write_svg(path));
        if name == "io-20-threads" {
            write(&out, name, "json", |path| timeline.write_chrome_trace(path));
        }
        println!(
            "{name}: {} tasks on {} workers in {:?}",
            snapshot.tasks.len(),
            snapshot.workers.len(),
            snapshot.span()
        );
    }
}

fn write(out: &Path, name: &str, extension: &str, save: impl FnOnce(&Path) -> std::io::Result<()>) {
    let path = out.join(format!("{name}.{extension}"));
    if let Err(error) = save(&path) {
        fail(&format!("cannot write {}: {error}", path.display()));
    }
}

fn fail(message: &str) -> ! {
    eprintln!("timelines: {message}");
    std::process::exit(2)
}

// ANCHOR: io_bound
/// 40 downloads that each wait 50 ms, on 20 threads: two waves of 20 overlapping waits.
fn io_bound() -> Timeline {
    let timeline = Timeline::new(1_000).titled("I/O-bound: 40 waits of 50 ms on 20 threads");
    let pool = timeline.record(ThreadPoolExecutor::new(20));
    let downloads: Vec<_> = (0..40)
        .map(|page| {
            pool.submit_labeled(format!("download {page}"), || {
                std::thread::sleep(Duration::from_millis(50)); // the network's turn
            })
            .unwrap()
        })
        .collect();
    for download in downloads {
        download.result().unwrap();
    }
    timeline
}
// ANCHOR_END: io_bound

/// Pure computation: about the same work for every call, a few milliseconds in a debug build.
fn compute(seed: u64) -> u64 {
    let mut x = seed;
    for _ in 0..1_500_000 {
        x = std::hint::black_box(
            x.wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407),
        );
    }
    x
}

// ANCHOR: cpu_bound
/// 32 equal computations on `workers` threads: more threads than cores only share the cores.
fn cpu_bound(workers: usize) -> Timeline {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let timeline = Timeline::new(1_000).titled(format!(
        "CPU-bound: 32 computations on {workers} workers ({cores} cores)"
    ));
    let pool = timeline.record(CpuPoolExecutor::new(workers));
    let results: Vec<_> = (0..32)
        .map(|n| pool.submit(move || compute(n)).unwrap())
        .collect();
    for result in results {
        result.result().unwrap();
    }
    timeline
}
// ANCHOR_END: cpu_bound

// ANCHOR: map_buffer
/// `map` over 24 items on 4 threads with at most 8 in flight: the queue never holds more than
/// 8 - 4 = 4, and items are submitted as results are consumed.
fn map_buffer() -> Timeline {
    let timeline = Timeline::new(1_000).titled("map: 24 items, 4 threads, buffer_size(8)");
    let pool = timeline.record(ThreadPoolExecutor::new(4));
    let wait = |item: u64| {
        std::thread::sleep(Duration::from_millis(10 + item * 7 % 5 * 5));
        item
    };
    for result in pool.map(wait, 0..24).buffer_size(8) {
        result.unwrap();
    }
    timeline
}
// ANCHOR_END: map_buffer

// ANCHOR: as_completed
/// 8 tasks of different lengths on 8 threads: `as_completed` yields them as their bars end.
fn completion_order() -> Timeline {
    let timeline = Timeline::new(1_000).titled("as_completed: 8 tasks, yielded as they finish");
    let pool = timeline.record(ThreadPoolExecutor::new(8));
    let lengths = [80, 20, 60, 10, 70, 30, 50, 40];
    let futures = lengths.map(|ms| {
        let future = pool
            .submit_labeled(format!("{ms} ms"), move || {
                std::thread::sleep(Duration::from_millis(ms));
                ms
            })
            .unwrap();
        (ms, future)
    });
    let order: Vec<u64> = as_completed(futures, None)
        .map(|done| done.unwrap().0)
        .collect();
    println!("as_completed order: {order:?}");
    timeline
}
// ANCHOR_END: as_completed

// ANCHOR: shutdown_cancel
/// 10 tasks on 2 threads, then `shutdown(wait = false, cancel_futures = true)` once the first two
/// run: the 8 queued ones are cancelled and never start; the running two finish.
fn shutdown_cancel() -> Timeline {
    let timeline = Timeline::new(1_000).titled("shutdown(cancel_futures = true) with 8 queued");
    let pool = timeline.record(ThreadPoolExecutor::new(2));
    let (started, running) = mpsc::channel();
    let futures: Vec<_> = (0..10)
        .map(|n| {
            let started = started.clone();
            pool.submit(move || {
                let _ = started.send(n);
                std::thread::sleep(Duration::from_millis(40));
            })
            .unwrap()
        })
        .collect();
    for _ in 0..2 {
        running.recv().unwrap(); // both workers are busy: the other 8 wait in the queue
    }
    std::thread::sleep(Duration::from_millis(10)); // let the chart show them waiting a little
    pool.shutdown(true, true);
    let cancelled = futures
        .iter()
        .filter(|future| future.is_cancelled())
        .count();
    println!("cancelled at shutdown: {cancelled}");
    timeline
}
// ANCHOR_END: shutdown_cancel

// ANCHOR: process_crash
/// 8 requests on 2 worker processes; the fourth aborts its process: that request alone fails
/// (broken), and a new process (a new row) takes the next one.
fn process_crash() -> Timeline {
    let timeline = Timeline::new(1_000).titled("process pool: a worker crashes and is replaced");
    let pool = ProcessPoolExecutor::builder()
        .workers(2)
        .timeline(&timeline)
        .build();
    let futures: Vec<_> = (0..8u64)
        .map(|n| match n {
            3 => pool.submit(crash, 20).unwrap(),
            _ => pool.submit(nap, 20 + n * 5).unwrap(),
        })
        .collect();
    let broken = futures
        .into_iter()
        .filter(|future| future.error().is_some())
        .count();
    println!("failed requests: {broken}");
    drop(pool);
    timeline
}
// ANCHOR_END: process_crash
