//! A student's submission, rebuilt on a pristine copy of the course: only the files a student owns
//! (`exercises/exN/src/**`) are taken from the submission; tests, manifests and `exercise.toml`
//! come from the course, so editing or deleting a test changes nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Folders of the course never copied into a staging workspace.
const SKIPPED: [&str; 6] = [
    "target",
    ".git",
    "solutions",
    "xtask",
    "docs",
    "submissions",
];

/// Copies the course at `course` into `staging`, without build output, solutions or tools, and
/// rewrites the workspace members to what remains.
pub fn pristine_copy(course: &Path, staging: &Path) -> Result<()> {
    if staging.exists() {
        std::fs::remove_dir_all(staging)
            .with_context(|| format!("cannot clear {}", staging.display()))?;
    }
    std::fs::create_dir_all(staging)?;
    for entry in
        std::fs::read_dir(course).with_context(|| format!("cannot list {}", course.display()))?
    {
        let entry = entry?;
        let name = entry.file_name();
        if SKIPPED.iter().any(|skipped| name == *skipped) {
            continue;
        }
        copy_tree(&entry.path(), &staging.join(&name))?;
    }
    restrict_members(&staging.join("Cargo.toml"))
}

/// Keeps only the workspace members (and default members) that exist in the staging copy.
fn restrict_members(manifest: &Path) -> Result<()> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let mut document: toml::Table = toml::from_str(&text)?;
    let root = manifest.parent().unwrap_or(Path::new("."));
    if let Some(toml::Value::Table(workspace)) = document.get_mut("workspace") {
        for key in ["members", "default-members"] {
            if let Some(toml::Value::Array(members)) = workspace.get_mut(key) {
                members.retain(|member| {
                    member.as_str().is_some_and(|path| {
                        let base = path.trim_end_matches("/*");
                        root.join(base).exists()
                    })
                });
            }
        }
    }
    std::fs::write(manifest, toml::to_string(&document)?)?;
    Ok(())
}

/// Where a student's copy of `exercise` lives: `<student>/exercises/exN` (a copy of the whole
/// repository) or `<student>/exN` (a copy of `exercises/`).
pub fn student_exercise(student: &Path, exercise: &str) -> Option<PathBuf> {
    [
        student.join("exercises").join(exercise),
        student.join(exercise),
    ]
    .into_iter()
    .find(|dir| dir.join("src").is_dir())
}

/// Replaces the staging copy's `src/` of the exercise by the student's.
pub fn take_student_sources(student_dir: &Path, staging_exercise: &Path) -> Result<()> {
    let target = staging_exercise.join("src");
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    copy_tree(&student_dir.join("src"), &target)
}

/// Files of the student's exercise outside `src/` that differ from the course's: they are
/// ignored, and the report says so.
pub fn ignored_edits(student_dir: &Path, pristine_dir: &Path) -> Result<Vec<String>> {
    let student_files = files_outside_src(student_dir)?;
    let pristine_files = files_outside_src(pristine_dir)?;
    let mut edits = Vec::new();
    for file in pristine_files.union(&student_files) {
        let ours = std::fs::read(pristine_dir.join(file)).ok();
        let theirs = std::fs::read(student_dir.join(file)).ok();
        let shown = file.display();
        match (ours, theirs) {
            (Some(_), None) => edits.push(format!(
                "{shown} was deleted (ignored: the course's copy was used)"
            )),
            (None, Some(_)) => edits.push(format!("{shown} was added (ignored)")),
            (Some(ours), Some(theirs)) if ours != theirs => {
                edits.push(format!(
                    "{shown} was edited (ignored: the course's copy was used)"
                ));
            }
            _ => {}
        }
    }
    Ok(edits)
}

fn files_outside_src(dir: &Path) -> Result<BTreeSet<PathBuf>> {
    let mut files = BTreeSet::new();
    collect_files(dir, dir, &mut files)?;
    Ok(files
        .into_iter()
        .filter(|file| !file.starts_with("src") && !file.starts_with("target"))
        .collect())
}

fn collect_files(root: &Path, dir: &Path, files: &mut BTreeSet<PathBuf>) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_files(root, &entry.path(), files)?;
        } else if kind.is_file() {
            files.insert(
                entry
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(&entry.path())
                    .to_path_buf(),
            );
        }
    }
    Ok(())
}

/// Copies a file or a folder. Symbolic links are skipped: a submission must not make the grader
/// read files outside it.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let kind = std::fs::symlink_metadata(from)?.file_type();
    if kind.is_symlink() {
        return Ok(());
    }
    if kind.is_file() {
        std::fs::copy(from, to).with_context(|| format!("cannot copy {}", from.display()))?;
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_name() == "target" {
            continue;
        }
        copy_tree(&entry.path(), &to.join(entry.file_name()))?;
    }
    Ok(())
}
