//! Running each test in its own process (in the sandbox) under a kill timer, and believing only
//! the test runner's own report.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::model::TestOutcome;
use super::sandbox::{Bind, Sandbox, View};
use crate::process;

/// Output kept per test: enough to read a failure, bounded for a test printing megabytes.
pub const OUTPUT_CAP: usize = 16 * 1024;

/// Where and how the tests of one exercise run.
pub struct TestEnv {
    pub sandbox: Sandbox,
    /// The test binary's copy: a folder of its own, shown read-only at `/tests` in the sandbox.
    pub binary: PathBuf,
    /// The graded workspace (read-only in the sandbox, at `/course`), and the package's folder in
    /// it, where the tests run (as with `cargo test`).
    pub workspace: PathBuf,
    pub package_dir: PathBuf,
    /// A folder of this machine for the reports of the test runner, one folder per test.
    pub reports: PathBuf,
}

impl TestEnv {
    fn command(&self, args: Vec<OsString>, report: Option<&Path>) -> Result<Command> {
        let sandbox = &self.sandbox;
        let folder = self.binary.parent().context("a test binary has a folder")?;
        let file = self
            .binary
            .file_name()
            .context("a test binary has a name")?;
        let workspace = sandbox.inside(&self.workspace, "/course");
        let binary = sandbox.inside(folder, "/tests").join(file);
        let mut view = View {
            cwd: workspace.join(&self.package_dir),
            limited: true,
            ..View::default()
        };
        view.env.push(("RUST_BACKTRACE".into(), "0".into()));
        view.binds.push(Bind {
            host: self.workspace.clone(),
            inside: workspace,
            writable: false,
        });
        view.binds.push(Bind {
            host: folder.to_path_buf(),
            inside: sandbox.inside(folder, "/tests"),
            writable: false,
        });
        let mut args = args;
        if let Some(report) = report {
            // Only the runner is told where its report goes, in a folder of a random name.
            let folder = report.parent().context("a report has a folder")?;
            let inside = sandbox.inside(folder, &format!("/run/{}", random_name()));
            view.binds.push(Bind {
                host: folder.to_path_buf(),
                inside: inside.clone(),
                writable: true,
            });
            args.push("--logfile".into());
            args.push(
                inside
                    .join(report.file_name().context("a report has a name")?)
                    .into(),
            );
        }
        Ok(sandbox.command(&view, &binary, &args))
    }
}

/// The test names of a test binary: `--list --format terse` prints `name: test` lines.
pub fn list_tests(env: &TestEnv) -> Result<Vec<String>> {
    let args = ["--list", "--format", "terse"].map(OsString::from).to_vec();
    let command = env.command(args, None)?;
    let outcome = process::run_in_group(command, Duration::from_secs(60), 1 << 20)?;
    if !outcome.success() {
        bail!(
            "could not list the tests of {}:\n{}",
            env.binary.display(),
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
pub fn run_test(env: &TestEnv, name: &str, timeout: Duration) -> Result<(TestOutcome, String)> {
    let reports = env.reports.join(random_name());
    std::fs::create_dir_all(&reports)
        .with_context(|| format!("cannot create {}", reports.display()))?;
    if let Some(user) = env.sandbox.test_user() {
        std::os::unix::fs::chown(&reports, Some(user), Some(user))?;
    }
    let report = reports.join("report");
    let args = [name, "--exact", "--test-threads=1", "--color=never"]
        .map(OsString::from)
        .to_vec();
    let command = env.command(args, Some(&report))?;
    let outcome = process::run_in_group(command, timeout, OUTPUT_CAP)?;
    let logged = read_report(&report);
    let _ = std::fs::remove_dir_all(&reports);
    let log = outcome.combined();
    if outcome.timed_out() {
        let secs = timeout.as_secs();
        let reason = format!(
            "timed out after {secs}s: deadlock? a worker never joined? a result never sent?"
        );
        return Ok((TestOutcome::TimedOut, with_log(reason, &log)));
    }
    let status = outcome.status.context("a finished process has a status")?;
    // bwrap reports a child killed by signal N as exit code 128 + N.
    let bwrap_signal = status
        .code()
        .filter(|code| env.sandbox.sealed() && (129..160).contains(code))
        .map(|code| code - 128);
    if let Some(signal) = status.signal().or(bwrap_signal) {
        let reason = format!("process aborted: signal {signal} ({})", signal_name(signal));
        return Ok((TestOutcome::Crashed, with_log(reason, &log)));
    }
    if runner_reported_pass(&logged, &outcome.stdout, name) && status.success() {
        return Ok((TestOutcome::Passed, String::new()));
    }
    if status.success() {
        let reason = "the test process exited before the test runner reported a result \
                      (std::process::exit inside a test? lines imitating the runner's?)"
            .to_owned();
        return Ok((TestOutcome::Failed, with_log(reason, &log)));
    }
    Ok((
        TestOutcome::Failed,
        failure_text(&outcome.stdout, name).unwrap_or(log),
    ))
}

/// The runner's report (`--logfile`), read up to a small cap: a test cannot make it huge.
fn read_report(path: &Path) -> String {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return String::new();
    };
    if !metadata.is_file() {
        return String::new();
    }
    let mut text = String::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(64 * 1024).read_to_string(&mut text);
    }
    text
}

/// 128 random bits, in hex: a name nobody can guess.
fn random_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut name = String::new();
    for _ in 0..2 {
        // Each `RandomState` has keys of its own, seeded from the system's randomness.
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos()),
        );
        name.push_str(&format!("{:016x}", hasher.finish()));
    }
    name
}

/// True only if libtest's own report says the test passed, and nothing else (its `--logfile`,
/// which the test's code is not told about), and its printed result line and summary agree.
fn runner_reported_pass(logged: &str, stdout: &str, name: &str) -> bool {
    let result_line = format!("test {name} ... ok");
    logged == format!("ok {name}\n")
        && stdout.lines().any(|line| line == result_line)
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
        let logged = "ok a::b\n";
        assert!(runner_reported_pass(logged, ok, "a::b"));
        assert!(!runner_reported_pass(
            logged,
            "running 1 test\ntest a::b ... ",
            "a::b"
        ));
        assert!(!runner_reported_pass(logged, ok, "a::c"));
        assert!(
            !runner_reported_pass("", ok, "a::b"),
            "printed lines without the runner's report are a forgery"
        );
        assert!(!runner_reported_pass("ok a::b\nfailed a::b\n", ok, "a::b"));
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
