//! Step 6 (going further): one big file compressed in parallel, as consecutive gzip members.

use std::sync::atomic::Ordering;
use std::time::Duration;

use concurrent::testing::{AdversarialExecutor, CountingExecutor};
use concurrent::{CpuPoolExecutor, ThreadPoolExecutor};
use course_testing::{expect_err, expect_no_panic};
use ex1::{compress_big_file, compress_blocks};

use crate::support::{
    BadDisk, ENOUGH, Flow, HugeReader, MIB, StopWriter, assert_only_gz_added, assert_report_paths,
    gunzip, gunzip_file, gz_of, members, names_in, plural, system_temp_folder_is_unusable,
    temp_dir, temp_dir_in_target, text, write_file,
};

/// Compresses `data` in blocks on an executor that finishes each batch of blocks in reverse
/// order: members written as they finish come out of order.
fn blocks_of(data: &[u8], block_size: usize) -> (u64, Vec<u8>) {
    let mut out = Vec::new();
    let read = compress_blocks(
        &AdversarialExecutor::reversed(ThreadPoolExecutor::new(2)),
        data,
        &mut out,
        6,
        block_size,
    )
    .expect("compressing into a Vec cannot fail");
    (read, out)
}

#[course_testing::test]
fn round_trips_at_every_size() {
    let block = 10_000;
    for len in [
        1,
        block - 1,
        block,
        block + 1,
        3 * block,
        5 * block + block / 2,
    ] {
        let source = text(len as u64, len);
        let (read, compressed) = blocks_of(&source, block);
        let input = plural(len, "byte");
        assert_eq!(
            read, len as u64,
            "compress_blocks should return the number of bytes read: expected {len}, got {read}"
        );
        let back = gunzip(&compressed).unwrap_or_else(|error| panic!("{input}: {error}"));
        assert!(
            back == source,
            "{input} in blocks of {block}: decompressing gives {} that differ from the input (a \
             block lost, repeated or out of order? the blocks of this test finish in reverse \
             order: write them in the order they were read)",
            plural(back.len(), "byte")
        );
    }
}

#[course_testing::test]
fn one_member_per_block_in_order() {
    let source = text(1, 45_000);
    let (_, compressed) = blocks_of(&source, 10_000);
    let members = members(&compressed).unwrap_or_else(|error| panic!("{error}"));
    let sizes: Vec<usize> = members.iter().map(Vec::len).collect();
    assert_eq!(
        sizes,
        [10_000, 10_000, 10_000, 10_000, 5_000],
        "expected one gzip member per block of 10,000 bytes, the last one shorter; got members \
         of these sizes: {sizes:?}"
    );
    assert!(
        members.concat() == source,
        "member k must hold block k: write the members in the order of the blocks (the blocks \
         of this test finish in reverse order)"
    );
}

#[course_testing::test]
fn an_empty_input_is_one_empty_member() {
    let (read, compressed) = blocks_of(&[], 1_000);
    assert_eq!(
        read, 0,
        "the input is empty: expected 0 bytes read, got {read}"
    );
    let sizes: Vec<usize> = members(&compressed)
        .unwrap_or_else(|error| panic!("{error}"))
        .iter()
        .map(Vec::len)
        .collect();
    assert_eq!(
        sizes,
        [0],
        "an empty input must still give a valid gzip file: expected one empty member (gzip -d \
         rejects an empty file), got members of these sizes: {sizes:?}"
    );
}

#[course_testing::test]
fn blocks_really_run_in_parallel() {
    let pool =
        CountingExecutor::new(ThreadPoolExecutor::new(2)).with_gate(2, Duration::from_secs(3));
    let source = text(2, 80_000);
    let mut out = Vec::new();
    let outcome =
        compress_blocks(&pool, &source[..], &mut out, 6, 10_000).map(|read| (read, gunzip(&out)));
    let (read, back) = outcome.expect("compress_blocks on a healthy pool");
    assert_eq!(
        read, 80_000,
        "compress_blocks should return the number of bytes read: expected 80,000, got {read}"
    );
    let back = back.unwrap_or_else(|error| panic!("{error}"));
    assert!(
        back == text(2, 80_000),
        "decompressing gives {} that differ from the 80,000 of the input",
        plural(back.len(), "byte")
    );
    assert!(
        pool.submitted() >= 8,
        "80,000 bytes in blocks of 10,000 are 8 blocks: expected one task per block, got \
         {}",
        plural(pool.submitted(), "task")
    );
    assert!(
        pool.max_in_flight() >= 2 && !pool.gate_timed_out(),
        "the blocks were compressed one at a time (at most {} in flight, expected 2 at once): \
         submit a few blocks before waiting for the oldest",
        plural(pool.max_in_flight(), "task")
    );
}

#[course_testing::test]
fn streams_a_terabyte_with_bounded_memory() {
    let flow = Flow::new();
    let (reader, writer) = (
        HugeReader::new(1 << 40, 16 * MIB, flow.clone()),
        StopWriter::new(32 * MIB, flow.clone()),
    );
    let outcome = expect_no_panic(
        "the writer fails on purpose after 32 MiB: compress_blocks must return its error",
        || compress_blocks(&CpuPoolExecutor::new(2), reader, writer, 6, 256 * 1024),
    );
    assert!(
        !flow.slurp_detected.load(Ordering::SeqCst),
        "16 MiB were read before the first member was written: keep only a few blocks in flight \
         (say twice the workers) and write the oldest before reading more"
    );
    let error = outcome.expect_err("the writer failed on purpose: compress_blocks must say so");
    assert!(
        error.to_string().contains(ENOUGH),
        "expected the writer's error `{ENOUGH}`, got `{error}`"
    );
    let first = flow.read_at_first_write.load(Ordering::SeqCst);
    assert!(
        first <= 8 * MIB,
        "{} MiB were read before the first member was written, expected at most 8: memory must \
         stay bounded",
        first / MIB
    );
}

#[course_testing::test]
fn a_failing_reader_is_an_error() {
    let error = expect_err(
        "the reader failed, so compress_blocks must return its error (pass it on with `?`)",
        || {
            compress_blocks(
                &ThreadPoolExecutor::new(2),
                BadDisk::new(30_000),
                Vec::new(),
                6,
                4_096,
            )
        },
    );
    assert!(
        error.to_string().contains("bad sector"),
        "return the reader's own error, unchanged: expected `the test disk has a bad sector`, \
         got `{error}`"
    );
}

#[course_testing::test]
fn compresses_a_big_file_in_place() {
    let dir = temp_dir();
    let source = text(3, 300_000);
    let input = write_file(dir.path(), "big.txt", &source);
    let pool = AdversarialExecutor::shuffled(CpuPoolExecutor::new(2), 6);
    let report = compress_big_file(&pool, &input, 6, 64 * 1024)
        .unwrap_or_else(|error| panic!("compress_big_file failed on a readable file: {error}"));
    assert_report_paths(&report, &input);
    assert_eq!(
        report.original_size, 300_000,
        "original_size should be the number of bytes read, 300,000, got {}",
        report.original_size
    );
    let on_disk = std::fs::metadata(&report.output)
        .map(|meta| meta.len())
        .unwrap_or(0);
    assert_eq!(
        report.compressed_size, on_disk,
        "compressed_size should be the size of the .gz file on disk, {on_disk}, got {}",
        report.compressed_size
    );
    assert!(
        gunzip_file(&report.output) == source,
        "big.txt.gz does not decompress to big.txt"
    );
    assert_only_gz_added(dir.path(), "big.txt");
}

// As in step 3: the child process runs with an unusable system temporary folder, so a temporary
// file made there (instead of beside the .gz) fails on every machine.
#[course_testing::test(
    own_process,
    env(
        TMPDIR = "/dev/null/no-temporary-folder",
        TMP = "/dev/null/no-temporary-folder",
        TEMP = "/dev/null/no-temporary-folder"
    )
)]
fn the_temporary_file_is_made_beside_the_output() {
    let dir = temp_dir_in_target();
    let source = text(9, 50_000);
    let input = write_file(dir.path(), "big.txt", &source);
    if !system_temp_folder_is_unusable() {
        return;
    }
    let lesson = "the system's temporary folder is unusable in this test (TMPDIR is a folder that \
                  cannot exist), yet compress_big_file must work: make the temporary file in the \
                  folder of the .gz with NamedTempFile::new_in(folder), as in compress_file";
    expect_no_panic(lesson, || {
        compress_big_file(&ThreadPoolExecutor::new(2), &input, 6, 16 * 1024)
    })
    .unwrap_or_else(|error| panic!("{lesson}; expected Ok, got the error `{error}`"));
    assert!(
        gunzip_file(&gz_of(&input)) == source,
        "big.txt.gz does not decompress to big.txt"
    );
    assert_only_gz_added(dir.path(), "big.txt");
}

#[course_testing::test]
fn a_failure_leaves_no_gz() {
    let dir = temp_dir();
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).expect("cannot create a test folder");
    let missing = dir.path().join("missing.bin");
    let pool = ThreadPoolExecutor::new(2);
    for path in [&folder, &missing] {
        let error = expect_err("an unreadable input must give an Err, not a panic", || {
            compress_big_file(&pool, path, 6, 1_024)
        });
        assert_eq!(
            error.path(),
            path,
            "the error should name the input, {}, got {}",
            path.display(),
            error.path().display()
        );
    }
    let names = names_in(dir.path());
    assert_eq!(
        names,
        ["folder"],
        "a failure may leave no .gz and no temporary file, found {names:?}: write to a temporary \
         file and rename it"
    );
}
