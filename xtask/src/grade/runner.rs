//! Running each test in its own process under a kill timer, and believing only the test runner.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::model::TestOutcome;
use crate::process;

/// Output kept per test: enough to read a failure, bounded for a test printing megabytes.
pub const OUTPUT_CAP: usize = 16 * 1024;

/// The test names of a test binary: `--list --format terse` prints `name: test` lines.
pub fn list_tests(binary: &Path) -> Result<Vec<String>> {
    let mut command = Command::new(binary);
    command.args(["--list", "--format", "terse"]);
    let outcome = process::run(command, Duration::from_secs(60), process::NO_CAP)?;
    if !outcome.success() {
        bail!(
            "could not list the tests of {}:\n{}",
            binary.display(),
            outcome.combined()
        );
    }
    Ok(outcome
        .stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect())
}

/// Runs the one test `name`; returns its outcome and, unless it passed, what to show the student.
pub fn run_test(binary: &Path, name: &str, timeout: Duration) -> Result<(TestOutcome, String)> {
    let mut command = Command::new(binary);
    command
        .args(["--exact", name, "--test-threads=1", "--color=never"])
        .env("RUST_BACKTRACE", "0")
        .current_dir(binary.parent().context("a test binary has a folder")?);
    let outcome = process::run(command, timeout, OUTPUT_CAP)?;
    let log = outcome.combined();
    if outcome.timed_out() {
        let secs = timeout.as_secs();
        let reason = format!(
            "timed out after {secs}s: deadlock? a worker never joined? a result never sent?"
        );
        return Ok((TestOutcome::TimedOut, with_log(reason, &log)));
    }
    let status = outcome.status.context("a finished process has a status")?;
    if let Some(signal) = status.signal() {
        let reason = format!("process aborted: signal {signal} ({})", signal_name(signal));
        return Ok((TestOutcome::Crashed, with_log(reason, &log)));
    }
    if runner_reported_pass(&outcome.stdout, name) && status.success() {
        return Ok((TestOutcome::Passed, String::new()));
    }
    if status.success() {
        let reason = "the test process exited before the test runner reported a result \
                      (std::process::exit inside a test?)"
            .to_owned();
        return Ok((TestOutcome::Failed, with_log(reason, &log)));
    }
    Ok((
        TestOutcome::Failed,
        failure_text(&outcome.stdout, name).unwrap_or(log),
    ))
}

/// True only if libtest's own lines say the test passed: its result line and its summary.
fn runner_reported_pass(stdout: &str, name: &str) -> bool {
    let result_line = format!("test {name} ... ok");
    stdout.lines().any(|line| line == result_line)
        && stdout
            .lines()
            .any(|line| line.starts_with("test result: ok. 1 passed; 0 failed"))
}

/// The `---- name stdout ----` section libtest prints for a failed test: the panic message.
fn failure_text(stdout: &str, name: &str) -> Option<String> {
    let header = format!("---- {name} stdout ----");
    let start = stdout.find(&header)? + header.len();
    let rest = &stdout[start..];
    let end = rest.find("\nfailures:").unwrap_or(rest.len());
    Some(rest[..end].trim().to_owned())
}

fn with_log(reason: String, log: &str) -> String {
    if log.trim().is_empty() {
        reason
    } else {
        format!("{reason}\n{}", log.trim_end())
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        6 => "SIGABRT: abort, or a stack overflow",
        9 => "SIGKILL",
        11 => "SIGSEGV: invalid memory access, or a stack overflow",
        4 => "SIGILL",
        7 => "SIGBUS",
        8 => "SIGFPE",
        _ => "killed by a signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_needs_the_result_line_and_the_summary() {
        let ok =
            "running 1 test\ntest a::b ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored\n";
        assert!(runner_reported_pass(ok, "a::b"));
        assert!(!runner_reported_pass(
            "running 1 test\ntest a::b ... ",
            "a::b"
        ));
        assert!(!runner_reported_pass(ok, "a::c"));
    }

    #[test]
    fn finds_the_panic_message_of_a_failed_test() {
        let out = "test a ... FAILED\n\nfailures:\n\n---- a stdout ----\n\nthread 'a' panicked at x.rs:1:1:\nboom\n\nfailures:\n    a\n";
        assert_eq!(
            failure_text(out, "a").unwrap(),
            "thread 'a' panicked at x.rs:1:1:\nboom"
        );
    }
}
