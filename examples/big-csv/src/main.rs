//! The big-CSV demo: `cargo run -p example-big-csv --release` generates 1,000,000 rows (once,
//! seeded, in the temporary folder) and summarises them three ways: on this thread, on the CPU
//! pool with each task parsing its own byte range, and the seed's way (rows parsed here and
//! shipped to the pool). `bench` compares with pandas; `generate` only writes a file.
//! `--timeline FILE.svg` draws the parallel byte ranges: which worker parsed which range, when.

// `cargo xtask check` runs this demo on small input (the defaults are a measurement):
// xtask-check-args: --rows 20000

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use big_csv::{Plan, Summary, reference};
use clap::{Args, Parser, Subcommand};
use concurrent::timeline::{Timeline, cli};
use concurrent::{CpuPoolExecutor, Executor};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Parser)]
#[command(about = "Statistics per category of a big CSV file, in parallel byte ranges")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Summarise a file sequentially, in parallel and the seed's way (the default).
    Run(RunArgs),
    /// Write a generated file (to a temporary name, renamed when complete).
    Generate {
        /// Where to write it.
        path: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Compare with pandas `read_csv` + `groupby` on the same file, in one run.
    Bench {
        #[command(flatten)]
        data: DataArgs,
        /// The Python with pandas installed [default: $BIG_CSV_PYTHON, else python3].
        #[arg(long)]
        python: Option<PathBuf>,
        /// Time each way this many times and keep the best.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
        runs: u32,
        /// Byte ranges of the parallel run (0: 8 per worker).
        #[arg(long, default_value_t = 0)]
        chunks: usize,
    },
}

#[derive(Debug, Args, Clone)]
struct DataArgs {
    /// Rows of the generated file.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Seed of the generated file.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

#[derive(Debug, Args, Clone)]
struct RunArgs {
    /// Summarise this file instead of a generated one.
    #[arg(long)]
    file: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
    /// Byte ranges (tasks) of the parallel run (0: 8 per worker).
    #[arg(long, default_value_t = 0)]
    chunks: usize,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
    /// Draw the task timeline of the parallel byte ranges into this SVG file (its folder must
    /// exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        None => run(&cli.run),
        Some(Command::Run(args)) => run(&args),
        Some(Command::Generate { path, data }) => generate(&path, &data),
        Some(Command::Bench {
            data,
            python,
            runs,
            chunks,
        }) => bench(&data, python, runs, chunks),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn generate(path: &Path, data: &DataArgs) -> Result<()> {
    let start = Instant::now();
    big_csv::generate::write_file(path, data.rows, data.seed)
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "wrote {} rows to {} in {:.2?}",
        data.rows,
        path.display(),
        start.elapsed()
    );
    Ok(())
}

/// The generated file for `data`, written first if it is not there yet.
fn generated(data: &DataArgs) -> Result<PathBuf> {
    let path = big_csv::default_path(data.rows, data.seed);
    if !path.exists() {
        generate(&path, data)?;
    }
    Ok(path)
}

fn pool(workers: usize) -> CpuPoolExecutor {
    CpuPoolExecutor::builder()
        .num_threads(workers)
        .thread_name_prefix("csv")
        .build()
}

fn chunks_for(chunks: usize, workers: usize) -> usize {
    if chunks == 0 { 8 * workers } else { chunks }
}

fn run(args: &RunArgs) -> Result<()> {
    let path = match &args.file {
        Some(file) => file.clone(),
        None => generated(&args.data)?,
    };
    let pool = pool(args.workers);
    let workers = pool.max_workers();
    let plan = Plan::new(&path, chunks_for(args.chunks, workers))?;
    println!(
        "{}: {:.1} MiB of rows, {} byte ranges, {workers} workers\n",
        path.display(),
        plan.bytes() as f64 / (1 << 20) as f64,
        plan.ranges.len()
    );

    let (sequential, seq_time) = timed("sequential", plan.bytes(), |bar| {
        plan.summarize_here(|bytes| bar.inc(bytes))
    })?;
    // Created now, so that its clock starts with the parallel run.
    let timeline = args.timeline.as_ref().map(|_| {
        Timeline::new(cli::CAP).titled(format!(
            "{} byte ranges of {} on {workers} workers",
            plan.ranges.len(),
            path.display()
        ))
    });
    let (parallel, par_time) = timed("parallel byte ranges", plan.bytes(), |bar| {
        match &timeline {
            // `summarize` maps over the ranges in order: the n-th task is the n-th range.
            Some(timeline) => {
                let names = plan
                    .ranges
                    .iter()
                    .map(|range| format!("bytes {}..{}", range.start, range.end))
                    .collect::<Vec<_>>();
                let pool = Timeline::record(timeline, &pool)
                    .labelled(move |n| names.get(n).cloned().unwrap_or_else(|| format!("#{n}")));
                plan.summarize(&pool, |bytes| bar.inc(bytes))
            }
            None => plan.summarize(&pool, |bytes| bar.inc(bytes)),
        }
    })?;
    let (shipped, ship_time) = timed("rows shipped to the pool", sequential.rows(), |bar| {
        big_csv::summarize_shipping_rows(&pool, &path, 10_000, |rows| bar.inc(rows))
    })?;

    print_summary(&parallel);
    let check = reference::two_pass(&path, plan.columns)?;
    agree("parallel", &parallel, "sequential", &sequential)?;
    agree("rows shipped", &shipped, "sequential", &sequential)?;
    agree_reference(&parallel, &check)?;
    println!("\nparallel = sequential = shipped rows = the two-pass reference (within 1e-9)\n");

    let rows = sequential.rows();
    println!(
        "{:<28} {:>10} {:>14} {:>8}",
        "", "time", "rows/s", "speedup"
    );
    for (label, time) in [
        ("sequential, 1 thread", seq_time),
        (&*format!("parallel ranges, {workers} workers"), par_time),
        ("rows shipped to the pool", ship_time),
    ] {
        println!(
            "{label:<28} {:>10.2?} {:>14} {:>7.2}x",
            time,
            per_second(rows, time),
            seq_time.as_secs_f64() / time.as_secs_f64()
        );
    }
    if let (Some(path), Some(timeline)) = (&args.timeline, &timeline) {
        println!();
        cli::write_svg(timeline, path)
            .map(|said| println!("{said}"))
            .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// Runs `work` under a progress bar of `total` units and times it.
fn timed<T>(
    label: &str,
    total: u64,
    work: impl FnOnce(&ProgressBar) -> Result<T, big_csv::Error>,
) -> Result<(T, Duration)> {
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{msg:>26} [{bar:30}] {percent:>3}% {elapsed}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message(label.to_owned());
    let start = Instant::now();
    let value = work(&bar)?;
    let elapsed = start.elapsed();
    bar.finish_and_clear();
    Ok((value, elapsed))
}

fn per_second(rows: u64, time: Duration) -> String {
    format!("{:.2} M", rows as f64 / time.as_secs_f64() / 1e6)
}

fn print_summary(summary: &Summary) {
    println!(
        "{:<20} {:>9} {:>16} {:>10} {:>10}",
        "category", "count", "sum", "mean", "std dev"
    );
    for (name, stats) in &summary.categories {
        println!(
            "{name:<20} {:>9} {:>16.3} {:>10.4} {:>10.4}",
            stats.count,
            stats.sum,
            stats.mean(),
            stats.std_dev()
        );
    }
    println!("{:<20} {:>9}", "rows", summary.rows());
}

/// Relative difference, treating two NaNs (fewer than two values) as equal.
fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn agree(name: &str, got: &Summary, other: &str, expected: &Summary) -> Result<()> {
    let same = got.categories.len() == expected.categories.len()
        && got
            .categories
            .iter()
            .zip(&expected.categories)
            .all(|((a, x), (b, y))| {
                a == b
                    && x.count == y.count
                    && close(x.mean(), y.mean())
                    && close(x.std_dev(), y.std_dev())
            });
    if !same {
        bail!("the {name} statistics differ from the {other} ones:\n{got:#?}\n{expected:#?}");
    }
    Ok(())
}

fn agree_reference(
    got: &Summary,
    reference: &std::collections::BTreeMap<String, reference::Reference>,
) -> Result<()> {
    let same = got.categories.len() == reference.len()
        && got
            .categories
            .iter()
            .zip(reference)
            .all(|((a, x), (b, r))| {
                a == b
                    && x.count == r.count
                    && close(x.sum, r.sum)
                    && close(x.mean(), r.mean)
                    && close(x.std_dev(), r.std_dev)
            });
    if !same {
        bail!("the statistics differ from the two-pass reference:\n{got:#?}\n{reference:#?}");
    }
    Ok(())
}

mod bench;

fn bench(data: &DataArgs, python: Option<PathBuf>, runs: u32, chunks: usize) -> Result<()> {
    let path = generated(data)?;
    let python = python
        .or_else(|| std::env::var_os("BIG_CSV_PYTHON").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("python3"));
    bench::run(&path, &python, runs, chunks, pool(0))
}
