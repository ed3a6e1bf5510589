//! Given code shared by the starter and the reference solution (read it, do not change it): the
//! types the steps exchange, their error messages, and two small tools (a sleeper and a source of
//! jitter) that are not what the exercise teaches.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// Step 1. How urgent a download is. The derived order puts `High` first: sorting ascending, or
/// taking the minimum, gives the most urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    /// Started before any medium or low download that is waiting.
    High,
    /// The default.
    Medium,
    /// Started only when nothing more urgent waits.
    Low,
}

impl Priority {
    /// The three priorities, most urgent first.
    pub const ALL: [Priority; 3] = [Priority::High, Priority::Medium, Priority::Low];

    /// `"high"`, `"medium"` or `"low"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Step 1. A word that is not `high`, `medium` or `low`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown priority {0:?}: expected high, medium or low")]
pub struct ParsePriorityError(pub String);

impl FromStr for Priority {
    type Err = ParsePriorityError;

    /// `high`, `medium` or `low`, in any case.
    fn from_str(word: &str) -> Result<Self, Self::Err> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(word))
            .ok_or_else(|| ParsePriorityError(word.to_owned()))
    }
}

/// Step 1. The receipt of [`DownloadQueue::push`](crate::DownloadQueue::push): hand it back to
/// [`cancel`](crate::DownloadQueue::cancel) the item while it still waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket(pub u64);

/// Step 1. One line of a URL list: `PRIORITY URL`, as read by
/// [`parse_url_list`](crate::parse_url_list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The line's number, from 1, for messages.
    pub line: usize,
    /// How urgent.
    pub priority: Priority,
    /// The URL, as written (it is checked when downloaded).
    pub url: String,
}

/// Step 1. A line of a URL list that is not `PRIORITY URL`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason} (expected `PRIORITY URL`, like `high http://example.com/a.txt`)")]
pub struct LineError {
    /// The line's number, from 1.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// Step 2. Why one attempt at a download failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The URL cannot be downloaded at all: malformed, or a scheme other than `http`.
    #[error("bad URL {url:?}: {reason}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No connection could be made (refused, unreachable, name not found).
    #[error("could not connect: {0}")]
    Connect(String),
    /// The server took longer than the connect or read timeout.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The server answered with an error status (not 2xx).
    #[error("HTTP {status}{}", retry_after.map(|d| format!(" (Retry-After: {} s)", d.as_secs())).unwrap_or_default())]
    Status {
        /// The status code, like 404 or 503.
        status: u16,
        /// The server's `Retry-After`, in seconds, if it sent one.
        retry_after: Option<Duration>,
    },
    /// The connection broke while the body was being read.
    #[error("the connection broke: {0}")]
    Interrupted(String),
    /// The body could not be saved (disk full, permissions, ...).
    #[error("could not save: {0}")]
    Storage(String),
}

/// Step 2. One attempt of a download, as kept in its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first try, 2 for the first retry, ...
    pub number: u32,
    /// `Ok(())` if this attempt succeeded, else why it failed.
    pub outcome: Result<(), Failure>,
    /// How long was waited after this attempt before the next one; `None` when there was no next
    /// one (it succeeded, the failure was permanent, or the retries were used up).
    pub waited: Option<Duration>,
}

/// Step 2. Something that waits. Retries wait through it, so tests can record the delays instead
/// of sleeping (see [`RecordingSleeper`]).
pub trait Sleeper: Send + Sync {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration);
}

/// Step 2. The real thing: `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// Step 2. A sleeper for tests: returns at once and remembers every duration it was asked for.
#[derive(Debug, Default)]
pub struct RecordingSleeper {
    slept: Mutex<Vec<Duration>>,
}

impl RecordingSleeper {
    /// A sleeper that has recorded nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every duration asked for so far, in order.
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) {
        self.slept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(duration);
    }
}

/// Step 2. A random number in `[0, 1)`, different at each call, for jitter. (It needs no crate:
/// the standard library seeds each `RandomState` with fresh keys, which is random enough to spread
/// retries, though not for cryptography.)
pub fn random_unit() -> f64 {
    let bits = RandomState::new().hash_one(std::time::Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Step 3. A file saved by [`store`](crate::store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Where it is: `<dir>/<md5>-<name>`.
    pub path: PathBuf,
    /// The MD5 of the content, 32 lowercase hex digits.
    pub md5: String,
    /// The content's length in bytes.
    pub size: u64,
    /// True if a file with this content and name was already there, so nothing new was kept.
    pub already_present: bool,
}

/// Step 3. A destination folder that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DestinationError {
    /// It does not exist.
    #[error("the destination folder {0} does not exist")]
    Missing(PathBuf),
    /// It exists but is not a folder.
    #[error("the destination {0} is not a folder")]
    NotAFolder(PathBuf),
    /// No file can be created in it.
    #[error("cannot write in the destination folder {path}: {source}")]
    NotWritable {
        /// The folder.
        path: PathBuf,
        /// What creating a file there said.
        source: std::io::Error,
    },
}

/// Step 3. Why [`store`](crate::store) failed: reading the body, or writing the file. The
/// difference matters to retries: a broken connection is worth another try, a full disk is not.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading from the source failed (for a download: the connection broke or timed out).
    #[error("reading failed: {0}")]
    Read(std::io::Error),
    /// Creating, writing or renaming the file failed.
    #[error("writing failed: {0}")]
    Write(std::io::Error),
}

/// Step 4. Hears how each download's body comes in, to draw progress bars (the demo's byte bars
/// are one). It is called on the worker that downloads, between reads: keep it quick.
pub trait Progress: Send + Sync {
    /// An attempt at `url` got a 2xx response whose body is about to be read; `total` is its
    /// `Content-Length`, if it sent one. A retry that gets this far calls it again: its count
    /// starts over from 0.
    fn body_started(&self, url: &str, total: Option<u64>);
    /// `bytes` more bytes of `url`'s body were read (called after each read, not once at the end).
    fn received(&self, url: &str, bytes: u64);
}

/// Step 4. No progress to show: what tests and the defaults use.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn body_started(&self, _url: &str, _total: Option<u64>) {}
    fn received(&self, _url: &str, _bytes: u64) {}
}

/// Step 4. One call heard by a [`RecordingProgress`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgressEvent {
    /// [`Progress::body_started`] was called.
    BodyStarted {
        /// The download's URL.
        url: String,
        /// The body's length, if the response said.
        total: Option<u64>,
    },
    /// [`Progress::received`] was called.
    Received {
        /// The download's URL.
        url: String,
        /// How many bytes that read gave.
        bytes: u64,
    },
}

/// Step 4. A [`Progress`] for tests: remembers every call, in order.
#[derive(Debug, Default)]
pub struct RecordingProgress {
    events: Mutex<Vec<ProgressEvent>>,
}

impl RecordingProgress {
    /// A recorder that has heard nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every call so far, in order.
    pub fn events(&self) -> Vec<ProgressEvent> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn record(&self, event: ProgressEvent) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event);
    }
}

impl Progress for RecordingProgress {
    fn body_started(&self, url: &str, total: Option<u64>) {
        self.record(ProgressEvent::BodyStarted {
            url: url.to_owned(),
            total,
        });
    }

    fn received(&self, url: &str, bytes: u64) {
        self.record(ProgressEvent::Received {
            url: url.to_owned(),
            bytes,
        });
    }
}

/// Step 4. What became of one download: every attempt, and the file or the last failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadReport {
    /// The URL, as given.
    pub url: String,
    /// Every attempt, in order (at least one, even for a bad URL).
    pub attempts: Vec<Attempt>,
    /// The saved file, or why the download gave up.
    pub result: Result<Stored, Failure>,
}

/// Step 5. What [`Downloader::shutdown`](crate::Downloader::shutdown) does with downloads that
/// have not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// Run them all, then stop.
    Drain,
    /// Cancel them; the ones running finish.
    CancelPending,
}
