//! The grader against a class of tiny fixture submissions, each misbehaving in its own way:
//! `tests/fixtures/submissions/` (mistakes: hangs, crashes, floods, edited tests) and
//! `tests/fixtures/hostile/` (attacks on the grader and the class), plus attacks made at test time
//! because git cannot hold them (FIFOs, links, odd names, absolute paths). Every student must get
//! exactly the points they deserve, in bounded time, with the sandbox (bwrap) and without it.
//! Expected reports are golden files in `tests/fixtures/expected/` (and `expected/fallback/` where
//! the fallback differs); regenerate them with `UPDATE_GOLDEN=1 cargo test -p xtask --test grade`
//! and review the diff.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The build limit of the test runs: the compile bomb must reach it, no honest build comes near.
const BUILD_TIMEOUT: &str = "60";

/// Attacks the fallback does not defend (the instructors' chapter says so): graded only in the
/// sandbox. Without it, student code runs with the grader's rights.
const SANDBOX_ONLY: [&str; 3] = [
    "a_kills_the_grader",
    "a_tampers_with_the_course",
    "fork_bomb",
];

/// True if bwrap works here; if not, says loudly that the sandboxed checks are skipped.
fn bwrap_works(test: &str) -> bool {
    let works = Command::new("bwrap")
        .args([
            "--unshare-all",
            "--die-with-parent",
            "--ro-bind",
            "/",
            "/",
            "true",
        ])
        .output()
        .is_ok_and(|output| output.status.success());
    if !works {
        eprintln!(
            "\n\n*** SKIPPED {test}: bwrap (bubblewrap) does not work on this machine, so the \
             sandbox cannot be checked here. Install it (`apt-get install bubblewrap`). ***\n\n"
        );
    }
    works
}

/// A scratch folder of this test process, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("xtask-grade-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-R")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "cp -R {} {}",
        from.display(),
        to.display()
    );
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A copy of the fixture course (attacks may write to it) with a reference solution, and a class.
fn make_class(scratch: &Path, with: &[&str], sandboxed: bool) -> (PathBuf, PathBuf) {
    let course = scratch.join("course");
    copy_dir(&fixtures().join("course"), &course);
    let solution =
        std::fs::read_to_string(fixtures().join("submissions/all_pass/exercises/fx1/src/lib.rs"))
            .unwrap();
    write(&course.join("solutions/fx1/src/lib.rs"), &solution);
    let class = scratch.join("class");
    std::fs::create_dir_all(&class).unwrap();
    for kind in with {
        for entry in std::fs::read_dir(fixtures().join(kind)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            if !sandboxed && SANDBOX_ONLY.iter().any(|only| name == OsStr::new(only)) {
                continue;
            }
            copy_dir(&entry.path(), &class.join(&name));
        }
    }
    (course, class)
}

/// The attacks git cannot hold, made in `class`: FIFOs, links, odd names, absolute paths.
fn add_generated_attacks(class: &Path, course: &Path) {
    let all_pass = fixtures().join("submissions/all_pass");
    let partial = fixtures().join("submissions/partial");
    // A FIFO in src/: skipped and reported, the rest graded.
    copy_dir(&all_pass, &class.join("fifo_in_src"));
    mkfifo(&class.join("fifo_in_src/exercises/fx1/src/pipe.rs"));
    // A manifest that is a FIFO, or a link to /dev/zero: never opened, reported.
    copy_dir(&all_pass, &class.join("manifest_is_a_fifo"));
    let manifest = class.join("manifest_is_a_fifo/exercises/fx1/Cargo.toml");
    std::fs::remove_file(&manifest).unwrap();
    mkfifo(&manifest);
    copy_dir(&all_pass, &class.join("manifest_links_to_dev_zero"));
    let manifest = class.join("manifest_links_to_dev_zero/exercises/fx1/Cargo.toml");
    std::fs::remove_file(&manifest).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &manifest).unwrap();
    // A student folder, or an exercise folder, that is a link to a classmate's: nobody's work.
    std::os::unix::fs::symlink(class.join("all_pass"), class.join("zz_links_to_all_pass")).unwrap();
    let linked = class.join("exercise_links_to_all_pass/exercises");
    std::fs::create_dir_all(&linked).unwrap();
    std::os::unix::fs::symlink(class.join("all_pass/exercises/fx1"), linked.join("fx1")).unwrap();
    // Names: two that are not UTF-8, a Unicode noncharacter, a newline and a terminal escape.
    for name in [
        &b"name_\xff"[..],
        b"name_\xfe",
        "name_\u{fffe}".as_bytes(),
        b"name_\x1b[2J\n",
    ] {
        copy_dir(&partial, &class.join(OsStr::from_bytes(name)));
    }
    // The reference solution by absolute path: compiles only where the course is visible.
    let solution = course.join("solutions/fx1/src/lib.rs");
    write(
        &class.join("reads_the_solution/fx1/src/lib.rs"),
        &format!(
            "#[path = \"{}\"]\nmod solution;\npub use solution::*;\n",
            solution.display()
        ),
    );
}

/// One grader at a time in this test process: without the sandbox, a hostile fixture attacks every
/// grader it can see on the machine (the threat model says so), including the other tests' runs.
static ONE_GRADER_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_grader_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_GRADER_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs the grader on `class`; `sandbox` false forces the fallback.
fn grade(course: &Path, class: &Path, out: &Path, format: &str, sandbox: bool) -> Output {
    let _alone = one_grader_at_a_time();
    let target = out.with_extension("target");
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .arg("grade")
        .arg("--course")
        .arg(course)
        .arg("--submissions")
        .arg(class)
        .args([
            "--format",
            format,
            "--jobs",
            "2",
            "--build-timeout",
            BUILD_TIMEOUT,
        ])
        .arg("--out")
        .arg(out)
        .arg("--target-dir")
        .arg(&target);
    if !sandbox {
        command.env("XTASK_GRADE_SANDBOX", "off");
    }
    concurrent::testing::deadline(
        "grading the fixture class (a kill timer that does not fire? a pipe waited on?)",
        Duration::from_secs(900),
        move || command.output().unwrap(),
    )
}

/// What a report must keep stable: statuses, points, notes, and the headline of each failure.
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
            let list = |key: &str| exercise.get(key).cloned().unwrap_or(json!([]));
            json!({
                "exercise": exercise["exercise"],
                "status": exercise["status"],
                "points": exercise["points"],
                "max_points": exercise["max_points"],
                "detail": detail,
                "ignored_edits": list("ignored_edits"),
                "skipped_files": list("skipped_files"),
                "flags": list("flags"),
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

/// A golden file's name for a student: the escaped name, with anything but letters, digits, `_`
/// and `-` replaced by `_`.
fn golden_name(student: &str) -> String {
    student
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Compares each student's report with its golden file (`expected/fallback/` first in fallback).
fn check_goldens(reports: &Value, sandbox: bool, scratch: &Path) -> Vec<String> {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for student in reports.as_array().unwrap() {
        let name = student["student"].as_str().unwrap();
        let text = serde_json::to_string_pretty(&normalise(student)).unwrap() + "\n";
        let actual = text.replace(&scratch.display().to_string(), "<scratch>");
        let file = format!("{}.json", golden_name(name));
        let fallback = fixtures().join("expected/fallback").join(&file);
        let golden = if !sandbox && fallback.exists() {
            fallback.clone()
        } else {
            fixtures().join("expected").join(&file)
        };
        if update {
            if sandbox || golden.starts_with(fixtures().join("expected/fallback")) {
                std::fs::write(&golden, &actual).unwrap();
            } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(&actual) {
                std::fs::write(&fallback, &actual).unwrap();
            }
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
    mismatches
}

fn grade_the_whole_class(sandbox: bool) {
    let scratch = Scratch::new(if sandbox { "sandboxed" } else { "fallback" });
    let (course, class) = make_class(&scratch.0, &["submissions", "hostile"], sandbox);
    add_generated_attacks(&class, &course);
    let students = std::fs::read_dir(&class).unwrap().count();
    let report_path = scratch.0.join("report.json");
    let output = grade(&course, &class, &report_path, "json", sandbox);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "grading ran, so the exit code must be 0 whatever the scores:\n{stderr}"
    );
    let announcement = if sandbox {
        "sandbox: bwrap"
    } else {
        "WARNING: no sandbox"
    };
    assert_eq!(
        stderr.matches(announcement).count(),
        1,
        "said once:\n{stderr}"
    );
    let text = std::fs::read_to_string(&report_path).unwrap();
    let reports: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        reports.as_array().unwrap().len(),
        students,
        "every student has a report, and two names never merge into one"
    );
    let mismatches = check_goldens(&reports, sandbox, &scratch.0);
    assert!(
        mismatches.is_empty(),
        "reports differ from the golden files:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn every_submission_gets_exactly_its_points_in_the_sandbox() {
    if bwrap_works("every_submission_gets_exactly_its_points_in_the_sandbox") {
        grade_the_whole_class(true);
    }
}

#[test]
fn every_submission_gets_exactly_its_points_without_the_sandbox() {
    grade_the_whole_class(false);
}

#[test]
fn a_student_process_cannot_change_the_gradebook_after_the_grader_exits() {
    if !bwrap_works("a_student_process_cannot_change_the_gradebook_after_the_grader_exits") {
        return;
    }
    let scratch = Scratch::new("gradebook");
    let (course, class) = make_class(&scratch.0, &["hostile-alone"], true);
    let gradebook = scratch.0.join("gradebook.csv");
    let output = grade(&course, &class, &gradebook, "csv", true);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let written = std::fs::read_to_string(&gradebook).unwrap();
    assert_eq!(
        written,
        "student,fx1,total,max\nedits_the_gradebook_later,0,0,40\n"
    );
    // The attack waits 4 s after the test before writing: wait longer, then look again. (A
    // witness cannot be used: the point is that the student's process is gone.)
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(
        std::fs::read_to_string(&gradebook).unwrap(),
        written,
        "a process the student started changed the gradebook after the grader exited"
    );
}

#[test]
fn every_format_is_valid_whatever_the_names() {
    let scratch = Scratch::new("formats");
    let (course, class) = make_class(&scratch.0, &[], false);
    let partial = fixtures().join("submissions/partial");
    for name in [&b"x_\xff"[..], "y_\u{fffe}".as_bytes(), b"z_\x1b[2J\n"] {
        copy_dir(&partial, &class.join(OsStr::from_bytes(name)));
    }
    let sandbox = bwrap_works("every_format_is_valid_whatever_the_names (sandboxed part)");
    let junit = scratch.0.join("report.xml");
    let output = grade(&course, &class, &junit, "junit", sandbox);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    let forbidden: Vec<char> = xml
        .chars()
        .filter(|&c| {
            let code = u32::from(c);
            !(matches!(code, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..)
                && (c == '\n' || !c.is_control()))
        })
        .collect();
    assert!(
        forbidden.is_empty(),
        "characters XML forbids: {forbidden:?}\n{xml}"
    );
    for name in ["x_\\xff", "y_\\u{fffe}", "z_\\u{1b}[2J\\u{a}"] {
        assert!(
            xml.contains(&format!("name=\"{name}/fx1\"")),
            "{name} in\n{xml}"
        );
    }
    let table = scratch.0.join("report.txt");
    let output = grade(&course, &class, &table, "table", sandbox);
    assert!(output.status.success());
    let text = std::fs::read_to_string(&table).unwrap();
    assert!(
        text.chars().all(|c| c == '\n' || !c.is_control()),
        "raw control characters in the table:\n{text:?}"
    );
    assert_eq!(text.matches(" total ").count(), 3, "{text}");
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
    let _alone = one_grader_at_a_time();
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
        stdout.contains("0 of 40 points") && stdout.contains("step 2  not started"),
        "the progress is still printed, one line per step:\n{stdout}"
    );
}
