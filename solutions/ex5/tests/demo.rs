//! The exercise 5 demo (`src/main.rs` of the exercise, included by this package's binary), run on
//! the reference solution as a child process: offline it downloads the sample from its own
//! loopback server and prints the table (and draws each download on the worker that ran it with
//! `--timeline`); with a list file it reads `PRIORITY URL` lines, skipping blanks, comments and bad
//! lines; a destination folder that does not exist is a clear error.

use std::process::Command;
use std::time::Duration;

use course_testing::child::{self, Run};
use course_testing::timeline::Chart;

/// A demo run here takes a few seconds; a run still going after this is a hang.
const LIMIT: Duration = Duration::from_secs(60);

/// Runs the demo with `args` and returns what it printed; kills it and fails after [`LIMIT`].
fn demo(args: &[&str]) -> Run {
    let mut demo = Command::new(env!("CARGO_BIN_EXE_ex5-solution"));
    demo.args(args);
    child::run("the demo", demo, LIMIT, "did a download hang?")
}

/// The row of the table for the URL that ends with `path`.
fn row<'a>(run: &'a Run, path: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|line| {
            line.split_whitespace()
                .next()
                .is_some_and(|url| url.ends_with(path))
        })
        .unwrap_or_else(|| {
            panic!(
                "expected a row for {path}; the demo printed:\n{}",
                run.stdout
            )
        })
}

#[test]
fn downloads_the_offline_sample_and_prints_the_table() {
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("test setup: {e}"));
    let out_arg = out.path().to_string_lossy().into_owned();
    let charts = tempfile::tempdir().unwrap_or_else(|e| panic!("test setup: {e}"));
    let svg = charts.path().join("timeline.svg");
    let svg_arg = svg.to_string_lossy().into_owned();
    let run = demo(&["--out", &out_arg, "--workers", "3", "--timeline", &svg_arg]);
    run.assert_succeeded();
    let chart = Chart::read(&svg);
    assert_eq!(
        chart.bars.len(),
        10,
        "expected one bar per download (10) in the timeline, got {:#?}",
        chart.bars
    );
    for (label, outcome) in [
        ("/data/flaky.csv", "ok"),
        ("/docs/guide-copy/guide.pdf", "ok"),
        ("/data/missing.txt", "failed"),
        ("/not-http.txt", "failed"),
    ] {
        assert!(
            chart
                .bars
                .iter()
                .any(|bar| bar.outcome == outcome && bar.title.starts_with(&format!("{label}: "))),
            "expected a bar labelled {label}, {outcome}; the bars: {:#?}",
            chart.bars
        );
    }
    assert_eq!(
        chart.bars.iter().filter(|bar| bar.outcome == "ok").count(),
        8,
        "8 downloads succeed: {:#?}",
        chart.bars
    );
    assert!(
        (1..=3).contains(&chart.rows.len()) && chart.rows.iter().all(|row| row != "main"),
        "expected the bars on the (at most 3) worker threads that ran the downloads, not on the \
         thread that enqueued them; the rows: {:?}",
        chart.rows
    );
    assert!(
        run.stdout.contains("Timeline of 10 tasks on"),
        "expected the demo to say where it wrote the timeline, got:\n{}",
        run.stdout
    );
    for (path, words) in [
        ("/data/flaky.csv", &["high", " 3 ", "-flaky.csv"][..]),
        ("/api/busy.json", &[" 2 ", "-busy.json"]),
        ("/data/cut-once.bin", &[" 2 ", "1.0 MiB", "-cut-once.bin"]),
        ("/data/missing.txt", &["failed: HTTP 404"]),
        ("/docs/guide-copy/guide.pdf", &["(already there)"]),
        ("ftp://127.0.0.1/not-http.txt", &["failed: bad URL"]),
    ] {
        let line = row(&run, path);
        for word in words {
            assert!(
                line.contains(word),
                "expected `{word}` in the row of {path}, got: {line}"
            );
        }
    }
    let files = std::fs::read_dir(out.path())
        .map(Iterator::count)
        .unwrap_or_default();
    assert_eq!(
        files, 7,
        "7 distinct files expected in --out (the copy is stored once)"
    );
    assert!(
        run.stderr.contains("retrying in") && run.stderr.contains("download{"),
        "expected the warnings on stderr, inside their download span; got:\n{}",
        run.stderr
    );
}

#[test]
fn reads_a_list_file_with_comments_and_bad_lines() {
    use course_testing::http::{HttpServer, Route};
    let server = HttpServer::builder()
        .route("/a.txt", Route::ok("a"))
        .route("/b.txt", Route::ok("b"))
        .start()
        .unwrap_or_else(|e| panic!("test setup: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("test setup: {e}"));
    let list = dir.path().join("urls.txt");
    let log = dir.path().join("log.json");
    std::fs::write(
        &list,
        format!(
            "# two files\n\nlow {}\nurgent http://127.0.0.1/x\n  high {}\n",
            server.url("/a.txt"),
            server.url("/b.txt")
        ),
    )
    .unwrap_or_else(|e| panic!("test setup: {e}"));
    let out = dir.path().to_string_lossy().into_owned();
    let run = demo(&[
        &list.to_string_lossy(),
        "--out",
        &out,
        "--log",
        &log.to_string_lossy(),
    ]);
    run.assert_succeeded();
    assert!(
        run.stderr.contains("line 4") && run.stderr.contains("urgent"),
        "expected line 4 (`urgent`) reported as skipped, got:\n{}",
        run.stderr
    );
    assert!(row(&run, "/a.txt").contains("-a.txt") && row(&run, "/b.txt").contains("-b.txt"));
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        log.lines().count() >= 4
            && log.lines().all(|line| line.starts_with('{'))
            && log.contains("saved as"),
        "expected --log to hold JSON lines, `saved as` among them, got:\n{log}"
    );
}

#[test]
fn a_missing_destination_is_a_clear_error_at_start() {
    let run = demo(&["--out", "/nonexistent/ex5-out"]);
    assert_eq!(
        run.status.code(),
        Some(2),
        "expected exit code 2, got {}; it printed:\n{}{}",
        run.status,
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains("/nonexistent/ex5-out") && run.stderr.contains("does not exist"),
        "expected the error to name the folder, got:\n{}",
        run.stderr
    );
}
