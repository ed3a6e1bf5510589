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

use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor};

const THREADS: usize = 2;
const TASKS: u64 = 100_000;
/// Round trips per batch of the latency shape.
const ROUND_TRIPS: u64 = 1_000;
const DEFAULT_ROUNDS: usize = 30;
/// The pause before each timed batch.
const SETTLE: Duration = Duration::from_millis(20);

fn many_tasks(executor: &impl Executor) {
    let futures: Vec<_> = (0..TASKS)
        .map(|i| executor.submit(move || black_box(i)).expect("submit"))
        .collect();
    let total: u64 = futures
        .into_iter()
        .map(|future| future.result().expect("result"))
        .sum();
    assert_eq!(total, TASKS * (TASKS - 1) / 2);
}

fn rayon_tasks(pool: &rayon::ThreadPool) {
    let (sender, receiver) = mpsc::channel();
    for i in 0..TASKS {
        let sender = sender.clone();
        pool.spawn(move || sender.send(black_box(i)).expect("send"));
    }
    drop(sender);
    let total: u64 = receiver.iter().take(TASKS as usize).sum();
    assert_eq!(total, TASKS * (TASKS - 1) / 2);
}

fn one_task_each(executor: &impl Executor) {
    for i in 0..ROUND_TRIPS {
        let future = executor.submit(move || black_box(i)).expect("submit");
        assert_eq!(future.result(), Ok(i));
    }
}

fn rayon_one_task_each(pool: &rayon::ThreadPool) {
    for i in 0..ROUND_TRIPS {
        let (sender, receiver) = mpsc::channel();
        pool.spawn(move || sender.send(black_box(i)).expect("send"));
        assert_eq!(receiver.recv(), Ok(i));
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
    let thread_pool = ThreadPoolExecutor::new(THREADS);
    let cpu_pool = CpuPoolExecutor::new(THREADS);
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .expect("build a rayon pool");

    println!(
        "{THREADS} threads per pool, {rounds} interleaved rounds; ratio = time / rayon's time in the same round"
    );
    compare(
        &format!("throughput: {TASKS} tasks submitted, then collected"),
        TASKS,
        rounds,
        &[
            ("rayon_spawn", &|| rayon_tasks(&rayon_pool)),
            ("thread_pool", &|| many_tasks(&thread_pool)),
            ("cpu_pool", &|| many_tasks(&cpu_pool)),
        ],
    );
    compare(
        &format!("latency: {ROUND_TRIPS} times, submit one task and wait for it"),
        ROUND_TRIPS,
        rounds,
        &[
            ("rayon_spawn", &|| rayon_one_task_each(&rayon_pool)),
            ("thread_pool", &|| one_task_each(&thread_pool)),
            ("cpu_pool", &|| one_task_each(&cpu_pool)),
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
