//! Progress bars over `as_completed`: downloads (waiting), parsing and thumbnails (computing),
//! each kind with its own bar, and one for everything.
//!
//! ```sh
//! cargo run -p example-patterns --release --bin progress
//! cargo run -p example-patterns --release --bin progress -- --timeline progress.svg
//! ```
// xtask-check-args: --scale 1

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use concurrent::ThreadPoolExecutor;
use concurrent::timeline::{Timeline, cli};
use example_patterns::progress::{Task, run_with_bars};
use indicatif::MultiProgress;

/// Three kinds of tasks, each with its own progress bar.
#[derive(Debug, Parser)]
struct Args {
    /// How much work per task (milliseconds of waiting per download, and so on).
    #[arg(long, default_value_t = 40)]
    scale: u64,
    /// Draw the run's task timeline into this SVG file (its folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

fn spin(rounds: u64) -> u64 {
    (0..rounds).fold(0u64, |acc, i| {
        acc.rotate_left(3) ^ i.wrapping_mul(0x9e37_79b9)
    })
}

fn main() -> Result<()> {
    let args = Args::parse();
    let scale = args.scale.max(1);
    let mut tasks: Vec<Task> = Vec::new();
    for n in 0..60u64 {
        let wait = Duration::from_millis(scale * (1 + n % 4));
        tasks.push((
            "download",
            Box::new(move || {
                std::thread::sleep(wait); // stands in for the network
                n
            }),
        ));
        if n % 2 == 0 {
            tasks.push(("parse", Box::new(move || spin(scale * 20_000))));
        }
        if n % 3 == 0 {
            tasks.push(("thumbnail", Box::new(move || spin(scale * 60_000))));
        }
    }
    let pool = ThreadPoolExecutor::new(8);
    let multi = MultiProgress::new();
    let Some(path) = &args.timeline else {
        let (results, _bars) = run_with_bars(&pool, tasks, &multi)?;
        for (kind, values) in &results {
            println!("{kind}: {} done", values.len());
        }
        return Ok(());
    };
    // `run_with_bars` submits the tasks in order: the n-th task is `download 1`, `parse 1`...
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let names = tasks
        .iter()
        .map(|(kind, _)| {
            let count = seen.entry(kind).or_default();
            *count += 1;
            format!("{kind} {count}")
        })
        .collect::<Vec<_>>();
    let timeline = Timeline::new(cli::CAP)
        .titled(format!("{} tasks of three kinds on 8 threads", tasks.len()));
    let (results, _bars) = run_with_bars(
        &Timeline::record(&timeline, &pool)
            .labelled(move |n| names.get(n).cloned().unwrap_or_else(|| format!("#{n}"))),
        tasks,
        &multi,
    )?;
    for (kind, values) in &results {
        println!("{kind}: {} done", values.len());
    }
    cli::write_svg(&timeline, path)
        .map(|said| println!("{said}"))
        .map_err(anyhow::Error::msg)
}
