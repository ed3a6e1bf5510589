//! The parent's handle on one worker process: start it, send a request, read the reply under a
//! deadline, and kill or close it so that it is always reaped (no zombies).

use std::io::{self, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};

use super::protocol::{self, MAGIC, MAX_FRAME, Outcome};
use super::worker::{NOT_A_WORKER_EXIT, WORKER_ENV};

/// How a worker process is started: the program and its arguments.
#[derive(Debug, Clone)]
pub(crate) struct Launch {
    /// `None`: this very program (`std::env::current_exe`).
    pub(crate) program: Option<std::path::PathBuf>,
    pub(crate) args: Vec<String>,
    /// How long a new worker may take to say it is ready.
    pub(crate) startup_limit: Duration,
}

/// Why a request got no reply.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The deadline passed; the worker was killed and reaped.
    TimedOut,
    /// The worker died or broke the protocol; the text names the cause (signal, exit code).
    Died(String),
    /// The request could not be written: the worker had died before it (it never ran).
    NotSent(String),
}

pub(crate) struct WorkerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    /// Bytes read from stdout and not yet consumed.
    buffer: Vec<u8>,
    pub(crate) pid: u32,
    /// Requests sent so far.
    pub(crate) sent: usize,
    /// Requests answered so far.
    pub(crate) requests: usize,
}

impl WorkerProcess {
    /// Starts a worker and waits until it is ready, or says why it is not.
    pub(crate) fn start(launch: &Launch) -> Result<WorkerProcess, String> {
        let program = match &launch.program {
            Some(program) => program.clone(),
            None => std::env::current_exe()
                .map_err(|error| format!("cannot find this program to start a worker: {error}"))?,
        };
        let mut child = Command::new(&program)
            .args(&launch.args)
            .env(WORKER_ENV, std::process::id().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", program.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the worker's pipes were not set up".to_owned());
        };
        let mut worker = WorkerProcess {
            pid: child.id(),
            child,
            stdin: Some(stdin),
            stdout,
            buffer: Vec::new(),
            sent: 0,
            requests: 0,
        };
        match worker.await_magic(Instant::now() + launch.startup_limit) {
            Ok(()) => Ok(worker),
            Err(Failure::TimedOut) => {
                worker.kill();
                Err(format!(
                    "a new worker process did not report ready within {:?}: does main call \
                     concurrent::process::init(...) first thing? (in a test: is the name given \
                     to ProcessPoolBuilder::test_worker that of a test calling init?)",
                    launch.startup_limit
                ))
            }
            Err(Failure::Died(cause) | Failure::NotSent(cause)) => Err(format!(
                "a new worker process died before it was ready: {cause}{}",
                startup_advice(&cause)
            )),
        }
    }

    /// Skips whatever the program printed before the worker loop started (libtest's header).
    fn await_magic(&mut self, deadline: Instant) -> Result<(), Failure> {
        loop {
            if let Some(at) = find(&self.buffer, MAGIC) {
                self.buffer.drain(..at + MAGIC.len());
                return Ok(());
            }
            self.fill(Some(deadline))?;
        }
    }

    /// Sends a request frame and waits for its reply, until `deadline` if there is one. On any
    /// failure the worker is dead and reaped (killed first on a timeout).
    pub(crate) fn call(
        &mut self,
        request: &[u8],
        deadline: Option<Instant>,
    ) -> Result<Vec<Outcome>, Failure> {
        self.send(request).map_err(Failure::NotSent)?;
        self.receive(deadline)
    }

    /// Sends a request frame without waiting for the reply. On failure the worker is dead and
    /// reaped, and the error names the cause. With nothing outstanding, it first checks that the
    /// worker did not die while idle, so a request is not handed to a dead process.
    pub(crate) fn send(&mut self, request: &[u8]) -> Result<(), String> {
        if self.sent == self.requests
            && let Some(cause) = self.died_idle()
        {
            return Err(cause);
        }
        let sent = match self.stdin.as_mut() {
            Some(stdin) => protocol::write_frame(stdin, request),
            None => Err(io::Error::from(io::ErrorKind::BrokenPipe)),
        };
        if sent.is_err() {
            // The worker is gone; its exit status says why.
            return Err(self.reap());
        }
        self.sent += 1;
        Ok(())
    }

    /// Waits for the reply to the oldest outstanding request, until `deadline` if there is one.
    /// On failure the worker is dead and reaped (killed first on a timeout).
    pub(crate) fn receive(&mut self, deadline: Option<Instant>) -> Result<Vec<Outcome>, Failure> {
        let outcomes = self.read_reply(deadline)?;
        self.requests += 1;
        Ok(outcomes)
    }

    /// A worker that died while idle (killed from outside) has closed its stdout: one poll that
    /// does not wait finds out, so the next request goes to a new worker instead of failing.
    fn died_idle(&mut self) -> Option<String> {
        let mut fds = [PollFd::new(&self.stdout, PollFlags::IN)];
        let ready = poll(&mut fds, Some(&Timespec::default())).ok()?;
        if ready == 0 {
            return None;
        }
        match self.fill(None) {
            Ok(()) => None, // unexpected bytes: left for read_reply to reject
            Err(Failure::Died(cause) | Failure::NotSent(cause)) => Some(cause),
            Err(Failure::TimedOut) => None,
        }
    }

    fn read_reply(&mut self, deadline: Option<Instant>) -> Result<Vec<Outcome>, Failure> {
        loop {
            if let Some(len) = protocol::frame_len(&self.buffer) {
                if len > MAX_FRAME {
                    self.kill();
                    return Err(Failure::Died("the worker sent a corrupt frame".to_owned()));
                }
                if self.buffer.len() >= 4 + len {
                    let parsed = protocol::parse_reply(&self.buffer[4..4 + len]);
                    self.buffer.drain(..4 + len);
                    return parsed.map_err(|error| {
                        self.kill();
                        Failure::Died(format!("the worker sent a bad reply: {error}"))
                    });
                }
            }
            self.fill(deadline)?;
        }
    }

    /// Reads what stdout has, waiting until `deadline` at most. A timeout kills the worker; an
    /// end of file reaps it and reports how it ended.
    fn fill(&mut self, deadline: Option<Instant>) -> Result<(), Failure> {
        if let Some(deadline) = deadline {
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    self.kill();
                    return Err(Failure::TimedOut);
                }
                let timeout = Timespec::try_from(left).ok();
                let mut fds = [PollFd::new(&self.stdout, PollFlags::IN)];
                match poll(&mut fds, timeout.as_ref()) {
                    Ok(0) | Err(rustix::io::Errno::INTR) => continue,
                    Ok(_) => break,
                    Err(error) => {
                        self.kill();
                        return Err(Failure::Died(format!(
                            "cannot wait for the worker: {error}"
                        )));
                    }
                }
            }
        }
        let mut chunk = [0; 1 << 16];
        loop {
            match self.stdout.read(&mut chunk) {
                Ok(0) => return Err(Failure::Died(self.reap())),
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    self.kill();
                    return Err(Failure::Died(format!(
                        "cannot read from the worker: {error}"
                    )));
                }
            }
        }
    }

    /// Waits for a worker whose pipes closed, and describes how it ended.
    fn reap(&mut self) -> String {
        self.stdin = None;
        match self.child.wait() {
            Ok(status) => describe(self.pid, status),
            Err(error) => format!("worker process {} was lost: {error}", self.pid),
        }
    }

    /// Kills the worker and reaps it.
    pub(crate) fn kill(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Asks an idle worker to exit (its stdin closes) and reaps it; one that does not exit within
    /// `grace` is killed.
    pub(crate) fn close(mut self, grace: Duration) {
        self.stdin = None;
        let deadline = Instant::now() + grace;
        loop {
            match self.fill(Some(deadline)) {
                Ok(()) => self.buffer.clear(), // stray output: keep draining to the end
                Err(_) => return,              // reaped (end of file) or killed (grace over)
            }
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        // Every path above reaps; this is the backstop, so no worker outlives its handle.
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

/// Where `needle` starts in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// "worker process 123 was killed by signal 6 (SIGABRT: ...)" or "... exited with code 3".
pub(crate) fn describe(pid: u32, status: ExitStatus) -> String {
    if let Some(signal) = status.signal() {
        return format!(
            "worker process {pid} was killed by signal {signal} ({})",
            signal_name(signal)
        );
    }
    match status.code() {
        Some(NOT_A_WORKER_EXIT) => format!(
            "worker process {pid} exited with code {NOT_A_WORKER_EXIT}: it ran main and built a \
             pool without calling concurrent::process::init(...) first"
        ),
        Some(code) => format!("worker process {pid} exited with code {code}"),
        None => format!("worker process {pid} ended: {status}"),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        4 => "SIGILL: an illegal instruction",
        6 => "SIGABRT: an abort, e.g. std::process::abort or a stack overflow",
        7 => "SIGBUS: a bad memory access",
        8 => "SIGFPE: an arithmetic fault",
        9 => "SIGKILL: killed from outside, e.g. kill -9 or the out-of-memory killer",
        11 => "SIGSEGV: a segmentation fault",
        13 => "SIGPIPE: a write to a closed pipe",
        15 => "SIGTERM: asked to terminate from outside",
        _ => "a signal",
    }
}

fn startup_advice(cause: &str) -> &'static str {
    if cause.contains("exited with code 0") {
        " (it ran to the end without serving: does main call concurrent::process::init(...) \
         first thing? In a test: is the name given to ProcessPoolBuilder::test_worker the full \
         path of a test that calls init?)"
    } else {
        ""
    }
}
