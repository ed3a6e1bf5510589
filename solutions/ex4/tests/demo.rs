//! The exercise 4 demo (`src/main.rs` of the exercise, included by this package's binary), run on
//! the reference solution as a child process: a real SIGINT or SIGTERM must end it with exit
//! status 0, a final report and a complete CSV; `--duration` must end it by itself (and
//! `--timeline` draw its samples); a bad interval must be refused at start.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use course_testing::child::{self, Run, Spawned};
use rustix::process::{Pid, Signal, kill_process};

/// A demo run here takes about a second; one still going after this is a hang.
const LIMIT: Duration = Duration::from_secs(30);

/// Starts the demo with `args`; its stdout comes line by line.
fn start(args: &[&str]) -> Spawned {
    let mut demo = Command::new(env!("CARGO_BIN_EXE_ex4-solution"));
    demo.args(args);
    child::spawn("the demo", demo)
}

/// The number after `label` in the line starting with `prefix`, e.g. ("session:", "readings").
fn number_before(run: &Run, prefix: &str, label: &str) -> u64 {
    let line = run
        .stdout
        .lines()
        .find(|line| line.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{}", run.stdout));
    let words: Vec<&str> = line.split_whitespace().collect();
    words
        .windows(2)
        .find(|pair| pair[1].trim_end_matches(',') == label)
        .and_then(|pair| pair[0].parse().ok())
        .unwrap_or_else(|| panic!("no number of {label} in `{line}`"))
}

/// Checks the CSV: a header and `rows` complete rows of 7 fields, each with a percentage.
fn assert_complete_csv(path: &Path, rows: u64) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("unix_ms,elapsed_s,metric,series,used,total,percent"),
        "the CSV starts with its header"
    );
    let data: Vec<&str> = lines.collect();
    assert_eq!(
        data.len() as u64,
        rows,
        "the CSV should hold one row per reading the reports counted ({rows}), got {}",
        data.len()
    );
    for row in data {
        let fields: Vec<&str> = row.split(',').collect();
        let percent: f64 = fields
            .last()
            .and_then(|p| p.parse().ok())
            .unwrap_or(f64::NAN);
        assert!(
            fields.len() == 7 && (0.0..=100.0).contains(&percent),
            "an incomplete CSV row: {row:?}"
        );
    }
    assert!(text.ends_with('\n'), "the last CSV row is complete");
}

/// Starts the demo with tiny intervals, waits for its first report, sends `signal` (named
/// `SIG{signal_name}`) with the `kill` system call and checks the clean ending.
fn ends_cleanly_on(signal: Signal, signal_name: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let csv = dir.path().join("samples.csv");
    let mut demo = start(&[
        "--sample-every",
        "20ms",
        "--report-every",
        "200ms",
        "--csv",
        csv.to_str().expect("a UTF-8 path"),
    ]);
    demo.wait_for("report 1", LIMIT);
    // rustix's safe `kill`: no external `kill` program, no `unsafe` (the workspace forbids it).
    kill_process(Pid::from_child(demo.child()), signal)
        .unwrap_or_else(|error| panic!("could not send SIG{signal_name} to the demo: {error}"));
    let signal = signal_name;
    let run = demo.finish(LIMIT, &format!("did SIG{signal} not end it?"));
    assert!(
        run.status.success(),
        "after SIG{signal} the demo should exit with status 0, got {}:\n{}{}",
        run.status,
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.contains("final report"),
        "after SIG{signal} the demo should print a final report:\n{}",
        run.stdout
    );
    let readings = number_before(&run, "session:", "readings");
    assert!(readings > 0, "the session took no sample:\n{}", run.stdout);
    assert_eq!(
        number_before(&run, "csv:", "rows"),
        readings,
        "the CSV rows written should match the readings of the reports:\n{}",
        run.stdout
    );
    assert_complete_csv(&csv, readings);
}

#[test]
fn sigint_ends_it_with_a_final_report_and_a_complete_csv() {
    ends_cleanly_on(Signal::INT, "INT");
}

#[test]
fn sigterm_ends_it_with_a_final_report_and_a_complete_csv() {
    ends_cleanly_on(Signal::TERM, "TERM");
}

#[test]
fn duration_ends_it_by_itself_and_draws_the_plot() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let svg = dir.path().join("monitor.svg");
    let timeline = dir.path().join("timeline.svg");
    let demo = start(&[
        "--sample-every",
        "20ms",
        "--report-every",
        "100ms",
        "--duration",
        "500ms",
        "--plot",
        svg.to_str().expect("a UTF-8 path"),
        "--timeline",
        timeline.to_str().expect("a UTF-8 path"),
    ]);
    let run = demo.finish(LIMIT, "did its --duration not end it?");
    run.assert_succeeded();
    assert!(run.stdout.contains("final report"), "{}", run.stdout);
    let plot = std::fs::read_to_string(&svg).expect("the plot was written");
    assert!(
        plot.starts_with("<svg") && plot.contains("polyline") && plot.contains("memory"),
        "expected an SVG with a line per series and a legend, got {} bytes",
        plot.len()
    );
    let samples = number_before(&run, "session:", "samples");
    let bars = course_testing::timeline::bars(&timeline);
    assert!(
        samples > 0 && bars as u64 >= samples,
        "expected the timeline to draw a bar per sample ({samples}), found {bars}"
    );
}

#[test]
fn a_zero_interval_is_refused_at_start() {
    let demo = start(&["--sample-every", "0s"]);
    let run = demo.finish(LIMIT, "did it start instead of refusing the interval?");
    assert!(
        !run.status.success()
            && run.stderr.contains("sample_every")
            && run.stderr.contains("minimum"),
        "a sample interval of 0 should be refused with a clear error, got {}:\n{}{}",
        run.status,
        run.stdout,
        run.stderr
    );
}
