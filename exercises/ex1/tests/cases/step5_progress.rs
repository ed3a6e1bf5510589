//! Step 5: progress reports as files finish, and the ratios.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use concurrent::{CpuPoolExecutor, ThreadPoolExecutor};
use course_testing::expect_no_panic;
use ex1::{CompressError, FileReport, Summary, compress_files, summarize};

use crate::support::{plural, temp_dir, text_files};

/// Progress calls in the order they were made.
type Calls = Arc<Mutex<Vec<(usize, usize)>>>;

fn recorder() -> (Calls, impl Fn(usize, usize) + Send + Sync + 'static) {
    let calls = Calls::default();
    let record = Arc::clone(&calls);
    let progress = move |done: usize, total: usize| {
        if done == 1 {
            // A slow first report: if two workers report at once without a lock, the second
            // overtakes it and the counts come out of order.
            std::thread::sleep(Duration::from_millis(30));
        }
        record
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((done, total));
    };
    (calls, progress)
}

fn calls_of(calls: &Calls) -> Vec<(usize, usize)> {
    calls
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

/// Checks that `calls` are (1, total), (2, total) ... (total, total), in that order.
fn assert_reports(calls: &Calls, total: usize) {
    let got = calls_of(calls);
    assert_eq!(
        got.len(),
        total,
        "expected {}, one per file (failed files included), got {got:?}",
        plural(total, "progress call")
    );
    let expected: Vec<(usize, usize)> = (1..=total).map(|done| (done, total)).collect();
    assert_eq!(
        got, expected,
        "progress should report (1, {total}), (2, {total}) ... ({total}, {total}) in that order, \
         got {got:?}. Out of order? Two workers reported at the same time: count and call under \
         one Mutex"
    );
}

#[course_testing::test]
fn one_report_per_file_in_increasing_order() {
    let dir = temp_dir();
    let paths = text_files(dir.path(), 8, 20_000);
    let (calls, progress) = recorder();
    compress_files(&ThreadPoolExecutor::new(4), &paths, 6, progress);
    assert_reports(&calls, 8);
}

#[course_testing::test]
fn failures_are_reported_too() {
    let dir = temp_dir();
    let mut paths = text_files(dir.path(), 3, 5_000);
    paths.push(dir.path().join("missing.txt"));
    let (calls, progress) = recorder();
    expect_no_panic(
        "a missing file is reported like the others: its task returns an Err, nothing panics",
        || compress_files(&CpuPoolExecutor::new(2), &paths, 6, progress),
    );
    assert_reports(&calls, 4);
}

#[course_testing::test]
fn no_files_no_reports() {
    let (calls, progress) = recorder();
    let results = compress_files(&ThreadPoolExecutor::new(2), &[], 6, progress);
    assert!(
        results.is_empty(),
        "no input files, no results: expected none, got {results:?}"
    );
    let got = calls_of(&calls);
    assert!(
        got.is_empty(),
        "nothing to compress, nothing to report: expected no progress call, got {got:?}"
    );
}

fn report(original_size: u64, compressed_size: u64) -> FileReport {
    FileReport {
        input: PathBuf::from("in.txt"),
        output: PathBuf::from("in.txt.gz"),
        original_size,
        compressed_size,
    }
}

#[course_testing::test]
fn the_ratio_of_a_file() {
    for (original, compressed, expected, why) in [
        (
            3_000,
            1_000,
            3.0,
            "ratio = original_size / compressed_size: 3,000 bytes into 1,000 is 3.0",
        ),
        (100, 400, 0.25, "a file that grew has a ratio below 1"),
        (
            0,
            20,
            0.0,
            "an empty file compresses to about 20 bytes: ratio 0",
        ),
        (
            5,
            0,
            0.0,
            "a compressed size of 0 would divide by zero: the ratio is 0.0 then",
        ),
    ] {
        let got = report(original, compressed).ratio();
        assert_eq!(
            got, expected,
            "{why}: expected the ratio of {original} bytes compressed to {compressed} to be \
             {expected}, got {got}"
        );
    }
}

#[course_testing::test]
fn summarize_adds_up_the_batch() {
    let results: Vec<Result<FileReport, CompressError>> = vec![
        Ok(report(4_000, 1_000)),
        Err(CompressError::Io {
            path: PathBuf::from("missing.txt"),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        }),
        Ok(report(2_000, 1_000)),
    ];
    let summary = summarize(&results);
    assert_eq!(
        summary,
        Summary {
            compressed: 2,
            failed: 1,
            original_bytes: 6_000,
            compressed_bytes: 2_000,
            average_ratio: Some(3.0),
        },
        "expected 2 compressed, 1 failed, 6,000 and 2,000 bytes, and an average_ratio of \
         Some(3.0), the mean of the files' ratios (4.0 + 2.0) / 2 (failures count apart); got \
         {summary:?}"
    );
    assert_eq!(
        summary.overall_ratio(),
        Some(3.0),
        "overall_ratio = original_bytes / compressed_bytes: expected 6,000 / 2,000 = Some(3.0), \
         got {:?}",
        summary.overall_ratio()
    );
    let skewed = summarize(&[Ok(report(9_000, 1_000)), Ok(report(100, 100))]);
    assert_eq!(
        skewed.average_ratio,
        Some(5.0),
        "average_ratio is the plain mean of per-file ratios 9.0 and 1.0: expected Some(5.0), \
         got {:?}",
        skewed.average_ratio
    );
    assert_eq!(
        skewed.overall_ratio(),
        Some(9_100.0 / 1_100.0),
        "overall_ratio weighs files by size: expected 9,100 / 1,100 = Some({}), got {:?}",
        9_100.0 / 1_100.0,
        skewed.overall_ratio()
    );
}

#[course_testing::test]
fn an_empty_batch_has_no_ratio() {
    let summary = summarize(&[]);
    assert_eq!(
        summary.average_ratio, None,
        "no file, no average: expected None, got {:?}",
        summary.average_ratio
    );
    assert_eq!(
        summary,
        Summary::default(),
        "no results: expected every count and total 0 (Summary::default()), got {summary:?}"
    );
    assert_eq!(
        summary.overall_ratio(),
        None,
        "0 bytes compressed: no ratio, expected None, got {:?}",
        summary.overall_ratio()
    );
}

#[course_testing::test]
fn text_compresses_well() {
    let dir = temp_dir();
    let paths = text_files(dir.path(), 4, 50_000);
    let results = compress_files(&CpuPoolExecutor::new(2), &paths, 6, |_, _| {});
    let summary = summarize(&results);
    assert_eq!(
        summary.compressed, 4,
        "4 readable files: expected 4 compressed, got {summary:?}"
    );
    let average = summary.average_ratio.unwrap_or_default();
    assert!(
        average > 2.0,
        "text of 16 different words should shrink more than 2x at level 6, the average ratio is {average:.2}"
    );
}
