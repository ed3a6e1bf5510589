// The system monitor, live: `cargo run -p ex4 --release`. Three monitors sample CPU, memory and
// disks on a pool of three workers; a report with sparklines is printed every `--report-every`;
// Ctrl+C (SIGINT) or SIGTERM ends it with a final report. `--csv FILE` writes every reading,
// `--plot FILE.svg` draws the series at exit, `--timeline FILE.svg` which worker took which sample,
// and when. It runs your code: finish the steps first.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::Parser;
use concurrent::timeline::{Timeline, cli};
use ex4::{Config, Metric, Reading, Report, Session, Source, SourceError, Sources};

/// A live system monitor: CPU, memory and disks, sampled in parallel, reported periodically.
#[derive(Debug, Parser)]
#[command(name = "ex4", version)]
struct Args {
    /// How often each monitor samples: `500ms`, `2s`, `1m`...
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    sample_every: Duration,
    /// How often a report is printed.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    report_every: Duration,
    /// Stop by itself after this long (default: run until Ctrl+C or SIGTERM).
    #[arg(long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Recent values per series shown as a sparkline.
    #[arg(long, default_value_t = 30)]
    history: usize,
    /// Append every reading to this CSV file (created anew), one flushed line per reading.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Draw the series as an SVG chart in this file at exit.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Draw every sample as a bar on the row of the pool worker whose monitor took it, into this
    /// SVG file at exit (its folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

/// `500ms`, `2s`, `1.5m`, `1h`; a plain number is seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 500ms, 2s, 1m"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(format!(
                "unknown unit `{unit}` in `{text}`: use ms, s, m or h"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|error| format!("`{text}`: {error}"))
}

/// The points kept per series for `--plot`: at 1 sample/s, the last 5.5 hours.
const PLOT_POINTS: usize = 20_000;

/// Where every reading goes besides the store: the CSV file and the points of the plot.
struct Log {
    start: Instant,
    csv: Option<(PathBuf, csv::Writer<File>)>,
    /// Per series, (seconds since the start, percent): the latest [`PLOT_POINTS`] only.
    points: BTreeMap<String, VecDeque<(f64, f64)>>,
    keep_points: bool,
    rows: u64,
    write_error: Option<String>,
}

impl Log {
    fn record(&mut self, metric: Metric, readings: &[Reading]) {
        let elapsed = self.start.elapsed().as_secs_f64();
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |t| t.as_millis());
        for reading in readings {
            if let Some((path, writer)) = &mut self.csv {
                // One record, flushed at once: a kill -9 loses at most the line being written.
                let written = writer
                    .write_record([
                        unix_ms.to_string(),
                        format!("{elapsed:.3}"),
                        metric.name().to_owned(),
                        reading.series.clone(),
                        reading.used.to_string(),
                        reading.total.to_string(),
                        format!("{:.3}", reading.percent()),
                    ])
                    .and_then(|()| writer.flush().map_err(csv::Error::from));
                match written {
                    Ok(()) => self.rows += 1,
                    Err(error) if self.write_error.is_none() => {
                        self.write_error = Some(format!("{}: {error}", path.display()));
                    }
                    Err(_) => {}
                }
            }
            if self.keep_points {
                let points = self.points.entry(reading.series.clone()).or_default();
                if points.len() == PLOT_POINTS {
                    points.pop_front();
                }
                points.push_back((elapsed, reading.percent()));
            }
        }
    }
}

// ANCHOR: logged
/// A source that passes its readings on to the log before the monitor stores them.
struct Logged {
    metric: Metric,
    inner: Box<dyn Source>,
    log: Arc<Mutex<Log>>,
}

impl Source for Logged {
    fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
        let readings = self.inner.read()?;
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .record(self.metric, &readings);
        Ok(readings)
    }
}
// ANCHOR_END: logged

fn logged(sources: Sources, log: &Arc<Mutex<Log>>) -> Sources {
    let wrap = |metric, inner| -> Box<dyn Source> {
        Box::new(Logged {
            metric,
            inner,
            log: Arc::clone(log),
        })
    };
    Sources {
        cpu: wrap(Metric::Cpu, sources.cpu),
        memory: wrap(Metric::Memory, sources.memory),
        disk: wrap(Metric::Disk, sources.disk),
    }
}

/// What every report of the session added up to, for the closing lines.
#[derive(Default)]
struct Totals {
    reports: u64,
    samples: BTreeMap<Metric, u64>,
    readings: u64,
    incidents: u64,
}

impl Totals {
    fn add(&mut self, report: &Report) {
        self.reports += 1;
        for (metric, count) in &report.samples {
            *self.samples.entry(*metric).or_default() += count;
        }
        self.readings += report.series.values().map(|stats| stats.count).sum::<u64>();
        self.incidents += report.incidents.len() as u64 + report.incidents_dropped;
    }
}

fn print_report(title: &str, start: Instant, report: &Report) {
    println!("── {title} at +{:.1}s ──", start.elapsed().as_secs_f64());
    print!("{report}");
}

fn run(args: &Args) -> Result<()> {
    let config = Config {
        sample_every: args.sample_every,
        report_every: args.report_every,
        history: args.history,
    };
    let start = Instant::now();
    let csv = match &args.csv {
        Some(path) => Some((
            path.clone(),
            csv_writer(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => None,
    };
    let log = Arc::new(Mutex::new(Log {
        start,
        csv,
        points: BTreeMap::new(),
        keep_points: args.plot.is_some(),
        rows: 0,
        write_error: None,
    }));
    let sources = logged(ex4::sysinfo_sources(), &log);
    // Created now, so that its clock starts with the session.
    let timeline = Timeline::new(cli::CAP).titled(format!(
        "Samples of the three monitors, one every {:?}",
        config.sample_every
    ));
    let sources = match args.timeline {
        Some(_) => timeline_option::sampled(sources, &timeline),
        None => sources,
    };
    let session = Session::start(&config, sources)?;

    // ANCHOR: signals
    // Ctrl+C and SIGTERM (the `termination` feature) put a message on the stop channel; the
    // handler runs on ctrlc's own thread, not in the signal handler, so it may do anything.
    let (stop, stop_signal) = crossbeam_channel::bounded::<()>(1);
    let on_signal = stop.clone();
    ctrlc::set_handler(move || {
        let _ = on_signal.try_send(());
    })
    .context("cannot install the Ctrl+C / SIGTERM handler")?;
    // ANCHOR_END: signals
    if let Some(duration) = args.duration {
        std::thread::spawn(move || {
            let _ = crossbeam_channel::after(duration).recv();
            let _ = stop.try_send(());
        });
    }
    println!(
        "Monitoring CPU, memory and disks: a sample every {:?}, a report every {:?}{}. Ctrl+C to stop.",
        config.sample_every,
        config.report_every,
        args.duration
            .map(|d| format!(", for {d:?}"))
            .unwrap_or_default()
    );

    // ANCHOR: reporter
    let mut totals = Totals::default();
    let reports = crossbeam_channel::tick(config.report_every);
    let last = session.run(&reports, &stop_signal, |report| {
        totals.add(&report);
        print_report(&format!("report {}", totals.reports), start, &report);
    });
    totals.add(&last);
    print_report("final report", start, &last);
    // ANCHOR_END: reporter

    let log = log.lock().unwrap_or_else(PoisonError::into_inner);
    let samples: Vec<String> = Metric::ALL
        .iter()
        .map(|metric| format!("{metric} {}", totals.samples.get(metric).unwrap_or(&0)))
        .collect();
    println!(
        "session: {} samples ({}), {} readings, {} incidents, {} reports",
        totals.samples.values().sum::<u64>(),
        samples.join(", "),
        totals.readings,
        totals.incidents,
        totals.reports
    );
    if let Some((path, _)) = &log.csv {
        println!("csv: {} rows written to {}", log.rows, path.display());
    }
    if let Some(error) = &log.write_error {
        anyhow::bail!("writing the CSV failed: {error}");
    }
    if let Some(path) = &args.plot {
        plot(path, &log.points).with_context(|| format!("cannot draw {}", path.display()))?;
        println!("plot: {}", path.display());
    }
    if let Some(path) = &args.timeline {
        cli::write_svg(&timeline, path)
            .map(|said| println!("{said}"))
            .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

fn csv_writer(path: &Path) -> Result<csv::Writer<File>> {
    let mut writer = csv::Writer::from_writer(File::create(path)?);
    writer.write_record([
        "unix_ms",
        "elapsed_s",
        "metric",
        "series",
        "used",
        "total",
        "percent",
    ])?;
    writer.flush()?;
    Ok(writer)
}

/// One line per series, percent over seconds since the start.
fn plot(path: &Path, points: &BTreeMap<String, VecDeque<(f64, f64)>>) -> Result<()> {
    use plotters::prelude::*;

    let end = points
        .values()
        .filter_map(|series| series.back())
        .map(|&(x, _)| x)
        .fold(1.0_f64, f64::max);
    let root = SVGBackend::new(path, (900, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("CPU, memory and disks (% used)", ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..end, 0.0..100.0)?;
    chart
        .configure_mesh()
        .x_desc("seconds since the start")
        .y_desc("% used")
        .draw()?;
    for (index, (series, values)) in points.iter().enumerate() {
        let color = Palette99::pick(index).to_rgba();
        chart
            .draw_series(LineSeries::new(
                values.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(series)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--timeline FILE.svg`: sources that record their reads (the path check and the write are
/// `concurrent::timeline::cli`'s).
mod timeline_option {
    use std::sync::Arc;

    use concurrent::timeline::{Recorded, Timeline};
    use concurrent::{Error, Executor, Future, Promise};
    use ex4::{Metric, Reading, Source, SourceError, Sources};

    /// The sources, each read recorded as a task run at once on the thread that reads it: the
    /// session builds its own pool (the student's API takes no executor), so the demo records
    /// where the work happens, in the monitors, and each pool worker gets a row.
    pub fn sampled(sources: Sources, timeline: &Timeline) -> Sources {
        let recorder = Arc::new(timeline.record(OnCaller));
        let wrap = |metric, inner| -> Box<dyn Source> {
            Box::new(Sampled {
                metric,
                inner: Some(inner),
                recorder: Arc::clone(&recorder),
            })
        };
        Sources {
            cpu: wrap(Metric::Cpu, sources.cpu),
            memory: wrap(Metric::Memory, sources.memory),
            disk: wrap(Metric::Disk, sources.disk),
        }
    }

    /// A source whose reads are tasks of `recorder`, labelled with the metric.
    struct Sampled {
        metric: Metric,
        /// Moved into each read's task and back (a task owns what it uses).
        inner: Option<Box<dyn Source>>,
        recorder: Arc<Recorded<OnCaller>>,
    }

    impl Source for Sampled {
        fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
            let Some(mut source) = self.inner.take() else {
                return Err(SourceError("its source panicked in an earlier read".into()));
            };
            let read = self
                .recorder
                .submit_labeled(self.metric.name(), move || {
                    let readings = source.read();
                    (source, readings)
                })
                .and_then(Future::result);
            match read {
                Ok((source, readings)) => {
                    self.inner = Some(source);
                    readings
                }
                // The source panicked: the monitor sees a panic, as it would without a timeline.
                Err(error) => panic!("{error}"),
            }
        }
    }

    /// An executor that runs each task at once, on the thread that submits it.
    #[derive(Debug)]
    struct OnCaller;

    impl Executor for OnCaller {
        fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            let (promise, future) = Promise::new();
            promise.run(task);
            Ok(future)
        }

        fn max_workers(&self) -> usize {
            1
        }

        fn shutdown(&self, _wait: bool, _cancel_futures: bool) {}
    }
}
