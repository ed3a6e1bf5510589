//! `cargo xtask check`: what CI runs, like rustlings' `dev check`. One line per check, and what
//! to do when one fails.
//!
//! - every exercise has a valid `exercise.toml`, hints, test modules for its steps, a solution,
//!   and a chapter listed in the book's `SUMMARY.md`;
//! - rustfmt and clippy (`-D warnings`) are clean on the whole workspace, starters included;
//! - every starter fails its tests (at least one failing test in every step);
//! - every solution passes its tests three runs in a row (flaky concurrency tests show up);
//! - every Rust block of the book is included from a compiled file, the examples it includes run,
//!   and the book builds;
//! - the book's timelines are not stale, and its pictures render in a real (headless) Chromium.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::exercise::Exercise;
use crate::{book, i18n, process, workspace};

mod artifacts;

use artifacts::Artifact;

/// Runs of each solution's tests: a concurrency bug that shows once in three runs is caught.
const SOLUTION_RUNS: usize = 3;
/// No single cargo invocation of the check may take longer than this.
const COMMAND_LIMIT: Duration = Duration::from_secs(30 * 60);
/// Each example of the book must finish within this.
const EXAMPLE_LIMIT: Duration = Duration::from_secs(120);

struct Report {
    failures: usize,
    /// When the previous check was recorded: the checks run one after the other, each just
    /// before its `record`, so the time since then is this check's (CI's budget is watched by it).
    since: Instant,
}

impl Report {
    fn record(&mut self, name: &str, outcome: Result<String>) {
        let took = format!("[{:.0} s]", self.since.elapsed().as_secs_f64());
        self.since = Instant::now();
        match outcome {
            Ok(detail) if detail.is_empty() => println!("ok    {name} {took}"),
            Ok(detail) => println!("ok    {name}: {detail} {took}"),
            Err(error) => {
                self.failures += 1;
                println!("FAIL  {name} {took}");
                for line in format!("{error:#}").lines() {
                    println!("      {line}");
                }
            }
        }
    }
}

pub fn run(root: &Path, only: Option<&str>) -> Result<()> {
    let mut report = Report {
        failures: 0,
        since: Instant::now(),
    };
    let names = match only {
        Some(name) => {
            workspace::require_exercise(root, name)?;
            vec![name.to_owned()]
        }
        None => workspace::exercise_names(root)?,
    };
    for name in &names {
        report.record(&format!("{name}: metadata"), check_metadata(root, name));
        report.record(
            &format!("{name}: every hint is in English and in Spanish"),
            check_hint_languages(root, name),
        );
        report.record(
            &format!("{name}: every test runs under a deadline"),
            check_test_attributes(root, name),
        );
    }
    report.record(
        "rustfmt",
        cargo(root, &["fmt", "--all", "--check"])
            .map(|_| String::new())
            .context("fix: run `cargo fmt --all`"),
    );
    report.record(
        "clippy (-D warnings, starters included)",
        cargo(
            root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        )
        .map(|_| String::new())
        .context("fix: the warnings above; starters must compile clean too"),
    );
    let built = test_binaries(root, None);
    report.record(
        "every test binary builds (one cargo run for the workspace)",
        built
            .as_ref()
            .map(|binaries| format!("{} binaries", binaries.len()))
            .map_err(|e| anyhow::anyhow!("{e:#}")),
    );
    let built = built.unwrap_or_default();
    for name in &names {
        report.record(
            &format!("{name}: the starter fails its tests"),
            starter_binary(root, &built, name).and_then(|tests| check_starter(root, name, tests)),
        );
        report.record(
            &format!("{name}: the solution passes its tests {SOLUTION_RUNS} runs in a row"),
            check_solution(root, &built, name),
        );
    }
    report.record(
        "student edition: builds, `cargo test` green, starters fail",
        check_student_edition(root, &names),
    );
    report.record(
        "book: Rust code is included from compiled files",
        check_book_code(root),
    );
    report.record("book: the examples it includes run", check_examples(root));
    report.record("book: builds with mdbook", check_book_builds(root));
    report.record(
        "book: the timelines match what the examples record",
        book::check_timelines(root),
    );
    report.record(
        "book: every picture renders in headless Chromium",
        book::check_pictures(root),
    );
    report.record(
        "book: every translation (po/*.po) is complete and builds",
        check_translations(root),
    );
    if report.failures > 0 {
        bail!("{} check(s) failed", report.failures);
    }
    println!("\nAll checks passed.");
    Ok(())
}

/// Runs `cargo ARGS` in the workspace; on failure the error carries the end of its output.
fn cargo(root: &Path, args: &[&str]) -> Result<process::Outcome> {
    let mut command = workspace::cargo_command();
    command.args(args).current_dir(root);
    let outcome = process::run(command, COMMAND_LIMIT, process::NO_CAP)?;
    if outcome.timed_out() {
        bail!(
            "`cargo {}` did not finish within {COMMAND_LIMIT:?}",
            args.join(" ")
        );
    }
    if !outcome.success() {
        bail!(
            "`cargo {}` failed:\n{}",
            args.join(" "),
            process::tail(&outcome.combined(), 40)
        );
    }
    Ok(outcome)
}

fn check_metadata(root: &Path, name: &str) -> Result<String> {
    let exercise = Exercise::load(root, name)?;
    let summary_path = root.join("docs/src/SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)
        .with_context(|| format!("cannot read {}", summary_path.display()))?;
    if !summary.contains(&format!("({})", exercise.chapter)) {
        bail!(
            "the chapter `{}` is not listed in docs/src/SUMMARY.md: add `- [{}]({})`",
            exercise.chapter,
            exercise.title,
            exercise.chapter
        );
    }
    let chapter = root.join("docs/src").join(&exercise.chapter);
    if !chapter.is_file() {
        bail!("the chapter {} does not exist", chapter.display());
    }
    for step in &exercise.steps {
        let cases = root
            .join("exercises")
            .join(name)
            .join("tests/cases")
            .join(format!("{}.rs", step.module));
        if !cases.is_file() {
            bail!(
                "step `{}` has no test file {}",
                step.module,
                cases.display()
            );
        }
    }
    let solution = root.join("solutions").join(name).join("Cargo.toml");
    if !solution.is_file() {
        bail!("no reference solution: {} is missing", solution.display());
    }
    Ok(format!(
        "{} hints, {} steps",
        exercise.hints.len(),
        exercise.steps.len()
    ))
}

/// Every hint has its Spanish text (`es`), so `cargo xtask hint` speaks the student's language
/// (the Spanish edition): a hint added or rewritten in English comes with its translation.
fn check_hint_languages(root: &Path, name: &str) -> Result<String> {
    let exercise = Exercise::load(root, name)?;
    let missing = hints_without_spanish(&exercise);
    if !missing.is_empty() {
        bail!(
            "exercises/{name}/exercise.toml: {} hint(s) without their Spanish text; add \
             `es = \"\"\"...\"\"\"` after `text` (docs/src/exercise-format.md):\n{}",
            missing.len(),
            missing.join("\n")
        );
    }
    Ok(format!("{} hints", exercise.hints.len()))
}

/// The hints of `exercise` that have no Spanish text, as `hint N (step S): the English text...`.
fn hints_without_spanish(exercise: &Exercise) -> Vec<String> {
    exercise
        .hints
        .iter()
        .enumerate()
        .filter(|(_, hint)| hint.es.is_none())
        .map(|(index, hint)| {
            let mut start: String = hint.text.chars().take(60).collect();
            if start.len() < hint.text.len() {
                start.push_str("...");
            }
            format!("hint {} (step {}): {start}", index + 1, hint.step)
        })
        .collect()
}

/// No test of an exercise may use a bare `#[test]`: `#[course_testing::test]` runs it under a
/// deadline, so a student's infinite loop or deadlock ends in a message instead of a hang.
fn check_test_attributes(root: &Path, name: &str) -> Result<String> {
    let tests = root.join("exercises").join(name).join("tests");
    let files = rust_files(&tests)?;
    let mut bare = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        for (index, line) in text.lines().enumerate() {
            if has_bare_test_attribute(line) {
                let shown = file.strip_prefix(root).unwrap_or(file);
                bare.push(format!(
                    "{}:{}: {}",
                    shown.display(),
                    index + 1,
                    line.trim()
                ));
            }
        }
    }
    if !bare.is_empty() {
        bail!(
            "a test without a deadline hangs `cargo test` on a student's infinite loop: write \
             #[course_testing::test] instead of #[test]\n{}",
            bare.join("\n")
        );
    }
    Ok(format!("{} test files", files.len()))
}

/// True if `line` holds a test attribute other than `course_testing::test` (`#[test]`,
/// `#[core::prelude::v1::test]`, `#[tokio::test]`...). Comments are ignored.
fn has_bare_test_attribute(line: &str) -> bool {
    let code: String = line
        .split("//")
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    code.match_indices("#[").any(|(at, _)| {
        let attribute = &code[at + 2..];
        let path = &attribute[..attribute.find([']', '(']).unwrap_or(attribute.len())];
        let path = path.trim_start_matches("::");
        (path == "test" || path.ends_with("::test")) && path != "course_testing::test"
    })
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// `test NAME ... ok|FAILED` lines of libtest's (stable) human output, by name.
fn test_results(output: &str) -> BTreeMap<String, bool> {
    output
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, result) = rest.rsplit_once(" ... ")?;
            match result.trim() {
                "ok" => Some((name.to_owned(), true)),
                "FAILED" => Some((name.to_owned(), false)),
                _ => None,
            }
        })
        .collect()
}

/// Every test binary of the workspace, built in one cargo run (`cargo test --no-run --workspace
/// --tests`): the features resolve as for `cargo test` at the root (whose default members leave
/// the exercises out but need every dependency they need), so in CI only the exercises
/// themselves are compiled. Doc tests and examples are not among them: the solutions have no doc
/// tests, and the starters' tests are integration tests.
fn test_binaries(root: &Path, target_dir: Option<&Path>) -> Result<Vec<Artifact>> {
    let args = ["test", "--no-run", "--workspace", "--tests"];
    let built = artifacts::build(root, target_dir, &args)?;
    Ok(built.into_iter().filter(|artifact| artifact.test).collect())
}

/// The test binary of exercise `name`'s starter: `exercises/{name}/tests/{name}.rs` (the
/// solution's binary of the same name is in `solutions/{name}`).
fn starter_binary<'a>(root: &Path, built: &'a [Artifact], name: &str) -> Result<&'a Artifact> {
    let folder = root.join("exercises").join(name);
    built
        .iter()
        .find(|artifact| {
            artifact.is("test")
                && artifact.name == name
                && same_folder(&artifact.package_dir, &folder)
        })
        .with_context(|| {
            format!("cargo built no test binary for {name}'s starter (is there exercises/{name}/tests/{name}.rs?)")
        })
}

fn check_starter(root: &Path, name: &str, tests: &Artifact) -> Result<String> {
    let exercise = Exercise::load(root, name)?;
    let outcome = tests.run(&[], &tests.package_dir, COMMAND_LIMIT)?;
    if outcome.timed_out() {
        bail!("the starter's tests hung: a test without a deadline?");
    }
    let results = test_results(&outcome.stdout);
    if results.is_empty() {
        bail!(
            "no test ran: does the starter compile?\n{}",
            process::tail(&outcome.combined(), 30)
        );
    }
    if outcome.success() {
        bail!("every test passes on the starter: it must start unsolved (use todo!() bodies)");
    }
    for step in &exercise.steps {
        let prefix = format!("{}::", step.module);
        let step_results: Vec<bool> = results
            .iter()
            .filter(|(test, _)| test.starts_with(&prefix))
            .map(|(_, &passed)| passed)
            .collect();
        if step_results.is_empty() {
            bail!(
                "step `{}` has no tests (expected names starting with `{prefix}`)",
                step.module
            );
        }
        if step_results.iter().all(|&passed| passed) {
            bail!(
                "every test of step `{}` ({}) passes on the starter: a step must start unsolved",
                step.module,
                step.title
            );
        }
    }
    let failing = results.values().filter(|&&passed| !passed).count();
    Ok(format!("{failing} of {} tests fail", results.len()))
}

/// Runs every test binary of `solutions/{name}` (its unit tests, its tests, the demo's) three
/// times: a concurrency bug that shows once in three runs is caught.
fn check_solution(root: &Path, built: &[Artifact], name: &str) -> Result<String> {
    let folder = root.join("solutions").join(name);
    let binaries: Vec<&Artifact> = built
        .iter()
        .filter(|artifact| same_folder(&artifact.package_dir, &folder))
        .collect();
    if binaries.is_empty() {
        bail!("cargo built no test binary in solutions/{name}");
    }
    let mut count = 0;
    for run in 1..=SOLUTION_RUNS {
        count = 0;
        for tests in &binaries {
            let outcome = tests.run(&[], &tests.package_dir, COMMAND_LIMIT)?;
            if !outcome.success() {
                bail!(
                    "run {run} of {SOLUTION_RUNS} failed (a flaky test fails only sometimes): `{}` of solutions/{name}:\n{}",
                    tests.name,
                    process::tail(&outcome.combined(), 30)
                );
            }
            count += test_results(&outcome.stdout).len();
        }
    }
    Ok(format!("{count} tests"))
}

/// Writes the student edition (`cargo xtask dist`) under `target/` and proves it works: a bare
/// `cargo test` is green and every starter fails its tests.
fn check_student_edition(root: &Path, names: &[String]) -> Result<String> {
    let edition = root
        .join("target")
        .join("xtask")
        .join(format!("edition-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&edition);
    crate::dist::write_edition(root, &edition)?;
    let outcome = edition_checks(&edition, &edition_target_dir(root), names);
    let _ = std::fs::remove_dir_all(&edition);
    outcome
}

/// Where the edition is built: `edition` under the course's target folder (`CARGO_TARGET_DIR` when
/// set, as cargo does), the folder `xtask/tests/edition.rs` builds in too, so the dependencies
/// compiled by one are reused by the other.
fn edition_target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => std::path::absolute(dir)
            .unwrap_or_else(|_| root.join("target"))
            .join("edition"),
        _ => root.join("target").join("edition"),
    }
}

fn edition_checks(edition: &Path, target_dir: &Path, names: &[String]) -> Result<String> {
    let cargo_in_edition = |args: &[&str]| -> Result<process::Outcome> {
        let mut command = workspace::cargo_command();
        command
            .args(args)
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(edition);
        process::run(command, COMMAND_LIMIT, process::NO_CAP)
    };
    let tests = cargo_in_edition(&["test"])?;
    if !tests.success() {
        bail!(
            "`cargo test` fails in the student edition:\n{}",
            process::tail(&tests.combined(), 30)
        );
    }
    let built = test_binaries(edition, Some(target_dir)).context("the student edition's tests")?;
    for name in names {
        let tests = starter_binary(edition, &built, name)?;
        let starter = tests.run(&[], &tests.package_dir, COMMAND_LIMIT)?;
        if starter.success() || test_results(&starter.stdout).is_empty() {
            bail!("`cargo test -p {name}` should build and fail in the student edition");
        }
    }
    Ok(String::new())
}

/// Every ```rust block of the book must be an `{{#include}}` of a file that exists, with its anchor.
fn check_book_code(root: &Path) -> Result<String> {
    let src = root.join("docs/src");
    let mut problems = Vec::new();
    let mut included = 0;
    for chapter in markdown_files(&src)? {
        let text = std::fs::read_to_string(&chapter)?;
        let relative = chapter
            .strip_prefix(root)
            .unwrap_or(&chapter)
            .display()
            .to_string();
        let mut block = Block::Prose;
        for (number, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if let Some(info) = trimmed.strip_prefix("```") {
                block = match block {
                    Block::Prose if info.starts_with("rust") => Block::Rust(number + 1),
                    Block::Prose => Block::Other,
                    Block::Rust(_) | Block::Other => Block::Prose,
                };
                continue;
            }
            let Block::Rust(start) = block else { continue };
            if trimmed.is_empty() {
                continue;
            }
            match include_target(trimmed) {
                // mdbook pastes the included lines as they are: only the first keeps the indent,
                // the rest end the list item and the fence, and the chapter's markdown breaks.
                Some((file, _)) if line.starts_with(char::is_whitespace) => problems.push(format!(
                    "{relative}:{}: includes {file} indented (inside a list?); only its first line would keep the indent, so put the block at the left margin",
                    number + 1
                )),
                Some((file, anchor)) => {
                    let path = chapter.parent().unwrap_or(&src).join(file);
                    match std::fs::read_to_string(&path) {
                        Err(_) => problems.push(format!("{relative}:{}: includes {file}, which does not exist", number + 1)),
                        Ok(code) => {
                            if let Some(anchor) = anchor.filter(|a| !a.chars().all(|c| c.is_ascii_digit() || c == ':'))
                                && !code.contains(&format!("ANCHOR: {anchor}"))
                            {
                                problems.push(format!("{relative}:{}: {file} has no `ANCHOR: {anchor}`", number + 1));
                            }
                            included += 1;
                        }
                    }
                }
                None => problems.push(format!(
                    "{relative}:{start}: a Rust block with code pasted in; put the code in a compiled file (core/examples/...) and use {{{{#include path:anchor}}}}"
                )),
            }
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(format!("{included} includes"))
}

/// Where a line of a chapter is.
enum Block {
    Prose,
    /// Inside a ```rust fence opened on this line.
    Rust(usize),
    /// Inside any other fence (shell, toml, text...).
    Other,
}

/// `{{#include path}}` or `{{#include path:anchor}}` (also `#rustdoc_include`).
fn include_target(line: &str) -> Option<(&str, Option<&str>)> {
    let inner = line.strip_prefix("{{#")?.strip_suffix("}}")?;
    let target = inner
        .strip_prefix("include ")
        .or_else(|| inner.strip_prefix("rustdoc_include "))?
        .trim();
    Some(match target.split_once(':') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (target, None),
    })
}

fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(markdown_files(&path)?);
        } else if path.extension().is_some_and(|ext| ext == "md") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Runs every example of the `concurrent` crate (the book's code) in quick mode.
fn check_examples(root: &Path) -> Result<String> {
    let examples = book_examples(root)?;
    // The workspace's default members, as `cargo test` builds them: nothing new to build in CI.
    let built = artifacts::build(root, None, &["build", "--examples", "--bins"])?;
    for example in &examples {
        let source = std::fs::read_to_string(&example.source)
            .with_context(|| format!("cannot read {}", example.source.display()))?;
        let label = format!("{} `{}` of {}", example.kind, example.name, example.package);
        let program = built
            .iter()
            .find(|program| {
                program.is(example.kind)
                    && program.name == example.name
                    && same_folder(&program.package_dir, &example.package_dir)
            })
            .with_context(|| {
                format!("`cargo build --examples --bins` did not build the {label}")
            })?;
        // In the workspace's folder, as `cargo run` would run it.
        let outcome = program.run(&check_args(&source), root, EXAMPLE_LIMIT)?;
        if outcome.timed_out() {
            bail!("{label} did not finish within {EXAMPLE_LIMIT:?}");
        }
        if !outcome.success() {
            bail!(
                "{label} failed:\n{}",
                process::tail(&outcome.combined(), 20)
            );
        }
    }
    Ok(format!("{} programs", examples.len()))
}

/// A program the book teaches with: an example of `concurrent` or a binary of a worked-example
/// package under `examples/`.
struct BookExample {
    package: String,
    /// The folder of the package's `Cargo.toml`.
    package_dir: PathBuf,
    /// `example` or `bin`, as cargo's `--example NAME` / `--bin NAME`.
    kind: &'static str,
    name: String,
    source: PathBuf,
}

/// The same folder, however each path was spelled (cargo gives absolute, resolved paths).
fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `core/examples/*.rs`, then every binary of the packages under `examples/` (from `cargo
/// metadata`, so a `[[bin]]` with its own name or path is found as cargo sees it).
fn book_examples(root: &Path) -> Result<Vec<BookExample>> {
    let dir = root.join("core/examples");
    let mut examples: Vec<BookExample> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| {
            let name = path.file_stem()?.to_string_lossy().into_owned();
            Some(BookExample {
                package: "concurrent".to_owned(),
                package_dir: root.join("core"),
                kind: "example",
                name,
                source: path,
            })
        })
        .collect();
    examples.sort_by(|a, b| a.name.cmp(&b.name));
    let outcome = cargo(
        root,
        &["metadata", "-q", "--no-deps", "--format-version", "1"],
    )?;
    let metadata: serde_json::Value = serde_json::from_str(&outcome.stdout)
        .context("`cargo metadata` printed something that is not JSON")?;
    let under = root.join("examples");
    let mut bins = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
        if !manifest.starts_with(&under) {
            continue;
        }
        let name = package["name"].as_str().unwrap_or_default();
        for target in package["targets"].as_array().into_iter().flatten() {
            let is_bin = target["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|kind| kind == "bin"));
            if is_bin {
                bins.push(BookExample {
                    package: name.to_owned(),
                    package_dir: manifest.parent().unwrap_or(root).to_path_buf(),
                    kind: "bin",
                    name: target["name"].as_str().unwrap_or_default().to_owned(),
                    source: PathBuf::from(target["src_path"].as_str().unwrap_or_default()),
                });
            }
        }
    }
    bins.sort_by(|a, b| (&a.package, &a.name).cmp(&(&b.package, &b.name)));
    examples.extend(bins);
    Ok(examples)
}

/// The arguments an example asks `cargo xtask check` to run it with, from a
/// `// xtask-check-args: ...` line (for examples whose default run is a long measurement).
fn check_args(source: &str) -> Vec<&str> {
    source
        .lines()
        .find_map(|line| line.trim().strip_prefix("// xtask-check-args:"))
        .map(|args| args.split_whitespace().collect())
        .unwrap_or_default()
}

fn check_book_builds(root: &Path) -> Result<String> {
    if !book::mdbook_available() {
        bail!("mdbook is not installed: run `{}`", book::INSTALL);
    }
    let mut command = Command::new("mdbook");
    command.arg("build").arg(root.join("docs"));
    let outcome = process::run(command, COMMAND_LIMIT, process::NO_CAP)?;
    let log = outcome.combined();
    if !outcome.success() {
        bail!("`mdbook build docs` failed:\n{}", process::tail(&log, 30));
    }
    let warnings: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("WARN") || line.contains("ERROR"))
        .collect();
    if !warnings.is_empty() {
        bail!("`mdbook build docs` warned:\n{}", warnings.join("\n"));
    }
    // The book's `compile_fail` snippets must still fail to compile (the rest is `ignore`:
    // included from files that cargo compiles and this check runs).
    let mut test = Command::new("mdbook");
    test.arg("test").arg(root.join("docs"));
    let outcome = process::run(test, COMMAND_LIMIT, process::NO_CAP)?;
    if !outcome.success() {
        bail!(
            "`mdbook test docs` failed:\n{}",
            process::tail(&outcome.combined(), 30)
        );
    }
    Ok(String::new())
}

/// Every translation of the book is complete and builds without warnings. An untranslated or fuzzy
/// message fails the check, naming how many and where the first ones are, so a change to a chapter
/// comes with its translation. (Run after the English build, which empties `docs/book`.)
fn check_translations(root: &Path) -> Result<String> {
    if !book::mdbook_available() {
        bail!("mdbook is not installed: run `{}`", book::INSTALL);
    }
    let scratch = root
        .join("target")
        .join("xtask")
        .join(format!("pot-{}", std::process::id()));
    let template = i18n::template(&root.join("docs"), &scratch)?;
    let mut done = Vec::new();
    for language in &i18n::LANGUAGES {
        let path = i18n::po_path(root, language);
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let gaps = i18n::gaps(&template, &i18n::read(&path)?);
        if !gaps.is_empty() {
            bail!("{}", i18n::describe_gaps(&shown, &gaps));
        }
        let command = book::translated_command(root, language, false);
        let outcome = process::run(command, COMMAND_LIMIT, process::NO_CAP)?;
        let log = outcome.combined();
        if !outcome.success() {
            bail!(
                "building the `{}` book failed:\n{}",
                language.code,
                process::tail(&log, 30)
            );
        }
        let warnings: Vec<&str> = log
            .lines()
            .filter(|line| line.contains("WARN") || line.contains("ERROR"))
            .collect();
        if !warnings.is_empty() {
            bail!(
                "building the `{}` book warned:\n{}",
                language.code,
                warnings.join("\n")
            );
        }
        let index = book::translated_dir(root, language).join("index.html");
        let page = std::fs::read_to_string(&index)
            .with_context(|| format!("the `{}` book has no {}", language.code, index.display()))?;
        if !page.contains(&format!("lang=\"{}\"", language.code)) {
            bail!(
                "{} does not say lang=\"{}\"",
                index.display(),
                language.code
            );
        }
        let broken = i18n::links::broken(&book::translated_dir(root, language))?;
        if !broken.is_empty() {
            bail!(
                "the `{}` book has broken links or images:\n{}",
                language.code,
                broken.join("\n")
            );
        }
        let built = book::translated_dir(root, language);
        let pictures = if book::has_pictures(&built)? {
            book::check_pictures_in(&built)
                .with_context(|| format!("the `{}` book's pictures", language.code))?
        } else {
            "no pictures".to_owned()
        };
        done.push(format!(
            "{} ({} messages; {pictures})",
            language.code,
            template.count()
        ));
    }
    Ok(done.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libtest_results_and_ignores_other_lines() {
        let output = "running 3 tests\n\
                      test step1::a ... ok\n\
                      test step1::b ... FAILED\n\
                      test step2::c ... ignored\n\
                      test result: FAILED. 1 passed; 1 failed\n";
        let results = test_results(output);
        assert_eq!(results.len(), 2);
        assert_eq!(results.get("step1::a"), Some(&true));
        assert_eq!(results.get("step1::b"), Some(&false));
    }

    #[test]
    fn a_test_without_the_deadline_attribute_is_refused() {
        for bare in [
            "#[test]",
            "    #[test] fn inline() {}",
            "#[ test ]",
            "#[::core::prelude::v1::test]",
            "#[tokio::test(flavor = \"multi_thread\")]",
            "#[cfg(unix)] #[test]",
        ] {
            assert!(has_bare_test_attribute(bare), "{bare}");
        }
        for fine in [
            "#[course_testing::test]",
            "#[::course_testing::test(deadline_secs = 30)]",
            "#[course_testing::test(own_process)]",
            "// #[test] in a comment",
            "#[should_panic(expected = \"test\")]",
            "fn test() {}",
        ] {
            assert!(!has_bare_test_attribute(fine), "{fine}");
        }
        let root = std::env::temp_dir().join(format!("xtask-deadline-{}", std::process::id()));
        let cases = root.join("exercises/ex9/tests/cases");
        std::fs::create_dir_all(&cases).unwrap();
        std::fs::write(
            cases.join("step1.rs"),
            "#[course_testing::test]\nfn fine() {}\n",
        )
        .unwrap();
        assert!(check_test_attributes(&root, "ex9").is_ok());
        std::fs::write(cases.join("step2.rs"), "\n#[test]\nfn forgot() {}\n").unwrap();
        let error = check_test_attributes(&root, "ex9").unwrap_err().to_string();
        assert!(error.contains("step2.rs:2: #[test]"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn recognises_includes_with_and_without_anchor() {
        assert_eq!(
            include_target("{{#include ../../core/examples/map.rs:ordered}}"),
            Some(("../../core/examples/map.rs", Some("ordered")))
        );
        assert_eq!(
            include_target("{{#rustdoc_include a.rs}}"),
            Some(("a.rs", None))
        );
        assert_eq!(include_target("let x = 1;"), None);
    }

    #[test]
    fn flags_pasted_rust_code_but_not_other_languages() {
        let root = std::env::temp_dir().join(format!("xtask-check-{}", std::process::id()));
        let src = root.join("docs/src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(
            root.join("docs/real.rs"),
            "// ANCHOR: part\nfn main() {}\n// ANCHOR_END: part\n",
        )
        .unwrap();
        std::fs::write(
            src.join("ok.md"),
            "```sh\ncargo test\n```\n\n```rust,ignore\n{{#include ../real.rs:part}}\n```\n",
        )
        .unwrap();
        assert!(check_book_code(&root).is_ok());
        std::fs::write(src.join("bad.md"), "```rust\nfn pasted() {}\n```\n").unwrap();
        let error = check_book_code(&root).unwrap_err().to_string();
        assert!(error.contains("bad.md:1"), "{error}");
        std::fs::write(
            src.join("bad.md"),
            "```rust\n{{#include ../real.rs:missing}}\n```\n",
        )
        .unwrap();
        let error = check_book_code(&root).unwrap_err().to_string();
        assert!(error.contains("no `ANCHOR: missing`"), "{error}");
        std::fs::write(
            src.join("bad.md"),
            "- a list item:\n\n  ```rust,ignore\n  {{#include ../real.rs:part}}\n  ```\n",
        )
        .unwrap();
        let error = check_book_code(&root).unwrap_err().to_string();
        assert!(
            error.contains("bad.md:4: includes ../real.rs indented"),
            "{error}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// A tiny book and its Spanish PO file, through the real mdbook and mdbook-i18n-helpers.
    #[test]
    fn the_translation_check_fails_on_untranslated_and_fuzzy_messages() {
        if !(book::mdbook_available() && i18n::helpers_available()) {
            // CI installs both before the tests (.ci/run); a student's `cargo test` may lack them.
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install mdbook and mdbook-i18n-helpers: `{}`",
                i18n::INSTALL
            );
            eprintln!("skipped: mdbook or mdbook-i18n-helpers is not installed");
            return;
        }
        let root = std::env::temp_dir().join(format!("xtask-i18n-book-{}", std::process::id()));
        let src = root.join("docs/src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::create_dir_all(root.join("po")).unwrap();
        std::fs::write(
            root.join("docs/book.toml"),
            "[book]\ntitle = \"Tiny\"\nlanguage = \"en\"\n\n\
             [preprocessor.gettext]\nafter = [\"links\"]\npo-dir = \"../po\"\n",
        )
        .unwrap();
        std::fs::write(
            src.join("SUMMARY.md"),
            "# Summary\n\n- [Chapter](chapter.md)\n",
        )
        .unwrap();
        std::fs::write(src.join("chapter.md"), "# Chapter\n\nHello, world.\n").unwrap();
        let po = |hello: &str| {
            let text = format!(
                "{}msgid \"Summary\"\nmsgstr \"Resumen\"\n\n\
                 msgid \"Chapter\"\nmsgstr \"Capítulo\"\n\n{hello}",
                i18n::tests::HEADER
            );
            std::fs::write(root.join("po/es.po"), text).unwrap();
            check_translations(&root)
        };
        let untranslated = po("msgid \"Hello, world.\"\nmsgstr \"\"\n");
        let translated = po("msgid \"Hello, world.\"\nmsgstr \"Hola, mundo.\"\n");
        let page = std::fs::read_to_string(root.join("docs/book/es/chapter.html"));
        let fuzzy = po("#, fuzzy\nmsgid \"Hello, world.\"\nmsgstr \"Hola, mundo.\"\n");
        std::fs::remove_dir_all(&root).unwrap();

        let error = format!("{:#}", untranslated.unwrap_err());
        assert!(
            error.contains("1 untranslated and 0 fuzzy")
                && error.contains("docs/src/chapter.md:3 (untranslated): \"Hello, world.\""),
            "{error}"
        );
        assert!(translated.is_ok(), "{translated:?}");
        let page = page.unwrap();
        assert!(
            page.contains("Hola, mundo.") && page.contains("lang=\"es\""),
            "{page}"
        );
        let error = format!("{:#}", fuzzy.unwrap_err());
        assert!(
            error.contains("0 untranslated and 1 fuzzy")
                && error.contains("docs/src/chapter.md:3 (fuzzy)"),
            "{error}"
        );
    }

    #[test]
    fn a_hint_without_its_spanish_text_is_named() {
        let exercise: Exercise = toml::from_str(
            "title = \"t\"\nchapter = \"c.md\"\n\
             [[hints]]\nstep = 1\ntext = \"a nudge\"\nes = \"un empujoncito\"\n\
             [[hints]]\nstep = 1\ntext = \"nearly the answer\"\n\
             [[steps]]\nmodule = \"step1_x\"\ntitle = \"x\"\npoints = 1\n",
        )
        .unwrap();
        assert_eq!(
            hints_without_spanish(&exercise),
            ["hint 2 (step 1): nearly the answer"]
        );
        let root = workspace::root().unwrap();
        for name in workspace::exercise_names(&root).unwrap() {
            let missing = hints_without_spanish(&Exercise::load(&root, &name).unwrap());
            assert!(missing.is_empty(), "{name}: {missing:?}");
        }
    }
}
