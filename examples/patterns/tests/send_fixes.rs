//! The "not Send / not 'static" chapter: every snippet the book marks `compile_fail` fails for the
//! reason the book gives (rustdoc does not check error codes on stable, so a snippet broken by a
//! typo would pass `mdbook test` silently: rustc is run here and its error compared), and every
//! fix compiles and works on a real pool.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use concurrent::ThreadPoolExecutor;
use course_testing::child;
use example_patterns::send_fixes;

fn snippets() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/src/patterns/code");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    files
}

#[course_testing::test(deadline_secs = 60)]
fn each_compile_fail_snippet_fails_with_the_error_it_teaches() {
    let out = std::env::temp_dir().join(format!("send-snippets-{}", std::process::id()));
    let files = snippets();
    assert!(
        files.len() >= 5,
        "expected the chapter's snippets, found {files:?}"
    );
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read the snippet");
        let expected = source
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("// expect: "))
            .unwrap_or_else(|| {
                panic!(
                    "{} must start with `// expect: E.... message`",
                    file.display()
                )
            });
        let (code, message) = expected.split_once(' ').expect("a code and a message");
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
        let mut command = Command::new(rustc);
        command
            .args([
                "--edition",
                "2024",
                "--crate-type",
                "bin",
                "--emit=metadata",
                "-o",
            ])
            .arg(&out)
            .arg(&file);
        let run = child::run("rustc", command, Duration::from_secs(50), "rustc hung?");
        assert!(
            !run.status.success(),
            "{} compiled, but the book says it does not",
            file.display()
        );
        let headline = format!("error[{code}]: {message}");
        assert!(
            run.stderr.contains(&headline),
            "{}: expected `{headline}`, rustc said:\n{}",
            file.display(),
            run.stderr
        );
    }
    let _ = std::fs::remove_file(&out);
}

#[course_testing::test]
fn the_fixes_compile_and_work() {
    let pool = ThreadPoolExecutor::new(4);
    assert_eq!(send_fixes::count_urls(&pool), Ok(1));
    assert_eq!(send_fixes::first_half_len(&pool), Ok(3));
    assert_eq!(send_fixes::first_half_len_scoped(), 3);
    assert_eq!(
        send_fixes::count_hits(&pool, 50),
        Ok((50, (0..50).collect()))
    );
    assert_eq!(
        send_fixes::report_name(&pool).map(|name| name.len()),
        Ok(10)
    );
    assert_eq!(send_fixes::count_names(&pool), Ok(1));
}
