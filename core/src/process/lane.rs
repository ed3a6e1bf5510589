//! One manager thread's loop: it keeps a worker process in its slot and streams requests to it,
//! a few ahead of the one running, so the worker never waits for a round trip through the parent.
//!
//! The worker answers in order, so the oldest request without a reply is the one it is running:
//! when the process dies or times out, that request fails, and the ones sent behind it, which
//! never started, go to the next worker first. Nothing is lost and nothing runs twice.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use super::child::{Failure, WorkerProcess};
use super::jobs::Pending;
use super::pool::{EXIT_GRACE, MANAGER_OF, Shared};
use crate::Error;

/// Requests sent to one worker and not yet answered, at most.
const DEPTH: usize = 4;

/// Requests are sent ahead only while their bytes fit in a pipe's buffer with room to spare, so
/// the manager never blocks writing while the worker blocks writing a reply to it.
const AHEAD_BYTES: usize = 16 * 1024;

/// A request the worker has (or will read next).
struct Sent {
    job: Box<dyn Pending>,
    time_limit: Option<Duration>,
    len: usize,
}

struct Lane<'a> {
    pool: &'a Shared,
    slot: usize,
    worker: Option<WorkerProcess>,
    in_flight: VecDeque<Sent>,
    /// Requests started (their futures are *running*) that never reached a live worker.
    retry: VecDeque<Box<dyn Pending>>,
    /// The bytes of the requests in flight.
    bytes: usize,
    /// When the oldest request in flight started running (its time limit counts from here).
    head_since: Instant,
}

impl Shared {
    /// The manager thread of `slot`. `ready` is dropped once the first worker is ready.
    pub(super) fn manage(self: Arc<Self>, slot: usize, ready: Sender<()>) {
        MANAGER_OF.with(|pool| pool.set(self.id));
        let worker = match self.start_worker(slot) {
            Ok(worker) => Some(worker),
            Err(reason) => {
                self.break_with(reason);
                None
            }
        };
        drop(ready);
        let mut lane = Lane {
            pool: &self,
            slot,
            worker,
            in_flight: VecDeque::new(),
            retry: VecDeque::new(),
            bytes: 0,
            head_since: Instant::now(),
        };
        while lane.fill() {
            lane.receive();
        }
        lane.retire();
    }
}

impl Lane<'_> {
    /// Sends requests until `DEPTH` are in flight or none is waiting. False once the pool is
    /// closed and this lane has nothing left to do.
    fn fill(&mut self) -> bool {
        while self.in_flight.len() < DEPTH {
            let ahead = !self.in_flight.is_empty();
            if ahead && self.worker_is_spent() {
                break; // max_tasks_per_child: nothing more for this worker
            }
            let job = match self.retry.pop_front() {
                Some(job) => job,
                None => {
                    let next = if ahead {
                        self.pool.try_next_job()
                    } else {
                        self.pool.next_job()
                    };
                    match next {
                        Some(job) if job.start() => job,
                        Some(_) => continue, // cancelled while queued
                        None => return ahead,
                    }
                }
            };
            if ahead && self.bytes + job.frame().len() > AHEAD_BYTES {
                self.retry.push_front(job);
                break;
            }
            self.send(job);
        }
        true
    }

    fn worker_is_spent(&self) -> bool {
        let limit = self.pool.max_tasks_per_child;
        self.worker
            .as_ref()
            .is_some_and(|worker| limit.is_some_and(|limit| worker.sent >= limit))
    }

    /// Sends `job` to the worker, starting one if needed. A worker found dead with nothing in
    /// flight died idle: the job never ran, so it goes to a new worker (once).
    fn send(&mut self, job: Box<dyn Pending>) {
        for attempt in 0..2 {
            if self.worker_is_spent() {
                self.retire();
            }
            if self.worker.is_none() {
                match self.pool.start_worker(self.slot) {
                    Ok(worker) => self.worker = Some(worker),
                    Err(reason) => {
                        // A pool that cannot start workers any more is broken, as at build.
                        self.pool.break_with(reason.clone());
                        let error = Error::Broken(reason);
                        for job in std::iter::once(job).chain(self.retry.drain(..)) {
                            job.finish(Err(error.clone()));
                        }
                        return;
                    }
                }
            }
            let Some(worker) = self.worker.as_mut() else {
                return;
            };
            match worker.send(job.frame()) {
                Ok(()) => {
                    if self.in_flight.is_empty() {
                        self.head_since = Instant::now();
                    }
                    let len = job.frame().len();
                    self.bytes += len;
                    let time_limit = job.time_limit();
                    self.in_flight.push_back(Sent {
                        job,
                        time_limit,
                        len,
                    });
                    if self.in_flight.len() == 1 {
                        self.mark_head();
                    }
                    return;
                }
                Err(cause) if self.in_flight.is_empty() => {
                    self.lost_worker();
                    if attempt == 1 {
                        job.finish(Err(Error::Broken(cause)));
                        return;
                    }
                    log::warn!("{cause} while idle; starting a new worker");
                }
                Err(cause) => {
                    // It died with requests in flight, but not necessarily running the oldest:
                    // the replies it wrote before dying are still in the pipe. Read them, so
                    // the request it died on is the one that fails (and no finished request
                    // fails, or a crashing one runs twice); this one never reached it.
                    self.retry.push_front(job);
                    while self.worker.is_some() && !self.in_flight.is_empty() {
                        self.receive();
                    }
                    if !self.in_flight.is_empty() {
                        self.fail_head(Error::Broken(cause));
                    }
                    return;
                }
            }
        }
    }

    /// Waits for the reply to the oldest request in flight and completes its future.
    fn receive(&mut self) {
        let (Some(worker), Some(head)) = (self.worker.as_mut(), self.in_flight.front()) else {
            return;
        };
        let deadline = head.time_limit.map(|limit| self.head_since + limit);
        match worker.receive(deadline) {
            Ok(outcomes) => {
                self.head_since = Instant::now();
                let Some(sent) = self.in_flight.pop_front() else {
                    return;
                };
                self.bytes -= sent.len;
                if self.in_flight.is_empty() && self.worker_is_spent() {
                    // Retired before its last future completes: whoever sees the result sees
                    // the process gone.
                    self.retire();
                }
                sent.job.finish(Ok(outcomes));
                self.mark_head();
            }
            Err(Failure::TimedOut) => self.fail_head(Error::TimedOut),
            Err(Failure::Died(cause) | Failure::NotSent(cause)) => {
                self.fail_head(Error::Broken(cause));
            }
        }
    }

    /// The oldest request in flight is the one the worker runs from now (for a timeline).
    fn mark_head(&self) {
        if let (Some(worker), Some(head)) = (&self.worker, self.in_flight.front()) {
            head.job.running(self.pool.id, self.slot, worker.pid);
        }
    }

    /// The worker is dead (reaped) or killed: the oldest request in flight fails with `error`;
    /// the others never started and go to the next worker first, in order.
    fn fail_head(&mut self, error: Error) {
        self.lost_worker();
        let mut in_flight = std::mem::take(&mut self.in_flight);
        self.bytes = 0;
        let head = in_flight.pop_front();
        for sent in in_flight.into_iter().rev() {
            self.retry.push_front(sent.job);
        }
        if let Some(head) = head {
            head.job.finish(Err(error));
        }
    }

    /// Forgets a worker that is already dead and reaped.
    fn lost_worker(&mut self) {
        self.worker = None;
        self.pool.set_pid(self.slot, None);
    }

    /// Closes an idle worker: its stdin closes, it exits, it is reaped.
    fn retire(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.close(EXIT_GRACE);
        }
        self.pool.set_pid(self.slot, None);
    }
}
