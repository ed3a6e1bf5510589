//! The exercise 6 demo (`src/main.rs` of the exercise, included by this package's binary), run on
//! the reference solution as a child process: it must count a generated corpus on one worker and
//! on all, write the CSV, the chart and the timeline, and name the files it could not count;
//! with `--processes`, count the same words again on a pool of worker processes.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use course_testing::child::{self, Run};

/// A demo run here counts a few MB; a run still going after this is a hang.
const LIMIT: Duration = Duration::from_secs(60);

/// Runs the demo with `args` and returns what it printed; kills it and fails after [`LIMIT`].
fn demo(args: &[&str]) -> Run {
    let mut demo = Command::new(env!("CARGO_BIN_EXE_ex6-solution"));
    demo.args(args);
    child::run(
        "the demo",
        demo,
        LIMIT,
        "did a phase wait for a task that never ran?",
    )
}

/// The number before ` words,` in the totals line.
fn words(run: &Run) -> u64 {
    run.stdout
        .lines()
        .find(|line| line.contains(" words, "))
        .and_then(|line| line.split(": ").nth(1))
        .and_then(|totals| totals.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no totals line `..: N words, M distinct`:\n{}", run.stdout))
}

#[test]
fn counts_a_generated_corpus_and_writes_the_csv_and_the_chart() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (csv, svg) = (dir.path().join("counts.csv"), dir.path().join("top.svg"));
    let timeline = dir.path().join("timeline.svg");
    let run = demo(&[
        "--files",
        "3",
        "--size-mb",
        "1",
        "--workers",
        "2",
        "--split-mib",
        "1",
        "--buckets",
        "4",
        "--csv",
        csv.to_str().expect("a UTF-8 path"),
        "--plot",
        svg.to_str().expect("a UTF-8 path"),
        "--timeline",
        timeline.to_str().expect("a UTF-8 path"),
    ]);
    run.assert_succeeded();
    for expected in [
        "top 20 words:",
        "word_count, 1 worker",
        "word_count, 2 workers",
        "speedup",
        "MB/s",
    ] {
        assert!(
            run.stdout.contains(expected),
            "expected `{expected}` in:\n{}",
            run.stdout
        );
    }
    let text = std::fs::read_to_string(&csv).expect("the CSV file");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("word,count"),
        "the CSV starts with its header"
    );
    let total: u64 = lines
        .map(|line| {
            line.rsplit(',')
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .expect("word,count")
        })
        .sum();
    assert_eq!(
        total,
        words(&run),
        "the CSV's counts add up to the words printed"
    );
    let chart = std::fs::read_to_string(&svg).expect("the SVG file");
    assert!(
        chart.contains("<svg") && chart.contains("the"),
        "the chart is an SVG naming the top word"
    );
    let bars = course_testing::timeline::bars(&timeline);
    assert!(
        bars >= 3 + 4,
        "expected the timeline to draw a bar per task (3 maps, one per 1 MB file, and 4 \
         reduces), found {bars}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("the folder").collect();
    assert_eq!(
        left.len(),
        3,
        "only the CSV and the two SVGs: no temporary file left behind"
    );
}

#[test]
fn counts_files_and_folders_and_names_a_missing_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).expect("a folder");
    std::fs::write(folder.join("a.txt"), "The crab maps, the crab reduces.").expect("a file");
    std::fs::write(dir.path().join("b.txt"), "THE END").expect("a file");
    let missing = dir.path().join("missing.txt");
    let path = |p: &Path| p.to_str().expect("a UTF-8 path").to_owned();
    let run = demo(&[
        &path(&folder),
        &path(&dir.path().join("b.txt")),
        &path(&missing),
        "--no-sequential",
    ]);
    run.assert_succeeded();
    assert!(
        run.stdout.contains("skipped: cannot count") && run.stdout.contains("missing.txt"),
        "expected a `skipped:` line naming missing.txt, got:\n{}",
        run.stdout
    );
    assert_eq!(
        words(&run),
        8,
        "6 words in the folder's file and 2 in b.txt"
    );
    assert!(
        run.stdout.contains(" the ") && run.stdout.contains(" 3"),
        "`the` 3 times:\n{}",
        run.stdout
    );
}

#[test]
fn processes_count_the_same_words_as_threads() {
    let run = demo(&[
        "--files",
        "2",
        "--size-mb",
        "1",
        "--workers",
        "2",
        "--split-mib",
        "1",
        "--buckets",
        "3",
        "--no-sequential",
        "--processes",
    ]);
    // The demo fails if the process pool's counts differ from the threads'.
    run.assert_succeeded();
    let line = run
        .stdout
        .lines()
        .find(|line| line.starts_with("processes,"))
        .unwrap_or_else(|| panic!("no `processes, 2 workers: ...` line:\n{}", run.stdout));
    assert!(
        line.contains("2 workers") && line.contains("MB/s"),
        "the process run names its workers and its MB/s: {line}"
    );
    let shipped: f64 = line
        .split(", ")
        .last()
        .and_then(|part| part.split(' ').next())
        .and_then(|mb| mb.parse().ok())
        .unwrap_or_else(|| panic!("no `, X MB of partial counts shipped` at the end of: {line}"));
    assert!(
        shipped > 0.0 && line.ends_with("MB of partial counts shipped"),
        "the partial counts cross between processes, so some bytes are shipped: {line}"
    );
}

#[test]
fn an_empty_folder_is_an_error() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = demo(&[dir.path().to_str().expect("a UTF-8 path")]);
    assert!(
        !run.status.success(),
        "an empty folder has nothing to count: expected a failure"
    );
    assert!(
        run.stderr.contains("nothing to count"),
        "expected `nothing to count`, got:\n{}",
        run.stderr
    );
}
