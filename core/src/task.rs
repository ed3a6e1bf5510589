//! A submitted task as the queue holds it: the closure and its future's state in one allocation.
//!
//! The closure lives inside the future's shared state, as in tokio's task cells: the queue's
//! [`Job`] and the caller's [`Future`] are two handles to one `Arc`. A boxed closure beside the
//! state would cost a second allocation per submission, and allocation was the largest cost of
//! a trivial task (see `benches/ratios.rs`).

use std::sync::Arc;

use crate::future::{Shared, SharedArc, Slot};
use crate::sync::{self, Mutex};
use crate::{Error, Future};

/// The closure of a submitted task, inside its future's shared state.
pub(crate) struct TaskSlot<F> {
    /// Only the task's one [`Job`] takes the closure out, so this lock is never contended: it
    /// is here because the crate has no `unsafe` (an `UnsafeCell` would do, with a proof).
    task: Mutex<Option<F>>,
}

impl<F: Send> Slot for TaskSlot<F> {}

/// The type-erased operations of a queued task; its [`Job`] calls one of them, once.
trait Runnable: Send + Sync {
    /// Runs the task unless its future was cancelled; a panic becomes the future's error.
    /// `before_done` runs once, just before the future is marked done (or when the task is skipped).
    fn run(&self, before_done: &dyn Fn());
    /// Completes the future without running the task: cancelled (`None`) or failed with `error`.
    fn abandon(&self, error: Option<Error>);
}

impl<T, F: Send> Shared<T, TaskSlot<F>> {
    fn take_task(&self) -> Option<F> {
        sync::lock(&self.slot.task).take()
    }
}

impl<T, F> Runnable for Shared<T, TaskSlot<F>>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send,
{
    fn run(&self, before_done: &dyn Fn()) {
        match self.take_task() {
            Some(task) => Shared::run(self, task, before_done),
            None => before_done(),
        }
    }

    fn abandon(&self, error: Option<Error>) {
        // The closure (and what it captured) is dropped now, not when the future is.
        drop(self.take_task());
        match error {
            None => {
                self.cancel();
            }
            Some(error) => self.complete(Err(error)),
        }
    }
}

/// A queued task: the only handle through which its closure is run, cancelled or failed.
/// Dropping it unused fails the future with [`Error::Broken`], so a lost task never leaves a
/// waiter hanging.
pub(crate) struct Job {
    task: Option<Arc<dyn Runnable>>,
}

impl Job {
    /// A task and its future, sharing one allocation.
    pub(crate) fn new<T, F>(task: F) -> (Job, Future<T>)
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let shared = Arc::new(Shared::new(TaskSlot {
            task: Mutex::new(Some(task)),
        }));
        let future: SharedArc<T> = shared.clone();
        (Job { task: Some(shared) }, Future::from_shared(future))
    }

    /// Runs the task unless its future was cancelled; a panic becomes the future's error.
    /// `before_done` runs once, just before anyone can see the future done: a worker counts itself
    /// available there, so a submission that follows a finished task reuses its worker.
    pub(crate) fn run(mut self, before_done: &dyn Fn()) {
        match self.task.take() {
            Some(task) => task.run(before_done),
            None => before_done(),
        }
    }

    /// Cancels the future of a task that will never start.
    pub(crate) fn cancel(mut self) {
        if let Some(task) = self.task.take() {
            task.abandon(None);
        }
    }

    /// Fails the future of a task that will never start.
    pub(crate) fn fail(mut self, error: Error) {
        if let Some(task) = self.task.take() {
            task.abandon(Some(error));
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            // A cancelled future stays cancelled.
            task.abandon(Some(Error::Broken(
                "the task was dropped before it completed".to_owned(),
            )));
        }
    }
}
