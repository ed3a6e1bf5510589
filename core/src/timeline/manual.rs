//! Recording work that does not go through `submit`: [`Timeline::queued`] and
//! [`Timeline::begin`] hand out a [`Queued`] or a [`Running`] that the code doing the work moves
//! along (queued, started on this thread, ended, finished with an outcome).
//!
//! For a scheduler that owns its pool (the course's downloader, for instance), the code around
//! it sees the work queued and, from a hook in the worker (a `tracing` span, a callback), see it
//! start and end; the [`Recorded`](super::Recorded) wrapper cannot reach in there.

use std::fmt;

use super::{Outcome, TaskHandle, Timeline, WorkerKey};

impl Timeline {
    /// Records a piece of work queued now, labelled `label`, that some thread will start later
    /// with [`Queued::started`]. Over the cap it is only counted in [`Timeline::dropped`] (the
    /// handle then records nothing).
    ///
    /// ```
    /// use concurrent::timeline::{Outcome, Timeline};
    ///
    /// let timeline = Timeline::new(100);
    /// let queued = timeline.queued("/docs/guide.pdf");
    /// let worker = std::thread::spawn(move || {
    ///     let running = queued.started(); // on this worker thread, now
    ///     running.ended(); // the work's code is done; the outcome comes later
    ///     running
    /// });
    /// let running = worker.join().unwrap();
    /// running.finish(Outcome::Ok); // from another thread: the end stays where `ended` put it
    ///
    /// let task = &timeline.snapshot().tasks[0];
    /// assert_eq!((task.label.as_str(), task.outcome), ("/docs/guide.pdf", Some(Outcome::Ok)));
    /// assert!(task.submitted <= task.started.unwrap() && task.started <= task.finished);
    /// assert_eq!(timeline.snapshot().workers.len(), 1);
    /// ```
    pub fn queued(&self, label: impl Into<String>) -> Queued {
        Queued {
            task: self.submitted(Some(label.into())),
        }
    }

    /// Records a piece of work that starts now on the current thread (queued and started at
    /// once): [`queued`](Self::queued)`(label).`[`started`](Queued::started)`()`.
    ///
    /// ```
    /// use concurrent::timeline::{Outcome, Timeline};
    ///
    /// let timeline = Timeline::new(100);
    /// let running = timeline.begin("checksum");
    /// let sum: u64 = (1..=100).sum();
    /// running.finish(if sum == 5050 { Outcome::Ok } else { Outcome::Failed });
    /// assert_eq!(timeline.snapshot().count(Outcome::Ok), 1);
    /// ```
    pub fn begin(&self, label: impl Into<String>) -> Running {
        self.queued(label).started()
    }
}

/// Work recorded as queued and not started yet: [`Timeline::queued`].
///
/// Dropped without [`started`](Self::started) or [`finish`](Self::finish), it is recorded as
/// [`Outcome::Cancelled`]: it was given up before it ran, which is what that outcome means.
#[must_use = "a queued task dropped at once is recorded as cancelled"]
pub struct Queued {
    task: Option<TaskHandle>,
}

impl Queued {
    /// The work starts now on the current thread. Threads get rows (workers) in the order they
    /// first start a task, named after the thread, exactly as with [`Recorded`](super::Recorded),
    /// so both kinds of tasks share the rows of the threads that ran them.
    pub fn started(mut self) -> Running {
        let task = self.task.take();
        if let Some(task) = &task {
            let thread = std::thread::current();
            task.started(WorkerKey::Thread(thread.id()), || {
                thread
                    .name()
                    .map_or_else(|| format!("{:?}", thread.id()), str::to_owned)
            });
        }
        Running { task }
    }

    /// The work ended now without starting, with `outcome` (cancelled, or refused by a broken
    /// executor, say): it goes to the chart's "never started" row.
    pub fn finish(mut self, outcome: Outcome) {
        if let Some(task) = self.task.take() {
            task.finished(outcome);
        }
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.finished(Outcome::Cancelled);
        }
    }
}

/// Work recorded as running on the thread that started it: [`Timeline::begin`],
/// [`Queued::started`]. It can be moved to, or shared with, another thread to be finished there.
///
/// Dropped without [`finish`](Self::finish), it is recorded as [`Outcome::Panicked`] when its
/// thread is unwinding (the work's code panicked: what [`Recorded`](super::Recorded) records for
/// a task that panics), else as [`Outcome::Cancelled`]: its owner gave up on it before it said
/// how it ended, and an `ok` bar would claim a success nobody saw.
#[must_use = "a running task dropped at once is recorded as cancelled"]
pub struct Running {
    task: Option<TaskHandle>,
}

impl Running {
    /// The work's code ended now; its outcome comes later with [`finish`](Self::finish) (from
    /// whatever learns it: a future's callback, say). Calling it again moves the end to now.
    /// Without it, the end is when `finish` is called.
    pub fn ended(&self) {
        if let Some(task) = &self.task {
            task.ran();
        }
    }

    /// The work ended with `outcome`: now, unless [`ended`](Self::ended) marked the end before.
    pub fn finish(mut self, outcome: Outcome) {
        if let Some(task) = self.task.take() {
            task.finished(outcome);
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.finished(if std::thread::panicking() {
                Outcome::Panicked
            } else {
                Outcome::Cancelled
            });
        }
    }
}

/// `Queued { task: Some(3) }`: the task's number, `None` over the cap.
fn debug(f: &mut fmt::Formatter<'_>, name: &str, task: Option<&TaskHandle>) -> fmt::Result {
    f.debug_struct(name)
        .field("task", &task.map(|task| task.id))
        .finish()
}

impl fmt::Debug for Queued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug(f, "Queued", self.task.as_ref())
    }
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug(f, "Running", self.task.as_ref())
    }
}
