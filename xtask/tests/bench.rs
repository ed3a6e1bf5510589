//! `cargo xtask bench --list`: every benchmark is known, and each missing tool is named with how
//! to install it. Runs nothing and builds nothing (CI does not run benchmarks): the tools are
//! hidden or faked by giving the command a `PATH` of our own.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Every benchmark the course has, and what it compares with.
const BENCHMARKS: [(&str, &str); 9] = [
    ("ex1", "pigz"),
    ("ex2", "tokio"),
    ("ex3", "primesieve"),
    ("ex5", "curl"),
    ("ex6", "mawk"),
    ("image-blur", "Pillow"),
    ("big-csv", "pandas"),
    ("executors", "rayon"),
    ("process-pool", "CPython"),
];

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the course's root")
        .to_path_buf()
}

/// A folder of this test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// An executable script `name` in this folder.
    fn program(&self, name: &str, script: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `cargo xtask bench ARGS` with only `path` on `PATH`; its stdout, after checking it succeeded.
fn list(path: &Path, args: &[&str]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .arg("bench")
        .args(args)
        .current_dir(course_root())
        .env("PATH", path)
        // No benchmark venv of the real target folder may be found.
        .env("CARGO_TARGET_DIR", path.join("target"));
    let output = concurrent::testing::deadline(
        "cargo xtask bench --list (it should only look for tools: did it start a build?)",
        Duration::from_secs(60),
        move || command.output().unwrap(),
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The lines of `name`'s entry in the listing.
fn entry<'a>(listing: &'a str, name: &str) -> Vec<&'a str> {
    let mut lines = listing
        .lines()
        .skip_while(|line| !line.starts_with(&format!("{name} ")));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("{name} is not listed:\n{listing}"));
    std::iter::once(first)
        .chain(lines.take_while(|line| line.starts_with(' ')))
        .collect()
}

#[test]
fn every_benchmark_is_listed_with_its_contenders() {
    let scratch = Scratch::new("all");
    let listing = list(&scratch.0, &["--list"]);
    for (name, contender) in BENCHMARKS {
        let lines = entry(&listing, name).join("\n");
        assert!(
            lines.contains(contender),
            "{name} against {contender}?\n{lines}"
        );
        assert!(
            lines.contains("runs:"),
            "{name} says what it runs:\n{lines}"
        );
    }
    assert!(
        listing
            .lines()
            .any(|line| line.starts_with("ex4 ") && line.contains("no benchmark")),
        "an exercise without a benchmark says so:\n{listing}"
    );
}

#[test]
fn missing_tools_are_named_with_their_debian_package() {
    let scratch = Scratch::new("missing");
    let listing = list(&scratch.0, &["--list"]);
    for (name, missing) in [
        ("ex1", "pigz missing: apt-get install pigz"),
        ("ex1", "gzip missing: apt-get install gzip"),
        ("ex3", "primesieve missing: apt-get install primesieve-bin"),
        ("ex5", "curl missing: apt-get install curl"),
        ("ex6", "mawk missing: apt-get install mawk"),
        ("ex6", "python3 missing: apt-get install python3"),
        ("image-blur", "python3 missing: apt-get install python3"),
        ("process-pool", "python3 missing: apt-get install python3"),
    ] {
        let lines = entry(&listing, name).join("\n");
        assert!(
            lines.contains(missing),
            "{name}: `{missing}` expected in\n{lines}"
        );
    }
    assert_eq!(
        entry(&listing, "executors")[3].trim(),
        "ready",
        "nothing outside Rust is needed"
    );
}

#[test]
fn a_python_without_the_module_is_reported_with_pip_and_the_rest_goes_on() {
    let scratch = Scratch::new("python");
    // Imports everything but pandas.
    scratch.program(
        "python3",
        "case \"$2\" in \"import pandas\") exit 1 ;; esac; exit 0",
    );
    scratch.program("gzip", "exit 0");
    scratch.program("pigz", "exit 0");
    let listing = list(&scratch.0, &["--list"]);
    let csv = entry(&listing, "big-csv").join("\n");
    assert!(
        csv.contains(
            "missing: pandas missing: pip install pandas (Debian: apt-get install python3-pandas)"
        ),
        "{csv}"
    );
    let blur = entry(&listing, "image-blur").join("\n");
    assert!(
        blur.contains(&format!(
            "ready (Python: {})",
            scratch.0.join("python3").display()
        )),
        "{blur}"
    );
    let ex1 = entry(&listing, "ex1").join("\n");
    assert!(
        ex1.ends_with("ready"),
        "gzip and pigz are found on PATH:\n{ex1}"
    );

    // --python is the only Python tried when given.
    let other = scratch.program("other-python", "exit 1");
    let listing = list(
        &scratch.0,
        &["image-blur", "--list", "--python", other.to_str().unwrap()],
    );
    assert!(
        listing.contains("pillow missing: pip install pillow"),
        "{listing}"
    );
    assert!(
        !listing.contains("big-csv"),
        "one benchmark selected:\n{listing}"
    );
}

#[test]
fn an_unknown_benchmark_is_an_error_naming_the_known_ones() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["bench", "ex9", "--list"])
        .current_dir(course_root())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no benchmark named `ex9`: pick one of ex1, ex2, ex3"),
        "{stderr}"
    );
}
