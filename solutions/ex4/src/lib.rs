//! # Exercise 4, reference solution: a system resource monitor
//!
//! The same public API as the starter (`exercises/ex4/src/lib.rs`), fully implemented. The given
//! types (`given.rs`) are the starter's own file, included here.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use concurrent::{Error, Executor, ThreadPoolExecutor};
use crossbeam_channel::{Receiver, Sender, select};
use sysinfo::{Disks, MINIMUM_CPU_UPDATE_INTERVAL, System};

#[path = "../../../exercises/ex4/src/given.rs"]
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
#[derive(Debug)]
pub struct SysinfoCpu {
    system: System,
    refreshed: Instant,
    measured: bool,
}

impl SysinfoCpu {
    /// Step 1. A CPU source; it takes its first measurement now.
    pub fn new() -> SysinfoCpu {
        let mut system = System::new();
        system.refresh_cpu_usage();
        SysinfoCpu {
            system,
            refreshed: Instant::now(),
            measured: false,
        }
    }
}

impl Default for SysinfoCpu {
    fn default() -> Self {
        SysinfoCpu::new()
    }
}

impl Source for SysinfoCpu {
    /// Usage is the difference between two refreshes: they must be at least
    /// `MINIMUM_CPU_UPDATE_INTERVAL` apart. The first read waits for the rest of that interval;
    /// later reads sooner than that give the previous measurement again.
    fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
        let since = self.refreshed.elapsed();
        if since < MINIMUM_CPU_UPDATE_INTERVAL && !self.measured {
            std::thread::sleep(MINIMUM_CPU_UPDATE_INTERVAL - since);
        }
        if self.refreshed.elapsed() >= MINIMUM_CPU_UPDATE_INTERVAL {
            self.system.refresh_cpu_usage();
            self.refreshed = Instant::now();
            self.measured = true;
        }
        if self.system.cpus().is_empty() {
            return Err(SourceError("no CPU found".into()));
        }
        let usage = f64::from(self.system.global_cpu_usage()).clamp(0.0, 100.0);
        Ok(vec![Reading::new("cpu", usage, 100.0)])
    }
}

/// Step 1. The memory in use and the total, as one reading `memory`, in bytes.
#[derive(Debug)]
pub struct SysinfoMemory {
    system: System,
}

impl SysinfoMemory {
    /// Step 1. A memory source.
    pub fn new() -> SysinfoMemory {
        SysinfoMemory {
            system: System::new(),
        }
    }
}

impl Default for SysinfoMemory {
    fn default() -> Self {
        SysinfoMemory::new()
    }
}

impl Source for SysinfoMemory {
    fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
        self.system.refresh_memory();
        let total = self.system.total_memory();
        if total == 0 {
            return Err(SourceError("the system reports no memory".into()));
        }
        let used = self.system.used_memory().min(total);
        Ok(vec![Reading::new("memory", used as f64, total as f64)])
    }
}

/// Step 1. The space in use and the total of each mounted file system, one reading
/// `disk <mount point>` each, in bytes.
#[derive(Debug)]
pub struct SysinfoDisks {
    disks: Disks,
}

impl SysinfoDisks {
    /// Step 1. A disk source, with the file systems mounted now.
    pub fn new() -> SysinfoDisks {
        SysinfoDisks {
            disks: Disks::new_with_refreshed_list(),
        }
    }
}

impl Default for SysinfoDisks {
    fn default() -> Self {
        SysinfoDisks::new()
    }
}

impl Source for SysinfoDisks {
    fn read(&mut self) -> Result<Vec<Reading>, SourceError> {
        // `true`: forget the file systems unmounted since the last read.
        self.disks.refresh(true);
        // One reading per mount point, even if a file system is listed twice (bind mounts).
        let mut by_mount = BTreeMap::new();
        for disk in self.disks.list() {
            let total = disk.total_space();
            if total == 0 {
                continue;
            }
            let used = total.saturating_sub(disk.available_space());
            by_mount.insert(
                format!("disk {}", disk.mount_point().display()),
                (used, total),
            );
        }
        if by_mount.is_empty() {
            return Err(SourceError("no mounted file system found".into()));
        }
        Ok(by_mount
            .into_iter()
            .map(|(series, (used, total))| Reading::new(series, used as f64, total as f64))
            .collect())
    }
}

/// Step 1. The three real sources.
pub fn sysinfo_sources() -> Sources {
    Sources {
        cpu: Box::new(SysinfoCpu::new()),
        memory: Box::new(SysinfoMemory::new()),
        disk: Box::new(SysinfoDisks::new()),
    }
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
        let percent = first.percent();
        Stats {
            count: 1,
            min: percent,
            max: percent,
            sum: percent,
            last: first.clone(),
            recent: vec![percent],
        }
    }

    /// Step 2. Adds `reading`; `recent` keeps its last `history` percentages only.
    pub fn add(&mut self, reading: &Reading, history: usize) {
        let percent = reading.percent();
        self.count += 1;
        self.min = self.min.min(percent);
        self.max = self.max.max(percent);
        self.sum += percent;
        self.last = reading.clone();
        self.recent.push(percent);
        if self.recent.len() > history {
            let extra = self.recent.len() - history;
            self.recent.drain(..extra);
        }
    }

    /// Step 2. The mean percentage.
    pub fn mean(&self) -> f64 {
        self.sum / self.count as f64
    }
}

/// Step 2. What the monitors write and the reporter reads: the current window, behind one lock.
#[derive(Debug)]
pub struct Store {
    history: usize,
    window: Mutex<Report>,
}

impl Store {
    /// Step 2. An empty store whose series keep their last `history` percentages for sparklines.
    pub fn new(history: usize) -> Store {
        Store {
            history: history.max(1),
            window: Mutex::new(Report::default()),
        }
    }

    /// The window; a panic elsewhere while the lock was held leaves data that is still valid.
    fn window(&self) -> MutexGuard<'_, Report> {
        self.window.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Step 2. Records one sample of `metric`'s monitor: its readings, or its error.
    pub fn record(&self, metric: Metric, outcome: Result<Vec<Reading>, SourceError>) {
        match outcome {
            Ok(readings) => {
                let mut window = self.window();
                *window.samples.entry(metric).or_insert(0) += 1;
                for reading in &readings {
                    match window.series.get_mut(&reading.series) {
                        Some(stats) => stats.add(reading, self.history),
                        None => {
                            window
                                .series
                                .insert(reading.series.clone(), Stats::new(reading));
                        }
                    }
                }
            }
            Err(error) => self.incident(Incident::Failed { metric, error }),
        }
    }

    /// Step 2. Records that `metric`'s monitor panicked with `message`.
    pub fn record_panic(&self, metric: Metric, message: String) {
        self.incident(Incident::Panicked { metric, message });
    }

    fn incident(&self, incident: Incident) {
        let mut window = self.window();
        if window.incidents.len() < MAX_INCIDENTS {
            window.incidents.push(incident);
        } else {
            window.incidents_dropped += 1;
        }
    }

    /// Step 2. The report of the window, which starts again empty: in one step under the lock, so
    /// no sample is lost or counted twice.
    pub fn take_report(&self) -> Report {
        std::mem::take(&mut *self.window())
    }
}

// ---------------------------------------------------------------------------------------------
// Step 3: one monitor
// ---------------------------------------------------------------------------------------------

/// Step 3. Samples `source` into `store` at each tick of `ticks`, until `shutdown` is signalled
/// (a message, or every sender dropped) or the ticks end.
pub fn run_monitor(
    metric: Metric,
    source: &mut dyn Source,
    store: &Store,
    ticks: &Receiver<Instant>,
    shutdown: &Receiver<()>,
) {
    loop {
        select! {
            recv(shutdown) -> _ => return,
            recv(ticks) -> tick => match tick {
                Ok(_) => store.record(metric, source.read()),
                Err(_) => return, // the schedule ended
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Step 4: the session
// ---------------------------------------------------------------------------------------------

/// Step 4. Three monitors running on a pool of three workers for the whole session, and their
/// store.
#[derive(Debug)]
pub struct Session {
    pool: ThreadPoolExecutor,
    store: Arc<Store>,
    /// Dropping it tells every monitor to stop: a disconnected channel is seen by all receivers.
    shutdown: Option<Sender<()>>,
}

impl Session {
    /// Step 4. Starts the three monitors of `sources` on a `ThreadPoolExecutor` of exactly three
    /// workers, each sampling at its own ticks. A monitor that panics is recorded in the store.
    pub fn with_ticks(
        sources: Sources,
        ticks: SampleTicks,
        history: usize,
    ) -> Result<Session, StartError> {
        let pool = ThreadPoolExecutor::builder()
            .max_workers(3)
            .thread_name_prefix("monitor")
            .build();
        let store = Arc::new(Store::new(history));
        let (shutdown, stop_signal) = crossbeam_channel::bounded::<()>(0);
        for ((metric, mut source), (_, ticks)) in
            sources.into_pairs().into_iter().zip(ticks.into_pairs())
        {
            let (task_store, stop_signal) = (Arc::clone(&store), stop_signal.clone());
            let monitor = pool.submit(move || {
                run_monitor(metric, source.as_mut(), &task_store, &ticks, &stop_signal)
            })?;
            // The pool caught the panic; the callback runs on the worker before the future is
            // done, so the incident is in the store before `stop` reads it.
            let panic_store = Arc::clone(&store);
            monitor.add_done_callback(move |outcome| {
                if let Err(error) = outcome {
                    let message = match error {
                        Error::Panicked(message) => message.clone(),
                        other => other.to_string(),
                    };
                    panic_store.record_panic(metric, message);
                }
            });
        }
        Ok(Session {
            pool,
            store,
            shutdown: Some(shutdown),
        })
    }

    /// Step 4. The report of the window since the previous one.
    pub fn report(&self) -> Report {
        self.store.take_report()
    }

    /// Step 4. Stops every monitor, waits for them, and returns the final report: every sample
    /// taken since the last report.
    pub fn stop(mut self) -> Report {
        self.halt();
        self.store.take_report()
    }

    /// Signal first, then join: joining first would wait for monitors nobody told to stop.
    fn halt(&mut self) {
        drop(self.shutdown.take());
        self.pool.shutdown(true, false);
    }

    /// Step 5. Validates `config`, then starts the monitors with a tick every `sample_every`.
    pub fn start(config: &Config, sources: Sources) -> Result<Session, StartError> {
        config.validate()?;
        Session::with_ticks(
            sources,
            SampleTicks::every(config.sample_every),
            config.history,
        )
    }

    /// Step 5. The reporter: hands `on_report` a report at each tick of `reports`, until `stop`
    /// is signalled (a message, or every sender dropped); then stops the session and returns the
    /// final report.
    pub fn run(
        self,
        reports: &Receiver<Instant>,
        stop: &Receiver<()>,
        mut on_report: impl FnMut(Report),
    ) -> Report {
        loop {
            select! {
                recv(stop) -> _ => break,
                recv(reports) -> tick => match tick {
                    Ok(_) => on_report(self.report()),
                    Err(_) => {
                        // No more report ticks: only the stop signal is left to wait for.
                        let _ = stop.recv();
                        break;
                    }
                },
            }
        }
        self.stop()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.halt();
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
    /// Step 5. Refuses intervals outside [`MIN_INTERVAL`]..=[`MAX_INTERVAL`], reports more frequent
    /// than samples, and a history of 0.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (what, interval) in [
            ("sample_every", self.sample_every),
            ("report_every", self.report_every),
        ] {
            if interval < MIN_INTERVAL {
                return Err(ConfigError::TooShort { what, interval });
            }
            if interval > MAX_INTERVAL {
                return Err(ConfigError::TooLong { what, interval });
            }
        }
        if self.report_every < self.sample_every {
            return Err(ConfigError::ReportsBeforeSamples {
                sample_every: self.sample_every,
                report_every: self.report_every,
            });
        }
        if self.history == 0 {
            return Err(ConfigError::NoHistory);
        }
        Ok(())
    }
}
