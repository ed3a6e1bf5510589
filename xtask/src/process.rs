//! Running a command with its output captured, under a kill timer.
//!
//! Untrusted commands get a process group of their own, and the whole group is killed when the
//! command ends or its time is up: a child left behind cannot keep running, nor keep the output
//! pipes open. A process that left the group (`setsid`) can still hold a pipe: the output is then
//! read for a short grace period only, never waited for.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// What a finished (or killed) command left behind.
#[derive(Debug)]
pub struct Outcome {
    /// `None` when the command was killed at the deadline.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|status| status.success())
    }

    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }

    /// stdout then stderr: what a person would have seen.
    pub fn combined(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// No limit on the output kept.
pub const NO_CAP: usize = usize::MAX;

/// How long the output pipes are still read once the command is over: enough for the last
/// buffered bytes, short enough that a process holding a pipe open costs nothing.
const PIPE_GRACE: Duration = Duration::from_secs(2);

/// Runs `command` to completion, killing it after `limit`. Output is read on two threads while
/// the command runs, so a chatty command cannot block on a full pipe; each stream keeps at most
/// `cap` bytes (the rest is read and dropped, with a note that it was truncated). The command stays
/// in our process group, so Ctrl-C stops it with us: for the course's own trusted commands.
pub fn run(command: Command, limit: Duration, cap: usize) -> Result<Outcome> {
    run_with(command, limit, cap, false)
}

/// [`run`] for untrusted code: the command gets a process group of its own, killed as a whole
/// when the command ends or its time is up.
pub fn run_in_group(command: Command, limit: Duration, cap: usize) -> Result<Outcome> {
    run_with(command, limit, cap, true)
}

fn run_with(mut command: Command, limit: Duration, cap: usize, group: bool) -> Result<Outcome> {
    let description = format!("{command:?}");
    if group {
        command.process_group(0);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {description}"))?;
    let stdout = child.stdout.take().map(|pipe| drain(pipe, cap));
    let stderr = child.stderr.take().map(|pipe| drain(pipe, cap));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            break None;
        }
        thread::sleep(Duration::from_millis(10));
    };
    if group {
        // Whether it finished or not, nothing it started outlives it.
        kill_group(&mut child);
    } else if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let grace = Instant::now() + PIPE_GRACE;
    Ok(Outcome {
        status,
        stdout: stdout
            .map(|reader| reader.collect(grace))
            .unwrap_or_default(),
        stderr: stderr
            .map(|reader| reader.collect(grace))
            .unwrap_or_default(),
    })
}

/// Kills the child's process group, then the child itself, and reaps it.
fn kill_group(child: &mut Child) {
    let group = rustix::process::Pid::from_child(child);
    let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    let _ = child.kill();
    let _ = child.wait();
}

#[derive(Default)]
struct Captured {
    kept: Vec<u8>,
    dropped: usize,
}

struct Reader {
    captured: Arc<Mutex<Captured>>,
    done: Receiver<()>,
}

impl Reader {
    /// What was read, waiting until `grace` at most for the end of the stream.
    fn collect(self, grace: Instant) -> String {
        let held_open = self
            .done
            .recv_timeout(grace.saturating_duration_since(Instant::now()))
            .is_err();
        let captured = self.captured.lock().unwrap_or_else(PoisonError::into_inner);
        let mut text = String::from_utf8_lossy(&captured.kept).into_owned();
        if captured.dropped > 0 {
            text.push_str(&format!(
                "\n[... output truncated: {} more bytes not shown]\n",
                captured.dropped
            ));
        }
        if held_open {
            text.push_str(
                "\n[... a process left behind kept this output open: not read further]\n",
            );
        }
        text
    }
}

fn drain(mut pipe: impl Read + Send + 'static, cap: usize) -> Reader {
    let captured = Arc::new(Mutex::new(Captured::default()));
    let (sender, done) = mpsc::channel();
    let shared = Arc::clone(&captured);
    // Detached: a pipe held open by an escaped process keeps this thread, never the grader.
    thread::spawn(move || {
        let mut buffer = [0u8; 64 * 1024];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(read) => {
                    let mut captured = shared.lock().unwrap_or_else(PoisonError::into_inner);
                    let room = cap.saturating_sub(captured.kept.len()).min(read);
                    captured.kept.extend_from_slice(&buffer[..room]);
                    captured.dropped += read - room;
                }
            }
        }
        let _ = sender.send(());
    });
    Reader { captured, done }
}

/// The last `lines` lines of `text`, to show the relevant end of a long log.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
