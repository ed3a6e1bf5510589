//! What `#[course_testing::test]` runs: the test body under a deadline, in this process or alone
//! in a child process.

use std::time::Duration;

use concurrent::testing::try_deadline;

use crate::own_process;

/// A test as the attribute describes it.
#[derive(Debug, Clone, Copy)]
pub struct TestInfo {
    /// `CARGO_PKG_NAME` of the test's package, for the command that reruns it.
    pub package: &'static str,
    /// `module_path!()` at the test: the crate, then the modules.
    pub module: &'static str,
    /// The test function's name.
    pub name: &'static str,
    /// The deadline of the body.
    pub deadline_secs: u64,
    /// A test-specific guess at what hung, added to the message.
    pub hint: Option<&'static str>,
    /// Run the test alone in a child process.
    pub own_process: bool,
    /// Environment variables of that child process.
    pub env: &'static [(&'static str, &'static str)],
}

impl TestInfo {
    /// The name the test runner knows the test by: the module path without the crate, then the
    /// function (`step1_trial_division::zero_and_one_are_not_prime`), as `--exact` wants it.
    pub fn path(&self) -> String {
        match self.module.split_once("::") {
            Some((_crate, modules)) => format!("{modules}::{}", self.name),
            None => self.name.to_owned(),
        }
    }

    pub(crate) fn deadline(&self) -> Duration {
        Duration::from_secs(self.deadline_secs)
    }

    /// The failure message of a test that did not finish in time: what probably hung, for a
    /// student, and how to run the test alone.
    pub(crate) fn hang_message(&self) -> String {
        let path = self.path();
        let hint = self
            .hint
            .map(|hint| format!("\nIn this test: {hint}"))
            .unwrap_or_default();
        format!(
            "`{path}` did not finish within {} s, so it was stopped: something probably hung.\n\
             Look for\n\
             - a loop that never ends: a counter that never advances (a forgotten `d += 1`), or a \
             condition that stays true;\n\
             - a deadlock: a lock held while waiting, a task waiting for a result that only a \
             later task can give, every worker waiting for another;\n\
             - a result that is never sent: a future nobody completes, a channel nobody writes \
             to, a worker that never returns.{hint}\n\
             Run this test alone: cargo test -p {} -- --exact {path}",
            self.deadline_secs, self.package,
        )
    }
}

/// Runs a test's body under its deadline and returns its value; a timeout fails the test with
/// [`TestInfo::hang_message`].
pub fn run_test<T, F>(test: TestInfo, body: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match try_deadline(&test.path(), test.deadline(), body) {
        Ok(value) => value,
        Err(_) => panic!("{}", test.hang_message()),
    }
}

/// Runs an `own_process` test: in the test runner's process it starts the test binary again for
/// this one test and passes the child's verdict on; in that child it runs the body under the
/// deadline and reports how it ended.
pub fn run_own_process_test<F>(test: TestInfo, body: F)
where
    F: FnOnce() + Send + 'static,
{
    if own_process::is_child_for(&test) {
        own_process::run_as_child(|| run_test(test, body));
    } else {
        own_process::run_in_child(&test);
    }
}
