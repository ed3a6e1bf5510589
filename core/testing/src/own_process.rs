//! `#[course_testing::test(own_process)]`: the test runs alone in a child process, the test binary
//! started again with `--exact <this test>`. Whatever the other tests of the binary do (allocate,
//! panic with `RUST_BACKTRACE=1` and load debug symbols), they cannot touch its memory, its
//! environment or its verdict.
//!
//! The parent starts the child, waits for it (a little past the test's deadline: the child's own
//! deadline fires first and explains what hung), shows the child's output as its own, and fails with
//! the child's panic message if it failed. The child reports how the test ended in one line of its
//! standard output, after everything the test printed.

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::lesson::panic_message;
use crate::runner::TestInfo;

/// Set in the child: the name of the test it runs.
const CHILD: &str = "COURSE_TESTING_OWN_PROCESS";
/// Starts the line in which the child reports the outcome.
const MARKER: &str = "course-testing-own-process:";
/// How long the parent waits beyond the test's deadline before it kills the child.
const GRACE: Duration = Duration::from_secs(5);

/// True in a process that runs one `own_process` test and nothing else.
static OWN_PROCESS: AtomicBool = AtomicBool::new(false);

/// True in the child process started for `test`.
pub(crate) fn is_child_for(test: &TestInfo) -> bool {
    std::env::var_os(CHILD).is_some_and(|name| name == test.path().as_str())
}

/// True if this process runs one `own_process` test alone.
pub(crate) fn is_own_process() -> bool {
    OWN_PROCESS.load(Ordering::SeqCst)
}

/// In the child: runs the test and reports how it ended on standard output, then ends as the
/// test did (a panic stays a panic, so the child's own test runner agrees).
pub(crate) fn run_as_child(test: impl FnOnce()) {
    OWN_PROCESS.store(true, Ordering::SeqCst);
    let outcome = catch_unwind(AssertUnwindSafe(test));
    let report = match &outcome {
        Ok(()) => "passed".to_owned(),
        Err(payload) => format!("panicked {}", escape(&panic_message(payload.as_ref()))),
    };
    // Written to the real standard output, not through `print!`, which the test runner may capture.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "\n{MARKER} {report}");
    let _ = stdout.flush();
    drop(stdout);
    if let Err(payload) = outcome {
        resume_unwind(payload);
    }
}

/// In the parent: runs `test` in a child process and passes its verdict on.
pub(crate) fn run_in_child(test: &TestInfo) {
    let path = test.path();
    let binary = std::env::current_exe().unwrap_or_else(|error| {
        panic!("cannot find the test binary to run `{path}` in its own process: {error}")
    });
    let mut command = Command::new(binary);
    command
        .args([
            path.as_str(),
            "--exact",
            "--nocapture",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env(CHILD, &path)
        // A panic caught inside the code under test must not load debug symbols into the memory
        // being measured: the verdict may not depend on the student's RUST_BACKTRACE.
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .envs(test.env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start `{path}` in its own process: {error}"));
    let (sender, outputs) = mpsc::channel();
    for (stream, pipe) in [
        (
            Stream::Out,
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
        (
            Stream::Err,
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            let _ = sender.send((stream, bytes));
        });
    }
    let give_up = Instant::now() + test.deadline() + GRACE;
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let left = give_up.saturating_duration_since(Instant::now());
        match outputs.recv_timeout(left) {
            Ok((Stream::Out, bytes)) => stdout = bytes,
            Ok((Stream::Err, bytes)) => stderr = bytes,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{}", test.hang_message());
            }
        }
    }
    let status = child
        .wait()
        .unwrap_or_else(|error| panic!("cannot wait for `{path}` in its own process: {error}"));
    let stdout = String::from_utf8_lossy(&stdout);
    let stderr = String::from_utf8_lossy(&stderr);
    let (printed, report) = split_report(&stdout);
    // What the test printed becomes this test's output, shown when it fails like any test's; the
    // child's test runner lines would only repeat (or contradict) the parent's.
    print!("{}", without_runner_lines(&printed, &path));
    eprint!("{}", without_runner_lines(&stderr, &path));
    match report {
        Some(Report::Passed) if status.success() => {}
        Some(Report::Panicked(message)) => panic!("{message}"),
        _ => panic!("{}", ended_without_report(&path, status, &stdout, &stderr)),
    }
}

#[derive(Debug, Clone, Copy)]
enum Stream {
    Out,
    Err,
}

#[derive(Debug, PartialEq)]
enum Report {
    Passed,
    Panicked(String),
}

/// The child's output without its report line, and the report.
fn split_report(stdout: &str) -> (String, Option<Report>) {
    let mut printed = String::with_capacity(stdout.len());
    let mut report = None;
    for line in stdout.split_inclusive('\n') {
        match line.trim_end_matches(['\n', '\r']).strip_prefix(MARKER) {
            Some(rest) => {
                let rest = rest.trim_start();
                report = Some(match rest.strip_prefix("panicked ") {
                    Some(message) => Report::Panicked(unescape(message)),
                    None if rest == "passed" => Report::Passed,
                    None => Report::Panicked(format!("an unreadable report: {rest}")),
                });
            }
            None => printed.push_str(line),
        }
    }
    (printed, report)
}

/// `text` without the lines the child's test runner adds around the test's own output (and its
/// advice to set RUST_BACKTRACE, which the child ignores on purpose).
fn without_runner_lines(text: &str, path: &str) -> String {
    let is_runner_line = |line: &str| {
        line == "running 1 test"
            // the verdict that ends the runner's `test NAME ... ` line, pushed down by the report
            || line == "ok"
            || line == "FAILED"
            || line == "failures:"
            || line == "successes:"
            || line.starts_with("test result: ")
            || line.strip_prefix("    ") == Some(path)
            || (line.starts_with("---- ") && line.contains(path))
            || line.starts_with("note: run with `RUST_BACKTRACE=1`")
    };
    // The runner prints `test NAME ... ` before the test runs, so the test's first line of output
    // shares that line: keep what follows the prefix.
    let started = format!("test {path} ...");
    let kept: Vec<&str> = text
        .lines()
        .map(|line| {
            line.strip_prefix(&started)
                .map_or(line, |rest| rest.strip_prefix(' ').unwrap_or(rest))
        })
        .filter(|line| !is_runner_line(line))
        .collect();
    let kept = kept.join("\n");
    let kept = kept.trim_matches('\n');
    if kept.is_empty() {
        String::new()
    } else {
        format!("{kept}\n")
    }
}

fn ended_without_report(path: &str, status: ExitStatus, stdout: &str, stderr: &str) -> String {
    if stdout.contains("running 0 tests") {
        return format!(
            "the test binary, run again for `{path}` alone, found no test of that name: is the \
             test inside a function or a macro? `own_process` needs the test's module path"
        );
    }
    let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    format!(
        "`{path}` ran in its own process, which ended ({status}) before the test finished: a \
         crash, an abort, a stack overflow or `std::process::exit` in the code under test?\n{}",
        tail.join("\n")
    )
}

/// One line for any message: backslashes and line breaks escaped.
fn escape(message: &str) -> String {
    message
        .replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_survive_the_report_line() {
        for message in [
            "plain",
            "two\nlines",
            "a \\n that is not a break",
            "end\\",
            "\r\n",
        ] {
            assert_eq!(unescape(&escape(message)), message);
            assert!(!escape(message).contains('\n'));
        }
    }

    #[test]
    fn the_report_line_is_found_and_removed() {
        let stdout = format!(
            "running 1 test\nstudent output\n\n{MARKER} panicked boom\\nsecond line\ntest x ... FAILED\n"
        );
        let (printed, report) = split_report(&stdout);
        assert_eq!(
            report,
            Some(Report::Panicked("boom\nsecond line".to_owned()))
        );
        assert_eq!(
            printed,
            "running 1 test\nstudent output\n\ntest x ... FAILED\n"
        );
        assert_eq!(
            split_report(&format!("{MARKER} passed\n")).1,
            Some(Report::Passed)
        );
        assert_eq!(split_report("no report\n").1, None);
    }

    #[test]
    fn the_childs_runner_lines_are_left_out() {
        let stdout = "\nrunning 1 test\nstudent output\ntest a::b ... FAILED\n\nfailures:\n\nfailures:\n    a::b\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 9 filtered out\n\n";
        assert_eq!(without_runner_lines(stdout, "a::b"), "student output\n");
        let stderr = "thread 'a::b' panicked at src/lib.rs:1:1:\nboom\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(
            without_runner_lines(stderr, "a::b"),
            "thread 'a::b' panicked at src/lib.rs:1:1:\nboom\n"
        );
        assert_eq!(without_runner_lines("running 1 test\n", "a::b"), "");
        // One test thread: the test's first line follows the runner's `test NAME ... `.
        let stdout = "\nrunning 1 test\ntest a::b ...   indented\nsecond line\n\nok\n";
        assert_eq!(
            without_runner_lines(stdout, "a::b"),
            "  indented\nsecond line\n"
        );
        assert_eq!(without_runner_lines("test a::b ... ok\n", "a::b"), "");
    }
}
