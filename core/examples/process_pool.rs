//! A process pool from `main`: the entry point, `submit`, `map` with a chunk size, and the crate's
//! `as_completed` on process futures.
//!
//! Run it: `cargo run -p concurrent --example process_pool`

use concurrent::as_completed;
use concurrent::process::{self, ProcessPoolExecutor, tasks};

// ANCHOR: tasks
/// Counts the primes below `limit`: CPU work with a small argument and a small result.
fn count_primes(limit: u64) -> usize {
    (2..limit)
        .filter(|&n| (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count()
}

/// Several arguments travel as one tuple.
fn describe((name, value): (String, usize)) -> String {
    format!("{name}: {value}")
}
// ANCHOR_END: tasks

fn main() {
    // ANCHOR: entry
    // First thing in main: a worker process stops here and serves tasks until its pool closes.
    process::init(tasks![count_primes, describe]);
    // ANCHOR_END: entry

    // ANCHOR: submit
    let pool = ProcessPoolExecutor::new(2);
    let futures: Vec<_> = [10_000, 20_000, 30_000]
        .into_iter()
        .map(|limit| (limit, pool.submit(count_primes, limit).unwrap()))
        .collect();
    for done in as_completed(futures, None) {
        let (limit, future) = done.unwrap();
        println!("{limit:>6}: {} primes", future.result().unwrap());
    }
    // ANCHOR_END: submit

    // ANCHOR: map
    // 1,000 small tasks in chunks of 100: ten round trips to the workers instead of 1,000.
    let counts: Vec<usize> = pool
        .map(count_primes, 0..1_000, 100)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(counts[100], 25);
    let line = pool.submit(describe, ("primes below 999".to_owned(), counts[999]));
    println!("{}", line.unwrap().result().unwrap());
    // ANCHOR_END: map
}
