//! Capping memory, measured: the same chunks processed without a cap, with a semaphore and with
//! `map`'s buffer, each in a child process of its own (the peak memory belongs to a whole
//! process), which prints its peak resident memory.
//!
//! ```sh
//! cargo run -p example-patterns --release --bin memory-cap
//! cargo run -p example-patterns --release --bin memory-cap -- --one semaphore   # one run, here
//! cargo run -p example-patterns --release --bin memory-cap -- --timeline cap.svg  # cap-map.svg...
//! ```
// xtask-check-args: --chunks 8 --chunk-mib 2

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use concurrent::ThreadPoolExecutor;
use concurrent::timeline::{Timeline, cli};
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
    /// Draw the run's task timeline into this SVG file (its folder must exist); comparing all
    /// three ways, one file each: FILE-none.svg, FILE-semaphore.svg, FILE-map.svg.
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
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
    let size = args.chunk_mib * MIB as usize;
    // Created now, so that its clock starts with the run.
    let timeline = args.timeline.as_ref().map(|_| {
        Timeline::new(cli::CAP).titled(format!(
            "{} chunks of {} MiB on {} workers, {cap:?}",
            args.chunks, args.chunk_mib, args.workers
        ))
    });
    let start = std::time::Instant::now();
    let sums = match &timeline {
        // Every way submits one task per chunk, in order: the n-th task is chunk n.
        Some(timeline) => {
            let names = (0..args.chunks)
                .map(|n| format!("chunk {n}"))
                .collect::<Vec<_>>();
            let pool = Timeline::record(timeline, &pool)
                .labelled(move |n| names.get(n).cloned().unwrap_or_else(|| format!("#{n}")));
            process(&pool, args.chunks, size, cap, &live)?
        }
        None => process(&pool, args.chunks, size, cap, &live)?,
    };
    let took = start.elapsed();
    anyhow::ensure!(sums.len() == args.chunks, "lost a chunk");
    let peak = memory::peak().context("the peak memory is read from /proc (Linux only)")?;
    println!(
        "peak {} live {} time {:.2}",
        peak / MIB,
        live.max(),
        took.as_secs_f64()
    );
    if let (Some(path), Some(timeline)) = (&args.timeline, &timeline) {
        drop(pool); // joined: every task's end is recorded
        cli::write_svg(timeline, path)
            .map(|said| println!("{said}"))
            .map_err(anyhow::Error::msg)?;
    }
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
    let mut timelines = Vec::new();
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
        if let Some(path) = &args.timeline {
            command.arg("--timeline").arg(path_for(path, way));
        }
        let run = child::run(
            name,
            command,
            Duration::from_secs(300),
            "a chunk never processed?",
        );
        if !run.status.success() {
            bail!("the {name} run failed:\n{}{}", run.stdout, run.stderr);
        }
        let mut lines = run.stdout.lines();
        let fields: Vec<&str> = lines
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let [_, peak, _, live, _, time] = fields[..] else {
            bail!("unexpected output of the {name} run: {}", run.stdout);
        };
        println!("| {name} | {peak} MiB | {live} | {time} s |");
        timelines.extend(lines.map(str::to_owned)); // where the child wrote its timeline
    }
    for line in timelines {
        println!("{line}");
    }
    Ok(())
}

/// `cap.svg` becomes `cap-map.svg` for the way `Map`: one timeline per way.
fn path_for(path: &Path, way: Way) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let way = format!("{way:?}").to_lowercase();
    match path.extension() {
        Some(extension) => {
            path.with_file_name(format!("{stem}-{way}.{}", extension.to_string_lossy()))
        }
        None => path.with_file_name(format!("{stem}-{way}")),
    }
}
