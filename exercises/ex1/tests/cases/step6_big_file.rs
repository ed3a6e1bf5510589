//! Step 6 (going further): one big file compressed in parallel, as consecutive gzip members.

use std::sync::atomic::Ordering;
use std::time::Duration;

use concurrent::testing::{AdversarialExecutor, CountingExecutor};
use concurrent::{CpuPoolExecutor, ThreadPoolExecutor};
use course_testing::{expect_err, expect_no_panic};
use ex1::{compress_big_file, compress_blocks};

use crate::support::{
    BadDisk, ENOUGH, Flow, HugeReader, MIB, StopWriter, gunzip, gunzip_file, gz_of, members,
    names_in, temp_dir, text, write_file,
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
        assert_eq!(
            read, len as u64,
            "compress_blocks should return the bytes read"
        );
        let back = gunzip(&compressed).unwrap_or_else(|error| panic!("{len} bytes: {error}"));
        assert!(
            back == source,
            "{len} bytes in blocks of {block}: decompressing gives {} bytes that differ from \
             the input (a block lost, repeated or out of order? the blocks of this test finish \
             in reverse order: write them in the order they were read)",
            back.len()
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
        "expected one gzip member per block of 10,000 bytes, the last one shorter"
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
    assert_eq!(read, 0);
    assert_eq!(
        members(&compressed).unwrap_or_else(|error| panic!("{error}")),
        [Vec::<u8>::new()],
        "an empty input must still give a valid gzip file: one empty member (gzip -d rejects an \
         empty file)"
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
    assert_eq!(read, 80_000);
    assert_eq!(back.map(|data| data == text(2, 80_000)), Ok(true));
    assert!(
        pool.submitted() >= 8,
        "80,000 bytes in blocks of 10,000 are 8 blocks: submit one task per block, {} were submitted",
        pool.submitted()
    );
    assert!(
        pool.max_in_flight() >= 2 && !pool.gate_timed_out(),
        "the blocks were compressed one at a time (at most {} in flight): submit a few blocks \
         before waiting for the oldest",
        pool.max_in_flight()
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
        "{} MiB were read before the first member was written: memory must stay bounded",
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
        "return the reader's error: got `{error}`"
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
    assert_eq!(report.input, input);
    assert_eq!(report.output, gz_of(&input));
    assert_eq!(report.original_size, 300_000);
    assert_eq!(
        Some(report.compressed_size),
        std::fs::metadata(&report.output)
            .ok()
            .map(|meta| meta.len()),
        "compressed_size is the size of the .gz on disk"
    );
    assert!(
        gunzip_file(&report.output) == source,
        "the .gz does not decompress to big.txt"
    );
    assert_eq!(
        names_in(dir.path()),
        ["big.txt", "big.txt.gz"],
        "only the .gz should be added to the folder"
    );
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
        assert_eq!(error.path(), path, "the error should name the input");
    }
    assert_eq!(
        names_in(dir.path()),
        ["folder"],
        "a failure may leave no .gz and no temporary file: write to a temporary file and rename it"
    );
}
