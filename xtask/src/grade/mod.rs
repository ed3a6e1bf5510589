//! `cargo xtask grade`: grades this workspace, the reference solutions, or a whole class.
//!
//! Each test runs in its own process under a kill timer, tests run in parallel on the course's own
//! `concurrent::ThreadPoolExecutor`, and a test counts as passed only when the test runner itself
//! said so. A hang, a crash or a compile error costs that test or that exercise, never the run.
//! A class's builds and tests run in a sandbox (`sandbox.rs`): nothing one student does reaches
//! the course, another student or the gradebook.

mod build;
mod flags;
mod formats;
mod model;
mod names;
mod runner;
mod sandbox;
mod staging;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use concurrent::{Executor, ThreadPoolExecutor};

use build::{Build, BuildJob, Toolchain};
pub use formats::Format;
pub use model::{ExerciseReport, ExerciseStatus, StudentReport, TestOutcome, TestReport};
use sandbox::Sandbox;
use staging::Located;

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
    /// Stop a student's build of an exercise after this many seconds (that exercise scores 0).
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    build_timeout: u64,
    /// The table lists every failed test with its message (the default with --submissions);
    /// without it, grading this workspace shows one line per step, as `cargo xtask list`.
    #[arg(long)]
    verbose: bool,
    /// One line per student: points, percentage, exercises and steps done (a table only).
    #[arg(long, conflicts_with = "verbose")]
    summary: bool,
}

pub fn run(args: GradeArgs) -> Result<()> {
    let course = match &args.course {
        Some(course) => course
            .canonicalize()
            .with_context(|| format!("no course at {}", course.display()))?,
        None => workspace::root()?,
    };
    if args.summary && args.format != Format::Table {
        bail!("--summary is a table: leave out --format, or drop --summary");
    }
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
    let scratch = std::env::temp_dir().join(format!("xtask-grade-{}", std::process::id()));
    create_scratch(&scratch)?;
    let toolchain = Toolchain::find(&course);
    let build_limit = Duration::from_secs(args.build_timeout);
    let reports = match &args.submissions {
        None => {
            // Your own workspace or the solutions: trusted, built in place as `cargo test` does.
            let sandbox = Sandbox::Fallback {
                reason: "grading this workspace".into(),
            };
            let (label, package_suffix, folder) = if args.solutions {
                ("solutions", "-solution", "solutions")
            } else {
                ("workspace", "", "exercises")
            };
            let default_target = workspace_target_dir(&course);
            let grading = Grading {
                pool: &pool,
                sandbox: &sandbox,
                toolchain: &toolchain,
                scratch: &scratch,
                target_dir: args.target_dir.as_deref().unwrap_or(&default_target),
                build_limit,
                step: None,
            };
            let exercises = metadata
                .iter()
                .map(|(name, exercise)| {
                    let package = format!("{name}{package_suffix}");
                    let folder = Path::new(folder).join(name);
                    grading.exercise(&course, &package, &folder, name, exercise)
                })
                .collect::<Result<_>>();
            remove_scratch(&scratch);
            vec![StudentReport {
                student: label.to_owned(),
                exercises: exercises?,
            }]
        }
        Some(dir) => {
            let sandbox = Sandbox::detect();
            eprintln!("{}", sandbox.announcement());
            let target_dir = args
                .target_dir
                .clone()
                .unwrap_or_else(|| course.join("target").join("grade"));
            let grading = Grading {
                pool: &pool,
                sandbox: &sandbox,
                toolchain: &toolchain,
                scratch: &scratch,
                target_dir: &target_dir,
                build_limit,
                step: None,
            };
            let reports = grading.class(&course, dir, &metadata);
            remove_scratch(&scratch);
            reports?
        }
    };

    let text = if args.summary {
        crate::list::class_summary(&reports, &metadata)
    } else if args.format == Format::Table && !args.verbose && args.submissions.is_none() {
        // One's own work: a line per step and what to do next; every test behind --verbose.
        crate::list::render(&reports, &metadata, !args.solutions)
    } else {
        formats::render(
            args.format,
            &reports,
            args.out.is_none() && formats::colour_wanted(),
        )?
    };
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

/// The table with every failed test and its message (`--verbose`).
pub fn verbose_table(reports: &[StudentReport]) -> Result<String> {
    formats::render(Format::Table, reports, formats::colour_wanted())
}

/// A student's folder name as it can be shown on a terminal (names are the students' choice).
pub fn printable_name(name: &str) -> String {
    names::printable(name).to_string()
}

/// Where the tests of this workspace are built: where `cargo test` builds them
/// (`CARGO_TARGET_DIR` when set, else `target/`), so grading reuses the student's builds.
fn workspace_target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        // Relative to the current folder, as cargo reads it.
        Some(dir) if !dir.is_empty() => {
            std::path::absolute(&dir).unwrap_or_else(|_| root.join(dir))
        }
        _ => root.join("target"),
    }
}

/// Runs the tests of exercise `name` of the workspace `root` as a bare `cargo xtask grade` does
/// (each test in its own process, under the kill timer), only those of `step` when given: what
/// `list`, `hint` and `watch` report.
pub fn workspace_exercise(
    root: &Path,
    name: &str,
    exercise: &Exercise,
    step: Option<&str>,
) -> Result<ExerciseReport> {
    let jobs = std::thread::available_parallelism().map_or(2, usize::from);
    let pool = ThreadPoolExecutor::builder()
        .max_workers(jobs)
        .thread_name_prefix("grade")
        .build();
    let scratch = std::env::temp_dir().join(format!("xtask-grade-{}", std::process::id()));
    create_scratch(&scratch)?;
    let sandbox = Sandbox::Fallback {
        reason: "grading this workspace".into(),
    };
    let toolchain = Toolchain::find(root);
    let target_dir = workspace_target_dir(root);
    let grading = Grading {
        pool: &pool,
        sandbox: &sandbox,
        toolchain: &toolchain,
        scratch: &scratch,
        target_dir: &target_dir,
        build_limit: Duration::from_secs(3600),
        step,
    };
    let folder = Path::new("exercises").join(name);
    let report = grading.exercise(root, name, &folder, name, exercise);
    remove_scratch(&scratch);
    report
}

/// The grader's own private folder: staging copies, test binaries' copies, reports.
fn create_scratch(scratch: &Path) -> Result<()> {
    remove_scratch(scratch);
    std::fs::create_dir_all(scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    // The sandbox's unprivileged user must reach the folders bound into it.
    std::fs::set_permissions(scratch, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

fn remove_scratch(scratch: &Path) {
    let _ = std::fs::remove_dir_all(scratch);
}

/// A folder anyone may enter and read (the sandbox's user), only we may write.
fn create_shared_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// What every build and test of a run shares.
struct Grading<'a> {
    pool: &'a ThreadPoolExecutor,
    sandbox: &'a Sandbox,
    toolchain: &'a Toolchain,
    scratch: &'a Path,
    target_dir: &'a Path,
    build_limit: Duration,
    /// Run only the tests of this step module (`watch`); all of them when `None`.
    step: Option<&'a str>,
}

impl Grading<'_> {
    /// Grades every student folder of `submissions`. Whatever a student's code does, the others
    /// are graded: a student whose grading failed scores 0 with the reason.
    fn class(
        &self,
        course: &Path,
        submissions: &Path,
        metadata: &[(String, Exercise)],
    ) -> Result<Vec<StudentReport>> {
        let mut students: Vec<(PathBuf, std::fs::FileType)> = std::fs::read_dir(submissions)
            .with_context(|| format!("cannot list the submissions in {}", submissions.display()))?
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| Some((entry.path(), entry.file_type().ok()?)))
            .filter(|(_, kind)| kind.is_dir() || kind.is_symlink())
            .collect();
        students.sort_by(|a, b| a.0.cmp(&b.0));
        if students.is_empty() {
            bail!("{} holds no student folder", submissions.display());
        }
        if self.sandbox.sealed()
            && let Err(error) = self.toolchain.fetch(course)
        {
            eprintln!(
                "warning: {error:#}\n(the sandbox has no network: the builds use what is already \
                 downloaded)"
            );
        }
        std::fs::create_dir_all(self.target_dir)
            .with_context(|| format!("cannot create {}", self.target_dir.display()))?;
        let staging = self.scratch.join("course");
        let mut reports = Vec::new();
        for (student, kind) in &students {
            let name = names::escape_name(student.file_name().unwrap_or_default());
            eprintln!("grading {name}...");
            let exercises = if kind.is_symlink() {
                let reason = "the student's folder is a symbolic link: not graded (each \
                              student's folder must hold their own work)";
                all_unrunnable(metadata, ExerciseStatus::NotGraded, reason)
            } else {
                self.student(course, &staging, student, metadata)
                    .unwrap_or_else(|error| {
                        let reason = format!("grading failed: {error:#}");
                        all_unrunnable(metadata, ExerciseStatus::GradingFailed, &reason)
                    })
            };
            reports.push(StudentReport {
                student: name,
                exercises,
            });
        }
        Ok(reports)
    }

    /// One student: a fresh pristine copy of the course with their `src/` of each exercise.
    fn student(
        &self,
        course: &Path,
        staging: &Path,
        student: &Path,
        metadata: &[(String, Exercise)],
    ) -> Result<Vec<ExerciseReport>> {
        staging::pristine_copy(course, staging)?;
        let mut exercises = Vec::new();
        for (exercise_name, exercise) in metadata {
            let student_dir = match staging::student_exercise(student, exercise_name) {
                Located::Found(dir) => dir,
                Located::Missing => {
                    exercises.push(unrunnable(
                        exercise_name,
                        exercise,
                        ExerciseStatus::Missing,
                        "missing: the submission has no `src/` for this exercise".into(),
                    ));
                    continue;
                }
                Located::Link(reason) => {
                    exercises.push(unrunnable(
                        exercise_name,
                        exercise,
                        ExerciseStatus::NotGraded,
                        reason,
                    ));
                    continue;
                }
            };
            let report = self
                .student_exercise(course, staging, &student_dir, exercise_name, exercise)
                .unwrap_or_else(|error| {
                    unrunnable(
                        exercise_name,
                        exercise,
                        ExerciseStatus::GradingFailed,
                        format!("grading failed: {error:#}"),
                    )
                });
            exercises.push(report);
        }
        Ok(exercises)
    }

    fn student_exercise(
        &self,
        course: &Path,
        staging: &Path,
        student_dir: &Path,
        name: &str,
        exercise: &Exercise,
    ) -> Result<ExerciseReport> {
        let folder = Path::new("exercises").join(name);
        let staging_exercise = staging.join(&folder);
        let edits = staging::ignored_edits(student_dir, &course.join(&folder))?;
        let skipped = staging::take_student_sources(student_dir, &staging_exercise)?;
        let flags = flags::scan(
            &staging_exercise.join("src"),
            &course.join(&folder).join("src"),
        );
        // Whatever dates a previous student's tests gave the files, this build starts afresh.
        build::forget_packages(self.target_dir, &[name]);
        let mut report = self.exercise(staging, name, &folder, name, exercise)?;
        report.ignored_edits = edits;
        report.skipped_files = skipped;
        report.flags = flags;
        Ok(report)
    }

    /// Builds and runs one exercise's tests: `package`, in `folder` of `workspace`.
    fn exercise(
        &self,
        workspace: &Path,
        package: &str,
        folder: &Path,
        name: &str,
        exercise: &Exercise,
    ) -> Result<ExerciseReport> {
        let cargo_home = self.scratch.join("cargo-home");
        std::fs::create_dir_all(&cargo_home)?;
        let job = BuildJob {
            sandbox: self.sandbox,
            toolchain: self.toolchain,
            workspace,
            target_dir: self.target_dir,
            cargo_home: &cargo_home,
            limit: self.build_limit,
        };
        let built = match build::build_tests(&job, package, name)? {
            Build::Binary(binary) => binary,
            Build::CompileError(error) => {
                return Ok(unrunnable(
                    name,
                    exercise,
                    ExerciseStatus::CompileError,
                    format!("does not compile:\n{error}"),
                ));
            }
            Build::TimedOut(limit) => {
                return Ok(unrunnable(
                    name,
                    exercise,
                    ExerciseStatus::BuildTimedOut,
                    format!(
                        "did not build within {} s (the build was stopped)",
                        limit.as_secs()
                    ),
                ));
            }
        };
        // The tests run a copy in a folder of its own: they never see the target folder.
        let bin = self.scratch.join("bin");
        create_shared_dir(&bin)?;
        let folder_of_binary = bin.join(name);
        let _ = std::fs::remove_dir_all(&folder_of_binary);
        create_shared_dir(&folder_of_binary)?;
        let binary = folder_of_binary.join(built.file_name().context("a test binary has a name")?);
        std::fs::copy(&built, &binary)
            .with_context(|| format!("cannot copy the test binary {}", built.display()))?;
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755))?;
        let reports_dir = self.scratch.join("reports");
        create_shared_dir(&reports_dir)?;
        let env = runner::TestEnv {
            sandbox: self.sandbox.clone(),
            binary,
            workspace: workspace.to_path_buf(),
            package_dir: folder.to_path_buf(),
            reports: reports_dir,
        };
        let mut tests = runner::list_tests(&env)?;
        if let Some(step) = self.step {
            let prefix = format!("{step}::");
            tests.retain(|test| test.starts_with(&prefix));
        }
        let timeout = Duration::from_secs(exercise.timeout_secs);
        let env = std::sync::Arc::new(env);
        let futures: Vec<_> = tests
            .iter()
            .map(|test| {
                let (env, test) = (std::sync::Arc::clone(&env), test.clone());
                self.pool
                    .submit(move || runner::run_test(&env, &test, timeout))
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
            skipped_files: Vec::new(),
            flags: Vec::new(),
            points: reports.iter().map(|t| t.points).sum(),
            max_points: max_points(exercise),
            tests: reports,
        })
    }
}

fn all_unrunnable(
    metadata: &[(String, Exercise)],
    status: ExerciseStatus,
    reason: &str,
) -> Vec<ExerciseReport> {
    metadata
        .iter()
        .map(|(name, exercise)| unrunnable(name, exercise, status, reason.to_owned()))
        .collect()
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
        skipped_files: Vec::new(),
        flags: Vec::new(),
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
