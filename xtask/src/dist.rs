//! `cargo xtask dist --out DIR`: the student edition of the course, to hand out. It is this
//! repository without the reference solutions (and without build output or git history), with the
//! workspace manifest adjusted to match; the exercises, hints, tools and book are kept.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::{process, workspace};

/// What the student edition leaves out.
/// `.ci` runs `cargo xtask check`, which needs the solutions: it is the instructors' CI.
const LEFT_OUT: [&str; 5] = ["target", ".git", ".ci", "solutions", "docs/book"];

pub fn run(root: &Path, out: &Path) -> Result<()> {
    write_edition(root, out)?;
    println!("The student edition is in {}", out.display());
    println!("Students run `cargo test -p exN` there; `cargo xtask grade` grades their work.");
    Ok(())
}

/// Writes the edition to `out`, which must not exist or be an empty folder (nothing is overwritten).
pub fn write_edition(root: &Path, out: &Path) -> Result<()> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} is not empty: choose a new folder (nothing is overwritten)",
            out.display()
        );
    }
    if out.starts_with(root) && !out.starts_with(root.join("target")) {
        bail!(
            "write the edition outside the repository (or under target/), not into {}",
            out.display()
        );
    }
    // Build it beside the destination, then rename: an interrupted run leaves no half edition.
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let staging = parent.join(format!(
        ".{}.partial-{}",
        out.file_name()
            .context("--out needs a folder name")?
            .to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    copy_filtered(root, root, &staging)?;
    let manifest = staging.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    std::fs::write(&manifest, without_solutions(&text)?)?;
    // Cargo.lock is kept as is: the first build drops the solutions' entries and changes no
    // version. Loading the workspace proves the adjusted members are right.
    let mut metadata = workspace::cargo_command();
    metadata
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(&staging);
    let outcome = process::run(metadata, Duration::from_secs(300), process::NO_CAP)?;
    if !outcome.success() {
        bail!(
            "the student edition's manifest does not load:\n{}",
            process::tail(&outcome.stderr, 20)
        );
    }
    if out.exists() {
        std::fs::remove_dir(out)?;
    }
    std::fs::rename(&staging, out)
        .with_context(|| format!("cannot move the edition to {}", out.display()))?;
    Ok(())
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

fn copy_filtered(root: &Path, from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let relative = path.strip_prefix(root).unwrap_or(&path);
        if LEFT_OUT
            .iter()
            .any(|left_out| relative == Path::new(left_out))
        {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_filtered(root, &path, &to.join(entry.file_name()))?;
        } else if kind.is_file() {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
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
        let root = crate::workspace::root();
        let error = write_edition(&root, &root.join("core"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("not empty"), "{error}");
    }
}
