//! What grading produces: one report per student, one entry per exercise, one per test.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct StudentReport {
    /// The submission's folder name, or `workspace` / `solutions` when grading this repository.
    pub student: String,
    pub exercises: Vec<ExerciseReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExerciseReport {
    pub exercise: String,
    pub title: String,
    pub status: ExerciseStatus,
    /// Why the exercise scored nothing (missing, compile error), with the first compiler error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Files the student changed outside `src/`: ignored, the pristine copies were used.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_edits: Vec<String>,
    /// Files of the student's `src/` not copied: links, FIFOs, devices, huge files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_files: Vec<String>,
    /// Lines of the student's code for the instructor to read (see `flags.rs`): not penalised.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    pub tests: Vec<TestReport>,
    pub points: f64,
    pub max_points: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseStatus {
    /// Every test passed.
    Passed,
    /// Some tests failed.
    Partial,
    /// No test passed.
    Failed,
    /// The exercise did not compile: every test counts as failed.
    CompileError,
    /// The student's copy has no such exercise.
    Missing,
    /// The build did not finish within the build time limit.
    BuildTimedOut,
    /// The submission is not graded as anyone's work: a symbolic link to another folder.
    NotGraded,
    /// Grading this exercise failed (the detail says why); the others were graded.
    GradingFailed,
}

impl ExerciseStatus {
    pub fn label(self) -> &'static str {
        match self {
            ExerciseStatus::Passed => "passed",
            ExerciseStatus::Partial => "partial",
            ExerciseStatus::Failed => "failed",
            ExerciseStatus::CompileError => "compile error",
            ExerciseStatus::Missing => "missing",
            ExerciseStatus::BuildTimedOut => "build timeout",
            ExerciseStatus::NotGraded => "not graded",
            ExerciseStatus::GradingFailed => "grading failed",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// The full test name, `step2_chunks::tiny_limits`.
    pub name: String,
    /// The step module it belongs to.
    pub step: String,
    pub outcome: TestOutcome,
    pub points: f64,
    pub max_points: f64,
    /// How long the test's process ran, in seconds (0 when it was not run).
    pub seconds: f64,
    /// What went wrong, for a failed test: the runner's output (truncated) or the reason.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub output: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TestOutcome {
    Passed,
    Failed,
    TimedOut,
    Crashed,
    /// Not run: the exercise did not compile or is missing.
    NotRun,
}

impl TestOutcome {
    pub fn passed(self) -> bool {
        self == TestOutcome::Passed
    }
}

impl ExerciseReport {
    pub fn passed_tests(&self) -> usize {
        self.tests
            .iter()
            .filter(|test| test.outcome.passed())
            .count()
    }
}

impl StudentReport {
    pub fn points(&self) -> f64 {
        self.exercises.iter().map(|exercise| exercise.points).sum()
    }

    pub fn max_points(&self) -> f64 {
        self.exercises
            .iter()
            .map(|exercise| exercise.max_points)
            .sum()
    }
}

/// Points are shown with at most two decimals (a step's points split over three tests).
pub fn round(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}
