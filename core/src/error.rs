//! The one error type of the crate.

/// Everything that can go wrong between submitting a task and reading its result.
///
/// It maps Python's exceptions: [`Error::Cancelled`] is `CancelledError`, [`Error::TimedOut`] is
/// `TimeoutError`, [`Error::Broken`] is `BrokenExecutor`, and [`Error::Panicked`] is the exception a
/// task raised, re-raised by `result()`. `Error` is `Clone`, so a failed future can report its error
/// as often as it is asked.
///
/// ```
/// use concurrent::{Error, Executor, ThreadPoolExecutor};
///
/// let pool = ThreadPoolExecutor::new(1);
/// let failed = pool.submit(|| -> u32 { panic!("disk full") }).unwrap();
/// let error = failed.result().unwrap_err();
/// assert_eq!(error, Error::Panicked("disk full".into()));
/// assert_eq!(error.to_string(), "the task panicked: disk full");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The future was cancelled before its task started.
    #[error("the task was cancelled before it started")]
    Cancelled,
    /// A deadline passed before the result (or the next result) was ready.
    /// The futures involved are left untouched and can be waited on again.
    #[error("timed out before the result was ready")]
    TimedOut,
    /// The task panicked; the message is the panic's payload when it was a string.
    #[error("the task panicked: {0}")]
    Panicked(String),
    /// The executor can no longer run tasks, for the reason given (for example a failing initializer).
    #[error("the executor is broken: {0}")]
    Broken(String),
    /// The executor was shut down, so it accepts no new tasks.
    #[error("the executor has been shut down and accepts no new tasks")]
    Shutdown,
    /// The successful value of this future was already moved out by an earlier
    /// [`Future::result_timeout`](crate::Future::result_timeout).
    #[error("the result of this future was already taken")]
    ResultTaken,
}

/// Turns a panic payload into the message it carried.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}
