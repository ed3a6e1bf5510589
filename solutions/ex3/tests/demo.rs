//! The exercise 3 demo (`src/main.rs` of the exercise, included by this package's binary), run on
//! the reference solution as a child process: it must time the exercise's own parallel functions
//! on one worker and on all, refuse a limit whose tables cannot fit before allocating them, and
//! draw one run with `--timeline`.

use std::process::Command;
use std::time::Duration;

use course_testing::child::{self, Run};

/// A demo run here takes well under a second; a run still going after this is a hang or a sieve
/// that should have been refused.
const LIMIT: Duration = Duration::from_secs(60);

/// Runs the demo with `args` and returns what it printed; kills it and fails after [`LIMIT`].
fn demo(args: &[&str]) -> Run {
    let mut demo = Command::new(env!("CARGO_BIN_EXE_ex3-solution"));
    demo.args(args);
    child::run(
        "the demo",
        demo,
        LIMIT,
        "did it start a sieve it should have refused, or hang?",
    )
}

/// The row of the table that starts with `label`, if any.
fn row<'a>(run: &'a Run, label: &str) -> Option<&'a str> {
    run.stdout.lines().find(|line| line.starts_with(label))
}

#[test]
fn times_the_exercise_functions_on_one_worker_and_on_all() {
    let dir = std::env::temp_dir().join(format!("ex3-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let svg = dir.join("timeline.svg");
    let svg_arg = svg.to_str().expect("a UTF-8 path");
    let run = demo(&[
        "--limit",
        "100000",
        "--workers",
        "2",
        "--runs",
        "1",
        "--timeline",
        svg_arg,
    ]);
    run.assert_succeeded();
    let bars = course_testing::timeline::bars(&svg);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        bars >= 100,
        "expected the timeline to draw a bar for each of the 100 chunks, found {bars}"
    );
    for label in [
        "trial division, 1 thread",
        "primes_parallel, 1 worker",
        "primes_parallel, 2 workers",
        "count_primes_parallel, 1 worker",
        "count_primes_parallel, 2 workers",
    ] {
        let line = row(&run, label).unwrap_or_else(|| {
            panic!(
                "expected a row `{label}` (the one-worker row is the same function on a pool of \
                 one, so the speedup compares like with like); the demo printed:\n{}",
                run.stdout
            )
        });
        assert!(
            line.contains(" 9592 "),
            "expected 9592 primes below 100,000 in the row `{label}`, got: {line}"
        );
    }
}

#[test]
fn refuses_a_limit_whose_tables_cannot_fit_before_allocating() {
    let run = demo(&["--limit", &u64::MAX.to_string()]);
    assert_eq!(
        run.status.code(),
        Some(2),
        "expected exit code 2 (a refusal), got {}; it printed:\n{}{}",
        run.status,
        run.stdout,
        run.stderr
    );
    for words in [&*u64::MAX.to_string(), "needs about", "PiB", "--limit"] {
        assert!(
            run.stderr.contains(words),
            "expected the refusal to name the limit and the memory (`{words}`), got:\n{}",
            run.stderr
        );
    }
}

#[test]
fn refuses_a_timeline_in_a_missing_folder_before_the_work() {
    let run = demo(&["--timeline", "/nonexistent/timeline.svg"]);
    assert_eq!(
        run.status.code(),
        Some(2),
        "expected exit code 2 (a refusal), got {}; it printed:\n{}{}",
        run.status,
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains("/nonexistent") && !run.stdout.contains("primes_parallel"),
        "expected the refusal to name the missing folder before any run, got:\n{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn suggests_smaller_chunks_when_they_would_fit() {
    let run = demo(&["--limit", "10000000000", "--max-memory-mib", "100"]);
    assert_eq!(
        run.status.code(),
        Some(2),
        "two tables of 10^8 numbers cannot fit in 100 MiB: expected a refusal (exit code 2), got \
         {}; it printed:\n{}{}",
        run.status,
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr.contains("100.0 MiB") && run.stderr.contains("--chunks "),
        "expected the refusal to name the 100 MiB and suggest more --chunks, got:\n{}",
        run.stderr
    );
}

#[test]
fn counts_without_the_list_when_only_the_count_fits() {
    // 664,579 primes take 5 MiB as a list; counting needs two chunk tables of 100 KB.
    let run = demo(&[
        "--limit",
        "10000000",
        "--max-memory-mib",
        "2",
        "--runs",
        "1",
    ]);
    run.assert_succeeded();
    let skipped = row(&run, "primes_parallel").unwrap_or_default();
    assert!(
        skipped.contains("skipped"),
        "expected the primes_parallel row to be skipped (its list needs more than 2 MiB), got:\n{}",
        run.stdout
    );
    let counted = row(&run, "count_primes_parallel, 1 worker").unwrap_or_default();
    assert!(
        counted.contains(" 664579 "),
        "expected count_primes_parallel to count 664579 primes below 10^7, got:\n{}",
        run.stdout
    );
}
