//! The demo binary on a small generated file: it must print the statistics of every row, agree
//! with itself three ways and with the reference, draw its parallel run with `--timeline`, and
//! refuse a bad file with its line number.

use std::process::Command;
use std::time::Duration;

use course_testing::child;

/// A demo on a few thousand rows takes well under a second, even in a debug build.
const LIMIT: Duration = Duration::from_secs(8);

fn demo(args: &[&std::ffi::OsStr]) -> child::Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_example-big-csv"));
    command.args(args);
    child::run(
        "the big-csv demo",
        command,
        LIMIT,
        "a range whose task never returns?",
    )
}

#[course_testing::test]
fn the_demo_summarises_a_generated_file_three_ways_that_agree() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.csv");
    let svg = dir.path().join("timeline.svg");
    demo(&[
        "generate".as_ref(),
        path.as_os_str(),
        "--rows".as_ref(),
        "3000".as_ref(),
    ])
    .assert_succeeded();
    let run = demo(&[
        "run".as_ref(),
        "--file".as_ref(),
        path.as_os_str(),
        "--chunks".as_ref(),
        "7".as_ref(),
        "--workers".as_ref(),
        "2".as_ref(),
        "--timeline".as_ref(),
        svg.as_os_str(),
    ]);
    run.assert_succeeded();
    let bars = course_testing::timeline::bars(&svg);
    assert!(
        bars >= 7,
        "expected the timeline to draw a bar for each of the 7 byte ranges, found {bars}"
    );
    let rows = run
        .stdout
        .lines()
        .find(|line| line.starts_with("rows "))
        .unwrap_or_else(|| {
            panic!(
                "expected a line `rows N`; the demo printed:\n{}",
                run.stdout
            )
        });
    assert_eq!(rows.split_whitespace().nth(1), Some("3000"), "{rows}");
    assert!(
        run.stdout
            .contains("parallel = sequential = shipped rows = the two-pass reference")
    );
    for label in [
        "sequential, 1 thread",
        "parallel ranges, 2 workers",
        "rows shipped to the pool",
    ] {
        assert!(
            run.stdout.contains(label),
            "no row `{label}` in:\n{}",
            run.stdout
        );
    }
}

#[course_testing::test]
fn the_demo_refuses_a_bad_file_with_the_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "id,category,value\n1,a,1\n2,a,two\n").unwrap();
    let run = demo(&[
        "--file".as_ref(),
        path.as_os_str(),
        "--workers".as_ref(),
        "2".as_ref(),
    ]);
    assert!(
        !run.status.success(),
        "a bad row must fail the demo:\n{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("bad.csv: 1 bad row\n  line 3: the value \"two\""),
        "{}",
        run.stderr
    );
}
