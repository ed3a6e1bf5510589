//! Where things are: the workspace root and its exercises.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The root of the course workspace this run acts on, found at run time.
///
/// Nothing is taken from build time: with a `CARGO_TARGET_DIR` shared by two checkouts, the
/// `xtask` binary that `cargo xtask` runs may have been built from the other checkout. `cargo run`
/// sets `CARGO_MANIFEST_DIR` to the folder of the package it runs, `<root>/xtask`: that names the
/// checkout cargo chose. Without it (the binary run by hand), the current folder and its parents
/// are searched, as cargo itself does.
pub fn root() -> Result<PathBuf> {
    if let Some(xtask_dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)
        && xtask_dir.file_name().is_some_and(|name| name == "xtask")
        && let Some(root) = xtask_dir.parent()
        && is_course_root(root)
    {
        return Ok(root.to_path_buf());
    }
    let here = std::env::current_dir().context("cannot read the current folder")?;
    match here.ancestors().find(|dir| is_course_root(dir)) {
        Some(root) => Ok(root.to_path_buf()),
        None => bail!(
            "{} is not inside the course: run `cargo xtask` in the course's folder (the one with \
             Cargo.toml, exercises/ and xtask/)",
            here.display()
        ),
    }
}

/// A course workspace: a `[workspace]` manifest beside `xtask/` and `exercises/`.
fn is_course_root(dir: &Path) -> bool {
    dir.join("xtask").join("Cargo.toml").is_file()
        && dir.join("exercises").is_dir()
        && std::fs::read_to_string(dir.join("Cargo.toml"))
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .is_some_and(|manifest| manifest.contains_key("workspace"))
}

/// True in the student edition (`cargo xtask dist`): it has no reference solutions.
pub fn is_student_edition(root: &Path) -> bool {
    !root.join("solutions").is_dir()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal course layout in a fresh temporary folder.
    fn fake_course(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-ws-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("xtask/src")).unwrap();
        std::fs::create_dir_all(dir.join("exercises/ex1/src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[workspace]\nmembers = [\"xtask\"]\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("xtask/Cargo.toml"),
            "[package]\nname = \"xtask\"\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn a_course_root_has_a_workspace_manifest_xtask_and_exercises() {
        let course = fake_course("root");
        assert!(is_course_root(&course));
        assert!(
            !is_course_root(&course.join("xtask")),
            "a package is not the root"
        );
        std::fs::write(course.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        assert!(
            !is_course_root(&course),
            "a manifest without [workspace] is not the root"
        );
        std::fs::remove_dir_all(&course).unwrap();
    }

    #[test]
    fn the_student_edition_is_the_one_without_solutions() {
        let course = fake_course("edition");
        assert!(is_student_edition(&course));
        std::fs::create_dir_all(course.join("solutions")).unwrap();
        assert!(!is_student_edition(&course));
        std::fs::remove_dir_all(&course).unwrap();
    }
}
