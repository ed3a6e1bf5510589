//! The `compare-async` program (the chapter's side-by-side measurement), on a small batch with
//! short delays: it must print a row per run, each run must have validated every domain.

use std::process::Command;
use std::time::Duration;

use course_testing::child;

/// A run takes a second or two; one still going after this is killed, before the test's deadline
/// of 30 s, so the message says what hung.
const LIMIT: Duration = Duration::from_secs(20);

#[course_testing::test(deadline_secs = 30)]
fn prints_a_row_per_run_on_a_small_batch() {
    let mut compare = Command::new(env!("CARGO_BIN_EXE_compare-async"));
    compare.args(["--domains", "300", "--delay", "0-2", "--threads", "4,20"]);
    compare.args(["--caps", "20,100", "--timeout", "5"]);
    let run = child::run("compare-async", compare, LIMIT, "did a lookup hang?");
    run.assert_succeeded();
    let stdout = &run.stdout;
    for row in [
        "| thread pool, 4 workers | 4 |",
        "| thread pool, 20 workers | 20 |",
        "| tokio, cap 20 | 20 |",
        "| tokio, cap 100 | 100 |",
    ] {
        assert!(
            stdout.contains(row),
            "expected the row `{row}` in:\n{stdout}"
        );
    }
}
