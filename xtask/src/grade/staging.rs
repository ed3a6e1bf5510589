//! A student's submission, rebuilt on a pristine copy of the course: only the files a student owns
//! (`exercises/exN/src/**`) are taken from the submission; tests, manifests and `exercise.toml`
//! come from the course, so editing or deleting a test changes nothing. Only regular files and
//! folders are ever read or copied, and never more than a cap.

use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
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
        copy_tree(
            &entry.path(),
            &staging.join(&name),
            Path::new(&name),
            Dates::Kept,
            &mut Vec::new(),
        )?;
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

/// Where a student's copy of an exercise is, if anywhere.
#[derive(Debug)]
pub enum Located {
    Found(PathBuf),
    Missing,
    /// A folder on the way is a symbolic link: graded as nobody's work.
    Link(String),
}

/// Where a student's copy of `exercise` lives: `<student>/exercises/exN` (a copy of the whole
/// repository) or `<student>/exN` (a copy of `exercises/`). Links are never followed: a link to a
/// classmate's folder would grade the classmate's work under this student's name.
pub fn student_exercise(student: &Path, exercise: &str) -> Located {
    for relative in [
        Path::new("exercises").join(exercise),
        PathBuf::from(exercise),
    ] {
        let mut path = student.to_path_buf();
        let mut shown = PathBuf::new();
        let mut found = true;
        for part in relative.join("src").components() {
            path.push(part);
            shown.push(part);
            match std::fs::symlink_metadata(&path) {
                Ok(metadata) if metadata.file_type().is_symlink() => {
                    return Located::Link(format!(
                        "{} is a symbolic link: not graded (a submission must hold its own files)",
                        shown.display()
                    ));
                }
                Ok(metadata) if metadata.is_dir() => {}
                _ => {
                    found = false;
                    break;
                }
            }
        }
        if found {
            return Located::Found(student.join(relative));
        }
    }
    Located::Missing
}

/// Replaces the staging copy's `src/` of the exercise by the student's. Returns what was not
/// copied, and why (links, FIFOs, devices, huge files).
pub fn take_student_sources(student_dir: &Path, staging_exercise: &Path) -> Result<Vec<String>> {
    let target = staging_exercise.join("src");
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    let mut skipped = Vec::new();
    copy_tree(
        &student_dir.join("src"),
        &target,
        Path::new("src"),
        Dates::Now,
        &mut skipped,
    )?;
    Ok(skipped)
}

/// Files of the student's exercise outside `src/` that differ from the course's: they are
/// ignored, and the report says so.
pub fn ignored_edits(student_dir: &Path, pristine_dir: &Path) -> Result<Vec<String>> {
    let student_files = files_outside_src(student_dir)?;
    let pristine_files = files_outside_src(pristine_dir)?;
    let mut edits = Vec::new();
    for file in pristine_files.union(&student_files) {
        let shown = file.display();
        let ours = read_capped(&pristine_dir.join(file)).ok();
        let theirs = match read_capped(&student_dir.join(file)) {
            Ok(bytes) => Some(bytes),
            Err(Unreadable::Absent) => None,
            Err(Unreadable::NotAFile(kind)) => {
                edits.push(format!(
                    "{shown} is {kind} (ignored: the course's copy was used)"
                ));
                continue;
            }
        };
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
        // `cargo xtask hint` remembers the hints shown there: the student's, not an edit.
        .filter(|file| file != Path::new(crate::hint::MEMORY_FILE))
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

/// Files larger than this are not read nor copied: source files are small.
const FILE_CAP: u64 = 8 << 20;

enum Unreadable {
    Absent,
    /// What it is instead: "a symbolic link", "a FIFO"...
    NotAFile(&'static str),
}

/// A regular file's bytes, never following a link nor opening a FIFO or a device; a file over
/// [`FILE_CAP`] reads as its first bytes (enough to see it differs).
fn read_capped(path: &Path) -> Result<Vec<u8>, Unreadable> {
    let metadata = std::fs::symlink_metadata(path).map_err(|_| Unreadable::Absent)?;
    if !metadata.is_file() {
        return Err(Unreadable::NotAFile(kind_of(&metadata.file_type())));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(FILE_CAP).read_to_end(&mut bytes))
        .map_err(|_| Unreadable::Absent)?;
    Ok(bytes)
}

fn kind_of(kind: &std::fs::FileType) -> &'static str {
    if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// The dates the copies get: the course's own (so cargo sees its files unchanged from one student
/// to the next and does not rebuild them), or now (so cargo always rebuilds a student's).
#[derive(Clone, Copy)]
enum Dates {
    Kept,
    Now,
}

/// Copies a regular file or a folder, with permissions anyone may read (the sandbox's user reads
/// them). Everything else (links, FIFOs, devices, sockets, files over [`FILE_CAP`]) is skipped and
/// added to `skipped`, named by `shown`.
fn copy_tree(
    from: &Path,
    to: &Path,
    shown: &Path,
    dates: Dates,
    skipped: &mut Vec<String>,
) -> Result<()> {
    let metadata = std::fs::symlink_metadata(from)?;
    let kind = metadata.file_type();
    if kind.is_file() {
        if metadata.len() > FILE_CAP {
            skipped.push(format!(
                "{} is over {} MiB: not copied",
                shown.display(),
                FILE_CAP >> 20
            ));
            return Ok(());
        }
        let mut source =
            std::fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
        let mut copy =
            std::fs::File::create(to).with_context(|| format!("cannot write {}", to.display()))?;
        std::io::copy(&mut (&mut source).take(FILE_CAP), &mut copy)?;
        copy.set_permissions(std::fs::Permissions::from_mode(0o644))?;
        if let Dates::Kept = dates {
            copy.set_modified(metadata.modified()?)?;
        }
        return Ok(());
    }
    if !kind.is_dir() {
        skipped.push(format!(
            "{} is {}: not copied",
            shown.display(),
            kind_of(&kind)
        ));
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755))?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_name() == "target" {
            continue;
        }
        copy_tree(
            &entry.path(),
            &to.join(entry.file_name()),
            &shown.join(entry.file_name()),
            dates,
            skipped,
        )?;
    }
    Ok(())
}
