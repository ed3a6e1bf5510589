//! The tools the benchmarks compare with: found on `PATH` or not, and how to install each.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A program a benchmark runs, and the Debian package that provides it.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    pub program: &'static str,
    pub debian: &'static str,
}

/// A Python module a contender imports, and how to get it.
#[derive(Debug, Clone, Copy)]
pub struct Module {
    /// What `import` names (`PIL`).
    pub import: &'static str,
    /// What pip installs (`pillow`).
    pub pip: &'static str,
    /// The Debian package (`python3-pil`).
    pub debian: &'static str,
}

pub const PYTHON: Tool = Tool {
    program: "python3",
    debian: "python3",
};

impl Tool {
    /// Where the program is: a path as given, or the first match on `PATH`.
    pub fn find(&self) -> Option<PathBuf> {
        find_program(OsStr::new(self.program))
    }

    pub fn missing_line(&self) -> String {
        format!("{} missing: apt-get install {}", self.program, self.debian)
    }
}

impl Module {
    pub fn missing_line(&self) -> String {
        format!(
            "{} missing: pip install {} (Debian: apt-get install {}), then --python PATH",
            self.pip, self.pip, self.debian
        )
    }
}

fn find_program(program: &OsStr) -> Option<PathBuf> {
    let path = Path::new(program);
    if path.components().count() > 1 {
        return is_executable(path).then(|| path.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// The Pythons to try, in order: `--python` alone when given; else `python3` and the course's
/// benchmark venv (`$CARGO_TARGET_DIR/bench-venv`, which the examples' chapters suggest).
pub fn python_candidates(given: Option<&Path>, target_dir: &Path) -> Vec<PathBuf> {
    match given {
        Some(python) => vec![python.to_path_buf()],
        None => [
            find_program(OsStr::new("python3")),
            Some(target_dir.join("bench-venv/bin/python")).filter(|p| is_executable(p)),
        ]
        .into_iter()
        .flatten()
        .collect(),
    }
}

/// The first of `pythons` that imports every one of `modules`, or the modules none of them has
/// all of (those of the first Python, the one the user meant).
pub fn python_with(pythons: &[PathBuf], modules: &[Module]) -> Result<PathBuf, Vec<Module>> {
    let mut first_missing = None;
    for python in pythons {
        let missing: Vec<Module> = modules
            .iter()
            .copied()
            .filter(|module| !imports(python, module.import))
            .collect();
        if missing.is_empty() && runs(python) {
            return Ok(python.clone());
        }
        first_missing.get_or_insert(missing);
    }
    Err(first_missing.unwrap_or_else(|| modules.to_vec()))
}

fn runs(python: &Path) -> bool {
    quiet(Command::new(python).args(["-c", "pass"]))
}

fn imports(python: &Path, module: &str) -> bool {
    quiet(Command::new(python).args(["-c", &format!("import {module}")]))
}

fn quiet(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
