//! [`CpuPoolExecutor`]: a pool sized to the cores, for tasks that compute.

use std::fmt;
use std::sync::Arc;

use crate::workers::{Initializer, Workers};
use crate::{Error, Executor, Future};

/// An executor for CPU-bound work: one thread per core, all started when the pool is built.
///
/// It is the course's answer to Python's "CPU-bound work goes to a `ProcessPoolExecutor`". Python
/// needs processes because the GIL lets only one thread run Python code at a time; Rust has no GIL,
/// so threads already compute in parallel and nothing has to be pickled: `Send + 'static` is the
/// whole contract. What a process pool adds is isolation (a task that aborts or runs away takes
/// only its own worker process), at the price of serialisation: see [`crate::process`] (Unix).
///
/// It behaves like [`ThreadPoolExecutor`](crate::ThreadPoolExecutor) (same trait, same worker
/// loop, FIFO start order, cancellation, shutdown, panics caught) with two differences: it has one
/// thread per core by default, and its threads start at once, when the pool is built, so the
/// initializer runs at build time on every thread.
///
/// A task may use `rayon` inside (`par_iter`, `rayon::join`): the pool's threads are plain
/// threads, not rayon workers, so that work goes to rayon's own pool while the task waits for it,
/// and the pool's other queued tasks never run nested on the task's stack. (On a rayon worker they
/// could: a worker waiting in `join` runs other queued jobs meanwhile, and one of them waiting for
/// the first task would wait for itself.)
///
/// ```
/// use concurrent::{CpuPoolExecutor, Executor};
///
/// let pool = CpuPoolExecutor::new(2);
/// let sums: Vec<u64> = pool
///     .map(|chunk: u64| (chunk * 1000..(chunk + 1) * 1000).sum::<u64>(), 0..4)
///     .collect::<Result<_, _>>()
///     .unwrap();
/// assert_eq!(sums.iter().sum::<u64>(), (0..4000).sum::<u64>());
/// ```
pub struct CpuPoolExecutor {
    workers: Arc<Workers>,
}

/// Configures a [`CpuPoolExecutor`]: `CpuPoolExecutor::builder()...build()`.
///
/// ```
/// use concurrent::{CpuPoolExecutor, Executor};
/// let pool = CpuPoolExecutor::builder().num_threads(2).thread_name_prefix("sieve").build();
/// assert_eq!(pool.max_workers(), 2);
/// ```
#[derive(Default)]
pub struct CpuPoolBuilder {
    num_threads: usize,
    thread_name_prefix: Option<String>,
    initializer: Option<Initializer>,
}

impl CpuPoolBuilder {
    /// The number of threads; 0 (the default) means one per core
    /// ([`std::thread::available_parallelism`]).
    ///
    /// ```
    /// use concurrent::{CpuPoolExecutor, Executor};
    /// let pool = CpuPoolExecutor::builder().num_threads(0).build();
    /// assert_eq!(pool.max_workers(), CpuPoolExecutor::default_threads());
    /// ```
    pub fn num_threads(mut self, num_threads: usize) -> Self {
        self.num_threads = num_threads;
        self
    }

    /// Names the threads `{prefix}_{n}`; the default prefix is `CpuPoolExecutor`.
    ///
    /// ```
    /// use concurrent::{CpuPoolExecutor, Executor};
    /// let pool = CpuPoolExecutor::builder().num_threads(1).thread_name_prefix("math").build();
    /// let name = pool.submit(|| std::thread::current().name().unwrap().to_owned()).unwrap();
    /// assert_eq!(name.result().unwrap(), "math_0");
    /// ```
    pub fn thread_name_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.thread_name_prefix = Some(prefix.into());
        self
    }

    /// Runs `initializer` once on each thread as it starts: [`build`](CpuPoolBuilder::build)
    /// returns once every thread has run it. If it panics the pool is broken from the start: every
    /// submission is refused with [`Error::Broken`] carrying the panic message.
    ///
    /// ```
    /// use concurrent::{CpuPoolExecutor, Error, Executor};
    /// let pool = CpuPoolExecutor::builder().initializer(|| panic!("no GPU")).build();
    /// let refused = pool.submit(|| 1);
    /// assert!(matches!(refused, Err(Error::Broken(reason)) if reason.contains("no GPU")));
    /// ```
    pub fn initializer(mut self, initializer: impl Fn() + Send + Sync + 'static) -> Self {
        self.initializer = Some(Arc::new(initializer));
        self
    }

    /// Builds the pool, starts its threads and waits until each has run the initializer. If the
    /// threads cannot be started the pool is returned broken, and submissions report why.
    ///
    /// ```
    /// use concurrent::{CpuPoolExecutor, Executor};
    /// let pool = CpuPoolExecutor::builder().num_threads(2).thread_name_prefix("crunch").build();
    /// assert_eq!(pool.max_workers(), 2);
    /// let name = pool.submit(|| std::thread::current().name().map(str::to_owned)).unwrap();
    /// assert!(name.result().unwrap().unwrap().starts_with("crunch"));
    /// ```
    pub fn build(self) -> CpuPoolExecutor {
        let threads = match self.num_threads {
            0 => CpuPoolExecutor::default_threads(),
            n => n,
        };
        let workers = Workers::new(
            threads,
            self.thread_name_prefix,
            |_| "CpuPoolExecutor".to_owned(),
            self.initializer,
        );
        let (ready, initialized) = std::sync::mpsc::channel();
        for _ in 0..threads {
            workers.queue.lock().active += 1;
            if let Err(error) = workers.spawn(Some(ready.clone())) {
                workers.queue.finish_one();
                workers
                    .queue
                    .break_with(format!("could not start the CPU pool: {error}"));
                break;
            }
        }
        // Every initializer has run when `build` returns (each worker drops its sender after
        // its own): a failing one has already broken the pool, so the first submission is
        // refused rather than accepted and failed.
        drop(ready);
        while initialized.recv().is_ok() {}
        CpuPoolExecutor { workers }
    }
}

impl fmt::Debug for CpuPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CpuPoolBuilder")
            .field("num_threads", &self.num_threads)
            .field("thread_name_prefix", &self.thread_name_prefix)
            .field("initializer", &self.initializer.is_some())
            .finish()
    }
}

impl CpuPoolExecutor {
    /// A pool of `threads` threads (0 means one per core).
    ///
    /// ```
    /// use concurrent::{CpuPoolExecutor, Executor};
    /// let pool = CpuPoolExecutor::new(2);
    /// assert_eq!(pool.submit(|| (1..=10).product::<u64>()).unwrap().result(), Ok(3_628_800));
    /// ```
    pub fn new(threads: usize) -> Self {
        Self::builder().num_threads(threads).build()
    }

    /// A builder for the thread count, thread names and initializer.
    ///
    /// ```
    /// let pool = concurrent::CpuPoolExecutor::builder().num_threads(1).build();
    /// # drop(pool);
    /// ```
    pub fn builder() -> CpuPoolBuilder {
        CpuPoolBuilder::default()
    }

    /// One thread per core, as reported by [`std::thread::available_parallelism`].
    ///
    /// ```
    /// assert!(concurrent::CpuPoolExecutor::default_threads() >= 1);
    /// ```
    pub fn default_threads() -> usize {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

impl Executor for CpuPoolExecutor {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // Every thread started at build: nothing to start here.
        self.workers.submit(task, |_, _| false)
    }

    fn max_workers(&self) -> usize {
        self.workers.max_workers
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.workers.shutdown(wait, cancel_futures);
    }
}

impl Drop for CpuPoolExecutor {
    fn drop(&mut self) {
        self.workers.close_and_join();
    }
}

impl fmt::Debug for CpuPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.workers.queue.lock();
        f.debug_struct("CpuPoolExecutor")
            .field("threads", &self.workers.max_workers)
            .field("queued", &state.jobs.len())
            .field("closed", &state.closed)
            .finish()
    }
}
