//! [`CpuPoolExecutor`]: a pool sized to the cores, on rayon, for tasks that compute.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex};

use crate::error::panic_message;
use crate::queue::Queue;
use crate::task::Job;
use crate::{Error, Executor, Future};

type Initializer = Arc<dyn Fn() + Send + Sync>;

/// An executor for CPU-bound work: one thread per core, on a dedicated [`rayon::ThreadPool`].
///
/// It is the course's answer to Python's "CPU-bound work goes to a `ProcessPoolExecutor`". Python
/// needs processes because the GIL lets only one thread run Python code at a time; Rust has no GIL,
/// so threads already compute in parallel and nothing has to be pickled: `Send + 'static` is the
/// whole contract. What a process pool would add, isolation from crashes, is not provided here.
///
/// It behaves like [`ThreadPoolExecutor`](crate::ThreadPoolExecutor) (same trait, FIFO start order,
/// cancellation, shutdown, panics caught) with two differences: its threads start at once, when the
/// pool is built, and the initializer therefore runs at build time on every thread.
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
    inner: Arc<Inner>,
    /// `None` when rayon could not start its threads (the pool is then broken) and after drop.
    pool: Option<rayon::ThreadPool>,
    threads: usize,
}

struct Inner {
    /// Our own FIFO of submitted jobs: at most `threads` rayon jobs drain it, and
    /// `shutdown(cancel_futures)` finds every unstarted job here.
    queue: Queue,
    /// Threads that have started (and run the initializer) and exited, so building the pool can
    /// wait for the former and dropping it for the latter.
    threads: Mutex<Lifecycle>,
    threads_signal: Condvar,
}

#[derive(Default)]
struct Lifecycle {
    started: usize,
    exited: usize,
}

impl Inner {
    fn update(&self, change: impl FnOnce(&mut Lifecycle)) {
        change(&mut self.threads.lock().unwrap_or_else(|p| p.into_inner()));
        self.threads_signal.notify_all();
    }

    /// Blocks until `done` holds for the thread counts.
    fn wait_threads(&self, done: impl Fn(&Lifecycle) -> bool) {
        let mut threads = self.threads.lock().unwrap_or_else(|p| p.into_inner());
        while !done(&threads) {
            threads = self
                .threads_signal
                .wait(threads)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
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
        let inner = Arc::new(Inner {
            queue: Queue::new(),
            threads: Mutex::new(Lifecycle::default()),
            threads_signal: Condvar::new(),
        });
        let prefix = self
            .thread_name_prefix
            .unwrap_or_else(|| "CpuPoolExecutor".to_owned());
        let initializer = self.initializer;
        // The handlers hold weak references: rayon keeps them for the threads' whole life, and a
        // strong one would keep `Inner` alive in a cycle.
        let on_start = Arc::downgrade(&inner);
        let on_exit = Arc::downgrade(&inner);
        let built = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(move |n| format!("{prefix}_{n}"))
            .start_handler(move |_| {
                let failure = initializer
                    .as_ref()
                    .and_then(|initializer| catch_unwind(AssertUnwindSafe(|| initializer())).err());
                let Some(inner) = on_start.upgrade() else {
                    return;
                };
                if let Some(payload) = failure {
                    let reason = format!(
                        "a worker's initializer panicked: {}",
                        panic_message(payload.as_ref())
                    );
                    log::error!("{reason}");
                    inner.queue.break_with(reason);
                }
                inner.update(|threads| threads.started += 1);
            })
            .exit_handler(move |_| {
                if let Some(inner) = on_exit.upgrade() {
                    inner.update(|threads| threads.exited += 1);
                }
            })
            .build();
        let pool = match built {
            Ok(pool) => {
                // Every initializer has run when `build` returns: a failing one has already broken
                // the pool, so the first submission is refused rather than accepted and failed.
                inner.wait_threads(|started| started.started >= threads);
                Some(pool)
            }
            Err(error) => {
                inner
                    .queue
                    .break_with(format!("could not start the CPU pool: {error}"));
                None
            }
        };
        CpuPoolExecutor {
            inner,
            pool,
            threads,
        }
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

    fn on_own_thread(&self) -> bool {
        self.pool
            .as_ref()
            .is_some_and(|pool| pool.current_thread_index().is_some())
    }
}

impl Inner {
    /// Runs queued jobs until the queue is empty; at most `threads` drainers run at once.
    fn drain(&self) {
        while let Some(job) = self.queue.pop_or_retire() {
            job.run();
        }
    }
}

impl Executor for CpuPoolExecutor {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, future) = Job::new(task);
        let threads = self.threads;
        let mut spawn = false;
        let pushed = self.inner.queue.push(job, |state| {
            if state.active < threads {
                state.active += 1;
                spawn = true;
            }
        });
        if let Err((job, error)) = pushed {
            job.cancel();
            return Err(error);
        }
        if spawn {
            let inner = Arc::clone(&self.inner);
            match &self.pool {
                Some(pool) => pool.spawn(move || inner.drain()),
                // Unreachable in practice: without a pool the queue is broken and refused the push.
                None => inner.drain(),
            }
        }
        Ok(future)
    }

    fn max_workers(&self) -> usize {
        self.threads
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.inner.queue.close(cancel_futures);
        if wait && !self.on_own_thread() {
            self.inner.queue.wait_drained();
        }
    }
}

impl Drop for CpuPoolExecutor {
    fn drop(&mut self) {
        let own_thread = self.on_own_thread();
        self.shutdown(true, false);
        let Some(pool) = self.pool.take() else { return };
        // Dropping a rayon pool only asks its threads to stop; wait until they have, so dropping
        // the executor really joins its workers (unless we are one of them).
        drop(pool);
        if own_thread {
            return;
        }
        let threads = self.threads;
        self.inner
            .wait_threads(|lifecycle| lifecycle.exited >= threads);
    }
}

impl fmt::Debug for CpuPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.queue.lock();
        f.debug_struct("CpuPoolExecutor")
            .field("threads", &self.threads)
            .field("queued", &state.jobs.len())
            .field("closed", &state.closed)
            .finish()
    }
}
