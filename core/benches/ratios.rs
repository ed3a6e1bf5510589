//! The number, measured side by side: `cargo bench -p concurrent --bench ratios`.
//!
//! `executors.rs` (criterion) measures each contender in its own block of seconds, so on a shared
//! or throttled machine a slow minute can land on one contender and not the others. This bench
//! interleaves them instead: every round runs one batch of 100,000 trivial tasks on each contender,
//! in a rotating order, and divides each time by rayon's time *of the same round*. The median of
//! those per-round ratios is what we report; the spread (first and last quartile) says how much
//! to trust it.
//!
//! Two shapes, as in `executors.rs`, on 2 threads each:
//! - throughput: submit 100,000 trivial tasks, then collect every result;
//! - latency: 1,000 times in a row, submit one trivial task and wait for its result.
//!
//! Pass a number to change the rounds (default 30).

mod contenders;

use std::time::{Duration, Instant};

use concurrent::Executor;
use contenders::{
    TASKS, TASKS_SUM, THREADS, cpu_pool, many_tasks, one_task, rayon_many_tasks, rayon_one_task,
    rayon_pool, thread_pool,
};

/// Rounds when no number is given on the command line.
const DEFAULT_ROUNDS: usize = 30;
/// The pause before each timed batch.
const SETTLE: Duration = Duration::from_millis(20);
/// Round trips per batch of the latency shape.
const ROUND_TRIPS: u64 = 1_000;

fn throughput_batch(executor: &impl Executor) {
    assert_eq!(many_tasks(executor), TASKS_SUM);
}

fn rayon_throughput_batch(pool: &rayon::ThreadPool) {
    assert_eq!(rayon_many_tasks(pool), TASKS_SUM);
}

fn latency_batch(executor: &impl Executor) {
    for i in 0..ROUND_TRIPS {
        assert_eq!(one_task(executor, i), i);
    }
}

fn rayon_latency_batch(pool: &rayon::ThreadPool) {
    for i in 0..ROUND_TRIPS {
        assert_eq!(rayon_one_task(pool, i), i);
    }
}

fn timed(run: impl FnOnce()) -> Duration {
    let start = Instant::now();
    run();
    start.elapsed()
}

/// The value at fraction `q` (0 to 1) of sorted `values`.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    // `cargo bench` passes `--bench`; a bare number sets the rounds.
    let rounds = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    let thread_pool = thread_pool();
    let cpu_pool = cpu_pool();
    let rayon_pool = rayon_pool();

    println!(
        "{THREADS} threads per pool, {rounds} interleaved rounds; ratio = time / rayon's time in the same round"
    );
    compare(
        &format!("throughput: {TASKS} tasks submitted, then collected"),
        TASKS,
        rounds,
        &[
            ("rayon_spawn", &|| rayon_throughput_batch(&rayon_pool)),
            ("thread_pool", &|| throughput_batch(&thread_pool)),
            ("cpu_pool", &|| throughput_batch(&cpu_pool)),
        ],
    );
    compare(
        &format!("latency: {ROUND_TRIPS} times, submit one task and wait for it"),
        ROUND_TRIPS,
        rounds,
        &[
            ("rayon_spawn", &|| rayon_latency_batch(&rayon_pool)),
            ("thread_pool", &|| latency_batch(&thread_pool)),
            ("cpu_pool", &|| latency_batch(&cpu_pool)),
        ],
    );
}

/// Runs every contender once per round, in rotating order, and prints the median time per task
/// and the median of the per-round ratios to the first contender.
fn compare(title: &str, tasks: u64, rounds: usize, contenders: &[(&str, &dyn Fn())]) {
    // Warm-up: start lazy workers, grow the allocator's arenas.
    for (_, run) in contenders {
        for _ in 0..3 {
            run();
        }
    }

    let mut per_task_ns = vec![Vec::new(); contenders.len()];
    let mut ratios = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        let mut times = vec![Duration::ZERO; contenders.len()];
        for offset in 0..contenders.len() {
            let index = (round + offset) % contenders.len();
            // Let the previous contender's threads finish spinning and fall asleep, so they do
            // not steal this one's cores.
            std::thread::sleep(SETTLE);
            times[index] = timed(contenders[index].1);
        }
        for (index, time) in times.iter().enumerate() {
            per_task_ns[index].push(time.as_nanos() as f64 / tasks as f64);
            ratios[index].push(time.as_secs_f64() / times[0].as_secs_f64());
        }
    }

    println!("\n{title}");
    println!(
        "{:<12} {:>12} {:>16} {:>18}",
        "contender", "ns per task", "ratio to rayon", "ratio IQR"
    );
    for (index, (name, _)) in contenders.iter().enumerate() {
        println!(
            "{:<12} {:>12.0} {:>15.2}x {:>10.2}x-{:.2}x",
            name,
            quantile(&per_task_ns[index], 0.5),
            quantile(&ratios[index], 0.5),
            quantile(&ratios[index], 0.25),
            quantile(&ratios[index], 0.75),
        );
    }
}
