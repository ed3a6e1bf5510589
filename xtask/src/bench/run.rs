//! Running each kind of benchmark. Those whose contenders are whole programs (ex1, ex3) are timed
//! here, tool by tool, interleaved; the others have an entry point that measures side by side
//! itself, which is built in release mode and run as it is, its table printed as it comes.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use super::catalog::Kind;
use super::measure::{self, Row, Timing};

/// What every benchmark of a run shares.
pub struct Context<'a> {
    pub root: &'a Path,
    pub target_dir: &'a Path,
    /// A Python with the contender's modules, for the benchmarks that need one.
    pub python: Option<&'a Path>,
    pub runs: u32,
    pub workers: usize,
    pub quick: bool,
    pub solutions: bool,
}

/// Runs one benchmark; returns its line of the summary.
pub fn run(kind: Kind, context: &Context) -> Result<String> {
    match kind {
        Kind::Compressor => compressor(context),
        Kind::Primes => primes(context),
        Kind::Async => {
            let binary = context.build("ex2-solution", Artifact::Bin("compare-async"), &[])?;
            let quick = context.quick_args(&["--domains", "500"]);
            context.delegate(Command::new(binary).args(quick))
        }
        Kind::Downloads => {
            let binary = context.build(
                "course-testing",
                Artifact::Example("http_throughput"),
                &["http"],
            )?;
            let quick = context.quick_args(&[
                "--total-mib",
                "64",
                "--files",
                "8",
                "--parallel",
                "1,2",
                "--repeat",
                "1",
            ]);
            context.delegate(Command::new(binary).args(quick))
        }
        Kind::WordCount => {
            let package = context.package("ex6");
            let binary = context.build(&package, Artifact::Bin(&package), &[])?;
            let script = context.root.join("solutions/ex6/bench/bench.sh");
            let mut command = Command::new("bash");
            command
                .arg(script)
                .env("DEMO", binary)
                .env("RUNS", context.runs.to_string())
                .env("WORKERS", context.workers.to_string());
            if context.quick {
                command.env("FILES", "2").env("SIZE_MB", "2");
            }
            context.delegate(&mut command)
        }
        Kind::Blur => {
            let binary = context.build(
                "example-image-blur",
                Artifact::Bin("example-image-blur"),
                &[],
            )?;
            let mut command = Command::new(binary);
            command.arg("bench").args(context.python_and_runs());
            command.args(context.quick_args(&["--count", "4", "--size", "640x360"]));
            context.delegate(&mut command)
        }
        Kind::Csv => {
            let binary = context.build("example-big-csv", Artifact::Bin("example-big-csv"), &[])?;
            let mut command = Command::new(binary);
            command.arg("bench").args(context.python_and_runs());
            command.args(context.quick_args(&["--rows", "100000"]));
            context.delegate(&mut command)
        }
        Kind::Executors => {
            let mut command = context.cargo();
            println!("building and running the ratios bench of concurrent (release)...");
            command.args([
                "bench",
                "--quiet",
                "-p",
                "concurrent",
                "--bench",
                "ratios",
                "--",
            ]);
            command.args(context.quick_args(&["5"]));
            context.delegate(&mut command)
        }
        Kind::ProcessPool => {
            let mut command = context.cargo();
            println!("building and running the process_pool bench of concurrent (release)...");
            command.args([
                "bench",
                "--quiet",
                "-p",
                "concurrent",
                "--bench",
                "process_pool",
                "--",
            ]);
            command.args(context.quick_args(&["3"]));
            let ours = context.captured(&mut command)?;
            let python = context.python.context("a Python (checked before)")?;
            let mut command = Command::new(python);
            command.arg(context.root.join("core/benches/python/process_pool.py"));
            command.args(context.quick_args(&["2"]));
            let theirs = context.captured(&mut command)?;
            let ratios = per_task_ratios(&ours, &theirs);
            if ratios.is_empty() {
                return Ok("ran: no row of the two tables matched, compare them above".into());
            }
            println!("\nCPython's time per task over ours, executor by executor:");
            for (executor, ratio) in &ratios {
                println!("  {executor:<40} {ratio}");
            }
            let ratios: Vec<String> = ratios
                .iter()
                .map(|(executor, ratio)| format!("{executor} {ratio}"))
                .collect();
            Ok(format!("CPython takes {}", ratios.join(", ")))
        }
    }
}

/// What `cargo build` makes.
enum Artifact<'a> {
    Bin(&'a str),
    Example(&'a str),
}

impl Context<'_> {
    /// The package measured as ours: the exercise, or with `--solutions` its reference solution.
    fn package(&self, exercise: &str) -> String {
        if self.solutions {
            format!("{exercise}-solution")
        } else {
            exercise.to_owned()
        }
    }

    fn cargo(&self) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .current_dir(self.root)
            .env("CARGO_TARGET_DIR", self.target_dir);
        command
    }

    /// Builds `artifact` of `package` in release mode; returns the program.
    fn build(&self, package: &str, artifact: Artifact, features: &[&str]) -> Result<PathBuf> {
        let mut command = self.cargo();
        command.args(["build", "--release", "--quiet", "-p", package]);
        let path = match artifact {
            Artifact::Bin(name) => {
                command.args(["--bin", name]);
                self.target_dir.join("release").join(name)
            }
            Artifact::Example(name) => {
                command.args(["--example", name]);
                self.target_dir.join("release/examples").join(name)
            }
        };
        if !features.is_empty() {
            command.args(["--features", &features.join(",")]);
        }
        println!("building {package} (release)...");
        let status = command
            .status()
            .context("cannot run cargo to build the benchmark")?;
        if !status.success() {
            bail!("the release build of {package} failed ({status})");
        }
        Ok(path)
    }

    fn quick_args(&self, args: &[&str]) -> Vec<String> {
        if self.quick {
            args.iter().map(|arg| (*arg).to_owned()).collect()
        } else {
            Vec::new()
        }
    }

    fn python_and_runs(&self) -> Vec<OsString> {
        let mut args = Vec::new();
        if let Some(python) = self.python {
            args.push("--python".into());
            args.push(python.into());
        }
        args.push("--runs".into());
        args.push(self.runs.to_string().into());
        args
    }

    /// Runs an entry point that measures and prints its own table; its output goes straight to
    /// the terminal.
    fn delegate(&self, command: &mut Command) -> Result<String> {
        let start = Instant::now();
        let status = command
            .status()
            .with_context(|| format!("cannot start {:?}", command.get_program()))?;
        if !status.success() {
            bail!("{:?} failed ({status})", command.get_program());
        }
        Ok(format!(
            "ran in {:.0} s, ratios in its table above",
            start.elapsed().as_secs_f64()
        ))
    }

    /// Runs an entry point that prints its own table; prints its output once it is done, and
    /// returns it.
    fn captured(&self, command: &mut Command) -> Result<String> {
        let (_, output) = measure::run(command)?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        print!("{stdout}");
        Ok(stdout)
    }

    /// A folder for generated inputs, under the target folder, removed when dropped.
    fn work_dir(&self, name: &str) -> Result<WorkDir> {
        let dir = self
            .target_dir
            .join(format!("bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(WorkDir(dir))
    }
}

struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The time of the row of a demo's table that starts with `label` (its `{:?}` time in the column
/// `column`, counted after the label).
fn demo_time(stdout: &str, label: &str, column: usize) -> Option<Duration> {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().nth(column))
        .and_then(measure::parse_debug_duration)
}

/// The rows of two Markdown tables `| executor | tasks | us per task | quartiles |` (the
/// process pool bench and its Python twin print the same) that name the same executor: each with
/// the Python time over ours.
fn per_task_ratios(ours: &str, theirs: &str) -> Vec<(String, String)> {
    let rows = |text: &str| -> Vec<(String, f64)> {
        text.lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
                let micros = cells.get(2)?.trim().parse::<f64>().ok()?;
                Some((cells[0].trim().to_owned(), micros))
            })
            .collect()
    };
    let ours = rows(ours);
    rows(theirs)
        .into_iter()
        .filter_map(|(executor, theirs)| {
            let (_, ours) = ours.iter().find(|(name, _)| *name == executor)?;
            Some((executor, format!("{:.1}x", theirs / ours.max(1e-9))))
        })
        .collect()
}

/// What a failed demo says: a student's exercise may have steps still to do.
fn unfinished(context: &Context, exercise: &str) -> String {
    if context.solutions {
        format!("the {exercise}-solution demo failed")
    } else {
        format!(
            "the {exercise} demo failed: are all its steps done? (`cargo test -p {exercise}`; \
             `--solutions` measures the reference solution)"
        )
    }
}

/// Exercise 1: the demo against gzip and pigz, on files it generates, then on one big file.
fn compressor(context: &Context) -> Result<String> {
    let package = context.package("ex1");
    let demo = context.build(&package, Artifact::Bin(&package), &[])?;
    let work = context.work_dir("ex1")?;
    let (files, size) = if context.quick {
        ("4", "2MB")
    } else {
        ("10", "10MB")
    };
    let workers = context.workers.to_string();
    let mut summary = Vec::new();
    for (case, big) in [("10 files", false), ("one big file", true)] {
        let dir = work.0.join(if big { "big" } else { "many" });
        let mut generate = Command::new(&demo);
        generate.arg("--dir").arg(&dir).args([
            "--files",
            files,
            "--size",
            size,
            "--workers",
            "1",
            "--level",
            "0",
        ]);
        if big {
            generate.arg("--big");
        }
        measure::run(&mut generate).context("generating the files with the demo")?;
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|entry| Some(entry.ok()?.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
            .collect();
        inputs.sort();
        let bytes: u64 = inputs
            .iter()
            .map(|path| path.metadata().map_or(0, |m| m.len()))
            .sum();
        let gz: Vec<PathBuf> = inputs
            .iter()
            .map(|path| PathBuf::from(format!("{}.gz", path.display())))
            .collect();
        let label = if big {
            "parallel blocks"
        } else {
            "parallel files"
        };
        let mut best: [Option<Timing>; 3] = [None; 3];
        for round in 0..context.runs {
            let mut ours = Command::new(&demo);
            ours.args(&inputs)
                .args(["--level", "6", "--workers", &workers]);
            if big {
                ours.args(["--big", "--block-size", "1MiB"]);
            }
            let (_, output) =
                measure::run(&mut ours).with_context(|| unfinished(context, "ex1"))?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            let wall = demo_time(&stdout, label, 0)
                .with_context(|| format!("no `{label}` row in the demo's output:\n{stdout}"))?;
            if round == 0 {
                // Ours must be real gzip, blocks included, before its speed means anything.
                measure::run(Command::new("gzip").arg("-t").args(&gz))
                    .context("gzip -t refuses our output")?;
            }
            let gzip = measure::run(Command::new("gzip").args(["-6", "-k", "-f"]).args(&inputs))?;
            let pigz = measure::run(
                Command::new("pigz")
                    .args(["-6", "-k", "-f", "-p", &workers])
                    .args(&inputs),
            )?;
            let timings = [Timing { wall, cpu: None }, gzip.0, pigz.0];
            for (best, timing) in best.iter_mut().zip(timings) {
                *best = Some(best.map_or(timing, |b| b.best(timing)));
            }
        }
        let rows: Vec<Row> = [
            format!("ours: {package}, {workers} workers"),
            "gzip -6 (sequential)".to_owned(),
            format!("pigz -6 -p {workers}"),
        ]
        .into_iter()
        .zip(best)
        .filter_map(|(tool, timing)| {
            Some(Row {
                tool,
                timing: timing?,
            })
        })
        .collect();
        print!(
            "{}",
            measure::table(
                &format!(
                    "{case}: {:.0} MB, level 6, best of {} runs",
                    bytes as f64 / 1e6,
                    context.runs
                ),
                &rows
            )
        );
        summary.push(format!(
            "{case}: gzip takes {} our time, pigz {}",
            measure::ratio(rows[1].timing.wall, rows[0].timing.wall),
            measure::ratio(rows[2].timing.wall, rows[0].timing.wall)
        ));
    }
    println!(
        "ours: the demo's own time of its parallel run (it runs a sequential one too, so its \
         process's CPU time is not ours to show); gzip and pigz: whole processes."
    );
    Ok(summary.join("; "))
}

/// Exercise 3: the demo's `count_primes_parallel` row against primesieve, same limit and threads.
fn primes(context: &Context) -> Result<String> {
    let package = context.package("ex3");
    let demo = context.build(&package, Artifact::Bin(&package), &[])?;
    let limit = if context.quick {
        "100000000"
    } else {
        "1000000000"
    };
    let workers = context.workers;
    let label = match workers {
        1 => "count_primes_parallel, 1 worker".to_owned(),
        n => format!("count_primes_parallel, {n} workers"),
    };
    let (mut ours, mut theirs): (Option<Timing>, Option<Timing>) = (None, None);
    let mut counts = (String::new(), String::new());
    for _ in 0..context.runs {
        let (_, output) = measure::run(Command::new(&demo).args([
            "--limit",
            limit,
            "--workers",
            &workers.to_string(),
            "--runs",
            "1",
        ]))
        .with_context(|| unfinished(context, "ex3"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let wall = demo_time(&stdout, &label, 1)
            .with_context(|| format!("no `{label}` row in the demo's output:\n{stdout}"))?;
        counts.0 = stdout
            .lines()
            .find_map(|line| line.strip_prefix(&label))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_default()
            .to_owned();
        let timing = Timing { wall, cpu: None };
        ours = Some(ours.map_or(timing, |b| b.best(timing)));
        let (mut timing, output) = measure::run(Command::new("primesieve").args([
            limit,
            "--threads",
            &workers.to_string(),
            "--time",
        ]))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let field = |name: &str| {
            stdout
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .map(|value| value.trim().to_owned())
        };
        counts.1 = field("Primes:").unwrap_or_default();
        // Its own time of the sieve, as ours is: starting a process is not sieving.
        if let Some(seconds) = field("Seconds:").and_then(|s| s.parse::<f64>().ok()) {
            timing.wall = Duration::from_secs_f64(seconds);
        }
        theirs = Some(theirs.map_or(timing, |b| b.best(timing)));
    }
    if counts.0 != counts.1 {
        bail!(
            "the counts differ: ours {}, primesieve {}",
            counts.0,
            counts.1
        );
    }
    let (Some(ours), Some(theirs)) = (ours, theirs) else {
        bail!("no run");
    };
    let rows = [
        Row {
            tool: format!("ours: {package}, {workers} workers"),
            timing: ours,
        },
        Row {
            tool: format!("primesieve --threads {workers}"),
            timing: theirs,
        },
    ];
    print!(
        "{}",
        measure::table(
            &format!(
                "primes up to {limit}: {} of them, best of {} runs",
                counts.0, context.runs
            ),
            &rows
        )
    );
    println!(
        "wall: each program's own time of its count (primesieve's --time); CPU: primesieve's \
         whole process (ours runs other rows too, so its process's CPU time is not shown)."
    );
    Ok(format!(
        "primesieve takes {} our time",
        measure::ratio(theirs.wall, ours.wall)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_process_pool_tables_are_compared_row_by_row() {
        let ours = "| executor | tasks per round | us per task (median) | quartiles |\n\
                    |---|---:|---:|---:|\n\
                    | ThreadPoolExecutor, submit | 100000 | 1.134 | 1.1 - 1.3 |\n\
                    | ProcessPoolExecutor, submit | 10000 | 7.000 | 7.1 - 16.1 |\n";
        let theirs = "CPython 3.11.7, 2 workers\n\
                      | ProcessPoolExecutor, submit | 10000 | 301.000 | 167.9 - 439.1 |\n";
        assert_eq!(
            per_task_ratios(ours, theirs),
            [("ProcessPoolExecutor, submit".to_owned(), "43.0x".to_owned())]
        );
    }
}
