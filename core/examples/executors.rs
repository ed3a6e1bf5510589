//! One interface, two pools: code written against `Executor` runs on either, and the builder
//! configures worker count, thread names and a per-thread initializer.
//!
//! ```sh
//! cargo run -p concurrent --example executors
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor};

// ANCHOR: generic
/// Counts the words of every line, on whatever executor the caller chose.
fn word_counts(executor: &impl Executor, lines: &[&'static str]) -> Vec<usize> {
    executor
        .map(
            |line: &str| line.split_whitespace().count(),
            lines.iter().copied(),
        )
        .map(|count| count.expect("counting words never panics"))
        .collect()
}
// ANCHOR_END: generic

// ANCHOR: initializer_state
thread_local! {
    /// Each worker's own "connection", opened once by the initializer and reused by every task
    /// that runs on that thread.
    static CONNECTION: RefCell<Option<String>> = const { RefCell::new(None) };
}
// ANCHOR_END: initializer_state

fn main() {
    let lines = ["the quick brown fox", "jumps over", "the lazy dog"];

    // ANCHOR: swap
    let for_waiting = ThreadPoolExecutor::new(4);
    let for_computing = CpuPoolExecutor::new(0); // 0: one thread per core

    let a = word_counts(&for_waiting, &lines);
    let b = word_counts(&for_computing, &lines);
    assert_eq!(a, [4, 2, 3]);
    assert_eq!(a, b); // same interface, same answer: only the pool changed
    // ANCHOR_END: swap
    println!("word counts: {a:?} on both pools");

    // ANCHOR: defaults
    println!(
        "default sizes here: ThreadPoolExecutor {} workers (min(32, cpus + 4)), \
         CpuPoolExecutor {} threads (one per core)",
        ThreadPoolExecutor::default_max_workers(),
        CpuPoolExecutor::default_threads()
    );
    // ANCHOR_END: defaults

    // ANCHOR: builder
    let opened = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&opened);
    let pool = ThreadPoolExecutor::builder()
        .max_workers(3)
        .thread_name_prefix("db")
        .initializer(move || {
            // Runs once in each new worker thread, before its first task.
            let me = std::thread::current().name().unwrap_or("?").to_owned();
            CONNECTION.with(|c| *c.borrow_mut() = Some(format!("connection of {me}")));
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .build();

    let queries: Vec<_> = (0..12)
        .map(|n| {
            pool.submit(move || {
                let conn = CONNECTION
                    .with(|c| c.borrow().clone())
                    .expect("set by the initializer");
                std::thread::sleep(Duration::from_millis(5)); // the query's round trip
                format!("query {n} via {conn}")
            })
            .expect("the pool is open")
        })
        .collect();
    let mut per_connection = BTreeMap::new();
    for query in queries {
        let answer = query.result().expect("queries never panic");
        let conn = answer.split(" via ").nth(1).unwrap_or_default().to_owned();
        *per_connection.entry(conn).or_insert(0) += 1;
    }
    // One connection per worker thread, however many tasks ran.
    assert!(per_connection.len() <= 3);
    assert!(opened.load(Ordering::Relaxed) <= pool.worker_count());
    // ANCHOR_END: builder
    println!(
        "12 tasks, {} workers started, {} connections opened; tasks per connection: {per_connection:?}",
        pool.worker_count(),
        opened.load(Ordering::Relaxed)
    );
}
