//! The one error type of the crate.

/// Everything that can go wrong between submitting a task and reading its result.
///
/// It maps Python's exceptions: [`Error::Cancelled`] is `CancelledError`, [`Error::TimedOut`] is
/// `TimeoutError`, [`Error::Broken`] is `BrokenExecutor`, and [`Error::Panicked`] is the exception a
/// task raised, re-raised by `result()`. `Error` is `Clone`, so a failed future can report its error
/// as often as it is asked.
///
/// It is `#[non_exhaustive]`: a later version may add variants, so a `match` on it outside this
/// crate needs a `_` arm.
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
///
/// ```compile_fail
/// // Without a `_` arm this does not compile, even with every variant listed.
/// fn describe(error: concurrent::Error) -> &'static str {
///     use concurrent::Error::*;
///     match error {
///         Cancelled => "cancelled",
///         TimedOut => "timed out",
///         Panicked(_) => "panicked",
///         Broken(_) => "broken",
///         Shutdown => "shut down",
///         ResultTaken => "taken",
///         ResultLent => "lent",
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The future was cancelled before its task started.
    #[error("the task was cancelled before it started")]
    Cancelled,
    /// A deadline passed before the result (or the next result) was ready.
    /// The futures involved are left untouched and can be waited on again.
    #[error("timed out before the result was ready")]
    TimedOut,
    /// The task panicked; the message is the panic's payload when it was a string. For a payload
    /// of another type (`std::panic::panic_any`), it starts "a panic with a non-string payload",
    /// followed by the value and its type for the primitive numbers, `bool` and `char`
    /// (`": 42 (u32)"`), or the message of an error (`std::io::Error`, this crate's `Error`,
    /// `Box<dyn std::error::Error + Send (+ Sync)>`); any other type cannot be named cheaply.
    #[error("the task panicked: {0}")]
    Panicked(String),
    /// The executor can no longer run tasks, for the reason given (for example a failing initializer).
    #[error("the executor is broken: {0}")]
    Broken(String),
    /// A task cannot cross to a worker process: its function is not registered, or its argument
    /// or result cannot be serialised (Python's `PicklingError`). Only the process pool
    /// ([`concurrent::process`](crate::process)) reports it.
    #[error("the task cannot be sent to or from a worker process: {0}")]
    Unsendable(String),
    /// The executor was shut down, so it accepts no new tasks.
    #[error("the executor has been shut down and accepts no new tasks")]
    Shutdown,
    /// The successful value of this future was already moved out by an earlier
    /// [`Future::result_timeout`](crate::Future::result_timeout).
    #[error("the result of this future was already taken")]
    ResultTaken,
    /// Asked for the value from inside one of this future's own done callbacks, on the thread
    /// that runs it: the callback is reading the value right then, so waiting would be waiting
    /// for itself. Ask again after the callback returns.
    #[error(
        "the value of this future is lent to a done callback running on this thread: read it after the callback returns"
    )]
    ResultLent,
}

/// What a panic whose payload is not a string becomes, unless its type is one named below.
const NON_STRING: &str = "a panic with a non-string payload";

/// Turns a panic payload into the message it carried.
///
/// `panic!` carries a `&str` or a `String`: that is the message. `std::panic::panic_any` can carry
/// anything, and the type cannot be read back from a `dyn Any`, only tried: the primitive numbers,
/// `bool` and `char` are shown with their type (`"...: 42 (u32)"`), and errors (`std::io::Error`,
/// this crate's [`Error`], `Box<dyn std::error::Error + Send (+ Sync)>`) with their message. Any
/// other type gives just "a panic with a non-string payload".
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        return (*message).to_owned();
    }
    if let Some(message) = payload.downcast_ref::<String>() {
        return message.clone();
    }
    macro_rules! try_types {
        ($($type:ty),+) => {$(
            if let Some(value) = payload.downcast_ref::<$type>() {
                return format!("{NON_STRING}: {value} ({})", stringify!($type));
            }
        )+};
    }
    try_types!(
        i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, bool, char
    );
    try_types!(
        std::io::Error,
        Error,
        Box<dyn std::error::Error + Send + Sync>,
        Box<dyn std::error::Error + Send>
    );
    NON_STRING.to_owned()
}
