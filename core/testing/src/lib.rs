//! # `course_testing`: the harness every exercise's tests are written with
//!
//! The lessons from testing the tests, made impossible to forget:
//!
//! - **Every test runs under a deadline.** Write `#[course_testing::test]` instead of `#[test]`:
//!   the body runs on its own thread and a test still running after 10 s (or `deadline_secs = N`)
//!   fails with a message that says what probably hung, instead of hanging `cargo test`.
//!   `cargo xtask check` refuses a bare `#[test]` in an exercise's tests.
//! - **A test that expects an error still teaches when the code panics instead.**
//!   [`expect_no_panic`] and [`expect_err`] catch the student's panic (an `unwrap()` of the very
//!   error the test provokes) and fail with the test's lesson plus the student's panic message.
//! - **Memory is measured where other tests cannot disturb it.** `#[course_testing::test(own_process)]`
//!   runs the test alone in a child process (the test binary run again for this one test), where
//!   [`memory::peak_rise`] measures the peak memory of the work alone.
//! - **Order is checked with an adversarial executor**:
//!   [`concurrent::testing::AdversarialExecutor`] completes tasks in reverse or shuffled order.
//! - **Network code is tested on loopback only**: with the feature `dns`, the module `dns` runs a
//!   real DNS server inside the test process, with failure modes, a concurrency gate and counters;
//!   with the feature `http`, the module `http` an HTTP server with routes, faults (slow, flaky,
//!   dropped connections), `Range` support, a gate and a request log.
//! - **A demo's `--timeline` is read back**: with the feature `timeline`, [`timeline::bars`]
//!   counts the task bars of the SVG it wrote (which must be well-formed XML).
//! - **A program run as a child process has a deadline too**: [`child::run`] and [`child::spawn`]
//!   drain its pipes on threads, kill it at its limit and fail with what probably hung.
//!
//! ```
//! use course_testing::{expect_err, memory};
//!
//! // In a test file: `#[course_testing::test]` above `fn ...() { ... }`.
//! let error = expect_err("parsing a word must fail: return the error, do not unwrap it", || {
//!     "ferris".parse::<u32>()
//! });
//! assert_eq!(error.to_string(), "invalid digit found in string");
//! assert_eq!(memory::MIB, 1024 * 1024);
//! ```

#![warn(missing_docs)]

// The attribute expands to `::course_testing::...`, which must resolve in this crate's own tests.
extern crate self as course_testing;

pub mod child;
#[cfg(any(feature = "dns", feature = "http"))]
mod delay;
#[cfg(feature = "dns")]
pub mod dns;
#[cfg(feature = "http")]
pub mod http;
mod lesson;
pub mod memory;
mod own_process;
mod runner;
#[cfg(feature = "timeline")]
pub mod timeline;

pub use course_testing_macros::test;
pub use lesson::{expect_err, expect_no_panic};

/// What the `#[course_testing::test]` attribute expands to. Not a stable interface: use the
/// attribute.
#[doc(hidden)]
pub mod __private {
    pub use crate::runner::{TestInfo, run_own_process_test, run_test};
}
