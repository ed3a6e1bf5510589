// The exercise 1 demo: `cargo run -p ex1 --release -- --files 10 --size 10MB --level 6 --workers 2`.
// It generates text files in a temporary folder (or takes the paths you give), compresses them
// one after the other and then in parallel, and prints the times, the speedup and the ratios.
// `--big` compresses one big file instead: whole, then cut into blocks compressed in parallel.
// `--timeline FILE.svg` draws the parallel run: which worker compressed which file or block, when.
// (Plain comments, not `//!`: the solution package includes this very file.)

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use concurrent::timeline::{Timeline, cli};
use concurrent::{CpuPoolExecutor, Executor};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Parser)]
#[command(about = "Compress files with gzip, sequentially and in parallel, and compare")]
struct Args {
    /// Files to compress (each to FILE.gz). Without any, text files are generated.
    paths: Vec<PathBuf>,
    /// How many files to generate.
    #[arg(long, default_value_t = 10)]
    files: usize,
    /// Size of each generated file: 10MB, 512KiB, 1GB, 4096...
    #[arg(long, default_value = "10MB", value_parser = parse_size)]
    size: u64,
    /// gzip level, 0 (store) to 9 (smallest).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=9))]
    level: u32,
    /// Worker threads of the CPU pool (0: one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
    /// Seed of the generated text: the same seed gives the same files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Generate the files in this folder and keep them (default: a temporary folder, deleted).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// One big file (FILES x SIZE bytes, or each given path) cut into blocks compressed in parallel.
    #[arg(long)]
    big: bool,
    /// Block size for --big.
    #[arg(long, default_value = "1MiB", value_parser = parse_size)]
    block_size: u64,
    /// Draw the parallel run's task timeline into this SVG file (its folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let pool = CpuPoolExecutor::new(args.workers);
    // Keeps the temporary folder alive until the end of `run`.
    let mut _temp_dir = None;
    let paths = if args.paths.is_empty() {
        let dir = match &args.dir {
            Some(dir) => dir.clone(),
            None => {
                let temp = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
                let dir = temp.path().to_owned();
                _temp_dir = Some(temp);
                dir
            }
        };
        let (count, size) = if args.big {
            (1, args.size.saturating_mul(args.files as u64))
        } else {
            (args.files, args.size)
        };
        let start = Instant::now();
        let paths = ex1::generate_files(&dir, count, size, args.seed)
            .map_err(|e| format!("cannot generate the files in {}: {e}", dir.display()))?;
        println!(
            "Generated {} of {} in {} ({:.2?}, seed {})",
            plural(count, "file"),
            megabytes(size),
            dir.display(),
            start.elapsed(),
            args.seed
        );
        paths
    } else {
        args.paths.clone()
    };
    let total_bytes: u64 = paths
        .iter()
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|meta| meta.len())
        .sum();
    println!(
        "Compressing {}, {} in all, at level {} on {}\n",
        plural(paths.len(), "file"),
        megabytes(total_bytes),
        args.level,
        plural(pool.max_workers(), "worker")
    );

    let start = Instant::now();
    let sequential = ex1::compress_files_sequential(&paths, args.level);
    let sequential_time = start.elapsed();

    let bar = progress_bar(paths.len());
    // Created now, so that its clock starts with the parallel run.
    let timeline = Timeline::new(cli::CAP).titled(format!(
        "{} at level {} on {}",
        if args.big {
            "blocks of a big file".to_owned()
        } else {
            plural(paths.len(), "file")
        },
        args.level,
        plural(pool.max_workers(), "worker")
    ));
    let start = Instant::now();
    let parallel = if args.timeline.is_some() {
        let kind = if args.big { "block" } else { "file" };
        let recorded =
            Timeline::record(&timeline, &pool).labelled(move |n| format!("{} {}", kind, n + 1));
        compress_in_parallel(&recorded, &paths, &args, &bar)
    } else {
        compress_in_parallel(&pool, &paths, &args, &bar)
    };
    let parallel_time = start.elapsed();
    bar.finish_and_clear();

    println!(
        "{:<24} {:>12} {:>12} {:>8}",
        "file", "original", "compressed", "ratio"
    );
    for result in parallel.iter().take(20) {
        match result {
            Ok(report) => println!(
                "{:<24} {:>12} {:>12} {:>7.2}x",
                report
                    .input
                    .file_name()
                    .map_or_else(String::new, |name| name.to_string_lossy().into_owned()),
                megabytes(report.original_size),
                megabytes(report.compressed_size),
                report.ratio()
            ),
            Err(error) => println!("{error}"),
        }
    }
    if parallel.len() > 20 {
        println!("... and {} more", parallel.len() - 20);
    }

    let summary = ex1::summarize(&parallel);
    let parallel_label = if args.big {
        "parallel blocks"
    } else {
        "parallel files"
    };
    println!(
        "\n{:<24} {:>12} {:>12} {:>8}",
        "method", "time", "MB/s", "speedup"
    );
    for (method, time) in [
        ("sequential", sequential_time),
        (parallel_label, parallel_time),
    ] {
        println!(
            "{method:<24} {:>12} {:>12.1} {:>7.2}x",
            format!("{time:.3?}"),
            summary.original_bytes as f64 / 1e6 / seconds(time),
            seconds(sequential_time) / seconds(time)
        );
    }
    println!(
        "\n{} compressed, {} failed; average ratio {}, overall {}",
        summary.compressed,
        summary.failed,
        summary
            .average_ratio
            .map_or_else(|| "-".into(), |ratio| format!("{ratio:.2}x")),
        summary
            .overall_ratio()
            .map_or_else(|| "-".into(), |ratio| format!("{ratio:.2}x")),
    );
    if let Some(path) = &args.timeline {
        cli::write_svg(&timeline, path).map(|said| println!("{said}"))?;
    }
    let sequential_failed = sequential.iter().filter(|result| result.is_err()).count();
    if summary.failed > 0 || sequential_failed > 0 {
        return Err(format!(
            "{} failed in parallel, {sequential_failed} sequentially",
            plural(summary.failed, "file")
        ));
    }
    Ok(())
}

/// The parallel run: the files on `pool` (or each file's blocks, with `--big`).
fn compress_in_parallel<E: Executor>(
    pool: &E,
    paths: &[PathBuf],
    args: &Args,
    bar: &ProgressBar,
) -> Vec<Result<ex1::FileReport, ex1::CompressError>> {
    if args.big {
        let block_size = usize::try_from(args.block_size).unwrap_or(usize::MAX);
        paths
            .iter()
            .map(|path| {
                let report = ex1::compress_big_file(pool, path, args.level, block_size);
                bar.inc(1);
                report
            })
            .collect()
    } else {
        let feed = bar.clone();
        ex1::compress_files(pool, paths, args.level, move |done, _total| {
            feed.set_position(done as u64);
        })
    }
}

fn progress_bar(files: usize) -> ProgressBar {
    ProgressBar::new(files as u64).with_style(
        ProgressStyle::with_template("{bar:40} Compressed {pos}/{len} files...")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    )
}

/// "1 file", "2 files".
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn seconds(time: Duration) -> f64 {
    time.as_secs_f64().max(1e-9)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// "10MB" (10 x 1000^2), "512KiB" (512 x 1024), "1.5GB", "4096" (bytes).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size like 10MB or 512KiB"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "unknown unit `{other}`: use B, KB, MB, GB, KiB, MiB or GiB"
            ));
        }
    };
    Ok((number * scale) as u64)
}
