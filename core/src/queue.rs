//! The queue of submitted tasks that both executors share: jobs waiting for a worker, whether the
//! executor still accepts work, and how many workers (or scheduled runs) are alive.
//!
//! Keeping it apart from the threads lets `loom` model "shutdown with cancel against submit" on
//! the real code, and gives `shutdown(cancel_futures = true)` one place to find every unstarted task.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::Error;
use crate::sync::{self, Condvar, Mutex, MutexGuard};
use crate::task::Job;

/// How many times an idle worker looks for a job (a short busy-wait, then `yield_now`) before it
/// goes to sleep on the condition variable. A stream of small tasks then finds its workers awake,
/// and the submitter does not pay a futex wake-up (and the worker a context switch) per task.
/// rayon does the same. Off under loom, which cannot model a spin loop.
#[cfg(not(loom))]
const SPIN_ROUNDS: u32 = 40;
#[cfg(loom)]
const SPIN_ROUNDS: u32 = 0;

pub(crate) struct QueueState {
    pub(crate) jobs: VecDeque<Job>,
    /// `Some(Error::Shutdown)` or `Some(Error::Broken(..))` once no more work is accepted.
    pub(crate) closed: Option<Error>,
    /// Workers asleep waiting for a job (to know whether a push must wake one).
    pub(crate) idle: usize,
    /// Live workers.
    pub(crate) active: usize,
}

pub(crate) struct Queue {
    state: Mutex<QueueState>,
    /// Signalled when a job arrives or the queue closes.
    available: Condvar,
    /// Signalled when `active` drops to zero.
    drained: Condvar,
    /// A copy of `jobs.len()` (written under the lock) that a worker about to sleep can poll
    /// without taking the lock.
    queued: AtomicUsize,
    /// Workers running a job: one more when a worker takes a job (under the lock), one less just
    /// before that job's future is marked done (outside it). Whoever has seen a task finish thus
    /// sees its worker available again, even before the worker is back asking for a job.
    busy: AtomicUsize,
}

impl Queue {
    pub(crate) fn new() -> Self {
        Queue {
            state: Mutex::new(QueueState {
                jobs: VecDeque::new(),
                closed: None,
                idle: 0,
                active: 0,
            }),
            available: Condvar::new(),
            drained: Condvar::new(),
            queued: AtomicUsize::new(0),
            busy: AtomicUsize::new(0),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, QueueState> {
        sync::lock(&self.state)
    }

    /// Enqueues `job` unless the queue is closed, in which case the job comes back with the reason.
    /// `then` runs under the lock after a successful push (to count or spawn workers).
    pub(crate) fn push(
        &self,
        job: Job,
        then: impl FnOnce(&mut QueueState),
    ) -> Result<(), (Job, Error)> {
        let mut state = self.lock();
        if let Some(reason) = &state.closed {
            return Err((job, reason.clone()));
        }
        state.jobs.push_back(job);
        self.queued.store(state.jobs.len(), Ordering::Relaxed);
        then(&mut state);
        let wake = state.idle > 0;
        drop(state);
        if wake {
            self.available.notify_one();
        }
        Ok(())
    }

    /// A job without blocking (the loom model of shutdown against submit checks the queue with it).
    #[cfg(loom)]
    pub(crate) fn try_pop(&self) -> Option<Job> {
        let mut state = self.lock();
        let job = state.jobs.pop_front();
        self.queued.store(state.jobs.len(), Ordering::Relaxed);
        job
    }

    /// Busy-waits a little, outside the lock, for a job to be queued.
    fn spin_for_job(&self) {
        for round in 0..SPIN_ROUNDS {
            if self.queued.load(Ordering::Relaxed) > 0 {
                return;
            }
            if round < 6 {
                for _ in 0..1 << round {
                    std::hint::spin_loop();
                }
            } else {
                std::thread::yield_now();
            }
        }
    }

    /// Blocks for the next job; `None` once the queue is closed and empty (the worker should exit).
    pub(crate) fn pop(&self) -> Option<Job> {
        let mut state = self.lock();
        let mut spun = false;
        loop {
            if let Some(job) = state.jobs.pop_front() {
                self.queued.store(state.jobs.len(), Ordering::Relaxed);
                self.busy.fetch_add(1, Ordering::Relaxed);
                return Some(job);
            }
            if state.closed.is_some() {
                return None;
            }
            if SPIN_ROUNDS > 0 && !spun {
                spun = true;
                drop(state);
                self.spin_for_job();
                state = self.lock();
                continue;
            }
            spun = false;
            state.idle += 1;
            state = self
                .available
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
            state.idle -= 1;
        }
    }

    /// Stops accepting work. With `cancel`, every queued job is cancelled (its future reports
    /// [`Error::Cancelled`]); otherwise queued jobs still run.
    pub(crate) fn close(&self, cancel: bool) {
        let mut state = self.lock();
        if state.closed.is_none() {
            state.closed = Some(Error::Shutdown);
        }
        let cancelled: Vec<_> = if cancel {
            let jobs = state.jobs.drain(..).collect();
            self.queued.store(0, Ordering::Relaxed);
            jobs
        } else {
            Vec::new()
        };
        drop(state);
        self.available.notify_all();
        // Cancelling runs callbacks: never under our lock.
        for job in cancelled {
            job.cancel();
        }
    }

    /// Breaks the executor: every queued job fails with [`Error::Broken`] and later submits are
    /// refused with it.
    pub(crate) fn break_with(&self, reason: String) {
        let error = Error::Broken(reason);
        let mut state = self.lock();
        if !matches!(state.closed, Some(Error::Broken(_))) {
            state.closed = Some(error.clone());
        }
        let failed: Vec<_> = state.jobs.drain(..).collect();
        self.queued.store(0, Ordering::Relaxed);
        drop(state);
        self.available.notify_all();
        for job in failed {
            job.fail(error.clone());
        }
    }

    /// Workers running a job now (read it under the lock: `busy <= active` then holds).
    pub(crate) fn busy(&self) -> usize {
        self.busy.load(Ordering::Acquire)
    }

    /// A worker's job is about to be marked done: the worker counts as available from now on.
    /// (Release: whoever sees the future done, sees this too.)
    pub(crate) fn job_finished(&self) {
        self.busy.fetch_sub(1, Ordering::Release);
    }

    /// One worker exited.
    pub(crate) fn finish_one(&self) {
        self.retire(self.lock());
    }

    /// `active -= 1`, waking `shutdown(wait)` when it reaches zero.
    fn retire(&self, mut state: MutexGuard<'_, QueueState>) {
        state.active -= 1;
        let drained = state.active == 0;
        drop(state);
        if drained {
            self.drained.notify_all();
        }
    }

    /// Blocks until `active` is zero: every worker is done.
    pub(crate) fn wait_drained(&self) {
        let mut state = self.lock();
        while state.active > 0 {
            state = self.drained.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }
}
