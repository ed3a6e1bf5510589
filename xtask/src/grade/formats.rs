//! The grade reports, in every format instructors import: a terminal table, a CSV gradebook,
//! JSON, JUnit XML, Gradescope's `results.json` and GitHub Classroom's autograding result.

use std::fmt::Write as _;
use std::io::IsTerminal;

use anyhow::{Result, bail};
use serde_json::json;

use super::model::{ExerciseStatus, StudentReport, TestOutcome, round};
use super::names::{allowed_in_xml, printable};

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
                printable(&report.student),
                printable(&exercise.exercise)
            );
            if let Some(detail) = &exercise.detail {
                for line in detail.lines().take(12) {
                    let _ = writeln!(out, "{:<20}   | {}", "", printable(line));
                }
            }
            for edit in exercise.ignored_edits.iter().chain(&exercise.skipped_files) {
                let _ = writeln!(out, "{:<20}   ! {}", "", printable(edit));
            }
            for flag in &exercise.flags {
                let _ = writeln!(out, "{:<20}   ? {}", "", printable(flag));
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
                    printable(&test.name),
                    printable(headline(&test.output))
                );
            }
        }
        let total = format!("{}/{}", round(report.points()), round(report.max_points()));
        let _ = writeln!(
            out,
            "{:<20} {:<10} {:>9} {total:>15}",
            printable(&report.student),
            "total",
            ""
        );
    }
    out
}

/// The line that says what went wrong: a panic's message rather than the `thread ... panicked at`
/// line before it.
pub fn headline(output: &str) -> &str {
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
    // A whole line of a chatty test would drown the table.
    match line.char_indices().nth(160) {
        Some((cut, _)) => &line[..cut],
        None => line,
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

/// Text for XML 1.0: markup escaped, and the characters XML forbids (most control characters,
/// U+FFFE, U+FFFF) written as `\u{..}`, which keeps a name readable and the document valid.
fn xml_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        match c {
            c if !allowed_in_xml(c) || (c.is_control() && c != '\n' && c != '\t') => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
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

#[cfg(test)]
mod tests {
    use super::super::model::{ExerciseReport, TestReport};
    use super::*;

    fn student(name: &str, passed: bool) -> StudentReport {
        let outcome = if passed {
            TestOutcome::Passed
        } else {
            TestOutcome::Failed
        };
        StudentReport {
            student: name.to_owned(),
            exercises: vec![ExerciseReport {
                exercise: "ex3".into(),
                title: "Primes".into(),
                status: if passed {
                    ExerciseStatus::Passed
                } else {
                    ExerciseStatus::Failed
                },
                detail: None,
                ignored_edits: Vec::new(),
                skipped_files: Vec::new(),
                flags: Vec::new(),
                tests: vec![TestReport {
                    name: "step1::a".into(),
                    step: "step1".into(),
                    outcome,
                    points: if passed { 10.0 } else { 0.0 },
                    max_points: 10.0,
                    output: if passed {
                        String::new()
                    } else {
                        "thread 'a' panicked at x.rs:\n1 < 2 & \"quoted\"".into()
                    },
                }],
                points: if passed { 10.0 } else { 0.0 },
                max_points: 10.0,
            }],
        }
    }

    #[test]
    fn csv_has_a_row_per_student_and_a_total() {
        let text = render(
            Format::Csv,
            &[student("ana", true), student("bo", false)],
            false,
        )
        .unwrap();
        assert_eq!(text, "student,ex3,total,max\nana,10,10,10\nbo,0,0,10\n");
    }

    #[test]
    fn junit_escapes_outputs() {
        let text = render(Format::Junit, &[student("bo", false)], false).unwrap();
        assert!(
            text.contains("<testsuite name=\"bo/ex3\" tests=\"1\" failures=\"1\">"),
            "{text}"
        );
        assert!(text.contains("1 &lt; 2 &amp; &quot;quoted&quot;"), "{text}");
    }

    #[test]
    fn gradescope_and_classroom_describe_one_submission() {
        let text = render(Format::Gradescope, &[student("ana", true)], false).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["score"], 10.0);
        assert_eq!(json["tests"][0]["max_score"], 10.0);
        assert_eq!(json["tests"][0]["status"], "passed");
        let text = render(Format::Classroom, &[student("bo", false)], false).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (json["version"].clone(), json["status"].clone()),
            (1.into(), "fail".into())
        );
        assert_eq!(json["tests"][0]["status"], "fail");
        let two = [student("ana", true), student("bo", false)];
        assert!(
            render(Format::Gradescope, &two, false)
                .unwrap_err()
                .to_string()
                .contains("one submission")
        );
    }

    #[test]
    fn every_format_stays_valid_whatever_the_names_and_outputs() {
        let mut hostile = student("x\u{fffe}\u{1b}[2J\n\\xff", false);
        hostile.exercises[0].tests[0].output = "\u{0}\u{1b}[31mred\u{ffff}\r".into();
        let xml = render(Format::Junit, std::slice::from_ref(&hostile), false).unwrap();
        assert!(
            xml.chars()
                .all(|c| allowed_in_xml(c) && (c == '\n' || !c.is_control())),
            "{xml:?}"
        );
        assert!(xml.contains("\\u{fffe}\\u{1b}"), "{xml}");
        let table = render(Format::Table, std::slice::from_ref(&hostile), false).unwrap();
        assert!(
            table.chars().all(|c| c == '\n' || !c.is_control()),
            "{table:?}"
        );
        let csv = render(Format::Csv, std::slice::from_ref(&hostile), false).unwrap();
        let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[0], hostile.student);
        let json = render(Format::Json, &[hostile.clone()], false).unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed[0]["student"], hostile.student.as_str());
    }

    #[test]
    fn the_table_shows_the_panic_message_not_the_thread_line() {
        let text = render(Format::Table, &[student("bo", false)], false).unwrap();
        assert!(text.contains("x step1::a: 1 < 2"), "{text}");
        assert!(!text.contains("\x1b["), "no colour when not asked");
    }
}
