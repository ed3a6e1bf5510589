//! `cargo xtask bench`: every benchmark of the course in one command, each side by side with the
//! tools a user would pick instead, measured in the same run, release builds only. Tools that are
//! missing are named with their Debian package, and the benchmarks that need them are skipped.

mod catalog;
mod measure;
mod run;
mod tools;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use catalog::Benchmark;

/// What `cargo xtask bench` was asked to do.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// One benchmark: an exercise (`ex3`) or a name from `--list` (`image-blur`); all without.
    benchmark: Option<String>,
    /// List the benchmarks, what they compare and which tools are missing; run nothing.
    #[arg(long)]
    list: bool,
    /// Measure the reference solutions instead of your exercises (the course's own numbers).
    #[arg(long)]
    solutions: bool,
    /// The Python of the Python contenders [default: python3, else $CARGO_TARGET_DIR/bench-venv].
    #[arg(long, value_name = "PATH")]
    python: Option<PathBuf>,
    /// Runs of each tool; the best is kept (other work only ever slows a run down).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Workers of the parallel runs, ours and the contenders' [default: the number of cores].
    #[arg(long)]
    workers: Option<usize>,
    /// Small inputs and few rounds: checks that every benchmark runs, measures nothing worth
    /// quoting.
    #[arg(long)]
    quick: bool,
}

/// Whether a benchmark can run here, and with which Python.
enum Readiness {
    Ready { python: Option<PathBuf> },
    Missing(Vec<String>),
}

pub fn run(root: &Path, args: &BenchArgs) -> Result<()> {
    let selected = match catalog::select(args.benchmark.as_deref()) {
        Ok(selected) => selected,
        Err(why) => bail!("{why}"),
    };
    let target_dir = target_dir(root);
    let pythons = tools::python_candidates(args.python.as_deref(), &target_dir);
    if args.list {
        print!("{}", list(root, &selected, &pythons));
        return Ok(());
    }
    if args.solutions && !root.join("solutions").is_dir() {
        bail!("--solutions: this is the student edition, it has no solutions/ to measure");
    }
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
        .max(1);
    let mut summary = Vec::new();
    for benchmark in selected {
        println!(
            "\n=== {}: {} (against {}){}",
            benchmark.name,
            benchmark.what,
            benchmark.contenders,
            if args.quick {
                "; --quick: smaller inputs, numbers not worth quoting"
            } else {
                ""
            }
        );
        let line = match readiness(root, benchmark, &pythons) {
            Readiness::Missing(missing) => {
                for line in &missing {
                    println!("skipped: {line}");
                }
                format!("skipped: {}", missing.join("; "))
            }
            Readiness::Ready { python } => {
                let context = run::Context {
                    root,
                    target_dir: &target_dir,
                    python: python.as_deref(),
                    runs: args.runs,
                    workers,
                    quick: args.quick,
                    solutions: args.solutions,
                };
                match run::run(benchmark.kind, &context) {
                    Ok(outcome) => outcome,
                    Err(error) => {
                        println!("failed: {error:#}");
                        format!("FAILED: {}", first_line(&format!("{error:#}")))
                    }
                }
            }
        };
        summary.push((benchmark.name, line));
    }
    println!("\n=== summary (best of {} runs each)", args.runs);
    for (name, line) in &summary {
        println!("{name:<14} {line}");
    }
    let failed: Vec<&str> = summary
        .iter()
        .filter(|(_, line)| line.starts_with("FAILED"))
        .map(|(name, _)| *name)
        .collect();
    if !failed.is_empty() {
        bail!("these benchmarks failed: {}", failed.join(", "));
    }
    Ok(())
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// Where cargo builds: `$CARGO_TARGET_DIR`, else the workspace's `target/`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

fn readiness(root: &Path, benchmark: &Benchmark, pythons: &[PathBuf]) -> Readiness {
    let mut missing = Vec::new();
    if benchmark.needs_solutions && !root.join("solutions").is_dir() {
        missing.push(format!(
            "its entry point ({}) is in solutions/, which this edition does not have",
            benchmark.entry
        ));
    }
    for tool in benchmark.tools {
        if tool.find().is_none() {
            missing.push(tool.missing_line());
        }
    }
    let mut python = None;
    if benchmark.python || !benchmark.modules.is_empty() {
        if pythons.is_empty() {
            missing.push(tools::PYTHON.missing_line());
        } else {
            match tools::python_with(pythons, benchmark.modules) {
                Ok(found) => python = Some(found),
                Err(modules) if modules.is_empty() => missing.push(format!(
                    "{} does not run: pass a working Python with --python PATH",
                    pythons[0].display()
                )),
                Err(modules) => missing.extend(modules.iter().map(|m| m.missing_line())),
            }
        }
    }
    if missing.is_empty() {
        Readiness::Ready { python }
    } else {
        Readiness::Missing(missing)
    }
}

/// `--list`: each benchmark, what it compares, what it runs, and whether it can run here.
fn list(root: &Path, selected: &[&Benchmark], pythons: &[PathBuf]) -> String {
    let mut out = String::new();
    for benchmark in selected {
        let _ = writeln!(out, "{:<14} {}", benchmark.name, benchmark.what);
        let _ = writeln!(out, "{:<14} against: {}", "", benchmark.contenders);
        let _ = writeln!(out, "{:<14} runs:    {}", "", benchmark.entry);
        match readiness(root, benchmark, pythons) {
            Readiness::Ready {
                python: Some(python),
            } => {
                let _ = writeln!(out, "{:<14} ready (Python: {})", "", python.display());
            }
            Readiness::Ready { python: None } => {
                let _ = writeln!(out, "{:<14} ready", "");
            }
            Readiness::Missing(missing) => {
                for line in missing {
                    let _ = writeln!(out, "{:<14} missing: {line}", "");
                }
            }
        }
    }
    if selected.len() > 1 {
        for (name, why) in catalog::NOT_BENCHMARKED {
            let _ = writeln!(out, "{name:<14} {why}");
        }
    }
    out
}
