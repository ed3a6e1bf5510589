//! Waiting overlaps on any number of threads; computing speeds up only as far as there are cores.
//!
//! ```sh
//! cargo run -p concurrent --example concurrency_vs_parallelism
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor};

// ANCHOR: io_bound
/// I/O-bound: the thread spends its time waiting. A sleep stands in for a network round trip.
fn fetch(page: u32) -> usize {
    std::thread::sleep(Duration::from_millis(30));
    page as usize * 1024 // pretend this is the size of the page
}
// ANCHOR_END: io_bound

/// Optimised builds run `crunch` about ten times faster: give them more rounds, so that both
/// kinds of build take long enough to time.
const ROUNDS: u32 = if cfg!(debug_assertions) {
    1_000_000
} else {
    10_000_000
};

// ANCHOR: cpu_bound
/// CPU-bound: the thread spends its time computing (rounds of a xorshift hash).
fn crunch(seed: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..ROUNDS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    black_box(x)
}
// ANCHOR_END: cpu_bound

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("{cores} cores\n");

    // ANCHOR: io_run
    let pages: Vec<u32> = (1..=8).collect();
    let (one_by_one, t_seq) = timed(|| pages.iter().map(|&p| fetch(p)).sum::<usize>());

    let pool = ThreadPoolExecutor::new(8); // more threads than cores: fine, they mostly sleep
    let (overlapped, t_pool) = timed(|| pool.map(fetch, pages.clone()).map(Result::unwrap).sum());
    // ANCHOR_END: io_run

    assert_eq!(one_by_one, overlapped);
    println!("I/O-bound, 8 pages of 30 ms");
    println!("  one after the other         {:>4} ms", t_seq.as_millis());
    println!(
        "  8 threads ({cores} cores)          {:>4} ms",
        t_pool.as_millis()
    );
    // Eight waits overlap even on fewer cores: the threads are asleep, not using the CPU.
    assert!(t_pool < t_seq / 2, "the waits did not overlap");

    // ANCHOR: cpu_run
    let seeds: Vec<u64> = (1..=8).collect();
    let (sequential, t_seq) = timed(|| seeds.iter().map(|&s| crunch(s)).collect::<Vec<_>>());

    let many_threads = ThreadPoolExecutor::new(8);
    let (on_eight, t_eight) = timed(|| {
        let results = many_threads.map(crunch, seeds.clone());
        results.map(Result::unwrap).collect::<Vec<_>>()
    });

    let cpu = CpuPoolExecutor::new(0); // one thread per core
    let (on_cores, t_cores) = timed(|| {
        let results = cpu.map(crunch, seeds.clone());
        results.map(Result::unwrap).collect::<Vec<_>>()
    });
    // ANCHOR_END: cpu_run

    assert_eq!(sequential, on_eight);
    assert_eq!(sequential, on_cores);
    let speedup = |t: Duration| t_seq.as_secs_f64() / t.as_secs_f64().max(1e-9);
    println!("\nCPU-bound, 8 hashing tasks");
    println!("  sequential                  {:>4} ms", t_seq.as_millis());
    println!(
        "  8 threads                   {:>4} ms  ({:.1}x)",
        t_eight.as_millis(),
        speedup(t_eight)
    );
    println!(
        "  {} threads, one per core     {:>4} ms  ({:.1}x)",
        cpu.max_workers(),
        t_cores.as_millis(),
        speedup(t_cores)
    );
    println!("\nwaiting scaled with the threads; computing stops at the number of cores.");
}
