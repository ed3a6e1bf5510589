//! The student edition (`cargo xtask dist`) and the tools run in it, against a throwaway git
//! repository made from this course's working tree (so the code under test is the code being
//! edited, committed or not).
//!
//! One setup serves every test: the course repository, with an exercise solved locally and not
//! committed, and the edition written from it. The tools are run as a person runs them,
//! `cargo xtask ...`, in both checkouts with one shared `CARGO_TARGET_DIR`, which is kept between
//! runs under the outer target folder so only the course's own crates are rebuilt.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

/// One cargo command: seconds on the kept target folder; its first, cold build took about 4 minutes
/// for the whole file on 2 busy cores.
const CARGO_LIMIT: Duration = Duration::from_secs(600);
/// Anything that builds nothing.
const TOOL_LIMIT: Duration = Duration::from_secs(120);
/// Marks the instructor's local solution of ex3: it must never reach the edition.
const LOCAL_SOLUTION: &str = "// SOLVED LOCALLY: the instructor's own answer";

/// This course's working tree.
fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the course's root")
        .to_path_buf()
}

/// Where the tests' files go: one folder per run of the test binary, and the shared target folder.
fn scratch() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("xtask-edition-tests")
}

struct Setup {
    /// The instructors' course: a git repository, HEAD = the working tree, ex3 solved on top.
    course: PathBuf,
    /// `cargo xtask dist`'s output for it.
    edition: PathBuf,
    /// What `dist` printed.
    dist_stdout: String,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        remove_old_runs();
        let run = scratch().join(format!("run-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&run);
        let course = run.join("course");
        copy_tree(&course_root(), &course);
        commit_all(&course);
        // The instructor solves ex3 locally and keeps notes beside it, committing neither.
        let lib = course.join("exercises/ex3/src/lib.rs");
        let mut starter = std::fs::read_to_string(&lib).unwrap();
        starter.push_str(&format!("\n{LOCAL_SOLUTION}\n"));
        std::fs::write(&lib, starter).unwrap();
        std::fs::write(course.join("exercises/ex3/src/notes.rs"), "// my notes\n").unwrap();

        let edition = run.join("edition");
        let output = cargo_xtask(&course, &["dist", "--out", edition.to_str().unwrap()]);
        assert_success(
            &output,
            "`cargo xtask dist` of the course with a solved ex3",
        );
        Setup {
            course,
            edition,
            dist_stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        }
    })
}

/// Runs of earlier test processes are removed once they are an hour old.
fn remove_old_runs() {
    let Ok(entries) = std::fs::read_dir(scratch()) else {
        return;
    };
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .is_ok_and(|modified| modified < hour_ago);
        if old && entry.file_name().to_string_lossy().starts_with("run-") {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Copies the course's working tree, without build output, the built book or git metadata.
fn copy_tree(from: &Path, to: &Path) {
    copy_below(from, from, to);
}

fn copy_below(root: &Path, from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let relative = path.strip_prefix(root).unwrap();
        if [".git", "target", "docs/book"]
            .iter()
            .any(|skip| relative == Path::new(skip))
        {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_below(root, &path, &to.join(entry.file_name()));
        } else if kind.is_file() {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new("git");
    command
        .args([
            "-c",
            "user.name=xtask test",
            "-c",
            "user.email=xtask@test.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .arg("-C")
        .arg(dir)
        .args(args);
    let output = run_until(&mut command, "git", TOOL_LIMIT);
    assert_success(&output, &format!("git {}", args.join(" ")));
    output
}

fn commit_all(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "the course"]);
}

/// The xtask binary under test, run by hand in `dir` (the root is found from the current folder).
fn xtask_binary(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.current_dir(dir).env_remove("CARGO_MANIFEST_DIR");
    command
}

/// `cargo xtask ARGS` in `dir`, as a person types it, building into the shared target folder.
fn cargo_xtask(dir: &Path, args: &[&str]) -> Output {
    cargo_in(dir, "xtask", args)
}

/// `cargo test ARGS` in `dir`, building into the shared target folder.
fn cargo_test(dir: &Path, args: &[&str]) -> Output {
    cargo_in(dir, "test", args)
}

/// `cargo SUBCOMMAND ARGS` in `dir`, building into the shared target folder.
fn cargo_in(dir: &Path, subcommand: &str, args: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg(subcommand)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target())
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("RUSTFLAGS");
    run_until(
        &mut command,
        &format!(
            "`cargo {subcommand} {}` in {}",
            args.join(" "),
            dir.display()
        ),
        CARGO_LIMIT,
    )
}

/// The target folder `cargo xtask check` builds its student edition in (`target/edition`), so
/// CI compiles the dependencies for editions once, not twice. Reuse is safe: every copy is freshly
/// written, so its files are newer than anything built before and cargo rebuilds them.
fn shared_target() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is `<target>/tmp`");
    target.join("edition")
}

/// Runs `command` to completion, killing it and failing the test after `limit`.
fn run_until(command: &mut Command, what: &str, limit: Duration) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("could not start {what}: {error}"));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}: it probably hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// Item 13: the edition is the committed tree, never the instructor's working tree.
#[test]
fn dist_hands_out_the_committed_starter_not_a_local_solution() {
    let setup = setup();
    let handed_out =
        std::fs::read_to_string(setup.edition.join("exercises/ex3/src/lib.rs")).unwrap();
    let committed = text(&git(&setup.course, &["show", "HEAD:exercises/ex3/src/lib.rs"]).stdout);
    assert!(
        !handed_out.contains(LOCAL_SOLUTION),
        "the edition holds the instructor's uncommitted solution of ex3"
    );
    assert_eq!(
        handed_out, committed,
        "the edition's ex3 starter (left) must be the committed one (right)"
    );
    assert!(
        !setup.edition.join("exercises/ex3/src/notes.rs").exists(),
        "an untracked file of the working tree reached the edition"
    );
    for path in ["exercises/ex3/src/lib.rs", "exercises/ex3/src/notes.rs"] {
        assert!(
            setup.dist_stdout.contains(path),
            "dist must list the uncommitted change {path} it left out:\n{}",
            setup.dist_stdout
        );
    }
    for left_out in [
        "solutions",
        ".ci",
        "target",
        "xtask/student-edition",
        "xtask/tests",
    ] {
        assert!(
            !setup.edition.join(left_out).exists(),
            "the edition must not contain {left_out}"
        );
    }
    assert!(
        setup.edition.join("exercises/ex1/tests").is_dir()
            && setup.edition.join("docs/src").is_dir(),
        "the edition must keep the exercises' tests and the book"
    );
}

#[test]
fn dist_outside_a_git_repository_is_a_clear_error() {
    let dir = scratch().join(format!("zip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let course = dir.join("course");
    copy_tree(&course_root(), &course);
    let out = dir.join("edition");
    // The scratch folder may sit inside a checkout (`target/` of this course): stop git's search
    // for a repository at it, as for a course downloaded as a zip.
    let output = run_until(
        xtask_binary(&course)
            .env("GIT_CEILING_DIRECTORIES", &dir)
            .arg("dist")
            .arg("--out")
            .arg(&out),
        "`xtask dist` outside git",
        TOOL_LIMIT,
    );
    let stderr = text(&output.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !output.status.success(),
        "dist must refuse without git history"
    );
    assert!(
        stderr.contains("is not a git repository") && stderr.contains("git init"),
        "the error must say why and what to do:\n{stderr}"
    );
    assert!(!out.exists(), "a refused dist must not leave a folder");
}

// Item 14: with one CARGO_TARGET_DIR for two checkouts, the binary `cargo xtask` runs may have been
// built from the other checkout; each must still act on its own.
#[test]
fn two_checkouts_sharing_a_target_dir_act_on_their_own() {
    let setup = setup();
    let checkouts = [("course", &setup.course), ("edition", &setup.edition)];
    for round in 1..=2 {
        for (name, dir) in checkouts {
            let output = cargo_xtask(dir, &["hint", "ex3"]);
            assert_success(&output, &format!("`cargo xtask hint ex3` in the {name}"));
            let stdout = text(&output.stdout);
            let memory = dir.join("target/xtask/hints/ex3");
            let remembered = std::fs::read_to_string(&memory).unwrap_or_default();
            assert!(
                stdout.contains(&format!("hint {round} of"))
                    && remembered.trim() == round.to_string(),
                "run {round} of `cargo xtask hint ex3` in the {name} must show and remember hint \
                 {round} in its own checkout (remembered: {remembered:?}); did it act on the other \
                 checkout?\n{stdout}"
            );
        }
    }
    let course_map = text(&cargo_xtask(&setup.course, &["map"]).stdout);
    let edition_map = text(&cargo_xtask(&setup.edition, &["map"]).stdout);
    assert!(
        course_map.contains("solutions/"),
        "`cargo xtask map` in the course lists its solutions/:\n{course_map}"
    );
    assert!(
        !edition_map.contains("solutions/") && edition_map.contains("exercises/"),
        "`cargo xtask map` in the edition lists what is there, no solutions/:\n{edition_map}"
    );
}

// Item 15: the edition describes itself, and its tools work or say what they are for. Every
// problem is collected, so one run shows them all.
#[test]
fn the_student_edition_describes_itself_and_its_tools_work() {
    let setup = setup();
    let mut problems = Vec::new();
    let mut expect = |ok: bool, problem: String| {
        if !ok {
            problems.push(problem);
        }
    };
    let readme = std::fs::read_to_string(setup.edition.join("README.md")).unwrap();
    expect(
        readme.contains("This is the student edition"),
        "the edition's README must say it is the student edition".into(),
    );
    for instructors_only in ["solutions/", "--solutions", ".ci", "-solution"] {
        expect(
            !readme.contains(instructors_only),
            format!("the edition's README mentions `{instructors_only}`, which it does not have"),
        );
    }

    // A student's `cargo test` runs the tools' unit tests: they must pass in the edition too.
    let tools = cargo_test(&setup.edition, &["-p", "xtask"]);
    expect(
        tools.status.success(),
        format!(
            "`cargo test -p xtask` fails in the edition:\n{}{}",
            text(&tools.stdout),
            text(&tools.stderr)
        ),
    );

    let map = cargo_xtask(&setup.edition, &["map"]);
    let map_text = text(&map.stdout);
    expect(
        map.status.success() && map_text.contains("exercises/"),
        format!(
            "`cargo xtask map` in the edition fails:\n{}",
            text(&map.stderr)
        ),
    );
    expect(
        !map_text.contains("solutions/") && !map_text.contains(".ci/"),
        format!("`cargo xtask map` lists folders the edition does not have:\n{map_text}"),
    );

    let check = cargo_xtask(&setup.edition, &["check"]);
    let said = text(&check.stderr) + &text(&check.stdout);
    expect(
        !check.status.success() && said.contains("student edition") && !said.contains("FAIL"),
        format!(
            "`cargo xtask check` in the edition must say it is for the instructors' edition, not \
             run checks that cannot pass there:\n{}",
            said.lines().take(30).collect::<Vec<_>>().join("\n")
        ),
    );

    let solutions = cargo_xtask(&setup.edition, &["grade", "--solutions"]);
    expect(
        !solutions.status.success() && text(&solutions.stderr).contains("no solutions/"),
        format!(
            "`grade --solutions` in the edition must say there are none:\n{}",
            text(&solutions.stderr)
        ),
    );

    let dist = cargo_xtask(&setup.edition, &["dist", "--out", "../again"]);
    expect(
        !dist.status.success() && text(&dist.stderr).contains("already the student edition"),
        format!("`dist` in the edition must refuse:\n{}", text(&dist.stderr)),
    );

    let target = shared_target();
    let target = target.to_str().unwrap();
    let grade = cargo_xtask(
        &setup.edition,
        &[
            "grade",
            "--exercise",
            "ex3",
            "--format",
            "json",
            "--target-dir",
            target,
        ],
    );
    match serde_json::from_slice::<Value>(&grade.stdout) {
        Ok(reports) if grade.status.success() => {
            let exercise = &reports[0]["exercises"][0];
            let tests = exercise["tests"].as_array().map_or(0, Vec::len);
            expect(
                exercise["points"] == 0.0
                    && exercise["max_points"].as_f64() > Some(0.0)
                    && tests > 0,
                format!("a fresh edition scores 0 with every test listed: {exercise:#}"),
            );
        }
        _ => expect(
            false,
            format!(
                "`cargo xtask grade` in the edition fails:\n{}",
                text(&grade.stderr)
            ),
        ),
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
