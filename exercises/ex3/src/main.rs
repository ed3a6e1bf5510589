// The exercise 3 demo: `cargo run -p ex3 --release -- --limit 10000000 --chunks 100 --workers 2`.
// It runs your `primes_parallel` and `count_primes_parallel` on a pool of one worker, then on a pool
// of every worker: the same chunks, the same code, so the speedup shows parallelism and nothing
// else. Trial division (step 1) runs too, below 2,000,000, as the baseline the sieve beats.
// A step still at `todo!()` is reported as a line to write, and a limit whose tables cannot fit in
// memory is refused before anything is allocated. `--timeline FILE.svg` draws the first run of
// `count_primes_parallel` on every worker: which worker ran which chunk, and when.
// (Plain comments, not `//!`: the solution package includes this very file.)

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use concurrent::timeline::{Timeline, cli};
use concurrent::{CpuPoolExecutor, Error};

/// Trial division above this limit would take minutes: the demo skips it.
const TRIAL_DIVISION_MAX: u64 = 2_000_000;

#[derive(Debug, Parser)]
#[command(
    about = "Count the primes up to a limit with your exercise 3 code: on one worker, then on all"
)]
struct Args {
    /// Find the primes in 0..=LIMIT.
    #[arg(long, default_value_t = 1_000_000)]
    limit: u64,
    /// Split the range into this many chunks (tasks).
    #[arg(long, default_value_t = 100)]
    chunks: usize,
    /// Worker threads of the parallel runs (0: one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
    /// Time each parallel row this many times and keep the best (other programs and one-time
    /// costs such as the first touch of fresh memory only ever slow a run down).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Refuse a run that would need more memory than this many MiB [default: the memory the
    /// system reports available].
    #[arg(long, value_name = "MIB")]
    max_memory_mib: Option<u64>,
    /// Draw the task timeline of `count_primes_parallel`'s first run on every worker into this
    /// SVG file (its folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let workers = match args.workers {
        0 => CpuPoolExecutor::default_threads(),
        n => n,
    };
    let budget = memory::Budget::new(args.max_memory_mib);
    let need = memory::Estimate::new(args.limit, args.chunks, workers);
    if let Err(refusal) = need.check_count(&budget) {
        eprintln!("error: {refusal}");
        return ExitCode::from(2);
    }
    student::capture_panics();
    let plan = Plan {
        workers,
        chunks: need.chunks,
        runs: args.runs,
        timeline: args.timeline.is_some(),
    };

    println!(
        "Primes in 0..={}: {} chunks, on 1 worker{} ({})\n",
        grouped(args.limit),
        grouped(need.chunks as u64),
        match workers {
            1 => String::new(),
            n => format!(" and on {n}"),
        },
        match args.runs {
            1 => "one run".to_owned(),
            runs => format!("best of {runs} runs"),
        },
    );
    println!(
        "{:<34} {:>12} {:>12} {:>9}",
        "", "primes", "time", "speedup"
    );
    let mut summary = Summary::default();

    let trial_division = "trial division, 1 thread";
    if args.limit <= TRIAL_DIVISION_MAX {
        let outcome = student::attempt(|| {
            let start = Instant::now();
            let primes = ex3::primes_by_trial_division(args.limit);
            Ok((primes.len() as u64, start.elapsed()))
        });
        // Timed once: it is compared with a sieve tens of times faster, not to the percent.
        summary.trial_division = summary.row(trial_division, outcome, None);
    } else {
        skipped(trial_division, "it would take minutes above 2,000,000");
    }

    let (limit, chunks) = (args.limit, args.chunks);
    if need.list <= budget.bytes {
        let mut largest = None;
        summary.pair("primes_parallel", &plan, false, |pool| {
            let primes = ex3::primes_parallel(pool, limit, chunks)?;
            largest = primes.last().copied();
            Ok(primes.len() as u64)
        });
        summary.largest = largest;
    } else {
        skipped(
            "primes_parallel",
            &format!(
                "its list of primes needs about {}, over {}",
                memory::human(need.list),
                budget.describe()
            ),
        );
    }
    let sieve = summary.pair("count_primes_parallel", &plan, true, |pool| {
        ex3::count_primes_parallel(pool, limit, chunks)
    });
    if let (Some(path), Some(timeline)) = (&args.timeline, &summary.timeline)
        && let Err(error) = cli::write_svg(timeline, path).map(|said| println!("{said}"))
    {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }

    summary.conclude(args.limit, sieve)
}

/// The pool the student's code gets: a progress bar over a recorded CPU pool.
type Pool = progress::ProgressExecutor<concurrent::timeline::Recorded<CpuPoolExecutor>>;

/// Runs `work` on a fresh pool of `workers` threads, with a progress bar counting the chunks as
/// they finish and its tasks recorded in `timeline`, and times it. The pool is built before the
/// clock starts and joined before the outcome is read, so no task of one run can still be running
/// (or panicking) in the next.
fn measure<T>(
    label: &str,
    workers: usize,
    chunks: u128,
    timeline: &Timeline,
    work: impl FnOnce(&Pool) -> Result<T, Error>,
) -> Result<(T, Duration), String> {
    let recorded = Timeline::record(timeline, CpuPoolExecutor::new(workers))
        .labelled(move |n| format!("{} {}", "chunk", n + 1));
    let pool = progress::ProgressExecutor::new(recorded, label, chunks);
    student::attempt(move || {
        let start = Instant::now();
        let value = work(&pool);
        let elapsed = start.elapsed();
        drop(pool);
        value.map(|value| (value, elapsed))
    })
}

/// How the parallel rows run.
#[derive(Debug)]
struct Plan {
    workers: usize,
    /// The chunks `chunk_ranges` should make (the progress bar's length).
    chunks: u128,
    runs: u32,
    /// `--timeline` is on: [`Summary::pair`] records one run.
    timeline: bool,
}

/// What the runs found, for the lines after the table and the exit code.
#[derive(Debug, Default)]
struct Summary {
    /// Every prime count found, with the row that found it: they must agree.
    counts: Vec<(String, u64)>,
    failures: usize,
    /// Some step still says `todo!()`.
    unwritten: bool,
    trial_division: Option<Duration>,
    largest: Option<u64>,
    /// The run recorded for `--timeline`.
    timeline: Option<Timeline>,
}

impl Summary {
    /// Prints one row; returns its time if it ran.
    fn row(
        &mut self,
        label: &str,
        outcome: Result<(u64, Duration), String>,
        baseline: Option<Duration>,
    ) -> Option<Duration> {
        match outcome {
            Ok((primes, time)) => {
                let speedup = baseline.map_or(String::new(), |baseline| {
                    format!(
                        "{:.2}x",
                        baseline.as_secs_f64() / time.as_secs_f64().max(1e-9)
                    )
                });
                println!(
                    "{label:<34} {primes:>12} {:>12} {speedup:>9}",
                    format!("{time:.3?}")
                );
                self.counts.push((label.to_owned(), primes));
                Some(time)
            }
            Err(problem) => {
                println!("{label:<34} {problem}");
                self.failures += 1;
                self.unwritten |= problem.starts_with(student::UNWRITTEN);
                None
            }
        }
    }

    /// Times `work` on one worker and on `plan.workers`, alternating, `plan.runs` times, and
    /// prints both rows with the best time of each (the one-worker row is the baseline of the
    /// speedup). A row whose run fails is not run again. Returns the one-worker time. With
    /// `record` and `--timeline`, the first run of the last row (every worker) is recorded in
    /// [`Summary::timeline`]; the other runs in a timeline of cap 0, which records nothing.
    fn pair(
        &mut self,
        name: &str,
        plan: &Plan,
        record: bool,
        mut work: impl FnMut(&Pool) -> Result<u64, Error>,
    ) -> Option<Duration> {
        let mut rows = vec![(format!("{name}, 1 worker"), 1)];
        if plan.workers > 1 {
            rows.push((format!("{name}, {} workers", plan.workers), plan.workers));
        }
        let mut best: Vec<Option<Result<(u64, Duration), String>>> = vec![None; rows.len()];
        let last = rows.len() - 1;
        for run in 0..plan.runs {
            for (row, ((label, workers), best)) in rows.iter().zip(&mut best).enumerate() {
                if matches!(best, Some(Err(_))) {
                    continue;
                }
                let timeline = if record && plan.timeline && run == 0 && row == last {
                    // Created now: its clock starts with the run it records.
                    let timeline = Timeline::new(cli::CAP)
                        .titled(format!("{label}, {} chunks", grouped(plan.chunks as u64)));
                    self.timeline = Some(timeline.clone());
                    timeline
                } else {
                    Timeline::new(0)
                };
                let outcome = measure(label, *workers, plan.chunks, &timeline, &mut work);
                *best = Some(match (best.take(), outcome) {
                    (Some(Ok((_, fastest))), Ok((primes, time))) => Ok((primes, time.min(fastest))),
                    (_, outcome) => outcome,
                });
            }
        }
        let baseline = best[0]
            .as_ref()
            .and_then(|outcome| outcome.as_ref().ok())
            .map(|&(_, time)| time);
        for ((label, _), outcome) in rows.iter().zip(best) {
            let outcome = outcome.unwrap_or_else(|| Err("not run".to_owned()));
            self.row(label, outcome, baseline);
        }
        baseline
    }

    /// The lines under the table, and the exit code.
    fn conclude(self, limit: u64, sieve: Option<Duration>) -> ExitCode {
        println!();
        if let Some((first_row, first)) = self.counts.first()
            && let Some((row, count)) = self.counts.iter().find(|(_, count)| count != first)
        {
            println!("The counts differ: {first_row} found {first}, {row} found {count}.");
            return ExitCode::FAILURE;
        }
        if let Some(largest) = self.largest {
            println!(
                "The largest prime up to {} is {} (the last of primes_parallel's list).",
                grouped(limit),
                grouped(largest)
            );
        }
        if let (Some(trial), Some(sieve)) = (self.trial_division, sieve) {
            println!(
                "On one thread the sieve is {:.0}x faster than trial division: the algorithm \
                 matters more than the cores.",
                trial.as_secs_f64() / sieve.as_secs_f64().max(1e-9)
            );
        }
        if self.unwritten {
            println!(
                "Some steps are still todo!(): `cargo test -p ex3 step1` (then step2...) guides \
                 you through them, and `cargo xtask hint ex3` gives hints."
            );
        }
        if self.failures > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

fn skipped(label: &str, why: &str) {
    println!("{label:<34} skipped: {why}");
}

/// `10000000` as `10,000,000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Runs the student's code so that a panic (a `todo!()` above all) becomes one readable line
/// instead of a panic message and a backtrace on every worker thread.
mod student {
    use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
    use std::sync::{Mutex, MutexGuard};

    use concurrent::Error;

    /// How a row that met a `todo!()` begins.
    pub const UNWRITTEN: &str = "to do:";

    /// `None` outside [`attempt`]: panics are reported as usual. `Some(first)` inside: the first
    /// panic, on any thread, is kept in words and nothing is printed.
    static CAPTURED: Mutex<Option<Option<String>>> = Mutex::new(None);

    fn captured() -> MutexGuard<'static, Option<Option<String>>> {
        CAPTURED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Installs the panic hook that [`attempt`] relies on.
    pub fn capture_panics() {
        let report = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let mut captured = captured();
            match captured.as_mut() {
                Some(first) => {
                    first.get_or_insert_with(|| describe(info));
                }
                None => {
                    drop(captured);
                    report(info);
                }
            }
        }));
    }

    /// Runs `f`; a panic in it or in one of its tasks, or an error it returns, becomes a line.
    pub fn attempt<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, String> {
        *captured() = Some(None);
        let outcome = panic::catch_unwind(AssertUnwindSafe(f));
        let first_panic = captured().take().flatten();
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(Error::Panicked(message))) => {
                Err(first_panic.unwrap_or_else(|| format!("a task panicked: {message}")))
            }
            Ok(Err(error)) => Err(format!("returned an error: {error}")),
            Err(_) => Err(first_panic.unwrap_or_else(|| "panicked".to_owned())),
        }
    }

    fn describe(info: &PanicHookInfo<'_>) -> String {
        // `PanicHookInfo::payload_as_str` needs Rust 1.91: the course supports older toolchains.
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic with a non-string payload");
        let place = info.location().map_or(String::new(), |at| {
            format!(" ({}:{})", at.file(), at.line())
        });
        match message.strip_prefix("not yet implemented") {
            Some(todo) => format!(
                "{UNWRITTEN} {}{place}",
                todo.trim_start_matches(": ").trim()
            ),
            None => format!("panicked{place}: {message}"),
        }
    }
}

/// A progress bar that advances as chunks finish, counted by the executor that runs them.
mod progress {
    use concurrent::{Error, Executor, Future};
    use indicatif::{ProgressBar, ProgressStyle};

    /// Wraps an executor: every task it runs moves the bar one step when it returns. The bar
    /// shows only on a terminal (indicatif hides it otherwise) and is cleared when this is dropped.
    #[derive(Debug)]
    pub struct ProgressExecutor<E: Executor> {
        inner: E,
        bar: ProgressBar,
    }

    impl<E: Executor> ProgressExecutor<E> {
        pub fn new(inner: E, label: &str, chunks: u128) -> Self {
            let style = ProgressStyle::with_template("{msg:<34} {bar:30} {pos}/{len} chunks")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar = ProgressBar::new(u64::try_from(chunks).unwrap_or(u64::MAX))
                .with_style(style)
                .with_message(label.to_owned());
            ProgressExecutor { inner, bar }
        }
    }

    impl<E: Executor> Executor for ProgressExecutor<E> {
        fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            let bar = self.bar.clone();
            self.inner.submit(move || {
                let value = task();
                bar.inc(1);
                value
            })
        }

        fn max_workers(&self) -> usize {
            self.inner.max_workers()
        }

        fn shutdown(&self, wait: bool, cancel_futures: bool) {
            self.inner.shutdown(wait, cancel_futures);
        }
    }

    impl<E: Executor> Drop for ProgressExecutor<E> {
        fn drop(&mut self) {
            // Join the workers first, so no late task redraws a cleared bar.
            self.inner.shutdown(true, false);
            self.bar.finish_and_clear();
        }
    }
}

/// The memory a run needs, estimated before anything is allocated, and the memory there is.
mod memory {
    /// Peak bytes of a plain implementation of the exercise (the one the hints describe): one
    /// byte per number in each sieve table, eight per prime kept in a `Vec<u64>`.
    #[derive(Debug)]
    pub struct Estimate {
        /// The chunks `chunk_ranges` makes: the requested number, at most one per number.
        pub chunks: u128,
        /// The base primes: a table up to √limit and the list of primes in it.
        pub base: u128,
        /// The table of the largest chunk.
        pub per_chunk: u128,
        /// Chunks sieved at the same time: one per worker.
        pub running: u128,
        /// `count_primes_parallel`: the base primes, the list of ranges, one table per running
        /// chunk.
        pub count: u128,
        /// `primes_parallel`: that, the chunks' lists waiting to be merged (`map` keeps up to two
        /// per worker), and the final list, counted twice because a growing `Vec` copies itself.
        pub list: u128,
        limit: u64,
        workers: u128,
    }

    impl Estimate {
        pub fn new(limit: u64, chunks: usize, workers: usize) -> Self {
            let numbers = u128::from(limit) + 1;
            let chunks = (chunks.max(1) as u128).min(numbers);
            let workers = workers.max(1) as u128;
            let root = u128::from(limit.isqrt());
            let base = root + 1 + 8 * prime_count_bound(root);
            let per_chunk = numbers.div_ceil(chunks);
            let running = workers.min(chunks);
            // A `RangeInclusive<u64>` takes 24 bytes in the `Vec` of `chunk_ranges`.
            let count = base + 24 * chunks + running * per_chunk;
            let waiting = (2 * running).min(chunks) * 8 * prime_count_bound(per_chunk);
            let list = count + waiting + 2 * 8 * prime_count_bound(u128::from(limit));
            Estimate {
                chunks,
                base,
                per_chunk,
                running,
                count,
                list,
                limit,
                workers,
            }
        }

        /// `Err` with what to change when even counting cannot fit in `budget`.
        pub fn check_count(&self, budget: &Budget) -> Result<(), String> {
            if self.count <= budget.bytes {
                return Ok(());
            }
            let need = format!(
                "counting the primes up to {} in {} on {} needs about {} of memory ({} for the \
                 base primes, {} for the table of each chunk, {} sieved at once), over {}.",
                self.limit,
                plural(self.chunks, "chunk"),
                plural(self.workers, "worker"),
                human(self.count),
                human(self.base),
                human(self.per_chunk),
                plural(self.running, "chunk"),
                budget.describe(),
            );
            // Smaller chunks help as long as the base primes leave room for one table per worker.
            let room_per_chunk = budget.bytes.saturating_sub(self.base) / self.workers;
            let numbers = u128::from(self.limit) + 1;
            let fewest = numbers
                .checked_div(room_per_chunk)
                .map(|_| numbers.div_ceil(room_per_chunk))
                .and_then(|chunks| usize::try_from(chunks).ok())
                .filter(|&chunks| {
                    let smaller = Estimate::new(self.limit, chunks, self.workers as usize);
                    smaller.count <= budget.bytes
                });
            let advice = match fewest {
                Some(chunks) => {
                    format!("Use smaller chunks (--chunks {chunks} or more) or a smaller --limit.")
                }
                None => "Use a smaller --limit.".to_owned(),
            };
            Err(format!("{need}\n{advice}"))
        }
    }

    /// `1 chunk`, `2 chunks`.
    fn plural(n: u128, noun: &str) -> String {
        match n {
            1 => format!("1 {noun}"),
            n => format!("{n} {noun}s"),
        }
    }

    /// An upper bound of the number of primes up to `x` (Dusart 1999: x/ln x · (1 + 1.2762/ln x),
    /// within 1% of the truth from 10^8 on).
    pub fn prime_count_bound(x: u128) -> u128 {
        if x < 2 {
            return 0;
        }
        let x = x as f64;
        let ln = x.ln();
        (x / ln * (1.0 + 1.2762 / ln)).ceil() as u128
    }

    /// The memory a run may use, and where that number comes from.
    #[derive(Debug)]
    pub struct Budget {
        pub bytes: u128,
        source: &'static str,
    }

    /// When the system does not say how much memory is available.
    const ASSUMED_MIB: u64 = 4096;

    impl Budget {
        pub fn new(max_mib: Option<u64>) -> Self {
            match (max_mib, available()) {
                (Some(mib), _) => Budget {
                    bytes: u128::from(mib) << 20,
                    source: "the --max-memory-mib you gave",
                },
                (None, Some(bytes)) => Budget {
                    bytes,
                    source: "the memory available now (MemAvailable in /proc/meminfo)",
                },
                (None, None) => Budget {
                    bytes: u128::from(ASSUMED_MIB) << 20,
                    source: "an assumed budget (this system does not say; set --max-memory-mib)",
                },
            }
        }

        pub fn describe(&self) -> String {
            format!("the {} of {}", human(self.bytes), self.source)
        }
    }

    /// Linux's estimate of the memory that can be allocated without swapping.
    fn available() -> Option<u128> {
        let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
        let line = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemAvailable:"))?;
        let kib: u128 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
        Some(kib * 1024)
    }

    /// Bytes for people: `1.5 GiB`.
    pub fn human(bytes: u128) -> String {
        const UNITS: [&str; 7] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        let mut value = bytes as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        if unit == 0 {
            format!("{bytes} bytes")
        } else {
            format!("{value:.1} {}", UNITS[unit])
        }
    }
}
