//! Step 5: the whole job on an executor: map tasks per split, reduce tasks per bucket, top-k and
//! totals, and bad input.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use concurrent::testing::CountingExecutor;
use concurrent::{CpuPoolExecutor, Error, Executor, ThreadPoolExecutor};
use course_testing::expect_no_panic;
use course_testing::memory::assert_peak_rise_below;
use ex6::{Counts, FileError, Options, Report, top_k, word_count};

use crate::support::{
    BIG_TEXT, GATE_TIMEOUT, GeneratedText, MEMORY_LIMIT, MIB, Sorted, assert_same_counts,
    check_all, corpus, differences, plural, reference, shown, sorted, temp_dir, write_file,
};

/// Runs `word_count` and fails with a clear message if it returns an error.
fn counted<E: Executor>(executor: &E, files: &[PathBuf], options: Options) -> Report {
    word_count(executor, files, &options)
        .unwrap_or_else(|error| panic!("word_count on a healthy executor failed: {error}"))
}

/// The small hand-made corpus: three files and their exact counts.
fn hand_made(dir: &std::path::Path) -> (Vec<PathBuf>, Sorted) {
    let files = vec![
        write_file(dir, "a.txt", b"The crab maps. The crab reduces!\n"),
        write_file(
            dir,
            "b.txt",
            "Straße, STRASSE; straße\nΣΊΣΥΦΟΣ the end".as_bytes(),
        ),
        write_file(dir, "empty.txt", b""),
    ];
    let expected = [
        ("the", 3),
        ("crab", 2),
        ("maps", 1),
        ("reduces", 1),
        ("straße", 2),
        ("strasse", 1),
        ("σίσυφος", 1),
        ("end", 1),
    ]
    .into_iter()
    .map(|(word, count)| (word.to_owned(), count))
    .collect();
    (files, expected)
}

#[course_testing::test]
fn exact_counts_of_a_small_corpus() {
    let dir = temp_dir();
    let (files, expected) = hand_made(dir.path());
    for split_size in [1, 5, 1_000] {
        let options = Options {
            split_size,
            buckets: 3,
        };
        let report = counted(&CpuPoolExecutor::new(2), &files, options);
        assert_same_counts(
            &expected,
            &sorted(&report.counts),
            &format!("three small files in splits of {split_size} bytes"),
        );
        assert!(
            report.failed.is_empty(),
            "every file is readable, yet word_count reported failures: {:?}",
            report.failed
        );
        let bytes: u64 = files
            .iter()
            .map(|file| std::fs::metadata(file).map_or(0, |meta| meta.len()))
            .sum();
        assert_eq!(
            (report.files, report.bytes),
            (3, bytes),
            "the report should count 3 files (the empty one too) of {bytes} bytes in all"
        );
    }
}

#[course_testing::test]
fn totals_and_top_k() {
    let dir = temp_dir();
    let (files, _) = hand_made(dir.path());
    let report = counted(&ThreadPoolExecutor::new(2), &files, Options::default());
    assert_eq!(
        (report.words(), report.distinct()),
        (12, 8),
        "the small corpus has 12 words, 8 of them different: words() is the sum of the counts, \
         distinct() the number of different words"
    );
    let top = top_k(&report.counts, 3);
    let expected = [("the", 3), ("crab", 2), ("straße", 2)].map(|(w, n)| (w.to_owned(), n));
    assert!(
        top == expected,
        "top_k(counts, 3) should be {expected:?}: most frequent first, and words with the same \
         count in alphabetical order; got {top:?}"
    );
    assert_eq!(
        top_k(&report.counts, 100).len(),
        8,
        "top_k(counts, 100) of 8 words gives all 8"
    );
    assert!(
        top_k(&Counts::default(), 5).is_empty(),
        "top_k of no word is empty"
    );
}

#[course_testing::test]
fn random_corpora_agree_with_the_reference() {
    let dir = temp_dir();
    let strategy = (
        proptest::collection::vec(corpus(50), 0..5),
        1..30u64,
        1..5usize,
    );
    let pool = ThreadPoolExecutor::new(3);
    check_all(
        60,
        strategy,
        |(texts, split, buckets)| {
            let shown: Vec<String> = texts.iter().map(|text| shown(text)).collect();
            format!("files {shown:?} in splits of {split} bytes, {buckets} buckets")
        },
        |(texts, split_size, buckets)| {
            let files: Vec<PathBuf> = texts
                .iter()
                .enumerate()
                .map(|(i, text)| write_file(dir.path(), &format!("file{i}.txt"), text))
                .collect();
            let options = Options {
                split_size,
                buckets,
            };
            let report = word_count(&pool, &files, &options)
                .map_err(|error| format!("word_count failed: {error}"))?;
            let expected = reference(&texts.join(&b'\n'));
            let got = sorted(&report.counts);
            if got == expected {
                Ok(())
            } else {
                Err(format!(
                    "word_count differs from the sequential reference: {}",
                    differences(&expected, &got)
                ))
            }
        },
    );
}

// ANCHOR: witness
#[course_testing::test]
fn both_phases_run_as_tasks_in_parallel() {
    let dir = temp_dir();
    let text = b"one two three four five six seven eight nine ten\n".repeat(200);
    let files = vec![
        write_file(dir.path(), "a.txt", &text),
        write_file(dir.path(), "b.txt", &text),
    ];
    let pool = CountingExecutor::new(ThreadPoolExecutor::new(2)).with_gate(2, GATE_TIMEOUT);
    let options = Options {
        split_size: 2_500,
        buckets: 4,
    };
    let report = counted(&pool, &files, options);
    assert_eq!(
        report.words(),
        4_000,
        "two files of 2,000 words each: expected 4,000 words, got {}",
        report.words()
    );
    // 10,000 bytes in splits of 2,500: 4 map tasks per file; then 4 reduce tasks.
    assert!(
        pool.submitted() >= 12,
        "expected a map task per split (2 files of 10,000 bytes in splits of 2,500: 8) and a \
         reduce task per bucket (4) on the executor, 12 in all; got {}. Does the reduce run on \
         the calling thread?",
        plural(pool.submitted(), "task")
    );
    assert!(
        !pool.gate_timed_out() && pool.max_in_flight() >= 2,
        "the map tasks ran one at a time (at most {} in flight; a task waited {:?} for a second \
         one, in vain): submit every split's task before waiting for any result",
        plural(pool.max_in_flight(), "task"),
        GATE_TIMEOUT
    );
}
// ANCHOR_END: witness

#[course_testing::test]
fn a_missing_file_fails_alone() {
    let dir = temp_dir();
    let (mut files, expected) = hand_made(dir.path());
    let missing = dir.path().join("missing.txt");
    files.insert(1, missing.clone());
    let report = expect_no_panic(
        "a missing file must be reported in Report::failed, and the other files counted",
        || word_count(&ThreadPoolExecutor::new(2), &files, &Options::default()),
    )
    .unwrap_or_else(|error| panic!("a missing file is not the executor's fault: {error}"));
    assert_same_counts(
        &expected,
        &sorted(&report.counts),
        "the readable files must still be counted",
    );
    let failed: Vec<&std::path::Path> = report.failed.iter().map(FileError::path).collect();
    assert_eq!(
        failed,
        [missing.as_path()],
        "Report::failed should name the missing file, and only it"
    );
    assert!(
        matches!(&report.failed[0], FileError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "a missing file is FileError::Io with the NotFound error, got {:?}",
        report.failed[0]
    );
    assert_eq!(report.files, 3, "3 files were counted, the missing one not");
}

/// A pool of one worker that removes `victim` as soon as its first task is done: the tasks after
/// it find the file gone, as if it had been deleted in the middle of the job. One worker runs the
/// tasks one at a time in the order they were submitted, so the first split of the first file
/// is counted before the removal and the others fail after it.
struct RemovesAfterFirstTask {
    pool: ThreadPoolExecutor,
    victim: PathBuf,
    done: Arc<AtomicUsize>,
}

impl Executor for RemovesAfterFirstTask {
    fn submit<T, F>(&self, task: F) -> Result<concurrent::Future<T>, Error>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (victim, done) = (self.victim.clone(), Arc::clone(&self.done));
        self.pool.submit(move || {
            let output = task();
            if done.fetch_add(1, Ordering::SeqCst) == 0 {
                std::fs::remove_file(&victim).expect("cannot remove the test file");
            }
            output
        })
    }

    fn max_workers(&self) -> usize {
        self.pool.max_workers()
    }

    fn shutdown(&self, wait: bool, cancel_futures: bool) {
        self.pool.shutdown(wait, cancel_futures);
    }
}

#[course_testing::test]
fn a_file_whose_split_fails_is_not_counted_at_all() {
    let dir = temp_dir();
    let line = "half of a file is not a file\n";
    let victim = write_file(dir.path(), "removed.txt", line.repeat(30).as_bytes());
    let (good, expected) = hand_made(dir.path());
    let mut files = vec![victim.clone()];
    files.extend(good);
    let pool = RemovesAfterFirstTask {
        pool: ThreadPoolExecutor::new(1),
        victim: victim.clone(),
        done: Arc::new(AtomicUsize::new(0)),
    };
    // 900 bytes in splits of 300: the first split is counted, then the file is removed, and
    // its other two splits cannot open it.
    let options = Options {
        split_size: 300,
        buckets: 3,
    };
    let report = expect_no_panic(
        "a split that fails must fail its file in Report::failed, not the whole count",
        || word_count(&pool, &files, &options),
    )
    .unwrap_or_else(|error| {
        panic!("a file removed while it is counted is not the executor's fault: {error}")
    });
    assert!(
        !victim.exists(),
        "the test's executor should have removed {} after the first task",
        victim.display()
    );
    let failed: Vec<&std::path::Path> = report.failed.iter().map(FileError::path).collect();
    assert_eq!(
        failed,
        [victim.as_path()],
        "the file removed after its first split was counted failed its other splits: \
         Report::failed should name it, and only it"
    );
    assert_same_counts(
        &expected,
        &sorted(&report.counts),
        "a file whose split failed must not be counted at all: drop the outputs of its splits \
         that succeeded too (the counts never hold part of a file), and count the other files",
    );
    assert_eq!(
        (report.files, report.bytes),
        (
            3,
            files[1..]
                .iter()
                .map(|file| std::fs::metadata(file).map_or(0, |meta| meta.len()))
                .sum()
        ),
        "Report::files and Report::bytes count the files that were counted: the 3 others, not \
         the one that failed"
    );
}

#[course_testing::test]
fn a_folder_is_not_a_file() {
    let dir = temp_dir();
    let (mut files, expected) = hand_made(dir.path());
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).expect("cannot create a test folder");
    write_file(&folder, "inside.txt", b"hidden words");
    files.push(folder.clone());
    let report = expect_no_panic(
        "a folder given as a file must be reported in Report::failed",
        || word_count(&ThreadPoolExecutor::new(2), &files, &Options::default()),
    )
    .unwrap_or_else(|error| panic!("a folder is not the executor's fault: {error}"));
    assert!(
        matches!(report.failed.as_slice(), [FileError::Folder { path }] if *path == folder),
        "a folder given as a file should be FileError::Folder naming it (std::fs::metadata \
         tells: is_dir), got {:?}",
        report.failed
    );
    assert_same_counts(
        &expected,
        &sorted(&report.counts),
        "the files must still be counted, and nothing inside the folder",
    );
}

#[course_testing::test]
fn zero_files_count_nothing() {
    let report = expect_no_panic(
        "word_count of no file is an empty report, not a panic",
        || word_count(&ThreadPoolExecutor::new(2), &[], &Options::default()),
    )
    .unwrap_or_else(|error| panic!("word_count of no file should be Ok, got {error}"));
    assert!(
        report.counts.is_empty()
            && report.failed.is_empty()
            && report.files == 0
            && report.bytes == 0,
        "word_count of no file should be an empty report, got {report:?}"
    );
}

#[course_testing::test]
fn a_shut_down_executor_is_an_error_not_a_panic() {
    const LESSON: &str = "counting on a shut-down executor fails: return its error with `?` \
                          instead of unwrapping";
    let dir = temp_dir();
    let (files, _) = hand_made(dir.path());
    let pool = ThreadPoolExecutor::new(2);
    pool.shutdown(true, false);
    let outcome = expect_no_panic(LESSON, || word_count(&pool, &files, &Options::default()));
    assert!(
        matches!(outcome, Err(Error::Shutdown)),
        "{LESSON}\nExpected Err(Shutdown), got {outcome:?}"
    );
}

// Alone in a child process: the peak memory of a process shared with other tests counts theirs.
#[course_testing::test(
    own_process,
    deadline_secs = 25,
    hint = "a big file: is the tokenizer doing much more work per byte than it needs?"
)]
fn memory_grows_with_the_vocabulary_not_the_input() {
    let dir = temp_dir();
    let path = dir.path().join("big.txt");
    let mut source = GeneratedText::new(BIG_TEXT);
    let expected = source.counts();
    let mut file = std::fs::File::create(&path).expect("cannot create the test file");
    std::io::copy(&mut source, &mut file).expect("cannot write the test file");
    file.flush().expect("cannot write the test file");
    drop(file);
    // Splits of half the file: a split read whole is above the limit.
    let options = Options {
        split_size: BIG_TEXT / 2,
        buckets: 4,
    };
    let pool = CpuPoolExecutor::new(2);
    let report = assert_peak_rise_below(
        MEMORY_LIMIT,
        &format!(
            "counting a file of {} MiB with 8 distinct words, in splits of {} MiB on 2 workers, \
             raised the peak memory by {} MiB or more: each split must be read a buffer at a \
             time (never read_to_end, never a buffer as large as the split)",
            BIG_TEXT / MIB,
            BIG_TEXT / 2 / MIB,
            MEMORY_LIMIT / MIB
        ),
        || counted(&pool, &[path], options),
    );
    assert_same_counts(&expected, &sorted(&report.counts), "the big file");
}
