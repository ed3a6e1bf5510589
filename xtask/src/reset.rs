//! `cargo xtask reset exN [--step N]`: puts the starter back, after saving the student's `src/`
//! in a backup folder it names (nothing is lost).
//!
//! The starter is the course's, never the student's last commit: the student edition carries a
//! pristine copy of every starter (`xtask/starters/`, written by `cargo xtask dist`); the
//! instructors' repository, which has no such copy, takes the committed starter from git (HEAD:
//! there, `cargo xtask check` proves each committed starter fails its tests). `--step N` puts back
//! only the items of `src/` documented as that step's (`/// Step N.`; see `step_items.rs`).

mod step_items;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::exercise::Exercise;
use crate::{dist, workspace};

/// Where the student edition keeps the pristine starters: `xtask/starters/exN/src/...`.
pub const STARTERS: &str = "xtask/starters";

/// Where `reset` saves the student's work: `backups/exN-<UTC time>/src/`.
const BACKUPS: &str = "backups";

#[derive(Debug, clap::Args)]
pub struct ResetArgs {
    /// The exercise, e.g. `ex3`.
    exercise: String,
    /// Put back only this step's functions and types (those documented `/// Step N.`).
    #[arg(long, value_name = "N")]
    step: Option<usize>,
}

pub fn run(root: &Path, args: ResetArgs) -> Result<()> {
    let name = args.exercise.as_str();
    workspace::require_exercise(root, name)?;
    let exercise = Exercise::load(root, name)?;
    if let Some(step) = args.step
        && (step == 0 || step > exercise.steps.len())
    {
        bail!(
            "{name} has steps 1 to {}; there is no step {step}",
            exercise.steps.len()
        );
    }
    let starter = starter_files(root, name)?;
    let src = root.join("exercises").join(name).join("src");
    let backup = backup_folder(root, name)?;
    copy_tree(&src, &backup.join("src"))
        .with_context(|| format!("cannot save your work in {}", backup.display()))?;
    let shown = backup
        .strip_prefix(root)
        .unwrap_or(&backup)
        .join("src")
        .display()
        .to_string();
    match args.step {
        None => {
            put_back(&src, &starter)?;
            println!("Your exercises/{name}/src is saved in {shown}/ (nothing is lost).");
            println!(
                "exercises/{name}/src is the starter again: `cargo test -p {name}` fails from \
                 step 1."
            );
        }
        Some(step) => {
            let reset = put_back_step(&src, &starter, step)?;
            println!("Your exercises/{name}/src is saved in {shown}/ (nothing is lost).");
            if reset.is_empty() {
                println!("Step {step} of {name} has no item of its own to put back.");
            } else {
                println!(
                    "Step {step} of {name} ({}) is the starter's again: {}.",
                    exercise.steps[step - 1].title,
                    reset.join(", ")
                );
            }
        }
    }
    Ok(())
}

/// The starter's files of exercise `name`, relative to its `src/`.
pub fn starter_files(root: &Path, name: &str) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let copy = root.join(STARTERS).join(name).join("src");
    if copy.is_dir() {
        let mut files = Vec::new();
        read_tree(&copy, &copy, &mut files)?;
        return Ok(files);
    }
    if workspace::is_student_edition(root) {
        bail!(
            "the pristine copy of {name}'s starter ({}/{name}/src) is missing, so it cannot be \
             put back: get it again from the course's edition",
            STARTERS
        );
    }
    let folder = format!("exercises/{name}/src");
    let files = dist::git::committed_files(root, &folder).with_context(|| {
        format!("cannot read {name}'s starter from git (the committed {folder})")
    })?;
    if files.is_empty() {
        bail!("git has no committed {folder}: no starter to put back");
    }
    Ok(files)
}

fn read_tree(root: &Path, dir: &Path, files: &mut Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            read_tree(root, &path, files)?;
        } else {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            files.push((path.strip_prefix(root)?.to_path_buf(), bytes));
        }
    }
    Ok(())
}

/// A new folder `backups/exN-YYYYMMDD-HHMMSS` (UTC), with a suffix if that one exists.
fn backup_folder(root: &Path, name: &str) -> Result<PathBuf> {
    let stamp = utc_stamp(std::time::SystemTime::now());
    let backups = root.join(BACKUPS);
    for attempt in 1.. {
        let folder = match attempt {
            1 => backups.join(format!("{name}-{stamp}")),
            n => backups.join(format!("{name}-{stamp}-{n}")),
        };
        if !folder.exists() {
            return Ok(folder);
        }
    }
    unreachable!("some attempt finds a free name")
}

/// `YYYYMMDD-HHMMSS` in UTC (days to a civil date: Howard Hinnant's algorithm).
fn utc_stamp(time: std::time::SystemTime) -> String {
    let secs = time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot list {}", from.display()))?
    {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Replaces `src` by the starter: written beside it first, then swapped in by renames.
fn put_back(src: &Path, starter: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let parent = src.parent().context("src has a folder")?;
    let fresh = parent.join(format!(".src-reset-{}", std::process::id()));
    let old = parent.join(format!(".src-old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    for (path, bytes) in starter {
        let path = fresh.join(path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    std::fs::rename(src, &old).with_context(|| format!("cannot move {} away", src.display()))?;
    std::fs::rename(&fresh, src).with_context(|| format!("cannot put {} back", src.display()))?;
    // The work is in the backup already.
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Puts back the starter's items of `step` in each file of `src`; returns their names.
fn put_back_step(src: &Path, starter: &[(PathBuf, Vec<u8>)], step: usize) -> Result<Vec<String>> {
    let mut reset = Vec::new();
    for (path, bytes) in starter {
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let starter_text = String::from_utf8_lossy(bytes);
        let file = src.join(path);
        let Ok(student_text) = std::fs::read_to_string(&file) else {
            // A file of the starter the student removed: it comes back whole.
            if step_items::items_of_step(&starter_text, step)?.is_empty() {
                continue;
            }
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&file, bytes)?;
            reset.push(format!("{} (the whole file)", path.display()));
            continue;
        };
        let (text, names) = step_items::put_back(&starter_text, &student_text, step)
            .with_context(|| format!("cannot reset step {step} in {}", file.display()))?;
        if text != student_text {
            let temporary = file.with_extension(format!("rs.tmp-{}", std::process::id()));
            std::fs::write(&temporary, &text)?;
            std::fs::rename(&temporary, &file)?;
        }
        reset.extend(names);
    }
    Ok(reset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_calendar_times() {
        let at = |secs| utc_stamp(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        assert_eq!(at(0), "19700101-000000");
        assert_eq!(at(951_782_400 + 3661), "20000229-010101");
        assert_eq!(at(1_798_761_599), "20261231-235959");
    }
}
