//! Capping memory, measured: the same chunks processed without a cap, with a semaphore and with
//! `map`'s buffer, each in a child process of its own (the peak memory belongs to a whole
//! process), which prints its peak resident memory.
//!
//! ```sh
//! cargo run -p example-patterns --release --bin memory-cap
//! cargo run -p example-patterns --release --bin memory-cap -- --one semaphore   # one run, here
//! ```
// xtask-check-args: --chunks 8 --chunk-mib 2

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use concurrent::ThreadPoolExecutor;
use course_testing::child;
use course_testing::memory::{self, MIB};
use example_patterns::memory_cap::{Cap, Live, process};

/// Process big chunks on a pool, with and without a cap on the chunks in memory.
#[derive(Debug, Parser)]
struct Args {
    /// Chunks to process.
    #[arg(long, default_value_t = 48)]
    chunks: usize,
    /// The size of a chunk, in MiB.
    #[arg(long, default_value_t = 16)]
    chunk_mib: usize,
    /// Workers of the pool.
    #[arg(long, default_value_t = 8)]
    workers: usize,
    /// At most this many chunks in memory, with a cap.
    #[arg(long, default_value_t = 2)]
    cap: usize,
    /// Run one way here and print its peak, instead of comparing all three in children.
    #[arg(long, value_enum)]
    one: Option<Way>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Way {
    None,
    Semaphore,
    Map,
}

fn main() -> Result<()> {
    let args = Args::parse();
    match args.one {
        Some(way) => run_one(&args, way),
        None => compare(&args),
    }
}

/// One run in this process: prints `peak <MiB> live <n> time <s>` for the parent to read.
fn run_one(args: &Args, way: Way) -> Result<()> {
    let cap = match way {
        Way::None => Cap::None,
        Way::Semaphore => Cap::Semaphore(args.cap),
        Way::Map => Cap::Map(args.cap),
    };
    let pool = ThreadPoolExecutor::new(args.workers);
    let live = Arc::new(Live::default());
    let start = std::time::Instant::now();
    let sums = process(
        &pool,
        args.chunks,
        args.chunk_mib * MIB as usize,
        cap,
        &live,
    )?;
    let took = start.elapsed();
    anyhow::ensure!(sums.len() == args.chunks, "lost a chunk");
    let peak = memory::peak().context("the peak memory is read from /proc (Linux only)")?;
    println!(
        "peak {} live {} time {:.2}",
        peak / MIB,
        live.max(),
        took.as_secs_f64()
    );
    Ok(())
}

/// Each way in a child process of its own; one table.
fn compare(args: &Args) -> Result<()> {
    let me = std::env::current_exe()?;
    println!(
        "{} chunks of {} MiB, {} workers, cap {}",
        args.chunks, args.chunk_mib, args.workers, args.cap
    );
    println!("| way | peak RSS | chunks alive at most | time |");
    println!("|---|---|---|---|");
    for (way, name) in [
        (Way::None, "no cap"),
        (Way::Semaphore, "semaphore"),
        (Way::Map, "map buffer"),
    ] {
        let mut command = Command::new(&me);
        command.args([
            "--chunks",
            &args.chunks.to_string(),
            "--chunk-mib",
            &args.chunk_mib.to_string(),
            "--workers",
            &args.workers.to_string(),
            "--cap",
            &args.cap.to_string(),
            "--one",
            &format!("{way:?}").to_lowercase(),
        ]);
        let run = child::run(
            name,
            command,
            Duration::from_secs(300),
            "a chunk never processed?",
        );
        if !run.status.success() {
            bail!("the {name} run failed:\n{}{}", run.stdout, run.stderr);
        }
        let fields: Vec<&str> = run.stdout.split_whitespace().collect();
        let [_, peak, _, live, _, time] = fields[..] else {
            bail!("unexpected output of the {name} run: {}", run.stdout);
        };
        println!("| {name} | {peak} MiB | {live} | {time} s |");
    }
    Ok(())
}
