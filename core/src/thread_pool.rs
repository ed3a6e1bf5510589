//! [`ThreadPoolExecutor`]: a pool of OS threads for tasks that mostly wait (network, disk, sleeps).

use std::cell::Cell;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::panic_message;
use crate::queue::Queue;
use crate::task::Job;
use crate::{Error, Executor, Future};

type Initializer = Arc<dyn Fn() + Send + Sync>;

/// Gives each pool an identity, so a worker knows which pool it belongs to.
static NEXT_POOL_ID: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    /// The id of the pool this thread works for (0 on threads that are not workers).
    static CURRENT_POOL: Cell<usize> = const { Cell::new(0) };
}

/// Python's `ThreadPoolExecutor`: up to `max_workers` threads run submitted tasks in FIFO order.
///
/// Workers start lazily, one per submission while no idle worker can take it, up to the maximum;
/// an idle worker is always reused before a new thread starts. A task that panics fails its future
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
    pool: Arc<Pool>,
}

struct Pool {
    id: usize,
    queue: Queue,
    max_workers: usize,
    thread_name_prefix: String,
    initializer: Option<Initializer>,
    /// Workers started so far (to number thread names).
    started: AtomicUsize,
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
        let id = NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed);
        let max_workers = match self.max_workers {
            0 => ThreadPoolExecutor::default_max_workers(),
            n => n,
        };
        ThreadPoolExecutor {
            pool: Arc::new(Pool {
                id,
                queue: Queue::new(),
                max_workers,
                thread_name_prefix: self
                    .thread_name_prefix
                    .unwrap_or_else(|| format!("ThreadPoolExecutor-{id}")),
                initializer: self.initializer,
                started: AtomicUsize::new(0),
            }),
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

    /// How many workers are idle now, blocked waiting for a task. The next submission goes to one
    /// of them rather than to a new thread. A worker whose task just finished becomes idle a moment
    /// after its future is done (it may still be returning from the task).
    ///
    /// ```
    /// use concurrent::ThreadPoolExecutor;
    /// let pool = ThreadPoolExecutor::new(4);
    /// assert_eq!(pool.idle_workers(), 0); // no worker has started yet
    /// ```
    pub fn idle_workers(&self) -> usize {
        self.pool.queue.lock().idle
    }
}

impl Pool {
    /// Starts one more worker; called with the queue locked, after `active` was incremented.
    fn spawn_worker(self: &Arc<Self>) -> std::io::Result<()> {
        let number = self.started.fetch_add(1, Ordering::Relaxed);
        let pool = Arc::clone(self);
        std::thread::Builder::new()
            .name(format!("{}_{number}", self.thread_name_prefix))
            .spawn(move || pool.work())
            .map(drop)
    }

    fn work(self: Arc<Self>) {
        CURRENT_POOL.with(|current| current.set(self.id));
        if let Some(initializer) = &self.initializer
            && let Err(payload) = catch_unwind(AssertUnwindSafe(|| initializer()))
        {
            let reason = format!(
                "a worker's initializer panicked: {}",
                panic_message(payload.as_ref())
            );
            log::error!("{reason}");
            self.queue.break_with(reason);
            self.queue.finish_one();
            return;
        }
        while let Some(job) = self.queue.pop() {
            job.run();
        }
        self.queue.finish_one();
    }

    fn on_own_worker(&self) -> bool {
        CURRENT_POOL.with(|current| current.get() == self.id)
    }
}

impl Executor for ThreadPoolExecutor {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, future) = Job::new(task);
        let max = self.pool.max_workers;
        let mut spawn = false;
        let pushed = self.pool.queue.push(job, |state| {
            if state.idle < state.jobs.len() && state.active < max {
                state.active += 1;
                spawn = true;
            }
        });
        if let Err((job, error)) = pushed {
            // Cancel the refused job quietly (dropping it would fail its future as broken): the
            // caller gets the error instead, and nobody holds that future.
            job.cancel();
            return Err(error);
        }
        if spawn && let Err(error) = self.pool.spawn_worker() {
            self.pool.queue.finish_one();
            if self.worker_count() == 0 {
                self.pool
                    .queue
                    .break_with(format!("could not start a worker thread: {error}"));
            }
        }
        Ok(future)
    }

    fn max_workers(&self) -> usize {
        self.pool.max_workers
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.pool.queue.close(cancel_futures);
        if wait && !self.pool.on_own_worker() {
            self.pool.queue.wait_drained();
        }
    }
}

impl Drop for ThreadPoolExecutor {
    fn drop(&mut self) {
        self.shutdown(true, false);
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.pool.queue.lock();
        f.debug_struct("ThreadPoolExecutor")
            .field("max_workers", &self.pool.max_workers)
            .field("workers", &state.active)
            .field("idle", &state.idle)
            .field("queued", &state.jobs.len())
            .field("closed", &state.closed)
            .finish()
    }
}
