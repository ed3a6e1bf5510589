//! The worker side: what [`init`](super::init) does in a process that a pool started.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use super::protocol::{self, MAGIC};
use super::registry::Tasks;

/// The environment variable that marks a worker process; its value is the parent's pid.
pub(crate) const WORKER_ENV: &str = "CONCURRENT_PROCESS_WORKER";

/// The exit code of a marked process that built a pool without calling [`init`](super::init)
/// first: it was about to run the program's `main` a second time, inside a worker.
pub(crate) const NOT_A_WORKER_EXIT: i32 = 97;

/// Set once this process serves as a worker (a task may then build pools of its own).
static SERVING: AtomicBool = AtomicBool::new(false);

/// True in a worker process that is serving requests.
pub(crate) fn serving() -> bool {
    SERVING.load(Ordering::Relaxed)
}

/// The parent pid recorded in the marker, if this process was started as a worker.
pub(crate) fn marker() -> Option<String> {
    std::env::var(WORKER_ENV).ok()
}

/// Serves requests on stdin until it closes, then exits the process. Never returns.
pub(crate) fn serve(tasks: &Tasks, parent: &str) -> ! {
    SERVING.store(true, Ordering::Relaxed);
    match run(tasks, parent) {
        Ok(()) => std::process::exit(0),
        Err(error) => {
            eprintln!("concurrent::process worker {}: {error}", std::process::id());
            std::process::exit(1)
        }
    }
}

fn run(tasks: &Tasks, parent: &str) -> io::Result<()> {
    follow_parent(parent)?;
    // The protocol gets its own copy of stdout; fd 1 becomes stderr, so a task's `println!`
    // shows in the terminal instead of corrupting the frames.
    io::stdout().flush()?;
    let mut channel = File::from(rustix::io::dup(io::stdout())?);
    rustix::stdio::dup2_stdout(io::stderr())?;
    channel.write_all(MAGIC)?;
    channel.flush()?;

    let mut input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let mut body = Vec::new();
    while protocol::read_frame(&mut input, &mut body)?.is_some() {
        let request = protocol::parse_request(&body)?;
        let task = tasks.get(request.task).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "no task number {} here: were the parent and this worker built with \
                     different tasks![...] lists?",
                    request.task
                ),
            )
        })?;
        let outcomes: Vec<_> = request.arguments.iter().map(|arg| task.run(arg)).collect();
        // Always at once: the next request, if already here, may run for a long time.
        protocol::write_frame(&mut channel, &protocol::reply(&outcomes))?;
    }
    Ok(())
}

/// Dies with the parent: on Linux the kernel sends SIGKILL when the parent exits; everywhere,
/// the closed stdin ends the loop. A parent that died before this line is noticed by its pid.
fn follow_parent(parent: &str) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))?;
    let actual = rustix::process::getppid().map_or(0, |pid| pid.as_raw_nonzero().get());
    if parent.parse::<i32>().ok() != Some(actual) {
        return Err(io::Error::other(format!(
            "started as a worker of process {parent}, but the parent is {actual}: the pool is gone \
             (or {WORKER_ENV} was inherited by another program); exiting"
        )));
    }
    Ok(())
}
