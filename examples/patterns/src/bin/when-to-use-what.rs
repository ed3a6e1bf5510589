//! The numbers of "When to use what": waiting work and computing work on each executor, and
//! 10,000 concurrent waits on threads against tokio, each of those in a child process of its own
//! so its peak memory is its own.
//!
//! ```sh
//! cargo run -p example-patterns --release --bin when-to-use-what
//! ```
// xtask-check-args: --quick

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use course_testing::child;
use course_testing::memory::{self, MIB};
use example_patterns::when::{Runner, computes, cores, waits};

/// Measure the executors on waiting and computing work.
#[derive(Debug, Parser)]
struct Args {
    /// A small, fast run (for checks).
    #[arg(long)]
    quick: bool,
    /// Run one of the many-waits measurements here and print it (used by the parent).
    #[arg(long, value_enum)]
    many_waits: Option<Many>,
    /// How many concurrent waits.
    #[arg(long, default_value_t = 10_000)]
    waits: usize,
    /// How long each of the many waits is, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    wait_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Many {
    /// A thread pool with one worker per wait.
    Threads,
    /// A thread pool of Python's default size, min(32, cores + 4).
    DefaultPool,
    /// tokio tasks on one thread per core.
    Tokio,
}

fn main() -> Result<()> {
    // A process pool's worker is this program started again: it stops here and serves tasks.
    #[cfg(unix)]
    concurrent::process::init(concurrent::process::tasks![
        example_patterns::when::spin_task
    ]);
    let args = Args::parse();
    if let Some(many) = args.many_waits {
        return many_waits(many, args.waits, Duration::from_millis(args.wait_ms));
    }
    let (tasks, wait, rounds, many, many_wait_ms) = if args.quick {
        (20, Duration::from_millis(5), 10_000, 200, 20)
    } else {
        (
            200,
            Duration::from_millis(20),
            3_000_000,
            args.waits,
            args.wait_ms,
        )
    };
    let workers = (cores() + 4).min(32);
    if let Some(load) = example_patterns::cpu_time::load_average() {
        println!("load average before the run: {load:.1} (on an idle machine it is below 1)");
    }
    println!(
        "{} cores; thread pool of {workers} workers (Python's default)\n",
        cores()
    );

    println!("{tasks} waits of {} ms:", wait.as_millis());
    for (name, runner) in [
        ("sequential", Runner::Sequential),
        ("thread pool", Runner::ThreadPool(workers)),
        ("CPU pool", Runner::CpuPool),
        ("tokio", Runner::Tokio),
    ] {
        let (done, took) = waits(runner, tasks, wait)?;
        anyhow::ensure!(done == tasks, "{name}: {done} of {tasks} waits finished");
        println!("  {name:<12} {:>8.3} s", took.as_secs_f64());
    }

    println!("\n{tasks} computations of {rounds} rounds:");
    let mut checksum = None;
    for (name, runner) in [
        ("sequential", Runner::Sequential),
        ("thread pool", Runner::ThreadPool(workers)),
        ("CPU pool", Runner::CpuPool),
    ] {
        let (sum, took) = computes(runner, tasks, rounds);
        anyhow::ensure!(
            *checksum.get_or_insert(sum) == sum,
            "{name}: a different result"
        );
        println!("  {name:<12} {:>8.3} s", took.as_secs_f64());
    }
    #[cfg(unix)]
    {
        let pool = concurrent::process::ProcessPoolExecutor::new(cores());
        let (sum, took) = example_patterns::when::computes_in_processes(pool, tasks, rounds)?;
        anyhow::ensure!(checksum == Some(sum), "process pool: a different result");
        println!("  {:<12} {:>8.3} s", "process pool", took.as_secs_f64());
    }

    println!("\n{many} concurrent waits of {many_wait_ms} ms, each way in a process of its own:");
    println!("| way | wall | peak RSS | threads |");
    println!("|---|---|---|---|");
    let me = std::env::current_exe()?;
    for (name, way) in [
        ("thread pool, one worker per wait", Many::Threads),
        ("thread pool, Python's default size", Many::DefaultPool),
        ("tokio, one thread per core", Many::Tokio),
    ] {
        if way == Many::DefaultPool && !args.quick {
            // 10,000 waits of 1 s on 6 to 32 workers take minutes: computed, not run.
            let rounds = many.div_ceil(workers) as u64;
            println!(
                "| {name} | {:.0} s (computed: {rounds} rounds of {many_wait_ms} ms) | - | {workers} |",
                (rounds * many_wait_ms) as f64 / 1000.0
            );
            continue;
        }
        let mut command = Command::new(&me);
        let flag = match way {
            Many::Threads => "threads",
            Many::DefaultPool => "default-pool",
            Many::Tokio => "tokio",
        };
        command.args(["--many-waits", flag]);
        command.args([
            "--waits",
            &many.to_string(),
            "--wait-ms",
            &many_wait_ms.to_string(),
        ]);
        let run = child::run(
            name,
            command,
            Duration::from_secs(120),
            "a wait never ended?",
        );
        if !run.status.success() {
            bail!("{name} failed:\n{}{}", run.stdout, run.stderr);
        }
        println!("| {name} | {} |", run.stdout.trim());
    }
    Ok(())
}

/// One many-waits run: prints `wall | peak | threads` for the parent's table.
fn many_waits(many: Many, waits_count: usize, wait: Duration) -> Result<()> {
    let (runner, threads) = match many {
        Many::Threads => (Runner::ThreadPool(waits_count), waits_count),
        Many::DefaultPool => {
            let workers = (cores() + 4).min(32);
            (Runner::ThreadPool(workers), workers)
        }
        Many::Tokio => (Runner::Tokio, cores()),
    };
    let (done, took) = waits(runner, waits_count, wait)?;
    anyhow::ensure!(
        done == waits_count,
        "{done} of {waits_count} waits finished"
    );
    let peak = memory::peak().context("the peak memory is read from /proc (Linux only)")?;
    println!(
        "{:.2} s | {} MiB | {threads}",
        took.as_secs_f64(),
        peak / MIB
    );
    Ok(())
}
