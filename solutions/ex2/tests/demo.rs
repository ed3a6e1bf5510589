//! The exercise 2 demo (`src/main.rs` of the exercise, included by this package's binary), run on
//! the reference solution as a child process: offline, against its own loopback DNS server.
//! `--timeline` draws the run on `--workers` as an SVG.

use std::process::Command;
use std::time::Duration;

use course_testing::child::{self, Run};

/// The demo's own DNS server answers at once (`--delay 0-0`) and every lookup has a 2 s timeout,
/// so a run takes a few seconds at most; one still going after this is killed, before the tests'
/// deadline of 30 s, so the message says what hung.
const LIMIT: Duration = Duration::from_secs(20);

/// Runs the demo with `args` and returns what it printed; kills it and fails after [`LIMIT`].
fn demo(args: &[&str]) -> Run {
    let mut demo = Command::new(env!("CARGO_BIN_EXE_ex2-solution"));
    demo.args(["--delay", "0-0", "--timeout", "2"]).args(args);
    child::run(
        "the demo",
        demo,
        LIMIT,
        "did a lookup hang past its timeout?",
    )
}

#[course_testing::test(deadline_secs = 30)]
fn validates_the_sample_offline_and_writes_the_csv() {
    let dir = std::env::temp_dir().join(format!("ex2-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let csv = dir.join("reports.csv");
    let svg = dir.join("timeline.svg");
    let run = demo(&[
        "--workers",
        "8",
        "--csv",
        csv.to_str().expect("a UTF-8 path"),
        "--timeline",
        svg.to_str().expect("a UTF-8 path"),
    ]);
    run.assert_succeeded();
    let stdout = &run.stdout;
    for expected in [
        "104 emails: 86 valid, 14 invalid, 4 unverifiable",
        "  1 worker ",
        "  8 workers",
        "the ideal on 8 workers",
    ] {
        assert!(
            stdout.contains(expected),
            "expected `{expected}` in the demo's output:\n{stdout}"
        );
    }
    let written = std::fs::read_to_string(&csv).expect("the CSV was written");
    assert_eq!(written.lines().count(), 105, "a header and 104 reports");
    assert!(
        !dir.join("reports.csv.tmp").exists(),
        "the temporary file is renamed"
    );
    let bars = course_testing::timeline::bars(&svg);
    assert!(
        bars >= 43,
        "expected the timeline to draw a bar per lookup task (43 distinct domains), found {bars}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[course_testing::test(deadline_secs = 30)]
fn a_missing_list_is_an_error_that_names_it() {
    let run = demo(&["/nonexistent/emails.txt"]);
    let stderr = &run.stderr;
    assert!(!run.status.success(), "a missing list must fail the demo");
    assert!(
        stderr.contains("/nonexistent/emails.txt"),
        "the error must name the file, got:\n{stderr}"
    );
}
