//! [`ProcessPoolExecutor`]: one manager thread per worker process, taking requests from a shared
//! queue, sending each to its process and completing the future with the reply.

use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::child::{Failure, Launch, WorkerProcess};
use super::jobs::{Chunk, One, Pending, Traced};
use super::map::{ProcessMap, Slot};
use super::protocol::{self, Outcome};
use super::{registry, worker};
use crate::timeline::Timeline;
use crate::{Error, Future, Promise};

/// How long an idle worker may take to exit once its stdin closes, before it is killed.
pub(super) const EXIT_GRACE: Duration = Duration::from_secs(5);

static NEXT_POOL_ID: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    /// The id of the pool whose manager runs on this thread (0 elsewhere): done callbacks run
    /// here, and a manager must not wait for itself.
    pub(super) static MANAGER_OF: Cell<usize> = const { Cell::new(0) };
}

/// A pool of worker processes: Python's `ProcessPoolExecutor`, for isolation rather than speed.
///
/// Each task runs in another process, a copy of this program started by the pool. A task that
/// aborts, overflows its stack, calls `exit` or is killed fails only its own future with
/// [`Error::Broken`] naming the cause, and the pool replaces that process; a task that panics
/// fails with [`Error::Panicked`] and its process lives on; a task that runs past its time limit
/// is killed and fails with [`Error::TimedOut`].
///
/// Tasks are registered functions (`fn name(A) -> T`) with serde-serialisable arguments and results:
/// `main` must call [`init`](crate::process::init) first thing, with the list of functions. The
/// futures are the crate's own [`Future`], so [`as_completed`](crate::as_completed),
/// [`wait`](crate::wait), callbacks and timeouts work as with the other pools. It does not
/// implement [`Executor`](crate::Executor), whose tasks are closures: a closure cannot be sent to
/// another process.
///
/// ```no_run
/// use concurrent::process::{self, ProcessPoolExecutor, tasks};
///
/// fn square(n: u64) -> u64 {
///     n * n
/// }
///
/// fn main() {
///     process::init(tasks![square]); // the worker processes stop here, serving tasks
///     let pool = ProcessPoolExecutor::new(2);
///     let nine = pool.submit(square, 3).unwrap();
///     assert_eq!(nine.result(), Ok(9));
///     let squares: Vec<u64> = pool.map(square, 1..=4, 2).unwrap().map(Result::unwrap).collect();
///     assert_eq!(squares, [1, 4, 9, 16]);
/// }
/// ```
///
/// A closure that captures anything is refused at compile time, where Python's pickling would
/// fail at run time (the error reads "a process task must be a function named directly"):
///
/// ```compile_fail
/// # let pool = concurrent::process::ProcessPoolExecutor::new(1);
/// let offset = 10_u64;
/// let future = pool.submit(move |n: u64| n + offset, 1);
/// ```
///
/// So is a function pointer: its value is an address, meaningless in another process. Name the
/// function itself, as in `pool.submit(square, 3)`:
///
/// ```compile_fail
/// # let pool = concurrent::process::ProcessPoolExecutor::new(1);
/// fn square(n: u64) -> u64 { n * n }
/// let pointer: fn(u64) -> u64 = square;
/// let future = pool.submit(pointer, 3);
/// ```
pub struct ProcessPoolExecutor {
    shared: Arc<Shared>,
    managers: Mutex<Vec<JoinHandle<()>>>,
}

/// What the pool's managers share.
pub(super) struct Shared {
    pub(super) id: usize,
    state: Mutex<State>,
    /// Signalled when a request is queued or the pool closes.
    available: Condvar,
    workers: usize,
    launch: Launch,
    pub(super) max_tasks_per_child: Option<usize>,
    time_limit: Option<Duration>,
    /// The initializer's request frame, sent to each new worker first.
    initializer: Option<Vec<u8>>,
    /// The pid of each manager's current worker process.
    pids: Mutex<Vec<Option<u32>>>,
    /// Where requests are recorded, if anywhere.
    timeline: Option<Timeline>,
}

struct State {
    jobs: VecDeque<Box<dyn Pending>>,
    /// `Error::Shutdown` or `Error::Broken(..)` once no request is accepted.
    closed: Option<Error>,
    /// Managers waiting for a request.
    idle: usize,
}

/// Configures a [`ProcessPoolExecutor`]: `ProcessPoolExecutor::builder()...build()`.
///
/// ```no_run
/// use std::time::Duration;
/// use concurrent::process::ProcessPoolExecutor;
///
/// let pool = ProcessPoolExecutor::builder()
///     .workers(4)
///     .max_tasks_per_child(100)
///     .time_limit(Duration::from_secs(30))
///     .build();
/// ```
pub struct ProcessPoolBuilder {
    workers: usize,
    max_tasks_per_child: Option<usize>,
    time_limit: Option<Duration>,
    initializer: Option<Result<Vec<u8>, Error>>,
    launch: Launch,
    timeline: Option<Timeline>,
}

impl Default for ProcessPoolBuilder {
    fn default() -> Self {
        ProcessPoolBuilder {
            workers: 0,
            max_tasks_per_child: None,
            time_limit: None,
            initializer: None,
            timeline: None,
            launch: Launch {
                program: None,
                args: Vec::new(),
                startup_limit: Duration::from_secs(30),
            },
        }
    }
}

impl ProcessPoolBuilder {
    /// The number of worker processes; 0 (the default) means one per core.
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }

    /// Replaces a worker process after it has answered `requests` requests (a `submit` is one, a
    /// chunk of `map` is one), as Python 3.11's `max_tasks_per_child`: memory a task leaks is
    /// given back to the system. 0 means never (the default).
    pub fn max_tasks_per_child(mut self, requests: usize) -> Self {
        self.max_tasks_per_child = (requests > 0).then_some(requests);
        self
    }

    /// The longest one request may run: then its worker is killed and replaced, and the future
    /// fails with [`Error::TimedOut`]. [`ProcessPoolExecutor::submit_with_time_limit`] sets one
    /// task's limit.
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = Some(limit);
        self
    }

    /// Runs `f(arg)` once in each worker process as it starts, before any task (Python's
    /// `initializer` and `initargs`). `f` must be registered like a task. If it panics, or cannot
    /// be sent, the pool is broken: every submission fails with [`Error::Broken`].
    pub fn initializer<F, A>(mut self, f: F, arg: A) -> Self
    where
        F: Fn(A) + 'static,
        A: Serialize,
    {
        self.initializer = Some(encode_one(&f, &arg));
        self
    }

    /// Records every request (a `submit`, or a chunk of `map`) in `timeline`: when it was
    /// queued, when its worker process started it, when it ended and how (a crash is
    /// [`Outcome::Broken`](crate::timeline::Outcome::Broken), a time limit
    /// [`Outcome::TimedOut`](crate::timeline::Outcome::TimedOut)). Each worker *process* is a row,
    /// so a replaced worker is a new row. Labels are the function's name (`square`), or its name
    /// and item range for a chunk (`square[0..4]`). Without it, nothing is recorded and nothing
    /// is paid.
    ///
    /// ```no_run
    /// use concurrent::process::ProcessPoolExecutor;
    /// use concurrent::timeline::Timeline;
    ///
    /// let timeline = Timeline::new(1_000);
    /// let pool = ProcessPoolExecutor::builder().workers(2).timeline(&timeline).build();
    /// // ... submit, then: timeline.write_svg("pool.svg")
    /// ```
    pub fn timeline(mut self, timeline: &Timeline) -> Self {
        self.timeline = Some(timeline.clone());
        self
    }

    /// The longest a new worker process may take to start (default 30 s).
    pub fn startup_limit(mut self, limit: Duration) -> Self {
        self.launch.startup_limit = limit;
        self
    }

    /// For tests: start workers by re-running this test binary with only the test named `name`
    /// (its full path, as `cargo test` prints it), a test whose body calls
    /// [`init`](crate::process::init). libtest owns `main` in a test binary, so that test is the
    /// worker's entry point; see the [module documentation](crate::process).
    pub fn test_worker(mut self, name: &str) -> Self {
        self.launch.args = [name, "--exact", "--nocapture", "--test-threads=1", "-q"]
            .map(str::to_owned)
            .to_vec();
        self
    }

    /// Builds the pool and starts its worker processes, returning once each is ready (has run
    /// the initializer). A pool whose workers cannot start is returned broken: submissions fail
    /// with [`Error::Broken`] saying why.
    pub fn build(self) -> ProcessPoolExecutor {
        refuse_to_run_main_twice();
        let workers = match self.workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let (initializer, broken) = match self.initializer {
            None => (None, None),
            Some(Ok(frame)) => (Some(frame), None),
            Some(Err(error)) => (None, Some(format!("the initializer cannot run: {error}"))),
        };
        let shared = Arc::new(Shared {
            id: NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed),
            state: Mutex::new(State {
                jobs: VecDeque::new(),
                closed: None,
                idle: 0,
            }),
            available: Condvar::new(),
            workers,
            launch: self.launch,
            max_tasks_per_child: self.max_tasks_per_child,
            time_limit: self.time_limit,
            initializer,
            pids: Mutex::new(vec![None; workers]),
            timeline: self.timeline,
        });
        let pool = ProcessPoolExecutor {
            shared: Arc::clone(&shared),
            managers: Mutex::new(Vec::new()),
        };
        if let Some(reason) = broken {
            shared.break_with(reason);
            return pool;
        }
        let (ready, started) = std::sync::mpsc::channel();
        for slot in 0..workers {
            let manager = Arc::clone(&shared);
            let ready = ready.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("ProcessPool{}_{slot}", shared.id))
                .spawn(move || manager.manage(slot, ready));
            match spawned {
                Ok(handle) => lock(&pool.managers).push(handle),
                Err(error) => {
                    shared.break_with(format!("could not start a manager thread: {error}"));
                    break;
                }
            }
        }
        // Each manager drops its sender once its first worker is ready (or failed and broke
        // the pool), so a pool that cannot start is broken before the first submission.
        drop(ready);
        while started.recv().is_ok() {}
        pool
    }
}

impl fmt::Debug for ProcessPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessPoolBuilder")
            .field("workers", &self.workers)
            .field("max_tasks_per_child", &self.max_tasks_per_child)
            .field("time_limit", &self.time_limit)
            .field("initializer", &self.initializer.is_some())
            .field("args", &self.launch.args)
            .finish()
    }
}

impl ProcessPoolExecutor {
    /// A pool of `workers` processes (0 means one per core).
    pub fn new(workers: usize) -> Self {
        Self::builder().workers(workers).build()
    }

    /// A builder for the worker count, time limit, `max_tasks_per_child`, initializer and, in
    /// tests, the worker's entry point.
    pub fn builder() -> ProcessPoolBuilder {
        ProcessPoolBuilder::default()
    }

    /// Runs `f(arg)` in a worker process and returns its [`Future`] at once (Python's
    /// `submit(fn, arg)`). `f` must be listed in the [`tasks!`](crate::process::tasks) given to
    /// [`init`](crate::process::init); use a tuple for several arguments.
    ///
    /// Refused with [`Error::Unsendable`] when `f` is not registered or `arg` cannot be
    /// serialised, with [`Error::Shutdown`] after [`shutdown`](Self::shutdown), and with
    /// [`Error::Broken`] when the pool is broken. The future fails with [`Error::Panicked`] if
    /// `f` panics, [`Error::Broken`] if its process dies (the message names the signal or exit
    /// code), [`Error::TimedOut`] past the time limit, and [`Error::Unsendable`] if the result
    /// cannot be sent back.
    pub fn submit<F, A, T>(&self, f: F, arg: A) -> Result<Future<T>, Error>
    where
        F: Fn(A) -> T + 'static,
        A: Serialize,
        T: DeserializeOwned + Send + 'static,
    {
        self.submit_limited(f, arg, self.shared.time_limit)
    }

    /// [`submit`](Self::submit) with a time limit for this task alone: after `limit` its worker
    /// process is killed and replaced, and the future fails with [`Error::TimedOut`]. (Python
    /// cannot stop a running task; a process can be killed.)
    pub fn submit_with_time_limit<F, A, T>(
        &self,
        f: F,
        arg: A,
        limit: Duration,
    ) -> Result<Future<T>, Error>
    where
        F: Fn(A) -> T + 'static,
        A: Serialize,
        T: DeserializeOwned + Send + 'static,
    {
        self.submit_limited(f, arg, Some(limit))
    }

    fn submit_limited<F, A, T>(
        &self,
        f: F,
        arg: A,
        time_limit: Option<Duration>,
    ) -> Result<Future<T>, Error>
    where
        F: Fn(A) -> T + 'static,
        A: Serialize,
        T: DeserializeOwned + Send + 'static,
    {
        let frame = encode_one(&f, &arg)?;
        let (promise, future) = Promise::new();
        let job = Box::new(One {
            promise,
            frame,
            time_limit,
        });
        self.shared
            .enqueue(job, || function_name::<F>().to_owned())?;
        Ok(future)
    }

    /// Applies `f` to every item in worker processes and yields the results in input order
    /// (Python's `map(fn, items, chunksize=...)`). Items travel in chunks of `chunksize` (0 counts
    /// as 1): one request per chunk, so the cost of a round trip is shared by its items. Every
    /// chunk is queued at once, as in Python. An item that fails yields its error at its position
    /// and iteration goes on; a chunk whose process dies or times out fails each of its items.
    /// Dropping the iterator cancels the chunks that have not started.
    ///
    /// Refused as a whole, like [`submit`](Self::submit), when `f` is not registered or the pool
    /// does not accept work.
    pub fn map<F, A, T, I>(&self, f: F, items: I, chunksize: usize) -> Result<ProcessMap<T>, Error>
    where
        F: Fn(A) -> T + 'static,
        I: IntoIterator<Item = A>,
        A: Serialize,
        T: DeserializeOwned + Send + 'static,
    {
        let _ = f; // only its type travels
        let task = registry::index_of::<F>()?;
        self.shared.accepting()?;
        let chunksize = chunksize.max(1);
        let mut slots = VecDeque::new();
        let mut chunk: Vec<Vec<u8>> = Vec::with_capacity(chunksize);
        // The index of the next item, for the chunks' labels in a timeline.
        let next_item = Cell::new(0);
        let flush = |chunk: &mut Vec<Vec<u8>>, slots: &mut VecDeque<Slot<T>>| {
            if chunk.is_empty() {
                return;
            }
            let len = chunk.len();
            let first = next_item.replace(next_item.get() + len);
            let frame = protocol::request(task, chunk.iter().map(Vec::as_slice));
            chunk.clear();
            let (promise, future) = Promise::new();
            let job = Box::new(Chunk {
                promise,
                frame,
                len,
                time_limit: self.shared.time_limit,
            });
            let label = || format!("{}[{first}..{}]", function_name::<F>(), first + len);
            let queued = self.shared.enqueue(job, label);
            slots.push_back(match queued {
                Ok(()) => Slot::Chunk(future, len),
                Err(error) => Slot::Failed(error, len),
            });
        };
        for item in items {
            match encode(&item) {
                Ok(bytes) => chunk.push(bytes),
                Err(error) => {
                    flush(&mut chunk, &mut slots);
                    next_item.set(next_item.get() + 1);
                    slots.push_back(Slot::Failed(error, 1));
                }
            }
            if chunk.len() == chunksize {
                flush(&mut chunk, &mut slots);
            }
        }
        flush(&mut chunk, &mut slots);
        Ok(ProcessMap::new(slots))
    }

    /// The number of worker processes.
    pub fn max_workers(&self) -> usize {
        self.shared.workers
    }

    /// The process ids of the live worker processes (a crashed or retired one is replaced when
    /// the next task needs it).
    pub fn worker_pids(&self) -> Vec<u32> {
        lock(&self.shared.pids).iter().flatten().copied().collect()
    }

    /// Stops accepting tasks, as [`Executor::shutdown`](crate::Executor::shutdown): with
    /// `cancel_futures`, queued tasks that have not started are cancelled; with `wait`, blocks
    /// until the running and queued tasks are done and every worker process has exited and been
    /// reaped. From a done callback (which runs on a manager thread) it never waits.
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.shared.close(cancel_futures);
        if wait && !self.shared.on_own_manager() {
            let managers = std::mem::take(&mut *lock(&self.managers));
            for manager in managers {
                // A manager never panics: tasks run in other processes, callbacks are caught.
                let _ = manager.join();
            }
        }
    }
}

impl Drop for ProcessPoolExecutor {
    /// `shutdown(wait = true)`: queued tasks still run, then every worker exits and is reaped.
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

impl fmt::Debug for ProcessPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.shared.state);
        f.debug_struct("ProcessPoolExecutor")
            .field("workers", &self.shared.workers)
            .field("pids", &*lock(&self.shared.pids))
            .field("queued", &state.jobs.len())
            .field("closed", &state.closed)
            .finish()
    }
}

impl Shared {
    fn accepting(&self) -> Result<(), Error> {
        match &lock(&self.state).closed {
            Some(reason) => Err(reason.clone()),
            None => Ok(()),
        }
    }

    /// Queues `job`; `label` names it in the timeline, if the pool has one.
    fn enqueue(&self, job: Box<dyn Pending>, label: impl FnOnce() -> String) -> Result<(), Error> {
        let mut state = lock(&self.state);
        if let Some(reason) = &state.closed {
            let reason = reason.clone();
            drop(state);
            job.cancel(); // nobody holds its future: the caller gets the error instead
            return Err(reason);
        }
        // Recorded under the queue's lock, so before any manager can start it.
        let job = match self
            .timeline
            .as_ref()
            .and_then(|t| t.submitted(Some(label())))
        {
            Some(task) => Box::new(Traced { job, task }),
            None => job,
        };
        state.jobs.push_back(job);
        drop(state);
        self.available.notify_one();
        Ok(())
    }

    /// The next request, or `None` once the pool is closed and the queue empty.
    pub(super) fn next_job(&self) -> Option<Box<dyn Pending>> {
        let mut state = lock(&self.state);
        loop {
            if let Some(job) = state.jobs.pop_front() {
                return Some(job);
            }
            if state.closed.is_some() {
                return None;
            }
            state.idle += 1;
            state = self
                .available
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
            state.idle -= 1;
        }
    }

    /// A request to send ahead to a busy worker, unless another manager is idle (then it is
    /// that one's) or none is queued.
    pub(super) fn try_next_job(&self) -> Option<Box<dyn Pending>> {
        let mut state = lock(&self.state);
        if state.idle > 0 {
            return None;
        }
        state.jobs.pop_front()
    }

    fn close(&self, cancel: bool) {
        let mut state = lock(&self.state);
        if state.closed.is_none() {
            state.closed = Some(Error::Shutdown);
        }
        let cancelled: Vec<_> = if cancel {
            state.jobs.drain(..).collect()
        } else {
            Vec::new()
        };
        drop(state);
        self.available.notify_all();
        for job in cancelled {
            job.cancel();
        }
    }

    /// No more requests are accepted and the queued ones fail with [`Error::Broken`].
    pub(super) fn break_with(&self, reason: String) {
        log::error!("process pool broken: {reason}");
        let error = Error::Broken(reason);
        let mut state = lock(&self.state);
        if !matches!(state.closed, Some(Error::Broken(_))) {
            state.closed = Some(error.clone());
        }
        let failed: Vec<_> = state.jobs.drain(..).collect();
        drop(state);
        self.available.notify_all();
        for job in failed {
            if job.start() {
                job.finish(Err(error.clone()));
            }
        }
    }

    fn on_own_manager(&self) -> bool {
        MANAGER_OF.with(|pool| pool.get() == self.id)
    }

    pub(super) fn set_pid(&self, slot: usize, pid: Option<u32>) {
        if let Some(entry) = lock(&self.pids).get_mut(slot) {
            *entry = pid;
        }
    }

    /// Starts a worker process and runs the initializer in it.
    pub(super) fn start_worker(&self, slot: usize) -> Result<WorkerProcess, String> {
        let mut worker = WorkerProcess::start(&self.launch)?;
        if let Some(frame) = &self.initializer {
            let deadline = Instant::now() + self.launch.startup_limit;
            match worker.call(frame, Some(deadline)) {
                Ok(outcomes) => match outcomes.as_slice() {
                    [Outcome::Value(_)] => {}
                    [Outcome::Panicked(message)] => {
                        return Err(format!("the initializer panicked: {message}"));
                    }
                    [Outcome::Unsendable(message)] => {
                        return Err(format!("the initializer could not run: {message}"));
                    }
                    _ => return Err("the initializer got a malformed reply".to_owned()),
                },
                Err(Failure::TimedOut) => {
                    return Err(format!(
                        "the initializer did not finish within {:?}",
                        self.launch.startup_limit
                    ));
                }
                Err(Failure::Died(cause) | Failure::NotSent(cause)) => {
                    return Err(format!("the initializer crashed its worker: {cause}"));
                }
            }
        }
        // The initializer is not a task: max_tasks_per_child counts from here.
        worker.sent = 0;
        worker.requests = 0;
        self.set_pid(slot, Some(worker.pid));
        Ok(worker)
    }
}

/// Stops a process that was started as a worker but reached a pool's constructor without
/// calling [`init`](crate::process::init): it is running the program's `main` a second time, and
/// would start workers of its own, and so on. Python's `spawn` start method stops it likewise.
fn refuse_to_run_main_twice() {
    if worker::marker().is_some() && !worker::serving() {
        eprintln!(
            "concurrent::process: this process was started as a worker but did not call \
             concurrent::process::init(...) at the top of main, so it ran main again; exiting. \
             Call init first thing in main (in tests, in the test named by test_worker)."
        );
        std::process::exit(worker::NOT_A_WORKER_EXIT);
    }
}

/// The request frame of one call, or why it cannot be sent.
fn encode_one<F, A, T>(_: &F, arg: &A) -> Result<Vec<u8>, Error>
where
    F: Fn(A) -> T + 'static,
    A: Serialize,
{
    let task = registry::index_of::<F>()?;
    let bytes = encode(arg)?;
    Ok(protocol::request(task, std::iter::once(bytes.as_slice())))
}

fn encode<A: Serialize>(arg: &A) -> Result<Vec<u8>, Error> {
    postcard::to_allocvec(arg).map_err(|error| {
        Error::Unsendable(format!(
            "the argument ({}) could not be serialised: {error}",
            std::any::type_name::<A>()
        ))
    })
}

/// `square` for `crate::tasks::square`: a process task's label in a timeline.
fn function_name<F>() -> &'static str {
    let path = std::any::type_name::<F>();
    path.rsplit("::").next().unwrap_or(path)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
