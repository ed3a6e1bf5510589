//! The worker threads both executors run: plain OS threads, each taking jobs from its pool's
//! queue in FIFO order until the queue is closed and empty.
//!
//! They are nobody else's threads. In particular they are not rayon workers, so a task that uses
//! rayon inside hands that work to rayon's own pool and waits for it, and the pool's queued tasks
//! can never be picked up onto a waiting task's stack (as they would be on a rayon worker, which
//! runs other jobs while it waits in `join`).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::error::panic_message;
use crate::queue::Queue;
use crate::task::Job;
use crate::{Error, Future};

pub(crate) type Initializer = Arc<dyn Fn() + Send + Sync>;

/// Gives each pool an identity, so a worker knows which pool it belongs to.
static NEXT_POOL_ID: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    /// The id of the pool this thread works for (0 on threads that are not workers).
    static CURRENT_POOL: Cell<usize> = const { Cell::new(0) };
}

/// A pool's queue and threads.
pub(crate) struct Workers {
    id: usize,
    pub(crate) queue: Queue,
    pub(crate) max_workers: usize,
    thread_name_prefix: String,
    initializer: Option<Initializer>,
    /// Workers started so far (to number thread names).
    started: AtomicUsize,
    /// The started threads, joined when the executor is dropped.
    handles: Mutex<Vec<JoinHandle<()>>>,
}

impl Workers {
    /// `thread_name_prefix` defaults to `default_prefix(pool id)`.
    pub(crate) fn new(
        max_workers: usize,
        thread_name_prefix: Option<String>,
        default_prefix: impl FnOnce(usize) -> String,
        initializer: Option<Initializer>,
    ) -> Arc<Workers> {
        let id = NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed);
        Arc::new(Workers {
            id,
            queue: Queue::new(),
            max_workers,
            thread_name_prefix: thread_name_prefix.unwrap_or_else(|| default_prefix(id)),
            initializer,
            started: AtomicUsize::new(0),
            handles: Mutex::new(Vec::new()),
        })
    }

    /// Queues `task`; `then` runs under the queue's lock after the push and returns whether to
    /// start one more worker (it has counted it in `active`).
    pub(crate) fn submit<T, F>(
        self: &Arc<Self>,
        task: F,
        then: impl FnOnce(&mut crate::queue::QueueState, usize) -> bool,
    ) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, future) = Job::new(task);
        let mut spawn = false;
        let pushed = self.queue.push(job, |state| {
            let busy = self.queue.busy();
            spawn = then(state, busy);
        });
        if let Err((job, error)) = pushed {
            // Cancel the refused job quietly (dropping it would fail its future as broken): the
            // caller gets the error instead, and nobody holds that future.
            job.cancel();
            return Err(error);
        }
        if spawn && let Err(error) = self.spawn(None) {
            self.queue.finish_one();
            if self.queue.lock().active == 0 {
                self.queue
                    .break_with(format!("could not start a worker thread: {error}"));
            }
        }
        Ok(future)
    }

    /// Starts one more worker; the caller has counted it in `active` already. The worker drops
    /// `ready` once its initializer has run.
    pub(crate) fn spawn(self: &Arc<Self>, ready: Option<Sender<()>>) -> std::io::Result<()> {
        let number = self.started.fetch_add(1, Ordering::Relaxed);
        let workers = Arc::clone(self);
        let handle = std::thread::Builder::new()
            .name(format!("{}_{number}", self.thread_name_prefix))
            .spawn(move || workers.work(ready))?;
        lock(&self.handles).push(handle);
        Ok(())
    }

    fn work(self: Arc<Self>, ready: Option<Sender<()>>) {
        CURRENT_POOL.with(|current| current.set(self.id));
        let failure = self
            .initializer
            .as_ref()
            .and_then(|initializer| catch_unwind(AssertUnwindSafe(|| initializer())).err());
        if let Some(payload) = failure {
            let reason = format!(
                "a worker's initializer panicked: {}",
                panic_message(payload.as_ref())
            );
            log::error!("{reason}");
            self.queue.break_with(reason);
            drop(ready);
            self.queue.finish_one();
            return;
        }
        drop(ready);
        let available = || self.queue.job_finished();
        while let Some(job) = self.queue.pop() {
            job.run(&available);
        }
        self.queue.finish_one();
    }

    /// True on one of this pool's own threads.
    pub(crate) fn on_own_worker(&self) -> bool {
        CURRENT_POOL.with(|current| current.get() == self.id)
    }

    pub(crate) fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.queue.close(cancel_futures);
        if wait && !self.on_own_worker() {
            self.queue.wait_drained();
        }
    }

    /// Shuts down, waits for the queued tasks and joins the threads, unless called on one of
    /// them (a worker cannot join itself): dropping an executor.
    pub(crate) fn close_and_join(&self) {
        self.shutdown(true, false);
        if self.on_own_worker() {
            return;
        }
        let handles = std::mem::take(&mut *lock(&self.handles));
        for handle in handles {
            // A worker never panics (tasks and initializers are caught), so there is no payload.
            let _ = handle.join();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
