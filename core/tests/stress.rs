//! Stress, on both executors: a million tiny tasks, none lost and none run twice; ten thousand
//! panicking tasks, after which the pool still runs with every one of its workers.
//!
//! This binary silences the panic messages of its own deliberate panics (a panic hook is global
//! to the process, so it lives in a test binary of its own); any other panic is still reported.

#[macro_use]
mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Barrier, Once};
use std::time::{Duration, Instant};

use common::*;
use concurrent::{Error, Executor};

/// Generous: a debug build on a busy two-core machine, with both stress tests at once.
const STRESS_LIMIT: Duration = Duration::from_secs(180);

const TASKS: usize = 1_000_000;
const PANICS: usize = 10_000;
const MARKER: &str = "deliberate stress panic";

/// Same as `on_both_executors!`, with the longer limit.
macro_rules! stress_on_both_executors {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[test]
            fn thread_pool() {
                $crate::common::run_within::<$crate::common::Threads>(
                    stringify!($name),
                    super::STRESS_LIMIT,
                    super::$name::<$crate::common::Threads>,
                );
            }

            #[test]
            fn cpu_pool() {
                $crate::common::run_within::<$crate::common::Cpu>(
                    stringify!($name),
                    super::STRESS_LIMIT,
                    super::$name::<$crate::common::Cpu>,
                );
            }
        }
    )+};
}

fn a_million_tiny_tasks_run_exactly_once_each<P: Pool>() {
    let started = Instant::now();
    let pool = P::with_workers(0);
    let runs: Arc<Vec<AtomicU8>> = Arc::new((0..TASKS).map(|_| AtomicU8::new(0)).collect());
    // Keep every thousandth future to check its value, and use them for back-pressure: at most
    // 64 of them (about 64,000 tasks) outstanding, so the queue stays small. The other futures are
    // dropped at once, which must not cancel their tasks.
    let mut kept = VecDeque::new();
    for n in 0..TASKS {
        let runs = Arc::clone(&runs);
        let future = pool
            .submit(move || {
                runs[n].fetch_add(1, Ordering::Relaxed);
                n
            })
            .unwrap_or_else(|error| panic!("task {n} was refused: {error}"));
        if n % 1000 == 0 {
            kept.push_back((n, future));
            if kept.len() > 64 {
                let (index, oldest) = kept.pop_front().unwrap();
                assert_eq!(oldest.result(), Ok(index));
            }
        }
    }
    for (index, future) in kept {
        assert_eq!(future.result(), Ok(index));
    }
    pool.shutdown(true, false);
    let mut lost = Vec::new();
    let mut repeated = Vec::new();
    for (n, count) in runs.iter().enumerate() {
        match count.load(Ordering::Relaxed) {
            1 => {}
            0 => lost.push(n),
            _ => repeated.push(n),
        }
    }
    assert!(
        lost.is_empty() && repeated.is_empty(),
        "{} tasks never ran (first: {:?}), {} ran more than once (first: {:?})",
        lost.len(),
        lost.first(),
        repeated.len(),
        repeated.first()
    );
    eprintln!("{TASKS} tasks on {} in {:?}", P::NAME, started.elapsed());
}

fn ten_thousand_panics_leave_every_worker_running<P: Pool>() {
    silence_deliberate_panics();
    let pool = P::with_workers(0);
    let workers = pool.max_workers();
    let failures: Vec<_> = (0..PANICS)
        .map(|n| {
            pool.submit(move || -> () { panic!("{MARKER} {n}") })
                .unwrap()
        })
        .collect();
    for (n, future) in failures.into_iter().enumerate() {
        assert_eq!(
            future.result(),
            Err(Error::Panicked(format!("{MARKER} {n}")))
        );
    }
    if let Some(live) = P::live_workers(&pool) {
        assert_eq!(live, workers, "panics killed workers");
    }
    // Every worker is still there: max_workers tasks must all be inside the barrier at once.
    let barrier = Arc::new(Barrier::new(workers));
    let all_in: Vec<_> = (0..workers)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            pool.submit(move || {
                barrier.wait();
            })
            .unwrap()
        })
        .collect();
    for future in all_in {
        assert_eq!(future.result(), Ok(()));
    }
}

/// Keeps the default panic message for every panic but this binary's deliberate ones.
fn silence_deliberate_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or_default();
            if !message.starts_with(MARKER) {
                report(info);
            }
        }));
    });
}

stress_on_both_executors!(
    a_million_tiny_tasks_run_exactly_once_each,
    ten_thousand_panics_leave_every_worker_running,
);
