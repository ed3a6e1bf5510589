//! Worked example 5: tasks that report through done callbacks, an event-driven summary, and a
//! callback that panics (logged, ignored, harmless). The same blocks run sequentially first.
//!
//! ```sh
//! cargo run -p example-worked --release --bin callbacks
//! cargo run -p example-worked --release --bin callbacks -- --timeline callbacks.svg
//! ```
// xtask-check-args: --numbers 20000

use std::path::PathBuf;

use anyhow::Result;
use clap::Parser;
use concurrent::ThreadPoolExecutor;
use concurrent::timeline::{Timeline, cli};
use example_worked::callbacks::{self, Event};
use example_worked::timing::{speedup_line, timed};
use indicatif::ProgressBar;

/// Longest Collatz chains per block, reported through done callbacks.
#[derive(Debug, Parser)]
struct Args {
    /// Numbers to try, from 0 (0 itself fails: its block reports an error).
    #[arg(long, default_value_t = 3_000_000)]
    numbers: u64,
    /// Numbers per task.
    #[arg(long, default_value_t = 50_000)]
    block: u64,
    /// Workers of the pool (default: one per core).
    #[arg(long)]
    workers: Option<usize>,
    /// The block whose future gets a callback that panics.
    #[arg(long, default_value_t = 3)]
    buggy: usize,
    /// Draw the parallel run's task timeline into this SVG file (its folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

// ANCHOR: logger
/// The pool reports a panicking callback with `log::error!`: print such records on stderr.
struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Warn
    }
    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            eprintln!("[{}] {}", record.level(), record.args());
        }
    }
    fn flush(&self) {}
}
// ANCHOR_END: logger

static LOGGER: StderrLogger = StderrLogger;

fn main() -> Result<()> {
    let args = Args::parse();
    log::set_logger(&LOGGER).map_err(|e| anyhow::anyhow!("{e}"))?;
    log::set_max_level(log::LevelFilter::Warn);
    // The panicking callback's message is logged by the pool: no need for the default hook's.
    std::panic::set_hook(Box::new(|_| {}));
    let blocks = callbacks::blocks(0, args.numbers, args.block);
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));

    let (sequential, sequential_took) = timed(|| callbacks::run_sequential(&blocks));
    let pool = ThreadPoolExecutor::new(workers);
    let bar = ProgressBar::new(blocks.len() as u64);
    let on_event = |event: &Event| {
        bar.set_message(format!("{event:?}"));
        bar.inc(1);
    };
    // Created now, so that its clock starts with the parallel run.
    let timeline = args.timeline.as_ref().map(|_| {
        Timeline::new(cli::CAP).titled(format!(
            "{} blocks of {} numbers on {workers} workers",
            blocks.len(),
            args.block
        ))
    });
    let (summary, parallel_took) = timed(|| match &timeline {
        // `run_with_callbacks` submits one task per block, in order.
        Some(timeline) => {
            let names = blocks
                .iter()
                .enumerate()
                .map(|(n, range)| format!("block {n}: {}..{}", range.start, range.end))
                .collect::<Vec<_>>();
            let pool = Timeline::record(timeline, &pool)
                .labelled(move |n| names.get(n).cloned().unwrap_or_else(|| format!("#{n}")));
            callbacks::run_with_callbacks(&pool, &blocks, Some(args.buggy), on_event)
        }
        None => callbacks::run_with_callbacks(&pool, &blocks, Some(args.buggy), on_event),
    });
    bar.finish_and_clear();

    println!(
        "{} blocks of {} numbers: {} done, {} failed",
        blocks.len(),
        args.block,
        summary.done,
        summary.failed.len()
    );
    for (block, reason) in &summary.failed {
        println!("block {block} failed: {reason}");
    }
    if let Some(best) = summary.best {
        println!(
            "longest chain below {}: {} ({} steps)",
            args.numbers, best.start, best.steps
        );
    }
    anyhow::ensure!(
        summary == sequential,
        "the callbacks' summary differs from the sequential one"
    );
    println!("same summary as the sequential run");
    println!("{}", speedup_line(sequential_took, parallel_took, workers));
    if let (Some(path), Some(timeline)) = (&args.timeline, &timeline) {
        cli::write_svg(timeline, path)
            .map(|said| println!("{said}"))
            .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}
