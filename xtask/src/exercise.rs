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
    /// Progressive hints: a nudge first, nearly the answer last.
    pub hints: Vec<String>,
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
        if self.hints.len() < 3 || self.hints.iter().any(|hint| hint.trim().is_empty()) {
            bail!(
                "`hints` needs at least three non-empty hints, from a nudge to nearly the answer"
            );
        }
        if self.steps.is_empty() {
            bail!("`steps` is empty: list the test modules and their points");
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Exercise> {
        let exercise: Exercise = toml::from_str(text)?;
        exercise.validate()?;
        Ok(exercise)
    }

    const STEPS: &str = "[[steps]]\nmodule = \"step1_x\"\ntitle = \"X\"\npoints = 5\n";

    #[test]
    fn the_real_exercises_are_valid() {
        let root = crate::workspace::root().unwrap();
        for name in crate::workspace::exercise_names(&root).unwrap() {
            Exercise::load(&root, &name).unwrap();
        }
    }

    #[test]
    fn the_timeout_has_a_default() {
        let text =
            format!("title = \"t\"\nchapter = \"c.md\"\nhints = [\"a\", \"b\", \"c\"]\n{STEPS}");
        assert_eq!(parse(&text).unwrap().timeout_secs, DEFAULT_TIMEOUT_SECS);
    }

    #[test]
    fn too_few_hints_are_refused() {
        let text = format!("title = \"t\"\nchapter = \"c.md\"\nhints = [\"a\", \"\"]\n{STEPS}");
        assert!(
            parse(&text)
                .unwrap_err()
                .to_string()
                .contains("at least three")
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = format!(
            "title = \"t\"\nchapter = \"c.md\"\nhint = [\"a\"]\nhints = [\"a\", \"b\", \"c\"]\n{STEPS}"
        );
        assert!(parse(&text).is_err());
    }
}
