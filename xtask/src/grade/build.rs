//! Compiling an exercise's test target and finding the test binary, or the first compiler error.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};

use super::sandbox::{Bind, Sandbox, View};
use crate::cargo_json::Message;
use crate::{process, workspace};

/// The outcome of building one exercise's tests.
#[derive(Debug)]
pub enum Build {
    /// The test binary, as a path of this machine.
    Binary(PathBuf),
    /// The first compiler error, with paths relative to the graded workspace.
    CompileError(String),
    /// The build was stopped at its time limit.
    TimedOut(Duration),
}

/// The compiler the builds use: found outside the sandbox, shown inside at the same path.
#[derive(Debug, Clone)]
pub struct Toolchain {
    cargo: PathBuf,
    /// The toolchain's folder (`rustc --print sysroot`), bound read-only in the sandbox.
    sysroot: Option<PathBuf>,
    /// Downloaded dependencies (`$CARGO_HOME/registry` and `git`), bound read-only.
    cargo_home: Option<PathBuf>,
}

impl Toolchain {
    /// The toolchain `course` builds with (a `rust-toolchain.toml` there is honoured).
    pub fn find(course: &Path) -> Toolchain {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let sysroot = std::process::Command::new(rustc)
            .args(["--print", "sysroot"])
            .current_dir(course)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
        // The toolchain's own cargo, not a rustup proxy: the sandbox has no rustup.
        let cargo = sysroot
            .as_ref()
            .map(|root| root.join("bin").join("cargo"))
            .filter(|cargo| cargo.is_file())
            .unwrap_or_else(|| workspace::cargo_command().get_program().into());
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
        Toolchain {
            cargo,
            sysroot,
            cargo_home,
        }
    }

    /// Downloads the course's dependencies (outside the sandbox, which has no network). Only the
    /// course's own manifests and lock file are read: no student code is involved.
    pub fn fetch(&self, course: &Path) -> Result<()> {
        let mut command = workspace::cargo_command();
        command.arg("fetch").current_dir(course);
        let outcome = process::run(command, Duration::from_secs(600), process::NO_CAP)?;
        if !outcome.success() {
            bail!(
                "cargo fetch failed in the course:\n{}",
                process::tail(&outcome.stderr, 20)
            );
        }
        Ok(())
    }
}

/// One build: where the workspace and the target folder are, and for how long it may run.
pub struct BuildJob<'a> {
    pub sandbox: &'a Sandbox,
    pub toolchain: &'a Toolchain,
    pub workspace: &'a Path,
    pub target_dir: &'a Path,
    /// A private, writable `CARGO_HOME` for the sandboxed cargo (locks, caches).
    pub cargo_home: &'a Path,
    pub limit: Duration,
}

/// Builds the integration test `test_target` of `package` (into `job.target_dir`).
pub fn build_tests(job: &BuildJob, package: &str, test_target: &str) -> Result<Build> {
    let sandbox = job.sandbox;
    let workspace = sandbox.inside(job.workspace, "/course");
    let target = sandbox.inside(job.target_dir, "/target");
    let mut view = View {
        cwd: workspace.clone(),
        ..View::default()
    };
    view.env
        .push(("CARGO_TARGET_DIR".into(), target.clone().into()));
    view.env.push(("CARGO_TERM_COLOR".into(), "never".into()));
    if sandbox.sealed() {
        let toolchain = job.toolchain;
        let bind = |host: &Path, inside: &Path, writable| Bind {
            host: host.to_path_buf(),
            inside: inside.to_path_buf(),
            writable,
        };
        view.binds.push(bind(job.workspace, &workspace, true));
        view.binds.push(bind(job.target_dir, &target, true));
        view.binds
            .push(bind(job.cargo_home, Path::new("/cargo-home"), true));
        if let Some(home) = &toolchain.cargo_home {
            for dir in ["registry", "git"] {
                if home.join(dir).is_dir() {
                    let inside = Path::new("/cargo-home").join(dir);
                    view.binds.push(bind(&home.join(dir), &inside, false));
                }
            }
        }
        let mut path = OsString::new();
        if let Some(sysroot) = &toolchain.sysroot {
            view.binds.push(bind(sysroot, sysroot, false));
            path.push(sysroot.join("bin"));
            path.push(":");
        }
        path.push("/usr/bin:/bin");
        view.env.push(("PATH".into(), path));
        view.env.push(("CARGO_HOME".into(), "/cargo-home".into()));
        view.env.push(("CARGO_NET_OFFLINE".into(), "true".into()));
    }
    let args: Vec<OsString> = [
        "test",
        "--no-run",
        "--message-format=json",
        "-p",
        package,
        "--test",
        test_target,
    ]
    .into_iter()
    .map(OsString::from)
    .collect();
    let command = sandbox.command(&view, &job.toolchain.cargo, &args);
    let outcome = process::run_in_group(command, job.limit, process::NO_CAP)?;
    if outcome.timed_out() {
        return Ok(Build::TimedOut(job.limit));
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
        && let Ok(relative) = executable.strip_prefix(&target)
    {
        return Ok(Build::Binary(job.target_dir.join(relative)));
    }
    if first_error.is_none() && outcome.stderr.starts_with("bwrap:") {
        bail!("the sandbox did not start: {}", outcome.stderr.trim());
    }
    let error = first_error.unwrap_or_else(|| process::tail(&outcome.stderr, 20));
    Ok(Build::CompileError(relative_paths(&error, &workspace)))
}

/// Forgets what was built for `packages` in `target_dir`, so their next build starts from their
/// sources whatever the dates of the files left there (a test may have dated them in the future).
pub fn forget_packages(target_dir: &Path, packages: &[&str]) {
    let Ok(profiles) = std::fs::read_dir(target_dir) else {
        return;
    };
    for profile in profiles.filter_map(|entry| entry.ok()) {
        let fingerprints = profile.path().join(".fingerprint");
        let Ok(entries) = std::fs::read_dir(&fingerprints) else {
            continue;
        };
        for entry in entries.filter_map(|entry| entry.ok()) {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if packages.iter().any(|package| {
                name.strip_prefix(package)
                    .is_some_and(|rest| rest.starts_with('-'))
            }) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Removes the graded workspace's prefix from paths, so errors read `exercises/ex3/src/lib.rs:4:5`.
/// Only where a path starts: `/x/course/...` is another folder than the workspace `/course`.
fn relative_paths(text: &str, workspace: &Path) -> String {
    let prefix = format!("{}/", workspace.display());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&prefix) {
        out.push_str(&rest[..at]);
        let starts_a_path = out
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '/' | '.' | '_' | '-')));
        if !starts_a_path {
            out.push_str(&prefix);
        }
        rest = &rest[at + prefix.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_the_workspace_are_made_relative() {
        let text = "--> /course/exercises/ex1/src/lib.rs:1:1\ncouldn't read `/tmp/x/course/s.rs`";
        assert_eq!(
            relative_paths(text, Path::new("/course")),
            "--> exercises/ex1/src/lib.rs:1:1\ncouldn't read `/tmp/x/course/s.rs`"
        );
    }
}
