//! The errors-and-timeouts and callbacks demos, run as child processes on small input: they
//! finish, print the outcomes they promise, and draw their parallel runs with `--timeline`.

use std::process::Command;
use std::time::Duration;

use course_testing::child;

const LIMIT: Duration = Duration::from_secs(25);

#[course_testing::test(deadline_secs = 30)]
fn the_errors_demo_reports_every_kind_of_outcome() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let svg = dir.path().join("outcomes.svg");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_errors-and-timeouts"));
    demo.args(["--scale-ms", "20", "--timeline"]).arg(&svg);
    let run = child::run("the errors demo", demo, LIMIT, "a task never stopped?");
    run.assert_succeeded();
    for expected in [
        "done: 20",
        "failed: invalid input",
        "panicked: index out of bounds",
        "timed out (its own timeout)",
        "stopped at the overall deadline",
        "cancelled before it started",
        "8 done, 0 cancelled",
    ] {
        assert!(
            run.stdout.contains(expected),
            "expected {expected:?} in:\n{}",
            run.stdout
        );
    }
    let bars = course_testing::timeline::bars(&svg);
    assert!(
        bars >= 12,
        "expected the timeline to draw a bar per task of the batch (12), found {bars}"
    );
}

#[course_testing::test(deadline_secs = 30)]
fn the_callbacks_demo_logs_the_panic_and_agrees_with_the_sequential_run() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let svg = dir.path().join("callbacks.svg");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_callbacks"));
    demo.args(["--numbers", "20000", "--block", "1000", "--timeline"])
        .arg(&svg);
    let run = child::run("the callbacks demo", demo, LIMIT, "a callback never ran?");
    run.assert_succeeded();
    assert!(run.stdout.contains("19 done, 1 failed"), "{}", run.stdout);
    assert!(
        run.stdout.contains("block 0 failed: 0 never reaches 1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("same summary as the sequential run"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("[ERROR] a done callback panicked"),
        "{}",
        run.stderr
    );
    let bars = course_testing::timeline::bars(&svg);
    assert!(
        bars >= 20,
        "expected the timeline to draw a bar per block (20), found {bars}"
    );
}
