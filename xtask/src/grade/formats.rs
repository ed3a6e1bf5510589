//! The grade reports, in every format instructors import: a terminal table, a CSV gradebook,
//! JSON, JUnit XML, Gradescope's `results.json` and GitHub Classroom's autograding result.

use std::fmt::Write as _;
use std::io::IsTerminal;

use anyhow::{Result, bail};
use clap::ValueEnum as _;
use serde_json::json;

mod cents;

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

impl Format {
    /// Whether the format describes one submission (the platforms grade one at a time).
    fn is_for_one_submission(self) -> bool {
        matches!(self, Format::Gradescope | Format::Classroom)
    }

    /// The value of `--format` that names it.
    fn flag(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |value| value.get_name().to_owned())
    }

    fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "CSV gradebook",
            Format::Json => "JSON report",
            Format::Junit => "JUnit XML report",
            Format::Gradescope => "Gradescope results.json",
            Format::Classroom => "GitHub Classroom result",
        }
    }
}

/// Checked before grading: a class of `students` can be written in `format`.
pub fn accepts(format: Format, students: usize) -> Result<()> {
    if format.is_for_one_submission() && students != 1 {
        bail!(
            "--format {} describes one submission, and the class holds {students} student \
             folders: grade each student's folder on its own (`--submissions` pointing at a \
             folder with that one submission), or pick csv, json or junit for the class",
            format.flag()
        );
    }
    Ok(())
}

/// The line `--out` prints: what was written where.
pub fn describe(format: Format, path: &std::path::Path) -> String {
    format!("the {} to {}", format.name(), path.display())
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
            let seconds: f64 = exercise.tests.iter().map(|test| test.seconds).sum();
            let suite = xml_escape(&format!("{}/{}", report.student, exercise.exercise));
            let _ = writeln!(
                out,
                "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{failures}\" \
                 time=\"{seconds:.3}\">",
                exercise.tests.len()
            );
            if let Some(detail) = &exercise.detail {
                let _ = writeln!(out, "    <system-err>{}</system-err>", xml_escape(detail));
            }
            for test in &exercise.tests {
                let _ = write!(
                    out,
                    "    <testcase classname=\"{suite}\" name=\"{}\" time=\"{:.3}\"",
                    xml_escape(&test.name),
                    test.seconds
                );
                if test.outcome.passed() {
                    out.push_str("/>\n");
                } else {
                    // The message is the test's own (a dashboard shows only this line); the
                    // whole output follows as the failure's text.
                    let message = match headline(&test.output) {
                        "" => test_outcome_label(test.outcome),
                        line => line,
                    };
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        xml_escape(message),
                        test_outcome_label(test.outcome),
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

fn test_outcome_label(outcome: TestOutcome) -> &'static str {
    match outcome {
        TestOutcome::Passed => "passed",
        TestOutcome::Failed => "failed",
        TestOutcome::TimedOut => "timed out",
        TestOutcome::Crashed => "crashed",
        TestOutcome::NotRun => "not run",
    }
}

fn gradescope(report: &StudentReport) -> Result<String> {
    let mut tests = Vec::new();
    let mut score = 0;
    for exercise in &report.exercises {
        if exercise.tests.is_empty() {
            tests.push(json!({
                "name": format!("{}: {}", exercise.exercise, exercise.title),
                "score": 0.0,
                "max_score": cents::points(cents::cents(exercise.max_points)),
                "status": "failed",
                "output": exercise.detail.clone().unwrap_or_default(),
                "visibility": "visible",
            }));
        }
        let shares = cents::shares(exercise);
        score += shares.total_score();
        for ((test, max), earned) in exercise.tests.iter().zip(&shares.max).zip(&shares.score) {
            tests.push(json!({
                "name": format!("{}::{}", exercise.exercise, test.name),
                "score": cents::points(*earned),
                "max_score": cents::points(*max),
                "status": if test.outcome.passed() { "passed" } else { "failed" },
                "output": test.output,
                "visibility": "visible",
            }));
        }
        if shares.without_tests > 0 {
            tests.push(json!({
                "name": format!("{}: steps without tests", exercise.exercise),
                "score": 0.0,
                "max_score": cents::points(shares.without_tests),
                "status": "failed",
                "output": "a step of exercise.toml has no test in its module: its points cannot \
                           be earned (a mistake of the course, not the student's)",
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
        "score": cents::points(score),
        "output": if notes.is_empty() { String::new() } else { format!("Ignored edits (the pristine files were used):\n{}", notes.join("\n")) },
        "visibility": "visible",
        "tests": tests,
    });
    Ok(serde_json::to_string_pretty(&result)? + "\n")
}

fn classroom(report: &StudentReport) -> Result<String> {
    let mut tests = Vec::new();
    for exercise in &report.exercises {
        let shares = cents::shares(exercise);
        for (test, earned) in exercise.tests.iter().zip(&shares.score) {
            tests.push(json!({
                "name": format!("{}::{}", exercise.exercise, test.name),
                "status": if test.outcome.passed() { "pass" } else { "fail" },
                "message": test.output,
                "test_code": format!("cargo test -p {} -- --exact {}", exercise.exercise, test.name),
                "filename": "",
                "line_no": 0,
                "execution_time": format!("{:.3}s", test.seconds),
                "score": cents::points(*earned),
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
                    seconds: 0.25,
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

    /// An exercise as the grader reports it: each step's points shared equally by its tests
    /// (`steps`: module, points, number of tests), the tests passed where `passes` says so.
    fn exercise(
        name: &str,
        steps: &[(&str, u32, usize)],
        passes: impl Fn(usize) -> bool,
    ) -> ExerciseReport {
        let mut tests = Vec::new();
        for (step, points, count) in steps {
            let max = f64::from(*points) / *count as f64;
            for k in 0..*count {
                let passed = passes(tests.len());
                tests.push(TestReport {
                    name: format!("{step}::test_{k}"),
                    step: (*step).to_owned(),
                    outcome: if passed {
                        TestOutcome::Passed
                    } else {
                        TestOutcome::Failed
                    },
                    points: if passed { max } else { 0.0 },
                    max_points: max,
                    seconds: 0.5,
                    output: if passed {
                        String::new()
                    } else {
                        format!(
                            "thread '{step}::test_{k}' panicked at t.rs:1:1:\nexpected 7, got 6"
                        )
                    },
                });
            }
        }
        ExerciseReport {
            exercise: name.into(),
            title: name.into(),
            status: ExerciseStatus::Partial,
            detail: None,
            ignored_edits: Vec::new(),
            skipped_files: Vec::new(),
            flags: Vec::new(),
            points: tests.iter().map(|t| t.points).sum(),
            max_points: steps.iter().map(|(_, points, _)| f64::from(*points)).sum(),
            tests,
        }
    }

    /// ex1 and ex3 as they are: 100 points each, steps of 6 to 10 tests. Rounded test by test,
    /// their `max_score`s made 200.11.
    fn ex1_and_ex3(passes: impl Fn(usize) -> bool + Copy) -> StudentReport {
        let ex1 = [
            ("step1", 10, 7),
            ("step2", 15, 9),
            ("step3", 20, 10),
            ("step4", 25, 6),
            ("step5", 15, 7),
            ("step6", 15, 9),
        ];
        let ex3 = [
            ("step1", 10, 6),
            ("step2", 20, 6),
            ("step3", 25, 8),
            ("step4", 30, 6),
            ("step5", 15, 6),
        ];
        StudentReport {
            student: "ana".into(),
            exercises: vec![exercise("ex1", &ex1, passes), exercise("ex3", &ex3, passes)],
        }
    }

    /// A number of points as hundredths, checking it has no more than two decimals.
    fn hundredths(value: &serde_json::Value) -> i64 {
        let points = value.as_f64().unwrap();
        let cents = (points * 100.0).round();
        assert!(
            (points * 100.0 - cents).abs() < 1e-6,
            "{points} has more than two decimals"
        );
        cents as i64
    }

    #[test]
    fn gradescope_max_scores_add_up_to_the_assignment_exactly() {
        for (label, passes) in [
            ("all passed", (|_| true) as fn(usize) -> bool),
            ("every third failed", |k| k % 3 != 0),
            ("none passed", |_| false),
        ] {
            let report = ex1_and_ex3(passes);
            let text = render(Format::Gradescope, std::slice::from_ref(&report), false).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            let tests = json["tests"].as_array().unwrap();
            assert_eq!(tests.len(), 48 + 32, "{label}");
            let max: i64 = tests.iter().map(|t| hundredths(&t["max_score"])).sum();
            assert_eq!(
                max, 20_000,
                "{label}: the max_scores add up to 200 points exactly"
            );
            let per_step = |exercise: &str, step: &str| -> i64 {
                tests
                    .iter()
                    .filter(|t| {
                        t["name"]
                            .as_str()
                            .unwrap()
                            .starts_with(&format!("{exercise}::{step}::"))
                    })
                    .map(|t| hundredths(&t["max_score"]))
                    .sum()
            };
            assert_eq!(
                per_step("ex1", "step1"),
                1000,
                "{label}: 10 points over 7 tests"
            );
            assert_eq!(
                per_step("ex3", "step3"),
                2500,
                "{label}: 25 points over 8 tests"
            );
            let scores: i64 = tests.iter().map(|t| hundredths(&t["score"])).sum();
            assert_eq!(
                hundredths(&json["score"]),
                scores,
                "{label}: score = sum of tests'"
            );
            let expected = cents::cents(report.points());
            assert!(
                (scores - expected).abs() <= 1,
                "{label}: {scores} hundredths for {} points",
                report.points()
            );
        }
        let all = render(Format::Gradescope, &[ex1_and_ex3(|_| true)], false).unwrap();
        let json: serde_json::Value = serde_json::from_str(&all).unwrap();
        assert_eq!(json["score"], 200.0, "everything passed is every point");
    }

    #[test]
    fn shares_differ_by_a_cent_at_most_and_ties_go_to_the_first_tests() {
        let ex = exercise("ex1", &[("step1", 10, 7), ("step2", 20, 3)], |_| true);
        let shares = cents::shares(&ex);
        assert_eq!(
            shares.max,
            [143, 143, 143, 143, 143, 143, 142, 667, 667, 666]
        );
        assert_eq!(shares.score, shares.max);
        assert_eq!(shares.without_tests, 0);
    }

    #[test]
    fn a_step_without_tests_keeps_the_total_exact() {
        let mut ex = exercise("ex1", &[("step1", 10, 3)], |k| k == 0);
        ex.max_points = 25.0;
        let report = StudentReport {
            student: "ana".into(),
            exercises: vec![ex],
        };
        let text = render(Format::Gradescope, &[report], false).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let tests = json["tests"].as_array().unwrap();
        let max: i64 = tests.iter().map(|t| hundredths(&t["max_score"])).sum();
        assert_eq!(max, 2500);
        assert_eq!(tests[3]["name"], "ex1: steps without tests");
        assert_eq!(json["score"], 3.34);
    }

    #[test]
    fn classroom_scores_add_up_too() {
        let report = ex1_and_ex3(|_| true);
        let text = render(Format::Classroom, &[report], false).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let tests = json["tests"].as_array().unwrap();
        let scores: i64 = tests.iter().map(|t| hundredths(&t["score"])).sum();
        assert_eq!(scores, 20_000);
        assert_eq!(json["max_score"], 200.0);
        assert_eq!(tests[0]["execution_time"], "0.500s");
    }

    #[test]
    fn junit_failures_carry_their_own_message_and_time() {
        let report = ex1_and_ex3(|k| k != 2);
        let xml = render(Format::Junit, &[report], false).unwrap();
        assert!(
            xml.contains(
                "<testcase classname=\"ana/ex1\" name=\"step1::test_2\" time=\"0.500\">\n      \
                 <failure message=\"expected 7, got 6\" type=\"failed\">thread &apos;\
                 step1::test_2&apos; panicked at t.rs:1:1:\nexpected 7, got 6</failure>"
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<testcase classname=\"ana/ex1\" name=\"step1::test_0\" time=\"0.500\"/>"),
            "{xml}"
        );
        assert!(
            xml.contains(
                "<testsuite name=\"ana/ex3\" tests=\"32\" failures=\"1\" time=\"16.000\">"
            ),
            "{xml}"
        );
    }

    #[test]
    fn a_class_is_refused_for_the_formats_of_one_submission() {
        for format in [Format::Gradescope, Format::Classroom] {
            let error = accepts(format, 2).unwrap_err().to_string();
            assert!(
                error.contains("describes one submission") && error.contains("2 student folders"),
                "{error}"
            );
            assert!(accepts(format, 1).is_ok());
        }
        assert!(error_free([
            Format::Csv,
            Format::Json,
            Format::Junit,
            Format::Table
        ]));
        assert!(
            accepts(Format::Gradescope, 3)
                .unwrap_err()
                .to_string()
                .starts_with("--format gradescope describes")
        );
    }

    fn error_free(formats: [Format; 4]) -> bool {
        formats
            .into_iter()
            .all(|format| accepts(format, 30).is_ok())
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
            text.contains("<testsuite name=\"bo/ex3\" tests=\"1\" failures=\"1\" time=\"0.250\">"),
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
