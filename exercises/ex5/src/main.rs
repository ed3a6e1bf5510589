// The exercise 5 demo: `cargo run -p ex5 --release` downloads a sample set of files offline, from
// an HTTP server of its own on 127.0.0.1 (some slow, one flaky, one rate-limited, one cut halfway
// once, one missing, one bad URL), with your `Downloader`: a line per download that follows its
// events, a byte bar while its body comes in (your `Progress` calls), then a table (url,
// priority, attempts, size, time, file).
//   -- FILE          download the `PRIORITY URL` lines of FILE instead of the sample
//   --out DIR        save there (it must exist) [default: a new folder in the system's temp folder]
//   --workers N      downloads at once (5)    --retries N   retries of a transient failure (3)
//   --log FILE       also write every event as one JSON object per line to FILE
//   --timeline FILE.svg   draw one bar per download on the worker thread that ran it: queued when
//                    handed to `enqueue`, started when its `download` span opened on a worker,
//                    ended when the span closed, ok or failed (after retries) from its future
// The library only emits `tracing` events; this program decides where they go: a layer of its own
// drives the progress lines, stderr gets the warnings, --log gets everything as JSON. The bytes
// come through `DownloaderConfig::progress`, which the board implements.
// (Plain comments, not `//!`: the solution package includes this very file.)

use concurrent::timeline::cli;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use course_testing::http::{Fault, HttpServer, Route};
use ex5::{DownloadReport, Downloader, DownloaderConfig, Priority, RetryPolicy, parse_url_list};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, filter_fn};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

#[derive(Debug, Parser)]
#[command(about = "Download a list of URLs with your exercise 5 code, the most urgent first")]
struct Args {
    /// A list of `PRIORITY URL` lines [default: the sample files, from the demo's own server].
    file: Option<PathBuf>,
    /// The folder to save into; it must exist [default: a new folder in the temp folder].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Downloads at the same time.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    workers: u16,
    /// Retries of a transient failure (a download makes at most 1 + N attempts).
    #[arg(long, default_value_t = 3)]
    retries: u32,
    /// Also write every event, as JSON lines, to this file.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Draw each download on the worker that ran it, as a timeline, into this SVG file (its
    /// folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The sample: path, priority, route. Sizes and rates make a few seconds of visible progress.
fn sample_routes() -> Vec<(&'static str, Priority, Route)> {
    const MIB: u64 = 1 << 20;
    vec![
        (
            "/data/archive.tar.gz",
            Priority::Low,
            Route::generated(1, 6 * MIB).rate(3 * MIB),
        ),
        (
            "/docs/guide.pdf",
            Priority::High,
            Route::generated(2, 3 * MIB).rate(2 * MIB),
        ),
        (
            "/images/photo-1.jpg",
            Priority::Medium,
            Route::generated(3, 2 * MIB).rate(MIB),
        ),
        (
            "/images/photo-2.jpg",
            Priority::Medium,
            Route::generated(4, 2 * MIB).rate(MIB),
        ),
        (
            "/data/flaky.csv",
            Priority::High,
            Route::flaky(2, 503, "id,value\n1,42\n"),
        ),
        (
            "/api/busy.json",
            Priority::Medium,
            Route::ok("{\"busy\": false}\n").failing_first(1, Fault::RetryAfter(1)),
        ),
        (
            "/data/cut-once.bin",
            Priority::Low,
            Route::generated(5, MIB)
                .rate(MIB)
                .failing_first(1, Fault::DropAfter(MIB / 2)),
        ),
        ("/data/missing.txt", Priority::Low, Route::status(404)),
        (
            "/docs/guide-copy/guide.pdf",
            Priority::Low,
            Route::generated(2, 3 * MIB).rate(4 * MIB),
        ),
    ]
}

fn run(args: Args) -> Result<ExitCode, String> {
    // The offline sample's server lives until the end of `run`.
    let mut server = None;
    let entries: Vec<(Priority, String)> = match &args.file {
        Some(path) => read_list(path)?,
        None => {
            let routes = sample_routes();
            let started = routes
                .iter()
                .fold(HttpServer::builder(), |b, (path, _, route)| {
                    b.route(path, route.clone())
                })
                .start()
                .map_err(|e| format!("cannot start the demo's HTTP server: {e}"))?;
            let mut entries: Vec<_> = routes
                .iter()
                .map(|(path, priority, _)| (*priority, started.url(path)))
                .collect();
            entries.push((Priority::Low, "ftp://127.0.0.1/not-http.txt".to_owned()));
            server = Some(started);
            entries
        }
    };
    let out = match args.out {
        Some(dir) => dir,
        None => tempfile::Builder::new()
            .prefix("ex5-downloads-")
            .tempdir()
            .map(|dir| dir.keep())
            .map_err(|e| format!("cannot make a folder in the temp folder: {e}"))?,
    };

    let progress = Board::new();
    let timeline = args.timeline.as_ref().map(|_| {
        timeline_option::Downloads::new(format!(
            "{} on {}, the most urgent first",
            counted(entries.len(), "download"),
            counted(args.workers, "worker")
        ))
    });
    install_subscribers(&progress, timeline.clone(), args.log.as_deref())?;

    let config = DownloaderConfig {
        workers: usize::from(args.workers),
        policy: RetryPolicy {
            max_retries: args.retries,
            ..RetryPolicy::default()
        },
        progress: Arc::new(progress.clone()),
        ..DownloaderConfig::new(&out)
    };
    let downloader = Downloader::new(config).map_err(|e| e.to_string())?;
    println!(
        "Downloading {} with {} into {}{}\n",
        counted(entries.len(), "URL"),
        counted(args.workers, "worker"),
        out.display(),
        if server.is_some() {
            " (offline sample, from a server on 127.0.0.1)"
        } else {
            ""
        }
    );

    let started = Instant::now();
    let mut rows = Vec::new();
    for (priority, url) in entries {
        progress.add(&url, priority);
        if let Some(timeline) = &timeline {
            timeline.queued(&url); // before `enqueue`: a worker may start it at once
        }
        let finished = Arc::new(Mutex::new(None));
        let future = downloader
            .enqueue(priority, url.clone())
            .map_err(|e| format!("the downloader refused {url}: {e}"))?;
        let (stamp, recorder, of) = (Arc::clone(&finished), timeline.clone(), url.clone());
        future.add_done_callback(move |outcome| {
            *lock(&stamp) = Some(Instant::now());
            if let Some(timeline) = recorder {
                timeline.finished(&of, timeline_option::outcome(outcome));
            }
        });
        rows.push((priority, url, future, finished));
    }
    let mut table = Vec::new();
    for (priority, url, future, finished) in rows {
        let outcome = future.result();
        let took = progress.elapsed(&url, *lock(&finished));
        progress.finish(&url, &outcome);
        table.push((priority, url, outcome, took));
    }
    downloader.shutdown(ex5::Shutdown::Drain);
    progress.clear();
    print_table(&table, &out);
    println!(
        "\n{} in {:.2?}",
        counted(table.len(), "download"),
        started.elapsed()
    );
    let failed = table
        .iter()
        .filter(|(_, _, o, _)| !matches!(o, Ok(r) if r.result.is_ok()))
        .count();
    if failed > 0 {
        println!(
            "{} did not succeed (see the file column)",
            counted(failed, "download")
        );
    }
    drop(server);
    if let (Some(path), Some(timeline)) = (&args.timeline, &timeline)
        && let Err(error) = timeline.write(path)
    {
        eprintln!("error: {error}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The entries of a list file; bad lines are reported and skipped.
fn read_list(path: &Path) -> Result<Vec<(Priority, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut entries = Vec::new();
    for entry in parse_url_list(&text) {
        match entry {
            Ok(entry) => entries.push((entry.priority, entry.url)),
            Err(error) => eprintln!("{}: skipped {error}", path.display()),
        }
    }
    Ok(entries)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn counted(count: impl std::fmt::Display, noun: &str) -> String {
    match count.to_string() {
        one if one == "1" => format!("1 {noun}"),
        count => format!("{count} {noun}s"),
    }
}

/// Each download's progress line, and when its `started` event came.
type Bars = HashMap<String, (ProgressBar, Option<Instant>)>;

/// A line per download: a spinner moved by the library's events while it waits or retries, a
/// byte bar while its body comes in.
#[derive(Clone)]
struct Board {
    multi: MultiProgress,
    bars: Arc<Mutex<Bars>>,
}

/// The line of a download without a body yet: queued, started, waiting to retry.
fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {prefix:<7} {wide_msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

/// The line of a body coming in: a bar when its length is known, a byte count when not.
fn bytes_style(total_known: bool) -> ProgressStyle {
    let template = if total_known {
        "{spinner} {prefix:<7} [{bar:24}] {bytes:>9}/{total_bytes:<9} {bytes_per_sec:>11} {wide_msg}"
    } else {
        "{spinner} {prefix:<7} {bytes:>9} {bytes_per_sec:>11} {wide_msg}"
    };
    ProgressStyle::with_template(template)
        .map(|style| style.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl Board {
    fn new() -> Self {
        let multi = MultiProgress::new();
        if !console_is_terminal() {
            multi.set_draw_target(ProgressDrawTarget::hidden());
        }
        Self {
            multi,
            bars: Arc::default(),
        }
    }

    fn add(&self, url: &str, priority: Priority) {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(spinner_style());
        bar.set_prefix(priority.to_string());
        bar.set_message(format!("{url}: queued"));
        lock(&self.bars).insert(url.to_owned(), (bar, None));
    }

    /// What the library said about `url` (an event inside its `download` span, or with its url).
    fn event(&self, url: &str, message: &str) {
        if let Some((bar, started)) = lock(&self.bars).get_mut(url) {
            if started.is_none() && message.contains("started") {
                *started = Some(Instant::now());
                bar.enable_steady_tick(Duration::from_millis(120));
            }
            bar.set_message(format!("{url}: {message}"));
        }
    }

    /// From the `started` event to the end (or `None` if no `started` event came).
    fn elapsed(&self, url: &str, finished: Option<Instant>) -> Option<Duration> {
        let started = lock(&self.bars).get(url).and_then(|(_, s)| *s)?;
        Some(
            finished
                .unwrap_or_else(Instant::now)
                .saturating_duration_since(started),
        )
    }

    fn finish(&self, url: &str, outcome: &Result<DownloadReport, concurrent::Error>) {
        if let Some((bar, _)) = lock(&self.bars).get(url) {
            let status = match outcome {
                Ok(DownloadReport {
                    result: Ok(stored), ..
                }) => format!("saved, {}", size(stored.size)),
                Ok(DownloadReport {
                    result: Err(failure),
                    ..
                }) => format!("failed: {failure}"),
                Err(error) => format!("{error}"),
            };
            bar.finish_with_message(format!("{url}: {status}"));
        }
    }

    fn clear(&self) {
        let _ = self.multi.clear();
    }
}

fn console_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

/// The bytes, from the library: each `body_started` turns the download's line into a bar (again
/// from 0 on a retry), each `received` moves it.
impl ex5::Progress for Board {
    fn body_started(&self, url: &str, total: Option<u64>) {
        if let Some((bar, _)) = lock(&self.bars).get(url) {
            bar.set_style(bytes_style(total.is_some()));
            bar.set_length(total.unwrap_or(0));
            bar.reset();
        }
    }

    fn received(&self, url: &str, bytes: u64) {
        if let Some((bar, _)) = lock(&self.bars).get(url) {
            bar.inc(bytes);
        }
    }
}

/// The `tracing` layer behind the progress lines: it remembers each `download` span's URL and
/// hands every event, with the URL of its span (or its own `url` field), to the [`Board`]. With
/// `--timeline`, a `download` span opening on a worker starts that download's bar there, and its
/// closing ends it.
struct ProgressLayer {
    board: Board,
    timeline: Option<timeline_option::Downloads>,
}

#[derive(Default)]
struct Fields {
    url: Option<String>,
    message: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "url" => self.url = Some(value.to_owned()),
            "message" => self.message = Some(value.to_owned()),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        match field.name() {
            "url" => self.url = Some(text.trim_matches('"').to_owned()),
            "message" => self.message = Some(text),
            _ => {}
        }
    }
}

/// A span's URL, kept in its extensions.
struct SpanUrl(String);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for ProgressLayer {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let (Some(url), Some(span)) = (fields.url, ctx.span(id)) {
            // A `download` span inside another is the same download: its outer span is the bar.
            let outermost = span.scope().skip(1).all(|outer| outer.name() != "download");
            if let Some(timeline) = &self.timeline
                && span.name() == "download"
                && outermost
            {
                timeline.started(&url, id); // on this thread: the worker's row
            }
            span.extensions_mut().insert(SpanUrl(url));
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let (Some(timeline), Some(span)) = (&self.timeline, ctx.span(&id))
            && let Some(url) = span.extensions().get::<SpanUrl>()
        {
            timeline.ended(&url.0, &id);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let from_span = || {
            ctx.event_scope(event)?
                .find_map(|span| span.extensions().get::<SpanUrl>().map(|u| u.0.clone()))
        };
        if let (Some(url), Some(message)) = (fields.url.or_else(from_span), fields.message) {
            self.board.event(&url, &message);
        }
    }
}

/// Installs the subscribers: the progress layer, warnings and errors on stderr (above the
/// progress lines), and every event as JSON in `log` if given. The guard keeps them installed.
fn install_subscribers(
    progress: &Board,
    timeline: Option<timeline_option::Downloads>,
    log: Option<&Path>,
) -> Result<(), String> {
    let multi = progress.multi.clone();
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(move || SuspendedStderr(multi.clone()))
        .with_target(false)
        .with_ansi(console_is_terminal())
        // Spans pass (so each line names its download), events from warnings up.
        .with_filter(filter_fn(|meta| {
            meta.is_span() || *meta.level() <= tracing::Level::WARN
        }));
    let json = match log {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| format!("cannot create the log {}: {e}", path.display()))?;
            Some(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_writer(Mutex::new(file))
                    .with_filter(LevelFilter::TRACE),
            )
        }
        None => None,
    };
    let subscriber = tracing_subscriber::registry()
        .with(ProgressLayer {
            board: progress.clone(),
            timeline,
        })
        .with(stderr)
        .with(json);
    // Global, not thread-local: the downloads log from the pool's worker threads.
    tracing::subscriber::set_global_default(subscriber)
        .map_err(|e| format!("cannot install the log: {e}"))
}

/// Writes a log line to stderr without tearing the progress lines.
struct SuspendedStderr(MultiProgress);

impl std::io::Write for SuspendedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.suspend(|| std::io::stderr().write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

type Row = (
    Priority,
    String,
    Result<DownloadReport, concurrent::Error>,
    Option<Duration>,
);

fn print_table(rows: &[Row], out: &Path) {
    let width = rows
        .iter()
        .map(|(_, url, ..)| url.len())
        .max()
        .unwrap_or(3)
        .max(3);
    println!(
        "{:<width$}  {:<8} {:>8} {:>10} {:>8}  file (in {})",
        "url",
        "priority",
        "attempts",
        "size",
        "time",
        out.display()
    );
    for (priority, url, outcome, took) in rows {
        let took = took.map_or_else(|| "-".to_owned(), |d| format!("{:.2}s", d.as_secs_f64()));
        let (attempts, size_text, file) = match outcome {
            Ok(report) => {
                let (size_text, file) = match &report.result {
                    Ok(stored) => (
                        size(stored.size),
                        stored
                            .path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                            + if stored.already_present {
                                " (already there)"
                            } else {
                                ""
                            },
                    ),
                    Err(failure) => ("-".to_owned(), format!("failed: {failure}")),
                };
                (report.attempts.len().to_string(), size_text, file)
            }
            Err(error) => ("-".to_owned(), "-".to_owned(), error.to_string()),
        };
        println!(
            "{url:<width$}  {:<8} {attempts:>8} {size_text:>10} {took:>8}  {file}",
            priority.to_string()
        );
    }
}

/// `--timeline`: one bar per download recorded by hand (the `Downloader` owns
/// its pool, so the demo cannot wrap the executor: it follows each download's `download` span and
/// future instead), and the write.
mod timeline_option {
    use std::collections::{HashMap, VecDeque};
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    use concurrent::timeline::{Outcome, Queued, Running, Timeline};
    use tracing::span::Id;

    /// The bar's label: the URL's path (`/docs/guide.pdf`), or the whole URL if it has none.
    pub fn label(url: &str) -> String {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        match rest.find('/') {
            Some(at) if at + 1 < rest.len() => rest[at..].to_owned(),
            _ => url.to_owned(),
        }
    }

    /// How a download ended, from its future: ok, failed (after its retries), or the future's
    /// own error (cancelled, a panic in the downloader...).
    pub fn outcome(result: Result<&ex5::DownloadReport, &concurrent::Error>) -> Outcome {
        match result {
            Ok(report) if report.result.is_ok() => Outcome::Ok,
            Ok(_) => Outcome::Failed,
            Err(error) => Outcome::of::<()>(Err(error)),
        }
    }

    /// A download whose `download` span `span` opened on a worker; `ended` once it closed.
    struct Started {
        span: Id,
        running: Running,
        ended: bool,
    }

    /// The downloads not finished yet, by URL, oldest first.
    #[derive(Default)]
    struct Live {
        queued: HashMap<String, VecDeque<Queued>>,
        started: HashMap<String, Vec<Started>>,
    }

    /// The downloads of one run, each moved along by the events the demo sees. Downloads of
    /// the same URL are told apart by their spans, and matched first come, first served.
    #[derive(Clone)]
    pub struct Downloads {
        timeline: Timeline,
        live: Arc<Mutex<Live>>,
    }

    impl Downloads {
        pub fn new(title: String) -> Self {
            Downloads {
                timeline: Timeline::new(concurrent::timeline::cli::CAP).titled(title),
                live: Arc::default(),
            }
        }

        fn live(&self) -> std::sync::MutexGuard<'_, Live> {
            self.live.lock().unwrap_or_else(|e| e.into_inner())
        }

        /// `url` is handed to `enqueue` now.
        pub fn queued(&self, url: &str) {
            let queued = self.timeline.queued(label(url));
            let mut live = self.live();
            live.queued
                .entry(url.to_owned())
                .or_default()
                .push_back(queued);
        }

        /// A `download` span of `url` opened on this thread: the download started here.
        pub fn started(&self, url: &str, span: &Id) {
            let mut live = self.live();
            let running = match live.queued.get_mut(url).and_then(VecDeque::pop_front) {
                Some(queued) => queued.started(),
                // Not enqueued by this demo (or its URL was rewritten): queued as it starts.
                None => self.timeline.begin(label(url)),
            };
            live.started
                .entry(url.to_owned())
                .or_default()
                .push(Started {
                    span: span.clone(),
                    running,
                    ended: false,
                });
        }

        /// The `download` span `span` of `url` closed: the download's code ended now.
        pub fn ended(&self, url: &str, span: &Id) {
            let mut live = self.live();
            let open = live.started.get_mut(url).and_then(|started| {
                started
                    .iter_mut()
                    .find(|download| !download.ended && download.span == *span)
            });
            if let Some(download) = open {
                download.running.ended();
                download.ended = true;
            }
        }

        /// The future of a download of `url` completed with `outcome`: the download that ended
        /// first, else one still running, else one that never started.
        pub fn finished(&self, url: &str, outcome: Outcome) {
            let mut live = self.live();
            if let Some(started) = live.started.get_mut(url)
                && let Some(at) = started
                    .iter()
                    .position(|download| download.ended)
                    .or((!started.is_empty()).then_some(0))
            {
                started.remove(at).running.finish(outcome);
            } else if let Some(queued) = live.queued.get_mut(url).and_then(VecDeque::pop_front) {
                queued.finish(outcome);
            }
        }

        /// Writes the chart (through a temporary file, renamed into place) and says where.
        pub fn write(&self, path: &Path) -> Result<(), String> {
            self.timeline
                .write_svg(path)
                .map_err(|e| format!("cannot write the timeline {}: {e}", path.display()))?;
            let recorded = self.timeline.snapshot();
            println!(
                "Timeline of {} tasks on {} workers written to {}",
                recorded.tasks.len(),
                recorded.workers.len(),
                path.display()
            );
            Ok(())
        }
    }
}
