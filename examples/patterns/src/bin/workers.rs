//! Too many workers: a CPU-bound and an I/O-bound batch on thread pools of 1, 2, 4, 32 and 1000
//! workers; prints a table of wall and CPU time.
//!
//! ```sh
//! cargo run -p example-patterns --release --bin workers
//! ```
// xtask-check-args: --quick

use clap::Parser;
use example_patterns::workers::{Cost, measure, spin};

/// Measure batches at several pool sizes.
#[derive(Debug, Parser)]
struct Args {
    /// A small, fast run (for checks): fewer tasks.
    #[arg(long)]
    quick: bool,
}

const WORKERS: [usize; 5] = [1, 2, 4, 32, 1000];

// ANCHOR: workloads
/// About 2 ms of computation in a release build.
fn compute() -> u64 {
    spin(3_000_000)
}

/// 20 ms of waiting, as for a slow server.
fn wait() -> u64 {
    std::thread::sleep(std::time::Duration::from_millis(20));
    1
}
// ANCHOR_END: workloads

fn quick_compute() -> u64 {
    spin(10_000)
}

fn cell(cost: Cost, base: Cost) -> String {
    let cpu = cost
        .cpu
        .map_or("?".to_owned(), |cpu| format!("{:.2} s", cpu.as_secs_f64()));
    format!(
        "{:.3} s ({:.1}x), CPU {cpu}",
        cost.wall.as_secs_f64(),
        base.wall.as_secs_f64() / cost.wall.as_secs_f64().max(1e-9)
    )
}

fn main() {
    let args = Args::parse();
    let (tasks, compute): (usize, fn() -> u64) = if args.quick {
        (40, quick_compute)
    } else {
        (1000, compute)
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    if let Some(load) = example_patterns::cpu_time::load_average() {
        println!("load average before the run: {load:.1} (on an idle machine it is below 1)");
    }
    println!("{tasks} tasks per batch, {cores} cores; speedup against 1 worker");
    println!("| workers | CPU-bound (~2 ms each) | I/O-bound (20 ms wait each) |");
    println!("|---|---|---|");
    let mut base = None;
    for workers in WORKERS {
        let (_, cpu_bound) = measure(workers, tasks, compute);
        let (waited, io_bound) = measure(workers, tasks, wait);
        assert_eq!(waited, tasks as u64, "every wait finished");
        let (cpu_base, io_base) = *base.get_or_insert((cpu_bound, io_bound));
        println!(
            "| {workers} | {} | {} |",
            cell(cpu_bound, cpu_base),
            cell(io_bound, io_base)
        );
    }
}
