//! Worked example 4: a batch of tasks that succeed, fail, panic or run too long, with a per-task
//! timeout, an overall deadline and the cancellation of what has not started; one line per task.
//! The same batch runs on one worker, then on several: within the same deadline, the sequential
//! run leaves more tasks cancelled.
//!
//! ```sh
//! cargo run -p example-worked --bin errors-and-timeouts
//! cargo run -p example-worked --bin errors-and-timeouts -- --timeline outcomes.svg
//! ```
// xtask-check-args: --scale-ms 10

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use concurrent::ThreadPoolExecutor;
use concurrent::timeline::{Timeline, cli};
use example_worked::outcomes::{self, Job, Limits, Outcome};
use example_worked::timing::timed;
use indicatif::ProgressBar;

/// Run a batch of succeeding, failing, panicking and slow tasks under timeouts.
#[derive(Debug, Parser)]
struct Args {
    /// Workers of the parallel run.
    #[arg(long, default_value_t = 4)]
    workers: usize,
    /// The unit of time of the batch, in milliseconds: the per-task timeout is 4 units, the
    /// overall deadline 12, the work 1 to 3 units per task.
    #[arg(long, default_value_t = 100)]
    scale_ms: u64,
    /// Draw the run on `--workers` as a task timeline into this SVG file (its folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

// ANCHOR: jobs
/// The batch: mostly work of 1 to 3 units, one failure, one panic, one task needing more than its
/// own timeout, and one that never ends on its own.
fn jobs(unit: Duration) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..8).map(|n| Job::Succeed(unit * (1 + n % 3))).collect();
    jobs.insert(2, Job::Fail);
    jobs.insert(4, Job::Panic);
    jobs.insert(5, Job::Slow(unit * 6));
    jobs.insert(7, Job::Hang);
    jobs
}
// ANCHOR_END: jobs

fn main() -> Result<()> {
    let args = Args::parse();
    let unit = Duration::from_millis(args.scale_ms.max(1));
    let limits = Limits {
        per_task: unit * 4,
        overall: unit * 12,
    };
    let jobs = jobs(unit);
    // The panicking task's outcome says what happened: one line on stderr is enough.
    std::panic::set_hook(Box::new(|info| eprintln!("(a task panicked: {info})")));
    let mut recorded = None;
    for (run, workers) in [1, args.workers.max(1)].into_iter().enumerate() {
        let pool = ThreadPoolExecutor::new(workers);
        let bar = ProgressBar::new(jobs.len() as u64);
        let on_outcome = |_: usize, _: &Outcome| bar.inc(1);
        // The second run is drawn; its clock starts now.
        let timeline = (run == 1 && args.timeline.is_some()).then(|| {
            Timeline::new(cli::CAP).titled(format!(
                "{} tasks on {workers} workers, a timeout of {} ms each, a deadline of {} ms",
                jobs.len(),
                limits.per_task.as_millis(),
                limits.overall.as_millis()
            ))
        });
        let (results, took) = timed(|| match &timeline {
            // `run_batch` submits one task per job, in order: the n-th task runs the n-th job.
            Some(timeline) => {
                let names = jobs
                    .iter()
                    .enumerate()
                    .map(|(n, job)| format!("task {n} {job:?}"))
                    .collect::<Vec<_>>();
                let pool = Timeline::record(timeline, &pool)
                    .labelled(move |n| names.get(n).cloned().unwrap_or_else(|| format!("#{n}")));
                outcomes::run_batch(&pool, &jobs, limits, on_outcome)
            }
            None => outcomes::run_batch(&pool, &jobs, limits, on_outcome),
        });
        bar.finish_and_clear();
        recorded = timeline.or(recorded);
        println!(
            "\n{workers} worker(s), per-task timeout {} ms, overall deadline {} ms: {:.2} s",
            limits.per_task.as_millis(),
            limits.overall.as_millis(),
            took.as_secs_f64()
        );
        for (n, (job, outcome)) in jobs.iter().zip(&results).enumerate() {
            println!("  task {n:>2} {:<24} {outcome}", format!("{job:?}"));
        }
        let done = results
            .iter()
            .filter(|o| matches!(o, Outcome::Done(_)))
            .count();
        let cancelled = results.iter().filter(|o| **o == Outcome::Cancelled).count();
        println!("  {done} done, {cancelled} cancelled");
    }
    if let (Some(path), Some(timeline)) = (&args.timeline, &recorded) {
        cli::write_svg(timeline, path)
            .map(|said| println!("{said}"))
            .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}
