//! `exercise.toml`: the metadata of one exercise (title, chapter, hints, points, timeout).
//! The format is documented in the book, `docs/src/exercise-format.md`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The default per-test timeout when `exercise.toml` gives none.
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Shown in tables and the book.
    pub title: String,
    /// The chapter's path under `docs/src`, listed in `SUMMARY.md`.
    pub chapter: String,
    /// Seconds before the grader kills a test.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// The hints, each tied to a step; a step's hints are progressive (a nudge first, nearly the
    /// answer last), in the order they appear.
    pub hints: Vec<Hint>,
    /// The steps, each a test module with its points.
    pub steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The test module (`step1_...`): test names start with `{module}::`.
    pub module: String,
    pub title: String,
    /// Shared equally by the tests of the module.
    pub points: u32,
}

/// One hint: `[[hints]]` with `step = N`, the English `text` and, optionally, its Spanish `es`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    /// The step it helps with, 1-based, as in `[[steps]]`.
    pub step: usize,
    pub text: String,
    /// The same hint in Spanish; English is shown when it is missing.
    #[serde(default)]
    pub es: Option<String>,
}

/// The languages hints are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Es,
}

impl Hint {
    /// The text in `lang`, falling back to English.
    pub fn text(&self, lang: Lang) -> &str {
        match (lang, &self.es) {
            (Lang::Es, Some(es)) => es,
            _ => &self.text,
        }
    }
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECS
}

impl Exercise {
    /// Reads and validates `exercises/{name}/exercise.toml`.
    pub fn load(root: &Path, name: &str) -> Result<Exercise> {
        let path = root.join("exercises").join(name).join("exercise.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}: every exercise needs one", path.display()))?;
        let exercise: Exercise =
            toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
        exercise
            .validate()
            .with_context(|| format!("{} is not valid", path.display()))?;
        Ok(exercise)
    }

    fn validate(&self) -> Result<()> {
        if self.title.trim().is_empty() {
            bail!("`title` is empty");
        }
        if self.steps.is_empty() {
            bail!("`steps` is empty: list the test modules and their points");
        }
        for hint in &self.hints {
            if hint.step == 0 || hint.step > self.steps.len() {
                bail!(
                    "a hint has `step = {}`, and the steps are 1 to {}",
                    hint.step,
                    self.steps.len()
                );
            }
            if hint.text.trim().is_empty()
                || hint.es.as_ref().is_some_and(|es| es.trim().is_empty())
            {
                bail!("a hint of step {} is empty", hint.step);
            }
        }
        for number in 1..=self.steps.len() {
            if self.hints_of(number).is_empty() {
                bail!(
                    "step {number} (`{}`) has no hint: add `[[hints]]` with `step = {number}`",
                    self.steps[number - 1].module
                );
            }
        }
        if self.timeout_secs == 0 {
            bail!("`timeout_secs` must be at least 1");
        }
        for step in &self.steps {
            if step.points == 0 {
                bail!("step `{}` has no points", step.module);
            }
            if !step.module.starts_with("step") {
                bail!("step module `{}` should be named `stepN_...`", step.module);
            }
        }
        Ok(())
    }
}

impl Exercise {
    /// The hints of step `number` (1-based), in order.
    pub fn hints_of(&self, number: usize) -> Vec<&Hint> {
        self.hints
            .iter()
            .filter(|hint| hint.step == number)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Exercise> {
        let exercise: Exercise = toml::from_str(text)?;
        exercise.validate()?;
        Ok(exercise)
    }

    const STEPS: &str = "[[steps]]\nmodule = \"step1_x\"\ntitle = \"X\"\npoints = 5\n\
                         [[steps]]\nmodule = \"step2_y\"\ntitle = \"Y\"\npoints = 5\n";
    const HINTS: &str =
        "[[hints]]\nstep = 1\ntext = \"a\"\n[[hints]]\nstep = 2\ntext = \"b\"\nes = \"b-es\"\n";

    #[test]
    fn the_real_exercises_are_valid() {
        let root = crate::workspace::root().unwrap();
        for name in crate::workspace::exercise_names(&root).unwrap() {
            Exercise::load(&root, &name).unwrap();
        }
    }

    #[test]
    fn the_timeout_has_a_default() {
        let text = format!("title = \"t\"\nchapter = \"c.md\"\n{HINTS}{STEPS}");
        assert_eq!(parse(&text).unwrap().timeout_secs, DEFAULT_TIMEOUT_SECS);
    }

    #[test]
    fn hints_belong_to_steps_and_may_be_in_spanish() {
        let text = format!("title = \"t\"\nchapter = \"c.md\"\n{HINTS}{STEPS}");
        let exercise = parse(&text).unwrap();
        let second = exercise.hints_of(2);
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].text(Lang::Es), "b-es");
        assert_eq!(
            exercise.hints_of(1)[0].text(Lang::Es),
            "a",
            "English when no Spanish"
        );
    }

    #[test]
    fn a_step_without_hints_is_refused() {
        let text = format!(
            "title = \"t\"\nchapter = \"c.md\"\n[[hints]]\nstep = 1\ntext = \"a\"\n{STEPS}"
        );
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("step 2 (`step2_y`) has no hint"), "{error}");
    }

    #[test]
    fn a_hint_of_a_step_that_does_not_exist_is_refused() {
        let text = format!(
            "title = \"t\"\nchapter = \"c.md\"\n{HINTS}[[hints]]\nstep = 3\ntext = \"c\"\n{STEPS}"
        );
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.contains("the steps are 1 to 2"), "{error}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = format!("title = \"t\"\nchapter = \"c.md\"\nhint = [\"a\"]\n{HINTS}{STEPS}");
        assert!(parse(&text).is_err());
        let text = format!(
            "title = \"t\"\nchapter = \"c.md\"\n{HINTS}[[hints]]\nstep = 1\ntext = \"a\"\nfr = \"x\"\n{STEPS}"
        );
        assert!(
            parse(&text).is_err(),
            "a language the tools do not know is a typo"
        );
    }
}
