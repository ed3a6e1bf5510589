//! The grade reports, in every format instructors import: a terminal table, a CSV gradebook,
//! JSON, JUnit XML, Gradescope's `results.json` and GitHub Classroom's autograding result.

use std::fmt::Write as _;
use std::io::IsTerminal;

use anyhow::{Result, bail};
use serde_json::json;

use super::model::{ExerciseStatus, StudentReport, TestOutcome, round};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people (coloured on a terminal).
    Table,
    /// A gradebook: one row per student, a column per exercise, and the total.
    Csv,
    /// Everything: every student, exercise and test, with outputs.
    Json,
    /// JUnit XML, for CI dashboards.
    Junit,
    /// Gradescope's `results.json` (one submission).
    Gradescope,
    /// GitHub Classroom's autograding result (one submission).
    Classroom,
}

pub fn render(format: Format, reports: &[StudentReport], colour: bool) -> Result<String> {
    match format {
        Format::Table => Ok(table(reports, colour)),
        Format::Csv => csv(reports),
        Format::Json => Ok(serde_json::to_string_pretty(reports)? + "\n"),
        Format::Junit => Ok(junit(reports)),
        Format::Gradescope => gradescope(single(reports, "gradescope")?),
        Format::Classroom => classroom(single(reports, "classroom")?),
    }
}

/// Whether the table may use colour: only on a terminal, and never with `NO_COLOR` set.
pub fn colour_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn single<'a>(reports: &'a [StudentReport], format: &str) -> Result<&'a StudentReport> {
    match reports {
        [one] => Ok(one),
        _ => bail!(
            "the {format} format describes one submission, and {} were graded: grade each \
             student's folder on its own (`--submissions` with one folder, or the workspace)",
            reports.len()
        ),
    }
}

fn table(reports: &[StudentReport], colour: bool) -> String {
    let paint = |text: String, status: ExerciseStatus| {
        if !colour {
            return text;
        }
        let code = match status {
            ExerciseStatus::Passed => "32",
            ExerciseStatus::Partial => "33",
            _ => "31",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<20} {:<10} {:>9} {:>15}  status",
        "student", "exercise", "tests", "points"
    );
    for report in reports {
        for exercise in &report.exercises {
            let tests = format!("{}/{}", exercise.passed_tests(), exercise.tests.len());
            let points = format!("{}/{}", round(exercise.points), round(exercise.max_points));
            let status = paint(format!("{:<13}", exercise.status.label()), exercise.status);
            let _ = writeln!(
                out,
                "{:<20} {:<10} {tests:>9} {points:>15}  {status}",
                report.student, exercise.exercise
            );
            if let Some(detail) = &exercise.detail {
                for line in detail.lines().take(12) {
                    let _ = writeln!(out, "{:<20}   | {line}", "");
                }
            }
            for edit in &exercise.ignored_edits {
                let _ = writeln!(out, "{:<20}   ! {edit}", "");
            }
            for test in exercise
                .tests
                .iter()
                .filter(|test| !test.outcome.passed() && test.outcome != TestOutcome::NotRun)
            {
                let _ = writeln!(
                    out,
                    "{:<20}   x {}: {}",
                    "",
                    test.name,
                    headline(&test.output)
                );
            }
        }
        let total = format!("{}/{}", round(report.points()), round(report.max_points()));
        let _ = writeln!(
            out,
            "{:<20} {:<10} {:>9} {total:>15}",
            report.student, "total", ""
        );
    }
    out
}

/// The line that says what went wrong: a panic's message rather than the `thread ... panicked at`
/// line before it.
fn headline(output: &str) -> &str {
    let mut lines = output
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty());
    let first = lines.next().unwrap_or("");
    if first.contains(" panicked at ") {
        lines.next().unwrap_or(first)
    } else {
        first
    }
}

fn csv(reports: &[StudentReport]) -> Result<String> {
    let mut exercises: Vec<&str> = Vec::new();
    for report in reports {
        for exercise in &report.exercises {
            if !exercises.contains(&exercise.exercise.as_str()) {
                exercises.push(&exercise.exercise);
            }
        }
    }
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let mut header = vec!["student".to_owned()];
    header.extend(exercises.iter().map(|name| (*name).to_owned()));
    header.extend(["total".to_owned(), "max".to_owned()]);
    writer.write_record(&header)?;
    for report in reports {
        let mut row = vec![report.student.clone()];
        for name in &exercises {
            let points = report
                .exercises
                .iter()
                .find(|e| e.exercise == *name)
                .map_or(0.0, |e| e.points);
            row.push(round(points).to_string());
        }
        row.push(round(report.points()).to_string());
        row.push(round(report.max_points()).to_string());
        writer.write_record(&row)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

fn xml_escape(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .fold(String::new(), |mut out, c| {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c => out.push(c),
            }
            out
        })
}

fn junit(reports: &[StudentReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for report in reports {
        for exercise in &report.exercises {
            let failures = exercise
                .tests
                .iter()
                .filter(|t| !t.outcome.passed())
                .count();
            let suite = xml_escape(&format!("{}/{}", report.student, exercise.exercise));
            let _ = writeln!(
                out,
                "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{failures}\">",
                exercise.tests.len()
            );
            if let Some(detail) = &exercise.detail {
                let _ = writeln!(out, "    <system-err>{}</system-err>", xml_escape(detail));
            }
            for test in &exercise.tests {
                let _ = write!(
                    out,
                    "    <testcase classname=\"{suite}\" name=\"{}\"",
                    xml_escape(&test.name)
                );
                if test.outcome.passed() {
                    out.push_str("/>\n");
                } else {
                    let message = format!("{:?}", test.outcome).to_lowercase();
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{message}\">{}</failure>\n    </testcase>",
                        xml_escape(&test.output)
                    );
                }
            }
            out.push_str("  </testsuite>\n");
        }
    }
    out.push_str("</testsuites>\n");
    out
}

fn gradescope(report: &StudentReport) -> Result<String> {
    let mut tests = Vec::new();
    for exercise in &report.exercises {
        if exercise.tests.is_empty() {
            tests.push(json!({
                "name": format!("{}: {}", exercise.exercise, exercise.title),
                "score": 0.0,
                "max_score": round(exercise.max_points),
                "status": "failed",
                "output": exercise.detail.clone().unwrap_or_default(),
                "visibility": "visible",
            }));
        }
        for test in &exercise.tests {
            tests.push(json!({
                "name": format!("{}::{}", exercise.exercise, test.name),
                "score": round(test.points),
                "max_score": round(test.max_points),
                "status": if test.outcome.passed() { "passed" } else { "failed" },
                "output": test.output,
                "visibility": "visible",
            }));
        }
    }
    let notes: Vec<String> = report
        .exercises
        .iter()
        .flat_map(|e| {
            e.ignored_edits
                .iter()
                .map(move |edit| format!("{}: {edit}", e.exercise))
        })
        .collect();
    let result = json!({
        "score": round(report.points()),
        "output": if notes.is_empty() { String::new() } else { format!("Ignored edits (the pristine files were used):\n{}", notes.join("\n")) },
        "visibility": "visible",
        "tests": tests,
    });
    Ok(serde_json::to_string_pretty(&result)? + "\n")
}

fn classroom(report: &StudentReport) -> Result<String> {
    let mut tests = Vec::new();
    for exercise in &report.exercises {
        for test in &exercise.tests {
            tests.push(json!({
                "name": format!("{}::{}", exercise.exercise, test.name),
                "status": if test.outcome.passed() { "pass" } else { "fail" },
                "message": test.output,
                "test_code": format!("cargo test -p {} -- --exact {}", exercise.exercise, test.name),
                "filename": "",
                "line_no": 0,
                "execution_time": "",
                "score": round(test.points),
            }));
        }
        if exercise.tests.is_empty() {
            tests.push(json!({
                "name": format!("{}: {}", exercise.exercise, exercise.title),
                "status": "error",
                "message": exercise.detail.clone().unwrap_or_default(),
                "test_code": format!("cargo test -p {}", exercise.exercise),
                "filename": "",
                "line_no": 0,
                "execution_time": "",
                "score": 0.0,
            }));
        }
    }
    let all_passed = report
        .exercises
        .iter()
        .all(|e| e.status == ExerciseStatus::Passed);
    let result = json!({
        "version": 1,
        "status": if all_passed { "pass" } else { "fail" },
        "max_score": round(report.max_points()),
        "tests": tests,
    });
    Ok(serde_json::to_string_pretty(&result)? + "\n")
}
