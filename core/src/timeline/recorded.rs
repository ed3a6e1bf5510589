//! [`Recorded`]: any executor, with every task it runs written into a [`Timeline`].
//!
//! A wrapper rather than a builder option: the pools' own code stays exactly as fast when
//! nobody records (there is no "is recording on?" branch on their hot path), and it records
//! every executor the same way, the course's testing wrappers and a student's code included.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Outcome, TaskHandle, Timeline, WorkerKey};
use crate::{Error, Executor, Future};

/// An executor whose tasks are recorded in a [`Timeline`]: [`Timeline::record`].
///
/// It implements [`Executor`], so it goes wherever the wrapped executor went. Each task is
/// recorded when submitted, when a worker thread starts it, when its code ends, and with its
/// outcome when its future completes (a task cancelled in the queue has no start and no worker).
/// The worker is the thread that ran the task: rows are numbered in the order threads first
/// ran a task, and named after the threads.
///
/// ```
/// use concurrent::timeline::{Outcome, Timeline};
/// use concurrent::{Executor, ThreadPoolExecutor};
///
/// let timeline = Timeline::new(100);
/// let pool = timeline.record(ThreadPoolExecutor::new(1));
/// let greeting = pool.submit_labeled("greet", || "hello").unwrap();
/// let oops = pool.submit(|| -> u32 { panic!("oops") }).unwrap();
/// assert_eq!(greeting.result(), Ok("hello"));
/// assert!(oops.result().is_err());
///
/// let tasks = timeline.snapshot().tasks;
/// assert_eq!((tasks[0].label.as_str(), tasks[0].outcome), ("greet", Some(Outcome::Ok)));
/// assert_eq!((tasks[1].label.as_str(), tasks[1].outcome), ("#1", Some(Outcome::Panicked)));
/// ```
pub struct Recorded<E> {
    inner: E,
    timeline: Timeline,
    labels: Option<Labels>,
}

/// How [`Recorded::labelled`] names the n-th task submitted, and how many were.
struct Labels {
    name: Box<dyn Fn(usize) -> String + Send + Sync>,
    submitted: AtomicUsize,
}

impl<E> Recorded<E> {
    /// Records the tasks submitted through the returned wrapper in `timeline`.
    pub fn new(inner: E, timeline: &Timeline) -> Recorded<E> {
        Recorded {
            inner,
            timeline: timeline.clone(),
            labels: None,
        }
    }

    /// Labels the n-th task submitted through [`submit`](Executor::submit) (counting from 0)
    /// `name(n)`: for code you do not control that submits one task per item, in order, as
    /// [`Executor::map`] does, so the chart can say which item each bar was.
    ///
    /// ```
    /// use concurrent::timeline::Timeline;
    /// use concurrent::{Executor, ThreadPoolExecutor};
    ///
    /// let files = ["a.txt", "b.txt"];
    /// let timeline = Timeline::new(100);
    /// let pool = timeline
    ///     .record(ThreadPoolExecutor::new(2))
    ///     .labelled(move |n| files.get(n).map_or(format!("#{n}"), |f| f.to_string()));
    /// let sizes: Vec<_> = pool.map(|f: &str| f.len(), files).collect();
    /// assert_eq!(sizes, [Ok(5), Ok(5)]);
    /// let labels: Vec<_> = timeline.snapshot().tasks.into_iter().map(|t| t.label).collect();
    /// assert_eq!(labels, ["a.txt", "b.txt"]);
    /// ```
    pub fn labelled(mut self, name: impl Fn(usize) -> String + Send + Sync + 'static) -> Self {
        self.labels = Some(Labels {
            name: Box::new(name),
            submitted: AtomicUsize::new(0),
        });
        self
    }

    /// The timeline the tasks go to.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// The wrapped executor (tasks submitted to it directly are not recorded).
    pub fn inner(&self) -> &E {
        &self.inner
    }

    /// The wrapped executor, unwrapped.
    pub fn into_inner(self) -> E {
        self.inner
    }
}

impl<E: Executor> Recorded<E> {
    /// [`submit`](Executor::submit) with a label for the chart (the default label is `#` and
    /// the task's number).
    pub fn submit_labeled<T, F>(
        &self,
        label: impl Into<String>,
        task: F,
    ) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.submit_recorded(Some(label.into()), task)
    }

    fn submit_recorded<T, F>(&self, label: Option<String>, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let Some(handle) = self.timeline.submitted(label) else {
            return self.inner.submit(task); // over the cap: run it, unrecorded
        };
        let running = handle.clone();
        let submitted = self.inner.submit(move || {
            let _ends = Running::start(running);
            task()
        });
        match submitted {
            Ok(future) => {
                future.add_done_callback(move |outcome| handle.finished(Outcome::of(outcome)));
                Ok(future)
            }
            Err(error) => {
                handle.refused();
                Err(error)
            }
        }
    }
}

/// Marks a task started on this thread, and, when dropped (returned or unwinding), ended.
struct Running(TaskHandle);

impl Running {
    fn start(task: TaskHandle) -> Running {
        let thread = std::thread::current();
        task.started(WorkerKey::Thread(thread.id()), || {
            thread
                .name()
                .map_or_else(|| format!("{:?}", thread.id()), str::to_owned)
        });
        Running(task)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.ran();
    }
}

impl<E: Executor> Executor for Recorded<E> {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let label = self.labels.as_ref().map(|labels| {
            let n = labels.submitted.fetch_add(1, Ordering::Relaxed);
            (labels.name)(n)
        });
        self.submit_recorded(label, task)
    }

    fn max_workers(&self) -> usize {
        self.inner.max_workers()
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.inner.shutdown(wait, cancel_futures);
    }
}

impl<E: fmt::Debug> fmt::Debug for Recorded<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("inner", &self.inner)
            .field("timeline", &self.timeline)
            .field("labelled", &self.labels.is_some())
            .finish()
    }
}
