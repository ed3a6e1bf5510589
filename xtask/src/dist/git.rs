//! The committed tree of the course, read with git: what `dist` hands out, and what it leaves out.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, Result, bail};

/// The commit checked out in the course (HEAD), and where the course sits in its repository.
#[derive(Debug)]
pub struct Head {
    /// The full commit id.
    pub commit: String,
    /// The course's folder inside the repository (`""` when it is the repository), ending in `/`.
    prefix: String,
}

impl Head {
    /// HEAD of the repository holding `root`, or a clear error when there is none to build from.
    pub fn of(root: &Path) -> Result<Head> {
        let prefix = git(root, &["rev-parse", "--show-prefix"]).map_err(|error| {
            error.context(format!(
                "{} is not a git repository (a downloaded zip?). `dist` builds the student \
                 edition from the committed tree, so that local work in exercises/ (a solved exercise) \
                 is never handed out. Check that exercises/ holds the starters (`cargo xtask \
                 check` says whether each starter still fails its tests), then make it a \
                 repository: `git init && git add -A && git commit -m course`",
                root.display()
            ))
        })?;
        let commit = git(root, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
            .context("the repository has no commit yet: commit the course, then run dist")?;
        let head = Head {
            commit: commit.trim().to_owned(),
            prefix: prefix.trim().to_owned(),
        };
        // The course may sit, uncommitted, inside some other repository (unzipped in a home
        // folder that is one).
        let manifest = format!("{}:{}Cargo.toml", head.commit, head.prefix);
        git(root, &["cat-file", "-e", &manifest]).with_context(|| {
            format!(
                "the course is not committed in the git repository that holds {}: commit it \
                 (or `git init` a repository of its own), then run dist",
                root.display()
            )
        })?;
        Ok(head)
    }

    /// The first characters of the commit id, as git shows it.
    pub fn short(&self) -> &str {
        &self.commit[..self.commit.len().min(10)]
    }

    /// Writes the course's files as committed in HEAD into the folder `to`, which must not exist.
    /// A temporary index keeps the repository's own index and working tree untouched.
    pub fn export(&self, root: &Path, to: &Path) -> Result<()> {
        let index = PathBuf::from(format!("{}.index", to.display()));
        let tree = format!("{}:{}", self.commit, self.prefix);
        let outcome = run(root, &["read-tree", &tree], Some(&index)).and_then(|_| {
            let prefix = format!("--prefix={}/", to.display());
            run(root, &["checkout-index", "--all", &prefix], Some(&index))
        });
        let _ = std::fs::remove_file(&index);
        outcome.with_context(|| format!("cannot export commit {} of the course", self.short()))?;
        Ok(())
    }
}

/// The files of `root` that differ from HEAD (changed, added, deleted or untracked), relative to
/// `root`: what the edition does not contain although the working tree does.
pub fn uncommitted(root: &Path, head: &Head) -> Result<Vec<String>> {
    let status = git(
        root,
        &[
            "status",
            "--porcelain",
            "-z",
            "--untracked-files=all",
            "--",
            ".",
        ],
    )?;
    Ok(parse_status(&status)
        .into_iter()
        .map(|path| path.strip_prefix(&head.prefix).unwrap_or(path).to_owned())
        .collect())
}

/// The paths of `git status --porcelain -z`: entries `XY path`, NUL-terminated; a rename or copy
/// is followed by an entry holding its old path, which is skipped.
fn parse_status(status: &str) -> Vec<&str> {
    let mut paths = Vec::new();
    let mut entries = status.split('\0').filter(|entry| !entry.is_empty());
    while let Some(entry) = entries.next() {
        let Some((code, path)) = entry.split_at_checked(3) else {
            continue;
        };
        paths.push(path);
        if code.starts_with('R') || code.starts_with('C') {
            entries.next();
        }
    }
    paths
}

/// The files committed in HEAD under `folder` (relative to `root`), with their contents, their
/// paths relative to `folder`: the course's starters, for `cargo xtask reset`.
pub fn committed_files(root: &Path, folder: &str) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let listing = git(
        root,
        &["ls-tree", "-r", "-z", "--name-only", "HEAD", "--", folder],
    )?;
    let mut files = Vec::new();
    for path in listing.split('\0').filter(|path| !path.is_empty()) {
        // `./` makes the path relative to `root`, wherever the repository's top is.
        let contents = run(root, &["show", &format!("HEAD:./{path}")], None)?.stdout;
        let relative = Path::new(path)
            .strip_prefix(folder)
            .unwrap_or(Path::new(path));
        files.push((relative.to_path_buf(), contents));
    }
    Ok(files)
}

/// Runs `git ARGS` in `root` and returns its stdout.
fn git(root: &Path, args: &[&str]) -> Result<String> {
    let output = run(root, args, None)?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn run(root: &Path, args: &[&str], index: Option<&Path>) -> Result<Output> {
    let mut command = Command::new("git");
    command.arg("-C").arg(root).args(args);
    if let Some(index) = index {
        command.env("GIT_INDEX_FILE", index);
    }
    let output = command.output().map_err(|error| match error.kind() {
        ErrorKind::NotFound => {
            anyhow::anyhow!("git is not installed: `dist` needs it to read the committed tree")
        }
        _ => anyhow::Error::new(error).context("could not run git"),
    })?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_paths_of_git_status_and_skips_the_old_name_of_a_rename() {
        let status = " M exercises/ex3/src/lib.rs\0?? notes.txt\0R  new.rs\0old.rs\0 D gone.rs\0";
        assert_eq!(
            parse_status(status),
            ["exercises/ex3/src/lib.rs", "notes.txt", "new.rs", "gone.rs"]
        );
        assert!(parse_status("").is_empty());
    }
}
