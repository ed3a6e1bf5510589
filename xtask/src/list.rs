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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::{TestOutcome, TestReport};

    fn exercise() -> Exercise {
        toml::from_str(
            "title = \"Primes\"\nchapter = \"c.md\"\n\
             [[hints]]\nstep = 1\ntext = \"a\"\n[[hints]]\nstep = 2\ntext = \"b\"\n\
             [[hints]]\nstep = 3\ntext = \"c\"\n\
             [[steps]]\nmodule = \"step1_a\"\ntitle = \"A\"\npoints = 10\n\
             [[steps]]\nmodule = \"step2_b\"\ntitle = \"B\"\npoints = 20\n\
             [[steps]]\nmodule = \"step3_c\"\ntitle = \"C\"\npoints = 30\n",
        )
        .unwrap()
    }

    fn test(step: &str, name: &str, passed: bool, points: f64) -> TestReport {
        TestReport {
            name: format!("{step}::{name}"),
            step: step.to_owned(),
            outcome: if passed {
                TestOutcome::Passed
            } else {
                TestOutcome::Failed
            },
            points: if passed { points } else { 0.0 },
            max_points: points,
            output: String::new(),
        }
    }

    /// Step 1 done, step 2 half done, step 3 not started: 20 of 60 points.
    fn report(status: ExerciseStatus) -> ExerciseReport {
        let tests = match status {
            ExerciseStatus::CompileError => Vec::new(),
            _ => vec![
                test("step1_a", "x", true, 10.0),
                test("step2_b", "x", true, 10.0),
                test("step2_b", "y", false, 10.0),
                test("step3_c", "x", false, 30.0),
            ],
        };
        ExerciseReport {
            exercise: "ex3".into(),
            title: "Primes".into(),
            status,
            detail: (status == ExerciseStatus::CompileError)
                .then(|| "does not compile:\nerror: expected `;`".to_owned()),
            ignored_edits: Vec::new(),
            skipped_files: Vec::new(),
            flags: Vec::new(),
            points: if tests.is_empty() { 0.0 } else { 20.0 },
            max_points: 60.0,
            tests,
        }
    }

    fn student(name: &str, status: ExerciseStatus) -> StudentReport {
        StudentReport {
            student: name.into(),
            exercises: vec![report(status)],
        }
    }

    #[test]
    fn each_step_is_done_in_progress_or_not_started() {
        let states = steps(&report(ExerciseStatus::Partial), &exercise());
        let labels: Vec<String> = states.iter().map(StepState::label).collect();
        assert_eq!(
            labels,
            ["done", "in progress (1 of 2 tests)", "not started"]
        );
        assert_eq!(current_step(&states).map(|step| step.number), Some(2));
    }

    #[test]
    fn the_list_has_a_line_per_step_the_totals_and_the_next_command() {
        let metadata = [("ex3".to_owned(), exercise())];
        let text = render(&[student("ana", ExerciseStatus::Partial)], &metadata, true);
        for expected in [
            "ex3   Primes: 20 of 60 points\n",
            "  step 1  done",
            "  step 2  in progress (1 of 2 tests)",
            "  step 3  not started",
            "Total: 20 of 60 points; 1 of 3 steps and 0 of 1 exercises done.",
            "Next: ex3 step 2 of 3, B",
            "cargo xtask watch ex3",
        ] {
            assert!(text.contains(expected), "no `{expected}` in:\n{text}");
        }
        assert!(
            !text.contains("step2_b::y"),
            "tests stay behind --verbose:\n{text}"
        );
        let broken = [student("ana", ExerciseStatus::CompileError)];
        let text = render(&broken, &metadata, true);
        assert!(
            text.contains("compile error") && text.contains("| error: expected `;`"),
            "{text}"
        );
        assert!(text.contains("Next: make ex3 compile again"), "{text}");
    }

    #[test]
    fn a_class_summary_has_one_line_per_student() {
        let metadata = [("ex3".to_owned(), exercise())];
        let class = [
            student("ana", ExerciseStatus::Partial),
            student("bo\x1b[2J", ExerciseStatus::CompileError),
        ];
        let text = class_summary(&class, &metadata);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "a header and one line per student:\n{text}");
        for expected in ["ana", "20/60", "33.3%", "0/1", "1/3"] {
            assert!(lines[1].contains(expected), "no `{expected}`:\n{text}");
        }
        assert!(
            lines[2].contains("0/60") && lines[2].contains("0/3"),
            "{text}"
        );
        assert!(!text.contains('\x1b'), "names are escaped: {text:?}");
    }
}
