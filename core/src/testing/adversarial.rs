//! [`AdversarialExecutor`]: completes tasks in the worst order for code that assumes an order.
//!
//! Submitted tasks are held in a batch. The batch is released when the caller starts waiting for
//! one of its futures (it blocks in `result`, `wait`, `error`, or registers a `wait` /
//! `as_completed` on it), or, for code that waits on something else (a channel, a polling loop),
//! when no task has been submitted for a quiet period. A released batch is handed to the inner
//! executor in the adversarial order, and its futures become done in exactly that order: a
//! sequencer publishes each result only after the one before it in that order.

use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::panic_message;
use crate::{Error, Executor, Future, Promise};

/// How often a held batch is checked for a waiting caller.
const POLL: Duration = Duration::from_millis(1);
/// The default quiet period after which a held batch is released anyway.
const QUIET: Duration = Duration::from_millis(100);

/// The order in which an [`AdversarialExecutor`] completes each batch of tasks.
///
/// ```
/// use concurrent::testing::Order;
/// assert_ne!(Order::Reversed, Order::Shuffled { seed: 7 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Last submitted, first done: the opposite of submission order.
    Reversed,
    /// A shuffle drawn from `seed`: the same seed and batches give the same order in every run.
    /// A shuffle that happens to keep submission order is reversed instead, so a batch of two
    /// or more tasks never completes in submission order.
    Shuffled {
        /// The seed of the generator.
        seed: u64,
    },
}

/// Wraps an executor so that tasks complete in an adversarial, reproducible order: reversed, or
/// shuffled from a seed. Code that returns results in completion order instead of input order
/// fails with it in every run, not only when the scheduler happens to reorder two tasks.
///
/// Tasks are held until the caller waits for one of them (or, for code that waits on something
/// else, until no task was submitted for a quiet period, 100 ms by default); then the whole batch
/// runs on the inner executor, started in the adversarial order, and its futures become done in
/// exactly that order. The tasks still run in parallel: only the order in which their results are
/// published is fixed. (With a one-worker inner pool the tasks also *run* in that order.)
/// [`Executor::map`] works with it: each window of in-flight tasks is one batch.
///
/// ```
/// use concurrent::{Executor, ThreadPoolExecutor, as_completed};
/// use concurrent::testing::AdversarialExecutor;
///
/// let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(4));
/// let futures: Vec<_> = (0..5).map(|n| pool.submit(move || n).unwrap()).collect();
/// // Collecting in completion order gives the reverse of the input, every time...
/// let finished: Vec<i32> = as_completed(futures, None).map(|f| f.unwrap().result().unwrap()).collect();
/// assert_eq!(finished, [4, 3, 2, 1, 0]);
/// // ...while `map` keeps the input order whatever the completion order.
/// let mapped: Vec<i32> = pool.map(|n: i32| n * 10, 0..5).map(Result::unwrap).collect();
/// assert_eq!(mapped, [0, 10, 20, 30, 40]);
/// ```
///
/// Do not make a task of the batch wait for another task's future: the sequencer may hold that
/// result back until the waiting task is done, a deadlock. Shut the pool down through the wrapper
/// ([`Executor::shutdown`]) to have later submissions refused at once.
pub struct AdversarialExecutor<E: Executor + Send + Sync + 'static> {
    shared: Arc<Shared<E>>,
    watcher: Option<JoinHandle<()>>,
}

struct Shared<E> {
    inner: E,
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    quiet: Duration,
    order: Order,
    generator: u64,
    held: Vec<Box<dyn HeldTask>>,
    last_submit: Instant,
    submitted: usize,
    batches: usize,
    shut_down: bool,
    closing: bool,
}

impl<E: Executor + Send + Sync + 'static> AdversarialExecutor<E> {
    /// Completes each batch in reverse submission order.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor, testing::AdversarialExecutor};
    /// let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(2));
    /// assert_eq!(pool.submit(|| 1).unwrap().result(), Ok(1));
    /// ```
    pub fn reversed(inner: E) -> Self {
        Self::new(inner, Order::Reversed)
    }

    /// Completes each batch in an order shuffled from `seed` (never the submission order).
    ///
    /// ```
    /// use concurrent::{ThreadPoolExecutor, testing::AdversarialExecutor};
    /// let pool = AdversarialExecutor::shuffled(ThreadPoolExecutor::new(2), 42);
    /// assert_eq!(pool.submitted(), 0);
    /// ```
    pub fn shuffled(inner: E, seed: u64) -> Self {
        Self::new(inner, Order::Shuffled { seed })
    }

    /// Completes each batch in `order`.
    ///
    /// ```
    /// use concurrent::{ThreadPoolExecutor, testing::{AdversarialExecutor, Order}};
    /// let pool = AdversarialExecutor::new(ThreadPoolExecutor::new(2), Order::Reversed);
    /// assert_eq!(pool.order(), Order::Reversed);
    /// ```
    pub fn new(inner: E, order: Order) -> Self {
        Self::build(inner, order, QUIET)
    }

    /// Releases a held batch after `quiet` without a submission even if nobody waits for it
    /// (100 ms by default). Only code that waits on something other than the futures (a channel,
    /// a polling loop) ever waits this long.
    ///
    /// ```
    /// use std::time::Duration;
    /// use concurrent::{Executor, ThreadPoolExecutor, testing::AdversarialExecutor};
    /// let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(1))
    ///     .quiet_period(Duration::from_millis(5));
    /// let future = pool.submit(|| "released by the quiet period").unwrap();
    /// while !future.is_done() {
    ///     std::thread::yield_now(); // polling is not waiting: only the quiet period releases it
    /// }
    /// ```
    pub fn quiet_period(self, quiet: Duration) -> Self {
        self.shared.lock().quiet = quiet;
        self.shared.changed.notify_all();
        self
    }

    fn build(inner: E, order: Order, quiet: Duration) -> Self {
        let generator = match order {
            Order::Reversed => 0,
            Order::Shuffled { seed } => seed,
        };
        let shared = Arc::new(Shared {
            inner,
            state: Mutex::new(State {
                quiet,
                order,
                generator,
                held: Vec::new(),
                last_submit: Instant::now(),
                submitted: 0,
                batches: 0,
                shut_down: false,
                closing: false,
            }),
            changed: Condvar::new(),
        });
        let watched = Arc::clone(&shared);
        let watcher = std::thread::Builder::new()
            .name("adversarial executor".to_owned())
            .spawn(move || watch(&watched))
            .unwrap_or_else(|error| panic!("could not start the adversarial executor: {error}"));
        AdversarialExecutor {
            shared,
            watcher: Some(watcher),
        }
    }

    /// The order it completes batches in.
    ///
    /// ```
    /// use concurrent::{ThreadPoolExecutor, testing::{AdversarialExecutor, Order}};
    /// let pool = AdversarialExecutor::shuffled(ThreadPoolExecutor::new(1), 3);
    /// assert_eq!(pool.order(), Order::Shuffled { seed: 3 });
    /// ```
    pub fn order(&self) -> Order {
        self.shared.lock().order
    }

    /// Tasks submitted so far (refused ones not counted).
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor, testing::AdversarialExecutor};
    /// let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(1));
    /// pool.submit(|| ()).unwrap().wait();
    /// assert_eq!(pool.submitted(), 1);
    /// ```
    pub fn submitted(&self) -> usize {
        self.shared.lock().submitted
    }

    /// Batches released so far: a test can check that its tasks were really reordered together.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor, testing::AdversarialExecutor, wait, ReturnWhen};
    /// let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(2));
    /// let futures: Vec<_> = (0..3).map(|n| pool.submit(move || n).unwrap()).collect();
    /// wait(&futures, None, ReturnWhen::AllCompleted);
    /// assert_eq!(pool.batches(), 1);
    /// ```
    pub fn batches(&self) -> usize {
        self.shared.lock().batches
    }

    /// The wrapped executor.
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor, testing::AdversarialExecutor};
    /// assert_eq!(AdversarialExecutor::reversed(ThreadPoolExecutor::new(3)).inner().max_workers(), 3);
    /// ```
    pub fn inner(&self) -> &E {
        &self.shared.inner
    }

    fn stop_watcher(&mut self) {
        self.shared.lock().closing = true;
        self.shared.changed.notify_all();
        if let Some(watcher) = self.watcher.take() {
            let _ = watcher.join();
        }
    }
}

impl<E> Shared<E> {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The watcher thread: releases the held batch once its caller waits, the quiet period passes,
/// or the executor closes; sleeps while nothing is held.
fn watch<E: Executor>(shared: &Shared<E>) {
    let mut state = shared.lock();
    loop {
        if state.held.is_empty() {
            if state.closing {
                return;
            }
            state = shared
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            continue;
        }
        let quiet_for = state.last_submit.elapsed();
        let awaited = state.held.iter().any(|task| task.is_awaited());
        if awaited || quiet_for >= state.quiet || state.closing {
            let batch = take_batch(&mut state);
            drop(state);
            release(&shared.inner, batch);
            state = shared.lock();
            continue;
        }
        let nap = POLL.min(state.quiet - quiet_for);
        state = shared
            .changed
            .wait_timeout(state, nap)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}

/// Takes the held tasks in their completion order.
fn take_batch(state: &mut State) -> Vec<Box<dyn HeldTask>> {
    let mut batch = std::mem::take(&mut state.held);
    state.batches += 1;
    match state.order {
        Order::Reversed => {
            batch.reverse();
            batch
        }
        Order::Shuffled { .. } => shuffle(batch, &mut state.generator),
    }
}

/// Fisher-Yates from a splitmix64 stream; a shuffle that kept the submission order is reversed.
fn shuffle<T>(items: Vec<T>, generator: &mut u64) -> Vec<T> {
    let mut picks: Vec<usize> = (0..items.len()).collect();
    for i in (1..picks.len()).rev() {
        let j = (splitmix64(generator) % (i as u64 + 1)) as usize;
        picks.swap(i, j);
    }
    if picks.windows(2).all(|pair| pair[0] < pair[1]) {
        picks.reverse();
    }
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    picks
        .into_iter()
        .filter_map(|pick| slots[pick].take())
        .collect()
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hands a batch to the inner executor in completion order; a sequencer publishes the results in
/// that order, whichever task finishes first.
fn release<E: Executor>(inner: &E, batch: Vec<Box<dyn HeldTask>>) {
    let sequencer = Arc::new(Sequencer::new(batch.len()));
    for (rank, task) in batch.into_iter().enumerate() {
        let cell = Arc::new(Mutex::new(Some(task)));
        let (run_cell, run_sequencer) = (Arc::clone(&cell), Arc::clone(&sequencer));
        let submitted = inner.submit(move || {
            if let Some(task) = take(&run_cell) {
                run_sequencer.publish(rank, task.run());
            }
        });
        // The inner executor may refuse the task, or drop it unrun (cancelled by its shutdown, a
        // broken pool): the outer future gets that outcome, at its place in the order.
        match submitted {
            Ok(future) => {
                let sequencer = Arc::clone(&sequencer);
                future.add_done_callback(move |outcome| {
                    if let (Err(error), Some(task)) = (outcome, take(&cell)) {
                        sequencer.publish(rank, task.abandon(error.clone()));
                    }
                });
            }
            Err(error) => {
                if let Some(task) = take(&cell) {
                    sequencer.publish(rank, task.abandon(error));
                }
            }
        }
    }
}

fn take<T>(cell: &Mutex<Option<T>>) -> Option<T> {
    cell.lock().unwrap_or_else(PoisonError::into_inner).take()
}

/// What completes an outer future: run by the sequencer when the future's turn comes.
type Publish = Box<dyn FnOnce() + Send>;

/// A held task and the promise of the future handed out for it.
trait HeldTask: Send {
    fn is_awaited(&self) -> bool;
    /// Runs the task (unless its future was cancelled) and returns what publishes the outcome.
    fn run(self: Box<Self>) -> Publish;
    /// The task will never run: publish `error` (or the cancellation) instead.
    fn abandon(self: Box<Self>, error: Error) -> Publish;
    fn cancel(self: Box<Self>);
}

struct Held<T, F> {
    promise: Promise<T>,
    task: F,
}

impl<T, F> HeldTask for Held<T, F>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    fn is_awaited(&self) -> bool {
        self.promise.is_awaited()
    }

    fn run(self: Box<Self>) -> Publish {
        let Held { promise, task } = *self;
        if !promise.start() {
            // Cancelled while held: it stays cancelled.
            return Box::new(move || drop(promise));
        }
        let outcome = catch_unwind(AssertUnwindSafe(task))
            .map_err(|payload: Box<dyn Any + Send>| Error::Panicked(panic_message(&*payload)));
        Box::new(move || match outcome {
            Ok(value) => promise.set_result(value),
            Err(error) => promise.set_error(error),
        })
    }

    fn abandon(self: Box<Self>, error: Error) -> Publish {
        let promise = self.promise;
        Box::new(move || match error {
            Error::Cancelled => promise.cancel(),
            error => promise.set_error(error),
        })
    }

    fn cancel(self: Box<Self>) {
        self.promise.cancel();
    }
}

/// Publishes the outcomes of one batch in rank order, whatever order they arrive in. Whoever
/// delivers the next missing outcome publishes it and every ready one after it, outside the lock
/// (publishing runs the futures' done callbacks).
struct Sequencer {
    state: Mutex<Sequence>,
}

struct Sequence {
    ready: Vec<Option<Publish>>,
    next: usize,
    publishing: bool,
}

impl Sequencer {
    fn new(len: usize) -> Self {
        Sequencer {
            state: Mutex::new(Sequence {
                ready: (0..len).map(|_| None).collect(),
                next: 0,
                publishing: false,
            }),
        }
    }

    fn publish(&self, rank: usize, outcome: Publish) {
        let lock = || self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut state = lock();
        state.ready[rank] = Some(outcome);
        if state.publishing {
            return; // the thread publishing now will reach it
        }
        state.publishing = true;
        loop {
            let mut due = Vec::new();
            let next = state.next;
            while let Some(outcome) = state.ready.get_mut(next + due.len()).and_then(Option::take) {
                due.push(outcome);
            }
            state.next += due.len();
            if due.is_empty() {
                state.publishing = false;
                return;
            }
            drop(state);
            for outcome in due {
                outcome();
            }
            state = lock();
        }
    }
}

impl<E: Executor + Send + Sync + 'static> Executor for AdversarialExecutor<E> {
    fn submit<T, F>(&self, task: F) -> Result<Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let mut state = self.shared.lock();
        if state.shut_down {
            return Err(Error::Shutdown);
        }
        let (promise, future) = Promise::new();
        state.held.push(Box::new(Held { promise, task }));
        state.last_submit = Instant::now();
        state.submitted += 1;
        if state.held.len() == 1 {
            self.shared.changed.notify_all(); // wake the watcher: a batch has started
        }
        Ok(future)
    }

    fn max_workers(&self) -> usize {
        self.shared.inner.max_workers()
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        let held = {
            let mut state = self.shared.lock();
            state.shut_down = true;
            if state.held.is_empty() {
                Vec::new()
            } else {
                take_batch(&mut state)
            }
        };
        if cancel_futures {
            held.into_iter().for_each(HeldTask::cancel);
        } else {
            release(&self.shared.inner, held);
        }
        self.shared.inner.shutdown(wait, cancel_futures);
    }
}

impl<E: Executor + Send + Sync + 'static> Drop for AdversarialExecutor<E> {
    /// Releases what is still held (the watcher does it on closing), then the inner executor's own
    /// drop waits for the tasks, as leaving Python's `with` block does.
    fn drop(&mut self) {
        self.stop_watcher();
    }
}

impl<E: Executor + Send + Sync + 'static + fmt::Debug> fmt::Debug for AdversarialExecutor<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("AdversarialExecutor")
            .field("inner", &self.shared.inner)
            .field("order", &state.order)
            .field("held", &state.held.len())
            .field("batches", &state.batches)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::testing::deadline;
    use crate::{ReturnWhen, ThreadPoolExecutor, as_completed, wait};

    const LIMIT: Duration = Duration::from_secs(20);

    /// Released only when the caller waits: a batch is never split by a slow machine, so the
    /// exact order can be asserted.
    fn reversed(workers: usize) -> AdversarialExecutor<ThreadPoolExecutor> {
        AdversarialExecutor::reversed(ThreadPoolExecutor::new(workers)).quiet_period(Duration::MAX)
    }

    /// The values of `futures` in the order they complete.
    fn completion_order(futures: Vec<Future<usize>>) -> Vec<usize> {
        as_completed(futures, None)
            .map(|done| done.and_then(Future::result).expect("a healthy task"))
            .collect()
    }

    fn submit_all<E: Executor>(pool: &E, n: usize) -> Vec<Future<usize>> {
        (0..n)
            .map(|i| pool.submit(move || i).expect("a running pool"))
            .collect()
    }

    #[test]
    fn reversed_completes_every_batch_backwards_in_every_run() {
        deadline("20 reversed batches", LIMIT, || {
            let pool = reversed(4);
            for _ in 0..20 {
                let order = completion_order(submit_all(&pool, 16));
                assert_eq!(order, (0..16).rev().collect::<Vec<_>>());
            }
            assert_eq!(pool.batches(), 20);
        });
    }

    #[test]
    fn a_seed_gives_the_same_shuffle_every_time_and_never_the_input_order() {
        deadline("shuffled batches", LIMIT, || {
            let orders = |seed| {
                let pool = AdversarialExecutor::shuffled(ThreadPoolExecutor::new(3), seed)
                    .quiet_period(Duration::MAX);
                (0..5)
                    .map(|_| completion_order(submit_all(&pool, 8)))
                    .collect::<Vec<_>>()
            };
            let first = orders(11);
            assert_eq!(first, orders(11), "the same seed must give the same orders");
            assert_ne!(first, orders(12), "another seed gives other orders");
            for order in &first {
                assert_ne!(*order, (0..8).collect::<Vec<_>>());
                let mut sorted = order.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..8).collect::<Vec<_>>(), "each task exactly once");
            }
            // Two tasks have one non-identity order: the shuffle must never keep the input order.
            let pool = AdversarialExecutor::shuffled(ThreadPoolExecutor::new(2), 0)
                .quiet_period(Duration::MAX);
            for _ in 0..10 {
                assert_eq!(completion_order(submit_all(&pool, 2)), [1, 0]);
            }
        });
    }

    #[test]
    fn map_keeps_the_input_order_with_each_window_reversed() {
        deadline("map on the adversarial executor", LIMIT, || {
            let pool = reversed(2);
            let squares: Vec<u64> = pool
                .map(|n: u64| n * n, 0..100)
                .buffer_size(4)
                .collect::<Result<_, _>>()
                .expect("healthy tasks");
            assert_eq!(squares, (0..100).map(|n| n * n).collect::<Vec<_>>());
            assert!(
                pool.batches() >= 25,
                "4 in flight: a batch per window, got {}",
                pool.batches()
            );
        });
    }

    #[test]
    fn submitting_one_task_at_a_time_still_progresses() {
        deadline("submit, wait, submit", LIMIT, || {
            let pool = reversed(2);
            for i in 0..10 {
                assert_eq!(pool.submit(move || i).and_then(Future::result), Ok(i));
            }
            assert_eq!(pool.batches(), 10);
        });
    }

    #[test]
    fn waiting_on_something_else_is_released_by_the_quiet_period() {
        deadline("results sent on a channel", LIMIT, || {
            // One worker: the tasks also run in the adversarial order.
            let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(1))
                .quiet_period(Duration::from_millis(5));
            let (sender, receiver) = mpsc::channel();
            for i in 0..6 {
                let sender = sender.clone();
                drop(pool.submit(move || sender.send(i)));
            }
            let received: Vec<i32> = receiver.iter().take(6).collect();
            assert_eq!(received, [5, 4, 3, 2, 1, 0]);
        });
    }

    #[test]
    fn wait_first_completed_sees_the_last_submitted() {
        deadline("wait(FirstCompleted)", LIMIT, || {
            let pool = reversed(4);
            let futures = submit_all(&pool, 5);
            let (done, _) = wait(&futures, None, ReturnWhen::FirstCompleted);
            assert!(done.iter().any(|future| std::ptr::eq(*future, &futures[4])));
        });
    }

    #[test]
    fn callbacks_run_in_the_adversarial_order() {
        deadline("done callbacks", LIMIT, || {
            let pool = reversed(3);
            let seen = Arc::new(Mutex::new(Vec::new()));
            let futures = submit_all(&pool, 6);
            for future in &futures {
                let seen = Arc::clone(&seen);
                future.add_done_callback(move |outcome| {
                    if let Ok(&value) = outcome {
                        seen.lock().unwrap().push(value);
                    }
                });
            }
            futures.into_iter().for_each(|future| future.wait());
            assert_eq!(*seen.lock().unwrap(), [5, 4, 3, 2, 1, 0]);
        });
    }

    #[test]
    fn panics_cancellations_and_refusals_keep_their_meaning() {
        deadline("errors on the adversarial executor", LIMIT, || {
            let pool = reversed(2);
            let panicking = pool.submit(|| -> u8 { panic!("boom") }).unwrap();
            let cancelled = pool.submit(|| 1u8).unwrap();
            assert!(
                cancelled.cancel(),
                "a held task has not started: it can be cancelled"
            );
            let fine = pool.submit(|| 2u8).unwrap();
            assert_eq!(panicking.result(), Err(Error::Panicked("boom".into())));
            assert_eq!(cancelled.result(), Err(Error::Cancelled));
            assert_eq!(fine.result(), Ok(2));

            // A held task the inner executor refuses gets the refusal, at its place in the order.
            let inner = ThreadPoolExecutor::new(1);
            inner.shutdown(true, false);
            let refusing = AdversarialExecutor::reversed(inner);
            assert_eq!(
                refusing.submit(|| 3u8).unwrap().result(),
                Err(Error::Shutdown)
            );
        });
    }

    #[test]
    fn shutdown_runs_or_cancels_what_is_held_and_refuses_the_rest() {
        deadline("shutdown of the adversarial executor", LIMIT, || {
            let pool = reversed(2);
            let held = pool.submit(|| 1).unwrap();
            pool.shutdown(true, false);
            assert_eq!(held.result(), Ok(1), "shutdown(wait) runs the held tasks");
            assert_eq!(pool.submit(|| 2).unwrap_err(), Error::Shutdown);

            let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(2))
                .quiet_period(Duration::MAX);
            let held = pool.submit(|| 1).unwrap();
            pool.shutdown(true, true);
            assert_eq!(held.result(), Err(Error::Cancelled));

            let pool = AdversarialExecutor::reversed(ThreadPoolExecutor::new(2))
                .quiet_period(Duration::MAX);
            let held = pool.submit(|| 7).unwrap();
            drop(pool);
            assert_eq!(
                held.result(),
                Ok(7),
                "dropping the executor runs what it held"
            );
        });
    }
}
