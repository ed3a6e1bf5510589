//! Compiling an exercise's test target and finding the test binary, or the first compiler error.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use serde::Deserialize;

use crate::{process, workspace};

/// A build may take a while on a cold target directory, but never forever.
const BUILD_LIMIT: Duration = Duration::from_secs(20 * 60);

/// The outcome of building one exercise's tests.
#[derive(Debug)]
pub enum Build {
    Binary(PathBuf),
    /// The first compiler error, with paths relative to the graded workspace.
    CompileError(String),
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    message: Option<Diagnostic>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    rendered: Option<String>,
}

/// Builds the integration test `test_target` of `package` in `workspace` (into `target_dir`).
pub fn build_tests(
    workspace: &Path,
    target_dir: &Path,
    package: &str,
    test_target: &str,
) -> Result<Build> {
    let mut command = workspace::cargo_command();
    command
        .args([
            "test",
            "--no-run",
            "--message-format=json",
            "-p",
            package,
            "--test",
            test_target,
        ])
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("RUSTFLAGS")
        .current_dir(workspace);
    let outcome = process::run(command, BUILD_LIMIT, process::NO_CAP)?;
    if outcome.timed_out() {
        bail!("building {package} took more than {BUILD_LIMIT:?}");
    }
    let mut executable = None;
    let mut first_error = None;
    for line in outcome.stdout.lines() {
        let Ok(message) = serde_json::from_str::<Message>(line) else {
            continue;
        };
        match message.reason.as_str() {
            "compiler-artifact" => {
                let is_test = message.target.as_ref().is_some_and(|target| {
                    target.name == test_target && target.kind.iter().any(|k| k == "test")
                });
                if is_test && message.executable.is_some() {
                    executable = message.executable;
                }
            }
            "compiler-message" if first_error.is_none() => {
                if let Some(diagnostic) = message.message.filter(|d| d.level == "error") {
                    first_error = diagnostic.rendered;
                }
            }
            _ => {}
        }
    }
    if outcome.success()
        && let Some(executable) = executable
    {
        return Ok(Build::Binary(executable));
    }
    let error = first_error.unwrap_or_else(|| process::tail(&outcome.stderr, 20));
    Ok(Build::CompileError(relative_paths(&error, workspace)))
}

/// Removes the grader's staging prefix from paths, so errors read `exercises/ex3/src/lib.rs:4:5`.
fn relative_paths(text: &str, workspace: &Path) -> String {
    let prefix = format!("{}/", workspace.display());
    text.replace(&prefix, "")
}
