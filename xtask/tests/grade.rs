//! The grader against a class of tiny fixture submissions (`tests/fixtures/submissions/`), each
//! misbehaving in its own way. Every one must get exactly the points it deserves, and the whole
//! run must finish in bounded time. Expected reports are golden files in `tests/fixtures/expected/`;
//! regenerate them with `UPDATE_GOLDEN=1 cargo test -p xtask --test grade` and review the diff.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// What a report must keep stable: statuses, points, and the headline of each failure.
fn normalise(student: &Value) -> Value {
    let exercises: Vec<Value> = student["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|exercise| {
            let tests: Vec<Value> = exercise["tests"]
                .as_array()
                .unwrap()
                .iter()
                .map(|test| {
                    let output = test["output"].as_str().unwrap_or("");
                    json!({
                        "name": test["name"],
                        "outcome": test["outcome"],
                        "points": test["points"],
                        "headline": headline(output),
                        "truncated": output.contains("[... output truncated"),
                    })
                })
                .collect();
            let detail: Vec<&str> = exercise["detail"]
                .as_str()
                .unwrap_or("")
                .lines()
                .take(3)
                .collect();
            json!({
                "exercise": exercise["exercise"],
                "status": exercise["status"],
                "points": exercise["points"],
                "max_points": exercise["max_points"],
                "detail": detail,
                "ignored_edits": exercise.get("ignored_edits").cloned().unwrap_or(json!([])),
                "tests": tests,
            })
        })
        .collect();
    json!({ "student": student["student"], "exercises": exercises })
}

/// The first meaningful line, without thread ids, cut to 80 characters.
fn headline(output: &str) -> String {
    let mut lines = output
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty());
    let first = lines.next().unwrap_or("");
    let line = if first.contains(" panicked at ") {
        lines.next().unwrap_or(first)
    } else {
        first
    };
    line.chars().take(80).collect()
}

#[test]
fn every_fixture_submission_gets_exactly_its_points() {
    let out_dir = std::env::temp_dir().join(format!("xtask-grade-test-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let report_path = out_dir.join("report.json");
    let report = report_path.clone();
    let target = out_dir.join("target");
    let status = concurrent::testing::deadline(
        "grading the fixture class (a kill timer that does not fire?)",
        Duration::from_secs(600),
        move || {
            Command::new(env!("CARGO_BIN_EXE_xtask"))
                .arg("grade")
                .arg("--course")
                .arg(fixtures().join("course"))
                .arg("--submissions")
                .arg(fixtures().join("submissions"))
                .args(["--format", "json", "--jobs", "2", "--out"])
                .arg(&report)
                .arg("--target-dir")
                .arg(&target)
                .status()
                .unwrap()
        },
    );
    assert!(
        status.success(),
        "grading ran, so the exit code must be 0 whatever the scores"
    );
    let reports: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for student in reports.as_array().unwrap() {
        let name = student["student"].as_str().unwrap();
        let actual = serde_json::to_string_pretty(&normalise(student)).unwrap() + "\n";
        let golden = fixtures().join("expected").join(format!("{name}.json"));
        if update {
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
            panic!(
                "no golden file {}: run with UPDATE_GOLDEN=1",
                golden.display()
            )
        });
        if expected != actual {
            mismatches.push(format!("{name}: expected\n{expected}\ngot\n{actual}"));
        }
    }
    let _ = std::fs::remove_dir_all(&out_dir);
    assert!(
        mismatches.is_empty(),
        "reports differ from the golden files:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn a_missing_submissions_folder_is_a_clear_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["grade", "--submissions", "/nonexistent/class"])
        .arg("--course")
        .arg(fixtures().join("course"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot list the submissions in /nonexistent/class"),
        "{stderr}"
    );
}

#[test]
fn fail_under_fails_the_job_but_grading_still_reports() {
    // The fixture course's own starter scores 0%: below any threshold.
    let target =
        std::env::temp_dir().join(format!("xtask-grade-fail-under-{}", std::process::id()));
    let output =
        concurrent::testing::deadline("grading the fixture starter", Duration::from_secs(300), {
            let target = target.clone();
            move || {
                Command::new(env!("CARGO_BIN_EXE_xtask"))
                    .arg("grade")
                    .arg("--course")
                    .arg(fixtures().join("course"))
                    .args(["--fail-under", "50", "--target-dir"])
                    .arg(&target)
                    .output()
                    .unwrap()
            }
        });
    let _ = std::fs::remove_dir_all(&target);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "0% is below 50%: the exit code must say so"
    );
    assert!(stderr.contains("below 50%: workspace (0.0%)"), "{stderr}");
    assert!(
        stdout.contains("0/5") && stdout.contains("0/40"),
        "the table is still printed:\n{stdout}"
    );
}
