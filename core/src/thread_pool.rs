//! [`ThreadPoolExecutor`]: a pool of OS threads for tasks that mostly wait (network, disk, sleeps).

use std::fmt;
use std::sync::Arc;

use crate::workers::{Initializer, Workers};
use crate::{Error, Executor, Future};

/// Python's `ThreadPoolExecutor`: up to `max_workers` threads run submitted tasks in FIFO order.
///
/// Workers start lazily, one per submission while no idle worker can take it, up to the maximum;
/// an idle worker is always reused before a new thread starts. A worker counts as idle from the
/// moment its task's future is done, so `submit(..).result()` in a loop runs on one thread, as in
/// CPython. A task that panics fails its future
/// with [`Error::Panicked`] and its worker carries on, so the pool never shrinks.
///
/// Use it for I/O-bound work. Unlike Python, Rust has no GIL: these threads also run CPU-bound code
/// in parallel, but for pure computation prefer [`CpuPoolExecutor`](crate::CpuPoolExecutor), sized
/// to the cores.
///
/// Dropping the executor shuts it down and waits for every queued task, like leaving Python's
/// `with ThreadPoolExecutor() as executor:` block.
///
/// ```
/// use concurrent::{Executor, ThreadPoolExecutor, as_completed};
///
/// let pool = ThreadPoolExecutor::builder().max_workers(4).thread_name_prefix("fetch").build();
/// let pages = ["a.example", "b.example", "c.example"]
///     .map(|host| (host, pool.submit(move || format!("<html>{host}</html>")).unwrap()));
/// for done in as_completed(pages, None) {
///     let (host, page) = done.unwrap();
///     assert!(page.result().unwrap().contains(host));
/// }
/// ```
pub struct ThreadPoolExecutor {
    pool: Arc<Workers>,
}

/// Configures a [`ThreadPoolExecutor`]: `ThreadPoolExecutor::builder()...build()`.
///
/// ```
/// use concurrent::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::builder()
///     .max_workers(2)
///     .thread_name_prefix("worker")
///     .initializer(|| println!("a worker starts"))
///     .build();
/// let name = pool.submit(|| std::thread::current().name().map(String::from)).unwrap();
/// assert!(name.result().unwrap().unwrap().starts_with("worker_"));
/// ```
#[derive(Default)]
pub struct ThreadPoolBuilder {
    max_workers: usize,
    thread_name_prefix: Option<String>,
    initializer: Option<Initializer>,
}

impl ThreadPoolBuilder {
    /// The most threads the pool starts. 0 (the default) means Python 3.13's default,
    /// `min(32, cpus + 4)`: enough threads to overlap I/O waits without hoarding memory.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::builder().build();
    /// assert_eq!(pool.max_workers(), ThreadPoolExecutor::default_max_workers());
    /// ```
    pub fn max_workers(mut self, max_workers: usize) -> Self {
        self.max_workers = max_workers;
        self
    }

    /// Names the worker threads `{prefix}_{n}` (n from 0), as Python does; the default prefix is
    /// `ThreadPoolExecutor-{pool number}`. Names show up in panic messages, debuggers and `top -H`.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::builder().max_workers(1).thread_name_prefix("io").build();
    /// let name = pool.submit(|| std::thread::current().name().unwrap().to_owned()).unwrap();
    /// assert_eq!(name.result().unwrap(), "io_0");
    /// ```
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.thread_name_prefix = Some(prefix.into());
        self
    }

    /// Runs `initializer` once in each worker thread before its first task (to open a connection,
    /// set up a thread-local...). If it panics, the pool is **broken**: queued futures fail with
    /// [`Error::Broken`] carrying the panic message, and later submissions are refused with it.
    ///
    /// ```
    /// use concurrent::{Error, Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::builder().initializer(|| panic!("no database")).build();
    /// let future = pool.submit(|| 1).unwrap();
    /// assert!(matches!(future.result(), Err(Error::Broken(reason)) if reason.contains("no database")));
    /// assert!(matches!(pool.submit(|| 2), Err(Error::Broken(_))));
    /// ```
    pub fn initializer(mut self, initializer: impl Fn() + Send + Sync + 'static) -> Self {
        self.initializer = Some(Arc::new(initializer));
        self
    }

    /// Builds the pool. No thread starts until the first task is submitted.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::builder().max_workers(3).build();
    /// assert_eq!((pool.max_workers(), pool.worker_count()), (3, 0));
    /// pool.submit(|| ()).unwrap().result().unwrap();
    /// assert_eq!(pool.worker_count(), 1);
    /// ```
    pub fn build(self) -> ThreadPoolExecutor {
        let max_workers = match self.max_workers {
            0 => ThreadPoolExecutor::default_max_workers(),
            n => n,
        };
        ThreadPoolExecutor {
            pool: Workers::new(
                max_workers,
                self.thread_name_prefix,
                |id| format!("ThreadPoolExecutor-{id}"),
                self.initializer,
            ),
        }
    }
}

impl fmt::Debug for ThreadPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolBuilder")
            .field("max_workers", &self.max_workers)
            .field("thread_name_prefix", &self.thread_name_prefix)
            .field("initializer", &self.initializer.is_some())
            .finish()
    }
}

impl ThreadPoolExecutor {
    /// A pool of at most `max_workers` threads (0 means [`default_max_workers`](Self::default_max_workers)).
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::new(8);
    /// assert_eq!(pool.submit(|| "ready").unwrap().result(), Ok("ready"));
    /// ```
    pub fn new(max_workers: usize) -> Self {
        Self::builder().max_workers(max_workers).build()
    }

    /// A builder for the worker count, thread names and initializer.
    ///
    /// ```
    /// let pool = concurrent::ThreadPoolExecutor::builder().max_workers(2).build();
    /// # drop(pool);
    /// ```
    pub fn builder() -> ThreadPoolBuilder {
        ThreadPoolBuilder::default()
    }

    /// Python 3.13's default worker count: `min(32, cpus + 4)`.
    ///
    /// ```
    /// let n = concurrent::ThreadPoolExecutor::default_max_workers();
    /// assert!((5..=32).contains(&n));
    /// ```
    pub fn default_max_workers() -> usize {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        (cpus + 4).min(32)
    }

    /// How many worker threads are alive now: it grows lazily with the work, up to
    /// [`max_workers`](Executor::max_workers), and never shrinks while the pool is open.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::new(4);
    /// assert_eq!(pool.worker_count(), 0);
    /// pool.submit(|| ()).unwrap().wait();
    /// assert_eq!(pool.worker_count(), 1);
    /// ```
    pub fn worker_count(&self) -> usize {
        self.pool.queue.lock().active
    }

    /// How many workers are idle now: alive and not running a task (waiting for one, or on the
    /// way back to the queue after one). The next submission goes to one of them rather than to a
    /// new thread. A worker counts as idle before its task's future is marked done, so by the time
    /// `result()` returns, its worker already counts.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::new(4);
    /// assert_eq!(pool.idle_workers(), 0); // no worker has started yet
    /// pool.submit(|| ()).unwrap().result().unwrap();
    /// assert_eq!(pool.idle_workers(), 1);
    /// ```
    pub fn idle_workers(&self) -> usize {
        let state = self.pool.queue.lock();
        state.active.saturating_sub(self.pool.queue.busy())
    }
}

impl Executor for ThreadPoolExecutor {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let max = self.pool.max_workers;
        // One more thread only while the queued jobs outnumber the workers not running a job
        // (asleep, looking for one, or just done with one): an available worker is always reused.
        self.pool.submit(task, |state, busy| {
            let available = state.active.saturating_sub(busy);
            let spawn = state.jobs.len() > available && state.active < max;
            if spawn {
                state.active += 1;
            }
            spawn
        })
    }

    fn max_workers(&self) -> usize {
        self.pool.max_workers
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.pool.shutdown(wait, cancel_futures);
    }
}

impl Drop for ThreadPoolExecutor {
    fn drop(&mut self) {
        self.pool.close_and_join();
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.pool.queue.lock();
        f.debug_struct("ThreadPoolExecutor")
            .field("max_workers", &self.pool.max_workers)
            .field("workers", &state.active)
            .field("busy", &self.pool.queue.busy())
            .field("queued", &state.jobs.len())
            .field("closed", &state.closed)
            .finish()
    }
}
