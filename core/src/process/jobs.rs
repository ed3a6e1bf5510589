//! A request waiting for a worker process, and how its reply completes a typed future.

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::protocol::Outcome;
use crate::timeline::{self, TaskHandle, WorkerKey};
use crate::{Error, Promise};

/// A queued request, typed only by what it does with its reply.
pub(crate) trait Pending: Send {
    /// Marks the future running; false if it was cancelled (then the request is not sent).
    fn start(&self) -> bool;
    /// The request frame to send.
    fn frame(&self) -> &[u8];
    /// This request's own time limit, if it has one.
    fn time_limit(&self) -> Option<Duration>;
    /// Completes the future with the worker's reply, or with why there was none.
    fn finish(self: Box<Self>, reply: Result<Vec<Outcome>, Error>);
    /// Cancels the future of a request that will never be sent.
    fn cancel(self: Box<Self>);
    /// The worker process `pid` (in `slot` of pool `pool`) starts running this request now:
    /// only a [`Traced`] request records it.
    fn running(&self, _pool: usize, _slot: usize, _pid: u32) {}
}

/// A request recorded in a [`Timeline`](crate::timeline::Timeline): the pool wraps requests in
/// it only when built with one, so a pool without a timeline pays nothing.
pub(crate) struct Traced {
    pub(crate) job: Box<dyn Pending>,
    pub(crate) task: TaskHandle,
}

impl Pending for Traced {
    fn start(&self) -> bool {
        let started = self.job.start();
        if !started {
            // Cancelled while queued: it leaves the queue now.
            self.task.finished(timeline::Outcome::Cancelled);
        }
        started
    }

    fn frame(&self) -> &[u8] {
        self.job.frame()
    }

    fn time_limit(&self) -> Option<Duration> {
        self.job.time_limit()
    }

    fn finish(self: Box<Self>, reply: Result<Vec<Outcome>, Error>) {
        let outcome = match &reply {
            Err(error) => timeline::Outcome::of::<()>(Err(error)),
            Ok(outcomes) if outcomes.iter().any(|o| matches!(o, Outcome::Panicked(_))) => {
                timeline::Outcome::Panicked
            }
            Ok(outcomes) if outcomes.iter().any(|o| matches!(o, Outcome::Unsendable(_))) => {
                timeline::Outcome::Failed
            }
            Ok(_) => timeline::Outcome::Ok,
        };
        self.task.finished(outcome);
        self.job.finish(reply);
    }

    fn cancel(self: Box<Self>) {
        self.task.finished(timeline::Outcome::Cancelled);
        self.job.cancel();
    }

    fn running(&self, pool: usize, slot: usize, pid: u32) {
        self.task.started(WorkerKey::Process { pool, pid }, || {
            format!("worker {slot} (pid {pid})")
        });
    }
}

/// One call: [`submit`](super::ProcessPoolExecutor::submit).
pub(crate) struct One<T> {
    pub(crate) promise: Promise<T>,
    pub(crate) frame: Vec<u8>,
    pub(crate) time_limit: Option<Duration>,
}

/// A chunk of calls: one request of [`map`](super::ProcessPoolExecutor::map).
pub(crate) struct Chunk<T> {
    pub(crate) promise: Promise<Vec<Result<T, Error>>>,
    pub(crate) frame: Vec<u8>,
    pub(crate) len: usize,
    pub(crate) time_limit: Option<Duration>,
}

impl<T: DeserializeOwned + Send + 'static> Pending for One<T> {
    fn start(&self) -> bool {
        self.promise.start()
    }

    fn frame(&self) -> &[u8] {
        &self.frame
    }

    fn time_limit(&self) -> Option<Duration> {
        self.time_limit
    }

    fn finish(self: Box<Self>, reply: Result<Vec<Outcome>, Error>) {
        let outcome = reply.and_then(|outcomes| match <[Outcome; 1]>::try_from(outcomes) {
            Ok([outcome]) => decode(outcome),
            Err(outcomes) => Err(wrong_count(1, outcomes.len())),
        });
        match outcome {
            Ok(value) => self.promise.set_result(value),
            Err(error) => self.promise.set_error(error),
        }
    }

    fn cancel(self: Box<Self>) {
        self.promise.cancel();
    }
}

impl<T: DeserializeOwned + Send + 'static> Pending for Chunk<T> {
    fn start(&self) -> bool {
        self.promise.start()
    }

    fn frame(&self) -> &[u8] {
        &self.frame
    }

    fn time_limit(&self) -> Option<Duration> {
        self.time_limit
    }

    fn finish(self: Box<Self>, reply: Result<Vec<Outcome>, Error>) {
        match reply {
            Ok(outcomes) if outcomes.len() == self.len => self
                .promise
                .set_result(outcomes.into_iter().map(decode).collect()),
            Ok(outcomes) => self
                .promise
                .set_error(wrong_count(self.len, outcomes.len())),
            Err(error) => self.promise.set_error(error),
        }
    }

    fn cancel(self: Box<Self>) {
        self.promise.cancel();
    }
}

/// A worker's outcome as the caller's result.
fn decode<T: DeserializeOwned>(outcome: Outcome) -> Result<T, Error> {
    match outcome {
        Outcome::Value(bytes) => postcard::from_bytes(&bytes).map_err(|error| {
            Error::Unsendable(format!(
                "the result could not be decoded as {}: {error}",
                std::any::type_name::<T>()
            ))
        }),
        Outcome::Panicked(message) => Err(Error::Panicked(message)),
        Outcome::Unsendable(message) => Err(Error::Unsendable(message)),
    }
}

fn wrong_count(expected: usize, got: usize) -> Error {
    Error::Broken(format!(
        "a worker answered {got} results to a request of {expected}"
    ))
}
