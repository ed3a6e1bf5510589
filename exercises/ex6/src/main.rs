// The exercise 6 demo: `cargo run -p ex6 --release` generates a corpus (10 files of 10 MB) in a
// temporary folder, or takes files and folders as arguments, and counts its words with your
// `word_count` on a pool of one worker, then on a pool of every worker: the same splits, the same
// code, so the speedup shows parallelism and nothing else. It prints the top words, the totals
// and MB/s, with a progress bar per phase; `--csv counts.csv` writes every count (to a temporary
// name, renamed when complete), `--plot top.svg` draws the top words. `--processes` also runs
// both phases on a process pool (the map and reduce tasks below, calling your functions), to
// measure what shipping the partial counts between processes costs against sharing them.
// `--timeline FILE.svg` draws the run on every worker: which worker ran which map and reduce task.
// A step still at `todo!()` is reported as a line to write, not a crash.
// (Plain comments, not `//!`: the solution package includes this very file.)

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use concurrent::process::{self, ProcessPoolExecutor, tasks};
use concurrent::timeline::{Timeline, cli};
use concurrent::{CpuPoolExecutor, Error, Executor, Future};
use ex6::{
    Counts, Options, Report, Split, generate_corpus, map_split, reduce_bucket, split_ranges, top_k,
    word_count,
};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Parser)]
#[command(
    about = "Count the words of a corpus with your exercise 6 MapReduce: on one worker, then on all"
)]
struct Args {
    /// Files and folders to count (a folder: the files directly inside it). Without any, a corpus
    /// is generated in a temporary folder.
    paths: Vec<PathBuf>,
    /// Files of the generated corpus.
    #[arg(long, default_value_t = 10)]
    files: usize,
    /// Size of each generated file, in MB (10^6 bytes).
    #[arg(long, default_value_t = 10)]
    size_mb: u64,
    /// Generate the corpus into this folder and keep it (instead of a temporary folder).
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Seed of the generated corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads of the parallel run (0: one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
    /// Split size in MiB (a map task per split).
    #[arg(long, default_value_t = 8)]
    split_mib: u64,
    /// Reduce buckets (a reduce task per bucket).
    #[arg(long, default_value_t = ex6::DEFAULT_BUCKETS)]
    buckets: usize,
    /// How many of the most frequent words to print.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Skip the one-worker run (no speedup is printed).
    #[arg(long)]
    no_sequential: bool,
    /// Write every word and its count to this CSV file, most frequent first.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Draw the top words as a bar chart into this SVG file.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Also run both phases on a pool of worker processes, and compare with the threads.
    #[arg(long)]
    processes: bool,
    /// Draw the task timeline of the run on every worker (threads) into this SVG file (its
    /// folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

fn main() -> ExitCode {
    // First: in a worker process of `--processes`, this serves tasks and never returns.
    process::init(tasks![map_task, reduce_task]);
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<()> {
    // Kept until the end of `run`: the generated corpus is deleted with it.
    let mut generated = None;
    let files = if args.paths.is_empty() {
        let dir = match &args.out_dir {
            Some(dir) => dir.clone(),
            None => {
                let temp = tempfile::tempdir().context("cannot create a temporary folder")?;
                generated.insert(temp).path().to_owned()
            }
        };
        let size = args.size_mb * 1_000_000;
        let started = Instant::now();
        let files = student("generate_corpus", || {
            generate_corpus(&dir, args.files, size, args.seed)
        })?
        .with_context(|| format!("cannot write the corpus into {}", dir.display()))?;
        println!(
            "corpus: {} files of {} MB generated in {} (seed {}) in {:.2} s",
            args.files,
            args.size_mb,
            dir.display(),
            args.seed,
            started.elapsed().as_secs_f64()
        );
        files
    } else {
        expand(&args.paths)?
    };
    if files.is_empty() {
        bail!("nothing to count: the folders given hold no file");
    }
    let options = Options {
        split_size: args.split_mib.max(1) << 20,
        buckets: args.buckets.max(1),
    };
    let workers = match args.workers {
        0 => CpuPoolExecutor::default_threads(),
        n => n,
    };

    let sequential = if args.no_sequential {
        None
    } else {
        let (report, elapsed, _) = timed(&files, &options, 1, false)?;
        Some((report, elapsed))
    };
    let (report, elapsed, timeline) = timed(&files, &options, workers, args.timeline.is_some())?;
    for failure in &report.failed {
        println!("skipped: {failure}");
    }
    if let Some((one, _)) = &sequential
        && one.counts != report.counts
    {
        bail!(
            "the runs on 1 and on {workers} workers gave different counts: a border or a bucket is wrong"
        );
    }

    let top = student("top_k", || top_k(&report.counts, args.top))?;
    println!("\ntop {} words:", top.len());
    let width = top
        .iter()
        .map(|(word, _)| word.chars().count())
        .max()
        .unwrap_or(0);
    for (rank, (word, count)) in top.iter().enumerate() {
        println!("{:>4}  {word:<width$}  {count:>12}", rank + 1);
    }
    let (words, distinct) = student("Report::words and Report::distinct", || {
        (report.words(), report.distinct())
    })?;
    println!(
        "\n{} files, {} bytes: {words} words, {distinct} distinct",
        report.files, report.bytes
    );
    let mb = report.bytes as f64 / 1e6;
    if let Some((_, one)) = sequential {
        println!(
            "word_count, 1 worker:   {:>8.3} s  {:>8.1} MB/s",
            one.as_secs_f64(),
            mb / one.as_secs_f64()
        );
    }
    println!(
        "word_count, {workers} worker{}: {:>8.3} s  {:>8.1} MB/s{}",
        if workers == 1 { " " } else { "s" },
        elapsed.as_secs_f64(),
        mb / elapsed.as_secs_f64(),
        sequential
            .map(|(_, one)| format!(
                "  speedup {:.2}x",
                one.as_secs_f64() / elapsed.as_secs_f64()
            ))
            .unwrap_or_default()
    );
    if args.processes {
        let (counts, took, shipped) = on_processes(&files, &options, workers)?;
        if counts != report.counts {
            bail!(
                "the process pool and the thread pool gave different counts: a task of the \
                 process pool lost or doubled words"
            );
        }
        println!(
            "processes,  {workers} worker{}: {:>8.3} s  {:>8.1} MB/s  {:.1}x the threads' time, \
             {:.1} MB of partial counts shipped",
            if workers == 1 { " " } else { "s" },
            took.as_secs_f64(),
            mb / took.as_secs_f64(),
            took.as_secs_f64() / elapsed.as_secs_f64(),
            shipped as f64 / 1e6
        );
    }
    if let Some(path) = &args.csv {
        let all = top_k(&report.counts, report.counts.len());
        write_csv(path, &all).with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {} ({} words)", path.display(), all.len());
    }
    if let Some(path) = &args.plot {
        plot(path, &top).with_context(|| format!("cannot draw {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if let (Some(path), Some(timeline)) = (&args.timeline, &timeline) {
        cli::write_svg(timeline, path)
            .map(|said| println!("{said}"))
            .map_err(anyhow::Error::msg)?;
    }
    drop(generated);
    Ok(())
}

/// The files to count: each path as given, a folder replaced by the files directly inside it,
/// sorted by name. A missing path is kept: `word_count` reports it with its name.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot list {}", path.display()))?
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.is_file())
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Runs `word_count` on a pool of `workers`, with a progress bar per phase; returns the report,
/// the time it took and, if `record`, the run's timeline.
fn timed(
    files: &[PathBuf],
    options: &Options,
    workers: usize,
    record: bool,
) -> Result<(Report, Duration, Option<Timeline>)> {
    let maps: usize = files
        .iter()
        .filter_map(|file| std::fs::metadata(file).ok().filter(|meta| meta.is_file()))
        .map(|meta| split_ranges(meta.len(), options.split_size).len())
        .sum();
    let cpu = CpuPoolExecutor::new(workers);
    if !record {
        let pool = Progress::new(cpu, maps, options.buckets, workers);
        let (report, elapsed) = count_words(&pool, files, options)?;
        return Ok((report, elapsed, None));
    }
    // Created now, so that its clock starts with the run.
    let timeline = Timeline::new(cli::CAP).titled(format!(
        "word_count: {maps} map and {} reduce tasks on {workers} workers",
        options.buckets
    ));
    let recorded =
        Timeline::record(&timeline, cpu).labelled(move |n| format!("{} {}", maps, n + 1));
    let pool = Progress::new(recorded, maps, options.buckets, workers);
    let (report, elapsed) = count_words(&pool, files, options)?;
    Ok((report, elapsed, Some(timeline)))
}

/// `word_count` on `pool`, timed.
fn count_words<E: Executor>(
    pool: &Progress<E>,
    files: &[PathBuf],
    options: &Options,
) -> Result<(Report, Duration)> {
    let started = Instant::now();
    let report = student("word_count", || word_count(pool, files, options))?
        .context("the executor refused the work")?;
    let elapsed = started.elapsed();
    pool.finish();
    Ok((report, elapsed))
}

/// The map task of `--processes`: [`map_split`] on a split that travels as a path and a range,
/// its error as text (an `io::Error` cannot cross to another process).
fn map_task(
    (path, start, end, buckets): (PathBuf, u64, u64, usize),
) -> Result<Vec<Counts>, String> {
    map_split(
        &Split {
            path,
            range: start..end,
        },
        buckets,
    )
    .map_err(|error| error.to_string())
}

/// The reduce task of `--processes`: [`reduce_bucket`] on one bucket's partial counts.
fn reduce_task(partials: Vec<Counts>) -> Counts {
    reduce_bucket(partials)
}

/// Runs both phases on a pool of `workers` processes, with `word_count`'s rules (a file that
/// cannot be read, or one of whose splits fails, is left out), the shuffle going through this
/// process. Returns the counts, the time (starting the workers included) and the bytes of partial
/// counts shipped: the map replies, the reduce requests and the reduce replies.
fn on_processes(
    files: &[PathBuf],
    options: &Options,
    workers: usize,
) -> Result<(Counts, Duration, u64)> {
    let started = Instant::now();
    let pool = ProcessPoolExecutor::new(workers);
    let mut maps = Vec::new();
    for file in files {
        let Some(meta) = std::fs::metadata(file).ok().filter(|meta| meta.is_file()) else {
            continue;
        };
        let mut splits = Vec::new();
        for range in split_ranges(meta.len(), options.split_size) {
            let arg = (file.clone(), range.start, range.end, options.buckets);
            splits.push(
                pool.submit(map_task, arg)
                    .context("the process pool refused a map task")?,
            );
        }
        maps.push(splits);
    }
    let mut buckets = vec![Vec::new(); options.buckets];
    let mut shipped = 0;
    for splits in maps {
        // A file counts whole or not at all, as in `word_count`.
        let outputs: Option<Vec<Vec<Counts>>> = splits
            .into_iter()
            .map(|split| split.result().ok().and_then(Result::ok))
            .collect();
        for output in outputs.into_iter().flatten() {
            for (bucket, partial) in buckets.iter_mut().zip(output) {
                // Shipped twice: worker to here, here to the reduce task's worker.
                shipped += 2 * wire_size(&partial);
                bucket.push(partial);
            }
        }
    }
    let reduces = buckets
        .into_iter()
        .map(|partials| pool.submit(reduce_task, partials))
        .collect::<Result<Vec<_>, _>>()
        .context("the process pool refused a reduce task")?;
    let mut counts = Counts::default();
    for reduce in reduces {
        let bucket = reduce
            .result()
            .map_err(|error| anyhow::anyhow!("a reduce task failed: {error}"))?;
        shipped += wire_size(&bucket);
        counts.extend(bucket);
    }
    let took = started.elapsed();
    Ok((counts, took, shipped))
}

/// The bytes `counts` takes on the process pool's wire (postcard: a varint length, then each word
/// as a varint length and its bytes, each count as a varint), computed without encoding.
fn wire_size(counts: &Counts) -> u64 {
    let varint = |n: u64| u64::from((64 - (n | 1).leading_zeros()).div_ceil(7));
    varint(counts.len() as u64)
        + counts
            .iter()
            .map(|(word, &count)| varint(word.len() as u64) + word.len() as u64 + varint(count))
            .sum::<u64>()
}

/// An executor that moves a progress bar per phase as tasks finish: the first `maps` tasks are
/// the map phase (every map task finishes before a reduce task can start), the rest the reduce.
struct Progress<E> {
    inner: E,
    done: Arc<AtomicUsize>,
    maps: usize,
    bars: Arc<[ProgressBar; 2]>,
}

impl<E: Executor> Progress<E> {
    fn new(inner: E, maps: usize, buckets: usize, workers: usize) -> Self {
        let style = ProgressStyle::with_template("{prefix:>22} [{bar:30}] {pos}/{len} tasks")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = |len: usize, phase: &str| {
            let bar = ProgressBar::new(len as u64).with_style(style.clone());
            bar.set_prefix(format!(
                "{phase}, {workers} worker{}",
                if workers == 1 { "" } else { "s" }
            ));
            bar
        };
        Progress {
            inner,
            done: Arc::new(AtomicUsize::new(0)),
            maps,
            bars: Arc::new([bar(maps, "map"), bar(buckets, "reduce")]),
        }
    }

    fn finish(&self) {
        for bar in self.bars.iter() {
            bar.finish_and_clear();
        }
    }
}

impl<E: Executor> Executor for Progress<E> {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (done, bars, maps) = (Arc::clone(&self.done), Arc::clone(&self.bars), self.maps);
        self.inner.submit(move || {
            let value = task();
            let index = done.fetch_add(1, Ordering::SeqCst);
            bars[usize::from(index >= maps)].inc(1);
            value
        })
    }

    fn max_workers(&self) -> usize {
        self.inner.max_workers()
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.inner.shutdown(wait, cancel_futures)
    }
}

/// Runs a function of the exercise; a panic in it (a step still at `todo!()`) becomes an error
/// that names it, instead of a crash.
fn student<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic".to_owned());
        anyhow::anyhow!("{what} panicked: {message}")
    })
}

/// `word,count` lines, written to a temporary file beside `path` and renamed: a failure never
/// leaves half a CSV.
fn write_csv(path: &Path, counts: &[(String, u64)]) -> Result<()> {
    use std::io::Write;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    {
        let mut out = std::io::BufWriter::new(file.as_file_mut());
        writeln!(out, "word,count")?;
        // Words are runs of alphanumeric characters: never a comma, a quote or a newline.
        for (word, count) in counts {
            writeln!(out, "{word},{count}")?;
        }
        out.flush()?;
    }
    file.persist(path)?;
    Ok(())
}

/// The top words as a bar chart, most frequent on the left.
fn plot(path: &Path, top: &[(String, u64)]) -> Result<()> {
    use plotters::prelude::*;

    let highest = top.iter().map(|(_, count)| *count).max().unwrap_or(1);
    let root = SVGBackend::new(path, (900, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("The {} most frequent words", top.len()),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d((0..top.len()).into_segmented(), 0..highest + highest / 10)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(top.len().max(1))
        .x_label_formatter(&|segment| match segment {
            SegmentValue::CenterOf(index) => top
                .get(*index)
                .map(|(word, _)| word.clone())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .y_desc("occurrences")
        .draw()?;
    chart.draw_series(top.iter().enumerate().map(|(index, (_, count))| {
        Rectangle::new(
            [
                (SegmentValue::Exact(index), 0),
                (SegmentValue::Exact(index + 1), *count),
            ],
            BLUE.mix(0.6).filled(),
        )
    }))?;
    root.present()?;
    Ok(())
}
