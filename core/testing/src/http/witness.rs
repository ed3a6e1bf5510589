//! What the server saw and how tests hold it: the request log and counters ([`Stats`]), the
//! [`Gate`], the seeded [`Delay`], and the stop signal every wait of the server listens to.
use std::{
    collections::HashMap,
    sync::{Arc, Condvar, Mutex, MutexGuard},
    time::{Duration, Instant},
};

pub use crate::delay::Delay;

/// Locks a mutex even if a panicking thread poisoned it: the counters must stay readable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One request as it arrived, before any gate, delay or fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// Arrival order, from 0, over the whole server.
    pub seq: usize,
    /// The connection it came on, numbered from 0 in accept order (one request per connection:
    /// the server answers `Connection: close`).
    pub connection: u64,
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The query string after `?`, if any.
    pub query: Option<String>,
    /// Every header, names in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
    /// When the request's head was read, since the server started.
    pub at: Duration,
}

impl RequestRecord {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The request log and counters, shared between the server's threads and the test.
#[derive(Debug)]
pub struct Stats {
    started: Instant,
    inner: Mutex<StatsInner>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct StatsInner {
    log: Vec<RequestRecord>,
    hits: HashMap<String, usize>,
    completed: HashMap<String, usize>,
    in_flight: usize,
    max_in_flight: usize,
    body_bytes: u64,
}

impl Stats {
    pub(crate) fn new() -> Self {
        Self {
            started: Instant::now(),
            inner: Mutex::default(),
            changed: Condvar::new(),
        }
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.inner).log.clone()
    }
    /// The paths of every request so far, in arrival order.
    pub fn paths(&self) -> Vec<String> {
        lock(&self.inner)
            .log
            .iter()
            .map(|r| r.path.clone())
            .collect()
    }
    /// Requests for `path` (exact, without query string), whatever their outcome.
    pub fn hits(&self, path: &str) -> usize {
        lock(&self.inner).hits.get(path).copied().unwrap_or(0)
    }
    /// Responses for `path` whose body was sent whole (not dropped, not cut by a stop).
    pub fn completed(&self, path: &str) -> usize {
        lock(&self.inner).completed.get(path).copied().unwrap_or(0)
    }
    /// Requests of any path.
    pub fn total(&self) -> usize {
        lock(&self.inner).log.len()
    }
    /// Requests being handled now: from their head read until just before the last byte of their
    /// response is written (so a client that read a whole response never finds it still in
    /// flight), or until the response breaks off. A client that drops a response unread keeps it
    /// in flight until the server's next write fails.
    pub fn in_flight(&self) -> usize {
        lock(&self.inner).in_flight
    }
    /// The most requests that were being handled at the same time.
    pub fn max_in_flight(&self) -> usize {
        lock(&self.inner).max_in_flight
    }
    /// Body bytes written to clients, all responses together.
    pub fn body_bytes(&self) -> u64 {
        lock(&self.inner).body_bytes
    }
    /// Waits until at least `n` requests have arrived, or `timeout`; true if they did.
    pub fn wait_for_requests(&self, n: usize, timeout: Duration) -> bool {
        let guard = lock(&self.inner);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.log.len() < n)
            .unwrap_or_else(|e| e.into_inner());
        guard.log.len() >= n
    }

    /// Logs a request and counts it in flight until [`Stats::leave`].
    pub(crate) fn arrive(&self, mut record: RequestRecord) -> RequestRecord {
        let mut s = lock(&self.inner);
        record.seq = s.log.len();
        record.at = self.started.elapsed();
        *s.hits.entry(record.path.clone()).or_default() += 1;
        s.in_flight += 1;
        s.max_in_flight = s.max_in_flight.max(s.in_flight);
        s.log.push(record.clone());
        self.changed.notify_all();
        record
    }
    pub(crate) fn sent(&self, bytes: u64) {
        lock(&self.inner).body_bytes += bytes;
    }
    pub(crate) fn leave(&self, path: &str, completed: bool) {
        let mut s = lock(&self.inner);
        s.in_flight -= 1;
        if completed {
            *s.completed.entry(path.to_owned()).or_default() += 1;
        }
        self.changed.notify_all();
    }
}

/// Set once when the server stops; every sleep and gate wait of the server ends on it.
#[derive(Debug, Default)]
pub(crate) struct StopSignal {
    stopped: Mutex<bool>,
    changed: Condvar,
}

impl StopSignal {
    pub(crate) fn stop(&self) {
        *lock(&self.stopped) = true;
        self.changed.notify_all();
    }
    pub(crate) fn is_stopped(&self) -> bool {
        *lock(&self.stopped)
    }
    /// Sleeps for `duration` unless the server stops first; false if it did.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        let guard = lock(&self.stopped);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, duration, |stopped| !*stopped)
            .unwrap_or_else(|e| e.into_inner());
        !*guard
    }
}

/// Holds responses (after the request is logged, before anything is sent) until it opens, then
/// stays open. It opens when [`Gate::release`] is called, or when `threshold` requests are at or
/// past it at once (a client that really sends N requests concurrently opens it), or after
/// `give_up` (so a sequential client costs one wait, not one per request, and the test reads
/// [`Gate::timed_out`] / [`Gate::max_in_flight`] to say what happened).
#[derive(Debug)]
pub struct Gate {
    threshold: Option<usize>,
    give_up: Option<Duration>,
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct GateState {
    held: usize,
    in_flight: usize,
    max_in_flight: usize,
    open: bool,
    timed_out: bool,
}

/// How often a held request looks at the stop signal and the give-up deadline.
const GATE_POLL: Duration = Duration::from_millis(20);

impl Gate {
    /// A gate that opens when `threshold` requests are in flight at once, or after `give_up`.
    pub fn new(threshold: usize, give_up: Duration) -> Arc<Self> {
        Self::with(Some(threshold), Some(give_up))
    }

    /// A gate that opens only when the test calls [`Gate::release`] (or the server stops):
    /// to hold a first request while the test arranges what comes next.
    pub fn manual() -> Arc<Self> {
        Self::with(None, None)
    }

    fn with(threshold: Option<usize>, give_up: Option<Duration>) -> Arc<Self> {
        Arc::new(Self {
            threshold,
            give_up,
            state: Mutex::default(),
            changed: Condvar::new(),
        })
    }

    /// Opens the gate for good: held responses go on.
    pub fn release(&self) {
        lock(&self.state).open = true;
        self.changed.notify_all();
    }
    /// True once the gate has opened, whatever opened it.
    pub fn is_open(&self) -> bool {
        lock(&self.state).open
    }
    /// Requests waiting at the gate now.
    pub fn held(&self) -> usize {
        lock(&self.state).held
    }
    /// Waits until `n` requests are held at the gate at once, or `timeout`; true if they were.
    pub fn wait_held(&self, n: usize, timeout: Duration) -> bool {
        let guard = lock(&self.state);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.held < n)
            .unwrap_or_else(|e| e.into_inner());
        guard.held >= n
    }
    /// The most requests that were at or past the gate (not yet answered) at the same time.
    pub fn max_in_flight(&self) -> usize {
        lock(&self.state).max_in_flight
    }
    /// True when `threshold` requests were in flight at once (never for a manual gate).
    pub fn reached(&self) -> bool {
        self.threshold
            .is_some_and(|threshold| self.max_in_flight() >= threshold)
    }
    /// True when the gate gave up waiting for `threshold` requests.
    pub fn timed_out(&self) -> bool {
        lock(&self.state).timed_out
    }

    /// Waits at the gate; false if the server stopped first. Call [`Gate::leave`] after the
    /// response in either case.
    pub(crate) fn enter(&self, stop: &StopSignal) -> bool {
        let deadline = self.give_up.map(|g| Instant::now() + g);
        let mut s = lock(&self.state);
        s.in_flight += 1;
        s.max_in_flight = s.max_in_flight.max(s.in_flight);
        if self.threshold.is_some_and(|t| s.in_flight >= t) {
            s.open = true;
        }
        s.held += 1;
        self.changed.notify_all();
        while !s.open {
            if stop.is_stopped() {
                break;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                s.timed_out = true;
                s.open = true;
                break;
            }
            s = self
                .changed
                .wait_timeout(s, GATE_POLL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        s.held -= 1;
        let open = s.open;
        self.changed.notify_all();
        open
    }
    pub(crate) fn leave(&self) {
        lock(&self.state).in_flight -= 1;
        self.changed.notify_all();
    }
}

impl Delay {
    /// The delay of every response for `path`.
    pub fn for_path(&self, path: &str) -> Duration {
        self.for_key(path)
    }
}
