//! `course_testing::child` against children that exit, print a lot, and hang. The children are this
//! test binary started again for `role_of_a_child_process`, which plays the role named in `ROLE`.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::Command;
use std::time::Duration;

use course_testing::child;

/// Set in a child: the role it plays.
const ROLE: &str = "COURSE_TESTING_CHILD_ROLE";
/// Lines of 1 KiB the chatty child writes to each pipe: 2 MiB, far more than a pipe holds.
const CHATTY_LINES: usize = 2048;
/// The limit of children that should end at once: far above the few milliseconds they take.
const LIMIT: Duration = Duration::from_secs(8);

/// In the parent test process, nothing. In a child, the role named in `ROLE`, then an exit.
#[course_testing::test]
fn role_of_a_child_process() {
    let Some(role) = std::env::var_os(ROLE) else {
        return;
    };
    // Straight to the pipes: `print!` may be captured by the test runner.
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    match role.to_str() {
        Some("exit") => {
            let _ = out.write_all(b"to stdout\n");
            let _ = err.write_all(b"to stderr\n");
            let _ = out.flush();
            std::process::exit(3);
        }
        Some("chatty") => {
            let line = format!("{}\n", "o".repeat(1023));
            // The test runner's `test NAME ... ` starts the first line of stdout.
            let _ = out.write_all(b"\n");
            for _ in 0..CHATTY_LINES {
                let _ = out.write_all(line.as_bytes());
                let _ = err.write_all(line.as_bytes());
            }
            let _ = out.flush();
            std::process::exit(0);
        }
        Some("hang") => {
            let _ = out.write_all(b"started\n");
            let _ = out.flush();
            drop((out, err));
            loop {
                std::thread::park();
            }
        }
        _ => std::process::exit(101),
    }
}

/// This test binary, to play `role`.
fn playing(role: &str) -> Command {
    let binary = std::env::current_exe().expect("the test binary's path");
    let mut command = Command::new(binary);
    command
        .args([
            "role_of_a_child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role);
    command
}

/// The message of the panic `f` raises.
fn panic_of(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a failure");
    payload.downcast::<String>().map(|s| *s).unwrap_or_default()
}

/// True while process `pid` exists (Linux: `/proc`; elsewhere assumed gone).
fn is_alive(pid: u32) -> bool {
    cfg!(target_os = "linux") && std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[course_testing::test]
fn a_child_that_exits_gives_its_status_and_both_outputs() {
    let run = child::run("the helper", playing("exit"), LIMIT, "did it not exit?");
    assert_eq!(run.status.code(), Some(3), "{run:?}");
    assert!(run.stdout.contains("to stdout\n"), "{run:?}");
    assert_eq!(run.stderr, "to stderr\n");
    let message = panic_of(|| run.assert_succeeded());
    assert!(
        message.starts_with("the helper failed (exit status: 3):\n")
            && message.contains("to stdout\n")
            && message.ends_with("to stderr\n"),
        "{message}"
    );
}

#[course_testing::test]
fn a_child_that_prints_a_lot_on_both_pipes_does_not_block() {
    let run = child::run(
        "the chatty helper",
        playing("chatty"),
        LIMIT,
        "a full pipe?",
    );
    run.assert_succeeded();
    let full = |text: &str| {
        text.lines()
            .filter(|line| line.len() == 1023 && line.bytes().all(|b| b == b'o'))
            .count()
    };
    assert_eq!(full(&run.stdout), CHATTY_LINES, "every stdout line arrives");
    assert_eq!(full(&run.stderr), CHATTY_LINES, "every stderr line arrives");
}

#[course_testing::test]
fn a_child_that_hangs_is_killed_at_its_limit_with_the_hint() {
    let mut spawned = child::spawn("the sleeper", playing("hang"));
    let pid = spawned.child().id();
    spawned.wait_for("started", LIMIT);
    let message = panic_of(|| {
        spawned.finish(Duration::from_millis(300), "does it wait forever?");
    });
    assert!(
        message.starts_with("the sleeper with [\"role_of_a_child_process\", \"--exact\"")
            && message.contains("did not finish within 300ms: does it wait forever?")
            && message.contains("started\n"),
        "{message}"
    );
    assert!(!is_alive(pid), "the hung child was killed and reaped");
    // `run` is `spawn` then `finish`.
    let message = panic_of(|| {
        child::run(
            "the sleeper",
            playing("hang"),
            Duration::from_millis(300),
            "hung?",
        );
    });
    assert!(message.contains("within 300ms: hung?"), "{message}");
}

#[course_testing::test]
fn waiting_for_a_line_never_printed_fails_with_the_output() {
    let mut spawned = child::spawn("the helper", playing("exit"));
    let message = panic_of(|| spawned.wait_for("a report", LIMIT));
    assert!(
        message.starts_with("the helper never printed `a report`; it printed:\n")
            && message.contains("to stdout\n"),
        "{message}"
    );
}

#[course_testing::test]
fn a_spawned_child_dropped_halfway_is_killed() {
    let mut spawned = child::spawn("the sleeper", playing("hang"));
    let pid = spawned.child().id();
    spawned.wait_for("started", LIMIT);
    drop(spawned);
    assert!(!is_alive(pid), "dropping the child killed and reaped it");
}
