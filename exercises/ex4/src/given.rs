//! Given code shared by the starter and the reference solution (read it, do not change it): the
//! vocabulary of the monitor (metrics, readings, sources, incidents, reports), its errors, and the
//! report's display, which are not what the exercise teaches.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;

use crate::Stats;

/// What a monitor watches. Each of the three monitors of a session reads one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// The CPU usage of the whole machine, in percent.
    Cpu,
    /// The memory in use and the total.
    Memory,
    /// The space in use and the total, per mounted file system.
    Disk,
}

impl Metric {
    /// The three metrics, in the order of reports.
    pub const ALL: [Metric; 3] = [Metric::Cpu, Metric::Memory, Metric::Disk];

    /// Its name in reports and CSV files: `cpu`, `memory`, `disk`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::Memory => "memory",
            Metric::Disk => "disk",
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One value read from a source: `used` out of `total`, for one series (`cpu`, `memory`,
/// `disk /home`...). A CPU reading is a percentage: `used` percent out of a `total` of 100.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The series it belongs to; aggregates are kept per series.
    pub series: String,
    /// How much is in use (percent for the CPU, bytes for memory and disks).
    pub used: f64,
    /// Out of how much.
    pub total: f64,
}

impl Reading {
    /// A reading of `used` out of `total` for `series`.
    pub fn new(series: impl Into<String>, used: f64, total: f64) -> Reading {
        Reading {
            series: series.into(),
            used,
            total,
        }
    }

    /// `used` as a percentage of `total` (0 when the total is 0): the value aggregated in reports.
    pub fn percent(&self) -> f64 {
        if self.total > 0.0 {
            self.used * 100.0 / self.total
        } else {
            0.0
        }
    }
}

/// Why a source could not give a reading (a disk unmounted, a file system gone...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError(pub String);

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

/// Where a monitor gets its readings: the real machine (`sysinfo`) or, in the tests, a script.
///
/// A monitor owns its source and calls [`read`](Source::read) once per tick, from the pool's
/// worker thread that runs it: so a source must be `Send`, but never has to be shared.
pub trait Source: Send {
    /// The readings of this moment: one for the CPU and memory, one per file system for disks.
    fn read(&mut self) -> Result<Vec<Reading>, SourceError>;
}

/// The three sources of a session, one per monitor.
pub struct Sources {
    /// Read by the CPU monitor.
    pub cpu: Box<dyn Source>,
    /// Read by the memory monitor.
    pub memory: Box<dyn Source>,
    /// Read by the disk monitor.
    pub disk: Box<dyn Source>,
}

impl Sources {
    /// The sources as `(metric, source)` pairs, in the order of [`Metric::ALL`].
    pub fn into_pairs(self) -> [(Metric, Box<dyn Source>); 3] {
        [
            (Metric::Cpu, self.cpu),
            (Metric::Memory, self.memory),
            (Metric::Disk, self.disk),
        ]
    }
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sources { cpu, memory, disk }")
    }
}

/// When each monitor samples: one tick channel per monitor (a `crossbeam_channel` receiver of
/// instants). A session in production uses [`SampleTicks::every`]; a test makes its own channels
/// and sends ticks itself, so "N ticks, N samples" is exact, whatever the machine's speed.
#[derive(Debug)]
pub struct SampleTicks {
    /// The CPU monitor's ticks.
    pub cpu: Receiver<Instant>,
    /// The memory monitor's ticks.
    pub memory: Receiver<Instant>,
    /// The disk monitor's ticks.
    pub disk: Receiver<Instant>,
}

impl SampleTicks {
    /// A tick every `interval` for each monitor (`crossbeam_channel::tick`), the first one
    /// `interval` from now. Each monitor has its own: a tick received by one is not seen by the
    /// others.
    pub fn every(interval: Duration) -> SampleTicks {
        SampleTicks {
            cpu: crossbeam_channel::tick(interval),
            memory: crossbeam_channel::tick(interval),
            disk: crossbeam_channel::tick(interval),
        }
    }

    /// The receivers as `(metric, ticks)` pairs, in the order of [`Metric::ALL`].
    pub fn into_pairs(self) -> [(Metric, Receiver<Instant>); 3] {
        [
            (Metric::Cpu, self.cpu),
            (Metric::Memory, self.memory),
            (Metric::Disk, self.disk),
        ]
    }
}

/// Something that went wrong while sampling, kept for the next report.
#[derive(Clone, Debug, PartialEq)]
pub enum Incident {
    /// The monitor's source returned an error; the monitor carried on.
    Failed {
        /// Whose source.
        metric: Metric,
        /// What it said.
        error: SourceError,
    },
    /// The monitor panicked and stopped; the others carried on.
    Panicked {
        /// Which monitor.
        metric: Metric,
        /// The panic's message.
        message: String,
    },
}

impl Incident {
    /// The metric whose monitor it concerns.
    pub fn metric(&self) -> Metric {
        match self {
            Incident::Failed { metric, .. } | Incident::Panicked { metric, .. } => *metric,
        }
    }
}

impl fmt::Display for Incident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Incident::Failed { metric, error } => write!(f, "{metric} source failed: {error}"),
            Incident::Panicked { metric, message } => {
                write!(f, "{metric} monitor panicked and stopped: {message}")
            }
        }
    }
}

/// What happened in one window: every sample taken since the previous report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Successful samples per monitor (a sample is one call of `read` that returned `Ok`).
    pub samples: BTreeMap<Metric, u64>,
    /// The aggregates of each series, by series name.
    pub series: BTreeMap<String, Stats>,
    /// Errors and panics, oldest first: at most [`MAX_INCIDENTS`](crate::MAX_INCIDENTS).
    pub incidents: Vec<Incident>,
    /// Incidents left out of `incidents` because there were more than it keeps.
    pub incidents_dropped: u64,
}

impl Report {
    /// The successful samples of `metric`'s monitor in this window.
    pub fn samples_of(&self, metric: Metric) -> u64 {
        self.samples.get(&metric).copied().unwrap_or(0)
    }

    /// Every successful sample in this window, all monitors together.
    pub fn total_samples(&self) -> u64 {
        self.samples.values().sum()
    }

    /// The incidents of `metric`'s monitor in this window.
    pub fn incidents_of(&self, metric: Metric) -> impl Iterator<Item = &Incident> {
        self.incidents
            .iter()
            .filter(move |incident| incident.metric() == metric)
    }
}

/// A sparkline of `values` (percentages, 0 to 100): one block character per value, `▁` for 0 up
/// to `█` for 100.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|value| {
            let level = (value.clamp(0.0, 100.0) / 100.0 * 7.0).round() as usize;
            BARS[level.min(7)]
        })
        .collect()
}

/// Bytes in a unit a person reads at a glance: `512 B`, `3.2 GiB`.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

impl fmt::Display for Report {
    /// One line per series (min / mean / max / last, the last reading, a sparkline of the
    /// window's recent values), the samples per monitor, then the incidents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let samples: Vec<String> = Metric::ALL
            .iter()
            .map(|&metric| format!("{metric} {}", self.samples_of(metric)))
            .collect();
        writeln!(f, "samples: {}", samples.join(", "))?;
        for (name, stats) in &self.series {
            let last = if name == Metric::Cpu.name() {
                format!("{:.1} %", stats.last.used)
            } else {
                format!(
                    "{} of {}",
                    human_bytes(stats.last.used),
                    human_bytes(stats.last.total)
                )
            };
            writeln!(
                f,
                "  {name:<16} min {:5.1}%  mean {:5.1}%  max {:5.1}%  last {:5.1}% ({last})  {}",
                stats.min,
                stats.mean(),
                stats.max,
                stats.last.percent(),
                sparkline(&stats.recent),
            )?;
        }
        for incident in &self.incidents {
            writeln!(f, "  ! {incident}")?;
        }
        if self.incidents_dropped > 0 {
            writeln!(f, "  ! ... and {} more incidents", self.incidents_dropped)?;
        }
        Ok(())
    }
}

/// A configuration the session refuses to start with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// An interval below [`MIN_INTERVAL`](crate::MIN_INTERVAL): zero would be a busy loop.
    TooShort {
        /// `sample_every` or `report_every`.
        what: &'static str,
        /// The value given.
        interval: Duration,
    },
    /// An interval above [`MAX_INTERVAL`](crate::MAX_INTERVAL): surely a mistake of units.
    TooLong {
        /// `sample_every` or `report_every`.
        what: &'static str,
        /// The value given.
        interval: Duration,
    },
    /// Reports more often than samples: most reports would be empty.
    ReportsBeforeSamples {
        /// The sampling interval.
        sample_every: Duration,
        /// The report interval.
        report_every: Duration,
    },
    /// No room for recent values: the sparklines would be empty.
    NoHistory,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::TooShort { what, interval } => write!(
                f,
                "{what} is {interval:?}, below the minimum of {:?}: a monitor would spin instead of \
                 sleeping",
                crate::MIN_INTERVAL
            ),
            ConfigError::TooLong { what, interval } => write!(
                f,
                "{what} is {interval:?}, above the maximum of {:?}: check the unit",
                crate::MAX_INTERVAL
            ),
            ConfigError::ReportsBeforeSamples {
                sample_every,
                report_every,
            } => write!(
                f,
                "report_every ({report_every:?}) is shorter than sample_every ({sample_every:?}): \
                 most reports would be empty"
            ),
            ConfigError::NoHistory => {
                f.write_str("history is 0: keep at least one recent value per series")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Why a session could not start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartError {
    /// The configuration is refused.
    Config(ConfigError),
    /// The executor refused a monitor.
    Executor(concurrent::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Config(error) => write!(f, "invalid configuration: {error}"),
            StartError::Executor(error) => write!(f, "cannot start a monitor: {error}"),
        }
    }
}

impl std::error::Error for StartError {}

impl From<ConfigError> for StartError {
    fn from(error: ConfigError) -> Self {
        StartError::Config(error)
    }
}

impl From<concurrent::Error> for StartError {
    fn from(error: concurrent::Error) -> Self {
        StartError::Executor(error)
    }
}
