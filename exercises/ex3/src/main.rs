// The exercise 3 demo: `cargo run -p ex3 --release -- --limit 10000000 --chunks 100 --workers 2`.
// It times the naive way, the sequential sieve and the parallel sieve side by side.
// (Plain comments, not `//!`: the solution package includes this very file.)

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use concurrent::{CpuPoolExecutor, Executor, as_completed};
use indicatif::{ProgressBar, ProgressStyle};

/// Trial division above this limit would take minutes: the demo skips it.
const TRIAL_DIVISION_MAX: u64 = 2_000_000;

#[derive(Debug, Parser)]
#[command(about = "Count the primes up to a limit: trial division, sieve, parallel sieve")]
struct Args {
    /// Count the primes in 0..=LIMIT.
    #[arg(long, default_value_t = 1_000_000)]
    limit: u64,
    /// Split the range into this many chunks (tasks).
    #[arg(long, default_value_t = 100)]
    chunks: usize,
    /// Worker threads of the CPU pool (0: one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let pool = CpuPoolExecutor::new(args.workers);
    println!(
        "Primes in 0..={} ({} chunks, {} workers)\n",
        args.limit,
        args.chunks,
        pool.max_workers()
    );
    println!(
        "{:<28} {:>12} {:>12} {:>10}",
        "method", "primes", "time", "speedup"
    );

    let sequential_start = Instant::now();
    let sequential = ex3::count_segment(0..=args.limit, &ex3::base_primes(args.limit));
    let sequential_time = sequential_start.elapsed();

    if args.limit <= TRIAL_DIVISION_MAX {
        let start = Instant::now();
        let count = ex3::primes_by_trial_division(args.limit).len() as u64;
        row(
            "trial division, sequential",
            count,
            start.elapsed(),
            sequential_time,
        );
    } else {
        println!(
            "{:<28} {:>12}",
            "trial division, sequential", "skipped (limit > 2,000,000)"
        );
    }
    row(
        "sieve, sequential",
        sequential,
        sequential_time,
        sequential_time,
    );

    let start = Instant::now();
    let parallel = match count_with_progress(&pool, args.limit, args.chunks) {
        Ok(count) => count,
        Err(error) => {
            eprintln!("the parallel sieve failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    row(
        "sieve, parallel",
        parallel,
        start.elapsed(),
        sequential_time,
    );

    if parallel != sequential {
        eprintln!("the parallel count ({parallel}) differs from the sequential one ({sequential})");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The parallel count, with a progress bar that advances as chunks complete (`as_completed`).
fn count_with_progress(
    pool: &CpuPoolExecutor,
    limit: u64,
    chunks: usize,
) -> Result<u64, concurrent::Error> {
    let base = Arc::new(ex3::base_primes(limit));
    let mut futures = Vec::new();
    for range in ex3::chunk_ranges(limit, chunks) {
        let base = Arc::clone(&base);
        futures.push(pool.submit(move || ex3::count_segment(range, &base))?);
    }
    let bar = ProgressBar::new(futures.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} chunks")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut total = 0;
    for done in as_completed(futures, None) {
        total += done?.result()?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(total)
}

fn row(method: &str, primes: u64, time: Duration, baseline: Duration) {
    let speedup = baseline.as_secs_f64() / time.as_secs_f64().max(1e-9);
    println!(
        "{method:<28} {primes:>12} {:>12} {:>9.2}x",
        format!("{:.3?}", time),
        speedup
    );
}
