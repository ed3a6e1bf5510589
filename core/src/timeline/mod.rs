//! Task timelines: which worker ran which task, when it was queued, started and finished, and
//! how it ended, drawn as an SVG Gantt chart or exported for Perfetto.
//!
//! A [`Timeline`] is a bounded, thread-safe log. Recording is opt-in and costs nothing when
//! off, because it is not a switch inside the executors:
//!
//! - the thread and CPU pools (and any [`Executor`](crate::Executor)) are recorded through the
//!   [`Recorded`] wrapper, which itself implements `Executor`, so code written against the trait
//!   (every exercise) is recorded without a change. The pools keep their fast path untouched;
//! - the process pool, whose requests are not closures a wrapper could instrument, takes
//!   [`ProcessPoolBuilder::timeline`](crate::process::ProcessPoolBuilder::timeline) (Unix); its
//!   workers are the worker *processes*, so a crashed and replaced worker is a new row.
//!
//! ```
//! use concurrent::timeline::{Outcome, Timeline};
//! use concurrent::{Executor, ThreadPoolExecutor};
//!
//! let timeline = Timeline::new(1_000).titled("four waits on two threads");
//! let pool = timeline.record(ThreadPoolExecutor::new(2));
//! let waits: Vec<_> = (0..4)
//!     .map(|_| pool.submit(|| std::thread::sleep(std::time::Duration::from_millis(5))).unwrap())
//!     .collect();
//! for wait in waits {
//!     wait.result().unwrap();
//! }
//! let snapshot = timeline.snapshot();
//! assert_eq!(snapshot.tasks.len(), 4);
//! assert!(snapshot.tasks.iter().all(|task| task.outcome == Some(Outcome::Ok)));
//! assert!(snapshot.workers.len() <= 2);
//! let svg = timeline.to_svg(); // or timeline.write_svg("waits.svg"), write_chrome_trace(...)
//! assert!(svg.starts_with("<svg"));
//! ```
//!
//! Times are [`Duration`]s since the timeline was created. The queue length at any instant is
//! the number of tasks submitted and not yet started (nor cancelled): [`Snapshot::queue_length`]
//! derives it from the tasks.
//!
//! The drawing is a hand-written SVG string (`svg.rs`), not `plotters`: a Gantt chart is a few
//! hundred rectangles, and a charting crate would make every user of `concurrent` build a font
//! and image stack for it.

mod chrome;
pub mod cli;
mod manual;
mod recorded;
mod svg;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::Error;

pub use manual::{Queued, Running};
pub use recorded::Recorded;

/// How a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Outcome {
    /// It returned a value.
    Ok,
    /// It panicked ([`Error::Panicked`]).
    Panicked,
    /// It was cancelled before it started ([`Error::Cancelled`]), e.g. by
    /// `shutdown(cancel_futures = true)`; or, for work recorded by hand, given up on without being
    /// told how it ended (a [`Running`] dropped unfinished on a thread that is not panicking).
    Cancelled,
    /// It ran past its time limit and its worker process was killed ([`Error::TimedOut`]).
    TimedOut,
    /// Its executor broke, or its worker process died under it ([`Error::Broken`]).
    Broken,
    /// Another error (a process task's argument or result that could not cross, for instance).
    Failed,
}

impl Outcome {
    /// Every outcome, in the legend's order.
    pub const ALL: [Outcome; 6] = [
        Outcome::Ok,
        Outcome::Panicked,
        Outcome::Cancelled,
        Outcome::TimedOut,
        Outcome::Broken,
        Outcome::Failed,
    ];

    /// The outcome a future's result stands for.
    pub fn of<T>(result: Result<&T, &Error>) -> Outcome {
        match result {
            Ok(_) => Outcome::Ok,
            Err(Error::Panicked(_)) => Outcome::Panicked,
            Err(Error::Cancelled) => Outcome::Cancelled,
            Err(Error::TimedOut) => Outcome::TimedOut,
            Err(Error::Broken(_)) => Outcome::Broken,
            Err(_) => Outcome::Failed,
        }
    }

    /// A lowercase name: `ok`, `panicked`, `cancelled`, `timed out`, `broken`, `failed`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Panicked => "panicked",
            Outcome::Cancelled => "cancelled",
            Outcome::TimedOut => "timed out",
            Outcome::Broken => "broken",
            Outcome::Failed => "failed",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One task as recorded. Times count from the timeline's creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Its number in the timeline, in submission order (0, 1, 2...).
    pub id: usize,
    /// Its label: the one given ([`Recorded::submit_labeled`]), else `#id` (thread and CPU
    /// pools) or the function's name (process pool).
    pub label: String,
    /// The row ([`Worker::index`]) of the worker that ran it; `None` if it never started.
    pub worker: Option<usize>,
    /// When it was queued.
    pub submitted: Duration,
    /// When a worker started it; `None` if it never started (cancelled, or its executor broke).
    pub started: Option<Duration>,
    /// When it ended (or was cancelled); `None` while it is queued or running.
    pub finished: Option<Duration>,
    /// How it ended; `None` while it is queued or running.
    pub outcome: Option<Outcome>,
}

impl Task {
    /// How long it waited in the queue (until it started, or until it was cancelled).
    pub fn queued_for(&self) -> Option<Duration> {
        self.started
            .or(self.finished)
            .map(|until| until.saturating_sub(self.submitted))
    }

    /// How long it ran, if it started and finished.
    pub fn ran_for(&self) -> Option<Duration> {
        Some(self.finished?.saturating_sub(self.started?))
    }
}

/// One row of the chart: a worker thread, or one worker process (a replacement is a new row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    /// Its number, in the order workers first started a task: 0, 1, 2...
    pub index: usize,
    /// The thread's name, or `worker 0 (pid 4242)` for a worker process in slot 0.
    pub name: String,
}

/// A copy of everything recorded so far: [`Timeline::snapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The title given with [`Timeline::titled`] (empty by default).
    pub title: String,
    /// The tasks, in submission order.
    pub tasks: Vec<Task>,
    /// The workers that started at least one task, by [`Worker::index`].
    pub workers: Vec<Worker>,
    /// Tasks submitted once the cap was reached, which were run but not recorded.
    pub dropped: u64,
    /// When the snapshot was taken.
    pub taken: Duration,
}

impl Snapshot {
    /// The queue length over time: `(instant, tasks queued from then on)`, one point per change,
    /// starting at `(0, 0)`. A task is queued from its submission until it starts, or until it
    /// is cancelled or failed without starting.
    pub fn queue_length(&self) -> Vec<(Duration, usize)> {
        let mut changes: Vec<(Duration, i64)> = Vec::with_capacity(self.tasks.len() * 2);
        for task in &self.tasks {
            changes.push((task.submitted, 1));
            if let Some(left) = task.started.or(task.finished) {
                changes.push((left, -1));
            }
        }
        // At one instant, departures first: the length never shows a task both queued and gone.
        changes.sort_by_key(|&(at, change)| (at, change));
        let mut points = vec![(Duration::ZERO, 0)];
        let mut length: i64 = 0;
        for (at, change) in changes {
            length += change;
            let length = usize::try_from(length).unwrap_or(0);
            match points.last_mut() {
                Some(last) if last.0 == at => last.1 = length,
                _ => points.push((at, length)),
            }
        }
        points
    }

    /// The tasks with each outcome (unfinished tasks are not counted).
    pub fn count(&self, outcome: Outcome) -> usize {
        self.tasks
            .iter()
            .filter(|task| task.outcome == Some(outcome))
            .count()
    }

    /// The last instant anything happened, or the snapshot's instant while a task is unfinished
    /// (at least 1 ms, so a chart has a width).
    pub fn span(&self) -> Duration {
        let unfinished = self.tasks.iter().any(|task| task.finished.is_none());
        self.tasks
            .iter()
            .flat_map(|task| [Some(task.submitted), task.started, task.finished])
            .flatten()
            .chain(unfinished.then_some(self.taken))
            .max()
            .unwrap_or_default()
            .max(Duration::from_millis(1))
    }

    /// The Gantt chart as an SVG document: one row per worker, one bar per task coloured by
    /// outcome, the queue length under it, a time axis, a legend, the title and the totals.
    pub fn to_svg(&self) -> String {
        svg::render(self)
    }

    /// The Chrome trace event JSON (open it in <https://ui.perfetto.dev> or `chrome://tracing`).
    pub fn to_chrome_trace(&self) -> String {
        chrome::render(self)
    }
}

/// The default cap of [`Timeline::default`]: tasks recorded before the rest are only counted.
pub const DEFAULT_CAP: usize = 10_000;

/// A bounded record of tasks: create one, record executors with it, then draw it.
///
/// Cloning gives another handle to the same record. It is safe to share between threads; every
/// event takes one short lock. At most `cap` tasks are recorded: the tasks submitted after that
/// still run, and are counted in [`Snapshot::dropped`].
#[derive(Clone)]
pub struct Timeline {
    inner: Arc<Inner>,
}

struct Inner {
    origin: Instant,
    cap: usize,
    dropped: AtomicU64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    title: String,
    tasks: Vec<Entry>,
    workers: Vec<Worker>,
    rows: HashMap<WorkerKey, usize>,
}

/// A task as stored: instants, turned into durations by `snapshot`.
struct Entry {
    label: Option<String>,
    worker: Option<usize>,
    submitted: Instant,
    started: Option<Instant>,
    finished: Option<Instant>,
    outcome: Option<Outcome>,
    /// The executor refused it: it was never submitted, and is left out of snapshots.
    refused: bool,
}

/// What identifies a worker, to give it one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum WorkerKey {
    Thread(std::thread::ThreadId),
    #[cfg_attr(not(unix), allow(dead_code))]
    Process {
        pool: usize,
        pid: u32,
    },
}

impl Default for Timeline {
    /// A timeline of at most [`DEFAULT_CAP`] tasks.
    fn default() -> Self {
        Timeline::new(DEFAULT_CAP)
    }
}

impl fmt::Debug for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Timeline")
            .field("title", &state.title)
            .field("cap", &self.inner.cap)
            .field("tasks", &state.tasks.len())
            .field("workers", &state.workers.len())
            .field("dropped", &self.dropped())
            .finish()
    }
}

impl Timeline {
    /// A timeline that records at most `cap` tasks; its clock starts now.
    ///
    /// ```
    /// let timeline = concurrent::timeline::Timeline::new(100);
    /// assert!(timeline.snapshot().tasks.is_empty());
    /// ```
    pub fn new(cap: usize) -> Timeline {
        Timeline {
            inner: Arc::new(Inner {
                origin: Instant::now(),
                cap,
                dropped: AtomicU64::new(0),
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// Gives the chart a title (builder style; [`set_title`](Self::set_title) changes it later).
    ///
    /// ```
    /// let timeline = concurrent::timeline::Timeline::new(100).titled("downloads");
    /// assert_eq!(timeline.snapshot().title, "downloads");
    /// ```
    pub fn titled(self, title: impl Into<String>) -> Timeline {
        self.set_title(title);
        self
    }

    /// Changes the chart's title.
    pub fn set_title(&self, title: impl Into<String>) {
        self.lock().title = title.into();
    }

    /// Wraps `executor` so that every task submitted through the wrapper is recorded here.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let timeline = concurrent::timeline::Timeline::new(100);
    /// let pool = timeline.record(ThreadPoolExecutor::new(2));
    /// pool.submit(|| 1).unwrap().result().unwrap();
    /// assert_eq!(timeline.snapshot().tasks.len(), 1);
    /// ```
    pub fn record<E>(&self, executor: E) -> Recorded<E> {
        Recorded::new(executor, self)
    }

    /// The most tasks this timeline records.
    pub fn cap(&self) -> usize {
        self.inner.cap
    }

    /// Tasks not recorded because the cap was reached (they ran all the same).
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let timeline = concurrent::timeline::Timeline::new(1);
    /// let pool = timeline.record(ThreadPoolExecutor::new(1));
    /// let sum: i32 = pool.map(|n: i32| n, 1..=3).map(Result::unwrap).sum();
    /// assert_eq!((sum, timeline.snapshot().tasks.len(), timeline.dropped()), (6, 1, 2));
    /// ```
    pub fn dropped(&self) -> u64 {
        self.inner.dropped.load(Ordering::Relaxed)
    }

    /// A copy of what is recorded so far.
    pub fn snapshot(&self) -> Snapshot {
        let state = self.lock();
        // Taken under the lock: no event recorded so far is later than the snapshot.
        let taken = Instant::now();
        let since = |at: Instant| at.saturating_duration_since(self.inner.origin);
        let tasks = state
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, entry)| !entry.refused)
            .map(|(id, entry)| Task {
                id,
                label: entry.label.clone().unwrap_or_else(|| format!("#{id}")),
                worker: entry.worker,
                submitted: since(entry.submitted),
                started: entry.started.map(since),
                finished: entry.finished.map(since),
                outcome: entry.outcome,
            })
            .collect();
        Snapshot {
            title: state.title.clone(),
            tasks,
            workers: state.workers.clone(),
            dropped: self.dropped(),
            taken: since(taken),
        }
    }

    /// [`Snapshot::to_svg`] of a snapshot taken now.
    pub fn to_svg(&self) -> String {
        self.snapshot().to_svg()
    }

    /// [`Snapshot::to_chrome_trace`] of a snapshot taken now.
    pub fn to_chrome_trace(&self) -> String {
        self.snapshot().to_chrome_trace()
    }

    /// Writes [`to_svg`](Self::to_svg) to `path` (through a temporary file, renamed into place).
    pub fn write_svg(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        write_atomically(path.as_ref(), &self.to_svg())
    }

    /// Writes [`to_chrome_trace`](Self::to_chrome_trace) to `path` (through a temporary file).
    pub fn write_chrome_trace(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        write_atomically(path.as_ref(), &self.to_chrome_trace())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a submission, unless the cap is reached: the handle then records the rest of
    /// the task's life. Call it before the task can start.
    pub(crate) fn submitted(&self, label: Option<String>) -> Option<TaskHandle> {
        let submitted = Instant::now();
        let mut state = self.lock();
        if state.tasks.len() >= self.inner.cap {
            drop(state);
            self.inner.dropped.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let id = state.tasks.len();
        state.tasks.push(Entry {
            label,
            worker: None,
            submitted,
            started: None,
            finished: None,
            outcome: None,
            refused: false,
        });
        Some(TaskHandle {
            timeline: self.clone(),
            id,
        })
    }
}

/// The recording side of one task (crate-internal: the executors' hooks hold it).
#[derive(Clone)]
pub(crate) struct TaskHandle {
    timeline: Timeline,
    id: usize,
}

impl TaskHandle {
    fn update(&self, change: impl FnOnce(&mut Entry)) {
        if let Some(entry) = self.timeline.lock().tasks.get_mut(self.id) {
            change(entry);
        }
    }

    /// The task starts now on the worker `key` (`name` names a worker seen for the first time).
    /// A task started again (a process request retried on a new worker) keeps the last start.
    pub(crate) fn started(&self, key: WorkerKey, name: impl FnOnce() -> String) {
        let now = Instant::now();
        let mut state = self.timeline.lock();
        let next = state.workers.len();
        let row = *state.rows.entry(key).or_insert(next);
        if row == next {
            state.workers.push(Worker {
                index: row,
                name: name(),
            });
        }
        if let Some(entry) = state.tasks.get_mut(self.id) {
            entry.started = Some(now);
            entry.worker = Some(row);
        }
    }

    /// The task's code returned or unwound now (its future is completed just after).
    pub(crate) fn ran(&self) {
        let now = Instant::now();
        self.update(|entry| entry.finished = Some(now));
    }

    /// The task's future completed with `outcome`; the end is now unless [`ran`](Self::ran)
    /// recorded it.
    pub(crate) fn finished(&self, outcome: Outcome) {
        let now = Instant::now();
        self.update(|entry| {
            entry.finished.get_or_insert(now);
            entry.outcome = Some(outcome);
        });
    }

    /// The executor refused the task: it is not part of the timeline.
    pub(crate) fn refused(&self) {
        self.update(|entry| entry.refused = true);
    }
}

/// Writes `text` to a temporary name beside `path`, then renames it into place.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
