//! `cargo xtask hint exN`: the next hint for the step the student is on (the first step with a
//! failing test), one more each run; `--step N` for another step, `--reset` to start over.
//!
//! What was shown is remembered in the exercise's folder (`exercises/exN/.hints-shown.toml`),
//! with the student's work rather than in `target/`, which `cargo clean` empties. The grader
//! ignores that file and the student edition leaves it out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::exercise::{Exercise, Lang};
use crate::grade::{self, ExerciseStatus};
use crate::{list, workspace};

/// The file, in `exercises/exN/`, that remembers the hints shown.
pub const MEMORY_FILE: &str = ".hints-shown.toml";

#[derive(Debug, clap::Args)]
pub struct HintArgs {
    /// The exercise, e.g. `ex3`.
    exercise: String,
    /// The hints of this step (default: the first step with a failing test, found by running
    /// the exercise's tests).
    #[arg(long, value_name = "N")]
    step: Option<usize>,
    /// Show this hint of the step (1 = a nudge; the last is nearly the answer).
    #[arg(long, value_name = "N")]
    level: Option<usize>,
    /// Forget the hints shown for this exercise: the next run starts again at the first.
    #[arg(long, conflicts_with_all = ["step", "level"])]
    reset: bool,
    /// The language of the hints (default: from LC_ALL, LC_MESSAGES or LANG; `es...` is
    /// Spanish). A hint not translated yet is shown in English.
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

/// What the memory file holds.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Memory {
    /// The step the student was on when the tests last ran: used when the code does not compile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on: Option<usize>,
    /// Per step number, how many of its hints were shown.
    #[serde(default)]
    shown: BTreeMap<String, usize>,
}

impl Memory {
    fn load(path: &Path) -> Memory {
        // A missing or mangled file means nothing was shown yet: never an error for a hint.
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn save(&self, path: &Path, name: &str) -> Result<()> {
        let text = format!(
            "# `cargo xtask hint {name}` remembers here how many hints of each step you have \
             seen.\n# `cargo xtask hint {name} --reset` (or deleting this file) starts over.\n{}",
            toml::to_string(self)?
        );
        let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, path))
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

fn memory_path(root: &Path, name: &str) -> PathBuf {
    root.join("exercises").join(name).join(MEMORY_FILE)
}

pub fn run(root: &Path, args: HintArgs) -> Result<()> {
    let name = args.exercise.as_str();
    workspace::require_exercise(root, name)?;
    let exercise = Exercise::load(root, name)?;
    let path = memory_path(root, name);
    if args.reset {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(error).with_context(|| format!("cannot remove {}", path.display()));
            }
        }
        println!(
            "The hints of {name} start over: `cargo xtask hint {name}` shows the first hint of \
             the step you are on."
        );
        return Ok(());
    }
    let mut memory = Memory::load(&path);
    let steps = exercise.steps.len();
    let step = match args.step {
        Some(step) if step == 0 || step > steps => {
            bail!("{name} has steps 1 to {steps}; there is no step {step}")
        }
        Some(step) => step,
        None => match step_of_the_student(root, name, &exercise, &mut memory)? {
            Some(step) => step,
            None => {
                println!(
                    "Every step of {name} passes: no hint needed. `cargo xtask hint {name} --step \
                     N` shows the hints of step N all the same."
                );
                return Ok(());
            }
        },
    };
    let hints = exercise.hints_of(step);
    let total = hints.len();
    let key = step.to_string();
    let shown = memory.shown.get(&key).copied().unwrap_or(0);
    let level = args.level.unwrap_or((shown + 1).min(total));
    if level == 0 || level > total {
        bail!("step {step} of {name} has hints 1 to {total}; there is no hint {level}");
    }
    let lang = args
        .lang
        .unwrap_or_else(|| lang_from_env(|key| std::env::var(key).ok()));
    let title = &exercise.steps[step - 1].title;
    println!("{name} step {step} of {steps}, {title}: hint {level} of {total}\n");
    println!("{}\n", hints[level - 1].text(lang));
    if level < total {
        println!(
            "Still stuck? Run the command again for hint {} of step {step}.",
            level + 1
        );
    } else {
        println!(
            "That was the last hint of step {step}. The chapter docs/src/{} explains the ideas.",
            exercise.chapter
        );
    }
    memory.shown.insert(key, level.max(shown));
    // Remembering is a convenience: failing to write it must not hide the hint.
    if let Err(error) = memory.save(&path, name) {
        eprintln!("note: {error:#}");
    }
    Ok(())
}

/// The first step with a failing test, found by running the tests; the step remembered from the
/// last run when the exercise does not compile now. `None` when every step passes.
fn step_of_the_student(
    root: &Path,
    name: &str,
    exercise: &Exercise,
    memory: &mut Memory,
) -> Result<Option<usize>> {
    eprintln!("Running the tests of {name} to find the step you are on...");
    let report = grade::workspace_exercise(root, name, exercise, None)?;
    if report.status == ExerciseStatus::CompileError {
        let (step, which) = match memory.on {
            Some(step) => (step, "the step you were on when it last compiled"),
            None => (1, "the first"),
        };
        eprintln!(
            "{name} does not compile just now (`cargo test -p {name}` shows why): here is a hint \
             for step {step}, {which} (`--step N` for another)."
        );
        return Ok(Some(step));
    }
    let states = list::steps(&report, exercise);
    let current = list::current_step(&states).map(|step| step.number);
    memory.on = current;
    Ok(current)
}

/// The language of the locale: the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set
/// decides, as for any program's messages; one starting with `es` is Spanish.
pub fn lang_from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .find_map(|key| var(key).filter(|value| !value.is_empty()));
    match locale {
        Some(locale) if locale.starts_with("es") => Lang::Es,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(vars: &[(&str, &str)]) -> Lang {
        lang_from_env(|key| {
            vars.iter()
                .find(|(known, _)| *known == key)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn the_locale_picks_the_language_in_the_order_of_posix() {
        assert_eq!(lang(&[]), Lang::En);
        assert_eq!(lang(&[("LANG", "es_ES.UTF-8")]), Lang::Es);
        assert_eq!(
            lang(&[("LANG", "es_ES.UTF-8"), ("LC_MESSAGES", "C")]),
            Lang::En
        );
        assert_eq!(
            lang(&[("LC_MESSAGES", "es_AR"), ("LANG", "en_GB")]),
            Lang::Es
        );
        assert_eq!(
            lang(&[("LC_ALL", "en_US.UTF-8"), ("LC_MESSAGES", "es_ES")]),
            Lang::En
        );
        assert_eq!(
            lang(&[("LC_ALL", ""), ("LANG", "es")]),
            Lang::Es,
            "empty is unset"
        );
    }

    #[test]
    fn the_memory_survives_a_round_trip_and_a_mangled_file_is_empty() {
        let dir = std::env::temp_dir().join(format!("xtask-hint-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(MEMORY_FILE);
        let mut memory = Memory {
            on: Some(3),
            ..Memory::default()
        };
        memory.shown.insert("3".into(), 2);
        memory.save(&path, "ex3").unwrap();
        let again = Memory::load(&path);
        assert_eq!((again.on, again.shown.get("3")), (Some(3), Some(&2)));
        std::fs::write(&path, "not = [toml").unwrap();
        assert!(Memory::load(&path).shown.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
