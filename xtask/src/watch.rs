//! `cargo xtask watch [exN]`: reruns the tests of the step the student is on each time a file of
//! the exercise is saved, and prints a short status instead of cargo's whole output: the step, how
//! many of its tests pass, and the first failure's message (the tests are written to teach). When
//! the step passes it says so and moves on to the next; when the exercise is done it names the
//! next one. `q` and Enter, or Ctrl+C, quit.
//!
//! The tests run through the grader (`grade::workspace_exercise`), one process per test under its
//! kill timer, so a student's infinite loop ends in a message, not a stuck watcher.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};

use crate::exercise::Exercise;
use crate::grade::{self, ExerciseReport, ExerciseStatus, TestOutcome};
use crate::list::{self, StepState};
use crate::workspace;

/// Saves closer together than this are one change (editors write a file in several steps).
const DEBOUNCE: Duration = Duration::from_millis(300);

/// Lines of a failure's message shown: the lesson, not a whole test's output.
const LESSON_LINES: usize = 12;

enum Event {
    Saved(Vec<PathBuf>),
    Quit,
}

pub fn run(root: &Path, exercise: Option<String>) -> Result<()> {
    let names = workspace::exercise_names(root)?;
    let name = match exercise {
        Some(name) => {
            workspace::require_exercise(root, &name)?;
            name
        }
        None => first_not_done(root, &names)?,
    };
    let exercise = Exercise::load(root, &name)?;
    let (events, received) = mpsc::channel();
    listen_for_quit(&events)?;
    let folder = root.join("exercises").join(&name);
    let watched = folder.clone();
    let saved = events.clone();
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        // Only writes: the builds and test runs open and read these files all the time.
        let Ok(event) = result else { return };
        let writes = matches!(
            event.kind,
            EventKind::Create(_)
                | EventKind::Modify(_)
                | EventKind::Remove(_)
                | EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        let paths: Vec<PathBuf> = event
            .paths
            .into_iter()
            .filter(|path| is_source(&watched, path))
            .collect();
        if writes && !paths.is_empty() {
            let _ = saved.send(Event::Saved(paths));
        }
    })
    .context("cannot watch files on this system")?;
    watcher
        .watch(&folder, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", folder.display()))?;

    let mut watch = Watch {
        root,
        names: &names,
        name: &name,
        exercise: &exercise,
        step: None,
        done: false,
    };
    println!(
        "Watching exercises/{name} ({}): each time you save a file there, the tests of your step \
         run again. Type q and Enter, or press Ctrl+C, to stop.",
        exercise.title
    );
    watch.find_step()?;
    while let Ok(Event::Saved(mut paths)) = received.recv() {
        // An editor saves in several writes, and saves made while the tests ran are in the
        // queue: everything up to a quiet moment is one change.
        let mut quit = false;
        while let Ok(event) = received.recv_timeout(DEBOUNCE) {
            match event {
                Event::Saved(more) => paths.extend(more),
                Event::Quit => quit = true,
            }
        }
        if quit {
            break;
        }
        paths.sort();
        paths.dedup();
        let shown: Vec<String> = paths
            .iter()
            .map(|path| {
                path.strip_prefix(&folder)
                    .unwrap_or(path)
                    .display()
                    .to_string()
            })
            .collect();
        println!("\n-- saved {}", shown.join(", "));
        // A failure of the tools themselves (a build that cannot start) is shown, and the
        // next save tries again.
        if let Err(error) = watch.rerun() {
            println!("error: {error:#}");
        }
    }
    println!("Stopped watching {name}.");
    Ok(())
}

/// True for the files of `folder` whose change is worth a run: sources and manifests, not editors'
/// swap files, the build output or the hints' memory. Only the part below `folder` is looked at:
/// the course itself may live under a folder named `target` (the tests' copies do).
fn is_source(folder: &Path, path: &Path) -> bool {
    let below = path.strip_prefix(folder).unwrap_or(path);
    let in_target = below.components().any(|part| part.as_os_str() == "target");
    let extension = path.extension().and_then(|ext| ext.to_str());
    !in_target
        && matches!(extension, Some("rs" | "toml"))
        && !path.ends_with(crate::hint::MEMORY_FILE)
}

/// `q` (or `quit`) and Enter on stdin, Ctrl+C or a termination signal: the end of the watch.
/// Ctrl+C twice stops at once, even in the middle of a run.
fn listen_for_quit(events: &Sender<Event>) -> Result<()> {
    let quit = events.clone();
    let pressed = std::sync::atomic::AtomicBool::new(false);
    ctrlc::set_handler(move || {
        if pressed.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nStopping (once the tests running now are done; Ctrl+C again to stop now).");
        let _ = quit.send(Event::Quit);
    })
    .context("cannot install the Ctrl+C handler")?;
    let quit = events.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        // At the end of stdin (none, or a closed pipe) only Ctrl+C stops the watch.
        while std::io::stdin()
            .read_line(&mut line)
            .is_ok_and(|read| read > 0)
        {
            if matches!(line.trim(), "q" | "quit") {
                let _ = quit.send(Event::Quit);
                return;
            }
            line.clear();
        }
    });
    Ok(())
}

/// The first exercise, in order, with a test that does not pass.
fn first_not_done(root: &Path, names: &[String]) -> Result<String> {
    for name in names {
        let exercise = Exercise::load(root, name)?;
        println!("Testing {name} to find the first exercise not done yet...");
        let report = grade::workspace_exercise(root, name, &exercise, None)?;
        if report.status != ExerciseStatus::Passed {
            return Ok(name.clone());
        }
    }
    let last = names.last().context("the course has no exercise")?;
    println!("Every exercise passes! Watching the last one, {last}.");
    Ok(last.clone())
}

/// The state of one watch: which step the student is on.
struct Watch<'a> {
    root: &'a Path,
    names: &'a [String],
    name: &'a str,
    exercise: &'a Exercise,
    /// The step being worked on (1-based); `None` until the tests said which (the exercise does
    /// not compile, or every step passes).
    step: Option<usize>,
    /// Every test passed in the last full run.
    done: bool,
}

impl Watch<'_> {
    /// Runs every test of the exercise to find the first step with a failing one.
    fn find_step(&mut self) -> Result<()> {
        let report = grade::workspace_exercise(self.root, self.name, self.exercise, None)?;
        if report.status == ExerciseStatus::CompileError {
            self.step = None;
            self.print_compile_error(&report);
            return Ok(());
        }
        let states = list::steps(&report, self.exercise);
        match list::current_step(&states) {
            Some(state) => {
                self.step = Some(state.number);
                self.done = false;
                self.print_status(state, &report);
            }
            None => {
                self.step = None;
                self.print_done();
            }
        }
        Ok(())
    }

    /// After a save: the current step's tests; while a step passes, the next step's.
    fn rerun(&mut self) -> Result<()> {
        let Some(mut number) = self.step else {
            return self.find_step();
        };
        loop {
            let module = &self.exercise.steps[number - 1].module;
            let report =
                grade::workspace_exercise(self.root, self.name, self.exercise, Some(module))?;
            if report.status == ExerciseStatus::CompileError {
                self.print_compile_error(&report);
                return Ok(());
            }
            let states = list::steps(&report, self.exercise);
            let state = &states[number - 1];
            if !state.done() {
                self.print_status(state, &report);
                return Ok(());
            }
            println!(
                "PASS step {number} of {}, {}: all {} tests pass!",
                states.len(),
                state.title,
                state.total
            );
            if number == states.len() {
                // The last step passes: a full run tells whether an earlier one broke meanwhile.
                return self.find_step();
            }
            number += 1;
            self.step = Some(number);
            println!(
                "On to step {number} of {}: {}.",
                states.len(),
                states[number - 1].title
            );
        }
    }

    fn print_status(&self, state: &StepState, report: &ExerciseReport) {
        let steps = self.exercise.steps.len();
        println!(
            "{} step {} of {steps}, {}: {} of {} tests pass.",
            self.name, state.number, state.title, state.passed, state.total
        );
        let first_failure = report
            .tests
            .iter()
            .find(|test| test.step == state.module && !test.outcome.passed());
        if let Some(test) = first_failure {
            let how = match test.outcome {
                TestOutcome::TimedOut => "timed out",
                TestOutcome::Crashed => "crashed",
                _ => "failed",
            };
            println!("First failure, {} {how}:", test.name);
            for line in lesson(&test.output) {
                println!("  {line}");
            }
        }
    }

    fn print_compile_error(&self, report: &ExerciseReport) {
        println!(
            "{} does not compile; the first error (`cargo test -p {}` shows them all):",
            self.name, self.name
        );
        for line in report.detail.as_deref().unwrap_or("").lines().take(20) {
            println!("  {line}");
        }
    }

    fn print_done(&mut self) {
        if self.done {
            println!("{} still passes every test.", self.name);
            return;
        }
        self.done = true;
        println!(
            "DONE {}: every test of every step passes. Well done!",
            self.name
        );
        let position = self.names.iter().position(|known| known == self.name);
        let next = position.and_then(|at| self.names.get(at + 1));
        match next.map(|next| (next, Exercise::load(self.root, next))) {
            Some((next, Ok(exercise))) => println!(
                "Next: {next}, {}. Read its chapter (docs/src/{}), then `cargo xtask watch {next}`. \
                 (Still watching {} meanwhile.)",
                exercise.title, exercise.chapter, self.name
            ),
            Some((next, Err(_))) => println!("Next: `cargo xtask watch {next}`."),
            None => println!("That was the last exercise of the course."),
        }
    }
}

/// The teaching part of a failed test's output: without the `thread ... panicked at` line and
/// the note about backtraces, at most `LESSON_LINES` lines.
fn lesson(output: &str) -> Vec<&str> {
    output
        .lines()
        .map(str::trim_end)
        .filter(|line| {
            !line.trim().is_empty()
                && !line.contains(" panicked at ")
                && !line.starts_with("note: run with `RUST_BACKTRACE")
        })
        .take(LESSON_LINES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lesson_leaves_out_the_panic_location_and_the_backtrace_note() {
        let output = "thread 'step1::x' panicked at tests/cases/step1.rs:3:5:\n\
                      is_prime(2) should be true: 2 is the smallest prime\n\n\
                      note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace";
        assert_eq!(
            lesson(output),
            ["is_prime(2) should be true: 2 is the smallest prime"]
        );
    }

    #[test]
    fn only_sources_and_manifests_are_worth_a_run() {
        let folder = Path::new("/c/exercises/ex3");
        let source = |path: &str| is_source(folder, Path::new(path));
        assert!(source("/c/exercises/ex3/src/lib.rs"));
        assert!(source("/c/exercises/ex3/Cargo.toml"));
        assert!(!source("/c/exercises/ex3/src/.lib.rs.swp"));
        assert!(!source("/c/exercises/ex3/src/lib.rs~"));
        assert!(!source("/c/exercises/ex3/target/debug/x.rs"));
        assert!(!source("/c/exercises/ex3/.hints-shown.toml"));
    }

    /// A course kept under a folder named `target` (as the tests' copies are) is still watched.
    #[test]
    fn a_course_inside_a_folder_named_target_is_watched() {
        let folder = Path::new("/home/me/target/tmp/course/exercises/ex3");
        assert!(is_source(folder, &folder.join("src/lib.rs")));
        assert!(!is_source(folder, &folder.join("target/debug/x.rs")));
    }
}
