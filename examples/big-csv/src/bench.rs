//! `bench`: this example against pandas on the same file, side by side in one run.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use big_csv::{Plan, Summary};
use concurrent::{CpuPoolExecutor, Executor};

/// The pandas script, beside this package's sources.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/pandas_stats.py");

pub fn run(
    path: &Path,
    python: &Path,
    runs: u32,
    chunks: usize,
    pool: CpuPoolExecutor,
) -> Result<()> {
    let workers = pool.max_workers();
    let plan = Plan::new(path, super::chunks_for(chunks, workers))?;
    let sequential_plan = Plan::new(path, 1)?;

    let (sequential, seq, seq_cpu) = best(runs, || sequential_plan.summarize_here(|_| {}))?;
    let (parallel, par, par_cpu) = best(runs, || plan.summarize(&pool, |_| {}))?;
    let (pandas, (pandas_time, pandas_cpu), version) = run_pandas(python, path, runs)?;
    super::agree("parallel", &parallel, "sequential", &sequential)?;
    agree_pandas(&parallel, &pandas)?;

    let rows = parallel.rows();
    println!(
        "{}: {rows} rows, {:.1} MiB; {workers} workers, {} ranges; best of {runs} runs; pandas {version}\n",
        path.display(),
        plan.bytes() as f64 / (1 << 20) as f64,
        plan.ranges.len(),
    );
    println!(
        "{:<36} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "", "time", "rows/s", "vs pandas", "CPU time", "vs pandas"
    );
    for (label, time, cpu) in [
        ("pandas read_csv + groupby", pandas_time, pandas_cpu),
        ("Rust, 1 thread", seq, seq_cpu),
        (
            &*format!("Rust, {workers} workers, own byte ranges"),
            par,
            par_cpu,
        ),
    ] {
        println!(
            "{label:<36} {:>10.1?} {:>10} {:>9.2}x {:>10.1?} {:>9.2}x",
            time,
            super::per_second(rows, time),
            pandas_time.as_secs_f64() / time.as_secs_f64(),
            cpu,
            pandas_cpu.as_secs_f64() / cpu.as_secs_f64(),
        );
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\nCPU time: every thread of the process. On a busy machine the wall clock measures the \
         scheduler too; the CPU time much less so. Load average: {}",
        load.split(' ').take(3).collect::<Vec<_>>().join(" ")
    );
    // pandas parses and groups on one thread: idle, its wall clock is about its CPU time. The
    // ranges are independent: on idle cores, the workers share the CPU time about evenly.
    println!(
        "\nEstimated on {workers} idle cores, from the CPU times (pandas ~ its CPU time, one \
         thread; the example ~ its CPU time / {workers}): {:.1}x pandas",
        pandas_cpu.as_secs_f64() / (par_cpu.as_secs_f64() / workers as f64)
    );
    println!("\nthe statistics agree with pandas' (count exact; sum, mean, std dev within 1e-9)");
    Ok(())
}

/// The last result, the best wall-clock time and the best CPU time of `runs` runs.
fn best<T>(
    runs: u32,
    mut work: impl FnMut() -> Result<T, big_csv::Error>,
) -> Result<(T, Duration, Duration)> {
    let mut best = None;
    let (mut fastest, mut least_cpu) = (Duration::MAX, Duration::MAX);
    for _ in 0..runs {
        let (start, cpu) = (Instant::now(), cpu_time());
        let value = work()?;
        fastest = fastest.min(start.elapsed());
        least_cpu = least_cpu.min(cpu_time().saturating_sub(cpu));
        best = Some(value);
    }
    Ok((best.expect("runs >= 1"), fastest, least_cpu))
}

/// CPU time used so far by every thread of this process (Linux: the sum of the threads'
/// `schedstat`, in nanoseconds; zero elsewhere).
pub fn cpu_time() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let nanos: u64 = tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

/// Category -> (count, sum, mean, std dev), as pandas computed them.
type PandasStats = Vec<(String, [f64; 4])>;

fn run_pandas(
    python: &Path,
    path: &Path,
    runs: u32,
) -> Result<(PandasStats, (Duration, Duration), String)> {
    let output = Command::new(python)
        .arg(SCRIPT)
        .arg(path)
        .args(["--runs", &runs.to_string()])
        .output()
        .with_context(|| format!("cannot start {}", python.display()))?;
    if !output.status.success() {
        bail!(
            "the pandas script failed ({}):\n{}\nInstall pandas in a venv, e.g. \
             `python3 -m venv $CARGO_TARGET_DIR/bench-venv && $CARGO_TARGET_DIR/bench-venv/bin/pip \
             install pandas`, and pass --python $CARGO_TARGET_DIR/bench-venv/bin/python",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("the pandas script printed no JSON")?;
    let seconds = json["seconds"]
        .as_f64()
        .context("no `seconds` in the pandas output")?;
    let cpu = json["cpu_seconds"]
        .as_f64()
        .context("no `cpu_seconds` in the pandas output")?;
    let version = json["pandas"].as_str().unwrap_or("?").to_owned();
    let categories = json["categories"].as_object().context("no `categories`")?;
    let mut stats = Vec::new();
    for (name, row) in categories {
        let row = row.as_array().context("a category's row is not a list")?;
        let field = |i: usize| row.get(i).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
        stats.push((name.clone(), [field(0), field(1), field(2), field(3)]));
    }
    Ok((
        stats,
        (
            Duration::from_secs_f64(seconds),
            Duration::from_secs_f64(cpu),
        ),
        version,
    ))
}

fn agree_pandas(got: &Summary, pandas: &PandasStats) -> Result<()> {
    let same = got.categories.len() == pandas.len()
        && pandas.iter().all(|(name, [count, sum, mean, std])| {
            got.categories.get(name).is_some_and(|s| {
                s.count as f64 == *count
                    && super::close(s.sum, *sum)
                    && super::close(s.mean(), *mean)
                    && super::close(s.std_dev(), *std)
            })
        });
    if !same {
        bail!("the statistics differ from pandas':\n{got:#?}\n{pandas:#?}");
    }
    Ok(())
}
