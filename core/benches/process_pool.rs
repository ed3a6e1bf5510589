//! Per-task overhead of the three executors, side by side, and of the process pool at several
//! chunk sizes: `cargo bench -p concurrent --bench process_pool [rounds]`. CPython's
//! `ProcessPoolExecutor` on the same tasks: `python3 core/benches/python/process_pool.py`.
//!
//! Each round times every contender once, in a rotating order, on a trivial task (`n + 1` over
//! `u64`, submit everything then collect everything) with 2 workers; the table gives each
//! contender's median microseconds per task and its first-to-last-quartile spread. The pools are
//! built before timing: what is measured is the cost of a task, not of starting processes.
//!
//! A bench target has a `main` of its own, so it calls `concurrent::process::init` first, as a
//! program does: the process pool's workers are this bench binary, started again.

use std::time::Instant;

use concurrent::process::{self, ProcessPoolExecutor, tasks};
use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor};

const WORKERS: usize = 2;

fn increment(n: u64) -> u64 {
    n + 1
}

/// The sum `increment` gives over `0..tasks`.
fn expected(tasks: u64) -> u64 {
    tasks * (tasks + 1) / 2
}

fn executor_batch(executor: &impl Executor, tasks: u64) -> u64 {
    let futures: Vec<_> = (0..tasks)
        .map(|n| executor.submit(move || increment(n)).unwrap())
        .collect();
    futures.into_iter().map(|f| f.result().unwrap()).sum()
}

fn submit_batch(pool: &ProcessPoolExecutor, tasks: u64) -> u64 {
    let futures: Vec<_> = (0..tasks)
        .map(|n| pool.submit(increment, n).unwrap())
        .collect();
    futures.into_iter().map(|f| f.result().unwrap()).sum()
}

fn map_batch(pool: &ProcessPoolExecutor, tasks: u64, chunksize: usize) -> u64 {
    pool.map(increment, 0..tasks, chunksize)
        .unwrap()
        .map(Result::unwrap)
        .sum()
}

struct Contender<'a> {
    name: &'static str,
    tasks: u64,
    run: Box<dyn Fn(u64) -> u64 + 'a>,
    micros_per_task: Vec<f64>,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    process::init(tasks![increment]);
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(10);

    let threads = ThreadPoolExecutor::new(WORKERS);
    let cpu = CpuPoolExecutor::new(WORKERS);
    let processes = ProcessPoolExecutor::new(WORKERS);
    let mut contenders = vec![
        Contender {
            name: "ThreadPoolExecutor, submit",
            tasks: 100_000,
            run: Box::new(|tasks| executor_batch(&threads, tasks)),
            micros_per_task: Vec::new(),
        },
        Contender {
            name: "CpuPoolExecutor, submit",
            tasks: 100_000,
            run: Box::new(|tasks| executor_batch(&cpu, tasks)),
            micros_per_task: Vec::new(),
        },
        Contender {
            name: "ProcessPoolExecutor, submit",
            tasks: 10_000,
            run: Box::new(|tasks| submit_batch(&processes, tasks)),
            micros_per_task: Vec::new(),
        },
    ];
    for chunksize in [1, 100, 1000] {
        let processes = &processes;
        contenders.push(Contender {
            name: match chunksize {
                1 => "ProcessPoolExecutor, map chunksize=1",
                100 => "ProcessPoolExecutor, map chunksize=100",
                _ => "ProcessPoolExecutor, map chunksize=1000",
            },
            tasks: if chunksize == 1 { 10_000 } else { 200_000 },
            run: Box::new(move |tasks| map_batch(processes, tasks, chunksize)),
            micros_per_task: Vec::new(),
        });
    }

    for round in 0..rounds {
        let count = contenders.len();
        for i in 0..count {
            let contender = &mut contenders[(round + i) % count];
            let start = Instant::now();
            let sum = (contender.run)(contender.tasks);
            let elapsed = start.elapsed();
            assert_eq!(sum, expected(contender.tasks), "{}", contender.name);
            contender
                .micros_per_task
                .push(elapsed.as_secs_f64() * 1e6 / contender.tasks as f64);
        }
    }

    println!("{WORKERS} workers, {rounds} rounds, trivial task (n + 1)");
    println!("| executor | tasks per round | us per task (median) | quartiles |");
    println!("|---|---:|---:|---:|");
    for contender in &mut contenders {
        contender.micros_per_task.sort_by(f64::total_cmp);
        let v = &contender.micros_per_task;
        println!(
            "| {} | {} | {:.3} | {:.3} - {:.3} |",
            contender.name,
            contender.tasks,
            quantile(v, 0.5),
            quantile(v, 0.25),
            quantile(v, 0.75)
        );
    }
}
