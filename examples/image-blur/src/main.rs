//! The image-blur demo: `cargo run -p example-image-blur --release` generates 16 seeded 1080p
//! pictures (once, in the temporary folder), then blurs them all on this thread and on the CPU
//! pool, one image per task, and prints the times. `-- DIR` blurs your own folder instead;
//! `bench` compares with Pillow on a `ProcessPoolExecutor`. `--timeline FILE.svg` draws the
//! parallel run: which worker blurred which image, and when.

// `cargo xtask check` runs this demo on small input (the defaults are a measurement):
// xtask-check-args: --count 3 --size 96x64

mod bench;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use concurrent::timeline::{Timeline, cli};
use concurrent::{CpuPoolExecutor, Executor};
use image_blur::Error;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Parser)]
#[command(about = "Blur a folder of images, one after the other and in parallel")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Blur a folder sequentially and in parallel (the default).
    Run(RunArgs),
    /// Compare with Pillow's GaussianBlur on a ProcessPoolExecutor, on the same images.
    Bench(bench::BenchArgs),
}

#[derive(Debug, Args, Clone)]
struct RunArgs {
    /// The folder of PNG or JPEG images [default: generated 1080p pictures].
    dir: Option<PathBuf>,
    /// Where the blurred PNGs go [default: the folder's name + `-blurred`, beside it].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The blur's standard deviation in pixels (Pillow's GaussianBlur radius).
    #[arg(long, default_value_t = 5.0)]
    sigma: f32,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
    /// Draw the parallel run's task timeline into this SVG file (its folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
    #[command(flatten)]
    pictures: Pictures,
}

/// The generated pictures, when no folder is given.
#[derive(Debug, Args, Clone)]
pub struct Pictures {
    /// How many pictures to generate.
    #[arg(long, default_value_t = 16)]
    count: usize,
    /// Their size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1920x1080", value_parser = parse_size)]
    size: (u32, u32),
    /// The seed of the first picture.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or("expected WIDTHxHEIGHT, such as 1920x1080")?;
    let parse = |n: &str| {
        n.parse::<u32>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or(format!("{n:?} is not a size"))
    };
    Ok((parse(w)?, parse(h)?))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        None => run(&cli.run),
        Some(Command::Run(args)) => run(&args),
        Some(Command::Bench(args)) => bench::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn pool(workers: usize) -> CpuPoolExecutor {
    CpuPoolExecutor::builder()
        .num_threads(workers)
        .thread_name_prefix("blur")
        .build()
}

/// The generated pictures' folder, written first (in parallel on `pool`) if incomplete.
pub fn generated(pictures: &Pictures, pool: &CpuPoolExecutor) -> Result<PathBuf> {
    let (w, h) = pictures.size;
    let dir = std::env::temp_dir().join(format!(
        "image-blur-{w}x{h}-seed-{}-count-{}",
        pictures.seed, pictures.count
    ));
    let complete = image_blur::images_in(&dir).map(|found| found.len() == pictures.count);
    if !matches!(complete, Ok(true)) {
        let start = Instant::now();
        image_blur::generate::write_pictures(
            pool,
            &dir,
            pictures.count,
            pictures.size,
            pictures.seed,
        )?;
        println!(
            "generated {} {w}x{h} pictures in {} ({:.1?})",
            pictures.count,
            dir.display(),
            start.elapsed()
        );
    }
    Ok(dir)
}

fn run(args: &RunArgs) -> Result<()> {
    let pool = pool(args.workers);
    let workers = pool.max_workers();
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => generated(&args.pictures, &pool)?,
    };
    let inputs = image_blur::images_in(&dir)?;
    if inputs.is_empty() {
        bail!("{} has no .png, .jpg or .jpeg file to blur", dir.display());
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| sibling(&dir, "-blurred"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    println!(
        "{} images from {} to {}, sigma {}, {workers} workers\n",
        inputs.len(),
        dir.display(),
        out.display(),
        args.sigma
    );

    let (_sequential, seq) = timed("1 thread", inputs.len(), |bar| {
        image_blur::blur_all_here(&inputs, &out, args.sigma, || bar.inc(1))
    });
    // Created now, so that its clock starts with the parallel run.
    let timeline = args.timeline.as_ref().map(|_| {
        Timeline::new(cli::CAP).titled(format!(
            "{} images blurred on {workers} workers, sigma {}",
            inputs.len(),
            args.sigma
        ))
    });
    let (parallel, par) = timed(&format!("{workers} workers"), inputs.len(), |bar| {
        match &timeline {
            // `blur_all` maps over the images in order: the n-th task is the n-th image.
            Some(timeline) => {
                let names = inputs
                    .iter()
                    .map(|input| file_name(input))
                    .collect::<Vec<_>>();
                let pool = Timeline::record(timeline, &pool)
                    .labelled(move |n| names.get(n).cloned().unwrap_or_else(|| format!("#{n}")));
                image_blur::blur_all(&pool, &inputs, &out, args.sigma, || bar.inc(1))
            }
            None => image_blur::blur_all(&pool, &inputs, &out, args.sigma, || bar.inc(1)),
        }
    });
    let failed = report_failures(&parallel);
    if failed > 0 && failed == inputs.len() {
        bail!("no image could be blurred");
    }
    let count = (inputs.len() - failed) as f64;
    println!(
        "{:<22} {:>10} {:>10} {:>8}",
        "", "time", "images/s", "speedup"
    );
    for (label, time) in [
        ("sequential, 1 thread".to_owned(), seq),
        (format!("CPU pool, {workers} workers"), par),
    ] {
        println!(
            "{label:<22} {:>10.2?} {:>10.1} {:>7.2}x",
            time,
            count / time.as_secs_f64(),
            seq.as_secs_f64() / time.as_secs_f64()
        );
    }
    if let (Some(path), Some(timeline)) = (&args.timeline, &timeline) {
        cli::write_svg(timeline, path)
            .map(|said| println!("{said}"))
            .map_err(anyhow::Error::msg)?;
    }
    if failed > 0 {
        bail!(
            "{failed} of {} images could not be blurred (above)",
            inputs.len()
        );
    }
    Ok(())
}

/// The file name of `path`, for a timeline label.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// Prints every failed image's error; returns how many failed.
fn report_failures(outcomes: &[Result<PathBuf, Error>]) -> usize {
    let failures: Vec<&Error> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    for error in &failures {
        eprintln!("error: {error}");
    }
    failures.len()
}

/// `dir` with `suffix` added to its name.
pub fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "images".into());
    dir.with_file_name(format!("{name}{suffix}"))
}

/// Runs `work` under a progress bar of `total` images and times it.
fn timed<T>(label: &str, total: usize, work: impl FnOnce(&ProgressBar) -> T) -> (T, Duration) {
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos}/{len} images {elapsed}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message(label.to_owned());
    let start = Instant::now();
    let value = work(&bar);
    let elapsed = start.elapsed();
    bar.finish_and_clear();
    (value, elapsed)
}
