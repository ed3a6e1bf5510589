//! No GIL: the same CPU-bound work, sequentially and on two kinds of pool, with the times.
//!
//! ```sh
//! cargo run -p concurrent --release --example no_gil            # the measured run (limit 4,000,000)
//! cargo run -p concurrent --example no_gil -- 20000             # a quick check with a small limit
//! ```
//!
//! The work is counting primes below a limit by trial division: pure computation, no I/O, no
//! shared state. In Python, threads would take turns on the GIL and finish no sooner than one
//! thread; here both pools should approach the number of cores.

// xtask-check-args: 20000
// (`cargo xtask check` runs every example in a debug build: the small limit keeps it quick.)

use std::ops::Range;
use std::time::{Duration, Instant};

use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor};

const DEFAULT_LIMIT: u64 = 4_000_000;
const CHUNKS: u64 = 64;
/// Each variant runs this many times and keeps its best time, to filter out noise from other programs.
const ROUNDS: usize = 3;

// ANCHOR: work
/// Trial division: slow on purpose, so there is plenty to compute.
fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

fn count_primes(range: Range<u64>) -> usize {
    range.filter(|&n| is_prime(n)).count()
}

/// `0..limit` cut into `chunks` consecutive ranges (the last one takes the remainder).
fn chunks(limit: u64, chunks: u64) -> Vec<Range<u64>> {
    let size = limit.div_ceil(chunks).max(1);
    (0..limit)
        .step_by(size as usize)
        .map(|start| start..(start + size).min(limit))
        .collect()
}
// ANCHOR_END: work

// ANCHOR: parallel
/// Counts on any executor: the code does not know, or care, which pool runs it.
fn count_on(executor: &impl Executor, chunks: Vec<Range<u64>>) -> usize {
    executor
        .map(count_primes, chunks)
        .map(|count| count.expect("counting primes never panics"))
        .sum()
}
// ANCHOR_END: parallel

/// Runs `f` `rounds` times; returns its value and the best time.
fn best_of<T>(rounds: usize, mut f: impl FnMut() -> T) -> (T, Duration) {
    let mut best = Duration::MAX;
    let mut value = None;
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        value = Some(f());
        best = best.min(start.elapsed());
    }
    (value.expect("at least one round"), best)
}

fn main() {
    let limit = match std::env::args().nth(1) {
        None => DEFAULT_LIMIT,
        Some(arg) => arg.replace(['_', ','], "").parse().unwrap_or_else(|_| {
            eprintln!("usage: no_gil [LIMIT]   (LIMIT is a number, e.g. 20000; got {arg:?})");
            std::process::exit(2);
        }),
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "counting primes below {limit} by trial division: {CHUNKS} chunks, {cores} cores, \
         best of {ROUNDS} runs"
    );

    // ANCHOR: measure
    let sequentially = || -> usize { chunks(limit, CHUNKS).into_iter().map(count_primes).sum() };
    let (sequential, t_seq) = best_of(ROUNDS, sequentially);

    let threads = ThreadPoolExecutor::new(2);
    let (on_threads, t_threads) = best_of(ROUNDS, || count_on(&threads, chunks(limit, CHUNKS)));

    let cpu = CpuPoolExecutor::new(0); // 0: one thread per core
    let (on_cpu, t_cpu) = best_of(ROUNDS, || count_on(&cpu, chunks(limit, CHUNKS)));
    // ANCHOR_END: measure

    assert_eq!(
        on_threads, sequential,
        "the thread pool lost or repeated a chunk"
    );
    assert_eq!(on_cpu, sequential, "the CPU pool lost or repeated a chunk");

    let ratio = |t: Duration| t_seq.as_secs_f64() / t.as_secs_f64().max(1e-9);
    println!("{sequential} primes");
    println!("{:<34} {:>9} {:>8}", "", "time", "speedup");
    println!(
        "{:<34} {:>7.3} s {:>7.2}x",
        "sequential",
        t_seq.as_secs_f64(),
        1.0
    );
    println!(
        "{:<34} {:>7.3} s {:>7.2}x",
        "ThreadPoolExecutor, 2 workers",
        t_threads.as_secs_f64(),
        ratio(t_threads)
    );
    println!(
        "{:<34} {:>7.3} s {:>7.2}x",
        format!("CpuPoolExecutor, {} threads", cpu.max_workers()),
        t_cpu.as_secs_f64(),
        ratio(t_cpu)
    );
}
