//! # Exercise 5, reference solution: a priority downloader with retries
//!
//! The same public API as the starter (`exercises/ex5/src/lib.rs`), fully implemented. The given
//! types (`given.rs`) are the starter's own file, included here.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use concurrent::{Executor, Future, Promise, ThreadPoolExecutor};
use md5::{Digest, Md5};

#[path = "../../../exercises/ex5/src/given.rs"]
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
    /// One FIFO per priority, in the order of [`Priority::ALL`].
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

    /// Adds `item` behind the others of its priority; the ticket can cancel it later.
    pub fn push(&mut self, priority: Priority, item: T) -> Ticket {
        let ticket = Ticket(self.next_ticket);
        self.next_ticket += 1;
        self.lanes[lane(priority)].push_back((ticket, item));
        ticket
    }

    /// Takes the oldest item of the most urgent non-empty priority, or `None` if the queue is empty.
    pub fn pop(&mut self) -> Option<(Priority, T)> {
        Priority::ALL.into_iter().find_map(|priority| {
            self.lanes[lane(priority)]
                .pop_front()
                .map(|(_, item)| (priority, item))
        })
    }

    /// Removes the item of `ticket` if it still waits, and gives it back; `None` if it was already
    /// popped or cancelled.
    pub fn cancel(&mut self, ticket: Ticket) -> Option<T> {
        self.lanes.iter_mut().find_map(|lane| {
            let at = lane.iter().position(|(t, _)| *t == ticket)?;
            lane.remove(at).map(|(_, item)| item)
        })
    }

    /// How many items wait.
    pub fn len(&self) -> usize {
        self.lanes.iter().map(VecDeque::len).sum()
    }

    /// True if nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The index of a priority's lane.
fn lane(priority: Priority) -> usize {
    match priority {
        Priority::High => 0,
        Priority::Medium => 1,
        Priority::Low => 2,
    }
}

/// Step 1. Reads a URL list: one `PRIORITY URL` per line (`high http://host/a.txt`), separated by
/// spaces or tabs. Blank lines and lines starting with `#` (after leading spaces) are skipped. A
/// bad line is an `Err` for that line only, so the others still run.
pub fn parse_url_list(text: &str) -> Vec<Result<Entry, LineError>> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(line, text)| parse_line(line, text))
        .collect()
}

fn parse_line(line: usize, text: &str) -> Result<Entry, LineError> {
    let error = |reason: String| LineError { line, reason };
    let mut words = text.split_whitespace();
    let (Some(priority), Some(url), None) = (words.next(), words.next(), words.next()) else {
        return Err(error(format!("{text:?} is not two words")));
    };
    let priority = priority
        .parse()
        .map_err(|e: ParsePriorityError| error(e.to_string()))?;
    Ok(Entry {
        line,
        priority,
        url: url.to_owned(),
    })
}

// ---------------------------------------------------------------------------------------------
// Step 2: the retry policy
// ---------------------------------------------------------------------------------------------

/// Step 2. True if trying again may succeed: connection errors, timeouts, a broken connection,
/// 5xx and 429 (too many requests). Other statuses, a bad URL and a storage failure are permanent.
pub fn is_transient(failure: &Failure) -> bool {
    match failure {
        Failure::Connect(_) | Failure::Timeout(_) | Failure::Interrupted(_) => true,
        Failure::Status { status, .. } => *status == 429 || (500..600).contains(status),
        Failure::BadUrl { .. } | Failure::Storage(_) => false,
    }
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
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_delay);
        let half = ceiling / 2;
        half + half.mul_f64(unit.clamp(0.0, 1.0))
    }

    /// Step 2. After failed attempt number `attempt` (1 for the first), how long to wait before
    /// trying again, or `None` to give up: the failure is permanent, the retries are used up, or
    /// the server's `Retry-After` is longer than `max_delay`. A `Retry-After` is honoured: the wait
    /// is at least that long.
    pub fn delay_after(&self, attempt: u32, failure: &Failure, unit: f64) -> Option<Duration> {
        if !is_transient(failure) || attempt > self.max_retries {
            return None;
        }
        let backoff = self.backoff(attempt - 1, unit);
        match failure {
            Failure::Status {
                retry_after: Some(asked),
                ..
            } if *asked > self.max_delay => None,
            Failure::Status {
                retry_after: Some(asked),
                ..
            } => Some(backoff.max(*asked)),
            _ => Some(backoff),
        }
    }
}

/// Step 2. Calls `attempt` (with the attempt's number, from 1) until it succeeds or
/// [`RetryPolicy::delay_after`] says to give up, waiting through `sleeper` between tries (jitter
/// from [`random_unit`]). Returns the last outcome and every attempt, with the waits.
pub fn retry<T>(
    policy: &RetryPolicy,
    sleeper: &dyn Sleeper,
    mut attempt: impl FnMut(u32) -> Result<T, Failure>,
) -> (Result<T, Failure>, Vec<Attempt>) {
    let mut attempts = Vec::new();
    for number in 1.. {
        let outcome = attempt(number);
        let failure = match outcome {
            Ok(value) => {
                attempts.push(Attempt {
                    number,
                    outcome: Ok(()),
                    waited: None,
                });
                return (Ok(value), attempts);
            }
            Err(failure) => failure,
        };
        let waited = policy.delay_after(number, &failure, random_unit());
        attempts.push(Attempt {
            number,
            outcome: Err(failure.clone()),
            waited,
        });
        match waited {
            Some(delay) => {
                tracing::warn!(attempt = number, %failure, "attempt {number} failed: {failure}; retrying in {} ms", delay.as_millis());
                sleeper.sleep(delay);
            }
            None => {
                tracing::error!(attempt = number, %failure, "attempt {number} failed: {failure}; gave up");
                return (Err(failure), attempts);
            }
        }
    }
    unreachable!("the attempts are counted by an endless range")
}

// ---------------------------------------------------------------------------------------------
// Step 3: content-addressed storage
// ---------------------------------------------------------------------------------------------

/// The name used when a URL's path gives none.
pub const DEFAULT_NAME: &str = "download";

/// The longest name kept, in bytes (file systems allow 255 for the whole `<md5>-<name>`).
pub const MAX_NAME_LEN: usize = 100;

/// Step 3. A file name for `url`, safe on any file system: the last segment of the URL's path
/// (no query, no fragment), with every character that is not an ASCII letter, digit, `.`, `-` or `_`
/// replaced by `_`, leading dots removed (no hidden file, no `..`), cut to [`MAX_NAME_LEN`]
/// bytes; [`DEFAULT_NAME`] if nothing is left.
pub fn safe_name(url: &str) -> String {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = without_scheme
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .split_once('/')
        .map_or("", |(_, path)| path);
    let last = path.rsplit('/').next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name: String = cleaned
        .trim_start_matches('.')
        .chars()
        .take(MAX_NAME_LEN)
        .collect();
    if name.is_empty() {
        DEFAULT_NAME.to_owned()
    } else {
        name
    }
}

/// Step 3. Fails at once, with a clear error, if files cannot be saved in `dir`: it must exist,
/// be a folder, and accept a new file (a temporary one is created and removed).
pub fn check_destination(dir: &Path) -> Result<(), DestinationError> {
    match std::fs::metadata(dir) {
        Err(_) => return Err(DestinationError::Missing(dir.to_owned())),
        Ok(meta) if !meta.is_dir() => return Err(DestinationError::NotAFolder(dir.to_owned())),
        Ok(_) => {}
    }
    tempfile::Builder::new()
        .prefix(".probe-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|source| DestinationError::NotWritable {
            path: dir.to_owned(),
            source,
        })
}

/// The 32 lowercase hex digits of an MD5.
fn hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Step 3. Streams `source` into `dir` as `<md5>-<name>`: into a temporary file in `dir` while
/// computing the MD5 (never the whole body in memory), then renamed. If a file of that name is
/// already there (same content, same name), the new copy is dropped and `already_present` is
/// true. On any error the temporary file is removed: no partial file is ever left.
pub fn store(mut source: impl Read, dir: &Path, name: &str) -> Result<Stored, StoreError> {
    let mut temp = tempfile::Builder::new()
        .prefix(".part-")
        .tempfile_in(dir)
        .map_err(StoreError::Write)?;
    let mut hasher = Md5::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0u64;
    loop {
        let read = match source.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(StoreError::Read(e)),
        };
        hasher.update(&buffer[..read]);
        temp.write_all(&buffer[..read]).map_err(StoreError::Write)?;
        size += read as u64;
    }
    finish(temp, hasher, size, dir, name)
}

/// Renames a complete temporary file to `<md5>-<name>` in `dir` (or drops it if that file is
/// already there).
fn finish(
    temp: tempfile::NamedTempFile,
    hasher: Md5,
    size: u64,
    dir: &Path,
    name: &str,
) -> Result<Stored, StoreError> {
    temp.as_file().sync_all().map_err(StoreError::Write)?;
    let md5 = hex(&hasher.finalize());
    let path = dir.join(format!("{md5}-{name}"));
    let already_present = path.is_file();
    if !already_present {
        // persist_noclobber: two workers saving the same content at once both succeed, one wins.
        match temp.persist_noclobber(&path) {
            Ok(_) => {}
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists && path.is_file() => {}
            Err(e) => return Err(StoreError::Write(e.error)),
        }
    }
    tracing::info!(path = %path.display(), size, already_present, "saved as {}", path.display());
    Ok(Stored {
        path,
        md5,
        size,
        already_present,
    })
}

// ---------------------------------------------------------------------------------------------
// Step 4: one download, with retries
// ---------------------------------------------------------------------------------------------

/// Step 4. A `ureq` agent with these timeouts: `connect` for opening the connection, `read` for
/// each read from it (the headers and every piece of the body). Error statuses are returned as
/// responses, not errors, so their headers (`Retry-After`) can be read.
pub fn agent(connect: Duration, read: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(connect))
        .timeout_per_read(Some(read))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Step 4. Checks that `url` can be fetched: it parses, its scheme is `http`, it has a host.
pub fn check_url(url: &str) -> Result<(), Failure> {
    let bad = |reason: &str| Failure::BadUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let uri: ureq::http::Uri = url.parse().map_err(|e| bad(&format!("{e}")))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some(other) => {
            return Err(bad(&format!(
                "unsupported scheme {other:?}: only http is supported"
            )));
        }
        None => return Err(bad("no scheme: expected http://host/path")),
    }
    match uri.host() {
        Some(host) if !host.is_empty() => Ok(()),
        _ => Err(bad("no host")),
    }
}

/// What a `ureq` error means for retries.
fn classify(error: ureq::Error) -> Failure {
    match error {
        ureq::Error::Timeout(what) => Failure::Timeout(what.to_string()),
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
            Failure::Connect(error.to_string())
        }
        ureq::Error::Io(e) => classify_io(e),
        ureq::Error::BadUri(reason) => Failure::BadUrl {
            url: String::new(),
            reason,
        },
        other => Failure::Interrupted(other.to_string()),
    }
}

/// A failed connect or read: no connection, a timeout, or a broken connection.
fn classify_io(error: io::Error) -> Failure {
    match error.kind() {
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::AddrNotAvailable => Failure::Connect(error.to_string()),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::Timeout(error.to_string()),
        _ => Failure::Interrupted(error.to_string()),
    }
}

/// The `Retry-After` of a response, when given in seconds.
fn retry_after(response: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
        .map(Duration::from_secs)
}

/// The `Content-Length` of a response, if it sent one.
fn content_length(response: &ureq::http::Response<ureq::Body>) -> Option<u64> {
    response
        .headers()
        .get("content-length")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// A reader that tells `progress` how many bytes each read gave: an adapter around the body, so
/// [`store`] streams as before and knows nothing of progress bars.
struct Reporting<'a, R> {
    inner: R,
    url: &'a str,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Reporting<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        if read > 0 {
            self.progress.received(self.url, read as u64);
        }
        Ok(read)
    }
}

/// One attempt: GET `url` and store its body in `dir`, reporting it to `progress` as it comes.
fn attempt_once(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<Stored, Failure> {
    let response = agent.get(url).call().map_err(classify)?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(Failure::Status {
            status,
            retry_after: retry_after(&response),
        });
    }
    progress.body_started(url, content_length(&response));
    let reader = Reporting {
        inner: response.into_body().into_reader(),
        url,
        progress,
    };
    store(reader, dir, &safe_name(url)).map_err(|error| match error {
        StoreError::Read(e) => classify_io(e),
        StoreError::Write(e) => Failure::Storage(e.to_string()),
    })
}

/// What a download that cannot even start reports: one failed attempt, no retry.
fn failed_at_once(failure: Failure) -> (Result<Stored, Failure>, Vec<Attempt>) {
    let attempt = Attempt {
        number: 1,
        outcome: Err(failure.clone()),
        waited: None,
    };
    (Err(failure), vec![attempt])
}

/// Step 4. Downloads `url` into `dir` with [`store`], retrying transient failures by `policy`
/// (waits through `sleeper`). A bad URL fails at once, without a request. Everything happens in a
/// `tracing` span named `download` with the URL, so every event of it says which download.
pub fn download(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    policy: &RetryPolicy,
    sleeper: &dyn Sleeper,
    progress: &dyn Progress,
) -> DownloadReport {
    let span = tracing::info_span!("download", url);
    let _entered = span.enter();
    tracing::info!("started");
    let (result, attempts) = match check_url(url) {
        Err(failure) => {
            tracing::error!(%failure, "bad URL; gave up");
            failed_at_once(failure)
        }
        Ok(()) => retry(policy, sleeper, |_| attempt_once(agent, url, dir, progress)),
    };
    DownloadReport {
        url: url.to_owned(),
        attempts,
        result,
    }
}

// ---------------------------------------------------------------------------------------------
// Going further: resuming a download cut off halfway (HTTP Range and If-Range)
// ---------------------------------------------------------------------------------------------

/// What a resumable download has received so far: the temporary file, the hash of its bytes,
/// their count, and the `ETag` of the response they came from.
struct Partial {
    temp: tempfile::NamedTempFile,
    hasher: Md5,
    len: u64,
    etag: Option<String>,
}

impl Partial {
    fn new(dir: &Path) -> Result<Self, Failure> {
        Ok(Self {
            temp: tempfile::Builder::new()
                .prefix(".part-")
                .tempfile_in(dir)
                .map_err(|e| Failure::Storage(e.to_string()))?,
            hasher: Md5::new(),
            len: 0,
            etag: None,
        })
    }

    /// Forgets what was received: the server sent the whole (maybe changed) file again.
    fn restart(&mut self, etag: Option<String>) -> Result<(), Failure> {
        let file = self.temp.as_file_mut();
        file.set_len(0)
            .and_then(|()| io::Seek::rewind(file))
            .map_err(|e| Failure::Storage(e.to_string()))?;
        self.hasher = Md5::new();
        self.len = 0;
        self.etag = etag;
        Ok(())
    }

    /// Appends `source` to the file and the hash; the bytes received before an error are kept.
    fn append(&mut self, source: &mut impl Read) -> Result<(), Failure> {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let read = match source.read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(read) => read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(classify_io(e)),
            };
            self.temp
                .write_all(&buffer[..read])
                .map_err(|e| Failure::Storage(e.to_string()))?;
            self.hasher.update(&buffer[..read]);
            self.len += read as u64;
        }
    }
}

/// One attempt of a resumable download: asks for the rest (`Range` from what `partial` holds,
/// `If-Range` on its `ETag`) and appends it, or starts over on a whole `200` response.
fn resume_once(
    agent: &ureq::Agent,
    url: &str,
    partial: &mut Partial,
    progress: &dyn Progress,
) -> Result<(), Failure> {
    let mut request = agent.get(url);
    if let (true, Some(etag)) = (partial.len > 0, &partial.etag) {
        request = request
            .header("Range", format!("bytes={}-", partial.len))
            .header("If-Range", etag);
    }
    let response = request.call().map_err(classify)?;
    let status = response.status().as_u16();
    let resumes = format!("bytes {}-", partial.len);
    let content_range = response
        .headers()
        .get("content-range")
        .and_then(|v| v.to_str().ok());
    match status {
        206 if partial.len > 0 && content_range.is_some_and(|r| r.starts_with(&resumes)) => {
            tracing::info!(from = partial.len, "resuming after {} bytes", partial.len);
            let rest = content_length(&response);
            progress.body_started(url, rest.map(|rest| partial.len + rest));
            progress.received(url, partial.len);
        }
        206 => {
            // A range other than the one asked for: start over on the next attempt.
            partial.restart(None)?;
            return Err(Failure::Interrupted(format!(
                "asked for {resumes}..., got {}",
                content_range.unwrap_or("no Content-Range")
            )));
        }
        200..300 => {
            // A whole body: the first attempt, a server without Range, or a file that changed
            // (its ETag no longer matches If-Range). What was kept no longer counts.
            let etag = response
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            partial.restart(etag)?;
            progress.body_started(url, content_length(&response));
        }
        _ => {
            return Err(Failure::Status {
                status,
                retry_after: retry_after(&response),
            });
        }
    }
    partial.append(&mut Reporting {
        inner: response.into_body().into_reader(),
        url,
        progress,
    })
}

/// Going further. Like [`download`], but an attempt whose connection breaks halfway keeps what it
/// received: the next attempt asks only for the rest, with `Range: bytes=N-` and `If-Range:
/// <ETag>`. A server that answers `206 Partial Content` sends the rest; one whose file changed
/// (another ETag) or that ignores ranges sends the whole file with `200`, and the download starts
/// over. The MD5 is kept across attempts, so the file is still read once; nothing is left behind
/// if the download finally fails.
pub fn download_resumable(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    policy: &RetryPolicy,
    sleeper: &dyn Sleeper,
    progress: &dyn Progress,
) -> DownloadReport {
    let span = tracing::info_span!("download", url);
    let _entered = span.enter();
    tracing::info!("started");
    let outcome = check_url(url).and_then(|()| Partial::new(dir));
    let (result, attempts) = match outcome {
        Err(failure) => failed_at_once(failure),
        Ok(mut partial) => {
            let (outcome, attempts) = retry(policy, sleeper, |_| {
                resume_once(agent, url, &mut partial, progress)
            });
            let result = outcome.and_then(|()| {
                let Partial {
                    temp, hasher, len, ..
                } = partial;
                finish(temp, hasher, len, dir, &safe_name(url))
                    .map_err(|e| Failure::Storage(e.to_string()))
            });
            (result, attempts)
        }
    };
    DownloadReport {
        url: url.to_owned(),
        attempts,
        result,
    }
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

/// A download waiting in the queue: its URL and the promise of its report.
struct Job {
    url: String,
    promise: Promise<DownloadReport>,
}

/// What the tasks of a downloader share.
struct Shared {
    queue: Mutex<DownloadQueue<Job>>,
    agent: ureq::Agent,
    config: DownloaderConfig,
}

impl Shared {
    fn queue(&self) -> MutexGuard<'_, DownloadQueue<Job>> {
        // A panic cannot happen while the lock is held (push/pop only), so a poisoned lock still
        // holds a consistent queue.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One executor task: takes the most urgent waiting download *now*, when a worker is free,
    /// not the one that was enqueued with this task.
    fn run_next(&self) {
        let Some((priority, job)) = self.queue().pop() else {
            return; // taken by a shutdown that cancelled it
        };
        if !job.promise.start() {
            return; // its future was cancelled while it waited
        }
        let report = download(
            &self.agent,
            &job.url,
            &self.config.dir,
            &self.config.policy,
            self.config.sleeper.as_ref(),
            self.config.progress.as_ref(),
        );
        tracing::info!(url = job.url, %priority, ok = report.result.is_ok(), "finished");
        job.promise.set_result(report);
    }
}

/// Step 5. Downloads on a [`ThreadPoolExecutor`], always starting the most urgent waiting download
/// next, including ones enqueued while others run.
///
/// The executor's own queue is FIFO: submitting each download as its task would run them in the
/// order they were enqueued. Instead each [`enqueue`](Self::enqueue) puts the download in a
/// [`DownloadQueue`] and submits a task that, when a worker runs it, pops the most urgent one.
pub struct Downloader {
    shared: Arc<Shared>,
    pool: ThreadPoolExecutor,
}

impl std::fmt::Debug for Downloader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Downloader")
            .field("config", &self.shared.config)
            .field("waiting", &self.shared.queue().len())
            .finish()
    }
}

impl Downloader {
    /// A downloader with `config`; fails at once if the destination folder cannot be used.
    pub fn new(config: DownloaderConfig) -> Result<Self, DestinationError> {
        check_destination(&config.dir)?;
        let pool = ThreadPoolExecutor::builder()
            .max_workers(config.workers.max(1))
            .thread_name_prefix("download")
            .build();
        let shared = Arc::new(Shared {
            queue: Mutex::new(DownloadQueue::new()),
            agent: agent(config.connect_timeout, config.read_timeout),
            config,
        });
        Ok(Self { shared, pool })
    }

    /// Queues a download of `url` and returns the future of its report. Cancel the future to
    /// drop the download while it waits. Fails with [`concurrent::Error::Shutdown`] after
    /// [`shutdown`](Self::shutdown).
    pub fn enqueue(
        &self,
        priority: Priority,
        url: impl Into<String>,
    ) -> Result<Future<DownloadReport>, concurrent::Error> {
        let url = url.into();
        let (promise, future) = Promise::new();
        tracing::info!(url, %priority, "queued");
        let ticket = self.shared.queue().push(priority, Job { url, promise });
        let shared = Arc::clone(&self.shared);
        if let Err(error) = self.pool.submit(move || shared.run_next()) {
            // No task will ever pop it: take it back (its promise, dropped, breaks the future).
            self.shared.queue().cancel(ticket);
            return Err(error);
        }
        Ok(future)
    }

    /// Stops accepting downloads and waits for the running ones. With [`Shutdown::Drain`] the
    /// waiting ones run first; with [`Shutdown::CancelPending`] their futures are cancelled.
    pub fn shutdown(&self, mode: Shutdown) {
        if mode == Shutdown::CancelPending {
            let mut queue = self.shared.queue();
            while let Some((_, job)) = queue.pop() {
                tracing::info!(url = job.url, "cancelled");
                job.promise.cancel();
            }
        }
        self.pool.shutdown(true, mode == Shutdown::CancelPending);
    }
}

impl Drop for Downloader {
    /// Like Python's `with`: the waiting downloads still run.
    fn drop(&mut self) {
        self.shutdown(Shutdown::Drain);
    }
}
