//! `cargo xtask grade`: grades this workspace, the reference solutions, or a whole class.
//!
//! Each test runs in its own process under a kill timer, tests run in parallel on the course's own
//! `concurrent::ThreadPoolExecutor`, and a test counts as passed only when the test runner itself
//! said so. A hang, a crash or a compile error costs that test or that exercise, never the run.

mod build;
mod formats;
mod model;
mod runner;
mod staging;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use concurrent::{Executor, ThreadPoolExecutor};

pub use formats::Format;
use model::{ExerciseReport, ExerciseStatus, StudentReport, TestOutcome, TestReport};

use crate::exercise::Exercise;
use crate::workspace;

/// What `cargo xtask grade` was asked to do.
#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    /// Grade the reference solutions (they must score 100%).
    #[arg(long, conflicts_with = "submissions")]
    solutions: bool,
    /// Grade a class: each subfolder of DIR is one student's copy of the repository (or of
    /// `exercises/`).
    #[arg(long, value_name = "DIR")]
    submissions: Option<PathBuf>,
    /// Grade only this exercise (e.g. `ex3`).
    #[arg(long)]
    exercise: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write the report to this file (written to a temporary name, then renamed) instead of stdout.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Exit with an error when a student scores below this percentage (for CI jobs).
    #[arg(long, value_name = "PCT")]
    fail_under: Option<f64>,
    /// Tests run at the same time (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// The course to grade against (default: this repository).
    #[arg(long, value_name = "DIR", hide = true)]
    course: Option<PathBuf>,
    /// Where the tests are built (default: the course's `target/`, and `target/grade` for a
    /// class).
    #[arg(long, value_name = "DIR")]
    target_dir: Option<PathBuf>,
}

pub fn run(args: GradeArgs) -> Result<()> {
    let course = match &args.course {
        Some(course) => course
            .canonicalize()
            .with_context(|| format!("no course at {}", course.display()))?,
        None => workspace::root()?,
    };
    if args.solutions && !course.join("solutions").is_dir() {
        bail!(
            "there is no solutions/ folder here (the student edition has none): nothing to grade with --solutions"
        );
    }
    let exercises = match &args.exercise {
        Some(name) => {
            workspace::require_exercise(&course, name)?;
            vec![name.clone()]
        }
        None => workspace::exercise_names(&course)?,
    };
    let metadata: Vec<(String, Exercise)> = exercises
        .iter()
        .map(|name| Ok((name.clone(), Exercise::load(&course, name)?)))
        .collect::<Result<_>>()?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
        .max(1);
    let pool = ThreadPoolExecutor::builder()
        .max_workers(jobs)
        .thread_name_prefix("grade")
        .build();
    let target_dir = args
        .target_dir
        .clone()
        .unwrap_or_else(|| course.join("target").join("grade"));

    let reports = match &args.submissions {
        None => {
            let (label, package_suffix) = if args.solutions {
                ("solutions", "-solution")
            } else {
                ("workspace", "")
            };
            let exercises = metadata
                .iter()
                .map(|(name, exercise)| {
                    let package = format!("{name}{package_suffix}");
                    grade_exercise(
                        &pool,
                        &course,
                        args.target_dir.as_deref(),
                        &package,
                        name,
                        exercise,
                    )
                })
                .collect::<Result<_>>()?;
            vec![StudentReport {
                student: label.to_owned(),
                exercises,
            }]
        }
        Some(dir) => grade_class(&pool, &course, dir, &target_dir, &metadata)?,
    };

    let text = formats::render(
        args.format,
        &reports,
        args.out.is_none() && formats::colour_wanted(),
    )?;
    match &args.out {
        Some(path) => write_atomically(path, &text)?,
        None => print!("{text}"),
    }
    if let Some(threshold) = args.fail_under {
        let below: Vec<String> = reports
            .iter()
            .filter(|report| percentage(report) < threshold)
            .map(|report| format!("{} ({:.1}%)", report.student, percentage(report)))
            .collect();
        if !below.is_empty() {
            bail!("below {threshold}%: {}", below.join(", "));
        }
    }
    Ok(())
}

fn percentage(report: &StudentReport) -> f64 {
    if report.max_points() == 0.0 {
        100.0
    } else {
        100.0 * report.points() / report.max_points()
    }
}

fn grade_class(
    pool: &ThreadPoolExecutor,
    course: &Path,
    submissions: &Path,
    target_dir: &Path,
    metadata: &[(String, Exercise)],
) -> Result<Vec<StudentReport>> {
    let mut students: Vec<PathBuf> = std::fs::read_dir(submissions)
        .with_context(|| format!("cannot list the submissions in {}", submissions.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    students.sort();
    if students.is_empty() {
        bail!("{} holds no student folder", submissions.display());
    }
    let staging_root = std::env::temp_dir().join(format!("xtask-grade-{}", std::process::id()));
    let mut reports = Vec::new();
    for student in &students {
        let name = student
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        eprintln!("grading {name}...");
        let staging = staging_root.join("course");
        staging::pristine_copy(course, &staging)?;
        let mut exercises = Vec::new();
        for (exercise_name, exercise) in metadata {
            let Some(student_dir) = staging::student_exercise(student, exercise_name) else {
                exercises.push(unrunnable(
                    exercise_name,
                    exercise,
                    ExerciseStatus::Missing,
                    "missing: the submission has no `src/` for this exercise".into(),
                ));
                continue;
            };
            let staging_exercise = staging.join("exercises").join(exercise_name);
            let edits = staging::ignored_edits(
                &student_dir,
                &course.join("exercises").join(exercise_name),
            )?;
            staging::take_student_sources(&student_dir, &staging_exercise)?;
            let mut report = grade_exercise(
                pool,
                &staging,
                Some(target_dir),
                exercise_name,
                exercise_name,
                exercise,
            )?;
            report.ignored_edits = edits;
            exercises.push(report);
        }
        reports.push(StudentReport {
            student: name,
            exercises,
        });
    }
    let _ = std::fs::remove_dir_all(&staging_root);
    Ok(reports)
}

/// Builds and runs one exercise's tests in `workspace`.
fn grade_exercise(
    pool: &ThreadPoolExecutor,
    workspace: &Path,
    target_dir: Option<&Path>,
    package: &str,
    name: &str,
    exercise: &Exercise,
) -> Result<ExerciseReport> {
    let default_target = workspace.join("target");
    let target_dir = target_dir.unwrap_or(&default_target);
    let binary = match build::build_tests(workspace, target_dir, package, name)? {
        build::Build::Binary(binary) => binary,
        build::Build::CompileError(error) => {
            return Ok(unrunnable(
                name,
                exercise,
                ExerciseStatus::CompileError,
                format!("does not compile:\n{error}"),
            ));
        }
    };
    let tests = runner::list_tests(&binary)?;
    let timeout = Duration::from_secs(exercise.timeout_secs);
    let futures: Vec<_> = tests
        .iter()
        .map(|test| {
            let (binary, test) = (binary.clone(), test.clone());
            pool.submit(move || runner::run_test(&binary, &test, timeout))
        })
        .collect::<Result<_, _>>()?;
    let mut reports = Vec::new();
    for (test, future) in tests.iter().zip(futures) {
        let (outcome, output) = future.result()??;
        let step = test.split("::").next().unwrap_or_default().to_owned();
        let (points, max_points) = test_points(exercise, &tests, &step, outcome);
        reports.push(TestReport {
            name: test.clone(),
            step,
            outcome,
            points,
            max_points,
            output,
        });
    }
    let passed = reports.iter().filter(|t| t.outcome.passed()).count();
    let status = match passed {
        _ if passed == reports.len() && !reports.is_empty() => ExerciseStatus::Passed,
        0 => ExerciseStatus::Failed,
        _ => ExerciseStatus::Partial,
    };
    Ok(ExerciseReport {
        exercise: name.to_owned(),
        title: exercise.title.clone(),
        status,
        detail: None,
        ignored_edits: Vec::new(),
        points: reports.iter().map(|t| t.points).sum(),
        max_points: max_points(exercise),
        tests: reports,
    })
}

/// A step's points are shared equally by its tests; tests outside any step are worth nothing.
fn test_points(
    exercise: &Exercise,
    tests: &[String],
    step: &str,
    outcome: TestOutcome,
) -> (f64, f64) {
    let Some(step) = exercise.steps.iter().find(|s| s.module == step) else {
        return (0.0, 0.0);
    };
    let prefix = format!("{}::", step.module);
    let count = tests
        .iter()
        .filter(|t| t.starts_with(&prefix))
        .count()
        .max(1);
    let max = f64::from(step.points) / count as f64;
    (if outcome.passed() { max } else { 0.0 }, max)
}

fn max_points(exercise: &Exercise) -> f64 {
    exercise.steps.iter().map(|s| f64::from(s.points)).sum()
}

fn unrunnable(
    name: &str,
    exercise: &Exercise,
    status: ExerciseStatus,
    detail: String,
) -> ExerciseReport {
    ExerciseReport {
        exercise: name.to_owned(),
        title: exercise.title.clone(),
        status,
        detail: Some(detail),
        ignored_edits: Vec::new(),
        tests: Vec::new(),
        points: 0.0,
        max_points: max_points(exercise),
    }
}

/// Writes to a temporary file beside `path`, then renames: an interrupted run never leaves a half
/// gradebook.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .context("--out needs a file name")?
        .to_string_lossy();
    let temporary = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    std::fs::write(&temporary, text)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("cannot move the report to {}", path.display()))?;
    Ok(())
}
