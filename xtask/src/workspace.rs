//! Where things are: the workspace root and its exercises.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The workspace root: the parent of this crate's folder, found at build time.
pub fn root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// The exercise names (`ex1`, `ex3`...) that have a folder under `exercises/`, in order.
pub fn exercise_names(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("exercises");
    let mut names = Vec::new();
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
    {
        let entry = entry?;
        if entry.path().join("Cargo.toml").is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort_by_key(|name| (name.len(), name.clone()));
    Ok(names)
}

/// Checks that `name` is an exercise of this workspace, with a helpful error if not.
pub fn require_exercise(root: &Path, name: &str) -> Result<()> {
    let names = exercise_names(root)?;
    if !names.iter().any(|known| known == name) {
        bail!(
            "there is no exercise `{name}`; the exercises are: {}",
            names.join(", ")
        );
    }
    Ok(())
}

/// A `cargo` command: the cargo that runs us (`$CARGO`, set by `cargo run`), else the one on PATH.
pub fn cargo_command() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
