//! The exercise 1 demo (`src/main.rs` of the exercise, included by this package's binary), run on
//! the reference solution as a child process: it compresses generated files sequentially and in
//! parallel, and `--timeline` draws the parallel run as an SVG.

use std::process::Command;
use std::time::Duration;

use course_testing::child;

/// A run on three small files takes well under a second; one still going after this is a hang.
const LIMIT: Duration = Duration::from_secs(60);

#[course_testing::test(deadline_secs = 90)]
fn compresses_in_parallel_and_draws_the_timeline() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let svg = dir.path().join("timeline.svg");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_ex1-solution"));
    demo.args([
        "--files",
        "3",
        "--size",
        "20KB",
        "--workers",
        "2",
        "--timeline",
    ])
    .arg(&svg);
    let run = child::run("the demo", demo, LIMIT, "did a compression task never end?");
    run.assert_succeeded();
    assert!(
        run.stdout.contains("3 compressed, 0 failed"),
        "expected the three files compressed, got:\n{}",
        run.stdout
    );
    let bars = course_testing::timeline::bars(&svg);
    assert!(
        bars >= 3,
        "expected the timeline to draw a bar for each of the 3 files, found {bars}"
    );
}
