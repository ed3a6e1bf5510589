//! `cargo xtask dist --out DIR`: the student edition of the course, to hand out.
//!
//! It is the course as committed in HEAD, never the working tree: an instructor who solved an
//! exercise locally, or keeps notes beside it, hands out the starters all the same, and the edition
//! is the commit it names. Uncommitted changes are listed, so one meant for the students can be
//! committed first. The edition leaves out the reference solutions and the instructors' CI, gets
//! its own README and a workspace manifest without the solutions; the exercises, hints, tools and
//! book are kept.

pub mod git;

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::{process, workspace};

/// What the student edition leaves out (`target` and `docs/book` only if they were committed).
/// `.ci` runs `cargo xtask check`, which needs the solutions: it is the instructors' CI; so are
/// the tools' own tests, which grade fixtures and build editions (a student's `cargo test` would
/// run them).
/// `backups` holds what `cargo xtask reset` saved of someone's work.
const LEFT_OUT: [&str; 6] = [
    "target",
    ".ci",
    "solutions",
    "docs/book",
    "xtask/tests",
    "backups",
];

/// The README of the student edition, in the course; it replaces the instructors' README.
const STUDENT_README: &str = "xtask/student-edition/README.md";

/// Changes listed by name after the edition is written; more are counted.
const LISTED_CHANGES: usize = 10;

/// A student edition just written.
#[derive(Debug)]
pub struct Edition {
    /// The commit it was built from.
    pub commit: String,
    /// Files of the working tree that differ from that commit, relative to the course's root.
    pub uncommitted: Vec<String>,
}

pub fn run(root: &Path, out: &Path) -> Result<()> {
    let edition = write_edition(root, out)?;
    println!(
        "The student edition of commit {} is in {}",
        edition.commit.get(..10).unwrap_or(&edition.commit),
        out.display()
    );
    if !edition.uncommitted.is_empty() {
        println!(
            "It does not contain these uncommitted changes (commit them first if they belong in it):"
        );
        for path in edition.uncommitted.iter().take(LISTED_CHANGES) {
            println!("  {path}");
        }
        if edition.uncommitted.len() > LISTED_CHANGES {
            println!("  and {} more", edition.uncommitted.len() - LISTED_CHANGES);
        }
    }
    println!("Students run `cargo test -p exN` there; `cargo xtask grade` grades their work.");
    Ok(())
}

/// Writes the edition of HEAD to `out`, which must not exist or be an empty folder (nothing is
/// overwritten).
pub fn write_edition(root: &Path, out: &Path) -> Result<Edition> {
    if workspace::is_student_edition(root) {
        bail!(
            "this is already the student edition (it has no solutions/): run dist in the course's \
             own repository"
        );
    }
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} is not empty: choose a new folder (nothing is overwritten)",
            out.display()
        );
    }
    let head = git::Head::of(root)?;
    let uncommitted = git::uncommitted(root, &head)?
        .into_iter()
        .filter(|path| !left_out(Path::new(path)))
        .collect();
    // Build it beside the destination, then rename: an interrupted run leaves no half edition.
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out.file_name().context("--out needs a folder name")?;
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let out = parent.canonicalize()?.join(name);
    let root = root.canonicalize()?;
    if out.starts_with(&root) && !out.starts_with(root.join("target")) {
        bail!(
            "write the edition outside the repository (or under target/), not into {}",
            out.display()
        );
    }
    let staging = out.with_file_name(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    let built = build(&root, &head, &staging);
    if built.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    built?;
    if out.exists() {
        std::fs::remove_dir(&out)?;
    }
    std::fs::rename(&staging, &out)
        .with_context(|| format!("cannot move the edition to {}", out.display()))?;
    Ok(Edition {
        commit: head.commit,
        uncommitted,
    })
}

/// Exports HEAD into `staging` and turns it into the student edition.
fn build(root: &Path, head: &git::Head, staging: &Path) -> Result<()> {
    head.export(root, staging)?;
    for path in LEFT_OUT {
        let path = staging.join(path);
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else if path.exists() {
            std::fs::remove_file(&path)?;
        }
    }
    for exercise in workspace::exercise_names(staging)? {
        let folder = staging.join("exercises").join(&exercise);
        // Someone's hint counter, had it been committed, is theirs: the edition starts at zero.
        let _ = std::fs::remove_file(folder.join(crate::hint::MEMORY_FILE));
        // The pristine starters, which `cargo xtask reset` puts back (there is no git there).
        let starters = staging
            .join(crate::reset::STARTERS)
            .join(&exercise)
            .join("src");
        copy_tree(&folder.join("src"), &starters)
            .with_context(|| format!("cannot copy the starter of {exercise}"))?;
    }
    let readme = staging.join(STUDENT_README);
    std::fs::rename(&readme, staging.join("README.md")).with_context(|| {
        format!(
            "commit {} has no {STUDENT_README}, the student edition's README",
            head.short()
        )
    })?;
    if let Some(dir) = readme.parent() {
        // Empty now; its only job was to hold the README.
        let _ = std::fs::remove_dir(dir);
    }
    let manifest = staging.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    std::fs::write(&manifest, without_solutions(&text)?)?;
    // Cargo.lock is kept as is: the first build drops the solutions' entries and changes no
    // version. Loading the workspace proves the adjusted members are right.
    let mut metadata = workspace::cargo_command();
    metadata
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(staging);
    let outcome = process::run(metadata, Duration::from_secs(300), process::NO_CAP)?;
    if !outcome.success() {
        bail!(
            "the student edition's manifest does not load:\n{}",
            process::tail(&outcome.stderr, 20)
        );
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// True for a path (relative to the course's root) that the edition leaves out.
fn left_out(path: &Path) -> bool {
    LEFT_OUT.iter().any(|left| path.starts_with(left))
}

/// The workspace manifest without the `solutions/*` members.
fn without_solutions(manifest: &str) -> Result<String> {
    let adjusted = manifest
        .replace("\"solutions/*\", ", "")
        .replace(", \"solutions/*\"", "");
    let parsed: toml::Table =
        toml::from_str(&adjusted).context("the adjusted manifest is not valid TOML")?;
    if toml::to_string(&parsed)?.contains("solutions") {
        bail!(
            "could not remove `solutions/*` from the workspace members: edit dist.rs for the new layout"
        );
    }
    Ok(adjusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_the_solutions_from_the_members() {
        let manifest = "[workspace]\nmembers = [\"core\", \"exercises/*\", \"solutions/*\", \"xtask\"]\n\
                        default-members = [\"core\", \"solutions/*\", \"xtask\"]\n";
        let adjusted = without_solutions(manifest).unwrap();
        assert_eq!(
            adjusted,
            "[workspace]\nmembers = [\"core\", \"exercises/*\", \"xtask\"]\ndefault-members = [\"core\", \"xtask\"]\n"
        );
    }

    #[test]
    fn refuses_a_folder_that_is_not_empty() {
        // A course of its own: the real one may be the student edition, which dist refuses.
        let root = std::env::temp_dir().join(format!("xtask-dist-{}", std::process::id()));
        std::fs::create_dir_all(root.join("solutions")).unwrap();
        std::fs::create_dir_all(root.join("out/something")).unwrap();
        let error = write_edition(&root, &root.join("out"))
            .unwrap_err()
            .to_string();
        std::fs::remove_dir_all(&root).unwrap();
        assert!(error.contains("not empty"), "{error}");
    }

    #[test]
    fn leaves_out_the_solutions_and_the_ci_but_not_the_exercises() {
        assert!(left_out(Path::new("solutions/ex3/src/lib.rs")));
        assert!(left_out(Path::new(".ci/run")));
        assert!(!left_out(Path::new("exercises/ex3/src/lib.rs")));
        assert!(!left_out(Path::new("solutions.md")));
    }
}
