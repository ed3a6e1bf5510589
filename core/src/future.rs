//! [`Future`], the handle to a task's eventual result, and [`Promise`], the side that completes it.
//!
//! The state machine is deliberately small:
//!
//! ```text
//! Pending --start()--> Running --complete()--> Finished
//!    |                                            ^
//!    +--cancel()--> Cancelled        complete() --+   (an executor may fail a task before it starts)
//! ```
//!
//! `Cancelled` and `Finished` are both *done*: waiters of [`wait`](crate::wait) and
//! [`as_completed`](crate::as_completed) are told at the moment the state is reached, including on
//! cancellation (CPython only tells them when a worker later dequeues the cancelled item, which is how
//! its gh-92001, gh-109934 and gh-87893 lose futures).

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use crate::Error;
use crate::error::panic_message;
use crate::sync::atomic::{AtomicU8, Ordering};
use crate::sync::{self, Condvar, Mutex};
use crate::waiter::Waiter;

/// The shared state lives in a `std` `Arc` even under loom: an executor's task and its future share
/// one allocation (see `task.rs`), which takes an unsizing coercion loom's `Arc` cannot do. Loom
/// still models every lock, condition variable and atomic inside.
pub(crate) type SharedArc<T> = std::sync::Arc<Shared<T, dyn Slot>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Pending = 0,
    Running = 1,
    Finished = 2,
    Cancelled = 3,
}

impl Status {
    fn from_u8(value: u8) -> Status {
        match value {
            0 => Status::Pending,
            1 => Status::Running,
            2 => Status::Finished,
            _ => Status::Cancelled,
        }
    }

    fn is_done(self) -> bool {
        matches!(self, Status::Finished | Status::Cancelled)
    }
}

type Callback<T> = Box<dyn FnOnce(Result<&T, &Error>) + Send>;

struct State<T> {
    /// The task's outcome once decided. An error stays here from then on (callbacks get clones);
    /// a value is out while lent to `holder`, and for good once `result()` moved it out.
    outcome: Option<Result<T, Error>>,
    /// The thread running this future's callbacks right now with the outcome in hand: the
    /// completing thread (before the future is done), or one running callbacks added after. A
    /// value is lent to it outside the lock (never shared, so `T` need not be `Sync`): other
    /// threads wait for it to come back, while that thread itself never waits for its own
    /// callback. Callbacks it adds meanwhile are queued in `callbacks` and run after the current one.
    holder: Option<sync::ThreadId>,
    failed: bool,
    /// Threads blocked on `done`: without any, completing skips the wake-up system call.
    sleepers: u32,
    callbacks: Vec<Callback<T>>,
    waiters: Vec<(sync::Arc<Waiter>, usize)>,
}

impl<T> State<T> {
    /// True on the thread running this future's callbacks (see `holder`).
    fn held_here(&self) -> bool {
        self.holder
            .is_some_and(|holder| holder == sync::current_thread())
    }

    /// True while the value is lent to a callback.
    fn value_lent(&self) -> bool {
        self.holder.is_some() && self.outcome.is_none()
    }
}

/// What a future's shared state may carry besides the outcome: nothing for a bare [`Promise`],
/// the task itself for a submitted job (`task::TaskSlot`), so task and future take one allocation.
/// Unwind safety is required so that `Future` keeps the auto traits it would have without a slot.
pub(crate) trait Slot:
    Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe
{
}

impl Slot for () {}

pub(crate) struct Shared<T, S: ?Sized = ()> {
    /// A copy of the status, so the predicates, `start` and an already-done `wait` take no lock.
    /// Every change but `start`'s is made under `state`'s lock; `start` and `cancel` race only
    /// through a compare-and-swap from `Pending`, so exactly one of them wins.
    status: AtomicU8,
    state: Mutex<State<T>>,
    done: Condvar,
    pub(crate) slot: S,
}

impl<T, S> Shared<T, S> {
    pub(crate) fn new(slot: S) -> Self {
        Shared {
            status: AtomicU8::new(Status::Pending as u8),
            state: Mutex::new(State {
                outcome: None,
                holder: None,
                failed: false,
                sleepers: 0,
                callbacks: Vec::new(),
                waiters: Vec::new(),
            }),
            done: Condvar::new(),
            slot,
        }
    }
}

impl<T, S: ?Sized> Shared<T, S> {
    fn status(&self) -> Status {
        Status::from_u8(self.status.load(Ordering::Acquire))
    }

    fn set_status(&self, status: Status) {
        self.status.store(status as u8, Ordering::Release);
    }

    /// `Pending -> to`; false if the status was something else.
    fn leave_pending(&self, to: Status) -> bool {
        self.status
            .compare_exchange(
                Status::Pending as u8,
                to as u8,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }

    /// Pending -> Running. False when the future was cancelled (or already completed): skip the task.
    pub(crate) fn start(&self) -> bool {
        self.leave_pending(Status::Running)
    }

    pub(crate) fn cancel(&self) -> bool {
        let mut state = sync::lock(&self.state);
        if !self.leave_pending(Status::Cancelled) {
            return self.status() == Status::Cancelled;
        }
        state.outcome = Some(Err(Error::Cancelled));
        // Waiters hear of it under our lock, so nobody can see the future done before they do
        // (`register` reads the status under this lock; lock order: future, then waiter).
        notify_waiters(std::mem::take(&mut state.waiters), false);
        let wake = state.sleepers > 0;
        // A pending future has no holder: the callbacks run here, and those they add after them.
        state.holder = Some(sync::current_thread());
        drop(state);
        if wake {
            self.done.notify_all();
        }
        let mut state = self.run_callbacks(sync::lock(&self.state), Err(&Error::Cancelled));
        state.holder = None;
        true
    }

    /// Runs the queued callbacks outside the lock, then those they queued, until none is left;
    /// returns the lock, taken with no callback queued. The caller is the `holder`.
    fn run_callbacks<'a>(
        &'a self,
        mut state: sync::MutexGuard<'a, State<T>>,
        outcome: Result<&T, &Error>,
    ) -> sync::MutexGuard<'a, State<T>> {
        loop {
            let callbacks = std::mem::take(&mut state.callbacks);
            if callbacks.is_empty() {
                return state;
            }
            drop(state);
            for callback in callbacks {
                run_callback(callback, outcome);
            }
            state = sync::lock(&self.state);
        }
    }

    /// Starts the task unless cancelled, runs it, and completes the future with its value or panic.
    /// `before_done` runs once, in any case: just before the future is marked done, or when the task
    /// is skipped.
    pub(crate) fn run(&self, task: impl FnOnce() -> T, before_done: impl FnOnce()) {
        if !self.start() {
            return before_done();
        }
        let outcome = catch_unwind(AssertUnwindSafe(task))
            .map_err(|payload| Error::Panicked(panic_message(payload.as_ref())));
        self.complete_then(outcome, before_done);
    }

    /// Publishes the outcome. Callbacks run first, in this (the completing) thread, so that once
    /// `result()` returns, every callback registered before completion has run.
    pub(crate) fn complete(&self, outcome: Result<T, Error>) {
        self.complete_then(outcome, || {});
    }

    /// [`complete`](Self::complete), running `before_done` once just before the future is marked
    /// done (or at once if it already was): a worker uses it to count itself available before
    /// anyone can see the task finished.
    fn complete_then(&self, outcome: Result<T, Error>, before_done: impl FnOnce()) {
        let mut state = sync::lock(&self.state);
        match self.status() {
            Status::Finished | Status::Cancelled => {
                drop(state);
                return before_done();
            }
            // Failed before it started (a broken pool, a dropped promise): from here on it can
            // no longer be cancelled, or callbacks would see one outcome and the future keep
            // another. Only the promise's owner starts or completes, so nothing races this.
            Status::Pending => self.set_status(Status::Running),
            Status::Running => {}
        }
        let failed = outcome.is_err();
        state.failed = failed;
        if !state.callbacks.is_empty() {
            // The outcome is decided: this thread's callbacks may read it through the future
            // (an error from the state, a value as lent), and queue more callbacks.
            if let Err(error) = &outcome {
                state.outcome = Some(Err(error.clone()));
            }
            state.holder = Some(sync::current_thread());
            state = self.run_callbacks(state, outcome.as_ref());
            state.holder = None;
        }
        before_done();
        state.outcome = Some(outcome);
        self.set_status(Status::Finished);
        // Waiters hear of it under our lock, so nobody can see the future done before they do:
        // whoever reacts to this completion finds `wait` and `as_completed` already told (lock
        // order: future, then waiter).
        notify_waiters(std::mem::take(&mut state.waiters), failed);
        let wake = state.sleepers > 0;
        drop(state);
        if wake {
            self.done.notify_all();
        }
    }

    /// Done, or at least decided for this thread: it is running this future's callbacks, so
    /// waiting for the future to be done would be waiting for itself.
    fn decided(&self, state: &State<T>) -> bool {
        self.status().is_done() || state.held_here()
    }

    /// Blocks until done (true) or until `deadline` passes (false).
    fn wait_done(&self, deadline: Option<Instant>) -> bool {
        if self.status().is_done() {
            return true;
        }
        self.lock_until(deadline, |state| self.decided(state))
            .is_some()
    }

    /// The locked state once `ready` holds, or `None` if `deadline` passed first.
    fn lock_until(
        &self,
        deadline: Option<Instant>,
        ready: impl Fn(&State<T>) -> bool,
    ) -> Option<sync::MutexGuard<'_, State<T>>> {
        let mut state = sync::lock(&self.state);
        loop {
            if ready(&state) {
                return Some(state);
            }
            state.sleepers += 1;
            let (guard, timed_out) = sync::wait_until(&self.done, state, deadline);
            state = guard;
            state.sleepers -= 1;
            if timed_out {
                return ready(&state).then_some(state);
            }
        }
    }

    /// Moves the value out (or clones the error) once done; `None` if `deadline` passed first.
    /// A value lent to another thread's callback is waited for; one lent to this thread's own
    /// callback gives [`Error::ResultLent`] at once.
    fn take(&self, deadline: Option<Instant>) -> Option<Result<T, Error>> {
        let mut state = self.lock_until(deadline, |state| {
            self.decided(state) && (!state.value_lent() || state.held_here())
        })?;
        Some(match state.outcome.take() {
            None if state.value_lent() => Err(Error::ResultLent),
            None => Err(Error::ResultTaken),
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => {
                state.outcome = Some(Err(error.clone()));
                Err(error)
            }
        })
    }

    /// The error the future ended with, once done; `None` inside if it holds (or held) a value.
    /// Errors are never lent, so this never waits for a callback.
    fn error(&self, deadline: Option<Instant>) -> Option<Option<Error>> {
        let state = self.lock_until(deadline, |state| self.decided(state))?;
        Some(match &state.outcome {
            Some(Err(error)) => Some(error.clone()),
            _ => None,
        })
    }

    /// Queues `callback` for completion, or runs it now on the outcome of a done future, outside
    /// the lock (a value is lent meanwhile, an error cloned). Added by a callback of this future
    /// on its own thread, it is queued and runs after that callback returns.
    fn add_callback(&self, callback: Callback<T>) {
        let mut state = sync::lock(&self.state);
        if !self.status().is_done() || state.held_here() {
            state.callbacks.push(callback);
            return;
        }
        // Another thread's callback is reading the value: wait until it is back.
        while state.value_lent() {
            state.sleepers += 1;
            state = sync::wait_until(&self.done, state, None).0;
            state.sleepers -= 1;
        }
        let outcome = match state.outcome.take() {
            None => {
                drop(state);
                return run_callback(callback, Err(&Error::ResultTaken));
            }
            Some(Err(error)) => {
                state.outcome = Some(Err(error.clone()));
                Err(error)
            }
            Some(Ok(value)) => Ok(value),
        };
        // Errors are not lent: another thread's callback may hold this future's error already,
        // and then callbacks added here run at once rather than queue behind this one.
        let hold = state.holder.is_none();
        if hold {
            state.holder = Some(sync::current_thread());
        }
        drop(state);
        run_callback(callback, outcome.as_ref());
        if !hold {
            return;
        }
        let mut state = self.run_callbacks(sync::lock(&self.state), outcome.as_ref());
        if let Ok(value) = outcome {
            state.outcome = Some(Ok(value));
        }
        state.holder = None;
        let wake = state.sleepers > 0;
        drop(state);
        if wake {
            self.done.notify_all();
        }
    }

    fn register(&self, waiter: &sync::Arc<Waiter>, index: usize) -> Option<bool> {
        let mut state = sync::lock(&self.state);
        if self.decided(&state) {
            return Some(state.failed);
        }
        state.waiters.push((sync::Arc::clone(waiter), index));
        None
    }

    fn unregister(&self, waiter: &sync::Arc<Waiter>) {
        sync::lock(&self.state)
            .waiters
            .retain(|(registered, _)| !sync::Arc::ptr_eq(registered, waiter));
    }
}

fn notify_waiters(waiters: Vec<(sync::Arc<Waiter>, usize)>, failed: bool) {
    for (waiter, index) in waiters {
        waiter.notify(index, failed);
    }
}

/// Runs a done callback, logging (not propagating) its panic, as Python logs a raising callback.
fn run_callback<T>(callback: Callback<T>, outcome: Result<&T, &Error>) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| callback(outcome))) {
        log::error!(
            "a done callback panicked (ignored, like Python logs and ignores a raising callback): {}",
            panic_message(payload.as_ref())
        );
    }
}

/// The type-erased view of a future that [`wait`](crate::wait) and
/// [`as_completed`](crate::as_completed) need: they never touch the value.
pub(crate) trait Completion: Send + Sync {
    /// Registers `waiter` to hear about completion, or returns `Some(failed)` when already done.
    fn register(&self, waiter: &sync::Arc<Waiter>, index: usize) -> Option<bool>;
    fn unregister(&self, waiter: &sync::Arc<Waiter>);
    /// Identity of the shared state, to de-duplicate futures passed twice.
    fn identity(&self) -> *const ();
}

impl<T: Send> Completion for Future<T> {
    fn register(&self, waiter: &sync::Arc<Waiter>, index: usize) -> Option<bool> {
        self.shared.register(waiter, index)
    }

    fn unregister(&self, waiter: &sync::Arc<Waiter>) {
        self.shared.unregister(waiter);
    }

    fn identity(&self) -> *const () {
        std::sync::Arc::as_ptr(&self.shared).cast()
    }
}

/// The eventual result of a task: Python's `concurrent.futures.Future`.
///
/// [`Executor::submit`](crate::Executor::submit) returns one at once; the task runs on a worker
/// thread and the future becomes *done* when it finishes, panics, or is cancelled before starting.
///
/// | Python | Rust |
/// |---|---|
/// | `f.result()` | [`f.result()`](Future::result) (consumes `f`, like `JoinHandle::join`) |
/// | `f.result(timeout=t)` | [`f.result_timeout(t)`](Future::result_timeout) (on timeout `f` is still usable) |
/// | `f.exception()` | [`f.error()`](Future::error) |
/// | `f.done()`, `f.running()`, `f.cancelled()` | [`is_done`](Future::is_done), [`is_running`](Future::is_running), [`is_cancelled`](Future::is_cancelled) |
/// | `f.cancel()` | [`f.cancel()`](Future::cancel) |
/// | `f.add_done_callback(fn)` | [`f.add_done_callback(fn)`](Future::add_done_callback); `fn` gets the outcome, not the future |
///
/// Dropping a `Future` does not cancel the task: it runs to completion and its result is discarded,
/// like a detached thread. Call [`cancel`](Future::cancel) first if you no longer want it.
///
/// ```
/// use concurrent::{Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(2);
/// let answer = pool.submit(|| 6 * 7).unwrap();
/// assert_eq!(answer.result().unwrap(), 42);
/// ```
pub struct Future<T> {
    shared: SharedArc<T>,
}

/// The completing side of a [`Future`]: what an executor holds while it runs the task.
///
/// It is the Rust counterpart of the methods Python reserves for executor authors
/// (`set_running_or_notify_cancel`, `set_result`, `set_exception`). Executors in this crate use it;
/// you need it only to write your own executor. Dropping a promise without completing it fails the
/// future with [`Error::Broken`], so a lost task can never leave a waiter hanging.
///
/// ```
/// use concurrent::Promise;
///
/// let (promise, future) = Promise::new();
/// std::thread::spawn(move || {
///     if promise.start() {
///         promise.set_result("done");
///     }
/// });
/// assert_eq!(future.result(), Ok("done"));
/// ```
pub struct Promise<T> {
    shared: Option<SharedArc<T>>,
}

impl<T: Send + 'static> Promise<T> {
    /// A new pending future and the promise that completes it.
    ///
    /// ```
    /// let (promise, future) = concurrent::Promise::<&str>::new();
    /// assert!(!future.is_done());
    /// drop(promise); // a promise dropped unfulfilled fails its future rather than hang it
    /// assert!(matches!(future.result(), Err(concurrent::Error::Broken(_))));
    /// ```
    pub fn new() -> (Promise<T>, Future<T>) {
        let shared: SharedArc<T> = std::sync::Arc::new(Shared::new(()));
        (
            Promise {
                shared: Some(std::sync::Arc::clone(&shared)),
            },
            Future { shared },
        )
    }

    /// Python's `set_running_or_notify_cancel`: moves the future to *running* and returns true, or
    /// returns false if it was cancelled first, in which case the task must not run.
    ///
    /// ```
    /// let (promise, future) = concurrent::Promise::<()>::new();
    /// assert!(future.cancel());
    /// assert!(!promise.start());
    /// ```
    pub fn start(&self) -> bool {
        self.shared.as_ref().is_some_and(|shared| shared.start())
    }

    /// Completes the future with a value.
    ///
    /// ```
    /// let (promise, future) = concurrent::Promise::new();
    /// promise.set_result(5);
    /// assert_eq!(future.result(), Ok(5));
    /// ```
    pub fn set_result(self, value: T) {
        self.complete(Ok(value));
    }

    /// Completes the future with an error (Python's `set_exception`).
    ///
    /// ```
    /// use concurrent::{Error, Promise};
    /// let (promise, future) = Promise::<u8>::new();
    /// promise.set_error(Error::Broken("the worker died".into()));
    /// assert_eq!(future.error(), Some(Error::Broken("the worker died".into())));
    /// ```
    pub fn set_error(self, error: Error) {
        self.complete(Err(error));
    }

    /// Runs `task` if the future was not cancelled, turning a panic into [`Error::Panicked`].
    /// This is all an executor's worker does with a submitted task.
    ///
    /// ```
    /// let (promise, future) = concurrent::Promise::new();
    /// promise.run(|| 2 + 2);
    /// assert_eq!(future.result(), Ok(4));
    /// ```
    pub fn run(mut self, task: impl FnOnce() -> T) {
        if let Some(shared) = self.shared.take() {
            shared.run(task, || {});
        }
    }

    /// Cancels the future if its task has not started (used by `shutdown(cancel_futures = true)`).
    ///
    /// ```
    /// let (promise, future) = concurrent::Promise::<()>::new();
    /// promise.cancel();
    /// assert!(future.is_cancelled());
    /// ```
    pub fn cancel(mut self) {
        if let Some(shared) = self.shared.take() {
            shared.cancel();
        }
    }

    fn complete(mut self, outcome: Result<T, Error>) {
        if let Some(shared) = self.shared.take() {
            shared.complete(outcome);
        }
    }
}

impl<T> Drop for Promise<T> {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            // A task dropped unrun (its executor vanished): fail the future rather than hang waiters.
            // A cancelled future stays cancelled.
            shared.complete(Err(Error::Broken(
                "the task was dropped before it completed".to_owned(),
            )));
        }
    }
}

impl<T> fmt::Debug for Promise<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Promise").finish_non_exhaustive()
    }
}

impl<T> Future<T> {
    /// The future of a submitted task (`task.rs` builds the shared state with the task inside).
    pub(crate) fn from_shared(shared: SharedArc<T>) -> Future<T> {
        Future { shared }
    }
}

impl<T: Send + 'static> Future<T> {
    /// A future that is already done with `outcome` (used for tasks refused at submission).
    pub(crate) fn ready(outcome: Result<T, Error>) -> Future<T> {
        let (promise, future) = Promise::new();
        promise.complete(outcome);
        future
    }
}

impl<T> Future<T> {
    /// True once the task finished (with a value or a panic) or the future was cancelled.
    ///
    /// ```
    /// let (promise, future) = concurrent::Promise::new();
    /// assert!(!future.is_done());
    /// promise.set_result(1);
    /// assert!(future.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        self.shared.status().is_done()
    }

    /// True while a worker is running the task, and while the callbacks of a completing future run
    /// (they run before it is done).
    ///
    /// ```
    /// let (promise, future) = concurrent::Promise::<()>::new();
    /// assert!(promise.start());
    /// assert!(future.is_running());
    /// ```
    pub fn is_running(&self) -> bool {
        self.shared.status() == Status::Running
    }

    /// True if the future was cancelled before its task started.
    ///
    /// ```
    /// let (_promise, future) = concurrent::Promise::<()>::new();
    /// future.cancel();
    /// assert!(future.is_cancelled() && future.is_done());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.shared.status() == Status::Cancelled
    }

    /// Cancels the task if it has not started. Returns true if the future is now cancelled
    /// (also when it already was), false if the task is running or done: a running task is never
    /// interrupted. Waiters and callbacks are told at once.
    ///
    /// ```
    /// let (promise, future) = concurrent::Promise::<u8>::new();
    /// assert!(future.cancel());
    /// assert_eq!(future.result(), Err(concurrent::Error::Cancelled));
    /// # drop(promise);
    /// ```
    pub fn cancel(&self) -> bool {
        self.shared.cancel()
    }

    /// Blocks until the future is done.
    ///
    /// ```
    /// let (promise, future) = concurrent::Promise::new();
    /// std::thread::spawn(move || promise.set_result(()));
    /// future.wait();
    /// assert!(future.is_done());
    /// ```
    pub fn wait(&self) {
        self.shared.wait_done(None);
    }

    /// Blocks until the future is done or `timeout` passes; true if done.
    ///
    /// ```
    /// use std::time::Duration;
    /// let (_promise, future) = concurrent::Promise::<()>::new();
    /// assert!(!future.wait_timeout(Duration::from_millis(1)));
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        self.shared.wait_done(sync::deadline_after(timeout))
    }

    /// Blocks until done and returns the task's value, or its error: [`Error::Panicked`] with the
    /// panic message, [`Error::Cancelled`], or [`Error::Broken`].
    ///
    /// Inside a task, waiting for a future of the **same** pool deadlocks when every worker is
    /// busy: the awaited task is queued behind the task that waits for it (Python's pools do the
    /// same). Give such waits a timeout ([`result_timeout`](Future::result_timeout)), or a pool
    /// with more workers than tasks that wait. Called from this future's own done callback on the
    /// thread running it, it returns [`Error::ResultLent`] at once instead of waiting for itself
    /// (see [`add_done_callback`](Future::add_done_callback)).
    ///
    /// ```
    /// use concurrent::{Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::new(1);
    /// assert_eq!(pool.submit(|| "hi").unwrap().result(), Ok("hi"));
    /// ```
    pub fn result(self) -> Result<T, Error> {
        self.shared
            .take(None)
            .expect("no deadline: waits until done")
    }

    /// Like [`result`](Future::result), but gives up after `timeout` with [`Error::TimedOut`], leaving
    /// the future as it was: wait again, or cancel it. Once a value has been returned it has been
    /// moved out; asking again gives [`Error::ResultTaken`]. Errors can be read any number of times.
    /// From this future's own done callback, on the thread running it, it returns
    /// [`Error::ResultLent`] at once (the callback is reading the value), or the error if the task
    /// failed.
    ///
    /// ```
    /// use std::time::Duration;
    /// use concurrent::{Error, Promise};
    ///
    /// let (promise, mut future) = Promise::new();
    /// assert_eq!(future.result_timeout(Duration::from_millis(5)), Err(Error::TimedOut));
    /// promise.set_result(7);
    /// assert_eq!(future.result_timeout(Duration::from_secs(5)), Ok(7));
    /// ```
    pub fn result_timeout(&mut self, timeout: Duration) -> Result<T, Error> {
        self.shared
            .take(sync::deadline_after(timeout))
            .unwrap_or(Err(Error::TimedOut))
    }

    /// Python's `exception()`: blocks until done, then returns the error the task ended with, or
    /// `None` if it produced a value. Never panics, whatever the task did. Errors are cloned, never
    /// lent, so it never waits for a done callback, and it answers from inside this future's own
    /// callbacks too.
    ///
    /// ```
    /// use concurrent::{Error, Executor, ThreadPoolExecutor};
    /// let pool = ThreadPoolExecutor::new(1);
    /// let future = pool.submit(|| -> () { panic!("boom") }).unwrap();
    /// assert_eq!(future.error(), Some(Error::Panicked("boom".into())));
    /// ```
    pub fn error(&self) -> Option<Error> {
        self.shared
            .error(None)
            .expect("no deadline: waits until done")
    }

    /// [`error`](Future::error) with a timeout: `Err(Error::TimedOut)` if not done in time.
    ///
    /// ```
    /// use std::time::Duration;
    /// let (_promise, future) = concurrent::Promise::<()>::new();
    /// assert_eq!(future.error_timeout(Duration::ZERO), Err(concurrent::Error::TimedOut));
    /// ```
    pub fn error_timeout(&self, timeout: Duration) -> Result<Option<Error>, Error> {
        self.shared
            .error(sync::deadline_after(timeout))
            .ok_or(Error::TimedOut)
    }

    /// Registers `callback` to run with the outcome when the future is done.
    ///
    /// It runs in the thread that completes the future, in the order callbacks were added: a
    /// worker runs them before it marks the future done and wakes the waiters, so once
    /// [`result`](Future::result) returns they have all run; [`cancel`](Future::cancel) marks the
    /// future done first and then runs them in the cancelling thread. If the future is already done
    /// the callback runs at once in the caller's thread. A panicking callback is logged
    /// (`log::error!`) and ignored: the worker and the other callbacks carry on.
    ///
    /// The callback receives the outcome, and may use this same future (CPython's callbacks can):
    /// on the thread running it, [`error`](Future::error) and [`wait`](Future::wait) answer at once
    /// (the outcome is decided, even before the worker marks the future done); a callback it adds
    /// is queued and runs right after it returns, on the same thread; asking for the value gives
    /// [`Error::ResultLent`] (the value is lent to the running callback; errors are cloned). A
    /// callback added by *another* thread to a done future whose value a callback is reading waits
    /// for that callback to return: the value is lent to one callback at a time, so `T` need not
    /// be `Sync`.
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use concurrent::{Executor, ThreadPoolExecutor};
    ///
    /// let pool = ThreadPoolExecutor::new(1);
    /// let (tx, rx) = mpsc::channel();
    /// let future = pool.submit(|| 21 * 2).unwrap();
    /// future.add_done_callback(move |outcome| tx.send(outcome.copied().map_err(Clone::clone)).unwrap());
    /// assert_eq!(rx.recv().unwrap(), Ok(42));
    /// ```
    pub fn add_done_callback<F>(&self, callback: F)
    where
        F: FnOnce(Result<&T, &Error>) + Send + 'static,
    {
        self.shared.add_callback(Box::new(callback));
    }

    pub(crate) fn completion(&self) -> &dyn Completion
    where
        T: Send,
    {
        self
    }
}

impl<T> fmt::Debug for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.shared.status();
        f.debug_struct("Future").field("status", &status).finish()
    }
}

impl<T> Promise<T> {
    /// True while someone waits for this promise's future: a thread blocked in `result`, `wait`,
    /// `error` (or their timeout forms), or a [`wait`](crate::wait) / [`as_completed`](crate::as_completed)
    /// registered on it. `testing::AdversarialExecutor` holds tasks until their caller waits.
    pub(crate) fn is_awaited(&self) -> bool {
        self.shared.as_ref().is_some_and(|shared| {
            let state = sync::lock(&shared.state);
            state.sleepers > 0 || !state.waiters.is_empty()
        })
    }
}
