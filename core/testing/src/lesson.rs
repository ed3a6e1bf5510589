//! Tests that expect an error still teach when the student's code panics instead.
//!
//! A student who `unwrap()`s the executor's error sees only their own panic ("called
//! `Result::unwrap()` on an `Err` value: Shutdown"), never the test's lesson ("return its error with
//! `?` instead of unwrapping"). These helpers catch that panic and fail with both.

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

/// At most this many characters of an unexpected `Ok` value are shown.
const SHOWN: usize = 300;

/// Runs the student's `code`, which the test expects to *return* (usually an error), and returns
/// its value. If it panics instead, the test fails with `lesson` and the student's panic message.
/// A `todo!()` or `unimplemented!()` panic is passed on unchanged: the step is not written yet.
///
/// Put only the call of the student's code in the closure, and assert outside it: a panic of the
/// test's own assertion would be reported as the student's.
///
/// ```
/// use course_testing::expect_no_panic;
///
/// let parsed = expect_no_panic("a bad number is an error, not a panic", || "x".parse::<u8>());
/// assert!(parsed.is_err());
/// ```
///
/// ```should_panic
/// // The student unwrapped: the test fails with its lesson, then the student's panic.
/// course_testing::expect_no_panic("return the error with `?` instead of unwrapping", || {
///     "x".parse::<u8>().unwrap()
/// });
/// ```
pub fn expect_no_panic<T>(lesson: &str, code: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(code)) {
        Ok(value) => value,
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            if is_unfinished(&message) {
                resume_unwind(payload);
            }
            panic!("{lesson}\nYour code panicked instead of returning: {message}")
        }
    }
}

/// Runs the student's `code`, which must return an error, and returns that error. Fails with
/// `lesson` if it returns `Ok` (showing the value) or panics (showing the panic message, as
/// [`expect_no_panic`] does).
///
/// ```
/// use course_testing::expect_err;
///
/// let error = expect_err("reading a missing file is an error", || {
///     std::fs::read("/no/such/file/anywhere")
/// });
/// assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
/// ```
///
/// ```should_panic
/// course_testing::expect_err("`0` must be refused", || "0".parse::<u8>());
/// ```
pub fn expect_err<T: Debug, E>(lesson: &str, code: impl FnOnce() -> Result<T, E>) -> E {
    match expect_no_panic(lesson, code) {
        Ok(value) => panic!(
            "{lesson}\nExpected an error, but your code returned Ok({})",
            shortened(&format!("{value:?}"))
        ),
        Err(error) => error,
    }
}

/// `todo!()` and `unimplemented!()` say the student has not written this yet: no lesson applies.
fn is_unfinished(message: &str) -> bool {
    message.starts_with("not yet implemented") || message.starts_with("not implemented")
}

fn shortened(text: &str) -> String {
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The message a panic carried.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}
