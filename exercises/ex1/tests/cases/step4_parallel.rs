//! Step 4: compress_files on an executor. Parallelism is witnessed, never timed: the executor is
//! wrapped in a counter that holds each task at a gate until two of them run at once. Order is
//! checked on an executor that finishes the files in reverse or shuffled order, every run.

use std::time::Duration;

use concurrent::testing::{AdversarialExecutor, CountingExecutor};
use concurrent::{CpuPoolExecutor, Executor, ThreadPoolExecutor};
use course_testing::expect_no_panic;
use ex1::{CompressError, compress_files};

use crate::support::{gunzip_file, gz_of, names_in, plural, temp_dir, text_files, write_file};

fn no_progress(_done: usize, _total: usize) {}

#[course_testing::test]
fn every_file_round_trips() {
    let dir = temp_dir();
    let paths = text_files(dir.path(), 6, 30_000);
    // The files finish in reverse order: results collected as they finish come out reversed.
    let pool = AdversarialExecutor::reversed(CpuPoolExecutor::new(2));
    let results = compress_files(&pool, &paths, 6, no_progress);
    assert_eq!(
        results.len(),
        6,
        "expected one result per input file, 6, got {}",
        results.len()
    );
    for (path, result) in paths.iter().zip(&results) {
        let report = result
            .as_ref()
            .unwrap_or_else(|error| panic!("{} should compress: {error}", path.display()));
        assert_eq!(
            &report.input,
            path,
            "results must come back in the order of the paths, whatever order the tasks finish \
             in: expected the report of {}, got {}",
            path.display(),
            report.input.display()
        );
        assert_eq!(
            report.output,
            gz_of(path),
            "report.output should be gz_path(input), {}, got {}",
            gz_of(path).display(),
            report.output.display()
        );
        assert!(
            gunzip_file(&report.output) == std::fs::read(path).unwrap_or_default(),
            "{} does not decompress to its source",
            report.output.display()
        );
    }
}

#[course_testing::test]
fn a_bad_file_fails_alone() {
    let dir = temp_dir();
    let mut paths = text_files(dir.path(), 4, 10_000);
    let missing = dir.path().join("missing.txt");
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).expect("cannot create a test folder");
    paths.insert(1, missing.clone());
    paths.insert(3, folder.clone());
    let pool = AdversarialExecutor::shuffled(ThreadPoolExecutor::new(2), 4);
    let results = expect_no_panic(
        "a missing file or a folder gets its own Err and the other files are still compressed: \
         return the error from the task, do not unwrap it",
        || compress_files(&pool, &paths, 6, no_progress),
    );
    assert_eq!(
        results.len(),
        paths.len(),
        "expected one result per path, failures included, {}, got {}",
        paths.len(),
        results.len()
    );
    for (path, result) in paths.iter().zip(&results) {
        if path == &missing || path == &folder {
            let error = result
                .as_ref()
                .expect_err("a missing file or a folder should give an Err in its own slot");
            assert_eq!(
                error.path(),
                path,
                "each error must name its own file (results in input order): expected {}, got {}",
                path.display(),
                error.path().display()
            );
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            assert!(
                error.to_string().contains(&*name),
                "the message should name the file {name}, got `{error}`"
            );
        } else {
            let report = result.as_ref().unwrap_or_else(|error| {
                panic!(
                    "{} should be compressed although other files failed: {error}",
                    path.display()
                )
            });
            assert_eq!(
                &report.input,
                path,
                "results must be in input order: expected the report of {}, got {}",
                path.display(),
                report.input.display()
            );
            assert!(
                gz_of(path).is_file(),
                "{} should have been written",
                gz_of(path).display()
            );
        }
    }
    let names = names_in(dir.path());
    assert!(
        !names.contains(&"missing.txt.gz".to_owned()) && !names.contains(&"a-folder.gz".to_owned()),
        "no .gz may be left for the inputs that failed, found {names:?}"
    );
}

#[course_testing::test]
fn empty_files_and_no_files() {
    let dir = temp_dir();
    let empty = vec![
        write_file(dir.path(), "a.txt", b""),
        write_file(dir.path(), "b.txt", b""),
    ];
    let pool = ThreadPoolExecutor::new(2);
    let none = compress_files(&pool, &[], 6, no_progress);
    let results = compress_files(&pool, &empty, 6, no_progress);
    assert!(
        none.is_empty(),
        "no input files, no results: expected none, got {none:?}"
    );
    assert_eq!(
        results.len(),
        2,
        "expected one result per path, 2, got {}",
        results.len()
    );
    for result in &results {
        let report = result
            .as_ref()
            .unwrap_or_else(|error| panic!("an empty file is not an error: {error}"));
        assert_eq!(
            report.original_size,
            0,
            "{} is empty: expected original_size 0, got {}",
            report.input.display(),
            report.original_size
        );
        let back = gunzip_file(&report.output);
        assert!(
            back.is_empty(),
            "{} should decompress to nothing, got {}",
            report.output.display(),
            plural(back.len(), "byte")
        );
    }
}

// ANCHOR: witness
#[course_testing::test]
fn the_files_really_run_in_parallel() {
    let dir = temp_dir();
    let paths = text_files(dir.path(), 4, 20_000);
    let pool =
        CountingExecutor::new(ThreadPoolExecutor::new(2)).with_gate(2, Duration::from_secs(3));
    let results = compress_files(&pool, &paths, 6, no_progress);
    assert!(
        results.iter().all(Result::is_ok),
        "every file should compress, got {results:?}"
    );
    assert!(
        pool.submitted() >= 2,
        "{} reached the executor, expected one per file (4): submit one task per file",
        plural(pool.submitted(), "task")
    );
    assert!(
        pool.max_in_flight() >= 2 && !pool.gate_timed_out(),
        "the files were compressed one at a time (at most {} in flight, expected 2 at once): \
         do you wait for each result before submitting the next file? Submit them all first, \
         then collect",
        plural(pool.max_in_flight(), "task")
    );
}
// ANCHOR_END: witness

#[course_testing::test]
fn a_shut_down_executor_fails_each_file_without_panicking() {
    let dir = temp_dir();
    let paths = text_files(dir.path(), 3, 1_000);
    let pool = ThreadPoolExecutor::new(2);
    pool.shutdown(true, false);
    let results = expect_no_panic(
        "the executor refuses every task: each file's result is a CompressError::Executor \
         naming it, not a panic (match on the submission's Err instead of unwrapping it)",
        || compress_files(&pool, &paths, 6, no_progress),
    );
    assert_eq!(
        results.len(),
        3,
        "expected one result per path, even when nothing ran, 3, got {}",
        results.len()
    );
    for (path, result) in paths.iter().zip(&results) {
        match result {
            Err(CompressError::Executor { path: named, .. }) => assert_eq!(
                named,
                path,
                "each error must name its own file (results in input order): expected {}, got {}",
                path.display(),
                named.display()
            ),
            other => panic!(
                "the executor refused the task for {}: expected CompressError::Executor naming it, got {other:?}",
                path.display()
            ),
        }
    }
}

#[course_testing::test]
fn works_on_any_executor() {
    let dir = temp_dir();
    let paths = text_files(dir.path(), 5, 5_000);
    let on_threads = compress_files(&ThreadPoolExecutor::new(4), &paths, 1, no_progress);
    let on_cores = compress_files(&CpuPoolExecutor::new(1), &paths, 9, no_progress);
    for (pool, results) in [
        ("a ThreadPoolExecutor", on_threads),
        ("a CpuPoolExecutor", on_cores),
    ] {
        assert_eq!(
            results.len(),
            5,
            "on {pool}: expected one result per path, 5, got {}",
            results.len()
        );
        assert!(
            results.iter().all(Result::is_ok),
            "on {pool}: every file should compress, got {results:?}"
        );
    }
}
