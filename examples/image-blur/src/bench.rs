//! `bench`: this example against Pillow on the same images, side by side in one run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use concurrent::Executor;

use crate::{Pictures, generated, pool, sibling};

/// The Pillow script, beside this package's sources.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/pillow_blur.py");

#[derive(Debug, Args, Clone)]
pub struct BenchArgs {
    #[command(flatten)]
    pictures: Pictures,
    /// The Python with Pillow installed [default: $IMAGE_BLUR_PYTHON, else python3].
    #[arg(long)]
    python: Option<PathBuf>,
    /// The blur's standard deviation (Pillow's radius).
    #[arg(long, default_value_t = 5.0)]
    sigma: f32,
    /// Rounds of the three runs, interleaved; the best time of each is kept (other programs
    /// only ever slow a run down).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Pillow's PNG compress_level (1: its fastest, like the fast compression written here).
    #[arg(long, default_value_t = 1)]
    compress_level: u32,
}

pub fn run(args: &BenchArgs) -> Result<()> {
    let python = args
        .python
        .clone()
        .or_else(|| std::env::var_os("IMAGE_BLUR_PYTHON").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("python3"));
    let pool = pool(0);
    let workers = pool.max_workers();
    let dir = generated(&args.pictures, &pool)?;
    let inputs = image_blur::images_in(&dir)?;
    let (rust_out, pillow_out) = (sibling(&dir, "-rust"), sibling(&dir, "-pillow"));
    for out in [&rust_out, &pillow_out] {
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    }

    let (mut seq, mut par, mut pillow) =
        ([Duration::MAX; 2], [Duration::MAX; 2], [Duration::MAX; 2]);
    let mut version = String::new();
    for _ in 0..args.runs {
        keep_best(
            &mut seq,
            timed(|| image_blur::blur_all_here(&inputs, &rust_out, args.sigma, || {}))?,
        );
        keep_best(
            &mut par,
            timed(|| image_blur::blur_all(&pool, &inputs, &rust_out, args.sigma, || {}))?,
        );
        let (times, pillow_version) = run_pillow(&python, &dir, &pillow_out, workers, args)?;
        keep_best(&mut pillow, times);
        version = pillow_version;
    }

    let n = inputs.len() as f64;
    let (w, h) = args.pictures.size;
    println!(
        "{} pictures of {w}x{h}, Gaussian sigma {} (Pillow GaussianBlur({})), PNG out; {workers} workers; best of {} runs; Pillow {version}\n",
        inputs.len(),
        args.sigma,
        args.sigma,
        args.runs
    );
    println!(
        "{:<38} {:>9} {:>9} {:>10} {:>9} {:>10}",
        "", "time", "images/s", "vs Pillow", "CPU time", "vs Pillow"
    );
    for (label, [time, cpu]) in [
        (format!("Pillow, ProcessPoolExecutor({workers})"), pillow),
        ("Rust, 1 thread".to_owned(), seq),
        (format!("Rust, CpuPoolExecutor({workers})"), par),
    ] {
        println!(
            "{label:<38} {:>9.2?} {:>9.1} {:>9.2}x {:>9.2?} {:>9.2}x",
            time,
            n / time.as_secs_f64(),
            pillow[0].as_secs_f64() / time.as_secs_f64(),
            cpu,
            pillow[1].as_secs_f64() / cpu.as_secs_f64()
        );
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\nCPU time: Rust's process (every thread), Pillow's worker processes. On a busy machine \
         the wall clock measures the scheduler too. Load average: {}",
        load.split(' ').take(3).collect::<Vec<_>>().join(" ")
    );

    let first = &inputs[0];
    let name = first.file_name().context("a file name")?;
    let ours = image::open(rust_out.join(name))?.into_rgb8();
    let theirs = image::open(pillow_out.join(name))?.into_rgb8();
    let (mean, max) = difference(&ours, &theirs);
    println!(
        "\n{}: Rust vs Pillow output, mean |difference| {mean:.3} per channel (of 255), max {max}",
        name.to_string_lossy()
    );
    println!(
        "PNG bytes: Rust {:.1} MiB, Pillow {:.1} MiB",
        folder_bytes(&rust_out)? as f64 / (1 << 20) as f64,
        folder_bytes(&pillow_out)? as f64 / (1 << 20) as f64
    );

    let picture = image::open(first)?.into_rgb8();
    println!("\nthe blur alone, one {w}x{h} picture, this thread:");
    for (label, blur) in [
        (
            "three box blurs (this example)",
            &(|p: &image::RgbImage, s| image_blur::blur::gaussian_blur(p, s))
                as &dyn Fn(&image::RgbImage, f32) -> image::RgbImage,
        ),
        ("image::imageops::fast_blur", &|p: &image::RgbImage, s| {
            image::imageops::fast_blur(p, s)
        }),
        (
            "image::imageops::blur (exact)",
            &|p: &image::RgbImage, s| image::imageops::blur(p, s),
        ),
    ] {
        let start = Instant::now();
        let blurred = blur(&picture, args.sigma);
        let time = start.elapsed();
        let (mean, _) = difference(&blurred, &theirs);
        println!("  {label:<32} {time:>9.1?}   mean |difference| to Pillow {mean:.3}");
    }
    Ok(())
}

/// The wall-clock and CPU time of `work`; an error if any image failed.
fn timed(work: impl FnOnce() -> Vec<Result<PathBuf, image_blur::Error>>) -> Result<[Duration; 2]> {
    let (start, cpu) = (Instant::now(), cpu_time());
    let outcomes = work();
    let times = [start.elapsed(), cpu_time().saturating_sub(cpu)];
    if let Some(error) = outcomes.into_iter().find_map(Result::err) {
        bail!(error);
    }
    Ok(times)
}

fn keep_best(best: &mut [Duration; 2], new: [Duration; 2]) {
    *best = [best[0].min(new[0]), best[1].min(new[1])];
}

/// CPU time used so far by every thread of this process (Linux: the sum of the threads'
/// `schedstat`, in nanoseconds; zero elsewhere).
fn cpu_time() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let nanos: u64 = tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

fn run_pillow(
    python: &Path,
    dir: &Path,
    out: &Path,
    workers: usize,
    args: &BenchArgs,
) -> Result<([Duration; 2], String)> {
    let output = Command::new(python)
        .arg(SCRIPT)
        .args([dir, out])
        .args(["--workers", &workers.to_string()])
        .args(["--radius", &args.sigma.to_string()])
        .args(["--compress-level", &args.compress_level.to_string()])
        .output()
        .with_context(|| format!("cannot start {}", python.display()))?;
    if !output.status.success() {
        bail!(
            "the Pillow script failed ({}):\n{}\nInstall Pillow in a venv, e.g. `python3 -m venv \
             $CARGO_TARGET_DIR/bench-venv && $CARGO_TARGET_DIR/bench-venv/bin/pip install pillow`, \
             and pass --python $CARGO_TARGET_DIR/bench-venv/bin/python",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |key: &str| {
        let start = text.find(&format!("\"{key}\": "))? + key.len() + 4;
        let rest = &text[start..];
        Some(
            rest[..rest.find([',', '}'])?]
                .trim()
                .trim_matches('"')
                .to_owned(),
        )
    };
    let seconds: f64 = field("seconds")
        .and_then(|s| s.parse().ok())
        .context("no `seconds` in the Pillow output")?;
    let cpu: f64 = field("cpu_seconds")
        .and_then(|s| s.parse().ok())
        .context("no `cpu_seconds` in the Pillow output")?;
    Ok((
        [
            Duration::from_secs_f64(seconds),
            Duration::from_secs_f64(cpu),
        ],
        field("pillow").unwrap_or_default(),
    ))
}

/// Mean and largest absolute difference per channel.
fn difference(a: &image::RgbImage, b: &image::RgbImage) -> (f64, u8) {
    if a.dimensions() != b.dimensions() {
        return (f64::NAN, u8::MAX);
    }
    let (mut total, mut max) = (0u64, 0u8);
    for (x, y) in a.as_raw().iter().zip(b.as_raw()) {
        let d = x.abs_diff(*y);
        total += u64::from(d);
        max = max.max(d);
    }
    (total as f64 / a.as_raw().len().max(1) as f64, max)
}

fn folder_bytes(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        total += entry?.metadata()?.len();
    }
    Ok(total)
}
