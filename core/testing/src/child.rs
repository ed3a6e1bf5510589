//! A program run by a test as a child process (a demo binary, a course tool), under a deadline of
//! its own.
//!
//! Both pipes are read on threads of their own as the child writes, so a child that prints a lot
//! on stdout and stderr never blocks on a full pipe. A child still running at its limit is killed
//! and waited for, and the test fails with a message that names the program, its arguments, the
//! limit, what probably hung and what it printed. A [`Spawned`] child dropped before it ends (the
//! test failed halfway) is killed too, so no test leaves a process behind.
//!
//! ```no_run
//! use std::process::Command;
//! use std::time::Duration;
//!
//! use course_testing::child;
//!
//! // In a test, the demo is `Command::new(env!("CARGO_BIN_EXE_ex3-solution"))`.
//! let mut demo = Command::new("target/debug/ex3-solution");
//! demo.args(["--limit", "100000"]);
//! let run = child::run("the demo", demo, Duration::from_secs(60), "did the sieve hang?");
//! run.assert_succeeded();
//! assert!(run.stdout.contains(" 9592 "));
//!
//! // A child watched while it runs: wait for a line, then signal `monitor.child()`.
//! let mut monitor = child::spawn("the monitor", Command::new("target/debug/ex4-solution"));
//! monitor.wait_for("report 1", Duration::from_secs(30));
//! let run = monitor.finish(Duration::from_secs(30), "did the signal not end it?");
//! assert!(run.stdout.contains("final report"));
//! ```

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How often a running child is asked whether it has exited.
const POLL: Duration = Duration::from_millis(10);
/// How long, after the child exits (or is killed), its output may take to arrive.
const GRACE: Duration = Duration::from_secs(5);

/// How a child process ended and what it printed.
#[derive(Debug)]
pub struct Run {
    /// Its exit status.
    pub status: ExitStatus,
    /// Everything it wrote to stdout (invalid UTF-8 replaced).
    pub stdout: String,
    /// Everything it wrote to stderr (invalid UTF-8 replaced).
    pub stderr: String,
    name: String,
}

impl Run {
    /// Fails the test unless the child exited successfully, showing its status and output.
    pub fn assert_succeeded(&self) {
        assert!(
            self.status.success(),
            "{} failed ({}):\n{}{}",
            self.name,
            self.status,
            self.stdout,
            self.stderr
        );
    }
}

/// Runs `command` to its end with its stdout and stderr captured (stdin empty), and returns how
/// it ended. `name` names it in messages ("the demo"). Still running after `limit`, it is killed
/// and the test fails with `what_probably_hung` ("did a download hang?") and what it printed.
pub fn run(name: &str, command: Command, limit: Duration, what_probably_hung: &str) -> Run {
    spawn(name, command).finish(limit, what_probably_hung)
}

/// Starts `command` with its stdout and stderr captured (stdin empty), for a test that watches it
/// while it runs (waits for a line, sends it a signal) before [`Spawned::finish`].
pub fn spawn(name: &str, mut command: Command) -> Spawned {
    let args = format!("{:?}", command.get_args().collect::<Vec<&OsStr>>());
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("could not start {name}: {error}"));
    Spawned {
        stdout: read_lines(child.stdout.take()),
        stderr: read_lines(child.stderr.take()),
        child,
        name: name.to_owned(),
        args,
        printed: String::new(),
    }
}

/// A running child process whose stdout arrives line by line. Dropped before it ends, it is killed.
#[derive(Debug)]
pub struct Spawned {
    child: Child,
    name: String,
    /// The arguments, as the messages show them.
    args: String,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    /// Its stdout so far, as received.
    printed: String,
}

impl Spawned {
    /// The process, to send it a signal.
    pub fn child(&self) -> &Child {
        &self.child
    }

    /// Waits until the child prints a line that contains `marker`; fails if it has not within
    /// `limit` or closes its stdout first.
    pub fn wait_for(&mut self, marker: &str, limit: Duration) {
        let give_up = Instant::now() + limit;
        loop {
            match self
                .stdout
                .recv_timeout(give_up.saturating_duration_since(Instant::now()))
            {
                Ok(line) => {
                    self.printed.push_str(&line);
                    if line.contains(marker) {
                        return;
                    }
                }
                Err(_) => panic!(
                    "{} never printed `{marker}`; it printed:\n{}",
                    self.name, self.printed
                ),
            }
        }
    }

    /// Waits for the child to exit and returns how it ended and everything it printed. Still
    /// running after `limit`, it is killed and the test fails with `what_probably_hung`.
    pub fn finish(mut self, limit: Duration, what_probably_hung: &str) -> Run {
        let give_up = Instant::now() + limit;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < give_up => thread::sleep(POLL),
                Ok(None) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    let until = Instant::now() + GRACE;
                    let mut printed = std::mem::take(&mut self.printed);
                    receive(&self.stdout, &mut printed, until);
                    receive(&self.stderr, &mut printed, until);
                    panic!(
                        "{} with {} did not finish within {limit:?}: {what_probably_hung}\n\
                         It printed:\n{printed}",
                        self.name, self.args
                    );
                }
                Err(error) => panic!("could not wait for {}: {error}", self.name),
            }
        };
        // A process the child started may still hold its pipes: wait for them a while, not forever.
        let until = give_up.max(Instant::now() + GRACE);
        let mut stdout = std::mem::take(&mut self.printed);
        let mut stderr = String::new();
        let complete =
            receive(&self.stdout, &mut stdout, until) && receive(&self.stderr, &mut stderr, until);
        assert!(
            complete,
            "{} with {} exited ({status}) but its output stayed open: does a process it started \
             still hold it? It printed:\n{stdout}{stderr}",
            self.name, self.args
        );
        Run {
            status,
            stdout,
            stderr,
            name: std::mem::take(&mut self.name),
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads `pipe` on its own thread as the child writes it; each line (with its line break) arrives
/// on the receiver, which disconnects at the end of the pipe.
fn read_lines(pipe: Option<impl Read + Send + 'static>) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    if let Some(pipe) = pipe {
        thread::spawn(move || {
            let mut pipe = BufReader::new(pipe);
            let mut line = Vec::new();
            while pipe.read_until(b'\n', &mut line).is_ok_and(|read| read > 0) {
                // Keep reading after the receiver is gone, so the child never blocks on a full pipe.
                let _ = sender.send(String::from_utf8_lossy(&line).into_owned());
                line.clear();
            }
        });
    }
    receiver
}

/// Appends what arrives on `lines` to `text` until its pipe ends (true) or `until` (false).
fn receive(lines: &Receiver<String>, text: &mut String, until: Instant) -> bool {
    loop {
        match lines.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(line) => text.push_str(&line),
            Err(RecvTimeoutError::Disconnected) => return true,
            Err(RecvTimeoutError::Timeout) => return false,
        }
    }
}
