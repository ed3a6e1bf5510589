//! `cargo xtask list`: where a student stands, one line per exercise and step, and the command to
//! run next. The same lines are what a bare `cargo xtask grade` prints, and `grade --summary` gives
//! a class one line per student. The tests are run by the grader (`grade::workspace_exercise`):
//! one machinery decides what passed, for the points and for the progress alike.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::exercise::Exercise;
use crate::grade::{self, ExerciseReport, ExerciseStatus, StudentReport};
use crate::workspace;

/// How far a student got in one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepState {
    /// 1-based, as the steps of `exercise.toml`.
    pub number: usize,
    pub module: String,
    pub title: String,
    pub passed: usize,
    pub total: usize,
}

impl StepState {
    /// Done: every test of the step ran and passed.
    pub fn done(&self) -> bool {
        self.total > 0 && self.passed == self.total
    }

    /// `done`, `in progress (n of m tests)` or `not started`.
    pub fn label(&self) -> String {
        match (self.passed, self.total) {
            (_, 0) => "not run".to_owned(),
            (passed, total) if passed == total => "done".to_owned(),
            (0, _) => "not started".to_owned(),
            (passed, total) => format!("in progress ({passed} of {total} tests)"),
        }
    }
}

/// The state of each step of `exercise` in `report` (a step whose tests did not run has none).
pub fn steps(report: &ExerciseReport, exercise: &Exercise) -> Vec<StepState> {
    exercise
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let tests = report.tests.iter().filter(|test| test.step == step.module);
            let (passed, total) = tests.fold((0, 0), |(passed, total), test| {
                (passed + usize::from(test.outcome.passed()), total + 1)
            });
            StepState {
                number: index + 1,
                module: step.module.clone(),
                title: step.title.clone(),
                passed,
                total,
            }
        })
        .collect()
}

/// The step the student is on: the first with a test that did not pass. `None` when every step
/// is done, or when nothing ran (the exercise does not compile).
pub fn current_step(steps: &[StepState]) -> Option<&StepState> {
    steps
        .iter()
        .find(|step| step.total > 0 && step.passed < step.total)
}

/// `cargo xtask list [exN] [--verbose]`: runs the tests of each exercise (or of `only`) and
/// prints the progress, or with `verbose` every failed test as `grade --verbose` does.
pub fn run(root: &Path, only: Option<&str>, verbose: bool) -> Result<()> {
    let names = match only {
        Some(name) => {
            workspace::require_exercise(root, name)?;
            vec![name.to_owned()]
        }
        None => workspace::exercise_names(root)?,
    };
    let mut metadata = Vec::new();
    let mut exercises = Vec::new();
    for name in names {
        let exercise = Exercise::load(root, &name)?;
        eprintln!("testing {name}...");
        exercises.push(grade::workspace_exercise(root, &name, &exercise, None)?);
        metadata.push((name, exercise));
    }
    let reports = [StudentReport {
        student: "workspace".to_owned(),
        exercises,
    }];
    if verbose {
        print!("{}", grade::verbose_table(&reports)?);
    } else {
        print!("{}", render(&reports, &metadata, true));
    }
    Ok(())
}

/// One line per exercise and step, the totals and, with `next`, the command to run next.
pub fn render(reports: &[StudentReport], metadata: &[(String, Exercise)], next: bool) -> String {
    let mut out = String::new();
    for report in reports {
        if reports.len() > 1 {
            let _ = writeln!(out, "== {}", report.student);
        }
        let mut following: Option<String> = None;
        let (mut steps_done, mut steps_total) = (0, 0);
        for exercise_report in &report.exercises {
            let Some(exercise) = metadata_of(metadata, &exercise_report.exercise) else {
                continue;
            };
            let name = &exercise_report.exercise;
            let points = format!(
                "{} of {} points",
                round(exercise_report.points),
                round(exercise_report.max_points)
            );
            let states = steps(exercise_report, exercise);
            steps_total += states.len();
            steps_done += states.iter().filter(|step| step.done()).count();
            match exercise_report.status {
                ExerciseStatus::Passed | ExerciseStatus::Partial | ExerciseStatus::Failed => {
                    let done = if exercise_report.status == ExerciseStatus::Passed {
                        ", done"
                    } else {
                        ""
                    };
                    let _ = writeln!(out, "{name:<5} {}: {points}{done}", exercise.title);
                    for step in &states {
                        let _ = writeln!(
                            out,
                            "  step {:<2} {:<30} {}",
                            step.number,
                            step.label(),
                            step.title
                        );
                    }
                    if following.is_none()
                        && let Some(step) = current_step(&states)
                    {
                        following = Some(format!(
                            "Next: {name} step {} of {}, {}\n  \
                             cargo xtask watch {name}     reruns its tests each time you save\n  \
                             cargo test -p {name} step{}   runs them once\n  \
                             cargo xtask hint {name}      when you are stuck",
                            step.number,
                            states.len(),
                            step.title,
                            step.number
                        ));
                    }
                }
                status => {
                    let _ = writeln!(
                        out,
                        "{name:<5} {}: {points}, {}",
                        exercise.title,
                        status.label()
                    );
                    if let Some(detail) = &exercise_report.detail {
                        for line in detail.lines().take(12) {
                            let _ = writeln!(out, "  | {line}");
                        }
                    }
                    if following.is_none() {
                        following = Some(match status {
                            ExerciseStatus::CompileError => format!(
                                "Next: make {name} compile again (the error above; `cargo test \
                                 -p {name}` shows them all)."
                            ),
                            _ => format!("Next: {name} ({}).", status.label()),
                        });
                    }
                }
            }
        }
        let exercises_done = report
            .exercises
            .iter()
            .filter(|exercise| exercise.status == ExerciseStatus::Passed)
            .count();
        let _ = writeln!(
            out,
            "Total: {} of {} points; {steps_done} of {steps_total} steps and {exercises_done} of \
             {} exercises done.",
            round(report.points()),
            round(report.max_points()),
            report.exercises.len()
        );
        if next {
            let _ = writeln!(
                out,
                "{}",
                following.unwrap_or_else(|| "Every exercise passes: well done!".to_owned())
            );
        }
    }
    out
}

/// One line per student: points, percentage, exercises and steps done.
pub fn class_summary(reports: &[StudentReport], metadata: &[(String, Exercise)]) -> String {
    let mut out = format!(
        "{:<24} {:>13} {:>7} {:>10} {:>7}\n",
        "student", "points", "%", "exercises", "steps"
    );
    for report in reports {
        let (mut steps_done, mut steps_total) = (0, 0);
        for exercise_report in &report.exercises {
            if let Some(exercise) = metadata_of(metadata, &exercise_report.exercise) {
                let states = steps(exercise_report, exercise);
                steps_total += states.len();
                steps_done += states.iter().filter(|step| step.done()).count();
            }
        }
        let exercises_done = report
            .exercises
            .iter()
            .filter(|exercise| exercise.status == ExerciseStatus::Passed)
            .count();
        let percentage = if report.max_points() > 0.0 {
            100.0 * report.points() / report.max_points()
        } else {
            100.0
        };
        let _ = writeln!(
            out,
            "{:<24} {:>13} {:>6.1}% {:>10} {:>7}",
            grade::printable_name(&report.student),
            format!("{}/{}", round(report.points()), round(report.max_points())),
            percentage,
            format!("{exercises_done}/{}", report.exercises.len()),
            format!("{steps_done}/{steps_total}"),
        );
    }
    out
}

fn metadata_of<'a>(metadata: &'a [(String, Exercise)], name: &str) -> Option<&'a Exercise> {
    metadata
        .iter()
        .find(|(known, _)| known == name)
        .map(|(_, exercise)| exercise)
}

/// Points with at most two decimals (a step's points split over three tests).
fn round(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}
