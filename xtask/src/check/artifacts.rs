//! Programs the check runs (every test binary of the starters and the solutions, the book's
//! examples), built in one cargo run and then started directly, not through `cargo test -p X` or
//! `cargo run -p X` one package at a time. Cargo resolves the dependencies' features for the
//! packages it is given, so each `-p X` could ask for another build of the shared dependencies
//! (tokio, hickory, criterion...): on a cold CI machine that was minutes per package. One build
//! resolves them once, as `cargo test` at the root does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, bail};

use super::COMMAND_LIMIT;
use crate::cargo_json::Message;
use crate::{process, workspace};

/// A program cargo built: a test binary, an example or a binary.
#[derive(Debug)]
pub struct Artifact {
    /// The target's name (`ex3`, `map`, `big-csv`).
    pub name: String,
    /// `test`, `example`, `bin`...
    pub kinds: Vec<String>,
    pub executable: PathBuf,
    /// Built to run tests (a test binary, or a library's or binary's unit tests).
    pub test: bool,
    /// The folder of the package's `Cargo.toml`.
    pub package_dir: PathBuf,
}

impl Artifact {
    pub fn is(&self, kind: &str) -> bool {
        self.kinds.iter().any(|known| known == kind)
    }

    /// The program with `args`, run in `dir`, killed after `limit`.
    pub fn run(&self, args: &[&str], dir: &Path, limit: Duration) -> Result<process::Outcome> {
        let mut command = Command::new(&self.executable);
        command.args(args).current_dir(dir);
        process::run(command, limit, process::NO_CAP)
    }
}

/// `cargo ARGS --message-format=...` in the workspace at `root` (building in `target_dir` when
/// given): every program it built, or its errors.
pub fn build(root: &Path, target_dir: Option<&Path>, args: &[&str]) -> Result<Vec<Artifact>> {
    let mut command = workspace::cargo_command();
    command
        .args(args)
        .arg("--message-format=json-render-diagnostics")
        .current_dir(root);
    if let Some(dir) = target_dir {
        command.env("CARGO_TARGET_DIR", dir);
    }
    let outcome = process::run(command, COMMAND_LIMIT, process::NO_CAP)?;
    if !outcome.success() {
        bail!(
            "`cargo {}` failed:\n{}",
            args.join(" "),
            process::tail(&outcome.stderr, 30)
        );
    }
    Ok(artifacts(&outcome.stdout))
}

/// The programs among cargo's JSON messages.
fn artifacts(messages: &str) -> Vec<Artifact> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Message>(line).ok())
        .filter(|message| message.reason == "compiler-artifact")
        .filter_map(|message| {
            let (target, executable, manifest) =
                (message.target?, message.executable?, message.manifest_path?);
            Some(Artifact {
                name: target.name,
                kinds: target.kind,
                executable,
                test: message.profile.is_some_and(|profile| profile.test),
                package_dir: manifest.parent()?.to_path_buf(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_programs_among_cargo_messages() {
        let messages = [
            r#"{"reason":"compiler-artifact","target":{"name":"ex1","kind":["lib"]},"executable":null,"manifest_path":"/c/exercises/ex1/Cargo.toml"}"#,
            r#"{"reason":"compiler-artifact","target":{"name":"ex1","kind":["test"]},"profile":{"test":true},"executable":"/t/deps/ex1-aa","manifest_path":"/c/exercises/ex1/Cargo.toml"}"#,
            r#"{"reason":"compiler-artifact","target":{"name":"map","kind":["example"]},"executable":"/t/examples/map","manifest_path":"/c/core/Cargo.toml"}"#,
            "not json",
            r#"{"reason":"build-finished","success":true}"#,
        ]
        .join("\n");
        let found = artifacts(&messages);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].is("test") && found[0].test && found[0].name == "ex1");
        assert_eq!(found[0].executable, Path::new("/t/deps/ex1-aa"));
        assert_eq!(found[0].package_dir, Path::new("/c/exercises/ex1"));
        assert!(found[1].is("example") && !found[1].is("test") && !found[1].test);
    }
}
