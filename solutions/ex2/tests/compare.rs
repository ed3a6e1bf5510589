//! The `compare-async` program (the chapter's side-by-side measurement), on a small batch with
//! short delays: it must print a row per run, each run must have validated every domain.

use std::process::Command;

#[course_testing::test(deadline_secs = 30)]
fn prints_a_row_per_run_on_a_small_batch() {
    let run = Command::new(env!("CARGO_BIN_EXE_compare-async"))
        .args(["--domains", "300", "--delay", "0-2"])
        .args(["--threads", "4,20", "--caps", "20,100", "--timeout", "5"])
        .output()
        .unwrap_or_else(|error| panic!("could not start compare-async: {error}"));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "compare-async failed ({}):\n{stdout}{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
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
