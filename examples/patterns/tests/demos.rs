//! The patterns' demos and measurement commands, run as child processes on small input (their
//! `--quick` or small arguments): each finishes and prints what its chapter shows, and those
//! given `--timeline` draw their runs.

use std::process::Command;
use std::time::Duration;

use course_testing::child::{self, Run};

const LIMIT: Duration = Duration::from_secs(50);

fn demo(name: &str, program: &str, args: &[&str]) -> Run {
    let mut command = Command::new(program);
    command.args(args);
    let run = child::run(
        name,
        command,
        LIMIT,
        "a task or a child process never ended?",
    );
    run.assert_succeeded();
    run
}

#[course_testing::test(deadline_secs = 60)]
fn the_wrapper_demo_reports_its_metrics_on_drop() {
    let run = demo("wrapper", env!("CARGO_BIN_EXE_wrapper"), &[]);
    assert!(
        run.stdout
            .contains("after the pool's scope: 100 of 100 tasks finished"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("[thumbnails] 20 submitted, 17 succeeded, 3 panicked, 0 cancelled"),
        "{}",
        run.stderr
    );
}

#[course_testing::test(deadline_secs = 60)]
fn the_memory_cap_demo_measures_each_way_in_a_child() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let svg = dir.path().join("cap.svg");
    let run = demo(
        "memory-cap",
        env!("CARGO_BIN_EXE_memory-cap"),
        &[
            "--chunks",
            "8",
            "--chunk-mib",
            "2",
            "--cap",
            "2",
            "--timeline",
            svg.to_str().expect("a UTF-8 path"),
        ],
    );
    for way in ["none", "semaphore", "map"] {
        let bars = course_testing::timeline::bars(&dir.path().join(format!("cap-{way}.svg")));
        assert!(
            bars >= 8,
            "expected the {way} run's timeline to draw a bar per chunk (8), found {bars}"
        );
    }
    for row in ["| no cap |", "| semaphore | ", "| map buffer | "] {
        assert!(run.stdout.contains(row), "no row {row:?}:\n{}", run.stdout);
    }
    // The capped ways never had more than 2 chunks alive.
    for line in run
        .stdout
        .lines()
        .filter(|l| l.starts_with("| semaphore") || l.starts_with("| map"))
    {
        let alive: usize = line
            .split('|')
            .nth(3)
            .and_then(|c| c.trim().parse().ok())
            .expect("a count");
        assert!(alive <= 2, "{line}");
    }
}

#[course_testing::test(deadline_secs = 60)]
fn the_progress_demo_finishes_every_kind() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let svg = dir.path().join("progress.svg");
    let run = demo(
        "progress",
        env!("CARGO_BIN_EXE_progress"),
        &[
            "--scale",
            "1",
            "--timeline",
            svg.to_str().expect("a UTF-8 path"),
        ],
    );
    let bars = course_testing::timeline::bars(&svg);
    assert!(
        bars >= 110,
        "expected the timeline to draw a bar per task (60 + 30 + 20), found {bars}"
    );
    assert!(run.stdout.contains("download: 60 done"), "{}", run.stdout);
    assert!(run.stdout.contains("parse: 30 done"), "{}", run.stdout);
    assert!(run.stdout.contains("thumbnail: 20 done"), "{}", run.stdout);
}

#[course_testing::test(deadline_secs = 60)]
fn the_deadlock_demo_catches_both_deadlocks_and_finishes_the_fixes() {
    let run = demo("deadlock", env!("CARGO_BIN_EXE_deadlock"), &[]);
    let expected = [
        "lock taken twice: DEADLOCK? still running after the deadline: [\"withdraw\"]",
        "restructured (one lock): finished",
        "opposite lock orders: DEADLOCK? still running after the deadline: [\"a->b\", \"b->a\"]",
        "lock order by id, 10,000 transfers each way: finished",
        "try_lock_for with a back-off: finished",
    ];
    for line in expected {
        assert!(
            run.stdout.contains(line),
            "expected {line:?} in:\n{}",
            run.stdout
        );
    }
}

#[course_testing::test(deadline_secs = 60)]
fn the_workers_table_has_a_row_per_pool_size() {
    let run = demo("workers", env!("CARGO_BIN_EXE_workers"), &["--quick"]);
    for workers in [1, 2, 4, 32, 1000] {
        assert!(
            run.stdout.contains(&format!("| {workers} | ")),
            "{}",
            run.stdout
        );
    }
}

#[course_testing::test(deadline_secs = 60)]
fn the_when_to_use_what_numbers_are_produced() {
    let run = demo(
        "when-to-use-what",
        env!("CARGO_BIN_EXE_when-to-use-what"),
        &["--quick"],
    );
    #[cfg(unix)]
    assert!(
        run.stdout.contains("process pool"),
        "no process pool row:\n{}",
        run.stdout
    );
    for row in [
        "| thread pool, one worker per wait |",
        "| tokio, one thread per core |",
        "CPU pool",
    ] {
        assert!(run.stdout.contains(row), "no {row:?}:\n{}", run.stdout);
    }
}

#[cfg(unix)]
#[course_testing::test(deadline_secs = 60)]
fn the_unsendable_demo_refuses_both_cases_and_runs_the_fixes() {
    let run = demo("unsendable", env!("CARGO_BIN_EXE_unsendable"), &[]);
    for line in [
        "square(7): 49",
        "not_registered(1): refused: ",
        "name_len(non-UTF-8 path): refused: ",
        "name_len_bytes(its bytes): 13",
    ] {
        assert!(
            run.stdout.contains(line),
            "expected {line:?} in:\n{}",
            run.stdout
        );
    }
}
