//! Callbacks: the event-driven summary equals the sequential one (every block reported once, the
//! failing block as a failure), and a panicking callback is logged while the others still run and
//! the pool keeps working.

use std::sync::{Mutex, OnceLock};

use concurrent::testing::CountingExecutor;
use concurrent::{Executor, ThreadPoolExecutor};
use example_worked::callbacks::{self, Best, collatz_steps, longest_chain};

/// Keeps the log records of this test binary, as witnesses.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        if let Ok(mut records) = self.0.lock() {
            records.push(format!("{}: {}", record.level(), record.args()));
        }
    }
    fn flush(&self) {}
}

fn captured() -> &'static Capture {
    static CAPTURE: OnceLock<&'static Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture: &'static Capture = Box::leak(Box::new(Capture(Mutex::new(Vec::new()))));
        log::set_logger(capture).expect("only this test binary sets a logger");
        log::set_max_level(log::LevelFilter::Trace);
        capture
    })
}

#[course_testing::test]
fn collatz_chains_are_counted_right() {
    assert_eq!(collatz_steps(1), Some(0));
    assert_eq!(collatz_steps(6), Some(8));
    assert_eq!(collatz_steps(27), Some(111));
    assert_eq!(collatz_steps(0), None);
    assert_eq!(
        longest_chain(1..10),
        Ok(Best {
            start: 9,
            steps: 19
        })
    );
    assert!(longest_chain(0..10).is_err());
    let blocks = callbacks::blocks(0, 25, 10);
    assert_eq!(blocks, [0..10, 10..20, 20..25]);
}

#[course_testing::test(
    hint = "a callback that never sends, or a sender kept alive so the event loop never ends?"
)]
fn the_event_driven_summary_matches_the_sequential_one() {
    let blocks = callbacks::blocks(0, 2000, 100);
    let pool = CountingExecutor::new(ThreadPoolExecutor::new(4));
    let mut events = 0;
    let summary = callbacks::run_with_callbacks(&pool, &blocks, None, |_| events += 1);
    assert_eq!(events, blocks.len(), "one event per block");
    assert_eq!(pool.submitted(), blocks.len(), "one task per block");
    assert_eq!(summary, callbacks::run_sequential(&blocks));
    assert_eq!(summary.done, 19);
    assert_eq!(summary.failed, [(0, "0 never reaches 1".to_owned())]);
    assert_eq!(
        summary.best,
        Some(Best {
            start: 1161,
            steps: 181
        })
    );
}

#[course_testing::test(hint = "a panicking callback that stops the others, or kills its worker?")]
fn a_panicking_callback_is_logged_and_harmless() {
    let capture = captured();
    let blocks = callbacks::blocks(1, 801, 100);
    let pool = ThreadPoolExecutor::new(2);
    let summary = callbacks::run_with_callbacks(&pool, &blocks, Some(3), |_| {});
    assert_eq!(
        summary.done,
        blocks.len(),
        "the reporting callback after the panicking one ran"
    );
    assert_eq!(summary, callbacks::run_sequential(&blocks));
    let records = capture.0.lock().expect("log records").clone();
    assert!(
        records
            .iter()
            .any(|r| r.starts_with("ERROR") && r.contains("a buggy metrics callback on block 3")),
        "the pool logs the panic with log::error!: {records:?}"
    );
    let after = pool.submit(|| 1).expect("the pool is open");
    assert_eq!(
        after.result(),
        Ok(1),
        "the workers survive a panicking callback"
    );
}
