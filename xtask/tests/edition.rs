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
        // Someone's hint counter and reset backups, committed by mistake: not for the students.
        std::fs::write(
            course.join("exercises/ex1/.hints-shown.toml"),
            "[shown]\n1 = 1\n",
        )
        .unwrap();
        std::fs::create_dir_all(course.join("backups/ex1-20260101-000000/src")).unwrap();
        std::fs::write(
            course.join("backups/ex1-20260101-000000/src/lib.rs"),
            "// mine\n",
        )
        .unwrap();
        commit_all(&course);
        git(
            &course,
            &["add", "-f", "exercises/ex1/.hints-shown.toml", "backups"],
        );
        git(&course, &["commit", "-q", "-m", "by mistake"]);
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
        "backups",
        "exercises/ex1/.hints-shown.toml",
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
    let pristine = std::fs::read_to_string(setup.edition.join("xtask/starters/ex3/src/lib.rs"))
        .unwrap_or_default();
    assert_eq!(
        pristine, committed,
        "the edition's pristine copy of the ex3 starter (left), which `cargo xtask reset` puts \
         back, must be the committed starter (right)"
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
            let output = cargo_xtask(dir, &["hint", "ex3", "--step", "1"]);
            assert_success(
                &output,
                &format!("`cargo xtask hint ex3 --step 1` in the {name}"),
            );
            let stdout = text(&output.stdout);
            let memory = dir.join("exercises/ex3/.hints-shown.toml");
            let remembered = std::fs::read_to_string(&memory).unwrap_or_default();
            assert!(
                stdout.contains(&format!("hint {round} of"))
                    && remembered.contains(&format!("1 = {round}")),
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
    let _ex3 = building_ex3(&setup.edition);
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

// Issue 18: the student's loop (watch, list, hint, reset), in the student edition.

/// Builds of ex3 in the checkouts of these tests share one target folder, where cargo tells a
/// fresh build from a stale one by file dates only (its hashes do not depend on where a workspace
/// is): one checkout builds ex3 at a time, and when the last build was another checkout's, this
/// one's ex3 sources are dated now, so cargo rebuilds them instead of taking the other's.
fn building_ex3(dir: &Path) -> std::sync::MutexGuard<'static, Option<PathBuf>> {
    static LAST: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if last.as_deref() != Some(dir) {
        for file in ["lib.rs", "main.rs"] {
            let path = dir.join("exercises/ex3/src").join(file);
            if let Ok(handle) = std::fs::File::options().append(true).open(&path) {
                handle.set_modified(SystemTime::now()).unwrap();
            }
        }
        *last = Some(dir.to_path_buf());
    }
    last
}

/// A copy of the student edition of its own, for a test that changes it. Dates are kept
/// (`cp -a`), so the tools already built for the edition are not built again.
fn student_copy(name: &str) -> PathBuf {
    let setup = setup();
    let copy = setup.edition.with_file_name(format!("student-{name}"));
    let _ = std::fs::remove_dir_all(&copy);
    let status = Command::new("cp")
        .arg("-a")
        .arg(&setup.edition)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success(), "cp -a of the edition");
    // A copy starts as a new student's work: without the hints another test running at the same
    // time may have had shown in the shared edition (`two_checkouts_...` does).
    for exercise in std::fs::read_dir(copy.join("exercises")).unwrap() {
        let memory = exercise.unwrap().path().join(".hints-shown.toml");
        if memory.exists() {
            std::fs::remove_file(&memory).unwrap();
        }
    }
    copy
}

/// The xtask binary in `dir`, building where the other tests build (`CARGO_TARGET_DIR`).
fn student_xtask(dir: &Path, args: &[&str]) -> Output {
    let mut command = xtask_binary(dir);
    command
        .args(args)
        .env("CARGO_TARGET_DIR", shared_target())
        .env_remove("RUSTFLAGS");
    run_until(
        &mut command,
        &format!("`cargo xtask {}` in {}", args.join(" "), dir.display()),
        CARGO_LIMIT,
    )
}

/// Exercise 3's `todo!()` of steps 1 and 2, and a student's answers.
const EX3_STEPS_1_AND_2: [(&str, &str); 3] = [
    (
        r#"todo!("step 1: decide whether {n} is prime by trying divisors up to its square root")"#,
        "let mut d = 2;\n    while d <= n / d {\n        if n % d == 0 {\n            return \
         false;\n        }\n        d += 1;\n    }\n    n >= 2",
    ),
    (
        r#"todo!("step 1: keep the numbers of 0..={limit} that are prime")"#,
        "(0..=limit).filter(|&n| is_prime(n)).collect()",
    ),
    (
        r#"todo!("step 2: split 0..={limit} into contiguous ranges (chunks = {chunks})")"#,
        "let count = u128::from(limit) + 1;\n    let chunks = (chunks.max(1) as u128).min(count);\n    \
         let mut start = 0u128;\n    (0..chunks)\n        .map(|i| {\n            let end = count * \
         (i + 1) / chunks;\n            let range = start as u64..=(end - 1) as u64;\n            \
         start = end;\n            range\n        })\n        .collect()",
    ),
];

/// The ex3 starter of `dir` with steps 1 and 2 solved.
fn ex3_with_steps_1_and_2_solved(dir: &Path) -> String {
    let mut lib = std::fs::read_to_string(dir.join("exercises/ex3/src/lib.rs")).unwrap();
    for (todo, answer) in EX3_STEPS_1_AND_2 {
        assert!(
            lib.contains(todo),
            "the ex3 starter changed: update EX3_STEPS_1_AND_2 (no `{todo}`)"
        );
        lib = lib.replace(todo, answer);
    }
    lib
}

/// A running `cargo xtask watch`, its output read line by line; killed if dropped early.
struct Watching {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: String,
}

impl Watching {
    fn start(dir: &Path, exercise: &str) -> Watching {
        let mut child = xtask_binary(dir)
            .args(["watch", exercise])
            .env("CARGO_TARGET_DIR", shared_target())
            .env_remove("RUSTFLAGS")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start `cargo xtask watch`");
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Watching {
            child,
            lines,
            seen: String::new(),
        }
    }

    /// Waits for a line containing `marker`; fails with everything seen after `limit`.
    fn wait_for(&mut self, marker: &str, limit: Duration, what_probably_hung: &str) {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                    if line.contains(marker) {
                        return;
                    }
                }
                Err(_) => panic!(
                    "`cargo xtask watch` did not print `{marker}` within {limit:?} \
                     ({what_probably_hung}). It printed:\n{}",
                    self.seen
                ),
            }
        }
    }

    /// Types `q` and Enter; the watch must end by itself, successfully.
    fn quit(mut self, limit: Duration) -> String {
        use std::io::Write;
        let mut stdin = self.child.stdin.take().unwrap();
        stdin.write_all(b"q\n").unwrap();
        stdin.flush().unwrap();
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                }
                assert!(
                    status.success(),
                    "`cargo xtask watch` ended with {status} after q:\n{}",
                    self.seen
                );
                return std::mem::take(&mut self.seen);
            }
            assert!(
                Instant::now() < deadline,
                "`cargo xtask watch` did not stop within {limit:?} of `q` (is stdin read?):\n{}",
                self.seen
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Watch reruns the step's tests on a save and moves on; then, with steps 1 and 2 solved, list,
/// a bare grade and hint all point at step 3. One copy of the edition, so ex3 is built twice
/// (the starter, then the student's steps), not once per command.
#[test]
fn watch_list_and_hint_follow_the_student_to_step_3() {
    let dir = student_copy("loop");
    let _ex3 = building_ex3(&dir);

    let mut watch = Watching::start(&dir, "ex3");
    watch.wait_for(
        "ex3 step 1 of 5",
        CARGO_LIMIT,
        "the first build and run of ex3's tests",
    );
    // Saved only once the watch is running, as a student does.
    let solved = ex3_with_steps_1_and_2_solved(&dir);
    std::fs::write(dir.join("exercises/ex3/src/lib.rs"), &solved).unwrap();
    watch.wait_for(
        "ex3 step 3 of 5",
        CARGO_LIMIT,
        "was the save noticed? did steps 1 and 2 pass and the watch move on?",
    );
    let seen = watch.quit(Duration::from_secs(120));
    for expected in [
        "-- saved src/lib.rs",
        "PASS step 1 of 5",
        "On to step 2 of 5",
        "PASS step 2 of 5",
        "On to step 3 of 5: The segmented sieve",
        "First failure, step3_sieve::",
        "not yet implemented: step 3",
        "Stopped watching ex3.",
    ] {
        assert!(
            seen.contains(expected),
            "`cargo xtask watch ex3` should print `{expected}`:\n{seen}"
        );
    }

    let list = student_xtask(&dir, &["list", "ex3"]);
    assert_success(&list, "`cargo xtask list ex3` with steps 1 and 2 solved");
    let list = text(&list.stdout);
    for expected in [
        "ex3   A parallel prime finder: 30 of 100 points",
        "step 1  done",
        "step 2  done",
        "step 3  not started",
        "Total: 30 of 100 points; 2 of 5 steps",
        "Next: ex3 step 3 of 5, The segmented sieve",
        "cargo xtask watch ex3",
    ] {
        assert!(
            list.contains(expected),
            "`list` should say `{expected}`:\n{list}"
        );
    }
    assert!(
        !list.contains("step3_sieve::"),
        "`list` shows steps, not every failed test:\n{list}"
    );

    let target = shared_target();
    let target = target.to_str().unwrap();
    let grade = student_xtask(
        &dir,
        &["grade", "--exercise", "ex3", "--target-dir", target],
    );
    let grade = text(&grade.stdout);
    assert!(
        grade.contains("step 3  not started") && grade.contains("Next: ex3 step 3 of 5"),
        "a bare `cargo xtask grade` prints the steps, as `list`:\n{grade}"
    );
    let verbose = student_xtask(
        &dir,
        &[
            "grade",
            "--exercise",
            "ex3",
            "--target-dir",
            target,
            "--verbose",
        ],
    );
    let verbose = text(&verbose.stdout);
    assert!(
        verbose.contains("x step3_sieve::"),
        "`grade --verbose` lists every failed test:\n{verbose}"
    );

    let memory = dir.join("exercises/ex3/.hints-shown.toml");
    for round in 1..=2 {
        let hint = student_xtask(&dir, &["hint", "ex3"]);
        assert_success(&hint, "`cargo xtask hint ex3` with steps 1 and 2 solved");
        let hint = text(&hint.stdout);
        assert!(
            hint.contains("ex3 step 3 of 5, The segmented sieve: hint 1 of 1")
                && hint.contains("segmented sieve is the ordinary sieve"),
            "run {round} of `hint` gives step 3's hint (its only one):\n{hint}"
        );
    }
    let remembered = std::fs::read_to_string(&memory).unwrap_or_default();
    assert!(
        remembered.contains("3 = 1") && remembered.contains("on = 3"),
        "the hints shown are remembered beside the work, in {}:\n{remembered}",
        memory.display()
    );
    let step1 = text(&student_xtask(&dir, &["hint", "ex3", "--step", "1"]).stdout);
    let again = text(&student_xtask(&dir, &["hint", "ex3", "--step", "1"]).stdout);
    assert!(
        step1.contains("step 1 of 5")
            && step1.contains("hint 1 of 2")
            && again.contains("hint 2 of 2"),
        "`--step 1` gives step 1's hints one after the other:\n{step1}\n{again}"
    );
    let reset = student_xtask(&dir, &["hint", "ex3", "--reset"]);
    assert_success(&reset, "`cargo xtask hint ex3 --reset`");
    let step1 = text(&student_xtask(&dir, &["hint", "ex3", "--step", "1"]).stdout);
    assert!(
        step1.contains("hint 1 of 2"),
        "after --reset the hints start over:\n{step1}"
    );
}

/// The locale picks Spanish hints where they exist, English otherwise; `--lang` overrides it.
#[test]
fn hints_follow_the_locale() {
    let dir = student_copy("lang");
    let hint = |lang_env: &str, args: &[&str]| {
        let mut command = xtask_binary(&dir);
        command
            .args(args)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang_env);
        let output = run_until(&mut command, "`cargo xtask hint`", TOOL_LIMIT);
        assert_success(&output, &format!("`cargo xtask hint {}`", args.join(" ")));
        text(&output.stdout)
    };
    let spanish = hint(
        "es_ES.UTF-8",
        &["hint", "ex1", "--step", "1", "--level", "1"],
    );
    assert!(
        spanish.contains("Avanza paso a paso"),
        "under LANG=es_ES.UTF-8, ex1 step 1's hint is the Spanish one:\n{spanish}"
    );
    let english = hint(
        "es_ES.UTF-8",
        &["hint", "ex1", "--step", "1", "--level", "1", "--lang", "en"],
    );
    assert!(
        english.contains("Work one step at a time"),
        "`--lang en` wins over the locale:\n{english}"
    );
    // Every hint of the course has its Spanish text (`cargo xtask check` demands it); the
    // fallback to English for a hint without one is a unit test of `exercise.rs`.
    let another_step = hint("es_ES.UTF-8", &["hint", "ex3", "--step", "3"]);
    assert!(
        another_step.contains("criba segmentada es la criba de siempre"),
        "under LANG=es_ES.UTF-8, ex3 step 3's hint is the Spanish one:\n{another_step}"
    );
    let default = hint(
        "en_GB.UTF-8",
        &["hint", "ex1", "--step", "1", "--level", "1"],
    );
    assert!(default.contains("Work one step at a time"), "{default}");
}

/// Reset saves the work in a backup it names, then puts the starter (or one step's items) back;
/// the starter is the course's, also in a student's repository with commits of their own.
#[test]
fn reset_saves_the_work_and_puts_the_course_starter_back() {
    let dir = student_copy("reset");
    let lib = dir.join("exercises/ex3/src/lib.rs");
    let starter = std::fs::read_to_string(&lib).unwrap();
    let solved = ex3_with_steps_1_and_2_solved(&dir);
    std::fs::write(&lib, &solved).unwrap();
    std::fs::write(dir.join("exercises/ex3/src/notes.rs"), "// my notes\n").unwrap();
    // A student's repository: their work is committed, so HEAD is not the starter.
    commit_all(&dir);

    let backup_of = |output: &Output| -> PathBuf {
        let stdout = text(&output.stdout);
        let named = stdout
            .split_whitespace()
            .find(|word| word.starts_with("backups/"))
            .unwrap_or_else(|| panic!("reset must name its backup folder:\n{stdout}"));
        dir.join(named.trim_end_matches(['/', '.']))
    };

    let step = student_xtask(&dir, &["reset", "ex3", "--step", "2"]);
    assert_success(&step, "`cargo xtask reset ex3 --step 2`");
    let backup = backup_of(&step);
    assert_eq!(
        std::fs::read_to_string(backup.join("lib.rs"))
            .ok()
            .as_deref(),
        Some(solved.as_str()),
        "the backup {} holds the work as it was",
        backup.display()
    );
    assert!(
        backup.join("notes.rs").is_file(),
        "every file of src/ is saved"
    );
    let after_step = std::fs::read_to_string(&lib).unwrap();
    assert!(
        after_step.contains(EX3_STEPS_1_AND_2[2].0)
            && after_step.contains("while d <= n / d")
            && !after_step.contains(EX3_STEPS_1_AND_2[2].1),
        "--step 2 puts chunk_ranges back and keeps step 1's work:\n{after_step}"
    );
    assert!(
        text(&step.stdout).contains("chunk_ranges"),
        "reset says what it put back:\n{}",
        text(&step.stdout)
    );

    let whole = student_xtask(&dir, &["reset", "ex3"]);
    assert_success(&whole, "`cargo xtask reset ex3`");
    let second = backup_of(&whole);
    assert_ne!(second, backup, "each reset has a backup of its own");
    assert_eq!(
        std::fs::read_to_string(second.join("lib.rs"))
            .ok()
            .as_deref(),
        Some(after_step.as_str())
    );
    assert_eq!(
        std::fs::read_to_string(&lib).unwrap(),
        starter,
        "after `reset ex3`, src/lib.rs is the course's starter (not the student's commit)"
    );
    assert!(
        !dir.join("exercises/ex3/src/notes.rs").exists(),
        "the starter has no notes.rs: it is in the backup"
    );
}

/// In the instructors' repository, the starter comes from git: the committed one, not the
/// instructor's local solution.
#[test]
fn reset_in_the_course_takes_the_committed_starter() {
    let setup = setup();
    let dir = setup.course.with_file_name("course-reset");
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new("cp")
        .arg("-a")
        .arg(&setup.course)
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let reset = student_xtask(&dir, &["reset", "ex3"]);
    assert_success(&reset, "`cargo xtask reset ex3` in the course");
    let committed = text(&git(&dir, &["show", "HEAD:exercises/ex3/src/lib.rs"]).stdout);
    assert_eq!(
        std::fs::read_to_string(dir.join("exercises/ex3/src/lib.rs")).unwrap(),
        committed
    );
    let status = text(&git(&dir, &["status", "--porcelain"]).stdout);
    assert!(
        !status.contains("exercises/"),
        "the working tree's exercises are the committed ones again:\n{status}"
    );
}
