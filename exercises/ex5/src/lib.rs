//! # Exercise 5: a priority downloader with retries
//!
//! Work through the steps in order; each has its tests: `cargo test -p ex5 step1`, then `step2`...
//! Stuck? `cargo xtask hint ex5`. The chapter "Exercise 5" of the book explains the ideas.
//!
//! 1. [`DownloadQueue`], [`parse_url_list`]: three priorities, first in first out within one, a
//!    waiting item can be cancelled; the URL list file.
//! 2. [`is_transient`], [`RetryPolicy::backoff`], [`RetryPolicy::delay_after`], [`retry`]: which
//!    failures deserve another try, and how long to wait (exponential, jittered, capped).
//! 3. [`safe_name`], [`check_destination`], [`store`]: stream a body to `<md5>-<name>` through a
//!    temporary file, so no partial file is ever left.
//! 4. [`agent`], [`check_url`], [`download`]: one URL with `ureq`, timeouts and retries, logged
//!    with `tracing`.
//! 5. [`Downloader`]: downloads on a thread pool, always the most urgent one next.
//!
//! The types the steps exchange are given (`src/given.rs`): read them, do not change them.
//! Replace each `todo!()` with your code. Keep the signatures: the tests call them.

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use concurrent::{Future, Promise, ThreadPoolExecutor};

mod given;

pub use given::{
    Attempt, DestinationError, DownloadReport, Entry, Failure, LineError, NoProgress,
    ParsePriorityError, Priority, Progress, ProgressEvent, RecordingProgress, RecordingSleeper,
    Shutdown, Sleeper, StoreError, Stored, ThreadSleeper, Ticket, random_unit,
};
pub use ureq;

// ---------------------------------------------------------------------------------------------
// Step 1: the priority queue, and the URL list
// ---------------------------------------------------------------------------------------------

/// Step 1. Items waiting by priority: [`pop`](Self::pop) gives the oldest item of the most urgent
/// priority that has any (FIFO within a priority). Not thread-safe by itself: share it behind a
/// `Mutex`.
#[derive(Debug)]
pub struct DownloadQueue<T> {
    // A suggestion; change the fields as you like. One FIFO per priority, in the order of
    // `Priority::ALL`, and the number of the next ticket (never reused).
    lanes: [VecDeque<(Ticket, T)>; 3],
    next_ticket: u64,
}

impl<T> Default for DownloadQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> DownloadQueue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        Self {
            lanes: [VecDeque::new(), VecDeque::new(), VecDeque::new()],
            next_ticket: 0,
        }
    }

    /// Step 1. Adds `item` behind the others of its priority; the ticket can cancel it later.
    /// Two pushes never get the same ticket.
    pub fn push(&mut self, priority: Priority, item: T) -> Ticket {
        let _ = (&self.lanes, self.next_ticket, item);
        todo!("step 1: add the item at the back of the {priority} lane and return a new ticket")
    }

    /// Step 1. Takes the oldest item of the most urgent non-empty priority, or `None` if the
    /// queue is empty.
    pub fn pop(&mut self) -> Option<(Priority, T)> {
        todo!("step 1: take the front item of the most urgent lane that has one")
    }

    /// Step 1. Removes the item of `ticket` if it still waits, and gives it back; `None` if it was
    /// already popped or cancelled.
    pub fn cancel(&mut self, ticket: Ticket) -> Option<T> {
        todo!("step 1: find the item of {ticket:?} in the lanes and remove it")
    }

    /// Step 1. How many items wait.
    pub fn len(&self) -> usize {
        todo!("step 1: count the items of every lane")
    }

    /// Step 1. True if nothing waits.
    pub fn is_empty(&self) -> bool {
        todo!("step 1: nothing in any lane")
    }
}

/// Step 1. Reads a URL list: one `PRIORITY URL` per line (`high http://host/a.txt`), separated by
/// spaces or tabs, the priority in any case. Blank lines and lines starting with `#` (after
/// leading spaces) are skipped. A bad line (an unknown priority, one word, three words) is an
/// `Err` for that line only, so the others still run. Lines are numbered from 1, counting every
/// line of the text.
pub fn parse_url_list(text: &str) -> Vec<Result<Entry, LineError>> {
    todo!(
        "step 1: parse the {} lines of the list into entries",
        text.lines().count()
    )
}

// ---------------------------------------------------------------------------------------------
// Step 2: the retry policy
// ---------------------------------------------------------------------------------------------

/// Step 2. True if trying again may succeed: connection errors, timeouts, a broken connection,
/// 5xx and 429 (too many requests). Other statuses, a bad URL and a storage failure are permanent.
pub fn is_transient(failure: &Failure) -> bool {
    todo!("step 2: is {failure:?} worth another try?")
}

/// Step 2. How many times to retry, and how long to wait between tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (3: at most 4 attempts).
    pub max_retries: u32,
    /// The wait before the first retry, before jitter; it doubles for each retry.
    pub base_delay: Duration,
    /// No wait is longer: the doubling stops here, and a `Retry-After` above it gives up.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, from 250 ms, at most 10 s.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Step 2. The wait before retry number `retry` (0 for the first retry), with "equal jitter":
    /// the ceiling `min(max_delay, base_delay × 2^retry)`, half of it fixed and half scaled by
    /// `unit` (a random number in `[0, 1)`). So the wait lies in `[ceiling / 2, ceiling]`.
    /// `retry` can be large: the doubling must not overflow (`saturating_*` methods help).
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        todo!("step 2: the wait before retry {retry} with jitter {unit} under {self:?}")
    }

    /// Step 2. After failed attempt number `attempt` (1 for the first), how long to wait before
    /// trying again, or `None` to give up: the failure is permanent, the retries are used up, or
    /// the server's `Retry-After` is longer than `max_delay`. A `Retry-After` is honoured: the wait
    /// is at least that long. Otherwise the wait is `backoff(attempt - 1, unit)`.
    pub fn delay_after(&self, attempt: u32, failure: &Failure, unit: f64) -> Option<Duration> {
        todo!(
            "step 2: after attempt {attempt} failed with {failure:?} (jitter {unit}), wait or give up?"
        )
    }
}

/// Step 2. Calls `attempt` (with the attempt's number, from 1) until it succeeds or
/// [`RetryPolicy::delay_after`] says to give up, waiting through `sleeper` between tries (jitter
/// from [`random_unit`]). Returns the last outcome and every attempt, with the waits.
///
/// Log with `tracing`: `attempt N failed: why; retrying in X ms`, or `...; gave up`.
pub fn retry<T>(
    policy: &RetryPolicy,
    sleeper: &dyn Sleeper,
    attempt: impl FnMut(u32) -> Result<T, Failure>,
) -> (Result<T, Failure>, Vec<Attempt>) {
    let _ = (sleeper, attempt);
    todo!("step 2: call the attempt until it succeeds or {policy:?} says to give up")
}

// ---------------------------------------------------------------------------------------------
// Step 3: content-addressed storage
// ---------------------------------------------------------------------------------------------

/// The name used when a URL's path gives none.
pub const DEFAULT_NAME: &str = "download";

/// The longest name kept, in bytes (file systems allow 255 for the whole `<md5>-<name>`).
pub const MAX_NAME_LEN: usize = 100;

/// Step 3. A file name for `url`, safe on any file system: the last segment of the URL's path
/// (no query, no fragment), with every character that is not an ASCII letter, digit, `.`, `-` or
/// `_` replaced by `_`, leading dots removed (no hidden file, no `..`), cut to [`MAX_NAME_LEN`]
/// bytes; [`DEFAULT_NAME`] if nothing is left.
pub fn safe_name(url: &str) -> String {
    todo!("step 3: a safe file name for {url:?}")
}

/// Step 3. Fails at once, with a clear error, if files cannot be saved in `dir`: it must exist,
/// be a folder, and accept a new file (create a temporary one; it is removed when dropped). Only
/// trying tells: permission bits do not stop root, and some folders refuse files to everyone.
pub fn check_destination(dir: &Path) -> Result<(), DestinationError> {
    todo!("step 3: check that files can be saved in {}", dir.display())
}

/// Step 3. Streams `source` into `dir` as `<md5>-<name>`: into a temporary file in `dir`
/// (`tempfile::Builder::new().tempfile_in(dir)`) while computing the MD5 (`md5::Md5`, with the
/// `Digest` trait), through a small buffer, never the whole body in memory; then renamed. If a
/// file of that name is already there (same content, same name), the new copy is dropped and
/// `already_present` is true. On any error the temporary file is removed: no partial file is ever
/// left. A failed read is [`StoreError::Read`], a failed create, write or rename
/// [`StoreError::Write`]. Log `saved as <path>` with `tracing::info!` when the file is in place.
pub fn store(source: impl Read, dir: &Path, name: &str) -> Result<Stored, StoreError> {
    let _ = source;
    todo!(
        "step 3: stream the source into a temporary file in {}, hash it, rename it to <md5>-{name}",
        dir.display()
    )
}

// ---------------------------------------------------------------------------------------------
// Step 4: one download, with retries
// ---------------------------------------------------------------------------------------------

/// Step 4. A `ureq` agent with these timeouts: `connect` for opening the connection, `read` for
/// each read from it (the headers and every piece of the body). Error statuses must come back as
/// responses, not errors, so their headers (`Retry-After`) can be read.
pub fn agent(connect: Duration, read: Duration) -> ureq::Agent {
    todo!("step 4: an agent with a {connect:?} connect timeout and a {read:?} read timeout")
}

/// Step 4. Checks that `url` can be fetched: it parses (`ureq::http::Uri`), its scheme is
/// `http`, it has a host. Otherwise a [`Failure::BadUrl`] that says which.
pub fn check_url(url: &str) -> Result<(), Failure> {
    todo!("step 4: is {url:?} an http URL with a host?")
}

/// Step 4. Downloads `url` into `dir` with [`store`] under [`safe_name`], retrying transient
/// failures by `policy` (waits through `sleeper`). A bad URL fails at once, without a request,
/// with one attempt. A status other than 2xx is a [`Failure::Status`] with its `Retry-After`;
/// a body that breaks off is [`Failure::Interrupted`] (or [`Failure::Timeout`]); a refused
/// connection is [`Failure::Connect`] (ureq reports it as an `Error::Io` of kind
/// `ConnectionRefused`). The read timeout comes back as `Error::Timeout` before the headers, and
/// as an `io::Error` of kind `TimedOut` from the body's reader.
///
/// Tell `progress` how the body comes in: `body_started` when an attempt gets a 2xx response
/// (with its `Content-Length`, if any), then `received` after every read, as the bytes arrive,
/// not once at the end. [`store`] takes any `Read`: wrap the body's reader in a small reader of
/// your own that passes each read through and reports its length (an adapter), and `store` stays
/// as it is.
///
/// Everything happens in a `tracing` span named `download` with the URL
/// (`tracing::info_span!("download", url)`), so every event says which download it belongs to:
/// `started`, the retries' events, `saved as <path>` (log it in [`store`]).
pub fn download(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    policy: &RetryPolicy,
    sleeper: &dyn Sleeper,
    progress: &dyn Progress,
) -> DownloadReport {
    let _ = (agent, sleeper, progress);
    todo!(
        "step 4: download {url:?} into {} with retries ({policy:?})",
        dir.display()
    )
}

// ---------------------------------------------------------------------------------------------
// Step 5: the scheduler
// ---------------------------------------------------------------------------------------------

/// Step 5. How a [`Downloader`] works.
#[derive(Clone)]
pub struct DownloaderConfig {
    /// Where files are saved; checked when the downloader starts.
    pub dir: PathBuf,
    /// Downloads at the same time (5 by default).
    pub workers: usize,
    /// Retries and waits.
    pub policy: RetryPolicy,
    /// Timeout for opening a connection (5 s by default).
    pub connect_timeout: Duration,
    /// Timeout for each read (10 s by default).
    pub read_timeout: Duration,
    /// What waits between retries ([`ThreadSleeper`] by default).
    pub sleeper: Arc<dyn Sleeper>,
    /// What hears the bodies come in ([`NoProgress`] by default; the demo draws byte bars).
    pub progress: Arc<dyn Progress>,
}

impl std::fmt::Debug for DownloaderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloaderConfig")
            .field("dir", &self.dir)
            .field("workers", &self.workers)
            .field("policy", &self.policy)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .finish_non_exhaustive()
    }
}

impl DownloaderConfig {
    /// The defaults, saving into `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            workers: 5,
            policy: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            sleeper: Arc::new(ThreadSleeper),
            progress: Arc::new(NoProgress),
        }
    }
}

/// A download waiting in the queue: its URL and the promise of its report (a suggestion).
#[allow(dead_code)]
struct Job {
    url: String,
    promise: Promise<DownloadReport>,
}

/// What the tasks of a downloader share (a suggestion; change it as you like).
#[allow(dead_code)]
struct Shared {
    queue: Mutex<DownloadQueue<Job>>,
    agent: ureq::Agent,
    config: DownloaderConfig,
}

/// Step 5. Downloads on a [`ThreadPoolExecutor`], always starting the most urgent waiting download
/// next, including ones enqueued while others run.
///
/// The executor's own queue is FIFO: submitting each download as its own task would run them in
/// the order they were enqueued. Put the download in a [`DownloadQueue`] instead, and submit a
/// task that, when a worker finally runs it, pops whatever is most urgent *then*. The report goes
/// back through a [`Promise`]: `Promise::new()` gives the promise and the [`Future`] to return;
/// the task calls `promise.start()` (false if the future was cancelled meanwhile: skip it) and
/// then `promise.set_result(report)`.
#[allow(dead_code)]
pub struct Downloader {
    shared: Arc<Shared>,
    pool: ThreadPoolExecutor,
}

impl std::fmt::Debug for Downloader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Downloader").finish_non_exhaustive()
    }
}

impl Downloader {
    /// Step 5. A downloader with `config` (`config.workers` workers, at least 1); fails at once if
    /// the destination folder cannot be used ([`check_destination`]).
    pub fn new(config: DownloaderConfig) -> Result<Self, DestinationError> {
        todo!("step 5: check the destination, then build the pool and the queue for {config:?}")
    }

    /// Step 5. Queues a download of `url` and returns the future of its report. Cancelling the
    /// future drops the download if it has not started. Fails with
    /// [`concurrent::Error::Shutdown`] after [`shutdown`](Self::shutdown), without a panic.
    ///
    /// Log `queued` with the URL and the priority.
    pub fn enqueue(
        &self,
        priority: Priority,
        url: impl Into<String>,
    ) -> Result<Future<DownloadReport>, concurrent::Error> {
        let url = url.into();
        todo!("step 5: queue {url:?} at {priority} and submit a task that pops the most urgent")
    }

    /// Step 5. Stops accepting downloads and waits for the running ones. With
    /// [`Shutdown::Drain`] the waiting ones run first; with [`Shutdown::CancelPending`] their
    /// futures are cancelled (`promise.cancel()`).
    pub fn shutdown(&self, mode: Shutdown) {
        todo!("step 5: shut down ({mode:?})")
    }
}
