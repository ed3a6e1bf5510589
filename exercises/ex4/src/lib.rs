//! # Exercise 4: a system resource monitor
//!
//! Work through the steps in order; each has its tests: `cargo test -p ex4 step1`, then `step2`...
//! Stuck? `cargo xtask hint ex4`. The chapter "Exercise 4" of the book explains the ideas.
//!
//! 1. [`SysinfoCpu`], [`SysinfoMemory`], [`SysinfoDisks`], [`sysinfo_sources`]: read the machine.
//! 2. [`Stats`] and [`Store`]: the window of samples since the last report, behind one lock,
//!    bounded however long the run.
//! 3. [`run_monitor`]: sample at each tick until the shutdown signal, without ever sleeping
//!    through it.
//! 4. [`Session::with_ticks`], [`Session::report`], [`Session::stop`]: three monitors on a pool
//!    of three workers for the whole session, and a stop that loses nothing.
//! 5. [`Config::validate`], [`Session::start`], [`Session::run`]: refuse bad intervals, tick
//!    for real, and the reporter loop.
//!
//! Given (read it, do not change it): `src/given.rs`, the vocabulary ([`Metric`], [`Reading`],
//! the [`Source`] trait, [`Report`], [`Incident`]...), the errors and the report's display.
//!
//! Replace each `todo!()` with your code. Keep the signatures: the tests call them. The private
//! fields are a suggestion: change them as you like.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use concurrent::ThreadPoolExecutor;
use crossbeam_channel::{Receiver, Sender};
use sysinfo::{Disks, System};

mod given;

pub use given::{
    ConfigError, Incident, Metric, Reading, Report, SampleTicks, Source, SourceError, Sources,
    StartError, human_bytes, sparkline,
};

/// The shortest interval a session accepts: shorter is a busy loop, not a monitor.
pub const MIN_INTERVAL: Duration = Duration::from_millis(1);
/// The longest interval a session accepts: a day. Longer is surely a mistake of units.
pub const MAX_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
/// The most incidents a report lists; more are only counted.
pub const MAX_INCIDENTS: usize = 100;

// ---------------------------------------------------------------------------------------------
// Step 1: the real sources, over sysinfo
// ---------------------------------------------------------------------------------------------

/// Step 1. The CPU usage of the whole machine, as one reading `cpu`: `used` percent out of 100.
///
/// sysinfo computes CPU usage from the difference between two refreshes, which must be at least
/// `sysinfo::MINIMUM_CPU_UPDATE_INTERVAL` apart: refresh once in `new`, and in `read` wait for
/// the rest of that interval the first time only; later, a read sooner than that may give the
/// previous measurement again (`System::global_cpu_usage` keeps it).
#[derive(Debug)]
#[allow(dead_code)] // read once you write the methods
pub struct SysinfoCpu {
    system: System,
    refreshed: Instant,
    measured: bool,
}

impl SysinfoCpu {
    /// Step 1. A CPU source; it takes its first measurement now.
    pub fn new() -> SysinfoCpu {
        todo!("step 1: a System whose CPU usage is refreshed once now")
    }
}

impl Default for SysinfoCpu {
    fn default() -> Self {
        SysinfoCpu::new()
    }
}

impl Source for SysinfoCpu {
    fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
        todo!("step 1: refresh the CPU usage (at most once per MINIMUM_CPU_UPDATE_INTERVAL)")
    }
}

/// Step 1. The memory in use and the total, as one reading `memory`, in bytes
/// (`System::refresh_memory`, `used_memory`, `total_memory`).
#[derive(Debug)]
#[allow(dead_code)] // read once you write the methods
pub struct SysinfoMemory {
    system: System,
}

impl SysinfoMemory {
    /// Step 1. A memory source.
    pub fn new() -> SysinfoMemory {
        todo!("step 1: a System to read the memory from")
    }
}

impl Default for SysinfoMemory {
    fn default() -> Self {
        SysinfoMemory::new()
    }
}

impl Source for SysinfoMemory {
    fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
        todo!("step 1: refresh the memory and read used and total")
    }
}

/// Step 1. The space in use and the total of each mounted file system, one reading
/// `disk <mount point>` each, in bytes: used is the total minus the available space. A file
/// system listed twice (a bind mount) is one reading; one of total size 0 is skipped. No file
/// system at all is an error, not an empty list.
#[derive(Debug)]
#[allow(dead_code)] // read once you write the methods
pub struct SysinfoDisks {
    disks: Disks,
}

impl SysinfoDisks {
    /// Step 1. A disk source, with the file systems mounted now (`Disks::new_with_refreshed_list`).
    pub fn new() -> SysinfoDisks {
        todo!("step 1: the list of mounted file systems")
    }
}

impl Default for SysinfoDisks {
    fn default() -> Self {
        SysinfoDisks::new()
    }
}

impl Source for SysinfoDisks {
    fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
        todo!("step 1: refresh the disks (`refresh(true)` forgets unmounted ones) and read each")
    }
}

/// Step 1. The three real sources.
pub fn sysinfo_sources() -> Sources {
    todo!("step 1: a SysinfoCpu, a SysinfoMemory and a SysinfoDisks")
}

// ---------------------------------------------------------------------------------------------
// Step 2: the store
// ---------------------------------------------------------------------------------------------

/// Step 2. The aggregates of one series over a window, on the readings' percentages
/// ([`Reading::percent`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// How many readings.
    pub count: u64,
    /// The smallest percentage.
    pub min: f64,
    /// The largest percentage.
    pub max: f64,
    /// The sum of the percentages, for the mean.
    pub sum: f64,
    /// The latest reading.
    pub last: Reading,
    /// The latest percentages, oldest first: at most the store's `history` of them.
    pub recent: Vec<f64>,
}

impl Stats {
    /// Step 2. The aggregates of one reading.
    pub fn new(first: &Reading) -> Stats {
        todo!("step 2: the aggregates of the single reading {first:?}")
    }

    /// Step 2. Adds `reading`; `recent` keeps its last `history` percentages only, dropping the
    /// oldest.
    pub fn add(&mut self, reading: &Reading, history: usize) {
        todo!("step 2: add {reading:?} (keep {history} recent values)")
    }

    /// Step 2. The mean percentage.
    pub fn mean(&self) -> f64 {
        todo!("step 2: the mean of the {} readings", self.count)
    }
}

/// Step 2. What the monitors write and the reporter reads: the current window (a [`Report`]
/// being filled), behind one lock.
///
/// The window holds aggregates, not samples, so its size does not grow with the run: a
/// [`Stats`] per series, a count per monitor, at most [`MAX_INCIDENTS`] incidents (the others
/// counted), and the last `history` values of each series. Taking a report empties it.
#[derive(Debug)]
#[allow(dead_code)] // read once you write the methods
pub struct Store {
    history: usize,
    window: Mutex<Report>,
}

impl Store {
    /// Step 2. An empty store whose series keep their last `history` percentages for sparklines.
    pub fn new(history: usize) -> Store {
        todo!("step 2: an empty window (history = {history})")
    }

    /// Step 2. Records one sample of `metric`'s monitor: its readings (one more sample of
    /// `metric`, each reading added to its series' [`Stats`]), or its error (an
    /// [`Incident::Failed`], not a sample).
    pub fn record(&self, metric: Metric, outcome: Result<Vec<Reading>, SourceError>) {
        todo!("step 2: record the sample of the {metric} monitor: {outcome:?}")
    }

    /// Step 2. Records that `metric`'s monitor panicked with `message` ([`Incident::Panicked`]).
    pub fn record_panic(&self, metric: Metric, message: String) {
        todo!("step 2: record that the {metric} monitor panicked: {message}")
    }

    /// Step 2. The report of the window, which starts again empty. Several threads record while
    /// one takes reports: no sample may be lost or counted twice.
    pub fn take_report(&self) -> Report {
        todo!("step 2: take the window and leave an empty one")
    }
}

// ---------------------------------------------------------------------------------------------
// Step 3: one monitor
// ---------------------------------------------------------------------------------------------

/// Step 3. Samples `source` into `store` at each tick of `ticks`, until `shutdown` is signalled
/// (a message, or every sender dropped) or the ticks end (the tick channel is closed).
///
/// It must notice the shutdown at once, even if the next tick is far away: wait for whichever
/// comes first, never `sleep(interval)`. A failed read is recorded and the monitor goes on.
pub fn run_monitor(
    metric: Metric,
    source: &mut dyn Source,
    store: &Store,
    ticks: &Receiver<Instant>,
    shutdown: &Receiver<()>,
) {
    todo!(
        "step 3: sample the {metric} source into the store at each tick ({} queued, store {store:?}) \
         until the shutdown signal ({} queued); source at {:p}",
        ticks.len(),
        shutdown.len(),
        source
    )
}

// ---------------------------------------------------------------------------------------------
// Step 4: the session
// ---------------------------------------------------------------------------------------------

/// Step 4. Three monitors running on a pool of three workers for the whole session, and their
/// store.
#[derive(Debug)]
#[allow(dead_code)] // read once you write the methods
pub struct Session {
    pool: ThreadPoolExecutor,
    store: Arc<Store>,
    shutdown: Option<Sender<()>>,
}

impl Session {
    /// Step 4. Starts the three monitors of `sources` on a `ThreadPoolExecutor` of exactly three
    /// workers, each sampling at its own ticks, into a [`Store`] of `history`. A monitor that
    /// panics is recorded in the store ([`Store::record_panic`]): the pool catches the panic and
    /// fails the monitor's future with it.
    pub fn with_ticks(
        sources: Sources,
        ticks: SampleTicks,
        history: usize,
    ) -> Result<Session, StartError> {
        todo!(
            "step 4: run the three monitors of {sources:?} on a pool of 3 workers, with the \
             ticks {ticks:?} (history = {history})"
        )
    }

    /// Step 4. The report of the window since the previous one.
    pub fn report(&self) -> Report {
        todo!("step 4: the store's report")
    }

    /// Step 4. Stops every monitor, waits for them, and returns the final report: every sample
    /// taken since the last report. Dropping a session must stop it too: mind the order.
    pub fn stop(self) -> Report {
        todo!("step 4: signal the monitors, wait for them, then the last report")
    }

    /// Step 5. Validates `config`, then starts the monitors with a tick every `sample_every`
    /// ([`SampleTicks::every`]).
    pub fn start(config: &Config, sources: Sources) -> Result<Session, StartError> {
        todo!("step 5: validate {config:?}, then start the monitors of {sources:?}")
    }

    /// Step 5. The reporter: hands `on_report` a report at each tick of `reports`, until `stop`
    /// is signalled (a message, or every sender dropped); then stops the session and returns the
    /// final report.
    pub fn run(
        self,
        reports: &Receiver<Instant>,
        stop: &Receiver<()>,
        on_report: impl FnMut(Report),
    ) -> Report {
        let _ = on_report;
        todo!(
            "step 5: a report at each tick ({} queued) until the stop signal ({} queued)",
            reports.len(),
            stop.len()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Step 5: configuration and the reporter
// ---------------------------------------------------------------------------------------------

/// Step 5. How a session samples and reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// How often each monitor samples (default 5 s).
    pub sample_every: Duration,
    /// How often the reporter reports (default 30 s).
    pub report_every: Duration,
    /// How many recent values per series a report keeps for its sparkline (default 30).
    pub history: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sample_every: Duration::from_secs(5),
            report_every: Duration::from_secs(30),
            history: 30,
        }
    }
}

impl Config {
    /// Step 5. Refuses, in this order: an interval (`sample_every`, then `report_every`) outside
    /// [`MIN_INTERVAL`]..=[`MAX_INTERVAL`], reports more frequent than samples, a history of 0.
    pub fn validate(&self) -> Result<(), ConfigError> {
        todo!("step 5: check {self:?}")
    }
}
